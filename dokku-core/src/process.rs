//! [`LocalExecutor`]: run the `dokku` program on this machine.
//!
//! For dashboards and tools that run on the Dokku host itself. The argv goes
//! to `execve` directly — no shell, so no quoting and nothing to inject.
//!
//! `dokku` is a bash script that starts other programs (`docker logs -f`, a
//! deploy's build, `plugn` triggers); killing only the child would leave
//! them running. So on Unix each command starts in a new process group of
//! its own, and when its future or stream is dropped before it ended (a
//! timeout, a cancelled request, a closed log view) the whole group is sent
//! SIGKILL; `kill_on_drop` still covers the child itself. The group is
//! killed only while the child has not been reaped, so its id cannot have
//! been reused by an unrelated group. Output beyond a size cap fails clearly
//! instead of eating memory.

use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use async_trait::async_trait;
use tokio::process::Child;

use crate::command::Command;
use crate::exec::{
    pipe_stream, ExecError, Executor, ExitStatus, Feed, Limits, Output, OutputStream,
};

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
            .stdin(if command.has_stdin() {
                Stdio::piped()
            } else {
                Stdio::null()
            })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        // A group of its own: what it starts can be ended with it.
        #[cfg(unix)]
        process.process_group(0);
        process.spawn().map_err(|source| ExecError::Spawn {
            program: self.program.display().to_string(),
            source,
        })
    }

    fn open_stream(&self, command: &Command) -> Result<OutputStream, ExecError> {
        let mut child = self.spawn(command)?;
        // Written while the output is read, so a child that prints before
        // it finishes reading stdin cannot deadlock us.
        let stdin = Feed::new(child.stdin.take(), command.take_stdin());
        let stdout = child.stdout.take();
        let stderr = child.stderr.take();
        // The wait future owns the child: dropping the stream drops it, the
        // group guard kills the process group, and kill_on_drop the child.
        let mut running = Running {
            group: GroupGuard::new(child.id()),
            child,
        };
        let wait = async move {
            let status = running.child.wait().await.map_err(ExecError::Io)?;
            // Reaped: the group id may be reused from now on.
            running.group.disarm();
            Ok(ExitStatus::from(status.code()))
        };
        Ok(pipe_stream(stdin, stdout, stderr, wait))
    }
}

/// A running child and the guard of its process group. Fields drop in
/// order: the group is killed before the child is (and may be reaped).
struct Running {
    group: GroupGuard,
    child: Child,
}

/// Kills a child's process group when dropped, unless disarmed once the
/// child was reaped.
struct GroupGuard {
    /// The group's id (the child's pid: it leads a group of its own).
    #[cfg_attr(not(unix), allow(dead_code))]
    pgid: Option<u32>,
}

impl GroupGuard {
    fn new(pid: Option<u32>) -> Self {
        Self { pgid: pid }
    }

    fn disarm(&mut self) {
        self.pgid = None;
    }
}

impl Drop for GroupGuard {
    fn drop(&mut self) {
        #[cfg(unix)]
        if let Some(pid) = self
            .pgid
            .take()
            .and_then(|p| i32::try_from(p).ok())
            .and_then(rustix::process::Pid::from_raw)
        {
            // A group that has already gone (ESRCH) is what we wanted.
            let _ = rustix::process::kill_process_group(pid, rustix::process::Signal::KILL);
        }
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
