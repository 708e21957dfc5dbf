//! `plugin:list` rows.

use serde::{Deserialize, Serialize};

use crate::model::de::non_empty;
use crate::name::PluginName;

/// One installed plugin: a row of `plugin:list`, whose JSON (0.38.22+)
/// it reads as it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PluginInfo {
    /// The plugin's name (`postgres`, `00_dokku-standard` …).
    pub name: PluginName,
    /// Its version as the plugin declares it (not always semver).
    pub version: String,
    /// Whether it is enabled.
    pub enabled: bool,
    /// Whether it ships with Dokku; only the JSON format says (0.38.22+).
    #[serde(default)]
    pub core: Option<bool>,
    /// Its one-line description.
    #[serde(default)]
    pub description: String,
    /// Where it was installed from (JSON format, git installs only).
    #[serde(default, deserialize_with = "non_empty")]
    pub source_url: Option<String>,
    /// The installed commit (JSON format, git installs only).
    #[serde(default, deserialize_with = "non_empty")]
    pub committish: Option<String>,
    /// The checked-out branch (JSON format, git installs only).
    #[serde(default, deserialize_with = "non_empty")]
    pub branch: Option<String>,
}
