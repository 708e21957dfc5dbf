//! `buildpacks:*` results.

use super::{de, Property};
use crate::api::report::typed_report;

typed_report! {
    /// `buildpacks:report` for one app, or `--global`.
    pub struct BuildpacksReport for BUILDPACKS {
        /// The app's buildpacks, in order (Dokku prints them comma-separated).
        #[serde(deserialize_with = "de::comma_list")]
        pub list: Vec<String>,
        /// The herokuish stack image (`buildpacks:set-property … stack`).
        pub stack: Property,
    }
}
