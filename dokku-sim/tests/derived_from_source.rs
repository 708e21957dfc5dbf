//! Commands no recording of a real Dokku covers (they need a deployed app
//! or a running nginx, which the recording host had neither of), checked
//! against what dokku/dokku v0.38.27's source says they print. Certainty:
//! derived from source, not recorded; the recorded neighbours (`enter` on
//! a never-deployed app) are in `replay_real_dokku.rs`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use dokku_sim::host::{profiles, App, ContainerState, ProcfileEntry, SimHost};
use dokku_sim::{dispatch, Out};

fn run(host: &mut SimHost, argv: &[&str]) -> Out {
    let argv: Vec<String> = argv.iter().map(|a| (*a).to_owned()).collect();
    dispatch(host, &argv, b"").output().clone()
}

fn stderr(out: &Out) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// `api` deployed with two web containers and a worker; `solo` with one
/// web container; `fresh` never deployed.
fn host() -> SimHost {
    let mut host = SimHost::new(profiles::V0_38_27);
    for (name, procfile, scale) in [
        (
            "api",
            "web: npm start\nworker: node worker.js",
            vec![("web", 2), ("worker", 1)],
        ),
        ("solo", "web: npm start", vec![("web", 1)]),
    ] {
        let mut app = App {
            created_at: host.tick(60),
            deploy_source: "git".into(),
            deployed: true,
            procfile: ProcfileEntry::parse(procfile),
            scale: scale.iter().map(|(t, n)| ((*t).to_owned(), *n)).collect(),
            ..App::default()
        };
        app.converge(name);
        host.apps.insert(name.to_owned(), app);
    }
    let fresh = App {
        created_at: host.tick(60),
        ..App::default()
    };
    host.apps.insert("fresh".to_owned(), fresh);
    host
}

#[test]
fn enter_needs_a_process_type_when_an_app_runs_more_than_one() {
    let mut host = host();
    let out = run(&mut host, &["enter", "api", "--", "ls"]);
    assert_eq!(
        (stderr(&out).as_str(), out.code),
        (
            " !     No container type specified.\n !     Available types for app (api): web worker\n",
            1
        )
    );
    // One type: it is the one.
    let out = run(&mut host, &["enter", "solo", "--", "ls"]);
    assert_eq!((stderr(&out).as_str(), out.code), ("", 0));
    assert!(out.stdout.is_empty());
}

#[test]
fn enter_runs_in_the_first_container_of_a_type_or_the_one_named() {
    let mut host = host();
    for which in ["web", "worker", "web.2"] {
        let out = run(&mut host, &["enter", "api", which, "--", "ls", "/app"]);
        assert_eq!((stderr(&out).as_str(), out.code), ("", 0), "{which}");
    }
    let out = run(&mut host, &["enter", "api", "clock", "--", "ls"]);
    assert_eq!(
        (stderr(&out).as_str(), out.code),
        (
            " !     No containers found for type 'clock'\n !     Available types for app (api): web worker\n",
            1
        )
    );
    let out = run(&mut host, &["enter", "api", "web.3", "--", "ls"]);
    assert!(
        stderr(&out).starts_with(" !     No containers found for type 'web.3'\n"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn enter_finds_a_container_by_the_start_of_its_id_and_refuses_a_stopped_one() {
    let mut host = host();
    let worker = host.apps["api"]
        .containers
        .iter()
        .find(|c| c.process_type == "worker")
        .unwrap()
        .id
        .clone();
    let out = run(
        &mut host,
        &["enter", "api", "--container-id", &worker[..12], "--", "ls"],
    );
    assert_eq!((stderr(&out).as_str(), out.code), ("", 0));

    let out = run(
        &mut host,
        &["enter", "api", "--container-id", "zzz", "--", "ls"],
    );
    let ids: Vec<String> = {
        let mut files: Vec<(String, String)> = host.apps["api"]
            .containers
            .iter()
            .map(|c| (format!("{}.{}", c.process_type, c.index), c.id.clone()))
            .collect();
        files.sort();
        files.into_iter().map(|(_, id)| id).collect()
    };
    assert_eq!(
        (stderr(&out), out.code),
        (
            format!(
                " !     Invalid container id for app: zzz\n !     Available ids for app (api): {}\n",
                ids.join(" ")
            ),
            1
        )
    );

    for c in &mut host.apps.get_mut("solo").unwrap().containers {
        c.state = ContainerState::Exited;
    }
    let out = run(&mut host, &["enter", "solo", "web", "--", "ls"]);
    assert_eq!(
        (stderr(&out).as_str(), out.code),
        (" !     Container is not running\n", 1)
    );
}

#[test]
fn enter_on_a_never_deployed_app_says_so_unless_a_container_id_is_given() {
    let mut host = host();
    for argv in [
        &["enter", "fresh", "--", "ls"][..],
        &["enter", "fresh", "web", "--", "ls"][..],
    ] {
        let out = run(&mut host, argv);
        assert_eq!(
            (stderr(&out).as_str(), out.code),
            (" !     App fresh has not been deployed\n", 1),
            "{argv:?}"
        );
    }
    // The id path never asks whether the app was deployed.
    let out = run(&mut host, &["enter", "fresh", "--container-id", "abc"]);
    assert_eq!(
        (stderr(&out).as_str(), out.code),
        (
            " !     Invalid container id for app: abc\n !     Available ids for app (fresh): \n",
            1
        )
    );
    let out = run(&mut host, &["enter", "missing-app", "web"]);
    assert_eq!(out.code, 20);
    assert!(stderr(&out).contains("App missing-app does not exist"));
}

#[test]
fn nginx_stop_start_and_reload_say_nothing_of_their_own_and_record_the_proxy_status() {
    let mut host = SimHost::new(profiles::V0_38_27);
    let silent = |out: &Out| (out.stdout.is_empty(), stderr(out), out.code);
    // `fn-plugin-property-write nginx --global proxy-status …`, read by
    // the post-create trigger.
    for (verb, status) in [("nginx:stop", "stopped"), ("nginx:start", "started")] {
        let out = run(&mut host, &[verb]);
        assert_eq!(silent(&out), (true, String::new(), 0), "{verb}");
        assert_eq!(
            host.global_property("nginx", "proxy-status"),
            Some(status),
            "{verb}"
        );
    }
    let out = run(&mut host, &["nginx:reload"]);
    assert_eq!(silent(&out), (true, String::new(), 0));
    // Listed in help, so no longer "not a dokku command".
    let out = run(&mut host, &["nginx:help"]);
    let help = String::from_utf8_lossy(&out.stdout);
    for verb in ["nginx:reload", "nginx:start", "nginx:stop"] {
        assert!(help.contains(verb), "{help}");
    }
}
