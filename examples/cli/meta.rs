//! `version` (the host's Dokku and this tool) and `completions <shell>`.

use clap::{Args, CommandFactory};
use dokku::Command;
use serde_json::json;

use crate::error::CliError;
use crate::family::{Context, Family};
use crate::output;
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
