//! Who and what reaches the host, end to end against `--demo`: SSH keys,
//! registry credentials (the password only ever on stdin) and Docker
//! networks.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod cli_support;

use cli_support::{subcommands, Demo};
use predicates::prelude::*;
use serde_json::json;

const ALICE: &str =
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGb0yOvQ2zqCGw7SeJ0GmTJ6C6WN9kyvM6Wy3UAmH1nK alice@laptop";

#[test]
fn ssh_keys_list_even_when_none_match_and_changes_need_root() {
    let demo = Demo::new();
    demo.shows(
        &["ssh-keys", "list"],
        &[
            "admin",
            "SHA256:Qx5gGmE3b7zY0mN2u8c1p4r6t9vW0yZ2aB4dF6hJ8kL",
        ],
    );
    let keys = demo.json(&["ssh-keys", "list"]);
    assert_eq!(keys[0]["name"], "admin", "{keys}");
    // No key under a name: an empty list, not an error.
    assert_eq!(demo.json(&["ssh-keys", "list", "nobody"]), json!([]));
    demo.notes(&["ssh-keys", "list", "nobody"], "no keys under that name");

    // Over SSH as the dokku user, Dokku refuses: said, with the way out.
    demo.cli()
        .args(["ssh-keys", "add", "alice"])
        .write_stdin(format!("{ALICE}\n"))
        .assert()
        .code(1)
        .stderr(predicate::str::contains("only when run as root"));
    let rows = demo.history_rows();
    let add = rows.iter().find(|r| r["subcommand"] == "ssh-keys:add");
    assert_eq!(add.unwrap()["outcome"], "failed");

    let before = demo.history_rows().len();
    demo.cli()
        .args(["ssh-keys", "add", "alice"])
        .write_stdin("not a key\n")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("one OpenSSH public key line"));
    assert_eq!(demo.history_rows().len(), before, "nothing was sent");
    demo.refused(&["ssh-keys", "remove", "admin"], "--yes");
    demo.refused(&["ssh-keys", "add", "alice smith"], "not a valid key name");
    demo.fails(
        &["ssh-keys", "remove", "admin", "--yes"],
        1,
        "only when run as root",
    );
    assert_eq!(
        demo.dry_run(&["ssh-keys", "list", "admin"]),
        "dokku ssh-keys:list --format json admin\n"
    );

    // One key, by the fingerprint `list` shows: typed to confirm, and
    // still root only.
    let fingerprint = keys[0]["fingerprint"].as_str().unwrap().to_owned();
    assert_eq!(
        demo.dry_run(&["ssh-keys", "remove", "--fingerprint", &fingerprint]),
        format!("dokku ssh-keys:remove --fingerprint {fingerprint}\n")
    );
    demo.refused(
        &["ssh-keys", "remove", "--fingerprint", &fingerprint],
        "--yes",
    );
    demo.fails(
        &["ssh-keys", "remove", "--fingerprint", &fingerprint, "--yes"],
        1,
        "only when run as root",
    );
    let rows = demo.history_rows();
    let sent = rows
        .iter()
        .filter(|r| r["subcommand"] == "ssh-keys:remove")
        .count();
    assert_eq!(sent, 2, "by name and by fingerprint");
    demo.refused(
        &["ssh-keys", "remove", "--fingerprint", "MD5:aa:bb"],
        "not an SSH key fingerprint",
    );
    demo.refused(
        &["ssh-keys", "remove", "admin", "--fingerprint", &fingerprint],
        "cannot be used with",
    );
    demo.refused(&["ssh-keys", "remove"], "required");
}

#[test]
fn a_registry_password_goes_on_stdin_and_never_into_argv_output_or_history() {
    let demo = Demo::new();
    demo.cli()
        .args(["registry", "login", "ghcr.io", "ci"])
        .write_stdin("hunter2-s3cret\n")
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "logged in to ghcr.io as ci for every app",
        ))
        .stdout(predicate::str::contains("hunter2").not());
    demo.cli()
        .args(["--json", "--app", "api", "registry", "login"])
        .args(["registry.example.com:5000", "deploy"])
        .write_stdin("hunter2-s3cret\n")
        .assert()
        .success()
        .stdout(predicate::str::contains(r#""action": "logged in""#))
        // The password is on stdin: the username is not hidden with it.
        .stdout(predicate::str::contains(
            "dokku registry:login --password-stdin api registry.example.com:5000 deploy",
        ));
    demo.shows(
        &["registry", "logout", "ghcr.io"],
        &["logged out of ghcr.io for every app"],
    );
    let subs = subcommands(&demo.history_rows());
    let logins = subs.iter().filter(|s| *s == "registry:login").count();
    assert_eq!(logins, 2, "{subs:?}");
    let export = demo.cli().args(["history", "export"]).output().unwrap();
    assert!(!String::from_utf8_lossy(&export.stdout).contains("hunter2"));

    // Offered on the command line: refused without being repeated.
    let said = demo.refused(
        &["registry", "login", "ghcr.io", "ci", "hunter2-s3cret"],
        "not taken from the command line",
    );
    assert!(!said.contains("hunter2"), "{said}");
    demo.cli()
        .args(["registry", "login", "ghcr.io", "ci"])
        .write_stdin("")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no password"));
    demo.refused(&["registry", "logout", "ghcr io"], "not a registry server");
    assert_eq!(
        demo.dry_run(&["registry", "logout", "ghcr.io", "--app", "api"]),
        "dokku registry:logout api ghcr.io\n"
    );
}

#[test]
fn networks_are_listed_created_and_destroyed_after_typing_the_name() {
    let demo = Demo::new();
    demo.shows(&["network", "list"], &["backend", "bridge"]);
    let listed = demo.json(&["network", "list"]);
    let listed = listed.as_array().unwrap();
    let backend = listed.iter().find(|n| n["Name"] == "backend").unwrap();
    assert_eq!(backend["DokkuManaged"], true, "{backend}");
    demo.shows(
        &["network", "info", "backend"],
        &["com.dokku.network-name=backend"],
    );
    demo.fails(
        &["network", "info", "nosuch"],
        4,
        "there is no network nosuch",
    );

    demo.shows(
        &["network", "create", "backend-2"],
        &["created the network backend-2"],
    );
    assert_eq!(
        demo.json(&["network", "info", "backend-2"])["Name"],
        "backend-2"
    );
    demo.refused(&["network", "destroy", "backend-2"], "--yes");
    let destroyed = demo.json(&["network", "destroy", "backend-2", "--yes"]);
    assert_eq!(
        destroyed["command"],
        "dokku network:destroy backend-2 --force"
    );
    demo.fails(&["network", "info", "backend-2"], 4, "no network backend-2");
    demo.shows(
        &["network", "rebuild", "api"],
        &["Ensuring network configuration is in sync for api"],
    );

    assert_eq!(
        demo.dry_run(&["network", "list"]),
        "dokku network:list --format json\n"
    );
    assert_eq!(
        demo.dry_run(&["network", "rebuild", "--all"]),
        "dokku network:rebuildall\n"
    );
    demo.refused(
        &["network", "create", "bad name"],
        "not a valid network name",
    );
}
