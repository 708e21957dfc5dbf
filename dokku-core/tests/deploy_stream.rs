//! A deploy read as typed events: its lines (both streams, credentials
//! masked, cursor codes gone) whatever the chunking, the phases they start,
//! and how it ended — a failed build is an outcome, a refusal before the
//! build or a dropped connection is an error. The failures replayed are
//! the recorded ones (captures-0.38.27-surface.jsonl seq 999–1002).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use dokku_core::api::deploy::{ArchiveType, DeploySpec};
use dokku_core::exec::collect_output;
use dokku_core::model::deploy::{DeployEvent, DeployOutcome, DeployPhase, OutputStreamKind};
use dokku_core::{
    AppName, Capabilities, Chunk, Command, Dokku, DokkuVersion, Error, ExecError, Executor,
    ExitStatus, Output, OutputStream,
};
use futures_util::{stream, StreamExt};

fn app() -> AppName {
    AppName::new("cap-misc").unwrap()
}

/// Streams the given chunks, then ends with `end` (or just stops).
#[derive(Debug)]
struct Replay {
    chunks: Vec<Chunk>,
    end: Option<Result<Chunk, ExecError>>,
    sent: Mutex<Vec<(Vec<String>, Option<usize>)>>,
}

impl Replay {
    fn new(chunks: Vec<Chunk>, end: Option<Result<Chunk, ExecError>>) -> Arc<Self> {
        Arc::new(Self {
            chunks,
            end,
            sent: Mutex::new(Vec::new()),
        })
    }

    /// stdout cut into pieces of `size` bytes, then an exit code.
    fn stdout(text: &str, size: usize, code: i32) -> Arc<Self> {
        let chunks = text
            .as_bytes()
            .chunks(size.max(1))
            .map(|c| Chunk::Stdout(c.to_vec()))
            .collect();
        Self::new(chunks, Some(Ok(Chunk::Exit(ExitStatus::code(code)))))
    }
}

#[async_trait]
impl Executor for Replay {
    async fn run(&self, command: &Command) -> Result<Output, ExecError> {
        collect_output(self.stream(command).await?, usize::MAX).await
    }

    async fn stream(&self, command: &Command) -> Result<OutputStream, ExecError> {
        let command = command.buffered().await?;
        let stdin = command.stdin_bytes().map(|b| b.len());
        self.sent
            .lock()
            .unwrap()
            .push((command.redacted_argv(), stdin));
        let items: Vec<Result<Chunk, ExecError>> = self
            .chunks
            .iter()
            .cloned()
            .map(Ok)
            .chain(self.end.iter().map(|end| match end {
                Ok(chunk) => Ok(chunk.clone()),
                Err(_) => Err(ExecError::Disconnected {
                    host: "dokku.example.com".to_owned(),
                }),
            }))
            .collect();
        Ok(Box::pin(stream::iter(items)))
    }
}

fn client(exec: &Arc<Replay>) -> Dokku {
    Dokku::new(Arc::clone(exec) as Arc<dyn Executor>)
        .with_capabilities(Capabilities::for_version(DokkuVersion::new(0, 38, 27)))
}

async fn deploy_events(exec: &Arc<Replay>, spec: &DeploySpec) -> Vec<Result<DeployEvent, Error>> {
    let stream = client(exec).deploys().stream(spec).await.unwrap();
    stream.collect().await
}

fn lines(events: &[Result<DeployEvent, Error>]) -> Vec<String> {
    events
        .iter()
        .filter_map(|e| match e {
            Ok(DeployEvent::Line { text, .. }) => Some(text.clone()),
            _ => None,
        })
        .collect()
}

fn phases(events: &[Result<DeployEvent, Error>]) -> Vec<DeployPhase> {
    events
        .iter()
        .filter_map(|e| match e {
            Ok(DeployEvent::Phase { phase }) => Some(*phase),
            _ => None,
        })
        .collect()
}

const SYNC_FAILED: &str = "-----> Cloning cap-misc from https://cap-host.invalid/repo.git#\n\
    Cloning into '/tmp/dokku-26036-fn-git-clone.Sqg4hc'...\n\
    fatal: unable to access 'https://cap-host.invalid/repo.git/': Could not resolve host: cap-host.invalid\n";

#[tokio::test]
async fn a_recorded_failed_sync_ends_with_a_failed_outcome_whatever_the_chunking() {
    let spec = DeploySpec::git_sync(&app(), "https://cap-host.invalid/repo.git").unwrap();
    for size in [1, 2, 7, 64, SYNC_FAILED.len()] {
        let exec = Replay::stdout(SYNC_FAILED, size, 128);
        let events = deploy_events(&exec, &spec).await;
        assert_eq!(
            lines(&events),
            SYNC_FAILED.lines().collect::<Vec<_>>(),
            "chunks of {size}"
        );
        assert_eq!(phases(&events), [DeployPhase::Source]);
        match events.last() {
            Some(Ok(DeployEvent::Finished {
                outcome:
                    DeployOutcome::Failed {
                        phase,
                        exit_code,
                        message,
                    },
            })) => {
                assert_eq!(*phase, DeployPhase::Source);
                assert_eq!(*exit_code, Some(128));
                assert!(message.contains("Could not resolve host"), "{message}");
            }
            other => panic!("expected a failed outcome last, got {other:?}"),
        }
        assert_eq!(
            exec.sent.lock().unwrap()[0].0,
            [
                "git:sync",
                "--build",
                "cap-misc",
                "https://cap-host.invalid/repo.git"
            ]
        );
    }
}

#[tokio::test]
async fn credentials_in_a_repository_url_never_reach_the_events() {
    let output =
        "-----> Cloning cap-misc from https://deploy:ghp_s3cret@git.example.com/a.git#main\n\
                  fatal: unable to access 'https://deploy:ghp_s3cret@git.example.com/a.git/'\n";
    let exec = Replay::stdout(output, 5, 128);
    let spec = DeploySpec::git_sync(&app(), "https://deploy:ghp_s3cret@git.example.com/a.git")
        .unwrap()
        .reference("main")
        .unwrap();
    let events = deploy_events(&exec, &spec).await;
    let shown = format!("{events:?}");
    assert!(!shown.contains("ghp_s3cret"), "{shown}");
    assert!(lines(&events)[0].contains("https://deploy:***@git.example.com/a.git#main"));
    let argv = &exec.sent.lock().unwrap()[0].0;
    assert!(!argv.join(" ").contains("ghp_s3cret"), "{argv:?}");
}

#[tokio::test]
async fn a_successful_deploy_yields_lines_phases_and_its_urls_last() {
    let output = "-----> Generating build context\n-----> Image exists on host, skipping pull\n\
                  -----> Cleaning up...\n-----> Building cap-misc from Dockerfile\n\
                  -----> Releasing cap-misc...\n-----> Deploying cap-misc via the docker-local scheduler...\n\
                  -----> Deploying web (count=1)\n-----> Running post-deploy\n\
                  =====> Application deployed:\n       http://cap-misc.example.com\n";
    let exec = Replay::stdout(output, 13, 0);
    let spec = DeploySpec::image(&app(), "nginx:alpine").unwrap();
    let events = deploy_events(&exec, &spec).await;
    assert_eq!(
        phases(&events),
        [
            DeployPhase::Source,
            DeployPhase::Build,
            DeployPhase::Release,
            DeployPhase::Deploy,
            DeployPhase::PostDeploy,
            DeployPhase::Deployed
        ]
    );
    // Each phase event follows the line that started it.
    let first_phase = events
        .iter()
        .position(|e| matches!(e, Ok(DeployEvent::Phase { .. })))
        .unwrap();
    assert!(
        matches!(&events[first_phase - 1], Ok(DeployEvent::Line { text, .. }) if text == "-----> Generating build context")
    );
    assert!(matches!(
        events.last(),
        Some(Ok(DeployEvent::Finished { outcome: DeployOutcome::Succeeded { urls } }))
            if urls == &["http://cap-misc.example.com".to_owned()]
    ));
    let outcome = client(&Replay::stdout(output, 4096, 0))
        .deploys()
        .run(&spec)
        .await
        .unwrap();
    assert!(outcome.succeeded());
}

#[tokio::test]
async fn a_refusal_before_the_build_is_an_error_not_an_outcome() {
    // captures-0.38.27-surface.jsonl seq 154-style refusal and seq 1000.
    let missing = Replay::new(
        vec![Chunk::Stderr(
            b" !     App cap-missing does not exist\n".to_vec(),
        )],
        Some(Ok(Chunk::Exit(ExitStatus::code(20)))),
    );
    let spec = DeploySpec::rebuild(&AppName::new("cap-missing").unwrap());
    let events = deploy_events(&missing, &spec).await;
    assert!(
        matches!(events.last(), Some(Err(Error::AppNotFound { .. }))),
        "{events:?}"
    );
    let outcome = client(&missing).deploys().run(&spec).await;
    assert!(
        matches!(outcome, Err(Error::AppNotFound { .. })),
        "{outcome:?}"
    );
}

#[tokio::test]
async fn stderr_lines_are_events_tagged_with_their_stream() {
    let exec = Replay::new(
        vec![
            Chunk::Stdout(b"-----> Building cap-misc from herokuish\n".to_vec()),
            Chunk::Stderr(b"warning: something\nand no newline".to_vec()),
        ],
        Some(Ok(Chunk::Exit(ExitStatus::code(0)))),
    );
    let events = deploy_events(&exec, &DeploySpec::rebuild(&app())).await;
    let stderr: Vec<&str> = events
        .iter()
        .filter_map(|e| match e {
            Ok(DeployEvent::Line {
                stream: OutputStreamKind::Stderr,
                text,
            }) => Some(text.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(stderr, ["warning: something", "and no newline"]);
}

#[tokio::test]
async fn a_dropped_connection_keeps_the_lines_read_and_ends_in_a_transport_error() {
    let exec = Replay::new(
        vec![Chunk::Stdout(
            b"-----> Building cap-misc from herokuish\n-----> Rele".to_vec(),
        )],
        Some(Err(ExecError::Truncated)),
    );
    let events = deploy_events(&exec, &DeploySpec::rebuild(&app())).await;
    assert_eq!(
        lines(&events),
        ["-----> Building cap-misc from herokuish", "-----> Rele"]
    );
    assert!(
        matches!(events.last(), Some(Err(Error::Transport { .. }))),
        "{events:?}"
    );
    // A stream that just stops is the same: the outcome is unknown.
    let vanished = Replay::new(vec![Chunk::Stdout(b"x\n".to_vec())], None);
    let ended = deploy_events(&vanished, &DeploySpec::rebuild(&app())).await;
    assert!(matches!(ended.last(), Some(Err(Error::Transport { .. }))));
}

#[tokio::test]
async fn an_archive_goes_on_stdin_and_its_type_is_a_flag() {
    let exec = Replay::stdout("-----> Fetching tar.gz file from stdin\n", 64, 0);
    let spec = DeploySpec::archive(&app(), vec![1, 2, 3, 4], ArchiveType::TarGz).unwrap();
    let events = deploy_events(&exec, &spec).await;
    assert_eq!(phases(&events), [DeployPhase::Source]);
    let sent = exec.sent.lock().unwrap();
    assert_eq!(
        sent[0],
        (
            vec![
                "git:from-archive".to_owned(),
                "--archive-type".to_owned(),
                "tar.gz".to_owned(),
                "cap-misc".to_owned(),
                "--".to_owned()
            ],
            Some(4)
        )
    );
    assert!(DeploySpec::archive(&app(), Vec::new(), ArchiveType::Tar).is_err());
}

#[tokio::test]
async fn a_streamed_archive_is_sent_as_the_same_command_with_all_its_chunks() {
    let exec = Replay::stdout("-----> Fetching tar file from stdin\n", 64, 0);
    let chunks = (0..5).map(|i| Ok(vec![i; 1000]));
    let spec =
        DeploySpec::archive_stream(&app(), futures_util::stream::iter(chunks), ArchiveType::Tar);
    assert_eq!(
        spec.command().unwrap().to_string(),
        "dokku git:from-archive cap-misc --"
    );
    deploy_events(&exec, &spec).await;
    let sent = exec.sent.lock().unwrap();
    assert_eq!(sent[0].1, Some(5000));
}

#[test]
fn deploy_arguments_that_dokku_would_misread_are_refused_before_sending() {
    for bad in ["", "--force", "two words", "tab\there"] {
        assert!(DeploySpec::image(&app(), bad).is_err(), "{bad:?}");
        assert!(DeploySpec::git_sync(&app(), bad).is_err(), "{bad:?}");
        assert!(
            DeploySpec::archive_url(&app(), bad, ArchiveType::Zip).is_err(),
            "{bad:?}"
        );
    }
    let sync = DeploySpec::git_sync(&app(), "https://x/y.git").unwrap();
    assert!(sync.reference("-b").is_err());
}

#[test]
fn every_deploy_is_a_long_running_write() {
    let specs = [
        DeploySpec::git_sync(&app(), "https://x/y.git").unwrap(),
        DeploySpec::image(&app(), "nginx")
            .unwrap()
            .build_dir("app")
            .unwrap(),
        DeploySpec::archive_url(&app(), "https://x/a.zip", ArchiveType::Zip).unwrap(),
        DeploySpec::rebuild(&app()),
    ];
    for spec in &specs {
        let command = spec.command().unwrap();
        assert!(command.is_mutating(), "{command}");
        assert_eq!(
            command.timeout_class(),
            dokku_core::TimeoutClass::LongRunning,
            "{command}"
        );
    }
    assert_eq!(
        specs[1].command().unwrap().to_string(),
        "dokku git:from-image --build-dir app cap-misc nginx"
    );
    assert_eq!(
        specs[2].command().unwrap().to_string(),
        "dokku git:from-archive --archive-type zip cap-misc https://x/a.zip"
    );
}
