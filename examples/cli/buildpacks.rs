//! `buildpacks …`: an app's buildpack list, in order: list, add (or
//! insert at a position), set (replace the one at a position), remove,
//! clear. Removing one the app does not have is "not found".

use clap::{Args, Subcommand};
use dokku::api::buildpacks as api;
use dokku::{AppName, Command};
use serde_json::json;

use crate::args;
use crate::error::CliError;
use crate::family::{self, Context, Family};
use crate::output::{self, Cell};
use crate::session::Session;

pub const HELP: &str = "Examples:\n  cli --demo buildpacks list shop\n  cli --demo buildpacks add api heroku/ruby --index 1\n  cli --demo buildpacks remove shop heroku/nodejs";

#[derive(Debug, Subcommand)]
pub enum BuildpacksCmd {
    /// An app's buildpacks, in the order they run.
    #[command(after_help = "Example:\n  cli --demo buildpacks list shop --json")]
    List {
        #[arg(value_parser = args::app_name)]
        app: Option<AppName>,
    },
    /// Append a buildpack, or insert it at --index (1 is first).
    #[command(
        after_help = "Examples:\n  cli --demo buildpacks add api heroku/ruby\n  cli --demo buildpacks add api https://github.com/heroku/heroku-buildpack-ruby.git --index 1"
    )]
    Add(Positioned),
    /// Put a buildpack at --index (default 1), replacing the one there.
    #[command(after_help = "Example:\n  cli --demo buildpacks set api heroku/go")]
    Set(Positioned),
    /// Remove a buildpack.
    #[command(after_help = "Example:\n  cli --demo buildpacks remove shop heroku/nodejs")]
    Remove {
        /// [APP] BUILDPACK
        #[arg(value_name = "ARGS", required = true)]
        args: Vec<String>,
    },
    /// Remove every buildpack (the next build detects them again).
    #[command(after_help = "Example:\n  cli --demo buildpacks clear api")]
    Clear {
        #[arg(value_parser = args::app_name)]
        app: Option<AppName>,
    },
}

#[derive(Debug, Args)]
pub struct Positioned {
    /// [APP] BUILDPACK (a URL, or a short name such as heroku/nodejs)
    #[arg(value_name = "ARGS", required = true)]
    pub args: Vec<String>,
    /// The position, 1 first.
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..))]
    pub index: Option<u32>,
}

/// What a change does to the list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verb {
    Add,
    Set,
    Remove,
}

#[derive(Debug, Clone)]
pub enum Plan {
    List(AppName),
    Change {
        verb: Verb,
        app: AppName,
        buildpack: String,
        index: Option<u32>,
    },
    Clear(AppName),
}

impl Family for BuildpacksCmd {
    type Plan = Plan;

    fn plan(self, cx: &mut Context) -> Result<Plan, CliError> {
        let (verb, args, index) = match self {
            BuildpacksCmd::List { app } => return Ok(Plan::List(cx.app(app)?)),
            BuildpacksCmd::Clear { app } => return Ok(Plan::Clear(cx.app(app)?)),
            BuildpacksCmd::Add(p) => (Verb::Add, p.args, p.index),
            BuildpacksCmd::Set(p) => (Verb::Set, p.args, p.index),
            BuildpacksCmd::Remove { args } => (Verb::Remove, args, None),
        };
        let (app, rest) = cx.split(args, 1, |_| false)?;
        let [buildpack] = family::exactly(
            rest,
            "give one buildpack",
            "a URL (https://github.com/heroku/heroku-buildpack-ruby.git) or a short name (heroku/ruby)",
        )?;
        Ok(Plan::Change {
            verb,
            app,
            buildpack: args::buildpack(&buildpack)?,
            index,
        })
    }

    fn commands(plan: &Plan) -> Result<Vec<Command>, CliError> {
        Ok(vec![match plan {
            Plan::List(app) => api::list_command(app),
            Plan::Change {
                verb,
                app,
                buildpack,
                index,
            } => change_command(*verb, app, buildpack, *index)?,
            Plan::Clear(app) => api::clear_command(app),
        }])
    }

    async fn run(plan: Plan, s: &Session) -> Result<(), CliError> {
        let buildpacks = s.dokku().await?.buildpacks();
        let json = s.opts.json;
        match plan {
            Plan::List(app) => {
                let listed = buildpacks.list(&app).await?;
                // A private buildpack's URL may hold a token.
                let shown: Vec<String> = listed
                    .iter()
                    .map(|url| output::secret_userinfo(url, s.opts.reveal))
                    .collect();
                let masked = shown != listed;
                if masked {
                    output::refuse_masked_to_pipe(
                        "buildpack URLs with credentials",
                        false,
                        "pass --reveal to write the URLs",
                    )?;
                }
                if json {
                    return Ok(output::json(&json!(shown))?);
                }
                if masked {
                    output::note("(credentials in URLs hidden; pass --reveal to show them)");
                }
                if listed.is_empty() {
                    output::note(&format!(
                        "{app} has no buildpacks set: its builds detect them"
                    ));
                    return Ok(());
                }
                let rows: Vec<Vec<Cell>> = shown
                    .iter()
                    .enumerate()
                    .map(|(i, url)| {
                        vec![Cell::plain((i + 1).to_string()), Cell::plain(url.clone())]
                    })
                    .collect();
                Ok(output::table(&["#", "BUILDPACK"], &rows)?)
            }
            Plan::Change {
                verb,
                app,
                buildpack,
                index,
            } => {
                let command = change_command(verb, &app, &buildpack, index)?;
                // A private buildpack's URL may hold a token.
                let shown = dokku::secret::mask_userinfo(&buildpack);
                let done = match verb {
                    Verb::Add => {
                        buildpacks.add(&app, &buildpack, index).await?;
                        "added"
                    }
                    Verb::Set => {
                        buildpacks.set(&app, &buildpack, index).await?;
                        "set"
                    }
                    Verb::Remove => {
                        buildpacks.remove(&app, &buildpack).await.map_err(|e| {
                            CliError::missing(
                                e,
                                format!("{shown} is not a buildpack of {app}"),
                                "`cli buildpacks list APP` shows the app's buildpacks",
                            )
                        })?;
                        "removed"
                    }
                };
                let at = index.map(|i| format!(" at {i}")).unwrap_or_default();
                output::changed(json, done, &format!("{shown}{at} on {app}"), &command)
            }
            Plan::Clear(app) => {
                buildpacks.clear(&app).await?;
                let what = format!("the buildpacks of {app}");
                output::changed(json, "cleared", &what, &api::clear_command(&app))
            }
        }
    }
}

fn change_command(
    verb: Verb,
    app: &AppName,
    buildpack: &str,
    index: Option<u32>,
) -> Result<Command, CliError> {
    Ok(match verb {
        Verb::Add => api::add_command(app, buildpack, index)?,
        Verb::Set => api::set_command(app, buildpack, index)?,
        Verb::Remove => api::remove_command(app, buildpack)?,
    })
}
