//! [`ScriptedExecutor`]: a fake executor for tests of code built on dokku
//! (feature `test-util`).
//!
//! It replays an ordered script of expected commands and their outputs, and
//! fails on anything it did not expect — a different argv, a different stdin,
//! or one call too many — so a test says exactly which Dokku commands a piece
//! of code sends, in which order. [`ScriptedExecutor::verify`] then reports
//! expectations that were never used.

use std::collections::VecDeque;
use std::fmt;
use std::sync::Mutex;

use async_trait::async_trait;
use futures_util::stream;

use crate::command::Command;
use crate::exec::{Chunk, ExecError, Executor, ExitStatus, Output, OutputStream};

type MakeError = Box<dyn Fn() -> ExecError + Send + Sync>;

enum Reply {
    Output(Output),
    Error(MakeError),
}

struct Expectation {
    argv: Vec<String>,
    stdin: Option<Vec<u8>>,
    reply: Reply,
}

/// A fake [`Executor`] that expects an exact sequence of commands.
///
/// ```
/// # use dokku_core::testing::ScriptedExecutor;
/// # use dokku_core::{Command, Executor};
/// # tokio_test_block_on(async {
/// let exec = ScriptedExecutor::new().expect_ok(["apps:exists", "web"], "");
/// let out = exec.run(&Command::read("apps:exists").arg("web")).await.unwrap();
/// assert!(out.status.success());
/// exec.verify().unwrap();
/// # });
/// # fn tokio_test_block_on<F: std::future::Future>(f: F) -> F::Output {
/// #     futures_util::FutureExt::now_or_never(f).unwrap()
/// # }
/// ```
#[derive(Default)]
pub struct ScriptedExecutor {
    script: Mutex<VecDeque<Expectation>>,
    problems: Mutex<Vec<String>>,
    calls: Mutex<Vec<Vec<String>>>,
}

impl fmt::Debug for ScriptedExecutor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let left = self.script.lock().map(|s| s.len()).unwrap_or(0);
        f.debug_struct("ScriptedExecutor")
            .field("remaining", &left)
            .finish()
    }
}

impl ScriptedExecutor {
    /// An empty script: every call is unexpected.
    pub fn new() -> Self {
        Self::default()
    }

    /// Expect `argv` (subcommand first, secrets as sent) and answer `output`.
    pub fn expect<I, S>(self, argv: I, output: Output) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.push(argv, Reply::Output(output))
    }

    /// Expect `argv` and answer exit 0 with this stdout.
    pub fn expect_ok<I, S>(self, argv: I, stdout: &str) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.expect(argv, Output::new(ExitStatus::code(0), stdout, ""))
    }

    /// Expect `argv` and fail with a transport error.
    pub fn expect_error<I, S>(
        self,
        argv: I,
        error: impl Fn() -> ExecError + Send + Sync + 'static,
    ) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.push(argv, Reply::Error(Box::new(error)))
    }

    /// Require the most recently added expectation to receive exactly this stdin.
    pub fn with_stdin(self, bytes: impl Into<Vec<u8>>) -> Self {
        if let Ok(mut script) = self.script.lock() {
            if let Some(last) = script.back_mut() {
                last.stdin = Some(bytes.into());
            }
        }
        self
    }

    fn push<I, S>(self, argv: I, reply: Reply) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        if let Ok(mut script) = self.script.lock() {
            script.push_back(Expectation {
                argv: argv.into_iter().map(Into::into).collect(),
                stdin: None,
                reply,
            });
        }
        self
    }

    /// `Ok` when every expectation was used and nothing unexpected happened;
    /// otherwise a description of each problem.
    pub fn verify(&self) -> Result<(), String> {
        let mut problems = self.problems.lock().map(|p| p.clone()).unwrap_or_default();
        if let Ok(script) = self.script.lock() {
            problems.extend(
                script
                    .iter()
                    .map(|e| format!("expected but never run: {:?}", e.argv)),
            );
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems.join("\n"))
        }
    }

    /// Every command run so far, in order, as its redacted argv: for
    /// counting invocations.
    pub fn calls(&self) -> Vec<Vec<String>> {
        self.calls.lock().map(|c| c.clone()).unwrap_or_default()
    }

    // Compared as sent (secrets exposed) but reported redacted, so a failing
    // test's message does not print the secrets the code under test sent.
    fn answer(&self, command: &Command) -> Result<Output, ExecError> {
        let argv: Vec<String> = command
            .expose_argv()
            .into_iter()
            .map(str::to_owned)
            .collect();
        let shown = command.redacted_argv();
        if let Ok(mut calls) = self.calls.lock() {
            calls.push(shown.clone());
        }
        let next = self.script.lock().ok().and_then(|mut s| s.pop_front());
        let problem = match &next {
            None => Some(format!("unexpected command: {shown:?}")),
            Some(e) if e.argv != argv => Some(format!("expected {:?}, got {shown:?}", e.argv)),
            Some(e) => match (&e.stdin, command.stdin_bytes()) {
                (Some(want), got) if Some(want.as_slice()) != got.map(|s| s.expose()) => Some(
                    format!("stdin for {shown:?} differs from the expected bytes"),
                ),
                _ => None,
            },
        };
        if let Some(problem) = problem {
            if let Ok(mut p) = self.problems.lock() {
                p.push(problem.clone());
            }
            return Err(ExecError::Other(problem));
        }
        match next.map(|e| e.reply) {
            Some(Reply::Output(output)) => Ok(output),
            Some(Reply::Error(make)) => Err(make()),
            None => Err(ExecError::Other("script exhausted".to_owned())),
        }
    }
}

#[async_trait]
impl Executor for ScriptedExecutor {
    async fn run(&self, command: &Command) -> Result<Output, ExecError> {
        self.answer(command)
    }

    async fn stream(&self, command: &Command) -> Result<OutputStream, ExecError> {
        let output = self.answer(command)?;
        let mut chunks = Vec::new();
        if !output.stdout.is_empty() {
            chunks.push(Ok(Chunk::Stdout(output.stdout)));
        }
        if !output.stderr.is_empty() {
            chunks.push(Ok(Chunk::Stderr(output.stderr)));
        }
        chunks.push(Ok(Chunk::Exit(output.status)));
        Ok(Box::pin(stream::iter(chunks)))
    }
}
