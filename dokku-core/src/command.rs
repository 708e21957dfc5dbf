//! One Dokku invocation as a value.
//!
//! A [`Command`] is what handlers build and executors run. Because it is a
//! plain value, the same thing can be executed, printed for a dry run,
//! recorded in history and asserted in tests — and every one of those sees the
//! same metadata: whether it changes state (never retried automatically), how
//! long it may take, what the host must have, and which parts are secret.

use std::fmt;

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

    /// The value for display and storage: secrets as `***`.
    pub fn redacted(&self) -> std::borrow::Cow<'_, str> {
        match self {
            Arg::Plain(s) => std::borrow::Cow::Borrowed(s),
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

/// One Dokku invocation: `dokku <subcommand> <args…>`, plus what we know about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Command {
    subcommand: String,
    args: Vec<Arg>,
    stdin: Option<SecretBytes>,
    mutating: bool,
    timeout: TimeoutClass,
    requires: Vec<Requirement>,
    app: Option<AppName>,
    prints_secrets: bool,
    quiet: bool,
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

    fn with_mutating(subcommand: String, mutating: bool) -> Self {
        Self {
            subcommand,
            args: Vec::new(),
            stdin: None,
            mutating,
            timeout: TimeoutClass::Bounded,
            requires: Vec::new(),
            app: None,
            prints_secrets: false,
            quiet: false,
        }
    }

    /// Append a plain argument.
    pub fn arg(mut self, arg: impl AsRef<str>) -> Self {
        self.args.push(Arg::Plain(arg.as_ref().to_owned()));
        self
    }

    /// Append several plain arguments.
    pub fn args<I, S>(mut self, args: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.args
            .extend(args.into_iter().map(|a| Arg::Plain(a.as_ref().to_owned())));
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

    /// Append any [`Arg`].
    pub fn push(mut self, arg: Arg) -> Self {
        self.args.push(arg);
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
    pub fn stdin(mut self, bytes: impl Into<Vec<u8>>) -> Self {
        self.stdin = Some(SecretBytes::new(bytes.into()));
        self
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

    /// Standard input, if any.
    pub fn stdin_bytes(&self) -> Option<&SecretBytes> {
        self.stdin.as_ref()
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

    /// Whether stdout may contain secrets.
    pub fn output_is_secret(&self) -> bool {
        self.prints_secrets
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
                Arg::Plain(s) => f.write_str(&quote::shell_word(s))?,
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
    fn display_is_copy_pasteable_and_redacted() {
        let app = AppName::new("node-js-app").unwrap();
        let cmd = Command::write("config:set")
            .app_arg(&app)
            .arg("--encoded")
            .arg("KEY=a b")
            .secret(SecretString::new("hunter2"))
            .push(Arg::assignment("TOKEN", "s3cret"));
        assert_eq!(
            cmd.to_string(),
            "dokku config:set node-js-app --encoded 'KEY=a b' *** TOKEN=***"
        );
        assert_eq!(
            cmd.redacted_argv(),
            [
                "config:set",
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
    fn stdin_is_not_debug_printed() {
        let cmd = Command::write("config:import").stdin(b"SECRET=x".to_vec());
        assert!(format!("{cmd:?}").contains("SecretBytes(8 bytes)"));
        assert!(!format!("{cmd:?}").contains("SECRET"));
    }
}
