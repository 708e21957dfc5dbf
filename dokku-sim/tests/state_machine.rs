//! A state-machine property test: random sequences of operations through
//! the typed `Dokku` client over `SimExecutor`. After every step, what the
//! client reads back must equal the simulator's own state — so the
//! simulator's output and dokku-core's parsers agree on every state the
//! operations can reach, on both Dokku versions.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;

use dokku_core::api::service::LinkOptions;
use dokku_core::model::config::StoreRules;
use dokku_core::model::service::ServicePlugin;
use dokku_core::{
    AppName, Capabilities, ConfigKey, Dokku, Domain, Error, ProcessType, SecretString, ServiceName,
};
use dokku_sim::host::{profiles, Plugin, SimHost};
use dokku_sim::SimExecutor;
use proptest::prelude::*;

const APPS: &[&str] = &["alpha", "beta", "gamma.app"];
const KEYS: &[&str] = &["A", "DATABASE_URL", "MULTI"];
const DOMAINS: &[&str] = &["a.example.com", "b.example.org", "*.wild.example.net"];
/// Services: (plugin, name).
const SERVICES: &[(&str, &str)] = &[
    ("postgres", "db1"),
    ("postgres", "db-2"),
    ("redis", "cache"),
];

#[derive(Debug, Clone)]
enum Op {
    Create(usize),
    Destroy(usize),
    Rename(usize, usize),
    Set(usize, usize, String),
    Unset(usize, usize),
    Scale(usize, u32, u32),
    AddDomain(usize, usize),
    RemoveDomain(usize, usize),
    Lock(usize),
    Unlock(usize),
    ServiceCreate(usize),
    ServiceDestroy(usize),
    Link(usize, usize),
    Unlink(usize, usize),
    Expose(usize),
}

fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        // Never an integer Dokku would rewrite (`007`): the model is the
        // map Dokku wrote, and such a value reads back canonical.
        "([a-z ][a-z0-9 ]{0,7})?",
        Just("line one\nline two".to_owned()),
        Just("Grüße, 世界 ☕".to_owned()),
        Just("it's \"quoted\" & <tagged> $HOME `id`".to_owned()),
        Just("-n".to_owned()),
        Just("postgres://u:p@h:5432/db?sslmode=disable&x=1".to_owned()),
        // What Dokku would store corrupted: the client refuses it, nothing
        // changes.
        Just("she said \"hi\"".to_owned()),
        Just("C:\\temp\\".to_owned()),
        Just("007".to_owned()),
    ]
}

fn op() -> impl Strategy<Value = Op> {
    let app = 0..APPS.len();
    prop_oneof![
        3 => app.clone().prop_map(Op::Create),
        1 => app.clone().prop_map(Op::Destroy),
        1 => (app.clone(), app.clone()).prop_map(|(a, b)| Op::Rename(a, b)),
        3 => (app.clone(), 0..KEYS.len(), value()).prop_map(|(a, k, v)| Op::Set(a, k, v)),
        2 => (app.clone(), 0..KEYS.len()).prop_map(|(a, k)| Op::Unset(a, k)),
        2 => (app.clone(), 0..4u32, 0..3u32).prop_map(|(a, w, k)| Op::Scale(a, w, k)),
        2 => (app.clone(), 0..DOMAINS.len()).prop_map(|(a, d)| Op::AddDomain(a, d)),
        1 => (app.clone(), 0..DOMAINS.len()).prop_map(|(a, d)| Op::RemoveDomain(a, d)),
        1 => app.clone().prop_map(Op::Lock),
        1 => app.clone().prop_map(Op::Unlock),
        3 => (0..SERVICES.len()).prop_map(Op::ServiceCreate),
        1 => (0..SERVICES.len()).prop_map(Op::ServiceDestroy),
        3 => (0..SERVICES.len(), app.clone()).prop_map(|(s, a)| Op::Link(s, a)),
        2 => (0..SERVICES.len(), app).prop_map(|(s, a)| Op::Unlink(s, a)),
        1 => (0..SERVICES.len()).prop_map(Op::Expose),
    ]
}

fn plugin_of(s: usize) -> ServicePlugin {
    match SERVICES[s].0 {
        "redis" => ServicePlugin::Redis,
        _ => ServicePlugin::Postgres,
    }
}

fn service(s: usize) -> ServiceName {
    ServiceName::new(SERVICES[s].1).unwrap()
}

fn name(i: usize) -> AppName {
    AppName::new(APPS[i]).unwrap()
}

async fn apply(dokku: &Dokku, op: &Op) -> Result<(), Error> {
    match op {
        Op::Create(a) => dokku.apps().create(&name(*a)).await,
        Op::Destroy(a) => dokku.apps().destroy(&name(*a), APPS[*a]).await,
        Op::Rename(a, b) => {
            dokku
                .apps()
                .rename(&name(*a), &name(*b))
                .skip_deploy()
                .send()
                .await
        }
        Op::Set(a, k, v) => {
            dokku
                .config()
                .set(&name(*a))
                .var(
                    ConfigKey::new(KEYS[*k]).unwrap(),
                    SecretString::new(v.as_str()),
                )
                .no_restart()
                .send()
                .await
        }
        Op::Unset(a, k) => dokku
            .config()
            .unset(&name(*a))
            .key(ConfigKey::new(KEYS[*k]).unwrap())
            .no_restart()
            .send()
            .await
            .map(drop),
        Op::Scale(a, web, worker) => {
            dokku
                .ps()
                .scale(&name(*a))
                .process(ProcessType::web(), *web)
                .process(ProcessType::new("worker").unwrap(), *worker)
                .skip_deploy()
                .send()
                .await
        }
        Op::AddDomain(a, d) => {
            dokku
                .domains()
                .add(&name(*a), &[Domain::new(DOMAINS[*d]).unwrap()])
                .await
        }
        Op::RemoveDomain(a, d) => {
            dokku
                .domains()
                .remove(&name(*a), &[Domain::new(DOMAINS[*d]).unwrap()])
                .await
        }
        Op::Lock(a) => dokku.apps().lock(&name(*a)).await,
        Op::Unlock(a) => dokku.apps().unlock(&name(*a)).await,
        Op::ServiceCreate(s) => dokku
            .service(plugin_of(*s))
            .create(&service(*s), &Default::default())
            .await
            .map(drop),
        Op::ServiceDestroy(s) => {
            dokku
                .service(plugin_of(*s))
                .destroy(&service(*s), SERVICES[*s].1)
                .await
        }
        Op::Link(s, a) => dokku
            .service(plugin_of(*s))
            .link(&service(*s), &name(*a), &LinkOptions::new().no_restart())
            .await
            .map(drop),
        Op::Unlink(s, a) => {
            dokku
                .service(plugin_of(*s))
                .unlink(&service(*s), &name(*a), true)
                .await
        }
        Op::Expose(s) => dokku.service(plugin_of(*s)).expose(&service(*s), &[]).await,
    }
}

/// Whether `app` has a config variable holding the service's URL: how the
/// plugin decides "linked" for link, unlink and linked.
fn url_in_config(host: &SimHost, s: usize, a: usize) -> bool {
    match (host.services.get(SERVICES[s].1), host.apps.get(APPS[a])) {
        (Some(service), Some(app)) => app.config.values().any(|v| v.contains(&service.dsn)),
        _ => false,
    }
}

/// Whether the operation should have failed, judged from the model.
fn expected_error(host: &SimHost, op: &Op) -> bool {
    let exists = |i: &usize| host.apps.contains_key(APPS[*i]);
    match op {
        Op::Create(a) => exists(a),
        Op::Rename(a, b) => !exists(a) || exists(b),
        Op::Unlock(a) => !exists(a) || !host.apps[APPS[*a]].locked,
        Op::ServiceCreate(s) => host.services.contains_key(SERVICES[*s].1),
        Op::ServiceDestroy(s) => host
            .services
            .get(SERVICES[*s].1)
            .is_none_or(|svc| !svc.links.is_empty()),
        Op::Link(s, a) => {
            !exists(a) || !host.services.contains_key(SERVICES[*s].1) || url_in_config(host, *s, *a)
        }
        Op::Unlink(s, a) => {
            !exists(a)
                || !host.services.contains_key(SERVICES[*s].1)
                || !url_in_config(host, *s, *a)
        }
        Op::Expose(s) => host
            .services
            .get(SERVICES[*s].1)
            .is_none_or(|svc| !svc.exposed.is_empty()),
        Op::Set(a, k, v) => {
            let rules = StoreRules::for_host(&Capabilities::for_version(host.version));
            !exists(a) || rules.check(&ConfigKey::new(KEYS[*k]).unwrap(), v).is_err()
        }
        Op::Destroy(a)
        | Op::Unset(a, _)
        | Op::Scale(a, ..)
        | Op::AddDomain(a, _)
        | Op::RemoveDomain(a, _)
        | Op::Lock(a) => !exists(a),
    }
}

async fn check_reads(dokku: &Dokku, host: &SimHost) {
    let listed: Vec<String> = dokku
        .apps()
        .list()
        .await
        .unwrap()
        .iter()
        .map(ToString::to_string)
        .collect();
    let model: Vec<String> = host.apps.keys().cloned().collect();
    assert_eq!(listed, model, "apps:list");
    for (app_name, app) in &host.apps {
        let app_name = AppName::legacy(app_name).unwrap();
        let vars: BTreeMap<String, String> = dokku
            .config()
            .export(&app_name)
            .await
            .unwrap()
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.expose().to_owned()))
            .collect();
        assert_eq!(vars, app.config, "config of {app_name}");
        let formation: BTreeMap<String, u32> = dokku
            .ps()
            .scale_report(&app_name)
            .await
            .unwrap()
            .into_iter()
            .map(|f| (f.process_type.to_string(), f.quantity))
            .collect();
        let model_scale: BTreeMap<String, u32> = app.scale.clone();
        assert_eq!(formation, model_scale, "scale of {app_name}");
        let domains = dokku.domains().report(&app_name).await.unwrap();
        assert_eq!(domains.app_vhosts, app.domains, "domains of {app_name}");
        assert_eq!(
            dokku.apps().locked(&app_name).await.unwrap(),
            app.locked,
            "lock of {app_name}"
        );
        let report = dokku.apps().report(&app_name).await.unwrap();
        assert_eq!(report.locked, app.locked);
        assert_eq!(report.created_at, Some(app.created_at));
    }
    for plugin in [ServicePlugin::Postgres, ServicePlugin::Redis] {
        let handler = dokku.service(plugin.clone());
        let listed: Vec<String> = handler
            .list()
            .await
            .unwrap()
            .iter()
            .map(ToString::to_string)
            .collect();
        let model: Vec<String> = host
            .services
            .iter()
            .filter(|(_, s)| s.plugin == plugin.name())
            .map(|(n, _)| n.clone())
            .collect();
        assert_eq!(listed, model, "{plugin}:list");
        for name in &model {
            let svc = &host.services[name];
            let service_name = ServiceName::new(name).unwrap();
            let info = handler.info(&service_name).await.unwrap();
            let links: Vec<String> = info.links.iter().map(ToString::to_string).collect();
            assert_eq!(links, svc.links, "links of {name} in info");
            let links: Vec<String> = handler
                .links(&service_name)
                .await
                .unwrap()
                .iter()
                .map(ToString::to_string)
                .collect();
            assert_eq!(links, svc.links, "{plugin}:links {name}");
            assert_eq!(info.dsn.unwrap().expose(), svc.dsn);
            assert_eq!(info.status.unwrap().as_str(), svc.status);
            let ports: Vec<String> = info.exposed_ports.iter().map(|p| p.host.clone()).collect();
            assert_eq!(ports, svc.exposed, "exposed ports of {name}");
        }
    }
}

fn run_sequence(version: dokku_core::DokkuVersion, ops: &[Op]) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .unwrap();
    runtime.block_on(async {
        let mut host = SimHost::new(version);
        for name in ["postgres", "redis"] {
            host.plugins.push(Plugin {
                name: name.to_owned(),
                version: "1.44.0".to_owned(),
                enabled: true,
                core: false,
                description: format!("dokku {name} service plugin"),
                source_url: String::new(),
                committish: String::new(),
                branch: String::new(),
            });
        }
        let exec = SimExecutor::new(host);
        let dokku = Dokku::new(exec.clone());
        for op in ops {
            let should_fail = exec.with_host(|h| expected_error(h, op));
            let result = apply(&dokku, op).await;
            assert_eq!(result.is_err(), should_fail, "{op:?} gave {result:?}");
            let host = exec.with_host(|h| h.clone());
            check_reads(&dokku, &host).await;
        }
    });
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn client_reads_match_the_model_on_0_38(ops in prop::collection::vec(op(), 1..14)) {
        run_sequence(profiles::V0_38_27, &ops);
    }

    #[test]
    fn client_reads_match_the_model_on_0_35(ops in prop::collection::vec(op(), 1..14)) {
        run_sequence(profiles::V0_35_20, &ops);
    }
}
