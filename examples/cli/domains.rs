//! `domains …`: report, add, set, remove, clear. Dokku's `domains:remove`
//! says `Removed <domain>` whether or not the app had it (real Dokku
//! 0.38.27, captures-0.38.27-surface.jsonl seq 1262), so `remove` reads
//! the app's domains first, removes the ones it has and says which it did
//! not.

use clap::Subcommand;
use dokku::api::domains::{self as api, DomainsVerb};
use dokku::api::report::{report_command, ReportTarget};
use dokku::api::{Format, Scope};
use dokku::catalog::plugins;
use dokku::{AppName, Command, Domain};
use serde_json::json;

use crate::args;
use crate::error::CliError;
use crate::family::{self, Context, Family};
use crate::output::{self, Cell};
use crate::session::Session;

pub const HELP: &str =
    "Examples:\n  cli --demo domains report api\n  cli --demo domains add api api.example.com";

#[derive(Debug, Subcommand)]
pub enum DomainsCmd {
    /// An app's domains, or the global ones.
    #[command(
        after_help = "Examples:\n  cli --demo domains report api\n  cli --demo domains report --global"
    )]
    Report {
        #[command(flatten)]
        scope: args::AppOrGlobal,
    },
    /// Add domains to an app.
    #[command(
        after_help = "Example:\n  cli --demo domains add api api.example.com www.example.com"
    )]
    Add {
        /// [APP] DOMAIN …
        #[arg(value_name = "ARGS", required = true)]
        args: Vec<String>,
    },
    /// Replace an app's domains.
    #[command(after_help = "Example:\n  cli --demo domains set api api.example.com")]
    Set {
        /// [APP] DOMAIN …
        #[arg(value_name = "ARGS", required = true)]
        args: Vec<String>,
    },
    /// Remove domains from an app (says which it did not have).
    #[command(after_help = "Example:\n  cli --demo domains remove api www.example.com")]
    Remove {
        /// [APP] DOMAIN …
        #[arg(value_name = "ARGS", required = true)]
        args: Vec<String>,
    },
    /// Remove every domain of an app.
    #[command(after_help = "Example:\n  cli --demo domains clear api")]
    Clear {
        #[arg(value_parser = args::app_name)]
        app: Option<AppName>,
    },
}

#[derive(Debug, Clone)]
pub enum Plan {
    Report(Scope),
    Change {
        verb: DomainsVerb,
        app: AppName,
        domains: Vec<Domain>,
    },
}

impl Family for DomainsCmd {
    type Plan = Plan;

    fn plan(self, cx: &mut Context) -> Result<Plan, CliError> {
        Ok(match self {
            DomainsCmd::Add { args } => change(cx, DomainsVerb::Add, args)?,
            DomainsCmd::Set { args } => change(cx, DomainsVerb::Set, args)?,
            DomainsCmd::Remove { args } => change(cx, DomainsVerb::Remove, args)?,
            DomainsCmd::Report { scope } => Plan::Report(cx.scope(scope)?),
            DomainsCmd::Clear { app } => Plan::Change {
                verb: DomainsVerb::Clear,
                app: cx.app(app)?,
                domains: Vec::new(),
            },
        })
    }

    fn commands(plan: &Plan) -> Result<Vec<Command>, CliError> {
        Ok(match plan {
            Plan::Report(scope) => vec![report(scope)?],
            Plan::Change {
                verb: DomainsVerb::Remove,
                app,
                domains,
            } => vec![
                report(&Scope::App(app.clone()))?,
                api::app_command(DomainsVerb::Remove, app, domains)?,
            ],
            Plan::Change { verb, app, domains } => vec![api::app_command(*verb, app, domains)?],
        })
    }

    async fn run(plan: Plan, s: &Session) -> Result<(), CliError> {
        let json = s.opts.json;
        let domains_api = s.dokku().await?.domains();
        match plan {
            Plan::Report(Scope::App(app)) => {
                let report = domains_api.report(&app).await?;
                if json {
                    return Ok(output::json(&json!(report))?);
                }
                Ok(output::pairs(
                    &format!("app {app}"),
                    &[
                        ("vhosts", output::enabled(report.app_enabled)),
                        ("domains", Cell::plain(report.app_vhosts.join(" "))),
                        ("global", Cell::plain(report.global.vhosts.join(" "))),
                    ],
                )?)
            }
            Plan::Report(_) => {
                let global = domains_api.report_global().await?;
                if json {
                    return Ok(output::json(&json!(global))?);
                }
                Ok(output::pairs(
                    "global domains",
                    &[
                        ("vhosts", output::enabled(global.enabled)),
                        ("domains", Cell::plain(global.vhosts.join(" "))),
                    ],
                )?)
            }
            Plan::Change {
                verb: DomainsVerb::Remove,
                app,
                domains,
            } => {
                let had = domains_api.report(&app).await?.app_vhosts;
                let (present, absent): (Vec<Domain>, Vec<Domain>) = domains
                    .into_iter()
                    .partition(|d| had.iter().any(|h| h.eq_ignore_ascii_case(d.as_str())));
                let absent: Vec<String> = absent.iter().map(ToString::to_string).collect();
                for domain in &absent {
                    output::note(&format!(
                        "{domain} is not a domain of {app}: nothing to remove"
                    ));
                }
                if present.is_empty() {
                    if json {
                        output::json(&json!({
                            "ok": true,
                            "action": "removed",
                            "target": app.as_str(),
                            "removed": [],
                            "not_there": absent,
                        }))?;
                    }
                    return Ok(());
                }
                let command = api::app_command(DomainsVerb::Remove, &app, &present)?;
                let names: Vec<String> = present.iter().map(ToString::to_string).collect();
                let what = format!("{} from {app}", names.join(" "));
                let lines = s
                    .stream(&command, &format!("removing {what}"), &mut str::to_owned)
                    .await?;
                if json {
                    output::json(&json!({
                        "ok": true,
                        "action": "removed",
                        "target": app.as_str(),
                        "removed": names,
                        "not_there": absent,
                        "command": command.to_string(),
                        "output": lines,
                    }))?;
                    return Ok(());
                }
                Ok(output::done(&format!("removed {what}"))?)
            }
            Plan::Change { verb, app, domains } => {
                let command = api::app_command(verb, &app, &domains)?;
                let names: Vec<String> = domains.iter().map(ToString::to_string).collect();
                let what = if names.is_empty() {
                    format!("domains of {app}")
                } else {
                    format!("{} on {app}", names.join(" "))
                };
                let (doing, done) = match verb {
                    DomainsVerb::Add => ("adding", "added"),
                    DomainsVerb::Set => ("setting", "set"),
                    DomainsVerb::Clear => ("clearing", "cleared"),
                    _ => ("changing", "changed"),
                };
                s.streamed(&command, doing, done, &what).await
            }
        }
    }
}

/// `[APP] DOMAIN…` into a change of the app's domains.
fn change(cx: &mut Context, verb: DomainsVerb, args: Vec<String>) -> Result<Plan, CliError> {
    let (app, rest) = cx.split(args, 1, |_| false)?;
    if rest.is_empty() {
        return Err(CliError::usage(
            "no domains given",
            "name one or more domains after the app",
        ));
    }
    Ok(Plan::Change {
        verb,
        app,
        domains: family::each(&rest, args::domain)?,
    })
}

fn report(scope: &Scope) -> Result<Command, CliError> {
    let target = match scope {
        Scope::App(app) => ReportTarget::App(app.clone()),
        _ => ReportTarget::Global,
    };
    Ok(report_command(&plugins::DOMAINS, &target, Format::Json)?)
}
