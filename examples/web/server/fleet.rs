//! The dashboard's hosts: which it shows ([`Site`]), each one's place in
//! the URLs ([`Place`]), and the fleet status the fleet page shows
//! ([`FleetView`]), read with dokku-fleet's own queries and kept with its
//! age so that a page load never waits on a host.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use dokku::model::overview::{AppOverview, AppStatus};
use dokku::{DokkuVersion, Executor};
use dokku_fleet::query::CertificateExpiry;
use dokku_fleet::{Fleet, FleetError, HostName, Labels, Selector};
use tokio::sync::watch;

use super::data::Store;
use crate::common::Clock;

/// One host the dashboard shows: its registry name, where it is reached,
/// its labels, its executor and where its snapshot is kept.
#[derive(Debug, Clone)]
pub struct HostSpec {
    /// Its name (in URLs, the header, the history's host column).
    pub name: HostName,
    /// Where it is reached, as people read it.
    pub target: String,
    /// Its labels.
    pub labels: Labels,
    /// Its executor, shared by its pages and the fleet status.
    pub executor: Arc<dyn Executor>,
    /// Its snapshot file (none: in memory only).
    pub snapshot_file: Option<PathBuf>,
    /// Its clock, when it is not this machine's (a simulated host lives
    /// at a fixed time): certificate expiry is counted from it.
    pub clock: Option<SystemTime>,
}

/// Where a host's pages live.
#[derive(Debug, Clone)]
pub struct Place {
    /// What the header says the page shows: a host's name, or
    /// [`ALL_HOSTS`] on the fleet's own pages.
    pub name: String,
    /// The prefix of its pages' paths: empty with one host, `/h/eu-1` in
    /// a fleet.
    pub base: String,
}

/// What the header says on pages of the whole fleet.
pub const ALL_HOSTS: &str = "all hosts";

impl Place {
    /// `base` + a host-relative path (`/apps/api` → `/h/eu-1/apps/api`).
    pub fn at(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}

/// A host, as the switcher sees it.
#[derive(Debug)]
pub struct SiteHost {
    /// Its name.
    pub name: String,
    /// Its pages' prefix.
    pub base: String,
    /// Its snapshot (which apps it has).
    pub store: Arc<Store>,
    /// What its watcher told and last read (its disks).
    pub watch: Arc<super::notifications::HostWatch>,
}

/// Every host of the dashboard, shared by all of them.
#[derive(Debug)]
pub struct Site {
    /// The hosts, in the fleet's order.
    pub hosts: Vec<SiteHost>,
    /// Whether pages live under `/h/{host}` (more than one host).
    pub multi: bool,
    /// The fleet status (none only if no fleet could be made of the hosts,
    /// which valid names rule out).
    pub fleet: Option<Arc<FleetView>>,
    /// The webhook and which events go to it (one for every host).
    pub notifications: Arc<super::notifications::Notifications>,
}

impl Site {
    /// The host of this name.
    pub fn host(&self, name: &str) -> Option<&SiteHost> {
        self.hosts.iter().find(|h| h.name == name)
    }

    /// Where `page` (host-relative: `/apps/api`, `/databases`) is on
    /// `host`: the same page when the host has it, else its apps list.
    pub fn equivalent(&self, host: &SiteHost, page: &str) -> String {
        let page = super::page_of(page);
        let keeps = match app_of(&page) {
            Some(app) => host.store.names().iter().any(|a| a.as_str() == app),
            None => true,
        };
        if keeps {
            format!("{}{page}", host.base)
        } else {
            format!("{}/", host.base)
        }
    }
}

/// The app of an app page's path (`/apps/a%20b` → `a b`).
pub fn app_of(page: &str) -> Option<String> {
    let encoded = page.strip_prefix("/apps/")?;
    serde_urlencoded::from_str::<Vec<(String, String)>>(&format!("a={encoded}"))
        .ok()
        .and_then(|mut pairs| pairs.pop())
        .map(|(_, app)| app)
}

/// A name a fleet accepts for a single host's label (`dokku@example.com`
/// → `dokku-example.com`).
pub fn host_name_for(label: &str) -> Result<HostName, FleetError> {
    let cleaned: String = label
        .to_ascii_lowercase()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "-_.".contains(c) {
                c
            } else {
                '-'
            }
        })
        .collect();
    let cleaned: String = cleaned
        .trim_start_matches(|c: char| !c.is_ascii_alphanumeric())
        .chars()
        .take(63)
        .collect();
    match cleaned.as_str() {
        "" => HostName::new("host"),
        _ => HostName::new(cleaned),
    }
}

/// Certificates expiring within this are shown on the fleet page.
pub const CERT_WINDOW: Duration = Duration::from_secs(30 * 24 * 3600);

/// One host's row of the fleet status.
#[derive(Debug, Clone)]
pub struct HostStatus {
    /// Its name.
    pub name: HostName,
    /// Where it is reached.
    pub target: String,
    /// Its Dokku version, if it answered.
    pub version: Option<DokkuVersion>,
    /// Whether it runs an older Dokku than the newest host.
    pub behind: bool,
    /// Its apps by state (empty when it did not answer).
    pub states: BTreeMap<AppStatus, usize>,
    /// Its apps that should run and do not.
    pub failing: Vec<AppOverview>,
    /// Its certificates expiring within [`CERT_WINDOW`], soonest first.
    pub expiring: Vec<CertificateExpiry>,
    /// Why it could not be read: unreachable, refused, timed out.
    pub problem: Option<String>,
    /// The host's time, from which expiry is counted.
    pub now: SystemTime,
}

/// The whole fleet's status, as read at `at`.
#[derive(Debug, Clone)]
pub struct FleetStatus {
    /// When the reading finished (the dashboard's clock).
    pub at: Instant,
    /// One row per host, in the fleet's order.
    pub hosts: Vec<HostStatus>,
}

impl FleetStatus {
    /// Read every host with dokku-fleet's queries (at once, each host
    /// within its own timeout): the app overview, the versions, the
    /// certificates.
    pub async fn read(
        fleet: &Fleet,
        clocks: &BTreeMap<HostName, SystemTime>,
        at: impl Fn() -> Instant,
    ) -> Self {
        let all = Selector::All;
        let (overview, versions, certs) = tokio::join!(
            fleet.overview(&all),
            fleet.versions(&all),
            fleet.certificates(&all)
        );
        let hosts = fleet
            .host_names()
            .into_iter()
            .map(|name| {
                let target = fleet
                    .describe(name.as_str())
                    .map_or_else(String::new, |(t, _)| t.to_owned());
                let mut row = HostStatus {
                    target,
                    version: None,
                    behind: false,
                    states: BTreeMap::new(),
                    failing: Vec::new(),
                    expiring: Vec::new(),
                    problem: None,
                    now: clocks.get(&name).copied().unwrap_or_else(SystemTime::now),
                    name,
                };
                let mut problems: Vec<String> = Vec::new();
                let mut note = |e: &FleetError| {
                    let text = e.to_string();
                    if !problems.contains(&text) {
                        problems.push(text);
                    }
                };
                match &overview {
                    Ok(results) => match results.get(row.name.as_str()).map(|r| &r.result) {
                        Some(Ok(apps)) => {
                            for app in apps {
                                *row.states.entry(app.status).or_default() += 1;
                            }
                            row.failing = apps
                                .iter()
                                .filter(|a| dokku_fleet::query::is_not_running(a))
                                .cloned()
                                .collect();
                        }
                        Some(Err(e)) => note(e),
                        None => {}
                    },
                    Err(e) => note(e),
                }
                match &versions {
                    Ok(v) => {
                        if let Some(Ok(caps)) = v.hosts.get(row.name.as_str()).map(|r| &r.result) {
                            row.version = Some(caps.version);
                            row.behind = v.skew.behind.contains(&row.name);
                        } else if let Some(Err(e)) =
                            v.hosts.get(row.name.as_str()).map(|r| &r.result)
                        {
                            note(e);
                        }
                    }
                    Err(e) => note(e),
                }
                match &certs {
                    Ok(c) => {
                        row.expiring = c
                            .expiring_within(CERT_WINDOW, row.now)
                            .filter(|x| x.host == row.name)
                            .cloned()
                            .collect();
                        if let Some(Err(e)) = c.hosts.get(row.name.as_str()).map(|r| &r.result) {
                            note(e);
                        }
                    }
                    Err(e) => note(e),
                }
                if !problems.is_empty() {
                    row.problem = Some(problems.join("; "));
                }
                row
            })
            .collect();
        Self { at: at(), hosts }
    }
}

/// The fleet status, kept: pages show the last one with its age and start
/// a new reading in the background once it is older than `ttl`; only one
/// reading runs at a time.
#[derive(Debug)]
pub struct FleetView {
    fleet: Fleet,
    clocks: BTreeMap<HostName, SystemTime>,
    clock: Clock,
    /// How long a reading is shown before the next one starts.
    pub ttl: Duration,
    status: watch::Sender<Option<Arc<FleetStatus>>>,
    reading: AtomicBool,
}

impl FleetView {
    /// A view of `fleet`, nothing read yet.
    pub fn new(
        fleet: Fleet,
        clocks: BTreeMap<HostName, SystemTime>,
        clock: Clock,
        ttl: Duration,
    ) -> Self {
        Self {
            fleet,
            clocks,
            clock,
            ttl,
            status: watch::channel(None).0,
            reading: AtomicBool::new(false),
        }
    }

    /// The fleet.
    pub fn fleet(&self) -> &Fleet {
        &self.fleet
    }

    /// The last reading and its age, if any; a new reading is started in
    /// the background when there is none or it is older than the ttl.
    pub fn current(self: &Arc<Self>) -> Option<(Arc<FleetStatus>, Duration)> {
        let last = self.status.borrow().clone();
        let now = self.clock.now();
        let aged = last.map(|s| {
            let age = now.saturating_duration_since(s.at);
            (s, age)
        });
        if !aged.as_ref().is_some_and(|(_, age)| *age < self.ttl) {
            self.start();
        }
        aged
    }

    /// Start a reading in the background unless one is running.
    pub fn start(self: &Arc<Self>) {
        if self.reading.swap(true, Ordering::AcqRel) {
            return;
        }
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            self.reading.store(false, Ordering::Release);
            return;
        };
        let view = Arc::clone(self);
        runtime.spawn(async move {
            view.refresh().await;
        });
    }

    /// Read the fleet now and keep the result.
    pub async fn refresh(&self) -> Arc<FleetStatus> {
        let clock = self.clock.clone();
        let status =
            Arc::new(FleetStatus::read(&self.fleet, &self.clocks, move || clock.now()).await);
        self.status.send_replace(Some(Arc::clone(&status)));
        self.reading.store(false, Ordering::Release);
        status
    }

    /// Follow the readings (tests wait on it instead of sleeping).
    pub fn watch(&self) -> watch::Receiver<Option<Arc<FleetStatus>>> {
        self.status.subscribe()
    }
}

/// The demo fleet ([`dokku_fleet::demo`]: `eu-1` on Dokku 0.38.27 with a
/// certificate expiring in 5 days, `us-1` with a crash-looping app,
/// `legacy` with a stopped one), each host on its executor.
pub fn demo_hosts(
    hosts: Vec<(dokku_fleet::demo::DemoHost, Arc<dyn Executor>)>,
    snapshot_file: impl Fn(&HostName) -> Option<PathBuf>,
) -> Vec<HostSpec> {
    hosts
        .into_iter()
        .map(|(demo, executor)| HostSpec {
            executor,
            snapshot_file: snapshot_file(&demo.name),
            clock: (demo.host.clock == dokku_sim::host::Clock::Fixed)
                .then(|| SystemTime::UNIX_EPOCH + Duration::from_secs(demo.host.now)),
            target: format!("demo (Dokku {})", demo.version),
            labels: demo.labels,
            name: demo.name,
        })
        .collect()
}
