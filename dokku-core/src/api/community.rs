//! The verbs of three community plugins admins commonly install, each
//! requiring its plugin (the catalog marks them): dokku-maintenance,
//! dokku-http-auth and dokku-redirect. Established from their source
//! (maintenance 0.10.1, http-auth 0.10.0, redirect 0.9.1), not recorded.
//! Their reports are generic (`dokku.report::<MaintenanceReport>()`,
//! `HttpAuthReport`).
//!
//! dokku-http-auth takes passwords as arguments only: the catalog marks
//! them secret (shown and stored as `***`), but on the host they are in
//! the process list while the command runs.

use crate::client::Dokku;
use crate::command::Command;
use crate::error::{Error, Result};
use crate::model::community::Redirect;
use crate::name::{AppName, Domain};
use crate::parse::{self, context};
use crate::secret::{SecretBytes, SecretString};

/// `maintenance:enable <app>` (`on: false`: `maintenance:disable`).
pub fn maintenance_command(app: &AppName, on: bool) -> Command {
    let sub = if on {
        "maintenance:enable"
    } else {
        "maintenance:disable"
    };
    Command::write(sub).app_arg(app).long_running()
}

/// `maintenance:custom-page <app>` with a tar archive (holding at least
/// `maintenance.html`) on stdin.
pub fn custom_page_command(app: &AppName, tar: SecretBytes) -> Command {
    Command::write("maintenance:custom-page")
        .app_arg(app)
        .stdin(tar.expose().to_vec())
}

/// `maintenance:custom-page-remove <app>`.
pub fn custom_page_remove_command(app: &AppName) -> Command {
    Command::write("maintenance:custom-page-remove").app_arg(app)
}

/// `http-auth:enable <app> [<user> <password>]` (`on: false`:
/// `http-auth:disable <app>`).
///
/// # Errors
///
/// [`Error::InvalidArgument`] for a user that is not one word or an empty
/// password.
pub fn http_auth_command(
    app: &AppName,
    on: bool,
    user: Option<(&str, &SecretString)>,
) -> Result<Command> {
    if !on {
        return Ok(Command::write("http-auth:disable").app_arg(app));
    }
    let command = Command::write("http-auth:enable").app_arg(app);
    match user {
        None => Ok(command),
        Some((name, password)) => with_user(command, "http-auth:enable", name, password),
    }
}

fn with_user(
    command: Command,
    what: &'static str,
    name: &str,
    password: &SecretString,
) -> Result<Command> {
    let name = super::word(what, "user", name)?;
    if password.is_empty() {
        return Err(Error::InvalidArgument {
            what,
            reason: "the password is empty".to_owned(),
        });
    }
    Ok(command.arg(name).secret(password.clone()))
}

/// `http-auth:add-user <app> <user> <password>` (password secret).
///
/// # Errors
///
/// As [`http_auth_command`].
pub fn add_user_command(app: &AppName, name: &str, password: &SecretString) -> Result<Command> {
    let command = Command::write("http-auth:add-user").app_arg(app);
    with_user(command, "http-auth:add-user", name, password)
}

/// `http-auth:remove-user <app> <user>`.
///
/// # Errors
///
/// [`Error::InvalidArgument`] for a user that is not one word.
pub fn remove_user_command(app: &AppName, name: &str) -> Result<Command> {
    let name = super::word("http-auth:remove-user", "user", name)?;
    Ok(Command::write("http-auth:remove-user")
        .app_arg(app)
        .arg(name))
}

/// `http-auth:add-allowed-ip <app> <address>` (`add: false`:
/// `remove-allowed-ip`).
///
/// # Errors
///
/// [`Error::InvalidArgument`] for an address that is not one word.
pub fn allowed_ip_command(app: &AppName, address: &str, add: bool) -> Result<Command> {
    let sub = if add {
        "http-auth:add-allowed-ip"
    } else {
        "http-auth:remove-allowed-ip"
    };
    let address = super::word(sub, "address", address)?;
    Ok(Command::write(sub).app_arg(app).arg(address))
}

/// `redirect <app>`.
pub fn redirects_command(app: &AppName) -> Command {
    Command::read("redirect").app_arg(app)
}

/// `redirect:set <app> <source> <destination> [<code>]`.
///
/// # Errors
///
/// [`Error::InvalidArgument`] for a destination that is not one word or a
/// code outside 300–399.
pub fn redirect_set_command(
    app: &AppName,
    source: &Domain,
    destination: &str,
    code: Option<u16>,
) -> Result<Command> {
    let destination = super::word("redirect:set", "destination", destination)?;
    if destination.contains(':') {
        return Err(Error::InvalidArgument {
            what: "redirect:set",
            reason: "the destination holds ':', which the plugin's file cannot store".to_owned(),
        });
    }
    let mut command = Command::write("redirect:set")
        .app_arg(app)
        .arg(source)
        .arg(destination)
        .long_running();
    if let Some(code) = code {
        if !(300..400).contains(&code) {
            return Err(Error::InvalidArgument {
                what: "redirect:set",
                reason: "the code must be a 3xx redirect status".to_owned(),
            });
        }
        command = command.arg(code.to_string());
    }
    Ok(command)
}

/// `redirect:unset <app> <source>`.
pub fn redirect_unset_command(app: &AppName, source: &Domain) -> Command {
    Command::write("redirect:unset")
        .app_arg(app)
        .arg(source)
        .long_running()
}

/// Handler for the community plugins' verbs; see [`Dokku::community`].
#[derive(Debug, Clone, Copy)]
pub struct Community<'a> {
    dokku: &'a Dokku,
}

impl Dokku {
    /// Handler for dokku-maintenance, dokku-http-auth and dokku-redirect
    /// (each command requires its plugin).
    pub fn community(&self) -> Community<'_> {
        Community { dokku: self }
    }
}

impl Community<'_> {
    /// Turn the app's maintenance page on or off.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// dokku.community().maintenance(&dokku_core::AppName::new("api")?, true).await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::Unsupported`] without the plugin, and the command errors.
    pub async fn maintenance(self, app: &AppName, on: bool) -> Result<()> {
        self.dokku
            .run(&maintenance_command(app, on))
            .await
            .map(drop)
    }

    /// Install a custom maintenance page from a tar archive holding at
    /// least `maintenance.html`.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// let tar = dokku_core::SecretBytes::new(std::fs::read("page.tar")?);
    /// dokku.community().custom_page(&dokku_core::AppName::new("api")?, tar).await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// As [`Community::maintenance`].
    pub async fn custom_page(self, app: &AppName, tar: SecretBytes) -> Result<()> {
        self.dokku
            .run(&custom_page_command(app, tar))
            .await
            .map(drop)
    }

    /// Go back to the default maintenance page.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// dokku.community().remove_custom_page(&dokku_core::AppName::new("api")?).await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// As [`Community::maintenance`].
    pub async fn remove_custom_page(self, app: &AppName) -> Result<()> {
        self.dokku
            .run(&custom_page_remove_command(app))
            .await
            .map(drop)
    }

    /// Turn basic auth on (optionally with a first user) or off.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// let password = dokku_core::SecretString::new("s3cret");
    /// let app = dokku_core::AppName::new("api")?;
    /// dokku.community().http_auth(&app, true, Some(("alice", &password))).await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] (nothing sent), and the errors of
    /// [`Community::maintenance`].
    pub async fn http_auth(
        self,
        app: &AppName,
        on: bool,
        user: Option<(&str, &SecretString)>,
    ) -> Result<()> {
        self.dokku
            .run(&http_auth_command(app, on, user)?)
            .await
            .map(drop)
    }

    /// Add a basic-auth user (auth must be on).
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// let password = dokku_core::SecretString::new("s3cret");
    /// dokku.community().add_http_user(&dokku_core::AppName::new("api")?, "bob", &password).await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// As [`Community::http_auth`] (`Authentication is disabled`).
    pub async fn add_http_user(
        self,
        app: &AppName,
        name: &str,
        password: &SecretString,
    ) -> Result<()> {
        self.dokku
            .run(&add_user_command(app, name, password)?)
            .await
            .map(drop)
    }

    /// Remove a basic-auth user.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// dokku.community().remove_http_user(&dokku_core::AppName::new("api")?, "bob").await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// As [`Community::http_auth`].
    pub async fn remove_http_user(self, app: &AppName, name: &str) -> Result<()> {
        self.dokku
            .run(&remove_user_command(app, name)?)
            .await
            .map(drop)
    }

    /// Let an address bypass basic auth (`add: false`: no longer).
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// dokku.community().allowed_ip(&dokku_core::AppName::new("api")?, "10.0.0.0/8", true).await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// As [`Community::http_auth`].
    pub async fn allowed_ip(self, app: &AppName, address: &str, add: bool) -> Result<()> {
        self.dokku
            .run(&allowed_ip_command(app, address, add)?)
            .await
            .map(drop)
    }

    /// The app's redirects (none: an empty list).
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// for r in dokku.community().redirects(&dokku_core::AppName::new("api")?).await? {
    ///     println!("{} -> {} ({})", r.source, r.destination, r.code);
    /// }
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// As [`Community::maintenance`], and [`Error::Parse`].
    pub async fn redirects(self, app: &AppName) -> Result<Vec<Redirect>> {
        let command = redirects_command(app);
        let output = self.dokku.run(&command).await?;
        context(
            &command,
            parse::community::redirects(&output.stdout_lossy()),
        )
    }

    /// Redirect a domain (`code`: 301 unless given).
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// use dokku_core::{AppName, Domain};
    /// let app = AppName::new("api")?;
    /// dokku.community().redirect(&app, &Domain::new("old.example.com")?, "new.example.com", None).await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] (nothing sent), [`Error::CommandFailed`]
    /// (`Source domain is already redirected`).
    pub async fn redirect(
        self,
        app: &AppName,
        source: &Domain,
        destination: &str,
        code: Option<u16>,
    ) -> Result<()> {
        let command = redirect_set_command(app, source, destination, code)?;
        self.dokku.run(&command).await.map(drop)
    }

    /// Stop redirecting a domain.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// use dokku_core::{AppName, Domain};
    /// dokku.community().unredirect(&AppName::new("api")?, &Domain::new("old.example.com")?).await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// As [`Community::maintenance`].
    pub async fn unredirect(self, app: &AppName, source: &Domain) -> Result<()> {
        self.dokku
            .run(&redirect_unset_command(app, source))
            .await
            .map(drop)
    }
}
