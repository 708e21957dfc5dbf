//! SshExecutor against a real OpenSSH sshd with Dokku's forced command in
//! front of the `dokku-sim` binary.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::Sshd;
use dokku_core::{AppName, Command, Dokku, Error, ExecError, Executor};

#[tokio::test]
async fn a_typed_call_over_ssh() {
    let Some(sshd) = Sshd::start() else { return };
    let exec = sshd.connect().await;
    let dokku = Dokku::new(exec.clone());
    let apps = dokku.apps().list().await.unwrap();
    assert!(
        apps.contains(&AppName::new("api").unwrap()),
        "{apps:?}\n{}",
        sshd.log_text()
    );
    exec.close().await.unwrap();
}

#[tokio::test]
async fn stdin_arrives() {
    let Some(sshd) = Sshd::start() else { return };
    let exec = sshd.connect().await;
    let destroy = Command::write("apps:destroy")
        .arg("sandbox")
        .stdin(b"sandbox\n".to_vec());
    let out = exec.run(&destroy).await.unwrap();
    assert!(out.status.success(), "{}", out.stderr_lossy());
    let dokku = Dokku::new(exec.clone());
    assert!(!dokku
        .apps()
        .exists(&AppName::new("sandbox").unwrap())
        .await
        .unwrap());
    let err = dokku.run(&Command::read("nope:x")).await.unwrap_err();
    assert!(matches!(err, Error::NotADokkuCommand { .. }), "{err}");
    let refused = exec
        .run(&Command::read("apps:report").arg("-n"))
        .await
        .unwrap_err();
    assert!(matches!(refused, ExecError::ArgvRefused(_)), "{refused}");
}
