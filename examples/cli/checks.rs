//! `checks …`: zero-downtime deploy checks: show which process types have
//! them disabled or skipped, enable, disable or skip them (for the whole
//! app, or some process types), and run them against the running
//! containers now. `wait-to-retire` is `cli set checks`.

use clap::{Args, Subcommand};
use dokku::api::checks::{self as api, ChecksAction};
use dokku::api::report::{report_command, ReportTarget};
use dokku::api::Format;
use dokku::catalog::plugins;
use dokku::model::checks::{ChecksReport, ProcessSelection};
use dokku::{AppName, Command, ProcessType};
use serde_json::json;

use crate::args;
use crate::error::CliError;
use crate::family::{self, Context, Family};
use crate::output::{self, Cell};
use crate::session::Session;

pub const HELP: &str = "Examples:\n  cli --demo checks show api\n  cli --demo checks disable api worker\n  cli --demo checks run api";

#[derive(Debug, Subcommand)]
pub enum ChecksCmd {
    /// Which process types have checks disabled or skipped.
    #[command(after_help = "Example:\n  cli --demo checks show metrics --json")]
    Show {
        #[arg(value_parser = args::app_name)]
        app: Option<AppName>,
    },
    /// Check new containers before switching to them (the default).
    #[command(
        after_help = "Examples:\n  cli --demo checks enable api\n  cli --demo checks enable api web worker"
    )]
    Enable(Types),
    /// Stop old containers before starting new ones (downtime on deploys).
    #[command(after_help = "Example:\n  cli --demo checks disable api worker")]
    Disable(Types),
    /// Switch to new containers without waiting for checks.
    #[command(after_help = "Example:\n  cli --demo checks skip api worker")]
    Skip(Types),
    /// Run the checks against the running containers now.
    #[command(after_help = "Example:\n  cli --demo checks run api")]
    Run {
        #[arg(value_parser = args::app_name)]
        app: Option<AppName>,
    },
}

#[derive(Debug, Args)]
pub struct Types {
    /// [APP] [PROCESS-TYPE …] (no process type: the whole app)
    #[arg(value_name = "ARGS")]
    pub args: Vec<String>,
}

#[derive(Debug, Clone)]
pub enum Plan {
    Show(AppName),
    Act {
        action: ChecksAction,
        app: AppName,
        types: Vec<ProcessType>,
    },
}

impl Family for ChecksCmd {
    type Plan = Plan;

    fn plan(self, cx: &mut Context) -> Result<Plan, CliError> {
        let (action, args) = match self {
            ChecksCmd::Show { app } => return Ok(Plan::Show(cx.app(app)?)),
            ChecksCmd::Run { app } => {
                return Ok(Plan::Act {
                    action: ChecksAction::Run,
                    app: cx.app(app)?,
                    types: Vec::new(),
                })
            }
            ChecksCmd::Enable(types) => (ChecksAction::Enable, types.args),
            ChecksCmd::Disable(types) => (ChecksAction::Disable, types.args),
            ChecksCmd::Skip(types) => (ChecksAction::Skip, types.args),
        };
        // The first argument is the app unless --app names it.
        let (app, rest) = cx.split(args, 0, |_| false)?;
        Ok(Plan::Act {
            action,
            app,
            types: family::each(&rest, args::process_type)?,
        })
    }

    fn commands(plan: &Plan) -> Result<Vec<Command>, CliError> {
        Ok(vec![match plan {
            Plan::Show(app) => report_command(
                &plugins::CHECKS,
                &ReportTarget::App(app.clone()),
                Format::Json,
            )?,
            Plan::Act { action, app, types } => api::action_command(*action, app, types),
        }])
    }

    async fn run(plan: Plan, s: &Session) -> Result<(), CliError> {
        match plan {
            Plan::Show(app) => {
                let report = s.dokku().await?.report::<ChecksReport>().app(&app).await?;
                if s.opts.json {
                    return Ok(output::json(&json!({
                        "app": app.as_str(),
                        "disabled": listed(&report.disabled),
                        "skipped": listed(&report.skipped),
                        "wait_to_retire": report.wait_to_retire.computed,
                    }))?);
                }
                Ok(output::pairs(
                    &format!("checks of {app}"),
                    &[
                        ("disabled", Cell::plain(selection(&report.disabled))),
                        ("skipped", Cell::plain(selection(&report.skipped))),
                        (
                            "wait to retire (s)",
                            Cell::plain(report.wait_to_retire.computed.unwrap_or_default()),
                        ),
                    ],
                )?)
            }
            Plan::Act { action, app, types } => {
                let command = api::action_command(action, &app, &types);
                let names: Vec<&str> = types.iter().map(ProcessType::as_str).collect();
                let what = if names.is_empty() {
                    app.to_string()
                } else {
                    format!("{} of {app}", names.join(", "))
                };
                let (doing, done) = match action {
                    ChecksAction::Enable => ("enabling checks for", "enabled checks for"),
                    ChecksAction::Disable => ("disabling checks for", "disabled checks for"),
                    ChecksAction::Skip => ("skipping checks for", "skipped checks for"),
                    _ => ("running the checks of", "ran the checks of"),
                };
                s.streamed(&command, doing, done, &what).await
            }
        }
    }
}

/// `none`, `every process type`, or the process types.
fn selection(selection: &ProcessSelection) -> String {
    match selection {
        ProcessSelection::All => "every process type".to_owned(),
        ProcessSelection::Some(types) => types.join(", "),
        _ => "none".to_owned(),
    }
}

/// For scripts: the process types, `["_all_"]` (Dokku's word) for every
/// one, `[]` for none.
fn listed(selection: &ProcessSelection) -> Vec<String> {
    match selection {
        ProcessSelection::All => vec!["_all_".to_owned()],
        ProcessSelection::Some(types) => types.clone(),
        _ => Vec::new(),
    }
}
