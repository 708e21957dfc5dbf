//! `ps …`

use dokku::api::ps as api;
use dokku::api::report::{report_command, ReportTarget};
use dokku::api::{Format, Target};
use dokku::catalog::plugins;
use dokku::model::ps::{ContainerState, Formation};
use dokku::Command;
use serde_json::json;

use crate::apps::streamed;
use crate::error::CliError;
use crate::output::{self, Cell, DIM, GREEN, RED, YELLOW};
use crate::plan::{Opts, PsPlan};
use crate::session::{self, Session};

fn formation(pairs: &[(dokku::ProcessType, u32)]) -> Vec<Formation> {
    pairs
        .iter()
        .map(|(process_type, quantity)| Formation {
            process_type: process_type.clone(),
            quantity: *quantity,
        })
        .collect()
}

pub fn commands(plan: &PsPlan) -> Result<Vec<Command>, CliError> {
    Ok(vec![match plan {
        PsPlan::Report(app) => {
            report_command(&plugins::PS, &ReportTarget::App(app.clone()), Format::Json)?
        }
        PsPlan::ShowScale(app) => api::scale_report_command(app, Format::Json),
        PsPlan::Scale {
            app,
            formation: pairs,
            skip_deploy,
        } => api::scale_command(app, &formation(pairs), *skip_deploy),
        PsPlan::Lifecycle {
            verb,
            target,
            parallel,
            process,
        } => api::action_command(*verb, target, *parallel, process.as_ref())?,
    }])
}

/// Stopping every app at once deserves a question too.
pub fn confirm(opts: &Opts, plan: &PsPlan) -> Result<(), CliError> {
    match plan {
        PsPlan::Lifecycle {
            verb: api::Action::Stop,
            target: Target::All,
            ..
        } => session::confirm(opts, "all", "stop every app on the host"),
        _ => Ok(()),
    }
}

pub async fn run(s: &Session, plan: PsPlan) -> Result<(), CliError> {
    let json = s.opts.json;
    match plan {
        PsPlan::Report(app) => {
            let report = s.dokku.ps().report(&app).await?;
            if json {
                return Ok(output::json(&json!(report))?);
            }
            let running = match report.running {
                Some(state) => format!("{state:?}").to_lowercase(),
                None if !report.deployed => "not deployed".to_owned(),
                None => "unknown".to_owned(),
            };
            output::pairs(
                &format!("app {app}"),
                &[
                    ("running", Cell::plain(running)),
                    (
                        "processes",
                        Cell::plain(report.processes.map_or("-".to_owned(), |n| n.to_string())),
                    ),
                    (
                        "restart policy",
                        Cell::plain(report.restart_policy.effective().unwrap_or("-")),
                    ),
                    ("restore on boot", Cell::plain(report.restore.to_string())),
                ],
            )?;
            if report.containers.is_empty() {
                return Ok(());
            }
            println_blank()?;
            let rows: Vec<Vec<Cell>> = report
                .containers
                .iter()
                .map(|c| {
                    let style = match c.state {
                        ContainerState::Running => GREEN,
                        ContainerState::Restarting => YELLOW,
                        ContainerState::Exited | ContainerState::Dead => RED,
                        _ => DIM,
                    };
                    vec![
                        Cell::plain(format!("{}.{}", c.process_type, c.index)),
                        Cell(c.state.to_string(), style),
                        Cell::plain(c.container_id.clone().unwrap_or_default()),
                    ]
                })
                .collect();
            Ok(output::table(&["CONTAINER", "STATE", "ID"], &rows)?)
        }
        PsPlan::ShowScale(app) => {
            let rows = s.dokku.ps().scale_report(&app).await?;
            if json {
                return Ok(output::json(&json!(rows))?);
            }
            let rows: Vec<Vec<Cell>> = rows
                .iter()
                .map(|f| {
                    vec![
                        Cell::plain(f.process_type.to_string()),
                        Cell::plain(f.quantity.to_string()),
                    ]
                })
                .collect();
            Ok(output::table(&["TYPE", "COUNT"], &rows)?)
        }
        PsPlan::Scale {
            app,
            formation: pairs,
            skip_deploy,
        } => {
            let command = api::scale_command(&app, &formation(&pairs), skip_deploy);
            let what = pairs
                .iter()
                .map(|(t, n)| format!("{t}={n}"))
                .collect::<Vec<_>>()
                .join(" ");
            streamed(
                s,
                &command,
                "scaling",
                "scaled",
                &format!("{app} to {what}"),
            )
            .await
        }
        PsPlan::Lifecycle {
            verb,
            target,
            parallel,
            process,
        } => {
            let command = api::action_command(verb, &target, parallel, process.as_ref())?;
            let who = match &target {
                Target::App(app) => app.to_string(),
                _ => "every app".to_owned(),
            };
            let (doing, done) = match verb {
                api::Action::Start => ("starting", "started"),
                api::Action::Stop => ("stopping", "stopped"),
                api::Action::Restart => ("restarting", "restarted"),
                api::Action::Rebuild => ("rebuilding", "rebuilt"),
                _ => ("running", "ran"),
            };
            streamed(s, &command, doing, done, &who).await
        }
    }
}

fn println_blank() -> std::io::Result<()> {
    use std::io::Write;
    writeln!(output::stdout())
}
