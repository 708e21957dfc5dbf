//! `ports …` and `proxy …`: what the proxy listens on, and the proxy itself.

use dokku::api::ports::{self as ports_api, PortsVerb};
use dokku::api::proxy::{self as proxy_api, ProxyAction};
use dokku::api::report::{report_command, ReportTarget};
use dokku::api::{Format, Scope, Target};
use dokku::catalog::plugins;
use dokku::model::ports::PortMapping;
use dokku::model::proxy::ProxyReport;
use dokku::{Capabilities, Command};
use serde_json::json;

use crate::apps::{changed, streamed};
use crate::error::CliError;
use crate::output::{self, Cell, DIM, GREEN};
use crate::plan::{PortsPlan, ProxyPlan};
use crate::session::Session;

fn mappings_text(mappings: &[PortMapping]) -> String {
    mappings
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(" ")
}

pub fn ports_commands(plan: &PortsPlan, caps: &Capabilities) -> Result<Vec<Command>, CliError> {
    Ok(vec![match plan {
        PortsPlan::List(app) => ports_api::list_command(caps, app),
        PortsPlan::Report(app) => report_command(
            &plugins::PORTS,
            &ReportTarget::App(app.clone()),
            Format::Json,
        )?,
        PortsPlan::Change {
            verb,
            app,
            mappings,
        } => ports_api::change_command(caps, *verb, app, mappings)?,
        PortsPlan::RemoveHostPorts { app, ports } => {
            ports_api::remove_host_ports_command(caps, app, ports)?
        }
    }])
}

fn mapping_rows(mappings: &[PortMapping]) -> Vec<Vec<Cell>> {
    mappings
        .iter()
        .map(|m| {
            vec![
                Cell::plain(m.scheme.clone()),
                Cell::plain(m.host_port.to_string()),
                Cell::plain(m.container_port.to_string()),
            ]
        })
        .collect()
}

pub async fn ports(s: &Session, plan: PortsPlan) -> Result<(), CliError> {
    let json = s.opts.json;
    match plan {
        PortsPlan::List(app) => {
            let mappings = s.dokku.ports().list(&app).await?;
            if json {
                return Ok(output::json(&json!(mappings))?);
            }
            if mappings.is_empty() {
                output::note(&format!("no port mappings set on {app}"));
                return Ok(());
            }
            Ok(output::table(
                &["SCHEME", "HOST PORT", "CONTAINER PORT"],
                &mapping_rows(&mappings),
            )?)
        }
        PortsPlan::Report(app) => {
            let report = s.dokku.ports().report(&app).await?;
            if json {
                let mut value = json!(report);
                value["effective"] = json!(report.effective());
                return Ok(output::json(&value)?);
            }
            Ok(output::pairs(
                &format!("app {app}"),
                &[
                    ("in effect", Cell::plain(mappings_text(report.effective()))),
                    ("set", Cell::plain(mappings_text(&report.map))),
                    ("detected", Cell::plain(mappings_text(&report.detected))),
                ],
            )?)
        }
        PortsPlan::Change {
            verb,
            app,
            mappings,
        } => {
            let caps = s.dokku.capabilities().await?;
            let command = ports_api::change_command(&caps, verb, &app, &mappings)?;
            let (doing, done) = match verb {
                PortsVerb::Add => ("adding", "added"),
                PortsVerb::Set => ("setting", "set"),
                PortsVerb::Remove => ("removing", "removed"),
                _ => ("clearing", "cleared"),
            };
            let what = if mappings.is_empty() {
                format!("the port mappings of {app}")
            } else {
                format!("{} on {app}", mappings_text(&mappings))
            };
            streamed(s, &command, doing, done, &what).await
        }
        PortsPlan::RemoveHostPorts { app, ports } => {
            let caps = s.dokku.capabilities().await?;
            let command = ports_api::remove_host_ports_command(&caps, &app, &ports)?;
            let list: Vec<String> = ports.iter().map(u16::to_string).collect();
            let what = format!("host ports {} on {app}", list.join(" "));
            streamed(s, &command, "removing", "removed", &what).await
        }
    }
}

pub fn proxy_commands(plan: &ProxyPlan) -> Result<Vec<Command>, CliError> {
    Ok(vec![match plan {
        ProxyPlan::Report(Scope::App(app)) => report_command(
            &plugins::PROXY,
            &ReportTarget::App(app.clone()),
            Format::Json,
        )?,
        ProxyPlan::Report(_) => {
            report_command(&plugins::PROXY, &ReportTarget::Global, Format::Json)?
        }
        ProxyPlan::Action { action, target } => proxy_api::action_command(*action, target),
        ProxyPlan::Set { scope, proxy_type } => proxy_api::set_command(scope, proxy_type)?,
    }])
}

fn proxy_pairs(title: &str, report: &ProxyReport) -> std::io::Result<()> {
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

pub async fn proxy(s: &Session, plan: ProxyPlan) -> Result<(), CliError> {
    let json = s.opts.json;
    match plan {
        ProxyPlan::Report(scope) => {
            let (title, report) = match &scope {
                Scope::App(app) => (format!("app {app}"), s.dokku.proxy().report(app).await?),
                _ => (
                    "global proxy settings".to_owned(),
                    s.dokku.proxy().report_global().await?,
                ),
            };
            if json {
                return Ok(output::json(&json!(report))?);
            }
            Ok(proxy_pairs(&title, &report)?)
        }
        ProxyPlan::Action { action, target } => {
            let command = proxy_api::action_command(action, &target);
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
            let who = match &target {
                Target::App(app) => app.to_string(),
                _ => "every app".to_owned(),
            };
            streamed(s, &command, doing, done, &who).await
        }
        ProxyPlan::Set { scope, proxy_type } => {
            let command = proxy_api::set_command(&scope, &proxy_type)?;
            s.dokku.run(&command).await?;
            let who = match &scope {
                Scope::App(app) => app.to_string(),
                _ => "every app (global)".to_owned(),
            };
            changed(
                json,
                "set the proxy to",
                &format!("{proxy_type} for {who}"),
                &command,
            )
        }
    }
}
