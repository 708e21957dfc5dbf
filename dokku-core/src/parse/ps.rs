//! Parsers for `ps:report` and `ps:scale`.
//!
//! Established from dokku/dokku `plugins/ps/report.go` (keys; 0.38.7 renamed
//! `stop-timeout-seconds` to `ps-stop-timeout-seconds` without an alias),
//! `plugins/ps/functions.go` (`scaleReport`: `RightPad(type + ":", 5) + " " +
//! qty`, sorted by type) and `plugins/ps/ps.go` (the JSON `Formation`).
//! Container lines are `status-<type>.<n>` in JSON and `Status <type> <n>:`
//! in text, valued `<docker state> (CID: <id>)`.

use serde::Deserialize;

use super::report::{self, parse_bool, RawReport};
use super::version::truncate;
use super::ParseError;
use crate::model::ps::{
    ContainerState, ContainerStatus, Formation, PsGlobalReport, PsReport, RunState,
};
use crate::model::Property;
use crate::name::{AppName, ProcessType};

const REPORT: &str = "ps:report";
const SCALE: &str = "ps:scale";

/// One `ps:report` (text or JSON).
pub fn report(stdout: &str, json: bool) -> Result<PsReport, ParseError> {
    report::single(REPORT, stdout, json).and_then(|raw| typed(&raw))
}

/// `ps:report` for every app (text: the JSON form does not name apps). No
/// apps prints nothing on stdout.
pub fn report_all(stdout: &str) -> Result<Vec<PsReport>, ParseError> {
    if stdout.trim().is_empty() {
        return Ok(Vec::new());
    }
    report::text(REPORT, stdout)?.iter().map(typed).collect()
}

/// `ps:report --global --format json`.
pub fn report_global(stdout: &str) -> Result<PsGlobalReport, ParseError> {
    let raw = report::single(REPORT, stdout, true)?;
    Ok(PsGlobalReport {
        restart_policy: Property::read(&raw, "ps", "restart-policy"),
        procfile_path: Property::read(&raw, "ps", "procfile-path"),
        stop_timeout_seconds: Property::read(&raw, "ps", "stop-timeout-seconds"),
        skip_deploy: Property::read(&raw, "ps", "skip-deploy"),
        raw: raw.fields,
    })
}

fn field<'a>(raw: &'a RawReport, key: &str) -> &'a str {
    raw.get(key).unwrap_or("")
}

/// Build the typed report from the raw map.
pub fn typed(raw: &RawReport) -> Result<PsReport, ParseError> {
    let app = match &raw.subject {
        Some(name) => Some(
            AppName::legacy(name)
                .map_err(|e| ParseError::new(REPORT, format!("not an app name: {e}")))?,
        ),
        None => None,
    };
    let processes = match field(raw, "processes") {
        "" | "-1" => None,
        n => Some(n.parse().map_err(|_| {
            ParseError::new(REPORT, format!("processes: expected a number, found {n:?}"))
        })?),
    };
    let running = match field(raw, "running") {
        "" => None,
        "true" => Some(RunState::Running),
        "false" => Some(RunState::Stopped),
        "mixed" => Some(RunState::Mixed),
        other => {
            return Err(ParseError::new(
                REPORT,
                format!("running: expected true, false or mixed, found {other:?}"),
            ))
        }
    };
    let can_scale = raw
        .get("ps-can-scale")
        .or_else(|| raw.get("can-scale"))
        .unwrap_or("");
    let mut containers = Vec::new();
    for (key, value) in &raw.fields {
        if let Some(rest) = key.strip_prefix("status-") {
            containers.push(container(rest, value)?);
        }
    }
    containers.sort_by(|a, b| (&a.process_type, a.index).cmp(&(&b.process_type, b.index)));
    Ok(PsReport {
        app,
        deployed: parse_bool(REPORT, "deployed", field(raw, "deployed"))?.unwrap_or(false),
        processes,
        running,
        can_scale: parse_bool(REPORT, "ps-can-scale", can_scale)?.unwrap_or(true),
        restore: parse_bool(REPORT, "restore", field(raw, "restore"))?.unwrap_or(true),
        restart_policy: Property::read(raw, "ps", "restart-policy"),
        procfile_path: Property::read(raw, "ps", "procfile-path"),
        stop_timeout_seconds: Property::read(raw, "ps", "stop-timeout-seconds"),
        skip_deploy: Property::read(raw, "ps", "skip-deploy"),
        start_cmd: Property::read(raw, "ps", "start-cmd"),
        dockerfile_start_cmd: Property::read(raw, "ps", "dockerfile-start-cmd"),
        containers,
        raw: raw.fields.clone(),
    })
}

// `web.1` (JSON) or `web-1` (text label). The index is always last, and a
// process type may itself contain `-`, so split at the last separator.
fn container(rest: &str, value: &str) -> Result<ContainerStatus, ParseError> {
    let bad = |why: String| ParseError::new(REPORT, format!("status-{rest}: {why}"));
    let (kind, index) = rest
        .rsplit_once(['.', '-'])
        .ok_or_else(|| bad("no container index".to_owned()))?;
    let process_type = ProcessType::new(kind).map_err(|e| bad(e.to_string()))?;
    let index = index
        .parse()
        .map_err(|_| bad(format!("index {index:?} is not a number")))?;
    let (state, container_id) = match value.split_once(" (CID: ") {
        Some((state, cid)) => (state, Some(cid.trim_end_matches(')').to_owned())),
        None => (value, None),
    };
    Ok(ContainerStatus {
        process_type,
        index,
        state: ContainerState::from_docker(state.trim()),
        container_id: container_id.filter(|c| !c.is_empty()),
    })
}

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

#[derive(Deserialize)]
#[serde(untagged)]
enum Quantity {
    Number(u32),
    Text(String),
}

#[derive(Deserialize)]
struct JsonFormation {
    process_type: ProcessType,
    quantity: Quantity,
}

/// `ps:scale <app> --format json` (0.38.22+): an array of
/// `{"process_type": …, "quantity": …}`; the quantity is accepted as a
/// number or a numeric string.
pub fn scale_json(stdout: &str) -> Result<Vec<Formation>, ParseError> {
    let rows: Vec<JsonFormation> = serde_json::from_str(stdout.trim())
        .map_err(|e| ParseError::new(SCALE, format!("not a JSON array of formations: {e}")))?;
    rows.into_iter()
        .map(|r| {
            let quantity = match r.quantity {
                Quantity::Number(n) => n,
                Quantity::Text(t) => t.parse().map_err(|_| {
                    ParseError::new(SCALE, format!("quantity {t:?} is not a number"))
                })?,
            };
            Ok(Formation {
                process_type: r.process_type,
                quantity,
            })
        })
        .collect()
}
