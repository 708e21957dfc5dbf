//! `trace:on` and `trace:off`: bash xtrace for every Dokku command.
//!
//! While trace mode is on, every command's stderr carries its arguments
//! and Dokku's environment, secrets included (recorded on 0.38.27): error
//! messages the SDK builds from stderr would then hold them. Turn it on
//! only to debug, on a host whose output nobody else keeps.

use crate::client::Dokku;
use crate::command::Command;
use crate::error::Result;

/// `trace:on` (`on: false`: `trace:off`).
pub fn trace_command(on: bool) -> Command {
    Command::write(if on { "trace:on" } else { "trace:off" })
}

impl Dokku {
    /// Turn Dokku's trace mode on (`true`) or off. See the module's warning.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// dokku.trace(false).await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// The command errors.
    pub async fn trace(&self, on: bool) -> Result<()> {
        self.run(&trace_command(on)).await.map(drop)
    }
}
