//! The raw command line, as clap parses it. Nothing here is validated
//! beyond its shape: [`crate::plan`] turns it into a typed plan.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::common::TargetArgs;

const AFTER_HELP: &str = "\
Targets:
  --demo                 the built-in simulated host (state kept between runs)
  --local                the `dokku` program on this machine
  --host dokku@HOST      over SSH (or set DOKKU_HOST); strict host keys

Exit codes:
  0 ok · 1 the Dokku command failed · 2 usage error (nothing was sent)
  3 connection, authentication or host key · 4 not found
  5 an app's stored config is corrupt on the host (an admin must repair it;
    see `cli config --help`) · 130 interrupted

Examples:
  cli --demo apps list
  cli --host dokku@example.com ps scale api web=3
  cli --demo config set api LOG_LEVEL=debug --no-restart
  cli --demo logs api -t
  cli --demo services postgres link api-db api
  cli --demo --dry-run apps destroy api
  cli history list --app api --since 1h";

const CONFIG_HELP: &str = "\
Examples:
  cli --demo config show api
  cli --demo config set api LOG_LEVEL=debug
  cli --demo config import api .env

Values Dokku cannot store:
  Dokku (0.37.8 and later) writes config with a library that corrupts a
  value ending in a backslash or a double quote, and rewrites integers such
  as 007 or +5 as 7 and 5. The first two break the app's whole environment:
  every later config command on it fails. `config set` and `config import`
  refuse such values before sending anything (exit 2), on every Dokku (an
  older host's files meet that library at its next upgrade), and name the
  key: end the value with another character, quote it differently, or
  store it base64-encoded and decode it in the application. From Dokku
  0.37.0 values travel as JSON on standard input (`config:import`), never
  on Dokku's command line.

A corrupt stored environment (exit 5):
  Once such a value is stored, Dokku fails with `unterminated quoted value`
  or `unexpected character … in variable name` and no Dokku command can
  repair it. On the host, as root:
    F=/var/lib/dokku/config/APP/ENV       # --global: .../config/--global/ENV
                                          # Dokku < 0.38: /home/dokku/APP/ENV
    grep -n '\\\\\"$' $F                     # a value ending in a backslash
    grep -n '\\\\\"\"$' $F                    # one ending in a quote, not yet broken
    sudo -u dokku sed -i '/^KEY=/d' $F    # delete that line (keeps owner, mode)
    dokku config:keys APP                 # readable again?
  then set the value again in a form Dokku can store, and restart the app.";

/// A Dokku admin's command line: typed, safe, scriptable and audited.
///
/// Every command that reaches a host is recorded in a local audit history
/// (secrets never stored); see `cli history`.
#[derive(Debug, Parser)]
#[command(name = "cli", version, after_help = AFTER_HELP, propagate_version = true)]
pub struct Cli {
    #[command(flatten)]
    pub target: TargetArgs,
    /// Print JSON for scripts instead of tables.
    #[arg(long, global = true)]
    pub json: bool,
    /// Print the Dokku command lines that would run (secrets as ***) and
    /// run nothing.
    #[arg(long, global = true)]
    pub dry_run: bool,
    /// Do not ask before destructive commands.
    #[arg(long, short = 'y', global = true)]
    pub yes: bool,
    /// Show config values instead of ***.
    #[arg(long, global = true)]
    pub reveal: bool,
    /// The app, when it is not given as an argument (default: the app of
    /// the `dokku` git remote in the current directory).
    #[arg(long, short = 'a', global = true, value_name = "APP")]
    pub app: Option<String>,
    #[command(subcommand)]
    pub command: Cmd,
}

#[derive(Debug, Subcommand)]
pub enum Cmd {
    /// Apps: list, report, create, destroy, rename, clone, lock, unlock.
    #[command(
        subcommand,
        after_help = "Examples:\n  cli --demo apps list\n  cli --demo apps create my-app\n  cli --demo apps destroy my-app --yes"
    )]
    Apps(AppsCmd),
    /// Processes: report, scale, start, stop, restart, rebuild.
    #[command(
        subcommand,
        after_help = "Examples:\n  cli --demo ps report api\n  cli --demo ps scale api web=2 worker=1\n  cli --demo ps restart api"
    )]
    Ps(PsCmd),
    /// Environment variables: show, get, set, unset, export, import.
    #[command(subcommand, after_help = CONFIG_HELP)]
    Config(ConfigCmd),
    /// Domains: report, add, set, remove, clear.
    #[command(
        subcommand,
        after_help = "Examples:\n  cli --demo domains report api\n  cli --demo domains add api api.example.com"
    )]
    Domains(DomainsCmd),
    /// Datastore services of Dokku's service plugins (postgres, redis, mysql …).
    #[command(
        after_help = "Examples:\n  cli --demo services postgres list\n  cli --demo services postgres create api-db2\n  cli --demo services postgres link api-db2 api\n  cli --demo services redis info cache --reveal\n  cli --demo services postgres export api-db -o api-db.dump"
    )]
    Services {
        /// The plugin: postgres, mysql, mariadb, redis, mongo, rabbitmq,
        /// elasticsearch, clickhouse, couchdb, nats, rethinkdb, meilisearch …
        plugin: String,
        #[command(subcommand)]
        command: ServiceCmd,
    },
    /// Port mappings: list, report, add, set, remove, clear.
    #[command(
        subcommand,
        after_help = "Examples:\n  cli --demo ports list api\n  cli --demo ports add api https:443:5000"
    )]
    Ports(PortsCmd),
    /// The reverse proxy: report, enable, disable, set, build-config, clear-config.
    #[command(
        subcommand,
        after_help = "Examples:\n  cli --demo proxy report api\n  cli --demo proxy set api caddy"
    )]
    Proxy(ProxyCmd),
    /// TLS certificates: report, add, update, generate, remove, show.
    #[command(
        subcommand,
        after_help = "Examples:\n  cli --demo certs report api\n  cli --demo certs add api --cert server.crt --key server.key"
    )]
    Certs(CertsCmd),
    /// Let's Encrypt certificates: list, report, enable, disable, auto-renew, set …
    #[command(
        subcommand,
        after_help = "Examples:\n  cli --demo letsencrypt list\n  cli --demo letsencrypt enable api"
    )]
    Letsencrypt(LetsencryptCmd),
    /// An app's logs; `-t` follows them until Ctrl-C.
    #[command(
        after_help = "Examples:\n  cli --demo logs api -n 20\n  cli --demo logs api --ps worker -t"
    )]
    Logs(LogsCmd),
    /// The local audit history of commands run through this tool.
    #[command(
        subcommand,
        after_help = "Examples:\n  cli history list --app api --since 1d\n  cli history show 42\n  cli history search destroy\n  cli history export --format csv -o audit.csv"
    )]
    History(HistoryCmd),
    /// The host's Dokku version.
    #[command(after_help = "Example:\n  cli --demo version")]
    Version,
    /// Run any Dokku command (audited; arguments are quoted safely).
    #[command(
        after_help = "Examples:\n  cli --demo raw -- apps:list\n  cli --demo raw -- ps:inspect api"
    )]
    Raw {
        /// The Dokku subcommand and its arguments.
        #[arg(
            required = true,
            trailing_var_arg = true,
            allow_hyphen_values = true,
            value_name = "ARGS"
        )]
        args: Vec<String>,
    },
    /// Print a shell completion script.
    #[command(
        after_help = "Example:\n  cli completions bash > ~/.local/share/bash-completion/completions/cli"
    )]
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
}

#[derive(Debug, Subcommand)]
pub enum AppsCmd {
    /// Every app with its deploy and run state.
    #[command(after_help = "Example:\n  cli --demo apps list --json")]
    List,
    /// One app's report.
    #[command(after_help = "Example:\n  cli --demo apps report api")]
    Report { app: Option<String> },
    /// Create an app.
    #[command(after_help = "Example:\n  cli --demo apps create my-app")]
    Create { app: Option<String> },
    /// Destroy an app (asks for its name unless --yes).
    #[command(
        after_help = "Examples:\n  cli --demo apps destroy my-app\n  cli --demo apps destroy my-app --yes"
    )]
    Destroy { app: Option<String> },
    /// Rename an app (rebuilt unless --skip-deploy).
    #[command(after_help = "Example:\n  cli --demo apps rename old-name new-name")]
    Rename {
        from: String,
        to: String,
        #[arg(long)]
        skip_deploy: bool,
    },
    /// Copy an app with its config (built unless --skip-deploy).
    #[command(after_help = "Example:\n  cli --demo apps clone api api-staging")]
    Clone {
        from: String,
        to: String,
        #[arg(long)]
        skip_deploy: bool,
        /// Succeed without doing anything if the copy exists.
        #[arg(long)]
        ignore_existing: bool,
    },
    /// Take the deploy lock.
    #[command(after_help = "Example:\n  cli --demo apps lock api")]
    Lock { app: Option<String> },
    /// Release the deploy lock.
    #[command(after_help = "Example:\n  cli --demo apps unlock api")]
    Unlock { app: Option<String> },
}

#[derive(Debug, Subcommand)]
pub enum PsCmd {
    /// Containers and process settings of an app.
    #[command(after_help = "Example:\n  cli --demo ps report api")]
    Report { app: Option<String> },
    /// Show the formation, or set it with TYPE=N pairs.
    #[command(
        after_help = "Examples:\n  cli --demo ps scale api\n  cli --demo ps scale api web=3 worker=1"
    )]
    Scale {
        /// [APP] [TYPE=N …]
        #[arg(value_name = "ARGS")]
        args: Vec<String>,
        /// Record the formation without deploying it.
        #[arg(long)]
        skip_deploy: bool,
    },
    /// Start an app's containers.
    #[command(after_help = "Examples:\n  cli --demo ps start api\n  cli --demo ps start --all")]
    Start(LifecycleArgs),
    /// Stop an app's containers.
    #[command(
        after_help = "Examples:\n  cli --demo ps stop api\n  cli --demo ps stop --all --yes"
    )]
    Stop(LifecycleArgs),
    /// Restart an app (or one process type of it).
    #[command(
        after_help = "Examples:\n  cli --demo ps restart api\n  cli --demo ps restart api worker"
    )]
    Restart(LifecycleArgs),
    /// Rebuild an app from its last source.
    #[command(after_help = "Example:\n  cli --demo ps rebuild api")]
    Rebuild(LifecycleArgs),
}

#[derive(Debug, Args)]
pub struct LifecycleArgs {
    /// [APP] [PROCESS-TYPE]
    #[arg(value_name = "ARGS")]
    pub args: Vec<String>,
    /// Every app.
    #[arg(long)]
    pub all: bool,
    /// With --all: how many apps at once (-1: one per CPU).
    #[arg(long, allow_negative_numbers = true)]
    pub parallel: Option<i32>,
}

#[derive(Debug, Subcommand)]
pub enum ConfigCmd {
    /// Every variable (values *** unless --reveal).
    #[command(
        after_help = "Examples:\n  cli --demo config show api\n  cli --demo config show --global\n  cli --demo config show api --merged --reveal"
    )]
    Show {
        app: Option<String>,
        #[arg(long)]
        global: bool,
        /// Include the global variables the app inherits.
        #[arg(long)]
        merged: bool,
    },
    /// One variable (*** unless --reveal).
    #[command(after_help = "Example:\n  cli --demo config get api NODE_ENV --reveal")]
    Get {
        /// [APP] KEY
        #[arg(value_name = "ARGS", required = true)]
        args: Vec<String>,
        #[arg(long)]
        global: bool,
    },
    /// Set variables in one step (restarts the app unless --no-restart).
    #[command(
        after_help = "Example:\n  cli --demo config set api LOG_LEVEL=debug 'GREETING=hello world'"
    )]
    Set {
        /// [APP] KEY=VALUE …
        #[arg(value_name = "ARGS", required = true)]
        args: Vec<String>,
        #[arg(long)]
        global: bool,
        #[arg(long)]
        no_restart: bool,
    },
    /// Unset variables.
    #[command(after_help = "Example:\n  cli --demo config unset api LOG_LEVEL")]
    Unset {
        /// [APP] KEY …
        #[arg(value_name = "ARGS", required = true)]
        args: Vec<String>,
        #[arg(long)]
        global: bool,
        #[arg(long)]
        no_restart: bool,
    },
    /// Every variable in a reusable format (*** unless --reveal).
    #[command(after_help = "Example:\n  cli --demo config export api --reveal > api.env")]
    Export {
        app: Option<String>,
        #[arg(long)]
        global: bool,
        #[arg(long, value_enum, default_value = "env")]
        format: ExportFormat,
    },
    /// Set every variable of a .env file in one step (read here; sent as
    /// JSON on Dokku's stdin).
    #[command(
        after_help = "Examples:\n  cli --demo config import api .env --no-restart\n  cli --demo config import api .env --replace"
    )]
    Import {
        /// [APP] FILE
        #[arg(value_name = "ARGS", required = true)]
        args: Vec<String>,
        #[arg(long)]
        global: bool,
        #[arg(long)]
        no_restart: bool,
        /// Remove every variable the file does not set (Dokku 0.37.0 or newer).
        #[arg(long)]
        replace: bool,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    /// KEY='value' lines (a .env file).
    Env,
    /// export KEY='value' lines, for `eval`.
    Shell,
    /// One JSON object.
    Json,
}

#[derive(Debug, Subcommand)]
pub enum DomainsCmd {
    /// An app's domains, or the global ones.
    #[command(
        after_help = "Examples:\n  cli --demo domains report api\n  cli --demo domains report --global"
    )]
    Report {
        app: Option<String>,
        #[arg(long)]
        global: bool,
    },
    /// Add domains to an app.
    #[command(
        after_help = "Example:\n  cli --demo domains add api api.example.com www.example.com"
    )]
    Add {
        /// [APP] DOMAIN …
        #[arg(value_name = "ARGS", required = true)]
        args: Vec<String>,
    },
    /// Replace an app's domains.
    #[command(after_help = "Example:\n  cli --demo domains set api api.example.com")]
    Set {
        /// [APP] DOMAIN …
        #[arg(value_name = "ARGS", required = true)]
        args: Vec<String>,
    },
    /// Remove domains from an app.
    #[command(after_help = "Example:\n  cli --demo domains remove api www.example.com")]
    Remove {
        /// [APP] DOMAIN …
        #[arg(value_name = "ARGS", required = true)]
        args: Vec<String>,
    },
    /// Remove every domain of an app.
    #[command(after_help = "Example:\n  cli --demo domains clear api")]
    Clear { app: Option<String> },
}

#[derive(Debug, Args)]
pub struct LogsCmd {
    pub app: Option<String>,
    /// Lines per container.
    #[arg(long, short = 'n')]
    pub num: Option<u32>,
    /// Only this process type.
    #[arg(long = "ps", short = 'p', value_name = "TYPE")]
    pub process: Option<String>,
    /// Raw lines, without timestamp and container.
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// Keep following new lines until Ctrl-C.
    #[arg(long = "tail", short = 't')]
    pub follow: bool,
}

#[derive(Debug, Subcommand)]
pub enum HistoryCmd {
    /// Recorded commands, newest first.
    #[command(
        after_help = "Examples:\n  cli history list\n  cli history list --app api --outcome failed --since 2d\n  cli history list --json --limit 500"
    )]
    List(HistoryFilter),
    /// One record in full (output redacted).
    #[command(after_help = "Example:\n  cli history show 42")]
    Show { id: i64 },
    /// Full-text search over command lines and errors.
    #[command(after_help = "Example:\n  cli history search apps:destroy")]
    Search {
        #[arg(required = true)]
        words: Vec<String>,
        #[arg(long, default_value_t = 50)]
        limit: usize,
    },
    /// Count, failure rate and durations per Dokku subcommand.
    #[command(after_help = "Example:\n  cli history stats")]
    Stats,
    /// Check the hash chain: name the first altered or removed record.
    #[command(after_help = "Example:\n  cli history verify")]
    Verify,
    /// Every record, oldest first, as JSON Lines or CSV.
    #[command(
        after_help = "Examples:\n  cli history export > audit.jsonl\n  cli history export --format csv -o audit.csv"
    )]
    Export {
        #[arg(long, value_enum, default_value = "jsonl")]
        format: HistoryFormat,
        /// Write here instead of standard output.
        #[arg(long, short = 'o', value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Copy the local history file (--history-db) into the empty shared
    /// PostgreSQL history (--history), then verify its chain there.
    #[command(
        after_help = "Example:\n  DOKKU_HISTORY_URL=postgres://audit@db/audit cli history migrate"
    )]
    Migrate,
}

#[derive(Debug, Args)]
pub struct HistoryFilter {
    /// Only commands about this app (default: all apps; --app works too).
    #[arg(value_name = "APP")]
    pub only_app: Option<String>,
    /// Only commands by this user.
    #[arg(long)]
    pub actor: Option<String>,
    /// Only commands run on this host (`demo`, `local`, `dokku@host`).
    #[arg(long = "on-host", value_name = "HOST")]
    pub on_host: Option<String>,
    /// Only this Dokku subcommand (`apps:destroy`).
    #[arg(long)]
    pub subcommand: Option<String>,
    /// Only this outcome.
    #[arg(long, value_enum)]
    pub outcome: Option<OutcomeArg>,
    /// Only newer than this: `30m`, `12h`, `7d`, or Unix milliseconds.
    #[arg(long)]
    pub since: Option<String>,
    /// At most this many records.
    #[arg(long, default_value_t = 50)]
    pub limit: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutcomeArg {
    Ok,
    Failed,
    Timeout,
    TransportError,
    Cancelled,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum HistoryFormat {
    /// One JSON object per line.
    Jsonl,
    /// Comma-separated values (formula cells neutralised).
    Csv,
}

#[derive(Debug, Subcommand)]
pub enum ServiceCmd {
    /// Every service of the plugin, with status, version and links.
    #[command(after_help = "Example:\n  cli --demo services postgres list")]
    List,
    /// One service's details (the DSN *** unless --reveal).
    #[command(after_help = "Example:\n  cli --demo services postgres info api-db --reveal")]
    Info { service: String },
    /// Create a service (pulls the image, starts the container).
    #[command(
        after_help = "Example:\n  cli --demo services postgres create reports-db --image-version 17.2"
    )]
    Create {
        service: String,
        #[command(flatten)]
        image: ImageArgs,
    },
    /// Destroy a service and its data (asks for its name unless --yes).
    #[command(after_help = "Example:\n  cli --demo services postgres destroy reports-db")]
    Destroy { service: String },
    /// Link a service to an app: sets <ALIAS>_URL and restarts the app.
    #[command(
        after_help = "Examples:\n  cli --demo services postgres link api-db blog\n  cli --demo services redis link cache blog --alias SESSION_REDIS"
    )]
    Link {
        service: String,
        app: Option<String>,
        /// Set <ALIAS>_URL instead of the plugin's default.
        #[arg(long)]
        alias: Option<String>,
        /// Appended to the URL (`pool=5`).
        #[arg(long)]
        querystring: Option<String>,
        /// Do not restart the app.
        #[arg(long)]
        no_restart: bool,
    },
    /// Unlink a service from an app.
    #[command(after_help = "Example:\n  cli --demo services postgres unlink api-db blog")]
    Unlink {
        service: String,
        app: Option<String>,
        #[arg(long)]
        no_restart: bool,
    },
    /// The apps a service is linked to.
    #[command(after_help = "Example:\n  cli --demo services postgres links api-db")]
    Links { service: String },
    /// The services of this plugin an app is linked to.
    #[command(after_help = "Example:\n  cli --demo services postgres app-links api")]
    AppLinks { app: Option<String> },
    /// Start the service container.
    #[command(after_help = "Example:\n  cli --demo services postgres start api-db")]
    Start { service: String },
    /// Stop the service container.
    #[command(after_help = "Example:\n  cli --demo services postgres stop api-db")]
    Stop { service: String },
    /// Restart the service container.
    #[command(after_help = "Example:\n  cli --demo services postgres restart api-db")]
    Restart { service: String },
    /// Publish the service's ports on the host (random ones if none given).
    #[command(after_help = "Example:\n  cli --demo services postgres expose api-db 15432")]
    Expose { service: String, ports: Vec<String> },
    /// Stop publishing the service's ports.
    #[command(after_help = "Example:\n  cli --demo services postgres unexpose api-db")]
    Unexpose { service: String },
    /// The service container's logs; `-t` follows them until Ctrl-C.
    #[command(after_help = "Example:\n  cli --demo services postgres logs api-db -t")]
    Logs {
        service: String,
        #[arg(long = "tail", short = 't')]
        follow: bool,
    },
    /// Pause the service container (its processes are frozen, not stopped).
    #[command(after_help = "Example:\n  cli --demo services postgres pause api-db")]
    Pause { service: String },
    /// Make the service the app's DATABASE_URL (its default <ALIAS>_URL);
    /// the service must be linked already. Restarts the app.
    #[command(after_help = "Example:\n  cli --demo services postgres promote reports-db api")]
    Promote {
        service: String,
        app: Option<String>,
    },
    /// Move the service to another image or version (restarts it).
    #[command(
        after_help = "Examples:\n  cli --demo services postgres upgrade api-db --image-version 17.3\n  cli --demo services redis upgrade cache --image-version 7.4.2 --restart-apps false"
    )]
    Upgrade {
        service: String,
        #[command(flatten)]
        image: ImageArgs,
        /// Restart the linked apps afterwards (the plugin's default: true).
        #[arg(long, value_name = "BOOL")]
        restart_apps: Option<bool>,
    },
    /// Create a new service with a copy of this one's data.
    #[command(after_help = "Example:\n  cli --demo services postgres clone api-db api-db-copy")]
    Clone {
        service: String,
        new_service: String,
        #[command(flatten)]
        image: ImageArgs,
    },
    /// Write a dump of the service's data to standard output or --output
    /// (binary: never to a terminal).
    #[command(
        after_help = "Examples:\n  cli --demo services postgres export api-db -o api-db.dump\n  cli --demo services postgres export api-db | gzip > api-db.dump.gz"
    )]
    Export {
        service: String,
        /// Write the dump here instead of standard output.
        #[arg(long, short = 'o', value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Load a dump into the service, overwriting its data (asks for the
    /// service name unless --yes).
    #[command(
        after_help = "Examples:\n  cli --demo services postgres import api-db -i api-db.dump\n  gunzip -c api-db.dump.gz | cli --demo services postgres import api-db --yes"
    )]
    Import {
        service: String,
        /// Read the dump from this file instead of standard input.
        #[arg(long, short = 'i', value_name = "FILE")]
        input: Option<PathBuf>,
    },
    /// Back the service up to an S3 bucket now.
    #[command(
        after_help = "Examples:\n  cli --demo services postgres backup api-db my-bucket\n  cli --demo services postgres backup api-db my-bucket --use-iam"
    )]
    Backup {
        service: String,
        bucket: String,
        /// Use the host's IAM role instead of stored credentials.
        #[arg(long)]
        use_iam: bool,
    },
    /// Store the S3 credentials for backups. The secret access key is read
    /// from a prompt, or from standard input when it is not a terminal:
    /// never from the command line (it would land in shell history).
    #[command(
        after_help = "Examples:\n  cli --demo services postgres backup-auth api-db AKIAEXAMPLE\n  pass show aws/backup | cli --demo services postgres backup-auth api-db AKIAEXAMPLE --region eu-west-1"
    )]
    BackupAuth {
        service: String,
        access_key_id: String,
        /// The AWS region.
        #[arg(long)]
        region: Option<String>,
        /// The S3 signature version (s3v4); needs --region.
        #[arg(long, value_name = "VERSION")]
        signature_version: Option<String>,
        /// An S3-compatible endpoint; needs --region and --signature-version.
        #[arg(long, value_name = "URL")]
        endpoint_url: Option<String>,
    },
    /// Forget the stored S3 credentials.
    #[command(after_help = "Example:\n  cli --demo services postgres backup-deauth api-db")]
    BackupDeauth { service: String },
    /// Back up on a cron schedule.
    #[command(
        after_help = "Example:\n  cli --demo services postgres backup-schedule api-db '0 3 * * *' my-bucket"
    )]
    BackupSchedule {
        service: String,
        /// A cron expression: minute hour day month weekday.
        cron: String,
        bucket: String,
        /// Use the host's IAM role instead of stored credentials.
        #[arg(long)]
        use_iam: bool,
    },
    /// Remove the backup schedule.
    #[command(after_help = "Example:\n  cli --demo services postgres backup-unschedule api-db")]
    BackupUnschedule { service: String },
    /// The backup schedule's cron line.
    #[command(after_help = "Example:\n  cli --demo services postgres backup-schedule-cat api-db")]
    BackupScheduleCat { service: String },
    /// Encrypt future backups with a GPG passphrase, read from a prompt or
    /// from standard input (never from the command line).
    #[command(
        after_help = "Examples:\n  cli --demo services postgres backup-set-encryption api-db\n  pass show backup-passphrase | cli --demo services postgres backup-set-encryption api-db"
    )]
    BackupSetEncryption { service: String },
    /// Stop encrypting future backups.
    #[command(
        after_help = "Example:\n  cli --demo services postgres backup-unset-encryption api-db"
    )]
    BackupUnsetEncryption { service: String },
}

/// The image flags of `create`, `upgrade` and `clone`.
#[derive(Debug, Args)]
pub struct ImageArgs {
    /// The image to run instead of the plugin's.
    #[arg(long)]
    pub image: Option<String>,
    /// The image tag.
    #[arg(long)]
    pub image_version: Option<String>,
    /// Extra container environment, `K=V;K2=V2` (kept secret).
    #[arg(long, value_name = "ENV")]
    pub custom_env: Option<String>,
    /// Extra options for the datastore's own configuration.
    #[arg(long, value_name = "OPTIONS")]
    pub config_options: Option<String>,
    /// Memory limit in MB.
    #[arg(long, value_name = "MB")]
    pub memory: Option<u32>,
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::Cli;

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn every_command_has_an_example() {
        fn walk(cmd: &clap::Command, path: &str, missing: &mut Vec<String>) {
            let path = format!("{path} {}", cmd.get_name());
            let help = cmd
                .get_after_help()
                .map(|h| h.to_string())
                .unwrap_or_default();
            if !help.contains("Example") && cmd.get_name() != "help" {
                missing.push(path.clone());
            }
            for sub in cmd.get_subcommands() {
                walk(sub, &path, missing);
            }
        }
        let mut missing = Vec::new();
        walk(&Cli::command(), "", &mut missing);
        assert!(missing.is_empty(), "no examples in --help: {missing:?}");
    }
}

#[derive(Debug, Subcommand)]
pub enum PortsCmd {
    /// The app's port mappings.
    #[command(after_help = "Example:\n  cli --demo ports list api")]
    List { app: Option<String> },
    /// Configured and detected mappings.
    #[command(after_help = "Example:\n  cli --demo ports report api --json")]
    Report { app: Option<String> },
    /// Add mappings (`scheme:host-port:container-port`).
    #[command(after_help = "Example:\n  cli --demo ports add api https:443:5000")]
    Add {
        /// [APP] MAPPING …
        #[arg(value_name = "ARGS", required = true)]
        args: Vec<String>,
    },
    /// Replace every mapping.
    #[command(after_help = "Example:\n  cli --demo ports set api http:80:5000 https:443:5000")]
    Set {
        /// [APP] MAPPING …
        #[arg(value_name = "ARGS", required = true)]
        args: Vec<String>,
    },
    /// Remove mappings, or every mapping on some host ports.
    #[command(
        after_help = "Examples:\n  cli --demo ports remove api https:443:5000\n  cli --demo ports remove api 8080"
    )]
    Remove {
        /// [APP] MAPPING|HOST-PORT …
        #[arg(value_name = "ARGS", required = true)]
        args: Vec<String>,
    },
    /// Remove every mapping (back to the detected ones).
    #[command(after_help = "Example:\n  cli --demo ports clear api")]
    Clear { app: Option<String> },
}

#[derive(Debug, Subcommand)]
pub enum ProxyCmd {
    /// Proxy settings of an app, or the global ones.
    #[command(
        after_help = "Examples:\n  cli --demo proxy report api\n  cli --demo proxy report --global"
    )]
    Report {
        app: Option<String>,
        #[arg(long)]
        global: bool,
    },
    /// Put the proxy in front of the app again.
    #[command(
        after_help = "Examples:\n  cli --demo proxy enable api\n  cli --demo proxy enable --all"
    )]
    Enable(ProxyTarget),
    /// Take the proxy away: the app is reached on its container ports.
    #[command(after_help = "Example:\n  cli --demo proxy disable api")]
    Disable(ProxyTarget),
    /// Regenerate the proxy configuration.
    #[command(after_help = "Example:\n  cli --demo proxy build-config api")]
    BuildConfig(ProxyTarget),
    /// Remove the generated proxy configuration.
    #[command(after_help = "Example:\n  cli --demo proxy clear-config api")]
    ClearConfig(ProxyTarget),
    /// Choose the proxy implementation (nginx, caddy, haproxy, traefik …).
    #[command(
        after_help = "Examples:\n  cli --demo proxy set api caddy\n  cli --demo proxy set --global nginx"
    )]
    Set {
        /// [APP] TYPE
        #[arg(value_name = "ARGS", required = true)]
        args: Vec<String>,
        #[arg(long)]
        global: bool,
    },
}

#[derive(Debug, Args)]
pub struct ProxyTarget {
    pub app: Option<String>,
    /// Every app.
    #[arg(long)]
    pub all: bool,
}

#[derive(Debug, Subcommand)]
pub enum CertsCmd {
    /// The app's certificate: hostnames, issuer, expiry.
    #[command(after_help = "Example:\n  cli --demo certs report api")]
    Report { app: Option<String> },
    /// Install a certificate and key from PEM files (sent on stdin, never
    /// as arguments).
    #[command(
        after_help = "Example:\n  cli --demo certs add api --cert server.crt --key server.key"
    )]
    Add(CertFiles),
    /// Replace the certificate and key from PEM files.
    #[command(
        after_help = "Example:\n  cli --demo certs update api --cert server.crt --key server.key"
    )]
    Update(CertFiles),
    /// Generate a self-signed certificate for a domain and install it;
    /// prints a certificate signing request for a CA. The subject fields
    /// are answered for openssl (blank unless given).
    #[command(
        after_help = "Examples:\n  cli --demo certs generate api api.example.com\n  cli --demo certs generate api api.example.com --country DE --organization 'Example GmbH'"
    )]
    Generate {
        /// [APP] DOMAIN
        #[arg(value_name = "ARGS", required = true)]
        args: Vec<String>,
        /// Country name, two letters.
        #[arg(long)]
        country: Option<String>,
        /// State or province.
        #[arg(long)]
        state: Option<String>,
        /// Locality (city).
        #[arg(long)]
        locality: Option<String>,
        /// Organization name.
        #[arg(long)]
        organization: Option<String>,
        /// Organizational unit.
        #[arg(long)]
        unit: Option<String>,
        /// Contact email address.
        #[arg(long)]
        email: Option<String>,
    },
    /// Remove the certificate.
    #[command(after_help = "Example:\n  cli --demo certs remove api")]
    Remove { app: Option<String> },
    /// Print the certificate, or the key (only with --reveal).
    #[command(
        after_help = "Examples:\n  cli --demo certs show api crt\n  cli --demo certs show api key --reveal"
    )]
    Show {
        /// [APP] crt|key
        #[arg(value_name = "ARGS", required = true)]
        args: Vec<String>,
    },
}

#[derive(Debug, Args)]
pub struct CertFiles {
    pub app: Option<String>,
    /// The certificate (chain), PEM.
    #[arg(long, value_name = "FILE")]
    pub cert: PathBuf,
    /// The private key, PEM.
    #[arg(long, value_name = "FILE")]
    pub key: PathBuf,
}

#[derive(Debug, Subcommand)]
pub enum LetsencryptCmd {
    /// Every certificate with its expiry and renewal.
    #[command(after_help = "Example:\n  cli --demo letsencrypt list")]
    List,
    /// An app's Let's Encrypt settings, or the global ones.
    #[command(
        after_help = "Examples:\n  cli --demo letsencrypt report api\n  cli --demo letsencrypt report --global"
    )]
    Report {
        app: Option<String>,
        #[arg(long)]
        global: bool,
    },
    /// Whether the app has an active certificate.
    #[command(after_help = "Example:\n  cli --demo letsencrypt active api")]
    Active { app: Option<String> },
    /// Obtain (or renew) a certificate for an app, or every app.
    #[command(
        after_help = "Examples:\n  cli --demo letsencrypt enable api\n  cli --demo letsencrypt enable --all"
    )]
    Enable(ProxyTarget),
    /// Remove the app's certificate and Let's Encrypt files.
    #[command(after_help = "Example:\n  cli --demo letsencrypt disable api")]
    Disable { app: Option<String> },
    /// Renew what is due, for an app or (with --all) every app.
    #[command(
        after_help = "Examples:\n  cli --demo letsencrypt auto-renew api\n  cli --demo letsencrypt auto-renew --all"
    )]
    AutoRenew(ProxyTarget),
    /// Remove stale certificate directories.
    #[command(after_help = "Example:\n  cli --demo letsencrypt cleanup api")]
    Cleanup { app: Option<String> },
    /// Revoke the app's certificate (asks for the app name unless --yes).
    #[command(after_help = "Example:\n  cli --demo letsencrypt revoke api")]
    Revoke { app: Option<String> },
    /// Set a property: email, server, graceperiod, dns-provider,
    /// lego-docker-args, dns-provider-VAR (a secret).
    #[command(
        after_help = "Examples:\n  cli --demo letsencrypt set api email ops@example.com\n  cli --demo letsencrypt set --global dns-provider-CF_DNS_API_TOKEN 'token'"
    )]
    Set {
        /// [APP] KEY VALUE
        #[arg(value_name = "ARGS", required = true)]
        args: Vec<String>,
        #[arg(long)]
        global: bool,
    },
    /// Unset a property.
    #[command(after_help = "Example:\n  cli --demo letsencrypt unset api email")]
    Unset {
        /// [APP] KEY
        #[arg(value_name = "ARGS", required = true)]
        args: Vec<String>,
        #[arg(long)]
        global: bool,
    },
    /// Add or remove the renewal cron job.
    #[command(
        after_help = "Examples:\n  cli --demo letsencrypt cron-job --add\n  cli --demo letsencrypt cron-job --remove"
    )]
    CronJob {
        #[arg(long, conflicts_with = "remove", required_unless_present = "remove")]
        add: bool,
        #[arg(long)]
        remove: bool,
    },
}
