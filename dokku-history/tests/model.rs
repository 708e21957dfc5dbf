//! Model-based property test of [`HistoryStore`]: arbitrary sequences of
//! appends (single and concurrent, so the writer batches), retention by
//! count and by age, reopenings, filtered and paginated queries, full-text
//! searches, lookups by id, statistics and exports are run against a real
//! store and against a plain in-memory model (a `Vec` of records, filtered
//! and sorted newest first by `(started_at, id)`). Every result must equal
//! the model's, and the hash chain must verify after every step — on
//! SQLite and on PostgreSQL alike (`sqlite::…`, `postgres::…`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[macro_use]
mod common;

use common::{Backend, Fixture};

use std::collections::BTreeMap;

use dokku_history::record::{chain_hash, GENESIS};
use dokku_history::{
    Cursor, Entry, HistoryStore, Outcome, Query, Record, Retention, Source, Verification,
};
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::TestRunner;

// Small sets, so that filters and searches hit.
const APPS: &[&str] = &["api", "web", "worker"];
const HOSTS: &[&str] = &["dokku-1.example", "dokku-2.example"];
const ACTORS: &[&str] = &["alice", "bob", "deploy-bot"];
const SUBCOMMANDS: &[&str] = &["apps:create", "config:set", "ps:restart", "git:sync"];
const WORDS: &[&str] = &["rollback", "nginx", "postgres", "redis", "timeout"];
const FLAGS: &[&str] = &["--force", "--no-restart", "TOKEN=***", "--format=json"];
const OUTCOMES: &[Outcome] = &[
    Outcome::Ok,
    Outcome::Failed,
    Outcome::Timeout,
    Outcome::TransportError,
    Outcome::Cancelled,
];
const SOURCES: &[Source] = &[
    Source::Cli,
    Source::Web,
    Source::Api,
    Source::Schedule,
    Source::Other,
];
/// Start times are whole seconds in this range (ms), so they tie often.
const T_MIN: i64 = -2;
const T_MAX: i64 = 12;

fn pick<T: Clone + std::fmt::Debug + 'static>(set: &'static [T]) -> impl Strategy<Value = T> {
    prop::sample::select(set)
}

fn pick_str(set: &'static [&'static str]) -> impl Strategy<Value = String> {
    prop::sample::select(set).prop_map(str::to_owned)
}

fn time() -> impl Strategy<Value = i64> {
    (T_MIN..=T_MAX).prop_map(|s| s * 1000)
}

fn argv_word() -> BoxedStrategy<String> {
    prop_oneof![
        pick_str(APPS),
        pick_str(WORDS),
        pick_str(FLAGS),
        "[a-z]{1,3}",
    ]
    .boxed()
}

fn entry() -> impl Strategy<Value = Entry> {
    let who = (
        time(),
        -5i64..3000,
        pick_str(HOSTS),
        pick_str(ACTORS),
        pick(SOURCES),
        prop::option::of("[a-z0-9-]{1,8}"),
        prop::option::of(1i64..100),
    );
    let what = (
        pick_str(SUBCOMMANDS),
        prop::option::of(pick_str(APPS)),
        prop::collection::vec(argv_word(), 0..4),
        any::<bool>(),
        pick(OUTCOMES),
        prop::option::of(any::<i32>()),
    );
    let printed = (
        "\\PC{0,16}",
        0i64..1_000_000,
        prop::collection::vec(prop_oneof![pick_str(WORDS), "[a-z]{1,3}"], 0..3),
        0i64..1_000_000,
        prop::option::of("\\PC{0,12}"),
    );
    (who, what, printed).prop_map(
        |(
            (started_at, duration, host, actor, source, correlation_id, parent_id),
            (subcommand, app, words, mutating, outcome, exit_code),
            (stdout, stdout_len, stderr_words, stderr_len, error),
        )| {
            let mut argv = vec![subcommand.clone()];
            argv.extend(app.clone());
            argv.extend(words);
            Entry {
                started_at,
                ended_at: started_at + duration,
                host,
                target: None,
                actor,
                source,
                correlation_id,
                parent_id,
                subcommand,
                app,
                argv,
                mutating,
                outcome,
                exit_code,
                stdout,
                stdout_len,
                stderr: stderr_words.join(": "),
                stderr_len,
                error,
            }
        },
    )
}

#[derive(Debug, Clone)]
struct Filters {
    app: Option<String>,
    host: Option<String>,
    actor: Option<String>,
    subcommand: Option<String>,
    outcome: Option<Outcome>,
    since_ms: Option<i64>,
    until_ms: Option<i64>,
    limit: Option<usize>,
}

fn filters() -> impl Strategy<Value = Filters> {
    (
        prop::option::weighted(0.3, pick_str(APPS)),
        prop::option::weighted(0.3, pick_str(HOSTS)),
        prop::option::weighted(0.3, pick_str(ACTORS)),
        prop::option::weighted(0.3, pick_str(SUBCOMMANDS)),
        prop::option::weighted(0.3, pick(OUTCOMES)),
        prop::option::weighted(0.3, time()),
        prop::option::weighted(0.3, time()),
        prop::option::weighted(0.8, 0usize..7),
    )
        .prop_map(
            |(app, host, actor, subcommand, outcome, since_ms, until_ms, limit)| Filters {
                app,
                host,
                actor,
                subcommand,
                outcome,
                since_ms,
                until_ms,
                limit,
            },
        )
}

impl Filters {
    fn query(&self) -> Query {
        let mut q = Query::default();
        q.app.clone_from(&self.app);
        q.host.clone_from(&self.host);
        q.actor.clone_from(&self.actor);
        q.subcommand.clone_from(&self.subcommand);
        q.outcome = self.outcome;
        q.since_ms = self.since_ms;
        q.until_ms = self.until_ms;
        q.limit = self.limit;
        q
    }

    fn matches(&self, e: &Entry) -> bool {
        let eq = |want: &Option<String>, have: Option<&str>| {
            want.as_deref().map_or(true, |w| have == Some(w))
        };
        eq(&self.app, e.app.as_deref())
            && eq(&self.host, Some(&e.host))
            && eq(&self.actor, Some(&e.actor))
            && eq(&self.subcommand, Some(&e.subcommand))
            && self.outcome.map_or(true, |o| o == e.outcome)
            && self.since_ms.map_or(true, |s| e.started_at >= s)
            && self.until_ms.map_or(true, |u| e.started_at < u)
    }
}

#[derive(Debug, Clone)]
enum Op {
    /// One entry, or several appended concurrently (one writer batch).
    Append(Vec<Entry>),
    RetainNewest(u64),
    RetainOlderThan(i64),
    RetainBoth(i64, u64),
    Query(Filters),
    Search(Vec<String>, usize),
    Get(i64),
    Stats,
    Reopen,
}

fn search_word() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => pick_str(WORDS),
        2 => pick_str(APPS),
        2 => pick_str(SUBCOMMANDS),
        1 => pick_str(WORDS).prop_map(|w| w.to_uppercase()),
        1 => "[a-z]{1,2}",
        1 => Just("***".to_owned()),
        1 => Just("OR".to_owned()),
        1 => pick_str(WORDS).prop_map(|w| format!("{}*", &w[..w.len().min(2)])),
    ]
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        6 => prop::collection::vec(entry(), 1..4).prop_map(Op::Append),
        2 => prop::collection::vec(entry(), 4..24).prop_map(Op::Append),
        1 => (0u64..12).prop_map(Op::RetainNewest),
        1 => time().prop_map(Op::RetainOlderThan),
        1 => (time(), 0u64..12).prop_map(|(t, n)| Op::RetainBoth(t, n)),
        5 => filters().prop_map(Op::Query),
        3 => (prop::collection::vec(search_word(), 1..3), 1usize..8)
            .prop_map(|(w, l)| Op::Search(w, l)),
        1 => (0i64..60).prop_map(Op::Get),
        1 => Just(Op::Stats),
        1 => Just(Op::Reopen),
    ]
}

/// What the store should hold.
#[derive(Debug, Default)]
struct Model {
    /// Oldest (lowest id) first.
    rows: Vec<Record>,
    head_id: i64,
    head_hash: String,
    truncated_before: i64,
}

impl Model {
    fn new() -> Self {
        Self {
            head_hash: GENESIS.to_owned(),
            ..Self::default()
        }
    }

    fn newest_first<'a>(&'a self, keep: impl Fn(&Record) -> bool + 'a) -> Vec<Record> {
        let mut out: Vec<Record> = self.rows.iter().filter(|r| keep(r)).cloned().collect();
        out.sort_by_key(|r| std::cmp::Reverse((r.entry.started_at, r.id)));
        out
    }

    fn append(&mut self, mut assigned: Vec<(i64, Entry)>) {
        assigned.sort_by_key(|(id, _)| *id);
        for (id, entry) in assigned {
            assert_eq!(id, self.head_id + 1, "ids follow the chain head");
            let hash = chain_hash(&self.head_hash, id, &entry);
            self.rows.push(Record {
                id,
                entry,
                prev_hash: std::mem::replace(&mut self.head_hash, hash.clone()),
                hash,
            });
            self.head_id = id;
        }
    }

    /// Drop the oldest `n` rows (retention always cuts a prefix of the
    /// chain).
    fn truncate(&mut self, n: usize) {
        if n == 0 {
            return;
        }
        let last_deleted = self.rows[n - 1].id;
        self.rows.drain(..n);
        self.truncated_before = last_deleted + 1;
    }

    /// How many leading rows retention by count removes.
    fn surplus(&self, keep: u64) -> usize {
        self.rows
            .len()
            .saturating_sub(usize::try_from(keep).unwrap())
    }

    /// How many leading rows retention by age removes: the run of rows
    /// that all started before the cutoff.
    fn old_prefix(&self, cutoff: i64) -> usize {
        self.rows
            .iter()
            .take_while(|r| r.entry.started_at < cutoff)
            .count()
    }
}

/// FTS5's unicode61 tokenizer on ASCII: alphanumeric runs, case-folded.
fn tokens(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|t| !t.is_empty())
        .map(str::to_ascii_lowercase)
        .collect()
}

/// Whether consecutive tokens spell the phrase; with `prefix`, its last
/// word need only begin the last token.
fn contains_phrase(haystack: &[String], phrase: &[String], prefix: bool) -> bool {
    let Some((last, rest)) = phrase.split_last() else {
        return false;
    };
    haystack.windows(phrase.len()).any(|w| {
        w[..rest.len()] == *rest
            && if prefix {
                w[rest.len()].starts_with(last.as_str())
            } else {
                w[rest.len()] == *last
            }
    })
}

/// `search`: words separated by an upper-case `OR` are alternatives; in
/// each, every word is a phrase of its tokens that must match consecutive
/// tokens of argv (stored as JSON) or of stderr, the last token as a
/// prefix when the word ends in `*`. Words without any token are ignored;
/// an alternative with no phrase left matches nothing.
fn search_matches(words: &[String], record: &Record) -> bool {
    let argv = tokens(&serde_json::to_string(&record.entry.argv).unwrap());
    let stderr = tokens(&record.entry.stderr);
    words.split(|w| w == "OR").any(|group| {
        let phrases: Vec<(Vec<String>, bool)> = group
            .iter()
            .map(|w| match w.strip_suffix('*') {
                Some(body) => (tokens(body), true),
                None => (tokens(w), false),
            })
            .filter(|(p, _)| !p.is_empty())
            .collect();
        !phrases.is_empty()
            && phrases.iter().all(|(p, prefix)| {
                contains_phrase(&argv, p, *prefix) || contains_phrase(&stderr, p, *prefix)
            })
    })
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// Ids first, for a readable failure; then every field.
fn assert_same(got: &[Record], want: &[Record], what: &str) {
    let ids = |rs: &[Record]| rs.iter().map(|r| r.id).collect::<Vec<_>>();
    assert_eq!(ids(got), ids(want), "ids of {what}");
    assert_eq!(got, want, "records of {what}");
}

async fn walk_pages(store: &HistoryStore, filters: &Filters) -> Vec<Record> {
    let limit = filters.limit.unwrap_or(50).max(1);
    let mut query = filters.query();
    let mut all: Vec<Record> = Vec::new();
    for _ in 0..1000 {
        let page = store.query(query.clone()).await.unwrap();
        assert!(
            page.records.len() <= limit,
            "a page holds at most its limit"
        );
        all.extend(page.records.iter().cloned());
        match page.next {
            None => return all,
            Some(cursor) => {
                assert_eq!(page.records.len(), limit, "only the last page is short");
                let last = page.records.last().unwrap();
                assert_eq!(
                    cursor,
                    Cursor {
                        started_at: last.entry.started_at,
                        id: last.id,
                    }
                );
                query.after = Some(cursor);
            }
        }
    }
    panic!("pagination did not end");
}

async fn check_verify(store: &HistoryStore, model: &Model, after: &Op) {
    let v: Verification = store.verify().await.unwrap();
    assert!(v.is_intact(), "chain broken after {after:?}: {v:?}");
    assert_eq!(
        v.rows,
        model.rows.len() as u64,
        "rows verified after {after:?}"
    );
    assert_eq!(
        v.truncated_before, model.truncated_before,
        "after {after:?}"
    );
}

async fn apply(store: &HistoryStore, model: &mut Model, op: &Op) {
    match op {
        Op::Append(entries) => {
            let ids = if entries.len() == 1 {
                vec![store.append(entries[0].clone()).await.unwrap()]
            } else {
                let pending = entries.iter().map(|e| store.append(e.clone()));
                futures_util::future::join_all(pending)
                    .await
                    .into_iter()
                    .collect::<Result<Vec<_>, _>>()
                    .unwrap()
            };
            model.append(ids.into_iter().zip(entries.iter().cloned()).collect());
        }
        Op::RetainNewest(keep) => {
            let deleted = store.retain(Retention::keep_newest(*keep)).await.unwrap();
            let want = model.surplus(*keep);
            assert_eq!(deleted, want as u64, "{op:?}");
            model.truncate(want);
        }
        // Retention cuts a prefix of the chain, so when start times are not
        // in id order (a long command recorded after a short one), "rows
        // that started before the cutoff" is not a prefix: only the leading
        // run of old rows goes, and an old row after a newer one stays.
        Op::RetainOlderThan(cutoff) => {
            let deleted = store.retain(Retention::older_than(*cutoff)).await.unwrap();
            let want = model.old_prefix(*cutoff);
            assert_eq!(deleted, want as u64, "{op:?}");
            model.truncate(want);
        }
        Op::RetainBoth(cutoff, keep) => {
            let mut retention = Retention::older_than(*cutoff);
            retention.max_rows = Some(*keep);
            let deleted = store.retain(retention).await.unwrap();
            let want = model.old_prefix(*cutoff).max(model.surplus(*keep));
            assert_eq!(deleted, want as u64, "{op:?}");
            model.truncate(want);
        }
        Op::Query(filters) => {
            let got = walk_pages(store, filters).await;
            let want = model.newest_first(|r| filters.matches(&r.entry));
            assert_same(&got, &want, &format!("{filters:?}"));
        }
        Op::Search(words, limit) => {
            let got = store.search(&words.join(" "), *limit).await.unwrap();
            // Search results come most recently recorded first (by id).
            let mut want: Vec<Record> = model
                .rows
                .iter()
                .filter(|r| search_matches(words, r))
                .cloned()
                .collect();
            want.sort_by_key(|r| std::cmp::Reverse(r.id));
            want.truncate(*limit);
            assert_same(&got, &want, &format!("search {words:?}"));
        }
        Op::Get(id) => {
            let got = store.get(*id).await.unwrap();
            let want = model.rows.iter().find(|r| r.id == *id).cloned();
            assert_eq!(got, want);
        }
        Op::Stats => {
            let got = store.stats().await.unwrap();
            let mut by: BTreeMap<&str, (u64, u64, Vec<i64>)> = BTreeMap::new();
            for r in &model.rows {
                let slot = by.entry(&r.entry.subcommand).or_default();
                slot.0 += 1;
                slot.1 += u64::from(r.entry.outcome != Outcome::Ok);
                slot.2.push(r.entry.duration_ms());
            }
            assert_eq!(
                got.iter()
                    .map(|s| s.subcommand.as_str())
                    .collect::<Vec<_>>(),
                by.keys().copied().collect::<Vec<_>>()
            );
            for s in &got {
                let (count, failures, durations) = &by[s.subcommand.as_str()];
                assert_eq!(s.count, *count, "{s:?}");
                assert_eq!(s.failures, *failures, "{s:?}");
                assert_eq!(s.failure_rate, *failures as f64 / *count as f64, "{s:?}");
                assert!(durations.contains(&s.p50_ms), "{s:?}");
                assert!(durations.contains(&s.p95_ms), "{s:?}");
                assert!(s.p50_ms <= s.p95_ms, "{s:?}");
            }
        }
        // Handled by the caller, which owns the store.
        Op::Reopen => {}
    }
}

async fn run_case(backend: Backend, ops: Vec<Op>) {
    let Some(fx) = Fixture::new(backend).await else {
        return;
    };
    let mut store = fx.open().await;
    let mut model = Model::new();
    for op in &ops {
        if let Op::Reopen = op {
            // Dropping the only handle joins the writer: everything
            // acknowledged is on disk for the next one.
            drop(store);
            store = fx.open().await;
        }
        apply(&store, &mut model, op).await;
        check_verify(&store, &model, op).await;
    }
    // The whole store, once more: every row, newest first and oldest first.
    let everything = Filters {
        app: None,
        host: None,
        actor: None,
        subcommand: None,
        outcome: None,
        since_ms: None,
        until_ms: None,
        limit: Some(1000),
    };
    assert_same(
        &walk_pages(&store, &everything).await,
        &model.newest_first(|_| true),
        "everything",
    );
    let jsonl = store.export_jsonl(Vec::new()).await.unwrap();
    let exported: Vec<Record> = String::from_utf8(jsonl)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_same(&exported, &model.rows, "export");
}

/// `cases` random runs, shared by `runners` threads at once (each its own
/// proptest runner and runtime): PostgreSQL's cases mostly wait on round
/// trips, so two keep the cores busy where one leaves them idle.
fn the_store_behaves_like_a_vec_on(backend: Backend, cases: u32, runners: u32) {
    let config = ProptestConfig {
        cases: cases / runners,
        max_shrink_iters: 2000,
        // Seeds that once failed (model.proptest-regressions) run first.
        source_file: Some(file!()),
        ..ProptestConfig::default()
    };
    let failures: Vec<String> = std::thread::scope(|scope| {
        let threads: Vec<_> = (0..runners)
            .map(|_| {
                let config = config.clone();
                scope.spawn(move || {
                    let mut runner = TestRunner::new(config);
                    runner
                        .run(&prop::collection::vec(op(), 1..48), |ops| {
                            runtime().block_on(run_case(backend, ops));
                            Ok(())
                        })
                        .err()
                        .map(|failure| failure.to_string())
                })
            })
            .collect();
        threads
            .into_iter()
            .filter_map(|t| t.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    });
    if let Some(failure) = failures.first() {
        panic!("{failure}");
    }
}

/// Retention by count alone is exact, and appends after everything was
/// removed continue the chain from the old head.
fn retention_down_to_nothing_and_back_on(backend: Backend) {
    runtime().block_on(async {
        let entries = prop::collection::vec(entry(), 6)
            .new_tree(&mut TestRunner::deterministic())
            .unwrap()
            .current();
        let ops = vec![
            Op::Append(entries[..3].to_vec()),
            Op::RetainNewest(0),
            Op::RetainNewest(0),
            Op::Append(entries[3..4].to_vec()),
            Op::Reopen,
            Op::Append(entries[4..].to_vec()),
            Op::RetainNewest(1),
        ];
        run_case(backend, ops).await;
    });
}

mod sqlite {
    use super::*;

    #[test]
    fn the_store_behaves_like_a_vec() {
        the_store_behaves_like_a_vec_on(Backend::Sqlite, 128, 1);
    }

    #[test]
    fn retention_down_to_nothing_and_back() {
        retention_down_to_nothing_and_back_on(Backend::Sqlite);
    }
}

mod postgres {
    use super::*;

    #[test]
    fn the_store_behaves_like_a_vec() {
        the_store_behaves_like_a_vec_on(Backend::Postgres, 128, 2);
    }

    #[test]
    fn retention_down_to_nothing_and_back() {
        retention_down_to_nothing_and_back_on(Backend::Postgres);
    }
}
