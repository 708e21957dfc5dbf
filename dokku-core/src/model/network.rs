//! `network:*` results: the report, the network list and one network.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::Property;
use crate::api::report::typed_report;

typed_report! {
    /// `network:report` for one app, or `--global`.
    pub struct NetworkReport for NETWORK {
        /// Networks attached when a container is created.
        pub attach_post_create: Property,
        /// Networks attached after a deploy.
        pub attach_post_deploy: Property,
        /// Whether the app listens on every interface.
        pub bind_all_interfaces: Property,
        /// The network containers start on.
        pub initial_network: Property,
        /// A fixed `host:port` the proxy sends traffic to (app only).
        pub static_web_listener: Property,
        /// The TLD of the app's network aliases.
        pub tld: Property,
        /// The `ip:port` pairs the app's web containers listen on.
        pub web_listeners: Vec<String>,
    }
}

/// A Docker network, as `network:list --format json` and `network:info`
/// print it (Dokku's `DockerNetwork`, keys in Go's field names).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct Network {
    /// Its name.
    #[serde(rename = "Name")]
    pub name: String,
    /// Docker's id.
    #[serde(rename = "ID")]
    pub id: String,
    /// `bridge`, `overlay` …
    #[serde(rename = "Driver")]
    pub driver: String,
    /// `local`, `swarm` …
    #[serde(rename = "Scope")]
    pub scope: String,
    /// Whether Dokku created it.
    #[serde(rename = "DokkuManaged")]
    pub dokku_managed: bool,
    /// Whether it is internal (no outside access).
    #[serde(rename = "Internal")]
    pub internal: bool,
    /// Whether IPv6 is on.
    #[serde(rename = "IPv6")]
    pub ipv6: bool,
    /// When it was created (RFC 3339).
    #[serde(rename = "CreatedAt")]
    pub created_at: String,
    /// Its labels.
    #[serde(rename = "Labels", deserialize_with = "null_map")]
    pub labels: BTreeMap<String, String>,
}

fn null_map<'de, D: serde::Deserializer<'de>>(d: D) -> Result<BTreeMap<String, String>, D::Error> {
    Ok(Option::<BTreeMap<String, String>>::deserialize(d)?.unwrap_or_default())
}
