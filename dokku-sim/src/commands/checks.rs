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

#[derive(Clone, Copy, PartialEq, Eq)]
enum Toggle {
    Disable,
    Enable,
    Skip,
}

/// `subcommands/disable`, `enable` and `skip`: every process type
/// (`_all_`) or a comma list of them.
fn toggle(ctx: &mut Ctx<'_>, args: &[String], toggle: Toggle) {
    let app = args.first().cloned().unwrap_or_default();
    if !ctx.verify_app(&app) {
        return;
    }
    let proctypes = args
        .get(1)
        .filter(|p| !p.is_empty())
        .cloned()
        .unwrap_or_else(|| "_all_".to_owned());
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
        ctx.out
            .info1(&format!("{verb} zero downtime for app ({app})"));
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
