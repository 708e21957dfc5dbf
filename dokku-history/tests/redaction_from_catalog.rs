//! What the audit trail hides comes from dokku-core's catalog, not from
//! dokku-history: a plugin described in this test alone, with a secret
//! property and a verb whose output prints secrets, is redacted in the
//! stored argv, output and error, with no code in dokku-history naming it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;

use dokku_core::api::Scope;
use dokku_core::catalog::{Plugin, PropertySpec, SecretOutput, Verb};
use dokku_core::testing::ScriptedExecutor;
use dokku_core::{AppName, Command, Dokku, Executor, ExitStatus, Output};
use dokku_history::{Audited, HistoryStore, Query, Record};

/// A plugin no one in dokku-history has heard of.
static WIDGET: Plugin = Plugin::community("widget", "a test plugin")
    .with_properties(&[
        PropertySpec::new("api-token").secret(),
        PropertySpec::new("colour"),
    ])
    .with_verbs(&[
        Verb::write("set")
            .secret_args(dokku_core::catalog::SecretArgs::PropertyValue)
            .secret_output(SecretOutput::WhenSecretArgs),
        Verb::read("dump").prints_secrets(),
    ]);

const TOKEN: &str = "tok-3f9a-SECRET-77";

async fn stored(exec: ScriptedExecutor, command: &Command) -> (Record, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let store = HistoryStore::open(dir.path().join("history.db")).unwrap();
    let audited = Audited::new(Arc::new(exec), store.clone());
    let _ = audited.run(command).await;
    audited.settle().await;
    let mut page = store.query(Query::default()).await.unwrap();
    (page.records.remove(0), dir)
}

fn raw_db_contains(dir: &tempfile::TempDir, needle: &str) -> bool {
    std::fs::read_dir(dir.path()).unwrap().any(|entry| {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap_or_default();
        bytes.windows(needle.len()).any(|w| w == needle.as_bytes())
    })
}

#[tokio::test]
async fn a_secret_property_described_only_in_a_catalog_entry_is_redacted_in_history() {
    let dokku = Dokku::new(ScriptedExecutor::new());
    let app = AppName::new("api").unwrap();
    let command = dokku
        .properties(&WIDGET)
        .command(&Scope::App(app), "api-token", Some(TOKEN))
        .unwrap();
    let echo = format!("=====> Setting api-token to {TOKEN}\n");
    let exec = ScriptedExecutor::new().expect(
        ["widget:set", "api", "api-token", TOKEN],
        Output::new(
            ExitStatus::code(1),
            echo.clone(),
            format!(" !     failed for {TOKEN}\n"),
        ),
    );
    let (record, dir) = stored(exec, &command).await;
    assert_eq!(record.entry.argv, ["widget:set", "api", "api-token", "***"]);
    assert!(
        !record.entry.stdout.contains(TOKEN),
        "{}",
        record.entry.stdout
    );
    assert!(
        !record.entry.stderr.contains(TOKEN),
        "{}",
        record.entry.stderr
    );
    assert!(
        !record.entry.error.as_deref().unwrap_or("").contains(TOKEN),
        "{:?}",
        record.entry.error
    );
    assert!(
        !raw_db_contains(&dir, TOKEN),
        "the token reached the database file"
    );

    // A plain property of the same plugin stays readable.
    let colour = dokku
        .properties(&WIDGET)
        .command(&Scope::Global, "colour", Some("teal"))
        .unwrap();
    let exec = ScriptedExecutor::new().expect_ok(
        ["widget:set", "--global", "colour", "teal"],
        "=====> Setting colour to teal\n",
    );
    let (record, _dir) = stored(exec, &colour).await;
    assert_eq!(
        record.entry.argv,
        ["widget:set", "--global", "colour", "teal"]
    );
    assert_eq!(record.entry.stdout, "=====> Setting colour to teal\n");
}

#[tokio::test]
async fn a_verb_described_as_printing_secrets_keeps_only_the_shape_of_its_output() {
    let command = Command::of(&WIDGET, "dump").arg("api");
    let exec = ScriptedExecutor::new().expect_ok(
        ["widget:dump", "api"],
        &format!("{{\"API_TOKEN\":\"{TOKEN}\"}}\n"),
    );
    let (record, dir) = stored(exec, &command).await;
    assert_eq!(record.entry.stdout, r#"{"API_TOKEN":"***"}"#);
    assert!(!raw_db_contains(&dir, TOKEN));
    // Without the catalog entry the same argv is an unknown command, and
    // nothing would mark it: the knowledge is the entry's alone.
    assert!(!Command::new("widget:dump").arg("api").output_is_secret());
    assert!(command.output_is_secret());
}
