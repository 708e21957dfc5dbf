//! `storage …`: an app's mounts (list, mount, unmount; effective on the
//! next deploy) of host paths (`HOST:CONTAINER`) or of Dokku 0.38's named
//! storage entries (`ENTRY --container-dir PATH`); the entries themselves
//! (entries, info, create, set, destroy after typing the name); and
//! `ensure-directory`, the deprecated way to prepare a directory under
//! Dokku's storage root.

use clap::{Args, Subcommand};
use dokku::api::storage::{self as api, CreateOptions, MountOptions};
use dokku::{AppName, Command, ProcessType};
use serde_json::json;

use crate::args;
use crate::error::CliError;
use crate::family::{self, Context, Family, Opts};
use crate::output::{self, Cell};
use crate::session::{self, Session};

pub const HELP: &str = "Examples:\n  cli --demo storage list blog\n  cli --demo storage mount api /var/lib/dokku/data/storage/api:/app/storage\n  cli --demo storage create api-uploads\n  cli --demo storage mount api api-uploads --container-dir /app/uploads\n  cli --demo storage entries";

#[derive(Debug, Subcommand)]
pub enum StorageCmd {
    /// An app's mounts: host path, container path, storage entry.
    #[command(after_help = "Example:\n  cli --demo storage list blog --json")]
    List {
        #[arg(value_parser = args::app_name)]
        app: Option<AppName>,
    },
    /// Mount a host directory, or a named storage entry (with
    /// --container-dir), into an app's containers (next deploy).
    #[command(
        after_help = "Examples:\n  cli --demo storage mount api /var/lib/dokku/data/storage/api:/app/storage\n  cli --demo storage mount api api-uploads --container-dir /app/uploads --phase deploy --readonly"
    )]
    Mount {
        /// [APP] HOST-PATH:CONTAINER-PATH, or [APP] ENTRY with --container-dir
        #[arg(value_name = "ARGS", required = true)]
        args: Vec<String>,
        #[command(flatten)]
        entry: EntryMount,
    },
    /// Remove a mount (the host directory and its data stay): a host
    /// path's, or every mount of an entry (or the one at --container-dir).
    #[command(
        after_help = "Examples:\n  cli --demo storage unmount blog /var/lib/dokku/data/storage/blog-content:/app/content\n  cli --demo storage unmount shop shop-uploads"
    )]
    Unmount {
        /// [APP] HOST-PATH:CONTAINER-PATH, or [APP] ENTRY
        #[arg(value_name = "ARGS", required = true)]
        args: Vec<String>,
        /// Only the entry's mount at this path in the container.
        #[arg(long, value_name = "PATH")]
        container_dir: Option<String>,
    },
    /// The named storage entries (Dokku 0.38+) and the apps mounting each.
    #[command(after_help = "Example:\n  cli --demo storage entries --json")]
    Entries,
    /// One named storage entry: its directory, ownership, mode, policy.
    #[command(after_help = "Example:\n  cli --demo storage info shop-uploads")]
    Info {
        #[arg(value_parser = args::storage_directory)]
        name: String,
    },
    /// Create a named storage entry and its directory (one that exists is
    /// left in place).
    #[command(
        after_help = "Examples:\n  cli --demo storage create api-uploads\n  cli --demo storage create api-uploads /srv/uploads --chown heroku --mode 0750"
    )]
    Create {
        #[arg(value_parser = args::storage_directory)]
        name: String,
        /// Its directory (default /var/lib/dokku/data/storage/NAME).
        path: Option<String>,
        /// Whose the directory is: herokuish (default), heroku, paketo, root or false.
        #[arg(long, value_parser = ["herokuish", "heroku", "paketo", "root", "false"])]
        chown: Option<String>,
        /// Octal permissions of the directory (e.g. 0750).
        #[arg(long)]
        mode: Option<String>,
        /// What destroying the entry does to its data.
        #[arg(long, value_parser = ["Retain", "Delete"])]
        reclaim_policy: Option<String>,
    },
    /// Set (or, without a value, clear) a property of a named entry.
    #[command(after_help = "Example:\n  cli --demo storage set shop-uploads mode 0750")]
    Set {
        #[arg(value_parser = args::storage_directory)]
        name: String,
        /// access-mode, chown, mode, namespace, reclaim-policy, size or storage-class-name.
        property: String,
        value: Option<String>,
    },
    /// Remove a named entry no app mounts (asks for the name unless
    /// --yes); its directory and data stay unless --destroy-host-dir.
    #[command(
        after_help = "Examples:\n  cli --demo storage destroy api-uploads\n  cli --demo storage destroy api-uploads --destroy-host-dir --yes"
    )]
    Destroy {
        #[arg(value_parser = args::storage_directory)]
        name: String,
        /// Delete the entry's directory and everything in it too.
        #[arg(long)]
        destroy_host_dir: bool,
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

/// How a named entry is mounted (only with --container-dir).
#[derive(Debug, Args)]
pub struct EntryMount {
    /// Mount a named entry (the argument) at this path in the container.
    #[arg(long, value_name = "PATH")]
    container_dir: Option<String>,
    /// Only in this phase (repeatable; default both).
    #[arg(long, value_parser = ["deploy", "run"], requires = "container_dir")]
    phase: Vec<String>,
    /// Only for this process type.
    #[arg(long, value_name = "TYPE", value_parser = args::process_type, requires = "container_dir")]
    process_type: Option<ProcessType>,
    /// A subpath within the entry.
    #[arg(long, value_name = "PATH", requires = "container_dir")]
    subpath: Option<String>,
    /// Read-only.
    #[arg(long, requires = "container_dir")]
    readonly: bool,
}

#[derive(Debug, Clone)]
pub enum Plan {
    List(AppName),
    MountEntry {
        app: AppName,
        entry: String,
        dir: String,
        options: MountOptions,
    },
    UnmountEntry {
        app: AppName,
        entry: String,
        dir: Option<String>,
    },
    Entries,
    Info(String),
    Create {
        name: String,
        options: CreateOptions,
    },
    Set {
        name: String,
        property: String,
        value: Option<String>,
    },
    Destroy {
        name: String,
        destroy_host_dir: bool,
    },
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
            StorageCmd::Entries => return Ok(Plan::Entries),
            StorageCmd::Info { name } => return Ok(Plan::Info(name)),
            StorageCmd::Create {
                name,
                path,
                chown,
                mode,
                reclaim_policy,
            } => {
                let options = CreateOptions {
                    path,
                    chown,
                    mode,
                    reclaim_policy,
                };
                return checked(Plan::Create { name, options });
            }
            StorageCmd::Set {
                name,
                property,
                value,
            } => {
                return checked(Plan::Set {
                    name,
                    property,
                    value,
                })
            }
            StorageCmd::Destroy {
                name,
                destroy_host_dir,
            } => {
                return Ok(Plan::Destroy {
                    name,
                    destroy_host_dir,
                })
            }
            StorageCmd::Mount { args, entry } => match entry.container_dir {
                Some(dir) => {
                    let (app, rest) = cx.split(args, 1, |_| false)?;
                    let [entry_name] = family::exactly(rest, "give one storage entry", ENTRY_HINT)?;
                    let options = MountOptions {
                        phases: entry.phase,
                        process_type: entry.process_type,
                        subpath: entry.subpath,
                        readonly: entry.readonly,
                    };
                    return checked(Plan::MountEntry {
                        app,
                        entry: entry_name,
                        dir,
                        options,
                    });
                }
                None => (args, false),
            },
            StorageCmd::Unmount {
                args,
                container_dir,
            } => {
                // A word without ':' is a named entry.
                if container_dir.is_some() || !args.iter().any(|a| a.contains(':')) {
                    let (app, rest) = cx.split(args, 1, |_| false)?;
                    let [entry] = family::exactly(rest, "give one storage entry", ENTRY_HINT)?;
                    return checked(Plan::UnmountEntry {
                        app,
                        entry,
                        dir: container_dir,
                    });
                }
                (args, true)
            }
        };
        let (app, rest) = cx.split(args, 1, |a| a.contains(':'))?;
        let hint = "write the mount as HOST-PATH:CONTAINER-PATH, e.g. /var/lib/dokku/data/storage/api:/app/storage, or mount an entry with --container-dir";
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
            Plan::MountEntry {
                app,
                entry,
                dir,
                options,
            } => api::mount_entry_command(app, entry, dir, options)?,
            Plan::UnmountEntry { app, entry, dir } => {
                api::unmount_entry_command(app, entry, dir.as_deref())?
            }
            Plan::Entries => api::entries_report_command(),
            Plan::Info(name) => api::info_command(name)?,
            Plan::Create { name, options } => api::create_command(name, options)?,
            Plan::Set {
                name,
                property,
                value,
            } => api::set_command(name, property, value.as_deref())?,
            Plan::Destroy {
                name,
                destroy_host_dir,
            } => api::destroy_command(name, *destroy_host_dir)?,
        }])
    }

    fn prepare(plan: Plan, opts: &Opts) -> Result<Plan, CliError> {
        if let Plan::Destroy {
            name,
            destroy_host_dir,
        } = &plan
        {
            let what = if *destroy_host_dir {
                format!("destroy the storage entry {name} and delete its directory and data")
            } else {
                format!("destroy the storage entry {name} (its directory and data stay)")
            };
            session::confirm(opts, "the entry name", name, &what)?;
        }
        Ok(plan)
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
            Plan::Entries => {
                let entries = storage.entries_report().await?;
                if json {
                    return Ok(output::json(&json!(entries))?);
                }
                if entries.is_empty() {
                    output::note("no storage entries");
                    return Ok(());
                }
                let rows: Vec<Vec<Cell>> = entries
                    .iter()
                    .map(|u| {
                        vec![
                            Cell::plain(u.entry.name.clone()),
                            Cell::plain(u.entry.host_path.clone().unwrap_or_default()),
                            Cell::plain(u.mounted_by.join(", ")),
                        ]
                    })
                    .collect();
                Ok(output::table(&["ENTRY", "HOST PATH", "MOUNTED BY"], &rows)?)
            }
            Plan::Info(name) => {
                let entry = storage
                    .info(&name)
                    .await
                    .map_err(|e| missing_entry(CliError::Dokku(e), &name))?;
                if json {
                    return Ok(output::json(&json!(entry))?);
                }
                let text = |v: &Option<String>| Cell::plain(v.clone().unwrap_or_default());
                Ok(output::pairs(
                    &format!("storage entry {name}"),
                    &[
                        ("scheduler", Cell::plain(entry.scheduler.clone())),
                        ("host path", text(&entry.host_path)),
                        ("chown", text(&entry.chown)),
                        ("mode", text(&entry.mode)),
                        ("reclaim policy", text(&entry.reclaim_policy)),
                    ],
                )?)
            }
            plan => {
                // Changes to entries: Dokku's lines live, then the outcome.
                let [command] = <[Command; 1]>::try_from(Self::commands(&plan)?)
                    .map_err(|_| CliError::failed("no command planned", "report this as a bug"))?;
                let (doing, done, what, entry) = match &plan {
                    Plan::MountEntry {
                        app, entry, dir, ..
                    } => (
                        "mounting",
                        "mounted",
                        format!("{entry} at {dir} in {app} (effective on the next deploy)"),
                        entry,
                    ),
                    Plan::UnmountEntry { app, entry, dir } => (
                        "unmounting",
                        "unmounted",
                        match dir {
                            Some(dir) => format!("{entry} from {dir} in {app}"),
                            None => format!("{entry} from {app}"),
                        },
                        entry,
                    ),
                    Plan::Create { name, .. } => {
                        ("creating", "created", format!("storage entry {name}"), name)
                    }
                    Plan::Set { name, property, .. } => (
                        "setting",
                        "set",
                        format!("{property} of storage entry {name}"),
                        name,
                    ),
                    Plan::Destroy { name, .. } => (
                        "destroying",
                        "destroyed",
                        format!("storage entry {name}"),
                        name,
                    ),
                    _ => return Err(CliError::failed("unexpected plan", "report this as a bug")),
                };
                s.streamed(&command, doing, done, &what)
                    .await
                    .map_err(|e| missing_entry(e, entry))
            }
        }
    }
}

const ENTRY_HINT: &str = "`cli storage entries` lists the named storage entries";

/// The library's rules, checked before anything is sent.
fn checked(plan: Plan) -> Result<Plan, CliError> {
    StorageCmd::commands(&plan)?;
    Ok(plan)
}

/// Dokku's "storage entry X does not exist" and "is not mounted on app"
/// as not found (exit 4).
fn missing_entry(error: CliError, entry: &str) -> CliError {
    match error {
        CliError::Dokku(dokku::Error::NotFound {
            what: "mount",
            message,
            ..
        }) => CliError::not_found(message, "`cli storage list APP` shows the app's mounts"),
        CliError::Dokku(e) => {
            CliError::missing(e, format!("there is no storage entry {entry}"), ENTRY_HINT)
        }
        other => other,
    }
}
