//! The `cron` plugin (simulated): `cron:report`, `cron:set`, `cron:list`,
//! `cron:suspend`, `cron:resume` and `cron:run`.
//!
//! Written from dokku/dokku v0.38.27 `plugins/cron`:
//!
//! - `cron.go`: an app's tasks are the `cron` entries of its deployed
//!   `app.json` ([`APP_JSON`]), each with the id `base36(<app>===<command>
//!   ===<schedule>)`, the concurrency policy `allow` unless given, in
//!   maintenance when the entry, the task's `maintenance.<id>` property or
//!   the app's `maintenance` says so;
//! - `subcommands.go`: `cron:list` through `columnize.SimpleFormat` or
//!   `json.Marshal`; `cron:suspend`/`cron:resume` set or unset the task's
//!   maintenance property through `CommandSet`; `cron:run` looks the task
//!   up;
//! - `set.go`: `mailto` and `mailfrom` are global only, refused per app
//!   before any other check;
//! - `report.go`: the global-only mail properties, the computed
//!   maintenance (`true` when the app says `true`, else the global value,
//!   else `false`), the task count and one `--cron-maintenance-<id>` per
//!   task property.
//!
//! Recorded: captures-0.38.27-core.jsonl seq 175, 176, 206, 207;
//! captures-0.38.27-surface.jsonl seq 177-183, 334, 482, 518, 519, 725-728,
//! 838-841, 904, 905, 945-956. The command a task runs is not simulated:
//! `cron:run` of a known task prints nothing.

use std::collections::BTreeMap;

use crate::common::columnize::columnize;
use crate::common::properties::{self, announce_property, property_set_checks};
use crate::common::report::{self, go_json_str, Fields, GoReport, JsonKeys};
use crate::common::{Ctx, Outcome};
use crate::host::SimHost;

/// Where the simulator keeps an app's deployed `app.json`: the app's
/// `extra["app-json"]["app.json"]`, as JSON text.
pub const APP_JSON: (&str, &str) = ("app-json", "app.json");

const MAINTENANCE_PREFIX: &str = "maintenance.";

/// Run a `cron` subcommand; `None` if it is not one this module knows.
pub fn run(ctx: &mut Ctx<'_>, subcommand: &str, args: &[String]) -> Option<Outcome> {
    let result = match subcommand {
        "cron:report" => {
            let spec = GoReport::current("cron", "cron", JsonKeys::StrippedAndLegacy, &collect);
            report::run(ctx, &spec, args);
            Ok(())
        }
        "cron:set" => set_command(ctx, args),
        "cron:list" => list(ctx, args),
        "cron:suspend" | "cron:resume" => suspend(ctx, subcommand, args),
        "cron:run" => run_task(ctx, args),
        _ => return None,
    };
    if let Err(Some(message)) = result {
        ctx.out.fail(&message);
    }
    Some(Outcome::Done(std::mem::take(&mut ctx.out)))
}

/// A failure to print (exit 1), or `None` when it was printed already.
type Failed = Option<String>;

/// One scheduled task (`CronTask`).
struct Task {
    id: String,
    command: String,
    schedule: String,
    concurrency_policy: String,
    app_in_maintenance: bool,
    task_in_maintenance: bool,
}

impl Task {
    fn maintenance(&self) -> bool {
        self.app_in_maintenance || self.task_in_maintenance
    }
}

/// `base36.EncodeToStringLc`: the bytes as one big-endian number in base
/// 36, lower case, a `0` for each leading zero byte.
fn base36(bytes: &[u8]) -> String {
    let zeros = bytes.iter().take_while(|b| **b == 0).count();
    let mut digits: Vec<u8> = Vec::new();
    for byte in &bytes[zeros..] {
        let mut carry = u32::from(*byte);
        for digit in &mut digits {
            carry += u32::from(*digit) << 8;
            *digit = (carry % 36) as u8;
            carry /= 36;
        }
        while carry > 0 {
            digits.push((carry % 36) as u8);
            carry /= 36;
        }
    }
    const ALPHABET: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut text = "0".repeat(zeros);
    text.extend(
        digits
            .iter()
            .rev()
            .map(|d| char::from(ALPHABET[usize::from(*d)])),
    );
    text
}

/// `reportComputedMaintenance`.
fn computed_maintenance(host: &SimHost, app: Option<&str>) -> String {
    let app_value = app
        .map(|a| properties::app_value(host, "cron", a, "maintenance"))
        .unwrap_or_default();
    if app_value == "true" {
        return app_value;
    }
    properties::first_set([
        properties::global_value(host, "cron", "maintenance").as_str(),
        "false",
    ])
}

/// `FetchCronTasks`: the app's `app.json` cron entries with a command and
/// a schedule.
fn tasks(host: &SimHost, app: &str) -> Vec<Task> {
    let app_in_maintenance = computed_maintenance(host, Some(app)) == "true";
    let Some(state) = host.apps.get(app) else {
        return Vec::new();
    };
    let text = state
        .extra
        .get(APP_JSON.0)
        .and_then(|e| e.get(APP_JSON.1))
        .map(String::as_str)
        .unwrap_or("");
    let Ok(json) = serde_json::from_str::<serde_json::Value>(text) else {
        return Vec::new();
    };
    let Some(entries) = json.get("cron").and_then(|c| c.as_array()) else {
        return Vec::new();
    };
    let text_of = |entry: &serde_json::Value, key: &str| {
        entry
            .get(key)
            .and_then(|v| v.as_str())
            .unwrap_or("")
            .to_owned()
    };
    entries
        .iter()
        .filter_map(|entry| {
            let command = text_of(entry, "command");
            let schedule = text_of(entry, "schedule");
            if command.is_empty() || schedule.is_empty() {
                return None;
            }
            let id = base36(format!("{app}==={command}==={schedule}").as_bytes());
            let property =
                properties::app_value(host, "cron", app, &format!("{MAINTENANCE_PREFIX}{id}"));
            let entry_maintenance = entry
                .get("maintenance")
                .and_then(|v| v.as_bool())
                .unwrap_or(false);
            let policy = match text_of(entry, "concurrency_policy") {
                policy if policy.is_empty() => "allow".to_owned(),
                policy => policy,
            };
            Some(Task {
                id,
                command,
                schedule,
                concurrency_policy: policy,
                app_in_maintenance,
                task_in_maintenance: entry_maintenance || property == "true",
            })
        })
        .collect()
}

/// `ReportSingleApp`'s flags.
fn collect(host: &SimHost, app: Option<&str>, _: &str, _: Option<&str>) -> Fields {
    let mut fields = Fields::new();
    for key in ["mailfrom", "mailto"] {
        let global = properties::global_value(host, "cron", key);
        fields.insert(format!("--cron-computed-{key}"), global.clone());
        fields.insert(format!("--cron-global-{key}"), global);
    }
    fields.insert(
        "--cron-computed-maintenance".to_owned(),
        computed_maintenance(host, app),
    );
    fields.insert(
        "--cron-global-maintenance".to_owned(),
        properties::global_value(host, "cron", "maintenance"),
    );
    let Some(app) = app else {
        return fields;
    };
    fields.insert(
        "--cron-maintenance".to_owned(),
        properties::app_value(host, "cron", app, "maintenance"),
    );
    fields.insert(
        "--cron-task-count".to_owned(),
        tasks(host, app).len().to_string(),
    );
    if let Some(props) = host.apps.get(app).and_then(|a| a.properties.get("cron")) {
        for (key, value) in props {
            if let Some(id) = key.strip_prefix(MAINTENANCE_PREFIX) {
                fields.insert(format!("--cron-maintenance-{id}"), value.clone());
            }
        }
    }
    fields
}

/// `cron:set [--global] <app> <property> [<value>]`.
fn set_command(ctx: &mut Ctx<'_>, args: &[String]) -> Result<(), Failed> {
    let flags = ctx
        .parse_flags("cron:set", args, &["--global"], &[], &[])
        .ok_or(None)?;
    let (app, rest) = properties::property_target(&flags);
    let property = rest.first().cloned().unwrap_or_default();
    let value = rest.get(1).cloned().unwrap_or_default();
    set(ctx, &app, &property, &value)
}

/// `CommandSet`.
fn set(ctx: &mut Ctx<'_>, app: &str, property: &str, value: &str) -> Result<(), Failed> {
    if (property == "mailfrom" || property == "mailto") && app != "--global" {
        return Err(Some(
            "Property cannot be specified on a per-app basis".to_owned(),
        ));
    }
    let global = ["mailfrom", "mailto", "maintenance"];
    let mut valid = global.to_vec();
    if let Some(id) = property.strip_prefix(MAINTENANCE_PREFIX) {
        if app == "--global" {
            return Err(Some(
                "Task maintenance properties cannot be set globally".to_owned(),
            ));
        }
        if id.is_empty() {
            return Err(Some(
                "Invalid task maintenance property, missing ID".to_owned(),
            ));
        }
        if !tasks(ctx.host, app).iter().any(|t| t.id == id) {
            return Err(Some(format!(
                "Invalid task maintenance property, no matching task ID found: {property}"
            )));
        }
        valid.push(property);
    }
    if !property_set_checks(ctx, app, property, &valid, &global) {
        return Err(None);
    }
    announce_property(&mut ctx.out, property, value);
    properties::store(ctx.host, "cron", app, property, value);
    Ok(())
}

/// `cron:suspend <app> <id>` / `cron:resume <app> <id>`: the task's
/// maintenance property set to `true` or unset.
fn suspend(ctx: &mut Ctx<'_>, subcommand: &str, args: &[String]) -> Result<(), Failed> {
    let flags = ctx
        .parse_flags(subcommand, args, &[], &[], &[])
        .ok_or(None)?;
    let app = flags.first();
    let id = flags.positional.get(1).cloned().unwrap_or_default();
    let value = if subcommand == "cron:suspend" {
        "true"
    } else {
        ""
    };
    set(ctx, &app, &format!("{MAINTENANCE_PREFIX}{id}"), value)
}

/// `cron:run <app> <id> [--detach]`.
fn run_task(ctx: &mut Ctx<'_>, args: &[String]) -> Result<(), Failed> {
    let flags = ctx
        .parse_flags("cron:run", args, &["--detach"], &[], &[])
        .ok_or(None)?;
    let app = flags.first();
    if !ctx.verify_app(&app) {
        return Err(None);
    }
    let id = flags.positional.get(1).cloned().unwrap_or_default();
    if id.is_empty() {
        return Err(Some(format!(
            "Please specify a Cron ID from the output of 'dokku cron:list {app}'"
        )));
    }
    if !tasks(ctx.host, &app).iter().any(|t| t.id == id) {
        return Err(Some(format!(
            "No matching Cron ID found. Please specify a Cron ID from the output of 'dokku cron:list {app}'"
        )));
    }
    Ok(())
}

/// `cron:list [--global] <app> [--format stdout|json]` (`CommandList`).
fn list(ctx: &mut Ctx<'_>, args: &[String]) -> Result<(), Failed> {
    let flags = ctx
        .parse_flags("cron:list", args, &["--global"], &["--format"], &[])
        .ok_or(None)?;
    let format = flags.value("--format").unwrap_or("stdout");
    if format != "stdout" && format != "json" {
        return Err(Some(
            "Invalid format specified, supported formats: json, stdout".to_owned(),
        ));
    }
    // `--global` lists the `cron-entries` other plugins inject: none here.
    let tasks = if flags.has("--global") {
        Vec::new()
    } else {
        let app = flags.first();
        if !ctx.verify_app(&app) {
            return Err(None);
        }
        tasks(ctx.host, &app)
    };
    if format == "json" {
        let items: Vec<String> = tasks.iter().map(|t| task_json(t, &flags.first())).collect();
        ctx.out.log(&format!("[{}]", items.join(",")));
        return Ok(());
    }
    let mut rows = vec![vec![
        "ID".to_owned(),
        "Schedule".to_owned(),
        "Concurrency".to_owned(),
        "Maintenance".to_owned(),
        "Command".to_owned(),
    ]];
    for task in &tasks {
        let maintenance = match (task.task_in_maintenance, task.app_in_maintenance) {
            (true, _) => "true (task)",
            (false, true) => "true (app)",
            (false, false) => "false",
        };
        rows.push(vec![
            task.id.clone(),
            task.schedule.clone(),
            task.concurrency_policy.clone(),
            maintenance.to_owned(),
            task.command.clone(),
        ]);
    }
    ctx.out.log(&columnize(&rows, "", "  "));
    Ok(())
}

/// `json.Marshal(CronTask)`: struct order, `app` and `global` left out
/// when empty.
fn task_json(task: &Task, app: &str) -> String {
    let mut fields: BTreeMap<usize, String> = BTreeMap::new();
    let mut string = |at: usize, key: &str, value: &str| {
        let mut field = format!("\"{key}\":");
        go_json_str(&mut field, value);
        fields.insert(at, field);
    };
    string(0, "id", &task.id);
    if !app.is_empty() {
        string(1, "app", app);
    }
    string(2, "command", &task.command);
    string(3, "schedule", &task.schedule);
    string(4, "concurrency_policy", &task.concurrency_policy);
    fields.insert(
        5,
        format!("\"app-in-maintenance\":{}", task.app_in_maintenance),
    );
    fields.insert(
        6,
        format!("\"task-in-maintenance\":{}", task.task_in_maintenance),
    );
    fields.insert(7, format!("\"maintenance\":{}", task.maintenance()));
    format!("{{{}}}", fields.into_values().collect::<Vec<_>>().join(","))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base36_is_a_big_endian_number() {
        assert_eq!(base36(b""), "");
        assert_eq!(base36(&[0, 35]), "0z");
        assert_eq!(base36(&[1, 0]), "74");
        assert_eq!(base36(b"a"), "2p");
    }
}
