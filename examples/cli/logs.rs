//! `logs [-n N] [--ps TYPE] [-q] [-t]`: a snapshot, or followed live
//! under a spinner until Ctrl-C. Dokku prints nothing and exits 0 for a
//! process type the app does not have, so `--ps` is checked against the
//! app's formation first: an unknown type is "not found" (exit 4, as for
//! an unknown app, service or record).

use std::io::Write;
use std::ops::ControlFlow;

use clap::Args;
use dokku::api::logs::{logs_command, LogOptions};
use dokku::api::ps::scale_report_command;
use dokku::api::Format;
use dokku::model::logs::LogLine;
use dokku::{AppName, Command, ProcessType};
use serde_json::json;

use crate::args;
use crate::error::CliError;
use crate::family::{Context, Family};
use crate::output::{self, CYAN, DIM};
use crate::session::Session;

pub const HELP: &str =
    "Examples:\n  cli --demo logs api -n 20\n  cli --demo logs api --ps worker -t";

#[derive(Debug, Args)]
pub struct LogsArgs {
    #[arg(value_parser = args::app_name)]
    pub app: Option<AppName>,
    /// Lines per container.
    #[arg(long, short = 'n')]
    pub num: Option<u32>,
    /// Only this process type.
    #[arg(long = "ps", short = 'p', value_name = "TYPE", value_parser = args::process_type)]
    pub process: Option<ProcessType>,
    /// Raw lines, without timestamp and container.
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// Keep following new lines until Ctrl-C.
    #[arg(long = "tail", short = 't')]
    pub follow: bool,
}

#[derive(Debug, Clone)]
pub struct Plan {
    app: AppName,
    options: LogOptions,
    follow: bool,
}

impl Family for LogsArgs {
    type Plan = Plan;

    fn plan(self, cx: &mut Context) -> Result<Plan, CliError> {
        Ok(Plan {
            app: cx.app(self.app)?,
            options: LogOptions {
                num: self.num,
                process: self.process,
                quiet: self.quiet,
            },
            follow: self.follow,
        })
    }

    fn commands(plan: &Plan) -> Result<Vec<Command>, CliError> {
        let check = plan
            .options
            .process
            .as_ref()
            .map(|_| scale_report_command(&plan.app, Format::Json));
        Ok(check
            .into_iter()
            .chain([logs_command(&plan.app, &plan.options, plan.follow)])
            .collect())
    }

    async fn run(plan: Plan, s: &Session) -> Result<(), CliError> {
        let json = s.opts.json;
        let dokku = s.dokku().await?;
        if let Some(process) = &plan.options.process {
            let formation = dokku.ps().scale_report(&plan.app).await?;
            // An app never deployed has no formation: `logs` says so itself.
            if !formation.is_empty() && !formation.iter().any(|f| &f.process_type == process) {
                let types: Vec<String> = formation
                    .iter()
                    .map(|f| f.process_type.to_string())
                    .collect();
                return Err(CliError::not_found(
                    format!("{} has no process type {process}", plan.app),
                    format!("its process types: {}", types.join(", ")),
                ));
            }
        }
        let mut query = dokku.logs().app(&plan.app);
        if let Some(n) = plan.options.num {
            query = query.num(n);
        }
        if let Some(p) = plan.options.process.clone() {
            query = query.process(p);
        }
        if plan.options.quiet {
            query = query.quiet();
        }
        if !plan.follow {
            let lines = query.fetch().await?;
            if json {
                let rows: Vec<_> = lines.iter().map(line_json).collect();
                return Ok(output::json(&json!(rows))?);
            }
            for line in &lines {
                print_line(line)?;
            }
            return Ok(());
        }
        let stream = query.follow().await?;
        let bar = output::spinner(format!(
            "following the logs of {} (Ctrl-C to stop)",
            plan.app
        ));
        s.drive(stream, &bar, |item| {
            let line = item?;
            if json {
                bar.suspend(|| output::json_line(&line_json(&line)))?;
            } else {
                bar.suspend(|| print_line(&line))?;
            }
            Ok(ControlFlow::<()>::Continue(()))
        })
        .await?;
        Ok(())
    }
}

fn line_json(line: &LogLine) -> serde_json::Value {
    json!({
        "app": line.app.as_str(),
        "timestamp": line.timestamp.map(dokku::parse::logs::format_rfc3339_utc),
        "process_type": line.process_type.as_ref().map(ToString::to_string),
        "index": line.index,
        "message": line.message,
    })
}

fn print_line(line: &LogLine) -> std::io::Result<()> {
    let mut out = output::stdout();
    if let Some(time) = line.timestamp {
        let stamp = output::time(time);
        write!(out, "{DIM}{stamp}{DIM:#} ")?;
    }
    if let Some(container) = line.container() {
        write!(out, "{CYAN}{container}{CYAN:#} ")?;
    }
    writeln!(out, "{}", line.message)
}
