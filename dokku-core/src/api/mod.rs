//! One handler per Dokku plugin, octocrab-style: `dokku.apps().create(&app)`.
//!
//! Each module also exposes the pure `*_command` builders the handlers use,
//! so callers can list the exact [`Command`](crate::Command) values a call
//! would send (dry runs, audits, declarative plans) without running them.

pub mod apps;
pub mod certs;
pub mod config;
pub mod domains;
pub mod letsencrypt;
pub mod logs;
pub mod plugin;
pub mod ports;
pub mod proxy;
pub mod ps;
pub mod service;

use crate::client::Capabilities;
use crate::version::DokkuVersion;

/// Which output format to ask a read command for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Format {
    /// `--format json`.
    Json,
    /// Dokku's human-readable text.
    Text,
}

impl Format {
    /// JSON if the host's Dokku is at least `since`, text otherwise.
    pub fn for_host(caps: &Capabilities, since: DokkuVersion) -> Self {
        if caps.version >= since {
            Format::Json
        } else {
            Format::Text
        }
    }

    /// Whether this is [`Format::Json`].
    pub fn is_json(self) -> bool {
        self == Format::Json
    }

    /// Append `--format json` (as two arguments: Dokku reads the value from
    /// the next argument) and require the version that has it; text leaves
    /// the command as it is.
    pub(crate) fn apply(self, command: crate::Command, since: DokkuVersion) -> crate::Command {
        match self {
            Format::Json => command
                .args(["--format", "json"])
                .requires(crate::Requirement::Version(since)),
            Format::Text => command,
        }
    }
}

/// The parts of a per-app `<plugin>:report` that differ between plugins.
pub(crate) struct PerAppReport<R> {
    /// The first Dokku whose report has `--format json`.
    pub json_since: DokkuVersion,
    /// The command, in a format.
    pub command: fn(&crate::AppName, Format) -> crate::Command,
    /// The parser (`true`: JSON).
    pub parse: fn(&str, bool) -> Result<R, crate::parse::ParseError>,
    /// Where the typed report keeps its app.
    pub app: fn(&mut R) -> &mut Option<crate::AppName>,
}

impl<R> PerAppReport<R> {
    /// Run the report for `app`: JSON where the host has it, text before;
    /// the app is filled in from the request because Dokku's JSON does not
    /// name it.
    pub(crate) async fn fetch(
        self,
        dokku: &crate::Dokku,
        app: &crate::AppName,
    ) -> crate::Result<R> {
        let caps = dokku.capabilities().await?;
        let format = Format::for_host(&caps, self.json_since);
        let command = (self.command)(app, format);
        let output = dokku.run(&command).await?;
        let mut report = crate::parse::context(
            &command,
            (self.parse)(&output.stdout_lossy(), format.is_json()),
        )?;
        *(self.app)(&mut report) = Some(app.clone());
        Ok(report)
    }
}

/// Where a `ps:start`/`stop`/`restart`/`rebuild`/`restore` applies.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Target {
    /// One app.
    App(crate::AppName),
    /// Every app (`--all`).
    All,
}

impl From<&crate::AppName> for Target {
    fn from(app: &crate::AppName) -> Self {
        Target::App(app.clone())
    }
}

impl From<crate::AppName> for Target {
    fn from(app: crate::AppName) -> Self {
        Target::App(app)
    }
}

/// Whose settings a command reads or changes.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Scope {
    /// One app.
    App(crate::AppName),
    /// The global defaults (`--global`).
    Global,
}

impl Scope {
    /// Append the app argument or `--global` to a command.
    pub(crate) fn apply(&self, command: crate::Command) -> crate::Command {
        match self {
            Scope::App(app) => command.app_arg(app),
            Scope::Global => command.arg("--global"),
        }
    }
}

impl From<&crate::AppName> for Scope {
    fn from(app: &crate::AppName) -> Self {
        Scope::App(app.clone())
    }
}

/// `<plugin>:set (<app>|--global) <property> [<value>]`, the shape every
/// Dokku property setter shares (`apps:set`, `ps:set`, `logs:set` …); no
/// value unsets. A secret value is sent as a secret argument, and the
/// command's output (which echoes the value) is marked secret.
pub fn property_command(
    subcommand: &str,
    scope: &Scope,
    property: &str,
    value: Option<crate::Arg>,
) -> crate::Command {
    let command = scope.apply(crate::Command::write(subcommand)).arg(property);
    match value {
        Some(arg @ crate::Arg::Plain(_)) => command.push(arg),
        Some(secret) => command.push(secret).prints_secrets(),
        None => command,
    }
}

impl From<&Scope> for Scope {
    fn from(scope: &Scope) -> Self {
        scope.clone()
    }
}
