//! A report of every app costs what Dokku charges for it, and arrives app
//! by app: the simulator's cost model (measured on a real Dokku 0.38.27)
//! against dokku-core's streamed all-apps report, on tokio's paused clock,
//! so the timings asserted are exact and no test waits on real time.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Duration;

use dokku_core::model::ps::PsReport;
use dokku_core::{AppName, Capabilities, Dokku, DokkuVersion, Error};
use dokku_sim::{scenario, Cost, Fault, Latency, SimExecutor};
use futures_util::StreamExt;
use tokio::time::Instant;

fn dokku(exec: SimExecutor) -> Dokku {
    Dokku::new(exec).with_capabilities(Capabilities::for_version(DokkuVersion::new(0, 38, 27)))
}

fn apps() -> usize {
    scenario::demo().apps.len()
}

#[tokio::test(start_paused = true)]
async fn each_app_arrives_when_dokku_has_computed_it() {
    let exec = SimExecutor::new(scenario::demo()).with_latency(Latency::Dokku(Cost::MEASURED));
    let dokku = dokku(exec);
    let started = Instant::now();
    let mut stream = dokku.report::<PsReport>().stream_all().await.unwrap();
    let mut arrivals = Vec::new();
    while let Some(report) = stream.next().await {
        let report = report.unwrap();
        arrivals.push((report.app.unwrap(), started.elapsed()));
    }
    assert_eq!(arrivals.len(), apps());
    let n = u32::try_from(arrivals.len()).unwrap();
    for (i, (app, at)) in arrivals.iter().enumerate() {
        // The floor, then 0.8 s per app block. A text block has no end
        // marker: the next app's header closes it (so an app is read when
        // the next one starts), and the exit closes the last.
        let closed_by = (u32::try_from(i).unwrap() + 2).min(n);
        let expected = Duration::from_millis(50) + Duration::from_millis(800) * closed_by;
        assert_eq!(*at, expected, "{app} arrived at {at:?}");
    }
}

#[tokio::test(start_paused = true)]
async fn a_whole_report_costs_the_floor_plus_every_app() {
    let exec = SimExecutor::new(scenario::demo()).with_latency(Latency::Dokku(Cost::MEASURED));
    let dokku = dokku(exec);
    let started = Instant::now();
    let reports = dokku.report::<PsReport>().all().await.unwrap();
    assert_eq!(reports.len(), apps());
    let per_app = Duration::from_millis(800) * u32::try_from(apps()).unwrap();
    assert_eq!(started.elapsed(), Duration::from_millis(50) + per_app);
    // One app's report costs the floor and that app: Dokku computes the
    // same block for it (ps:report about 0.8 s per app, measured).
    let started = Instant::now();
    dokku
        .ps()
        .report(&AppName::new("api").unwrap())
        .await
        .unwrap();
    assert_eq!(started.elapsed(), Duration::from_millis(850));
    // A global report and other commands cost only the floor.
    let started = Instant::now();
    dokku.version().await.unwrap();
    assert_eq!(started.elapsed(), Duration::from_millis(50));
}

#[tokio::test]
async fn a_stream_cut_halfway_keeps_the_apps_already_read() {
    let exec = SimExecutor::new(scenario::demo());
    // Three blocks of the report and the start of a fourth, then the
    // connection is gone: the fourth may be incomplete, so it is not read.
    let full = exec.with_host(|host| {
        dokku_sim::dispatch(host, &["ps:report".to_owned()], b"")
            .output()
            .stdout
            .clone()
    });
    let text = String::from_utf8(full).unwrap();
    let fourth = text.match_indices("=====> ").nth(3).unwrap().0;
    exec.inject(Fault::CutStream {
        after_bytes: fourth + 40,
    });
    let dokku = dokku(exec);
    let mut stream = dokku.report::<PsReport>().stream_all().await.unwrap();
    let mut read = Vec::new();
    let mut ended = None;
    while let Some(item) = stream.next().await {
        match item {
            Ok(report) => read.push(report.app.unwrap()),
            Err(e) => ended = Some(e),
        }
    }
    assert_eq!(read.len(), 3, "{read:?}");
    assert!(matches!(ended, Some(Error::Transport { .. })), "{ended:?}");
}

#[tokio::test]
async fn a_gated_report_of_every_app_holds_each_next_app_until_the_test_steps_it() {
    use futures_util::FutureExt;
    let exec = SimExecutor::new(scenario::demo());
    let gate = exec.gate_reports();
    let dokku = dokku(exec);
    let mut stream = dokku.report::<PsReport>().stream_all().await.unwrap();
    // The first app's block is printed, but a text block is closed only by
    // the next one's header (or the exit): nothing is read yet.
    assert!(
        stream.next().now_or_never().is_none(),
        "an app came through a closed gate"
    );
    gate.step(1);
    let first = stream.next().now_or_never();
    assert!(
        matches!(first, Some(Some(Ok(_)))),
        "one step lets one app through: {first:?}"
    );
    assert!(stream.next().now_or_never().is_none());
    gate.open();
    let rest: Vec<_> = stream.collect().await;
    assert_eq!(1 + rest.len(), apps());
    assert!(rest.iter().all(Result::is_ok));
}
