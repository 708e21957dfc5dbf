//! The client's retry policy: a read is retried once after a transient
//! transport error; a mutating command never is, because a dropped
//! connection says nothing about whether it took effect.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use dokku_core::testing::ScriptedExecutor;
use dokku_core::{AppName, Capabilities, Dokku, DokkuVersion, Error, ExecError};

fn dokku(exec: ScriptedExecutor) -> (Dokku, std::sync::Arc<ScriptedExecutor>) {
    let exec = std::sync::Arc::new(exec);
    let client = Dokku::from_arc(exec.clone())
        .with_capabilities(Capabilities::for_version(DokkuVersion::new(0, 38, 27)));
    (client, exec)
}

fn dropped() -> ExecError {
    ExecError::Disconnected {
        host: "dokku.example".into(),
    }
}

#[tokio::test]
async fn a_read_is_retried_once_after_a_dropped_connection() {
    let app = AppName::new("node-js-app").unwrap();
    let (dokku, exec) = dokku(
        ScriptedExecutor::new()
            .expect_error(["apps:exists", "node-js-app"], dropped)
            .expect_ok(["apps:exists", "node-js-app"], ""),
    );
    assert!(dokku.apps().exists(&app).await.unwrap());
    exec.verify().unwrap();
}

#[tokio::test]
async fn a_read_is_not_retried_twice() {
    let app = AppName::new("node-js-app").unwrap();
    let (dokku, exec) = dokku(
        ScriptedExecutor::new()
            .expect_error(["apps:exists", "node-js-app"], dropped)
            .expect_error(["apps:exists", "node-js-app"], dropped),
    );
    let err = dokku.apps().exists(&app).await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::Transport {
                source: ExecError::Disconnected { .. },
                ..
            }
        ),
        "{err}"
    );
    exec.verify().unwrap();
}

#[tokio::test]
async fn a_mutating_command_is_never_retried() {
    let app = AppName::new("node-js-app").unwrap();
    let (dokku, exec) =
        dokku(ScriptedExecutor::new().expect_error(["apps:create", "node-js-app"], dropped));
    let err = dokku.apps().create(&app).await.unwrap_err();
    assert!(matches!(err, Error::Transport { .. }), "{err}");
    // Exactly one attempt: the script had one expectation and nothing unexpected ran.
    exec.verify().unwrap();
}

#[tokio::test]
async fn host_key_problems_are_not_retried_even_for_reads() {
    let app = AppName::new("node-js-app").unwrap();
    let (dokku, exec) = dokku(ScriptedExecutor::new().expect_error(
        ["apps:exists", "node-js-app"],
        || ExecError::HostKeyChanged {
            host: "dokku.example".into(),
        },
    ));
    let err = dokku.apps().exists(&app).await.unwrap_err();
    assert!(err.to_string().contains("CHANGED"), "{err}");
    exec.verify().unwrap();
}
