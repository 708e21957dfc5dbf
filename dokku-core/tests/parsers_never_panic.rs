//! Property tests: every parser in `dokku_core::parse` returns (a value or
//! a `ParseError`) without panicking, on arbitrary strings, on arbitrary
//! bytes read lossily, on line soup built from Dokku's own markers, on
//! arbitrary JSON, and on mutations of the real fixture outputs (truncated,
//! with characters, markers or lines inserted, lines dropped or repeated).
//!
//! Parsers covered: `report::{text, json, single, label_to_key, parse_bool,
//! parse_u64, non_empty}`, `apps::{list_text, list_json, report,
//! report_all, typed}`, `ps::{report, report_all, scale_text, scale_json,
//! typed}`, `plugin::{list, list_json, list_text}`, `version::version`, and
//! the helpers `strip_ansi`, `strip_warn_prefixes`, `expect_success` and
//! `DokkuVersion::parse`, `config::{export_json, keys, get}`,
//! `domains::{report, report_all, report_global}` and
//! `logs::{snapshot, rfc3339_utc, failed}`.
//!
//! Besides not panicking, an error that names a line must name one that
//! exists. Sized to run in a few seconds in a debug build.
// clippy.toml's allow-*-in-tests covers `#[test]` functions only, not the
// helpers of an integration test crate.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::collections::BTreeMap;
use std::sync::OnceLock;

use dokku_core::parse::report::RawReport;
use dokku_core::parse::{self, ParseError};
use dokku_core::{AppName, Command, DokkuVersion, ExitStatus, Output};
use proptest::prelude::*;
use proptest::sample::select;

/// Every fixture's stdout and stderr (all plugins), loaded once.
fn corpus() -> &'static [String] {
    static CORPUS: OnceLock<Vec<String>> = OnceLock::new();
    CORPUS.get_or_init(|| {
        common::all()
            .into_iter()
            .flat_map(|f| [f.stdout, f.stderr])
            .filter(|s| !s.is_empty())
            .collect()
    })
}

/// A parse result's error, if it names a line, must name one of `input`'s.
fn line_in_range<T>(what: &str, input: &str, result: Result<T, ParseError>) {
    if let Err(e) = result {
        if let Some(line) = e.line {
            let lines = input.lines().count();
            assert!(
                (1..=lines).contains(&line),
                "{what}: error names line {line} of {lines}: {e}"
            );
        }
        // Display must not panic either.
        let _ = e.to_string();
    }
}

/// Run every parser on `input`.
fn all_parsers(input: &str) {
    use parse::{apps, config, domains, logs, plugin, ps, report, version};

    line_in_range("report::text", input, report::text("apps:report", input));
    line_in_range("report::json", input, report::json("ps:report", input));
    line_in_range(
        "report::single",
        input,
        report::single("apps:report", input, false),
    );
    line_in_range(
        "report::single json",
        input,
        report::single("apps:report", input, true),
    );
    let _ = report::label_to_key(input);
    let _ = report::parse_bool("ps:report", "deployed", input);
    let _ = report::parse_u64("apps:report", "created-at", input);
    let _ = report::non_empty(Some(input));

    line_in_range("apps::list_text", input, apps::list_text(input));
    line_in_range("apps::list_json", input, apps::list_json(input));
    line_in_range("apps::report", input, apps::report(input, false));
    line_in_range("apps::report json", input, apps::report(input, true));
    line_in_range("apps::report_all", input, apps::report_all(input));

    line_in_range("ps::report", input, ps::report(input, false));
    line_in_range("ps::report json", input, ps::report(input, true));
    line_in_range("ps::report_all", input, ps::report_all(input));
    line_in_range("ps::scale_text", input, ps::scale_text(input));
    line_in_range("ps::scale_json", input, ps::scale_json(input));

    line_in_range("plugin::list", input, plugin::list(input));
    line_in_range("plugin::list_json", input, plugin::list_json(input));
    line_in_range("plugin::list_text", input, plugin::list_text(input));

    line_in_range("version::version", input, version::version(input));

    line_in_range("service::list", input, parse::service::list(input));
    line_in_range("service::info", input, parse::service::info(input));
    line_in_range("service::links", input, parse::service::links(input));
    line_in_range(
        "service::app_links",
        input,
        parse::service::app_links(input),
    );
    line_in_range(
        "service::list_json",
        input,
        parse::service::list_json(input),
    );
    line_in_range(
        "service::info_json",
        input,
        parse::service::info_json(input),
    );
    let _ = parse::strip_warn_prefixes(input);
    let _ = parse::service::exposed_ports(input);
    let _ = parse::service::linked_apps(input);
    let _ = parse::service::info_value(input);

    let app = AppName::new("node-js-app").unwrap();
    line_in_range("config::export_json", input, config::export_json(input));
    line_in_range("config::keys", input, config::keys(input));
    let _ = config::get(input).len();
    line_in_range("domains::report", input, domains::report(input, false));
    line_in_range("domains::report json", input, domains::report(input, true));
    line_in_range("domains::report_all", input, domains::report_all(input));
    line_in_range(
        "domains::report_global",
        input,
        domains::report_global(input, false),
    );
    line_in_range(
        "domains::report_global json",
        input,
        domains::report_global(input, true),
    );
    let _ = logs::snapshot(&app, input);
    let _ = logs::rfc3339_utc(input);
    line_in_range("logs::failed", input, logs::failed(input));
    let _ = DokkuVersion::parse(input);
    net_parsers(input);

    let _ = parse::strip_ansi(input);
    let _ = parse::strip_warn_prefixes(input);
}

/// `expect_success` on an output whose streams are `input`.
fn classify(input: &str, code: i32) {
    let app = AppName::new("node-js-app").unwrap();
    let commands = [
        Command::read("apps:report").app_arg(&app),
        Command::write("apps:rename")
            .about_app(&app)
            .arg(&app)
            .arg("new-app"),
        Command::read("config:export").prints_secrets(),
        Command::read("version"),
    ];
    for command in &commands {
        let out = Output::new(ExitStatus::code(code), input, input);
        let _ = parse::expect_success(command, out).map_err(|e| e.to_string());
    }
}

// ---------------------------------------------------------------------------
// Strategies
// ---------------------------------------------------------------------------

/// Pieces of Dokku output that steer parsers into their deeper branches.
const MARKERS: &[&str] = &[
    "=====> ",
    "=====> node-js-app app information",
    "       ",
    "       App locked:   ",
    "       Status web 1:   running (CID: 5f2a8c3d9b1)",
    "       Status -1: x",
    "       Processes: -1",
    "       Running: mixed",
    ":",
    " (CID: ",
    ")",
    "status-web.1",
    "status-",
    "-----> Scaling for node-js-app",
    "proctype: qty",
    "--------: ---",
    "web:  1",
    "worker: 99999999999",
    "plugn: v0.17.1",
    "  postgres             1.41.0 enabled    dokku postgres service plugin",
    "enabled",
    "disabled",
    "dokku version ",
    "0.38.27",
    "v",
    "{",
    "}",
    "[",
    "]",
    "\"",
    ",",
    "{\"running\":\"mixed\",\"status-web.1\":\"exited (CID: )\"}",
    "[{\"process_type\":\"web\",\"quantity\":\"-1\"}]",
    "[{\"name\":\"x\",\"version\":\"1\",\"enabled\":true}]",
    " !     ",
    "\u{1b}[36m",
    "\u{1b}]0;t\u{7}",
    "\u{1b}",
    "\r",
    "\t",
    "\n",
    "\u{0}",
    "\u{fffd}",
    "é",
    "世界",
    "-",
    ".",
    "_",
    "true",
    "false",
    "18446744073709551616",
];

fn marker() -> impl Strategy<Value = String> {
    select(MARKERS).prop_map(str::to_owned)
}

/// A short piece of text: a marker or a few arbitrary characters.
fn piece() -> impl Strategy<Value = String> {
    prop_oneof![marker(), ".{0,6}", "[ -~]{0,12}"]
}

/// Lines built from markers and noise.
fn line_soup() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::collection::vec(piece(), 0..5), 0..24).prop_map(|lines| {
        lines
            .into_iter()
            .map(|parts| parts.concat())
            .collect::<Vec<_>>()
            .join("\n")
    })
}

fn json_value() -> impl Strategy<Value = serde_json::Value> {
    use serde_json::Value;
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        piece().prop_map(Value::String),
        select(&["web", "worker", "postgres", "true", "false", "-1", "0"][..])
            .prop_map(|s| Value::String(s.to_owned())),
    ];
    leaf.prop_recursive(4, 32, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(
                prop_oneof![
                    select(
                        &[
                            "name",
                            "version",
                            "enabled",
                            "core",
                            "process_type",
                            "quantity",
                            "running",
                            "processes",
                            "status-web.1",
                            "app-dir",
                            "app-created-at",
                            "locked",
                        ][..]
                    )
                    .prop_map(str::to_owned),
                    ".{0,6}",
                ],
                inner,
                0..6
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

#[derive(Debug, Clone)]
enum Mutation {
    Truncate(usize),
    Insert(usize, String),
    InsertLine(usize, String),
    DeleteLine(usize),
    RepeatLine(usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        any::<usize>().prop_map(Mutation::Truncate),
        (any::<usize>(), piece()).prop_map(|(at, s)| Mutation::Insert(at, s)),
        (any::<usize>(), line_soup()).prop_map(|(at, s)| Mutation::InsertLine(at, s)),
        any::<usize>().prop_map(Mutation::DeleteLine),
        any::<usize>().prop_map(Mutation::RepeatLine),
    ]
}

fn apply(text: &str, mutation: &Mutation) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut lines: Vec<&str> = text.split_inclusive('\n').collect();
    match mutation {
        Mutation::Truncate(at) => chars[..at % (chars.len() + 1)].iter().collect(),
        Mutation::Insert(at, s) => {
            let at = at % (chars.len() + 1);
            let mut out: String = chars[..at].iter().collect();
            out.push_str(s);
            out.extend(&chars[at..]);
            out
        }
        Mutation::InsertLine(at, s) => {
            let line = format!("{s}\n");
            let at = at % (lines.len() + 1);
            lines.insert(at, &line);
            lines.concat()
        }
        Mutation::DeleteLine(at) if !lines.is_empty() => {
            let at = at % lines.len();
            lines.remove(at);
            lines.concat()
        }
        Mutation::RepeatLine(at) if !lines.is_empty() => {
            let at = at % lines.len();
            lines.insert(at, lines[at]);
            lines.concat()
        }
        Mutation::DeleteLine(_) | Mutation::RepeatLine(_) => text.to_owned(),
    }
}

const REPORT_KEYS: &[&str] = &[
    "app-dir",
    "dir",
    "app-created-at",
    "created-at",
    "app-locked",
    "locked",
    "app-deploy-source",
    "deployed",
    "processes",
    "running",
    "restore",
    "ps-can-scale",
    "can-scale",
    "ps-restart-policy",
    "ps-computed-restart-policy",
    "global-restart-policy",
    "status-web.1",
    "status-web-1",
    "status-",
    "status-.1",
    "status-web.",
    "status-web.99999999999",
    "status--1",
];

fn raw_report() -> impl Strategy<Value = RawReport> {
    (
        prop::option::of(prop_oneof![
            Just("node-js-app".to_owned()),
            marker(),
            ".{0,8}"
        ]),
        prop::collection::btree_map(
            prop_oneof![select(REPORT_KEYS).prop_map(str::to_owned), "status-.{0,8}"],
            prop_oneof![
                marker(),
                ".{0,10}",
                Just("running (CID: abc)".to_owned()),
                Just("-1".to_owned())
            ],
            0..8,
        ),
    )
        .prop_map(|(subject, fields): (_, BTreeMap<_, _>)| RawReport { subject, fields })
}

// ---------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------

proptest! {
    #![proptest_config(ProptestConfig { cases: 600, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_strings(input in any::<String>()) {
        all_parsers(&input);
    }

    #[test]
    fn arbitrary_bytes_read_lossily(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        let input = String::from_utf8_lossy(&bytes);
        all_parsers(&input);
        classify(&input, 1);
    }

    #[test]
    fn line_soup_of_dokku_markers(input in line_soup(), code in prop_oneof![Just(0), Just(1), Just(20), any::<i32>()]) {
        all_parsers(&input);
        classify(&input, code);
    }

    #[test]
    fn arbitrary_json(value in json_value(), lines in 1usize..4) {
        let one = value.to_string();
        let input = vec![one.as_str(); lines].join("\n");
        all_parsers(&input);
        let pretty = serde_json::to_string_pretty(&value).unwrap();
        all_parsers(&pretty);
    }

    #[test]
    fn typed_reports_from_arbitrary_maps(raw in raw_report()) {
        let _ = parse::apps::typed(&raw).map_err(|e| e.to_string());
        let _ = parse::ps::typed(&raw).map_err(|e| e.to_string());
        let _ = parse::ports::typed(&raw).map_err(|e| e.to_string());
        let _ = parse::proxy::typed(&raw).map_err(|e| e.to_string());
        let _ = parse::certs::typed(&raw).map_err(|e| e.to_string());
        let _ = parse::letsencrypt::typed(&raw).map_err(|e| e.to_string());
    }
}

/// The ports and proxy parsers.
fn net_parsers(input: &str) {
    use parse::{ports, proxy};
    line_in_range("ports::report", input, ports::report(input, false));
    line_in_range("ports::report json", input, ports::report(input, true));
    line_in_range("ports::report_all", input, ports::report_all(input));
    line_in_range("ports::list", input, ports::list(input));
    line_in_range("proxy::report", input, proxy::report(input, false));
    line_in_range("proxy::report json", input, proxy::report(input, true));
    line_in_range("proxy::report_all", input, proxy::report_all(input));
    let _ = input.parse::<dokku_core::model::ports::PortMapping>();
    use parse::{certs, letsencrypt};
    line_in_range("certs::report", input, certs::report(input, false));
    line_in_range("certs::report json", input, certs::report(input, true));
    line_in_range("certs::report_all", input, certs::report_all(input));
    let _ = certs::openssl_date(input);
    let _ = certs::date_time(input);
    line_in_range("letsencrypt::report", input, letsencrypt::report(input));
    line_in_range(
        "letsencrypt::report_json",
        input,
        letsencrypt::report_json(input),
    );
    line_in_range(
        "letsencrypt::report_all",
        input,
        letsencrypt::report_all(input),
    );
    line_in_range("letsencrypt::list", input, letsencrypt::list(input));
    let _ = letsencrypt::timediff(input);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn mutated_fixture_outputs(
        index in any::<prop::sample::Index>(),
        mutations in prop::collection::vec(mutation(), 1..5),
    ) {
        let corpus = corpus();
        let mut text = index.get(corpus).clone();
        for m in &mutations {
            text = apply(&text, m);
        }
        all_parsers(&text);
        classify(&text, 20);
    }
}

// ---------------------------------------------------------------------------
// Deterministic edge cases and the unmutated corpus
// ---------------------------------------------------------------------------

#[test]
fn every_fixture_output_as_is() {
    let corpus = corpus();
    assert!(corpus.len() > 100);
    for text in corpus {
        all_parsers(text);
        classify(text, 1);
    }
}

#[test]
fn every_prefix_of_every_report_fixture() {
    // Exhaustive truncation of the structured outputs this crate parses.
    for f in common::all() {
        let dir = f.dir();
        if !matches!(dir.as_str(), "apps" | "ps" | "plugin" | "version") {
            continue;
        }
        let chars: Vec<(usize, char)> = f.stdout.char_indices().collect();
        for (at, _) in chars.iter().step_by(3) {
            all_parsers(&f.stdout[..*at]);
        }
    }
}

#[test]
fn edge_cases() {
    for input in [
        "",
        "\n",
        "\n\n\n",
        " ",
        "=====>",
        "=====> ",
        "=====> \n       :",
        "       a: b",
        "=====> x\n       : empty label",
        "=====> x\n       Status web 99999999999: running (CID: x)",
        "=====> x\n       Status  1: running",
        "=====> x\n       Status web 1: (CID: ",
        "=====> x\n       Processes: 99999999999999999999",
        "=====> x\n       App created at: -5",
        "{}",
        "{}\n{}",
        "[]",
        "[",
        "null",
        "\"x\"",
        "{\"status-web.1\": {\"nested\": [1,2,3]}}",
        "[{\"process_type\":\"web\",\"quantity\":-1}]",
        "[{\"process_type\":\"web\",\"quantity\":4294967296}]",
        "[{\"process_type\":\"-web\",\"quantity\":1}]",
        "[{\"name\":\"\",\"version\":\"\",\"enabled\":true}]",
        "web:",
        ":1",
        "web: 1: 2",
        "plugn:",
        "  x",
        "  x 1",
        "  x 1 maybe",
        "dokku version",
        "dokku version 0.38",
        "dokku version 99999999999.0.0",
        "\u{1b}[",
        "\u{1b}]",
        "é: 1",
    ] {
        all_parsers(input);
        classify(input, 1);
        classify(input, 20);
    }
    // Deep nesting stays within serde_json's recursion limit.
    let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    all_parsers(&deep);
}
