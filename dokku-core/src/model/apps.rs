//! `apps:*` results.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::api::report::Report;
use crate::catalog::{plugins, Plugin};
use crate::model::Property;
use crate::name::AppName;
use crate::parse::report::RawReport;
use crate::parse::ParseError;

/// `apps:report` for one app.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all(deserialize = "kebab-case"))]
pub struct AppReport {
    /// The app, when the output names it (text reports, or derived from
    /// `app-dir`).
    #[serde(skip_deserializing)]
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
    /// Whether a push to an unknown app is refused instead of creating it
    /// (global only: `apps:set --global disable-autocreation true`).
    pub disable_autocreation: Property,
    /// Every key Dokku printed, by JSON key (`app-dir`, `dir` …).
    #[serde(skip_deserializing)]
    pub raw: BTreeMap<String, String>,
}

impl Report for AppReport {
    fn plugin() -> &'static Plugin {
        &plugins::APPS
    }

    /// JSON does not name the app; its directory does.
    fn attach(&mut self, app: Option<AppName>, raw: RawReport) -> Result<(), ParseError> {
        self.app = match app {
            Some(app) => Some(app),
            None => match self
                .dir
                .as_deref()
                .and_then(|d| d.trim_end_matches('/').rsplit('/').next())
            {
                Some(name) => Some(AppName::legacy(name).map_err(|e| {
                    ParseError::new("apps:report", format!("not an app name: {}", e.rule))
                })?),
                None => None,
            },
        };
        self.raw = raw.fields;
        Ok(())
    }
}

impl AppReport {
    /// Whether the app was ever deployed.
    pub fn is_deployed(&self) -> bool {
        self.deploy_source.is_some()
    }
}
