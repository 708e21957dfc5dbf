//! One store per test on either backend, so the same tests hold SQLite and
//! PostgreSQL to the same behaviour.
//!
//! A SQLite fixture is a file in a temporary directory. A PostgreSQL
//! fixture is a fresh schema on the process's test server
//! (`dokku_history::testing::TempPostgres`: `DOKKU_TEST_POSTGRES_URL`, or
//! one started from the machine's initdb and pg_ctl). Without a server the
//! PostgreSQL tests fail when `CI=true` and skip loudly otherwise.
//!
//! `on_both_backends!(name, …)` turns each `async fn name(fx: Fixture)`
//! into `sqlite::name` and `postgres::name` tests.
#![allow(dead_code, unused_macros)]

use dokku_history::{HistoryStore, StoreOptions};

/// Which database holds the trail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A store's location, and a way to edit its rows behind its back.
pub struct Fixture {
    pub backend: Backend,
    /// Scratch space (and the SQLite file).
    pub dir: tempfile::TempDir,
    location: String,
    /// PostgreSQL: the server's URL and this fixture's schema.
    schema: Option<(String, String)>,
}

fn in_ci() -> bool {
    std::env::var("CI").as_deref() == Ok("true")
}

/// Fail in CI, skip loudly elsewhere.
fn unavailable(why: &str) -> Option<Fixture> {
    if in_ci() {
        panic!("PostgreSQL is unavailable in CI: {why} (.ci/run installs the postgresql package)");
    }
    eprintln!("\n!!! SKIPPING a PostgreSQL test: {why} !!!\n");
    None
}

/// The test server's URL, or why there is none.
#[cfg(feature = "test-util")]
pub fn server_url() -> Result<String, String> {
    dokku_history::testing::TempPostgres::shared()
        .map(|s| s.url().to_owned())
        .map_err(|e| e.to_string())
}

#[cfg(not(feature = "test-util"))]
pub fn server_url() -> Result<String, String> {
    Err("built without dokku-history's `test-util` feature (use --all-features)".to_owned())
}

#[cfg(feature = "test-util")]
async fn fresh_schema() -> Result<(String, String, String), String> {
    use dokku_history::testing::TempPostgres;
    let server = TempPostgres::shared().map_err(|e| e.to_string())?;
    let url = server.fresh_url().await.map_err(|e| e.to_string())?;
    let schema = url
        .rsplit("search_path%3D")
        .next()
        .unwrap_or_default()
        .to_owned();
    Ok((url, server.url().to_owned(), schema))
}

#[cfg(not(feature = "test-util"))]
async fn fresh_schema() -> Result<(String, String, String), String> {
    server_url().map(|_| unreachable!())
}

impl Fixture {
    /// A fresh, empty location; `None` when PostgreSQL is unavailable
    /// outside CI.
    pub async fn new(backend: Backend) -> Option<Self> {
        let dir = tempfile::tempdir().unwrap();
        match backend {
            Backend::Sqlite => Some(Self {
                backend,
                location: dir.path().join("history.db").display().to_string(),
                dir,
                schema: None,
            }),
            Backend::Postgres => match fresh_schema().await {
                Ok((location, server, schema)) => Some(Self {
                    backend,
                    dir,
                    location,
                    schema: Some((server, schema)),
                }),
                Err(why) => unavailable(&why),
            },
        }
    }

    pub fn is_sqlite(&self) -> bool {
        self.backend == Backend::Sqlite
    }

    /// What `HistoryStore::open_location` takes.
    pub fn location(&self) -> &str {
        &self.location
    }

    /// Open (or reopen) the store.
    pub async fn open(&self) -> HistoryStore {
        HistoryStore::open_location(&self.location)
            .await
            .unwrap_or_else(|e| panic!("opening {}: {e}", self.location))
    }

    pub async fn open_with(&self, options: StoreOptions) -> HistoryStore {
        match self.backend {
            Backend::Sqlite => HistoryStore::open_with(&self.location, options).unwrap(),
            #[cfg(feature = "postgres")]
            Backend::Postgres => HistoryStore::connect_with(&self.location, options)
                .await
                .unwrap(),
            #[cfg(not(feature = "postgres"))]
            Backend::Postgres => unreachable!("no PostgreSQL fixture without the feature"),
        }
    }

    /// The same trail, opened so that it cannot be written: SQLite's
    /// read-only open (`mode=ro`, whoever runs the test, root too), or a
    /// PostgreSQL session whose transactions are read-only.
    pub async fn open_read_only(&self) -> HistoryStore {
        let location = match &self.schema {
            None => format!("file:{}?mode=ro", self.location),
            Some((server, schema)) => format!(
                "{server}?options=-csearch_path%3D{schema}%20-cdefault_transaction_read_only%3Don"
            ),
        };
        HistoryStore::open_location(&location).await.unwrap()
    }

    /// Run SQL on the database directly, as an attacker with access to it
    /// would.
    pub async fn tamper(&self, sql: &str) {
        match self.backend {
            Backend::Sqlite => {
                let conn = rusqlite::Connection::open(&self.location).unwrap();
                conn.execute_batch(sql)
                    .unwrap_or_else(|e| panic!("{sql}: {e}"));
            }
            Backend::Postgres => self.tamper_postgres(sql).await,
        }
    }

    /// A client of the fixture's database, and the task driving its
    /// connection.
    #[cfg(feature = "postgres")]
    async fn postgres_client(&self) -> (tokio_postgres::Client, tokio::task::JoinHandle<()>) {
        use std::str::FromStr;
        let config = tokio_postgres::Config::from_str(&self.location).unwrap();
        let (client, connection) = config.connect(tokio_postgres::NoTls).await.unwrap();
        let driver = tokio::spawn(async move {
            let _ = connection.await;
        });
        (client, driver)
    }

    #[cfg(feature = "postgres")]
    async fn tamper_postgres(&self, sql: &str) {
        let (client, driver) = self.postgres_client().await;
        client
            .batch_execute(sql)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
        drop(client);
        let _ = driver.await;
    }

    #[cfg(not(feature = "postgres"))]
    async fn tamper_postgres(&self, _sql: &str) {
        unreachable!("no PostgreSQL fixture without the feature")
    }

    /// Hold the lock every writer needs (SQLite's write lock, PostgreSQL's
    /// chain-head row) until the guard is dropped.
    pub async fn hold_write_lock(&self) -> WriteLock {
        match self.backend {
            Backend::Sqlite => {
                let conn = rusqlite::Connection::open(&self.location).unwrap();
                conn.execute_batch("BEGIN EXCLUSIVE").unwrap();
                WriteLock::Sqlite(conn)
            }
            Backend::Postgres => self.lock_postgres_head().await,
        }
    }

    #[cfg(feature = "postgres")]
    async fn lock_postgres_head(&self) -> WriteLock {
        let (client, _) = self.postgres_client().await;
        client
            .batch_execute("BEGIN; SELECT 1 FROM chain WHERE id = 1 FOR UPDATE")
            .await
            .unwrap();
        WriteLock::Postgres(client)
    }

    #[cfg(not(feature = "postgres"))]
    async fn lock_postgres_head(&self) -> WriteLock {
        unreachable!("no PostgreSQL fixture without the feature")
    }

    /// Whether the database has planner statistics for the trail
    /// (PostgreSQL's `pg_stats`, which `ANALYZE` fills); SQLite needs none.
    pub async fn has_statistics(&self) -> bool {
        match self.backend {
            Backend::Sqlite => true,
            Backend::Postgres => self.postgres_statistics().await,
        }
    }

    #[cfg(feature = "postgres")]
    async fn postgres_statistics(&self) -> bool {
        let (client, _) = self.postgres_client().await;
        let row = client
            .query_one(
                "SELECT count(*) FROM pg_stats \
                 WHERE schemaname = current_schema() AND tablename = 'commands'",
                &[],
            )
            .await
            .unwrap();
        row.get::<_, i64>(0) > 0
    }

    #[cfg(not(feature = "postgres"))]
    async fn postgres_statistics(&self) -> bool {
        unreachable!("no PostgreSQL fixture without the feature")
    }

    /// Whether `needle` is stored anywhere: the SQLite file and its WAL
    /// byte for byte, or any PostgreSQL row of the trail's tables as text.
    pub async fn stores_anywhere(&self, needle: &str) -> bool {
        match self.backend {
            Backend::Sqlite => ["", "-wal"].iter().any(|suffix| {
                let bytes = std::fs::read(format!("{}{suffix}", self.location)).unwrap_or_default();
                bytes.windows(needle.len()).any(|w| w == needle.as_bytes())
            }),
            Backend::Postgres => self.postgres_stores(needle).await,
        }
    }

    #[cfg(feature = "postgres")]
    async fn postgres_stores(&self, needle: &str) -> bool {
        let (client, _) = self.postgres_client().await;
        let row = client
            .query_one(
                "SELECT (SELECT count(*) FROM commands c WHERE strpos(c::text, $1) > 0) \
                 + (SELECT count(*) FROM chain h WHERE strpos(h::text, $1) > 0)",
                &[&needle],
            )
            .await
            .unwrap();
        row.get::<_, i64>(0) > 0
    }

    #[cfg(not(feature = "postgres"))]
    async fn postgres_stores(&self, _needle: &str) -> bool {
        unreachable!("no PostgreSQL fixture without the feature")
    }

    /// Columns a raw `INSERT` must fill besides the record's: PostgreSQL
    /// keeps the search words in the row.
    pub fn extra_columns(&self) -> &'static str {
        match self.backend {
            Backend::Sqlite => "",
            Backend::Postgres => ", search",
        }
    }
}

/// A writer's lock held elsewhere.
pub enum WriteLock {
    Sqlite(rusqlite::Connection),
    #[cfg(feature = "postgres")]
    Postgres(tokio_postgres::Client),
}

/// `sqlite::name` and `postgres::name` for each `async fn name(Fixture)`.
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $name() {
                    let backend = crate::common::Backend::Sqlite;
                    if let Some(fx) = crate::common::Fixture::new(backend).await {
                        super::$name(fx).await;
                    }
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $name() {
                    let backend = crate::common::Backend::Postgres;
                    if let Some(fx) = crate::common::Fixture::new(backend).await {
                        super::$name(fx).await;
                    }
                }
            )*
        }
    };
}

/// The newest 1,000 records once `until` holds of them, awaited on the
/// store's append signal ([`HistoryStore::appended`]) rather than by
/// polling: for records an `Audited` executor writes from a task of its
/// own. The deadline only turns a hang into a failure.
pub async fn records_once(
    store: &HistoryStore,
    until: impl Fn(&[dokku_history::Record]) -> bool,
) -> Vec<dokku_history::Record> {
    let mut appended = store.appended();
    let wait = async {
        loop {
            let mut q = dokku_history::Query::default();
            q.limit = Some(1000);
            let records = store.query(q).await.expect("the store answers").records;
            if until(&records) {
                return records;
            }
            appended.changed().await.expect("the store is open");
        }
    };
    tokio::time::timeout(std::time::Duration::from_secs(60), wait)
        .await
        .expect("the records never appeared")
}
