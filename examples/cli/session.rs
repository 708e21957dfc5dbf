//! A session: the audited client, connected on first use (so a refusal
//! before it sends nothing and opens nothing), the history it writes to,
//! and the interactions every family shares: streaming a long command's
//! output live, asking before destroying something, reading a secret, the
//! host's clock, and printing a dry run.

use std::collections::BTreeMap;
use std::io::{self, BufRead, IsTerminal, Read, Write};
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use dokku::api::lines::LineStream;
use dokku::api::report::{report_command, ReportTarget};
use dokku::api::{Format, Target as AppTarget};
use dokku::catalog::plugins;
use dokku::model::apps::AppReport;
use dokku::model::overview::AppStatus;
use dokku::model::plugin::PluginInfo;
use dokku::model::ps::PsReport;
use dokku::{
    AppName, Capabilities, Chunk, Command, Dokku, DokkuVersion, ExecError, Executor, Output,
    SecretString,
};
use dokku_history::{Audited, HistoryStore, Source};
use futures_util::{Stream, StreamExt};
use serde::{Deserialize, Serialize};
use tokio::sync::OnceCell;

use crate::common::{self, Target, TargetArgs};
use crate::error::CliError;
use crate::family::Opts;
use crate::output::{self, Spinner, BOLD, RED, YELLOW};

pub struct Session {
    target: TargetArgs,
    pub opts: Opts,
    conn: OnceCell<Conn>,
    /// Becomes true at the first Ctrl-C. A flag rather than a fresh
    /// `ctrl_c()` per wait: a signal that lands between two waits is not
    /// lost, and every waiter (a stream's loop, the command around it)
    /// sees the same one.
    interrupted: tokio::sync::watch::Receiver<bool>,
    /// Whether the client started from cached capabilities.
    caps_from_cache: AtomicBool,
    /// The apps this run's mutating commands were about.
    changed: Changed,
}

/// The apps mutating commands were sent about, whatever came of them.
type Changed = Arc<std::sync::Mutex<std::collections::BTreeSet<AppName>>>;

/// The executor under the audit layer, noting which apps are changed.
#[derive(Debug)]
struct Marking {
    inner: Arc<dyn Executor>,
    changed: Changed,
}

impl Marking {
    fn note(&self, command: &Command) {
        if let Some(app) = command.app().filter(|_| command.is_mutating()) {
            self.changed
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .insert(app.clone());
        }
    }
}

type Boxed<'c, T> = std::pin::Pin<Box<dyn std::future::Future<Output = T> + Send + 'c>>;

// `Executor` is an async_trait; this is its desugared form.
impl Executor for Marking {
    fn run<'a, 'b, 'c>(&'a self, command: &'b Command) -> Boxed<'c, Result<Output, ExecError>>
    where
        'a: 'c,
        'b: 'c,
        Self: 'c,
    {
        self.note(command);
        self.inner.run(command)
    }

    fn stream<'a, 'b, 'c>(
        &'a self,
        command: &'b Command,
    ) -> Boxed<'c, Result<dokku::OutputStream, ExecError>>
    where
        'a: 'c,
        'b: 'c,
        Self: 'c,
    {
        self.note(command);
        self.inner.stream(command)
    }

    fn git_transport<'a, 'c>(&'a self) -> Boxed<'c, Result<dokku::exec::GitTransport, ExecError>>
    where
        'a: 'c,
        Self: 'c,
    {
        self.inner.git_transport()
    }

    fn observe<'a, 'b, 'd, 'c>(
        &'a self,
        command: &'b Command,
        start: dokku::exec::Start<'d>,
    ) -> Boxed<'c, Result<dokku::OutputStream, ExecError>>
    where
        'a: 'c,
        'b: 'c,
        'd: 'c,
        Self: 'c,
    {
        self.note(command);
        self.inner.observe(command, start)
    }
}

/// The connection: the audited client and what it caches.
struct Conn {
    dokku: Dokku,
    /// The audit layer under `dokku`, to wait for cancelled commands'
    /// records before exiting.
    audited: Audited<Arc<dyn Executor>>,
    caps: CapsCache,
}

/// How long a host's probed capabilities (Dokku version, plugins) are
/// reused by later runs: probing costs two Dokku start-ups per run.
const CAPS_TTL_MS: i64 = 10 * 60 * 1000;

/// The hosts' capabilities, kept beside the history database.
struct CapsCache {
    path: PathBuf,
    key: String,
}

#[derive(Serialize, Deserialize)]
struct CachedCaps {
    version: DokkuVersion,
    plugins: Vec<PluginInfo>,
    probed_at_ms: i64,
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

impl CapsCache {
    fn for_target(history: &Path, target: &Target) -> Self {
        let key = match target {
            Target::Demo { state, .. } => format!("demo:{}", state.display()),
            Target::Local { program } => format!("local:{program}"),
            ssh => format!("ssh:{}", ssh.ssh_target()),
        };
        CapsCache {
            path: history.with_file_name("capabilities.json"),
            key,
        }
    }

    fn read_all(&self) -> BTreeMap<String, CachedCaps> {
        std::fs::read(&self.path)
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .unwrap_or_default()
    }

    fn load(&self) -> Option<Capabilities> {
        let entry = self.read_all().remove(&self.key)?;
        let age = now_ms() - entry.probed_at_ms;
        (0..CAPS_TTL_MS).contains(&age).then_some(Capabilities {
            version: entry.version,
            plugins: entry.plugins,
        })
    }

    // A lost race or a failed write only costs the next run a probe.
    fn store(&self, caps: Option<&Capabilities>) {
        let mut all = self.read_all();
        match caps {
            Some(caps) => all.insert(
                self.key.clone(),
                CachedCaps {
                    version: caps.version,
                    plugins: caps.plugins.clone(),
                    probed_at_ms: now_ms(),
                },
            ),
            None => all.remove(&self.key),
        };
        let tmp = self.path.with_extension("json.tmp");
        if let Ok(bytes) = serde_json::to_vec(&all) {
            if std::fs::write(&tmp, bytes).is_ok() {
                let _ = std::fs::rename(&tmp, &self.path);
            }
        }
    }
}

/// The host's notion of now.
#[derive(Debug, Clone, Copy)]
pub struct HostClock {
    pub now: SystemTime,
}

impl HostClock {
    /// Seconds from the host's now until `then`.
    pub fn until(&self, then: SystemTime) -> i64 {
        output::seconds_between(then, self.now)
    }
}

impl Session {
    /// A session for the target the flags name; nothing connects yet.
    /// Must be created inside the runtime (it listens for Ctrl-C).
    pub fn new(target: TargetArgs, opts: Opts) -> Self {
        let (tx, interrupted) = tokio::sync::watch::channel(false);
        tokio::spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                let _ = tx.send(true);
            }
        });
        Session {
            target,
            opts,
            conn: OnceCell::new(),
            interrupted,
            caps_from_cache: AtomicBool::new(false),
            changed: Changed::default(),
        }
    }

    /// This host's snapshot file, shared with the dashboard (none when
    /// there is nowhere to keep it).
    pub fn snapshot_file(&self) -> Result<Option<PathBuf>, CliError> {
        let target = self.target.target()?;
        Ok(self
            .target
            .history_file()
            .ok()
            .and_then(|history| common::snapshot::file_for(&history, &target)))
    }

    /// Mark the apps this run changed in the host's snapshot, if there is
    /// one: whoever reads it next (`apps list`, the dashboard's next start)
    /// reads them again first. A failure only costs freshness.
    pub fn mark_changed(&self) {
        let changed = std::mem::take(
            &mut *self
                .changed
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner),
        );
        if changed.is_empty() {
            return;
        }
        let Ok(Some(file)) = self.snapshot_file() else {
            return;
        };
        if !file.exists() {
            return;
        }
        let store = common::snapshot::Store::new(
            common::Clock::system(),
            common::snapshot::Settings::default(),
            Some(file),
        );
        for app in &changed {
            store.mark_dirty(app);
        }
        store.save();
    }

    /// The history the flags name: a file, or `--history postgres://…`
    /// (nothing is connected to the host).
    pub async fn store(&self) -> Result<HistoryStore, CliError> {
        Ok(common::open_history_for(&self.target).await?)
    }

    /// The local history file (`--history-db`), whichever history records.
    pub fn history_file(&self) -> Result<PathBuf, CliError> {
        Ok(self.target.history_file()?)
    }

    /// The client, connected on first use: the target's executor wrapped
    /// so every command is recorded (actor: the local user, source: cli,
    /// host: the target), starting from cached capabilities when fresh.
    pub async fn dokku(&self) -> Result<&Dokku, CliError> {
        let conn = self
            .conn
            .get_or_try_init(|| async {
                let target = self.target.target()?;
                let history = self.target.history_file()?;
                let store = common::open_history_for(&self.target).await?;
                let executor: Arc<dyn Executor> = Arc::new(Marking {
                    inner: common::connect(&target).await?,
                    changed: Arc::clone(&self.changed),
                });
                let mut audited = Audited::new(executor, store)
                    .actor(common::local_user())
                    .source(Source::Cli)
                    .host(target.host_label());
                if let Target::Ssh {
                    registered: Some(_),
                    ..
                } = &target
                {
                    // A registry name in the trail says where it was too,
                    // as the fleet's rows do.
                    audited = audited.target(target.ssh_target());
                }
                let caps = CapsCache::for_target(&history, &target);
                let dokku = match caps.load() {
                    Some(known) => {
                        self.caps_from_cache.store(true, Ordering::Relaxed);
                        Dokku::new(audited.clone()).with_capabilities(known)
                    }
                    None => Dokku::new(audited.clone()),
                };
                Ok::<_, CliError>(Conn {
                    dokku,
                    audited,
                    caps,
                })
            })
            .await?;
        Ok(&conn.dokku)
    }

    /// The name the history records this host under.
    pub fn host_label(&self) -> Result<String, CliError> {
        Ok(self.target.target()?.host_label())
    }

    /// A client over the same connection whose commands the history
    /// records under `correlation` (a rollback's `rollback:<id>`).
    pub async fn correlated(&self, correlation: &str) -> Result<Dokku, CliError> {
        let dokku = self.dokku().await?;
        let Some(conn) = self.conn.get() else {
            return Ok(dokku.clone());
        };
        let client = Dokku::new(conn.audited.clone().correlation(correlation));
        Ok(match dokku.cached_capabilities().await {
            Some(caps) => client.with_capabilities((*caps).clone()),
            None => client,
        })
    }

    /// Run a command through the client (its requirements checked first).
    pub async fn run(&self, command: &Command) -> Result<Output, CliError> {
        Ok(self.dokku().await?.run(command).await?)
    }

    /// Refuse a command the host cannot run, before reading its input (a
    /// dump on stdin can be read only once).
    pub async fn check_runnable(&self, command: &Command) -> Result<(), CliError> {
        let caps = self.dokku().await?.capabilities().await?;
        match command.requirements().iter().find(|r| !caps.meets(r)) {
            Some(missing) => Err(CliError::Dokku(dokku::Error::Unsupported {
                command: command.to_string(),
                needs: missing.clone(),
                version: caps.version,
            })),
            None => Ok(()),
        }
    }

    /// Whether a refusal for lack of a plugin or version may come from
    /// stale cached capabilities (then [`Session::forget_capabilities`]
    /// and try again: nothing was sent).
    pub fn may_be_stale(&self, error: &CliError) -> bool {
        self.caps_from_cache.load(Ordering::Relaxed)
            && matches!(error, CliError::Dokku(dokku::Error::Unsupported { .. }))
    }

    /// Probe the host afresh on the next call.
    pub async fn forget_capabilities(&self) {
        if let Some(conn) = self.conn.get() {
            conn.caps.store(None);
            conn.dokku.refresh_capabilities().await;
        }
        self.caps_from_cache.store(false, Ordering::Relaxed);
    }

    /// Keep what this run probed for the next runs.
    pub async fn save_capabilities(&self) {
        let Some(conn) = self.conn.get() else {
            return;
        };
        if self.caps_from_cache.load(Ordering::Relaxed) {
            return;
        }
        if let Some(caps) = conn.dokku.cached_capabilities().await {
            conn.caps.store(Some(&caps));
        }
    }

    /// The host's now: `letsencrypt:list` says how long each certificate
    /// has left as the host computes it, so its clock is known even when
    /// it differs from this machine's (the simulated demo host lives in
    /// 2025). Without the plugin or a listed certificate, this machine's
    /// clock.
    pub async fn host_clock(&self) -> Result<HostClock, CliError> {
        Ok(host_clock(self.dokku().await?).await?)
    }

    /// The target flags (the fleet commands read the registry and
    /// `--demo` from them).
    pub fn target_args(&self) -> &TargetArgs {
        &self.target
    }

    /// One app's state by the library's rule (`AppStatus::of`), from its
    /// app and process reports, read at once.
    pub async fn app_state(
        &self,
        app: &AppName,
    ) -> Result<(AppReport, PsReport, AppStatus), CliError> {
        let dokku = self.dokku().await?;
        let (report, ps) = tokio::join!(dokku.apps().report(app), dokku.ps().report(app));
        let (report, ps) = (report?, ps?);
        let status = AppStatus::of(&report, Some(&ps));
        Ok((report, ps, status))
    }

    /// Run `fut` until it ends or Ctrl-C. On Ctrl-C whatever runs is
    /// dropped; the audit layer records it as cancelled (it may have taken
    /// effect on the host) and the record is written before exit 130.
    /// Streams handle Ctrl-C themselves first, to clear their spinner.
    pub async fn interruptible(
        &self,
        fut: impl std::future::Future<Output = Result<(), CliError>>,
    ) -> Result<(), CliError> {
        tokio::select! {
            biased;
            result = fut => result,
            _ = self.interrupted() => {
                self.settle().await;
                Err(CliError::Interrupted)
            }
        }
    }

    /// Resolves once Ctrl-C has been pressed (at once if it already was).
    pub async fn interrupted(&self) {
        let mut rx = self.interrupted.clone();
        if rx.wait_for(|pressed| *pressed).await.is_err() {
            // No signal handler could be installed: never interrupted.
            std::future::pending::<()>().await;
        }
    }

    /// A command dropped on Ctrl-C is recorded as cancelled by a task the
    /// audit layer spawns; wait for it before the process exits.
    pub async fn settle(&self) {
        if let Some(conn) = self.conn.get() {
            conn.audited.settle().await;
        }
    }

    /// Run a long change with its output live under a spinner (`doing
    /// what`), then report it (`done what`).
    pub async fn streamed(
        &self,
        command: &Command,
        doing: &str,
        done: &str,
        what: &str,
    ) -> Result<(), CliError> {
        let lines = self
            .stream(command, &format!("{doing} {what}"), &mut str::to_owned)
            .await?;
        output::finish(self.opts.json, done, what, command, &lines)
    }

    /// Run a long command, showing its output live under a spinner (in
    /// JSON mode, collecting it instead). `mask` rewrites each stdout line
    /// before it is shown or returned (config values); where a program
    /// reads, a line it would change is left out instead ([`Withheld`]),
    /// and a read that left any out fails. Ctrl-C stops it.
    ///
    /// [`Withheld`]: output::Withheld
    pub async fn stream(
        &self,
        command: &Command,
        label: &str,
        mask: &mut dyn FnMut(&str) -> String,
    ) -> Result<Vec<String>, CliError> {
        self.stream_with_stderr(command, label, mask)
            .await
            .map(|(lines, _)| lines)
    }

    /// [`Session::stream`], with what Dokku said on stderr beside (for a
    /// warning it gives with exit 0). The stderr is for reading, never for
    /// showing: it is not masked.
    pub async fn stream_with_stderr(
        &self,
        command: &Command,
        label: &str,
        mask: &mut dyn FnMut(&str) -> String,
    ) -> Result<(Vec<String>, String), CliError> {
        let dokku = self.dokku().await?;
        let bar = output::spinner(label.to_owned());
        let stream = dokku.stream(command).await.inspect_err(|_| {
            bar.finish_and_clear();
        })?;
        let mut lines = Vec::new();
        let mut partial = Vec::new();
        let mut stderr = Vec::new();
        let mut stderr_partial = Vec::new();
        let json = self.opts.json;
        // A command whose output may hold credentials (a DSN, a URL with a
        // password) shows them masked unless --reveal; a line that would be
        // masked is left out of a pipe.
        let mask_urls = command.output_is_secret() && !self.opts.reveal;
        let mut live = Live::new(command.is_mutating());
        let mut withheld = output::Withheld::new();
        let mut show = |line: &str, lines: &mut Vec<String>| -> io::Result<()> {
            let masked = mask(line);
            let masked = if mask_urls {
                dokku::secret::mask_userinfo(&masked).into_owned()
            } else {
                masked
            };
            let Some(line) = withheld.keep(line, masked) else {
                return Ok(());
            };
            if !json {
                live.show(|| bar.suspend(|| print_dokku_line(&line)))?;
            }
            lines.push(line);
            Ok(())
        };
        let status = self
            .drive(stream, &bar, |chunk| {
                match chunk {
                    Ok(Chunk::Stdout(bytes)) => {
                        partial.extend_from_slice(&bytes);
                        while let Some(end) = partial.iter().position(|&b| b == b'\n') {
                            let line: Vec<u8> = partial.drain(..=end).collect();
                            show(String::from_utf8_lossy(&line[..end]).trim_end(), &mut lines)?;
                        }
                    }
                    Ok(Chunk::Stderr(bytes)) => {
                        stderr_partial.extend_from_slice(&bytes);
                        // Whole lines only: a godotenv error must be seen
                        // whole to be cut before the values it quotes.
                        if let Some(end) = stderr_partial.iter().rposition(|&b| b == b'\n') {
                            let lines: Vec<u8> = stderr_partial.drain(..=end).collect();
                            if !json {
                                bar.suspend(|| show_stderr(&lines, mask_urls))?;
                            }
                        }
                        stderr.extend_from_slice(&bytes);
                    }
                    Ok(Chunk::Exit(status)) => return Ok(ControlFlow::Break(status)),
                    Err(source) => return Err(transport(command, source)),
                }
                Ok(ControlFlow::Continue(()))
            })
            .await?
            .ok_or_else(|| transport(command, ExecError::Truncated))?;
        if !partial.is_empty() {
            show(String::from_utf8_lossy(&partial).trim_end(), &mut lines)?;
        }
        if !stderr_partial.is_empty() && !json {
            show_stderr(&stderr_partial, mask_urls)?;
        }
        let output = Output::new(status, Vec::new(), stderr);
        let output = dokku::parse::expect_success(command, output)?;
        if withheld.count() > 0 && !command.is_mutating() {
            return Err(output::masked_for_program(
                "output holding hidden values",
                "pass --reveal to write it",
            ));
        }
        withheld.note();
        Ok((lines, output.stderr_lossy().into_owned()))
    }

    /// Raw output (a followed log, a dump) copied to `out` as it arrives,
    /// under a spinner, until the command ends or Ctrl-C; the bytes
    /// copied. `whole`: the output must end with an exit status (a dump
    /// cut off is an error; a followed log may just end).
    pub async fn copy_to(
        &self,
        command: &Command,
        label: &str,
        out: &mut dyn Write,
        whole: bool,
    ) -> Result<u64, CliError> {
        let mut written = 0u64;
        let mut stderr = Vec::new();
        let stream = self.dokku().await?.stream(command).await?;
        let bar = output::spinner(label.to_owned());
        let status = self
            .drive(stream, &bar, |chunk| {
                match chunk {
                    Ok(Chunk::Stdout(bytes)) => {
                        bar.suspend(|| out.write_all(&bytes).and_then(|()| out.flush()))?;
                        written += bytes.len() as u64;
                    }
                    Ok(Chunk::Stderr(bytes)) => {
                        bar.suspend(|| io::stderr().write_all(&bytes))?;
                        stderr.extend_from_slice(&bytes);
                    }
                    Ok(Chunk::Exit(status)) => return Ok(ControlFlow::Break(status)),
                    Err(source) => return Err(transport(command, source)),
                }
                Ok(ControlFlow::Continue(()))
            })
            .await?;
        match status {
            Some(status) => {
                // Dokku's error is on stderr: it names the failure (and
                // "does not exist" makes exit code 4).
                let output = Output::new(status, Vec::new(), stderr);
                dokku::parse::expect_success(command, output)?;
                Ok(written)
            }
            // A log may end without a status; a dump that does is cut off.
            None if !whole => Ok(written),
            None => Err(transport(command, ExecError::Truncated)),
        }
    }

    /// Print a streamed command's records as they arrive, until it ends
    /// (or, following, until Ctrl-C): for people each record's text; with
    /// `--json` one array, or while following one JSON value a line.
    /// `render` gives a record's text and JSON.
    pub async fn print_stream<T>(
        &self,
        stream: LineStream<T>,
        label: &str,
        follow: bool,
        render: impl Fn(T) -> Result<(String, serde_json::Value), CliError>,
    ) -> Result<(), CliError> {
        let json = self.opts.json;
        let bar = output::spinner(label.to_owned());
        let mut rows = Vec::new();
        self.drive(stream, &bar, |item| {
            let (text, value) = render(item?)?;
            if !json {
                bar.suspend(|| output::lines(&[text]))?;
            } else if follow {
                bar.suspend(|| output::json_line(&value))?;
            } else {
                rows.push(value);
            }
            Ok(ControlFlow::<()>::Continue(()))
        })
        .await?;
        if json && !follow {
            output::json(&serde_json::Value::Array(rows))?;
        }
        Ok(())
    }

    /// Text a read printed, with URL credentials masked where its output
    /// is secret (unless --reveal); refused where a program would read
    /// the mask.
    pub fn mask(&self, command: &Command, text: &str) -> Result<String, CliError> {
        let masked = output::secret_userinfo(text, self.opts.reveal || !command.output_is_secret());
        output::Withheld::new().keep(text, masked).ok_or_else(|| {
            output::masked_for_program("output holding credentials", "pass --reveal to write it")
        })
    }

    /// Pull from `stream` under a spinner until `each` breaks with a value
    /// (`Some`), the stream ends (`None`) or Ctrl-C. On Ctrl-C the stream
    /// is dropped first (the audit layer then records the command as
    /// cancelled: it may have taken effect on the host), the spinner
    /// cleared and the record awaited. The spinner is cleared however it
    /// ends.
    pub async fn drive<S, R>(
        &self,
        mut stream: S,
        bar: &Spinner,
        mut each: impl FnMut(S::Item) -> Result<ControlFlow<R>, CliError>,
    ) -> Result<Option<R>, CliError>
    where
        S: Stream + Unpin,
    {
        let result = loop {
            let item = tokio::select! {
                item = stream.next() => item,
                _ = self.interrupted() => {
                    drop(stream);
                    output::interrupted(bar);
                    self.settle().await;
                    return Err(CliError::Interrupted);
                }
            };
            let Some(item) = item else {
                break Ok(None);
            };
            match each(item) {
                Ok(ControlFlow::Continue(())) => {}
                Ok(ControlFlow::Break(value)) => break Ok(Some(value)),
                Err(e) => break Err(e),
            }
        };
        bar.finish_and_clear();
        result
    }
}

/// A host's now, as [`Session::host_clock`] reads it, for any client (a
/// fleet's hosts too).
pub async fn host_clock(dokku: &Dokku) -> Result<HostClock, dokku::Error> {
    let caps = dokku.capabilities().await?;
    if caps.plugin("letsencrypt").is_some() {
        let listed = dokku.letsencrypt().list().await?;
        if let Some(entry) = listed.first() {
            let by = Duration::from_secs(entry.expires_in_secs.unsigned_abs());
            let now = if entry.expires_in_secs >= 0 {
                entry.expires_at.checked_sub(by)
            } else {
                entry.expires_at.checked_add(by)
            };
            if let Some(now) = now {
                return Ok(HostClock { now });
            }
        }
    }
    Ok(HostClock {
        now: SystemTime::now(),
    })
}

fn transport(command: &Command, source: ExecError) -> CliError {
    CliError::Dokku(dokku::Error::Transport {
        command: command.to_string(),
        source,
    })
}

/// A running command's live output, shown while a reader is there.
///
/// When the reader goes away (`cli deploy … | head`), a read-only command
/// stops there. A mutating one is not abandoned half-done: its output is
/// still read to the end (and recorded), only no longer shown, and how it
/// ended decides the exit code.
pub struct Live {
    /// Whether the command must run to its end without a reader.
    finish: bool,
    /// The reader went away.
    gone: bool,
}

impl Live {
    /// `finish`: the command runs to its end without a reader (a
    /// mutating one).
    pub fn new(finish: bool) -> Self {
        Live {
            finish,
            gone: false,
        }
    }

    /// Show something with `write`, unless the reader of a mutating
    /// command's output has gone.
    pub fn show(&mut self, write: impl FnOnce() -> io::Result<()>) -> io::Result<()> {
        if self.gone {
            return Ok(());
        }
        match write() {
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe && self.finish => {
                self.gone = true;
                Ok(())
            }
            shown => shown,
        }
    }
}

/// Dokku's `----->` headers in bold, ` !    ` warnings in red.
pub fn print_dokku_line(line: &str) -> io::Result<()> {
    let mut out = output::stdout();
    if line.starts_with("----->") || line.starts_with("=====>") {
        writeln!(out, "{BOLD}{line}{BOLD:#}")
    } else if line.starts_with(" !") {
        writeln!(out, "{RED}{line}{RED:#}")
    } else {
        writeln!(out, "{line}")
    }
}

/// One line Dokku wrote on stderr, in yellow.
pub fn print_stderr_line(line: &str) -> io::Result<()> {
    let mut err = anstream::stderr();
    writeln!(err, "{YELLOW}{line}{YELLOW:#}")
}

/// Dokku's stderr as it arrives, in yellow: a godotenv read error cut
/// before the stored values it quotes, and URL credentials masked where
/// the command's output is secret.
fn show_stderr(bytes: &[u8], mask_urls: bool) -> io::Result<()> {
    let text = String::from_utf8_lossy(bytes);
    let text = dokku::parse::config::redact_env_read_errors(&text);
    let text = if mask_urls {
        dokku::secret::mask_userinfo(&text).into_owned()
    } else {
        text.into_owned()
    };
    let mut err = anstream::stderr();
    write!(err, "{YELLOW}{text}{YELLOW:#}")
}

/// Ask for a name before destroying something (`kind`: `the app name`).
/// `--yes` skips the question; without a terminal to ask on, or with a
/// wrong answer, the command is refused (exit 2: nothing was sent).
pub fn confirm(opts: &Opts, kind: &str, name: &str, what: &str) -> Result<(), CliError> {
    if opts.yes {
        return Ok(());
    }
    if !io::stdin().is_terminal() {
        return Err(CliError::refused(
            format!("refusing to {what} without confirmation: standard input is not a terminal"),
            "pass --yes to confirm in scripts",
        ));
    }
    let mut err = anstream::stderr();
    write!(
        err,
        "{RED}!{RED:#} This will {what}. Type {kind} ({BOLD}{name}{BOLD:#}) to confirm: "
    )?;
    err.flush()?;
    let mut answer = String::new();
    io::stdin().lock().read_line(&mut answer)?;
    if answer.trim() == name {
        Ok(())
    } else {
        Err(CliError::refused(
            format!(
                "aborted: {:?} is not {name}; nothing was run",
                answer.trim()
            ),
            format!("type {kind} exactly, or pass --yes"),
        ))
    }
}

/// Print the commands a dry run would send.
pub fn print_dry_run(opts: &Opts, commands: &[Command]) -> Result<(), CliError> {
    if opts.json {
        let lines: Vec<String> = commands.iter().map(ToString::to_string).collect();
        output::json(&serde_json::json!({ "dry_run": true, "commands": lines }))?;
    } else {
        let lines: Vec<String> = commands.iter().map(ToString::to_string).collect();
        output::lines(&lines)?;
        output::note("(dry run: nothing was sent)");
    }
    Ok(())
}

/// What a large input (a dump, an archive) is sent as: `file`, else
/// standard input, in 64 KiB chunks read as the host takes them, never
/// held whole in memory. The first chunk is read here, so an empty input
/// is `None` before anything is sent.
pub fn input_chunks(
    file: Option<&Path>,
) -> io::Result<Option<futures_util::stream::BoxStream<'static, io::Result<Vec<u8>>>>> {
    const CHUNK: usize = 64 * 1024;
    fn first(reader: &mut impl Read) -> io::Result<Vec<u8>> {
        let mut buf = vec![0u8; CHUNK];
        loop {
            match reader.read(&mut buf) {
                Ok(n) => {
                    buf.truncate(n);
                    return Ok(buf);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
    }
    fn chunks<R>(reader: R) -> futures_util::stream::BoxStream<'static, io::Result<Vec<u8>>>
    where
        R: tokio::io::AsyncRead + Unpin + Send + 'static,
    {
        use tokio::io::AsyncReadExt;
        Box::pin(futures_util::stream::try_unfold(
            reader,
            |mut reader| async move {
                let mut buf = vec![0u8; CHUNK];
                let n = reader.read(&mut buf).await?;
                buf.truncate(n);
                Ok((n > 0).then_some((buf, reader)))
            },
        ))
    }
    // Both handles read through the same process-wide stdin, so nothing
    // read by the first is lost to the second.
    let (head, rest) = match file {
        Some(path) => {
            let mut file = std::fs::File::open(path)?;
            (first(&mut file)?, chunks(tokio::fs::File::from_std(file)))
        }
        None => (first(&mut io::stdin().lock())?, chunks(tokio::io::stdin())),
    };
    Ok((!head.is_empty()).then(|| futures_util::stream::iter([Ok(head)]).chain(rest).boxed()))
}

/// Read a secret the user should not put on the command line (it would
/// land in shell history and in `ps`): from a prompt with echo off when
/// standard input is a terminal, else the whole of standard input with
/// one trailing newline removed (`pass show x | cli …`).
pub fn read_secret(what: &str) -> Result<SecretString, CliError> {
    read_line(what, true).map(SecretString::new)
}

/// Read one line of input: from a prompt when standard input is a
/// terminal (echo off for a `secret`), else the whole of standard input
/// with one trailing newline removed. Empty or several lines are refused.
pub fn read_line(what: &str, secret: bool) -> Result<String, CliError> {
    let text = if io::stdin().is_terminal() {
        let mut err = anstream::stderr();
        write!(err, "{what}: ")?;
        err.flush()?;
        let echo_off = secret && output::stty("-echo");
        let mut line = String::new();
        let read = io::stdin().lock().read_line(&mut line);
        if echo_off {
            output::stty("echo");
        }
        if secret {
            writeln!(err)?;
        }
        read?;
        line
    } else {
        let mut all = String::new();
        io::stdin().lock().read_to_string(&mut all)?;
        all
    };
    let line = text
        .strip_suffix('\n')
        .map(|s| s.strip_suffix('\r').unwrap_or(s))
        .unwrap_or(&text);
    if line.is_empty() {
        return Err(CliError::usage(
            format!("no {what} given"),
            "type it at the prompt, or pipe it in on standard input",
        ));
    }
    if line.contains(['\n', '\r']) {
        return Err(CliError::usage(
            format!("the {what} is more than one line"),
            "give one line on standard input",
        ));
    }
    Ok(line.to_owned())
}

/// The question [`refuse_if_locked`] asks, for a dry run: `apps:locked
/// APP`, or with `--all` every app's `apps:report`.
pub fn lock_check(target: impl Into<AppTarget>) -> Result<Command, CliError> {
    Ok(match target.into() {
        AppTarget::App(app) => dokku::api::apps::locked_command(&app),
        _ => report_command(&plugins::APPS, &ReportTarget::All, Format::Json)?,
    })
}

/// Nothing is sent when `apps:lock` holds the app, or with `--all` any
/// app: Dokku would build it anyway, and the build removes the lock. One
/// question first ([`lock_check`]).
pub async fn refuse_if_locked(dokku: &Dokku, target: impl Into<AppTarget>) -> Result<(), CliError> {
    let locked: Vec<AppName> = match target.into() {
        AppTarget::App(app) => match dokku.apps().locked(&app).await? {
            true => vec![app],
            false => Vec::new(),
        },
        _ => {
            let reports = dokku.apps().report_all().await?;
            let locked = reports.into_iter().filter(|r| r.locked);
            locked.filter_map(|r| r.app).collect()
        }
    };
    let (apps, unlock) = match locked.as_slice() {
        [] => return Ok(()),
        [app] => (format!("{app} is"), app.to_string()),
        _ => (
            format!("{} are", output::comma_list(&locked)),
            "APP".to_owned(),
        ),
    };
    Err(CliError::refused(
        format!("{apps} locked (apps:lock); nothing was sent"),
        format!(
            "`cli apps unlock {unlock}` first, or add --ignore-lock (Dokku builds a locked app \
             anyway, and removes the lock)"
        ),
    ))
}

#[cfg(test)]
mod tests {
    use std::io;

    use super::Live;

    fn pipe_closed() -> io::Result<()> {
        Err(io::Error::from(io::ErrorKind::BrokenPipe))
    }

    #[test]
    fn a_read_only_command_stops_when_its_reader_goes_away() {
        let mut live = Live::new(false);
        assert!(live.show(|| Ok(())).is_ok());
        let e = live.show(pipe_closed).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::BrokenPipe);
    }

    #[test]
    fn a_mutating_command_goes_on_unseen_when_its_reader_goes_away() {
        let mut live = Live::new(true);
        assert!(live.show(pipe_closed).is_ok());
        let mut shown = false;
        live.show(|| {
            shown = true;
            Ok(())
        })
        .unwrap();
        assert!(!shown, "nothing is written once the reader has gone");
        // Any other failure (a full disk) still ends it.
        let mut other = Live::new(true);
        assert!(other.show(|| Err(io::Error::other("disk full"))).is_err());
    }
}
