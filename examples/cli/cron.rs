//! `cron …`: the cron tasks of an app's `app.json`: list (schedule,
//! command, suspended or not), run one now, suspend and resume.

use clap::Subcommand;
use dokku::api::cron::{self as api, CronScope};
use dokku::api::{Format, Scope};
use dokku::model::cron::CronTask;
use dokku::{AppName, Command};
use serde_json::json;

use crate::args;
use crate::error::CliError;
use crate::family::{self, Context, Family};
use crate::output::{self, Cell, DIM, YELLOW};
use crate::session::Session;

pub const HELP: &str = "Examples:\n  cli --demo cron list api\n  cli --demo cron run api TASK-ID\n  cli --demo cron suspend api TASK-ID";

#[derive(Debug, Subcommand)]
pub enum CronCmd {
    /// An app's tasks (or the global ones): id, schedule, command.
    #[command(
        after_help = "Examples:\n  cli --demo cron list api\n  cli --demo cron list --global --json"
    )]
    List {
        #[command(flatten)]
        scope: args::AppOrGlobal,
    },
    /// Run a task now.
    #[command(after_help = "Example:\n  cli --demo cron run api TASK-ID")]
    Run {
        /// [APP] TASK-ID
        #[arg(value_name = "ARGS", required = true)]
        args: Vec<String>,
        /// In the background.
        #[arg(long)]
        detach: bool,
    },
    /// Stop a task from running on its schedule.
    #[command(after_help = "Example:\n  cli --demo cron suspend api TASK-ID")]
    Suspend {
        /// [APP] TASK-ID
        #[arg(value_name = "ARGS", required = true)]
        args: Vec<String>,
    },
    /// Let a suspended task run on its schedule again.
    #[command(after_help = "Example:\n  cli --demo cron resume api TASK-ID")]
    Resume {
        /// [APP] TASK-ID
        #[arg(value_name = "ARGS", required = true)]
        args: Vec<String>,
    },
}

/// What to do with one task.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Act {
    Run { detach: bool },
    Suspend,
    Resume,
}

#[derive(Debug, Clone)]
pub enum Plan {
    List(CronScope),
    Task { act: Act, app: AppName, id: String },
}

impl Family for CronCmd {
    type Plan = Plan;

    fn plan(self, cx: &mut Context) -> Result<Plan, CliError> {
        let (act, args) = match self {
            CronCmd::List { scope } => {
                return Ok(Plan::List(match cx.scope(scope)? {
                    Scope::App(app) => CronScope::App(app),
                    _ => CronScope::Global,
                }))
            }
            CronCmd::Run { args, detach } => (Act::Run { detach }, args),
            CronCmd::Suspend { args } => (Act::Suspend, args),
            CronCmd::Resume { args } => (Act::Resume, args),
        };
        let (app, rest) = cx.split(args, 1, |_| false)?;
        let [id] = family::exactly(rest, "give one task id", "`cli cron list APP` shows them")?;
        Ok(Plan::Task {
            act,
            app,
            id: args::task_id(&id)?,
        })
    }

    fn commands(plan: &Plan) -> Result<Vec<Command>, CliError> {
        Ok(vec![match plan {
            Plan::List(scope) => api::list_command(scope, Format::Json),
            Plan::Task { act, app, id } => task_command(*act, app, id)?,
        }])
    }

    async fn run(plan: Plan, s: &Session) -> Result<(), CliError> {
        let cron = s.dokku().await?.cron();
        let json = s.opts.json;
        match plan {
            Plan::List(scope) => {
                let tasks = cron.list(scope.clone()).await?;
                if json {
                    return Ok(output::json(&json!(tasks))?);
                }
                if tasks.is_empty() {
                    let whose = match &scope {
                        CronScope::App(app) => app.to_string(),
                        _ => "the host".to_owned(),
                    };
                    output::note(&format!("{whose} has no cron tasks"));
                    return Ok(());
                }
                let rows: Vec<Vec<Cell>> = tasks.iter().map(row).collect();
                Ok(output::table(
                    &["ID", "SCHEDULE", "STATE", "COMMAND"],
                    &rows,
                )?)
            }
            Plan::Task { act, app, id } => {
                let command = task_command(act, &app, &id)?;
                let what = format!("task {id} of {app}");
                let (verb, lines) = match act {
                    Act::Run { detach } => {
                        let printed = cron
                            .run(&app, &id, detach)
                            .await
                            .map_err(|e| unknown_task(e, &app, &id))?;
                        let lines: Vec<String> = printed.lines().map(str::to_owned).collect();
                        if !json {
                            output::lines(&lines)?;
                        }
                        ("ran", lines)
                    }
                    Act::Suspend => {
                        cron.suspend(&app, &id)
                            .await
                            .map_err(|e| unknown_task(e, &app, &id))?;
                        ("suspended", Vec::new())
                    }
                    Act::Resume => {
                        cron.resume(&app, &id)
                            .await
                            .map_err(|e| unknown_task(e, &app, &id))?;
                        ("resumed", Vec::new())
                    }
                };
                output::finish(json, verb, &what, &command, &lines)
            }
        }
    }
}

fn unknown_task(e: dokku::Error, app: &AppName, id: &str) -> CliError {
    CliError::missing(
        e,
        format!("{app} has no cron task {id}"),
        "`cli cron list APP` shows the task ids",
    )
}

fn task_command(act: Act, app: &AppName, id: &str) -> Result<Command, CliError> {
    Ok(match act {
        Act::Run { detach } => api::run_command(app, id, detach)?,
        Act::Suspend => api::suspend_command(app, id, true)?,
        Act::Resume => api::suspend_command(app, id, false)?,
    })
}

fn row(task: &CronTask) -> Vec<Cell> {
    let state = if task.task_in_maintenance {
        Cell("suspended".to_owned(), YELLOW)
    } else if task.app_in_maintenance {
        Cell("app suspended".to_owned(), YELLOW)
    } else {
        Cell("active".to_owned(), DIM)
    };
    vec![
        Cell::plain(task.id.clone()),
        Cell::plain(task.schedule.clone()),
        state,
        Cell::plain(task.command.clone()),
    ]
}
