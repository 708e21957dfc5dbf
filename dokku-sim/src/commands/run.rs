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
//! A deployed app's `run` succeeds and prints nothing (the simulator
//! cannot know what the command prints), unless `--force-tty` asks Docker
//! for a terminal no executor has; its container, started with `--rm`, is
//! gone when it ends. A first word that names a Procfile process type
//! runs that type's command instead, after `-----> Found '<type>' in
//! Procfile, running that command`, expanded as `procfile-util` expands it
//! ([`crate::common::procfile`]). A
//! `run:detached` container ([`RunContainer`]) runs until `run:stop` or
//! `run:retire` past its time to live removes it (the simulator cannot
//! run its command, so it never ends by itself); `run:detached` prints its
//! name, `run:list` shows it as Docker's `table` (`RunningFor` in
//! go-units' words) or jq's JSON, `run:stop` prints the names `docker
//! container stop` prints, `run:retire` names each expired one by its
//! short id, and `run:logs` prints nothing (its output is unknown). All
//! from source (`scheduler-run`, `scheduler-run-list`, `-stop`,
//! `-retire`, `-logs`); no recording has a run container.
//!
//! `enter` picks its container as `scheduler-docker-local/scheduler-enter`
//! does (derived from the source; only the never-deployed refusal is
//! recorded): the one process type when none is given, the first
//! container of a type (or the one `<type>.<n>` names), or the container
//! whose id starts with `--container-id`, which must be running. Without
//! a tty Dokku runs `docker container exec` with neither `-i` nor `-t`,
//! so stdin never reaches the container; the simulated command itself
//! prints nothing and succeeds.

use crate::common::report::{go_quote, jq_json_str};
use crate::common::{procfile, properties, Ctx, Outcome};
use crate::host::{container_id, date_time, Container, ContainerState, RunContainer, SimHost};

/// Run `run`, `run:*` or `enter`; `None` for anything else.
pub fn run(ctx: &mut Ctx<'_>, subcommand: &str, args: &[String]) -> Option<Outcome> {
    match subcommand {
        "run" | "run:detached" => one_off(ctx, subcommand, args),
        "enter" => enter(ctx, args),
        "run:list" => list(ctx, args),
        "run:logs" => logs(ctx, args),
        "run:stop" => stop(ctx, args),
        "run:retire" => retire(ctx, args),
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
    if !ctx.host.apps.get(&app).is_some_and(|a| a.deployed) {
        ctx.out
            .fail(&format!("App image (dokku/{app}:latest) not found"));
        return;
    }
    // `scheduler-run` shifts one `--` before the command, and runs a
    // Procfile process type's command in place of its name.
    let mut words: Vec<String> = iter.cloned().collect();
    if words.first().is_some_and(|w| w == "--") {
        words.remove(0);
    }
    // (`procfile-get-command` prints nothing for a command it does not
    // have, and then the word is the command.)
    let procfile = words
        .first()
        .and_then(|first| procfile::command(ctx.host, &app, first, procfile::RUN_PORT));
    if let Some(command) = procfile {
        let found = format!("Found '{}' in Procfile, running that command", words[0]);
        // `read -ra` splits the command at whitespace.
        let rest = words.split_off(1);
        words = command
            .split_whitespace()
            .map(str::to_owned)
            .chain(rest)
            .collect();
        ctx.out.info1_quiet(&found);
    }
    if subcommand == "run:detached" {
        let ttl_seconds = ttl.parse().unwrap_or(u64::MAX);
        let name = start_detached(ctx.host, &app, &words, ttl_seconds);
        ctx.out.log(&name);
    } else if force_tty {
        // `has_tty` is forced, so Docker is asked for `--interactive
        // --tty` with no terminal to give it. Otherwise (`/usr/bin/tty`
        // says "not a tty": an executor never has one) the command runs
        // and its output is the container's: nothing the simulator knows.
        ctx.out.stderr_plain("the input device is not a TTY");
        ctx.out.code = 1;
    }
}

/// `scheduler-run` with `DOKKU_DETACH_CONTAINER`: create the container
/// (`--rm`, named `<app>.run.<n>`), start it, and print its name
/// (`docker container inspect --format {{.Name}} | cut -c2-`). Without a
/// command it runs the scheduler's `shell` property (the app's, else the
/// global one), else `/bin/bash`.
fn start_detached(host: &mut SimHost, app: &str, words: &[String], ttl_seconds: u64) -> String {
    let taken = |n: u32| {
        host.run_containers
            .iter()
            .any(|c| c.name == format!("{app}.run.{n}"))
    };
    // `$RANDOM`, made deterministic: from the clock, the next free number
    // (all 32,768 taken, Docker would refuse the name; the simulator
    // reuses the first).
    let first = u32::try_from(host.now % 32_768).unwrap_or(0);
    let n = (0..32_768)
        .map(|i| (first + i) % 32_768)
        .find(|n| !taken(*n))
        .unwrap_or(first);
    let mut command = match words.is_empty() {
        true => properties::first_set([
            properties::app_value(host, "scheduler", app, "shell").as_str(),
            properties::global_value(host, "scheduler", "shell").as_str(),
            "/bin/bash",
        ]),
        false => words.join(" "),
    };
    if crate::scheduler::image_is_herokuish(host, app) {
        command = format!("/exec {command}");
    }
    let name = format!("{app}.run.{n}");
    host.run_containers.push(RunContainer {
        name: name.clone(),
        app: app.to_owned(),
        id: container_id(app, "run", n, 0),
        command,
        created: host.now,
        ttl_seconds,
    });
    name
}

/// The app's run containers, newest first (`docker container ls`).
fn containers_of<'h>(host: &'h SimHost, app: &str) -> Vec<&'h RunContainer> {
    host.run_containers
        .iter()
        .rev()
        .filter(|c| c.app == app)
        .collect()
}

/// `docker container stop <name>` of a container started with `--rm`: it
/// prints the name, and the container is gone.
fn stop_container(ctx: &mut Ctx<'_>, name: &str) {
    ctx.host.run_containers.retain(|c| c.name != name);
    ctx.out.log(name);
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
    let now = ctx.host.now;
    let containers = containers_of(ctx.host, &app);
    if format == "stdout" {
        let rows: Vec<[String; 3]> = containers
            .iter()
            .map(|c| {
                [
                    c.name.clone(),
                    go_quote(&c.command),
                    format!("{} ago", human_duration(now.saturating_sub(c.created))),
                ]
            })
            .collect();
        ctx.out.info2_quiet(&format!("{app} run containers"));
        if ctx.out.quiet {
            for [name, command, created] in &rows {
                ctx.out.log(&format!("{name}\t{command}\t{created}"));
            }
        } else {
            // Docker's `table` format prints its header even when empty.
            let header = ["NAMES", "COMMAND", "CREATED"].map(str::to_owned);
            for line in docker_table(&header, &rows) {
                ctx.out.log(&line);
            }
        }
    } else {
        // `jq -s -M`: two-space indentation, the keys in the order the
        // filter names them, `[]` when empty.
        let objects: Vec<String> = containers
            .iter()
            .map(|c| {
                let mut o = String::from("  {\n    \"name\": ");
                jq_json_str(&mut o, &c.name);
                o.push_str(",\n    \"state\": \"running\",\n    \"command\": ");
                jq_json_str(&mut o, &go_quote(&c.command));
                o.push_str(",\n    \"created_at\": ");
                jq_json_str(&mut o, &format!("{} +0000 UTC", date_time(c.created)));
                o.push_str("\n  }");
                o
            })
            .collect();
        let text = match objects.is_empty() {
            true => "[]".to_owned(),
            false => format!("[\n{}\n]", objects.join(",\n")),
        };
        ctx.out.log(&text);
    }
}

/// Docker's `table` output: Go's `tabwriter` with a minimum cell width
/// of 10 and 3 spaces of padding; the last column is not padded.
fn docker_table(header: &[String; 3], rows: &[[String; 3]]) -> Vec<String> {
    let width = |col: usize| {
        std::iter::once(header)
            .chain(rows)
            .map(|r| r[col].chars().count() + 3)
            .max()
            .unwrap_or(0)
            .max(10)
    };
    let (a, b) = (width(0), width(1));
    std::iter::once(header)
        .chain(rows)
        .map(|r| format!("{:<a$}{:<b$}{}", r[0], r[1], r[2]))
        .collect()
}

/// go-units' `HumanDuration`, as Docker's `RunningFor` column shows an
/// age (`About a minute`, `3 hours`).
fn human_duration(seconds: u64) -> String {
    let minutes = seconds / 60;
    // Hours are rounded, the rest truncated.
    let hours = (seconds + 1800) / 3600;
    match seconds {
        0 => "Less than a second".to_owned(),
        1 => "1 second".to_owned(),
        2..=59 => format!("{seconds} seconds"),
        _ if minutes == 1 => "About a minute".to_owned(),
        _ if minutes < 60 => format!("{minutes} minutes"),
        _ if hours == 1 => "About an hour".to_owned(),
        _ if hours < 48 => format!("{hours} hours"),
        _ if hours < 24 * 7 * 2 => format!("{} days", hours / 24),
        _ if hours < 24 * 30 * 2 => format!("{} weeks", hours / 24 / 7),
        _ if hours < 24 * 365 * 2 => format!("{} months", hours / 24 / 30),
        _ => format!("{} years", seconds / 3600 / 24 / 365),
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
    let exists = |c: &RunContainer| c.app == app && (container.is_empty() || c.name == container);
    if ctx.host.run_containers.iter().any(exists) {
        // What the simulated command printed: nothing the simulator knows.
    } else if container.is_empty() {
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
        let names: Vec<String> = containers_of(ctx.host, &app)
            .into_iter()
            .map(|c| c.name.clone())
            .collect();
        if names.is_empty() && !ctx.out.quiet {
            ctx.out.log("No run containers exist");
        }
        for name in names {
            stop_container(ctx, &name);
        }
    } else if ctx.host.run_containers.iter().any(|c| c.name == container) {
        stop_container(ctx, &container);
    } else {
        ctx.out.warn("Specified container does not exist");
    }
}

/// `run:retire [<app>]`: `scheduler-run-retire` stops and removes the run
/// containers (of the app, or of every app) older than their time to live,
/// each named by its short id.
fn retire(ctx: &mut Ctx<'_>, args: &[String]) {
    let app = args.first().cloned().unwrap_or_default();
    if app.is_empty() {
        ctx.out.info1_quiet("Retiring all run containers");
    } else if ctx.verify_app_bash(&app) {
        ctx.out
            .info1_quiet(&format!("Retiring run containers for app {app}"));
    } else {
        return;
    }
    let now = ctx.host.now;
    let expired: Vec<RunContainer> = ctx
        .host
        .run_containers
        .iter()
        .rev()
        .filter(|c| app.is_empty() || c.app == app)
        .filter(|c| c.created.saturating_add(c.ttl_seconds) < now)
        .cloned()
        .collect();
    for c in expired {
        ctx.out.verbose_quiet(&format!(
            "Retiring container {}",
            c.id.get(..12).unwrap_or(&c.id)
        ));
        ctx.host.run_containers.retain(|r| r.name != c.name);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::dispatch;
    use crate::scenario;

    /// What `argv` printed: stdout, stderr and the exit code.
    fn run(host: &mut SimHost, argv: &[&str]) -> (String, String, i32) {
        let argv: Vec<String> = argv.iter().map(|a| (*a).to_owned()).collect();
        let out = dispatch(host, &argv, b"").into_output();
        (
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
            out.code,
        )
    }

    #[test]
    fn a_detached_run_is_named_listed_and_gone_once_stopped() {
        let mut host = scenario::demo();
        let (name, _, code) = run(&mut host, &["run:detached", "api", "--", "sleep", "60"]);
        assert_eq!(code, 0);
        let name = name.trim_end().to_owned();
        assert!(name.starts_with("api.run."), "{name}");
        let (second, ..) = run(&mut host, &["run:detached", "api", "./worker"]);
        assert_ne!(second.trim_end(), name, "two containers, two names");

        // Newest first; Docker's table pads each column to its widest cell.
        host.now += 90;
        let (table, _, code) = run(&mut host, &["run:list", "api"]);
        assert_eq!(code, 0);
        let lines: Vec<&str> = table.lines().collect();
        assert_eq!(lines[0], "=====> api run containers");
        let (width, command) = (name.len() + 3, "\"/exec sleep 60\"".len() + 3);
        assert_eq!(
            lines[1],
            format!("{:<width$}{:<command$}CREATED", "NAMES", "COMMAND")
        );
        assert_eq!(
            lines[3],
            format!(
                "{name:<width$}{:<command$}About a minute ago",
                "\"/exec sleep 60\""
            )
        );
        assert_eq!(lines.len(), 4, "{table}");

        let (json, ..) = run(&mut host, &["run:list", "api", "--format", "json"]);
        let listed: Vec<serde_json::Value> = serde_json::from_str(&json).unwrap();
        assert_eq!(listed[1]["name"], name.as_str());
        assert_eq!(listed[1]["state"], "running");
        assert_eq!(listed[1]["command"], "\"/exec sleep 60\"");
        assert!(
            json.starts_with("[\n  {\n    \"name\""),
            "jq's layout: {json}"
        );
        assert_eq!(
            listed[1]["created_at"],
            format!("{} +0000 UTC", date_time(host.now - 90))
        );
        // Another app's list does not show them.
        assert_eq!(run(&mut host, &["run:list", "blog"]).0.lines().count(), 2);

        // Its logs: nothing known, and no Docker error.
        assert_eq!(
            run(&mut host, &["run:logs", "--container", &name]),
            (String::new(), String::new(), 0)
        );
        // `docker container stop` prints the name; `--rm` removes it.
        assert_eq!(
            run(&mut host, &["run:stop", "--container", &name]).0,
            format!("{name}\n")
        );
        let (warned, ..) = run(&mut host, &["run:stop", "--container", &name]);
        assert_eq!(warned, "");
        assert_eq!(run(&mut host, &["run:stop", "api"]).0, second);
        assert_eq!(
            run(&mut host, &["run:list", "api", "--format", "json"]).0,
            "[]\n"
        );
        assert_eq!(
            run(&mut host, &["run:stop", "api"]).0,
            "No run containers exist\n"
        );
    }

    #[test]
    fn a_procfile_process_type_runs_its_command() {
        let mut host = scenario::demo();
        let (out, err, code) = run(
            &mut host,
            &["run:detached", "api", "--", "worker", "--once"],
        );
        assert_eq!((err.as_str(), code), ("", 0));
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(
            lines[0],
            "-----> Found 'worker' in Procfile, running that command"
        );
        let c = host.run_containers.iter().find(|c| c.name == lines[1]);
        assert_eq!(
            c.map(|c| c.command.as_str()),
            Some("/exec node worker.js --once")
        );
        // Attached too; a word that is no process type is the command.
        let (out, _, code) = run(&mut host, &["run", "api", "worker"]);
        assert_eq!(
            (out.as_str(), code),
            (
                "-----> Found 'worker' in Procfile, running that command\n",
                0
            )
        );
        assert_eq!(run(&mut host, &["run", "api", "ls"]).0, "");

        // Expanded with the app's config, PORT 5000 by default.
        let command = |host: &mut SimHost| {
            let out = run(host, &["run:detached", "shop", "web"]).0;
            let name = out.lines().last().unwrap_or_default().to_owned();
            let c = host.run_containers.iter().find(|c| c.name == name);
            c.map(|c| c.command.clone()).unwrap_or_default()
        };
        assert_eq!(
            command(&mut host),
            "/exec bundle exec puma -p 5000 -C config/puma.rb"
        );
        let set = run(
            &mut host,
            &["config:set", "--no-restart", "shop", "PORT=8080"],
        );
        assert_eq!(set.2, 0, "{set:?}");
        assert_eq!(
            command(&mut host),
            "/exec bundle exec puma -p 8080 -C config/puma.rb"
        );
    }

    #[test]
    fn a_detached_run_without_a_command_runs_the_schedulers_shell() {
        let mut host = scenario::demo();
        let command = |host: &mut SimHost| {
            let name = run(host, &["run:detached", "blog"]).0;
            let c = host
                .run_containers
                .iter()
                .find(|c| c.name == name.trim_end());
            c.map(|c| c.command.clone()).unwrap_or_default()
        };
        assert_eq!(command(&mut host), "/exec /bin/bash");
        let set = |host: &mut SimHost, target: &str, value: &str| {
            let out = run(host, &["scheduler:set", target, "shell", value]);
            assert_eq!(out.2, 0, "{out:?}");
        };
        set(&mut host, "--global", "/bin/sh");
        assert_eq!(command(&mut host), "/exec /bin/sh");
        set(&mut host, "blog", "/bin/zsh");
        assert_eq!(command(&mut host), "/exec /bin/zsh");
        // A command given is run as it is.
        let name = run(&mut host, &["run:detached", "blog", "ls"]).0;
        assert!(host
            .run_containers
            .iter()
            .any(|c| c.name == name.trim_end() && c.command == "/exec ls"));
    }

    #[test]
    fn run_retire_removes_only_the_containers_past_their_time_to_live() {
        let mut host = scenario::demo();
        // Without the demo's own one-off container.
        host.run_containers.clear();
        let short = run(
            &mut host,
            &["run:detached", "--ttl-seconds", "60", "api", "x"],
        )
        .0;
        let long = run(&mut host, &["run:detached", "api", "y"]).0;
        let other = run(
            &mut host,
            &["run:detached", "--ttl-seconds", "60", "blog", "z"],
        )
        .0;
        let id = |host: &SimHost, name: &str| {
            let c = host
                .run_containers
                .iter()
                .find(|c| c.name == name.trim_end());
            c.map(|c| c.id[..12].to_owned()).unwrap()
        };
        let short_id = id(&host, &short);
        let other_id = id(&host, &other);

        // Not yet past: nothing retired.
        host.now += 60;
        assert_eq!(
            run(&mut host, &["run:retire", "api"]).0,
            "-----> Retiring run containers for app api\n"
        );
        host.now += 1;
        assert_eq!(
            run(&mut host, &["run:retire", "api"]).0,
            format!("-----> Retiring run containers for app api\n       Retiring container {short_id}\n")
        );
        let left: Vec<&str> = host
            .run_containers
            .iter()
            .map(|c| c.name.as_str())
            .collect();
        assert_eq!(left, [long.trim_end(), other.trim_end()]);
        assert_eq!(
            run(&mut host, &["run:retire"]).0,
            format!("-----> Retiring all run containers\n       Retiring container {other_id}\n")
        );
        assert_eq!(host.run_containers.len(), 1);
    }

    #[test]
    fn a_run_without_a_terminal_runs_unless_a_tty_is_forced() {
        let mut host = scenario::demo();
        let before = host.run_containers.clone();
        for argv in [&["run", "api", "ls"][..], &["run", "--no-tty", "api", "ls"]] {
            assert_eq!(run(&mut host, argv), (String::new(), String::new(), 0));
        }
        assert_eq!(
            run(&mut host, &["run", "--force-tty", "api", "ls"]),
            (
                String::new(),
                "the input device is not a TTY\n".to_owned(),
                1
            )
        );
        assert_eq!(host.run_containers, before, "--rm: nothing is left");
    }

    #[test]
    fn ages_read_as_docker_prints_them() {
        let cases = [
            (0, "Less than a second"),
            (1, "1 second"),
            (59, "59 seconds"),
            (60, "About a minute"),
            (119, "About a minute"),
            (120, "2 minutes"),
            (3599, "59 minutes"),
            (3600, "About an hour"),
            (5399, "About an hour"),
            (5400, "2 hours"),
            (47 * 3600, "47 hours"),
            (48 * 3600, "2 days"),
            (14 * 86_400, "2 weeks"),
            (60 * 86_400, "2 months"),
            (730 * 86_400, "2 years"),
        ];
        for (seconds, words) in cases {
            assert_eq!(human_duration(seconds), words, "{seconds} s");
        }
        assert_eq!(go_quote("say \"hi\"\\\n"), "\"say \\\"hi\\\"\\\\\\n\"");
    }
}
