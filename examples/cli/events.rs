//! `events [-t]`: Dokku's event log (the last events, or followed until
//! Ctrl-C with `-t`); `events on`, `events off` and `events list` (the
//! triggers logged). The log can hold the arguments of commands, so URL
//! credentials in it are masked unless --reveal.

use clap::{Args, Subcommand};
use dokku::api::events as api;
use dokku::model::events::EventLine;
use dokku::Command;
use serde_json::json;

use crate::error::CliError;
use crate::family::{Context, Family};
use crate::output;
use crate::session::Session;

pub const HELP: &str =
    "Examples:\n  cli --demo events\n  cli --demo events -t\n  cli --demo events on";

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct EventsArgs {
    #[command(subcommand)]
    pub sub: Option<EventsCmd>,
    /// Keep following new events until Ctrl-C.
    #[arg(long = "tail", short = 't')]
    pub follow: bool,
}

#[derive(Debug, Subcommand)]
pub enum EventsCmd {
    /// Turn the event logger on.
    #[command(after_help = "Example:\n  cli --demo events on")]
    On,
    /// Turn the event logger off.
    #[command(after_help = "Example:\n  cli --demo events off")]
    Off,
    /// The triggers being logged (none while the logger is off).
    #[command(after_help = "Example:\n  cli --demo events list --json")]
    List,
}

#[derive(Debug, Clone, Copy)]
pub enum Plan {
    Show { follow: bool },
    Switch(bool),
    List,
}

impl Family for EventsArgs {
    type Plan = Plan;

    fn plan(self, _cx: &mut Context) -> Result<Plan, CliError> {
        Ok(match self.sub {
            None => Plan::Show {
                follow: self.follow,
            },
            Some(EventsCmd::On) => Plan::Switch(true),
            Some(EventsCmd::Off) => Plan::Switch(false),
            Some(EventsCmd::List) => Plan::List,
        })
    }

    fn commands(plan: &Plan) -> Result<Vec<Command>, CliError> {
        Ok(match plan {
            // A follow asks first whether anything will be logged.
            Plan::Show { follow: true } => vec![api::list_command(), command(*plan)],
            _ => vec![command(*plan)],
        })
    }

    async fn run(plan: Plan, s: &Session) -> Result<(), CliError> {
        let events = s.dokku().await?.events();
        let json = s.opts.json;
        let command = command(plan);
        let shown = |event: EventLine| {
            let event = masked(s, &command, event)?;
            Ok((event.line.clone(), json!(event)))
        };
        match plan {
            Plan::Show { follow: true } => {
                // With the logger off the follow would wait for nothing.
                if events.list().await?.is_empty() {
                    output::note(
                        "the event logger is off: nothing new is logged until `cli events on`",
                    );
                }
                let stream = events.follow().await?;
                s.print_stream(
                    stream,
                    "following Dokku's events (Ctrl-C to stop)",
                    true,
                    shown,
                )
                .await
            }
            Plan::Show { follow: false } => {
                let recent = events.recent().await?;
                let (lines, values): (Vec<String>, Vec<serde_json::Value>) = recent
                    .into_iter()
                    .map(shown)
                    .collect::<Result<Vec<_>, CliError>>()?
                    .into_iter()
                    .unzip();
                if json {
                    return Ok(output::json(&json!(values))?);
                }
                if lines.is_empty() {
                    output::note(
                        "no events logged (`cli events list` says whether the logger is on)",
                    );
                }
                Ok(output::lines(&lines)?)
            }
            Plan::Switch(on) => {
                events.switch(on).await?;
                let verb = if on { "turned on" } else { "turned off" };
                output::changed(json, verb, "the event logger", &command)
            }
            Plan::List => {
                let triggers = events.list().await?;
                if json {
                    return Ok(output::json(&json!({
                        "logging": !triggers.is_empty(),
                        "triggers": triggers,
                    }))?);
                }
                if triggers.is_empty() {
                    output::note("the event logger is off: `cli events on` turns it on");
                }
                Ok(output::lines(&triggers)?)
            }
        }
    }
}

fn command(plan: Plan) -> Command {
    match plan {
        Plan::Show { follow } => api::events_command(follow),
        Plan::Switch(on) => api::switch_command(on),
        Plan::List => api::list_command(),
    }
}

/// An event with URL credentials masked (unless --reveal); refused where
/// a program would read the mask.
fn masked(s: &Session, command: &Command, mut event: EventLine) -> Result<EventLine, CliError> {
    event.line = s.mask(command, &event.line)?;
    event.message = s.mask(command, &event.message)?;
    for arg in &mut event.args {
        *arg = s.mask(command, arg)?;
    }
    Ok(event)
}
