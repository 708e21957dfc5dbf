//! Fleet queries, each a constant number of Dokku invocations per host
//! whatever its number of apps: every app's status, versions and plugins
//! with a skew report, certificates expiring soonest, apps that should run
//! and do not, and a hook for the last deploy of each app.
//!
//! | query | invocations per host |
//! |---|---|
//! | [`Fleet::overview`], [`Fleet::apps_not_running`] | 3 (`apps:report`, `ps:report`, `domains:report`, all apps, at once) |
//! | [`Fleet::versions`] | 2 on first use (`version`, `plugin:list`), then 0: cached in the host's client |
//! | [`Fleet::certificates`] | 1 (`certs:report`, all apps) |
//! | [`Fleet::vitals`] | 1 (`report`: a few seconds on a real host, which it asks of Docker too) |
//! | [`Fleet::last_deploys`] | [`DokkuBuilds`]: 1 (`builds:report`, all apps; 0.38+); the audit trail: 1 (`apps:list`) |
//! | [`Fleet::backups`] | 1 per installed datastore plugin (`<plugin>:list`), then 1 per service (`<plugin>:backup-schedule-cat`, a plugin's services at once): the plugins keep one cron file per service |
//!
//! Reports that need the host's capabilities probe them once per host
//! (2 invocations), cached in that host's client afterwards.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use async_trait::async_trait;
use dokku_core::client::versions;
use dokku_core::model::builds::{BuildStatus, BuildsReport};
use dokku_core::model::certs::CertsReport;
use dokku_core::model::host::HostVitals;
use dokku_core::model::overview::{AppOverview, AppStatus};
use dokku_core::model::service::ScheduledBackup;
use dokku_core::{AppName, Capabilities, Dokku, DokkuVersion, ServiceName};
use serde::Serialize;

use crate::error::FleetError;
use crate::fleet::{Deadline, Fleet, FleetHost, FleetResults, HostFailure, HostStream};
use crate::name::{HostName, Selector};

impl Fleet {
    /// Every app of every selected host, with its status by
    /// [`AppStatus::of`]: the fleet's status. Three invocations per host.
    pub async fn overview(
        &self,
        selector: &Selector,
    ) -> Result<FleetResults<Vec<AppOverview>>, FleetError> {
        Ok(self.overview_stream(selector)?.collect().await)
    }

    /// [`Fleet::overview`], each host's apps as soon as it answers.
    pub fn overview_stream(
        &self,
        selector: &Selector,
    ) -> Result<HostStream<Vec<AppOverview>>, FleetError> {
        self.stream(selector, |host: FleetHost| async move {
            host.dokku().apps().overview().await
        })
    }

    /// The apps that should run and do not: crashed, stopped, or only
    /// partly running ([`AppStatus::Crashed`], [`AppStatus::Stopped`],
    /// [`AppStatus::Mixed`]). Never-deployed and locked apps are left out.
    pub async fn apps_not_running(
        &self,
        selector: &Selector,
    ) -> Result<FleetResults<Vec<AppOverview>>, FleetError> {
        Ok(self
            .overview(selector)
            .await?
            .map(|_, apps| apps.into_iter().filter(is_not_running).collect()))
    }

    /// Each host's Dokku version and plugins (probed once per host, then
    /// cached in its client), and what differs between them.
    pub async fn versions(&self, selector: &Selector) -> Result<Versions, FleetError> {
        let hosts = self
            .each(selector, |host: FleetHost| async move {
                host.dokku().capabilities().await
            })
            .await?;
        let skew = SkewReport::new(hosts.ok().map(|(h, c)| (h, c.as_ref())));
        Ok(Versions { hosts, skew })
    }

    /// Every certificate of every selected host, soonest expiry first. One
    /// invocation per host (`certs:report` for every app).
    pub async fn certificates(&self, selector: &Selector) -> Result<Certificates, FleetError> {
        let hosts = self
            .each(selector, |host: FleetHost| async move {
                host.dokku().certs().report_all().await
            })
            .await?;
        let mut soonest: Vec<CertificateExpiry> = hosts
            .iter()
            .filter_map(|r| r.result.as_ref().ok().map(|certs| (r, certs)))
            .flat_map(|(r, certs)| {
                certs.iter().filter_map(move |c| {
                    let (Some(app), Some(expires_at), true) = (&c.app, c.expires_at, c.enabled)
                    else {
                        return None;
                    };
                    Some(CertificateExpiry {
                        host: r.host.clone(),
                        target: r.target.clone(),
                        app: app.clone(),
                        expires_at,
                        issuer: c.issuer.clone(),
                        hostnames: c.hostnames.clone(),
                    })
                })
            })
            .collect();
        soonest
            .sort_by(|a, b| (a.expires_at, &a.host, &a.app).cmp(&(b.expires_at, &b.host, &b.app)));
        Ok(Certificates { hosts, soonest })
    }

    /// Each selected host's machine: kernel, memory and disks
    /// ([`HostVitals`], from Dokku's global `report`). One invocation per
    /// host, and a slow one (it also asks Docker and runs a herokuish
    /// container), so it is asked for, never part of a status.
    ///
    /// ```no_run
    /// # async fn demo(fleet: dokku_fleet::Fleet) -> Result<(), dokku_fleet::FleetError> {
    /// for host in fleet.vitals(&dokku_fleet::Selector::All).await?.iter() {
    ///     if let Ok(vitals) = &host.result {
    ///         let fullest = vitals.disks.iter().filter_map(|d| d.used_percent).max();
    ///         println!("{}: disks up to {:?}% full", host.host, fullest);
    ///     }
    /// }
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`FleetError`] when the selection names no host; each host's own
    /// failure is its result.
    pub async fn vitals(
        &self,
        selector: &Selector,
    ) -> Result<FleetResults<HostVitals>, FleetError> {
        self.each(selector, |host: FleetHost| async move {
            host.dokku().host().vitals().await
        })
        .await
    }

    /// Every datastore service of every selected host (each installed
    /// plugin Dokku's datastores have: postgres, redis …) with its backup
    /// schedule: which databases are not backed up, fleet-wide.
    ///
    /// ```no_run
    /// # async fn demo(fleet: dokku_fleet::Fleet) -> Result<(), dokku_fleet::FleetError> {
    /// for host in fleet.backups(&dokku_fleet::Selector::All).await?.iter() {
    ///     for service in host.result.iter().flatten() {
    ///         if service.schedule.is_none() {
    ///             println!("{}: {} {} is not backed up", host.host, service.plugin, service.service);
    ///         }
    ///     }
    /// }
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`FleetError`] when the selection names no host; each host's own
    /// failure (a plugin that cannot list its services) is its result, and
    /// a service whose schedule cannot be read says why in
    /// [`ServiceBackup::unreadable`].
    pub async fn backups(
        &self,
        selector: &Selector,
    ) -> Result<FleetResults<Vec<ServiceBackup>>, FleetError> {
        self.each(selector, |host: FleetHost| async move {
            service_backups(host.dokku()).await
        })
        .await
    }

    /// The last deploy of every app of every selected host, from a deploy
    /// history: the audit trail (`HistoryStore`, the deploys made through
    /// the SDK), or any other [`DeployHistory`].
    pub async fn last_deploys(
        &self,
        selector: &Selector,
        history: Arc<dyn DeployHistory>,
    ) -> Result<FleetResults<Vec<LastDeploy>>, FleetError> {
        Ok(self
            .fan_out(selector, Deadline::Host, move |host: FleetHost| {
                let history = Arc::clone(&history);
                async move {
                    // What Dokku said is classified like any host's answer
                    // (a dropped connection is the host unreachable),
                    // whichever history read it.
                    history.last_deploys(&host).await.map_err(|e| match e {
                        FleetError::Dokku { source, .. } => HostFailure::Dokku(*source),
                        other => HostFailure::Fleet(other),
                    })
                }
            })?
            .collect()
            .await)
    }
}

/// Whether an app should run and does not: crashed, stopped, or only
/// partly running. The rule of [`Fleet::apps_not_running`], for callers
/// that already hold an overview (one reading, both facts).
pub fn is_not_running(app: &AppOverview) -> bool {
    matches!(
        app.status,
        AppStatus::Crashed | AppStatus::Stopped | AppStatus::Mixed
    )
}

/// What [`Fleet::versions`] found.
#[derive(Debug)]
#[non_exhaustive]
pub struct Versions {
    /// Each host's capabilities, or why it gave none.
    pub hosts: FleetResults<Arc<Capabilities>>,
    /// What differs between the hosts that answered.
    pub skew: SkewReport,
}

/// A capability some Dokku versions have: what the SDK uses it for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[non_exhaustive]
pub struct Feature {
    /// What it is.
    pub name: &'static str,
    /// The first Dokku version with it.
    pub since: DokkuVersion,
}

/// The version-dependent features the SDK reads differently by host.
pub const FEATURES: &[Feature] = &[
    Feature {
        name: "--format json on every :report (bash plugins too)",
        since: versions::JSON_REPORTS,
    },
    Feature {
        name: "--format json on apps:list",
        since: versions::APPS_LIST_JSON,
    },
    Feature {
        name: "--format json on plugin:list",
        since: versions::PLUGIN_LIST_JSON,
    },
    Feature {
        name: "--format json on ps:scale",
        since: versions::PS_SCALE_JSON,
    },
    Feature {
        name: "--global on every :report",
        since: versions::GLOBAL_REPORTS,
    },
    Feature {
        name: "config:import (config values on stdin)",
        since: versions::CONFIG_IMPORT,
    },
    Feature {
        name: "the ports plugin (ports:*)",
        since: versions::PORTS_PLUGIN,
    },
];

/// A plugin some hosts have and others lack.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct PluginGap {
    /// The plugin.
    pub plugin: String,
    /// Whether it ships with Dokku (its set changes between versions).
    pub core: bool,
    /// The hosts that have it (enabled).
    pub present_on: Vec<HostName>,
    /// The hosts that lack it (or have it disabled).
    pub missing_on: Vec<HostName>,
}

/// A community plugin installed at different versions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct PluginVersions {
    /// The plugin.
    pub plugin: String,
    /// Its version on each host that has it.
    pub versions: BTreeMap<HostName, String>,
}

/// A feature some hosts have and others lack.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct FeatureGap {
    /// The feature.
    pub feature: Feature,
    /// The hosts that have it.
    pub present_on: Vec<HostName>,
    /// The hosts that lack it.
    pub missing_on: Vec<HostName>,
}

/// What differs between hosts: versions, plugins, features. Only hosts
/// that answered take part.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct SkewReport {
    /// Each host's Dokku version.
    pub versions: BTreeMap<HostName, DokkuVersion>,
    /// The newest of them.
    pub newest: Option<DokkuVersion>,
    /// Hosts older than the newest.
    pub behind: Vec<HostName>,
    /// Plugins some hosts lack.
    pub missing_plugins: Vec<PluginGap>,
    /// Community plugins at different versions.
    pub plugin_versions: Vec<PluginVersions>,
    /// Features some hosts lack.
    pub missing_features: Vec<FeatureGap>,
}

fn is_core(plugin: &dokku_core::model::plugin::PluginInfo, host: &Capabilities) -> bool {
    plugin.core.unwrap_or_else(|| {
        // Text output does not say: core plugins carry Dokku's version.
        DokkuVersion::parse(&plugin.version).is_some_and(|v| v == host.version)
            || plugin.description.starts_with("dokku core ")
    })
}

impl SkewReport {
    /// Compare these hosts' capabilities.
    pub fn new<'a>(hosts: impl IntoIterator<Item = (&'a HostName, &'a Capabilities)>) -> Self {
        let hosts: Vec<(&HostName, &Capabilities)> = hosts.into_iter().collect();
        let versions: BTreeMap<HostName, DokkuVersion> = hosts
            .iter()
            .map(|(h, c)| ((*h).clone(), c.version))
            .collect();
        let newest = versions.values().max().copied();
        let behind = versions
            .iter()
            .filter(|(_, v)| Some(**v) < newest)
            .map(|(h, _)| h.clone())
            .collect();
        let all: BTreeSet<&HostName> = hosts.iter().map(|(h, _)| *h).collect();
        let mut plugins: BTreeMap<String, (bool, BTreeMap<HostName, String>)> = BTreeMap::new();
        for (host, caps) in &hosts {
            for p in caps.plugins.iter().filter(|p| p.enabled) {
                let slot = plugins.entry(p.name.to_string()).or_default();
                slot.0 |= is_core(p, caps);
                slot.1.insert((*host).clone(), p.version.clone());
            }
        }
        let mut missing_plugins = Vec::new();
        let mut plugin_versions = Vec::new();
        for (plugin, (core, on)) in plugins {
            if on.len() < all.len() {
                missing_plugins.push(PluginGap {
                    plugin: plugin.clone(),
                    core,
                    present_on: on.keys().cloned().collect(),
                    missing_on: all
                        .iter()
                        .filter(|h| !on.contains_key(**h))
                        .map(|h| (*h).clone())
                        .collect(),
                });
            }
            let distinct: BTreeSet<&String> = on.values().collect();
            if !core && distinct.len() > 1 {
                plugin_versions.push(PluginVersions {
                    plugin,
                    versions: on,
                });
            }
        }
        let missing_features = FEATURES
            .iter()
            .filter_map(|feature| {
                let (present_on, missing_on): (Vec<_>, Vec<_>) =
                    versions.iter().partition(|(_, v)| **v >= feature.since);
                (!present_on.is_empty() && !missing_on.is_empty()).then(|| FeatureGap {
                    feature: *feature,
                    present_on: present_on.into_iter().map(|(h, _)| h.clone()).collect(),
                    missing_on: missing_on.into_iter().map(|(h, _)| h.clone()).collect(),
                })
            })
            .collect();
        Self {
            versions,
            newest,
            behind,
            missing_plugins,
            plugin_versions,
            missing_features,
        }
    }

    /// Whether every host runs the same Dokku with the same plugins.
    pub fn is_uniform(&self) -> bool {
        self.behind.is_empty() && self.missing_plugins.is_empty() && self.plugin_versions.is_empty()
    }
}

fn names(hosts: &[HostName]) -> String {
    hosts
        .iter()
        .map(HostName::as_str)
        .collect::<Vec<_>>()
        .join(", ")
}

impl fmt::Display for SkewReport {
    /// One line per difference, for people.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (host, version) in &self.versions {
            let note = if Some(*version) < self.newest {
                " (behind)"
            } else {
                ""
            };
            writeln!(f, "{host}: Dokku {version}{note}")?;
        }
        for gap in &self.missing_features {
            writeln!(
                f,
                "{} (Dokku {}): missing on {}",
                gap.feature.name,
                gap.feature.since,
                names(&gap.missing_on)
            )?;
        }
        for gap in &self.missing_plugins {
            let kind = if gap.core { "core plugin" } else { "plugin" };
            writeln!(
                f,
                "{kind} {}: missing on {} (present on {})",
                gap.plugin,
                names(&gap.missing_on),
                names(&gap.present_on)
            )?;
        }
        for p in &self.plugin_versions {
            let list = p
                .versions
                .iter()
                .map(|(h, v)| format!("{h} {v}"))
                .collect::<Vec<_>>()
                .join(", ");
            writeln!(f, "plugin {} at different versions: {list}", p.plugin)?;
        }
        Ok(())
    }
}

/// One certificate somewhere in the fleet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct CertificateExpiry {
    /// The host's registry name.
    pub host: HostName,
    /// Where it is reached.
    pub target: String,
    /// The app.
    pub app: AppName,
    /// When the certificate expires.
    pub expires_at: SystemTime,
    /// Its issuer, as openssl prints it.
    pub issuer: Option<String>,
    /// The names it covers.
    pub hostnames: Vec<String>,
}

/// One datastore service and its backup schedule ([`Fleet::backups`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct ServiceBackup {
    /// Its plugin's name (`postgres`).
    pub plugin: String,
    /// The service.
    pub service: ServiceName,
    /// When and where it is backed up; `None` when no backup is scheduled
    /// (or the schedule could not be read: see `unreadable`).
    pub schedule: Option<ScheduledBackup>,
    /// Why the schedule could not be read (a plugin without backups).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unreadable: Option<String>,
}

/// One host's services with their backup schedules, in the plugins'
/// order and each plugin's listing order.
async fn service_backups(dokku: &Dokku) -> Result<Vec<ServiceBackup>, dokku_core::Error> {
    let caps = dokku.capabilities().await?;
    let mut all = Vec::new();
    for plugin in caps.service_plugins() {
        let services = dokku.service(plugin.clone());
        let names = services.list().await?;
        let read =
            futures_util::future::join_all(names.iter().map(|n| services.scheduled_backup(n)));
        for (service, read) in names.iter().zip(read.await) {
            let (schedule, unreadable) = match read {
                Ok(schedule) => (schedule, None),
                Err(e) => (None, Some(e.to_string())),
            };
            all.push(ServiceBackup {
                plugin: plugin.name().to_owned(),
                service: service.clone(),
                schedule,
                unreadable,
            });
        }
    }
    Ok(all)
}

/// What [`Fleet::certificates`] found.
#[derive(Debug)]
#[non_exhaustive]
pub struct Certificates {
    /// Each host's `certs:report`, or why it gave none.
    pub hosts: FleetResults<Vec<CertsReport>>,
    /// Every enabled certificate with an expiry, soonest first.
    pub soonest: Vec<CertificateExpiry>,
}

impl Certificates {
    /// The certificates that expire within `window` of `now` (expired ones
    /// included), soonest first.
    pub fn expiring_within(
        &self,
        window: Duration,
        now: SystemTime,
    ) -> impl Iterator<Item = &CertificateExpiry> {
        let limit = now.checked_add(window);
        self.soonest.iter().take_while(move |c| match limit {
            Some(limit) => c.expires_at <= limit,
            None => true,
        })
    }
}

/// How an app's last deploy ended; serialized as [`DeployOutcome::as_str`]'s
/// word.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum DeployOutcome {
    /// It finished and the app runs the new release.
    Succeeded,
    /// It failed; the app runs what it ran before (if anything).
    Failed,
    /// It was cancelled while it ran; the app runs what it ran before.
    Cancelled,
    /// It is still running.
    Running,
}

impl DeployOutcome {
    /// `succeeded`, `failed`, `cancelled` or `running`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Succeeded => "succeeded",
            Self::Failed => "failed",
            Self::Cancelled => "cancelled",
            Self::Running => "running",
        }
    }
}

/// An app's last deploy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct LastDeploy {
    /// The app.
    pub app: AppName,
    /// How it ended.
    pub outcome: DeployOutcome,
    /// When it ended (or started, while running).
    pub at: Option<SystemTime>,
    /// What was deployed (a git sha, an image: the trail), or what started
    /// it (`git-hook` for a push, `ps:rebuild` …: Dokku's build records).
    pub source: Option<String>,
}

impl LastDeploy {
    /// An app's last deploy.
    pub fn new(app: AppName, outcome: DeployOutcome) -> Self {
        Self {
            app,
            outcome,
            at: None,
            source: None,
        }
    }
}

/// Where the last deploy of each app comes from: the hook
/// [`Fleet::last_deploys`] fans out over.
#[async_trait]
pub trait DeployHistory: Send + Sync + fmt::Debug {
    /// The last deploy of each app on this host.
    async fn last_deploys(&self, host: &FleetHost) -> Result<Vec<LastDeploy>, FleetError>;
}

/// No deploy history: every host answers [`FleetError::NotAvailable`].
#[derive(Debug, Clone, Copy, Default)]
pub struct NoDeployHistory;

#[async_trait]
impl DeployHistory for NoDeployHistory {
    async fn last_deploys(&self, _host: &FleetHost) -> Result<Vec<LastDeploy>, FleetError> {
        Err(FleetError::NotAvailable {
            what: "the last deploy of each app",
            reason: "no deploy history was given",
        })
    }
}

/// Dokku's own build records (Dokku 0.38+): for each app the last build
/// Dokku recorded, whoever started it, a plain `git push` included. One
/// invocation per host (`builds:report` of every app). A host before 0.38
/// records no builds: `fallback` answers for it (the audit trail, say), or
/// it is [`FleetError::NotAvailable`]. An app never built is left out.
///
/// ```no_run
/// # async fn demo(fleet: dokku_fleet::Fleet, trail: dokku_history::HistoryStore) -> Result<(), dokku_fleet::FleetError> {
/// use std::sync::Arc;
/// use dokku_fleet::{DeployOutcome, DokkuBuilds, Selector};
/// let history = Arc::new(DokkuBuilds::or(Arc::new(trail)));
/// for host in fleet.last_deploys(&Selector::All, history).await?.iter() {
///     let failed = host.result.as_ref().map_or(0, |d| {
///         d.iter().filter(|d| d.outcome == DeployOutcome::Failed).count()
///     });
///     println!("{}: {failed} apps whose last deploy failed", host.host);
/// }
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Default)]
pub struct DokkuBuilds {
    fallback: Option<Arc<dyn DeployHistory>>,
}

impl DokkuBuilds {
    /// Dokku's build records; a host before 0.38 is not available.
    pub fn new() -> Self {
        Self::default()
    }

    /// Dokku's build records; `fallback` for a host before 0.38.
    pub fn or(fallback: Arc<dyn DeployHistory>) -> Self {
        Self {
            fallback: Some(fallback),
        }
    }
}

#[async_trait]
impl DeployHistory for DokkuBuilds {
    async fn last_deploys(&self, host: &FleetHost) -> Result<Vec<LastDeploy>, FleetError> {
        let reports = match host.dokku().report::<BuildsReport>().all().await {
            Ok(reports) => reports,
            Err(dokku_core::Error::Unsupported { .. }) => {
                return match &self.fallback {
                    Some(fallback) => fallback.last_deploys(host).await,
                    None => Err(FleetError::NotAvailable {
                        what: "the last deploy of each app",
                        reason: "Dokku records builds from 0.38 on",
                    }),
                }
            }
            Err(e) => {
                return Err(FleetError::Dokku {
                    host: host.name().clone(),
                    source: Box::new(e),
                })
            }
        };
        Ok(reports.into_iter().filter_map(last_build).collect())
    }
}

/// An app's last build as its last deploy; `None` for an app never built.
fn last_build(report: BuildsReport) -> Option<LastDeploy> {
    let outcome = match report.build_status.as_ref()? {
        BuildStatus::Succeeded => DeployOutcome::Succeeded,
        BuildStatus::Running => DeployOutcome::Running,
        BuildStatus::Canceled => DeployOutcome::Cancelled,
        _ => DeployOutcome::Failed,
    };
    let at = report
        .build_finished_at
        .as_deref()
        .or(report.build_started_at.as_deref())
        .and_then(dokku_core::parse::logs::rfc3339_utc);
    Some(LastDeploy {
        app: report.app?,
        outcome,
        at,
        source: report.build_source,
    })
}

/// The audit trail's releases (`dokku_history::releases`), recorded
/// under each host's registry name: for each app the host lists (one
/// `apps:list`), its newest release, if the trail has one: one pass over
/// the host's deploys in the trail, not a query per app. A deploy made
/// outside the SDK (a plain `git push` over ssh) is not in the trail.
#[async_trait]
impl DeployHistory for dokku_history::HistoryStore {
    async fn last_deploys(&self, host: &FleetHost) -> Result<Vec<LastDeploy>, FleetError> {
        let name = host.name();
        let apps = host
            .dokku()
            .apps()
            .list()
            .await
            .map_err(|e| FleetError::Dokku {
                host: name.clone(),
                source: Box::new(e),
            })?;
        let mut newest: std::collections::HashMap<String, dokku_history::releases::Release> = self
            .latest_releases(name.as_str(), &apps)
            .await
            .map_err(|source| FleetError::History {
                host: name.clone(),
                source,
            })?
            .into_iter()
            .map(|release| (release.app.clone(), release))
            .collect();
        let mut last = Vec::new();
        for app in apps {
            let Some(release) = newest.remove(app.as_str()) else {
                continue;
            };
            let outcome = match release.outcome {
                dokku_history::Outcome::Ok => DeployOutcome::Succeeded,
                dokku_history::Outcome::Cancelled => DeployOutcome::Cancelled,
                _ => DeployOutcome::Failed,
            };
            let ended = u64::try_from(release.ended_at).unwrap_or(0);
            last.push(LastDeploy {
                app,
                outcome,
                at: SystemTime::UNIX_EPOCH.checked_add(Duration::from_millis(ended)),
                source: Some(release.source.to_string()),
            });
        }
        Ok(last)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_deploy_outcome_serializes_as_its_word() {
        for outcome in [
            DeployOutcome::Succeeded,
            DeployOutcome::Failed,
            DeployOutcome::Cancelled,
            DeployOutcome::Running,
        ] {
            let json = serde_json::to_value(outcome).ok();
            assert_eq!(json, Some(serde_json::json!(outcome.as_str())));
        }
    }

    #[test]
    fn each_build_status_is_a_last_deploys_outcome_and_an_app_never_built_none() {
        let report = |status: Option<&str>| BuildsReport {
            app: AppName::new("api").ok(),
            build_status: status.map(|s| BuildStatus::from(s.to_owned())),
            build_started_at: Some("2026-12-03T09:58:46Z".to_owned()),
            ..BuildsReport::default()
        };
        let outcome = |status| last_build(report(Some(status))).map(|d| d.outcome);
        assert_eq!(outcome("succeeded"), Some(DeployOutcome::Succeeded));
        assert_eq!(outcome("running"), Some(DeployOutcome::Running));
        assert_eq!(outcome("canceled"), Some(DeployOutcome::Cancelled));
        assert_eq!(outcome("failed"), Some(DeployOutcome::Failed));
        assert_eq!(outcome("abandoned"), Some(DeployOutcome::Failed));
        assert_eq!(last_build(report(None)), None);
        // When it ended, else when it started.
        let running = last_build(report(Some("running"))).and_then(|d| d.at);
        assert_eq!(
            running,
            dokku_core::parse::logs::rfc3339_utc("2026-12-03T09:58:46Z")
        );
    }
}
