//! The fan-out every fleet operation shares: one host down, hung or
//! panicking fills only its own result; a hung host gives up at its own
//! timeout and delays no other; the bounds on hosts at once and on
//! commands per host hold. Time is tokio's paused clock, advanced only
//! when every task waits: no test depends on how fast the machine is.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use dokku_core::{Command, ExecError, Executor, Output, OutputStream};
use dokku_fleet::{Fleet, FleetError, HostName, Labels, Selector};
use dokku_sim::{scenario, Fault, Latency, SimExecutor};
use futures_util::StreamExt;

/// Never answers.
#[derive(Debug)]
struct Hung;

#[async_trait]
impl Executor for Hung {
    async fn run(&self, _: &Command) -> Result<Output, ExecError> {
        futures_util::future::pending().await
    }
    async fn stream(&self, _: &Command) -> Result<OutputStream, ExecError> {
        futures_util::future::pending().await
    }
}

/// Records the most commands it ever had in flight at once (shared by
/// clones: one gauge can watch many hosts).
#[derive(Debug, Clone)]
struct Gauge {
    inner: SimExecutor,
    now: Arc<AtomicUsize>,
    most: Arc<AtomicUsize>,
}

impl Gauge {
    fn new() -> Self {
        Self {
            inner: sim(),
            now: Arc::default(),
            most: Arc::default(),
        }
    }

    /// Another host watched by the same gauge.
    fn host(&self) -> Self {
        Self {
            inner: sim(),
            ..self.clone()
        }
    }

    fn most(&self) -> usize {
        self.most.load(Ordering::SeqCst)
    }
}

#[async_trait]
impl Executor for Gauge {
    async fn run(&self, command: &Command) -> Result<Output, ExecError> {
        let n = self.now.fetch_add(1, Ordering::SeqCst) + 1;
        self.most.fetch_max(n, Ordering::SeqCst);
        let out = self.inner.run(command).await;
        self.now.fetch_sub(1, Ordering::SeqCst);
        out
    }
    async fn stream(&self, command: &Command) -> Result<OutputStream, ExecError> {
        self.inner.stream(command).await
    }
}

/// `took` is `want` on the paused clock, which may round each timer up to
/// its next millisecond.
fn within(took: Duration, want: Duration) -> bool {
    took >= want && took <= want + Duration::from_millis(10)
}

fn name(n: &str) -> HostName {
    HostName::new(n).unwrap()
}

fn sim() -> SimExecutor {
    SimExecutor::new(scenario::demo()).with_latency(Latency::Fixed(Duration::from_millis(100)))
}

#[tokio::test(start_paused = true)]
async fn a_hung_host_gives_up_at_its_own_timeout_and_delays_no_other() {
    let fleet = Fleet::builder()
        .timeout(Duration::from_secs(5))
        .executor(name("a"), "sim a", Labels::new(), sim())
        .executor(name("hung"), "sim hung", Labels::new(), Hung)
        .executor(name("c"), "sim c", Labels::new(), sim())
        .build()
        .unwrap();
    let started = tokio::time::Instant::now();
    let mut stream = fleet.overview_stream(&Selector::All).unwrap();
    let mut events = Vec::new();
    while let Some(r) = stream.next().await {
        events.push((
            r.host.to_string(),
            r.result.is_ok(),
            started.elapsed(),
            r.elapsed,
        ));
        if let Err(e) = &r.result {
            assert!(
                matches!(e, FleetError::TimedOut { host, after, .. }
                    if host == "hung" && *after == Duration::from_secs(5)),
                "{e}"
            );
            assert!(
                e.to_string().starts_with("hung (sim hung) did not answer"),
                "{e}"
            );
        }
    }
    let order: Vec<(&str, bool)> = events.iter().map(|(h, ok, ..)| (h.as_str(), *ok)).collect();
    assert_eq!(&order[2], &("hung", false), "{events:?}");
    assert!(order[..2].contains(&("a", true)) && order[..2].contains(&("c", true)));
    // The answering hosts finished on their own clock (probe + one round),
    // and the hung one at exactly its timeout.
    for (host, ok, at, took) in &events {
        if *ok {
            assert!(
                within(*took, Duration::from_millis(300)),
                "{host}: {took:?}"
            );
            assert!(*at < Duration::from_secs(5), "{host}");
        } else {
            assert!(within(*took, Duration::from_secs(5)), "{took:?}");
        }
    }
}

#[tokio::test]
async fn a_host_that_is_down_or_panics_fills_only_its_own_result() {
    let broken = SimExecutor::new(scenario::demo());
    // The probe's `version` is refused twice (the read is retried once).
    broken.inject_n(Fault::Refused, 2);
    let fleet = Fleet::builder()
        .executor(
            name("ok"),
            "sim ok",
            Labels::new(),
            SimExecutor::new(scenario::demo()),
        )
        .executor(name("down"), "sim down", Labels::new(), broken)
        .executor(
            name("boom"),
            "sim boom",
            Labels::new(),
            SimExecutor::new(scenario::demo()),
        )
        .build()
        .unwrap();
    let results = fleet
        .each(&Selector::All, |host| async move {
            if host.name() == "boom" {
                panic!("a bug in the caller's operation");
            }
            host.dokku().apps().list().await
        })
        .await
        .unwrap();
    assert!(results.get("ok").unwrap().result.is_ok());
    let down = results.get("down").unwrap().result.as_ref().unwrap_err();
    assert!(
        matches!(down, FleetError::Unreachable { host, .. } if host == "down"),
        "{down}"
    );
    assert!(down.is_unreachable());
    let boom = results.get("boom").unwrap().result.as_ref().unwrap_err();
    assert!(
        matches!(boom, FleetError::Panicked { host } if host == "boom"),
        "{boom}"
    );
}

#[tokio::test(start_paused = true)]
async fn no_more_hosts_run_at_once_than_the_fleet_allows() {
    let gauge = Gauge::new();
    let mut builder = Fleet::builder().concurrency(4).host_concurrency(1);
    for i in 0..10 {
        builder = builder.executor(name(&format!("h{i}")), "sim", Labels::new(), gauge.host());
    }
    let fleet = builder.build().unwrap();
    let started = tokio::time::Instant::now();
    let results = fleet
        .each(&Selector::All, |host| async move {
            host.dokku().apps().list().await
        })
        .await
        .unwrap();
    assert!(results.all_ok());
    // One command in flight per host (host_concurrency 1), four hosts at once.
    assert_eq!(gauge.most(), 4);
    // 10 hosts, 4 at a time: three turns of (version, plugin:list, apps:list).
    let took = started.elapsed();
    assert!(within(took, Duration::from_millis(3 * 300)), "{took:?}");
}

#[tokio::test(start_paused = true)]
async fn a_host_runs_no_more_commands_at_once_than_its_limit() {
    let gauge = Gauge::new();
    let fleet = Fleet::builder()
        .host_concurrency(2)
        .executor(name("one"), "sim", Labels::new(), gauge.clone())
        .build()
        .unwrap();
    // The overview sends its three reports at once; the limit lets two in.
    let status = fleet.overview(&Selector::All).await.unwrap();
    assert!(status.all_ok());
    assert_eq!(gauge.most(), 2);
}

#[tokio::test]
async fn two_hosts_of_one_name_are_refused() {
    let err = Fleet::builder()
        .executor(name("a"), "x", Labels::new(), sim())
        .executor(name("a"), "y", Labels::new(), sim())
        .build()
        .unwrap_err();
    assert!(matches!(err, FleetError::DuplicateHost { .. }), "{err}");
}
