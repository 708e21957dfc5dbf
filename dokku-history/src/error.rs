//! What can go wrong with the audit store.

/// An audit-store failure.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum HistoryError {
    /// The disk (or SQLite's page limit) is full: the record was not stored.
    #[error("the audit database is full: {context}")]
    Full {
        /// What was being done.
        context: &'static str,
    },
    /// The database cannot be written: a read-only file or mount, a
    /// PostgreSQL server or session that is read-only, or a role without
    /// the right to write the audit tables.
    #[error("the audit database is read-only: {context}")]
    ReadOnly {
        /// What was being done.
        context: &'static str,
    },
    /// Another process holds the database (SQLite) or the chain head
    /// (PostgreSQL) locked for longer than the busy timeout.
    #[error("the audit database is locked: {context}")]
    Locked {
        /// What was being done.
        context: &'static str,
    },
    /// Any other SQLite error.
    #[error("audit database error while {context}: {source}")]
    Sqlite {
        /// What was being done.
        context: &'static str,
        /// The SQLite error.
        #[source]
        source: rusqlite::Error,
    },
    /// Any other PostgreSQL error, the server unreachable included.
    #[cfg(feature = "postgres")]
    #[error("audit database error while {context}: {source}")]
    Postgres {
        /// What was being done.
        context: &'static str,
        /// The driver's error (it never holds the password).
        #[source]
        source: tokio_postgres::Error,
    },
    /// The history location cannot be used: a malformed URL, or a
    /// `postgres://` URL in a build without the `postgres` feature.
    #[error("invalid history location: {0}")]
    Location(String),
    /// Copying a trail into another store was refused or failed; nothing
    /// was written (the destination was not empty, the source does not
    /// verify), or what arrived does not verify.
    #[error("migration failed: {0}")]
    Migrate(String),
    /// A test server could not be started or reached
    /// ([`testing::TempPostgres`](crate::testing::TempPostgres)).
    #[cfg(feature = "test-util")]
    #[error("test PostgreSQL server: {0}")]
    TestServer(String),
    /// The file's schema is newer than this version understands.
    #[error(
        "the audit database has schema version {found}; this build understands up to {supported}"
    )]
    FutureSchema {
        /// The file's version.
        found: i64,
        /// The newest version this build knows.
        supported: i64,
    },
    /// The batch this entry was written in failed (the first entry of the
    /// batch carries the cause).
    #[error("the audit batch containing this entry was not written")]
    Batch,
    /// The writer has stopped (the store was closed or its thread died).
    #[error("the audit writer has stopped")]
    Closed,
    /// Writing an export failed.
    #[error("export failed: {0}")]
    Export(String),
    /// A rollback was refused before anything was sent.
    #[error("cannot roll back {app}: {reason}")]
    RollbackRefused {
        /// The app.
        app: String,
        /// Why, in words for a person.
        reason: String,
    },
}

impl HistoryError {
    /// Classify a SQLite error: a full disk, a read-only or locked database
    /// get their own kinds, so a caller can react to them.
    pub(crate) fn sqlite(context: &'static str, source: rusqlite::Error) -> Self {
        use rusqlite::ErrorCode;
        match source.sqlite_error_code() {
            Some(ErrorCode::DiskFull) => HistoryError::Full { context },
            Some(ErrorCode::ReadOnly) => HistoryError::ReadOnly { context },
            Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => {
                HistoryError::Locked { context }
            }
            _ => HistoryError::Sqlite { context, source },
        }
    }
}

#[cfg(feature = "postgres")]
impl HistoryError {
    /// Classify a PostgreSQL error as [`HistoryError::sqlite`] does: a
    /// full disk, a read-only server, session or role, and a lock timeout
    /// get their own kinds.
    pub(crate) fn postgres(context: &'static str, source: tokio_postgres::Error) -> Self {
        use tokio_postgres::error::SqlState;
        match source.code() {
            Some(code) if *code == SqlState::DISK_FULL => HistoryError::Full { context },
            Some(code)
                if *code == SqlState::READ_ONLY_SQL_TRANSACTION
                    || *code == SqlState::INSUFFICIENT_PRIVILEGE =>
            {
                HistoryError::ReadOnly { context }
            }
            Some(code) if *code == SqlState::LOCK_NOT_AVAILABLE => HistoryError::Locked { context },
            _ => HistoryError::Postgres { context, source },
        }
    }
}

/// Attach a context to SQLite results.
pub(crate) trait Context<T> {
    fn ctx(self, context: &'static str) -> Result<T, HistoryError>;
}

impl<T> Context<T> for Result<T, rusqlite::Error> {
    fn ctx(self, context: &'static str) -> Result<T, HistoryError> {
        self.map_err(|e| HistoryError::sqlite(context, e))
    }
}

#[cfg(feature = "postgres")]
impl<T> Context<T> for Result<T, tokio_postgres::Error> {
    fn ctx(self, context: &'static str) -> Result<T, HistoryError> {
        self.map_err(|e| HistoryError::postgres(context, e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rusqlite::{Connection, OpenFlags};

    fn insert(conn: &Connection) -> Result<usize, HistoryError> {
        conn.execute("INSERT INTO t (v) VALUES (randomblob(4096))", [])
            .ctx("inserting")
    }

    fn file_with_table() -> (tempfile::TempDir, std::path::PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.db");
        Connection::open(&path)
            .unwrap()
            .execute_batch("CREATE TABLE t (v BLOB)")
            .unwrap();
        (dir, path)
    }

    #[test]
    fn a_write_to_a_read_only_connection_is_read_only() {
        let (_dir, path) = file_with_table();
        let conn = Connection::open_with_flags(&path, OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
        let error = insert(&conn).unwrap_err();
        assert!(
            matches!(
                error,
                HistoryError::ReadOnly {
                    context: "inserting"
                }
            ),
            "{error:?}"
        );
    }

    #[test]
    fn a_capped_database_is_full() {
        let (_dir, path) = file_with_table();
        let conn = Connection::open(&path).unwrap();
        conn.pragma_update(None, "max_page_count", 4).unwrap();
        let error = (0..100)
            .find_map(|_| insert(&conn).err())
            .expect("the cap was never reached");
        assert!(
            matches!(
                error,
                HistoryError::Full {
                    context: "inserting"
                }
            ),
            "{error:?}"
        );
    }

    #[test]
    fn a_lock_held_elsewhere_is_locked() {
        let (_dir, path) = file_with_table();
        let holder = Connection::open(&path).unwrap();
        holder.execute_batch("BEGIN EXCLUSIVE").unwrap();
        let conn = Connection::open(&path).unwrap();
        conn.busy_timeout(std::time::Duration::ZERO).unwrap();
        let error = insert(&conn).unwrap_err();
        assert!(
            matches!(
                error,
                HistoryError::Locked {
                    context: "inserting"
                }
            ),
            "{error:?}"
        );
    }

    #[test]
    fn anything_else_keeps_its_source() {
        let conn = Connection::open_in_memory().unwrap();
        let error = conn
            .execute("INSERT INTO missing VALUES (1)", [])
            .ctx("inserting")
            .unwrap_err();
        match error {
            HistoryError::Sqlite { context, source } => {
                assert_eq!(context, "inserting");
                assert!(source.to_string().contains("missing"), "{source}");
            }
            other => panic!("expected Sqlite, got {other:?}"),
        }
    }
}
