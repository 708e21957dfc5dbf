//! Parsers for `apps:list` and `urls` (`apps:report` is decoded
//! generically: `crate::api::report`).
//!
//! Layouts established from dokku/dokku `plugins/apps/subcommands.go`
//! (`CommandList`), `plugins/apps/report.go` and the shared renderer in
//! `plugins/common/common.go` (`ReportSingleApp`). Late 0.38 JSON reports
//! carry every key twice, bare (`dir`) and prefixed (`app-dir`); text reports
//! always use the prefixed label, so both spellings are accepted.

use super::report;
use super::ParseError;
use crate::name::AppName;

const LIST: &str = "apps:list";

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

/// `urls` / `url`: one URL a line (`domains-urls`, Dokku v0.38.27:
/// `<scheme>://<domain>[:<port>]`, sorted; `url` prints the first with
/// the app's default scheme, or nothing).
pub fn urls(stdout: &str) -> Vec<String> {
    stdout
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .map(str::to_owned)
        .collect()
}

/// `apps:list --format json`: a JSON array of names.
pub fn list_json(stdout: &str) -> Result<Vec<AppName>, ParseError> {
    super::json(LIST, "a JSON array of app names", stdout)
}
