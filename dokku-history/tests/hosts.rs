//! A trail shared by many hosts (a fleet), on both backends (`sqlite::…`
//! and `postgres::…`): every row keeps the host's name and where it was
//! reached, the chain covers both, the exports carry both, the trail can
//! be filtered by host and grouped by host, and a trail written before
//! there were targets takes the new column and still verifies.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[macro_use]
mod common;

use common::Fixture;
use dokku_core::Dokku;
use dokku_history::{Audited, Entry, Outcome, Query, Source, Tamper};
use dokku_sim::{scenario, SimExecutor};

on_both_backends!(
    the_target_is_stored_beside_the_host_and_covered_by_the_chain,
    csv_and_jsonl_exports_carry_the_target_after_the_host,
    the_trail_is_filtered_and_grouped_by_host,
    grouping_by_host_counts_only_rows_since_the_cutoff,
    audited_records_the_hosts_name_and_target_on_every_row,
    a_trail_from_before_targets_gains_the_column_and_still_verifies,
);

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

/// Six rows on three hosts: eu-1 reached at two targets over time, us-1 at
/// one, `local` at none; a failure and a transport error among them.
fn fleet_rows() -> [Entry; 6] {
    [
        entry(1, "eu-1", Some("dokku@eu-1"), Outcome::Ok),
        entry(2, "us-1", Some("dokku@us-1"), Outcome::Failed),
        entry(3, "eu-1", Some("dokku@eu-1:2222"), Outcome::Ok),
        entry(4, "us-1", Some("dokku@us-1"), Outcome::Ok),
        entry(5, "eu-1", Some("dokku@eu-1:2222"), Outcome::TransportError),
        entry(6, "local", None, Outcome::Ok),
    ]
}

async fn the_target_is_stored_beside_the_host_and_covered_by_the_chain(fx: Fixture) {
    let store = fx.open().await;
    let with = entry(1, "eu-1", Some("dokku@eu-1.example.com"), Outcome::Ok);
    let without = entry(2, "local", None, Outcome::Ok);
    store.append(with.clone()).await.unwrap();
    store.append(without.clone()).await.unwrap();
    assert_eq!(store.get(1).await.unwrap().unwrap().entry, with);
    assert_eq!(store.get(2).await.unwrap().unwrap().entry, without);
    assert!(store.verify().await.unwrap().is_intact());

    // Rewriting where a command went is detected, as is adding or removing
    // a target.
    fx.tamper("UPDATE commands SET target = 'dokku@evil.example' WHERE id = 1")
        .await;
    assert_eq!(
        store.verify().await.unwrap().problem,
        Some(Tamper::Altered { id: 1 })
    );
    fx.tamper("UPDATE commands SET target = NULL WHERE id = 1")
        .await;
    assert_eq!(
        store.verify().await.unwrap().problem,
        Some(Tamper::Altered { id: 1 })
    );
    fx.tamper("UPDATE commands SET target = 'dokku@eu-1.example.com' WHERE id = 1")
        .await;
    fx.tamper("UPDATE commands SET target = 'x' WHERE id = 2")
        .await;
    assert_eq!(
        store.verify().await.unwrap().problem,
        Some(Tamper::Altered { id: 2 })
    );
    fx.tamper("UPDATE commands SET target = NULL WHERE id = 2")
        .await;
    assert!(store.verify().await.unwrap().is_intact());
}

async fn csv_and_jsonl_exports_carry_the_target_after_the_host(fx: Fixture) {
    let store = fx.open().await;
    store
        .append(entry(
            1,
            "eu-1",
            Some("dokku@eu-1.example.com"),
            Outcome::Ok,
        ))
        .await
        .unwrap();
    store
        .append(entry(2, "local", None, Outcome::Ok))
        .await
        .unwrap();

    // JSON Lines carry the target only where there is one.
    let jsonl = String::from_utf8(store.export_jsonl(Vec::new()).await.unwrap()).unwrap();
    let lines: Vec<&str> = jsonl.lines().collect();
    assert!(
        lines[0].contains(r#""target":"dokku@eu-1.example.com""#),
        "{}",
        lines[0]
    );
    assert!(!lines[1].contains("target"), "{}", lines[1]);

    // CSV has a target column right after the host, empty when none.
    let bytes = store.export_csv(Vec::new()).await.unwrap();
    let mut reader = csv::Reader::from_reader(bytes.as_slice());
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    let host = header.iter().position(|h| h == "host").unwrap();
    assert_eq!(header[host + 1], "target");
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(
        rows.iter()
            .map(|r| (&r[host], &r[host + 1]))
            .collect::<Vec<_>>(),
        [("eu-1", "dokku@eu-1.example.com"), ("local", "")]
    );

    // The export of chosen records has the same layout.
    let records = store.recent(10).await.unwrap();
    let chosen = dokku_history::export_records_csv(records.iter().rev(), Vec::new()).unwrap();
    assert_eq!(chosen, bytes);
}

async fn the_trail_is_filtered_and_grouped_by_host(fx: Fixture) {
    let store = fx.open().await;
    let rows = fleet_rows();
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
}

/// Only rows that started at or after the cutoff are counted; a host's
/// target is still its newest known one.
async fn grouping_by_host_counts_only_rows_since_the_cutoff(fx: Fixture) {
    let store = fx.open().await;
    let rows = fleet_rows();
    store.append_many(rows.to_vec()).await.unwrap();
    let recent = store.host_stats(Some(rows[3].started_at)).await.unwrap();
    assert_eq!(
        recent
            .iter()
            .map(|s| (s.host.as_str(), s.count, s.first_at))
            .collect::<Vec<_>>(),
        [
            ("eu-1", 1, rows[4].started_at),
            ("local", 1, rows[5].started_at),
            ("us-1", 1, rows[3].started_at),
        ]
    );
    assert!(store
        .host_stats(Some(rows[5].started_at + 1))
        .await
        .unwrap()
        .is_empty());
}

async fn audited_records_the_hosts_name_and_target_on_every_row(fx: Fixture) {
    let store = fx.open().await;
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
    assert!(store.verify().await.unwrap().is_intact());
}

/// The store as the previous schema left it (SQLite 4, PostgreSQL 1): no
/// `target` column. Opening it adds the column; the old rows, which hash
/// without a target, still verify, and new rows with targets extend the
/// chain.
async fn a_trail_from_before_targets_gains_the_column_and_still_verifies(fx: Fixture) {
    let before = {
        let store = fx.open().await;
        for i in 1..=3 {
            store
                .append(entry(i, "dokku.example", None, Outcome::Ok))
                .await
                .unwrap();
        }
        String::from_utf8(store.export_jsonl(Vec::new()).await.unwrap()).unwrap()
    };
    if fx.is_sqlite() {
        fx.tamper("ALTER TABLE commands DROP COLUMN target; PRAGMA user_version = 4;")
            .await;
    } else {
        fx.tamper(
            "ALTER TABLE commands DROP COLUMN target; \
             UPDATE history_schema SET version = 1 WHERE id = 1;",
        )
        .await;
    }

    let store = fx.open().await;
    let after = String::from_utf8(store.export_jsonl(Vec::new()).await.unwrap()).unwrap();
    assert_eq!(after, before, "the old rows read back unchanged");
    assert!(store.verify().await.unwrap().is_intact());
    let id = store
        .append(entry(
            4,
            "eu-1",
            Some("dokku@eu-1.example.com"),
            Outcome::Ok,
        ))
        .await
        .unwrap();
    assert_eq!(id, 4);
    assert_eq!(
        store.get(4).await.unwrap().unwrap().entry.target.as_deref(),
        Some("dokku@eu-1.example.com")
    );
    let v = store.verify().await.unwrap();
    assert_eq!((v.rows, v.problem), (4, None));
}
