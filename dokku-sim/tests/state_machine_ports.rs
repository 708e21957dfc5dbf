//! A state-machine property test for ports: random `ports:add/set/remove/
//! clear` sequences through the typed client over `SimExecutor`. After
//! every step the client's reads (`ports:report`, `ports:list`) must equal
//! the simulator's state and an independent model of Dokku's rules
//! (sorted, de-duplicated, one container port per scheme:host-port), on
//! hosts with the ports plugin and on older ones (`proxy:ports*`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::{BTreeMap, BTreeSet};

use dokku_core::model::ports::PortMapping;
use dokku_core::{AppName, Dokku, Error};
use dokku_sim::commands::ports::app_map;
use dokku_sim::host::{profiles, SimHost};
use dokku_sim::SimExecutor;
use proptest::prelude::*;

const APPS: &[&str] = &["alpha", "beta"];
const MAPS: &[&str] = &[
    "http:80:5000",
    "http:80:5001",
    "https:443:5000",
    "tcp:2222:22",
    "http:8080:5000",
];

#[derive(Debug, Clone)]
enum Op {
    Add(usize, Vec<usize>),
    Set(usize, Vec<usize>),
    Remove(usize, Vec<usize>),
    RemoveHostPort(usize, u16),
    Clear(usize),
}

fn op() -> impl Strategy<Value = Op> {
    let app = 0..APPS.len();
    let maps = prop::collection::vec(0..MAPS.len(), 1..3);
    prop_oneof![
        3 => (app.clone(), maps.clone()).prop_map(|(a, m)| Op::Add(a, m)),
        2 => (app.clone(), maps.clone()).prop_map(|(a, m)| Op::Set(a, m)),
        2 => (app.clone(), maps).prop_map(|(a, m)| Op::Remove(a, m)),
        1 => (app.clone(), prop_oneof![Just(80u16), Just(443), Just(2222)]).prop_map(|(a, p)| Op::RemoveHostPort(a, p)),
        1 => app.prop_map(Op::Clear),
    ]
}

fn name(i: usize) -> AppName {
    AppName::new(APPS[i]).unwrap()
}

fn mappings(idx: &[usize]) -> Vec<PortMapping> {
    idx.iter().map(|i| MAPS[*i].parse().unwrap()).collect()
}

type Model = BTreeMap<usize, BTreeSet<String>>;

fn host_key(m: &str) -> &str {
    m.rsplit_once(':').map_or(m, |(k, _)| k)
}

/// The next state, or `None` when Dokku refuses (a scheme:host-port mapped
/// to two container ports).
fn step(model: &Model, op: &Op) -> Option<Model> {
    let mut next = model.clone();
    let (app, set) = match op {
        Op::Add(a, m) => {
            let mut s = model[a].clone();
            s.extend(m.iter().map(|i| MAPS[*i].to_owned()));
            (*a, s)
        }
        Op::Set(a, m) => (*a, m.iter().map(|i| MAPS[*i].to_owned()).collect()),
        Op::Remove(a, m) => {
            let mut s = model[a].clone();
            for i in m {
                s.remove(MAPS[*i]);
            }
            (*a, s)
        }
        Op::RemoveHostPort(a, p) => {
            let s = model[a]
                .iter()
                .filter(|m| m.split(':').nth(1) != Some(p.to_string().as_str()))
                .cloned()
                .collect();
            (*a, s)
        }
        Op::Clear(a) => (*a, BTreeSet::new()),
    };
    let keys: BTreeSet<&str> = set.iter().map(|m| host_key(m)).collect();
    if keys.len() != set.len() {
        return None;
    }
    next.insert(app, set);
    Some(next)
}

async fn apply(dokku: &Dokku, op: &Op) -> Result<(), Error> {
    let ports = dokku.ports();
    match op {
        Op::Add(a, m) => ports.add(&name(*a), &mappings(m)).await,
        Op::Set(a, m) => ports.set(&name(*a), &mappings(m)).await,
        Op::Remove(a, m) => ports.remove(&name(*a), &mappings(m)).await,
        Op::RemoveHostPort(a, p) => ports.remove_host_ports(&name(*a), &[*p]).await,
        Op::Clear(a) => ports.clear(&name(*a)).await,
    }
}

fn run_sequence(version: dokku_core::DokkuVersion, ops: &[Op]) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .unwrap();
    runtime.block_on(async {
        let exec = SimExecutor::new(SimHost::new(version));
        let dokku = Dokku::new(exec.clone());
        let mut model = Model::new();
        for (i, app) in APPS.iter().enumerate() {
            dokku
                .apps()
                .create(&AppName::new(app).unwrap())
                .await
                .unwrap();
            model.insert(i, BTreeSet::new());
        }
        for op in ops {
            let expected = step(&model, op);
            let result = apply(&dokku, op).await;
            assert_eq!(result.is_ok(), expected.is_some(), "{op:?} gave {result:?}");
            if let Some(next) = expected {
                model = next;
            }
            for (i, app) in APPS.iter().enumerate() {
                let stored = exec.with_host(|h| app_map(h, app));
                let want: Vec<String> = model[&i].iter().cloned().collect();
                assert_eq!(stored, want, "sim state of {app} after {op:?}");
                let report = dokku.ports().report(&name(i)).await.unwrap();
                let read: Vec<String> = report.map.iter().map(ToString::to_string).collect();
                assert_eq!(read, want, "ports:report of {app} after {op:?}");
                let listed: Vec<String> = dokku
                    .ports()
                    .list(&name(i))
                    .await
                    .unwrap()
                    .iter()
                    .map(ToString::to_string)
                    .collect();
                assert_eq!(listed, want, "ports:list of {app} after {op:?}");
            }
        }
    });
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn ports_reads_match_the_model_on_0_38(ops in prop::collection::vec(op(), 1..12)) {
        run_sequence(profiles::V0_38_27, &ops);
    }

    #[test]
    fn ports_reads_match_the_model_on_0_35(ops in prop::collection::vec(op(), 1..12)) {
        run_sequence(profiles::V0_35_20, &ops);
    }

    // Before 0.31 the client sends `proxy:ports*` and reads the mappings
    // from `proxy:report`.
    #[test]
    fn ports_reads_match_the_model_before_0_31(ops in prop::collection::vec(op(), 1..12)) {
        run_sequence(dokku_core::DokkuVersion::new(0, 30, 11), &ops);
    }
}
