//! The capability probe: on first need the client sends `version`, then
//! `plugin:list` (with `--format json` only where the host has it), caches
//! the answer, and never probes again until told to; concurrent first calls
//! probe once; only enabled plugins count; the cached capabilities gate
//! plugin requirements. Driven through `ScriptedExecutor` with the recorded
//! outputs in `tests/fixtures/{version,plugin,apps}`.
#![cfg(feature = "test-util")]
// clippy.toml's allow-*-in-tests covers `#[test]` functions only, not the
// helpers of an integration test crate.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::sync::Arc;

use common::Fixture;
use dokku_core::testing::ScriptedExecutor;
use dokku_core::{
    AppName, Capabilities, Command, Dokku, DokkuVersion, Error, ExecError, Executor, ExitStatus,
    Output, OutputStream, PluginName, Requirement,
};

fn stdout(path: &str) -> String {
    Fixture::load(path).stdout
}

fn verified(exec: &ScriptedExecutor) {
    exec.verify()
        .unwrap_or_else(|problems| panic!("script: {problems}"));
}

/// `version` then `plugin:list --format json` as a 0.38.27 host answers.
fn probe_038(script: ScriptedExecutor) -> ScriptedExecutor {
    script
        .expect_ok(["version"], "dokku version 0.38.27\n")
        .expect_ok(
            ["plugin:list", "--format", "json"],
            &stdout("plugin/list-json-0.38.txt"),
        )
}

#[tokio::test]
async fn probes_once_then_uses_the_cache() {
    let list = stdout("apps/list-json.txt");
    let exec = Arc::new(
        probe_038(ScriptedExecutor::new())
            .expect_ok(["apps:list", "--format", "json"], &list)
            .expect_ok(["apps:list", "--format", "json"], &list),
    );
    let dokku = Dokku::from_arc(exec.clone());
    assert_eq!(dokku.apps().list().await.unwrap().len(), 3);
    assert_eq!(dokku.apps().list().await.unwrap().len(), 3);

    let caps = dokku.capabilities().await.unwrap();
    assert_eq!(caps.version, DokkuVersion::new(0, 38, 27));
    assert_eq!(caps.plugins.len(), 16);
    let postgres = caps.plugin("postgres").expect("postgres is enabled");
    assert_eq!(postgres.version, "1.41.0");
    assert_eq!(postgres.core, Some(false));
    // Installed but disabled does not count.
    assert!(caps
        .plugins
        .iter()
        .any(|p| p.name.as_str() == "letsencrypt"));
    assert!(caps.plugin("letsencrypt").is_none());
    assert!(caps.plugin("redis").is_none());
    assert!(caps.json_reports());

    // `installed` answers from the cache: nothing more is sent.
    assert!(dokku.plugins().installed("postgres").await.unwrap());
    assert!(!dokku.plugins().installed("letsencrypt").await.unwrap());
    verified(&exec);
}

#[tokio::test]
async fn clones_share_the_cache() {
    let exec = Arc::new(probe_038(ScriptedExecutor::new()));
    let dokku = Dokku::from_arc(exec.clone());
    let other = dokku.clone();
    let first = dokku.capabilities().await.unwrap();
    let second = other.capabilities().await.unwrap();
    assert!(Arc::ptr_eq(&first, &second));
    verified(&exec);
}

/// Yields to the runtime before each command, so concurrent callers really
/// interleave while the probe is in flight.
#[derive(Debug)]
struct Yielding(Arc<ScriptedExecutor>);

#[async_trait::async_trait]
impl Executor for Yielding {
    async fn run(&self, command: &Command) -> Result<Output, ExecError> {
        tokio::task::yield_now().await;
        self.0.run(command).await
    }

    async fn stream(&self, command: &Command) -> Result<OutputStream, ExecError> {
        tokio::task::yield_now().await;
        self.0.stream(command).await
    }
}

#[tokio::test]
async fn concurrent_first_calls_probe_once() {
    let list = stdout("apps/list-json.txt");
    let exec = Arc::new(
        probe_038(ScriptedExecutor::new())
            .expect_ok(["apps:list", "--format", "json"], &list)
            .expect_ok(["apps:list", "--format", "json"], &list)
            .expect_ok(["apps:list", "--format", "json"], &list),
    );
    let dokku = Dokku::new(Yielding(exec.clone()));
    let (a, (b, c)) = futures_util::future::join(
        dokku.apps().list(),
        futures_util::future::join(dokku.apps().list(), dokku.apps().list()),
    )
    .await;
    let (a, b, c) = (a.unwrap(), b.unwrap(), c.unwrap());
    assert_eq!(a, b);
    assert_eq!(b, c);
    verified(&exec);
}

#[tokio::test]
async fn an_old_host_is_probed_without_format_json() {
    let exec = Arc::new(
        ScriptedExecutor::new()
            .expect_ok(["version"], &stdout("version/version-0.35.txt"))
            .expect_ok(["plugin:list"], &stdout("plugin/list-text-0.35.txt"))
            .expect_ok(["apps:list"], &stdout("apps/list-text.txt")),
    );
    let dokku = Dokku::from_arc(exec.clone());
    assert_eq!(dokku.apps().list().await.unwrap().len(), 3);
    let caps = dokku.capabilities().await.unwrap();
    assert_eq!(caps.version, DokkuVersion::new(0, 35, 20));
    assert!(!caps.json_reports());
    assert!(caps.plugin("postgres").is_some());
    assert!(caps.plugin("letsencrypt").is_none());
    // The text list does not say which plugins are core.
    assert!(caps.plugins.iter().all(|p| p.core.is_none()));
    verified(&exec);
}

#[tokio::test]
async fn the_version_boundary_for_plugin_list_json_is_0_38_22() {
    for (version, argv, fixture) in [
        ("0.38.21", &["plugin:list"][..], "plugin/list-text-0.38.txt"),
        (
            "0.38.22",
            &["plugin:list", "--format", "json"][..],
            "plugin/list-json-0.38.txt",
        ),
    ] {
        let exec = Arc::new(
            ScriptedExecutor::new()
                .expect_ok(["version"], &format!("dokku version {version}\n"))
                .expect_ok(argv.iter().copied(), &stdout(fixture)),
        );
        let dokku = Dokku::from_arc(exec.clone());
        let caps = dokku.capabilities().await.unwrap();
        assert_eq!(caps.version.to_string(), version);
        assert!(caps.plugin("postgres").is_some());
        verified(&exec);
    }
}

#[tokio::test]
async fn refresh_probes_again() {
    let exec = Arc::new(
        probe_038(ScriptedExecutor::new())
            .expect_ok(["version"], "dokku version 0.38.28\n")
            .expect_ok(
                ["plugin:list", "--format", "json"],
                &stdout("plugin/list-json-0.38.txt"),
            ),
    );
    let dokku = Dokku::from_arc(exec.clone());
    assert_eq!(
        dokku.capabilities().await.unwrap().version,
        DokkuVersion::new(0, 38, 27)
    );
    dokku.refresh_capabilities().await;
    assert_eq!(
        dokku.capabilities().await.unwrap().version,
        DokkuVersion::new(0, 38, 28)
    );
    verified(&exec);
}

#[tokio::test]
async fn plugins_list_is_fresh_not_cached() {
    let exec = Arc::new(probe_038(ScriptedExecutor::new()).expect_ok(
        ["plugin:list", "--format", "json"],
        &stdout("plugin/list-json-0.38.txt"),
    ));
    let dokku = Dokku::from_arc(exec.clone());
    assert_eq!(dokku.plugins().list().await.unwrap().len(), 16);
    verified(&exec);
}

#[tokio::test]
async fn given_capabilities_are_never_probed() {
    let exec = Arc::new(ScriptedExecutor::new().expect_ok(["apps:list"], "=====> My Apps\n"));
    let dokku = Dokku::from_arc(exec.clone())
        .with_capabilities(Capabilities::for_version(DokkuVersion::new(0, 35, 20)));
    assert!(dokku.apps().list().await.unwrap().is_empty());
    verified(&exec);
}

#[tokio::test]
async fn a_command_without_requirements_does_not_probe() {
    let app = AppName::new("node-js-app").unwrap();
    let exec = Arc::new(ScriptedExecutor::new().expect_ok(["apps:exists", "node-js-app"], ""));
    let dokku = Dokku::from_arc(exec.clone());
    assert!(dokku.apps().exists(&app).await.unwrap());
    verified(&exec);
}

#[tokio::test]
async fn a_failed_probe_is_an_error_and_is_not_cached() {
    let exec = Arc::new(
        ScriptedExecutor::new()
            .expect(
                ["version"],
                Output::new(
                    ExitStatus::code(1),
                    "",
                    " !     Unable to determine dokku's version\n",
                ),
            )
            .expect_ok(["version"], "dokku version 0.38.27\n")
            .expect_ok(
                ["plugin:list", "--format", "json"],
                &stdout("plugin/list-json-0.38.txt"),
            ),
    );
    let dokku = Dokku::from_arc(exec.clone());
    match dokku.capabilities().await {
        Err(Error::CommandFailed { message, .. }) => {
            assert_eq!(message, "Unable to determine dokku's version");
        }
        other => panic!("expected CommandFailed, got {other:?}"),
    }
    assert_eq!(
        dokku.capabilities().await.unwrap().version,
        DokkuVersion::new(0, 38, 27)
    );
    verified(&exec);
}

#[tokio::test]
async fn an_unreadable_plugin_list_fails_the_probe_with_a_parse_error() {
    let exec = Arc::new(
        ScriptedExecutor::new()
            .expect_ok(["version"], "dokku version 0.38.27\n")
            .expect_ok(["plugin:list", "--format", "json"], "[{\"name\": 1}]\n"),
    );
    let dokku = Dokku::from_arc(exec.clone());
    let err = dokku.capabilities().await.unwrap_err();
    assert!(
        matches!(&err, Error::Parse { command, .. } if command == "dokku plugin:list --format json"),
        "{err:?}"
    );
    verified(&exec);
}

#[tokio::test]
async fn plugin_requirements_are_gated_on_enabled_plugins() {
    let postgres = PluginName::new("postgres").unwrap();
    let letsencrypt = PluginName::new("letsencrypt").unwrap();
    let exec = Arc::new(
        probe_038(ScriptedExecutor::new())
            .expect_ok(["postgres:list"], "=====> Postgres services\n"),
    );
    let dokku = Dokku::from_arc(exec.clone());

    let ok = Command::read("postgres:list").requires(Requirement::Plugin(postgres));
    dokku.run(&ok).await.unwrap();

    let refused =
        Command::read("letsencrypt:list").requires(Requirement::Plugin(letsencrypt.clone()));
    match dokku.run(&refused).await {
        Err(Error::Unsupported {
            command,
            needs,
            version,
        }) => {
            assert_eq!(command, "dokku letsencrypt:list");
            assert_eq!(needs, Requirement::Plugin(letsencrypt));
            assert_eq!(version, DokkuVersion::new(0, 38, 27));
            assert!(Error::Unsupported {
                command,
                needs,
                version
            }
            .to_string()
            .contains("needs the letsencrypt plugin"));
        }
        other => panic!("expected Unsupported, got {other:?}"),
    }
    verified(&exec);
}

#[test]
fn meets_compares_versions_and_enabled_plugins() {
    let caps = Capabilities {
        version: DokkuVersion::new(0, 38, 27),
        plugins: dokku_core::parse::plugin::list(&stdout("plugin/list-text-0.38.txt")).unwrap(),
    };
    let version = |v| Requirement::Version(v);
    let plugin = |p: &str| Requirement::Plugin(PluginName::new(p).unwrap());
    assert!(caps.meets(&version(DokkuVersion::new(0, 38, 27))));
    assert!(caps.meets(&version(DokkuVersion::new(0, 23, 0))));
    assert!(!caps.meets(&version(DokkuVersion::new(0, 38, 28))));
    assert!(!caps.meets(&version(DokkuVersion::new(1, 0, 0))));
    assert!(caps.meets(&plugin("postgres")));
    assert!(caps.meets(&plugin("scheduler-docker-local")));
    assert!(!caps.meets(&plugin("letsencrypt")));
    assert!(!caps.meets(&plugin("redis")));
}

#[tokio::test]
async fn cached_capabilities_never_probe_and_can_be_handed_on() {
    let exec = Arc::new(probe_038(ScriptedExecutor::new()));
    let dokku = Dokku::from_arc(exec.clone());
    // Nothing probed yet, and asking does not probe.
    assert!(dokku.cached_capabilities().await.is_none());
    let probed = dokku.capabilities().await.unwrap();
    let cached = dokku
        .cached_capabilities()
        .await
        .expect("cached after the probe");
    assert_eq!(*cached, *probed);
    verified(&exec);
    // A later client given them sends no probe at all.
    let later = Arc::new(ScriptedExecutor::new());
    let next = Dokku::from_arc(later.clone()).with_capabilities((*cached).clone());
    assert!(next.plugins().installed("postgres").await.unwrap());
    verified(&later);
    // Forgotten on refresh.
    dokku.refresh_capabilities().await;
    assert!(dokku.cached_capabilities().await.is_none());
}
