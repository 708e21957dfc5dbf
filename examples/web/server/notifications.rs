//! Notifications: one webhook for the whole dashboard, which events go to
//! it, and the watchers that send them (dokku-core's [`dokku::notify`]
//! over the examples' [`WebhookNotifier`]).
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
//! - **Certificates**: `certs:report` of every app every six hours while
//!   a webhook wants them (charged to the refresher's budget), once per
//!   app and day left.
//! - **Disks**: `report`'s machine part every six hours while a webhook
//!   wants it (charged likewise: on a real host it also asks Docker), for
//!   each local file system whose space or inodes are 90% used or more,
//!   once per disk and percentage (again after it was freed below 90%).
//!
//! The URL is a secret ([`WebhookUrl`]): kept in a 0600 file, shown as its
//! host only, never logged or recorded. The settings change nothing on a
//! Dokku host, so they are not in the audit trail.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime};

use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use dokku::model::deploy::DeployOutcome;
use dokku::model::host::HostVitals;
use dokku::notify::{Notifier, NotifyEvent, Subscriptions, WebhookUrl};
use dokku::parse::deploy::DeployTracker;
use dokku::{AppName, Dokku, ExitStatus};
use dokku_history::releases::{deploys_query, release_of, releases, Release};
use dokku_history::{HistoryStore, Outcome, Record};
use maud::{html, Markup};
use serde::{Deserialize, Serialize};

use super::data::{AppRow, AppStatus, Store, TrailWatch, Update};
use super::pages::{form_head, layout};
use super::{AppState, Ctx, WebError};
use crate::common::notify::{Sleep, WebhookNotifier};

/// How often certificates, and the host's disks, are read.
const CERTIFICATES_EVERY: Duration = Duration::from_secs(6 * 60 * 60);

/// A disk this full (space or inodes, in percent) is told: the red of the
/// host page's meters.
pub const DISK_FULL_PERCENT: u8 = 90;

/// A disk this full is named on the dashboards (in red from
/// [`DISK_FULL_PERCENT`]).
pub const DISK_WARN_PERCENT: u8 = 80;

/// What is kept on disk (the URL in the clear: the file is 0600).
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Saved {
    url: Option<String>,
    deploy_failed: bool,
    deploy_succeeded: bool,
    certificate_expiring: bool,
    app_crashed: bool,
    /// Missing in a file from before disk events: on, their default.
    #[serde(default = "on")]
    disk_filling: bool,
    certificate_days: u32,
}

fn on() -> bool {
    true
}

/// The settings.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Where events go (none: nowhere).
    pub url: Option<WebhookUrl>,
    /// Which events.
    pub subscriptions: Subscriptions,
    /// Certificates expiring within this many days are told.
    pub certificate_days: u32,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            url: None,
            subscriptions: Subscriptions::default(),
            certificate_days: 14,
        }
    }
}

impl Settings {
    fn saved(&self) -> Saved {
        let s = self.subscriptions;
        Saved {
            url: self.url.as_ref().map(|u| u.expose().to_owned()),
            deploy_failed: s.deploy_failed,
            deploy_succeeded: s.deploy_succeeded,
            certificate_expiring: s.certificate_expiring,
            app_crashed: s.app_crashed,
            disk_filling: s.disk_filling,
            certificate_days: self.certificate_days,
        }
    }

    fn from_saved(saved: Saved) -> Result<Self, dokku::notify::NotifyError> {
        Ok(Self {
            url: saved.url.as_deref().map(WebhookUrl::parse).transpose()?,
            subscriptions: Subscriptions {
                deploy_failed: saved.deploy_failed,
                deploy_succeeded: saved.deploy_succeeded,
                certificate_expiring: saved.certificate_expiring,
                app_crashed: saved.app_crashed,
                disk_filling: saved.disk_filling,
            },
            certificate_days: saved.certificate_days,
        })
    }
}

/// The dashboard's notification settings and sender (one for every host).
pub struct Notifications {
    file: Option<PathBuf>,
    settings: Mutex<Settings>,
    sleep: Sleep,
}

impl std::fmt::Debug for Notifications {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Notifications")
            .field("file", &self.file)
            .finish_non_exhaustive()
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Notifications {
    /// No webhook, kept in memory only; retries waiting with `sleep`.
    pub fn in_memory(sleep: Sleep) -> Self {
        Self {
            file: None,
            settings: Mutex::new(Settings::default()),
            sleep,
        }
    }

    /// The settings kept in `file` (none yet if it does not exist);
    /// retries waiting with `sleep`.
    ///
    /// # Errors
    ///
    /// The file cannot be read, or does not hold settings this dashboard
    /// can use (a webhook it would not post to): started anyway, it would
    /// tell nobody anything, and its next save would replace the file.
    /// The message names the file, never the URL.
    pub fn open(file: PathBuf, sleep: Sleep) -> Result<Self, String> {
        let problem =
            |why: String| format!("the notification settings file {} {why}", file.display());
        let settings = match std::fs::read(&file) {
            Ok(bytes) => {
                let saved: Saved = serde_json::from_slice(&bytes)
                    .map_err(|e| problem(format!("is not valid: {e}")))?;
                Settings::from_saved(saved)
                    .map_err(|e| problem(format!("holds a webhook URL that cannot be used: {e}")))?
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Settings::default(),
            Err(e) => return Err(problem(format!("cannot be read: {e}"))),
        };
        Ok(Self {
            file: Some(file),
            settings: Mutex::new(settings),
            sleep,
        })
    }

    /// The settings now.
    pub fn settings(&self) -> Settings {
        lock(&self.settings).clone()
    }

    /// Keep new settings (on disk first: nothing changes if that fails).
    ///
    /// # Errors
    ///
    /// The file could not be written; the message names the file only.
    pub fn save(&self, settings: Settings) -> Result<(), String> {
        if let Some(file) = &self.file {
            let json = serde_json::to_vec_pretty(&settings.saved())
                .map_err(|e| format!("the notification settings could not be encoded: {e}"))?;
            crate::common::write_private(file, &json).map_err(|e| {
                format!(
                    "the notification settings could not be saved to {}: {e}",
                    file.display()
                )
            })?;
        }
        *lock(&self.settings) = settings;
        Ok(())
    }

    /// Send `event` if a webhook is set and it is subscribed to. Failures
    /// are logged (with the webhook's host only) and returned.
    pub async fn send(&self, event: &NotifyEvent) -> Result<bool, String> {
        let settings = self.settings();
        let Some(url) = settings.url else {
            return Ok(false);
        };
        if !settings.subscriptions.wants(event) {
            return Ok(false);
        }
        self.deliver(url, event).await.map(|()| true)
    }

    async fn deliver(&self, url: WebhookUrl, event: &NotifyEvent) -> Result<(), String> {
        let destination = url.destination().to_owned();
        let sent = match WebhookNotifier::new(url) {
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

/// One host's watch: what it has told, and the apps whose last deploy
/// failed (the dashboard marks them).
#[derive(Debug, Default)]
pub struct HostWatch {
    failed: Mutex<BTreeSet<AppName>>,
    crashed: Mutex<BTreeSet<(AppName, String)>>,
    certificates: Mutex<BTreeMap<AppName, i64>>,
    /// The full disks told, by mount point and space/inodes: how full.
    disks: Mutex<BTreeMap<(String, bool), u8>>,
    /// The host's disks as last read (the host page, the disk watcher),
    /// and when.
    vitals: Mutex<Option<(SystemTime, HostVitals)>>,
}

impl HostWatch {
    /// Whether the app's last deploy failed.
    pub fn last_deploy_failed(&self, app: &AppName) -> bool {
        lock(&self.failed).contains(app)
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
    }

    /// The events new trail records are worth, and the failed-deploy marks
    /// they change.
    pub fn on_records(&self, host: &str, records: &[Record]) -> Vec<NotifyEvent> {
        let mut events = Vec::new();
        // Oldest first, so the last deploy's mark wins.
        for record in records.iter().rev() {
            let Some(release) = release_of(record) else {
                continue;
            };
            let Ok(app) = AppName::legacy(&release.app) else {
                continue;
            };
            mark(&mut lock(&self.failed), app.clone(), &release);
            if let Some(outcome) = outcome_of(record) {
                events.extend(NotifyEvent::from_deploy(host, &app, &outcome));
            }
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
    /// or more (space or inodes), as the event that would tell it, and
    /// when it was read: what the dashboards name.
    pub fn filling_disk(&self, host: &str) -> Option<(NotifyEvent, SystemTime)> {
        let kept = lock(&self.vitals);
        let (at, vitals) = kept.as_ref()?;
        NotifyEvent::disks_filling(host, vitals, DISK_WARN_PERCENT)
            .into_iter()
            .max_by_key(|e| match e {
                NotifyEvent::DiskFilling { used_percent, .. } => *used_percent,
                _ => 0,
            })
            .map(|e| (e, *at))
    }

    /// The full disks worth an event: each once per percentage, and again
    /// after it was below [`DISK_FULL_PERCENT`].
    pub fn on_vitals(&self, host: &str, vitals: &HostVitals) -> Vec<NotifyEvent> {
        let mut told = lock(&self.disks);
        let mut full = BTreeMap::new();
        let mut new = Vec::new();
        for event in NotifyEvent::disks_filling(host, vitals, DISK_FULL_PERCENT) {
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
                if settings.url.is_none() || !settings.subscriptions.certificate_expiring {
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
            _ = disks.tick() => {
                let settings = site.settings();
                if settings.url.is_none() || !settings.subscriptions.disk_filling {
                    continue;
                }
                match store.timed(dokku.host().vitals()).await.0 {
                    Ok(vitals) => {
                        // When the dashboard read it (as the host page
                        // says), not the host's clock.
                        host_watch.keep_vitals(SystemTime::now(), &vitals);
                        host_watch.on_vitals(&host, &vitals)
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

/// The settings page.
pub async fn page(State(state): State<AppState>, Extension(ctx): Extension<Ctx>) -> Markup {
    let settings = state.site.notifications.settings();
    let s = settings.subscriptions;
    let check = |name: &str, label: &str, on: bool| {
        html! {
            label.check { input type="checkbox" name=(name) value="on" checked[on]; " " (label) }
        }
    };
    layout(
        "Notifications",
        &ctx,
        html! {
            h1 { "Notifications" }
            p.muted {
                "One webhook for every host: a POST of JSON that Slack (" code { "text" }
                ") and Discord (" code { "content" } ") both take."
            }
            section #webhook {
                h2 { "Webhook" }
                @match &settings.url {
                    Some(url) => p #webhook-now { "Posting to " strong { (url.destination()) } " (the rest of the URL is a secret and is not shown)." },
                    None => p #webhook-now.muted { "No webhook: nothing is sent." },
                }
                form #notifications method="post" action="/notifications" {
                    (form_head(&ctx.session, "notifications"))
                    label { "Webhook URL "
                        input type="password" name="url" autocomplete="off"
                            placeholder=(if settings.url.is_some() { "leave empty to keep the current one" } else { "https://hooks.slack.com/services/…" });
                    }
                    label.check { input type="checkbox" name="clear" value="on"; " Remove the webhook" }
                    fieldset {
                        legend { "Send" }
                        (check("deploy_failed", "failed deploys", s.deploy_failed))
                        (check("deploy_succeeded", "successful deploys", s.deploy_succeeded))
                        (check("app_crashed", "crashed processes", s.app_crashed))
                        (check("certificate_expiring", "certificates expiring within", s.certificate_expiring))
                        label { input type="number" name="certificate_days" min="0" max="365" value=(settings.certificate_days); " days" }
                        (check("disk_filling", "disks 90% full or more (read every six hours)", s.disk_filling))
                    }
                    button type="submit" { "Save" }
                }
                @if settings.url.is_some() {
                    form #notifications-test method="post" action="/notifications/test" {
                        (form_head(&ctx.session, "notifications-test"))
                        button.secondary type="submit" { "Send a test" }
                    }
                }
            }
        },
    )
}

/// The settings form.
#[derive(Debug, Deserialize)]
pub struct SettingsForm {
    #[serde(default)]
    url: String,
    #[serde(default)]
    clear: Option<String>,
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
    disk_filling: Option<String>,
}

/// Save the settings.
pub async fn save(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Form(form): Form<SettingsForm>,
) -> Result<Response, WebError> {
    let notifications = &state.site.notifications;
    let mut settings = notifications.settings();
    let url = form.url.trim();
    if form.clear.is_some() {
        settings.url = None;
    } else if !url.is_empty() {
        let parsed = WebhookUrl::parse(url)
            .map_err(|e| WebError::BadRequest(format!("That webhook URL cannot be used: {e}.")))?;
        // Refused here, not at the first event, should no client be
        // possible for it.
        WebhookNotifier::new(parsed.clone())
            .map_err(|e| WebError::BadRequest(format!("That webhook URL cannot be used: {e}.")))?;
        settings.url = Some(parsed);
    }
    settings.subscriptions = Subscriptions {
        deploy_failed: form.deploy_failed.is_some(),
        deploy_succeeded: form.deploy_succeeded.is_some(),
        certificate_expiring: form.certificate_expiring.is_some(),
        app_crashed: form.app_crashed.is_some(),
        disk_filling: form.disk_filling.is_some(),
    };
    settings.certificate_days = form
        .certificate_days
        .unwrap_or(settings.certificate_days)
        .min(365);
    notifications.save(settings).map_err(WebError::Storage)?;
    state
        .auth
        .flash(&ctx.token, "Saved the notification settings.".to_owned());
    Ok(Redirect::to("/notifications").into_response())
}

/// Send a test event to the webhook.
pub async fn test(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
) -> Result<Response, WebError> {
    let notifications = &state.site.notifications;
    let Some(url) = notifications.settings().url else {
        return Err(WebError::BadRequest(
            "No webhook is set: save one first.".to_owned(),
        ));
    };
    let app = AppName::new("dokku-rs-test")?;
    let event = NotifyEvent::DeploySucceeded {
        host: ctx.host.clone(),
        app,
        urls: vec!["(a test from the dashboard: nothing was deployed)".to_owned()],
    };
    notifications
        .deliver(url, &event)
        .await
        .map_err(|e| WebError::BadRequest(format!("The test was not delivered: {e}.")))?;
    state.auth.flash(
        &ctx.token,
        "Sent a test notification to the webhook.".to_owned(),
    );
    Ok(Redirect::to("/notifications").into_response())
}
