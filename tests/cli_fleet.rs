//! The CLI's fleet commands end to end: `fleet status|apps|run` on the demo
//! fleet (three simulated hosts), `hosts` over a registry file, `--host
//! NAME` through it, and over a real sshd: first-contact pinning, `hosts
//! check`, and a changed host key refused by name with nothing sent.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "../dokku-ssh/tests/common/mod.rs"]
mod sshd;

mod cli_support;

use std::path::{Path, PathBuf};

use cli_support::{bare_cli, Demo};
use serde_json::{json, Value};

/// `cli --demo <args> --json` whatever its exit code: (code, stdout JSON,
/// stderr).
fn json_any(cmd: &mut assert_cmd::Command, args: &[&str]) -> (Option<i32>, Value, String) {
    let out = cmd.arg("--json").args(args).output().expect("cli runs");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{args:?} printed no JSON ({e}): {}\n{stderr}",
            String::from_utf8_lossy(&out.stdout)
        )
    });
    (out.status.code(), value, stderr)
}

fn host<'a>(hosts: &'a Value, name: &str) -> &'a Value {
    hosts
        .as_array()
        .expect("an array of hosts")
        .iter()
        .find(|h| h["host"] == name)
        .unwrap_or_else(|| panic!("no host {name} in {hosts}"))
}

/// The row of `host` in a table.
fn row<'a>(table: &'a str, host: &str) -> &'a str {
    table
        .lines()
        .find(|l| l.split_whitespace().next() == Some(host))
        .unwrap_or_else(|| panic!("no row for {host}:\n{table}"))
}

#[test]
fn fleet_status_shows_each_host_s_version_failing_apps_and_expiring_certificates() {
    let demo = Demo::new();
    let table = demo.shows(
        &["fleet", "status"],
        &["HOST", "DOKKU", "APPS", "FAILING", "CERTIFICATES EXPIRING"],
    );
    let eu = row(&table, "eu-1");
    assert!(eu.contains("0.38.27") && !eu.contains("behind"), "{eu}");
    assert!(eu.contains("4 running"), "{eu}");
    // Five days left by the host's own clock (the simulator's).
    assert!(eu.contains("blog in 5d 0h"), "{eu}");
    // api runs, but its last push failed (Dokku's build records).
    assert!(eu.contains("api (deploy failed)"), "{eu}");
    let us = row(&table, "us-1");
    assert!(us.contains("0.35.20 (behind)"), "{us}");
    assert!(
        us.contains("1 crashed") && us.contains("metrics (crashed)"),
        "{us}"
    );
    let legacy = row(&table, "legacy");
    assert!(legacy.contains("staging-api (stopped)"), "{legacy}");
    assert!(!legacy.contains("blog"), "{legacy}");
    // Every query was recorded, each row naming its host.
    let rows = demo.history_rows();
    let hosts: std::collections::BTreeSet<&str> =
        rows.iter().filter_map(|r| r["host"].as_str()).collect();
    assert_eq!(hosts, ["eu-1", "legacy", "us-1"].into_iter().collect());
    assert!(rows
        .iter()
        .all(|r| r["source"] == "cli" && r["actor"] == "tester"));
}

#[test]
fn fleet_status_json_has_one_object_per_host_and_the_skew() {
    let demo = Demo::new();
    let status = demo.json(&["fleet", "status", "--within-days", "7"]);
    assert_eq!(status["within_days"], 7);
    assert_eq!(status["hosts"].as_array().unwrap().len(), 3);
    let eu = host(&status["hosts"], "eu-1");
    assert_eq!(eu["ok"], true);
    assert_eq!(eu["error"], Value::Null);
    assert_eq!(eu["dokku_version"], "0.38.27");
    assert_eq!(eu["labels"]["env"], "prod");
    assert_eq!(eu["apps"]["total"], 4);
    let cert = &eu["expiring_certificates"][0];
    assert_eq!(cert["app"], "blog");
    assert_eq!(cert["expires_in_secs"], 5 * 86_400);
    assert!(
        cert["expires_at"].as_str().unwrap().ends_with('Z'),
        "{cert}"
    );
    let us = host(&status["hosts"], "us-1");
    assert_eq!(us["behind"], true);
    assert_eq!(us["apps"]["by_status"]["crashed"], 1);
    assert_eq!(us["failing"][0]["app"], "metrics");
    assert_eq!(us["failing"][0]["status"], "crashed");
    assert_eq!(eu["deploy_failed"], serde_json::json!(["api"]));
    assert_eq!(us["deploy_failed"], serde_json::json!([]));
    assert_eq!(status["skew"]["newest"], "0.38.27");
    assert_eq!(status["skew"]["uniform"], false);
    assert_eq!(
        status["skew"]["behind"],
        serde_json::json!(["legacy", "us-1"])
    );
    let letsencrypt = status["skew"]["missing_plugins"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["plugin"] == "letsencrypt")
        .expect("letsencrypt is missing somewhere");
    assert_eq!(letsencrypt["missing_on"], serde_json::json!(["legacy"]));
    // Within a day, nothing is expiring.
    let soon = demo.json(&["fleet", "status", "--within-days", "1"]);
    assert_eq!(
        host(&soon["hosts"], "eu-1")["expiring_certificates"],
        Value::Array(vec![])
    );
}

#[test]
fn fleet_apps_lists_every_host_s_apps_and_failing_keeps_the_down_ones() {
    let demo = Demo::new();
    let all = demo.json(&["fleet", "apps", "--where", "env=prod"]);
    let hosts = all["hosts"].as_array().unwrap();
    assert_eq!(
        hosts.iter().map(|h| h["host"].clone()).collect::<Vec<_>>(),
        ["eu-1", "us-1"]
    );
    let us_apps = &host(&all["hosts"], "us-1")["apps"];
    let names: Vec<&str> = us_apps
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["api", "metrics", "queue"]);
    let failing = demo.json(&["fleet", "apps", "--failing"]);
    let down: Vec<(String, String)> = failing["hosts"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|h| {
            h["apps"].as_array().unwrap().iter().map(move |a| {
                (
                    h["host"].as_str().unwrap().to_owned(),
                    format!(
                        "{} {}",
                        a["name"].as_str().unwrap(),
                        a["status"].as_str().unwrap()
                    ),
                )
            })
        })
        .collect();
    assert_eq!(
        down,
        [
            ("legacy".to_owned(), "staging-api stopped".to_owned()),
            ("us-1".to_owned(), "metrics crashed".to_owned()),
        ]
    );
    let table = demo.shows(&["fleet", "apps", "--failing"], &["HOST", "APP", "STATUS"]);
    assert!(row(&table, "us-1").contains("metrics"), "{table}");
}

#[test]
fn fleet_vitals_shows_each_host_s_memory_and_fullest_disk() {
    let demo = Demo::new();
    let table = demo.shows(
        &["fleet", "vitals"],
        &["HOST", "MEMORY", "USE%", "FULLEST DISK", "INODES USE%"],
    );
    let legacy = row(&table, "legacy");
    assert!(
        legacy.contains("838 of 981 MiB") && legacy.contains("85%"),
        "{table}"
    );
    assert!(
        legacy.contains("/ (20G)") && legacy.contains("92%"),
        "{table}"
    );
    assert!(row(&table, "eu-1").contains("1708 of 3915 MiB"), "{table}");
    let prod = demo.json(&["fleet", "vitals", "--where", "env=prod"]);
    let hosts = prod["hosts"].as_array().unwrap();
    assert_eq!(
        hosts.iter().map(|h| h["host"].clone()).collect::<Vec<_>>(),
        ["eu-1", "us-1"]
    );
    let us = host(&prod["hosts"], "us-1");
    assert_eq!(us["ok"], true, "{us}");
    assert_eq!(us["vitals"]["memory"]["total_mb"], 3915, "{us}");
    assert_eq!(us["vitals"]["disks"][0]["used_percent"], 40, "{us}");
    assert_eq!(
        demo.dry_run(&["fleet", "vitals", "--where", "env=staging"]),
        "legacy (demo (Dokku 0.35.20))\n"
    );
}

#[test]
fn fleet_backups_names_every_database_not_backed_up() {
    let demo = Demo::new();
    let table = demo.shows(
        &["fleet", "backups"],
        &["HOST", "PLUGIN", "SERVICE", "SCHEDULE", "BUCKET"],
    );
    let lines: Vec<&str> = table.lines().collect();
    let of = |host: &str, service: &str| {
        lines
            .iter()
            .find(|l| l.starts_with(host) && l.contains(&format!(" {service} ")))
            .unwrap_or_else(|| panic!("no {host} {service} in {table}"))
            .to_string()
    };
    assert!(
        of("eu-1", "shop-db").contains("0 3 * * *  acme-db-backups"),
        "{table}"
    );
    assert!(of("eu-1", "api-db").contains("none"), "{table}");
    assert!(of("us-1", "sessions").contains("none"), "{table}");
    let not = demo.json(&["fleet", "backups", "--not-backed-up", "--where", "eu-1"]);
    let eu = host(&not["hosts"], "eu-1");
    let services: Vec<String> = eu["services"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            format!(
                "{} {}",
                s["plugin"].as_str().unwrap(),
                s["service"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        services,
        ["postgres api-db", "redis cache", "redis sessions"]
    );
    assert!(eu["services"]
        .as_array()
        .unwrap()
        .iter()
        .all(|s| s["schedule"].is_null()));
    assert_eq!(
        demo.dry_run(&["fleet", "backups", "--where", "env=staging"]),
        "legacy (demo (Dokku 0.35.20))\n"
    );
}

const RESTART_API_ON_PROD: &[&str] = &[
    "fleet",
    "run",
    "--where",
    "env=prod",
    "--",
    "ps:restart",
    "api",
];

#[test]
fn fleet_run_shows_the_plan_and_a_dry_run_sends_nothing() {
    let demo = Demo::new();
    let plan = demo.dry_run(RESTART_API_ON_PROD);
    assert!(
        plan.contains("1 command(s) on 2 host(s) (changes state), selected by env=prod"),
        "{plan}"
    );
    assert!(
        plan.contains("eu-1 (demo (Dokku 0.38.27)): dokku ps:restart api"),
        "{plan}"
    );
    assert!(
        plan.contains("us-1 (demo (Dokku 0.35.20)): dokku ps:restart api"),
        "{plan}"
    );
    assert!(!plan.contains("legacy"), "{plan}");
    // A reading command's dry run names the hosts it would ask.
    let status = demo.dry_run(&["fleet", "status", "--where", "env=prod"]);
    assert_eq!(
        status.lines().collect::<Vec<_>>(),
        ["eu-1 (demo (Dokku 0.38.27))", "us-1 (demo (Dokku 0.35.20))"]
    );
    let json = demo.dry_run(&[
        "fleet",
        "run",
        "--where",
        "region=eu",
        "--json",
        "--",
        "ps:restart",
        "api",
    ]);
    let json: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(json["dry_run"], true);
    assert_eq!(json["plan"]["selection"], "region=eu");
    assert_eq!(json["plan"]["mutating"], true);
    assert_eq!(
        json["plan"]["commands"],
        serde_json::json!(["dokku ps:restart api"])
    );
    assert_eq!(
        json["plan"]["hosts"],
        serde_json::json!([
            {"host": "eu-1", "target": "demo (Dokku 0.38.27)"},
            {"host": "legacy", "target": "demo (Dokku 0.35.20)"},
        ])
    );
}

#[test]
fn fleet_deploys_names_a_failed_push_and_asks_the_history_for_older_hosts() {
    let demo = Demo::new();
    let table = demo.shows(
        &["fleet", "deploys"],
        &["HOST", "APP", "LAST DEPLOY", "AT (UTC)", "SOURCE"],
    );
    // eu-1 (0.38.27): the demo's failed push, from Dokku's build records.
    let eu_api = table
        .lines()
        .find(|l| l.starts_with("eu-1") && l.contains(" api "))
        .unwrap_or_else(|| panic!("no eu-1 api in {table}"));
    assert!(
        eu_api.contains("failed")
            && eu_api.contains("2025-01-08T04:50:41Z")
            && eu_api.ends_with("git-hook"),
        "{table}"
    );
    // us-1 and legacy (0.35.20) keep no build records: their last deploys
    // come from this tool's history, which has none of them (a deploy read
    // from the history: dokku-fleet's test of DokkuBuilds).
    let json = demo.json(&["fleet", "deploys", "--where", "us-1,legacy"]);
    for name in ["us-1", "legacy"] {
        let row = host(&json["hosts"], name);
        assert_eq!(
            (row["ok"].clone(), row["deploys"].clone()),
            (json!(true), json!([])),
            "{json}"
        );
    }
    // --failed keeps the failed ones only.
    let failed = demo.json(&["fleet", "deploys", "--failed"]);
    assert_eq!(host(&failed["hosts"], "eu-1")["deploys"][0]["app"], "api");
    assert_eq!(
        host(&failed["hosts"], "us-1")["deploys"],
        serde_json::json!([])
    );
    // --running: what is being deployed now; nothing in the demo (its
    // failed push is not).
    let running = demo.json(&["fleet", "deploys", "--running"]);
    for name in ["eu-1", "us-1", "legacy"] {
        assert_eq!(
            host(&running["hosts"], name)["deploys"],
            json!([]),
            "{running}"
        );
    }
    demo.notes(
        &["fleet", "deploys", "--running"],
        "nothing is being deployed on these hosts",
    );
    demo.refused(
        &["fleet", "deploys", "--failed", "--running"],
        "cannot be used with",
    );
}

#[test]
fn fleet_run_asks_first_then_reports_each_host_and_exits_6_when_one_failed() {
    let demo = Demo::new();
    // No terminal to ask on, no --yes: refused, nothing sent.
    demo.refused(RESTART_API_ON_PROD, "without confirmation");
    // A selection of nothing, or of a host the fleet lacks, sends nothing.
    demo.refused(
        &[
            "fleet",
            "run",
            "--where",
            "env=mars",
            "--yes",
            "--",
            "ps:report",
        ],
        "no host matches",
    );
    demo.fails(
        &["fleet", "status", "--where", "mars"],
        4,
        "no host named mars",
    );

    // `api` is on eu-1 and us-1, not on legacy: two done, one failed.
    let (code, result, stderr) = json_any(
        &mut demo.cli(),
        &[
            "fleet",
            "run",
            "--where",
            "all",
            "--yes",
            "--",
            "ps:restart",
            "api",
        ],
    );
    assert_eq!(code, Some(6), "{stderr}");
    let error: Value = serde_json::from_str(stderr.trim()).unwrap();
    assert_eq!(error["error"]["code"], "hosts_failed");
    assert_eq!(error["error"]["exit_code"], 6);
    assert!(error["error"]["message"]
        .as_str()
        .unwrap()
        .contains("1 of 3 host(s) failed: legacy"));
    assert_eq!(result["plan"]["hosts"].as_array().unwrap().len(), 3);
    for name in ["eu-1", "us-1"] {
        let h = host(&result["hosts"], name);
        assert_eq!(h["ok"], true, "{h}");
        assert_eq!(h["steps"][0]["command"], "dokku ps:restart api");
        assert_eq!(h["steps"][0]["outcome"], "done");
        assert_eq!(h["steps"][0]["exit_code"], 0);
    }
    let legacy = host(&result["hosts"], "legacy");
    assert_eq!(legacy["ok"], false);
    assert_eq!(legacy["steps"][0]["outcome"], "failed");
    assert_eq!(legacy["steps"][0]["exit_code"], 20);
    assert!(
        legacy["error"]["message"]
            .as_str()
            .unwrap()
            .contains("does not exist"),
        "{legacy}"
    );
    // Sent once per host, never retried.
    let restarts = demo
        .history_rows()
        .into_iter()
        .filter(|r| r["subcommand"] == "ps:restart")
        .map(|r| r["host"].as_str().unwrap().to_owned())
        .collect::<std::collections::BTreeSet<_>>();
    assert_eq!(restarts.len(), 3);

    // For people: each host's outcome on stdout, the failure named.
    let out = demo
        .cli()
        .args([
            "fleet",
            "run",
            "--where",
            "region=eu",
            "--yes",
            "--",
            "ps:report",
            "staging-api",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(6));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("✓ legacy: dokku ps:report staging-api"),
        "{stdout}"
    );
    assert!(
        stdout.contains("✗ eu-1: dokku ps:report staging-api (failed, exit 20)"),
        "{stdout}"
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("1 of 2 host(s) failed: eu-1"), "{stderr}");
}

/// A command on a registry file of its own, with its own history.
struct Registry {
    dir: tempfile::TempDir,
}

impl Registry {
    fn new(text: &str) -> Self {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("hosts.toml"), text).unwrap();
        Registry { dir }
    }

    fn file(&self) -> PathBuf {
        self.dir.path().join("hosts.toml")
    }

    fn text(&self) -> String {
        std::fs::read_to_string(self.file()).unwrap()
    }

    fn cli(&self) -> assert_cmd::Command {
        let mut cmd = bare_cli();
        cmd.env("DOKKU_HOSTS_FILE", self.file())
            .arg("--history-db")
            .arg(self.dir.path().join("history.sqlite3"))
            .arg("--demo-state")
            .arg(self.dir.path().join("state"));
        cmd
    }

    fn run(&self, args: &[&str]) -> std::process::Output {
        self.cli().args(args).output().unwrap()
    }
}

fn said(out: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[test]
fn hosts_add_list_and_remove_edit_the_registry_keeping_its_comments() {
    let reg = Registry::new("# Our hosts.\n[hosts.sandbox]\ndemo = \"0.35.20\"\n");
    let out = reg.run(&[
        "hosts",
        "add",
        "eu-1",
        "dokku@eu-1.example.com:2222",
        "--label",
        "env=prod",
        "--identity",
        "/keys/eu",
    ]);
    assert!(out.status.success(), "{}", said(&out));
    assert!(said(&out).contains("cli hosts pin eu-1"), "{}", said(&out));
    let text = reg.text();
    assert!(text.starts_with("# Our hosts."), "{text}");
    assert!(
        text.contains("target = \"dokku@eu-1.example.com:2222\""),
        "{text}"
    );
    // Refused words name the rule; nothing is written.
    for bad in [
        &["hosts", "add", "Eu", "dokku@x"][..],
        &["hosts", "add", "x", "-oProxyCommand=evil"],
        &["hosts", "add", "x", "dokku@x", "--label", "env"],
    ] {
        let out = reg.run(bad);
        assert_eq!(out.status.code(), Some(2), "{bad:?}: {}", said(&out));
    }
    assert_eq!(reg.text(), text);

    let (code, list, _) = json_any(&mut reg.cli(), &["hosts", "list"]);
    assert_eq!(code, Some(0));
    assert_eq!(list["file"], reg.file().display().to_string());
    let eu = &list["hosts"][0];
    assert_eq!(
        (
            &eu["name"],
            &eu["kind"],
            &eu["pinned"],
            &eu["labels"]["env"],
            &eu["identity"]
        ),
        (
            &"eu-1".into(),
            &"ssh".into(),
            &false.into(),
            &"prod".into(),
            &"/keys/eu".into()
        )
    );
    assert_eq!(list["hosts"][1]["kind"], "demo");
    let table = String::from_utf8_lossy(&reg.run(&["hosts", "list"]).stdout).into_owned();
    assert!(row(&table, "eu-1").contains("not pinned"), "{table}");

    // Removing asks first; --dry-run writes nothing.
    assert_eq!(reg.run(&["hosts", "remove", "eu-1"]).status.code(), Some(2));
    assert!(reg
        .run(&["hosts", "remove", "eu-1", "--dry-run"])
        .status
        .success());
    assert_eq!(reg.text(), text);
    assert!(reg
        .run(&["hosts", "remove", "eu-1", "--yes"])
        .status
        .success());
    assert!(!reg.text().contains("eu-1") && reg.text().starts_with("# Our hosts."));
    let out = reg.run(&["hosts", "remove", "eu-1", "--yes"]);
    assert_eq!(out.status.code(), Some(4), "{}", said(&out));
    // The built-in demo fleet is not a file to edit.
    let out = reg.run(&["--demo", "hosts", "add", "x", "dokku@x"]);
    assert_eq!(out.status.code(), Some(2), "{}", said(&out));
}

#[test]
fn host_name_resolves_through_the_registry_and_unreachable_hosts_are_rows() {
    let reg = Registry::new(
        "[hosts.sandbox]\ndemo = \"0.35.20\"\nlabels = { env = \"staging\" }\n\n\
         [hosts.far]\ntarget = \"dokku@127.0.0.1:9\"\nlabels = { env = \"prod\" }\n",
    );
    // A registered demo host imitates its version.
    let out = reg.run(&["--host", "sandbox", "version"]);
    assert!(out.status.success(), "{}", said(&out));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "dokku 0.35.20\n");
    // A registered SSH host without a pin is not contacted at all.
    let out = reg.run(&["--host", "far", "apps", "list"]);
    assert_eq!(out.status.code(), Some(3), "{}", said(&out));
    let text = said(&out);
    assert!(
        text.contains("far (dokku@127.0.0.1:9) has no pinned host key"),
        "{text}"
    );
    assert!(text.contains("cli hosts pin far"), "{text}");
    // The fleet: every host a row, the failed one saying why, exit 6.
    let out = reg.run(&["fleet", "status"]);
    assert_eq!(out.status.code(), Some(6), "{}", said(&out));
    let table = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(row(&table, "far").contains("not pinned"), "{table}");
    assert!(row(&table, "sandbox").contains("0.35.20"), "{table}");
    assert!(
        row(&table, "sandbox").contains("metrics (crashed)"),
        "{table}"
    );
    let out = reg.run(&["fleet", "vitals"]);
    assert_eq!(out.status.code(), Some(6), "{}", said(&out));
    let table = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(row(&table, "far").contains("not pinned"), "{table}");
    assert!(row(&table, "sandbox").contains("of 3915 MiB"), "{table}");
    let out = reg.run(&["fleet", "backups"]);
    assert_eq!(out.status.code(), Some(6), "{}", said(&out));
    let table = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(row(&table, "far").contains("not pinned"), "{table}");
    assert!(row(&table, "sandbox").contains("postgres"), "{table}");
    let (code, status, _) = json_any(&mut reg.cli(), &["fleet", "status"]);
    assert_eq!(code, Some(6));
    let far = host(&status["hosts"], "far");
    assert_eq!(far["ok"], false);
    assert_eq!(far["error"]["kind"], "not pinned");
    assert_eq!(host(&status["hosts"], "sandbox")["ok"], true);
    let (code, check, _) = json_any(&mut reg.cli(), &["hosts", "check", "sandbox"]);
    assert_eq!(code, Some(0));
    assert_eq!(check[0]["dokku_version"], "0.35.20");
    // A broken registry names its file, line and field.
    std::fs::write(
        reg.file(),
        "[hosts.x]\ntarget = \"dokku@x\"\ncolour = \"red\"\n",
    )
    .unwrap();
    let out = reg.run(&["hosts", "list"]);
    assert_eq!(out.status.code(), Some(2));
    let text = said(&out);
    assert!(
        text.contains("hosts.toml:3:") && text.contains("colour"),
        "{text}"
    );
}

fn host_key_fingerprint(server: &sshd::Sshd) -> String {
    sshd::fingerprint(&server.dir.path().join("host_key.pub"))
}

fn pinned_in(file: &Path) -> Option<String> {
    std::fs::read_to_string(file)
        .unwrap()
        .lines()
        .find_map(|l| {
            l.strip_prefix("host_key = ")
                .map(|k| k.trim_matches('"').to_owned())
        })
}

#[test]
fn hosts_pin_stores_a_confirmed_key_and_a_changed_key_is_refused_by_name() {
    let Some(server) = sshd::Sshd::start() else {
        return;
    };
    let reg = Registry::new("");
    let target = format!("{}@127.0.0.1:{}", server.user, server.port);
    let key = server.client_key.display().to_string();
    let out = reg.run(&["hosts", "add", "alpha", &target, "--identity", &key]);
    assert!(out.status.success(), "{}", said(&out));

    // Before the pin: check refuses to connect, naming the host.
    let out = reg.run(&["hosts", "check"]);
    assert_eq!(out.status.code(), Some(6), "{}", said(&out));
    assert!(row(&String::from_utf8_lossy(&out.stdout), "alpha").contains("not pinned"));

    // First contact shows the fingerprint ssh-keygen shows; without a
    // terminal or --yes nothing is pinned, nor with another fingerprint.
    let fingerprint = host_key_fingerprint(&server);
    let out = reg.run(&["hosts", "pin", "alpha"]);
    assert_eq!(out.status.code(), Some(2), "{}", said(&out));
    assert!(
        said(&out).contains(&format!("presents the key {fingerprint}")),
        "{}",
        said(&out)
    );
    let wrong = "SHA256:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s";
    let out = reg.run(&["hosts", "pin", "alpha", "--fingerprint", wrong]);
    assert_eq!(out.status.code(), Some(2), "{}", said(&out));
    assert_eq!(pinned_in(&reg.file()), None);
    assert_eq!(server.accepted_logins(), 0, "{}", server.log_text());

    // The expected fingerprint pins without a question.
    let (code, pinned, stderr) = json_any(
        &mut reg.cli(),
        &["hosts", "pin", "alpha", "--fingerprint", &fingerprint],
    );
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(pinned["change"], "pinned");
    assert_eq!(pinned["fingerprint"], fingerprint.as_str());
    let pin = pinned_in(&reg.file()).expect("a pin in the file");
    assert!(pin.starts_with("ssh-ed25519 "), "{pin}");

    // Pinned: check connects and probes the version; --host NAME works
    // with no known_hosts at all.
    let (code, check, stderr) = json_any(&mut reg.cli(), &["hosts", "check"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(check[0]["host"], "alpha");
    assert_eq!(check[0]["ok"], true);
    assert!(check[0]["dokku_version"].as_str().is_some(), "{check}");
    let out = reg.run(&["--host", "alpha", "apps", "list", "--json"]);
    assert!(out.status.success(), "{}", said(&out));
    let rows = cli_support::history_rows(&mut reg.cli());
    assert!(rows
        .iter()
        .any(|r| r["host"] == "alpha" && r["target"] == target.as_str()));

    // The key changes: refused by name everywhere, nothing sent, the pin kept.
    server.rotate_host_key();
    let (logins, sessions) = (server.accepted_logins(), server.sessions_started());
    let out = reg.run(&["hosts", "check"]);
    assert_eq!(out.status.code(), Some(6), "{}", said(&out));
    assert!(row(&String::from_utf8_lossy(&out.stdout), "alpha").contains("host key refused"));
    let out = reg.run(&["--host", "alpha", "apps", "list"]);
    assert_eq!(out.status.code(), Some(3), "{}", said(&out));
    let text = said(&out);
    assert!(
        text.contains(&format!(
            "alpha ({target}) presented a host key that is not its pinned key"
        )),
        "{text}"
    );
    assert!(text.contains("--replace"), "{text}");
    let out = reg.run(&["hosts", "pin", "alpha", "--yes"]);
    assert_eq!(out.status.code(), Some(3), "{}", said(&out));
    assert!(said(&out).contains("alpha is pinned to"), "{}", said(&out));
    assert_eq!(pinned_in(&reg.file()).as_deref(), Some(pin.as_str()));
    assert_eq!(
        (server.accepted_logins(), server.sessions_started()),
        (logins, sessions),
        "{}",
        server.log_text()
    );

    // Replacing it on purpose names the old pin.
    let old = fingerprint.clone();
    let out = reg.run(&["hosts", "pin", "alpha", "--replace", &old, "--yes"]);
    assert!(out.status.success(), "{}", said(&out));
    assert_ne!(pinned_in(&reg.file()).as_deref(), Some(pin.as_str()));
    assert!(reg.run(&["hosts", "check", "alpha"]).status.success());
}

#[test]
fn an_explicit_host_is_refused_by_fleet_commands_but_dokku_host_in_the_environment_is_not() {
    let dir = tempfile::tempdir().unwrap();
    let hosts_file = dir.path().join("hosts.toml");
    std::fs::write(&hosts_file, "").unwrap();
    let out = bare_cli()
        .args(["--host", "dokku@eu.example.com", "--hosts-file"])
        .arg(&hosts_file)
        .args(["fleet", "status"])
        .output()
        .unwrap();
    let stderr = said(&out);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("--host dokku@eu.example.com names one host"),
        "{stderr}"
    );
    // An admin's shell that sets DOKKU_HOST: the fleet is still the
    // registry's (empty here: no host matches, exit 2 for the selection,
    // not for the environment).
    let out = bare_cli()
        .env("DOKKU_HOST", "dokku@eu.example.com")
        .arg("--hosts-file")
        .arg(&hosts_file)
        .args(["fleet", "status"])
        .output()
        .unwrap();
    let stderr = said(&out);
    assert!(!stderr.contains("names one host"), "{stderr}");
}

#[test]
fn demo_and_local_win_over_dokku_host_in_the_environment() {
    let demo = Demo::new();
    let out = demo
        .cli()
        .env("DOKKU_HOST", "dokku@eu.example.com")
        .args(["--json", "apps", "list"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", said(&out));
    let apps: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(apps.as_array().is_some_and(|a| !a.is_empty()), "{apps}");
    // Given on the command line, --host and --demo still contradict.
    let out = demo
        .cli()
        .args(["--host", "dokku@eu.example.com", "apps", "list"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", said(&out));
}
