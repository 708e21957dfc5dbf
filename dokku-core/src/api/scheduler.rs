//! scheduler-k3s's read-only verbs (from dokku/dokku
//! `plugins/scheduler-k3s/`: the recorded host was built without it).
//!
//! Typed: `cluster:list`. The report and properties are generic
//! (`dokku.report::<SchedulerK3sReport>()`, whose global JSON form would
//! print the cluster token: the typed report keeps only whether it is set).
//! Refused here: `show-kubeconfig`, which prints cluster-admin
//! credentials (catalogued as secret output; reachable with `Command::new`
//! by someone who means it), and `preview --show-secrets`.

use crate::api::Format;
use crate::client::Dokku;
use crate::command::{Command, Requirement};
use crate::error::Result;
use crate::model::scheduler::K3sNode;
use crate::parse::{self, context};
use crate::version::DokkuVersion;

/// The first Dokku with scheduler-k3s.
pub const K3S: DokkuVersion = DokkuVersion::new(0, 33, 0);

/// `scheduler-k3s:cluster:list [--format json]`.
pub fn cluster_list_command(format: Format) -> Command {
    let command = Command::read("scheduler-k3s:cluster:list");
    match format {
        Format::Json => command.args(["--format", "json"]),
        Format::Text => command,
    }
    .requires(Requirement::Version(K3S))
}

/// Handler for scheduler-k3s; see [`Dokku::k3s`].
#[derive(Debug, Clone, Copy)]
pub struct K3s<'a> {
    dokku: &'a Dokku,
}

impl Dokku {
    /// Handler for the k3s scheduler's read-only verbs.
    pub fn k3s(&self) -> K3s<'_> {
        K3s { dokku: self }
    }
}

impl K3s<'_> {
    /// The cluster's nodes.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// for node in dokku.k3s().cluster_list().await? {
    ///     println!("{} ready={} {:?}", node.name, node.ready, node.roles);
    /// }
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::Unsupported`](crate::Error::Unsupported) before 0.33,
    /// [`Error::CommandFailed`](crate::Error::CommandFailed) when k3s is
    /// not initialized, [`Error::Parse`](crate::Error::Parse).
    pub async fn cluster_list(self) -> Result<Vec<K3sNode>> {
        let command = cluster_list_command(Format::Json);
        let output = self.dokku.run(&command).await?;
        context(
            &command,
            parse::scheduler::cluster_list(&output.stdout_lossy()),
        )
    }
}
