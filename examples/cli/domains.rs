//! `domains …`

use dokku::api::domains as api;
use dokku::api::report::{report_command, ReportTarget};
use dokku::api::{Format, Scope};
use dokku::catalog::plugins;
use dokku::Command;
use serde_json::json;

use crate::error::CliError;
use crate::output::{self, Cell, DIM, GREEN};
use crate::plan::DomainsPlan;
use crate::session::Session;

pub fn commands(plan: &DomainsPlan) -> Result<Vec<Command>, CliError> {
    Ok(vec![match plan {
        DomainsPlan::Report(Scope::App(app)) => report_command(
            &plugins::DOMAINS,
            &ReportTarget::App(app.clone()),
            Format::Json,
        )?,
        DomainsPlan::Report(_) => {
            report_command(&plugins::DOMAINS, &ReportTarget::Global, Format::Json)?
        }
        DomainsPlan::Change { verb, app, domains } => api::app_command(*verb, app, domains)?,
    }])
}

fn enabled(on: bool) -> Cell {
    if on {
        Cell("enabled".to_owned(), GREEN)
    } else {
        Cell("disabled".to_owned(), DIM)
    }
}

pub async fn run(s: &Session, plan: DomainsPlan) -> Result<(), CliError> {
    let json = s.opts.json;
    match plan {
        DomainsPlan::Report(Scope::App(app)) => {
            let report = s.dokku.domains().report(&app).await?;
            if json {
                return Ok(output::json(&json!(report))?);
            }
            output::pairs(
                &format!("app {app}"),
                &[
                    ("vhosts", enabled(report.app_enabled)),
                    ("domains", Cell::plain(report.app_vhosts.join(" "))),
                    ("global", Cell::plain(report.global.vhosts.join(" "))),
                ],
            )?;
            Ok(())
        }
        DomainsPlan::Report(_) => {
            let global = s.dokku.domains().report_global().await?;
            if json {
                return Ok(output::json(&json!(global))?);
            }
            output::pairs(
                "global domains",
                &[
                    ("vhosts", enabled(global.enabled)),
                    ("domains", Cell::plain(global.vhosts.join(" "))),
                ],
            )?;
            Ok(())
        }
        DomainsPlan::Change { verb, app, domains } => {
            let command = api::app_command(verb, &app, &domains)?;
            let names: Vec<String> = domains.iter().map(ToString::to_string).collect();
            let verb_word = verb.subcommand().trim_start_matches("domains:");
            let what = if names.is_empty() {
                format!("domains of {app}")
            } else {
                format!("{} on {app}", names.join(" "))
            };
            let (doing, done) = match verb_word {
                "add" => ("adding", "added"),
                "set" => ("setting", "set"),
                "remove" => ("removing", "removed"),
                "clear" => ("clearing", "cleared"),
                other => (other, other),
            };
            crate::apps::streamed(s, &command, doing, done, &what).await
        }
    }
}
