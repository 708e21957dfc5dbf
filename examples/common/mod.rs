//! What the CLI and the web dashboard share: which Dokku host to talk to,
//! where the audit history and the demo host's state live, and how the
//! executor is built. Both examples take the same target flags, so an admin
//! learns them once.
//!
//! Included by each example with `#[path = "../common/mod.rs"] mod common;`.

#![allow(dead_code)] // each example uses its own part

pub mod notify;
pub mod snapshot;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use dokku::{DokkuVersion, Executor};
use dokku_fleet::{Fleet, FleetBuilder, FleetError, HostKeyPin, Registry};
use dokku_history::HistoryStore;
use dokku_sim::{scenario, Latency, PersistentExecutor, StateDir};
use dokku_ssh::{HostKeyPolicy, SshExecutor};

/// `bytes` in lower-case hex, two digits each (tokens, digests).
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Write `bytes` to `path` whole or not at all: a temporary file beside
/// it (its directory created if missing), readable by this user only,
/// synced, then renamed over `path`. The dashboard's users, tokens,
/// notification settings and snapshot are all kept this way.
pub fn write_private(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = made_parent(path)?;
    let mut temp = tempfile::NamedTempFile::new_in(dir)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(temp.path(), std::fs::Permissions::from_mode(0o600))?;
    }
    std::io::Write::write_all(&mut temp, bytes)?;
    temp.as_file().sync_all()?;
    temp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// The directory `path` is in, created if missing.
fn made_parent(path: &std::path::Path) -> std::io::Result<&std::path::Path> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or_else(|| std::path::Path::new("."));
    std::fs::create_dir_all(dir)?;
    Ok(dir)
}

/// Who runs the commands, for the audit trail: the login name from the
/// environment, else what `id -un` says (cron and containers often set no
/// `$USER`).
pub fn local_user() -> String {
    let from_env = ["USER", "LOGNAME", "USERNAME"]
        .iter()
        .find_map(|v| std::env::var(v).ok().filter(|u| !u.is_empty()));
    from_env
        .or_else(|| {
            let out = std::process::Command::new("id").arg("-un").output().ok()?;
            let name = String::from_utf8_lossy(&out.stdout).trim().to_owned();
            (out.status.success() && !name.is_empty()).then_some(name)
        })
        .unwrap_or_else(|| "unknown".to_owned())
}

/// A value kept in a file that another program may change while this one
/// runs (`web user reset-password` and `web token create` beside a
/// running dashboard, or a second dashboard): before each use the file is
/// read again, and decoded only when its bytes are not the ones last read
/// or written. A change is then made to what the file holds now, never
/// written over a version it has not seen: a program changing the file
/// holds [`Synced::lock`] from its read to its write, so two programs'
/// changes are made one after the other, each to the other's result.
#[derive(Debug)]
pub struct Synced<T> {
    path: Option<std::path::PathBuf>,
    /// The file's bytes as last read or written (`None`: there was none).
    seen: Option<Vec<u8>>,
    value: T,
    /// The bytes `decode` last refused, until it takes some again.
    refused: Option<Option<Vec<u8>>>,
    /// Whether the last [`Synced::sync`] refused the bytes it had refused
    /// the time before ([`Synced::refused_again`]).
    again: bool,
}

impl<T> Synced<T> {
    /// `value`, kept in `path` (`None`: in memory only). `seen` is what
    /// the file held when `value` was read from it.
    pub fn new(path: Option<std::path::PathBuf>, seen: Option<Vec<u8>>, value: T) -> Self {
        Self {
            path,
            seen,
            value,
            refused: None,
            again: false,
        }
    }

    /// The value as last read or written.
    pub fn value(&self) -> &T {
        &self.value
    }

    /// The file it is kept in (`None`: in memory only).
    pub fn path(&self) -> Option<&std::path::Path> {
        self.path.as_deref()
    }

    /// Take the file's value if its bytes changed: `decode` reads them
    /// (`None`: the file is gone). On an error (the file cannot be read,
    /// or `decode` refuses it) the value stays as it was.
    pub fn sync<E>(
        &mut self,
        decode: impl FnOnce(Option<&[u8]>) -> Result<T, E>,
        unreadable: impl FnOnce(std::io::Error) -> E,
    ) -> Result<(), E> {
        self.again = false;
        let Some(path) = &self.path else {
            return Ok(());
        };
        let bytes = match std::fs::read(path) {
            Ok(bytes) => Some(bytes),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(unreadable(e)),
        };
        if bytes != self.seen {
            match decode(bytes.as_deref()) {
                Ok(value) => {
                    self.value = value;
                    self.seen = bytes;
                    self.refused = None;
                }
                Err(e) => {
                    self.again = self.refused.as_ref() == Some(&bytes);
                    self.refused = Some(bytes);
                    return Err(e);
                }
            }
        }
        Ok(())
    }

    /// Whether the last [`Synced::sync`] refused the very bytes it refused
    /// the time before: a spoiled file already said once (its warning is
    /// not logged on every request until it is repaired).
    pub fn refused_again(&self) -> bool {
        self.again
    }

    /// Wait for, then hold, the lock that orders changes to the file
    /// between programs (`None` in memory only): an advisory lock on
    /// `<file>.lock` beside it, since the file itself is replaced by each
    /// write. It is released when the returned file is dropped; readers
    /// need none, as every write is a rename. The error names the lock
    /// file.
    pub fn lock(&self) -> std::io::Result<Option<std::fs::File>> {
        let Some(path) = &self.path else {
            return Ok(None);
        };
        let mut options = std::fs::OpenOptions::new();
        options.create(true).truncate(false).write(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let lock = lock_path(path);
        let failed = |e: std::io::Error| {
            std::io::Error::new(e.kind(), format!("cannot lock {}: {e}", lock.display()))
        };
        made_parent(&lock).map_err(failed)?;
        let file = options.open(&lock).map_err(failed)?;
        // The examples build on dokku-sim, which needs Rust 1.89 (where
        // `File::lock` is stable), whatever the SDK's own floor is.
        #[allow(clippy::incompatible_msrv)]
        file.lock().map_err(failed)?;
        Ok(Some(file))
    }

    /// Keep `value`, written as `bytes` with [`write_private`] (in memory
    /// only: just kept; not written when the file already holds `bytes`,
    /// a change that changed nothing). Nothing changes if the write fails.
    pub fn save(&mut self, bytes: Vec<u8>, value: T) -> std::io::Result<()> {
        if let Some(path) = self
            .path
            .as_ref()
            .filter(|_| self.seen.as_ref() != Some(&bytes))
        {
            write_private(path, &bytes)?;
            self.seen = Some(bytes);
        }
        self.value = value;
        Ok(())
    }
}

/// The lock file beside `path` that orders changes to it ([`Synced::lock`]).
fn lock_path(path: &std::path::Path) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".lock");
    PathBuf::from(name)
}

/// Whether another program could take `path`'s lock ([`Synced::lock`])
/// now: for tests that a change holds it.
#[cfg(test)]
#[allow(clippy::incompatible_msrv, clippy::panic)] // File::try_lock: see Synced::lock
pub fn lock_is_free(path: &std::path::Path) -> bool {
    let lock = lock_path(path);
    let file = std::fs::File::open(&lock)
        .unwrap_or_else(|e| panic!("cannot open {}: {e}", lock.display()));
    match file.try_lock() {
        Ok(()) => true,
        Err(std::fs::TryLockError::WouldBlock) => false,
        Err(e) => panic!("cannot try {}: {e:?}", lock.display()),
    }
}

/// Where the time comes from: `Instant::now` in the programs, a
/// hand-moved clock in tests (expiry, rate limits and ages never wait on
/// real time there).
#[derive(Clone)]
pub struct Clock(Arc<dyn Fn() -> Instant + Send + Sync>);

impl Clock {
    /// The system's monotonic clock.
    pub fn system() -> Self {
        Self(Arc::new(Instant::now))
    }

    /// A clock that reads `now`.
    pub fn from_fn(now: impl Fn() -> Instant + Send + Sync + 'static) -> Self {
        Self(Arc::new(now))
    }

    /// The time now.
    pub fn now(&self) -> Instant {
        (self.0)()
    }
}

impl std::fmt::Debug for Clock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Clock")
    }
}

/// The raw target flags, as clap parses them.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct TargetArgs {
    /// Use the built-in simulated Dokku host (state kept in --demo-state).
    #[arg(long, global = true, conflicts_with_all = ["local", "host"])]
    pub demo: bool,
    /// Run the `dokku` program on this machine.
    #[arg(long, global = true, conflicts_with = "host")]
    pub local: bool,
    /// A host of the registry by name (its target, identity and pinned
    /// key), else `dokku@host[:port]` or an ssh_config alias (default:
    /// $DOKKU_HOST).
    // Only what the command line says: $DOKKU_HOST is read by
    // `TargetArgs::target`, so that it neither conflicts with an explicit
    // `--demo` or `--local` nor passes for an explicit `--host`.
    #[arg(long, global = true, value_name = "HOST")]
    pub host: Option<String>,
    /// The host registry (default: dokku-rs/hosts.toml in the config
    /// directory, $XDG_CONFIG_HOME or ~/.config).
    #[arg(long, global = true, env = "DOKKU_HOSTS_FILE", value_name = "FILE")]
    pub hosts_file: Option<PathBuf>,
    /// The demo host's state directory.
    #[arg(long, global = true, env = "DOKKU_DEMO_STATE", value_name = "DIR")]
    pub demo_state: Option<PathBuf>,
    /// The audit history database.
    #[arg(long, global = true, env = "DOKKU_HISTORY_DB", value_name = "PATH")]
    pub history_db: Option<PathBuf>,
    /// Keep the audit history on a shared PostgreSQL server instead
    /// (`postgres://user@host/db`); prefer the environment variable, which
    /// keeps a password out of `ps`.
    #[arg(
        long = "history",
        global = true,
        env = "DOKKU_HISTORY_URL",
        value_name = "URL"
    )]
    pub history_url: Option<String>,
    /// The SSH private key for --host (default: ssh's own choice).
    #[arg(long, global = true, env = "DOKKU_SSH_KEY", value_name = "FILE")]
    pub ssh_key: Option<PathBuf>,
    /// The known_hosts file for --host (default: ssh's own). Host keys are
    /// always checked strictly.
    #[arg(long, global = true, env = "DOKKU_KNOWN_HOSTS", value_name = "FILE")]
    pub known_hosts: Option<PathBuf>,
}

/// A validated target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// The simulated host kept in this directory.
    Demo {
        /// The state directory.
        state: PathBuf,
        /// The Dokku version it imitates (a registry's `demo = "0.35.20"`;
        /// else the current one).
        version: Option<DokkuVersion>,
    },
    /// `dokku` on this machine (`DOKKU_BIN` names another program).
    Local {
        /// The program.
        program: String,
    },
    /// A host over SSH.
    Ssh {
        /// `user@host` or an alias, without the port.
        destination: String,
        /// The port, when given as `host:port`.
        port: Option<u16>,
        /// `--ssh-key`.
        identity: Option<PathBuf>,
        /// `--known-hosts`.
        known_hosts: Option<PathBuf>,
        /// The registry's name for the host, when `--host` named one.
        registered: Option<String>,
        /// The host's only known key, from the registry (known_hosts is
        /// then not read).
        pin: Option<HostKeyPin>,
        /// An ssh_config to read instead of `~/.ssh/config`.
        ssh_config: Option<PathBuf>,
    },
}

impl Target {
    /// A short name for the host, for history records and page titles.
    pub fn host_label(&self) -> String {
        match self {
            Target::Demo { .. } => "demo".to_owned(),
            Target::Local { .. } => "local".to_owned(),
            Target::Ssh {
                registered: Some(name),
                ..
            } => name.clone(),
            Target::Ssh { .. } => self.ssh_target(),
        }
    }

    /// Where an SSH target is reached (`dokku@host:2222`); the label
    /// otherwise.
    pub fn ssh_target(&self) -> String {
        match self {
            Target::Ssh {
                destination, port, ..
            } => match port {
                Some(port) => format!("{destination}:{port}"),
                None => destination.clone(),
            },
            other => other.host_label(),
        }
    }
}

/// The flags do not name a usable target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsageError(pub String);

impl std::fmt::Display for UsageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UsageError {}

impl TargetArgs {
    /// Validate the flags into a target. `--demo` and `--local` win over
    /// `DOKKU_HOST` from the environment; with none of them, there is no
    /// target and the user is told how to pick one.
    pub fn target(&self) -> Result<Target, UsageError> {
        if self.demo {
            let state = match &self.demo_state {
                Some(dir) => dir.clone(),
                None => data_dir()?.join("demo"),
            };
            return Ok(Target::Demo {
                state,
                version: None,
            });
        }
        if self.local {
            let program = std::env::var("DOKKU_BIN").unwrap_or_else(|_| "dokku".to_owned());
            return Ok(Target::Local { program });
        }
        let from_env = || std::env::var("DOKKU_HOST").ok().filter(|h| !h.is_empty());
        match &self.host.clone().or_else(from_env) {
            Some(host) => {
                if let Some(target) = self.registered(host)? {
                    return Ok(target);
                }
                let (destination, port) = parse_host(host)?;
                Ok(Target::Ssh {
                    destination,
                    port,
                    identity: self.ssh_key.clone(),
                    known_hosts: self.known_hosts.clone(),
                    registered: None,
                    pin: None,
                    ssh_config: None,
                })
            }
            None => Err(UsageError(
                "no Dokku host: pass --host dokku@HOST (or set DOKKU_HOST), --local, or --demo"
                    .to_owned(),
            )),
        }
    }

    /// Where the host registry is: `--hosts-file` (or `DOKKU_HOSTS_FILE`),
    /// else dokku-fleet's usual place.
    pub fn registry_path(&self) -> Result<PathBuf, UsageError> {
        match &self.hosts_file {
            Some(path) => Ok(path.clone()),
            None => Registry::default_path().map_err(|e| UsageError(e.to_string())),
        }
    }

    /// The host registry; an empty one when its file does not exist yet.
    pub fn registry(&self) -> Result<Registry, UsageError> {
        Registry::load_or_empty(self.registry_path()?).map_err(|e| UsageError(e.to_string()))
    }

    /// `--host NAME` as the registry describes it: a bare word (no `@`, no
    /// port) that the registry names. Anything else, or a name the
    /// registry lacks, is an SSH target as before.
    fn registered(&self, host: &str) -> Result<Option<Target>, UsageError> {
        if host.contains(['@', ':']) || dokku_fleet::HostName::new(host).is_err() {
            return Ok(None);
        }
        // No configuration directory: no registry, an alias as before.
        let path = match &self.hosts_file {
            Some(path) => path.clone(),
            None => match Registry::default_path() {
                Ok(path) => path,
                Err(_) => return Ok(None),
            },
        };
        let registry = Registry::load_or_empty(&path).map_err(|e| UsageError(e.to_string()))?;
        let Some(entry) = registry.get(host) else {
            return Ok(None);
        };
        Ok(Some(match &entry.target {
            dokku_fleet::Target::Ssh(ssh) => {
                let destination = match ssh.user() {
                    Some(user) => format!("{user}@{}", ssh.host()),
                    None => ssh.host().to_owned(),
                };
                let defaults = registry.defaults();
                Target::Ssh {
                    destination,
                    port: ssh.port(),
                    identity: entry
                        .identity
                        .clone()
                        .or_else(|| defaults.identity.clone())
                        .or_else(|| self.ssh_key.clone()),
                    known_hosts: None,
                    registered: Some(entry.name.to_string()),
                    pin: entry.host_key.clone(),
                    ssh_config: entry
                        .ssh_config
                        .clone()
                        .or_else(|| defaults.ssh_config.clone()),
                }
            }
            dokku_fleet::Target::Local => Target::Local {
                program: std::env::var("DOKKU_BIN").unwrap_or_else(|_| "dokku".to_owned()),
            },
            dokku_fleet::Target::Demo(version) => Target::Demo {
                state: match &self.demo_state {
                    Some(dir) => dir.clone(),
                    None => data_dir()?.join(format!("demo-{}", entry.name)),
                },
                version: Some(*version),
            },
            other => {
                return Err(UsageError(format!(
                    "--host {host}: the registry's target {other} is not supported here"
                )))
            }
        }))
    }

    /// The fleet the flags name: with `--demo` the demo fleet (three
    /// simulated hosts, in memory), else every host of the registry.
    /// Nothing connects until a host is used.
    pub fn fleet_builder(&self) -> Result<FleetBuilder, UsageError> {
        if let Some(host) = &self.host {
            return Err(UsageError(format!(
                "--host {host} names one host, but a fleet is the registry's hosts: \
                 select them by name or label instead (`cli hosts list` shows them)"
            )));
        }
        if self.demo {
            return Ok(dokku_fleet::demo::add_hosts_to(
                Fleet::builder(),
                demo_fleet(),
                Latency::None,
            ));
        }
        Ok(Fleet::builder().registry(&self.registry()?))
    }

    /// The local history file: `--history-db`, else the platform data
    /// directory's `history.sqlite3` (what `history migrate` copies, and
    /// where the CLI keeps its capabilities cache, whichever history
    /// records).
    pub fn history_file(&self) -> Result<PathBuf, UsageError> {
        match &self.history_db {
            Some(path) => Ok(path.clone()),
            None => Ok(data_dir()?.join("history.sqlite3")),
        }
    }
}

/// `dokku@host`, `dokku@host:2222`, `host`, or an ssh_config alias, split
/// into destination and port. Without a user, `dokku` is used, as Dokku's
/// own client does.
pub fn parse_host(raw: &str) -> Result<(String, Option<u16>), UsageError> {
    let bad = |why: &str| UsageError(format!("--host {raw:?}: {why}"));
    if raw.is_empty() || raw.starts_with('-') || raw.chars().any(char::is_whitespace) {
        return Err(bad("expected dokku@HOST[:PORT] or an ssh_config alias"));
    }
    let (destination, port) = match raw.rsplit_once(':') {
        // `[::1]:22` and bare IPv6 addresses keep their colons.
        Some((dest, port)) if !dest.contains(':') || dest.ends_with(']') => {
            let port: u16 = port
                .parse()
                .map_err(|_| bad("the port must be a number from 1 to 65535"))?;
            if port == 0 {
                return Err(bad("the port must be a number from 1 to 65535"));
            }
            (dest.to_owned(), Some(port))
        }
        _ => (raw.to_owned(), None),
    };
    if destination.is_empty() || destination.ends_with('@') {
        return Err(bad("the host name is missing"));
    }
    Ok((destination, port))
}

/// The platform data directory for dokku-rs (`~/.local/share/dokku-rs` on
/// Linux).
pub fn data_dir() -> Result<PathBuf, UsageError> {
    directories::ProjectDirs::from("rs", "dokku-rs", "dokku-rs")
        .map(|dirs| dirs.data_dir().to_path_buf())
        .ok_or_else(|| {
            UsageError(
                "no home directory to keep data in: pass --history-db and --demo-state".to_owned(),
            )
        })
}

/// Why the executor could not be built.
#[derive(Debug)]
pub enum ConnectError {
    /// The demo state directory could not be opened.
    Demo(dokku_sim::Error),
    /// The SSH connection failed (unreachable, auth, host key …).
    Ssh(dokku_ssh::SshError),
    /// A registered host (`--host NAME`) was refused or failed, named.
    Registered {
        /// Its registry name.
        name: String,
        /// Why (boxed: it is large).
        error: Box<FleetError>,
    },
}

impl std::fmt::Display for ConnectError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ConnectError::Demo(e) => write!(f, "opening the demo host: {e}"),
            ConnectError::Ssh(e) => write!(f, "{e}"),
            ConnectError::Registered { error, .. } => write!(f, "{error}"),
        }
    }
}

impl std::error::Error for ConnectError {}

/// Whether demo hosts keep the simulator's fixed clock
/// (`DOKKU_SIM_CLOCK=fixed`: the same times on every run, for tests) rather
/// than this machine's, the default: a person's demo shows today's dates
/// and builds that run for real seconds.
fn fixed_demo_clock() -> bool {
    std::env::var("DOKKU_SIM_CLOCK").is_ok_and(|clock| clock == "fixed")
}

/// The demo host of `version` (current Dokku without one), as a state
/// directory starts, on the clock above.
pub fn demo_host(version: Option<DokkuVersion>) -> dokku_sim::SimHost {
    let version = version.unwrap_or(dokku_sim::host::profiles::V0_38_27);
    match fixed_demo_clock() {
        true => scenario::demo_for(version),
        false => scenario::live_demo_for(version),
    }
}

/// The demo fleet's hosts, on the clock above.
pub fn demo_fleet() -> Vec<dokku_fleet::demo::DemoHost> {
    match fixed_demo_clock() {
        true => dokku_fleet::demo::hosts(),
        false => dokku_fleet::demo::live_hosts(),
    }
}

/// How a demo host's followed logs tick: `DOKKU_SIM_FOLLOW_MS`, else 1 s.
fn follow_interval() -> Duration {
    std::env::var("DOKKU_SIM_FOLLOW_MS")
        .ok()
        .and_then(|ms| ms.parse().ok())
        .map_or(Duration::from_secs(1), Duration::from_millis)
}

/// How a demo host paces a deploy's output: `DOKKU_SIM_DEPLOY_LINE_MS`
/// after each line, else 50 ms (a build of twenty lines takes a second,
/// long enough to watch it and to interrupt it; `0` prints at once).
fn deploy_pacing() -> Duration {
    std::env::var("DOKKU_SIM_DEPLOY_LINE_MS")
        .ok()
        .and_then(|ms| ms.parse().ok())
        .map_or(Duration::from_millis(50), Duration::from_millis)
}

/// A demo host kept in `state`: its logs followed and its deploys paced
/// as above (the single demo host's, and each host of the web's demo
/// fleet).
pub fn demo_executor(state: StateDir) -> PersistentExecutor {
    PersistentExecutor::new(state)
        .with_follow_interval(follow_interval())
        .with_deploy_pacing(deploy_pacing())
}

/// Build the executor for a target. SSH connects here (strict host keys,
/// one master connection for every command that follows).
pub async fn connect(target: &Target) -> Result<Arc<dyn Executor>, ConnectError> {
    match target {
        Target::Demo { state, version } => {
            let version = *version;
            let initial = move || demo_host(version);
            let state = StateDir::open(state, initial).map_err(ConnectError::Demo)?;
            Ok(Arc::new(demo_executor(state)))
        }
        Target::Local { program } => Ok(Arc::new(dokku::LocalExecutor::new().program(program))),
        Target::Ssh {
            destination,
            port,
            identity,
            known_hosts,
            registered,
            pin,
            ssh_config,
        } => {
            let mut builder =
                SshExecutor::builder(destination.clone()).host_key_policy(HostKeyPolicy::Strict);
            if let Some(name) = registered {
                // A registered host connects to its pinned key only, and
                // not at all before it has one.
                let Some(pin) = pin else {
                    return Err(ConnectError::Registered {
                        name: name.clone(),
                        error: Box::new(not_pinned(name, target)),
                    });
                };
                builder = builder.pin_host_key(pin.clone());
            } else if !destination.contains('@') {
                builder = builder.user("dokku");
            }
            if let Some(file) = ssh_config {
                builder = builder.config_file(file);
            }
            if let Some(port) = port {
                builder = builder.port(*port);
            }
            if let Some(file) = known_hosts {
                builder = builder.known_hosts_file(file);
            }
            if let Some(file) = identity {
                builder = builder.identity_file(file);
            }
            let ssh = builder.connect().await.map_err(|e| match registered {
                Some(name) => registered_refusal(name, target, pin.as_ref(), e),
                None => ConnectError::Ssh(e),
            })?;
            Ok(Arc::new(ssh))
        }
    }
}

fn not_pinned(name: &str, target: &Target) -> FleetError {
    match dokku_fleet::HostName::new(name) {
        Ok(host) => FleetError::NotPinned {
            host,
            target: target.ssh_target(),
        },
        Err(e) => e,
    }
}

/// A registered host's SSH failure in the fleet's words: a changed key is
/// refused naming the host and its pinned fingerprint.
fn registered_refusal(
    name: &str,
    target: &Target,
    pin: Option<&HostKeyPin>,
    error: dokku_ssh::SshError,
) -> ConnectError {
    match (dokku_fleet::HostName::new(name), &error) {
        (
            Ok(host),
            dokku_ssh::SshError::HostKeyChanged { .. } | dokku_ssh::SshError::HostKeyUnknown { .. },
        ) => ConnectError::Registered {
            name: name.to_owned(),
            error: Box::new(FleetError::HostKeyRefused {
                host,
                target: target.ssh_target(),
                pinned: pin.map_or_else(|| "(none)".to_owned(), |p| p.fingerprint().to_string()),
            }),
        },
        _ => ConnectError::Ssh(error),
    }
}

/// Open the history the flags name: `--history postgres://…` (or
/// `DOKKU_HISTORY_URL`), else the `--history-db` file.
pub async fn open_history_for(
    args: &TargetArgs,
) -> Result<HistoryStore, dokku_history::HistoryError> {
    match &args.history_url {
        Some(url) if dokku_history::is_postgres_url(url) => HistoryStore::connect(url).await,
        Some(_) => Err(dokku_history::HistoryError::Location(
            "--history takes a postgres:// URL; a file goes in --history-db".to_owned(),
        )),
        None => {
            let path = args
                .history_file()
                .map_err(|e| dokku_history::HistoryError::Location(e.0))?;
            open_history(&path)
        }
    }
}

/// Open the history database, creating its directory.
pub fn open_history(path: &std::path::Path) -> Result<HistoryStore, dokku_history::HistoryError> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        // A failure here resurfaces, with the path, when the store opens.
        let _ = std::fs::create_dir_all(parent);
    }
    HistoryStore::open(path)
}

/// How often a followed build is checked for its end
/// ([`dokku::api::builds::Builds::follow`]): the CLI's and the dashboard's.
pub const BUILD_CHECK_EVERY: Duration = Duration::from_secs(2);

/// The times to ask whether a followed build still runs: every
/// [`BUILD_CHECK_EVERY`], by tokio's clock (which a test may pause).
pub fn build_checks() -> impl futures_util::Stream<Item = ()> + Send + 'static {
    futures_util::stream::unfold((), |()| async {
        tokio::time::sleep(BUILD_CHECK_EVERY).await;
        Some(((), ()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_parse_with_and_without_ports() {
        assert_eq!(
            parse_host("dokku@example.com:2222"),
            Ok(("dokku@example.com".to_owned(), Some(2222)))
        );
        assert_eq!(parse_host("prod"), Ok(("prod".to_owned(), None)));
        assert!(parse_host("dokku@host:0").is_err());
        assert!(parse_host("dokku@host:http").is_err());
        assert!(parse_host("-oProxyCommand=x").is_err());
        assert!(parse_host("dokku@").is_err());
    }

    #[test]
    fn a_spoiled_file_is_refused_each_time_and_said_to_be_the_same_refusal() {
        #![allow(clippy::unwrap_used)]
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("kept.json");
        let decode = |bytes: Option<&[u8]>| -> Result<u32, String> {
            let text = std::str::from_utf8(bytes.unwrap_or(b"0")).map_err(|e| e.to_string())?;
            text.trim()
                .parse()
                .map_err(|_| format!("not a number: {text:?}"))
        };
        let mut kept = Synced::new(Some(file.clone()), None, 0);
        let sync = |kept: &mut Synced<u32>| kept.sync(decode, |e| e.to_string());
        std::fs::write(&file, "7").unwrap();
        assert!(sync(&mut kept).is_ok() && *kept.value() == 7);
        // Spoiled: refused, the value kept; the same bytes again are the
        // same refusal (said once), other spoiled bytes a new one.
        std::fs::write(&file, "seven").unwrap();
        assert!(sync(&mut kept).is_err() && !kept.refused_again());
        assert!(sync(&mut kept).is_err() && kept.refused_again());
        assert_eq!(*kept.value(), 7);
        std::fs::write(&file, "eight").unwrap();
        assert!(sync(&mut kept).is_err() && !kept.refused_again());
        // Repaired, then spoiled as before: said again.
        std::fs::write(&file, "8").unwrap();
        assert!(sync(&mut kept).is_ok() && *kept.value() == 8);
        std::fs::write(&file, "eight").unwrap();
        assert!(sync(&mut kept).is_err() && !kept.refused_again());
    }
}
