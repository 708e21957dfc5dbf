//! LocalExecutor against a small shell script standing in for `dokku`.
#![cfg(all(unix, feature = "process"))]
// Test helpers fail loudly at the line that found the problem.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::time::Duration;

use dokku_core::{Chunk, Command, ExecError, Executor, LocalExecutor};
use futures_util::StreamExt;

const FAKE_DOKKU: &str = r#"#!/bin/sh
case "$1" in
  args) printf '%s\n' "$@" ;;
  fail) echo "partial output"; echo " !     App ghost does not exist" >&2; exit 20 ;;
  stdin) cat ;;
  relay) IFS= read -r first; echo "first:$first"; wc -c ;;
  drain) cat >/dev/null; echo finished ;;
  sleep) echo $$ > "$2"; exec sleep 30 ;;
  huge) head -c 5000000 /dev/zero ;;
  binary) printf 'ok\377\376\n' ;;
  ticks) echo $$ > "$2"; while true; do echo tick; sleep 0.05; done ;;
  both) echo out1; echo err1 >&2; echo out2; exit 0 ;;
  family) sleep 300 & echo $! > "$2"; echo started; wait ;;
  *) echo " !     \`$1\` is not a dokku command." >&2; exit 1 ;;
esac
"#;

/// The script is written to a sibling file and copied into place by
/// `install`, so no descriptor open for writing on it ever exists in this
/// test process: a test thread forking at that moment would carry one into
/// its child until `exec`, and running the script would then fail with
/// "Text file busy" (ETXTBSY).
fn fake_dokku(dir: &Path) -> PathBuf {
    let source = dir.join("dokku.txt");
    std::fs::write(&source, FAKE_DOKKU).unwrap();
    let path = dir.join("dokku");
    let status = std::process::Command::new("install")
        .args(["-m", "755"])
        .arg(&source)
        .arg(&path)
        .status()
        .unwrap();
    assert!(status.success());
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

/// `found`'s value, once it has one. Nothing tells a test that another
/// process wrote a file or died, so this polls; the deadline only turns a
/// hang into a failure (`what`), far beyond any machine's pace.
async fn eventually<T>(what: &str, mut found: impl FnMut() -> Option<T>) -> T {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    loop {
        if let Some(value) = found() {
            return value;
        }
        assert!(tokio::time::Instant::now() < deadline, "{what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn wait_until_dead(pid: &str, what: &str) {
    eventually(what, || (!alive(pid)).then_some(())).await;
}

async fn read_pid(path: &Path) -> String {
    eventually("the script never wrote its pid", || {
        let pid = std::fs::read_to_string(path).ok()?;
        let pid = pid.trim();
        (!pid.is_empty()).then(|| pid.to_owned())
    })
    .await
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

/// A streamed input fed through a channel: the test decides when each
/// chunk exists.
fn channel_input() -> (
    tokio::sync::mpsc::Sender<std::io::Result<Vec<u8>>>,
    impl futures_util::Stream<Item = std::io::Result<Vec<u8>>> + Send + 'static,
) {
    let (tx, rx) = tokio::sync::mpsc::channel(1);
    let input = futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|chunk| (chunk, rx))
    });
    (tx, input)
}

#[tokio::test]
async fn a_streamed_stdin_reaches_the_command_before_it_has_all_been_read() {
    let dir = tempfile::tempdir().unwrap();
    let (tx, input) = channel_input();
    let cmd = Command::write("relay").stdin_stream(input);
    tx.send(Ok(b"hello\n".to_vec())).await.unwrap();
    // The rest of the input does not exist yet: only a command that is
    // fed as its input is read can answer. (The bound catches a hang; it
    // is not a speed limit.)
    let first_line = async {
        let mut stream = executor(dir.path()).stream(&cmd).await.unwrap();
        let mut out = Vec::new();
        while !out.ends_with(b"first:hello\n") {
            match stream.next().await.unwrap().unwrap() {
                Chunk::Stdout(bytes) => out.extend(bytes),
                other => panic!("{other:?}"),
            }
        }
        stream
    };
    let mut stream = tokio::time::timeout(Duration::from_secs(120), first_line)
        .await
        .expect("the command saw nothing before its input ended: it was buffered");
    // The input is read while the output is: send from elsewhere.
    tokio::spawn(async move {
        for _ in 0..16 {
            tx.send(Ok(vec![b'x'; 64 * 1024])).await.unwrap();
        }
    });
    let mut rest = Vec::new();
    let mut exit = None;
    while let Some(chunk) = stream.next().await {
        match chunk.unwrap() {
            Chunk::Stdout(bytes) => rest.extend(bytes),
            Chunk::Exit(status) => exit = Some(status),
            Chunk::Stderr(bytes) => panic!("{}", String::from_utf8_lossy(&bytes)),
        }
    }
    assert_eq!(String::from_utf8(rest).unwrap().trim(), "1048576");
    assert!(exit.unwrap().success());
}

#[tokio::test]
async fn a_failing_input_stops_the_command_before_its_input_ends() {
    let dir = tempfile::tempdir().unwrap();
    let input = futures_util::stream::iter([
        Ok(b"part of a dump".to_vec()),
        Err(std::io::Error::other("the disk went away")),
    ]);
    let cmd = Command::write("drain").stdin_stream(input);
    let items: Vec<_> = executor(dir.path())
        .stream(&cmd)
        .await
        .unwrap()
        .collect()
        .await;
    let (last, before) = items.split_last().unwrap();
    match last {
        Err(ExecError::Input { sent, source }) => {
            assert_eq!(*sent, 14);
            assert_eq!(source.to_string(), "the disk went away");
        }
        other => panic!("{other:?}"),
    }
    // `finished` would mean the command saw its input end and went on.
    assert!(
        before
            .iter()
            .all(|c| !matches!(c, Ok(Chunk::Stdout(_)) | Ok(Chunk::Exit(_)))),
        "{before:?}"
    );
}

#[tokio::test]
async fn a_streamed_stdin_is_read_once() {
    let dir = tempfile::tempdir().unwrap();
    let input = futures_util::stream::iter([Ok(b"abc".to_vec())]);
    let cmd = Command::write("stdin").stdin_stream(input);
    let exec = executor(dir.path());
    assert_eq!(exec.run(&cmd).await.unwrap().stdout, b"abc");
    let again = exec.run(&cmd.clone()).await.unwrap_err();
    assert!(matches!(again, ExecError::Input { sent: 0, .. }), "{again}");
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
    wait_until_dead(&pid, &format!("process {pid} survived the timeout")).await;
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
    wait_until_dead(&pid, &format!("process {pid} outlived its stream")).await;
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
    wait_until_dead(
        &grandchild,
        &format!("process {grandchild}, started by the command, survived the timeout"),
    )
    .await;
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
    wait_until_dead(
        &grandchild,
        &format!("process {grandchild}, started by the command, outlived its stream"),
    )
    .await;
}
