//! The seam between typed commands and the thing that runs them.
//!
//! An [`Executor`] takes a [`Command`] and returns what the process printed
//! and how it exited. A non-zero exit is data in [`Output`], not an error:
//! only the client knows what exit 20 means for `apps:report`. [`ExecError`]
//! is for transport failures only — the command could not be started,
//! finished or heard back from.
//!
//! The trait is object-safe, so `Arc<dyn Executor>` works and the `Dokku`
//! client can sit on a local process, an SSH connection, the simulator or an
//! audit decorator without knowing which.

use std::fmt;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use futures_core::Stream;
use futures_util::StreamExt;

use crate::command::Command;
use crate::quote::QuoteError;

/// How a process ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ExitStatus(Option<i32>);

impl ExitStatus {
    /// Exited with this code.
    pub const fn code(code: i32) -> Self {
        Self(Some(code))
    }

    /// Ended without an exit code (killed by a signal, or the remote did not
    /// report one).
    pub const fn unknown() -> Self {
        Self(None)
    }

    /// The exit code, if there was one.
    pub fn as_code(&self) -> Option<i32> {
        self.0
    }

    /// Exited with code 0.
    pub fn success(&self) -> bool {
        self.0 == Some(0)
    }
}

/// A process's exit code as the OS reports it (`std::process::ExitStatus::code`):
/// `None` when it ended without one.
impl From<Option<i32>> for ExitStatus {
    fn from(code: Option<i32>) -> Self {
        Self(code)
    }
}

impl fmt::Display for ExitStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(code) => write!(f, "exit {code}"),
            None => f.write_str("no exit code"),
        }
    }
}

/// Everything a finished command printed, and how it exited.
#[derive(Clone, PartialEq, Eq)]
pub struct Output {
    /// How the process ended.
    pub status: ExitStatus,
    /// Raw standard output.
    pub stdout: Vec<u8>,
    /// Raw standard error.
    pub stderr: Vec<u8>,
}

impl Output {
    /// An output from its parts.
    pub fn new(status: ExitStatus, stdout: impl Into<Vec<u8>>, stderr: impl Into<Vec<u8>>) -> Self {
        Self {
            status,
            stdout: stdout.into(),
            stderr: stderr.into(),
        }
    }

    /// Standard output as text; invalid UTF-8 replaced.
    pub fn stdout_lossy(&self) -> std::borrow::Cow<'_, str> {
        String::from_utf8_lossy(&self.stdout)
    }

    /// Standard error as text; invalid UTF-8 replaced.
    pub fn stderr_lossy(&self) -> std::borrow::Cow<'_, str> {
        String::from_utf8_lossy(&self.stderr)
    }
}

// Output can carry secrets (config:export), so Debug shows sizes only.
impl fmt::Debug for Output {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Output")
            .field("status", &self.status)
            .field("stdout_len", &self.stdout.len())
            .field("stderr_len", &self.stderr.len())
            .finish()
    }
}

/// One piece of a streamed command's output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Chunk {
    /// Bytes on standard output.
    Stdout(Vec<u8>),
    /// Bytes on standard error.
    Stderr(Vec<u8>),
    /// The process ended; always the last item of a complete stream.
    Exit(ExitStatus),
}

/// A running command's output. Dropping it ends the process.
pub type OutputStream = Pin<Box<dyn Stream<Item = Result<Chunk, ExecError>> + Send>>;

/// A transport failure: the command could not be run to completion or its
/// result could not be heard. Says nothing about Dokku's own verdict.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ExecError {
    /// The local program could not be started.
    #[error("could not start {program}: {source}")]
    Spawn {
        /// The program path.
        program: String,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// Reading from or writing to the process failed.
    #[error("i/o error talking to the process: {0}")]
    Io(#[source] std::io::Error),
    /// The connection to the host could not be established.
    #[error("could not connect to {host}: {reason}")]
    Connect {
        /// The destination.
        host: String,
        /// Why.
        reason: String,
    },
    /// Connecting took longer than the connect timeout.
    #[error("connecting to {host} timed out")]
    ConnectTimeout {
        /// The destination.
        host: String,
    },
    /// The host did not accept our credentials.
    #[error("authentication to {host} failed: {reason}")]
    Auth {
        /// The destination.
        host: String,
        /// Why.
        reason: String,
    },
    /// The host's key is not in known_hosts and the policy is strict.
    #[error(
        "the host key of {host} is not known; add it to known_hosts after checking its fingerprint"
    )]
    HostKeyUnknown {
        /// The destination.
        host: String,
    },
    /// The host's key differs from the one in known_hosts.
    #[error("the host key of {host} has CHANGED since it was recorded; refusing to connect")]
    HostKeyChanged {
        /// The destination.
        host: String,
    },
    /// The connection dropped while the command was running; whether it
    /// took effect is unknown.
    #[error("disconnected from {host} while the command was running")]
    Disconnected {
        /// The destination.
        host: String,
    },
    /// The command ran longer than its timeout and was stopped.
    #[error("timed out after {after:?}")]
    Timeout {
        /// The limit that was hit.
        after: Duration,
    },
    /// The command printed more than the executor's output limit.
    #[error("output exceeded the limit of {limit} bytes; use a stream for large output")]
    OutputTooLarge {
        /// The limit in bytes.
        limit: usize,
    },
    /// The arguments cannot be carried to the remote intact; nothing was sent.
    #[error("refused to send the command: {0}")]
    ArgvRefused(#[source] QuoteError),
    /// The command was cancelled before it finished.
    #[error("cancelled")]
    Cancelled,
    /// Reading the command's streamed standard input
    /// ([`Command::stdin_stream`]) failed. The command was stopped before
    /// its input was closed (or, when it needed all of it first, never
    /// started); what it did with the bytes it had is unknown.
    #[error("its standard input could not be read after {sent} bytes were sent: {source}")]
    Input {
        /// Bytes written to the command before the failure.
        sent: u64,
        /// Why the input could not be read.
        #[source]
        source: std::io::Error,
    },
    /// A stream ended without reporting an exit status.
    #[error("the output stream ended without an exit status")]
    Truncated,
    /// This executor cannot do what was asked (a `git push` needs an SSH
    /// connection); nothing was sent.
    #[error("{what} is not possible over this connection: {why}")]
    Unsupported {
        /// What was asked.
        what: &'static str,
        /// Why not, and what would do it.
        why: &'static str,
    },
    /// A word of the `git` transport (a path) cannot be written so that
    /// both the shell `git` runs `GIT_SSH_COMMAND` with and ssh's option
    /// parser read it back unchanged; nothing was run.
    #[error("the git transport cannot carry {what}: {reason}")]
    TransportWord {
        /// Which word (e.g. "the control socket path").
        what: String,
        /// The rule it breaks.
        reason: &'static str,
    },
    /// Anything an executor cannot say more precisely.
    #[error("{0}")]
    Other(String),
}

impl ExecError {
    /// Whether trying again might succeed: the connection or the stream
    /// broke. Host-key, authentication, refusal and timeout errors are not
    /// transient.
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            ExecError::Io(_)
                | ExecError::Connect { .. }
                | ExecError::ConnectTimeout { .. }
                | ExecError::Disconnected { .. }
                | ExecError::Truncated
        )
    }

    /// Whether the command certainly did not run, so even a mutating command
    /// could be sent again safely.
    pub fn nothing_ran(&self) -> bool {
        matches!(
            self,
            ExecError::Spawn { .. }
                | ExecError::Connect { .. }
                | ExecError::ConnectTimeout { .. }
                | ExecError::Auth { .. }
                | ExecError::HostKeyUnknown { .. }
                | ExecError::HostKeyChanged { .. }
                | ExecError::ArgvRefused(_)
                | ExecError::Unsupported { .. }
                | ExecError::TransportWord { .. }
        )
    }
}

/// How the user's own `git` reaches a host over an executor's already-open
/// connection, for a `git push` that costs no new SSH handshake
/// ([`Executor::git_transport`]).
///
/// It is two things: the value of `GIT_SSH_COMMAND` (an ssh command line
/// whose options name the open connection's control socket), and the
/// destination the remote URL names (`dokku@host`, as in
/// `git push dokku@host:APP`).
///
/// # How the words are written
///
/// `git` runs `GIT_SSH_COMMAND` through `sh -c` (it is documented to be
/// "interpreted by the shell"), so each word is single-quoted here. A word
/// that is an option value (`-o UserKnownHostsFile=PATH`, `-S PATH`, `-i
/// PATH`, `-F PATH`) is then read by ssh's own parser, which splits some
/// values on whitespace, honours quotes and backslashes, and expands `%`
/// tokens, `${VAR}` and a leading `~`. Rather than escape for each of
/// those rules, a word that contains any of them (whitespace, `"`, `'`,
/// `\`, `%`, `$`, a control character, or a leading `~`) is refused with
/// [`ExecError::TransportWord`] before anything runs. Temporary and home
/// directories on the servers and laptops this is for do not contain
/// them; one that does gets a clear error, never a different path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GitTransport {
    ssh_command: String,
    destination: String,
}

impl GitTransport {
    /// A transport running `words` (the ssh program, then its options) to
    /// reach `destination`. `what` names each word in an error (a path's
    /// role, never a secret).
    ///
    /// ```
    /// use dokku_core::exec::GitTransport;
    /// let t = GitTransport::ssh(
    ///     &[("ssh", "the ssh program"), ("-S", "-S"), ("/tmp/ctl/master.sock", "the control socket")],
    ///     "dokku@example.com",
    /// )?;
    /// assert_eq!(t.ssh_command(), "'ssh' '-S' '/tmp/ctl/master.sock'");
    /// assert_eq!(t.remote_url("api"), "dokku@example.com:api");
    /// assert!(GitTransport::ssh(&[("ssh", "ssh"), ("/tmp/my dir/s", "the control socket")], "h").is_err());
    /// # Ok::<(), dokku_core::ExecError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`ExecError::TransportWord`] for a word that cannot be written (see
    /// the type's docs), or a destination that is not one plain word
    /// without `:` or `/` (an scp-style URL could not carry it).
    pub fn ssh(words: &[(&str, &str)], destination: &str) -> Result<Self, ExecError> {
        let mut line = String::new();
        for (word, what) in words {
            check_transport_word(word, what)?;
            if !line.is_empty() {
                line.push(' ');
            }
            line.push('\'');
            line.push_str(word);
            line.push('\'');
        }
        check_transport_word(destination, "the destination")?;
        if destination.is_empty()
            || destination.starts_with('-')
            || destination.contains([':', '/'])
        {
            return Err(ExecError::TransportWord {
                what: "the destination".to_owned(),
                reason: "an scp-style remote (`host:app`) cannot carry an empty host, a leading `-`, `:` or `/`",
            });
        }
        Ok(Self {
            ssh_command: line,
            destination: destination.to_owned(),
        })
    }

    /// The value for `GIT_SSH_COMMAND`.
    pub fn ssh_command(&self) -> &str {
        &self.ssh_command
    }

    /// The destination (`user@host` or a host alias).
    pub fn destination(&self) -> &str {
        &self.destination
    }

    /// The remote `git push` names for `app`: `destination:app`, which
    /// makes git ask the host for `git-receive-pack 'app'`, as Dokku's
    /// documented `git remote add dokku dokku@host:app` does.
    pub fn remote_url(&self, app: &str) -> String {
        format!("{}:{app}", self.destination)
    }
}

/// A word both `sh` and ssh's option parser read back unchanged.
fn check_transport_word(word: &str, what: &str) -> Result<(), ExecError> {
    let reason = if word.is_empty() {
        Some("it is empty")
    } else if word.starts_with('~') {
        Some("a leading `~` is expanded by ssh")
    } else if word.chars().any(|c| c.is_whitespace() || c.is_control()) {
        Some("ssh splits option values on whitespace")
    } else if word.contains(['"', '\'', '\\']) {
        Some("ssh reads quotes and backslashes in option values")
    } else if word.contains(['%', '$']) {
        Some("ssh expands `%` tokens and `${VAR}` in paths")
    } else {
        None
    };
    match reason {
        Some(reason) => Err(ExecError::TransportWord {
            what: what.to_owned(),
            reason,
        }),
        None => Ok(()),
    }
}

/// Runs Dokku commands somewhere.
///
/// Implementations: `LocalExecutor` (this crate, feature `process`),
/// `SshExecutor` (dokku-ssh), `SimExecutor` (dokku-sim), `Audited<E>`
/// (dokku-history).
#[async_trait]
pub trait Executor: Send + Sync + fmt::Debug {
    /// Run to completion and return everything it printed. A non-zero exit is
    /// `Ok` with that status.
    async fn run(&self, command: &Command) -> Result<Output, ExecError>;

    /// Start the command and yield its output as it arrives, ending with
    /// [`Chunk::Exit`]. Dropping the stream ends the process.
    async fn stream(&self, command: &Command) -> Result<OutputStream, ExecError>;

    /// How the user's own `git` can reach the host over this executor's
    /// open connection, for a `git push` ([`GitTransport`]). Decorators
    /// forward it to what they wrap.
    ///
    /// The default, for executors with no SSH connection (a local
    /// process, the in-process simulator), is [`ExecError::Unsupported`].
    async fn git_transport(&self) -> Result<GitTransport, ExecError> {
        Err(ExecError::Unsupported {
            what: "git push",
            why: "it needs an SSH connection to the host; this executor has none",
        })
    }

    /// `start` opens the output of `command` run by something other than
    /// this executor (the user's `git` for a push, over
    /// [`Executor::git_transport`]), so decorators can treat it as one of
    /// their own: an audit decorator records it like a streamed command.
    /// Decorators forward it to what they wrap; the default just opens it.
    async fn observe(
        &self,
        command: &Command,
        start: Start<'_>,
    ) -> Result<OutputStream, ExecError> {
        let _ = command;
        start.await
    }
}

/// What [`Executor::observe`] opens.
pub type Start<'a> =
    Pin<Box<dyn std::future::Future<Output = Result<OutputStream, ExecError>> + Send + 'a>>;

/// An executor behind a pointer is that executor: every method forwards,
/// so a method added to [`Executor`] is forwarded in this one place.
macro_rules! forward_executor {
    ($($pointer:ident),+) => {$(
        #[async_trait]
        impl<E: Executor + ?Sized> Executor for $pointer<E> {
            async fn run(&self, command: &Command) -> Result<Output, ExecError> {
                (**self).run(command).await
            }
            async fn stream(&self, command: &Command) -> Result<OutputStream, ExecError> {
                (**self).stream(command).await
            }
            async fn git_transport(&self) -> Result<GitTransport, ExecError> {
                (**self).git_transport().await
            }
            async fn observe(
                &self,
                command: &Command,
                start: Start<'_>,
            ) -> Result<OutputStream, ExecError> {
                (**self).observe(command, start).await
            }
        }
    )+};
}

forward_executor!(Arc, Box);

/// Drain a stream into an [`Output`], failing once more than `limit` bytes
/// arrive. For executors whose `run` is `stream` + collect.
pub async fn collect_output(mut stream: OutputStream, limit: usize) -> Result<Output, ExecError> {
    let mut stdout = Vec::new();
    let mut stderr = Vec::new();
    while let Some(chunk) = stream.next().await {
        match chunk? {
            Chunk::Stdout(bytes) => stdout.extend_from_slice(&bytes),
            Chunk::Stderr(bytes) => stderr.extend_from_slice(&bytes),
            Chunk::Exit(status) => return Ok(Output::new(status, stdout, stderr)),
        }
        if stdout.len() + stderr.len() > limit {
            return Err(ExecError::OutputTooLarge { limit });
        }
    }
    Err(ExecError::Truncated)
}

/// How long a command may run and how much `run` may collect, by the
/// command's [`TimeoutClass`](crate::TimeoutClass): the policy every
/// executor built on streams applies the same way.
#[cfg(feature = "process")]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Timeout for bounded commands (`None`: never).
    pub bounded_timeout: Option<Duration>,
    /// Timeout for long-running commands (`None`: never; a deploy takes
    /// as long as it takes).
    pub long_running_timeout: Option<Duration>,
    /// Cap on the bytes `run` collects.
    pub output_limit: usize,
}

#[cfg(feature = "process")]
impl Default for Limits {
    /// Two minutes for bounded commands, no limit for long-running ones,
    /// 64 MiB of output.
    fn default() -> Self {
        Self {
            bounded_timeout: Some(Duration::from_secs(120)),
            long_running_timeout: None,
            output_limit: 64 * 1024 * 1024,
        }
    }
}

#[cfg(feature = "process")]
impl Limits {
    /// The timeout for this command, if any. Follows never time out.
    pub fn timeout_for(&self, command: &Command) -> Option<Duration> {
        match command.timeout_class() {
            crate::TimeoutClass::Bounded => self.bounded_timeout,
            crate::TimeoutClass::LongRunning => self.long_running_timeout,
            _ => None,
        }
    }

    /// `Executor::run` for stream-based executors: open the stream, collect
    /// it under the output cap, all within the command's timeout. On
    /// timeout the stream is dropped, which ends the command.
    pub async fn run(
        &self,
        command: &Command,
        open: impl std::future::Future<Output = Result<OutputStream, ExecError>>,
    ) -> Result<Output, ExecError> {
        let limit = self.output_limit;
        let collect = async move { collect_output(open.await?, limit).await };
        match self.timeout_for(command) {
            Some(after) => tokio::time::timeout(after, collect)
                .await
                .unwrap_or(Err(ExecError::Timeout { after })),
            None => collect.await,
        }
    }
}

/// Turn a running command's pipes into an [`OutputStream`], for executors
/// built on pipes (local processes, SSH channels). Standard input is fed
/// (`stdin`, see [`Feed`]) while stdout and stderr are read, all
/// concurrently as data moves, so neither side can block the other; once
/// both outputs reach end of file and the input is written, `wait` is
/// polled for the exit status, which ends the stream. Dropping the stream
/// drops the pipes and `wait`, so whatever `wait` owns (the child, the
/// channel) decides how the command ends.
///
/// When the input fails, the stream ends with [`ExecError::Input`]: `wait`
/// is dropped (ending the command) while its standard input is still
/// open, so the command never sees a clean end of a partial input.
#[cfg(feature = "process")]
pub fn pipe_stream<O, E, W>(
    stdin: Option<Feed>,
    stdout: Option<O>,
    stderr: Option<E>,
    wait: W,
) -> OutputStream
where
    O: tokio::io::AsyncRead + Unpin + Send + 'static,
    E: tokio::io::AsyncRead + Unpin + Send + 'static,
    W: std::future::Future<Output = Result<ExitStatus, ExecError>> + Send + 'static,
{
    let state = pipes::Pipes {
        wait: Some(Box::pin(wait)),
        stdout,
        stderr,
        feed: stdin.map(|feed| feed.0),
        held: None,
    };
    Box::pin(futures_util::stream::unfold(state, pipes::Pipes::next))
}

/// A command's standard input being written to its pipe: what
/// [`Command::take_stdin`] yields, chunk by chunk, then the pipe closed.
#[cfg(feature = "process")]
pub struct Feed(pipes::Feeding);

#[cfg(feature = "process")]
impl fmt::Debug for Feed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Feed")
    }
}

#[cfg(feature = "process")]
impl Feed {
    /// Write `input` to `pipe`; `None` when the command reads nothing.
    /// A pipe the command closed early ends the feeding quietly (its exit
    /// status says what happened); a failed input ends the command (see
    /// [`pipe_stream`]).
    pub fn new<I>(pipe: Option<I>, input: Option<crate::command::InputStream>) -> Option<Self>
    where
        I: tokio::io::AsyncWrite + Unpin + Send + 'static,
    {
        use futures_util::StreamExt;
        use tokio::io::AsyncWriteExt;
        let (mut pipe, mut input) = (pipe?, input?);
        Some(Self(Box::pin(async move {
            let mut sent = 0u64;
            while let Some(chunk) = input.next().await {
                match chunk {
                    Ok(bytes) => {
                        if pipe.write_all(&bytes).await.is_err() {
                            return Ok(());
                        }
                        sent = sent.saturating_add(u64::try_from(bytes.len()).unwrap_or(u64::MAX));
                    }
                    Err(source) => {
                        let open: Box<dyn Send> = Box::new(pipe);
                        return Err((ExecError::Input { sent, source }, open));
                    }
                }
            }
            let _ = pipe.shutdown().await;
            Ok(())
        })))
    }
}

#[cfg(feature = "process")]
mod pipes {
    use std::future::Future;
    use std::pin::Pin;

    use tokio::io::{AsyncRead, AsyncReadExt};

    use super::{Chunk, ExecError, ExitStatus};

    const READ_BUF: usize = 16 * 1024;

    pub(super) type Wait = Pin<Box<dyn Future<Output = Result<ExitStatus, ExecError>> + Send>>;

    /// Ends `Ok` when the input is written (or the command stopped reading
    /// it); a failed input hands back the still-open pipe.
    pub(super) type Feeding =
        Pin<Box<dyn Future<Output = Result<(), (ExecError, Box<dyn Send>)>> + Send>>;

    // Fields drop in order: `wait` (the command) before `held` (its open
    // standard input).
    pub(super) struct Pipes<O, E> {
        pub(super) wait: Option<Wait>,
        pub(super) stdout: Option<O>,
        pub(super) stderr: Option<E>,
        pub(super) feed: Option<Feeding>,
        pub(super) held: Option<Box<dyn Send>>,
    }

    enum Event {
        Stdout(Option<Result<Vec<u8>, ExecError>>),
        Stderr(Option<Result<Vec<u8>, ExecError>>),
        Fed(Result<(), (ExecError, Box<dyn Send>)>),
        Exited(Result<ExitStatus, ExecError>),
    }

    impl<O, E> Pipes<O, E>
    where
        O: AsyncRead + Unpin + Send,
        E: AsyncRead + Unpin + Send,
    {
        pub(super) async fn next(mut self) -> Option<(Result<Chunk, ExecError>, Self)> {
            loop {
                let outputs_done = self.stdout.is_none() && self.stderr.is_none();
                if outputs_done && self.feed.is_none() {
                    let wait = self.wait.take()?;
                    return Some((wait.await.map(Chunk::Exit), self));
                }
                // Every branch is cancel-safe: `read` on a pipe loses no
                // bytes, and the feed and wait futures are kept, not rebuilt.
                let event = tokio::select! {
                    r = read_some(&mut self.stdout) => Event::Stdout(r),
                    r = read_some(&mut self.stderr) => Event::Stderr(r),
                    r = pending_or(&mut self.feed) => Event::Fed(r),
                    // A command that closed its outputs and exited without
                    // reading all of its input is done.
                    r = pending_or(&mut self.wait), if outputs_done => Event::Exited(r),
                };
                match event {
                    Event::Stdout(None) => self.stdout = None,
                    Event::Stderr(None) => self.stderr = None,
                    Event::Fed(Ok(())) => self.feed = None,
                    Event::Stdout(Some(r)) => {
                        return Some((self.end_on_error(r.map(Chunk::Stdout)), self))
                    }
                    Event::Stderr(Some(r)) => {
                        return Some((self.end_on_error(r.map(Chunk::Stderr)), self))
                    }
                    Event::Fed(Err((error, open))) => {
                        self.held = Some(open);
                        return Some((self.end_on_error(Err(error)), self));
                    }
                    Event::Exited(r) => {
                        self.wait = None;
                        self.feed = None;
                        return Some((r.map(Chunk::Exit), self));
                    }
                }
            }
        }

        // After an error the stream ends: `wait` is dropped (ending the
        // command) and the next poll yields nothing.
        fn end_on_error(&mut self, item: Result<Chunk, ExecError>) -> Result<Chunk, ExecError> {
            if item.is_err() {
                self.wait = None;
                self.stdout = None;
                self.stderr = None;
                self.feed = None;
            }
            item
        }
    }

    /// The future's output, or never for `None`.
    async fn pending_or<F: Future + Unpin>(future: &mut Option<F>) -> F::Output {
        match future {
            Some(future) => future.await,
            None => std::future::pending().await,
        }
    }

    /// The next bytes of a pipe (`None` at end of file), or never for a
    /// pipe already at its end.
    async fn read_some<R: AsyncRead + Unpin>(
        reader: &mut Option<R>,
    ) -> Option<Result<Vec<u8>, ExecError>> {
        let Some(reader) = reader else {
            return std::future::pending().await;
        };
        let mut buf = vec![0u8; READ_BUF];
        match reader.read(&mut buf).await {
            Ok(0) => None,
            Ok(n) => {
                buf.truncate(n);
                Some(Ok(buf))
            }
            Err(e) => Some(Err(ExecError::Io(e))),
        }
    }
}

#[cfg(feature = "mock")]
mockall::mock! {
    /// A mockall executor for single-expectation tests (feature `mock`).
    pub Executor {}

    impl fmt::Debug for Executor {
        fn fmt<'a>(&self, f: &mut fmt::Formatter<'a>) -> fmt::Result;
    }

    #[async_trait]
    impl Executor for Executor {
        async fn run(&self, command: &Command) -> Result<Output, ExecError>;
        async fn stream(&self, command: &Command) -> Result<OutputStream, ExecError>;
    }
}
