//! `version` (the host's Dokku and this tool), `vitals` (the host
//! machine's memory and disks) and `completions <shell>`.

use clap::{Args, CommandFactory};
use dokku::Command;
use serde_json::json;

use crate::error::CliError;
use crate::family::{Context, Family};
use crate::output::{self, Cell};
use crate::session::Session;

#[derive(Debug, Args)]
pub struct VersionArgs {}

impl Family for VersionArgs {
    type Plan = ();

    fn plan(self, _cx: &mut Context) -> Result<(), CliError> {
        Ok(())
    }

    fn commands(_: &()) -> Result<Vec<Command>, CliError> {
        Ok(vec![Command::read("version")])
    }

    async fn run(_: (), s: &Session) -> Result<(), CliError> {
        let version = s.dokku().await?.version().await?;
        if s.opts.json {
            output::json(&json!({
                "dokku": version.to_string(),
                "cli": env!("CARGO_PKG_VERSION"),
            }))?;
        } else {
            output::lines(&[format!("dokku {version}")])?;
        }
        Ok(())
    }
}

#[derive(Debug, Args)]
pub struct VitalsArgs {}

impl Family for VitalsArgs {
    type Plan = ();

    fn plan(self, _cx: &mut Context) -> Result<(), CliError> {
        Ok(())
    }

    fn commands(_: &()) -> Result<Vec<Command>, CliError> {
        Ok(vec![dokku::api::host::report_command()])
    }

    async fn run(_: (), s: &Session) -> Result<(), CliError> {
        let vitals = s.dokku().await?.host().vitals().await?;
        if s.opts.json {
            return Ok(output::json(&json!(vitals))?);
        }
        let memory = match &vitals.memory {
            Some(m) => Cell(
                format!(
                    "{} of {} MiB in use ({}%); swap {} of {} MiB",
                    m.in_use_mb(),
                    m.total_mb,
                    m.used_percent(),
                    m.swap_used_mb,
                    m.swap_total_mb
                ),
                output::fullness(Some(m.used_percent())),
            ),
            None => Cell::plain(""),
        };
        let kernel = Cell::plain(vitals.uname.clone().unwrap_or_default());
        output::pairs("host", &[("kernel", kernel), ("memory", memory)])?;
        let rows: Vec<Vec<Cell>> = vitals
            .disks
            .iter()
            .map(|d| {
                let inodes = vitals.inodes.iter().find(|i| i.mounted_on == d.mounted_on);
                let inode_use = inodes.and_then(|i| i.used_percent);
                vec![
                    Cell::plain(d.mounted_on.clone()),
                    Cell::plain(d.filesystem.clone()),
                    Cell::plain(d.size.clone()),
                    Cell::plain(d.used.clone()),
                    Cell::plain(d.available.clone()),
                    output::percent(d.used_percent),
                    output::percent(inode_use),
                ]
            })
            .collect();
        output::lines(&[String::new()])?;
        let headers = [
            "MOUNTED ON",
            "FILESYSTEM",
            "SIZE",
            "USED",
            "AVAIL",
            "USE%",
            "INODES USE%",
        ];
        Ok(output::table(&headers, &rows)?)
    }
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell.
    pub shell: clap_complete::Shell,
}

impl Family for CompletionsArgs {
    type Plan = clap_complete::Shell;
    const REMOTE: bool = false;

    fn plan(self, _cx: &mut Context) -> Result<clap_complete::Shell, CliError> {
        Ok(self.shell)
    }

    fn commands(_: &clap_complete::Shell) -> Result<Vec<Command>, CliError> {
        Ok(Vec::new())
    }

    /// Rendered whole first: clap_complete panics on a failed write, and
    /// a closed pipe (`| head`) must end quietly.
    async fn run(shell: clap_complete::Shell, _: &Session) -> Result<(), CliError> {
        let mut script = Vec::new();
        clap_complete::generate(shell, &mut crate::Cli::command(), "cli", &mut script);
        Ok(output::raw(&script)?)
    }
}
