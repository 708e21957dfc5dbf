//! The CLI's `services <plugin> …` end to end against `--demo`: the demo
//! host has postgres and redis installed, with services linked to apps.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod cli_support;

use cli_support::{subcommands, Demo};
use predicates::prelude::*;

#[test]
fn a_database_from_create_to_destroy() {
    let demo = Demo::new();
    let list = demo.json(&["services", "postgres", "list"]);
    let api_db = list
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "api-db")
        .expect("the demo's api-db");
    assert!(api_db["links"].to_string().contains("\"api\""), "{api_db}");
    assert_eq!(api_db["dsn"], "***");

    // Creating prints the DSN: its password is masked on screen.
    let created = demo
        .cli()
        .args(["services", "postgres", "create", "story-db"])
        .output()
        .unwrap();
    assert!(
        created.status.success(),
        "{}",
        String::from_utf8_lossy(&created.stderr)
    );
    let shown = String::from_utf8_lossy(&created.stdout);
    assert!(
        shown.contains("Postgres container created: story-db"),
        "{shown}"
    );
    assert!(shown.contains("postgres://postgres:***@"), "{shown}");
    let revealed = demo.json(&["services", "postgres", "info", "story-db", "--reveal"]);
    let dsn = revealed["dsn"].as_str().unwrap().to_owned();
    assert!(
        dsn.starts_with("postgres://postgres:") && !dsn.contains("***"),
        "{dsn}"
    );
    let password = dsn
        .trim_start_matches("postgres://postgres:")
        .split('@')
        .next()
        .unwrap()
        .to_owned();
    assert!(!shown.contains(&password));

    // Link: the app gets DATABASE_URL; both sides see the link.
    demo.cli()
        .args(["services", "postgres", "link", "story-db", "blog"])
        .assert()
        .success()
        .stdout(predicate::str::contains("linked story-db to blog"));
    let url = demo.json(&["config", "get", "blog", "DATABASE_URL", "--reveal"]);
    assert_eq!(url["value"], dsn.as_str());
    assert_eq!(
        demo.json(&["services", "postgres", "links", "story-db"]),
        serde_json::json!(["blog"])
    );
    assert!(demo
        .json(&["services", "postgres", "app-links", "blog"])
        .to_string()
        .contains("story-db"));

    // Destroy asks first; a linked service is refused by the plugin.
    demo.cli()
        .args(["services", "postgres", "destroy", "story-db"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--yes"));
    demo.cli()
        .args(["services", "postgres", "destroy", "story-db", "--yes"])
        .assert()
        .code(1);
    demo.cli()
        .args(["services", "postgres", "unlink", "story-db", "blog"])
        .assert()
        .success();
    demo.cli()
        .args(["services", "postgres", "destroy", "story-db", "--yes"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "destroyed postgres service story-db",
        ));
    let names: Vec<_> = demo
        .json(&["services", "postgres", "list"])
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].clone())
        .collect();
    assert!(!names.contains(&"story-db".into()), "{names:?}");
    demo.cli()
        .args(["services", "postgres", "info", "story-db"])
        .assert()
        .code(4)
        .stderr(predicate::str::contains("services postgres list"));

    // The history: every step, and never the password.
    let rows = demo.history_rows();
    let subs = subcommands(&rows);
    for sub in [
        "postgres:create",
        "postgres:link",
        "postgres:unlink",
        "postgres:destroy",
    ] {
        assert!(
            subs.contains(&sub.to_owned()),
            "{sub} missing from {subs:?}"
        );
    }
    let export = demo.cli().args(["history", "export"]).output().unwrap();
    assert!(!String::from_utf8_lossy(&export.stdout).contains(&password));
}

#[test]
fn service_dry_runs_missing_plugins_and_bad_names() {
    let demo = Demo::new();
    demo.cli()
        .args([
            "--dry-run",
            "services",
            "redis",
            "create",
            "jobs",
            "--custom-env",
            "TOKEN=abc123",
        ])
        .assert()
        .success()
        .stdout("dokku redis:create jobs --custom-env ***\n");
    demo.cli()
        .args([
            "--dry-run",
            "services",
            "redis",
            "link",
            "cache",
            "blog",
            "--alias",
            "SESSIONS",
        ])
        .assert()
        .success()
        .stdout("dokku redis:link cache blog --alias SESSIONS\n");
    demo.cli()
        .args(["services", "postgres", "info", "-bad"])
        .assert()
        .code(2);
    demo.cli()
        .args(["services", "postgres", "info", "bad name"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not a valid service name"));
    // The demo host has no mysql plugin: refused before anything is sent.
    demo.cli()
        .args(["services", "mysql", "list"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("needs the mysql plugin"));
    let redis = demo.json(&["services", "redis", "info", "cache"]);
    assert_eq!(redis["dsn"], "***");
    demo.cli()
        .args(["services", "redis", "stop", "cache", "--json"])
        .assert()
        .success()
        .stdout(predicate::str::contains("\"action\": \"stopped\""));
    let stopped = demo.json(&["services", "redis", "info", "cache"]);
    assert_eq!(stopped["raw"]["status"], "exited", "{stopped}");
}
