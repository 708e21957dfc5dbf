//! `git push` over the SDK's open SSH connection to the `dokku-sim` binary
//! behind a real sshd: the user's `git` rides the ControlMaster (one
//! login for everything), Dokku's hook output arrives as typed deploy
//! events, and the app then runs the pushed commit.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::Sshd;
use dokku_core::api::push::PushSpec;
use dokku_core::model::deploy::{DeployEvent, DeployOutcome, DeployPhase, OutputStreamKind};
use dokku_core::{AppName, Command, Dokku, Error, ExecError};
use futures_util::StreamExt;

/// `HEAD` of the repository at `src` to the demo app's deploy branch.
fn to_master(src: &std::path::Path) -> PushSpec {
    PushSpec::new(&AppName::new("api").unwrap(), src)
        .branch("master")
        .unwrap()
}

/// The commit the demo app's repository says it runs.
async fn git_sha(dokku: &Dokku) -> String {
    let out = dokku
        .run(&Command::read("git:report").arg("api").arg("--git-sha"))
        .await
        .unwrap();
    out.stdout_lossy().trim().to_owned()
}

async fn events(dokku: &Dokku, spec: &PushSpec) -> Vec<DeployEvent> {
    let mut stream = dokku.deploys().push(spec).await.unwrap();
    let mut all = Vec::new();
    while let Some(event) = stream.next().await {
        all.push(event.unwrap());
    }
    all
}

fn outcome(events: &[DeployEvent]) -> &DeployOutcome {
    match events.last() {
        Some(DeployEvent::Finished { outcome }) => outcome,
        other => panic!("no outcome last: {other:?}"),
    }
}

#[tokio::test]
async fn a_push_rides_the_open_connection_and_the_app_runs_the_pushed_commit() {
    let Some(sshd) = Sshd::start() else { return };
    let src = tempfile::tempdir().unwrap();
    let sha = common::git_repository(src.path(), &[("Dockerfile", "FROM nginx:1.27\n")]);
    let exec = sshd.connect().await;
    let dokku = Dokku::new(exec.clone());
    let all = events(&dokku, &to_master(src.path())).await;
    assert!(
        matches!(outcome(&all), DeployOutcome::Succeeded { .. }),
        "{all:#?}\n{}",
        sshd.log_text()
    );
    // Dokku's lines, without git's `remote: ` prefix, on stdout; its
    // headers mark the phases.
    let lines: Vec<&str> = all
        .iter()
        .filter_map(|e| match e {
            DeployEvent::Line {
                stream: OutputStreamKind::Stdout,
                text,
            } => Some(text.as_str()),
            _ => None,
        })
        .collect();
    assert!(
        lines.contains(&"-----> Building api from Dockerfile"),
        "{all:#?}\n{}",
        sshd.log_text()
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("=====> Application deployed")),
        "{lines:#?}"
    );
    let phases: Vec<DeployPhase> = all
        .iter()
        .filter_map(|e| match e {
            DeployEvent::Phase { phase } => Some(*phase),
            _ => None,
        })
        .collect();
    assert!(phases.contains(&DeployPhase::Build), "{phases:?}");
    assert_eq!(phases.last(), Some(&DeployPhase::Deployed), "{phases:?}");

    // The app runs the pushed commit.
    assert_eq!(deploy_source_metadata(&dokku).await, sha);
    assert_eq!(git_sha(&dokku).await, sha);

    // The same commit again: git finds nothing to push, no hook runs.
    let again = events(&dokku, &to_master(src.path())).await;
    assert_eq!(outcome(&again), &DeployOutcome::Unchanged, "{again:#?}");
    assert!(
        !again.iter().any(|e| matches!(e, DeployEvent::Phase { .. })),
        "{again:#?}"
    );
    // One login: the pushes were channels on the SDK's connection.
    assert_eq!(sshd.accepted_logins(), 1, "{}", sshd.log_text());
    exec.close().await.unwrap();
}

#[tokio::test]
async fn a_push_that_fails_to_build_names_the_phase_and_dokkus_words() {
    let Some(sshd) = Sshd::start() else { return };
    let src = tempfile::tempdir().unwrap();
    common::git_repository(src.path(), &[("index.js", "console.log(1)\n")]);
    sshd.fail_next_deploy("api", dokku_sim::DeployFailure::Build);
    let exec = sshd.connect().await;
    let dokku = Dokku::new(exec.clone());
    let all = events(&dokku, &to_master(src.path())).await;
    match outcome(&all) {
        DeployOutcome::Failed {
            phase,
            message,
            exit_code,
        } => {
            assert_eq!(*phase, DeployPhase::Build, "{all:#?}");
            assert_eq!(message, "App build failed");
            // git's exit 1 (`pre-receive hook declined`) is not Dokku's.
            assert_eq!(*exit_code, None);
        }
        other => panic!("{other:?}\n{all:#?}"),
    }
    // git's own rejection is shown, as stderr.
    assert!(
        all.iter().any(|e| matches!(e, DeployEvent::Line { stream: OutputStreamKind::Stderr, text } if text.contains("pre-receive hook declined"))),
        "{all:#?}"
    );
    exec.close().await.unwrap();
}

#[tokio::test]
async fn a_push_git_refuses_before_the_host_says_anything_is_an_error() {
    let Some(sshd) = Sshd::start() else { return };
    let src = tempfile::tempdir().unwrap();
    common::git_repository(src.path(), &[("a", "1")]);
    let exec = sshd.connect().await;
    let dokku = Dokku::new(exec.clone());
    let spec = PushSpec::new(&AppName::new("api").unwrap(), src.path())
        .source("no-such-branch")
        .unwrap();
    let mut stream = dokku.deploys().push(&spec).await.unwrap();
    let mut error = None;
    while let Some(event) = stream.next().await {
        if let Err(e) = event {
            error = Some(e);
        }
    }
    let error = error.expect("an error");
    assert!(error.to_string().contains("no-such-branch"), "{error}");
    exec.close().await.unwrap();
}

#[tokio::test]
async fn an_executor_without_ssh_cannot_push_and_says_so() {
    let dokku = Dokku::new(dokku_sim::SimExecutor::new(dokku_sim::scenario::demo()));
    let spec = PushSpec::new(&AppName::new("api").unwrap(), ".");
    let error = match dokku.deploys().push(&spec).await {
        Err(e) => e,
        Ok(_) => panic!("pushed without SSH"),
    };
    assert!(
        matches!(
            error,
            Error::Transport {
                source: ExecError::Unsupported { .. },
                ..
            }
        ),
        "{error}"
    );
}

#[tokio::test]
async fn a_push_to_a_pinned_host_trusts_the_pin_alone() {
    use dokku_core::Executor;
    let Some(sshd) = Sshd::start() else { return };
    let src = tempfile::tempdir().unwrap();
    let sha = common::git_repository(src.path(), &[("index.js", "1\n")]);
    // A known_hosts that knows nothing: only the pin lets the push in.
    let empty = sshd.dir.path().join("empty_known_hosts");
    std::fs::write(&empty, "").unwrap();
    let key = std::fs::read_to_string(sshd.dir.path().join("host_key.pub")).unwrap();
    let exec = sshd
        .builder()
        .known_hosts_file(&empty)
        .pin_host_key(dokku_ssh::HostKey::parse(&key).unwrap())
        .connect()
        .await
        .unwrap();
    let transport = exec.git_transport().await.unwrap();
    assert!(
        !transport.ssh_command().contains("UserKnownHostsFile"),
        "{}",
        transport.ssh_command()
    );
    assert!(
        transport
            .ssh_command()
            .contains("'StrictHostKeyChecking=yes'"),
        "{}",
        transport.ssh_command()
    );
    let dokku = Dokku::new(exec.clone());
    let all = events(&dokku, &to_master(src.path())).await;
    assert!(
        matches!(outcome(&all), DeployOutcome::Succeeded { .. }),
        "{all:#?}"
    );
    assert_eq!(git_sha(&dokku).await, sha);
    assert_eq!(sshd.accepted_logins(), 1, "{}", sshd.log_text());
    // Nothing was recorded in the (empty) known_hosts.
    assert_eq!(std::fs::read_to_string(&empty).unwrap(), "");
    exec.close().await.unwrap();
}

#[tokio::test]
async fn a_push_whose_build_is_cancelled_from_elsewhere_ends_cancelled_not_failed() {
    // Ten minutes after each deploy line: the build is still printing
    // whenever the test acts.
    let Some(sshd) = Sshd::start_with(common::Options {
        deploy_line_ms: Some(600_000),
        ..common::Options::default()
    }) else {
        return;
    };
    let src = tempfile::tempdir().unwrap();
    common::git_repository(src.path(), &[("Dockerfile", "FROM nginx:1.27\n")]);
    let exec = sshd.connect().await;
    let dokku = Dokku::new(exec.clone());
    let running = deploy_source_metadata(&dokku).await;
    let mut stream = dokku.deploys().push(&to_master(src.path())).await.unwrap();
    // Dokku's first line: the hook is building.
    loop {
        if let DeployEvent::Line {
            stream: OutputStreamKind::Stdout,
            ..
        } = stream.next().await.unwrap().unwrap()
        {
            break;
        }
    }
    dokku
        .builds()
        .cancel(&AppName::new("api").unwrap())
        .await
        .unwrap();
    let mut rest = Vec::new();
    while let Some(event) = stream.next().await {
        rest.push(event.unwrap());
    }
    // git only says the hook declined; the host's build record says why.
    assert!(
        matches!(outcome(&rest), DeployOutcome::Cancelled { .. }),
        "{rest:#?}\n{}",
        sshd.log_text()
    );
    // What ran before the push still runs.
    assert_eq!(deploy_source_metadata(&dokku).await, running);
    exec.close().await.unwrap();
}

/// What the demo app's `apps:report` says it was deployed from.
async fn deploy_source_metadata(dokku: &Dokku) -> String {
    let report = dokku
        .run(
            &Command::read("apps:report")
                .arg("api")
                .arg("--app-deploy-source-metadata"),
        )
        .await
        .unwrap();
    report.stdout_lossy().trim().to_owned()
}
