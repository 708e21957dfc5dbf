//! `cargo run --example cli -- …`: a Dokku admin's daily driver, built only
//! on dokku-rs's public API.
//!
//! One module per command family (`apps`, `ps`, `config` …) owns its clap
//! arguments, the typed plan they validate into, the Dokku commands a plan
//! sends and how it runs, behind one small trait ([`family::Family`]).
//! This file holds the global flags and dispatches once; `family::execute`
//! runs any family the same way (`--dry-run` prints a plan's commands and
//! stops before any prompt or read). Shared infrastructure: [`args`] (value
//! parsers), [`session`] (the audited client), [`output`], [`error`].

#[path = "../common/mod.rs"]
mod common;

mod apps;
mod args;
mod buildpacks;
mod builds;
mod certs;
mod checks;
mod config;
mod cron;
mod deploy;
mod docker_options;
mod domains;
mod enter;
mod error;
mod events;
mod family;
mod fleet;
mod history;
mod hosts;
mod letsencrypt;
mod logs;
mod meta;
mod network;
mod nginx;
mod output;
mod plugins;
mod ports;
mod property;
mod proxy;
mod ps;
mod raw;
mod registry;
mod resource;
mod run;
mod services;
mod session;
mod ssh_keys;
mod storage;

use std::error::Error as _;
use std::ffi::OsString;
use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};
use dokku::{catalog, AppName};

use crate::common::TargetArgs;
use crate::error::{CliError, EXIT_USAGE};
use crate::family::{execute, Opts};

const AFTER_HELP: &str = "\
Targets:
  --demo                 the built-in simulated host (state kept between runs)
  --local                the `dokku` program on this machine
  --host dokku@HOST      over SSH (or set DOKKU_HOST); strict host keys
  --host NAME            a host of the registry (`cli hosts`): its pinned key

Exit codes:
  0 ok (also when standard output is closed early: `cli … | head`; a
    command that changes the host still runs to its end, and its own
    outcome decides)
  1 the Dokku command failed
  2 usage error, or refused: a confirmation not given (or mistyped), a
    secret offered on the command line, masked values into a pipe (a
    program would take *** for the value; --reveal writes it); nothing
    was changed
  3 connection, authentication or host key · 4 not found
  5 an app's stored config is corrupt on the host (an admin must repair it;
    see `cli config --help`)
  6 a fleet command (`fleet …`, `hosts check`) finished but some hosts
    failed; every host's outcome is printed first
  7 a deploy's build failed or was cancelled · 130 interrupted
  With --json an error is one JSON object on stderr:
    {\"error\": {\"code\": \"not_found\", \"exit_code\": 4, \"message\": …, \"hint\": …}}
  (codes: failed, usage, refused, connection, not_found, corrupt_config,
  hosts_failed, deploy_failed, interrupted). Times are RFC 3339, UTC, everywhere.

Examples:
  cli --demo apps list
  cli --demo apps info api
  cli --host dokku@example.com ps scale api web=3
  cli --demo config set api LOG_LEVEL=debug --no-restart
  cli --demo logs api -t
  cli --demo report ps api
  cli --demo set ps api restart-policy always
  cli --demo services postgres link api-db api
  cli --demo --dry-run apps destroy api
  cli history list --app api --since 1h
  cli --demo fleet status";

/// A Dokku admin's command line: typed, safe, scriptable and audited.
///
/// Every command that reaches a host is recorded in a local audit history
/// (secrets never stored); see `cli history`.
#[derive(Debug, Parser)]
#[command(name = "cli", version, after_help = AFTER_HELP, propagate_version = true)]
pub struct Cli {
    #[command(flatten)]
    target: TargetArgs,
    /// Print JSON for scripts instead of tables (errors too, on stderr).
    #[arg(long, global = true)]
    json: bool,
    /// Print the Dokku command lines that would run (secrets as ***) and
    /// run, ask and read nothing.
    #[arg(long, global = true)]
    dry_run: bool,
    /// Do not ask before destructive commands.
    #[arg(long, short = 'y', global = true)]
    yes: bool,
    /// Show secret values (config values, DSNs …) instead of ***.
    #[arg(long, global = true)]
    reveal: bool,
    /// No colour (NO_COLOR=1 does the same).
    #[arg(long, global = true)]
    no_color: bool,
    /// The app, when it is not given as an argument (default: the app of
    /// the `dokku` git remote in the current directory).
    #[arg(long, short = 'a', global = true, value_name = "APP", value_parser = args::app_name)]
    app: Option<AppName>,
    #[command(subcommand)]
    command: Cmd,
}

/// The families: one line each, their flags in their own modules.
#[derive(Debug, Subcommand)]
enum Cmd {
    /// Apps: list, report (info), urls, create, destroy, rename, clone, lock, unlock.
    #[command(subcommand, after_help = apps::HELP)]
    Apps(apps::AppsCmd),
    /// Processes: report, scale, start, stop, restart, rebuild.
    #[command(subcommand, after_help = ps::HELP)]
    Ps(ps::PsCmd),
    /// Environment variables: show, keys, get, set, unset, export, import.
    #[command(subcommand, after_help = config::HELP)]
    Config(config::ConfigCmd),
    /// Domains: report, add, set, remove, clear.
    #[command(subcommand, after_help = domains::HELP)]
    Domains(domains::DomainsCmd),
    /// Datastore services of Dokku's service plugins (postgres, redis, mysql …).
    #[command(after_help = services::HELP)]
    Services(services::ServicesArgs),
    /// Port mappings: list, report, add, set, remove, clear.
    #[command(subcommand, after_help = ports::HELP)]
    Ports(ports::PortsCmd),
    /// The reverse proxy: report, enable, disable, set, build-config, clear-config.
    #[command(subcommand, after_help = proxy::HELP)]
    Proxy(proxy::ProxyCmd),
    /// TLS certificates: report, add, update, generate, remove, show.
    #[command(subcommand, after_help = certs::HELP)]
    Certs(certs::CertsCmd),
    /// Let's Encrypt certificates: list, report, enable, disable, auto-renew, set …
    #[command(subcommand, after_help = letsencrypt::HELP)]
    Letsencrypt(letsencrypt::LetsencryptCmd),
    /// A command in a one-off container (`run APP -- CMD…`); list, logs, stop, retire.
    #[command(after_help = run::HELP)]
    Run(run::RunArgs),
    /// A command in a running container of the app (`enter APP [PROCESS] -- CMD…`).
    #[command(after_help = enter::HELP)]
    Enter(enter::EnterArgs),
    /// Cron tasks: list, run, suspend, resume.
    #[command(subcommand, after_help = cron::HELP)]
    Cron(cron::CronCmd),
    /// Bind mounts: list, mount, unmount, ensure-directory.
    #[command(subcommand, after_help = storage::HELP)]
    Storage(storage::StorageCmd),
    /// Resource limits and reservations: show, limit, reserve, limit-clear, reserve-clear.
    #[command(subcommand, after_help = resource::HELP)]
    Resource(resource::ResourceCmd),
    /// Authorized SSH keys: list, add (the key on stdin), remove.
    #[command(subcommand, after_help = ssh_keys::HELP)]
    SshKeys(ssh_keys::SshKeysCmd),
    /// Deploy an app from an image, a git repository or an archive, live.
    #[command(after_help = deploy::DEPLOY_HELP)]
    Deploy(deploy::DeployArgs),
    /// An app's deploys from the history, with who, what, when and Dokku's build.
    #[command(after_help = deploy::RELEASES_HELP)]
    Releases(deploy::ReleasesArgs),
    /// Redeploy an earlier release: the plan, a confirmation, the deploy.
    #[command(after_help = deploy::ROLLBACK_HELP)]
    Rollback(deploy::RollbackArgs),
    /// Builds (Dokku 0.38+): list, info, output, cancel, prune.
    #[command(subcommand, after_help = builds::HELP)]
    Builds(builds::BuildsCmd),
    /// Dokku's event log (`-t` follows it); on, off, list.
    #[command(after_help = events::HELP)]
    Events(events::EventsArgs),
    /// The nginx proxy: show-config, validate-config, access-logs, error-logs, start, stop, reload.
    #[command(subcommand, after_help = nginx::HELP)]
    Nginx(nginx::NginxCmd),
    /// Zero-downtime checks: show, enable, disable, skip, run.
    #[command(subcommand, after_help = checks::HELP)]
    Checks(checks::ChecksCmd),
    /// Extra docker flags per phase: list, add, remove, clear.
    #[command(subcommand, after_help = docker_options::HELP)]
    DockerOptions(docker_options::DockerOptionsCmd),
    /// An app's buildpacks: list, add, set, remove, clear.
    #[command(subcommand, after_help = buildpacks::HELP)]
    Buildpacks(buildpacks::BuildpacksCmd),
    /// Docker networks: list, info, create, destroy, rebuild.
    #[command(subcommand, after_help = network::HELP)]
    Network(network::NetworkCmd),
    /// Registry credentials: login (the password on stdin), logout.
    #[command(subcommand, after_help = registry::HELP)]
    Registry(registry::RegistryCmd),
    /// An app's logs; `-t` follows them until Ctrl-C.
    #[command(after_help = logs::HELP)]
    Logs(logs::LogsArgs),
    /// Any catalogued plugin's report (apps, ps, domains, proxy, logs …).
    #[command(after_help = plugins::REPORT_HELP)]
    Report(plugins::ReportArgs),
    /// Set or unset any catalogued plugin's property, checked before sending.
    #[command(after_help = plugins::SET_HELP)]
    Set(plugins::SetArgs),
    /// The host registry: list, add, remove, check, pin.
    #[command(subcommand, after_help = hosts::HELP)]
    Hosts(hosts::HostsCmd),
    /// Many hosts at once: status, apps, vitals, backups, deploys, run.
    #[command(subcommand, after_help = fleet::HELP)]
    Fleet(fleet::FleetCmd),
    /// The local audit history of commands run through this tool.
    #[command(subcommand, after_help = history::HELP)]
    History(history::HistoryCmd),
    /// The host's Dokku version.
    #[command(after_help = "Example:\n  cli --demo version")]
    Version(meta::VersionArgs),
    /// The host machine: kernel, memory and disks (from `dokku report`).
    #[command(after_help = "Example:\n  cli --demo vitals")]
    Vitals(meta::VitalsArgs),
    /// Run any Dokku command (audited; arguments are quoted safely).
    #[command(after_help = raw::HELP)]
    Raw(raw::RawArgs),
    /// Print a shell completion script.
    #[command(
        after_help = "Example:\n  cli completions bash > ~/.local/share/bash-completion/completions/cli"
    )]
    Completions(meta::CompletionsArgs),
}

/// Validate and run the command line: the one dispatch.
fn dispatch(cli: Cli) -> Result<(), CliError> {
    let Cli {
        target,
        json,
        dry_run,
        yes,
        reveal,
        no_color: _,
        app,
        command,
    } = cli;
    let opts = Opts {
        json,
        dry_run,
        yes,
        reveal,
    };
    match command {
        Cmd::Apps(f) => execute(f, opts, app, target),
        Cmd::Ps(f) => execute(f, opts, app, target),
        Cmd::Config(f) => execute(f, opts, app, target),
        Cmd::Domains(f) => execute(f, opts, app, target),
        Cmd::Services(f) => execute(f, opts, app, target),
        Cmd::Ports(f) => execute(f, opts, app, target),
        Cmd::Proxy(f) => execute(f, opts, app, target),
        Cmd::Certs(f) => execute(f, opts, app, target),
        Cmd::Letsencrypt(f) => execute(f, opts, app, target),
        Cmd::Run(f) => execute(f, opts, app, target),
        Cmd::Enter(f) => execute(f, opts, app, target),
        Cmd::Cron(f) => execute(f, opts, app, target),
        Cmd::Storage(f) => execute(f, opts, app, target),
        Cmd::Resource(f) => execute(f, opts, app, target),
        Cmd::SshKeys(f) => execute(f, opts, app, target),
        Cmd::Deploy(f) => execute(f, opts, app, target),
        Cmd::Releases(f) => execute(f, opts, app, target),
        Cmd::Rollback(f) => execute(f, opts, app, target),
        Cmd::Builds(f) => execute(f, opts, app, target),
        Cmd::Events(f) => execute(f, opts, app, target),
        Cmd::Nginx(f) => execute(f, opts, app, target),
        Cmd::Checks(f) => execute(f, opts, app, target),
        Cmd::DockerOptions(f) => execute(f, opts, app, target),
        Cmd::Buildpacks(f) => execute(f, opts, app, target),
        Cmd::Network(f) => execute(f, opts, app, target),
        Cmd::Registry(f) => execute(f, opts, app, target),
        Cmd::Logs(f) => execute(f, opts, app, target),
        Cmd::Report(f) => execute(f, opts, app, target),
        Cmd::Set(f) => execute(f, opts, app, target),
        Cmd::Hosts(f) => execute(f, opts, app, target),
        Cmd::Fleet(f) => execute(f, opts, app, target),
        Cmd::History(f) => execute(f, opts, app, target),
        Cmd::Version(f) => execute(f, opts, app, target),
        Cmd::Vitals(f) => execute(f, opts, app, target),
        Cmd::Raw(f) => execute(f, opts, app, target),
        Cmd::Completions(f) => execute(f, opts, app, target),
    }
}

/// Whether a global flag is among the raw arguments (before `--`), for
/// what must be known when clap itself refuses the command line.
fn raw_flag(args: &[OsString], flag: &str) -> bool {
    args.iter().take_while(|a| *a != "--").any(|a| a == flag)
}

fn main() -> ExitCode {
    let raw: Vec<OsString> = std::env::args_os().collect();
    let json = raw_flag(&raw, "--json");
    let mut command = Cli::command();
    if raw_flag(&raw, "--no-color") {
        output::disable_colour();
        command = command.color(clap::ColorChoice::Never);
    }
    let parsed = command
        .try_get_matches_from(&raw)
        .and_then(|matches| Cli::from_arg_matches(&matches));
    let cli = match parsed {
        Ok(cli) => cli,
        Err(e) => return usage_error(e, json, &raw),
    };
    match dispatch(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            e.report(json);
            if e.is_broken_pipe() {
                return ExitCode::SUCCESS;
            }
            ExitCode::from(e.exit_code())
        }
    }
}

/// clap's refusal: a bad name in our words (the rule, once, and a hint),
/// one JSON object with `--json`, clap's own text otherwise; `--help` and
/// `--version` print as usual.
fn usage_error(e: clap::Error, json: bool, raw: &[OsString]) -> ExitCode {
    if !e.use_stderr() {
        // Help and version go to stdout; a closed pipe is not an error.
        let _ = e.print();
        return ExitCode::SUCCESS;
    }
    if let Some(bad) = e.source().and_then(|s| s.downcast_ref::<args::BadArg>()) {
        let hint = Some(bad.hint.clone());
        error::report_message(json, "usage", EXIT_USAGE, &bad.message, hint);
        return ExitCode::from(EXIT_USAGE);
    }
    let dokku_form = dokku_form_hint(&e, raw);
    if json {
        let text = e.render().to_string();
        let message = text
            .lines()
            .next()
            .unwrap_or_default()
            .trim_start_matches("error: ");
        let usage = text
            .lines()
            .find(|l| l.starts_with("Usage:"))
            .map(|l| format!("{l}; see --help"));
        error::report_message(true, "usage", EXIT_USAGE, message, dokku_form.or(usage));
        return ExitCode::from(EXIT_USAGE);
    }
    match dokku_form {
        // clap's own tip ("a similar subcommand exists: 'nginx'") would
        // point away from the form that works.
        Some(hint) => {
            let text = e.render().to_string();
            let mut blank = false;
            for line in text.lines().filter(|l| !l.trim_start().starts_with("tip:")) {
                if !(blank && line.is_empty()) {
                    eprintln!("{line}");
                }
                blank = line.is_empty();
            }
            eprintln!("hint: {hint}");
        }
        None => {
            let _ = e.print();
        }
    }
    ExitCode::from(EXIT_USAGE)
}

/// What to type instead of Dokku's own form of a command, which admins try
/// first: `cli nginx report api` and `cli nginx:report api` are the
/// generic `cli report nginx api`; `cli apps:list` is `cli apps list`; a
/// Dokku command this tool has no words for runs as `cli raw`.
fn dokku_form_hint(e: &clap::Error, raw: &[OsString]) -> Option<String> {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    if e.kind() != ErrorKind::InvalidSubcommand {
        return None;
    }
    let Some(ContextValue::String(word)) = e.get(ContextKind::InvalidSubcommand) else {
        return None;
    };
    let (plugin, verb) = match word.split_once(':') {
        Some((plugin, verb)) => (catalog::plugin(plugin)?, verb),
        None => {
            // `cli nginx report`: the family is the word clap took before.
            let at = raw.iter().position(|a| a == word.as_str())?;
            let family = raw[..at].iter().rev().find_map(|a| a.to_str())?;
            (catalog::plugin(family)?, word.as_str())
        }
    };
    let name = plugin.name;
    let family = Cli::command()
        .find_subcommand(name)
        .is_some_and(|f| f.find_subcommand(verb).is_some());
    Some(match verb {
        "report" if plugin.report.is_some() => {
            format!("Dokku's {name}:report is `cli report {name} [APP|--global|--all]` here")
        }
        "set" if !plugin.properties.is_empty() => {
            format!("Dokku's {name}:set is `cli set {name} (APP|--global) KEY [VALUE]` here")
        }
        _ if family => format!("Dokku's {name}:{verb} is `cli {name} {verb} …` here"),
        _ if word.contains(':') && plugin.verb(verb).is_some() => {
            format!("`cli raw {name}:{verb} …` runs Dokku's {name}:{verb} as it is (audited)")
        }
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::Cli;

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn every_command_has_an_example() {
        fn walk(cmd: &clap::Command, path: &str, missing: &mut Vec<String>) {
            let path = format!("{path} {}", cmd.get_name());
            let help = cmd
                .get_after_help()
                .map(|h| h.to_string())
                .unwrap_or_default();
            if !help.contains("Example") && cmd.get_name() != "help" {
                missing.push(path.clone());
            }
            for sub in cmd.get_subcommands() {
                walk(sub, &path, missing);
            }
        }
        let mut missing = Vec::new();
        walk(&Cli::command(), "", &mut missing);
        assert!(missing.is_empty(), "no examples in --help: {missing:?}");
    }
}
