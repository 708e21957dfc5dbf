//! `builds:*` (Dokku 0.38+): running and past builds of an app. The
//! `retention` property and the report are generic.
//!
//! Recorded on 0.38.27: records with a dead process show as `abandoned`
//! (text `Status`, JSON `display_status`) while their stored `status`
//! stays `running`; `builds:output` and `builds:cancel` with nothing
//! running print `-----> App not currently deploying`, exit 0.

use crate::api::lines::{self, LineStream};
use crate::client::Dokku;
use crate::command::{Command, Requirement};
use crate::error::{Error, Result};
use crate::model::builds::{BuildRecord, BuildsReport};
use crate::name::AppName;
use crate::parse::{self, context};
use crate::version::DokkuVersion;

/// The `builds` plugin's first release.
pub const BUILDS: DokkuVersion = DokkuVersion::new(0, 38, 0);

/// Which builds `builds:list` shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct BuildFilter {
    /// `build` or `deploy` (`--kind`).
    pub kind: Option<String>,
    /// `running`, `succeeded`, `failed`, `canceled` or `abandoned` (`--status`).
    pub status: Option<String>,
}

impl BuildFilter {
    /// Only builds of this kind (`build`, `deploy`).
    pub fn kind(mut self, kind: &str) -> Self {
        self.kind = Some(kind.to_owned());
        self
    }

    /// Only builds with this (displayed) status.
    pub fn status(mut self, status: &str) -> Self {
        self.status = Some(status.to_owned());
        self
    }
}

/// `builds:list [<app>] --format json [--kind K] [--status S]`: one app's
/// builds, or (no app) the running builds of every app.
///
/// # Errors
///
/// [`Error::InvalidArgument`] for a kind or status Dokku does not know.
pub fn list_command(app: Option<&AppName>, filter: &BuildFilter) -> Result<Command> {
    let mut command = Command::read("builds:list");
    if let Some(app) = app {
        command = command.app_arg(app);
    }
    command = command.args(["--format", "json"]);
    let check = |value: &str, allowed: &[&str], flag: &str| -> Result<()> {
        if allowed.contains(&value) {
            Ok(())
        } else {
            Err(Error::InvalidArgument {
                what: "builds:list",
                reason: format!("{flag} must be one of: {}", allowed.join(", ")),
            })
        }
    };
    if let Some(kind) = &filter.kind {
        check(kind, &["build", "deploy"], "--kind")?;
        command = command.args(["--kind", kind]);
    }
    if let Some(status) = &filter.status {
        let allowed = ["running", "succeeded", "failed", "canceled", "abandoned"];
        check(status, &allowed, "--status")?;
        command = command.args(["--status", status]);
    }
    Ok(command.requires(Requirement::Version(BUILDS)))
}

/// `builds:info <app> <id> --format json`.
///
/// # Errors
///
/// [`Error::InvalidArgument`] for an id that is not one word.
pub fn info_command(app: &AppName, id: &str) -> Result<Command> {
    let id = super::word("builds:info", "build id", id)?;
    Ok(Command::read("builds:info")
        .app_arg(app)
        .arg(id)
        .args(["--format", "json"]))
}

/// `builds:output <app> [<id>|current]`.
///
/// # Errors
///
/// [`Error::InvalidArgument`] for an id that is not one word.
pub fn output_command(app: &AppName, id: Option<&str>) -> Result<Command> {
    let mut command = Command::read("builds:output").app_arg(app);
    if let Some(id) = id {
        command = command.arg(super::word("builds:output", "build id", id)?);
    }
    Ok(command)
}

/// `builds:cancel <app>`.
pub fn cancel_command(app: &AppName) -> Command {
    Command::write("builds:cancel").app_arg(app)
}

/// `builds:prune (<app>|--all-apps)`.
pub fn prune_command(app: Option<&AppName>) -> Command {
    let command = Command::write("builds:prune");
    match app {
        Some(app) => command.app_arg(app),
        None => command.arg("--all-apps"),
    }
}

/// Handler for `builds:*`; see [`Dokku::builds`].
#[derive(Debug, Clone, Copy)]
pub struct Builds<'a> {
    dokku: &'a Dokku,
}

impl Dokku {
    /// Handler for builds (Dokku 0.38+).
    pub fn builds(&self) -> Builds<'_> {
        Builds { dokku: self }
    }
}

impl Builds<'_> {
    /// Dokku's last build of an app, whoever started it (a `git push`
    /// included), from `builds:report <app>`: `None` for an app never
    /// built, or on a host before 0.38, which records no builds (its
    /// `builds:report` is not asked for).
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// let app = dokku_core::AppName::new("api")?;
    /// if let Some(last) = dokku.builds().last(&app).await? {
    ///     println!("{:?} {:?}", last.build_status, last.build_source);
    /// }
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::AppNotFound`], [`Error::Parse`] and transport errors.
    pub async fn last(self, app: &AppName) -> Result<Option<BuildsReport>> {
        if self.dokku.capabilities().await?.version < BUILDS {
            return Ok(None);
        }
        let report = self.dokku.report::<BuildsReport>().app(app).await?;
        Ok(report.build_id.is_some().then_some(report))
    }

    /// An app's builds, running first, then newest first (capped at the
    /// retention unless filtered).
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// use dokku_core::api::builds::BuildFilter;
    /// let app = dokku_core::AppName::new("api")?;
    /// for build in dokku.builds().list(&app, &BuildFilter::default().kind("deploy")).await? {
    ///     println!("{} {:?} {}", build.id, build.display_status, build.source);
    /// }
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] for an unknown kind or status,
    /// [`Error::Unsupported`] before 0.38, [`Error::AppNotFound`],
    /// [`Error::Parse`] and transport errors.
    pub async fn list(self, app: &AppName, filter: &BuildFilter) -> Result<Vec<BuildRecord>> {
        self.fetch(Some(app), filter).await
    }

    /// The builds running now, on every app.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// let running = dokku.builds().running().await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// As [`Builds::list`].
    pub async fn running(self) -> Result<Vec<BuildRecord>> {
        self.fetch(None, &BuildFilter::default()).await
    }

    async fn fetch(self, app: Option<&AppName>, filter: &BuildFilter) -> Result<Vec<BuildRecord>> {
        let command = list_command(app, filter)?;
        let output = self.dokku.run(&command).await?;
        context(&command, parse::builds::list(&output.stdout_lossy()))
    }

    /// One build record.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// let app = dokku_core::AppName::new("api")?;
    /// let build = dokku.builds().info(&app, "mx7exqmjqicslv").await?;
    /// println!("{:?}", build.exit_code);
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] (`No build record found`) for an unknown id,
    /// and the errors of [`Builds::list`].
    pub async fn info(self, app: &AppName, id: &str) -> Result<BuildRecord> {
        let command = info_command(app, id)?;
        let output = self.dokku.run(&command).await?;
        context(&command, parse::builds::info(&output.stdout_lossy()))
    }

    /// A build's output, line by line, as it is written (`None`: the
    /// current build). Without a running build Dokku prints `App not
    /// currently deploying` and ends.
    ///
    /// A finished build's output is its log (`cat`) and the stream ends
    /// with it. A running build's is followed with `tail -n 1000 -f`
    /// (`plugins/builds/subcommands.go`), which does not end when the
    /// build does: drop the stream to stop, for instance once
    /// [`Builds::info`] says the build is no longer running.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// use futures_util::StreamExt;
    /// let mut lines = dokku.builds().output(&dokku_core::AppName::new("api")?, None).await?;
    /// while let Some(line) = lines.next().await {
    ///     println!("{}", line?);
    /// }
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] and transport errors; a failure at the
    /// end is the stream's last item.
    pub async fn output(self, app: &AppName, id: Option<&str>) -> Result<LineStream<String>> {
        let command = output_command(app, id)?;
        let inner = self.dokku.stream(&command).await?;
        Ok(lines::text_lines(command, inner))
    }

    /// Cancel the app's running build (nothing when none runs).
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// dokku.builds().cancel(&dokku_core::AppName::new("api")?).await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::AppNotFound`] and the other command errors.
    pub async fn cancel(self, app: &AppName) -> Result<()> {
        self.dokku.run(&cancel_command(app)).await.map(drop)
    }

    /// Drop build records beyond the retention, for one app or (`None`)
    /// every app.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// dokku.builds().prune(None).await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::AppNotFound`] and the other command errors.
    pub async fn prune(self, app: Option<&AppName>) -> Result<()> {
        self.dokku.run(&prune_command(app)).await.map(drop)
    }
}
