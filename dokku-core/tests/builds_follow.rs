//! `Builds::follow`: a running build's output until the build ends, with
//! nothing lost between following and the end.
#![cfg(feature = "test-util")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;

use dokku_core::testing::ScriptedExecutor;
use dokku_core::{AppName, Capabilities, Dokku, DokkuVersion, Error, ExitStatus, Output};
use futures_util::StreamExt;

fn info(status: &str) -> String {
    format!(
        r#"{{"id":"mx1","app":"api","kind":"deploy","pid":7,"started_at":"2026-12-05T10:00:00Z","status":"{status}","source":"git-hook","display_status":"{status}"}}"#
    )
}

const INFO: [&str; 5] = ["builds:info", "api", "mx1", "--format", "json"];
const OUTPUT: [&str; 3] = ["builds:output", "api", "mx1"];

fn failed(stderr: &str) -> Output {
    Output::new(ExitStatus::code(1), Vec::new(), stderr.as_bytes().to_vec())
}

/// Every item of a follow of build `mx1` of `api`, checked when `checks` says.
async fn follow(
    dokku: &Dokku,
    checks: impl futures_util::Stream<Item = ()> + Send + 'static,
) -> Vec<Result<String, Error>> {
    let app = AppName::new("api").unwrap();
    let lines = dokku.builds().follow(&app, "mx1", checks).await.unwrap();
    lines.collect().await
}

fn client(exec: &Arc<ScriptedExecutor>) -> Dokku {
    Dokku::from_arc(exec.clone())
        .with_capabilities(Capabilities::for_version(DokkuVersion::new(0, 38, 27)))
}

#[tokio::test]
async fn a_followed_build_ends_with_the_lines_written_after_the_last_followed() {
    // Followed: two lines; then the build ends, its log has two more.
    let exec = Arc::new(
        ScriptedExecutor::new()
            .expect_ok(INFO, &info("running"))
            .expect_ok(OUTPUT, "-----> Building api\nnpm install\n")
            .expect_ok(INFO, &info("running"))
            .expect_ok(INFO, &info("failed"))
            .expect_ok(
                OUTPUT,
                "-----> Building api\nnpm install\nnpm ERR! peer react\n-----> Build failed\n",
            ),
    );
    let items = follow(&client(&exec), futures_util::stream::iter([(), ()])).await;
    let lines: Vec<String> = items.into_iter().map(Result::unwrap).collect();
    assert_eq!(
        lines,
        [
            "-----> Building api",
            "npm install",
            "npm ERR! peer react",
            "-----> Build failed"
        ]
    );
    exec.verify().unwrap();
}

#[tokio::test]
async fn a_build_that_ended_is_its_log_and_an_unknown_one_not_found() {
    let exec = Arc::new(
        ScriptedExecutor::new()
            .expect_ok(INFO, &info("succeeded"))
            .expect_ok(OUTPUT, "-----> Building api\n=====> Application deployed\n")
            .expect(INFO, failed(" !     No build record found for api/mx1\n")),
    );
    let dokku = client(&exec);
    // No check is ever needed: the log ends.
    let items = follow(&dokku, futures_util::stream::pending()).await;
    let lines: Vec<String> = items.into_iter().map(Result::unwrap).collect();
    assert_eq!(
        lines,
        ["-----> Building api", "=====> Application deployed"]
    );
    let app = AppName::new("api").unwrap();
    let unknown = dokku
        .builds()
        .follow(&app, "mx1", futures_util::stream::pending())
        .await
        .err();
    assert!(
        matches!(unknown, Some(Error::NotFound { .. })),
        "{unknown:?}"
    );
    exec.verify().unwrap();
}

#[tokio::test]
async fn a_follow_whose_checks_end_ends_and_a_failed_check_is_its_last_item() {
    let exec = Arc::new(
        ScriptedExecutor::new()
            // The first follow: its start, then one check.
            .expect_ok(INFO, &info("running"))
            .expect_ok(OUTPUT, "-----> Building api\n")
            .expect_ok(INFO, &info("running"))
            // The second: its start, then a check Dokku fails.
            .expect_ok(INFO, &info("running"))
            .expect_ok(OUTPUT, "-----> Building api\n")
            .expect(INFO, failed(" !     oops\n")),
    );
    let dokku = client(&exec);
    // One check, the build still running: the stream ends with the checks.
    let lines = follow(&dokku, futures_util::stream::iter([()])).await;
    assert_eq!(lines.len(), 1);
    assert!(lines[0].is_ok());
    // Dokku cannot say whether it runs: that is the last item.
    let items = follow(&dokku, futures_util::stream::iter([()])).await;
    assert!(matches!(items.last(), Some(Err(_))), "{items:?}");
    exec.verify().unwrap();
}
