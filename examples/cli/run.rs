//! `run [APP] [--env K=V]… [--detach] [--ttl-seconds N] -- CMD…`: a
//! command in a new one-off container of the app, its output live (URL
//! credentials masked unless `--reveal`; `--env` values never shown, nor
//! recorded). `run list`, `run logs [-t]`, `run stop` and `run retire`
//! manage those containers.

use clap::{Args, Subcommand};
use dokku::api::run::{self as api, RunSpec, RunTarget};
use dokku::model::run::RunContainer;
use dokku::{AppName, Command, ConfigKey, SecretString};
use serde_json::json;

use crate::args;
use crate::error::CliError;
use crate::family::{Context, Family};
use crate::output::{self, Cell};
use crate::session::Session;

pub const HELP: &str = "Examples:\n  cli --demo run api -- node --version\n  cli --demo run api --env DEBUG=1 -- node scripts/check.js\n  cli --demo run api --detach --ttl-seconds 600 -- node scripts/reindex.js\n  cli --demo run list api";

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct RunArgs {
    #[command(subcommand)]
    pub sub: Option<RunCmd>,
    /// The app (default: --app, or the `dokku` git remote).
    #[arg(value_parser = args::app_name)]
    pub app: Option<AppName>,
    /// The command to run and its arguments, after `--`.
    #[arg(last = true, value_name = "CMD")]
    pub command: Vec<String>,
    /// An environment variable for this run only (repeatable; its value is
    /// never shown or recorded).
    #[arg(long = "env", short = 'e', value_name = "KEY=VALUE", value_parser = args::assignment)]
    pub env: Vec<(ConfigKey, SecretString)>,
    /// Start it in the background and print the container's name.
    #[arg(long)]
    pub detach: bool,
    /// Stop the container after this many seconds (Dokku's default: a
    /// day; expired containers are reaped every five minutes).
    #[arg(long, value_name = "SECONDS", value_parser = clap::value_parser!(u32).range(1..))]
    pub ttl_seconds: Option<u32>,
}

#[derive(Debug, Subcommand)]
pub enum RunCmd {
    /// The app's one-off containers.
    #[command(after_help = "Example:\n  cli --demo run list api --json")]
    List {
        #[arg(value_parser = args::app_name)]
        app: Option<AppName>,
    },
    /// What the app's one-off containers (or one of them) printed; `-t`
    /// follows until Ctrl-C.
    #[command(
        after_help = "Examples:\n  cli --demo run logs api\n  cli --demo run logs --container api.run.1234 -t"
    )]
    Logs {
        #[command(flatten)]
        which: Which,
        /// Keep following new lines until Ctrl-C.
        #[arg(long = "tail", short = 't')]
        follow: bool,
    },
    /// Stop the app's one-off containers (or one of them).
    #[command(
        after_help = "Examples:\n  cli --demo run stop api\n  cli --demo run stop --container api.run.1234"
    )]
    Stop {
        #[command(flatten)]
        which: Which,
    },
    /// Stop the one-off containers past their time to live (of one app, or
    /// of every app with --all).
    #[command(
        after_help = "Examples:\n  cli --demo run retire api\n  cli --demo run retire --all"
    )]
    Retire(args::AppOrAll),
}

/// `[APP]` or `--container APP.run.N`.
#[derive(Debug, Args)]
pub struct Which {
    #[arg(value_parser = args::app_name)]
    pub app: Option<AppName>,
    /// One container, by the name `run list` shows.
    #[arg(long, value_name = "NAME", value_parser = args::run_container)]
    pub container: Option<String>,
}

#[derive(Debug, Clone)]
pub enum Plan {
    Run(RunSpec),
    List(AppName),
    Logs { target: RunTarget, follow: bool },
    Stop(RunTarget),
    Retire(Option<AppName>),
}

impl Family for RunArgs {
    type Plan = Plan;

    fn plan(self, cx: &mut Context) -> Result<Plan, CliError> {
        let RunArgs {
            sub,
            app,
            command,
            env,
            detach,
            ttl_seconds,
        } = self;
        Ok(match sub {
            Some(RunCmd::List { app }) => Plan::List(cx.app(app)?),
            Some(RunCmd::Logs { which, follow }) => Plan::Logs {
                target: target(cx, which)?,
                follow,
            },
            Some(RunCmd::Stop { which }) => Plan::Stop(target(cx, which)?),
            Some(RunCmd::Retire(all)) => match cx.app_or_all(all)? {
                dokku::api::Target::App(app) => Plan::Retire(Some(app)),
                _ => Plan::Retire(None),
            },
            None => {
                if command.iter().all(|word| word.trim().is_empty()) {
                    return Err(CliError::usage(
                        "no command given",
                        "put the command after `--`: `cli run api -- rake db:migrate`",
                    ));
                }
                let mut spec = RunSpec::new(&cx.app(app)?, command);
                for (key, value) in env {
                    spec = spec.env(key, value);
                }
                if detach {
                    spec = spec.detached();
                }
                if let Some(seconds) = ttl_seconds {
                    spec = spec.ttl_seconds(seconds);
                }
                Plan::Run(spec)
            }
        })
    }

    fn commands(plan: &Plan) -> Result<Vec<Command>, CliError> {
        Ok(vec![match plan {
            Plan::Run(spec) => spec.command()?,
            Plan::List(app) => api::list_command(app),
            Plan::Logs { target, follow } => api::logs_command(target, *follow)?,
            Plan::Stop(target) => api::stop_command(target)?,
            Plan::Retire(app) => api::retire_command(app.as_ref()),
        }])
    }

    async fn run(plan: Plan, s: &Session) -> Result<(), CliError> {
        let json = s.opts.json;
        let one_off = s.dokku().await?.one_off();
        match plan {
            Plan::Run(spec) if spec.detached => {
                let name = one_off.detached(&spec).await?;
                if json {
                    return Ok(output::json(&json!({
                        "ok": true,
                        "action": "started",
                        "app": spec.app.as_str(),
                        "container": (!name.is_empty()).then_some(name),
                        "command": spec.command()?.to_string(),
                    }))?);
                }
                let what = if name.is_empty() {
                    format!("a one-off container of {}", spec.app)
                } else {
                    name
                };
                Ok(output::done(&format!("started {what} in the background"))?)
            }
            Plan::Run(spec) => {
                let command = spec.command()?;
                let shown = dokku::secret::mask_userinfo(&spec.command.join(" ")).into_owned();
                let label = format!("running `{shown}` on {}", spec.app);
                // URL credentials in its output are masked by the stream.
                let lines = s.stream(&command, &label, &mut str::to_owned).await?;
                // For people the output is all: it may be piped on.
                if json {
                    output::finish(true, "ran", spec.app.as_str(), &command, &lines)?;
                }
                Ok(())
            }
            Plan::List(app) => {
                let containers = one_off.list(&app).await?;
                // Times as the CLI writes every time (RFC 3339, UTC) where
                // Docker gave one; Dokku's words otherwise.
                let created = |c: &RunContainer| {
                    c.created()
                        .map_or_else(|| c.created_at.clone(), output::time)
                };
                if json {
                    let listed: Vec<_> = containers
                        .iter()
                        .map(|c| {
                            let mut row = json!(c);
                            row["created_at"] = json!(created(c));
                            row
                        })
                        .collect();
                    return Ok(output::json(&json!(listed))?);
                }
                if containers.is_empty() {
                    output::note(&format!("{app} has no one-off containers"));
                    return Ok(());
                }
                let rows: Vec<Vec<Cell>> = containers
                    .iter()
                    .map(|c| {
                        vec![
                            Cell::plain(c.name.clone()),
                            Cell::plain(c.state.clone().unwrap_or_default()),
                            Cell::plain(created(c)),
                            Cell::plain(c.command.clone()),
                        ]
                    })
                    .collect();
                Ok(output::table(
                    &["NAME", "STATE", "CREATED", "COMMAND"],
                    &rows,
                )?)
            }
            Plan::Logs { target, follow } => {
                let command = api::logs_command(&target, follow)?;
                let stream = one_off.logs(&target, follow).await?;
                let label = format!("output of {}", which(&target));
                s.print_stream(stream, &label, follow, |line| {
                    let line = s.mask(&command, &line)?;
                    Ok((line.clone(), json!(line)))
                })
                .await
            }
            Plan::Stop(target) => {
                let stopped = one_off.stop(&target).await?;
                let command = api::stop_command(&target)?;
                if json {
                    let extra = json!({ "stopped": stopped });
                    return output::finished_with("stopped", &which(&target), &command, &[], extra);
                }
                if !stopped.is_empty() {
                    return Ok(output::done(&format!(
                        "stopped {}",
                        output::comma_list(&stopped)
                    ))?);
                }
                // Dokku exits 0 when it had nothing to stop.
                output::note(&match &target {
                    RunTarget::Container(name) => format!(
                        "nothing stopped: {name} does not exist (`cli run list APP` lists them)"
                    ),
                    RunTarget::App(app) => {
                        format!("nothing stopped: {app} has no one-off containers")
                    }
                    other => format!("nothing stopped: {} do not exist", which(other)),
                });
                Ok(())
            }
            Plan::Retire(app) => {
                one_off.retire(app.as_ref()).await?;
                let command = api::retire_command(app.as_ref());
                let whose = app.map_or("every app".to_owned(), |a| a.to_string());
                let what = format!("the expired one-off containers of {whose}");
                output::changed(json, "retired", &what, &command)
            }
        }
    }
}

/// `[APP]` or `--container`: a container given names its app.
fn target(cx: &mut Context, which: Which) -> Result<RunTarget, CliError> {
    let Which { app, container } = which;
    let Some(container) = container else {
        return Ok(RunTarget::App(cx.app(app)?));
    };
    let owner = container.rsplit_once(".run.").map(|(owner, _)| owner);
    if let Some(app) = app.as_ref().or(cx.app_flag()) {
        if owner != Some(app.as_str()) {
            return Err(CliError::usage(
                format!("{container} is not a one-off container of {app}"),
                "drop the app: the container's name says it",
            ));
        }
    }
    Ok(RunTarget::Container(container))
}

/// `the one-off containers of api`, `the one-off container api.run.1`.
fn which(target: &RunTarget) -> String {
    match target {
        RunTarget::App(app) => format!("the one-off containers of {app}"),
        RunTarget::Container(name) => format!("the one-off container {name}"),
        _ => "one-off containers".to_owned(),
    }
}
