//! `run`, `run:*` and `enter`: one-off containers and commands in running
//! ones.
//!
//! Environment values given with `--env` are secret arguments (the key
//! stays visible), and what a one-off command prints is secret output
//! (`run <app> env` prints the whole environment), by the catalog.
//!
//! `enter` is interactive in Dokku: it attaches stdin to the container
//! only when Dokku itself runs on a terminal (`has_tty`,
//! dokku/dokku `plugins/scheduler-docker-local/scheduler-enter`), which no
//! executor provides. So the SDK runs a given command in a running
//! container and streams its output, and refuses an interactive shell
//! (no command) with a clear error instead of starting one that would exit
//! at once.

use crate::api::lines::{self, LineStream};
use crate::client::Dokku;
use crate::command::{Command, TimeoutClass};
use crate::error::{Error, Result};
use crate::exec::OutputStream;
use crate::model::run::RunContainer;
use crate::name::{AppName, ConfigKey, ProcessType};
use crate::parse::{self, context};
use crate::secret::SecretString;
use crate::version::DokkuVersion;

/// `run:list --format json`.
pub const LIST_JSON: DokkuVersion = DokkuVersion::new(0, 29, 0);

/// A one-off command: `run [--env K=V]… [--no-tty] [--ttl-seconds N] <app>
/// <cmd>…` (or `run:detached`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RunSpec {
    /// The app whose image runs.
    pub app: AppName,
    /// The command and its arguments.
    pub command: Vec<String>,
    /// Extra environment (values secret).
    pub env: Vec<(ConfigKey, SecretString)>,
    /// Stop the container after this many seconds.
    pub ttl_seconds: Option<u32>,
    /// In the background (`run:detached`): Dokku prints the container name.
    pub detached: bool,
}

impl RunSpec {
    /// Run `command` in a new container of `app`.
    pub fn new<I, S>(app: &AppName, command: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Self {
            app: app.clone(),
            command: command.into_iter().map(Into::into).collect(),
            env: Vec::new(),
            ttl_seconds: None,
            detached: false,
        }
    }

    /// Add an environment variable (its value is a secret argument).
    pub fn env(mut self, key: ConfigKey, value: SecretString) -> Self {
        self.env.push((key, value));
        self
    }

    /// Stop the container after `seconds`.
    pub fn ttl_seconds(mut self, seconds: u32) -> Self {
        self.ttl_seconds = Some(seconds);
        self
    }

    /// Run in the background (`run:detached`).
    pub fn detached(mut self) -> Self {
        self.detached = true;
        self
    }

    /// The command this sends.
    ///
    /// ```
    /// use dokku_core::api::run::RunSpec;
    /// use dokku_core::{AppName, ConfigKey, SecretString};
    ///
    /// let spec = RunSpec::new(&AppName::new("api")?, ["rake", "db:migrate"])
    ///     .env(ConfigKey::new("TOKEN")?, SecretString::new("s3cret"));
    /// assert_eq!(
    ///     spec.command()?.to_string(),
    ///     "dokku run --env TOKEN=*** --no-tty api rake db:migrate"
    /// );
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] for an empty command.
    pub fn command(&self) -> Result<Command> {
        if self.command.is_empty() || self.command.iter().all(|c| c.trim().is_empty()) {
            return Err(Error::InvalidArgument {
                what: "run",
                reason: "no command given".to_owned(),
            });
        }
        let mut command = if self.detached {
            Command::write("run:detached")
        } else {
            Command::write("run").long_running()
        }
        .about_app(&self.app);
        for (key, value) in &self.env {
            command = command
                .arg("--env")
                .push(crate::Arg::assignment(key.as_str(), value.expose()));
        }
        if !self.detached {
            command = command.arg("--no-tty");
        }
        if let Some(ttl) = self.ttl_seconds {
            command = command.args(["--ttl-seconds".to_owned(), ttl.to_string()]);
        }
        Ok(command.arg(&self.app).args(&self.command))
    }
}

/// `run:list <app> --format json`.
pub fn list_command(app: &AppName) -> Command {
    Command::read("run:list")
        .app_arg(app)
        .args(["--format", "json"])
        .requires(crate::Requirement::Version(LIST_JSON))
}

/// Which one-off containers `run:logs` and `run:stop` act on.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum RunTarget {
    /// Every one of an app.
    App(AppName),
    /// One container, by name (`<app>.run.<n>`).
    Container(String),
}

fn target_args(command: Command, what: &'static str, target: &RunTarget) -> Result<Command> {
    Ok(match target {
        RunTarget::App(app) => command.app_arg(app),
        RunTarget::Container(name) => {
            command
                .arg("--container")
                .arg(super::word(what, "container name", name)?)
        }
    })
}

/// `run:logs (<app>|--container C) [-t]`.
///
/// # Errors
///
/// [`Error::InvalidArgument`] for a container name that is not one word.
pub fn logs_command(target: &RunTarget, follow: bool) -> Result<Command> {
    let command = target_args(Command::read("run:logs"), "run:logs", target)?;
    Ok(if follow {
        command.arg("-t").timeout(TimeoutClass::Follow)
    } else {
        command
    })
}

/// `run:stop (<app>|--container C)`.
///
/// # Errors
///
/// As [`logs_command`].
pub fn stop_command(target: &RunTarget) -> Result<Command> {
    target_args(Command::write("run:stop"), "run:stop", target)
}

/// `run:retire [<app>]`: stop one-off containers past their TTL.
pub fn retire_command(app: Option<&AppName>) -> Command {
    let command = Command::write("run:retire");
    match app {
        Some(app) => command.app_arg(app),
        None => command,
    }
}

/// `enter <app> [<type>|--container-id <id>] -- <cmd>…`.
///
/// # Errors
///
/// [`Error::InvalidArgument`] without a command (an interactive shell needs
/// a terminal Dokku never gets from an SDK), or for a container id that
/// is not one word.
pub fn enter_command(
    app: &AppName,
    process: Option<&ProcessType>,
    container_id: Option<&str>,
    cmd: &[String],
) -> Result<Command> {
    if cmd.is_empty() || cmd.iter().all(|c| c.trim().is_empty()) {
        return Err(Error::InvalidArgument {
            what: "enter",
            reason: "an interactive shell needs a terminal, which Dokku only attaches \
                     on a tty; give the command to run in the container"
                .to_owned(),
        });
    }
    let mut command = Command::write("enter")
        .app_arg(app)
        .timeout(TimeoutClass::Follow);
    if let Some(id) = container_id {
        command = command
            .arg("--container-id")
            .arg(super::word("enter", "container id", id)?);
    } else if let Some(process) = process {
        command = command.arg(process);
    }
    Ok(command.arg("--").args(cmd))
}

/// Handler for `run`, `run:*` and `enter`; see [`Dokku::one_off`].
#[derive(Debug, Clone, Copy)]
pub struct OneOff<'a> {
    dokku: &'a Dokku,
}

impl Dokku {
    /// Handler for one-off containers (`run`) and `enter`.
    pub fn one_off(&self) -> OneOff<'_> {
        OneOff { dokku: self }
    }
}

impl OneOff<'_> {
    /// Run a one-off command and stream its output (`run`; `--no-tty`).
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// use dokku_core::api::run::RunSpec;
    /// use futures_util::StreamExt;
    /// let spec = RunSpec::new(&dokku_core::AppName::new("api")?, ["rake", "db:migrate"]);
    /// let mut output = dokku.one_off().run(&spec).await?;
    /// while let Some(line) = output.next().await {
    ///     println!("{}", line?);
    /// }
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] (nothing sent) and transport errors; the
    /// command's failure (` !     App image … not found` before a deploy)
    /// is the stream's last item.
    pub async fn run(self, spec: &RunSpec) -> Result<LineStream<String>> {
        let command = spec.clone().command_stream()?;
        let inner = self.dokku.stream(&command).await?;
        Ok(lines::text_lines(command, inner))
    }

    /// Start a one-off command in the background; the container's name
    /// (`<app>.run.<n>`) comes back, without the lines Dokku prints before
    /// it.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// use dokku_core::api::run::RunSpec;
    /// let spec = RunSpec::new(&dokku_core::AppName::new("api")?, ["./worker"]).detached();
    /// let name = dokku.one_off().detached(&spec).await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`], [`Error::AppNotFound`],
    /// [`Error::CommandFailed`], and [`Error::Parse`] when Dokku printed no
    /// name.
    pub async fn detached(self, spec: &RunSpec) -> Result<String> {
        let command = spec.clone().detached().command()?;
        let output = self.dokku.run(&command).await?;
        context(&command, parse::run::detached(&output.stdout_lossy()))
    }

    /// The app's one-off containers (Dokku 0.29+).
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// for c in dokku.one_off().list(&dokku_core::AppName::new("api")?).await? {
    ///     println!("{} {:?}", c.name, c.state);
    /// }
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::AppNotFound`], [`Error::Parse`] and transport errors.
    pub async fn list(self, app: &AppName) -> Result<Vec<RunContainer>> {
        let command = list_command(app);
        let output = self.dokku.run(&command).await?;
        context(&command, parse::run::list(&output.stdout_lossy()))
    }

    /// The one-off containers' logs, followed until the stream is dropped.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// use dokku_core::api::run::RunTarget;
    /// let app = dokku_core::AppName::new("api")?;
    /// let stream = dokku.one_off().logs(&RunTarget::App(app), true).await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] and transport errors.
    pub async fn logs(self, target: &RunTarget, follow: bool) -> Result<LineStream<String>> {
        let command = logs_command(target, follow)?;
        let inner = self.dokku.stream(&command).await?;
        Ok(lines::text_lines(command, inner))
    }

    /// Stop one-off containers; the names of those Dokku stopped. None
    /// is not an error: Dokku says "No run containers exist", or warns
    /// that a named container does not exist, and exits 0 either way, so
    /// an empty list is the only sign that nothing was stopped.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// use dokku_core::api::run::RunTarget;
    /// let stopped = dokku.one_off().stop(&RunTarget::Container("api.run.1234".into())).await?;
    /// if stopped.is_empty() {
    ///     println!("api.run.1234 was not running");
    /// }
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`], [`Error::AppNotFound`] and the other
    /// command errors.
    pub async fn stop(self, target: &RunTarget) -> Result<Vec<String>> {
        let output = self.dokku.run(&stop_command(target)?).await?;
        Ok(parse::run::stopped(&output.stdout_lossy()))
    }

    /// Stop one-off containers past their TTL, of one app or every app
    /// (Dokku 0.37+).
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// dokku.one_off().retire(None).await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// The command errors.
    pub async fn retire(self, app: Option<&AppName>) -> Result<()> {
        self.dokku.run(&retire_command(app)).await.map(drop)
    }

    /// Run a command in a running container of the app (one of
    /// `process`, or the one whose id starts with `container_id`) and
    /// stream its raw output. Its stdin is not attached (Dokku attaches it
    /// only on a tty).
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// use dokku_core::ProcessType;
    /// let app = dokku_core::AppName::new("api")?;
    /// let web = ProcessType::new("web")?;
    /// let stream = dokku.one_off().enter(&app, Some(&web), None, &["ls".into(), "/app".into()]).await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] without a command (an interactive shell
    /// is refused) and transport errors; Dokku's refusal (` !     App …
    /// has not been deployed`) ends the stream with a non-zero exit.
    pub async fn enter(
        self,
        app: &AppName,
        process: Option<&ProcessType>,
        container_id: Option<&str>,
        cmd: &[String],
    ) -> Result<OutputStream> {
        let command = enter_command(app, process, container_id, cmd)?;
        self.dokku.stream(&command).await
    }
}

impl RunSpec {
    fn command_stream(mut self) -> Result<Command> {
        self.detached = false;
        self.command()
    }
}
