//! The SSH executor of dokku-rs: one persistent OpenSSH connection per host,
//! many commands at once over it, strict host-key checking.
//!
//! Existing Dokku tools start a new `ssh` process per command (~200 ms of
//! handshake each) or keep a hand-rolled SSH client that ignores the admin's
//! `~/.ssh/config`. [`SshExecutor`] drives the user's own OpenSSH instead, in
//! ControlMaster mode through the `openssh` crate's native mux client: the
//! config, ProxyJump, agent, certificates and known_hosts all work as on
//! the command line, authentication happens once, and every command is a new
//! channel on the open connection (a few milliseconds).
//!
//! Commands are rendered into the one line SSH carries by dokku-core's
//! `quote` module, for the remote's splitting rules ([`RemoteMode`]); what
//! cannot cross intact is refused before anything is sent. Host keys are
//! checked strictly unless [`HostKeyPolicy::AcceptNew`] is chosen; there is no
//! mode that accepts a changed key. A host can also be pinned to one key
//! ([`SshBuilder::pin_host_key`], see [`hostkey`]), which is then its only
//! known key whatever the user's known_hosts files say.
//!
//! Call [`SshExecutor::close`] when done: `Drop` cannot wait for the master
//! to exit, so it only asks it to.
#![cfg(unix)]

mod error;
pub mod hostkey;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use async_trait::async_trait;
use openssh::{KnownHosts, Session, SessionBuilder, Stdio};
use tokio::sync::{Mutex, OwnedSemaphorePermit, Semaphore};
use tracing::Instrument;

use dokku_core::exec::{pipe_stream, Feed, GitTransport, Limits};
use dokku_core::quote::{self, RemoteMode};
use dokku_core::{Command, ExecError, Executor, ExitStatus, Output, OutputStream};

pub use error::SshError;
pub use hostkey::{Fingerprint, HostKey, HostKeyPin};

/// What to do about the host's key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum HostKeyPolicy {
    /// The key must already be in known_hosts (`StrictHostKeyChecking=yes`).
    #[default]
    Strict,
    /// Record an unknown host's key on first connection; a known host whose
    /// key changed is still refused (`StrictHostKeyChecking=accept-new`).
    AcceptNew,
}

/// Default number of commands in flight on one connection. sshd's default
/// MaxSessions is 10, but it frees a slot only after the channel is fully
/// closed; at 8 concurrent channels some opens were refused when measured.
pub const DEFAULT_MAX_CONCURRENT: usize = 5;

/// How to reach a Dokku host over SSH; finish with [`SshBuilder::connect`].
#[derive(Debug, Clone)]
#[must_use = "nothing connects until .connect() is awaited"]
pub struct SshBuilder {
    destination: String,
    port: Option<u16>,
    user: Option<String>,
    identity: Option<PathBuf>,
    config_file: Option<PathBuf>,
    known_hosts: Option<PathBuf>,
    policy: HostKeyPolicy,
    connect_timeout: Duration,
    keepalive: Option<Duration>,
    mode: RemoteMode,
    max_concurrent: usize,
    control_dir: Option<PathBuf>,
    limits: Limits,
    pin: Option<HostKeyPin>,
}

impl SshBuilder {
    /// `dokku@host`, `host`, or an ssh_config alias.
    pub fn new(destination: impl Into<String>) -> Self {
        Self {
            destination: destination.into(),
            port: None,
            user: None,
            identity: None,
            config_file: None,
            known_hosts: None,
            policy: HostKeyPolicy::Strict,
            connect_timeout: Duration::from_secs(15),
            keepalive: Some(Duration::from_secs(30)),
            mode: RemoteMode::DokkuUser,
            max_concurrent: DEFAULT_MAX_CONCURRENT,
            control_dir: None,
            limits: Limits::default(),
            pin: None,
        }
    }

    /// The port (default: ssh_config's, else 22).
    pub fn port(mut self, port: u16) -> Self {
        self.port = Some(port);
        self
    }

    /// The remote user (default: the destination's, else ssh_config's).
    pub fn user(mut self, user: impl Into<String>) -> Self {
        self.user = Some(user.into());
        self
    }

    /// Authenticate with this key only (`IdentitiesOnly=yes`).
    pub fn identity_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.identity = Some(path.into());
        self
    }

    /// Read this ssh_config instead of `~/.ssh/config`.
    pub fn config_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.config_file = Some(path.into());
        self
    }

    /// Check host keys against this file instead of `~/.ssh/known_hosts`.
    pub fn known_hosts_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.known_hosts = Some(path.into());
        self
    }

    /// What to do about the host's key (default: [`HostKeyPolicy::Strict`]).
    pub fn host_key_policy(mut self, policy: HostKeyPolicy) -> Self {
        self.policy = policy;
        self
    }

    /// Give up connecting after this long (default 15 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Probe an idle connection this often (default 30 s; `None` disables).
    pub fn keepalive(mut self, interval: Option<Duration>) -> Self {
        self.keepalive = interval;
        self
    }

    /// How the remote splits our command line (default: the `dokku` user's
    /// forced command).
    pub fn remote_mode(mut self, mode: RemoteMode) -> Self {
        self.mode = mode;
        self
    }

    /// At most this many commands in flight on the connection (default 5).
    pub fn max_concurrent(mut self, n: usize) -> Self {
        self.max_concurrent = n.max(1);
        self
    }

    /// Put the control socket in this directory (default: the system's).
    pub fn control_dir(mut self, path: impl Into<PathBuf>) -> Self {
        self.control_dir = Some(path.into());
        self
    }

    /// Timeout for bounded commands (default 120 s; `None`: never).
    pub fn bounded_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.limits.bounded_timeout = timeout;
        self
    }

    /// Timeout for long-running commands (default: none).
    pub fn long_running_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.limits.long_running_timeout = timeout;
        self
    }

    /// Cap on what `run` collects (default 64 MiB).
    pub fn output_limit(mut self, bytes: usize) -> Self {
        self.limits.output_limit = bytes;
        self
    }

    /// Pin the host to one key (or the fingerprint of one key): it becomes
    /// the host's only known key, checked strictly; known_hosts files, the
    /// system-wide file, `KnownHostsCommand` and DNS are not consulted for
    /// this destination, and OpenSSH records nothing. A host presenting any
    /// other key is refused with [`SshError::HostKeyChanged`] before
    /// anything is authenticated or sent. Overrides
    /// [`SshBuilder::known_hosts_file`] and [`SshBuilder::host_key_policy`].
    /// See [`hostkey`].
    pub fn pin_host_key(mut self, pin: impl Into<HostKeyPin>) -> Self {
        self.pin = Some(pin.into());
        self
    }

    /// First contact: the key the host presents, learnt without
    /// authenticating and without recording it anywhere (OpenSSH's
    /// accept-new into a private, empty known_hosts file, every
    /// authentication method off). Show its [`HostKey::fingerprint`] to a
    /// person and pin it with [`SshBuilder::pin_host_key`] once they confirm.
    pub async fn scan_host_key(&self) -> Result<HostKey, SshError> {
        let host = hostkey::host_pattern(&self.destination)?;
        let dir = self.private_dir()?;
        let known_hosts = dir.path().join("scanned_known_hosts");
        hostkey::write_known_hosts(&known_hosts, None)?;
        let config = hostkey::write_config(
            dir.path(),
            &host,
            &known_hosts,
            self.config_file.as_deref(),
            hostkey::Purpose::Scan,
        )?;
        let mut ssh = tokio::process::Command::new("ssh");
        ssh.arg("-F")
            .arg(&config)
            .args(["-o", "BatchMode=yes", "-o"])
            .arg(format!(
                "ConnectTimeout={}",
                self.connect_timeout.as_secs().max(1)
            ))
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .kill_on_drop(true);
        if let Some(port) = self.port {
            ssh.arg("-p").arg(port.to_string());
        }
        if let Some(user) = &self.user {
            ssh.arg("-l").arg(user);
        }
        ssh.arg("--").arg(&self.destination).arg("true");
        let limit = self.connect_timeout + Duration::from_secs(5);
        let output = match tokio::time::timeout(limit, ssh.output()).await {
            Ok(Ok(output)) => output,
            Ok(Err(source)) => {
                return Err(SshError::ConnectFailed {
                    host: self.destination.clone(),
                    reason: format!("could not run ssh: {source}"),
                })
            }
            Err(_) => {
                return Err(SshError::ConnectTimeout {
                    host: self.destination.clone(),
                })
            }
        };
        if let Some(key) = hostkey::read_known_hosts(&known_hosts)? {
            return Ok(key);
        }
        let words = String::from_utf8_lossy(&output.stderr);
        Err(
            SshError::from_ssh_words(&self.destination, &words, true).unwrap_or_else(|| {
                SshError::ConnectFailed {
                    host: self.destination.clone(),
                    reason: "the host presented no key".to_owned(),
                }
            }),
        )
    }

    // A private directory (0700) for a pinned host's files, in the control
    // directory when one was chosen.
    fn private_dir(&self) -> Result<tempfile::TempDir, SshError> {
        let parent = self.control_dir.clone().unwrap_or_else(std::env::temp_dir);
        tempfile::Builder::new()
            .prefix(".dokku-ssh-pin")
            .tempdir_in(&parent)
            .map_err(|source| SshError::Io {
                what: "creating a directory for the pinned host key",
                path: parent,
                source,
            })
    }

    // The files that make a pin OpenSSH's only known key for the host. A
    // fingerprint is resolved to the key the host presents, if it matches.
    async fn prepare_pin(&self, pin: &HostKeyPin) -> Result<Pinning, SshError> {
        let host = hostkey::host_pattern(&self.destination)?;
        let key = match pin {
            HostKeyPin::Key(key) => key.clone(),
            HostKeyPin::Fingerprint(_) => {
                let presented = self.scan_host_key().await?;
                if !pin.allows(&presented) {
                    return Err(SshError::HostKeyChanged {
                        host: self.destination.clone(),
                    });
                }
                presented
            }
        };
        let dir = self.private_dir()?;
        let known_hosts = dir.path().join("known_hosts");
        hostkey::write_known_hosts(&known_hosts, Some(&key))?;
        let config = hostkey::write_config(
            dir.path(),
            &host,
            &known_hosts,
            self.config_file.as_deref(),
            hostkey::Purpose::Pinned,
        )?;
        Ok(Pinning { _dir: dir, config })
    }

    fn session_builder(&self, pinning: Option<&Pinning>) -> SessionBuilder {
        let mut b = SessionBuilder::default();
        b.known_hosts_check(match (self.policy, pinning) {
            (_, Some(_)) | (HostKeyPolicy::Strict, None) => KnownHosts::Strict,
            (HostKeyPolicy::AcceptNew, None) => KnownHosts::Add,
        });
        b.connect_timeout(self.connect_timeout);
        if let Some(interval) = self.keepalive {
            b.server_alive_interval(interval);
        }
        if let Some(port) = self.port {
            b.port(port);
        }
        if let Some(user) = &self.user {
            b.user(user.clone());
        }
        if let Some(path) = &self.identity {
            b.keyfile(path);
        }
        match pinning {
            // The generated config includes the user's and names the
            // pinned known_hosts file for this destination only.
            Some(pinning) => {
                b.config_file(&pinning.config);
            }
            None => {
                if let Some(path) = &self.config_file {
                    b.config_file(path);
                }
                if let Some(path) = &self.known_hosts {
                    b.user_known_hosts_file(path);
                }
            }
        }
        if let Some(path) = &self.control_dir {
            b.control_directory(path);
        }
        b
    }

    /// Open the connection (the host key is checked and the user
    /// authenticated now, so those errors surface here).
    pub async fn connect(self) -> Result<SshExecutor, SshError> {
        let pinning = match &self.pin {
            Some(pin) => Some(self.prepare_pin(pin).await?),
            None => None,
        };
        let session = connect(&self, pinning.as_ref()).await?;
        Ok(SshExecutor {
            inner: Arc::new(Inner {
                semaphore: Arc::new(Semaphore::new(self.max_concurrent)),
                session: Mutex::new(Some(Arc::new(session))),
                config: self,
                pinning,
            }),
        })
    }
}

async fn connect(config: &SshBuilder, pinning: Option<&Pinning>) -> Result<Session, SshError> {
    config
        .session_builder(pinning)
        .connect_mux(&config.destination)
        .await
        .map_err(|e| match SshError::from_connect(&config.destination, e) {
            // The pin is the host's only known key: any other key it
            // presents is a changed key, whatever its type.
            SshError::HostKeyUnknown { host } if pinning.is_some() => {
                SshError::HostKeyChanged { host }
            }
            other => other,
        })
}

/// A pinned host's private known_hosts and ssh_config, kept for as long as
/// the executor may reconnect.
#[derive(Debug)]
struct Pinning {
    _dir: tempfile::TempDir,
    config: PathBuf,
}

#[derive(Debug)]
struct Inner {
    config: SshBuilder,
    semaphore: Arc<Semaphore>,
    session: Mutex<Option<Arc<Session>>>,
    pinning: Option<Pinning>,
}

/// An [`Executor`] over one persistent SSH connection. Cheap to clone;
/// clones share the connection.
///
/// # Secrets on the command line
///
/// SSH carries a command as one line of text, so every argument, secret or
/// not, is in it: in Dokku's argv on the host (visible to its `ps`), and in
/// anything that logs the line. This crate never logs it (its spans carry
/// only the subcommand), but **the `openssh` crate's optional `tracing`
/// feature logs every command line at DEBUG** (`native_mux_impl/command.rs`,
/// openssh 0.11). Cargo unifies features across a build, so if any crate in
/// your dependency graph enables `openssh/tracing`, config values, passwords
/// and tokens reach your DEBUG logs. Check with
/// `cargo tree -e features -i openssh`, and keep `openssh` at DEBUG off in
/// your subscriber's filter (`openssh=info`) if it is on. Where Dokku takes
/// a secret another way the handlers use it: standard input (certificate
/// keys, `apps:destroy` confirmations, service imports) or base64
/// (`config:set --encoded`, which keeps a value intact, not hidden).
#[derive(Debug, Clone)]
pub struct SshExecutor {
    inner: Arc<Inner>,
}

/// How many times a refused channel open is retried, and the first backoff.
const OPEN_RETRIES: u32 = 5;
const OPEN_BACKOFF: Duration = Duration::from_millis(20);

impl SshExecutor {
    /// Start building an executor for `destination`.
    pub fn builder(destination: impl Into<String>) -> SshBuilder {
        SshBuilder::new(destination)
    }

    /// The destination this executor connects to.
    pub fn destination(&self) -> &str {
        &self.inner.config.destination
    }

    /// The key or fingerprint this host is pinned to, if it is.
    pub fn host_key_pin(&self) -> Option<&HostKeyPin> {
        self.inner.config.pin.as_ref()
    }

    /// Close the connection and wait for the master to exit. Commands in
    /// flight fail. Call this rather than relying on `Drop`, which can only
    /// ask the master to exit without waiting for it.
    pub async fn close(&self) -> Result<(), SshError> {
        let session = self.inner.session.lock().await.take();
        match session.map(Arc::try_unwrap) {
            Some(Ok(session)) => session
                .close()
                .await
                .map_err(|e| SshError::from_command(self.destination(), e)),
            // Still shared by a running stream: it closes when that ends.
            Some(Err(_)) | None => Ok(()),
        }
    }

    /// Whether the master connection is alive.
    pub async fn check(&self) -> bool {
        let session = self.inner.session.lock().await.clone();
        match session {
            Some(s) => s.check().await.is_ok(),
            None => false,
        }
    }

    async fn session(&self) -> Result<Arc<Session>, SshError> {
        let mut slot = self.inner.session.lock().await;
        if let Some(session) = slot.as_ref() {
            return Ok(Arc::clone(session));
        }
        let session = Arc::new(connect(&self.inner.config, self.inner.pinning.as_ref()).await?);
        *slot = Some(Arc::clone(&session));
        Ok(session)
    }

    // The master died: drop it (unless someone already replaced it) and
    // connect again, once.
    async fn reconnect(&self, dead: &Arc<Session>) -> Result<Arc<Session>, SshError> {
        let mut slot = self.inner.session.lock().await;
        if let Some(current) = slot.as_ref() {
            if !Arc::ptr_eq(current, dead) {
                return Ok(Arc::clone(current));
            }
        }
        tracing::warn!(
            destination = self.destination(),
            "ssh master is gone; reconnecting"
        );
        *slot = None;
        let session = Arc::new(connect(&self.inner.config, self.inner.pinning.as_ref()).await?);
        *slot = Some(Arc::clone(&session));
        Ok(session)
    }

    /// The words of an `ssh` that opens a channel on this executor's
    /// master connection (`-S` its control socket, `ControlMaster=no`)
    /// with the same host-key policy, identity, port, user and config as
    /// the master, in batch mode: should the socket be gone, ssh connects
    /// anew under the same rules rather than prompting (the master is
    /// checked, and replaced once if dead, just before).
    fn transport_words(&self, control_socket: &std::path::Path) -> Vec<(String, &'static str)> {
        let config = &self.inner.config;
        let mut words: Vec<(String, &'static str)> = vec![
            ("ssh".to_owned(), "the ssh program"),
            ("-S".to_owned(), "-S"),
            (path_word(control_socket), "the control socket path"),
        ];
        let mut option = |value: String, what: &'static str| {
            words.push(("-o".to_owned(), "-o"));
            words.push((value, what));
        };
        option("ControlMaster=no".to_owned(), "an option");
        option("BatchMode=yes".to_owned(), "an option");
        let strict = match (self.inner.pinning.is_some(), config.policy) {
            (true, _) | (false, HostKeyPolicy::Strict) => "yes",
            (false, HostKeyPolicy::AcceptNew) => "accept-new",
        };
        option(format!("StrictHostKeyChecking={strict}"), "an option");
        option(
            format!("ConnectTimeout={}", config.connect_timeout.as_secs().max(1)),
            "an option",
        );
        let config_file = match &self.inner.pinning {
            Some(pinning) => Some(&pinning.config),
            None => {
                if let Some(path) = &config.known_hosts {
                    option(
                        format!("UserKnownHostsFile={}", path_word(path)),
                        "the known_hosts path",
                    );
                }
                config.config_file.as_ref()
            }
        };
        if let Some(path) = &config.identity {
            option("IdentitiesOnly=yes".to_owned(), "an option");
            words.push(("-i".to_owned(), "-i"));
            words.push((path_word(path), "the identity file path"));
        }
        if let Some(path) = config_file {
            words.push(("-F".to_owned(), "-F"));
            words.push((path_word(path), "the ssh config path"));
        }
        if let Some(port) = config.port {
            words.push(("-p".to_owned(), "-p"));
            words.push((port.to_string(), "the port"));
        }
        if let Some(user) = &config.user {
            words.push(("-l".to_owned(), "-l"));
            words.push((user.clone(), "the user"));
        }
        words
    }

    fn render(&self, command: &Command) -> Result<String, SshError> {
        quote::render(&command.expose_argv(), self.inner.config.mode).map_err(SshError::Refused)
    }

    /// Open a channel and start the command: the permit bounds concurrency,
    /// a refused open is retried (nothing ran), a dead master is replaced
    /// once (and the command re-sent only if it does not mutate).
    async fn start(&self, command: &Command) -> Result<OutputStream, SshError> {
        let line = self.render(command)?;
        let permit = Arc::clone(&self.inner.semaphore)
            .acquire_owned()
            .await
            .map_err(|_| SshError::Closed)?;
        let mut permit = Some(permit);
        let mut session = self.session().await?;
        let mut reconnected = false;
        let mut attempt = 0;
        loop {
            match spawn(&session, self.destination(), &line, command, &mut permit).await {
                Ok(stream) => return Ok(stream),
                Err(SpawnError::Refused(reason)) if attempt < OPEN_RETRIES => {
                    attempt += 1;
                    tracing::debug!(%reason, attempt, "channel open refused; retrying");
                    tokio::time::sleep(OPEN_BACKOFF * 2u32.pow(attempt - 1)).await;
                }
                Err(SpawnError::Refused(reason)) => {
                    return Err(SshError::ChannelRefused {
                        host: self.destination().to_owned(),
                        reason,
                    })
                }
                Err(SpawnError::Dead(source)) if !reconnected => {
                    if session.check().await.is_ok() {
                        return Err(SshError::from_command(self.destination(), source));
                    }
                    session = self.reconnect(&session).await?;
                    reconnected = true;
                    if command.is_mutating() {
                        // The channel may have opened before the master died:
                        // whether the command ran is unknown.
                        return Err(SshError::Disconnected {
                            host: self.destination().to_owned(),
                        });
                    }
                }
                Err(SpawnError::Dead(source)) | Err(SpawnError::Other(source)) => {
                    return Err(SshError::from_command(self.destination(), source))
                }
            }
        }
    }
}

enum SpawnError {
    /// The server refused to open the channel: nothing ran.
    Refused(String),
    /// The master connection is gone.
    Dead(openssh::Error),
    /// Anything else.
    Other(openssh::Error),
}

// On success the permit moves into the stream, which holds it until the
// command ends.
async fn spawn(
    session: &Arc<Session>,
    destination: &str,
    line: &str,
    command: &Command,
    permit: &mut Option<OwnedSemaphorePermit>,
) -> Result<OutputStream, SpawnError> {
    let mut remote = Session::arc_raw_command(Arc::clone(session), line);
    remote
        .stdin(if command.has_stdin() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = remote.spawn().await.map_err(classify_spawn)?;
    // Written while the output is read, so neither side can block the
    // other; closing the pipe sends EOF to the remote command.
    let stdin = Feed::new(child.stdin().take(), command.take_stdin());
    let stdout = child.stdout().take();
    let stderr = child.stderr().take();
    let session = Arc::clone(session);
    let destination = destination.to_owned();
    let permit = permit.take();
    let wait = async move {
        // Held until the command ends: it bounds channels in flight.
        let _permit = permit;
        match child.wait().await {
            Ok(status) => Ok(ExitStatus::from(status.code())),
            // The mux protocol cannot tell a killed process from a lost
            // connection; ask the master.
            Err(openssh::Error::RemoteProcessTerminated) if session.check().await.is_ok() => {
                Ok(ExitStatus::unknown())
            }
            Err(e) => Err(SshError::from_command(&destination, e).into()),
        }
    };
    Ok(pipe_stream(stdin, stdout, stderr, wait))
}

fn classify_spawn(error: openssh::Error) -> SpawnError {
    match error {
        openssh::Error::SshMux(ref inner) => {
            let text = inner.to_string();
            if text.contains("refused the request") {
                SpawnError::Refused(text)
            } else {
                SpawnError::Other(error)
            }
        }
        openssh::Error::Disconnected | openssh::Error::Master(_) => SpawnError::Dead(error),
        other => SpawnError::Other(other),
    }
}

#[async_trait]
impl Executor for SshExecutor {
    async fn run(&self, command: &Command) -> Result<Output, ExecError> {
        // One span per command: the subcommand only, never arguments (they
        // may be secrets).
        let span = tracing::debug_span!("ssh", subcommand = command.subcommand());
        async {
            let started = Instant::now();
            // A timeout drops the stream, which closes the channel.
            let result = self
                .inner
                .config
                .limits
                .run(command, async {
                    self.start(command).await.map_err(ExecError::from)
                })
                .await;
            let elapsed_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
            match &result {
                Ok(out) => tracing::debug!(status = %out.status, elapsed_ms, "done"),
                Err(e) => tracing::debug!(error = %e, elapsed_ms, "failed"),
            }
            result
        }
        .instrument(span)
        .await
    }

    async fn stream(&self, command: &Command) -> Result<OutputStream, ExecError> {
        self.start(command).await.map_err(ExecError::from)
    }

    /// An `ssh` on this executor's open connection (see
    /// [`GitTransport`]): the push is a new channel on the master, not a
    /// new login.
    async fn git_transport(&self) -> Result<GitTransport, ExecError> {
        let mut session = self.session().await.map_err(ExecError::from)?;
        if session.check().await.is_err() {
            session = self.reconnect(&session).await.map_err(ExecError::from)?;
        }
        let words = self.transport_words(session.control_socket());
        let words: Vec<(&str, &str)> = words.iter().map(|(w, what)| (w.as_str(), *what)).collect();
        GitTransport::ssh(&words, self.destination())
    }
}

/// A path as one word. A path that is not UTF-8 cannot be written into
/// `GIT_SSH_COMMAND` intact: it becomes a NUL, which [`GitTransport::ssh`]
/// refuses as a control character, naming the path's role.
fn path_word(path: &std::path::Path) -> String {
    match path.to_str() {
        Some(text) => text.to_owned(),
        None => "\u{0}".to_owned(),
    }
}
