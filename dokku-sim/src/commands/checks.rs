//! The `checks` plugin (simulated): `checks:report`, `checks:set`,
//! `checks:disable`, `checks:enable` and `checks:skip`.
//!
//! Written from dokku/dokku v0.38.27 `plugins/checks` (`report.go`: the
//! lists read `none` when empty, bare JSON keys; `subcommands/disable`,
//! `enable`, `skip`: the `_all_` default and the messages) and the
//! recorded output (captures-0.38.27-core.jsonl seq 167, 168, 205, 216,
//! 217).

use crate::common::properties::{self, BashSet, Prop, PropertyPlugin};
use crate::common::report::{Fields, JsonKeys};
use crate::common::{Ctx, Outcome};
use crate::host::SimHost;

const PLUGIN: PropertyPlugin = PropertyPlugin {
    plugin: "checks",
    report_type: "checks",
    json_keys: JsonKeys::Stripped,
    props: &[Prop::triple("wait-to-retire", "60")],
};

/// `subcommands/set`: bash, the app verified first.
const SET: BashSet = BashSet {
    plugin: "checks",
    keys: &["wait-to-retire"],
    keys_text: "wait-to-retire",
    global_only: None,
    unset_writes_empty: &["rev-env-var"],
};

/// Run a `checks` subcommand; `None` if it is not one this module knows.
pub fn run(ctx: &mut Ctx<'_>, subcommand: &str, args: &[String]) -> Option<Outcome> {
    match subcommand {
        "checks:report" => PLUGIN.report(ctx, args, Some(&lists)),
        "checks:set" => properties::bash_set(ctx, &SET, args),
        "checks:disable" => toggle(ctx, args, Toggle::Disable),
        "checks:enable" => toggle(ctx, args, Toggle::Enable),
        "checks:skip" => toggle(ctx, args, Toggle::Skip),
        "checks:run" => run_checks(ctx, args),
        _ => return None,
    }
    Some(Outcome::Done(std::mem::take(&mut ctx.out)))
}

/// `--checks-disabled-list`, `--checks-skipped-list`: comma lists, `none`
/// when empty.
fn lists(host: &SimHost, app: Option<&str>, _: &str, _: Option<&str>) -> Fields {
    let mut fields = Fields::new();
    if let Some(app) = app {
        for (flag, key) in [
            ("--checks-disabled-list", "disabled"),
            ("--checks-skipped-list", "skipped"),
        ] {
            let value = host.app_property(app, "checks", key).unwrap_or("");
            let value = if value.is_empty() { "none" } else { value };
            fields.insert(flag.to_owned(), value.to_owned());
        }
    }
    fields
}

/// `<app> [<process types>]` of the bash subcommands: the app verified
/// (`verify_app_name`), the types `_all_` unless given.
fn app_and_proctypes(ctx: &mut Ctx<'_>, args: &[String]) -> Option<(String, String)> {
    let app = args.first().cloned().unwrap_or_default();
    if !ctx.verify_app_bash(&app) {
        return None;
    }
    let proctypes = args
        .get(1)
        .filter(|p| !p.is_empty())
        .cloned()
        .unwrap_or_else(|| "_all_".to_owned());
    Some((app, proctypes))
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Toggle {
    Disable,
    Enable,
    Skip,
}

/// `subcommands/disable`, `enable` and `skip`: every process type
/// (`_all_`) or a comma list of them.
fn toggle(ctx: &mut Ctx<'_>, args: &[String], toggle: Toggle) {
    let Some((app, proctypes)) = app_and_proctypes(ctx, args) else {
        return;
    };
    let list = |ctx: &Ctx<'_>, key: &str| -> Vec<String> {
        ctx.host
            .app_property(&app, "checks", key)
            .unwrap_or("")
            .split(',')
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
            .collect()
    };
    let mut disabled = list(ctx, "disabled");
    let mut skipped = list(ctx, "skipped");
    let (verb, add_to_disabled, add_to_skipped) = match toggle {
        Toggle::Disable => ("Disabling", true, false),
        Toggle::Skip => ("Skipping", false, true),
        Toggle::Enable => ("Enabling", false, false),
    };
    if proctypes == "_all_" {
        // Only `enable` says "app's" here.
        let whose = if toggle == Toggle::Enable {
            "app's"
        } else {
            "app"
        };
        ctx.out
            .info1(&format!("{verb} zero downtime for {whose} ({app})"));
        disabled = if add_to_disabled {
            vec![proctypes.clone()]
        } else {
            Vec::new()
        };
        skipped = if add_to_skipped {
            vec![proctypes]
        } else {
            Vec::new()
        };
    } else {
        ctx.out.info1(&format!(
            "{verb} zero downtime for app's ({app}) proctypes ({proctypes})"
        ));
        for proctype in proctypes.split(',') {
            disabled.retain(|p| p != proctype && p != "_all_");
            skipped.retain(|p| p != proctype && p != "_all_");
            if add_to_disabled {
                disabled.push(proctype.to_owned());
            }
            if add_to_skipped {
                skipped.push(proctype.to_owned());
            }
        }
    }
    properties::store(ctx.host, "checks", &app, "disabled", &disabled.join(","));
    properties::store(ctx.host, "checks", &app, "skipped", &skipped.join(","));
}

/// `checks:run <app> [<type>[.<index>],…]` (`subcommands/run`): every
/// container of the scale (`ps-current-scale`) checked in turn; a
/// container that does not exist fails the run.
fn run_checks(ctx: &mut Ctx<'_>, args: &[String]) {
    let Some((app, proctypes)) = app_and_proctypes(ctx, args) else {
        return;
    };
    ctx.out.info1("Running pre-flight checks");
    if proctypes == "_all_" {
        check_all(ctx, &app, None);
        return;
    }
    for proctype in proctypes.split(',') {
        let (process_type, index) = match proctype.split_once('.') {
            Some((process_type, index)) => (process_type, Some(index)),
            None => (proctype, None),
        };
        match index {
            Some(index) => {
                if !check_process(ctx, &app, process_type, index) {
                    return;
                }
            }
            None => {
                if !check_all(ctx, &app, Some(process_type)) {
                    return;
                }
            }
        }
    }
}

/// `check_all_processes`: whether every check passed.
fn check_all(ctx: &mut Ctx<'_>, app: &str, only: Option<&str>) -> bool {
    let scale = ctx.trigger_capture("ps-current-scale", &[app.to_owned()]);
    let disabled = ctx
        .host
        .app_property(app, "checks", "disabled")
        .unwrap_or("")
        .to_owned();
    let mut valid = false;
    for line in scale.text().lines() {
        let (process_type, count) = line.split_once('=').unwrap_or((line, "0"));
        if only.is_some_and(|only| only != process_type) {
            continue;
        }
        valid = true;
        if disabled
            .split(',')
            .any(|d| d == process_type || d == "_all_")
        {
            ctx.out.info1(&format!(
                "Zero downtime is disabled for app ({app}.{process_type}). Skipping checks"
            ));
            continue;
        }
        let count: u32 = count.parse().unwrap_or(0);
        for index in 1..=count {
            if !check_process(ctx, app, process_type, &index.to_string()) {
                return false;
            }
        }
    }
    if !valid {
        ctx.out.fail(&format!(
            "Invalid process type specified ({app}.{})",
            only.unwrap_or("")
        ));
        return false;
    }
    true
}

/// `check_process`: the container must exist; its checks are the
/// deploy's (`check-deploy`), which pass in the simulator.
fn check_process(ctx: &mut Ctx<'_>, app: &str, process_type: &str, index: &str) -> bool {
    let exists = ctx.host.apps.get(app).is_some_and(|a| {
        a.containers
            .iter()
            .any(|c| c.process_type == process_type && c.index.to_string() == index)
    });
    if !exists {
        ctx.out.fail(&format!(
            "Invalid container index specified ({app}.{process_type}.{index})"
        ));
        return false;
    }
    ctx.out.info1(&format!(
        "Running checks for app ({app}.{process_type}.{index})"
    ));
    true
}
