//! The `cron` plugin (simulated): `cron:report`, `cron:set` and
//! `cron:list`.
//!
//! Written from dokku/dokku v0.38.27 `plugins/cron` (`report.go`: mailto
//! and mailfrom are global only; `subcommands.go`: `cron:list` as a
//! columnized table or JSON) and the recorded output
//! (captures-0.38.27-core.jsonl seq 175, 176, 206, 207). The simulated
//! apps have no `app.json` cron tasks.

use crate::common::properties::{Prop, PropertyPlugin};
use crate::common::report::{Fields, JsonKeys};
use crate::common::{Ctx, Outcome};
use crate::host::SimHost;

const PLUGIN: PropertyPlugin = PropertyPlugin {
    plugin: "cron",
    report_type: "cron",
    json_keys: JsonKeys::StrippedAndLegacy,
    props: &[
        Prop::triple("mailfrom", "").global_only(),
        Prop::triple("mailto", "").global_only(),
        Prop::triple("maintenance", "false"),
    ],
};

/// Run a `cron` subcommand; `None` if it is not one this module knows.
pub fn run(ctx: &mut Ctx<'_>, subcommand: &str, args: &[String]) -> Option<Outcome> {
    match subcommand {
        "cron:report" => PLUGIN.report(ctx, args, Some(&task_count)),
        "cron:set" => PLUGIN.set(ctx, args),
        "cron:list" => list(ctx, args),
        _ => return None,
    }
    Some(Outcome::Done(std::mem::take(&mut ctx.out)))
}

fn task_count(_: &SimHost, app: Option<&str>, _: &str, _: Option<&str>) -> Fields {
    let mut fields = Fields::new();
    if app.is_some() {
        fields.insert("--cron-task-count".to_owned(), "0".to_owned());
    }
    fields
}

/// `cron:list <app> [--format stdout|json]`: the header of the table, or
/// an empty JSON array.
fn list(ctx: &mut Ctx<'_>, args: &[String]) {
    let Some(flags) = ctx.parse_flags("cron:list", args, &[], &["--format"], &[]) else {
        return;
    };
    if !ctx.verify_app(&flags.first()) {
        return;
    }
    match flags.value("--format").unwrap_or("stdout") {
        "json" => ctx.out.log("[]"),
        _ => ctx
            .out
            .log("ID  Schedule  Concurrency  Maintenance  Command"),
    }
}
