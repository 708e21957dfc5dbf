//! The SQLite backend: one file, its writer thread and its queries.
//!
//! Writes never block the async runtime: `append` hands the entry to a
//! dedicated writer thread over a bounded channel and awaits its
//! acknowledgement. The thread takes everything waiting in the channel and
//! writes it in one transaction (hundreds of thousands of rows a second),
//! extending the hash chain as it goes. An entry is durable once
//! acknowledged; a crash loses at most what was not yet acknowledged.
//!
//! Every write transaction starts `IMMEDIATE`: it takes SQLite's write
//! lock before reading the chain head, so writers in other processes
//! queue behind it (up to the busy timeout) instead of failing on a stale
//! snapshot.
//!
//! Reads use their own connection (WAL lets them run beside the writer) on
//! tokio's blocking pool.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use rusqlite::{params, Connection, OptionalExtension, Row, TransactionBehavior};
use tokio::sync::mpsc;

use crate::error::{Context, HistoryError};
use crate::model::{
    record_of_row, retention_cut, stats_of, ChainState, ChainWalk, CsvExport, Cursor, HostStats,
    Page, Query, Retention, Search, StoreOptions, SubcommandStats, Term, Verification, COLUMNS,
    DEFAULT_PAGE, STORED_COLUMNS,
};
use crate::record::{chain_hash, Entry, Record};
use crate::schema;
use crate::writer::{Msg, Pending, Step};

/// The SQLite store: one file, one writer thread, shared by clones.
#[derive(Debug, Clone)]
pub(crate) struct SqliteStore {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    path: PathBuf,
    options: StoreOptions,
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

impl SqliteStore {
    /// Open (or create) the file, migrating it to the current schema.
    pub fn open_with(path: &Path, options: StoreOptions) -> Result<Self, HistoryError> {
        let path = path.to_path_buf();
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
                options,
                tx,
                reader: Arc::new(Mutex::new(reader)),
                writer: Mutex::new(Some(handle)),
            }),
        })
    }

    pub fn path(&self) -> &Path {
        &self.inner.path
    }

    pub async fn send(&self, msg: Msg) -> Result<(), HistoryError> {
        self.inner
            .tx
            .send(msg)
            .await
            .map_err(|_| HistoryError::Closed)
    }

    async fn read<T, F>(&self, f: F) -> Result<T, HistoryError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T, HistoryError> + Send + 'static,
    {
        let reader = Arc::clone(&self.inner.reader);
        tokio::task::spawn_blocking(move || {
            let mut conn = reader
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            f(&mut conn)
        })
        .await
        .map_err(|_| HistoryError::Closed)?
    }

    pub async fn query(&self, query: Query) -> Result<Page, HistoryError> {
        self.read(move |conn| run_query(conn, &query)).await
    }

    /// Nothing to do: SQLite's plans for these queries follow the indexes
    /// whatever the table holds.
    pub async fn refresh_statistics(&self) -> Result<(), HistoryError> {
        Ok(())
    }

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

    /// Full-text search (FTS5) over argv and stderr, most recently
    /// recorded first; a [`Search`] rendered as FTS5 phrases (words hold
    /// only letters and digits, so nothing typed is FTS syntax).
    pub async fn search(&self, text: &str, limit: usize) -> Result<Vec<Record>, HistoryError> {
        let Some(search) = Search::parse(text) else {
            return Ok(Vec::new());
        };
        let expr = fts5_query(&search);
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
            Ok(stats_of(by))
        })
        .await
    }

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

    pub async fn verify(&self) -> Result<Verification, HistoryError> {
        self.read(verify_chain).await
    }

    pub async fn export_jsonl<W: Write + Send + 'static>(
        &self,
        mut out: W,
    ) -> Result<W, HistoryError> {
        self.read(move |conn| {
            for_each_record(conn, |record| crate::model::write_jsonl(&mut out, record))?;
            Ok(out)
        })
        .await
    }

    pub async fn export_csv<W: Write + Send + 'static>(&self, out: W) -> Result<W, HistoryError> {
        self.read(move |conn| {
            let mut csv = CsvExport::new(out)?;
            for_each_record(conn, |r| csv.write(r))?;
            csv.finish()
        })
        .await
    }

    /// The chain's bookkeeping row.
    pub async fn chain_state(&self) -> Result<ChainState, HistoryError> {
        self.read(|conn| read_chain(conn)).await
    }

    /// Up to `limit` records after id `after`, oldest first.
    pub async fn records_after(
        &self,
        after: i64,
        limit: usize,
    ) -> Result<Vec<Record>, HistoryError> {
        self.read(move |conn| {
            let mut stmt = conn
                .prepare_cached(&format!(
                    "SELECT {COLUMNS} FROM commands WHERE id > ?1 ORDER BY id LIMIT ?2"
                ))
                .ctx("preparing a scan")?;
            let rows = stmt
                .query_map(params![after, limit as i64], row_to_record)
                .ctx("scanning")?;
            rows.collect::<Result<Vec<_>, _>>().ctx("reading a row")
        })
        .await
    }

    /// Copy records verbatim (ids and hashes kept) onto the chain. With
    /// `start`, the store must be empty and takes that chain's cut first.
    pub async fn import(
        &self,
        start: Option<ChainState>,
        records: Vec<Record>,
    ) -> Result<(), HistoryError> {
        let path = self.inner.path.clone();
        let options = self.inner.options.clone();
        tokio::task::spawn_blocking(move || {
            let mut conn = open_connection(&path, &options)?;
            import(&mut conn, start.as_ref(), &records)
        })
        .await
        .map_err(|_| HistoryError::Closed)?
    }
}

fn read_chain(conn: &Connection) -> Result<ChainState, HistoryError> {
    conn.query_row(
        "SELECT head_id, head_hash, truncated_before, anchor_hash FROM chain WHERE id = 1",
        [],
        |r| {
            Ok(ChainState {
                head_id: r.get(0)?,
                head_hash: r.get(1)?,
                truncated_before: r.get(2)?,
                anchor_hash: r.get(3)?,
            })
        },
    )
    .ctx("reading the chain head")
}

fn row_to_record(row: &Row<'_>) -> rusqlite::Result<Record> {
    Ok(record_of_row!(row, get))
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
    let limit = q.limit.unwrap_or(DEFAULT_PAGE).max(1);
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
    if !q.subcommands.is_empty() {
        let mut any = Vec::with_capacity(q.subcommands.len());
        for subcommand in &q.subcommands {
            values.push(subcommand.clone().into());
            any.push(format!("?{}", values.len()));
        }
        clauses.push(format!("subcommand IN ({})", any.join(", ")));
    }
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
        records.last().map(Cursor::of)
    } else {
        None
    };
    Ok(Page { records, next })
}

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

fn verify_chain(conn: &mut Connection) -> Result<Verification, HistoryError> {
    // One read transaction: the chain row and the rows come from the same
    // snapshot, so a batch committed meanwhile is not a missing head.
    let tx = conn.transaction().ctx("starting a verification")?;
    let chain = read_chain(&tx)?;
    let mut walk = ChainWalk::new(&chain);
    {
        let mut stmt = tx
            .prepare(&format!(
                "SELECT {COLUMNS}, {STORED_COLUMNS} FROM commands ORDER BY id"
            ))
            .ctx("preparing a scan")?;
        let mut scan = stmt.query([]).ctx("scanning")?;
        while let Some(row) = scan.next().ctx("reading a row")? {
            let r = row_to_record(row).ctx("reading a row")?;
            let as_written = stored_as_written(row, &r).ctx("reading a row")?;
            if !walk.step(&r, as_written) {
                break;
            }
        }
    }
    tx.finish().ctx("ending a verification")?;
    Ok(walk.finish(&chain))
}

// ---------------------------------------------------------------------------
// The writer thread
// ---------------------------------------------------------------------------

fn writer_loop(mut conn: Connection, mut rx: mpsc::Receiver<Msg>, batch: usize) {
    while let Some(first) = rx.blocking_recv() {
        let mut pending = Pending::default();
        let mut next = Some(first);
        while let Some(msg) = next.take() {
            match pending.take(msg) {
                Step::Queued => {}
                Step::Probe(ack) => {
                    flush(&mut conn, std::mem::take(&mut pending));
                    let _ = ack.send(probe(&mut conn));
                }
                Step::Retain(retention, ack) => {
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
    let result = write_batch(conn, &pending.entries);
    pending.deliver(result);
}

/// A write transaction that holds SQLite's write lock from its first
/// statement: the chain head it reads is the one it extends, whichever
/// process writes next.
fn begin_write(conn: &mut Connection) -> Result<rusqlite::Transaction<'_>, HistoryError> {
    conn.transaction_with_behavior(TransactionBehavior::Immediate)
        .ctx("starting a write")
}

const INSERT: &str = "INSERT INTO commands (id, started_at, ended_at, duration_ms, host, actor, \
    source, correlation_id, parent_id, subcommand, app, argv, mutating, outcome, exit_code, \
    stdout, stdout_len, stderr, stderr_len, error, prev_hash, hash, target) \
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, \
    ?17, ?18, ?19, ?20, ?21, ?22, ?23)";

/// Insert one row exactly as the writer stores a record.
fn insert_row(insert: &mut rusqlite::CachedStatement<'_>, r: &Record) -> rusqlite::Result<usize> {
    insert_parts(insert, r.id, &r.entry, &r.prev_hash, &r.hash)
}

fn insert_parts(
    insert: &mut rusqlite::CachedStatement<'_>,
    id: i64,
    entry: &Entry,
    prev_hash: &str,
    hash: &str,
) -> rusqlite::Result<usize> {
    let argv = serde_json::to_string(&entry.argv).unwrap_or_else(|_| "[]".to_owned());
    insert.execute(params![
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
        prev_hash,
        hash,
        entry.target,
    ])
}

fn write_batch(conn: &mut Connection, entries: &[Entry]) -> Result<Vec<i64>, HistoryError> {
    let tx = begin_write(conn)?;
    let (mut head_id, mut head_hash): (i64, String) = tx
        .query_row(
            "SELECT head_id, head_hash FROM chain WHERE id = 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .ctx("reading the chain head")?;
    let mut ids = Vec::with_capacity(entries.len());
    {
        let mut insert = tx.prepare_cached(INSERT).ctx("preparing the insert")?;
        for entry in entries {
            let id = head_id + 1;
            let hash = chain_hash(&head_hash, id, entry);
            insert_parts(&mut insert, id, entry, &head_hash, &hash).ctx("inserting a record")?;
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
    let tx = begin_write(conn)?;
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
    let tx = begin_write(conn)?;
    let first_new: Option<i64> = match retention.older_than_ms {
        Some(age) => tx
            .query_row(
                "SELECT MIN(id) FROM commands WHERE started_at >= ?1",
                [age],
                |r| r.get(0),
            )
            .ctx("finding the first recent row")?,
        None => None,
    };
    let newest: Option<i64> = tx
        .query_row("SELECT MAX(id) FROM commands", [], |r| r.get(0))
        .ctx("finding old rows")?;
    let surplus: Option<i64> = match retention.max_rows {
        Some(keep) => tx
            .query_row(
                "SELECT id FROM commands ORDER BY id DESC LIMIT 1 OFFSET ?1",
                [i64::try_from(keep).unwrap_or(i64::MAX)],
                |r| r.get(0),
            )
            .optional()
            .ctx("finding surplus rows")?,
        None => None,
    };
    let cutoff_id = retention_cut(retention, first_new, newest, surplus);
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

// ---------------------------------------------------------------------------
// Copying a trail in
// ---------------------------------------------------------------------------

fn import(
    conn: &mut Connection,
    start: Option<&ChainState>,
    records: &[Record],
) -> Result<(), HistoryError> {
    let tx = begin_write(conn)?;
    let mut chain = read_chain(&tx)?;
    if let Some(start) = start {
        let rows: i64 = tx
            .query_row("SELECT COUNT(*) FROM commands", [], |r| r.get(0))
            .ctx("counting rows")?;
        if rows > 0 || chain != ChainState::empty() {
            return Err(HistoryError::Migrate(
                "the destination already holds a trail".to_owned(),
            ));
        }
        let (head_id, head_hash) = start.import_head();
        tx.execute(
            "UPDATE chain SET head_id = ?1, head_hash = ?2, truncated_before = ?3, \
             anchor_hash = ?4 WHERE id = 1",
            params![
                head_id,
                head_hash,
                start.truncated_before,
                start.anchor_hash
            ],
        )
        .ctx("starting the copied chain")?;
        chain.head_id = head_id;
        chain.head_hash = head_hash;
    }
    {
        let mut insert = tx.prepare_cached(INSERT).ctx("preparing the insert")?;
        for r in records {
            crate::model::check_link(&chain, r)?;
            insert_row(&mut insert, r).ctx("copying a record")?;
            chain.head_id = r.id;
            chain.head_hash.clone_from(&r.hash);
        }
    }
    if let (Some(first), Some(_)) = (records.first(), records.last()) {
        tx.execute(
            "INSERT INTO commands_fts(rowid, argv, stderr) \
             SELECT id, argv, stderr FROM commands WHERE id >= ?1",
            [first.id],
        )
        .ctx("indexing copied records for search")?;
    }
    tx.execute(
        "UPDATE chain SET head_id = ?1, head_hash = ?2 WHERE id = 1",
        params![chain.head_id, chain.head_hash],
    )
    .ctx("advancing the chain head")?;
    tx.commit().ctx("committing a copy")
}

/// A [`Search`] as an FTS5 query: each term a quoted phrase (`*` after it
/// for a prefix), the terms of an alternative joined by `AND`,
/// alternatives by `OR`.
fn fts5_query(search: &Search) -> String {
    let phrase = |term: &Term| {
        let star = if term.prefix { " *" } else { "" };
        format!("\"{}\"{star}", term.words.join(" "))
    };
    search.render(phrase, " AND ", " OR ")
}
