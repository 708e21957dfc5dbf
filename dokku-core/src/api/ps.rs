//! `ps:*`: process state, scaling and the start/stop/restart/rebuild cycle.
//!
//! The lifecycle commands (`start`, `stop`, `restart`, `rebuild`,
//! `restore`) share one builder, [`PsAction`], because they share their
//! flags (`--all`, `--parallel`); they are long-running and their output is
//! worth showing live, so the builder can also [`stream`](PsAction::stream).

use crate::api::{Format, Target};
use crate::client::{versions, Dokku};
use crate::command::Command;
use crate::error::{Error, Result};
use crate::exec::OutputStream;
use crate::model::ps::{Formation, PsGlobalReport, PsReport};
use crate::name::{AppName, ProcessType};
use crate::parse::{self, context};

/// `ps:scale <app> [--format json]`: read the formation.
pub fn scale_report_command(app: &AppName, format: Format) -> Command {
    format.apply(
        Command::read("ps:scale").app_arg(app),
        versions::PS_SCALE_JSON,
    )
}

/// `ps:scale [--skip-deploy] <app> <type>=<qty>…`: set the formation.
pub fn scale_command(app: &AppName, formation: &[Formation], skip_deploy: bool) -> Command {
    Command::write("ps:scale")
        .about_app(app)
        .arg_if(skip_deploy, "--skip-deploy")
        .arg(app)
        .args(
            formation
                .iter()
                .map(|f| format!("{}={}", f.process_type, f.quantity)),
        )
}

/// `ps:inspect <app>`.
pub fn inspect_command(app: &AppName) -> Command {
    Command::read("ps:inspect").app_arg(app)
}

/// A lifecycle action on apps' processes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Action {
    /// `ps:start`.
    Start,
    /// `ps:stop`.
    Stop,
    /// `ps:restart`.
    Restart,
    /// `ps:rebuild`.
    Rebuild,
    /// `ps:restore`: start what should run after a reboot.
    Restore,
}

impl Action {
    /// The Dokku subcommand.
    pub fn subcommand(self) -> &'static str {
        match self {
            Action::Start => "ps:start",
            Action::Stop => "ps:stop",
            Action::Restart => "ps:restart",
            Action::Rebuild => "ps:rebuild",
            Action::Restore => "ps:restore",
        }
    }
}

/// `ps:<action> [--parallel N] (--all|<app>) [<process-type>]`.
///
/// A process type is only meaningful for `restart` of one app; anything else
/// is refused here rather than sent (Dokku rejects `--all` with a process type).
///
/// # Errors
///
/// [`Error::InvalidArgument`] for `parallel` below -1, or a process type with
/// anything but a `restart` of one app.
pub fn action_command(
    action: Action,
    target: &Target,
    parallel: Option<i32>,
    process: Option<&ProcessType>,
) -> Result<Command> {
    let mut command = Command::write(action.subcommand());
    if let Some(n) = parallel {
        if n < -1 {
            return Err(Error::InvalidArgument {
                what: action.subcommand(),
                reason: format!("--parallel must be -1 (one per CPU) or more, not {n}"),
            });
        }
        command = command.args(["--parallel".to_owned(), n.to_string()]);
    }
    command = target.apply(command);
    match (process, action, target) {
        (None, _, _) => Ok(command),
        (Some(p), Action::Restart, Target::App(_)) => Ok(command.arg(p)),
        (Some(_), _, _) => Err(Error::InvalidArgument {
            what: action.subcommand(),
            reason: "a process type can only be given to restart, for one app".to_owned(),
        }),
    }
}

/// Handler for `ps:*`; see [`Dokku::ps`].
#[derive(Debug, Clone, Copy)]
pub struct Ps<'a> {
    pub(crate) dokku: &'a Dokku,
}

impl<'a> Ps<'a> {
    /// `ps:report` for one app (JSON where the host has it).
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// let report = dokku.ps().report(&dokku_core::AppName::new("api")?).await?;
    /// for container in &report.containers {
    ///     println!("{}.{}: {}", container.process_type, container.index, container.state);
    /// }
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::AppNotFound`], [`Error::Parse`] and transport errors.
    pub async fn report(self, app: &AppName) -> Result<PsReport> {
        self.dokku.report::<PsReport>().app(app).await
    }

    /// `ps:report` for every app, in one invocation.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// let deployed = dokku.ps().report_all().await?.iter().filter(|r| r.deployed).count();
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::Parse`] and transport errors.
    pub async fn report_all(self) -> Result<Vec<PsReport>> {
        self.dokku.report::<PsReport>().all().await
    }

    /// The global process settings (`ps:report --global`, Dokku 0.38+).
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// let global = dokku.ps().report_global().await?;
    /// println!("{:?}", global.restart_policy.effective());
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::Unsupported`] before 0.38, [`Error::Parse`] and transport
    /// errors.
    pub async fn report_global(self) -> Result<PsGlobalReport> {
        self.dokku.report::<PsGlobalReport>().global().await
    }

    /// The app's formation: how many containers of each process type.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// for formation in dokku.ps().scale_report(&dokku_core::AppName::new("api")?).await? {
    ///     println!("{}: {}", formation.process_type, formation.quantity);
    /// }
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::AppNotFound`], [`Error::Parse`] for output it cannot read,
    /// [`Error::CommandFailed`] and [`Error::Transport`] (also from the first
    /// call's probe of the host's version).
    pub async fn scale_report(self, app: &AppName) -> Result<Vec<Formation>> {
        let caps = self.dokku.capabilities().await?;
        let format = Format::for_host(&caps, versions::PS_SCALE_JSON);
        let command = scale_report_command(app, format);
        let output = self.dokku.run(&command).await?;
        let stdout = output.stdout_lossy();
        context(
            &command,
            match format {
                Format::Json => parse::ps::scale_json(&stdout),
                Format::Text => parse::ps::scale_text(&stdout),
            },
        )
    }

    /// Set the formation; the app is redeployed unless
    /// [`Scale::skip_deploy`].
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// use dokku_core::{AppName, ProcessType};
    /// let scale = dokku.ps().scale(&AppName::new("api")?);
    /// scale.process(ProcessType::web(), 2).process(ProcessType::new("worker")?, 1).send().await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// None here: nothing is sent until [`Scale::send`] or [`Scale::stream`], which
    /// return them.
    pub fn scale(self, app: &AppName) -> Scale<'a> {
        Scale {
            dokku: self.dokku,
            app: app.clone(),
            formation: Vec::new(),
            skip_deploy: false,
        }
    }

    /// `ps:start`.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// let app = dokku_core::AppName::new("api")?;
    /// dokku.ps().start(&app).send().await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// None here: nothing is sent until [`PsAction::send`] or [`PsAction::stream`],
    /// which return them.
    pub fn start(self, target: impl Into<Target>) -> PsAction<'a> {
        self.action(Action::Start, target.into())
    }

    /// `ps:stop`.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// use dokku_core::api::Target;
    /// dokku.ps().stop(Target::All).parallel(4).send().await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// None here: nothing is sent until [`PsAction::send`] or [`PsAction::stream`],
    /// which return them.
    pub fn stop(self, target: impl Into<Target>) -> PsAction<'a> {
        self.action(Action::Stop, target.into())
    }

    /// `ps:restart`; see [`PsAction::process`] to restart one process type.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// let app = dokku_core::AppName::new("api")?;
    /// dokku.ps().restart(&app).process(dokku_core::ProcessType::web()).send().await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// None here: nothing is sent until [`PsAction::send`] or [`PsAction::stream`],
    /// which return them.
    pub fn restart(self, target: impl Into<Target>) -> PsAction<'a> {
        self.action(Action::Restart, target.into())
    }

    /// `ps:rebuild`.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// let app = dokku_core::AppName::new("api")?;
    /// dokku.ps().rebuild(&app).send().await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// None here: nothing is sent until [`PsAction::send`] or [`PsAction::stream`],
    /// which return them.
    pub fn rebuild(self, target: impl Into<Target>) -> PsAction<'a> {
        self.action(Action::Rebuild, target.into())
    }

    /// `ps:restore`.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// dokku.ps().restore(dokku_core::api::Target::All).send().await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// None here: nothing is sent until [`PsAction::send`] or [`PsAction::stream`],
    /// which return them.
    pub fn restore(self, target: impl Into<Target>) -> PsAction<'a> {
        self.action(Action::Restore, target.into())
    }

    fn action(self, action: Action, target: Target) -> PsAction<'a> {
        PsAction {
            dokku: self.dokku,
            action,
            target,
            parallel: None,
            process: None,
        }
    }

    /// `ps:inspect`: `docker inspect` of every container, as JSON values
    /// (Dokku masks most environment values as `XXXXXX`).
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// let containers = dokku.ps().inspect(&dokku_core::AppName::new("api")?).await?;
    /// println!("{} containers", containers.len());
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::AppNotFound`], [`Error::CommandFailed`] when the app has no
    /// containers (docker's `No such container`, exit 1), [`Error::Parse`] when the
    /// output is not a JSON array, and [`Error::Transport`].
    pub async fn inspect(self, app: &AppName) -> Result<Vec<serde_json::Value>> {
        let command = inspect_command(app);
        let output = self.dokku.run(&command).await?;
        context(
            &command,
            serde_json::from_slice(&output.stdout).map_err(|e| {
                parse::ParseError::new("ps:inspect", format!("not a JSON array: {e}"))
            }),
        )
    }
}

/// Builder for `ps:scale` with a new formation; finish with [`Scale::send`].
#[derive(Debug)]
#[must_use = "nothing is sent until .send() is awaited"]
pub struct Scale<'a> {
    dokku: &'a Dokku,
    app: AppName,
    formation: Vec<Formation>,
    skip_deploy: bool,
}

impl Scale<'_> {
    /// Run `quantity` containers of `process_type`.
    pub fn process(mut self, process_type: ProcessType, quantity: u32) -> Self {
        self.formation.push(Formation {
            process_type,
            quantity,
        });
        self
    }

    /// Record the formation without deploying it.
    pub fn skip_deploy(mut self) -> Self {
        self.skip_deploy = true;
        self
    }

    /// The command this builder would send; refuses an empty formation.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// use dokku_core::{AppName, ProcessType};
    /// let scale = dokku.ps().scale(&AppName::new("api")?).process(ProcessType::web(), 2);
    /// println!("would run: {}", scale.command()?);
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] for an empty formation.
    pub fn command(&self) -> Result<Command> {
        if self.formation.is_empty() {
            return Err(Error::InvalidArgument {
                what: "ps:scale",
                reason: "no process type given; use .process(type, quantity)".to_owned(),
            });
        }
        Ok(scale_command(&self.app, &self.formation, self.skip_deploy))
    }

    /// Scale and wait for the deploy to finish.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// use dokku_core::{AppName, ProcessType};
    /// let scale = dokku.ps().scale(&AppName::new("api")?).process(ProcessType::web(), 3);
    /// scale.send().await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] for an empty formation (nothing is sent),
    /// [`Error::AppNotFound`], [`Error::CommandFailed`] (Dokku refusing the
    /// formation, or a failed deploy) and [`Error::Transport`].
    pub async fn send(self) -> Result<()> {
        self.dokku.run(&self.command()?).await.map(drop)
    }

    /// Scale, streaming Dokku's deploy output.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// use dokku_core::{AppName, ProcessType};
    /// use futures_util::StreamExt;
    /// let scale = dokku.ps().scale(&AppName::new("api")?).process(ProcessType::web(), 3);
    /// let mut output = scale.stream().await?;
    /// while let Some(chunk) = output.next().await {
    ///     println!("{:?}", chunk?);
    /// }
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] for an empty formation (nothing is sent), and
    /// [`Error::Transport`] when the command cannot be started. Dokku's verdict is
    /// the stream's last item, [`Chunk::Exit`](crate::Chunk::Exit), not an error.
    pub async fn stream(self) -> Result<OutputStream> {
        self.dokku.stream(&self.command()?).await
    }
}

/// What a lifecycle command said besides its output.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ActionOutcome {
    /// Apps Dokku skipped because they were never deployed (`App <app> has
    /// not been deployed`, a warning with exit 0).
    pub not_deployed: Vec<AppName>,
}

/// Builder for the lifecycle commands; finish with [`PsAction::send`] or
/// [`PsAction::stream`].
#[derive(Debug)]
#[must_use = "nothing is sent until .send() or .stream() is awaited"]
pub struct PsAction<'a> {
    dokku: &'a Dokku,
    action: Action,
    target: Target,
    parallel: Option<i32>,
    process: Option<ProcessType>,
}

impl PsAction<'_> {
    /// Run over apps `n` at a time (`-1`: one per CPU). Only meaningful
    /// with [`Target::All`].
    pub fn parallel(mut self, n: i32) -> Self {
        self.parallel = Some(n);
        self
    }

    /// Only this process type (restart of one app only).
    pub fn process(mut self, process_type: ProcessType) -> Self {
        self.process = Some(process_type);
        self
    }

    /// The command this builder would send.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// let restart = dokku.ps().restart(dokku_core::api::Target::All).parallel(2);
    /// println!("would run: {}", restart.command()?);
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// As [`action_command`]: [`Error::InvalidArgument`] for `parallel` below -1,
    /// or a process type with anything but a `restart` of one app.
    pub fn command(&self) -> Result<Command> {
        action_command(
            self.action,
            &self.target,
            self.parallel,
            self.process.as_ref(),
        )
    }

    /// Run and wait for it to finish. Dokku answers `ps:start`/`stop`/
    /// `restart` of an app that was never deployed with a warning and exit
    /// 0; such apps are listed in [`ActionOutcome::not_deployed`].
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// let outcome = dokku.ps().restart(&dokku_core::AppName::new("api")?).send().await?;
    /// for app in &outcome.not_deployed {
    ///     println!("{app} was never deployed: nothing to restart");
    /// }
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] for a process type with anything but a
    /// one-app restart, [`Error::AppNotFound`] and the other command errors.
    pub async fn send(self) -> Result<ActionOutcome> {
        let output = self.dokku.run(&self.command()?).await?;
        Ok(ActionOutcome {
            not_deployed: parse::ps::not_deployed(&output.stderr_lossy()),
        })
    }

    /// Run, streaming Dokku's output as it comes.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// use futures_util::StreamExt;
    /// let mut output = dokku.ps().rebuild(&dokku_core::AppName::new("api")?).stream().await?;
    /// while let Some(chunk) = output.next().await {
    ///     println!("{:?}", chunk?);
    /// }
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// The errors of [`PsAction::command`] (nothing is sent), and
    /// [`Error::Transport`] when the command cannot be started. Dokku's verdict is
    /// the stream's last item, [`Chunk::Exit`](crate::Chunk::Exit), not an error.
    pub async fn stream(self) -> Result<OutputStream> {
        self.dokku.stream(&self.command()?).await
    }
}
