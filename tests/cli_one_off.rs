//! What runs beside an app's processes, end to end against `--demo`: one-off
//! commands (`run`), cron tasks, builds and Dokku's event log.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod cli_support;

use cli_support::{subcommands, Demo};
use serde_json::json;

#[test]
fn a_one_off_command_runs_with_its_environment_never_shown_or_recorded() {
    let demo = Demo::new();
    let shown = demo.shows(
        &[
            "run",
            "api",
            "--env",
            "TOKEN=s3cr3t-value",
            "--",
            "node",
            "--version",
        ],
        &[],
    );
    assert!(!shown.contains("s3cr3t"), "{shown}");
    let ran = demo.json(&["run", "api", "-e", "TOKEN=s3cr3t-value", "--", "env"]);
    assert_eq!(ran["ok"], true, "{ran}");
    assert_eq!(ran["command"], "dokku run --env TOKEN=*** --no-tty api env");
    assert!(ran["output"].is_array(), "{ran}");
    // A never-deployed app has no image: Dokku's reason, exit 1.
    demo.fails(
        &["run", "sandbox", "--", "ls"],
        1,
        "App image (dokku/sandbox:latest) not found",
    );

    let subs = subcommands(&demo.history_rows());
    assert_eq!(subs.iter().filter(|s| *s == "run").count(), 3, "{subs:?}");
    let export = demo.cli().args(["history", "export"]).output().unwrap();
    assert!(!String::from_utf8_lossy(&export.stdout).contains("s3cr3t"));

    assert_eq!(
        demo.dry_run(&[
            "run",
            "api",
            "-e",
            "TOKEN=s3cr3t",
            "--",
            "rake",
            "db:migrate"
        ]),
        "dokku run --env TOKEN=*** --no-tty api rake db:migrate\n"
    );
    assert_eq!(
        demo.dry_run(&["run", "api", "--detach", "--", "./worker"]),
        "dokku run:detached api ./worker\n"
    );
    demo.refused(&["run", "api"], "no command given");
    let said = demo.refused(
        &["run", "api", "-e", "sk_live_abc", "--", "ls"],
        "KEY=VALUE",
    );
    assert!(!said.contains("sk_live"), "{said}");
}

#[test]
fn a_detached_procfile_process_type_is_named_without_dokkus_found_line() {
    let demo = Demo::new();
    // Dokku prints "-----> Found 'worker' in Procfile, running that
    // command" before the name; the name alone is the container.
    let started = demo.json(&["run", "api", "--detach", "--", "worker"]);
    let name = started["container"].as_str().unwrap().to_owned();
    assert!(
        name.starts_with("api.run.") && !name.contains(char::is_whitespace),
        "{started}"
    );
    let listed = demo.json(&["run", "list", "api"]);
    assert_eq!(listed[0]["name"], name.as_str(), "{listed}");
    assert_eq!(listed[0]["command"], "\"/exec node worker.js\"", "{listed}");
}

#[test]
fn one_off_containers_are_listed_followed_stopped_and_retired() {
    let demo = Demo::new();
    assert_eq!(demo.json(&["run", "list", "api"]), json!([]));
    demo.notes(&["run", "list", "api"], "api has no one-off containers");
    let started = demo.json(&["run", "api", "--detach", "--", "sleep", "60"]);
    assert_eq!(started["action"], "started", "{started}");
    assert_eq!(started["command"], "dokku run:detached api sleep 60");
    // Dokku prints the container's name; the list shows it running.
    let name = started["container"].as_str().unwrap().to_owned();
    assert!(name.starts_with("api.run."), "{started}");
    let listed = demo.json(&["run", "list", "api"]);
    assert_eq!(listed[0]["name"], name.as_str(), "{listed}");
    assert_eq!(listed[0]["state"], "running", "{listed}");
    assert_eq!(listed[0]["command"], "\"/exec sleep 60\"", "{listed}");
    // Docker's `2025-01-08 05:20:02 +0000 UTC`, written as the CLI writes
    // every time (RFC 3339, UTC), in the table too.
    let created = listed[0]["created_at"].as_str().unwrap();
    let shape = created.len() == 20 && created.ends_with('Z') && created.as_bytes()[10] == b'T';
    assert!(shape, "{listed}");
    demo.shows(
        &["run", "list", "api"],
        &[&name, "\"/exec sleep 60\"", created],
    );
    // Dokku names what it stopped; nothing to stop is said, exit 0 as
    // Dokku's.
    demo.shows(&["run", "stop", "api"], &[&format!("stopped {name}")]);
    assert_eq!(demo.json(&["run", "list", "api"]), json!([]));
    demo.notes(
        &["run", "stop", "api"],
        "nothing stopped: api has no one-off containers",
    );
    let gone = demo.json(&["run", "stop", "--container", &name]);
    assert_eq!(gone["stopped"], json!([]), "{gone}");
    demo.notes(
        &["run", "stop", "--container", &name],
        &format!("nothing stopped: {name} does not exist"),
    );
    let retired = demo.json(&["run", "retire", "--all"]);
    assert_eq!(retired["command"], "dokku run:retire", "{retired}");
    demo.shows(&["run", "logs", "api"], &[]);
    let sent: Vec<String> = subcommands(&demo.history_rows())
        .into_iter()
        .filter(|s| s.starts_with("run"))
        .collect();
    assert_eq!(
        sent,
        [
            "run:list",
            "run:list",
            "run:detached",
            "run:list",
            "run:list",
            "run:stop",
            "run:list",
            "run:stop",
            "run:stop",
            "run:stop",
            "run:retire",
            "run:logs"
        ]
    );

    assert_eq!(
        demo.dry_run(&["run", "logs", "--container", "api.run.1234", "-t"]),
        "dokku run:logs --container api.run.1234 -t\n"
    );
    assert_eq!(
        demo.dry_run(&["run", "retire", "blog"]),
        "dokku run:retire blog\n"
    );
    demo.refused(
        &["run", "logs", "blog", "--container", "api.run.1234"],
        "not a one-off container of blog",
    );
    demo.refused(
        &["run", "stop", "--container", "api.web.1"],
        "not a one-off container name",
    );
}

#[test]
fn a_one_off_container_gets_a_time_to_live_checked_before_sending() {
    let demo = Demo::new();
    let ran = demo.json(&["run", "api", "--ttl-seconds", "60", "--", "ls"]);
    assert_eq!(ran["ok"], true, "{ran}");
    assert_eq!(ran["command"], "dokku run --no-tty --ttl-seconds 60 api ls");
    assert_eq!(
        demo.dry_run(&[
            "run",
            "api",
            "--detach",
            "--ttl-seconds",
            "600",
            "--",
            "./worker"
        ]),
        "dokku run:detached --ttl-seconds 600 api ./worker\n"
    );
    // Dokku wants a positive number of seconds.
    demo.refused(
        &["run", "api", "--ttl-seconds", "0", "--", "ls"],
        "--ttl-seconds",
    );
    demo.refused(
        &["run", "api", "--ttl-seconds", "1h", "--", "ls"],
        "--ttl-seconds",
    );
}

#[test]
fn enter_runs_a_command_in_a_running_container_and_refuses_an_interactive_shell() {
    let demo = Demo::new();
    let ran = demo.json(&["enter", "api", "web", "--", "ls", "/app"]);
    assert_eq!(ran["ok"], true, "{ran}");
    assert_eq!(ran["command"], "dokku enter api web -- ls /app");
    // With --app, the one word given is the process type.
    assert_eq!(
        demo.dry_run(&["--app", "api", "enter", "worker", "--", "ps", "aux"]),
        "dokku enter api worker -- ps aux\n"
    );
    assert_eq!(
        demo.dry_run(&["enter", "api", "--container-id", "1a2b3c", "--", "ls"]),
        "dokku enter api --container-id 1a2b3c -- ls\n"
    );
    // Dokku's own answers: which container is meant, and never deployed.
    demo.fails(
        &["enter", "api", "--", "ls"],
        1,
        "Available types for app (api): clock web worker",
    );
    demo.fails(
        &["enter", "new-service", "web", "--", "ls"],
        1,
        "App new-service has not been deployed",
    );
    // No command: an interactive shell, which needs a terminal Dokku
    // never gets here. Refused before anything is sent, with the way out.
    let said = demo.refused(&["enter", "api", "web"], "needs a terminal");
    assert!(said.contains("ssh -t dokku@HOST enter api"), "{said}");
    demo.refused(
        &["enter", "api", "--container-id", "a b", "--", "ls"],
        "container id",
    );
    demo.refused(
        &["enter", "api", "web", "--container-id", "1a2b", "--", "ls"],
        "cannot be used with",
    );
    let subs = subcommands(&demo.history_rows());
    assert_eq!(subs.iter().filter(|s| *s == "enter").count(), 3, "{subs:?}");
}

#[test]
fn cron_tasks_list_their_schedule_and_command_and_can_be_suspended_and_resumed() {
    let demo = Demo::new();
    demo.shows(
        &["cron", "list", "api"],
        &[
            "SCHEDULE",
            "@daily",
            "node scripts/cleanup-sessions.js",
            "0 6 * * 1",
        ],
    );
    let tasks = demo.json(&["cron", "list", "api"]);
    let tasks = tasks.as_array().unwrap();
    assert_eq!(tasks.len(), 2, "{tasks:?}");
    let daily = tasks.iter().find(|t| t["schedule"] == "@daily").unwrap();
    assert_eq!(daily["command"], "node scripts/cleanup-sessions.js");
    assert_eq!(daily["task_in_maintenance"], false);
    let id = daily["id"].as_str().unwrap().to_owned();
    let suspended = |demo: &Demo| {
        let listed = demo.json(&["cron", "list", "api"]);
        let task = listed
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["id"] == id.as_str())
            .cloned();
        task.unwrap()["task_in_maintenance"].clone()
    };

    let done = demo.json(&["cron", "suspend", "api", &id]);
    assert_eq!(done["command"], format!("dokku cron:suspend api {id}"));
    assert_eq!(suspended(&demo), true);
    demo.shows(&["cron", "list", "api"], &["suspended"]);
    demo.shows(&["cron", "resume", "api", &id], &["resumed"]);
    assert_eq!(suspended(&demo), false);
    demo.shows(
        &["cron", "run", "api", &id],
        &[&format!("ran task {id} of api")],
    );
    // An unknown task is "not found".
    demo.fails(
        &["cron", "suspend", "api", "nosuchtask"],
        4,
        "api has no cron task nosuchtask",
    );
    demo.notes(&["cron", "list", "blog"], "blog has no cron tasks");

    assert_eq!(
        demo.dry_run(&["cron", "list", "api"]),
        "dokku cron:list api --format json\n"
    );
    assert_eq!(
        demo.dry_run(&["cron", "run", "api", &id, "--detach"]),
        format!("dokku cron:run api {id} --detach\n")
    );
    demo.refused(
        &["cron", "suspend", "api", "bad id"],
        "not a valid cron task id",
    );
    demo.refused(
        &["cron", "list", "api", "--global"],
        "both an app (api) and --global",
    );
}

#[test]
fn builds_are_listed_with_their_status_and_an_unknown_one_is_not_found() {
    let demo = Demo::new();
    demo.notes(&["builds", "list", "blog"], "no builds of blog");
    demo.shows(&["ps", "rebuild", "blog"], &[]);
    demo.shows(&["builds", "list", "blog"], &["succeeded", "ps:rebuild"]);
    let builds = demo.json(&["builds", "list", "blog", "--kind", "build"]);
    let build = &builds.as_array().unwrap()[0];
    assert_eq!(build["display_status"], "succeeded", "{build}");
    assert_eq!(build["source"], "ps:rebuild", "{build}");
    let id = build["id"].as_str().unwrap().to_owned();
    assert_eq!(demo.json(&["builds", "info", "blog", &id])["exit_code"], 0);
    demo.shows(
        &["builds", "info", "blog", &id],
        &[&format!("build {id} of blog"), "exit code  0"],
    );
    assert_eq!(demo.json(&["builds", "list", "--all"]), json!([]));
    demo.fails(
        &["builds", "info", "blog", "nosuchbuild"],
        4,
        "blog has no build nosuchbuild",
    );
    // A build that ended: its log.
    demo.shows(
        &["builds", "output", "blog", &id],
        &["-----> Building blog from herokuish"],
    );
    demo.fails(
        &["builds", "output", "blog", "nosuchbuild"],
        4,
        "blog has no build nosuchbuild",
    );
    // Nothing running: Dokku says so, and that is not an error.
    demo.shows(
        &["builds", "output", "blog"],
        &["App not currently deploying"],
    );
    demo.shows(
        &["builds", "cancel", "blog"],
        &[
            "App not currently deploying",
            "cancelled the running build of blog",
        ],
    );

    assert_eq!(
        demo.dry_run(&["builds", "list", "blog", "--status", "failed"]),
        "dokku builds:list blog --format json --status failed\n"
    );
    assert_eq!(
        demo.dry_run(&["builds", "output", "blog", &id]),
        format!("dokku builds:output blog {id}\n")
    );
    demo.refused(
        &["builds", "list", "blog", "--status", "broken"],
        "possible values",
    );
    demo.refused(&["builds", "info", "blog", "../x"], "not a valid build id");
}

#[test]
fn old_build_records_are_pruned_per_app_or_for_every_app() {
    let demo = Demo::new();
    demo.shows(&["ps", "rebuild", "blog"], &[]);
    let pruned = demo.json(&["builds", "prune", "blog"]);
    assert_eq!(pruned["action"], "pruned", "{pruned}");
    assert_eq!(pruned["command"], "dokku builds:prune blog");
    // The finished build the retention keeps is still there.
    let kept = demo.json(&["builds", "list", "blog"]);
    assert_eq!(kept.as_array().unwrap().len(), 1, "{kept}");
    demo.shows(
        &["builds", "prune", "--all"],
        &["pruned the old build records of every app"],
    );
    assert_eq!(
        demo.dry_run(&["builds", "prune", "--all"]),
        "dokku builds:prune --all-apps\n"
    );
    assert_eq!(
        demo.dry_run(&["--app", "blog", "builds", "prune"]),
        "dokku builds:prune blog\n"
    );
    demo.refused(
        &["builds", "prune", "blog", "--all"],
        "both an app (blog) and --all",
    );
    // Dokku says the app is missing (sent, and recorded as failed).
    demo.fails(&["builds", "prune", "nope"], 4, "nope");
    let subs = subcommands(&demo.history_rows());
    assert_eq!(
        subs.iter().filter(|s| *s == "builds:prune").count(),
        3,
        "{subs:?}"
    );
}

/// `events -t` where the logger is off would wait for nothing: it says so
/// first, and follows all the same.
#[test]
fn following_events_while_the_logger_is_off_says_so() {
    use std::io::BufRead;
    let demo = Demo::new();
    demo.json(&["events", "off"]);
    let mut follow = demo.process();
    let mut child = follow
        .args(["events", "-t"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = std::io::BufReader::new(child.stderr.take().unwrap());
    let mut first = String::new();
    stderr.read_line(&mut first).unwrap();
    let running = child.try_wait().unwrap().is_none();
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(first.contains("the event logger is off"), "{first:?}");
    assert!(running, "it still follows");
    // On, no such word: the log's last lines, then the follow.
    demo.json(&["events", "on"]);
    demo.json(&["ps", "restart", "blog"]);
    let mut follow = demo.process();
    follow.args(["events", "-t"]);
    let (line, out, _) = cli_support::interrupt_after_first_line(follow);
    assert!(line.contains("dokku-event"), "{line:?}");
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(!said.contains("the event logger is off"), "{said}");
}

#[test]
fn the_event_logger_turns_on_and_lists_what_it_logs() {
    // The demo host has a syslog and the logger on (a dashboard follows
    // it); turned off, it logs nothing.
    let demo = Demo::new();
    assert_eq!(demo.json(&["events", "off"])["command"], "dokku events:off");
    assert_eq!(
        demo.json(&["events", "list"]),
        json!({ "logging": false, "triggers": [] })
    );
    demo.notes(&["events", "list"], "the event logger is off");
    demo.json(&["ps", "stop", "blog"]);
    assert_eq!(demo.json(&["events"]), json!([]));
    demo.shows(&["events", "on"], &["turned on the event logger"]);
    let listed = demo.json(&["events", "list"]);
    assert_eq!(listed["logging"], true, "{listed}");
    let triggers = listed["triggers"].as_array().unwrap();
    assert!(triggers.iter().any(|t| t == "post-deploy"), "{listed}");
    // A change made while it is on is in the log, typed.
    demo.json(&["ps", "start", "blog"]);
    let events = demo.json(&["events"]);
    let events = events.as_array().unwrap();
    assert!(
        events
            .iter()
            .any(|e| e["trigger"] == "post-deploy" && e["args"][0] == "blog"),
        "{events:?}"
    );
    assert_eq!(
        demo.dry_run(&["events", "-t"]),
        "dokku events:list\ndokku events -t\n"
    );
    assert_eq!(demo.dry_run(&["events", "on"]), "dokku events:on\n");
    demo.refused(&["events", "list", "extra"], "unexpected argument");
}
