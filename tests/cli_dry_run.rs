//! `--dry-run` prints the Dokku command lines and stops: it asks nothing,
//! reads no standard input and no file, and sends nothing, whatever the
//! command would read for a real run (a secret, a dump, a .env or PEM
//! file). The terminal side (no prompt appears) is in cli_tmux.rs.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod cli_support;

use std::io::{Seek, Write};

use cli_support::Demo;

/// Every command that takes a secret, standard input or a file, as a dry
/// run, and the command line it prints.
const READERS: &[(&[&str], &str)] = &[
    (
        &[
            "services",
            "postgres",
            "backup-auth",
            "api-db",
            "AKIAEXAMPLE",
        ],
        "dokku postgres:backup-auth api-db *** ***",
    ),
    (
        &["services", "postgres", "backup-set-encryption", "api-db"],
        "dokku postgres:backup-set-encryption api-db ***",
    ),
    (
        &["services", "postgres", "import", "api-db"],
        "dokku postgres:import api-db",
    ),
    (
        &[
            "services",
            "postgres",
            "import",
            "api-db",
            "-i",
            "/nonexistent/db.dump",
        ],
        "dokku postgres:import api-db",
    ),
    (
        &["config", "import", "api", "/nonexistent/app.env"],
        "dokku --quiet config:import --format json api -",
    ),
    (
        &[
            "certs",
            "add",
            "api",
            "--cert",
            "/nonexistent/server.crt",
            "--key",
            "/nonexistent/server.key",
        ],
        "dokku certs:add api",
    ),
    (
        &[
            "set",
            "letsencrypt",
            "--global",
            "dns-provider-CF_DNS_API_TOKEN",
            "-",
        ],
        "dokku letsencrypt:set --global dns-provider-CF_DNS_API_TOKEN ***",
    ),
    (
        &[
            "letsencrypt",
            "set",
            "api",
            "dns-provider-CF_DNS_API_TOKEN",
            "-",
        ],
        "dokku letsencrypt:set api dns-provider-CF_DNS_API_TOKEN ***",
    ),
    (
        &["apps", "destroy", "api"],
        "dokku apps:destroy api --force",
    ),
    (
        &["services", "postgres", "destroy", "api-db"],
        "dokku postgres:destroy api-db --force",
    ),
    (&["ssh-keys", "add", "alice"], "dokku ssh-keys:add alice"),
    (
        &["ssh-keys", "remove", "admin"],
        "dokku ssh-keys:remove admin",
    ),
    (
        &["registry", "login", "ghcr.io", "ci"],
        "dokku registry:login --password-stdin --global ghcr.io ci",
    ),
    (
        &["network", "destroy", "backend"],
        "dokku network:destroy backend --force",
    ),
    (&["nginx", "stop"], "dokku nginx:stop"),
];

#[test]
fn a_dry_run_reads_no_stdin_and_no_file_and_sends_nothing() {
    let demo = Demo::new();
    demo.cli().args(["apps", "list"]).assert().success();
    let rows_before = demo.history_rows().len();
    // Standard input is a file: whatever the process reads from it moves
    // the offset the test shares with it.
    let input = demo.dir.path().join("stdin");
    let mut stdin = std::fs::File::options()
        .create(true)
        .truncate(true)
        .read(true)
        .write(true)
        .open(&input)
        .unwrap();
    stdin.write_all(b"s3cr3t-from-stdin\n").unwrap();
    for (args, printed) in READERS {
        stdin.rewind().unwrap();
        let out = demo
            .process()
            .arg("--dry-run")
            .args(*args)
            .stdin(stdin.try_clone().unwrap())
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(stdout.starts_with(printed), "{args:?}: {stdout}");
        assert!(!stdout.contains("s3cr3t"), "{args:?}: {stdout}");
        assert_eq!(
            stdin.stream_position().unwrap(),
            0,
            "{args:?} read standard input"
        );
    }
    assert_eq!(demo.history_rows().len(), rows_before, "nothing was sent");
}
