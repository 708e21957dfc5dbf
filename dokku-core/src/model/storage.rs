//! `storage:*` results: the app report, bind mounts and (0.38+) named
//! storage entries.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::api::report::typed_report;
use crate::parse::ParseError;

/// One attachment of a storage entry to an app (`attachment.<n>.*` keys).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[non_exhaustive]
pub struct StorageAttachment {
    /// Its position in the report (1-based).
    pub index: u32,
    /// The storage entry (`legacy-<hash>` for a host-path mount).
    pub entry_name: String,
    /// The host path.
    pub host_path: String,
    /// Where it is mounted in the container.
    pub container_path: String,
    /// The phases it is mounted in (`deploy`, `run`).
    pub phases: Vec<String>,
    /// The process type (`_default_`: every one).
    pub process_type: String,
    /// Mounted read-only.
    pub readonly: bool,
    /// A subpath of the entry.
    pub subpath: Option<String>,
    /// Ownership applied to the volume.
    pub volume_chown: Option<String>,
    /// Extra volume options.
    pub volume_options: Option<String>,
    /// Keys of this attachment this SDK does not know yet.
    pub other: BTreeMap<String, String>,
}

typed_report! {
    /// `storage:report` for one app: the `-v` flags per phase and the
    /// attachments they come from.
    #[non_exhaustive]
    pub struct StorageReport for STORAGE then StorageReport::attachments_from_raw {
        /// `-v` flags of the build phase.
        pub build_mounts: String,
        /// `-v` flags of the deploy phase.
        pub deploy_mounts: String,
        /// `-v` flags of `run` containers.
        pub run_mounts: String,
        /// The attachments, by index.
        #[serde(deserialize_with = "crate::model::de::filled_later")]
        pub attachments: Vec<StorageAttachment>,
    }
}

impl StorageReport {
    /// The `attachment.<n>.<field>` keys, one attachment per `<n>`.
    fn attachments_from_raw(&mut self) -> Result<(), ParseError> {
        let mut attachments: BTreeMap<u32, StorageAttachment> = BTreeMap::new();
        for (key, value) in &self.raw {
            let key = key.strip_prefix("storage-").unwrap_or(key);
            let Some(rest) = key.strip_prefix("attachment.") else {
                continue;
            };
            let bad = || {
                ParseError::new(
                    "storage:report",
                    format!("{key}: expected attachment.<n>.<field>"),
                )
            };
            let (index, field) = rest.split_once('.').ok_or_else(bad)?;
            let index: u32 = index.parse().map_err(|_| bad())?;
            let a = attachments.entry(index).or_default();
            a.index = index;
            let opt = || (!value.is_empty()).then(|| value.clone());
            match field {
                "entry-name" => a.entry_name.clone_from(value),
                "host-path" => a.host_path.clone_from(value),
                "container-path" => a.container_path.clone_from(value),
                "phases" => {
                    a.phases = value
                        .split(',')
                        .filter(|p| !p.is_empty())
                        .map(str::to_owned)
                        .collect();
                }
                "process-type" => a.process_type.clone_from(value),
                "readonly" => a.readonly = value == "true",
                "subpath" => a.subpath = opt(),
                "volume-chown" => a.volume_chown = opt(),
                "volume-options" => a.volume_options = opt(),
                other => {
                    a.other.insert(other.to_owned(), value.clone());
                }
            }
        }
        self.attachments = attachments.into_values().collect();
        Ok(())
    }
}

/// One bind mount of `storage:list`: `host:container` in text, with the
/// entry name in JSON.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct StorageMount {
    /// The storage entry (JSON only).
    #[serde(default)]
    pub entry_name: Option<String>,
    /// The host path (or Docker volume name).
    pub host_path: String,
    /// The path in the container.
    pub container_path: String,
}

/// A named storage entry (`storage:info`, `storage:list-entries`; 0.38+).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct StorageEntry {
    /// Its name.
    pub name: String,
    /// The scheduler it is for (`docker-local`, `k3s`).
    pub scheduler: String,
    /// Its directory on the host (docker-local).
    pub host_path: Option<String>,
    /// Its size (k3s).
    pub size: Option<String>,
    /// Its access mode (k3s).
    pub access_mode: Option<String>,
    /// Its storage class (k3s).
    pub storage_class: Option<String>,
    /// Its namespace (k3s).
    pub namespace: Option<String>,
    /// Ownership of the directory (`herokuish`, `heroku`, `packeto`, `false`).
    pub chown: Option<String>,
    /// Permissions of the directory (`0755`).
    pub mode: Option<String>,
    /// What happens to the data when the entry is destroyed.
    pub reclaim_policy: Option<String>,
    /// Annotations (k3s).
    pub annotations: BTreeMap<String, String>,
    /// Labels (k3s).
    pub labels: BTreeMap<String, String>,
    /// The entry format's version.
    pub schema_version: Option<u32>,
}

/// One entry of `storage:report --global`: the entry and the apps that
/// mount it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct StorageEntryUsage {
    /// The entry (the text form gives only its name and scheduler).
    pub entry: StorageEntry,
    /// The apps mounting it.
    #[serde(default, deserialize_with = "null_list")]
    pub mounted_by: Vec<String>,
}

fn null_list<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    Ok(Option::<Vec<String>>::deserialize(d)?.unwrap_or_default())
}
