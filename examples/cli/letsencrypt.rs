//! `letsencrypt …`: certificates from Let's Encrypt (the dokku-letsencrypt
//! plugin). Expiry and renewal are counted on the host's clock, the one
//! `letsencrypt:list` counts on; DNS provider credentials are secret
//! values, read from a prompt or stdin.

use clap::Subcommand;
use dokku::api::letsencrypt as api;
use dokku::api::report::{report_command, ReportTarget};
use dokku::api::{Format, Scope, Target};
use dokku::catalog::plugins;
use dokku::{AppName, Command};
use serde_json::json;

use crate::args;
use crate::error::CliError;
use crate::family::{self, Context, Family, Opts};
use crate::output::{self, Cell, YELLOW};
use crate::property::Change;
use crate::session::{self, Session};

pub const HELP: &str =
    "Examples:\n  cli --demo letsencrypt list\n  cli --demo letsencrypt enable api";

#[derive(Debug, Subcommand)]
pub enum LetsencryptCmd {
    /// Every certificate with its expiry and renewal.
    #[command(after_help = "Example:\n  cli --demo letsencrypt list")]
    List,
    /// An app's Let's Encrypt settings, or the global ones.
    #[command(
        after_help = "Examples:\n  cli --demo letsencrypt report api\n  cli --demo letsencrypt report --global"
    )]
    Report {
        #[command(flatten)]
        scope: args::AppOrGlobal,
    },
    /// Whether the app has an active certificate.
    #[command(after_help = "Example:\n  cli --demo letsencrypt active api")]
    Active {
        #[arg(value_parser = args::app_name)]
        app: Option<AppName>,
    },
    /// Obtain (or renew) a certificate for an app, or every app.
    #[command(
        after_help = "Examples:\n  cli --demo letsencrypt enable api\n  cli --demo letsencrypt enable --all"
    )]
    Enable(args::AppOrAll),
    /// Remove the app's certificate and Let's Encrypt files.
    #[command(after_help = "Example:\n  cli --demo letsencrypt disable api")]
    Disable {
        #[arg(value_parser = args::app_name)]
        app: Option<AppName>,
    },
    /// Renew what is due, for an app or (with --all) every app.
    #[command(
        after_help = "Examples:\n  cli --demo letsencrypt auto-renew api\n  cli --demo letsencrypt auto-renew --all"
    )]
    AutoRenew(args::AppOrAll),
    /// Remove stale certificate directories.
    #[command(after_help = "Example:\n  cli --demo letsencrypt cleanup api")]
    Cleanup {
        #[arg(value_parser = args::app_name)]
        app: Option<AppName>,
    },
    /// Revoke the app's certificate (asks for the app name unless --yes).
    #[command(after_help = "Example:\n  cli --demo letsencrypt revoke api")]
    Revoke {
        #[arg(value_parser = args::app_name)]
        app: Option<AppName>,
    },
    /// Set a property: email, server, graceperiod, dns-provider,
    /// lego-docker-args, or dns-provider-VAR (a secret: give - and type it
    /// at the prompt or pipe it in). Same as `cli set letsencrypt …`.
    #[command(
        after_help = "Examples:\n  cli --demo letsencrypt set api email ops@example.com\n  pass show cf-token | cli --demo letsencrypt set --global dns-provider-CF_DNS_API_TOKEN -"
    )]
    Set {
        /// [APP] KEY VALUE
        #[arg(value_name = "ARGS", required = true)]
        args: Vec<String>,
        #[arg(long)]
        global: bool,
    },
    /// Unset a property.
    #[command(after_help = "Example:\n  cli --demo letsencrypt unset api email")]
    Unset {
        /// [APP] KEY
        #[arg(value_name = "ARGS", required = true)]
        args: Vec<String>,
        #[arg(long)]
        global: bool,
    },
    /// Add or remove the renewal cron job.
    #[command(
        after_help = "Examples:\n  cli --demo letsencrypt cron-job --add\n  cli --demo letsencrypt cron-job --remove"
    )]
    CronJob {
        #[arg(long, conflicts_with = "remove", required_unless_present = "remove")]
        add: bool,
        #[arg(long)]
        remove: bool,
    },
}

#[derive(Debug, Clone)]
pub enum Plan {
    List,
    Report(Scope),
    Active(AppName),
    Enable(Target),
    Disable(AppName),
    AutoRenew(Option<AppName>),
    Cleanup(AppName),
    Revoke(AppName),
    Set(Change),
    CronJob(bool),
}

impl Family for LetsencryptCmd {
    type Plan = Plan;

    fn plan(self, cx: &mut Context) -> Result<Plan, CliError> {
        Ok(match self {
            LetsencryptCmd::List => Plan::List,
            LetsencryptCmd::Report { scope } => Plan::Report(cx.scope(scope)?),
            LetsencryptCmd::Active { app } => Plan::Active(cx.app(app)?),
            LetsencryptCmd::Enable(t) => Plan::Enable(cx.app_or_all(t)?),
            LetsencryptCmd::Disable { app } => Plan::Disable(cx.app(app)?),
            LetsencryptCmd::AutoRenew(t) => match cx.app_or_all(t)? {
                Target::App(app) => Plan::AutoRenew(Some(app)),
                _ => Plan::AutoRenew(None),
            },
            LetsencryptCmd::Cleanup { app } => Plan::Cleanup(cx.app(app)?),
            LetsencryptCmd::Revoke { app } => Plan::Revoke(cx.app(app)?),
            LetsencryptCmd::Set { args, global } => {
                let (scope, rest) = cx.scoped_items(args, global, 2, |_| false)?;
                let [key, value] = family::exactly(
                    rest,
                    "letsencrypt set takes a property and a value",
                    "`letsencrypt set [APP] KEY VALUE` (unset with `letsencrypt unset`)",
                )?;
                let change = Change::new(&plugins::LETSENCRYPT, scope, key, Some(value))?;
                Plan::Set(change)
            }
            LetsencryptCmd::Unset { args, global } => {
                let (scope, rest) = cx.scoped_items(args, global, 1, |_| false)?;
                let [key] = family::exactly(
                    rest,
                    "letsencrypt unset takes a property",
                    "`letsencrypt unset [APP] KEY`",
                )?;
                Plan::Set(Change::new(&plugins::LETSENCRYPT, scope, key, None)?)
            }
            LetsencryptCmd::CronJob { add, .. } => Plan::CronJob(add),
        })
    }

    fn commands(plan: &Plan) -> Result<Vec<Command>, CliError> {
        Ok(match plan {
            Plan::List => vec![api::list_command()],
            Plan::Report(scope) => {
                let target = match scope {
                    Scope::App(app) => ReportTarget::App(app.clone()),
                    _ => ReportTarget::Global,
                };
                vec![
                    report_command(&plugins::LETSENCRYPT, &target, Format::Json)?,
                    api::list_command(),
                ]
            }
            Plan::Active(app) => vec![api::active_command(app)],
            Plan::Enable(target) => vec![api::enable_command(target)],
            Plan::Disable(app) => vec![api::disable_command(app)],
            Plan::AutoRenew(app) => vec![api::auto_renew_command(app.as_ref())],
            Plan::Cleanup(app) => vec![api::cleanup_command(app)],
            Plan::Revoke(app) => vec![api::revoke_command(app)],
            Plan::Set(change) => vec![change.command()?],
            Plan::CronJob(add) => vec![api::cron_job_command(*add)],
        })
    }

    fn prepare(plan: Plan, opts: &Opts) -> Result<Plan, CliError> {
        match plan {
            Plan::Revoke(app) => {
                session::confirm(
                    opts,
                    "the app name",
                    app.as_str(),
                    &format!("revoke the Let's Encrypt certificate of {app}"),
                )?;
                Ok(Plan::Revoke(app))
            }
            Plan::Set(change) => Ok(Plan::Set(change.prepare()?)),
            plan => Ok(plan),
        }
    }

    async fn run(plan: Plan, s: &Session) -> Result<(), CliError> {
        let json = s.opts.json;
        let le = s.dokku().await?.letsencrypt();
        match plan {
            Plan::List => list(s).await,
            Plan::Report(scope) => report(s, &scope).await,
            Plan::Active(app) => {
                let active = le.active(&app).await?;
                if json {
                    return Ok(output::json(
                        &json!({ "app": app.as_str(), "active": active }),
                    )?);
                }
                Ok(output::lines(&[active.to_string()])?)
            }
            Plan::Enable(target) => {
                let command = api::enable_command(&target);
                let who = family::who(&target);
                s.streamed(
                    &command,
                    "getting a certificate for",
                    "enabled Let's Encrypt for",
                    &who,
                )
                .await
            }
            Plan::Disable(app) => {
                let command = api::disable_command(&app);
                s.streamed(
                    &command,
                    "disabling Let's Encrypt for",
                    "disabled Let's Encrypt for",
                    app.as_str(),
                )
                .await
            }
            Plan::AutoRenew(app) => {
                let command = api::auto_renew_command(app.as_ref());
                let who = app.map_or("every app".to_owned(), |a| a.to_string());
                s.streamed(
                    &command,
                    "renewing what is due for",
                    "renewed what was due for",
                    &who,
                )
                .await
            }
            Plan::Cleanup(app) => {
                let command = api::cleanup_command(&app);
                s.streamed(&command, "cleaning up", "cleaned up", app.as_str())
                    .await
            }
            Plan::Revoke(app) => {
                let command = api::revoke_command(&app);
                s.streamed(
                    &command,
                    "revoking the certificate of",
                    "revoked the certificate of",
                    app.as_str(),
                )
                .await
            }
            Plan::Set(change) => change.run(s).await,
            Plan::CronJob(add) => {
                let command = api::cron_job_command(add);
                s.run(&command).await?;
                let verb = if add { "added" } else { "removed" };
                output::changed(json, verb, "the renewal cron job", &command)
            }
        }
    }
}

async fn list(s: &Session) -> Result<(), CliError> {
    let entries = s.dokku().await?.letsencrypt().list().await?;
    if s.opts.json {
        let rows: Vec<_> = entries
            .iter()
            .map(|e| {
                json!({
                    "app": e.app.as_str(),
                    "expires_at": output::time(e.expires_at),
                    "expires_in_secs": e.expires_in_secs,
                    "renews_in_secs": e.renews_in_secs,
                    "renewal_due": e.renewal_due(),
                })
            })
            .collect();
        return Ok(output::json(&json!(rows))?);
    }
    if entries.is_empty() {
        output::note("no Let's Encrypt certificates");
        return Ok(());
    }
    let rows: Vec<Vec<Cell>> = entries
        .iter()
        .map(|e| {
            vec![
                Cell::plain(e.app.to_string()),
                Cell::plain(output::time(e.expires_at)),
                Cell(
                    output::human_secs(e.expires_in_secs),
                    output::expiry_style(e.expires_in_secs),
                ),
                if e.renewal_due() {
                    Cell("due now".to_owned(), YELLOW)
                } else {
                    Cell::plain(output::human_secs(e.renews_in_secs))
                },
            ]
        })
        .collect();
    Ok(output::table(
        &["APP", "EXPIRES (UTC)", "EXPIRY", "RENEWAL"],
        &rows,
    )?)
}

async fn report(s: &Session, scope: &Scope) -> Result<(), CliError> {
    let le = s.dokku().await?.letsencrypt();
    let (title, report, clock) = match scope {
        Scope::App(app) => {
            let (report, clock) = tokio::join!(le.report(app), s.host_clock());
            (format!("app {app}"), report?, clock?)
        }
        _ => {
            let (report, clock) = tokio::join!(le.report_global(), s.host_clock());
            ("global letsencrypt settings".to_owned(), report?, clock?)
        }
    };
    if s.opts.json {
        let mut value = json!(report);
        value["expiration"] = json!(report.expiration.map(output::time));
        value["expires_in_secs"] = json!(report.expiration.map(|t| clock.until(t)));
        return Ok(output::json(&value)?);
    }
    let expiry = match report.expiration {
        Some(t) => output::expiry_cell(t, clock.until(t)),
        None => Cell::plain(""),
    };
    Ok(output::pairs(
        &title,
        &[
            ("active", Cell::plain(report.active.to_string())),
            ("auto-renew", Cell::plain(report.autorenew.to_string())),
            ("expires (UTC)", expiry),
            (
                "email",
                Cell::plain(report.email.effective().unwrap_or_default()),
            ),
            (
                "server",
                Cell::plain(report.server.effective().unwrap_or_default()),
            ),
            (
                "grace period",
                Cell::plain(report.graceperiod.effective().unwrap_or_default()),
            ),
            (
                "dns provider",
                Cell::plain(report.dns_provider.effective().unwrap_or_default()),
            ),
        ],
    )?)
}
