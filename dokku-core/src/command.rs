//! One Dokku invocation as a value.
//!
//! A [`Command`] is what handlers build and executors run. Because it is a
//! plain value, the same thing can be executed, printed for a dry run,
//! recorded in history and asserted in tests — and every one of those sees the
//! same metadata: whether it changes state (never retried automatically), how
//! long it may take, what the host must have, and which parts are secret.

use std::fmt;
use std::pin::Pin;
use std::sync::{Arc, Mutex};

use futures_core::Stream;
use futures_util::StreamExt;

use crate::catalog::{self, Plugin, SecretKind, SecretOutput, Verb};
use crate::exec::ExecError;
use crate::name::{AppName, PluginName};
use crate::quote;
use crate::secret::{SecretBytes, SecretString};
use crate::version::DokkuVersion;

/// One argument after the subcommand.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Arg {
    /// Safe to show and store.
    Plain(String),
    /// Sent on the wire, shown and stored as `***`.
    Secret(SecretString),
    /// `KEY=<secret>` (config:set): sent whole, shown and stored as
    /// `KEY=***`, so an audit trail still says which variable changed.
    Assignment {
        /// The visible key.
        key: String,
        /// The whole `KEY=value` as sent.
        wire: SecretString,
    },
}

impl Arg {
    /// `key=value` where only the key may be shown.
    pub fn assignment(key: &str, value: &str) -> Self {
        Arg::Assignment {
            key: key.to_owned(),
            wire: SecretString::new(format!("{key}={value}")),
        }
    }

    /// The value as it must appear on the wire. Exposes secrets.
    pub fn expose(&self) -> &str {
        match self {
            Arg::Plain(s) => s,
            Arg::Secret(s) => s.expose(),
            Arg::Assignment { wire, .. } => wire.expose(),
        }
    }

    /// The value for display and storage: secrets as `***`, and in plain
    /// arguments any `scheme://user:password@` password too
    /// ([`mask_userinfo`](crate::secret::mask_userinfo): a git URL or a
    /// DSN given as a plain argument).
    pub fn redacted(&self) -> std::borrow::Cow<'_, str> {
        match self {
            Arg::Plain(s) => crate::secret::mask_userinfo(s),
            Arg::Secret(_) => std::borrow::Cow::Borrowed("***"),
            Arg::Assignment { key, .. } => std::borrow::Cow::Owned(format!("{key}=***")),
        }
    }

    /// Whether this argument carries a secret.
    pub fn is_secret(&self) -> bool {
        !matches!(self, Arg::Plain(_))
    }
}

/// How long a command may run before an executor gives up on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TimeoutClass {
    /// Bounded: reports, lists and quick writes.
    Bounded,
    /// Unbounded but finite: deploys, restarts, rebuilds, scaling.
    LongRunning,
    /// Runs until the caller stops it: `logs -t`.
    Follow,
}

/// Something the host must have for a command to work.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Requirement {
    /// At least this Dokku version.
    Version(DokkuVersion),
    /// This plugin installed (and enabled).
    Plugin(PluginName),
}

impl fmt::Display for Requirement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Requirement::Version(v) => write!(f, "Dokku {v} or newer"),
            Requirement::Plugin(p) => write!(f, "the {p} plugin"),
        }
    }
}

/// The catalog entry a command was built from ([`crate::catalog`]).
#[derive(Clone, Copy)]
struct Spec {
    plugin: &'static Plugin,
    verb: Option<&'static Verb>,
}

impl PartialEq for Spec {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self.plugin, other.plugin) && self.verb == other.verb
    }
}

impl Eq for Spec {}

impl fmt::Debug for Spec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let verb = self.verb.map_or("?", |v| v.name);
        write!(f, "{}:{verb}", self.plugin.name)
    }
}

/// One Dokku invocation: `dokku <subcommand> <args…>`, plus what we know about it.
///
/// A command of a subcommand the [`catalog`] knows takes what
/// the catalog says about it: plain arguments in secret positions become
/// secret arguments as they are added (a `config:set` assignment keeps its
/// key visible), its output counts as secret where the verb prints secrets,
/// its timeout class is the verb's, and a community plugin's commands
/// require the plugin. So a command built from a raw argv carries the same
/// marks as one built by a handler.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Command {
    subcommand: String,
    args: Vec<Arg>,
    stdin: Option<Input>,
    mutating: bool,
    timeout: TimeoutClass,
    requires: Vec<Requirement>,
    app: Option<AppName>,
    prints_secrets: bool,
    spec: Option<Spec>,
    quiet: bool,
}

/// Standard input an executor writes to a command as it runs
/// ([`Command::take_stdin`]).
pub type InputStream = Pin<Box<dyn Stream<Item = std::io::Result<Vec<u8>>> + Send>>;

/// What a command reads on standard input: bytes, or a stream read as
/// the command runs ([`Command::input`]). Treated as secret: never
/// displayed, only a byte count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Input(Stdin);

#[derive(Debug, Clone, PartialEq, Eq)]
enum Stdin {
    Bytes(SecretBytes),
    Stream(SharedInput),
}

impl Input {
    /// These bytes.
    pub fn bytes(bytes: impl Into<Vec<u8>>) -> Self {
        Self(Stdin::Bytes(SecretBytes::new(bytes.into())))
    }

    /// What `input` yields, read once, as the command runs (see
    /// [`Command::stdin_stream`]).
    pub fn stream(input: impl Stream<Item = std::io::Result<Vec<u8>>> + Send + 'static) -> Self {
        Self(Stdin::Stream(SharedInput(Arc::new(Mutex::new(Some(
            Box::pin(input),
        ))))))
    }
}

/// A stream shared by a command's clones, taken by the run that reads it.
#[derive(Clone)]
struct SharedInput(Arc<Mutex<Option<InputStream>>>);

impl SharedInput {
    fn take(&self) -> Option<InputStream> {
        // A poisoned lock still holds the stream (or None): take it anyway.
        match self.0.lock() {
            Ok(mut guard) => guard.take(),
            Err(poisoned) => poisoned.into_inner().take(),
        }
    }
}

impl PartialEq for SharedInput {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl Eq for SharedInput {}

impl fmt::Debug for SharedInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<streamed input>")
    }
}

impl Command {
    /// A command that only reads state. Bounded timeout; may be retried once on
    /// a transport error.
    pub fn read(subcommand: impl Into<String>) -> Self {
        Self::with_mutating(subcommand.into(), false)
    }

    /// A command that changes state. Bounded timeout unless changed; never
    /// retried automatically.
    pub fn write(subcommand: impl Into<String>) -> Self {
        Self::with_mutating(subcommand.into(), true)
    }

    /// A command whose kind the catalog decides: a read if its verb is
    /// catalogued as one, else a write (never retried). For argv typed by a
    /// person (`dokku raw -- …`).
    pub fn new(subcommand: impl Into<String>) -> Self {
        let subcommand = subcommand.into();
        let mutating = !catalog::lookup(&subcommand)
            .and_then(|(_, verb)| verb)
            .is_some_and(|verb| !verb.mutating);
        Self::with_mutating(subcommand, mutating)
    }

    /// A command from any plugin description, including one that is not in
    /// [`catalog::CATALOG`] (a plugin of your own, described the same way).
    pub fn of(plugin: &'static Plugin, verb: &str) -> Self {
        let verb_spec = plugin.verb(verb);
        let mutating = !verb_spec.is_some_and(|v| !v.mutating);
        Self::with_spec(plugin.subcommand(verb), mutating, Some((plugin, verb_spec)))
    }

    fn with_mutating(subcommand: String, mutating: bool) -> Self {
        let spec = catalog::lookup(&subcommand);
        Self::with_spec(subcommand, mutating, spec)
    }

    fn with_spec(
        subcommand: String,
        mutating: bool,
        spec: Option<(&'static Plugin, Option<&'static Verb>)>,
    ) -> Self {
        let mut command = Self {
            subcommand,
            args: Vec::new(),
            stdin: None,
            mutating,
            timeout: TimeoutClass::Bounded,
            requires: Vec::new(),
            app: None,
            prints_secrets: false,
            quiet: false,
            spec: spec.map(|(plugin, verb)| Spec { plugin, verb }),
        };
        if let Some((plugin, verb)) = spec {
            if let Some(requirement) = plugin.requirement() {
                command = command.requires(requirement);
            }
            if let Some(verb) = verb {
                // The read form of a write verb (`ps:scale <app>` without
                // quantities) stays bounded.
                if verb.mutating == mutating {
                    command.timeout = verb.timeout;
                }
                // A community plugin's versions are its own, not Dokku's.
                if let (catalog::Source::Core, Some(since)) = (plugin.source, verb.since) {
                    command = command.requires(Requirement::Version(since));
                }
            }
        }
        command
    }

    /// A plain argument as the catalog marks it in this position.
    fn mark(&self, arg: &str) -> Arg {
        let Some(Spec {
            plugin,
            verb: Some(verb),
        }) = self.spec
        else {
            return Arg::Plain(arg.to_owned());
        };
        let previous: Vec<&str> = self.args.iter().map(Arg::expose).collect();
        match plugin.secret_kind(verb, &previous, arg) {
            None => Arg::Plain(arg.to_owned()),
            Some(SecretKind::Whole) => Arg::Secret(SecretString::new(arg)),
            Some(SecretKind::AfterEquals) => match arg.split_once('=') {
                Some((key, _)) => Arg::Assignment {
                    key: key.to_owned(),
                    wire: SecretString::new(arg),
                },
                None => Arg::Secret(SecretString::new(arg)),
            },
        }
    }

    /// Append a plain argument (secret if the catalog says so for this
    /// position).
    pub fn arg(mut self, arg: impl AsRef<str>) -> Self {
        let marked = self.mark(arg.as_ref());
        self.args.push(marked);
        self
    }

    /// Append several plain arguments (each marked as [`Command::arg`] does).
    pub fn args<I, S>(mut self, args: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        for arg in args {
            self = self.arg(arg);
        }
        self
    }

    /// Append a plain argument when `on` is true (for optional flags).
    pub fn arg_if(self, on: bool, arg: impl AsRef<str>) -> Self {
        if on {
            self.arg(arg)
        } else {
            self
        }
    }

    /// Append a secret argument.
    pub fn secret(mut self, arg: SecretString) -> Self {
        self.args.push(Arg::Secret(arg));
        self
    }

    /// Append any [`Arg`]; a plain one is marked as [`Command::arg`] does.
    pub fn push(mut self, arg: Arg) -> Self {
        match arg {
            Arg::Plain(plain) => return self.arg(plain),
            other => self.args.push(other),
        }
        self
    }

    /// The app this command is about, and its first argument.
    pub fn app_arg(mut self, app: &AppName) -> Self {
        self.app = Some(app.clone());
        self.arg(app)
    }

    /// Record the app this command is about without adding an argument.
    pub fn about_app(mut self, app: &AppName) -> Self {
        self.app = Some(app.clone());
        self
    }

    /// Send these bytes on standard input. Stdin is treated as secret
    /// (env files, keys): never displayed, only its length.
    pub fn stdin(self, bytes: impl Into<Vec<u8>>) -> Self {
        self.input(Input::bytes(bytes))
    }

    /// Send `input` on standard input ([`Command::stdin`] for bytes,
    /// [`Command::stdin_stream`] for a stream).
    pub fn input(mut self, input: Input) -> Self {
        self.stdin = Some(input);
        self
    }

    /// Send what `input` yields on standard input, as the command runs,
    /// without holding it all in memory (a database dump). It is read
    /// once, by the executor that runs the command; clones of the command
    /// share it, and a second run fails with [`ExecError::Input`]. An
    /// executor that needs the whole input at once (the simulator) reads it
    /// before it runs anything ([`Command::buffered`]).
    ///
    /// The input is read while the command's output is: an executor's
    /// [`stream`](crate::Executor::stream) feeds it as the stream is
    /// polled, so produce it elsewhere than the task reading the output.
    /// If `input` fails, the command is stopped before its standard input
    /// is closed, and its stream ends with [`ExecError::Input`]: a failed
    /// read never looks like a shorter input that was sent whole.
    ///
    /// ```
    /// use dokku_core::Command;
    /// let chunks = futures_util::stream::iter([Ok(b"-- dump\n".to_vec())]);
    /// let import = Command::write("postgres:import").arg("db").stdin_stream(chunks);
    /// assert!(import.has_stdin() && import.stdin_bytes().is_none());
    /// ```
    pub fn stdin_stream(
        self,
        input: impl Stream<Item = std::io::Result<Vec<u8>>> + Send + 'static,
    ) -> Self {
        self.input(Input::stream(input))
    }

    /// Set the timeout class.
    pub fn timeout(mut self, class: TimeoutClass) -> Self {
        self.timeout = class;
        self
    }

    /// Shorthand for [`TimeoutClass::LongRunning`].
    pub fn long_running(self) -> Self {
        self.timeout(TimeoutClass::LongRunning)
    }

    /// Add a requirement the host must meet.
    pub fn requires(mut self, requirement: Requirement) -> Self {
        if !self.requires.contains(&requirement) {
            self.requires.push(requirement);
        }
        self
    }

    /// Mark the output as containing secrets (`config:export`, `config:get` …),
    /// so audit stores keep only its shape.
    pub fn prints_secrets(mut self) -> Self {
        self.prints_secrets = true;
        self
    }

    /// Run under Dokku's global `--quiet` (`dokku --quiet <subcommand> …`):
    /// the entry script exports `DOKKU_QUIET_OUTPUT`, which silences the
    /// `*Quiet` log lines (for `config:import`, the ones that echo every
    /// value). It goes before the subcommand, where the entry script shifts
    /// it off; after it, a Go plugin's flag parser would refuse it.
    pub fn quiet(mut self) -> Self {
        self.quiet = true;
        self
    }

    /// Whether the command runs under `dokku --quiet`.
    pub fn is_quiet(&self) -> bool {
        self.quiet
    }

    /// The global flags that go before the subcommand (`--quiet`).
    pub fn global_flags(&self) -> &'static [&'static str] {
        if self.quiet {
            &["--quiet"]
        } else {
            &[]
        }
    }

    /// The subcommand, e.g. `apps:report`.
    pub fn subcommand(&self) -> &str {
        &self.subcommand
    }

    /// The arguments after the subcommand.
    pub fn arguments(&self) -> &[Arg] {
        &self.args
    }

    /// The full argv as it goes on the wire, **secrets exposed**: the
    /// [global flags](Command::global_flags), the subcommand, the
    /// arguments. Only executors should call this.
    pub fn expose_argv(&self) -> Vec<&str> {
        self.global_flags()
            .iter()
            .copied()
            .chain(std::iter::once(self.subcommand.as_str()))
            .chain(self.args.iter().map(Arg::expose))
            .collect()
    }

    /// The full argv for display and storage, secrets as `***`: the global
    /// flags, the subcommand, the arguments.
    pub fn redacted_argv(&self) -> Vec<String> {
        self.global_flags()
            .iter()
            .map(|f| (*f).to_owned())
            .chain(std::iter::once(self.subcommand.clone()))
            .chain(self.args.iter().map(|a| a.redacted().into_owned()))
            .collect()
    }

    /// Whether any argument is secret.
    pub fn has_secrets(&self) -> bool {
        self.args.iter().any(Arg::is_secret)
    }

    /// Standard input given as bytes ([`Command::stdin`]), if any.
    pub fn stdin_bytes(&self) -> Option<&SecretBytes> {
        match &self.stdin {
            Some(Input(Stdin::Bytes(bytes))) => Some(bytes),
            _ => None,
        }
    }

    /// Whether the command reads standard input (bytes or a stream).
    pub fn has_stdin(&self) -> bool {
        self.stdin.is_some()
    }

    /// What an executor writes to the command's standard input, chunk by
    /// chunk: the bytes, or the stream (taken: this is the run that reads
    /// it; a later one yields [`ExecError::Input`]). `None` when the
    /// command reads nothing.
    pub fn take_stdin(&self) -> Option<InputStream> {
        match &self.stdin.as_ref()?.0 {
            Stdin::Bytes(bytes) => {
                let bytes = bytes.expose().to_vec();
                Some(Box::pin(futures_util::stream::iter([Ok(bytes)])))
            }
            Stdin::Stream(shared) => Some(shared.take().unwrap_or_else(|| {
                let used = std::io::Error::other("it was already read by an earlier run");
                Box::pin(futures_util::stream::iter([Err(used)]))
            })),
        }
    }

    /// This command with a streamed standard input read into memory, for an
    /// executor that needs all of it before it starts; a command with bytes
    /// or no input is this one, borrowed (nothing is copied).
    ///
    /// # Errors
    ///
    /// [`ExecError::Input`] when reading the stream fails; nothing has run.
    pub async fn buffered(&self) -> Result<std::borrow::Cow<'_, Command>, ExecError> {
        if !matches!(self.stdin, Some(Input(Stdin::Stream(_)))) {
            return Ok(std::borrow::Cow::Borrowed(self));
        }
        let mut bytes = Vec::new();
        if let Some(mut input) = self.take_stdin() {
            while let Some(chunk) = input.next().await {
                bytes.extend(chunk.map_err(|source| ExecError::Input { sent: 0, source })?);
            }
        }
        Ok(std::borrow::Cow::Owned(self.clone().stdin(bytes)))
    }

    /// Whether this command changes state. Mutating commands are never
    /// retried automatically.
    pub fn is_mutating(&self) -> bool {
        self.mutating
    }

    /// The timeout class.
    pub fn timeout_class(&self) -> TimeoutClass {
        self.timeout
    }

    /// What the host must have.
    pub fn requirements(&self) -> &[Requirement] {
        &self.requires
    }

    /// The app this command is about, if any.
    pub fn app(&self) -> Option<&AppName> {
        self.app.as_ref()
    }

    /// Whether stdout may contain secrets: marked so, or printed by a verb
    /// the catalog says prints them (given these arguments).
    pub fn output_is_secret(&self) -> bool {
        if self.prints_secrets {
            return true;
        }
        let Some(verb) = self.spec.and_then(|s| s.verb) else {
            return false;
        };
        match verb.secret_output {
            SecretOutput::Always => true,
            SecretOutput::WhenArg(index, word) => {
                self.args.get(index).is_some_and(|a| a.expose() == word)
            }
            SecretOutput::WhenSecretArgs => self.has_secrets(),
            SecretOutput::UnlessFieldFlag(secret) => match self.args.get(1) {
                // `--format json` prints everything too.
                Some(flag) if flag.expose().starts_with("--") && flag.expose() != "--format" => {
                    secret.contains(&flag.expose())
                }
                _ => true,
            },
            _ => false,
        }
    }

    /// The catalogued plugin this command belongs to, if any.
    pub fn plugin(&self) -> Option<&'static Plugin> {
        self.spec.map(|s| s.plugin)
    }

    /// The catalogued verb, if any.
    pub fn verb(&self) -> Option<&'static Verb> {
        self.spec.and_then(|s| s.verb)
    }
}

/// A copy-pasteable `dokku …` line, shell-quoted, secrets as `***`.
impl fmt::Display for Command {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("dokku ")?;
        for flag in self.global_flags() {
            f.write_str(flag)?;
            f.write_str(" ")?;
        }
        f.write_str(&quote::shell_word(&self.subcommand))?;
        for arg in &self.args {
            f.write_str(" ")?;
            match arg {
                Arg::Plain(_) => f.write_str(&quote::shell_word(&arg.redacted()))?,
                Arg::Secret(_) => f.write_str("***")?,
                Arg::Assignment { key, .. } => write!(f, "{}=***", quote::shell_word(key))?,
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_url_password_in_a_plain_argument_is_sent_but_never_shown() {
        let cmd = Command::write("git:sync").args(["api", "https://user:tok3n@github.com/x.git"]);
        assert_eq!(cmd.expose_argv()[2], "https://user:tok3n@github.com/x.git");
        assert_eq!(
            cmd.to_string(),
            "dokku git:sync api 'https://user:***@github.com/x.git'"
        );
        assert_eq!(
            cmd.redacted_argv(),
            ["git:sync", "api", "https://user:***@github.com/x.git"]
        );
    }

    #[test]
    fn display_is_copy_pasteable_and_redacted() {
        let app = AppName::new("node-js-app").unwrap();
        let cmd = Command::write("my-plugin:set")
            .app_arg(&app)
            .arg("--encoded")
            .arg("KEY=a b")
            .secret(SecretString::new("hunter2"))
            .push(Arg::assignment("TOKEN", "s3cret"));
        assert_eq!(
            cmd.to_string(),
            "dokku my-plugin:set node-js-app --encoded 'KEY=a b' *** TOKEN=***"
        );
        assert_eq!(
            cmd.redacted_argv(),
            [
                "my-plugin:set",
                "node-js-app",
                "--encoded",
                "KEY=a b",
                "***",
                "TOKEN=***"
            ]
        );
        assert_eq!(cmd.expose_argv()[4], "hunter2");
        assert_eq!(cmd.expose_argv()[5], "TOKEN=s3cret");
        assert!(!cmd.to_string().contains("s3cret"));
        assert!(!format!("{cmd:?}").contains("hunter2"));
        assert!(cmd.is_mutating());
        assert_eq!(cmd.app(), Some(&app));
    }

    #[test]
    fn catalogued_commands_mark_their_secrets_however_they_are_built() {
        // A raw config:set: every KEY=VALUE keeps its key, hides its value.
        let raw = Command::new("config:set").args(["--no-restart", "api", "TOKEN=s3cret", "A=1"]);
        assert_eq!(
            raw.redacted_argv(),
            ["config:set", "--no-restart", "api", "TOKEN=***", "A=***"]
        );
        assert!(raw.output_is_secret() && raw.is_mutating());
        // Positional credentials of a datastore plugin.
        let auth = Command::new("postgres:backup-auth").args(["db", "AKIA", "wJal", "eu-west-1"]);
        assert_eq!(
            auth.redacted_argv(),
            ["postgres:backup-auth", "db", "***", "***", "eu-west-1"]
        );
        assert_eq!(auth.requirements().len(), 1, "needs the postgres plugin");
        // Flag values, separate or joined.
        let create =
            Command::new("redis:create").args(["c", "--password", "pw1", "--root-password=pw2"]);
        assert_eq!(
            create.redacted_argv(),
            [
                "redis:create",
                "c",
                "--password",
                "***",
                "--root-password=***"
            ]
        );
        // A secret property's value, and the echo of it.
        let set =
            Command::new("letsencrypt:set").args(["--global", "dns-provider-AWS_SECRET", "k"]);
        assert_eq!(set.redacted_argv()[3], "***");
        assert!(set.output_is_secret());
        let email = Command::new("letsencrypt:set").args(["api", "email", "ops@example.com"]);
        assert_eq!(email.redacted_argv()[3], "ops@example.com");
        assert!(!email.output_is_secret());
        // A datastore's info prints the DSN unless asked for one other field.
        assert!(Command::read("postgres:info").arg("db").output_is_secret());
        assert!(Command::read("postgres:info")
            .args(["db", "--format", "json"])
            .output_is_secret());
        assert!(Command::read("postgres:info")
            .args(["db", "--dsn"])
            .output_is_secret());
        assert!(!Command::read("postgres:info")
            .args(["db", "--status"])
            .output_is_secret());
        // Output secret by argument.
        assert!(Command::read("certs:show")
            .args(["api", "key"])
            .output_is_secret());
        assert!(!Command::read("certs:show")
            .args(["api", "crt"])
            .output_is_secret());
        // Unknown subcommands: nothing marked, and a write until known.
        let unknown = Command::new("nope:thing").arg("x=1");
        assert_eq!(unknown.redacted_argv(), ["nope:thing", "x=1"]);
        assert!(unknown.is_mutating());
        assert!(!Command::new("ps:report").is_mutating());
    }

    #[test]
    fn stdin_is_not_debug_printed() {
        let cmd = Command::write("config:import").stdin(b"SECRET=x".to_vec());
        assert!(format!("{cmd:?}").contains("SecretBytes(8 bytes)"));
        assert!(!format!("{cmd:?}").contains("SECRET"));
    }

    #[tokio::test]
    async fn a_buffered_command_holds_its_whole_streamed_input() {
        let chunks = [Ok(b"SECRET".to_vec()), Ok(b"=x".to_vec())];
        let cmd = Command::write("config:import").stdin_stream(futures_util::stream::iter(chunks));
        assert!(cmd.has_stdin() && cmd.stdin_bytes().is_none());
        let buffered = cmd.buffered().await.unwrap();
        assert_eq!(buffered.stdin_bytes().unwrap().expose(), b"SECRET=x");
        assert!(!format!("{cmd:?}").contains("SECRET"), "{cmd:?}");
        // A command whose input is already bytes is itself, not a copy.
        let bytes = Command::write("config:import").stdin(b"A=1".to_vec());
        assert!(matches!(
            bytes.buffered().await.unwrap(),
            std::borrow::Cow::Borrowed(_)
        ));
    }

    #[tokio::test]
    async fn a_failing_input_fails_buffering_and_names_the_cause() {
        let chunks = [
            Ok(b"half".to_vec()),
            Err(std::io::Error::other("the pipe broke")),
        ];
        let cmd =
            Command::write("postgres:import").stdin_stream(futures_util::stream::iter(chunks));
        let err = cmd.buffered().await.unwrap_err();
        assert!(matches!(err, ExecError::Input { sent: 0, .. }), "{err}");
        assert!(err.to_string().contains("the pipe broke"), "{err}");
    }
}
