//! A trail shared by many hosts (a fleet): every row keeps the host's name
//! and where it was reached, the chain covers both, and the trail can be
//! filtered by host and grouped by host.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;

use dokku_core::Dokku;
use dokku_history::{Audited, Entry, HistoryStore, Outcome, Query, Source, Tamper};
use dokku_sim::{scenario, SimExecutor};

fn entry(i: i64, host: &str, target: Option<&str>, outcome: Outcome) -> Entry {
    Entry {
        started_at: 1_700_000_000_000 + i * 1000,
        ended_at: 1_700_000_000_000 + i * 1000 + 5,
        host: host.to_owned(),
        target: target.map(str::to_owned),
        actor: "alice".to_owned(),
        source: Source::Api,
        correlation_id: None,
        parent_id: None,
        subcommand: "ps:restart".to_owned(),
        app: Some("api".to_owned()),
        argv: vec!["ps:restart".to_owned(), "api".to_owned()],
        mutating: i % 2 == 0,
        outcome,
        exit_code: Some(0),
        stdout: String::new(),
        stdout_len: 0,
        stderr: String::new(),
        stderr_len: 0,
        error: None,
    }
}

fn tamper(path: &Path, sql: &str) {
    let conn = rusqlite::Connection::open(path).unwrap();
    conn.execute_batch(sql).unwrap();
}

#[tokio::test]
async fn the_target_is_stored_beside_the_host_and_covered_by_the_chain() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("history.db");
    let store = HistoryStore::open(&path).unwrap();
    let with = entry(1, "eu-1", Some("dokku@eu-1.example.com"), Outcome::Ok);
    let without = entry(2, "local", None, Outcome::Ok);
    store.append(with.clone()).await.unwrap();
    store.append(without.clone()).await.unwrap();
    assert_eq!(store.get(1).await.unwrap().unwrap().entry, with);
    assert_eq!(store.get(2).await.unwrap().unwrap().entry, without);
    assert!(store.verify().await.unwrap().is_intact());

    // JSON Lines carry the target only where there is one.
    let jsonl = String::from_utf8(store.export_jsonl(Vec::new()).await.unwrap()).unwrap();
    let lines: Vec<&str> = jsonl.lines().collect();
    assert!(
        lines[0].contains(r#""target":"dokku@eu-1.example.com""#),
        "{}",
        lines[0]
    );
    assert!(!lines[1].contains("target"), "{}", lines[1]);

    // Rewriting where a command went is detected, as is adding or removing
    // a target.
    tamper(
        &path,
        "UPDATE commands SET target = 'dokku@evil.example' WHERE id = 1",
    );
    assert_eq!(
        store.verify().await.unwrap().problem,
        Some(Tamper::Altered { id: 1 })
    );
    tamper(
        &path,
        "UPDATE commands SET target = 'dokku@eu-1.example.com' WHERE id = 1",
    );
    tamper(&path, "UPDATE commands SET target = 'x' WHERE id = 2");
    assert_eq!(
        store.verify().await.unwrap().problem,
        Some(Tamper::Altered { id: 2 })
    );
    tamper(&path, "UPDATE commands SET target = NULL WHERE id = 2");
    assert!(store.verify().await.unwrap().is_intact());
}

#[tokio::test]
async fn the_trail_is_filtered_and_grouped_by_host() {
    let dir = tempfile::tempdir().unwrap();
    let store = HistoryStore::open(dir.path().join("history.db")).unwrap();
    let rows = [
        entry(1, "eu-1", Some("dokku@eu-1"), Outcome::Ok),
        entry(2, "us-1", Some("dokku@us-1"), Outcome::Failed),
        entry(3, "eu-1", Some("dokku@eu-1:2222"), Outcome::Ok),
        entry(4, "us-1", Some("dokku@us-1"), Outcome::Ok),
        entry(5, "eu-1", Some("dokku@eu-1:2222"), Outcome::TransportError),
        entry(6, "local", None, Outcome::Ok),
    ];
    store.append_many(rows.to_vec()).await.unwrap();

    let mut eu = Query::default();
    eu.host = Some("eu-1".to_owned());
    let page = store.query(eu).await.unwrap();
    assert_eq!(
        page.records.iter().map(|r| r.id).collect::<Vec<_>>(),
        [5, 3, 1]
    );

    let stats = store.host_stats(None).await.unwrap();
    let summary: Vec<(&str, Option<&str>, u64, u64, u64)> = stats
        .iter()
        .map(|s| {
            (
                s.host.as_str(),
                s.target.as_deref(),
                s.count,
                s.failures,
                s.mutating,
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            ("eu-1", Some("dokku@eu-1:2222"), 3, 1, 0),
            ("local", None, 1, 0, 1),
            ("us-1", Some("dokku@us-1"), 2, 1, 2),
        ]
    );
    let eu = &stats[0];
    assert_eq!(
        (eu.first_at, eu.last_at),
        (rows[0].started_at, rows[4].started_at)
    );
    let recent = store.host_stats(Some(rows[3].started_at)).await.unwrap();
    assert_eq!(
        recent
            .iter()
            .map(|s| (s.host.as_str(), s.count))
            .collect::<Vec<_>>(),
        [("eu-1", 1), ("local", 1), ("us-1", 1)]
    );
}

#[tokio::test]
async fn audited_records_the_hosts_name_and_target_on_every_row() {
    let dir = tempfile::tempdir().unwrap();
    let store = HistoryStore::open(dir.path().join("history.db")).unwrap();
    let audited = Audited::new(SimExecutor::new(scenario::demo()), store.clone())
        .host("eu-1")
        .target("dokku@eu-1.example.com");
    let dokku = Dokku::new(audited);
    dokku.apps().list().await.unwrap();
    dokku.version().await.unwrap();
    let records = store.recent(10).await.unwrap();
    assert!(records.len() >= 2);
    for r in &records {
        assert_eq!(r.entry.host, "eu-1");
        assert_eq!(r.entry.target.as_deref(), Some("dokku@eu-1.example.com"));
    }
}
