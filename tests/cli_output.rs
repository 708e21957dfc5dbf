//! What the CLI writes, for people and for programs: a closed pipe ends
//! every command quietly, errors are one JSON object with `--json`, times
//! are RFC 3339 UTC everywhere, and one word per app state, the
//! library's.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod cli_support;

use std::os::fd::OwnedFd;
use std::os::unix::net::UnixStream;
use std::process::Stdio;

use cli_support::Demo;
use serde_json::Value;

/// Standard output whose reader is gone before the command starts: its
/// first write fails with a broken pipe, every time (`cli … | head -1`
/// where head has already left).
fn closed_stdout() -> Stdio {
    let (ours, theirs) = UnixStream::pair().unwrap();
    drop(ours);
    Stdio::from(OwnedFd::from(theirs))
}

#[test]
fn every_command_ends_quietly_on_a_closed_pipe() {
    let demo = Demo::new();
    demo.cli()
        .args(["apps", "create", "piped"])
        .assert()
        .success();
    for args in [
        &["completions", "bash"][..],
        &["history", "export", "--format", "jsonl"],
        &["history", "export", "--format", "csv"],
        &["history", "list"],
        &["--json", "history", "list"],
        &["apps", "list"],
        &["--json", "apps", "list"],
        &["apps", "info", "api"],
        &["logs", "api", "-n", "50"],
        &["letsencrypt", "list"],
        &["version"],
        &["vitals"],
        &["--dry-run", "apps", "destroy", "api"],
        &["services", "postgres", "export", "api-db"],
        &["report", "ps", "api"],
        &["--help"],
    ] {
        let out = demo
            .process()
            .args(args)
            .stdin(Stdio::null())
            .stdout(closed_stdout())
            .stderr(Stdio::piped())
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(String::from_utf8_lossy(&out.stderr), "", "{args:?}");
    }
}

fn json_error(out: &std::process::Output) -> Value {
    let stderr = String::from_utf8_lossy(&out.stderr);
    let error: Value = serde_json::from_str(stderr.trim())
        .unwrap_or_else(|e| panic!("stderr is not one JSON object ({e}): {stderr}"));
    assert!(out.stdout.is_empty(), "{out:?}");
    assert_eq!(
        error["error"]["exit_code"].as_i64(),
        out.status.code().map(i64::from),
        "{error}"
    );
    error["error"].clone()
}

#[test]
fn with_json_an_error_is_one_object_with_a_stable_code() {
    let demo = Demo::new();
    let run = |args: &[&str]| demo.cli().arg("--json").args(args).output().unwrap();
    let missing = json_error(&run(&["apps", "report", "no-such-app"]));
    assert_eq!(missing["code"], "not_found");
    assert!(missing["message"]
        .as_str()
        .unwrap()
        .contains("no-such-app does not exist"));
    assert!(missing["hint"].as_str().unwrap().contains("apps list"));
    // clap's own refusals and the value parsers' too.
    assert_eq!(json_error(&run(&["apps", "frobnicate"]))["code"], "usage");
    let bad = json_error(&run(&["apps", "report", "Bad_App"]));
    assert_eq!(bad["code"], "usage");
    assert!(bad["message"]
        .as_str()
        .unwrap()
        .contains("not a valid app name"));
    let refused = json_error(&run(&["apps", "destroy", "api"]));
    assert_eq!(refused["code"], "refused");
    assert_eq!(refused["exit_code"], 2);
    // --help is not an error, even with --json.
    demo.cli()
        .args(["--json", "--help"])
        .assert()
        .success()
        .stderr("");
}

fn is_rfc3339_utc(value: &Value) -> bool {
    value.as_str().is_some_and(|t| {
        t.len() >= 20
            && t.ends_with('Z')
            && t.as_bytes()[4] == b'-'
            && t.as_bytes()[10] == b'T'
            && dokku::parse::logs::rfc3339_utc(t).is_some()
    })
}

#[test]
fn times_are_rfc3339_utc_in_tables_and_json() {
    let demo = Demo::new();
    let report = demo.json(&["apps", "info", "api"]);
    assert!(is_rfc3339_utc(&report["created_at"]), "{report}");
    let apps = demo.json(&["apps", "list"]);
    assert!(is_rfc3339_utc(&apps[0]["created_at"]), "{apps}");
    let history = demo.json(&["history", "list"]);
    for row in history.as_array().unwrap() {
        assert!(is_rfc3339_utc(&row["started_at"]), "{row}");
        assert!(is_rfc3339_utc(&row["ended_at"]), "{row}");
    }
    let id = history[0]["id"].to_string();
    assert!(is_rfc3339_utc(
        &demo.json(&["history", "show", &id])["started_at"]
    ));
    let certs = demo.json(&["certs", "report", "api"]);
    assert!(is_rfc3339_utc(&certs["expires_at"]), "{certs}");
    let le = demo.json(&["letsencrypt", "report", "api"]);
    assert!(is_rfc3339_utc(&le["expiration"]), "{le}");
    // Tables: the same form.
    let table = demo.cli().args(["history", "list"]).output().unwrap();
    let table = String::from_utf8_lossy(&table.stdout);
    let second_row = table.lines().nth(1).unwrap();
    let stamp = second_row.split_whitespace().nth(1).unwrap();
    assert!(is_rfc3339_utc(&Value::from(stamp)), "{table}");
    let info = demo.cli().args(["apps", "info", "api"]).output().unwrap();
    assert!(
        String::from_utf8_lossy(&info.stdout).contains("2025-01-07T21:00:00Z"),
        "{}",
        String::from_utf8_lossy(&info.stdout)
    );
}

#[test]
fn an_apps_state_is_the_librarys_word_everywhere() {
    let demo = Demo::new();
    let list = demo.json(&["apps", "list"]);
    for app in ["api", "staging-api", "sandbox", "landing", "metrics"] {
        let listed = list
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["name"] == app)
            .unwrap();
        let status = listed["status"].clone();
        assert_eq!(demo.json(&["apps", "info", app])["status"], status, "{app}");
        assert_eq!(demo.json(&["ps", "report", app])["status"], status, "{app}");
        let shown = demo.cli().args(["ps", "report", app]).output().unwrap();
        let shown = String::from_utf8_lossy(&shown.stdout);
        let line = shown.lines().find(|l| l.contains("status")).unwrap();
        assert!(line.ends_with(status.as_str().unwrap()), "{app}: {shown}");
    }
    assert_eq!(
        demo.json(&["ps", "report", "staging-api"])["status"],
        "stopped"
    );
}

#[test]
fn the_host_vitals_show_memory_and_each_disk_for_people_and_programs() {
    let demo = Demo::new();
    demo.shows(
        &["vitals"],
        &[
            "kernel  Linux dokku-sim 6.8.0-51-generic",
            "memory  1708 of 3915 MiB in use (43%); swap 96 of 2047 MiB",
            "MOUNTED ON  FILESYSTEM  SIZE  USED  AVAIL  USE%  INODES USE%",
            "/           /dev/vda1   78G   31G   47G    40%   9%",
        ],
    );
    let vitals = demo.json(&["vitals"]);
    assert_eq!(vitals["memory"]["total_mb"], 3915, "{vitals}");
    assert_eq!(vitals["disks"][0]["used_percent"], 40, "{vitals}");
    assert_eq!(vitals["inodes"][0]["size"], "5.0M", "{vitals}");
    assert_eq!(demo.dry_run(&["vitals"]), "dokku report\n");
}
