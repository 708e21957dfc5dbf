//! [`HistoryStore`]: the SQLite file, its writer thread and its queries.
//!
//! Writes never block the async runtime: [`HistoryStore::append`] hands the
//! entry to a dedicated writer thread over a bounded channel and awaits its
//! acknowledgement. The thread takes everything waiting in the channel and
//! writes it in one transaction (hundreds of thousands of rows a second),
//! extending the hash chain as it goes. An entry is durable once
//! acknowledged; a crash loses at most what was not yet acknowledged.
//!
//! Reads use their own connection (WAL lets them run beside the writer) on
//! tokio's blocking pool.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use rusqlite::{params, Connection, OptionalExtension, Row};
use tokio::sync::{mpsc, oneshot};

use crate::error::{Context, HistoryError};
use crate::record::{chain_hash, Entry, Outcome, Record, Source};
use crate::schema;

/// Tuning for [`HistoryStore::open_with`].
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct StoreOptions {
    /// Entries waiting for the writer before `append` waits (default 8192).
    pub queue: usize,
    /// Most entries written in one transaction (default 8192).
    pub batch: usize,
    /// How long to wait for a lock held by another process (default 5 s).
    pub busy_timeout: Duration,
    /// Cap the file at this many pages (tests use it to simulate a full disk).
    pub max_page_count: Option<u64>,
}

impl Default for StoreOptions {
    fn default() -> Self {
        Self {
            queue: 8192,
            batch: 8192,
            busy_timeout: Duration::from_secs(5),
            max_page_count: None,
        }
    }
}

type Ack = oneshot::Sender<Result<i64, HistoryError>>;
type ManyAck = oneshot::Sender<Result<Vec<i64>, HistoryError>>;

enum Msg {
    Append(Box<Entry>, Ack),
    AppendMany(Vec<Entry>, ManyAck),
    Retain(Retention, oneshot::Sender<Result<u64, HistoryError>>),
    Probe(oneshot::Sender<Result<(), HistoryError>>),
}

/// Which rows [`HistoryStore::retain`] keeps.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Retention {
    /// Delete rows that started before this Unix time (milliseconds) —
    /// the oldest ones, up to the first row that started later (the chain
    /// only loses a prefix, so an old row recorded after a newer one stays).
    pub older_than_ms: Option<i64>,
    /// Keep at most this many of the newest rows.
    pub max_rows: Option<u64>,
}

impl Retention {
    /// Delete rows that started before `cutoff_ms`.
    pub fn older_than(cutoff_ms: i64) -> Self {
        Self {
            older_than_ms: Some(cutoff_ms),
            max_rows: None,
        }
    }

    /// Keep the newest `rows`.
    pub fn keep_newest(rows: u64) -> Self {
        Self {
            older_than_ms: None,
            max_rows: Some(rows),
        }
    }
}

/// Filters for [`HistoryStore::query`]; newest first, keyset-paginated.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Query {
    /// Only this app.
    pub app: Option<String>,
    /// Only this host.
    pub host: Option<String>,
    /// Only this actor.
    pub actor: Option<String>,
    /// Only this subcommand.
    pub subcommand: Option<String>,
    /// Only this outcome.
    pub outcome: Option<Outcome>,
    /// Started at or after (Unix ms).
    pub since_ms: Option<i64>,
    /// Started before (Unix ms).
    pub until_ms: Option<i64>,
    /// Continue after this page's last row.
    pub after: Option<Cursor>,
    /// Page size (default 50).
    pub limit: Option<usize>,
}

/// Where a page ended: pass it as [`Query::after`] for the next page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Cursor {
    /// The last row's start time.
    pub started_at: i64,
    /// The last row's id.
    pub id: i64,
}

/// One page of records, newest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    /// The records.
    pub records: Vec<Record>,
    /// The cursor for the next page; `None` when this was the last.
    pub next: Option<Cursor>,
}

/// Per-subcommand statistics.
#[derive(Debug, Clone, PartialEq)]
pub struct SubcommandStats {
    /// The subcommand.
    pub subcommand: String,
    /// How many invocations.
    pub count: u64,
    /// How many did not end `ok`.
    pub failures: u64,
    /// `failures / count`.
    pub failure_rate: f64,
    /// Median duration (ms).
    pub p50_ms: i64,
    /// 95th percentile duration (ms).
    pub p95_ms: i64,
}

/// One host's share of the trail ([`HistoryStore::host_stats`]).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct HostStats {
    /// The host, as recorded (a fleet's registry name, or a destination).
    pub host: String,
    /// Where it was last reached, from its newest row that says
    /// ([`Entry::target`]).
    pub target: Option<String>,
    /// How many invocations.
    pub count: u64,
    /// How many did not end `ok`.
    pub failures: u64,
    /// How many changed state.
    pub mutating: u64,
    /// The first one's start (Unix ms).
    pub first_at: i64,
    /// The last one's start (Unix ms).
    pub last_at: i64,
}

/// What [`HistoryStore::verify`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verification {
    /// Rows checked.
    pub rows: u64,
    /// The first id kept by retention; rows before it were removed on
    /// purpose (0: retention never ran).
    pub truncated_before: i64,
    /// The first problem, if any.
    pub problem: Option<Tamper>,
}

impl Verification {
    /// Whether the chain is intact.
    pub fn is_intact(&self) -> bool {
        self.problem.is_none()
    }
}

/// A break in the hash chain.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Tamper {
    /// The row's content no longer matches its hash: it was altered (or
    /// moved to another id).
    Altered {
        /// The row.
        id: i64,
    },
    /// The row does not follow the one before it: rows between were
    /// removed (or this one was altered together with its hash).
    Broken {
        /// The first row after the gap.
        id: i64,
    },
    /// The newest rows were removed: the chain's recorded head is missing.
    HeadMissing {
        /// The head id the chain recorded.
        expected_head: i64,
    },
}

/// The audit store: one SQLite file, one writer thread, shared by clones.
#[derive(Debug, Clone)]
pub struct HistoryStore {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    path: PathBuf,
    tx: mpsc::Sender<Msg>,
    reader: Arc<Mutex<Connection>>,
    writer: Mutex<Option<JoinHandle<()>>>,
}

impl Drop for Inner {
    fn drop(&mut self) {
        // Dropping the last sender ends the writer loop; wait so that every
        // acknowledged row is on disk when the store is gone.
        if let Some(handle) = self.writer.lock().ok().and_then(|mut w| w.take()) {
            let (tx, _) = mpsc::channel(1);
            drop(std::mem::replace(&mut self.tx, tx));
            let _ = handle.join();
        }
    }
}

fn open_connection(path: &Path, options: &StoreOptions) -> Result<Connection, HistoryError> {
    let conn = Connection::open(path).ctx("opening the database")?;
    conn.busy_timeout(options.busy_timeout)
        .ctx("setting the busy timeout")?;
    conn.pragma_update(None, "journal_mode", "WAL")
        .ctx("enabling WAL")?;
    conn.pragma_update(None, "synchronous", "NORMAL")
        .ctx("setting synchronous")?;
    // Statement journals and sorts in memory, not in temp files.
    conn.pragma_update(None, "temp_store", "MEMORY")
        .ctx("setting temp_store")?;
    // 32 MiB of page cache: the six indexes of a large history stay hot.
    conn.pragma_update(None, "cache_size", -32_768)
        .ctx("setting cache_size")?;
    // Checkpoint the WAL every ~40 MiB instead of every 4 MiB: fewer
    // rewrites of the same hot index pages.
    conn.pragma_update(None, "wal_autocheckpoint", 10_000)
        .ctx("setting wal_autocheckpoint")?;
    Ok(conn)
}

impl HistoryStore {
    /// Open (or create) the store at `path`, migrating it to the current
    /// schema.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, HistoryError> {
        Self::open_with(path, StoreOptions::default())
    }

    /// Open with explicit options.
    pub fn open_with(path: impl AsRef<Path>, options: StoreOptions) -> Result<Self, HistoryError> {
        let path = path.as_ref().to_path_buf();
        let mut writer = open_connection(&path, &options)?;
        schema::migrate(&mut writer)?;
        if let Some(pages) = options.max_page_count {
            writer
                .pragma_update(
                    None,
                    "max_page_count",
                    i64::try_from(pages).unwrap_or(i64::MAX),
                )
                .ctx("capping the page count")?;
        }
        let reader = open_connection(&path, &options)?;
        let (tx, rx) = mpsc::channel(options.queue.max(1));
        let batch = options.batch.max(1);
        let handle = std::thread::Builder::new()
            .name("dokku-history-writer".to_owned())
            .spawn(move || writer_loop(writer, rx, batch))
            .map_err(|e| HistoryError::Export(format!("could not start the writer thread: {e}")))?;
        Ok(Self {
            inner: Arc::new(Inner {
                path,
                tx,
                reader: Arc::new(Mutex::new(reader)),
                writer: Mutex::new(Some(handle)),
            }),
        })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.inner.path
    }

    /// Store one entry; resolves once it is committed, with its id.
    pub async fn append(&self, entry: Entry) -> Result<i64, HistoryError> {
        let (ack, done) = oneshot::channel();
        self.inner
            .tx
            .send(Msg::Append(Box::new(entry), ack))
            .await
            .map_err(|_| HistoryError::Closed)?;
        done.await.map_err(|_| HistoryError::Closed)?
    }

    /// Store several entries in order, in one message to the writer;
    /// resolves once they are committed, with their ids. For bulk
    /// recording (imports, replays), where per-entry round trips dominate.
    pub async fn append_many(&self, entries: Vec<Entry>) -> Result<Vec<i64>, HistoryError> {
        if entries.is_empty() {
            return Ok(Vec::new());
        }
        let (ack, done) = oneshot::channel();
        self.inner
            .tx
            .send(Msg::AppendMany(entries, ack))
            .await
            .map_err(|_| HistoryError::Closed)?;
        done.await.map_err(|_| HistoryError::Closed)?
    }

    /// Delete old rows, keeping the chain verifiable: where it was truncated
    /// is recorded. Returns how many rows were deleted.
    pub async fn retain(&self, retention: Retention) -> Result<u64, HistoryError> {
        let (ack, done) = oneshot::channel();
        self.inner
            .tx
            .send(Msg::Retain(retention, ack))
            .await
            .map_err(|_| HistoryError::Closed)?;
        done.await.map_err(|_| HistoryError::Closed)?
    }

    /// Whether a record could be written now: the writer is alive and a
    /// trial insert (rolled back) succeeds. Detects a read-only, locked or
    /// full database before a command runs.
    pub async fn check_writable(&self) -> Result<(), HistoryError> {
        let (ack, done) = oneshot::channel();
        self.inner
            .tx
            .send(Msg::Probe(ack))
            .await
            .map_err(|_| HistoryError::Closed)?;
        done.await.map_err(|_| HistoryError::Closed)?
    }

    async fn read<T, F>(&self, f: F) -> Result<T, HistoryError>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T, HistoryError> + Send + 'static,
    {
        let reader = Arc::clone(&self.inner.reader);
        tokio::task::spawn_blocking(move || {
            let conn = reader
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            f(&conn)
        })
        .await
        .map_err(|_| HistoryError::Closed)?
    }

    /// One page of records matching `query`, newest first.
    pub async fn query(&self, query: Query) -> Result<Page, HistoryError> {
        self.read(move |conn| run_query(conn, &query)).await
    }

    /// The newest `limit` records.
    pub async fn recent(&self, limit: usize) -> Result<Vec<Record>, HistoryError> {
        let query = Query {
            limit: Some(limit),
            ..Query::default()
        };
        Ok(self.query(query).await?.records)
    }

    /// One record by id.
    pub async fn get(&self, id: i64) -> Result<Option<Record>, HistoryError> {
        self.read(move |conn| {
            conn.query_row(
                &format!("SELECT {COLUMNS} FROM commands WHERE id = ?1"),
                [id],
                row_to_record,
            )
            .optional()
            .ctx("reading a record")
        })
        .await
    }

    /// Full-text search over argv and stderr, most recently recorded first
    /// (by id: the index yields that order without sorting every match).
    /// Each word is searched for as written; FTS syntax is not interpreted.
    pub async fn search(&self, text: &str, limit: usize) -> Result<Vec<Record>, HistoryError> {
        // Quote every word: user input is searched for, not parsed as FTS syntax.
        let expr = text
            .split_whitespace()
            .map(|w| format!("\"{}\"", w.replace('"', "\"\"")))
            .collect::<Vec<_>>()
            .join(" ");
        if expr.is_empty() {
            return Ok(Vec::new());
        }
        self.read(move |conn| {
            let mut stmt = conn
                .prepare_cached(&format!(
                    "SELECT {COLUMNS} FROM commands WHERE id IN \
                     (SELECT rowid FROM commands_fts WHERE commands_fts MATCH ?1 \
                      ORDER BY rowid DESC LIMIT ?2) \
                     ORDER BY id DESC"
                ))
                .ctx("preparing a search")?;
            let rows = stmt
                .query_map(params![expr, limit as i64], row_to_record)
                .ctx("searching")?;
            rows.collect::<Result<Vec<_>, _>>()
                .ctx("reading search results")
        })
        .await
    }

    /// Count, failure rate and p50/p95 duration per subcommand.
    pub async fn stats(&self) -> Result<Vec<SubcommandStats>, HistoryError> {
        self.read(|conn| {
            let mut stmt = conn
                .prepare("SELECT subcommand, outcome, duration_ms FROM commands ORDER BY subcommand, duration_ms")
                .ctx("preparing stats")?;
            let mut by: BTreeMap<String, (u64, Vec<i64>)> = BTreeMap::new();
            let rows = stmt
                .query_map([], |r| {
                    Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, i64>(2)?))
                })
                .ctx("reading stats")?;
            for row in rows {
                let (sub, outcome, duration) = row.ctx("reading stats")?;
                let slot = by.entry(sub).or_default();
                if outcome != "ok" {
                    slot.0 += 1;
                }
                slot.1.push(duration);
            }
            Ok(by
                .into_iter()
                .map(|(subcommand, (failures, durations))| {
                    let count = durations.len() as u64;
                    let pick = |q: f64| {
                        let index = ((durations.len() as f64 - 1.0) * q).round() as usize;
                        durations.get(index).copied().unwrap_or(0)
                    };
                    SubcommandStats {
                        failure_rate: failures as f64 / count.max(1) as f64,
                        p50_ms: pick(0.5),
                        p95_ms: pick(0.95),
                        subcommand,
                        count,
                        failures,
                    }
                })
                .collect())
        })
        .await
    }

    /// The trail grouped by host: count, failures and changes per host,
    /// for rows that started at or after `since_ms` (all when `None`),
    /// sorted by host. Filter one host's rows with [`Query::host`].
    pub async fn host_stats(&self, since_ms: Option<i64>) -> Result<Vec<HostStats>, HistoryError> {
        self.read(move |conn| {
            let mut stmt = conn
                .prepare_cached(
                    "SELECT host, COUNT(*), SUM(outcome != 'ok'), SUM(mutating != 0), \
                     MIN(started_at), MAX(started_at), \
                     (SELECT t.target FROM commands t WHERE t.host = c.host \
                      AND t.target IS NOT NULL ORDER BY t.id DESC LIMIT 1) \
                     FROM commands c WHERE started_at >= ?1 GROUP BY host ORDER BY host",
                )
                .ctx("preparing host stats")?;
            let rows = stmt
                .query_map([since_ms.unwrap_or(i64::MIN)], |r| {
                    Ok(HostStats {
                        host: r.get(0)?,
                        count: u64::try_from(r.get::<_, i64>(1)?).unwrap_or(0),
                        failures: u64::try_from(r.get::<_, i64>(2)?).unwrap_or(0),
                        mutating: u64::try_from(r.get::<_, i64>(3)?).unwrap_or(0),
                        first_at: r.get(4)?,
                        last_at: r.get(5)?,
                        target: r.get(6)?,
                    })
                })
                .ctx("reading host stats")?;
            rows.collect::<Result<Vec<_>, _>>()
                .ctx("reading host stats")
        })
        .await
    }

    /// Walk the hash chain and name the first row that was altered or
    /// removed.
    pub async fn verify(&self) -> Result<Verification, HistoryError> {
        self.read(verify_chain).await
    }

    /// Write every record, oldest first, as JSON Lines.
    pub async fn export_jsonl<W: Write + Send + 'static>(
        &self,
        mut out: W,
    ) -> Result<W, HistoryError> {
        self.read(move |conn| {
            for_each_record(conn, |record| {
                serde_json::to_writer(&mut out, record)
                    .map_err(|e| HistoryError::Export(e.to_string()))?;
                out.write_all(b"\n")
                    .map_err(|e| HistoryError::Export(e.to_string()))
            })?;
            Ok(out)
        })
        .await
    }

    /// Write every record, oldest first, as CSV. Cells that a spreadsheet
    /// would run as a formula (starting with `=`, `+`, `-`, `@`) are
    /// prefixed with `'`.
    pub async fn export_csv<W: Write + Send + 'static>(&self, out: W) -> Result<W, HistoryError> {
        self.read(move |conn| {
            let mut csv = csv::Writer::from_writer(out);
            let export = |e: csv::Error| HistoryError::Export(e.to_string());
            csv.write_record(CSV_HEADER).map_err(export)?;
            for_each_record(conn, |r| {
                let e = &r.entry;
                let cells = [
                    r.id.to_string(),
                    e.started_at.to_string(),
                    e.ended_at.to_string(),
                    e.duration_ms().to_string(),
                    e.host.clone(),
                    e.target.clone().unwrap_or_default(),
                    e.actor.clone(),
                    e.source.as_str().to_owned(),
                    e.correlation_id.clone().unwrap_or_default(),
                    e.subcommand.clone(),
                    e.app.clone().unwrap_or_default(),
                    serde_json::to_string(&e.argv).unwrap_or_default(),
                    e.mutating.to_string(),
                    e.outcome.as_str().to_owned(),
                    e.exit_code.map(|c| c.to_string()).unwrap_or_default(),
                    e.stderr.clone(),
                    r.hash.clone(),
                ];
                csv.write_record(cells.iter().map(|c| neutralise(c).into_owned()))
                    .map_err(export)
            })?;
            csv.into_inner()
                .map_err(|e| HistoryError::Export(e.to_string()))
        })
        .await
    }
}

const CSV_HEADER: [&str; 17] = [
    "id",
    "started_at",
    "ended_at",
    "duration_ms",
    "host",
    "target",
    "actor",
    "source",
    "correlation_id",
    "subcommand",
    "app",
    "argv",
    "mutating",
    "outcome",
    "exit_code",
    "stderr",
    "hash",
];

/// A CSV cell a spreadsheet would evaluate becomes text.
pub fn neutralise(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        std::borrow::Cow::Owned(format!("'{cell}"))
    } else {
        std::borrow::Cow::Borrowed(cell)
    }
}

const COLUMNS: &str = "id, started_at, ended_at, host, actor, source, correlation_id, parent_id, \
    subcommand, app, argv, mutating, outcome, exit_code, stdout, stdout_len, stderr, stderr_len, \
    error, prev_hash, hash, target";

fn row_to_record(row: &Row<'_>) -> rusqlite::Result<Record> {
    let argv: String = row.get(10)?;
    let outcome: String = row.get(12)?;
    Ok(Record {
        id: row.get(0)?,
        entry: Entry {
            started_at: row.get(1)?,
            ended_at: row.get(2)?,
            host: row.get(3)?,
            target: row.get(21)?,
            actor: row.get(4)?,
            source: Source::parse(&row.get::<_, String>(5)?),
            correlation_id: row.get(6)?,
            parent_id: row.get(7)?,
            subcommand: row.get(8)?,
            app: row.get(9)?,
            argv: serde_json::from_str(&argv).unwrap_or_default(),
            mutating: row.get(11)?,
            outcome: Outcome::parse(&outcome).unwrap_or(Outcome::Failed),
            exit_code: row.get(13)?,
            stdout: row.get(14)?,
            stdout_len: row.get(15)?,
            stderr: row.get(16)?,
            stderr_len: row.get(17)?,
            error: row.get(18)?,
        },
        prev_hash: row.get(19)?,
        hash: row.get(20)?,
    })
}

fn for_each_record(
    conn: &Connection,
    mut f: impl FnMut(&Record) -> Result<(), HistoryError>,
) -> Result<(), HistoryError> {
    let mut stmt = conn
        .prepare(&format!("SELECT {COLUMNS} FROM commands ORDER BY id"))
        .ctx("preparing a scan")?;
    let rows = stmt.query_map([], row_to_record).ctx("scanning")?;
    for row in rows {
        f(&row.ctx("reading a row")?)?;
    }
    Ok(())
}

fn run_query(conn: &Connection, q: &Query) -> Result<Page, HistoryError> {
    let limit = q.limit.unwrap_or(50).max(1);
    let mut clauses: Vec<String> = Vec::new();
    let mut values: Vec<rusqlite::types::Value> = Vec::new();
    let mut text = |column: &str, value: &Option<String>| {
        if let Some(v) = value {
            values.push(v.clone().into());
            clauses.push(format!("{column} = ?{}", values.len()));
        }
    };
    text("app", &q.app);
    text("host", &q.host);
    text("actor", &q.actor);
    text("subcommand", &q.subcommand);
    text("outcome", &q.outcome.map(|o| o.as_str().to_owned()));
    if let Some(since) = q.since_ms {
        values.push(since.into());
        clauses.push(format!("started_at >= ?{}", values.len()));
    }
    if let Some(until) = q.until_ms {
        values.push(until.into());
        clauses.push(format!("started_at < ?{}", values.len()));
    }
    if let Some(cursor) = q.after {
        values.push(cursor.started_at.into());
        values.push(cursor.id.into());
        clauses.push(format!(
            "(started_at, id) < (?{}, ?{})",
            values.len() - 1,
            values.len()
        ));
    }
    values.push((limit as i64 + 1).into());
    let filter = if clauses.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", clauses.join(" AND "))
    };
    let sql = format!(
        "SELECT {COLUMNS} FROM commands {filter} ORDER BY started_at DESC, id DESC LIMIT ?{}",
        values.len()
    );
    let mut stmt = conn.prepare_cached(&sql).ctx("preparing a query")?;
    let rows = stmt
        .query_map(rusqlite::params_from_iter(values), row_to_record)
        .ctx("querying")?;
    let mut records = rows.collect::<Result<Vec<_>, _>>().ctx("reading rows")?;
    // One row more than asked says whether another page exists.
    let next = if records.len() > limit {
        records.truncate(limit);
        records.last().map(|r| Cursor {
            started_at: r.entry.started_at,
            id: r.id,
        })
    } else {
        None
    };
    Ok(Page { records, next })
}

// The hash covers a row as `row_to_record` reads it back, which is lossy:
// an unknown `source` reads as `other`, an unknown `outcome` as `failed`,
// argv JSON is re-parsed, any non-zero `mutating` is true, and
// `duration_ms` (which `stats` reads) is not read at all. So a row must also
// hold exactly what `write_batch` wrote for the record it reads as.
const STORED_COLUMNS: &str = "duration_ms, source, outcome, argv, mutating";

fn stored_as_written(row: &Row<'_>, r: &Record) -> rusqlite::Result<bool> {
    use rusqlite::types::Value;
    let e = &r.entry;
    let argv = serde_json::to_string(&e.argv).unwrap_or_else(|_| "[]".to_owned());
    Ok(row.get::<_, Value>(22)? == Value::Integer(e.duration_ms())
        && row.get::<_, Value>(23)? == Value::Text(e.source.as_str().to_owned())
        && row.get::<_, Value>(24)? == Value::Text(e.outcome.as_str().to_owned())
        && row.get::<_, Value>(25)? == Value::Text(argv)
        && row.get::<_, Value>(26)? == Value::Integer(i64::from(e.mutating)))
}

fn verify_chain(conn: &Connection) -> Result<Verification, HistoryError> {
    let (head_id, head_hash, truncated_before, anchor): (i64, String, i64, String) = conn
        .query_row(
            "SELECT head_id, head_hash, truncated_before, anchor_hash FROM chain WHERE id = 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .ctx("reading the chain head")?;
    let mut expected_prev = anchor;
    let mut rows = 0u64;
    let mut last_id = 0i64;
    let mut problem = None;
    let mut stmt = conn
        .prepare(&format!(
            "SELECT {COLUMNS}, {STORED_COLUMNS} FROM commands ORDER BY id"
        ))
        .ctx("preparing a scan")?;
    let mut scan = stmt.query([]).ctx("scanning")?;
    while let Some(row) = scan.next().ctx("reading a row")? {
        let r = row_to_record(row).ctx("reading a row")?;
        rows += 1;
        if r.prev_hash != expected_prev {
            problem = Some(Tamper::Broken { id: r.id });
        } else if chain_hash(&r.prev_hash, r.id, &r.entry) != r.hash
            || !stored_as_written(row, &r).ctx("reading a row")?
        {
            problem = Some(Tamper::Altered { id: r.id });
        }
        if problem.is_some() {
            break;
        }
        expected_prev = r.hash.clone();
        last_id = r.id;
    }
    // The newest rows must still be there: the last row is the recorded
    // head (unless retention removed everything up to and past it).
    let head_expected = head_id >= truncated_before.max(1);
    let head_ok = if rows == 0 {
        !head_expected
    } else {
        last_id == head_id && expected_prev == head_hash
    };
    if problem.is_none() && !head_ok {
        problem = Some(Tamper::HeadMissing {
            expected_head: head_id,
        });
    }
    Ok(Verification {
        rows,
        truncated_before,
        problem,
    })
}

// ---------------------------------------------------------------------------
// The writer thread
// ---------------------------------------------------------------------------

/// Who waits for which of the batch's ids.
enum Waiter {
    One(Ack),
    Many(usize, ManyAck),
}

/// Entries waiting to be written, in order, and their waiters.
#[derive(Default)]
struct Pending {
    entries: Vec<Entry>,
    waiters: Vec<Waiter>,
}

fn writer_loop(mut conn: Connection, mut rx: mpsc::Receiver<Msg>, batch: usize) {
    while let Some(first) = rx.blocking_recv() {
        let mut pending = Pending::default();
        let mut next = Some(first);
        while let Some(msg) = next.take() {
            match msg {
                Msg::Append(entry, ack) => {
                    pending.entries.push(*entry);
                    pending.waiters.push(Waiter::One(ack));
                }
                Msg::AppendMany(entries, ack) => {
                    pending.waiters.push(Waiter::Many(entries.len(), ack));
                    pending.entries.extend(entries);
                }
                Msg::Probe(ack) => {
                    flush(&mut conn, std::mem::take(&mut pending));
                    let _ = ack.send(probe(&mut conn));
                }
                Msg::Retain(retention, ack) => {
                    // Keep order: what was queued before the retention is
                    // written before it runs.
                    flush(&mut conn, std::mem::take(&mut pending));
                    let _ = ack.send(retain(&mut conn, retention));
                }
            }
            if pending.entries.len() < batch {
                next = rx.try_recv().ok();
            }
        }
        flush(&mut conn, pending);
    }
}

fn flush(conn: &mut Connection, pending: Pending) {
    if pending.entries.is_empty() {
        return;
    }
    match write_batch(conn, &pending.entries) {
        Ok(ids) => {
            let mut ids = ids.into_iter();
            for waiter in pending.waiters {
                match waiter {
                    Waiter::One(ack) => {
                        let _ = ack.send(ids.next().ok_or(HistoryError::Batch));
                    }
                    Waiter::Many(n, ack) => {
                        let _ = ack.send(Ok(ids.by_ref().take(n).collect()));
                    }
                }
            }
        }
        Err(error) => {
            tracing::error!(%error, rows = pending.entries.len(), "audit batch not written");
            let mut error = Some(error);
            for waiter in pending.waiters {
                let e = error.take().unwrap_or(HistoryError::Batch);
                let _ = match waiter {
                    Waiter::One(ack) => ack.send(Err(e)).is_ok(),
                    Waiter::Many(_, ack) => ack.send(Err(e)).is_ok(),
                };
            }
        }
    }
}

fn write_batch(conn: &mut Connection, entries: &[Entry]) -> Result<Vec<i64>, HistoryError> {
    let tx = conn.transaction().ctx("starting a batch")?;
    let (mut head_id, mut head_hash): (i64, String) = tx
        .query_row(
            "SELECT head_id, head_hash FROM chain WHERE id = 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .ctx("reading the chain head")?;
    let mut ids = Vec::with_capacity(entries.len());
    {
        let mut insert = tx
            .prepare_cached(
                "INSERT INTO commands (id, started_at, ended_at, duration_ms, host, actor, source, \
                 correlation_id, parent_id, subcommand, app, argv, mutating, outcome, exit_code, \
                 stdout, stdout_len, stderr, stderr_len, error, prev_hash, hash, target) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, \
                 ?17, ?18, ?19, ?20, ?21, ?22, ?23)",
            )
            .ctx("preparing the insert")?;
        for entry in entries {
            let id = head_id + 1;
            let hash = chain_hash(&head_hash, id, entry);
            let argv = serde_json::to_string(&entry.argv).unwrap_or_else(|_| "[]".to_owned());
            insert
                .execute(params![
                    id,
                    entry.started_at,
                    entry.ended_at,
                    entry.duration_ms(),
                    entry.host,
                    entry.actor,
                    entry.source.as_str(),
                    entry.correlation_id,
                    entry.parent_id,
                    entry.subcommand,
                    entry.app,
                    argv,
                    entry.mutating,
                    entry.outcome.as_str(),
                    entry.exit_code,
                    entry.stdout,
                    entry.stdout_len,
                    entry.stderr,
                    entry.stderr_len,
                    entry.error,
                    head_hash,
                    hash,
                    entry.target,
                ])
                .ctx("inserting a record")?;
            head_id = id;
            head_hash = hash;
            ids.push(id);
        }
    }
    // Index the whole batch for search in one statement.
    tx.execute(
        "INSERT INTO commands_fts(rowid, argv, stderr) \
         SELECT id, argv, stderr FROM commands WHERE id > ?1",
        [ids.first().map_or(head_id, |first| first - 1)],
    )
    .ctx("indexing the batch for search")?;
    tx.execute(
        "UPDATE chain SET head_id = ?1, head_hash = ?2 WHERE id = 1",
        params![head_id, head_hash],
    )
    .ctx("advancing the chain head")?;
    tx.commit().ctx("committing a batch")?;
    Ok(ids)
}

// A row of typical size, inserted and rolled back: it needs the same room
// and locks a real record does.
fn probe(conn: &mut Connection) -> Result<(), HistoryError> {
    let tx = conn.transaction().ctx("starting a probe")?;
    let filler = "x".repeat(2048);
    tx.execute(
        "INSERT INTO commands (id, started_at, ended_at, duration_ms, host, actor, source, \
         subcommand, argv, mutating, outcome, stdout, stdout_len, stderr, stderr_len, prev_hash, hash) \
         VALUES ((SELECT COALESCE(MAX(id), 0) + 1 FROM commands), 0, 0, 0, '', '', 'other', \
         'probe', '[]', 0, 'ok', ?1, 0, ?1, 0, '', '')",
        [&filler],
    )
    .ctx("probing for room")?;
    tx.execute(
        "INSERT INTO commands_fts(rowid, argv, stderr) \
         SELECT id, argv, stderr FROM commands WHERE id = (SELECT MAX(id) FROM commands)",
        [],
    )
    .ctx("probing for room")?;
    // FTS5 keeps the row's index entries in memory until the commit, which
    // a probe never reaches: write them now, so the probe needs the pages a
    // real commit does.
    tx.execute(
        "INSERT INTO commands_fts(commands_fts) VALUES ('flush')",
        [],
    )
    .ctx("probing for room")?;
    tx.rollback().ctx("rolling back a probe")
}

fn retain(conn: &mut Connection, retention: Retention) -> Result<u64, HistoryError> {
    let tx = conn.transaction().ctx("starting retention")?;
    let mut cutoff_id: i64 = 0;
    if let Some(age) = retention.older_than_ms {
        // The chain can only lose a prefix, and ids follow completion, not
        // start: a long deploy that started before the cutoff may finish
        // after newer commands. Delete only up to the first row that is
        // new enough, keeping a few old rows rather than losing new ones.
        let first_new: Option<i64> = tx
            .query_row(
                "SELECT MIN(id) FROM commands WHERE started_at >= ?1",
                [age],
                |r| r.get(0),
            )
            .ctx("finding the first recent row")?;
        let id = match first_new {
            Some(first) => Some(first - 1),
            None => tx
                .query_row("SELECT MAX(id) FROM commands", [], |r| r.get(0))
                .ctx("finding old rows")?,
        };
        cutoff_id = cutoff_id.max(id.unwrap_or(0));
    }
    if let Some(keep) = retention.max_rows {
        let id: Option<i64> = tx
            .query_row(
                "SELECT id FROM commands ORDER BY id DESC LIMIT 1 OFFSET ?1",
                [i64::try_from(keep).unwrap_or(i64::MAX)],
                |r| r.get(0),
            )
            .optional()
            .ctx("finding surplus rows")?;
        cutoff_id = cutoff_id.max(id.unwrap_or(0));
    }
    if cutoff_id == 0 {
        return Ok(0);
    }
    // The chain stays verifiable from the first kept row: its prev_hash is
    // the new anchor, and where the cut was made is recorded.
    let anchor: Option<(i64, String)> = tx
        .query_row(
            "SELECT id, prev_hash FROM commands WHERE id > ?1 ORDER BY id LIMIT 1",
            [cutoff_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()
        .ctx("finding the new anchor")?;
    let deleted = tx
        .execute("DELETE FROM commands WHERE id <= ?1", [cutoff_id])
        .ctx("deleting old rows")?;
    let (first_kept, anchor_hash) = match anchor {
        Some(a) => a,
        // Everything went: the next row chains from the current head.
        None => {
            let head: String = tx
                .query_row("SELECT head_hash FROM chain WHERE id = 1", [], |r| r.get(0))
                .ctx("reading the chain head")?;
            (cutoff_id + 1, head)
        }
    };
    tx.execute(
        "UPDATE chain SET truncated_before = ?1, anchor_hash = ?2 WHERE id = 1",
        params![first_kept, anchor_hash],
    )
    .ctx("recording the truncation")?;
    tx.commit().ctx("committing retention")?;
    Ok(deleted as u64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::GENESIS;

    #[test]
    fn csv_cells_that_would_run_are_neutralised() {
        assert_eq!(neutralise("=SUM(A1)"), "'=SUM(A1)");
        assert_eq!(neutralise("+1"), "'+1");
        assert_eq!(neutralise("-cmd"), "'-cmd");
        assert_eq!(neutralise("@x"), "'@x");
        assert_eq!(neutralise("apps:list"), "apps:list");
    }

    #[test]
    fn genesis_is_a_sha256_width_string_of_zeros() {
        assert_eq!(GENESIS.len(), 64);
    }
}
