//! The web dashboard against dokku-sim's measured cost model (Dokku
//! 0.38.27: `ps:report` about 0.8 s and `domains:report` 0.17 s per app in
//! a report of every app), for 100 and 500 apps.
//!
//! - `dashboard/first paint, N apps`: `GET /` of a just-started server
//!   over the snapshot a previous run saved, the host as slow as measured
//!   (criterion; target ≤ 200 ms: the page never waits on Dokku).
//! - `complete fresh view`: from a server started with no snapshot until
//!   every app is read, against the host's own all-apps reports (the three
//!   at once, as `apps().overview()` runs them), printed once per size
//!   (target ≤ 1.1× the host's time).
//!
//! - `idle host time`: a dashboard restarted over that snapshot with the
//!   default settings (a budget of 3 s of Dokku time a minute), left open;
//!   what it spent on the host in each of the two minutes after its rows
//!   went stale, as a share of one core (target ≤ 5%).
//! - `a stop, reflected`: `POST /apps/app-000/ps/stop` through the router
//!   on that open dashboard, then the time until its row reads stopped,
//!   without a full refresh (target ≤ 2 s, in the host's real time).
//!
//! The cost model runs `DOKKU_BENCH_SPEEDUP` times faster (default 20: 500
//! apps take about 25 s instead of 8 minutes); the ratio is what counts.
//! The idle share does not depend on the speed-up (the budget caps what is
//! spent per minute of wall time at any speed); a time is shown multiplied
//! back to the host's.
// criterion_group! generates an undocumented pub fn.
#![allow(missing_docs)]
// A bench that cannot build its fixture has nothing to measure.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

// Checked as a test target too, where the server's test modules are in but
// the imports they share with the example's other tests go unused.
#[allow(unused_imports)]
#[path = "../examples/web/server/mod.rs"]
mod server;
// What the server shares with the CLI (its snapshot and clock).
#[allow(unused_imports)]
#[path = "../examples/common/mod.rs"]
mod common;

use std::net::IpAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use criterion::{criterion_group, criterion_main, Criterion};
use dokku::model::overview::AppStatus;
use dokku::{AppName, Dokku};
use dokku_history::HistoryStore;
use dokku_sim::host::SimHost;
use dokku_sim::{scenario, Cost, Latency, SimExecutor};
use http_body_util::BodyExt;
use tower::ServiceExt;

use server::auth::{Auth, Limits, Login};
use server::data::Settings;
use server::{app, AppState, Options};

/// The demo host grown to `apps` apps with copies of its busiest app.
fn host(apps: usize) -> SimHost {
    let mut host = scenario::demo();
    let template = host.apps["api"].clone();
    let mut i = 0;
    while host.apps.len() < apps {
        let name = format!("app-{i:03}");
        let mut app = template.clone();
        app.domains = vec![format!("{name}.dokku.me")];
        app.converge(&name);
        host.apps.insert(name, app);
        i += 1;
    }
    host
}

fn speedup() -> u32 {
    std::env::var("DOKKU_BENCH_SPEEDUP")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20)
}

fn slow(apps: usize) -> SimExecutor {
    SimExecutor::new(host(apps)).with_latency(Latency::Dokku(Cost::MEASURED.faster(speedup())))
}

struct Server {
    router: Router,
    cookie: String,
    state: AppState,
    _dir: tempfile::TempDir,
}

/// A logged-in session and a history: what a server needs before it
/// starts (the password hash is deliberately slow, so it is not timed).
struct Ready {
    auth: Auth,
    token: String,
    history: HistoryStore,
    dir: tempfile::TempDir,
}

fn ready() -> Ready {
    let dir = tempfile::tempdir().unwrap();
    let history = HistoryStore::open(dir.path().join("history.db")).unwrap();
    let auth = Auth::new("bench", None, Limits::default()).unwrap();
    let Login::Ok(token) = auth
        .login(IpAddr::from([127, 0, 0, 1]), "admin", "bench")
        .unwrap()
    else {
        panic!("login failed")
    };
    Ready {
        auth,
        token,
        history,
        dir,
    }
}

/// Start a server (and its refresher, inside a runtime).
fn server(ready: Ready, sim: SimExecutor, snapshot: &Path, budget: Duration) -> Server {
    let Ready {
        auth,
        token,
        history,
        dir,
    } = ready;
    let options = Options {
        refresh: Settings {
            budget_per_minute: budget,
            ..Settings::default()
        },
        snapshot_file: Some(snapshot.to_path_buf()),
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

async fn dashboard(server: &Server) -> String {
    let req = Request::get("/")
        .header(header::COOKIE, &server.cookie)
        .body(Body::empty())
        .unwrap();
    let res = server.router.clone().oneshot(req).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    String::from_utf8_lossy(&bytes).into_owned()
}

/// An open dashboard left idle, then a stop made through it: what it
/// spends on the host, and how soon the stopped app reads stopped.
async fn idle_and_mutated(server: &Server, apps: usize) {
    let store = &server.state.store;
    let page = dashboard(server).await;
    let at = page
        .find("name=\"csrf-token\" content=\"")
        .expect("a CSRF token")
        + 27;
    let csrf = page[at..at + 64].to_owned();
    let minute = Duration::from_secs(60);
    // The snapshot's rows go stale after a minute; then two minutes of
    // keeping them fresh, each measured.
    tokio::time::sleep(minute).await;
    let mut shares = Vec::new();
    for _ in 0..2 {
        tokio::time::sleep(minute).await;
        shares.push(100.0 * store.view().spent.as_secs_f64() / minute.as_secs_f64());
    }
    println!(
        "dashboard/idle host time, {apps} apps: {:.1}% then {:.1}% of a core a minute \
         (budget {} s a minute; target ≤ 5%)",
        shares[0],
        shares[1],
        Settings::default().budget_per_minute.as_secs(),
    );

    let app = AppName::new("app-000").expect("a name");
    let req = Request::post("/apps/app-000/ps/stop")
        .header(header::COOKIE, &server.cookie)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(format!("_csrf={csrf}")))
        .unwrap();
    let res = server.router.clone().oneshot(req).await.unwrap();
    assert!(
        res.status().is_success() || res.status().is_redirection(),
        "{}",
        res.status()
    );
    // The stop's own output, to its end: the command is over.
    res.into_body().collect().await.unwrap();
    let stopped = Instant::now();
    let mut progress = store.watch();
    progress
        .wait_for(|_| {
            store
                .row(&app)
                .is_some_and(|kept| kept.row.status == AppStatus::Stopped && store.is_fresh(&kept))
        })
        .await
        .unwrap();
    let reflected = stopped.elapsed();
    println!(
        "dashboard/a stop, reflected, {apps} apps: {:.0} ms, {:.2} s at the host's speed \
         (target ≤ 2 s; no full refresh)",
        reflected.as_secs_f64() * 1e3,
        reflected.as_secs_f64() * f64::from(speedup()),
    );
}

fn bench(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_time()
        .build()
        .expect("a runtime");
    let unlimited = Duration::from_secs(1_000_000);
    for apps in [100, 500] {
        let dir = tempfile::tempdir().unwrap();
        let snapshot = dir.path().join("dashboard.json");

        // The host's own all-apps reports, the three at once.
        let dokku = Dokku::new(slow(apps));
        let start = Instant::now();
        let rows = runtime.block_on(dokku.apps().overview()).unwrap();
        let host = start.elapsed();
        assert_eq!(rows.len(), apps);

        // A server with no snapshot, until every app is read.
        let before = ready();
        let sim = slow(apps);
        let start = Instant::now();
        let complete = runtime.block_on(async {
            let fresh = server(before, sim, &snapshot, unlimited);
            let mut progress = fresh.state.store.watch();
            progress.wait_for(|p| p.complete()).await.unwrap();
            start.elapsed()
        });
        println!(
            "dashboard/complete fresh view, {apps} apps, cost model ÷{}: {:.2} s; \
             the host's all-apps reports: {:.2} s; ratio {:.2} (target ≤ 1.1)",
            speedup(),
            complete.as_secs_f64(),
            host.as_secs_f64(),
            complete.as_secs_f64() / host.as_secs_f64(),
        );

        // A restarted server over that snapshot, the default budget.
        let paint = |_: ()| {
            let restarted = server(
                ready(),
                slow(apps),
                &snapshot,
                Settings::default().budget_per_minute,
            );
            let start = Instant::now();
            let page = runtime.block_on(dashboard(&restarted));
            (start.elapsed(), page)
        };
        let (first, page) = paint(());
        assert_eq!(page.matches("checked ").count(), apps.min(50), "rows");
        println!(
            "dashboard/first paint from the snapshot, {apps} apps: {:.1} ms (target ≤ 200 ms)",
            first.as_secs_f64() * 1e3
        );
        // Made inside the runtime: its refresher runs (the first paint's
        // servers have none, so nothing but the page is timed).
        let idle = {
            let _in = runtime.enter();
            server(
                ready(),
                slow(apps),
                &snapshot,
                Settings::default().budget_per_minute,
            )
        };
        runtime.block_on(idle_and_mutated(&idle, apps));

        let mut group = c.benchmark_group("dashboard");
        group.sample_size(20);
        group.bench_function(format!("first paint, {apps} apps"), |b| {
            b.iter_custom(|iters| (0..iters).map(|_| paint(()).0).sum())
        });
        group.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
