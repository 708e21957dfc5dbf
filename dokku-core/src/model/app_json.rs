//! `app-json:report` results.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::Property;
use crate::api::report::report_of;
use crate::name::AppName;

/// `app-json:report` for one app, or `--global`: where Dokku reads the
/// app's `app.json` from (relative to the repository root).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all(deserialize = "kebab-case"))]
pub struct AppJsonReport {
    /// The app, when known (`None` for `--global`).
    #[serde(skip_deserializing)]
    pub app: Option<AppName>,
    /// `appjson-path`: the app's, the global and the computed value
    /// (`app.json` by default).
    pub appjson_path: Property,
    /// Every key Dokku printed.
    #[serde(skip_deserializing)]
    pub raw: BTreeMap<String, String>,
}

report_of!(AppJsonReport, APP_JSON);
