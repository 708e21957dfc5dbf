//! The CLI example over SSH: the same story as on `--demo`, against a real
//! OpenSSH sshd whose forced command is the `dokku-sim` binary (Dokku's
//! own setup), with strict host keys.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "../dokku-ssh/tests/common/mod.rs"]
mod sshd;

mod cli_support;

use cli_support::bare_cli;
use predicates::prelude::*;

#[test]
fn the_daily_story_over_ssh() {
    let Some(server) = sshd::Sshd::start() else {
        return;
    };
    let history = server.dir.path().join("cli-history.sqlite3");
    let host = format!("{}@127.0.0.1:{}", server.user, server.port);
    let cli = || {
        let mut cmd = bare_cli();
        cmd.arg("--host")
            .arg(&host)
            .arg("--ssh-key")
            .arg(&server.client_key)
            .arg("--known-hosts")
            .arg(&server.known_hosts)
            .arg("--history-db")
            .arg(&history);
        cmd
    };
    cli_support::story(&cli, &host);
    // `raw` quotes its arguments for the remote shell: a value with
    // spaces, quotes and a `;` arrives as one argument, unexecuted. (Not
    // ending in `"`, which Dokku would store corrupted.)
    let tricky = "hello world; echo 'pwned' \"$(id)\";";
    cli()
        .args(["raw", "--", "config:set", "--no-restart", "blog"])
        .arg(format!("GREETING={tricky}"))
        .assert()
        .success();
    cli()
        .args(["config", "get", "blog", "GREETING", "--reveal"])
        .assert()
        .success()
        .stdout(format!("{tricky}\n"));
    // DOKKU_HOST does what --host does, as with Dokku's own client.
    let mut from_env = bare_cli();
    from_env
        .env("DOKKU_HOST", &host)
        .arg("--ssh-key")
        .arg(&server.client_key)
        .arg("--known-hosts")
        .arg(&server.known_hosts)
        .arg("--history-db")
        .arg(&history)
        .args(["apps", "report", "blog", "--json"])
        .assert()
        .success()
        .stdout(predicate::str::contains("\"deploy_source\": \"git\""));
}

#[test]
fn connection_problems_exit_3_with_a_hint() {
    let Some(server) = sshd::Sshd::start() else {
        return;
    };
    let history = server.dir.path().join("cli-history.sqlite3");
    let host = format!("{}@127.0.0.1:{}", server.user, server.port);
    // A known_hosts that does not know this server: strict checking refuses.
    let strangers = server.dir.path().join("empty_known_hosts");
    std::fs::write(&strangers, "").unwrap();
    bare_cli()
        .arg("--host")
        .arg(&host)
        .arg("--ssh-key")
        .arg(&server.client_key)
        .arg("--known-hosts")
        .arg(&strangers)
        .arg("--history-db")
        .arg(&history)
        .args(["apps", "list"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("host key"))
        .stderr(predicate::str::contains("hint:"));
    // A key the server does not accept.
    let stranger_key = server.dir.path().join("stranger_key");
    let keygen = std::process::Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-f"])
        .arg(&stranger_key)
        .status()
        .unwrap();
    assert!(keygen.success());
    bare_cli()
        .arg("--host")
        .arg(&host)
        .arg("--ssh-key")
        .arg(&stranger_key)
        .arg("--known-hosts")
        .arg(&server.known_hosts)
        .arg("--history-db")
        .arg(&history)
        .args(["apps", "list"])
        .assert()
        .code(3);
}
