//! `proxy:report` results.

use super::Property;
use crate::api::report::typed_report;

typed_report! {
    /// `proxy:report` for one app, or the global part of it (`--global`).
    pub struct ProxyReport for PROXY {
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
    }
}
