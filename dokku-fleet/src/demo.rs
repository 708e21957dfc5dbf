//! A demo fleet: three simulated hosts on different Dokku versions, with
//! different apps, an expiring certificate and a crashed app.
//!
//! | host | Dokku | labels | what stands out |
//! |---|---|---|---|
//! | `eu-1` | 0.38.27 | env=prod, region=eu | `blog`'s certificate expires in 5 days |
//! | `us-1` | 0.35.20 | env=prod, region=us | `metrics` is crash-looping; an older postgres plugin |
//! | `legacy` | 0.35.20 | env=staging, region=eu | `staging-api` is stopped; no letsencrypt or redis plugin; a small box, its disk 92% full |
//!
//! dokku-sim models Dokku 0.38.27 and 0.35.20 only, so `legacy` (a 0.30
//! host in the story) runs the oldest modelled version, 0.35.20; it
//! differs from `us-1` in its apps and plugins, not its version. Each host
//! is built from dokku-sim's demo scenario through its public API
//! ([`dokku_sim::scenario::demo_for`], then keeping some apps), never by
//! editing the simulator.

use dokku_core::DokkuVersion;
use dokku_sim::host::profiles;
use dokku_sim::{Latency, SimExecutor, SimHost};

use crate::error::FleetError;
use crate::fleet::{Fleet, FleetBuilder};
use crate::name::{HostName, Labels};

/// One simulated host of the demo fleet.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct DemoHost {
    /// Its name.
    pub name: HostName,
    /// Its labels.
    pub labels: Labels,
    /// The Dokku version it imitates.
    pub version: DokkuVersion,
    /// Its state.
    pub host: SimHost,
}

fn labels(pairs: &[(&str, &str)]) -> Labels {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

/// The demo scenario of `version` told by `scenario`, keeping only `apps`,
/// the services linked to them and the plugins not in `without`.
fn trimmed(
    scenario: fn(DokkuVersion) -> SimHost,
    version: DokkuVersion,
    hostname: &str,
    apps: &[&str],
    without: &[&str],
) -> SimHost {
    let mut host = scenario(version);
    host.hostname = hostname.to_owned();
    host.apps.retain(|name, _| apps.contains(&name.as_str()));
    host.plugins.retain(|p| !without.contains(&p.name.as_str()));
    let plugins: Vec<String> = host.plugins.iter().map(|p| p.name.clone()).collect();
    host.services.retain(|_, s| plugins.contains(&s.plugin));
    let kept: Vec<String> = host.apps.keys().cloned().collect();
    for service in host.services.values_mut() {
        service.links.retain(|app| kept.contains(app));
    }
    host
}

/// The three hosts of the demo fleet, on the simulator's fixed clock (the
/// same times every time: tests).
pub fn hosts() -> Vec<DemoHost> {
    hosts_told_by(dokku_sim::scenario::demo_for)
}

/// The three hosts of the demo fleet on this machine's clock
/// ([`dokku_sim::scenario::live_demo_for`]: a demo a person uses).
pub fn live_hosts() -> Vec<DemoHost> {
    hosts_told_by(dokku_sim::scenario::live_demo_for)
}

fn hosts_told_by(scenario: fn(DokkuVersion) -> SimHost) -> Vec<DemoHost> {
    let eu = trimmed(
        scenario,
        profiles::V0_38_27,
        "eu-1.demo.dokku-rs",
        &["api", "blog", "docs.example.com", "shop"],
        &[],
    );
    let mut us = trimmed(
        scenario,
        profiles::V0_35_20,
        "us-1.demo.dokku-rs",
        &["api", "metrics", "queue"],
        &[],
    );
    for plugin in us.plugins.iter_mut().filter(|p| p.name == "postgres") {
        plugin.version = "1.39.0".to_owned();
    }
    let mut legacy = trimmed(
        scenario,
        profiles::V0_35_20,
        "legacy.demo.dokku-rs",
        &["old_intranet", "sandbox", "staging-api"],
        &["letsencrypt", "redis"],
    );
    // 1 GiB of memory, most of it in use, and a 20G disk nearly full.
    legacy.machine.memory_mb = [981, 702, 61, 12, 218, 143];
    legacy.machine.swap_mb = [1023, 388, 635];
    for disk in &mut legacy.machine.disks {
        disk.space = ["20G", "18G", "1.6G", "92%"].map(str::to_owned);
        disk.inodes = ["1.3M", "402K", "898K", "31%"].map(str::to_owned);
    }
    vec![
        DemoHost {
            name: HostName::unchecked("eu-1"),
            labels: labels(&[("env", "prod"), ("region", "eu")]),
            version: profiles::V0_38_27,
            host: eu,
        },
        DemoHost {
            name: HostName::unchecked("us-1"),
            labels: labels(&[("env", "prod"), ("region", "us")]),
            version: profiles::V0_35_20,
            host: us,
        },
        DemoHost {
            name: HostName::unchecked("legacy"),
            labels: labels(&[("env", "staging"), ("region", "eu")]),
            version: profiles::V0_35_20,
            host: legacy,
        },
    ]
}

/// Add the demo hosts to a fleet builder, each answering after `latency`
/// per invocation.
pub fn add_to(builder: FleetBuilder, latency: Latency) -> FleetBuilder {
    add_hosts_to(builder, hosts(), latency)
}

/// Add these demo hosts ([`hosts`] or [`live_hosts`]) to a fleet builder,
/// each answering after `latency` per invocation.
pub fn add_hosts_to(
    mut builder: FleetBuilder,
    hosts: Vec<DemoHost>,
    latency: Latency,
) -> FleetBuilder {
    for demo in hosts {
        let target = format!("demo (Dokku {})", demo.version);
        let exec = SimExecutor::new(demo.host).with_latency(latency);
        builder = builder.executor(demo.name, target, demo.labels, exec);
    }
    builder
}

/// The demo fleet, answering at once.
pub fn fleet() -> Result<Fleet, FleetError> {
    add_to(Fleet::builder(), Latency::None).build()
}
