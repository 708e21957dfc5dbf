//! `letsencrypt:*`: certificates from Let's Encrypt (the dokku-letsencrypt
//! plugin, <https://github.com/dokku/dokku-letsencrypt>).
//!
//! Every command requires the plugin (the catalog marks it community): on a
//! host without it the client answers [`Error::Unsupported`](crate::Error::Unsupported) before sending
//! anything. One app's report and the global one are read as JSON from a
//! plugin that has `--format json` (0.20.4, in the catalog), as text
//! before; every app's is read as text, since the JSON form prints one
//! object per app without naming it. Properties go through
//! [`Dokku::properties`] with
//! [`plugins::LETSENCRYPT`](crate::catalog::plugins::LETSENCRYPT), whose
//! `dns-provider-*` values (lego's DNS provider credentials) the catalog
//! marks secret.

use crate::api::Target;
use crate::client::Dokku;
use crate::command::Command;
use crate::error::Result;
use crate::model::letsencrypt::{LetsencryptListEntry, LetsencryptReport};
use crate::name::AppName;
use crate::parse::{self, context};

/// `letsencrypt:list`.
pub fn list_command() -> Command {
    Command::read("letsencrypt:list")
}

/// `letsencrypt:active <app>`: prints `true` or `false`.
pub fn active_command(app: &AppName) -> Command {
    Command::read("letsencrypt:active").app_arg(app)
}

/// `letsencrypt:enable (<app>|--all)`: obtain or renew certificates.
pub fn enable_command(target: &Target) -> Command {
    target.apply(Command::write("letsencrypt:enable"))
}

/// `letsencrypt:disable <app>`: remove the certificate and the plugin's
/// files for the app.
pub fn disable_command(app: &AppName) -> Command {
    Command::write("letsencrypt:disable").app_arg(app)
}

/// `letsencrypt:auto-renew [<app>]`: renew what is due (every app when
/// `app` is `None`).
pub fn auto_renew_command(app: Option<&AppName>) -> Command {
    let command = Command::write("letsencrypt:auto-renew");
    match app {
        Some(app) => command.app_arg(app),
        None => command,
    }
}

/// `letsencrypt:cleanup <app>`: remove stale certificate directories.
pub fn cleanup_command(app: &AppName) -> Command {
    Command::write("letsencrypt:cleanup").app_arg(app)
}

/// `letsencrypt:revoke <app>`.
pub fn revoke_command(app: &AppName) -> Command {
    Command::write("letsencrypt:revoke").app_arg(app)
}

/// `letsencrypt:cron-job --add` or `--remove`.
pub fn cron_job_command(add: bool) -> Command {
    Command::write("letsencrypt:cron-job").arg(if add { "--add" } else { "--remove" })
}

/// Handler for `letsencrypt:*`; see [`Dokku::letsencrypt`].
#[derive(Debug, Clone, Copy)]
pub struct Letsencrypt<'a> {
    pub(crate) dokku: &'a Dokku,
}

impl<'a> Letsencrypt<'a> {
    /// `letsencrypt:report` for one app (JSON where the plugin has it).
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// let report = dokku.letsencrypt().report(&dokku_core::AppName::new("api")?).await?;
    /// println!("active: {}, expires {:?}", report.active, report.expiration);
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::Unsupported`](crate::Error::Unsupported) without the plugin,
    /// [`Error::AppNotFound`](crate::Error::AppNotFound),
    /// [`Error::Parse`](crate::Error::Parse) and transport errors.
    pub async fn report(self, app: &AppName) -> Result<LetsencryptReport> {
        self.dokku.report::<LetsencryptReport>().app(app).await
    }

    /// `letsencrypt:report` for every app.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// let active = dokku.letsencrypt().report_all().await?.iter().filter(|r| r.active).count();
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// As [`Letsencrypt::report`].
    pub async fn report_all(self) -> Result<Vec<LetsencryptReport>> {
        self.dokku.report::<LetsencryptReport>().all().await
    }

    /// The global settings (`letsencrypt:report --global`, JSON where the
    /// plugin has it).
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// let global = dokku.letsencrypt().report_global().await?;
    /// println!("{:?}", global.email.global);
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// As [`Letsencrypt::report`].
    pub async fn report_global(self) -> Result<LetsencryptReport> {
        self.dokku.report::<LetsencryptReport>().global().await
    }

    /// Apps with letsencrypt certificates, their expiry and renewal times.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// for entry in dokku.letsencrypt().list().await? {
    ///     if entry.renewal_due() {
    ///         println!("{} is due for renewal", entry.app);
    ///     }
    /// }
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::Unsupported`](crate::Error::Unsupported) without the plugin
    /// (nothing is sent), [`Error::Parse`](crate::Error::Parse) for a row it cannot
    /// read, [`Error::CommandFailed`](crate::Error::CommandFailed) and
    /// [`Error::Transport`](crate::Error::Transport).
    pub async fn list(self) -> Result<Vec<LetsencryptListEntry>> {
        let command = list_command();
        let output = self.dokku.run(&command).await?;
        context(&command, parse::letsencrypt::list(&output.stdout_lossy()))
    }

    /// Whether the app serves its letsencrypt certificate.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// let active = dokku.letsencrypt().active(&dokku_core::AppName::new("api")?).await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::Unsupported`](crate::Error::Unsupported) without the plugin
    /// (nothing is sent), [`Error::AppNotFound`](crate::Error::AppNotFound),
    /// [`Error::Parse`](crate::Error::Parse) when the answer is not `true` or
    /// `false`, [`Error::CommandFailed`](crate::Error::CommandFailed) and
    /// [`Error::Transport`](crate::Error::Transport).
    pub async fn active(self, app: &AppName) -> Result<bool> {
        let command = active_command(app);
        let output = self.dokku.run(&command).await?;
        let text = output.stdout_lossy();
        context(
            &command,
            parse::report::parse_bool("letsencrypt:active", "active", text.trim())
                .map(|b| b.unwrap_or(false)),
        )
    }

    /// Obtain (or renew) a certificate.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// dokku.letsencrypt().enable(&dokku_core::AppName::new("api")?).await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::Unsupported`](crate::Error::Unsupported) without the plugin
    /// (nothing is sent), [`Error::AppNotFound`](crate::Error::AppNotFound),
    /// [`Error::CommandFailed`](crate::Error::CommandFailed) when no certificate
    /// could be obtained (no email set, the ACME challenge failed …) and
    /// [`Error::Transport`](crate::Error::Transport).
    pub async fn enable(self, target: impl Into<Target>) -> Result<()> {
        self.dokku
            .run(&enable_command(&target.into()))
            .await
            .map(drop)
    }

    /// Remove the app's letsencrypt certificate.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// dokku.letsencrypt().disable(&dokku_core::AppName::new("api")?).await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::Unsupported`](crate::Error::Unsupported) without the plugin
    /// (nothing is sent), [`Error::AppNotFound`](crate::Error::AppNotFound),
    /// [`Error::CommandFailed`](crate::Error::CommandFailed) and
    /// [`Error::Transport`](crate::Error::Transport).
    pub async fn disable(self, app: &AppName) -> Result<()> {
        self.dokku.run(&disable_command(app)).await.map(drop)
    }

    /// Renew the app's certificate if due.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// dokku.letsencrypt().auto_renew(&dokku_core::AppName::new("api")?).await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::Unsupported`](crate::Error::Unsupported) without the plugin
    /// (nothing is sent), [`Error::AppNotFound`](crate::Error::AppNotFound),
    /// [`Error::CommandFailed`](crate::Error::CommandFailed) when a due renewal
    /// fails, and [`Error::Transport`](crate::Error::Transport).
    pub async fn auto_renew(self, app: &AppName) -> Result<()> {
        self.dokku
            .run(&auto_renew_command(Some(app)))
            .await
            .map(drop)
    }

    /// Renew every certificate that is due.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// dokku.letsencrypt().auto_renew_all().await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::Unsupported`](crate::Error::Unsupported) without the plugin
    /// (nothing is sent), [`Error::CommandFailed`](crate::Error::CommandFailed)
    /// when a due renewal fails, and [`Error::Transport`](crate::Error::Transport).
    pub async fn auto_renew_all(self) -> Result<()> {
        self.dokku.run(&auto_renew_command(None)).await.map(drop)
    }

    /// Remove stale certificate directories.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// dokku.letsencrypt().cleanup(&dokku_core::AppName::new("api")?).await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::Unsupported`](crate::Error::Unsupported) without the plugin
    /// (nothing is sent), [`Error::AppNotFound`](crate::Error::AppNotFound),
    /// [`Error::CommandFailed`](crate::Error::CommandFailed) and
    /// [`Error::Transport`](crate::Error::Transport).
    pub async fn cleanup(self, app: &AppName) -> Result<()> {
        self.dokku.run(&cleanup_command(app)).await.map(drop)
    }

    /// Revoke the app's certificate.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// dokku.letsencrypt().revoke(&dokku_core::AppName::new("api")?).await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::Unsupported`](crate::Error::Unsupported) without the plugin
    /// (nothing is sent), [`Error::AppNotFound`](crate::Error::AppNotFound),
    /// [`Error::CommandFailed`](crate::Error::CommandFailed) and
    /// [`Error::Transport`](crate::Error::Transport).
    pub async fn revoke(self, app: &AppName) -> Result<()> {
        self.dokku.run(&revoke_command(app)).await.map(drop)
    }

    /// Install (`true`) or remove the daily renewal cron job.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// dokku.letsencrypt().cron_job(true).await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::Unsupported`](crate::Error::Unsupported) without the plugin
    /// (nothing is sent), [`Error::CommandFailed`](crate::Error::CommandFailed) and
    /// [`Error::Transport`](crate::Error::Transport).
    pub async fn cron_job(self, add: bool) -> Result<()> {
        self.dokku.run(&cron_job_command(add)).await.map(drop)
    }
}
