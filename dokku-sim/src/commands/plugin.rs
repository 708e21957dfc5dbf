//! `plugin` commands (simulated), as the `dokku` user sees them.
//!
//! - `plugin:list` text: `plugins/plugin/internal-functions` runs `plugn
//!   version` (`plugn: <version>`) and `plugn list`, whose rows are
//!   `printf "  %-20s %-5s %-10s %s\n" name version enabled|disabled
//!   description` (`dokku/plugn` `bashenv/plugn.bash`), one per plugin
//!   directory in glob order.
//! - `plugin:list --format json` (0.38.22+, PR #8801, `plugins/plugin/
//!   plugin.go` `PluginInfo`): one `json.Marshal([]PluginInfo)` line with
//!   the fields `name`, `version`, `enabled`, `core`, `description`,
//!   `source_url`, `committish`, `branch` — booleans are JSON booleans.
//!   Before 0.38.22 the bash list ignores its arguments.
//! - Every other `plugin:*` but `plugin:help` needs root: the `dokku`
//!   script fails with `This command must be run as root` before any plugin
//!   runs, so over SSH as `dokku` that is all they print.

use crate::common::report;
use crate::common::{Ctx, Outcome};
use crate::host::Plugin;
use crate::out::right_pad;

use crate::common::versions::V0_38_22;

/// Run a `plugin` subcommand; `None` if it is not one this module knows.
pub fn run(ctx: &mut Ctx<'_>, subcommand: &str, args: &[String]) -> Option<Outcome> {
    match subcommand {
        // `dokku plugin` is the plugin plugin's default: the list.
        "plugin" | "plugin:list" => list(ctx, args),
        "plugin:help" => help(ctx),
        // The root check in the `dokku` script matches any `plugin:*`,
        // implemented or not.
        _ if subcommand.starts_with("plugin:") => {
            ctx.out.fail("This command must be run as root");
        }
        _ => return None,
    }
    Some(Outcome::Done(std::mem::take(&mut ctx.out)))
}

/// The plugins in `$PLUGIN_PATH/available/*` glob order (byte order in the
/// C locale).
fn sorted_plugins(plugins: &[Plugin]) -> Vec<&Plugin> {
    let mut sorted: Vec<&Plugin> = plugins.iter().collect();
    sorted.sort_by(|a, b| a.name.cmp(&b.name));
    sorted
}

/// `plugin:list [--format json]`.
fn list(ctx: &mut Ctx<'_>, args: &[String]) {
    let format = if ctx.host.version >= V0_38_22 {
        let Some(flags) = ctx.parse_flags("plugin:list", args, &[], &["--format"], &[]) else {
            return;
        };
        flags.value("--format").map(str::to_owned)
    } else {
        // The bash list takes no arguments and ignores any.
        None
    };
    match format.as_deref() {
        None => text(ctx),
        Some("json") => json(ctx),
        Some(_) => ctx
            .out
            .fail("Invalid output format specified, supported formats: json"),
    }
}

/// `plugn version` then `plugn list`.
fn text(ctx: &mut Ctx<'_>) {
    let mut lines = vec![format!("plugn: {}", ctx.host.plugn_version)];
    for plugin in sorted_plugins(&ctx.host.plugins) {
        let state = if plugin.enabled {
            "enabled"
        } else {
            "disabled"
        };
        // printf pads by bytes; a longer field simply runs on.
        lines.push(format!(
            "  {} {} {} {}",
            right_pad(&plugin.name, 20),
            right_pad(&plugin.version, 5),
            right_pad(state, 10),
            plugin.description
        ));
    }
    for line in lines {
        ctx.out.log(&line);
    }
}

/// `json.Marshal([]PluginInfo)`: struct field order, Go's escaping.
fn json(ctx: &mut Ctx<'_>) {
    let mut json = String::from("[");
    for (i, plugin) in sorted_plugins(&ctx.host.plugins).into_iter().enumerate() {
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

/// `plugin:help`: the usage lines of `docs/advanced-usage/plugin-management.md`
/// in Dokku's help layout (a stand-in for the generated column layout).
fn help(ctx: &mut Ctx<'_>) {
    const COMMANDS: &[(&str, &str)] = &[
        ("plugin:disable <name>", "Disable an installed plugin (third-party only)"),
        ("plugin:enable <name>", "Enable a previously disabled plugin"),
        ("plugin:install [--core|git-url [--committish tag|branch|commit|--name custom-plugin-name]]", "Optionally download git-url (and pin to the specified branch/commit/tag) & run install trigger for active plugins (or only core ones)"),
        ("plugin:install-dependencies [--core]", "Run install-dependencies trigger for active plugins (or only core ones)"),
        ("plugin:installed <name>", "Checks if a plugin is installed"),
        ("plugin:list", "Print active plugins"),
        ("plugin:trigger <args...>", "Trigger an arbitrary plugin hook"),
        ("plugin:uninstall <name>", "Uninstall a plugin (third-party only)"),
        ("plugin:update [name [committish]]", "Optionally update named plugin from git (and pin to commit/tag/branch) & run update trigger for active plugins"),
    ];
    ctx.out.log("Usage: dokku plugin[:COMMAND]");
    ctx.out.log("");
    ctx.out.log("Manage installed plugins");
    ctx.out.log("");
    ctx.out.log("Additional commands:");
    let width = COMMANDS.iter().map(|(c, _)| c.len()).max().unwrap_or(0);
    for (command, description) in COMMANDS {
        ctx.out
            .log(&format!("    {}  {description}", right_pad(command, width)));
    }
}
