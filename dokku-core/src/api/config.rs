//! `config:*`: an app's (or the global) environment variables.
//!
//! Values are secrets end to end. They are read with
//! `config:export --format json` (one invocation, every value, no text
//! scraping) into [`SecretString`]s, and written with `config:set --encoded`,
//! which base64-decodes each value on the host: a value with newlines,
//! quotes or leading dashes cannot be mangled by Dokku's SSH re-splitting,
//! and it never appears in a command line we display or store (each
//! argument shows as `KEY=***`). `config:set` echoes the values it set, so
//! its output is marked secret too.

use base64::Engine as _;

use crate::api::Scope;
use crate::client::Dokku;
use crate::command::{Arg, Command, TimeoutClass};
use crate::error::{Error, Result};
use crate::exec::OutputStream;
use crate::model::config::{ConfigVars, Unset};
use crate::name::{AppName, ConfigKey};
use crate::parse::{self, context};
use crate::secret::{SecretBytes, SecretString};

/// `config:export (<app>|--global) [--merged] --format json`.
pub fn export_command(scope: &Scope, merged: bool) -> Command {
    scope
        .apply(Command::read("config:export"))
        .arg_if(merged, "--merged")
        .args(["--format", "json"])
        .prints_secrets()
}

/// `config:get (<app>|--global) <key>`.
pub fn get_command(scope: &Scope, key: &ConfigKey) -> Command {
    scope
        .apply(Command::read("config:get"))
        .arg(key)
        .prints_secrets()
}

/// `config:bundle (<app>|--global) [--merged]`: a tar stream, one file per key.
pub fn bundle_command(scope: &Scope, merged: bool) -> Command {
    scope
        .apply(Command::read("config:bundle"))
        .arg_if(merged, "--merged")
        .prints_secrets()
}

/// `config:keys (<app>|--global) [--merged]`.
pub fn keys_command(scope: &Scope, merged: bool) -> Command {
    scope
        .apply(Command::read("config:keys"))
        .arg_if(merged, "--merged")
}

// Changing an app's config restarts it (unless told not to); the global
// config never restarts anything.
fn restart_class(command: Command, scope: &Scope, no_restart: bool) -> Command {
    match (scope, no_restart) {
        (Scope::App(_), false) => command.long_running(),
        // Nothing restarts: bounded, whatever the verb's usual class.
        _ => command.timeout(TimeoutClass::Bounded),
    }
}

/// `config:set --encoded [--no-restart] (<app>|--global) KEY=<base64>…`.
pub fn set_command(scope: &Scope, vars: &[(ConfigKey, SecretString)], no_restart: bool) -> Command {
    let engine = base64::engine::general_purpose::STANDARD;
    let mut command = Command::write("config:set")
        .arg("--encoded")
        .arg_if(no_restart, "--no-restart");
    command = scope.apply(command);
    for (key, value) in vars {
        command = command.push(Arg::assignment(
            key.as_str(),
            &engine.encode(value.expose()),
        ));
    }
    restart_class(command.prints_secrets(), scope, no_restart)
}

/// `config:unset [--no-restart] (<app>|--global) KEY…`.
pub fn unset_command(scope: &Scope, keys: &[ConfigKey], no_restart: bool) -> Command {
    let command = Command::write("config:unset").arg_if(no_restart, "--no-restart");
    let command = scope.apply(command).args(keys);
    restart_class(command, scope, no_restart)
}

/// `config:clear [--no-restart] (<app>|--global)`.
pub fn clear_command(scope: &Scope, no_restart: bool) -> Command {
    let command = Command::write("config:clear").arg_if(no_restart, "--no-restart");
    restart_class(scope.apply(command), scope, no_restart)
}

/// Handler for `config:*`; see [`Dokku::config`].
#[derive(Debug, Clone, Copy)]
pub struct Config<'a> {
    dokku: &'a Dokku,
}

impl<'a> Config<'a> {
    pub(crate) fn new(dokku: &'a Dokku) -> Self {
        Self { dokku }
    }

    /// Every variable of an app, or the global ones.
    pub async fn export(self, scope: impl Into<Scope>) -> Result<ConfigVars> {
        self.export_with(&export_command(&scope.into(), false))
            .await
    }

    /// An app's variables merged with the global ones, as the app sees them.
    pub async fn export_merged(self, app: &AppName) -> Result<ConfigVars> {
        self.export_with(&export_command(&Scope::from(app), true))
            .await
    }

    async fn export_with(self, command: &Command) -> Result<ConfigVars> {
        let output = self.dokku.run(command).await?;
        context(command, parse::config::export_json(&output.stdout_lossy()))
    }

    /// One variable; `None` if it is not set.
    pub async fn get(
        &self,
        scope: impl Into<Scope>,
        key: &ConfigKey,
    ) -> Result<Option<SecretString>> {
        let command = get_command(&scope.into(), key);
        let output = self.dokku.execute(&command).await?;
        // A missing key is exit 1 with no output at all.
        if output.status.as_code() == Some(1)
            && output.stdout.is_empty()
            && output.stderr.is_empty()
        {
            return Ok(None);
        }
        let output = parse::expect_success(&command, output)?;
        Ok(Some(parse::config::get(&output.stdout_lossy())))
    }

    /// The names of the variables, sorted.
    pub async fn keys(self, scope: impl Into<Scope>) -> Result<Vec<ConfigKey>> {
        let command = keys_command(&scope.into(), false);
        let output = self.dokku.run(&command).await?;
        context(&command, parse::config::keys(&output.stdout_lossy()))
    }

    /// The variables as a tar archive (one file per key, the value as its
    /// content), as `config:bundle` prints it. Every byte is secret.
    pub async fn bundle(self, scope: impl Into<Scope>) -> Result<SecretBytes> {
        let command = bundle_command(&scope.into(), false);
        let output = self.dokku.run(&command).await?;
        Ok(SecretBytes::new(output.stdout))
    }

    /// Set variables; finish with [`SetConfig::send`].
    pub fn set(self, scope: impl Into<Scope>) -> SetConfig<'a> {
        SetConfig {
            dokku: self.dokku,
            scope: scope.into(),
            vars: Vec::new(),
            no_restart: false,
        }
    }

    /// Unset variables; finish with [`UnsetConfig::send`].
    pub fn unset(self, scope: impl Into<Scope>) -> UnsetConfig<'a> {
        UnsetConfig {
            dokku: self.dokku,
            scope: scope.into(),
            keys: Vec::new(),
            no_restart: false,
        }
    }

    /// Remove every variable (Dokku's own, such as `NO_VHOST`, too).
    /// Restarts the app unless `no_restart`. Returns the keys Dokku unset.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// let cleared = dokku.config().clear(&dokku_core::AppName::new("api")?, true).await?;
    /// println!("unset {} keys", cleared.len());
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::AppNotFound`], [`Error::Parse`] and the other command errors.
    pub async fn clear(self, scope: impl Into<Scope>, no_restart: bool) -> Result<Vec<ConfigKey>> {
        let command = clear_command(&scope.into(), no_restart);
        let output = self.dokku.run(&command).await?;
        let unset = context(&command, parse::config::unset(&output.stdout_lossy()))?;
        Ok(unset.unset)
    }
}

/// Builder for `config:set`.
#[derive(Debug)]
#[must_use = "nothing is sent until .send() is awaited"]
pub struct SetConfig<'a> {
    dokku: &'a Dokku,
    scope: Scope,
    vars: Vec<(ConfigKey, SecretString)>,
    no_restart: bool,
}

impl SetConfig<'_> {
    /// Set `key` to `value`.
    pub fn var(mut self, key: ConfigKey, value: impl Into<SecretString>) -> Self {
        self.vars.push((key, value.into()));
        self
    }

    /// Set several variables.
    pub fn vars(mut self, vars: impl IntoIterator<Item = (ConfigKey, SecretString)>) -> Self {
        self.vars.extend(vars);
        self
    }

    /// Do not restart the app.
    pub fn no_restart(mut self) -> Self {
        self.no_restart = true;
        self
    }

    /// The command this builder would send; refuses an empty set.
    pub fn command(&self) -> Result<Command> {
        if self.vars.is_empty() {
            return Err(Error::InvalidArgument {
                what: "config:set",
                reason: "no variables given; use .var(key, value)".to_owned(),
            });
        }
        Ok(set_command(&self.scope, &self.vars, self.no_restart))
    }

    /// Set the variables (and wait for the restart).
    pub async fn send(self) -> Result<()> {
        self.dokku.run(&self.command()?).await.map(drop)
    }

    /// Set the variables, streaming Dokku's output (the restart). The
    /// output echoes the values: treat it as secret.
    pub async fn stream(self) -> Result<OutputStream> {
        self.dokku.stream(&self.command()?).await
    }
}

/// Builder for `config:unset`.
#[derive(Debug)]
#[must_use = "nothing is sent until .send() is awaited"]
pub struct UnsetConfig<'a> {
    dokku: &'a Dokku,
    scope: Scope,
    keys: Vec<ConfigKey>,
    no_restart: bool,
}

impl UnsetConfig<'_> {
    /// Unset `key`.
    pub fn key(mut self, key: ConfigKey) -> Self {
        self.keys.push(key);
        self
    }

    /// Unset several keys.
    pub fn keys(mut self, keys: impl IntoIterator<Item = ConfigKey>) -> Self {
        self.keys.extend(keys);
        self
    }

    /// Do not restart the app.
    pub fn no_restart(mut self) -> Self {
        self.no_restart = true;
        self
    }

    /// The command this builder would send; refuses an empty list.
    pub fn command(&self) -> Result<Command> {
        if self.keys.is_empty() {
            return Err(Error::InvalidArgument {
                what: "config:unset",
                reason: "no keys given; use .key(key)".to_owned(),
            });
        }
        Ok(unset_command(&self.scope, &self.keys, self.no_restart))
    }

    /// Unset the keys (and wait for the restart). Returns which keys Dokku
    /// unset and which it skipped because they were not set.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// use dokku_core::{AppName, ConfigKey};
    /// let done = dokku
    ///     .config()
    ///     .unset(&AppName::new("api")?)
    ///     .key(ConfigKey::new("OLD_FLAG")?)
    ///     .no_restart()
    ///     .send()
    ///     .await?;
    /// if !done.skipped.is_empty() {
    ///     println!("not set: {:?}", done.skipped);
    /// }
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] for no keys, [`Error::AppNotFound`],
    /// [`Error::Parse`] and the other command errors.
    pub async fn send(self) -> Result<Unset> {
        let command = self.command()?;
        let output = self.dokku.run(&command).await?;
        context(&command, parse::config::unset(&output.stdout_lossy()))
    }
}
