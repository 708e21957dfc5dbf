//! The `network` plugin (simulated): `network:report`, `network:set`,
//! `network:list` and `network:create`.
//!
//! Written from dokku/dokku v0.38.27 `plugins/network` (`report.go`, the
//! property triples and the listeners; `subcommands.go`) and the recorded
//! output (captures-0.38.27-core.jsonl seq 138-143). The simulated host
//! has Docker's networks but creates no others.

use crate::common::properties::{Prop, PropertyPlugin};
use crate::common::report::{Fields, JsonKeys};
use crate::common::{Ctx, Outcome};
use crate::host::SimHost;

const PLUGIN: PropertyPlugin = PropertyPlugin {
    plugin: "network",
    report_type: "network",
    json_keys: JsonKeys::StrippedAndLegacy,
    props: &[
        Prop::triple("attach-post-create", ""),
        Prop::triple("attach-post-deploy", ""),
        Prop::triple("bind-all-interfaces", "false"),
        Prop::triple("initial-network", ""),
        Prop::triple("tld", ""),
        Prop::raw_only("static-web-listener"),
    ],
};

/// Run a `network` subcommand; `None` if it is not one this module knows.
pub fn run(ctx: &mut Ctx<'_>, subcommand: &str, args: &[String]) -> Option<Outcome> {
    match subcommand {
        "network:report" => PLUGIN.report(ctx, args, Some(&listeners)),
        "network:set" => PLUGIN.set(ctx, args),
        // `CommandList`: the header; the networks Docker lists (none the
        // simulated host made).
        "network:list" => ctx.out.info2_quiet("Networks"),
        "network:create" => {
            let name = args.first().cloned().unwrap_or_default();
            if name.is_empty() {
                ctx.out.fail("No network name specified");
            } else {
                ctx.out.info1(&format!("Creating network {name}"));
            }
        }
        _ => return None,
    }
    Some(Outcome::Done(std::mem::take(&mut ctx.out)))
}

/// `--network-web-listeners`: the running web containers' addresses (none
/// before a deploy).
fn listeners(host: &SimHost, app: Option<&str>, _: &str, _: Option<&str>) -> Fields {
    let mut fields = Fields::new();
    if let Some(name) = app {
        let listeners: Vec<String> = host
            .apps
            .get(name)
            .map(|a| {
                a.containers
                    .iter()
                    .filter(|c| c.process_type == "web")
                    .map(|c| format!("172.17.0.{}:5000", 2 + c.index))
                    .collect()
            })
            .unwrap_or_default();
        fields.insert("--network-web-listeners".to_owned(), listeners.join(" "));
    }
    fields
}
