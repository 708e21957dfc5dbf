//! `buildpacks:*` results.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{de, Property};
use crate::api::report::report_of;
use crate::name::AppName;

/// `buildpacks:report` for one app, or `--global`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all(deserialize = "kebab-case"))]
pub struct BuildpacksReport {
    /// The app, when known (`None` for `--global`).
    #[serde(skip_deserializing)]
    pub app: Option<AppName>,
    /// The app's buildpacks, in order (Dokku prints them comma-separated).
    #[serde(deserialize_with = "de::comma_list")]
    pub list: Vec<String>,
    /// The herokuish stack image (`buildpacks:set-property … stack`).
    pub stack: Property,
    /// Every key Dokku printed.
    #[serde(skip_deserializing)]
    pub raw: BTreeMap<String, String>,
}

report_of!(BuildpacksReport, BUILDPACKS);
