//! `ports:*`: which host ports the proxy maps to which container ports.
//!
//! The ports plugin appeared in Dokku 0.31.0 and replaced `proxy:ports*`;
//! on older hosts [`Ports`] sends the `proxy:ports*` command instead (the
//! builders take the host's [`Capabilities`] to choose). Mappings are typed
//! [`PortMapping`]s, so nothing Dokku would reject (or read as a flag) is
//! sent.

use crate::client::{versions, Capabilities, Dokku};
use crate::command::Command;
use crate::error::{Error, Result};
use crate::model::ports::{PortMapping, PortsReport};
use crate::name::AppName;
use crate::parse::{self, context};

/// `ports:list <app>`, or `proxy:ports <app>` before 0.31.
pub fn list_command(caps: &Capabilities, app: &AppName) -> Command {
    Command::read(PortsVerb::List.subcommand(caps)).app_arg(app)
}

/// A change: `ports:<verb> <app> [<mapping>…]`, or its `proxy:ports-<verb>`
/// form before 0.31. `add`, `set` and `remove` need at least one mapping,
/// `clear` takes none.
///
/// # Errors
///
/// [`Error::InvalidArgument`] when `add`, `set` or `remove` get no
/// mappings, or `clear` or `list` get some.
pub fn change_command(
    caps: &Capabilities,
    verb: PortsVerb,
    app: &AppName,
    mappings: &[PortMapping],
) -> Result<Command> {
    let takes = !matches!(verb, PortsVerb::Clear | PortsVerb::List);
    let what = verb.subcommand(caps);
    super::check_count(what, takes, mappings.len(), "port mapping")?;
    Ok(Command::write(what)
        .app_arg(app)
        .args(mappings.iter().map(PortMapping::to_string))
        .long_running())
}

/// `ports:remove <app> <host-port>…`: remove every mapping on these host
/// ports, whatever their scheme.
///
/// # Errors
///
/// [`Error::InvalidArgument`] for no ports or port 0.
pub fn remove_host_ports_command(
    caps: &Capabilities,
    app: &AppName,
    ports: &[u16],
) -> Result<Command> {
    let what = PortsVerb::Remove.subcommand(caps);
    if ports.is_empty() || ports.contains(&0) {
        return Err(Error::InvalidArgument {
            what,
            reason: "at least one host port in 1-65535 is needed".to_owned(),
        });
    }
    Ok(Command::write(what)
        .app_arg(app)
        .args(ports.iter().map(u16::to_string))
        .long_running())
}

/// What a `ports:*` command does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PortsVerb {
    /// `ports:list` / `proxy:ports`.
    List,
    /// `ports:add` / `proxy:ports-add`.
    Add,
    /// `ports:set` / `proxy:ports-set`.
    Set,
    /// `ports:remove` / `proxy:ports-remove`.
    Remove,
    /// `ports:clear` / `proxy:ports-clear`.
    Clear,
}

impl PortsVerb {
    /// The subcommand on a host with these capabilities.
    pub fn subcommand(self, caps: &Capabilities) -> &'static str {
        let new = caps.version >= versions::PORTS_PLUGIN;
        match (self, new) {
            (PortsVerb::List, true) => "ports:list",
            (PortsVerb::Add, true) => "ports:add",
            (PortsVerb::Set, true) => "ports:set",
            (PortsVerb::Remove, true) => "ports:remove",
            (PortsVerb::Clear, true) => "ports:clear",
            (PortsVerb::List, false) => "proxy:ports",
            (PortsVerb::Add, false) => "proxy:ports-add",
            (PortsVerb::Set, false) => "proxy:ports-set",
            (PortsVerb::Remove, false) => "proxy:ports-remove",
            (PortsVerb::Clear, false) => "proxy:ports-clear",
        }
    }
}

/// Handler for `ports:*`; see [`Dokku::ports`].
#[derive(Debug, Clone, Copy)]
pub struct Ports<'a> {
    pub(crate) dokku: &'a Dokku,
}

impl<'a> Ports<'a> {
    /// `ports:report` for one app. Before 0.31 the mappings are read from
    /// `proxy:report` (`Proxy port map`) instead.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// let report = dokku.ports().report(&dokku_core::AppName::new("api")?).await?;
    /// for mapping in report.effective() {
    ///     println!("{mapping}");
    /// }
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::AppNotFound`], [`Error::Parse`] and transport errors.
    pub async fn report(self, app: &AppName) -> Result<PortsReport> {
        let caps = self.dokku.capabilities().await?;
        if caps.version < versions::PORTS_PLUGIN {
            let proxy = self.dokku.proxy().report(app).await?;
            let map = context(
                &Command::read("proxy:report").app_arg(app),
                parse::ports::mappings("proxy:report", proxy.port_map.as_deref().unwrap_or("")),
            )?;
            return Ok(PortsReport {
                app: Some(app.clone()),
                map,
                detected: Vec::new(),
                raw: proxy.raw,
            });
        }
        self.dokku.report::<PortsReport>().app(app).await
    }

    /// `ports:report` for every app, in one invocation (0.31+).
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// for report in dokku.ports().report_all().await? {
    ///     println!("{:?}: {} mappings", report.app, report.effective().len());
    /// }
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::Unsupported`] before 0.31, [`Error::Parse`] and transport
    /// errors.
    pub async fn report_all(self) -> Result<Vec<PortsReport>> {
        self.dokku.report::<PortsReport>().all().await
    }

    /// `ports:report --global` (0.38+): Dokku has no global port settings
    /// yet, so this is the raw (normally empty) key map.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// let keys = dokku.ports().report_global().await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::Unsupported`] before 0.38, [`Error::Parse`] and transport
    /// errors.
    pub async fn report_global(self) -> Result<std::collections::BTreeMap<String, String>> {
        let report = self
            .dokku
            .raw_report(&crate::catalog::plugins::PORTS)
            .global()
            .await?;
        Ok(report.fields)
    }

    /// The app's own mappings (`ports:list`; empty when none are set).
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// for mapping in dokku.ports().list(&dokku_core::AppName::new("api")?).await? {
    ///     println!("{mapping}");
    /// }
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// No mappings is an empty list, not an error. [`Error::AppNotFound`],
    /// [`Error::Parse`] for a row that is not a mapping, [`Error::CommandFailed`]
    /// and [`Error::Transport`]; the first call on a client also probes the host's version
    /// ([`Error::CommandFailed`], [`Error::Parse`], [`Error::Transport`]).
    pub async fn list(self, app: &AppName) -> Result<Vec<PortMapping>> {
        let caps = self.dokku.capabilities().await?;
        let command = list_command(&caps, app);
        let output = self.dokku.execute(&command).await?;
        // "No port mappings configured for app" is a failure, but an answer.
        if !output.status.success()
            && output
                .stderr_lossy()
                .contains("No port mappings configured for app")
        {
            return Ok(Vec::new());
        }
        let output = parse::expect_success(&command, output)?;
        context(&command, parse::ports::list(&output.stdout_lossy()))
    }

    async fn change(self, verb: PortsVerb, app: &AppName, mappings: &[PortMapping]) -> Result<()> {
        let caps = self.dokku.capabilities().await?;
        let command = change_command(&caps, verb, app, mappings)?;
        self.dokku.run(&command).await.map(drop)
    }

    /// Add mappings.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// use dokku_core::model::ports::PortMapping;
    /// let app = dokku_core::AppName::new("api")?;
    /// dokku.ports().add(&app, &[PortMapping::http(80, 5000)]).await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] for an empty list (nothing is sent),
    /// [`Error::AppNotFound`], [`Error::CommandFailed`] (Dokku refusing a
    /// mapping) and [`Error::Transport`]; the first call on a client also probes the host's version
    /// ([`Error::CommandFailed`], [`Error::Parse`], [`Error::Transport`]).
    pub async fn add(self, app: &AppName, mappings: &[PortMapping]) -> Result<()> {
        self.change(PortsVerb::Add, app, mappings).await
    }

    /// Replace all mappings.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// use dokku_core::model::ports::PortMapping;
    /// let app = dokku_core::AppName::new("api")?;
    /// let mappings = [PortMapping::http(80, 5000), PortMapping::https(443, 5000)];
    /// dokku.ports().set(&app, &mappings).await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// As [`Ports::add`].
    pub async fn set(self, app: &AppName, mappings: &[PortMapping]) -> Result<()> {
        self.change(PortsVerb::Set, app, mappings).await
    }

    /// Remove these mappings.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// use dokku_core::model::ports::PortMapping;
    /// let app = dokku_core::AppName::new("api")?;
    /// dokku.ports().remove(&app, &[PortMapping::http(8080, 5000)]).await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// As [`Ports::add`].
    pub async fn remove(self, app: &AppName, mappings: &[PortMapping]) -> Result<()> {
        self.change(PortsVerb::Remove, app, mappings).await
    }

    /// Remove every mapping on these host ports.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// let app = dokku_core::AppName::new("api")?;
    /// dokku.ports().remove_host_ports(&app, &[8080]).await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] for no ports or port 0 (nothing is sent), and
    /// the errors of [`Ports::add`].
    pub async fn remove_host_ports(self, app: &AppName, ports: &[u16]) -> Result<()> {
        let caps = self.dokku.capabilities().await?;
        let command = remove_host_ports_command(&caps, app, ports)?;
        self.dokku.run(&command).await.map(drop)
    }

    /// Remove every mapping (back to the detected ones).
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// dokku.ports().clear(&dokku_core::AppName::new("api")?).await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::AppNotFound`], [`Error::CommandFailed`] and [`Error::Transport`];
    /// the first call on a client also probes the host's version
    /// ([`Error::CommandFailed`], [`Error::Parse`], [`Error::Transport`]).
    pub async fn clear(self, app: &AppName) -> Result<()> {
        self.change(PortsVerb::Clear, app, &[]).await
    }
}
