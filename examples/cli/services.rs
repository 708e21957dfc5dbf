//! `services <plugin> …`: datastore services. The DSN (and anything a
//! command prints with a password in it) is masked unless `--reveal`;
//! backup credentials are read from a prompt or stdin, never argv; a dump
//! never goes to a terminal, and an import reads its dump only after the
//! question was answered and the host can take it.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};
use dokku::api::service::{
    self as api, BackupAuth, BackupVerb, CreateOptions, Lifecycle, LinkOptions,
};
use dokku::model::service::{ServiceInfo, ServicePlugin, ServiceStatus};
use dokku::{AppName, Command, ImageVersion, SecretString, ServiceName};
use serde_json::json;

use crate::args;
use crate::error::CliError;
use crate::family::{Context, Family, Opts};
use crate::output::{self, Cell, DIM, GREEN, RED, YELLOW};
use crate::session::{self, Session};

pub const HELP: &str = "Examples:\n  cli --demo services postgres list\n  cli --demo services postgres create api-db2\n  cli --demo services postgres link api-db2 api\n  cli --demo services redis info cache --reveal\n  cli --demo services postgres export api-db -o api-db.dump";

#[derive(Debug, Args)]
pub struct ServicesArgs {
    /// The plugin: postgres, mysql, mariadb, redis, mongo, rabbitmq,
    /// elasticsearch, clickhouse, couchdb, nats, rethinkdb, meilisearch …
    #[arg(value_parser = args::service_plugin)]
    pub plugin: ServicePlugin,
    #[command(subcommand)]
    pub command: ServiceCmd,
}

#[derive(Debug, Subcommand)]
pub enum ServiceCmd {
    /// Every service of the plugin, with status, version, links and backup schedule.
    #[command(after_help = "Example:\n  cli --demo services postgres list")]
    List,
    /// One service's details (the DSN *** unless --reveal; with --json, null and `dsn_hidden`).
    #[command(after_help = "Example:\n  cli --demo services postgres info api-db --reveal")]
    Info {
        #[arg(value_parser = args::service_name)]
        service: ServiceName,
    },
    /// Create a service (pulls the image, starts the container).
    #[command(
        after_help = "Example:\n  cli --demo services postgres create reports-db --image-version 17.2"
    )]
    Create {
        #[arg(value_parser = args::service_name)]
        service: ServiceName,
        #[command(flatten)]
        image: ImageArgs,
    },
    /// Destroy a service and its data (asks for its name unless --yes).
    #[command(after_help = "Example:\n  cli --demo services postgres destroy reports-db")]
    Destroy {
        #[arg(value_parser = args::service_name)]
        service: ServiceName,
    },
    /// Link a service to an app: sets <ALIAS>_URL (and says which) and
    /// restarts the app.
    #[command(
        after_help = "Examples:\n  cli --demo services postgres link api-db blog\n  cli --demo services redis link cache blog --alias SESSION_REDIS"
    )]
    Link {
        #[arg(value_parser = args::service_name)]
        service: ServiceName,
        #[arg(value_parser = args::app_name)]
        app: Option<AppName>,
        /// Set <ALIAS>_URL instead of the plugin's default.
        #[arg(long)]
        alias: Option<String>,
        /// Appended to the URL (`pool=5`).
        #[arg(long)]
        querystring: Option<String>,
        /// Do not restart the app.
        #[arg(long)]
        no_restart: bool,
    },
    /// Unlink a service from an app.
    #[command(after_help = "Example:\n  cli --demo services postgres unlink api-db blog")]
    Unlink {
        #[arg(value_parser = args::service_name)]
        service: ServiceName,
        #[arg(value_parser = args::app_name)]
        app: Option<AppName>,
        #[arg(long)]
        no_restart: bool,
    },
    /// The apps a service is linked to.
    #[command(after_help = "Example:\n  cli --demo services postgres links api-db")]
    Links {
        #[arg(value_parser = args::service_name)]
        service: ServiceName,
    },
    /// The services of this plugin an app is linked to.
    #[command(after_help = "Example:\n  cli --demo services postgres app-links api")]
    AppLinks {
        #[arg(value_parser = args::app_name)]
        app: Option<AppName>,
    },
    /// Start the service container.
    #[command(after_help = "Example:\n  cli --demo services postgres start api-db")]
    Start {
        #[arg(value_parser = args::service_name)]
        service: ServiceName,
    },
    /// Stop the service container.
    #[command(after_help = "Example:\n  cli --demo services postgres stop api-db")]
    Stop {
        #[arg(value_parser = args::service_name)]
        service: ServiceName,
    },
    /// Restart the service container.
    #[command(after_help = "Example:\n  cli --demo services postgres restart api-db")]
    Restart {
        #[arg(value_parser = args::service_name)]
        service: ServiceName,
    },
    /// Publish the service's ports on the host (random ones if none given).
    #[command(after_help = "Example:\n  cli --demo services postgres expose api-db 15432")]
    Expose {
        #[arg(value_parser = args::service_name)]
        service: ServiceName,
        #[arg(value_parser = args::host_port)]
        ports: Vec<String>,
    },
    /// Stop publishing the service's ports.
    #[command(after_help = "Example:\n  cli --demo services postgres unexpose api-db")]
    Unexpose {
        #[arg(value_parser = args::service_name)]
        service: ServiceName,
    },
    /// The service container's logs; `-t` follows them until Ctrl-C.
    #[command(after_help = "Example:\n  cli --demo services postgres logs api-db -t")]
    Logs {
        #[arg(value_parser = args::service_name)]
        service: ServiceName,
        #[arg(long = "tail", short = 't')]
        follow: bool,
    },
    /// Pause the service container (its processes are frozen, not stopped).
    #[command(after_help = "Example:\n  cli --demo services postgres pause api-db")]
    Pause {
        #[arg(value_parser = args::service_name)]
        service: ServiceName,
    },
    /// Make the service the app's DATABASE_URL (its default <ALIAS>_URL);
    /// the service must be linked already. Restarts the app.
    #[command(after_help = "Example:\n  cli --demo services postgres promote reports-db api")]
    Promote {
        #[arg(value_parser = args::service_name)]
        service: ServiceName,
        #[arg(value_parser = args::app_name)]
        app: Option<AppName>,
    },
    /// Move the service to another image or version (restarts it).
    #[command(
        after_help = "Examples:\n  cli --demo services postgres upgrade api-db --image-version 17.3\n  cli --demo services redis upgrade cache --image-version 7.4.2 --restart-apps false"
    )]
    Upgrade {
        #[arg(value_parser = args::service_name)]
        service: ServiceName,
        #[command(flatten)]
        image: ImageArgs,
        /// Restart the linked apps afterwards (the plugin's default: true).
        #[arg(long, value_name = "BOOL")]
        restart_apps: Option<bool>,
    },
    /// Create a new service with a copy of this one's data.
    #[command(after_help = "Example:\n  cli --demo services postgres clone api-db api-db-copy")]
    Clone {
        #[arg(value_parser = args::service_name)]
        service: ServiceName,
        #[arg(value_parser = args::service_name)]
        new_service: ServiceName,
        #[command(flatten)]
        image: ImageArgs,
    },
    /// Write a dump of the service's data to standard output or --output
    /// (binary: never to a terminal).
    #[command(
        after_help = "Examples:\n  cli --demo services postgres export api-db -o api-db.dump\n  cli --demo services postgres export api-db | gzip > api-db.dump.gz"
    )]
    Export {
        #[arg(value_parser = args::service_name)]
        service: ServiceName,
        /// Write the dump here instead of standard output.
        #[arg(long, short = 'o', value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Load a dump into the service, overwriting its data (asks for the
    /// service name unless --yes).
    #[command(
        after_help = "Examples:\n  cli --demo services postgres import api-db -i api-db.dump\n  gunzip -c api-db.dump.gz | cli --demo services postgres import api-db --yes"
    )]
    Import {
        #[arg(value_parser = args::service_name)]
        service: ServiceName,
        /// Read the dump from this file instead of standard input.
        #[arg(long, short = 'i', value_name = "FILE")]
        input: Option<PathBuf>,
    },
    /// Back the service up to an S3 bucket now.
    #[command(
        after_help = "Examples:\n  cli --demo services postgres backup api-db my-bucket\n  cli --demo services postgres backup api-db my-bucket --use-iam"
    )]
    Backup {
        #[arg(value_parser = args::service_name)]
        service: ServiceName,
        #[arg(value_parser = args::bucket)]
        bucket: String,
        /// Use the host's IAM role instead of stored credentials.
        #[arg(long)]
        use_iam: bool,
    },
    /// Store the S3 credentials for backups. The secret access key is read
    /// from a prompt, or from standard input when it is not a terminal:
    /// never from the command line (it would land in shell history).
    #[command(
        after_help = "Examples:\n  cli --demo services postgres backup-auth api-db AKIAEXAMPLE\n  pass show aws/backup | cli --demo services postgres backup-auth api-db AKIAEXAMPLE --region eu-west-1"
    )]
    BackupAuth {
        #[arg(value_parser = args::service_name)]
        service: ServiceName,
        access_key_id: String,
        /// The AWS region.
        #[arg(long)]
        region: Option<String>,
        /// The S3 signature version (s3v4); needs --region.
        #[arg(long, value_name = "VERSION", requires = "region")]
        signature_version: Option<String>,
        /// An S3-compatible endpoint; needs --region and --signature-version.
        #[arg(long, value_name = "URL", requires_all = ["region", "signature_version"])]
        endpoint_url: Option<String>,
    },
    /// Forget the stored S3 credentials.
    #[command(after_help = "Example:\n  cli --demo services postgres backup-deauth api-db")]
    BackupDeauth {
        #[arg(value_parser = args::service_name)]
        service: ServiceName,
    },
    /// Back up on a cron schedule.
    #[command(
        after_help = "Example:\n  cli --demo services postgres backup-schedule api-db '0 3 * * *' my-bucket"
    )]
    BackupSchedule {
        #[arg(value_parser = args::service_name)]
        service: ServiceName,
        /// A cron expression: minute hour day month weekday.
        #[arg(value_parser = args::cron)]
        cron: String,
        #[arg(value_parser = args::bucket)]
        bucket: String,
        /// Use the host's IAM role instead of stored credentials.
        #[arg(long)]
        use_iam: bool,
    },
    /// Remove the backup schedule.
    #[command(after_help = "Example:\n  cli --demo services postgres backup-unschedule api-db")]
    BackupUnschedule {
        #[arg(value_parser = args::service_name)]
        service: ServiceName,
    },
    /// The backup schedule's cron line.
    #[command(after_help = "Example:\n  cli --demo services postgres backup-schedule-cat api-db")]
    BackupScheduleCat {
        #[arg(value_parser = args::service_name)]
        service: ServiceName,
    },
    /// Encrypt future backups with a GPG passphrase, read from a prompt or
    /// from standard input (never from the command line).
    #[command(
        after_help = "Examples:\n  cli --demo services postgres backup-set-encryption api-db\n  pass show backup-passphrase | cli --demo services postgres backup-set-encryption api-db"
    )]
    BackupSetEncryption {
        #[arg(value_parser = args::service_name)]
        service: ServiceName,
    },
    /// Stop encrypting future backups.
    #[command(
        after_help = "Example:\n  cli --demo services postgres backup-unset-encryption api-db"
    )]
    BackupUnsetEncryption {
        #[arg(value_parser = args::service_name)]
        service: ServiceName,
    },
}

/// The image flags of `create`, `upgrade` and `clone`.
#[derive(Debug, Args)]
pub struct ImageArgs {
    /// The image to run instead of the plugin's.
    #[arg(long)]
    pub image: Option<String>,
    /// The image tag.
    #[arg(long, value_parser = args::image_version)]
    pub image_version: Option<ImageVersion>,
    /// Extra container environment, `K=V;K2=V2` (kept secret).
    #[arg(long, value_name = "ENV")]
    pub custom_env: Option<String>,
    /// Extra options for the datastore's own configuration.
    #[arg(long, value_name = "OPTIONS")]
    pub config_options: Option<String>,
    /// Memory limit in MB.
    #[arg(long, value_name = "MB")]
    pub memory: Option<u32>,
}

impl ImageArgs {
    fn options(self) -> CreateOptions {
        let mut options = CreateOptions::new();
        if let Some(image) = self.image {
            options = options.image(image);
        }
        if let Some(version) = self.image_version {
            options = options.image_version(version);
        }
        if let Some(env) = self.custom_env {
            options = options.custom_env(SecretString::new(env));
        }
        if let Some(config) = self.config_options {
            options = options.config_options(config);
        }
        if let Some(mb) = self.memory {
            options = options.memory(mb);
        }
        options
    }
}

#[derive(Debug, Clone)]
pub struct Plan {
    plugin: ServicePlugin,
    action: Action,
}

#[derive(Debug, Clone)]
enum Action {
    List,
    Info(ServiceName),
    Create(ServiceName, CreateOptions),
    Destroy(ServiceName),
    Link(ServiceName, AppName, LinkOptions),
    Unlink(ServiceName, AppName, bool),
    Links(ServiceName),
    AppLinks(AppName),
    Lifecycle(ServiceName, Lifecycle),
    Expose(ServiceName, Vec<String>),
    Unexpose(ServiceName),
    Logs(ServiceName, bool),
    Promote(ServiceName, AppName),
    Upgrade(ServiceName, CreateOptions),
    Clone(ServiceName, ServiceName, CreateOptions),
    /// The dump goes to this file, or to standard output.
    Export(ServiceName, Option<PathBuf>),
    /// The dump comes from this file, or standard input; read only when
    /// the import runs.
    Import(ServiceName, Option<PathBuf>),
    Backup {
        service: ServiceName,
        bucket: String,
        use_iam: bool,
    },
    BackupAuth(ServiceName, Credentials),
    BackupSchedule {
        service: ServiceName,
        cron: String,
        bucket: String,
        use_iam: bool,
    },
    /// The passphrase is asked for when the plan is prepared.
    BackupSetEncryption(ServiceName, Option<SecretString>),
    /// deauth, unschedule, schedule-cat, unset-encryption.
    Backup1(ServiceName, BackupVerb),
}

/// What a dry run shows for a secret it did not ask for: `***`, like any
/// secret.
fn unasked() -> SecretString {
    SecretString::new("***")
}

/// `backup-auth`'s credentials; the secret key is asked for when the plan
/// is prepared (never for a dry run).
#[derive(Debug, Clone)]
struct Credentials {
    access_key_id: SecretString,
    region: Option<String>,
    signature_version: Option<String>,
    endpoint_url: Option<String>,
    secret: Option<SecretString>,
}

impl Credentials {
    fn auth(&self) -> BackupAuth {
        let secret = self.secret.clone().unwrap_or_else(unasked);
        let mut auth = BackupAuth::new(self.access_key_id.clone(), secret);
        if let Some(region) = &self.region {
            auth = auth.region(region.clone());
        }
        if let Some(version) = &self.signature_version {
            auth = auth.signature_version(version.clone());
        }
        if let Some(url) = &self.endpoint_url {
            auth = auth.endpoint_url(url.clone());
        }
        auth
    }
}

impl Family for ServicesArgs {
    type Plan = Plan;

    fn plan(self, cx: &mut Context) -> Result<Plan, CliError> {
        let action = match self.command {
            ServiceCmd::List => Action::List,
            ServiceCmd::Info { service } => Action::Info(service),
            ServiceCmd::Create { service, image } => Action::Create(service, image.options()),
            ServiceCmd::Destroy { service } => Action::Destroy(service),
            ServiceCmd::Link {
                service,
                app,
                alias,
                querystring,
                no_restart,
            } => {
                let mut options = LinkOptions::new();
                if let Some(alias) = alias {
                    options = options.alias(alias);
                }
                if let Some(query) = querystring {
                    options = options.querystring(query);
                }
                if no_restart {
                    options = options.no_restart();
                }
                Action::Link(service, cx.app(app)?, options)
            }
            ServiceCmd::Unlink {
                service,
                app,
                no_restart,
            } => Action::Unlink(service, cx.app(app)?, no_restart),
            ServiceCmd::Links { service } => Action::Links(service),
            ServiceCmd::AppLinks { app } => Action::AppLinks(cx.app(app)?),
            ServiceCmd::Start { service } => Action::Lifecycle(service, Lifecycle::Start),
            ServiceCmd::Stop { service } => Action::Lifecycle(service, Lifecycle::Stop),
            ServiceCmd::Restart { service } => Action::Lifecycle(service, Lifecycle::Restart),
            ServiceCmd::Pause { service } => Action::Lifecycle(service, Lifecycle::Pause),
            ServiceCmd::Expose { service, ports } => Action::Expose(service, ports),
            ServiceCmd::Unexpose { service } => Action::Unexpose(service),
            ServiceCmd::Logs { service, follow } => Action::Logs(service, follow),
            ServiceCmd::Promote { service, app } => Action::Promote(service, cx.app(app)?),
            ServiceCmd::Upgrade {
                service,
                image,
                restart_apps,
            } => {
                let mut options = image.options();
                if let Some(restart) = restart_apps {
                    options = options.restart_apps(restart);
                }
                Action::Upgrade(service, options)
            }
            ServiceCmd::Clone {
                service,
                new_service,
                image,
            } => Action::Clone(service, new_service, image.options()),
            ServiceCmd::Export { service, output } => {
                if cx.opts.json && output.is_none() && !cx.opts.dry_run {
                    return Err(CliError::usage(
                        "--json and a dump cannot share standard output",
                        "pass --output FILE with --json",
                    ));
                }
                Action::Export(service, output)
            }
            ServiceCmd::Import { service, input } => Action::Import(service, input),
            ServiceCmd::Backup {
                service,
                bucket,
                use_iam,
            } => Action::Backup {
                service,
                bucket,
                use_iam,
            },
            ServiceCmd::BackupAuth {
                service,
                access_key_id,
                region,
                signature_version,
                endpoint_url,
            } => {
                if access_key_id.is_empty() {
                    return Err(CliError::usage(
                        "no access key id given",
                        "`backup-auth SERVICE ACCESS-KEY-ID` (the secret key is asked for)",
                    ));
                }
                let credentials = Credentials {
                    access_key_id: SecretString::new(access_key_id),
                    region,
                    signature_version,
                    endpoint_url,
                    secret: None,
                };
                Action::BackupAuth(service, credentials)
            }
            ServiceCmd::BackupDeauth { service } => Action::Backup1(service, BackupVerb::Deauth),
            ServiceCmd::BackupSchedule {
                service,
                cron,
                bucket,
                use_iam,
            } => Action::BackupSchedule {
                service,
                cron,
                bucket,
                use_iam,
            },
            ServiceCmd::BackupUnschedule { service } => {
                Action::Backup1(service, BackupVerb::Unschedule)
            }
            ServiceCmd::BackupScheduleCat { service } => {
                Action::Backup1(service, BackupVerb::ScheduleCat)
            }
            ServiceCmd::BackupSetEncryption { service } => {
                Action::BackupSetEncryption(service, None)
            }
            ServiceCmd::BackupUnsetEncryption { service } => {
                Action::Backup1(service, BackupVerb::UnsetEncryption)
            }
        };
        Ok(Plan {
            plugin: self.plugin,
            action,
        })
    }

    fn commands(plan: &Plan) -> Result<Vec<Command>, CliError> {
        Ok(vec![command(&plan.plugin, &plan.action)?])
    }

    fn prepare(plan: Plan, opts: &Opts) -> Result<Plan, CliError> {
        let Plan { plugin, action } = plan;
        let action = match action {
            // A dump is binary: written to a terminal it would garble the
            // screen and be lost.
            Action::Export(svc, None) if std::io::stdout().is_terminal() => {
                return Err(CliError::usage(
                    "refusing to write a binary dump to the terminal",
                    format!(
                        "pass --output FILE, or redirect it: `cli services {plugin} export {svc} > {svc}.dump`"
                    ),
                ));
            }
            Action::Destroy(svc) => {
                session::confirm(
                    opts,
                    "the service name",
                    svc.as_str(),
                    &format!("destroy the {plugin} service {svc} and its data"),
                )?;
                Action::Destroy(svc)
            }
            Action::Import(svc, from) => {
                let source = match &from {
                    Some(path) => {
                        let len = std::fs::metadata(path)
                            .map_err(|e| {
                                CliError::usage(
                                    format!("cannot read the dump {}: {e}", path.display()),
                                    "check the path",
                                )
                            })?
                            .len();
                        if len == 0 {
                            return Err(empty_dump());
                        }
                        format!("the {len} bytes from {}", path.display())
                    }
                    None if std::io::stdin().is_terminal() => {
                        return Err(CliError::usage(
                            "no dump to import: standard input is a terminal",
                            format!(
                                "pass --input FILE, or pipe the dump in: `cli services {plugin} import {svc} < {svc}.dump`"
                            ),
                        ));
                    }
                    None => "the dump on standard input".to_owned(),
                };
                session::confirm(
                    opts,
                    "the service name",
                    svc.as_str(),
                    &format!("overwrite the data of the {plugin} service {svc} with {source}"),
                )?;
                Action::Import(svc, from)
            }
            Action::BackupAuth(service, mut credentials) => {
                if credentials.secret.is_none() {
                    credentials.secret = Some(session::read_secret("AWS secret access key")?);
                }
                Action::BackupAuth(service, credentials)
            }
            Action::BackupSetEncryption(svc, None) => Action::BackupSetEncryption(
                svc,
                Some(session::read_secret("GPG passphrase for backups")?),
            ),
            other => other,
        };
        Ok(Plan { plugin, action })
    }

    async fn run(plan: Plan, s: &Session) -> Result<(), CliError> {
        let (json, reveal) = (s.opts.json, s.opts.reveal);
        let plugin = plan.plugin.clone();
        let handler = s.dokku().await?.service(plan.plugin.clone());
        match plan.action {
            Action::List => {
                let services = handler.list().await?;
                // One `:info` and one `:backup-schedule-cat` per service,
                // all at once.
                let read = services.iter().map(|svc| {
                    futures_util::future::join(handler.info(svc), handler.scheduled_backup(svc))
                });
                let (infos, backups): (Vec<_>, Vec<_>) = futures_util::future::join_all(read)
                    .await
                    .into_iter()
                    .unzip();
                let infos = infos.into_iter().collect::<Result<Vec<_>, _>>()?;
                if json {
                    let rows: Vec<_> = services
                        .iter()
                        .zip(&infos)
                        .zip(&backups)
                        .map(|((svc, info), backup)| {
                            let mut row = info_json(svc, info, reveal);
                            match backup {
                                Ok(backup) => row["backup"] = json!(backup),
                                Err(e) => {
                                    row["backup"] = serde_json::Value::Null;
                                    row["backup_unreadable"] = json!(e.to_string());
                                }
                            }
                            row
                        })
                        .collect();
                    return Ok(output::json(&json!(rows))?);
                }
                if services.is_empty() {
                    output::note(&format!("no {plugin} services"));
                    return Ok(());
                }
                let rows: Vec<Vec<Cell>> = services
                    .iter()
                    .zip(&infos)
                    .zip(&backups)
                    .map(|((svc, info), backup)| {
                        vec![
                            Cell::plain(svc.to_string()),
                            status_cell(info.status.as_ref()),
                            Cell::plain(info.version.clone().unwrap_or_default()),
                            Cell::plain(names(&info.links).join(" ")),
                            Cell::plain(exposed(info)),
                            match backup {
                                Ok(Some(b)) => {
                                    Cell::plain(format!("{} to {}", b.schedule, b.bucket))
                                }
                                Ok(None) => Cell("none".to_owned(), RED),
                                Err(_) => Cell("unknown".to_owned(), YELLOW),
                            },
                        ]
                    })
                    .collect();
                Ok(output::table(
                    &[
                        "SERVICE",
                        "STATUS",
                        "VERSION",
                        "LINKED APPS",
                        "EXPOSED",
                        "BACKUP",
                    ],
                    &rows,
                )?)
            }
            Action::Info(svc) => {
                let info = handler.info(&svc).await?;
                if json {
                    return Ok(output::json(&info_json(&svc, &info, reveal))?);
                }
                if info.dsn.is_some() {
                    output::refuse_masked_to_pipe(
                        "the DSN",
                        reveal,
                        "pass --reveal to write it, or --json, where a hidden DSN is null",
                    )?;
                }
                let dsn = info
                    .dsn
                    .as_ref()
                    .map(|d| output::secret(d.expose(), reveal))
                    .unwrap_or_default();
                output::pairs(
                    &format!("{plugin} service {svc}"),
                    &[
                        ("status", status_cell(info.status.as_ref())),
                        (
                            "version",
                            Cell::plain(info.version.clone().unwrap_or_default()),
                        ),
                        ("dsn", Cell::plain(dsn)),
                        ("linked apps", Cell::plain(names(&info.links).join(" "))),
                        ("exposed ports", Cell::plain(exposed(&info))),
                        (
                            "internal ip",
                            Cell::plain(info.internal_ip.clone().unwrap_or_default()),
                        ),
                        (
                            "data dir",
                            Cell::plain(info.data_dir.clone().unwrap_or_default()),
                        ),
                    ],
                )?;
                if !reveal {
                    output::note("(DSN hidden; pass --reveal to show it)");
                }
                Ok(())
            }
            Action::Links(svc) => {
                let apps = handler.links(&svc).await?;
                list(json, &names(&apps), &format!("{svc} is linked to no app"))
            }
            Action::AppLinks(app) => {
                let services = handler.app_links(&app).await?;
                let empty = format!("{app} is linked to no {plugin} service");
                list(json, &names(&services), &empty)
            }
            Action::Logs(svc, false) => {
                let text = handler.logs(&svc).await?;
                if json {
                    let lines: Vec<&str> = text.lines().collect();
                    return Ok(output::json(&json!(lines))?);
                }
                Ok(output::raw(text.as_bytes())?)
            }
            Action::Logs(svc, true) => {
                let command = api::logs_command(&plugin, &svc, true);
                let label = format!("following the logs of {svc} (Ctrl-C to stop)");
                s.copy_to(&command, &label, &mut std::io::stdout(), false)
                    .await
                    .map(drop)
            }
            Action::Export(svc, file) => export(s, &plugin, &svc, file.as_deref()).await,
            Action::Import(svc, from) => import(s, &plugin, &svc, from.as_deref()).await,
            Action::Backup1(svc, BackupVerb::ScheduleCat) => {
                let line = handler.backup_schedule_cat(&svc).await?;
                if json {
                    return Ok(output::json(
                        &json!({ "service": svc.as_str(), "schedule": line }),
                    )?);
                }
                Ok(output::lines(&[line])?)
            }
            // Quick settings: run, then a check mark.
            action @ (Action::Expose(..)
            | Action::Unexpose(_)
            | Action::BackupAuth(..)
            | Action::BackupSchedule { .. }
            | Action::BackupSetEncryption(..)
            | Action::Backup1(..)) => {
                let command = command(&plugin, &action)?;
                let (_, done, what) = describe(&plugin, &action);
                s.run(&command).await?;
                output::changed(json, done, &what, &command)
            }
            // Dokku echoes the variable it set (`DATABASE_URL: <dsn>`), a
            // line a pipe never gets: its name is read as the line passes,
            // and only the name is kept.
            action @ Action::Link(..) => {
                let command = command(&plugin, &action)?;
                let (doing, done, what) = describe(&plugin, &action);
                let mut names = String::new();
                let mut note_name = |line: &str| {
                    match line.split_once(':') {
                        Some((name, _)) => names.push_str(&format!("{name}:\n")),
                        None => names.push_str(&format!("{line}\n")),
                    }
                    line.to_owned()
                };
                let label = format!("{doing} {what}");
                let lines = s.stream(&command, &label, &mut note_name).await?;
                let var = dokku::parse::service::linked_env_var(&names);
                if json {
                    let extra = json!({ "env_var": var.as_ref().map(|v| v.as_str()) });
                    return output::finished_with(done, &what, &command, &lines, extra);
                }
                let what = match var {
                    Some(var) => format!("{what} as {var}"),
                    None => what,
                };
                output::finish(false, done, &what, &command, &lines)
            }
            // Container work: Dokku's output live.
            action => {
                let command = command(&plugin, &action)?;
                let (doing, done, what) = describe(&plugin, &action);
                s.streamed(&command, doing, done, &what).await
            }
        }
    }
}

/// The command an action sends (a dump left out: stdin is never shown; a
/// secret not asked for yet as `***`).
fn command(p: &ServicePlugin, action: &Action) -> Result<Command, CliError> {
    Ok(match action {
        Action::List => api::list_command(p),
        Action::Info(svc) => api::info_command(p, svc),
        Action::Create(svc, options) => api::create_command(p, svc, options),
        Action::Destroy(svc) => api::destroy_command(p, svc, svc.as_str())?,
        Action::Link(svc, app, options) => api::link_command(p, svc, app, options)?,
        Action::Unlink(svc, app, no_restart) => api::unlink_command(p, svc, app, *no_restart),
        Action::Links(svc) => api::links_command(p, svc),
        Action::AppLinks(app) => api::app_links_command(p, app),
        Action::Lifecycle(svc, action) => api::lifecycle_command(p, svc, *action),
        Action::Expose(svc, ports) => api::expose_command(p, svc, ports)?,
        Action::Unexpose(svc) => api::unexpose_command(p, svc),
        Action::Logs(svc, follow) => api::logs_command(p, svc, *follow),
        Action::Promote(svc, app) => api::promote_command(p, svc, app),
        Action::Upgrade(svc, options) => api::upgrade_command(p, svc, options),
        Action::Clone(svc, new, options) => api::clone_command(p, svc, new, options),
        Action::Export(svc, _) => api::export_command(p, svc),
        Action::Import(svc, _) => api::import_command(p, svc, Vec::new()),
        Action::Backup {
            service,
            bucket,
            use_iam,
        } => api::backup_command(p, service, bucket, *use_iam)?,
        Action::BackupAuth(service, credentials) => {
            api::backup_auth_command(p, service, &credentials.auth())?
        }
        Action::BackupSchedule {
            service,
            cron,
            bucket,
            use_iam,
        } => api::backup_schedule_command(p, service, cron, bucket, *use_iam)?,
        Action::BackupSetEncryption(svc, passphrase) => {
            let passphrase = passphrase.clone().unwrap_or_else(unasked);
            api::backup_set_encryption_command(p, svc, &passphrase)
        }
        Action::Backup1(svc, verb) => api::backup_simple_command(p, svc, *verb),
    })
}

/// What a change is doing, what it did, and to what.
fn describe(plugin: &ServicePlugin, action: &Action) -> (&'static str, &'static str, String) {
    let service = |svc: &ServiceName| format!("{plugin} service {svc}");
    match action {
        Action::Create(svc, _) => ("creating", "created", service(svc)),
        Action::Destroy(svc) => ("destroying", "destroyed", service(svc)),
        Action::Link(svc, app, _) => ("linking", "linked", format!("{svc} to {app}")),
        Action::Unlink(svc, app, _) => ("unlinking", "unlinked", format!("{svc} from {app}")),
        Action::Lifecycle(svc, Lifecycle::Start) => ("starting", "started", svc.to_string()),
        Action::Lifecycle(svc, Lifecycle::Stop) => ("stopping", "stopped", svc.to_string()),
        Action::Lifecycle(svc, Lifecycle::Restart) => ("restarting", "restarted", svc.to_string()),
        Action::Lifecycle(svc, _) => ("pausing", "paused", svc.to_string()),
        Action::Expose(svc, _) => ("exposing", "exposed", svc.to_string()),
        Action::Unexpose(svc) => ("unexposing", "unexposed", svc.to_string()),
        Action::Promote(svc, app) => ("promoting", "promoted", format!("{svc} on {app}")),
        Action::Upgrade(svc, _) => ("upgrading", "upgraded", service(svc)),
        Action::Clone(svc, new, _) => ("cloning", "cloned", format!("{svc} to {new}")),
        Action::Backup {
            service, bucket, ..
        } => ("backing up", "backed up", format!("{service} to {bucket}")),
        Action::BackupAuth(service, _) => (
            "storing the backup credentials of",
            "stored the backup credentials of",
            service.to_string(),
        ),
        Action::BackupSchedule {
            service,
            cron,
            bucket,
            ..
        } => (
            "scheduling",
            "scheduled",
            format!("backups of {service} at '{cron}' to {bucket}"),
        ),
        Action::BackupSetEncryption(svc, _) => (
            "setting the backup passphrase of",
            "set the backup passphrase of",
            svc.to_string(),
        ),
        Action::Backup1(svc, BackupVerb::Deauth) => (
            "removing the backup credentials of",
            "removed the backup credentials of",
            svc.to_string(),
        ),
        Action::Backup1(svc, BackupVerb::Unschedule) => (
            "unscheduling the backups of",
            "unscheduled the backups of",
            svc.to_string(),
        ),
        Action::Backup1(svc, _) => (
            "no longer encrypting the backups of",
            "stopped encrypting the backups of",
            svc.to_string(),
        ),
        Action::Import(svc, _) => ("importing into", "imported into", service(svc)),
        _ => ("running", "ran", plugin.to_string()),
    }
}

fn empty_dump() -> CliError {
    CliError::usage(
        "the dump is empty",
        "export one with `cli services PLUGIN export SERVICE -o FILE`",
    )
}

/// Load a dump: read only now, after the question was answered and the
/// host was found able to take it (standard input can be read once), and
/// streamed to the host as it is read, never held whole in memory. An
/// empty dump is refused before anything is sent.
async fn import(
    s: &Session,
    plugin: &ServicePlugin,
    svc: &ServiceName,
    from: Option<&Path>,
) -> Result<(), CliError> {
    s.check_runnable(&api::import_command(plugin, svc, Vec::new()))
        .await?;
    let unreadable = |e: std::io::Error| {
        let what = from.map_or("standard input".to_owned(), |p| p.display().to_string());
        CliError::usage(
            format!("cannot read the dump from {what}: {e}"),
            "check the path",
        )
    };
    let dump = session::input_chunks(from)
        .map_err(unreadable)?
        .ok_or_else(empty_dump)?;
    let command = api::import_stream_command(plugin, svc, dump);
    let what = format!("{plugin} service {svc}");
    s.streamed(&command, "importing into", "imported into", &what)
        .await
}

/// Stream a dump into `file` (through a `.partial` file renamed when the
/// export succeeded, so a failed export leaves no truncated dump behind),
/// or onto standard output.
async fn export(
    s: &Session,
    plugin: &ServicePlugin,
    svc: &ServiceName,
    file: Option<&Path>,
) -> Result<(), CliError> {
    let command = api::export_command(plugin, svc);
    let label = format!("exporting {svc}");
    let Some(path) = file else {
        s.copy_to(&command, &label, &mut std::io::stdout(), true)
            .await?;
        return Ok(());
    };
    let mut partial = path.as_os_str().to_owned();
    partial.push(".partial");
    let partial = PathBuf::from(partial);
    let mut out = std::io::BufWriter::new(std::fs::File::create(&partial)?);
    let written = match s.copy_to(&command, &label, &mut out, true).await {
        Ok(n) => out.flush().map(|()| n).map_err(CliError::from),
        Err(e) => Err(e),
    };
    drop(out);
    let written = match written.and_then(|n| Ok(std::fs::rename(&partial, path).map(|()| n)?)) {
        Ok(n) => n,
        Err(e) => {
            let _ = std::fs::remove_file(&partial);
            return Err(e);
        }
    };
    if s.opts.json {
        return Ok(output::json(&json!({
            "ok": true,
            "action": "exported",
            "target": svc.as_str(),
            "command": command.to_string(),
            "file": path.display().to_string(),
            "bytes": written,
        }))?);
    }
    let what = format!("{svc} to {} ({written} bytes)", path.display());
    Ok(output::done(&format!("exported {what}"))?)
}

fn status_cell(status: Option<&ServiceStatus>) -> Cell {
    match status {
        Some(s) => {
            let style = match s {
                ServiceStatus::Running => GREEN,
                ServiceStatus::Restarting | ServiceStatus::Paused => YELLOW,
                ServiceStatus::Exited | ServiceStatus::Dead | ServiceStatus::Missing => RED,
                _ => DIM,
            };
            Cell(s.as_str().to_owned(), style)
        }
        None => Cell("-".to_owned(), DIM),
    }
}

/// A service for programs. Unless revealed, its DSN is `null` beside
/// `"dsn_hidden": true`: a program must never take `***` for the value.
fn info_json(name: &ServiceName, info: &ServiceInfo, reveal: bool) -> serde_json::Value {
    let mut value = json!(info);
    value["name"] = json!(name.as_str());
    value["dsn"] = match &info.dsn {
        Some(dsn) if reveal => json!(dsn.expose()),
        Some(_) => {
            value["dsn_hidden"] = json!(true);
            serde_json::Value::Null
        }
        None => serde_json::Value::Null,
    };
    value
}

fn exposed(info: &ServiceInfo) -> String {
    info.exposed_ports
        .iter()
        .map(|p| format!("{}->{}", p.container, p.host))
        .collect::<Vec<_>>()
        .join(" ")
}

fn names(list: &[impl ToString]) -> Vec<String> {
    list.iter().map(ToString::to_string).collect()
}

fn list(json: bool, items: &[String], empty: &str) -> Result<(), CliError> {
    if json {
        return Ok(output::json(&json!(items))?);
    }
    if items.is_empty() {
        output::note(empty);
        return Ok(());
    }
    Ok(output::lines(items)?)
}
