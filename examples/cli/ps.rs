//! `ps …`: report, scale (counts from 0 to 100), start, stop (every app:
//! after a question), restart (one process type too), rebuild.

use clap::{Args, Subcommand};
use dokku::api::ps::{self as api, Action as Verb};
use dokku::api::report::{report_command, ReportTarget};
use dokku::api::{Format, Target};
use dokku::catalog::plugins;
use dokku::model::ps::{ContainerState, Formation};
use dokku::{AppName, Command, ProcessType};
use serde_json::json;

use crate::args;
use crate::error::CliError;
use crate::family::{self, Context, Family, Opts};
use crate::output::{self, Cell, DIM, GREEN, RED};
use crate::session::{self, Session};

pub const HELP: &str = "Examples:\n  cli --demo ps report api\n  cli --demo ps scale api web=2 worker=1\n  cli --demo ps restart api";

#[derive(Debug, Subcommand)]
pub enum PsCmd {
    /// Containers and process settings of an app.
    #[command(after_help = "Example:\n  cli --demo ps report api")]
    Report {
        #[arg(value_parser = args::app_name)]
        app: Option<AppName>,
    },
    /// Show the formation, or set it with TYPE=N pairs (N from 0 to 100).
    #[command(
        after_help = "Examples:\n  cli --demo ps scale api\n  cli --demo ps scale api web=3 worker=1"
    )]
    Scale {
        /// [APP] [TYPE=N …]
        #[arg(value_name = "ARGS")]
        args: Vec<String>,
        /// Record the formation without deploying it.
        #[arg(long)]
        skip_deploy: bool,
    },
    /// Start an app's containers.
    #[command(after_help = "Examples:\n  cli --demo ps start api\n  cli --demo ps start --all")]
    Start(LifecycleArgs),
    /// Stop an app's containers.
    #[command(
        after_help = "Examples:\n  cli --demo ps stop api\n  cli --demo ps stop --all --yes"
    )]
    Stop(LifecycleArgs),
    /// Restart an app (or one process type of it).
    #[command(
        after_help = "Examples:\n  cli --demo ps restart api\n  cli --demo ps restart api worker"
    )]
    Restart(LifecycleArgs),
    /// Rebuild an app from its last source.
    #[command(
        after_help = "Examples:\n  cli --demo ps rebuild api\n  cli --demo ps rebuild --all --parallel 2"
    )]
    Rebuild {
        #[command(flatten)]
        args: LifecycleArgs,
        /// Rebuild an app locked with `apps:lock` anyway: Dokku builds it
        /// and removes the lock. Without it a locked app (with --all, any)
        /// is refused, after one question, with nothing else sent.
        #[arg(long)]
        ignore_lock: bool,
    },
}

#[derive(Debug, Args)]
pub struct LifecycleArgs {
    /// [APP] [PROCESS-TYPE]
    #[arg(value_name = "ARGS")]
    pub args: Vec<String>,
    /// Every app.
    #[arg(long)]
    pub all: bool,
    /// With --all: how many apps at once (-1: one per CPU).
    #[arg(long, allow_negative_numbers = true)]
    pub parallel: Option<i32>,
}

#[derive(Debug, Clone)]
pub enum Plan {
    Report(AppName),
    ShowScale(AppName),
    Scale {
        app: AppName,
        formation: Vec<Formation>,
        skip_deploy: bool,
    },
    Lifecycle {
        verb: Verb,
        target: Target,
        parallel: Option<i32>,
        process: Option<ProcessType>,
        /// Ask about the deploy lock first (a rebuild).
        lock_check: bool,
    },
}

impl Family for PsCmd {
    type Plan = Plan;

    fn plan(self, cx: &mut Context) -> Result<Plan, CliError> {
        Ok(match self {
            PsCmd::Report { app } => Plan::Report(cx.app(app)?),
            PsCmd::Scale { args, skip_deploy } => {
                let (app, pairs) = cx.split(args, 0, |a| a.contains('='))?;
                if pairs.is_empty() {
                    if skip_deploy {
                        return Err(CliError::usage(
                            "--skip-deploy needs a formation",
                            "add TYPE=COUNT pairs",
                        ));
                    }
                    Plan::ShowScale(app)
                } else {
                    let formation = family::each(&pairs, args::formation)?
                        .into_iter()
                        .map(|(process_type, quantity)| Formation {
                            process_type,
                            quantity,
                        })
                        .collect();
                    Plan::Scale {
                        app,
                        formation,
                        skip_deploy,
                    }
                }
            }
            PsCmd::Start(args) => lifecycle(cx, Verb::Start, args, false)?,
            PsCmd::Stop(args) => lifecycle(cx, Verb::Stop, args, false)?,
            PsCmd::Restart(args) => lifecycle(cx, Verb::Restart, args, false)?,
            PsCmd::Rebuild { args, ignore_lock } => {
                lifecycle(cx, Verb::Rebuild, args, !ignore_lock)?
            }
        })
    }

    fn commands(plan: &Plan) -> Result<Vec<Command>, CliError> {
        Ok(match plan {
            Plan::Report(app) => [&plugins::PS, &plugins::APPS]
                .into_iter()
                .map(|p| report_command(p, &ReportTarget::App(app.clone()), Format::Json))
                .collect::<Result<_, _>>()?,
            Plan::ShowScale(app) => vec![api::scale_report_command(app, Format::Json)],
            Plan::Scale {
                app,
                formation,
                skip_deploy,
            } => vec![api::scale_command(app, formation, *skip_deploy)],
            Plan::Lifecycle {
                verb,
                target,
                parallel,
                process,
                lock_check,
            } => {
                let action = api::action_command(*verb, target, *parallel, process.as_ref())?;
                match lock_check {
                    true => vec![session::lock_check(target.clone())?, action],
                    false => vec![action],
                }
            }
        })
    }

    /// Stopping every app at once deserves a question too.
    fn prepare(plan: Plan, opts: &Opts) -> Result<Plan, CliError> {
        if let Plan::Lifecycle {
            verb: Verb::Stop,
            target: Target::All,
            ..
        } = &plan
        {
            session::confirm(opts, "the word", "all", "stop every app on the host")?;
        }
        Ok(plan)
    }

    async fn run(plan: Plan, s: &Session) -> Result<(), CliError> {
        match plan {
            Plan::Report(app) => report(s, &app).await,
            Plan::ShowScale(app) => {
                let rows = s.dokku().await?.ps().scale_report(&app).await?;
                if s.opts.json {
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
            Plan::Scale {
                app,
                formation,
                skip_deploy,
            } => {
                let command = api::scale_command(&app, &formation, skip_deploy);
                let what = formation
                    .iter()
                    .map(|f| format!("{}={}", f.process_type, f.quantity))
                    .collect::<Vec<_>>()
                    .join(" ");
                let what = format!("{app} to {what}");
                s.streamed(&command, "scaling", "scaled", &what).await
            }
            Plan::Lifecycle {
                verb,
                target,
                parallel,
                process,
                lock_check,
            } => {
                let command = api::action_command(verb, &target, parallel, process.as_ref())?;
                if lock_check {
                    let dokku = s.dokku().await?;
                    session::refuse_if_locked(dokku, target.clone()).await?;
                }
                let (doing, done) = match verb {
                    Verb::Start => ("starting", "started"),
                    Verb::Stop => ("stopping", "stopped"),
                    Verb::Restart => ("restarting", "restarted"),
                    Verb::Rebuild => ("rebuilding", "rebuilt"),
                    _ => ("running", "ran"),
                };
                let who = family::who(&target);
                let label = format!("{doing} {who}");
                let (lines, stderr) = s
                    .stream_with_stderr(&command, &label, &mut str::to_owned)
                    .await?;
                // Dokku warns about an app never deployed and exits 0.
                let not_deployed = dokku::parse::ps::not_deployed(&stderr);
                if s.opts.json {
                    let extra = json!({ "not_deployed": not_deployed });
                    return output::finished_with(done, &who, &command, &lines, extra);
                }
                if let Target::App(app) = &target {
                    if not_deployed.contains(app) {
                        output::note(&format!("nothing {done}: {app} has not been deployed"));
                        return Ok(());
                    }
                }
                let what = match not_deployed.is_empty() {
                    true => who,
                    false => format!(
                        "{who} (not deployed: {})",
                        output::comma_list(&not_deployed)
                    ),
                };
                output::finish(false, done, &what, &command, &lines)
            }
        }
    }
}

/// `lock_check`: ask about the deploy lock first (a rebuild without
/// `--ignore-lock`).
fn lifecycle(
    cx: &mut Context,
    verb: Verb,
    args: LifecycleArgs,
    lock_check: bool,
) -> Result<Plan, CliError> {
    let LifecycleArgs {
        args,
        all,
        parallel,
    } = args;
    if all {
        if !args.is_empty() {
            return Err(CliError::usage(
                "--all takes no app or process type",
                "drop the arguments, or --all",
            ));
        }
        return Ok(Plan::Lifecycle {
            verb,
            target: Target::All,
            parallel,
            process: None,
            lock_check,
        });
    }
    if parallel.is_some() {
        return Err(CliError::usage(
            "--parallel only applies with --all",
            "add --all, or drop --parallel",
        ));
    }
    let max = if verb == Verb::Restart { 2 } else { 1 };
    if args.len() > max {
        return Err(CliError::usage(
            format!("too many arguments: {}", args.join(" ")),
            "only `ps restart` takes a process type after the app",
        ));
    }
    // The first argument is the app unless --app names it.
    let (app, rest) = cx.split(args, 0, |_| false)?;
    let process = match rest.as_slice() {
        [] => None,
        [p] => Some(args::process_type(p)?),
        _ => {
            return Err(CliError::usage(
                "too many arguments",
                "`ps restart [APP] [PROCESS-TYPE]`",
            ))
        }
    };
    Ok(Plan::Lifecycle {
        verb,
        target: Target::App(app),
        parallel: None,
        process,
        lock_check,
    })
}

async fn report(s: &Session, app: &AppName) -> Result<(), CliError> {
    let (_, report, status) = s.app_state(app).await?;
    if s.opts.json {
        let mut value = json!(report);
        value["status"] = json!(status.as_str());
        return Ok(output::json(&value)?);
    }
    output::pairs(
        &format!("app {app}"),
        &[
            ("status", output::status_cell(status)),
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
    output::lines(&[String::new()])?;
    let rows: Vec<Vec<Cell>> = report
        .containers
        .iter()
        .map(|c| {
            let style = container_style(&c.state);
            vec![
                Cell::plain(format!("{}.{}", c.process_type, c.index)),
                Cell(c.state.to_string(), style),
                Cell::plain(c.container_id.clone().unwrap_or_default()),
            ]
        })
        .collect();
    Ok(output::table(&["CONTAINER", "STATE", "ID"], &rows)?)
}

/// A container's colour, as the dashboard's: crashed red (the rule that
/// makes its app crashed), running green, the rest (exited, created …)
/// dim.
fn container_style(state: &ContainerState) -> anstyle::Style {
    match state {
        s if s.is_crashed() => RED,
        ContainerState::Running => GREEN,
        _ => DIM,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_crashed_container_is_red_a_running_one_green_and_a_stopped_one_dim() {
        let style = |word| container_style(&ContainerState::from_docker(word));
        for crashed in ["restarting", "dead", "missing"] {
            assert_eq!(style(crashed), RED, "{crashed}");
        }
        assert_eq!(style("running"), GREEN);
        for quiet in ["exited", "created", "paused", "something-new"] {
            assert_eq!(style(quiet), DIM, "{quiet}");
        }
    }
}
