//! The dashboard's view of the host, in O(1) Dokku invocations.
//!
//! Dashboards that ask per app (`apps:report app`, `ps:report app` …) cost
//! 1 + 3N commands per page; at Dokku's ~0.25 s per command that is tens of
//! seconds for 100 apps. Here one page costs three report-all commands, run
//! at once, plus the host's version and plugins (probed once per process).
//! The result is kept for a short time; concurrent page loads wait for one
//! fetch instead of starting their own, and any mutation invalidates it.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use dokku::model::apps::AppReport;
use dokku::model::domains::DomainsReport;
use dokku::model::ps::{ContainerState, PsReport, RunState};
use dokku::{Capabilities, Dokku};
use tokio::sync::Mutex;

/// An app's state as the dashboard shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum AppStatus {
    /// Every container runs.
    Running,
    /// Containers exist but none run.
    Stopped,
    /// Some container restarts, died, or stopped while others run.
    Crashed,
    /// Created, never deployed.
    NeverDeployed,
    /// The deploy lock is held.
    Locked,
}

impl AppStatus {
    /// Every status, in the order the dashboard counts them.
    pub const ALL: [AppStatus; 5] = [
        AppStatus::Running,
        AppStatus::Stopped,
        AppStatus::Crashed,
        AppStatus::NeverDeployed,
        AppStatus::Locked,
    ];

    /// The label (also the CSS class suffix).
    pub fn as_str(self) -> &'static str {
        match self {
            AppStatus::Running => "running",
            AppStatus::Stopped => "stopped",
            AppStatus::Crashed => "crashed",
            AppStatus::NeverDeployed => "never deployed",
            AppStatus::Locked => "locked",
        }
    }

    /// The CSS class.
    pub fn class(self) -> &'static str {
        match self {
            AppStatus::Running => "s-running",
            AppStatus::Stopped => "s-stopped",
            AppStatus::Crashed => "s-crashed",
            AppStatus::NeverDeployed => "s-never",
            AppStatus::Locked => "s-locked",
        }
    }
}

/// Running and total containers of one process type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ProcessCount {
    /// Containers in Docker's `running` state.
    pub running: u32,
    /// All containers.
    pub total: u32,
}

/// One app on the dashboard.
#[derive(Debug, Clone)]
pub struct AppRow {
    /// The app's name as Dokku lists it.
    pub name: String,
    /// Its state.
    pub status: AppStatus,
    /// Containers per process type.
    pub processes: BTreeMap<String, ProcessCount>,
    /// Its domains.
    pub domains: Vec<String>,
    /// `git`, `docker-image` …
    pub deploy_source: Option<String>,
    /// The sha or image of the last deploy.
    pub deploy_detail: Option<String>,
    /// Unix time of creation.
    pub created_at: Option<u64>,
    /// The deploy lock is held.
    pub locked: bool,
}

/// The host at one moment.
#[derive(Debug, Clone)]
pub struct Snapshot {
    /// Every app, sorted by name.
    pub apps: Vec<AppRow>,
    /// The host's Dokku version and plugins.
    pub capabilities: Arc<Capabilities>,
    /// When it was fetched.
    pub fetched_at: Instant,
    /// How long the fetch took.
    pub took: Duration,
}

impl Snapshot {
    /// The app of this name.
    pub fn app(&self, name: &str) -> Option<&AppRow> {
        self.apps.iter().find(|a| a.name == name)
    }

    /// How many apps are in each status.
    pub fn counts(&self) -> BTreeMap<AppStatus, usize> {
        let mut counts: BTreeMap<AppStatus, usize> =
            AppStatus::ALL.iter().map(|s| (*s, 0)).collect();
        for app in &self.apps {
            *counts.entry(app.status).or_default() += 1;
        }
        counts
    }
}

/// Derive the dashboard status from the reports.
pub fn status(app: &AppReport, ps: Option<&PsReport>) -> AppStatus {
    let deployed = ps.map_or(app.is_deployed(), |p| p.deployed);
    if app.locked {
        return AppStatus::Locked;
    }
    if !deployed {
        return AppStatus::NeverDeployed;
    }
    let Some(ps) = ps else {
        return AppStatus::Crashed;
    };
    let bad = ps.containers.iter().any(|c| {
        matches!(
            c.state,
            ContainerState::Restarting | ContainerState::Dead | ContainerState::Missing
        )
    });
    if bad {
        return AppStatus::Crashed;
    }
    let running = ps
        .containers
        .iter()
        .filter(|c| c.state == ContainerState::Running)
        .count();
    match (running, ps.containers.len(), ps.running) {
        (0, _, _) => AppStatus::Stopped,
        (r, n, _) if r < n => AppStatus::Crashed,
        (_, _, Some(RunState::Mixed)) => AppStatus::Crashed,
        _ => AppStatus::Running,
    }
}

fn rows(apps: Vec<AppReport>, ps: Vec<PsReport>, domains: Vec<DomainsReport>) -> Vec<AppRow> {
    let key = |a: &Option<dokku::AppName>| a.as_ref().map(|n| n.as_str().to_owned());
    let mut ps: BTreeMap<String, PsReport> = ps
        .into_iter()
        .filter_map(|p| Some((key(&p.app)?, p)))
        .collect();
    let mut domains: BTreeMap<String, DomainsReport> = domains
        .into_iter()
        .filter_map(|d| Some((key(&d.app)?, d)))
        .collect();
    let mut rows: Vec<AppRow> = apps
        .into_iter()
        .filter_map(|app| {
            let name = key(&app.app)?;
            let ps = ps.remove(&name);
            let mut processes: BTreeMap<String, ProcessCount> = BTreeMap::new();
            for c in ps.iter().flat_map(|p| &p.containers) {
                let count = processes
                    .entry(c.process_type.as_str().to_owned())
                    .or_default();
                count.total += 1;
                if c.state == ContainerState::Running {
                    count.running += 1;
                }
            }
            Some(AppRow {
                status: status(&app, ps.as_ref()),
                domains: domains
                    .remove(&name)
                    .map(|d| d.app_vhosts)
                    .unwrap_or_default(),
                deploy_source: app.deploy_source.clone(),
                deploy_detail: app.deploy_source_metadata.clone(),
                created_at: app.created_at,
                locked: app.locked,
                processes,
                name,
            })
        })
        .collect();
    rows.sort_by(|a, b| a.name.cmp(&b.name));
    rows
}

/// Fetch a snapshot now: the three report-all commands and the host's
/// capabilities, all at once.
pub async fn fetch(dokku: &Dokku) -> dokku::Result<Snapshot> {
    let started = Instant::now();
    let (caps, apps, ps, domains) = tokio::join!(
        dokku.capabilities(),
        dokku.apps().report_all(),
        dokku.ps().report_all(),
        dokku.domains().report_all(),
    );
    Ok(Snapshot {
        apps: rows(apps?, ps?, domains?),
        capabilities: caps?,
        fetched_at: Instant::now(),
        took: started.elapsed(),
    })
}

/// A snapshot kept for a short time, fetched once for concurrent readers.
#[derive(Debug)]
pub struct SnapshotCache {
    ttl: Duration,
    generation: AtomicU64,
    slot: Mutex<Option<(u64, Arc<Snapshot>)>>,
    fetches: AtomicU64,
}

impl SnapshotCache {
    /// A cache whose snapshots live `ttl`.
    pub fn new(ttl: Duration) -> Self {
        Self {
            ttl,
            generation: AtomicU64::new(0),
            slot: Mutex::new(None),
            fetches: AtomicU64::new(0),
        }
    }

    /// The current snapshot: the cached one while fresh, else a new fetch.
    /// Callers that arrive during a fetch wait for it and share its result.
    pub async fn get(&self, dokku: &Dokku) -> dokku::Result<Arc<Snapshot>> {
        let mut slot = self.slot.lock().await;
        let generation = self.generation.load(Ordering::Acquire);
        if let Some((gen, snap)) = slot.as_ref() {
            if *gen == generation && snap.fetched_at.elapsed() < self.ttl {
                return Ok(Arc::clone(snap));
            }
        }
        self.fetches.fetch_add(1, Ordering::Relaxed);
        let snap = Arc::new(fetch(dokku).await?);
        *slot = Some((generation, Arc::clone(&snap)));
        Ok(snap)
    }

    /// Forget the snapshot (after a mutation). Does not wait for a fetch in
    /// progress: that fetch's result is simply not reused.
    pub fn invalidate(&self) {
        self.generation.fetch_add(1, Ordering::AcqRel);
    }

    /// How many fetches ran (tests and the bench check single-flight).
    pub fn fetches(&self) -> u64 {
        self.fetches.load(Ordering::Relaxed)
    }
}
