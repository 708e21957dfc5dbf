//! Datastore secrets never reach the history database: DSNs printed by
//! `:info`, `:create` and `:link`, S3 credentials and backup passphrases
//! sent as secret arguments (and as plain ones by a raw command), service
//! passwords given to `:create`, and `:export` dumps. The raw database files
//! (main, WAL, shm) are scanned byte by byte.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::path::Path;

use futures_util::StreamExt;

use dokku_core::api::service::{BackupAuth, CreateOptions, LinkOptions};
use dokku_core::model::service::ServicePlugin;
use dokku_core::{AppName, Chunk, Command, Dokku, Executor, SecretString, ServiceName};
use dokku_history::{Audited, HistoryStore};
use dokku_sim::SimExecutor;

const KEY_ID: &str = "AKIAQWERTY12345EXAMPLE";
const SECRET_KEY: &str = "wJalrXUtnFEMI-K7MDENG-bPxRfiCY";
const RAW_KEY_ID: &str = "AKIARAWRAWRAW98765";
const RAW_SECRET: &str = "raw-S3cret-Access-Key-42";
const PASSPHRASE: &str = "Backup-Passphrase-6677";
const SERVICE_PASSWORD: &str = "Chosen-Pg-Password-314";

fn find(haystack: &[u8], needle: &str) -> bool {
    let needle = needle.as_bytes();
    haystack.windows(needle.len()).any(|w| w == needle)
}

fn raw_files(path: &Path) -> Vec<(String, Vec<u8>)> {
    ["", "-wal", "-shm"]
        .iter()
        .map(|suffix| {
            let file = format!("{}{suffix}", path.display());
            (file.clone(), std::fs::read(&file).unwrap_or_default())
        })
        .collect()
}

#[tokio::test]
async fn service_secrets_never_reach_the_database_files() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("history.db");
    let store = HistoryStore::open(&path).unwrap();
    let demo = dokku_sim::scenario::demo();
    let api_db_dsn = demo.services["api-db"].dsn.clone();
    let cache_dsn = demo.services["cache"].dsn.clone();
    let audited = Audited::new(SimExecutor::new(demo), store.clone()).actor("dave");
    let dokku = Dokku::new(audited);
    let pg = dokku.service(ServicePlugin::Postgres);
    let api_db = ServiceName::new("api-db").unwrap();

    // Reads that print DSNs: they really do.
    let info = pg.info(&api_db).await.unwrap();
    assert_eq!(info.dsn.unwrap().expose(), api_db_dsn);
    assert_eq!(pg.dsn(&api_db).await.unwrap().expose(), api_db_dsn);
    let redis = dokku.service(ServicePlugin::Redis);
    let cache = ServiceName::new("cache").unwrap();
    assert_eq!(redis.dsn(&cache).await.unwrap().expose(), cache_dsn);

    // Create (prints :info) with a chosen password, then link (echoes the URL).
    let fresh = ServiceName::new("fresh-db").unwrap();
    pg.create(
        &fresh,
        &CreateOptions::new().password(SecretString::new(SERVICE_PASSWORD)),
    )
    .await
    .unwrap();
    let fresh_dsn = pg.dsn(&fresh).await.unwrap().expose().to_owned();
    assert!(
        fresh_dsn.contains(SERVICE_PASSWORD),
        "the chosen password is in the DSN"
    );
    let sandbox = AppName::new("sandbox").unwrap();
    pg.link(&fresh, &sandbox, &LinkOptions::new().no_restart())
        .await
        .unwrap();

    // Backup credentials and passphrase, sent as secrets.
    pg.backup_auth(
        &api_db,
        &BackupAuth::new(KEY_ID.into(), SECRET_KEY.into()).region("eu-west-1"),
    )
    .await
    .unwrap();
    pg.backup_set_encryption(&api_db, &PASSPHRASE.into())
        .await
        .unwrap();
    // The same, typed raw by someone (plain arguments).
    let raw = Command::write("postgres:backup-auth").args(["api-db", RAW_KEY_ID, RAW_SECRET]);
    assert_eq!(
        dokku.executor().run(&raw).await.unwrap().status.as_code(),
        Some(0)
    );

    // A raw export (not marked secret by a builder) is stored as a shape too.
    let raw_export = Command::read("postgres:export").arg("api-db");
    let out = dokku.executor().run(&raw_export).await.unwrap();
    assert!(find(&out.stdout, "PGDMP"));

    // An export, streamed: the dump is not stored.
    let mut stream = pg.export(&api_db).await.unwrap();
    let mut dump = Vec::new();
    while let Some(chunk) = stream.next().await {
        if let Chunk::Stdout(bytes) = chunk.unwrap() {
            dump.extend(bytes);
        }
    }
    assert!(find(&dump, "PGDMP"), "the export carried a dump");
    drop(stream);

    // Wait for every record (the stream's is written when it ends).
    let records = common::records_once(&store, |records| {
        records
            .iter()
            .any(|r| r.entry.subcommand == "postgres:export")
    })
    .await;
    let raw_record = records
        .iter()
        .find(|r| {
            r.entry.argv.get(2).is_some_and(|a| a == "***")
                && r.entry.subcommand == "postgres:backup-auth"
        })
        .expect("backup-auth recorded");
    assert_eq!(raw_record.entry.argv[1], "api-db");
    assert!(records
        .iter()
        .any(|r| r.entry.subcommand == "postgres:export"));
    assert!(records
        .iter()
        .any(|r| r.entry.subcommand == "postgres:link"));
    drop(records);
    drop(store);
    drop(dokku);

    let files = raw_files(&path);
    assert!(
        files.iter().any(|(_, b)| find(b, "postgres:backup-auth")),
        "the scan reads real rows"
    );
    let password = |dsn: &str| {
        let rest = dsn.split("://").nth(1).unwrap();
        rest.split('@')
            .next()
            .unwrap()
            .split(':')
            .nth(1)
            .unwrap()
            .to_owned()
    };
    let secrets = [
        api_db_dsn.clone(),
        password(&api_db_dsn),
        password(&cache_dsn),
        fresh_dsn.clone(),
        password(&fresh_dsn),
        KEY_ID.to_owned(),
        SECRET_KEY.to_owned(),
        RAW_KEY_ID.to_owned(),
        RAW_SECRET.to_owned(),
        PASSPHRASE.to_owned(),
        SERVICE_PASSWORD.to_owned(),
        "PGDMP".to_owned(),
    ];
    for (file, bytes) in &files {
        for secret in &secrets {
            assert!(!find(bytes, secret), "{secret:?} found in {file}");
        }
    }
}
