//! `storage …`: an app's bind mounts (list, mount, unmount; effective on
//! the next deploy) and `ensure-directory`, which prepares a directory
//! under Dokku's storage root for mounting.

use clap::Subcommand;
use dokku::api::storage as api;
use dokku::{AppName, Command};
use serde_json::json;

use crate::args;
use crate::error::CliError;
use crate::family::{self, Context, Family};
use crate::output::{self, Cell};
use crate::session::Session;

pub const HELP: &str = "Examples:\n  cli --demo storage list blog\n  cli --demo storage mount api /var/lib/dokku/data/storage/api:/app/storage";

#[derive(Debug, Subcommand)]
pub enum StorageCmd {
    /// An app's mounts: host path, container path, storage entry.
    #[command(after_help = "Example:\n  cli --demo storage list blog --json")]
    List {
        #[arg(value_parser = args::app_name)]
        app: Option<AppName>,
    },
    /// Mount a host directory into an app's containers (next deploy).
    #[command(
        after_help = "Example:\n  cli --demo storage mount api /var/lib/dokku/data/storage/api:/app/storage"
    )]
    Mount {
        /// [APP] HOST-PATH:CONTAINER-PATH
        #[arg(value_name = "ARGS", required = true)]
        args: Vec<String>,
    },
    /// Remove a mount (the host directory and its data stay).
    #[command(
        after_help = "Example:\n  cli --demo storage unmount blog /var/lib/dokku/data/storage/blog-content:/app/content"
    )]
    Unmount {
        /// [APP] HOST-PATH:CONTAINER-PATH
        #[arg(value_name = "ARGS", required = true)]
        args: Vec<String>,
    },
    /// Create /var/lib/dokku/data/storage/NAME, owned for the app's builder.
    #[command(
        after_help = "Examples:\n  cli --demo storage ensure-directory api-data\n  cli --demo storage ensure-directory api-data --chown heroku"
    )]
    EnsureDirectory {
        #[arg(value_parser = args::storage_directory)]
        name: String,
        /// Whose the directory is: herokuish (default), heroku, paketo, root or false.
        #[arg(long, value_parser = ["herokuish", "heroku", "paketo", "root", "false"])]
        chown: Option<String>,
    },
}

#[derive(Debug, Clone)]
pub enum Plan {
    List(AppName),
    Bind {
        app: AppName,
        host: String,
        container: String,
        unmount: bool,
    },
    EnsureDirectory {
        name: String,
        chown: Option<String>,
    },
}

impl Family for StorageCmd {
    type Plan = Plan;

    fn plan(self, cx: &mut Context) -> Result<Plan, CliError> {
        let (args, unmount) = match self {
            StorageCmd::List { app } => return Ok(Plan::List(cx.app(app)?)),
            StorageCmd::EnsureDirectory { name, chown } => {
                return Ok(Plan::EnsureDirectory { name, chown })
            }
            StorageCmd::Mount { args } => (args, false),
            StorageCmd::Unmount { args } => (args, true),
        };
        let (app, rest) = cx.split(args, 1, |a| a.contains(':'))?;
        let hint = "write the mount as HOST-PATH:CONTAINER-PATH, e.g. /var/lib/dokku/data/storage/api:/app/storage";
        let [mount] = family::exactly(rest, "give one HOST-PATH:CONTAINER-PATH", hint)?;
        let Some((host, container)) = mount.split_once(':') else {
            return Err(CliError::usage(format!("{mount:?} has no ':'"), hint));
        };
        let plan = Plan::Bind {
            app,
            host: host.to_owned(),
            container: container.to_owned(),
            unmount,
        };
        // The library's path rules, checked before anything is sent.
        Self::commands(&plan)?;
        Ok(plan)
    }

    fn commands(plan: &Plan) -> Result<Vec<Command>, CliError> {
        Ok(vec![match plan {
            Plan::List(app) => api::list_command(app),
            Plan::Bind {
                app,
                host,
                container,
                unmount,
            } => api::bind_command(app, host, container, *unmount)?,
            Plan::EnsureDirectory { name, chown } => {
                api::ensure_directory_command(name, chown.as_deref())?
            }
        }])
    }

    async fn run(plan: Plan, s: &Session) -> Result<(), CliError> {
        let storage = s.dokku().await?.storage();
        let json = s.opts.json;
        match plan {
            Plan::List(app) => {
                let mounts = storage.list(&app).await?;
                if json {
                    return Ok(output::json(&json!(mounts))?);
                }
                if mounts.is_empty() {
                    output::note(&format!("{app} has no mounts"));
                    return Ok(());
                }
                let rows: Vec<Vec<Cell>> = mounts
                    .iter()
                    .map(|m| {
                        vec![
                            Cell::plain(m.host_path.clone()),
                            Cell::plain(m.container_path.clone()),
                            Cell::plain(m.entry_name.clone().unwrap_or_default()),
                        ]
                    })
                    .collect();
                Ok(output::table(
                    &["HOST PATH", "CONTAINER PATH", "ENTRY"],
                    &rows,
                )?)
            }
            Plan::Bind {
                app,
                host,
                container,
                unmount,
            } => {
                let command = api::bind_command(&app, &host, &container, unmount)?;
                let verb = if unmount {
                    storage
                        .unmount(&app, &host, &container)
                        .await
                        .map_err(|e| {
                            CliError::missing(
                                e,
                                "does not exist",
                                format!("{app} has no mount {host}:{container}"),
                                "`cli storage list APP` shows the app's mounts",
                            )
                        })?;
                    "unmounted"
                } else {
                    storage.mount(&app, &host, &container).await?;
                    "mounted"
                };
                let what = format!("{host} at {container} in {app} (effective on the next deploy)");
                output::changed(json, verb, &what, &command)
            }
            Plan::EnsureDirectory { name, chown } => {
                let command = api::ensure_directory_command(&name, chown.as_deref())?;
                let what = format!("/var/lib/dokku/data/storage/{name}");
                s.streamed(&command, "preparing", "prepared", &what).await
            }
        }
    }
}
