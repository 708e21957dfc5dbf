//! One error type, one line on stderr (plus a hint) or, with `--json`, one
//! JSON object on stderr; one documented exit code: 0 ok, 1 the Dokku
//! command failed, 2 usage error or refused (nothing was changed), 3
//! connection / authentication / host key, 4 not found, 5 an app's stored
//! config is corrupt on the host (only an admin can repair it), 6 a fleet
//! command finished but some hosts failed (each host's outcome is
//! printed), 7 a deploy's build failed or was cancelled, 130 interrupted. A closed standard output is not an error:
//! the command ends quietly with 0.

use std::fmt;
use std::io;

use anstyle::{AnsiColor, Style};
use dokku::ExecError;
use dokku_fleet::FleetError;
use serde_json::json;

use crate::common::{ConnectError, UsageError};

pub const EXIT_FAILED: u8 = 1;
pub const EXIT_USAGE: u8 = 2;
pub const EXIT_CONNECT: u8 = 3;
pub const EXIT_NOT_FOUND: u8 = 4;
pub const EXIT_CORRUPT_CONFIG: u8 = 5;
pub const EXIT_HOSTS_FAILED: u8 = 6;
pub const EXIT_DEPLOY_FAILED: u8 = 7;
pub const EXIT_INTERRUPTED: u8 = 130;

#[derive(Debug)]
pub enum CliError {
    /// The command line is wrong; nothing ran.
    Usage { message: String, hint: String },
    /// A confirmation was refused or could not be asked; nothing ran.
    Refused { message: String, hint: String },
    /// A Dokku call failed.
    Dokku(dokku::Error),
    /// The host could not be reached.
    Connect(ConnectError),
    /// The host registry, a selection of hosts, a pin, or one host of a
    /// fleet.
    Fleet(FleetError),
    /// A fleet command ran on every selected host and printed each one's
    /// outcome, but these hosts failed.
    HostsFailed { failed: Vec<String>, total: usize },
    /// The audit history failed.
    History(dokku_history::HistoryError),
    /// Something asked for does not exist (a history record …).
    NotFound { message: String, hint: String },
    /// Anything else that failed (a broken hash chain …).
    Failed { message: String, hint: String },
    /// A deploy ran and its build failed (or was cancelled): Dokku's
    /// verdict, not a transport failure.
    DeployFailed { message: String, hint: String },
    /// Reading our input or writing our output failed; a closed pipe ends
    /// quietly.
    Io(io::Error),
    /// Ctrl-C.
    Interrupted,
}

impl CliError {
    pub fn usage(message: impl Into<String>, hint: impl Into<String>) -> Self {
        CliError::Usage {
            message: message.into(),
            hint: hint.into(),
        }
    }

    pub fn refused(message: impl Into<String>, hint: impl Into<String>) -> Self {
        CliError::Refused {
            message: message.into(),
            hint: hint.into(),
        }
    }

    pub fn failed(message: impl Into<String>, hint: impl Into<String>) -> Self {
        CliError::Failed {
            message: message.into(),
            hint: hint.into(),
        }
    }

    pub fn deploy_failed(message: impl Into<String>, hint: impl Into<String>) -> Self {
        CliError::DeployFailed {
            message: message.into(),
            hint: hint.into(),
        }
    }

    pub fn not_found(message: impl Into<String>, hint: impl Into<String>) -> Self {
        CliError::NotFound {
            message: message.into(),
            hint: hint.into(),
        }
    }

    /// Dokku saying what the command names does not exist
    /// ([`dokku::Error::NotFound`]) as "not found" (exit 4) in our words;
    /// any other error as it is.
    pub fn missing(error: dokku::Error, message: String, hint: &str) -> Self {
        match error {
            dokku::Error::NotFound { .. } => CliError::not_found(message, hint),
            other => CliError::Dokku(other),
        }
    }

    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::Usage { .. } | CliError::Refused { .. } => EXIT_USAGE,
            CliError::Connect(_) => EXIT_CONNECT,
            CliError::HostsFailed { .. } => EXIT_HOSTS_FAILED,
            CliError::Fleet(e) => fleet_exit_code(e),
            CliError::NotFound { .. } => EXIT_NOT_FOUND,
            CliError::DeployFailed { .. } => EXIT_DEPLOY_FAILED,
            // A rollback refused before anything was sent.
            CliError::History(dokku_history::HistoryError::RollbackRefused { .. }) => EXIT_USAGE,
            CliError::Interrupted => EXIT_INTERRUPTED,
            CliError::History(_) | CliError::Failed { .. } | CliError::Io(_) => EXIT_FAILED,
            CliError::Dokku(e) => match e {
                dokku::Error::AppNotFound { .. } | dokku::Error::NotFound { .. } => EXIT_NOT_FOUND,
                dokku::Error::InvalidArgument { .. }
                | dokku::Error::UnstorableConfigValue { .. } => EXIT_USAGE,
                dokku::Error::CorruptConfig { .. } => EXIT_CORRUPT_CONFIG,
                dokku::Error::Transport {
                    source: ExecError::Unsupported { .. } | ExecError::TransportWord { .. },
                    ..
                } => EXIT_USAGE,
                dokku::Error::Transport { source, .. } if is_connection(source) => EXIT_CONNECT,
                _ => EXIT_FAILED,
            },
        }
    }

    /// The stable word scripts read from a `--json` error: one per exit
    /// code.
    pub fn code(&self) -> &'static str {
        match (self, self.exit_code()) {
            (CliError::Refused { .. }, _)
            | (CliError::History(dokku_history::HistoryError::RollbackRefused { .. }), _) => {
                "refused"
            }
            (_, EXIT_USAGE) => "usage",
            (_, EXIT_CONNECT) => "connection",
            (_, EXIT_NOT_FOUND) => "not_found",
            (_, EXIT_CORRUPT_CONFIG) => "corrupt_config",
            (_, EXIT_HOSTS_FAILED) => "hosts_failed",
            (_, EXIT_DEPLOY_FAILED) => "deploy_failed",
            (_, EXIT_INTERRUPTED) => "interrupted",
            _ => "failed",
        }
    }

    /// A closed stdout (`cli apps list | head -1`) is not an error worth
    /// a message, wherever the write failed.
    pub fn is_broken_pipe(&self) -> bool {
        let mut error: Option<&(dyn std::error::Error + 'static)> = match self {
            CliError::Io(e) => Some(e),
            CliError::History(e) => Some(e),
            _ => None,
        };
        while let Some(e) = error {
            if e.downcast_ref::<io::Error>()
                .is_some_and(|io| io.kind() == io::ErrorKind::BrokenPipe)
            {
                return true;
            }
            error = e.source();
        }
        false
    }

    fn hint(&self) -> Option<String> {
        match self {
            CliError::Usage { hint, .. }
            | CliError::Refused { hint, .. }
            | CliError::NotFound { hint, .. }
            | CliError::Failed { hint, .. }
            | CliError::DeployFailed { hint, .. } => Some(hint.clone()),
            CliError::History(dokku_history::HistoryError::RollbackRefused { app, .. }) => Some(
                format!("`cli releases {app}` lists the releases; `cli deploy {app} …` deploys any source"),
            ),
            CliError::Connect(ConnectError::Ssh(_)) => Some(
                "check the host and port, --ssh-key, and that its key is in known_hosts \
                 (--known-hosts FILE)"
                    .to_owned(),
            ),
            CliError::Connect(ConnectError::Registered { name, error }) => {
                fleet_hint(error, Some(name))
            }
            CliError::Fleet(e) => fleet_hint(e, e.host().map(|h| h.as_str())),
            CliError::HostsFailed { .. } => Some(
                "each host's outcome is printed above (the failed ones again on stderr)".to_owned(),
            ),
            CliError::Connect(ConnectError::Demo(_)) => {
                Some("check --demo-state DIR (or remove it to start afresh)".to_owned())
            }
            CliError::History(_) => {
                Some("check --history-db PATH (or DOKKU_HISTORY_DB)".to_owned())
            }
            CliError::Io(_) | CliError::Interrupted => None,
            CliError::Dokku(e) => dokku_hint(e),
        }
    }

    /// Print the error on stderr: a line and its hint for people, one JSON
    /// object (`{"error": {"code", "exit_code", "message", "hint"}}`) with
    /// `--json`.
    pub fn report(&self, json: bool) {
        if self.is_broken_pipe() || matches!(self, CliError::Interrupted) {
            return;
        }
        report_message(
            json,
            self.code(),
            self.exit_code(),
            &self.to_string(),
            self.hint(),
        );
    }
}

/// Print an error message the way [`CliError::report`] does (also for
/// clap's own usage errors).
pub fn report_message(json: bool, code: &str, exit: u8, message: &str, hint: Option<String>) {
    let mut err = anstream::stderr();
    if json {
        let value = json!({
            "error": { "code": code, "exit_code": exit, "message": message, "hint": hint }
        });
        let _ = io::Write::write_fmt(&mut err, format_args!("{value}\n"));
        return;
    }
    let red = Style::new().fg_color(Some(AnsiColor::Red.into())).bold();
    let dim = Style::new().dimmed();
    let _ = io::Write::write_fmt(&mut err, format_args!("{red}error:{red:#} {message}\n"));
    if let Some(hint) = hint {
        let _ = io::Write::write_fmt(&mut err, format_args!("{dim}hint:{dim:#} {hint}\n"));
    }
}

/// A fleet error's exit code: the registry or a selection is a usage
/// error, a host not in it is not found, anything about reaching a host
/// or its key is a connection error, Dokku's own failures are as for one
/// host.
fn fleet_exit_code(e: &FleetError) -> u8 {
    match e {
        FleetError::Registry { .. }
        | FleetError::NoConfigDir
        | FleetError::InvalidName { .. }
        | FleetError::InvalidSelection { .. }
        | FleetError::InvalidTarget { .. }
        | FleetError::InvalidPin { .. }
        | FleetError::NothingSelected { .. }
        | FleetError::DuplicateHost { .. }
        | FleetError::EmptyPlan => EXIT_USAGE,
        FleetError::UnknownHost { .. } => EXIT_NOT_FOUND,
        FleetError::AlreadyPinned { .. }
        | FleetError::PinMismatch { .. }
        | FleetError::Enrol { .. } => EXIT_CONNECT,
        FleetError::Dokku { source, .. } => match source.as_ref() {
            dokku::Error::Transport { source, .. } if is_connection(source) => EXIT_CONNECT,
            dokku::Error::AppNotFound { .. } => EXIT_NOT_FOUND,
            _ => EXIT_FAILED,
        },
        e if e.is_unreachable() => EXIT_CONNECT,
        _ => EXIT_FAILED,
    }
}

/// What to do about a fleet error (`host`: the registry name it is about).
pub fn fleet_hint(e: &FleetError, host: Option<&str>) -> Option<String> {
    let host = host.unwrap_or("NAME");
    Some(match e {
        FleetError::Registry { .. } => {
            "fix the host registry at that line (`cli hosts list` reads it)".to_owned()
        }
        FleetError::UnknownHost { .. } => "`cli hosts list` shows the registered hosts".to_owned(),
        FleetError::NothingSelected { .. } | FleetError::InvalidSelection { .. } => {
            "select hosts by labels (env=prod,region=eu), by names (eu-1,us-1) or `all`;              `cli hosts list` shows them"
                .to_owned()
        }
        FleetError::NotPinned { .. } => format!(
            "`cli hosts pin {host}` shows its key's fingerprint and pins it once you confirm"
        ),
        FleetError::HostKeyRefused { pinned, .. } | FleetError::AlreadyPinned { pinned, .. } => {
            format!(
                "check the new fingerprint out of band (`cli hosts pin {host} --dry-run`                  shows it without pinning); if the key was replaced on purpose:                  `cli hosts pin {host} --replace {pinned}`"
            )
        }
        FleetError::AuthFailed { .. } => {
            "check the host's `identity` in the registry (or your ssh-agent)".to_owned()
        }
        FleetError::Unreachable { .. } | FleetError::TimedOut { .. } | FleetError::Enrol { .. } => {
            "check the host, the port and the network".to_owned()
        }
        FleetError::Dokku { source, .. } => return dokku_hint(source),
        FleetError::NoConfigDir => "pass --hosts-file FILE".to_owned(),
        _ => return None,
    })
}

fn is_connection(e: &ExecError) -> bool {
    matches!(
        e,
        ExecError::Connect { .. }
            | ExecError::ConnectTimeout { .. }
            | ExecError::Auth { .. }
            | ExecError::HostKeyUnknown { .. }
            | ExecError::HostKeyChanged { .. }
            | ExecError::Disconnected { .. }
            | ExecError::Spawn { .. }
    )
}

fn dokku_hint(e: &dokku::Error) -> Option<String> {
    Some(
        match e {
            dokku::Error::AppNotFound { .. } => "`cli apps list` shows the apps on this host",
            dokku::Error::AppNotDeployed { .. } => {
                "deploy it first (git push dokku main), or check the app name"
            }
            dokku::Error::AppExists { .. } => "pick another name, or use the existing app",
            dokku::Error::NotADokkuCommand { .. } => {
                "the plugin may be missing on this host: `cli raw -- plugin:list`"
            }
            dokku::Error::Unsupported { .. } => "upgrade Dokku or install the plugin on the host",
            dokku::Error::NotFound {
                what: "service",
                command,
                ..
            } => {
                let plugin = command
                    .strip_prefix("dokku ")
                    .and_then(|c| c.split(':').next())
                    .unwrap_or("PLUGIN");
                return Some(format!("`cli services {plugin} list` shows the services"));
            }
            dokku::Error::NotFound { command, .. } => {
                return Some(format!("check the name given to `{command}`"));
            }
            dokku::Error::Parse { .. } => "this host's Dokku may be newer than this tool knows",
            dokku::Error::InvalidArgument { .. } => "nothing was sent; see --help for the command",
            dokku::Error::UnstorableConfigValue { .. } => {
                "nothing was sent; `cli config --help` lists the values Dokku cannot store"
            }
            dokku::Error::CorruptConfig { app, global, .. } => {
                return Some(corrupt_config_hint(app.as_deref(), *global));
            }
            dokku::Error::Transport { source, .. } => match source {
                ExecError::HostKeyUnknown { .. } => {
                    "check the host's key fingerprint, then add it to known_hosts"
                }
                ExecError::HostKeyChanged { .. } => {
                    "if the host was reinstalled, remove its old key from known_hosts; otherwise stop"
                }
                ExecError::Auth { .. } => "check --ssh-key (or your ssh-agent) and the user",
                ExecError::Unsupported { .. } => {
                    "a push needs an SSH host (--host); here deploy with --image, --repo or --archive"
                }
                ExecError::TransportWord { .. } => {
                    "move the file to a path without spaces, quotes, `%` or `$` (or use --ssh-config)"
                }
                ExecError::Spawn { .. } => "is Dokku installed here? Use --host or --demo otherwise",
                ExecError::Input { .. } => {
                    "the command was stopped before its input ended, but it may have used part of it: check the result, then run it again"
                }
                _ if is_connection(source) => "check the host, the port and the network",
                _ => return None,
            },
            _ => return None,
        }
        .to_owned(),
    )
}

/// How an admin repairs an ENV file Dokku can no longer read (no Dokku
/// command can): find the line, delete it as the dokku user, check.
fn corrupt_config_hint(app: Option<&str>, global: bool) -> String {
    const GLOBAL_FILE: &str = "/var/lib/dokku/config/--global/ENV";
    let (file, check) = match app {
        Some(app) => (
            format!("/var/lib/dokku/config/{app}/ENV"),
            format!("dokku config:keys {app}"),
        ),
        None => (
            GLOBAL_FILE.to_owned(),
            "dokku config:keys --global".to_owned(),
        ),
    };
    let or_global = if global && app.is_some() {
        format!(" (or {GLOBAL_FILE}: this command read both)")
    } else {
        String::new()
    };
    format!(
        "an admin must edit the file on the host, no Dokku command can repair it: \
         `sudo grep -n '\\\\\"$' {file}`{or_global} finds the value ending in a backslash; \
         delete that line with `sudo -u dokku sed -i '/^KEY=/d' {file}`, check with \
         `{check}`, then set the value again in a form Dokku can store \
         (`cli config --help` explains)"
    )
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CliError::Usage { message, .. }
            | CliError::Refused { message, .. }
            | CliError::NotFound { message, .. }
            | CliError::Failed { message, .. }
            | CliError::DeployFailed { message, .. } => f.write_str(message),
            CliError::History(e @ dokku_history::HistoryError::RollbackRefused { .. }) => {
                write!(f, "{e}; nothing was sent")
            }
            CliError::Dokku(e) => match e {
                // Dokku's own words are the useful part: say which command
                // and what it said, on one line.
                dokku::Error::CommandFailed {
                    command,
                    message,
                    status,
                    ..
                } => {
                    let message = message.lines().collect::<Vec<_>>().join(" / ");
                    match message.trim() {
                        // Everything it said was shown live (a stream).
                        "" => write!(f, "`{command}` failed ({status})"),
                        _ => write!(f, "`{command}` failed: {message}"),
                    }
                }
                // The reason already names the call (`letsencrypt:set: …`).
                dokku::Error::InvalidArgument { what, reason, .. } => {
                    if reason.starts_with(what) {
                        f.write_str(reason)
                    } else {
                        write!(f, "{what}: {reason}")
                    }
                }
                other => write!(f, "{other}"),
            },
            CliError::Connect(e) => write!(f, "{e}"),
            CliError::Fleet(e) => write!(f, "{e}"),
            CliError::HostsFailed { failed, total } => write!(
                f,
                "{} of {total} host(s) failed: {}",
                failed.len(),
                failed.join(", ")
            ),
            CliError::History(e) => write!(f, "audit history: {e}"),
            CliError::Io(e) => write!(f, "{e}"),
            CliError::Interrupted => f.write_str("interrupted"),
        }
    }
}

impl From<dokku::Error> for CliError {
    fn from(e: dokku::Error) -> Self {
        CliError::Dokku(e)
    }
}

impl From<ConnectError> for CliError {
    fn from(e: ConnectError) -> Self {
        CliError::Connect(e)
    }
}

impl From<FleetError> for CliError {
    fn from(e: FleetError) -> Self {
        CliError::Fleet(e)
    }
}

impl From<dokku_history::HistoryError> for CliError {
    fn from(e: dokku_history::HistoryError) -> Self {
        CliError::History(e)
    }
}

impl From<io::Error> for CliError {
    fn from(e: io::Error) -> Self {
        CliError::Io(e)
    }
}

impl From<UsageError> for CliError {
    fn from(e: UsageError) -> Self {
        CliError::usage(e.0, "see `cli --help` for the target flags")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_closed_pipe_is_found_inside_other_errors() {
        let pipe = CliError::Io(io::Error::from(io::ErrorKind::BrokenPipe));
        assert!(pipe.is_broken_pipe());
        assert!(!CliError::Io(io::Error::other("disk full")).is_broken_pipe());
    }

    #[test]
    fn every_exit_code_has_one_stable_word() {
        assert_eq!(CliError::usage("x", "y").code(), "usage");
        assert_eq!(CliError::refused("x", "y").code(), "refused");
        assert_eq!(CliError::refused("x", "y").exit_code(), EXIT_USAGE);
        assert_eq!(CliError::not_found("x", "y").code(), "not_found");
        assert_eq!(CliError::failed("x", "y").code(), "failed");
        assert_eq!(CliError::Interrupted.code(), "interrupted");
    }

    #[test]
    fn a_failure_that_said_nothing_more_names_its_exit_instead() {
        let failed = |message: &str| {
            CliError::Dokku(dokku::Error::CommandFailed {
                command: "dokku ps:rebuild --all".to_owned(),
                status: dokku::ExitStatus::code(1),
                message: message.to_owned(),
                stdout: String::new(),
                stderr: String::new(),
            })
            .to_string()
        };
        assert_eq!(failed(""), "`dokku ps:rebuild --all` failed (exit 1)");
        assert_eq!(
            failed("App api does not exist\nsee help"),
            "`dokku ps:rebuild --all` failed: App api does not exist / see help"
        );
    }
}
