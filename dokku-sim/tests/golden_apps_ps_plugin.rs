//! Golden tests: the simulator against every fixture of the `apps`, `ps`,
//! `plugin` and `version` families, byte for byte, plus behaviour tests
//! across several commands.
//!
//! Each fixture is replayed on a host of the fixture's Dokku version whose
//! state is the one the fixtures describe ([`world`]), adjusted per fixture
//! where a fixture needs another state ([`adjust`]). The fixtures were
//! established from Dokku's source, not from the simulator, so a match
//! means both read Dokku the same way.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "../../dokku-core/tests/common/mod.rs"]
mod common;

use std::collections::BTreeMap;

use common::Fixture;
use dokku_core::DokkuVersion;
use dokku_sim::host::{profiles, App, Container, ContainerState, Plugin, ProcfileEntry, SimHost};
use dokku_sim::{dispatch, Out};

/// Fixtures the simulator cannot reproduce, with the reason. Empty: every
/// fixture of these families matches.
const UNMATCHED: &[(&str, &str)] = &[];

/// A full 64-character container id that starts with the 11 characters a
/// fixture shows.
fn full_id(prefix: &str) -> String {
    let filler = "0123456789abcdef".chars().cycle();
    prefix.chars().chain(filler).take(64).collect()
}

fn container(process_type: &str, index: u32, state: ContainerState, prefix: &str) -> Container {
    Container {
        process_type: process_type.to_owned(),
        index,
        state,
        id: full_id(prefix),
    }
}

fn plugin(name: &str, version: &str, enabled: bool, core: bool, description: &str) -> Plugin {
    Plugin {
        name: name.to_owned(),
        version: version.to_owned(),
        enabled,
        core,
        description: description.to_owned(),
        source_url: String::new(),
        committish: String::new(),
        branch: String::new(),
    }
}

/// The plugins the fixtures list (an abbreviated core set, letsencrypt
/// disabled, postgres), in a shuffled order: `plugin:list` sorts them.
fn fixture_plugins(version: DokkuVersion) -> Vec<Plugin> {
    let v = version.to_string();
    let core = |name: &str, description: &str| plugin(name, &v, true, true, description);
    let mut letsencrypt = plugin(
        "letsencrypt",
        "0.22.0",
        false,
        false,
        "Automated installation of let's encrypt TLS certificates",
    );
    letsencrypt.source_url = "https://github.com/dokku/dokku-letsencrypt.git".into();
    letsencrypt.committish = "a3f5c2e9b8d1470f6e2c9b4a1d8e7f6c5b4a3921".into();
    letsencrypt.branch = "master".into();
    let mut postgres = plugin(
        "postgres",
        "1.41.0",
        true,
        false,
        "dokku postgres service plugin",
    );
    postgres.source_url = "https://github.com/dokku/dokku-postgres.git".into();
    postgres.committish = "7c0e5d1b2a9f4e3d8c6b5a4f3e2d1c0b9a8f7e6d".into();
    vec![
        postgres,
        core("00_dokku-standard", "dokku core standard plugin"),
        core("20_events", "dokku core events logging plugin"),
        core("app-json", "dokku core app-json plugin"),
        core("apps", "dokku core apps plugin"),
        core("builder", "dokku core builder plugin"),
        core("certs", "dokku core certificate management plugin"),
        core("config", "dokku core config plugin"),
        core("git", "dokku core git plugin"),
        letsencrypt,
        core("nginx-vhosts", "dokku core nginx-vhosts plugin"),
        core("plugin", "dokku core plugin plugin"),
        core("ports", "dokku core ports plugin"),
        core("proxy", "dokku core proxy plugin"),
        core("ps", "dokku core ps plugin"),
        core(
            "scheduler-docker-local",
            "dokku core scheduler-docker-local plugin",
        ),
    ]
}

/// The host the fixtures describe: three apps (a deployed git app, an
/// undeployed one, a locked docker-image app with one exited container).
fn world(version: DokkuVersion) -> SimHost {
    let mut host = SimHost::new(version);
    host.plugins = fixture_plugins(version);
    host.apps.insert(
        "node-js-app".into(),
        App {
            created_at: 1_736_287_254,
            deploy_source: "git".into(),
            deploy_source_metadata: "cd7b8afccb202f222e7dc7b427553e71ba5ddafd".into(),
            deployed: true,
            procfile: ProcfileEntry::parse("web: npm start\nworker: node worker.js"),
            scale: BTreeMap::from([("web".into(), 1), ("worker".into(), 1)]),
            containers: vec![
                container("web", 1, ContainerState::Running, "5f2a8c3d9b1"),
                container("worker", 1, ContainerState::Running, "8e4b7a1c2d3"),
            ],
            restore: true,
            deploys: 1,
            ..App::default()
        },
    );
    host.apps.insert(
        "python-app".into(),
        App {
            created_at: 1_736_288_100,
            restore: true,
            ..App::default()
        },
    );
    host.apps.insert(
        "my.dotted.app".into(),
        App {
            created_at: 1_736_290_000,
            locked: true,
            deploy_source: "docker-image".into(),
            deploy_source_metadata: "nginx:1.27-alpine".into(),
            deployed: true,
            procfile: ProcfileEntry::parse("web: nginx -g 'daemon off;'"),
            scale: BTreeMap::from([("web".into(), 2)]),
            containers: vec![
                container("web", 1, ContainerState::Running, "0b9d6e2f4a7"),
                container("web", 2, ContainerState::Exited, "3c1f8a5e6d2"),
            ],
            restore: true,
            deploys: 1,
            ..App::default()
        },
    );
    host
}

/// Per-fixture departures from [`world`], by `<dir>/<stem>`.
fn adjust(host: &mut SimHost, fixture: &Fixture) {
    let key = format!("{}/{}", fixture.dir(), fixture.stem());
    match key.as_str() {
        // Creating node-js-app needs a host without it.
        "apps/create" => {
            host.apps.remove("node-js-app");
        }
        // The empty cases.
        "apps/list-empty" | "apps/list-json-empty" | "ps/report-all-empty" => {
            host.apps.clear();
        }
        "ps/scale-app-json-formation" => {
            if let Some(app) = host.apps.get_mut("node-js-app") {
                app.formation_in_app_json = true;
            }
        }
        // This capture shows another formation: a zero release type and
        // two web processes.
        "ps/scale-text-0.35" => {
            if let Some(app) = host.apps.get_mut("node-js-app") {
                app.scale = BTreeMap::from([
                    ("release".into(), 0),
                    ("web".into(), 2),
                    ("worker".into(), 1),
                ]);
            }
        }
        _ => {}
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A line-by-line comparison, readable in a failure message.
fn diff(label: &str, want: &str, got: &str) -> String {
    let want_lines: Vec<&str> = want.split_inclusive('\n').collect();
    let got_lines: Vec<&str> = got.split_inclusive('\n').collect();
    let mut report = format!("  {label}:\n");
    for i in 0..want_lines.len().max(got_lines.len()) {
        let (w, g) = (want_lines.get(i), got_lines.get(i));
        if w == g {
            report.push_str(&format!("      {:?}\n", w.unwrap_or(&"")));
        } else {
            if let Some(w) = w {
                report.push_str(&format!("    - {w:?}\n"));
            }
            if let Some(g) = g {
                report.push_str(&format!("    + {g:?}\n"));
            }
        }
    }
    report
}

/// `-----> Random port <n>` with the number replaced: a real host's
/// kernel picks it.
fn random_port(stdout: &str) -> String {
    stdout
        .split_inclusive('\n')
        .map(|line| match line.strip_prefix("-----> Random port ") {
            Some(_) => "-----> Random port <random>\n".to_owned(),
            None => line.to_owned(),
        })
        .collect()
}

/// pflag prints its flag list after `Usage of <cmd>:`; the fixtures (and
/// the simulator) stop at that line, so compare stderr up to it for exit 2.
fn stderr_for_comparison(stderr: &str, exit: i32) -> String {
    if exit != 2 {
        return stderr.to_owned();
    }
    let mut kept = String::new();
    for line in stderr.split_inclusive('\n') {
        kept.push_str(line);
        if line.starts_with("Usage of ") {
            break;
        }
    }
    kept
}

/// Replay one fixture; `Err` describes the difference.
fn replay(fixture: &Fixture) -> Result<(), String> {
    let mut host = world(fixture.version());
    adjust(&mut host, fixture);
    let outcome = dispatch(&mut host, &fixture.argv(), b"");
    let out = outcome.output();
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    // The port `ports-configure` picks is random on a real host.
    let (stdout, fixture_stdout) = (random_port(&stdout), random_port(&fixture.stdout));
    let want_stderr = stderr_for_comparison(&fixture.stderr, fixture.exit);
    let got_stderr = stderr_for_comparison(&stderr, fixture.exit);
    if stdout == fixture_stdout && got_stderr == want_stderr && out.code == fixture.exit {
        return Ok(());
    }
    let mut report = format!(
        "{} (`dokku {}` on {})\n",
        fixture.path.display(),
        fixture.command,
        fixture.version()
    );
    if out.code != fixture.exit {
        report.push_str(&format!(
            "  exit: want {}, got {}\n",
            fixture.exit, out.code
        ));
    }
    if stdout != fixture_stdout {
        report.push_str(&diff("stdout", &fixture_stdout, &stdout));
    }
    if got_stderr != want_stderr {
        report.push_str(&diff("stderr", &want_stderr, &got_stderr));
    }
    Err(report)
}

#[test]
fn every_apps_ps_plugin_version_fixture_matches() {
    let mut failures = Vec::new();
    let mut unexpected_passes = Vec::new();
    let mut count = 0;
    for dir in ["apps", "ps", "plugin", "version"] {
        let fixtures = common::in_dir(dir);
        assert!(!fixtures.is_empty(), "no fixtures in {dir}");
        for fixture in fixtures {
            count += 1;
            let key = format!("{}/{}", fixture.dir(), fixture.stem());
            let known = UNMATCHED.iter().find(|(k, _)| *k == key);
            match (replay(&fixture), known) {
                (Ok(()), None) | (Err(_), Some(_)) => {}
                (Ok(()), Some(_)) => unexpected_passes.push(key),
                (Err(report), None) => failures.push(report),
            }
        }
    }
    assert!(count > 60, "only {count} fixtures found");
    assert!(
        unexpected_passes.is_empty(),
        "listed as unmatched but now match (remove them from UNMATCHED): {unexpected_passes:?}"
    );
    assert!(
        failures.is_empty(),
        "{} of {count} fixtures differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

// ---------------------------------------------------------------------------
// Behaviour across commands

fn run(host: &mut SimHost, command: &str) -> Out {
    run_with(host, command, b"")
}

fn run_with(host: &mut SimHost, command: &str, stdin: &[u8]) -> Out {
    let argv: Vec<String> = command.split_whitespace().map(str::to_owned).collect();
    dispatch(host, &argv, stdin).output().clone()
}

fn stdout(out: &Out) -> String {
    text(&out.stdout)
}

fn stderr(out: &Out) -> String {
    text(&out.stderr)
}

#[test]
fn create_list_report_destroy() {
    let mut host = world(profiles::V0_38_27);
    let out = run(&mut host, "apps:create fresh-app");
    // createApp's line, then the post-create triggers (domains, the nginx
    // config), as real Dokku 0.38.27 prints them (recording seq 8).
    assert_eq!(out.code, 0);
    assert!(
        stdout(&out).starts_with("-----> Creating fresh-app...\n"),
        "{}",
        stdout(&out)
    );
    assert!(stdout(&out).ends_with("-----> Creating http nginx.conf\n       Reloading nginx\n"));
    let created_at = host.apps["fresh-app"].created_at;

    let out = run(&mut host, "apps:list");
    assert_eq!(
        stdout(&out),
        "=====> My Apps\nfresh-app\nmy.dotted.app\nnode-js-app\npython-app\n"
    );

    let out = run(&mut host, "apps:report fresh-app --app-created-at");
    assert_eq!(stdout(&out), format!("{created_at}\n"));
    let out = run(&mut host, "ps:report fresh-app --deployed");
    assert_eq!(stdout(&out), "false\n");

    // A second create of the same name is refused.
    let out = run(&mut host, "apps:create fresh-app");
    assert_eq!(
        (stderr(&out).as_str(), out.code),
        (" !     Name is already taken\n", 1)
    );

    // Destroy asks first; the typed name confirms.
    let out = run_with(&mut host, "apps:destroy fresh-app", b"fresh-app\n");
    assert_eq!(out.code, 0);
    assert_eq!(
        stdout(&out),
        "> -----> Destroying fresh-app (including all add-ons)\n-----> Cleaning up...\n-----> Retiring old containers and images\n"
    );
    assert_eq!(
        stderr(&out),
        " !     WARNING: Potentially Destructive Action\n !     This command will destroy app fresh-app.\n !     To proceed, type \"fresh-app\"\n"
    );
    let out = run(&mut host, "apps:exists fresh-app");
    assert_eq!(out.code, 20);
}

#[test]
fn destroy_confirmation_failures_keep_the_app() {
    let mut host = world(profiles::V0_38_27);
    let out = run_with(&mut host, "apps:destroy python-app", b"other\n");
    assert_eq!(out.code, 1);
    assert!(stderr(&out).ends_with("Confirmation did not match test. Aborted.\n"));
    assert_eq!(stdout(&out), "> ");

    let out = run_with(&mut host, "apps:destroy python-app", b"");
    assert_eq!(out.code, 1);
    assert!(stderr(&out).ends_with(" !     EOF\n"));
    assert!(host.apps.contains_key("python-app"));

    // Forced, globally or per command: no prompt.
    let out = run(&mut host, "--force apps:destroy python-app");
    assert_eq!(
        (stdout(&out).as_str(), stderr(&out).as_str(), out.code),
        (
            "-----> Destroying python-app (including all add-ons)\n-----> Cleaning up...\n-----> Retiring old containers and images\n",
            "",
            0
        )
    );
    let out = run(&mut host, "apps:destroy --force node-js-app");
    assert_eq!(out.code, 0);
    assert_eq!(host.apps.len(), 1);
}

#[test]
fn rename_moves_config_and_redeploys() {
    let mut host = world(profiles::V0_38_27);
    host.apps
        .get_mut("node-js-app")
        .unwrap()
        .config
        .insert("DATABASE_URL".into(), "postgres://x".into());
    let created_at = host.apps["node-js-app"].created_at;

    let out = run(&mut host, "apps:rename node-js-app new-name");
    assert_eq!(out.code, 0, "{}", stderr(&out));
    let printed = stdout(&out);
    assert!(printed
        .starts_with("-----> Renaming node-js-app to new-name\n-----> Creating new-name...\n"));
    // The old app is destroyed as `apps:destroy` does (recording seq 28).
    assert!(printed.contains(
        "-----> Destroying node-js-app (including all add-ons)\n-----> Cleaning up...\n-----> Retiring old containers and images\n"
    ));
    assert!(printed.contains("-----> Deploying web (count=1)\n"));
    assert!(!host.apps.contains_key("node-js-app"));
    let renamed = &host.apps["new-name"];
    assert_eq!(renamed.config["DATABASE_URL"], "postgres://x");
    assert_eq!(renamed.created_at, created_at);
    assert_eq!(renamed.containers.len(), 2);
    assert!(renamed.deployed);

    // --skip-deploy leaves the renamed app without containers.
    let out = run(&mut host, "apps:rename --skip-deploy new-name other-name");
    assert!(!stdout(&out).contains("Deploying"));
    assert!(host.apps["other-name"].containers.is_empty());

    let out = run(&mut host, "apps:rename other-name python-app");
    assert_eq!(
        (stderr(&out).as_str(), out.code),
        (" !     Name is already taken\n", 1)
    );
}

#[test]
fn clone_copies_settings() {
    let mut host = world(profiles::V0_38_27);
    host.apps
        .get_mut("node-js-app")
        .unwrap()
        .config
        .insert("KEY".into(), "value".into());
    let out = run(&mut host, "apps:clone --skip-deploy node-js-app copy");
    // Then the post-create and post-app-clone-setup triggers (recording
    // seq 31).
    assert!(
        stdout(&out).starts_with("-----> Cloning node-js-app to copy\n-----> Creating copy...\n")
    );
    assert_eq!(host.apps["copy"].config["KEY"], "value");
    assert_eq!(host.apps["node-js-app"].config["KEY"], "value");
    assert!(host.apps["copy"].containers.is_empty());

    let out = run(&mut host, "apps:clone --ignore-existing node-js-app copy");
    assert_eq!(
        (stderr(&out).as_str(), out.code),
        (" !     Name is already taken\n", 0)
    );

    // Without --skip-deploy the clone is built from the copied source.
    let out = run(&mut host, "apps:clone node-js-app built");
    assert_eq!(out.code, 0, "{}", stderr(&out));
    assert!(stdout(&out).contains("-----> Building built from herokuish\n"));
    let built = &host.apps["built"];
    assert!(built.deployed);
    assert_eq!(built.containers.len(), 2);
    assert_ne!(
        built.containers[0].id,
        host.apps["node-js-app"].containers[0].id
    );
}

#[test]
fn scale_changes_containers() {
    let mut host = world(profiles::V0_38_27);
    let out = run(&mut host, "ps:scale node-js-app web=3");
    assert_eq!(out.code, 0, "{}", stderr(&out));
    let printed = stdout(&out);
    assert!(printed.starts_with(
        "-----> Scaling node-js-app processes: web=3\n-----> Deploying web (count=3)\n"
    ));
    // Only the web container is retired; the worker keeps running.
    assert!(printed.contains(&format!("       {}\n", full_id("5f2a8c3d9b1"))));
    assert!(!printed.contains(&full_id("8e4b7a1c2d3")));
    let app = &host.apps["node-js-app"];
    assert_eq!(app.scale["web"], 3);
    let dynos: Vec<String> = app
        .containers
        .iter()
        .map(|c| format!("{}.{}", c.process_type, c.index))
        .collect();
    assert_eq!(dynos, ["web.1", "web.2", "web.3", "worker.1"]);
    assert_eq!(app.containers[3].id, full_id("8e4b7a1c2d3"));

    let out = run(&mut host, "ps:report node-js-app --processes");
    assert_eq!(stdout(&out), "4\n");
    let out = run(&mut host, "ps:scale node-js-app --format json");
    assert_eq!(
        stdout(&out),
        "[{\"process_type\":\"web\",\"quantity\":3},{\"process_type\":\"worker\",\"quantity\":1}]\n"
    );

    // Not in the Procfile: refused after the Scaling line.
    let out = run(&mut host, "ps:scale node-js-app clock=1");
    assert_eq!(out.code, 1);
    assert_eq!(
        stderr(&out),
        " !     clock is not a valid process name to scale up\n"
    );

    // Scaling to zero removes the containers of that type.
    run(&mut host, "ps:scale node-js-app worker=0");
    assert!(host.apps["node-js-app"]
        .containers
        .iter()
        .all(|c| c.process_type == "web"));
}

#[test]
fn stop_start_restart() {
    let mut host = world(profiles::V0_38_27);
    let out = run(&mut host, "ps:stop node-js-app");
    assert_eq!(stdout(&out), "-----> Stopping node-js-app\n");
    let out = run(&mut host, "ps:report node-js-app --running");
    assert_eq!(stdout(&out), "false\n");
    let out = run(&mut host, "ps:report node-js-app --status-web.1");
    assert_eq!(stdout(&out), "exited (CID: 5f2a8c3d9b1)\n");
    let out = run(&mut host, "ps:report node-js-app --restore");
    assert_eq!(stdout(&out), "false\n");

    let out = run(&mut host, "ps:start node-js-app");
    assert_eq!(
        stderr(&out),
        " !     App has been detected as not running, releasing\n"
    );
    assert!(stdout(&out).contains("-----> Running post-deploy\n"));
    let out = run(&mut host, "ps:report node-js-app --running");
    assert_eq!(stdout(&out), "true\n");

    let out = run(&mut host, "ps:start node-js-app");
    assert_eq!(stderr(&out), " !     App node-js-app already running\n");

    // Restarting one process type redeploys only it.
    let worker = host.apps["node-js-app"].containers[1].id.clone();
    let out = run(&mut host, "ps:restart node-js-app web");
    assert!(stdout(&out).contains("Deploying web (count=1)"));
    assert!(!stdout(&out).contains("Deploying worker"));
    assert_eq!(host.apps["node-js-app"].containers[1].id, worker);

    // --all in serial mode.
    let out = run(&mut host, "ps:stop --all");
    assert_eq!(
        stderr(&out),
        " !     Running stop in serial mode\n !     App python-app has not been deployed\n"
    );
    assert_eq!(
        stdout(&out),
        "-----> Running stop against app my.dotted.app\n-----> Stopping my.dotted.app\n-----> Running stop against app node-js-app\n-----> Stopping node-js-app\n-----> Running stop against app python-app\n"
    );
    let out = run(&mut host, "ps:restore node-js-app");
    assert_eq!(
        stderr(&out),
        " !     Skipping ps:restore for node-js-app as DOKKU_APP_RESTORE=0\n"
    );
    let out = run(&mut host, "ps:start --parallel x");
    assert_eq!(out.code, 2);
}

#[test]
fn ps_set_feeds_the_report() {
    let mut host = world(profiles::V0_38_27);
    run(&mut host, "ps:set --global restart-policy unless-stopped");
    let out = run(
        &mut host,
        "ps:report node-js-app --ps-computed-restart-policy",
    );
    assert_eq!(stdout(&out), "unless-stopped\n");
    run(&mut host, "ps:set node-js-app restart-policy always");
    let out = run(
        &mut host,
        "ps:report node-js-app --ps-computed-restart-policy",
    );
    assert_eq!(stdout(&out), "always\n");
    let out = run(&mut host, "ps:set node-js-app restart-policy");
    assert_eq!(stdout(&out), "=====> Unsetting restart-policy\n");
    let out = run(&mut host, "ps:report --global --format json");
    assert!(stdout(&out).contains("\"global-restart-policy\":\"unless-stopped\""));

    let out = run(&mut host, "ps:set --global start-cmd x");
    assert_eq!(
        (stderr(&out).as_str(), out.code),
        (" !     Property cannot be specified globally\n", 1)
    );
    let out = run(&mut host, "ps:set node-js-app frobnicate x");
    assert_eq!(
        stderr(&out),
        " !     Invalid property specified, valid properties include: dockerfile-start-cmd, procfile-path, restart-policy, restore, skip-deploy, start-cmd, stop-timeout-seconds\n"
    );
}

#[test]
fn apps_set_global_disable_autocreation() {
    let mut host = world(profiles::V0_38_27);
    let out = run(&mut host, "apps:set --global disable-autocreation true");
    assert_eq!(
        stdout(&out),
        "=====> Setting disable-autocreation to true\n"
    );
    let out = run(&mut host, "apps:report --global");
    assert_eq!(
        stdout(&out),
        "=====> --global app information\n       App global disable autocreation: true\n"
    );
    let out = run(&mut host, "apps:set node-js-app disable-autocreation true");
    assert_eq!(out.code, 1);
    let out = run(&mut host, "apps:set --global deploy-source git");
    assert_eq!(
        stderr(&out),
        " !     Property cannot be specified globally\n"
    );
}

#[test]
fn lock_unlock() {
    let mut host = world(profiles::V0_38_27);
    let out = run(&mut host, "apps:unlock node-js-app");
    assert_eq!(
        (stderr(&out).as_str(), out.code),
        (" !     Unable to remove deploy lock\n", 1)
    );
    run(&mut host, "apps:lock node-js-app");
    assert_eq!(run(&mut host, "apps:locked node-js-app").code, 0);
    assert_eq!(
        run(&mut host, "--quiet apps:locked node-js-app").stdout,
        b""
    );
    let out = run(&mut host, "apps:unlock node-js-app");
    assert_eq!(stdout(&out), "-----> Deploy lock removed\n");
    assert_eq!(
        stderr(&out),
        " !     A deploy may be in progress.\n !     Removing the app lock will not stop in progress deploys.\n"
    );
    assert_eq!(run(&mut host, "apps:locked node-js-app").code, 1);
}

#[test]
fn inspect_is_python_json_with_masked_env() {
    let mut host = world(profiles::V0_38_27);
    host.apps
        .get_mut("node-js-app")
        .unwrap()
        .config
        .insert("SECRET_KEY".into(), "hunter2".into());
    let out = run(&mut host, "ps:inspect node-js-app");
    assert_eq!(out.code, 0);
    let printed = stdout(&out);
    assert!(printed.starts_with("[\n    {\n        \"Args\": ["));
    assert!(!printed.contains("hunter2"));
    let value: serde_json::Value = serde_json::from_str(&printed).unwrap();
    let items = value.as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["Id"], full_id("5f2a8c3d9b1"));
    let env = items[0]["Config"]["Env"].as_array().unwrap();
    assert!(env.contains(&"SECRET_KEY=XXXXXX".into()));
    assert!(env.contains(&"DYNO=web.1".into()));

    let out = run(&mut host, "ps:inspect python-app");
    assert_eq!(out.code, 1);
}

#[test]
fn version_gates() {
    let mut old = world(profiles::V0_35_20);
    let out = run(&mut old, "ps:scale node-js-app --format json");
    assert_eq!(out.code, 2);
    assert!(stderr(&out).starts_with("unknown flag: --format\n"));
    // `--global` is an info flag before 0.38.
    let out = run(&mut old, "apps:report --global");
    assert_eq!(out.code, 1);
    assert!(stderr(&out).starts_with(" !     Invalid flag passed, valid flags: --app-created-at"));

    let mut new = world(profiles::V0_38_27);
    let out = run(&mut new, "plugin:install https://example.com/x.git");
    assert_eq!(
        (stderr(&out).as_str(), out.code),
        (" !     This command must be run as root\n", 1)
    );
    let out = run(&mut new, "apps:report node-js-app --format yaml");
    assert_eq!(out.code, 1);
}

#[test]
fn first_build_scales_web_to_one() {
    let mut host = world(profiles::V0_38_27);
    run(&mut host, "apps:create fresh");
    // Nothing pushed: git's receive-app fails (recording seq 113).
    let out = run(&mut host, "ps:rebuild fresh");
    assert_eq!(
        (stdout(&out).as_str(), out.code),
        ("\u{1b}[1G\u{1b}[K-----> WARNING: Cannot build from 'master' as there are no commits stored at that branch.\n", 1)
    );
    run(&mut host, "apps:set fresh deploy-source git");
    let out = run(&mut host, "ps:rebuild fresh");
    assert_eq!(out.code, 0, "{}", stderr(&out));
    assert!(stdout(&out).contains("-----> Deploying web (count=1)\n"));
    let out = run(&mut host, "ps:scale fresh");
    assert_eq!(
        stdout(&out),
        "-----> Scaling for fresh\nproctype: qty\n--------: ---\nweb:  1\n"
    );
    let out = run(&mut host, "ps:report fresh --running");
    assert_eq!(stdout(&out), "true\n");
}
