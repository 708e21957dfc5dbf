//! `report`: Dokku's global report, read for the machine's vitals.
//!
//! Dokku prints the machine first (kernel, memory, disks), then asks
//! Docker for its version and daemon details and runs a herokuish
//! container for its version, then lists its tools and plugins: a few
//! seconds, and the Docker part fails where the daemon does not answer.
//! The vitals are read whatever the exit code once they were printed.

use crate::client::Dokku;
use crate::command::Command;
use crate::error::Result;
use crate::model::host::HostVitals;
use crate::parse;

/// `report` (the global one: no app).
pub fn report_command() -> Command {
    Command::read("report")
}

/// Handler for the host machine itself; see [`Dokku::host`].
#[derive(Debug, Clone, Copy)]
pub struct Host<'a> {
    dokku: &'a Dokku,
}

impl Dokku {
    /// Handler for the host machine itself (`report`).
    pub fn host(&self) -> Host<'_> {
        Host { dokku: self }
    }
}

impl Host<'_> {
    /// The machine's kernel, memory and disks, from `dokku report`.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// let vitals = dokku.host().vitals().await?;
    /// if let Some(memory) = &vitals.memory {
    ///     println!("memory {}% used", memory.used_percent());
    /// }
    /// for disk in &vitals.disks {
    ///     println!("{} {:?}% used", disk.mounted_on, disk.used_percent);
    /// }
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::Parse`](crate::Error::Parse) for memory or disk lines that
    /// are not `free`'s or `df`'s; when the report fails before printing
    /// the memory, [`Error::CommandFailed`](crate::Error::CommandFailed);
    /// transport errors.
    pub async fn vitals(self) -> Result<HostVitals> {
        let command = report_command();
        let output = self.dokku.execute(&command).await?;
        let vitals = parse::context(&command, parse::host::vitals(&output.stdout_lossy()))?;
        if vitals.memory.is_none() {
            parse::expect_success(&command, output)?;
        }
        Ok(vitals)
    }
}
