//! The proxies' own verbs: nginx (`nginx:*`, the default) and the
//! compose-based caddy, haproxy, openresty and traefik (`<proxy>:*`).
//! Which proxy an app uses is `proxy:set` ([`crate::api::proxy`]); each
//! proxy's properties and report are generic
//! (`dokku.properties(&plugins::NGINX)`, `dokku.report::<NginxReport>()`).
//!
//! Recorded on 0.38.27: `nginx:show-config` prints the generated
//! `nginx.conf`; `nginx:access-logs`/`error-logs` without `-t` print the
//! log's tail; the compose proxies' `show-config` needs docker compose;
//! `labels:show` prints `=====> <app> <proxy> labels` and `key=value`
//! lines (none: a warning, exit 0), one label's value alone.

use std::collections::BTreeMap;

use crate::api::lines::{self, LineStream};
use crate::catalog::{plugins, Plugin};
use crate::client::Dokku;
use crate::command::{Command, TimeoutClass};
use crate::error::{Error, Result};
use crate::name::AppName;
use crate::parse::{self, context};

/// A proxy plugin.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ProxyKind {
    /// nginx (nginx-vhosts), Dokku's default.
    Nginx,
    /// caddy (caddy-docker-proxy, via docker compose).
    Caddy,
    /// haproxy (easy-haproxy, via docker compose).
    Haproxy,
    /// openresty (openresty-docker-proxy, via docker compose).
    Openresty,
    /// traefik (via docker compose).
    Traefik,
}

impl ProxyKind {
    /// Its catalog entry.
    pub fn plugin(self) -> &'static Plugin {
        match self {
            Self::Nginx => &plugins::NGINX,
            Self::Caddy => &plugins::CADDY,
            Self::Haproxy => &plugins::HAPROXY,
            Self::Openresty => &plugins::OPENRESTY,
            Self::Traefik => &plugins::TRAEFIK,
        }
    }

    /// Whether it runs as a compose project with container labels.
    pub fn is_compose(self) -> bool {
        self != Self::Nginx
    }

    fn sub(self, verb: &str) -> String {
        self.plugin().subcommand(verb)
    }
}

fn nginx_only(kind: ProxyKind, what: &'static str) -> Result<()> {
    if kind == ProxyKind::Nginx {
        Ok(())
    } else {
        Err(Error::InvalidArgument {
            what,
            reason: format!("only nginx has it, not {}", kind.plugin().name),
        })
    }
}

fn compose_only(kind: ProxyKind, what: &'static str) -> Result<()> {
    if kind.is_compose() {
        Ok(())
    } else {
        Err(Error::InvalidArgument {
            what,
            reason: "nginx has no container labels".to_owned(),
        })
    }
}

/// `<proxy>:show-config <app>`.
pub fn show_config_command(kind: ProxyKind, app: &AppName) -> Command {
    Command::read(kind.sub("show-config")).app_arg(app)
}

/// `<proxy>:start`, `<proxy>:stop`, or (nginx) `nginx:reload`.
///
/// # Errors
///
/// [`Error::InvalidArgument`] for `reload` of a compose proxy or any other verb.
pub fn server_command(kind: ProxyKind, verb: &str) -> Result<Command> {
    match verb {
        "start" | "stop" => Ok(Command::write(kind.sub(verb)).long_running()),
        "reload" => {
            nginx_only(kind, "nginx:reload").map(|()| Command::write(kind.sub(verb)).long_running())
        }
        _ => Err(Error::InvalidArgument {
            what: "proxy",
            reason: "expected start, stop or reload".to_owned(),
        }),
    }
}

/// `nginx:validate-config [<app>] [--clean]`.
///
/// # Errors
///
/// [`Error::InvalidArgument`] for another proxy.
pub fn validate_config_command(
    kind: ProxyKind,
    app: Option<&AppName>,
    clean: bool,
) -> Result<Command> {
    nginx_only(kind, "nginx:validate-config")?;
    let mut command = Command::write("nginx:validate-config");
    if let Some(app) = app {
        command = command.app_arg(app);
    }
    Ok(command.arg_if(clean, "--clean"))
}

/// `nginx:access-logs <app> [-t]` (`error`: `nginx:error-logs`).
///
/// # Errors
///
/// [`Error::InvalidArgument`] for another proxy.
pub fn logs_command(kind: ProxyKind, app: &AppName, error: bool, follow: bool) -> Result<Command> {
    nginx_only(kind, "nginx:access-logs")?;
    let sub = if error {
        "nginx:error-logs"
    } else {
        "nginx:access-logs"
    };
    let command = Command::read(sub).app_arg(app).arg_if(follow, "-t");
    Ok(if follow {
        command.timeout(TimeoutClass::Follow)
    } else {
        command
    })
}

/// `<proxy>:labels:show <app> [<label>]`.
///
/// # Errors
///
/// [`Error::InvalidArgument`] for nginx or a label that is not one word.
pub fn labels_show_command(kind: ProxyKind, app: &AppName, label: Option<&str>) -> Result<Command> {
    compose_only(kind, "labels:show")?;
    let mut command = Command::read(kind.sub("labels:show")).app_arg(app);
    if let Some(label) = label {
        command = command.arg(super::word("labels:show", "label", label)?);
    }
    Ok(command)
}

/// `<proxy>:labels:add <app> <label> <value>` (`value: None`:
/// `labels:remove <app> <label>`).
///
/// # Errors
///
/// [`Error::InvalidArgument`] for nginx, a label that is not one word or an
/// empty value.
pub fn label_command(
    kind: ProxyKind,
    app: &AppName,
    label: &str,
    value: Option<&str>,
) -> Result<Command> {
    compose_only(kind, "labels:add")?;
    let label = super::word("labels:add", "label", label)?;
    match value {
        Some(value) => {
            if value.is_empty() {
                return Err(Error::InvalidArgument {
                    what: "labels:add",
                    reason: "the value is empty; remove the label instead".to_owned(),
                });
            }
            Ok(Command::write(kind.sub("labels:add"))
                .app_arg(app)
                .arg(label)
                .arg(value))
        }
        None => Ok(Command::write(kind.sub("labels:remove"))
            .app_arg(app)
            .arg(label)),
    }
}

/// Handler for one proxy's verbs; see [`Dokku::proxy_server`].
#[derive(Debug, Clone, Copy)]
pub struct ProxyServer<'a> {
    dokku: &'a Dokku,
    kind: ProxyKind,
}

impl Dokku {
    /// Handler for a proxy plugin's own verbs (`nginx:*`, `caddy:*` …).
    pub fn proxy_server(&self, kind: ProxyKind) -> ProxyServer<'_> {
        ProxyServer { dokku: self, kind }
    }
}

impl ProxyServer<'_> {
    /// The proxy configuration generated for the app (nginx: the
    /// `nginx.conf`; compose proxies: the compose file).
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// use dokku_core::api::proxies::ProxyKind;
    /// let conf = dokku.proxy_server(ProxyKind::Nginx).show_config(&dokku_core::AppName::new("api")?).await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::AppNotFound`], [`Error::CommandFailed`] (a compose proxy
    /// without docker compose) and transport errors.
    pub async fn show_config(self, app: &AppName) -> Result<String> {
        let output = self.dokku.run(&show_config_command(self.kind, app)).await?;
        Ok(output.stdout_lossy().into_owned())
    }

    /// Start the proxy.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// dokku.proxy_server(dokku_core::api::proxies::ProxyKind::Caddy).start().await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// The command errors.
    pub async fn start(self) -> Result<()> {
        self.server("start").await
    }

    /// Stop the proxy.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// dokku.proxy_server(dokku_core::api::proxies::ProxyKind::Caddy).stop().await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// The command errors.
    pub async fn stop(self) -> Result<()> {
        self.server("stop").await
    }

    /// Reload nginx's configuration.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// dokku.proxy_server(dokku_core::api::proxies::ProxyKind::Nginx).reload().await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] for another proxy, and the command errors.
    pub async fn reload(self) -> Result<()> {
        self.server("reload").await
    }

    async fn server(self, verb: &str) -> Result<()> {
        let command = server_command(self.kind, verb)?;
        self.dokku.run(&command).await.map(drop)
    }

    /// Validate nginx's configurations (of one app, or all), removing the
    /// invalid ones with `clean`.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// use dokku_core::api::proxies::ProxyKind;
    /// dokku.proxy_server(ProxyKind::Nginx).validate_config(None, false).await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] for another proxy,
    /// [`Error::CommandFailed`] for an invalid configuration.
    pub async fn validate_config(self, app: Option<&AppName>, clean: bool) -> Result<()> {
        let command = validate_config_command(self.kind, app, clean)?;
        self.dokku.run(&command).await.map(drop)
    }

    /// The tail of nginx's access log (`error`: the error log) for the
    /// app, line by line.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// use dokku_core::api::proxies::ProxyKind;
    /// let app = dokku_core::AppName::new("api")?;
    /// let lines = dokku.proxy_server(ProxyKind::Nginx).logs(&app, false).await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] for another proxy, and the command errors.
    pub async fn logs(self, app: &AppName, error: bool) -> Result<Vec<String>> {
        let command = logs_command(self.kind, app, error, false)?;
        let output = self.dokku.run(&command).await?;
        Ok(output.stdout_lossy().lines().map(str::to_owned).collect())
    }

    /// nginx's access (or error) log for the app, followed (`-t`) until
    /// the stream is dropped.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// use dokku_core::api::proxies::ProxyKind;
    /// use futures_util::StreamExt;
    /// let app = dokku_core::AppName::new("api")?;
    /// let mut lines = dokku.proxy_server(ProxyKind::Nginx).follow_logs(&app, false).await?;
    /// while let Some(line) = lines.next().await {
    ///     println!("{}", line?);
    /// }
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] for another proxy, and transport errors;
    /// a failure at the end is the stream's last item.
    pub async fn follow_logs(self, app: &AppName, error: bool) -> Result<LineStream<String>> {
        let command = logs_command(self.kind, app, error, true)?;
        let inner = self.dokku.stream(&command).await?;
        Ok(lines::text_lines(command, inner))
    }

    /// The app's container labels for this proxy (compose proxies).
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// use dokku_core::api::proxies::ProxyKind;
    /// let labels = dokku.proxy_server(ProxyKind::Traefik).labels(&dokku_core::AppName::new("api")?).await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] for nginx, [`Error::Parse`] and the
    /// command errors.
    pub async fn labels(self, app: &AppName) -> Result<BTreeMap<String, String>> {
        let command = labels_show_command(self.kind, app, None)?;
        let output = self.dokku.run(&command).await?;
        context(&command, parse::proxies::labels(&output.stdout_lossy()))
    }

    /// Add (or replace) a container label.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// use dokku_core::api::proxies::ProxyKind;
    /// let app = dokku_core::AppName::new("api")?;
    /// dokku.proxy_server(ProxyKind::Caddy).add_label(&app, "caddy.encode", "gzip").await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] (nothing sent) and the command errors.
    pub async fn add_label(self, app: &AppName, label: &str, value: &str) -> Result<()> {
        let command = label_command(self.kind, app, label, Some(value))?;
        self.dokku.run(&command).await.map(drop)
    }

    /// Remove a container label.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// use dokku_core::api::proxies::ProxyKind;
    /// let app = dokku_core::AppName::new("api")?;
    /// dokku.proxy_server(ProxyKind::Caddy).remove_label(&app, "caddy.encode").await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// As [`ProxyServer::add_label`].
    pub async fn remove_label(self, app: &AppName, label: &str) -> Result<()> {
        let command = label_command(self.kind, app, label, None)?;
        self.dokku.run(&command).await.map(drop)
    }
}
