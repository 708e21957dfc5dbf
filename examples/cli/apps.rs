//! `apps …`: list (one status vocabulary, the library's), report (`apps
//! info`), create, destroy (after typing the name), rename, clone, lock,
//! unlock.

use clap::Subcommand;
use dokku::api::apps as api;
use dokku::api::report::{report_command, ReportTarget};
use dokku::api::Format;
use dokku::catalog::plugins;
use dokku::model::overview::{AppOverview, AppStatus};
use dokku::{AppName, Command};
use serde_json::json;

use crate::args;
use crate::error::CliError;
use crate::family::{Context, Family, Opts};
use crate::output::{self, Cell, YELLOW};
use crate::session::{self, Session};

pub const HELP: &str =
    "Examples:\n  cli --demo apps list\n  cli --demo apps info api\n  cli --demo apps create my-app\n  cli --demo apps destroy my-app --yes";

#[derive(Debug, Subcommand)]
pub enum AppsCmd {
    /// Every app with its deploy and run state.
    #[command(after_help = "Example:\n  cli --demo apps list --json")]
    List,
    /// One app: its state, source and settings (also `apps info`).
    #[command(
        visible_alias = "info",
        after_help = "Examples:\n  cli --demo apps report api\n  cli --demo apps info api --json"
    )]
    Report {
        #[arg(value_parser = args::app_name)]
        app: Option<AppName>,
    },
    /// Create an app.
    #[command(after_help = "Example:\n  cli --demo apps create my-app")]
    Create {
        #[arg(value_parser = args::new_app_name)]
        app: Option<AppName>,
    },
    /// Destroy an app (asks for its name unless --yes).
    #[command(
        after_help = "Examples:\n  cli --demo apps destroy my-app\n  cli --demo apps destroy my-app --yes"
    )]
    Destroy {
        #[arg(value_parser = args::app_name)]
        app: Option<AppName>,
    },
    /// Rename an app (rebuilt unless --skip-deploy).
    #[command(after_help = "Example:\n  cli --demo apps rename old-name new-name")]
    Rename {
        #[arg(value_parser = args::app_name)]
        from: AppName,
        #[arg(value_parser = args::new_app_name)]
        to: AppName,
        #[arg(long)]
        skip_deploy: bool,
    },
    /// Copy an app with its config (built unless --skip-deploy).
    #[command(after_help = "Example:\n  cli --demo apps clone api api-staging")]
    Clone {
        #[arg(value_parser = args::app_name)]
        from: AppName,
        #[arg(value_parser = args::new_app_name)]
        to: AppName,
        #[arg(long)]
        skip_deploy: bool,
        /// Succeed without doing anything if the copy exists.
        #[arg(long)]
        ignore_existing: bool,
    },
    /// Take the deploy lock.
    #[command(after_help = "Example:\n  cli --demo apps lock api")]
    Lock {
        #[arg(value_parser = args::app_name)]
        app: Option<AppName>,
    },
    /// Release the deploy lock.
    #[command(after_help = "Example:\n  cli --demo apps unlock api")]
    Unlock {
        #[arg(value_parser = args::app_name)]
        app: Option<AppName>,
    },
}

#[derive(Debug, Clone)]
pub enum Plan {
    List,
    Report(AppName),
    Create(AppName),
    Destroy(AppName),
    Rename {
        from: AppName,
        to: AppName,
        skip_deploy: bool,
    },
    Clone {
        from: AppName,
        to: AppName,
        skip_deploy: bool,
        ignore_existing: bool,
    },
    Lock(AppName),
    Unlock(AppName),
}

impl Family for AppsCmd {
    type Plan = Plan;

    fn plan(self, cx: &mut Context) -> Result<Plan, CliError> {
        Ok(match self {
            AppsCmd::List => Plan::List,
            AppsCmd::Report { app } => Plan::Report(cx.app(app)?),
            // From --app or a git remote too: checked by the creation rule.
            AppsCmd::Create { app } => Plan::Create(args::new_app_name(cx.app(app)?.as_str())?),
            AppsCmd::Destroy { app } => Plan::Destroy(cx.app(app)?),
            AppsCmd::Rename {
                from,
                to,
                skip_deploy,
            } => Plan::Rename {
                from,
                to,
                skip_deploy,
            },
            AppsCmd::Clone {
                from,
                to,
                skip_deploy,
                ignore_existing,
            } => Plan::Clone {
                from,
                to,
                skip_deploy,
                ignore_existing,
            },
            AppsCmd::Lock { app } => Plan::Lock(cx.app(app)?),
            AppsCmd::Unlock { app } => Plan::Unlock(cx.app(app)?),
        })
    }

    fn commands(plan: &Plan) -> Result<Vec<Command>, CliError> {
        Ok(match plan {
            Plan::List => [&plugins::APPS, &plugins::PS, &plugins::DOMAINS]
                .into_iter()
                .map(|p| report_command(p, &ReportTarget::All, Format::Text))
                .collect::<Result<_, _>>()?,
            Plan::Report(app) => [&plugins::APPS, &plugins::PS]
                .into_iter()
                .map(|p| report_command(p, &ReportTarget::App(app.clone()), Format::Json))
                .collect::<Result<_, _>>()?,
            Plan::Create(app) => vec![api::create_command(app)],
            Plan::Destroy(app) => vec![api::destroy_command(app)],
            Plan::Rename {
                from,
                to,
                skip_deploy,
            } => vec![api::rename_command(from, to, *skip_deploy)],
            Plan::Clone {
                from,
                to,
                skip_deploy,
                ignore_existing,
            } => vec![api::clone_command(from, to, *skip_deploy, *ignore_existing)],
            Plan::Lock(app) => vec![api::lock_command(app)],
            Plan::Unlock(app) => vec![api::unlock_command(app)],
        })
    }

    fn prepare(plan: Plan, opts: &Opts) -> Result<Plan, CliError> {
        if let Plan::Destroy(app) = &plan {
            session::confirm(
                opts,
                "the app name",
                app.as_str(),
                &format!("destroy the app {app}, its containers, config and domains"),
            )?;
        }
        Ok(plan)
    }

    async fn run(plan: Plan, s: &Session) -> Result<(), CliError> {
        let json = s.opts.json;
        match plan {
            Plan::List => list(s).await,
            Plan::Report(app) => report(s, &app).await,
            Plan::Create(app) => {
                s.dokku().await?.apps().create(&app).await?;
                output::changed(json, "created", app.as_str(), &api::create_command(&app))
            }
            Plan::Destroy(app) => {
                let command = api::destroy_command(&app);
                s.streamed(&command, "destroying", "destroyed", app.as_str())
                    .await
            }
            Plan::Rename {
                from,
                to,
                skip_deploy,
            } => {
                let command = api::rename_command(&from, &to, skip_deploy);
                let what = format!("{from} → {to}");
                s.streamed(&command, "renaming", "renamed", &what).await
            }
            Plan::Clone {
                from,
                to,
                skip_deploy,
                ignore_existing,
            } => {
                let command = api::clone_command(&from, &to, skip_deploy, ignore_existing);
                let what = format!("{from} → {to}");
                s.streamed(&command, "cloning", "cloned", &what).await
            }
            Plan::Lock(app) => {
                s.dokku().await?.apps().lock(&app).await?;
                output::changed(json, "locked", app.as_str(), &api::lock_command(&app))
            }
            Plan::Unlock(app) => {
                s.dokku().await?.apps().unlock(&app).await?;
                output::changed(json, "unlocked", app.as_str(), &api::unlock_command(&app))
            }
        }
    }
}

async fn report(s: &Session, app: &AppName) -> Result<(), CliError> {
    let (report, _, status) = s.app_state(app).await?;
    let created = report.created_at.map(output::unix_secs);
    if s.opts.json {
        let mut value = json!(report);
        value["status"] = json!(status.as_str());
        value["created_at"] = json!(created);
        return Ok(output::json(&value)?);
    }
    Ok(output::pairs(
        &format!("app {app}"),
        &[
            ("status", output::status_cell(status)),
            (
                "directory",
                Cell::plain(report.dir.clone().unwrap_or_default()),
            ),
            ("created (UTC)", Cell::plain(created.unwrap_or_default())),
            (
                "deploy source",
                Cell::plain(report.deploy_source.clone().unwrap_or("-".to_owned())),
            ),
            (
                "source detail",
                Cell::plain(report.deploy_source_metadata.clone().unwrap_or_default()),
            ),
            ("deployed", output::yes_no(report.is_deployed())),
            ("locked", output::yes_no(report.locked)),
        ],
    )?)
}

/// `apps list`: the library's app overview (one status rule for every
/// frontend), in three report-all invocations run at once.
async fn list(s: &Session) -> Result<(), CliError> {
    let apps = s.dokku().await?.apps().overview().await?;
    if s.opts.json {
        let rows: Vec<_> = apps.iter().map(overview_json).collect();
        return Ok(output::json(&json!(rows))?);
    }
    let rows: Vec<Vec<Cell>> = apps.iter().map(overview_cells).collect();
    Ok(output::table(&OVERVIEW_HEADERS, &rows)?)
}

/// The columns of an app's row in `apps list` (and `fleet apps`).
pub const OVERVIEW_HEADERS: [&str; 5] = ["APP", "STATUS", "PROCESSES", "SOURCE", "LOCK"];

/// An app's row in `apps list` (and `fleet apps`).
pub fn overview_cells(a: &AppOverview) -> Vec<Cell> {
    vec![
        Cell::plain(a.app.to_string()),
        output::status_cell(a.status),
        Cell::plain(a.containers().to_string()),
        Cell::plain(a.deploy_source.clone().unwrap_or("-".to_owned())),
        if a.locked {
            Cell("locked".to_owned(), YELLOW)
        } else {
            Cell::plain("")
        },
    ]
}

/// An app of `apps list --json` (and `fleet apps --json`).
pub fn overview_json(a: &AppOverview) -> serde_json::Value {
    json!({
        "name": a.app.as_str(),
        "status": a.status.as_str(),
        "deployed": a.status != AppStatus::NeverDeployed,
        "deploy_source": a.deploy_source,
        "locked": a.locked,
        "processes": a.containers(),
        "domains": a.domains,
        "created_at": a.created_at.map(output::unix_secs),
    })
}
