//! [`HistoryStore`]: one audit trail, embedded in a SQLite file (the
//! default) or shared on a PostgreSQL server (feature `postgres`).
//!
//! The store is one type whatever holds the trail: a cheap-to-clone handle
//! over an enum of backends. Callers — [`Audited`](crate::Audited), a
//! CLI's history commands, a dashboard's history page — hold a
//! `HistoryStore` and never learn which database is behind it; the record
//! model ([`Query`], [`Page`], [`Verification`], …), the hash chain and
//! the export formats are shared, so both backends answer alike and one
//! test suite holds both to it.
//!
//! An enum rather than a trait object: the API has generic methods
//! (`export_jsonl<W>`) and async ones, the set of backends is closed and
//! small, and callers keep naming one concrete type.

use std::io::Write;
use std::path::Path;
use std::sync::Arc;

use tokio::sync::watch;

use crate::error::HistoryError;
use crate::model::{
    ChainState, Cursor, HostStats, Page, Query, Retention, StoreOptions, SubcommandStats,
    Verification, DEFAULT_PAGE,
};
use crate::record::{Entry, Record};
use crate::sqlite::SqliteStore;
use crate::writer::Msg;

/// The audit store, shared by clones.
///
/// - [`HistoryStore::open`]: a SQLite file (WAL) with a writer thread that
///   batches inserts — the embedded default.
/// - [`HistoryStore::connect`] (feature `postgres`): a PostgreSQL database
///   that several processes, on several machines, append to at once.
/// - [`HistoryStore::open_location`]: either, from a path or a
///   `postgres://` URL, as a frontend's `--history` flag gives it.
///
/// On both, each row's SHA-256 hash covers the previous row's, and the
/// chain's head lives in the database, so [`HistoryStore::verify`] names
/// the first row that was altered or removed however many writers there
/// were.
#[derive(Debug, Clone)]
pub struct HistoryStore {
    backend: Backend,
    /// The id of the newest record appended through this store or a clone.
    appended: Arc<watch::Sender<i64>>,
}

#[derive(Debug, Clone)]
enum Backend {
    Sqlite(SqliteStore),
    #[cfg(feature = "postgres")]
    Postgres(crate::postgres::PgStore),
}

/// Run the same expression on whichever backend holds the trail.
macro_rules! on_backend {
    ($self:expr, $store:ident => $body:expr) => {
        match &$self.backend {
            Backend::Sqlite($store) => $body,
            #[cfg(feature = "postgres")]
            Backend::Postgres($store) => $body,
        }
    };
}

/// Whether `location` names a PostgreSQL database rather than a file.
pub fn is_postgres_url(location: &str) -> bool {
    let lower = location.trim_start().to_ascii_lowercase();
    lower.starts_with("postgres://") || lower.starts_with("postgresql://")
}

impl HistoryStore {
    fn over(backend: Backend) -> Self {
        Self {
            backend,
            appended: Arc::new(watch::channel(0).0),
        }
    }

    /// Open (or create) the SQLite store at `path`, migrating it to the
    /// current schema.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, HistoryError> {
        Self::open_with(path, StoreOptions::default())
    }

    /// Open the SQLite store with explicit options.
    pub fn open_with(path: impl AsRef<Path>, options: StoreOptions) -> Result<Self, HistoryError> {
        Ok(Self::over(Backend::Sqlite(SqliteStore::open_with(
            path.as_ref(),
            options,
        )?)))
    }

    /// Connect to the shared trail on PostgreSQL, creating or migrating its
    /// tables. `url` is a libpq-style URL or key=value string
    /// (`postgres://user:password@host/db`, `host=/run/postgresql
    /// dbname=audit`); the tables go in the connection's first
    /// `search_path` schema (`?options=-csearch_path%3Daudit` picks one).
    /// Connections are plain TCP or unix sockets: no TLS yet.
    ///
    /// Must be called inside a tokio runtime, which keeps the store's
    /// writer task and connections.
    #[cfg(feature = "postgres")]
    pub async fn connect(url: &str) -> Result<Self, HistoryError> {
        Self::connect_with(url, StoreOptions::default()).await
    }

    /// [`HistoryStore::connect`] with explicit options.
    #[cfg(feature = "postgres")]
    pub async fn connect_with(url: &str, options: StoreOptions) -> Result<Self, HistoryError> {
        Ok(Self::over(Backend::Postgres(
            crate::postgres::PgStore::connect(url, options).await?,
        )))
    }

    /// Open the store a frontend was pointed at: a `postgres://` or
    /// `postgresql://` URL connects to PostgreSQL (an error in a build
    /// without the `postgres` feature), anything else is a SQLite file.
    pub async fn open_location(location: &str) -> Result<Self, HistoryError> {
        if is_postgres_url(location) {
            #[cfg(feature = "postgres")]
            return Self::connect(location).await;
            #[cfg(not(feature = "postgres"))]
            return Err(HistoryError::Location(
                "this build has no PostgreSQL support (dokku-history's `postgres` feature)"
                    .to_owned(),
            ));
        }
        Self::open(location)
    }

    /// The SQLite file, when the trail is in one.
    pub fn path(&self) -> Option<&Path> {
        match &self.backend {
            Backend::Sqlite(s) => Some(s.path()),
            #[cfg(feature = "postgres")]
            Backend::Postgres(_) => None,
        }
    }

    /// Where the trail is, for people: the file's path, or the PostgreSQL
    /// URL without its password.
    pub fn location(&self) -> String {
        match &self.backend {
            Backend::Sqlite(s) => s.path().display().to_string(),
            #[cfg(feature = "postgres")]
            Backend::Postgres(p) => p.location(),
        }
    }

    async fn ask<T>(
        &self,
        msg: impl FnOnce(tokio::sync::oneshot::Sender<Result<T, HistoryError>>) -> Msg,
    ) -> Result<T, HistoryError> {
        let (ack, done) = tokio::sync::oneshot::channel();
        on_backend!(self, s => s.send(msg(ack)).await)?;
        done.await.map_err(|_| HistoryError::Closed)?
    }

    /// Store one entry; resolves once it is committed, with its id.
    pub async fn append(&self, entry: Entry) -> Result<i64, HistoryError> {
        let id = self.ask(|ack| Msg::Append(Box::new(entry), ack)).await?;
        self.appended.send_replace(id);
        Ok(id)
    }

    /// The id of the newest record committed through this store (or a
    /// clone of it), `0` before the first; [`watch::Receiver::changed`]
    /// wakes at each append. For waiting on a record that an
    /// [`Audited`](crate::Audited) executor writes from a task of its own
    /// (a dropped stream's, say) without polling. Records other processes
    /// append are not seen here: query the store for those.
    ///
    /// ```no_run
    /// # async fn demo(store: dokku_history::HistoryStore) -> Result<(), dokku_history::HistoryError> {
    /// let mut appended = store.appended();
    /// while store.recent(1).await?.is_empty() {
    ///     if appended.changed().await.is_err() {
    ///         break;
    ///     }
    /// }
    /// # Ok(()) }
    /// ```
    pub fn appended(&self) -> watch::Receiver<i64> {
        self.appended.subscribe()
    }

    /// Store several entries in order, in one message to the writer;
    /// resolves once they are committed, with their ids. For bulk
    /// recording (imports, replays), where per-entry round trips dominate.
    pub async fn append_many(&self, entries: Vec<Entry>) -> Result<Vec<i64>, HistoryError> {
        if entries.is_empty() {
            return Ok(Vec::new());
        }
        let ids = self.ask(|ack| Msg::AppendMany(entries, ack)).await?;
        if let Some(&last) = ids.last() {
            self.appended.send_replace(last);
        }
        Ok(ids)
    }

    /// Delete old rows, keeping the chain verifiable: where it was truncated
    /// is recorded. Returns how many rows were deleted.
    pub async fn retain(&self, retention: Retention) -> Result<u64, HistoryError> {
        self.ask(|ack| Msg::Retain(retention, ack)).await
    }

    /// Whether a record could be written now: the writer is alive and a
    /// trial insert (rolled back) succeeds. Detects a read-only, locked,
    /// full or unreachable database before a command runs.
    pub async fn check_writable(&self) -> Result<(), HistoryError> {
        self.ask(Msg::Probe).await
    }

    /// Tell the database what its tables now hold, after a bulk load
    /// ([`migrate_trail`](crate::migrate::migrate_trail) does it). On
    /// PostgreSQL this is `ANALYZE`, which autovacuum also runs on a live
    /// server; until then a search for a rare word can read the whole
    /// table. On SQLite there is nothing to do.
    ///
    /// # Errors
    ///
    /// The store's errors.
    pub async fn refresh_statistics(&self) -> Result<(), HistoryError> {
        on_backend!(self, s => s.refresh_statistics().await)
    }

    /// One page of records matching `query`, newest first.
    pub async fn query(&self, query: Query) -> Result<Page, HistoryError> {
        on_backend!(self, s => s.query(query).await)
    }

    /// One page of the records matching `query` that `keep` also accepts,
    /// newest first: for a reader allowed only some of them (one team's
    /// apps), a page as full as anyone else's.
    ///
    /// Reads the store a page at a time until `query.limit` (default 50)
    /// records are kept or `scan` rows have been read. [`Page::next`]
    /// continues just after the last row this call looked at, so walking
    /// the pages shows every kept row once; when `scan` runs out first the
    /// page is short (even empty) and `next` still leads on.
    ///
    /// ```no_run
    /// # async fn demo(store: dokku_history::HistoryStore) -> Result<(), dokku_history::HistoryError> {
    /// use dokku_history::Query;
    /// let mut query = Query::default();
    /// query.limit = Some(20);
    /// let team_a = |r: &dokku_history::Record| {
    ///     r.entry.app.as_deref().is_some_and(|app| app.starts_with("team-a-"))
    /// };
    /// let page = store.query_kept(query, team_a, 1_000).await?;
    /// assert!(page.records.len() <= 20);
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// As [`HistoryStore::query`].
    pub async fn query_kept(
        &self,
        mut query: Query,
        keep: impl Fn(&Record) -> bool,
        scan: usize,
    ) -> Result<Page, HistoryError> {
        let want = query.limit.unwrap_or(DEFAULT_PAGE).max(1);
        query.limit = Some(want);
        let mut kept = Vec::new();
        let mut read = 0usize;
        loop {
            let page = self.query(query.clone()).await?;
            let count = page.records.len();
            for (i, record) in page.records.into_iter().enumerate() {
                read += 1;
                let cursor = Cursor::of(&record);
                if keep(&record) {
                    kept.push(record);
                }
                if kept.len() == want {
                    let last_row = i + 1 == count && page.next.is_none();
                    return Ok(Page {
                        records: kept,
                        next: (!last_row).then_some(cursor),
                    });
                }
            }
            match page.next {
                Some(next) if read < scan => query.after = Some(next),
                next => {
                    return Ok(Page {
                        records: kept,
                        next,
                    })
                }
            }
        }
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
        on_backend!(self, s => s.get(id).await)
    }

    /// Full-text search over argv and stderr, most recently recorded first.
    /// Each word is searched for as written, as a phrase of its
    /// alphanumeric runs (case-insensitive); every word must be found in
    /// argv or in stderr. Search syntax is never interpreted. SQLite uses
    /// FTS5, PostgreSQL a GIN-indexed `tsvector`, with the same words.
    pub async fn search(&self, text: &str, limit: usize) -> Result<Vec<Record>, HistoryError> {
        on_backend!(self, s => s.search(text, limit).await)
    }

    /// Count, failure rate and p50/p95 duration per subcommand.
    pub async fn stats(&self) -> Result<Vec<SubcommandStats>, HistoryError> {
        on_backend!(self, s => s.stats().await)
    }

    /// The trail grouped by host: count, failures and changes per host,
    /// for rows that started at or after `since_ms` (all when `None`),
    /// sorted by host (byte order, whatever the database's collation).
    /// Each host's target is the one on its newest row that has one,
    /// within the window or not. Filter one host's rows with
    /// [`Query::host`].
    pub async fn host_stats(&self, since_ms: Option<i64>) -> Result<Vec<HostStats>, HistoryError> {
        let mut stats = on_backend!(self, s => s.host_stats(since_ms).await)?;
        stats.sort_by(|a, b| a.host.cmp(&b.host));
        Ok(stats)
    }

    /// Walk the hash chain and name the first row that was altered or
    /// removed.
    pub async fn verify(&self) -> Result<Verification, HistoryError> {
        on_backend!(self, s => s.verify().await)
    }

    /// Write every record, oldest first, as JSON Lines.
    pub async fn export_jsonl<W: Write + Send + 'static>(&self, out: W) -> Result<W, HistoryError> {
        on_backend!(self, s => s.export_jsonl(out).await)
    }

    /// Write every record, oldest first, as CSV. Cells that a spreadsheet
    /// would run as a formula (starting with `=`, `+`, `-`, `@`) are
    /// prefixed with `'`.
    pub async fn export_csv<W: Write + Send + 'static>(&self, out: W) -> Result<W, HistoryError> {
        on_backend!(self, s => s.export_csv(out).await)
    }

    pub(crate) async fn chain_state(&self) -> Result<ChainState, HistoryError> {
        on_backend!(self, s => s.chain_state().await)
    }

    pub(crate) async fn records_after(
        &self,
        after: i64,
        limit: usize,
    ) -> Result<Vec<Record>, HistoryError> {
        on_backend!(self, s => s.records_after(after, limit).await)
    }

    pub(crate) async fn import(
        &self,
        start: Option<ChainState>,
        records: Vec<Record>,
    ) -> Result<(), HistoryError> {
        on_backend!(self, s => s.import(start, records).await)
    }
}
