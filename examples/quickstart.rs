//! A few typed calls against a Dokku host.
//!
//! `cargo run --example quickstart -- --demo` runs on the built-in
//! simulated host; without `--demo` it talks to the `dokku` program on this
//! machine (`DOKKU_BIN` to use another program).

use std::process::ExitCode;

use dokku::{Dokku, Error, ExecError, LocalExecutor};
use dokku_sim::{scenario, SimExecutor};

#[tokio::main]
async fn main() -> ExitCode {
    let demo = std::env::args().skip(1).any(|a| a == "--demo");
    let program = std::env::var("DOKKU_BIN").unwrap_or_else(|_| "dokku".to_owned());
    let dokku = if demo {
        println!("Using the simulated demo host (dokku-sim).");
        Dokku::new(SimExecutor::new(scenario::demo()))
    } else {
        Dokku::new(LocalExecutor::new().program(&program))
    };
    match run(&dokku).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(Error::Transport {
            source: ExecError::Spawn { .. },
            ..
        }) => {
            eprintln!(
                "`{program}` is not installed here. Run with --demo for the simulated host, \
                 or set DOKKU_BIN to point at a dokku program."
            );
            ExitCode::FAILURE
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
    // One invocation each for every app's process and app reports.
    let ps = dokku.ps().report_all().await?;
    let reports = dokku.apps().report_all().await?;
    for (report, app) in ps.iter().zip(&reports) {
        let name = report
            .app
            .as_ref()
            .map(|a| a.to_string())
            .unwrap_or_default();
        let state = match (report.deployed, report.running) {
            (false, _) => "never deployed".to_owned(),
            (true, Some(r)) => format!("{r:?}").to_lowercase(),
            (true, None) => "unknown".to_owned(),
        };
        let lock = if app.locked { " (locked)" } else { "" };
        println!(
            "  {name:<20} {state:<16} {:>2} containers{lock}",
            report.containers.len()
        );
    }
    Ok(())
}
