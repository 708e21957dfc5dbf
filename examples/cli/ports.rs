//! `ports …`: the app's port mappings (`scheme:host-port:container-port`),
//! typed before anything is sent; `proxy:ports*` on hosts before 0.31.

use clap::Subcommand;
use dokku::api::ports::{self as api, PortsVerb};
use dokku::api::report::{report_command, ReportTarget};
use dokku::api::Format;
use dokku::catalog::plugins;
use dokku::model::ports::PortMapping;
use dokku::{AppName, Capabilities, Command};
use serde_json::json;

use crate::args;
use crate::error::CliError;
use crate::family::{self, Context, Family};
use crate::output::{self, Cell};
use crate::session::Session;

pub const HELP: &str =
    "Examples:\n  cli --demo ports list api\n  cli --demo ports add api https:443:5000";

#[derive(Debug, Subcommand)]
pub enum PortsCmd {
    /// The app's port mappings.
    #[command(after_help = "Example:\n  cli --demo ports list api")]
    List {
        #[arg(value_parser = args::app_name)]
        app: Option<AppName>,
    },
    /// Configured and detected mappings.
    #[command(after_help = "Example:\n  cli --demo ports report api --json")]
    Report {
        #[arg(value_parser = args::app_name)]
        app: Option<AppName>,
    },
    /// Add mappings (`scheme:host-port:container-port`).
    #[command(after_help = "Example:\n  cli --demo ports add api https:443:5000")]
    Add {
        /// [APP] MAPPING …
        #[arg(value_name = "ARGS", required = true)]
        args: Vec<String>,
    },
    /// Replace every mapping.
    #[command(after_help = "Example:\n  cli --demo ports set api http:80:5000 https:443:5000")]
    Set {
        /// [APP] MAPPING …
        #[arg(value_name = "ARGS", required = true)]
        args: Vec<String>,
    },
    /// Remove mappings, or every mapping on some host ports.
    #[command(
        after_help = "Examples:\n  cli --demo ports remove api https:443:5000\n  cli --demo ports remove api 8080"
    )]
    Remove {
        /// [APP] MAPPING|HOST-PORT …
        #[arg(value_name = "ARGS", required = true)]
        args: Vec<String>,
    },
    /// Remove every mapping (back to the detected ones).
    #[command(after_help = "Example:\n  cli --demo ports clear api")]
    Clear {
        #[arg(value_parser = args::app_name)]
        app: Option<AppName>,
    },
}

#[derive(Debug, Clone)]
pub enum Plan {
    List(AppName),
    Report(AppName),
    Change {
        verb: PortsVerb,
        app: AppName,
        mappings: Vec<PortMapping>,
    },
    RemoveHostPorts {
        app: AppName,
        ports: Vec<u16>,
    },
}

/// What a dry run assumes of the host it does not ask: the newest Dokku
/// behaviour this crate knows (the ports plugin).
fn assumed_host() -> Capabilities {
    Capabilities::for_version(dokku::client::versions::APPS_LIST_JSON)
}

fn is_mapping(arg: &str) -> bool {
    arg.contains(':')
}

fn is_port(arg: &str) -> bool {
    !arg.is_empty() && arg.bytes().all(|b| b.is_ascii_digit())
}

fn change(cx: &mut Context, verb: PortsVerb, args: Vec<String>) -> Result<Plan, CliError> {
    let (app, rest) = cx.split(args, 1, is_mapping)?;
    if rest.is_empty() {
        return Err(CliError::usage(
            "no port mappings given",
            "add scheme:host:container mappings",
        ));
    }
    Ok(Plan::Change {
        verb,
        app,
        mappings: family::each(&rest, args::port_mapping)?,
    })
}

impl Family for PortsCmd {
    type Plan = Plan;

    fn plan(self, cx: &mut Context) -> Result<Plan, CliError> {
        Ok(match self {
            PortsCmd::List { app } => Plan::List(cx.app(app)?),
            PortsCmd::Report { app } => Plan::Report(cx.app(app)?),
            PortsCmd::Add { args } => change(cx, PortsVerb::Add, args)?,
            PortsCmd::Set { args } => change(cx, PortsVerb::Set, args)?,
            PortsCmd::Remove { args } => {
                let (app, rest) = cx.split(args, 1, |a| is_mapping(a) || is_port(a))?;
                if !rest.is_empty() && rest.iter().all(|a| is_port(a)) {
                    let ports = rest
                        .iter()
                        .map(|p| p.parse::<u16>().ok().filter(|p| *p > 0))
                        .collect::<Option<Vec<_>>>()
                        .ok_or_else(|| {
                            CliError::usage("a host port is 1 to 65535", "check the ports")
                        })?;
                    Plan::RemoveHostPorts { app, ports }
                } else if rest.is_empty() {
                    return Err(CliError::usage(
                        "nothing to remove",
                        "name mappings or host ports",
                    ));
                } else {
                    Plan::Change {
                        verb: PortsVerb::Remove,
                        app,
                        mappings: family::each(&rest, args::port_mapping)?,
                    }
                }
            }
            PortsCmd::Clear { app } => Plan::Change {
                verb: PortsVerb::Clear,
                app: cx.app(app)?,
                mappings: Vec::new(),
            },
        })
    }

    fn commands(plan: &Plan) -> Result<Vec<Command>, CliError> {
        command(plan, &assumed_host()).map(|c| vec![c])
    }

    async fn run(plan: Plan, s: &Session) -> Result<(), CliError> {
        let json = s.opts.json;
        let ports = s.dokku().await?.ports();
        match plan {
            Plan::List(app) => {
                let mappings = ports.list(&app).await?;
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
            Plan::Report(app) => {
                let report = ports.report(&app).await?;
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
            change => {
                let caps = s.dokku().await?.capabilities().await?;
                let command = command(&change, &caps)?;
                let (doing, done, what) = match &change {
                    Plan::RemoveHostPorts { app, ports } => {
                        let list: Vec<String> = ports.iter().map(u16::to_string).collect();
                        (
                            "removing",
                            "removed",
                            format!("host ports {} on {app}", list.join(" ")),
                        )
                    }
                    Plan::Change {
                        verb,
                        app,
                        mappings,
                    } => {
                        let (doing, done) = match verb {
                            PortsVerb::Add => ("adding", "added"),
                            PortsVerb::Set => ("setting", "set"),
                            PortsVerb::Remove => ("removing", "removed"),
                            _ => ("clearing", "cleared"),
                        };
                        let what = if mappings.is_empty() {
                            format!("the port mappings of {app}")
                        } else {
                            format!("{} on {app}", mappings_text(mappings))
                        };
                        (doing, done, what)
                    }
                    _ => ("changing", "changed", String::new()),
                };
                s.streamed(&command, doing, done, &what).await
            }
        }
    }
}

/// The command a plan sends to a host with these capabilities.
fn command(plan: &Plan, caps: &Capabilities) -> Result<Command, CliError> {
    Ok(match plan {
        Plan::List(app) => api::list_command(caps, app),
        Plan::Report(app) => report_command(
            &plugins::PORTS,
            &ReportTarget::App(app.clone()),
            Format::Json,
        )?,
        Plan::Change {
            verb,
            app,
            mappings,
        } => api::change_command(caps, *verb, app, mappings)?,
        Plan::RemoveHostPorts { app, ports } => api::remove_host_ports_command(caps, app, ports)?,
    })
}

fn mappings_text(mappings: &[PortMapping]) -> String {
    mappings
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(" ")
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
