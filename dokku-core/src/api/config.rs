//! `config:*`: an app's (or the global) environment variables.
//!
//! Values are secrets end to end. They are read with
//! `config:export --format json` (one invocation, every value, no text
//! scraping) into [`SecretString`]s.
//!
//! They are written where no command line carries them: on a host with
//! `config:import` (Dokku ≥ 0.37.0), [`Config::set`] sends
//! `dokku --quiet config:import --format json <app> -` with the values as a
//! JSON object on standard input, so they never appear in the remote
//! argv (the host's process list, `SSH_ORIGINAL_COMMAND`, auditd's execve
//! records, the SSH client's debug tracing) and are not bound by the
//! 128 KiB command line. `--quiet` keeps Dokku from echoing them back
//! (`config:import` prints every value twice otherwise), and JSON, not
//! Dokku's default `envfile` format, is what keeps them exact: an envfile
//! on stdin is parsed by the same reader that corrupts values, expands
//! `$VAR`, drops comments, and writes an invalid key's leftovers to a file
//! named `-` that later imports read instead of stdin. Older hosts get
//! `config:set --encoded`, which base64-decodes each value on the host
//! (values shown as `KEY=***` wherever the command is displayed or
//! stored). Both print or echo values, so their output is marked secret.
//!
//! Whatever the transport, Dokku writes the values with godotenv, which
//! corrupts some of them (a value ending in `\` or `"`, integers such as
//! `007`): every builder here refuses those before anything is sent
//! ([`StoreRules`], [`Error::UnstorableConfigValue`]). A stored
//! environment that is already corrupt makes reads and writes fail with
//! [`Error::CorruptConfig`].

use base64::Engine as _;

use std::collections::BTreeMap;

use crate::api::Scope;
use crate::client::{versions, Capabilities, Dokku};
use crate::command::{Arg, Command, TimeoutClass};
use crate::error::{Error, Result};
use crate::exec::OutputStream;
use crate::model::config::{ConfigVars, StoreRules, Unset};
use crate::name::{AppName, ConfigKey};
use crate::parse::{self, context};
use crate::secret::{SecretBytes, SecretString};

/// `config:export (<app>|--global) [--merged] --format json`.
pub fn export_command(scope: &Scope, merged: bool) -> Command {
    scope
        .apply(Command::read("config:export"))
        .arg_if(merged, "--merged")
        .args(["--format", "json"])
}

/// `config:get (<app>|--global) <key>`.
pub fn get_command(scope: &Scope, key: &ConfigKey) -> Command {
    scope.apply(Command::read("config:get")).arg(key)
}

/// `config:bundle (<app>|--global) [--merged]`: a tar stream, one file per key.
pub fn bundle_command(scope: &Scope, merged: bool) -> Command {
    scope
        .apply(Command::read("config:bundle"))
        .arg_if(merged, "--merged")
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

// Refuses an empty list; `reason` says how to fill it.
fn refuse_empty<T>(what: &'static str, items: &[T], reason: &str) -> Result<()> {
    if items.is_empty() {
        return Err(Error::InvalidArgument {
            what,
            reason: reason.to_owned(),
        });
    }
    Ok(())
}

// Refuses no variables, then any value `rules` say the host would store
// corrupted: what every `config:set`/`config:import` builder checks first.
fn checked(
    what: &'static str,
    rules: StoreRules,
    vars: &[(ConfigKey, SecretString)],
) -> Result<()> {
    refuse_empty(what, vars, "no variables given; use .var(key, value)")?;
    rules.check_all(vars.iter().map(|(k, v)| (k, v)))
}

/// `config:set --encoded [--no-restart] (<app>|--global) KEY=<base64>…`,
/// for any Dokku. Refuses an empty list, and any value Dokku would store
/// corrupted on some host ([`StoreRules::ANY_HOST`]); see
/// [`set_command_for`] to send what a known host takes, the way
/// [`Config::set`] does.
///
/// # Errors
///
/// [`Error::InvalidArgument`] for an empty list,
/// [`Error::UnstorableConfigValue`] for a value some host would store
/// corrupted.
pub fn set_command(
    scope: &Scope,
    vars: &[(ConfigKey, SecretString)],
    no_restart: bool,
) -> Result<Command> {
    checked("config:set", StoreRules::ANY_HOST, vars)?;
    Ok(encoded_set(scope, vars, no_restart))
}

fn encoded_set(scope: &Scope, vars: &[(ConfigKey, SecretString)], no_restart: bool) -> Command {
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
    restart_class(command, scope, no_restart)
}

/// `dokku --quiet config:import --format json [--no-restart] [--replace]
/// (<app>|--global) -` with the variables as one JSON object on stdin
/// (Dokku ≥ 0.37.0; the command requires it). `--replace` first removes
/// every variable not in the object. Refuses an empty list (Dokku would
/// say `No config vars to set`) and any value Dokku would store corrupted
/// on some host ([`StoreRules::ANY_HOST`]).
///
/// `config:import` echoes every value twice (`Setting config var K=V`,
/// then the `config:set` list); `--quiet` silences both, and the output
/// is marked secret anyway.
///
/// # Errors
///
/// As [`set_command`].
pub fn import_command(
    scope: &Scope,
    vars: &[(ConfigKey, SecretString)],
    no_restart: bool,
    replace: bool,
) -> Result<Command> {
    checked("config:import", StoreRules::ANY_HOST, vars)?;
    json_import(scope, vars, no_restart, replace)
}

fn json_import(
    scope: &Scope,
    vars: &[(ConfigKey, SecretString)],
    no_restart: bool,
    replace: bool,
) -> Result<Command> {
    // Borrowed, so the only copy of the values is the stdin buffer (zeroed
    // on drop). A key given twice keeps its last value, as `config:set`
    // does.
    let object: BTreeMap<&str, &str> = vars.iter().map(|(k, v)| (k.as_str(), v.expose())).collect();
    let json = serde_json::to_vec(&object).map_err(|e| Error::InvalidArgument {
        what: "config:import",
        reason: format!("the variables could not be encoded as JSON: {e}"),
    })?;
    let command = Command::write("config:import")
        .quiet()
        .args(["--format", "json"])
        .arg_if(no_restart, "--no-restart")
        .arg_if(replace, "--replace");
    let command = scope.apply(command).arg("-").stdin(json);
    Ok(restart_class(command, scope, no_restart))
}

/// What [`Config::import`] sends to this host: [`import_command`], refusing
/// any value this host would store corrupted ([`StoreRules::for_host`]).
/// A host older than 0.37.0 is refused when the command is run
/// ([`Error::Unsupported`]).
///
/// # Errors
///
/// [`Error::InvalidArgument`] for an empty list,
/// [`Error::UnstorableConfigValue`] for a value this host would store
/// corrupted.
pub fn import_command_for(
    caps: &Capabilities,
    scope: &Scope,
    vars: &[(ConfigKey, SecretString)],
    no_restart: bool,
    replace: bool,
) -> Result<Command> {
    checked("config:import", StoreRules::for_host(caps), vars)?;
    json_import(scope, vars, no_restart, replace)
}

/// What [`Config::set`] sends to this host: `config:import` with JSON on
/// stdin where the host has it (Dokku ≥ 0.37.0), `config:set --encoded`
/// before; refusing any value this host would store corrupted
/// ([`StoreRules::for_host`]).
///
/// # Errors
///
/// As [`import_command_for`].
pub fn set_command_for(
    caps: &Capabilities,
    scope: &Scope,
    vars: &[(ConfigKey, SecretString)],
    no_restart: bool,
) -> Result<Command> {
    checked("config:set", StoreRules::for_host(caps), vars)?;
    if caps.version >= versions::CONFIG_IMPORT {
        json_import(scope, vars, no_restart, false)
    } else {
        Ok(encoded_set(scope, vars, no_restart))
    }
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
    pub(crate) dokku: &'a Dokku,
}

impl<'a> Config<'a> {
    /// Every variable of an app, or the global ones.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// let vars = dokku.config().export(&dokku_core::AppName::new("api")?).await?;
    /// for key in vars.keys() {
    ///     println!("{key}");
    /// }
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::AppNotFound`], [`Error::CorruptConfig`] when Dokku cannot read
    /// the stored environment, [`Error::Parse`] for output that is not the JSON
    /// object expected, [`Error::CommandFailed`] and [`Error::Transport`].
    pub async fn export(self, scope: impl Into<Scope>) -> Result<ConfigVars> {
        self.export_with(&export_command(&scope.into(), false))
            .await
    }

    /// An app's variables merged with the global ones, as the app sees them.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// let vars = dokku.config().export_merged(&dokku_core::AppName::new("api")?).await?;
    /// println!("the app sees {} variables", vars.len());
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// As [`Config::export`]; [`Error::CorruptConfig`] may concern the app's
    /// file or the global one.
    pub async fn export_merged(self, app: &AppName) -> Result<ConfigVars> {
        self.export_with(&export_command(&Scope::from(app), true))
            .await
    }

    async fn export_with(self, command: &Command) -> Result<ConfigVars> {
        let output = self.dokku.run(command).await?;
        context(command, parse::config::export_json(&output.stdout_lossy()))
    }

    /// One variable; `None` if it is not set.
    ///
    /// Dokku's `config:get` answers a missing key and an unreadable
    /// environment file alike (exit 1, no output), so a `None` costs one
    /// more invocation, `config:keys`, which fails with
    /// [`Error::CorruptConfig`] when the file is corrupt.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// use dokku_core::{AppName, ConfigKey};
    /// let key = ConfigKey::new("DATABASE_URL")?;
    /// if dokku.config().get(&AppName::new("api")?, &key).await?.is_none() {
    ///     println!("{key} is not set");
    /// }
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// An unset key is `Ok(None)`, not an error. [`Error::AppNotFound`],
    /// [`Error::CorruptConfig`] (found by the `config:keys` follow-up),
    /// [`Error::CommandFailed`] and [`Error::Transport`].
    pub async fn get(
        &self,
        scope: impl Into<Scope>,
        key: &ConfigKey,
    ) -> Result<Option<SecretString>> {
        let scope = scope.into();
        let command = get_command(&scope, key);
        let output = self.dokku.execute(&command).await?;
        // A missing key is exit 1 with no output at all; so is a stored
        // environment Dokku cannot read (`Get` swallows the error). Only
        // then, `config:keys` tells them apart: it fails with the reader's
        // error when the file is corrupt.
        if output.status.as_code() == Some(1)
            && output.stdout.is_empty()
            && output.stderr.is_empty()
        {
            let keys = keys_command(&scope, false);
            let output = self.dokku.execute(&keys).await?;
            parse::expect_success(&keys, output)?;
            return Ok(None);
        }
        let output = parse::expect_success(&command, output)?;
        Ok(Some(parse::config::get(&output.stdout_lossy())))
    }

    /// The names of the variables, sorted.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// for key in dokku.config().keys(dokku_core::api::Scope::Global).await? {
    ///     println!("{key}");
    /// }
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::AppNotFound`], [`Error::CorruptConfig`], [`Error::Parse`] for a
    /// line that is not a key, [`Error::CommandFailed`] and [`Error::Transport`].
    pub async fn keys(self, scope: impl Into<Scope>) -> Result<Vec<ConfigKey>> {
        let command = keys_command(&scope.into(), false);
        let output = self.dokku.run(&command).await?;
        context(&command, parse::config::keys(&output.stdout_lossy()))
    }

    /// The variables as a tar archive (one file per key, the value as its
    /// content), as `config:bundle` prints it. Every byte is secret.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// let tar = dokku.config().bundle(&dokku_core::AppName::new("api")?).await?;
    /// println!("{} bytes", tar.len());
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::AppNotFound`], [`Error::CorruptConfig`], [`Error::CommandFailed`]
    /// and [`Error::Transport`]. The archive itself is not checked.
    pub async fn bundle(self, scope: impl Into<Scope>) -> Result<SecretBytes> {
        let command = bundle_command(&scope.into(), false);
        let output = self.dokku.run(&command).await?;
        Ok(SecretBytes::new(output.stdout))
    }

    /// Import variables with `config:import` (Dokku ≥ 0.37.0), the values
    /// as JSON on stdin; finish with [`ImportConfig::send`]. Like
    /// [`Config::set`], but it can also [replace](ImportConfig::replace)
    /// the whole environment in one step.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// use dokku_core::{AppName, ConfigKey};
    ///
    /// let app = AppName::new("api")?;
    /// dokku
    ///     .config()
    ///     .import(&app)
    ///     .var(ConfigKey::new("DATABASE_URL")?, "postgres://…")
    ///     .replace()
    ///     .no_restart()
    ///     .send()
    ///     .await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// None here: nothing is sent until [`ImportConfig::send`] or
    /// [`ImportConfig::stream`], which return them.
    pub fn import(self, scope: impl Into<Scope>) -> ImportConfig<'a> {
        ImportConfig::new(self.dokku, scope.into())
    }

    /// Set variables; finish with [`SetConfig::send`]. Sent as
    /// `config:import` on stdin where the host has it, `config:set
    /// --encoded` before (see the module docs); a value the host would
    /// store corrupted is refused first ([`Error::UnstorableConfigValue`]).
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// use dokku_core::{AppName, ConfigKey};
    /// dokku
    ///     .config()
    ///     .set(&AppName::new("api")?)
    ///     .var(ConfigKey::new("RUST_LOG")?, "info")
    ///     .send()
    ///     .await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// None here: nothing is sent until [`SetConfig::send`] or
    /// [`SetConfig::stream`], which return them.
    pub fn set(self, scope: impl Into<Scope>) -> SetConfig<'a> {
        SetConfig::new(self.dokku, scope.into())
    }

    /// Unset variables; finish with [`UnsetConfig::send`].
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// use dokku_core::{AppName, ConfigKey};
    /// let app = AppName::new("api")?;
    /// dokku.config().unset(&app).key(ConfigKey::new("OLD_FLAG")?).send().await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// None here: nothing is sent until [`UnsetConfig::send`], which returns
    /// them.
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

/// Builder for `config:set` ([`Config::set`]).
pub type SetConfig<'a> = WriteConfig<'a, false>;

/// Builder for `config:import` ([`Config::import`]).
pub type ImportConfig<'a> = WriteConfig<'a, true>;

/// The builder behind [`SetConfig`] (`IMPORT` false) and [`ImportConfig`]
/// (`IMPORT` true): the same variables and options, sent as
/// [`set_command_for`] or [`import_command_for`] respectively; only an
/// import can [replace](ImportConfig::replace) the whole environment.
#[derive(Debug)]
#[must_use = "nothing is sent until .send() is awaited"]
pub struct WriteConfig<'a, const IMPORT: bool> {
    dokku: &'a Dokku,
    scope: Scope,
    vars: Vec<(ConfigKey, SecretString)>,
    no_restart: bool,
    // Only ever set on an import.
    replace: bool,
}

impl<'a, const IMPORT: bool> WriteConfig<'a, IMPORT> {
    fn new(dokku: &'a Dokku, scope: Scope) -> Self {
        Self {
            dokku,
            scope,
            vars: Vec::new(),
            no_restart: false,
            replace: false,
        }
    }

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

    /// The command this builder would send to this host (probing it once
    /// for its version); refuses an empty set and any value the host would
    /// store corrupted, before anything is sent. An import to a host
    /// without `config:import` is refused when it is sent
    /// ([`Error::Unsupported`]).
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// use dokku_core::{AppName, ConfigKey};
    /// let set = dokku.config().set(&AppName::new("api")?).var(ConfigKey::new("RUST_LOG")?, "info");
    /// println!("would run: {}", set.command().await?);
    /// let import = dokku.config().import(&AppName::new("api")?).var(ConfigKey::new("A")?, "1");
    /// println!("would run: {}", import.command().await?);
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] for no variables,
    /// [`Error::UnstorableConfigValue`] for a value the host would store
    /// corrupted; the probe of the host's version can fail with
    /// [`Error::CommandFailed`], [`Error::Parse`] or [`Error::Transport`].
    pub async fn command(&self) -> Result<Command> {
        let what = if IMPORT {
            "config:import"
        } else {
            "config:set"
        };
        // Refuse what no host takes before asking the host anything.
        checked(what, StoreRules::GODOTENV_1_5, &self.vars)?;
        let caps = self.dokku.capabilities().await?;
        if IMPORT {
            import_command_for(
                &caps,
                &self.scope,
                &self.vars,
                self.no_restart,
                self.replace,
            )
        } else {
            set_command_for(&caps, &self.scope, &self.vars, self.no_restart)
        }
    }

    /// Set (or import) the variables, and wait for the restart.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// use dokku_core::{api::Scope, AppName, ConfigKey, SecretString};
    /// let secret = SecretString::new(std::env::var("STRIPE_KEY")?);
    /// let app = AppName::new("api")?;
    /// dokku.config().set(&app).var(ConfigKey::new("STRIPE_KEY")?, secret).send().await?;
    /// let import = dokku.config().import(Scope::Global).var(ConfigKey::new("TZ")?, "UTC");
    /// import.send().await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// The errors of [`WriteConfig::command`] and [`Error::Unsupported`] for
    /// an import before Dokku 0.37.0 (nothing is sent), then
    /// [`Error::AppNotFound`], [`Error::CorruptConfig`] when Dokku cannot read
    /// the stored environment, [`Error::CommandFailed`] (a failed restart too)
    /// and [`Error::Transport`].
    pub async fn send(self) -> Result<()> {
        self.dokku.run(&self.command().await?).await.map(drop)
    }

    /// Set (or import) the variables, streaming Dokku's output (the
    /// restart). The output may echo the values: treat it as secret.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// use dokku_core::{AppName, ConfigKey};
    /// use futures_util::StreamExt;
    /// let set = dokku.config().set(&AppName::new("api")?).var(ConfigKey::new("RUST_LOG")?, "debug");
    /// let mut output = set.stream().await?;
    /// while let Some(chunk) = output.next().await {
    ///     if let dokku_core::Chunk::Exit(status) = chunk? {
    ///         println!("Dokku exited: {status}");
    ///     }
    /// }
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// The errors of [`WriteConfig::command`] and [`Error::Unsupported`] for
    /// an import before Dokku 0.37.0 (nothing is sent), and
    /// [`Error::Transport`] when the command cannot be started. Dokku's verdict
    /// is the stream's last item, [`Chunk::Exit`](crate::Chunk::Exit), not an
    /// error.
    pub async fn stream(self) -> Result<OutputStream> {
        self.dokku.stream(&self.command().await?).await
    }
}

impl ImportConfig<'_> {
    /// Remove every variable that is not imported (`--replace`).
    pub fn replace(mut self) -> Self {
        self.replace = true;
        self
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
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// use dokku_core::{AppName, ConfigKey};
    /// let unset = dokku.config().unset(&AppName::new("api")?).key(ConfigKey::new("OLD_FLAG")?);
    /// println!("would run: {}", unset.command()?);
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] for no keys.
    pub fn command(&self) -> Result<Command> {
        refuse_empty("config:unset", &self.keys, "no keys given; use .key(key)")?;
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
