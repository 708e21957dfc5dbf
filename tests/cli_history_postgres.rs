//! The CLI on the shared PostgreSQL history: `history migrate` copies the
//! local file's trail into an empty PostgreSQL history and verifies it;
//! `--history postgres://…` then records there and reads from there.
//! The server is dokku-history's throwaway test server; without one this
//! fails when `CI=true` and skips loudly otherwise.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod cli_support;

use cli_support::{history_rows, subcommands, Demo};
use dokku_history::testing::TempPostgres;
use serde_json::Value;

fn fresh_history_url() -> Option<String> {
    let server = match TempPostgres::shared() {
        Ok(server) => server,
        Err(e) if std::env::var("CI").as_deref() == Ok("true") => {
            panic!("PostgreSQL is unavailable in CI: {e}")
        }
        Err(e) => {
            eprintln!("\n!!! SKIPPING the CLI's PostgreSQL history test: {e} !!!\n");
            return None;
        }
    };
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    Some(rt.block_on(server.fresh_url()).unwrap())
}

#[test]
fn a_local_history_migrates_into_postgres_and_the_cli_goes_on_recording_there() {
    let Some(url) = fresh_history_url() else {
        return;
    };
    let demo = Demo::new();
    demo.cli()
        .args(["apps", "create", "shop-pg"])
        .assert()
        .success();
    demo.cli().args(["apps", "list"]).assert().success();
    let local = demo.history_rows();
    let n = local.len();
    assert!(subcommands(&local).contains(&"apps:create".to_owned()));

    // Into PostgreSQL, the URL from the environment.
    let out = demo
        .cli()
        .env("DOKKU_HISTORY_URL", &url)
        .args(["--json", "history", "migrate"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let moved: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(moved["rows"], n);
    assert_eq!(moved["intact"], true);
    assert!(
        !moved["to"].as_str().unwrap().contains("search_path"),
        "{moved}"
    );

    // Recorded and read through --history from now on.
    let shared = || {
        let mut cmd = demo.cli();
        cmd.arg("--history").arg(&url);
        cmd
    };
    shared()
        .args(["apps", "destroy", "shop-pg", "-y"])
        .assert()
        .success();
    let rows = history_rows(&mut shared());
    assert!(rows.len() > n);
    assert!(
        rows[rows.len() - n..] == local[..],
        "the oldest records are the file's, as they were"
    );
    assert!(subcommands(&rows[..rows.len() - n]).contains(&"apps:destroy".to_owned()));
    let verify = shared()
        .args(["--json", "history", "verify"])
        .output()
        .unwrap();
    let verify: Value = serde_json::from_slice(&verify.stdout).unwrap();
    assert_eq!(verify["intact"], true);
    assert_eq!(verify["rows"], rows.len());
    // The local file did not get the new records.
    assert_eq!(demo.history_rows().len(), n);

    // Once is enough: the shared history is no longer empty.
    let again = shared().args(["history", "migrate"]).output().unwrap();
    assert!(!again.status.success());
    assert!(
        String::from_utf8_lossy(&again.stderr).contains("already holds a trail"),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
    // Without a PostgreSQL history there is nothing to migrate into.
    let nowhere = demo.cli().args(["history", "migrate"]).output().unwrap();
    assert!(!nowhere.status.success());
    assert!(
        String::from_utf8_lossy(&nowhere.stderr).contains("--history postgres://"),
        "{}",
        String::from_utf8_lossy(&nowhere.stderr)
    );
}
