//! TLS secrets never reach the audit store: a private key sent to
//! `certs:add` (on stdin, which is never stored), printed by
//! `certs:show <app> key`, and DNS provider credentials set with
//! `letsencrypt:set` — through the typed client and as raw, unmarked
//! commands — are absent from the raw database files, while the commands
//! themselves are recorded.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::path::Path;

use dokku_core::api::Scope;
use dokku_core::catalog::plugins;
use dokku_core::{AppName, Command, Dokku, Executor, SecretString};
use dokku_history::{Audited, HistoryStore};
use dokku_sim::SimExecutor;

const CRT: &str = "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUDEMOdemoDEMOdemo\n-----END CERTIFICATE-----\n";
const KEY_BODY: &str = "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49PrivKeyBody77";
const CREDENTIAL: &str = "aws-Secr3t-Access-Key-41";
const RAW_CREDENTIAL: &str = "cf-Api-T0ken-Raw-93";

fn contains(bytes: &[u8], needle: &str) -> bool {
    bytes.windows(needle.len()).any(|w| w == needle.as_bytes())
}

/// The database, its WAL and its shared-memory index, as one byte string.
fn raw_bytes(path: &Path) -> Vec<u8> {
    ["", "-wal", "-shm"]
        .iter()
        .flat_map(|suffix| std::fs::read(format!("{}{suffix}", path.display())).unwrap_or_default())
        .collect()
}

#[tokio::test]
async fn keys_and_dns_credentials_are_not_stored() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("history.db");
    let store = HistoryStore::open(&path).unwrap();
    let sim = SimExecutor::new(dokku_sim::scenario::demo());
    let audited = Audited::new(sim, store.clone()).actor("carol");
    let dokku = Dokku::new(audited);
    let app = AppName::new("sandbox").unwrap();
    let key = SecretString::new(format!(
        "-----BEGIN PRIVATE KEY-----\n{KEY_BODY}\n-----END PRIVATE KEY-----\n"
    ));

    dokku.certs().add(&app, CRT, &key).await.unwrap();
    let shown = dokku.certs().show_key(&app).await.unwrap();
    assert!(
        shown.expose().contains(KEY_BODY),
        "the key really was printed"
    );
    dokku
        .properties(&plugins::LETSENCRYPT)
        .set(
            Scope::Global,
            "dns-provider-AWS_SECRET_ACCESS_KEY",
            CREDENTIAL,
        )
        .await
        .unwrap();
    // Raw commands, as a CLI passes them through: the catalog marks them.
    let raw_set = Command::write("letsencrypt:set").args([
        "--global",
        "dns-provider-CLOUDFLARE_DNS_API_TOKEN",
        RAW_CREDENTIAL,
    ]);
    let out = dokku.executor().run(&raw_set).await.unwrap();
    assert!(
        contains(&out.stdout, RAW_CREDENTIAL),
        "the plugin echoes the value"
    );
    let raw_show = Command::read("certs:show").args(["sandbox", "key"]);
    let out = dokku.executor().run(&raw_show).await.unwrap();
    assert!(contains(&out.stdout, KEY_BODY));

    let records = common::records_once(&store, |records| records.len() >= 5).await;
    let subcommands: Vec<String> = records.iter().map(|r| r.entry.argv[0].clone()).collect();
    for sub in ["certs:add", "certs:show", "letsencrypt:set"] {
        assert!(
            subcommands.iter().any(|s| s == sub),
            "{sub} not recorded: {subcommands:?}"
        );
    }
    drop(dokku);
    let bytes = raw_bytes(&path);
    assert!(
        contains(&bytes, "dns-provider-CLOUDFLARE_DNS_API_TOKEN"),
        "the scan reads real rows"
    );
    for secret in [KEY_BODY, CREDENTIAL, RAW_CREDENTIAL] {
        assert!(
            !contains(&bytes, secret),
            "{secret} found in the database files"
        );
    }
}
