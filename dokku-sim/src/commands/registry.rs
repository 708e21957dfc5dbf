//! The `registry` plugin (simulated): `registry:report` and
//! `registry:set`.
//!
//! Written from dokku/dokku v0.38.27 `plugins/registry/report.go` (the
//! computed image repo `dokku/<app>`, no global image repo) and the
//! recorded output (captures-0.38.27-core.jsonl seq 181, 182;
//! captures-0.38.27-surface.jsonl seq 262, 266).

use crate::common::properties::{self, Prop, PropertyPlugin};
use crate::common::report::{Fields, JsonKeys};
use crate::common::{Ctx, Outcome};
use crate::host::SimHost;

const PLUGIN: PropertyPlugin = PropertyPlugin {
    plugin: "registry",
    report_type: "registry",
    json_keys: JsonKeys::StrippedAndLegacy,
    props: &[
        Prop::app("image-repo", "dokku/{app}"),
        Prop::triple("image-repo-template", ""),
        Prop::triple("push-extra-tags", ""),
        Prop::triple("push-on-release", "false"),
        Prop::triple("server", ""),
    ],
};

/// Run a `registry` subcommand; `None` if it is not one this module knows.
pub fn run(ctx: &mut Ctx<'_>, subcommand: &str, args: &[String]) -> Option<Outcome> {
    match subcommand {
        "registry:report" => PLUGIN.report(ctx, args, Some(&tag_version)),
        "registry:set" => PLUGIN.set(ctx, args),
        _ => return None,
    }
    Some(Outcome::Done(std::mem::take(&mut ctx.out)))
}

/// `--registry-tag-version`: the tag of the last push (none yet).
fn tag_version(host: &SimHost, app: Option<&str>, _: &str, _: Option<&str>) -> Fields {
    properties::app_field(
        host,
        app,
        "--registry-tag-version",
        "registry",
        "tag-version",
        "",
    )
}
