//! What the CLI's end-to-end tests share: the built `cli` example and a
//! private demo host and history per test.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use serde_json::Value;

// The CLI tests that start sshd load dokku-ssh's test module too, and with
// it this file: two copies, each building once (the second finds the
// binaries up to date).
#[allow(clippy::duplicate_mod)]
#[path = "../../dokku-ssh/tests/common/build.rs"]
mod build;

/// The `cli` example, freshly built (`cargo test` builds examples in test
/// mode only).
pub fn cli_bin() -> PathBuf {
    build::built().join("examples").join("cli")
}

/// A demo host and a history database of its own.
pub struct Demo {
    pub dir: tempfile::TempDir,
}

impl Demo {
    pub fn new() -> Self {
        Demo {
            dir: tempfile::tempdir().expect("tempdir"),
        }
    }

    pub fn state(&self) -> PathBuf {
        self.dir.path().join("state")
    }

    pub fn history(&self) -> PathBuf {
        self.dir.path().join("history.sqlite3")
    }

    /// `cli --demo …` on this host, as user `tester`, without colour,
    /// without any target from the environment, and with deploys printed
    /// at once.
    pub fn cli(&self) -> assert_cmd::Command {
        let mut cmd = bare_cli();
        cmd.arg("--demo")
            .arg("--demo-state")
            .arg(self.state())
            .arg("--history-db")
            .arg(self.history());
        cmd
    }

    /// The same command as [`Demo::cli`], as a plain process (for tests
    /// that wire its standard streams themselves).
    pub fn process(&self) -> std::process::Command {
        let mut cmd = std::process::Command::new(cli_bin());
        for var in [
            "DOKKU_HOST",
            "DOKKU_DEMO_STATE",
            "DOKKU_HISTORY_DB",
            "DOKKU_HOSTS_FILE",
            "LOGNAME",
            "USERNAME",
            "CLICOLOR_FORCE",
        ] {
            cmd.env_remove(var);
        }
        cmd.env("NO_COLOR", "1")
            .env("USER", "tester")
            .env("DOKKU_SIM_DEPLOY_LINE_MS", "0")
            .env("DOKKU_SIM_CLOCK", "fixed")
            .arg("--demo")
            .arg("--demo-state")
            .arg(self.state())
            .arg("--history-db")
            .arg(self.history());
        cmd
    }

    /// `cli --demo deploy APP --image IMAGE` as a plain process, paced ten
    /// minutes after each line: still printing whenever the test acts,
    /// every time, without guessing how long anything takes.
    pub fn paced_deploy(&self, app: &str, image: &str) -> std::process::Command {
        let mut deploy = self.process();
        deploy
            .env("DOKKU_SIM_DEPLOY_LINE_MS", "600000")
            .args(["deploy", app, "--image", image]);
        deploy
    }

    /// `cli --local` on this demo's state, with `wrapper` as the `dokku`
    /// program (a script that ends in `exec "$REAL_DOKKU" "$@"`, the
    /// simulator), as user `tester`, without colour, as a plain process.
    pub fn local(&self, wrapper: &Path) -> std::process::Command {
        let mut cmd = std::process::Command::new(cli_bin());
        cmd.env_remove("DOKKU_HOST")
            .env("NO_COLOR", "1")
            .env("USER", "tester")
            .env("DOKKU_BIN", wrapper)
            .env("REAL_DOKKU", dokku_sim_bin())
            .env("DOKKU_SIM_STATE", self.state())
            .arg("--local")
            .arg("--history-db")
            .arg(self.history());
        cmd
    }

    /// A FIFO named `name` in this demo's directory: a test waits on it
    /// for an event instead of guessing how long anything takes.
    pub fn fifo(&self, name: &str) -> PathBuf {
        let path = self.dir.path().join(name);
        let made = std::process::Command::new("mkfifo")
            .arg(&path)
            .status()
            .expect("mkfifo runs");
        assert!(made.success(), "mkfifo {}", path.display());
        path
    }

    /// Run `cli --demo <args>` and parse its `--json` output.
    pub fn json(&self, args: &[&str]) -> Value {
        run_json(&|| self.cli(), args)
    }

    /// The app names on the demo host.
    pub fn apps(&self) -> Vec<String> {
        app_names(&self.json(&["apps", "list"]))
    }

    /// Every history record, newest first.
    pub fn history_rows(&self) -> Vec<Value> {
        history_rows(&mut self.cli())
    }

    /// `cli --demo --dry-run <args>`: what it printed on stdout, checked
    /// to have succeeded and sent nothing.
    pub fn dry_run(&self, args: &[&str]) -> String {
        let before = self.history_rows().len();
        let out = self
            .cli()
            .arg("--dry-run")
            .args(args)
            .output()
            .expect("cli runs");
        assert!(
            out.status.success(),
            "dry run {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(self.history_rows().len(), before, "{args:?} sent something");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// `cli --demo <args>` refused as a usage error (exit 2, `said` on
    /// stderr) with nothing sent; its stderr.
    pub fn refused(&self, args: &[&str], said: &str) -> String {
        let before = self.history_rows().len();
        let stderr = self.fails(args, 2, said);
        assert_eq!(self.history_rows().len(), before, "{args:?} sent something");
        stderr
    }

    /// `cli --demo <args>` succeeding with each of `shown` on stdout; its
    /// stdout.
    pub fn shows(&self, args: &[&str], shown: &[&str]) -> String {
        let out = self.cli().args(args).output().expect("cli runs");
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        for text in shown {
            assert!(
                stdout.contains(text),
                "{args:?} did not show {text:?}: {stdout}"
            );
        }
        stdout
    }

    /// `cli --demo <args>` ending with exit `code` and `said` on stderr;
    /// its stderr.
    pub fn fails(&self, args: &[&str], code: i32, said: &str) -> String {
        let out = self.cli().args(args).output().expect("cli runs");
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert_eq!(out.status.code(), Some(code), "{args:?}: {stderr}");
        assert!(stderr.contains(said), "{args:?}: {stderr}");
        stderr
    }

    /// `cli --demo <args>` succeeding with `noted` on stderr (a note
    /// beside empty data, not an error).
    pub fn notes(&self, args: &[&str], noted: &str) {
        let out = self.cli().args(args).output().expect("cli runs");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{args:?}: {stderr}");
        assert!(stderr.contains(noted), "{args:?}: {stderr}");
    }
}

/// The `cli` binary with a clean environment: no colour, no inherited
/// target, actor `tester`.
pub fn bare_cli() -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::new(cli_bin());
    for var in [
        "DOKKU_HOST",
        "DOKKU_DEMO_STATE",
        "DOKKU_HISTORY_DB",
        "DOKKU_SSH_KEY",
        "DOKKU_KNOWN_HOSTS",
        "DOKKU_HOSTS_FILE",
        "LOGNAME",
        "USERNAME",
        "CLICOLOR_FORCE",
    ] {
        cmd.env_remove(var);
    }
    // The demo's deploys print at once (a test that watches one paced
    // sets its own pacing); its hosts keep the simulator's fixed clock, so
    // every run prints the same times.
    cmd.env("NO_COLOR", "1")
        .env("USER", "tester")
        .env("DOKKU_SIM_DEPLOY_LINE_MS", "0")
        .env("DOKKU_SIM_CLOCK", "fixed");
    cmd
}

pub fn app_names(list: &Value) -> Vec<String> {
    list.as_array()
        .expect("an array of apps")
        .iter()
        .map(|a| a["name"].as_str().expect("a name").to_owned())
        .collect()
}

pub fn history_rows(cmd: &mut assert_cmd::Command) -> Vec<Value> {
    let out = cmd
        .args(["history", "list", "--limit", "1000", "--json"])
        .output()
        .expect("cli runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice::<Value>(&out.stdout)
        .expect("history JSON")
        .as_array()
        .expect("an array")
        .clone()
}

/// The subcommands recorded, oldest first.
pub fn subcommands(rows: &[Value]) -> Vec<String> {
    rows.iter()
        .rev()
        .map(|r| r["subcommand"].as_str().unwrap_or_default().to_owned())
        .collect()
}

fn run_json(cli: &dyn Fn() -> assert_cmd::Command, args: &[&str]) -> Value {
    // First: after a `--` in `args` every word is a remote command's.
    let out = cli().arg("--json").args(args).output().expect("cli runs");
    assert!(
        out.status.success(),
        "cli {args:?} failed ({:?}): {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "cli {args:?} printed no JSON ({e}): {}",
            String::from_utf8_lossy(&out.stdout)
        )
    })
}

/// An admin's day on one host: create an app, configure, scale and name
/// it, read logs, destroy it; then check what the history recorded.
/// `cli` builds a command already pointed at the host; `host` is the
/// label the history must show.
pub fn story(cli: &dyn Fn() -> assert_cmd::Command, host: &str) {
    let created = run_json(cli, &["apps", "create", "story"]);
    assert_eq!(created["ok"], true);
    assert_eq!(created["command"], "dokku apps:create story");

    // Secrets are never written masked where a program reads them: the
    // table and the JSON are refused.
    let set = cli()
        .args([
            "config",
            "set",
            "story",
            "SECRET_TOKEN=hunter2-s3cret",
            "MODE=fast",
        ])
        .output()
        .expect("cli runs");
    let said = String::from_utf8_lossy(&set.stderr);
    assert!(set.status.success(), "{said}");
    let shown = String::from_utf8_lossy(&set.stdout);
    assert!(shown.contains("set SECRET_TOKEN, MODE on story"), "{shown}");
    assert!(
        !shown.contains("hunter2") && !shown.contains("***"),
        "{shown}"
    );
    assert!(!said.contains("hunter2"), "{said}");
    for args in [
        &["config", "show", "story"][..],
        &["config", "show", "story", "--json"],
    ] {
        let piped = cli().args(args).output().expect("cli runs");
        assert_eq!(piped.status.code(), Some(2), "masked {args:?} into a pipe");
        assert!(piped.stdout.is_empty());
        assert!(String::from_utf8_lossy(&piped.stderr).contains("--reveal"));
    }
    let revealed = run_json(cli, &["config", "show", "story", "--reveal"]);
    assert_eq!(revealed["SECRET_TOKEN"], "hunter2-s3cret");
    assert_eq!(revealed["MODE"], "fast");

    let scaled = run_json(cli, &["ps", "scale", "story", "web=2", "worker=1"]);
    assert_eq!(scaled["ok"], true);
    assert!(
        scaled["output"]
            .as_array()
            .expect("output lines")
            .iter()
            .any(|l| l
                .as_str()
                .unwrap_or_default()
                .contains("Scaling story processes")),
        "{scaled}"
    );
    let formation = run_json(cli, &["ps", "scale", "story"]);
    let count = |kind: &str| {
        formation
            .as_array()
            .expect("formation")
            .iter()
            .find(|f| f["process_type"] == kind)
            .map(|f| f["quantity"].clone())
    };
    assert_eq!(count("web"), Some(2.into()), "{formation}");
    assert_eq!(count("worker"), Some(1.into()), "{formation}");

    run_json(cli, &["domains", "add", "story", "story.example.com"]);
    let domains = run_json(cli, &["domains", "report", "story"]);
    assert!(
        domains["app_vhosts"]
            .as_array()
            .expect("vhosts")
            .iter()
            .any(|d| d == "story.example.com"),
        "{domains}"
    );

    // Never deployed: Dokku refuses, exit 1 with its reason.
    let logs = cli().args(["logs", "story"]).output().expect("cli runs");
    assert_eq!(logs.status.code(), Some(1));
    let err = String::from_utf8_lossy(&logs.stderr);
    assert!(err.contains("has not been deployed"), "{err}");
    assert!(err.contains("hint:"), "{err}");

    // A deployed copy has logs.
    let cloned = run_json(cli, &["apps", "clone", "blog", "story-live"]);
    assert!(
        cloned["output"].to_string().contains("Deploying"),
        "{cloned}"
    );
    let lines = run_json(cli, &["logs", "story-live", "-n", "5"]);
    let lines = lines.as_array().expect("log lines");
    assert!(!lines.is_empty());
    for line in lines {
        assert_eq!(line["app"], "story-live", "{line}");
        assert!(
            line["timestamp"].as_str().is_some_and(|t| t.ends_with('Z')),
            "{line}"
        );
        assert!(!line["message"].as_str().unwrap_or_default().is_empty());
    }

    for app in ["story", "story-live"] {
        let destroyed = run_json(cli, &["apps", "destroy", app, "--yes"]);
        assert_eq!(
            destroyed["command"],
            format!("dokku apps:destroy {app} --force")
        );
    }
    let apps = app_names(&run_json(cli, &["apps", "list"]));
    assert!(!apps.iter().any(|a| a.starts_with("story")), "{apps:?}");
    assert!(apps.iter().any(|a| a == "blog"));

    // The history: who, from where, on which host, secrets redacted.
    let rows = history_rows(&mut cli());
    let subs = subcommands(&rows);
    let position = |sub: &str| subs.iter().position(|s| s == sub);
    let order = [
        "apps:create",
        "config:import",
        "ps:scale",
        "domains:add",
        "logs",
        "apps:clone",
        "apps:destroy",
    ];
    let positions: Vec<_> = order.iter().map(|s| position(s)).collect();
    assert!(positions.iter().all(Option::is_some), "{subs:?}");
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "{subs:?}");
    for row in &rows {
        assert_eq!(row["actor"], "tester", "{row}");
        assert_eq!(row["source"], "cli", "{row}");
        assert_eq!(row["host"], host, "{row}");
    }
    // The values went as JSON on stdin; the row keeps the keys.
    let set_row = rows
        .iter()
        .find(|r| r["subcommand"] == "config:import")
        .expect("a config:import row");
    let argv: Vec<&str> = set_row["argv"]
        .as_array()
        .expect("argv")
        .iter()
        .filter_map(|a| a.as_str())
        .collect();
    assert_eq!(
        argv.last().copied(),
        Some(r#"<stdin {"MODE":"***","SECRET_TOKEN":"***"}>"#),
        "{set_row}"
    );
    let failed_logs = rows
        .iter()
        .find(|r| r["subcommand"] == "logs" && r["app"] == "story")
        .expect("the failed logs row");
    assert_eq!(failed_logs["outcome"], "failed");
    let export = cli()
        .args(["history", "export"])
        .output()
        .expect("cli runs");
    assert!(export.status.success());
    let export = String::from_utf8_lossy(&export.stdout);
    assert!(export.lines().count() >= rows.len());
    assert!(!export.contains("hunter2"), "a secret reached the history");
}

/// The workspace's `dokku-sim` binary (a stand-in `dokku` program for
/// `--local`), freshly built.
pub fn dokku_sim_bin() -> PathBuf {
    build::built().join("dokku-sim")
}

/// Writes `text` as an executable script at `path`.
///
/// The script is written to a sibling file and copied into place by
/// `install`, so no descriptor open for writing on `path` ever exists in
/// this (multi-threaded) test process: a thread forking at that moment
/// would otherwise carry it into its child until `exec`, and running the
/// script then fails with "Text file busy" (ETXTBSY).
pub fn write_script(path: &Path, text: &str) {
    let source = path.with_extension("txt");
    std::fs::write(&source, text).expect("the script's text");
    let status = std::process::Command::new("install")
        .args(["-m", "755"])
        .arg(&source)
        .arg(path)
        .status()
        .expect("install runs");
    assert!(status.success(), "installing {} failed", path.display());
}

/// Start `cmd` with its output piped and read the first line of its
/// stdout (the event a test waits for): the process, the rest of its
/// stdout (keep it: a reader that goes away can end the program) and
/// that line.
pub fn first_line(
    mut cmd: std::process::Command,
) -> (
    std::process::Child,
    std::io::BufReader<std::process::ChildStdout>,
    String,
) {
    use std::io::BufRead;
    let mut child = cmd
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("the cli starts");
    let mut stdout = std::io::BufReader::new(child.stdout.take().expect("piped stdout"));
    let mut first = String::new();
    stdout.read_line(&mut first).expect("stdout reads");
    (child, stdout, first)
}

/// Ctrl-C for a running `cli`: SIGINT (by `kill -INT`, the crate forbids
/// unsafe code), then its output once it has exited.
/// Start `cmd`, wait for the first line on its stdout, interrupt it
/// (SIGINT); that line, how it ended, and whatever it printed after.
/// The deadline only turns a broken run into a failure instead of a hang.
pub fn interrupt_after_first_line(
    mut cmd: std::process::Command,
) -> (String, std::process::Output, Vec<String>) {
    use std::io::BufRead;
    let mut child = cmd
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("the cli starts");
    let stdout = child.stdout.take().expect("piped stdout");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stdout).lines() {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let first = rx.recv_timeout(std::time::Duration::from_secs(120));
    let Ok(Ok(first)) = first else {
        let _ = child.kill();
        panic!("it printed nothing: {:?}", child.wait_with_output());
    };
    let out = interrupt(child);
    let rest = rx.try_iter().map(Result::unwrap_or_default).collect();
    (first, out, rest)
}

pub fn interrupt(child: std::process::Child) -> std::process::Output {
    let sent = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(sent.success(), "SIGINT could not be sent");
    child.wait_with_output().expect("the cli is waited for")
}
