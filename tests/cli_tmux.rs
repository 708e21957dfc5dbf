//! The CLI example at a real terminal: tmux runs it in a pseudo-terminal,
//! the test types into it (send-keys) and reads the screen (capture-pane).
//! Covers what only a terminal shows: the typed confirmation before a
//! destroy, the spinner under followed logs until Ctrl-C, a dump refused
//! on a terminal, a secret typed at a prompt without echo, hidden values
//! shown masked (only to a person: a pipe never gets `***`), a dry run
//! that asks nothing, tables cut to the terminal's width, and colour (off
//! with `--no-color`).
//!
//! Without tmux the tests fail when `CI=true` (CI installs it) and skip
//! loudly otherwise.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod cli_support;

use std::path::Path;
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use cli_support::Demo;

const TMUX: &str = "tmux";

fn tmux_available() -> bool {
    let found = Command::new(TMUX)
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        if std::env::var("CI").as_deref() == Ok("true") {
            panic!("tmux is missing: CI must install it (see .ci/run)");
        }
        eprintln!(
            "\n!!! SKIPPING: tmux is not installed; install tmux to run the terminal tests !!!\n"
        );
    }
    found
}

/// One tmux server on a private socket, with one session running `script`
/// in `sh`; killed (by its socket) when dropped.
struct Tmux {
    socket: String,
}

impl Tmux {
    fn start(script: &str, env: &[(&str, &str)]) -> Tmux {
        Tmux::start_sized(script, env, 160)
    }

    /// A session `columns` wide.
    fn start_sized(script: &str, env: &[(&str, &str)], columns: u16) -> Tmux {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let socket = format!(
            "dokku-cli-test-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        );
        let mut cmd = Command::new(TMUX);
        cmd.args(["-L", &socket, "-f", "/dev/null"])
            .args(["new-session", "-d", "-s", "main", "-x"])
            .arg(columns.to_string())
            .args(["-y", "40"])
            .arg(script)
            .env_remove("NO_COLOR")
            .env_remove("TMUX")
            .env("USER", "tester")
            .env("TERM", "xterm-256color");
        for (k, v) in env {
            cmd.env(k, v);
        }
        let out = cmd.output().expect("tmux runs");
        assert!(
            out.status.success(),
            "tmux: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        Tmux { socket }
    }

    fn tmux(&self, args: &[&str]) -> Output {
        Command::new(TMUX)
            .args(["-L", &self.socket])
            .args(args)
            .output()
            .expect("tmux runs")
    }

    fn send(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", "main"];
        args.extend_from_slice(keys);
        let out = self.tmux(&args);
        assert!(
            out.status.success(),
            "send-keys: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    fn screen(&self) -> String {
        self.capture(&[])
    }

    /// The screen with extra capture-pane flags (`-J`: wrapped lines
    /// joined; `-e`: escape sequences kept).
    fn capture(&self, flags: &[&str]) -> String {
        let mut args = vec!["capture-pane", "-p", "-t", "main"];
        args.extend_from_slice(flags);
        String::from_utf8_lossy(&self.tmux(&args).stdout).into_owned()
    }

    /// Poll the screen until `done` holds; fail with the screen after 60 s
    /// (a hang guard, not a timing assertion).
    fn wait_for(&self, what: &str, done: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let screen = self.screen();
            if done(&screen) {
                return screen;
            }
            if Instant::now() > deadline {
                panic!("timed out waiting for {what}; the screen:\n{screen}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.tmux(&["kill-server"]);
    }
}

fn quote(path: &Path) -> String {
    format!("'{}'", path.display().to_string().replace('\'', "'\\''"))
}

/// `cli --demo … <args>; echo EXIT=$?` and keep the pane open to read it.
fn script(demo: &Demo, args: &str) -> String {
    format!(
        "{} --demo --demo-state {} --history-db {} {args}; echo EXIT=$?; sleep 60",
        quote(&cli_support::cli_bin()),
        quote(&demo.state()),
        quote(&demo.history()),
    )
}

#[test]
fn destroy_asks_for_the_app_name_and_refuses_a_wrong_one() {
    if !tmux_available() {
        return;
    }
    let demo = Demo::new();
    demo.cli()
        .args(["apps", "create", "story"])
        .assert()
        .success();

    // A wrong name aborts and sends nothing: refused, exit 2, not a
    // failed command.
    let term = Tmux::start(&script(&demo, "apps destroy story"), &[]);
    term.wait_for("the prompt", |s| {
        s.contains("Type the app name (story) to confirm:")
    });
    term.send(&["storry", "Enter"]);
    let screen = term.wait_for("the exit", |s| s.contains("EXIT="));
    assert!(screen.contains("aborted"), "{screen}");
    assert!(screen.contains("EXIT=2"), "{screen}");
    drop(term);
    assert!(demo.apps().contains(&"story".to_owned()));

    // The right name destroys.
    let term = Tmux::start(&script(&demo, "apps destroy story"), &[]);
    term.wait_for("the prompt", |s| s.contains("to confirm:"));
    term.send(&["story", "Enter"]);
    let screen = term.wait_for("the exit", |s| s.contains("EXIT="));
    assert!(screen.contains("Destroying story"), "{screen}");
    assert!(screen.contains("destroyed story"), "{screen}");
    assert!(screen.contains("EXIT=0"), "{screen}");
    drop(term);
    assert!(!demo.apps().contains(&"story".to_owned()));
}

fn log_lines(screen: &str) -> usize {
    screen
        .lines()
        .filter(|l| l.contains("Z web.") || l.contains("Z worker.") || l.contains("Z clock."))
        .count()
}

#[test]
fn follow_shows_a_spinner_and_new_lines_until_ctrl_c() {
    if !tmux_available() {
        return;
    }
    let demo = Demo::new();
    // Two lines per container to start with (8 for api), then a new line
    // every 100 ms.
    let term = Tmux::start(
        &script(&demo, "logs api -n 2 -t"),
        &[("DOKKU_SIM_FOLLOW_MS", "100")],
    );
    // The initial lines (two per container: eight for api) under the spinner.
    let screen = term.wait_for("the spinner and the first lines", |s| {
        s.contains("following the logs of api (Ctrl-C to stop)") && log_lines(s) >= 8
    });
    let newest = |s: &str| {
        s.lines()
            .rfind(|l| l.contains("Z web.") || l.contains("Z worker.") || l.contains("Z clock."))
            .unwrap_or_default()
            .to_owned()
    };
    let before = newest(&screen);
    // New lines keep arriving, printed above the spinner.
    let screen = term.wait_for("followed lines", |s| {
        newest(s) != before && log_lines(s) > 8
    });
    let last = screen
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or_default();
    assert!(last.contains("following the logs of api"), "{screen}");

    term.send(&["C-c"]);
    let screen = term.wait_for("the exit", |s| s.contains("EXIT="));
    assert!(screen.contains("EXIT=130"), "{screen}");
    assert!(
        !screen.contains("error:"),
        "Ctrl-C is not an error: {screen}"
    );
    assert!(
        !screen.contains("following the logs"),
        "the spinner is cleared: {screen}"
    );
    drop(term);
    let cancelled = demo.json(&["history", "list", "--outcome", "cancelled"]);
    let rows = cancelled.as_array().unwrap();
    assert_eq!(rows.len(), 1, "{cancelled}");
    assert_eq!(rows[0]["subcommand"], "logs");
    assert!(rows[0]["argv"].to_string().contains("--tail"));
}

#[test]
fn dumps_never_go_to_a_terminal_and_typed_secrets_are_not_echoed() {
    if !tmux_available() {
        return;
    }
    let demo = Demo::new();
    // A binary dump is refused on a terminal, before anything is sent;
    // so is an import that would read the dump from the keyboard.
    for (args, said) in [
        (
            "services postgres export api-db",
            "refusing to write a binary dump to the terminal",
        ),
        (
            "services postgres import api-db --yes",
            "standard input is a terminal",
        ),
    ] {
        let term = Tmux::start(&script(&demo, args), &[]);
        let screen = term.wait_for("the exit", |s| s.contains("EXIT="));
        assert!(screen.contains(said), "{screen}");
        assert!(screen.contains("EXIT=2"), "{screen}");
    }
    assert!(demo.history_rows().is_empty());

    // The secret key is asked for with echo off.
    let secret = "TypedS3cretKey";
    let term = Tmux::start(
        &script(&demo, "services postgres backup-auth api-db AKIAEXAMPLE"),
        &[],
    );
    term.wait_for("the prompt", |s| s.contains("AWS secret access key:"));
    term.send(&[secret, "Enter"]);
    let screen = term.wait_for("the exit", |s| s.contains("EXIT="));
    assert!(screen.contains("EXIT=0"), "{screen}");
    assert!(
        screen.contains("stored the backup credentials of api-db"),
        "{screen}"
    );
    assert!(!screen.contains(secret), "echoed: {screen}");
    drop(term);
    demo.cli()
        .args(["services", "postgres", "backup", "api-db", "my-bucket"])
        .assert()
        .success();
    let export = demo.cli().args(["history", "export"]).output().unwrap();
    assert!(!String::from_utf8_lossy(&export.stdout).contains(secret));
}

#[test]
fn a_person_at_a_terminal_sees_hidden_values_masked() {
    if !tmux_available() {
        return;
    }
    let demo = Demo::new();
    // Each is refused or left out in a pipe (cli, cli_services).
    for (args, shown) in [
        ("config show shop", "STRIPE_SECRET_KEY"),
        ("services postgres info api-db", "dsn"),
        ("raw -- postgres:info api-db", "postgres://postgres:***@"),
    ] {
        let term = Tmux::start(&script(&demo, args), &[]);
        let screen = term.wait_for("the exit", |s| s.contains("EXIT="));
        assert!(screen.contains("EXIT=0"), "{args}: {screen}");
        assert!(
            screen.contains(shown) && screen.contains("***"),
            "{args}: {screen}"
        );
        assert!(!screen.contains("sk_live_"), "{args}: {screen}");
    }
}

#[test]
fn a_dry_run_at_a_terminal_asks_nothing() {
    if !tmux_available() {
        return;
    }
    let demo = Demo::new();
    for args in [
        "services postgres backup-auth api-db AKIAEXAMPLE",
        "services postgres backup-set-encryption api-db",
        "services postgres import api-db",
        "services postgres destroy api-db",
        "set letsencrypt --global dns-provider-CF_DNS_API_TOKEN -",
        "apps destroy api",
        "letsencrypt revoke api",
        "ps stop --all",
    ] {
        let term = Tmux::start(&script(&demo, &format!("--dry-run {args}")), &[]);
        // A prompt would wait for an answer that never comes: the exit
        // line would not appear.
        let screen = term.wait_for(args, |s| s.contains("EXIT="));
        assert!(screen.contains("EXIT=0"), "{args}: {screen}");
        assert!(
            screen.contains("dry run: nothing was sent"),
            "{args}: {screen}"
        );
        assert!(!screen.contains("to confirm"), "{args}: {screen}");
        assert!(!screen.contains("key:"), "{args}: {screen}");
    }
    assert!(demo.history_rows().is_empty(), "nothing was sent");
}

#[test]
fn tables_are_cut_to_the_terminals_width() {
    if !tmux_available() {
        return;
    }
    let demo = Demo::new();
    // Room for every column's header (`apps list` has six) and a name.
    let columns = 50;
    let term = Tmux::start_sized(&script(&demo, "apps list"), &[], columns);
    term.wait_for("the exit", |s| s.contains("EXIT="));
    // Joined, a wrapped line would be longer than the terminal. The
    // table's lines, that is: a note after it (a failed deploy) is prose,
    // which the terminal wraps.
    let screen = term.capture(&["-J"]);
    assert!(screen.contains("EXIT=0"), "{screen}");
    assert!(screen.contains("staging-api"), "{screen}");
    let table = screen
        .lines()
        .skip_while(|l| !l.starts_with("APP"))
        .take_while(|l| !l.contains(": its last deploy failed"));
    for line in table {
        assert!(
            line.trim_end().chars().count() <= usize::from(columns),
            "wider than {columns}: {line:?}\n{screen}"
        );
    }
    let header = screen.lines().find(|l| l.starts_with("APP")).unwrap();
    assert!(
        header.contains("STATUS") && header.contains("LOCK"),
        "{screen}"
    );
    assert!(screen.contains('…'), "something was cut: {screen}");
}

#[test]
fn colour_on_a_terminal_unless_no_color() {
    if !tmux_available() {
        return;
    }
    let demo = Demo::new();
    let coloured = Tmux::start(&script(&demo, "apps list"), &[]);
    coloured.wait_for("the exit", |s| s.contains("EXIT="));
    assert!(coloured.capture(&["-e"]).contains('\u{1b}'));
    drop(coloured);
    for (args, env) in [
        ("--no-color apps list", &[][..]),
        ("apps list", &[("NO_COLOR", "1")][..]),
    ] {
        let plain = Tmux::start(&script(&demo, args), env);
        plain.wait_for("the exit", |s| s.contains("EXIT="));
        let screen = plain.capture(&["-e"]);
        assert!(screen.contains("staging-api"), "{screen}");
        assert!(!screen.contains('\u{1b}'), "{args}: {screen:?}");
    }
}
