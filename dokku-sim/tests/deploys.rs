//! Deploying on the simulated host through the SDK's typed deploys: an
//! image on the host builds and deploys, phase by phase, and is recorded
//! as a succeeded build with its source; deploying it again changes
//! nothing (Dokku's `git-from-directory` refuses); an image the host does
//! not have cannot be pulled (it has no network, as recorded). Paced, a
//! deploy prints a line at a time (on tokio's paused clock: exact, and no
//! test waits in real time). Made to fail at a phase, a deploy says what
//! Dokku says there, and its build record ends `failed`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Duration;

use dokku_core::api::builds::BuildFilter;
use dokku_core::api::deploy::DeploySpec;
use dokku_core::model::deploy::{DeployEvent, DeployOutcome, DeployPhase};
use dokku_core::{AppName, Dokku};
use dokku_sim::host::profiles;
use dokku_sim::{DeployFailure, SimExecutor, SimHost};
use futures_util::StreamExt;
use tokio::time::Instant;

fn host_with_app() -> (Dokku, AppName) {
    let mut host = SimHost::new(profiles::V0_38_27);
    host.images.insert("ghcr.io/acme/api:v1".to_owned());
    host.images.insert("ghcr.io/acme/api:v2".to_owned());
    let dokku = Dokku::new(SimExecutor::new(host));
    (dokku, AppName::new("api").unwrap())
}

async fn deploy(dokku: &Dokku, spec: &DeploySpec) -> (Vec<DeployPhase>, DeployOutcome) {
    let mut events = dokku.deploys().stream(spec).await.unwrap();
    let mut phases = Vec::new();
    while let Some(event) = events.next().await {
        match event.unwrap() {
            DeployEvent::Phase { phase } => phases.push(phase),
            DeployEvent::Finished { outcome } => return (phases, outcome),
            _ => {}
        }
    }
    panic!("the deploy stream ended without an outcome");
}

#[tokio::test]
async fn an_image_on_the_host_deploys_through_every_phase_and_is_recorded() {
    let (dokku, app) = host_with_app();
    dokku.apps().create(&app).await.unwrap();
    dokku
        .domains()
        .add(&app, &[dokku_core::Domain::new("api.example.com").unwrap()])
        .await
        .unwrap();
    let spec = DeploySpec::image(&app, "ghcr.io/acme/api:v1").unwrap();
    let (phases, outcome) = deploy(&dokku, &spec).await;
    assert_eq!(
        phases,
        [
            DeployPhase::Source,
            DeployPhase::Build,
            DeployPhase::Release,
            DeployPhase::Deploy,
            DeployPhase::PostDeploy,
            DeployPhase::Deployed
        ]
    );
    assert_eq!(
        outcome,
        DeployOutcome::Succeeded {
            urls: vec!["http://api.example.com".to_owned()]
        }
    );
    let builds = dokku
        .builds()
        .list(&app, &BuildFilter::default())
        .await
        .unwrap();
    assert_eq!(builds.len(), 1, "{builds:?}");
    assert_eq!(
        builds[0].display_status.as_ref().map(|s| s.as_str()),
        Some("succeeded")
    );
    assert_eq!(builds[0].source, "git:from-image");
    let git = dokku
        .report::<dokku_core::model::git::GitReport>()
        .app(&app)
        .await
        .unwrap();
    assert_eq!(git.source_image.app.as_deref(), Some("ghcr.io/acme/api:v1"));
}

#[tokio::test]
async fn a_second_image_then_the_first_again_each_deploy_and_the_same_image_is_no_change() {
    let (dokku, app) = host_with_app();
    dokku.apps().create(&app).await.unwrap();
    for image in [
        "ghcr.io/acme/api:v1",
        "ghcr.io/acme/api:v2",
        "ghcr.io/acme/api:v1",
    ] {
        let (_, outcome) = deploy(&dokku, &DeploySpec::image(&app, image).unwrap()).await;
        assert!(outcome.succeeded(), "{image}: {outcome:?}");
    }
    let (_, again) = deploy(
        &dokku,
        &DeploySpec::image(&app, "ghcr.io/acme/api:v1").unwrap(),
    )
    .await;
    assert_eq!(
        again,
        DeployOutcome::Failed {
            phase: DeployPhase::Source,
            exit_code: Some(1),
            message: "Call 'ps:rebuild' on app to rebuild the app from existing source".to_owned(),
        }
    );
    let statuses: Vec<String> = dokku
        .builds()
        .list(&app, &BuildFilter::default())
        .await
        .unwrap()
        .into_iter()
        .filter_map(|b| b.display_status.map(String::from))
        .collect();
    assert_eq!(
        statuses,
        ["abandoned", "succeeded", "succeeded", "succeeded"]
    );
}

#[tokio::test]
async fn an_image_the_host_lacks_fails_to_pull_in_the_source_phase() {
    let (dokku, app) = host_with_app();
    dokku.apps().create(&app).await.unwrap();
    let (_, outcome) = deploy(&dokku, &DeploySpec::image(&app, "nginx:alpine").unwrap()).await;
    assert_eq!(
        outcome,
        DeployOutcome::Failed {
            phase: DeployPhase::Source,
            exit_code: Some(1),
            message: "Failed to pull image: nginx:alpine".to_owned(),
        }
    );
}

#[tokio::test]
async fn a_rebuild_of_a_deployed_image_builds_from_its_dockerfile_again() {
    let (dokku, app) = host_with_app();
    dokku.apps().create(&app).await.unwrap();
    deploy(
        &dokku,
        &DeploySpec::image(&app, "ghcr.io/acme/api:v2").unwrap(),
    )
    .await;
    let mut events = dokku
        .deploys()
        .stream(&DeploySpec::rebuild(&app))
        .await
        .unwrap();
    let mut saw_dockerfile = false;
    let mut outcome = None;
    while let Some(event) = events.next().await {
        match event.unwrap() {
            DeployEvent::Line { text, .. } => {
                saw_dockerfile |= text == "-----> Building api from Dockerfile";
            }
            DeployEvent::Finished { outcome: o } => outcome = Some(o),
            _ => {}
        }
    }
    assert!(saw_dockerfile);
    assert!(outcome.unwrap().succeeded());
}

#[tokio::test]
async fn a_builds_output_is_what_its_build_printed() {
    let (dokku, app) = host_with_app();
    dokku.apps().create(&app).await.unwrap();
    let output = |id: String| {
        let (dokku, app) = (dokku.clone(), app.clone());
        async move {
            let lines = dokku.builds().output(&app, Some(&id)).await.unwrap();
            let lines: Vec<String> = lines.map(Result::unwrap).collect().await;
            lines.join("\n") + "\n"
        }
    };
    // A deploy's log is what the git plugin printed from its build capture
    // on: the image's own lines, not the `apps:create` before it.
    let spec = DeploySpec::image(&app, "ghcr.io/acme/api:v1").unwrap();
    let deployed = dokku.run(&spec.command().unwrap()).await.unwrap();
    let deployed = deployed.stdout_lossy();
    let newest = |dokku: Dokku, app: AppName| async move {
        dokku
            .builds()
            .list(&app, &BuildFilter::default())
            .await
            .unwrap()[0]
            .id
            .clone()
    };
    let log = output(newest(dokku.clone(), app.clone()).await).await;
    assert!(
        log.starts_with("-----> Generating build context\n"),
        "{log}"
    );
    assert!(log.contains("-----> Releasing api...\n"), "{log}");
    // `release_and_deploy` names the scheduler.
    assert!(
        log.contains("-----> Deploying api via the docker-local scheduler...\n"),
        "{log}"
    );
    assert!(deployed.ends_with(&log), "{deployed}\n---\n{log}");
    // A rebuild's is all it printed, standard error merged in.
    let rebuild = dokku
        .run(&dokku_core::Command::write("ps:rebuild").arg(&app))
        .await
        .unwrap();
    assert!(rebuild.stderr.is_empty());
    let log = output(newest(dokku.clone(), app.clone()).await).await;
    assert_eq!(log, rebuild.stdout_lossy());
    // The current build, none running, is still Dokku's words.
    let current = dokku.builds().output(&app, None).await.unwrap();
    let current: Vec<String> = current.map(Result::unwrap).collect().await;
    assert_eq!(current, ["-----> App not currently deploying"]);
}

#[tokio::test]
async fn the_last_build_is_none_until_one_ran_and_on_a_host_before_0_38() {
    let (dokku, app) = host_with_app();
    dokku.apps().create(&app).await.unwrap();
    assert_eq!(dokku.builds().last(&app).await.unwrap(), None);
    deploy(
        &dokku,
        &DeploySpec::image(&app, "ghcr.io/acme/api:v1").unwrap(),
    )
    .await;
    let last = dokku.builds().last(&app).await.unwrap().unwrap();
    assert_eq!(
        (
            last.build_status.as_ref().map(|s| s.as_str()),
            last.build_source.as_deref()
        ),
        (Some("succeeded"), Some("git:from-image"))
    );
    let listed = dokku
        .builds()
        .list(&app, &BuildFilter::default())
        .await
        .unwrap();
    assert_eq!(last.build_id.as_ref(), Some(&listed[0].id));
    // A host before 0.38 records no builds: none.
    let old = Dokku::new(SimExecutor::new(SimHost::new(profiles::V0_35_20)));
    old.apps().create(&app).await.unwrap();
    assert_eq!(old.builds().last(&app).await.unwrap(), None);
    // A missing app is said so.
    let missing = AppName::new("missing").unwrap();
    assert!(matches!(
        dokku.builds().last(&missing).await,
        Err(dokku_core::Error::AppNotFound { .. })
    ));
}

/// Each line of a deploy with the time it arrived, and the outcome with
/// its time, on tokio's paused clock.
async fn timed(
    dokku: &Dokku,
    spec: &DeploySpec,
) -> (Vec<(String, Duration)>, DeployOutcome, Duration) {
    let started = Instant::now();
    let mut events = dokku.deploys().stream(spec).await.unwrap();
    let mut lines = Vec::new();
    while let Some(event) = events.next().await {
        match event.unwrap() {
            DeployEvent::Line { text, .. } => lines.push((text, started.elapsed())),
            DeployEvent::Finished { outcome } => return (lines, outcome, started.elapsed()),
            _ => {}
        }
    }
    panic!("the deploy stream ended without an outcome");
}

fn paced(per_line: Duration) -> (Dokku, SimExecutor, AppName) {
    let mut host = SimHost::new(profiles::V0_38_27);
    host.images.insert("ghcr.io/acme/api:v1".to_owned());
    let sim = SimExecutor::new(host).with_deploy_pacing(per_line);
    (Dokku::new(sim.clone()), sim, AppName::new("api").unwrap())
}

#[tokio::test(start_paused = true)]
async fn a_paced_deploy_prints_a_line_then_waits_before_the_next() {
    let per_line = Duration::from_millis(100);
    let (dokku, _, app) = paced(per_line);
    // Creating an app is not a deploy: it answers at once.
    let started = Instant::now();
    dokku.apps().create(&app).await.unwrap();
    assert_eq!(started.elapsed(), Duration::ZERO);

    let spec = DeploySpec::image(&app, "ghcr.io/acme/api:v1").unwrap();
    let (lines, outcome, ended) = timed(&dokku, &spec).await;
    assert!(outcome.succeeded(), "{outcome:?}");
    assert!(lines.len() > 5, "{lines:?}");
    for (index, (text, at)) in lines.iter().enumerate() {
        // A line is read when its newline arrives: line i at i × 100 ms.
        let expected = per_line * u32::try_from(index).unwrap();
        assert_eq!(*at, expected, "line {index} {text:?}");
    }
    // The exit status comes one pause after the last line.
    let n = u32::try_from(lines.len()).unwrap();
    assert_eq!(ended, per_line * n);
}

#[tokio::test(start_paused = true)]
async fn a_deploy_run_to_its_end_takes_as_long_as_its_paced_lines() {
    let per_line = Duration::from_millis(100);
    let (dokku, _, app) = paced(per_line);
    dokku.apps().create(&app).await.unwrap();
    let spec = DeploySpec::image(&app, "ghcr.io/acme/api:v1").unwrap();
    // The same deploy unpaced, on another host, counts its lines.
    let (unpaced, _, _) = {
        let (plain, _, app) = paced(Duration::ZERO);
        plain.apps().create(&app).await.unwrap();
        timed(&plain, &spec).await
    };
    assert!(unpaced.iter().all(|(_, at)| at.is_zero()), "{unpaced:?}");
    let started = Instant::now();
    let outcome = dokku.deploys().run(&spec).await.unwrap();
    assert!(outcome.succeeded());
    assert_eq!(
        started.elapsed(),
        per_line * u32::try_from(unpaced.len()).unwrap()
    );
}

/// A client over a state directory whose host has the two images, deploys
/// paced at `per_line`, and the app `api` created.
async fn on_state_directory(
    per_line: Duration,
) -> (tempfile::TempDir, dokku_sim::StateDir, Dokku, AppName) {
    let dir = tempfile::tempdir().unwrap();
    let state = dokku_sim::StateDir::open(dir.path(), || {
        let mut host = SimHost::new(profiles::V0_38_27);
        host.images.insert("ghcr.io/acme/api:v1".to_owned());
        host.images.insert("ghcr.io/acme/api:v2".to_owned());
        host
    })
    .unwrap();
    let dokku =
        Dokku::new(dokku_sim::PersistentExecutor::new(state.clone()).with_deploy_pacing(per_line));
    let app = AppName::new("api").unwrap();
    dokku.apps().create(&app).await.unwrap();
    (dir, state, dokku, app)
}

#[tokio::test(start_paused = true)]
async fn a_paced_deploy_on_a_state_directory_is_saved_before_its_output_ends() {
    let per_line = Duration::from_millis(250);
    let (_dir, state, dokku, app) = on_state_directory(per_line).await;
    let spec = DeploySpec::image(&app, "ghcr.io/acme/api:v1").unwrap();
    let mut events = dokku.deploys().stream(&spec).await.unwrap();
    let first = events.next().await.unwrap().unwrap();
    assert!(matches!(first, DeployEvent::Line { .. }), "{first:?}");
    // Another program sees the deploy while this one still prints it.
    let host = state.load().unwrap();
    assert_eq!(
        host.apps["api"].deploy_source_metadata,
        "ghcr.io/acme/api:v1"
    );
    let started = Instant::now();
    let mut rest = 0u32;
    while let Some(event) = events.next().await {
        if let DeployEvent::Line { .. } = event.unwrap() {
            rest += 1;
        }
    }
    assert!(rest > 5);
    // Every later line after a pause, and the exit after one more.
    assert_eq!(started.elapsed(), per_line * (rest + 1));
}

fn failing(failure: DeployFailure) -> (Dokku, SimExecutor, AppName) {
    let (dokku, sim, app) = paced(Duration::ZERO);
    sim.with_host(|host| {
        host.images.insert("ghcr.io/acme/api:v2".to_owned());
    });
    sim.fail_next_deploy("api", failure);
    (dokku, sim, app)
}

async fn build_statuses(dokku: &Dokku, app: &AppName) -> Vec<String> {
    dokku
        .builds()
        .list(app, &BuildFilter::default())
        .await
        .unwrap()
        .into_iter()
        .filter_map(|b| b.display_status.map(String::from))
        .collect()
}

#[tokio::test]
async fn a_deploy_made_to_fail_reports_its_phase_and_dokkus_words_and_its_build_failed() {
    let cases = [
        (DeployFailure::Build, DeployPhase::Build, "App build failed"),
        (
            DeployFailure::Release,
            DeployPhase::Release,
            "Execution of release task failed: ./release.sh",
        ),
        (
            DeployFailure::Healthcheck,
            DeployPhase::Deploy,
            "Could not start due to 1 failed checks (web.1)",
        ),
        (
            DeployFailure::PostDeploy,
            DeployPhase::PostDeploy,
            "Execution of postdeploy task failed: ./postdeploy.sh",
        ),
    ];
    assert_eq!(cases.len(), DeployFailure::ALL.len());
    for (failure, phase, message) in cases {
        let (dokku, _, app) = failing(failure);
        dokku.apps().create(&app).await.unwrap();
        let spec = DeploySpec::image(&app, "ghcr.io/acme/api:v1").unwrap();
        let (_, outcome) = deploy(&dokku, &spec).await;
        assert_eq!(
            outcome,
            DeployOutcome::Failed {
                phase,
                exit_code: Some(1),
                message: message.to_owned(),
            },
            "{failure:?}"
        );
        assert_eq!(
            build_statuses(&dokku, &app).await,
            ["failed"],
            "{failure:?}"
        );
        // Once: the next build of the same source succeeds.
        let outcome = dokku
            .deploys()
            .run(&DeploySpec::rebuild(&app))
            .await
            .unwrap();
        assert!(outcome.succeeded(), "{failure:?} again: {outcome:?}");
        assert_eq!(
            build_statuses(&dokku, &app).await,
            ["succeeded", "failed"],
            "{failure:?}"
        );
    }
}

#[tokio::test]
async fn a_failed_build_prints_the_builders_words_and_retags_the_running_image() {
    let (dokku, sim, app) = paced(Duration::ZERO);
    sim.with_host(|host| host.images.insert("ghcr.io/acme/api:v2".to_owned()));
    dokku.apps().create(&app).await.unwrap();
    let v1 = DeploySpec::image(&app, "ghcr.io/acme/api:v1").unwrap();
    assert!(dokku.deploys().run(&v1).await.unwrap().succeeded());
    sim.fail_next_deploy("api", DeployFailure::Build);
    let v2 = DeploySpec::image(&app, "ghcr.io/acme/api:v2").unwrap();
    let mut events = dokku.deploys().stream(&v2).await.unwrap();
    let mut lines = Vec::new();
    while let Some(event) = events.next().await {
        if let DeployEvent::Line { text, .. } = event.unwrap() {
            lines.push(text);
        }
    }
    let tail: Vec<&str> = lines
        .iter()
        .rev()
        .take(3)
        .rev()
        .map(String::as_str)
        .collect();
    assert!(tail[0].starts_with("ERROR: failed to solve: "), "{lines:?}");
    assert!(
        tail[1].starts_with(" !     Retagging old image ")
            && tail[1].ends_with(" as dokku/api:latest"),
        "{lines:?}"
    );
    assert_eq!(tail[2], " !     App build failed");
    // Nothing was deployed: v1's containers still run.
    let running = sim.with_host(|h| h.apps["api"].containers.clone());
    assert_eq!(running.len(), 1);
}

#[tokio::test]
async fn a_failed_healthcheck_keeps_the_old_containers_and_leaves_the_crash_for_logs_failed() {
    let (dokku, sim, app) = paced(Duration::ZERO);
    dokku.apps().create(&app).await.unwrap();
    let v1 = DeploySpec::image(&app, "ghcr.io/acme/api:v1").unwrap();
    assert!(dokku.deploys().run(&v1).await.unwrap().succeeded());
    let before = sim.with_host(|h| h.apps["api"].containers.clone());
    // Met by a restart too: every deploy runs the checks.
    sim.fail_next_deploy("api", DeployFailure::Healthcheck);
    let restart = dokku_sim::dispatch(
        &mut sim.host().lock().unwrap(),
        &["ps:restart".to_owned(), "api".to_owned()],
        b"",
    );
    let out = restart.output();
    assert_eq!(out.code, 1);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains(" !     Could not start due to 1 failed checks (web.1)\n"),
        "{text}"
    );
    assert!(!text.contains("Application deployed"), "{text}");
    assert_eq!(sim.with_host(|h| h.apps["api"].containers.clone()), before);
    let failed = dokku_sim::dispatch(
        &mut sim.host().lock().unwrap(),
        &["logs:failed".to_owned(), "api".to_owned()],
        b"",
    );
    assert!(String::from_utf8_lossy(&failed.output().stdout)
        .contains("Error: Cannot find module '/app/server.js'"));
    // A build failure waits for a build: a restart does not meet it.
    sim.fail_next_deploy("api", DeployFailure::Build);
    dokku.ps().restart(&app).send().await.unwrap();
    assert_eq!(
        sim.with_host(|h| h.deploy_faults.get("api").copied()),
        Some(DeployFailure::Build)
    );
}

#[tokio::test]
async fn a_gated_deploy_prints_its_next_line_only_when_the_test_steps_it() {
    let (dokku, sim, app) = paced(Duration::ZERO);
    dokku.apps().create(&app).await.unwrap();
    let gate = sim.gate_deploys();
    let spec = DeploySpec::image(&app, "ghcr.io/acme/api:v1").unwrap();
    let mut events = dokku.deploys().stream(&spec).await.unwrap();
    // Lines and phase markers up to the first line's, then nothing.
    let mut lines = 0;
    while lines < 1 {
        if let DeployEvent::Line { .. } = events.next().await.unwrap().unwrap() {
            lines += 1;
        }
    }
    let mut pending = futures_util::FutureExt::now_or_never(events.next());
    while let Some(Some(Ok(DeployEvent::Phase { .. }))) = pending {
        pending = futures_util::FutureExt::now_or_never(events.next());
    }
    assert!(
        pending.is_none(),
        "a line came through a closed gate: {pending:?}"
    );
    gate.step(1);
    loop {
        if let DeployEvent::Line { .. } = events.next().await.unwrap().unwrap() {
            break;
        }
    }
    gate.open();
    let mut outcome = None;
    while let Some(event) = events.next().await {
        if let DeployEvent::Finished { outcome: o } = event.unwrap() {
            outcome = Some(o);
        }
    }
    assert!(outcome.unwrap().succeeded());
}

#[test]
fn each_builder_announces_itself_as_dokku_does_and_prints_its_own_lines() {
    let run = |host: &mut SimHost, line: &str| {
        let argv: Vec<String> = line.split(' ').map(str::to_owned).collect();
        let out = dokku_sim::dispatch(host, &argv, b"").into_output();
        assert_eq!(
            out.code,
            0,
            "{line}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let mut host = dokku_sim::scenario::demo();
    // herokuish, the default for a git source.
    let out = run(&mut host, "ps:rebuild blog");
    assert!(
        out.contains("-----> Building blog from herokuish\n"),
        "{out}"
    );
    assert!(
        out.contains("-----> Discovering process types\n       Procfile declares types -> web\n"),
        "{out}"
    );
    // A buildpacks stack names the image built from.
    run(
        &mut host,
        "buildpacks:set-property blog stack gliderlabs/herokuish:latest-24",
    );
    let out = run(&mut host, "ps:rebuild blog");
    assert!(
        out.contains("-----> Building blog from gliderlabs/herokuish:latest-24\n"),
        "{out}"
    );
    // pack, selected: DOKKU_CNB_BUILDER's default (or the stack), then
    // the lifecycle's phases.
    run(&mut host, "buildpacks:set-property blog stack");
    run(&mut host, "builder:set blog selected pack");
    let out = run(&mut host, "ps:rebuild blog");
    assert!(
        out.contains("-----> Building blog from cnb stack heroku/builder:24...\n"),
        "{out}"
    );
    let phases: Vec<&str> = out.lines().filter(|l| l.starts_with("===> ")).collect();
    assert_eq!(
        phases,
        [
            "===> DETECTING",
            "===> ANALYZING",
            "===> RESTORING",
            "===> BUILDING",
            "===> EXPORTING"
        ]
    );
    assert!(out.contains("=====> Application deployed:"), "{out}");
}

/// The outcome a deploy stream ends with, and the lines it printed.
async fn finish(
    events: &mut (impl futures_util::Stream<Item = dokku_core::Result<DeployEvent>> + Unpin),
) -> (usize, DeployOutcome) {
    let mut lines = 0;
    while let Some(event) = events.next().await {
        match event.unwrap() {
            DeployEvent::Line { .. } => lines += 1,
            DeployEvent::Finished { outcome } => return (lines, outcome),
            _ => {}
        }
    }
    panic!("the deploy stream ended without an outcome");
}

#[tokio::test]
async fn a_build_cancelled_while_it_prints_stops_at_once_and_is_recorded_canceled() {
    let (dokku, sim, app) = paced(Duration::ZERO);
    dokku.apps().create(&app).await.unwrap();
    let gate = sim.gate_deploys();
    let spec = DeploySpec::image(&app, "ghcr.io/acme/api:v1").unwrap();
    let mut events = dokku.deploys().stream(&spec).await.unwrap();
    let first = events.next().await.unwrap().unwrap();
    assert!(matches!(first, DeployEvent::Line { .. }), "{first:?}");
    // While it prints, its record runs; cancel ends it, in Dokku's words.
    let output = dokku
        .run(&dokku_core::api::builds::cancel_command(&app))
        .await
        .unwrap();
    assert_eq!(output.stdout_lossy(), "-----> Killing app deploy\n");
    // No further line comes, though the gate never opens.
    let (lines, outcome) = finish(&mut events).await;
    assert_eq!(lines, 0);
    assert!(
        matches!(outcome, DeployOutcome::Cancelled { .. }),
        "{outcome:?}"
    );
    assert_eq!(build_statuses(&dokku, &app).await, ["canceled"]);
    // The app is as the deploy found it: never deployed.
    let api = sim.with_host(|h| h.apps["api"].clone());
    assert!(!api.deployed && api.deploy_source_metadata.is_empty());
    // Nothing runs now: a second cancel finds nothing to end.
    let again = dokku
        .run(&dokku_core::api::builds::cancel_command(&app))
        .await
        .unwrap();
    assert!(again.stdout_lossy().contains("App not currently deploying"));
    drop(gate);
}

#[tokio::test(start_paused = true)]
async fn a_paced_deploy_on_a_state_directory_cancelled_by_another_command_leaves_the_release_before_it(
) {
    let per_line = Duration::from_millis(250);
    let (_dir, state, dokku, app) = on_state_directory(per_line).await;

    // A deploy printed to its end releases its record as it ended.
    let spec = DeploySpec::image(&app, "ghcr.io/acme/api:v1").unwrap();
    let mut events = dokku.deploys().stream(&spec).await.unwrap();
    let (lines, outcome) = finish(&mut events).await;
    assert!(outcome.succeeded(), "{outcome:?}");
    assert!(lines > 5);
    let v1 = state.load().unwrap().apps["api"].clone();

    let spec = DeploySpec::image(&app, "ghcr.io/acme/api:v2").unwrap();
    let mut events = dokku.deploys().stream(&spec).await.unwrap();
    let _ = events.next().await.unwrap().unwrap();
    dokku.builds().cancel(&app).await.unwrap();
    let (_, outcome) = finish(&mut events).await;
    assert!(
        matches!(outcome, DeployOutcome::Cancelled { .. }),
        "{outcome:?}"
    );
    assert_eq!(
        build_statuses(&dokku, &app).await,
        ["canceled", "succeeded"]
    );
    // v1 runs, as it did before the cancelled deploy.
    let mut now = state.load().unwrap().apps["api"].clone();
    assert_eq!(now.deploy_source_metadata, "ghcr.io/acme/api:v1");
    now.extra.remove("builds");
    let mut before = v1;
    before.extra.remove("builds");
    assert_eq!(now, before);
}

/// Dokku's deploy lock is a `flock` on a file: `apps:lock` only creates
/// the file, so a build takes the lock anyway (nothing holds it), and the
/// lock's release deletes the file. A locked app is built and deployed,
/// and is unlocked after, whether the build succeeded or failed. (Read
/// from Dokku v0.38.27's source, `git_receive_app` and
/// `release_advisory_lock`; no recording covers it.)
#[test]
fn a_build_of_a_locked_app_goes_ahead_and_leaves_it_unlocked() {
    let run = |host: &mut SimHost, line: &str| {
        let argv: Vec<String> = line.split(' ').map(str::to_owned).collect();
        dokku_sim::dispatch(host, &argv, b"").into_output()
    };
    let mut host = dokku_sim::scenario::demo();
    for failure in [None, Some(DeployFailure::Build)] {
        assert_eq!(run(&mut host, "apps:lock blog").code, 0);
        assert_eq!(run(&mut host, "apps:locked blog").code, 0);
        if let Some(failure) = failure {
            host.fail_next_deploy("blog", failure);
        }
        let built = run(&mut host, "ps:rebuild blog");
        assert_eq!(built.code, i32::from(failure.is_some()), "{failure:?}");
        let locked = run(&mut host, "apps:locked blog");
        assert_eq!(locked.code, 1, "{failure:?}: still locked");
        assert!(String::from_utf8_lossy(&locked.stderr).contains("Deploy lock does not exist"));
    }
    // A restart builds nothing: the lock stays.
    run(&mut host, "apps:lock blog");
    assert_eq!(run(&mut host, "ps:restart blog").code, 0);
    assert_eq!(run(&mut host, "apps:locked blog").code, 0);
}

/// A deploy of `api` held after its first line (a gate that never opens
/// until the test says), with its build's id: a build that runs.
async fn printing_deploy(
    dokku: &Dokku,
    sim: &SimExecutor,
    app: &AppName,
) -> (
    dokku_sim::Gate,
    dokku_core::api::lines::LineStream<DeployEvent>,
    String,
) {
    dokku.apps().create(app).await.unwrap();
    let gate = sim.gate_deploys();
    let spec = DeploySpec::image(app, "ghcr.io/acme/api:v1").unwrap();
    let mut events = dokku.deploys().stream(&spec).await.unwrap();
    events.next().await.unwrap().unwrap();
    let listed = dokku
        .builds()
        .list(app, &BuildFilter::default())
        .await
        .unwrap();
    (gate, events, listed[0].id.clone())
}

/// The log of a build that ended.
async fn build_log(dokku: &Dokku, app: &AppName, id: &str) -> Vec<String> {
    dokku
        .builds()
        .output(app, Some(id))
        .await
        .unwrap()
        .map(Result::unwrap)
        .collect()
        .await
}

/// The lines a stream has ready now; panics if it ended.
fn ready_lines(stream: &mut dokku_core::api::lines::LineStream<String>) -> Vec<String> {
    let mut lines = Vec::new();
    loop {
        match futures_util::FutureExt::now_or_never(stream.next()) {
            Some(Some(line)) => lines.push(line.unwrap()),
            Some(None) => panic!("the stream ended: {lines:?}"),
            None => return lines,
        }
    }
}

#[tokio::test(start_paused = true)]
async fn while_a_deploy_prints_its_build_runs_and_its_growing_log_is_followed_without_end() {
    use dokku_core::model::builds::BuildStatus;
    let (dokku, sim, app) = paced(Duration::ZERO);
    let (gate, mut events, id) = printing_deploy(&dokku, &sim, &app).await;
    // Its record runs, in each of Dokku's views.
    let info = dokku.builds().info(&app, &id).await.unwrap();
    assert_eq!(info.display_status, Some(BuildStatus::Running));
    // Which builds live is noted for each command, and kept by none.
    assert!(sim.with_host(|host| host.live_builds.is_empty()));
    let running = dokku.builds().running().await.unwrap();
    assert_eq!(
        running.iter().map(|b| b.id.as_str()).collect::<Vec<_>>(),
        [id.as_str()]
    );
    let last = dokku.builds().last(&app).await.unwrap().unwrap();
    assert_eq!(last.build_status, Some(BuildStatus::Running));
    // Its output (by id, or as the current build) is followed (`tail
    // -f`): the log so far, as much as has been printed.
    let mut by_id = dokku.builds().output(&app, Some(&id)).await.unwrap();
    let mut followed = ready_lines(&mut by_id);
    assert!(!followed.is_empty());
    assert!(
        !followed.iter().any(|l| l.contains("Deploying api")),
        "a line not printed yet: {followed:?}"
    );
    let mut current = dokku.builds().output(&app, None).await.unwrap();
    assert_eq!(ready_lines(&mut current), followed);

    // Once the deploy ends, the build succeeded and its log is whole:
    // the follow gives the lines added since, and still does not end.
    gate.open();
    let (_, outcome) = finish(&mut events).await;
    assert!(outcome.succeeded(), "{outcome:?}");
    let info = dokku.builds().info(&app, &id).await.unwrap();
    assert_eq!(info.display_status, Some(BuildStatus::Succeeded));
    let log = build_log(&dokku, &app, &id).await;
    assert!(log.len() > followed.len(), "{log:?}");
    while followed.len() < log.len() {
        followed.push(by_id.next().await.unwrap().unwrap());
    }
    assert_eq!(followed, log);
    assert!(ready_lines(&mut by_id).is_empty());
    assert!(dokku.builds().running().await.unwrap().is_empty());
}

#[tokio::test]
async fn following_a_build_gives_its_whole_log_once_and_ends_when_it_ends() {
    let (dokku, sim, app) = paced(Duration::ZERO);
    let (gate, mut events, id) = printing_deploy(&dokku, &sim, &app).await;
    // A follow whose clock ends stops there, though Dokku's tail goes on.
    let stopped = dokku
        .builds()
        .follow(&app, &id, futures_util::stream::empty())
        .await
        .unwrap();
    assert!(stopped.collect::<Vec<_>>().await.iter().all(Result::is_ok));
    // The test is the clock: each message is a time to ask.
    let (tick, ticks) = tokio::sync::mpsc::unbounded_channel::<()>();
    let checks = futures_util::stream::unfold(ticks, |mut ticks| async move {
        ticks.recv().await.map(|()| ((), ticks))
    });
    let mut followed = dokku.builds().follow(&app, &id, checks).await.unwrap();
    let mut lines = ready_lines(&mut followed);
    assert!(!lines.is_empty());
    // Asked while it runs: it goes on.
    tick.send(()).unwrap();
    lines.extend(ready_lines(&mut followed));
    // The deploy ends; the next time to ask ends the follow.
    gate.open();
    finish(&mut events).await;
    tick.send(()).unwrap();
    while let Some(line) = followed.next().await {
        lines.push(line.unwrap());
    }
    assert_eq!(lines, build_log(&dokku, &app, &id).await);
}
