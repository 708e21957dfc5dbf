//! `nginx …`: the default proxy's own verbs: show-config (the generated
//! `nginx.conf`), validate-config (of one app, or of every app), the
//! access and error logs (`-t` follows until Ctrl-C), start, stop (after
//! a question: every app stops answering) and reload (the server's
//! configuration, after nginx checked it). Its settings are `cli report
//! nginx` and `cli set nginx`.

use clap::{Args, Subcommand};
use dokku::api::proxies::{self as api, ProxyKind};
use dokku::{AppName, Command};
use serde_json::json;

use crate::args;
use crate::error::CliError;
use crate::family::{Context, Family, Opts};
use crate::output;
use crate::session::{self, Session};

pub const HELP: &str = "Examples:\n  cli --demo nginx show-config api\n  cli --demo nginx validate-config\n  cli --demo nginx access-logs api -t";

const NGINX: ProxyKind = ProxyKind::Nginx;

#[derive(Debug, Subcommand)]
pub enum NginxCmd {
    /// The nginx.conf generated for an app.
    #[command(after_help = "Example:\n  cli --demo nginx show-config api")]
    ShowConfig {
        #[arg(value_parser = args::app_name)]
        app: Option<AppName>,
    },
    /// Check the nginx configuration of an app (given as an argument or
    /// with --app), or of every app.
    #[command(
        after_help = "Examples:\n  cli --demo nginx validate-config\n  cli --demo nginx validate-config api --clean"
    )]
    ValidateConfig {
        #[arg(value_parser = args::app_name)]
        app: Option<AppName>,
        /// Remove the configurations that are not valid.
        #[arg(long)]
        clean: bool,
    },
    /// An app's nginx access log; -t follows it until Ctrl-C.
    #[command(
        after_help = "Examples:\n  cli --demo nginx access-logs api\n  cli --demo nginx access-logs api -t"
    )]
    AccessLogs(LogArgs),
    /// An app's nginx error log; -t follows it until Ctrl-C.
    #[command(after_help = "Example:\n  cli --demo nginx error-logs api -t")]
    ErrorLogs(LogArgs),
    /// Start nginx.
    #[command(after_help = "Example:\n  cli --host dokku@example.com nginx start")]
    Start,
    /// Stop nginx: no app answers until it starts (asks unless --yes).
    #[command(after_help = "Example:\n  cli --host dokku@example.com nginx stop --yes")]
    Stop,
    /// Reload nginx's configuration, once `nginx -t` accepts it (apps keep
    /// answering; `proxy build-config` rebuilds one app's first).
    #[command(after_help = "Example:\n  cli --demo nginx reload")]
    Reload,
}

#[derive(Debug, Args)]
pub struct LogArgs {
    #[arg(value_parser = args::app_name)]
    pub app: Option<AppName>,
    /// Keep following new lines until Ctrl-C.
    #[arg(long = "tail", short = 't')]
    pub follow: bool,
}

#[derive(Debug, Clone)]
pub enum Plan {
    ShowConfig(AppName),
    Validate {
        app: Option<AppName>,
        clean: bool,
    },
    Logs {
        app: AppName,
        error: bool,
        follow: bool,
    },
    /// `start`, `stop` or `reload` the server.
    Server(&'static str),
}

impl Family for NginxCmd {
    type Plan = Plan;

    fn plan(self, cx: &mut Context) -> Result<Plan, CliError> {
        Ok(match self {
            NginxCmd::ShowConfig { app } => Plan::ShowConfig(cx.app(app)?),
            NginxCmd::ValidateConfig { app, clean } => Plan::Validate {
                app: app.or_else(|| cx.app_flag().cloned()),
                clean,
            },
            NginxCmd::AccessLogs(logs) => Plan::Logs {
                app: cx.app(logs.app)?,
                error: false,
                follow: logs.follow,
            },
            NginxCmd::ErrorLogs(logs) => Plan::Logs {
                app: cx.app(logs.app)?,
                error: true,
                follow: logs.follow,
            },
            NginxCmd::Start => Plan::Server("start"),
            NginxCmd::Stop => Plan::Server("stop"),
            NginxCmd::Reload => Plan::Server("reload"),
        })
    }

    fn commands(plan: &Plan) -> Result<Vec<Command>, CliError> {
        Ok(vec![match plan {
            Plan::ShowConfig(app) => api::show_config_command(NGINX, app),
            Plan::Validate { app, clean } => {
                api::validate_config_command(NGINX, app.as_ref(), *clean)?
            }
            Plan::Logs { app, error, follow } => api::logs_command(NGINX, app, *error, *follow)?,
            Plan::Server(verb) => api::server_command(NGINX, verb)?,
        }])
    }

    fn prepare(plan: Plan, opts: &Opts) -> Result<Plan, CliError> {
        if let Plan::Server("stop") = plan {
            session::confirm(
                opts,
                "the word",
                "nginx",
                "stop nginx (no app answers until it starts)",
            )?;
        }
        Ok(plan)
    }

    async fn run(plan: Plan, s: &Session) -> Result<(), CliError> {
        let nginx = s.dokku().await?.proxy_server(NGINX);
        let json = s.opts.json;
        match plan {
            Plan::ShowConfig(app) => {
                let config = nginx.show_config(&app).await?;
                if json {
                    return Ok(output::json(
                        &json!({ "app": app.as_str(), "config": config }),
                    )?);
                }
                Ok(output::raw(config.as_bytes())?)
            }
            Plan::Validate { app, clean } => {
                let command = api::validate_config_command(NGINX, app.as_ref(), clean)?;
                let what = match &app {
                    Some(app) => format!("the nginx configuration of {app}"),
                    None => "the nginx configuration of every app".to_owned(),
                };
                s.streamed(&command, "validating", "validated", &what).await
            }
            Plan::Logs {
                app,
                error,
                follow: false,
            } => {
                let lines = nginx.logs(&app, error).await?;
                if json {
                    return Ok(output::json(&json!(lines))?);
                }
                Ok(output::lines(&lines)?)
            }
            Plan::Logs { app, error, .. } => {
                let stream = nginx.follow_logs(&app, error).await?;
                let log = if error { "error" } else { "access" };
                let label = format!("following the nginx {log} log of {app} (Ctrl-C to stop)");
                s.print_stream(stream, &label, true, |line| Ok((line.clone(), json!(line))))
                    .await
            }
            Plan::Server(verb) => {
                let (doing, done, what) = match verb {
                    "stop" => ("stopping", "stopped", "nginx"),
                    "reload" => ("reloading", "reloaded", "the nginx configuration"),
                    _ => ("starting", "started", "nginx"),
                };
                let command = api::server_command(NGINX, verb)?;
                s.streamed(&command, doing, done, what).await
            }
        }
    }
}
