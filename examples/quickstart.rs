//! A few typed calls against the `dokku` program on this machine.
//!
//! `cargo run --example quickstart` — set `DOKKU_BIN` to use another program
//! (for example a test double). Without Dokku installed it says so and exits.

use std::process::ExitCode;

use dokku::{Dokku, Error, ExecError, LocalExecutor};

#[tokio::main]
async fn main() -> ExitCode {
    let program = std::env::var("DOKKU_BIN").unwrap_or_else(|_| "dokku".to_owned());
    let dokku = Dokku::new(LocalExecutor::new().program(&program));
    match run(&dokku).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(Error::Transport {
            source: ExecError::Spawn { .. },
            ..
        }) => {
            eprintln!(
                "`{program}` is not installed here. This example talks to a local Dokku; \
                 set DOKKU_BIN to point at one."
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run(dokku: &Dokku) -> dokku::Result<()> {
    let caps = dokku.capabilities().await?;
    println!("Dokku {} with {} plugins", caps.version, caps.plugins.len());
    let apps = dokku.apps().list().await?;
    println!("{} apps", apps.len());
    for report in dokku.ps().report_all().await? {
        let name = report.app.map(|a| a.to_string()).unwrap_or_default();
        let containers = report.containers.len();
        println!(
            "  {name:<30} deployed={:<5} running={:?} containers={containers}",
            report.deployed, report.running
        );
    }
    Ok(())
}
