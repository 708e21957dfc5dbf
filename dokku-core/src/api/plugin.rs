//! `plugin:list`: what is installed.
//!
//! Every other `plugin:*` command must run as root, which a client connected
//! as the `dokku` user is not; so "is X installed" is answered from the list
//! rather than with `plugin:installed`.

use crate::api::Format;
use crate::client::{versions, Capabilities, Dokku};
use crate::command::Command;
use crate::error::Result;
use crate::model::plugin::PluginInfo;
use crate::parse::{self, context};

/// `plugin:list`, JSON where the host has it.
pub fn list_command(caps: &Capabilities) -> Command {
    Format::for_host(caps, versions::PLUGIN_LIST_JSON)
        .apply(Command::read("plugin:list"), versions::PLUGIN_LIST_JSON)
}

/// Handler for `plugin:*`; see [`Dokku::plugins`].
#[derive(Debug, Clone, Copy)]
pub struct Plugins<'a> {
    pub(crate) dokku: &'a Dokku,
}

impl<'a> Plugins<'a> {
    /// Installed plugins, fresh from the host (not the cached capabilities).
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// for plugin in dokku.plugins().list().await? {
    ///     println!("{} {}", plugin.name, plugin.version);
    /// }
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::Parse`](crate::Error::Parse) for a list it cannot read,
    /// [`Error::CommandFailed`](crate::Error::CommandFailed) and
    /// [`Error::Transport`](crate::Error::Transport) (also from the first call's
    /// probe of the host).
    pub async fn list(self) -> Result<Vec<PluginInfo>> {
        let caps = self.dokku.capabilities().await?;
        let command = list_command(&caps);
        let output = self.dokku.run(&command).await?;
        context(&command, parse::plugin::list(&output.stdout_lossy()))
    }

    /// Whether a plugin is installed and enabled, from the cached
    /// capabilities.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// if !dokku.plugins().installed("letsencrypt").await? {
    ///     println!("install dokku-letsencrypt first");
    /// }
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// Only while the first call on a client probes the host (`version`, then
    /// `plugin:list`): [`Error::CommandFailed`](crate::Error::CommandFailed),
    /// [`Error::Parse`](crate::Error::Parse) and
    /// [`Error::Transport`](crate::Error::Transport). Later calls read the cache
    /// and cannot fail.
    pub async fn installed(self, name: &str) -> Result<bool> {
        Ok(self.dokku.capabilities().await?.plugin(name).is_some())
    }
}
