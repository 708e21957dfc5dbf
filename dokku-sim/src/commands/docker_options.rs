//! The `docker-options` plugin (simulated): `docker-options:report`,
//! `:add`, `:remove`, `:clear` and `:list`.
//!
//! Written from dokku/dokku v0.38.27 `plugins/docker-options`
//! (`report.go`: per phase the options joined by spaces, and in JSON also
//! a `-list` array; `subcommands.go`: the phase checks and messages) and
//! the recorded output (captures-0.38.27-core.jsonl seq 161-166;
//! captures-0.38.27-surface.jsonl seq 957-978).
//!
//! State: the app's `docker-options` properties `<phase>` (and
//! `<phase>.<process>`), the options one a line.

use std::collections::BTreeMap;

use crate::common::properties;
use crate::common::report::{self, go_json_str, Fields, GoReport, JsonKeys};
use crate::common::{Ctx, Outcome};
use crate::host::SimHost;

const PHASES: &[&str] = &["build", "deploy", "run"];

/// Run a `docker-options` subcommand; `None` if it is not one this module
/// knows.
pub fn run(ctx: &mut Ctx<'_>, subcommand: &str, args: &[String]) -> Option<Outcome> {
    match subcommand {
        "docker-options:report" => report(ctx, args),
        "docker-options:add" => change(ctx, args, true),
        "docker-options:remove" => change(ctx, args, false),
        "docker-options:clear" => clear(ctx, args),
        "docker-options:list" => list(ctx, args),
        _ => return None,
    }
    Some(Outcome::Done(std::mem::take(&mut ctx.out)))
}

fn options(host: &SimHost, app: &str, key: &str) -> Vec<String> {
    host.app_property(app, "docker-options", key)
        .unwrap_or("")
        .lines()
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The report keys and the options behind each (app only; `--global` has
/// none).
fn keyed_options(host: &SimHost, app: Option<&str>) -> BTreeMap<String, Vec<String>> {
    let mut keyed = BTreeMap::new();
    let Some(app) = app else {
        return keyed;
    };
    for phase in PHASES {
        keyed.insert((*phase).to_owned(), options(host, app, phase));
    }
    if let Some(props) = host
        .apps
        .get(app)
        .and_then(|a| a.properties.get("docker-options"))
    {
        for key in props.keys().filter(|k| k.contains('.')) {
            keyed.insert(key.clone(), options(host, app, key));
        }
    }
    keyed
}

fn collect(host: &SimHost, app: Option<&str>, _: &str, _: Option<&str>) -> Fields {
    keyed_options(host, app)
        .into_iter()
        .map(|(key, options)| (format!("--docker-options-{key}"), options.join(" ")))
        .collect()
}

/// `ReportSingleApp`: text through the shared renderer; JSON with the
/// bare and prefixed string keys plus a `-list` array per key
/// (`buildJSONReportData`).
fn report(ctx: &mut Ctx<'_>, args: &[String]) {
    let mut spec = GoReport::current(
        "docker-options",
        "docker-options",
        JsonKeys::StrippedAndLegacy,
        &collect,
    );
    spec.json = Some(&json);
    report::run(ctx, &spec, args);
}

fn json(host: &SimHost, app: Option<&str>) -> String {
    let mut entries: BTreeMap<String, String> = BTreeMap::new();
    for (key, options) in keyed_options(host, app) {
        let mut joined = String::new();
        go_json_str(&mut joined, &options.join(" "));
        entries.insert(key.clone(), joined.clone());
        entries.insert(format!("docker-options-{key}"), joined);
        let items: Vec<String> = options
            .iter()
            .map(|o| {
                let mut item = String::new();
                go_json_str(&mut item, o);
                item
            })
            .collect();
        entries.insert(format!("{key}-list"), format!("[{}]", items.join(",")));
    }
    let body: Vec<String> = entries
        .iter()
        .map(|(k, v)| {
            let mut key = String::new();
            go_json_str(&mut key, k);
            format!("{key}:{v}")
        })
        .collect();
    format!("{{{}}}", body.join(","))
}

/// `[--process <type>] <app> <phases> <option…>`: the option is the rest
/// of the arguments joined by spaces.
fn change(ctx: &mut Ctx<'_>, args: &[String], add: bool) {
    let mut args = args.to_vec();
    let mut process = String::new();
    if args.first().is_some_and(|a| a == "--process") {
        process = args.get(1).cloned().unwrap_or_default();
        args.drain(..2.min(args.len()));
    }
    let app = args.first().cloned().unwrap_or_default();
    if !ctx.verify_app(&app) {
        return;
    }
    let phases: Vec<String> = args
        .get(1)
        .map(|p| p.split(',').map(str::to_owned).collect())
        .unwrap_or_default();
    if phases.is_empty() || phases.iter().any(|p| !PHASES.contains(&p.as_str())) {
        ctx.out.fail("Phase(s) must be one of [build deploy run]");
        return;
    }
    if !process.is_empty() {
        if let Some(phase) = phases.iter().find(|p| *p != "deploy") {
            ctx.out.fail(&format!(
                "--process is only supported for the deploy phase, got \"{phase}\""
            ));
            return;
        }
    }
    let option = args.get(2..).unwrap_or_default().join(" ");
    if option.is_empty() {
        let verb = if add { "add to" } else { "remove from" };
        ctx.out.fail(&format!(
            "Please specify docker options to {verb} the phase"
        ));
        return;
    }
    for phase in phases {
        let key = if process.is_empty() {
            phase
        } else {
            format!("{phase}.{process}")
        };
        let mut current = options(ctx.host, &app, &key);
        current.retain(|o| *o != option);
        if add {
            current.push(option.clone());
        }
        let value = current.join("\n");
        // A process key stays (empty) once it existed.
        if value.is_empty() && key.contains('.') {
            if let Some(a) = ctx.host.apps.get_mut(&app) {
                a.properties
                    .entry("docker-options".to_owned())
                    .or_default()
                    .insert(key, String::new());
            }
        } else {
            properties::store(ctx.host, "docker-options", &app, &key, &value);
        }
    }
}

/// `docker-options:clear <app> [<phases>]`.
fn clear(ctx: &mut Ctx<'_>, args: &[String]) {
    let app = args.first().cloned().unwrap_or_default();
    if !ctx.verify_app(&app) {
        return;
    }
    match args.get(1) {
        Some(phases) => {
            ctx.out.info1(&format!(
                "Clearing docker-options for {app} on phase {phases}"
            ));
            for phase in phases.split(',') {
                properties::store(ctx.host, "docker-options", &app, phase, "");
            }
        }
        None => {
            ctx.out
                .info1(&format!("Clearing docker-options for {app} on all phases"));
            // clearDefaultScope: the default scope's phases only; the
            // process-scoped keys stay.
            for phase in PHASES {
                properties::store(ctx.host, "docker-options", &app, phase, "");
            }
        }
    }
}

/// `docker-options:list <app> --phase <phase> [--process <type>]`: the
/// raw options, one a line.
fn list(ctx: &mut Ctx<'_>, args: &[String]) {
    let Some(flags) = ctx.parse_flags(
        "docker-options:list",
        args,
        &[],
        &["--phase", "--process"],
        &[],
    ) else {
        return;
    };
    let app = flags.first();
    if !ctx.verify_app(&app) {
        return;
    }
    let Some(phase) = flags.value("--phase").filter(|p| !p.is_empty()) else {
        ctx.out.fail("--phase is required");
        return;
    };
    let key = match flags.value("--process").filter(|p| !p.is_empty()) {
        Some(process) => format!("{phase}.{process}"),
        None => phase.to_owned(),
    };
    for option in options(ctx.host, &app, &key) {
        ctx.out.log(&option);
    }
}
