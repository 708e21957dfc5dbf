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
    let service = |name: &str| {
        list.as_array()
            .unwrap()
            .iter()
            .find(|s| s["name"] == name)
            .unwrap_or_else(|| panic!("the demo's {name}"))
            .clone()
    };
    let api_db = service("api-db");
    assert!(api_db["links"].to_string().contains("\"api\""), "{api_db}");
    // Never `***` where a program reads it: no value, and why.
    assert_eq!(api_db["dsn"], serde_json::Value::Null, "{api_db}");
    assert_eq!(api_db["dsn_hidden"], true, "{api_db}");
    // Whether each is backed up: api-db is not, shop-db every night.
    assert_eq!(api_db["backup"], serde_json::Value::Null, "{api_db}");
    let shop_db = service("shop-db");
    assert_eq!(shop_db["backup"]["bucket"], "acme-db-backups", "{shop_db}");
    let table = demo.shows(
        &["services", "postgres", "list"],
        &["SERVICE", "STATUS", "LINKED APPS", "BACKUP"],
    );
    let row = |name: &str| {
        table
            .lines()
            .find(|l| l.starts_with(name))
            .unwrap()
            .to_owned()
    };
    assert!(row("api-db").ends_with("none"), "{table}");
    assert!(
        row("shop-db").ends_with("0 3 * * * to acme-db-backups"),
        "{table}"
    );

    // Creating prints the DSN: masked on a terminal (cli_tmux), left out
    // of a pipe, and said so.
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
    assert!(!shown.contains("Dsn:") && !shown.contains("***"), "{shown}");
    assert!(
        String::from_utf8_lossy(&created.stderr).contains("left out of the pipe"),
        "{}",
        String::from_utf8_lossy(&created.stderr)
    );
    // The info table would show it masked: refused into a pipe.
    demo.fails(&["services", "postgres", "info", "story-db"], 2, "--json");
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
        .stdout(predicate::str::contains(
            "linked story-db to blog as DATABASE_URL",
        ));
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
    assert_eq!(redis["dsn"], serde_json::Value::Null, "{redis}");
    assert_eq!(redis["dsn_hidden"], true, "{redis}");
    demo.cli()
        .args(["services", "redis", "stop", "cache", "--json"])
        .assert()
        .success()
        .stdout(predicate::str::contains("\"action\": \"stopped\""));
    let stopped = demo.json(&["services", "redis", "info", "cache"]);
    assert_eq!(stopped["raw"]["status"], "exited", "{stopped}");
}

/// Every file in `dir`, to show a failed export leaves nothing behind.
fn files_in(dir: &std::path::Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn a_dump_goes_out_to_a_file_or_a_pipe_and_comes_back_in() {
    let demo = Demo::new();
    let dumps = demo.dir.path().join("dumps");
    std::fs::create_dir(&dumps).unwrap();
    let file = dumps.join("api-db.dump");

    let exported = demo
        .cli()
        .args(["services", "postgres", "export", "api-db", "--output"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(exported.status.success(), "{exported:?}");
    let dump = std::fs::read(&file).unwrap();
    assert!(!dump.is_empty());
    let said = String::from_utf8_lossy(&exported.stdout);
    assert!(
        said.contains(&format!("exported api-db to {}", file.display()))
            && said.contains(&format!("({} bytes)", dump.len())),
        "{said}"
    );
    assert_eq!(files_in(&dumps), ["api-db.dump"]);

    // Through a pipe: the dump's bytes and nothing else on stdout.
    let piped = demo
        .cli()
        .args(["services", "postgres", "export", "api-db"])
        .output()
        .unwrap();
    assert!(piped.status.success(), "{piped:?}");
    assert_eq!(piped.stdout, dump);

    // JSON describes the file; it cannot share stdout with the dump.
    let json_file = dumps.join("again.dump");
    let report = demo.json(&[
        "services",
        "postgres",
        "export",
        "api-db",
        "-o",
        json_file.to_str().unwrap(),
    ]);
    assert_eq!(report["bytes"], dump.len());
    assert_eq!(std::fs::read(&json_file).unwrap(), dump);
    demo.cli()
        .args(["services", "postgres", "export", "api-db", "--json"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--output"));

    // A failed export leaves no file, not even a partial one.
    demo.cli()
        .args(["services", "postgres", "export", "no-such-db", "-o"])
        .arg(dumps.join("missing.dump"))
        .assert()
        .code(4);
    assert_eq!(files_in(&dumps), ["again.dump", "api-db.dump"]);

    // Import overwrites data: it asks, and a pipe cannot answer.
    demo.cli()
        .args(["services", "postgres", "create", "restore-db"])
        .assert()
        .success();
    demo.cli()
        .args(["services", "postgres", "import", "restore-db", "--input"])
        .arg(&file)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(format!(
            "overwrite the data of the postgres service restore-db with the {} bytes",
            dump.len()
        )));
    demo.cli()
        .args(["--dry-run", "services", "postgres", "import", "restore-db"])
        .arg("--input")
        .arg(&file)
        .assert()
        .success()
        .stdout("dokku postgres:import restore-db\n");
    demo.cli()
        .args([
            "services",
            "postgres",
            "import",
            "restore-db",
            "--yes",
            "-i",
        ])
        .arg(&file)
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "imported into postgres service restore-db",
        ));
    demo.cli()
        .args(["services", "postgres", "import", "restore-db", "--yes"])
        .write_stdin(piped.stdout.clone())
        .assert()
        .success();
    demo.cli()
        .args(["services", "postgres", "import", "restore-db", "--yes"])
        .write_stdin(Vec::new())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("the dump is empty"));
    demo.cli()
        .args([
            "services",
            "postgres",
            "import",
            "restore-db",
            "--yes",
            "-i",
        ])
        .arg(dumps.join("nope.dump"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot read the dump"));

    let subs = subcommands(&demo.history_rows());
    let count = |sub: &str| subs.iter().filter(|s| *s == sub).count();
    // Two imports ran; the refused, dry-run, empty and unreadable ones sent nothing.
    assert_eq!(count("postgres:import"), 2, "{subs:?}");
    assert_eq!(count("postgres:export"), 4, "{subs:?}");
}

#[test]
fn backup_secrets_come_from_stdin_and_stay_secret() {
    let demo = Demo::new();
    let key_id = "AKIAIOSFODNN7EXAMPLE";
    let secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY";
    let passphrase = "correct horse battery staple";

    // No credentials yet: the plugin refuses a backup.
    demo.cli()
        .args(["services", "postgres", "backup", "api-db", "my-bucket"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("AWS_ACCESS_KEY_ID"));

    demo.cli()
        .args([
            "--dry-run",
            "services",
            "postgres",
            "backup-auth",
            "api-db",
            key_id,
            "--region",
            "eu-west-1",
        ])
        .write_stdin(format!("{secret}\n"))
        .assert()
        .success()
        .stdout("dokku postgres:backup-auth api-db *** *** eu-west-1\n");
    demo.cli()
        .args(["services", "postgres", "backup-auth", "api-db", key_id])
        .write_stdin("")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no AWS secret access key given"));
    demo.cli()
        .args([
            "services",
            "postgres",
            "backup-auth",
            "api-db",
            key_id,
            "--endpoint-url",
            "https://s3.example.com",
        ])
        .write_stdin(secret)
        .assert()
        .code(2);
    // Still no credentials: neither the dry run nor the refusals sent any.
    demo.cli()
        .args(["services", "postgres", "backup", "api-db", "my-bucket"])
        .assert()
        .code(1);

    let auth = demo
        .cli()
        .args([
            "services",
            "postgres",
            "backup-auth",
            "api-db",
            key_id,
            "--region",
            "eu-west-1",
            "--json",
        ])
        .write_stdin(format!("{secret}\n"))
        .output()
        .unwrap();
    assert!(auth.status.success(), "{auth:?}");
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&auth.stdout),
        String::from_utf8_lossy(&auth.stderr)
    );
    assert!(!said.contains(secret) && !said.contains(key_id), "{said}");
    assert!(
        said.contains("backup-auth api-db *** *** eu-west-1"),
        "{said}"
    );
    demo.cli()
        .args(["services", "postgres", "backup", "api-db", "my-bucket"])
        .assert()
        .success()
        .stdout(predicate::str::contains("backed up api-db to my-bucket"));

    demo.cli()
        .args([
            "--dry-run",
            "services",
            "postgres",
            "backup-set-encryption",
            "api-db",
        ])
        .write_stdin(passphrase)
        .assert()
        .success()
        .stdout("dokku postgres:backup-set-encryption api-db ***\n");
    let encrypted = demo
        .cli()
        .args(["services", "postgres", "backup-set-encryption", "api-db"])
        .write_stdin(format!("{passphrase}\r\n"))
        .output()
        .unwrap();
    assert!(encrypted.status.success(), "{encrypted:?}");
    assert!(!String::from_utf8_lossy(&encrypted.stdout).contains(passphrase));
    demo.cli()
        .args(["services", "postgres", "backup-set-encryption", "api-db"])
        .write_stdin("two\nlines\n")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("more than one line"));

    // Neither the history nor its export holds a secret or the key id.
    let rows = demo.history_rows();
    let subs = subcommands(&rows);
    assert_eq!(
        subs.iter().filter(|s| *s == "postgres:backup-auth").count(),
        1,
        "{subs:?}"
    );
    assert!(subs.contains(&"postgres:backup-set-encryption".to_owned()));
    let export = demo.cli().args(["history", "export"]).output().unwrap();
    for text in [
        serde_json::to_string(&rows).unwrap(),
        String::from_utf8_lossy(&export.stdout).into_owned(),
    ] {
        for hidden in [secret, key_id, passphrase] {
            assert!(!text.contains(hidden), "{hidden} in the history");
        }
    }
    demo.cli()
        .args(["services", "postgres", "backup-unset-encryption", "api-db"])
        .assert()
        .success();
    demo.cli()
        .args(["services", "postgres", "backup-deauth", "api-db"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "removed the backup credentials of api-db",
        ));
    demo.cli()
        .args(["services", "postgres", "backup", "api-db", "my-bucket"])
        .assert()
        .code(1);
}

#[test]
fn backups_on_a_schedule() {
    let demo = Demo::new();
    let cat = ["services", "postgres", "backup-schedule-cat", "api-db"];
    demo.cli().args(cat).assert().code(1);
    for bad in ["0 3 * *", "0 3 * * *\n* * * * * rm -rf /", ""] {
        demo.cli()
            .args([
                "services",
                "postgres",
                "backup-schedule",
                "api-db",
                bad,
                "b",
            ])
            .assert()
            .code(2)
            .stderr(predicate::str::contains("not a cron schedule"));
    }
    demo.cli()
        .args([
            "services",
            "postgres",
            "backup-schedule",
            "api-db",
            "0 3 * * *",
            "-bucket",
        ])
        .assert()
        .code(2);
    demo.cli()
        .args([
            "--dry-run",
            "services",
            "postgres",
            "backup-schedule",
            "api-db",
            "0 3 * * *",
            "my-bucket",
            "--use-iam",
        ])
        .assert()
        .success()
        .stdout("dokku postgres:backup-schedule api-db '0 3 * * *' my-bucket --use-iam\n");
    demo.cli().args(cat).assert().code(1);

    demo.cli()
        .args([
            "services",
            "postgres",
            "backup-schedule",
            "api-db",
            "0 3 * * *",
            "my-bucket",
        ])
        .assert()
        .success();
    let line = demo.json(&cat);
    assert_eq!(line["service"], "api-db");
    let schedule = line["schedule"].as_str().unwrap();
    assert!(
        schedule.starts_with("0 3 * * * ") && schedule.contains("postgres:backup api-db my-bucket"),
        "{schedule}"
    );
    demo.cli()
        .args(["services", "postgres", "backup-unschedule", "api-db"])
        .assert()
        .success();
    demo.cli().args(cat).assert().code(1);
}

#[test]
fn clone_promote_upgrade_and_pause() {
    let demo = Demo::new();
    let names = |demo: &Demo| -> Vec<String> {
        demo.json(&["services", "postgres", "list"])
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["name"].as_str().unwrap().to_owned())
            .collect()
    };
    demo.cli()
        .args([
            "--dry-run",
            "services",
            "postgres",
            "clone",
            "api-db",
            "api-db-copy",
        ])
        .assert()
        .success()
        .stdout("dokku postgres:clone api-db api-db-copy\n");
    assert!(!names(&demo).contains(&"api-db-copy".to_owned()));
    demo.cli()
        .args(["services", "postgres", "clone", "api-db", "api-db-copy"])
        .assert()
        .success()
        .stdout(predicate::str::contains("cloned api-db to api-db-copy"));
    assert!(names(&demo).contains(&"api-db-copy".to_owned()));

    let dsn = |svc: &str| {
        demo.json(&["services", "postgres", "info", svc, "--reveal"])["dsn"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let url = || {
        demo.json(&["config", "get", "api", "DATABASE_URL", "--reveal"])["value"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let (old, new) = (dsn("api-db"), dsn("api-db-copy"));
    assert_ne!(old, new);
    assert_eq!(url(), old);
    // Promoting needs a link; linking beside api-db keeps DATABASE_URL.
    demo.cli()
        .args(["services", "postgres", "promote", "api-db-copy", "api"])
        .assert()
        .code(1);
    // DATABASE_URL is taken: Dokku picks a colour alias, and says which.
    let linked = demo.json(&["services", "postgres", "link", "api-db-copy", "api"]);
    let var = linked["env_var"].as_str().unwrap_or_default();
    assert!(
        var.starts_with("DOKKU_POSTGRES_") && var.ends_with("_URL"),
        "{linked}"
    );
    assert_eq!(url(), old);
    demo.cli()
        .args([
            "--dry-run",
            "services",
            "postgres",
            "promote",
            "api-db-copy",
            "api",
        ])
        .assert()
        .success()
        .stdout("dokku postgres:promote api-db-copy api\n");
    assert_eq!(url(), old);
    demo.cli()
        .args(["services", "postgres", "promote", "api-db-copy", "api"])
        .assert()
        .success()
        .stdout(predicate::str::contains("promoted api-db-copy on api"))
        .stdout(predicate::str::contains(new.as_str()).not());
    assert_eq!(url(), new);

    demo.cli()
        .args([
            "--dry-run",
            "services",
            "postgres",
            "upgrade",
            "api-db",
            "--image-version",
            "17.3",
            "--restart-apps",
            "false",
        ])
        .assert()
        .success()
        .stdout("dokku postgres:upgrade api-db --image-version 17.3 --restart-apps false\n");
    let version =
        |demo: &Demo| demo.json(&["services", "postgres", "info", "api-db"])["version"].clone();
    assert_eq!(version(&demo), "postgres:17.2");
    demo.cli()
        .args([
            "services",
            "postgres",
            "upgrade",
            "api-db",
            "--image-version",
            "17.3",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("upgraded postgres service api-db"));
    assert_eq!(version(&demo), "postgres:17.3");

    demo.cli()
        .args(["services", "postgres", "pause", "api-db", "--json"])
        .assert()
        .success()
        .stdout(predicate::str::contains("\"action\": \"paused\""));
    let info = demo.json(&["services", "postgres", "info", "api-db"]);
    assert_eq!(info["raw"]["status"], "paused", "{info}");
}
