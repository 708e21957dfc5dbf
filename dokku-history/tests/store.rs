//! The store held to its evidence list, without any executor, on both
//! backends (`sqlite::…` and `postgres::…`): tamper evidence against edits
//! made directly to the database, retention that keeps the chain
//! verifiable, concurrent writers, a read-only database, queries, keyset
//! pagination, search, statistics and exports. A full SQLite file is
//! SQLite's own (`a_full_…`, `once_full_…`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[macro_use]
mod common;

use std::collections::BTreeSet;

use common::Fixture;
use dokku_history::{
    Cursor, Entry, HistoryError, HistoryStore, Outcome, Query, Record, Retention, Source,
    StoreOptions, Tamper,
};

on_both_backends!(
    altering_any_stored_field_of_one_row_is_named,
    altering_a_rows_link_breaks_the_chain_there,
    deleting_a_middle_row_breaks_the_chain_at_the_next_id,
    deleting_the_oldest_row_without_retention_is_detected,
    swapping_two_rows_whole_is_detected,
    swapping_the_contents_of_two_rows_is_detected,
    deleting_the_newest_row_reports_the_missing_head,
    deleting_every_row_reports_the_missing_head,
    an_untouched_store_verifies_after_reopening,
    keeping_the_newest_rows_keeps_the_chain_verifiable,
    removing_rows_by_age_keeps_the_chain_verifiable,
    retaining_nothing_then_appending_still_verifies,
    tampering_after_retention_is_still_detected,
    concurrent_writers_lose_nothing,
    probing_leaves_no_trace,
    a_read_only_database_gives_the_read_only_error,
    queries_filter_by_each_field,
    the_newest_release_of_each_app_comes_from_one_pass_over_the_hosts_deploys,
    keyset_pagination_returns_every_row_once_newest_first,
    a_reader_allowed_some_rows_gets_full_pages_and_every_kept_row_once,
    search_finds_argv_and_stderr_words_and_takes_input_literally,
    stats_count_failures_and_percentiles,
    jsonl_export_parses_back_to_the_same_records,
    csv_export_neutralises_cells_a_spreadsheet_would_run,
    each_append_wakes_whoever_waits_on_the_store,
);

const BASE: i64 = 1_700_000_000_000;

/// A row that exercises every field: odd ids failed, from `other`,
/// mutating, with a target, a correlation, a parent and an error; even ids
/// succeed, and have no target (as rows written before there were any).
fn entry(i: i64) -> Entry {
    let odd = i % 2 == 1;
    Entry {
        started_at: BASE + i * 1000,
        ended_at: BASE + i * 1000 + 10 + i,
        host: format!("host-{}", i % 3),
        target: odd.then(|| format!("dokku@host-{}.example", i % 3)),
        actor: format!("actor-{}", i % 4),
        source: if odd { Source::Other } else { Source::Cli },
        correlation_id: odd.then(|| format!("op-{i}")),
        parent_id: odd.then_some(i - 1),
        subcommand: if odd { "ps:scale" } else { "apps:report" }.to_owned(),
        app: Some(format!("app-{}", i % 5)),
        argv: vec![
            if odd { "ps:scale" } else { "apps:report" }.to_owned(),
            format!("app-{}", i % 5),
            format!("word{i}"),
        ],
        mutating: odd,
        outcome: if odd { Outcome::Failed } else { Outcome::Ok },
        exit_code: Some(if odd { 1 } else { 0 }),
        stdout: format!("out {i}"),
        stdout_len: 6,
        stderr: if odd {
            format!("err {i}")
        } else {
            String::new()
        },
        stderr_len: if odd { 6 } else { 0 },
        error: odd.then(|| format!("error {i}")),
    }
}

async fn store_with(fx: &Fixture, rows: i64) -> HistoryStore {
    let store = fx.open().await;
    for i in 1..=rows {
        assert_eq!(store.append(entry(i)).await.unwrap(), i);
    }
    assert!(store.verify().await.unwrap().is_intact());
    store
}

async fn each_append_wakes_whoever_waits_on_the_store(fx: Fixture) {
    let store = fx.open().await;
    let mut appended = store.appended();
    assert_eq!(*appended.borrow(), 0, "nothing appended yet");
    // A clone appends: the waiter on the original wakes with its id.
    let clone = store.clone();
    let waiter = tokio::spawn(async move {
        appended.changed().await.unwrap();
        let id = *appended.borrow_and_update();
        (id, appended)
    });
    let id = clone.append(entry(1)).await.unwrap();
    let (seen, mut appended) = waiter.await.unwrap();
    assert_eq!(seen, id);
    // Several at once: one wake, with the last id.
    let ids = store.append_many(vec![entry(2), entry(3)]).await.unwrap();
    appended.changed().await.unwrap();
    assert_eq!(*appended.borrow_and_update(), ids[1]);
    assert!(!appended.has_changed().unwrap(), "nothing more since");
}

async fn problem(store: &HistoryStore) -> Option<Tamper> {
    store.verify().await.unwrap().problem
}

async fn all_records(store: &HistoryStore) -> Vec<Record> {
    let mut out = Vec::new();
    let mut after = None;
    loop {
        let mut query = Query::default();
        query.after = after;
        query.limit = Some(1000);
        let page = store.query(query).await.unwrap();
        out.extend(page.records);
        match page.next {
            Some(next) => after = Some(next),
            None => return out,
        }
    }
}

// ---------------------------------------------------------------------------
// Tamper evidence
// ---------------------------------------------------------------------------

async fn altering_any_stored_field_of_one_row_is_named(fx: Fixture) {
    // Row 7 is odd: failed, source `other`, mutating, every optional set.
    let edits = [
        "started_at = started_at - 1",
        "ended_at = ended_at + 1",
        // Not an input of the hash on its own, but stats read it.
        "duration_ms = duration_ms + 1000",
        "host = 'elsewhere'",
        "target = 'dokku@elsewhere.example'",
        "target = NULL",
        "actor = 'mallory'",
        "source = 'web'",
        // Parses back to the same `Source::Other`: still an alteration.
        "source = 'bogus'",
        "correlation_id = 'op-forged'",
        "correlation_id = NULL",
        "parent_id = 99",
        "parent_id = NULL",
        "subcommand = 'apps:list'",
        "app = 'app-forged'",
        "app = NULL",
        r#"argv = '["ps:scale","app-2"]'"#,
        // Same JSON value, different text: search and exports see the text.
        "argv = replace(argv, ',', ', ')",
        "mutating = NOT mutating",
        "outcome = 'ok'",
        // Parses back to `Outcome::Failed`, yet hides the row from
        // `Query { outcome: Failed }`.
        "outcome = 'FAILED'",
        "exit_code = 0",
        "exit_code = NULL",
        "stdout = 'nothing to see'",
        "stdout_len = 0",
        "stderr = ''",
        "stderr_len = 0",
        "error = NULL",
        "error = 'forged'",
        "hash = '0000000000000000000000000000000000000000000000000000000000000000'",
    ];
    let mut edits = edits.to_vec();
    if fx.is_sqlite() {
        // Reads back as `true`, but it is not what was written.
        edits.push("mutating = 2");
    }
    let mut missed = Vec::new();
    for edit in edits {
        let fx = Fixture::new(fx.backend).await.unwrap();
        let store = store_with(&fx, 20).await;
        fx.tamper(&format!("UPDATE commands SET {edit} WHERE id = 7"))
            .await;
        let found = problem(&store).await;
        if found != Some(Tamper::Altered { id: 7 }) {
            missed.push(format!("`{edit}` gave {found:?}"));
        }
    }
    assert!(
        missed.is_empty(),
        "not reported as Altered {{ id: 7 }}:\n{}",
        missed.join("\n")
    );
}

async fn altering_a_rows_link_breaks_the_chain_there(fx: Fixture) {
    let store = store_with(&fx, 20).await;
    fx.tamper("UPDATE commands SET prev_hash = hash WHERE id = 12")
        .await;
    assert_eq!(problem(&store).await, Some(Tamper::Broken { id: 12 }));
}

async fn deleting_a_middle_row_breaks_the_chain_at_the_next_id(fx: Fixture) {
    let store = store_with(&fx, 20).await;
    fx.tamper("DELETE FROM commands WHERE id = 10").await;
    let v = store.verify().await.unwrap();
    assert_eq!(v.problem, Some(Tamper::Broken { id: 11 }));
    assert!(!v.is_intact());
}

async fn deleting_the_oldest_row_without_retention_is_detected(fx: Fixture) {
    let store = store_with(&fx, 20).await;
    fx.tamper("DELETE FROM commands WHERE id = 1").await;
    assert_eq!(problem(&store).await, Some(Tamper::Broken { id: 2 }));
}

/// Swap every column but the id between two rows: the chain is reordered.
async fn swapping_two_rows_whole_is_detected(fx: Fixture) {
    let store = store_with(&fx, 20).await;
    let cols = format!(
        "started_at, ended_at, duration_ms, host, actor, source, correlation_id, \
         parent_id, subcommand, app, argv, mutating, outcome, exit_code, stdout, stdout_len, \
         stderr, stderr_len, error, prev_hash, hash, target{}",
        fx.extra_columns()
    );
    fx.tamper(&format!(
        "CREATE TEMP TABLE t AS SELECT id, {cols} FROM commands WHERE id IN (8, 9);
             UPDATE commands SET id = -8 WHERE id = 8;
             UPDATE commands SET id = -9 WHERE id = 9;
             INSERT INTO commands (id, {cols}) SELECT 17 - id, {cols} FROM t;
             DELETE FROM commands WHERE id IN (-8, -9);"
    ))
    .await;
    // Row 8 now holds row 9: its link points at row 8's hash, not row 7's.
    assert_eq!(problem(&store).await, Some(Tamper::Broken { id: 8 }));
    let swapped = store.get(8).await.unwrap().unwrap();
    assert_eq!(swapped.entry, entry(9), "the swap really happened");
}

/// Swap only the recorded facts, leaving the hash columns in place.
async fn swapping_the_contents_of_two_rows_is_detected(fx: Fixture) {
    let store = store_with(&fx, 20).await;
    let cols = [
        "started_at",
        "ended_at",
        "duration_ms",
        "host",
        "target",
        "actor",
        "source",
        "correlation_id",
        "parent_id",
        "subcommand",
        "app",
        "argv",
        "mutating",
        "outcome",
        "exit_code",
        "stdout",
        "stdout_len",
        "stderr",
        "stderr_len",
        "error",
    ];
    let set = cols
        .iter()
        .map(|c| format!("{c} = (SELECT {c} FROM t WHERE t.id = 15 - commands.id)"))
        .collect::<Vec<_>>()
        .join(", ");
    fx.tamper(&format!(
        "CREATE TEMP TABLE t AS SELECT * FROM commands WHERE id IN (5, 10);
         UPDATE commands SET {set} WHERE id IN (5, 10);"
    ))
    .await;
    assert_eq!(store.get(5).await.unwrap().unwrap().entry, entry(10));
    assert_eq!(problem(&store).await, Some(Tamper::Altered { id: 5 }));
}

async fn deleting_the_newest_row_reports_the_missing_head(fx: Fixture) {
    let store = store_with(&fx, 20).await;
    fx.tamper("DELETE FROM commands WHERE id = 20").await;
    assert_eq!(
        problem(&store).await,
        Some(Tamper::HeadMissing { expected_head: 20 })
    );
}

async fn deleting_every_row_reports_the_missing_head(fx: Fixture) {
    let store = store_with(&fx, 20).await;
    fx.tamper("DELETE FROM commands").await;
    let v = store.verify().await.unwrap();
    assert_eq!(v.rows, 0);
    assert_eq!(v.problem, Some(Tamper::HeadMissing { expected_head: 20 }));
}

async fn an_untouched_store_verifies_after_reopening(fx: Fixture) {
    let store = store_with(&fx, 20).await;
    drop(store);
    let store = fx.open().await;
    let v = store.verify().await.unwrap();
    assert_eq!(v.rows, 20);
    assert_eq!(v.truncated_before, 0);
    assert_eq!(v.problem, None);
    assert_eq!(store.append(entry(21)).await.unwrap(), 21);
    assert!(store.verify().await.unwrap().is_intact());
}

// ---------------------------------------------------------------------------
// Retention
// ---------------------------------------------------------------------------

async fn keeping_the_newest_rows_keeps_the_chain_verifiable(fx: Fixture) {
    let store = store_with(&fx, 20).await;
    assert_eq!(store.retain(Retention::keep_newest(5)).await.unwrap(), 15);
    let v = store.verify().await.unwrap();
    assert_eq!(v.problem, None);
    assert_eq!(v.rows, 5);
    assert_eq!(v.truncated_before, 16);
    let ids: Vec<i64> = all_records(&store).await.iter().map(|r| r.id).collect();
    assert_eq!(ids, [20, 19, 18, 17, 16]);

    // Nothing more to remove.
    assert_eq!(store.retain(Retention::keep_newest(5)).await.unwrap(), 0);

    for i in 21..=25 {
        assert_eq!(store.append(entry(i)).await.unwrap(), i);
    }
    let v = store.verify().await.unwrap();
    assert_eq!((v.rows, v.truncated_before, v.problem), (10, 16, None));
}

async fn removing_rows_by_age_keeps_the_chain_verifiable(fx: Fixture) {
    let store = store_with(&fx, 20).await;
    // Rows 1..=9 started before row 10.
    let cutoff = entry(10).started_at;
    assert_eq!(
        store.retain(Retention::older_than(cutoff)).await.unwrap(),
        9
    );
    let v = store.verify().await.unwrap();
    assert_eq!((v.rows, v.truncated_before, v.problem), (11, 10, None));
    assert!(store.get(9).await.unwrap().is_none());
    assert!(store.get(10).await.unwrap().is_some());

    for i in 21..=30 {
        store.append(entry(i)).await.unwrap();
    }
    // Both rules at once: the stricter wins.
    let mut both = Retention::older_than(entry(12).started_at);
    both.max_rows = Some(4);
    assert_eq!(store.retain(both).await.unwrap(), 17);
    let v = store.verify().await.unwrap();
    assert_eq!((v.rows, v.truncated_before, v.problem), (4, 27, None));
    store.append(entry(31)).await.unwrap();
    assert!(store.verify().await.unwrap().is_intact());
}

async fn retaining_nothing_then_appending_still_verifies(fx: Fixture) {
    let store = store_with(&fx, 20).await;
    assert_eq!(store.retain(Retention::keep_newest(0)).await.unwrap(), 20);
    let v = store.verify().await.unwrap();
    assert_eq!((v.rows, v.truncated_before, v.problem), (0, 21, None));

    assert_eq!(store.append(entry(21)).await.unwrap(), 21);
    assert_eq!(store.append(entry(22)).await.unwrap(), 22);
    let v = store.verify().await.unwrap();
    assert_eq!((v.rows, v.truncated_before, v.problem), (2, 21, None));

    // Everything again, by age this time, and across a reopen.
    assert_eq!(
        store.retain(Retention::older_than(i64::MAX)).await.unwrap(),
        2
    );
    drop(store);
    let store = fx.open().await;
    let v = store.verify().await.unwrap();
    assert_eq!((v.rows, v.truncated_before, v.problem), (0, 23, None));
    assert_eq!(store.append(entry(23)).await.unwrap(), 23);
    assert!(store.verify().await.unwrap().is_intact());
}

async fn tampering_after_retention_is_still_detected(fx: Fixture) {
    let store = store_with(&fx, 20).await;
    store.retain(Retention::keep_newest(10)).await.unwrap();
    // Removing the first kept row without going through retention.
    fx.tamper("DELETE FROM commands WHERE id = 11").await;
    assert_eq!(problem(&store).await, Some(Tamper::Broken { id: 12 }));
}

// ---------------------------------------------------------------------------
// Concurrent writers
// ---------------------------------------------------------------------------

async fn concurrent_writers_lose_nothing(fx: Fixture) {
    let store = fx.open().await;
    let mut tasks = Vec::new();
    for task in 0..32i64 {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            let mut ids = Vec::new();
            for n in 0..100i64 {
                let mut e = entry(n);
                e.actor = format!("task-{task}");
                e.argv.push(format!("n{n}"));
                ids.push(store.append(e).await.unwrap());
            }
            ids
        }));
    }
    let mut ids = Vec::new();
    for task in tasks {
        ids.extend(task.await.unwrap());
    }
    assert_eq!(ids.len(), 3200);
    let unique: BTreeSet<i64> = ids.iter().copied().collect();
    assert_eq!(unique, (1..=3200).collect::<BTreeSet<i64>>());

    let v = store.verify().await.unwrap();
    assert_eq!((v.rows, v.problem), (3200, None));

    // Each task's hundred rows are there, each once.
    let records = all_records(&store).await;
    assert_eq!(records.len(), 3200);
    for task in 0..32 {
        let mine: BTreeSet<String> = records
            .iter()
            .filter(|r| r.entry.actor == format!("task-{task}"))
            .map(|r| r.entry.argv.last().unwrap().clone())
            .collect();
        assert_eq!(mine.len(), 100, "task {task}");
    }
}

// ---------------------------------------------------------------------------
// A full disk, a read-only file
// ---------------------------------------------------------------------------

/// Appends rows until the page cap refuses one; returns how many went in.
async fn fill(store: &HistoryStore) -> (i64, HistoryError) {
    for i in 1..=20_000 {
        let mut e = entry(i);
        e.stderr = format!("filler {i} ").repeat(40);
        if let Err(error) = store.append(e).await {
            return (i - 1, error);
        }
    }
    panic!("the capped database never filled up");
}

#[tokio::test]
async fn a_full_database_gives_the_full_error_and_keeps_its_chain() {
    let dir = tempfile::tempdir().unwrap();
    let mut options = StoreOptions::default();
    options.max_page_count = Some(60);
    let store = HistoryStore::open_with(dir.path().join("history.db"), options).unwrap();
    let (written, error) = fill(&store).await;
    assert!(written > 0, "some rows fit before the cap");
    assert!(
        matches!(error, HistoryError::Full { .. }),
        "expected Full, got {error:?}"
    );
    assert!(error.to_string().contains("full"), "{error}");

    // Still full for the next one, and the probe says so before any command.
    let again = store.append(entry(1)).await.unwrap_err();
    assert!(matches!(again, HistoryError::Full { .. }), "{again:?}");
    let probe = store.check_writable().await.unwrap_err();
    assert!(matches!(probe, HistoryError::Full { .. }), "{probe:?}");

    // What was acknowledged is all there, and nothing half-written.
    let v = store.verify().await.unwrap();
    assert_eq!(v.rows, u64::try_from(written).unwrap());
    assert_eq!(v.problem, None);
}

/// Whatever the row size that hit the cap (up to the probe's own ~4 KiB),
/// the probe must then fail too; otherwise `AuditPolicy::FailClosed` runs a
/// command it cannot record. These sizes and caps include fills that stop
/// at the commit, where FTS5 writes its index.
#[tokio::test]
async fn once_full_the_probe_reports_full_too() {
    for (size, pages) in [
        (100usize, 100u64),
        (200, 200),
        (400, 60),
        (800, 60),
        (1600, 200),
        (3000, 60),
        (4000, 100),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let mut options = StoreOptions::default();
        options.max_page_count = Some(pages);
        let store = HistoryStore::open_with(dir.path().join("history.db"), options).unwrap();
        let mut i = 0;
        let error = loop {
            i += 1;
            let mut e = entry(i);
            e.stderr = format!("filler{i} ").repeat(size / 10);
            if let Err(error) = store.append(e).await {
                break error;
            }
        };
        assert!(matches!(error, HistoryError::Full { .. }), "{error:?}");
        let probe = store.check_writable().await;
        assert!(
            matches!(probe, Err(HistoryError::Full { .. })),
            "rows of {size} bytes, {pages} pages: the append failed ({error}) \
             but the probe said {probe:?}"
        );
    }
}

async fn probing_leaves_no_trace(fx: Fixture) {
    let store = store_with(&fx, 5).await;
    for i in 6..=15 {
        store.check_writable().await.unwrap();
        store.append(entry(i)).await.unwrap();
        store.check_writable().await.unwrap();
    }
    let v = store.verify().await.unwrap();
    assert_eq!((v.rows, v.problem), (15, None));
    // The full-text index matches the rows exactly.
    assert_eq!(ids(&store.search("word9", 10).await.unwrap()), [9]);
    assert_eq!(ids(&store.search("word15", 10).await.unwrap()), [15]);
    assert!(store.search("probe", 10).await.unwrap().is_empty());
    if fx.is_sqlite() {
        fx.tamper("INSERT INTO commands_fts(commands_fts, rank) VALUES ('integrity-check', 1)")
            .await;
    }
}

/// SQLite's own read-only open (`mode=ro`), or a PostgreSQL session whose
/// transactions are read-only: not writable whoever runs the test, root
/// too.
async fn a_read_only_database_gives_the_read_only_error(fx: Fixture) {
    let writable = store_with(&fx, 3).await;
    let store = fx.open_read_only().await;
    // Reading works.
    assert_eq!(store.verify().await.unwrap().rows, 3);

    let error = store.append(entry(4)).await.unwrap_err();
    assert!(
        matches!(error, HistoryError::ReadOnly { .. }),
        "expected ReadOnly, got {error:?}"
    );
    let probe = store.check_writable().await.unwrap_err();
    assert!(matches!(probe, HistoryError::ReadOnly { .. }), "{probe:?}");
    let retain = store.retain(Retention::keep_newest(1)).await.unwrap_err();
    assert!(
        matches!(retain, HistoryError::ReadOnly { .. }),
        "{retain:?}"
    );

    // The writable store is unaffected.
    assert!(writable.check_writable().await.is_ok());
    assert_eq!(writable.append(entry(4)).await.unwrap(), 4);
    assert!(writable.verify().await.unwrap().is_intact());
}

// ---------------------------------------------------------------------------
// Queries and pagination
// ---------------------------------------------------------------------------

fn ids(records: &[Record]) -> Vec<i64> {
    records.iter().map(|r| r.id).collect()
}

async fn queries_filter_by_each_field(fx: Fixture) {
    let store = store_with(&fx, 40).await;
    let every: Vec<Entry> = (1..=40).map(entry).collect();
    // Newest first: started_at grows with the id here.
    let expect = |keep: &dyn Fn(&Entry) -> bool| -> Vec<i64> {
        (1..=40i64)
            .rev()
            .filter(|i| keep(&every[usize::try_from(*i - 1).unwrap()]))
            .collect()
    };
    let run = |q: Query| {
        let store = store.clone();
        async move { ids(&store.query(q).await.unwrap().records) }
    };

    let mut q = Query::default();
    q.app = Some("app-2".to_owned());
    assert_eq!(run(q).await, expect(&|e| e.app.as_deref() == Some("app-2")));

    let mut q = Query::default();
    q.host = Some("host-1".to_owned());
    assert_eq!(run(q).await, expect(&|e| e.host == "host-1"));

    let mut q = Query::default();
    q.actor = Some("actor-3".to_owned());
    assert_eq!(run(q).await, expect(&|e| e.actor == "actor-3"));

    let mut q = Query::default();
    q.outcome = Some(Outcome::Failed);
    let failed = run(q).await;
    assert_eq!(failed.len(), 20);
    assert_eq!(failed, expect(&|e| e.outcome == Outcome::Failed));

    let mut q = Query::default();
    q.subcommand = Some("apps:report".to_owned());
    assert_eq!(run(q).await, expect(&|e| e.subcommand == "apps:report"));

    let mut q = Query::default();
    q.subcommands = vec!["ps:scale".to_owned(), "nope:x".to_owned()];
    assert_eq!(run(q).await, expect(&|e| e.subcommand == "ps:scale"));

    let mut q = Query::default();
    q.subcommands = vec!["ps:scale".to_owned(), "apps:report".to_owned()];
    q.app = Some("app-3".to_owned());
    assert_eq!(run(q).await, expect(&|e| e.app.as_deref() == Some("app-3")));

    // since is inclusive, until exclusive.
    let mut q = Query::default();
    q.since_ms = Some(entry(10).started_at);
    q.until_ms = Some(entry(15).started_at);
    assert_eq!(run(q).await, [14, 13, 12, 11, 10]);

    // Filters combine.
    let mut q = Query::default();
    q.outcome = Some(Outcome::Ok);
    q.host = Some("host-0".to_owned());
    q.since_ms = Some(entry(20).started_at);
    assert_eq!(
        run(q).await,
        expect(&|e| e.outcome == Outcome::Ok
            && e.host == "host-0"
            && e.started_at >= entry(20).started_at)
    );

    // Nothing matches.
    let mut q = Query::default();
    q.app = Some("nope".to_owned());
    let page = store.query(q).await.unwrap();
    assert!(page.records.is_empty());
    assert_eq!(page.next, None);

    // recent() is the newest n.
    assert_eq!(ids(&store.recent(3).await.unwrap()), [40, 39, 38]);
}

async fn the_newest_release_of_each_app_comes_from_one_pass_over_the_hosts_deploys(fx: Fixture) {
    let store = fx.open().await;
    let command = |i: i64, host: &str, app: &str, argv: &[&str]| {
        let mut e = entry(i);
        e.host = host.to_owned();
        e.app = Some(app.to_owned());
        e.subcommand = argv[0].to_owned();
        e.argv = argv.iter().map(|a| (*a).to_owned()).collect();
        e.outcome = Outcome::Ok;
        e.error = None;
        e
    };
    // `quiet` deployed once, long ago; `busy` 450 times since (pages of
    // 200), with other commands between; `elsewhere` only on another host.
    store
        .append(command(
            1,
            "prod",
            "quiet",
            &["git:from-image", "quiet", "acme/quiet:1"],
        ))
        .await
        .unwrap();
    for i in 2..=451 {
        let image = format!("acme/busy:{i}");
        store
            .append(command(
                i,
                "prod",
                "busy",
                &["git:from-image", "busy", &image],
            ))
            .await
            .unwrap();
        store
            .append(command(
                1000 + i,
                "prod",
                "busy",
                &["config:set", "busy", "X=1"],
            ))
            .await
            .unwrap();
    }
    store
        .append(command(
            2000,
            "staging",
            "elsewhere",
            &["git:from-image", "elsewhere", "x:1"],
        ))
        .await
        .unwrap();
    let app = |name: &str| dokku_core::AppName::new(name).unwrap();
    let apps = [app("busy"), app("quiet"), app("never"), app("elsewhere")];
    let newest = store.latest_releases("prod", &apps).await.unwrap();
    let shown: Vec<(String, String)> = newest
        .iter()
        .map(|r| (r.app.clone(), r.source.to_string()))
        .collect();
    assert_eq!(
        shown,
        [
            ("busy".to_owned(), "image acme/busy:451".to_owned()),
            ("quiet".to_owned(), "image acme/quiet:1".to_owned()),
        ]
    );
    // The same as the per-app reading.
    for release in &newest {
        let one = store
            .releases(&app(&release.app), Some("prod"), 1)
            .await
            .unwrap();
        assert_eq!(one[0].record_id, release.record_id);
    }
}

async fn keyset_pagination_returns_every_row_once_newest_first(fx: Fixture) {
    let store = fx.open().await;
    // Start times out of id order and with many ties, as clocks give them.
    let mut expected: Vec<(i64, i64)> = Vec::new();
    for i in 1..=120i64 {
        let mut e = entry(i);
        e.started_at = BASE + ((i * 37) % 40) * 1000;
        e.ended_at = e.started_at + 5;
        let id = store.append(e.clone()).await.unwrap();
        expected.push((e.started_at, id));
    }
    expected.sort_by(|a, b| b.cmp(a));

    let mut seen: Vec<(i64, i64)> = Vec::new();
    let mut sizes = Vec::new();
    let mut after: Option<Cursor> = None;
    loop {
        let mut q = Query::default();
        q.limit = Some(50);
        q.after = after;
        let page = store.query(q).await.unwrap();
        sizes.push(page.records.len());
        seen.extend(page.records.iter().map(|r| (r.entry.started_at, r.id)));
        if let (Some(next), Some(last)) = (page.next, page.records.last()) {
            assert_eq!(
                next,
                Cursor {
                    started_at: last.entry.started_at,
                    id: last.id
                }
            );
        }
        match page.next {
            Some(next) => after = Some(next),
            None => break,
        }
    }
    assert_eq!(sizes, [50, 50, 20]);
    assert_eq!(seen, expected);

    // Exactly a page's worth left: the last full page says there is no more.
    let mut q = Query::default();
    q.limit = Some(60);
    let first = store.query(q).await.unwrap();
    let mut q = Query::default();
    q.limit = Some(60);
    q.after = first.next;
    let second = store.query(q).await.unwrap();
    assert_eq!(second.records.len(), 60);
    assert_eq!(second.next, None);

    // Paging composes with a filter.
    let mut filtered = Vec::new();
    let mut after = None;
    loop {
        let mut q = Query::default();
        q.outcome = Some(Outcome::Failed);
        q.limit = Some(7);
        q.after = after;
        let page = store.query(q).await.unwrap();
        filtered.extend(page.records.iter().map(|r| (r.entry.started_at, r.id)));
        match page.next {
            Some(n) => after = Some(n),
            None => break,
        }
    }
    let odd: Vec<(i64, i64)> = expected
        .iter()
        .copied()
        .filter(|(_, id)| id % 2 == 1)
        .collect();
    assert_eq!(filtered, odd);
}

async fn a_reader_allowed_some_rows_gets_full_pages_and_every_kept_row_once(fx: Fixture) {
    let store = fx.open().await;
    for i in 1..=120i64 {
        store.append(entry(i)).await.unwrap();
    }
    // One row in five is this reader's.
    let keep = |r: &Record| r.id % 5 == 0;
    let walk = |scan: usize| {
        let store = store.clone();
        async move {
            let (mut seen, mut sizes, mut after) = (Vec::new(), Vec::new(), None);
            loop {
                let mut q = Query::default();
                q.limit = Some(10);
                q.after = after;
                let page = store.query_kept(q, keep, scan).await.unwrap();
                sizes.push(page.records.len());
                seen.extend(ids(&page.records));
                match page.next {
                    Some(next) => after = Some(next),
                    None => break,
                }
            }
            (seen, sizes)
        }
    };
    let every_kept: Vec<i64> = (1..=120).rev().filter(|id| id % 5 == 0).collect();

    // Enough rows may be read: full pages of kept rows, then the rest.
    let (seen, sizes) = walk(1_000).await;
    assert_eq!(seen, every_kept);
    assert_eq!(sizes, [10, 10, 4]);

    // A page may read 20 rows at most: short pages, the same rows in the
    // end, each once.
    let (seen, sizes) = walk(20).await;
    assert_eq!(seen, every_kept);
    assert!(sizes.iter().all(|&n| n < 10), "{sizes:?}");

    // A page that fills on the very last row says there is no more.
    let mut q = Query::default();
    q.limit = Some(24);
    let page = store
        .query_kept(q, |r: &Record| r.id % 5 == 0 || r.id == 1, 1_000)
        .await
        .unwrap();
    assert_eq!(page.records.len(), 24);
    let mut q = Query::default();
    q.limit = Some(25);
    let page = store
        .query_kept(q, |r: &Record| r.id % 5 == 0 || r.id == 1, 1_000)
        .await
        .unwrap();
    assert_eq!(ids(&page.records).last(), Some(&1));
    assert_eq!(page.next, None);
}

// ---------------------------------------------------------------------------
// Search
// ---------------------------------------------------------------------------

async fn search_finds_argv_and_stderr_words_and_takes_input_literally(fx: Fixture) {
    let store = store_with(&fx, 10).await;
    let mut e = entry(11);
    e.argv = vec!["git:sync".into(), "app-1".into(), "frobnicate".into()];
    e.stderr = "remote: kaboom while fetching".into();
    let in_argv_and_stderr = store.append(e).await.unwrap();
    let mut e = entry(12);
    e.stderr = "this AND that \"quoted\" * star".into();
    let with_syntax = store.append(e).await.unwrap();
    let mut e = entry(13);
    e.stderr = "kaboom again".into();
    let second_kaboom = store.append(e).await.unwrap();

    let found = |records: Vec<Record>| ids(&records);
    assert_eq!(
        found(store.search("frobnicate", 10).await.unwrap()),
        [in_argv_and_stderr]
    );
    // stderr, newest first.
    assert_eq!(
        found(store.search("kaboom", 10).await.unwrap()),
        [second_kaboom, in_argv_and_stderr]
    );
    assert_eq!(
        found(store.search("kaboom", 1).await.unwrap()),
        [second_kaboom]
    );
    // Several words: all must be there.
    assert_eq!(
        found(store.search("kaboom frobnicate", 10).await.unwrap()),
        [in_argv_and_stderr]
    );
    // A word of argv's subcommand.
    assert_eq!(
        found(store.search("git:sync", 10).await.unwrap()),
        [in_argv_and_stderr]
    );
    // An upper-case OR between words: either; a trailing * a prefix.
    assert_eq!(
        found(store.search("frobnicate OR again", 10).await.unwrap()),
        [second_kaboom, in_argv_and_stderr]
    );
    assert_eq!(
        found(store.search("kab* fetch*", 10).await.unwrap()),
        [in_argv_and_stderr]
    );
    assert_eq!(
        found(store.search("git:sy*", 10).await.unwrap()),
        [in_argv_and_stderr]
    );
    // Every other FTS operator is a word, not syntax.
    assert_eq!(found(store.search("AND", 10).await.unwrap()), [with_syntax]);
    assert_eq!(
        found(store.search("that AND", 10).await.unwrap()),
        [with_syntax]
    );
    assert!(store.search("NOT", 10).await.unwrap().is_empty());
    // Syntax characters: no error, whatever they match.
    for input in [
        "\"",
        "\"\"",
        "*",
        "kaboom*",
        "\"kaboom",
        "AND",
        "OR",
        "NOT kaboom",
        "NEAR(kaboom frobnicate)",
        "argv:frobnicate",
        "stderr : kaboom",
        "-kaboom",
        "^kaboom",
        "(kaboom",
        "kaboom)",
        "{argv stderr}: x",
        "'; DROP TABLE commands; --",
        "a\"b",
        "ü∂ƒ",
    ] {
        let result = store.search(input, 10).await;
        assert!(result.is_ok(), "{input:?}: {result:?}");
    }
    assert_eq!(
        found(store.search("\"kaboom", 10).await.unwrap()),
        [second_kaboom, in_argv_and_stderr],
        "a stray quote is part of the text, not an open phrase"
    );
    assert!(store.search("", 10).await.unwrap().is_empty());
    assert!(store.search("   ", 10).await.unwrap().is_empty());
    assert_eq!(store.verify().await.unwrap().rows, 13);
}

// ---------------------------------------------------------------------------
// Statistics
// ---------------------------------------------------------------------------

async fn stats_count_failures_and_percentiles(fx: Fixture) {
    let store = fx.open().await;
    // 101 runs of ps:rebuild lasting 0..=100 ms, appended out of order;
    // every tenth failed or timed out.
    for k in 0..=100i64 {
        let d = (k * 37) % 101;
        let mut e = entry(2);
        e.subcommand = "ps:rebuild".into();
        e.started_at = BASE + k;
        e.ended_at = e.started_at + d;
        e.outcome = match d % 20 {
            0 => Outcome::Failed,
            10 => Outcome::Timeout,
            _ => Outcome::Ok,
        };
        store.append(e).await.unwrap();
    }
    // One run of apps:list, 7 ms, ok.
    let mut e = entry(2);
    e.subcommand = "apps:list".into();
    e.ended_at = e.started_at + 7;
    store.append(e).await.unwrap();
    // Two runs of logs, one cancelled and one transport error.
    for outcome in [Outcome::Cancelled, Outcome::TransportError] {
        let mut e = entry(2);
        e.subcommand = "logs".into();
        e.outcome = outcome;
        e.ended_at = e.started_at + 1;
        store.append(e).await.unwrap();
    }
    // A clock that went backwards counts as 0 ms.
    let mut e = entry(2);
    e.subcommand = "apps:report".into();
    e.ended_at = e.started_at - 500;
    store.append(e).await.unwrap();

    let stats = store.stats().await.unwrap();
    let names: Vec<&str> = stats.iter().map(|s| s.subcommand.as_str()).collect();
    assert_eq!(names, ["apps:list", "apps:report", "logs", "ps:rebuild"]);

    let list = &stats[0];
    assert_eq!(
        (list.count, list.failures, list.p50_ms, list.p95_ms),
        (1, 0, 7, 7)
    );
    assert!(list.failure_rate.abs() < f64::EPSILON);

    let report = &stats[1];
    assert_eq!((report.count, report.p50_ms, report.p95_ms), (1, 0, 0));

    let logs = &stats[2];
    assert_eq!((logs.count, logs.failures), (2, 2));
    assert!((logs.failure_rate - 1.0).abs() < f64::EPSILON);

    let rebuild = &stats[3];
    assert_eq!(rebuild.count, 101);
    // d in 0..=100 with d % 10 == 0: 11 runs.
    assert_eq!(rebuild.failures, 11);
    assert!((rebuild.failure_rate - 11.0 / 101.0).abs() < 1e-9);
    assert_eq!(rebuild.p50_ms, 50);
    assert_eq!(rebuild.p95_ms, 95);
}

// ---------------------------------------------------------------------------
// Exports
// ---------------------------------------------------------------------------

async fn jsonl_export_parses_back_to_the_same_records(fx: Fixture) {
    let store = store_with(&fx, 25).await;
    // Text that needs escaping survives too.
    let mut e = entry(26);
    e.stderr = "line one\nline \"two\"\t\u{1F680} \\ done".into();
    e.argv.push("with,comma".into());
    store.append(e).await.unwrap();

    let bytes = store.export_jsonl(Vec::new()).await.unwrap();
    let text = String::from_utf8(bytes).unwrap();
    let parsed: Vec<Record> = text
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    let mut stored = all_records(&store).await;
    stored.sort_by_key(|r| r.id);
    assert_eq!(parsed.len(), 26);
    assert_eq!(parsed, stored);
    // Oldest first; each line one object with the flattened fields.
    let first: serde_json::Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
    assert_eq!(first["id"], 1);
    assert_eq!(first["subcommand"], "ps:scale");
    assert_eq!(first["outcome"], "failed");
    assert_eq!(first["source"], "other");
}

async fn csv_export_neutralises_cells_a_spreadsheet_would_run(fx: Fixture) {
    let store = fx.open().await;
    let mut e = entry(1);
    e.stderr = "=HYPERLINK(\"http://evil.example\",\"click\")".into();
    e.subcommand = "-cmd|' /C calc'!A0".into();
    e.actor = "@SUM(1+1)".into();
    e.host = "+dokku".into();
    e.app = Some("\tapp".into());
    e.correlation_id = Some("\rop".into());
    e.argv = vec!["-x".into(), "@y".into()];
    e.exit_code = Some(-1);
    store.append(e).await.unwrap();
    let mut plain = entry(2);
    plain.stderr = "fine = fine".into();
    store.append(plain).await.unwrap();

    let bytes = store.export_csv(Vec::new()).await.unwrap();
    let mut reader = csv::Reader::from_reader(bytes.as_slice());
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 2);

    let row = &rows[0];
    assert_eq!(
        &row[col("stderr")],
        "'=HYPERLINK(\"http://evil.example\",\"click\")"
    );
    assert_eq!(&row[col("subcommand")], "'-cmd|' /C calc'!A0");
    assert_eq!(&row[col("actor")], "'@SUM(1+1)");
    assert_eq!(&row[col("host")], "'+dokku");
    assert_eq!(&row[col("app")], "'\tapp");
    assert_eq!(&row[col("correlation_id")], "'\rop");
    assert_eq!(&row[col("exit_code")], "'-1");
    // The argv cell is a JSON array: it starts with `[`, never a formula.
    assert_eq!(&row[col("argv")], r#"["-x","@y"]"#);
    // No cell of either row starts with a formula character.
    for row in &rows {
        for cell in row {
            assert!(
                !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                "{cell:?}"
            );
        }
    }
    let plain = &rows[1];
    assert_eq!(&plain[col("id")], "2");
    assert_eq!(&plain[col("stderr")], "fine = fine");
    assert_eq!(&plain[col("outcome")], "ok");
    let stored = store.get(2).await.unwrap().unwrap();
    assert_eq!(&plain[col("hash")], stored.hash);
}
