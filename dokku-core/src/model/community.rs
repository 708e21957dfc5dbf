//! The community plugins' results: dokku-maintenance, dokku-http-auth and
//! dokku-redirect (established from their source; not recorded).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::api::report::report_of;
use crate::name::AppName;

/// `maintenance:report` for one app (dokku-maintenance; JSON from 0.9.0).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all(deserialize = "kebab-case"))]
pub struct MaintenanceReport {
    /// The app, when known.
    #[serde(skip_deserializing)]
    pub app: Option<AppName>,
    /// Whether the app serves its maintenance page.
    pub enabled: bool,
    /// The checksum of the custom page (0.10+); `None`: the default page.
    pub custom_page_sha256: Option<String>,
    /// Every key the plugin printed.
    #[serde(skip_deserializing)]
    pub raw: BTreeMap<String, String>,
}

report_of!(MaintenanceReport, MAINTENANCE);

/// `http-auth:report` for one app (dokku-http-auth; text only).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all(deserialize = "kebab-case"))]
pub struct HttpAuthReport {
    /// The app, when known.
    #[serde(skip_deserializing)]
    pub app: Option<AppName>,
    /// Whether basic auth is on.
    pub enabled: bool,
    /// Addresses that bypass it.
    pub allowed_ips: Vec<String>,
    /// The users (never their passwords).
    pub users: Vec<String>,
    /// Every key the plugin printed.
    #[serde(skip_deserializing)]
    pub raw: BTreeMap<String, String>,
}

report_of!(HttpAuthReport, HTTP_AUTH);

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
