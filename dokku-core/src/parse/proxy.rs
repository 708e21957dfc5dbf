//! Parser for `proxy:report`.
//!
//! Established from dokku/dokku `plugins/proxy/report.go` (Go): per app
//! `--proxy-{computed-,global-,}{type,proxy-port,proxy-ssl-port}`,
//! `--proxy-disabled`, `--proxy-computed-disabled` and `--proxy-enabled`;
//! `--global` reports only the global and computed ones. In 0.38 JSON
//! carries both `proxy-type` and `type` (`EmitLegacyPrefix`). Hosts before
//! 0.31 also print `Proxy port map` here.

use super::report::{self, parse_bool, RawReport};
use super::ParseError;
use crate::model::proxy::ProxyReport;
use crate::model::Property;
use crate::name::AppName;

const WHAT: &str = "proxy:report";

/// Build the typed report from the raw map.
pub fn typed(raw: &RawReport) -> Result<ProxyReport, ParseError> {
    let app = match &raw.subject {
        Some(name) if name != "--global" && name != "Global" => Some(
            AppName::legacy(name)
                .map_err(|e| ParseError::new(WHAT, format!("not an app name: {e}")))?,
        ),
        _ => None,
    };
    let enabled = raw.get("proxy-enabled").or_else(|| raw.get("enabled"));
    Ok(ProxyReport {
        app,
        enabled: parse_bool(WHAT, "proxy-enabled", enabled.unwrap_or(""))?,
        proxy_type: Property::read(raw, "proxy", "type"),
        proxy_port: Property::read(raw, "proxy", "proxy-port"),
        proxy_ssl_port: Property::read(raw, "proxy", "proxy-ssl-port"),
        port_map: report::non_empty(raw.get("proxy-port-map")),
        raw: raw.fields.clone(),
    })
}

/// One `proxy:report` (text or JSON), for an app or `--global`.
pub fn report(stdout: &str, json: bool) -> Result<ProxyReport, ParseError> {
    report::single(WHAT, stdout, json).and_then(|raw| typed(&raw))
}

/// `proxy:report` for every app (text).
pub fn report_all(stdout: &str) -> Result<Vec<ProxyReport>, ParseError> {
    if stdout.trim().is_empty() {
        return Ok(Vec::new());
    }
    report::text(WHAT, stdout)?.iter().map(typed).collect()
}
