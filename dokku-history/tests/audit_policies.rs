//! `Audited` over either backend: secrets never reach the database, and
//! what each policy does when the store cannot take a record — read-only,
//! or its write lock held elsewhere past the busy timeout.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[macro_use]
mod common;

use std::sync::Arc;
use std::time::Duration;

use common::Fixture;
use dokku_core::testing::ScriptedExecutor;
use dokku_core::{AppName, Command, ConfigKey, Dokku, Executor, SecretString};
use dokku_history::{AuditPolicy, Audited, Outcome, Source, StoreOptions};

on_both_backends!(
    a_config_set_is_recorded_without_its_secret,
    a_read_only_store_under_each_policy,
    a_write_lock_held_elsewhere_stops_the_command_under_fail_closed,
    output_with_nul_bytes_is_recorded_alike_on_every_store,
);

fn destroy() -> Command {
    Command::write("apps:destroy")
        .app_arg(&AppName::new("api").unwrap())
        .arg("--force")
}

async fn a_config_set_is_recorded_without_its_secret(fx: Fixture) {
    const SECRET: &str = "secret-token-42";
    let store = fx.open().await;
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
            dokku_core::Output::new(
                dokku_core::ExitStatus::code(0),
                format!("TOKEN: {SECRET}\n"),
                "",
            ),
        )
        .with_stdin(format!(r#"{{"TOKEN":"{SECRET}"}}"#));
    let audited = Audited::new(exec, store.clone())
        .actor("alice")
        .source(Source::Web);
    let dokku = Dokku::new(audited).with_capabilities(dokku_core::Capabilities::for_version(
        dokku_core::DokkuVersion::new(0, 38, 27),
    ));
    dokku
        .config()
        .set(&AppName::new("api").unwrap())
        .var(ConfigKey::new("TOKEN").unwrap(), SecretString::new(SECRET))
        .no_restart()
        .send()
        .await
        .unwrap();
    let records = store.recent(10).await.unwrap();
    assert_eq!(records.len(), 1);
    assert_eq!(records[0].entry.outcome, Outcome::Ok);
    assert!(records[0]
        .entry
        .argv
        .contains(&r#"<stdin {"TOKEN":"***"}>"#.to_owned()));
    assert!(store.verify().await.unwrap().is_intact());
    drop(dokku);
    drop(store);
    assert!(fx.stores_anywhere("alice").await, "the check can see rows");
    assert!(!fx.stores_anywhere(SECRET).await, "the secret was stored");
}

async fn a_read_only_store_under_each_policy(fx: Fixture) {
    let writable = fx.open().await;
    let store = fx.open_read_only().await;

    let exec = Arc::new(ScriptedExecutor::new());
    let closed = Audited::new(Arc::clone(&exec), store.clone()).policy(AuditPolicy::FailClosed);
    let message = closed.run(&destroy()).await.unwrap_err().to_string();
    assert!(message.contains("not run"), "{message}");
    assert!(message.contains("read-only"), "{message}");
    exec.verify().unwrap();

    let exec = Arc::new(ScriptedExecutor::new().expect_ok(["apps:destroy", "api", "--force"], ""));
    let open = Audited::new(Arc::clone(&exec), store.clone()).policy(AuditPolicy::FailOpen);
    assert!(open.run(&destroy()).await.unwrap().status.success());
    exec.verify().unwrap();
    let last = open.last_audit_error().expect("the failure is kept");
    assert!(last.contains("read-only"), "{last}");

    assert_eq!(writable.verify().await.unwrap().rows, 0);
}

/// Another writer holds the lock for as long as it likes; the store waits
/// the busy timeout, then FailClosed refuses to run the command. Once the
/// lock is released, the same command runs and is recorded.
async fn a_write_lock_held_elsewhere_stops_the_command_under_fail_closed(fx: Fixture) {
    let mut options = StoreOptions::default();
    options.busy_timeout = Duration::from_millis(50);
    let store = fx.open_with(options).await;
    let lock = fx.hold_write_lock().await;

    let exec = Arc::new(ScriptedExecutor::new());
    let closed = Audited::new(Arc::clone(&exec), store.clone());
    let message = closed.run(&destroy()).await.unwrap_err().to_string();
    assert!(message.contains("not run"), "{message}");
    assert!(message.contains("locked"), "{message}");
    exec.verify().unwrap();

    drop(lock);
    let exec = Arc::new(ScriptedExecutor::new().expect_ok(["apps:destroy", "api", "--force"], ""));
    let closed = Audited::new(Arc::clone(&exec), store.clone());
    assert!(closed.run(&destroy()).await.unwrap().status.success());
    exec.verify().unwrap();
    let v = store.verify().await.unwrap();
    assert_eq!((v.rows, v.problem), (1, None));
}

/// PostgreSQL's text cannot hold NUL: redaction turns it into U+FFFD
/// before any store sees it, so the record is written, and reads the same
/// on both backends.
async fn output_with_nul_bytes_is_recorded_alike_on_every_store(fx: Fixture) {
    let store = fx.open().await;
    let exec = ScriptedExecutor::new().expect(
        ["apps:destroy", "api", "--force"],
        dokku_core::Output::new(dokku_core::ExitStatus::code(0), "gone\0\n", "\0warn"),
    );
    let audited = Audited::new(exec, store.clone());
    assert!(audited.run(&destroy()).await.unwrap().status.success());
    let record = &store.recent(1).await.unwrap()[0];
    assert_eq!(record.entry.stdout, "gone\u{FFFD}\n");
    assert_eq!(record.entry.stderr, "\u{FFFD}warn");
    assert_eq!((record.entry.stdout_len, record.entry.stderr_len), (6, 5));
    assert!(store.verify().await.unwrap().is_intact());
}
