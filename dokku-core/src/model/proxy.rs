//! `proxy:report` results.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::Property;
use crate::name::AppName;

/// `proxy:report` for one app, or the global part of it (`--global`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProxyReport {
    /// The app, when known.
    pub app: Option<AppName>,
    /// Whether the proxy is enabled for the app (`None` in the global
    /// report).
    pub enabled: Option<bool>,
    /// The proxy implementation (`nginx`, `caddy`, `haproxy`, `traefik` …).
    pub proxy_type: Property,
    /// The proxy's HTTP port.
    pub proxy_port: Property,
    /// The proxy's HTTPS port.
    pub proxy_ssl_port: Property,
    /// Pre-0.31 hosts list the port mappings in the proxy report
    /// (`proxy-port-map`); newer ones in `ports:report`.
    pub port_map: Option<String>,
    /// Every key Dokku printed.
    pub raw: BTreeMap<String, String>,
}
