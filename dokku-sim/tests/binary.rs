//! The `dokku-sim` binary as a process: the same output as the library for
//! the same state and argv, no lost update under concurrent invocations on
//! one state directory, and `SSH_ORIGINAL_COMMAND` re-split as Dokku does.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;
use std::process::{Command, Output, Stdio};

use dokku_core::quote::{render, RemoteMode};
use dokku_sim::{dispatch, scenario};

const BIN: &str = env!("CARGO_BIN_EXE_dokku-sim");

/// The binary on `state` with `args`, outside ssh and any scenario.
fn sim_command(state: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(BIN);
    command
        .arg("--state-dir")
        .arg(state)
        .args(args)
        .env_remove("SSH_ORIGINAL_COMMAND")
        .env_remove("DOKKU_SIM_SCENARIO")
        .stdin(Stdio::null());
    command
}

fn sim(state: &Path, args: &[&str]) -> Output {
    sim_command(state, args).output().unwrap()
}

/// Behind sshcommand's forced command: the binary gets the login shell's
/// unquoted split of the line as its arguments (no file here matches a
/// pattern, so globbing changes nothing) and the raw line in the
/// environment.
fn over_ssh(state: &Path, line: &str) -> Output {
    Command::new(BIN)
        .arg("--state-dir")
        .arg(state)
        .args(line.split([' ', '\t', '\n']).filter(|w| !w.is_empty()))
        .env("SSH_ORIGINAL_COMMAND", line)
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

#[test]
fn the_binary_prints_what_the_library_prints() {
    let dir = tempfile::tempdir().unwrap();
    for argv in [
        vec!["version"],
        vec!["apps:list"],
        vec!["apps:report", "api"],
        vec!["ps:report", "--format", "json"],
        vec!["ps:report", "shop", "--format", "json"],
        vec!["config:export", "api", "--format", "json"],
        vec!["domains:report", "shop"],
        vec!["apps:report", "ghost"],
        vec!["nope:nothing", "x"],
    ] {
        let process = sim(dir.path(), &argv);
        let mut host = scenario::demo();
        let owned: Vec<String> = argv.iter().map(|s| (*s).to_owned()).collect();
        let expected = dispatch(&mut host, &owned, b"").output().clone();
        assert_eq!(
            String::from_utf8_lossy(&process.stdout),
            String::from_utf8_lossy(&expected.stdout),
            "stdout of {argv:?}"
        );
        assert_eq!(
            String::from_utf8_lossy(&process.stderr),
            String::from_utf8_lossy(&expected.stderr),
            "stderr of {argv:?}"
        );
        assert_eq!(
            process.status.code(),
            Some(expected.code),
            "exit of {argv:?}"
        );
    }
}

#[test]
fn state_persists_between_invocations() {
    let dir = tempfile::tempdir().unwrap();
    assert!(sim(dir.path(), &["apps:create", "fresh-app"])
        .status
        .success());
    let list = sim(dir.path(), &["apps:list"]);
    assert!(String::from_utf8_lossy(&list.stdout)
        .lines()
        .any(|l| l == "fresh-app"));
    let again = sim(dir.path(), &["apps:create", "fresh-app"]);
    assert_eq!(again.status.code(), Some(1));
}

#[test]
fn concurrent_invocations_lose_no_update() {
    let dir = tempfile::tempdir().unwrap();
    // Initialise first so every writer starts from the same state.
    assert!(sim(dir.path(), &["version"]).status.success());
    let children: Vec<_> = (0..24)
        .map(|i| {
            Command::new(BIN)
                .arg("--state-dir")
                .arg(dir.path())
                .args(["apps:create", &format!("parallel-{i:02}")])
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .unwrap()
        })
        .collect();
    for mut child in children {
        assert!(child.wait().unwrap().success());
    }
    let list = sim(dir.path(), &["apps:list"]);
    let listed = String::from_utf8_lossy(&list.stdout);
    for i in 0..24 {
        let name = format!("parallel-{i:02}");
        assert!(
            listed.lines().any(|l| l == name),
            "{name} was lost:\n{listed}"
        );
    }
}

#[test]
fn a_missing_state_dir_is_a_clear_error() {
    let out = Command::new(BIN)
        .arg("version")
        .env_remove("DOKKU_SIM_STATE")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no state directory"));
}

#[test]
fn a_corrupt_state_file_is_reported_not_replaced() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("state.json"), b"{ not json").unwrap();
    let out = sim(dir.path(), &["apps:list"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("is not a dokku-sim state"));
    assert_eq!(
        std::fs::read(dir.path().join("state.json")).unwrap(),
        b"{ not json"
    );
}

/// Values that break naive quoting, sent the way dokku-core renders them
/// for the `dokku` user, arrive intact through the binary's re-split.
#[test]
fn hostile_values_survive_the_ssh_resplit() {
    let dir = tempfile::tempdir().unwrap();
    let hostile = [
        "hello world",
        "it's",
        "a\"b",
        "$HOME",
        "`id`",
        "$(touch /tmp/dokku-sim-pwned)",
        "*",
        "tab\there",
        "Grüße 世界",
        "back\\slash",
        "; rm -rf /",
    ];
    for (i, value) in hostile.iter().enumerate() {
        let assignment = format!("K{i}={value}");
        let line = render(
            &["config:set", "--no-restart", "api", &assignment],
            RemoteMode::DokkuUser,
        )
        .unwrap();
        let out = over_ssh(dir.path(), &line);
        assert!(
            out.status.success(),
            "{line}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let key = format!("K{i}");
        let line = render(&["config:get", "api", &key], RemoteMode::DokkuUser).unwrap();
        let got = over_ssh(dir.path(), &line);
        assert_eq!(
            String::from_utf8_lossy(&got.stdout),
            format!("{value}\n"),
            "{line}"
        );
    }
    assert!(!Path::new("/tmp/dokku-sim-pwned").exists());
}

/// What a naive client sends is mangled exactly as on a real host: this is
/// why dokku-core refuses such arguments instead of sending them.
#[test]
fn naive_lines_are_mangled_as_dokku_would() {
    let dir = tempfile::tempdir().unwrap();
    // An unquoted value with a space becomes two pairs; Dokku rejects the second.
    let out = over_ssh(
        dir.path(),
        "config:set --no-restart api GREETING=hello world",
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("Invalid env pair: world"));
    // `-n` vanishes in xargs' echo: the app argument shifts.
    let out = over_ssh(dir.path(), "apps:report -n api");
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("=====> api app information"));
}

/// Global flags in the login shell's split reach the command Dokku runs,
/// and a first word containing `git` takes the whitespace path: the probe
/// shows the invocation the entry script would dispatch.
#[test]
fn the_first_split_sets_global_flags_and_picks_the_split() {
    let dir = tempfile::tempdir().unwrap();
    let probe = |line: &str| {
        let mut command = Command::new(BIN);
        command
            .args(line.split(' '))
            .env("SSH_ORIGINAL_COMMAND", line)
            .env("DOKKU_SIM_PROBE", "1")
            .env("DOKKU_SIM_STATE", dir.path());
        let out = command.output().unwrap();
        assert!(out.status.success());
        serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap()
    };
    let naive = probe("'config:get' 'api' 'K --app blog --trace x'");
    assert_eq!(
        naive["args"],
        serde_json::json!(["config:get", "api", "K --app blog --trace x"])
    );
    assert_eq!(naive["globals"]["app"], "blog");
    assert_eq!(naive["globals"]["trace"], true);
    let rendered = render(
        &["config:get", "api", "K --app blog --trace x"],
        RemoteMode::DokkuUser,
    )
    .unwrap();
    let exact = probe(&rendered);
    assert_eq!(
        exact["args"],
        serde_json::json!(["config:get", "api", "K --app blog --trace x"])
    );
    assert_eq!(exact["globals"]["app"], "");
    assert_eq!(exact["globals"]["trace"], false);
    assert_eq!(
        probe("'legit' 'a b'")["args"],
        serde_json::json!(["'legit'", "'a", "b'"])
    );
}

#[test]
fn certs_add_reads_the_tar_from_stdin() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let key = dokku_core::SecretString::new(
        "-----BEGIN PRIVATE KEY-----\nBINARYtestKEY\n-----END PRIVATE KEY-----\n",
    );
    let crt = "-----BEGIN CERTIFICATE-----\nBINARYtestCRT\n-----END CERTIFICATE-----\n";
    let tar = dokku_core::api::certs::certs_tar(crt, &key).unwrap();
    let mut child = sim_command(dir.path(), &["certs:add", "sandbox"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(tar.expose()).unwrap();
    let added = child.wait_with_output().unwrap();
    assert!(added.status.success(), "{added:?}");
    // tar's listing, then the proxy config rebuilt with the certificate.
    assert_eq!(
        String::from_utf8_lossy(&added.stdout),
        "server.crt\nserver.key\n-----> Configuring sandbox.dokku.me...(using built-in template)\n-----> Creating https nginx.conf\n       Reloading nginx\n"
    );
    let shown = sim(dir.path(), &["certs:show", "sandbox", "key"]);
    assert_eq!(String::from_utf8_lossy(&shown.stdout), key.expose());
}

/// With Dokku's cost model on, the binary prints the same bytes (block by
/// block as they are "computed"); an unknown model is refused.
#[test]
fn the_cost_model_changes_the_pace_not_the_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let plain = sim(dir.path(), &["ps:report"]);
    let costed = Command::new(BIN)
        .arg("--state-dir")
        .arg(dir.path())
        .arg("ps:report")
        .env_remove("SSH_ORIGINAL_COMMAND")
        .env("DOKKU_SIM_COST", "measured")
        .env("DOKKU_SIM_COST_SPEEDUP", "1000")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(costed.status.success());
    assert_eq!(costed.stdout, plain.stdout);
    let refused = Command::new(BIN)
        .arg("--state-dir")
        .arg(dir.path())
        .arg("version")
        .env("DOKKU_SIM_COST", "cheap")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("unknown DOKKU_SIM_COST"));
}

#[test]
fn builds_cancel_ends_a_paced_deploy_and_marks_its_build_canceled() {
    use std::io::BufRead;
    use std::os::unix::process::ExitStatusExt;
    let dir = tempfile::tempdir().unwrap();
    // Ten minutes after each line: still printing when it is cancelled.
    let mut deploy = sim_command(dir.path(), &["git:from-image", "api", "nginx:1.27"])
        .env("DOKKU_SIM_DEPLOY_LINE_MS", "600000")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Kept open: a reader that goes away ends the deploy by itself.
    let mut stdout = std::io::BufReader::new(deploy.stdout.take().unwrap());
    let mut first = String::new();
    stdout.read_line(&mut first).unwrap();
    assert_eq!(first, "-----> Generating build context\n");
    let running = sim(dir.path(), &["builds:list", "api", "--format", "json"]);
    let running = String::from_utf8_lossy(&running.stdout);
    assert!(running.contains(r#""status":"running""#), "{running}");

    let cancel = sim(dir.path(), &["builds:cancel", "api"]);
    assert!(cancel.status.success());
    assert_eq!(
        String::from_utf8_lossy(&cancel.stdout),
        "-----> Killing app deploy\n"
    );
    let ended = deploy.wait().unwrap();
    assert_eq!(ended.signal(), Some(15), "{ended:?}");
    let listed = sim(dir.path(), &["builds:list", "api", "--format", "json"]);
    let listed = String::from_utf8_lossy(&listed.stdout);
    assert!(listed.contains(r#""status":"canceled""#), "{listed}");
    assert!(listed.contains(r#""exit_code":-1"#), "{listed}");
    // Nothing runs any more.
    let again = sim(dir.path(), &["builds:cancel", "api"]);
    assert_eq!(
        String::from_utf8_lossy(&again.stdout),
        "-----> App not currently deploying\n"
    );
}

#[test]
fn a_paced_deploy_that_prints_to_the_end_keeps_its_outcome() {
    let dir = tempfile::tempdir().unwrap();
    let out = sim_command(dir.path(), &["git:from-image", "api", "nginx:1.27"])
        .env("DOKKU_SIM_DEPLOY_LINE_MS", "1")
        .output()
        .unwrap();
    assert!(out.status.success());
    let listed = sim(dir.path(), &["builds:list", "api", "--format", "json"]);
    let listed = String::from_utf8_lossy(&listed.stdout);
    assert!(listed.contains(r#""status":"succeeded""#), "{listed}");
    assert!(!listed.contains(r#""status":"running""#), "{listed}");
}

#[test]
fn a_running_build_is_followed_until_its_reader_goes_away() {
    use std::io::BufRead;
    let dir = tempfile::tempdir().unwrap();
    let paced = |args: &[&str], env: (&str, &str)| {
        sim_command(dir.path(), args)
            .env(env.0, env.1)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap()
    };
    // Ten minutes after each line: still printing throughout.
    let mut deploy = paced(
        &["git:from-image", "api", "nginx:1.27"],
        ("DOKKU_SIM_DEPLOY_LINE_MS", "600000"),
    );
    let mut printing = std::io::BufReader::new(deploy.stdout.take().unwrap());
    let mut first = String::new();
    printing.read_line(&mut first).unwrap();
    // Its process lives: Dokku shows it running, not abandoned.
    let listed = sim(dir.path(), &["builds:list", "api", "--format", "json"]);
    let listed = String::from_utf8_lossy(&listed.stdout);
    assert!(listed.contains(r#""display_status":"running""#), "{listed}");

    // The current build's output: what it has printed, then following.
    let mut follower = paced(&["builds:output", "api"], ("DOKKU_SIM_FOLLOW_MS", "10"));
    let mut followed = std::io::BufReader::new(follower.stdout.take().unwrap());
    let mut line = String::new();
    followed.read_line(&mut line).unwrap();
    assert_eq!(line, first);
    // Its reader goes away: the follow ends (a tail with nothing new to
    // write would not notice otherwise). The deadline only turns a hang
    // into a failure.
    drop(followed);
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || tx.send(follower.wait()));
    let ended = rx.recv_timeout(std::time::Duration::from_secs(60));
    assert!(
        matches!(ended, Ok(Ok(_))),
        "the follow did not end: {ended:?}"
    );
    deploy.kill().unwrap();
    deploy.wait().unwrap();
}
