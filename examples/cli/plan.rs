//! Raw flags in, a typed plan out: every name becomes an `AppName`,
//! `ConfigKey`, `Domain` or `ProcessType` here, before anything runs, so a
//! bad name is a usage error (exit 2) and never reaches a host.

use std::collections::VecDeque;
use std::path::PathBuf;

use dokku::api::certs::CsrSubject;
use dokku::api::ports::PortsVerb;
use dokku::api::properties::set_command;
use dokku::api::proxy::ProxyAction;
use dokku::api::ps::Action as PsVerb;
use dokku::api::service::{BackupAuth, BackupVerb, CreateOptions, Lifecycle, LinkOptions};
use dokku::api::{domains::DomainsVerb, Scope, Target as PsTarget};
use dokku::catalog::plugins;
use dokku::model::certs::CertPart;
use dokku::model::config::StoreRules;
use dokku::model::ports::PortMapping;
use dokku::model::service::ServicePlugin;
use dokku::{AppName, ConfigKey, Domain, PluginName, ProcessType, SecretString, ServiceName};
use dokku_history::{Outcome, Query};

use crate::cli::{
    AppsCmd, CertFiles, CertsCmd, Cli, Cmd, ConfigCmd, DomainsCmd, ExportFormat, HistoryCmd,
    HistoryFilter, HistoryFormat, ImageArgs, LetsencryptCmd, LifecycleArgs, LogsCmd, OutcomeArg,
    PortsCmd, ProxyCmd, ProxyTarget, PsCmd, ServiceCmd,
};
use crate::common::TargetArgs;
use crate::error::CliError;
use crate::session;

/// Flags that shape every command's behaviour.
#[derive(Debug, Clone, Copy, Default)]
pub struct Opts {
    pub json: bool,
    pub dry_run: bool,
    pub yes: bool,
    pub reveal: bool,
}

/// What to do, fully validated.
#[derive(Debug, Clone)]
pub struct Plan {
    pub opts: Opts,
    pub target: TargetArgs,
    pub action: Action,
}

#[derive(Debug, Clone)]
pub enum Action {
    Apps(AppsPlan),
    Ps(PsPlan),
    Config(ConfigPlan),
    Domains(DomainsPlan),
    Services(ServicesPlan),
    Ports(PortsPlan),
    Proxy(ProxyPlan),
    Certs(CertsPlan),
    Letsencrypt(LetsencryptPlan),
    Logs(LogsPlan),
    History(HistoryPlan),
    Version,
    Raw(Vec<String>),
    Completions(clap_complete::Shell),
}

#[derive(Debug, Clone)]
pub enum AppsPlan {
    List,
    Report(AppName),
    Create(AppName),
    Destroy(AppName),
    Rename {
        from: AppName,
        to: AppName,
        skip_deploy: bool,
    },
    Clone {
        from: AppName,
        to: AppName,
        skip_deploy: bool,
        ignore_existing: bool,
    },
    Lock(AppName),
    Unlock(AppName),
}

#[derive(Debug, Clone)]
pub enum PsPlan {
    Report(AppName),
    ShowScale(AppName),
    Scale {
        app: AppName,
        formation: Vec<(ProcessType, u32)>,
        skip_deploy: bool,
    },
    Lifecycle {
        verb: PsVerb,
        target: PsTarget,
        parallel: Option<i32>,
        process: Option<ProcessType>,
    },
}

#[derive(Debug, Clone)]
pub enum ConfigPlan {
    Show {
        scope: Scope,
        merged: bool,
    },
    Get {
        scope: Scope,
        key: ConfigKey,
    },
    Set {
        scope: Scope,
        vars: Vec<(ConfigKey, SecretString)>,
        no_restart: bool,
        /// The .env file the variables came from (`config import`).
        from_file: Option<PathBuf>,
        /// Remove every variable not set here (`config import --replace`).
        replace: bool,
    },
    Unset {
        scope: Scope,
        keys: Vec<ConfigKey>,
        no_restart: bool,
    },
    Export {
        scope: Scope,
        format: ExportFormat,
    },
}

#[derive(Debug, Clone)]
pub enum DomainsPlan {
    Report(Scope),
    Change {
        verb: DomainsVerb,
        app: AppName,
        domains: Vec<Domain>,
    },
}

#[derive(Debug, Clone)]
pub struct ServicesPlan {
    pub plugin: ServicePlugin,
    pub action: ServiceAction,
}

#[derive(Debug, Clone)]
pub enum ServiceAction {
    List,
    Info(ServiceName),
    Create(ServiceName, CreateOptions),
    Destroy(ServiceName),
    Link(ServiceName, AppName, LinkOptions),
    Unlink(ServiceName, AppName, bool),
    Links(ServiceName),
    AppLinks(AppName),
    Lifecycle(ServiceName, Lifecycle),
    Expose(ServiceName, Vec<String>),
    Unexpose(ServiceName),
    Logs(ServiceName, bool),
    Promote(ServiceName, AppName),
    Upgrade(ServiceName, CreateOptions),
    Clone(ServiceName, ServiceName, CreateOptions),
    /// The dump goes to this file, or to standard output.
    Export(ServiceName, Option<PathBuf>),
    /// The dump, and the file it came from (standard input if none).
    Import(ServiceName, Vec<u8>, Option<PathBuf>),
    Backup {
        service: ServiceName,
        bucket: String,
        use_iam: bool,
    },
    BackupAuth(ServiceName, BackupAuth),
    BackupSchedule {
        service: ServiceName,
        cron: String,
        bucket: String,
        use_iam: bool,
    },
    BackupSetEncryption(ServiceName, SecretString),
    /// deauth, unschedule, schedule-cat, unset-encryption.
    Backup1(ServiceName, BackupVerb),
}

#[derive(Debug, Clone)]
pub enum PortsPlan {
    List(AppName),
    Report(AppName),
    Change {
        verb: PortsVerb,
        app: AppName,
        mappings: Vec<PortMapping>,
    },
    RemoveHostPorts {
        app: AppName,
        ports: Vec<u16>,
    },
}

#[derive(Debug, Clone)]
pub enum ProxyPlan {
    Report(Scope),
    Action {
        action: ProxyAction,
        target: PsTarget,
    },
    Set {
        scope: Scope,
        proxy_type: String,
    },
}

#[derive(Debug, Clone)]
pub enum CertsPlan {
    Report(AppName),
    Add {
        app: AppName,
        update: bool,
        cert: String,
        key: SecretString,
    },
    Remove(AppName),
    Show(AppName, CertPart),
    Generate {
        app: AppName,
        domain: Domain,
        subject: CsrSubject,
    },
}

#[derive(Debug, Clone)]
pub enum LetsencryptPlan {
    List,
    Report(Scope),
    Active(AppName),
    Enable(PsTarget),
    Disable(AppName),
    AutoRenew(Option<AppName>),
    Cleanup(AppName),
    Revoke(AppName),
    Set {
        scope: Scope,
        key: String,
        value: Option<SecretString>,
    },
    CronJob(bool),
}

#[derive(Debug, Clone)]
pub struct LogsPlan {
    pub app: AppName,
    pub num: Option<u32>,
    pub process: Option<ProcessType>,
    pub quiet: bool,
    pub follow: bool,
}

#[derive(Debug, Clone)]
pub enum HistoryPlan {
    List(Query),
    Show(i64),
    Search {
        text: String,
        limit: usize,
    },
    Stats,
    Verify,
    Export {
        format: HistoryFormat,
        output: Option<PathBuf>,
    },
    /// From this file into the opened (PostgreSQL) store.
    Migrate {
        from: PathBuf,
    },
}

/// Where an app comes from when it is not among the arguments.
struct Apps<'a> {
    flag: Option<&'a str>,
    remote: Option<Option<String>>,
}

impl Apps<'_> {
    fn default_app(&mut self) -> Result<AppName, CliError> {
        if let Some(flag) = self.flag {
            return app_name(flag);
        }
        let remote = self.remote.get_or_insert_with(git_remote_app);
        match remote {
            Some(app) => app_name(app),
            None => Err(CliError::usage(
                "no app given",
                "name the app as the first argument, pass --app APP, or run inside a git \
                 repository with a `dokku` remote",
            )),
        }
    }

    /// An optional positional app, else the default.
    fn one(&mut self, positional: Option<String>) -> Result<AppName, CliError> {
        match positional {
            Some(app) => app_name(&app),
            None => self.default_app(),
        }
    }

    /// Split `[APP] ITEM…`: with `--app`, every argument is an item;
    /// otherwise the first argument is the app when there are more than
    /// `items` arguments and it does not look like an item. A `dokku` git
    /// remote names the app otherwise.
    fn split(
        &mut self,
        args: Vec<String>,
        items: usize,
        looks_like_item: impl Fn(&str) -> bool,
    ) -> Result<(AppName, Vec<String>), CliError> {
        let mut args: VecDeque<String> = args.into();
        if self.flag.is_none() {
            if let Some(first) = args.front() {
                if args.len() > items && !looks_like_item(first) {
                    let app = app_name(first)?;
                    args.pop_front();
                    return Ok((app, args.into()));
                }
            }
        }
        Ok((self.default_app()?, args.into()))
    }
}

/// Validate a name, or say what is wrong with it and what a good one is.
fn typed<T>(
    raw: &str,
    parse: fn(&str) -> Result<T, dokku::NameError>,
    what: &str,
    hint: &str,
) -> Result<T, CliError> {
    parse(raw).map_err(|e| CliError::usage(format!("{raw:?} is not a valid {what}: {e}"), hint))
}

fn app_name(raw: &str) -> Result<AppName, CliError> {
    typed(
        raw,
        AppName::new,
        "app name",
        "app names are lowercase letters, digits, '-' and '.', starting with a letter or digit",
    )
}

fn config_key(raw: &str) -> Result<ConfigKey, CliError> {
    typed(
        raw,
        ConfigKey::new,
        "config key",
        "keys are letters, digits and '_', not starting with a digit",
    )
}

fn process_type(raw: &str) -> Result<ProcessType, CliError> {
    typed(
        raw,
        ProcessType::new,
        "process type",
        "process types are the names in the Procfile (web, worker …)",
    )
}

fn domain(raw: &str) -> Result<Domain, CliError> {
    typed(
        raw,
        Domain::new,
        "domain",
        "a domain is a hostname such as api.example.com (or *.example.com)",
    )
}

fn service_name(raw: &str) -> Result<ServiceName, CliError> {
    typed(
        raw,
        ServiceName::new,
        "service name",
        "service names are letters, digits, '-' and '_', starting with a letter or digit",
    )
}

fn service_plugin(raw: &str) -> Result<ServicePlugin, CliError> {
    let name = typed(
        raw,
        PluginName::new,
        "plugin name",
        "name a service plugin: postgres, redis, mysql, mongo …",
    )?;
    Ok(ServicePlugin::from_name(&name))
}

fn image_options(args: ImageArgs) -> CreateOptions {
    let ImageArgs {
        image,
        image_version,
        custom_env,
        config_options,
        memory,
    } = args;
    let mut options = CreateOptions::new();
    if let Some(image) = image {
        options = options.image(image);
    }
    if let Some(version) = image_version {
        options = options.image_version(version);
    }
    if let Some(env) = custom_env {
        options = options.custom_env(SecretString::new(env));
    }
    if let Some(config) = config_options {
        options = options.config_options(config);
    }
    if let Some(mb) = memory {
        options = options.memory(mb);
    }
    options
}

/// An S3 bucket (optionally with a path in it), as the plugin puts it in
/// an `s3://` URL and a cron line.
fn bucket(raw: String) -> Result<String, CliError> {
    let ok = !raw.is_empty()
        && !raw.starts_with(['-', '/'])
        && raw
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | '/'));
    if ok {
        Ok(raw)
    } else {
        Err(CliError::usage(
            format!("{raw:?} is not a bucket name"),
            "bucket names are lowercase letters, digits, '.' and '-' (a path after '/' may follow)",
        ))
    }
}

/// A cron schedule: five fields or an `@daily`-style macro. The plugin
/// writes it into a cron file, so one line only.
fn cron(raw: String) -> Result<String, CliError> {
    let fields = raw.split_whitespace().count();
    let ok = !raw.contains(['\n', '\r'])
        && (fields == 5 || (fields == 1 && raw.trim().starts_with('@')));
    if ok {
        Ok(raw.trim().to_owned())
    } else {
        Err(CliError::usage(
            format!("{raw:?} is not a cron schedule"),
            "give five fields in quotes, e.g. '0 3 * * *' (minute hour day month weekday), or @daily",
        ))
    }
}

/// A database dump from a file or a pipe; a terminal is refused (a dump
/// is not typed in).
fn read_dump(input: Option<&std::path::Path>) -> Result<Vec<u8>, CliError> {
    use std::io::{IsTerminal, Read};
    let dump = match input {
        Some(path) => std::fs::read(path).map_err(|e| {
            CliError::usage(
                format!("cannot read the dump {}: {e}", path.display()),
                "check the path",
            )
        })?,
        None => {
            if std::io::stdin().is_terminal() {
                return Err(CliError::usage(
                    "no dump to import: standard input is a terminal",
                    "pass --input FILE, or pipe the dump in: `cli services postgres import db < db.dump`",
                ));
            }
            let mut dump = Vec::new();
            std::io::stdin().lock().read_to_end(&mut dump)?;
            dump
        }
    };
    if dump.is_empty() {
        return Err(CliError::usage(
            "the dump is empty",
            "export one with `cli services PLUGIN export SERVICE -o FILE`",
        ));
    }
    Ok(dump)
}

fn services(
    apps: &mut Apps<'_>,
    opts: &Opts,
    plugin: &str,
    cmd: ServiceCmd,
) -> Result<ServicesPlan, CliError> {
    let plugin = service_plugin(plugin)?;
    let action = match cmd {
        ServiceCmd::List => ServiceAction::List,
        ServiceCmd::Info { service } => ServiceAction::Info(service_name(&service)?),
        ServiceCmd::Create { service, image } => {
            ServiceAction::Create(service_name(&service)?, image_options(image))
        }
        ServiceCmd::Destroy { service } => ServiceAction::Destroy(service_name(&service)?),
        ServiceCmd::Link {
            service,
            app,
            alias,
            querystring,
            no_restart,
        } => {
            let mut options = LinkOptions::new();
            if let Some(alias) = alias {
                options = options.alias(alias);
            }
            if let Some(query) = querystring {
                options = options.querystring(query);
            }
            if no_restart {
                options = options.no_restart();
            }
            ServiceAction::Link(service_name(&service)?, apps.one(app)?, options)
        }
        ServiceCmd::Unlink {
            service,
            app,
            no_restart,
        } => ServiceAction::Unlink(service_name(&service)?, apps.one(app)?, no_restart),
        ServiceCmd::Links { service } => ServiceAction::Links(service_name(&service)?),
        ServiceCmd::AppLinks { app } => ServiceAction::AppLinks(apps.one(app)?),
        ServiceCmd::Start { service } => {
            ServiceAction::Lifecycle(service_name(&service)?, Lifecycle::Start)
        }
        ServiceCmd::Stop { service } => {
            ServiceAction::Lifecycle(service_name(&service)?, Lifecycle::Stop)
        }
        ServiceCmd::Restart { service } => {
            ServiceAction::Lifecycle(service_name(&service)?, Lifecycle::Restart)
        }
        ServiceCmd::Expose { service, ports } => {
            if let Some(bad) = ports.iter().find(|p| {
                !p.chars()
                    .all(|c| c.is_ascii_digit() || c == '.' || c == ':')
            }) {
                return Err(CliError::usage(
                    format!("{bad:?} is not a port"),
                    "give host ports (15432) or ip:port pairs (127.0.0.1:15432)",
                ));
            }
            ServiceAction::Expose(service_name(&service)?, ports)
        }
        ServiceCmd::Unexpose { service } => ServiceAction::Unexpose(service_name(&service)?),
        ServiceCmd::Logs { service, follow } => {
            ServiceAction::Logs(service_name(&service)?, follow)
        }
        ServiceCmd::Pause { service } => {
            ServiceAction::Lifecycle(service_name(&service)?, Lifecycle::Pause)
        }
        ServiceCmd::Promote { service, app } => {
            ServiceAction::Promote(service_name(&service)?, apps.one(app)?)
        }
        ServiceCmd::Upgrade {
            service,
            image,
            restart_apps,
        } => {
            let mut options = image_options(image);
            if let Some(restart) = restart_apps {
                options = options.restart_apps(restart);
            }
            ServiceAction::Upgrade(service_name(&service)?, options)
        }
        ServiceCmd::Clone {
            service,
            new_service,
            image,
        } => ServiceAction::Clone(
            service_name(&service)?,
            service_name(&new_service)?,
            image_options(image),
        ),
        ServiceCmd::Export { service, output } => {
            if opts.json && output.is_none() && !opts.dry_run {
                return Err(CliError::usage(
                    "--json and a dump cannot share standard output",
                    "pass --output FILE with --json",
                ));
            }
            ServiceAction::Export(service_name(&service)?, output)
        }
        ServiceCmd::Import { service, input } => {
            let service = service_name(&service)?;
            ServiceAction::Import(service, read_dump(input.as_deref())?, input)
        }
        ServiceCmd::Backup {
            service,
            bucket: name,
            use_iam,
        } => ServiceAction::Backup {
            service: service_name(&service)?,
            bucket: bucket(name)?,
            use_iam,
        },
        ServiceCmd::BackupAuth {
            service,
            access_key_id,
            region,
            signature_version,
            endpoint_url,
        } => {
            let service = service_name(&service)?;
            if access_key_id.is_empty() {
                return Err(CliError::usage(
                    "no access key id given",
                    "`backup-auth SERVICE ACCESS-KEY-ID` (the secret key is asked for)",
                ));
            }
            if (signature_version.is_some() && region.is_none())
                || (endpoint_url.is_some() && (region.is_none() || signature_version.is_none()))
            {
                return Err(CliError::usage(
                    "--signature-version needs --region, and --endpoint-url needs both",
                    "the plugin takes them in order: region, signature version, endpoint",
                ));
            }
            let secret = session::read_secret("AWS secret access key")?;
            let mut auth = BackupAuth::new(SecretString::new(access_key_id), secret);
            if let Some(region) = region {
                auth = auth.region(region);
            }
            if let Some(version) = signature_version {
                auth = auth.signature_version(version);
            }
            if let Some(url) = endpoint_url {
                auth = auth.endpoint_url(url);
            }
            ServiceAction::BackupAuth(service, auth)
        }
        ServiceCmd::BackupDeauth { service } => {
            ServiceAction::Backup1(service_name(&service)?, BackupVerb::Deauth)
        }
        ServiceCmd::BackupSchedule {
            service,
            cron: schedule,
            bucket: name,
            use_iam,
        } => ServiceAction::BackupSchedule {
            service: service_name(&service)?,
            cron: cron(schedule)?,
            bucket: bucket(name)?,
            use_iam,
        },
        ServiceCmd::BackupUnschedule { service } => {
            ServiceAction::Backup1(service_name(&service)?, BackupVerb::Unschedule)
        }
        ServiceCmd::BackupScheduleCat { service } => {
            ServiceAction::Backup1(service_name(&service)?, BackupVerb::ScheduleCat)
        }
        ServiceCmd::BackupSetEncryption { service } => {
            let service = service_name(&service)?;
            let passphrase = session::read_secret("GPG passphrase for backups")?;
            ServiceAction::BackupSetEncryption(service, passphrase)
        }
        ServiceCmd::BackupUnsetEncryption { service } => {
            ServiceAction::Backup1(service_name(&service)?, BackupVerb::UnsetEncryption)
        }
    };
    Ok(ServicesPlan { plugin, action })
}

fn mapping(raw: &str) -> Result<PortMapping, CliError> {
    raw.parse().map_err(|e: dokku::Error| {
        CliError::usage(
            format!("{raw:?} is not a port mapping: {e}"),
            "write mappings as scheme:host-port:container-port, e.g. http:80:5000",
        )
    })
}

fn ports(apps: &mut Apps<'_>, cmd: PortsCmd) -> Result<PortsPlan, CliError> {
    let is_mapping = |a: &str| a.contains(':');
    let change = |apps: &mut Apps<'_>, verb, args| -> Result<PortsPlan, CliError> {
        let (app, rest) = apps.split(args, 1, is_mapping)?;
        let mappings = rest
            .iter()
            .map(|m| mapping(m))
            .collect::<Result<Vec<_>, _>>()?;
        if mappings.is_empty() {
            return Err(CliError::usage(
                "no port mappings given",
                "add scheme:host:container mappings",
            ));
        }
        Ok(PortsPlan::Change {
            verb,
            app,
            mappings,
        })
    };
    Ok(match cmd {
        PortsCmd::List { app } => PortsPlan::List(apps.one(app)?),
        PortsCmd::Report { app } => PortsPlan::Report(apps.one(app)?),
        PortsCmd::Add { args } => change(apps, PortsVerb::Add, args)?,
        PortsCmd::Set { args } => change(apps, PortsVerb::Set, args)?,
        PortsCmd::Remove { args } => {
            let is_port = |a: &str| !a.is_empty() && a.bytes().all(|b| b.is_ascii_digit());
            let (app, rest) = apps.split(args, 1, |a| is_mapping(a) || is_port(a))?;
            if !rest.is_empty() && rest.iter().all(|a| is_port(a)) {
                let ports = rest
                    .iter()
                    .map(|p| p.parse::<u16>().ok().filter(|p| *p > 0))
                    .collect::<Option<Vec<_>>>()
                    .ok_or_else(|| {
                        CliError::usage("a host port is 1 to 65535", "check the ports")
                    })?;
                PortsPlan::RemoveHostPorts { app, ports }
            } else {
                let mappings = rest
                    .iter()
                    .map(|m| mapping(m))
                    .collect::<Result<Vec<_>, _>>()?;
                if mappings.is_empty() {
                    return Err(CliError::usage(
                        "nothing to remove",
                        "name mappings or host ports",
                    ));
                }
                PortsPlan::Change {
                    verb: PortsVerb::Remove,
                    app,
                    mappings,
                }
            }
        }
        PortsCmd::Clear { app } => PortsPlan::Change {
            verb: PortsVerb::Clear,
            app: apps.one(app)?,
            mappings: Vec::new(),
        },
    })
}

fn app_or_all(apps: &mut Apps<'_>, target: ProxyTarget) -> Result<PsTarget, CliError> {
    match (target.all, target.app) {
        (true, Some(app)) => Err(CliError::usage(
            format!("both an app ({app}) and --all given"),
            "drop one of them",
        )),
        (true, None) => Ok(PsTarget::All),
        (false, app) => Ok(PsTarget::App(apps.one(app)?)),
    }
}

fn proxy(apps: &mut Apps<'_>, cmd: ProxyCmd) -> Result<ProxyPlan, CliError> {
    let action = |apps: &mut Apps<'_>, action, target| -> Result<ProxyPlan, CliError> {
        Ok(ProxyPlan::Action {
            action,
            target: app_or_all(apps, target)?,
        })
    };
    Ok(match cmd {
        ProxyCmd::Report { app, global } => ProxyPlan::Report(scope(apps, app, global)?),
        ProxyCmd::Enable(t) => action(apps, ProxyAction::Enable, t)?,
        ProxyCmd::Disable(t) => action(apps, ProxyAction::Disable, t)?,
        ProxyCmd::BuildConfig(t) => action(apps, ProxyAction::BuildConfig, t)?,
        ProxyCmd::ClearConfig(t) => action(apps, ProxyAction::ClearConfig, t)?,
        ProxyCmd::Set { args, global } => {
            let (scope, rest) = scoped_items(apps, args, global, 1, |_| false)?;
            let [proxy_type] = rest.as_slice() else {
                return Err(CliError::usage(
                    "proxy set takes one type",
                    "`proxy set [APP] TYPE`",
                ));
            };
            // The builder's check, now: a bad type is a usage error.
            dokku::api::proxy::set_command(&scope, proxy_type)?;
            ProxyPlan::Set {
                scope,
                proxy_type: proxy_type.clone(),
            }
        }
    })
}

fn read_pem(path: &std::path::Path, what: &str) -> Result<String, CliError> {
    std::fs::read_to_string(path).map_err(|e| {
        CliError::usage(
            format!("cannot read the {what} {}: {e}", path.display()),
            "check the path",
        )
    })
}

fn certs(apps: &mut Apps<'_>, cmd: CertsCmd) -> Result<CertsPlan, CliError> {
    let add = |apps: &mut Apps<'_>, files: CertFiles, update| -> Result<CertsPlan, CliError> {
        let app = apps.one(files.app)?;
        let cert = read_pem(&files.cert, "certificate")?;
        let key = SecretString::new(read_pem(&files.key, "key")?);
        // Refuse what is not PEM before connecting.
        dokku::api::certs::certs_tar(&cert, &key)?;
        Ok(CertsPlan::Add {
            app,
            update,
            cert,
            key,
        })
    };
    Ok(match cmd {
        CertsCmd::Report { app } => CertsPlan::Report(apps.one(app)?),
        CertsCmd::Add(files) => add(apps, files, false)?,
        CertsCmd::Update(files) => add(apps, files, true)?,
        CertsCmd::Remove { app } => CertsPlan::Remove(apps.one(app)?),
        CertsCmd::Generate {
            args,
            country,
            state,
            locality,
            organization,
            unit,
            email,
        } => {
            let (app, rest) = apps.split(args, 1, |_| false)?;
            let [name] = rest.as_slice() else {
                return Err(CliError::usage(
                    "certs generate takes one domain",
                    "`certs generate [APP] DOMAIN`",
                ));
            };
            let subject = CsrSubject {
                country: country.unwrap_or_default(),
                state: state.unwrap_or_default(),
                locality: locality.unwrap_or_default(),
                organization: organization.unwrap_or_default(),
                unit: unit.unwrap_or_default(),
                common_name: String::new(),
                email: email.unwrap_or_default(),
            };
            let domain = domain(name)?;
            // Refuse a multi-line field before connecting.
            dokku::api::certs::generate_command(&app, Some(&domain), &subject)?;
            CertsPlan::Generate {
                app,
                domain,
                subject,
            }
        }
        CertsCmd::Show { args } => {
            let (app, rest) = apps.split(args, 1, |a| a == "crt" || a == "key")?;
            match rest.as_slice() {
                [part] if part == "crt" => CertsPlan::Show(app, CertPart::Crt),
                [part] if part == "key" => CertsPlan::Show(app, CertPart::Key),
                _ => {
                    return Err(CliError::usage(
                        "say which part: crt or key",
                        "`certs show [APP] crt|key`",
                    ))
                }
            }
        }
    })
}

fn letsencrypt(apps: &mut Apps<'_>, cmd: LetsencryptCmd) -> Result<LetsencryptPlan, CliError> {
    Ok(match cmd {
        LetsencryptCmd::List => LetsencryptPlan::List,
        LetsencryptCmd::Report { app, global } => {
            LetsencryptPlan::Report(scope(apps, app, global)?)
        }
        LetsencryptCmd::Active { app } => LetsencryptPlan::Active(apps.one(app)?),
        LetsencryptCmd::Enable(t) => LetsencryptPlan::Enable(app_or_all(apps, t)?),
        LetsencryptCmd::Disable { app } => LetsencryptPlan::Disable(apps.one(app)?),
        LetsencryptCmd::AutoRenew(t) => match app_or_all(apps, t)? {
            PsTarget::App(app) => LetsencryptPlan::AutoRenew(Some(app)),
            _ => LetsencryptPlan::AutoRenew(None),
        },
        LetsencryptCmd::Cleanup { app } => LetsencryptPlan::Cleanup(apps.one(app)?),
        LetsencryptCmd::Revoke { app } => LetsencryptPlan::Revoke(apps.one(app)?),
        LetsencryptCmd::Set { args, global } => {
            let (scope, rest) = scoped_items(apps, args, global, 2, |_| false)?;
            let [key, value] = rest.as_slice() else {
                return Err(CliError::usage(
                    "letsencrypt set takes a property and a value",
                    "`letsencrypt set [APP] KEY VALUE` (unset with `letsencrypt unset`)",
                ));
            };
            set_command(&plugins::LETSENCRYPT, &scope, key, Some(value))?;
            LetsencryptPlan::Set {
                scope,
                key: key.clone(),
                value: Some(SecretString::new(value.as_str())),
            }
        }
        LetsencryptCmd::Unset { args, global } => {
            let (scope, rest) = scoped_items(apps, args, global, 1, |_| false)?;
            let [key] = rest.as_slice() else {
                return Err(CliError::usage(
                    "letsencrypt unset takes a property",
                    "`letsencrypt unset [APP] KEY`",
                ));
            };
            set_command(&plugins::LETSENCRYPT, &scope, key, None)?;
            LetsencryptPlan::Set {
                scope,
                key: key.clone(),
                value: None,
            }
        }
        LetsencryptCmd::CronJob { add, .. } => LetsencryptPlan::CronJob(add),
    })
}

fn scope(apps: &mut Apps<'_>, app: Option<String>, global: bool) -> Result<Scope, CliError> {
    if global {
        if let Some(app) = app {
            return Err(CliError::usage(
                format!("both an app ({app}) and --global given"),
                "drop one of them",
            ));
        }
        return Ok(Scope::Global);
    }
    Ok(Scope::App(apps.one(app)?))
}

/// `[APP] ITEM…` for app commands that also take `--global`.
fn scoped_items(
    apps: &mut Apps<'_>,
    args: Vec<String>,
    global: bool,
    items: usize,
    looks_like_item: impl Fn(&str) -> bool,
) -> Result<(Scope, Vec<String>), CliError> {
    if global {
        return Ok((Scope::Global, args));
    }
    let (app, rest) = apps.split(args, items, looks_like_item)?;
    Ok((Scope::App(app), rest))
}

fn assignment(raw: &str) -> Result<(ConfigKey, SecretString), CliError> {
    match raw.split_once('=') {
        Some((key, value)) => Ok((config_key(key)?, SecretString::new(value))),
        None => Err(CliError::usage(
            format!("{:?} is not KEY=VALUE", mask_value(raw)),
            "write each variable as KEY=VALUE",
        )),
    }
}

// A mistyped argument may still be a secret: show its start only.
fn mask_value(raw: &str) -> String {
    let head: String = raw.chars().take(3).collect();
    if raw.chars().count() > 3 {
        format!("{head}…")
    } else {
        head
    }
}

fn formation(raw: &str) -> Result<(ProcessType, u32), CliError> {
    let bad = || {
        CliError::usage(
            format!("{raw:?} is not TYPE=COUNT"),
            "write the formation as TYPE=COUNT pairs, e.g. web=2 worker=1",
        )
    };
    let (kind, count) = raw.split_once('=').ok_or_else(bad)?;
    let count: u32 = count.parse().map_err(|_| bad())?;
    Ok((process_type(kind)?, count))
}

/// Refuse, before connecting, a value no Dokku from 0.37.8 on stores
/// intact (dokku-core's rule; the host's own rules are checked again once
/// its version is known). The error names the key, never the value.
pub fn storable(
    vars: Vec<(ConfigKey, SecretString)>,
) -> Result<Vec<(ConfigKey, SecretString)>, CliError> {
    StoreRules::GODOTENV_1_5.check_all(vars.iter().map(|(k, v)| (k, v)))?;
    Ok(vars)
}

/// Parse a .env file (dotenvy's syntax: quotes, escapes, `export`,
/// comments). Values are secrets from here on.
fn read_env_file(path: &std::path::Path) -> Result<Vec<(ConfigKey, SecretString)>, CliError> {
    let iter = dotenvy::from_path_iter(path).map_err(|e| env_file_error(path, &e))?;
    let mut vars = Vec::new();
    for item in iter {
        let (key, value) = item.map_err(|e| env_file_error(path, &e))?;
        vars.push((config_key(&key)?, SecretString::new(value)));
    }
    if vars.is_empty() {
        return Err(CliError::usage(
            format!("{} sets no variables", path.display()),
            "a .env file has KEY=VALUE lines",
        ));
    }
    Ok(vars)
}

fn env_file_error(path: &std::path::Path, e: &dotenvy::Error) -> CliError {
    match e {
        dotenvy::Error::Io(io) => CliError::usage(
            format!("cannot read {}: {io}", path.display()),
            "check the path",
        ),
        // dotenvy's parse errors quote the offending line, which may hold a
        // secret: say where, not what.
        dotenvy::Error::LineParse(_, index) => CliError::usage(
            format!(
                "{} is not a valid .env file (near byte {index})",
                path.display()
            ),
            "each line is KEY=VALUE; quote values with spaces or '#'",
        ),
        _ => CliError::usage(
            format!("{} is not a valid .env file", path.display()),
            "each line is KEY=VALUE",
        ),
    }
}

/// `30m`, `12h`, `7d`, `45s` ago, or absolute Unix milliseconds.
pub fn since_ms(raw: &str, now_ms: i64) -> Result<i64, CliError> {
    let bad = || {
        CliError::usage(
            format!("--since {raw:?} is not a duration or a timestamp"),
            "use 30m, 12h, 7d, 45s, or Unix milliseconds",
        )
    };
    if let Ok(ms) = raw.parse::<i64>() {
        return Ok(ms);
    }
    let split = raw.len().checked_sub(1).ok_or_else(bad)?;
    let (number, unit) = raw.split_at(split);
    let n: i64 = number.parse().map_err(|_| bad())?;
    let unit_ms = match unit {
        "s" => 1_000,
        "m" => 60_000,
        "h" => 3_600_000,
        "d" => 86_400_000,
        "w" => 7 * 86_400_000,
        _ => return Err(bad()),
    };
    Ok(now_ms - n.saturating_mul(unit_ms))
}

pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// The app of the `dokku` remote of the git repository here, as Dokku's
/// own client finds it.
fn git_remote_app() -> Option<String> {
    let out = std::process::Command::new("git")
        .args(["remote", "get-url", "dokku"])
        .stderr(std::process::Stdio::null())
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    remote_app(String::from_utf8_lossy(&out.stdout).trim())
}

/// `dokku@host:app`, `ssh://dokku@host:22/app` → `app`.
pub fn remote_app(url: &str) -> Option<String> {
    let path = match url.strip_prefix("ssh://") {
        Some(rest) => rest.split_once('/')?.1,
        None => url.rsplit_once(':')?.1,
    };
    let app = path.trim_matches('/').trim_end_matches(".git");
    (!app.is_empty() && !app.contains('/')).then(|| app.to_owned())
}

fn lifecycle(apps: &mut Apps<'_>, verb: PsVerb, args: LifecycleArgs) -> Result<PsPlan, CliError> {
    let LifecycleArgs {
        args,
        all,
        parallel,
    } = args;
    if all {
        if !args.is_empty() {
            return Err(CliError::usage(
                "--all takes no app or process type",
                "drop the arguments, or --all",
            ));
        }
        return Ok(PsPlan::Lifecycle {
            verb,
            target: PsTarget::All,
            parallel,
            process: None,
        });
    }
    if parallel.is_some() {
        return Err(CliError::usage(
            "--parallel only applies with --all",
            "add --all, or drop --parallel",
        ));
    }
    let max = if verb == PsVerb::Restart { 2 } else { 1 };
    if args.len() > max {
        return Err(CliError::usage(
            format!("too many arguments: {}", args.join(" ")),
            "only `ps restart` takes a process type after the app",
        ));
    }
    // The first argument is the app unless --app names it.
    let (app, rest) = apps.split(args, 0, |_| false)?;
    let process = match rest.as_slice() {
        [] => None,
        [p] => Some(process_type(p)?),
        _ => {
            return Err(CliError::usage(
                "too many arguments",
                "`ps restart [APP] [PROCESS-TYPE]`",
            ))
        }
    };
    Ok(PsPlan::Lifecycle {
        verb,
        target: PsTarget::App(app),
        parallel: None,
        process,
    })
}

fn history(
    app_flag: Option<&str>,
    target: &TargetArgs,
    cmd: HistoryCmd,
) -> Result<HistoryPlan, CliError> {
    Ok(match cmd {
        HistoryCmd::List(HistoryFilter {
            only_app,
            actor,
            on_host,
            subcommand,
            outcome,
            since,
            limit,
        }) => {
            let mut query = Query::default();
            query.app = only_app.or_else(|| app_flag.map(str::to_owned));
            query.actor = actor;
            query.host = on_host;
            query.subcommand = subcommand;
            query.outcome = outcome.map(|o| match o {
                OutcomeArg::Ok => Outcome::Ok,
                OutcomeArg::Failed => Outcome::Failed,
                OutcomeArg::Timeout => Outcome::Timeout,
                OutcomeArg::TransportError => Outcome::TransportError,
                OutcomeArg::Cancelled => Outcome::Cancelled,
            });
            query.since_ms = since.map(|s| since_ms(&s, now_ms())).transpose()?;
            query.limit = Some(limit.max(1));
            HistoryPlan::List(query)
        }
        HistoryCmd::Show { id } => HistoryPlan::Show(id),
        HistoryCmd::Search { words, limit } => HistoryPlan::Search {
            text: words.join(" "),
            limit: limit.max(1),
        },
        HistoryCmd::Stats => HistoryPlan::Stats,
        HistoryCmd::Verify => HistoryPlan::Verify,
        HistoryCmd::Export { format, output } => HistoryPlan::Export { format, output },
        HistoryCmd::Migrate => HistoryPlan::Migrate {
            from: target.history_file()?,
        },
    })
}

/// Validate the command line into a plan.
pub fn build(cli: Cli) -> Result<Plan, CliError> {
    let opts = Opts {
        json: cli.json,
        dry_run: cli.dry_run,
        yes: cli.yes,
        reveal: cli.reveal,
    };
    let mut apps = Apps {
        flag: cli.app.as_deref(),
        remote: None,
    };
    let action = match cli.command {
        Cmd::Apps(cmd) => Action::Apps(match cmd {
            AppsCmd::List => AppsPlan::List,
            AppsCmd::Report { app } => AppsPlan::Report(apps.one(app)?),
            // A new app is never taken from a git remote: creating the app
            // the remote already names is what `--app`/the argument is for.
            AppsCmd::Create { app } => AppsPlan::Create(apps.one(app)?),
            AppsCmd::Destroy { app } => AppsPlan::Destroy(apps.one(app)?),
            AppsCmd::Rename {
                from,
                to,
                skip_deploy,
            } => AppsPlan::Rename {
                from: app_name(&from)?,
                to: app_name(&to)?,
                skip_deploy,
            },
            AppsCmd::Clone {
                from,
                to,
                skip_deploy,
                ignore_existing,
            } => AppsPlan::Clone {
                from: app_name(&from)?,
                to: app_name(&to)?,
                skip_deploy,
                ignore_existing,
            },
            AppsCmd::Lock { app } => AppsPlan::Lock(apps.one(app)?),
            AppsCmd::Unlock { app } => AppsPlan::Unlock(apps.one(app)?),
        }),
        Cmd::Ps(cmd) => Action::Ps(match cmd {
            PsCmd::Report { app } => PsPlan::Report(apps.one(app)?),
            PsCmd::Scale { args, skip_deploy } => {
                let (app, pairs) = apps.split(args, 0, |a| a.contains('='))?;
                if pairs.is_empty() {
                    if skip_deploy {
                        return Err(CliError::usage(
                            "--skip-deploy needs a formation",
                            "add TYPE=COUNT pairs",
                        ));
                    }
                    PsPlan::ShowScale(app)
                } else {
                    PsPlan::Scale {
                        app,
                        formation: pairs
                            .iter()
                            .map(|p| formation(p))
                            .collect::<Result<_, _>>()?,
                        skip_deploy,
                    }
                }
            }
            PsCmd::Start(args) => lifecycle(&mut apps, PsVerb::Start, args)?,
            PsCmd::Stop(args) => lifecycle(&mut apps, PsVerb::Stop, args)?,
            PsCmd::Restart(args) => lifecycle(&mut apps, PsVerb::Restart, args)?,
            PsCmd::Rebuild(args) => lifecycle(&mut apps, PsVerb::Rebuild, args)?,
        }),
        Cmd::Config(cmd) => Action::Config(match cmd {
            ConfigCmd::Show {
                app,
                global,
                merged,
            } => {
                let scope = scope(&mut apps, app, global)?;
                if merged && scope == Scope::Global {
                    return Err(CliError::usage(
                        "--merged is for an app",
                        "drop --global or --merged",
                    ));
                }
                ConfigPlan::Show { scope, merged }
            }
            ConfigCmd::Get { args, global } => {
                let (scope, rest) = scoped_items(&mut apps, args, global, 1, |_| false)?;
                match rest.as_slice() {
                    [key] => ConfigPlan::Get {
                        scope,
                        key: config_key(key)?,
                    },
                    _ => {
                        return Err(CliError::usage(
                            "config get takes one key",
                            "`config get [APP] KEY`",
                        ))
                    }
                }
            }
            ConfigCmd::Set {
                args,
                global,
                no_restart,
            } => {
                let (scope, rest) = scoped_items(&mut apps, args, global, 0, |a| a.contains('='))?;
                if rest.is_empty() {
                    return Err(CliError::usage(
                        "no variables given",
                        "`config set [APP] KEY=VALUE …`",
                    ));
                }
                ConfigPlan::Set {
                    scope,
                    vars: storable(
                        rest.iter()
                            .map(|a| assignment(a))
                            .collect::<Result<_, _>>()?,
                    )?,
                    no_restart,
                    from_file: None,
                    replace: false,
                }
            }
            ConfigCmd::Unset {
                args,
                global,
                no_restart,
            } => {
                let (scope, rest) = scoped_items(&mut apps, args, global, 1, |_| false)?;
                if rest.is_empty() {
                    return Err(CliError::usage(
                        "no keys given",
                        "`config unset [APP] KEY …`",
                    ));
                }
                ConfigPlan::Unset {
                    scope,
                    keys: rest
                        .iter()
                        .map(|k| config_key(k))
                        .collect::<Result<_, _>>()?,
                    no_restart,
                }
            }
            ConfigCmd::Export {
                app,
                global,
                format,
            } => ConfigPlan::Export {
                scope: scope(&mut apps, app, global)?,
                format,
            },
            ConfigCmd::Import {
                args,
                global,
                no_restart,
                replace,
            } => {
                let (scope, rest) = scoped_items(&mut apps, args, global, 1, |_| false)?;
                let [file] = rest.as_slice() else {
                    return Err(CliError::usage(
                        "config import takes one file",
                        "`config import [APP] FILE`",
                    ));
                };
                let path = PathBuf::from(file);
                ConfigPlan::Set {
                    scope,
                    vars: storable(read_env_file(&path)?)?,
                    no_restart,
                    from_file: Some(path),
                    replace,
                }
            }
        }),
        Cmd::Domains(cmd) => Action::Domains(match cmd {
            DomainsCmd::Report { app, global } => {
                DomainsPlan::Report(scope(&mut apps, app, global)?)
            }
            DomainsCmd::Add { args } => domains_change(&mut apps, DomainsVerb::Add, args)?,
            DomainsCmd::Set { args } => domains_change(&mut apps, DomainsVerb::Set, args)?,
            DomainsCmd::Remove { args } => domains_change(&mut apps, DomainsVerb::Remove, args)?,
            DomainsCmd::Clear { app } => DomainsPlan::Change {
                verb: DomainsVerb::Clear,
                app: apps.one(app)?,
                domains: Vec::new(),
            },
        }),
        Cmd::Ports(cmd) => Action::Ports(ports(&mut apps, cmd)?),
        Cmd::Proxy(cmd) => Action::Proxy(proxy(&mut apps, cmd)?),
        Cmd::Certs(cmd) => Action::Certs(certs(&mut apps, cmd)?),
        Cmd::Letsencrypt(cmd) => Action::Letsencrypt(letsencrypt(&mut apps, cmd)?),
        Cmd::Services { plugin, command } => {
            Action::Services(services(&mut apps, &opts, &plugin, command)?)
        }
        Cmd::Logs(LogsCmd {
            app,
            num,
            process,
            quiet,
            follow,
        }) => Action::Logs(LogsPlan {
            app: apps.one(app)?,
            num,
            process: process.as_deref().map(process_type).transpose()?,
            quiet,
            follow,
        }),
        Cmd::History(cmd) => Action::History(history(cli.app.as_deref(), &cli.target, cmd)?),
        Cmd::Version => Action::Version,
        Cmd::Raw { args } => Action::Raw(args),
        Cmd::Completions { shell } => Action::Completions(shell),
    };
    Ok(Plan {
        opts,
        target: cli.target,
        action,
    })
}

fn domains_change(
    apps: &mut Apps<'_>,
    verb: DomainsVerb,
    args: Vec<String>,
) -> Result<DomainsPlan, CliError> {
    let (app, rest) = apps.split(args, 1, |_| false)?;
    if rest.is_empty() {
        return Err(CliError::usage(
            "no domains given",
            "name one or more domains after the app",
        ));
    }
    Ok(DomainsPlan::Change {
        verb,
        app,
        domains: rest.iter().map(|d| domain(d)).collect::<Result<_, _>>()?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remote_urls_name_the_app() {
        assert_eq!(remote_app("dokku@example.com:api"), Some("api".to_owned()));
        assert_eq!(
            remote_app("ssh://dokku@example.com:2222/api"),
            Some("api".to_owned())
        );
        assert_eq!(remote_app("https://github.com/x/y.git"), None);
        assert_eq!(remote_app("dokku@example.com:"), None);
    }

    #[test]
    fn positional_app_or_flag() {
        let mut apps = Apps {
            flag: None,
            remote: Some(Some("remote-app".to_owned())),
        };
        let split = |apps: &mut Apps<'_>, args: &[&str], items| {
            apps.split(args.iter().map(|s| (*s).to_owned()).collect(), items, |a| {
                a.contains('=')
            })
            .map(|(app, rest)| (app.to_string(), rest))
        };
        assert_eq!(
            split(&mut apps, &["api", "A=1"], 0).unwrap(),
            ("api".to_owned(), vec!["A=1".to_owned()])
        );
        assert_eq!(
            split(&mut apps, &["A=1"], 0).unwrap(),
            ("remote-app".to_owned(), vec!["A=1".to_owned()])
        );
        let mut flagged = Apps {
            flag: Some("flagged"),
            remote: None,
        };
        assert_eq!(split(&mut flagged, &["web=1"], 0).unwrap().0, "flagged");
        assert!(split(&mut apps, &["Bad_App", "A=1"], 0).is_err());
    }

    #[test]
    fn since_accepts_durations_and_timestamps() {
        assert_eq!(since_ms("90s", 100_000).unwrap(), 10_000);
        assert_eq!(since_ms("2h", 10_000_000).unwrap(), 10_000_000 - 7_200_000);
        assert_eq!(since_ms("1700000000000", 0).unwrap(), 1_700_000_000_000);
        assert!(since_ms("yesterday", 0).is_err());
        assert!(since_ms("", 0).is_err());
    }

    #[test]
    fn assignments_keep_values_secret_in_errors() {
        let err = assignment("sk_live_abcdef").unwrap_err();
        assert!(!err.to_string().contains("abcdef"));
        let (key, value) = assignment("A=b=c").unwrap();
        assert_eq!(key.as_str(), "A");
        assert_eq!(value.expose(), "b=c");
    }
}
