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

#[cfg(test)]
mod tests {
    use super::*;

    // Rows as columnize pads them (plugins/cron/subcommands.go): schedules
    // and commands hold spaces; maintenance is `true (task)`/`true (app)`.
    #[test]
    fn text_rows_keep_spaces_in_schedules_and_commands() {
        let out = "ID                Schedule     Concurrency  Maintenance  Command\n\
                   5cruzl1b9iwsfyoe  5 4 * * *    allow        false        node worker.js --once\n\
                   a1                @every 1h    forbid       true (app)   bin/cleanup\n";
        let tasks = list(out).unwrap();
        assert_eq!(tasks.len(), 2);
        assert_eq!(tasks[0].schedule, "5 4 * * *");
        assert_eq!(tasks[0].command, "node worker.js --once");
        assert!(!tasks[0].maintenance);
        assert_eq!(tasks[1].concurrency_policy, "forbid");
        assert!(tasks[1].maintenance && tasks[1].app_in_maintenance);
        assert!(!tasks[1].task_in_maintenance);
    }

    #[test]
    fn json_rows_carry_the_app_and_the_maintenance_flags() {
        let out = r#"[{"id":"x","app":"api","command":"a b","schedule":"@daily","concurrency_policy":"allow","app-in-maintenance":false,"task-in-maintenance":true,"maintenance":true}]"#;
        let tasks = list(out).unwrap();
        assert_eq!(tasks[0].app.as_deref(), Some("api"));
        assert!(tasks[0].task_in_maintenance);
        assert!(list("[]").unwrap().is_empty());
        assert!(list("ID  Schedule  Concurrency  Maintenance  Command\n")
            .unwrap()
            .is_empty());
    }
}
