//! Two processes append to one trail at once, on each backend: nothing is
//! lost, ids are consecutive, the chain verifies — so its head is
//! serialised by the database, not by one process — and a row altered or
//! removed afterwards is named.
//!
//! Each writer process is this test binary run again with
//! `DOKKU_HISTORY_TEST_WRITER` set (no libtest harness, so the binary's
//! `main` decides which role it plays). Each opens two independent stores
//! (two writer connections) and appends from four tasks per store, so four
//! writers per process contend for the head. The parent lets both start
//! only once both have opened their stores.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::time::Duration;

use common::{Backend, Fixture};
use dokku_history::{Entry, HistoryStore, Outcome, Source, StoreOptions, Tamper};

const WRITER_ENV: &str = "DOKKU_HISTORY_TEST_WRITER";
const STORES_PER_PROCESS: usize = 2;
const TASKS_PER_STORE: usize = 4;
const APPENDS_PER_TASK: usize = 300;
const PER_PROCESS: usize = STORES_PER_PROCESS * TASKS_PER_STORE * APPENDS_PER_TASK;

fn entry(writer: &str, n: usize) -> Entry {
    Entry {
        started_at: 1_700_000_000_000 + n as i64,
        ended_at: 1_700_000_000_010 + n as i64,
        host: "dokku.example".to_owned(),
        target: Some("dokku@dokku.example".to_owned()),
        actor: writer.to_owned(),
        source: Source::Cli,
        correlation_id: None,
        parent_id: None,
        subcommand: "ps:restart".to_owned(),
        app: Some("api".to_owned()),
        argv: vec!["ps:restart".to_owned(), "api".to_owned(), format!("n{n}")],
        mutating: true,
        outcome: Outcome::Ok,
        exit_code: Some(0),
        stdout: format!("restarted by {writer}"),
        stdout_len: 20,
        stderr: String::new(),
        stderr_len: 0,
        error: None,
    }
}

/// Contention must wait, never fail: a generous lock wait.
fn options() -> StoreOptions {
    let mut options = StoreOptions::default();
    options.busy_timeout = Duration::from_secs(120);
    options
}

async fn open(backend: Backend, location: &str) -> HistoryStore {
    match backend {
        Backend::Sqlite => HistoryStore::open_with(location, options()).unwrap(),
        #[cfg(feature = "postgres")]
        Backend::Postgres => HistoryStore::connect_with(location, options())
            .await
            .unwrap(),
        #[cfg(not(feature = "postgres"))]
        Backend::Postgres => unreachable!(),
    }
}

/// The child: open the stores, say so, wait for the go, append, report.
fn writer(spec: &str) {
    let mut parts = spec.splitn(3, '|');
    let backend = match parts.next().unwrap() {
        "sqlite" => Backend::Sqlite,
        _ => Backend::Postgres,
    };
    let name = parts.next().unwrap().to_owned();
    let location = parts.next().unwrap().to_owned();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(4)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async move {
        let mut stores = Vec::new();
        for _ in 0..STORES_PER_PROCESS {
            stores.push(open(backend, &location).await);
        }
        println!("ready");
        std::io::stdout().flush().unwrap();
        let mut go = String::new();
        std::io::stdin().read_line(&mut go).unwrap();
        let mut tasks = Vec::new();
        for (s, store) in stores.iter().enumerate() {
            for t in 0..TASKS_PER_STORE {
                let store = store.clone();
                let name = name.clone();
                tasks.push(tokio::spawn(async move {
                    for k in 0..APPENDS_PER_TASK {
                        let n = (s * TASKS_PER_STORE + t) * APPENDS_PER_TASK + k;
                        store.append(entry(&name, n)).await.unwrap();
                    }
                }));
            }
        }
        for task in tasks {
            task.await.unwrap();
        }
        println!("done");
    });
}

/// Both children, started together; panics if either fails.
fn run_writers(backend: Backend, location: &str) {
    let label = match backend {
        Backend::Sqlite => "sqlite",
        Backend::Postgres => "postgres",
    };
    let exe = std::env::current_exe().unwrap();
    let mut children = Vec::new();
    for name in ["writer-a", "writer-b"] {
        let mut child = Command::new(&exe)
            .env(WRITER_ENV, format!("{label}|{name}|{location}"))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut out = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        out.read_line(&mut line).unwrap();
        assert_eq!(line.trim(), "ready", "{name} did not open its stores");
        children.push((name, child, out));
    }
    for (_, child, _) in &mut children {
        writeln!(child.stdin.as_mut().unwrap(), "go").unwrap();
    }
    for (name, mut child, mut out) in children {
        let mut line = String::new();
        out.read_line(&mut line).unwrap();
        let status = child.wait().unwrap();
        assert!(status.success(), "{name} failed: {status}");
        assert_eq!(line.trim(), "done", "{name} did not finish");
    }
}

async fn two_processes_appending_at_once_lose_nothing_and_keep_one_chain(fx: Fixture) {
    // Created (and migrated) before the writers race to open it.
    drop(fx.open().await);
    run_writers(fx.backend, fx.location());

    let store = fx.open().await;
    let v = store.verify().await.unwrap();
    let total = 2 * PER_PROCESS;
    assert_eq!((v.rows, v.problem.clone()), (total as u64, None), "{v:?}");

    let mut by_writer: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut ids = Vec::new();
    let mut order = Vec::new();
    let mut after = None;
    loop {
        let mut q = dokku_history::Query::default();
        q.limit = Some(1000);
        q.after = after;
        let page = store.query(q).await.unwrap();
        for r in &page.records {
            ids.push(r.id);
            order.push((r.id, r.entry.actor.clone()));
            by_writer
                .entry(r.entry.actor.clone())
                .or_default()
                .insert(r.entry.argv[2].clone());
        }
        match page.next {
            Some(next) => after = Some(next),
            None => break,
        }
    }
    ids.sort_unstable();
    assert_eq!(
        ids,
        (1..=total as i64).collect::<Vec<_>>(),
        "ids 1..=N, once each"
    );
    for writer in ["writer-a", "writer-b"] {
        assert_eq!(
            by_writer.get(writer).map(BTreeSet::len),
            Some(PER_PROCESS),
            "every append of {writer} is there once"
        );
    }
    order.sort();
    let switches = order.windows(2).filter(|w| w[0].1 != w[1].1).count();
    eprintln!(
        "{:?}: {total} rows from two processes, the writer changed {switches} times along the chain",
        fx.backend
    );

    // Altered afterwards: named.
    let middle = total as i64 / 2;
    fx.tamper(&format!(
        "UPDATE commands SET actor = 'mallory' WHERE id = {middle}"
    ))
    .await;
    assert_eq!(
        store.verify().await.unwrap().problem,
        Some(Tamper::Altered { id: middle })
    );
    // Removed: the chain breaks at the next row.
    fx.tamper(&format!("DELETE FROM commands WHERE id = {middle}"))
        .await;
    assert_eq!(
        store.verify().await.unwrap().problem,
        Some(Tamper::Broken { id: middle + 1 })
    );
}

const TESTS: &[&str] = &[
    "sqlite::two_processes_appending_at_once_lose_nothing_and_keep_one_chain",
    "postgres::two_processes_appending_at_once_lose_nothing_and_keep_one_chain",
];

fn main() {
    if let Ok(spec) = std::env::var(WRITER_ENV) {
        writer(&spec);
        return;
    }
    // `cargo test NAME` passes NAME on: run what matches, as libtest would.
    let filters: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let selected: Vec<&str> = TESTS
        .iter()
        .copied()
        .filter(|t| filters.is_empty() || filters.iter().any(|f| t.contains(f.as_str())))
        .collect();
    println!("\nrunning {} tests", selected.len());
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    for name in &selected {
        let backend = if name.starts_with("sqlite") {
            Backend::Sqlite
        } else {
            Backend::Postgres
        };
        rt.block_on(async {
            if let Some(fx) = Fixture::new(backend).await {
                two_processes_appending_at_once_lose_nothing_and_keep_one_chain(fx).await;
            }
        });
        println!("test {name} ... ok");
    }
    println!(
        "\ntest result: ok. {} passed; 0 failed; 0 ignored; 0 measured; {} filtered out\n",
        selected.len(),
        TESTS.len() - selected.len()
    );
}
