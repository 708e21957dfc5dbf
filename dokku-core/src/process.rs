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

use crate::command::{Command, TimeoutClass};
use crate::exec::{
    collect_output, pipe_stream, ExecError, Executor, ExitStatus, Output, OutputStream,
};

/// Default timeout for [`TimeoutClass::Bounded`] commands.
pub const DEFAULT_BOUNDED_TIMEOUT: Duration = Duration::from_secs(120);
/// Default cap on what `run` collects (stdout + stderr).
pub const DEFAULT_OUTPUT_LIMIT: usize = 64 * 1024 * 1024;

/// Runs Dokku commands as local processes.
#[derive(Debug, Clone)]
pub struct LocalExecutor {
    program: PathBuf,
    bounded_timeout: Option<Duration>,
    long_running_timeout: Option<Duration>,
    output_limit: usize,
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
            bounded_timeout: Some(DEFAULT_BOUNDED_TIMEOUT),
            long_running_timeout: None,
            output_limit: DEFAULT_OUTPUT_LIMIT,
        }
    }

    /// Run this program instead of `dokku`.
    pub fn program(mut self, program: impl Into<PathBuf>) -> Self {
        self.program = program.into();
        self
    }

    /// Timeout for [`TimeoutClass::Bounded`] commands (`None`: never).
    pub fn bounded_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.bounded_timeout = timeout;
        self
    }

    /// Timeout for [`TimeoutClass::LongRunning`] commands (`None`: never, the
    /// default: a deploy takes as long as it takes).
    pub fn long_running_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.long_running_timeout = timeout;
        self
    }

    /// Cap on the bytes `run` collects.
    pub fn output_limit(mut self, bytes: usize) -> Self {
        self.output_limit = bytes;
        self
    }

    fn timeout_for(&self, command: &Command) -> Option<Duration> {
        match command.timeout_class() {
            TimeoutClass::Bounded => self.bounded_timeout,
            TimeoutClass::LongRunning => self.long_running_timeout,
            _ => None,
        }
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
        let stream = self.open_stream(command)?;
        let collect = collect_output(stream, self.output_limit);
        match self.timeout_for(command) {
            // Dropping the collecting future drops the child: it is killed.
            Some(limit) => tokio::time::timeout(limit, collect)
                .await
                .map_err(|_| ExecError::Timeout { after: limit })?,
            None => collect.await,
        }
    }

    async fn stream(&self, command: &Command) -> Result<OutputStream, ExecError> {
        self.open_stream(command)
    }
}
