//! The community plugins' results: dokku-maintenance, dokku-http-auth and
//! dokku-redirect (established from their source; not recorded).

use serde::{Deserialize, Serialize};

use crate::api::report::typed_report;

typed_report! {
    /// `maintenance:report` for one app (dokku-maintenance; JSON from 0.9.0).
    pub struct MaintenanceReport for MAINTENANCE {
        /// Whether the app serves its maintenance page.
        pub enabled: bool,
        /// The checksum of the custom page (0.10+); `None`: the default page.
        pub custom_page_sha256: Option<String>,
    }
}

typed_report! {
    /// `http-auth:report` for one app (dokku-http-auth; text only).
    pub struct HttpAuthReport for HTTP_AUTH {
        /// Whether basic auth is on.
        pub enabled: bool,
        /// Addresses that bypass it.
        pub allowed_ips: Vec<String>,
        /// The users (never their passwords).
        pub users: Vec<String>,
    }
}

/// One redirect of `redirect <app>` (dokku-redirect).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Redirect {
    /// The domain redirected.
    pub source: String,
    /// Where it goes.
    pub destination: String,
    /// The HTTP status (301 unless set).
    pub code: u16,
}
