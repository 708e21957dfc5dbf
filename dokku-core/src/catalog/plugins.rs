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
    JsonSince, Layout, Named, Plugin, PropertySpec, ReportSpec, SecretArgs, SecretOutput, Source,
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

/// `certs`: an empty global report; keys are prefixed `ssl`.
pub static CERTS: Plugin = Plugin {
    // `--global` is accepted and prints no keys (recorded on 0.38.27).
    report: Some(ReportSpec {
        command: "certs:report",
        prefix: "ssl",
        json: JsonSince::Dokku(versions::JSON_REPORTS),
        global: Some(versions::GLOBAL_REPORTS),
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
    set_verb: "set",
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
    service_named(Verb::write("backup").long()),
    service_named(Verb::write("backup-auth").secret_args(SecretArgs::At(&[1, 2]))),
    service_named(Verb::write("backup-deauth")),
    service_named(Verb::write("backup-schedule")),
    service_named(Verb::read("backup-schedule-cat")),
    service_named(Verb::write("backup-set-encryption").secret_args(SecretArgs::At(&[1]))),
    service_named(Verb::write("backup-unschedule")),
    service_named(Verb::write("backup-unset-encryption")),
    service_named(
        Verb::write("clone")
            .long()
            .secret_args(SecretArgs::FlagValues(SERVICE_CREDENTIAL_FLAGS))
            .prints_secrets(),
    ),
    service_named(Verb::write("connect").follow()),
    Verb::write("create")
        .long()
        .secret_args(SecretArgs::FlagValues(SERVICE_CREDENTIAL_FLAGS))
        .prints_secrets(),
    service_named(Verb::write("destroy").long()),
    service_named(Verb::write("enter").follow()),
    Verb::read("exists"),
    service_named(Verb::read("export").long().prints_secrets()),
    service_named(Verb::write("expose")),
    service_named(Verb::write("import").long()),
    service_named(Verb::read("info").secret_output(SecretOutput::UnlessFieldFlag(&["--dsn"]))),
    service_named(Verb::write("link").long().prints_secrets()),
    Verb::read("linked"),
    service_named(Verb::read("links")),
    Verb::read("list"),
    service_named(Verb::read("logs")),
    service_named(Verb::write("pause")),
    service_named(Verb::write("promote").long().prints_secrets()),
    service_named(Verb::write("restart").long()),
    service_named(Verb::write("start").long()),
    service_named(Verb::write("stop").long()),
    service_named(Verb::write("unexpose")),
    service_named(Verb::write("unlink").long()),
    service_named(
        Verb::write("upgrade")
            .long()
            .secret_args(SecretArgs::FlagValues(SERVICE_CREDENTIAL_FLAGS))
            .prints_secrets(),
    ),
];

/// A service verb whose first argument names the service: Dokku's
/// template fails it with `<Plugin> service <name> does not exist`.
const fn service_named(verb: Verb) -> Verb {
    verb.missing("service", Named::At(0), &["does not exist"])
}

const fn service(name: &'static str, about: &'static str) -> Plugin {
    Plugin {
        name,
        about,
        source: Source::Community,
        report: None,
        properties: &[],
        verbs: SERVICE_VERBS,
        set_verb: "set",
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

// ---------------------------------------------------------------------------
// The rest of Dokku 0.38's core surface (issue 14). Established from the
// recording `captures-0.38.27-surface.jsonl` (every plugin's `:help`,
// reports in all forms, every property set and unset, the verbs and their
// error paths) and, for versions and what the recording cannot show (no
// Docker daemon), from dokku/dokku v0.38.27's `plugins/<name>/`.
// ---------------------------------------------------------------------------

/// A report of a plugin Dokku 0.38 prints with bare JSON keys only
/// (bash-era reports, JSON from 0.38.0; the recordings' README lists them).
const fn bash_report(command: &'static str, prefix: &'static str) -> ReportSpec {
    ReportSpec::go(command, prefix)
        .json(JsonSince::Dokku(versions::JSON_REPORTS))
        .bash()
}

/// The `builds` plugin's first release.
const BUILDS_SINCE: DokkuVersion = DokkuVersion::new(0, 38, 0);
/// Named storage entries (`storage:create` and friends).
const STORAGE_ENTRIES_SINCE: DokkuVersion = DokkuVersion::new(0, 38, 0);

/// `git`: deploy settings, netrc credentials and the deploy key. Deploying
/// through git (`git:sync`, `git:from-*`) is catalogued for its marks
/// only. `git:auth` and `git:auth-status` take the password as their third
/// argument (secret) or, from 0.38.0, on stdin.
pub static GIT: Plugin = Plugin::core("git", "git deploy settings, credentials and deploy key")
    .with_report(bash_report("git:report", "git"))
    .with_properties(&[
        PropertySpec::new("deploy-branch"),
        PropertySpec::new("keep-git-dir").kind(ValueKind::Bool),
        PropertySpec::new("rev-env-var"),
        PropertySpec::new("source-image"),
        PropertySpec::new("archive-max-files").kind(ValueKind::Number),
        PropertySpec::new("archive-max-size").kind(ValueKind::Number),
    ])
    .with_verbs(&[
        Verb::write("allow-host"),
        Verb::write("auth")
            .secret_args(SecretArgs::At(&[2]))
            .since(DokkuVersion::new(0, 24, 0)),
        Verb::read("auth-status")
            .secret_args(SecretArgs::At(&[2]))
            .since(versions::GLOBAL_REPORTS),
        Verb::write("from-archive").long(),
        Verb::write("from-image").long(),
        Verb::write("generate-deploy-key").since(DokkuVersion::new(0, 33, 0)),
        Verb::write("initialize"),
        Verb::write("load-image").long(),
        Verb::read("public-key"),
        REPORT,
        SET,
        Verb::read("status").since(DokkuVersion::new(0, 29, 0)),
        Verb::write("sync").long(),
        Verb::write("unlock").since(DokkuVersion::new(0, 24, 2)),
    ]);

/// `builder`: which builder builds the app, and from which directory.
pub static BUILDER: Plugin = Plugin::core("builder", "which builder builds an app")
    .with_report(ReportSpec::go("builder:report", "builder"))
    .with_properties(&[
        PropertySpec::new("build-dir"),
        PropertySpec::new("selected"),
        PropertySpec::new("skip-cleanup").kind(ValueKind::Bool),
        // Dokku records the detected builder here itself.
        PropertySpec::new("detected").app_only(),
    ])
    .with_verbs(&[REPORT, SET]);

/// The `builder-*` plugins: one file path property each.
const fn builder_plugin(
    name: &'static str,
    about: &'static str,
    command: &'static str,
    properties: &'static [PropertySpec],
) -> Plugin {
    Plugin::core(name, about)
        .with_report(bash_report(command, name))
        .with_properties(properties)
        .with_verbs(&[REPORT, SET])
}

/// `builder-dockerfile`.
pub static BUILDER_DOCKERFILE: Plugin = builder_plugin(
    "builder-dockerfile",
    "the Dockerfile builder",
    "builder-dockerfile:report",
    &[PropertySpec::new("dockerfile-path")],
);
/// `builder-herokuish`.
pub static BUILDER_HEROKUISH: Plugin = builder_plugin(
    "builder-herokuish",
    "the herokuish (buildpack) builder",
    "builder-herokuish:report",
    &[PropertySpec::new("allowed").kind(ValueKind::Bool)],
);
/// `builder-lambda` (0.28+).
pub static BUILDER_LAMBDA: Plugin = builder_plugin(
    "builder-lambda",
    "the AWS Lambda builder",
    "builder-lambda:report",
    &[PropertySpec::new("lambdayml-path").since(DokkuVersion::new(0, 28, 0))],
);
/// `builder-nixpacks` (0.32+).
pub static BUILDER_NIXPACKS: Plugin = builder_plugin(
    "builder-nixpacks",
    "the nixpacks builder",
    "builder-nixpacks:report",
    &[PropertySpec::new("nixpackstoml-path").since(DokkuVersion::new(0, 32, 0))],
);
/// `builder-pack` (Cloud Native Buildpacks).
pub static BUILDER_PACK: Plugin = builder_plugin(
    "builder-pack",
    "the Cloud Native Buildpacks builder",
    "builder-pack:report",
    &[PropertySpec::new("projecttoml-path")],
);
/// `builder-railpack` (0.37+).
pub static BUILDER_RAILPACK: Plugin = builder_plugin(
    "builder-railpack",
    "the railpack builder",
    "builder-railpack:report",
    &[PropertySpec::new("railpackjson-path").since(DokkuVersion::new(0, 37, 0))],
);

/// `buildpacks`: the app's buildpack list. Its property (`stack`) is set
/// with `buildpacks:set-property`; `buildpacks:set` sets the list.
pub static BUILDPACKS: Plugin = Plugin::core("buildpacks", "an app's buildpacks")
    .with_report(ReportSpec::go("buildpacks:report", "buildpacks"))
    .with_properties(&[PropertySpec::new("stack")])
    .with_verbs(&[
        Verb::write("add"),
        Verb::write("clear"),
        Verb::read("detect").long(),
        Verb::read("list"),
        // `buildpacks:remove (<app>|--global) <url>`: the URL is last.
        Verb::write("remove").missing("buildpack", Named::Last, &["value not found"]),
        REPORT,
        Verb::write("set"),
        Verb {
            name: "set-property",
            ..SET
        },
    ])
    .with_set_verb("set-property");

/// `builds` (0.38+): running and past builds.
pub static BUILDS: Plugin = Plugin::core("builds", "running and past builds")
    .with_report(
        ReportSpec::go("builds:report", "builds")
            .json(JsonSince::Dokku(BUILDS_SINCE))
            .global(Some(BUILDS_SINCE)),
    )
    .with_properties(&[PropertySpec::new("retention")
        .kind(ValueKind::Number)
        .since(BUILDS_SINCE)])
    .with_verbs(&[
        Verb::write("cancel").since(BUILDS_SINCE),
        Verb::read("info").since(BUILDS_SINCE).missing(
            "build",
            Named::At(1),
            &["no build record found"],
        ),
        Verb::read("list").since(BUILDS_SINCE),
        Verb::read("output").follow().since(BUILDS_SINCE).missing(
            "build",
            Named::At(1),
            &["no build record found"],
        ),
        Verb::write("prune").since(BUILDS_SINCE),
        REPORT.since(BUILDS_SINCE),
        SET.since(BUILDS_SINCE),
    ]);

/// `checks`: zero-downtime checks per process type.
pub static CHECKS: Plugin = Plugin::core("checks", "zero-downtime deploy checks")
    .with_report(bash_report("checks:report", "checks"))
    .with_properties(&[PropertySpec::new("wait-to-retire").kind(ValueKind::Number)])
    .with_verbs(&[
        Verb::write("disable"),
        Verb::write("enable"),
        REPORT,
        Verb::read("run").long(),
        SET,
        Verb::write("skip"),
    ]);

/// `cron`: the app.json cron tasks.
pub static CRON: Plugin = Plugin::core("cron", "scheduled tasks from app.json")
    .with_report(ReportSpec::go("cron:report", "cron"))
    .with_properties(&[
        PropertySpec::new("mailfrom").global_only(),
        PropertySpec::new("mailto").global_only(),
        PropertySpec::new("maintenance").kind(ValueKind::Bool),
    ])
    .with_verbs(&[
        Verb::read("list"),
        REPORT,
        Verb::write("resume")
            .since(DokkuVersion::new(0, 37, 0))
            .missing("cron task", Named::At(1), &["no matching"]),
        Verb::write("run")
            .long()
            .since(DokkuVersion::new(0, 31, 0))
            .missing("cron task", Named::At(1), &["no matching"]),
        SET,
        Verb::write("suspend")
            .since(DokkuVersion::new(0, 37, 0))
            .missing("cron task", Named::At(1), &["no matching"]),
    ]);

/// `docker-options`: extra `docker` flags per phase (and, for deploy, per
/// process type).
pub static DOCKER_OPTIONS: Plugin =
    Plugin::core("docker-options", "extra docker options per phase")
        .with_report(
            ReportSpec::go("docker-options:report", "docker-options")
                .dotted(&["docker-options-{build|deploy|run}.{}"]),
        )
        .with_verbs(&[
            Verb::write("add"),
            Verb::write("clear"),
            Verb::read("list").since(DokkuVersion::new(0, 38, 0)),
            Verb::write("remove"),
            REPORT,
        ]);

/// `network`: Docker networks and an app's attachment to them.
/// `network:destroy` prompts unless `--force`.
pub static NETWORK: Plugin = Plugin::core("network", "docker networks")
    .with_report(ReportSpec::go("network:report", "network"))
    .with_properties(&[
        PropertySpec::new("attach-post-create"),
        PropertySpec::new("attach-post-deploy"),
        PropertySpec::new("bind-all-interfaces").kind(ValueKind::Bool),
        PropertySpec::new("initial-network"),
        PropertySpec::new("static-web-listener").app_only(),
        PropertySpec::new("tld"),
    ])
    .with_verbs(&[
        Verb::write("create"),
        Verb::write("destroy"),
        Verb::read("exists"),
        Verb::read("info").missing("network", Named::At(0), &["network does not exist"]),
        Verb::read("list"),
        Verb::write("rebuild").long(),
        Verb::write("rebuildall").long(),
        REPORT,
        SET,
    ]);

/// The verbs of the compose-based proxies (caddy, haproxy, openresty,
/// traefik): report, set, show-config, start, stop and container labels.
const COMPOSE_PROXY_VERBS: &[Verb] = &[
    REPORT,
    SET,
    Verb::read("show-config"),
    Verb::write("start").long(),
    Verb::write("stop").long(),
    Verb::write("labels:add"),
    Verb::write("labels:remove"),
    Verb::read("labels:show"),
];

/// The properties nginx and openresty share (openresty-docker-proxy
/// renders nginx's template), then the plugin's own.
macro_rules! nginx_properties {
    ($($own:expr),* $(,)?) => {
        &[
            PropertySpec::new("access-log-format"),
            PropertySpec::new("access-log-path"),
            PropertySpec::new("bind-address-ipv4"),
            PropertySpec::new("bind-address-ipv6"),
            PropertySpec::new("client-body-timeout"),
            PropertySpec::new("client-header-timeout"),
            PropertySpec::new("client-max-body-size"),
            PropertySpec::new("error-log-path"),
            PropertySpec::new("hsts").kind(ValueKind::Bool),
            PropertySpec::new("hsts-include-subdomains").kind(ValueKind::Bool),
            PropertySpec::new("hsts-max-age").kind(ValueKind::Number),
            PropertySpec::new("hsts-preload").kind(ValueKind::Bool),
            PropertySpec::new("keepalive-timeout"),
            PropertySpec::new("lingering-timeout"),
            PropertySpec::new("proxy-buffer-size"),
            PropertySpec::new("proxy-buffering").kind(ValueKind::OneOf(&["on", "off"])),
            PropertySpec::new("proxy-buffers"),
            PropertySpec::new("proxy-busy-buffers-size"),
            PropertySpec::new("proxy-connect-timeout"),
            PropertySpec::new("proxy-read-timeout"),
            PropertySpec::new("proxy-send-timeout"),
            PropertySpec::new("send-timeout"),
            PropertySpec::new("underscore-in-headers").kind(ValueKind::OneOf(&["on", "off"])),
            PropertySpec::new("x-forwarded-for-value"),
            PropertySpec::new("x-forwarded-port-value"),
            PropertySpec::new("x-forwarded-proto-value"),
            PropertySpec::new("x-forwarded-ssl"),
            $($own),*
        ]
    };
}

/// `nginx` (the nginx-vhosts plugin): the default proxy. `nginx:set` on a
/// missing app succeeds (exit 0) and writes the property anyway.
pub static NGINX: Plugin = Plugin {
    report: Some(
        ReportSpec::go("nginx:report", "nginx").json(JsonSince::Dokku(versions::JSON_REPORTS)),
    ),
    properties: nginx_properties![
        PropertySpec::new("disable-custom-config").kind(ValueKind::Bool),
        PropertySpec::new("nginx-conf-sigil-path"),
        PropertySpec::new("nginx-service-command"),
        PropertySpec::new("proxy-keepalive").kind(ValueKind::Number),
    ],
    verbs: &[
        REPORT,
        SET,
        Verb::read("show-config"),
        Verb::write("start").long(),
        Verb::write("stop").long(),
        Verb::write("reload").long(),
        Verb::read("access-logs"),
        Verb::read("error-logs"),
        // With `--clean` it removes invalid configurations.
        Verb::write("validate-config"),
    ],
    ..Plugin::core("nginx", "the nginx proxy")
};

/// The properties every compose-based proxy has (all global only), then
/// the plugin's own.
macro_rules! compose_properties {
    ($($own:expr),* $(,)?) => {
        &[
            PropertySpec::new("image").global_only(),
            PropertySpec::new("letsencrypt-email").global_only(),
            PropertySpec::new("letsencrypt-server").global_only(),
            PropertySpec::new("log-level").global_only(),
            $($own),*
        ]
    };
}

/// `caddy` (caddy-vhosts): every property but `tls-internal` is global only.
pub static CADDY: Plugin = Plugin {
    report: Some(bash_report("caddy:report", "caddy")),
    properties: compose_properties![
        PropertySpec::new("polling-interval").global_only(),
        PropertySpec::new("tls-internal").kind(ValueKind::Bool),
    ],
    verbs: COMPOSE_PROXY_VERBS,
    ..Plugin::core("caddy", "the caddy proxy")
};

/// `haproxy` (haproxy-vhosts): global properties only.
pub static HAPROXY: Plugin = Plugin {
    report: Some(bash_report("haproxy:report", "haproxy")),
    properties: compose_properties![PropertySpec::new("refresh-conf")
        .kind(ValueKind::Number)
        .global_only(),],
    verbs: COMPOSE_PROXY_VERBS,
    ..Plugin::core("haproxy", "the haproxy proxy")
};

/// `openresty` (openresty-vhosts).
pub static OPENRESTY: Plugin = Plugin {
    report: Some(bash_report("openresty:report", "openresty")),
    // nginx's settings, and the compose proxies' global ones.
    properties: nginx_properties![
        PropertySpec::new("allowed-letsencrypt-domains-func-base64").global_only(),
        PropertySpec::new("image").global_only(),
        PropertySpec::new("letsencrypt-email").global_only(),
        PropertySpec::new("letsencrypt-server").global_only(),
        PropertySpec::new("log-level").global_only(),
    ],
    verbs: COMPOSE_PROXY_VERBS,
    ..Plugin::core("openresty", "the openresty proxy")
};

/// `traefik` (traefik-vhosts): global properties only; the dashboard's
/// basic-auth password and the DNS provider's credentials are secrets, and
/// its report prints the password.
pub static TRAEFIK: Plugin = Plugin {
    report: Some(bash_report("traefik:report", "traefik")),
    properties: compose_properties![
        PropertySpec::new("api-enabled")
            .kind(ValueKind::Bool)
            .global_only(),
        PropertySpec::new("api-entry-point").global_only(),
        PropertySpec::new("api-entry-point-address").global_only(),
        PropertySpec::new("api-vhost").global_only(),
        PropertySpec::new("basic-auth-password")
            .secret()
            .global_only(),
        PropertySpec::new("basic-auth-username").global_only(),
        PropertySpec::new("challenge-mode").global_only(),
        PropertySpec::new("dashboard-enabled")
            .kind(ValueKind::Bool)
            .global_only(),
        PropertySpec::new("dns-provider").global_only(),
        PropertySpec::new("dns-provider-*").secret().global_only(),
        PropertySpec::new("http-entry-point").global_only(),
        PropertySpec::new("https-entry-point").global_only(),
    ],
    verbs: &[
        Verb::read("report").prints_secrets(),
        SET,
        Verb::read("show-config"),
        Verb::write("start").long(),
        Verb::write("stop").long(),
        Verb::write("labels:add"),
        Verb::write("labels:remove"),
        Verb::read("labels:show"),
    ],
    ..Plugin::core("traefik", "the traefik proxy")
};

/// `registry`: where images are pushed. `registry:login` takes the
/// password on stdin (`--password-stdin`); as an argument it is secret.
pub static REGISTRY: Plugin = Plugin::core("registry", "image registries")
    .with_report(ReportSpec::go("registry:report", "registry"))
    .with_properties(&[
        PropertySpec::new("image-repo").app_only(),
        PropertySpec::new("image-repo-template"),
        PropertySpec::new("push-extra-tags"),
        PropertySpec::new("push-on-release").kind(ValueKind::Bool),
        PropertySpec::new("server"),
    ])
    .with_verbs(&[
        Verb::write("login").secret_args(SecretArgs::PositionalFrom {
            from: 2,
            unless: Some("--password-stdin"),
        }),
        Verb::write("logout"),
        REPORT,
        SET,
    ]);

/// `resource`: CPU, memory and network limits and reservations per
/// process type. Report labels are lower case and lose their dots.
pub static RESOURCE: Plugin = Plugin::core("resource", "resource limits and reservations")
    .with_report(
        ReportSpec::go("resource:report", "resource").dotted(&["resource-{}.{limit|reserve}.{}"]),
    )
    .with_verbs(&[
        // Without resource flags they print the values: still catalogued
        // as the writes they may be.
        Verb::write("limit"),
        Verb::write("limit-clear"),
        REPORT,
        Verb::write("reserve"),
        Verb::write("reserve-clear"),
    ]);

/// `scheduler`: which scheduler deploys an app.
pub static SCHEDULER: Plugin = Plugin::core("scheduler", "which scheduler runs an app")
    .with_report(ReportSpec::go("scheduler:report", "scheduler"))
    .with_properties(&[PropertySpec::new("selected"), PropertySpec::new("shell")])
    .with_verbs(&[REPORT, SET]);

/// `scheduler-docker-local`: the default scheduler.
pub static SCHEDULER_DOCKER_LOCAL: Plugin =
    Plugin::core("scheduler-docker-local", "the docker-local scheduler")
        .with_report(bash_report(
            "scheduler-docker-local:report",
            "scheduler-docker-local",
        ))
        .with_properties(&[
            PropertySpec::new("init-process").kind(ValueKind::Bool),
            PropertySpec::new("parallel-schedule-count").kind(ValueKind::Number),
        ])
        .with_verbs(&[REPORT, SET]);

/// `scheduler-k3s` (0.33+), from Dokku's source only: the recorded host
/// was built without it. Its global report prints the cluster token in
/// JSON and `show-kubeconfig` prints cluster-admin credentials, so both
/// outputs are secret; `preview --show-secrets` prints the app's secrets.
pub static SCHEDULER_K3S: Plugin = Plugin {
    report: Some(
        ReportSpec::go("scheduler-k3s:report", "scheduler-k3s")
            .json(JsonSince::Dokku(DokkuVersion::new(0, 33, 0))),
    ),
    properties: &[
        PropertySpec::new("cert-issuer-kind"),
        PropertySpec::new("cert-issuer-name"),
        PropertySpec::new("deploy-timeout"),
        PropertySpec::new("image-pull-secrets"),
        PropertySpec::new("ingress-class").global_only(),
        PropertySpec::new("kube-context").global_only(),
        PropertySpec::new("kubeconfig-path").global_only(),
        PropertySpec::new("kustomize-root-path"),
        PropertySpec::new("letsencrypt-email-prod"),
        PropertySpec::new("letsencrypt-email-stag"),
        PropertySpec::new("letsencrypt-server"),
        PropertySpec::new("namespace"),
        PropertySpec::new("network-interface").global_only(),
        PropertySpec::new("node-sysctls-image").global_only(),
        PropertySpec::new("node-sysctls-pause-image").global_only(),
        PropertySpec::new("rollback-on-failure").kind(ValueKind::Bool),
        PropertySpec::new("shm-size"),
        PropertySpec::new("token").secret().global_only(),
    ],
    verbs: &[
        Verb::write("annotations:set"),
        Verb::read("annotations:report"),
        Verb::write("autoscaling-auth:set").secret_args(SecretArgs::Assignments),
        Verb::read("autoscaling-auth:report").prints_secrets(),
        Verb::write("charts:set"),
        Verb::read("charts:report"),
        Verb::write("cluster:add").long(),
        Verb::read("cluster:list"),
        Verb::write("cluster:remove").long(),
        Verb::write("ensure-charts").long(),
        Verb::write("initialize").long(),
        Verb::write("labels:set"),
        Verb::read("labels:report"),
        Verb::write("node-sysctls:set"),
        Verb::read("node-sysctls:report"),
        Verb::read("preview").long().prints_secrets(),
        Verb::write("profiles:add"),
        Verb::read("profiles:list"),
        Verb::write("profiles:remove"),
        Verb::read("report").prints_secrets(),
        SET,
        Verb::read("show-kubeconfig").prints_secrets(),
        Verb::write("uninstall").long(),
    ],
    ..Plugin::core("scheduler-k3s", "the k3s (Kubernetes) scheduler")
};

/// `storage`: bind mounts and (0.38+) named storage entries. Its global
/// report is a list of entries, not a report of properties: read it with
/// [`crate::api::storage::Storage::entries_report`]. `storage:set` sets a
/// property of an entry, not of an app.
pub static STORAGE: Plugin = Plugin::core("storage", "volumes and storage entries")
    .with_report(
        ReportSpec::go("storage:report", "storage")
            .global(None)
            .dotted(&["storage-attachment.{n}.{}"]),
    )
    .with_verbs(&[
        Verb::read("annotations:report").since(STORAGE_ENTRIES_SINCE),
        Verb::write("annotations:set").since(STORAGE_ENTRIES_SINCE),
        Verb::write("create").since(STORAGE_ENTRIES_SINCE),
        Verb::write("destroy").since(STORAGE_ENTRIES_SINCE).missing(
            "storage entry",
            Named::At(0),
            &["does not exist"],
        ),
        Verb::write("ensure-directory"),
        Verb::write("exec").follow().since(STORAGE_ENTRIES_SINCE),
        Verb::read("info").since(STORAGE_ENTRIES_SINCE).missing(
            "storage entry",
            Named::At(0),
            &["does not exist"],
        ),
        Verb::read("labels:report").since(STORAGE_ENTRIES_SINCE),
        Verb::write("labels:set").since(STORAGE_ENTRIES_SINCE),
        Verb::read("list"),
        Verb::read("list-entries").since(STORAGE_ENTRIES_SINCE),
        Verb::write("migrate").since(STORAGE_ENTRIES_SINCE),
        Verb::write("mount").missing("storage entry", Named::At(1), &["does not exist"]),
        REPORT,
        Verb::write("set").since(STORAGE_ENTRIES_SINCE),
        Verb::write("unmount").missing(
            "mount",
            Named::At(1),
            &["mount path does not exist", "is not mounted"],
        ),
        Verb::read("wait").long().since(STORAGE_ENTRIES_SINCE),
    ]);

/// `ssh-keys`: who may push and run commands. Keys go on stdin.
pub static SSH_KEYS: Plugin = Plugin::core("ssh-keys", "authorized SSH keys").with_verbs(&[
    Verb::write("add"),
    Verb::read("list"),
    Verb::write("remove"),
]);

/// Flags of `run` whose value is a `KEY=VALUE` environment assignment.
const RUN_ENV_FLAGS: &[&str] = &["-e", "--env", "-env"];

/// `run`: one-off containers. What they print is the command's output
/// (`run <app> env` prints the whole environment), so it counts as secret.
pub static RUN: Plugin = Plugin::core("run", "one-off containers").with_verbs(&[
    Verb::write("")
        .long()
        .secret_args(SecretArgs::FlagAssignments(RUN_ENV_FLAGS))
        .prints_secrets(),
    Verb::write("detached")
        .secret_args(SecretArgs::FlagAssignments(RUN_ENV_FLAGS))
        .prints_secrets(),
    Verb::read("list").since(DokkuVersion::new(0, 25, 0)),
    Verb::read("logs")
        .prints_secrets()
        .since(DokkuVersion::new(0, 29, 0)),
    Verb::write("retire").since(DokkuVersion::new(0, 37, 0)),
    Verb::write("stop").since(DokkuVersion::new(0, 29, 0)),
]);

/// `enter`: a command in a running container. Dokku attaches stdin only on
/// a TTY, which no executor provides.
pub static ENTER: Plugin = Plugin::core("enter", "commands in running containers")
    .with_verbs(&[Verb::write("").follow().prints_secrets()]);

/// `events`: Dokku's event log. A logged event can carry a command's
/// arguments (`user-auth`), so the log is secret output.
pub static EVENTS: Plugin = Plugin::core("events", "the event log").with_verbs(&[
    Verb::read("").prints_secrets(),
    Verb::read("list"),
    Verb::write("off"),
    Verb::write("on"),
]);

/// `repo`: the app's bare repository and build cache.
pub static REPO: Plugin = Plugin::core("repo", "an app's repository and build cache")
    .with_verbs(&[Verb::write("gc").long(), Verb::write("purge-cache")]);

/// `trace`: bash xtrace for every Dokku command. While it is on, every
/// command's stderr shows its arguments and environment, secrets included.
pub static TRACE: Plugin = Plugin::core("trace", "Dokku's own debug tracing").with_verbs(&[
    Verb::read(""),
    Verb::write("off"),
    Verb::write("on"),
]);

/// The dokku-maintenance plugin (from its source, 0.10.1; not recorded).
/// Versions here are the plugin's.
pub static MAINTENANCE: Plugin =
    Plugin::community("maintenance", "maintenance mode (dokku-maintenance)")
        .with_report(
            ReportSpec::go("maintenance:report", "maintenance")
                .json(JsonSince::Plugin(DokkuVersion::new(0, 9, 0)))
                .global(None)
                .bash(),
        )
        .with_verbs(&[
            Verb::write("custom-page"),
            Verb::read("custom-page-export"),
            Verb::write("custom-page-remove"),
            Verb::write("disable").long(),
            Verb::write("enable").long(),
            Verb::write("off").long(),
            Verb::write("on").long(),
            REPORT,
        ]);

/// The dokku-http-auth plugin (from its source, 0.10.0; not recorded):
/// passwords are the third argument of `add-user` and `enable`. Its report
/// is text only.
pub static HTTP_AUTH: Plugin =
    Plugin::community("http-auth", "basic authentication (dokku-http-auth)")
        .with_report(
            ReportSpec::go("http-auth:report", "http-auth")
                .json(JsonSince::Never)
                .global(None)
                .bash(),
        )
        .with_verbs(&[
            Verb::write("add-allowed-ip"),
            Verb::write("add-user").secret_args(SecretArgs::At(&[2])),
            Verb::write("disable"),
            Verb::write("enable").secret_args(SecretArgs::At(&[2])),
            Verb::write("off"),
            Verb::write("on").secret_args(SecretArgs::At(&[2])),
            Verb::write("remove-allowed-ip"),
            Verb::write("remove-user"),
            REPORT,
            Verb::read("show-config"),
        ]);

/// The dokku-redirect plugin (from its source, 0.9.1; not recorded): no
/// report; `redirect <app>` lists the redirects.
pub static REDIRECT: Plugin = Plugin::community("redirect", "domain redirects (dokku-redirect)")
    .with_verbs(&[
        Verb::read(""),
        Verb::write("set").long(),
        Verb::write("unset").long(),
    ]);

/// Every catalogued plugin.
pub static CATALOG: &[&Plugin] = &[
    &APP_JSON,
    &APPS,
    &BUILDER,
    &BUILDER_DOCKERFILE,
    &BUILDER_HEROKUISH,
    &BUILDER_LAMBDA,
    &BUILDER_NIXPACKS,
    &BUILDER_PACK,
    &BUILDER_RAILPACK,
    &BUILDPACKS,
    &BUILDS,
    &CADDY,
    &CERTS,
    &CHECKS,
    &CONFIG,
    &CRON,
    &DOCKER_OPTIONS,
    &DOMAINS,
    &ENTER,
    &EVENTS,
    &GIT,
    &HAPROXY,
    &LOGS,
    &NETWORK,
    &NGINX,
    &OPENRESTY,
    &PLUGIN,
    &PORTS,
    &PROXY,
    &PS,
    &REGISTRY,
    &REPO,
    &RESOURCE,
    &RUN,
    &SCHEDULER,
    &SCHEDULER_DOCKER_LOCAL,
    &SCHEDULER_K3S,
    &SSH_KEYS,
    &STORAGE,
    &TRACE,
    &TRAEFIK,
    &HTTP_AUTH,
    &LETSENCRYPT,
    &MAINTENANCE,
    &REDIRECT,
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
                assert!(plugin.verb(plugin.set_verb).is_some(), "{}", plugin.name);
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
