//! [`SimExecutor`]: the `Dokku` client's executor over a [`SimHost`].
//!
//! Real Dokku takes 0.2–1 s to start each command and networks drop; a
//! simulator that always answers instantly and perfectly would hide both.
//! So the executor can add latency (fixed or jittered, deterministic) and
//! inject faults into the next commands: a transport error, a hang, a stream
//! cut midway, or garbage output.
//!
//! A real deploy prints its output over seconds or minutes, a line at a
//! time; [`SimExecutor::with_deploy_pacing`] does the same for the deploy
//! commands ([`deploy_command`]), so a caller can watch a build arrive and
//! interrupt it midway. Tests keep the default, no pacing.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use async_trait::async_trait;
use futures_util::stream::{self, StreamExt};

use dokku_core::{Chunk, Command, ExecError, Executor, ExitStatus, Output, OutputStream};

use crate::commands::{self, logs, Follow, Outcome};
use crate::cost::{
    all_apps_report, app_blocks, deploy_command, one_app_report, paced_lines, pacing_cost, Cost,
};
use crate::host::SimHost;

/// How long each simulated invocation takes before it answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Latency {
    /// Answer at once.
    #[default]
    None,
    /// Always this long.
    Fixed(Duration),
    /// Uniformly between the two, from a deterministic sequence.
    Jitter {
        /// Shortest.
        min: Duration,
        /// Longest.
        max: Duration,
    },
    /// What a real Dokku charges: a floor per invocation, plus a cost per
    /// app for a report of every app, whose blocks a stream delivers one by
    /// one as Dokku prints them.
    Dokku(Cost),
}

/// A failure to inject into a coming command.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Fault {
    /// The connection drops before the command is sent: nothing runs.
    Refused,
    /// The connection drops after the command ran: the state changed, the
    /// caller hears only an error.
    Disconnect,
    /// The command never answers (the caller's timeout must end it).
    Hang,
    /// The output stops after this many bytes of stdout, with no exit status.
    CutStream {
        /// Bytes of stdout delivered before the cut.
        after_bytes: usize,
    },
    /// stdout is replaced by bytes no Dokku prints; exit 0.
    Garbage,
}

const HOST: &str = "dokku-sim";
const GARBAGE: &[u8] = b"\x1b[31m\xff\xfe{not dokku output\n=====>\n       :::\n";

#[derive(Debug)]
struct Inner {
    host: Arc<Mutex<SimHost>>,
    latency: Latency,
    follow_interval: Duration,
    deploy_line: Duration,
    faults: Mutex<VecDeque<Fault>>,
    jitter_state: Mutex<u64>,
}

/// An [`Executor`] that runs commands against a shared [`SimHost`].
///
/// Cheap to clone; clones share the host and the fault queue.
#[derive(Debug, Clone)]
pub struct SimExecutor {
    inner: Arc<Inner>,
}

impl SimExecutor {
    /// An executor over its own host.
    pub fn new(host: SimHost) -> Self {
        Self::shared(Arc::new(Mutex::new(host)))
    }

    /// An executor over a host shared with other executors or the test.
    pub fn shared(host: Arc<Mutex<SimHost>>) -> Self {
        Self {
            inner: Arc::new(Inner {
                host,
                latency: Latency::None,
                follow_interval: Duration::from_millis(500),
                deploy_line: Duration::ZERO,
                faults: Mutex::new(VecDeque::new()),
                jitter_state: Mutex::new(0x9e37_79b9_7f4a_7c15),
            }),
        }
    }

    fn rebuild(&self, latency: Latency, follow_interval: Duration, deploy_line: Duration) -> Self {
        Self {
            inner: Arc::new(Inner {
                host: Arc::clone(&self.inner.host),
                latency,
                follow_interval,
                deploy_line,
                faults: Mutex::new(self.lock_faults().clone()),
                jitter_state: Mutex::new(0x9e37_79b9_7f4a_7c15),
            }),
        }
    }

    /// Add this latency to every invocation.
    pub fn with_latency(self, latency: Latency) -> Self {
        self.rebuild(latency, self.inner.follow_interval, self.inner.deploy_line)
    }

    /// How often a followed log prints a new line (default 500 ms).
    pub fn with_follow_interval(self, interval: Duration) -> Self {
        self.rebuild(self.inner.latency, interval, self.inner.deploy_line)
    }

    /// Print a deploy's output a line at a time, `per_line` after each
    /// line, as Dokku does while it builds (default: zero, all at once).
    ///
    /// Applies to the deploy commands ([`deploy_command`]): a stream
    /// delivers the first line at once and each next one `per_line`
    /// later, its exit status `per_line` after the last; `run` answers
    /// after the same time. The host's state changes when the command
    /// starts, as before: dropping the stream midway leaves the deploy
    /// done on the host (the caller only stops listening).
    ///
    /// ```
    /// use std::time::Duration;
    /// use dokku_sim::{scenario, SimExecutor};
    ///
    /// let sim = SimExecutor::new(scenario::demo()).with_deploy_pacing(Duration::from_millis(50));
    /// assert_eq!(sim.deploy_pacing(), Duration::from_millis(50));
    /// ```
    pub fn with_deploy_pacing(self, per_line: Duration) -> Self {
        self.rebuild(self.inner.latency, self.inner.follow_interval, per_line)
    }

    /// The delay after each line of a deploy's output.
    pub fn deploy_pacing(&self) -> Duration {
        self.inner.deploy_line
    }

    /// The shared host state.
    pub fn host(&self) -> Arc<Mutex<SimHost>> {
        Arc::clone(&self.inner.host)
    }

    /// Read or change the host under its lock.
    pub fn with_host<T>(&self, f: impl FnOnce(&mut SimHost) -> T) -> T {
        f(&mut lock(&self.inner.host))
    }

    /// Make the next deploy of `app` fail at a phase, as Dokku prints
    /// such a failure ([`SimHost::fail_next_deploy`]). Unlike [`Fault`],
    /// which breaks the connection, this is Dokku itself failing: the
    /// command answers, with its output and exit code.
    pub fn fail_next_deploy(&self, app: &str, failure: crate::DeployFailure) {
        self.with_host(|host| host.fail_next_deploy(app, failure));
    }

    /// Make the next command fail this way.
    pub fn inject(&self, fault: Fault) {
        self.inject_n(fault, 1);
    }

    /// Make the next `n` commands fail this way.
    pub fn inject_n(&self, fault: Fault, n: usize) {
        let mut faults = self.lock_faults();
        faults.extend(std::iter::repeat_n(fault, n));
    }

    /// How many injected faults no command has met yet: a test that
    /// injected [`Fault::Hang`] knows its command reached the host (and
    /// hangs there) when this falls.
    pub fn pending_faults(&self) -> usize {
        self.lock_faults().len()
    }

    fn lock_faults(&self) -> MutexGuard<'_, VecDeque<Fault>> {
        self.inner
            .faults
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn next_fault(&self) -> Option<Fault> {
        self.lock_faults().pop_front()
    }

    async fn wait(&self) {
        let delay = match self.inner.latency {
            Latency::None => return,
            Latency::Fixed(d) => d,
            Latency::Dokku(cost) => cost.floor_cost(),
            Latency::Jitter { min, max } => {
                let mut state = self
                    .inner
                    .jitter_state
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
                // xorshift64: deterministic, good enough to spread delays.
                *state ^= *state << 13;
                *state ^= *state >> 7;
                *state ^= *state << 17;
                let span = max.saturating_sub(min).as_nanos().max(1);
                let offset = u128::from(*state) % span;
                min + Duration::from_nanos(u64::try_from(offset).unwrap_or(0))
            }
        };
        tokio::time::sleep(delay).await;
    }

    fn dispatch(&self, command: &Command) -> Outcome {
        let argv = argv_of(command);
        let stdin = command
            .stdin_bytes()
            .map(|s| s.expose().to_vec())
            .unwrap_or_default();
        commands::dispatch(&mut lock(&self.inner.host), &argv, &stdin)
    }
}

fn argv_of(command: &Command) -> Vec<String> {
    command
        .expose_argv()
        .into_iter()
        .map(str::to_owned)
        .collect()
}

fn lock(host: &Mutex<SimHost>) -> MutexGuard<'_, SimHost> {
    // A panic in another thread while it held the lock leaves the state as
    // it was; the simulator keeps serving it.
    host.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn disconnected() -> ExecError {
    ExecError::Disconnected {
        host: HOST.to_owned(),
    }
}

fn to_output(outcome: &Outcome) -> Output {
    let out = outcome.output();
    Output::new(
        ExitStatus::code(out.code),
        out.stdout.clone(),
        out.stderr.clone(),
    )
}

/// When a paced piece of stdout waits.
#[derive(Debug, Clone, Copy)]
enum Pace {
    /// Before each piece (the work that computes it comes first).
    Before(Duration),
    /// After each piece (it is printed, then the work goes on).
    After(Duration),
}

/// `pieces` of stdout one at a time under `pace`, then the stderr and the
/// exit status of `done`.
fn paced(pieces: Vec<Vec<u8>>, pace: Pace, done: &crate::Out) -> OutputStream {
    let mut tail: Vec<Result<Chunk, ExecError>> = Vec::new();
    if !done.stderr.is_empty() {
        tail.push(Ok(Chunk::Stderr(done.stderr.clone())));
    }
    tail.push(Ok(Chunk::Exit(ExitStatus::code(done.code))));
    let (before, after) = match pace {
        Pace::Before(delay) => (delay, Duration::ZERO),
        Pace::After(delay) => (Duration::ZERO, delay),
    };
    let pieces = stream::iter(pieces)
        .enumerate()
        .then(move |(index, piece)| async move {
            if !before.is_zero() {
                tokio::time::sleep(before).await;
            }
            // After a line: the wait falls before the next one (the first
            // comes at once).
            if !after.is_zero() && index > 0 {
                tokio::time::sleep(after).await;
            }
            Ok(Chunk::Stdout(piece))
        });
    // The exit status comes `after` the last line.
    let tail = stream::once(async move {
        if !after.is_zero() {
            tokio::time::sleep(after).await;
        }
        stream::iter(tail)
    })
    .flatten();
    Box::pin(pieces.chain(tail))
}

#[async_trait]
impl Executor for SimExecutor {
    /// Runs the command. A follow (`logs -t`) returns what it printed before
    /// following, as if it was stopped right away.
    async fn run(&self, command: &Command) -> Result<Output, ExecError> {
        self.wait().await;
        let fault = self.next_fault();
        if fault == Some(Fault::Refused) {
            return Err(ExecError::Connect {
                host: HOST.to_owned(),
                reason: "connection refused (injected)".to_owned(),
            });
        }
        if fault == Some(Fault::Hang) {
            futures_util::future::pending::<()>().await;
        }
        let outcome = self.dispatch(command);
        let mut output = to_output(&outcome);
        let cost = self.report_cost(&argv_of(command), &output.stdout)
            + pacing_cost(&argv_of(command), &output.stdout, self.inner.deploy_line);
        if !cost.is_zero() {
            tokio::time::sleep(cost).await;
        }
        match fault {
            Some(Fault::Disconnect | Fault::CutStream { .. }) => Err(disconnected()),
            Some(Fault::Garbage) => {
                output.stdout = GARBAGE.to_vec();
                output.status = ExitStatus::code(0);
                Ok(output)
            }
            _ => Ok(output),
        }
    }

    async fn stream(&self, command: &Command) -> Result<OutputStream, ExecError> {
        self.wait().await;
        let fault = self.next_fault();
        match fault {
            Some(Fault::Refused) => {
                return Err(ExecError::Connect {
                    host: HOST.to_owned(),
                    reason: "connection refused (injected)".to_owned(),
                })
            }
            Some(Fault::Hang) => {
                return Ok(Box::pin(stream::pending()));
            }
            _ => {}
        }
        let outcome = self.dispatch(command);
        let out = outcome.output();
        let mut stdout = out.stdout.clone();
        if fault == Some(Fault::Garbage) {
            stdout = GARBAGE.to_vec();
        }
        if let Some(Fault::CutStream { after_bytes }) = fault {
            stdout.truncate(after_bytes);
            return Ok(Box::pin(stream::iter([Ok(Chunk::Stdout(stdout))])));
        }
        if fault == Some(Fault::Disconnect) {
            return Ok(Box::pin(stream::iter([Err(disconnected())])));
        }
        let argv = argv_of(command);
        if let (Latency::Dokku(cost), Some(subcommand), Outcome::Done(done)) =
            (self.inner.latency, all_apps_report(&argv), &outcome)
        {
            // Dokku prints each app's block when it has computed it.
            let per_app = cost.app_cost(subcommand);
            return Ok(paced(app_blocks(&stdout), Pace::Before(per_app), done));
        }
        let per_line = self.inner.deploy_line;
        if let (false, true, Outcome::Done(done)) =
            (per_line.is_zero(), deploy_command(&argv), &outcome)
        {
            // Dokku prints a line, then works until the next one.
            return Ok(paced(paced_lines(&stdout), Pace::After(per_line), done));
        }
        let cost = self.report_cost(&argv, &[]);
        if !cost.is_zero() {
            tokio::time::sleep(cost).await;
        }
        let mut head = Vec::new();
        if !stdout.is_empty() {
            head.push(Ok(Chunk::Stdout(stdout)));
        }
        if !out.stderr.is_empty() {
            head.push(Ok(Chunk::Stderr(out.stderr.clone())));
        }
        match outcome {
            Outcome::Done(out) => {
                head.push(Ok(Chunk::Exit(ExitStatus::code(out.code))));
                Ok(Box::pin(stream::iter(head)))
            }
            Outcome::Follow(follow) => {
                let tail = self.follow(follow);
                Ok(Box::pin(stream::iter(head).chain(tail)))
            }
        }
    }
}

impl SimExecutor {
    // What a report costs beyond the floor, under the cost model: each app
    // block a report of every app prints, or the one app of a one-app
    // report. (A streamed report of every app pays per block as it goes.)
    fn report_cost(&self, argv: &[String], stdout: &[u8]) -> Duration {
        let Latency::Dokku(cost) = self.inner.latency else {
            return Duration::ZERO;
        };
        if let Some(subcommand) = all_apps_report(argv) {
            let blocks = u32::try_from(app_blocks(stdout).len()).unwrap_or(u32::MAX);
            cost.app_cost(subcommand) * blocks
        } else if let Some(subcommand) = one_app_report(argv) {
            cost.app_cost(subcommand)
        } else {
            Duration::ZERO
        }
    }

    // New log lines every interval, forever; dropping the stream stops it.
    fn follow(&self, follow: Follow) -> OutputStream {
        let host = Arc::clone(&self.inner.host);
        let interval = self.inner.follow_interval;
        let state = (host, follow, 0u64);
        Box::pin(stream::unfold(
            state,
            move |(host, follow, tick)| async move {
                tokio::time::sleep(interval).await;
                let lines = logs::follow_lines(&lock(&host), &follow, tick);
                let mut bytes = Vec::new();
                for line in lines {
                    bytes.extend_from_slice(line.as_bytes());
                    bytes.push(b'\n');
                }
                Some((Ok(Chunk::Stdout(bytes)), (host, follow, tick + 1)))
            },
        ))
    }
}
