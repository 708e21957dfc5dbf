//! `run`, `run:detached`, `run:list`, `run:logs`, `run:stop`,
//! `run:retire` and `enter` (simulated).
//!
//! Written from dokku/dokku v0.38.27 `plugins/run/internal-functions`
//! (`fn-run`'s flags before the app: `-e|--env`, `--no-tty`,
//! `--force-tty`, `--ttl-seconds`, `--cron-id`, `--concurrency-policy`),
//! `plugins/enter` and the docker-local scheduler's `scheduler-run-*`
//! triggers (the image check: ` !     App image (dokku/<app>:latest) not
//! found`; `enter`'s `App <app> has not been deployed`; the run containers
//! are listed, stopped and retired through `docker container ls` filters)
//! and the recorded output (captures-0.38.27-core.jsonl seq 222, 223;
//! captures-0.38.27-surface.jsonl seq 1217-1228).
//!
//! A simulated host keeps no one-off containers: a deployed app's `run`
//! prints what Docker prints without a terminal, and every list of run
//! containers is empty.
//!
//! `enter` picks its container as `scheduler-docker-local/scheduler-enter`
//! does (derived from the source; only the never-deployed refusal is
//! recorded): the one process type when none is given, the first
//! container of a type (or the one `<type>.<n>` names), or the container
//! whose id starts with `--container-id`, which must be running. Without
//! a tty Dokku runs `docker container exec` with neither `-i` nor `-t`,
//! so stdin never reaches the container; the simulated command itself
//! prints nothing and succeeds.

use crate::common::{Ctx, Outcome};
use crate::host::{Container, ContainerState};

/// Run `run`, `run:*` or `enter`; `None` for anything else.
pub fn run(ctx: &mut Ctx<'_>, subcommand: &str, args: &[String]) -> Option<Outcome> {
    match subcommand {
        "run" | "run:detached" => one_off(ctx, subcommand, args),
        "enter" => enter(ctx, args),
        "run:list" => list(ctx, args),
        "run:logs" => logs(ctx, args),
        "run:stop" => stop(ctx, args),
        "run:retire" => {
            let app = args.first().cloned().unwrap_or_default();
            if app.is_empty() {
                ctx.out.info1_quiet("Retiring all run containers");
            } else if ctx.verify_app_bash(&app) {
                ctx.out
                    .info1_quiet(&format!("Retiring run containers for app {app}"));
            }
        }
        _ => return None,
    }
    Some(Outcome::Done(std::mem::take(&mut ctx.out)))
}

/// `enter <app> [<type>|--container-id <id>] [--] [<cmd>…]`:
/// `subcommands/default`'s flags, then the docker-local `scheduler-enter`.
fn enter(ctx: &mut Ctx<'_>, args: &[String]) {
    let app = args.first().cloned().unwrap_or_default();
    if !ctx.verify_app_bash(&app) {
        return;
    }
    let mut container_id = String::new();
    let mut container_type = String::new();
    let mut iter = args.iter().skip(1);
    while let Some(arg) = iter.next() {
        if let Some(value) = arg.strip_prefix("--container-id=") {
            container_id = value.to_owned();
        } else if arg == "--container-id" {
            match iter.next().filter(|v| !v.is_empty()) {
                Some(value) => container_id.clone_from(value),
                None => {
                    ctx.out.warn(&format!("expected {arg} to have an argument"));
                    break;
                }
            }
        } else {
            container_type.clone_from(arg);
            break;
        }
    }
    let Some(app_state) = ctx.host.apps.get(&app) else {
        return;
    };
    let deployed = app_state.deployed;
    // `CONTAINER.<type>.<n>` files, in the glob's (lexical) order.
    let mut containers: Vec<(String, Container)> = app_state
        .containers
        .iter()
        .map(|c| (format!("{}.{}", c.process_type, c.index), c.clone()))
        .collect();
    containers.sort_by(|a, b| a.0.cmp(&b.0));
    // `get_app_running_container_types`: every type with a container
    // file, sorted; it fails the whole command before a deploy.
    let types = |ctx: &mut Ctx<'_>| -> Option<Vec<String>> {
        if !deployed {
            ctx.out.fail(&format!("App {app} has not been deployed"));
            return None;
        }
        let mut types: Vec<String> = containers
            .iter()
            .map(|(_, c)| c.process_type.clone())
            .collect();
        types.sort();
        types.dedup();
        Some(types)
    };
    let chosen = if container_id.is_empty() {
        if container_type.is_empty() || container_type == "--" {
            let Some(available) = types(ctx) else {
                return;
            };
            if available.len() > 1 {
                ctx.out.warn("No container type specified.");
                ctx.out.fail(&format!(
                    "Available types for app ({app}): {}",
                    available.join(" ")
                ));
                return;
            }
            container_type = available.first().cloned().unwrap_or_default();
        }
        if container_type.is_empty() {
            ctx.out.fail("No containers found for app");
            return;
        }
        // `CONTAINER.<type>.*`, or exactly `CONTAINER.<type>.<n>`.
        let first = containers.iter().find(|(file, c)| {
            if container_type.contains('.') {
                *file == container_type
            } else {
                c.process_type == container_type
            }
        });
        match first {
            Some((_, c)) => c,
            None => {
                let Some(available) = types(ctx) else {
                    return;
                };
                ctx.out
                    .warn(&format!("No containers found for type '{container_type}'"));
                ctx.out.fail(&format!(
                    "Available types for app ({app}): {}",
                    available.join(" ")
                ));
                return;
            }
        }
    } else {
        match containers
            .iter()
            .find(|(_, c)| c.id.starts_with(container_id.as_str()))
        {
            Some((_, c)) => c,
            None => {
                let ids: Vec<&str> = containers.iter().map(|(_, c)| c.id.as_str()).collect();
                ctx.out
                    .warn(&format!("Invalid container id for app: {container_id}"));
                ctx.out
                    .fail(&format!("Available ids for app ({app}): {}", ids.join(" ")));
                return;
            }
        }
    };
    // `is_container_status <id> Running`: Docker's State.Running, true
    // while restarting too.
    if chosen.state == ContainerState::Exited {
        ctx.out.fail("Container is not running");
    }
}

/// `fn-run`: the flags before the app, then the scheduler's `run`.
fn one_off(ctx: &mut Ctx<'_>, subcommand: &str, args: &[String]) {
    let mut app = String::new();
    let (mut no_tty, mut force_tty) = (false, false);
    let mut ttl = "86400".to_owned();
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        match arg.as_str() {
            "--no-tty" => no_tty = true,
            "--force-tty" => force_tty = true,
            "-e" | "--env" | "--cron-id" | "--concurrency-policy" | "--ttl-seconds" => {
                let Some(value) = iter.next().filter(|v| !v.is_empty()) else {
                    ctx.out.warn(&format!("expected {arg} to have an argument"));
                    break;
                };
                if arg == "--ttl-seconds" {
                    ttl.clone_from(value);
                }
            }
            other if other.starts_with("--ttl-seconds=") => {
                ttl = other.trim_start_matches("--ttl-seconds=").to_owned();
            }
            other
                if other.starts_with("-e=")
                    || other.starts_with("--env=")
                    || other.starts_with("--cron-id=")
                    || other.starts_with("--concurrency-policy=") => {}
            other => {
                app = other.to_owned();
                break;
            }
        }
    }
    if ttl.is_empty() {
        ttl = "86400".to_owned();
    }
    if !ttl.bytes().all(|b| b.is_ascii_digit()) {
        ctx.out.fail("--ttl-seconds must be a positive integer");
        return;
    }
    if subcommand == "run:detached" && !force_tty {
        no_tty = true;
    }
    if no_tty && force_tty {
        ctx.out.fail("Cannot specify both --force-tty and --no-tty");
        return;
    }
    if !ctx.verify_app_bash(&app) {
        return;
    }
    let deployed = ctx.host.apps.get(&app).is_some_and(|a| a.deployed);
    if !deployed {
        ctx.out
            .fail(&format!("App image (dokku/{app}:latest) not found"));
    } else if !no_tty {
        ctx.out.stderr_plain("the input device is not a TTY");
        ctx.out.code = 1;
    }
}

/// `run:list [--format stdout|json] <app>`: `docker container ls` of the
/// app's run containers (none), as a table or through `jq -s`.
fn list(ctx: &mut Ctx<'_>, args: &[String]) {
    let mut app = String::new();
    let mut format = "stdout".to_owned();
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        if arg == "--format" {
            match iter.next().filter(|v| !v.is_empty()) {
                Some(value) => format.clone_from(value),
                None => {
                    ctx.out.warn("expected --format to have an argument");
                    break;
                }
            }
        } else if let Some(value) = arg.strip_prefix("--format=") {
            format = value.to_owned();
        } else if arg == "--quiet" {
            ctx.out.quiet = true;
        } else {
            app.clone_from(arg);
        }
    }
    if !ctx.verify_app_bash(&app) {
        return;
    }
    if format == "stdout" {
        ctx.out.info2_quiet(&format!("{app} run containers"));
        if !ctx.out.quiet {
            // Docker's `table` format prints its header even when empty.
            ctx.out.log("NAMES     COMMAND   CREATED");
        }
    } else {
        ctx.out.log("[]");
    }
}

/// `run:logs <app|--container NAME> …`: `docker logs` of every run
/// container; with none, one empty name, which the Docker CLI refuses.
fn logs(ctx: &mut Ctx<'_>, args: &[String]) {
    let mut app = String::new();
    let mut container = String::new();
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        match arg.as_str() {
            "--container" => container = iter.next().cloned().unwrap_or_default(),
            "-n" | "--num" => {
                iter.next();
            }
            "-q" | "--quiet" | "-t" | "--tail" => {}
            other => match other.strip_prefix("--container=") {
                Some(value) => container = value.to_owned(),
                None => app = other.to_owned(),
            },
        }
    }
    if app.is_empty() && container.is_empty() {
        ctx.out.fail("No container or app specified");
        return;
    }
    if !container.is_empty() {
        let Some(owner) = run_container_app(ctx, &container) else {
            return;
        };
        if !app.is_empty() && app != owner {
            ctx.out.fail("Specified app does not app in container name");
            return;
        }
        app = owner;
    }
    if !ctx.verify_app_bash(&app) {
        return;
    }
    if container.is_empty() {
        // `docker logs` with an empty name, its output piped to stdout.
        for line in [
            "\"docker logs\" requires exactly 1 argument.",
            "See 'docker logs --help'.",
            "",
            "Usage:  docker logs [OPTIONS] CONTAINER",
            "",
            "Fetch the logs of a container",
        ] {
            ctx.out.log(line);
        }
    } else {
        ctx.out.log(&format!(
            "Error response from daemon: No such container: {container}"
        ));
    }
}

/// The app of a run container's name `<app>.run.<n>`; a name of another
/// shape fails.
fn run_container_app(ctx: &mut Ctx<'_>, container: &str) -> Option<String> {
    if container.matches('.').count() != 2 {
        ctx.out
            .fail(&format!("Invalid container name specified: {container}"));
        return None;
    }
    let mut parts = container.split('.');
    let app = parts.next().unwrap_or("").to_owned();
    if parts.next() != Some("run") {
        ctx.out.fail("Specified container must be a run container");
        return None;
    }
    Some(app)
}

/// `run:stop <app>` / `run:stop --container <name>`.
fn stop(ctx: &mut Ctx<'_>, args: &[String]) {
    let mut app = String::new();
    let mut container = String::new();
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        if arg == "--container" {
            container = iter.next().cloned().unwrap_or_default();
        } else if let Some(value) = arg.strip_prefix("--container=") {
            container = value.to_owned();
        } else {
            app.clone_from(arg);
        }
    }
    if app.is_empty() {
        if container.is_empty() {
            ctx.out.fail("No container or app specified");
            return;
        }
        let Some(owner) = run_container_app(ctx, &container) else {
            return;
        };
        app = owner;
    }
    if !ctx.verify_app_bash(&app) {
        return;
    }
    if container.is_empty() {
        if !ctx.out.quiet {
            ctx.out.log("No run containers exist");
        }
    } else {
        ctx.out.warn("Specified container does not exist");
    }
}
