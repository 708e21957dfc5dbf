//! The basic path: a command through Audited lands in the store, redacted,
//! and the chain verifies.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use dokku_core::testing::ScriptedExecutor;
use dokku_core::{AppName, ConfigKey, Dokku, SecretString};
use dokku_history::{Audited, HistoryStore, Outcome, Query, Source};

#[tokio::test]
async fn a_config_set_is_recorded_without_its_secret() {
    let dir = tempfile::tempdir().unwrap();
    let store = HistoryStore::open(dir.path().join("history.db")).unwrap();
    // On 0.38.27 the value goes as JSON on config:import's stdin.
    let exec = ScriptedExecutor::new()
        .expect(
            [
                "--quiet",
                "config:import",
                "--format",
                "json",
                "--no-restart",
                "api",
                "-",
            ],
            dokku_core::Output::new(dokku_core::ExitStatus::code(0), "", ""),
        )
        .with_stdin(r#"{"TOKEN":"secret-token-42"}"#);
    let audited = Audited::new(exec, store.clone())
        .actor("alice")
        .source(Source::Cli)
        .host("dokku.example.com");
    let dokku = Dokku::new(audited).with_capabilities(dokku_core::Capabilities::for_version(
        dokku_core::DokkuVersion::new(0, 38, 27),
    ));
    dokku
        .config()
        .set(&AppName::new("api").unwrap())
        .var(
            ConfigKey::new("TOKEN").unwrap(),
            SecretString::new("secret-token-42"),
        )
        .no_restart()
        .send()
        .await
        .unwrap();
    let records = store.query(Query::default()).await.unwrap().records;
    assert_eq!(records.len(), 1);
    let r = &records[0].entry;
    assert_eq!(r.actor, "alice");
    assert_eq!(r.host, "dokku.example.com");
    assert_eq!(r.app.as_deref(), Some("api"));
    assert_eq!(r.outcome, Outcome::Ok);
    assert_eq!(
        r.argv,
        [
            "--quiet",
            "config:import",
            "--format",
            "json",
            "--no-restart",
            "api",
            "-",
            r#"<stdin {"TOKEN":"***"}>"#
        ]
    );
    assert!(!r.stdout.contains("secret-token-42"), "{}", r.stdout);
    assert!(store.verify().await.unwrap().is_intact());
    drop(dokku);
    drop(store);
    let bytes = std::fs::read(dir.path().join("history.db")).unwrap();
    let wal = std::fs::read(dir.path().join("history.db-wal")).unwrap_or_default();
    for haystack in [&bytes, &wal] {
        let text = String::from_utf8_lossy(haystack);
        assert!(!text.contains("secret-token-42"));
    }
}

fn entry(started_at: i64) -> dokku_history::Entry {
    dokku_history::Entry {
        started_at,
        ended_at: started_at + 10,
        host: "h".into(),
        target: None,
        actor: "a".into(),
        source: Source::Api,
        correlation_id: None,
        parent_id: None,
        subcommand: "apps:list".into(),
        app: None,
        argv: vec!["apps:list".into()],
        mutating: false,
        outcome: Outcome::Ok,
        exit_code: Some(0),
        stdout: String::new(),
        stdout_len: 0,
        stderr: String::new(),
        stderr_len: 0,
        error: None,
    }
}

/// Ids follow completion, so an old row can come after a newer one; age
/// retention removes only the prefix of old rows and never a recent one.
#[tokio::test]
async fn age_retention_never_deletes_a_recent_row() {
    let dir = tempfile::tempdir().unwrap();
    let store = HistoryStore::open(dir.path().join("h.db")).unwrap();
    for started in [100, 200, 50, 300] {
        store.append(entry(started)).await.unwrap();
    }
    let deleted = store
        .retain(dokku_history::Retention::older_than(150))
        .await
        .unwrap();
    assert_eq!(deleted, 1);
    let mut ids: Vec<i64> = store
        .recent(10)
        .await
        .unwrap()
        .iter()
        .map(|r| r.id)
        .collect();
    ids.sort();
    assert_eq!(ids, [2, 3, 4]);
    let verification = store.verify().await.unwrap();
    assert!(verification.is_intact(), "{verification:?}");
    assert_eq!(verification.truncated_before, 2);
}

/// Bulk recording keeps order and ids, mixes with single appends, and the
/// chain verifies.
#[tokio::test]
async fn append_many_keeps_order_and_the_chain() {
    let dir = tempfile::tempdir().unwrap();
    let store = HistoryStore::open(dir.path().join("h.db")).unwrap();
    assert_eq!(store.append(entry(1)).await.unwrap(), 1);
    let ids = store
        .append_many((10..20).map(entry).collect())
        .await
        .unwrap();
    assert_eq!(ids, (2..12).collect::<Vec<i64>>());
    assert_eq!(store.append(entry(99)).await.unwrap(), 12);
    assert!(store.append_many(Vec::new()).await.unwrap().is_empty());
    let all = store.recent(100).await.unwrap();
    assert_eq!(all.len(), 12);
    let started: Vec<i64> = {
        let mut by_id = all.clone();
        by_id.sort_by_key(|r| r.id);
        by_id.iter().map(|r| r.entry.started_at).collect()
    };
    assert_eq!(started, [1, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 99]);
    assert!(store.verify().await.unwrap().is_intact());
}
