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
fn a_deploy_needs_a_source_and_valid_words_before_anything_is_sent() {
    let demo = Demo::new();
    demo.refused(&["deploy", "api"], "say what to deploy");
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
    use std::io::BufRead;
    let demo = Demo::new();
    // Ten minutes after each line: the deploy is still printing when the
    // signal lands, every time, without guessing how long anything takes.
    let mut deploy = demo
        .process()
        .env("DOKKU_SIM_DEPLOY_LINE_MS", "600000")
        .args(["deploy", "api", "--image", "nginx:1.27"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // The first line of the build on stdout is the event waited for; the
    // deadline only turns a broken run into a failure instead of a hang.
    let stdout = deploy.stdout.take().unwrap();
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
        let _ = deploy.kill();
        panic!(
            "the deploy printed nothing: {:?}",
            deploy.wait_with_output()
        );
    };
    assert_eq!(first, "-----> Generating build context");
    let out = cli_support::interrupt(deploy);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(130), "{stderr}");
    // Nothing after the first line was printed: the deploy was cut short.
    assert!(
        rx.try_iter()
            .all(|line| !line.unwrap_or_default().contains("Application deployed")),
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
