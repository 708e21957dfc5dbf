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
//! interrupt it midway; while it prints, its build record is `running` and
//! `builds:cancel` ends it as Dokku's does. Tests keep the default, no
//! pacing.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use async_trait::async_trait;
use futures_util::stream::{self, StreamExt};

use dokku_core::{Chunk, Command, ExecError, Executor, ExitStatus, Output, OutputStream};

use crate::commands::builds::{self, Held};
use crate::commands::{self, Follow, Outcome};
use crate::cost::{
    all_apps_report, app_blocks, deploy_command, one_app_report, paced_lines, pacing_cost, Cost,
};
use crate::host::SimHost;
use crate::state::StateDir;

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
    /// Where a follow re-reads the host from at each interval, when the
    /// host lives in a state directory other programs change.
    reload: Option<StateDir>,
    /// A test's hand on deploys and on reports of every app: each line
    /// (or app block) after the first, and the exit, waits for a permit
    /// ([`SimExecutor::gate_deploys`], [`SimExecutor::gate_reports`]).
    /// Shared by every clone and rebuild.
    gates: Arc<Mutex<Gates>>,
    /// The deploys this host is printing over time.
    printing: Printing,
}

/// The deploys a host is printing over time, by app, each with the switch
/// `builds:cancel` throws (Dokku signals the build's process group; one
/// build per app runs at a time, under Dokku's deploy lock).
#[derive(Debug, Clone, Default)]
pub(crate) struct Printing(Arc<Mutex<HashMap<String, Switch>>>);

/// A printing deploy's id and its cancel switch.
type Switch = (u64, tokio::sync::watch::Sender<bool>);

impl Printing {
    fn lock(&self) -> MutexGuard<'_, HashMap<String, Switch>> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Register `apps` as printing; the receiver learns of a cancel.
    fn start(&self, apps: &[String]) -> (u64, tokio::sync::watch::Receiver<bool>) {
        static NEXT: AtomicU64 = AtomicU64::new(1);
        let id = NEXT.fetch_add(1, Ordering::Relaxed);
        let (tx, rx) = tokio::sync::watch::channel(false);
        let mut map = self.lock();
        for app in apps {
            map.insert(app.clone(), (id, tx.clone()));
        }
        (id, rx)
    }

    fn is_printing(&self, app: &str) -> bool {
        self.lock().contains_key(app)
    }

    /// Throw `app`'s switch.
    fn cancel(&self, app: &str) {
        if let Some((_, tx)) = self.lock().get(app) {
            tx.send_replace(true);
        }
    }

    fn stop(&self, id: u64, apps: &[String]) {
        let mut map = self.lock();
        for app in apps {
            if map.get(app).is_some_and(|(held, _)| *held == id) {
                map.remove(app);
            }
        }
    }
}

/// A paced deploy's hold on its build records: released as the command
/// ended when its output is done, left `running` (shown `abandoned`) when
/// the reader goes away first, `canceled` by `builds:cancel`.
struct Printer {
    id: u64,
    apps: Vec<String>,
    held: Vec<Held>,
    printing: Printing,
    cancelled: tokio::sync::watch::Receiver<bool>,
    host: Arc<Mutex<SimHost>>,
    reload: Option<StateDir>,
    /// How often a printer on a state directory looks whether another
    /// program cancelled its builds.
    check_every: Duration,
}

impl Printer {
    /// The output is done: the records end as the command ended.
    async fn release(&self) -> Result<(), ExecError> {
        let held = self.held.clone();
        self.update(move |host| builds::release(host, &held)).await
    }

    /// `printed` of `total` pieces are out: the records' logs show as much.
    async fn reveal(&self, printed: usize, total: usize) -> Result<(), ExecError> {
        let held = self.held.clone();
        self.update(move |host| builds::reveal(host, &held, printed, total))
            .await
    }

    async fn update(&self, f: impl FnOnce(&mut SimHost) + Send + 'static) -> Result<(), ExecError> {
        match &self.reload {
            Some(dir) => {
                let dir = dir.clone();
                crate::state::blocking(move || dir.update(f)).await
            }
            None => {
                f(&mut lock(&self.host));
                Ok(())
            }
        }
    }
}

impl Drop for Printer {
    fn drop(&mut self) {
        self.printing.stop(self.id, &self.apps);
    }
}

/// Output printed only when the test says so
/// ([`SimExecutor::gate_deploys`], [`SimExecutor::gate_reports`]): each
/// piece after the first (a deploy's line, a report's app block), and the
/// exit status, takes one step. Nothing waits on a clock.
#[derive(Debug, Clone)]
pub struct Gate(Arc<tokio::sync::Semaphore>);

/// The gates a test has set, by the output they hold.
#[derive(Debug, Default)]
struct Gates {
    deploys: Option<Gate>,
    reports: Option<Gate>,
}

impl Gate {
    fn new() -> Self {
        Self(Arc::new(tokio::sync::Semaphore::new(0)))
    }

    /// Let `steps` more pieces (lines, app blocks, or the exit) through.
    pub fn step(&self, steps: usize) {
        self.0.add_permits(steps);
    }

    /// Let everything through from now on.
    pub fn open(&self) {
        self.0.add_permits(tokio::sync::Semaphore::MAX_PERMITS / 2);
    }

    async fn pass(&self) {
        if let Ok(permit) = self.0.acquire().await {
            permit.forget();
        }
    }
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
                reload: None,
                gates: Arc::default(),
                printing: Printing::default(),
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
                reload: self.inner.reload.clone(),
                gates: Arc::clone(&self.inner.gates),
                printing: self.inner.printing.clone(),
            }),
        }
    }

    fn lock_gates(&self) -> MutexGuard<'_, Gates> {
        self.inner
            .gates
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// From now on, every clone's deploys print their first line, then
    /// wait for the returned gate for each next line and for the exit:
    /// a test watches a deploy's output arrive line by line.
    pub fn gate_deploys(&self) -> Gate {
        let gate = Gate::new();
        self.lock_gates().deploys = Some(gate.clone());
        gate
    }

    /// From now on, every clone's streamed reports of every app
    /// (`ps:report`, `domains:report`… without an app) print their first
    /// app's block, then wait for the returned gate for each next block
    /// and for the exit: a test holds a host's reports for as long as it
    /// needs, as on a host slower than any clock it could pick.
    pub fn gate_reports(&self) -> Gate {
        let gate = Gate::new();
        self.lock_gates().reports = Some(gate.clone());
        gate
    }

    /// Follows (`logs -t`, `events -t`) re-read the host from `state` at
    /// each interval, so they see what other runs change there.
    pub(crate) fn reloading_from(self, state: StateDir) -> Self {
        self.rebuilt_with(|inner| inner.reload = Some(state))
    }

    /// Deploys are printed under `printing`, which outlives this executor
    /// (a [`PersistentExecutor`](crate::PersistentExecutor) makes one per
    /// command).
    pub(crate) fn printing_in(self, printing: Printing) -> Self {
        self.rebuilt_with(|inner| inner.printing = printing)
    }

    // A rebuild (same settings, a fresh fault queue) with one part changed.
    fn rebuilt_with(&self, change: impl FnOnce(&mut Inner)) -> Self {
        let mut rebuilt = self.rebuild(
            self.inner.latency,
            self.inner.follow_interval,
            self.inner.deploy_line,
        );
        if let Some(inner) = Arc::get_mut(&mut rebuilt.inner) {
            change(inner);
        }
        rebuilt
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
    /// starts; the deploy's build record stays `running` while a stream
    /// prints it, and `builds:cancel` of the app ends that stream with no
    /// exit code (a killed process), the record `canceled` and the app as
    /// the deploy found it. Dropping
    /// the stream midway leaves the record `running` (Dokku shows such a
    /// build `abandoned`).
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
        self.dispatch_holding(command, false).0
    }

    /// Runs `command` on the host; `hold`: its new build records stay
    /// `running` while a stream prints it. `builds:cancel` of an app whose
    /// deploy is printing ends that deploy (`CommandCancel`).
    fn dispatch_holding(&self, command: &Command, hold: bool) -> (Outcome, Vec<Held>) {
        let argv = argv_of(command);
        let stdin = command
            .stdin_bytes()
            .map(|s| s.expose().to_vec())
            .unwrap_or_default();
        let mut host = lock(&self.inner.host);
        let own = self.own_pid();
        let printing = &self.inner.printing;
        let shared = self.inner.reload.is_some();
        // A build runs while this executor prints it; on a state directory,
        // also while the program printing it (another CLI) runs.
        let alive = |app: &str, pid: u64| match pid == own {
            true => printing.is_printing(app),
            false => shared && builds::pid_alive(pid),
        };
        if let [subcommand, app, ..] = argv.as_slice() {
            // Dokku kills the build's process group; a build another
            // program prints ends when that program next looks
            // ([`cancelled_elsewhere`]).
            if subcommand == "builds:cancel" {
                if let Some(pid) = builds::cancel_running(&mut host, app, |pid| alive(app, pid)) {
                    if pid == own {
                        printing.cancel(app);
                    }
                    let out = crate::Out {
                        stdout: builds::KILLING.as_bytes().to_vec(),
                        ..crate::Out::default()
                    };
                    return (Outcome::Done(out), Vec::new());
                }
            }
        }
        if argv.first().is_some_and(|s| s.starts_with("builds:")) {
            builds::note_live(&mut host, alive);
        }
        let before = hold.then(|| host.apps.clone());
        let outcome = commands::dispatch(&mut host, &argv, &stdin);
        // Noted for this command only: the next asks again.
        host.live_builds.clear();
        let held = before.map_or_else(Vec::new, |before| {
            builds::hold_new(&mut host, &before, Some(own))
        });
        (outcome, held)
    }

    /// The pid this executor's builds are recorded under: this program's
    /// on a state directory (other programs share it and check whether
    /// the build's program lives, as Dokku checks the build's process);
    /// 0, which no process has, in memory.
    fn own_pid(&self) -> u64 {
        match self.inner.reload {
            Some(_) => u64::from(std::process::id()),
            None => 0,
        }
    }

    /// Hold `held` for a stream that prints them.
    fn printer(&self, held: Vec<Held>) -> Printer {
        let apps = builds::held_apps(&held);
        let printing = self.inner.printing.clone();
        let (id, cancelled) = printing.start(&apps);
        Printer {
            id,
            apps,
            held,
            printing,
            cancelled,
            host: Arc::clone(&self.inner.host),
            reload: self.inner.reload.clone(),
            check_every: self.inner.follow_interval,
        }
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
#[derive(Debug, Clone)]
enum Pace {
    /// Before each piece (the work that computes it comes first).
    Before(Duration),
    /// After each piece (it is printed, then the work goes on).
    After(Duration),
    /// After each piece, until the test's gate lets the next through.
    Gate(Gate),
}

/// `pieces` of stdout one at a time under `pace`, then the stderr and the
/// exit status of `done`. A deploy's `printer` is released when the exit
/// comes; thrown by `builds:cancel`, the stream ends at once, with no exit
/// code (Dokku kills the build's processes).
fn paced(
    pieces: Vec<Vec<u8>>,
    pace: Pace,
    done: &crate::Out,
    printer: Option<Printer>,
) -> OutputStream {
    let mut tail: VecDeque<Chunk> = VecDeque::new();
    if !done.stderr.is_empty() {
        tail.push_back(Chunk::Stderr(done.stderr.clone()));
    }
    tail.push_back(Chunk::Exit(ExitStatus::code(done.code)));
    let state = Paced {
        pieces: pieces.into(),
        printed: 0,
        ending: false,
        tail,
        pace,
        printer,
    };
    Box::pin(stream::unfold(Some(state), |state| async move {
        let mut paced = state?;
        let chunk = paced.next().await;
        let over = matches!(chunk, Ok(Chunk::Exit(_)) | Err(_));
        Some((chunk, (!over).then_some(paced)))
    }))
}

/// Ends once another program's `builds:cancel` ended one of the builds
/// `held` (app and id), looked for in the state directory `dir` every
/// `every`; never without one, where only this executor cancels.
async fn cancelled_elsewhere(dir: Option<StateDir>, held: Vec<(String, String)>, every: Duration) {
    let Some(dir) = dir else {
        return std::future::pending().await;
    };
    let held = Arc::new(held);
    loop {
        tokio::time::sleep(every).await;
        let (dir, held) = (dir.clone(), Arc::clone(&held));
        let cancelled =
            crate::state::blocking(move || dir.load().map(|host| builds::cancelled(&host, &held)))
                .await;
        if cancelled.unwrap_or(false) {
            return;
        }
    }
}

/// How a deploy `builds:cancel` ended ends: no exit code, as a killed
/// process (the canceller already marked its record and put the app back).
const KILLED: Result<Chunk, ExecError> = Ok(Chunk::Exit(ExitStatus::unknown()));

/// Where a [`paced`] stream is.
struct Paced {
    pieces: VecDeque<Vec<u8>>,
    printed: usize,
    /// The lines are out; the tail's wait is over.
    ending: bool,
    tail: VecDeque<Chunk>,
    pace: Pace,
    printer: Option<Printer>,
}

impl Paced {
    /// The next chunk, after its wait: no exit code when the deploy was
    /// cancelled during the wait.
    async fn next(&mut self) -> Result<Chunk, ExecError> {
        if let Some(piece) = self.pieces.pop_front() {
            if let Pace::Before(delay) = self.pace {
                if self.cancelled_during_sleep(delay).await {
                    return KILLED;
                }
            }
            // After a line: the wait falls before the next one (the
            // first comes at once).
            if self.printed > 0 && self.cancelled_after_line().await {
                return KILLED;
            }
            self.printed += 1;
            if let Some(printer) = &self.printer {
                printer
                    .reveal(self.printed, self.printed + self.pieces.len())
                    .await?;
            }
            return Ok(Chunk::Stdout(piece));
        }
        if !self.ending {
            // The exit status (and the stderr before it) comes after the
            // last line's wait.
            if self.cancelled_after_line().await {
                return KILLED;
            }
            self.ending = true;
        }
        let chunk = self
            .tail
            .pop_front()
            .unwrap_or(Chunk::Exit(ExitStatus::unknown()));
        if let (Chunk::Exit(_), Some(printer)) = (&chunk, &self.printer) {
            printer.release().await?;
        }
        Ok(chunk)
    }

    async fn cancelled_after_line(&mut self) -> bool {
        match self.pace.clone() {
            Pace::Before(_) => false,
            Pace::After(delay) => self.cancelled_during_sleep(delay).await,
            Pace::Gate(gate) => self.cancelled_during(gate.pass()).await,
        }
    }

    async fn cancelled_during_sleep(&mut self, delay: Duration) -> bool {
        !delay.is_zero() && self.cancelled_during(tokio::time::sleep(delay)).await
    }

    /// Whether `builds:cancel` ended the deploy before `step` was done.
    async fn cancelled_during(&mut self, step: impl std::future::Future<Output = ()>) -> bool {
        let Some(printer) = &mut self.printer else {
            step.await;
            return false;
        };
        let held = builds::held_ids(&printer.held);
        let elsewhere = cancelled_elsewhere(printer.reload.clone(), held, printer.check_every);
        tokio::select! {
            () = step => false,
            Ok(_) = printer.cancelled.wait_for(|cancelled| *cancelled) => true,
            () = elsewhere => true,
        }
    }
}

#[async_trait]
impl Executor for SimExecutor {
    /// Runs the command. A follow (`logs -t`) returns what it printed before
    /// following, as if it was stopped right away.
    async fn run(&self, command: &Command) -> Result<Output, ExecError> {
        // The simulator takes a command's whole input at once.
        let command = &*command.buffered().await?;
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
        let command = &*command.buffered().await?;
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
        let argv = argv_of(command);
        // A deploy printed over time: paced, or stepped by a test's gate.
        let (deploy_gate, report_gate) = {
            let gates = self.lock_gates();
            (gates.deploys.clone(), gates.reports.clone())
        };
        let per_line = self.inner.deploy_line;
        let pace = match deploy_gate {
            Some(gate) => Some(Pace::Gate(gate)),
            None => (!per_line.is_zero()).then_some(Pace::After(per_line)),
        };
        let pace = pace.filter(|_| fault.is_none() && deploy_command(&argv));
        let (outcome, held) = self.dispatch_holding(command, pace.is_some());
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
        if let (Some(subcommand), Outcome::Done(done)) = (all_apps_report(&argv), &outcome) {
            // Dokku prints each app's block when it has computed it.
            let pace = match (report_gate, self.inner.latency) {
                (Some(gate), _) => Some(Pace::Gate(gate)),
                (None, Latency::Dokku(cost)) => Some(Pace::Before(cost.app_cost(subcommand))),
                (None, _) => None,
            };
            if let Some(pace) = pace {
                return Ok(paced(app_blocks(&stdout), pace, done, None));
            }
        }
        if let (Some(pace), Outcome::Done(done)) = (pace, &outcome) {
            // Dokku prints a line, then works until the next one.
            let printer = (!held.is_empty()).then(|| self.printer(held));
            return Ok(paced(paced_lines(&stdout), pace, done, printer));
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
        let reload = self.inner.reload.clone();
        let state = (host, follow, 0u64);
        Box::pin(stream::unfold(state, move |(host, mut follow, tick)| {
            let reload = reload.clone();
            async move {
                tokio::time::sleep(interval).await;
                if let Some(dir) = reload {
                    match crate::state::blocking(move || dir.load()).await {
                        Ok(fresh) => *lock(&host) = fresh,
                        Err(e) => return Some((Err(e), (host, follow, tick))),
                    }
                }
                let lines = commands::follow_lines(&lock(&host), &mut follow, tick);
                let mut bytes = Vec::new();
                for line in lines {
                    bytes.extend_from_slice(line.as_bytes());
                    bytes.push(b'\n');
                }
                Some((Ok(Chunk::Stdout(bytes)), (host, follow, tick + 1)))
            }
        }))
    }
}
