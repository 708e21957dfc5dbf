//! The less common subcommands: `apps:set`, `ps:report --global`,
//! `domains:reset`, `config:bundle`, `logs:report` and `logs:set`: argv,
//! metadata, parsing of their fixtures, and that secrets stay secret.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::Fixture;
use dokku_core::api::{self, Scope};
use dokku_core::catalog::plugins;
use dokku_core::model::logs::LogsReport;
use dokku_core::testing::ScriptedExecutor;
use dokku_core::{AppName, Capabilities, Dokku, DokkuVersion, Error, Output};

fn app() -> AppName {
    AppName::new("node-js-app").unwrap()
}

fn client(
    version: DokkuVersion,
    exec: ScriptedExecutor,
) -> (Dokku, std::sync::Arc<ScriptedExecutor>) {
    let exec = std::sync::Arc::new(exec);
    let dokku = Dokku::from_arc(exec.clone()).with_capabilities(Capabilities::for_version(version));
    (dokku, exec)
}

const V38: DokkuVersion = DokkuVersion::new(0, 38, 27);
const V35: DokkuVersion = DokkuVersion::new(0, 35, 20);

fn fixture(path: &str) -> Output {
    Fixture::load(path).output()
}

#[tokio::test]
async fn apps_set_global_property() {
    let (dokku, exec) = client(
        V38,
        ScriptedExecutor::new()
            .expect_ok(["apps:set", "--global", "disable-autocreation", "true"], "")
            .expect_ok(["apps:set", "--global", "disable-autocreation"], ""),
    );
    let apps = dokku.properties(&plugins::APPS);
    apps.set(Scope::Global, "disable-autocreation", "true")
        .await
        .unwrap();
    apps.unset(Scope::Global, "disable-autocreation")
        .await
        .unwrap();
    exec.verify().unwrap();
    let cmd = apps
        .command(&Scope::Global, "disable-autocreation", Some("true"))
        .unwrap();
    assert!(cmd.is_mutating());
}

#[tokio::test]
async fn apps_set_is_refused_before_0_38() {
    let (dokku, exec) = client(V35, ScriptedExecutor::new());
    let err = dokku
        .properties(&plugins::APPS)
        .set(Scope::Global, "disable-autocreation", "true")
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Unsupported { .. }), "{err}");
    exec.verify().unwrap();
}

#[tokio::test]
async fn ps_report_global() {
    let (dokku, exec) = client(
        V38,
        ScriptedExecutor::new().expect(
            ["ps:report", "--global", "--format", "json"],
            fixture("ps/report-global-json-0.38.txt"),
        ),
    );
    let global = dokku.ps().report_global().await.unwrap();
    assert_eq!(global.restart_policy.effective(), Some("on-failure:10"));
    assert_eq!(global.procfile_path.effective(), Some("Procfile"));
    exec.verify().unwrap();

    let (dokku, exec) = client(V35, ScriptedExecutor::new());
    assert!(matches!(
        dokku.ps().report_global().await.unwrap_err(),
        Error::Unsupported { .. }
    ));
    exec.verify().unwrap();
}

#[tokio::test]
async fn domains_reset() {
    let (dokku, exec) = client(
        V38,
        ScriptedExecutor::new().expect_ok(["domains:reset", "node-js-app"], ""),
    );
    dokku.domains().reset(&app()).await.unwrap();
    exec.verify().unwrap();
}

#[tokio::test]
async fn config_bundle_is_secret_bytes() {
    let tar = b"DATABASE_URL\0\0\0postgres://u:pw@h/db".to_vec();
    let (dokku, exec) = client(
        V38,
        ScriptedExecutor::new().expect(
            ["config:bundle", "node-js-app"],
            Output::new(dokku_core::ExitStatus::code(0), tar.clone(), ""),
        ),
    );
    let bundle = dokku.config().bundle(&app()).await.unwrap();
    assert_eq!(bundle.expose(), tar.as_slice());
    assert_eq!(
        format!("{bundle:?}"),
        format!("SecretBytes({} bytes)", tar.len())
    );
    exec.verify().unwrap();
    assert!(api::config::bundle_command(&Scope::Global, true).output_is_secret());
}

#[tokio::test]
async fn logs_report_redacts_sinks_and_vector_sink_reads_the_real_one() {
    let (dokku, exec) = client(
        V38,
        ScriptedExecutor::new()
            .expect(
                ["logs:report", "node-js-app"],
                fixture("logs/report-text-0.38.txt"),
            )
            .expect(
                ["logs:report", "node-js-app", "--logs-vector-sink"],
                fixture("logs/report-vector-sink-flag.txt"),
            ),
    );
    let report = dokku.logs().report(&app()).await.unwrap();
    assert_eq!(report.app, Some(app()));
    assert_eq!(report.max_size.app.as_deref(), Some("50m"));
    // Dokku's computed value is the app's own when it has one.
    assert_eq!(report.max_size.computed.as_deref(), Some("50m"));
    assert_eq!(
        report.vector_sink.app.as_deref(),
        Some("datadog_logs://redacted")
    );
    assert!(report.raw.values().all(|v| !v.contains("api_key")));

    let sink = dokku.logs().vector_sink(&app()).await.unwrap().unwrap();
    assert_eq!(
        sink.expose(),
        "datadog_logs://?api_key=s3cr3tkey&site=datadoghq.eu"
    );
    let flag = dokku
        .report::<LogsReport>()
        .flag_command(&Scope::App(app()), "logs-vector-sink")
        .unwrap();
    assert_eq!(
        flag.redacted_argv(),
        ["logs:report", "node-js-app", "--logs-vector-sink"]
    );
    assert!(flag.output_is_secret());
    exec.verify().unwrap();
}

#[tokio::test]
async fn logs_set_sends_sinks_as_secrets() {
    let dsn = "datadog_logs://?api_key=s3cr3tkey";
    let (dokku, exec) = client(
        V38,
        ScriptedExecutor::new()
            .expect(
                ["logs:set", "--global", "vector-sink", dsn],
                fixture("logs/logs-set-vector-sink.txt"),
            )
            .expect_ok(["logs:set", "node-js-app", "max-size", "50m"], "")
            .expect_ok(["logs:set", "node-js-app", "max-size"], ""),
    );
    let logs = dokku.properties(&plugins::LOGS);
    logs.set(Scope::Global, "vector-sink", dsn).await.unwrap();
    logs.set(&app(), "max-size", "50m").await.unwrap();
    logs.unset(&app(), "max-size").await.unwrap();
    exec.verify().unwrap();

    let cmd = logs
        .command(&Scope::Global, "vector-sink", Some(dsn))
        .unwrap();
    assert_eq!(cmd.to_string(), "dokku logs:set --global vector-sink ***");
    assert!(cmd.output_is_secret());
    assert!(!format!("{cmd:?}").contains("s3cr3t"));
    let plain = logs
        .command(&Scope::App(app()), "max-size", Some("50m"))
        .unwrap();
    assert_eq!(plain.to_string(), "dokku logs:set node-js-app max-size 50m");
    assert!(!plain.output_is_secret());
}
