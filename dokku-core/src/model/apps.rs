//! `apps:*` results.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::name::AppName;

/// `apps:report` for one app.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppReport {
    /// The app, when the output names it (text reports, or derived from
    /// `app-dir`).
    pub app: Option<AppName>,
    /// The app's directory on the host (`/home/dokku/<app>`).
    pub dir: Option<String>,
    /// When the app was created, as a Unix timestamp.
    pub created_at: Option<u64>,
    /// How the app was last deployed: `git`, `docker-image`, `git-sync`,
    /// `archive` …; `None` if never deployed.
    pub deploy_source: Option<String>,
    /// Detail for the deploy source: a git sha, an image name …
    pub deploy_source_metadata: Option<String>,
    /// Whether the deploy lock is held.
    pub locked: bool,
    /// Every key Dokku printed, by JSON key (`app-dir`, `dir` …).
    pub raw: BTreeMap<String, String>,
}

impl AppReport {
    /// Whether the app was ever deployed.
    pub fn is_deployed(&self) -> bool {
        self.deploy_source.is_some()
    }
}
