//! The pure `config`, `domains` and `logs` parsers on every fixture that has
//! one, with the typed results snapshotted (insta) and the facts that matter
//! asserted outright: config values decoded exactly (multi-line, unicode,
//! `\u0026`), the same domains report read alike from bash 0.35 text, Go 0.38
//! text and 0.38 JSON, and log lines split into timestamp, container and
//! message.
//!
//! Every fixture of the three plugins is either read by a parser here or
//! listed as having none (errors, info flags, formats the SDK never asks
//! for), so a new fixture cannot be silently skipped.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::collections::BTreeMap;
use std::time::{Duration, UNIX_EPOCH};

use common::one_report;
use common::Fixture;
use dokku_core::api::report::Report;
use dokku_core::model::domains::{DomainsReport, GlobalDomains};
use dokku_core::model::logs::{LogLine, LogsReport};
use dokku_core::parse;
use dokku_core::{AppName, ProcessType};

fn app() -> AppName {
    AppName::new("node-js-app").unwrap()
}

const TLS_CERT: &str =
    "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIU\n-----END CERTIFICATE-----";
const GREETING: &str = "Grüße aus Köln, 世界 ☕";
const DATABASE_URL: &str =
    "postgres://app:s3cret@dokku-postgres-node-js-db:5432/node_js_db?sslmode=disable&pool=5";

/// The parser that reads a fixture's stdout, chosen from what its command
/// asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Parser {
    ConfigExportJson,
    ConfigGet,
    ConfigKeys,
    DomainsReport { json: bool },
    DomainsReportAll,
    DomainsReportGlobal { json: bool },
    LogsSnapshot,
    LogsFailed,
    LogsReport,
}

fn parser_for(f: &Fixture) -> Option<Parser> {
    if f.exit != 0 {
        // Failures are classified by the client, not parsed.
        return None;
    }
    let argv = f.argv();
    let has = |flag: &str| argv.iter().any(|a| a == flag);
    let json = argv
        .windows(2)
        .any(|w| w[0] == "--format" && w[1] == "json");
    // Positional arguments: not flags, and not the value of `--format`.
    let positional = argv[1..]
        .iter()
        .zip(&argv)
        .filter(|(a, before)| !a.starts_with('-') && before.as_str() != "--format")
        .count();
    match argv[0].as_str() {
        "config:export" if json => Some(Parser::ConfigExportJson),
        "config:get" if !has("--quoted") => Some(Parser::ConfigGet),
        "config:keys" => Some(Parser::ConfigKeys),
        "domains:report" if argv.iter().any(|a| a.starts_with("--domains-")) => None,
        "domains:report" if has("--global") => Some(Parser::DomainsReportGlobal { json }),
        "domains:report" if positional > 0 => Some(Parser::DomainsReport { json }),
        "domains:report" if !json => Some(Parser::DomainsReportAll),
        "logs" => Some(Parser::LogsSnapshot),
        "logs:failed" => Some(Parser::LogsFailed),
        "logs:report" if argv.iter().any(|a| a.starts_with("--logs-")) => None,
        "logs:report" => Some(Parser::LogsReport),
        _ => None,
    }
}

fn fixtures() -> Vec<Fixture> {
    let mut all = common::in_dir("config");
    all.extend(common::in_dir("domains"));
    all.extend(common::in_dir("logs"));
    all
}

/// Values of a config map, exposed: what `SecretString`'s Debug hides.
fn exposed(vars: &dokku_core::model::config::ConfigVars) -> BTreeMap<String, String> {
    vars.iter()
        .map(|(k, v)| (k.to_string(), v.expose().to_owned()))
        .collect()
}

fn snapshot(name: &str, f: &Fixture, value: &dyn std::fmt::Debug) {
    let mut settings = insta::Settings::clone_current();
    settings.set_description(format!("dokku {} ({})", f.command, f.path.display()));
    settings.set_omit_expression(true);
    settings.bind(|| insta::assert_debug_snapshot!(name, value));
}

fn check_and_snapshot(f: &Fixture, parser: Parser) {
    let name = f.snapshot_name();
    let ctx = || format!("{} ({parser:?})", f.path.display());
    match parser {
        Parser::ConfigExportJson => {
            let vars =
                parse::config::export_json(&f.stdout).unwrap_or_else(|e| panic!("{}: {e}", ctx()));
            snapshot(&name, f, &vars);
            snapshot(&format!("{name}__exposed"), f, &exposed(&vars));
        }
        Parser::ConfigGet => {
            let value = parse::config::get(&f.stdout);
            assert_eq!(format!("{value:?}"), "SecretString(***)");
            snapshot(&format!("{name}__exposed"), f, &value.expose());
        }
        Parser::ConfigKeys => {
            let keys = parse::config::keys(&f.stdout).unwrap_or_else(|e| panic!("{}: {e}", ctx()));
            snapshot(&name, f, &keys);
        }
        Parser::DomainsReport { json } => {
            let report = one_report::<DomainsReport>(&f.stdout, json)
                .unwrap_or_else(|e| panic!("{}: {e}", ctx()));
            snapshot(&name, f, &report);
        }
        Parser::DomainsReportAll => {
            let reports =
                DomainsReport::from_output(&f.stdout).unwrap_or_else(|e| panic!("{}: {e}", ctx()));
            snapshot(&name, f, &reports);
        }
        Parser::DomainsReportGlobal { json } => {
            let global = one_report::<GlobalDomains>(&f.stdout, json)
                .unwrap_or_else(|e| panic!("{}: {e}", ctx()));
            snapshot(&name, f, &global);
        }
        Parser::LogsSnapshot => {
            let lines = parse::logs::snapshot(&app(), &f.stdout);
            snapshot(&name, f, &lines);
        }
        Parser::LogsReport => {
            let report = one_report::<LogsReport>(&f.stdout, false)
                .unwrap_or_else(|e| panic!("{}: {e}", ctx()));
            snapshot(&name, f, &report);
        }
        Parser::LogsFailed => {
            let failed =
                parse::logs::failed(&f.stdout).unwrap_or_else(|e| panic!("{}: {e}", ctx()));
            snapshot(&name, f, &failed);
        }
    }
}

// `SystemTime`'s Debug (inside `LogLine`) is `tv_sec`/`tv_nsec` on unix only.
#[cfg(unix)]
#[test]
fn every_fixture_with_a_parser_is_parsed_and_snapshotted() {
    let mut parsed = Vec::new();
    let mut unparsed = Vec::new();
    for f in fixtures() {
        match parser_for(&f) {
            Some(parser) => {
                check_and_snapshot(&f, parser);
                parsed.push(f.snapshot_name());
            }
            None => unparsed.push(f.snapshot_name()),
        }
    }
    parsed.sort();
    unparsed.sort();
    assert_eq!(
        parsed,
        [
            "config__export-json",
            "config__get",
            "config__get-global",
            "config__get-multiline",
            "config__keys",
            "domains__report-global-0.35",
            "domains__report-global-0.38",
            "domains__report-global-json-0.38",
            "domains__report-json-0.38",
            "domains__report-no-apps-0.38",
            "domains__report-text-0.35",
            "domains__report-text-0.38",
            "domains__report-text-0.38-all",
            "logs__logs-failed",
            "logs__logs-failed-none",
            "logs__logs-multi-process",
            "logs__logs-ps",
            "logs__logs-ps-no-containers",
            "logs__logs-quiet",
            "logs__logs-snapshot",
            "logs__report-text-0.38",
        ]
    );
    // Everything else is an error (classified by the client), an info flag,
    // an output format the SDK never requests, or a write whose output is
    // not read.
    assert_eq!(
        unparsed,
        [
            "config__export-corrupt-unterminated",
            "config__export-docker-args",
            "config__export-docker-args-keys",
            "config__export-envfile",
            "config__export-envfile-integers",
            "config__export-exports",
            "config__export-json-list",
            "config__export-pretty",
            "config__export-shell",
            "config__export-unknown-format",
            "config__get-corrupt",
            "config__get-extra-args",
            "config__get-missing",
            "config__get-no-key",
            "config__get-quoted",
            "config__import-corrupt",
            "config__import-envfile-json-input",
            "config__import-json",
            "config__import-json-quiet",
            "config__import-no-file",
            "config__keys-corrupt",
            "config__set",
            "config__set-corrupt",
            "config__set-encoded-invalid",
            "config__set-encoded-multiline",
            "config__set-global",
            "config__set-invalid-key",
            "config__set-invalid-pair",
            "config__set-missing-app",
            "config__set-no-pairs",
            "config__show-global",
            "config__show-missing-app",
            "config__show-no-app",
            "config__show-text",
            "config__unset",
            "config__unset-no-keys",
            "domains__add-invalid",
            "domains__report-flag-0.35",
            "domains__report-flag-0.38",
            "domains__report-flag-empty-0.35",
            "domains__report-flag-empty-0.38",
            "domains__report-format-with-flag-0.38",
            "domains__report-invalid-flag-0.35",
            "domains__report-invalid-flag-0.38",
            "domains__report-json-0.38-all",
            "domains__report-missing-app-0.35",
            "domains__report-missing-app-0.38",
            "logs__logs-missing-app",
            "logs__logs-no-app",
            "logs__logs-not-deployed",
            "logs__logs-set-invalid-property",
            "logs__logs-set-max-size",
            "logs__logs-set-vector-sink",
            "logs__logs-unset-max-size",
            "logs__report-vector-sink-flag",
        ]
    );
}

// ---------------------------------------------------------------- config

#[test]
fn config_export_json_decodes_values_exactly() {
    let f = Fixture::load("config/export-json.txt");
    // The fixture really carries the escapes the parser must undo.
    assert!(f.stdout.contains(r"\u0026pool=5"));
    assert!(f.stdout.contains(r"-----\nMIIB"));

    let vars = parse::config::export_json(&f.stdout).unwrap();
    let values = exposed(&vars);
    assert_eq!(
        values.keys().map(String::as_str).collect::<Vec<_>>(),
        ["DATABASE_URL", "GREETING", "NODE_ENV", "SLOGAN", "TLS_CERT"]
    );
    assert_eq!(values["DATABASE_URL"], DATABASE_URL);
    assert_eq!(values["GREETING"], GREETING);
    assert_eq!(values["NODE_ENV"], "production");
    assert_eq!(values["SLOGAN"], "it's alive");
    assert_eq!(values["TLS_CERT"], TLS_CERT);
    assert_eq!(values["TLS_CERT"].lines().count(), 3);

    // Debug of the typed map never shows a value.
    let debug = format!("{vars:?}");
    for value in values.values() {
        assert!(!debug.contains(value.as_str()), "{debug}");
    }
    assert_eq!(debug.matches("SecretString(***)").count(), 5);
}

#[test]
fn config_export_json_matches_the_other_exports_of_the_same_app() {
    let vars = exposed(
        &parse::config::export_json(&Fixture::load("config/export-json.txt").stdout).unwrap(),
    );

    let keys = parse::config::keys(&Fixture::load("config/keys.txt").stdout).unwrap();
    assert_eq!(
        keys.iter().map(|k| k.to_string()).collect::<Vec<_>>(),
        vars.keys().cloned().collect::<Vec<_>>()
    );
    assert_eq!(
        parse::config::get(&Fixture::load("config/get.txt").stdout).expose(),
        vars["GREETING"]
    );
    assert_eq!(
        parse::config::get(&Fixture::load("config/get-multiline.txt").stdout).expose(),
        vars["TLS_CERT"]
    );

    // json-list carries the same pairs in the same order.
    let list: Vec<BTreeMap<String, String>> =
        serde_json::from_str(&Fixture::load("config/export-json-list.txt").stdout).unwrap();
    let from_list: BTreeMap<String, String> = list
        .into_iter()
        .map(|mut m| (m.remove("name").unwrap(), m.remove("value").unwrap()))
        .collect();
    assert_eq!(from_list, vars);
}

#[test]
fn config_get_strips_exactly_one_newline() {
    assert_eq!(
        parse::config::get(&Fixture::load("config/get-multiline.txt").stdout).expose(),
        TLS_CERT
    );
    assert_eq!(
        parse::config::get(&Fixture::load("config/get-global.txt").stdout).expose(),
        "600"
    );
    assert_eq!(parse::config::get("x\n\n").expose(), "x\n");
    assert_eq!(parse::config::get("\n").expose(), "");
    assert_eq!(parse::config::get("no newline").expose(), "no newline");
}

#[test]
fn config_parser_errors_do_not_quote_values() {
    // A number where a string belongs, and a key Dokku would never print.
    for bad in [
        r#"{"TOKEN":"hunter2-secret","N":5}"#,
        r#"{"TOKEN":"hunter2-secret""#,
        r#"["hunter2-secret"]"#,
    ] {
        let e = parse::config::export_json(bad).unwrap_err();
        assert!(!e.to_string().contains("hunter2"), "{e}");
        assert!(!format!("{e:?}").contains("hunter2"), "{e:?}");
    }
    let e = parse::config::export_json(r#"{"1BAD":"hunter2-secret"}"#).unwrap_err();
    assert!(e.to_string().contains("1BAD"), "{e}");
    assert!(!e.to_string().contains("hunter2"), "{e}");
    assert!(parse::config::keys("GOOD\n1BAD\n").unwrap_err().line == Some(2));
}

// --------------------------------------------------------------- domains

fn expected_node_js_app() -> DomainsReport {
    DomainsReport {
        app: Some(app()),
        app_enabled: true,
        app_vhosts: vec!["node-js-app.dokku.me".into(), "www.example.com".into()],
        global: GlobalDomains {
            enabled: true,
            vhosts: vec!["dokku.me".into()],
        },
        raw: BTreeMap::new(),
    }
}

fn without_raw(mut report: DomainsReport) -> DomainsReport {
    report.raw.clear();
    report
}

#[test]
fn domains_report_is_the_same_from_bash_text_go_text_and_json() {
    let bash = Fixture::load("domains/report-text-0.35.txt");
    let go = Fixture::load("domains/report-text-0.38.txt");
    let json = Fixture::load("domains/report-json-0.38.txt");
    // The bash layout pads values with trailing spaces; the Go one does not.
    assert!(bash.stdout.contains("www.example.com \n"));
    assert!(bash.stdout.contains("true                     \n"));
    assert!(!go.stdout.contains(" \n"));

    let bash: DomainsReport = one_report(&bash.stdout, false).unwrap();
    let go: DomainsReport = one_report(&go.stdout, false).unwrap();
    let json: DomainsReport = one_report(&json.stdout, true).unwrap();

    assert_eq!(without_raw(bash.clone()), expected_node_js_app());
    assert_eq!(without_raw(go.clone()), expected_node_js_app());
    // JSON does not name the app; the handler fills it in.
    assert_eq!(json.app, None);
    assert_eq!(
        without_raw(DomainsReport {
            app: Some(app()),
            ..json.clone()
        }),
        expected_node_js_app()
    );

    // raw keeps what Dokku printed: prefixed keys in text (trimmed), bare
    // keys in JSON.
    assert_eq!(bash.raw, go.raw);
    assert_eq!(
        bash.raw.get("domains-app-vhosts").map(String::as_str),
        Some("node-js-app.dokku.me www.example.com")
    );
    assert_eq!(
        json.raw.keys().map(String::as_str).collect::<Vec<_>>(),
        [
            "app-enabled",
            "app-vhosts",
            "global-enabled",
            "global-vhosts"
        ]
    );
    assert_eq!(
        json.raw.get("app-vhosts").map(String::as_str),
        Some("node-js-app.dokku.me www.example.com")
    );
}

#[test]
fn domains_global_report_is_the_same_in_every_version_and_format() {
    let bash = Fixture::load("domains/report-global-0.35.txt");
    let go = Fixture::load("domains/report-global-0.38.txt");
    let json = Fixture::load("domains/report-global-json-0.38.txt");
    // The header's first word differs; it is not an app name.
    assert!(bash
        .stdout
        .starts_with("=====> Global domains information\n"));
    assert!(go
        .stdout
        .starts_with("=====> --global domains information\n"));

    let expected = GlobalDomains {
        enabled: true,
        vhosts: vec!["dokku.me".into()],
    };
    assert_eq!(
        one_report::<GlobalDomains>(&bash.stdout, false).unwrap(),
        expected
    );
    assert_eq!(
        one_report::<GlobalDomains>(&go.stdout, false).unwrap(),
        expected
    );
    assert_eq!(
        one_report::<GlobalDomains>(&json.stdout, true).unwrap(),
        expected
    );
    // And the app report's view of the global settings agrees.
    assert_eq!(expected_node_js_app().global, expected);
}

#[test]
fn domains_report_all_reads_every_block() {
    let all = Fixture::load("domains/report-text-0.38-all.txt");
    let reports = DomainsReport::from_output(&all.stdout).unwrap();
    assert_eq!(reports.len(), 2);
    assert_eq!(without_raw(reports[0].clone()), expected_node_js_app());
    // The first block is exactly the single-app report.
    let single: DomainsReport =
        one_report(&Fixture::load("domains/report-text-0.38.txt").stdout, false).unwrap();
    assert_eq!(reports[0], single);

    let python = &reports[1];
    assert_eq!(python.app, Some(AppName::new("python-app").unwrap()));
    assert!(!python.app_enabled);
    assert!(python.app_vhosts.is_empty());
    assert_eq!(
        python.raw.get("domains-app-vhosts").map(String::as_str),
        Some("")
    );
    assert_eq!(python.global, expected_node_js_app().global);

    // No apps: a warning on stderr, nothing on stdout, exit 0.
    let none = Fixture::load("domains/report-no-apps-0.38.txt");
    assert_eq!(none.exit, 0);
    assert_eq!(DomainsReport::from_output(&none.stdout).unwrap(), []);
}

// ------------------------------------------------------------------ logs

/// Seconds and nanoseconds since the epoch.
fn unix(line: &LogLine) -> (u64, u32) {
    let d = line.timestamp.unwrap().duration_since(UNIX_EPOCH).unwrap();
    (d.as_secs(), d.subsec_nanos())
}

#[test]
fn log_timestamps_are_docker_utc_nanoseconds() {
    // 2026-08-10T09:16:41.003981226Z, by hand: 1970-01-01 → 2026-01-01 is
    // 56 years with 14 leap days (1972 … 2024) = 20454 days; Jan–Jul 2026 is
    // 31+28+31+30+31+30+31 = 212 days, and the 10th is 9 more: 20675 days =
    // 1_786_320_000 s; 09:16:41 adds 33_401 s.
    let t = parse::logs::rfc3339_utc("2026-08-10T09:16:41.003981226Z").unwrap();
    assert_eq!(
        t.duration_since(UNIX_EPOCH).unwrap(),
        Duration::new(1_786_353_401, 3_981_226)
    );

    let f = Fixture::load("logs/logs-snapshot.txt");
    let lines = parse::logs::snapshot(&app(), &f.stdout);
    assert_eq!(lines.len(), 3);
    assert_eq!(unix(&lines[2]), (1_786_353_401, 3_981_226));
    assert_eq!(unix(&lines[0]), (1_786_353_302, 418_263_912));

    // Every prefixed line of every fixture: the parsed time is its stamp.
    for f in common::in_dir("logs") {
        for (raw, parsed) in f
            .stdout
            .lines()
            .zip(parse::logs::snapshot(&app(), &f.stdout))
        {
            let plain = parse::strip_ansi(raw);
            let stamp = plain.split(' ').next().unwrap();
            match parse::logs::rfc3339_utc(stamp) {
                Some(t) => assert_eq!(parsed.timestamp, Some(t), "{raw:?}"),
                None => assert_eq!(parsed.timestamp, None, "{raw:?}"),
            }
        }
    }
}

#[test]
fn log_lines_carry_process_index_and_the_bare_message() {
    let f = Fixture::load("logs/logs-snapshot.txt");
    assert!(f.stdout.contains("\u{1b}[36m"));
    let lines = parse::logs::snapshot(&app(), &f.stdout);
    let web = ProcessType::web();
    for line in &lines {
        assert_eq!(line.app, app());
        assert_eq!(line.process_type.as_ref(), Some(&web));
        assert_eq!(line.index, Some(1));
        assert!(!line.message.contains('\u{1b}'), "{:?}", line.message);
        assert!(!line.message.starts_with(' '), "{:?}", line.message);
    }
    let messages: Vec<&str> = lines.iter().map(|l| l.message.as_str()).collect();
    assert_eq!(
        messages,
        [
            "> node-js-app@1.0.0 start",
            "Server listening on port 5000",
            "GET /health 200 0.612 ms - 2"
        ]
    );

    // Only one space after the prefix is Dokku's; the rest is the message.
    let indented = parse::logs::line(
        &app(),
        "\u{1b}[36m2026-08-10T09:15:02.418263912Z app[web.1]:\u{1b}[0m    at main (index.js:1)",
    );
    assert_eq!(indented.message, "   at main (index.js:1)");

    let ps = parse::logs::snapshot(&app(), &Fixture::load("logs/logs-ps.txt").stdout);
    assert_eq!(ps.len(), 2);
    assert!(ps
        .iter()
        .all(|l| l.process_type.as_ref().map(ProcessType::as_str) == Some("worker")));
}

#[test]
fn quiet_log_lines_have_only_a_message() {
    let f = Fixture::load("logs/logs-quiet.txt");
    let lines = parse::logs::snapshot(&app(), &f.stdout);
    assert_eq!(
        lines,
        f.stdout
            .lines()
            .map(|m| LogLine {
                app: app(),
                timestamp: None,
                process_type: None,
                index: None,
                message: m.to_owned(),
            })
            .collect::<Vec<_>>()
    );
    assert_eq!(lines[0].message, "> node-js-app@1.0.0 start");
}

#[test]
fn multi_process_logs_keep_both_process_types_in_container_order() {
    let f = Fixture::load("logs/logs-multi-process.txt");
    let lines = parse::logs::snapshot(&app(), &f.stdout);
    let dynos: Vec<(String, u32)> = lines
        .iter()
        .map(|l| {
            (
                l.process_type.as_ref().unwrap().to_string(),
                l.index.unwrap(),
            )
        })
        .collect();
    assert_eq!(
        dynos,
        [
            ("web".to_owned(), 1),
            ("web".to_owned(), 1),
            ("worker".to_owned(), 1),
            ("worker".to_owned(), 1)
        ]
    );
    // Containers interleave arbitrarily, but each one's lines stay in order.
    for kind in ["web", "worker"] {
        let times: Vec<_> = lines
            .iter()
            .filter(|l| l.process_type.as_ref().map(ProcessType::as_str) == Some(kind))
            .map(|l| l.timestamp.unwrap())
            .collect();
        assert!(times.windows(2).all(|w| w[0] <= w[1]), "{kind}");
    }
    assert_eq!(lines[2].message, "worker booted, polling queue default");
    assert_eq!(unix(&lines[2]), (1_786_353_303, 120_044_871));
}

#[test]
fn no_containers_means_no_lines() {
    let f = Fixture::load("logs/logs-ps-no-containers.txt");
    assert_eq!(parse::logs::snapshot(&app(), &f.stdout), []);
}

#[test]
fn failed_logs_are_grouped_per_app() {
    let f = Fixture::load("logs/logs-failed.txt");
    let failed = parse::logs::failed(&f.stdout).unwrap();
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0].app, app());
    assert_eq!(
        failed[0].lines,
        [
            "> node-js-app@1.0.0 start",
            "Error: Cannot find module 'express'",
            "    at Module._resolveFilename (node:internal/modules/cjs/loader:1145:15)",
        ]
    );

    // `--all` prints one block per app.
    let two = format!(
        "{}=====> python-app failed deploy logs\nTraceback (most recent call last):\n",
        f.stdout
    );
    let failed = parse::logs::failed(&two).unwrap();
    assert_eq!(
        failed
            .iter()
            .map(|f| (f.app.as_str(), f.lines.len()))
            .collect::<Vec<_>>(),
        [("node-js-app", 3), ("python-app", 1)]
    );

    // Nothing failed: Dokku still prints the header (the warning goes to
    // stderr), and there are no lines.
    let none = Fixture::load("logs/logs-failed-none.txt");
    let failed = parse::logs::failed(&none.stdout).unwrap();
    assert!(failed.iter().all(|f| f.lines.is_empty()), "{failed:?}");
    assert_eq!(parse::logs::failed("").unwrap(), []);

    // Output before any header is not something Dokku prints.
    assert_eq!(parse::logs::failed("stray\n").unwrap_err().line, Some(1));
}
