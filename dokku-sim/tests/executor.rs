//! SimExecutor: the client over the simulator, latency, and every injected
//! fault as the client sees it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Duration;

use dokku_core::{Chunk, Command, Dokku, Error, ExecError, Executor};
use dokku_sim::host::{profiles, SimHost};
use dokku_sim::{Fault, Latency, SimExecutor};
use futures_util::StreamExt;

fn sim() -> SimExecutor {
    SimExecutor::new(SimHost::new(profiles::V0_38_27))
}

#[tokio::test]
async fn the_client_probes_the_simulated_version() {
    let dokku = Dokku::new(sim());
    assert_eq!(dokku.version().await.unwrap(), profiles::V0_38_27);
    let old = Dokku::new(SimExecutor::new(SimHost::new(profiles::V0_35_20)));
    assert_eq!(old.version().await.unwrap(), profiles::V0_35_20);
}

#[tokio::test]
async fn an_unknown_command_is_classified() {
    let dokku = Dokku::new(sim());
    let err = dokku
        .run(&Command::read("frobnicate:now"))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::NotADokkuCommand { .. }), "{err}");
}

#[tokio::test]
async fn refused_is_a_connect_error_and_nothing_runs() {
    let exec = sim();
    exec.inject(Fault::Refused);
    let err = exec.run(&Command::read("version")).await.unwrap_err();
    assert!(matches!(err, ExecError::Connect { .. }), "{err}");
    assert!(err.nothing_ran());
    // Only the next command was affected.
    assert!(exec
        .run(&Command::read("version"))
        .await
        .unwrap()
        .status
        .success());
}

#[tokio::test]
async fn disconnect_fails_n_commands_then_recovers() {
    let exec = sim();
    exec.inject_n(Fault::Disconnect, 2);
    for _ in 0..2 {
        let err = exec.run(&Command::read("version")).await.unwrap_err();
        assert!(matches!(err, ExecError::Disconnected { .. }), "{err}");
    }
    assert!(exec.run(&Command::read("version")).await.is_ok());
}

#[tokio::test]
async fn a_read_survives_one_dropped_connection_through_the_client() {
    let exec = sim();
    exec.inject(Fault::Disconnect);
    let dokku = Dokku::new(exec);
    assert_eq!(dokku.version().await.unwrap(), profiles::V0_38_27);
}

#[tokio::test]
async fn hang_never_answers() {
    let exec = sim();
    exec.inject(Fault::Hang);
    let version = Command::read("version");
    let run = exec.run(&version);
    assert!(tokio::time::timeout(Duration::from_millis(200), run)
        .await
        .is_err());
}

#[tokio::test]
async fn garbage_is_a_parse_error_for_the_client() {
    let exec = sim();
    exec.inject(Fault::Garbage);
    let dokku = Dokku::new(exec);
    let err = dokku.version().await.unwrap_err();
    assert!(matches!(err, Error::Parse { .. }), "{err}");
}

#[tokio::test]
async fn a_cut_stream_ends_without_an_exit_status() {
    let exec = sim();
    exec.inject(Fault::CutStream { after_bytes: 5 });
    let mut stream = exec.stream(&Command::read("version")).await.unwrap();
    let mut chunks = Vec::new();
    while let Some(chunk) = stream.next().await {
        chunks.push(chunk.unwrap());
    }
    assert_eq!(chunks, [Chunk::Stdout(b"dokku".to_vec())]);
    exec.inject(Fault::CutStream { after_bytes: 5 });
    let cut = exec.stream(&Command::read("version")).await.unwrap();
    let collected = dokku_core::exec::collect_output(cut, 1 << 20).await;
    assert!(matches!(collected, Err(ExecError::Truncated)));
}

#[tokio::test(start_paused = true)]
async fn latency_is_applied_per_invocation() {
    let exec = sim().with_latency(Latency::Fixed(Duration::from_millis(300)));
    let started = tokio::time::Instant::now();
    exec.run(&Command::read("version")).await.unwrap();
    exec.run(&Command::read("version")).await.unwrap();
    assert_eq!(started.elapsed(), Duration::from_millis(600));
}

#[tokio::test(start_paused = true)]
async fn jitter_stays_within_bounds_and_varies() {
    let (min, max) = (Duration::from_millis(200), Duration::from_millis(1000));
    let exec = sim().with_latency(Latency::Jitter { min, max });
    let mut seen = Vec::new();
    for _ in 0..20 {
        let started = tokio::time::Instant::now();
        exec.run(&Command::read("version")).await.unwrap();
        let took = started.elapsed();
        assert!(took >= min && took <= max, "{took:?}");
        seen.push(took);
    }
    seen.sort();
    seen.dedup();
    assert!(seen.len() > 10, "jitter should vary: {seen:?}");
}

#[tokio::test]
async fn clones_share_the_host_and_faults() {
    let exec = sim();
    let other = exec.clone();
    exec.inject(Fault::Refused);
    assert!(other.run(&Command::read("version")).await.is_err());
    exec.with_host(|h| h.now = 42);
    assert_eq!(other.with_host(|h| h.now), 42);
}
