//! Fleet status (every app of every host: three report-all invocations per
//! host) over 100 simulated hosts that answer each invocation after 250 ms,
//! against one such host alone.
//!
//! The fleet bounds how many hosts it works on at once, so with 100 hosts
//! at concurrency 32 the hosts go in ceil(100/32) = 4 turns: the floor is
//! 4 × one host, whatever the implementation. At concurrency 100 (every
//! host at once) the floor is one host. The bench prints both ratios to
//! the slowest single host, and the ratio to each floor, which is the
//! fleet's own overhead.
//!
//! Warm: capabilities already probed (what a dashboard refreshing the
//! fleet pays). Cold: a new fleet, so each host first probes `version` and
//! `plugin:list` (two more invocations in sequence).
// criterion_group! generates an undocumented pub fn.
#![allow(missing_docs)]
// A bench that cannot build its runtime or its fleet has nothing to measure.
#![allow(clippy::expect_used)]

use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion};
use dokku::fleet::{Fleet, HostName, Labels, Selector};
use dokku::sim::{scenario, Latency, SimExecutor};

const HOSTS: usize = 100;
const LATENCY: Duration = Duration::from_millis(250);

fn fleet(hosts: usize, concurrency: usize) -> Fleet {
    let mut builder = Fleet::builder()
        .concurrency(concurrency)
        .timeout(Duration::from_secs(60));
    for i in 0..hosts {
        let exec = SimExecutor::new(scenario::demo()).with_latency(Latency::Fixed(LATENCY));
        let name = HostName::new(format!("host-{i:03}")).expect("a valid name");
        builder = builder.executor(name, "sim", Labels::new(), exec);
    }
    builder.build().expect("a fleet")
}

async fn status(fleet: &Fleet) -> Duration {
    let started = Instant::now();
    let results = fleet
        .overview(&Selector::All)
        .await
        .expect("hosts selected");
    assert!(results.all_ok(), "every simulated host answers");
    started.elapsed()
}

fn mean(runs: &[Duration]) -> f64 {
    runs.iter().map(Duration::as_secs_f64).sum::<f64>() / runs.len() as f64
}

fn bench(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_time()
        .build()
        .expect("a runtime");

    // The ratios, measured directly (5 warm runs each), printed once.
    let (single, at_32, at_100) = runtime.block_on(async {
        let one = fleet(1, 1);
        let f32 = fleet(HOSTS, 32);
        let f100 = fleet(HOSTS, HOSTS);
        for f in [&one, &f32, &f100] {
            status(f).await; // probe capabilities
        }
        let mut runs = (Vec::new(), Vec::new(), Vec::new());
        for _ in 0..5 {
            runs.0.push(status(&one).await);
            runs.1.push(status(&f32).await);
            runs.2.push(status(&f100).await);
        }
        (mean(&runs.0), mean(&runs.1), mean(&runs.2))
    });
    let turns = HOSTS.div_ceil(32) as f64;
    println!(
        "fleet status, {HOSTS} hosts, {LATENCY:?} per invocation, warm: one host {single:.3}s; \
         concurrency 32: {at_32:.3}s = {:.2}x one host ({turns} turns; {:.2}x that floor); \
         concurrency {HOSTS}: {at_100:.3}s = {:.2}x one host",
        at_32 / single,
        at_32 / (turns * single),
        at_100 / single,
    );

    let mut group = c.benchmark_group("fleet_status");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(12));
    group.warm_up_time(Duration::from_secs(1));
    for (label, hosts, concurrency) in [
        ("one host", 1, 1),
        ("100 hosts, concurrency 32", HOSTS, 32),
        ("100 hosts, concurrency 100", HOSTS, HOSTS),
    ] {
        let warm = fleet(hosts, concurrency);
        runtime.block_on(status(&warm));
        group.bench_function(format!("warm, {label}"), |b| {
            b.iter_custom(|iters| {
                runtime.block_on(async {
                    let mut total = Duration::ZERO;
                    for _ in 0..iters {
                        total += status(&warm).await;
                    }
                    total
                })
            })
        });
    }
    group.bench_function("cold, 100 hosts, concurrency 100", |b| {
        b.iter_custom(|iters| {
            runtime.block_on(async {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    let cold = fleet(HOSTS, HOSTS);
                    total += status(&cold).await;
                }
                total
            })
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
