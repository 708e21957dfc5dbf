//! Parsers for `ports:report`, `ports:list` and the pre-0.31
//! `proxy:ports`.
//!
//! Established from dokku/dokku `plugins/ports` (Go since the plugin
//! appeared in 0.31.0): `report.go` (`--ports-map`, `--ports-map-detected`,
//! `TrimPrefix` + `EmitLegacyPrefix` in 0.38, so JSON has both `ports-map`
//! and `map`) and `functions.go` `listAppPortMaps` (a `-----> Port
//! mappings for <app>` line, then `ryanuber/columnize` rows with a
//! 4-space prefix, the `-----> scheme  host port  container port` header
//! row first unless `--quiet`).

use super::report::{self, RawReport};
use super::ParseError;
use crate::model::ports::{PortMapping, PortsReport};
use crate::name::AppName;

const WHAT: &str = "ports:report";
const LIST: &str = "ports:list";

fn get<'a>(raw: &'a RawReport, name: &str) -> &'a str {
    raw.get(&format!("ports-{name}"))
        .or_else(|| raw.get(name))
        .unwrap_or("")
}

/// A space-separated list of mappings, as reports print them.
pub fn mappings(what: &'static str, value: &str) -> Result<Vec<PortMapping>, ParseError> {
    value
        .split_whitespace()
        .map(|m| {
            m.parse::<PortMapping>()
                .map_err(|e| ParseError::new(what, e.to_string()))
        })
        .collect()
}

/// Build the typed report from the raw map.
pub fn typed(raw: &RawReport) -> Result<PortsReport, ParseError> {
    let app = match &raw.subject {
        Some(name) => Some(
            AppName::legacy(name)
                .map_err(|e| ParseError::new(WHAT, format!("not an app name: {e}")))?,
        ),
        None => None,
    };
    Ok(PortsReport {
        app,
        map: mappings(WHAT, get(raw, "map"))?,
        detected: mappings(WHAT, get(raw, "map-detected"))?,
        raw: raw.fields.clone(),
    })
}

/// One `ports:report` (text or JSON).
pub fn report(stdout: &str, json: bool) -> Result<PortsReport, ParseError> {
    report::single(WHAT, stdout, json).and_then(|raw| typed(&raw))
}

/// `ports:report` for every app (text).
pub fn report_all(stdout: &str) -> Result<Vec<PortsReport>, ParseError> {
    if stdout.trim().is_empty() {
        return Ok(Vec::new());
    }
    report::text(WHAT, stdout)?.iter().map(typed).collect()
}

/// `ports:list <app>` (or `proxy:ports <app>` before 0.31): the columnized
/// rows, header lines skipped.
pub fn list(stdout: &str) -> Result<Vec<PortMapping>, ParseError> {
    let mut out = Vec::new();
    for (index, line) in stdout.lines().enumerate() {
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with("-----> ") {
            continue;
        }
        let cells: Vec<&str> = trimmed.split_whitespace().collect();
        let [scheme, host, container] = cells[..] else {
            return Err(ParseError::at(LIST, index, "expected three columns"));
        };
        let mapping = format!("{scheme}:{host}:{container}")
            .parse()
            .map_err(|e: crate::Error| ParseError::at(LIST, index, e.to_string()))?;
        out.push(mapping);
    }
    Ok(out)
}
