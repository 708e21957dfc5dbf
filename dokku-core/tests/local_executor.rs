//! LocalExecutor against a small shell script standing in for `dokku`.
#![cfg(all(unix, feature = "process"))]
// Test helpers fail loudly at the line that found the problem.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use dokku_core::{Chunk, Command, ExecError, Executor, LocalExecutor};
use futures_util::StreamExt;

const FAKE_DOKKU: &str = r#"#!/bin/sh
case "$1" in
  args) printf '%s\n' "$@" ;;
  fail) echo "partial output"; echo " !     App ghost does not exist" >&2; exit 20 ;;
  stdin) cat ;;
  sleep) echo $$ > "$2"; exec sleep 30 ;;
  huge) head -c 5000000 /dev/zero ;;
  binary) printf 'ok\377\376\n' ;;
  ticks) echo $$ > "$2"; while true; do echo tick; sleep 0.05; done ;;
  both) echo out1; echo err1 >&2; echo out2; exit 0 ;;
  family) sleep 300 & echo $! > "$2"; echo started; wait ;;
  *) echo " !     \`$1\` is not a dokku command." >&2; exit 1 ;;
esac
"#;

fn fake_dokku(dir: &Path) -> PathBuf {
    let path = dir.join("dokku");
    std::fs::write(&path, FAKE_DOKKU).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path
}

fn executor(dir: &Path) -> LocalExecutor {
    LocalExecutor::new().program(fake_dokku(dir))
}

fn alive(pid: &str) -> bool {
    Path::new(&format!("/proc/{pid}")).exists()
        && !std::fs::read_to_string(format!("/proc/{pid}/stat"))
            .map(|s| s.split_whitespace().nth(2) == Some("Z"))
            .unwrap_or(true)
}

async fn wait_until_dead(pid: &str) -> bool {
    for _ in 0..100 {
        if !alive(pid) {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    false
}

async fn read_pid(path: &Path) -> String {
    for _ in 0..100 {
        if let Ok(pid) = std::fs::read_to_string(path) {
            if !pid.trim().is_empty() {
                return pid.trim().to_owned();
            }
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("the script never wrote its pid");
}

#[tokio::test]
async fn argv_arrives_intact_without_a_shell() {
    let dir = tempfile::tempdir().unwrap();
    let nasty = [
        "a b",
        "it's",
        "$(id)",
        "`id`",
        "*",
        "",
        "-n",
        "--help",
        "line1\nline2",
        "ünï",
    ];
    let cmd = Command::read("args").args(nasty);
    let out = executor(dir.path()).run(&cmd).await.unwrap();
    assert!(out.status.success());
    let mut expected = String::from("args\n");
    for a in nasty {
        expected.push_str(a);
        expected.push('\n');
    }
    assert_eq!(out.stdout_lossy(), expected);
}

#[tokio::test]
async fn non_zero_exit_is_data_with_both_streams() {
    let dir = tempfile::tempdir().unwrap();
    let out = executor(dir.path())
        .run(&Command::read("fail"))
        .await
        .unwrap();
    assert_eq!(out.status.as_code(), Some(20));
    assert_eq!(out.stdout, b"partial output\n");
    assert_eq!(out.stderr, b" !     App ghost does not exist\n");
}

#[tokio::test]
async fn stdin_is_delivered() {
    let dir = tempfile::tempdir().unwrap();
    let body = "KEY=value\nOTHER=\"x y\"\n".repeat(10_000);
    let cmd = Command::write("stdin").stdin(body.clone().into_bytes());
    let out = executor(dir.path()).run(&cmd).await.unwrap();
    assert_eq!(out.stdout, body.as_bytes());
}

#[tokio::test]
async fn timeout_kills_the_process() {
    let dir = tempfile::tempdir().unwrap();
    let pidfile = dir.path().join("pid");
    let exec = executor(dir.path()).bounded_timeout(Some(Duration::from_millis(300)));
    let cmd = Command::read("sleep").arg(pidfile.to_str().unwrap());
    let err = exec.run(&cmd).await.unwrap_err();
    assert!(matches!(err, ExecError::Timeout { .. }), "{err}");
    let pid = read_pid(&pidfile).await;
    assert!(
        wait_until_dead(&pid).await,
        "process {pid} survived the timeout"
    );
}

#[tokio::test]
async fn output_over_the_cap_fails_clearly() {
    let dir = tempfile::tempdir().unwrap();
    let exec = executor(dir.path()).output_limit(1_000_000);
    let err = exec.run(&Command::read("huge")).await.unwrap_err();
    assert!(
        matches!(err, ExecError::OutputTooLarge { limit: 1_000_000 }),
        "{err}"
    );
    assert!(err.to_string().contains("1000000"));
    // Under a larger cap the same command succeeds, byte for byte.
    let out = executor(dir.path())
        .run(&Command::read("huge"))
        .await
        .unwrap();
    assert_eq!(out.stdout.len(), 5_000_000);
}

#[tokio::test]
async fn invalid_utf8_is_kept_as_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let out = executor(dir.path())
        .run(&Command::read("binary"))
        .await
        .unwrap();
    assert_eq!(out.stdout, b"ok\xff\xfe\n");
    assert_eq!(out.stdout_lossy(), "ok\u{fffd}\u{fffd}\n");
}

#[tokio::test]
async fn stream_yields_both_streams_then_exit() {
    let dir = tempfile::tempdir().unwrap();
    let mut stream = executor(dir.path())
        .stream(&Command::read("both"))
        .await
        .unwrap();
    let (mut out, mut err, mut exit) = (Vec::new(), Vec::new(), None);
    while let Some(chunk) = stream.next().await {
        match chunk.unwrap() {
            Chunk::Stdout(b) => out.extend(b),
            Chunk::Stderr(b) => err.extend(b),
            Chunk::Exit(s) => exit = Some(s),
        }
    }
    assert_eq!(out, b"out1\nout2\n");
    assert_eq!(err, b"err1\n");
    assert!(exit.unwrap().success());
}

#[tokio::test]
async fn dropping_a_stream_ends_the_process() {
    let dir = tempfile::tempdir().unwrap();
    let pidfile = dir.path().join("pid");
    let cmd = Command::read("ticks").arg(pidfile.to_str().unwrap());
    let mut stream = executor(dir.path()).stream(&cmd).await.unwrap();
    let first = stream.next().await.unwrap().unwrap();
    assert!(matches!(first, Chunk::Stdout(ref b) if b.starts_with(b"tick")));
    let pid = read_pid(&pidfile).await;
    assert!(alive(&pid));
    drop(stream);
    assert!(
        wait_until_dead(&pid).await,
        "process {pid} outlived its stream"
    );
}

#[tokio::test]
async fn a_missing_program_is_a_spawn_error() {
    let exec = LocalExecutor::new().program("/nonexistent/dokku");
    let err = exec.run(&Command::read("version")).await.unwrap_err();
    assert!(matches!(err, ExecError::Spawn { .. }), "{err}");
    assert!(err.to_string().contains("/nonexistent/dokku"));
}

/// `dokku` is a script that starts other programs (`docker logs -f`, a
/// build): they must end with it, not only the script itself.
#[tokio::test]
async fn a_timeout_ends_what_the_command_started_too() {
    let dir = tempfile::tempdir().unwrap();
    let pidfile = dir.path().join("pid");
    let exec = executor(dir.path()).bounded_timeout(Some(Duration::from_millis(300)));
    let cmd = Command::read("family").arg(pidfile.to_str().unwrap());
    let err = exec.run(&cmd).await.unwrap_err();
    assert!(matches!(err, ExecError::Timeout { .. }), "{err}");
    let grandchild = read_pid(&pidfile).await;
    assert!(
        wait_until_dead(&grandchild).await,
        "process {grandchild}, started by the command, survived the timeout"
    );
}

#[tokio::test]
async fn dropping_a_stream_ends_what_the_command_started_too() {
    let dir = tempfile::tempdir().unwrap();
    let pidfile = dir.path().join("pid");
    let cmd = Command::read("family").arg(pidfile.to_str().unwrap());
    let mut stream = executor(dir.path()).stream(&cmd).await.unwrap();
    let first = stream.next().await.unwrap().unwrap();
    assert!(matches!(first, Chunk::Stdout(ref b) if b.starts_with(b"started")));
    let grandchild = read_pid(&pidfile).await;
    assert!(alive(&grandchild));
    drop(stream);
    assert!(
        wait_until_dead(&grandchild).await,
        "process {grandchild}, started by the command, outlived its stream"
    );
}
