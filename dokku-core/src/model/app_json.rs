//! `app-json:report` results.

use super::Property;
use crate::api::report::typed_report;

typed_report! {
    /// `app-json:report` for one app, or `--global`: where Dokku reads the
    /// app's `app.json` from (relative to the repository root).
    pub struct AppJsonReport for APP_JSON {
        /// `appjson-path`: the app's, the global and the computed value
        /// (`app.json` by default).
        pub appjson_path: Property,
    }
}
