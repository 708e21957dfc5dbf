//! dokku-sim's one error type.

use std::path::PathBuf;

/// What can go wrong outside the simulated Dokku itself (whose failures are
/// exit codes and messages, as real Dokku's are).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The xargs pipeline that re-splits `SSH_ORIGINAL_COMMAND` could not run.
    #[error("could not run the xargs pipeline to split SSH_ORIGINAL_COMMAND: {0}")]
    Split(#[source] std::io::Error),
    /// Reading, writing or locking a state directory failed.
    #[error("{}: {source}", path.display())]
    StateIo {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// A state file holds something that is not a simulated host.
    #[error("{} is not a dokku-sim state: {reason}", path.display())]
    StateCorrupt {
        /// The file.
        path: PathBuf,
        /// What the decoder said.
        reason: String,
    },
}
