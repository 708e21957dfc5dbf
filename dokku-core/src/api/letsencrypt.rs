//! `letsencrypt:*`: certificates from Let's Encrypt (the dokku-letsencrypt
//! plugin, <https://github.com/dokku/dokku-letsencrypt>).
//!
//! Every command requires the plugin: on a host without it the client
//! answers [`Error::Unsupported`] before sending anything. One app's report
//! and the global one are read as JSON from a plugin that has
//! `--format json` ([`has_json_report`]), as text before; every app's is
//! read as text, since the JSON form prints one object per app without
//! naming it. `letsencrypt:set` echoes the value it sets
//! (`Setting <key> to <value>`), so credential values (the
//! `dns-provider-*` environment of lego's DNS providers) go as secret
//! arguments and the command's output is marked secret.

use crate::api::{Format, Scope, Target};
use crate::client::Dokku;
use crate::command::{Arg, Command, Requirement};
use crate::error::{Error, Result};
use crate::model::letsencrypt::{LetsencryptListEntry, LetsencryptReport};
use crate::name::{AppName, PluginName};
use crate::parse::{self, context};
use crate::secret::SecretString;

/// The plugin's name in `plugin:list`.
pub const PLUGIN: &str = "letsencrypt";

fn requirement() -> Result<Requirement> {
    PluginName::new(PLUGIN)
        .map(Requirement::Plugin)
        .map_err(|e| Error::InvalidArgument {
            what: "letsencrypt",
            reason: e.to_string(),
        })
}

fn read(subcommand: &str) -> Result<Command> {
    Ok(Command::read(subcommand).requires(requirement()?))
}

fn write(subcommand: &str) -> Result<Command> {
    Ok(Command::write(subcommand).requires(requirement()?))
}

/// The first dokku-letsencrypt release whose `letsencrypt:report` takes
/// `--format json`: 0.20.4, as dokku/docket's letsencrypt property task
/// states (`tasks/letsencrypt_property_task.go`); the plugin's own history
/// of `plugin.toml` was not available to confirm it.
pub const JSON_REPORT_SINCE: (u64, u64, u64) = (0, 20, 4);

/// Whether a dokku-letsencrypt of this version (as `plugin:list` shows
/// it) has `letsencrypt:report --format json`; an unreadable version
/// answers no.
pub fn has_json_report(version: &str) -> bool {
    crate::model::service::parse_version(version).is_some_and(|v| v >= JSON_REPORT_SINCE)
}

// `--format json` as two arguments (the plugin reads the value from the
// next one); text leaves the command as it is. Not `Format::apply`, which
// would require a Dokku version: the plugin's version is what counts.
fn with_format(command: Command, format: Format) -> Command {
    match format {
        Format::Json => command.args(["--format", "json"]),
        Format::Text => command,
    }
}

/// `letsencrypt:report <app> [--format json]`.
pub fn report_command(app: &AppName, format: Format) -> Result<Command> {
    Ok(with_format(
        read("letsencrypt:report")?.app_arg(app),
        format,
    ))
}

/// `letsencrypt:report` for every app (text).
pub fn report_all_command() -> Result<Command> {
    read("letsencrypt:report")
}

/// `letsencrypt:report --global [--format json]`.
pub fn report_global_command(format: Format) -> Result<Command> {
    Ok(with_format(
        read("letsencrypt:report")?.arg("--global"),
        format,
    ))
}

/// `letsencrypt:list`.
pub fn list_command() -> Result<Command> {
    read("letsencrypt:list")
}

/// `letsencrypt:active <app>`: prints `true` or `false`.
pub fn active_command(app: &AppName) -> Result<Command> {
    Ok(read("letsencrypt:active")?.app_arg(app))
}

/// `letsencrypt:enable (<app>|--all)`: obtain or renew certificates.
pub fn enable_command(target: &Target) -> Result<Command> {
    let command = write("letsencrypt:enable")?.long_running();
    Ok(match target {
        Target::App(app) => command.app_arg(app),
        Target::All => command.arg("--all"),
    })
}

/// `letsencrypt:disable <app>`: remove the certificate and the plugin's
/// files for the app.
pub fn disable_command(app: &AppName) -> Result<Command> {
    Ok(write("letsencrypt:disable")?.app_arg(app).long_running())
}

/// `letsencrypt:auto-renew [<app>]`: renew what is due (every app when
/// `app` is `None`).
pub fn auto_renew_command(app: Option<&AppName>) -> Result<Command> {
    let command = write("letsencrypt:auto-renew")?.long_running();
    Ok(match app {
        Some(app) => command.app_arg(app),
        None => command,
    })
}

/// `letsencrypt:cleanup <app>`: remove stale certificate directories.
pub fn cleanup_command(app: &AppName) -> Result<Command> {
    Ok(write("letsencrypt:cleanup")?.app_arg(app))
}

/// `letsencrypt:revoke <app>`.
pub fn revoke_command(app: &AppName) -> Result<Command> {
    Ok(write("letsencrypt:revoke")?.app_arg(app).long_running())
}

/// `letsencrypt:cron-job --add` or `--remove`.
pub fn cron_job_command(add: bool) -> Result<Command> {
    Ok(write("letsencrypt:cron-job")?.arg(if add { "--add" } else { "--remove" }))
}

/// A `letsencrypt:set` property.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum LetsencryptProperty {
    /// `email`: the ACME account address.
    Email,
    /// `server`: the ACME directory (`default`, `staging` or a URL).
    Server,
    /// `graceperiod`: seconds before expiry at which to renew (the
    /// certificate's remaining lifetime that triggers a renewal).
    Graceperiod,
    /// `dns-provider`: a lego DNS provider name, for DNS-01 challenges.
    DnsProvider,
    /// `lego-docker-args`: extra `docker run` arguments for lego.
    LegoDockerArgs,
    /// `dns-provider-<VAR>`: an environment variable for the DNS provider
    /// (usually a credential; always sent and echoed as a secret).
    DnsProviderEnv(String),
}

impl LetsencryptProperty {
    /// The property key.
    pub fn key(&self) -> String {
        match self {
            LetsencryptProperty::Email => "email".to_owned(),
            LetsencryptProperty::Server => "server".to_owned(),
            LetsencryptProperty::Graceperiod => "graceperiod".to_owned(),
            LetsencryptProperty::DnsProvider => "dns-provider".to_owned(),
            LetsencryptProperty::LegoDockerArgs => "lego-docker-args".to_owned(),
            LetsencryptProperty::DnsProviderEnv(var) => format!("dns-provider-{var}"),
        }
    }

    /// Whether values of this property are credentials.
    pub fn is_secret(&self) -> bool {
        matches!(self, LetsencryptProperty::DnsProviderEnv(_))
    }
}

/// `letsencrypt:set (<app>|--global) <key> [<value>]`; no value unsets.
/// Values of credential properties are sent as secrets.
pub fn set_command(
    scope: &Scope,
    property: &LetsencryptProperty,
    value: Option<&SecretString>,
) -> Result<Command> {
    if let LetsencryptProperty::DnsProviderEnv(var) = property {
        let ok = !var.is_empty()
            && var
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_');
        if !ok {
            return Err(Error::InvalidArgument {
                what: "letsencrypt:set",
                reason: "a DNS provider variable is upper-case letters, digits and '_'".to_owned(),
            });
        }
    }
    if value.is_some_and(|v| v.is_empty()) {
        return Err(Error::InvalidArgument {
            what: "letsencrypt:set",
            reason: "an empty value unsets; pass no value instead".to_owned(),
        });
    }
    let value = value.map(|v| {
        if property.is_secret() {
            Arg::Secret(v.clone())
        } else {
            Arg::Plain(v.expose().to_owned())
        }
    });
    let command = crate::api::property_command("letsencrypt:set", scope, &property.key(), value);
    Ok(command.requires(requirement()?))
}

/// Handler for `letsencrypt:*`; see [`Dokku::letsencrypt`].
#[derive(Debug, Clone, Copy)]
pub struct Letsencrypt<'a> {
    dokku: &'a Dokku,
}

impl<'a> Letsencrypt<'a> {
    pub(crate) fn new(dokku: &'a Dokku) -> Self {
        Self { dokku }
    }

    // JSON when the installed plugin has it. The capability probe's error
    // is the caller's: the plugin requirement needs the probe anyway.
    async fn format(self) -> Result<Format> {
        let caps = self.dokku.capabilities().await?;
        Ok(match caps.plugin(PLUGIN) {
            Some(p) if has_json_report(&p.version) => Format::Json,
            _ => Format::Text,
        })
    }

    // Run the report in `format`; a plugin that turns `--format` away (it
    // takes it for an info flag: `Invalid flag passed`, when the version
    // bound is wrong for it) is asked again for text.
    async fn report_in(
        self,
        build: impl Fn(Format) -> Result<Command>,
    ) -> Result<LetsencryptReport> {
        let mut format = self.format().await?;
        loop {
            let command = build(format)?;
            let output = match self.dokku.run(&command).await {
                Err(Error::CommandFailed { ref message, .. })
                    if format.is_json() && message.contains("Invalid flag passed") =>
                {
                    format = Format::Text;
                    continue;
                }
                other => other?,
            };
            let stdout = output.stdout_lossy();
            return context(
                &command,
                if format.is_json() {
                    parse::letsencrypt::report_json(&stdout)
                } else {
                    parse::letsencrypt::report(&stdout)
                },
            );
        }
    }

    /// `letsencrypt:report` for one app (JSON where the plugin has it).
    pub async fn report(self, app: &AppName) -> Result<LetsencryptReport> {
        let mut report = self.report_in(|f| report_command(app, f)).await?;
        report.app = Some(app.clone());
        Ok(report)
    }

    /// `letsencrypt:report` for every app.
    pub async fn report_all(self) -> Result<Vec<LetsencryptReport>> {
        let command = report_all_command()?;
        let output = self.dokku.run(&command).await?;
        context(
            &command,
            parse::letsencrypt::report_all(&output.stdout_lossy()),
        )
    }

    /// The global settings (`letsencrypt:report --global`, JSON where the
    /// plugin has it).
    pub async fn report_global(self) -> Result<LetsencryptReport> {
        let mut report = self.report_in(report_global_command).await?;
        report.app = None;
        Ok(report)
    }

    /// Apps with letsencrypt certificates, their expiry and renewal times.
    pub async fn list(self) -> Result<Vec<LetsencryptListEntry>> {
        let command = list_command()?;
        let output = self.dokku.run(&command).await?;
        context(&command, parse::letsencrypt::list(&output.stdout_lossy()))
    }

    /// Whether the app serves its letsencrypt certificate.
    pub async fn active(self, app: &AppName) -> Result<bool> {
        let command = active_command(app)?;
        let output = self.dokku.run(&command).await?;
        let text = output.stdout_lossy();
        context(
            &command,
            parse::report::parse_bool("letsencrypt:active", "active", text.trim())
                .map(|b| b.unwrap_or(false)),
        )
    }

    /// Obtain (or renew) a certificate.
    pub async fn enable(self, target: impl Into<Target>) -> Result<()> {
        self.dokku
            .run(&enable_command(&target.into())?)
            .await
            .map(drop)
    }

    /// Remove the app's letsencrypt certificate.
    pub async fn disable(self, app: &AppName) -> Result<()> {
        self.dokku.run(&disable_command(app)?).await.map(drop)
    }

    /// Renew the app's certificate if due.
    pub async fn auto_renew(self, app: &AppName) -> Result<()> {
        self.dokku
            .run(&auto_renew_command(Some(app))?)
            .await
            .map(drop)
    }

    /// Renew every certificate that is due.
    pub async fn auto_renew_all(self) -> Result<()> {
        self.dokku.run(&auto_renew_command(None)?).await.map(drop)
    }

    /// Remove stale certificate directories.
    pub async fn cleanup(self, app: &AppName) -> Result<()> {
        self.dokku.run(&cleanup_command(app)?).await.map(drop)
    }

    /// Revoke the app's certificate.
    pub async fn revoke(self, app: &AppName) -> Result<()> {
        self.dokku.run(&revoke_command(app)?).await.map(drop)
    }

    /// Install (`true`) or remove the daily renewal cron job.
    pub async fn cron_job(self, add: bool) -> Result<()> {
        self.dokku.run(&cron_job_command(add)?).await.map(drop)
    }

    /// Set a property for an app or globally.
    pub async fn set(
        self,
        scope: impl Into<Scope>,
        property: &LetsencryptProperty,
        value: &SecretString,
    ) -> Result<()> {
        let command = set_command(&scope.into(), property, Some(value))?;
        self.dokku.run(&command).await.map(drop)
    }

    /// Unset a property for an app or globally.
    pub async fn unset(
        self,
        scope: impl Into<Scope>,
        property: &LetsencryptProperty,
    ) -> Result<()> {
        let command = set_command(&scope.into(), property, None)?;
        self.dokku.run(&command).await.map(drop)
    }
}
