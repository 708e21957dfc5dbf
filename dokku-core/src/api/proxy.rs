//! `proxy:*`: the reverse proxy in front of an app: on or off, which
//! implementation, and its generated configuration.

use crate::api::{Scope, Target};
use crate::client::Dokku;
use crate::command::Command;
use crate::error::{Error, Result};
use crate::model::proxy::ProxyReport;
use crate::name::AppName;

/// `proxy:<verb> (<app>|--all)`.
pub fn action_command(action: ProxyAction, target: &Target) -> Command {
    target.apply(Command::write(action.subcommand()).long_running())
}

/// `proxy:set (<app>|--global) <type>`. The type is checked to be a plain
/// word (`nginx`, `caddy`, `haproxy`, `traefik`, `openresty`, `null` …).
///
/// # Errors
///
/// [`Error::InvalidArgument`] for a type that is not a lower-case word, or
/// that names one of proxy's properties (which Dokku would unset).
pub fn set_command(scope: &Scope, proxy_type: &str) -> Result<Command> {
    let ok = !proxy_type.is_empty()
        && proxy_type
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
        && !proxy_type.starts_with('-');
    if !ok {
        return Err(Error::InvalidArgument {
            what: "proxy:set",
            reason: "the proxy type must be a lower-case word".to_owned(),
        });
    }
    // Dokku 0.38 reads a lone word that names one of proxy's properties
    // as that property with no value, and unsets it (recorded:
    // `proxy:set app proxy-port` prints "Unsetting proxy-port").
    // 0.38's "valid properties include: disabled, proxy-port,
    // proxy-ssl-port, type": the catalog's properties and `disabled`
    // (set by proxy:enable/disable).
    if proxy_type == "disabled"
        || crate::catalog::plugins::PROXY
            .property(proxy_type)
            .is_some()
    {
        return Err(Error::InvalidArgument {
            what: "proxy:set",
            reason: format!(
                "{proxy_type:?} is a proxy property, not a proxy type: Dokku would unset it"
            ),
        });
    }
    Ok(scope.apply(Command::write("proxy:set")).arg(proxy_type))
}

/// A `proxy:*` action on one app or all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ProxyAction {
    /// `proxy:enable`.
    Enable,
    /// `proxy:disable`.
    Disable,
    /// `proxy:build-config`: regenerate the proxy configuration.
    BuildConfig,
    /// `proxy:clear-config`: remove the generated configuration.
    ClearConfig,
}

impl ProxyAction {
    /// The Dokku subcommand.
    pub fn subcommand(self) -> &'static str {
        match self {
            ProxyAction::Enable => "proxy:enable",
            ProxyAction::Disable => "proxy:disable",
            ProxyAction::BuildConfig => "proxy:build-config",
            ProxyAction::ClearConfig => "proxy:clear-config",
        }
    }
}

/// Handler for `proxy:*`; see [`Dokku::proxy`].
#[derive(Debug, Clone, Copy)]
pub struct Proxy<'a> {
    pub(crate) dokku: &'a Dokku,
}

impl<'a> Proxy<'a> {
    /// `proxy:report` for one app.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// let report = dokku.proxy().report(&dokku_core::AppName::new("api")?).await?;
    /// println!("{:?}", report.proxy_type.effective());
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::AppNotFound`], [`Error::Parse`] and transport errors.
    pub async fn report(self, app: &AppName) -> Result<ProxyReport> {
        self.dokku.report::<ProxyReport>().app(app).await
    }

    /// `proxy:report` for every app, in one invocation.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// let enabled = dokku.proxy().report_all().await?.iter().filter(|r| r.enabled == Some(true)).count();
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::Parse`] and transport errors.
    pub async fn report_all(self) -> Result<Vec<ProxyReport>> {
        self.dokku.report::<ProxyReport>().all().await
    }

    /// The global proxy settings (`proxy:report --global`, 0.38+).
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// let global = dokku.proxy().report_global().await?;
    /// println!("{:?}", global.proxy_type.global);
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::Unsupported`] before 0.38, [`Error::Parse`] and transport
    /// errors.
    pub async fn report_global(self) -> Result<ProxyReport> {
        self.dokku.report::<ProxyReport>().global().await
    }

    async fn action(self, action: ProxyAction, target: impl Into<Target>) -> Result<()> {
        self.dokku
            .run(&action_command(action, &target.into()))
            .await
            .map(drop)
    }

    /// Turn the proxy on.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// dokku.proxy().enable(&dokku_core::AppName::new("api")?).await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::AppNotFound`], [`Error::CommandFailed`] and [`Error::Transport`].
    pub async fn enable(self, target: impl Into<Target>) -> Result<()> {
        self.action(ProxyAction::Enable, target).await
    }

    /// Turn the proxy off (the app is then reachable only on its container
    /// ports).
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// dokku.proxy().disable(&dokku_core::AppName::new("worker")?).await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::AppNotFound`], [`Error::CommandFailed`] and [`Error::Transport`].
    pub async fn disable(self, target: impl Into<Target>) -> Result<()> {
        self.action(ProxyAction::Disable, target).await
    }

    /// Regenerate the proxy configuration.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// dokku.proxy().build_config(dokku_core::api::Target::All).await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::AppNotFound`] for one app, [`Error::CommandFailed`] and
    /// [`Error::Transport`].
    pub async fn build_config(self, target: impl Into<Target>) -> Result<()> {
        self.action(ProxyAction::BuildConfig, target).await
    }

    /// Remove the generated proxy configuration.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// dokku.proxy().clear_config(&dokku_core::AppName::new("api")?).await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::AppNotFound`] for one app, [`Error::CommandFailed`] and
    /// [`Error::Transport`].
    pub async fn clear_config(self, target: impl Into<Target>) -> Result<()> {
        self.action(ProxyAction::ClearConfig, target).await
    }

    /// Choose the proxy implementation for an app or globally.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// dokku.proxy().set(&dokku_core::AppName::new("api")?, "caddy").await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] for a type that is not a lower-case word
    /// (nothing is sent), [`Error::AppNotFound`], [`Error::CommandFailed`] and
    /// [`Error::Transport`]. Dokku does not check the type: an unknown one is
    /// stored.
    pub async fn set(self, scope: impl Into<Scope>, proxy_type: &str) -> Result<()> {
        self.dokku
            .run(&set_command(&scope.into(), proxy_type)?)
            .await
            .map(drop)
    }
}
