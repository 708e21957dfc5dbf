//! `docker-options:*`: extra `docker` flags per phase. The report is
//! generic (`dokku.report::<DockerOptionsReport>()`).
//!
//! Recorded on 0.38.27: an option is one argument however many words it
//! has (`-v /tmp:/tmp`); phases are a comma-separated list; `--process`
//! only with the deploy phase; removing an absent option succeeds;
//! `docker-options:list <app> --phase P [--process T]` (not in the help,
//! 0.38+) prints one option a line.

use crate::client::Dokku;
use crate::command::Command;
use crate::error::{Error, Result};
use crate::model::docker_options::Phase;
use crate::name::{AppName, ProcessType};
use crate::parse;

fn phases_arg(what: &'static str, phases: &[Phase]) -> Result<String> {
    if phases.is_empty() {
        return Err(Error::InvalidArgument {
            what,
            reason: "no phase given".to_owned(),
        });
    }
    let names: Vec<&str> = phases.iter().map(|p| p.as_str()).collect();
    Ok(names.join(","))
}

fn option_command(
    subcommand: &'static str,
    app: &AppName,
    phases: &[Phase],
    option: &str,
    process: Option<&ProcessType>,
) -> Result<Command> {
    let phases_arg = phases_arg(subcommand, phases)?;
    if process.is_some() && phases != [Phase::Deploy] {
        return Err(Error::InvalidArgument {
            what: subcommand,
            reason: "a process type only goes with the deploy phase alone".to_owned(),
        });
    }
    if option.trim().is_empty() || option.chars().any(char::is_control) {
        return Err(Error::InvalidArgument {
            what: subcommand,
            reason: "the option is empty or holds control characters".to_owned(),
        });
    }
    let mut command = Command::write(subcommand).about_app(app);
    if let Some(process) = process {
        command = command.arg("--process").arg(process);
    }
    Ok(command.arg(app).arg(phases_arg).arg(option))
}

/// `docker-options:add [--process T] <app> <phases> <option>`.
///
/// ```
/// use dokku_core::api::docker_options::add_command;
/// use dokku_core::model::docker_options::Phase;
/// use dokku_core::AppName;
///
/// let app = AppName::new("api")?;
/// let command = add_command(&app, &[Phase::Deploy, Phase::Run], "-v /data:/data", None)?;
/// assert_eq!(command.arguments().len(), 3, "the option is one argument");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// [`Error::InvalidArgument`] for no phase, a process type with another
/// phase than deploy alone, or an empty option.
pub fn add_command(
    app: &AppName,
    phases: &[Phase],
    option: &str,
    process: Option<&ProcessType>,
) -> Result<Command> {
    option_command("docker-options:add", app, phases, option, process)
}

/// `docker-options:remove [--process T] <app> <phases> <option>`.
///
/// # Errors
///
/// As [`add_command`].
pub fn remove_command(
    app: &AppName,
    phases: &[Phase],
    option: &str,
    process: Option<&ProcessType>,
) -> Result<Command> {
    option_command("docker-options:remove", app, phases, option, process)
}

/// `docker-options:clear <app> [<phases>]` (no phases: all of them).
pub fn clear_command(app: &AppName, phases: &[Phase]) -> Command {
    let command = Command::write("docker-options:clear").app_arg(app);
    match phases_arg("docker-options:clear", phases) {
        Ok(list) => command.arg(list),
        Err(_) => command,
    }
}

/// `docker-options:list <app> --phase <phase> [--process <type>]`.
pub fn list_command(app: &AppName, phase: Phase, process: Option<&ProcessType>) -> Command {
    let command = Command::read("docker-options:list")
        .app_arg(app)
        .args(["--phase", phase.as_str()]);
    match process {
        Some(process) => command.arg("--process").arg(process),
        None => command,
    }
}

/// Handler for `docker-options:*`; see [`Dokku::docker_options`].
#[derive(Debug, Clone, Copy)]
pub struct DockerOptions<'a> {
    dokku: &'a Dokku,
}

impl Dokku {
    /// Handler for docker options.
    pub fn docker_options(&self) -> DockerOptions<'_> {
        DockerOptions { dokku: self }
    }
}

impl DockerOptions<'_> {
    /// Add one option (one argument however many words) to these phases;
    /// `process` narrows a deploy option to one process type.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// use dokku_core::model::docker_options::Phase;
    /// let app = dokku_core::AppName::new("api")?;
    /// dokku.docker_options().add(&app, &[Phase::Deploy], "--restart=always", None).await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] (nothing sent), [`Error::AppNotFound`] and
    /// the other command errors.
    pub async fn add(
        self,
        app: &AppName,
        phases: &[Phase],
        option: &str,
        process: Option<&ProcessType>,
    ) -> Result<()> {
        let command = add_command(app, phases, option, process)?;
        self.dokku.run(&command).await.map(drop)
    }

    /// Remove one option (an absent one is not an error).
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// use dokku_core::model::docker_options::Phase;
    /// let app = dokku_core::AppName::new("api")?;
    /// dokku.docker_options().remove(&app, &[Phase::Deploy], "--restart=always", None).await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// As [`DockerOptions::add`].
    pub async fn remove(
        self,
        app: &AppName,
        phases: &[Phase],
        option: &str,
        process: Option<&ProcessType>,
    ) -> Result<()> {
        let command = remove_command(app, phases, option, process)?;
        self.dokku.run(&command).await.map(drop)
    }

    /// Remove every option of these phases (none: of every phase).
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// dokku.docker_options().clear(&dokku_core::AppName::new("api")?, &[]).await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::AppNotFound`] and the other command errors.
    pub async fn clear(self, app: &AppName, phases: &[Phase]) -> Result<()> {
        self.dokku.run(&clear_command(app, phases)).await.map(drop)
    }

    /// The options of one phase (and process type), each as it was added
    /// (Dokku 0.38+).
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// use dokku_core::model::docker_options::Phase;
    /// let app = dokku_core::AppName::new("api")?;
    /// let options = dokku.docker_options().list(&app, Phase::Deploy, None).await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::Unsupported`] before 0.38, [`Error::AppNotFound`] and the
    /// other command errors.
    pub async fn list(
        self,
        app: &AppName,
        phase: Phase,
        process: Option<&ProcessType>,
    ) -> Result<Vec<String>> {
        let output = self.dokku.run(&list_command(app, phase, process)).await?;
        Ok(parse::docker_options::list(&output.stdout_lossy()))
    }
}
