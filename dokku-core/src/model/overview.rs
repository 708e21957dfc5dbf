//! Every app at a glance: the all-apps reports joined by app, with one
//! status rule for every frontend.
//!
//! [`Apps::overview`](crate::api::apps::Apps::overview) fetches it in three
//! invocations whatever the number of apps (`apps:report`, `ps:report`,
//! `domains:report`, each for every app, run at once); [`AppOverview::join`]
//! is the pure join, for callers that already hold the reports.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::model::apps::AppReport;
use crate::model::domains::DomainsReport;
use crate::model::ps::{ContainerState, PsReport, RunState};
use crate::name::AppName;

/// An app's state, by one rule ([`AppStatus::of`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum AppStatus {
    /// Every container runs.
    Running,
    /// Some containers run and some have stopped (a worker exited, a
    /// scale-down in progress).
    Mixed,
    /// A container restarts in a loop, died, or is missing; or the app is
    /// deployed and Dokku reports no process state for it.
    Crashed,
    /// Deployed, but no container runs (`ps:stop`).
    Stopped,
    /// Created and never deployed.
    NeverDeployed,
    /// The deploy lock is held (usually: a deploy is running).
    Locked,
}

impl AppStatus {
    /// Every status, in the order frontends count them.
    pub const ALL: [AppStatus; 6] = [
        AppStatus::Running,
        AppStatus::Mixed,
        AppStatus::Crashed,
        AppStatus::Stopped,
        AppStatus::NeverDeployed,
        AppStatus::Locked,
    ];

    /// The rule, first match wins: locked; never deployed; crashed (a
    /// container restarting, dead or missing, or no process report for a
    /// deployed app); stopped (none running); mixed (some running, some
    /// not); running.
    pub fn of(app: &AppReport, ps: Option<&PsReport>) -> Self {
        if app.locked {
            return AppStatus::Locked;
        }
        if !ps.map_or(app.is_deployed(), |p| p.deployed) {
            return AppStatus::NeverDeployed;
        }
        let Some(ps) = ps else {
            return AppStatus::Crashed;
        };
        if ps.containers.iter().any(|c| c.state.is_crashed()) {
            return AppStatus::Crashed;
        }
        let running = ps
            .containers
            .iter()
            .filter(|c| c.state == ContainerState::Running)
            .count();
        match (running, ps.running) {
            (0, Some(RunState::Running)) => AppStatus::Running,
            (0, _) => AppStatus::Stopped,
            (_, Some(RunState::Mixed)) => AppStatus::Mixed,
            (r, _) if r < ps.containers.len() => AppStatus::Mixed,
            _ => AppStatus::Running,
        }
    }

    /// Its name for people (`never deployed`).
    pub fn as_str(self) -> &'static str {
        match self {
            AppStatus::Running => "running",
            AppStatus::Mixed => "mixed",
            AppStatus::Crashed => "crashed",
            AppStatus::Stopped => "stopped",
            AppStatus::NeverDeployed => "never deployed",
            AppStatus::Locked => "locked",
        }
    }
}

impl fmt::Display for AppStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Running and total containers of one process type.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProcessCount {
    /// Containers in Docker's `running` state.
    pub running: u32,
    /// All containers.
    pub total: u32,
}

/// One app, from the three all-apps reports (`Deserialize` reads back
/// what `Serialize` wrote, for a kept snapshot).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AppOverview {
    /// The app.
    pub app: AppName,
    /// Its state.
    pub status: AppStatus,
    /// Containers per process type.
    pub processes: BTreeMap<String, ProcessCount>,
    /// Its domains.
    pub domains: Vec<String>,
    /// How it was last deployed (`git`, `docker-image` …).
    pub deploy_source: Option<String>,
    /// The sha or image of the last deploy.
    pub deploy_source_metadata: Option<String>,
    /// When it was created (Unix seconds).
    pub created_at: Option<u64>,
    /// Whether the deploy lock is held.
    pub locked: bool,
}

impl AppOverview {
    /// Join the all-apps reports by app, in `apps:report`'s order (sorted
    /// by name). A report without an app name is skipped.
    pub fn join(
        apps: Vec<AppReport>,
        ps: Vec<PsReport>,
        domains: Vec<DomainsReport>,
    ) -> Vec<AppOverview> {
        let mut ps: BTreeMap<AppName, PsReport> = ps
            .into_iter()
            .filter_map(|p| Some((p.app.clone()?, p)))
            .collect();
        let mut domains: BTreeMap<AppName, DomainsReport> = domains
            .into_iter()
            .filter_map(|d| Some((d.app.clone()?, d)))
            .collect();
        let mut rows: Vec<AppOverview> = apps
            .into_iter()
            .filter_map(|report| {
                let app = report.app.clone()?;
                let ps = ps.remove(&app);
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
                Some(AppOverview {
                    status: AppStatus::of(&report, ps.as_ref()),
                    domains: domains
                        .remove(&app)
                        .map(|d| d.app_vhosts)
                        .unwrap_or_default(),
                    deploy_source: report.deploy_source,
                    deploy_source_metadata: report.deploy_source_metadata,
                    created_at: report.created_at,
                    locked: report.locked,
                    processes,
                    app,
                })
            })
            .collect();
        rows.sort_by(|a, b| a.app.cmp(&b.app));
        rows
    }

    /// All containers, of every process type.
    pub fn containers(&self) -> u32 {
        self.processes.values().map(|c| c.total).sum()
    }
}
