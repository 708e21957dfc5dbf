//! Releases and rollback over the audit trail, on the simulated host:
//! deploy v1, deploy v2, roll back → v1's image runs again, and the
//! history shows three releases with the rollback marked; what cannot be
//! reproduced is refused before anything is sent.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use dokku_core::api::builds::BuildFilter;
use dokku_core::api::deploy::{ArchiveType, DeploySpec};
use dokku_core::model::apps::AppReport;
use dokku_core::model::deploy::DeploySource;
use dokku_core::{AppName, Capabilities, Dokku, DokkuVersion};
use dokku_history::record::{Entry, Outcome, Record, Source};
use dokku_history::releases::{attach_builds, plan_rollback, release_of, releases, Release};
use dokku_history::{Audited, HistoryError, HistoryStore};
use dokku_sim::host::profiles;
use dokku_sim::{SimExecutor, SimHost};

fn app() -> AppName {
    AppName::new("api").unwrap()
}

fn audited_client(sim: &SimExecutor, store: &HistoryStore, correlation: Option<String>) -> Dokku {
    let mut audited = Audited::new(sim.clone(), store.clone())
        .actor("alice")
        .source(Source::Cli)
        .host("prod");
    if let Some(id) = correlation {
        audited = audited.correlation(id);
    }
    Dokku::new(audited).with_capabilities(Capabilities::for_version(DokkuVersion::new(0, 38, 27)))
}

async fn running_image(dokku: &Dokku) -> Option<String> {
    dokku
        .report::<AppReport>()
        .app(&app())
        .await
        .unwrap()
        .deploy_source_metadata
}

#[tokio::test]
async fn deploy_v1_deploy_v2_roll_back_runs_v1_again_and_the_history_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let store = HistoryStore::open(dir.path().join("history.db")).unwrap();
    let mut host = SimHost::new(profiles::V0_38_27);
    host.images
        .extend(["acme/api:v1".to_owned(), "acme/api:v2".to_owned()]);
    let sim = SimExecutor::new(host);
    let dokku = audited_client(&sim, &store, None);

    dokku.apps().create(&app()).await.unwrap();
    for image in ["acme/api:v1", "acme/api:v2"] {
        let outcome = dokku
            .deploys()
            .run(&DeploySpec::image(&app(), image).unwrap())
            .await
            .unwrap();
        assert!(outcome.succeeded(), "{image}: {outcome:?}");
    }
    assert_eq!(running_image(&dokku).await.as_deref(), Some("acme/api:v2"));

    let history = store.releases(&app(), Some("prod"), 50).await.unwrap();
    let plan = plan_rollback(&app(), &history, None).unwrap();
    assert_eq!(
        plan.from.source,
        DeploySource::Image {
            image: "acme/api:v2".into()
        }
    );
    assert_eq!(
        plan.to.source,
        DeploySource::Image {
            image: "acme/api:v1".into()
        }
    );
    assert_eq!(
        plan.spec.command().unwrap().to_string(),
        "dokku git:from-image api acme/api:v1"
    );

    // The rollback runs under its correlation id.
    let rolling = audited_client(&sim, &store, Some(plan.correlation()));
    let outcome = rolling.deploys().run(&plan.spec).await.unwrap();
    assert!(outcome.succeeded(), "{outcome:?}");
    assert_eq!(running_image(&dokku).await.as_deref(), Some("acme/api:v1"));

    let mut history = store.releases(&app(), None, 50).await.unwrap();
    let builds = dokku
        .builds()
        .list(&app(), &BuildFilter::default())
        .await
        .unwrap();
    attach_builds(&mut history, &builds);
    let summary: Vec<(String, Option<i64>, Option<String>)> = history
        .iter()
        .map(|r| {
            let DeploySource::Image { image } = &r.source else {
                panic!("only image deploys here: {r:?}");
            };
            (
                image.clone(),
                r.rollback_of,
                r.build
                    .as_ref()
                    .and_then(|b| b.display_status.as_ref().map(ToString::to_string)),
            )
        })
        .collect();
    let v1_id = plan.to.record_id;
    assert_eq!(
        summary,
        [
            (
                "acme/api:v1".to_owned(),
                Some(v1_id),
                Some("succeeded".to_owned())
            ),
            ("acme/api:v2".to_owned(), None, Some("succeeded".to_owned())),
            ("acme/api:v1".to_owned(), None, Some("succeeded".to_owned())),
        ]
    );
    assert!(history
        .iter()
        .all(|r| r.actor == "alice" && r.host == "prod"));
    // Rolling back again goes to v2: the newest release with other code.
    let again = plan_rollback(&app(), &history, None).unwrap();
    assert_eq!(
        again.to.source,
        DeploySource::Image {
            image: "acme/api:v2".into()
        }
    );
}

fn record(id: i64, subcommand: &str, argv: &[&str], outcome: Outcome) -> Record {
    Record {
        id,
        entry: Entry {
            started_at: id * 1_000,
            ended_at: id * 1_000 + 500,
            host: "prod".into(),
            target: None,
            actor: "alice".into(),
            source: Source::Cli,
            correlation_id: None,
            parent_id: None,
            subcommand: subcommand.into(),
            app: Some("api".into()),
            argv: std::iter::once(subcommand)
                .chain(argv.iter().copied())
                .map(str::to_owned)
                .collect(),
            mutating: true,
            outcome,
            exit_code: Some(if outcome == Outcome::Ok { 0 } else { 1 }),
            stdout: String::new(),
            stdout_len: 0,
            stderr: String::new(),
            stderr_len: 0,
            error: None,
        },
        prev_hash: String::new(),
        hash: String::new(),
    }
}

fn refusal(history: &[Release], to: Option<i64>) -> String {
    match plan_rollback(&app(), history, to) {
        Err(HistoryError::RollbackRefused { reason, .. }) => reason,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[test]
fn each_deploy_command_is_read_back_as_its_source_and_other_commands_are_not_releases() {
    let sync = record(
        1,
        "git:sync",
        &["--build", "api", "https://git.example.com/a.git", "4f9d2c1"],
        Outcome::Ok,
    );
    let fetch_only = record(
        2,
        "git:sync",
        &["api", "https://git.example.com/a.git"],
        Outcome::Ok,
    );
    let image = record(
        3,
        "git:from-image",
        &["--build-dir", "app", "api", "acme/api:v1"],
        Outcome::Ok,
    );
    let archive = record(
        4,
        "git:from-archive",
        &["--archive-type", "zip", "api", "https://x/a.zip"],
        Outcome::Ok,
    );
    let stdin_archive = record(5, "git:from-archive", &["api", "--"], Outcome::Ok);
    let restart = record(6, "ps:restart", &["api"], Outcome::Ok);
    let sources: Vec<Option<DeploySource>> = [
        &sync,
        &fetch_only,
        &image,
        &archive,
        &stdin_archive,
        &restart,
    ]
    .iter()
    .map(|r| release_of(r).map(|r| r.source))
    .collect();
    assert_eq!(
        sources,
        [
            Some(DeploySource::GitSync {
                repository: "https://git.example.com/a.git".into(),
                reference: Some("4f9d2c1".into())
            }),
            None,
            Some(DeploySource::Image {
                image: "acme/api:v1".into()
            }),
            Some(DeploySource::Archive {
                url: Some("https://x/a.zip".into()),
                archive_type: ArchiveType::Zip
            }),
            Some(DeploySource::Archive {
                url: None,
                archive_type: ArchiveType::Tar
            }),
            None,
        ]
    );
}

#[test]
fn a_rollback_that_cannot_be_reproduced_is_refused_with_the_reason() {
    let ok = Outcome::Ok;
    // Newest first, as the trail gives them.
    let cases: &[(&[Record], Option<i64>, &str)] = &[
        (&[], None, "no successful deploy"),
        (
            &[record(1, "git:from-image", &["api", "a:1"], ok)],
            None,
            "no earlier successful release",
        ),
        (
            &[
                record(3, "git:from-image", &["api", "a:2"], ok),
                record(2, "git:from-archive", &["api", "--"], ok),
            ],
            None,
            "sent on stdin",
        ),
        (
            &[
                record(3, "git:from-image", &["api", "a:2"], ok),
                record(
                    2,
                    "git:sync",
                    &["--build", "api", "https://x/r.git", "main"],
                    ok,
                ),
            ],
            None,
            "'main', a branch or tag",
        ),
        (
            &[
                record(3, "git:from-image", &["api", "a:2"], ok),
                record(
                    2,
                    "git:sync",
                    &["--build", "api", "https://u:***@x/r.git", "abcdef1"],
                    ok,
                ),
            ],
            None,
            "masked the repository's credentials",
        ),
        (
            &[
                record(3, "git:from-image", &["api", "a:2"], ok),
                record(2, "git:from-image", &["api", "a:1"], Outcome::Failed),
            ],
            Some(2),
            "did not succeed",
        ),
        (
            &[record(3, "git:from-image", &["api", "a:2"], ok)],
            Some(3),
            "running now",
        ),
        (
            &[record(3, "git:from-image", &["api", "a:2"], ok)],
            Some(99),
            "not in its history",
        ),
    ];
    for (records, to, expected) in cases {
        let reason = refusal(&releases(records), *to);
        assert!(reason.contains(expected), "{expected:?} not in {reason:?}");
    }
}

#[test]
fn a_rebuild_is_skipped_and_the_same_code_is_not_a_rollback_target() {
    let ok = Outcome::Ok;
    let history = releases(&[
        record(5, "ps:rebuild", &["api"], ok),
        record(4, "git:from-image", &["api", "a:2"], ok),
        record(3, "git:from-image", &["api", "a:2"], ok),
        record(2, "git:from-image", &["api", "a:1"], Outcome::Failed),
        record(
            1,
            "git:sync",
            &[
                "--build",
                "api",
                "https://x/r.git",
                "0123456789abcdef0123456789abcdef01234567",
            ],
            ok,
        ),
    ]);
    let plan = plan_rollback(&app(), &history, None).unwrap();
    assert_eq!(plan.from.record_id, 5);
    assert_eq!(plan.to.record_id, 1);
    assert_eq!(
        plan.spec.command().unwrap().to_string(),
        "dokku git:sync --build api https://x/r.git 0123456789abcdef0123456789abcdef01234567"
    );
    assert_eq!(plan.correlation(), "rollback:1");
    assert!(refusal(&history, Some(5)).contains("running now"));
}

#[test]
fn a_push_is_a_release_of_its_commit_and_rolling_back_to_it_names_the_commit_to_push() {
    let sha = "4f9d2c1aa0e1b2c3d4e5f60718293a4b5c6d7e8f";
    let pushed = record(
        2,
        "git-receive-pack",
        &["api", "HEAD:refs/heads/main", "--force", sha],
        Outcome::Ok,
    );
    let release = release_of(&pushed).unwrap();
    assert_eq!(
        release.source,
        DeploySource::GitPush {
            source: "HEAD".into(),
            branch: Some("main".into()),
            commit: Some(sha.into()),
        }
    );
    // The host runs it while it says `git-push` and that commit.
    assert!(dokku_history::releases::runs_on_host(
        &release.source,
        "git-push",
        sha
    ));
    assert!(!dokku_history::releases::runs_on_host(
        &release.source,
        "git-push",
        "0badc0de"
    ));
    assert!(!dokku_history::releases::runs_on_host(
        &release.source,
        "docker-image",
        sha
    ));
    // Its repository is not kept: a rollback to it is refused, naming
    // the commit to push again.
    let history = releases(&[
        record(3, "git:from-image", &["api", "a:2"], Outcome::Ok),
        pushed,
    ]);
    let reason = refusal(&history, None);
    assert!(reason.contains(&format!("push {sha} again")), "{reason}");
}

#[test]
fn a_push_git_found_nothing_to_send_for_is_not_a_release() {
    let mut unchanged = record(
        4,
        "git-receive-pack",
        &["api", "HEAD:refs/heads/main"],
        Outcome::Ok,
    );
    unchanged.entry.stderr = "Everything up-to-date\n".to_owned();
    assert_eq!(release_of(&unchanged), None);
    // The same push that sent something is one.
    unchanged.entry.stderr = "To dokku@h:api\n   1234567..89abcde  HEAD -> main\n".to_owned();
    assert!(release_of(&unchanged).is_some());
}

#[test]
fn a_deploy_that_failed_while_its_build_was_cancelled_reads_cancelled() {
    let deploy = record(7, "git:from-image", &["api", "a:3"], Outcome::Failed);
    let mut cancel = record(6, "builds:cancel", &["api"], Outcome::Ok);
    cancel.entry.started_at = deploy.entry.started_at + 200;
    let mut earlier = record(5, "git:from-image", &["api", "a:2"], Outcome::Failed);
    earlier.entry.started_at = 1_000;
    earlier.entry.ended_at = 2_000;
    let history = releases(&[deploy.clone(), cancel.clone(), earlier]);
    let outcomes: Vec<Outcome> = history.iter().map(|r| r.outcome).collect();
    // Only the deploy the cancel ran during.
    assert_eq!(outcomes, [Outcome::Cancelled, Outcome::Failed]);
    // A cancel of another app, or on another host, says nothing of it.
    for other in [
        |c: &mut Record| c.entry.app = Some("web".into()),
        |c: &mut Record| c.entry.host = "staging".into(),
    ] {
        let mut cancel = cancel.clone();
        other(&mut cancel);
        assert_eq!(
            releases(&[deploy.clone(), cancel])[0].outcome,
            Outcome::Failed
        );
    }
}

#[test]
fn a_failed_release_whose_build_dokku_shows_canceled_reads_cancelled() {
    let mut history = releases(&[record(
        7,
        "git:from-image",
        &["api", "a:3"],
        Outcome::Failed,
    )]);
    let build: dokku_core::model::builds::BuildRecord = serde_json::from_value(serde_json::json!({
        "id": "b1", "kind": "build", "status": "canceled", "display_status": "canceled",
        "source": "git:from-image", "started_at": "1970-01-01T00:00:07Z"
    }))
    .unwrap();
    attach_builds(&mut history, &[build]);
    assert_eq!(history[0].outcome, Outcome::Cancelled);
}

#[test]
fn a_rollback_plan_is_refused_when_the_host_runs_what_the_history_did_not_deploy() {
    let history = releases(&[
        record(2, "git:from-image", &["api", "a:2"], Outcome::Ok),
        record(1, "git:from-image", &["api", "a:1"], Outcome::Ok),
    ]);
    let plan = plan_rollback(&app(), &history, None).unwrap();
    let report = |source: &str, metadata: &str| AppReport {
        deploy_source: Some(source.to_owned()),
        deploy_source_metadata: Some(metadata.to_owned()),
        ..AppReport::default()
    };
    plan.check_host(&report("docker-image", "a:2")).unwrap();
    match plan.check_host(&report("git-push", "0badc0de")) {
        Err(HistoryError::RollbackRefused { reason, .. }) => {
            assert!(reason.contains("runs git-push 0badc0de"), "{reason}");
            assert!(reason.contains("not release #2"), "{reason}");
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
}
