//! `cli report PLUGIN …` and `cli set PLUGIN …` for every plugin the
//! library's catalog describes: one generic path, the catalog's keys,
//! scopes, value kinds and secrets checked before anything is sent.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod cli_support;

use cli_support::{subcommands, Demo};
use dokku::catalog::CATALOG;
use predicates::prelude::*;

#[test]
fn every_catalogued_report_reads_for_an_app_and_globally() {
    let demo = Demo::new();
    let installed = demo
        .cli()
        .args(["raw", "--", "plugin:list"])
        .output()
        .unwrap();
    let installed = String::from_utf8_lossy(&installed.stdout).into_owned();
    for plugin in CATALOG.iter().filter(|p| p.report.is_some()) {
        let out = demo
            .cli()
            .args(["report", plugin.name, "api", "--json"])
            .output()
            .unwrap();
        if !out.status.success() {
            // A community plugin, or a core one catalogued from Dokku's
            // source that the recorded (so the simulated) host lacks:
            // refused by the client or the host, and said so.
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert!(
                !installed.contains(plugin.name),
                "{}: {stderr}",
                plugin.name
            );
            assert_eq!(out.status.code(), Some(1), "{}: {stderr}", plugin.name);
            assert!(
                stderr.contains("install the plugin")
                    || stderr.contains("the plugin may be missing"),
                "{stderr}"
            );
            continue;
        }
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(report["plugin"], plugin.name, "{report}");
        assert_eq!(report["app"], "api", "{report}");
        assert!(
            !report["report"].as_object().unwrap().is_empty(),
            "{}: {report}",
            plugin.name
        );
        let global = plugin.report.as_ref().unwrap().global.is_some();
        let out = demo
            .cli()
            .args(["report", plugin.name, "--global", "--json"])
            .output()
            .unwrap();
        if global {
            assert!(out.status.success(), "{}: {out:?}", plugin.name);
        } else {
            assert_eq!(out.status.code(), Some(2), "{}: {out:?}", plugin.name);
        }
    }
    let all = demo.json(&["report", "domains", "--all"]);
    let apps = demo.apps();
    assert_eq!(all.as_array().unwrap().len(), apps.len(), "{all}");
    demo.cli()
        .args(["report", "ps", "api"])
        .assert()
        .success()
        .stdout(predicate::str::contains("ps report of api"))
        .stdout(predicate::str::contains("restart-policy"));
    demo.cli()
        .args(["report", "config", "api"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("one of:").and(predicate::str::contains(" apps,")));
}

#[test]
fn every_catalogued_property_sets_and_unsets_through_one_path() {
    let demo = Demo::new();
    for plugin in CATALOG.iter().filter(|p| !p.properties.is_empty()) {
        let property = &plugin.properties[0];
        let key = property.key.trim_end_matches('*');
        let scope = if property.allows(false) {
            "api"
        } else {
            "--global"
        };
        demo.cli()
            .args(["--dry-run", "set", plugin.name, scope, key])
            .assert()
            .success()
            .stdout(format!(
                "dokku {}:{} {scope} {key}\n",
                plugin.name, plugin.set_verb
            ));
    }
    demo.cli()
        .args(["set", "ps", "api", "restart-policy", "always"])
        .assert()
        .success()
        .stdout(predicate::str::contains("set ps restart-policy on api"));
    let report = demo.json(&["report", "ps", "api"]);
    assert_eq!(report["report"]["restart-policy"], "always", "{report}");
    demo.cli()
        .args(["set", "ps", "api", "restart-policy"])
        .assert()
        .success()
        .stdout(predicate::str::contains("unset ps restart-policy on api"));
    let report = demo.json(&["report", "ps", "api"]);
    assert_eq!(report["report"]["restart-policy"], "", "{report}");
    let subs = subcommands(&demo.history_rows());
    assert_eq!(
        subs.iter().filter(|s| *s == "ps:set").count(),
        2,
        "{subs:?}"
    );
}

#[test]
fn the_catalog_refuses_unknown_keys_wrong_scopes_and_bad_values_before_sending() {
    let demo = Demo::new();
    demo.cli().args(["apps", "list"]).assert().success();
    let rows_before = demo.history_rows().len();
    for (args, said) in [
        (
            &["set", "ps", "api", "colour", "blue"][..],
            "unknown property",
        ),
        (&["set", "ps", "--global", "start-cmd", "x"], "only per app"),
        (
            &["set", "ps", "api", "stop-timeout-seconds", "soon"],
            "whole number",
        ),
        (&["set", "nosuch", "api", "k", "v"], "one of:"),
        (&["set", "ps", "api"], "(APP|--global) KEY [VALUE]"),
    ] {
        demo.cli()
            .args(args)
            .assert()
            .code(2)
            .stderr(predicate::str::contains(said));
    }
    assert_eq!(demo.history_rows().len(), rows_before, "nothing was sent");
}

#[test]
fn a_secret_property_comes_from_stdin_and_stays_hidden() {
    let demo = Demo::new();
    // A vector sink is a DSN whose options are a URL query (Dokku parses
    // it with qson and refuses anything else).
    let sink = "http://?uri=https%3A//user:s3cr3t-sink@logs.example.com";
    demo.cli()
        .args(["set", "logs", "api", "vector-sink", sink])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("vector-sink is a secret"))
        .stderr(predicate::str::contains("s3cr3t").not());
    demo.cli()
        .args(["set", "logs", "api", "vector-sink", "-"])
        .write_stdin(format!("{sink}\n"))
        .assert()
        .success()
        .stdout(predicate::str::contains("s3cr3t").not());
    // Refused masked into a pipe, as text or JSON; shown with --reveal.
    for json in [None, Some("--json")] {
        demo.cli()
            .args(["report", "logs", "api"])
            .args(json)
            .assert()
            .code(2)
            .stdout("")
            .stderr(predicate::str::contains("--reveal"))
            .stderr(predicate::str::contains("s3cr3t").not());
    }
    // Dokku itself prints only the sink's type in its report.
    let revealed = demo.json(&["report", "logs", "api", "--reveal"]);
    assert!(
        revealed.to_string().contains("http://redacted"),
        "{revealed}"
    );
    let export = demo.cli().args(["history", "export"]).output().unwrap();
    assert!(!String::from_utf8_lossy(&export.stdout).contains("s3cr3t"));
}
