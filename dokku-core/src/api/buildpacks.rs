//! `buildpacks:*`: an app's buildpack list. The `stack` property is set
//! with `dokku.properties(&plugins::BUILDPACKS)` (`buildpacks:set-property`)
//! and the report is generic (`dokku.report::<BuildpacksReport>()`).
//!
//! Recorded on 0.38.27: `add`/`set` print nothing; `add` appends (or
//! inserts at `--index`, 1-based) and keeps duplicates; `set` replaces
//! the buildpack at `--index` (1 by default; an index past the end
//! appends); `set --replace` replaces the whole list; `remove` of an
//! absent buildpack is ` !     Value not found`, exit 1.

use crate::client::Dokku;
use crate::command::Command;
use crate::error::{Error, Result};
use crate::name::AppName;
use crate::parse;

/// `buildpacks:list <app>`.
pub fn list_command(app: &AppName) -> Command {
    Command::read("buildpacks:list").app_arg(app)
}

/// `buildpacks:add [--index N] <app> <buildpack>`.
///
/// # Errors
///
/// [`Error::InvalidArgument`] for a buildpack that is not one word or an
/// index of 0.
pub fn add_command(app: &AppName, buildpack: &str, index: Option<u32>) -> Result<Command> {
    positioned("buildpacks:add", app, &[buildpack], index, false)
}

/// `buildpacks:set [--index N] <app> <buildpack>`.
///
/// # Errors
///
/// As [`add_command`].
pub fn set_command(app: &AppName, buildpack: &str, index: Option<u32>) -> Result<Command> {
    positioned("buildpacks:set", app, &[buildpack], index, false)
}

/// `buildpacks:set --replace <app> <buildpack>…`: the whole list.
///
/// # Errors
///
/// [`Error::InvalidArgument`] for an empty list (use `buildpacks:clear`)
/// or a buildpack that is not one word.
pub fn replace_command(app: &AppName, buildpacks: &[&str]) -> Result<Command> {
    if buildpacks.is_empty() {
        return Err(Error::InvalidArgument {
            what: "buildpacks:set",
            reason: "no buildpacks given; clear the list instead".to_owned(),
        });
    }
    positioned("buildpacks:set", app, buildpacks, None, true)
}

fn positioned(
    subcommand: &'static str,
    app: &AppName,
    buildpacks: &[&str],
    index: Option<u32>,
    replace: bool,
) -> Result<Command> {
    let mut command = Command::write(subcommand).about_app(app);
    if let Some(index) = index {
        if index == 0 {
            return Err(Error::InvalidArgument {
                what: subcommand,
                reason: "buildpack positions start at 1".to_owned(),
            });
        }
        command = command.args(["--index".to_owned(), index.to_string()]);
    }
    command = command.arg_if(replace, "--replace").arg(app);
    for buildpack in buildpacks {
        command = command.arg(super::word(subcommand, "buildpack", buildpack)?);
    }
    Ok(command)
}

/// `buildpacks:remove <app> <buildpack>`.
///
/// # Errors
///
/// [`Error::InvalidArgument`] for a buildpack that is not one word.
pub fn remove_command(app: &AppName, buildpack: &str) -> Result<Command> {
    let buildpack = super::word("buildpacks:remove", "buildpack", buildpack)?;
    Ok(Command::write("buildpacks:remove")
        .app_arg(app)
        .arg(buildpack))
}

/// `buildpacks:clear <app>`.
pub fn clear_command(app: &AppName) -> Command {
    Command::write("buildpacks:clear").app_arg(app)
}

/// Handler for `buildpacks:*`; see [`Dokku::buildpacks`].
#[derive(Debug, Clone, Copy)]
pub struct Buildpacks<'a> {
    dokku: &'a Dokku,
}

impl Dokku {
    /// Handler for an app's buildpack list.
    pub fn buildpacks(&self) -> Buildpacks<'_> {
        Buildpacks { dokku: self }
    }
}

impl Buildpacks<'_> {
    /// The app's buildpacks, in order (full URLs: Dokku expands
    /// `heroku/ruby`).
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// for url in dokku.buildpacks().list(&dokku_core::AppName::new("api")?).await? {
    ///     println!("{url}");
    /// }
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::AppNotFound`] and transport errors.
    pub async fn list(self, app: &AppName) -> Result<Vec<String>> {
        let output = self.dokku.run(&list_command(app)).await?;
        Ok(parse::buildpacks::list(&output.stdout_lossy()))
    }

    /// Append a buildpack, or insert it at `index` (1-based).
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// let app = dokku_core::AppName::new("api")?;
    /// dokku.buildpacks().add(&app, "heroku/nodejs", Some(1)).await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] (nothing sent), [`Error::AppNotFound`] and
    /// the other command errors.
    pub async fn add(self, app: &AppName, buildpack: &str, index: Option<u32>) -> Result<()> {
        self.dokku
            .run(&add_command(app, buildpack, index)?)
            .await
            .map(drop)
    }

    /// Put a buildpack at `index` (1 by default), replacing the one there.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// let app = dokku_core::AppName::new("api")?;
    /// dokku.buildpacks().set(&app, "heroku/go", None).await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// As [`Buildpacks::add`].
    pub async fn set(self, app: &AppName, buildpack: &str, index: Option<u32>) -> Result<()> {
        self.dokku
            .run(&set_command(app, buildpack, index)?)
            .await
            .map(drop)
    }

    /// Replace the whole list.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// let app = dokku_core::AppName::new("api")?;
    /// dokku.buildpacks().replace(&app, &["heroku/nodejs", "heroku/ruby"]).await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// As [`Buildpacks::add`].
    pub async fn replace(self, app: &AppName, buildpacks: &[&str]) -> Result<()> {
        let command = replace_command(app, buildpacks)?;
        self.dokku.run(&command).await.map(drop)
    }

    /// Remove a buildpack (its URL or short form).
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// let app = dokku_core::AppName::new("api")?;
    /// dokku.buildpacks().remove(&app, "heroku/ruby").await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::CommandFailed`] (`Value not found`) for one the app does
    /// not have, and the errors of [`Buildpacks::add`].
    pub async fn remove(self, app: &AppName, buildpack: &str) -> Result<()> {
        let command = remove_command(app, buildpack)?;
        self.dokku.run(&command).await.map(drop)
    }

    /// Remove every buildpack (builds detect them again).
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// dokku.buildpacks().clear(&dokku_core::AppName::new("api")?).await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::AppNotFound`] and the other command errors.
    pub async fn clear(self, app: &AppName) -> Result<()> {
        self.dokku.run(&clear_command(app)).await.map(drop)
    }
}
