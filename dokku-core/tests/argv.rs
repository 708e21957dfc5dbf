//! The exact argv of every `apps`, `ps` and `plugin` handler call and of
//! every pure `*_command` builder, and the metadata each command carries
//! (`is_mutating`, `timeout_class`, `app`, requirements).
//!
//! Handlers are driven through `ScriptedExecutor`, which fails on any argv
//! it did not expect, with `verify()` at the end; JSON and text variants are
//! checked on both sides of each version boundary (`--format json` on
//! reports since 0.23, on `apps:list`, `ps:scale` and `plugin:list` since
//! 0.38.22). Calls the SDK refuses (a destroy confirmation that does not
//! match, a process type with `--all`, an empty scale) send nothing.
#![cfg(feature = "test-util")]
// clippy.toml's allow-*-in-tests covers `#[test]` functions only, not the
// helpers of an integration test crate.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::sync::Arc;

use common::Fixture;
use dokku_core::api::ps::Action;
use dokku_core::api::report::{report_command, ReportTarget};
use dokku_core::api::Scope;
use dokku_core::api::{apps, plugin, ps, Format, Target};
use dokku_core::catalog::plugins;
use dokku_core::model::ps::Formation;
use dokku_core::testing::ScriptedExecutor;
use dokku_core::{
    AppName, Capabilities, Command, Dokku, DokkuVersion, Error, ProcessType, Requirement,
    TimeoutClass,
};
use futures_util::StreamExt;

const V022: DokkuVersion = DokkuVersion::new(0, 22, 9);
const V023: DokkuVersion = DokkuVersion::new(0, 23, 0);
const V035: DokkuVersion = DokkuVersion::new(0, 35, 20);
const V03821: DokkuVersion = DokkuVersion::new(0, 38, 21);
const V03822: DokkuVersion = DokkuVersion::new(0, 38, 22);
const V038: DokkuVersion = DokkuVersion::new(0, 38, 27);

fn app(name: &str) -> AppName {
    AppName::new(name).unwrap()
}

fn node() -> AppName {
    app("node-js-app")
}

fn web() -> ProcessType {
    ProcessType::web()
}

fn worker() -> ProcessType {
    ProcessType::new("worker").unwrap()
}

fn stdout(path: &str) -> String {
    Fixture::load(path).stdout
}

/// A client at `version` whose executor expects exactly one command,
/// answering exit 0 with `out`.
fn expect_one(version: DokkuVersion, argv: &[&str], out: &str) -> (Arc<ScriptedExecutor>, Dokku) {
    let exec = Arc::new(ScriptedExecutor::new().expect_ok(argv.iter().copied(), out));
    (exec.clone(), client(&exec, version))
}

/// A client at `version` whose executor expects nothing at all.
fn expect_nothing(version: DokkuVersion) -> (Arc<ScriptedExecutor>, Dokku) {
    let exec = Arc::new(ScriptedExecutor::new());
    (exec.clone(), client(&exec, version))
}

fn client(exec: &Arc<ScriptedExecutor>, version: DokkuVersion) -> Dokku {
    Dokku::from_arc(exec.clone()).with_capabilities(Capabilities::for_version(version))
}

fn verified(exec: &ScriptedExecutor) {
    exec.verify()
        .unwrap_or_else(|problems| panic!("script: {problems}"));
}

// No `T: Debug` bound: an `OutputStream` is not Debug.
fn assert_invalid_argument<T>(result: Result<T, Error>, want_what: &str) {
    match result {
        Err(Error::InvalidArgument { what, reason }) => {
            assert_eq!(what, want_what);
            assert!(!reason.is_empty());
        }
        Err(other) => panic!("expected InvalidArgument, got {other:?}"),
        Ok(_) => panic!("expected InvalidArgument for {want_what}, got Ok"),
    }
}

// ---------------------------------------------------------------------------
// apps handler
// ---------------------------------------------------------------------------

#[tokio::test]
async fn apps_list_is_text_before_0_38_22_and_json_from_it() {
    for version in [V022, V035, V03821] {
        let (exec, dokku) = expect_one(version, &["apps:list"], &stdout("apps/list-text.txt"));
        assert_eq!(dokku.apps().list().await.unwrap().len(), 3, "{version}");
        verified(&exec);
    }
    for version in [V03822, V038] {
        let (exec, dokku) = expect_one(
            version,
            &["apps:list", "--format", "json"],
            &stdout("apps/list-json.txt"),
        );
        assert_eq!(dokku.apps().list().await.unwrap().len(), 3, "{version}");
        verified(&exec);
    }
}

#[tokio::test]
async fn apps_report_is_json_from_0_23() {
    let (exec, dokku) = expect_one(
        V022,
        &["apps:report", "node-js-app"],
        &stdout("apps/report-text-0.35.txt"),
    );
    let report = dokku.apps().report(&node()).await.unwrap();
    assert_eq!(report.app, Some(node()));
    verified(&exec);

    for (version, fixture) in [
        (V023, "apps/report-json-0.35.txt"),
        (V035, "apps/report-json-0.35.txt"),
        (V038, "apps/report-json-0.38.txt"),
    ] {
        let (exec, dokku) = expect_one(
            version,
            &["apps:report", "node-js-app", "--format", "json"],
            &stdout(fixture),
        );
        let report = dokku.apps().report(&node()).await.unwrap();
        assert_eq!(report.app, Some(node()), "{version}");
        verified(&exec);
    }
}

#[tokio::test]
async fn apps_report_all_is_always_text() {
    for (version, fixture) in [
        (V035, "apps/report-all-text-0.35.txt"),
        (V038, "apps/report-all-text-0.38.txt"),
    ] {
        let (exec, dokku) = expect_one(version, &["apps:report"], &stdout(fixture));
        assert_eq!(dokku.apps().report_all().await.unwrap().len(), 3);
        verified(&exec);
    }
}

#[tokio::test]
async fn apps_single_app_commands() {
    for version in [V035, V038] {
        let (exec, dokku) = expect_one(version, &["apps:exists", "node-js-app"], "");
        assert!(dokku.apps().exists(&node()).await.unwrap());
        verified(&exec);

        let (exec, dokku) = expect_one(
            version,
            &["apps:create", "node-js-app"],
            "-----> Creating node-js-app...\n",
        );
        dokku.apps().create(&node()).await.unwrap();
        verified(&exec);

        let (exec, dokku) = expect_one(version, &["apps:destroy", "node-js-app", "--force"], "");
        dokku.apps().destroy(&node(), "node-js-app").await.unwrap();
        verified(&exec);

        let (exec, dokku) = expect_one(version, &["apps:lock", "node-js-app"], "");
        dokku.apps().lock(&node()).await.unwrap();
        verified(&exec);

        let (exec, dokku) = expect_one(version, &["apps:unlock", "node-js-app"], "");
        dokku.apps().unlock(&node()).await.unwrap();
        verified(&exec);

        let (exec, dokku) = expect_one(
            version,
            &["apps:locked", "node-js-app"],
            "Deploy lock exists\n",
        );
        assert!(dokku.apps().locked(&node()).await.unwrap());
        verified(&exec);
    }
}

#[tokio::test]
async fn apps_rename_flags_come_before_the_names() {
    let (old, new) = (app("old-app"), app("new-app"));

    let (exec, dokku) = expect_one(V038, &["apps:rename", "old-app", "new-app"], "");
    dokku.apps().rename(&old, &new).send().await.unwrap();
    verified(&exec);

    let (exec, dokku) = expect_one(
        V038,
        &["apps:rename", "--skip-deploy", "old-app", "new-app"],
        "",
    );
    dokku
        .apps()
        .rename(&old, &new)
        .skip_deploy()
        .send()
        .await
        .unwrap();
    verified(&exec);
}

#[tokio::test]
async fn apps_clone_flags_come_before_the_names() {
    let (old, new) = (app("old-app"), app("new-app"));
    let cases: [(&[&str], bool, bool); 4] = [
        (&["apps:clone", "old-app", "new-app"], false, false),
        (
            &["apps:clone", "--skip-deploy", "old-app", "new-app"],
            true,
            false,
        ),
        (
            &["apps:clone", "--ignore-existing", "old-app", "new-app"],
            false,
            true,
        ),
        (
            &[
                "apps:clone",
                "--skip-deploy",
                "--ignore-existing",
                "old-app",
                "new-app",
            ],
            true,
            true,
        ),
    ];
    for (argv, skip, ignore) in cases {
        let (exec, dokku) = expect_one(V038, argv, "");
        let mut builder = dokku.apps().clone(&old, &new);
        if skip {
            builder = builder.skip_deploy();
        }
        if ignore {
            builder = builder.ignore_existing();
        }
        assert_eq!(builder.command().expose_argv(), argv);
        builder.send().await.unwrap();
        verified(&exec);
    }
}

#[tokio::test]
async fn apps_destroy_with_a_wrong_confirmation_sends_nothing() {
    let (exec, dokku) = expect_nothing(V038);
    for wrong in ["wrong", "", "Node-js-app", "node-js-app ", "node-js"] {
        assert_invalid_argument(dokku.apps().destroy(&node(), wrong).await, "apps:destroy");
    }
    verified(&exec);
}

// ---------------------------------------------------------------------------
// ps handler
// ---------------------------------------------------------------------------

#[tokio::test]
async fn ps_report_is_json_from_0_23() {
    let (exec, dokku) = expect_one(
        V022,
        &["ps:report", "node-js-app"],
        &stdout("ps/report-text-0.35.txt"),
    );
    assert_eq!(dokku.ps().report(&node()).await.unwrap().app, Some(node()));
    verified(&exec);

    for (version, fixture) in [
        (V035, "ps/report-json-0.35.txt"),
        (V038, "ps/report-json-0.38.txt"),
    ] {
        let (exec, dokku) = expect_one(
            version,
            &["ps:report", "node-js-app", "--format", "json"],
            &stdout(fixture),
        );
        let report = dokku.ps().report(&node()).await.unwrap();
        // JSON does not name the app; the handler fills it in.
        assert_eq!(report.app, Some(node()));
        assert_eq!(report.containers.len(), 2);
        verified(&exec);
    }
}

#[tokio::test]
async fn ps_report_all_is_always_text() {
    for (version, fixture) in [
        (V035, "ps/report-all-text-0.35.txt"),
        (V038, "ps/report-all-text-0.38.txt"),
    ] {
        let (exec, dokku) = expect_one(version, &["ps:report"], &stdout(fixture));
        assert_eq!(dokku.ps().report_all().await.unwrap().len(), 3);
        verified(&exec);
    }
}

#[tokio::test]
async fn ps_scale_report_is_text_before_0_38_22_and_json_from_it() {
    for (version, fixture) in [
        (V035, "ps/scale-text-0.35.txt"),
        (V03821, "ps/scale-text.txt"),
    ] {
        let (exec, dokku) = expect_one(version, &["ps:scale", "node-js-app"], &stdout(fixture));
        assert!(!dokku.ps().scale_report(&node()).await.unwrap().is_empty());
        verified(&exec);
    }
    for version in [V03822, V038] {
        let (exec, dokku) = expect_one(
            version,
            &["ps:scale", "node-js-app", "--format", "json"],
            &stdout("ps/scale-json.txt"),
        );
        assert_eq!(dokku.ps().scale_report(&node()).await.unwrap().len(), 2);
        verified(&exec);
    }
}

#[tokio::test]
async fn ps_scale_sets_the_formation_in_order() {
    for version in [V035, V038] {
        let (exec, dokku) = expect_one(
            version,
            &[
                "ps:scale",
                "--skip-deploy",
                "node-js-app",
                "web=2",
                "worker=1",
            ],
            "",
        );
        dokku
            .ps()
            .scale(&node())
            .process(web(), 2)
            .process(worker(), 1)
            .skip_deploy()
            .send()
            .await
            .unwrap();
        verified(&exec);
    }

    let (exec, dokku) = expect_one(V038, &["ps:scale", "node-js-app", "worker=0"], "");
    dokku
        .ps()
        .scale(&node())
        .process(worker(), 0)
        .send()
        .await
        .unwrap();
    verified(&exec);

    // Streaming sends the same argv.
    let (exec, dokku) = expect_one(
        V038,
        &["ps:scale", "node-js-app", "web=3"],
        "-----> Scaling node-js-app processes: web=3\n",
    );
    let chunks: Vec<_> = dokku
        .ps()
        .scale(&node())
        .process(web(), 3)
        .stream()
        .await
        .unwrap()
        .collect()
        .await;
    assert_eq!(chunks.len(), 2);
    verified(&exec);
}

#[tokio::test]
async fn ps_scale_without_a_process_sends_nothing() {
    let (exec, dokku) = expect_nothing(V038);
    assert_invalid_argument(dokku.ps().scale(&node()).command(), "ps:scale");
    assert_invalid_argument(dokku.ps().scale(&node()).send().await, "ps:scale");
    assert_invalid_argument(
        dokku.ps().scale(&node()).skip_deploy().stream().await,
        "ps:scale",
    );
    verified(&exec);
}

#[tokio::test]
async fn ps_lifecycle_commands_for_one_app() {
    let node = node();
    for (action, sub) in [
        (Action::Start, "ps:start"),
        (Action::Stop, "ps:stop"),
        (Action::Restart, "ps:restart"),
        (Action::Rebuild, "ps:rebuild"),
        (Action::Restore, "ps:restore"),
    ] {
        assert_eq!(action.subcommand(), sub);
        let (exec, dokku) = expect_one(V038, &[sub, "node-js-app"], "");
        let ps = dokku.ps();
        let builder = match action {
            Action::Start => ps.start(&node),
            Action::Stop => ps.stop(&node),
            Action::Restart => ps.restart(&node),
            Action::Rebuild => ps.rebuild(&node),
            Action::Restore => ps.restore(&node),
            _ => unreachable!(),
        };
        builder.send().await.unwrap();
        verified(&exec);
    }
}

#[tokio::test]
async fn ps_lifecycle_commands_for_all_apps_with_parallel() {
    let (exec, dokku) = expect_one(V038, &["ps:restart", "--parallel", "4", "--all"], "");
    dokku
        .ps()
        .restart(Target::All)
        .parallel(4)
        .send()
        .await
        .unwrap();
    verified(&exec);

    let (exec, dokku) = expect_one(V038, &["ps:rebuild", "--parallel", "-1", "--all"], "");
    dokku
        .ps()
        .rebuild(Target::All)
        .parallel(-1)
        .send()
        .await
        .unwrap();
    verified(&exec);

    for (sub, call) in [("ps:start", 0), ("ps:stop", 1), ("ps:restore", 2)] {
        let (exec, dokku) = expect_one(V035, &[sub, "--all"], "");
        let ps = dokku.ps();
        let builder = match call {
            0 => ps.start(Target::All),
            1 => ps.stop(Target::All),
            _ => ps.restore(Target::All),
        };
        builder.send().await.unwrap();
        verified(&exec);
    }

    // --parallel 0 is Dokku's serial default, and is passed as given.
    let (exec, dokku) = expect_one(V038, &["ps:stop", "--parallel", "0", "--all"], "");
    dokku
        .ps()
        .stop(Target::All)
        .parallel(0)
        .send()
        .await
        .unwrap();
    verified(&exec);
}

#[tokio::test]
async fn ps_restart_of_one_process_type() {
    let n = node();
    let (exec, dokku) = expect_one(V038, &["ps:restart", "node-js-app", "web"], "");
    dokku.ps().restart(&n).process(web()).send().await.unwrap();
    verified(&exec);

    // Owned app names convert into a target too; streaming sends the same argv.
    let (exec, dokku) = expect_one(V038, &["ps:restart", "node-js-app", "worker"], "ok\n");
    let chunks: Vec<_> = dokku
        .ps()
        .restart(node())
        .process(worker())
        .stream()
        .await
        .unwrap()
        .collect()
        .await;
    assert_eq!(chunks.len(), 2);
    verified(&exec);
}

#[tokio::test]
async fn ps_refused_lifecycle_combinations_send_nothing() {
    let n = node();
    let (exec, dokku) = expect_nothing(V038);
    let ps = dokku.ps();
    // Dokku itself rejects --all with a process name.
    assert_invalid_argument(
        ps.restart(Target::All).process(web()).send().await,
        "ps:restart",
    );
    assert_invalid_argument(
        ps.restart(Target::All).process(web()).command(),
        "ps:restart",
    );
    assert_invalid_argument(
        ps.restart(Target::All)
            .parallel(2)
            .process(web())
            .stream()
            .await,
        "ps:restart",
    );
    // Only restart takes a process type.
    assert_invalid_argument(ps.stop(&n).process(web()).send().await, "ps:stop");
    assert_invalid_argument(ps.start(&n).process(web()).send().await, "ps:start");
    assert_invalid_argument(ps.rebuild(&n).process(web()).send().await, "ps:rebuild");
    assert_invalid_argument(ps.restore(&n).process(web()).send().await, "ps:restore");
    // --parallel below -1 is invalid in Dokku.
    assert_invalid_argument(
        ps.restart(Target::All).parallel(-2).send().await,
        "ps:restart",
    );
    verified(&exec);
}

#[tokio::test]
async fn ps_set_and_unset() {
    let (exec, dokku) = expect_one(
        V038,
        &["ps:set", "--global", "restart-policy", "always"],
        "",
    );
    dokku
        .properties(&plugins::PS)
        .set(Scope::Global, "restart-policy", "always")
        .await
        .unwrap();
    verified(&exec);

    let (exec, dokku) = expect_one(
        V038,
        &["ps:set", "node-js-app", "procfile-path", "Procfile.dev"],
        "",
    );
    dokku
        .properties(&plugins::PS)
        .set(&node(), "procfile-path", "Procfile.dev")
        .await
        .unwrap();
    verified(&exec);

    let (exec, dokku) = expect_one(V038, &["ps:set", "node-js-app", "procfile-path"], "");
    dokku
        .properties(&plugins::PS)
        .unset(&node(), "procfile-path")
        .await
        .unwrap();
    verified(&exec);

    let (exec, dokku) = expect_one(V038, &["ps:set", "--global", "stop-timeout-seconds"], "");
    dokku
        .properties(&plugins::PS)
        .unset(Scope::Global, "stop-timeout-seconds")
        .await
        .unwrap();
    verified(&exec);

    // A value with spaces is one argument.
    let (exec, dokku) = expect_one(
        V038,
        &["ps:set", "node-js-app", "start-cmd", "bin/run --port 5000"],
        "",
    );
    dokku
        .properties(&plugins::PS)
        .set(&node(), "start-cmd", "bin/run --port 5000")
        .await
        .unwrap();
    verified(&exec);
}

#[tokio::test]
async fn ps_inspect() {
    let (exec, dokku) = expect_one(
        V038,
        &["ps:inspect", "node-js-app"],
        "[\n    {\n        \"Id\": \"5f2a8c3d9b1\"\n    }\n]\n",
    );
    let containers = dokku.ps().inspect(&node()).await.unwrap();
    assert_eq!(containers.len(), 1);
    assert_eq!(containers[0]["Id"], "5f2a8c3d9b1");
    verified(&exec);
}

// ---------------------------------------------------------------------------
// plugin handler and version
// ---------------------------------------------------------------------------

#[tokio::test]
async fn plugin_list_is_text_before_0_38_22_and_json_from_it() {
    for version in [V035, V03821] {
        let (exec, dokku) = expect_one(
            version,
            &["plugin:list"],
            &stdout("plugin/list-text-0.35.txt"),
        );
        assert_eq!(dokku.plugins().list().await.unwrap().len(), 16);
        verified(&exec);
    }
    for version in [V03822, V038] {
        let (exec, dokku) = expect_one(
            version,
            &["plugin:list", "--format", "json"],
            &stdout("plugin/list-json-0.38.txt"),
        );
        assert_eq!(dokku.plugins().list().await.unwrap().len(), 16);
        verified(&exec);
    }
}

#[tokio::test]
async fn plugin_installed_reads_the_cached_capabilities_and_sends_nothing() {
    let (exec, dokku) = expect_nothing(V038);
    // Capabilities::for_version knows no plugins.
    assert!(!dokku.plugins().installed("postgres").await.unwrap());
    verified(&exec);
}

#[tokio::test]
async fn version_sends_version_not_dash_dash_version() {
    let (exec, dokku) = expect_one(V038, &["version"], &stdout("version/version-0.38.txt"));
    assert_eq!(dokku.version().await.unwrap(), V038);
    verified(&exec);
}

// ---------------------------------------------------------------------------
// Pure builders: argv and metadata
// ---------------------------------------------------------------------------

struct Expect {
    command: Command,
    argv: &'static [&'static str],
    mutating: bool,
    timeout: TimeoutClass,
    app: Option<&'static str>,
    requires: Vec<Requirement>,
}

fn read(command: Command, argv: &'static [&'static str], app: Option<&'static str>) -> Expect {
    Expect {
        command,
        argv,
        mutating: false,
        timeout: TimeoutClass::Bounded,
        app,
        requires: Vec::new(),
    }
}

fn write(command: Command, argv: &'static [&'static str], app: Option<&'static str>) -> Expect {
    Expect {
        command,
        argv,
        mutating: true,
        timeout: TimeoutClass::Bounded,
        app,
        requires: Vec::new(),
    }
}

fn long(command: Command, argv: &'static [&'static str], app: Option<&'static str>) -> Expect {
    Expect {
        timeout: TimeoutClass::LongRunning,
        ..write(command, argv, app)
    }
}

/// A read that may take long: an all-apps report, which Dokku loops
/// over every app to print.
fn long_read(command: Command, argv: &'static [&'static str]) -> Expect {
    Expect {
        timeout: TimeoutClass::LongRunning,
        ..read(command, argv, None)
    }
}

fn needs(mut e: Expect, version: DokkuVersion) -> Expect {
    e.requires.push(Requirement::Version(version));
    e
}

fn check(cases: Vec<Expect>) {
    for e in cases {
        let c = &e.command;
        let name = c.to_string();
        assert_eq!(c.expose_argv(), e.argv, "{name}");
        assert_eq!(c.redacted_argv(), e.argv, "{name}: no secrets here");
        assert!(!c.has_secrets(), "{name}");
        assert!(c.stdin_bytes().is_none(), "{name}");
        assert!(!c.output_is_secret(), "{name}");
        assert_eq!(c.subcommand(), e.argv[0], "{name}");
        assert_eq!(c.is_mutating(), e.mutating, "{name}: is_mutating");
        assert_eq!(c.timeout_class(), e.timeout, "{name}: timeout_class");
        assert_eq!(c.app().map(AppName::as_str), e.app, "{name}: app");
        assert_eq!(c.requirements(), e.requires.as_slice(), "{name}: requires");
        assert_eq!(name, format!("dokku {}", e.argv.join(" ")));
    }
}

#[test]
fn apps_command_builders() {
    let (n, old, new) = (node(), app("old-app"), app("new-app"));
    check(vec![
        read(apps::list_command(Format::Text), &["apps:list"], None),
        needs(
            read(
                apps::list_command(Format::Json),
                &["apps:list", "--format", "json"],
                None,
            ),
            V03822,
        ),
        read(
            apps::exists_command(&n),
            &["apps:exists", "node-js-app"],
            Some("node-js-app"),
        ),
        write(
            apps::create_command(&n),
            &["apps:create", "node-js-app"],
            Some("node-js-app"),
        ),
        long(
            apps::destroy_command(&n),
            &["apps:destroy", "node-js-app", "--force"],
            Some("node-js-app"),
        ),
        long(
            apps::rename_command(&old, &new, false),
            &["apps:rename", "old-app", "new-app"],
            Some("old-app"),
        ),
        long(
            apps::rename_command(&old, &new, true),
            &["apps:rename", "--skip-deploy", "old-app", "new-app"],
            Some("old-app"),
        ),
        long(
            apps::clone_command(&old, &new, false, false),
            &["apps:clone", "old-app", "new-app"],
            Some("old-app"),
        ),
        long(
            apps::clone_command(&old, &new, true, true),
            &[
                "apps:clone",
                "--skip-deploy",
                "--ignore-existing",
                "old-app",
                "new-app",
            ],
            Some("old-app"),
        ),
        write(
            apps::lock_command(&n),
            &["apps:lock", "node-js-app"],
            Some("node-js-app"),
        ),
        write(
            apps::unlock_command(&n),
            &["apps:unlock", "node-js-app"],
            Some("node-js-app"),
        ),
        read(
            apps::locked_command(&n),
            &["apps:locked", "node-js-app"],
            Some("node-js-app"),
        ),
        read(
            report_command(&plugins::APPS, &ReportTarget::App(n.clone()), Format::Text).unwrap(),
            &["apps:report", "node-js-app"],
            Some("node-js-app"),
        ),
        needs(
            read(
                report_command(&plugins::APPS, &ReportTarget::App(n.clone()), Format::Json)
                    .unwrap(),
                &["apps:report", "node-js-app", "--format", "json"],
                Some("node-js-app"),
            ),
            V023,
        ),
        long_read(
            report_command(&plugins::APPS, &ReportTarget::All, Format::Text).unwrap(),
            &["apps:report"],
        ),
    ]);
}

/// The ps properties' pure command builder (no host needed).
fn dokku_ps_props() -> dokku_core::api::properties::Properties<'static> {
    static DOKKU: std::sync::OnceLock<Dokku> = std::sync::OnceLock::new();
    DOKKU
        .get_or_init(|| Dokku::new(ScriptedExecutor::new()))
        .properties(&plugins::PS)
}

#[test]
fn ps_command_builders() {
    let n = node();
    let formation = [
        Formation {
            process_type: web(),
            quantity: 2,
        },
        Formation {
            process_type: worker(),
            quantity: 1,
        },
    ];
    check(vec![
        read(
            report_command(&plugins::PS, &ReportTarget::App(n.clone()), Format::Text).unwrap(),
            &["ps:report", "node-js-app"],
            Some("node-js-app"),
        ),
        needs(
            read(
                report_command(&plugins::PS, &ReportTarget::App(n.clone()), Format::Json).unwrap(),
                &["ps:report", "node-js-app", "--format", "json"],
                Some("node-js-app"),
            ),
            V023,
        ),
        long_read(
            report_command(&plugins::PS, &ReportTarget::All, Format::Text).unwrap(),
            &["ps:report"],
        ),
        read(
            ps::scale_report_command(&n, Format::Text),
            &["ps:scale", "node-js-app"],
            Some("node-js-app"),
        ),
        needs(
            read(
                ps::scale_report_command(&n, Format::Json),
                &["ps:scale", "node-js-app", "--format", "json"],
                Some("node-js-app"),
            ),
            V03822,
        ),
        long(
            ps::scale_command(&n, &formation, false),
            &["ps:scale", "node-js-app", "web=2", "worker=1"],
            Some("node-js-app"),
        ),
        long(
            ps::scale_command(&n, &formation, true),
            &[
                "ps:scale",
                "--skip-deploy",
                "node-js-app",
                "web=2",
                "worker=1",
            ],
            Some("node-js-app"),
        ),
        read(
            ps::inspect_command(&n),
            &["ps:inspect", "node-js-app"],
            Some("node-js-app"),
        ),
        write(
            dokku_ps_props()
                .command(&Scope::App(n.clone()), "restart-policy", Some("no"))
                .unwrap(),
            &["ps:set", "node-js-app", "restart-policy", "no"],
            Some("node-js-app"),
        ),
        write(
            dokku_ps_props()
                .command(&Scope::Global, "restart-policy", Some("always"))
                .unwrap(),
            &["ps:set", "--global", "restart-policy", "always"],
            None,
        ),
        needs(
            write(
                dokku_ps_props()
                    .command(&Scope::App(n.clone()), "skip-deploy", None)
                    .unwrap(),
                &["ps:set", "node-js-app", "skip-deploy"],
                Some("node-js-app"),
            ),
            DokkuVersion::new(0, 38, 8),
        ),
        long(
            ps::action_command(Action::Restart, &Target::All, Some(4), None).unwrap(),
            &["ps:restart", "--parallel", "4", "--all"],
            None,
        ),
        long(
            ps::action_command(Action::Restart, &Target::App(n.clone()), None, Some(&web()))
                .unwrap(),
            &["ps:restart", "node-js-app", "web"],
            Some("node-js-app"),
        ),
        long(
            ps::action_command(Action::Stop, &Target::from(&n), None, None).unwrap(),
            &["ps:stop", "node-js-app"],
            Some("node-js-app"),
        ),
        long(
            ps::action_command(Action::Start, &Target::from(n.clone()), None, None).unwrap(),
            &["ps:start", "node-js-app"],
            Some("node-js-app"),
        ),
        long(
            ps::action_command(Action::Start, &Target::All, Some(-1), None).unwrap(),
            &["ps:start", "--parallel", "-1", "--all"],
            None,
        ),
        long(
            ps::action_command(Action::Rebuild, &Target::All, None, None).unwrap(),
            &["ps:rebuild", "--all"],
            None,
        ),
        long(
            ps::action_command(Action::Restore, &Target::All, Some(0), None).unwrap(),
            &["ps:restore", "--parallel", "0", "--all"],
            None,
        ),
    ]);
}

#[test]
fn ps_action_command_refusals() {
    let n = node();
    assert_invalid_argument(
        ps::action_command(Action::Restart, &Target::All, None, Some(&web())),
        "ps:restart",
    );
    for action in [
        Action::Start,
        Action::Stop,
        Action::Rebuild,
        Action::Restore,
    ] {
        assert_invalid_argument(
            ps::action_command(action, &Target::App(n.clone()), None, Some(&web())),
            action.subcommand(),
        );
    }
    assert_invalid_argument(
        ps::action_command(Action::Stop, &Target::All, Some(-2), None),
        "ps:stop",
    );
    assert_invalid_argument(
        ps::action_command(Action::Restart, &Target::All, Some(i32::MIN), None),
        "ps:restart",
    );
}

/// The catalog's ps properties are the ones Dokku 0.38.27 lists when
/// refusing an unknown one (recorded: `ps:set cap-fresh bogus-property x`).
#[test]
fn ps_properties_are_the_ones_dokku_names() {
    let mut keys: Vec<&str> = plugins::PS.properties.iter().map(|p| p.key).collect();
    keys.sort_unstable();
    assert_eq!(
        keys.join(", "),
        "dockerfile-start-cmd, procfile-path, restart-policy, restore, skip-deploy, start-cmd, stop-timeout-seconds"
    );
}

#[test]
fn plugin_list_command_by_version() {
    let text = plugin::list_command(&Capabilities::for_version(V03821));
    check(vec![
        read(text, &["plugin:list"], None),
        needs(
            read(
                plugin::list_command(&Capabilities::for_version(V03822)),
                &["plugin:list", "--format", "json"],
                None,
            ),
            V03822,
        ),
    ]);
}

#[test]
fn builders_from_handlers_match_the_pure_builders() {
    let exec = Arc::new(ScriptedExecutor::new());
    let dokku = client(&exec, V038);
    let (old, new) = (app("old-app"), app("new-app"));
    assert_eq!(
        dokku.apps().rename(&old, &new).skip_deploy().command(),
        apps::rename_command(&old, &new, true)
    );
    assert_eq!(
        dokku.apps().clone(&old, &new).ignore_existing().command(),
        apps::clone_command(&old, &new, false, true)
    );
    assert_eq!(
        dokku
            .ps()
            .scale(&node())
            .process(web(), 1)
            .command()
            .unwrap(),
        ps::scale_command(
            &node(),
            &[Formation {
                process_type: web(),
                quantity: 1
            }],
            false
        )
    );
    assert_eq!(
        dokku
            .ps()
            .restart(Target::All)
            .parallel(3)
            .command()
            .unwrap(),
        ps::action_command(Action::Restart, &Target::All, Some(3), None).unwrap()
    );
    verified(&exec);
}
