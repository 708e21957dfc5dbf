//! `ports` and `proxy`: the parsers on every fixture (typed results
//! snapshotted), the exact argv each handler sends on both sides of the
//! 0.31 boundary (`ports:*` vs `proxy:ports*`), and the validation that
//! refuses bad mappings before anything is sent.
#![cfg(feature = "test-util")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::sync::Arc;

use common::{one_report, Fixture};
use dokku_core::api::ports::{self, PortsVerb};
use dokku_core::api::proxy::{self, ProxyAction};
use dokku_core::api::report::{report_command, ReportTarget};
use dokku_core::api::{Scope, Target};
use dokku_core::catalog::plugins;
use dokku_core::model::ports::{PortMapping, PortsReport};
use dokku_core::model::proxy::ProxyReport;
use dokku_core::parse;
use dokku_core::testing::ScriptedExecutor;
use dokku_core::{AppName, Capabilities, Dokku, DokkuVersion, Error, Requirement, TimeoutClass};
use proptest::prelude::*;

const V030: DokkuVersion = DokkuVersion::new(0, 30, 7);
const V035: DokkuVersion = DokkuVersion::new(0, 35, 20);
const V038: DokkuVersion = DokkuVersion::new(0, 38, 27);

fn node() -> AppName {
    AppName::new("node-js-app").unwrap()
}

fn pm(s: &str) -> PortMapping {
    s.parse().unwrap()
}

fn client(exec: &Arc<ScriptedExecutor>, version: DokkuVersion) -> Dokku {
    Dokku::from_arc(exec.clone()).with_capabilities(Capabilities::for_version(version))
}

fn snapshot(f: &Fixture, value: &dyn std::fmt::Debug) {
    let mut settings = insta::Settings::clone_current();
    settings.set_description(format!("dokku {} ({})", f.command, f.path.display()));
    settings.set_omit_expression(true);
    settings.bind(|| insta::assert_debug_snapshot!(f.snapshot_name(), value));
}

#[test]
fn every_successful_report_and_list_fixture_parses() {
    let mut parsed = Vec::new();
    for f in common::in_dir("ports")
        .into_iter()
        .chain(common::in_dir("proxy"))
    {
        let argv = f.argv();
        let json = argv
            .windows(2)
            .any(|w| w[0] == "--format" && w[1] == "json");
        let info_flag = argv
            .iter()
            .skip(2)
            .any(|a| a.starts_with("--") && a != "--format" && a != "--global" && a != "json");
        if f.exit != 0 || info_flag {
            continue;
        }
        let global = argv.iter().any(|a| a == "--global");
        let sub = argv.iter().find(|a| !a.starts_with("--")).unwrap().clone();
        match sub.as_str() {
            "ports:report" if global => {
                let spec = plugins::PORTS.report.as_ref().unwrap();
                let raws = parse::report::any("ports:report", &f.stdout, spec).unwrap();
                assert_eq!(raws.len(), 1, "{}", f.path.display());
                assert_eq!(
                    f.stdout.trim_start().starts_with('{'),
                    json,
                    "{}",
                    f.path.display()
                );
            }
            "ports:report" => snapshot(&f, &one_report::<PortsReport>(&f.stdout, json).unwrap()),
            "ports:list" => snapshot(&f, &parse::ports::list(&f.stdout).unwrap()),
            "proxy:report" => snapshot(&f, &one_report::<ProxyReport>(&f.stdout, json).unwrap()),
            _ => continue,
        }
        parsed.push(f.snapshot_name());
    }
    parsed.sort();
    assert_eq!(
        parsed,
        [
            "ports__list",
            "ports__list-quiet",
            "ports__report-global-0.38",
            "ports__report-global-json-0.38",
            "ports__report-json-0.38",
            "ports__report-text-0.38",
            "ports__report-text-undeployed-0.38",
            "proxy__report-global-0.38",
            "proxy__report-json-0.38",
            "proxy__report-json-set-0.38",
            "proxy__report-text-0.38",
        ]
    );
}

#[test]
fn text_and_json_reports_agree() {
    let text: PortsReport =
        one_report(&Fixture::load("ports/report-text-0.38.txt").stdout, false).unwrap();
    let json: PortsReport =
        one_report(&Fixture::load("ports/report-json-0.38.txt").stdout, true).unwrap();
    assert_eq!(text.map, json.map);
    assert_eq!(text.map, [pm("http:8080:5000"), pm("http:80:5000")]);
    assert_eq!(text.detected, [pm("http:80:5000")]);
    assert_eq!(text.effective(), text.map.as_slice());

    let t: ProxyReport =
        one_report(&Fixture::load("proxy/report-text-0.38.txt").stdout, false).unwrap();
    let j: ProxyReport =
        one_report(&Fixture::load("proxy/report-json-0.38.txt").stdout, true).unwrap();
    assert_eq!(
        (t.enabled, t.proxy_type.effective()),
        (Some(true), Some("nginx"))
    );
    assert_eq!(
        (j.enabled, j.proxy_type.effective()),
        (Some(true), Some("nginx"))
    );
    let set: ProxyReport = one_report(
        &Fixture::load("proxy/report-json-set-0.38.txt").stdout,
        true,
    )
    .unwrap();
    assert_eq!(set.enabled, Some(false));
    assert_eq!(set.proxy_type.app.as_deref(), Some("caddy"));
    assert_eq!(set.proxy_port.effective(), Some("8080"));
    let global: ProxyReport =
        one_report(&Fixture::load("proxy/report-global-0.38.txt").stdout, false).unwrap();
    assert_eq!((global.app, global.enabled), (None, None));
}

#[test]
fn port_mappings_are_validated() {
    let m = pm("https:443:5000");
    assert_eq!(
        (m.scheme.as_str(), m.host_port, m.container_port),
        ("https", 443, 5000)
    );
    assert_eq!(m.to_string(), "https:443:5000");
    assert_eq!(
        PortMapping::new("tcp", 2222, 22).unwrap().to_string(),
        "tcp:2222:22"
    );
    for bad in [
        "http:80",
        "http:0:5000",
        "http:80:65536",
        "HTTP:80:5000",
        ":80:5000",
        "http:80:5000:1",
        "-x:1:2",
        "http:+80:5000",
        "http: 80:5000",
    ] {
        assert!(
            matches!(
                bad.parse::<PortMapping>(),
                Err(Error::InvalidArgument { .. })
            ),
            "{bad}"
        );
    }
}

#[test]
fn builders_pick_ports_or_proxy_ports_by_version() {
    let new = Capabilities::for_version(V035);
    let old = Capabilities::for_version(V030);
    let maps = [pm("http:80:5000"), pm("https:443:5000")];
    for (caps, verb, want) in [
        (&new, PortsVerb::Add, "ports:add"),
        (&new, PortsVerb::Set, "ports:set"),
        (&new, PortsVerb::Remove, "ports:remove"),
        (&old, PortsVerb::Add, "proxy:ports-add"),
        (&old, PortsVerb::Set, "proxy:ports-set"),
        (&old, PortsVerb::Remove, "proxy:ports-remove"),
    ] {
        let c = ports::change_command(caps, verb, &node(), &maps).unwrap();
        assert_eq!(
            c.expose_argv(),
            [want, "node-js-app", "http:80:5000", "https:443:5000"]
        );
        assert!(c.is_mutating());
        assert_eq!(c.timeout_class(), TimeoutClass::LongRunning);
        assert_eq!(c.app(), Some(&node()));
    }
    assert_eq!(
        ports::change_command(&old, PortsVerb::Clear, &node(), &[])
            .unwrap()
            .expose_argv(),
        ["proxy:ports-clear", "node-js-app"]
    );
    assert_eq!(
        ports::list_command(&old, &node()).expose_argv(),
        ["proxy:ports", "node-js-app"]
    );
    assert_eq!(
        ports::list_command(&new, &node()).expose_argv(),
        ["ports:list", "node-js-app"]
    );
    assert!(ports::change_command(&new, PortsVerb::Add, &node(), &[]).is_err());
    assert!(ports::change_command(&new, PortsVerb::Clear, &node(), &maps).is_err());
    assert_eq!(
        ports::remove_host_ports_command(&new, &node(), &[443])
            .unwrap()
            .expose_argv(),
        ["ports:remove", "node-js-app", "443"]
    );
    assert!(ports::remove_host_ports_command(&new, &node(), &[0]).is_err());
    // `ports:report --global --format json`: --global needs 0.38.0 (the
    // ports plugin's 0.31 JSON is implied by it).
    let global = report_command(
        &plugins::PORTS,
        &ReportTarget::Global,
        dokku_core::api::Format::Json,
    )
    .unwrap();
    let needs: Vec<DokkuVersion> = global
        .requirements()
        .iter()
        .map(|r| match r {
            Requirement::Version(v) => *v,
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(needs.iter().max(), Some(&DokkuVersion::new(0, 38, 0)));
    assert_eq!(
        proxy::action_command(ProxyAction::BuildConfig, &Target::All).expose_argv(),
        ["proxy:build-config", "--all"]
    );
    assert_eq!(
        proxy::action_command(ProxyAction::ClearConfig, &Target::App(node())).expose_argv(),
        ["proxy:clear-config", "node-js-app"]
    );
    assert_eq!(
        proxy::set_command(&Scope::Global, "caddy")
            .unwrap()
            .expose_argv(),
        ["proxy:set", "--global", "caddy"]
    );
    assert!(proxy::set_command(&Scope::Global, "--all").is_err());
    assert!(proxy::set_command(&Scope::Global, "http:80:5000").is_err());
}

#[tokio::test]
async fn handlers_send_the_right_argv() {
    let exec = Arc::new(
        ScriptedExecutor::new()
            .expect_ok(
                ["ports:report", "node-js-app", "--format", "json"],
                &Fixture::load("ports/report-json-0.38.txt").stdout,
            )
            .expect_ok(
                ["ports:list", "node-js-app"],
                &Fixture::load("ports/list.txt").stdout,
            )
            .expect_ok(["ports:add", "node-js-app", "tcp:2222:22"], "")
            .expect_ok(
                ["proxy:report", "node-js-app", "--format", "json"],
                &Fixture::load("proxy/report-json-0.38.txt").stdout,
            )
            .expect_ok(["proxy:disable", "node-js-app"], "")
            .expect_ok(["proxy:set", "node-js-app", "caddy"], ""),
    );
    let dokku = client(&exec, V038);
    assert_eq!(dokku.ports().report(&node()).await.unwrap().map.len(), 2);
    assert_eq!(
        dokku.ports().list(&node()).await.unwrap(),
        [pm("http:8080:5000"), pm("http:80:5000")]
    );
    dokku
        .ports()
        .add(&node(), &[pm("tcp:2222:22")])
        .await
        .unwrap();
    assert_eq!(
        dokku.proxy().report(&node()).await.unwrap().enabled,
        Some(true)
    );
    dokku.proxy().disable(&node()).await.unwrap();
    dokku.proxy().set(&node(), "caddy").await.unwrap();
    exec.verify().unwrap();

    // Before 0.31: proxy:ports, and ports read from the proxy report.
    let none = Fixture::load("ports/list-none.txt");
    let old = Arc::new(
        ScriptedExecutor::new()
            .expect(["proxy:ports", "node-js-app"], none.output())
            .expect_ok(
                ["proxy:report", "node-js-app", "--format", "json"],
                "{\"proxy-port-map\":\"http:80:5000\",\"proxy-enabled\":\"true\"}\n",
            ),
    );
    let dokku = client(&old, V030);
    assert!(dokku.ports().list(&node()).await.unwrap().is_empty());
    assert_eq!(
        dokku.ports().report(&node()).await.unwrap().map,
        [pm("http:80:5000")]
    );
    old.verify().unwrap();
}

proptest! {
    #[test]
    fn port_mappings_round_trip(scheme in "[a-z][a-z0-9]{0,7}", host in 1u16.., container in 1u16..) {
        let m = PortMapping::new(&scheme, host, container).unwrap();
        prop_assert_eq!(m.to_string().parse::<PortMapping>().unwrap(), m.clone());
        prop_assert_eq!(parse::ports::mappings("x", &format!(" {m}  {m} ")).unwrap(), vec![m.clone(), m]);
    }

    #[test]
    fn anything_else_is_refused_not_a_panic(text in "\\PC{0,24}") {
        if let Ok(m) = text.parse::<PortMapping>() {
            prop_assert_eq!(m.to_string(), text);
        }
    }
}
