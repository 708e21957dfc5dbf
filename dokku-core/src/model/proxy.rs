//! `proxy:report` results.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::Property;
use crate::api::report::report_of;
use crate::name::AppName;

/// `proxy:report` for one app, or the global part of it (`--global`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all(deserialize = "kebab-case"))]
pub struct ProxyReport {
    /// The app, when known.
    #[serde(skip_deserializing)]
    pub app: Option<AppName>,
    /// Whether the proxy is enabled for the app (`None` in the global
    /// report).
    pub enabled: Option<bool>,
    /// The proxy implementation (`nginx`, `caddy`, `haproxy`, `traefik` …).
    #[serde(rename(deserialize = "type"))]
    pub proxy_type: Property,
    /// The proxy's HTTP port.
    pub proxy_port: Property,
    /// The proxy's HTTPS port.
    pub proxy_ssl_port: Property,
    /// Pre-0.31 hosts list the port mappings in the proxy report
    /// (`proxy-port-map`); newer ones in `ports:report`.
    pub port_map: Option<String>,
    /// Every key Dokku printed.
    #[serde(skip_deserializing)]
    pub raw: BTreeMap<String, String>,
}

report_of!(ProxyReport, PROXY);
