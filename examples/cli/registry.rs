//! `registry login SERVER USER` and `registry logout SERVER`: registry
//! credentials for every app, or for one with `--app`. The password is
//! read from a prompt (echo off) or standard input and sent on Dokku's
//! standard input: never taken from the command line, shown, recorded or
//! printed by a dry run. The registry settings are `cli set registry`.

use clap::Subcommand;
use dokku::api::registry as api;
use dokku::{AppName, Command, SecretString};

use crate::args;
use crate::error::CliError;
use crate::family::{Context, Family, Opts};
use crate::output;
use crate::session::{self, Session};

pub const HELP: &str = "Examples:\n  pass show ghcr | cli --demo registry login ghcr.io ci\n  cli --demo registry login registry.example.com:5000 deploy --app api\n  cli --demo registry logout ghcr.io";

#[derive(Debug, Subcommand)]
pub enum RegistryCmd {
    /// Log in to a registry (every app's, or one app's with --app); the
    /// password is read from a prompt or standard input.
    #[command(
        after_help = "Examples:\n  cli --demo registry login ghcr.io ci            (asks for the password)\n  pass show ghcr | cli --demo registry login ghcr.io ci --app api"
    )]
    Login {
        /// SERVER USER (the password is never an argument)
        #[arg(value_name = "ARGS", required = true)]
        args: Vec<String>,
    },
    /// Log out of a registry (every app's, or one app's with --app).
    #[command(after_help = "Example:\n  cli --demo registry logout ghcr.io")]
    Logout {
        #[arg(value_parser = args::registry_server)]
        server: String,
    },
}

#[derive(Debug, Clone)]
pub enum Plan {
    Login(Login),
    Logout {
        app: Option<AppName>,
        server: String,
    },
}

/// A login; the password is read when the plan is prepared (never in a
/// dry run).
#[derive(Debug, Clone)]
pub struct Login {
    app: Option<AppName>,
    server: String,
    user: String,
    password: Option<SecretString>,
}

impl Family for RegistryCmd {
    type Plan = Plan;

    fn plan(self, cx: &mut Context) -> Result<Plan, CliError> {
        let app = cx.app_flag().cloned();
        Ok(match self {
            RegistryCmd::Logout { server } => Plan::Logout { app, server },
            RegistryCmd::Login { args } => {
                // Never echo the words: a third one may be a password.
                let [server, user] = <[String; 2]>::try_from(args).map_err(|args| {
                    let message = if args.len() > 2 {
                        "registry login takes SERVER USER: the password is not taken from the command line (shell history, `ps`)"
                    } else {
                        "registry login takes SERVER USER"
                    };
                    CliError::usage(
                        message,
                        "type the password at the prompt, or pipe it in: `pass show ghcr | cli registry login ghcr.io ci`",
                    )
                })?;
                Plan::Login(Login {
                    app,
                    server: args::registry_server(&server)?,
                    user: args::registry_user(&user)?,
                    password: None,
                })
            }
        })
    }

    fn commands(plan: &Plan) -> Result<Vec<Command>, CliError> {
        Ok(vec![command(plan)?])
    }

    fn prepare(plan: Plan, _opts: &Opts) -> Result<Plan, CliError> {
        match plan {
            Plan::Login(login) if login.password.is_none() => {
                let what = format!("password of {} at {}", login.user, login.server);
                let password = session::read_secret(&what)?;
                Ok(Plan::Login(Login {
                    password: Some(password),
                    ..login
                }))
            }
            plan => Ok(plan),
        }
    }

    async fn run(plan: Plan, s: &Session) -> Result<(), CliError> {
        let registry = s.dokku().await?.registry();
        let command = command(&plan)?;
        let (verb, what) = match &plan {
            Plan::Login(login) => {
                let Login {
                    app, server, user, ..
                } = login;
                let password = login.password.clone().unwrap_or_default();
                registry
                    .login(app.as_ref(), server, user, &password)
                    .await?;
                (
                    "logged in",
                    format!("to {server} as {user} for {}", whose(app)),
                )
            }
            Plan::Logout { app, server } => {
                registry.logout(app.as_ref(), server).await?;
                ("logged out", format!("of {server} for {}", whose(app)))
            }
        };
        output::changed(s.opts.json, verb, &what, &command)
    }
}

/// The command a plan sends (a password not read yet as `***`; it travels
/// on standard input, which is never shown).
fn command(plan: &Plan) -> Result<Command, CliError> {
    Ok(match plan {
        Plan::Login(login) => {
            let unread = SecretString::new("***");
            let password = login.password.as_ref().unwrap_or(&unread);
            api::login_command(login.app.as_ref(), &login.server, &login.user, password)?
        }
        Plan::Logout { app, server } => api::logout_command(app.as_ref(), server)?,
    })
}

fn whose(app: &Option<AppName>) -> String {
    match app {
        Some(app) => app.to_string(),
        None => "every app".to_owned(),
    }
}
