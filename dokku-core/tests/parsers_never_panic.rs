//! Property tests: every parser in `dokku_core::parse` returns (a value or
//! a `ParseError`) without panicking, on arbitrary strings, on arbitrary
//! bytes read lossily, on line soup built from Dokku's own markers, on
//! arbitrary JSON, and on mutations of the real fixture outputs (truncated,
//! with characters, markers or lines inserted, lines dropped or repeated).
//!
//! Parsers covered: `report::{text, text_with, json, any, info_flag,
//! label_to_key, parse_bool}` and `catalog::undot` with every dotted
//! template, every typed report through the generic path (`Report::
//! from_output` on the output, `Report::from_raw` on arbitrary maps: apps,
//! ps and its global report, domains and its global part, logs, ports,
//! proxy, certs, letsencrypt), `apps::{list_text, list_json}`,
//! `ps::{scale_text, scale_json, not_deployed}`, `plugin::{list, list_json,
//! list_text}`, `version::version`, the helpers `strip_ansi`,
//! `strip_warn_prefixes`, `expect_success`, `DokkuVersion::{parse,
//! parse_plugin}`, `config::{export_json, keys, get, unset}`, the
//! datastore parsers and `logs::{snapshot, rfc3339_utc, failed}`.
//!
//! Besides not panicking, an error that names a line must name one that
//! exists. Sized to run in a few seconds in a debug build.
// clippy.toml's allow-*-in-tests covers `#[test]` functions only, not the
// helpers of an integration test crate.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::collections::BTreeMap;
use std::sync::OnceLock;

use common::line_in_range;
use dokku_core::api::report::Report;
use dokku_core::catalog::undot;
use dokku_core::model::apps::AppReport;
use dokku_core::model::certs::CertsReport;
use dokku_core::model::domains::{DomainsReport, GlobalDomains};
use dokku_core::model::letsencrypt::LetsencryptReport;
use dokku_core::model::logs::LogsReport;
use dokku_core::model::ports::PortsReport;
use dokku_core::model::proxy::ProxyReport;
use dokku_core::model::ps::{PsGlobalReport, PsReport};
use dokku_core::parse;
use dokku_core::parse::report::RawReport;
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

/// Templates of dotted report keys (the catalog's resource and storage
/// entries have the last two).
const DOTTED: &[&str] = &[
    "status-{}.{n}",
    "resource-{}.{limit|reserve}.{}",
    "storage-attachment.{n}.{}",
];

/// A typed report through the generic path: the whole output (text or
/// JSON, whichever it looks like), and each JSON object of it on its own.
fn typed_report<R: Report>(what: &str, input: &str, objects: &[RawReport]) {
    line_in_range(what, input, R::from_output(input));
    for raw in objects {
        let _ = R::from_raw(raw.clone()).map_err(|e| e.to_string());
    }
}

/// Every typed report on `input`.
fn typed_reports(input: &str) {
    let objects = parse::report::json("report", input).unwrap_or_default();
    typed_report::<AppReport>("AppReport", input, &objects);
    typed_report::<PsReport>("PsReport", input, &objects);
    typed_report::<PsGlobalReport>("PsGlobalReport", input, &objects);
    typed_report::<DomainsReport>("DomainsReport", input, &objects);
    typed_report::<GlobalDomains>("GlobalDomains", input, &objects);
    typed_report::<LogsReport>("LogsReport", input, &objects);
    typed_report::<PortsReport>("PortsReport", input, &objects);
    typed_report::<ProxyReport>("ProxyReport", input, &objects);
    typed_report::<CertsReport>("CertsReport", input, &objects);
    typed_report::<LetsencryptReport>("LetsencryptReport", input, &objects);
}

/// Run every parser on `input`.
fn all_parsers(input: &str) {
    use parse::{apps, config, logs, plugin, ps, report, version};

    line_in_range("report::text", input, report::text("apps:report", input));
    line_in_range(
        "report::text_with",
        input,
        report::text_with("ps:report", input, DOTTED),
    );
    line_in_range("report::json", input, report::json("ps:report", input));
    // `report::any` runs under every typed report's `from_output`.
    let _ = report::info_flag(input);
    let key = report::label_to_key(input);
    let _ = undot(DOTTED, &key);
    let _ = undot(DOTTED, input);
    let _ = report::parse_bool("ps:report", "deployed", input);
    typed_reports(input);

    line_in_range("apps::list_text", input, apps::list_text(input));
    line_in_range("apps::list_json", input, apps::list_json(input));

    line_in_range("ps::scale_text", input, ps::scale_text(input));
    let _ = ps::not_deployed(input);
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
    let _ = parse::service::printed_dsn(input);
    let _ = parse::service::linked_env_var(input);

    let app = AppName::new("node-js-app").unwrap();
    line_in_range("config::export_json", input, config::export_json(input));
    line_in_range("config::keys", input, config::keys(input));
    let _ = config::get(input).len();
    line_in_range("config::unset", input, config::unset(input));
    let _ = logs::snapshot(&app, input);
    let _ = logs::rfc3339_utc(input);
    line_in_range("logs::failed", input, logs::failed(input));
    let _ = DokkuVersion::parse(input);
    let _ = DokkuVersion::parse_plugin(input);
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
        let _ = AppReport::from_raw(raw.clone()).map_err(|e| e.to_string());
        let _ = PsReport::from_raw(raw.clone()).map_err(|e| e.to_string());
        let _ = PsGlobalReport::from_raw(raw.clone()).map_err(|e| e.to_string());
        let _ = DomainsReport::from_raw(raw.clone()).map_err(|e| e.to_string());
        let _ = GlobalDomains::from_raw(raw.clone()).map_err(|e| e.to_string());
        let _ = LogsReport::from_raw(raw.clone()).map_err(|e| e.to_string());
        let _ = PortsReport::from_raw(raw.clone()).map_err(|e| e.to_string());
        let _ = ProxyReport::from_raw(raw.clone()).map_err(|e| e.to_string());
        let _ = CertsReport::from_raw(raw.clone()).map_err(|e| e.to_string());
        let _ = LetsencryptReport::from_raw(raw.clone()).map_err(|e| e.to_string());
    }
}

/// The ports, certs and letsencrypt parsers that are not reports.
fn net_parsers(input: &str) {
    use parse::{certs, letsencrypt, ports};
    line_in_range("ports::list", input, ports::list(input));
    line_in_range(
        "ports::mappings",
        input,
        ports::mappings("ports:report", input),
    );
    let _ = input.parse::<dokku_core::model::ports::PortMapping>();
    let _ = certs::openssl_date(input);
    let _ = certs::date_time(input);
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
