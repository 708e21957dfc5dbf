//! The web dashboard with 100 apps.
//!
//! - `dashboard/warm`: `GET /` through the whole router (session check,
//!   cached snapshot, rendering), with p50/p99 printed (target p99 ≤ 10 ms).
//! - `dashboard/cold`: the first `GET /` of a fresh server against dokku-sim
//!   answering each Dokku invocation after 250 ms (target ≤ 1.5 s): three
//!   report-all commands and the version/plugin probe, run at once.
//! - The per-app pattern of the seed dashboards (`apps:list`, then
//!   `apps:report`, `ps:report`, `domains:report` per app, two at a time:
//!   1 + 3N invocations), measured once in the same run for comparison
//!   (about 38 s; set `DOKKU_BENCH_SKIP_PER_APP=1` to leave it out).
// criterion_group! generates an undocumented pub fn.
#![allow(missing_docs)]
// A bench that cannot build its fixture has nothing to measure.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

// Checked as a test target too, where the server's test modules are in but
// the imports they share with the example's other tests go unused.
#[allow(unused_imports)]
#[path = "../examples/web/server/mod.rs"]
mod server;

use std::hint::black_box;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use criterion::{criterion_group, criterion_main, Criterion};
use dokku::{AppName, Capabilities, Dokku};
use dokku_history::HistoryStore;
use dokku_sim::host::{profiles, SimHost};
use dokku_sim::{scenario, Latency, SimExecutor};
use futures_util::{stream, StreamExt};
use http_body_util::BodyExt;
use tower::ServiceExt;

use server::auth::{Auth, Limits, Login};
use server::{app, AppState, Options};

const APPS: usize = 100;

/// The demo host grown to 100 apps with copies of its busiest app.
fn host() -> SimHost {
    let mut host = scenario::demo();
    let template = host.apps["api"].clone();
    let mut i = 0;
    while host.apps.len() < APPS {
        let name = format!("app-{i:03}");
        let mut app = template.clone();
        app.domains = vec![format!("{name}.dokku.me")];
        app.converge(&name);
        host.apps.insert(name, app);
        i += 1;
    }
    host
}

struct Server {
    router: Router,
    cookie: String,
    state: AppState,
    _dir: tempfile::TempDir,
}

fn server(sim: SimExecutor) -> Server {
    let dir = tempfile::tempdir().unwrap();
    let history = HistoryStore::open(dir.path().join("history.db")).unwrap();
    let auth = Auth::new("bench", None, Limits::default()).unwrap();
    let Login::Ok(token) = auth.login(IpAddr::from([127, 0, 0, 1]), "bench").unwrap() else {
        panic!("login failed")
    };
    let options = Options {
        snapshot_ttl: Duration::from_secs(3600),
        ..Options::default()
    };
    let state = AppState::new(Arc::new(sim), history, auth, options);
    Server {
        router: app(state.clone()),
        cookie: format!("{}={token}", state.cookie_name()),
        state,
        _dir: dir,
    }
}

async fn dashboard(server: &Server) -> usize {
    let req = Request::get("/")
        .header(header::COOKIE, &server.cookie)
        .body(Body::empty())
        .unwrap();
    let res = server.router.clone().oneshot(req).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    res.into_body().collect().await.unwrap().to_bytes().len()
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let rank = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

fn warm(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a runtime");
    let server = server(SimExecutor::new(host()));
    let bytes = runtime.block_on(dashboard(&server));
    assert!(bytes > 20_000, "a 100-app page is not {bytes} bytes");

    // Percentiles first, from plain timings (criterion reports means).
    let mut times: Vec<Duration> = (0..2000)
        .map(|_| {
            let start = Instant::now();
            black_box(runtime.block_on(dashboard(&server)));
            start.elapsed()
        })
        .collect();
    times.sort();
    println!(
        "dashboard/warm, {APPS} apps, 2000 requests: p50 {:.3} ms, p99 {:.3} ms, max {:.3} ms (target p99 ≤ 10 ms)",
        percentile(&times, 0.50).as_secs_f64() * 1e3,
        percentile(&times, 0.99).as_secs_f64() * 1e3,
        times[times.len() - 1].as_secs_f64() * 1e3,
    );
    assert_eq!(server.state.cache.fetches(), 1, "the cache was not warm");

    let mut group = c.benchmark_group("dashboard");
    group.bench_function("warm", |b| {
        b.iter(|| runtime.block_on(dashboard(black_box(&server))))
    });
    group.finish();
}

fn cold(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_time()
        .build()
        .expect("a runtime");
    let slow = || SimExecutor::new(host()).with_latency(Latency::Fixed(Duration::from_millis(250)));

    let mut group = c.benchmark_group("dashboard");
    group.sample_size(10);
    group.warm_up_time(Duration::from_millis(1));
    group.measurement_time(Duration::from_secs(6));
    group.bench_function("cold, 250 ms per invocation", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let server = server(slow());
                let start = Instant::now();
                runtime.block_on(dashboard(&server));
                total += start.elapsed();
            }
            total
        })
    });
    group.finish();

    let server = server(slow());
    let start = Instant::now();
    runtime.block_on(dashboard(&server));
    println!(
        "dashboard/cold, {APPS} apps, 250 ms per Dokku invocation: {:.2} s (target ≤ 1.5 s)",
        start.elapsed().as_secs_f64()
    );

    if std::env::var("DOKKU_BENCH_SKIP_PER_APP").is_ok() {
        return;
    }
    // The seed dashboards' pattern, once: 1 + 3N invocations, two at a time.
    let dokku = Dokku::new(slow()).with_capabilities(Capabilities::for_version(profiles::V0_38_27));
    let start = Instant::now();
    let invocations = runtime.block_on(async {
        let apps: Vec<AppName> = dokku.apps().list().await.unwrap();
        let calls = apps.iter().flat_map(|app| {
            let dokku = &dokku;
            [0u8, 1, 2].map(move |kind| async move {
                match kind {
                    0 => dokku.apps().report(app).await.map(drop),
                    1 => dokku.ps().report(app).await.map(drop),
                    _ => dokku.domains().report(app).await.map(drop),
                }
            })
        });
        let done: Vec<_> = stream::iter(calls).buffer_unordered(2).collect().await;
        assert!(done.iter().all(Result::is_ok));
        1 + done.len()
    });
    println!(
        "per-app pattern, {APPS} apps, {invocations} invocations at concurrency 2: {:.1} s",
        start.elapsed().as_secs_f64()
    );
}

criterion_group!(benches, warm, cold);
criterion_main!(benches);
