//! `app-json`, the catalog's worked example (`docs/catalog.md`): one entry
//! and one typed struct give it a typed report (one app, every app,
//! `--global`, an info flag), checked properties and the error paths, on
//! recordings of a real Dokku 0.38.27.
#![cfg(feature = "test-util")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::sync::Arc;

use common::Fixture;
use dokku_core::api::report::Report;
use dokku_core::api::Scope;
use dokku_core::catalog::plugins;
use dokku_core::model::app_json::AppJsonReport;
use dokku_core::testing::ScriptedExecutor;
use dokku_core::{AppName, Capabilities, Dokku, DokkuVersion, Error, ExitStatus, Output};

fn one(path: &str) -> AppJsonReport {
    let reports = AppJsonReport::from_output(&Fixture::load(path).stdout).unwrap();
    assert_eq!(reports.len(), 1, "{path}");
    reports.into_iter().next().unwrap()
}

fn client(exec: &Arc<ScriptedExecutor>) -> Dokku {
    Dokku::from_arc(exec.clone())
        .with_capabilities(Capabilities::for_version(DokkuVersion::new(0, 38, 27)))
}

fn answer(path: &str) -> Output {
    let f = Fixture::load(path);
    Output::new(ExitStatus::code(f.exit), f.stdout, f.stderr)
}

#[test]
fn recorded_text_and_json_decode_to_the_same_property() {
    let text = one("app-json/report-text-0.38.txt");
    let json = one("app-json/report-json-0.38.txt");
    assert_eq!(text.app.as_ref().map(AppName::as_str), Some("node-js-app"));
    for report in [&text, &json] {
        assert_eq!(report.appjson_path.app, None);
        assert_eq!(report.appjson_path.global, None);
        assert_eq!(report.appjson_path.effective(), Some("app.json"));
    }
    let set = one("app-json/report-json-set-0.38.txt");
    assert_eq!(set.appjson_path.app.as_deref(), Some("app2.json"));
    assert_eq!(set.appjson_path.effective(), Some("app2.json"));
    // The raw map keeps every key as printed.
    assert_eq!(
        json.raw
            .get("app-json-computed-appjson-path")
            .map(String::as_str),
        Some("app.json")
    );
}

#[test]
fn the_global_report_has_no_app() {
    for path in [
        "app-json/report-global-text-0.38.txt",
        "app-json/report-global-json-0.38.txt",
    ] {
        let global = one(path);
        assert_eq!(global.app, None, "{path}");
        assert_eq!(global.appjson_path.effective(), Some("app.json"), "{path}");
    }
}

#[tokio::test]
async fn the_generic_handler_reads_one_app_every_app_global_and_a_flag() {
    let exec = Arc::new(
        ScriptedExecutor::new()
            .expect(
                ["app-json:report", "node-js-app", "--format", "json"],
                answer("app-json/report-json-0.38.txt"),
            )
            .expect(["app-json:report"], answer("app-json/report-text-0.38.txt"))
            .expect(
                ["app-json:report", "--global", "--format", "json"],
                answer("app-json/report-global-json-0.38.txt"),
            )
            .expect(
                ["app-json:report", "cap-props", "--app-json-appjson-path"],
                answer("app-json/report-flag-0.38.txt"),
            ),
    );
    let dokku = client(&exec);
    let reports = dokku.report::<AppJsonReport>();
    let app = AppName::new("node-js-app").unwrap();
    let report = reports.app(&app).await.unwrap();
    assert_eq!(report.app.as_ref(), Some(&app), "the request names the app");
    assert_eq!(reports.all().await.unwrap().len(), 1);
    assert_eq!(reports.global().await.unwrap().app, None);
    let flag = reports
        .flag(&AppName::new("cap-props").unwrap(), "app-json-appjson-path")
        .await
        .unwrap();
    assert_eq!(flag, "app2.json");
    exec.verify().unwrap();
}

#[tokio::test]
async fn properties_are_checked_before_sending_and_dokkus_refusal_is_typed() {
    let exec = Arc::new(
        ScriptedExecutor::new()
            .expect_ok(
                ["app-json:set", "cap-props", "appjson-path", "app2.json"],
                "=====> Setting appjson-path to app2.json\n",
            )
            .expect_ok(
                ["app-json:set", "--global", "appjson-path"],
                "=====> Unsetting appjson-path\n",
            ),
    );
    let dokku = client(&exec);
    let props = dokku.properties(&plugins::APP_JSON);
    let app = AppName::new("cap-props").unwrap();
    props.set(&app, "appjson-path", "app2.json").await.unwrap();
    props.unset(Scope::Global, "appjson-path").await.unwrap();
    // Refused before anything is sent: no expectation is consumed.
    let unknown = props.set(&app, "bogus-property", "x").await.unwrap_err();
    assert!(
        matches!(unknown, Error::InvalidArgument { .. }),
        "{unknown}"
    );
    assert!(unknown.to_string().contains("appjson-path"), "{unknown}");
    let empty = props.set(&app, "appjson-path", "").await.unwrap_err();
    assert!(matches!(empty, Error::InvalidArgument { .. }), "{empty}");
    exec.verify().unwrap();

    // Dokku's own refusal (recorded) is a classified failure.
    let exec = Arc::new(ScriptedExecutor::new().expect(
        ["app-json:report", "cap-fresh", "--bogus-flag"],
        answer("app-json/report-invalid-flag-0.38.txt"),
    ));
    let err = client(&exec)
        .report::<AppJsonReport>()
        .flag(&AppName::new("cap-fresh").unwrap(), "bogus-flag")
        .await
        .unwrap_err();
    match err {
        Error::CommandFailed { message, .. } => {
            assert!(message.starts_with("Invalid flag passed"), "{message}")
        }
        other => panic!("{other}"),
    }
}
