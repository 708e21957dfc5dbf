//! Arguments sent over SSH arrive exactly, or are refused before anything
//! is sent — proved through a real OpenSSH sshd whose forced command is
//! written like sshcommand's (the login shell splits
//! `$SSH_ORIGINAL_COMMAND` unquoted and globs it), in front of the
//! `dokku-sim` binary, which models Dokku's entry script: `parse_args` on
//! the first split, the unanchored git test, the second split (DESIGN §8).
//!
//! With `DOKKU_SIM_PROBE=1` the simulator prints the invocation it would
//! dispatch (arguments and global flags) instead of running it; every
//! argv sent must give the invocation the same argv gives locally, as
//! `dokku ARGV…`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{Options, Sshd};
use dokku_core::quote::MAX_LINE_BYTES;
use dokku_core::{Command, ExecError, Executor};
use dokku_sim::entry::{Globals, Invocation};
use proptest::prelude::*;
use serde_json::Value;

fn probe() -> Option<Sshd> {
    Sshd::start_with(Options {
        probe: true,
        ..Options::default()
    })
}

/// What `dokku ARGV…` would dispatch when run locally.
fn local(argv: &[String]) -> Value {
    serde_json::to_value(Invocation::new(argv, Globals::default())).unwrap()
}

fn probed(stdout: &[u8]) -> Value {
    serde_json::from_slice(stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(stdout)))
}

fn command(argv: &[String]) -> Command {
    Command::read(argv[0].clone()).args(&argv[1..])
}

fn owned(argv: &[&str]) -> Vec<String> {
    argv.iter().map(|s| (*s).to_owned()).collect()
}

/// The harness is not vacuous: the ordinary quoting (`'arg' 'arg'`) sent by
/// a plain `ssh` is mangled behind it the way the issue saw on a real Dokku.
#[test]
fn ordinary_quoting_is_mangled_behind_the_forced_command_as_on_dokku() {
    let Some(sshd) = probe() else { return };
    let run = |line: &str| {
        let out = sshd.raw_ssh(line);
        assert!(out.status.success(), "{line}: {out:?}");
        probed(&out.stdout)
    };
    let hijacked = run("'config:set' 'app' 'K=v --app victim x'");
    assert_eq!(hijacked["globals"]["app"], "victim");
    assert_eq!(
        run("'run' 'app' 'rake --trace db:migrate'")["globals"]["trace"],
        true
    );
    assert_eq!(run("'run' 'app' 'x --force y'")["globals"]["force"], true);
    assert_eq!(run("'git'")["args"], serde_json::json!(["'git'"]));
    assert_eq!(
        run("'legit' 'a b'")["args"],
        serde_json::json!(["'legit'", "'a", "b'"])
    );
    // The login shell expands the bare glob word before Dokku starts.
    let out = sshd.raw_ssh("'x' 'a /*/*/*/*/* b'");
    assert!(
        !out.status.success()
            || probed(&out.stdout)["args"] != serde_json::json!(["x", "a /*/*/*/*/* b"]),
        "{out:?}"
    );
}

fn word() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(vec![
            "", "-", "--", "-x", "'", "\"", "''", "\\", "'\\''", "*", "?", "[a]", "/*/*/*",
            "$HOME", "`id`", "\r", " ", "\t", "  ", "\u{a0}", "\x0b", "é", "🦀",
            "--app", "--trace", "--force", "--quiet", "--label=x", "--anything",
            "x --app victim y", " --trace ", "\t--force\t", "a --quiet", "--label=a b",
            "a /*/*/*/*/* b", "? [ *", "legit", "digital:x", "gitgit", "git:report",
            "-n", "--help", "a\nb", "\0",
        ])
        .prop_map(str::to_owned),
        3 => ("[ \t]{0,2}", prop::sample::select(vec![
            "--app", "--trace", "--force", "--quiet", "--label=l", "--x", "git", "*", "?", "[", "/*",
        ]), "[ \t]{0,2}[a-z]{0,3}")
            .prop_map(|(a, b, c)| format!("{a}{b}{c}")),
        4 => "[a-z0-9 \t'\"$`\\\\*?\\[\\]=:.+@!(){}~#;|&<>é-]{0,12}",
        1 => any::<String>(),
    ]
}

fn argv() -> impl Strategy<Value = Vec<String>> {
    let first = prop_oneof![
        2 => word(),
        1 => ("[a-z]{0,3}", "(git|git-|git:)", "[a-z:-]{0,8}").prop_map(|(a, b, c)| a + &b + &c),
        1 => Just("config:set".to_owned()),
    ];
    (first, prop::collection::vec(word(), 0..6))
        .prop_map(|(first, rest)| std::iter::once(first).chain(rest).collect())
}

/// About a thousand generated argvs through the real path: each arrives as
/// `dokku ARGV…` would run locally (with no global flag unless an argument
/// is itself one), or is refused with nothing sent.
#[test]
fn every_argv_arrives_as_run_locally_or_is_refused_before_sending() {
    use proptest::test_runner::{Config, TestRunner};
    let Some(sshd) = probe() else { return };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let exec = runtime.block_on(sshd.connect());
    let mut runner = TestRunner::new(Config::with_cases(1000));
    runner
        .run(&argv(), |argv| {
            runtime.block_on(async {
                let before = sshd.sessions_started();
                match exec.run(&command(&argv)).await {
                    Err(refused @ ExecError::ArgvRefused(_)) => {
                        prop_assert!(refused.nothing_ran());
                        prop_assert_eq!(
                            sshd.sessions_started(),
                            before,
                            "a refused command was sent"
                        );
                    }
                    Err(other) => panic!("{other}"),
                    Ok(out) => {
                        prop_assert!(out.status.success(), "{}", out.stderr_lossy());
                        let arrived = probed(&out.stdout);
                        prop_assert_eq!(&arrived, &local(&argv), "{:?}", argv);
                        if !argv.iter().any(|a| a.starts_with("--")) {
                            prop_assert_eq!(&arrived["args"], &serde_json::json!(argv));
                            let clear = serde_json::to_value(Globals::default()).unwrap();
                            prop_assert_eq!(&arrived["globals"], &clear);
                        }
                    }
                }
                Ok(())
            })
        })
        .unwrap();
    runtime.block_on(exec.close()).unwrap();
}

/// `'config:set' 'app' '…'`: the bytes around the value.
const FRAME: usize = "'config:set' 'app' ''".len();

#[tokio::test]
async fn a_line_at_the_limit_arrives_and_one_byte_more_is_refused_unsent() {
    let Some(sshd) = probe() else { return };
    let exec = sshd.connect().await;
    let at_limit = owned(&[
        "config:set",
        "app",
        &"a b".repeat((MAX_LINE_BYTES - FRAME) / 6),
    ]);
    let out = exec.run(&command(&at_limit)).await.unwrap();
    assert_eq!(probed(&out.stdout), local(&at_limit));

    let exact = owned(&["config:set", "app", &"a".repeat(MAX_LINE_BYTES - FRAME)]);
    let out = exec.run(&command(&exact)).await.unwrap();
    assert_eq!(probed(&out.stdout), local(&exact));

    let before = sshd.sessions_started();
    assert!(before >= 2, "sshd logs each session: {}", sshd.log_text());
    let over = owned(&["config:set", "app", &"a".repeat(MAX_LINE_BYTES - FRAME + 1)]);
    let err = exec.run(&command(&over)).await.unwrap_err();
    assert!(matches!(err, ExecError::ArgvRefused(_)), "{err}");
    assert!(err.nothing_ran());
    let many = std::iter::once("config:set".to_owned())
        .chain(std::iter::repeat_n("a".repeat(10_000), 14))
        .collect::<Vec<_>>();
    let err = exec.run(&command(&many)).await.unwrap_err();
    assert!(matches!(err, ExecError::ArgvRefused(_)), "{err}");
    assert_eq!(sshd.sessions_started(), before);
    exec.close().await.unwrap();
}

/// The limit is the kernel's, not a guess: a plain `ssh` with a line one
/// byte over it never reaches Dokku, one at it does.
#[test]
fn the_kernel_refuses_a_line_one_byte_over_the_limit() {
    let Some(sshd) = probe() else { return };
    let line = |len: usize| format!("'config:set' 'app' '{}'", "a".repeat(len - FRAME));
    let out = sshd.raw_ssh(&line(MAX_LINE_BYTES));
    assert!(out.status.success(), "{out:?}");
    let out = sshd.raw_ssh(&line(MAX_LINE_BYTES + 1));
    assert!(!out.status.success());
    assert!(out.stdout.is_empty());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("Argument list too long"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Not only the probe: through the simulator's real dispatch, a value that
/// names another app changes only its own app, and a value that mentions
/// `--trace` traces nothing.
#[tokio::test]
async fn flag_words_inside_values_act_on_nothing() {
    let Some(sshd) = Sshd::start() else { return };
    let exec = sshd.connect().await;
    let set = Command::write("config:set")
        .args(["--no-restart", "blog"])
        .arg("HIJACK=v --app api --trace x");
    let out = exec.run(&set).await.unwrap();
    assert!(out.status.success(), "{}", out.stderr_lossy());
    assert!(
        !out.stderr_lossy().contains("+ "),
        "traced: {}",
        out.stderr_lossy()
    );
    let get = |app: &str| Command::read("config:get").args([app, "HIJACK"]);
    let blog = exec.run(&get("blog")).await.unwrap();
    assert_eq!(blog.stdout_lossy(), "v --app api --trace x\n");
    let api = exec.run(&get("api")).await.unwrap();
    assert!(
        !api.status.success(),
        "api was changed: {}",
        api.stdout_lossy()
    );
    exec.close().await.unwrap();
}
