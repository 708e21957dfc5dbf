//! Parser for `domains:report`.
//!
//! Established from dokku/dokku `plugins/domains`: bash before 0.38.27
//! (`printf "%-30s %-25s"`, so values carry trailing spaces and vhost lists a
//! trailing space), Go from 0.38.27 (`plugins/domains/report.go`, the shared
//! renderer). Text keys are prefixed (`domains-app-vhosts`); the Go JSON keys
//! are not (`app-vhosts`) and have no prefixed twins. Both are accepted.

use super::report::{self, parse_bool, RawReport};
use super::ParseError;
use crate::model::domains::{DomainsReport, GlobalDomains};
use crate::name::AppName;

const WHAT: &str = "domains:report";

fn get<'a>(raw: &'a RawReport, name: &str) -> &'a str {
    raw.get(&format!("domains-{name}"))
        .or_else(|| raw.get(name))
        .unwrap_or("")
}

fn vhosts(value: &str) -> Vec<String> {
    value.split_whitespace().map(str::to_owned).collect()
}

fn global(raw: &RawReport) -> Result<GlobalDomains, ParseError> {
    Ok(GlobalDomains {
        enabled: parse_bool(WHAT, "global-enabled", get(raw, "global-enabled"))?.unwrap_or(false),
        vhosts: vhosts(get(raw, "global-vhosts")),
    })
}

/// Build the typed report from the raw map.
pub fn typed(raw: &RawReport) -> Result<DomainsReport, ParseError> {
    let app = match &raw.subject {
        Some(name) => Some(
            AppName::legacy(name)
                .map_err(|e| ParseError::new(WHAT, format!("not an app name: {e}")))?,
        ),
        None => None,
    };
    Ok(DomainsReport {
        app,
        app_enabled: parse_bool(WHAT, "app-enabled", get(raw, "app-enabled"))?.unwrap_or(false),
        app_vhosts: vhosts(get(raw, "app-vhosts")),
        global: global(raw)?,
        raw: raw.fields.clone(),
    })
}

/// One `domains:report` (text or JSON).
pub fn report(stdout: &str, json: bool) -> Result<DomainsReport, ParseError> {
    report::single(WHAT, stdout, json).and_then(|raw| typed(&raw))
}

/// `domains:report` for every app (text).
pub fn report_all(stdout: &str) -> Result<Vec<DomainsReport>, ParseError> {
    if stdout.trim().is_empty() {
        return Ok(Vec::new());
    }
    report::text(WHAT, stdout)?.iter().map(typed).collect()
}

/// `domains:report --global` (text or JSON). The text header's first word
/// varies by version (`Global`, `--global`) and is ignored.
pub fn report_global(stdout: &str, json: bool) -> Result<GlobalDomains, ParseError> {
    report::single(WHAT, stdout, json).and_then(|raw| global(&raw))
}
