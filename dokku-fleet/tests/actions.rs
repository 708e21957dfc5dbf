//! Fleet actions: a plan is shown before anything runs and executed only
//! when handed back; each host runs its commands in order and stops at the
//! first failure; a mutating command whose end was not heard is reported,
//! never re-sent; every command lands in one audit trail with the host's
//! name and target.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use dokku_core::api::ps::{action_command, Action};
use dokku_core::api::Target;
use dokku_core::{AppName, Command};
use dokku_fleet::{demo, Fleet, FleetError, HostName, Labels, Selector, StepOutcome};
use dokku_history::{HistoryStore, Outcome, Query, Source};
use dokku_sim::{scenario, Fault, SimExecutor};

fn app(name: &str) -> AppName {
    AppName::new(name).unwrap()
}

#[tokio::test]
async fn a_plan_lists_hosts_and_commands_and_sends_nothing() {
    let fleet = demo::fleet().unwrap();
    let audit_free = fleet.clone();
    let plan = fleet
        .plan(
            &Selector::parse("env=prod").unwrap(),
            [
                action_command(Action::Restart, &Target::App(app("api")), None, None).unwrap(),
                Command::new("config:set").args(["api", "TOKEN=s3cr3t"]),
            ],
        )
        .unwrap();
    assert!(plan.is_mutating());
    assert_eq!(
        plan.lines(),
        [
            "eu-1 (demo (Dokku 0.38.27)): dokku ps:restart api",
            "eu-1 (demo (Dokku 0.38.27)): dokku config:set api TOKEN=***",
            "us-1 (demo (Dokku 0.35.20)): dokku ps:restart api",
            "us-1 (demo (Dokku 0.35.20)): dokku config:set api TOKEN=***",
        ]
    );
    let shown = plan.to_string();
    assert!(
        shown.starts_with("2 command(s) on 2 host(s) (changes state), selected by env=prod:\n"),
        "{shown}"
    );
    assert!(!shown.contains("s3cr3t"));
    // Nothing ran: no host has even been connected.
    let eu = audit_free.host("eu-1").await.unwrap();
    assert!(eu.dokku().cached_capabilities().await.is_none());
}

#[tokio::test]
async fn an_executed_plan_runs_on_its_hosts_only_and_reports_each() {
    let fleet = demo::fleet().unwrap();
    let create = Command::new("apps:create").arg("fleet-probe");
    let plan = fleet
        .plan(&Selector::parse("us-1,legacy").unwrap(), [create])
        .unwrap();
    let results = fleet.execute(plan).await.unwrap();
    assert_eq!(results.len(), 2);
    for r in &results {
        let steps = r.result.as_ref().unwrap();
        assert_eq!(steps.len(), 1);
        assert!(steps[0].outcome.is_done(), "{}: {:?}", r.host, steps[0]);
        assert_eq!(steps[0].command, "dokku apps:create fleet-probe");
    }
    let status = fleet.overview(&Selector::All).await.unwrap();
    let has = |host: &str| {
        status
            .get(host)
            .unwrap()
            .result
            .as_ref()
            .unwrap()
            .iter()
            .any(|a| a.app == app("fleet-probe"))
    };
    assert!(has("us-1") && has("legacy") && !has("eu-1"));
}

#[tokio::test]
async fn a_host_stops_at_its_first_failing_command() {
    let fleet = demo::fleet().unwrap();
    let plan = fleet
        .plan(
            &Selector::names(["eu-1"]).unwrap(),
            [
                Command::new("apps:create").arg("api"), // exists: fails
                Command::new("apps:create").arg("never-sent"),
            ],
        )
        .unwrap();
    let results = fleet.execute(plan).await.unwrap();
    let steps = results.get("eu-1").unwrap().result.as_ref().unwrap();
    assert!(matches!(&steps[0].outcome, StepOutcome::Failed(out) if !out.status.success()));
    assert!(matches!(steps[1].outcome, StepOutcome::NotRun));
    let apps = fleet
        .host("eu-1")
        .await
        .unwrap()
        .dokku()
        .apps()
        .list()
        .await
        .unwrap();
    assert!(!apps.contains(&app("never-sent")));
}

#[tokio::test]
async fn a_plan_from_another_fleet_is_refused() {
    let one = demo::fleet().unwrap();
    let other = demo::fleet().unwrap();
    let plan = one
        .plan(&Selector::All, [Command::new("apps:create").arg("x")])
        .unwrap();
    let err = other.execute(plan).await.unwrap_err();
    assert!(matches!(err, FleetError::ForeignPlan), "{err}");
    assert!(matches!(
        one.plan(&Selector::All, Vec::<Command>::new()),
        Err(FleetError::EmptyPlan)
    ));
}

#[tokio::test]
async fn a_mutating_command_whose_end_was_lost_is_reported_not_resent() {
    let sim = SimExecutor::new(scenario::demo());
    let fleet = Fleet::builder()
        .executor(
            HostName::new("flaky").unwrap(),
            "sim flaky",
            Labels::new(),
            sim.clone(),
        )
        .build()
        .unwrap();
    // Probe first, so the fault hits the action itself.
    fleet.versions(&Selector::All).await.unwrap();
    sim.inject(Fault::Disconnect); // runs, then the connection drops
    let plan = fleet
        .plan(&Selector::All, [Command::new("apps:create").arg("once")])
        .unwrap();
    let results = fleet.execute(plan).await.unwrap();
    let steps = results.get("flaky").unwrap().result.as_ref().unwrap();
    let StepOutcome::Error(e) = &steps[0].outcome else {
        panic!("{:?}", steps[0])
    };
    assert!(
        matches!(e, FleetError::Unreachable { host, .. } if host == "flaky"),
        "{e}"
    );
    // It ran exactly once: a second send would have failed as a duplicate,
    // and the app exists.
    assert!(sim.with_host(|h| h.apps.contains_key("once")));
}

#[tokio::test]
async fn every_host_records_into_one_trail_with_its_name_and_target() {
    let dir = tempfile::tempdir().unwrap();
    let store = HistoryStore::open(dir.path().join("history.db")).unwrap();
    let fleet = demo::add_to(
        Fleet::builder()
            .audit(store.clone())
            .audit_actor("alice")
            .audit_source(Source::Cli),
        dokku_sim::Latency::None,
    )
    .build()
    .unwrap();
    fleet.overview(&Selector::All).await.unwrap();
    let plan = fleet
        .plan(
            &Selector::parse("env=prod").unwrap(),
            [Command::new("apps:create").arg("audited")],
        )
        .unwrap();
    fleet.execute(plan).await.unwrap();

    let stats = store.host_stats(None).await.unwrap();
    let summary: Vec<(&str, Option<&str>, u64)> = stats
        .iter()
        .map(|s| (s.host.as_str(), s.target.as_deref(), s.mutating))
        .collect();
    assert_eq!(
        summary,
        [
            ("eu-1", Some("demo (Dokku 0.38.27)"), 1),
            ("legacy", Some("demo (Dokku 0.35.20)"), 0),
            ("us-1", Some("demo (Dokku 0.35.20)"), 1),
        ]
    );
    // version, plugin:list, three reports; and the action where planned.
    assert_eq!(stats[1].count, 5);
    assert_eq!(stats[0].count, 6);

    let mut us = Query::default();
    us.host = Some("us-1".to_owned());
    let rows = store.query(us).await.unwrap().records;
    assert!(rows
        .iter()
        .all(|r| r.entry.host == "us-1" && r.entry.actor == "alice"));
    let create = rows
        .iter()
        .find(|r| r.entry.subcommand == "apps:create")
        .unwrap();
    assert_eq!(create.entry.outcome, Outcome::Ok);
    assert_eq!(create.entry.source, Source::Cli);
    assert!(store.verify().await.unwrap().is_intact());
}
