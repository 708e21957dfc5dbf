//! The `dokku` program, simulated: argv in, output and exit code out.
//!
//! [`dispatch`] does what Dokku's entry script does before a plugin runs
//! ([`crate::entry`]: the global flags `--quiet`, `--force`, `--app`,
//! `--trace` anywhere in the line, the leading ones shifted off), answers
//! `version`, and prints "is not a dokku command" for anything no plugin
//! implements.
//! Each plugin family lives in its own module, formatted from Dokku's source
//! and recordings. A command module depends only on [`crate::common`],
//! [`crate::scheduler`] and the host's state, never on another command
//! module: as in Dokku, plugins reach each other through triggers and
//! commands ([`Ctx::trigger`], [`Ctx::call`]), dispatched here.

pub mod app_json;
pub mod apps;
pub mod builders;
pub mod builds;
pub mod certs;
pub mod checks;
pub mod config;
pub mod cron;
pub mod docker_options;
pub mod domains;
pub mod events;
pub mod git;
pub mod letsencrypt;
pub mod logs;
pub mod network;
pub mod nginx;
pub mod plugin;
pub mod ports;
pub mod proxies;
pub mod proxy;
pub mod ps;
pub mod registry;
pub mod repo;
pub mod resource;
pub mod run;
pub mod schedulers;
pub mod service;
pub mod ssh_keys;
pub mod standard;
pub mod storage;
pub mod trace;

use crate::common::ctx::{Plugins, TriggerFn};
use crate::common::help;
use crate::common::versions::V0_31_0;
pub use crate::common::{Ctx, Follow, Followed, Outcome};
use crate::entry::{self, Globals, Invocation, User};
use crate::host::SimHost;
use crate::out::Out;

/// The dispatch table every invocation carries ([`Ctx::call`],
/// [`Ctx::trigger`]).
const PLUGINS: Plugins = Plugins {
    command: subcommand,
    trigger,
};

/// Run one `dokku` invocation against `host`, as the `dokku` user (what
/// an SDK reaches over SSH). `argv` excludes the program name
/// (`["apps:list"]`); nothing is inherited from an environment.
pub fn dispatch(host: &mut SimHost, argv: &[String], stdin: &[u8]) -> Outcome {
    dispatch_as(host, argv, stdin, User::Dokku)
}

/// [`dispatch`] run by `user` (root runs `dokku` on the server itself).
pub fn dispatch_as(host: &mut SimHost, argv: &[String], stdin: &[u8], user: User) -> Outcome {
    run(
        host,
        &Invocation::new(argv, Globals::default()).by(user),
        stdin,
    )
}

/// Run one invocation of the entry script ([`crate::entry`]): its global
/// flags are already read and the leading ones shifted off.
pub fn run(host: &mut SimHost, invocation: &Invocation, stdin: &[u8]) -> Outcome {
    host.catch_up();
    let globals = &invocation.globals;
    let mut ctx = Ctx {
        host,
        out: Out::new(globals.quiet),
        stdin,
        force: globals.force,
        plugins: PLUGINS,
    };
    // `--trace`, or `trace:on`'s `~/.dokkurc/DOKKU_TRACE`, which the script
    // sources before anything else.
    let tracing = globals.trace || ctx.host.files.contains_key(trace::SWITCH);
    if tracing {
        // `set -x` traces every command of the script; these two lines
        // stand for all of them and carry every argument, as the real
        // trace does (secrets included).
        let mut words = vec!["parse_args"];
        words.extend(invocation.args.iter().map(String::as_str));
        ctx.out.stderr_plain(&entry::xtrace(&words));
    }
    let Some((subcommand, args)) = invocation.args.split_first() else {
        // `dokku` alone is `dokku help` (`case "$1" in help | '')`).
        help::short(ctx.host, &mut ctx.out);
        return Outcome::Done(ctx.out);
    };
    if entry::root_only(subcommand) && invocation.user != User::Root {
        ctx.out.fail("This command must be run as root");
        return Outcome::Done(ctx.out);
    }
    if matches!(subcommand.as_str(), "version" | "-v" | "--version") {
        ctx.out.log(&format!("dokku version {}", ctx.host.version));
        return Outcome::Done(ctx.out);
    }
    if let Some(outcome) = help(&mut ctx, subcommand, args) {
        return outcome;
    }
    let mut args: Vec<String> = args.to_vec();
    // `execute_dokku_cmd`: a core plugin gets DOKKU_APP_NAME as its first
    // argument.
    let dir = entry::plugin_dir(subcommand);
    let core = ctx.host.plugins.iter().any(|p| p.core && p.name == dir);
    if core && !globals.app.is_empty() {
        args.insert(0, globals.app.clone());
    }
    if tracing {
        let mut words = vec!["execute_dokku_cmd", subcommand.as_str()];
        words.extend(args.iter().map(String::as_str));
        ctx.out.stderr_plain(&entry::xtrace(&words));
    }
    // `dokku_setup_build_capture`: for `ps:rebuild` and `ps:restart` with
    // an app argument, everything after this point goes to stdout (and
    // to the build's log).
    let capture = matches!(subcommand.as_str(), "ps:rebuild" | "ps:restart")
        && args.first().is_some_and(|app| !app.is_empty());
    let build_app = args.first().cloned().unwrap_or_default();
    if capture {
        ctx.trigger(
            "builds-record-start",
            &[build_app.clone(), subcommand.clone()],
        );
        ctx.out.start_capture();
    }
    // `release_app_deploy_lock` finalizes the record, so only a command
    // that took the deploy lock does: `ps:rebuild` always, `ps:restart`
    // only for an app that was deployed (else it stops at `has not been
    // deployed`, and its record stays `running`: `abandoned`).
    let locks =
        subcommand == "ps:rebuild" || ctx.host.apps.get(&build_app).is_some_and(|a| a.deployed);
    let handled = match self::subcommand(&mut ctx, subcommand, &args) {
        Some(Outcome::Done(out)) if capture && locks => {
            // Finalized with what the command printed, its build's log.
            ctx.out = out;
            let code = ctx.out.code.to_string();
            ctx.trigger("builds-record-finish", &[build_app, code]);
            Some(Outcome::Done(std::mem::take(&mut ctx.out)))
        }
        other => other,
    };
    match handled {
        Some(outcome) => outcome,
        None => {
            // `execute_dokku_cmd` in the `dokku` script.
            let line = std::iter::once(subcommand.as_str())
                .chain(args.iter().map(String::as_str))
                .collect::<Vec<_>>()
                .join(" ");
            ctx.out.warn(&format!("`{line}` is not a dokku command."));
            ctx.out
                .warn("See `dokku help` for a list of available commands.");
            ctx.out.code = 1;
            Outcome::Done(ctx.out)
        }
    }
}

/// The `dokku` script's `help [--all]`, and a plugin's `<namespace>:help`
/// or the bare namespace where it defaults to the help
/// ([`help`](crate::common::help)); `None` for anything else.
fn help(ctx: &mut Ctx<'_>, subcommand: &str, args: &[String]) -> Option<Outcome> {
    if subcommand == "help" {
        // `[[ "$2" == "--all" ]]`.
        if args.first().is_some_and(|arg| arg == "--all") {
            help::all(ctx.host, &mut ctx.out);
        } else {
            help::short(ctx.host, &mut ctx.out);
        }
        return Some(Outcome::Done(std::mem::take(&mut ctx.out)));
    }
    let (namespace, bare) = match subcommand.strip_suffix(":help") {
        Some(namespace) => (namespace, false),
        None => (subcommand, true),
    };
    let plugin = help::plugin(ctx.host, namespace)?;
    if bare && !plugin.bare_prints_help {
        return None;
    }
    help::usage(&mut ctx.out, plugin);
    Some(Outcome::Done(std::mem::take(&mut ctx.out)))
}

/// The plugin that implements `subcommand`, run; `None` when none does.
fn subcommand(ctx: &mut Ctx<'_>, subcommand: &str, args: &[String]) -> Option<Outcome> {
    let family = subcommand.split(':').next().unwrap_or("");
    match family {
        "apps" => apps::run(ctx, subcommand, args),
        "ps" => ps::run(ctx, subcommand, args),
        "config" => config::run(ctx, subcommand, args),
        "domains" => domains::run(ctx, subcommand, args),
        "logs" => logs::run(ctx, subcommand, args),
        "plugin" => plugin::run(ctx, subcommand, args),
        "ports" => ports::run(ctx, subcommand, args),
        // Before 0.31 the port mappings were the proxy plugin's.
        "proxy" if subcommand.starts_with("proxy:ports") && ctx.host.version < V0_31_0 => {
            ports::run(ctx, subcommand, args)
        }
        "certs" => certs::run(ctx, subcommand, args),
        "letsencrypt" => letsencrypt::run(ctx, subcommand, args),
        "proxy" => proxy::run(ctx, subcommand, args),
        "nginx" => nginx::run(ctx, subcommand, args),
        "app-json" => app_json::run(ctx, subcommand, args),
        "builder" | "builder-dockerfile" | "builder-herokuish" | "builder-lambda"
        | "builder-nixpacks" | "builder-pack" | "builder-railpack" | "dockerfile" | "herokuish"
        | "lambda" | "nixpacks" | "pack" | "buildpacks" => builders::run(ctx, subcommand, args),
        "builds" => builds::run(ctx, subcommand, args),
        "caddy" | "haproxy" | "openresty" | "traefik" => proxies::run(ctx, subcommand, args),
        "checks" => checks::run(ctx, subcommand, args),
        "cron" => cron::run(ctx, subcommand, args),
        "docker-options" => docker_options::run(ctx, subcommand, args),
        "git" => git::run(ctx, subcommand, args),
        "git-hook" => git::hook(ctx, args),
        "network" => network::run(ctx, subcommand, args),
        "registry" => registry::run(ctx, subcommand, args),
        "repo" => repo::run(ctx, subcommand, args),
        "resource" => resource::run(ctx, subcommand, args),
        "run" | "enter" => run::run(ctx, subcommand, args),
        "scheduler" | "scheduler-docker-local" | "docker-local" => {
            schedulers::run(ctx, subcommand, args)
        }
        "ssh-keys" => ssh_keys::run(ctx, subcommand, args),
        "storage" => storage::run(ctx, subcommand, args),
        "events" => events::run(ctx, subcommand, args),
        "trace" => trace::run(ctx, subcommand, args),
        "cleanup" | "url" | "urls" | "report" => standard::run(ctx, subcommand, args),
        _ => service::run(ctx, family, subcommand, args),
    }
}

/// `plugn trigger <name> <args…>`: every plugin implementing the trigger,
/// in plugin order (`$PLUGIN_PATH/enabled/*`, sorted by directory name).
fn trigger(ctx: &mut Ctx<'_>, name: &str, args: &[String]) {
    // The plugin directories with triggers, sorted as `plugn` runs them.
    const PLUGINS: &[TriggerFn] = &[
        events::trigger,  // 20_events
        builds::trigger,  // builds
        domains::trigger, // domains
        nginx::trigger,   // nginx-vhosts
        ports::trigger,   // ports
        proxy::trigger,   // proxy
        ps::trigger,      // ps
    ];
    for plugin in PLUGINS {
        plugin(ctx, name, args);
    }
}

/// The lines a [`Follow`] prints at its `tick`-th interval (without
/// newlines), read from the host as it is now.
pub fn follow_lines(host: &SimHost, follow: &mut Follow, tick: u64) -> Vec<String> {
    match &mut follow.what {
        Followed::Logs {
            app,
            process,
            quiet,
        } => logs::follow_lines(host, app, process.as_deref(), *quiet, tick),
        Followed::Events { from } => events::follow_lines(host, from),
        Followed::Build { app, id, from } => builds::follow_lines(host, app, id, from),
    }
}
