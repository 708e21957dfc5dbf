//! Parsers for `ports:list`, the pre-0.31 `proxy:ports`, and port mapping
//! lists (`ports:report` itself is decoded generically).
//!
//! Established from dokku/dokku `plugins/ports` (Go since the plugin
//! appeared in 0.31.0): `report.go` (`--ports-map`, `--ports-map-detected`,
//! `TrimPrefix` + `EmitLegacyPrefix` in 0.38, so JSON has both `ports-map`
//! and `map`) and `functions.go` `listAppPortMaps` (a `-----> Port
//! mappings for <app>` line, then `ryanuber/columnize` rows with a
//! 4-space prefix, the `-----> scheme  host port  container port` header
//! row first unless `--quiet`).

use super::ParseError;
use crate::model::ports::PortMapping;

const LIST: &str = "ports:list";

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
