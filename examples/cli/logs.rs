//! `logs [-n N] [--ps TYPE] [-q] [-t]`: a snapshot, or followed live
//! under a spinner until Ctrl-C.

use std::io::Write;

use dokku::api::logs::{logs_command, LogOptions};
use dokku::model::logs::LogLine;
use dokku::parse::logs::format_rfc3339_utc;
use dokku::Command;
use futures_util::StreamExt;
use serde_json::json;

use crate::error::CliError;
use crate::output::{self, CYAN, DIM};
use crate::plan::LogsPlan;
use crate::session::Session;

fn options(plan: &LogsPlan) -> LogOptions {
    LogOptions {
        num: plan.num,
        process: plan.process.clone(),
        quiet: plan.quiet,
    }
}

pub fn commands(plan: &LogsPlan) -> Vec<Command> {
    vec![logs_command(&plan.app, &options(plan), plan.follow)]
}

fn line_json(line: &LogLine) -> serde_json::Value {
    let timestamp = line.timestamp.map(format_rfc3339_utc);
    json!({
        "app": line.app.as_str(),
        "timestamp": timestamp,
        "process_type": line.process_type.as_ref().map(ToString::to_string),
        "index": line.index,
        "message": line.message,
    })
}

fn print_line(line: &LogLine) -> std::io::Result<()> {
    let mut out = output::stdout();
    if let Some(time) = line.timestamp {
        let stamp = output::seconds(time);
        write!(out, "{DIM}{stamp}{DIM:#} ")?;
    }
    if let Some(process) = &line.process_type {
        let index = line.index.map(|i| format!(".{i}")).unwrap_or_default();
        write!(out, "{CYAN}{process}{index}{CYAN:#} ")?;
    }
    writeln!(out, "{}", line.message)
}

pub async fn run(s: &Session, plan: LogsPlan) -> Result<(), CliError> {
    let json = s.opts.json;
    let mut query = s.dokku.logs().app(&plan.app);
    if let Some(n) = plan.num {
        query = query.num(n);
    }
    if let Some(p) = plan.process.clone() {
        query = query.process(p);
    }
    if plan.quiet {
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
    let mut stream = query.follow().await?;
    let bar = output::spinner(format!(
        "following the logs of {} (Ctrl-C to stop)",
        plan.app
    ));
    loop {
        let item = tokio::select! {
            item = stream.next() => item,
            _ = s.interrupted() => {
                drop(stream);
                output::interrupted(&bar);
                s.settle().await;
                return Err(CliError::Interrupted);
            }
        };
        match item {
            Some(Ok(line)) => {
                if json {
                    bar.suspend(|| output::json_line(&line_json(&line)))?;
                } else {
                    bar.suspend(|| print_line(&line))?;
                }
            }
            Some(Err(e)) => {
                bar.finish_and_clear();
                return Err(e.into());
            }
            None => {
                bar.finish_and_clear();
                return Ok(());
            }
        }
    }
}
