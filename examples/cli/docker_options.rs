//! `docker-options …`: extra `docker` flags of an app per phase (build,
//! deploy, run): list, add, remove, clear. The option to add or remove
//! goes after `--` (it starts with a dash); it is one argument to Dokku
//! however many words it has, so words given unquoted are joined.

use clap::{Args, Subcommand};
use dokku::api::docker_options as api;
use dokku::model::docker_options::Phase;
use dokku::{AppName, Command, ProcessType};
use serde_json::json;

use crate::args;
use crate::error::CliError;
use crate::family::{Context, Family};
use crate::output::{self, Cell};
use crate::session::Session;

pub const HELP: &str = "Examples:\n  cli --demo docker-options list shop\n  cli --demo docker-options add api deploy,run -- --ulimit nofile=65536:65536\n  cli --demo docker-options clear api build";

#[derive(Debug, Subcommand)]
pub enum DockerOptionsCmd {
    /// An app's options, by phase.
    #[command(
        after_help = "Examples:\n  cli --demo docker-options list shop\n  cli --demo docker-options list shop --phase deploy --process worker --json"
    )]
    List {
        #[arg(value_parser = args::app_name)]
        app: Option<AppName>,
        /// Only this phase.
        #[arg(long, value_parser = args::phase)]
        phase: Option<Phase>,
        /// Only this process type's deploy options.
        #[arg(long, value_name = "TYPE", value_parser = args::process_type)]
        process: Option<ProcessType>,
    },
    /// Add an option to some phases (comma-separated: deploy,run); the
    /// option goes after `--`.
    #[command(
        after_help = "Examples:\n  cli --demo docker-options add api deploy -- --restart=on-failure:5\n  cli --demo docker-options add shop deploy --process worker -- --shm-size 256m"
    )]
    Add(Change),
    /// Remove an option from some phases (an absent one is not an error).
    #[command(
        after_help = "Example:\n  cli --demo docker-options remove api deploy -- --ulimit nofile=65536:65536"
    )]
    Remove(Change),
    /// Remove every option of some phases (default: every phase).
    #[command(
        after_help = "Examples:\n  cli --demo docker-options clear api\n  cli --demo docker-options clear api build,run"
    )]
    Clear {
        /// [APP] [PHASES]
        #[arg(value_name = "ARGS")]
        args: Vec<String>,
    },
}

#[derive(Debug, Args)]
pub struct Change {
    /// [APP] PHASES
    #[arg(value_name = "ARGS", required = true)]
    pub args: Vec<String>,
    /// The docker option, after `--` (it starts with a dash).
    #[arg(last = true, value_name = "OPTION")]
    pub option: Vec<String>,
    /// Only for this process type (deploy phase only).
    #[arg(long, value_name = "TYPE", value_parser = args::process_type)]
    pub process: Option<ProcessType>,
}

#[derive(Debug, Clone)]
pub enum Plan {
    List {
        app: AppName,
        phases: Vec<Phase>,
        process: Option<ProcessType>,
    },
    Change(OptionChange),
    Clear(AppName, Vec<Phase>),
}

/// Adding or removing one option.
#[derive(Debug, Clone)]
pub struct OptionChange {
    remove: bool,
    app: AppName,
    phases: Vec<Phase>,
    option: String,
    process: Option<ProcessType>,
}

impl OptionChange {
    /// The command it sends; the library checks a process type goes with
    /// the deploy phase alone and the option is not empty.
    fn command(&self) -> Result<Command, CliError> {
        let OptionChange {
            remove,
            app,
            phases,
            option,
            process,
        } = self;
        Ok(if *remove {
            api::remove_command(app, phases, option, process.as_ref())?
        } else {
            api::add_command(app, phases, option, process.as_ref())?
        })
    }
}

impl Family for DockerOptionsCmd {
    type Plan = Plan;

    fn plan(self, cx: &mut Context) -> Result<Plan, CliError> {
        let (change, remove) = match self {
            DockerOptionsCmd::List {
                app,
                phase,
                process,
            } => {
                let phases = match (phase, &process) {
                    (Some(Phase::Deploy) | None, Some(_)) => vec![Phase::Deploy],
                    (Some(_), Some(_)) => {
                        return Err(CliError::usage(
                            "--process only goes with the deploy phase",
                            "drop --phase, or use --phase deploy",
                        ))
                    }
                    (Some(phase), None) => vec![phase],
                    (None, None) => Phase::ALL.to_vec(),
                };
                return Ok(Plan::List {
                    app: cx.app(app)?,
                    phases,
                    process,
                });
            }
            DockerOptionsCmd::Clear { args } => {
                let (app, rest) = cx.split(args, 0, is_phases)?;
                let phases = match rest.as_slice() {
                    [] => Vec::new(),
                    [phases] => args::phases(phases)?,
                    _ => {
                        return Err(CliError::usage(
                            "too many arguments",
                            "`cli docker-options clear [APP] [PHASES]`",
                        ))
                    }
                };
                return Ok(Plan::Clear(app, phases));
            }
            DockerOptionsCmd::Add(change) => (change, false),
            DockerOptionsCmd::Remove(change) => (change, true),
        };
        let (app, rest) = cx.split(change.args, 0, is_phases)?;
        let Some((phases, words)) = rest.split_first() else {
            return Err(CliError::usage("no phase given", CHANGE_HINT));
        };
        let words: Vec<String> = words.iter().chain(&change.option).cloned().collect();
        if words.is_empty() {
            return Err(CliError::usage("no option given", CHANGE_HINT));
        }
        let change = OptionChange {
            remove,
            app,
            phases: args::phases(phases)?,
            option: words.join(" "),
            process: change.process,
        };
        // Checked before anything is sent.
        change.command()?;
        Ok(Plan::Change(change))
    }

    fn commands(plan: &Plan) -> Result<Vec<Command>, CliError> {
        Ok(match plan {
            Plan::List {
                app,
                phases,
                process,
            } => phases
                .iter()
                .map(|phase| api::list_command(app, *phase, process.as_ref()))
                .collect(),
            Plan::Change(change) => vec![change.command()?],
            Plan::Clear(app, phases) => vec![api::clear_command(app, phases)],
        })
    }

    async fn run(plan: Plan, s: &Session) -> Result<(), CliError> {
        let options = s.dokku().await?.docker_options();
        let json = s.opts.json;
        match plan {
            Plan::List {
                app,
                phases,
                process,
            } => {
                let mut listed = Vec::new();
                for phase in phases {
                    listed.push((phase, options.list(&app, phase, process.as_ref()).await?));
                }
                if json {
                    let by_phase: serde_json::Map<String, serde_json::Value> = listed
                        .into_iter()
                        .map(|(phase, options)| (phase.as_str().to_owned(), json!(options)))
                        .collect();
                    return Ok(output::json(&json!(by_phase))?);
                }
                let rows: Vec<Vec<Cell>> = listed
                    .iter()
                    .flat_map(|(phase, options)| {
                        options.iter().map(|option| {
                            vec![Cell::plain(phase.as_str()), Cell::plain(option.clone())]
                        })
                    })
                    .collect();
                if rows.is_empty() {
                    output::note(&format!("{app} has no docker options there"));
                    return Ok(());
                }
                Ok(output::table(&["PHASE", "OPTION"], &rows)?)
            }
            Plan::Change(change) => {
                let command = change.command()?;
                let OptionChange { app, phases, .. } = &change;
                let (option, process) = (&change.option, change.process.as_ref());
                let verb = if change.remove {
                    options.remove(app, phases, option, process).await?;
                    "removed"
                } else {
                    options.add(app, phases, option, process).await?;
                    "added"
                };
                let what = format!("{option} ({}) of {app}", names(phases));
                output::changed(json, verb, &what, &command)
            }
            Plan::Clear(app, phases) => {
                options.clear(&app, &phases).await?;
                let which = if phases.is_empty() {
                    "every phase".to_owned()
                } else {
                    names(&phases)
                };
                let what = format!("the docker options of {app} ({which})");
                output::changed(json, "cleared", &what, &api::clear_command(&app, &phases))
            }
        }
    }
}

const CHANGE_HINT: &str =
    "`cli docker-options add [APP] PHASES -- OPTION`, e.g. `cli docker-options add api deploy -- --restart=always`";

fn is_phases(raw: &str) -> bool {
    args::phases(raw).is_ok()
}

fn names(phases: &[Phase]) -> String {
    phases
        .iter()
        .map(|p| p.as_str())
        .collect::<Vec<_>>()
        .join(",")
}
