//! `git:*` results: the deploy settings report and the deploy key.

use serde::{Deserialize, Serialize};

use super::Property;
use crate::api::report::typed_report;

typed_report! {
    /// `git:report` for one app, or `--global`: how pushes are deployed.
    pub struct GitReport for GIT {
        /// The branch a push deploys (`master` by default).
        pub deploy_branch: Property,
        /// Whether the `.git` directory is kept in the build context.
        pub keep_git_dir: Property,
        /// The environment variable holding the deployed revision (`GIT_REV`).
        pub rev_env_var: Property,
        /// The image `git:from-image` last deployed.
        pub source_image: Property,
        /// The most files `git:from-archive` extracts (the report prints only
        /// the global and computed values).
        pub archive_max_files: Property,
        /// The largest archive `git:from-archive` accepts, in bytes.
        pub archive_max_size: Property,
        /// When the repository last changed.
        pub last_updated_at: Option<String>,
        /// The deployed revision (`HEAD` until a push).
        pub sha: Option<String>,
    }
}

/// What `git:generate-deploy-key` did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub enum DeployKey {
    /// A new ed25519 key pair was generated.
    Generated,
    /// The host already had one (Dokku says so on stdout and exits 0);
    /// nothing changed.
    AlreadyExisted,
}
