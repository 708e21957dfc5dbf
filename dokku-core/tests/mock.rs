//! The mockall `MockExecutor` (feature `mock`) drives the client like any
//! other executor.
#![cfg(feature = "mock")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use dokku_core::exec::MockExecutor;
use dokku_core::{AppName, Capabilities, Dokku, DokkuVersion, Error, ExitStatus, Output};

#[tokio::test]
async fn a_single_expectation() {
    let mut mock = MockExecutor::new();
    mock.expect_run()
        .withf(|c| c.expose_argv() == ["apps:create", "node-js-app"] && c.is_mutating())
        .times(1)
        .returning(|_| {
            Ok(Output::new(
                ExitStatus::code(1),
                "",
                " !     Name is already taken\n",
            ))
        });
    let dokku =
        Dokku::new(mock).with_capabilities(Capabilities::for_version(DokkuVersion::new(0, 38, 27)));
    let err = dokku
        .apps()
        .create(&AppName::new("node-js-app").unwrap())
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::AppExists { ref app, .. } if app == "node-js-app"),
        "{err}"
    );
}
