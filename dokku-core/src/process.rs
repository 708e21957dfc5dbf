//! [`LocalExecutor`]: run the `dokku` program on this machine.
//!
//! For dashboards and tools that run on the Dokku host itself. The argv goes
//! to `execve` directly — no shell, so no quoting and nothing to inject. The
//! child is killed when its future or stream is dropped (`kill_on_drop`), so
//! a cancelled request or a closed log view does not leave `dokku logs -t`
//! running. Output beyond a size cap fails clearly instead of eating memory.

use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use async_trait::async_trait;
use tokio::io::AsyncWriteExt;
use tokio::process::Child;

use crate::command::Command;
use crate::exec::{pipe_stream, ExecError, Executor, ExitStatus, Limits, Output, OutputStream};

/// Runs Dokku commands as local processes.
#[derive(Debug, Clone)]
pub struct LocalExecutor {
    program: PathBuf,
    limits: Limits,
}

impl Default for LocalExecutor {
    fn default() -> Self {
        Self::new()
    }
}

impl LocalExecutor {
    /// Run `dokku` from `PATH`, bounded commands time out after two minutes,
    /// long-running ones never, output capped at 64 MiB.
    pub fn new() -> Self {
        Self {
            program: PathBuf::from("dokku"),
            limits: Limits::default(),
        }
    }

    /// Run this program instead of `dokku`.
    pub fn program(mut self, program: impl Into<PathBuf>) -> Self {
        self.program = program.into();
        self
    }

    /// Timeout for [`TimeoutClass::Bounded`](crate::TimeoutClass::Bounded) commands (`None`: never).
    pub fn bounded_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.limits.bounded_timeout = timeout;
        self
    }

    /// Timeout for [`TimeoutClass::LongRunning`](crate::TimeoutClass::LongRunning) commands (`None`: never, the
    /// default: a deploy takes as long as it takes).
    pub fn long_running_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.limits.long_running_timeout = timeout;
        self
    }

    /// Cap on the bytes `run` collects.
    pub fn output_limit(mut self, bytes: usize) -> Self {
        self.limits.output_limit = bytes;
        self
    }

    fn spawn(&self, command: &Command) -> Result<Child, ExecError> {
        let argv = command.expose_argv();
        let mut process = tokio::process::Command::new(&self.program);
        process
            .args(&argv)
            .stdin(if command.stdin_bytes().is_some() {
                Stdio::piped()
            } else {
                Stdio::null()
            })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        let mut child = process.spawn().map_err(|source| ExecError::Spawn {
            program: self.program.display().to_string(),
            source,
        })?;
        if let (Some(bytes), Some(mut pipe)) = (command.stdin_bytes(), child.stdin.take()) {
            let bytes = bytes.expose().to_vec();
            // Written concurrently with reading, so a child that prints before
            // it finishes reading stdin cannot deadlock us.
            tokio::spawn(async move {
                // A child that exits without reading all of stdin is not our
                // error to report; its exit status says what happened.
                let _ = pipe.write_all(&bytes).await;
                let _ = pipe.shutdown().await;
            });
        }
        Ok(child)
    }

    fn open_stream(&self, command: &Command) -> Result<OutputStream, ExecError> {
        let mut child = self.spawn(command)?;
        let stdout = child.stdout.take();
        let stderr = child.stderr.take();
        // The wait future owns the child: dropping the stream drops it,
        // and kill_on_drop ends the process.
        let wait = async move {
            let status = child.wait().await.map_err(ExecError::Io)?;
            Ok(status
                .code()
                .map(ExitStatus::code)
                .unwrap_or_else(ExitStatus::unknown))
        };
        Ok(pipe_stream(stdout, stderr, wait))
    }
}

#[async_trait]
impl Executor for LocalExecutor {
    async fn run(&self, command: &Command) -> Result<Output, ExecError> {
        // A timeout drops the stream, and with it the child: it is killed.
        self.limits
            .run(command, async { self.open_stream(command) })
            .await
    }

    async fn stream(&self, command: &Command) -> Result<OutputStream, ExecError> {
        self.open_stream(command)
    }
}
