//! `resource …`: CPU, memory and network limits and reservations of an
//! app, app-wide or per process type (effective on the next deploy):
//! show, limit, reserve, limit-clear, reserve-clear. Amounts are checked
//! before sending, by clap and then by the SDK against the app's
//! scheduler (Dokku stores whatever it is given).

use std::collections::BTreeMap;

use clap::{Args, Subcommand};
use dokku::api::report::{report_command, ReportTarget};
use dokku::api::resource::{self as api, ResourceKind};
use dokku::api::Format;
use dokku::catalog::plugins;
use dokku::model::resource::{ResourceReport, ResourceValues, DEFAULT_PROCESS};
use dokku::{AppName, Command, ProcessType};
use serde_json::json;

use crate::args;
use crate::error::CliError;
use crate::family::{Context, Family};
use crate::output::{self, Cell};
use crate::session::Session;

pub const HELP: &str = "Examples:\n  cli --demo resource show api\n  cli --demo resource limit api --cpu 2 --memory 1g\n  cli --demo resource reserve shop --memory 256m --process-type worker";

#[derive(Debug, Subcommand)]
pub enum ResourceCmd {
    /// Limits and reservations, app-wide (`_default_`) and per process type.
    #[command(
        after_help = "Examples:\n  cli --demo resource show shop\n  cli --demo resource show shop --process-type worker --json"
    )]
    Show {
        #[arg(value_parser = args::app_name)]
        app: Option<AppName>,
        /// Only this process type (`_default_`: the app-wide values).
        #[arg(long, value_name = "TYPE")]
        process_type: Option<String>,
    },
    /// Set the most the app's containers may use.
    #[command(
        after_help = "Examples:\n  cli --demo resource limit api --cpu 2 --memory 1g\n  cli --demo resource limit shop --memory 512m --process-type web"
    )]
    Limit(Amounts),
    /// Set what is set aside for the app's containers.
    #[command(after_help = "Example:\n  cli --demo resource reserve api --memory 512m")]
    Reserve(Amounts),
    /// Remove the limits (app-wide, or of one process type).
    #[command(after_help = "Example:\n  cli --demo resource limit-clear api")]
    LimitClear(Clear),
    /// Remove the reservations (app-wide, or of one process type).
    #[command(after_help = "Example:\n  cli --demo resource reserve-clear api")]
    ReserveClear(Clear),
}

#[derive(Debug, Args)]
pub struct Amounts {
    #[arg(value_parser = args::app_name)]
    pub app: Option<AppName>,
    /// Only for this process type (default: the whole app).
    #[arg(long, value_name = "TYPE", value_parser = args::process_type)]
    pub process_type: Option<ProcessType>,
    /// CPUs (`0.5`, `2`). Any resource's `clear` unsets it alone.
    #[arg(long, value_parser = |v: &str| args::resource_value("cpu", v))]
    pub cpu: Option<String>,
    /// Memory (`512m`, `1g`).
    #[arg(long, value_parser = |v: &str| args::resource_value("memory", v))]
    pub memory: Option<String>,
    /// Memory plus swap (`1g`).
    #[arg(long, value_parser = |v: &str| args::resource_value("memory-swap", v))]
    pub memory_swap: Option<String>,
    /// Network bandwidth (`100m`).
    #[arg(long, value_parser = |v: &str| args::resource_value("network", v))]
    pub network: Option<String>,
    /// Inbound bandwidth.
    #[arg(long, value_parser = |v: &str| args::resource_value("network-ingress", v))]
    pub network_ingress: Option<String>,
    /// Outbound bandwidth.
    #[arg(long, value_parser = |v: &str| args::resource_value("network-egress", v))]
    pub network_egress: Option<String>,
    /// NVIDIA GPUs (`1`, `all`).
    #[arg(long, value_parser = |v: &str| args::resource_value("nvidia-gpu", v))]
    pub nvidia_gpu: Option<String>,
}

#[derive(Debug, Args)]
pub struct Clear {
    #[arg(value_parser = args::app_name)]
    pub app: Option<AppName>,
    /// Only this process type's (default: the app-wide values).
    #[arg(long, value_name = "TYPE", value_parser = args::process_type)]
    pub process_type: Option<ProcessType>,
}

#[derive(Debug, Clone)]
pub enum Plan {
    Show {
        app: AppName,
        process: Option<String>,
    },
    Set {
        kind: ResourceKind,
        app: AppName,
        process: Option<ProcessType>,
        values: ResourceValues,
    },
    Clear {
        kind: ResourceKind,
        app: AppName,
        process: Option<ProcessType>,
    },
}

impl Family for ResourceCmd {
    type Plan = Plan;

    fn plan(self, cx: &mut Context) -> Result<Plan, CliError> {
        Ok(match self {
            ResourceCmd::Show { app, process_type } => Plan::Show {
                app: cx.app(app)?,
                process: process_type
                    .map(|p| match p.as_str() {
                        DEFAULT_PROCESS => Ok(p),
                        _ => args::process_type(&p).map(|p| p.to_string()),
                    })
                    .transpose()?,
            },
            ResourceCmd::Limit(amounts) => set(cx, ResourceKind::Limit, amounts)?,
            ResourceCmd::Reserve(amounts) => set(cx, ResourceKind::Reserve, amounts)?,
            ResourceCmd::LimitClear(clear) => Plan::Clear {
                kind: ResourceKind::Limit,
                app: cx.app(clear.app)?,
                process: clear.process_type,
            },
            ResourceCmd::ReserveClear(clear) => Plan::Clear {
                kind: ResourceKind::Reserve,
                app: cx.app(clear.app)?,
                process: clear.process_type,
            },
        })
    }

    fn commands(plan: &Plan) -> Result<Vec<Command>, CliError> {
        let report = |plugin, app: &AppName| {
            report_command(plugin, &ReportTarget::App(app.clone()), Format::Json)
        };
        Ok(match plan {
            Plan::Show { app, .. } => vec![report(&plugins::RESOURCE, app)?],
            // The SDK asks for the app's scheduler first (`Resources::check`).
            Plan::Set {
                kind,
                app,
                process,
                values,
            } => vec![
                report(&plugins::SCHEDULER, app)?,
                api::set_command(*kind, app, process.as_ref(), values)?,
            ],
            Plan::Clear { kind, app, process } => {
                vec![api::clear_command(*kind, app, process.as_ref())]
            }
        })
    }

    async fn run(plan: Plan, s: &Session) -> Result<(), CliError> {
        let dokku = s.dokku().await?;
        let json = s.opts.json;
        match plan {
            Plan::Show { app, process } => {
                let report = dokku.report::<ResourceReport>().app(&app).await?;
                show(&app, report, process.as_deref(), json)
            }
            Plan::Set {
                kind,
                app,
                process,
                values,
            } => {
                dokku
                    .resources()
                    .set(kind, &app, process.as_ref(), &values)
                    .await?;
                let command = api::set_command(kind, &app, process.as_ref(), &values)?;
                let set: Vec<String> = values.iter().map(|(k, v)| format!("{k}={v}")).collect();
                let what = format!(
                    "{} of {} (next deploy)",
                    set.join(" "),
                    scope(&app, process.as_ref())
                );
                let verb = match kind {
                    ResourceKind::Reserve => "reserved",
                    _ => "limited",
                };
                output::changed(json, verb, &what, &command)
            }
            Plan::Clear { kind, app, process } => {
                dokku
                    .resources()
                    .clear(kind, &app, process.as_ref())
                    .await?;
                let command = api::clear_command(kind, &app, process.as_ref());
                let what = match kind {
                    ResourceKind::Reserve => "reservations",
                    _ => "limits",
                };
                let what = format!("the {what} of {}", scope(&app, process.as_ref()));
                output::changed(json, "cleared", &what, &command)
            }
        }
    }
}

fn set(cx: &mut Context, kind: ResourceKind, amounts: Amounts) -> Result<Plan, CliError> {
    let Amounts {
        app,
        process_type,
        cpu,
        memory,
        memory_swap,
        network,
        network_ingress,
        network_egress,
        nvidia_gpu,
    } = amounts;
    let mut values = ResourceValues::default();
    let given = [
        ("cpu", cpu),
        ("memory", memory),
        ("memory-swap", memory_swap),
        ("network", network),
        ("network-ingress", network_ingress),
        ("network-egress", network_egress),
        ("nvidia-gpu", nvidia_gpu),
    ];
    for (resource, value) in given {
        if let Some(value) = value {
            values.set(resource, &value);
        }
    }
    if values.is_empty() {
        return Err(CliError::usage(
            "no resource given",
            "give one or more of --cpu, --memory, --memory-swap, --network, --network-ingress, --network-egress, --nvidia-gpu (`cli resource show APP` shows the values)",
        ));
    }
    Ok(Plan::Set {
        kind,
        app: cx.app(app)?,
        process: process_type,
        values,
    })
}

/// `api` or `the web processes of api`.
fn scope(app: &AppName, process: Option<&ProcessType>) -> String {
    match process {
        Some(process) => format!("the {process} processes of {app}"),
        None => app.to_string(),
    }
}

/// The report as a table: one row a process type, limits and
/// reservations side by side.
fn show(
    app: &AppName,
    report: ResourceReport,
    only: Option<&str>,
    json: bool,
) -> Result<(), CliError> {
    let mut processes: BTreeMap<&str, (ResourceValues, ResourceValues)> = BTreeMap::new();
    for (process, values) in &report.limits {
        processes.entry(process).or_default().0 = values.clone();
    }
    for (process, values) in &report.reservations {
        processes.entry(process).or_default().1 = values.clone();
    }
    processes.retain(|process, _| only.map_or(true, |only| only == *process));
    if json {
        let value: BTreeMap<&str, _> = processes
            .iter()
            .map(|(process, (limit, reserve))| {
                (
                    *process,
                    json!({ "limit": pairs(limit), "reserve": pairs(reserve) }),
                )
            })
            .collect();
        return Ok(output::json(
            &json!({ "app": app.as_str(), "processes": value }),
        )?);
    }
    if processes.is_empty() {
        output::note(&format!("{app} has no limits or reservations"));
        return Ok(());
    }
    let rows: Vec<Vec<Cell>> = processes
        .iter()
        .map(|(process, (limit, reserve))| {
            let text = |values: &ResourceValues| {
                values
                    .iter()
                    .map(|(k, v)| format!("{k}={v}"))
                    .collect::<Vec<_>>()
                    .join(" ")
            };
            vec![
                Cell::plain(*process),
                Cell::plain(text(limit)),
                Cell::plain(text(reserve)),
            ]
        })
        .collect();
    Ok(output::table(
        &["PROCESS", "LIMITS", "RESERVATIONS"],
        &rows,
    )?)
}

fn pairs(values: &ResourceValues) -> BTreeMap<&str, &str> {
    values.iter().collect()
}
