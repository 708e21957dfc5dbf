//! [`Audited`]: an executor decorator that records every command it runs.
//!
//! `Dokku::new(Audited::new(ssh, store).actor("alice").source(Source::Cli))`
//! and every call through that client leaves a row: who, where, what
//! (redacted), how it ended, how long it took. Streams are recorded when
//! they end — with their exit, byte counts and a capped tail — or as
//! cancelled when dropped early.
//!
//! A `run` whose future is dropped before it finishes (Ctrl-C, a timeout
//! around it) is recorded as cancelled too: the command may have taken
//! effect on the host, so the trail must say it was sent. Such records are
//! written by a spawned task; [`Audited::settle`] waits for them before a
//! program exits.
//!
//! What happens when the audit cannot be written is a choice
//! ([`AuditPolicy`]), never silence: fail the command before it runs, or run
//! it and report the audit failure.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

use async_trait::async_trait;
use futures_util::StreamExt;

use dokku_core::exec::Start;
use dokku_core::{Chunk, Command, ExecError, Executor, Output, OutputStream};

use crate::error::HistoryError;
use crate::record::{Entry, Outcome, Source};
use crate::redact;
use crate::store::HistoryStore;

/// Where [`Audited`] sends its records. [`HistoryStore`] (SQLite) is the
/// one implementation today; the trait keeps room for another backend (a
/// shared PostgreSQL trail) without touching `Audited`.
#[async_trait]
pub trait AuditSink: Send + Sync + std::fmt::Debug {
    /// Store one entry; resolves once it is durable, with its id.
    async fn append(&self, entry: Entry) -> Result<i64, HistoryError>;
    /// Whether a record could be written now.
    async fn check_writable(&self) -> Result<(), HistoryError>;
}

#[async_trait]
impl AuditSink for HistoryStore {
    async fn append(&self, entry: Entry) -> Result<i64, HistoryError> {
        HistoryStore::append(self, entry).await
    }
    async fn check_writable(&self) -> Result<(), HistoryError> {
        HistoryStore::check_writable(self).await
    }
}

/// What to do when a record cannot be written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum AuditPolicy {
    /// Check the store can take a record before running each command and
    /// refuse to run it if not; if the record still fails after the command
    /// ran, return an error that says so. For hosts where an unaudited
    /// change is worse than no change.
    #[default]
    FailClosed,
    /// Run the command whatever the store says; a failed record is logged
    /// and kept in [`Audited::last_audit_error`].
    FailOpen,
}

/// An [`Executor`] that records, then delegates.
#[derive(Debug, Clone)]
pub struct Audited<E> {
    inner: E,
    store: Arc<dyn AuditSink>,
    actor: String,
    source: Source,
    host: String,
    target: Option<String>,
    correlation_id: Option<String>,
    parent_id: Option<i64>,
    policy: AuditPolicy,
    last_error: Arc<Mutex<Option<String>>>,
    pending: Arc<Pending>,
}

/// Cancelled-command records still being written by spawned tasks.
#[derive(Debug, Default)]
struct Pending {
    count: AtomicUsize,
    done: tokio::sync::Notify,
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

impl<E: Executor> Audited<E> {
    /// Record every command `inner` runs into `sink` (a [`HistoryStore`]).
    /// Actor defaults to `$USER`, source to [`Source::Api`], host to `local`.
    pub fn new(inner: E, sink: impl AuditSink + 'static) -> Self {
        Self {
            inner,
            store: Arc::new(sink),
            actor: std::env::var("USER").unwrap_or_else(|_| "unknown".to_owned()),
            source: Source::Api,
            host: "local".to_owned(),
            target: None,
            correlation_id: None,
            parent_id: None,
            policy: AuditPolicy::default(),
            last_error: Arc::new(Mutex::new(None)),
            pending: Arc::new(Pending::default()),
        }
    }

    /// Who runs the commands.
    pub fn actor(mut self, actor: impl Into<String>) -> Self {
        self.actor = actor.into();
        self
    }

    /// Where the commands come from.
    pub fn source(mut self, source: Source) -> Self {
        self.source = source;
        self
    }

    /// The Dokku host the inner executor reaches: its destination, or a
    /// fleet registry's name for it (then give the destination as
    /// [`Audited::target`]).
    pub fn host(mut self, host: impl Into<String>) -> Self {
        self.host = host.into();
        self
    }

    /// Where the host is reached (`dokku@eu.example.com`), recorded beside
    /// its name on every row ([`Entry::target`]).
    pub fn target(mut self, target: impl Into<String>) -> Self {
        self.target = Some(target.into());
        self
    }

    /// Group the following commands as one operation.
    pub fn correlation(mut self, id: impl Into<String>) -> Self {
        self.correlation_id = Some(id.into());
        self
    }

    /// Mark the following commands as part of record `id`.
    pub fn parent(mut self, id: i64) -> Self {
        self.parent_id = Some(id);
        self
    }

    /// What to do when a record cannot be written (default
    /// [`AuditPolicy::FailClosed`]).
    pub fn policy(mut self, policy: AuditPolicy) -> Self {
        self.policy = policy;
        self
    }

    /// Where records go.
    pub fn sink(&self) -> &dyn AuditSink {
        &*self.store
    }

    /// The last audit failure under [`AuditPolicy::FailOpen`], if any.
    pub fn last_audit_error(&self) -> Option<String> {
        self.last_error.lock().ok().and_then(|e| e.clone())
    }
}

impl<E> Audited<E> {
    fn entry(&self, command: &Command, started_at: i64) -> Entry {
        Entry {
            started_at,
            ended_at: now_ms(),
            host: self.host.clone(),
            target: self.target.clone(),
            actor: self.actor.clone(),
            source: self.source,
            correlation_id: self.correlation_id.clone(),
            parent_id: self.parent_id,
            subcommand: command.subcommand().to_owned(),
            app: command.app().map(|a| a.to_string()),
            argv: redact::argv(command),
            mutating: command.is_mutating(),
            outcome: Outcome::Ok,
            exit_code: None,
            stdout: String::new(),
            stdout_len: 0,
            stderr: String::new(),
            stderr_len: 0,
            error: None,
        }
    }

    async fn before(&self) -> Result<(), ExecError> {
        match self.policy {
            AuditPolicy::FailClosed => self.store.check_writable().await.map_err(|e| {
                ExecError::Other(format!("not run: the audit store cannot record it ({e})"))
            }),
            AuditPolicy::FailOpen => Ok(()),
        }
    }

    /// Store the entry; what a failure means depends on the policy.
    async fn after(&self, entry: Entry) -> Result<(), ExecError> {
        match self.store.append(entry).await {
            Ok(_) => Ok(()),
            Err(e) => match self.policy {
                AuditPolicy::FailClosed => Err(ExecError::Other(format!(
                    "the command ran, but its audit record could not be written ({e})"
                ))),
                AuditPolicy::FailOpen => {
                    tracing::error!(error = %e, "audit record not written");
                    if let Ok(mut last) = self.last_error.lock() {
                        *last = Some(e.to_string());
                    }
                    Ok(())
                }
            },
        }
    }
}

/// Fill in what the command printed, redacted, with the original lengths.
fn record_output(
    entry: &mut Entry,
    command: &Command,
    secrets: &[String],
    stdout: (&str, usize),
    stderr: (&str, usize),
) {
    entry.stdout = redact::output(command, stdout.0, secrets);
    entry.stdout_len = stdout.1 as i64;
    entry.stderr = redact::text(stderr.0, secrets);
    entry.stderr_len = stderr.1 as i64;
}

fn outcome_of(result: &Result<Output, ExecError>) -> Outcome {
    match result {
        Ok(out) if out.status.success() => Outcome::Ok,
        Ok(_) => Outcome::Failed,
        Err(e) => error_outcome(e),
    }
}

fn error_outcome(error: &ExecError) -> Outcome {
    match error {
        ExecError::Timeout { .. } => Outcome::Timeout,
        ExecError::Cancelled => Outcome::Cancelled,
        _ => Outcome::TransportError,
    }
}

#[async_trait]
impl<E: Executor> Executor for Audited<E> {
    async fn run(&self, command: &Command) -> Result<Output, ExecError> {
        self.before().await?;
        let started_at = now_ms();
        let mut guard = RunGuard {
            recorder: Some((self.clone_recorder(), self.entry(command, started_at))),
        };
        let result = self.inner.run(command).await;
        guard.disarm();
        let secrets = redact::secrets_of(command);
        let mut entry = self.entry(command, started_at);
        entry.outcome = outcome_of(&result);
        match &result {
            Ok(out) => {
                entry.exit_code = out.status.as_code();
                record_output(
                    &mut entry,
                    command,
                    &secrets,
                    (&out.stdout_lossy(), out.stdout.len()),
                    (&out.stderr_lossy(), out.stderr.len()),
                );
            }
            Err(e) => entry.error = Some(redact::text(&e.to_string(), &secrets)),
        }
        self.after(entry).await?;
        result
    }

    async fn stream(&self, command: &Command) -> Result<OutputStream, ExecError> {
        self.record_stream(command, Box::pin(self.inner.stream(command)))
            .await
    }

    /// The wrapped executor's. A push made with it runs the user's `git`,
    /// which [`Executor::observe`] records.
    async fn git_transport(&self) -> Result<dokku_core::exec::GitTransport, ExecError> {
        self.inner.git_transport().await
    }

    /// Recorded like a streamed command (a `git push` is one record,
    /// `git-receive-pack APP REFSPEC [COMMIT]`, with its output and outcome).
    async fn observe(
        &self,
        command: &Command,
        start: Start<'_>,
    ) -> Result<OutputStream, ExecError> {
        self.record_stream(command, Box::pin(self.inner.observe(command, start)))
            .await
    }
}

impl<E: Executor> Audited<E> {
    /// Record the stream `open` yields as `command`'s: the entry is
    /// written when it ends (or fails to open).
    async fn record_stream(
        &self,
        command: &Command,
        open: Start<'_>,
    ) -> Result<OutputStream, ExecError> {
        self.before().await?;
        let started_at = now_ms();
        let secrets = redact::secrets_of(command);
        let entry = self.entry(command, started_at);
        match open.await {
            Ok(inner) => {
                let recorder = StreamRecord {
                    audited: self.clone_recorder(),
                    command: command.clone(),
                    secrets,
                    entry: Some(entry),
                    stdout: Tail::default(),
                    stderr: Tail::default(),
                };
                Ok(Box::pin(futures_util::stream::unfold(
                    (inner, recorder),
                    |(mut inner, mut rec)| async move {
                        let item = inner.next().await;
                        match &item {
                            Some(Ok(Chunk::Stdout(b))) => rec.stdout.push(b),
                            Some(Ok(Chunk::Stderr(b))) => rec.stderr.push(b),
                            Some(Ok(Chunk::Exit(status))) => {
                                let mut entry = rec.finish(if status.success() {
                                    Outcome::Ok
                                } else {
                                    Outcome::Failed
                                });
                                entry.exit_code = status.as_code();
                                if let Err(e) = rec.audited.after(entry).await {
                                    return Some((Err(e), (inner, rec)));
                                }
                            }
                            Some(Err(e)) => {
                                let mut entry = rec.finish(Outcome::TransportError);
                                entry.error = Some(redact::text(&e.to_string(), &rec.secrets));
                                let _ = rec.audited.after(entry).await;
                            }
                            // Ended without an exit status: the output was
                            // cut (the caller did not cancel anything), as
                            // `collect_output` reports it for `run`.
                            None if rec.entry.is_some() => {
                                let mut entry = rec.finish(Outcome::TransportError);
                                entry.error = Some(ExecError::Truncated.to_string());
                                let _ = rec.audited.after(entry).await;
                            }
                            None => {}
                        }
                        item.map(|i| (i, (inner, rec)))
                    },
                )))
            }
            Err(e) => {
                let mut entry = entry;
                entry.ended_at = now_ms();
                entry.outcome = error_outcome(&e);
                entry.error = Some(redact::text(&e.to_string(), &secrets));
                self.after(entry).await?;
                Err(e)
            }
        }
    }
}

impl<E> Audited<E> {
    // What a stream needs to record itself later, without the inner executor.
    fn clone_recorder(&self) -> Audited<()> {
        Audited {
            inner: (),
            store: Arc::clone(&self.store),
            actor: self.actor.clone(),
            source: self.source,
            host: self.host.clone(),
            target: self.target.clone(),
            correlation_id: self.correlation_id.clone(),
            parent_id: self.parent_id,
            policy: self.policy,
            last_error: Arc::clone(&self.last_error),
            pending: Arc::clone(&self.pending),
        }
    }

    /// Wait until every cancelled command's record (from a dropped `run`
    /// future or stream) has been handed to the store. A program that
    /// cancels on Ctrl-C calls this before it exits, or the record dies
    /// with the runtime.
    pub async fn settle(&self) {
        loop {
            let notified = self.pending.done.notified();
            tokio::pin!(notified);
            // Registered before the count is read: a task finishing in
            // between still wakes this one.
            notified.as_mut().enable();
            if self.pending.count.load(Ordering::SeqCst) == 0 {
                return;
            }
            notified.await;
        }
    }
}

impl Audited<()> {
    /// Write a cancelled command's record from a destructor: on a spawned
    /// task, counted in `pending` until the store has it.
    fn record_cancelled(self, entry: Entry) {
        match tokio::runtime::Handle::try_current() {
            Ok(handle) => {
                self.pending.count.fetch_add(1, Ordering::SeqCst);
                handle.spawn(async move {
                    let _ = self.after(entry).await;
                    self.pending.count.fetch_sub(1, Ordering::SeqCst);
                    self.pending.done.notify_waiters();
                });
            }
            Err(_) => tracing::error!("a cancelled command could not be recorded: no runtime"),
        }
    }
}

/// Records a `run` as cancelled if its future is dropped before the inner
/// executor answers.
struct RunGuard {
    recorder: Option<(Audited<()>, Entry)>,
}

impl RunGuard {
    fn disarm(&mut self) {
        self.recorder = None;
    }
}

impl Drop for RunGuard {
    fn drop(&mut self) {
        if let Some((audited, mut entry)) = self.recorder.take() {
            entry.ended_at = now_ms();
            entry.outcome = Outcome::Cancelled;
            audited.record_cancelled(entry);
        }
    }
}

/// The last bytes of a stream and how many there were.
#[derive(Default)]
struct Tail {
    total: usize,
    bytes: VecDeque<u8>,
}

impl Tail {
    fn push(&mut self, chunk: &[u8]) {
        self.total += chunk.len();
        self.bytes.extend(chunk);
        while self.bytes.len() > redact::OUTPUT_CAP {
            self.bytes.pop_front();
        }
    }

    fn text(&self) -> String {
        let bytes: Vec<u8> = self.bytes.iter().copied().collect();
        String::from_utf8_lossy(&bytes).into_owned()
    }
}

/// A stream's record in progress; written at the end, or as cancelled
/// when the stream is dropped first.
struct StreamRecord {
    audited: Audited<()>,
    command: Command,
    secrets: Vec<String>,
    entry: Option<Entry>,
    stdout: Tail,
    stderr: Tail,
}

impl StreamRecord {
    fn finish(&mut self, outcome: Outcome) -> Entry {
        let mut entry = self
            .entry
            .take()
            .unwrap_or_else(|| self.audited.entry(&self.command, now_ms()));
        entry.ended_at = now_ms();
        entry.outcome = outcome;
        record_output(
            &mut entry,
            &self.command,
            &self.secrets,
            (&self.stdout.text(), self.stdout.total),
            (&self.stderr.text(), self.stderr.total),
        );
        entry
    }
}

impl Drop for StreamRecord {
    fn drop(&mut self) {
        if self.entry.is_none() {
            return;
        }
        // Dropped before its exit status: the caller cancelled it.
        let entry = self.finish(Outcome::Cancelled);
        self.audited.clone_recorder().record_cancelled(entry);
    }
}
