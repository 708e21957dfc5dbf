//! `enter [APP] [PROCESS] [--container-id ID] -- CMD…`: a command in one
//! of the app's running containers, its output live. Dokku attaches stdin
//! and a terminal only when it runs on a tty itself, which no connection
//! of this tool gives it, so an interactive shell (no command) is refused
//! with the way to get one; what is piped to this command never reaches
//! the container.

use clap::Args;
use dokku::api::run as api;
use dokku::{AppName, Command, ProcessType};

use crate::args;
use crate::error::CliError;
use crate::family::{Context, Family};
use crate::output;
use crate::session::Session;

pub const HELP: &str = "Examples:\n  cli --demo enter api web -- ls /app\n  cli --demo enter api --container-id 1a2b3c -- cat /etc/os-release\n  cli --demo --app api enter worker -- ps aux";

#[derive(Debug, Args)]
pub struct EnterArgs {
    /// The app (default: --app, or the `dokku` git remote; with --app
    /// the one word given is the process type).
    #[arg(value_name = "APP")]
    pub app_word: Option<String>,
    /// The process type whose first container to enter (needed when the
    /// app runs more than one).
    #[arg(value_parser = args::process_type)]
    pub process: Option<ProcessType>,
    /// The container, by the start of its id (`cli ps report` shows them).
    #[arg(long, value_name = "ID", conflicts_with = "process")]
    pub container_id: Option<String>,
    /// The command to run and its arguments, after `--`.
    #[arg(last = true, value_name = "CMD")]
    pub command: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct Plan {
    app: AppName,
    process: Option<ProcessType>,
    container_id: Option<String>,
    command: Vec<String>,
}

impl Family for EnterArgs {
    type Plan = Plan;

    fn plan(self, cx: &mut Context) -> Result<Plan, CliError> {
        let EnterArgs {
            app_word: app,
            process,
            container_id,
            command,
        } = self;
        // With --app the one word given is the process type.
        let (app, process) = match (cx.app_flag(), app, process) {
            (Some(_), Some(word), None) => (cx.app(None)?, Some(args::process_type(&word)?)),
            (_, Some(word), process) => (args::app_name(&word)?, process),
            (_, None, process) => (cx.app(None)?, process),
        };
        if command.iter().all(|word| word.trim().is_empty()) {
            return Err(CliError::refused(
                "an interactive shell needs a terminal, and Dokku attaches one only when it \
                 runs on a tty, which this tool never gives it",
                format!(
                    "give the command after `--`: `cli enter {app} web -- ls /app`; for a shell, \
                     `ssh -t dokku@HOST enter {app}`"
                ),
            ));
        }
        let plan = Plan {
            app,
            process,
            container_id,
            command,
        };
        // The library's rules, checked before anything is sent.
        Self::commands(&plan)?;
        Ok(plan)
    }

    fn commands(plan: &Plan) -> Result<Vec<Command>, CliError> {
        Ok(vec![command(plan)?])
    }

    async fn run(plan: Plan, s: &Session) -> Result<(), CliError> {
        let command = command(&plan)?;
        let shown = dokku::secret::mask_userinfo(&plan.command.join(" ")).into_owned();
        let label = format!("running `{shown}` in a container of {}", plan.app);
        // URL credentials in its output are masked by the stream.
        let lines = s.stream(&command, &label, &mut str::to_owned).await?;
        // For people the output is all: it may be piped on.
        if s.opts.json {
            output::finish(true, "ran", plan.app.as_str(), &command, &lines)?;
        }
        Ok(())
    }
}

fn command(plan: &Plan) -> Result<Command, CliError> {
    Ok(api::enter_command(
        &plan.app,
        plan.process.as_ref(),
        plan.container_id.as_deref(),
        &plan.command,
    )?)
}
