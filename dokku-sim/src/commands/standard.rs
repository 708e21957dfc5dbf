//! The entry script's `help` and the `00_dokku-standard` plugin's
//! commands (simulated): `help`, `cleanup`, `url`, `urls`.
//!
//! Written from dokku/dokku v0.38.27: the `dokku` script's `help` case
//! (every core plugin's `commands help` line, `sort`, the arguments cut
//! off, `column -c2 -t -s,`), `plugins/00_dokku-standard/subcommands/*`
//! and the domains plugin's `domains-urls` trigger, which answers `url`
//! and `urls`. The help table is the one recorded from a real 0.38.27
//! (captures-0.38.27-core.jsonl seq 3).

use crate::common::{Ctx, Outcome};
use crate::out::right_pad;

/// `dokku help`: each core plugin's one-line description, sorted.
const HELP: &[(&str, &str)] = &[
    ("app-json", "Manage app-json settings for an app"),
    ("apps", "Manage apps"),
    ("builder", "Manage builder settings for an app"),
    (
        "builder-dockerfile",
        "Manage the dockerfile builder integration for an app",
    ),
    (
        "builder-herokuish",
        "Manage the herokuish builder integration for an app",
    ),
    (
        "builder-lambda",
        "Manage the lambda builder integration for an app",
    ),
    (
        "builder-nixpacks",
        "Manage the nixpacks builder integration for an app",
    ),
    ("builder-null", "No-op builder plugin"),
    (
        "builder-pack",
        "Manage the pack builder integration for an app",
    ),
    (
        "builder-railpack",
        "Manage the railpack builder integration for an app",
    ),
    ("buildpacks", "Manage buildpack settings for an app"),
    ("builds", "Manage running and historical builds"),
    ("caddy", "Manage the caddy proxy integration"),
    ("certs", "Manage SSL (TLS) certs"),
    ("checks", "Manage zero-downtime settings"),
    (
        "cleanup",
        "Cleans up exited/dead Docker containers and removes dangling images",
    ),
    ("config", "Manage global and app-specific config vars"),
    ("cron", "Manage scheduled cron tasks"),
    ("docker-options", "Manage docker options for an app"),
    ("domains", "Manage domains used by the proxy"),
    ("enter", "Enter running app containers"),
    ("events", "Manage event logging"),
    ("git", "Manage app deploys via git"),
    ("haproxy", "Manage the haproxy proxy integration"),
    ("help", "Print the list of commands"),
    ("logs", "Manage log integration for an app"),
    ("network", "Manage network settings for an app"),
    ("nginx", "Manage the nginx proxy"),
    ("openresty", "Manage the openresty proxy integration"),
    ("plugin", "Manage installed plugins"),
    ("ports", "Manage ports for an app"),
    ("proxy", "Manage the proxy integration for an app"),
    ("ps", "Manage app processes"),
    ("registry", "Manage registry settings for an app"),
    ("repo", "Manage the app's repo"),
    ("resource", "Manage resource settings for an app"),
    ("run", "Run a one-off process inside a container"),
    ("scheduler", "Manage scheduler settings for an app"),
    (
        "scheduler-docker-local",
        "Manage the docker-local scheduler integration for an app",
    ),
    ("scheduler-null", "No-op scheduler plugin"),
    ("shell", "Interactive dokku prompt"),
    ("ssh-keys", "Manage public ssh keys used for deployment"),
    ("storage", "Manage mounted volumes"),
    ("trace", "Manage trace mode"),
    ("traefik", "Manage the traefik proxy integration"),
    (
        "url",
        "Show the first URL for an application (compatibility)",
    ),
    ("urls", "Show all URLs for an application"),
    ("version", "Print dokku's version"),
];

/// Run a subcommand of the entry script or the standard plugin; `None`
/// if it is not one of them.
pub fn run(ctx: &mut Ctx<'_>, subcommand: &str, args: &[String]) -> Option<Outcome> {
    match subcommand {
        "help" => help(ctx),
        // `docker_cleanup "$APP" "true"`: forced, so always announced.
        "cleanup" => ctx.out.info1("Cleaning up..."),
        "url" | "urls" => {
            let app = args.first().cloned().unwrap_or_default();
            if ctx.verify_app(&app) {
                ctx.trigger("domains-urls", &[app, subcommand.to_owned()]);
            }
        }
        _ => return None,
    }
    Some(Outcome::Done(std::mem::take(&mut ctx.out)))
}

/// The `help` table: `column -t -s,` pads the names (indented four
/// spaces) to the longest and two spaces; each description keeps the
/// space that followed its comma.
fn help(ctx: &mut Ctx<'_>) {
    let width = HELP.iter().map(|(name, _)| name.len()).max().unwrap_or(0);
    for (name, description) in HELP {
        ctx.out
            .log(&format!("    {}   {description}", right_pad(name, width)));
    }
}
