//! The crate's error: what went wrong with a Dokku call, classified.
//!
//! Handlers turn an [`Output`](crate::exec::Output) into either a typed value
//! or one of these. Every variant that concerns a command carries that
//! command's display line (secrets as `***`), so a message read in a log says
//! what was run without leaking what was sent.

use crate::command::Requirement;
use crate::exec::{ExecError, ExitStatus};
use crate::parse::ParseError;
use crate::version::DokkuVersion;

/// The result type of the client and handlers.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Why a Dokku call failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Dokku said the app does not exist (exit 20).
    #[error("app {app} does not exist (`{command}`)")]
    AppNotFound {
        /// The app.
        app: String,
        /// The command line, secrets redacted.
        command: String,
    },
    /// Dokku said what the command names does not exist: a network, a
    /// build, a cron task, a storage entry, a mount, a buildpack, a
    /// service (the catalog's [`Missing`](crate::catalog::Missing) of the
    /// command's verb says what, and how Dokku words it).
    #[error("there is no {what} called {name} (`{command}`: {message})")]
    NotFound {
        /// What it is: `network`, `build`, `cron task` …
        what: &'static str,
        /// Its name, as the command gave it.
        name: String,
        /// Dokku's message.
        message: String,
        /// The command line, secrets redacted.
        command: String,
    },
    /// The app exists but has never been deployed, and the command needs a
    /// deployed app (`logs`, …).
    #[error("app {app} has not been deployed (`{command}`)")]
    AppNotDeployed {
        /// The app.
        app: String,
        /// The command line, secrets redacted.
        command: String,
    },
    /// The app to create (or rename or clone to) already exists.
    #[error("app {app} already exists (`{command}`)")]
    AppExists {
        /// The app.
        app: String,
        /// The command line, secrets redacted.
        command: String,
    },
    /// The host's Dokku does not know this subcommand (a plugin is missing, or
    /// the version is too old).
    #[error("{subcommand} is not a Dokku command on this host (`{command}`)")]
    NotADokkuCommand {
        /// The subcommand.
        subcommand: String,
        /// The command line, secrets redacted.
        command: String,
    },
    /// The host lacks what the command needs; nothing was sent.
    #[error("`{command}` needs {needs}, but the host has Dokku {version}")]
    Unsupported {
        /// The command line, secrets redacted.
        command: String,
        /// What is missing.
        needs: Requirement,
        /// The host's Dokku version.
        version: DokkuVersion,
    },
    /// Dokku's output could not be read.
    #[error("could not read the output of `{command}`: {source}")]
    Parse {
        /// The command line, secrets redacted.
        command: String,
        /// What could not be read, and where.
        #[source]
        source: ParseError,
    },
    /// Dokku ran the command and reported failure.
    #[error("`{command}` failed ({status}): {message}")]
    CommandFailed {
        /// The command line, secrets redacted.
        command: String,
        /// How it exited.
        status: ExitStatus,
        /// Dokku's main message: the stderr lines without ` !     ` prefixes,
        /// or stdout if stderr was empty.
        message: String,
        /// Standard output; empty for commands whose output is secret.
        stdout: String,
        /// Standard error, ` !     ` prefixes stripped.
        stderr: String,
    },
    /// The command could not be run or its result could not be heard.
    #[error("`{command}` could not be run: {source}")]
    Transport {
        /// The command line, secrets redacted.
        command: String,
        /// The transport failure.
        #[source]
        source: ExecError,
    },
    /// A config value that Dokku would store corrupted (or that would make
    /// the app's whole environment unreadable); nothing was sent. Names the
    /// key, never the value.
    #[error("refusing to set {key}: Dokku would not store its value intact: {hazard}")]
    UnstorableConfigValue {
        /// The key whose value was refused.
        key: String,
        /// What Dokku would do to it, and a way around it.
        hazard: crate::model::config::ValueHazard,
    },
    /// Dokku can no longer read a stored environment file (an app's, or the
    /// global one): its reader stopped with ` !     unterminated quoted
    /// value …` or ` !     unexpected character … in variable name near …`.
    /// Every config command on that environment (and every deploy or
    /// restart that reads it) fails until an admin edits the file on the
    /// host; no Dokku command can repair it. Dokku's message quotes the
    /// stored values, so only its kind is kept here. Dokku does not say
    /// which key broke the file: see the crate README for how to find and
    /// repair it.
    #[error(
        "the stored environment of {} is corrupt: Dokku cannot read its ENV file ({problem}), \
         so config commands on it fail until an admin repairs the file on the host (`{command}`)",
        env_scope(.app.as_deref(), *.global)
    )]
    CorruptConfig {
        /// The app whose ENV file may be the broken one; `None` when only
        /// the global file was read (`--global`).
        app: Option<String>,
        /// Whether the global ENV file may be the broken one: `--global`,
        /// and commands that read it with the app's (`--merged`, deploys,
        /// restarts).
        global: bool,
        /// What Dokku's reader said, with the values it quoted removed.
        problem: String,
        /// The command line, secrets redacted.
        command: String,
    },
    /// A caller-supplied value was refused before anything was sent.
    #[error("invalid argument for {what}: {reason}")]
    InvalidArgument {
        /// Which call or parameter.
        what: &'static str,
        /// Why.
        reason: String,
    },
}

/// `app api`, `the global environment`, or both.
fn env_scope(app: Option<&str>, global: bool) -> String {
    match (app, global) {
        (Some(app), false) => format!("app {app}"),
        (Some(app), true) => format!("app {app} (or the global environment)"),
        (None, _) => "the global environment".to_owned(),
    }
}

impl Error {
    /// Whether Dokku said the app, or what the command names, does not
    /// exist ([`Error::AppNotFound`], [`Error::NotFound`]).
    pub fn is_not_found(&self) -> bool {
        matches!(self, Error::AppNotFound { .. } | Error::NotFound { .. })
    }
}
