//! A state directory keeps one host across executors and processes.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use dokku_core::{AppName, Dokku, Error, ExecError};
use dokku_sim::host::profiles;
use dokku_sim::{PersistentExecutor, SimHost, StateDir};

fn open(dir: &std::path::Path) -> Dokku {
    let state = StateDir::open(dir, || SimHost::new(profiles::V0_38_27)).unwrap();
    Dokku::new(PersistentExecutor::new(state))
}

#[tokio::test]
async fn a_change_made_through_one_executor_is_seen_by_the_next() {
    let dir = tempfile::tempdir().unwrap();
    let app = AppName::new("kept").unwrap();
    open(dir.path()).apps().create(&app).await.unwrap();
    let apps = open(dir.path()).apps().list().await.unwrap();
    assert_eq!(apps, vec![app]);
}

#[tokio::test]
async fn concurrent_creates_lose_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let tasks: Vec<_> = (0..16)
        .map(|i| {
            let dokku = open(dir.path());
            tokio::spawn(async move {
                let app = AppName::new(&format!("app-{i}")).unwrap();
                dokku.apps().create(&app).await.unwrap();
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap();
    }
    assert_eq!(open(dir.path()).apps().list().await.unwrap().len(), 16);
}

#[tokio::test]
async fn a_corrupt_state_file_is_a_transport_error_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("state.json"), b"{not json").unwrap();
    let err = open(dir.path()).apps().list().await.unwrap_err();
    match err {
        Error::Transport {
            source: ExecError::Other(message),
            ..
        } => assert!(message.contains("state.json"), "{message}"),
        other => panic!("expected a transport error, got {other:?}"),
    }
    // The corrupt file is left for the user to inspect, not overwritten.
    assert_eq!(
        std::fs::read(dir.path().join("state.json")).unwrap(),
        b"{not json"
    );
}

#[tokio::test]
async fn a_state_saved_with_process_type_names_only_still_loads() {
    // Before the simulator kept Procfile commands, a state held an app's
    // Procfile as its process type names.
    let mut json = serde_json::to_value(dokku_sim::scenario::demo()).unwrap();
    json["apps"]["api"]["procfile"] = serde_json::json!(["web", "worker", "clock"]);
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("state.json"), json.to_string()).unwrap();

    let dokku = open(dir.path());
    let app = AppName::new("api").unwrap();
    let scale = dokku.ps().scale_report(&app).await.unwrap();
    assert_eq!(scale.len(), 3, "{scale:?}");
    // Without its command, "worker" is the command itself, as when
    // procfile-get-command prints nothing.
    let spec = dokku_core::api::run::RunSpec::new(&app, ["worker"]);
    let name = dokku.one_off().detached(&spec).await.unwrap();
    let listed = dokku.one_off().list(&app).await.unwrap();
    let started = listed.iter().find(|c| c.name == name).unwrap();
    assert_eq!(started.command, "\"/exec worker\"");
}
