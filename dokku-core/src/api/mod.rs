//! One handler per Dokku plugin, octocrab-style: `dokku.apps().create(&app)`.
//!
//! Reports and properties are generic over the [catalog](crate::catalog):
//! [`report::Reports`] (`dokku.report::<PsReport>()`) and
//! [`properties::Properties`] (`dokku.properties(&plugins::PS)`). The
//! per-plugin handlers add the verbs. Their modules expose the pure
//! `*_command` builders the handlers use, so callers can list the exact
//! [`Command`](crate::Command) values a call would send (dry runs, audits,
//! declarative plans) without running them.

pub mod apps;
pub mod buildpacks;
pub mod builds;
pub mod certs;
pub mod checks;
pub mod community;
pub mod config;
pub mod cron;
pub mod deploy;
pub mod docker_options;
pub mod domains;
pub mod events;
pub mod git;
pub mod host;
pub mod letsencrypt;
pub mod lines;
pub mod logs;
pub mod network;
pub mod plugin;
pub mod ports;
pub mod properties;
pub mod proxies;
pub mod proxy;
pub mod ps;
#[cfg(feature = "process")]
pub mod push;
pub mod registry;
pub mod repo;
pub mod report;
pub mod resource;
pub mod run;
pub mod scheduler;
pub mod service;
pub mod ssh_keys;
pub mod storage;
pub mod trace;

use crate::client::Capabilities;
use crate::error::{Error, Result};
use crate::version::DokkuVersion;

/// Check that a verb that `takes` items (domains, port mappings: the
/// `noun`) got at least one, and that one that takes none got none.
pub(crate) fn check_count(what: &'static str, takes: bool, given: usize, noun: &str) -> Result<()> {
    let reason = match (takes, given) {
        (true, 0) => format!("at least one {noun} is needed"),
        (false, 1..) => format!("this command takes no {noun}s"),
        _ => return Ok(()),
    };
    Err(Error::InvalidArgument { what, reason })
}

/// Check a free-form argument the SDK passes to Dokku as one word (a host,
/// a user, a buildpack URL, an id, a label): not empty, not starting with
/// `-` (Dokku would read a flag), no whitespace or control characters
/// (Dokku's bash re-splits them). The reason names the rule, never the
/// value.
pub(crate) fn word<'v>(what: &'static str, name: &str, value: &'v str) -> Result<&'v str> {
    let reason = if value.is_empty() {
        Some("is empty")
    } else if value.starts_with('-') {
        Some("starts with '-', which Dokku would read as a flag")
    } else if value.chars().any(|c| c.is_whitespace() || c.is_control()) {
        Some("contains whitespace or control characters")
    } else {
        None
    };
    match reason {
        Some(reason) => Err(Error::InvalidArgument {
            what,
            reason: format!("the {name} {reason}"),
        }),
        None => Ok(value),
    }
}

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

/// Where a `ps:start`/`stop`/`restart`/`rebuild`/`restore` applies.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Target {
    /// One app.
    App(crate::AppName),
    /// Every app (`--all`).
    All,
}

impl Target {
    /// Append the app argument or `--all` to a command.
    pub(crate) fn apply(&self, command: crate::Command) -> crate::Command {
        match self {
            Target::App(app) => command.app_arg(app),
            Target::All => command.arg("--all"),
        }
    }
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

impl From<&Scope> for Scope {
    fn from(scope: &Scope) -> Self {
        scope.clone()
    }
}
