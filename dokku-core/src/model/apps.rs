//! `apps:*` results.

use crate::api::report::typed_report;
use crate::model::Property;
use crate::name::AppName;
use crate::parse::ParseError;

typed_report! {
    /// `apps:report` for one app. JSON does not name the app: `app` then
    /// comes from its directory.
    pub struct AppReport for APPS then AppReport::app_from_dir {
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
    }
}

impl AppReport {
    fn app_from_dir(&mut self) -> Result<(), ParseError> {
        if self.app.is_none() {
            if let Some(name) = self
                .dir
                .as_deref()
                .and_then(|d| d.trim_end_matches('/').rsplit('/').next())
            {
                self.app = Some(AppName::legacy(name).map_err(|e| {
                    ParseError::new("apps:report", format!("not an app name: {}", e.rule))
                })?);
            }
        }
        Ok(())
    }

    /// Whether the app was ever deployed.
    pub fn is_deployed(&self) -> bool {
        self.deploy_source.is_some()
    }
}
