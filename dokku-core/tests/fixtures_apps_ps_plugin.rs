//! The pure parsers for `apps`, `ps`, `plugin` and `version` on the recorded
//! Dokku outputs in `tests/fixtures/{apps,ps,plugin,version}/`.
//!
//! Every fixture whose stdout has a parser is parsed and its typed result
//! snapshotted (insta, YAML); a table says which parser reads which fixture,
//! and a test keeps that table complete. The key facts are also asserted
//! explicitly: app names, locks and creation times, container states, ids
//! and indices, the 0.35 vs 0.38 property shapes, text and JSON giving the
//! same typed fields, formations, plugin flags and versions.
// clippy.toml's allow-*-in-tests covers `#[test]` functions only, not the
// helpers of an integration test crate.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::Fixture;
use dokku_core::api::report::Report;
use dokku_core::model::apps::AppReport;
use dokku_core::model::plugin::PluginInfo;
use dokku_core::model::ps::{ContainerState, Formation, PsGlobalReport, PsReport, RunState};
use dokku_core::model::Property;
use dokku_core::parse::{self, ParseError};
use dokku_core::{AppName, DokkuVersion, ProcessType};
use serde::Serialize;

/// Which parser reads a fixture's stdout.
#[derive(Debug, Clone, Copy)]
enum Kind {
    AppsListText,
    AppsListJson,
    /// `AppReport::from_output`, one report (the form, JSON or text, is
    /// read from the output; `json` says which the fixture holds).
    AppsReport {
        json: bool,
    },
    /// `AppReport::from_output` (text, every app).
    AppsReportAll,
    /// `parse::report::json` + `AppReport::from_raw`, one per line.
    AppsReportAllJson,
    PsReport {
        json: bool,
    },
    PsReportAll,
    PsReportAllJson,
    PsScaleText,
    PsScaleJson,
    PluginList,
    Version,
}

/// Fixtures with a parser, and the parser.
const PARSED: &[(&str, Kind)] = &[
    ("apps/list-empty.txt", Kind::AppsListText),
    ("apps/list-json-empty.txt", Kind::AppsListJson),
    ("apps/list-json.txt", Kind::AppsListJson),
    ("apps/list-text-quiet.txt", Kind::AppsListText),
    ("apps/list-text.txt", Kind::AppsListText),
    ("apps/report-all-json-0.35.txt", Kind::AppsReportAllJson),
    ("apps/report-all-json-0.38.txt", Kind::AppsReportAllJson),
    ("apps/report-all-text-0.35.txt", Kind::AppsReportAll),
    ("apps/report-all-text-0.38.txt", Kind::AppsReportAll),
    (
        "apps/report-global-json-0.38.txt",
        Kind::AppsReport { json: true },
    ),
    ("apps/report-json-0.35.txt", Kind::AppsReport { json: true }),
    ("apps/report-json-0.38.txt", Kind::AppsReport { json: true }),
    (
        "apps/report-text-0.35.txt",
        Kind::AppsReport { json: false },
    ),
    (
        "apps/report-text-0.38.txt",
        Kind::AppsReport { json: false },
    ),
    ("plugin/list-json-0.38.txt", Kind::PluginList),
    ("plugin/list-json-unsupported-0.35.txt", Kind::PluginList),
    ("plugin/list-text-0.35.txt", Kind::PluginList),
    ("plugin/list-text-0.38.txt", Kind::PluginList),
    ("ps/report-all-empty.txt", Kind::PsReportAll),
    ("ps/report-all-json-0.35.txt", Kind::PsReportAllJson),
    ("ps/report-all-json-0.38.txt", Kind::PsReportAllJson),
    ("ps/report-all-text-0.35.txt", Kind::PsReportAll),
    ("ps/report-all-text-0.38.txt", Kind::PsReportAll),
    (
        "ps/report-global-json-0.38.txt",
        Kind::PsReport { json: true },
    ),
    ("ps/report-json-0.35.txt", Kind::PsReport { json: true }),
    ("ps/report-json-0.38.txt", Kind::PsReport { json: true }),
    ("ps/report-text-0.35.txt", Kind::PsReport { json: false }),
    ("ps/report-text-0.38.txt", Kind::PsReport { json: false }),
    ("ps/scale-json-empty.txt", Kind::PsScaleJson),
    ("ps/scale-json.txt", Kind::PsScaleJson),
    ("ps/scale-text-0.35.txt", Kind::PsScaleText),
    ("ps/scale-text-quiet.txt", Kind::PsScaleText),
    ("ps/scale-text.txt", Kind::PsScaleText),
    ("version/version-0.35.txt", Kind::Version),
    ("version/version-0.38.txt", Kind::Version),
    ("version/version-flag.txt", Kind::Version),
];

/// Fixtures whose stdout no parser reads: messages, single `--<flag>`
/// values, and failures (the client classifies those from exit and stderr;
/// see `client_errors.rs`).
const NOT_PARSED: &[&str] = &[
    "apps/create-already-exists.txt",
    "apps/create-invalid-name.txt",
    "apps/create.txt",
    "apps/destroy-missing-app.txt",
    "apps/exists-missing-app.txt",
    "apps/exists.txt",
    "apps/list-json-unsupported-0.35.txt",
    "apps/lock.txt",
    "apps/locked-not-locked.txt",
    "apps/locked.txt",
    "apps/report-flag-all-apps.txt",
    "apps/report-flag-empty-value.txt",
    "apps/report-flag.txt",
    "apps/report-invalid-flag.txt",
    "apps/report-json-with-flag.txt",
    "apps/report-missing-app-0.35.txt",
    "apps/report-missing-app.txt",
    "apps/unknown-command.txt",
    "plugin/list-json-invalid-format.txt",
    "ps/report-flag-status.txt",
    "ps/report-flag.txt",
    "ps/report-json-with-flag.txt",
    "ps/report-missing-app.txt",
    "ps/restart-all-process-name.txt",
    "ps/scale-app-json-formation.txt",
    "ps/scale-invalid-count.txt",
    "ps/scale-missing-app.txt",
    "ps/scale-set-skip-deploy.txt",
    "ps/set-global.txt",
    "ps/set-invalid-restart-policy.txt",
    "ps/set-missing-app.txt",
    "ps/set-unset.txt",
    "ps/set.txt",
    "ps/start-not-deployed.txt",
    "ps/stop-not-deployed.txt",
];

/// A parser's typed result, serialised as the bare value.
#[derive(Debug, Serialize)]
#[serde(untagged)]
enum Parsed {
    Apps(Vec<AppName>),
    AppReport(Box<AppReport>),
    AppReports(Vec<AppReport>),
    PsReport(Box<PsReport>),
    PsReports(Vec<PsReport>),
    Formation(Vec<Formation>),
    Plugins(Vec<PluginInfo>),
    Version(DokkuVersion),
}

fn run(kind: Kind, stdout: &str) -> Result<Parsed, ParseError> {
    Ok(match kind {
        Kind::AppsListText => Parsed::Apps(parse::apps::list_text(stdout)?),
        Kind::AppsListJson => Parsed::Apps(parse::apps::list_json(stdout)?),
        Kind::AppsReport { json } => Parsed::AppReport(Box::new(common::one_report(stdout, json)?)),
        Kind::AppsReportAll => Parsed::AppReports(AppReport::from_output(stdout)?),
        Kind::AppsReportAllJson => Parsed::AppReports(apps_report_all_json(stdout)?),
        Kind::PsReport { json } => Parsed::PsReport(Box::new(common::one_report(stdout, json)?)),
        Kind::PsReportAll => Parsed::PsReports(PsReport::from_output(stdout)?),
        Kind::PsReportAllJson => Parsed::PsReports(ps_report_all_json(stdout)?),
        Kind::PsScaleText => Parsed::Formation(parse::ps::scale_text(stdout)?),
        Kind::PsScaleJson => Parsed::Formation(parse::ps::scale_json(stdout)?),
        Kind::PluginList => Parsed::Plugins(parse::plugin::list(stdout)?),
        Kind::Version => Parsed::Version(parse::version::version(stdout)?),
    })
}

fn apps_report_all_json(stdout: &str) -> Result<Vec<AppReport>, ParseError> {
    parse::report::json("apps:report", stdout)?
        .into_iter()
        .map(AppReport::from_raw)
        .collect()
}

fn ps_report_all_json(stdout: &str) -> Result<Vec<PsReport>, ParseError> {
    parse::report::json("ps:report", stdout)?
        .into_iter()
        .map(PsReport::from_raw)
        .collect()
}

fn stdout(path: &str) -> String {
    Fixture::load(path).stdout
}

fn app(name: &str) -> AppName {
    AppName::new(name).unwrap()
}

fn process(name: &str) -> ProcessType {
    ProcessType::new(name).unwrap()
}

fn apps_report(path: &str, json: bool) -> AppReport {
    common::one_report(&stdout(path), json).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn ps_report(path: &str, json: bool) -> PsReport {
    common::one_report(&stdout(path), json).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn without_raw_app(mut report: AppReport) -> AppReport {
    report.raw.clear();
    report
}

fn without_raw_ps(mut report: PsReport) -> PsReport {
    report.raw.clear();
    report
}

fn prop(app: Option<&str>, global: Option<&str>, computed: Option<&str>) -> Property {
    Property {
        app: app.map(str::to_owned),
        global: global.map(str::to_owned),
        computed: computed.map(str::to_owned),
    }
}

// ---------------------------------------------------------------------------
// Snapshots and table coverage
// ---------------------------------------------------------------------------

#[test]
fn snapshot_every_parsed_fixture() {
    for (path, kind) in PARSED {
        let fixture = Fixture::load(path);
        let parsed = run(*kind, &fixture.stdout)
            .unwrap_or_else(|e| panic!("{path} ({kind:?}) did not parse: {e}"));
        insta::assert_yaml_snapshot!(fixture.snapshot_name(), parsed);
    }
}

#[test]
fn every_fixture_is_either_parsed_or_listed_as_not_parsed() {
    let mut missing = Vec::new();
    for dir in ["apps", "ps", "plugin", "version"] {
        for fixture in common::in_dir(dir) {
            let path = fixture.path.to_string_lossy().into_owned();
            let parsed = PARSED.iter().any(|(p, _)| *p == path);
            let not_parsed = NOT_PARSED.contains(&path.as_str());
            assert!(!(parsed && not_parsed), "{path} is in both tables");
            if !parsed && !not_parsed {
                missing.push(path);
            }
        }
    }
    assert!(missing.is_empty(), "fixtures in neither table: {missing:?}");
    for path in PARSED
        .iter()
        .map(|(p, _)| *p)
        .chain(NOT_PARSED.iter().copied())
    {
        assert!(
            common::fixtures_dir().join(path).is_file(),
            "{path} is listed but does not exist"
        );
    }
}

#[test]
fn parsed_fixtures_are_successful_runs() {
    for (path, _) in PARSED {
        assert_eq!(Fixture::load(path).exit, 0, "{path}");
    }
}

// ---------------------------------------------------------------------------
// apps
// ---------------------------------------------------------------------------

#[test]
fn apps_list_text_quiet_and_json_agree() {
    let want = vec![app("my.dotted.app"), app("node-js-app"), app("python-app")];
    assert_eq!(
        parse::apps::list_text(&stdout("apps/list-text.txt")).unwrap(),
        want
    );
    assert_eq!(
        parse::apps::list_text(&stdout("apps/list-text-quiet.txt")).unwrap(),
        want
    );
    assert_eq!(
        parse::apps::list_json(&stdout("apps/list-json.txt")).unwrap(),
        want
    );
}

#[test]
fn apps_list_empty_is_empty_in_both_formats() {
    // Text: only the `=====> My Apps` header (the warning is on stderr).
    assert!(parse::apps::list_text(&stdout("apps/list-empty.txt"))
        .unwrap()
        .is_empty());
    assert!(parse::apps::list_json(&stdout("apps/list-json-empty.txt"))
        .unwrap()
        .is_empty());
}

#[test]
fn apps_report_text_0_38_fields() {
    let r = apps_report("apps/report-text-0.38.txt", false);
    assert_eq!(r.app, Some(app("node-js-app")));
    assert_eq!(r.dir.as_deref(), Some("/home/dokku/node-js-app"));
    assert_eq!(r.created_at, Some(1_736_287_254));
    assert_eq!(r.deploy_source.as_deref(), Some("git"));
    assert_eq!(
        r.deploy_source_metadata.as_deref(),
        Some("cd7b8afccb202f222e7dc7b427553e71ba5ddafd")
    );
    assert!(!r.locked);
    assert!(r.is_deployed());
    // Text uses the prefixed keys only, and keeps the empty 0.38 key.
    assert_eq!(r.raw.get("app-locked").map(String::as_str), Some("false"));
    assert_eq!(
        r.raw
            .get("app-global-disable-autocreation")
            .map(String::as_str),
        Some("")
    );
    assert!(!r.raw.contains_key("locked"));
}

#[test]
fn apps_report_json_0_38_has_both_key_shapes() {
    let r = apps_report("apps/report-json-0.38.txt", true);
    // JSON does not name the app; it is derived from its directory.
    assert_eq!(r.app, Some(app("node-js-app")));
    assert_eq!(r.created_at, Some(1_736_287_254));
    for key in ["app-created-at", "created-at", "app-dir", "dir", "locked"] {
        assert!(r.raw.contains_key(key), "raw lacks {key}");
    }
    assert_eq!(r.raw.len(), 12);
}

#[test]
fn apps_report_text_and_json_give_the_same_typed_fields() {
    for version in ["0.35", "0.38"] {
        let text = apps_report(&format!("apps/report-text-{version}.txt"), false);
        let json = apps_report(&format!("apps/report-json-{version}.txt"), true);
        assert_eq!(without_raw_app(text), without_raw_app(json), "{version}");
    }
}

#[test]
fn apps_report_typed_fields_do_not_change_between_0_35_and_0_38() {
    let old = apps_report("apps/report-text-0.35.txt", false);
    let new = apps_report("apps/report-text-0.38.txt", false);
    assert_eq!(old.raw.len(), 5);
    assert_eq!(new.raw.len(), 6);
    assert_eq!(without_raw_app(old), without_raw_app(new));
}

#[test]
fn apps_report_all_text_0_38() {
    let all = AppReport::from_output(&stdout("apps/report-all-text-0.38.txt")).unwrap();
    let names: Vec<_> = all.iter().map(|r| r.app.clone().unwrap()).collect();
    assert_eq!(
        names,
        [app("my.dotted.app"), app("node-js-app"), app("python-app")]
    );
    let locked: Vec<_> = all.iter().map(|r| r.locked).collect();
    assert_eq!(locked, [true, false, false]);
    let created: Vec<_> = all.iter().map(|r| r.created_at).collect();
    assert_eq!(
        created,
        [
            Some(1_736_290_000),
            Some(1_736_287_254),
            Some(1_736_288_100)
        ]
    );
    assert_eq!(all[0].deploy_source.as_deref(), Some("docker-image"));
    assert_eq!(
        all[0].deploy_source_metadata.as_deref(),
        Some("nginx:1.27-alpine")
    );
    // Never deployed: the empty values are None, not Some("").
    assert_eq!(all[2].deploy_source, None);
    assert_eq!(all[2].deploy_source_metadata, None);
    assert!(!all[2].is_deployed());
}

#[test]
fn apps_report_all_text_and_json_agree_in_both_versions() {
    for version in ["0.35", "0.38"] {
        let text = AppReport::from_output(&stdout(&format!("apps/report-all-text-{version}.txt")))
            .unwrap();
        let json =
            apps_report_all_json(&stdout(&format!("apps/report-all-json-{version}.txt"))).unwrap();
        assert_eq!(text.len(), 3);
        let text: Vec<_> = text.into_iter().map(without_raw_app).collect();
        let json: Vec<_> = json.into_iter().map(without_raw_app).collect();
        assert_eq!(text, json, "{version}");
    }
}

#[test]
fn apps_report_global_json_names_no_app() {
    let r = apps_report("apps/report-global-json-0.38.txt", true);
    assert_eq!(r.app, None);
    assert_eq!(r.dir, None);
    assert_eq!(r.created_at, None);
    assert!(!r.locked);
    assert_eq!(r.raw.len(), 2);
}

// ---------------------------------------------------------------------------
// ps
// ---------------------------------------------------------------------------

#[test]
fn ps_report_text_0_38_fields() {
    let r = ps_report("ps/report-text-0.38.txt", false);
    assert_eq!(r.app, Some(app("node-js-app")));
    assert!(r.deployed);
    assert_eq!(r.processes, Some(2));
    assert_eq!(r.running, Some(RunState::Running));
    assert!(r.can_scale);
    assert!(r.restore);
    // 0.38: the raw app value is empty for a fresh app; computed has the default.
    assert_eq!(r.restart_policy, prop(None, None, Some("on-failure:10")));
    assert_eq!(r.restart_policy.effective(), Some("on-failure:10"));
    assert_eq!(r.procfile_path, prop(None, None, Some("Procfile")));
    assert_eq!(r.stop_timeout_seconds, prop(None, None, Some("30")));
    assert_eq!(r.skip_deploy, prop(None, None, Some("false")));
    assert_eq!(r.start_cmd, Property::default());
    assert_eq!(r.dockerfile_start_cmd, Property::default());
}

#[test]
fn ps_report_text_0_35_fields() {
    let r = ps_report("ps/report-text-0.35.txt", false);
    assert_eq!(r.app, Some(app("node-js-app")));
    assert!(r.deployed);
    assert_eq!(r.processes, Some(2));
    // 0.35 prints the policy in effect under the app key and has no
    // computed/global keys for it.
    assert_eq!(r.restart_policy, prop(Some("on-failure:10"), None, None));
    assert_eq!(r.restart_policy.effective(), Some("on-failure:10"));
    // 0.35 shows `Procfile` as the global value even when unset.
    assert_eq!(
        r.procfile_path,
        prop(None, Some("Procfile"), Some("Procfile"))
    );
    // No stop-timeout, skip-deploy or start-cmd keys before 0.36/0.38.
    assert_eq!(r.stop_timeout_seconds, Property::default());
    assert_eq!(r.skip_deploy, Property::default());
    assert_eq!(r.start_cmd, Property::default());
}

#[test]
fn ps_report_restart_policy_is_the_same_in_effect_across_versions() {
    let old = ps_report("ps/report-text-0.35.txt", false);
    let new = ps_report("ps/report-json-0.38.txt", true);
    assert_eq!(
        old.restart_policy.effective(),
        new.restart_policy.effective()
    );
    assert_eq!(old.procfile_path.effective(), new.procfile_path.effective());
    assert_eq!(old.containers, new.containers);
}

#[test]
fn ps_report_containers() {
    let r = ps_report("ps/report-json-0.38.txt", true);
    assert_eq!(r.containers.len(), 2);
    let web = &r.containers[0];
    assert_eq!(web.process_type, process("web"));
    assert_eq!(web.index, 1);
    assert_eq!(web.state, ContainerState::Running);
    assert_eq!(web.container_id.as_deref(), Some("5f2a8c3d9b1"));
    let worker = &r.containers[1];
    assert_eq!(worker.process_type, process("worker"));
    assert_eq!(worker.index, 1);
    assert_eq!(worker.state, ContainerState::Running);
    assert_eq!(worker.container_id.as_deref(), Some("8e4b7a1c2d3"));
}

#[test]
fn ps_report_text_and_json_give_the_same_typed_fields() {
    for version in ["0.35", "0.38"] {
        let text = ps_report(&format!("ps/report-text-{version}.txt"), false);
        let json = ps_report(&format!("ps/report-json-{version}.txt"), true);
        // JSON does not name the app (the handler fills it in).
        assert_eq!(json.app, None);
        let text = PsReport {
            app: None,
            ..without_raw_ps(text)
        };
        assert_eq!(text, without_raw_ps(json), "{version}");
    }
}

#[test]
fn ps_report_json_0_38_keeps_both_key_shapes_in_raw() {
    let r = ps_report("ps/report-json-0.38.txt", true);
    for key in [
        "can-scale",
        "ps-can-scale",
        "restart-policy",
        "ps-restart-policy",
        "computed-stop-timeout-seconds",
        "ps-computed-stop-timeout-seconds",
        "status-web.1",
        "restore",
    ] {
        assert!(r.raw.contains_key(key), "raw lacks {key}");
    }
    assert_eq!(r.raw.len(), 40);
}

#[test]
fn ps_report_all_text_0_38() {
    let all = PsReport::from_output(&stdout("ps/report-all-text-0.38.txt")).unwrap();
    assert_eq!(all.len(), 3);
    let names: Vec<_> = all.iter().map(|r| r.app.clone().unwrap()).collect();
    assert_eq!(
        names,
        [app("my.dotted.app"), app("node-js-app"), app("python-app")]
    );

    let dotted = &all[0];
    assert_eq!(dotted.running, Some(RunState::Mixed));
    let states: Vec<_> = dotted
        .containers
        .iter()
        .map(|c| {
            (
                c.process_type.as_str(),
                c.index,
                c.state.clone(),
                c.container_id.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        states,
        [
            ("web", 1, ContainerState::Running, Some("0b9d6e2f4a7")),
            ("web", 2, ContainerState::Exited, Some("3c1f8a5e6d2")),
        ]
    );

    let python = &all[2];
    assert!(!python.deployed);
    assert_eq!(python.processes, Some(0));
    assert_eq!(python.running, Some(RunState::Stopped));
    assert!(python.containers.is_empty());
}

#[test]
fn ps_report_all_text_and_json_agree_in_both_versions() {
    for version in ["0.35", "0.38"] {
        let text =
            PsReport::from_output(&stdout(&format!("ps/report-all-text-{version}.txt"))).unwrap();
        let json =
            ps_report_all_json(&stdout(&format!("ps/report-all-json-{version}.txt"))).unwrap();
        let text: Vec<_> = text
            .into_iter()
            .map(|r| PsReport {
                app: None,
                ..without_raw_ps(r)
            })
            .collect();
        let json: Vec<_> = json.into_iter().map(without_raw_ps).collect();
        assert_eq!(text, json, "{version}");
    }
}

#[test]
fn ps_report_all_with_no_apps_is_empty() {
    let f = Fixture::load("ps/report-all-empty.txt");
    assert!(f.stdout.is_empty());
    assert!(PsReport::from_output(&f.stdout).unwrap().is_empty());
}

#[test]
fn ps_report_global_json_has_only_global_and_computed_values() {
    let r = ps_report("ps/report-global-json-0.38.txt", true);
    assert_eq!(r.restart_policy, prop(None, None, Some("on-failure:10")));
    assert_eq!(r.stop_timeout_seconds, prop(None, None, Some("30")));
    assert_eq!(r.procfile_path, prop(None, None, Some("Procfile")));
    assert!(r.containers.is_empty());
    assert_eq!(r.raw.len(), 16);
    // The dedicated global report reads the same values.
    let g: PsGlobalReport =
        common::one_report(&stdout("ps/report-global-json-0.38.txt"), true).unwrap();
    assert_eq!(g.restart_policy, r.restart_policy);
    assert_eq!(g.stop_timeout_seconds, r.stop_timeout_seconds);
    assert_eq!(g.skip_deploy, prop(None, None, Some("false")));
    assert_eq!(g.raw, r.raw);
}

fn formation(rows: &[(&str, u32)]) -> Vec<Formation> {
    rows.iter()
        .map(|(t, q)| Formation {
            process_type: process(t),
            quantity: *q,
        })
        .collect()
}

#[test]
fn ps_scale_text_quiet_and_json_agree() {
    let want = formation(&[("web", 1), ("worker", 1)]);
    assert_eq!(
        parse::ps::scale_text(&stdout("ps/scale-text.txt")).unwrap(),
        want
    );
    assert_eq!(
        parse::ps::scale_text(&stdout("ps/scale-text-quiet.txt")).unwrap(),
        want
    );
    assert_eq!(
        parse::ps::scale_json(&stdout("ps/scale-json.txt")).unwrap(),
        want
    );
    assert!(parse::ps::scale_json(&stdout("ps/scale-json-empty.txt"))
        .unwrap()
        .is_empty());
}

#[test]
fn ps_scale_text_0_35_keeps_zero_rows_in_dokku_order() {
    assert_eq!(
        parse::ps::scale_text(&stdout("ps/scale-text-0.35.txt")).unwrap(),
        formation(&[("release", 0), ("web", 2), ("worker", 1)])
    );
}

#[test]
fn ps_scale_json_accepts_a_numeric_string_quantity() {
    let rows = parse::ps::scale_json(r#"[{"process_type":"web","quantity":"3"}]"#).unwrap();
    assert_eq!(rows, formation(&[("web", 3)]));
    assert!(parse::ps::scale_json(r#"[{"process_type":"web","quantity":"x"}]"#).is_err());
}

// ---------------------------------------------------------------------------
// plugin and version
// ---------------------------------------------------------------------------

fn plugins(path: &str) -> Vec<PluginInfo> {
    parse::plugin::list(&stdout(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn find<'a>(list: &'a [PluginInfo], name: &str) -> &'a PluginInfo {
    list.iter()
        .find(|p| p.name.as_str() == name)
        .unwrap_or_else(|| panic!("no plugin {name}"))
}

#[test]
fn plugin_list_text_0_38() {
    let list = plugins("plugin/list-text-0.38.txt");
    assert_eq!(list.len(), 16);
    assert_eq!(list[0].name.as_str(), "00_dokku-standard");
    let postgres = find(&list, "postgres");
    assert!(postgres.enabled);
    assert_eq!(postgres.version, "1.41.0");
    assert_eq!(postgres.description, "dokku postgres service plugin");
    assert_eq!(postgres.core, None);
    let le = find(&list, "letsencrypt");
    assert!(!le.enabled);
    assert_eq!(le.version, "0.22.0");
    assert_eq!(
        le.description,
        "Automated installation of let's encrypt TLS certificates"
    );
    // A name longer than its 20-column pad still splits right.
    let sched = find(&list, "scheduler-docker-local");
    assert!(sched.enabled);
    assert_eq!(sched.version, "0.38.27");
    assert_eq!(
        sched.description,
        "dokku core scheduler-docker-local plugin"
    );
    assert_eq!(list.iter().filter(|p| !p.enabled).count(), 1);
}

#[test]
fn plugin_list_json_0_38() {
    let list = plugins("plugin/list-json-0.38.txt");
    assert_eq!(list.len(), 16);
    let postgres = find(&list, "postgres");
    assert!(postgres.enabled);
    assert_eq!(postgres.core, Some(false));
    assert_eq!(
        postgres.source_url.as_deref(),
        Some("https://github.com/dokku/dokku-postgres.git")
    );
    assert_eq!(
        postgres.committish.as_deref(),
        Some("7c0e5d1b2a9f4e3d8c6b5a4f3e2d1c0b9a8f7e6d")
    );
    // Detached HEAD: the empty branch is None.
    assert_eq!(postgres.branch, None);
    let le = find(&list, "letsencrypt");
    assert!(!le.enabled);
    assert_eq!(le.branch.as_deref(), Some("master"));
    let apps = find(&list, "apps");
    assert_eq!(apps.core, Some(true));
    assert_eq!(apps.source_url, None);
}

#[test]
fn plugin_list_text_and_json_agree_on_the_common_fields() {
    let text = plugins("plugin/list-text-0.38.txt");
    let json = plugins("plugin/list-json-0.38.txt");
    let common = |list: &[PluginInfo]| -> Vec<(String, String, bool, String)> {
        list.iter()
            .map(|p| {
                (
                    p.name.to_string(),
                    p.version.clone(),
                    p.enabled,
                    p.description.clone(),
                )
            })
            .collect()
    };
    assert_eq!(common(&text), common(&json));
}

#[test]
fn plugin_list_0_35_ignores_format_json_and_prints_text() {
    // Dokku 0.35 ignores `--format json`; the parser decides by content.
    assert_eq!(
        plugins("plugin/list-json-unsupported-0.35.txt"),
        plugins("plugin/list-text-0.35.txt")
    );
    let list = plugins("plugin/list-text-0.35.txt");
    assert_eq!(find(&list, "apps").version, "0.35.20");
    assert!(find(&list, "postgres").enabled);
    assert!(!find(&list, "letsencrypt").enabled);
}

#[test]
fn version_fixtures() {
    let v = |path: &str| parse::version::version(&stdout(path)).unwrap();
    assert_eq!(v("version/version-0.38.txt"), DokkuVersion::new(0, 38, 27));
    assert_eq!(v("version/version-0.35.txt"), DokkuVersion::new(0, 35, 20));
    assert_eq!(v("version/version-flag.txt"), DokkuVersion::new(0, 38, 27));
}

#[test]
fn every_fixture_version_matches_its_dokku_header() {
    for name in ["version-0.35", "version-0.38", "version-flag"] {
        let f = Fixture::load(format!("version/{name}.txt"));
        assert_eq!(parse::version::version(&f.stdout).unwrap(), f.version());
    }
}
