//! The CLI example end to end against `--demo`: the built binary, a
//! private demo host and history per test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod cli_support;

use cli_support::{bare_cli, subcommands, Demo};
use predicates::prelude::*;
use serde_json::json;

#[test]
fn the_daily_story_on_the_demo_host() {
    let demo = Demo::new();
    cli_support::story(&|| demo.cli(), "demo");
}

#[test]
fn state_persists_between_runs() {
    let demo = Demo::new();
    demo.cli()
        .args(["apps", "create", "kept"])
        .assert()
        .success();
    assert!(demo.apps().contains(&"kept".to_owned()));
    // A second host directory is a different host.
    let other = Demo::new();
    assert!(!other.apps().contains(&"kept".to_owned()));
}

/// A person's demo keeps this machine's time (its story begun the day
/// before its first start, so its dates are recent); told to, it keeps the
/// simulator's fixed clock, as the other tests do.
#[test]
fn the_demo_keeps_this_machines_time_unless_told_to_keep_the_simulators() {
    let created = |clock: Option<&str>| {
        let demo = Demo::new();
        let mut cli = demo.cli();
        match clock {
            Some(clock) => cli.env("DOKKU_SIM_CLOCK", clock),
            None => cli.env_remove("DOKKU_SIM_CLOCK"),
        };
        let out = cli
            .args(["--json", "apps", "info", "api"])
            .output()
            .unwrap();
        assert!(out.status.success(), "{out:?}");
        let info: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        info["created_at"].as_str().unwrap_or_default().to_owned()
    };
    let started = std::time::SystemTime::now();
    let made = created(None);
    let at = dokku::parse::logs::rfc3339_utc(&made).expect("a time");
    let age = started.duration_since(at).expect("made before now");
    assert!(age.as_secs() < 2 * 86_400, "api made {made}");
    assert_eq!(created(Some("fixed")), "2025-01-07T21:00:00Z");
}

/// Admins type Dokku's own form first (`nginx:report api`, `nginx report
/// api`): the refusal names the form that works here, and sends nothing.
#[test]
fn dokkus_own_command_forms_are_refused_with_the_form_that_works() {
    let demo = Demo::new();
    for (args, hint) in [
        (
            &["nginx", "report", "api"][..],
            "hint: Dokku's nginx:report is `cli report nginx [APP|--global|--all]` here",
        ),
        (
            &["nginx:report", "api"],
            "hint: Dokku's nginx:report is `cli report nginx [APP|--global|--all]` here",
        ),
        (
            &["checks", "set", "api", "wait-to-retire", "5"],
            "hint: Dokku's checks:set is `cli set checks (APP|--global) KEY [VALUE]` here",
        ),
        (
            &["apps:list"],
            "hint: Dokku's apps:list is `cli apps list …` here",
        ),
        (
            &["ps:inspect", "api"],
            "hint: `cli raw ps:inspect …` runs Dokku's ps:inspect as it is (audited)",
        ),
    ] {
        demo.cli()
            .args(args)
            .assert()
            .code(2)
            .stdout("")
            .stderr(predicate::str::contains(hint))
            .stderr(predicate::str::contains("tip:").not());
    }
    // A word that is no Dokku command gets clap's refusal alone.
    demo.cli()
        .args(["apps", "frobnicate"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("hint:").not());
    let json = demo
        .cli()
        .args(["--json", "nginx", "report", "api"])
        .assert()
        .code(2);
    let error: serde_json::Value = serde_json::from_slice(&json.get_output().stderr).unwrap();
    assert_eq!(
        error["error"]["hint"],
        "Dokku's nginx:report is `cli report nginx [APP|--global|--all]` here"
    );
    assert!(
        !demo.history().exists(),
        "nothing ran, nothing was recorded"
    );
}

#[test]
fn exit_codes_are_documented_ones() {
    let demo = Demo::new();
    // 2: a bad app name is refused before anything runs.
    demo.cli()
        .args(["apps", "report", "Not_An_App"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains("not a valid app name"))
        .stderr(predicate::str::contains("hint:"));
    assert!(
        !demo.history().exists(),
        "nothing ran, nothing was recorded"
    );
    // 2: clap's own usage errors.
    demo.cli().args(["apps", "frobnicate"]).assert().code(2);
    demo.cli()
        .args(["ps", "scale", "api", "web=lots"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "web=lots: the count is not a whole number",
        ));
    // 4: a missing app.
    demo.cli()
        .args(["apps", "report", "no-such-app"])
        .assert()
        .code(4)
        .stderr(predicate::str::contains("no-such-app does not exist"));
    demo.cli()
        .args(["raw", "--", "apps:exists", "no-such-app"])
        .assert()
        .code(4);
    demo.cli()
        .args(["config", "get", "api", "NOT_SET_ANYWHERE", "--reveal"])
        .assert()
        .code(4);
    demo.cli()
        .args(["history", "show", "999999"])
        .assert()
        .code(4);
    // 1: Dokku refuses (the name is taken).
    demo.cli()
        .args(["apps", "create", "api"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("already exists"));
    // 2: no target at all.
    bare_cli()
        .args(["apps", "list"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--host"));
}

#[test]
fn dry_run_prints_the_commands_and_runs_nothing() {
    let demo = Demo::new();
    let before = demo.apps();
    let rows_before = demo.history_rows().len();
    demo.cli()
        .args(["--dry-run", "apps", "destroy", "api"])
        .assert()
        .success()
        .stdout("dokku apps:destroy api --force\n");
    demo.cli()
        .args(["config", "set", "api", "TOKEN=sk_live_abc", "--dry-run"])
        .assert()
        .success()
        .stdout("dokku --quiet config:import --format json api -\n");
    demo.cli()
        .args(["ps", "scale", "api", "web=5", "--dry-run", "--json"])
        .assert()
        .success()
        .stdout(predicate::str::contains("dokku ps:scale api web=5"))
        .stdout(predicate::str::contains("\"dry_run\": true"));
    demo.cli()
        .args(["raw", "--dry-run", "--", "apps:rename", "api", "a b"])
        .assert()
        .success()
        .stdout("dokku apps:rename api 'a b'\n");
    let rows = demo.history_rows();
    assert_eq!(
        rows.len(),
        rows_before,
        "no history row: {:?}",
        subcommands(&rows)
    );
    assert_eq!(demo.apps(), before, "the host is unchanged");
    let formation = demo.json(&["ps", "scale", "api"]);
    assert!(!formation.to_string().contains("\"quantity\":5"));
}

#[test]
fn destroy_needs_a_typed_confirmation_or_yes() {
    let demo = Demo::new();
    demo.cli()
        .args(["apps", "create", "doomed"])
        .assert()
        .success();
    // Standard input is not a terminal here, so nobody can be asked.
    demo.cli()
        .args(["apps", "destroy", "doomed"])
        .write_stdin("doomed\n")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--yes"));
    assert!(demo.apps().contains(&"doomed".to_owned()));
    let subs = subcommands(&demo.history_rows());
    assert!(!subs.contains(&"apps:destroy".to_owned()), "{subs:?}");
    demo.cli()
        .args(["apps", "destroy", "doomed", "-y"])
        .assert()
        .success();
    assert!(!demo.apps().contains(&"doomed".to_owned()));
}

#[test]
fn secrets_stay_hidden_and_are_never_written_masked_into_a_pipe_or_file() {
    let demo = Demo::new();
    let stripe = "sk_live_51Hdemo0nlyN0tReal";
    // A program (a pipe, a file) would take `***` for the value, so it is
    // refused (exit 2) before anything is sent, and nothing reaches
    // stdout. (A person at a terminal sees the mask: cli_tmux.)
    let rows_before = demo.history_rows().len();
    for args in [
        &["config", "show", "shop"][..],
        &["config", "get", "shop", "STRIPE_SECRET_KEY"],
        &["config", "export", "shop"],
        &["config", "export", "shop", "--format", "json"],
        &["config", "show", "shop", "--json"],
    ] {
        demo.cli()
            .args(args)
            .assert()
            .code(2)
            .stdout("")
            .stderr(predicate::str::contains("refusing to write"))
            .stderr(predicate::str::contains("--reveal"))
            .stderr(predicate::str::contains(stripe).not());
    }
    assert_eq!(demo.history_rows().len(), rows_before, "nothing was sent");
    // `cli config export shop > shop.env`: no file of asterisks.
    let file = demo.dir.path().join("shop.env");
    let status = std::process::Command::new(cli_support::cli_bin())
        .args(["--demo", "--demo-state"])
        .arg(demo.state())
        .arg("--history-db")
        .arg(demo.history())
        .args(["config", "export", "shop"])
        .env("NO_COLOR", "1")
        .stdout(std::fs::File::create(&file).unwrap())
        .stderr(std::process::Stdio::null())
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(2));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "");
    // The names alone are never secret.
    let keys = demo.json(&["config", "keys", "shop"]);
    assert!(keys.to_string().contains("STRIPE_SECRET_KEY"), "{keys}");
    demo.cli()
        .args(["config", "get", "shop", "STRIPE_SECRET_KEY", "--reveal"])
        .assert()
        .success()
        .stdout(format!("{stripe}\n"));
    demo.cli()
        .args(["config", "export", "shop", "--reveal", "--format", "shell"])
        .assert()
        .success()
        .stdout(predicate::str::contains(format!(
            "export STRIPE_SECRET_KEY='{stripe}'"
        )));
    // Read with --reveal, still never stored.
    let export = demo.cli().args(["history", "export"]).output().unwrap();
    assert!(!String::from_utf8_lossy(&export.stdout).contains(stripe));
}

#[test]
fn config_import_sets_a_whole_env_file_at_once() {
    let demo = Demo::new();
    let env = demo.dir.path().join("app.env");
    std::fs::write(
        &env,
        "# comment\nDATABASE_URL=postgres://u:pw@db/x\nexport GREETING=\"hello world\"\nEMPTY=\n",
    )
    .unwrap();
    demo.cli()
        .args(["apps", "create", "imported"])
        .assert()
        .success();
    demo.cli()
        .args(["config", "import", "imported"])
        .arg(&env)
        .args(["--no-restart"])
        .assert()
        .success()
        .stdout(predicate::str::contains("pw@").not());
    let vars = demo.json(&["config", "show", "imported", "--reveal"]);
    assert_eq!(vars["DATABASE_URL"], "postgres://u:pw@db/x");
    assert_eq!(vars["GREETING"], "hello world");
    let sets: Vec<_> = demo
        .history_rows()
        .into_iter()
        .filter(|r| r["subcommand"] == "config:import")
        .collect();
    assert_eq!(sets.len(), 1, "one config:import for the whole file");
    assert!(!sets[0].to_string().contains("pw@db"));
    assert!(
        sets[0].to_string().contains("DATABASE_URL"),
        "the keys are kept"
    );
    // --replace: the file becomes the whole environment.
    std::fs::write(&env, "ONLY=this\n").unwrap();
    demo.cli()
        .args(["config", "import", "imported", "--replace", "--no-restart"])
        .arg(&env)
        .assert()
        .success();
    let vars = demo.json(&["config", "show", "imported", "--reveal"]);
    assert_eq!(vars, serde_json::json!({ "ONLY": "this" }));
    // A malformed file is a usage error that does not echo its content.
    std::fs::write(&env, "GOOD=1\nthis line is =broken secretvalue\n").unwrap();
    demo.cli()
        .args(["config", "import", "imported"])
        .arg(&env)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("secretvalue").not());
}

#[test]
fn config_values_dokku_would_corrupt_are_refused_before_anything_is_sent() {
    let demo = Demo::new();
    demo.cli().args(["apps", "list"]).assert().success();
    let rows_before = demo.history_rows().len();
    let env = demo.dir.path().join("bad.env");
    std::fs::write(&env, "OK=1\nWIN_PATH=\"C:\\\\temp\\\\\"\n").unwrap();
    let cases: [(Vec<std::ffi::OsString>, &str); 5] = [
        (
            vec![
                "config".into(),
                "set".into(),
                "api".into(),
                "MSG=she said \"hi\"".into(),
            ],
            "MSG",
        ),
        (
            vec![
                "config".into(),
                "set".into(),
                "api".into(),
                "ZIP=007".into(),
            ],
            "ZIP",
        ),
        (
            vec![
                "config".into(),
                "import".into(),
                "api".into(),
                env.clone().into(),
            ],
            "WIN_PATH",
        ),
        (
            vec![
                "raw".into(),
                "--".into(),
                "config:set".into(),
                "api".into(),
                "MSG=she said \"hi\"".into(),
            ],
            "MSG",
        ),
        // `--encoded` is decoded and checked: base64 of `abc\`.
        (
            vec![
                "raw".into(),
                "--".into(),
                "config:set".into(),
                "--encoded".into(),
                "api".into(),
                "ENC=YWJjXA==".into(),
            ],
            "ENC",
        ),
    ];
    for (args, key) in cases {
        demo.cli()
            .args(&args)
            .assert()
            .code(2)
            .stdout("")
            .stderr(predicate::str::contains(format!("refusing to set {key}")))
            .stderr(predicate::str::contains("base64"))
            .stderr(predicate::str::contains("hint:"))
            .stderr(predicate::str::contains("she said").not())
            .stderr(predicate::str::contains("temp").not())
            .stderr(predicate::str::contains("007").not());
    }
    assert_eq!(
        demo.history_rows().len(),
        rows_before,
        "nothing was sent, nothing was recorded"
    );
    // What Dokku stores intact still goes through.
    demo.cli()
        .args([
            "config",
            "set",
            "api",
            "MSG=she said \"hi\" ",
            "--no-restart",
        ])
        .assert()
        .success();
    demo.cli()
        .args(["config", "get", "api", "MSG", "--reveal"])
        .assert()
        .success()
        .stdout("she said \"hi\" \n");
    demo.cli()
        .args(["config", "--help"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Values Dokku cannot store"))
        .stdout(predicate::str::contains("sudo -u dokku sed -i '/^KEY=/d'"));
}

/// Break an app's stored environment on the demo host the way a real host
/// gets broken, past every check of the SDK: Dokku's own `config:set` of a
/// value ending in `"`, then any other write.
fn corrupt_env(demo: &Demo, app: &str) {
    let state = dokku_sim::StateDir::open(demo.state(), dokku_sim::scenario::demo).unwrap();
    state
        .update(|host| {
            for pair in ["MSG=she said \"hi\"", "ZZ_OTHER=x"] {
                let argv = ["config:set", "--no-restart", app, pair].map(str::to_owned);
                let out = dokku_sim::dispatch(host, &argv, b"");
                assert_eq!(out.output().code, 0);
            }
        })
        .unwrap();
}

#[test]
fn a_corrupt_stored_environment_exits_5_with_how_to_repair_it() {
    let demo = Demo::new();
    corrupt_env(&demo, "api");
    for args in [
        &["config", "show", "api", "--reveal"][..],
        &["config", "get", "api", "NODE_ENV", "--reveal"],
        &["config", "set", "api", "NEW=1", "--no-restart"],
        &["config", "unset", "api", "NODE_ENV", "--no-restart"],
        &["config", "export", "api", "--reveal"],
    ] {
        demo.cli()
            .args(args)
            .assert()
            .code(5)
            .stderr(predicate::str::contains("stored environment of app api"))
            .stderr(predicate::str::contains("is corrupt"))
            .stderr(predicate::str::contains("/var/lib/dokku/config/api/ENV"))
            .stderr(predicate::str::contains("dokku config:keys api"))
            .stderr(predicate::str::contains("she said").not());
    }
    // `raw` shows Dokku's own stderr, cut before the values it quotes.
    demo.cli()
        .args(["raw", "--", "config:keys", "api"])
        .assert()
        .code(5)
        .stderr(predicate::str::contains("[stored values hidden]"))
        .stderr(predicate::str::contains("she said").not());
    // Everything that does not read the environment still works.
    demo.cli().args(["ps", "report", "api"]).assert().success();
    demo.cli()
        .args(["config", "show", "blog", "--reveal"])
        .assert()
        .success();
    // The audit trail has the failures, without the values.
    let export = demo.cli().args(["history", "export"]).output().unwrap();
    let export = String::from_utf8_lossy(&export.stdout);
    assert!(export.contains("config:keys"), "{export}");
    assert!(!export.contains("she said"), "{export}");
}

#[test]
fn the_git_remote_names_the_app() {
    let demo = Demo::new();
    let repo = demo.dir.path().join("repo");
    std::fs::create_dir_all(&repo).unwrap();
    let git = |args: &[&str]| {
        let ok = std::process::Command::new("git")
            .args(args)
            .current_dir(&repo)
            .output()
            .is_ok_and(|o| o.status.success());
        assert!(ok, "git {args:?}");
    };
    git(&["init", "-q"]);
    git(&["remote", "add", "dokku", "dokku@dokku.me:blog"]);
    let report = {
        let out = demo
            .cli()
            .current_dir(&repo)
            .args(["ps", "report", "--json"])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap()
    };
    assert_eq!(report["app"], "blog");
    // --app wins over the remote; then every argument is an item.
    demo.cli()
        .current_dir(&repo)
        .args(["--app", "api", "config", "get", "NODE_ENV", "--reveal"])
        .assert()
        .success()
        .stdout("production\n");
}

#[test]
fn unlocking_an_app_that_is_not_locked_says_so_and_fails_as_dokku_does() {
    let demo = Demo::new();
    demo.cli()
        .args(["apps", "unlock", "api"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "api is not locked: nothing to unlock",
        ))
        .stderr(predicate::str::contains("Unable to remove deploy lock"))
        .stderr(predicate::str::contains(
            "`cli apps info api` shows its deploy lock",
        ));
    // A locked app unlocks.
    demo.cli().args(["apps", "lock", "api"]).assert().success();
    demo.cli()
        .args(["apps", "unlock", "api"])
        .assert()
        .success()
        .stdout(predicate::str::contains("unlocked api"));
}

#[test]
fn history_lists_filters_searches_and_verifies() {
    let demo = Demo::new();
    demo.cli().args(["apps", "create", "h1"]).assert().success();
    demo.cli().args(["apps", "lock", "h1"]).assert().success();
    demo.cli().args(["apps", "create", "api"]).assert().code(1);
    let failed = demo.json(&["history", "list", "--outcome", "failed"]);
    assert_eq!(failed.as_array().unwrap().len(), 1, "{failed}");
    assert_eq!(failed[0]["subcommand"], "apps:create");
    let for_h1 = demo.json(&["history", "list", "h1"]);
    assert_eq!(for_h1.as_array().unwrap().len(), 2, "{for_h1}");
    let found = demo.json(&["history", "search", "apps:lock"]);
    assert_eq!(found[0]["subcommand"], "apps:lock", "{found}");
    let id = found[0]["id"].as_i64().unwrap();
    demo.cli()
        .args(["history", "show", &id.to_string()])
        .assert()
        .success()
        .stdout(predicate::str::contains("dokku apps:lock h1"))
        .stdout(predicate::str::contains("tester"));
    let verified = demo.json(&["history", "verify"]);
    assert_eq!(verified["intact"], true);
    assert_eq!(verified["rows"], 3);
    let stats = demo.json(&["history", "stats"]);
    assert!(stats
        .as_array()
        .unwrap()
        .iter()
        .any(|s| s["subcommand"] == "apps:create" && s["failures"] == 1));
    demo.cli()
        .args(["history", "export", "--format", "csv"])
        .assert()
        .success()
        .stdout(predicate::str::starts_with("id,started_at"));
    let recent = demo.json(&["history", "list", "--since", "1h"]);
    assert_eq!(recent.as_array().unwrap().len(), 3);
}

#[test]
fn tables_for_people_json_for_scripts() {
    let demo = Demo::new();
    demo.cli()
        .args(["apps", "list"])
        .assert()
        .success()
        .stdout(predicate::str::starts_with("APP "))
        .stdout(predicate::str::contains("staging-api"))
        // NO_COLOR and a pipe: no escape codes.
        .stdout(predicate::str::contains("\u{1b}[").not());
    let list = demo.json(&["apps", "list"]);
    let staging = list
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["name"] == "staging-api")
        .unwrap();
    assert_eq!(staging["status"], "stopped");
    assert_eq!(staging["deployed"], true);
    // --json is global: accepted before the subcommand too.
    let version = demo.cli().args(["--json", "version"]).output().unwrap();
    let version: serde_json::Value = serde_json::from_slice(&version.stdout).unwrap();
    assert_eq!(version["dokku"], "0.38.27");
}

#[test]
fn help_has_examples_and_completions_generate() {
    for args in [
        &["--help"][..],
        &["apps", "--help"],
        &["apps", "destroy", "--help"],
        &["ps", "scale", "--help"],
        &["config", "import", "--help"],
        &["domains", "add", "--help"],
        &["logs", "--help"],
        &["history", "list", "--help"],
        &["raw", "--help"],
    ] {
        bare_cli()
            .args(args)
            .assert()
            .success()
            .stdout(predicate::str::contains("Example"));
    }
    bare_cli()
        .args(["completions", "bash"])
        .assert()
        .success()
        .stdout(predicate::str::contains("complete -F"));
}

#[test]
fn a_closed_pipe_ends_quietly() {
    use std::io::Read;
    use std::process::{Command, Stdio};
    let demo = Demo::new();
    // Logs print many lines; the reader takes one and leaves.
    let mut child = Command::new(cli_support::cli_bin())
        .args(["--demo", "--demo-state"])
        .arg(demo.state())
        .arg("--history-db")
        .arg(demo.history())
        .args(["logs", "api", "-n", "5000"])
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 16];
    child
        .stdout
        .as_mut()
        .unwrap()
        .read_exact(&mut first)
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
}

#[test]
fn lifecycle_commands_stream_and_take_an_optional_process_type() {
    let demo = Demo::new();
    demo.cli()
        .args(["ps", "restart", "blog"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Deploying web (count=1)"))
        .stdout(predicate::str::contains("restarted blog"));
    demo.cli()
        .args(["ps", "restart", "api", "worker", "--dry-run"])
        .assert()
        .success()
        .stdout("dokku ps:restart api worker\n");
    demo.cli()
        .args(["--app", "api", "ps", "restart", "worker", "--dry-run"])
        .assert()
        .success()
        .stdout("dokku ps:restart api worker\n");
    demo.cli()
        .args(["ps", "stop", "staging-api", "worker"])
        .assert()
        .code(2);
    demo.cli()
        .args(["ps", "stop", "blog", "--json"])
        .assert()
        .success()
        .stdout(predicate::str::contains("\"action\": \"stopped\""));
    let blog = demo.json(&["ps", "report", "blog"]);
    assert_eq!(blog["running"], "Stopped", "{blog}");
    // Stopping every app asks first; nobody can answer here.
    demo.cli().args(["ps", "stop", "--all"]).assert().code(2);
    demo.cli()
        .args(["ps", "start", "--all", "--parallel", "2", "--dry-run"])
        .assert()
        .success()
        .stdout("dokku ps:start --parallel 2 --all\n");
}

#[test]
fn local_runs_the_dokku_program_here() {
    let demo = Demo::new();
    let local = || {
        let mut cmd = bare_cli();
        cmd.env("DOKKU_BIN", cli_support::dokku_sim_bin())
            .env("DOKKU_SIM_STATE", demo.state())
            .arg("--local")
            .arg("--history-db")
            .arg(demo.history());
        cmd
    };
    local().args(["apps", "create", "here"]).assert().success();
    let list = local().args(["apps", "list", "--json"]).output().unwrap();
    let names = cli_support::app_names(&serde_json::from_slice(&list.stdout).unwrap());
    assert!(names.contains(&"here".to_owned()), "{names:?}");
    let rows = cli_support::history_rows(&mut local());
    assert!(rows.iter().all(|r| r["host"] == "local"));
    // No such program: the host cannot be reached, exit 3.
    local()
        .env("DOKKU_BIN", demo.dir.path().join("no-dokku-here"))
        .args(["apps", "list"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("hint:"));
}

#[test]
fn ctrl_c_during_a_plain_command_records_it_as_cancelled_and_exits_130() {
    let demo = Demo::new();
    // `dokku` here is a wrapper that says when `apps:create` has started
    // (through a FIFO the test waits on), then runs the simulator, which
    // takes ten minutes: the signal lands inside the command, every time,
    // without guessing how long anything takes.
    let started = demo.fifo("started");
    let wrapper = demo.dir.path().join("dokku");
    cli_support::write_script(
        &wrapper,
        "#!/bin/sh\n[ \"$1\" = apps:create ] && echo started > \"$STARTED_FIFO\"\nexec \"$REAL_DOKKU\" \"$@\"\n",
    );
    let local = |latency_ms: &str| {
        let mut cmd = demo.local(&wrapper);
        cmd.env("STARTED_FIFO", &started)
            .env("DOKKU_SIM_LATENCY_MS", latency_ms);
        cmd
    };
    // A quick run first, so the slow one starts from cached capabilities.
    let warm = local("0").args(["apps", "list"]).output().unwrap();
    assert!(warm.status.success());
    let mut slow = local("600000")
        .args(["apps", "create", "slow-one"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Reading the FIFO blocks until the wrapper writes to it; the deadline
    // only turns a broken run into a failure instead of a hang.
    let (tx, rx) = std::sync::mpsc::channel();
    let fifo = started.clone();
    std::thread::spawn(move || tx.send(std::fs::read_to_string(fifo)));
    let said = rx.recv_timeout(std::time::Duration::from_secs(120));
    if said.is_err() {
        let _ = slow.kill();
        panic!("apps:create never started: {:?}", slow.wait_with_output());
    }
    assert_eq!(said.unwrap().unwrap().trim(), "started");
    let out = cli_support::interrupt(slow);
    assert_eq!(
        out.status.code(),
        Some(130),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut history = bare_cli();
    history.arg("--history-db").arg(demo.history());
    let rows = cli_support::history_rows(&mut history);
    let create = rows
        .iter()
        .find(|r| r["subcommand"] == "apps:create")
        .expect("apps:create was recorded");
    assert_eq!(create["outcome"], "cancelled", "{create}");
    assert_eq!(create["actor"], "tester");
}

#[test]
fn the_host_is_probed_once_and_again_when_the_cache_is_stale() {
    let demo = Demo::new();
    let count = |sub: &str| {
        subcommands(&demo.history_rows())
            .iter()
            .filter(|s| *s == sub)
            .count()
    };
    demo.cli()
        .args(["apps", "report", "api"])
        .assert()
        .success();
    demo.cli().args(["ps", "report", "api"]).assert().success();
    assert_eq!(count("version"), 1, "the second run reused the probe");
    assert_eq!(count("plugin:list"), 1);
    // A cache that predates a plugin install: the refusal is retried once
    // with a fresh probe, and nothing was sent before it.
    let cache = demo.dir.path().join("capabilities.json");
    let mut cached: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&cache).unwrap()).unwrap();
    for entry in cached.as_object_mut().unwrap().values_mut() {
        entry["plugins"] = serde_json::json!([]);
    }
    std::fs::write(&cache, serde_json::to_vec(&cached).unwrap()).unwrap();
    demo.cli()
        .args(["services", "postgres", "list"])
        .assert()
        .success()
        .stdout(predicate::str::contains("api-db"));
    assert_eq!(count("version"), 2);
    assert_eq!(count("postgres:list"), 1);
}

#[test]
fn apps_info_is_the_report_admins_try_first() {
    let demo = Demo::new();
    let info = demo.json(&["apps", "info", "api"]);
    assert_eq!(info, demo.json(&["apps", "report", "api"]));
    assert_eq!(info["status"], "running");
    assert_eq!(info["url"], "https://api.dokku.me", "{info}");
    // Dokku's last build of api: the demo's failed push (0.38 records
    // builds, a push included); blog was never built.
    assert_eq!(
        (
            &info["last_build"]["status"],
            &info["last_build"]["source"],
            &info["last_build"]["id"]
        ),
        (
            &json!("failed"),
            &json!("git-hook"),
            &json!("mx7cb81p0d3hv6")
        ),
        "{info}"
    );
    assert_eq!(
        demo.json(&["apps", "info", "blog"])["last_build"],
        json!(null)
    );
    // apps list, the glance, names it too, and where to read why.
    demo.notes(
        &["apps", "list"],
        "api: its last deploy failed (git-hook); `cli builds output api mx7cb81p0d3hv6` shows why",
    );
    assert_eq!(
        info["processes"]["web"],
        serde_json::json!({"running": 2, "total": 2}),
        "{info}"
    );
    demo.cli()
        .args(["apps", "info", "blog"])
        .assert()
        .success()
        .stdout(predicate::str::contains("app blog"))
        .stdout(predicate::str::contains("status"))
        .stdout(predicate::str::contains("https://blog.dokku.me"));
    // A crashed app says which process type is down.
    demo.cli()
        .args(["apps", "info", "metrics"])
        .assert()
        .success()
        .stdout(predicate::str::contains("crashed"))
        .stdout(predicate::str::contains("web 1/1, worker 0/2"));
}

#[test]
fn apps_urls_follow_the_apps_domains_and_certificate() {
    let demo = Demo::new();
    // blog has a certificate: each domain over http and https, sorted.
    assert_eq!(
        demo.json(&["apps", "urls", "blog"]),
        serde_json::json!([
            "http://blog.dokku.me",
            "http://blog.example.com",
            "https://blog.dokku.me",
            "https://blog.example.com"
        ])
    );
    demo.cli()
        .args(["domains", "add", "staging-api", "staging.example.com"])
        .assert()
        .success();
    demo.cli()
        .args(["apps", "urls", "staging-api"])
        .assert()
        .success()
        .stdout("http://staging-api.dokku.me\nhttp://staging.example.com\n");
    demo.cli()
        .args(["apps", "urls", "nope"])
        .assert()
        .code(4)
        .stderr(predicate::str::contains("app nope does not exist"));
}

#[test]
fn errors_name_the_word_once_and_never_echo_a_secret() {
    let demo = Demo::new();
    let err = demo
        .cli()
        .args(["apps", "report", "Not_An_App"])
        .output()
        .unwrap();
    assert_eq!(err.status.code(), Some(2));
    let err = String::from_utf8_lossy(&err.stderr);
    assert_eq!(err.matches("Not_An_App").count(), 1, "{err}");
    assert_eq!(
        err.matches("it starts with").count(),
        1,
        "the rule once: {err}"
    );
    // A pasted secret without `=` is not shown, not even in part.
    demo.cli()
        .args(["config", "set", "api", "sk_live_abcdef"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not KEY=VALUE"))
        .stderr(predicate::str::contains("sk_").not())
        .stderr(predicate::str::contains("…").not());
    // A variable's name is.
    demo.cli()
        .args(["config", "set", "api", "NODE_ENV"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("NODE_ENV has no value"))
        .stderr(predicate::str::contains("NODE_ENV=VALUE"));
}

#[test]
fn logs_of_a_process_type_the_app_lacks_are_not_found() {
    let demo = Demo::new();
    demo.cli()
        .args(["logs", "api", "--ps", "nosuch"])
        .assert()
        .code(4)
        .stdout("")
        .stderr(predicate::str::contains("api has no process type nosuch"))
        .stderr(predicate::str::contains("web"));
    assert!(!subcommands(&demo.history_rows()).contains(&"logs".to_owned()));
    let worker = demo.json(&["logs", "api", "--ps", "worker", "-n", "2"]);
    let lines = worker.as_array().unwrap();
    assert!(!lines.is_empty());
    assert!(
        lines.iter().all(|l| l["process_type"] == "worker"),
        "{worker}"
    );
}

#[test]
fn scale_counts_run_from_0_to_100() {
    let demo = Demo::new();
    demo.cli().args(["apps", "list"]).assert().success();
    let rows_before = demo.history_rows().len();
    demo.cli()
        .args(["ps", "scale", "api", "web=101"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "web=101: the count is more than 100",
        ))
        .stderr(predicate::str::contains("TYPE=COUNT").not());
    demo.cli()
        .args(["ps", "scale", "api", "web=-1"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not a whole number"));
    assert_eq!(demo.history_rows().len(), rows_before, "nothing was sent");
    demo.cli()
        .args(["--dry-run", "ps", "scale", "api", "web=100", "worker=0"])
        .assert()
        .success()
        .stdout("dokku ps:scale api web=100 worker=0\n");
}

#[test]
fn history_since_takes_dates_and_rfc3339_times() {
    let demo = Demo::new();
    demo.cli().args(["apps", "create", "h1"]).assert().success();
    let count = |since: &str| {
        demo.json(&["history", "list", "--since", since])
            .as_array()
            .unwrap()
            .len()
    };
    let all = count("2000-01-01");
    assert!(all >= 1);
    assert_eq!(count("2000-01-01T00:00:00Z"), all);
    assert_eq!(count("2000-01-01T02:00:00+02:00"), all);
    assert_eq!(count("2999-01-01"), 0);
    demo.cli()
        .args(["history", "list", "--since", "2026-13-01"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("2026-12-01"));
}

#[test]
fn raw_with_a_whole_command_in_one_argument_says_to_split_it() {
    let demo = Demo::new();
    demo.cli().args(["apps", "list"]).assert().success();
    let rows_before = demo.history_rows().len();
    demo.cli()
        .args(["raw", "--", "config:set api X=1"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("one argument with spaces"))
        .stderr(predicate::str::contains("cli raw -- config:set api X=1"))
        .stderr(predicate::str::contains("plugin").not());
    assert_eq!(demo.history_rows().len(), rows_before, "nothing was sent");
}

#[test]
fn removing_a_domain_the_app_lacks_says_so() {
    let demo = Demo::new();
    demo.cli()
        .args(["domains", "remove", "api", "nothere.example.com"])
        .assert()
        .success()
        .stdout(predicate::str::contains("removed").not())
        .stderr(predicate::str::contains(
            "nothere.example.com is not a domain of api",
        ));
    assert!(!subcommands(&demo.history_rows()).contains(&"domains:remove".to_owned()));
    demo.cli()
        .args(["domains", "add", "api", "x.example.com"])
        .assert()
        .success();
    let both = demo.json(&[
        "domains",
        "remove",
        "api",
        "x.example.com",
        "nothere.example.com",
    ]);
    assert_eq!(
        both["removed"],
        serde_json::json!(["x.example.com"]),
        "{both}"
    );
    assert_eq!(
        both["not_there"],
        serde_json::json!(["nothere.example.com"]),
        "{both}"
    );
    assert_eq!(both["command"], "dokku domains:remove api x.example.com");
}

#[test]
fn unsetting_a_key_the_app_lacks_says_so() {
    let demo = Demo::new();
    demo.cli()
        .args(["config", "unset", "api", "NOT_SET_HERE", "--no-restart"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "nothing to unset on api (not set: NOT_SET_HERE)",
        ));
    demo.cli()
        .args(["config", "set", "api", "GOING=1", "--no-restart"])
        .assert()
        .success();
    demo.cli()
        .args([
            "config",
            "unset",
            "api",
            "GOING",
            "NOT_SET_HERE",
            "--no-restart",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "unset GOING on api (not set: NOT_SET_HERE)",
        ));
    let again = demo.json(&["config", "unset", "api", "GOING", "--no-restart"]);
    assert_eq!(again["unset"], serde_json::json!([]), "{again}");
    assert_eq!(again["skipped"], serde_json::json!(["GOING"]), "{again}");
}

#[test]
fn cloning_onto_an_existing_app_with_ignore_existing_says_so() {
    let demo = Demo::new();
    demo.cli()
        .args(["apps", "clone", "api", "blog", "--ignore-existing"])
        .assert()
        .success()
        .stdout(predicate::str::contains("cloned").not())
        .stderr(predicate::str::contains(
            "blog already exists: nothing to clone",
        ));
    let skipped = demo.json(&["apps", "clone", "api", "blog", "--ignore-existing"]);
    assert_eq!(skipped["skipped"], true, "{skipped}");
    assert!(!subcommands(&demo.history_rows()).contains(&"apps:clone".to_owned()));
    // A new name is cloned as usual.
    demo.cli()
        .args([
            "apps",
            "clone",
            "api",
            "api-copy",
            "--ignore-existing",
            "--skip-deploy",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("cloned api → api-copy"));
}

#[test]
fn stopping_an_app_never_deployed_says_nothing_was_stopped() {
    let demo = Demo::new();
    demo.cli()
        .args(["apps", "create", "never-pushed"])
        .assert()
        .success();
    // Dokku warns and exits 0; the CLI does not claim it stopped.
    demo.cli()
        .args(["ps", "stop", "never-pushed"])
        .assert()
        .success()
        .stdout(predicate::str::contains("stopped").not())
        .stderr(predicate::str::contains(
            "nothing stopped: never-pushed has not been deployed",
        ));
    let started = demo.json(&["ps", "start", "never-pushed"]);
    assert_eq!(
        started["not_deployed"],
        serde_json::json!(["never-pushed"]),
        "{started}"
    );
    let deployed = demo.json(&["ps", "stop", "api"]);
    assert_eq!(
        deployed["not_deployed"],
        serde_json::json!([]),
        "{deployed}"
    );
}

#[test]
fn an_app_with_an_old_style_name_can_be_addressed_but_not_created() {
    // Older Dokku created names that `apps:create` refuses today; the
    // demo host has one. Dokku still runs every command on it.
    let demo = Demo::new();
    assert!(demo.apps().contains(&"old_intranet".to_owned()));
    assert_eq!(
        demo.json(&["apps", "info", "old_intranet"])["status"],
        "running"
    );
    demo.cli()
        .args(["ps", "report", "old_intranet"])
        .assert()
        .success();
    demo.cli()
        .args(["apps", "create", "new_intranet"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not a valid name for a new app"));
    demo.cli()
        .args(["apps", "rename", "old_intranet", "still_old"])
        .assert()
        .code(2);
}
