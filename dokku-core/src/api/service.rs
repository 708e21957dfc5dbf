//! `<plugin>:*` of Dokku's official datastore plugins: `dokku.service(ServicePlugin::Postgres)`.
//!
//! Every command requires the plugin ([`Requirement::Plugin`]), so a host
//! without it gives [`Error::Unsupported`] before anything is sent. Facts
//! from dokku/dokku-postgres (`subcommands/*`, `common-functions`,
//! `functions`), which every official service plugin shares:
//! - `destroy` refuses a linked service whatever the flags (`Cannot delete
//!   linked service`); `--force` only skips the typed confirmation, which
//!   this crate asks of the caller instead.
//! - `link` sets `<ALIAS>_URL` on the app (`DATABASE_URL` for postgres) and
//!   restarts it; `unlink` unsets it.
//! - `backup-auth` takes the AWS credentials as arguments: they are sent as
//!   secret arguments, never shown or stored.
//! - `export` prints a database dump (secret output); `import` reads one
//!   on stdin.

use crate::client::{Dokku, Generation};
use crate::command::{Arg, Command, Requirement};
use crate::error::{Error, Result};
use crate::exec::OutputStream;
use crate::model::service::{InfoField, ScheduledBackup, ServiceInfo, ServicePlugin};
use crate::name::{AppName, ImageVersion, ServiceName};
use crate::parse::{self, context};
use crate::secret::SecretString;
use futures_core::Stream;

fn base(plugin: &ServicePlugin, verb: &str, mutating: bool) -> Command {
    let subcommand = format!("{}:{verb}", plugin.name());
    let command = if mutating {
        Command::write(subcommand)
    } else {
        Command::read(subcommand)
    };
    command.requires(Requirement::Plugin(plugin.plugin_name()))
}

fn on_service(
    plugin: &ServicePlugin,
    verb: &str,
    mutating: bool,
    service: &ServiceName,
) -> Command {
    base(plugin, verb, mutating).arg(service)
}

/// `:list`'s answer, and the generation that gave it: a JSON array from
/// the dokku-datastore one; text (the flag ignored) from the bash one.
fn names(command: &Command, stdout: &str) -> Result<(Generation, Vec<ServiceName>)> {
    let read = if stdout.trim_start().starts_with('[') {
        parse::service::list_json(stdout).map(|names| (Generation::Datastore, names))
    } else {
        parse::service::list(stdout).map(|names| (Generation::Bash, names))
    };
    context(command, read)
}

/// `<plugin>:list`.
pub fn list_command(plugin: &ServicePlugin) -> Command {
    base(plugin, "list", false)
}

/// `<plugin>:exists <service>`.
pub fn exists_command(plugin: &ServicePlugin, service: &ServiceName) -> Command {
    on_service(plugin, "exists", false, service)
}

/// `<plugin>:info <service>`; the output holds the DSN, so it is secret.
pub fn info_command(plugin: &ServicePlugin, service: &ServiceName) -> Command {
    on_service(plugin, "info", false, service).prints_secrets()
}

/// `<plugin>:info <service> --format json` (dokku-datastore generation);
/// secret like [`info_command`].
pub fn info_json_command(plugin: &ServicePlugin, service: &ServiceName) -> Command {
    info_command(plugin, service).arg("--format").arg("json")
}

/// `<plugin>:list --format json` (dokku-datastore generation).
pub fn list_json_command(plugin: &ServicePlugin) -> Command {
    list_command(plugin).arg("--format").arg("json")
}

/// `<plugin>:info <service> --<field>`; secret for `--dsn`.
pub fn info_field_command(
    plugin: &ServicePlugin,
    service: &ServiceName,
    field: InfoField,
) -> Command {
    let command = on_service(plugin, "info", false, service).arg(field.flag());
    if field.is_secret() {
        command.prints_secrets()
    } else {
        command
    }
}

/// Flags of `<plugin>:create`, `:upgrade` and `:clone` (`service_parse_args`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct CreateOptions {
    /// `--image`: the image name.
    pub image: Option<String>,
    /// `--image-version`: the image tag, validated as a Docker tag.
    pub image_version: Option<ImageVersion>,
    /// `--custom-env "A=b;C=d"`: environment of the service container.
    /// Secret: it often carries credentials.
    pub custom_env: Option<SecretString>,
    /// `--config-options "--args"`: extra arguments for the datastore.
    pub config_options: Option<String>,
    /// `--memory <MB>`.
    pub memory: Option<u32>,
    /// `--password`: the user password (secret).
    pub password: Option<SecretString>,
    /// `--root-password` (secret).
    pub root_password: Option<SecretString>,
    /// `--shm-size` (postgres).
    pub shm_size: Option<String>,
    /// `--restart-apps true|false` (upgrade).
    pub restart_apps: Option<bool>,
}

impl CreateOptions {
    /// No flags: the plugin's default image and version.
    pub fn new() -> Self {
        Self::default()
    }

    /// `--image`.
    pub fn image(mut self, image: impl Into<String>) -> Self {
        self.image = Some(image.into());
        self
    }

    /// `--image-version`: a tag [`ImageVersion::new`] accepted.
    pub fn image_version(mut self, version: ImageVersion) -> Self {
        self.image_version = Some(version);
        self
    }

    /// `--custom-env`.
    pub fn custom_env(mut self, env: SecretString) -> Self {
        self.custom_env = Some(env);
        self
    }

    /// `--config-options`.
    pub fn config_options(mut self, options: impl Into<String>) -> Self {
        self.config_options = Some(options.into());
        self
    }

    /// `--memory`.
    pub fn memory(mut self, megabytes: u32) -> Self {
        self.memory = Some(megabytes);
        self
    }

    /// `--password`.
    pub fn password(mut self, password: SecretString) -> Self {
        self.password = Some(password);
        self
    }

    /// `--root-password`.
    pub fn root_password(mut self, password: SecretString) -> Self {
        self.root_password = Some(password);
        self
    }

    /// `--shm-size`.
    pub fn shm_size(mut self, size: impl Into<String>) -> Self {
        self.shm_size = Some(size.into());
        self
    }

    /// `--restart-apps`.
    pub fn restart_apps(mut self, restart: bool) -> Self {
        self.restart_apps = Some(restart);
        self
    }

    // Flag and value as two arguments: the plugin's getopts reads the value
    // from the next one.
    fn apply(&self, mut command: Command) -> Command {
        let plain = [
            ("--image", self.image.clone()),
            (
                "--image-version",
                self.image_version.as_ref().map(|v| v.to_string()),
            ),
            ("--config-options", self.config_options.clone()),
            ("--memory", self.memory.map(|m| m.to_string())),
            ("--shm-size", self.shm_size.clone()),
            ("--restart-apps", self.restart_apps.map(|r| r.to_string())),
        ];
        for (flag, value) in plain {
            if let Some(value) = value {
                command = command.arg(flag).arg(value);
            }
        }
        let secret = [
            ("--custom-env", &self.custom_env),
            ("--password", &self.password),
            ("--root-password", &self.root_password),
        ];
        for (flag, value) in secret {
            if let Some(value) = value {
                command = command.arg(flag).secret(value.clone());
            }
        }
        // Pulls an image and waits for the datastore; ends with `:info`.
        command.long_running().prints_secrets()
    }
}

/// `<plugin>:create <service> [flags]`. Pulls an image and waits for the
/// datastore: long-running. Its output ends with `:info`, so it is secret.
pub fn create_command(
    plugin: &ServicePlugin,
    service: &ServiceName,
    options: &CreateOptions,
) -> Command {
    options.apply(on_service(plugin, "create", true, service))
}

/// `<plugin>:upgrade <service> [flags]`.
pub fn upgrade_command(
    plugin: &ServicePlugin,
    service: &ServiceName,
    options: &CreateOptions,
) -> Command {
    options.apply(on_service(plugin, "upgrade", true, service))
}

/// `<plugin>:clone <service> <new-service> [flags]`.
pub fn clone_command(
    plugin: &ServicePlugin,
    service: &ServiceName,
    new_service: &ServiceName,
    options: &CreateOptions,
) -> Command {
    options.apply(on_service(plugin, "clone", true, service).arg(new_service))
}

/// `<plugin>:destroy <service> --force`, after the caller typed the
/// service's name: a mismatch is refused before anything is built.
///
/// # Errors
///
/// [`Error::InvalidArgument`] when `confirm` is not the service's name.
pub fn destroy_command(
    plugin: &ServicePlugin,
    service: &ServiceName,
    confirm: &str,
) -> Result<Command> {
    if confirm != service.as_str() {
        return Err(Error::InvalidArgument {
            what: "service destroy",
            reason: format!("the confirmation does not match the service name {service}"),
        });
    }
    Ok(on_service(plugin, "destroy", true, service)
        .arg("--force")
        .long_running())
}

/// Flags of `<plugin>:link`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct LinkOptions {
    /// `--alias BLUE_DATABASE`: set `<ALIAS>_URL` instead of the default.
    pub alias: Option<String>,
    /// `--querystring "pool=5"`: appended to the URL.
    pub querystring: Option<String>,
    /// `--no-restart`: do not restart the app (newer plugins).
    pub no_restart: bool,
}

impl LinkOptions {
    /// The default alias, no querystring, restart the app.
    pub fn new() -> Self {
        Self::default()
    }

    /// `--alias`.
    pub fn alias(mut self, alias: impl Into<String>) -> Self {
        self.alias = Some(alias.into());
        self
    }

    /// `--querystring`.
    pub fn querystring(mut self, querystring: impl Into<String>) -> Self {
        self.querystring = Some(querystring.into());
        self
    }

    /// `--no-restart`.
    pub fn no_restart(mut self) -> Self {
        self.no_restart = true;
        self
    }
}

/// `<plugin>:link <service> <app> [flags]`; restarts the app. Its output
/// (`config:set`'s) echoes the URL with the password, so it is secret.
///
/// # Errors
///
/// [`Error::InvalidArgument`] for an alias that is not letters, digits and `_`.
pub fn link_command(
    plugin: &ServicePlugin,
    service: &ServiceName,
    app: &AppName,
    options: &LinkOptions,
) -> Result<Command> {
    let mut command = on_service(plugin, "link", true, service)
        .app_arg(app)
        .long_running()
        .prints_secrets();
    if let Some(alias) = &options.alias {
        let ok = !alias.is_empty() && alias.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !ok {
            return Err(Error::InvalidArgument {
                what: "service link alias",
                reason: "an alias is letters, digits and '_'".to_owned(),
            });
        }
        command = command.arg("--alias").arg(alias);
    }
    if let Some(query) = &options.querystring {
        command = command.arg("--querystring").arg(query);
    }
    Ok(command.arg_if(options.no_restart, "--no-restart"))
}

/// `<plugin>:unlink <service> <app> [--no-restart]`; restarts the app.
pub fn unlink_command(
    plugin: &ServicePlugin,
    service: &ServiceName,
    app: &AppName,
    no_restart: bool,
) -> Command {
    on_service(plugin, "unlink", true, service)
        .app_arg(app)
        .arg_if(no_restart, "--no-restart")
        .long_running()
}

/// `<plugin>:linked <service> <app>`: exit 0 when linked, 1 when not.
pub fn linked_command(plugin: &ServicePlugin, service: &ServiceName, app: &AppName) -> Command {
    on_service(plugin, "linked", false, service).app_arg(app)
}

/// `<plugin>:links <service>`.
pub fn links_command(plugin: &ServicePlugin, service: &ServiceName) -> Command {
    on_service(plugin, "links", false, service)
}

/// `<plugin>:app-links <app>`.
pub fn app_links_command(plugin: &ServicePlugin, app: &AppName) -> Command {
    base(plugin, "app-links", false).app_arg(app)
}

/// `<plugin>:promote <service> <app>`: make this service the app's
/// default `<ALIAS>_URL`. Its output echoes URLs: secret.
pub fn promote_command(plugin: &ServicePlugin, service: &ServiceName, app: &AppName) -> Command {
    on_service(plugin, "promote", true, service)
        .app_arg(app)
        .long_running()
        .prints_secrets()
}

/// What a lifecycle command does to the service container.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Lifecycle {
    /// `start`.
    Start,
    /// `stop`.
    Stop,
    /// `restart`.
    Restart,
    /// `pause`.
    Pause,
}

impl Lifecycle {
    fn verb(self) -> &'static str {
        match self {
            Lifecycle::Start => "start",
            Lifecycle::Stop => "stop",
            Lifecycle::Restart => "restart",
            Lifecycle::Pause => "pause",
        }
    }
}

/// `<plugin>:start|stop|restart|pause <service>`.
pub fn lifecycle_command(
    plugin: &ServicePlugin,
    service: &ServiceName,
    action: Lifecycle,
) -> Command {
    on_service(plugin, action.verb(), true, service).long_running()
}

/// `<plugin>:expose <service> [<port>…]`: no ports picks random ones.
///
/// # Errors
///
/// [`Error::InvalidArgument`] for a port that is not one word (empty,
/// starting with `-`, or with whitespace).
pub fn expose_command(
    plugin: &ServicePlugin,
    service: &ServiceName,
    ports: &[String],
) -> Result<Command> {
    let mut command = on_service(plugin, "expose", true, service);
    for port in ports {
        command = command.arg(super::word("service expose", "port", port)?);
    }
    Ok(command)
}

/// `<plugin>:unexpose <service>`.
pub fn unexpose_command(plugin: &ServicePlugin, service: &ServiceName) -> Command {
    on_service(plugin, "unexpose", true, service)
}

/// `<plugin>:logs <service> [--tail]`: the last 100 lines, or follow.
pub fn logs_command(plugin: &ServicePlugin, service: &ServiceName, follow: bool) -> Command {
    let command = on_service(plugin, "logs", false, service);
    if follow {
        command
            .arg("--tail")
            .timeout(crate::command::TimeoutClass::Follow)
    } else {
        command
    }
}

/// `<plugin>:export <service>`: a dump on stdout (secret).
pub fn export_command(plugin: &ServicePlugin, service: &ServiceName) -> Command {
    on_service(plugin, "export", false, service)
        .long_running()
        .prints_secrets()
}

/// `<plugin>:import <service>` with the dump on stdin.
pub fn import_command(plugin: &ServicePlugin, service: &ServiceName, dump: Vec<u8>) -> Command {
    on_service(plugin, "import", true, service)
        .stdin(dump)
        .long_running()
}

/// `<plugin>:import <service>` with the dump streamed on stdin as it is
/// read ([`Command::stdin_stream`]).
pub fn import_stream_command(
    plugin: &ServicePlugin,
    service: &ServiceName,
    dump: impl Stream<Item = std::io::Result<Vec<u8>>> + Send + 'static,
) -> Command {
    on_service(plugin, "import", true, service)
        .stdin_stream(dump)
        .long_running()
}

/// S3 credentials for `<plugin>:backup-auth`. Debug never shows them.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct BackupAuth {
    /// `AWS_ACCESS_KEY_ID`.
    pub access_key_id: SecretString,
    /// `AWS_SECRET_ACCESS_KEY`.
    pub secret_access_key: SecretString,
    /// `AWS_DEFAULT_REGION`, optional.
    pub region: Option<String>,
    /// `AWS_SIGNATURE_VERSION`, optional (needs `region`).
    pub signature_version: Option<String>,
    /// `ENDPOINT_URL` for S3-compatible stores, optional (needs both above).
    pub endpoint_url: Option<String>,
}

impl BackupAuth {
    /// Key id and secret, AWS defaults for the rest.
    pub fn new(access_key_id: SecretString, secret_access_key: SecretString) -> Self {
        Self {
            access_key_id,
            secret_access_key,
            region: None,
            signature_version: None,
            endpoint_url: None,
        }
    }

    /// The region.
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }

    /// The signature version (`s3v4`).
    pub fn signature_version(mut self, version: impl Into<String>) -> Self {
        self.signature_version = Some(version.into());
        self
    }

    /// An S3-compatible endpoint.
    pub fn endpoint_url(mut self, url: impl Into<String>) -> Self {
        self.endpoint_url = Some(url.into());
        self
    }
}

/// `<plugin>:backup-auth <service> <key-id> <secret> [<region> [<sig> [<endpoint>]]]`.
/// The arguments are positional, so a later one needs the earlier ones.
///
/// # Errors
///
/// [`Error::InvalidArgument`] for a signature version without a region, or an
/// endpoint without both.
pub fn backup_auth_command(
    plugin: &ServicePlugin,
    service: &ServiceName,
    auth: &BackupAuth,
) -> Result<Command> {
    let optional = [&auth.region, &auth.signature_version, &auth.endpoint_url];
    let given = optional.iter().take_while(|v| v.is_some()).count();
    if optional.iter().skip(given).any(|v| v.is_some()) {
        return Err(Error::InvalidArgument {
            what: "service backup-auth",
            reason: "signature version needs a region, and an endpoint needs both".to_owned(),
        });
    }
    let mut command = on_service(plugin, "backup-auth", true, service)
        .push(Arg::Secret(auth.access_key_id.clone()))
        .push(Arg::Secret(auth.secret_access_key.clone()));
    for value in optional.into_iter().flatten() {
        command = command.arg(value);
    }
    Ok(command)
}

/// `<plugin>:backup <service> <bucket> [--use-iam]`.
///
/// # Errors
///
/// [`Error::InvalidArgument`] for a bucket that is not one word.
pub fn backup_command(
    plugin: &ServicePlugin,
    service: &ServiceName,
    bucket: &str,
    use_iam: bool,
) -> Result<Command> {
    Ok(on_service(plugin, "backup", true, service)
        .arg(super::word("service backup", "bucket", bucket)?)
        .arg_if(use_iam, "--use-iam")
        .long_running())
}

/// `<plugin>:backup-schedule <service> <schedule> <bucket> [--use-iam]`.
pub fn backup_schedule_command(
    plugin: &ServicePlugin,
    service: &ServiceName,
    schedule: &str,
    bucket: &str,
    use_iam: bool,
) -> Result<Command> {
    if schedule.trim().is_empty() || schedule.starts_with('-') {
        return Err(Error::InvalidArgument {
            what: "service backup-schedule",
            reason: "the schedule is a cron expression (five fields), not empty or a flag"
                .to_owned(),
        });
    }
    Ok(on_service(plugin, "backup-schedule", true, service)
        .arg(schedule)
        .arg(super::word("service backup-schedule", "bucket", bucket)?)
        .arg_if(use_iam, "--use-iam"))
}

/// `<plugin>:backup-set-encryption <service> <passphrase>` (secret).
pub fn backup_set_encryption_command(
    plugin: &ServicePlugin,
    service: &ServiceName,
    passphrase: &SecretString,
) -> Command {
    on_service(plugin, "backup-set-encryption", true, service).secret(passphrase.clone())
}

/// A backup command that takes only the service: `backup-deauth`,
/// `backup-unschedule`, `backup-schedule-cat`, `backup-unset-encryption`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum BackupVerb {
    /// `backup-deauth`: forget the credentials.
    Deauth,
    /// `backup-unschedule`: remove the cron file.
    Unschedule,
    /// `backup-schedule-cat`: print the cron line (a read).
    ScheduleCat,
    /// `backup-unset-encryption`.
    UnsetEncryption,
}

/// `<plugin>:<backup verb> <service>`.
pub fn backup_simple_command(
    plugin: &ServicePlugin,
    service: &ServiceName,
    verb: BackupVerb,
) -> Command {
    let (name, mutating) = match verb {
        BackupVerb::Deauth => ("backup-deauth", true),
        BackupVerb::Unschedule => ("backup-unschedule", true),
        BackupVerb::ScheduleCat => ("backup-schedule-cat", false),
        BackupVerb::UnsetEncryption => ("backup-unset-encryption", true),
    };
    on_service(plugin, name, mutating, service)
}

/// What a service's `create` printed.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Created {
    /// The connection URL from the `:info` the plugin prints last.
    pub dsn: Option<crate::secret::SecretString>,
}

/// What a service's `link` chose.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Linked {
    /// The variable the URL was set in (`DATABASE_URL`,
    /// `DOKKU_POSTGRES_AQUA_URL` …), from the `config:set` it echoed.
    pub env_var: Option<crate::name::ConfigKey>,
}

/// Handler for one service plugin; see [`Dokku::service`].
#[derive(Debug, Clone)]
pub struct Services<'a> {
    pub(crate) dokku: &'a Dokku,
    pub(crate) plugin: ServicePlugin,
}

impl<'a> Services<'a> {
    /// The plugin this handler talks to.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// use dokku_core::model::service::ServicePlugin;
    /// let redis = dokku.service(ServicePlugin::Redis);
    /// println!("{}", redis.plugin().name());
    /// # Ok(()) }
    /// ```
    pub fn plugin(&self) -> &ServicePlugin {
        &self.plugin
    }

    async fn done(&self, command: Command) -> Result<()> {
        self.dokku.run(&command).await.map(drop)
    }

    async fn backup_verb(&self, service: &ServiceName, verb: BackupVerb) -> Result<()> {
        self.done(backup_simple_command(&self.plugin, service, verb))
            .await
    }

    /// `true` when `command` succeeds, `false` when it fails saying `no`.
    async fn unless_said(&self, command: Command, no: &str) -> Result<bool> {
        match self.dokku.run(&command).await {
            Ok(_) => Ok(true),
            Err(Error::CommandFailed { message, .. }) if message.contains(no) => Ok(false),
            Err(e) => Err(e),
        }
    }

    // Which generation the host runs, detected once per client from the
    // plugin's own answer to `list --format json` (the only invocation
    // that can be wasted, and only when the caller wanted `info`): the Go
    // generation prints a JSON array; the bash one ignores the flag (exit
    // 0, its text, or nothing) or refuses it. Returns the list too.
    async fn detect(&self) -> Result<(Generation, Vec<ServiceName>)> {
        let command = list_json_command(&self.plugin);
        let (generation, names) = match self.dokku.run(&command).await {
            Ok(output) => names(&command, &output.stdout_lossy())?,
            Err(Error::CommandFailed { .. }) => {
                let command = list_command(&self.plugin);
                let output = self.dokku.run(&command).await?;
                let names = context(&command, parse::service::list(&output.stdout_lossy()))?;
                (Generation::Bash, names)
            }
            Err(e) => return Err(e),
        };
        self.dokku
            .remember_datastore(self.plugin.name(), generation);
        Ok((generation, names))
    }

    async fn generation(&self) -> Result<Generation> {
        match self.dokku.datastore_generation(self.plugin.name()) {
            Some(generation) => Ok(generation),
            None => self.detect().await.map(|(generation, _)| generation),
        }
    }

    /// Every service of this plugin: JSON from the dokku-datastore
    /// generation, text from the bash one. The first call on a client
    /// detects which the host runs, from this same answer.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// use dokku_core::model::service::ServicePlugin;
    /// for db in dokku.service(ServicePlugin::Postgres).list().await? {
    ///     println!("{db}");
    /// }
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::Unsupported`] without the plugin, [`Error::Parse`] and
    /// transport errors.
    pub async fn list(&self) -> Result<Vec<ServiceName>> {
        let command = match self.dokku.datastore_generation(self.plugin.name()) {
            None => return self.detect().await.map(|(_, names)| names),
            Some(Generation::Datastore) => list_json_command(&self.plugin),
            Some(Generation::Bash) => list_command(&self.plugin),
        };
        let output = self.dokku.run(&command).await?;
        names(&command, &output.stdout_lossy()).map(|(_, names)| names)
    }

    /// Whether the service exists (the plugin fails with `<Plugin> service x
    /// does not exist`, or dokku-datastore's `service x does not exist`).
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// use dokku_core::model::service::ServicePlugin;
    /// let db = dokku_core::ServiceName::new("db")?;
    /// if !dokku.service(ServicePlugin::Postgres).exists(&db).await? {
    ///     println!("no service {db}");
    /// }
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// A missing service is `Ok(false)`, not an error. [`Error::Unsupported`]
    /// without the plugin (nothing is sent), [`Error::CommandFailed`] for any other
    /// failure, and [`Error::Transport`].
    pub async fn exists(&self, service: &ServiceName) -> Result<bool> {
        self.unless_said(exists_command(&self.plugin, service), "does not exist")
            .await
    }

    /// Everything `:info` reports, the DSN as a secret: JSON from the
    /// dokku-datastore generation, text from the bash one (detected once
    /// per client, see [`Services::list`]).
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// use dokku_core::model::service::ServicePlugin;
    /// let info = dokku
    ///     .service(ServicePlugin::Redis)
    ///     .info(&dokku_core::ServiceName::new("cache")?)
    ///     .await?;
    /// println!("{:?} linked to {:?}", info.status, info.links);
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::Unsupported`] without the plugin, [`Error::CommandFailed`]
    /// for a missing service, [`Error::Parse`] and transport errors.
    pub async fn info(&self, service: &ServiceName) -> Result<ServiceInfo> {
        if self.generation().await? == Generation::Datastore {
            let command = info_json_command(&self.plugin, service);
            match self.dokku.run(&command).await {
                Ok(output) => {
                    let stdout = output.stdout_lossy();
                    if stdout.trim_start().starts_with('{') {
                        return context(&command, parse::service::info_json(&stdout));
                    }
                    return context(&command, parse::service::info(&stdout));
                }
                // dokku-datastore's JSON errors carry no message
                // (`{"error":{}}`); the text form says why.
                Err(Error::CommandFailed { .. }) => {}
                Err(e) => return Err(e),
            }
        }
        let command = info_command(&self.plugin, service);
        let output = self.dokku.run(&command).await?;
        context(&command, parse::service::info(&output.stdout_lossy()))
    }

    /// One non-secret `:info` field as printed; for the DSN use [`Services::dsn`].
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// use dokku_core::model::service::{InfoField, ServicePlugin};
    /// let db = dokku_core::ServiceName::new("db")?;
    /// let status = dokku.service(ServicePlugin::Postgres).info_field(&db, InfoField::Status).await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] for [`InfoField::Dsn`] (use [`Services::dsn`];
    /// nothing is sent), [`Error::Unsupported`] without the plugin (nothing is
    /// sent), [`Error::CommandFailed`] for a missing service and
    /// [`Error::Transport`].
    pub async fn info_field(&self, service: &ServiceName, field: InfoField) -> Result<String> {
        if field.is_secret() {
            return Err(Error::InvalidArgument {
                what: "service info field",
                reason: "the DSN is secret: use dsn()".to_owned(),
            });
        }
        let command = info_field_command(&self.plugin, service, field);
        let output = self.dokku.run(&command).await?;
        Ok(parse::service::info_value(&output.stdout_lossy()))
    }

    /// The connection URL, password included.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// use dokku_core::model::service::ServicePlugin;
    /// let db = dokku_core::ServiceName::new("db")?;
    /// let url = dokku.service(ServicePlugin::Postgres).dsn(&db).await?;
    /// // `url.expose()` only where the password is needed.
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::Unsupported`] without the plugin (nothing is sent),
    /// [`Error::CommandFailed`] for a missing service and [`Error::Transport`].
    pub async fn dsn(&self, service: &ServiceName) -> Result<SecretString> {
        let command = info_field_command(&self.plugin, service, InfoField::Dsn);
        let output = self.dokku.run(&command).await?;
        Ok(SecretString::new(parse::service::info_value(
            &output.stdout_lossy(),
        )))
    }

    /// Create a service.
    ///
    /// Returns the DSN the plugin printed at the end (its `:info`), as a
    /// secret, when it printed one.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// use dokku_core::api::service::CreateOptions;
    /// use dokku_core::model::service::ServicePlugin;
    /// use dokku_core::ServiceName;
    /// let created = dokku
    ///     .service(ServicePlugin::Postgres)
    ///     .create(&ServiceName::new("db")?, &CreateOptions::new())
    ///     .await?;
    /// println!("DSN printed: {}", created.dsn.is_some());
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::Unsupported`] without the plugin, [`Error::CommandFailed`]
    /// when the plugin refuses (the name exists …), transport errors.
    pub async fn create(&self, service: &ServiceName, options: &CreateOptions) -> Result<Created> {
        let output = self
            .dokku
            .run(&create_command(&self.plugin, service, options))
            .await?;
        Ok(Created {
            dsn: parse::service::printed_dsn(&output.stdout_lossy()),
        })
    }

    /// Destroy a service and its data. `confirm` must be the service's name
    /// again. The plugin refuses while any app is linked.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// use dokku_core::model::service::ServicePlugin;
    /// let db = dokku_core::ServiceName::new("db")?;
    /// dokku.service(ServicePlugin::Postgres).destroy(&db, "db").await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] when `confirm` is not the service's name (nothing
    /// is sent), [`Error::Unsupported`] without the plugin (nothing is sent),
    /// [`Error::CommandFailed`] while an app is linked (`Cannot delete linked
    /// service`) or for a missing service, and [`Error::Transport`].
    pub async fn destroy(&self, service: &ServiceName, confirm: &str) -> Result<()> {
        self.done(destroy_command(&self.plugin, service, confirm)?)
            .await
    }

    /// Link to an app (sets `<ALIAS>_URL`, restarts the app). Returns the
    /// variable the plugin chose: `DATABASE_URL` for the first link, a
    /// generated `DOKKU_POSTGRES_<COLOR>_URL` when that is taken.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// use dokku_core::api::service::LinkOptions;
    /// use dokku_core::model::service::ServicePlugin;
    /// use dokku_core::{AppName, ServiceName};
    /// let linked = dokku
    ///     .service(ServicePlugin::Postgres)
    ///     .link(&ServiceName::new("db")?, &AppName::new("api")?, &LinkOptions::new())
    ///     .await?;
    /// println!("the app reads {:?}", linked.env_var);
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::Unsupported`] without the plugin, [`Error::CommandFailed`]
    /// when already linked or the alias is taken, transport errors.
    pub async fn link(
        &self,
        service: &ServiceName,
        app: &AppName,
        options: &LinkOptions,
    ) -> Result<Linked> {
        let output = self
            .dokku
            .run(&link_command(&self.plugin, service, app, options)?)
            .await?;
        Ok(Linked {
            env_var: parse::service::linked_env_var(&output.stdout_lossy()),
        })
    }

    /// Unlink from an app (unsets the URL, restarts the app).
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// use dokku_core::model::service::ServicePlugin;
    /// use dokku_core::{AppName, ServiceName};
    /// let (db, app) = (ServiceName::new("db")?, AppName::new("api")?);
    /// dokku.service(ServicePlugin::Postgres).unlink(&db, &app, false).await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::Unsupported`] without the plugin (nothing is sent),
    /// [`Error::AppNotFound`], [`Error::CommandFailed`] when the two are not linked
    /// or the service is missing, and [`Error::Transport`].
    pub async fn unlink(
        &self,
        service: &ServiceName,
        app: &AppName,
        no_restart: bool,
    ) -> Result<()> {
        self.done(unlink_command(&self.plugin, service, app, no_restart))
            .await
    }

    /// Whether the service is linked to the app (exit 0) or not (exit 1,
    /// `Service … is not linked to …`; dokku-datastore: `service … is not
    /// linked to app …`).
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// use dokku_core::model::service::ServicePlugin;
    /// use dokku_core::{AppName, ServiceName};
    /// let (db, app) = (ServiceName::new("db")?, AppName::new("api")?);
    /// if dokku.service(ServicePlugin::Postgres).linked(&db, &app).await? {
    ///     println!("{app} uses {db}");
    /// }
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// Not linked is `Ok(false)`, not an error. [`Error::Unsupported`] without the
    /// plugin (nothing is sent), [`Error::AppNotFound`], [`Error::CommandFailed`]
    /// for a missing service, and [`Error::Transport`].
    pub async fn linked(&self, service: &ServiceName, app: &AppName) -> Result<bool> {
        let command = linked_command(&self.plugin, service, app);
        self.unless_said(command, "is not linked to").await
    }

    /// The apps linked to the service.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// use dokku_core::model::service::ServicePlugin;
    /// let db = dokku_core::ServiceName::new("db")?;
    /// for app in dokku.service(ServicePlugin::Postgres).links(&db).await? {
    ///     println!("{app}");
    /// }
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::Unsupported`] without the plugin (nothing is sent),
    /// [`Error::CommandFailed`] for a missing service, [`Error::Parse`] for a line
    /// that is not an app name, and [`Error::Transport`].
    pub async fn links(&self, service: &ServiceName) -> Result<Vec<AppName>> {
        let command = links_command(&self.plugin, service);
        let output = self.dokku.run(&command).await?;
        context(&command, parse::service::links(&output.stdout_lossy()))
    }

    /// The services of this plugin linked to the app.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// use dokku_core::model::service::ServicePlugin;
    /// let app = dokku_core::AppName::new("api")?;
    /// let caches = dokku.service(ServicePlugin::Redis).app_links(&app).await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::Unsupported`] without the plugin (nothing is sent),
    /// [`Error::AppNotFound`], [`Error::Parse`] for a line that is not a service
    /// name, [`Error::CommandFailed`] and [`Error::Transport`].
    pub async fn app_links(&self, app: &AppName) -> Result<Vec<ServiceName>> {
        let command = app_links_command(&self.plugin, app);
        let output = self.dokku.run(&command).await?;
        context(&command, parse::service::app_links(&output.stdout_lossy()))
    }

    /// Make the service the app's default `<ALIAS>_URL`.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// use dokku_core::model::service::ServicePlugin;
    /// use dokku_core::{AppName, ServiceName};
    /// let (db, app) = (ServiceName::new("db")?, AppName::new("api")?);
    /// dokku.service(ServicePlugin::Postgres).promote(&db, &app).await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::Unsupported`] without the plugin (nothing is sent),
    /// [`Error::AppNotFound`], [`Error::CommandFailed`] when the two are not linked
    /// or the service is already the default, and [`Error::Transport`].
    pub async fn promote(&self, service: &ServiceName, app: &AppName) -> Result<()> {
        self.done(promote_command(&self.plugin, service, app)).await
    }

    /// Start, stop, restart or pause the service container.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// use dokku_core::api::service::Lifecycle;
    /// use dokku_core::model::service::ServicePlugin;
    /// let cache = dokku_core::ServiceName::new("cache")?;
    /// dokku.service(ServicePlugin::Redis).lifecycle(&cache, Lifecycle::Restart).await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::Unsupported`] without the plugin (nothing is sent),
    /// [`Error::CommandFailed`] for a missing service (or one the plugin cannot
    /// start or stop), and [`Error::Transport`].
    pub async fn lifecycle(&self, service: &ServiceName, action: Lifecycle) -> Result<()> {
        self.done(lifecycle_command(&self.plugin, service, action))
            .await
    }

    /// Publish the service's ports (random host ports when `ports` is empty).
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// use dokku_core::model::service::ServicePlugin;
    /// let db = dokku_core::ServiceName::new("db")?;
    /// dokku.service(ServicePlugin::Postgres).expose(&db, &["15432".to_owned()]).await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::Unsupported`] without the plugin (nothing is sent),
    /// [`Error::CommandFailed`] for a missing service, one already exposed or the
    /// wrong number of ports, and [`Error::Transport`].
    pub async fn expose(&self, service: &ServiceName, ports: &[String]) -> Result<()> {
        self.done(expose_command(&self.plugin, service, ports)?)
            .await
    }

    /// Stop publishing the service's ports.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// use dokku_core::model::service::ServicePlugin;
    /// let db = dokku_core::ServiceName::new("db")?;
    /// dokku.service(ServicePlugin::Postgres).unexpose(&db).await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::Unsupported`] without the plugin (nothing is sent),
    /// [`Error::CommandFailed`] for a missing service or one that is not exposed,
    /// and [`Error::Transport`].
    pub async fn unexpose(&self, service: &ServiceName) -> Result<()> {
        self.done(unexpose_command(&self.plugin, service)).await
    }

    /// The last 100 lines of the service container's log.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// use dokku_core::model::service::ServicePlugin;
    /// let db = dokku_core::ServiceName::new("db")?;
    /// let tail = dokku.service(ServicePlugin::Postgres).logs(&db).await?;
    /// print!("{tail}");
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::Unsupported`] without the plugin (nothing is sent),
    /// [`Error::CommandFailed`] for a missing service, and [`Error::Transport`].
    pub async fn logs(&self, service: &ServiceName) -> Result<String> {
        let command = logs_command(&self.plugin, service, false);
        let output = self.dokku.run(&command).await?;
        Ok(output.stdout_lossy().into_owned())
    }

    /// The service's log, followed until the stream is dropped.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// use dokku_core::model::service::ServicePlugin;
    /// use futures_util::StreamExt;
    /// let db = dokku_core::ServiceName::new("db")?;
    /// let mut output = dokku.service(ServicePlugin::Postgres).follow_logs(&db).await?;
    /// while let Some(chunk) = output.next().await {
    ///     println!("{:?}", chunk?);
    /// }
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::Unsupported`] without the plugin (nothing is sent), and
    /// [`Error::Transport`] when the command cannot be started. The plugin's
    /// verdict is the stream's last item, [`Chunk::Exit`](crate::Chunk::Exit), not
    /// an error.
    pub async fn follow_logs(&self, service: &ServiceName) -> Result<OutputStream> {
        self.dokku
            .stream(&logs_command(&self.plugin, service, true))
            .await
    }

    /// A dump of the service's data, streamed as it is produced.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// use dokku_core::model::service::ServicePlugin;
    /// use futures_util::StreamExt;
    /// let db = dokku_core::ServiceName::new("db")?;
    /// let mut dump = Vec::new();
    /// let mut output = dokku.service(ServicePlugin::Postgres).export(&db).await?;
    /// while let Some(chunk) = output.next().await {
    ///     match chunk? {
    ///         dokku_core::Chunk::Stdout(bytes) => dump.extend(bytes),
    ///         dokku_core::Chunk::Exit(status) if !status.success() => return Err("export failed".into()),
    ///         _ => {}
    ///     }
    /// }
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::Unsupported`] without the plugin (nothing is sent), and
    /// [`Error::Transport`] when the command cannot be started. The plugin's
    /// verdict is the stream's last item, [`Chunk::Exit`](crate::Chunk::Exit),
    /// not an error: check it before trusting the dump.
    pub async fn export(&self, service: &ServiceName) -> Result<OutputStream> {
        self.dokku
            .stream(&export_command(&self.plugin, service))
            .await
    }

    /// Load a dump into the service (sent on stdin).
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// use dokku_core::model::service::ServicePlugin;
    /// let db = dokku_core::ServiceName::new("db")?;
    /// let dump = std::fs::read("db.dump")?;
    /// dokku.service(ServicePlugin::Postgres).import(&db, dump).await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::Unsupported`] without the plugin (nothing is sent),
    /// [`Error::CommandFailed`] for a missing service, an empty dump or one the
    /// datastore refuses, and [`Error::Transport`].
    pub async fn import(&self, service: &ServiceName, dump: Vec<u8>) -> Result<()> {
        self.done(import_command(&self.plugin, service, dump)).await
    }

    /// Load a dump into the service as it is read, chunk by chunk, without
    /// holding it in memory (a file or a pipe of any size), streaming the
    /// plugin's output.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// use dokku_core::model::service::ServicePlugin;
    /// use futures_util::StreamExt;
    /// let db = dokku_core::ServiceName::new("db")?;
    /// let chunks = futures_util::stream::iter([Ok(b"-- a dump".to_vec())]);
    /// let mut output = dokku.service(ServicePlugin::Postgres).import_stream(&db, chunks).await?;
    /// while let Some(chunk) = output.next().await {
    ///     if let dokku_core::Chunk::Exit(status) = chunk? {
    ///         assert!(status.success(), "the import failed: {status}");
    ///     }
    /// }
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::Unsupported`] without the plugin (nothing is sent), and
    /// [`Error::Transport`] when the command cannot be started. The
    /// plugin's verdict is the stream's last item,
    /// [`Chunk::Exit`](crate::Chunk::Exit); a dump that cannot be read to
    /// its end stops the import and ends the stream with
    /// [`ExecError::Input`](crate::ExecError::Input) instead.
    pub async fn import_stream(
        &self,
        service: &ServiceName,
        dump: impl Stream<Item = std::io::Result<Vec<u8>>> + Send + 'static,
    ) -> Result<OutputStream> {
        self.dokku
            .stream(&import_stream_command(&self.plugin, service, dump))
            .await
    }

    /// Upgrade the service to another image or version.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// use dokku_core::api::service::CreateOptions;
    /// use dokku_core::model::service::ServicePlugin;
    /// use dokku_core::{ImageVersion, ServiceName};
    /// let options = CreateOptions::new().image_version(ImageVersion::new("17.2")?);
    /// dokku.service(ServicePlugin::Postgres).upgrade(&ServiceName::new("db")?, &options).await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::Unsupported`] without the plugin (nothing is sent),
    /// [`Error::CommandFailed`] for a missing service or a failed upgrade, and
    /// [`Error::Transport`].
    pub async fn upgrade(&self, service: &ServiceName, options: &CreateOptions) -> Result<()> {
        self.done(upgrade_command(&self.plugin, service, options))
            .await
    }

    /// Create `new_service` with a copy of the service's data.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// use dokku_core::api::service::CreateOptions;
    /// use dokku_core::{model::service::ServicePlugin, ServiceName};
    /// let (db, copy) = (ServiceName::new("db")?, ServiceName::new("db-staging")?);
    /// dokku.service(ServicePlugin::Postgres).clone_to(&db, &copy, &CreateOptions::new()).await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::Unsupported`] without the plugin (nothing is sent),
    /// [`Error::CommandFailed`] for a missing service or a new name already in use,
    /// and [`Error::Transport`].
    pub async fn clone_to(
        &self,
        service: &ServiceName,
        new_service: &ServiceName,
        options: &CreateOptions,
    ) -> Result<()> {
        self.done(clone_command(&self.plugin, service, new_service, options))
            .await
    }

    /// Back up to an S3 bucket now.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// use dokku_core::model::service::ServicePlugin;
    /// let db = dokku_core::ServiceName::new("db")?;
    /// dokku.service(ServicePlugin::Postgres).backup(&db, "my-backups", false).await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::Unsupported`] without the plugin (nothing is sent),
    /// [`Error::CommandFailed`] for a missing service, no stored credentials
    /// (without `use_iam`), a stopped service or a failed upload, and
    /// [`Error::Transport`].
    pub async fn backup(&self, service: &ServiceName, bucket: &str, use_iam: bool) -> Result<()> {
        self.done(backup_command(&self.plugin, service, bucket, use_iam)?)
            .await
    }

    /// Store S3 credentials for backups (sent as secret arguments).
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// use dokku_core::api::service::BackupAuth;
    /// use dokku_core::{model::service::ServicePlugin, SecretString, ServiceName};
    /// let secret = SecretString::new(std::env::var("AWS_SECRET_ACCESS_KEY")?);
    /// let auth = BackupAuth::new(SecretString::new("AKIAEXAMPLE"), secret).region("eu-west-1");
    /// dokku.service(ServicePlugin::Postgres).backup_auth(&ServiceName::new("db")?, &auth).await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] for a signature version without a region, or an
    /// endpoint without both (nothing is sent); [`Error::Unsupported`] without the
    /// plugin (nothing is sent), [`Error::CommandFailed`] for a missing service and
    /// [`Error::Transport`].
    pub async fn backup_auth(&self, service: &ServiceName, auth: &BackupAuth) -> Result<()> {
        self.done(backup_auth_command(&self.plugin, service, auth)?)
            .await
    }

    /// Forget the S3 credentials.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// use dokku_core::model::service::ServicePlugin;
    /// let db = dokku_core::ServiceName::new("db")?;
    /// dokku.service(ServicePlugin::Postgres).backup_deauth(&db).await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::Unsupported`] without the plugin (nothing is sent),
    /// [`Error::CommandFailed`] for a missing service, and [`Error::Transport`].
    pub async fn backup_deauth(&self, service: &ServiceName) -> Result<()> {
        self.backup_verb(service, BackupVerb::Deauth).await
    }

    /// Schedule backups (a cron expression).
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// use dokku_core::model::service::ServicePlugin;
    /// let db = dokku_core::ServiceName::new("db")?;
    /// let postgres = dokku.service(ServicePlugin::Postgres);
    /// postgres.backup_schedule(&db, "0 3 * * *", "my-backups", false).await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::Unsupported`] without the plugin (nothing is sent),
    /// [`Error::CommandFailed`] for a missing service or a refused schedule or
    /// bucket, and [`Error::Transport`].
    pub async fn backup_schedule(
        &self,
        service: &ServiceName,
        schedule: &str,
        bucket: &str,
        use_iam: bool,
    ) -> Result<()> {
        self.done(backup_schedule_command(
            &self.plugin,
            service,
            schedule,
            bucket,
            use_iam,
        )?)
        .await
    }

    /// Remove the backup schedule.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// use dokku_core::model::service::ServicePlugin;
    /// let db = dokku_core::ServiceName::new("db")?;
    /// dokku.service(ServicePlugin::Postgres).backup_unschedule(&db).await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::Unsupported`] without the plugin (nothing is sent),
    /// [`Error::CommandFailed`] for a missing service, and [`Error::Transport`].
    pub async fn backup_unschedule(&self, service: &ServiceName) -> Result<()> {
        self.backup_verb(service, BackupVerb::Unschedule).await
    }

    /// The scheduled backup's cron line.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// use dokku_core::model::service::ServicePlugin;
    /// let db = dokku_core::ServiceName::new("db")?;
    /// let cron_line = dokku.service(ServicePlugin::Postgres).backup_schedule_cat(&db).await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::Unsupported`] without the plugin (nothing is sent),
    /// [`Error::CommandFailed`] for a missing service or one without a schedule
    /// (`There is no scheduled backup for …`), and [`Error::Transport`].
    pub async fn backup_schedule_cat(&self, service: &ServiceName) -> Result<String> {
        let command = backup_simple_command(&self.plugin, service, BackupVerb::ScheduleCat);
        let output = self.dokku.run(&command).await?;
        Ok(parse::service::info_value(&output.stdout_lossy()))
    }

    /// The service's scheduled backup, read from its cron line; `None`
    /// when none is scheduled.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// use dokku_core::model::service::ServicePlugin;
    /// let db = dokku_core::ServiceName::new("db")?;
    /// match dokku.service(ServicePlugin::Postgres).scheduled_backup(&db).await? {
    ///     Some(backup) => println!("{} to {}", backup.schedule, backup.bucket),
    ///     None => println!("db is not backed up"),
    /// }
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// No schedule is `Ok(None)`, not an error. [`Error::Unsupported`]
    /// without the plugin (nothing is sent), [`Error::NotFound`] for a
    /// missing service, [`Error::Parse`] for a cron line the plugin did not
    /// write, [`Error::CommandFailed`] and [`Error::Transport`].
    pub async fn scheduled_backup(&self, service: &ServiceName) -> Result<Option<ScheduledBackup>> {
        let command = backup_simple_command(&self.plugin, service, BackupVerb::ScheduleCat);
        let output = self.dokku.execute(&command).await?;
        let none = format!("There is no scheduled backup for {service}.");
        if output.status.as_code() == Some(1) && output.stderr_lossy().contains(&none) {
            return Ok(None);
        }
        let output = parse::expect_success(&command, output)?;
        let plugin = self.plugin.name();
        context(
            &command,
            parse::service::scheduled_backup(plugin, &output.stdout_lossy()),
        )
        .map(Some)
    }

    /// Encrypt future backups with this passphrase (sent as a secret).
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// use dokku_core::model::service::ServicePlugin;
    /// let db = dokku_core::ServiceName::new("db")?;
    /// let passphrase = dokku_core::SecretString::new(std::env::var("BACKUP_PASSPHRASE")?);
    /// dokku.service(ServicePlugin::Postgres).backup_set_encryption(&db, &passphrase).await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::Unsupported`] without the plugin (nothing is sent),
    /// [`Error::CommandFailed`] for a missing service, and [`Error::Transport`].
    pub async fn backup_set_encryption(
        &self,
        service: &ServiceName,
        passphrase: &SecretString,
    ) -> Result<()> {
        self.done(backup_set_encryption_command(
            &self.plugin,
            service,
            passphrase,
        ))
        .await
    }

    /// Stop encrypting future backups.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// use dokku_core::model::service::ServicePlugin;
    /// let db = dokku_core::ServiceName::new("db")?;
    /// dokku.service(ServicePlugin::Postgres).backup_unset_encryption(&db).await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::Unsupported`] without the plugin (nothing is sent),
    /// [`Error::CommandFailed`] for a missing service, and [`Error::Transport`].
    pub async fn backup_unset_encryption(&self, service: &ServiceName) -> Result<()> {
        self.backup_verb(service, BackupVerb::UnsetEncryption).await
    }
}
