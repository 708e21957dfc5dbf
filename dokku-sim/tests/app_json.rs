//! `app-json` end to end, the catalog's worked example: the typed
//! properties and report of dokku-core against the simulator's own
//! description of the plugin (`commands/app_json.rs`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use dokku_core::api::Scope;
use dokku_core::catalog::plugins;
use dokku_core::model::app_json::AppJsonReport;
use dokku_core::{AppName, Dokku};
use dokku_sim::{scenario, SimExecutor};

#[tokio::test]
async fn app_json_round_trips_through_the_typed_api() {
    let dokku = Dokku::new(SimExecutor::new(scenario::demo()));
    let api = AppName::new("api").unwrap();
    let before = dokku.report::<AppJsonReport>().app(&api).await.unwrap();
    assert_eq!(before.appjson_path.effective(), Some("app.json"));

    let props = dokku.properties(&plugins::APP_JSON);
    props
        .set(Scope::Global, "appjson-path", "global.json")
        .await
        .unwrap();
    props
        .set(&api, "appjson-path", "deploy/app.json")
        .await
        .unwrap();
    let api_report = dokku.report::<AppJsonReport>().app(&api).await.unwrap();
    assert_eq!(
        api_report.appjson_path.app.as_deref(),
        Some("deploy/app.json")
    );
    assert_eq!(
        api_report.appjson_path.global.as_deref(),
        Some("global.json")
    );
    assert_eq!(api_report.appjson_path.effective(), Some("deploy/app.json"));

    // Every app in one invocation; the others inherit the global value.
    let all = dokku.report::<AppJsonReport>().all().await.unwrap();
    let blog = all
        .iter()
        .find(|r| r.app.as_ref().is_some_and(|a| a.as_str() == "blog"))
        .unwrap();
    assert_eq!(blog.appjson_path.effective(), Some("global.json"));

    props.unset(&api, "appjson-path").await.unwrap();
    let after = dokku.report::<AppJsonReport>().app(&api).await.unwrap();
    assert_eq!(after.appjson_path.effective(), Some("global.json"));
    let global = dokku.report::<AppJsonReport>().global().await.unwrap();
    assert_eq!(global.appjson_path.global.as_deref(), Some("global.json"));
}
