//! `Audited` held to its evidence list: every field of every kind of ending
//! (ok, failed, timeout, transport error) over the scripted executor and
//! over the simulated host through the typed client; secrets absent from
//! the raw database files; the fail-closed and fail-open policies on a full
//! and on a read-only database; and streams completed, cut and dropped.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use async_trait::async_trait;
use futures_util::StreamExt;

use dokku_core::api::Scope;
use dokku_core::testing::ScriptedExecutor;
use dokku_core::{
    AppName, Capabilities, Chunk, Command, ConfigKey, Dokku, DokkuVersion, ExecError, Executor,
    ExitStatus, Output, OutputStream, ProcessType, SecretString,
};
use dokku_history::{
    AuditPolicy, Audited, Entry, HistoryError, HistoryStore, Outcome, Query, Record, Source,
    StoreOptions,
};
use dokku_sim::{Fault, SimExecutor};

fn now_ms() -> i64 {
    i64::try_from(
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_millis(),
    )
    .unwrap()
}

fn app(name: &str) -> AppName {
    AppName::new(name).unwrap()
}

fn open_store() -> (tempfile::TempDir, PathBuf, HistoryStore) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("history.db");
    let store = HistoryStore::open(&path).unwrap();
    (dir, path, store)
}

/// Every record, oldest first.
async fn records(store: &HistoryStore) -> Vec<Record> {
    let mut q = Query::default();
    q.limit = Some(10_000);
    let mut all = store.query(q).await.unwrap().records;
    all.sort_by_key(|r| r.id);
    all
}

/// Every record, oldest first, once there are `n`: written by a spawned
/// task.
async fn wait_for_records(store: &HistoryStore, n: usize) -> Vec<Record> {
    common::records_once(store, |all| all.len() >= n).await;
    records(store).await
}

/// The stored `duration_ms` column of a row, read from the file directly.
fn stored_duration(path: &Path, id: i64) -> i64 {
    rusqlite::Connection::open(path)
        .unwrap()
        .query_row(
            "SELECT duration_ms FROM commands WHERE id = ?1",
            [id],
            |r| r.get(0),
        )
        .unwrap()
}

fn pinned(exec: impl Executor + 'static) -> Dokku {
    Dokku::new(exec).with_capabilities(Capabilities::for_version(DokkuVersion::new(0, 38, 27)))
}

// ---------------------------------------------------------------------------
// Every field, for every ending
// ---------------------------------------------------------------------------

#[tokio::test]
async fn every_field_is_recorded_for_each_way_a_command_ends() {
    let (_dir, path, store) = open_store();
    let exec = Arc::new(
        ScriptedExecutor::new()
            .expect_ok(["apps:create", "web"], "-----> Creating web...\n")
            .expect(
                ["ps:scale", "web", "worker=2"],
                Output::new(
                    ExitStatus::code(1),
                    "-----> Scaling web processes: worker=2\n",
                    " !     Process type worker not found in Procfile\n",
                ),
            )
            .expect_error(["ps:rebuild", "web"], || ExecError::Timeout {
                after: Duration::from_secs(600),
            })
            .expect_error(["apps:list"], || ExecError::Disconnected {
                host: "dokku.example.com".to_owned(),
            }),
    );
    let audited = Audited::new(Arc::clone(&exec), store.clone())
        .actor("alice")
        .source(Source::Cli)
        .host("dokku.example.com")
        .correlation("deploy-42")
        .parent(7);
    let web = app("web");
    let commands = [
        Command::write("apps:create").app_arg(&web),
        Command::write("ps:scale").app_arg(&web).arg("worker=2"),
        Command::write("ps:rebuild").app_arg(&web).long_running(),
        Command::read("apps:list"),
    ];
    let mut windows = Vec::new();
    let mut results = Vec::new();
    for command in &commands {
        let before = now_ms();
        results.push(audited.run(command).await);
        windows.push((before, now_ms()));
    }
    exec.verify().unwrap();

    // The caller sees exactly what the inner executor said.
    let ok = results[0].as_ref().unwrap();
    assert_eq!(ok.status, ExitStatus::code(0));
    assert_eq!(results[1].as_ref().unwrap().status, ExitStatus::code(1));
    assert!(matches!(results[2], Err(ExecError::Timeout { .. })));
    assert!(matches!(results[3], Err(ExecError::Disconnected { .. })));

    let all = records(&store).await;
    assert_eq!(all.len(), 4);
    for (record, (before, after)) in all.iter().zip(&windows) {
        let e = &record.entry;
        assert!(*before <= e.started_at, "{record:?}");
        assert!(e.started_at <= e.ended_at, "{record:?}");
        assert!(e.ended_at <= *after, "{record:?}");
        assert_eq!(stored_duration(&path, record.id), e.ended_at - e.started_at);
        assert_eq!(e.duration_ms(), e.ended_at - e.started_at);
        assert_eq!(e.host, "dokku.example.com");
        assert_eq!(e.actor, "alice");
        assert_eq!(e.source, Source::Cli);
        assert_eq!(e.correlation_id.as_deref(), Some("deploy-42"));
        assert_eq!(e.parent_id, Some(7));
    }

    let ok = &all[0].entry;
    assert_eq!(ok.subcommand, "apps:create");
    assert_eq!(ok.app.as_deref(), Some("web"));
    assert_eq!(ok.argv, ["apps:create", "web"]);
    assert!(ok.mutating);
    assert_eq!(ok.outcome, Outcome::Ok);
    assert_eq!(ok.exit_code, Some(0));
    assert_eq!(ok.stdout, "-----> Creating web...\n");
    assert_eq!(ok.stdout_len, 23);
    assert_eq!((ok.stderr.as_str(), ok.stderr_len), ("", 0));
    assert_eq!(ok.error, None);

    let failed = &all[1].entry;
    assert_eq!(failed.subcommand, "ps:scale");
    assert_eq!(failed.app.as_deref(), Some("web"));
    assert_eq!(failed.argv, ["ps:scale", "web", "worker=2"]);
    assert!(failed.mutating);
    assert_eq!(failed.outcome, Outcome::Failed);
    assert_eq!(failed.exit_code, Some(1));
    assert_eq!(failed.stdout, "-----> Scaling web processes: worker=2\n");
    assert_eq!(failed.stdout_len, 39);
    assert_eq!(
        failed.stderr,
        " !     Process type worker not found in Procfile\n"
    );
    assert_eq!(failed.stderr_len, 49);
    assert_eq!(failed.error, None);

    let timeout = &all[2].entry;
    assert_eq!(timeout.subcommand, "ps:rebuild");
    assert_eq!(timeout.app.as_deref(), Some("web"));
    assert_eq!(timeout.argv, ["ps:rebuild", "web"]);
    assert!(timeout.mutating);
    assert_eq!(timeout.outcome, Outcome::Timeout);
    assert_eq!(timeout.exit_code, None);
    assert_eq!((timeout.stdout.as_str(), timeout.stdout_len), ("", 0));
    assert_eq!((timeout.stderr.as_str(), timeout.stderr_len), ("", 0));
    assert_eq!(timeout.error.as_deref(), Some("timed out after 600s"));

    let lost = &all[3].entry;
    assert_eq!(lost.subcommand, "apps:list");
    assert_eq!(lost.app, None);
    assert_eq!(lost.argv, ["apps:list"]);
    assert!(!lost.mutating);
    assert_eq!(lost.outcome, Outcome::TransportError);
    assert_eq!(lost.exit_code, None);
    assert_eq!((lost.stdout.as_str(), lost.stdout_len), ("", 0));
    assert_eq!(
        lost.error.as_deref(),
        Some("disconnected from dokku.example.com while the command was running")
    );

    assert!(store.verify().await.unwrap().is_intact());
}

#[tokio::test]
async fn without_the_builder_the_defaults_are_recorded() {
    let (_dir, _path, store) = open_store();
    let exec = ScriptedExecutor::new().expect_ok(["version"], "dokku version 0.38.27\n");
    let audited = Audited::new(exec, store.clone());
    audited.run(&Command::read("version")).await.unwrap();
    let all = records(&store).await;
    let e = &all[0].entry;
    let user = std::env::var("USER").unwrap_or_else(|_| "unknown".to_owned());
    assert_eq!(e.actor, user);
    assert_eq!(e.source, Source::Api);
    assert_eq!(e.host, "local");
    assert_eq!(e.correlation_id, None);
    assert_eq!(e.parent_id, None);
    assert_eq!(e.app, None);
    assert!(!e.mutating);
}

#[tokio::test]
async fn the_typed_client_over_the_simulated_host_is_recorded() {
    let (_dir, path, store) = open_store();
    let sim = SimExecutor::new(dokku_sim::scenario::demo());
    // The same host, untouched by the audit: what each command really printed.
    let twin = SimExecutor::new(dokku_sim::scenario::demo());
    let audited = Audited::new(sim.clone(), store.clone())
        .actor("bob")
        .source(Source::Web)
        .host("dokku-sim")
        .correlation("onboarding");
    let dokku = pinned(audited);

    let fresh = app("fresh");
    let api = app("api");
    let ghost = app("ghost");
    let key = ConfigKey::new("GREETING").unwrap();
    let web = ProcessType::new("web").unwrap();

    let set = dokku
        .config()
        .set(&fresh)
        .var(key.clone(), SecretString::new("hello world"))
        .no_restart();
    let set_command = set.command().await.unwrap();
    let scale = dokku.ps().scale(&api).process(web.clone(), 3);
    let scale_command = scale.command().unwrap();
    let ghost_command = dokku
        .ps()
        .scale(&ghost)
        .process(web.clone(), 1)
        .command()
        .unwrap();
    let mut expected = Vec::new();
    for command in [
        dokku_core::api::apps::create_command(&fresh),
        set_command.clone(),
        scale_command,
        ghost_command,
    ] {
        expected.push(twin.run(&command).await.unwrap());
    }

    let mut windows = Vec::new();
    let mut before = now_ms();
    dokku.apps().create(&fresh).await.unwrap();
    windows.push((before, now_ms()));
    before = now_ms();
    set.send().await.unwrap();
    windows.push((before, now_ms()));
    before = now_ms();
    scale.send().await.unwrap();
    windows.push((before, now_ms()));
    before = now_ms();
    let missing = dokku
        .ps()
        .scale(&ghost)
        .process(web, 1)
        .send()
        .await
        .unwrap_err();
    windows.push((before, now_ms()));
    assert!(
        matches!(missing, dokku_core::Error::AppNotFound { .. }),
        "{missing:?}"
    );
    // A read retried after a dropped connection: one row per attempt.
    sim.inject(Fault::Disconnect);
    before = now_ms();
    let apps = dokku.apps().list().await.unwrap();
    // Both attempts happened inside the one call.
    let list_window = (before, now_ms());
    windows.extend([list_window, list_window]);
    assert!(apps.contains(&fresh));

    let all = records(&store).await;
    let subcommands: Vec<&str> = all.iter().map(|r| r.entry.subcommand.as_str()).collect();
    assert_eq!(
        subcommands,
        [
            "apps:create",
            "config:import",
            "ps:scale",
            "ps:scale",
            "apps:list",
            "apps:list"
        ]
    );
    for (record, (before, after)) in all.iter().zip(&windows) {
        let e = &record.entry;
        assert!(*before <= e.started_at && e.started_at <= e.ended_at && e.ended_at <= *after);
        assert_eq!(stored_duration(&path, record.id), e.duration_ms());
        assert_eq!(
            (e.actor.as_str(), e.source, e.host.as_str()),
            ("bob", Source::Web, "dokku-sim")
        );
        assert_eq!(e.correlation_id.as_deref(), Some("onboarding"));
        assert_eq!(e.parent_id, None);
    }

    let create = &all[0].entry;
    assert_eq!(create.app.as_deref(), Some("fresh"));
    assert_eq!(create.argv, ["apps:create", "fresh"]);
    assert!(create.mutating);
    assert_eq!((create.outcome, create.exit_code), (Outcome::Ok, Some(0)));
    assert_eq!(create.stdout, expected[0].stdout_lossy());
    assert!(
        create.stdout.contains("Creating fresh"),
        "{}",
        create.stdout
    );
    assert_eq!(create.stdout_len, expected[0].stdout.len() as i64);
    assert_eq!(create.stderr_len, expected[0].stderr.len() as i64);

    let config = &all[1].entry;
    assert_eq!(config.app.as_deref(), Some("fresh"));
    // The value went as JSON on stdin: the argv never had it, and the
    // audit keeps which key was set.
    assert_eq!(
        config.argv,
        [
            "--quiet",
            "config:import",
            "--format",
            "json",
            "--no-restart",
            "fresh",
            "-",
            r#"<stdin {"GREETING":"***"}>"#
        ]
    );
    assert!(config.mutating);
    assert_eq!((config.outcome, config.exit_code), (Outcome::Ok, Some(0)));
    // Under --quiet Dokku echoes nothing back; had it, only the output's
    // shape would be kept (config:import prints secrets).
    assert_eq!(expected[1].stdout_lossy(), "");
    assert!(!config.stdout.contains("hello world"));
    assert!(!config.stderr.contains("hello world"));
    assert_eq!(config.stdout_len, expected[1].stdout.len() as i64);

    let scale = &all[2].entry;
    assert_eq!(scale.app.as_deref(), Some("api"));
    assert_eq!(scale.argv, ["ps:scale", "api", "web=3"]);
    assert!(scale.mutating);
    assert_eq!((scale.outcome, scale.exit_code), (Outcome::Ok, Some(0)));
    assert_eq!(scale.stdout, expected[2].stdout_lossy());
    assert_eq!(scale.stdout_len, expected[2].stdout.len() as i64);

    let ghost = &all[3].entry;
    assert_eq!(ghost.app.as_deref(), Some("ghost"));
    assert_eq!(ghost.argv, ["ps:scale", "ghost", "web=1"]);
    assert_eq!(
        (ghost.outcome, ghost.exit_code),
        (Outcome::Failed, Some(20))
    );
    assert!(
        ghost.stderr.contains("App ghost does not exist"),
        "{}",
        ghost.stderr
    );
    assert_eq!(ghost.stderr, expected[3].stderr_lossy());
    assert_eq!(ghost.stderr_len, expected[3].stderr.len() as i64);
    assert_eq!(ghost.error, None);

    let dropped = &all[4].entry;
    assert!(!dropped.mutating);
    assert_eq!(
        (dropped.outcome, dropped.exit_code),
        (Outcome::TransportError, None)
    );
    assert_eq!(
        dropped.error.as_deref(),
        Some("disconnected from dokku-sim while the command was running")
    );
    let retried = &all[5].entry;
    assert_eq!((retried.outcome, retried.exit_code), (Outcome::Ok, Some(0)));
    assert!(retried.stdout.contains("fresh"));

    assert!(store.verify().await.unwrap().is_intact());
    // The set value really reached the host.
    let value = dokku.config().get(&fresh, &key).await.unwrap().unwrap();
    assert_eq!(value.expose(), "hello world");
}

// ---------------------------------------------------------------------------
// Secrets never reach the file
// ---------------------------------------------------------------------------

/// Passes commands through, keeping every secret argument as it was sent.
#[derive(Debug)]
struct Tap<E> {
    inner: E,
    wire: Arc<Mutex<Vec<String>>>,
}

impl<E> Tap<E> {
    fn keep(&self, command: &Command) {
        let mut wire = self.wire.lock().unwrap();
        if let Some(stdin) = command.stdin_bytes() {
            wire.push(String::from_utf8_lossy(stdin.expose()).into_owned());
        }
        for arg in command.arguments().iter().filter(|a| a.is_secret()) {
            wire.push(arg.expose().to_owned());
            if let Some((_, value)) = arg.expose().split_once('=') {
                wire.push(value.to_owned());
            }
        }
    }
}

#[async_trait]
impl<E: Executor> Executor for Tap<E> {
    async fn run(&self, command: &Command) -> Result<Output, ExecError> {
        self.keep(command);
        self.inner.run(command).await
    }
    async fn stream(&self, command: &Command) -> Result<OutputStream, ExecError> {
        self.keep(command);
        self.inner.stream(command).await
    }
}

fn find(haystack: &[u8], needle: &str) -> bool {
    let needle = needle.as_bytes();
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// The database, its WAL and its shared-memory index, as bytes.
fn raw_files(path: &Path) -> Vec<(String, Vec<u8>)> {
    ["", "-wal", "-shm"]
        .iter()
        .map(|suffix| {
            let file = format!("{}{suffix}", path.display());
            let bytes = std::fs::read(&file).unwrap_or_default();
            (file, bytes)
        })
        .collect()
}

fn assert_absent(files: &[(String, Vec<u8>)], secrets: &[String]) {
    for (file, bytes) in files {
        for secret in secrets {
            assert!(!find(bytes, secret), "{secret:?} found in {file}");
        }
    }
}

fn assert_present(files: &[(String, Vec<u8>)], needle: &str) {
    assert!(
        files.iter().any(|(_, bytes)| find(bytes, needle)),
        "{needle:?} should be stored (proves the scan reads real rows)"
    );
}

#[tokio::test]
async fn secrets_never_reach_the_database_files() {
    const TOKEN: &str = "tok-5ecr3t-8f3a9c2e1d";
    const DB_PASSWORD: &str = "Pg-Passw0rd-77";
    const DSN: &str = "postgres://dbuser:Pg-Passw0rd-77@db.internal:5432/appdb";
    const GIT_PASSWORD: &str = "tok3n";
    const STDERR_PASSWORD: &str = "St0derrPw-31";
    const PROXY_PASSWORD: &str = "Pr0xyPw-55";
    const PASSPHRASE: &str = "Cert-Key-Pass-99";

    let (_dir, path, store) = open_store();
    let wire = Arc::new(Mutex::new(Vec::new()));
    let sim = Tap {
        inner: SimExecutor::new(dokku_sim::scenario::demo()),
        wire: Arc::clone(&wire),
    };
    let dokku = pinned(
        Audited::new(sim, store.clone())
            .actor("carol")
            .host("dokku-sim"),
    );
    let api = app("api");
    let token_key = ConfigKey::new("API_TOKEN").unwrap();
    let dsn_key = ConfigKey::new("DATABASE_URL").unwrap();

    // config:import (JSON on stdin), whose output would echo the values.
    dokku
        .config()
        .set(&api)
        .var(token_key.clone(), SecretString::new(TOKEN))
        .var(dsn_key.clone(), SecretString::new(DSN))
        .no_restart()
        .send()
        .await
        .unwrap();
    // config:export and config:get print them: they really did.
    dokku.config().export(&api).await.unwrap();
    let token = dokku.config().get(&api, &token_key).await.unwrap().unwrap();
    assert_eq!(token.expose(), TOKEN);
    let dsn = dokku.config().get(&api, &dsn_key).await.unwrap().unwrap();
    assert_eq!(dsn.expose(), DSN);
    // The same export, streamed: the tail is stored as a shape too.
    let mut stream = dokku
        .stream(&dokku_core::api::config::export_command(
            &Scope::from(&api),
            false,
        ))
        .await
        .unwrap();
    let mut streamed = Vec::new();
    while let Some(chunk) = stream.next().await {
        if let Chunk::Stdout(bytes) = chunk.unwrap() {
            streamed.extend(bytes);
        }
    }
    assert!(find(&streamed, DSN), "the stream carried the DSN");
    // A plain argument with a password in a URL (outputs that echo one
    // are scripted below).
    let sync = Command::write("git:sync").args(["api", "https://user:tok3n@github.com/x.git"]);
    assert_eq!(
        sync.expose_argv()[2],
        "https://user:tok3n@github.com/x.git",
        "the URL is sent whole"
    );
    dokku.executor().run(&sync).await.unwrap();

    // Outputs and errors that carry secrets of their own.
    let scripted = Arc::new(
        ScriptedExecutor::new()
            .expect(
                ["postgres:info", "appdb"],
                Output::new(
                    ExitStatus::code(1),
                    "",
                    "FATAL: password authentication failed for \
                     postgres://dbuser:St0derrPw-31@db.internal/appdb\n",
                ),
            )
            .expect_error(["git:from-archive", "api"], || ExecError::Connect {
                host: "dokku.example.com".to_owned(),
                reason: "proxy http://proxyuser:Pr0xyPw-55@proxy.internal:3128 refused".to_owned(),
            })
            .expect_ok(
                ["certs:add", "api", PASSPHRASE],
                "using passphrase Cert-Key-Pass-99 for the key\n",
            ),
    );
    let audited = Audited::new(Arc::clone(&scripted), store.clone());
    audited
        .run(&Command::read("postgres:info").arg("appdb"))
        .await
        .unwrap();
    audited
        .run(&Command::write("git:from-archive").app_arg(&api))
        .await
        .unwrap_err();
    audited
        .run(
            &Command::write("certs:add")
                .app_arg(&api)
                .secret(SecretString::new(PASSPHRASE)),
        )
        .await
        .unwrap();
    scripted.verify().unwrap();

    let all = records(&store).await;
    let by = |sub: &str| {
        all.iter()
            .find(|r| r.entry.subcommand == sub)
            .unwrap_or_else(|| panic!("no {sub} record"))
            .entry
            .clone()
    };
    let sync: Entry = by("git:sync");
    assert_eq!(
        sync.argv,
        ["git:sync", "api", "https://user:***@github.com/x.git"]
    );
    assert!(!format!("{sync:?}").contains(GIT_PASSWORD), "{sync:?}");
    assert!(by("postgres:info")
        .stderr
        .contains("dbuser:***@db.internal"));
    assert!(by("git:from-archive")
        .error
        .unwrap()
        .contains("proxyuser:***@proxy.internal"));
    assert_eq!(by("certs:add").stdout, "using passphrase *** for the key\n");

    // Every form of every secret that was sent or printed.
    let mut secrets: Vec<String> = [
        TOKEN,
        DB_PASSWORD,
        DSN,
        GIT_PASSWORD,
        STDERR_PASSWORD,
        PROXY_PASSWORD,
        PASSPHRASE,
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    let sent = wire.lock().unwrap().clone();
    assert!(
        sent.iter()
            .any(|w| w.starts_with("{\"API_TOKEN\":") && w.contains(TOKEN)),
        "the JSON on stdin was captured: {}",
        sent.len()
    );
    secrets.extend(sent);

    // While the store is open (the rows are in the WAL) …
    let open = raw_files(&path);
    assert!(!open[1].1.is_empty(), "the WAL holds the rows");
    // The keys the import set are kept, the values are not.
    let keys_kept = r#"\"DATABASE_URL\":\"***\""#;
    assert_present(&open, keys_kept);
    assert_present(&open, "user:***@github.com");
    assert_absent(&open, &secrets);

    // … and once everything is dropped and the WAL checkpointed.
    drop(audited);
    drop(dokku);
    drop(all);
    drop(store);
    let closed = raw_files(&path);
    assert_present(&closed[..1], keys_kept);
    assert_present(&closed[..1], "dbuser:***@db.internal");
    assert_absent(&closed, &secrets);
}

// ---------------------------------------------------------------------------
// A full or read-only store, under each policy
// ---------------------------------------------------------------------------

async fn full_store() -> (tempfile::TempDir, HistoryStore, i64) {
    let dir = tempfile::tempdir().unwrap();
    let mut options = StoreOptions::default();
    options.max_page_count = Some(60);
    let store = HistoryStore::open_with(dir.path().join("history.db"), options).unwrap();
    let (written, error) = fill(&store, 400).await;
    assert!(
        matches!(error, HistoryError::Full { .. }),
        "expected Full, got {error:?}"
    );
    (dir, store, written)
}

/// Append rows with `size` bytes of stderr until one is refused.
async fn fill(store: &HistoryStore, size: usize) -> (i64, HistoryError) {
    for i in 1..=20_000i64 {
        let e = Entry {
            started_at: i,
            ended_at: i + 1,
            host: "h".into(),
            target: None,
            actor: "a".into(),
            source: Source::Other,
            correlation_id: None,
            parent_id: None,
            subcommand: "filler".into(),
            app: None,
            argv: vec!["filler".into()],
            mutating: false,
            outcome: Outcome::Ok,
            exit_code: Some(0),
            stdout: String::new(),
            stdout_len: 0,
            stderr: format!("filler{i} ").repeat(size / 8),
            stderr_len: 0,
            error: None,
        };
        if let Err(error) = store.append(e).await {
            return (i - 1, error);
        }
    }
    panic!("the capped database never filled up");
}

fn destroy() -> Command {
    Command::write("apps:destroy")
        .app_arg(&app("api"))
        .arg("--force")
}

#[tokio::test]
async fn fail_closed_refuses_to_run_a_command_a_full_store_cannot_record() {
    let (_dir, store, written) = full_store().await;
    assert_eq!(AuditPolicy::default(), AuditPolicy::FailClosed);
    for audited in [
        Audited::new(Arc::new(ScriptedExecutor::new()), store.clone()),
        Audited::new(Arc::new(ScriptedExecutor::new()), store.clone())
            .policy(AuditPolicy::FailClosed),
    ] {
        let error = audited.run(&destroy()).await.unwrap_err();
        let message = error.to_string();
        assert!(matches!(error, ExecError::Other(_)), "{error:?}");
        assert!(message.contains("not run"), "{message}");
        assert!(message.contains("full"), "{message}");
        let error = audited.stream(&destroy()).await.err().unwrap();
        assert!(error.to_string().contains("not run"), "{error}");
        assert_eq!(audited.last_audit_error(), None);
    }
    // An executor with no expectations: any command sent would be a problem.
    let exec = Arc::new(ScriptedExecutor::new());
    let audited = Audited::new(Arc::clone(&exec), store.clone());
    audited.run(&destroy()).await.unwrap_err();
    exec.verify().unwrap();
    let v = store.verify().await.unwrap();
    assert_eq!((v.rows, v.problem), (u64::try_from(written).unwrap(), None));
}

#[tokio::test]
async fn fail_open_runs_the_command_and_names_the_audit_failure() {
    let (_dir, store, written) = full_store().await;
    // Output large enough that its record cannot fit where a filler row did not.
    let big = "deleting … ".repeat(2000);
    let exec =
        Arc::new(ScriptedExecutor::new().expect_ok(["apps:destroy", "api", "--force"], &big));
    let audited = Audited::new(Arc::clone(&exec), store.clone()).policy(AuditPolicy::FailOpen);
    assert_eq!(audited.last_audit_error(), None);
    let out = audited.run(&destroy()).await.unwrap();
    assert!(out.status.success());
    assert_eq!(out.stdout, big.as_bytes());
    exec.verify().unwrap();
    let last = audited.last_audit_error().expect("the failure is kept");
    assert!(last.contains("full"), "{last}");
    // Clones share it.
    assert_eq!(audited.clone().last_audit_error(), Some(last));
    assert_eq!(
        store.verify().await.unwrap().rows,
        u64::try_from(written).unwrap()
    );
}

#[tokio::test]
async fn fail_closed_says_so_when_the_record_fails_after_the_command_ran() {
    // Filled with large rows, there is still room for the probe's row but
    // not for a record of two capped outputs.
    let dir = tempfile::tempdir().unwrap();
    let mut options = StoreOptions::default();
    options.max_page_count = Some(60);
    let store = HistoryStore::open_with(dir.path().join("history.db"), options).unwrap();
    let (_, error) = fill(&store, 24 * 1024).await;
    assert!(matches!(error, HistoryError::Full { .. }), "{error:?}");
    store
        .check_writable()
        .await
        .expect("room left for the probe");

    let noisy = "x".repeat(40_000);
    let exec = Arc::new(ScriptedExecutor::new().expect(
        ["apps:destroy", "api", "--force"],
        Output::new(ExitStatus::code(0), noisy.clone(), noisy),
    ));
    let audited = Audited::new(Arc::clone(&exec), store.clone());
    let error = audited.run(&destroy()).await.unwrap_err();
    exec.verify().unwrap();
    let message = error.to_string();
    assert!(message.contains("the command ran"), "{message}");
    assert!(message.contains("full"), "{message}");
}

/// SQLite's own read-only open, which root cannot write through either.
fn read_only_store(path: &Path) -> HistoryStore {
    HistoryStore::open(format!("file:{}?mode=ro", path.display())).unwrap()
}

#[tokio::test]
async fn a_read_only_store_under_each_policy() {
    let (_dir, path, writable) = open_store();
    let store = read_only_store(&path);

    let exec = Arc::new(ScriptedExecutor::new());
    let closed = Audited::new(Arc::clone(&exec), store.clone()).policy(AuditPolicy::FailClosed);
    let error = closed.run(&destroy()).await.unwrap_err();
    let message = error.to_string();
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

// ---------------------------------------------------------------------------
// Streams
// ---------------------------------------------------------------------------

async fn drain(mut stream: OutputStream) -> Vec<Result<Chunk, ExecError>> {
    let mut items = Vec::new();
    while let Some(item) = stream.next().await {
        items.push(item);
    }
    items
}

#[tokio::test]
async fn a_completed_stream_is_recorded_with_its_exit_and_byte_counts() {
    let (_dir, _path, store) = open_store();
    let exec = ScriptedExecutor::new()
        .expect(
            ["ps:rebuild", "api"],
            Output::new(ExitStatus::code(3), "line one\nline two\n", "warning\n"),
        )
        .expect_ok(["logs", "api"], "done\n");
    let audited = Audited::new(exec, store.clone()).actor("dave");
    let before = now_ms();
    let items = drain(
        audited
            .stream(&Command::write("ps:rebuild").app_arg(&app("api")))
            .await
            .unwrap(),
    )
    .await;
    let after = now_ms();
    // The caller's stream is untouched.
    assert_eq!(
        items.into_iter().map(Result::unwrap).collect::<Vec<_>>(),
        [
            Chunk::Stdout(b"line one\nline two\n".to_vec()),
            Chunk::Stderr(b"warning\n".to_vec()),
            Chunk::Exit(ExitStatus::code(3)),
        ]
    );
    let all = records(&store).await;
    assert_eq!(all.len(), 1, "recorded once, at the exit");
    let e = &all[0].entry;
    assert!(before <= e.started_at && e.started_at <= e.ended_at && e.ended_at <= after);
    assert_eq!(e.subcommand, "ps:rebuild");
    assert_eq!(e.app.as_deref(), Some("api"));
    assert_eq!(e.actor, "dave");
    assert!(e.mutating);
    assert_eq!((e.outcome, e.exit_code), (Outcome::Failed, Some(3)));
    assert_eq!(
        (e.stdout.as_str(), e.stdout_len),
        ("line one\nline two\n", 18)
    );
    assert_eq!((e.stderr.as_str(), e.stderr_len), ("warning\n", 8));
    assert_eq!(e.error, None);

    drain(
        audited
            .stream(&Command::read("logs").app_arg(&app("api")))
            .await
            .unwrap(),
    )
    .await;
    let all = records(&store).await;
    assert_eq!(
        (all[1].entry.outcome, all[1].entry.exit_code),
        (Outcome::Ok, Some(0))
    );
    assert!(store.verify().await.unwrap().is_intact());
}

#[tokio::test]
async fn a_long_stream_keeps_its_tail_and_its_real_length() {
    let (_dir, _path, store) = open_store();
    let mut text = String::from("FIRST-LINE\n");
    while text.len() < 50_000 {
        text.push_str("0123456789abcdef\n");
    }
    text.push_str("LAST-LINE\n");
    let exec = ScriptedExecutor::new().expect_ok(["logs", "api"], &text);
    let audited = Audited::new(exec, store.clone());
    drain(
        audited
            .stream(&Command::read("logs").app_arg(&app("api")))
            .await
            .unwrap(),
    )
    .await;
    let e = records(&store).await.remove(0).entry;
    assert_eq!(e.stdout_len, text.len() as i64);
    assert_eq!(e.stdout.len(), dokku_history::redact::OUTPUT_CAP);
    assert!(text.ends_with(&e.stdout));
    assert!(e.stdout.ends_with("LAST-LINE\n"));
    assert!(!e.stdout.contains("FIRST-LINE"));
}

#[tokio::test]
async fn a_stream_dropped_before_its_exit_is_recorded_as_cancelled() {
    let (_dir, _path, store) = open_store();
    let exec = ScriptedExecutor::new().expect(
        ["ps:rebuild", "api"],
        Output::new(ExitStatus::code(0), "building…\n", "never read\n"),
    );
    let audited = Audited::new(exec, store.clone()).correlation("c-1");
    let mut stream = audited
        .stream(&Command::write("ps:rebuild").app_arg(&app("api")))
        .await
        .unwrap();
    let first = stream.next().await.unwrap().unwrap();
    assert_eq!(first, Chunk::Stdout("building…\n".as_bytes().to_vec()));
    assert!(
        records(&store).await.is_empty(),
        "not recorded before it ends"
    );
    drop(stream);

    let all = wait_for_records(&store, 1).await;
    let e = &all[0].entry;
    assert_eq!(e.outcome, Outcome::Cancelled);
    assert_eq!(e.exit_code, None);
    assert_eq!(e.subcommand, "ps:rebuild");
    assert_eq!(e.correlation_id.as_deref(), Some("c-1"));
    assert_eq!((e.stdout.as_str(), e.stdout_len), ("building…\n", 12));
    assert_eq!(e.stderr_len, 0);
    assert!(e.started_at <= e.ended_at);

    // Dropped before anything arrived: a hung command on the simulated host.
    let sim = SimExecutor::new(dokku_sim::scenario::demo());
    sim.inject(Fault::Hang);
    let audited = Audited::new(sim, store.clone());
    let stream = audited
        .stream(&Command::read("logs").app_arg(&app("api")).arg("-t"))
        .await
        .unwrap();
    drop(stream);
    let all = wait_for_records(&store, 2).await;
    let e = &all[1].entry;
    assert_eq!((e.outcome, e.exit_code), (Outcome::Cancelled, None));
    assert_eq!((e.stdout_len, e.stderr_len), (0, 0));
    assert!(store.verify().await.unwrap().is_intact());
}

#[tokio::test]
async fn a_run_dropped_before_it_answers_is_recorded_as_cancelled_and_settled() {
    let (_dir, _path, store) = open_store();
    // A mutating command that hangs on the host: the caller gives up (a
    // Ctrl-C, a timeout around the call) while it may already have acted.
    let sim = SimExecutor::new(dokku_sim::scenario::demo());
    sim.inject(Fault::Hang);
    let audited = Audited::new(sim.clone(), store.clone()).actor("alice");
    let destroy = Command::write("apps:destroy")
        .app_arg(&app("api"))
        .arg("--force");
    // Drive the run until the host has the command (it hangs there), then
    // give up on it: an event, not a time window.
    let mut run = Box::pin(audited.run(&destroy));
    while sim.pending_faults() > 0 {
        tokio::select! {
            biased;
            _ = &mut run => panic!("the hung command answered"),
            () = tokio::task::yield_now() => {}
        }
    }
    drop(run);
    audited.settle().await;
    // settle() returned only after the record reached the store.
    let all = records(&store).await;
    assert_eq!(all.len(), 1);
    let e = &all[0].entry;
    assert_eq!((e.outcome, e.exit_code), (Outcome::Cancelled, None));
    assert_eq!(e.subcommand, "apps:destroy");
    assert_eq!(e.actor, "alice");
    assert!(e.mutating);
    // A run that finishes is recorded once, not also as cancelled.
    let list = Command::read("apps:list");
    audited.run(&list).await.unwrap();
    audited.settle().await;
    let all = records(&store).await;
    assert_eq!(all.len(), 2);
    assert_eq!(
        all.iter()
            .filter(|r| r.entry.outcome == Outcome::Cancelled)
            .count(),
        1
    );
    assert!(store.verify().await.unwrap().is_intact());
}

#[tokio::test]
async fn a_stream_that_fails_is_a_transport_error() {
    let (_dir, _path, store) = open_store();
    let sim = SimExecutor::new(dokku_sim::scenario::demo());
    let audited = Audited::new(sim.clone(), store.clone());
    let report = || Command::read("ps:report").app_arg(&app("api"));

    // The connection drops mid-stream.
    sim.inject(Fault::Disconnect);
    let items = drain(audited.stream(&report()).await.unwrap()).await;
    assert!(matches!(items[..], [Err(ExecError::Disconnected { .. })]));
    // The connection cannot be opened.
    sim.inject(Fault::Refused);
    let error = audited.stream(&report()).await.err().unwrap();
    assert!(matches!(error, ExecError::Connect { .. }), "{error:?}");

    let all = records(&store).await;
    assert_eq!(all.len(), 2, "{all:?}");
    let dropped = &all[0].entry;
    assert_eq!(
        (dropped.outcome, dropped.exit_code),
        (Outcome::TransportError, None)
    );
    assert_eq!(
        dropped.error.as_deref(),
        Some("disconnected from dokku-sim while the command was running")
    );
    let refused = &all[1].entry;
    assert_eq!(refused.outcome, Outcome::TransportError);
    assert!(
        refused
            .error
            .as_deref()
            .unwrap()
            .contains("could not connect"),
        "{refused:?}"
    );
}

#[tokio::test]
async fn a_stream_cut_before_its_exit_status_is_a_transport_error() {
    let (_dir, _path, store) = open_store();
    let sim = SimExecutor::new(dokku_sim::scenario::demo());
    sim.inject(Fault::CutStream { after_bytes: 10 });
    let audited = Audited::new(sim, store.clone());
    // The caller reads to the end: nothing was cancelled, the output just
    // stopped without an exit status.
    let items = drain(
        audited
            .stream(&Command::read("ps:report").app_arg(&app("api")))
            .await
            .unwrap(),
    )
    .await;
    assert!(matches!(items[..], [Ok(Chunk::Stdout(ref b))] if b.len() == 10));
    let all = wait_for_records(&store, 1).await;
    assert_eq!(all.len(), 1);
    let e = &all[0].entry;
    assert_eq!((e.outcome, e.exit_code), (Outcome::TransportError, None));
    assert_eq!(e.stdout_len, 10);
    assert_eq!(
        e.error.as_deref(),
        Some(ExecError::Truncated.to_string().as_str())
    );
}
