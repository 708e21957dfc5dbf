//! `network …`: Docker networks: list, info (an unknown one is "not
//! found"), create, destroy (after typing its name), and rebuild an app's
//! (or every app's) network settings. Which networks an app joins is
//! `cli set network`.

use clap::Subcommand;
use dokku::api::network as api;
use dokku::api::{Format, Target};
use dokku::model::network::Network;
use dokku::Command;
use serde_json::json;

use crate::args;
use crate::error::CliError;
use crate::family::{self, Context, Family, Opts};
use crate::output::{self, Cell};
use crate::session::{self, Session};

pub const HELP: &str = "Examples:\n  cli --demo network list\n  cli --demo network create backend-2\n  cli --demo network destroy backend-2 --yes";

#[derive(Debug, Subcommand)]
pub enum NetworkCmd {
    /// Every Docker network: name, driver, whether Dokku made it.
    #[command(after_help = "Example:\n  cli --demo network list --json")]
    List,
    /// One network.
    #[command(after_help = "Example:\n  cli --demo network info backend")]
    Info {
        #[arg(value_parser = args::network_name)]
        name: String,
    },
    /// Create an attachable network.
    #[command(after_help = "Example:\n  cli --demo network create backend-2")]
    Create {
        #[arg(value_parser = args::network_name)]
        name: String,
    },
    /// Destroy a network (asks for its name unless --yes).
    #[command(
        after_help = "Examples:\n  cli --demo network destroy backend-2\n  cli --demo network destroy backend-2 --yes"
    )]
    Destroy {
        #[arg(value_parser = args::network_name)]
        name: String,
    },
    /// Rebuild an app's network settings (--all: every app's).
    #[command(
        after_help = "Examples:\n  cli --demo network rebuild api\n  cli --demo network rebuild --all"
    )]
    Rebuild(args::AppOrAll),
}

#[derive(Debug, Clone)]
pub enum Plan {
    List,
    Info(String),
    Create(String),
    Destroy(String),
    Rebuild(Target),
}

impl Family for NetworkCmd {
    type Plan = Plan;

    fn plan(self, cx: &mut Context) -> Result<Plan, CliError> {
        Ok(match self {
            NetworkCmd::List => Plan::List,
            NetworkCmd::Info { name } => Plan::Info(name),
            NetworkCmd::Create { name } => Plan::Create(name),
            NetworkCmd::Destroy { name } => Plan::Destroy(name),
            NetworkCmd::Rebuild(target) => Plan::Rebuild(cx.app_or_all(target)?),
        })
    }

    fn commands(plan: &Plan) -> Result<Vec<Command>, CliError> {
        Ok(vec![match plan {
            Plan::List => api::list_command(Format::Json),
            Plan::Info(name) => api::info_command(name, Format::Json)?,
            Plan::Create(name) => api::create_command(name)?,
            Plan::Destroy(name) => api::destroy_command(name)?,
            Plan::Rebuild(target) => rebuild_command(target),
        }])
    }

    fn prepare(plan: Plan, opts: &Opts) -> Result<Plan, CliError> {
        if let Plan::Destroy(name) = &plan {
            session::confirm(
                opts,
                "the network name",
                name,
                &format!("destroy the network {name}"),
            )?;
        }
        Ok(plan)
    }

    async fn run(plan: Plan, s: &Session) -> Result<(), CliError> {
        let networks = s.dokku().await?.networks();
        let json = s.opts.json;
        match plan {
            Plan::List => {
                let listed = networks.list().await?;
                if json {
                    return Ok(output::json(&json!(listed))?);
                }
                let rows: Vec<Vec<Cell>> = listed
                    .iter()
                    .map(|n| {
                        vec![
                            Cell::plain(n.name.clone()),
                            Cell::plain(n.driver.clone()),
                            Cell::plain(n.scope.clone()),
                            output::yes_no(n.dokku_managed),
                        ]
                    })
                    .collect();
                Ok(output::table(&["NAME", "DRIVER", "SCOPE", "DOKKU"], &rows)?)
            }
            Plan::Info(name) => {
                let network = networks.info(&name).await.map_err(|e| {
                    CliError::missing(
                        e,
                        format!("there is no network {name}"),
                        "`cli network list` shows the networks",
                    )
                })?;
                if json {
                    return Ok(output::json(&json!(network))?);
                }
                info(&network)
            }
            Plan::Create(name) => {
                networks.create(&name).await?;
                let what = format!("the network {name}");
                output::changed(json, "created", &what, &api::create_command(&name)?)
            }
            Plan::Destroy(name) => {
                // Confirmed when the plan was prepared.
                networks.destroy(&name, &name).await?;
                let what = format!("the network {name}");
                output::changed(json, "destroyed", &what, &api::destroy_command(&name)?)
            }
            Plan::Rebuild(target) => {
                let what = format!("the network settings of {}", family::who(&target));
                s.streamed(&rebuild_command(&target), "rebuilding", "rebuilt", &what)
                    .await
            }
        }
    }
}

fn rebuild_command(target: &Target) -> Command {
    match target {
        Target::App(app) => api::rebuild_command(app),
        _ => api::rebuild_all_command(),
    }
}

fn info(network: &Network) -> Result<(), CliError> {
    let labels: Vec<String> = network
        .labels
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    Ok(output::pairs(
        &format!("network {}", network.name),
        &[
            ("id", Cell::plain(network.id.clone())),
            ("driver", Cell::plain(network.driver.clone())),
            ("scope", Cell::plain(network.scope.clone())),
            ("made by Dokku", output::yes_no(network.dokku_managed)),
            ("internal", output::yes_no(network.internal)),
            ("IPv6", output::yes_no(network.ipv6)),
            ("created", Cell::plain(network.created_at.clone())),
            ("labels", Cell::plain(labels.join(" "))),
        ],
    )?)
}
