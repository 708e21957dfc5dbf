//! The `Dokku` client: one executor, the host's capabilities, and a handler
//! per Dokku plugin.
//!
//! The client is a thin executor of typed commands. What it adds over the raw
//! [`Executor`] is knowledge of the host: on first need it asks `version` and
//! `plugin:list` once, caches the answer, and uses it to pick JSON or text
//! output and to refuse commands the host cannot run before sending them.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use futures_util::lock::Mutex;

use crate::api::{
    apps::Apps, config::Config, domains::Domains, logs::Logs, plugin::Plugins, ps::Ps,
};
use crate::api::{certs::Certs, letsencrypt::Letsencrypt, ports::Ports, proxy::Proxy};
use crate::command::{Command, Requirement};
use crate::error::{Error, Result};
use crate::exec::{Executor, Output, OutputStream};
use crate::model::plugin::PluginInfo;
use crate::model::service::ServicePlugin;
use crate::parse;
use crate::version::DokkuVersion;

/// What the connected host has: its Dokku version and installed plugins.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Capabilities {
    /// The Dokku version.
    pub version: DokkuVersion,
    /// Installed plugins, as `plugin:list` reports them.
    pub plugins: Vec<PluginInfo>,
}

impl Capabilities {
    /// Capabilities for a host of this version with no plugin information.
    /// Useful when the version is known and probing is unwanted; commands
    /// that require a plugin are then refused as unsupported, so list the
    /// plugins in [`Capabilities::plugins`] if you need them.
    pub fn for_version(version: DokkuVersion) -> Self {
        Self {
            version,
            plugins: Vec::new(),
        }
    }

    /// The installed, enabled plugin of this name.
    pub fn plugin(&self, name: &str) -> Option<&PluginInfo> {
        self.plugins
            .iter()
            .find(|p| p.name.as_str() == name && p.enabled)
    }

    /// The datastore plugins this crate knows that are installed and
    /// enabled here, in [`ServicePlugin::known`]'s order.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// for plugin in dokku.capabilities().await?.service_plugins() {
    ///     println!("{plugin}: {:?}", dokku.service(plugin.clone()).list().await?);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn service_plugins(&self) -> Vec<ServicePlugin> {
        ServicePlugin::known()
            .into_iter()
            .filter(|p| self.plugin(p.name()).is_some())
            .collect()
    }

    /// Whether the host meets a requirement.
    pub fn meets(&self, requirement: &Requirement) -> bool {
        match requirement {
            Requirement::Version(v) => self.version >= *v,
            Requirement::Plugin(p) => self.plugin(p.as_str()).is_some(),
        }
    }

    /// Whether bash-implemented `:report` commands accept `--format json`
    /// (Dokku 0.38.0). Go-implemented ones have it since 0.23.
    pub fn json_reports(&self) -> bool {
        self.version >= versions::JSON_REPORTS
    }
}

/// Dokku versions at which behaviour this crate depends on appeared.
pub mod versions {
    use crate::version::DokkuVersion;

    /// `--format json` on the Go-implemented `:report` commands (apps, ps, config …).
    pub const JSON_REPORTS_GO: DokkuVersion = DokkuVersion::new(0, 23, 0);
    /// `--format json` on every `:report` command, including bash ones.
    pub const JSON_REPORTS: DokkuVersion = DokkuVersion::new(0, 38, 0);
    /// `apps:list --format json`. (Dokku's PRs #8795, #8796 and #8801 landed
    /// together and first shipped in 0.38.22; a host between 0.38.12 and
    /// 0.38.21 rejects `--format` with exit 2, so the later bound is the safe one.)
    pub const APPS_LIST_JSON: DokkuVersion = DokkuVersion::new(0, 38, 22);
    /// `ps:scale --format json`.
    pub const PS_SCALE_JSON: DokkuVersion = DokkuVersion::new(0, 38, 22);
    /// `plugin:list --format json`.
    pub const PLUGIN_LIST_JSON: DokkuVersion = DokkuVersion::new(0, 38, 22);
    /// `--global` on every `:report` command.
    pub const GLOBAL_REPORTS: DokkuVersion = DokkuVersion::new(0, 38, 0);
    /// The `ports` plugin (`ports:*`), which replaced `proxy:ports*`
    /// (docs/networking/port-management.md: "New as of 0.31.0").
    pub const PORTS_PLUGIN: DokkuVersion = DokkuVersion::new(0, 31, 0);
    /// `config:import`, which reads variables from a file or stdin (commit
    /// `e134c314e`, first tagged v0.37.0).
    pub const CONFIG_IMPORT: DokkuVersion = DokkuVersion::new(0, 37, 0);
    /// The config plugin's godotenv went from v1.2.0 to v1.5.1 (commit
    /// `81d42b287`, first tagged v0.37.8): from here on a value ending in
    /// `\` or `"` or a non-canonical integer is stored corrupted (see
    /// [`crate::model::config`]).
    pub const GODOTENV_1_5: DokkuVersion = DokkuVersion::new(0, 37, 8);
}

/// A Dokku host, reached through some [`Executor`].
///
/// Cheap to clone: clones share the executor and the capability cache.
///
/// ```no_run
/// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
/// use dokku_core::{AppName, Dokku, LocalExecutor};
///
/// let dokku = Dokku::new(LocalExecutor::new());
/// for app in dokku.apps().list().await? {
///     println!("{app}");
/// }
/// let report = dokku.ps().report(&AppName::new("node-js-app")?).await?;
/// println!("{} containers", report.containers.len());
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Dokku {
    executor: Arc<dyn Executor>,
    capabilities: Arc<Mutex<Option<Arc<Capabilities>>>>,
    datastores: Arc<std::sync::Mutex<BTreeMap<String, Generation>>>,
}

/// Which generation of a datastore plugin (dokku-postgres and its
/// siblings) a host runs, as detected from what the plugin answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Generation {
    /// The bash plugins: text only (`--format` is ignored or refused).
    Bash,
    /// The Go `dokku-datastore` rewrite: `--format json` on `info` and `list`.
    Datastore,
}

impl fmt::Debug for Dokku {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Dokku")
            .field("executor", &self.executor)
            .finish_non_exhaustive()
    }
}

impl Dokku {
    /// A client on this executor. Nothing is sent until the first call.
    pub fn new(executor: impl Executor + 'static) -> Self {
        Self::from_arc(Arc::new(executor))
    }

    /// A client on a shared executor.
    pub fn from_arc(executor: Arc<dyn Executor>) -> Self {
        Self {
            executor,
            capabilities: Arc::new(Mutex::new(None)),
            datastores: Arc::default(),
        }
    }

    /// Use these capabilities instead of probing the host.
    pub fn with_capabilities(self, capabilities: Capabilities) -> Self {
        Self {
            executor: self.executor,
            capabilities: Arc::new(Mutex::new(Some(Arc::new(capabilities)))),
            datastores: self.datastores,
        }
    }

    /// The executor this client runs commands on.
    pub fn executor(&self) -> &Arc<dyn Executor> {
        &self.executor
    }

    /// The host's capabilities, probed on first call (`version`, then
    /// `plugin:list`) and cached. Concurrent first calls probe once.
    pub async fn capabilities(&self) -> Result<Arc<Capabilities>> {
        let mut slot = self.capabilities.lock().await;
        if let Some(caps) = slot.as_ref() {
            return Ok(Arc::clone(caps));
        }
        let version = self.version().await?;
        let probe = Capabilities::for_version(version);
        let plugins = self.plugins_with(&probe).await?;
        let caps = Arc::new(Capabilities { version, plugins });
        *slot = Some(Arc::clone(&caps));
        Ok(caps)
    }

    /// The capabilities if they were already probed (or given with
    /// [`Dokku::with_capabilities`]), without probing. A program that runs
    /// once per command (a CLI) can keep them between runs this way and
    /// hand them back with [`Dokku::with_capabilities`], saving the two
    /// probe round trips (each a Dokku start-up) on the next run.
    pub async fn cached_capabilities(&self) -> Option<Arc<Capabilities>> {
        self.capabilities.lock().await.clone()
    }

    /// Forget the cached capabilities (after installing a plugin or upgrading
    /// Dokku); the next call probes again.
    pub async fn refresh_capabilities(&self) {
        *self.capabilities.lock().await = None;
        self.datastores().clear();
    }

    fn datastores(&self) -> std::sync::MutexGuard<'_, BTreeMap<String, Generation>> {
        // A panic elsewhere cannot leave this map half-written.
        self.datastores
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The generation detected for a datastore plugin on this host, if one
    /// was detected yet (see [`Services`](crate::api::service::Services)).
    pub fn datastore_generation(&self, plugin: &str) -> Option<Generation> {
        self.datastores().get(plugin).copied()
    }

    pub(crate) fn remember_datastore(&self, plugin: &str, generation: Generation) {
        self.datastores().insert(plugin.to_owned(), generation);
    }

    /// `dokku version`: the host's Dokku version. Not cached; see
    /// [`Dokku::capabilities`].
    pub async fn version(&self) -> Result<DokkuVersion> {
        let command = Command::read("version");
        let output = self.execute_unchecked(&command).await?;
        parse::expect_success(&command, output)
            .and_then(|out| parse::context(&command, parse::version::version(&out.stdout_lossy())))
    }

    /// Handler for `apps:*`.
    pub fn apps(&self) -> Apps<'_> {
        Apps { dokku: self }
    }

    /// Handler for `ps:*`.
    pub fn ps(&self) -> Ps<'_> {
        Ps { dokku: self }
    }

    /// Handler for `config:*`.
    pub fn config(&self) -> Config<'_> {
        Config { dokku: self }
    }

    /// Handler for `domains:*`.
    pub fn domains(&self) -> Domains<'_> {
        Domains { dokku: self }
    }

    /// Handler for `logs` and `logs:*`.
    pub fn logs(&self) -> Logs<'_> {
        Logs { dokku: self }
    }

    /// Handler for `plugin:*`.
    pub fn plugins(&self) -> Plugins<'_> {
        Plugins { dokku: self }
    }

    /// Handler for a datastore plugin's `<plugin>:*` (postgres, redis …).
    pub fn service(
        &self,
        plugin: crate::model::service::ServicePlugin,
    ) -> crate::api::service::Services<'_> {
        crate::api::service::Services {
            dokku: self,
            plugin,
        }
    }

    /// Handler for `ports:*` (`proxy:ports*` before 0.31).
    pub fn ports(&self) -> Ports<'_> {
        Ports { dokku: self }
    }

    /// Handler for `proxy:*`.
    pub fn proxy(&self) -> Proxy<'_> {
        Proxy { dokku: self }
    }

    /// Handler for `certs:*`.
    pub fn certs(&self) -> Certs<'_> {
        Certs { dokku: self }
    }

    /// Handler for `letsencrypt:*` (the dokku-letsencrypt plugin).
    pub fn letsencrypt(&self) -> Letsencrypt<'_> {
        Letsencrypt { dokku: self }
    }

    async fn plugins_with(&self, caps: &Capabilities) -> Result<Vec<PluginInfo>> {
        let command = crate::api::plugin::list_command(caps);
        let output = self.execute_unchecked(&command).await?;
        let output = parse::expect_success(&command, output)?;
        parse::context(&command, parse::plugin::list(&output.stdout_lossy()))
    }

    /// Refuse a command the host cannot run, before sending anything.
    async fn check_requirements(&self, command: &Command) -> Result<()> {
        if command.requirements().is_empty() {
            return Ok(());
        }
        let caps = self.capabilities().await?;
        match command.requirements().iter().find(|r| !caps.meets(r)) {
            Some(missing) => Err(Error::Unsupported {
                command: command.to_string(),
                needs: missing.clone(),
                version: caps.version,
            }),
            None => Ok(()),
        }
    }

    /// Run a command after checking its requirements; the output is returned
    /// whatever the exit status.
    pub async fn execute(&self, command: &Command) -> Result<Output> {
        self.check_requirements(command).await?;
        self.execute_unchecked(command).await
    }

    /// Run a command after checking its requirements; a non-zero exit becomes
    /// a classified [`Error`].
    pub async fn run(&self, command: &Command) -> Result<Output> {
        let output = self.execute(command).await?;
        parse::expect_success(command, output)
    }

    /// Start a command and stream its output, after checking its requirements.
    pub async fn stream(&self, command: &Command) -> Result<OutputStream> {
        self.check_requirements(command).await?;
        self.executor
            .stream(command)
            .await
            .map_err(|source| Error::Transport {
                command: command.to_string(),
                source,
            })
    }

    // Reads are retried once on a transient transport error. Mutating
    // commands never are: a dropped connection says nothing about whether
    // the command took effect.
    async fn execute_unchecked(&self, command: &Command) -> Result<Output> {
        match self.executor.run(command).await {
            Ok(output) => Ok(output),
            Err(first) if !command.is_mutating() && first.is_transient() => {
                tracing::debug!(subcommand = command.subcommand(), error = %first, "retrying once");
                self.executor
                    .run(command)
                    .await
                    .map_err(|source| Error::Transport {
                        command: command.to_string(),
                        source,
                    })
            }
            Err(source) => Err(Error::Transport {
                command: command.to_string(),
                source,
            }),
        }
    }
}
