//! `LogsQuery::follow` turns a byte stream into log lines wherever the
//! executor's chunk boundaries fall: inside a multi-byte UTF-8 character,
//! inside an ANSI escape, between `\r` and `\n`, or nowhere at all. Whatever
//! the chunking, the lines are the ones `parse::logs::snapshot` reads from
//! the whole output (checked at chosen boundaries, at every single boundary,
//! and with proptest at random ones). Also: a last line without a newline is
//! still yielded, a follow does not end by itself, dropping the stream drops
//! the executor's stream, and a stream that breaks ends with an error.
//!
//! `ScriptedExecutor` streams whole outputs, so this file has its own tiny
//! executor that cuts stdout at given byte positions.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use dokku_core::api::logs::LogStream;
use dokku_core::exec::collect_output;
use dokku_core::model::logs::LogLine;
use dokku_core::{
    parse, AppName, Capabilities, Chunk, Command, Dokku, DokkuVersion, Error, ExecError, Executor,
    ExitStatus, Output, OutputStream,
};
use futures_util::{stream, StreamExt};
use proptest::prelude::*;

fn app() -> AppName {
    AppName::new("node-js-app").unwrap()
}

/// How the executor's stream ends once the chunks are out.
#[derive(Debug, Clone)]
enum End {
    /// `Chunk::Exit` with this status.
    Exit(ExitStatus),
    /// Nothing more: the stream just stops (no exit status).
    Vanish,
    /// A transport error item.
    Fail,
    /// Never: like `logs --tail`, it waits for more output forever.
    Hang,
}

/// Sets its flag when dropped: proves the stream was dropped.
struct DropFlag(Arc<AtomicBool>);

impl Drop for DropFlag {
    fn drop(&mut self) {
        self.0.store(true, Ordering::SeqCst);
    }
}

/// Streams `stdout` cut at `cuts` (byte offsets, any order, clamped; empty
/// chunks included), with `stderr` as one chunk in the middle, then `end`.
#[derive(Debug)]
struct ChunkedExecutor {
    stdout: Vec<u8>,
    cuts: Vec<usize>,
    stderr: Vec<u8>,
    end: End,
    dropped: Arc<AtomicBool>,
    argvs: Mutex<Vec<Vec<String>>>,
}

impl ChunkedExecutor {
    fn new(stdout: impl Into<Vec<u8>>, cuts: Vec<usize>, end: End) -> Self {
        Self {
            stdout: stdout.into(),
            cuts,
            stderr: Vec::new(),
            end,
            dropped: Arc::new(AtomicBool::new(false)),
            argvs: Mutex::new(Vec::new()),
        }
    }

    fn with_stderr(mut self, stderr: &str) -> Self {
        self.stderr = stderr.as_bytes().to_vec();
        self
    }

    fn chunks(&self) -> Vec<Vec<u8>> {
        split(&self.stdout, &self.cuts)
    }
}

fn split(bytes: &[u8], cuts: &[usize]) -> Vec<Vec<u8>> {
    let mut cuts: Vec<usize> = cuts.iter().map(|&c| c.min(bytes.len())).collect();
    cuts.sort_unstable();
    let mut out = Vec::new();
    let mut start = 0;
    for cut in cuts.into_iter().chain([bytes.len()]) {
        out.push(bytes[start..cut].to_vec());
        start = cut;
    }
    out
}

#[async_trait]
impl Executor for ChunkedExecutor {
    async fn run(&self, command: &Command) -> Result<Output, ExecError> {
        collect_output(self.stream(command).await?, usize::MAX).await
    }

    async fn stream(&self, command: &Command) -> Result<OutputStream, ExecError> {
        self.argvs.lock().unwrap().push(command.redacted_argv());
        let chunks = self.chunks();
        let middle = chunks.len() / 2;
        let mut items: Vec<Result<Chunk, ExecError>> = Vec::new();
        for (i, chunk) in chunks.into_iter().enumerate() {
            if i == middle && !self.stderr.is_empty() {
                items.push(Ok(Chunk::Stderr(self.stderr.clone())));
            }
            items.push(Ok(Chunk::Stdout(chunk)));
        }
        let tail: OutputStream = match &self.end {
            End::Exit(status) => Box::pin(stream::iter([Ok(Chunk::Exit(*status))])),
            End::Vanish => Box::pin(stream::empty()),
            End::Fail => Box::pin(stream::iter([Err(ExecError::Disconnected {
                host: "dokku.example.com".to_owned(),
            })])),
            End::Hang => Box::pin(stream::pending()),
        };
        let guard = DropFlag(Arc::clone(&self.dropped));
        Ok(Box::pin(stream::iter(items).chain(tail).map(move |item| {
            let _alive = &guard;
            item
        })))
    }
}

fn client(exec: ChunkedExecutor) -> (Dokku, Arc<ChunkedExecutor>) {
    let exec = Arc::new(exec);
    let dokku = Dokku::new(Arc::clone(&exec))
        .with_capabilities(Capabilities::for_version(DokkuVersion::new(0, 38, 27)));
    (dokku, exec)
}

async fn follow(exec: ChunkedExecutor) -> Vec<Result<LogLine, Error>> {
    let (dokku, _) = client(exec);
    dokku
        .logs()
        .app(&app())
        .follow()
        .await
        .unwrap()
        .collect()
        .await
}

fn ok(items: Vec<Result<LogLine, Error>>) -> Vec<LogLine> {
    items
        .into_iter()
        .map(|item| item.unwrap_or_else(|e| panic!("unexpected error item: {e}")))
        .collect()
}

fn snapshot(bytes: &[u8]) -> Vec<LogLine> {
    parse::logs::snapshot(&app(), &String::from_utf8_lossy(bytes))
}

fn block_on<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap()
        .block_on(future)
}

/// The multi-process fixture, then lines that make boundaries interesting:
/// multi-byte characters, escapes inside the message, `\r\n`, an empty
/// line, invalid UTF-8, and a last line without a newline.
fn text() -> Vec<u8> {
    let mut text = common::Fixture::load("logs/logs-multi-process.txt")
        .stdout
        .into_bytes();
    text.extend_from_slice(
        "\u{1b}[32m2026-08-10T09:17:00.000000001Z app[web.2]:\u{1b}[0m Grüße aus Köln, 世界 ☕\n"
            .as_bytes(),
    );
    text.extend_from_slice(b"continuation without a prefix\r\n");
    text.extend_from_slice(
        b"\x1b[35m2026-08-10T09:17:01Z app[worker.3]:\x1b[0m \x1b[1mbold\x1b[0m done\n\n",
    );
    text.extend_from_slice(b"invalid \xff\xfe utf-8\n");
    text.extend_from_slice("last line without a newline ☕".as_bytes());
    text
}

fn find(haystack: &[u8], needle: &[u8]) -> usize {
    haystack
        .windows(needle.len())
        .position(|w| w == needle)
        .unwrap()
}

#[test]
fn the_test_text_reads_as_expected_in_one_piece() {
    let lines = snapshot(&text());
    let messages: Vec<&str> = lines.iter().map(|l| l.message.as_str()).collect();
    assert_eq!(
        messages,
        [
            "Server listening on port 5000",
            "GET /health 200 0.612 ms - 2",
            "worker booted, polling queue default",
            "processed 0 jobs",
            "Grüße aus Köln, 世界 ☕",
            "continuation without a prefix",
            "bold done",
            "",
            "invalid \u{fffd}\u{fffd} utf-8",
            "last line without a newline ☕",
        ]
    );
    assert_eq!(lines[4].index, Some(2));
    assert_eq!(lines[6].process_type.as_ref().unwrap().as_str(), "worker");
    assert!(lines[5].timestamp.is_none());
}

#[tokio::test]
async fn whole_output_in_one_chunk() {
    let exec = ChunkedExecutor::new(text(), vec![], End::Exit(ExitStatus::code(0)));
    let (dokku, exec) = client(exec);
    let lines: Vec<_> = dokku
        .logs()
        .app(&app())
        .follow()
        .await
        .unwrap()
        .collect()
        .await;
    assert_eq!(ok(lines), snapshot(&text()));
    // And `fetch` (run = the same stream collected) agrees.
    let fetched = dokku.logs().app(&app()).fetch().await.unwrap();
    assert_eq!(fetched, snapshot(&text()));
    assert_eq!(
        *exec.argvs.lock().unwrap(),
        [
            vec!["logs", "node-js-app", "--tail"],
            vec!["logs", "node-js-app"]
        ]
    );
}

#[tokio::test]
async fn cuts_inside_a_character_an_escape_and_a_crlf() {
    let text = text();
    let wide = find(&text, "世".as_bytes());
    let coffee = find(&text, "☕".as_bytes());
    let escape = find(&text, b"\x1b[33m");
    let bold = find(&text, b"\x1b[1mbold");
    let crlf = find(&text, b"\r\n");
    let cases: Vec<(&str, Vec<usize>)> = vec![
        ("inside 世", vec![wide + 1]),
        ("inside 世 twice", vec![wide + 1, wide + 2]),
        ("inside ☕", vec![coffee + 1, coffee + 3]),
        ("between ESC and [", vec![escape + 1]),
        ("inside the colour code", vec![escape + 3]),
        ("inside an escape in the message", vec![bold + 2]),
        ("between \\r and \\n", vec![crlf + 1]),
        ("right after a newline", vec![find(&text, b"\n") + 1]),
        ("empty chunks", vec![0, 0, 5, 5, text.len(), text.len()]),
    ];
    for (why, cuts) in cases {
        let exec = ChunkedExecutor::new(text.clone(), cuts, End::Exit(ExitStatus::code(0)));
        assert_eq!(ok(follow(exec).await), snapshot(&text), "{why}");
    }
}

#[test]
fn every_single_cut_and_one_byte_chunks() {
    let text = text();
    let expected = snapshot(&text);
    block_on(async {
        for cut in 0..=text.len() {
            let exec =
                ChunkedExecutor::new(text.clone(), vec![cut], End::Exit(ExitStatus::code(0)));
            assert_eq!(ok(follow(exec).await), expected, "cut at {cut}");
        }
        let every: Vec<usize> = (0..=text.len()).collect();
        let exec = ChunkedExecutor::new(text.clone(), every, End::Exit(ExitStatus::code(0)));
        assert_eq!(ok(follow(exec).await), expected, "one byte per chunk");
    });
}

#[tokio::test]
async fn a_last_line_without_newline_is_yielded() {
    for cuts in [vec![], vec![3], vec![6]] {
        let exec = ChunkedExecutor::new("first\nlast", cuts, End::Exit(ExitStatus::code(0)));
        let messages: Vec<String> = ok(follow(exec).await)
            .into_iter()
            .map(|l| l.message)
            .collect();
        assert_eq!(messages, ["first", "last"]);
    }
    // Nothing at all: no lines, no error.
    let exec = ChunkedExecutor::new("", vec![], End::Exit(ExitStatus::code(0)));
    assert!(follow(exec).await.is_empty());
}

#[tokio::test]
async fn a_failure_after_output_yields_the_lines_then_the_classified_error() {
    let exec = ChunkedExecutor::new(
        "one\ntwo\npartial",
        vec![5],
        End::Exit(ExitStatus::code(20)),
    )
    .with_stderr(" !     App node-js-app does not exist\n");
    let mut items = follow(exec).await;
    let err = items.pop().unwrap().unwrap_err();
    assert!(err.is_not_found(), "{err:?}");
    let messages: Vec<String> = ok(items).into_iter().map(|l| l.message).collect();
    assert_eq!(messages, ["one", "two", "partial"]);

    // Stderr on a successful exit is not an error.
    let exec = ChunkedExecutor::new("one\n", vec![], End::Exit(ExitStatus::code(0)))
        .with_stderr(" !     some warning\n");
    assert_eq!(ok(follow(exec).await).len(), 1);
}

#[tokio::test]
async fn a_broken_stream_ends_with_a_transport_error() {
    let exec = ChunkedExecutor::new("one\ntwo\n", vec![4], End::Vanish);
    let mut items = follow(exec).await;
    match items.pop().unwrap().unwrap_err() {
        Error::Transport { source, command } => {
            assert!(matches!(source, ExecError::Truncated), "{source:?}");
            assert_eq!(command, "dokku logs node-js-app --tail");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(ok(items).len(), 2);

    let exec = ChunkedExecutor::new("one\n", vec![], End::Fail);
    let mut items = follow(exec).await;
    match items.pop().unwrap().unwrap_err() {
        Error::Transport { source, .. } => {
            assert!(
                matches!(source, ExecError::Disconnected { .. }),
                "{source:?}"
            );
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(ok(items).len(), 1);
}

/// The next item, failing (rather than hanging) if it does not come: the
/// 60 s only turn a hang into a failure.
async fn soon(lines: &mut LogStream) -> Option<Result<LogLine, Error>> {
    tokio::time::timeout(Duration::from_secs(60), lines.next())
        .await
        .expect("no log line within 60 s")
}

#[tokio::test]
async fn a_follow_waits_for_more_and_dropping_it_drops_the_command_stream() {
    // A whole last line: an unfinished one waits for its newline or the end.
    let mut text = text();
    text.push(b'\n');
    let expected = snapshot(&text);
    let exec = ChunkedExecutor::new(text.clone(), vec![7, 200], End::Hang);
    let dropped = Arc::clone(&exec.dropped);
    let (dokku, _exec) = client(exec);

    let mut lines = dokku.logs().app(&app()).follow().await.unwrap();
    for want in &expected {
        assert_eq!(&soon(&mut lines).await.unwrap().unwrap(), want);
    }
    // Everything is out, but the command has not ended: the stream waits.
    let more = tokio::time::timeout(Duration::from_millis(50), lines.next()).await;
    assert!(more.is_err(), "a follow ended by itself");
    assert!(!dropped.load(Ordering::SeqCst));
    drop(lines);
    assert!(dropped.load(Ordering::SeqCst));

    // Dropping after one line, with more lines buffered, is fine too.
    let exec = ChunkedExecutor::new(text.clone(), vec![], End::Hang);
    let dropped = Arc::clone(&exec.dropped);
    let (dokku, _exec) = client(exec);
    let mut lines = dokku.logs().app(&app()).follow().await.unwrap();
    assert_eq!(soon(&mut lines).await.unwrap().unwrap(), expected[0]);
    drop(lines);
    assert!(dropped.load(Ordering::SeqCst));

    // Dropped before it was ever polled.
    let exec = ChunkedExecutor::new(text, vec![], End::Hang);
    let dropped = Arc::clone(&exec.dropped);
    let (dokku, _exec) = client(exec);
    drop(dokku.logs().app(&app()).follow().await.unwrap());
    assert!(dropped.load(Ordering::SeqCst));
}

/// Byte pieces random outputs are made of: line ends, escapes (whole and
/// cut), prefixes, multi-byte characters and invalid UTF-8.
const PIECES: &[&[u8]] = &[
    b"\n",
    b"\r",
    b"\r\n",
    b"\x1b",
    b"\x1b[36m",
    b"\x1b[0m ",
    b"\x1b]0;t\x07",
    b"2026-08-10T09:15:02.418263912Z ",
    b"app[web.1]:",
    b"app[worker-2.10]:",
    b" ",
    b"x",
    b"ok",
    "ü".as_bytes(),
    "世".as_bytes(),
    "☕".as_bytes(),
    b"\xff",
    b"\xe4\xb8",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn any_chunking_of_the_fixture_text_yields_the_snapshot(
        cuts in prop::collection::vec(any::<prop::sample::Index>(), 0..24),
    ) {
        let text = text();
        let cuts: Vec<usize> = cuts.iter().map(|i| i.index(text.len() + 1)).collect();
        let exec = ChunkedExecutor::new(text.clone(), cuts, End::Exit(ExitStatus::code(0)));
        prop_assert_eq!(ok(block_on(follow(exec))), snapshot(&text));
    }

    #[test]
    fn any_chunking_of_any_output_yields_the_snapshot(
        pieces in prop::collection::vec(prop::sample::select(PIECES.to_vec()), 0..48),
        cuts in prop::collection::vec(any::<prop::sample::Index>(), 0..16),
        noisy in any::<bool>(),
    ) {
        let bytes = pieces.concat();
        let cuts: Vec<usize> = cuts.iter().map(|i| i.index(bytes.len() + 1)).collect();
        let mut exec = ChunkedExecutor::new(bytes.clone(), cuts, End::Exit(ExitStatus::code(0)));
        if noisy {
            exec = exec.with_stderr(" !     warning\n");
        }
        prop_assert_eq!(ok(block_on(follow(exec))), snapshot(&bytes));
    }
}
