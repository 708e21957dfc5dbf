//! `cron:list`, text and JSON.
//!
//! From dokku/dokku `plugins/cron/subcommands.go` (`CommandList`): text is
//! a columnize table `ID | Schedule | Concurrency | Maintenance | Command`
//! (recorded with no tasks: the header alone); JSON (0.36.11+) an array of
//! `CronTask` (`plugins/cron/cron.go`).

use serde::Deserialize;

use super::{table, ParseError};
use crate::model::cron::CronTask;

const WHAT: &str = "cron:list";
const HEADERS: &[&str] = &["ID", "Schedule", "Concurrency", "Maintenance", "Command"];

/// `cron:list` in either format (told apart by the first character).
pub fn list(stdout: &str) -> Result<Vec<CronTask>, ParseError> {
    if stdout.trim_start().starts_with('[') {
        list_json(stdout)
    } else {
        list_text(stdout)
    }
}

/// The text table.
pub fn list_text(stdout: &str) -> Result<Vec<CronTask>, ParseError> {
    table::columns(WHAT, stdout, HEADERS, &[])?
        .into_iter()
        .map(|cells| {
            let [id, schedule, concurrency, maintenance, command] = <[String; 5]>::try_from(cells)
                .map_err(|_| ParseError::new(WHAT, "expected five columns"))?;
            let (task, app) = match maintenance.as_str() {
                "false" | "" => (false, false),
                "true (task)" => (true, false),
                "true (app)" => (false, true),
                _ => {
                    return Err(ParseError::new(
                        WHAT,
                        "maintenance: expected false, true (task) or true (app)",
                    ))
                }
            };
            Ok(CronTask {
                id,
                schedule,
                command,
                concurrency_policy: concurrency,
                maintenance: task || app,
                task_in_maintenance: task,
                app_in_maintenance: app,
                app: None,
                global: false,
            })
        })
        .collect()
}

#[derive(Deserialize)]
struct JsonTask {
    id: String,
    #[serde(default)]
    app: Option<String>,
    #[serde(default)]
    command: String,
    #[serde(default)]
    global: bool,
    #[serde(default)]
    schedule: String,
    #[serde(default)]
    concurrency_policy: String,
    #[serde(default, rename = "app-in-maintenance")]
    app_in_maintenance: bool,
    #[serde(default, rename = "task-in-maintenance")]
    task_in_maintenance: bool,
    #[serde(default)]
    maintenance: bool,
}

/// The JSON array.
pub fn list_json(stdout: &str) -> Result<Vec<CronTask>, ParseError> {
    let rows: Vec<JsonTask> = super::json_array(WHAT, stdout)?;
    Ok(rows
        .into_iter()
        .map(|t| CronTask {
            id: t.id,
            schedule: t.schedule,
            command: t.command,
            concurrency_policy: t.concurrency_policy,
            maintenance: t.maintenance,
            task_in_maintenance: t.task_in_maintenance,
            app_in_maintenance: t.app_in_maintenance,
            app: t.app.filter(|a| !a.is_empty()),
            global: t.global,
        })
        .collect())
}
