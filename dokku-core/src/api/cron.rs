//! `cron:*`: the app.json cron tasks. `maintenance`, `mailto` and
//! `mailfrom` are properties; the report is generic.
//!
//! Recorded on 0.38.27 (only without tasks): `cron:list` text is the
//! columnize header, JSON `[]`; unknown ids fail with exit 1.

use crate::api::Format;
use crate::client::Dokku;
use crate::command::Command;
use crate::error::Result;
use crate::model::cron::CronTask;
use crate::name::AppName;
use crate::parse::{self, context};
use crate::version::DokkuVersion;

/// `cron:list --format json`.
pub const LIST_JSON: DokkuVersion = DokkuVersion::new(0, 36, 11);

/// Whose tasks to list.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CronScope {
    /// One app's.
    App(AppName),
    /// The global tasks (`--global`).
    Global,
}

impl From<&AppName> for CronScope {
    fn from(app: &AppName) -> Self {
        CronScope::App(app.clone())
    }
}

/// `cron:list (<app>|--global) [--format json]`.
pub fn list_command(scope: &CronScope, format: Format) -> Command {
    let command = match scope {
        CronScope::App(app) => Command::read("cron:list").app_arg(app),
        CronScope::Global => Command::read("cron:list").arg("--global"),
    };
    format.apply(command, LIST_JSON)
}

/// `cron:suspend <app> <id>` (or `resume`).
///
/// # Errors
///
/// [`Error::InvalidArgument`](crate::Error::InvalidArgument) for an id that
/// is not one word.
pub fn suspend_command(app: &AppName, id: &str, suspend: bool) -> Result<Command> {
    let sub = if suspend {
        "cron:suspend"
    } else {
        "cron:resume"
    };
    let id = super::word(sub, "task id", id)?;
    Ok(Command::write(sub).app_arg(app).arg(id))
}

/// `cron:run <app> <id> [--detach]`.
///
/// # Errors
///
/// As [`suspend_command`].
pub fn run_command(app: &AppName, id: &str, detach: bool) -> Result<Command> {
    let id = super::word("cron:run", "task id", id)?;
    Ok(Command::write("cron:run")
        .app_arg(app)
        .arg(id)
        .arg_if(detach, "--detach"))
}

/// Handler for `cron:*`; see [`Dokku::cron`].
#[derive(Debug, Clone, Copy)]
pub struct Cron<'a> {
    dokku: &'a Dokku,
}

impl Dokku {
    /// Handler for cron tasks.
    pub fn cron(&self) -> Cron<'_> {
        Cron { dokku: self }
    }
}

impl Cron<'_> {
    /// The tasks of an app (or the global ones): JSON where the host has
    /// it, the text table before.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// let app = dokku_core::AppName::new("api")?;
    /// for task in dokku.cron().list(&app).await? {
    ///     println!("{} {} {}", task.id, task.schedule, task.command);
    /// }
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::AppNotFound`](crate::Error::AppNotFound),
    /// [`Error::Parse`](crate::Error::Parse) and transport errors.
    pub async fn list(self, scope: impl Into<CronScope>) -> Result<Vec<CronTask>> {
        let caps = self.dokku.capabilities().await?;
        let command = list_command(&scope.into(), Format::for_host(&caps, LIST_JSON));
        let output = self.dokku.run(&command).await?;
        context(&command, parse::cron::list(&output.stdout_lossy()))
    }

    /// Suspend one task (Dokku 0.37+).
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// dokku.cron().suspend(&dokku_core::AppName::new("api")?, "5cruzl1b9iwsfyoe").await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::CommandFailed`](crate::Error::CommandFailed) for an unknown
    /// id, and the other command errors.
    pub async fn suspend(self, app: &AppName, id: &str) -> Result<()> {
        self.dokku
            .run(&suspend_command(app, id, true)?)
            .await
            .map(drop)
    }

    /// Resume a suspended task (Dokku 0.37+).
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// dokku.cron().resume(&dokku_core::AppName::new("api")?, "5cruzl1b9iwsfyoe").await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// As [`Cron::suspend`].
    pub async fn resume(self, app: &AppName, id: &str) -> Result<()> {
        self.dokku
            .run(&suspend_command(app, id, false)?)
            .await
            .map(drop)
    }

    /// Run a task now (`detach`: in the background), returning its output.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// let out = dokku.cron().run(&dokku_core::AppName::new("api")?, "5cruzl1b9iwsfyoe", false).await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// As [`Cron::suspend`].
    pub async fn run(self, app: &AppName, id: &str, detach: bool) -> Result<String> {
        let output = self.dokku.run(&run_command(app, id, detach)?).await?;
        Ok(output.stdout_lossy().into_owned())
    }
}
