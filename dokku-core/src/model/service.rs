//! Datastore services of Dokku's official service plugins (postgres, redis …).
//!
//! Every official plugin is generated from one template
//! (dokku/dokku-postgres `common-functions`), so one model covers them all:
//! the plugin decides the command prefix and the config variable a link
//! sets (`DATABASE_URL`, `REDIS_URL` …), the rest is shared.

use std::collections::BTreeMap;
use std::fmt;

use serde::Serialize;

use crate::name::{AppName, PluginName, ServiceName};
use crate::secret::SecretString;

/// Which service plugin a command goes to.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ServicePlugin {
    /// dokku/dokku-postgres.
    Postgres,
    /// dokku/dokku-mysql.
    Mysql,
    /// dokku/dokku-mariadb.
    Mariadb,
    /// dokku/dokku-redis.
    Redis,
    /// dokku/dokku-mongo.
    Mongo,
    /// dokku/dokku-rabbitmq.
    Rabbitmq,
    /// dokku/dokku-elasticsearch.
    Elasticsearch,
    /// dokku/dokku-clickhouse.
    Clickhouse,
    /// dokku/dokku-couchdb.
    Couchdb,
    /// dokku/dokku-nats.
    Nats,
    /// dokku/dokku-rethinkdb.
    Rethinkdb,
    /// dokku/dokku-meilisearch.
    Meilisearch,
    /// Any other plugin built from the same template (memcached, solr …).
    Other(PluginName),
}

impl ServicePlugin {
    /// The plugin's name, which is also its command prefix (`postgres`).
    pub fn name(&self) -> &str {
        match self {
            ServicePlugin::Postgres => "postgres",
            ServicePlugin::Mysql => "mysql",
            ServicePlugin::Mariadb => "mariadb",
            ServicePlugin::Redis => "redis",
            ServicePlugin::Mongo => "mongo",
            ServicePlugin::Rabbitmq => "rabbitmq",
            ServicePlugin::Elasticsearch => "elasticsearch",
            ServicePlugin::Clickhouse => "clickhouse",
            ServicePlugin::Couchdb => "couchdb",
            ServicePlugin::Nats => "nats",
            ServicePlugin::Rethinkdb => "rethinkdb",
            ServicePlugin::Meilisearch => "meilisearch",
            ServicePlugin::Other(name) => name.as_str(),
        }
    }

    /// The plugin as a [`PluginName`], for requirements.
    pub fn plugin_name(&self) -> PluginName {
        match self {
            ServicePlugin::Other(name) => name.clone(),
            known => PluginName::trusted(known.name()),
        }
    }

    /// The config variable prefix a link sets without `--alias`
    /// (`PLUGIN_DEFAULT_ALIAS` in the plugin's `config`): `DATABASE` for
    /// the SQL plugins, the upper-cased plugin name for the others.
    pub fn default_alias(&self) -> String {
        match self {
            ServicePlugin::Postgres | ServicePlugin::Mysql | ServicePlugin::Mariadb => {
                "DATABASE".to_owned()
            }
            other => other.name().to_ascii_uppercase().replace(['-', '.'], "_"),
        }
    }

    /// Every plugin this crate names.
    pub fn known() -> [ServicePlugin; 12] {
        [
            ServicePlugin::Postgres,
            ServicePlugin::Mysql,
            ServicePlugin::Mariadb,
            ServicePlugin::Redis,
            ServicePlugin::Mongo,
            ServicePlugin::Rabbitmq,
            ServicePlugin::Elasticsearch,
            ServicePlugin::Clickhouse,
            ServicePlugin::Couchdb,
            ServicePlugin::Nats,
            ServicePlugin::Rethinkdb,
            ServicePlugin::Meilisearch,
        ]
    }

    /// The plugin of this name: a known one, else [`ServicePlugin::Other`].
    pub fn from_name(name: &PluginName) -> Self {
        Self::known()
            .into_iter()
            .find(|p| p.name() == name.as_str())
            .unwrap_or_else(|| ServicePlugin::Other(name.clone()))
    }
}

impl fmt::Display for ServicePlugin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The service container's state, as `<plugin>:info --status` prints it
/// (`service_status`: Docker's `.State.Status`, or `missing`): the words
/// of an app's containers.
pub type ServiceStatus = crate::model::ps::ContainerState;

/// One exposed port: `<container>-><host>` in `Exposed ports`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ExposedPort {
    /// The datastore's port inside the container (`5432`).
    pub container: u16,
    /// What it is published on: a port, or `ip:port` as given to `expose`.
    pub host: String,
}

/// A service's scheduled backup, from the cron line `backup-schedule`
/// wrote (`<schedule> dokku /usr/bin/dokku <plugin>:backup <service>
/// <bucket> [--use-iam]`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ScheduledBackup {
    /// When, as cron reads it (`0 3 * * *`, or `@daily`).
    pub schedule: String,
    /// The S3 bucket the backups go to.
    pub bucket: String,
    /// Whether the host's IAM role is used instead of stored credentials
    /// (`--use-iam`).
    pub use_iam: bool,
}

/// `<plugin>:info <service>`: everything the plugin reports.
///
/// The DSN holds the password and is a [`SecretString`]; it is never
/// serialised. `raw` keeps every other line as printed (keys lower-cased,
/// spaces as `-`), so fields a newer plugin adds are not lost. The default
/// is a report of nothing: every field unknown or empty.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[non_exhaustive]
pub struct ServiceInfo {
    /// The service, from the header line.
    pub name: Option<ServiceName>,
    /// `Config dir`.
    pub config_dir: Option<String>,
    /// `Data dir`.
    pub data_dir: Option<String>,
    /// `Dsn`: the connection URL with the password.
    #[serde(skip)]
    pub dsn: Option<SecretString>,
    /// `Custom env` (dokku-datastore plugins): the container environment
    /// given at create, often credentials.
    #[serde(skip)]
    pub custom_env: Option<SecretString>,
    /// `Exposed ports`; empty when `-`.
    pub exposed_ports: Vec<ExposedPort>,
    /// `Id`: the container id.
    pub id: Option<String>,
    /// `Internal ip`.
    pub internal_ip: Option<String>,
    /// `Initial network` (newer plugins).
    pub initial_network: Option<String>,
    /// `Links`: linked apps; empty when `-`.
    pub links: Vec<AppName>,
    /// `Post create network` (newer plugins).
    pub post_create_network: Option<String>,
    /// `Post start network` (newer plugins).
    pub post_start_network: Option<String>,
    /// `Service root`.
    pub service_root: Option<String>,
    /// `Status`.
    pub status: Option<ServiceStatus>,
    /// `Version`: the image (`postgres:17.2`).
    pub version: Option<String>,
    /// Every line but the secret ones (DSN, custom env), as printed.
    pub raw: BTreeMap<String, String>,
}

/// One field of `<plugin>:info`, asked for alone with `--<field>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum InfoField {
    /// `--config-dir`.
    ConfigDir,
    /// `--data-dir`.
    DataDir,
    /// `--dsn` (a secret: read it with the handler's `dsn`).
    Dsn,
    /// `--exposed-ports`.
    ExposedPorts,
    /// `--id`.
    Id,
    /// `--internal-ip`.
    InternalIp,
    /// `--initial-network` (newer plugins).
    InitialNetwork,
    /// `--links`.
    Links,
    /// `--post-create-network` (newer plugins).
    PostCreateNetwork,
    /// `--post-start-network` (newer plugins).
    PostStartNetwork,
    /// `--service-root`.
    ServiceRoot,
    /// `--status`.
    Status,
    /// `--version`.
    Version,
}

impl InfoField {
    /// The flag (`--config-dir`).
    pub fn flag(self) -> &'static str {
        match self {
            InfoField::ConfigDir => "--config-dir",
            InfoField::DataDir => "--data-dir",
            InfoField::Dsn => "--dsn",
            InfoField::ExposedPorts => "--exposed-ports",
            InfoField::Id => "--id",
            InfoField::InternalIp => "--internal-ip",
            InfoField::InitialNetwork => "--initial-network",
            InfoField::Links => "--links",
            InfoField::PostCreateNetwork => "--post-create-network",
            InfoField::PostStartNetwork => "--post-start-network",
            InfoField::ServiceRoot => "--service-root",
            InfoField::Status => "--status",
            InfoField::Version => "--version",
        }
    }

    /// Whether the value is secret.
    pub fn is_secret(self) -> bool {
        self == InfoField::Dsn
    }
}
