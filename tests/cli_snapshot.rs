//! `cli apps list` and the snapshot it shares with the web dashboard:
//! shown at once with each row's age, read again with `--fresh`, kept when
//! a read is cut, and the same file either program writes.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod cli_support;

// The snapshot and refresher exactly as the dashboard runs them.
#[allow(unused_imports)]
#[path = "../examples/common/mod.rs"]
mod common;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use cli_support::{bare_cli, dokku_sim_bin, Demo};
use serde_json::Value;

/// `cli --local` over the simulator binary on the demo's state, through
/// a wrapper that cuts `ps:report` of every app after `$CUT_BYTES` bytes
/// and then fails as a dropped SSH connection does (exit 255).
struct Local {
    demo: Demo,
    wrapper: PathBuf,
}

impl Local {
    fn new() -> Self {
        let demo = Demo::new();
        let wrapper = demo.dir.path().join("dokku");
        cli_support::write_script(
            &wrapper,
            "#!/bin/sh\nif [ -n \"$CUT_BYTES\" ] && [ \"$*\" = ps:report ]; then\n  \"$REAL_DOKKU\" \"$@\" | head -c \"$CUT_BYTES\"\n  exit 255\nfi\nexec \"$REAL_DOKKU\" \"$@\"\n",
        );
        Local { demo, wrapper }
    }

    fn cli(&self) -> assert_cmd::Command {
        let mut cmd = bare_cli();
        cmd.env("DOKKU_BIN", &self.wrapper)
            .env("REAL_DOKKU", dokku_sim_bin())
            .env("DOKKU_SIM_STATE", self.demo.state())
            .arg("--local")
            .arg("--history-db")
            .arg(self.demo.history());
        cmd
    }

    fn snapshot(&self) -> PathBuf {
        self.demo.dir.path().join("dashboard-local.json")
    }
}

/// Run the simulator itself on a state directory: a change the CLI does
/// not know about.
fn behind_the_clis_back(state: &Path, args: &[&str]) -> Vec<u8> {
    let out = std::process::Command::new(dokku_sim_bin())
        .env("DOKKU_SIM_STATE", state)
        .args(args)
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    out.stdout
}

/// Make every row of a snapshot an hour older than it is.
fn age_by_an_hour(file: &Path) {
    let mut saved: Value = serde_json::from_slice(&std::fs::read(file).unwrap()).unwrap();
    for row in saved["rows"].as_array_mut().unwrap() {
        let checked = row["checked"].as_u64().unwrap();
        row["checked"] = Value::from(checked - 3600);
    }
    std::fs::write(file, serde_json::to_vec(&saved).unwrap()).unwrap();
}

fn stdout(cmd: &mut assert_cmd::Command) -> (String, std::process::Output) {
    let out = cmd.output().unwrap();
    (String::from_utf8_lossy(&out.stdout).into_owned(), out)
}

fn json_rows(cmd: &mut assert_cmd::Command) -> (Vec<Value>, std::process::Output) {
    let (text, out) = stdout(cmd);
    let rows: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"));
    (rows.as_array().unwrap().clone(), out)
}

fn row<'a>(rows: &'a [Value], app: &str) -> &'a Value {
    rows.iter().find(|r| r["name"] == app).unwrap()
}

fn line<'a>(text: &'a str, app: &str) -> &'a str {
    text.lines()
        .find(|l| l.split_whitespace().next() == Some(app))
        .unwrap_or_else(|| panic!("no {app}: {text}"))
}

#[test]
fn apps_list_shows_the_snapshot_with_ages_first_and_fresh_reads_a_change_made_since() {
    let local = Local::new();
    // No snapshot yet: every app is read, and the snapshot written.
    let (rows, out) = json_rows(local.cli().args(["apps", "list", "--fresh", "--json"]));
    assert!(out.status.success(), "{out:?}");
    let n = rows.len();
    assert!(n > 5 && rows.iter().all(|r| r["fresh"] == true), "{rows:?}");
    assert!(local.snapshot().exists());
    age_by_an_hour(&local.snapshot());
    behind_the_clis_back(&local.demo.state(), &["ps:stop", "api"]);

    // The snapshot is shown before Dokku is asked anything: here Dokku
    // cannot even be started, and every row is out, with its age.
    let (text, out) = stdout(
        local
            .cli()
            .env("DOKKU_BIN", local.demo.dir.path().join("none"))
            .args(["apps", "list"]),
    );
    assert_eq!(out.status.code(), Some(3), "{out:?}");
    assert!(text.starts_with("APP ") && text.contains(" AGE"), "{text}");
    assert_eq!(text.lines().count(), n + 1, "{text}");
    assert!(
        text.lines().skip(1).all(|l| l.ends_with("1h 0m ago")),
        "{text}"
    );

    // By default only what changed since is read again: the stop was not
    // made through the CLI, so the snapshot's word stands, with its age.
    let (rows, out) = json_rows(local.cli().args(["apps", "list", "--json"]));
    assert!(out.status.success(), "{out:?}");
    let api = row(&rows, "api");
    assert_eq!(api["status"], "running", "{api}");
    assert!(api["age_secs"].as_u64().unwrap() >= 3600, "{api}");
    assert_eq!(api["fresh"], false);
    for key in [
        "name",
        "status",
        "deployed",
        "deploy_source",
        "locked",
        "processes",
        "domains",
        "created_at",
        "checked_at",
        "age_secs",
        "fresh",
        "changed",
    ] {
        assert!(api.get(key).is_some(), "no {key}: {api}");
    }
    assert!(api["checked_at"].as_str().unwrap().ends_with('Z'), "{api}");

    // --fresh reads every app now, the change included.
    let (text, out) = stdout(local.cli().args(["apps", "list", "--fresh"]));
    assert!(out.status.success(), "{out:?}");
    let api = line(&text, "api");
    assert!(api.contains("stopped") && api.ends_with("now"), "{text}");
    assert!(!text.contains("ago"), "{text}");
    assert_eq!(text.lines().count(), n + 1, "{text}");

    // … and saves what it read for the next reader.
    let (rows, _) = json_rows(
        local
            .cli()
            .env("DOKKU_BIN", local.demo.dir.path().join("none"))
            .args(["apps", "list", "--json"]),
    );
    assert_eq!(row(&rows, "api")["status"], "stopped");
    assert!(
        rows.iter().all(|r| r["age_secs"].as_u64().unwrap() < 3600),
        "{rows:?}"
    );
}

#[test]
fn an_app_changed_with_the_cli_is_marked_and_read_again_by_the_next_list() {
    let demo = Demo::new();
    demo.cli().args(["apps", "list"]).assert().success();
    let target = common::Target::Demo {
        state: demo.state(),
        version: None,
    };
    let file = common::snapshot::file_for(&demo.history(), &target).unwrap();
    age_by_an_hour(&file);
    demo.cli().args(["ps", "stop", "api"]).assert().success();
    let saved: Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    assert_eq!(saved["dirty"], serde_json::json!(["api"]), "{saved}");

    let (text, out) = stdout(demo.cli().args(["apps", "list"]));
    assert!(out.status.success(), "{out:?}");
    // The snapshot's row first, marked; the row read again after it.
    let rows: Vec<&str> = text.lines().filter(|l| l.starts_with("api ")).collect();
    assert_eq!(rows.len(), 2, "{text}");
    assert!(
        rows[0].contains("running") && rows[0].ends_with("1h 0m ago, changed"),
        "{text}"
    );
    assert!(
        rows[1].contains("stopped") && rows[1].ends_with("now"),
        "{text}"
    );
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("read again"),
        "{out:?}"
    );

    let (rows, _) = json_rows(demo.cli().args(["apps", "list", "--json"]));
    assert_eq!(row(&rows, "api")["status"], "stopped");
    assert_eq!(row(&rows, "api")["fresh"], true);
    assert_eq!(row(&rows, "shop")["fresh"], false);
}

#[test]
fn a_fresh_read_cut_halfway_keeps_the_apps_read_and_shows_the_rest_as_they_were() {
    let local = Local::new();
    local
        .cli()
        .args(["apps", "list", "--fresh"])
        .assert()
        .success();
    age_by_an_hour(&local.snapshot());
    let full = behind_the_clis_back(&local.demo.state(), &["ps:report"]).len();
    let half = (full / 2).to_string();

    let (rows, out) = json_rows(
        local
            .cli()
            .env("CUT_BYTES", &half)
            .args(["apps", "list", "--fresh", "--json"]),
    );
    assert!(
        !out.status.success(),
        "a cut read is not a success: {out:?}"
    );
    let n = rows.len();
    let fresh = rows.iter().filter(|r| r["fresh"] == true).count();
    assert!(fresh > 0 && fresh < n, "{fresh} of {n} read: {rows:?}");
    // The rest are there as they were, an hour old.
    assert!(rows
        .iter()
        .filter(|r| r["fresh"] == false)
        .all(|r| r["status"].is_string() && r["age_secs"].as_u64().unwrap() >= 3600));

    // For people: every app, the ones not read again with their age.
    let (text, out) = stdout(
        local
            .cli()
            .env("CUT_BYTES", &half)
            .args(["apps", "list", "--fresh"]),
    );
    assert!(!out.status.success());
    assert_eq!(text.lines().count(), n + 1, "{text}");
    let stale = text.lines().filter(|l| l.ends_with("1h 0m ago")).count();
    assert_eq!(stale, n - fresh, "{text}");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("the read stopped"),
        "{out:?}"
    );

    // What was read is saved.
    let (rows, _) = json_rows(
        local
            .cli()
            .env("DOKKU_BIN", local.demo.dir.path().join("none"))
            .args(["apps", "list", "--json"]),
    );
    let young = rows
        .iter()
        .filter(|r| r["age_secs"].as_u64().unwrap() < 3600)
        .count();
    assert_eq!(young, fresh, "{rows:?}");
}

/// Two demo hosts whose histories share a directory are two hosts: one's
/// snapshot is never shown as the other's last known rows.
#[test]
fn two_demo_hosts_beside_one_history_keep_their_own_snapshots() {
    let dir = tempfile::tempdir().unwrap();
    let cli = |host: &str| {
        let mut cli = bare_cli();
        cli.arg("--demo")
            .arg("--demo-state")
            .arg(dir.path().join(host))
            .arg("--history-db")
            .arg(dir.path().join(format!("{host}.sqlite3")));
        cli
    };
    cli("one")
        .args(["apps", "destroy", "sandbox", "--yes"])
        .assert()
        .success();
    cli("one").args(["apps", "list"]).assert().success();
    // The other host has sandbox, read as its own, not from one's rows.
    let out = cli("two").args(["apps", "list"]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{out:?}");
    assert!(
        text.lines().filter(|l| l.starts_with("sandbox ")).count() == 1
            && !String::from_utf8_lossy(&out.stderr).contains("read again"),
        "{out:?}"
    );
    let snapshots = std::fs::read_dir(dir.path())
        .unwrap()
        .filter(|e| {
            let name = e.as_ref().unwrap().file_name();
            name.to_string_lossy().starts_with("dashboard-demo-")
        })
        .count();
    assert_eq!(snapshots, 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dashboard_and_the_cli_read_each_others_snapshot() {
    use common::snapshot::{file_for, refresher, Settings, Store};
    let demo = Demo::new();
    let target = common::Target::Demo {
        state: demo.state(),
        version: None,
    };
    let file = file_for(&demo.history(), &target).unwrap();

    // The dashboard reads the host and saves its snapshot.
    {
        let executor = common::connect(&target).await.unwrap();
        let store = Arc::new(Store::new(
            common::Clock::system(),
            Settings::default(),
            Some(file.clone()),
        ));
        let task = tokio::spawn(refresher(
            Arc::clone(&store),
            dokku::Dokku::from_arc(executor),
        ));
        store.watch().wait_for(|p| p.complete()).await.unwrap();
        task.abort();
    }
    behind_the_clis_back(&demo.state(), &["ps:stop", "shop"]);
    // The CLI shows it: shop as the dashboard read it.
    let cli = demo.cli();
    let (rows, out) = tokio::task::spawn_blocking(move || {
        let mut cli = cli;
        json_rows(cli.args(["apps", "list", "--json"]))
    })
    .await
    .unwrap();
    assert!(out.status.success(), "{out:?}");
    assert_eq!(row(&rows, "shop")["status"], "running");

    // The CLI reads every app and changes one; the dashboard starts from
    // that, the change to be read first.
    let (mut fresh, mut restart) = (demo.cli(), demo.cli());
    tokio::task::spawn_blocking(move || {
        fresh.args(["apps", "list", "--fresh"]).assert().success();
        restart.args(["ps", "restart", "api"]).assert().success();
    })
    .await
    .unwrap();
    let store = Store::new(common::Clock::system(), Settings::default(), Some(file));
    let view = store.view();
    let shop = view
        .lines
        .iter()
        .find(|l| l.app.as_str() == "shop")
        .unwrap();
    assert_eq!(shop.kept.as_ref().unwrap().row.status.as_str(), "stopped");
    let api = view.lines.iter().find(|l| l.app.as_str() == "api").unwrap();
    assert!(api.changed, "the CLI's change is marked for the dashboard");
    assert_eq!(view.progress.dirty, 1);
}
