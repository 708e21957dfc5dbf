//! The PostgreSQL backend: the shared trail that several processes — on
//! several machines — append to at once.
//!
//! The chain is serialised in the database, not in a process: every write
//! transaction (a batch of appends, retention, the writability probe, a
//! copied chunk) starts by locking the single `chain` row with
//! `SELECT … FOR UPDATE`. The next writer, in this process or another,
//! waits on that row lock (up to the busy timeout, as `lock_timeout`) and
//! then reads the head the previous one committed, so ids stay consecutive
//! and each row's `prev_hash` is the hash of the row before it. Within a
//! process, a writer task batches whatever is waiting into one transaction
//! (one multi-row `INSERT … SELECT FROM UNNEST`), as the SQLite writer
//! thread does.
//!
//! Reads take a connection from a small pool. `verify` and the exports
//! run in one `REPEATABLE READ` transaction, so the chain row and the rows
//! they walk come from one snapshot.
//!
//! Full-text search is PostgreSQL's own: a `tsvector` column with a GIN
//! index, matched with `@@`. The lexemes are cut here, not by a text
//! search configuration, so that they are exactly FTS5's words on SQLite
//! (alphanumeric runs, lowercased) and a search finds the same records on
//! both backends: argv's words first, then stderr's after a gap, so a
//! phrase never spans the two. PostgreSQL keeps positions up to 16383 and
//! lexemes up to 2 KiB; past those, phrases are matched less exactly and
//! over-long words are not indexed.

use std::collections::BTreeMap;
use std::fmt;
use std::io::Write;
use std::str::FromStr;
use std::sync::{Arc, Mutex};

use futures_util::{pin_mut, TryStreamExt};
use tokio::sync::{mpsc, OwnedSemaphorePermit, Semaphore};
use tokio_postgres::config::Host;
use tokio_postgres::types::ToSql;
use tokio_postgres::{Client, Config, GenericClient, IsolationLevel, NoTls, Row, Statement};

use crate::error::{Context, HistoryError};
use crate::model::{
    check_link, record_of_row, retention_cut, search_words, stats_of, ChainState, ChainWalk,
    CsvExport, Cursor, HostStats, Page, Query, Retention, Search, StoreOptions, SubcommandStats,
    Term, Verification, COLUMNS, DEFAULT_PAGE, STORED_COLUMNS,
};
use crate::record::{chain_hash, Entry, Record, GENESIS};
use crate::writer::{Msg, Pending, Step};

/// The schema version this build writes. PostgreSQL's versions are its
/// own: version 2 here is SQLite's version 5 (the `target` column).
pub const CURRENT: i32 = 2;

/// The migrations: index `i` moves a database from version `i` to `i + 1`.
/// The same tables as SQLite's, so one set of queries (and of tests) fits
/// both; the search index is a `tsvector` column instead of an FTS5 table.
const MIGRATIONS: &[&str] = &[
    "CREATE TABLE commands (
        id BIGINT PRIMARY KEY,
        started_at BIGINT NOT NULL,
        ended_at BIGINT NOT NULL,
        duration_ms BIGINT NOT NULL,
        host TEXT NOT NULL,
        actor TEXT NOT NULL,
        source TEXT NOT NULL,
        correlation_id TEXT,
        parent_id BIGINT,
        subcommand TEXT NOT NULL,
        app TEXT,
        argv TEXT NOT NULL,
        mutating BOOLEAN NOT NULL,
        outcome TEXT NOT NULL,
        exit_code INTEGER,
        stdout TEXT NOT NULL,
        stdout_len BIGINT NOT NULL,
        stderr TEXT NOT NULL,
        stderr_len BIGINT NOT NULL,
        error TEXT,
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL,
        search TSVECTOR NOT NULL
    );
    CREATE INDEX commands_time ON commands(started_at DESC, id DESC);
    CREATE INDEX commands_app ON commands(app, started_at DESC, id DESC);
    CREATE INDEX commands_host ON commands(host, started_at DESC, id DESC);
    CREATE INDEX commands_actor ON commands(actor, started_at DESC, id DESC);
    CREATE INDEX commands_outcome ON commands(outcome, started_at DESC, id DESC);
    CREATE INDEX commands_subcommand ON commands(subcommand, started_at DESC, id DESC);
    CREATE INDEX commands_search ON commands USING GIN (search);
    CREATE TABLE chain (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        head_id BIGINT NOT NULL,
        head_hash TEXT NOT NULL,
        truncated_before BIGINT NOT NULL,
        anchor_hash TEXT NOT NULL
    );",
    // 2 (SQLite's 5): where a fleet host was reached, beside its registry
    // name in `host`. Nullable: older rows have none and hash as they did.
    "ALTER TABLE commands ADD COLUMN target TEXT;",
];

/// The advisory lock class that serialises migrations between processes
/// (`dokk` in ASCII); the other half of the key is the schema's, so
/// trails in different schemas of one database migrate independently.
const MIGRATION_LOCK: i32 = 0x646f_6b6b;

const LOCK_HEAD: &str = "SELECT head_id, head_hash FROM chain WHERE id = 1 FOR UPDATE";
const ADVANCE_HEAD: &str = "UPDATE chain SET head_id = $1, head_hash = $2 WHERE id = 1";

/// Every row of a batch in one statement: one array per column.
const INSERT: &str = "INSERT INTO commands (id, started_at, ended_at, duration_ms, host, actor, \
    source, correlation_id, parent_id, subcommand, app, argv, mutating, outcome, exit_code, \
    stdout, stdout_len, stderr, stderr_len, error, prev_hash, hash, search, target) \
    SELECT id, started_at, ended_at, duration_ms, host, actor, source, correlation_id, parent_id, \
    subcommand, app, argv, mutating, outcome, exit_code, stdout, stdout_len, stderr, stderr_len, \
    error, prev_hash, hash, search::tsvector, target \
    FROM UNNEST($1::int8[], $2::int8[], $3::int8[], $4::int8[], $5::text[], $6::text[], \
    $7::text[], $8::text[], $9::int8[], $10::text[], $11::text[], $12::text[], $13::bool[], \
    $14::text[], $15::int4[], $16::text[], $17::int8[], $18::text[], $19::int8[], $20::text[], \
    $21::text[], $22::text[], $23::text[], $24::text[]) \
    AS t(id, started_at, ended_at, duration_ms, host, actor, source, correlation_id, parent_id, \
    subcommand, app, argv, mutating, outcome, exit_code, stdout, stdout_len, stderr, stderr_len, \
    error, prev_hash, hash, search, target)";

/// How to open a connection.
#[derive(Clone)]
struct Connector {
    config: Config,
    lock_timeout_ms: u128,
}

impl Connector {
    async fn open(&self) -> Result<Client, HistoryError> {
        let (client, connection) = self
            .config
            .connect(NoTls)
            .await
            .ctx("connecting to PostgreSQL")?;
        tokio::spawn(async move {
            if let Err(error) = connection.await {
                tracing::warn!(%error, "audit database connection ended");
            }
        });
        // 0 would mean "wait forever" to PostgreSQL.
        let ms = self.lock_timeout_ms.max(1);
        client
            .batch_execute(&format!("SET lock_timeout = {ms}"))
            .await
            .ctx("setting the lock timeout")?;
        Ok(client)
    }
}

/// A few idle connections for reads, and a bound on how many are open.
struct Pool {
    connector: Connector,
    idle: Arc<Mutex<Vec<Client>>>,
    permits: Arc<Semaphore>,
}

/// A connection borrowed from the pool; back to it when dropped, unless it
/// broke.
struct Pooled {
    client: Option<Client>,
    idle: Arc<Mutex<Vec<Client>>>,
    _permit: OwnedSemaphorePermit,
}

impl Pooled {
    fn client(&mut self) -> Result<&mut Client, HistoryError> {
        self.client.as_mut().ok_or(HistoryError::Closed)
    }
}

impl Drop for Pooled {
    fn drop(&mut self) {
        if let Some(client) = self.client.take().filter(|c| !c.is_closed()) {
            if let Ok(mut idle) = self.idle.lock() {
                idle.push(client);
            }
        }
    }
}

impl Pool {
    async fn get(&self) -> Result<Pooled, HistoryError> {
        let permit = Arc::clone(&self.permits)
            .acquire_owned()
            .await
            .map_err(|_| HistoryError::Closed)?;
        let idle = loop {
            let next = self.idle.lock().ok().and_then(|mut idle| idle.pop());
            match next {
                Some(client) if client.is_closed() => continue,
                other => break other,
            }
        };
        let client = match idle {
            Some(client) => client,
            None => self.connector.open().await?,
        };
        Ok(Pooled {
            client: Some(client),
            idle: Arc::clone(&self.idle),
            _permit: permit,
        })
    }
}

/// The PostgreSQL store: a writer task and a read pool, shared by clones.
#[derive(Clone)]
pub(crate) struct PgStore {
    inner: Arc<Inner>,
}

struct Inner {
    location: String,
    tx: mpsc::Sender<Msg>,
    pool: Pool,
}

impl fmt::Debug for PgStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PgStore")
            .field("location", &self.inner.location)
            .finish_non_exhaustive()
    }
}

/// `postgresql://user@host:port/db`, never the password.
fn location_of(config: &Config) -> String {
    let host = match config.get_hosts().first() {
        Some(Host::Tcp(name)) => name.clone(),
        #[cfg(unix)]
        Some(Host::Unix(path)) => path.display().to_string(),
        None => "localhost".to_owned(),
    };
    let port = config
        .get_ports()
        .first()
        .map(|p| format!(":{p}"))
        .unwrap_or_default();
    let user = config
        .get_user()
        .map(|u| format!("{u}@"))
        .unwrap_or_default();
    let db = config.get_dbname().unwrap_or_default();
    format!("postgresql://{user}{host}{port}/{db}")
}

impl PgStore {
    pub async fn connect(url: &str, options: StoreOptions) -> Result<Self, HistoryError> {
        // The driver's parse errors name the bad part, never the password.
        let config = Config::from_str(url).map_err(|e| {
            HistoryError::Location(format!("not a PostgreSQL connection string: {e}"))
        })?;
        let connector = Connector {
            config,
            lock_timeout_ms: options.busy_timeout.as_millis(),
        };
        let mut client = connector.open().await?;
        migrate(&mut client).await?;
        let writer = WriterConn::prepare(client).await?;
        let (tx, rx) = mpsc::channel(options.queue.max(1));
        tokio::spawn(writer_loop(
            connector.clone(),
            Some(writer),
            rx,
            options.batch.max(1),
        ));
        Ok(Self {
            inner: Arc::new(Inner {
                location: location_of(&connector.config),
                tx,
                pool: Pool {
                    connector,
                    idle: Arc::new(Mutex::new(Vec::new())),
                    permits: Arc::new(Semaphore::new(options.read_connections.max(1))),
                },
            }),
        })
    }

    pub fn location(&self) -> String {
        self.inner.location.clone()
    }

    pub async fn send(&self, msg: Msg) -> Result<(), HistoryError> {
        self.inner
            .tx
            .send(msg)
            .await
            .map_err(|_| HistoryError::Closed)
    }

    /// `ANALYZE commands`: without statistics the planner walks the whole
    /// primary key backwards for a rare search word (measured: 25 ms at 1M
    /// rows, against 1 ms through the GIN index once analyzed).
    pub async fn refresh_statistics(&self) -> Result<(), HistoryError> {
        let mut conn = self.inner.pool.get().await?;
        conn.client()?
            .batch_execute("ANALYZE commands")
            .await
            .ctx("analyzing the commands table")
    }

    pub async fn query(&self, q: Query) -> Result<Page, HistoryError> {
        let limit = q.limit.unwrap_or(DEFAULT_PAGE).max(1);
        let mut clauses: Vec<String> = Vec::new();
        let mut values: Vec<Box<dyn ToSql + Sync + Send>> = Vec::new();
        let mut text = |column: &str, value: Option<String>| {
            if let Some(v) = value {
                values.push(Box::new(v));
                clauses.push(format!("{column} = ${}", values.len()));
            }
        };
        text("app", q.app);
        text("host", q.host);
        text("actor", q.actor);
        text("subcommand", q.subcommand);
        text("outcome", q.outcome.map(|o| o.as_str().to_owned()));
        if !q.subcommands.is_empty() {
            values.push(Box::new(q.subcommands));
            clauses.push(format!("subcommand = ANY(${})", values.len()));
        }
        if let Some(since) = q.since_ms {
            values.push(Box::new(since));
            clauses.push(format!("started_at >= ${}", values.len()));
        }
        if let Some(until) = q.until_ms {
            values.push(Box::new(until));
            clauses.push(format!("started_at < ${}", values.len()));
        }
        if let Some(cursor) = q.after {
            values.push(Box::new(cursor.started_at));
            values.push(Box::new(cursor.id));
            clauses.push(format!(
                "(started_at, id) < (${}, ${})",
                values.len() - 1,
                values.len()
            ));
        }
        values.push(Box::new(
            i64::try_from(limit).unwrap_or(i64::MAX).saturating_add(1),
        ));
        let filter = if clauses.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", clauses.join(" AND "))
        };
        let sql = format!(
            "SELECT {COLUMNS} FROM commands {filter} ORDER BY started_at DESC, id DESC LIMIT ${}",
            values.len()
        );
        let params: Vec<&(dyn ToSql + Sync)> = values
            .iter()
            .map(|v| v.as_ref() as &(dyn ToSql + Sync))
            .collect();
        let mut conn = self.inner.pool.get().await?;
        let rows = conn.client()?.query(&sql, &params).await.ctx("querying")?;
        let mut records = records_of(&rows)?;
        // One row more than asked says whether another page exists.
        let next = if records.len() > limit {
            records.truncate(limit);
            records.last().map(Cursor::of)
        } else {
            None
        };
        Ok(Page { records, next })
    }

    pub async fn get(&self, id: i64) -> Result<Option<Record>, HistoryError> {
        let mut conn = self.inner.pool.get().await?;
        let row = conn
            .client()?
            .query_opt(
                &format!("SELECT {COLUMNS} FROM commands WHERE id = $1"),
                &[&id],
            )
            .await
            .ctx("reading a record")?;
        row.as_ref()
            .map(row_to_record)
            .transpose()
            .ctx("reading a record")
    }

    pub async fn search(&self, text: &str, limit: usize) -> Result<Vec<Record>, HistoryError> {
        let Some(search) = Search::parse(text) else {
            return Ok(Vec::new());
        };
        let query = tsquery(&search);
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let mut conn = self.inner.pool.get().await?;
        let rows = conn
            .client()?
            .query(
                &format!(
                    "SELECT {COLUMNS} FROM commands WHERE search @@ $1::text::tsquery \
                     ORDER BY id DESC LIMIT $2"
                ),
                &[&query, &limit],
            )
            .await
            .ctx("searching")?;
        records_of(&rows)
    }

    pub async fn stats(&self) -> Result<Vec<SubcommandStats>, HistoryError> {
        let mut conn = self.inner.pool.get().await?;
        let rows = conn
            .client()?
            .query(
                "SELECT subcommand, count(*) FILTER (WHERE outcome <> 'ok'), \
                 array_agg(duration_ms ORDER BY duration_ms) \
                 FROM commands GROUP BY subcommand",
                &[],
            )
            .await
            .ctx("reading stats")?;
        let mut by: BTreeMap<String, (u64, Vec<i64>)> = BTreeMap::new();
        for row in rows {
            let failures: i64 = row.try_get(1).ctx("reading stats")?;
            by.insert(
                row.try_get(0).ctx("reading stats")?,
                (
                    u64::try_from(failures).unwrap_or(0),
                    row.try_get(2).ctx("reading stats")?,
                ),
            );
        }
        Ok(stats_of(by))
    }

    /// Per host, as SQLite's: the target from the host's newest row (by
    /// id) that has one, whatever its start.
    pub async fn host_stats(&self, since_ms: Option<i64>) -> Result<Vec<HostStats>, HistoryError> {
        let since = since_ms.unwrap_or(i64::MIN);
        let mut conn = self.inner.pool.get().await?;
        let rows = conn
            .client()?
            .query(
                "SELECT host, count(*), count(*) FILTER (WHERE outcome <> 'ok'), \
                 count(*) FILTER (WHERE mutating), min(started_at), max(started_at), \
                 (SELECT t.target FROM commands t WHERE t.host = c.host \
                  AND t.target IS NOT NULL ORDER BY t.id DESC LIMIT 1) \
                 FROM commands c WHERE started_at >= $1 GROUP BY host",
                &[&since],
            )
            .await
            .ctx("reading host stats")?;
        let count = |row: &Row, i: usize| -> Result<u64, HistoryError> {
            let n: i64 = row.try_get(i).ctx("reading host stats")?;
            Ok(u64::try_from(n).unwrap_or(0))
        };
        rows.iter()
            .map(|row| {
                Ok(HostStats {
                    host: row.try_get(0).ctx("reading host stats")?,
                    count: count(row, 1)?,
                    failures: count(row, 2)?,
                    mutating: count(row, 3)?,
                    first_at: row.try_get(4).ctx("reading host stats")?,
                    last_at: row.try_get(5).ctx("reading host stats")?,
                    target: row.try_get(6).ctx("reading host stats")?,
                })
            })
            .collect()
    }

    pub async fn verify(&self) -> Result<Verification, HistoryError> {
        let mut conn = self.inner.pool.get().await?;
        let tx = snapshot(conn.client()?).await?;
        let chain = read_chain(&tx).await?;
        let mut walk = ChainWalk::new(&chain);
        {
            let rows = tx
                .query_raw(
                    &format!("SELECT {COLUMNS}, {STORED_COLUMNS} FROM commands ORDER BY id"),
                    no_params(),
                )
                .await
                .ctx("scanning")?;
            pin_mut!(rows);
            while let Some(row) = rows.try_next().await.ctx("reading a row")? {
                let r = row_to_record(&row).ctx("reading a row")?;
                let as_written = stored_as_written(&row, &r).ctx("reading a row")?;
                if !walk.step(&r, as_written) {
                    break;
                }
            }
        }
        tx.rollback().await.ctx("ending a verification")?;
        Ok(walk.finish(&chain))
    }

    /// Feed every record, oldest first and from one snapshot, to `write`
    /// on the blocking pool (it writes to a `std::io::Write`), a chunk at
    /// a time.
    async fn for_each_record<S: Send + 'static>(
        &self,
        mut state: S,
        write: fn(&mut S, &Record) -> Result<(), HistoryError>,
    ) -> Result<S, HistoryError> {
        const CHUNK: usize = 1000;
        let mut conn = self.inner.pool.get().await?;
        let tx = snapshot(conn.client()?).await?;
        {
            let rows = tx
                .query_raw(
                    &format!("SELECT {COLUMNS} FROM commands ORDER BY id"),
                    no_params(),
                )
                .await
                .ctx("scanning")?;
            pin_mut!(rows);
            let mut chunk = Vec::with_capacity(CHUNK);
            loop {
                let row = rows.try_next().await.ctx("reading a row")?;
                let end = row.is_none();
                if let Some(row) = row {
                    chunk.push(row_to_record(&row).ctx("reading a row")?);
                }
                if chunk.len() >= CHUNK || (end && !chunk.is_empty()) {
                    let records = std::mem::take(&mut chunk);
                    state = tokio::task::spawn_blocking(move || {
                        for r in &records {
                            write(&mut state, r)?;
                        }
                        Ok::<S, HistoryError>(state)
                    })
                    .await
                    .map_err(|_| HistoryError::Closed)??;
                }
                if end {
                    break;
                }
            }
        }
        tx.rollback().await.ctx("ending an export")?;
        Ok(state)
    }

    pub async fn export_jsonl<W: Write + Send + 'static>(&self, out: W) -> Result<W, HistoryError> {
        self.for_each_record(out, |out, r| crate::model::write_jsonl(out, r))
            .await
    }

    pub async fn export_csv<W: Write + Send + 'static>(&self, out: W) -> Result<W, HistoryError> {
        let csv = self
            .for_each_record(CsvExport::new(out)?, |csv, r| csv.write(r))
            .await?;
        csv.finish()
    }

    pub async fn chain_state(&self) -> Result<ChainState, HistoryError> {
        let mut conn = self.inner.pool.get().await?;
        read_chain(conn.client()?).await
    }

    pub async fn records_after(
        &self,
        after: i64,
        limit: usize,
    ) -> Result<Vec<Record>, HistoryError> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let mut conn = self.inner.pool.get().await?;
        let rows = conn
            .client()?
            .query(
                &format!("SELECT {COLUMNS} FROM commands WHERE id > $1 ORDER BY id LIMIT $2"),
                &[&after, &limit],
            )
            .await
            .ctx("scanning")?;
        records_of(&rows)
    }

    pub async fn import(
        &self,
        start: Option<ChainState>,
        records: Vec<Record>,
    ) -> Result<(), HistoryError> {
        let mut conn = self.inner.pool.get().await?;
        let tx = conn.client()?.transaction().await.ctx("starting a copy")?;
        let mut chain = read_chain_for_update(&tx).await?;
        if let Some(start) = start {
            let rows: i64 = tx
                .query_one("SELECT COUNT(*) FROM commands", &[])
                .await
                .and_then(|r| r.try_get(0))
                .ctx("counting rows")?;
            if rows > 0 || chain != ChainState::empty() {
                return Err(HistoryError::Migrate(
                    "the destination already holds a trail".to_owned(),
                ));
            }
            let (head_id, head_hash) = start.import_head();
            tx.execute(
                "UPDATE chain SET head_id = $1, head_hash = $2, truncated_before = $3, \
                 anchor_hash = $4 WHERE id = 1",
                &[
                    &head_id,
                    &head_hash,
                    &start.truncated_before,
                    &start.anchor_hash,
                ],
            )
            .await
            .ctx("starting the copied chain")?;
            chain.head_id = head_id;
            chain.head_hash = head_hash;
        }
        for r in &records {
            check_link(&chain, r)?;
            chain.head_id = r.id;
            chain.head_hash.clone_from(&r.hash);
        }
        if !records.is_empty() {
            let insert = tx.prepare(INSERT).await.ctx("preparing the insert")?;
            let rows: Vec<(i64, &Entry, &str, &str)> = records
                .iter()
                .map(|r| (r.id, &r.entry, r.prev_hash.as_str(), r.hash.as_str()))
                .collect();
            insert_rows(&tx, &insert, &rows)
                .await
                .ctx("copying records")?;
        }
        tx.execute(ADVANCE_HEAD, &[&chain.head_id, &chain.head_hash])
            .await
            .ctx("advancing the chain head")?;
        tx.commit().await.ctx("committing a copy")
    }
}

fn no_params() -> std::iter::Empty<&'static (dyn ToSql + Sync)> {
    std::iter::empty()
}

/// A read-only transaction on one snapshot.
async fn snapshot(client: &mut Client) -> Result<tokio_postgres::Transaction<'_>, HistoryError> {
    client
        .build_transaction()
        .isolation_level(IsolationLevel::RepeatableRead)
        .read_only(true)
        .start()
        .await
        .ctx("starting a read")
}

fn chain_of(row: &Row) -> Result<ChainState, tokio_postgres::Error> {
    Ok(ChainState {
        head_id: row.try_get(0)?,
        head_hash: row.try_get(1)?,
        truncated_before: row.try_get(2)?,
        anchor_hash: row.try_get(3)?,
    })
}

async fn read_chain(client: &impl GenericClient) -> Result<ChainState, HistoryError> {
    let row = client
        .query_one(
            "SELECT head_id, head_hash, truncated_before, anchor_hash FROM chain WHERE id = 1",
            &[],
        )
        .await
        .ctx("reading the chain head")?;
    chain_of(&row).ctx("reading the chain head")
}

/// Read the chain row and hold its lock until the transaction ends: the
/// one place where writers in every process queue.
async fn read_chain_for_update(client: &impl GenericClient) -> Result<ChainState, HistoryError> {
    let row = client
        .query_one(
            "SELECT head_id, head_hash, truncated_before, anchor_hash FROM chain \
             WHERE id = 1 FOR UPDATE",
            &[],
        )
        .await
        .ctx("locking the chain head")?;
    chain_of(&row).ctx("locking the chain head")
}

fn row_to_record(row: &Row) -> Result<Record, tokio_postgres::Error> {
    Ok(record_of_row!(row, try_get))
}

fn records_of(rows: &[Row]) -> Result<Vec<Record>, HistoryError> {
    rows.iter()
        .map(row_to_record)
        .collect::<Result<Vec<_>, _>>()
        .ctx("reading rows")
}

fn stored_as_written(row: &Row, r: &Record) -> Result<bool, tokio_postgres::Error> {
    let e = &r.entry;
    let argv = serde_json::to_string(&e.argv).unwrap_or_else(|_| "[]".to_owned());
    Ok(row.try_get::<_, i64>(22)? == e.duration_ms()
        && row.try_get::<_, String>(23)? == e.source.as_str()
        && row.try_get::<_, String>(24)? == e.outcome.as_str()
        && row.try_get::<_, String>(25)? == argv
        && row.try_get::<_, bool>(26)? == e.mutating)
}

// ---------------------------------------------------------------------------
// Search words
// ---------------------------------------------------------------------------

/// Highest position a `tsvector` keeps.
const MAX_POSITION: usize = 16_383;
/// Most positions a `tsvector` keeps per lexeme.
const MAX_POSITIONS: usize = 256;

/// The `tsvector` literal of a row: argv's words (as stored, JSON), a gap,
/// then stderr's. Words hold only letters and digits, so quoting them is
/// all the escaping the literal needs.
fn search_vector(argv_json: &str, stderr: &str) -> String {
    let mut positions: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    let argv_words = search_words(argv_json).count();
    let all = search_words(argv_json).chain(search_words(stderr));
    for (i, word) in all.enumerate() {
        // Positions start at 1; stderr's after a one-position gap.
        let position = if i < argv_words { i + 1 } else { i + 2 };
        let slot = positions.entry(word).or_default();
        let position = position.min(MAX_POSITION);
        if slot.len() < MAX_POSITIONS && slot.last() != Some(&position) {
            slot.push(position);
        }
    }
    let mut out = String::new();
    for (word, at) in positions {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push('\'');
        out.push_str(&word);
        out.push_str("':");
        let at: Vec<String> = at.iter().map(usize::to_string).collect();
        out.push_str(&at.join(","));
    }
    out
}

/// The `tsquery` literal of a search: each term the phrase of its words
/// (`'a' <-> 'b'`, the last `:*` for a prefix), the terms of an
/// alternative all required, alternatives joined by `|`. Words hold only
/// letters and digits, so quoting them is all the escaping it needs.
fn tsquery(search: &Search) -> String {
    let phrase = |term: &Term| {
        let words: Vec<String> = term.words.iter().map(|w| format!("'{w}'")).collect();
        let star = if term.prefix { ":*" } else { "" };
        format!("{}{star}", words.join(" <-> "))
    };
    search.render(phrase, " & ", " | ")
}

// ---------------------------------------------------------------------------
// Migrations
// ---------------------------------------------------------------------------

/// The schema version, or `None` before the first migration.
async fn schema_version(client: &impl GenericClient) -> Result<Option<i32>, HistoryError> {
    let exists: bool = client
        .query_one("SELECT to_regclass('history_schema') IS NOT NULL", &[])
        .await
        .and_then(|r| r.try_get(0))
        .ctx("reading the schema version")?;
    if !exists {
        return Ok(None);
    }
    let row = client
        .query_opt("SELECT version FROM history_schema WHERE id = 1", &[])
        .await
        .ctx("reading the schema version")?;
    row.map(|r| r.try_get(0))
        .transpose()
        .ctx("reading the schema version")
}

/// Bring the database to [`CURRENT`]. A database already there is only
/// read, so a read-only role can open it; otherwise the migrations run in
/// one transaction under an advisory lock, so processes starting together
/// migrate once.
async fn migrate(client: &mut Client) -> Result<(), HistoryError> {
    match schema_version(client).await? {
        Some(version) if version == CURRENT => return Ok(()),
        Some(found) if found > CURRENT => {
            return Err(HistoryError::FutureSchema {
                found: i64::from(found),
                supported: i64::from(CURRENT),
            })
        }
        _ => {}
    }
    let tx = client.transaction().await.ctx("starting a migration")?;
    tx.execute(
        "SELECT pg_advisory_xact_lock($1, hashtext(coalesce(current_schema(), '')))",
        &[&MIGRATION_LOCK],
    )
    .await
    .ctx("waiting for other migrations")?;
    tx.batch_execute(
        "CREATE TABLE IF NOT EXISTS history_schema (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            version INTEGER NOT NULL
        );
        INSERT INTO history_schema (id, version) VALUES (1, 0) ON CONFLICT (id) DO NOTHING;",
    )
    .await
    .ctx("creating the schema table")?;
    let version = schema_version(&tx).await?.unwrap_or(0);
    if version > CURRENT {
        return Err(HistoryError::FutureSchema {
            found: i64::from(version),
            supported: i64::from(CURRENT),
        });
    }
    for (from, sql) in MIGRATIONS
        .iter()
        .enumerate()
        .skip(usize::try_from(version).unwrap_or(0))
    {
        tx.batch_execute(sql).await.ctx("migrating the schema")?;
        let to = i32::try_from(from + 1).unwrap_or(i32::MAX);
        tx.execute(
            "UPDATE history_schema SET version = $1 WHERE id = 1",
            &[&to],
        )
        .await
        .ctx("recording the schema version")?;
        if from == 0 {
            tx.execute(
                "INSERT INTO chain (id, head_id, head_hash, truncated_before, anchor_hash) \
                 VALUES (1, 0, $1, 0, $1)",
                &[&GENESIS],
            )
            .await
            .ctx("starting the chain")?;
        }
    }
    tx.commit().await.ctx("committing a migration")
}

// ---------------------------------------------------------------------------
// The writer task
// ---------------------------------------------------------------------------

/// The writer's own connection and its prepared statements.
struct WriterConn {
    client: Client,
    lock_head: Statement,
    insert: Statement,
    advance: Statement,
}

impl WriterConn {
    async fn prepare(client: Client) -> Result<Self, HistoryError> {
        let lock_head = client
            .prepare(LOCK_HEAD)
            .await
            .ctx("preparing the head lock")?;
        let insert = client.prepare(INSERT).await.ctx("preparing the insert")?;
        let advance = client
            .prepare(ADVANCE_HEAD)
            .await
            .ctx("preparing the head update")?;
        Ok(Self {
            client,
            lock_head,
            insert,
            advance,
        })
    }
}

/// The writer's connection, opened again if it broke (a server restart):
/// the batch that found it broken fails, the next one reconnects.
async fn ready<'a>(
    conn: &'a mut Option<WriterConn>,
    connector: &Connector,
) -> Result<&'a mut WriterConn, HistoryError> {
    if conn.as_ref().map_or(true, |c| c.client.is_closed()) {
        *conn = None;
        let fresh = WriterConn::prepare(connector.open().await?).await?;
        return Ok(conn.insert(fresh));
    }
    conn.as_mut().ok_or(HistoryError::Closed)
}

async fn writer_loop(
    connector: Connector,
    mut conn: Option<WriterConn>,
    mut rx: mpsc::Receiver<Msg>,
    batch: usize,
) {
    while let Some(first) = rx.recv().await {
        let mut pending = Pending::default();
        let mut next = Some(first);
        while let Some(msg) = next.take() {
            match pending.take(msg) {
                Step::Queued => {}
                Step::Probe(ack) => {
                    flush(&mut conn, &connector, std::mem::take(&mut pending)).await;
                    let result = match ready(&mut conn, &connector).await {
                        Ok(c) => probe(&mut c.client).await,
                        Err(e) => Err(e),
                    };
                    let _ = ack.send(result);
                }
                Step::Retain(retention, ack) => {
                    // Keep order: what was queued before the retention is
                    // written before it runs.
                    flush(&mut conn, &connector, std::mem::take(&mut pending)).await;
                    let result = match ready(&mut conn, &connector).await {
                        Ok(c) => retain(&mut c.client, retention).await,
                        Err(e) => Err(e),
                    };
                    let _ = ack.send(result);
                }
            }
            if pending.entries.len() < batch {
                next = rx.try_recv().ok();
            }
        }
        flush(&mut conn, &connector, pending).await;
    }
}

async fn flush(conn: &mut Option<WriterConn>, connector: &Connector, pending: Pending) {
    if pending.entries.is_empty() {
        return;
    }
    let result = match ready(conn, connector).await {
        Ok(c) => write_batch(c, &pending.entries).await,
        Err(e) => Err(e),
    };
    pending.deliver(result);
}

/// Insert rows `(id, entry, prev_hash, hash)` in one statement.
async fn insert_rows(
    client: &impl GenericClient,
    insert: &Statement,
    rows: &[(i64, &Entry, &str, &str)],
) -> Result<u64, tokio_postgres::Error> {
    let n = rows.len();
    let mut id = Vec::with_capacity(n);
    let mut started_at = Vec::with_capacity(n);
    let mut ended_at = Vec::with_capacity(n);
    let mut duration_ms = Vec::with_capacity(n);
    let mut host = Vec::with_capacity(n);
    let mut actor = Vec::with_capacity(n);
    let mut source = Vec::with_capacity(n);
    let mut correlation_id = Vec::with_capacity(n);
    let mut parent_id = Vec::with_capacity(n);
    let mut subcommand = Vec::with_capacity(n);
    let mut app = Vec::with_capacity(n);
    let mut argv = Vec::with_capacity(n);
    let mut mutating = Vec::with_capacity(n);
    let mut outcome = Vec::with_capacity(n);
    let mut exit_code = Vec::with_capacity(n);
    let mut stdout = Vec::with_capacity(n);
    let mut stdout_len = Vec::with_capacity(n);
    let mut stderr = Vec::with_capacity(n);
    let mut stderr_len = Vec::with_capacity(n);
    let mut error = Vec::with_capacity(n);
    let mut prev_hash = Vec::with_capacity(n);
    let mut hash = Vec::with_capacity(n);
    let mut search = Vec::with_capacity(n);
    let mut target = Vec::with_capacity(n);
    for (row_id, e, prev, this) in rows {
        let json = serde_json::to_string(&e.argv).unwrap_or_else(|_| "[]".to_owned());
        search.push(search_vector(&json, &e.stderr));
        id.push(*row_id);
        started_at.push(e.started_at);
        ended_at.push(e.ended_at);
        duration_ms.push(e.duration_ms());
        host.push(e.host.as_str());
        actor.push(e.actor.as_str());
        source.push(e.source.as_str());
        correlation_id.push(e.correlation_id.as_deref());
        parent_id.push(e.parent_id);
        subcommand.push(e.subcommand.as_str());
        app.push(e.app.as_deref());
        argv.push(json);
        mutating.push(e.mutating);
        outcome.push(e.outcome.as_str());
        exit_code.push(e.exit_code);
        stdout.push(e.stdout.as_str());
        stdout_len.push(e.stdout_len);
        stderr.push(e.stderr.as_str());
        stderr_len.push(e.stderr_len);
        error.push(e.error.as_deref());
        prev_hash.push(*prev);
        hash.push(*this);
        target.push(e.target.as_deref());
    }
    client
        .execute(
            insert,
            &[
                &id,
                &started_at,
                &ended_at,
                &duration_ms,
                &host,
                &actor,
                &source,
                &correlation_id,
                &parent_id,
                &subcommand,
                &app,
                &argv,
                &mutating,
                &outcome,
                &exit_code,
                &stdout,
                &stdout_len,
                &stderr,
                &stderr_len,
                &error,
                &prev_hash,
                &hash,
                &search,
                &target,
            ],
        )
        .await
}

async fn write_batch(conn: &mut WriterConn, entries: &[Entry]) -> Result<Vec<i64>, HistoryError> {
    let WriterConn {
        client,
        lock_head,
        insert,
        advance,
    } = conn;
    let tx = client.transaction().await.ctx("starting a batch")?;
    // Every writer, in every process, queues here.
    let head = tx
        .query_one(&*lock_head, &[])
        .await
        .ctx("locking the chain head")?;
    let mut head_id: i64 = head.try_get(0).ctx("reading the chain head")?;
    let mut head_hash: String = head.try_get(1).ctx("reading the chain head")?;
    let mut hashes = Vec::with_capacity(entries.len());
    for entry in entries {
        let id = head_id + 1;
        let hash = chain_hash(&head_hash, id, entry);
        hashes.push((id, std::mem::replace(&mut head_hash, hash.clone()), hash));
        head_id = id;
    }
    let rows: Vec<(i64, &Entry, &str, &str)> = hashes
        .iter()
        .zip(entries)
        .map(|((id, prev, hash), e)| (*id, e, prev.as_str(), hash.as_str()))
        .collect();
    insert_rows(&tx, insert, &rows)
        .await
        .ctx("inserting records")?;
    tx.execute(&*advance, &[&head_id, &head_hash])
        .await
        .ctx("advancing the chain head")?;
    tx.commit().await.ctx("committing a batch")?;
    Ok(hashes.into_iter().map(|(id, _, _)| id).collect())
}

/// A row of typical size, inserted and rolled back, after the chain head's
/// lock: it needs the same room, rights and lock a real record does.
async fn probe(client: &mut Client) -> Result<(), HistoryError> {
    let tx = client.transaction().await.ctx("starting a probe")?;
    let chain = read_chain_for_update(&tx).await?;
    let filler = "x".repeat(2048);
    tx.execute(
        "INSERT INTO commands (id, started_at, ended_at, duration_ms, host, actor, source, \
         subcommand, argv, mutating, outcome, stdout, stdout_len, stderr, stderr_len, \
         prev_hash, hash, search) \
         VALUES ($1, 0, 0, 0, '', '', 'other', 'probe', '[]', false, 'ok', $2, 0, $2, 0, '', '', \
         ''::tsvector)",
        &[&(chain.head_id + 1), &filler],
    )
    .await
    .ctx("probing for room")?;
    tx.rollback().await.ctx("rolling back a probe")
}

async fn retain(client: &mut Client, retention: Retention) -> Result<u64, HistoryError> {
    let tx = client.transaction().await.ctx("starting retention")?;
    let chain = read_chain_for_update(&tx).await?;
    let first_new: Option<i64> = match retention.older_than_ms {
        Some(age) => tx
            .query_one(
                "SELECT MIN(id) FROM commands WHERE started_at >= $1",
                &[&age],
            )
            .await
            .and_then(|r| r.try_get(0))
            .ctx("finding the first recent row")?,
        None => None,
    };
    let newest: Option<i64> = tx
        .query_one("SELECT MAX(id) FROM commands", &[])
        .await
        .and_then(|r| r.try_get(0))
        .ctx("finding old rows")?;
    let surplus: Option<i64> = match retention.max_rows {
        Some(keep) => tx
            .query_opt(
                "SELECT id FROM commands ORDER BY id DESC LIMIT 1 OFFSET $1",
                &[&i64::try_from(keep).unwrap_or(i64::MAX)],
            )
            .await
            .ctx("finding surplus rows")?
            .map(|r| r.try_get(0))
            .transpose()
            .ctx("finding surplus rows")?,
        None => None,
    };
    let cutoff_id = retention_cut(retention, first_new, newest, surplus);
    if cutoff_id == 0 {
        return Ok(0);
    }
    // The chain stays verifiable from the first kept row: its prev_hash is
    // the new anchor, and where the cut was made is recorded.
    let anchor = tx
        .query_opt(
            "SELECT id, prev_hash FROM commands WHERE id > $1 ORDER BY id LIMIT 1",
            &[&cutoff_id],
        )
        .await
        .ctx("finding the new anchor")?;
    let deleted = tx
        .execute("DELETE FROM commands WHERE id <= $1", &[&cutoff_id])
        .await
        .ctx("deleting old rows")?;
    let (first_kept, anchor_hash): (i64, String) = match anchor {
        Some(row) => (
            row.try_get(0).ctx("finding the new anchor")?,
            row.try_get(1).ctx("finding the new anchor")?,
        ),
        // Everything went: the next row chains from the current head.
        None => (cutoff_id + 1, chain.head_hash),
    };
    tx.execute(
        "UPDATE chain SET truncated_before = $1, anchor_hash = $2 WHERE id = 1",
        &[&first_kept, &anchor_hash],
    )
    .await
    .ctx("recording the truncation")?;
    tx.commit().await.ctx("committing retention")?;
    Ok(deleted)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_words_are_alphanumeric_runs_lowercased() {
        let got: Vec<String> =
            search_words(r#"["git:sync","App-1","--no-restart","TOKEN=***"]"#).collect();
        assert_eq!(got, ["git", "sync", "app", "1", "no", "restart", "token"]);
    }

    #[test]
    fn stderr_words_start_after_a_gap() {
        assert_eq!(search_vector(r#"["a","b"]"#, "b c"), "'a':1 'b':2,4 'c':5");
        assert_eq!(search_vector("[]", ""), "");
    }

    #[test]
    fn a_search_is_phrases_of_words_alternatives_and_prefixes() {
        let q = |text: &str| Search::parse(text).map(|s| tsquery(&s));
        assert_eq!(
            q("git:sync  kaboom").as_deref(),
            Some("('git' <-> 'sync' & 'kaboom')")
        );
        assert_eq!(
            q("'; DROP TABLE x; --").as_deref(),
            Some("('drop' & 'table' & 'x')")
        );
        assert_eq!(
            q("destroy OR wei* api").as_deref(),
            Some("('destroy') | ('wei':* & 'api')")
        );
        assert_eq!(q("*** \" () OR"), None);
    }

    #[test]
    fn a_location_never_shows_the_password() {
        let config = Config::from_str("postgres://alice:s3cret@db.example:5433/audit")
            .unwrap_or_else(|_| Config::new());
        let location = location_of(&config);
        assert_eq!(location, "postgresql://alice@db.example:5433/audit");
        assert!(!location.contains("s3cret"));
    }
}
