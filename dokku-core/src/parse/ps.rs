//! Parsers for `ps:report` and `ps:scale`.
//!
//! Established from dokku/dokku `plugins/ps/report.go` (keys; 0.38.7 renamed
//! `stop-timeout-seconds` to `ps-stop-timeout-seconds` without an alias),
//! `plugins/ps/functions.go` (`scaleReport`: `RightPad(type + ":", 5) + " " +
//! qty`, sorted by type) and `plugins/ps/ps.go` (the JSON `Formation`).
//! Container lines are `status-<type>.<n>` in JSON and `Status <type> <n>:`
//! in text, valued `<docker state> (CID: <id>)`.

use super::version::truncate;
use super::ParseError;
use crate::model::ps::Formation;
use crate::name::{AppName, ProcessType};

const SCALE: &str = "ps:scale";

/// `ps:scale <app>` text: `-----> Scaling for <app>`, a `proctype: qty`
/// header and its underline, then `<type>: <qty>` rows (quiet mode prints
/// only the rows).
pub fn scale_text(stdout: &str) -> Result<Vec<Formation>, ParseError> {
    let mut rows = Vec::new();
    for (index, line) in stdout.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with("----") || line == "proctype: qty" {
            continue;
        }
        let bad =
            |why: &str| ParseError::at(SCALE, index, format!("{why}: {:?}", truncate(line, 80)));
        let (kind, qty) = line
            .split_once(':')
            .ok_or_else(|| bad("expected `type: qty`"))?;
        rows.push(Formation {
            process_type: ProcessType::new(kind.trim()).map_err(|e| bad(&e.to_string()))?,
            quantity: qty
                .trim()
                .parse()
                .map_err(|_| bad("quantity is not a number"))?,
        });
    }
    Ok(rows)
}

/// `ps:scale <app> --format json` (0.38.22+): an array of
/// `{"process_type": …, "quantity": …}`; the quantity is accepted as a
/// number or a numeric string.
pub fn scale_json(stdout: &str) -> Result<Vec<Formation>, ParseError> {
    super::json(SCALE, "a JSON array of formations", stdout)
}

/// The apps a lifecycle command warned were never deployed (` !     App
/// <app> has not been deployed`, `plugins/ps` `Start`/`Stop`/`Restart`).
pub fn not_deployed(stderr: &str) -> Vec<AppName> {
    stderr
        .lines()
        .filter_map(|line| {
            let rest = line.trim_start_matches(super::WARN_PREFIX).trim();
            let app = rest
                .strip_prefix("App ")?
                .strip_suffix(" has not been deployed")?;
            AppName::legacy(app).ok()
        })
        .collect()
}
