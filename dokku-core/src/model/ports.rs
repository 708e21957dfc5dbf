//! `ports:*` results: port mappings and the ports report.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::api::report::typed_report;

use crate::error::Error;

/// One `scheme:host-port:container-port` mapping (`http:80:5000`).
///
/// Validated when built or parsed: a lower-case alphanumeric scheme, and
/// both ports in 1..=65535 (Dokku's `parsePortMapString` range check).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PortMapping {
    /// `http`, `https`, `tcp`, `udp`, `grpc` …
    pub scheme: String,
    /// The port the proxy listens on.
    pub host_port: u16,
    /// The port the app listens on inside its container.
    pub container_port: u16,
}

impl PortMapping {
    /// A mapping from parts; the scheme is checked like a parsed one.
    pub fn new(scheme: &str, host_port: u16, container_port: u16) -> Result<Self, Error> {
        format!("{scheme}:{host_port}:{container_port}").parse()
    }

    /// `http:<host>:<container>`.
    pub fn http(host_port: u16, container_port: u16) -> Self {
        Self {
            scheme: "http".to_owned(),
            host_port,
            container_port,
        }
    }

    /// `https:<host>:<container>`.
    pub fn https(host_port: u16, container_port: u16) -> Self {
        Self {
            scheme: "https".to_owned(),
            host_port,
            container_port,
        }
    }
}

impl fmt::Display for PortMapping {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}",
            self.scheme, self.host_port, self.container_port
        )
    }
}

impl FromStr for PortMapping {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = |reason: &str| Error::InvalidArgument {
            what: "port mapping",
            reason: format!("{s:?}: {reason}"),
        };
        let mut parts = s.split(':');
        let (Some(scheme), Some(host), Some(container), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(err("expected scheme:host-port:container-port"));
        };
        let scheme_ok = !scheme.is_empty()
            && scheme
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
        if !scheme_ok {
            return Err(err("the scheme must be lower-case letters and digits"));
        }
        let port = |p: &str| {
            p.parse::<u16>()
                .ok()
                .filter(|n| *n > 0 && p.bytes().all(|b| b.is_ascii_digit()))
        };
        let host_port = port(host).ok_or_else(|| err("the host port must be 1-65535"))?;
        let container_port =
            port(container).ok_or_else(|| err("the container port must be 1-65535"))?;
        Ok(Self {
            scheme: scheme.to_owned(),
            host_port,
            container_port,
        })
    }
}

typed_report! {
    /// `ports:report` for one app.
    pub struct PortsReport for PORTS {
        /// The mappings set on the app (`ports:add`/`ports:set`).
        #[serde(deserialize_with = "super::de::port_maps")]
        pub map: Vec<PortMapping>,
        /// The mappings Dokku detected from the deploy (used when `map` is
        /// empty). Older hosts do not report them.
        #[serde(
            rename(deserialize = "map-detected"),
            deserialize_with = "super::de::port_maps"
        )]
        pub detected: Vec<PortMapping>,
    }
}

impl PortsReport {
    /// The mappings in effect: the app's own, else the detected ones.
    pub fn effective(&self) -> &[PortMapping] {
        if self.map.is_empty() {
            &self.detected
        } else {
            &self.map
        }
    }
}
