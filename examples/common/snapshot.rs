//! A host's app list as last read, kept on disk and kept fresh within a
//! budget of Dokku time: the web dashboard's view and the CLI's `apps
//! list` read and write the same snapshot.
//!
//! On a real Dokku the all-apps reports cost most of a second per app
//! (`ps:report` fires plugin triggers and inspects containers), so a page
//! or a command that waited for them would wait minutes at a few hundred
//! apps. Here nobody waits on Dokku for the list: they show the last
//! snapshot (each row with its age), which [`Store`] persists as JSON next
//! to the history file ([`file_for`]: one file per host, whichever
//! program wrote it) and reads back on start. One task ([`refresher`])
//! keeps it fresh by priority: apps a mutation just changed (marked dirty,
//! in the file too, so the next program to open it reads them first),
//! then apps someone is viewing, then the stalest; one app at a time with
//! the per-app reports, or all of them through the all-apps reports read
//! app by app as they arrive
//! ([`dokku::api::report::Reports::stream_all`]), whichever the measured
//! costs say is cheaper. Every command it runs is charged to a budget of
//! Dokku seconds per minute (a token bucket), and it waits when the budget
//! is spent; a refresh a person caused (a mutation, `apps list --fresh`)
//! is not held back by it ([`refresh_now`]). Changes other programs made
//! (a CLI, another dashboard on the same trail) are found in the audit
//! trail ([`TrailWatch`]), and changes made on the host itself in Dokku's
//! event log where its logger is on ([`watch_events`]); both are
//! refreshed first too. Every row that changes
//! is announced on a broadcast channel (the live dashboard, the CLI's
//! streamed rows).

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use dokku::model::apps::AppReport;
use dokku::model::domains::DomainsReport;
pub use dokku::model::overview::{AppOverview, AppStatus};
use dokku::model::ps::PsReport;
use dokku::{AppName, Dokku};
use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use tokio::sync::{broadcast, watch, Notify};

use super::{Clock, Target};

/// Where a host's snapshot lives: `dashboard-<host>.json` beside the
/// history file, so the dashboard and the CLI of one machine share it. A
/// demo host's name carries its state directory's (a digest of its path):
/// two state directories are two hosts.
pub fn file_for(history: &Path, target: &Target) -> Option<PathBuf> {
    let mut label: String = target
        .host_label()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    if let Target::Demo { state, .. } = target {
        use sha2::{Digest, Sha256};
        let dir = std::fs::canonicalize(state).unwrap_or_else(|_| state.clone());
        let digest = Sha256::digest(dir.as_os_str().as_encoded_bytes());
        label.push('-');
        label.push_str(&super::hex(&digest[..4]));
    }
    history
        .parent()
        .map(|dir| dir.join(format!("dashboard-{label}.json")))
}

/// One app on the dashboard: the library's overview row.
pub type AppRow = AppOverview;

/// How the refresher spends Dokku's time.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Dokku seconds per minute the refresher may spend (wall time of the
    /// commands it runs).
    pub budget_per_minute: Duration,
    /// An app checked longer ago than this is stale.
    pub refresh_after: Duration,
    /// Per-app refreshes run at once.
    pub concurrency: usize,
    /// How long `apps:list` is trusted.
    pub list_after: Duration,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            budget_per_minute: Duration::from_secs(3),
            refresh_after: Duration::from_secs(60),
            concurrency: 4,
            list_after: Duration::from_secs(60),
        }
    }
}

/// One app as the dashboard last saw it.
#[derive(Debug, Clone)]
pub struct Kept {
    /// The row.
    pub row: Arc<AppRow>,
    /// When it was read from Dokku.
    pub checked: Instant,
}

/// One line of the dashboard: an app, and its row once read.
#[derive(Debug, Clone)]
pub struct Line {
    /// The app.
    pub app: AppName,
    /// Its row and when it was read; `None` until the first read.
    pub kept: Option<Kept>,
    /// A mutation changed it since it was read.
    pub changed: bool,
}

/// The dashboard's view at one moment.
#[derive(Debug, Clone)]
pub struct View {
    /// Every app, sorted by name.
    pub lines: Vec<Line>,
    /// How far the refresh has come.
    pub progress: Progress,
    /// Dokku seconds spent in the last minute.
    pub spent: Duration,
    /// The budget per minute.
    pub budget: Duration,
    /// The last refresh that failed, in words.
    pub problem: Option<String>,
    /// The time the view was taken (rows' ages are against it).
    pub now: Instant,
    /// Whether Dokku's event logger is on ([`Store::event_log`]).
    pub event_log: Option<bool>,
}

impl View {
    /// How many apps are in each status (apps not read yet are not counted).
    pub fn counts(&self) -> BTreeMap<AppStatus, usize> {
        count_statuses(self.lines.iter().filter_map(|l| l.kept.as_ref()))
    }
}

fn count_statuses<'a>(kept: impl Iterator<Item = &'a Kept>) -> BTreeMap<AppStatus, usize> {
    let mut counts: BTreeMap<AppStatus, usize> = AppStatus::ALL.iter().map(|s| (*s, 0)).collect();
    for kept in kept {
        *counts.entry(kept.row.status).or_default() += 1;
    }
    counts
}

/// `refreshing n/N`: apps fresh out of all.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Progress {
    /// Apps read within `refresh_after` and not changed since.
    pub fresh: usize,
    /// Every app.
    pub total: usize,
    /// Whether the app list is known (and no app was created, renamed or
    /// destroyed since it was read).
    pub listed: bool,
    /// Apps a mutation changed that are not read again yet.
    pub dirty: usize,
}

impl Progress {
    /// Every app is fresh.
    pub fn complete(&self) -> bool {
        self.listed && self.fresh == self.total && self.dirty == 0
    }
}

/// What the live dashboard hears.
#[derive(Debug, Clone)]
pub enum Update {
    /// An app's row was read.
    Row(Arc<AppRow>),
    /// The counter moved, or the budget was charged.
    Progress(Progress, Duration),
}

/// What the refresher did (tests check the order).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Job {
    /// `apps:list`.
    List,
    /// The per-app reports of one app.
    App(AppName),
    /// The all-apps reports, streamed.
    All,
    /// The all-apps reports ended.
    AllDone,
}

/// Measured seconds of one kind of work (a moving average).
#[derive(Debug, Clone, Copy, Default)]
struct Measured(Option<f64>);

impl Measured {
    fn add(&mut self, seconds: f64) {
        self.0 = Some(match self.0 {
            Some(avg) => avg * 0.7 + seconds * 0.3,
            None => seconds,
        });
    }

    fn or(self, prior: f64) -> f64 {
        self.0.unwrap_or(prior)
    }
}

/// The token bucket: up to a minute's budget saved, spent by wall time.
#[derive(Debug)]
struct Budget {
    per_minute: Duration,
    tokens: f64,
    at: Instant,
    spent: VecDeque<(Instant, Duration)>,
}

impl Budget {
    fn refill(&mut self, now: Instant) {
        let cap = self.per_minute.as_secs_f64();
        let elapsed = now.saturating_duration_since(self.at).as_secs_f64();
        self.tokens = (self.tokens + elapsed * cap / 60.0).min(cap);
        self.at = now;
        while self
            .spent
            .front()
            .is_some_and(|(at, _)| now.saturating_duration_since(*at) >= Duration::from_secs(60))
        {
            self.spent.pop_front();
        }
    }

    fn charge(&mut self, now: Instant, took: Duration) {
        self.refill(now);
        self.tokens -= took.as_secs_f64();
        self.spent.push_back((now, took));
    }

    fn last_minute(&mut self, now: Instant) -> Duration {
        self.refill(now);
        self.spent.iter().map(|(_, d)| *d).sum()
    }

    /// Seconds of Dokku time there is budget for now (at most a minute's).
    fn available(&self) -> f64 {
        self.tokens.max(0.0)
    }

    /// `None`: there is budget now; else how long until there is.
    fn wait(&mut self, now: Instant) -> Option<Duration> {
        self.refill(now);
        if self.tokens > 0.0 {
            return None;
        }
        let rate = self.per_minute.as_secs_f64() / 60.0;
        if rate <= 0.0 {
            return Some(Duration::from_secs(3600));
        }
        Some(Duration::from_secs_f64((-self.tokens / rate).max(0.001)))
    }
}

#[derive(Debug)]
struct Rows {
    names: Option<Vec<AppName>>,
    listed: Option<Instant>,
    names_dirty: bool,
    rows: BTreeMap<AppName, Kept>,
    dirty: BTreeSet<AppName>,
    viewed: HashMap<AppName, Instant>,
    budget: Budget,
    per_app: Measured,
    all_per_app: Measured,
    jobs: Vec<Job>,
    problem: Option<String>,
    /// Rows read before this are stale whatever their age (`apps list
    /// --fresh`).
    stale_before: Option<Instant>,
    /// Per app, the audit trail's position when its latest read began: a
    /// change recorded at or before it is in that read already.
    read_from: HashMap<AppName, i64>,
}

impl Rows {
    /// Whether a kept row is fresh at `now`.
    fn is_fresh(&self, kept: &Kept, now: Instant, refresh_after: Duration) -> bool {
        now.saturating_duration_since(kept.checked) < refresh_after
            && self.stale_before.map_or(true, |at| kept.checked >= at)
    }
}

/// The snapshot, its file, and what the refresher needs to know.
#[derive(Debug)]
pub struct Store {
    clock: Clock,
    settings: Settings,
    path: Option<PathBuf>,
    rows: Mutex<Rows>,
    wake: Notify,
    updates: broadcast::Sender<Update>,
    progress: watch::Sender<Progress>,
    waiting: watch::Sender<Option<Duration>>,
    /// The id of the newest audit record this program wrote
    /// ([`Store::follow_trail`]).
    trail: Mutex<Option<watch::Receiver<i64>>>,
    /// Whether Dokku's event logger was on when last asked
    /// ([`watch_events`]); `None` before the first answer.
    event_log: watch::Sender<Option<bool>>,
    /// Ask again at once whether it is on ([`Store::event_log_switched`]).
    events_recheck: Notify,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The file's form of a row: the library's row and when it was read.
#[derive(Debug, Serialize, Deserialize)]
struct SavedRow {
    #[serde(flatten)]
    row: AppOverview,
    /// When it was read (Unix seconds).
    checked: u64,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct Saved {
    version: u32,
    rows: Vec<SavedRow>,
    /// Apps a mutation changed since they were read (by whichever program
    /// made it): the next refresher reads them first.
    #[serde(default)]
    dirty: BTreeSet<AppName>,
    /// Measured Dokku seconds per app: per-app reports, and the all-apps
    /// reports divided by the apps (the cost-based choice starts from
    /// them).
    #[serde(default)]
    per_app: Option<f64>,
    #[serde(default)]
    all_per_app: Option<f64>,
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

impl Store {
    /// A store on `clock`, persisted at `path` (none: memory only), whose
    /// last snapshot is read back at once.
    pub fn new(clock: Clock, settings: Settings, path: Option<PathBuf>) -> Self {
        let now = clock.now();
        let saved = path.as_deref().map(load).unwrap_or_default();
        let rows = kept_rows(saved.rows, now);
        let (updates, _) = broadcast::channel(1024);
        let (progress, _) = watch::channel(Progress::default());
        let (waiting, _) = watch::channel(None);
        let store = Self {
            clock,
            path,
            rows: Mutex::new(Rows {
                names: None,
                listed: None,
                names_dirty: false,
                rows,
                dirty: saved.dirty,
                viewed: HashMap::new(),
                budget: Budget {
                    per_minute: settings.budget_per_minute,
                    tokens: settings.budget_per_minute.as_secs_f64(),
                    at: now,
                    spent: VecDeque::new(),
                },
                per_app: Measured(saved.per_app),
                all_per_app: Measured(saved.all_per_app),
                jobs: Vec::new(),
                problem: None,
                stale_before: None,
                read_from: HashMap::new(),
            }),
            settings,
            wake: Notify::new(),
            updates,
            progress,
            waiting,
            trail: Mutex::new(None),
            event_log: watch::Sender::new(None),
            events_recheck: Notify::new(),
        };
        store.announce();
        store
    }

    /// Whether Dokku's event logger was on when [`watch_events`] last
    /// asked (`None` before it answered). Where it is off, a change made
    /// on the host itself (a `git push`, an admin's `dokku` command) is
    /// seen only when its app is read again.
    pub fn event_log(&self) -> Option<bool> {
        *self.event_log.borrow()
    }

    /// A receiver that sees [`Store::event_log`] change.
    pub fn event_log_changes(&self) -> watch::Receiver<Option<bool>> {
        self.event_log.subscribe()
    }

    /// Dokku's event logger was just switched `on` (or off) through this
    /// program: [`Store::event_log`] says so at once, and [`watch_events`]
    /// asks again now (following the log when on) rather than at its next
    /// recheck.
    pub fn event_log_switched(&self, on: bool) {
        self.event_log.send_replace(Some(on));
        self.events_recheck.notify_one();
    }

    /// The clock it reads.
    pub fn clock(&self) -> &Clock {
        &self.clock
    }

    /// Its settings.
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// The live updates.
    pub fn subscribe(&self) -> broadcast::Receiver<Update> {
        self.updates.subscribe()
    }

    /// The counter, as it moves.
    pub fn watch(&self) -> watch::Receiver<Progress> {
        self.progress.subscribe()
    }

    /// What the refresher has done, in order.
    pub fn jobs(&self) -> Vec<Job> {
        lock(&self.rows).jobs.clone()
    }

    fn progress_of(&self, rows: &Rows, now: Instant) -> Progress {
        let Some(names) = rows.names.as_ref() else {
            return Progress {
                fresh: 0,
                total: rows.rows.len(),
                listed: false,
                dirty: rows.dirty.len(),
            };
        };
        let fresh = names
            .iter()
            .filter(|n| !rows.dirty.contains(*n))
            .filter(|n| {
                rows.rows
                    .get(*n)
                    .is_some_and(|k| rows.is_fresh(k, now, self.settings.refresh_after))
            })
            .count();
        Progress {
            fresh,
            total: names.len(),
            listed: !rows.names_dirty,
            dirty: rows.dirty.len(),
        }
    }

    /// Send the counter as it stands on the clock now (rows go stale as
    /// time passes, with no command run).
    pub fn announce(&self) {
        let now = self.clock.now();
        let (progress, spent) = {
            let mut rows = lock(&self.rows);
            let spent = rows.budget.last_minute(now);
            (self.progress_of(&rows, now), spent)
        };
        self.progress.send_replace(progress);
        // No subscriber is not an error.
        let _ = self.updates.send(Update::Progress(progress, spent));
    }

    /// The view to render now. Apps not listed yet come from the snapshot.
    pub fn view(&self) -> View {
        let now = self.clock.now();
        let mut rows = lock(&self.rows);
        let names: Vec<AppName> = match rows.names.as_ref() {
            Some(names) => names.clone(),
            None => rows.rows.keys().cloned().collect(),
        };
        let lines = names
            .into_iter()
            .map(|app| Line {
                kept: rows.rows.get(&app).cloned(),
                changed: rows.dirty.contains(&app),
                app,
            })
            .collect();
        let progress = self.progress_of(&rows, now);
        View {
            lines,
            progress,
            spent: rows.budget.last_minute(now),
            budget: self.settings.budget_per_minute,
            problem: rows.problem.clone(),
            now,
            event_log: self.event_log(),
        }
    }

    /// How many apps are in each status now, as [`View::counts`] says,
    /// without copying the rows (the live dashboard sends them with every
    /// step of a refresh).
    pub fn counts(&self) -> BTreeMap<AppStatus, usize> {
        let rows = lock(&self.rows);
        match rows.names.as_ref() {
            Some(names) => count_statuses(names.iter().filter_map(|app| rows.rows.get(app))),
            None => count_statuses(rows.rows.values()),
        }
    }

    /// Whether the app list is known.
    pub fn listed(&self) -> bool {
        lock(&self.rows).names.is_some()
    }

    /// An app's kept row.
    pub fn row(&self, app: &AppName) -> Option<Kept> {
        lock(&self.rows).rows.get(app).cloned()
    }

    /// An app's row if it is kept and no mutation changed it since.
    pub fn fresh_row(&self, app: &AppName) -> Option<Arc<AppRow>> {
        let rows = lock(&self.rows);
        if rows.dirty.contains(app) {
            return None;
        }
        rows.rows.get(app).map(|k| Arc::clone(&k.row))
    }

    /// The app names (the snapshot's until listed).
    pub fn names(&self) -> Vec<AppName> {
        let rows = lock(&self.rows);
        match rows.names.as_ref() {
            Some(names) => names.clone(),
            None => rows.rows.keys().cloned().collect(),
        }
    }

    /// A mutation changed this app: refresh it first.
    pub fn mark_dirty(&self, app: &AppName) {
        lock(&self.rows).dirty.insert(app.clone());
        self.wake.notify_one();
        self.announce();
    }

    /// Follow where the audit trail is (the id of the newest record this
    /// program wrote: [`dokku_history::HistoryStore::appended`]), so that a
    /// change the trail shows is not read again when a read that began
    /// after it was recorded has it already ([`Store::mark_changed`]).
    pub fn follow_trail(&self, appended: watch::Receiver<i64>) {
        *lock(&self.trail) = Some(appended);
    }

    /// The audit trail recorded a change to this app (record `id`): refresh
    /// it first, unless a read of it began after that record was written.
    /// Whether it was marked.
    pub fn mark_changed(&self, app: &AppName, id: i64) -> bool {
        let read_since = lock(&self.rows)
            .read_from
            .get(app)
            .is_some_and(|from| *from >= id);
        if !read_since {
            self.mark_dirty(app);
        }
        !read_since
    }

    /// Note that reads of these apps begin now, at the trail's position.
    fn reading<'a>(&self, apps: impl IntoIterator<Item = &'a AppName>) {
        let Some(at) = lock(&self.trail)
            .as_ref()
            .map(|appended| *appended.borrow())
        else {
            return;
        };
        let mut rows = lock(&self.rows);
        for app in apps {
            rows.read_from.insert(app.clone(), at);
        }
    }

    /// An app that is gone (destroyed, or renamed away): out of the view
    /// at once, not only after the next `apps:list` says so. The list is
    /// read again all the same ([`Store::mark_list_dirty`]).
    pub fn forget(&self, app: &AppName) {
        let mut rows = lock(&self.rows);
        if let Some(names) = rows.names.as_mut() {
            names.retain(|a| a != app);
        }
        rows.rows.remove(app);
        rows.dirty.remove(app);
        drop(rows);
        self.mark_list_dirty();
    }

    /// Apps were created, renamed or destroyed: list them again.
    pub fn mark_list_dirty(&self) {
        lock(&self.rows).names_dirty = true;
        self.wake.notify_one();
        self.announce();
    }

    /// Someone is looking at this app.
    pub fn mark_viewed(&self, app: &AppName) {
        let now = self.clock.now();
        lock(&self.rows).viewed.insert(app.clone(), now);
        self.wake.notify_one();
    }

    /// Whether a kept row is fresh now: read within `refresh_after`, and
    /// not before [`Store::expire_all`].
    pub fn is_fresh(&self, kept: &Kept) -> bool {
        let now = self.clock.now();
        lock(&self.rows).is_fresh(kept, now, self.settings.refresh_after)
    }

    /// Count every row read until now as stale, whatever its age: the
    /// next refresh reads every app (`apps list --fresh`).
    pub fn expire_all(&self) {
        let now = self.clock.now();
        lock(&self.rows).stale_before = Some(now);
        self.announce();
    }

    /// Whether the refresher waits, and how long (set each time it decides).
    pub fn waiting(&self) -> watch::Receiver<Option<Duration>> {
        self.waiting.subscribe()
    }

    /// Make the refresher look again (after the clock moved, in tests).
    pub fn nudge(&self) {
        self.wake.notify_one();
    }

    /// Charge Dokku time to the budget.
    pub fn charge(&self, took: Duration) {
        let now = self.clock.now();
        lock(&self.rows).budget.charge(now, took);
    }

    /// What one app's reports, and one app's share of the all-apps
    /// reports, cost as if measured (for a test on a clock that stands
    /// still while commands run).
    #[cfg(test)]
    pub fn measured(&self, per_app: Duration, all_per_app: Duration) {
        let mut rows = lock(&self.rows);
        rows.per_app = Measured(Some(per_app.as_secs_f64()));
        rows.all_per_app = Measured(Some(all_per_app.as_secs_f64()));
    }

    /// Time a command on the store's clock and charge it to the budget.
    pub async fn timed<T>(&self, work: impl std::future::Future<Output = T>) -> (T, Duration) {
        let started = self.clock.now();
        let out = work.await;
        let took = self.clock.now().saturating_duration_since(started);
        self.charge(took);
        (out, took)
    }

    /// `apps:list` now (cheap), if the list is unknown: for a first paint
    /// with no snapshot.
    pub async fn ensure_listed(&self, dokku: &Dokku) -> dokku::Result<()> {
        if self.listed() {
            return Ok(());
        }
        self.list(dokku).await
    }

    async fn list(&self, dokku: &Dokku) -> dokku::Result<()> {
        let (names, _) = self.timed(dokku.apps().list()).await;
        let names = names?;
        let now = self.clock.now();
        {
            let mut rows = lock(&self.rows);
            rows.jobs.push(Job::List);
            let known: BTreeSet<&AppName> = names.iter().collect();
            rows.rows.retain(|app, _| known.contains(app));
            rows.names = Some(names);
            rows.listed = Some(now);
            rows.names_dirty = false;
        }
        self.save();
        self.announce();
        Ok(())
    }

    /// One app's row now, with its per-app reports (for its page, when
    /// it is not kept or a mutation changed it); kept and announced.
    pub async fn fetch_app(&self, dokku: &Dokku, app: &AppName) -> dokku::Result<Arc<AppRow>> {
        let row = self.refresh_app(dokku, app).await?;
        row.ok_or_else(|| dokku::Error::AppNotFound {
            app: app.to_string(),
            command: format!("dokku apps:report {app}"),
        })
    }

    /// The per-app reports of one app; `None` if it is gone.
    async fn refresh_app(
        &self,
        dokku: &Dokku,
        app: &AppName,
    ) -> dokku::Result<Option<Arc<AppRow>>> {
        self.reading([app]);
        let (apps, ps, domains) = (
            dokku.report::<AppReport>(),
            dokku.report::<PsReport>(),
            dokku.report::<DomainsReport>(),
        );
        let (report, ps, domains) = tokio::join!(
            self.timed(apps.app(app)),
            self.timed(ps.app(app)),
            self.timed(domains.app(app)),
        );
        let took = report.1 + ps.1 + domains.1;
        let now = self.clock.now();
        let joined = match (report.0, ps.0, domains.0) {
            (Ok(report), Ok(ps), Ok(domains)) => {
                AppOverview::join(vec![report], vec![ps], vec![domains])
                    .into_iter()
                    .next()
            }
            (Err(dokku::Error::AppNotFound { .. }), _, _)
            | (_, Err(dokku::Error::AppNotFound { .. }), _) => None,
            (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => {
                lock(&self.rows).jobs.push(Job::App(app.clone()));
                return Err(e);
            }
        };
        let kept = {
            let mut rows = lock(&self.rows);
            rows.jobs.push(Job::App(app.clone()));
            rows.per_app.add(took.as_secs_f64());
            rows.dirty.remove(app);
            match joined {
                Some(row) => {
                    let row = Arc::new(row);
                    rows.rows.insert(
                        app.clone(),
                        Kept {
                            row: Arc::clone(&row),
                            checked: now,
                        },
                    );
                    if let Some(names) = rows.names.as_mut() {
                        if let Err(at) = names.binary_search(app) {
                            names.insert(at, app.clone());
                        }
                    }
                    Some(row)
                }
                None => {
                    rows.rows.remove(app);
                    if let Some(names) = rows.names.as_mut() {
                        names.retain(|n| n != app);
                    }
                    None
                }
            }
        };
        if let Some(row) = &kept {
            let _ = self.updates.send(Update::Row(Arc::clone(row)));
        }
        self.save();
        self.announce();
        Ok(kept)
    }

    /// Every app through the all-apps reports, read app by app as Dokku
    /// prints them: each app is kept as soon as all three of its blocks
    /// are in. A stream that fails halfway keeps the apps read; the rest
    /// stay stale for the next round.
    pub async fn refresh_all(&self, dokku: &Dokku) -> dokku::Result<()> {
        lock(&self.rows).jobs.push(Job::All);
        let started = self.clock.now();
        self.reading(&self.names());
        // The slow reports start first; `apps:report` is quick.
        let ps = dokku.report::<PsReport>().stream_all().await?;
        let domains = dokku.report::<DomainsReport>().stream_all().await?;
        let (reports, took) = self.timed(dokku.report::<AppReport>().all()).await;
        let reports = reports?;
        let mut total = took;
        let count = reports.len().max(1);
        let mut pending: BTreeMap<AppName, (AppReport, Option<PsReport>, Option<DomainsReport>)> =
            reports
                .into_iter()
                .filter_map(|r| Some((r.app.clone()?, (r, None, None))))
                .collect();
        enum Block {
            Ps(Box<PsReport>),
            Domains(DomainsReport),
            Failed(dokku::Error),
            PsEnded,
            DomainsEnded,
        }
        let ps = ps
            .map(|r| r.map_or_else(Block::Failed, |p| Block::Ps(Box::new(p))))
            .chain(futures_util::stream::iter([Block::PsEnded]));
        let domains = domains
            .map(|r| r.map_or_else(Block::Failed, Block::Domains))
            .chain(futures_util::stream::iter([Block::DomainsEnded]));
        let mut blocks = futures_util::stream::select(ps.boxed(), domains.boxed());
        let mut failure = None;
        loop {
            let block = tokio::select! {
                block = blocks.next() => block,
                () = self.wake.notified() => {
                    // A change made meanwhile does not wait for the rest
                    // of the stream.
                    if let Err(e) = self.refresh_apps(dokku, &self.dirty_first()).await {
                        tracing::warn!(error = %e, "refreshing a changed app failed");
                    }
                    continue;
                }
            };
            let Some(block) = block else { break };
            let app = match block {
                // Each command's wall time, from the start to its end.
                Block::PsEnded | Block::DomainsEnded => {
                    let ran = self.clock.now().saturating_duration_since(started);
                    self.charge(ran);
                    total += ran;
                    continue;
                }
                Block::Failed(e) => {
                    failure = Some(e);
                    continue;
                }
                Block::Ps(p) => {
                    let Some(app) = p.app.clone() else { continue };
                    if let Some(entry) = pending.get_mut(&app) {
                        entry.1 = Some(*p);
                    }
                    app
                }
                Block::Domains(d) => {
                    let Some(app) = d.app.clone() else { continue };
                    if let Some(entry) = pending.get_mut(&app) {
                        entry.2 = Some(d);
                    }
                    app
                }
            };
            let complete = pending
                .get(&app)
                .is_some_and(|(_, p, d)| p.is_some() && d.is_some());
            if !complete {
                continue;
            }
            let Some((report, Some(p), Some(d))) = pending.remove(&app) else {
                continue;
            };
            if let Some(row) = AppOverview::join(vec![report], vec![p], vec![d])
                .into_iter()
                .next()
            {
                self.keep(row, started);
            }
        }
        {
            let mut rows = lock(&self.rows);
            rows.jobs.push(Job::AllDone);
            rows.all_per_app.add(total.as_secs_f64() / count as f64);
        }
        self.save();
        self.announce();
        match failure {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }

    /// Keep a row the all-apps reports read (started at `started`) and
    /// announce it, unless the app was read on its own since they started
    /// (a change was refreshed meanwhile). It stays dirty if it was: the
    /// block may have been printed before the change.
    fn keep(&self, row: AppRow, started: Instant) {
        let now = self.clock.now();
        let row = Arc::new(row);
        {
            let mut rows = lock(&self.rows);
            if rows.rows.get(&row.app).is_some_and(|k| k.checked > started) {
                return;
            }
            rows.rows.insert(
                row.app.clone(),
                Kept {
                    row: Arc::clone(&row),
                    checked: now,
                },
            );
        }
        let _ = self.updates.send(Update::Row(row));
        self.announce();
    }

    /// The dirty apps to refresh next.
    fn dirty_first(&self) -> Vec<AppName> {
        let max = self.settings.concurrency.max(1);
        lock(&self.rows).dirty.iter().take(max).cloned().collect()
    }

    /// Refresh these apps at once, each with its per-app reports. A failed
    /// app is no longer dirty (it stays stale), so the refresher does not
    /// spin on it.
    async fn refresh_apps(&self, dokku: &Dokku, apps: &[AppName]) -> dokku::Result<()> {
        let results =
            futures_util::future::join_all(apps.iter().map(|a| self.refresh_app(dokku, a))).await;
        match results.into_iter().find_map(Result::err) {
            Some(e) => {
                let mut rows = lock(&self.rows);
                for app in apps {
                    rows.dirty.remove(app);
                }
                Err(e)
            }
            None => Ok(()),
        }
    }

    /// What to do next, by priority; `Err(wait)`: nothing before `wait`
    /// (`None`: until woken).
    /// `urgent`: a person is waiting for it, so the budget does not hold
    /// it back (the time is charged all the same).
    fn plan(&self, urgent: bool) -> Result<Plan, Option<Duration>> {
        let now = self.clock.now();
        let mut rows = lock(&self.rows);
        let max = self.settings.concurrency.max(1);
        // A person's change is refreshed whatever the budget.
        if !rows.dirty.is_empty() {
            drop(rows);
            return Ok(Plan::Apps(self.dirty_first()));
        }
        if let Some(wait) = rows.budget.wait(now).filter(|_| !urgent) {
            return Err(Some(wait));
        }
        let listed_long_ago = rows.listed.map_or(true, |at| {
            now.saturating_duration_since(at) >= self.settings.list_after
        });
        if rows.names.is_none() || rows.names_dirty || listed_long_ago {
            return Ok(Plan::List);
        }
        rows.viewed
            .retain(|_, at| now.saturating_duration_since(*at) < Duration::from_secs(60));
        let names = rows.names.clone().unwrap_or_default();
        let refresh_after = self.settings.refresh_after;
        let age = |app: &AppName| {
            rows.rows
                .get(app)
                .map(|k| now.saturating_duration_since(k.checked))
        };
        let stale: Vec<(Option<Duration>, AppName)> = names
            .iter()
            .filter(|n| {
                rows.rows
                    .get(*n)
                    .map_or(true, |k| !rows.is_fresh(k, now, refresh_after))
            })
            .map(|n| (age(n), n.clone()))
            .collect();
        let viewed: Vec<AppName> = stale
            .iter()
            .filter(|(_, n)| rows.viewed.contains_key(n))
            .map(|(_, n)| n.clone())
            .take(max)
            .collect();
        if !viewed.is_empty() {
            return Ok(Plan::Apps(viewed));
        }
        if stale.is_empty() {
            let next = names
                .iter()
                .filter_map(age)
                .map(|a| refresh_after.saturating_sub(a))
                .min();
            let list = rows.listed.map(|at| {
                self.settings
                    .list_after
                    .saturating_sub(now.saturating_duration_since(at))
            });
            return Err(match (next, list) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            });
        }
        // Most apps stale: the all-apps reports when they cost less Dokku
        // time than one per-app round for each stale app. Past the first
        // read, only when the budget has that time now: keeping the view
        // fresh must not spend minutes of the host at once (one report of
        // every app of a real 500-app host takes seven).
        let n = names.len() as f64;
        let all = rows.all_per_app.or(1.0) * n;
        let per_app = rows.per_app.or(1.2);
        let each = per_app * stale.len() as f64;
        let available = rows.budget.available();
        let unread = stale.iter().filter(|(age, _)| age.is_none()).count();
        let first_read = unread * 2 > names.len();
        let unbounded = urgent || first_read;
        if stale.len() * 2 > names.len()
            && names.len() > 1
            && all <= each
            && (unbounded || all <= available)
        {
            return Ok(Plan::All);
        }
        // As many apps as the budget has time for (at least one).
        let batch = if unbounded {
            max
        } else {
            ((available / per_app).floor() as usize).clamp(1, max)
        };
        let mut stalest = stale;
        // Never read first, then the oldest.
        stalest.sort_by(|a, b| b.0.is_none().cmp(&a.0.is_none()).then(b.0.cmp(&a.0)));
        Ok(Plan::Apps(
            stalest.into_iter().take(batch).map(|(_, n)| n).collect(),
        ))
    }

    fn note(&self, problem: Option<String>) {
        lock(&self.rows).problem = problem;
    }

    /// Write the snapshot: a temp file in the same directory, then rename
    /// (a reader never sees half a file). Failures are logged.
    pub fn save(&self) {
        let Some(path) = self.path.as_deref() else {
            return;
        };
        let now = self.clock.now();
        let wall = unix_now();
        let saved = {
            let rows = lock(&self.rows);
            Saved {
                version: 1,
                dirty: rows.dirty.clone(),
                per_app: rows.per_app.0,
                all_per_app: rows.all_per_app.0,
                rows: rows
                    .rows
                    .values()
                    .map(|k| SavedRow {
                        row: AppOverview::clone(&k.row),
                        checked: wall
                            .saturating_sub(now.saturating_duration_since(k.checked).as_secs()),
                    })
                    .collect(),
            }
        };
        if let Err(e) = write_atomically(path, &saved) {
            tracing::warn!(path = %path.display(), error = %e, "could not save the dashboard snapshot");
        }
    }
}

fn write_atomically(path: &Path, saved: &Saved) -> std::io::Result<()> {
    let json = serde_json::to_vec(saved).map_err(std::io::Error::other)?;
    super::write_private(path, &json)
}

/// Read a saved snapshot; a missing file is none, a corrupt one is logged
/// and ignored.
fn load(path: &Path) -> Saved {
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Saved::default(),
        Err(e) => {
            tracing::warn!(path = %path.display(), error = %e, "could not read the snapshot; starting without it");
            return Saved::default();
        }
    };
    match serde_json::from_slice(&bytes) {
        Ok(saved) => saved,
        Err(e) => {
            tracing::warn!(path = %path.display(), error = %e, "the snapshot is unreadable; starting without it");
            Saved::default()
        }
    }
}

/// Saved rows on the clock of this process: each as old as it was when
/// saved, plus the time since.
fn kept_rows(saved: Vec<SavedRow>, now: Instant) -> BTreeMap<AppName, Kept> {
    let wall = unix_now();
    saved
        .into_iter()
        .map(|r| {
            let age = Duration::from_secs(wall.saturating_sub(r.checked));
            let checked = now.checked_sub(age).unwrap_or(now);
            (
                r.row.app.clone(),
                Kept {
                    row: Arc::new(r.row),
                    checked,
                },
            )
        })
        .collect()
}

/// The refresher's next step.
#[derive(Debug)]
enum Plan {
    List,
    Apps(Vec<AppName>),
    All,
}

/// Keep the store fresh for ever: one task per host, shared by every
/// viewer. Failures are noted for the page and retried on the next round.
pub async fn refresher(store: Arc<Store>, dokku: Dokku) {
    loop {
        store.announce();
        let outcome = match store.plan(false) {
            Ok(Plan::List) => store.list(&dokku).await,
            Ok(Plan::Apps(apps)) => store.refresh_apps(&dokku, &apps).await,
            Ok(Plan::All) => store.refresh_all(&dokku).await,
            Err(wait) => {
                store
                    .waiting
                    .send_replace(Some(wait.unwrap_or(Duration::MAX)));
                match wait {
                    Some(wait) => {
                        tokio::select! {
                            () = tokio::time::sleep(wait) => {}
                            () = store.wake.notified() => {}
                        }
                    }
                    None => store.wake.notified().await,
                }
                store.waiting.send_replace(None);
                continue;
            }
        };
        match outcome {
            Ok(()) => store.note(None),
            Err(e) => {
                tracing::warn!(error = %e, "the dashboard's refresh failed");
                store.note(Some(e.to_string()));
                store.announce();
                // Let a failing host rest before the next try.
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        }
    }
}

/// Refresh now, for a person waiting on it: the refresher's own steps in
/// its order (changed apps, the list, then the stale apps one at a time or
/// all at once, whichever the measured costs say is cheaper), not held
/// back by the budget but charged to it, until every app is fresh. Each
/// row is announced as it is read. The first failure ends it: the apps
/// read so far are kept (and saved), the rest stay stale.
pub async fn refresh_now(store: &Store, dokku: &Dokku) -> dokku::Result<()> {
    loop {
        let outcome = match store.plan(true) {
            Ok(Plan::List) => store.list(dokku).await,
            Ok(Plan::Apps(apps)) => store.refresh_apps(dokku, &apps).await,
            Ok(Plan::All) => store.refresh_all(dokku).await,
            Err(_) => return Ok(()),
        };
        if let Err(e) = outcome {
            store.note(Some(e.to_string()));
            store.save();
            store.announce();
            return Err(e);
        }
    }
}

/// A quick look, for a person who asked for the list and not for a full
/// refresh: list the apps (one cheap command: apps created or destroyed
/// since the snapshot), then read with their per-app reports the apps a
/// mutation changed and the apps the snapshot does not have, a round of
/// `concurrency` apps at a time while the budget lasts (the first round
/// always). The stale rest stays as it was, with its age.
pub async fn refresh_changed(store: &Store, dokku: &Dokku) -> dokku::Result<()> {
    store.list(dokku).await?;
    let mut first = true;
    loop {
        let todo: Vec<AppName> = {
            let now = store.clock.now();
            let mut rows = lock(&store.rows);
            if !first && rows.budget.wait(now).is_some() {
                return Ok(());
            }
            let names = rows.names.clone().unwrap_or_default();
            names
                .into_iter()
                .filter(|n| rows.dirty.contains(n) || !rows.rows.contains_key(n))
                .take(store.settings.concurrency.max(1))
                .collect()
        };
        if todo.is_empty() {
            return Ok(());
        }
        first = false;
        store.refresh_apps(dokku, &todo).await?;
        // An app that failed is no longer dirty but still unread: not again.
        let unread = {
            let rows = lock(&store.rows);
            todo.iter().all(|n| !rows.rows.contains_key(n))
        };
        if unread {
            return Ok(());
        }
    }
}

/// Subcommands that add, remove or rename apps: the list is read again.
const LIST_CHANGES: &[&str] = &["apps:create", "apps:destroy", "apps:rename", "apps:clone"];

/// What other programs changed on this host, as the audit trail tells it:
/// a CLI, a script or another dashboard sharing the trail records every
/// change it makes, so the apps they touched are refreshed first here
/// too, without reading anything from Dokku to find them.
#[derive(Debug, Clone)]
pub struct TrailWatch {
    host: String,
    /// The newest record already looked at; `None` before the first look,
    /// which only sets the starting point (what happened before is in the
    /// snapshot file's own marks).
    seen: Option<i64>,
}

impl TrailWatch {
    /// Watch the records of `host` (its name in the trail).
    pub fn new(host: impl Into<String>) -> Self {
        TrailWatch {
            host: host.into(),
            seen: None,
        }
    }

    /// Read the records made since the last look and mark the apps their
    /// changes touched (and the list, for creates, renames and destroys),
    /// but not an app read since the change was recorded
    /// ([`Store::mark_changed`]). Returns the apps marked.
    pub async fn look(
        &mut self,
        store: &Store,
        history: &dokku_history::HistoryStore,
    ) -> Result<BTreeSet<AppName>, dokku_history::HistoryError> {
        self.look_records(store, history)
            .await
            .map(|(marked, _)| marked)
    }

    /// [`TrailWatch::look`], with the new records themselves (newest
    /// first), for whoever else follows the trail (notifications).
    pub async fn look_records(
        &mut self,
        store: &Store,
        history: &dokku_history::HistoryStore,
    ) -> Result<(BTreeSet<AppName>, Vec<dokku_history::Record>), dokku_history::HistoryError> {
        let mut new = Vec::new();
        let mut query = dokku_history::Query::default();
        query.host = Some(self.host.clone());
        query.limit = Some(100);
        let mut newest = None;
        let mut marked = BTreeSet::new();
        'pages: loop {
            let page = history.query(query.clone()).await?;
            for record in &page.records {
                newest = newest.max(Some(record.id));
                let Some(seen) = self.seen else {
                    break 'pages;
                };
                if record.id <= seen {
                    break 'pages;
                }
                new.push(record.clone());
                let entry = &record.entry;
                if !entry.mutating {
                    continue;
                }
                if LIST_CHANGES.contains(&entry.subcommand.as_str()) {
                    store.mark_list_dirty();
                }
                if let Some(app) = entry.app.as_deref().and_then(|a| AppName::new(a).ok()) {
                    if store.mark_changed(&app, record.id) {
                        marked.insert(app);
                    }
                }
            }
            match page.next {
                Some(next) => query.after = Some(next),
                None => break,
            }
        }
        self.seen = newest.max(self.seen).or(Some(0));
        Ok((marked, new))
    }
}

/// Triggers after which an app's row may read differently; the app is
/// their first argument (Dokku 0.38.27's trigger calls).
const STATE_TRIGGERS: &[&str] = &[
    "post-deploy",
    "post-stop",
    "post-config-update",
    "post-domains-update",
    "post-proxy-ports-update",
    "post-certs-update",
    "post-certs-remove",
    "app-restart",
    "post-create",
    "post-delete",
    "post-app-rename",
    "post-app-clone",
];

/// Triggers that change the app list: `post-create APP`, `post-delete
/// APP`, `post-app-rename OLD NEW`, `post-app-clone OLD NEW`.
const LIST_TRIGGERS: &[&str] = &[
    "post-create",
    "post-delete",
    "post-app-rename",
    "post-app-clone",
];

/// Mark what one line of Dokku's event log says changed: the app its
/// trigger names (and the new name of a rename or clone), and the list
/// for creates, destroys, renames and clones. Returns the apps marked.
pub fn mark_event(store: &Store, event: &dokku::model::events::EventLine) -> Vec<AppName> {
    let Some(trigger) = event.trigger.as_deref() else {
        return Vec::new();
    };
    if !STATE_TRIGGERS.contains(&trigger) {
        return Vec::new();
    }
    let names = if LIST_TRIGGERS.contains(&trigger) {
        store.mark_list_dirty();
        event.args.iter().take(2).collect::<Vec<_>>()
    } else {
        event.args.iter().take(1).collect()
    };
    // `--global` (a global config change) and anything else that is not
    // an app name marks no row.
    let apps: Vec<AppName> = names
        .into_iter()
        .filter_map(|name| AppName::new(name).ok())
        .collect();
    for app in &apps {
        store.mark_dirty(app);
    }
    apps
}

/// Follow Dokku's event log (`events -t`, where the `events` plugin's
/// logger is on) for as long as the store lives, marking the apps whose
/// state it reports changed ([`mark_event`]): changes made on the host
/// itself, or by tools that leave no audit trail, are refreshed first
/// too. Whether the logger is on is asked again every `recheck` (one
/// cheap `events:list`, charged to the budget); following costs the host
/// a `tail -F`. Each event is also given to `also`.
pub async fn watch_events(
    store: Arc<Store>,
    dokku: Dokku,
    recheck: Duration,
    also: impl Fn(&dokku::model::events::EventLine),
) {
    loop {
        let (logged, _) = store.timed(dokku.events().list()).await;
        match logged {
            Ok(triggers) if !triggers.is_empty() => {
                store.event_log.send_replace(Some(true));
                follow_events(&store, &dokku, &also).await;
            }
            Ok(_) => {
                store.event_log.send_replace(Some(false));
                tracing::debug!("Dokku's event logger is off: not following it");
            }
            Err(e) => tracing::warn!(error = %e, "asking whether Dokku logs events failed"),
        }
        tokio::select! {
            () = tokio::time::sleep(recheck) => {}
            () = store.events_recheck.notified() => {}
        }
    }
}

async fn follow_events(
    store: &Store,
    dokku: &Dokku,
    also: &impl Fn(&dokku::model::events::EventLine),
) {
    let mut events = match dokku.events().follow().await {
        Ok(events) => events,
        Err(e) => {
            tracing::warn!(error = %e, "following Dokku's event log failed");
            return;
        }
    };
    while let Some(event) = events.next().await {
        match event {
            Ok(event) => {
                mark_event(store, &event);
                also(&event);
            }
            Err(e) => {
                tracing::warn!(error = %e, "Dokku's event log stopped");
                return;
            }
        }
    }
}
