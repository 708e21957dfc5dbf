//! The simulator against every `config`, `domains` and `logs` fixture of
//! dokku-core: byte-identical stdout, stderr and exit code, in a host whose
//! state is what the fixtures show; plus behaviour across commands.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "../../dokku-core/tests/common/mod.rs"]
mod common;

use std::sync::Arc;
use std::time::Duration;

use common::Fixture;
use dokku_core::{Chunk, Command, DokkuVersion, Executor};
use dokku_sim::commands::logs::set_container_log;
use dokku_sim::host::{profiles, App, ProcfileEntry, SimHost};
use dokku_sim::{dispatch, Outcome, SimExecutor};
use futures_util::StreamExt;

/// A fixture the simulator does not reproduce byte for byte: why, and the
/// exact stdout lines that differ (fixture line, simulator line). Every
/// other byte of the fixture must still match.
struct NotMatched {
    path: &'static str,
    reason: &'static str,
    stdout_lines: &'static [(&'static str, &'static str)],
}

// Every fixture is matched byte for byte; an entry here needs a reason.
const NOT_MATCHED: &[NotMatched] = &[];

/// Fixtures whose `same-in` claim is not checked against the older version,
/// with the reason.
const SAME_IN_EXCEPTIONS: &[(&str, &str)] = &[(
    "logs/logs-set-invalid-property.txt",
    "the fixture's own note: the property list differs per version (0.35 has no vector-cron-sink or vector-networks)",
)];

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

fn strings_map(pairs: &[(&str, &str)]) -> std::collections::BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

/// The host the fixtures were written against.
fn world(version: DokkuVersion) -> SimHost {
    let mut host = SimHost::new(version);
    host.global_domains = strings(&["dokku.me"]);
    host.global_config
        .insert("CURL_CONNECT_TIMEOUT".into(), "90".into());
    host.global_config
        .insert("CURL_TIMEOUT".into(), "600".into());

    let mut node = App {
        created_at: host.tick(60),
        deploy_source: "git".into(),
        deploy_source_metadata: "4f9d2c1b8a7e6d5c4b3a29180f7e6d5c4b3a2918".into(),
        deployed: true,
        procfile: ProcfileEntry::parse("web: npm start\nworker: node worker.js"),
        scale: [("web".to_owned(), 1), ("worker".to_owned(), 1)].into(),
        restore: true,
        domains: strings(&["node-js-app.dokku.me", "www.example.com"]),
        ..App::default()
    };
    node.converge("node-js-app");
    for (key, value) in [
        (
            "DATABASE_URL",
            "postgres://app:s3cret@dokku-postgres-node-js-db:5432/node_js_db?sslmode=disable&pool=5",
        ),
        ("GREETING", "Grüße aus Köln, 世界 ☕"),
        ("NODE_ENV", "production"),
        ("SLOGAN", "it's alive"),
        (
            "TLS_CERT",
            "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIU\n-----END CERTIFICATE-----",
        ),
    ] {
        node.config.insert(key.into(), value.into());
    }
    let logs = node.properties.entry("logs".into()).or_default();
    logs.insert("max-size".into(), "50m".into());
    logs.insert(
        "vector-sink".into(),
        "datadog_logs://?api_key=s3cr3tkey&site=datadoghq.eu".into(),
    );
    set_container_log(
        &mut node,
        "web.1",
        "2026-08-10T09:15:02.418263912Z > node-js-app@1.0.0 start\n\
         2026-08-10T09:15:02.977105330Z Server listening on port 5000\n\
         2026-08-10T09:16:41.003981226Z GET /health 200 0.612 ms - 2\n",
    );
    set_container_log(
        &mut node,
        "worker.1",
        "2026-08-10T09:15:03.120044871Z worker booted, polling queue default\n\
         2026-08-10T09:16:03.120551002Z processed 0 jobs\n",
    );
    host.apps.insert("node-js-app".into(), node);

    let python = App {
        created_at: host.tick(60),
        restore: true,
        // Created without global domains: vhost support off.
        config: [("NO_VHOST".to_owned(), "1".to_owned())].into(),
        ..App::default()
    };
    host.apps.insert("python-app".into(), python);
    host
}

/// The world, adjusted where one fixture shows a different state.
fn world_for(fixture: &Fixture, version: DokkuVersion) -> SimHost {
    let mut host = world(version);
    fn node(host: &mut SimHost) -> &mut App {
        host.apps.get_mut("node-js-app").unwrap()
    }
    match fixture.path.to_string_lossy().as_ref() {
        // A host without apps.
        "domains/report-no-apps-0.38.txt" => host.apps.clear(),
        // These two show only web.1's lines: node-js-app runs one web
        // container and no worker there.
        "logs/logs-snapshot.txt" | "logs/logs-quiet.txt" => {
            let app = node(&mut host);
            app.scale.insert("worker".into(), 0);
            app.converge("node-js-app");
        }
        // The field report's ENV after its second write: MSG holds the
        // value its first read mangled (the file is what godotenv writes
        // of this map).
        "config/export-corrupt-unterminated.txt"
        | "config/set-corrupt.txt"
        | "config/import-corrupt.txt" => {
            node(&mut host).config = strings_map(&[("B", "x"), ("MSG", "she said \"hi\\")]);
        }
        "config/keys-corrupt.txt" | "config/get-corrupt.txt" => {
            node(&mut host).config = strings_map(&[
                ("A", "abc\\"),
                ("NEXT", "lima"),
                ("OTHER", "x"),
                ("ZZZ", "omega"),
                ("ZZ_NUM", "5"),
            ]);
        }
        "config/export-envfile-integers.txt" => {
            node(&mut host).config = strings_map(&[
                ("A", "1"),
                ("B", "two words"),
                ("C", "quote'd"),
                ("D", "multi\nline"),
                ("NO_VHOST", "0"),
            ]);
        }
        "logs/logs-failed.txt" => {
            node(&mut host).failed_logs = strings(&[
                "> node-js-app@1.0.0 start",
                "Error: Cannot find module 'express'",
                "    at Module._resolveFilename (node:internal/modules/cjs/loader:1145:15)",
            ]);
        }
        _ => {}
    }
    host
}

/// Bytes as text with escapes visible, line by line.
fn show(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes)
        .replace('\x1b', "\\e")
        .replace('\t', "\\t");
    let mut shown = String::new();
    for line in text.split_inclusive('\n') {
        match line.strip_suffix('\n') {
            Some(l) => shown.push_str(&format!("  |{l}|\n")),
            None => shown.push_str(&format!("  |{line}|  (no newline)\n")),
        }
    }
    if shown.is_empty() {
        shown.push_str("  (empty)\n");
    }
    shown
}

fn compare(fixture: &Fixture, version: DokkuVersion) -> Option<String> {
    let mut host = world_for(fixture, version);
    let outcome = dispatch(&mut host, &fixture.argv(), &fixture.stdin());
    let out = outcome.output();
    let mut expected_stdout = fixture.stdout.clone();
    let path = fixture.path.to_string_lossy();
    if let Some(known) = NOT_MATCHED.iter().find(|n| n.path == path) {
        for (fixture_line, sim_line) in known.stdout_lines {
            let fixture_line = format!("{fixture_line}\n");
            assert!(
                expected_stdout.contains(&fixture_line),
                "{path}: the known difference {fixture_line:?} is gone ({})",
                known.reason
            );
            expected_stdout = expected_stdout.replace(&fixture_line, &format!("{sim_line}\n"));
        }
    }
    let mut problems = Vec::new();
    if out.stdout != expected_stdout.as_bytes() {
        problems.push(format!(
            "stdout differs\n expected:\n{} actual:\n{}",
            show(expected_stdout.as_bytes()),
            show(&out.stdout)
        ));
    }
    if out.stderr != fixture.stderr.as_bytes() {
        problems.push(format!(
            "stderr differs\n expected:\n{} actual:\n{}",
            show(fixture.stderr.as_bytes()),
            show(&out.stderr)
        ));
    }
    if out.code != fixture.exit {
        problems.push(format!(
            "exit code: expected {}, got {}",
            fixture.exit, out.code
        ));
    }
    if matches!(outcome, Outcome::Follow(_)) {
        problems.push("the command follows instead of finishing".to_owned());
    }
    (!problems.is_empty()).then(|| {
        format!(
            "{} on {version} ({}):\n{}",
            fixture.path.display(),
            fixture.command,
            problems.join("\n")
        )
    })
}

fn golden(dir: &str) {
    let fixtures = common::in_dir(dir);
    assert!(!fixtures.is_empty(), "no fixtures in {dir}");
    let mut failures = Vec::new();
    let mut checked = 0;
    for fixture in &fixtures {
        let path = fixture.path.to_string_lossy().into_owned();
        let mut versions = vec![fixture.version()];
        let same_in = fixture
            .header("same-in")
            .and_then(|v| v.split_whitespace().next())
            .and_then(DokkuVersion::parse);
        if let Some(other) = same_in {
            if !SAME_IN_EXCEPTIONS.iter().any(|(p, _)| *p == path) {
                versions.push(other);
            }
        }
        for version in versions {
            checked += 1;
            if let Some(failure) = compare(fixture, version) {
                failures.push(failure);
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {checked} {dir} fixture runs differ:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

#[test]
fn config_fixtures() {
    golden("config");
}

#[test]
fn domains_fixtures() {
    golden("domains");
}

#[test]
fn logs_fixtures() {
    golden("logs");
}

// ------------------------------------------------------------ behaviour

fn run(host: &mut SimHost, argv: &[&str]) -> (String, String, i32) {
    let outcome = dispatch(host, &strings(argv), b"");
    let out = outcome.output();
    (
        String::from_utf8(out.stdout.clone()).unwrap(),
        String::from_utf8(out.stderr.clone()).unwrap(),
        out.code,
    )
}

#[test]
fn config_set_get_unset_round_trip() {
    for version in [profiles::V0_38_27, profiles::V0_35_20] {
        let mut host = world(version);
        let (out, err, code) = run(
            &mut host,
            &[
                "config:set",
                "--no-restart",
                "python-app",
                "A=1",
                "B_LONG=two words",
            ],
        );
        assert_eq!(
            (out.as_str(), err.as_str(), code),
            (
                "-----> Setting config vars\n       A:       1\n       B_LONG:  two words\n",
                "",
                0
            )
        );
        assert_eq!(
            run(&mut host, &["config:get", "python-app", "B_LONG"]).0,
            "two words\n"
        );

        // --encoded: standard base64 with padding, multi-line values intact.
        let (_, _, code) = run(
            &mut host,
            &[
                "config:set",
                "--encoded",
                "--no-restart",
                "python-app",
                "PEM=bGluZSAxCmxpbmUgJzIn",
            ],
        );
        assert_eq!(code, 0);
        assert_eq!(
            run(&mut host, &["config:get", "python-app", "PEM"]).0,
            "line 1\nline '2'\n"
        );
        assert_eq!(
            run(&mut host, &["config:get", "--quoted", "python-app", "PEM"]).0,
            "'line 1\nline '\\''2'\\'''\n"
        );
        // python-app was created without a global vhost: its vhost support
        // is off through NO_VHOST=1, as on a real host (recording seq 45).
        assert_eq!(
            run(&mut host, &["config:keys", "python-app"]).0,
            "A\nB_LONG\nNO_VHOST\nPEM\n"
        );
        assert_eq!(
            run(
                &mut host,
                &[
                    "config:export",
                    "--merged",
                    "--format",
                    "docker-args-keys",
                    "python-app"
                ]
            )
            .0,
            "--env=A --env=B_LONG --env=CURL_CONNECT_TIMEOUT --env=CURL_TIMEOUT --env=NO_VHOST --env=PEM\n"
        );

        let (out, _, code) = run(
            &mut host,
            &["config:unset", "--no-restart", "python-app", "A", "PEM"],
        );
        assert_eq!(
            (out.as_str(), code),
            ("-----> Unsetting A\n-----> Unsetting PEM\n", 0)
        );
        assert_eq!(
            run(&mut host, &["config:get", "python-app", "A"]),
            (String::new(), String::new(), 1)
        );
        assert_eq!(
            run(&mut host, &["config:keys", "python-app"]).0,
            "B_LONG\nNO_VHOST\n"
        );

        let (out, _, _) = run(&mut host, &["config:clear", "--no-restart", "python-app"]);
        assert_eq!(out, "-----> Unsetting B_LONG\n-----> Unsetting NO_VHOST\n");
        assert_eq!(
            run(&mut host, &["config:show", "python-app"]).0,
            "=====> python-app env vars\n\n"
        );
        assert_eq!(
            run(
                &mut host,
                &["config:export", "--format", "json-list", "python-app"]
            )
            .0,
            "null\n"
        );
        assert_eq!(
            run(
                &mut host,
                &["config:export", "--format", "shell", "python-app"]
            )
            .0,
            " "
        );
    }
}

#[test]
fn config_set_restarts_unless_told_not_to() {
    let mut host = world(profiles::V0_38_27);
    let before = host.apps["node-js-app"].containers.clone();
    let (out, _, code) = run(&mut host, &["config:set", "node-js-app", "X=1"]);
    assert_eq!(code, 0);
    assert!(
        out.starts_with(
            "-----> Setting config vars\n       X:  1\n-----> Restarting app node-js-app\n"
        ),
        "{out}"
    );
    assert!(out.contains("-----> Deploying web (count=1)\n"), "{out}");
    assert_ne!(
        host.apps["node-js-app"].containers, before,
        "new containers"
    );

    // Not deployed: no restart at all on 0.38.27 (`triggerRestart` returns
    // for an app that was never deployed since 0.37.0; recorded, core seq
    // 39), the restart line alone on 0.35.20. --quiet silences the block.
    let (out, _, _) = run(&mut host, &["--quiet", "config:set", "python-app", "X=1"]);
    assert_eq!(out, "");
    let mut old = world(profiles::V0_35_20);
    let (out, _, _) = run(&mut old, &["--quiet", "config:set", "python-app", "X=1"]);
    assert_eq!(out, "-----> Restarting app python-app\n");
    // Other vars leave vhost support alone; NO_VHOST drives it.
    assert!(!host.apps["python-app"].vhost_enabled());
    run(
        &mut host,
        &["config:set", "--no-restart", "node-js-app", "NO_VHOST=1"],
    );
    assert!(!host.apps["node-js-app"].vhost_enabled());
    run(
        &mut host,
        &["config:unset", "--no-restart", "node-js-app", "NO_VHOST"],
    );
    assert!(host.apps["node-js-app"].vhost_enabled());
    // Global config never restarts anything.
    let (out, _, _) = run(&mut host, &["config:unset", "--global", "CURL_TIMEOUT"]);
    assert_eq!(out, "-----> Unsetting CURL_TIMEOUT\n");
}

#[test]
fn config_errors() {
    let mut host = world(profiles::V0_38_27);
    assert_eq!(
        run(
            &mut host,
            &[
                "config:set",
                "--no-restart",
                "node-js-app",
                "OK=1",
                "bad-key=2"
            ]
        ),
        (
            String::new(),
            " !     Invalid key name: 'bad-key'\n".into(),
            1
        )
    );
    // Nothing was written.
    assert_eq!(run(&mut host, &["config:get", "node-js-app", "OK"]).2, 1);
    assert_eq!(
        run(&mut host, &["config:show", "--bogus", "node-js-app"]),
        (
            String::new(),
            // pflag v1.0.10: the usage first, then the error (as real
            // Dokku 0.38.27 prints for `apps:list --bogus`, seq 242).
            "Usage of config:show:\nunknown flag: --bogus\n".into(),
            2
        )
    );
    assert_eq!(
        run(&mut host, &["config:keys", "Bad_App"]).1,
        // The 0.38.2+ rule's message (recording seq 244).
        " !     App name must begin with lowercase alphanumeric character, and may only contain lowercase alphanumerics, dots, and hyphens\n"
    );
}

#[test]
fn config_bundle_is_a_tar_of_one_file_per_key() {
    let mut host = world(profiles::V0_38_27);
    let outcome = dispatch(&mut host, &strings(&["config:bundle", "--global"]), b"");
    let tar = &outcome.output().stdout;
    // Two entries of one block of header and one of data each, then the
    // two zero blocks Go's tar writer ends with.
    assert_eq!(tar.len(), 4 * 512 + 1024);
    assert_eq!(&tar[..20], b"CURL_CONNECT_TIMEOUT");
    assert_eq!(&tar[512..514], b"90");
    assert_eq!(&tar[1024..1036], b"CURL_TIMEOUT");
    assert_eq!(&tar[1536..1539], b"600");
    assert!(tar[2048..].iter().all(|&b| b == 0));
}

#[test]
fn domains_add_and_remove_change_the_report() {
    for version in [profiles::V0_38_27, profiles::V0_35_20] {
        let mut host = world(version);
        let (out, err, code) = run(
            &mut host,
            &["domains:add", "node-js-app", "api.example.com"],
        );
        // Then `post-domains-update`: nginx rebuilds the deployed app's
        // config for every domain (recording seq 73).
        assert_eq!(
            (out.as_str(), err.as_str(), code),
            (
                "-----> Added api.example.com to node-js-app\n-----> Configuring api.example.com...(using built-in template)\n-----> Configuring node-js-app.dokku.me...(using built-in template)\n-----> Configuring www.example.com...(using built-in template)\n-----> Creating http nginx.conf\n       Reloading nginx\n",
                "",
                0
            )
        );
        let vhosts = run(
            &mut host,
            &["domains:report", "node-js-app", "--domains-app-vhosts"],
        )
        .0;
        assert_eq!(
            vhosts.trim_end(),
            "node-js-app.dokku.me www.example.com api.example.com"
        );
        // Adding it again is skipped (`grep -q`: nothing echoed).
        assert!(run(
            &mut host,
            &["domains:add", "node-js-app", "api.example.com"]
        )
        .0
        .starts_with(
            "-----> Skipping: api.example.com already added to node-js-app\n-----> Configuring"
        ));
        assert!(run(
            &mut host,
            &["domains:remove", "node-js-app", "www.example.com"]
        )
        .0
        .starts_with("-----> Removed www.example.com from node-js-app\n-----> Configuring"));
        let vhosts = run(
            &mut host,
            &["domains:report", "node-js-app", "--domains-app-vhosts"],
        )
        .0;
        assert_eq!(vhosts.trim_end(), "node-js-app.dokku.me api.example.com");

        // Adding a domain to an app with vhosts disabled enables them.
        run(&mut host, &["domains:add", "python-app", "py.example.com"]);
        assert_eq!(
            run(
                &mut host,
                &["domains:report", "python-app", "--domains-app-enabled"]
            )
            .0,
            "true\n"
        );
        assert_eq!(
            run(&mut host, &["config:get", "python-app", "NO_VHOST"]).0,
            "0\n"
        );
    }
}

#[test]
fn domains_enable_disable_clear_and_global() {
    let mut host = world(profiles::V0_38_27);
    let (out, _, code) = run(&mut host, &["domains:disable", "python-app"]);
    assert_eq!(
        (out.as_str(), code),
        (
            "-----> Domains (VHOST) support is already disabled for app (python-app)\n",
            0
        )
    );
    let (out, _, _) = run(&mut host, &["domains:enable", "python-app"]);
    // NO_VHOST=0 through config: the restart does nothing for an app that
    // was never deployed (recording seq 39).
    assert_eq!(out, "");
    assert_eq!(
        run(&mut host, &["domains:report", "python-app", "--format", "json"]).0,
        "{\"app-enabled\":\"true\",\"app-vhosts\":\"python-app.dokku.me\",\"global-enabled\":\"true\",\"global-vhosts\":\"dokku.me\"}\n"
    );
    // Clearing rebuilds the proxy config and writes no default vhosts
    // (recording seq 81).
    let (out, err, _) = run(&mut host, &["domains:clear", "python-app"]);
    assert_eq!(
        out,
        "-----> Creating http nginx.conf\n       Reloading nginx\n-----> Cleared domains in python-app\n"
    );
    assert_eq!(err, " !     No web listeners specified for python-app\n");
    let (out, _, _) = run(&mut host, &["domains:disable", "python-app"]);
    assert!(
        out.starts_with("-----> App virtual host support disabled\n-----> No port set, setting to random open high port\n"),
        "{out}"
    );

    assert_eq!(
        run(
            &mut host,
            &["domains:add-global", "dokku.me", "example.org"]
        )
        .0,
        "-----> Skipping dokku.me: already added\n-----> Added example.org\n"
    );
    assert_eq!(
        run(
            &mut host,
            &["domains:report", "--global", "--domains-global-vhosts"]
        )
        .0,
        "dokku.me example.org\n"
    );
    assert_eq!(
        run(&mut host, &["domains:clear-global"]).0,
        "-----> Clearing global domains\n"
    );
    assert_eq!(
        run(
            &mut host,
            &["domains:report", "--global", "--format", "json"]
        )
        .0,
        "{\"global-enabled\":\"false\",\"global-vhosts\":\"\"}\n"
    );
    // Without a global vhost, reset disables the app's vhosts.
    let (out, _, _) = run(&mut host, &["domains:reset", "node-js-app"]);
    // `subcommands/reset`: clear (a proxy rebuild), `domains_setup`
    // (vhosts off: a random port, a rebuild), another rebuild.
    assert!(
        out.starts_with("-----> Creating http nginx.conf\n       Reloading nginx\n-----> Cleared domains in node-js-app\n-----> Global server virtual host not set, disabling app vhost...\n-----> No port set, setting to random open high port\n"),
        "{out}"
    );
    assert!(
        out.ends_with("-----> Reset domains for node-js-app\n"),
        "{out}"
    );
    // Vhost support comes back on (`domains_enable --no-restart`, one
    // proxy rebuild), then `post-domains-update` rebuilds again.
    assert!(run(
        &mut host,
        &["domains:set", "node-js-app", "*.Example.com", "_"]
    )
    .0
    .starts_with("-----> Set *.Example.com _ for node-js-app\n-----> Configuring *.Example.com...(using built-in template)\n"));
    assert_eq!(
        run(&mut host, &["domains:set-global", "a_b.com"]),
        (
            String::new(),
            " !     a_b.com is invalid. exiting...\n".into(),
            1
        )
    );
}

#[test]
fn logs_generated_for_containers_without_explicit_lines() {
    let mut host = world(profiles::V0_38_27);
    host.apps.get_mut("node-js-app").unwrap().extra.clear();
    let (out, _, code) = run(&mut host, &["logs", "node-js-app", "-n", "2"]);
    assert_eq!(code, 0);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 4);
    assert!(lines[0].starts_with("\x1b[36m") && lines[0].contains(" app[web.1]:\x1b[0m "));
    assert!(
        lines[2].starts_with("\x1b[33m") && lines[2].contains(" app[worker.1]:\x1b[0m processed ")
    );
    // The same state prints the same lines.
    assert_eq!(run(&mut host, &["logs", "node-js-app", "-n", "2"]).0, out);
    // Quiet: the messages alone, in the same order.
    let quiet = run(&mut host, &["logs", "node-js-app", "-q", "--num=2"]).0;
    for (plain, pretty) in quiet.lines().zip(&lines) {
        assert!(pretty.ends_with(&format!("\x1b[0m {plain}")), "{pretty}");
    }
    // Time passes: older lines stay, new ones appear.
    host.tick(120);
    let later = run(&mut host, &["logs", "node-js-app", "-p", "web", "-n", "6"]).0;
    assert!(later.contains(lines[1]), "{later}");
}

#[test]
fn logs_errors() {
    let mut host = world(profiles::V0_38_27);
    assert_eq!(
        run(&mut host, &["logs", "node-js-app", "-n", "x"]),
        (
            String::new(),
            "invalid argument \"x\" for \"-n, --num\" flag: strconv.ParseInt: parsing \"x\": invalid syntax\nUsage of logs:\n".into(),
            2
        )
    );
    assert_eq!(run(&mut host, &["logs", "-z", "node-js-app"]).2, 2);
    let (out, _, code) = run(&mut host, &["logs", "-h"]);
    assert_eq!(code, 0);
    assert!(out.starts_with("Usage: dokku logs[:COMMAND]\n"), "{out}");
    assert_eq!(
        run(&mut host, &["logs:set", "node-js-app", "vector-image", "x"]).1,
        " !     vector-image may only be set globally with --global\n"
    );
    assert_eq!(
        run(&mut host, &["logs:set", "node-js-app", "max-size", "10x"]).1,
        " !     Invalid max-size unit measure, value must end in any of [k, m, g]\n"
    );
    assert_eq!(
        run(&mut host, &["logs:set"]).1,
        " !     Please specify an app to run the command on\n"
    );
}

#[test]
fn logs_report_json_and_global() {
    let mut host = world(profiles::V0_38_27);
    let json = run(
        &mut host,
        &["logs:report", "node-js-app", "--format", "json"],
    )
    .0;
    // Sinks are not redacted in JSON; stripped and legacy keys side by side.
    assert!(
        json.contains(
            "\"vector-sink\":\"datadog_logs://?api_key=s3cr3tkey\\u0026site=datadoghq.eu\""
        ),
        "{json}"
    );
    assert!(json.contains("\"logs-max-size\":\"50m\""), "{json}");
    assert!(json.contains("\"max-size\":\"50m\""), "{json}");
    run(&mut host, &["logs:set", "--global", "max-size", "20m"]);
    let text = run(&mut host, &["logs:report", "--global"]).0;
    assert!(
        text.starts_with("=====> --global logs information\n"),
        "{text}"
    );
    assert!(
        text.contains("       Logs global max size:           20m\n"),
        "{text}"
    );
    assert!(!text.contains("Logs max size:"), "{text}");

    let mut old = world(profiles::V0_35_20);
    let json = run(
        &mut old,
        &["logs:report", "node-js-app", "--format", "json"],
    )
    .0;
    assert!(json.contains("\"logs-global-max-size\":\"10m\""), "{json}");
    assert!(!json.contains("\"max-size\""), "{json}");
}

#[test]
fn logs_failed_for_all_apps() {
    let mut host = world(profiles::V0_38_27);
    host.apps.get_mut("python-app").unwrap().failed_logs = strings(&["boom"]);
    let (out, err, code) = run(&mut host, &["logs:failed"]);
    assert_eq!(code, 0);
    assert_eq!(
        out,
        "-----> Running logs:failed against app node-js-app\n=====> node-js-app failed deploy logs\n\
         -----> Running logs:failed against app python-app\n=====> python-app failed deploy logs\nboom\n"
    );
    assert_eq!(
        err,
        " !     Deprecated: logs:failed specified without app, assuming --all\n !     No failed containers found\n"
    );
}

#[tokio::test]
async fn logs_follow_streams_until_dropped() {
    let exec =
        SimExecutor::new(world(profiles::V0_38_27)).with_follow_interval(Duration::from_millis(10));
    let host = exec.host();
    let baseline = Arc::strong_count(&host);
    let command = Command::read("logs").args(["node-js-app", "-t", "-n", "1"]);
    let mut stream = exec.stream(&command).await.unwrap();

    let Some(Ok(Chunk::Stdout(initial))) = stream.next().await else {
        panic!("no initial lines");
    };
    let initial = String::from_utf8(initial).unwrap();
    assert_eq!(
        initial,
        "\x1b[36m2026-08-10T09:16:41.003981226Z app[web.1]:\x1b[0m GET /health 200 0.612 ms - 2\n\
         \x1b[33m2026-08-10T09:16:03.120551002Z app[worker.1]:\x1b[0m processed 0 jobs\n"
    );
    let mut ticks = Vec::new();
    for _ in 0..3 {
        let Some(Ok(Chunk::Stdout(bytes))) = stream.next().await else {
            panic!("the follow stopped");
        };
        ticks.push(String::from_utf8(bytes).unwrap());
    }
    for tick in &ticks {
        let lines: Vec<&str> = tick.lines().collect();
        assert_eq!(lines.len(), 2, "{tick}");
        assert!(lines[0].starts_with("\x1b[36m2026-08-10T09:1") && lines[0].contains("app[web.1]"));
        assert!(
            lines[1].starts_with("\x1b[33m2026-08-10T09:1") && lines[1].contains("app[worker.1]")
        );
    }
    // New lines, later each time.
    assert_ne!(ticks[0], ticks[1]);
    assert!(ticks[0] < ticks[1] && ticks[1] < ticks[2]);
    assert!(Arc::strong_count(&host) > baseline);

    drop(stream);
    assert_eq!(
        Arc::strong_count(&host),
        baseline,
        "the follow let go of the host"
    );
    // The host is free for other commands.
    let out = exec
        .run(&Command::read("config:get").args(["node-js-app", "NODE_ENV"]))
        .await
        .unwrap();
    assert_eq!(out.stdout, b"production\n");
}

#[test]
fn logs_follow_of_a_quiet_process_filter() {
    let mut host = world(profiles::V0_38_27);
    let outcome = dispatch(
        &mut host,
        &strings(&["logs", "node-js-app", "-tq", "-p", "worker", "-n", "1"]),
        b"",
    );
    let Outcome::Follow(mut follow) = outcome else {
        panic!("logs -t does not follow");
    };
    assert_eq!(follow.initial.stdout, b"processed 0 jobs\n");
    let next = dokku_sim::commands::follow_lines(&host, &mut follow, 0);
    assert_eq!(next.len(), 1);
    assert!(!next[0].contains('\x1b'), "{next:?}");
    assert_eq!(
        next,
        dokku_sim::commands::follow_lines(&host, &mut follow, 0)
    );
    assert_ne!(
        next,
        dokku_sim::commands::follow_lines(&host, &mut follow, 1)
    );
    // A follow of nothing finishes at once.
    let outcome = dispatch(
        &mut host,
        &strings(&["logs", "node-js-app", "-t", "-p", "release"]),
        b"",
    );
    assert!(matches!(outcome, Outcome::Done(ref out) if out.stdout.is_empty() && out.code == 0));
}

#[test]
fn bare_domains_prints_the_help_and_the_bash_report_covers_every_app() {
    let mut host = world(profiles::V0_35_20);
    // `subcommands/default` has printed the help since 0.20.0 (the
    // deprecated listing was removed, dokku/dokku 848373def).
    let (out, err, code) = run(&mut host, &["domains", "node-js-app"]);
    assert!(
        out.starts_with("Usage: dokku domains[:COMMAND]\n\nManage domains used by the proxy\n"),
        "{out:?}"
    );
    assert_eq!((err.as_str(), code), ("", 0));
    // bash runs every app through `| tee || true`: one app failing neither
    // stops the loop nor the exit code.
    assert_eq!(
        run(&mut host, &["domains:report", "--domains-app-vhosts"]),
        (
            "node-js-app.dokku.me www.example.com \n".into(),
            " !     not deployed\n".into(),
            0
        )
    );
    let (out, _, code) = run(&mut host, &["domains:report"]);
    assert_eq!(code, 0);
    assert!(
        out.contains("=====> python-app domains information\n       Domains app enabled:           false                    \n       Domains app vhosts:                                     \n"),
        "{out:?}"
    );
    host.apps.clear();
    assert_eq!(
        run(&mut host, &["domains:report"]),
        (
            String::new(),
            " !     You haven't deployed any applications yet\n".into(),
            0
        )
    );
}
