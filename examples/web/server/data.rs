//! The dashboard's view of the host, in O(1) Dokku invocations.
//!
//! Dashboards that ask per app (`apps:report app`, `ps:report app` …) cost
//! 1 + 3N commands per page; at Dokku's ~0.25 s per command that is tens of
//! seconds for 100 apps. Here one page costs the library's app overview
//! (three report-all commands, run at once, joined with one status rule),
//! plus the host's version and plugins (probed once per process).
//! The result is kept for a short time; concurrent page loads wait for one
//! fetch instead of starting their own, and any mutation invalidates it.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

pub use dokku::model::overview::{AppOverview, AppStatus};
use dokku::{Capabilities, Dokku};
use tokio::sync::Mutex;

use super::auth::Clock;

/// The CSS class of a status badge.
pub fn status_class(status: AppStatus) -> &'static str {
    match status {
        AppStatus::Running => "s-running",
        AppStatus::Mixed => "s-mixed",
        AppStatus::Crashed => "s-crashed",
        AppStatus::Stopped => "s-stopped",
        AppStatus::NeverDeployed => "s-never",
        _ => "s-locked",
    }
}

/// One app on the dashboard: the library's overview row.
pub type AppRow = AppOverview;

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
        self.apps.iter().find(|a| a.app.as_str() == name)
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

/// Fetch a snapshot now: the three report-all commands and the host's
/// capabilities, all at once; `now` stamps it.
pub async fn fetch(dokku: &Dokku, now: &Clock) -> dokku::Result<Snapshot> {
    let started = Instant::now();
    let (caps, apps) = tokio::join!(dokku.capabilities(), dokku.apps().overview());
    Ok(Snapshot {
        apps: apps?,
        capabilities: caps?,
        fetched_at: now.now(),
        took: started.elapsed(),
    })
}

/// A snapshot kept for a short time, fetched once for concurrent readers.
#[derive(Debug)]
pub struct SnapshotCache {
    ttl: Duration,
    clock: Clock,
    generation: AtomicU64,
    slot: Mutex<Option<(u64, Arc<Snapshot>)>>,
    fetches: AtomicU64,
}

impl SnapshotCache {
    /// A cache whose snapshots live `ttl` on `clock`.
    pub fn new(ttl: Duration, clock: Clock) -> Self {
        Self {
            ttl,
            clock,
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
            let age = self.clock.now().saturating_duration_since(snap.fetched_at);
            if *gen == generation && age < self.ttl {
                return Ok(Arc::clone(snap));
            }
        }
        self.fetches.fetch_add(1, Ordering::Relaxed);
        let snap = Arc::new(fetch(dokku, &self.clock).await?);
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
