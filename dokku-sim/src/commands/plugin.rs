//! `plugin` commands (simulated), as the `dokku` user sees them.
//!
//! - `plugin:list` text: `plugins/plugin/internal-functions` runs `plugn
//!   list`, whose rows are `printf "  %-20s %-5s %-10s %s\n" name version
//!   enabled|disabled description` (`dokku/plugn` `bashenv/plugn.bash`),
//!   one per plugin directory in glob order, without a header (recorded:
//!   captures-0.38.27-core.jsonl seq 4).
//! - `plugin:list --format json` (0.38.22+, PR #8801, `plugins/plugin/
//!   plugin.go` `PluginInfo`): one `json.Marshal([]PluginInfo)` line with
//!   the fields `name`, `version`, `enabled`, `core`, `description`,
//!   `source_url`, `committish`, `branch` — booleans are JSON booleans.
//!   Before 0.38.22 the bash list ignores its arguments.
//! - `plugin:help` and `dokku plugin` are the help
//!   ([`crate::common::help`]).
//! - Every other `plugin:*` needs root: the `dokku` script fails with
//!   `This command must be run as root` before any plugin runs
//!   ([`crate::entry::root_only`]), so over SSH as `dokku` that is all
//!   they print. As root, `plugin:installed <name>` answers with its exit
//!   code alone and `plugin:trigger <name> <args…>` runs the trigger
//!   (recorded: captures-0.38.27-surface.jsonl seq 66-69, 74); installing,
//!   updating, enabling and disabling plugins are not simulated.

use crate::common::report;
use crate::common::{Ctx, Outcome};

use crate::common::versions::V0_38_22;

/// Run a `plugin` subcommand; `None` if it is not one this module knows.
pub fn run(ctx: &mut Ctx<'_>, subcommand: &str, args: &[String]) -> Option<Outcome> {
    match subcommand {
        "plugin:list" => list(ctx, args),
        "plugin:installed" => installed(ctx, args),
        // `plugn trigger "$@"`: a trigger no plugin implements does nothing.
        "plugin:trigger" => {
            if let Some((name, rest)) = args.split_first() {
                ctx.trigger(name, rest);
            }
        }
        _ => return None,
    }
    Some(Outcome::Done(std::mem::take(&mut ctx.out)))
}

/// `plugin:installed <name>` (`plugn` list, grep): exit 0 when a plugin of
/// that name is installed, else 1; nothing printed.
fn installed(ctx: &mut Ctx<'_>, args: &[String]) {
    let name = args.first().map(String::as_str).unwrap_or("");
    if name.is_empty() || !ctx.host.plugins.iter().any(|p| p.name == name) {
        ctx.out.code = 1;
    }
}

/// `plugin:list [--format stdout|json]`: `cmd-plugin-list` (bash) reads
/// `--format X` and `--format=X` anywhere and ignores everything else;
/// before 0.38.22 it took no arguments at all.
fn list(ctx: &mut Ctx<'_>, args: &[String]) {
    let mut format = "stdout".to_owned();
    if ctx.host.version >= V0_38_22 {
        let mut iter = args.iter();
        while let Some(arg) = iter.next() {
            if arg == "--format" {
                format = iter.next().cloned().unwrap_or_default();
            } else if let Some(value) = arg.strip_prefix("--format=") {
                format = value.to_owned();
            }
        }
    }
    match format.as_str() {
        "stdout" => text(ctx),
        "json" => json(ctx),
        _ => ctx
            .out
            .fail("Invalid output format specified, supported formats: json, stdout"),
    }
}

/// `plugn list` ([`crate::host::SimHost::plugn_list`]).
fn text(ctx: &mut Ctx<'_>) {
    for line in ctx.host.plugn_list() {
        ctx.out.log(&line);
    }
}

/// `json.Marshal([]PluginInfo)`: struct field order, Go's escaping.
fn json(ctx: &mut Ctx<'_>) {
    let mut json = String::from("[");
    for (i, plugin) in ctx.host.sorted_plugins().into_iter().enumerate() {
        if i > 0 {
            json.push(',');
        }
        json.push_str("{\"name\":");
        report::go_json_str(&mut json, &plugin.name);
        json.push_str(",\"version\":");
        report::go_json_str(&mut json, &plugin.version);
        json.push_str(&format!(
            ",\"enabled\":{},\"core\":{}",
            plugin.enabled, plugin.core
        ));
        json.push_str(",\"description\":");
        report::go_json_str(&mut json, &plugin.description);
        json.push_str(",\"source_url\":");
        report::go_json_str(&mut json, &plugin.source_url);
        json.push_str(",\"committish\":");
        report::go_json_str(&mut json, &plugin.committish);
        json.push_str(",\"branch\":");
        report::go_json_str(&mut json, &plugin.branch);
        json.push('}');
    }
    json.push(']');
    ctx.out.log(&json);
}
