//! `registry:report` results.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::Property;
use crate::api::report::report_of;
use crate::name::AppName;

/// `registry:report` for one app, or `--global`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all(deserialize = "kebab-case"))]
pub struct RegistryReport {
    /// The app, when known (`None` for `--global`).
    #[serde(skip_deserializing)]
    pub app: Option<AppName>,
    /// The image repository (app only; `dokku/<app>` computed).
    pub image_repo: Property,
    /// A template for the repository (`{{ .AppName }}`).
    pub image_repo_template: Property,
    /// Extra tags pushed with each release.
    pub push_extra_tags: Property,
    /// Whether images are pushed on release.
    pub push_on_release: Property,
    /// The registry server.
    pub server: Property,
    /// The tag of the last pushed image.
    pub tag_version: Option<String>,
    /// Every key Dokku printed.
    #[serde(skip_deserializing)]
    pub raw: BTreeMap<String, String>,
}
report_of!(RegistryReport, REGISTRY);
