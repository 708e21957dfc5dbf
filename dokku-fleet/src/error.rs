//! What can go wrong with a fleet: reading the registry, choosing hosts, and
//! each host's own failure. A per-host error always names the host (its
//! registry name and where it is reached), so a result read in a list of
//! many says which host gave what.

use std::path::PathBuf;
use std::time::Duration;

use dokku_core::ExecError;

use crate::name::HostName;

/// A fleet failure, classified.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FleetError {
    /// The registry file has a syntax error or a field that cannot be
    /// used; names the file, the line and column, and the field.
    #[error("{}:{line}:{column}: {field}: {reason}", file.display())]
    Registry {
        /// The registry file.
        file: PathBuf,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// The field (`hosts.prod-eu.identity`), or the table when the
        /// error is not in one field.
        field: String,
        /// What is wrong.
        reason: String,
    },
    /// The registry file could not be read or written.
    #[error("{what} {}: {source}", path.display())]
    RegistryIo {
        /// What was being done (`reading the host registry`).
        what: &'static str,
        /// The file.
        path: PathBuf,
        /// The failure.
        #[source]
        source: std::io::Error,
    },
    /// No platform configuration directory to find the registry in.
    #[error("no configuration directory for the host registry; give its path explicitly")]
    NoConfigDir,
    /// A host name that the registry or a selection cannot use.
    #[error("invalid host name {name:?}: {reason}")]
    InvalidName {
        /// The name as given.
        name: String,
        /// Which rule it breaks.
        reason: &'static str,
    },
    /// A selection (`env=prod,region=eu`, `a,b`, `all`) that cannot be read.
    #[error("invalid host selection {selection:?}: {reason}")]
    InvalidSelection {
        /// The selection as given.
        selection: String,
        /// Why.
        reason: String,
    },
    /// An SSH target that cannot be used (`dokku@host[:port]` or an
    /// ssh_config alias).
    #[error("invalid SSH target {target:?}: {reason}")]
    InvalidTarget {
        /// The target as given.
        target: String,
        /// Why.
        reason: String,
    },
    /// The selection names a host the fleet does not have.
    #[error("no host named {name} in the fleet")]
    UnknownHost {
        /// The name.
        name: String,
    },
    /// The selection matches no host; nothing was sent.
    #[error("no host matches {selection}; nothing was sent")]
    NothingSelected {
        /// The selection, as written.
        selection: String,
    },
    /// A second host of the same name was added to a fleet.
    #[error("the fleet already has a host named {host}")]
    DuplicateHost {
        /// The name.
        host: HostName,
    },
    /// An SSH host without a pinned key: the fleet connects only to hosts
    /// whose key it knows. Enrol it first.
    #[error(
        "{host} ({target}) has no pinned host key; enrol it (see its fingerprint, then pin it) before connecting"
    )]
    NotPinned {
        /// The host's registry name.
        host: HostName,
        /// Where it is reached.
        target: String,
    },
    /// The host presented a key that is not its pinned one. Nothing was
    /// authenticated or sent, and the pin was not changed.
    #[error(
        "{host} ({target}) presented a host key that is not its pinned key {pinned}; refusing to connect, nothing was sent. \
         If the key was replaced on purpose, check the new fingerprint out of band and replace the pin"
    )]
    HostKeyRefused {
        /// The host's registry name.
        host: HostName,
        /// Where it is reached.
        target: String,
        /// The fingerprint it is pinned to.
        pinned: String,
    },
    /// A host already pinned to one key was asked to pin another; a pin is
    /// never replaced silently ([`Registry::replace_pin`] names the old one).
    ///
    /// [`Registry::replace_pin`]: crate::Registry::replace_pin
    #[error(
        "{host} is pinned to {pinned}, not {offered}; a pin is only replaced by naming the old fingerprint"
    )]
    AlreadyPinned {
        /// The host's registry name.
        host: HostName,
        /// The fingerprint it is pinned to.
        pinned: String,
        /// The fingerprint offered.
        offered: String,
    },
    /// Not the host's pinned fingerprint (a pin replacement must name it).
    #[error("{host} is pinned to {pinned}, not {named}")]
    PinMismatch {
        /// The host's registry name.
        host: HostName,
        /// The fingerprint it is pinned to.
        pinned: String,
        /// The fingerprint named.
        named: String,
    },
    /// A key or fingerprint that cannot be pinned.
    #[error("{host}: {reason}")]
    InvalidPin {
        /// The host's registry name, or the target being enrolled.
        host: String,
        /// What is wrong with the key.
        reason: String,
    },
    /// The host cannot be reached (refused, unreachable, name not
    /// resolved, connection lost).
    #[error("{host} ({target}) is unreachable: {source}")]
    Unreachable {
        /// The host's registry name.
        host: HostName,
        /// Where it is reached.
        target: String,
        /// The transport failure.
        #[source]
        source: ExecError,
    },
    /// The host refused our credentials.
    #[error("{host} ({target}) refused authentication: {reason}")]
    AuthFailed {
        /// The host's registry name.
        host: HostName,
        /// Where it is reached.
        target: String,
        /// OpenSSH's words.
        reason: String,
    },
    /// The host did not finish within its timeout; it was abandoned (a
    /// command in flight was cancelled).
    #[error("{host} ({target}) did not answer within {after:?}")]
    TimedOut {
        /// The host's registry name.
        host: HostName,
        /// Where it is reached.
        target: String,
        /// Its timeout.
        after: Duration,
    },
    /// Dokku on the host answered with a failure, or its answer could not
    /// be read.
    #[error("{host}: {source}")]
    Dokku {
        /// The host's registry name.
        host: HostName,
        /// The client's classified error (command line redacted); boxed,
        /// it is large.
        #[source]
        source: Box<dokku_core::Error>,
    },
    /// The audit trail could not be read for the host.
    #[error("{host}: the audit trail: {source}")]
    History {
        /// The host's registry name.
        host: HostName,
        /// The store's error.
        #[source]
        source: dokku_history::HistoryError,
    },
    /// The host's operation panicked; the other hosts were not affected.
    #[error("{host}: the operation panicked")]
    Panicked {
        /// The host's registry name.
        host: HostName,
    },
    /// This kind of host cannot be used on this platform (SSH hosts need
    /// unix).
    #[error("{host} ({target}): {reason}")]
    Unsupported {
        /// The host's registry name.
        host: HostName,
        /// Where it is reached.
        target: String,
        /// Why.
        reason: &'static str,
    },
    /// First contact with a host being enrolled failed; nothing was pinned.
    #[error("enrolling {target}: {reason}")]
    Enrol {
        /// The target.
        target: String,
        /// What happened.
        reason: String,
    },
    /// A plan without commands.
    #[error("a plan needs at least one command")]
    EmptyPlan,
    /// A plan made by another fleet was given to execute.
    #[error("this plan was made by another fleet; make it again from this one")]
    ForeignPlan,
    /// A query whose data does not exist yet.
    #[error("{what} is not available yet: {reason}")]
    NotAvailable {
        /// The query.
        what: &'static str,
        /// Why, and what will provide it.
        reason: &'static str,
    },
}

impl FleetError {
    /// The host this error is about, when it is about one.
    pub fn host(&self) -> Option<&HostName> {
        match self {
            FleetError::NotPinned { host, .. }
            | FleetError::HostKeyRefused { host, .. }
            | FleetError::AlreadyPinned { host, .. }
            | FleetError::PinMismatch { host, .. }
            | FleetError::Unreachable { host, .. }
            | FleetError::AuthFailed { host, .. }
            | FleetError::TimedOut { host, .. }
            | FleetError::Dokku { host, .. }
            | FleetError::Panicked { host }
            | FleetError::DuplicateHost { host }
            | FleetError::Unsupported { host, .. } => Some(host),
            _ => None,
        }
    }

    /// Whether the host could not be reached at all (down, refusing,
    /// timed out, key refused, credentials refused): nothing Dokku said.
    pub fn is_unreachable(&self) -> bool {
        matches!(
            self,
            FleetError::Unreachable { .. }
                | FleetError::TimedOut { .. }
                | FleetError::HostKeyRefused { .. }
                | FleetError::AuthFailed { .. }
                | FleetError::NotPinned { .. }
        )
    }

    /// Classify a client error from a host: transport failures become
    /// [`FleetError::Unreachable`], [`FleetError::HostKeyRefused`] or
    /// [`FleetError::AuthFailed`]; the rest stay Dokku's.
    pub(crate) fn from_dokku(
        host: &HostName,
        target: &str,
        pinned: Option<&str>,
        error: dokku_core::Error,
    ) -> Self {
        match error {
            dokku_core::Error::Transport { source, .. } if is_connection(&source) => {
                Self::from_exec(host, target, pinned, source)
            }
            source => FleetError::Dokku {
                host: host.clone(),
                source: Box::new(source),
            },
        }
    }

    /// Classify a transport failure of a host's executor.
    pub(crate) fn from_exec(
        host: &HostName,
        target: &str,
        pinned: Option<&str>,
        error: ExecError,
    ) -> Self {
        let host = host.clone();
        let target = target.to_owned();
        match error {
            ExecError::HostKeyChanged { .. } | ExecError::HostKeyUnknown { .. } => {
                FleetError::HostKeyRefused {
                    host,
                    target,
                    pinned: pinned.unwrap_or("(none)").to_owned(),
                }
            }
            ExecError::Auth { reason, .. } => FleetError::AuthFailed {
                host,
                target,
                reason,
            },
            source => FleetError::Unreachable {
                host,
                target,
                source,
            },
        }
    }
}

/// Whether a transport failure is about reaching the host (rather than
/// about one command: refused arguments, too much output, cancelled).
fn is_connection(error: &ExecError) -> bool {
    !matches!(
        error,
        ExecError::ArgvRefused(_) | ExecError::OutputTooLarge { .. } | ExecError::Cancelled
    )
}
