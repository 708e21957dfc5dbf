//! Parsers for `apps:list` and `apps:report`.
//!
//! Layouts established from dokku/dokku `plugins/apps/subcommands.go`
//! (`CommandList`), `plugins/apps/report.go` and the shared renderer in
//! `plugins/common/common.go` (`ReportSingleApp`). Late 0.38 JSON reports
//! carry every key twice, bare (`dir`) and prefixed (`app-dir`); text reports
//! always use the prefixed label, so both spellings are accepted.

use super::report::{self, parse_bool, parse_u64, RawReport};
use super::ParseError;
use crate::model::apps::AppReport;
use crate::name::AppName;

const LIST: &str = "apps:list";
const REPORT: &str = "apps:report";

/// `apps:list` text: a `=====> My Apps` header, then one name per line.
/// The empty case prints only the header (and a warning on stderr).
pub fn list_text(stdout: &str) -> Result<Vec<AppName>, ParseError> {
    let mut apps = Vec::new();
    for (index, line) in stdout.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with(report::HEADER_PREFIX.trim_end()) {
            continue;
        }
        let app = AppName::legacy(line)
            .map_err(|e| ParseError::at(LIST, index, format!("not an app name: {}", e.rule)))?;
        apps.push(app);
    }
    Ok(apps)
}

/// `apps:list --format json`: a JSON array of names.
pub fn list_json(stdout: &str) -> Result<Vec<AppName>, ParseError> {
    serde_json::from_str(stdout.trim())
        .map_err(|e| ParseError::new(LIST, format!("not a JSON array of app names: {e}")))
}

/// One `apps:report` (text or JSON).
pub fn report(stdout: &str, json: bool) -> Result<AppReport, ParseError> {
    report::single(REPORT, stdout, json).and_then(|raw| typed(&raw))
}

/// `apps:report` for every app, text form (the JSON form does not name the apps).
pub fn report_all(stdout: &str) -> Result<Vec<AppReport>, ParseError> {
    if stdout.trim().is_empty() {
        return Ok(Vec::new());
    }
    report::text(REPORT, stdout)?.iter().map(typed).collect()
}

fn get<'a>(raw: &'a RawReport, name: &str) -> &'a str {
    raw.get(&format!("app-{name}"))
        .or_else(|| raw.get(name))
        .unwrap_or("")
}

/// Build the typed report from the raw map.
pub fn typed(raw: &RawReport) -> Result<AppReport, ParseError> {
    let dir = report::non_empty(Some(get(raw, "dir")));
    // JSON does not name the app; its directory does.
    let name = raw.subject.clone().or_else(|| {
        dir.as_deref()
            .and_then(|d| d.trim_end_matches('/').rsplit('/').next())
            .map(str::to_owned)
    });
    let app = match name {
        Some(n) => Some(
            AppName::legacy(&n)
                .map_err(|e| ParseError::new(REPORT, format!("not an app name: {e}")))?,
        ),
        None => None,
    };
    Ok(AppReport {
        app,
        dir,
        created_at: parse_u64(REPORT, "created-at", get(raw, "created-at"))?,
        deploy_source: report::non_empty(Some(get(raw, "deploy-source"))),
        deploy_source_metadata: report::non_empty(Some(get(raw, "deploy-source-metadata"))),
        locked: parse_bool(REPORT, "locked", get(raw, "locked"))?.unwrap_or(false),
        raw: raw.fields.clone(),
    })
}
