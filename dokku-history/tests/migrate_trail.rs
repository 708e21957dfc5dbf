//! `migrate_trail`: a trail copied into another store (SQLite into
//! PostgreSQL, and back) arrives record for record with its hashes and its
//! retention cut, verifies there, and goes on growing; the same rows hash
//! alike on either store, with or without a target; a source that does
//! not verify, or a destination that is not empty, is refused with
//! nothing written.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{Backend, Fixture};
use dokku_history::{migrate_trail, Entry, HistoryError, Outcome, Retention, Source, Tamper};

fn entry(i: i64) -> Entry {
    Entry {
        started_at: 1_700_000_000_000 + i * 1000,
        ended_at: 1_700_000_000_000 + i * 1000 + 40,
        host: "dokku.example".to_owned(),
        // Half the rows say where the host was reached, half predate that.
        target: (i % 2 == 1).then(|| "dokku@dokku.example:2222".to_owned()),
        actor: "alice".to_owned(),
        source: Source::Web,
        correlation_id: (i % 2 == 0).then(|| format!("op-{i}")),
        parent_id: None,
        subcommand: "config:set".to_owned(),
        app: Some("api".to_owned()),
        argv: vec![
            "config:set".to_owned(),
            "api".to_owned(),
            format!("KEY{i}=***"),
        ],
        mutating: true,
        outcome: if i % 3 == 0 {
            Outcome::Failed
        } else {
            Outcome::Ok
        },
        exit_code: Some(i32::from(i % 3 == 0)),
        stdout: "-----> Setting config vars\n".to_owned(),
        stdout_len: 27,
        stderr: if i % 3 == 0 {
            format!("remote: kaboom {i}")
        } else {
            String::new()
        },
        stderr_len: 0,
        error: None,
    }
}

async fn pair(from: Backend, to: Backend) -> Option<(Fixture, Fixture)> {
    Some((Fixture::new(from).await?, Fixture::new(to).await?))
}

async fn export(store: &dokku_history::HistoryStore) -> String {
    String::from_utf8(store.export_jsonl(Vec::new()).await.unwrap()).unwrap()
}

/// 30 records, the oldest 10 removed by retention, copied: the same 20
/// records (ids, hashes, retention cut), verified, searchable, and the
/// next append continues the chain.
async fn a_trail_arrives_whole_and_goes_on(from: Backend, to: Backend) {
    let Some((src, dst)) = pair(from, to).await else {
        return;
    };
    let source = src.open().await;
    for i in 1..=30 {
        source.append(entry(i)).await.unwrap();
    }
    source.retain(Retention::keep_newest(20)).await.unwrap();
    let destination = dst.open().await;

    let moved = migrate_trail(&source, &destination).await.unwrap();
    assert_eq!(
        (moved.rows, moved.truncated_before, moved.head_id),
        (20, 11, 30)
    );
    assert_eq!(export(&destination).await, export(&source).await);
    // Analyzed: a search takes the index, not the whole table.
    assert!(dst.has_statistics().await);
    let v = destination.verify().await.unwrap();
    assert_eq!((v.rows, v.truncated_before, v.problem), (20, 11, None));
    let found: Vec<i64> = destination
        .search("kaboom", 10)
        .await
        .unwrap()
        .iter()
        .map(|r| r.id)
        .collect();
    assert_eq!(found, [30, 27, 24, 21, 18, 15, 12]);

    assert_eq!(destination.append(entry(31)).await.unwrap(), 31);
    assert!(destination.verify().await.unwrap().is_intact());
    // A second copy into the now non-empty destination is refused.
    let again = migrate_trail(&source, &destination).await.unwrap_err();
    assert!(matches!(again, HistoryError::Migrate(_)), "{again:?}");
    assert_eq!(destination.verify().await.unwrap().rows, 21);
}

/// Everything removed by retention: the copy is empty but keeps the head,
/// so the next record gets the next id and chains from the old head.
async fn an_emptied_trail_keeps_its_head(from: Backend, to: Backend) {
    let Some((src, dst)) = pair(from, to).await else {
        return;
    };
    let source = src.open().await;
    for i in 1..=5 {
        source.append(entry(i)).await.unwrap();
    }
    source.retain(Retention::keep_newest(0)).await.unwrap();
    let destination = dst.open().await;
    let moved = migrate_trail(&source, &destination).await.unwrap();
    assert_eq!(
        (moved.rows, moved.truncated_before, moved.head_id),
        (0, 6, 5)
    );
    assert_eq!(destination.append(entry(6)).await.unwrap(), 6);
    let v = destination.verify().await.unwrap();
    assert_eq!((v.rows, v.truncated_before, v.problem), (1, 6, None));
    // The same record appended to the source chains identically.
    source.append(entry(6)).await.unwrap();
    assert_eq!(export(&destination).await, export(&source).await);
}

/// A tampered source is not laundered into a fresh database.
async fn a_source_that_does_not_verify_is_refused(from: Backend, to: Backend) {
    let Some((src, dst)) = pair(from, to).await else {
        return;
    };
    let source = src.open().await;
    for i in 1..=10 {
        source.append(entry(i)).await.unwrap();
    }
    src.tamper("UPDATE commands SET actor = 'mallory' WHERE id = 4")
        .await;
    assert_eq!(
        source.verify().await.unwrap().problem,
        Some(Tamper::Altered { id: 4 })
    );
    let destination = dst.open().await;
    let error = migrate_trail(&source, &destination).await.unwrap_err();
    assert!(
        matches!(&error, HistoryError::Migrate(why) if why.contains("does not verify")),
        "{error:?}"
    );
    let v = destination.verify().await.unwrap();
    assert_eq!((v.rows, v.problem), (0, None), "nothing was copied");
}

/// The same rows, with and without a target, appended to each store on
/// its own: the same ids and hashes on both, so a trail verifies wherever
/// it is copied to; and a copy verifies and exports byte for byte.
async fn the_same_rows_hash_alike_on_both_stores(from: Backend, to: Backend) {
    let Some((src, dst)) = pair(from, to).await else {
        return;
    };
    let Some(copy) = Fixture::new(to).await else {
        return;
    };
    let (source, destination) = (src.open().await, dst.open().await);
    for i in 1..=8 {
        source.append(entry(i)).await.unwrap();
        destination.append(entry(i)).await.unwrap();
    }
    let hashes = |records: Vec<dokku_history::Record>| {
        records
            .into_iter()
            .map(|r| (r.id, r.entry.target, r.hash))
            .collect::<Vec<_>>()
    };
    let written = hashes(source.recent(10).await.unwrap());
    assert_eq!(written, hashes(destination.recent(10).await.unwrap()));
    assert_eq!(
        written.iter().filter(|(_, t, _)| t.is_some()).count(),
        4,
        "half the rows have a target"
    );
    assert_eq!(export(&destination).await, export(&source).await);

    let copied = copy.open().await;
    migrate_trail(&source, &copied).await.unwrap();
    assert!(copied.verify().await.unwrap().is_intact());
    assert_eq!(export(&copied).await, export(&source).await);
}

macro_rules! for_pairs {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                use super::*;

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite_to_postgres() {
                    super::$name(Backend::Sqlite, Backend::Postgres).await;
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres_to_sqlite() {
                    super::$name(Backend::Postgres, Backend::Sqlite).await;
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite_to_sqlite() {
                    super::$name(Backend::Sqlite, Backend::Sqlite).await;
                }
            }
        )*
    };
}

for_pairs!(
    a_trail_arrives_whole_and_goes_on,
    an_emptied_trail_keeps_its_head,
    a_source_that_does_not_verify_is_refused,
    the_same_rows_hash_alike_on_both_stores,
);
