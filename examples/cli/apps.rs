//! `apps …`

use dokku::api::apps as api;
use dokku::api::report::{report_command, ReportTarget};
use dokku::api::Format;
use dokku::catalog::plugins;
use dokku::model::overview::AppStatus;
use dokku::Command;
use serde_json::json;

use crate::error::CliError;
use crate::output::{self, Cell, DIM, GREEN, RED, YELLOW};
use crate::plan::{AppsPlan, Opts};
use crate::session::{self, Session};

/// The commands a plan sends (reads as a current Dokku gets them).
pub fn commands(plan: &AppsPlan) -> Vec<Command> {
    match plan {
        AppsPlan::List => [&plugins::APPS, &plugins::PS, &plugins::DOMAINS]
            .into_iter()
            .filter_map(|p| report_command(p, &ReportTarget::All, Format::Text).ok())
            .collect(),
        AppsPlan::Report(app) => report_command(
            &plugins::APPS,
            &ReportTarget::App(app.clone()),
            Format::Json,
        )
        .into_iter()
        .collect(),
        AppsPlan::Create(app) => vec![api::create_command(app)],
        AppsPlan::Destroy(app) => vec![api::destroy_command(app)],
        AppsPlan::Rename {
            from,
            to,
            skip_deploy,
        } => vec![api::rename_command(from, to, *skip_deploy)],
        AppsPlan::Clone {
            from,
            to,
            skip_deploy,
            ignore_existing,
        } => vec![api::clone_command(from, to, *skip_deploy, *ignore_existing)],
        AppsPlan::Lock(app) => vec![api::lock_command(app)],
        AppsPlan::Unlock(app) => vec![api::unlock_command(app)],
    }
}

/// Ask before the destructive ones (before connecting: a refusal sends nothing).
pub fn confirm(opts: &Opts, plan: &AppsPlan) -> Result<(), CliError> {
    match plan {
        AppsPlan::Destroy(app) => session::confirm(
            opts,
            app.as_str(),
            &format!("destroy the app {app}, its containers, config and domains"),
        ),
        _ => Ok(()),
    }
}

pub async fn run(s: &Session, plan: AppsPlan) -> Result<(), CliError> {
    let json = s.opts.json;
    match plan {
        AppsPlan::List => list(s).await,
        AppsPlan::Report(app) => {
            let report = s.dokku.apps().report(&app).await?;
            if json {
                return Ok(output::json(&json!(report))?);
            }
            let created = report
                .created_at
                .map(|t| output::timestamp_ms(t as i64 * 1000))
                .unwrap_or_default();
            Ok(output::pairs(
                &format!("app {app}"),
                &[
                    (
                        "directory",
                        Cell::plain(report.dir.clone().unwrap_or_default()),
                    ),
                    ("created", Cell::plain(created)),
                    (
                        "deploy source",
                        Cell::plain(report.deploy_source.clone().unwrap_or("-".to_owned())),
                    ),
                    (
                        "source detail",
                        Cell::plain(report.deploy_source_metadata.clone().unwrap_or_default()),
                    ),
                    ("deployed", yes_no(report.is_deployed())),
                    ("locked", yes_no(report.locked)),
                ],
            )?)
        }
        AppsPlan::Create(app) => {
            s.dokku.apps().create(&app).await?;
            changed(json, "created", app.as_str(), &api::create_command(&app))
        }
        AppsPlan::Destroy(app) => {
            let command = api::destroy_command(&app);
            streamed(s, &command, "destroying", "destroyed", app.as_str()).await
        }
        AppsPlan::Rename {
            from,
            to,
            skip_deploy,
        } => {
            let command = api::rename_command(&from, &to, skip_deploy);
            streamed(
                s,
                &command,
                "renaming",
                "renamed",
                &format!("{from} → {to}"),
            )
            .await
        }
        AppsPlan::Clone {
            from,
            to,
            skip_deploy,
            ignore_existing,
        } => {
            let command = api::clone_command(&from, &to, skip_deploy, ignore_existing);
            streamed(s, &command, "cloning", "cloned", &format!("{from} → {to}")).await
        }
        AppsPlan::Lock(app) => {
            s.dokku.apps().lock(&app).await?;
            changed(json, "locked", app.as_str(), &api::lock_command(&app))
        }
        AppsPlan::Unlock(app) => {
            s.dokku.apps().unlock(&app).await?;
            changed(json, "unlocked", app.as_str(), &api::unlock_command(&app))
        }
    }
}

fn yes_no(on: bool) -> Cell {
    if on {
        Cell("yes".to_owned(), GREEN)
    } else {
        Cell("no".to_owned(), DIM)
    }
}

/// Report a change: a check mark for people, an object for scripts.
pub fn changed(json: bool, verb: &str, what: &str, command: &Command) -> Result<(), CliError> {
    finish(json, verb, what, command, &[])
}

/// `apps list`: the library's app overview (one status rule for every
/// frontend), in three report-all invocations run at once.
async fn list(s: &Session) -> Result<(), CliError> {
    let apps = s.dokku.apps().overview().await?;
    if s.opts.json {
        let rows: Vec<_> = apps
            .iter()
            .map(|a| {
                json!({
                    "name": a.app.as_str(),
                    "status": a.status.as_str(),
                    "deployed": a.status != AppStatus::NeverDeployed,
                    "deploy_source": a.deploy_source,
                    "locked": a.locked,
                    "processes": a.containers(),
                    "domains": a.domains,
                })
            })
            .collect();
        return Ok(output::json(&json!(rows))?);
    }
    let rows: Vec<Vec<Cell>> = apps
        .iter()
        .map(|a| {
            let colour = match a.status {
                AppStatus::Running => GREEN,
                AppStatus::Stopped | AppStatus::Crashed => RED,
                AppStatus::Mixed | AppStatus::Locked => YELLOW,
                _ => DIM,
            };
            vec![
                Cell::plain(a.app.to_string()),
                Cell(a.status.as_str().to_owned(), colour),
                Cell::plain(a.containers().to_string()),
                Cell::plain(a.deploy_source.clone().unwrap_or("-".to_owned())),
                if a.locked {
                    Cell("locked".to_owned(), YELLOW)
                } else {
                    Cell::plain("")
                },
            ]
        })
        .collect();
    Ok(output::table(
        &["APP", "STATUS", "PROCESSES", "SOURCE", "LOCK"],
        &rows,
    )?)
}

/// Run a long change with its output live under a spinner (`doing what`),
/// then report it (`done what`).
pub async fn streamed(
    s: &Session,
    command: &Command,
    doing: &str,
    done: &str,
    what: &str,
) -> Result<(), CliError> {
    let lines = s
        .stream(command, &format!("{doing} {what}"), &mut str::to_owned)
        .await?;
    finish(s.opts.json, done, what, command, &lines)
}

/// The end of a streamed change: in JSON, with the output Dokku printed.
pub fn finish(
    json: bool,
    verb: &str,
    what: &str,
    command: &Command,
    lines: &[String],
) -> Result<(), CliError> {
    if json {
        output::json(&json!({
            "ok": true,
            "action": verb,
            "target": what,
            "command": command.to_string(),
            "output": lines,
        }))?;
        return Ok(());
    }
    output::done(&format!("{verb} {what}"))?;
    Ok(())
}
