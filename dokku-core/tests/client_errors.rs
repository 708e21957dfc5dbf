//! The `Dokku` client on recorded outputs (`tests/fixtures/{apps,ps,plugin}`),
//! through `ScriptedExecutor`: how exit codes and stderr become
//! `Error::AppNotFound`, `AppExists`, `NotADokkuCommand`, `CommandFailed`;
//! which failures are answers (`exists` → false, `locked` → false, an empty
//! list with a warning → `[]`); the capability gate refusing a command
//! before anything is sent (`Unsupported`); unreadable output becoming
//! `Error::Parse` naming the command and the line; and the transport retry
//! rule (reads once, writes never).
//!
//! Where a fixture's argv is exactly what the handler sends, the script
//! expects the fixture's argv, so the test also pins the handler's argv.
#![cfg(feature = "test-util")]
// clippy.toml's allow-*-in-tests covers `#[test]` functions only, not the
// helpers of an integration test crate.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::sync::Arc;

use common::Fixture;
use dokku_core::api::report::{report_command, ReportTarget};
use dokku_core::api::Scope;
use dokku_core::api::{Format, Target};
use dokku_core::catalog::plugins;
use dokku_core::testing::ScriptedExecutor;
use dokku_core::{
    AppName, Capabilities, Command, Dokku, DokkuVersion, Error, ExecError, ExitStatus, Output,
    ProcessType, Requirement,
};
use futures_util::StreamExt;

const V035: DokkuVersion = DokkuVersion::new(0, 35, 20);
const V038: DokkuVersion = DokkuVersion::new(0, 38, 27);

fn app(name: &str) -> AppName {
    AppName::new(name).unwrap()
}

/// A client on `exec` that believes the host runs `version` (no probe).
fn client(exec: &Arc<ScriptedExecutor>, version: DokkuVersion) -> Dokku {
    Dokku::from_arc(exec.clone()).with_capabilities(Capabilities::for_version(version))
}

/// A script that expects the fixture's own argv and replays its output.
fn replay(fixture: &Fixture) -> Arc<ScriptedExecutor> {
    Arc::new(ScriptedExecutor::new().expect(fixture.argv(), fixture.output()))
}

/// A script that expects `argv` and replays the fixture's output.
fn replay_as(argv: &[&str], fixture: &Fixture) -> Arc<ScriptedExecutor> {
    Arc::new(ScriptedExecutor::new().expect(argv.iter().copied(), fixture.output()))
}

fn verified(exec: &ScriptedExecutor) {
    exec.verify()
        .unwrap_or_else(|problems| panic!("script: {problems}"));
}

fn assert_app_not_found(result: Result<impl std::fmt::Debug, Error>, want_app: &str, line: &str) {
    match result {
        Err(Error::AppNotFound { app, command }) => {
            assert_eq!(app, want_app);
            assert_eq!(command, line);
        }
        other => panic!("expected AppNotFound, got {other:?}"),
    }
}

fn command_failed(result: Result<impl std::fmt::Debug, Error>) -> (ExitStatus, String, String) {
    match result {
        Err(Error::CommandFailed {
            status,
            message,
            stdout,
            ..
        }) => (status, message, stdout),
        other => panic!("expected CommandFailed, got {other:?}"),
    }
}

// ---------------------------------------------------------------------------
// Missing app (exit 20)
// ---------------------------------------------------------------------------

#[tokio::test]
async fn apps_report_of_a_missing_app_is_app_not_found() {
    let f = Fixture::load("apps/report-missing-app-0.35.txt");
    let exec = replay(&f);
    let result = client(&exec, f.version())
        .apps()
        .report(&app("missing-app"))
        .await;
    assert!(result.as_ref().is_err_and(Error::is_not_found));
    assert_app_not_found(
        result,
        "missing-app",
        "dokku apps:report missing-app --format json",
    );
    verified(&exec);
}

#[tokio::test]
async fn apps_report_text_of_a_missing_app_is_app_not_found() {
    let f = Fixture::load("apps/report-missing-app.txt");
    let exec = replay(&f);
    let command = report_command(
        &plugins::APPS,
        &ReportTarget::App(app("missing-app")),
        Format::Text,
    )
    .unwrap();
    let result = client(&exec, f.version()).run(&command).await;
    assert_app_not_found(result, "missing-app", "dokku apps:report missing-app");
    verified(&exec);
}

#[tokio::test]
async fn ps_report_of_a_missing_app_is_app_not_found() {
    let f = Fixture::load("ps/report-missing-app.txt");
    let exec = replay_as(&["ps:report", "missing-app", "--format", "json"], &f);
    let result = client(&exec, V038).ps().report(&app("missing-app")).await;
    assert_app_not_found(
        result,
        "missing-app",
        "dokku ps:report missing-app --format json",
    );
    verified(&exec);
}

#[tokio::test]
async fn apps_destroy_of_a_missing_app_is_app_not_found() {
    // The fixture was recorded as `apps:destroy --force missing-app`; the SDK
    // puts `--force` after the app, which Dokku's flag parser also accepts.
    let f = Fixture::load("apps/destroy-missing-app.txt");
    let exec = replay_as(&["apps:destroy", "missing-app", "--force"], &f);
    let missing = app("missing-app");
    let result = client(&exec, V038)
        .apps()
        .destroy(&missing, "missing-app")
        .await;
    assert_app_not_found(
        result,
        "missing-app",
        "dokku apps:destroy missing-app --force",
    );
    verified(&exec);
}

#[tokio::test]
async fn ps_scale_report_of_a_missing_app_is_app_not_found() {
    // 0.35 reads the formation as text: the fixture's exact argv.
    let f = Fixture::load("ps/scale-missing-app.txt");
    let exec = replay(&f);
    let result = client(&exec, V035)
        .ps()
        .scale_report(&app("missing-app"))
        .await;
    assert_app_not_found(result, "missing-app", "dokku ps:scale missing-app");
    verified(&exec);

    // 0.38.27 asks for JSON; the same failure.
    let exec = replay_as(&["ps:scale", "missing-app", "--format", "json"], &f);
    let result = client(&exec, V038)
        .ps()
        .scale_report(&app("missing-app"))
        .await;
    assert_app_not_found(
        result,
        "missing-app",
        "dokku ps:scale missing-app --format json",
    );
    verified(&exec);
}

#[tokio::test]
async fn ps_set_on_a_missing_app_is_app_not_found() {
    let f = Fixture::load("ps/set-missing-app.txt");
    let exec = replay(&f);
    let result = client(&exec, f.version())
        .properties(&plugins::PS)
        .set(&Scope::App(app("missing-app")), "restart-policy", "always")
        .await;
    assert_app_not_found(
        result,
        "missing-app",
        "dokku ps:set missing-app restart-policy always",
    );
    verified(&exec);
}

#[tokio::test]
async fn apps_locked_on_a_missing_app_is_app_not_found_not_false() {
    let f = Fixture::load("apps/exists-missing-app.txt");
    let exec = replay_as(&["apps:locked", "missing-app"], &f);
    let result = client(&exec, V038).apps().locked(&app("missing-app")).await;
    assert_app_not_found(result, "missing-app", "dokku apps:locked missing-app");
    verified(&exec);
}

// ---------------------------------------------------------------------------
// Failures that are answers
// ---------------------------------------------------------------------------

#[tokio::test]
async fn apps_exists_answers_from_the_exit_code() {
    let f = Fixture::load("apps/exists-missing-app.txt");
    let exec = replay(&f);
    let dokku = client(&exec, f.version());
    assert!(!dokku.apps().exists(&app("missing-app")).await.unwrap());
    verified(&exec);

    let f = Fixture::load("apps/exists.txt");
    let exec = replay(&f);
    let dokku = client(&exec, f.version());
    assert!(dokku.apps().exists(&app("node-js-app")).await.unwrap());
    verified(&exec);
}

#[tokio::test]
async fn apps_locked_answers_from_the_exit_code() {
    let f = Fixture::load("apps/locked-not-locked.txt");
    let exec = replay(&f);
    let dokku = client(&exec, f.version());
    assert!(!dokku.apps().locked(&app("node-js-app")).await.unwrap());
    verified(&exec);

    let f = Fixture::load("apps/locked.txt");
    let exec = replay(&f);
    let dokku = client(&exec, f.version());
    assert!(dokku.apps().locked(&app("my.dotted.app")).await.unwrap());
    verified(&exec);

    // `--quiet` suppresses the message; exit 0 alone means locked.
    let exec = Arc::new(ScriptedExecutor::new().expect_ok(["apps:locked", "node-js-app"], ""));
    assert!(client(&exec, V038)
        .apps()
        .locked(&app("node-js-app"))
        .await
        .unwrap());
    verified(&exec);
}

#[tokio::test]
async fn apps_list_empty_with_a_warning_is_an_empty_list() {
    // The text form: 0.38.21 is the last version without `apps:list
    // --format json`; the output is the one the 0.38.27 fixture records.
    let f = Fixture::load("apps/list-empty.txt");
    assert!(!f.stderr.is_empty());
    let exec = replay(&f);
    let apps = client(&exec, DokkuVersion::new(0, 38, 21))
        .apps()
        .list()
        .await
        .unwrap();
    assert!(apps.is_empty());
    verified(&exec);

    let f = Fixture::load("apps/list-json-empty.txt");
    let exec = replay(&f);
    let apps = client(&exec, f.version()).apps().list().await.unwrap();
    assert!(apps.is_empty());
    verified(&exec);
}

#[tokio::test]
async fn ps_report_all_with_no_apps_is_an_empty_list() {
    let f = Fixture::load("ps/report-all-empty.txt");
    let exec = replay(&f);
    let reports = client(&exec, f.version()).ps().report_all().await.unwrap();
    assert!(reports.is_empty());
    verified(&exec);
}

#[tokio::test]
async fn start_and_stop_of_an_undeployed_app_succeed_with_a_warning() {
    for path in ["ps/start-not-deployed.txt", "ps/stop-not-deployed.txt"] {
        let f = Fixture::load(path);
        let exec = replay(&f);
        let dokku = client(&exec, f.version());
        let python = app("python-app");
        let result = if path.contains("start") {
            dokku.ps().start(&python).send().await
        } else {
            dokku.ps().stop(&python).send().await
        };
        result.unwrap_or_else(|e| panic!("{path}: {e}"));
        verified(&exec);
    }
}

// ---------------------------------------------------------------------------
// Successful writes, with the fixture's exact argv
// ---------------------------------------------------------------------------

#[tokio::test]
async fn successful_writes_replay_their_fixtures() {
    let node = app("node-js-app");

    let f = Fixture::load("apps/create.txt");
    let exec = replay(&f);
    client(&exec, V038).apps().create(&node).await.unwrap();
    verified(&exec);

    let f = Fixture::load("apps/lock.txt");
    let exec = replay(&f);
    client(&exec, V038).apps().lock(&node).await.unwrap();
    verified(&exec);

    let f = Fixture::load("ps/set.txt");
    let exec = replay(&f);
    client(&exec, V038)
        .properties(&plugins::PS)
        .set(&Scope::App(node.clone()), "restart-policy", "always")
        .await
        .unwrap();
    verified(&exec);

    let f = Fixture::load("ps/set-unset.txt");
    let exec = replay(&f);
    client(&exec, V038)
        .properties(&plugins::PS)
        .unset(&Scope::App(node.clone()), "procfile-path")
        .await
        .unwrap();
    verified(&exec);

    let f = Fixture::load("ps/set-global.txt");
    let exec = replay(&f);
    client(&exec, V038)
        .properties(&plugins::PS)
        .set(&Scope::Global, "stop-timeout-seconds", "60")
        .await
        .unwrap();
    verified(&exec);

    let f = Fixture::load("ps/scale-set-skip-deploy.txt");
    let exec = replay(&f);
    client(&exec, V038)
        .ps()
        .scale(&node)
        .process(ProcessType::web(), 2)
        .process(ProcessType::new("worker").unwrap(), 1)
        .skip_deploy()
        .send()
        .await
        .unwrap();
    verified(&exec);
}

// ---------------------------------------------------------------------------
// Name taken, unknown command, other failures
// ---------------------------------------------------------------------------

#[tokio::test]
async fn apps_create_on_a_taken_name_is_app_exists() {
    let f = Fixture::load("apps/create-already-exists.txt");
    let exec = replay(&f);
    let result = client(&exec, f.version())
        .apps()
        .create(&app("node-js-app"))
        .await;
    match result {
        Err(Error::AppExists { app, command }) => {
            assert_eq!(app, "node-js-app");
            assert_eq!(command, "dokku apps:create node-js-app");
        }
        other => panic!("expected AppExists, got {other:?}"),
    }
    verified(&exec);
}

#[tokio::test]
async fn rename_and_clone_onto_a_taken_name_name_the_target() {
    let taken = Output::new(ExitStatus::code(1), "", " !     Name is already taken\n");
    let exec = Arc::new(
        ScriptedExecutor::new()
            .expect(["apps:rename", "old-app", "node-js-app"], taken.clone())
            .expect(
                ["apps:clone", "--skip-deploy", "old-app", "node-js-app"],
                taken,
            ),
    );
    let dokku = client(&exec, V038);
    let (old, new) = (app("old-app"), app("node-js-app"));
    let rename = dokku.apps().rename(&old, &new).send().await;
    assert!(
        matches!(&rename, Err(Error::AppExists { app, .. }) if app == "node-js-app"),
        "{rename:?}"
    );
    let clone = dokku.apps().clone(&old, &new).skip_deploy().send().await;
    assert!(
        matches!(&clone, Err(Error::AppExists { app, .. }) if app == "node-js-app"),
        "{clone:?}"
    );
    verified(&exec);
}

#[tokio::test]
async fn an_unknown_subcommand_is_not_a_dokku_command() {
    let f = Fixture::load("apps/unknown-command.txt");
    let exec = replay(&f);
    let command = Command::read("apps:frobnicate").app_arg(&app("node-js-app"));
    let result = client(&exec, f.version()).run(&command).await;
    match result {
        Err(Error::NotADokkuCommand {
            subcommand,
            command,
        }) => {
            assert_eq!(subcommand, "apps:frobnicate");
            assert_eq!(command, "dokku apps:frobnicate node-js-app");
        }
        other => panic!("expected NotADokkuCommand, got {other:?}"),
    }
    verified(&exec);
}

#[tokio::test]
async fn scale_refused_by_app_json_is_command_failed_not_app_not_found() {
    let f = Fixture::load("ps/scale-app-json-formation.txt");
    let exec = replay(&f);
    let result = client(&exec, f.version())
        .ps()
        .scale(&app("node-js-app"))
        .process(ProcessType::web(), 2)
        .send()
        .await;
    let (status, message, _) = command_failed(result);
    assert_eq!(status.as_code(), Some(1));
    assert_eq!(
        message,
        "App node-js-app contains an app.json file with a formations key and cannot be manually scaled"
    );
    verified(&exec);
}

#[tokio::test]
async fn invalid_restart_policy_is_command_failed_with_dokkus_message() {
    let f = Fixture::load("ps/set-invalid-restart-policy.txt");
    let exec = replay(&f);
    let result = client(&exec, f.version())
        .properties(&plugins::PS)
        .set(
            &Scope::App(app("node-js-app")),
            "restart-policy",
            "sometimes",
        )
        .await;
    let (_, message, _) = command_failed(result);
    assert_eq!(message, "Invalid restart-policy specified");
    verified(&exec);
}

#[tokio::test]
async fn failures_keep_stdout_and_strip_the_warning_prefix() {
    // A raw command (the SDK cannot build `web=two`): Dokku prints the
    // `Scaling` line on stdout before failing.
    let f = Fixture::load("ps/scale-invalid-count.txt");
    let argv = f.argv();
    let exec = replay(&f);
    let command = Command::write(&argv[0]).args(&argv[1..]);
    let (status, message, stdout) = command_failed(client(&exec, V038).run(&command).await);
    assert_eq!(status.as_code(), Some(1));
    assert_eq!(message, "Invalid count for process type web");
    assert_eq!(stdout, "-----> Scaling node-js-app processes: web=two\n");
    verified(&exec);
}

#[tokio::test]
async fn other_recorded_failures_are_command_failed() {
    for (path, want) in [
        (
            "apps/create-invalid-name.txt",
            "App name must begin with lowercase alphanumeric character",
        ),
        (
            "ps/restart-all-process-name.txt",
            "Unable to restart all apps when specifying a process name",
        ),
        (
            "plugin/list-json-invalid-format.txt",
            "Invalid output format specified, supported formats: json",
        ),
        (
            "apps/report-json-with-flag.txt",
            "--format flag cannot be specified when specifying an info flag",
        ),
        (
            "apps/list-json-unsupported-0.35.txt",
            "unknown flag: --format",
        ),
    ] {
        let f = Fixture::load(path);
        let argv = f.argv();
        let exec = replay(&f);
        let command = Command::read(&argv[0]).args(&argv[1..]);
        let (status, message, _) = command_failed(client(&exec, V038).run(&command).await);
        assert_eq!(status.as_code(), Some(f.exit), "{path}");
        assert!(message.starts_with(want), "{path}: {message:?}");
        verified(&exec);
    }
}

// ---------------------------------------------------------------------------
// The capability gate: refused before anything is sent
// ---------------------------------------------------------------------------

#[tokio::test]
async fn a_command_needing_a_newer_dokku_is_refused_before_sending() {
    let exec = Arc::new(ScriptedExecutor::new());
    let dokku = client(&exec, V035);
    let needs = Requirement::Version(DokkuVersion::new(0, 38, 22));
    let command = Command::read("ps:scale")
        .app_arg(&app("node-js-app"))
        .args(["--format", "json"])
        .requires(needs.clone());

    for result in [dokku.execute(&command).await, dokku.run(&command).await] {
        match result {
            Err(Error::Unsupported {
                command: line,
                needs: got,
                version,
            }) => {
                assert_eq!(line, "dokku ps:scale node-js-app --format json");
                assert_eq!(got, needs);
                assert_eq!(version, V035);
            }
            other => panic!("expected Unsupported, got {other:?}"),
        }
    }
    let streamed = dokku.stream(&command).await;
    assert!(
        matches!(streamed, Err(Error::Unsupported { .. })),
        "stream was not refused"
    );
    verified(&exec);
}

#[tokio::test]
async fn the_gate_lets_through_what_the_host_has() {
    let exec = Arc::new(
        ScriptedExecutor::new().expect_ok(["ps:scale", "node-js-app", "--format", "json"], "[]\n"),
    );
    let command = Command::read("ps:scale")
        .app_arg(&app("node-js-app"))
        .args(["--format", "json"])
        .requires(Requirement::Version(DokkuVersion::new(0, 38, 22)));
    let out = client(&exec, DokkuVersion::new(0, 38, 22))
        .execute(&command)
        .await
        .unwrap();
    assert_eq!(out.stdout, b"[]\n");
    verified(&exec);
}

#[tokio::test]
async fn handlers_never_send_json_flags_an_old_host_rejects() {
    // 0.35 has no `ps:scale --format json`: the handler reads the text.
    let f = Fixture::load("ps/scale-text-0.35.txt");
    let exec = replay(&f);
    let rows = client(&exec, f.version())
        .ps()
        .scale_report(&app("node-js-app"))
        .await
        .unwrap();
    assert_eq!(rows.len(), 3);
    verified(&exec);

    // The JSON builder on a 0.35 host is refused, never sent (if it were,
    // Dokku would exit 2: `apps/list-json-unsupported-0.35.txt`).
    let exec = Arc::new(ScriptedExecutor::new());
    let result = client(&exec, V035)
        .run(&dokku_core::api::apps::list_command(Format::Json))
        .await;
    assert!(
        matches!(result, Err(Error::Unsupported { .. })),
        "{result:?}"
    );
    verified(&exec);
}

// ---------------------------------------------------------------------------
// Unreadable output: Error::Parse names the command and the line
// ---------------------------------------------------------------------------

#[tokio::test]
async fn garbage_in_a_text_report_names_the_command_and_line() {
    let exec = Arc::new(ScriptedExecutor::new().expect_ok(
        ["apps:report"],
        "=====> node-js-app app information\n       App locked: false\nthis is not a report line\n",
    ));
    let err = client(&exec, V038).apps().report_all().await.unwrap_err();
    match &err {
        Error::Parse { command, source } => {
            assert_eq!(command, "dokku apps:report");
            assert_eq!(source.what, "apps:report");
            assert_eq!(source.line, Some(3));
        }
        other => panic!("expected Parse, got {other:?}"),
    }
    let text = err.to_string();
    assert!(text.contains("`dokku apps:report`"), "{text}");
    assert!(text.contains("line 3"), "{text}");
    verified(&exec);
}

#[tokio::test]
async fn garbage_in_line_oriented_outputs_names_the_line() {
    let node = app("node-js-app");

    // apps:list text: a line that is not an app name.
    let exec = Arc::new(
        ScriptedExecutor::new()
            .expect_ok(["apps:list"], "=====> My Apps\nnode-js-app\nNot An App!\n"),
    );
    let err = client(&exec, V035).apps().list().await.unwrap_err();
    assert!(
        matches!(&err, Error::Parse { command, source }
            if command == "dokku apps:list" && source.line == Some(3)),
        "{err:?}"
    );
    verified(&exec);

    // ps:scale text: a quantity that is not a number.
    let exec = Arc::new(ScriptedExecutor::new().expect_ok(
        ["ps:scale", "node-js-app"],
        "-----> Scaling for node-js-app\nproctype: qty\n--------: ---\nweb:  lots\n",
    ));
    let err = client(&exec, V035)
        .ps()
        .scale_report(&node)
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Parse { command, source }
            if command == "dokku ps:scale node-js-app" && source.line == Some(4)),
        "{err:?}"
    );
    verified(&exec);

    // plugin:list text: a state that is neither enabled nor disabled.
    let exec = Arc::new(ScriptedExecutor::new().expect_ok(
        ["plugin:list"],
        "plugn: v0.16.0\n  apps                 0.35.20 enabled    dokku core apps plugin\n  postgres             1.41.0 maybe      dokku postgres service plugin\n",
    ));
    let err = client(&exec, V035).plugins().list().await.unwrap_err();
    assert!(
        matches!(&err, Error::Parse { command, source }
            if command == "dokku plugin:list" && source.line == Some(3)),
        "{err:?}"
    );
    verified(&exec);

    // version: not a version.
    let exec = Arc::new(ScriptedExecutor::new().expect_ok(["version"], "dokku version master\n"));
    let err = client(&exec, V035).version().await.unwrap_err();
    assert!(
        matches!(&err, Error::Parse { command, source }
            if command == "dokku version" && source.line == Some(1)),
        "{err:?}"
    );
    verified(&exec);
}

#[tokio::test]
async fn text_where_json_was_asked_is_read_and_neither_is_a_parse_error_not_a_panic() {
    // A text answer to a JSON question (a plugin that ignores `--format`)
    // is read as the text report it is, not refused.
    let f = Fixture::load("ps/report-text-0.38.txt");
    let exec = replay_as(&["ps:report", "node-js-app", "--format", "json"], &f);
    let report = client(&exec, V038)
        .ps()
        .report(&app("node-js-app"))
        .await
        .unwrap();
    assert_eq!(report.app, Some(app("node-js-app")));
    assert_eq!(report.containers.len(), 2);
    verified(&exec);

    // Neither JSON nor a report: a parse error naming the line.
    let exec = Arc::new(ScriptedExecutor::new().expect_ok(
        ["ps:report", "node-js-app", "--format", "json"],
        "Welcome to the host\n",
    ));
    let err = client(&exec, V038)
        .ps()
        .report(&app("node-js-app"))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Parse { command, source }
            if command == "dokku ps:report node-js-app --format json" && source.line == Some(1)),
        "{err:?}"
    );
    verified(&exec);

    // A report of all apps where one was asked for.
    let f = Fixture::load("apps/report-all-json-0.38.txt");
    let exec = replay_as(&["apps:report", "node-js-app", "--format", "json"], &f);
    let err = client(&exec, V038)
        .apps()
        .report(&app("node-js-app"))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Parse { source, .. } if source.reason.contains("found 3")),
        "{err:?}"
    );
    verified(&exec);
}

#[tokio::test]
async fn ps_inspect_that_is_not_json_is_a_parse_error() {
    let exec =
        Arc::new(ScriptedExecutor::new().expect_ok(["ps:inspect", "node-js-app"], "not json\n"));
    let err = client(&exec, V038)
        .ps()
        .inspect(&app("node-js-app"))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Parse { command, .. } if command == "dokku ps:inspect node-js-app"),
        "{err:?}"
    );
    verified(&exec);
}

// ---------------------------------------------------------------------------
// Transport errors: reads retried once, writes never
// ---------------------------------------------------------------------------

fn io_error() -> ExecError {
    ExecError::Io(std::io::Error::new(
        std::io::ErrorKind::ConnectionReset,
        "reset",
    ))
}

#[tokio::test]
async fn a_read_is_retried_once_on_a_transient_error() {
    let exec = Arc::new(
        ScriptedExecutor::new()
            .expect_error(["apps:exists", "node-js-app"], io_error)
            .expect_ok(["apps:exists", "node-js-app"], ""),
    );
    assert!(client(&exec, V038)
        .apps()
        .exists(&app("node-js-app"))
        .await
        .unwrap());
    verified(&exec);

    // Twice in a row: the second error is reported.
    let exec = Arc::new(
        ScriptedExecutor::new()
            .expect_error(["apps:exists", "node-js-app"], io_error)
            .expect_error(["apps:exists", "node-js-app"], io_error),
    );
    let err = client(&exec, V038)
        .apps()
        .exists(&app("node-js-app"))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    verified(&exec);
}

#[tokio::test]
async fn a_write_is_never_retried() {
    let exec =
        Arc::new(ScriptedExecutor::new().expect_error(["apps:create", "node-js-app"], io_error));
    let err = client(&exec, V038)
        .apps()
        .create(&app("node-js-app"))
        .await
        .unwrap_err();
    match err {
        Error::Transport { command, source } => {
            assert_eq!(command, "dokku apps:create node-js-app");
            assert!(source.is_transient());
        }
        other => panic!("expected Transport, got {other:?}"),
    }
    verified(&exec);
}

#[tokio::test]
async fn a_non_transient_error_is_not_retried_even_for_a_read() {
    let exec = Arc::new(ScriptedExecutor::new().expect_error(["apps:list"], || {
        ExecError::HostKeyChanged {
            host: "dokku.example".to_owned(),
        }
    }));
    let err = client(&exec, V035).apps().list().await.unwrap_err();
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    verified(&exec);
}

#[tokio::test]
async fn a_streamed_lifecycle_command_yields_output_then_exit() {
    let f = Fixture::load("ps/stop-not-deployed.txt");
    let exec = replay(&f);
    let dokku = client(&exec, V038);
    let mut stream = dokku
        .ps()
        .stop(Target::App(app("python-app")))
        .stream()
        .await
        .unwrap();
    let mut chunks = Vec::new();
    while let Some(chunk) = stream.next().await {
        chunks.push(chunk.unwrap());
    }
    assert_eq!(
        chunks,
        [
            dokku_core::Chunk::Stderr(f.stderr.clone().into_bytes()),
            dokku_core::Chunk::Exit(ExitStatus::code(0)),
        ]
    );
    verified(&exec);
}

#[tokio::test]
async fn an_existing_mount_is_dokkus_failure_not_a_taken_app_name() {
    let exec = Arc::new(ScriptedExecutor::new().expect(
        [
            "storage:mount",
            "cap-misc",
            "/var/lib/dokku/data/storage/cap-misc-data:/app/data",
        ],
        // Recorded on 0.38.27 (surface capture 1144).
        Output::new(
            ExitStatus::code(1),
            "",
            " !     Mount path already exists.\n",
        ),
    ));
    let result = client(&exec, V038)
        .storage()
        .mount(
            &app("cap-misc"),
            "/var/lib/dokku/data/storage/cap-misc-data",
            "/app/data",
        )
        .await;
    match result {
        Err(Error::CommandFailed { message, .. }) => {
            assert_eq!(message, "Mount path already exists.");
        }
        other => panic!("expected CommandFailed, got {other:?}"),
    }
    verified(&exec);
}

#[tokio::test]
async fn a_legacy_name_names_an_app_but_never_a_new_one() {
    let exec = Arc::new(ScriptedExecutor::new());
    let dokku = client(&exec, V038);
    let old = AppName::legacy("old_app").unwrap();
    let new = app("new-app");
    for result in [
        dokku.apps().create(&old).await,
        dokku.apps().rename(&new, &old).send().await,
        dokku.apps().clone(&new, &old).send().await.map(drop),
    ] {
        assert!(
            matches!(&result, Err(Error::InvalidArgument { reason, .. }) if reason.contains("old_app")),
            "{result:?}"
        );
    }
    verified(&exec);
}

#[tokio::test]
async fn a_proxy_property_word_is_refused_as_a_proxy_type() {
    let exec = Arc::new(ScriptedExecutor::new());
    let dokku = client(&exec, V038);
    for word in ["proxy-port", "proxy-ssl-port", "type", "disabled"] {
        let result = dokku.proxy().set(&app("api"), word).await;
        assert!(
            matches!(&result, Err(Error::InvalidArgument { reason, .. }) if reason.contains("would unset")),
            "{word}: {result:?}"
        );
    }
    verified(&exec);
}
