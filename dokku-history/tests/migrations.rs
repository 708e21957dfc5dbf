//! Migrations from every earlier schema: a file is built at each version
//! `v < CURRENT` by applying the first `v` migrations with rusqlite
//! directly, given a few rows written the way the store writes them (their
//! hashes chained from `GENESIS`), then opened with [`HistoryStore::open`].
//! The file must come out at `CURRENT` with its rows readable, searchable,
//! verifiable and extended by new appends; a file from the future is
//! refused.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;

use dokku_history::record::{chain_hash, GENESIS};
use dokku_history::schema::{CURRENT, MIGRATIONS};
use dokku_history::{Entry, HistoryError, HistoryStore, Outcome, Query, Record, Source, Tamper};
use rusqlite::{params, Connection};

fn entry(started_at: i64, app: &str, argv: &[&str], outcome: Outcome, stderr: &str) -> Entry {
    Entry {
        started_at,
        ended_at: started_at + 1500,
        host: "dokku.example.com".to_owned(),
        target: None,
        actor: "alice".to_owned(),
        source: Source::Cli,
        correlation_id: Some("op-1".to_owned()),
        parent_id: None,
        subcommand: argv[0].to_owned(),
        app: Some(app.to_owned()),
        argv: argv.iter().map(|s| (*s).to_owned()).collect(),
        mutating: true,
        outcome,
        exit_code: Some(if outcome == Outcome::Ok { 0 } else { 1 }),
        stdout: "-----> done\n".to_owned(),
        stdout_len: 12,
        stderr: stderr.to_owned(),
        stderr_len: stderr.len() as i64,
        error: None,
    }
}

/// The rows an older build left behind.
fn old_entries() -> Vec<Entry> {
    vec![
        entry(
            1_700_000_000_000,
            "api",
            &["apps:create", "api"],
            Outcome::Ok,
            "",
        ),
        entry(
            1_700_000_060_000,
            "api",
            &["ps:rebuild", "api"],
            Outcome::Failed,
            "remote: nginx upstream unreachable",
        ),
    ]
}

/// A file at schema version `version`: the first `version` migrations,
/// each in its own transaction as `schema::migrate` runs them.
fn build_at(path: &Path, version: usize) -> Connection {
    let mut conn = Connection::open(path).unwrap();
    for sql in &MIGRATIONS[..version] {
        let tx = conn.transaction().unwrap();
        tx.execute_batch(sql).unwrap();
        tx.commit().unwrap();
    }
    conn.pragma_update(None, "user_version", version as i64)
        .unwrap();
    conn
}

/// Insert `entries` the way the store's writer at that version did,
/// chained from GENESIS: from version 3 it also advanced the chain head, and
/// from version 4 (no trigger) it indexed the rows for search itself.
/// Returns what each stored row should read back as.
fn insert_old_rows(conn: &Connection, version: usize, entries: &[Entry]) -> Vec<Record> {
    let mut prev = GENESIS.to_owned();
    let mut records = Vec::new();
    for (i, e) in entries.iter().enumerate() {
        let id = i as i64 + 1;
        let hash = chain_hash(&prev, id, e);
        conn.execute(
            "INSERT INTO commands (id, started_at, ended_at, duration_ms, host, actor, source, \
             correlation_id, parent_id, subcommand, app, argv, mutating, outcome, exit_code, \
             stdout, stdout_len, stderr, stderr_len, error, prev_hash, hash) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, \
             ?17, ?18, ?19, ?20, ?21, ?22)",
            params![
                id,
                e.started_at,
                e.ended_at,
                e.duration_ms(),
                e.host,
                e.actor,
                e.source.as_str(),
                e.correlation_id,
                e.parent_id,
                e.subcommand,
                e.app,
                serde_json::to_string(&e.argv).unwrap(),
                e.mutating,
                e.outcome.as_str(),
                e.exit_code,
                e.stdout,
                e.stdout_len,
                e.stderr,
                e.stderr_len,
                e.error,
                prev,
                hash,
            ],
        )
        .unwrap();
        records.push(Record {
            id,
            entry: e.clone(),
            prev_hash: prev,
            hash: hash.clone(),
        });
        prev = hash;
    }
    if version >= 3 {
        conn.execute(
            "UPDATE chain SET head_id = ?1, head_hash = ?2 WHERE id = 1",
            params![entries.len() as i64, prev],
        )
        .unwrap();
    }
    if version >= 4 {
        conn.execute(
            "INSERT INTO commands_fts(rowid, argv, stderr) SELECT id, argv, stderr FROM commands",
            [],
        )
        .unwrap();
    }
    records
}

fn user_version(path: &Path) -> i64 {
    Connection::open(path)
        .unwrap()
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap()
}

async fn check_migration_from(version: usize) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("history.db");
    let old = {
        let conn = build_at(&path, version);
        if version >= 1 {
            insert_old_rows(&conn, version, &old_entries())
        } else {
            Vec::new()
        }
    };
    assert_eq!(user_version(&path), version as i64);

    let store = HistoryStore::open(&path).unwrap();
    assert_eq!(user_version(&path), CURRENT, "from version {version}");

    // The old rows read back exactly, newest first.
    let page = store.query(Query::default()).await.unwrap();
    let newest_first: Vec<Record> = old.iter().rev().cloned().collect();
    assert_eq!(page.records, newest_first, "from version {version}");
    assert_eq!(page.next, None);
    let mut failures = Query::default();
    failures.outcome = Some(Outcome::Failed);
    failures.app = Some("api".to_owned());
    let failed = store.query(failures).await.unwrap().records;
    let want: Vec<Record> = old
        .iter()
        .filter(|r| r.entry.outcome == Outcome::Failed)
        .cloned()
        .collect();
    assert_eq!(failed, want, "from version {version}");

    // Searchable: the index was built from the rows already there.
    if version >= 1 {
        let hits = store.search("create", 10).await.unwrap();
        assert_eq!(hits, old[..1].to_vec(), "argv, from version {version}");
        let hits = store.search("nginx", 10).await.unwrap();
        assert_eq!(hits, old[1..].to_vec(), "stderr, from version {version}");
        let hits = store.search("api", 10).await.unwrap();
        assert_eq!(hits, newest_first, "both, from version {version}");
    }

    // The chain verifies: its head was initialised from the rows.
    let v = store.verify().await.unwrap();
    assert!(v.is_intact(), "from version {version}: {v:?}");
    assert_eq!(v.rows, old.len() as u64);
    assert_eq!(v.truncated_before, 0);

    // New appends continue the chain from the last old row.
    let new = entry(
        1_700_000_120_000,
        "web",
        &["apps:create", "web"],
        Outcome::Ok,
        "",
    );
    let id = store.append(new.clone()).await.unwrap();
    assert_eq!(id, old.len() as i64 + 1, "from version {version}");
    let stored = store.get(id).await.unwrap().unwrap();
    let prev = old.last().map_or(GENESIS, |r| r.hash.as_str()).to_owned();
    assert_eq!(stored.prev_hash, prev, "from version {version}");
    assert_eq!(stored.hash, chain_hash(&prev, id, &new));
    assert_eq!(stored.entry, new);
    let hits = store.search("web", 10).await.unwrap();
    assert_eq!(hits, vec![stored]);
    let v = store.verify().await.unwrap();
    assert!(
        v.is_intact(),
        "after an append, from version {version}: {v:?}"
    );
    assert_eq!(v.rows, old.len() as u64 + 1);

    // Reopening the migrated file changes nothing.
    drop(store);
    let store = HistoryStore::open(&path).unwrap();
    assert_eq!(user_version(&path), CURRENT);
    assert!(store.verify().await.unwrap().is_intact());
    assert_eq!(store.recent(10).await.unwrap().len(), old.len() + 1);
}

#[test]
fn the_migrations_lead_to_the_current_version() {
    assert_eq!(MIGRATIONS.len() as i64, CURRENT);
}

#[tokio::test]
async fn every_earlier_version_migrates_to_the_current_one() {
    for version in 0..MIGRATIONS.len() {
        check_migration_from(version).await;
    }
}

#[tokio::test]
async fn a_row_altered_before_the_migration_is_still_reported() {
    for version in 1..MIGRATIONS.len() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("history.db");
        {
            let conn = build_at(&path, version);
            insert_old_rows(&conn, version, &old_entries());
            conn.execute("UPDATE commands SET actor = 'mallory' WHERE id = 1", [])
                .unwrap();
        }
        let store = HistoryStore::open(&path).unwrap();
        let v = store.verify().await.unwrap();
        assert_eq!(
            v.problem,
            Some(Tamper::Altered { id: 1 }),
            "from version {version}"
        );
    }
}

#[tokio::test]
async fn a_missing_file_is_created_at_the_current_version() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("new.db");
    let store = HistoryStore::open(&path).unwrap();
    assert_eq!(user_version(&path), CURRENT);
    let v = store.verify().await.unwrap();
    assert!(v.is_intact());
    assert_eq!(v.rows, 0);
}

#[test]
fn a_file_from_a_newer_build_is_refused_and_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("future.db");
    {
        let conn = build_at(&path, MIGRATIONS.len());
        conn.pragma_update(None, "user_version", CURRENT + 1)
            .unwrap();
    }
    match HistoryStore::open(&path) {
        Err(HistoryError::FutureSchema { found, supported }) => {
            assert_eq!(found, CURRENT + 1);
            assert_eq!(supported, CURRENT);
        }
        Err(other) => panic!("expected FutureSchema, got {other}"),
        Ok(_) => panic!("a file from a newer build was opened"),
    }
    assert_eq!(user_version(&path), CURRENT + 1);
}
