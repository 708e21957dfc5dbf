//! `registry:login` and `registry:logout`. The registry properties and
//! the report are generic.
//!
//! The password goes on stdin (`--password-stdin`, Dokku's Go flag since
//! 0.25), never in argv; as an argument (a raw command) the catalog marks
//! it secret. `--global` (0.37.5+) logs in for every app; without it and
//! without an app Dokku 0.38 warns that the form is deprecated. Recorded on
//! 0.38.27 only failing for want of a Docker daemon.

use crate::client::Dokku;
use crate::command::{Command, Requirement};
use crate::error::{Error, Result};
use crate::name::AppName;
use crate::secret::SecretString;
use crate::version::DokkuVersion;

/// `registry:login --global` and `registry:logout`.
pub const GLOBAL_LOGIN: DokkuVersion = DokkuVersion::new(0, 37, 5);

/// `registry:login --password-stdin (--global|<app>) <server> <username>`,
/// the password on stdin (`app: None`: for every app).
///
/// ```
/// use dokku_core::api::registry::login_command;
/// use dokku_core::SecretString;
///
/// let password = SecretString::new("hunter2");
/// let command = login_command(None, "ghcr.io", "ci", &password)?;
/// assert_eq!(command.to_string(), "dokku registry:login --password-stdin --global ghcr.io ci");
/// # Ok::<(), dokku_core::Error>(())
/// ```
///
/// # Errors
///
/// [`Error::InvalidArgument`] for a server or username that is not one
/// word, or an empty password.
pub fn login_command(
    app: Option<&AppName>,
    server: &str,
    username: &str,
    password: &SecretString,
) -> Result<Command> {
    let server = super::word("registry:login", "server", server)?;
    let username = super::word("registry:login", "username", username)?;
    if password.is_empty() {
        return Err(Error::InvalidArgument {
            what: "registry:login",
            reason: "the password is empty".to_owned(),
        });
    }
    let command = Command::write("registry:login").arg("--password-stdin");
    let command = match app {
        Some(app) => command.about_app(app).arg(app),
        None => command
            .arg("--global")
            .requires(Requirement::Version(GLOBAL_LOGIN)),
    };
    let mut stdin = Vec::with_capacity(password.len() + 1);
    stdin.extend_from_slice(password.expose().as_bytes());
    stdin.push(b'\n');
    Ok(command.arg(server).arg(username).stdin(stdin))
}

/// `registry:logout (--global|<app>) <server>`.
///
/// # Errors
///
/// [`Error::InvalidArgument`] for a server that is not one word.
pub fn logout_command(app: Option<&AppName>, server: &str) -> Result<Command> {
    let server = super::word("registry:logout", "server", server)?;
    let command = Command::write("registry:logout").requires(Requirement::Version(GLOBAL_LOGIN));
    let command = match app {
        Some(app) => command.app_arg(app),
        None => command.arg("--global"),
    };
    Ok(command.arg(server))
}

/// Handler for `registry:login`/`logout`; see [`Dokku::registry`].
#[derive(Debug, Clone, Copy)]
pub struct Registry<'a> {
    dokku: &'a Dokku,
}

impl Dokku {
    /// Handler for registry credentials.
    pub fn registry(&self) -> Registry<'_> {
        Registry { dokku: self }
    }
}

impl Registry<'_> {
    /// Log in to a registry for one app or (`None`) every app; the
    /// password travels on stdin.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// let token = dokku_core::SecretString::new(std::env::var("GHCR_TOKEN")?);
    /// dokku.registry().login(None, "ghcr.io", "ci", &token).await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] (nothing sent), [`Error::Unsupported`] for
    /// `--global` before 0.37.5, [`Error::AppNotFound`] and
    /// [`Error::CommandFailed`] (`Unable to run docker login: …`).
    pub async fn login(
        self,
        app: Option<&AppName>,
        server: &str,
        username: &str,
        password: &SecretString,
    ) -> Result<()> {
        let command = login_command(app, server, username, password)?;
        self.dokku.run(&command).await.map(drop)
    }

    /// Log out of a registry for one app or (`None`) every app.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// dokku.registry().logout(None, "ghcr.io").await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// As [`Registry::login`].
    pub async fn logout(self, app: Option<&AppName>, server: &str) -> Result<()> {
        self.dokku
            .run(&logout_command(app, server)?)
            .await
            .map(drop)
    }
}
