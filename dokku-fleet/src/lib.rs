//! Many Dokku hosts at once.
//!
//! An admin with more than one Dokku host asks fleet questions — which apps
//! are down anywhere, which certificates expire first, which host is
//! behind — and runs the same change on several hosts. dokku-fleet answers
//! them with the SDK's typed calls, one host at a time being never the
//! bottleneck and never the point of failure:
//!
//! - [`Registry`]: the hosts file (`dokku-rs/hosts.toml` in the XDG config
//!   directory): each host's SSH target, identity, **pinned host key**
//!   (its only known key), labels and limits; `local` and `demo` hosts
//!   too. Mistakes are reported with file, line and field. [`enrol`] /
//!   [`Registry::pin`] make first contact and pin a key only once a person
//!   confirmed its fingerprint; a changed key is refused, never re-pinned.
//! - [`Fleet`]: the hosts, each with its own executor and `Dokku` client
//!   (capabilities probed and cached per host), a bound on hosts at once
//!   and one per host on commands in flight, per-host timeouts. Every
//!   operation returns one result per host ([`FleetResults`], or a
//!   [`HostStream`] as they finish): a host that is down, slow or refuses
//!   its key fills its own result and delays no other.
//! - Queries in O(1) invocations per host ([`query`]): the app overview of
//!   every host, versions and plugins with a [`SkewReport`], certificates
//!   soonest to expire, apps not running; the last deploy per app from a
//!   [`DeployHistory`]: the audit trail's `HistoryStore`, or Dokku's own
//!   build records ([`DokkuBuilds`], a plain `git push` included).
//! - Actions as a [`Plan`] (hosts × commands, printable) that
//!   [`Fleet::execute`] takes back by value; per-host outcome, nothing
//!   mutating retried.
//! - One audit trail: with [`FleetBuilder::audit`] every host's executor is
//!   wrapped in dokku-history's `Audited` with the host's registry name and
//!   target on every row (`HistoryStore::host_stats` groups by host,
//!   `Query::host` filters).
//! - [`demo::fleet`]: three simulated hosts on different Dokku versions.
//!
//! Unix only, like dokku-ssh.
//!
//! ```no_run
//! # async fn demo() -> Result<(), dokku_fleet::FleetError> {
//! use dokku_fleet::{demo, Selector};
//!
//! let fleet = demo::fleet()?;
//! let down = fleet.apps_not_running(&Selector::All).await?;
//! for (host, apps) in down.ok() {
//!     for app in apps {
//!         println!("{host}: {} is {}", app.app, app.status);
//!     }
//! }
//! let versions = fleet.versions(&Selector::All).await?;
//! print!("{}", versions.skew);
//! # Ok(()) }
//! ```
#![cfg(unix)]

pub mod demo;
mod error;
mod fleet;
mod limit;
mod name;
mod plan;
pub mod query;
mod registry;

pub use error::FleetError;
pub use fleet::{
    Fleet, FleetBuilder, FleetHost, FleetOptions, FleetResults, HostResult, HostStream,
};
pub use limit::Limited;
pub use name::{HostName, LabelSelector, Labels, Selector};
pub use plan::{Plan, Step, StepOutcome};
pub use query::{
    CertificateExpiry, Certificates, DeployHistory, DeployOutcome, DokkuBuilds, LastDeploy,
    NoDeployHistory, ServiceBackup, SkewReport, Versions,
};
pub use registry::{
    enrol, EnrolOptions, Enrolment, FleetDefaults, HostEntry, PinChange, Registry, SshTarget,
    Target,
};

/// dokku-ssh's pinning types, for enrolment and registries built in code.
pub use dokku_ssh::{Fingerprint, HostKey, HostKeyPin};
