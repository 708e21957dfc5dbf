//! [`Fleet`]: named hosts, each with its own executor and client, and the
//! bounded fan-out every fleet operation is built on.
//!
//! Each host is a [`HostSlot`]: its name, target, labels and limits, and,
//! once connected, its own executor stack and [`Dokku`] client (which
//! probes and caches that host's capabilities). Nothing about a host lives
//! anywhere else: two fleets over the same registry share nothing.
//!
//! An operation runs on every selected host as its own task: at most
//! [`FleetOptions::concurrency`] hosts at once, each within its own timeout
//! (connecting included), at most its own number of commands in flight.
//! One host down, slow or refusing only fills its own result: the others
//! neither fail nor wait for it. Results arrive as a stream in completion
//! order ([`HostStream`]), or collected in the fleet's order
//! ([`FleetResults`]).

use std::collections::HashMap;
use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::{Arc, Weak};
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::time::Instant;

use dokku_core::{Dokku, Executor, LocalExecutor};
use dokku_history::{AuditPolicy, Audited, HistoryStore, Source};
use dokku_sim::SimExecutor;
use dokku_ssh::{HostKeyPin, SshExecutor};
use futures_util::Stream;
use tokio::sync::{Mutex, Semaphore};
use tokio::task::JoinSet;

use crate::error::FleetError;
use crate::limit::Limited;
use crate::name::{HostName, Labels, Selector};
use crate::registry::{HostEntry, Registry, SshTarget, Target};

/// Limits for a fleet; a registry's `[fleet]` table and a host's own
/// fields override them.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct FleetOptions {
    /// Hosts worked on at once (default 32).
    pub concurrency: usize,
    /// Commands in flight on one host at once (default 4; below sshd's
    /// default MaxSessions of 10).
    pub host_concurrency: usize,
    /// How long one host may take for a query, connecting included
    /// (default 30 s).
    pub timeout: Duration,
    /// Where SSH control sockets and pinned-key files go (default: the
    /// system's temporary directory).
    pub control_dir: Option<PathBuf>,
}

impl Default for FleetOptions {
    fn default() -> Self {
        Self {
            concurrency: 32,
            host_concurrency: 4,
            timeout: Duration::from_secs(30),
            control_dir: None,
        }
    }
}

/// How a host is reached.
enum Connector {
    Ssh {
        target: SshTarget,
        identity: Option<PathBuf>,
        ssh_config: Option<PathBuf>,
        pin: Option<HostKeyPin>,
        control_dir: Option<PathBuf>,
    },
    Local,
    Executor(Arc<dyn Executor>),
}

/// A host of the fleet: what is known about it, and its client once
/// connected.
pub(crate) struct HostSlot {
    pub(crate) name: HostName,
    pub(crate) target: String,
    pub(crate) labels: Labels,
    pub(crate) timeout: Duration,
    concurrency: usize,
    pinned: Option<String>,
    connector: Connector,
    audit: Option<AuditSettings>,
    state: Mutex<Option<Connected>>,
}

#[derive(Clone)]
struct Connected {
    dokku: Dokku,
    ssh: Option<SshExecutor>,
}

/// The audit trail every host records into.
#[derive(Debug, Clone)]
struct AuditSettings {
    store: HistoryStore,
    actor: Option<String>,
    source: Source,
    policy: AuditPolicy,
}

impl HostSlot {
    fn error(&self, error: dokku_core::Error) -> FleetError {
        FleetError::from_dokku(&self.name, &self.target, self.pinned.as_deref(), error)
    }

    /// The host's client, connecting first if it is not connected (or its
    /// last attempt failed).
    async fn client(&self) -> Result<Dokku, FleetError> {
        let mut state = self.state.lock().await;
        if let Some(connected) = state.as_ref() {
            return Ok(connected.dokku.clone());
        }
        let (transport, ssh): (Arc<dyn Executor>, Option<SshExecutor>) = match &self.connector {
            Connector::Executor(exec) => (Arc::clone(exec), None),
            Connector::Local => (Arc::new(LocalExecutor::new()), None),
            Connector::Ssh {
                target,
                identity,
                ssh_config,
                pin,
                control_dir,
            } => {
                let Some(pin) = pin else {
                    return Err(FleetError::NotPinned {
                        host: self.name.clone(),
                        target: self.target.clone(),
                    });
                };
                let mut b = target
                    .builder()
                    .pin_host_key(pin.clone())
                    .connect_timeout(self.timeout)
                    .max_concurrent(self.concurrency);
                if let Some(path) = identity {
                    b = b.identity_file(path);
                }
                if let Some(path) = ssh_config {
                    b = b.config_file(path);
                }
                if let Some(path) = control_dir {
                    b = b.control_dir(path);
                }
                let ssh = b.connect().await.map_err(|e| {
                    FleetError::from_exec(
                        &self.name,
                        &self.target,
                        self.pinned.as_deref(),
                        e.into(),
                    )
                })?;
                (Arc::new(ssh.clone()), Some(ssh))
            }
        };
        let audited: Arc<dyn Executor> = match &self.audit {
            Some(audit) => {
                let mut a = Audited::new(transport, audit.store.clone())
                    .host(self.name.as_str())
                    .target(self.target.clone())
                    .source(audit.source)
                    .policy(audit.policy);
                if let Some(actor) = &audit.actor {
                    a = a.actor(actor.clone());
                }
                Arc::new(a)
            }
            None => transport,
        };
        let dokku = Dokku::new(Limited::new(audited, self.concurrency));
        *state = Some(Connected {
            dokku: dokku.clone(),
            ssh,
        });
        Ok(dokku)
    }

    async fn close(&self) {
        let connected = self.state.lock().await.take();
        if let Some(ssh) = connected.and_then(|c| c.ssh) {
            if let Err(error) = ssh.close().await {
                tracing::debug!(host = %self.name, %error, "closing the connection");
            }
        }
    }
}

/// One host, as an operation sees it: its name, target, labels and
/// connected client.
#[derive(Debug, Clone)]
pub struct FleetHost {
    name: HostName,
    target: String,
    labels: Labels,
    dokku: Dokku,
}

impl FleetHost {
    /// Its registry name.
    pub fn name(&self) -> &HostName {
        &self.name
    }

    /// Where it is reached.
    pub fn target(&self) -> &str {
        &self.target
    }

    /// Its labels.
    pub fn labels(&self) -> &Labels {
        &self.labels
    }

    /// Its client (its capabilities probed once and cached in it).
    pub fn dokku(&self) -> &Dokku {
        &self.dokku
    }
}

/// What one host gave.
#[derive(Debug)]
#[non_exhaustive]
pub struct HostResult<T> {
    /// The host's registry name.
    pub host: HostName,
    /// Where it is reached.
    pub target: String,
    /// What it gave, or why it gave nothing.
    pub result: Result<T, FleetError>,
    /// How long it took, from when its turn came (connecting included).
    pub elapsed: Duration,
}

/// Every selected host's result, in the fleet's order (by name).
#[derive(Debug)]
pub struct FleetResults<T> {
    results: Vec<HostResult<T>>,
}

impl<T> FleetResults<T> {
    pub(crate) fn new(mut results: Vec<HostResult<T>>) -> Self {
        results.sort_by(|a, b| a.host.cmp(&b.host));
        Self { results }
    }

    /// Every result.
    pub fn iter(&self) -> std::slice::Iter<'_, HostResult<T>> {
        self.results.iter()
    }

    /// The hosts that answered, with their answers.
    pub fn ok(&self) -> impl Iterator<Item = (&HostName, &T)> {
        self.results
            .iter()
            .filter_map(|r| r.result.as_ref().ok().map(|v| (&r.host, v)))
    }

    /// The hosts that did not, with why.
    pub fn failed(&self) -> impl Iterator<Item = (&HostName, &FleetError)> {
        self.results
            .iter()
            .filter_map(|r| r.result.as_ref().err().map(|e| (&r.host, e)))
    }

    /// One host's result.
    pub fn get(&self, host: &str) -> Option<&HostResult<T>> {
        self.results.iter().find(|r| r.host == host)
    }

    /// Whether every host answered.
    pub fn all_ok(&self) -> bool {
        self.results.iter().all(|r| r.result.is_ok())
    }

    /// How many hosts were asked.
    pub fn len(&self) -> usize {
        self.results.len()
    }

    /// Whether no host was asked.
    pub fn is_empty(&self) -> bool {
        self.results.is_empty()
    }

    /// Transform every answer, keeping the failures.
    pub fn map<U>(self, mut f: impl FnMut(&HostName, T) -> U) -> FleetResults<U> {
        FleetResults {
            results: self
                .results
                .into_iter()
                .map(|r| HostResult {
                    result: r.result.map(|v| f(&r.host, v)),
                    host: r.host,
                    target: r.target,
                    elapsed: r.elapsed,
                })
                .collect(),
        }
    }
}

impl<T> IntoIterator for FleetResults<T> {
    type Item = HostResult<T>;
    type IntoIter = std::vec::IntoIter<HostResult<T>>;
    fn into_iter(self) -> Self::IntoIter {
        self.results.into_iter()
    }
}

impl<'a, T> IntoIterator for &'a FleetResults<T> {
    type Item = &'a HostResult<T>;
    type IntoIter = std::slice::Iter<'a, HostResult<T>>;
    fn into_iter(self) -> Self::IntoIter {
        self.results.iter()
    }
}

/// Per-host results as they finish (completion order). Dropping it
/// cancels the hosts still running.
pub struct HostStream<T> {
    set: JoinSet<HostResult<T>>,
    hosts: HashMap<tokio::task::Id, (HostName, String)>,
}

impl<T> std::fmt::Debug for HostStream<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HostStream")
            .field("running", &self.set.len())
            .finish()
    }
}

impl<T: Send + 'static> HostStream<T> {
    /// Wait for every host and return the results in the fleet's order.
    pub async fn collect(mut self) -> FleetResults<T> {
        let mut results = Vec::with_capacity(self.set.len());
        while let Some(r) = futures_util::StreamExt::next(&mut self).await {
            results.push(r);
        }
        FleetResults::new(results)
    }
}

impl<T: Send + 'static> Stream for HostStream<T> {
    type Item = HostResult<T>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        match this.set.poll_join_next_with_id(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(None) => Poll::Ready(None),
            Poll::Ready(Some(Ok((id, result)))) => {
                this.hosts.remove(&id);
                Poll::Ready(Some(result))
            }
            Poll::Ready(Some(Err(join))) => {
                let (host, target) = this
                    .hosts
                    .remove(&join.id())
                    .unwrap_or_else(|| (HostName::unchecked("unknown"), String::new()));
                Poll::Ready(Some(HostResult {
                    result: Err(FleetError::Panicked { host: host.clone() }),
                    host,
                    target,
                    elapsed: Duration::ZERO,
                }))
            }
        }
    }
}

/// How long an operation may take on a host.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Deadline {
    /// The host's timeout bounds connecting and the whole operation.
    Host,
    /// The host's timeout bounds connecting only; the commands run as long
    /// as their executor allows (actions: a deploy must not be cut).
    ConnectOnly,
}

/// Named Dokku hosts, each with its own executor and client.
///
/// ```no_run
/// # async fn demo() -> Result<(), dokku_fleet::FleetError> {
/// use dokku_fleet::{Fleet, Registry, Selector};
///
/// let registry = Registry::load_default()?;
/// let fleet = Fleet::builder().registry(&registry).build()?;
/// let status = fleet.overview(&Selector::parse("env=prod")?).await?;
/// for host in &status {
///     match &host.result {
///         Ok(apps) => println!("{}: {} apps", host.host, apps.len()),
///         Err(e) => println!("{}: {e}", host.host),
///     }
/// }
/// fleet.close().await;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Fleet {
    inner: Arc<Inner>,
}

pub(crate) struct Inner {
    hosts: Vec<Arc<HostSlot>>,
    permits: Arc<Semaphore>,
    options: FleetOptions,
}

impl std::fmt::Debug for Fleet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Fleet")
            .field(
                "hosts",
                &self
                    .inner
                    .hosts
                    .iter()
                    .map(|h| h.name.as_str())
                    .collect::<Vec<_>>(),
            )
            .field("options", &self.inner.options)
            .finish()
    }
}

impl Fleet {
    /// Start describing a fleet.
    pub fn builder() -> FleetBuilder {
        FleetBuilder::default()
    }

    /// A handle that says whether a plan was made by this fleet (its
    /// clones included), without keeping the fleet alive.
    pub(crate) fn identity(&self) -> Weak<Inner> {
        Arc::downgrade(&self.inner)
    }

    pub(crate) fn is(&self, identity: &Weak<Inner>) -> bool {
        std::ptr::eq(identity.as_ptr(), Arc::as_ptr(&self.inner))
    }

    /// The fleet's limits.
    pub fn options(&self) -> &FleetOptions {
        &self.inner.options
    }

    /// Every host's name, in the fleet's order.
    pub fn host_names(&self) -> Vec<HostName> {
        self.inner.hosts.iter().map(|h| h.name.clone()).collect()
    }

    /// A host's target and labels, if the fleet has it.
    pub fn describe(&self, name: &str) -> Option<(&str, &Labels)> {
        self.inner
            .hosts
            .iter()
            .find(|h| h.name == name)
            .map(|h| (h.target.as_str(), &h.labels))
    }

    /// One host's client, connecting if needed (within its timeout).
    pub async fn host(&self, name: &str) -> Result<FleetHost, FleetError> {
        let slot = self
            .inner
            .hosts
            .iter()
            .find(|h| h.name == name)
            .ok_or_else(|| FleetError::UnknownHost {
                name: name.to_owned(),
            })?;
        let dokku = tokio::time::timeout(slot.timeout, slot.client())
            .await
            .unwrap_or_else(|_| Err(timed_out(slot)))?;
        Ok(FleetHost {
            name: slot.name.clone(),
            target: slot.target.clone(),
            labels: slot.labels.clone(),
            dokku,
        })
    }

    /// The hosts a selection picks, in the fleet's order; naming an unknown
    /// host, or picking none, is an error (nothing is sent).
    pub fn select(&self, selector: &Selector) -> Result<Vec<HostName>, FleetError> {
        Ok(self
            .slots(selector)?
            .into_iter()
            .map(|s| s.name.clone())
            .collect())
    }

    pub(crate) fn slots(&self, selector: &Selector) -> Result<Vec<Arc<HostSlot>>, FleetError> {
        let hosts = &self.inner.hosts;
        let picked: Vec<Arc<HostSlot>> = match selector {
            Selector::All => hosts.clone(),
            Selector::Names(names) => {
                let mut picked = Vec::new();
                for name in names {
                    let slot = hosts.iter().find(|h| &h.name == name).ok_or_else(|| {
                        FleetError::UnknownHost {
                            name: name.to_string(),
                        }
                    })?;
                    if !picked.iter().any(|p: &Arc<HostSlot>| p.name == *name) {
                        picked.push(Arc::clone(slot));
                    }
                }
                picked.sort_by(|a, b| a.name.cmp(&b.name));
                picked
            }
            Selector::Labels(labels) => hosts
                .iter()
                .filter(|h| labels.matches(&h.labels))
                .cloned()
                .collect(),
        };
        if picked.is_empty() {
            return Err(FleetError::NothingSelected {
                selection: selector.to_string(),
            });
        }
        Ok(picked)
    }

    /// Run `op` on every selected host, at most
    /// [`FleetOptions::concurrency`] hosts at once, each within its own
    /// timeout; results arrive as each host finishes. A host's failure
    /// (unreachable, refused key, timed out, Dokku's error) is its result,
    /// named after it.
    ///
    /// ```no_run
    /// # async fn demo(fleet: dokku_fleet::Fleet) -> Result<(), dokku_fleet::FleetError> {
    /// use futures_util::StreamExt;
    /// let mut apps = fleet.stream(&dokku_fleet::Selector::All, |host| async move {
    ///     host.dokku().apps().list().await
    /// })?;
    /// while let Some(host) = apps.next().await {
    ///     println!("{}: {:?}", host.host, host.result.map(|a| a.len()));
    /// }
    /// # Ok(()) }
    /// ```
    pub fn stream<T, F, Fut>(&self, selector: &Selector, op: F) -> Result<HostStream<T>, FleetError>
    where
        T: Send + 'static,
        F: Fn(FleetHost) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<T, dokku_core::Error>> + Send + 'static,
    {
        let op = Arc::new(op);
        self.fan_out(selector, Deadline::Host, move |host: FleetHost| {
            let op = Arc::clone(&op);
            async move { op(host).await.map_err(HostFailure::Dokku) }
        })
    }

    /// [`Fleet::stream`], collected in the fleet's order.
    pub async fn each<T, F, Fut>(
        &self,
        selector: &Selector,
        op: F,
    ) -> Result<FleetResults<T>, FleetError>
    where
        T: Send + 'static,
        F: Fn(FleetHost) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<T, dokku_core::Error>> + Send + 'static,
    {
        Ok(self.stream(selector, op)?.collect().await)
    }

    /// The engine: one task per selected host.
    pub(crate) fn fan_out<T, F, Fut>(
        &self,
        selector: &Selector,
        deadline: Deadline,
        op: F,
    ) -> Result<HostStream<T>, FleetError>
    where
        T: Send + 'static,
        F: Fn(FleetHost) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<T, HostFailure>> + Send + 'static,
    {
        let slots = self.slots(selector)?;
        let op = Arc::new(op);
        let mut set = JoinSet::new();
        let mut hosts = HashMap::new();
        for slot in slots {
            let op = Arc::clone(&op);
            let permits = Arc::clone(&self.inner.permits);
            let (name, target) = (slot.name.clone(), slot.target.clone());
            let handle = set.spawn(async move {
                // Waiting for a turn is not the host's time.
                let _turn = permits.acquire_owned().await;
                let started = Instant::now();
                let result = run_on(&slot, deadline, op.as_ref()).await;
                HostResult {
                    host: slot.name.clone(),
                    target: slot.target.clone(),
                    result,
                    elapsed: started.elapsed(),
                }
            });
            hosts.insert(handle.id(), (name, target));
        }
        Ok(HostStream { set, hosts })
    }

    /// Close every SSH connection (waiting for the masters to exit).
    pub async fn close(&self) {
        let closing = self.inner.hosts.iter().map(|h| h.close());
        futures_util::future::join_all(closing).await;
    }
}

/// Why an operation on a connected host failed, before the host's name is
/// put on it.
#[derive(Debug)]
pub(crate) enum HostFailure {
    /// The client's error.
    Dokku(dokku_core::Error),
    /// Already a fleet error.
    Fleet(FleetError),
}

fn timed_out(slot: &HostSlot) -> FleetError {
    FleetError::TimedOut {
        host: slot.name.clone(),
        target: slot.target.clone(),
        after: slot.timeout,
    }
}

async fn run_on<T, F, Fut>(slot: &HostSlot, deadline: Deadline, op: &F) -> Result<T, FleetError>
where
    F: Fn(FleetHost) -> Fut,
    Fut: Future<Output = Result<T, HostFailure>>,
{
    let started = Instant::now();
    let dokku = tokio::time::timeout(slot.timeout, slot.client())
        .await
        .unwrap_or_else(|_| Err(timed_out(slot)))?;
    let host = FleetHost {
        name: slot.name.clone(),
        target: slot.target.clone(),
        labels: slot.labels.clone(),
        dokku,
    };
    let work = async {
        op(host).await.map_err(|failure| match failure {
            HostFailure::Dokku(e) => slot.error(e),
            HostFailure::Fleet(e) => e,
        })
    };
    match deadline {
        Deadline::ConnectOnly => work.await,
        Deadline::Host => {
            let left = slot.timeout.saturating_sub(started.elapsed());
            tokio::time::timeout(left, work)
                .await
                .unwrap_or_else(|_| Err(timed_out(slot)))
        }
    }
}

/// Describes a [`Fleet`]; finish with [`FleetBuilder::build`].
#[derive(Default)]
#[must_use = "nothing is built until .build() is called"]
pub struct FleetBuilder {
    options: FleetOptions,
    defaults: crate::registry::FleetDefaults,
    hosts: Vec<Pending>,
    audit: Option<AuditSettings>,
}

impl std::fmt::Debug for FleetBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FleetBuilder")
            .field("options", &self.options)
            .field("hosts", &self.hosts.len())
            .finish_non_exhaustive()
    }
}

struct Pending {
    name: HostName,
    target: String,
    labels: Labels,
    timeout: Option<Duration>,
    concurrency: Option<usize>,
    pin: Option<HostKeyPin>,
    connector: Connector,
}

impl FleetBuilder {
    /// Use these limits (a registry added afterwards still applies its
    /// `[fleet]` table).
    pub fn options(mut self, options: FleetOptions) -> Self {
        self.options = options;
        self
    }

    /// Hosts worked on at once.
    pub fn concurrency(mut self, hosts: usize) -> Self {
        self.options.concurrency = hosts.max(1);
        self
    }

    /// Commands in flight on one host, for hosts that do not say.
    pub fn host_concurrency(mut self, commands: usize) -> Self {
        self.options.host_concurrency = commands.max(1);
        self
    }

    /// How long a query may take on a host, for hosts that do not say.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.options.timeout = timeout;
        self
    }

    /// Where SSH control sockets and pinned-key files go.
    pub fn control_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.options.control_dir = Some(dir.into());
        self
    }

    /// Record every command of every host into this audit store, each row
    /// with the host's registry name and target.
    pub fn audit(mut self, store: HistoryStore) -> Self {
        self.audit = Some(AuditSettings {
            store,
            actor: None,
            source: Source::Api,
            policy: AuditPolicy::default(),
        });
        self
    }

    /// Who the audit trail says ran the commands (default `$USER`).
    pub fn audit_actor(mut self, actor: impl Into<String>) -> Self {
        if let Some(a) = &mut self.audit {
            a.actor = Some(actor.into());
        }
        self
    }

    /// Where the audit trail says the commands came from (default API).
    pub fn audit_source(mut self, source: Source) -> Self {
        if let Some(a) = &mut self.audit {
            a.source = source;
        }
        self
    }

    /// What to do when a record cannot be written (default: fail closed).
    pub fn audit_policy(mut self, policy: AuditPolicy) -> Self {
        if let Some(a) = &mut self.audit {
            a.policy = policy;
        }
        self
    }

    /// Every host of a registry, and its `[fleet]` defaults.
    pub fn registry(mut self, registry: &Registry) -> Self {
        let d = registry.defaults();
        if let Some(n) = d.concurrency {
            self.options.concurrency = n;
        }
        if let Some(n) = d.host_concurrency {
            self.options.host_concurrency = n;
        }
        if let Some(t) = d.timeout {
            self.options.timeout = t;
        }
        self.defaults = d.clone();
        for entry in registry.hosts() {
            self = self.host(entry.clone());
        }
        self
    }

    /// One registry host.
    pub fn host(mut self, entry: HostEntry) -> Self {
        let connector = match &entry.target {
            Target::Ssh(target) => Connector::Ssh {
                target: target.clone(),
                identity: entry
                    .identity
                    .clone()
                    .or_else(|| self.defaults.identity.clone()),
                ssh_config: entry
                    .ssh_config
                    .clone()
                    .or_else(|| self.defaults.ssh_config.clone()),
                pin: entry.host_key.clone(),
                control_dir: None,
            },
            Target::Local => Connector::Local,
            Target::Demo(version) => Connector::Executor(Arc::new(SimExecutor::new(
                dokku_sim::scenario::demo_for(*version),
            ))),
        };
        self.hosts.push(Pending {
            target: entry.target.to_string(),
            name: entry.name,
            labels: entry.labels,
            timeout: entry.timeout,
            concurrency: entry.concurrency,
            pin: entry.host_key,
            connector,
        });
        self
    }

    /// A host on any executor (a simulator, a test double, an executor
    /// built elsewhere); `target` is what results and the audit trail say
    /// it is.
    pub fn executor(
        mut self,
        name: HostName,
        target: impl Into<String>,
        labels: Labels,
        executor: impl Executor + 'static,
    ) -> Self {
        self.hosts.push(Pending {
            name,
            target: target.into(),
            labels,
            timeout: None,
            concurrency: None,
            pin: None,
            connector: Connector::Executor(Arc::new(executor)),
        });
        self
    }

    /// The fleet. Nothing connects until a host is first used.
    pub fn build(self) -> Result<Fleet, FleetError> {
        let options = self.options;
        let mut hosts: Vec<Arc<HostSlot>> = Vec::with_capacity(self.hosts.len());
        for p in self.hosts {
            if hosts.iter().any(|h| h.name == p.name) {
                return Err(FleetError::DuplicateHost { host: p.name });
            }
            let connector = match p.connector {
                Connector::Ssh {
                    target,
                    identity,
                    ssh_config,
                    pin,
                    control_dir: _,
                } => Connector::Ssh {
                    target,
                    identity,
                    ssh_config,
                    pin,
                    control_dir: options.control_dir.clone(),
                },
                other => other,
            };
            hosts.push(Arc::new(HostSlot {
                name: p.name,
                target: p.target,
                labels: p.labels,
                timeout: p.timeout.unwrap_or(options.timeout),
                concurrency: p.concurrency.unwrap_or(options.host_concurrency).max(1),
                pinned: p.pin.map(|pin| pin.fingerprint().to_string()),
                connector,
                audit: self.audit.clone(),
                state: Mutex::new(None),
            }));
        }
        hosts.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(Fleet {
            inner: Arc::new(Inner {
                permits: Arc::new(Semaphore::new(options.concurrency.max(1))),
                hosts,
                options,
            }),
        })
    }
}
