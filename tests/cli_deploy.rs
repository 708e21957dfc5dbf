//! Deploys, releases and rollback end to end against `--demo`: an image
//! deploys with its output live and is a release; a failed build exits 7
//! with its phase; a rollback is a plan, then a confirmed deploy recorded
//! as a rollback; what cannot be rolled back is refused with nothing sent.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod cli_support;

use cli_support::Demo;

#[test]
fn an_image_deploy_shows_its_build_live_and_becomes_a_release() {
    let demo = Demo::new();
    demo.shows(
        &["deploy", "api", "--image", "nginx:1.27"],
        &[
            "-----> Image exists on host, skipping pull",
            "-----> Building api from Dockerfile",
            "=====> Application deployed:",
        ],
    );
    let deployed = demo.json(&["deploy", "blog", "--image", "nginx:1.26"]);
    assert_eq!(deployed["outcome"]["status"], "succeeded", "{deployed}");
    assert_eq!(deployed["source"]["image"], "nginx:1.26");
    assert!(
        deployed["output"].as_array().unwrap().len() > 5,
        "{deployed}"
    );

    let releases = demo.json(&["releases", "api"]);
    let releases = releases.as_array().unwrap();
    assert_eq!(releases.len(), 1, "{releases:?}");
    assert_eq!(releases[0]["source"]["kind"], "image");
    assert_eq!(releases[0]["source"]["image"], "nginx:1.27");
    assert_eq!(releases[0]["outcome"], "ok");
    assert_eq!(releases[0]["actor"], "tester");
    // Joined with Dokku's own build record.
    assert_eq!(releases[0]["build"]["source"], "git:from-image");
    assert_eq!(releases[0]["build"]["display_status"], "succeeded");
}

#[test]
fn a_failed_build_exits_7_naming_its_phase_and_dokkus_words() {
    let demo = Demo::new();
    let stderr = demo.fails(
        &["deploy", "api", "--image", "ghcr.io/acme/missing:1"],
        7,
        "failed in its source phase (exit 1): Failed to pull image: ghcr.io/acme/missing:1",
    );
    assert!(stderr.contains("cli builds list api"), "{stderr}");
    let json = demo
        .cli()
        .args(["--json", "deploy", "api", "--image", "nope:1"])
        .output()
        .unwrap();
    assert_eq!(json.status.code(), Some(7));
    let error: serde_json::Value = serde_json::from_slice(&json.stderr).unwrap();
    assert_eq!(error["error"]["code"], "deploy_failed", "{error}");
}

#[test]
fn rolling_back_shows_the_plan_asks_then_runs_the_earlier_release_as_a_rollback() {
    let demo = Demo::new();
    demo.shows(&["deploy", "api", "--image", "ghcr.io/acme/api:v1"], &[]);
    demo.shows(&["deploy", "api", "--image", "ghcr.io/acme/api:v2"], &[]);

    let plan = demo.dry_run(&["rollback", "api"]);
    assert!(plan.contains("image ghcr.io/acme/api:v2"), "{plan}");
    assert!(
        plan.contains("dokku git:from-image api ghcr.io/acme/api:v1"),
        "{plan}"
    );
    // Without a terminal to ask on and without --yes: refused, nothing sent.
    demo.refused(&["rollback", "api"], "without confirmation");

    demo.shows(&["rollback", "api", "--yes"], &["rolled back api"]);
    let report = demo.json(&["report", "apps", "api"]);
    let shown = report.to_string();
    assert!(shown.contains("ghcr.io/acme/api:v1"), "{shown}");

    let releases = demo.json(&["releases", "api"]);
    let releases = releases.as_array().unwrap();
    assert_eq!(releases.len(), 3, "{releases:?}");
    let v1 = releases[2]["record_id"].clone();
    assert_eq!(releases[0]["rollback_of"], v1, "{releases:?}");
    assert_eq!(releases[0]["source"]["image"], "ghcr.io/acme/api:v1");
    assert!(releases[1]["rollback_of"].is_null());
}

#[test]
fn a_rollback_with_nothing_reproducible_is_refused_before_anything_is_sent() {
    let demo = Demo::new();
    demo.refused(&["rollback", "api"], "has no successful deploy");
    demo.shows(&["deploy", "api", "--image", "nginx:1.27"], &[]);
    demo.refused(&["rollback", "api"], "no earlier successful release");
    demo.refused(&["rollback", "api", "--to", "424242"], "not in its history");
    // Deployed outside the history since: the host runs something else.
    demo.shows(&["deploy", "api", "--image", "nginx:1.26"], &[]);
    demo.shows(
        &[
            "raw",
            "--yes",
            "--",
            "git:from-image",
            "api",
            "ghcr.io/acme/api:v2",
        ],
        &[],
    );
    // The host is asked what it runs (a read), and nothing is deployed.
    demo.fails(
        &["rollback", "api", "--yes"],
        2,
        "deployed outside this history",
    );
    let newest = &demo.history_rows()[0];
    assert_ne!(newest["subcommand"], "git:from-image", "{newest}");
}

#[test]
fn a_locked_app_is_not_deployed_or_rolled_back_unless_the_lock_is_ignored() {
    let demo = Demo::new();
    demo.shows(&["deploy", "api", "--image", "ghcr.io/acme/api:v1"], &[]);
    demo.shows(&["deploy", "api", "--image", "ghcr.io/acme/api:v2"], &[]);
    demo.shows(&["apps", "lock", "api"], &["locked api"]);
    let locked = |demo: &Demo| demo.json(&["report", "apps", "api"])["report"]["locked"].clone();
    let newest = |demo: &Demo| demo.history_rows()[0]["subcommand"].clone();

    // The dry run shows the check; the deploy and the rollback stop at it.
    let plan = demo.dry_run(&["deploy", "api", "--image", "nginx:1.27"]);
    assert!(
        plan.starts_with("dokku apps:locked api\ndokku git:from-image api nginx:1.27\n"),
        "{plan}"
    );
    let stderr = demo.fails(
        &["deploy", "api", "--image", "nginx:1.27"],
        2,
        "api is locked (apps:lock); nothing was sent",
    );
    assert!(stderr.contains("--ignore-lock"), "{stderr}");
    assert_eq!(newest(&demo), "apps:locked");
    demo.fails(
        &["rollback", "api", "--yes"],
        2,
        "api is locked (apps:lock)",
    );
    assert_eq!(newest(&demo), "apps:locked");
    assert_eq!(locked(&demo), "true");
    let report = demo.json(&["report", "apps", "api"]).to_string();
    assert!(report.contains("ghcr.io/acme/api:v2"), "{report}");

    // Ignored: Dokku builds it, and the build removes the lock.
    let plan = demo.dry_run(&["deploy", "api", "--image", "nginx:1.27", "--ignore-lock"]);
    assert!(!plan.contains("apps:locked"), "{plan}");
    demo.shows(
        &["deploy", "api", "--image", "nginx:1.27", "--ignore-lock"],
        &["deployed api"],
    );
    assert_eq!(locked(&demo), "false");
    demo.shows(&["rollback", "api", "--yes"], &["rolled back api"]);
}

#[test]
fn a_deploy_needs_a_source_and_valid_words_before_anything_is_sent() {
    let demo = Demo::new();
    // No source is a push of this repository, which needs an SSH host.
    demo.refused(
        &["deploy", "api"],
        "git push is not possible over this connection",
    );
    demo.refused(&["deploy", "api", "--image", "--force"], "");
    let dry = demo.dry_run(&[
        "deploy",
        "api",
        "--repo",
        "https://deploy:s3cret@git.example.com/api.git",
        "--ref",
        "4f9d2c1",
    ]);
    assert!(
        dry.contains(
            "dokku git:sync --build api 'https://deploy:***@git.example.com/api.git' 4f9d2c1"
        ),
        "{dry}"
    );
    assert!(!dry.contains("s3cret"));
}

#[test]
fn ctrl_c_during_a_paced_deploy_exits_130_and_records_it_as_cancelled() {
    let demo = Demo::new();
    // Paced: the deploy is still printing when the signal lands. The
    // first line of the build on stdout is the event waited for.
    let deploy = demo.paced_deploy("api", "nginx:1.27");
    let (first, out, rest) = cli_support::interrupt_after_first_line(deploy);
    assert_eq!(first, "-----> Generating build context");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(130), "{stderr}");
    // Nothing after the first line was printed: the deploy was cut short.
    assert!(
        rest.iter()
            .all(|line| !line.contains("Application deployed")),
        "{stderr}"
    );

    let rows = demo.history_rows();
    let record = rows
        .iter()
        .find(|r| r["subcommand"] == "git:from-image")
        .expect("the deploy was recorded");
    assert_eq!(record["outcome"], "cancelled", "{record}");
    assert_eq!(record["actor"], "tester");
    let releases = demo.json(&["releases", "api"]);
    assert_eq!(releases[0]["outcome"], "cancelled", "{releases}");
}

/// Two programs on one demo host, as two admins on one Dokku: a deploy
/// one CLI prints is seen running by another (Dokku checks the build's
/// process), ends when the other cancels it, and a deploy whose program
/// died is abandoned.
#[test]
fn another_cli_sees_a_demo_deploy_running_cancels_it_or_finds_it_abandoned() {
    let demo = Demo::new();
    let status = |demo: &Demo| {
        let builds = demo.json(&["builds", "list", "blog"]);
        builds[0]["display_status"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    };
    // Paced: it runs until the test ends it.
    let printing = || {
        let deploy = demo.paced_deploy("blog", "nginx:1.26");
        let (deploy, stdout, first) = cli_support::first_line(deploy);
        assert_eq!(first, "-----> Generating build context\n");
        (deploy, stdout)
    };

    let (mut deploy, _stdout) = printing();
    assert_eq!(status(&demo), "running");
    demo.notes(
        &["apps", "list"],
        "blog: being deployed now (git:from-image); `cli builds output blog` follows it",
    );
    let cancel = demo
        .cli()
        .args(["builds", "cancel", "blog"])
        .assert()
        .success();
    let said = String::from_utf8_lossy(&cancel.get_output().stdout).into_owned();
    assert!(said.contains("-----> Killing app deploy"), "{said}");
    // The printing CLI notices and ends as a cancelled deploy. (The
    // deadline only turns a broken run into a failure instead of a hang.)
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || tx.send(deploy.wait().map(|s| s.code())));
    let ended = rx.recv_timeout(std::time::Duration::from_secs(120));
    assert_eq!(ended.expect("the cancelled deploy ended").unwrap(), Some(7));
    assert_eq!(status(&demo), "canceled");

    // A deploy whose program is killed outright is abandoned.
    let (mut deploy, _stdout) = printing();
    deploy.kill().unwrap();
    deploy.wait().unwrap();
    assert_eq!(status(&demo), "abandoned");
}

/// `cli deploy … | head -1`: the reader of the output goes away while the
/// deploy runs. The deploy is not abandoned half-done: it runs to its end,
/// recorded as it ended, and the exit code is its own.
#[test]
fn a_deploy_runs_to_its_end_when_the_reader_of_its_output_goes_away() {
    let demo = Demo::new();
    // `dokku` here is a wrapper: a deploy prints one line, then waits on a
    // FIFO until the test has closed its reader, then runs the simulator.
    // Every later line is written with no reader, every time, without
    // guessing how long anything takes.
    let gate = demo.fifo("gate");
    let wrapper = demo.dir.path().join("dokku");
    cli_support::write_script(
        &wrapper,
        "#!/bin/sh
if [ \"$1\" = git:from-image ]; then
  echo '-----> waiting for the reader to go'
  read _ < \"$GATE\"
fi
exec \"$REAL_DOKKU\" \"$@\"\n",
    );
    let local = || {
        let mut cmd = demo.local(&wrapper);
        cmd.env("GATE", &gate).env("DOKKU_SIM_DEPLOY_LINE_MS", "0");
        cmd
    };
    let mut deploy = local();
    deploy.args(["deploy", "api", "--image", "nginx:1.27"]);
    let (deploy, reader, first) = cli_support::first_line(deploy);
    assert_eq!(first, "-----> waiting for the reader to go\n");
    drop(reader);
    std::fs::write(&gate, "go\n").unwrap();
    let out = deploy.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");

    let rows = cli_support::history_rows(&mut assert_cmd::Command::from_std(local()));
    let record = rows
        .iter()
        .find(|r| r["subcommand"] == "git:from-image")
        .expect("the deploy was recorded");
    assert_eq!(record["outcome"], "ok", "{record}");
    let report = local()
        .args(["apps", "info", "api", "--json"])
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&report.stdout).unwrap();
    assert_eq!(report["deploy_source"], "docker-image", "{report}");
}

// ---- Over a real sshd, with the `dokku-sim` binary as Dokku ----

#[path = "../dokku-ssh/tests/common/mod.rs"]
mod sshd;

/// The flags that point `cli` at this sshd as the harness's client
/// (strict host key), with a history next to it.
fn ssh_flags(server: &sshd::Sshd) -> Vec<std::ffi::OsString> {
    vec![
        "--host".into(),
        format!("{}@127.0.0.1:{}", server.user, server.port).into(),
        "--ssh-key".into(),
        server.client_key.clone().into(),
        "--known-hosts".into(),
        server.known_hosts.clone().into(),
        "--history-db".into(),
        server.dir.path().join("cli-history.sqlite3").into(),
    ]
}

/// `cli` against this sshd.
fn ssh_cli(server: &sshd::Sshd) -> assert_cmd::Command {
    let mut cmd = cli_support::bare_cli();
    cmd.args(ssh_flags(server));
    cmd
}

/// An sshd whose simulator waits ten minutes after each deploy line: a
/// deploy is still printing whenever the test acts on it, without
/// guessing how long anything takes.
fn paced_sshd() -> Option<sshd::Sshd> {
    sshd::Sshd::start_with(sshd::Options {
        deploy_line_ms: Some(600_000),
        ..sshd::Options::default()
    })
}

/// `cli ARGS` against this sshd, as a process.
fn cli_process(server: &sshd::Sshd, args: &[&str]) -> std::process::Command {
    let mut cli = std::process::Command::new(cli_support::cli_bin());
    cli.args(ssh_flags(server))
        .args(args)
        .env("NO_COLOR", "1")
        .env_remove("DOKKU_HOST");
    cli
}

/// `cli deploy api --image nginx:1.27` against this sshd, as a process.
fn image_deploy(server: &sshd::Sshd) -> std::process::Command {
    cli_process(server, &["deploy", "api", "--image", "nginx:1.27"])
}

/// An image deploy of api on a paced sshd, once its first build line is
/// out (the event waited for): the process and its stdout, kept (a
/// reader that goes away would end the deploy by itself).
fn printing_deploy(
    server: &sshd::Sshd,
) -> (
    std::process::Child,
    std::io::BufReader<std::process::ChildStdout>,
) {
    let (deploy, stdout, first) = cli_support::first_line(image_deploy(server));
    assert_eq!(first, "-----> Generating build context\n");
    (deploy, stdout)
}

#[test]
fn cli_deploy_pushes_this_repository_over_its_one_ssh_connection() {
    let Some(server) = sshd::Sshd::start() else {
        return;
    };
    let src = tempfile::tempdir().unwrap();
    let sha = sshd::git_repository(src.path(), &[("Dockerfile", "FROM nginx:1.27\n")]);
    // An earlier release to roll back to.
    ssh_cli(&server)
        .args(["deploy", "api", "--image", "nginx:1.26"])
        .assert()
        .success();
    let logins = server.accepted_logins();
    let out = ssh_cli(&server)
        .current_dir(src.path())
        .args(["deploy", "api", "--branch", "master"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "{stdout}\n{stderr}\n{}",
        server.log_text()
    );
    // Dokku's lines, as the hook printed them (git's `remote: ` gone).
    assert!(
        stdout.contains("-----> Building api from Dockerfile"),
        "{stdout}"
    );
    assert!(stdout.contains("=====> Application deployed:"), "{stdout}");
    assert!(!stdout.contains("remote:"), "{stdout}");
    assert!(
        format!("{stdout}{stderr}").contains("deployed api at http://api."),
        "{stdout}\n{stderr}"
    );
    // The whole command, push included, was one login.
    assert_eq!(
        server.accepted_logins(),
        logins + 1,
        "{}",
        server.log_text()
    );

    // The app runs the pushed commit.
    let report = ssh_cli(&server)
        .args(["--json", "report", "apps", "api"])
        .output()
        .unwrap();
    let report = String::from_utf8_lossy(&report.stdout);
    assert!(report.contains(&sha), "{report}");
    let git_sha = ssh_cli(&server)
        .args(["raw", "--", "git:report", "api", "--git-sha"])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&git_sha.stdout).trim(), sha);

    // The push is a release: who, which commit, Dokku's build joined.
    let releases = ssh_cli(&server)
        .args(["--json", "releases", "api"])
        .output()
        .unwrap();
    let releases: serde_json::Value = serde_json::from_slice(&releases.stdout).unwrap();
    let pushed = &releases[0];
    assert_eq!(pushed["source"]["kind"], "git-push", "{releases}");
    assert_eq!(pushed["source"]["commit"], sha.as_str(), "{releases}");
    assert_eq!(pushed["source"]["branch"], "master", "{releases}");
    assert_eq!(pushed["outcome"], "ok", "{releases}");
    assert_eq!(pushed["build"]["source"], "git-hook", "{releases}");
    // Rolling back from the push brings the image back (the host runs
    // the pushed commit, so the plan is sound).
    let plan = ssh_cli(&server)
        .args(["--dry-run", "rollback", "api"])
        .output()
        .unwrap();
    let plan = String::from_utf8_lossy(&plan.stdout);
    assert!(
        plan.contains("dokku git:from-image api nginx:1.26"),
        "{plan}"
    );
    assert!(
        plan.contains(&format!("push HEAD ({}) to master", &sha[..12])),
        "{plan}"
    );
}

#[test]
fn a_push_whose_build_fails_exits_7_naming_the_phase() {
    let Some(server) = sshd::Sshd::start() else {
        return;
    };
    let src = tempfile::tempdir().unwrap();
    sshd::git_repository(src.path(), &[("index.js", "console.log(1)\n")]);
    server.fail_next_deploy("api", dokku_sim::DeployFailure::Build);
    let out = ssh_cli(&server)
        .current_dir(src.path())
        .args(["deploy", "api", "--branch", "master"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(7), "{stderr}");
    assert!(
        // Dokku's exit code does not cross git: none is named.
        stderr.contains("failed in its build phase: App build failed"),
        "{stderr}"
    );
    // git's own verdict is shown too.
    assert!(stderr.contains("pre-receive hook declined"), "{stderr}");
}

#[test]
fn git_sync_and_from_image_deploy_over_ssh() {
    let Some(server) = sshd::Sshd::start() else {
        return;
    };
    let out = ssh_cli(&server)
        .args(["deploy", "api", "--image", "nginx:1.27"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("-----> Building api from Dockerfile"),
        "{stdout}"
    );
    // The simulator has no network: git:sync's clone fails, in its source
    // phase, with git's words (as on a host that cannot reach the remote).
    let out = ssh_cli(&server)
        .args(["deploy", "api", "--repo", "https://git.example.com/api.git"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(7), "{stderr}");
    assert!(
        stderr.contains("failed in its source phase (exit 128)"),
        "{stderr}"
    );
    assert!(
        stderr.contains("Could not resolve host: git.example.com"),
        "{stderr}"
    );
}

#[test]
fn ctrl_c_during_a_paced_deploy_over_ssh_cancels_it_and_records_it_as_cancelled() {
    let Some(server) = paced_sshd() else {
        return;
    };
    let (first, out, _) = cli_support::interrupt_after_first_line(image_deploy(&server));
    assert_eq!(first, "-----> Generating build context");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(130), "{stderr}");
    // The remote deploy ended with the channel.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .unwrap();
    assert!(
        runtime.block_on(server.wait_no_remote_processes(std::time::Duration::from_secs(30))),
        "the simulator's deploy kept running: {:?}",
        server.remote_processes()
    );
    let rows = cli_support::history_rows(&mut ssh_cli(&server));
    let record = rows
        .iter()
        .find(|r| r["subcommand"] == "git:from-image")
        .expect("the deploy was recorded");
    assert_eq!(record["outcome"], "cancelled", "{record}");
}

#[test]
fn builds_output_over_ssh_follows_a_running_deploy_and_ends_when_it_ends() {
    use std::io::BufRead;
    let Some(server) = paced_sshd() else {
        return;
    };
    let (mut deploy, _printing) = printing_deploy(&server);

    // Another admin follows the running build from another process.
    let mut follower = cli_process(&server, &["builds", "output", "api"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let lines = std::io::BufReader::new(follower.stdout.take().unwrap());
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in lines.lines() {
            if tx.send(line.unwrap_or_default()).is_err() {
                break;
            }
        }
    });
    // The deadline only turns a broken run into a failure instead of a hang.
    let guard = std::time::Duration::from_secs(120);
    let followed = rx.recv_timeout(guard).expect("the follower printed a line");
    assert_eq!(followed, "-----> Generating build context");
    // The glance names it, and how to follow it.
    let list = ssh_cli(&server).args(["apps", "list"]).assert().success();
    let notes = String::from_utf8_lossy(&list.get_output().stderr).into_owned();
    assert!(
        notes.contains("api: being deployed now (")
            && notes.contains("`cli builds output api` follows it"),
        "{notes}"
    );

    // The build ends (cancelled): so does the follow, by itself.
    ssh_cli(&server)
        .args(["builds", "cancel", "api"])
        .assert()
        .success();
    let mut rest = Vec::new();
    loop {
        match rx.recv_timeout(guard) {
            Ok(line) => rest.push(line),
            Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => break,
            Err(timeout) => {
                let _ = follower.kill();
                panic!("the follow did not end with its build: {timeout:?} {rest:?}");
            }
        }
    }
    let status = follower.wait().unwrap();
    assert!(status.success(), "{status:?} {rest:?}");
    assert_eq!(deploy.wait().unwrap().code(), Some(7));
}

#[test]
fn builds_cancel_over_ssh_ends_a_running_deploy_which_reports_it_cancelled() {
    let Some(server) = paced_sshd() else {
        return;
    };
    let (deploy, _printing) = printing_deploy(&server);

    let cancel = ssh_cli(&server)
        .args(["builds", "cancel", "api"])
        .output()
        .unwrap();
    assert!(
        cancel.status.success(),
        "{}",
        String::from_utf8_lossy(&cancel.stderr)
    );
    assert!(
        String::from_utf8_lossy(&cancel.stdout).contains("Killing app deploy"),
        "{cancel:?}"
    );
    let out = deploy.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(7), "{stderr}");
    assert!(
        stderr.contains("was cancelled in its source phase"),
        "{stderr}"
    );
    let builds = ssh_cli(&server)
        .args(["--json", "builds", "list", "api"])
        .output()
        .unwrap();
    let builds = String::from_utf8_lossy(&builds.stdout);
    assert!(builds.contains("\"canceled\""), "{builds}");
}

#[test]
fn an_archive_on_stdin_arrives_whole_and_an_empty_one_is_refused_before_sending() {
    let demo = Demo::new();
    // Read in 64 KiB chunks as it is sent: more than three of them.
    let out = demo
        .cli()
        .args(["deploy", "api", "--archive", "-"])
        .write_stdin(vec![7u8; 200_000])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    // The simulator prints the size of the archive it was given, then
    // fails to unpack it, as tar does with bytes that are not an archive.
    assert!(
        stdout.contains("Fetching tar file from stdin") && stdout.contains("200000"),
        "{stdout}"
    );
    assert_eq!(out.status.code(), Some(7), "{stdout}");
    let before = demo.json(&["history", "list"]).as_array().unwrap().len();
    let empty = demo
        .cli()
        .args(["deploy", "api", "--archive", "-"])
        .write_stdin(Vec::new())
        .output()
        .unwrap();
    assert_eq!(empty.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&empty.stderr).contains("the archive on standard input is empty"),
        "{}",
        String::from_utf8_lossy(&empty.stderr)
    );
    let after = demo.json(&["history", "list"]).as_array().unwrap().len();
    assert_eq!(before, after, "nothing was sent");
}

#[test]
fn a_locked_app_is_not_rebuilt_alone_or_with_all_unless_the_lock_is_ignored() {
    let demo = Demo::new();
    let locked = |app: &str| demo.json(&["report", "apps", app])["report"]["locked"].clone();
    let newest = || demo.history_rows()[0]["subcommand"].clone();
    // The demo's `landing` is locked mid-deploy; lock `api` too.
    demo.shows(&["apps", "lock", "api"], &["locked api"]);

    // One app: one `apps:locked`, then nothing.
    let plan = demo.dry_run(&["ps", "rebuild", "landing"]);
    assert!(
        plan.starts_with("dokku apps:locked landing\ndokku ps:rebuild landing\n"),
        "{plan}"
    );
    let stderr = demo.fails(
        &["ps", "rebuild", "landing"],
        2,
        "landing is locked (apps:lock); nothing was sent",
    );
    assert!(stderr.contains("--ignore-lock"), "{stderr}");
    assert_eq!(newest(), "apps:locked");

    // Every app: one `apps:report` of them all names each locked one.
    let plan = demo.dry_run(&["ps", "rebuild", "--all"]);
    assert!(plan.starts_with("dokku apps:report"), "{plan}");
    assert!(plan.contains("\ndokku ps:rebuild --all\n"), "{plan}");
    let stderr = demo.fails(
        &["ps", "rebuild", "--all"],
        2,
        "api, landing are locked (apps:lock); nothing was sent",
    );
    assert!(
        stderr.contains("`cli apps unlock APP` first, or add --ignore-lock"),
        "{stderr}"
    );
    assert_eq!(newest(), "apps:report");
    assert_eq!(
        (locked("api"), locked("landing")),
        ("true".into(), "true".into())
    );

    // Ignored: Dokku builds it, and the build removes the lock.
    let plan = demo.dry_run(&["ps", "rebuild", "landing", "--ignore-lock"]);
    assert!(!plan.contains("apps:locked"), "{plan}");
    demo.shows(
        &["ps", "rebuild", "landing", "--ignore-lock"],
        &["rebuilt landing"],
    );
    assert_eq!(locked("landing"), "false");
    demo.fails(
        &["ps", "rebuild", "--all"],
        2,
        "api is locked (apps:lock); nothing was sent",
    );
    // Unlocked, it is sent: the demo's apps never pushed cannot be built,
    // which fails the whole run after the others are rebuilt.
    demo.shows(&["apps", "unlock", "api"], &[]);
    demo.fails(
        &["ps", "rebuild", "--all"],
        1,
        "`dokku ps:rebuild --all` failed (exit 1)",
    );
    assert_eq!(newest(), "ps:rebuild");
}
