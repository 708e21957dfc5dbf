//! The `app-json` plugin (simulated): `app-json:report` and
//! `app-json:set`.
//!
//! Written from dokku/dokku v0.38.27 `plugins/app-json` (`report.go`: the
//! `appjson-path` triple, JSON keys bare and `app-json-`-prefixed) and the
//! recorded output (captures-0.38.27-core.jsonl seq 191, 192).

use crate::common::properties::{Prop, PropertyPlugin};
use crate::common::report::JsonKeys;
use crate::common::{Ctx, Outcome};

const PLUGIN: PropertyPlugin = PropertyPlugin {
    plugin: "app-json",
    report_type: "app-json",
    json_keys: JsonKeys::StrippedAndLegacy,
    props: &[Prop::triple("appjson-path", "app.json")],
};

/// Run an `app-json` subcommand; `None` if it is not one this module knows.
pub fn run(ctx: &mut Ctx<'_>, subcommand: &str, args: &[String]) -> Option<Outcome> {
    match subcommand {
        "app-json:report" => PLUGIN.report(ctx, args, None),
        "app-json:set" => PLUGIN.set(ctx, args),
        _ => return None,
    }
    Some(Outcome::Done(std::mem::take(&mut ctx.out)))
}
