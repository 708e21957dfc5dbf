//! The schema and its migrations, keyed on `PRAGMA user_version`.
//!
//! Each migration moves a file from version N-1 to N inside one
//! transaction, so a file is always at exactly one known version. Tests
//! build a file at every earlier version and migrate it to the current one.

use rusqlite::Connection;

use crate::error::{Context, HistoryError};

/// The schema version this build writes.
pub const CURRENT: i64 = 5;

/// The migrations: index `i` moves a file from version `i` to `i + 1`.
pub const MIGRATIONS: &[&str] = &[
    // 1: the commands table and its query indexes.
    "CREATE TABLE commands (
        id INTEGER PRIMARY KEY,
        started_at INTEGER NOT NULL,
        ended_at INTEGER NOT NULL,
        duration_ms INTEGER NOT NULL,
        host TEXT NOT NULL,
        actor TEXT NOT NULL,
        source TEXT NOT NULL,
        correlation_id TEXT,
        parent_id INTEGER,
        subcommand TEXT NOT NULL,
        app TEXT,
        argv TEXT NOT NULL,
        mutating INTEGER NOT NULL,
        outcome TEXT NOT NULL,
        exit_code INTEGER,
        stdout TEXT NOT NULL,
        stdout_len INTEGER NOT NULL,
        stderr TEXT NOT NULL,
        stderr_len INTEGER NOT NULL,
        error TEXT,
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL
    );
    CREATE INDEX commands_time ON commands(started_at DESC, id DESC);
    CREATE INDEX commands_app ON commands(app, started_at DESC, id DESC);
    CREATE INDEX commands_host ON commands(host, started_at DESC, id DESC);
    CREATE INDEX commands_actor ON commands(actor, started_at DESC, id DESC);
    CREATE INDEX commands_outcome ON commands(outcome, started_at DESC, id DESC);
    CREATE INDEX commands_subcommand ON commands(subcommand, started_at DESC, id DESC);",
    // 2: full-text search over argv and stderr, kept in step by triggers.
    "CREATE VIRTUAL TABLE commands_fts USING fts5(
        argv, stderr, content='commands', content_rowid='id'
    );
    INSERT INTO commands_fts(rowid, argv, stderr) SELECT id, argv, stderr FROM commands;
    CREATE TRIGGER commands_fts_insert AFTER INSERT ON commands BEGIN
        INSERT INTO commands_fts(rowid, argv, stderr) VALUES (new.id, new.argv, new.stderr);
    END;
    CREATE TRIGGER commands_fts_delete AFTER DELETE ON commands BEGIN
        INSERT INTO commands_fts(commands_fts, rowid, argv, stderr)
            VALUES ('delete', old.id, old.argv, old.stderr);
    END;",
    // 3: the chain's head and where retention truncated it, so deleting
    // the newest rows or old ones without going through retention is
    // detected.
    "CREATE TABLE chain (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        head_id INTEGER NOT NULL,
        head_hash TEXT NOT NULL,
        truncated_before INTEGER NOT NULL,
        anchor_hash TEXT NOT NULL
    );
    INSERT INTO chain(id, head_id, head_hash, truncated_before, anchor_hash)
        SELECT 1, COALESCE(MAX(id), 0),
               COALESCE((SELECT hash FROM commands ORDER BY id DESC LIMIT 1),
                        '0000000000000000000000000000000000000000000000000000000000000000'),
               0,
               '0000000000000000000000000000000000000000000000000000000000000000'
        FROM commands;",
    // 4: the writer indexes each batch with one statement instead of a
    // trigger per row (a per-row trigger costs a statement journal each
    // time and halved the insert rate).
    "DROP TRIGGER commands_fts_insert;",
    // 5: where a fleet host was reached, beside its registry name in
    // `host`. Nullable: older rows have none and hash as they did.
    "ALTER TABLE commands ADD COLUMN target TEXT;",
];

/// Bring a database to [`CURRENT`], one migration at a time.
pub fn migrate(conn: &mut Connection) -> Result<(), HistoryError> {
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .ctx("reading the schema version")?;
    if version > CURRENT {
        return Err(HistoryError::FutureSchema {
            found: version,
            supported: CURRENT,
        });
    }
    for (from, sql) in MIGRATIONS
        .iter()
        .enumerate()
        .skip(usize::try_from(version).unwrap_or(0))
    {
        let tx = conn.transaction().ctx("starting a migration")?;
        tx.execute_batch(sql).ctx("migrating the schema")?;
        tx.pragma_update(None, "user_version", from as i64 + 1)
            .ctx("recording the schema version")?;
        tx.commit().ctx("committing a migration")?;
    }
    Ok(())
}
