//! `proxy …`: the reverse proxy in front of the apps: report, enable,
//! disable, rebuild or clear its config, choose its implementation.

use clap::Subcommand;
use dokku::api::proxy::{self as api, ProxyAction};
use dokku::api::report::{report_command, ReportTarget};
use dokku::api::{Format, Scope, Target};
use dokku::catalog::plugins;
use dokku::model::proxy::ProxyReport;
use dokku::Command;
use serde_json::json;

use crate::args;
use crate::error::CliError;
use crate::family::{self, Context, Family};
use crate::output::{self, Cell, DIM, GREEN};
use crate::session::Session;

pub const HELP: &str = "Examples:\n  cli --demo proxy report api\n  cli --demo proxy set api caddy";

#[derive(Debug, Subcommand)]
pub enum ProxyCmd {
    /// Proxy settings of an app, or the global ones.
    #[command(
        after_help = "Examples:\n  cli --demo proxy report api\n  cli --demo proxy report --global"
    )]
    Report {
        #[command(flatten)]
        scope: args::AppOrGlobal,
    },
    /// Put the proxy in front of the app again.
    #[command(
        after_help = "Examples:\n  cli --demo proxy enable api\n  cli --demo proxy enable --all"
    )]
    Enable(args::AppOrAll),
    /// Take the proxy away: the app is reached on its container ports.
    #[command(after_help = "Example:\n  cli --demo proxy disable api")]
    Disable(args::AppOrAll),
    /// Regenerate the proxy configuration.
    #[command(after_help = "Example:\n  cli --demo proxy build-config api")]
    BuildConfig(args::AppOrAll),
    /// Remove the generated proxy configuration.
    #[command(after_help = "Example:\n  cli --demo proxy clear-config api")]
    ClearConfig(args::AppOrAll),
    /// Choose the proxy implementation (nginx, caddy, haproxy, traefik …).
    #[command(
        after_help = "Examples:\n  cli --demo proxy set api caddy\n  cli --demo proxy set --global nginx"
    )]
    Set {
        /// [APP] TYPE
        #[arg(value_name = "ARGS", required = true)]
        args: Vec<String>,
        #[arg(long)]
        global: bool,
    },
}

#[derive(Debug, Clone)]
pub enum Plan {
    Report(Scope),
    Action { action: ProxyAction, target: Target },
    Set { scope: Scope, proxy_type: String },
}

impl Family for ProxyCmd {
    type Plan = Plan;

    fn plan(self, cx: &mut Context) -> Result<Plan, CliError> {
        Ok(match self {
            ProxyCmd::Enable(t) => action(cx, ProxyAction::Enable, t)?,
            ProxyCmd::Disable(t) => action(cx, ProxyAction::Disable, t)?,
            ProxyCmd::BuildConfig(t) => action(cx, ProxyAction::BuildConfig, t)?,
            ProxyCmd::ClearConfig(t) => action(cx, ProxyAction::ClearConfig, t)?,
            ProxyCmd::Report { scope } => Plan::Report(cx.scope(scope)?),
            ProxyCmd::Set { args, global } => {
                let (scope, rest) = cx.scoped_items(args, global, 1, |_| false)?;
                let [proxy_type] =
                    family::exactly(rest, "proxy set takes one type", "`proxy set [APP] TYPE`")?;
                // The builder's check, now: a bad type is a usage error.
                api::set_command(&scope, &proxy_type)?;
                Plan::Set { scope, proxy_type }
            }
        })
    }

    fn commands(plan: &Plan) -> Result<Vec<Command>, CliError> {
        Ok(vec![match plan {
            Plan::Report(Scope::App(app)) => report_command(
                &plugins::PROXY,
                &ReportTarget::App(app.clone()),
                Format::Json,
            )?,
            Plan::Report(_) => {
                report_command(&plugins::PROXY, &ReportTarget::Global, Format::Json)?
            }
            Plan::Action { action, target } => api::action_command(*action, target),
            Plan::Set { scope, proxy_type } => api::set_command(scope, proxy_type)?,
        }])
    }

    async fn run(plan: Plan, s: &Session) -> Result<(), CliError> {
        match plan {
            Plan::Report(scope) => {
                let proxy = s.dokku().await?.proxy();
                let (title, report) = match &scope {
                    Scope::App(app) => (format!("app {app}"), proxy.report(app).await?),
                    _ => (
                        "global proxy settings".to_owned(),
                        proxy.report_global().await?,
                    ),
                };
                if s.opts.json {
                    return Ok(output::json(&json!(report))?);
                }
                Ok(pairs(&title, &report)?)
            }
            Plan::Action { action, target } => {
                let command = api::action_command(action, &target);
                let (doing, done) = match action {
                    ProxyAction::Enable => ("enabling the proxy of", "enabled the proxy of"),
                    ProxyAction::Disable => ("disabling the proxy of", "disabled the proxy of"),
                    ProxyAction::BuildConfig => (
                        "rebuilding the proxy config of",
                        "rebuilt the proxy config of",
                    ),
                    _ => (
                        "clearing the proxy config of",
                        "cleared the proxy config of",
                    ),
                };
                s.streamed(&command, doing, done, &family::who(&target))
                    .await
            }
            Plan::Set { scope, proxy_type } => {
                let command = api::set_command(&scope, &proxy_type)?;
                s.run(&command).await?;
                let who = match &scope {
                    Scope::App(app) => app.to_string(),
                    _ => "every app (global)".to_owned(),
                };
                let what = format!("{proxy_type} for {who}");
                output::changed(s.opts.json, "set the proxy to", &what, &command)
            }
        }
    }
}

fn action(cx: &mut Context, action: ProxyAction, t: args::AppOrAll) -> Result<Plan, CliError> {
    Ok(Plan::Action {
        action,
        target: cx.app_or_all(t)?,
    })
}

fn pairs(title: &str, report: &ProxyReport) -> std::io::Result<()> {
    let enabled = match report.enabled {
        Some(true) => Cell("enabled".to_owned(), GREEN),
        Some(false) => Cell("disabled".to_owned(), DIM),
        None => Cell::plain("-"),
    };
    output::pairs(
        title,
        &[
            ("proxy", enabled),
            (
                "type",
                Cell::plain(report.proxy_type.effective().unwrap_or("nginx")),
            ),
            (
                "port",
                Cell::plain(report.proxy_port.effective().unwrap_or_default()),
            ),
            (
                "ssl port",
                Cell::plain(report.proxy_ssl_port.effective().unwrap_or_default()),
            ),
            (
                "port map",
                Cell::plain(report.port_map.clone().unwrap_or_default()),
            ),
        ],
    )
}
