//! Pinned host keys against a real sshd: the pin is the host's only known
//! key (known_hosts files do not matter either way), another key is
//! refused before anything is authenticated, and first contact learns the
//! key without logging in or recording it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{fingerprint, keygen, Sshd};
use dokku_core::{Command, Executor};
use dokku_ssh::{Fingerprint, HostKey, HostKeyPolicy, SshError};

fn server_key(sshd: &Sshd) -> HostKey {
    let text = std::fs::read_to_string(sshd.dir.path().join("host_key.pub")).unwrap();
    HostKey::parse(&text).unwrap()
}

fn other_key(sshd: &Sshd) -> HostKey {
    let path = sshd.dir.path().join("other_key");
    keygen(&path);
    HostKey::parse(&std::fs::read_to_string(path.with_extension("pub")).unwrap()).unwrap()
}

#[tokio::test]
async fn a_pinned_key_is_the_only_key_that_counts() {
    let Some(sshd) = Sshd::start() else { return };
    // A known_hosts that knows nothing: the pin alone lets us in.
    let empty = sshd.dir.path().join("empty_known_hosts");
    std::fs::write(&empty, "").unwrap();
    let exec = sshd
        .builder()
        .known_hosts_file(&empty)
        .pin_host_key(server_key(&sshd))
        .connect()
        .await
        .unwrap();
    let out = exec.run(&Command::read("version")).await.unwrap();
    assert!(out.status.success(), "{}", sshd.log_text());
    assert_eq!(
        std::fs::read_to_string(&empty).unwrap(),
        "",
        "nothing recorded"
    );
    exec.close().await.unwrap();

    // With the user's own configuration (~/.ssh/config and the system's,
    // included after the pin), too.
    let exec = dokku_ssh::SshExecutor::builder("127.0.0.1")
        .port(sshd.port)
        .user(sshd.user.clone())
        .identity_file(&sshd.client_key)
        .control_dir(sshd.dir.path())
        .pin_host_key(server_key(&sshd))
        .connect()
        .await
        .unwrap();
    assert!(exec
        .run(&Command::read("version"))
        .await
        .unwrap()
        .status
        .success());
    exec.close().await.unwrap();

    // A known_hosts that trusts the server does not help a wrong pin.
    let err = sshd
        .builder()
        .pin_host_key(other_key(&sshd))
        .connect()
        .await
        .unwrap_err();
    assert!(matches!(err, SshError::HostKeyChanged { .. }), "{err}");
    assert_eq!(sshd.accepted_logins(), 2, "{}", sshd.log_text());
}

#[tokio::test]
async fn accept_new_does_not_loosen_a_pin() {
    let Some(sshd) = Sshd::start() else { return };
    let err = sshd
        .builder()
        .host_key_policy(HostKeyPolicy::AcceptNew)
        .pin_host_key(other_key(&sshd))
        .connect()
        .await
        .unwrap_err();
    assert!(matches!(err, SshError::HostKeyChanged { .. }), "{err}");
    assert_eq!(sshd.accepted_logins(), 0);
}

#[tokio::test]
async fn first_contact_learns_the_key_without_logging_in() {
    let Some(sshd) = Sshd::start() else { return };
    let empty = sshd.dir.path().join("empty_known_hosts");
    std::fs::write(&empty, "").unwrap();
    let key = sshd
        .builder()
        .known_hosts_file(&empty)
        .scan_host_key()
        .await
        .unwrap();
    assert_eq!(key, server_key(&sshd));
    assert_eq!(
        key.fingerprint().to_string(),
        fingerprint(&sshd.dir.path().join("host_key.pub"))
    );
    assert_eq!(sshd.accepted_logins(), 0, "{}", sshd.log_text());
    assert_eq!(std::fs::read_to_string(&empty).unwrap(), "");
}

#[tokio::test]
async fn a_pinned_fingerprint_connects_only_to_its_key() {
    let Some(sshd) = Sshd::start() else { return };
    let fingerprint =
        Fingerprint::parse(&fingerprint(&sshd.dir.path().join("host_key.pub"))).unwrap();
    let exec = sshd
        .builder()
        .pin_host_key(fingerprint)
        .connect()
        .await
        .unwrap();
    assert!(exec
        .run(&Command::read("version"))
        .await
        .unwrap()
        .status
        .success());
    exec.close().await.unwrap();

    let logins = sshd.accepted_logins();
    let err = sshd
        .builder()
        .pin_host_key(other_key(&sshd).fingerprint())
        .connect()
        .await
        .unwrap_err();
    assert!(matches!(err, SshError::HostKeyChanged { .. }), "{err}");
    assert_eq!(sshd.accepted_logins(), logins);
}

#[tokio::test]
async fn first_contact_with_a_closed_port_says_so() {
    let Some(sshd) = Sshd::start() else { return };
    let port = sshd.port;
    drop(sshd);
    let err = dokku_ssh::SshExecutor::builder("127.0.0.1")
        .port(port)
        .config_file("/dev/null")
        .scan_host_key()
        .await
        .unwrap_err();
    assert!(matches!(err, SshError::ConnectFailed { .. }), "{err}");
}
