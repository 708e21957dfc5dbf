//! The entries: one [`Plugin`] per Dokku plugin the SDK knows.
//!
//! Established from Dokku 0.38.27 as recorded (`../shared/real-dokku`:
//! every plugin's `:help`, `:report` in all its forms and `:set` of every
//! property), and from dokku/dokku's source where the recordings are
//! silent: each plugin's `GlobalProperties`/`DefaultProperties`
//! (`plugins/<name>/<name>.go`) for which properties have a global value,
//! its `subcommands/` for the verbs. Datastore plugins (dokku/dokku-postgres
//! and its siblings, generated from one template) share [`SERVICE_VERBS`].

use super::{
    JsonSince, Layout, Plugin, PropertySpec, ReportSpec, SecretArgs, SecretOutput, Source,
    ValueKind, Verb,
};
use crate::client::versions;
use crate::version::DokkuVersion;

const SET: Verb = Verb::write("set")
    .secret_args(SecretArgs::PropertyValue)
    .secret_output(SecretOutput::WhenSecretArgs);
const REPORT: Verb = Verb::read("report");

/// `apps`.
pub static APPS: Plugin = Plugin {
    report: Some(ReportSpec::go("apps:report", "app")),
    properties: &[
        PropertySpec::new("deploy-source").app_only(),
        PropertySpec::new("deploy-source-metadata").app_only(),
        PropertySpec::new("disable-autocreation")
            .kind(ValueKind::Bool)
            .global_only(),
    ],
    verbs: &[
        Verb::read(""),
        Verb::write("clone").long(),
        Verb::write("create"),
        Verb::write("destroy").long(),
        Verb::read("exists"),
        Verb::read("list"),
        Verb::write("lock"),
        Verb::read("locked"),
        Verb::write("rename").long(),
        REPORT,
        SET.since(versions::GLOBAL_REPORTS),
        Verb::write("unlock"),
    ],
    ..Plugin::core("apps", "apps")
};

/// `app-json`: where the app's `app.json` is read from. The catalog's
/// worked example (`docs/catalog.md`): a report, one property, no verb of
/// its own.
pub static APP_JSON: Plugin = Plugin::core("app-json", "where app.json is read from")
    .with_report(ReportSpec::go("app-json:report", "app-json"))
    .with_properties(&[PropertySpec::new("appjson-path")])
    .with_verbs(&[REPORT, SET]);

/// `ps`.
pub static PS: Plugin = Plugin {
    report: Some(ReportSpec {
        dotted: &["status-{}.{n}"],
        ..ReportSpec::go("ps:report", "ps")
    }),
    properties: &[
        PropertySpec::new("restart-policy"),
        PropertySpec::new("procfile-path"),
        PropertySpec::new("stop-timeout-seconds")
            .kind(ValueKind::Number)
            .since(DokkuVersion::new(0, 36, 0)),
        PropertySpec::new("skip-deploy")
            .kind(ValueKind::Bool)
            .since(DokkuVersion::new(0, 38, 8)),
        PropertySpec::new("start-cmd")
            .app_only()
            .since(DokkuVersion::new(0, 38, 8)),
        PropertySpec::new("dockerfile-start-cmd")
            .app_only()
            .since(DokkuVersion::new(0, 38, 8)),
        PropertySpec::new("restore")
            .kind(ValueKind::Bool)
            .app_only(),
    ],
    verbs: &[
        Verb::read("inspect"),
        Verb::write("rebuild").long(),
        REPORT,
        Verb::write("restart").long(),
        Verb::write("restore").long(),
        // Without quantities it only reads the formation; as a raw
        // command it is treated as the write it may be.
        Verb::write("scale").long(),
        SET,
        Verb::write("start").long(),
        Verb::write("stop").long(),
    ],
    ..Plugin::core("ps", "processes: scale, start, stop, restart, rebuild")
};

/// `config`: no report or properties; every read prints values.
pub static CONFIG: Plugin = Plugin {
    verbs: &[
        Verb::read("").prints_secrets(),
        Verb::read("bundle").prints_secrets(),
        Verb::write("clear").long(),
        Verb::read("export").prints_secrets(),
        Verb::read("get").prints_secrets(),
        Verb::write("import")
            .long()
            .prints_secrets()
            .since(DokkuVersion::new(0, 37, 0)),
        Verb::read("keys"),
        Verb::write("set")
            .long()
            .secret_args(SecretArgs::Assignments)
            .prints_secrets(),
        Verb::read("show").prints_secrets(),
        Verb::write("unset").long(),
    ],
    ..Plugin::core("config", "environment variables")
};

/// `domains`.
pub static DOMAINS: Plugin = Plugin {
    // bash `cmd-domains-report` had `--global` before every other report.
    report: Some(ReportSpec {
        command: "domains:report",
        prefix: "domains",
        json: JsonSince::Dokku(versions::JSON_REPORTS),
        global: Some(DokkuVersion::ANY),
        layout: Layout::Go,
        dotted: &[],
    }),
    verbs: &[
        Verb::write("add").long(),
        Verb::write("add-global").long(),
        Verb::write("clear").long(),
        Verb::write("clear-global").long(),
        Verb::write("disable").long(),
        Verb::write("enable").long(),
        Verb::write("remove").long(),
        Verb::write("remove-global").long(),
        REPORT,
        Verb::write("reset").long(),
        Verb::write("set").long(),
        Verb::write("set-global").long(),
    ],
    ..Plugin::core("domains", "domains the proxy serves")
};

/// `logs`. Its typed report reads the text form, where Dokku redacts
/// vector sinks (their URLs carry credentials).
pub static LOGS: Plugin = Plugin {
    report: Some(ReportSpec {
        json: JsonSince::Never,
        ..ReportSpec::go("logs:report", "logs")
    }),
    properties: &[
        PropertySpec::new("max-size"),
        PropertySpec::new("vector-sink").secret(),
        PropertySpec::new("vector-cron-sink").secret(),
        PropertySpec::new("app-label-alias"),
        PropertySpec::new("vector-image").global_only(),
        PropertySpec::new("vector-networks").global_only(),
    ],
    verbs: &[
        Verb::read(""),
        Verb::read("failed"),
        REPORT,
        SET,
        Verb::read("vector-logs"),
        Verb::write("vector-start"),
        Verb::write("vector-stop"),
    ],
    ..Plugin::core("logs", "application logs and log shipping")
};

/// `plugin`: every verb but `list` and `help` needs root.
pub static PLUGIN: Plugin = Plugin {
    verbs: &[
        Verb::read("list"),
        Verb::read("installed"),
        Verb::write("install").long(),
        Verb::write("install-dependencies").long(),
        Verb::write("uninstall").long(),
        Verb::write("update").long(),
        Verb::write("enable"),
        Verb::write("disable"),
        Verb::write("trigger").long(),
    ],
    ..Plugin::core("plugin", "Dokku plugins")
};

/// `ports` (0.31+; `proxy:ports*` before).
pub static PORTS: Plugin = Plugin {
    report: Some(ReportSpec {
        json: JsonSince::Dokku(versions::PORTS_PLUGIN),
        ..ReportSpec::go("ports:report", "ports")
    }),
    verbs: &[
        Verb::write("add").long().since(versions::PORTS_PLUGIN),
        Verb::write("clear").long().since(versions::PORTS_PLUGIN),
        Verb::read("list").since(versions::PORTS_PLUGIN),
        Verb::write("remove").long().since(versions::PORTS_PLUGIN),
        REPORT.since(versions::PORTS_PLUGIN),
        Verb::write("set").long().since(versions::PORTS_PLUGIN),
    ],
    ..Plugin::core("ports", "port mappings")
};

/// `proxy`. `proxy:set <app> <type>` works on every version; the
/// key/value form and its properties came with 0.38.0.
pub static PROXY: Plugin = Plugin {
    report: Some(ReportSpec::go("proxy:report", "proxy")),
    properties: &[
        PropertySpec::new("type").since(versions::GLOBAL_REPORTS),
        PropertySpec::new("proxy-port")
            .kind(ValueKind::Number)
            .since(versions::GLOBAL_REPORTS),
        PropertySpec::new("proxy-ssl-port")
            .kind(ValueKind::Number)
            .since(versions::GLOBAL_REPORTS),
    ],
    verbs: &[
        Verb::write("build-config").long(),
        Verb::write("clear-config"),
        Verb::write("disable").long(),
        Verb::write("enable").long(),
        REPORT,
        SET,
    ],
    ..Plugin::core("proxy", "the proxy in front of apps")
};

/// `certs`: no global report; keys are prefixed `ssl`.
pub static CERTS: Plugin = Plugin {
    report: Some(ReportSpec {
        command: "certs:report",
        prefix: "ssl",
        json: JsonSince::Dokku(versions::JSON_REPORTS),
        global: None,
        layout: Layout::Bash,
        dotted: &[],
    }),
    verbs: &[
        Verb::write("add").long(),
        Verb::write("generate").long(),
        Verb::write("remove").long(),
        REPORT,
        Verb::read("show").secret_output(SecretOutput::WhenArg(1, "key")),
        Verb::write("update").long(),
    ],
    ..Plugin::core("certs", "TLS certificates")
};

/// The dokku-letsencrypt plugin. Versions here are the plugin's.
pub static LETSENCRYPT: Plugin = Plugin {
    name: "letsencrypt",
    about: "certificates from Let's Encrypt (dokku-letsencrypt)",
    source: Source::Community,
    report: Some(ReportSpec {
        command: "letsencrypt:report",
        prefix: "letsencrypt",
        json: JsonSince::Plugin(DokkuVersion::new(0, 20, 4)),
        global: Some(DokkuVersion::ANY),
        layout: Layout::Bash,
        dotted: &[],
    }),
    properties: &[
        PropertySpec::new("email"),
        PropertySpec::new("server"),
        PropertySpec::new("graceperiod").kind(ValueKind::Number),
        PropertySpec::new("dns-provider"),
        PropertySpec::new("dns-provider-*").secret(),
        PropertySpec::new("lego-docker-args"),
        PropertySpec::new("lego-args"),
        PropertySpec::new("lego-docker-options"),
    ],
    verbs: &[
        Verb::read("active"),
        Verb::write("auto-renew").long(),
        Verb::write("cleanup"),
        Verb::write("cron-job"),
        Verb::write("disable").long(),
        Verb::write("enable").long(),
        Verb::read("list"),
        REPORT,
        Verb::write("revoke").long(),
        SET,
    ],
};

/// Flags of `create`, `clone` and `upgrade` whose value is a credential.
const SERVICE_CREDENTIAL_FLAGS: &[&str] = &[
    "--password",
    "-p",
    "--root-password",
    "-r",
    "--custom-env",
    "-C",
];

/// The verbs every datastore plugin generated from dokku's service
/// template shares. `create`, `clone` and `upgrade` end by printing
/// `:info` (the DSN), `link` and `promote` echo the URL through
/// `config:set`, `export` prints a dump.
pub const SERVICE_VERBS: &[Verb] = &[
    Verb::read("app-links"),
    Verb::write("backup").long(),
    Verb::write("backup-auth").secret_args(SecretArgs::At(&[1, 2])),
    Verb::write("backup-deauth"),
    Verb::write("backup-schedule"),
    Verb::read("backup-schedule-cat"),
    Verb::write("backup-set-encryption").secret_args(SecretArgs::At(&[1])),
    Verb::write("backup-unschedule"),
    Verb::write("backup-unset-encryption"),
    Verb::write("clone")
        .long()
        .secret_args(SecretArgs::FlagValues(SERVICE_CREDENTIAL_FLAGS))
        .prints_secrets(),
    Verb::write("connect").follow(),
    Verb::write("create")
        .long()
        .secret_args(SecretArgs::FlagValues(SERVICE_CREDENTIAL_FLAGS))
        .prints_secrets(),
    Verb::write("destroy").long(),
    Verb::write("enter").follow(),
    Verb::read("exists"),
    Verb::read("export").long().prints_secrets(),
    Verb::write("expose"),
    Verb::write("import").long(),
    Verb::read("info").secret_output(SecretOutput::UnlessFieldFlag(&["--dsn"])),
    Verb::write("link").long().prints_secrets(),
    Verb::read("linked"),
    Verb::read("links"),
    Verb::read("list"),
    Verb::read("logs"),
    Verb::write("pause"),
    Verb::write("promote").long().prints_secrets(),
    Verb::write("restart").long(),
    Verb::write("start").long(),
    Verb::write("stop").long(),
    Verb::write("unexpose"),
    Verb::write("unlink").long(),
    Verb::write("upgrade")
        .long()
        .secret_args(SecretArgs::FlagValues(SERVICE_CREDENTIAL_FLAGS))
        .prints_secrets(),
];

const fn service(name: &'static str, about: &'static str) -> Plugin {
    Plugin {
        name,
        about,
        source: Source::Community,
        report: None,
        properties: &[],
        verbs: SERVICE_VERBS,
    }
}

/// dokku-postgres.
pub static POSTGRES: Plugin = service("postgres", "PostgreSQL services");
/// dokku-mysql.
pub static MYSQL: Plugin = service("mysql", "MySQL services");
/// dokku-mariadb.
pub static MARIADB: Plugin = service("mariadb", "MariaDB services");
/// dokku-redis.
pub static REDIS: Plugin = service("redis", "Redis services");
/// dokku-mongo.
pub static MONGO: Plugin = service("mongo", "MongoDB services");
/// dokku-rabbitmq.
pub static RABBITMQ: Plugin = service("rabbitmq", "RabbitMQ services");
/// dokku-elasticsearch.
pub static ELASTICSEARCH: Plugin = service("elasticsearch", "Elasticsearch services");
/// dokku-clickhouse.
pub static CLICKHOUSE: Plugin = service("clickhouse", "ClickHouse services");
/// dokku-couchdb.
pub static COUCHDB: Plugin = service("couchdb", "CouchDB services");
/// dokku-nats.
pub static NATS: Plugin = service("nats", "NATS services");
/// dokku-rethinkdb.
pub static RETHINKDB: Plugin = service("rethinkdb", "RethinkDB services");
/// dokku-meilisearch.
pub static MEILISEARCH: Plugin = service("meilisearch", "Meilisearch services");

/// Every catalogued plugin.
pub static CATALOG: &[&Plugin] = &[
    &APP_JSON,
    &APPS,
    &CERTS,
    &CONFIG,
    &DOMAINS,
    &LETSENCRYPT,
    &LOGS,
    &PLUGIN,
    &PORTS,
    &PROXY,
    &PS,
    &CLICKHOUSE,
    &COUCHDB,
    &ELASTICSEARCH,
    &MARIADB,
    &MEILISEARCH,
    &MONGO,
    &MYSQL,
    &NATS,
    &POSTGRES,
    &RABBITMQ,
    &REDIS,
    &RETHINKDB,
];

/// The plugin named `name` (`ps`), if catalogued.
pub fn plugin(name: &str) -> Option<&'static Plugin> {
    CATALOG.iter().copied().find(|p| p.name == name)
}

/// The plugin and verb of a subcommand (`ps:scale`, or `logs` for the
/// bare command); the verb is `None` when the plugin is known but the verb
/// is not.
pub fn lookup(subcommand: &str) -> Option<(&'static Plugin, Option<&'static Verb>)> {
    let (name, verb) = subcommand.split_once(':').unwrap_or((subcommand, ""));
    let plugin = plugin(name)?;
    Some((plugin, plugin.verb(verb)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::PropertyScope;
    use crate::name::PluginName;

    #[test]
    fn every_name_is_a_valid_plugin_name_and_unique() {
        let mut names: Vec<&str> = CATALOG.iter().map(|p| p.name).collect();
        for name in &names {
            assert!(PluginName::new(name).is_ok(), "{name}");
        }
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), CATALOG.len());
    }

    #[test]
    fn every_plugin_with_properties_has_a_set_verb_and_unique_keys() {
        for plugin in CATALOG {
            if !plugin.properties.is_empty() {
                assert!(plugin.verb("set").is_some(), "{}", plugin.name);
            }
            let mut keys: Vec<&str> = plugin.properties.iter().map(|p| p.key).collect();
            keys.sort_unstable();
            let before = keys.len();
            keys.dedup();
            assert_eq!(keys.len(), before, "{}", plugin.name);
            for property in plugin.properties {
                assert!(
                    property.scope != PropertyScope::Global || property.allows(true),
                    "{}",
                    property.key
                );
            }
        }
    }

    #[test]
    fn lookups_find_plugin_and_verb() {
        let (plugin, verb) = lookup("postgres:backup-auth").unwrap();
        assert_eq!(plugin.name, "postgres");
        assert_eq!(
            verb.unwrap().secret_args,
            SecretArgs::At(&[1, 2]),
            "backup-auth's key id and secret"
        );
        let (logs, bare) = lookup("logs").unwrap();
        assert_eq!(logs.name, "logs");
        assert_eq!(bare.unwrap().name, "");
        assert!(lookup("ps:no-such-verb").unwrap().1.is_none());
        assert!(lookup("nope:list").is_none());
    }
}
