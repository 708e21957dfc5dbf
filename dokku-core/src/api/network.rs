//! `network:*`: Docker networks and an app's attachment to them. The
//! properties and the report are generic.
//!
//! `network:destroy` asks for the network's name on stdin unless `--force`
//! (recorded: without a tty it fails with ` !     EOF`), so the SDK sends
//! `--force` and asks the caller for the name again instead, as
//! `apps:destroy` does. `network:exists` answers with its exit code (1:
//! `Network does not exist`).

use crate::api::Format;
use crate::client::Dokku;
use crate::command::Command;
use crate::error::{Error, Result};
use crate::model::network::Network;
use crate::name::AppName;
use crate::parse::{self, context};
use crate::version::DokkuVersion;

/// `network:list --format json` and `network:info --format json`.
pub const JSON: DokkuVersion = DokkuVersion::new(0, 35, 3);

fn network_word<'v>(what: &'static str, name: &'v str) -> Result<&'v str> {
    super::word(what, "network name", name)
}

/// `network:list [--format json]`.
pub fn list_command(format: Format) -> Command {
    format.apply(Command::read("network:list"), JSON)
}

/// `network:exists <network>`.
///
/// # Errors
///
/// [`Error::InvalidArgument`] for a name that is not one word.
pub fn exists_command(name: &str) -> Result<Command> {
    Ok(Command::read("network:exists").arg(network_word("network:exists", name)?))
}

/// `network:info <network> [--format json]`.
///
/// # Errors
///
/// As [`exists_command`].
pub fn info_command(name: &str, format: Format) -> Result<Command> {
    let command = Command::read("network:info").arg(network_word("network:info", name)?);
    Ok(format.apply(command, JSON))
}

/// `network:create <network>`.
///
/// # Errors
///
/// As [`exists_command`].
pub fn create_command(name: &str) -> Result<Command> {
    Ok(Command::write("network:create").arg(network_word("network:create", name)?))
}

/// `network:destroy <network> --force`.
///
/// # Errors
///
/// As [`exists_command`].
pub fn destroy_command(name: &str) -> Result<Command> {
    Ok(Command::write("network:destroy")
        .arg(network_word("network:destroy", name)?)
        .arg("--force"))
}

/// `network:rebuild <app>`.
pub fn rebuild_command(app: &AppName) -> Command {
    Command::write("network:rebuild")
        .app_arg(app)
        .long_running()
}

/// `network:rebuildall`.
pub fn rebuild_all_command() -> Command {
    Command::write("network:rebuildall").long_running()
}

/// Handler for `network:*`; see [`Dokku::networks`].
#[derive(Debug, Clone, Copy)]
pub struct Networks<'a> {
    dokku: &'a Dokku,
}

impl Dokku {
    /// Handler for Docker networks.
    pub fn networks(&self) -> Networks<'_> {
        Networks { dokku: self }
    }
}

impl Networks<'_> {
    /// Every Docker network (JSON from 0.35.3; before, names only).
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// for network in dokku.networks().list().await? {
    ///     println!("{} ({})", network.name, network.driver);
    /// }
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::Parse`] and the command errors.
    pub async fn list(self) -> Result<Vec<Network>> {
        let caps = self.dokku.capabilities().await?;
        let format = Format::for_host(&caps, JSON);
        let command = list_command(format);
        let output = self.dokku.run(&command).await?;
        let stdout = output.stdout_lossy();
        match format {
            Format::Json => context(&command, parse::network::list_json(&stdout)),
            Format::Text => Ok(parse::network::list_text(&stdout)
                .into_iter()
                .map(|name| Network {
                    name,
                    ..Network::default()
                })
                .collect()),
        }
    }

    /// Whether a network exists.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// if !dokku.networks().exists("backend").await? {
    ///     dokku.networks().create("backend").await?;
    /// }
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] and the command errors.
    pub async fn exists(self, name: &str) -> Result<bool> {
        let command = exists_command(name)?;
        let output = self.dokku.execute(&command).await?;
        let missing = output.status.as_code() == Some(1)
            && output.stderr_lossy().contains("Network does not exist");
        if missing {
            return Ok(false);
        }
        parse::expect_success(&command, output).map(|_| true)
    }

    /// One network.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// let bridge = dokku.networks().info("bridge").await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::CommandFailed`] (`Network does not exist`), [`Error::Parse`]
    /// and the command errors.
    pub async fn info(self, name: &str) -> Result<Network> {
        let caps = self.dokku.capabilities().await?;
        let command = info_command(name, Format::for_host(&caps, JSON))?;
        let output = self.dokku.run(&command).await?;
        context(&command, parse::network::info(&output.stdout_lossy()))
    }

    /// Create an attachable network.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// dokku.networks().create("backend").await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] and the command errors.
    pub async fn create(self, name: &str) -> Result<()> {
        self.dokku.run(&create_command(name)?).await.map(drop)
    }

    /// Destroy a network. `confirm` must be its name again (ask the person);
    /// a mismatch is refused before anything is sent.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// dokku.networks().destroy("backend", "backend").await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] and the command errors.
    pub async fn destroy(self, name: &str, confirm: &str) -> Result<()> {
        if confirm != name {
            return Err(Error::InvalidArgument {
                what: "network:destroy",
                reason: format!("the confirmation does not match the network name {name}"),
            });
        }
        self.dokku.run(&destroy_command(name)?).await.map(drop)
    }

    /// Rebuild the app's network settings (an undeployed app: nothing).
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// dokku.networks().rebuild(&dokku_core::AppName::new("api")?).await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::AppNotFound`] and the other command errors.
    pub async fn rebuild(self, app: &AppName) -> Result<()> {
        self.dokku.run(&rebuild_command(app)).await.map(drop)
    }

    /// Rebuild every app's network settings.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// dokku.networks().rebuild_all().await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// The command errors.
    pub async fn rebuild_all(self) -> Result<()> {
        self.dokku.run(&rebuild_all_command()).await.map(drop)
    }
}
