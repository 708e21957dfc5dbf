//! The hosts the dashboard shows with `--hosts` or `--demo`: the host
//! registry's hosts (dokku-fleet's `hosts.toml`), each reached the way the
//! registry says, with its pinned key as its only known key; or the demo
//! fleet, each simulated host's state kept in its own directory.
//!
//! The web's own: the CLI resolves `--host NAME` through the registry in
//! `common`; the dashboard needs every host at once, each connecting on
//! first use so that one host down does not keep the others from being
//! shown.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use async_trait::async_trait;
use dokku::{Command, ExecError, Executor, Output, OutputStream};
use dokku_fleet::{HostEntry, HostKeyPin, HostName, Registry, SshTarget, Target};
use dokku_sim::{SimExecutor, StateDir};
use dokku_ssh::SshExecutor;

use crate::server::fleet::{demo_hosts, HostSpec};

/// Where a host's snapshot lives: `dashboard-<kind>-<name>.json` beside
/// the history file.
fn snapshot(history: Option<&Path>, kind: &str, name: &HostName) -> Option<PathBuf> {
    history
        .and_then(Path::parent)
        .map(|dir| dir.join(format!("dashboard-{kind}-{name}.json")))
}

/// The demo fleet, each host's state in `state/fleet/<name>` (created from
/// the demo scenario the first time; a state kept from before keeps its
/// clock).
pub fn demo(state: &Path, history: Option<&Path>) -> Result<Vec<HostSpec>, dokku_sim::Error> {
    let mut hosts = Vec::new();
    for mut demo in crate::common::demo_fleet() {
        let initial = demo.host.clone();
        let dir = StateDir::open(state.join("fleet").join(demo.name.as_str()), move || {
            initial.clone()
        })?;
        demo.host = dir.load()?;
        let executor: Arc<dyn Executor> = Arc::new(crate::common::demo_executor(dir));
        hosts.push((demo, executor));
    }
    Ok(demo_hosts(hosts, |name| snapshot(history, "demo", name)))
}

/// Every host of the registry at `path` (`None`: its default place).
pub fn registry(
    path: Option<&Path>,
    history: Option<&Path>,
) -> Result<Vec<HostSpec>, dokku_fleet::FleetError> {
    let registry = match path {
        Some(path) => Registry::load(path)?,
        None => Registry::load_default()?,
    };
    let defaults = registry.defaults().clone();
    Ok(registry
        .hosts()
        .iter()
        .map(|entry| {
            let executor: Arc<dyn Executor> = match &entry.target {
                Target::Ssh(target) => Arc::new(OnFirstUse {
                    name: entry.name.clone(),
                    target: target.clone(),
                    identity: entry.identity.clone().or_else(|| defaults.identity.clone()),
                    ssh_config: entry
                        .ssh_config
                        .clone()
                        .or_else(|| defaults.ssh_config.clone()),
                    pin: entry.host_key.clone(),
                    connected: tokio::sync::Mutex::new(None),
                }),
                Target::Local => Arc::new(dokku::LocalExecutor::new()),
                Target::Demo(version) => {
                    Arc::new(SimExecutor::new(crate::common::demo_host(Some(*version))))
                }
                // A target kind this dashboard does not know yet.
                #[allow(unreachable_patterns)]
                _ => Arc::new(Refused(format!(
                    "{}: this dashboard cannot reach a {} host",
                    entry.name, entry.target
                ))),
            };
            spec(entry, executor, history)
        })
        .collect())
}

fn spec(entry: &HostEntry, executor: Arc<dyn Executor>, history: Option<&Path>) -> HostSpec {
    HostSpec {
        name: entry.name.clone(),
        target: entry.target.to_string(),
        labels: entry.labels.clone(),
        executor,
        snapshot_file: snapshot(history, "host", &entry.name),
        clock: None,
    }
}

/// An executor that always refuses, saying why.
#[derive(Debug)]
struct Refused(String);

#[async_trait]
impl Executor for Refused {
    async fn run(&self, _: &Command) -> Result<Output, ExecError> {
        Err(self.error())
    }
    async fn stream(&self, _: &Command) -> Result<OutputStream, ExecError> {
        Err(self.error())
    }
}

impl Refused {
    fn error(&self) -> ExecError {
        ExecError::Connect {
            host: String::new(),
            reason: self.0.clone(),
        }
    }
}

/// A registry host over SSH, connected on its first command with its
/// pinned key as the only known key (a host without one is refused:
/// `cli hosts pin NAME` pins it). A failed connection is tried again on
/// the next command.
#[derive(Debug)]
struct OnFirstUse {
    name: HostName,
    target: SshTarget,
    identity: Option<PathBuf>,
    ssh_config: Option<PathBuf>,
    pin: Option<HostKeyPin>,
    connected: tokio::sync::Mutex<Option<SshExecutor>>,
}

impl OnFirstUse {
    async fn ssh(&self) -> Result<SshExecutor, ExecError> {
        let mut connected = self.connected.lock().await;
        if let Some(ssh) = connected.as_ref() {
            return Ok(ssh.clone());
        }
        let Some(pin) = &self.pin else {
            return Err(ExecError::Connect {
                host: self.target.to_string(),
                reason: format!(
                    "{} has no pinned host key in the registry: pin it with `cli hosts pin {}`",
                    self.name, self.name
                ),
            });
        };
        let mut builder = self.target.builder().pin_host_key(pin.clone());
        if let Some(path) = &self.identity {
            builder = builder.identity_file(path);
        }
        if let Some(path) = &self.ssh_config {
            builder = builder.config_file(path);
        }
        let ssh = builder.connect().await?;
        *connected = Some(ssh.clone());
        Ok(ssh)
    }
}

#[async_trait]
impl Executor for OnFirstUse {
    async fn run(&self, command: &Command) -> Result<Output, ExecError> {
        self.ssh().await?.run(command).await
    }
    async fn stream(&self, command: &Command) -> Result<OutputStream, ExecError> {
        self.ssh().await?.stream(command).await
    }
    async fn git_transport(&self) -> Result<dokku::exec::GitTransport, ExecError> {
        self.ssh().await?.git_transport().await
    }
    async fn observe(
        &self,
        command: &Command,
        start: dokku::exec::Start<'_>,
    ) -> Result<OutputStream, ExecError> {
        self.ssh().await?.observe(command, start).await
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    /// A demo state made before the demo kept this machine's time keeps the
    /// simulator's fixed clock, and the dashboard reads its certificates
    /// against that clock, not this machine's.
    #[test]
    fn a_demo_state_kept_from_before_keeps_its_own_clock() {
        let dir = tempfile::tempdir().unwrap();
        let fixed = dokku_fleet::demo::hosts().remove(0);
        let kept = fixed.host.clone();
        let eu =
            StateDir::open(dir.path().join("fleet").join("eu-1"), move || kept.clone()).unwrap();
        eu.update(|_| ()).unwrap();

        let hosts = demo(dir.path(), None).unwrap();
        let spec = hosts.iter().find(|h| h.name.as_str() == "eu-1").unwrap();
        let then =
            std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(fixed.host.now);
        assert_eq!(spec.clock, Some(then));
        // A host with no state yet starts on the demo's clock.
        let us = hosts.iter().find(|h| h.name.as_str() == "us-1").unwrap();
        let fresh = crate::common::demo_fleet().remove(1);
        assert_eq!(
            us.clock.is_none(),
            fresh.host.clock == dokku_sim::host::Clock::Wall
        );
    }
}
