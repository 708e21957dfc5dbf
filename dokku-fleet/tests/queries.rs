//! Fleet queries over the demo fleet (three simulated hosts on Dokku
//! 0.38.27 and 0.35.20): every host's apps with their status, versions and
//! plugins with what differs, certificates soonest first, apps that should
//! run and do not, each in a constant number of invocations per host.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, UNIX_EPOCH};

use async_trait::async_trait;
use dokku_core::model::overview::AppStatus;
use dokku_core::{Command, ExecError, Executor, Output, OutputStream};
use dokku_fleet::{
    demo, DeployOutcome, DokkuBuilds, Fleet, FleetError, HostName, Labels, NoDeployHistory,
    Selector,
};
use dokku_sim::{Latency, SimExecutor};

/// Counts the invocations of the executor it wraps.
#[derive(Debug)]
struct Counting {
    inner: SimExecutor,
    calls: Arc<AtomicUsize>,
}

#[async_trait]
impl Executor for Counting {
    async fn run(&self, command: &Command) -> Result<Output, ExecError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        self.inner.run(command).await
    }
    async fn stream(&self, command: &Command) -> Result<OutputStream, ExecError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        self.inner.stream(command).await
    }
}

fn apps_by_status(
    fleet_apps: &[dokku_core::model::overview::AppOverview],
) -> Vec<(String, AppStatus)> {
    fleet_apps
        .iter()
        .map(|a| (a.app.to_string(), a.status))
        .collect()
}

#[tokio::test]
async fn the_status_of_every_host_names_each_app_and_its_state() {
    let fleet = demo::fleet().unwrap();
    let status = fleet.overview(&Selector::All).await.unwrap();
    assert!(status.all_ok(), "{:?}", status.failed().collect::<Vec<_>>());
    let by_host: BTreeMap<String, Vec<(String, AppStatus)>> = status
        .ok()
        .map(|(h, apps)| (h.to_string(), apps_by_status(apps)))
        .collect();
    let s = |a: &str, st| (a.to_owned(), st);
    assert_eq!(
        by_host["eu-1"],
        [
            s("api", AppStatus::Running),
            s("blog", AppStatus::Running),
            s("docs.example.com", AppStatus::Running),
            s("shop", AppStatus::Running),
        ]
    );
    assert_eq!(
        by_host["us-1"],
        [
            s("api", AppStatus::Running),
            s("metrics", AppStatus::Crashed),
            s("queue", AppStatus::Running),
        ]
    );
    assert_eq!(
        by_host["legacy"],
        [
            s("old_intranet", AppStatus::Running),
            s("sandbox", AppStatus::NeverDeployed),
            s("staging-api", AppStatus::Stopped),
        ]
    );
    let order: Vec<&str> = status.iter().map(|r| r.host.as_str()).collect();
    assert_eq!(order, ["eu-1", "legacy", "us-1"]);
    assert_eq!(status.get("us-1").unwrap().target, "demo (Dokku 0.35.20)");
}

#[tokio::test]
async fn apps_not_running_are_the_crashed_stopped_and_mixed_ones() {
    let fleet = demo::fleet().unwrap();
    let down = fleet.apps_not_running(&Selector::All).await.unwrap();
    let found: Vec<(String, String, AppStatus)> = down
        .ok()
        .flat_map(|(h, apps)| {
            apps.iter()
                .map(move |a| (h.to_string(), a.app.to_string(), a.status))
        })
        .collect();
    assert_eq!(
        found,
        [
            (
                "legacy".to_owned(),
                "staging-api".to_owned(),
                AppStatus::Stopped
            ),
            ("us-1".to_owned(), "metrics".to_owned(), AppStatus::Crashed),
        ]
    );
}

#[tokio::test]
async fn the_skew_report_says_which_host_lacks_what_the_others_have() {
    let fleet = demo::fleet().unwrap();
    let versions = fleet.versions(&Selector::All).await.unwrap();
    assert!(versions.hosts.all_ok());
    let skew = &versions.skew;
    assert_eq!(skew.newest.unwrap().to_string(), "0.38.27");
    assert_eq!(skew.behind, ["legacy", "us-1"]);
    let json = skew
        .missing_features
        .iter()
        .find(|g| g.feature.name.contains("every :report"))
        .unwrap();
    assert_eq!(json.present_on, ["eu-1"]);
    assert_eq!(json.missing_on, ["legacy", "us-1"]);
    let gap = |plugin: &str| {
        skew.missing_plugins
            .iter()
            .find(|g| g.plugin == plugin)
            .unwrap_or_else(|| panic!("{plugin}: {skew}"))
    };
    assert_eq!(gap("letsencrypt").missing_on, ["legacy"]);
    assert!(!gap("letsencrypt").core);
    assert_eq!(gap("redis").missing_on, ["legacy"]);
    assert_eq!(gap("builds").missing_on, ["legacy", "us-1"]);
    assert!(gap("builds").core);
    let postgres = skew
        .plugin_versions
        .iter()
        .find(|p| p.plugin == "postgres")
        .unwrap();
    assert_eq!(postgres.versions["us-1"], "1.39.0");
    assert_eq!(postgres.versions["eu-1"], "1.41.0");
    assert!(!skew.is_uniform());
    let text = skew.to_string();
    assert!(text.contains("us-1: Dokku 0.35.20 (behind)"), "{text}");
    assert!(
        text.contains("plugin letsencrypt: missing on legacy"),
        "{text}"
    );
}

#[tokio::test]
async fn certificates_come_soonest_first_across_the_fleet() {
    let fleet = demo::fleet().unwrap();
    let certs = fleet.certificates(&Selector::All).await.unwrap();
    assert!(
        certs.hosts.all_ok(),
        "{:?}",
        certs.hosts.failed().collect::<Vec<_>>()
    );
    let list: Vec<(String, String)> = certs
        .soonest
        .iter()
        .map(|c| (c.host.to_string(), c.app.to_string()))
        .collect();
    assert_eq!(
        list.first().unwrap(),
        &("eu-1".to_owned(), "blog".to_owned()),
        "{list:?}"
    );
    assert!(list.iter().all(|(h, _)| h != "legacy"), "{list:?}");
    assert!(
        list.contains(&("us-1".to_owned(), "api".to_owned())),
        "{list:?}"
    );
    for pair in certs.soonest.windows(2) {
        assert!(pair[0].expires_at <= pair[1].expires_at);
    }
    // Within a week of the simulated clock: only blog.
    let blog = &certs.soonest[0];
    let now = blog.expires_at - Duration::from_secs(5 * 86_400);
    let soon: Vec<&str> = certs
        .expiring_within(Duration::from_secs(7 * 86_400), now)
        .map(|c| c.app.as_str())
        .collect();
    assert_eq!(soon, ["blog"]);
    assert!(blog.expires_at > UNIX_EPOCH);
}

#[tokio::test]
async fn a_label_selection_reaches_only_its_hosts() {
    let fleet = demo::fleet().unwrap();
    let prod = fleet
        .overview(&Selector::parse("env=prod").unwrap())
        .await
        .unwrap();
    let hosts: Vec<&str> = prod.iter().map(|r| r.host.as_str()).collect();
    assert_eq!(hosts, ["eu-1", "us-1"]);
    let eu = fleet
        .select(&Selector::parse("env=prod,region=eu").unwrap())
        .unwrap();
    assert_eq!(eu, ["eu-1"]);
    let named = fleet
        .select(&Selector::parse("us-1,legacy").unwrap())
        .unwrap();
    assert_eq!(named, ["legacy", "us-1"]);
}

#[tokio::test]
async fn a_selection_of_nothing_or_of_an_unknown_host_sends_nothing() {
    let fleet = demo::fleet().unwrap();
    let none = fleet
        .overview(&Selector::parse("env=dev").unwrap())
        .await
        .unwrap_err();
    assert!(matches!(none, FleetError::NothingSelected { .. }), "{none}");
    let unknown = fleet
        .overview(&Selector::parse("eu-1,mars").unwrap())
        .await
        .unwrap_err();
    assert!(
        matches!(&unknown, FleetError::UnknownHost { name } if name == "mars"),
        "{unknown}"
    );
}

#[tokio::test]
async fn each_query_costs_a_constant_number_of_invocations_per_host() {
    // A host with 30 apps costs what a host with 3 does.
    let mut big = dokku_sim::scenario::demo();
    for i in 0..30 {
        let mut app = big.apps["api"].clone();
        app.converge(&format!("app-{i}"));
        big.apps.insert(format!("app-{i}"), app);
    }
    let calls = Arc::new(AtomicUsize::new(0));
    let fleet = Fleet::builder()
        .executor(
            HostName::new("big").unwrap(),
            "sim",
            Labels::new(),
            Counting {
                inner: SimExecutor::new(big),
                calls: Arc::clone(&calls),
            },
        )
        .build()
        .unwrap();
    let mut counts = Vec::new();
    let mut last = 0;
    let mut step = |calls: &AtomicUsize| {
        let now = calls.load(Ordering::SeqCst);
        counts.push(now - last);
        last = now;
    };
    fleet.versions(&Selector::All).await.unwrap();
    step(&calls);
    fleet.overview(&Selector::All).await.unwrap();
    step(&calls);
    fleet.apps_not_running(&Selector::All).await.unwrap();
    step(&calls);
    fleet.certificates(&Selector::All).await.unwrap();
    step(&calls);
    fleet.versions(&Selector::All).await.unwrap();
    step(&calls);
    // version + plugin:list once; then 3, 3, 1, and the cached versions.
    assert_eq!(counts, [2, 3, 3, 1, 0]);
}

/// Refuses every redis backup command as a plugin without backups would.
#[derive(Debug)]
struct NoRedisBackups(Counting);

#[async_trait]
impl Executor for NoRedisBackups {
    async fn run(&self, command: &Command) -> Result<Output, ExecError> {
        if command.subcommand() == "redis:backup-schedule-cat" {
            self.0.calls.fetch_add(1, Ordering::SeqCst);
            let said = b" !     Not yet implemented\n".to_vec();
            return Ok(Output::new(Some(1).into(), Vec::new(), said));
        }
        self.0.run(command).await
    }
    async fn stream(&self, command: &Command) -> Result<OutputStream, ExecError> {
        self.0.stream(command).await
    }
}

#[tokio::test]
async fn backups_name_each_service_s_schedule_none_or_why_it_is_unknown() {
    let calls = Arc::new(AtomicUsize::new(0));
    let fleet = Fleet::builder()
        .executor(
            HostName::new("eu-1").unwrap(),
            "sim",
            Labels::new(),
            NoRedisBackups(Counting {
                inner: SimExecutor::new(dokku_sim::scenario::demo()),
                calls: Arc::clone(&calls),
            }),
        )
        .build()
        .unwrap();
    let found = fleet.backups(&Selector::All).await.unwrap();
    let services = found.get("eu-1").unwrap().result.as_ref().unwrap();
    let seen: Vec<(String, String, Option<String>, bool)> = services
        .iter()
        .map(|b| {
            (
                b.plugin.clone(),
                b.service.to_string(),
                b.schedule
                    .as_ref()
                    .map(|s| format!("{} {}", s.schedule, s.bucket)),
                b.unreadable.is_some(),
            )
        })
        .collect();
    let row = |p: &str, s: &str, when: Option<&str>, unknown| {
        (p.to_owned(), s.to_owned(), when.map(str::to_owned), unknown)
    };
    assert_eq!(
        seen,
        [
            row("postgres", "api-db", None, false),
            row(
                "postgres",
                "shop-db",
                Some("0 3 * * * acme-db-backups"),
                false
            ),
            row("redis", "cache", None, true),
            row("redis", "sessions", None, true),
        ]
    );
    let why = services[2].unreadable.as_deref().unwrap();
    assert!(why.contains("Not yet implemented"), "{why}");
    // version + plugin:list, a list per plugin, a schedule per service.
    assert_eq!(calls.load(Ordering::SeqCst), 2 + 2 + 4);
}

#[tokio::test]
async fn capabilities_are_probed_and_kept_per_host() {
    let fleet = demo::fleet().unwrap();
    fleet.versions(&Selector::All).await.unwrap();
    let eu = fleet.host("eu-1").await.unwrap();
    let us = fleet.host("us-1").await.unwrap();
    let eu_caps = eu.dokku().cached_capabilities().await.unwrap();
    let us_caps = us.dokku().cached_capabilities().await.unwrap();
    assert_eq!(eu_caps.version.to_string(), "0.38.27");
    assert_eq!(us_caps.version.to_string(), "0.35.20");
    // A second fleet over the same hosts shares nothing with the first.
    let other = demo::fleet().unwrap();
    let fresh = other.host("eu-1").await.unwrap();
    assert!(fresh.dokku().cached_capabilities().await.is_none());
}

/// The demo fleet recording into a new audit trail (kept in the
/// directory returned with it).
fn audited_demo() -> (tempfile::TempDir, dokku_history::HistoryStore, Fleet) {
    let dir = tempfile::tempdir().unwrap();
    let store = dokku_history::HistoryStore::open(dir.path().join("history.db")).unwrap();
    let fleet = demo::add_to(Fleet::builder().audit(store.clone()), Latency::None)
        .build()
        .unwrap();
    (dir, store, fleet)
}

/// Each host's last deploys, by host name, of the hosts that answered.
fn by_host(
    deploys: &dokku_fleet::FleetResults<Vec<dokku_fleet::LastDeploy>>,
) -> BTreeMap<String, Vec<dokku_fleet::LastDeploy>> {
    deploys
        .ok()
        .map(|(host, last)| (host.to_string(), last.clone()))
        .collect()
}

#[tokio::test]
async fn without_a_deploy_history_the_last_deploy_query_says_it_is_not_available() {
    let fleet = demo::fleet().unwrap();
    let deploys = fleet
        .last_deploys(&Selector::All, Arc::new(NoDeployHistory))
        .await
        .unwrap();
    assert_eq!(deploys.len(), 3);
    for (_, e) in deploys.failed() {
        assert!(matches!(e, FleetError::NotAvailable { .. }), "{e}");
    }
}

#[tokio::test]
async fn the_last_deploy_of_each_app_comes_from_the_fleets_audit_trail_per_host() {
    let (_dir, store, fleet) = audited_demo();
    let api = dokku_core::AppName::new("api").unwrap();
    // eu-1's api: rebuilt, twice; us-1's api: never deployed through the
    // fleet.
    let eu = fleet.host("eu-1").await.unwrap();
    for _ in 0..2 {
        let spec = dokku_core::api::deploy::DeploySpec::rebuild(&api);
        eu.dokku().deploys().run(&spec).await.unwrap();
    }
    let deploys = fleet
        .last_deploys(&Selector::All, Arc::new(store.clone()))
        .await
        .unwrap();
    assert_eq!(deploys.failed().count(), 0);
    let by_host = by_host(&deploys);
    let eu_last = &by_host["eu-1"];
    assert_eq!(eu_last.len(), 1, "{eu_last:?}");
    assert_eq!(eu_last[0].app, api);
    assert_eq!(eu_last[0].source.as_deref(), Some("rebuild"));
    assert_eq!(eu_last[0].outcome, dokku_fleet::DeployOutcome::Succeeded);
    assert!(eu_last[0].at.is_some());
    assert!(by_host["us-1"].is_empty(), "{by_host:?}");
    assert!(by_host["legacy"].is_empty(), "{by_host:?}");
}

#[tokio::test]
async fn dokkus_build_records_give_the_last_deploys_and_older_hosts_fall_back() {
    let (_dir, store, fleet) = audited_demo();
    let api = dokku_core::AppName::new("api").unwrap();
    // us-1 (0.35.20, no build records): api deployed through the fleet,
    // so in the trail.
    let us = fleet.host("us-1").await.unwrap();
    let spec = dokku_core::api::deploy::DeploySpec::rebuild(&api);
    us.dokku().deploys().run(&spec).await.unwrap();

    let history = Arc::new(DokkuBuilds::or(Arc::new(store.clone())));
    let deploys = fleet.last_deploys(&Selector::All, history).await.unwrap();
    assert_eq!(deploys.failed().count(), 0);
    let by_host = by_host(&deploys);
    // eu-1 (0.38.27): the demo's failed push of api, which the trail
    // never saw, from Dokku's records.
    let eu_api: Vec<_> = by_host["eu-1"].iter().filter(|d| d.app == api).collect();
    assert_eq!(eu_api.len(), 1, "{by_host:?}");
    assert_eq!(eu_api[0].outcome, DeployOutcome::Failed);
    assert_eq!(eu_api[0].source.as_deref(), Some("git-hook"));
    assert_eq!(
        eu_api[0].at,
        dokku_core::parse::logs::rfc3339_utc("2025-01-08T04:50:41Z")
    );
    // Only apps Dokku built are there.
    assert!(by_host["eu-1"].iter().all(|d| d.app == api), "{by_host:?}");
    // us-1 falls back to the trail.
    assert_eq!(by_host["us-1"].len(), 1, "{by_host:?}");
    assert_eq!(by_host["us-1"][0].source.as_deref(), Some("rebuild"));
    assert_eq!(by_host["us-1"][0].outcome, DeployOutcome::Succeeded);
    // Without a fallback an older host says why.
    let deploys = fleet
        .last_deploys(&Selector::All, Arc::new(DokkuBuilds::new()))
        .await
        .unwrap();
    let failed: Vec<String> = deploys.failed().map(|(h, _)| h.to_string()).collect();
    assert_eq!(failed, ["legacy", "us-1"]);
    for (_, e) in deploys.failed() {
        assert!(matches!(e, FleetError::NotAvailable { .. }), "{e}");
    }
}

#[tokio::test]
async fn a_host_that_drops_while_its_deploys_are_read_is_unreachable() {
    let dir = tempfile::tempdir().unwrap();
    let store = dokku_history::HistoryStore::open(dir.path().join("history.db")).unwrap();
    let flaky = SimExecutor::new(dokku_sim::scenario::demo());
    let fleet = Fleet::builder()
        .executor(
            HostName::new("flaky").unwrap(),
            "sim flaky",
            Labels::new(),
            flaky.clone(),
        )
        .build()
        .unwrap();
    // Connected and probed; then its `apps:list` is refused (and its one
    // retry).
    fleet.host("flaky").await.unwrap();
    flaky.inject_n(dokku_sim::Fault::Refused, 2);
    let deploys = fleet
        .last_deploys(&Selector::All, Arc::new(store))
        .await
        .unwrap();
    let (_, e) = deploys.failed().next().expect("flaky failed");
    assert!(
        matches!(e, FleetError::Unreachable { host, .. } if host == "flaky"),
        "{e}"
    );
}

#[tokio::test]
async fn latency_is_paid_once_per_round_not_once_per_host() {
    // With every invocation taking 250 ms of (paused, auto-advanced) time,
    // 3 hosts cost one round of the overview, not three.
    tokio::time::pause();
    let fleet = demo::add_to(Fleet::builder(), Latency::Fixed(Duration::from_millis(250)))
        .build()
        .unwrap();
    fleet.versions(&Selector::All).await.unwrap();
    let started = tokio::time::Instant::now();
    let status = fleet.overview(&Selector::All).await.unwrap();
    assert!(status.all_ok());
    // (The paused clock rounds a timer up to its next millisecond.)
    let took = started.elapsed();
    assert!(
        took >= Duration::from_millis(250) && took < Duration::from_millis(500),
        "{took:?}"
    );
}
