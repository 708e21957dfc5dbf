//! `ps` commands (simulated): `ps:report`, `ps:scale`, `ps:set`,
//! `ps:start`, `ps:stop`, `ps:restart`, `ps:rebuild`, `ps:restore`,
//! `ps:retire` and `ps:inspect`.
//!
//! Written from Dokku's Go ps plugin:
//!
//! - `plugins/ps/subcommands.go` (`CommandScale`, `CommandSet`,
//!   `CommandRestart`, `CommandRestore`, …) and `plugins/ps/functions.go`
//!   (`scaleReport`, `scaleSet`, `updateScale`, `parseProcessTuples`,
//!   `isValidRestartPolicy`): messages and the order of the checks;
//! - `plugins/ps/ps.go` (`Start`, `Stop`, `Restart`, `RestartProcess`,
//!   `Restore`, `Rebuild`, the `Formation` JSON tags);
//! - `plugins/ps/report.go` for the report keys per version (0.35: the
//!   stored `report.go`; 0.38: PRs #8640, #8679, #8689, #8696);
//! - `plugins/common/parallel.go` (`RunCommandAgainstAllApps`) for `--all`;
//! - `plugins/scheduler-docker-local/scheduler-inspect` for `ps:inspect`
//!   (`docker container inspect` piped through Python's
//!   `json.dumps(data, sort_keys=True, indent=4)`, env values masked).
//!
//! What the scheduler prints while it deploys (`scheduler-deploy`) depends
//! on the app's image, checks and proxy; the simulator prints a short,
//! deterministic stand-in with Dokku's own phrases (`Deploying web
//! (count=1)`, `Running post-deploy`, `Shutting down old containers in 60
//! seconds`) and changes the containers the way a deploy would.

use std::collections::BTreeMap;

use dokku_core::DokkuVersion;

use crate::common::flags::flag_error;
use crate::common::names::{dokku_apps, NO_APPS};
use crate::common::properties::{
    announce_property, property_set_checks, property_target, write_property,
};
use crate::common::report::{self, Fields, GoReport};
use crate::common::versions::{V0_36_0, V0_38_22, V0_38_7, V0_38_8};
use crate::common::{Ctx, Flags, Outcome};
use crate::host::{docker_timestamp, Container, ContainerState, SimHost};
use crate::out::right_pad;
use crate::scheduler::{deploy, deployed_or_warn, rebuild, restart, running_state, start, stop};

/// `runtime.NumCPU()` for `--parallel -1`: fixed, so output is
/// deterministic.
const SIM_CPU_COUNT: i64 = 4;

/// Run a `ps` subcommand; `None` if it is not one this module knows.
pub fn run(ctx: &mut Ctx<'_>, subcommand: &str, args: &[String]) -> Option<Outcome> {
    match subcommand {
        "ps:report" => {
            let spec = GoReport::versioned(ctx.version(), "ps", "ps", &report_fields);
            report::run(ctx, &spec, args);
        }
        "ps:scale" => scale(ctx, args),
        "ps:set" => set(ctx, args),
        "ps:inspect" => inspect(ctx, args),
        "ps:retire" => retire(ctx, args),
        "ps:start" => all_or_one(ctx, "ps:start", "start", args, start),
        "ps:stop" => all_or_one(ctx, "ps:stop", "stop", args, stop),
        "ps:rebuild" => all_or_one(ctx, "ps:rebuild", "rebuild", args, rebuild),
        "ps:restart" => restart_command(ctx, args),
        "ps:restore" => restore_command(ctx, args),
        _ => return None,
    }
    Some(Outcome::Done(std::mem::take(&mut ctx.out)))
}

/// The plugin's triggers (`plugins/ps/triggers.go`).
pub fn trigger(ctx: &mut Ctx<'_>, name: &str, args: &[String]) {
    let app = args.first().map(String::as_str).unwrap_or("");
    match name {
        "app-restart" => {
            if let Err(error) = restart(ctx, app) {
                ctx.out.fail(&error);
            }
        }
        // `TriggerPsCurrentScale`: `<type>=<count>` lines, no final
        // newline.
        "ps-current-scale" => {
            let lines: Vec<String> = ctx
                .host
                .apps
                .get(app)
                .map(|state| {
                    state
                        .scale
                        .iter()
                        .map(|(process_type, count)| format!("{process_type}={count}"))
                        .collect()
                })
                .unwrap_or_default();
            ctx.out.print(&lines.join("\n"));
        }
        // `TriggerPostCreate`: the formation starts as one web process.
        "post-create" => {
            if let Some(state) = ctx.host.apps.get_mut(app) {
                if state.scale.is_empty() {
                    state.scale.insert("web".to_owned(), 1);
                }
            }
        }
        _ => {}
    }
}

// ---------------------------------------------------------------------------
// ps:report

/// An app property, empty when unset.
fn app_prop(host: &SimHost, app: &str, property: &str) -> String {
    host.app_property(app, "ps", property)
        .unwrap_or("")
        .to_owned()
}

/// A global property, empty when unset.
fn global_prop(host: &SimHost, property: &str) -> String {
    host.global_property("ps", property)
        .unwrap_or("")
        .to_owned()
}

/// The value in effect: the app's, else the global one, else the default.
fn computed(app_value: &str, global_value: &str, default: &str) -> String {
    [app_value, global_value, default]
        .into_iter()
        .find(|v| !v.is_empty())
        .unwrap_or("")
        .to_owned()
}

/// The properties with a raw, global and computed report triple in 0.38
/// (PRs #8640, #8679, #8689, #8696), and their defaults.
const TRIPLES: &[(&str, &str)] = &[
    ("procfile-path", "Procfile"),
    ("restart-policy", "on-failure:10"),
    ("skip-deploy", "false"),
    ("stop-timeout-seconds", "30"),
];

/// `plugins/ps/report.go`: the flags of one app, or of `--global` (`None`).
fn report_fields(host: &SimHost, app: Option<&str>, _format: &str, _flag: Option<&str>) -> Fields {
    match app {
        Some(name) => app_report_fields(host, name),
        None => global_report_fields(host),
    }
}

/// One app's flags for this host's version.
fn app_report_fields(host: &SimHost, name: &str) -> Fields {
    let mut fields = Fields::new();
    let Some(app) = host.apps.get(name) else {
        return fields;
    };
    let version = host.version;
    let mut put = |key: &str, value: String| {
        fields.insert(format!("--{key}"), value);
    };
    put("deployed", app.deployed.to_string());
    put("processes", app.containers.len().to_string());
    put("ps-can-scale", (!app.formation_in_app_json).to_string());
    put("restore", app.restore.to_string());
    put("running", running_state(&app.containers).to_owned());
    // Status keys exist for the docker-local scheduler's CONTAINER.<type>.<n>
    // files: `<docker state> (CID: <first 11 characters>)`.
    for container in &app.containers {
        let short: String = container.id.chars().take(11).collect();
        put(
            &format!("status-{}.{}", container.process_type, container.index),
            format!("{} (CID: {short})", container.state.as_str()),
        );
    }
    if version >= V0_38_8 {
        for (property, default) in TRIPLES {
            let raw = app_prop(host, name, property);
            let global = global_prop(host, property);
            put(
                &format!("ps-computed-{property}"),
                computed(&raw, &global, default),
            );
            put(&format!("ps-global-{property}"), global);
            put(&format!("ps-{property}"), raw);
        }
        // App-only properties: raw and computed, no default.
        for property in ["start-cmd", "dockerfile-start-cmd"] {
            let raw = app_prop(host, name, property);
            put(&format!("ps-computed-{property}"), raw.clone());
            put(&format!("ps-{property}"), raw);
        }
        return fields;
    }
    // 0.35 (the stored report.go): global procfile path with its default,
    // the effective restart policy under the raw key.
    let raw_path = app_prop(host, name, "procfile-path");
    let global_path = computed("", &global_prop(host, "procfile-path"), "Procfile");
    put(
        "ps-computed-procfile-path",
        computed(&raw_path, &global_path, "Procfile"),
    );
    put("ps-global-procfile-path", global_path);
    put("ps-procfile-path", raw_path);
    put(
        "ps-restart-policy",
        computed(&app_prop(host, name, "restart-policy"), "", "on-failure:10"),
    );
    if version >= V0_36_0 {
        let raw = app_prop(host, name, "stop-timeout-seconds");
        let global = global_prop(host, "stop-timeout-seconds");
        let effective = computed(&raw, &global, "30");
        // Un-prefixed until the 0.38.7 rename (PR #8679), without aliases.
        let prefix = if version >= V0_38_7 { "ps-" } else { "" };
        put(&format!("{prefix}computed-stop-timeout-seconds"), effective);
        put(&format!("{prefix}global-stop-timeout-seconds"), global);
        put(&format!("{prefix}stop-timeout-seconds"), raw);
    }
    fields
}

/// `ps:report --global` (0.38): the global and computed values of the
/// properties that have a global form.
fn global_report_fields(host: &SimHost) -> Fields {
    let mut fields = Fields::new();
    for (property, default) in TRIPLES {
        let global = global_prop(host, property);
        fields.insert(
            format!("--ps-computed-{property}"),
            computed("", &global, default),
        );
        fields.insert(format!("--ps-global-{property}"), global);
    }
    fields
}

// ---------------------------------------------------------------------------
// ps:scale

/// `ps:scale [--skip-deploy] [--format stdout|json] [--clear|--replace]
/// <app> [<proc>=<count>...]` (`CommandScale`).
fn scale(ctx: &mut Ctx<'_>, args: &[String]) {
    let late = ctx.host.version >= V0_38_22;
    let bools: &[&str] = if late {
        &["--skip-deploy", "--clear", "--replace"]
    } else {
        &["--skip-deploy"]
    };
    let values: &[&str] = if late { &["--format"] } else { &[] };
    let Some(flags) = ctx.parse_flags("ps:scale", args, bools, values, &[]) else {
        return;
    };
    let app = flags.first();
    let tuples: Vec<String> = flags.positional.iter().skip(1).cloned().collect();
    let clear = flags.has("--clear");
    let replace = flags.has("--replace");
    if !ctx.verify_app(&app) {
        return;
    }
    if clear && replace {
        ctx.out
            .fail("The --clear and --replace flags cannot be specified together");
        return;
    }
    if clear && !tuples.is_empty() {
        ctx.out.fail("Process types cannot be specified when using the --clear flag, use --replace to set the entire formation");
        return;
    }
    if replace && tuples.is_empty() {
        ctx.out.fail("Must specify at least one process type when using the --replace flag, use --clear to reset the formation");
        return;
    }
    if !clear && tuples.is_empty() {
        scale_report(ctx, &app, flags.value("--format").unwrap_or("stdout"));
        return;
    }
    let Some(state) = ctx.host.apps.get(&app) else {
        return;
    };
    if state.formation_in_app_json {
        ctx.out.fail(&format!(
            "App {app} contains an app.json file with a formations key and cannot be manually scaled"
        ));
        return;
    }
    let tuples = if clear {
        // The default formation, as for a first deploy: one web process,
        // the other Procfile types at zero.
        let mut types = state.process_types();
        if types.is_empty() {
            types.push("web".to_owned());
        }
        ctx.out
            .info1(&format!("Resetting {app} processes to the default scale"));
        types
            .iter()
            .map(|t| format!("{t}={}", u32::from(t == "web")))
            .collect()
    } else {
        ctx.out
            .info1(&format!("Scaling {app} processes: {}", tuples.join(" ")));
        tuples
    };
    if let Err(error) = scale_set(
        ctx,
        &app,
        &tuples,
        clear || replace,
        flags.has("--skip-deploy"),
    ) {
        ctx.out.fail(&error);
    }
}

/// `scaleReport`: the formation, sorted by process type.
fn scale_report(ctx: &mut Ctx<'_>, app: &str, format: &str) {
    let formation: Vec<(String, u32)> = ctx
        .host
        .apps
        .get(app)
        .map(|a| a.scale.iter().map(|(k, v)| (k.clone(), *v)).collect())
        .unwrap_or_default();
    match format {
        "stdout" => {
            ctx.out.info1_quiet(&format!("Scaling for {app}"));
            let mut rows: Vec<(String, String)> = Vec::new();
            if !ctx.out.quiet {
                rows.push(("proctype".into(), "qty".into()));
                rows.push(("--------".into(), "---".into()));
            }
            rows.extend(formation.into_iter().map(|(t, n)| (t, n.to_string())));
            for (left, right) in rows {
                // common.RightPad(left + ":", 5) + " " + right
                ctx.out
                    .log(&format!("{} {right}", right_pad(&format!("{left}:"), 5)));
            }
        }
        // PR #8796: json.Marshal([]Formation) with the struct's tags;
        // quantity is a number.
        "json" => {
            let mut json = String::from("[");
            for (i, (process_type, quantity)) in formation.iter().enumerate() {
                if i > 0 {
                    json.push(',');
                }
                json.push_str("{\"process_type\":");
                report::go_json_str(&mut json, process_type);
                json.push_str(&format!(",\"quantity\":{quantity}}}"));
            }
            json.push(']');
            ctx.out.log(&json);
        }
        _ => ctx
            .out
            .fail("Invalid output format specified, supported formats: stdout, json"),
    }
}

/// `parseProcessTuples`: `type=count` pairs, the first of each type wins.
fn parse_tuples(tuples: &[String]) -> Result<Vec<(String, u32)>, String> {
    let mut formation: Vec<(String, u32)> = Vec::new();
    for tuple in tuples {
        let Some((process_type, count)) = tuple.split_once('=') else {
            return Err(format!("Missing count for process type {tuple}"));
        };
        // strconv.Atoi accepts a sign; a negative count cannot run.
        let quantity = count
            .trim()
            .parse::<i64>()
            .ok()
            .and_then(|n| u32::try_from(n).ok())
            .ok_or_else(|| format!("Invalid count for process type {process_type}"))?;
        let process_type = process_type.trim().to_owned();
        if formation.iter().any(|(t, _)| *t == process_type) {
            continue;
        }
        formation.push((process_type, quantity));
    }
    Ok(formation)
}

/// `scaleSet` + `updateScale`: validate against the Procfile, store the
/// new formation, then deploy the changed process types unless skipped or
/// undeployed.
fn scale_set(
    ctx: &mut Ctx<'_>,
    app: &str,
    tuples: &[String],
    clear_existing: bool,
    skip_deploy: bool,
) -> Result<(), String> {
    let updates = parse_tuples(tuples)?;
    let Some(state) = ctx.host.apps.get_mut(app) else {
        return Ok(());
    };
    let procfile = state.process_types();
    for (process_type, quantity) in &updates {
        if !procfile.is_empty() && !procfile.contains(process_type) && *quantity != 0 {
            return Err(format!(
                "{process_type} is not a valid process name to scale up"
            ));
        }
    }
    let existing = state.scale.clone();
    let mut scale: BTreeMap<String, u32> = if clear_existing {
        BTreeMap::new()
    } else {
        existing.clone()
    };
    for (process_type, quantity) in &updates {
        scale.insert(process_type.clone(), *quantity);
    }
    // Procfile types without a count are written as zero.
    for process_type in &procfile {
        scale.entry(process_type.clone()).or_insert(0);
    }
    state.scale = scale;
    if skip_deploy || !state.deployed {
        return Ok(());
    }
    // deployOnlyChanged: the process types whose count changed.
    let changed: Vec<String> = updates
        .iter()
        .filter(|(t, n)| existing.get(t) != Some(n))
        .map(|(t, _)| t.clone())
        .collect();
    for process_type in changed {
        deploy(ctx, app, Some(&process_type));
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// start / stop / restart / rebuild / restore

/// One app's part of a lifecycle command; `Err` carries the error text.
type AppCommand = fn(&mut Ctx<'_>, &str) -> Result<(), String>;

/// Flags of the lifecycle commands: `--all`, `--parallel N` (pflag Int).
fn lifecycle_flags(ctx: &mut Ctx<'_>, subcommand: &str, args: &[String]) -> Option<(Flags, i64)> {
    let flags = ctx.parse_flags(subcommand, args, &["--all"], &["--parallel"], &[])?;
    let parallel = match flags.value("--parallel") {
        None => 0,
        Some(text) => match text.parse::<i64>() {
            Ok(n) => n,
            Err(_) => {
                // pflag's message for a bad Int value; exit 2.
                let message = format!(
                    "invalid argument \"{text}\" for \"--parallel\" flag: strconv.ParseInt: parsing \"{text}\": invalid syntax"
                );
                flag_error(&mut ctx.out, ctx.host.version, subcommand, &message);
                return None;
            }
        },
    };
    Some((flags, parallel))
}

/// `ps:start`, `ps:stop`, `ps:rebuild`: `--all` or one verified app.
fn all_or_one(
    ctx: &mut Ctx<'_>,
    subcommand: &str,
    name: &str,
    args: &[String],
    command: AppCommand,
) {
    let Some((flags, parallel)) = lifecycle_flags(ctx, subcommand, args) else {
        return;
    };
    if flags.has("--all") {
        against_all_apps(ctx, command, name, parallel);
        return;
    }
    let app = flags.first();
    if !ctx.verify_app(&app) {
        return;
    }
    if let Err(error) = command(ctx, &app) {
        ctx.out.fail(&error);
    }
}

/// `common.RunCommandAgainstAllApps`. Parallel runs are printed in app
/// order, where Dokku's goroutines interleave.
fn against_all_apps(ctx: &mut Ctx<'_>, command: AppCommand, name: &str, parallel: i64) {
    if parallel < -1 {
        ctx.out
            .fail(&format!("Invalid value {parallel} for --parallel flag"));
        return;
    }
    let mut parallel = parallel;
    if parallel == -1 {
        ctx.out.warn(&format!(
            "Setting --parallel={parallel} value to CPU count of {SIM_CPU_COUNT}"
        ));
        parallel = SIM_CPU_COUNT;
    }
    let serial = parallel == 0 || parallel == 1;
    if serial {
        ctx.out.warn(&format!("Running {name} in serial mode"));
    }
    let apps = dokku_apps(ctx.host);
    if apps.is_empty() {
        ctx.out.warn(NO_APPS);
        return;
    }
    let mut errors = 0;
    for app in apps {
        if serial {
            ctx.out.info1(&format!("Running {name} against app {app}"));
        } else {
            ctx.out.info1(&format!("Running command against {app}"));
        }
        if let Err(error) = command(ctx, &app) {
            errors += 1;
            let text = if serial {
                format!("Error running {name} against app {app}: {error}")
            } else {
                format!("Error running {name} against {app}: {error}")
            };
            ctx.out.warn(&text);
        }
    }
    if errors > 0 {
        let text = if serial {
            format!("{name} command returned {errors} errors")
        } else {
            format!("Encountered {errors} errors during parallel run")
        };
        ctx.out.fail(&text);
    }
}

/// `ps:restart [--parallel N] [--all|<app>] [<process-name>]`
/// (`CommandRestart`).
fn restart_command(ctx: &mut Ctx<'_>, args: &[String]) {
    let Some((flags, parallel)) = lifecycle_flags(ctx, "ps:restart", args) else {
        return;
    };
    let all = flags.has("--all");
    // With --all the first positional is the process name.
    let (app, process) = if all {
        (String::new(), flags.first())
    } else {
        (
            flags.first(),
            flags.positional.get(1).cloned().unwrap_or_default(),
        )
    };
    if all {
        if !process.is_empty() {
            ctx.out
                .fail("Unable to restart all apps when specifying a process name");
            return;
        }
        against_all_apps(ctx, restart, "restart", parallel);
        return;
    }
    if !ctx.verify_app(&app) {
        return;
    }
    if process.is_empty() {
        if let Err(error) = restart(ctx, &app) {
            ctx.out.fail(&error);
        }
        return;
    }
    // RestartProcess: deploy one process type. A type the app does not
    // scale restarts every process (DESIGN §8).
    if !deployed_or_warn(ctx, &app) {
        return;
    }
    let known = ctx
        .host
        .apps
        .get(&app)
        .is_some_and(|a| a.scale.contains_key(&process));
    deploy(ctx, &app, known.then_some(process.as_str()));
}

/// `ps.Restore`: clear the proxy config, then start the app unless
/// DOKKU_APP_RESTORE=0.
fn restore(ctx: &mut Ctx<'_>, app: &str) -> Result<(), String> {
    ctx.out
        .info1("Clearing potentially invalid proxy configuration");
    if !deployed_or_warn(ctx, app) {
        return Ok(());
    }
    if ctx.host.apps.get(app).is_some_and(|a| !a.restore) {
        ctx.out.warn(&format!(
            "Skipping ps:restore for {app} as DOKKU_APP_RESTORE=0"
        ));
        return Ok(());
    }
    ctx.out.info1("Starting app");
    start(ctx, app)
}

/// `ps:restore [--parallel N] [--all|<app>]` (`CommandRestore`).
fn restore_command(ctx: &mut Ctx<'_>, args: &[String]) {
    let Some((flags, parallel)) = lifecycle_flags(ctx, "ps:restore", args) else {
        return;
    };
    let app = flags.first();
    if flags.has("--all") {
        against_all_apps(ctx, restore, "restore", parallel);
        return;
    }
    if app.is_empty() {
        ctx.out
            .warn("Restore specified without app, assuming --all");
        against_all_apps(ctx, restore, "restore", parallel);
        return;
    }
    if !ctx.verify_app(&app) {
        return;
    }
    if let Err(error) = restore(ctx, &app) {
        ctx.out.fail(&error);
    }
}

/// `ps:retire [<app>]` (`CommandRetire`): nothing is waiting to retire in
/// the simulator, so only the two phase lines print.
fn retire(ctx: &mut Ctx<'_>, args: &[String]) {
    if ctx.parse_flags("ps:retire", args, &[], &[], &[]).is_none() {
        return;
    }
    ctx.out.info1("Retiring old containers and images");
    ctx.out.info1("Retiring expired run and cron containers");
}

// ---------------------------------------------------------------------------
// ps:set

/// The ps properties `ps:set` accepts for this version, and the global
/// ones (`DefaultProperties` / `GlobalProperties`).
fn ps_properties(version: DokkuVersion) -> (Vec<&'static str>, Vec<&'static str>) {
    let mut all = vec!["procfile-path", "restart-policy"];
    let mut global = vec!["procfile-path"];
    if version >= V0_36_0 {
        all.push("stop-timeout-seconds");
        global.push("stop-timeout-seconds");
    }
    if version >= V0_38_8 {
        all.extend([
            "restore",
            "skip-deploy",
            "start-cmd",
            "dockerfile-start-cmd",
        ]);
        global.extend(["restart-policy", "skip-deploy"]);
    }
    (all, global)
}

/// `isValidRestartPolicy`.
fn valid_restart_policy(policy: &str) -> bool {
    matches!(policy, "no" | "always" | "unless-stopped" | "on-failure")
        || policy.starts_with("on-failure:")
}

/// `ps:set [--global] <app> <key> [<value>]` (`CommandSet`).
fn set(ctx: &mut Ctx<'_>, args: &[String]) {
    let Some(flags) = ctx.parse_flags("ps:set", args, &["--global"], &[], &[]) else {
        return;
    };
    let (app, rest) = property_target(&flags);
    let property = rest.first().cloned().unwrap_or_default();
    let value = rest.get(1).cloned().unwrap_or_default();
    let version = ctx.host.version;
    // Checked before the app: an empty value unsets since #8696 (0.38),
    // before it was an invalid policy too.
    let empty_unsets = version >= V0_38_8;
    if property == "restart-policy"
        && !(empty_unsets && value.is_empty())
        && !valid_restart_policy(&value)
    {
        ctx.out.fail("Invalid restart-policy specified");
        return;
    }
    let (all, global) = ps_properties(version);
    if !property_set_checks(ctx, &app, &property, &all, &global) {
        return;
    }
    announce_property(&mut ctx.out, &property, &value);
    let store = if app == "--global" {
        ctx.host.global_properties.entry("ps".into()).or_default()
    } else {
        match ctx.host.apps.get_mut(&app) {
            Some(state) => state.properties.entry("ps".into()).or_default(),
            None => return,
        }
    };
    write_property(store, &property, &value);
    // The restore property is what `ps:report` shows as Restore.
    if property == "restore" {
        if let Some(state) = ctx.host.apps.get_mut(&app) {
            state.restore = value != "false";
        }
    }
}

// ---------------------------------------------------------------------------
// ps:inspect

/// `ps:inspect <app>`: `docker container inspect` of the app's containers
/// (CONTAINER.* files in `sort -t . -k 2 -n` order, which ties on the
/// non-numeric field and falls back to the whole name), through the
/// scheduler's Python filter.
fn inspect(ctx: &mut Ctx<'_>, args: &[String]) {
    let Some(flags) = ctx.parse_flags("ps:inspect", args, &[], &[], &[]) else {
        return;
    };
    let app = flags.first();
    if !ctx.verify_app(&app) {
        return;
    }
    let Some(state) = ctx.host.apps.get(&app) else {
        return;
    };
    let mut containers = state.containers.clone();
    containers.sort_by_key(|c| format!("CONTAINER.{}.{}", c.process_type, c.index));
    if containers.is_empty() {
        // `docker container inspect` without ids fails, and Python then
        // reads nothing.
        ctx.out
            .stderr_plain("\"docker container inspect\" requires at least 1 argument.");
        ctx.out
            .stderr_plain("See 'docker container inspect --help'.");
        ctx.out.stderr_plain(
            "json.decoder.JSONDecodeError: Expecting value: line 1 column 1 (char 0)",
        );
        ctx.out.code = 1;
        return;
    }
    let env = ctx.host.merged_config(&app);
    let policy = {
        let raw = app_prop(ctx.host, &app, "restart-policy");
        let global = global_prop(ctx.host, "restart-policy");
        computed(&raw, &global, "on-failure:10")
    };
    let items: Vec<Json> = containers
        .iter()
        .map(|c| inspect_container(&app, c, &env, &policy, ctx.host.now))
        .collect();
    let text = python_dumps(&Json::Array(items));
    ctx.out.log(&text);
}

/// `scheduler-inspect`'s filter: names outside the allowed prefixes have
/// their values replaced by `XXXXXX`.
fn mask_env(entry: &str) -> String {
    const ALLOWED: &[&str] = &[
        "CACHE_PATH=",
        "DOCKER_",
        "DOKKU_",
        "DYNO=",
        "PATH=",
        "PORT=",
        "USER=",
    ];
    if ALLOWED.iter().any(|prefix| entry.starts_with(prefix)) {
        return entry.to_owned();
    }
    match entry.split_once('=') {
        Some((name, _)) => format!("{name}=XXXXXX"),
        None => entry.to_owned(),
    }
}

/// A JSON value, printed the way Python prints it.
enum Json {
    Null,
    Bool(bool),
    Int(i64),
    Str(String),
    Array(Vec<Json>),
    Object(BTreeMap<String, Json>),
}

fn s(text: impl Into<String>) -> Json {
    Json::Str(text.into())
}

fn obj<const N: usize>(pairs: [(&str, Json); N]) -> Json {
    Json::Object(pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
}

/// One `docker container inspect` object, reduced to the fields tools read.
fn inspect_container(
    app: &str,
    container: &Container,
    env: &BTreeMap<String, String>,
    restart_policy: &str,
    now: u64,
) -> Json {
    let dyno = format!("{}.{}", container.process_type, container.index);
    let mut entries: Vec<String> = env.iter().map(|(k, v)| format!("{k}={v}")).collect();
    entries.push(format!("DYNO={dyno}"));
    if container.process_type == "web" {
        entries.push("PORT=5000".to_owned());
    }
    entries.push("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin".to_owned());
    let (policy_name, retries) = match restart_policy.split_once(':') {
        Some((name, count)) => (name.to_owned(), count.parse::<i64>().unwrap_or(0)),
        None => (restart_policy.to_owned(), 0),
    };
    let running = container.state == ContainerState::Running;
    let restarting = container.state == ContainerState::Restarting;
    let started = docker_timestamp(now, 0);
    let hostname: String = container.id.chars().take(12).collect();
    let pid = if running {
        // A stable, plausible pid derived from the id.
        let seed =
            u64::from_str_radix(&container.id.chars().take(4).collect::<String>(), 16).unwrap_or(0);
        i64::try_from(1000 + seed % 60_000).unwrap_or(1000)
    } else {
        0
    };
    obj([
        ("Args", Json::Array(vec![s(container.process_type.clone())])),
        (
            "Config",
            obj([
                (
                    "Cmd",
                    Json::Array(vec![s("/start"), s(container.process_type.clone())]),
                ),
                (
                    "Env",
                    Json::Array(entries.iter().map(|e| s(mask_env(e))).collect()),
                ),
                ("Hostname", s(hostname)),
                ("Image", s(format!("dokku/{app}:latest"))),
                (
                    "Labels",
                    obj([
                        ("com.dokku.app-name", s(app)),
                        ("com.dokku.container-type", s("deploy")),
                        ("com.dokku.dyno", s(dyno.clone())),
                        ("com.dokku.process-type", s(container.process_type.clone())),
                        ("dokku", s("")),
                    ]),
                ),
                ("User", s("")),
                ("WorkingDir", s("/app")),
            ]),
        ),
        ("Created", s(started.clone())),
        (
            "HostConfig",
            obj([(
                "RestartPolicy",
                obj([
                    ("MaximumRetryCount", Json::Int(retries)),
                    ("Name", s(policy_name)),
                ]),
            )]),
        ),
        ("Id", s(container.id.clone())),
        ("Name", s(format!("/{app}.{dyno}"))),
        ("Path", s("/start")),
        ("RestartCount", Json::Int(0)),
        (
            "State",
            obj([
                ("Dead", Json::Bool(false)),
                ("Error", s("")),
                ("ExitCode", Json::Int(if running { 0 } else { 137 })),
                (
                    "FinishedAt",
                    s(if running {
                        "0001-01-01T00:00:00Z".to_owned()
                    } else {
                        started.clone()
                    }),
                ),
                ("OOMKilled", Json::Bool(false)),
                ("Paused", Json::Bool(false)),
                ("Pid", Json::Int(pid)),
                ("Restarting", Json::Bool(restarting)),
                ("Running", Json::Bool(running)),
                ("StartedAt", s(started)),
                ("Status", s(container.state.as_str())),
            ]),
        ),
        ("Volumes", Json::Null),
    ])
}

/// Python 3's `json.dumps(value, sort_keys=True, indent=4)`: separators
/// `,` and `: `, non-ASCII escaped (`ensure_ascii`), empty containers as
/// `[]` / `{}`.
fn python_dumps(value: &Json) -> String {
    let mut text = String::new();
    dump(&mut text, value, 0);
    text
}

fn dump(text: &mut String, value: &Json, depth: usize) {
    let pad = |depth: usize| " ".repeat(4 * depth);
    match value {
        Json::Null => text.push_str("null"),
        Json::Bool(b) => text.push_str(if *b { "true" } else { "false" }),
        Json::Int(n) => text.push_str(&n.to_string()),
        Json::Str(string) => python_str(text, string),
        Json::Array(items) if items.is_empty() => text.push_str("[]"),
        Json::Array(items) => {
            text.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    text.push(',');
                }
                text.push('\n');
                text.push_str(&pad(depth + 1));
                dump(text, item, depth + 1);
            }
            text.push('\n');
            text.push_str(&pad(depth));
            text.push(']');
        }
        Json::Object(map) if map.is_empty() => text.push_str("{}"),
        Json::Object(map) => {
            text.push('{');
            // BTreeMap order is code-point order, as sort_keys sorts.
            for (i, (key, item)) in map.iter().enumerate() {
                if i > 0 {
                    text.push(',');
                }
                text.push('\n');
                text.push_str(&pad(depth + 1));
                python_str(text, key);
                text.push_str(": ");
                dump(text, item, depth + 1);
            }
            text.push('\n');
            text.push_str(&pad(depth));
            text.push('}');
        }
    }
}

/// Python's `json` string escaping with `ensure_ascii=True`.
fn python_str(text: &mut String, string: &str) {
    text.push('"');
    for c in string.chars() {
        match c {
            '"' => text.push_str("\\\""),
            '\\' => text.push_str("\\\\"),
            '\n' => text.push_str("\\n"),
            '\r' => text.push_str("\\r"),
            '\t' => text.push_str("\\t"),
            '\u{8}' => text.push_str("\\b"),
            '\u{c}' => text.push_str("\\f"),
            c if c.is_ascii() && !c.is_ascii_control() => text.push(c),
            c => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    text.push_str(&format!("\\u{unit:04x}"));
                }
            }
        }
    }
    text.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_json_layout() {
        let value = Json::Array(vec![obj([
            ("b", Json::Array(vec![])),
            ("a", s("é\"x")),
            ("c", obj([("d", Json::Int(1)), ("e", Json::Bool(true))])),
        ])]);
        assert_eq!(
            python_dumps(&value),
            "[\n    {\n        \"a\": \"\\u00e9\\\"x\",\n        \"b\": [],\n        \"c\": {\n            \"d\": 1,\n            \"e\": true\n        }\n    }\n]"
        );
    }

    #[test]
    fn env_masking() {
        assert_eq!(mask_env("SECRET=hunter2"), "SECRET=XXXXXX");
        assert_eq!(mask_env("DOKKU_X=1"), "DOKKU_X=1");
        assert_eq!(mask_env("PORT=5000"), "PORT=5000");
        assert_eq!(mask_env("PORTAL=a=b"), "PORTAL=XXXXXX");
    }

    #[test]
    fn tuples() {
        assert_eq!(
            parse_tuples(&["web=2".into(), "web=3".into(), "worker = 1".into()]),
            Ok(vec![("web".into(), 2), ("worker".into(), 1)])
        );
        assert_eq!(
            parse_tuples(&["web".into()]),
            Err("Missing count for process type web".into())
        );
        assert_eq!(
            parse_tuples(&["web=two".into()]),
            Err("Invalid count for process type web".into())
        );
    }
}
