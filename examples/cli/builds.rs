//! `builds …` (Dokku 0.38+): an app's running and past builds: list (or
//! the running ones of every app with --all), info, output (streamed as
//! it is written), cancel, prune (of one app or, with --all, every app).

use clap::Subcommand;
use dokku::api::builds::{self as api, BuildFilter};
use dokku::api::Target;
use dokku::model::builds::{BuildRecord, BuildStatus};
use dokku::{AppName, Command};
use serde_json::json;

use crate::args;
use crate::error::CliError;
use crate::family::{self, Context, Family};
use crate::output::{self, Cell, DIM, GREEN, RED, YELLOW};
use crate::session::Session;

pub const HELP: &str = "Examples:\n  cli --demo builds list api\n  cli --demo builds list --all\n  cli --demo builds output api";

#[derive(Debug, Subcommand)]
pub enum BuildsCmd {
    /// An app's builds, running first, then newest first (--all: the
    /// builds running now on every app).
    #[command(
        after_help = "Examples:\n  cli --demo builds list api\n  cli --demo builds list api --status failed --json\n  cli --demo builds list --all"
    )]
    List {
        #[command(flatten)]
        target: args::AppOrAll,
        /// Only builds of this kind.
        #[arg(long, value_parser = ["build", "deploy"])]
        kind: Option<String>,
        /// Only builds with this status.
        #[arg(long, value_parser = ["running", "succeeded", "failed", "canceled", "abandoned"])]
        status: Option<String>,
    },
    /// One build: kind, status, source, times, exit code.
    #[command(after_help = "Example:\n  cli --demo builds info api BUILD-ID")]
    Info {
        /// [APP] BUILD-ID
        #[arg(value_name = "ARGS", required = true)]
        args: Vec<String>,
    },
    /// A build's output (default: the running build's), as it is
    /// written until the build ends.
    #[command(
        after_help = "Examples:\n  cli --demo builds output api\n  cli --demo builds output api BUILD-ID"
    )]
    Output {
        /// [APP] [BUILD-ID]
        #[arg(value_name = "ARGS")]
        args: Vec<String>,
    },
    /// Cancel the app's running build.
    #[command(after_help = "Example:\n  cli --demo builds cancel api")]
    Cancel {
        #[arg(value_parser = args::app_name)]
        app: Option<AppName>,
    },
    /// Forget old build records: builds left running by a deploy that
    /// died are recorded as failed, and only the newest the app's
    /// `retention` keeps stay (of one app, or of every app with --all).
    #[command(
        after_help = "Examples:\n  cli --demo builds prune api\n  cli --demo builds prune --all"
    )]
    Prune(args::AppOrAll),
}

#[derive(Debug, Clone)]
pub enum Plan {
    List {
        app: Option<AppName>,
        filter: BuildFilter,
    },
    Info(AppName, String),
    Output(AppName, Option<String>),
    Cancel(AppName),
    Prune(Target),
}

impl Family for BuildsCmd {
    type Plan = Plan;

    fn plan(self, cx: &mut Context) -> Result<Plan, CliError> {
        Ok(match self {
            BuildsCmd::List {
                target,
                kind,
                status,
            } => {
                let app = match cx.app_or_all(target)? {
                    dokku::api::Target::App(app) => Some(app),
                    _ => None,
                };
                let mut filter = BuildFilter::default();
                if let Some(kind) = kind {
                    filter = filter.kind(&kind);
                }
                if let Some(status) = status {
                    filter = filter.status(&status);
                }
                Plan::List { app, filter }
            }
            BuildsCmd::Info { args } => {
                let (app, rest) = cx.split(args, 1, |_| false)?;
                let [id] = family::exactly(rest, "give one build id", HINT)?;
                Plan::Info(app, args::build_id(&id)?)
            }
            BuildsCmd::Output { args } => {
                let (app, rest) = cx.split(args, 0, |_| false)?;
                let id = match rest.as_slice() {
                    [] => None,
                    [id] => Some(args::build_id(id)?),
                    _ => return Err(CliError::usage("give at most one build id", HINT)),
                };
                Plan::Output(app, id)
            }
            BuildsCmd::Cancel { app } => Plan::Cancel(cx.app(app)?),
            BuildsCmd::Prune(target) => Plan::Prune(cx.app_or_all(target)?),
        })
    }

    fn commands(plan: &Plan) -> Result<Vec<Command>, CliError> {
        Ok(vec![match plan {
            Plan::List { app, filter } => api::list_command(app.as_ref(), filter)?,
            Plan::Info(app, id) => api::info_command(app, id)?,
            Plan::Output(app, id) => api::output_command(app, id.as_deref())?,
            Plan::Cancel(app) => api::cancel_command(app),
            Plan::Prune(target) => api::prune_command(app_of(target)),
        }])
    }

    async fn run(plan: Plan, s: &Session) -> Result<(), CliError> {
        let builds = s.dokku().await?.builds();
        let json = s.opts.json;
        match plan {
            Plan::List { app, filter } => {
                let listed = match &app {
                    Some(app) => builds.list(app, &filter).await?,
                    None => builds.running().await?,
                };
                if json {
                    return Ok(output::json(&json!(listed))?);
                }
                if listed.is_empty() {
                    output::note(&match &app {
                        Some(app) => format!("no builds of {app}"),
                        None => "no builds are running".to_owned(),
                    });
                    return Ok(());
                }
                let rows: Vec<Vec<Cell>> = listed.iter().map(row).collect();
                Ok(output::table(
                    &[
                        "ID", "APP", "KIND", "STATUS", "STARTED", "DURATION", "SOURCE",
                    ],
                    &rows,
                )?)
            }
            Plan::Info(app, id) => {
                let build = builds
                    .info(&app, &id)
                    .await
                    .map_err(|e| CliError::missing(e, format!("{app} has no build {id}"), HINT))?;
                if json {
                    return Ok(output::json(&json!(build))?);
                }
                let text = |v: &Option<String>| Cell::plain(v.clone().unwrap_or_default());
                Ok(output::pairs(
                    &format!("build {id} of {app}"),
                    &[
                        ("kind", Cell::plain(build.kind.clone())),
                        ("status", status_cell(&build)),
                        ("source", Cell::plain(build.source.clone())),
                        ("started", Cell::plain(build.started_at.clone())),
                        ("finished", text(&build.finished_at)),
                        ("duration", text(&build.duration)),
                        (
                            "exit code",
                            Cell::plain(build.exit_code.map(|c| c.to_string()).unwrap_or_default()),
                        ),
                    ],
                )?)
            }
            Plan::Output(app, id) => {
                let which = id
                    .as_ref()
                    .map_or("the running build".to_owned(), |id| format!("build {id}"));
                let label = format!("output of {which} of {app}");
                // The running build's lines are printed as they come (JSON
                // lines), a given build's at its end (a JSON array).
                let live = id.is_none();
                let id = match id {
                    Some(id) => Some(id),
                    None => builds
                        .last(&app)
                        .await?
                        .filter(|b| b.build_status == Some(BuildStatus::Running))
                        .and_then(|b| b.build_id),
                };
                let stream = match id {
                    // Followed as it is written, until the build ends.
                    Some(id) => builds
                        .follow(&app, &id, crate::common::build_checks())
                        .await
                        .map_err(|e| {
                            CliError::missing(e, format!("{app} has no build {id}"), HINT)
                        })?,
                    // None runs: Dokku says so.
                    None => builds.output(&app, None).await?,
                };
                s.print_stream(stream, &label, live, |line| Ok((line.clone(), json!(line))))
                    .await
            }
            Plan::Cancel(app) => {
                let command = api::cancel_command(&app);
                let what = format!("the running build of {app}");
                s.streamed(&command, "cancelling", "cancelled", &what).await
            }
            Plan::Prune(target) => {
                builds.prune(app_of(&target)).await?;
                let command = api::prune_command(app_of(&target));
                let what = format!("the old build records of {}", family::who(&target));
                output::changed(json, "pruned", &what, &command)
            }
        }
    }
}

const HINT: &str = "`cli builds list APP` shows the build ids";

/// One app, or (`None`) every app.
fn app_of(target: &Target) -> Option<&AppName> {
    match target {
        Target::App(app) => Some(app),
        _ => None,
    }
}

fn status_cell(build: &BuildRecord) -> Cell {
    let style = match build.shown_status() {
        Some(BuildStatus::Succeeded) => GREEN,
        Some(BuildStatus::Running) => YELLOW,
        Some(failed) if failed.is_failure() => RED,
        _ => DIM,
    };
    Cell(
        build
            .shown_status()
            .map(ToString::to_string)
            .unwrap_or_default(),
        style,
    )
}

fn row(build: &BuildRecord) -> Vec<Cell> {
    vec![
        Cell::plain(build.id.clone()),
        Cell::plain(build.app.clone().unwrap_or_default()),
        Cell::plain(build.kind.clone()),
        status_cell(build),
        Cell::plain(build.started_at.clone()),
        Cell::plain(build.duration.clone().unwrap_or_default()),
        Cell::plain(build.source.clone()),
    ]
}
