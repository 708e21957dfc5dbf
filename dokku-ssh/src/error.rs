//! What can go wrong talking to a Dokku host over SSH.

use dokku_core::quote::QuoteError;
use dokku_core::ExecError;

/// An SSH failure, classified.
///
/// OpenSSH reports most connection problems only as text on its stderr;
/// this crate reads that text once, when connecting, so callers get a
/// kind they can match on (and that maps into [`ExecError`] without losing it).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SshError {
    /// The host is not in known_hosts and the policy is strict.
    #[error("the host key of {host} is not known; check its fingerprint and add it to known_hosts, or connect with HostKeyPolicy::AcceptNew")]
    HostKeyUnknown {
        /// The destination.
        host: String,
    },
    /// The host's key differs from the one recorded in known_hosts.
    #[error("the host key of {host} has CHANGED since it was recorded; this may be an attack, refusing to connect")]
    HostKeyChanged {
        /// The destination.
        host: String,
    },
    /// The server did not accept our credentials.
    #[error("authentication to {host} failed: {reason}")]
    AuthFailed {
        /// The destination.
        host: String,
        /// OpenSSH's message.
        reason: String,
    },
    /// The connection could not be established (refused, unreachable,
    /// name not resolved).
    #[error("could not connect to {host}: {reason}")]
    ConnectFailed {
        /// The destination.
        host: String,
        /// OpenSSH's message.
        reason: String,
    },
    /// Connecting took longer than the connect timeout.
    #[error("connecting to {host} timed out")]
    ConnectTimeout {
        /// The destination.
        host: String,
    },
    /// The connection dropped; whether a running command took effect is
    /// unknown.
    #[error("the connection to {host} was lost")]
    Disconnected {
        /// The destination.
        host: String,
    },
    /// The server kept refusing to open a channel (too many sessions).
    #[error("{host} refused to open a channel: {reason}")]
    ChannelRefused {
        /// The destination.
        host: String,
        /// The server's reason.
        reason: String,
    },
    /// The command's arguments cannot cross SSH intact; nothing was sent.
    #[error("refused to send the command: {0}")]
    Refused(#[source] QuoteError),
    /// The executor was closed.
    #[error("the SSH executor is closed")]
    Closed,
    /// A host key or fingerprint given to pin could not be read.
    #[error("not a host key: {reason}")]
    InvalidHostKey {
        /// What is wrong with it.
        reason: String,
    },
    /// The destination cannot be used as asked (a pinned host needs a
    /// plain host name, address or ssh_config alias).
    #[error("cannot use the destination {destination}: {reason}")]
    InvalidDestination {
        /// The destination.
        destination: String,
        /// Why.
        reason: String,
    },
    /// A file the executor writes or reads for OpenSSH (a pinned host's
    /// known_hosts or ssh_config) could not be.
    #[error("{what} ({}): {source}", path.display())]
    Io {
        /// What was being done.
        what: &'static str,
        /// The file.
        path: std::path::PathBuf,
        /// The failure.
        #[source]
        source: std::io::Error,
    },
    /// Anything else OpenSSH reported. (The source is boxed so that no
    /// `openssh` type is part of this crate's API.)
    #[error("ssh error talking to {host}: {source}")]
    Other {
        /// The destination.
        host: String,
        /// The underlying error.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
}

impl SshError {
    /// Classify a failure to establish the connection from OpenSSH's words.
    pub(crate) fn from_connect(host: &str, error: openssh::Error) -> Self {
        let text = match &error {
            openssh::Error::Connect(io) | openssh::Error::Master(io) => io.to_string(),
            other => other.to_string(),
        };
        let is_connect = matches!(error, openssh::Error::Connect(_));
        Self::from_ssh_words(host, &text, is_connect).unwrap_or_else(|| SshError::Other {
            host: host.to_owned(),
            source: Box::new(error),
        })
    }

    /// Classify what OpenSSH printed when it could not connect; `None` when
    /// the words say nothing known (and `connecting` is false).
    pub(crate) fn from_ssh_words(host: &str, text: &str, connecting: bool) -> Option<Self> {
        let host = host.to_owned();
        let lower = text.to_ascii_lowercase();
        Some(
            if lower.contains("remote host identification has changed")
                || lower.contains("host key for") && lower.contains("has changed")
            {
                SshError::HostKeyChanged { host }
            } else if lower.contains("host key verification failed")
                || lower.contains("no ") && lower.contains("host key is known")
            {
                SshError::HostKeyUnknown { host }
            } else if lower.contains("permission denied")
                || lower.contains("too many authentication failures")
            {
                SshError::AuthFailed {
                    host,
                    reason: text.trim().to_owned(),
                }
            } else if lower.contains("timed out") {
                SshError::ConnectTimeout { host }
            } else if connecting {
                SshError::ConnectFailed {
                    host,
                    reason: text.trim().to_owned(),
                }
            } else {
                return None;
            },
        )
    }

    /// Classify a failure while running a command.
    pub(crate) fn from_command(host: &str, error: openssh::Error) -> Self {
        match error {
            openssh::Error::Disconnected | openssh::Error::RemoteProcessTerminated => {
                SshError::Disconnected {
                    host: host.to_owned(),
                }
            }
            other => SshError::Other {
                host: host.to_owned(),
                source: Box::new(other),
            },
        }
    }
}

impl From<SshError> for ExecError {
    fn from(error: SshError) -> Self {
        match error {
            SshError::HostKeyUnknown { host } => ExecError::HostKeyUnknown { host },
            SshError::HostKeyChanged { host } => ExecError::HostKeyChanged { host },
            SshError::AuthFailed { host, reason } => ExecError::Auth { host, reason },
            SshError::ConnectFailed { host, reason } => ExecError::Connect { host, reason },
            SshError::ConnectTimeout { host } => ExecError::ConnectTimeout { host },
            SshError::Disconnected { host } => ExecError::Disconnected { host },
            SshError::Refused(quote) => ExecError::ArgvRefused(quote),
            SshError::ChannelRefused { host, reason } => ExecError::Connect {
                host,
                reason: format!("channel refused: {reason}"),
            },
            other => ExecError::Other(other.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn connect_error(text: &str) -> SshError {
        let io = std::io::Error::new(std::io::ErrorKind::ConnectionAborted, text.to_owned());
        SshError::from_connect("h", openssh::Error::Connect(io))
    }

    #[test]
    fn openssh_messages_are_classified_and_keep_their_kind_in_exec_error() {
        let changed = connect_error(
            "@@@@@@@@@@@\n@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @\nHost key verification failed.",
        );
        assert!(matches!(changed, SshError::HostKeyChanged { .. }));
        assert!(matches!(
            ExecError::from(changed),
            ExecError::HostKeyChanged { .. }
        ));

        let unknown = connect_error("No ED25519 host key is known for [127.0.0.1]:2222 and you have requested strict checking.\nHost key verification failed.");
        assert!(matches!(unknown, SshError::HostKeyUnknown { .. }));
        assert!(matches!(
            ExecError::from(unknown),
            ExecError::HostKeyUnknown { .. }
        ));

        let auth = connect_error("dokku@h: Permission denied (publickey).");
        assert!(matches!(auth, SshError::AuthFailed { .. }));
        assert!(matches!(ExecError::from(auth), ExecError::Auth { .. }));

        let timeout = connect_error("connect to host h port 22: Connection timed out");
        assert!(matches!(timeout, SshError::ConnectTimeout { .. }));
        assert!(matches!(
            ExecError::from(timeout),
            ExecError::ConnectTimeout { .. }
        ));

        let refused = connect_error("connect to host h port 22: Connection refused");
        assert!(matches!(refused, SshError::ConnectFailed { .. }));
        let refused = ExecError::from(refused);
        assert!(matches!(refused, ExecError::Connect { .. }));
        assert!(refused.nothing_ran());

        let gone = SshError::from_command("h", openssh::Error::Disconnected);
        assert!(matches!(
            ExecError::from(gone),
            ExecError::Disconnected { .. }
        ));
    }
}
