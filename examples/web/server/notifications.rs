//! Notifications: the dashboard's webhooks (Slack for deploys, another
//! channel for crashes …), which events go to each, and the watchers that
//! send them (dokku-core's [`dokku::notify`] over the examples'
//! [`WebhookNotifier`]).
//!
//! - **Deploys** (failed; succeeded when asked for): every deploy in the
//!   audit trail, whoever started it (this dashboard, another one, the
//!   CLI), read from the records the trail watch reads anyway. The failing
//!   phase and Dokku's words come from the record's output tail, read with
//!   the same tracker a live deploy uses. The same records keep the set of
//!   apps whose last deploy failed, which the dashboard marks.
//! - **Crashes**: a row the refresher reads with a process type running
//!   fewer containers than it has, once per crash (again only after it
//!   ran whole).
//! - **Pushes** (Dokku 0.38+): `builds:report` of every app every minute
//!   from start ([`BUILDS_EVERY`]; a dashboard's `main` turns it on, tests
//!   call the steps themselves), every ten seconds while a build runs
//!   ([`BUILDS_WHILE_RUNNING`]), and at once when Dokku's event log (where
//!   its logger is on) says a build started: an app whose last build failed is
//!   marked on the dashboard like a failed deploy, whoever started the
//!   build; a `git push` whose build ended since the first reading is told
//!   once, as a deploy: failed (its phase and Dokku's words read from its
//!   log with the same tracker), or succeeded when asked for (with the
//!   app's URLs); one seen running whose end no reading saw (the next
//!   push was already the last) is read by its id. A deploy made through
//!   the SDK is told from the trail, not again here.
//! - **Certificates**: `certs:report` of every app every six hours while
//!   some webhook wants them (charged to the refresher's budget), once per
//!   app and day left.
//! - **Disks**: `report`'s machine part every six hours while some webhook
//!   wants it (charged likewise: on a real host it also asks Docker), for
//!   each local file system whose space or inodes are 90% used or more,
//!   once per disk and percentage (again after it was freed below 90%).
//!
//! A URL is a secret ([`WebhookUrl`]): kept in a 0600 file, shown as its
//! host only, never logged or recorded. The settings change nothing on a
//! Dokku host, so they are not in the audit trail.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime};

use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use dokku::api::builds::BUILDS;
use dokku::model::builds::{BuildStatus, BuildsReport};
use dokku::model::deploy::DeployOutcome;
use dokku::model::host::HostVitals;
use dokku::notify::{Notifier, NotifyEvent, Subscriptions, WebhookUrl};
use dokku::parse::deploy::DeployTracker;
use dokku::{AppName, Dokku, ExitStatus};
use dokku_history::releases::{deploys_query, release_of, releases, Release};
use dokku_history::{HistoryStore, Outcome, Record};
use maud::{html, Markup};
use serde::{Deserialize, Serialize};

use super::auth::Role;
use super::data::{AppRow, AppStatus, Store, TrailWatch, Update};
use super::pages::{form_head, layout};
use super::users::User;
use super::{AppState, Ctx, WebError};
use crate::common::notify::{Sleep, WebhookNotifier};
use crate::common::Synced;

/// How often a dashboard reads each host's builds (0.38+), the first at
/// start ([`super::Options::builds_every`]).
pub const BUILDS_EVERY: Duration = Duration::from_secs(60);

/// How soon the builds are read again after a reading found one running:
/// its end (a push's failure told, the dashboard's marks) is known within
/// seconds rather than a minute.
pub const BUILDS_WHILE_RUNNING: Duration = Duration::from_secs(10);

/// How often certificates, and the host's disks, are read.
const CERTIFICATES_EVERY: Duration = Duration::from_secs(6 * 60 * 60);

/// A disk this full (space or inodes, in percent) is red on the host
/// page's meters, and told unless the settings say another percentage
/// ([`Settings::disk_percent`]).
pub const DISK_FULL_PERCENT: u8 = 90;

/// The lowest percentage the disk notification may be set to (below it a
/// healthy host would be told of every disk).
pub const DISK_PERCENT_LEAST: u8 = 50;

/// A disk this full is named on the dashboards (in red from
/// [`DISK_FULL_PERCENT`]).
pub const DISK_WARN_PERCENT: u8 = 80;

/// At most this many webhooks.
pub const MAX_WEBHOOKS: usize = 10;

/// One webhook as kept on disk (the URL in the clear: the file is 0600).
#[derive(Debug, Clone, Serialize, Deserialize)]
struct SavedHook {
    url: String,
    #[serde(flatten)]
    events: SavedEvents,
}

/// Which events a webhook gets, as kept on disk.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
struct SavedEvents {
    /// Missing in a file from before start events: off, their default.
    #[serde(default)]
    deploy_started: bool,
    deploy_failed: bool,
    deploy_succeeded: bool,
    certificate_expiring: bool,
    app_crashed: bool,
    /// Missing in a file from before disk events: on, their default.
    #[serde(default = "on")]
    disk_filling: bool,
}

impl From<SavedEvents> for Subscriptions {
    fn from(e: SavedEvents) -> Self {
        Self {
            deploy_started: e.deploy_started,
            deploy_failed: e.deploy_failed,
            deploy_succeeded: e.deploy_succeeded,
            certificate_expiring: e.certificate_expiring,
            app_crashed: e.app_crashed,
            disk_filling: e.disk_filling,
        }
    }
}

impl From<Subscriptions> for SavedEvents {
    fn from(s: Subscriptions) -> Self {
        Self {
            deploy_started: s.deploy_started,
            deploy_failed: s.deploy_failed,
            deploy_succeeded: s.deploy_succeeded,
            certificate_expiring: s.certificate_expiring,
            app_crashed: s.app_crashed,
            disk_filling: s.disk_filling,
        }
    }
}

/// What is kept on disk.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Saved {
    webhooks: Vec<SavedHook>,
    certificate_days: u32,
    /// Missing in a file from before it could be set: the default.
    #[serde(default = "full_percent")]
    disk_percent: u8,
}

fn full_percent() -> u8 {
    DISK_FULL_PERCENT
}

/// A file from before several webhooks: one (or none), its events beside
/// the days.
#[derive(Debug, Deserialize)]
struct SavedOne {
    url: Option<String>,
    #[serde(flatten)]
    events: SavedEvents,
    certificate_days: u32,
}

/// The saved settings of a file of either form.
fn read_saved(bytes: &[u8]) -> Result<Saved, serde_json::Error> {
    let value: serde_json::Value = serde_json::from_slice(bytes)?;
    if value.get("webhooks").is_some() {
        return serde_json::from_value(value);
    }
    let one: SavedOne = serde_json::from_value(value)?;
    let events = one.events;
    Ok(Saved {
        webhooks: one
            .url
            .into_iter()
            .map(|url| SavedHook { url, events })
            .collect(),
        certificate_days: one.certificate_days,
        disk_percent: DISK_FULL_PERCENT,
    })
}

fn on() -> bool {
    true
}

/// One webhook: where, and which events.
#[derive(Debug, Clone)]
pub struct Webhook {
    /// Where events go.
    pub url: WebhookUrl,
    /// Which events.
    pub subscriptions: Subscriptions,
}

/// The settings.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The webhooks (none: nothing is sent).
    pub webhooks: Vec<Webhook>,
    /// Certificates expiring within this many days are told.
    pub certificate_days: u32,
    /// Disks this full (space or inodes, in percent) or more are told.
    pub disk_percent: u8,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            webhooks: Vec::new(),
            certificate_days: 14,
            disk_percent: DISK_FULL_PERCENT,
        }
    }
}

impl Settings {
    /// Whether some webhook wants what `wants` picks out of its
    /// subscriptions (the watchers ask the host nothing otherwise).
    pub fn any(&self, wants: impl Fn(&Subscriptions) -> bool) -> bool {
        self.webhooks.iter().any(|w| wants(&w.subscriptions))
    }

    fn saved(&self) -> Saved {
        Saved {
            webhooks: self
                .webhooks
                .iter()
                .map(|w| SavedHook {
                    url: w.url.expose().to_owned(),
                    events: w.subscriptions.into(),
                })
                .collect(),
            certificate_days: self.certificate_days,
            disk_percent: self.disk_percent,
        }
    }

    fn from_saved(saved: Saved) -> Result<Self, dokku::notify::NotifyError> {
        let webhooks = saved
            .webhooks
            .into_iter()
            .map(|h| {
                Ok(Webhook {
                    url: WebhookUrl::parse(&h.url)?,
                    subscriptions: h.events.into(),
                })
            })
            .collect::<Result<_, _>>()?;
        Ok(Self {
            webhooks,
            certificate_days: saved.certificate_days,
            disk_percent: saved.disk_percent.clamp(DISK_PERCENT_LEAST, 100),
        })
    }
}

/// The dashboard's notification settings and sender (one for every host).
/// The settings file is [`Synced`]: another dashboard of this machine
/// (another port, the same history directory) sees a change at its next
/// read, and two changes are made one after the other.
pub struct Notifications {
    settings: Mutex<Synced<Settings>>,
    sleep: Sleep,
    /// The roots an https webhook's certificate must chain to, when not
    /// Mozilla's alone ([`Notifications::with_roots`]).
    roots: Option<rustls::RootCertStore>,
}

impl std::fmt::Debug for Notifications {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Notifications").finish_non_exhaustive()
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Settings from a file's bytes (none yet: the defaults), or what is wrong
/// with them (a webhook this dashboard would not post to), naming the file
/// and never a URL.
fn decode(file: &Path, bytes: Option<&[u8]>) -> Result<Settings, String> {
    let Some(bytes) = bytes else {
        return Ok(Settings::default());
    };
    let problem = |why: String| format!("the notification settings file {} {why}", file.display());
    let saved = read_saved(bytes).map_err(|e| problem(format!("is not valid: {e}")))?;
    Settings::from_saved(saved)
        .map_err(|e| problem(format!("holds a webhook URL that cannot be used: {e}")))
}

impl Notifications {
    /// No webhook, kept in memory only; retries waiting with `sleep`.
    pub fn in_memory(sleep: Sleep) -> Self {
        Self {
            settings: Mutex::new(Synced::new(None, None, Settings::default())),
            sleep,
            roots: None,
        }
    }

    /// Trust these roots for https webhooks
    /// ([`crate::common::notify::roots_with`]: Mozilla's and a private CA's).
    pub fn with_roots(mut self, roots: rustls::RootCertStore) -> Self {
        self.roots = Some(roots);
        self
    }

    /// The settings kept in `file` (none yet if it does not exist);
    /// retries waiting with `sleep`.
    ///
    /// # Errors
    ///
    /// The file cannot be read, or does not hold settings this dashboard
    /// can use (a webhook it would not post to): started anyway, it would
    /// tell nobody anything. The message names the file, never the URL.
    pub fn open(file: PathBuf, sleep: Sleep) -> Result<Self, String> {
        let mut settings = Synced::new(Some(file), None, Settings::default());
        sync(&mut settings)?;
        Ok(Self {
            settings: Mutex::new(settings),
            sleep,
            roots: None,
        })
    }

    /// The settings the file holds now; when it cannot be read, or holds
    /// something this dashboard cannot use, the settings read before (a
    /// warning is logged once; [`Notifications::change`] refuses).
    pub fn settings(&self) -> Settings {
        let mut held = lock(&self.settings);
        if let Err(e) = sync(&mut held) {
            if !held.refused_again() {
                tracing::warn!("{e}; the notification settings read before are kept");
            }
        }
        held.value().clone()
    }

    /// Change the settings the file holds now with `change`, and keep
    /// them (on disk first, 0600: nothing changes if that fails), holding
    /// the file's lock from the read to the write.
    ///
    /// # Errors
    ///
    /// What `change` refuses; the file cannot be locked, read (or holds
    /// what this dashboard cannot use) or written: [`WebError::Storage`],
    /// naming the file only.
    pub fn change<T>(
        &self,
        change: impl FnOnce(&mut Settings) -> Result<T, WebError>,
    ) -> Result<T, WebError> {
        let mut held = lock(&self.settings);
        let _lock = held.lock().map_err(|e| WebError::Storage(e.to_string()))?;
        sync(&mut held).map_err(WebError::Storage)?;
        let mut next = held.value().clone();
        let changed = change(&mut next)?;
        let bytes = serde_json::to_vec_pretty(&next.saved()).map_err(|e| {
            WebError::Storage(format!(
                "the notification settings could not be encoded: {e}"
            ))
        })?;
        held.save(bytes, next).map_err(|e| {
            WebError::Storage(format!("the notification settings could not be saved: {e}"))
        })?;
        Ok(changed)
    }

    /// Send `event` to every webhook subscribed to it, all at once: how
    /// many took it. Failures are logged (with the webhook's host only);
    /// the first is returned once every webhook was tried.
    pub async fn send(&self, event: &NotifyEvent) -> Result<usize, String> {
        let settings = self.settings();
        let sends = settings
            .webhooks
            .into_iter()
            .filter(|w| w.subscriptions.wants(event))
            .map(|w| self.deliver(w.url, event));
        let sent = futures_util::future::join_all(sends).await;
        let delivered = sent.iter().filter(|r| r.is_ok()).count();
        match sent.into_iter().find_map(Result::err) {
            Some(e) => Err(e),
            None => Ok(delivered),
        }
    }

    async fn deliver(&self, url: WebhookUrl, event: &NotifyEvent) -> Result<(), String> {
        let destination = url.destination().to_owned();
        let notifier = WebhookNotifier::new(url).and_then(|n| match &self.roots {
            Some(roots) => n.with_roots(roots.clone()),
            None => Ok(n),
        });
        let sent = match notifier {
            Ok(notifier) => {
                notifier
                    .with_sleep(Arc::clone(&self.sleep))
                    .notify(event)
                    .await
            }
            Err(e) => Err(e),
        };
        sent.map_err(|e| {
            tracing::warn!(destination, error = %e, "a notification was not delivered");
            e.to_string()
        })
    }
}

/// Read the settings file again if it changed ([`Synced::sync`]).
fn sync(held: &mut Synced<Settings>) -> Result<(), String> {
    let Some(file) = held.path().map(Path::to_path_buf) else {
        return Ok(());
    };
    held.sync(|bytes| decode(&file, bytes), |e| unreadable(&file, e))
}

fn unreadable(file: &Path, e: std::io::Error) -> String {
    format!(
        "the notification settings file {} cannot be read: {e}",
        file.display()
    )
}

/// A host's fullest disk as last read, [`DISK_WARN_PERCENT`] full or
/// more ([`HostWatch::filling_disk`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FillingDisk {
    /// Where it is mounted (`/`).
    pub mounted_on: String,
    /// How much is used, in percent.
    pub used_percent: u8,
    /// Its inodes, not its space.
    pub inodes: bool,
    /// When it was read.
    pub read_at: SystemTime,
}

impl FillingDisk {
    /// Whether it is full enough to be told ([`DISK_FULL_PERCENT`]): red
    /// on the dashboards.
    pub fn is_full(&self) -> bool {
        self.used_percent >= DISK_FULL_PERCENT
    }
}

/// One host's watch: what it has told, and the apps whose last deploy
/// failed (the dashboard marks them).
#[derive(Debug, Default)]
pub struct HostWatch {
    failed: Mutex<BTreeSet<AppName>>,
    /// Dokku's builds as last read ([`HostWatch::on_builds`]).
    builds: Mutex<Builds>,
    crashed: Mutex<BTreeSet<(AppName, String)>>,
    certificates: Mutex<BTreeMap<AppName, i64>>,
    /// The full disks told, by mount point and space/inodes: how full.
    disks: Mutex<BTreeMap<(String, bool), u8>>,
    /// The host's disks as last read (the host page, the disk watcher),
    /// and when.
    vitals: Mutex<Option<(SystemTime, HostVitals)>>,
    /// Counts the readings that may have changed a row's marks
    /// ([`HostWatch::marks_changed`]).
    marked: tokio::sync::watch::Sender<u64>,
    /// Dokku's event log said a build started: read the builds now
    /// ([`HostWatch::on_event`]).
    build_started: tokio::sync::Notify,
}

/// The apps of a host the watch marks, as a user may see them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Marked {
    /// Those whose last deploy failed.
    pub failed: BTreeSet<AppName>,
    /// Those being deployed.
    pub deploying: BTreeSet<AppName>,
}

/// What the dashboard marks beside an app's state.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Marks {
    /// Its last deploy failed ([`HostWatch::last_deploy_failed`]).
    pub deploy_failed: bool,
    /// The build running for it ([`HostWatch::building`]).
    pub building: Option<String>,
}

/// What the builds readings know.
#[derive(Debug, Default)]
struct Builds {
    /// The apps whose last build failed, with its id.
    failed: BTreeMap<AppName, String>,
    /// The apps whose last build was running, with its id.
    running: BTreeMap<AppName, String>,
    /// Builds seen running that ended unseen: another build of the app
    /// became its last before a reading saw their end
    /// ([`HostWatch::missed_pushes`] reads them).
    missed: Vec<(AppName, String)>,
    /// The ended builds seen (told, or there at the first reading);
    /// `None` before it.
    seen: Option<BTreeSet<String>>,
    /// How many trail deploys have been marked, and when each app's last
    /// one was: a reading begun before an app's deploy says nothing of it.
    marked: u64,
    deployed: BTreeMap<AppName, u64>,
}

/// What a builds reading found worth telling.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BuildNews {
    /// Builds newly seen running: deploys started.
    pub started: Vec<Started>,
    /// `git push` builds that ended.
    pub ended: Vec<Push>,
}

/// A build newly seen running, found by a builds reading.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Started {
    /// The app.
    pub app: AppName,
    /// What started it: the record's `source` (`git-hook` …).
    pub source: String,
}

/// A `git push` whose build ended, found by a builds reading.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Push {
    /// The app.
    pub app: AppName,
    /// The build's id.
    pub id: String,
    /// Whether it succeeded.
    pub succeeded: bool,
    /// Its exit code.
    pub exit_code: Option<i64>,
}

impl Push {
    /// A build that ended, noted in `seen`: news when it is a `git push`
    /// (`source` `git-hook`) not seen ended before, not cancelled (which
    /// says nothing of the code), and not found at the `first` reading.
    fn ended(
        seen: &mut BTreeSet<String>,
        first: bool,
        app: &AppName,
        id: &str,
        source: Option<&str>,
        status: &BuildStatus,
        exit_code: Option<i64>,
    ) -> Option<Push> {
        let newly = seen.insert(id.to_owned());
        let told =
            newly && !first && source == Some("git-hook") && *status != BuildStatus::Canceled;
        told.then(|| Push {
            app: app.clone(),
            id: id.to_owned(),
            succeeded: *status == BuildStatus::Succeeded,
            exit_code,
        })
    }
}

impl HostWatch {
    /// Whether the app's last deploy failed: through the SDK (the trail),
    /// or Dokku's last build of it, whoever started it.
    pub fn last_deploy_failed(&self, app: &AppName) -> bool {
        lock(&self.failed).contains(app) || lock(&self.builds).failed.contains_key(app)
    }

    /// The apps of host `host` that `user` may see whose last deploy
    /// failed ([`HostWatch::last_deploy_failed`]) and that are being
    /// deployed ([`HostWatch::building`]).
    pub fn marked(&self, user: &User, host: &str) -> Marked {
        let sees = |app: &AppName| user.may(Role::Viewer, host, Some(app.as_str()));
        let mut failed = lock(&self.failed).clone();
        let builds = lock(&self.builds);
        failed.extend(builds.failed.keys().cloned());
        failed.retain(sees);
        let deploying = builds.running.keys().filter(|a| sees(a)).cloned().collect();
        Marked { failed, deploying }
    }

    /// The id of the app's build that was running at the last builds
    /// reading (up to a minute old: [`BUILDS_EVERY`]).
    pub fn building(&self, app: &AppName) -> Option<String> {
        lock(&self.builds).running.get(app).cloned()
    }

    /// What the dashboard marks beside `app`'s state.
    pub fn marks(&self, app: &AppName) -> Marks {
        Marks {
            deploy_failed: self.last_deploy_failed(app),
            building: self.building(app),
        }
    }

    /// A receiver that sees a change after every reading that may have
    /// changed some app's [`Marks`] (the live dashboard sends those rows
    /// again).
    pub fn marks_changed(&self) -> tokio::sync::watch::Receiver<u64> {
        self.marked.subscribe()
    }

    fn remarked(&self) {
        self.marked.send_modify(|n| *n += 1);
    }

    /// An event of Dokku's log (where its logger is on): a build started
    /// (`builder-build`, which `dokku_build` fires before the builder
    /// prints) wakes the builds watcher at once, so the build is marked
    /// within seconds rather than at the next minute's reading.
    pub fn on_event(&self, event: &dokku::model::events::EventLine) {
        if event.trigger.as_deref() == Some("builder-build") {
            self.build_started.notify_one();
        }
    }

    /// Whether any build was running at the last builds reading.
    pub fn any_building(&self) -> bool {
        !lock(&self.builds).running.is_empty()
    }

    /// Where a builds reading begins: pass it to [`HostWatch::on_builds`].
    pub fn builds_mark(&self) -> u64 {
        lock(&self.builds).marked
    }

    /// A reading of every app's last build (`builds:report`), begun at
    /// `mark`: which apps are being built and which apps' last build
    /// failed, for the dashboard (not an app deployed through the SDK
    /// since `mark`, which its trail record decides); and the news: the
    /// builds newly running (whatever started them) and the `git push`
    /// builds whose end is news, neither at the first reading, nor told
    /// before.
    pub fn on_builds(&self, mark: u64, reports: Vec<BuildsReport>) -> BuildNews {
        let mut builds = lock(&self.builds);
        let Builds {
            failed,
            running,
            missed,
            seen,
            deployed,
            ..
        } = &mut *builds;
        let first = seen.is_none();
        let seen = seen.get_or_insert_with(BTreeSet::new);
        let mut news = BuildNews::default();
        failed.clear();
        let was_running = std::mem::take(running);
        let last: BTreeSet<&str> = reports
            .iter()
            .filter_map(|r| r.build_id.as_deref())
            .collect();
        missed.extend(
            was_running
                .iter()
                .filter(|(_, id)| !last.contains(id.as_str()) && !seen.contains(*id))
                .map(|(app, id)| (app.clone(), id.clone())),
        );
        for report in reports {
            let (Some(app), Some(id), Some(status)) =
                (report.app, report.build_id, report.build_status)
            else {
                continue;
            };
            // Still running: marked so, its end is read next time.
            // Cancelled: neither told nor marked (it says nothing of the
            // code).
            if status == BuildStatus::Canceled {
                seen.insert(id);
                continue;
            }
            if status == BuildStatus::Running {
                if !first && was_running.get(&app) != Some(&id) {
                    news.started.push(Started {
                        app: app.clone(),
                        source: report.build_source.unwrap_or_default(),
                    });
                }
                running.insert(app, id);
                continue;
            }
            if deployed.get(&app).is_some_and(|at| *at > mark) {
                continue;
            }
            let source = report.build_source.as_deref();
            news.ended.extend(Push::ended(
                seen,
                first,
                &app,
                &id,
                source,
                &status,
                report.build_exit_code,
            ));
            if status != BuildStatus::Succeeded {
                failed.insert(app, id);
            }
        }
        drop(builds);
        self.remarked();
        news
    }

    /// The `git push` builds a reading saw running whose end no reading
    /// saw (another build of the app was already the last at the next),
    /// each read by its id (`builds:info`): a push that ended is news, as
    /// in [`HostWatch::on_builds`]. A record that cannot be read is
    /// dropped (logged).
    pub async fn missed_pushes(&self, dokku: &Dokku) -> Vec<Push> {
        let missed = std::mem::take(&mut lock(&self.builds).missed);
        let mut news = Vec::new();
        for (app, id) in missed {
            let record = match dokku.builds().info(&app, &id).await {
                Ok(record) => record,
                Err(e) => {
                    tracing::warn!(error = %e, %app, build = %id, "reading an ended build failed");
                    continue;
                }
            };
            let Some(status) = record.shown_status().filter(|_| !record.is_running()) else {
                continue;
            };
            let mut builds = lock(&self.builds);
            let seen = builds.seen.get_or_insert_with(BTreeSet::new);
            let source = Some(record.source.as_str());
            news.extend(Push::ended(
                seen,
                false,
                &app,
                &id,
                source,
                status,
                record.exit_code,
            ));
        }
        news
    }

    /// A trail deploy of `app` was marked: it, not an earlier builds
    /// reading, says how the app's last deploy went.
    fn deployed(&self, app: &AppName) {
        let mut builds = lock(&self.builds);
        builds.marked += 1;
        let at = builds.marked;
        builds.deployed.insert(app.clone(), at);
        builds.failed.remove(app);
    }

    /// Start from the trail: the marks of the newest 2,000 deploys on
    /// `host` (and the cancels among them), applied oldest first so each
    /// app's last deploy decides, as [`HostWatch::on_records`] does.
    pub async fn load(&self, history: &HistoryStore, host: &str) {
        let mut query = deploys_query(None, Some(host));
        query.limit = Some(2_000);
        let page = match history.query(query).await {
            Ok(page) => page,
            Err(e) => {
                tracing::warn!(error = %e, "reading the last deploys failed");
                return;
            }
        };
        let mut failed = lock(&self.failed);
        for release in releases(&page.records).iter().rev() {
            if let Ok(app) = AppName::legacy(&release.app) {
                mark(&mut failed, app, release);
            }
        }
        drop(failed);
        self.remarked();
    }

    /// The events new trail records are worth, and the failed-deploy marks
    /// they change.
    pub fn on_records(&self, host: &str, records: &[Record]) -> Vec<NotifyEvent> {
        let mut events = Vec::new();
        let mut deploys = false;
        // Oldest first, so the last deploy's mark wins.
        for record in records.iter().rev() {
            let Some(release) = release_of(record) else {
                continue;
            };
            let Ok(app) = AppName::legacy(&release.app) else {
                continue;
            };
            mark(&mut lock(&self.failed), app.clone(), &release);
            self.deployed(&app);
            deploys = true;
            if let Some(outcome) = outcome_of(record) {
                events.extend(NotifyEvent::from_deploy(host, &app, &outcome));
            }
        }
        if deploys {
            self.remarked();
        }
        events
    }

    /// The crashes a freshly read row shows that were not told yet.
    pub fn on_row(&self, host: &str, row: &AppRow) -> Vec<NotifyEvent> {
        let mut told = lock(&self.crashed);
        let down = matches!(row.status, AppStatus::Crashed | AppStatus::Mixed);
        let mut events = Vec::new();
        for (process_type, count) in &row.processes {
            let key = (row.app.clone(), process_type.clone());
            let event = down
                .then(|| {
                    NotifyEvent::crashed(host, &row.app, process_type, count.running, count.total)
                })
                .flatten();
            match event {
                Some(event) => {
                    if told.insert(key) {
                        events.push(event);
                    }
                }
                None => {
                    told.remove(&key);
                }
            }
        }
        events
    }

    /// Seed the crashes already known (the snapshot's rows at start), so a
    /// restart does not tell them again.
    pub fn seed_rows(&self, host: &str, rows: impl IntoIterator<Item = Arc<AppRow>>) {
        for row in rows {
            let _ = self.on_row(host, &row);
        }
    }

    /// The certificates worth an event: each app once per day left.
    pub fn on_certificates(
        &self,
        host: &str,
        expiring: impl IntoIterator<Item = (AppName, i64)>,
        within_days: u32,
    ) -> Vec<NotifyEvent> {
        let mut told = lock(&self.certificates);
        expiring
            .into_iter()
            .filter_map(|(app, days)| {
                let event = NotifyEvent::certificate(host, &app, days, within_days)?;
                (told.insert(app, days) != Some(days)).then_some(event)
            })
            .collect()
    }
}

impl HostWatch {
    /// Keep the host's vitals read at `at`, for the dashboard's warning.
    pub fn keep_vitals(&self, at: SystemTime, vitals: &HostVitals) {
        *lock(&self.vitals) = Some((at, vitals.clone()));
    }

    /// The fullest disk as last read if it is [`DISK_WARN_PERCENT`] full
    /// or more (space or inodes): what the dashboards name.
    pub fn filling_disk(&self, host: &str) -> Option<FillingDisk> {
        let kept = lock(&self.vitals);
        let (at, vitals) = kept.as_ref()?;
        NotifyEvent::disks_filling(host, vitals, DISK_WARN_PERCENT)
            .into_iter()
            .filter_map(|e| match e {
                NotifyEvent::DiskFilling {
                    mounted_on,
                    used_percent,
                    inodes,
                    ..
                } => Some(FillingDisk {
                    mounted_on,
                    used_percent,
                    inodes,
                    read_at: *at,
                }),
                _ => None,
            })
            .max_by_key(|d| d.used_percent)
    }

    /// The disks `percent` full or more worth an event: each once per
    /// percentage, and again after it was below `percent`.
    pub fn on_vitals(&self, host: &str, vitals: &HostVitals, percent: u8) -> Vec<NotifyEvent> {
        let mut told = lock(&self.disks);
        let mut full = BTreeMap::new();
        let mut new = Vec::new();
        for event in NotifyEvent::disks_filling(host, vitals, percent) {
            let NotifyEvent::DiskFilling {
                mounted_on,
                used_percent,
                inodes,
                ..
            } = &event
            else {
                continue;
            };
            let (key, percent) = ((mounted_on.clone(), *inodes), *used_percent);
            if told.get(&key) != Some(&percent) {
                new.push(event);
            }
            full.insert(key, percent);
        }
        // A disk no longer full is forgotten: filling again is news.
        *told = full;
        new
    }
}

fn mark(failed: &mut BTreeSet<AppName>, app: AppName, release: &Release) {
    match release.outcome {
        Outcome::Ok => {
            failed.remove(&app);
        }
        Outcome::Failed | Outcome::Timeout => {
            failed.insert(app);
        }
        // A cancel or a lost connection says nothing about the code.
        _ => {}
    }
}

/// A recorded deploy's outcome, read from its output's tail as a live
/// deploy's is; `None` for a cancel or a lost connection.
fn outcome_of(record: &Record) -> Option<DeployOutcome> {
    let entry = &record.entry;
    let code = match entry.outcome {
        Outcome::Ok | Outcome::Failed => entry.exit_code?,
        _ => return None,
    };
    let mut tracker = DeployTracker::new();
    for line in entry.stdout.lines().chain(entry.stderr.lines()) {
        tracker.line(line);
    }
    Some(tracker.finish(ExitStatus::code(code)))
}

/// Look at the audit trail every `every` for as long as the state lives:
/// mark the apps other programs changed so they are refreshed first
/// ([`TrailWatch`]), and tell the deploys it records.
pub async fn watch_trail(
    site: Arc<Notifications>,
    host_watch: Arc<HostWatch>,
    store: Arc<Store>,
    history: HistoryStore,
    host: String,
    every: Duration,
) {
    host_watch.load(&history, &host).await;
    let mut watch = TrailWatch::new(host.clone());
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        match watch.look_records(&store, &history).await {
            Ok((_, records)) => {
                for event in host_watch.on_records(&host, &records) {
                    let _ = site.send(&event).await;
                }
            }
            Err(e) => tracing::warn!(error = %e, "reading the audit trail for changes failed"),
        }
    }
}

/// Follow one host's rows for crashes, and read its certificates (on the
/// host's clock: `now`) and its disks every six hours, until the state
/// ends.
pub async fn watch(
    site: Arc<Notifications>,
    host_watch: Arc<HostWatch>,
    store: Arc<Store>,
    dokku: Dokku,
    host: String,
    now: impl Fn() -> SystemTime + Send + 'static,
    builds_every: Option<Duration>,
) {
    host_watch.seed_rows(
        &host,
        store
            .view()
            .lines
            .into_iter()
            .filter_map(|line| line.kept.map(|k| k.row)),
    );
    let mut updates = store.subscribe();
    let mut certificates = tokio::time::interval(CERTIFICATES_EVERY);
    certificates.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut disks = tokio::time::interval(CERTIFICATES_EVERY);
    disks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut builds = builds_every.map(|every| {
        let mut builds = tokio::time::interval(every);
        builds.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        builds
    });
    loop {
        let events = tokio::select! {
            update = updates.recv() => match update {
                Ok(Update::Row(row)) => host_watch.on_row(&host, &row),
                Ok(_) | Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => Vec::new(),
                Err(tokio::sync::broadcast::error::RecvError::Closed) => return,
            },
            _ = certificates.tick() => {
                let settings = site.settings();
                // Nobody to tell: the host is not asked.
                if !settings.any(|s| s.certificate_expiring) {
                    continue;
                }
                let within = settings.certificate_days;
                let (read, _) = store.timed(dokku.certs().report_all()).await;
                match read {
                    Ok(reports) => {
                        let now = now();
                        let expiring = reports.into_iter().filter_map(|c| {
                            let (Some(app), Some(at), true) = (c.app, c.expires_at, c.enabled) else {
                                return None;
                            };
                            Some((app, days_between(now, at)))
                        });
                        host_watch.on_certificates(&host, expiring, within)
                    }
                    Err(e) => {
                        tracing::warn!(error = %e, "reading the certificates failed");
                        Vec::new()
                    }
                }
            }
            _ = async {
                match builds.as_mut() {
                    Some(builds) => tokio::select! {
                        _ = builds.tick() => {}
                        () = host_watch.build_started.notified() => {}
                    },
                    None => std::future::pending().await,
                }
            } => {
                let recorded = dokku.capabilities().await.is_ok_and(|caps| caps.version >= BUILDS);
                if !recorded {
                    continue;
                }
                let mark = host_watch.builds_mark();
                match store.timed(dokku.report::<BuildsReport>().all()).await.0 {
                    Ok(reports) => {
                        let BuildNews { started, mut ended } = host_watch.on_builds(mark, reports);
                        ended.extend(host_watch.missed_pushes(&dokku).await);
                        if let (Some(builds), Some(every)) = (builds.as_mut(), builds_every) {
                            builds.reset_after(match host_watch.any_building() {
                                true => BUILDS_WHILE_RUNNING.min(every),
                                false => every,
                            });
                        }
                        let settings = site.settings();
                        let mut events = Vec::new();
                        if settings.any(|s| s.deploy_started) {
                            events.extend(started.into_iter().map(|s| NotifyEvent::DeployStarted {
                                host: host.clone(),
                                app: s.app,
                                source: s.source,
                            }));
                        }
                        for push in ended {
                            let wanted = settings.any(|s| match push.succeeded {
                                true => s.deploy_succeeded,
                                false => s.deploy_failed,
                            });
                            if wanted {
                                events.extend(push_event(&dokku, &host, &push).await);
                            }
                        }
                        events
                    }
                    Err(e) => {
                        tracing::warn!(error = %e, "reading the builds failed");
                        Vec::new()
                    }
                }
            }
            _ = disks.tick() => {
                let settings = site.settings();
                if !settings.any(|s| s.disk_filling) {
                    continue;
                }
                match store.timed(dokku.host().vitals()).await.0 {
                    Ok(vitals) => {
                        // When the dashboard read it (as the host page
                        // says), not the host's clock.
                        host_watch.keep_vitals(SystemTime::now(), &vitals);
                        host_watch.on_vitals(&host, &vitals, settings.disk_percent)
                    }
                    Err(e) => {
                        tracing::warn!(error = %e, "reading the host's disks failed");
                        Vec::new()
                    }
                }
            }
        };
        for event in events {
            let _ = site.send(&event).await;
        }
    }
}

/// A push as a deploy: succeeded, with the app's URLs (`urls`); failed,
/// with its phase and Dokku's words read from its log (`builds:output`,
/// made fit to show as a page's output is) as a live deploy's are, or
/// without the log its exit code alone.
pub async fn push_event(dokku: &Dokku, host: &str, push: &Push) -> Option<NotifyEvent> {
    use futures_util::StreamExt;
    if push.succeeded {
        let urls = dokku.apps().urls(&push.app).await.unwrap_or_default();
        return NotifyEvent::from_deploy(host, &push.app, &DeployOutcome::Succeeded { urls });
    }
    let mut tracker = DeployTracker::new();
    match dokku.builds().output(&push.app, Some(&push.id)).await {
        Ok(mut lines) => {
            while let Some(Ok(line)) = lines.next().await {
                let line = dokku::parse::deploy::strip_cursor_codes(&line);
                tracker.line(&super::handlers::fit_to_show(&line));
            }
        }
        Err(e) => {
            tracing::warn!(error = %e, build = %push.id, "reading a failed build's output failed")
        }
    }
    let code = push
        .exit_code
        .and_then(|c| i32::try_from(c).ok())
        .unwrap_or(1);
    NotifyEvent::from_deploy(host, &push.app, &tracker.finish(ExitStatus::code(code)))
}

/// Whole days from `now` to `at` (negative once past).
fn days_between(now: SystemTime, at: SystemTime) -> i64 {
    const DAY: i64 = 86_400;
    let seconds = match at.duration_since(now) {
        Ok(ahead) => i64::try_from(ahead.as_secs()).unwrap_or(i64::MAX),
        Err(behind) => -i64::try_from(behind.duration().as_secs()).unwrap_or(i64::MAX),
    };
    seconds.div_euclid(DAY)
}

// ------------------------------------------------------------------ page

/// The settings page: each webhook with its events (save, remove, send a
/// test), one to add, and the certificates' window.
pub async fn page(State(state): State<AppState>, Extension(ctx): Extension<Ctx>) -> Markup {
    let settings = state.site.notifications.settings();
    let check = |name: &str, label: &str, on: bool| {
        html! {
            label.check { input type="checkbox" name=(name) value="on" checked[on]; " " (label) }
        }
    };
    let disks = format!(
        "disks {}% full or more (read every six hours)",
        settings.disk_percent
    );
    let events = |s: Subscriptions| {
        html! {
            fieldset {
                legend { "Send" }
                (check("deploy_started", "deploys started", s.deploy_started))
                (check("deploy_failed", "failed deploys", s.deploy_failed))
                (check("deploy_succeeded", "successful deploys", s.deploy_succeeded))
                (check("app_crashed", "crashed processes", s.app_crashed))
                (check("certificate_expiring", "certificates expiring", s.certificate_expiring))
                (check("disk_filling", &disks, s.disk_filling))
            }
        }
    };
    layout(
        "Notifications",
        &ctx,
        html! {
            h1 { "Notifications" }
            p.muted {
                "Webhooks for every host: a POST of JSON that Slack (" code { "text" }
                ") and Discord (" code { "content" } ") both take. Each gets the events ticked for it."
            }
            @if settings.webhooks.is_empty() {
                p #webhook-now.muted { "No webhook: nothing is sent." }
            }
            @for (i, hook) in settings.webhooks.iter().enumerate() {
                section id=(format!("webhook-{i}")) {
                    h2 { "Posting to " strong { (hook.url.destination()) } }
                    p.muted { "The rest of the URL is a secret and is not shown." }
                    form.webhook method="post" action="/notifications" id=(format!("webhook-{i}-save")) {
                        (form_head(&ctx.session, &format!("webhook-{i}-save")))
                        input type="hidden" name="hook" value=(i);
                        label { "New URL "
                            input type="password" name="url" autocomplete="off" placeholder="leave empty to keep the current one";
                        }
                        (events(hook.subscriptions))
                        button type="submit" { "Save" }
                    }
                    div.actions {
                        form.inline method="post" action="/notifications/test" id=(format!("webhook-{i}-test")) {
                            (form_head(&ctx.session, &format!("webhook-{i}-test")))
                            input type="hidden" name="hook" value=(i);
                            button.secondary type="submit" { "Send a test" }
                        }
                        form.inline method="post" action="/notifications" id=(format!("webhook-{i}-remove"))
                            data-confirm={ "Remove the webhook to " (hook.url.destination()) "?" }
                            data-consequence="Nothing more is sent to it." data-ok="Remove" {
                            (form_head(&ctx.session, &format!("webhook-{i}-remove")))
                            input type="hidden" name="hook" value=(i);
                            input type="hidden" name="clear" value="on";
                            button.danger type="submit" { "Remove" }
                        }
                    }
                }
            }
            @if settings.webhooks.len() < MAX_WEBHOOKS {
                section #webhook-add {
                    h2 { "Add a webhook" }
                    form #notifications method="post" action="/notifications" {
                        (form_head(&ctx.session, "notifications"))
                        label { "Webhook URL "
                            input type="password" name="url" autocomplete="off" required placeholder="https://hooks.slack.com/services/…";
                        }
                        (events(Subscriptions::default()))
                        button type="submit" { "Add" }
                    }
                }
            }
            section #certificate-window {
                h2 { "Certificates and disks" }
                form #notifications-days method="post" action="/notifications" {
                    (form_head(&ctx.session, "notifications-days"))
                    div { label { "Tell certificates expiring within "
                        input type="number" name="certificate_days" min="0" max="365" value=(settings.certificate_days);
                        " days" } }
                    div { label { "Tell disks "
                        input type="number" name="disk_percent" min=(DISK_PERCENT_LEAST) max="100" value=(settings.disk_percent);
                        "% full or more" } }
                    button.secondary type="submit" { "Save" }
                }
            }
        },
    )
}

/// The settings forms: a webhook's (`hook`: which; none: a new one, or
/// only the certificates' window and the disks' percentage), its events,
/// `clear` to remove it.
#[derive(Debug, Deserialize)]
pub struct SettingsForm {
    #[serde(default)]
    hook: Option<usize>,
    #[serde(default)]
    url: String,
    #[serde(default)]
    clear: Option<String>,
    #[serde(default)]
    deploy_started: Option<String>,
    #[serde(default)]
    deploy_failed: Option<String>,
    #[serde(default)]
    deploy_succeeded: Option<String>,
    #[serde(default)]
    app_crashed: Option<String>,
    #[serde(default)]
    certificate_expiring: Option<String>,
    #[serde(default)]
    certificate_days: Option<u32>,
    #[serde(default)]
    disk_percent: Option<u8>,
    #[serde(default)]
    disk_filling: Option<String>,
}

impl SettingsForm {
    fn subscriptions(&self) -> Subscriptions {
        Subscriptions {
            deploy_started: self.deploy_started.is_some(),
            deploy_failed: self.deploy_failed.is_some(),
            deploy_succeeded: self.deploy_succeeded.is_some(),
            certificate_expiring: self.certificate_expiring.is_some(),
            app_crashed: self.app_crashed.is_some(),
            disk_filling: self.disk_filling.is_some(),
        }
    }
}

/// A webhook URL the dashboard can post to, or why not (never repeating
/// the URL).
fn usable(url: &str) -> Result<WebhookUrl, WebError> {
    let refused = |e: dokku::notify::NotifyError| {
        WebError::BadRequest(format!("That webhook URL cannot be used: {e}."))
    };
    let parsed = WebhookUrl::parse(url).map_err(refused)?;
    // Refused here, not at the first event, should no client be possible
    // for it.
    WebhookNotifier::new(parsed.clone()).map_err(refused)?;
    Ok(parsed)
}

/// The webhook a form names.
fn named(settings: &mut Settings, hook: usize) -> Result<&mut Webhook, WebError> {
    settings
        .webhooks
        .get_mut(hook)
        .ok_or_else(|| WebError::NotFound("that webhook (the page was out of date)".to_owned()))
}

/// Save the settings.
pub async fn save(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Form(form): Form<SettingsForm>,
) -> Result<Response, WebError> {
    let url = form.url.trim();
    let said = state.site.notifications.change(|settings| {
        let said = match form.hook {
            Some(hook) if form.clear.is_some() => {
                named(settings, hook)?;
                let removed = settings.webhooks.remove(hook);
                format!("Removed the webhook to {}.", removed.url.destination())
            }
            Some(hook) => {
                let subscriptions = form.subscriptions();
                let new_url = (!url.is_empty()).then(|| usable(url)).transpose()?;
                let webhook = named(settings, hook)?;
                webhook.subscriptions = subscriptions;
                if let Some(new_url) = new_url {
                    webhook.url = new_url;
                }
                format!("Saved the webhook to {}.", webhook.url.destination())
            }
            None if !url.is_empty() => {
                if settings.webhooks.len() >= MAX_WEBHOOKS {
                    return Err(WebError::BadRequest(format!(
                        "At most {MAX_WEBHOOKS} webhooks: remove one first."
                    )));
                }
                let url = usable(url)?;
                let said = format!("Added a webhook to {}.", url.destination());
                settings.webhooks.push(Webhook {
                    url,
                    subscriptions: form.subscriptions(),
                });
                said
            }
            None if form.certificate_days.is_some() || form.disk_percent.is_some() => {
                "Saved the notification settings.".to_owned()
            }
            None => return Err(WebError::BadRequest("Give a webhook URL.".to_owned())),
        };
        if let Some(days) = form.certificate_days {
            settings.certificate_days = days.min(365);
        }
        if let Some(percent) = form.disk_percent {
            settings.disk_percent = percent.clamp(DISK_PERCENT_LEAST, 100);
        }
        Ok(said)
    })?;
    state.auth.flash(&ctx.token, said);
    Ok(Redirect::to("/notifications").into_response())
}

/// `hook=…` of the test form (none: every webhook).
#[derive(Debug, Default, Deserialize)]
pub struct TestForm {
    #[serde(default)]
    hook: Option<usize>,
}

/// Send a test event to one webhook, or to every one.
pub async fn test(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Form(form): Form<TestForm>,
) -> Result<Response, WebError> {
    let notifications = &state.site.notifications;
    let mut settings = notifications.settings();
    let hooks: Vec<Webhook> = match form.hook {
        Some(hook) => vec![named(&mut settings, hook)?.clone()],
        None => settings.webhooks,
    };
    if hooks.is_empty() {
        return Err(WebError::BadRequest(
            "No webhook is set: add one first.".to_owned(),
        ));
    }
    let app = AppName::new("dokku-rs-test")?;
    let event = NotifyEvent::DeploySucceeded {
        host: ctx.host.clone(),
        app,
        urls: vec!["(a test from the dashboard: nothing was deployed)".to_owned()],
    };
    let mut sent = Vec::new();
    for hook in hooks {
        let to = hook.url.destination().to_owned();
        notifications.deliver(hook.url, &event).await.map_err(|e| {
            WebError::BadRequest(format!("The test to {to} was not delivered: {e}."))
        })?;
        sent.push(to);
    }
    state.auth.flash(
        &ctx.token,
        format!("Sent a test notification to {}.", sent.join(", ")),
    );
    Ok(Redirect::to("/notifications").into_response())
}
