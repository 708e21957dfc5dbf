//! `domains:*`: the hostnames an app answers to, and the global ones.
//!
//! Domains are validated as [`Domain`]s before they are sent; Dokku's own
//! check (`is_valid_hostname`) runs only after the command starts, and a
//! value starting with `-` would otherwise be read as a flag.

use crate::client::Dokku;
use crate::command::Command;
use crate::error::Result;
use crate::model::domains::{DomainsReport, GlobalDomains};
use crate::name::{AppName, Domain};

/// An app-level change: `domains:<verb> <app> [<domain>…]`.
///
/// # Errors
///
/// [`Error::InvalidArgument`](crate::Error::InvalidArgument) when `add`, `set` or `remove` get no domains,
/// or another verb gets some.
pub fn app_command(verb: DomainsVerb, app: &AppName, domains: &[Domain]) -> Result<Command> {
    let takes_domains = matches!(
        verb,
        DomainsVerb::Add | DomainsVerb::Set | DomainsVerb::Remove
    );
    super::check_count(verb.subcommand(), takes_domains, domains.len(), "domain")?;
    Ok(Command::write(verb.subcommand()).app_arg(app).args(domains))
}

/// A global change: `domains:<verb>-global [<domain>…]`.
///
/// # Errors
///
/// [`Error::InvalidArgument`](crate::Error::InvalidArgument) when `add`, `set` or `remove` get no domains,
/// or `clear` gets some.
pub fn global_command(verb: GlobalVerb, domains: &[Domain]) -> Result<Command> {
    let takes_domains = verb != GlobalVerb::Clear;
    super::check_count(verb.subcommand(), takes_domains, domains.len(), "domain")?;
    Ok(Command::write(verb.subcommand()).args(domains))
}

/// What an app-level `domains:*` command does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DomainsVerb {
    /// `domains:add`: add domains.
    Add,
    /// `domains:set`: replace all domains.
    Set,
    /// `domains:remove`: remove domains.
    Remove,
    /// `domains:clear`: remove every domain.
    Clear,
    /// `domains:enable`: turn virtual hosts on.
    Enable,
    /// `domains:disable`: turn virtual hosts off.
    Disable,
    /// `domains:reset`: back to the default `<app>.<global domain>`.
    Reset,
}

impl DomainsVerb {
    /// The Dokku subcommand.
    pub fn subcommand(self) -> &'static str {
        match self {
            DomainsVerb::Add => "domains:add",
            DomainsVerb::Set => "domains:set",
            DomainsVerb::Remove => "domains:remove",
            DomainsVerb::Clear => "domains:clear",
            DomainsVerb::Enable => "domains:enable",
            DomainsVerb::Disable => "domains:disable",
            DomainsVerb::Reset => "domains:reset",
        }
    }
}

/// What a global `domains:*-global` command does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum GlobalVerb {
    /// `domains:add-global`.
    Add,
    /// `domains:set-global`.
    Set,
    /// `domains:remove-global`.
    Remove,
    /// `domains:clear-global`.
    Clear,
}

impl GlobalVerb {
    /// The Dokku subcommand.
    pub fn subcommand(self) -> &'static str {
        match self {
            GlobalVerb::Add => "domains:add-global",
            GlobalVerb::Set => "domains:set-global",
            GlobalVerb::Remove => "domains:remove-global",
            GlobalVerb::Clear => "domains:clear-global",
        }
    }
}

/// Handler for `domains:*`; see [`Dokku::domains`].
#[derive(Debug, Clone, Copy)]
pub struct Domains<'a> {
    pub(crate) dokku: &'a Dokku,
}

impl<'a> Domains<'a> {
    /// `domains:report` for one app.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// let report = dokku.domains().report(&dokku_core::AppName::new("api")?).await?;
    /// println!("{}", report.app_vhosts.join(" "));
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::AppNotFound`](crate::Error::AppNotFound), [`Error::Parse`](crate::Error::Parse) and transport errors.
    pub async fn report(self, app: &AppName) -> Result<DomainsReport> {
        self.dokku.report::<DomainsReport>().app(app).await
    }

    /// `domains:report` for every app, in one invocation.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// for report in dokku.domains().report_all().await? {
    ///     println!("{:?}: {:?}", report.app, report.app_vhosts);
    /// }
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::Parse`](crate::Error::Parse) and transport errors.
    pub async fn report_all(self) -> Result<Vec<DomainsReport>> {
        self.dokku.report::<DomainsReport>().all().await
    }

    /// The global domains (`domains:report --global`).
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// let global = dokku.domains().report_global().await?;
    /// println!("{}", global.vhosts.join(" "));
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::Unsupported`](crate::Error::Unsupported) before 0.38, [`Error::Parse`](crate::Error::Parse) and transport
    /// errors.
    pub async fn report_global(self) -> Result<GlobalDomains> {
        self.dokku.report::<GlobalDomains>().global().await
    }

    async fn app(self, verb: DomainsVerb, app: &AppName, domains: &[Domain]) -> Result<()> {
        self.dokku
            .run(&app_command(verb, app, domains)?)
            .await
            .map(drop)
    }

    async fn global(self, verb: GlobalVerb, domains: &[Domain]) -> Result<()> {
        self.dokku
            .run(&global_command(verb, domains)?)
            .await
            .map(drop)
    }

    /// Add domains to an app.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// use dokku_core::{AppName, Domain};
    /// let app = AppName::new("api")?;
    /// dokku.domains().add(&app, &[Domain::new("api.example.com")?]).await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`](crate::Error::InvalidArgument) for an empty list (nothing is sent),
    /// [`Error::AppNotFound`](crate::Error::AppNotFound), [`Error::CommandFailed`](crate::Error::CommandFailed) and [`Error::Transport`](crate::Error::Transport).
    pub async fn add(self, app: &AppName, domains: &[Domain]) -> Result<()> {
        self.app(DomainsVerb::Add, app, domains).await
    }

    /// Replace an app's domains.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// use dokku_core::{AppName, Domain};
    /// let app = AppName::new("api")?;
    /// let domains = [Domain::new("api.example.com")?, Domain::new("www.example.com")?];
    /// dokku.domains().set(&app, &domains).await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// As [`Domains::add`].
    pub async fn set(self, app: &AppName, domains: &[Domain]) -> Result<()> {
        self.app(DomainsVerb::Set, app, domains).await
    }

    /// Remove domains from an app.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// use dokku_core::{AppName, Domain};
    /// let app = AppName::new("api")?;
    /// dokku.domains().remove(&app, &[Domain::new("old.example.com")?]).await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// As [`Domains::add`].
    pub async fn remove(self, app: &AppName, domains: &[Domain]) -> Result<()> {
        self.app(DomainsVerb::Remove, app, domains).await
    }

    /// Remove every domain of an app.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// dokku.domains().clear(&dokku_core::AppName::new("api")?).await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::AppNotFound`](crate::Error::AppNotFound), [`Error::CommandFailed`](crate::Error::CommandFailed) and [`Error::Transport`](crate::Error::Transport).
    pub async fn clear(self, app: &AppName) -> Result<()> {
        self.app(DomainsVerb::Clear, app, &[]).await
    }

    /// Turn virtual hosts on for an app.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// dokku.domains().enable(&dokku_core::AppName::new("api")?).await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::AppNotFound`](crate::Error::AppNotFound), [`Error::CommandFailed`](crate::Error::CommandFailed) and [`Error::Transport`](crate::Error::Transport).
    pub async fn enable(self, app: &AppName) -> Result<()> {
        self.app(DomainsVerb::Enable, app, &[]).await
    }

    /// Turn virtual hosts off for an app.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// dokku.domains().disable(&dokku_core::AppName::new("worker")?).await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::AppNotFound`](crate::Error::AppNotFound), [`Error::CommandFailed`](crate::Error::CommandFailed) and [`Error::Transport`](crate::Error::Transport).
    pub async fn disable(self, app: &AppName) -> Result<()> {
        self.app(DomainsVerb::Disable, app, &[]).await
    }

    /// Reset an app's domains to the default (`<app>.<global domain>`).
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// dokku.domains().reset(&dokku_core::AppName::new("api")?).await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::AppNotFound`](crate::Error::AppNotFound), [`Error::CommandFailed`](crate::Error::CommandFailed) and [`Error::Transport`](crate::Error::Transport).
    pub async fn reset(self, app: &AppName) -> Result<()> {
        self.app(DomainsVerb::Reset, app, &[]).await
    }

    /// Add global domains.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// let domain = dokku_core::Domain::new("apps.example.com")?;
    /// dokku.domains().add_global(&[domain]).await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`](crate::Error::InvalidArgument) for an empty list (nothing is sent),
    /// [`Error::CommandFailed`](crate::Error::CommandFailed) and [`Error::Transport`](crate::Error::Transport).
    pub async fn add_global(self, domains: &[Domain]) -> Result<()> {
        self.global(GlobalVerb::Add, domains).await
    }

    /// Replace the global domains.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// let domain = dokku_core::Domain::new("apps.example.com")?;
    /// dokku.domains().set_global(&[domain]).await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// As [`Domains::add_global`].
    pub async fn set_global(self, domains: &[Domain]) -> Result<()> {
        self.global(GlobalVerb::Set, domains).await
    }

    /// Remove global domains.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// let domain = dokku_core::Domain::new("old.example.com")?;
    /// dokku.domains().remove_global(&[domain]).await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// As [`Domains::add_global`].
    pub async fn remove_global(self, domains: &[Domain]) -> Result<()> {
        self.global(GlobalVerb::Remove, domains).await
    }

    /// Remove every global domain.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// dokku.domains().clear_global().await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::CommandFailed`](crate::Error::CommandFailed) and [`Error::Transport`](crate::Error::Transport).
    pub async fn clear_global(self) -> Result<()> {
        self.global(GlobalVerb::Clear, &[]).await
    }
}
