//! The datastore service handler (`dokku.service(ServicePlugin::Postgres)`):
//! parsers on every `postgres/` and `redis/` fixture (snapshotted, with the
//! facts that matter asserted), the exact argv and metadata of every
//! builder, secrets kept out of display argv, and the plugin requirement
//! refusing before anything is sent.
#![cfg(feature = "test-util")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::sync::Arc;

use common::Fixture;
use dokku_core::api::service::{
    self, BackupAuth, BackupVerb, CreateOptions, Lifecycle, LinkOptions,
};
use dokku_core::client::Generation;
use dokku_core::model::plugin::PluginInfo;
use dokku_core::model::service::{InfoField, ServicePlugin, ServiceStatus};
use dokku_core::parse;
use dokku_core::testing::ScriptedExecutor;
use dokku_core::{
    AppName, Capabilities, Command, Dokku, DokkuVersion, Error, ExitStatus, ImageVersion, Output,
    PluginName, Requirement, ServiceName, TimeoutClass,
};

const V038: DokkuVersion = DokkuVersion::new(0, 38, 27);
const PG: ServicePlugin = ServicePlugin::Postgres;

fn svc(name: &str) -> ServiceName {
    ServiceName::new(name).unwrap()
}

fn node() -> AppName {
    AppName::new("node-js-app").unwrap()
}

fn argv(command: &Command) -> Vec<String> {
    command
        .expose_argv()
        .iter()
        .map(|s| (*s).to_owned())
        .collect()
}

fn caps_with(plugins: &[&str]) -> Capabilities {
    let list = plugins
        .iter()
        .map(|p| format!("  {p:<20} 1.44.0 enabled    dokku {p} service plugin\n"))
        .collect::<String>();
    let mut caps = Capabilities::for_version(V038);
    caps.plugins = parse::plugin::list(&list).unwrap();
    assert_eq!(caps.plugins.len(), plugins.len());
    caps
}

fn client(exec: &Arc<ScriptedExecutor>, plugins: &[&str]) -> Dokku {
    Dokku::from_arc(exec.clone()).with_capabilities(caps_with(plugins))
}

fn snapshot(f: &Fixture, value: &dyn std::fmt::Debug) {
    let mut settings = insta::Settings::clone_current();
    settings.set_info(&f.command);
    let name = f
        .path
        .to_string_lossy()
        .replace(".txt", "")
        .replace('/', "__");
    settings.bind(|| insta::assert_debug_snapshot!(name, value));
}

// ---------------------------------------------------------------------------
// fixtures
// ---------------------------------------------------------------------------

#[test]
fn every_service_fixture_is_read_or_is_an_error() {
    let mut read = 0;
    for dir in ["postgres", "redis"] {
        for f in common::in_dir(dir) {
            let argv = f.argv();
            let sub = argv.iter().find(|a| !a.starts_with("--")).unwrap().clone();
            let verb = sub.split(':').nth(1).unwrap();
            if f.exit != 0 {
                assert!(f.stdout.is_empty(), "{f:?}");
                assert!(f.stderr.starts_with(" !     "), "{f:?}");
                continue;
            }
            match (verb, argv.len()) {
                ("list", _) => snapshot(&f, &parse::service::list(&f.stdout).unwrap()),
                ("info", 2) => {
                    let info = parse::service::info(&f.stdout).unwrap();
                    // The DSN is in the typed value but not in raw or Debug.
                    let dsn = info.dsn.as_ref().unwrap().expose().to_owned();
                    assert!(f.stdout.contains(&dsn));
                    assert!(!format!("{info:?}").contains(&dsn));
                    assert!(info.raw.values().all(|v| !v.contains(&dsn)));
                    assert!(!serde_json::to_string(&info).unwrap().contains(&dsn));
                    assert_eq!(info.raw.len(), 12, "every field but the DSN");
                    assert!(info.custom_env.is_none());
                    snapshot(&f, &info);
                }
                ("info", _) => {
                    assert_eq!(parse::service::info_value(&f.stdout), f.stdout.trim_end())
                }
                ("links", _) => snapshot(&f, &parse::service::links(&f.stdout).unwrap()),
                ("app-links", _) => snapshot(&f, &parse::service::app_links(&f.stdout).unwrap()),
                ("exists" | "linked", _) => assert!(f.stdout.starts_with("-----> ")),
                other => panic!("no reader for {other:?} in {f:?}"),
            }
            read += 1;
        }
    }
    assert!(read >= 12, "{read}");
}

#[test]
fn postgres_info_fields_are_typed() {
    let info = parse::service::info(&Fixture::load("postgres/info.txt").stdout).unwrap();
    assert_eq!(info.name.unwrap().as_str(), "lollipop");
    assert_eq!(info.status, Some(ServiceStatus::Running));
    assert_eq!(info.version.as_deref(), Some("postgres:17.2"));
    assert_eq!(info.links, vec![node()]);
    assert!(info.exposed_ports.is_empty());
    assert_eq!(info.initial_network, None);
    assert_eq!(info.internal_ip.as_deref(), Some("172.17.0.5"));
    assert!(info
        .dsn
        .unwrap()
        .expose()
        .starts_with("postgres://postgres:"));

    let other =
        parse::service::info(&Fixture::load("postgres/info-exposed-unlinked.txt").stdout).unwrap();
    assert_eq!(other.status, Some(ServiceStatus::Exited));
    assert!(other.links.is_empty());
    assert_eq!(other.exposed_ports.len(), 1);
    assert_eq!(other.exposed_ports[0].container, 5432);
    assert_eq!(other.exposed_ports[0].host, "12345");

    let redis = parse::service::info(&Fixture::load("redis/info.txt").stdout).unwrap();
    assert_eq!(redis.version.as_deref(), Some("redis:7.4.1"));
    assert!(redis.config_dir.unwrap().ends_with("/config"));
}

#[test]
fn list_reads_names_with_and_without_header() {
    let full = parse::service::list(&Fixture::load("postgres/list.txt").stdout).unwrap();
    let quiet = parse::service::list(&Fixture::load("postgres/list-quiet.txt").stdout).unwrap();
    assert_eq!(full, quiet);
    assert_eq!(full, vec![svc("lollipop"), svc("other_db")]);
    assert!(
        parse::service::list(&Fixture::load("postgres/list-empty.txt").stdout)
            .unwrap()
            .is_empty()
    );
}

// ---------------------------------------------------------------------------
// the dokku-datastore (Go) generation
// ---------------------------------------------------------------------------

#[test]
fn go_generation_fixtures_are_read() {
    let go = common::in_dir("postgres-go");
    assert!(go.len() >= 12, "{}", go.len());
    for f in &go {
        let argv = f.argv();
        let verb = argv[0].split(':').nth(1).unwrap();
        let json = argv.windows(2).any(|w| w == ["--format", "json"]);
        if f.exit != 0 {
            assert!(f.stdout.is_empty(), "{f:?}");
            // Messages are read through the shared classifier, which drops
            // the colour codes and the ` !     ` prefix.
            let message = parse::strip_warn_prefixes(&f.stderr);
            assert!(!message.contains('\u{1b}'), "{message:?}");
            assert!(
                message.starts_with("service ") || message == r#"{"error":{}}"#,
                "{message:?}"
            );
            continue;
        }
        match (verb, argv.len(), json) {
            ("list", _, false) => snapshot(f, &parse::service::list(&f.stdout).unwrap()),
            ("list", _, true) => snapshot(f, &parse::service::list_json(&f.stdout).unwrap()),
            ("info", 2, false) => snapshot(f, &parse::service::info(&f.stdout).unwrap()),
            ("info", _, true) => snapshot(f, &parse::service::info_json(&f.stdout).unwrap()),
            ("info", _, false) => assert_eq!(parse::service::info_value(&f.stdout), "running"),
            ("links", _, _) => snapshot(f, &parse::service::links(&f.stdout).unwrap()),
            ("app-links", _, _) => snapshot(f, &parse::service::app_links(&f.stdout).unwrap()),
            ("exists" | "linked", _, _) => assert!(f.stdout.starts_with("Service ")),
            other => panic!("no reader for {other:?} in {f:?}"),
        }
    }
}

#[test]
fn go_info_text_and_json_agree_and_keep_secrets_out() {
    let text = Fixture::load("postgres-go/info.txt");
    let json = Fixture::load("postgres-go/info-json.txt");
    let a = parse::service::info(&text.stdout).unwrap();
    let b = parse::service::info_json(&json.stdout).unwrap();
    assert_eq!(a.name, b.name);
    assert_eq!(a.raw, b.raw);
    assert_eq!(a.links, b.links);
    assert_eq!(a.dsn, b.dsn);
    assert_eq!(a.name.as_ref().unwrap().as_str(), "lollipop");
    assert_eq!(
        a.links,
        vec![node(), AppName::new("python-app").unwrap()],
        "Go joins links with commas"
    );
    assert_eq!(a.status, Some(ServiceStatus::Running));
    assert_eq!(a.version.as_deref(), Some("postgres:18.1"));
    assert!(a.exposed_ports.is_empty());
    assert_eq!(
        a.raw.get("backup-authenticated").map(String::as_str),
        Some("false")
    );
    // 44 keys: all but the DSN and the custom env are in raw.
    assert_eq!(a.raw.len(), 42);
    for info in [&a, &b] {
        let dsn = info.dsn.as_ref().unwrap().expose().to_owned();
        let env = info.custom_env.as_ref().unwrap().expose().to_owned();
        assert!(env.contains("s3cr3t-env-value"));
        for shown in [format!("{info:?}"), serde_json::to_string(info).unwrap()] {
            assert!(!shown.contains(&dsn) && !shown.contains(&env), "{shown}");
        }
    }
    // A body broken inside the DSN is reported by position, never by its
    // contents.
    let cut = json.stdout.find("5f2b8c1d").unwrap() + "5f2b8c1d".len();
    let err = parse::service::info_json(&json.stdout[..cut])
        .unwrap_err()
        .to_string();
    assert!(!err.contains("5f2b8c1d"), "{err}");
    // A value that is not a string is read as its JSON text, as in every
    // report, rather than failing the whole answer.
    let typed = json.stdout.replace(
        r#""backup-authenticated":"false""#,
        r#""backup-authenticated":false"#,
    );
    assert_eq!(parse::service::info_json(&typed).unwrap(), b);
}

#[test]
fn go_list_json_accepts_null_and_empty() {
    assert!(parse::service::list_json("null\n").unwrap().is_empty());
    assert!(parse::service::list_json("[]\n").unwrap().is_empty());
    assert!(parse::service::list_json(r#"["bad name"]"#).is_err());
    assert!(parse::service::list_json("=====> postgres services\n").is_err());
    assert!(
        parse::service::list(&Fixture::load("postgres-go/list-empty.txt").stdout)
            .unwrap()
            .is_empty()
    );
}

// ---------------------------------------------------------------------------
// builders
// ---------------------------------------------------------------------------

#[test]
fn every_builder_requires_the_plugin_and_has_the_exact_argv() {
    let lollipop = svc("lollipop");
    let auth = BackupAuth::new("AKIAEXAMPLE".into(), "wJalrXUtnFEMI".into())
        .region("eu-west-1")
        .signature_version("s3v4");
    let cases: Vec<(Command, Vec<&str>, bool)> = vec![
        (service::list_command(&PG), vec!["postgres:list"], false),
        (
            service::exists_command(&PG, &lollipop),
            vec!["postgres:exists", "lollipop"],
            false,
        ),
        (
            service::info_command(&PG, &lollipop),
            vec!["postgres:info", "lollipop"],
            false,
        ),
        (
            service::info_field_command(&PG, &lollipop, InfoField::PostCreateNetwork),
            vec!["postgres:info", "lollipop", "--post-create-network"],
            false,
        ),
        (
            service::create_command(
                &PG,
                &lollipop,
                &CreateOptions::new()
                    .image("postgis/postgis")
                    .image_version(ImageVersion::new("13-3.1").unwrap())
                    .config_options("--max-connections=200")
                    .custom_env("USER=alpha;HOST=beta".into()),
            ),
            vec![
                "postgres:create",
                "lollipop",
                "--image",
                "postgis/postgis",
                "--image-version",
                "13-3.1",
                "--config-options",
                "--max-connections=200",
                "--custom-env",
                "USER=alpha;HOST=beta",
            ],
            true,
        ),
        (
            service::destroy_command(&PG, &lollipop, "lollipop").unwrap(),
            vec!["postgres:destroy", "lollipop", "--force"],
            true,
        ),
        (
            service::link_command(
                &PG,
                &lollipop,
                &node(),
                &LinkOptions::new()
                    .alias("BLUE_DATABASE")
                    .querystring("pool=5")
                    .no_restart(),
            )
            .unwrap(),
            vec![
                "postgres:link",
                "lollipop",
                "node-js-app",
                "--alias",
                "BLUE_DATABASE",
                "--querystring",
                "pool=5",
                "--no-restart",
            ],
            true,
        ),
        (
            service::unlink_command(&PG, &lollipop, &node(), false),
            vec!["postgres:unlink", "lollipop", "node-js-app"],
            true,
        ),
        (
            service::linked_command(&PG, &lollipop, &node()),
            vec!["postgres:linked", "lollipop", "node-js-app"],
            false,
        ),
        (
            service::links_command(&PG, &lollipop),
            vec!["postgres:links", "lollipop"],
            false,
        ),
        (
            service::app_links_command(&PG, &node()),
            vec!["postgres:app-links", "node-js-app"],
            false,
        ),
        (
            service::promote_command(&PG, &lollipop, &node()),
            vec!["postgres:promote", "lollipop", "node-js-app"],
            true,
        ),
        (
            service::lifecycle_command(&PG, &lollipop, Lifecycle::Restart),
            vec!["postgres:restart", "lollipop"],
            true,
        ),
        (
            service::expose_command(&PG, &lollipop, &["127.0.0.1:5432".to_owned()]).unwrap(),
            vec!["postgres:expose", "lollipop", "127.0.0.1:5432"],
            true,
        ),
        (
            service::unexpose_command(&PG, &lollipop),
            vec!["postgres:unexpose", "lollipop"],
            true,
        ),
        (
            service::logs_command(&PG, &lollipop, false),
            vec!["postgres:logs", "lollipop"],
            false,
        ),
        (
            service::logs_command(&PG, &lollipop, true),
            vec!["postgres:logs", "lollipop", "--tail"],
            false,
        ),
        (
            service::export_command(&PG, &lollipop),
            vec!["postgres:export", "lollipop"],
            false,
        ),
        (
            service::import_command(&PG, &lollipop, b"PGDMP".to_vec()),
            vec!["postgres:import", "lollipop"],
            true,
        ),
        (
            service::backup_command(&PG, &lollipop, "my-bucket", true).unwrap(),
            vec!["postgres:backup", "lollipop", "my-bucket", "--use-iam"],
            true,
        ),
        (
            service::backup_auth_command(&PG, &lollipop, &auth).unwrap(),
            vec![
                "postgres:backup-auth",
                "lollipop",
                "AKIAEXAMPLE",
                "wJalrXUtnFEMI",
                "eu-west-1",
                "s3v4",
            ],
            true,
        ),
        (
            service::backup_schedule_command(&PG, &lollipop, "0 3 * * *", "my-bucket", false)
                .unwrap(),
            vec![
                "postgres:backup-schedule",
                "lollipop",
                "0 3 * * *",
                "my-bucket",
            ],
            true,
        ),
        (
            service::backup_simple_command(&PG, &lollipop, BackupVerb::ScheduleCat),
            vec!["postgres:backup-schedule-cat", "lollipop"],
            false,
        ),
        (
            service::backup_simple_command(&PG, &lollipop, BackupVerb::Deauth),
            vec!["postgres:backup-deauth", "lollipop"],
            true,
        ),
        (
            service::backup_simple_command(&PG, &lollipop, BackupVerb::Unschedule),
            vec!["postgres:backup-unschedule", "lollipop"],
            true,
        ),
        (
            service::backup_set_encryption_command(&PG, &lollipop, &"passphrase".into()),
            vec!["postgres:backup-set-encryption", "lollipop", "passphrase"],
            true,
        ),
        (
            service::backup_simple_command(&PG, &lollipop, BackupVerb::UnsetEncryption),
            vec!["postgres:backup-unset-encryption", "lollipop"],
            true,
        ),
        (
            service::upgrade_command(&PG, &lollipop, &CreateOptions::new().restart_apps(false)),
            vec!["postgres:upgrade", "lollipop", "--restart-apps", "false"],
            true,
        ),
        (
            service::clone_command(
                &PG,
                &lollipop,
                &svc("copy"),
                &CreateOptions::new().memory(512),
            ),
            vec!["postgres:clone", "lollipop", "copy", "--memory", "512"],
            true,
        ),
    ];
    let postgres = PluginName::new("postgres").unwrap();
    for (command, want, mutating) in cases {
        assert_eq!(argv(&command), want, "{command}");
        assert_eq!(command.is_mutating(), mutating, "{command}");
        assert_eq!(
            command.requirements(),
            &[Requirement::Plugin(postgres.clone())],
            "{command}"
        );
    }
}

#[test]
fn secrets_are_sent_but_never_shown() {
    let lollipop = svc("lollipop");
    let auth = BackupAuth::new("AKIAEXAMPLE".into(), "wJalrXUtnFEMI".into());
    let commands = [
        service::backup_auth_command(&PG, &lollipop, &auth).unwrap(),
        service::backup_set_encryption_command(&PG, &lollipop, &"wJalrXUtnFEMI".into()),
        service::create_command(
            &PG,
            &lollipop,
            &CreateOptions::new()
                .password("wJalrXUtnFEMI".into())
                .root_password("AKIAEXAMPLE".into()),
        ),
    ];
    for command in commands {
        let shown = format!("{command} {:?} {:?}", command.redacted_argv(), command);
        assert!(!shown.contains("wJalrXUtnFEMI"), "{shown}");
        assert!(!shown.contains("AKIAEXAMPLE"), "{shown}");
        assert!(command
            .expose_argv()
            .iter()
            .any(|a| *a == "wJalrXUtnFEMI" || *a == "AKIAEXAMPLE"));
        assert!(command.has_secrets());
    }
    // Output holding the DSN or a dump is marked secret.
    assert!(service::info_command(&PG, &lollipop).output_is_secret());
    assert!(service::info_field_command(&PG, &lollipop, InfoField::Dsn).output_is_secret());
    assert!(!service::info_field_command(&PG, &lollipop, InfoField::Status).output_is_secret());
    assert!(service::export_command(&PG, &lollipop).output_is_secret());
    assert!(
        service::link_command(&PG, &lollipop, &node(), &LinkOptions::new())
            .unwrap()
            .output_is_secret()
    );
    assert!(service::promote_command(&PG, &lollipop, &node()).output_is_secret());
    assert!(service::create_command(&PG, &lollipop, &CreateOptions::new()).output_is_secret());
    // Import sends the dump on stdin, never in argv.
    let import = service::import_command(&PG, &lollipop, b"PGDMP secret rows".to_vec());
    assert_eq!(import.stdin_bytes().unwrap().len(), 17);
    assert_eq!(
        service::logs_command(&PG, &lollipop, true).timeout_class(),
        TimeoutClass::Follow
    );
}

#[test]
fn refused_before_building() {
    let lollipop = svc("lollipop");
    assert!(matches!(
        service::destroy_command(&PG, &lollipop, "lolipop"),
        Err(Error::InvalidArgument { .. })
    ));
    assert!(matches!(
        service::link_command(
            &PG,
            &lollipop,
            &node(),
            &LinkOptions::new().alias("BAD ALIAS")
        ),
        Err(Error::InvalidArgument { .. })
    ));
    let gap = BackupAuth::new("a".into(), "b".into()).endpoint_url("https://s3.example.com");
    assert!(matches!(
        service::backup_auth_command(&PG, &lollipop, &gap),
        Err(Error::InvalidArgument { .. })
    ));
}

#[test]
fn plugins_have_names_and_aliases() {
    assert_eq!(ServicePlugin::Postgres.default_alias(), "DATABASE");
    assert_eq!(ServicePlugin::Redis.default_alias(), "REDIS");
    assert_eq!(ServicePlugin::Mariadb.default_alias(), "DATABASE");
    let memcached = PluginName::new("memcached").unwrap();
    assert_eq!(
        ServicePlugin::from_name(&memcached),
        ServicePlugin::Other(memcached.clone())
    );
    assert_eq!(
        ServicePlugin::from_name(&PluginName::new("redis").unwrap()),
        ServicePlugin::Redis
    );
    let other = ServicePlugin::Other(memcached);
    assert_eq!(argv(&service::list_command(&other)), ["memcached:list"]);
    assert_eq!(other.default_alias(), "MEMCACHED");
    for p in ServicePlugin::known() {
        assert_eq!(p.plugin_name().as_str(), p.name());
    }
}

// ---------------------------------------------------------------------------
// handler
// ---------------------------------------------------------------------------

#[tokio::test]
async fn a_host_without_the_plugin_is_refused_before_sending() {
    let exec = Arc::new(ScriptedExecutor::new());
    let dokku = client(&exec, &["redis"]);
    let err = dokku.service(PG).list().await.unwrap_err();
    match err {
        Error::Unsupported { needs, .. } => {
            assert_eq!(
                needs,
                Requirement::Plugin(PluginName::new("postgres").unwrap())
            )
        }
        other => panic!("{other:?}"),
    }
    exec.verify().unwrap();
}

#[tokio::test]
async fn handler_reads_list_info_links_and_dsn() {
    let exec = Arc::new(
        ScriptedExecutor::new()
            // The first list detects the bash generation from its answer.
            .expect_ok(
                ["postgres:list", "--format", "json"],
                &Fixture::load("postgres/list.txt").stdout,
            )
            .expect_ok(
                ["postgres:info", "lollipop"],
                &Fixture::load("postgres/info.txt").stdout,
            )
            .expect_ok(
                ["postgres:info", "lollipop", "--dsn"],
                &Fixture::load("postgres/info-dsn.txt").stdout,
            )
            .expect_ok(
                ["postgres:info", "lollipop", "--status"],
                &Fixture::load("postgres/info-status.txt").stdout,
            )
            .expect_ok(
                ["postgres:links", "lollipop"],
                &Fixture::load("postgres/links.txt").stdout,
            )
            .expect_ok(
                ["postgres:app-links", "node-js-app"],
                &Fixture::load("postgres/app-links.txt").stdout,
            ),
    );
    let dokku = client(&exec, &["postgres"]);
    let pg = dokku.service(PG);
    assert_eq!(pg.list().await.unwrap().len(), 2);
    let info = pg.info(&svc("lollipop")).await.unwrap();
    let dsn = pg.dsn(&svc("lollipop")).await.unwrap();
    assert_eq!(info.dsn.as_ref(), Some(&dsn));
    assert_eq!(
        pg.info_field(&svc("lollipop"), InfoField::Status)
            .await
            .unwrap(),
        "running"
    );
    assert_eq!(pg.links(&svc("lollipop")).await.unwrap(), vec![node()]);
    assert_eq!(pg.app_links(&node()).await.unwrap(), vec![svc("lollipop")]);
    exec.verify().unwrap();
    // Asking for the DSN through info_field is refused.
    assert!(matches!(
        pg.info_field(&svc("lollipop"), InfoField::Dsn).await,
        Err(Error::InvalidArgument { .. })
    ));
}

fn client_at(exec: &Arc<ScriptedExecutor>, version: &str) -> Dokku {
    let list =
        format!("  postgres             {version} enabled    dokku postgres service plugin\n");
    let mut caps = Capabilities::for_version(V038);
    caps.plugins = parse::plugin::list(&list).unwrap();
    Dokku::from_arc(exec.clone()).with_capabilities(caps)
}

#[tokio::test]
async fn the_go_generation_is_detected_from_its_json_list_and_asked_for_json() {
    let exec = Arc::new(
        ScriptedExecutor::new()
            .expect_ok(
                ["postgres:list", "--format", "json"],
                &Fixture::load("postgres-go/list-json.txt").stdout,
            )
            .expect_ok(
                ["postgres:info", "lollipop", "--format", "json"],
                &Fixture::load("postgres-go/info-json.txt").stdout,
            )
            // The JSON error has no message: the text form is asked next.
            .expect(
                ["postgres:info", "ghost", "--format", "json"],
                failing("postgres-go/info-missing-json.txt"),
            )
            .expect(
                ["postgres:info", "ghost"],
                failing("postgres-go/info-missing.txt"),
            )
            .expect_ok(
                ["postgres:list", "--format", "json"],
                &Fixture::load("postgres-go/list-json.txt").stdout,
            )
            .expect_ok(
                ["postgres:links", "lollipop"],
                &Fixture::load("postgres-go/links.txt").stdout,
            )
            .expect_ok(
                ["postgres:app-links", "node-js-app"],
                &Fixture::load("postgres-go/app-links.txt").stdout,
            )
            .expect(
                ["postgres:exists", "ghost"],
                failing("postgres-go/exists-missing.txt"),
            )
            .expect(
                ["postgres:exists", "lollipop"],
                failing("postgres-go/exists.txt"),
            )
            .expect(
                ["postgres:linked", "other_db", "node-js-app"],
                failing("postgres-go/linked-not.txt"),
            )
            .expect(
                ["postgres:linked", "lollipop", "node-js-app"],
                failing("postgres-go/linked.txt"),
            ),
    );
    let dokku = client_at(&exec, "1.45.0");
    let pg = dokku.service(PG);
    assert_eq!(
        pg.list().await.unwrap(),
        vec![svc("lollipop"), svc("other_db")]
    );
    assert_eq!(
        dokku.datastore_generation("postgres"),
        Some(Generation::Datastore)
    );
    let info = pg.info(&svc("lollipop")).await.unwrap();
    assert_eq!(info.links.len(), 2);
    assert!(info.dsn.is_some());
    match pg.info(&svc("ghost")).await.unwrap_err() {
        Error::NotFound {
            what: "service",
            name,
            message,
            ..
        } => {
            assert_eq!(name, "ghost");
            assert_eq!(message, "service ghost does not exist");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(pg.list().await.unwrap().len(), 2);
    assert_eq!(
        pg.links(&svc("lollipop")).await.unwrap(),
        vec![node(), AppName::new("python-app").unwrap()]
    );
    assert_eq!(pg.app_links(&node()).await.unwrap(), vec![svc("lollipop")]);
    assert!(!pg.exists(&svc("ghost")).await.unwrap());
    assert!(pg.exists(&svc("lollipop")).await.unwrap());
    assert!(!pg.linked(&svc("other_db"), &node()).await.unwrap());
    assert!(pg.linked(&svc("lollipop"), &node()).await.unwrap());
    exec.verify().unwrap();
}

/// dokku-postgres 1.48.0, the current release, is still bash: it ignores
/// `--format json` on `list` (exit 0, its text). The SDK reads that text
/// instead of failing, remembers the generation, and wastes nothing.
#[tokio::test]
async fn bash_1_48_is_detected_from_its_list_answer_without_a_wasted_invocation() {
    let exec = Arc::new(
        ScriptedExecutor::new()
            .expect_ok(
                ["postgres:list", "--format", "json"],
                &Fixture::load("postgres/list.txt").stdout,
            )
            .expect_ok(
                ["postgres:info", "lollipop"],
                &Fixture::load("postgres/info.txt").stdout,
            )
            .expect_ok(
                ["postgres:list"],
                &Fixture::load("postgres/list.txt").stdout,
            )
            .expect_ok(
                ["postgres:info", "lollipop"],
                &Fixture::load("postgres/info.txt").stdout,
            ),
    );
    let dokku = client_at(&exec, "1.48.0");
    let pg = dokku.service(PG);
    assert_eq!(
        pg.list().await.unwrap(),
        vec![svc("lollipop"), svc("other_db")]
    );
    assert_eq!(
        dokku.datastore_generation("postgres"),
        Some(Generation::Bash)
    );
    let info = pg.info(&svc("lollipop")).await.unwrap();
    assert_eq!(info.version.as_deref(), Some("postgres:17.2"));
    assert_eq!(pg.list().await.unwrap().len(), 2);
    pg.info(&svc("lollipop")).await.unwrap();
    exec.verify().unwrap();
    assert_eq!(exec.calls().len(), 4, "four calls, none wasted");
}

/// An empty bash list prints nothing on stdout (a warning on stderr): no
/// services, and the generation is known from that answer too.
#[tokio::test]
async fn an_empty_bash_list_is_an_empty_list() {
    let empty = Fixture::load("postgres/list-empty.txt");
    let exec = Arc::new(
        ScriptedExecutor::new()
            .expect(
                ["postgres:list", "--format", "json"],
                Output::new(
                    ExitStatus::code(0),
                    empty.stdout.clone(),
                    empty.stderr.clone(),
                ),
            )
            .expect_ok(
                ["postgres:info", "lollipop"],
                &Fixture::load("postgres/info.txt").stdout,
            ),
    );
    let dokku = client_at(&exec, "1.48.0");
    assert!(dokku.service(PG).list().await.unwrap().is_empty());
    dokku.service(PG).info(&svc("lollipop")).await.unwrap();
    exec.verify().unwrap();
}

/// `info` before any `list`: the one detection call is the only wasted
/// invocation on this client, whatever follows. A bash plugin that refuses
/// the flag on `list` is read as text too.
#[tokio::test]
async fn info_first_costs_at_most_one_detection_per_host() {
    let exec = Arc::new(
        ScriptedExecutor::new()
            .expect(
                ["postgres:list", "--format", "json"],
                failing("postgres/info-invalid-flag.txt"),
            )
            .expect_ok(
                ["postgres:list"],
                &Fixture::load("postgres/list.txt").stdout,
            )
            .expect_ok(
                ["postgres:info", "lollipop"],
                &Fixture::load("postgres/info.txt").stdout,
            )
            .expect_ok(
                ["postgres:info", "other_db"],
                &Fixture::load("postgres/info.txt").stdout,
            ),
    );
    let dokku = client_at(&exec, "1.44.0");
    let pg = dokku.service(PG);
    pg.info(&svc("lollipop")).await.unwrap();
    pg.info(&svc("other_db")).await.unwrap();
    exec.verify().unwrap();
    let wasted = exec
        .calls()
        .iter()
        .filter(|argv| argv.iter().any(|a| a == "--format"))
        .count();
    assert_eq!(wasted, 1);
    // A fresh client of the same host detects again, once.
    assert_eq!(
        Dokku::from_arc(exec.clone()).datastore_generation("postgres"),
        None
    );
}

fn failing(f: &str) -> Output {
    let f = Fixture::load(f);
    Output::new(ExitStatus::code(f.exit), f.stdout, f.stderr)
}

#[tokio::test]
async fn exists_and_linked_answer_false_on_the_plugin_messages() {
    let exec = Arc::new(
        ScriptedExecutor::new()
            .expect(
                ["postgres:exists", "ghost"],
                failing("postgres/exists-missing.txt"),
            )
            .expect(
                ["postgres:exists", "lollipop"],
                failing("postgres/exists.txt"),
            )
            .expect(
                ["postgres:linked", "other_db", "node-js-app"],
                failing("postgres/linked-not.txt"),
            )
            .expect(
                ["postgres:linked", "lollipop", "node-js-app"],
                failing("postgres/linked.txt"),
            )
            .expect(
                ["postgres:destroy", "lollipop", "--force"],
                failing("postgres/destroy-linked.txt"),
            ),
    );
    let dokku = client(&exec, &["postgres"]);
    let pg = dokku.service(PG);
    assert!(!pg.exists(&svc("ghost")).await.unwrap());
    assert!(pg.exists(&svc("lollipop")).await.unwrap());
    assert!(!pg.linked(&svc("other_db"), &node()).await.unwrap());
    assert!(pg.linked(&svc("lollipop"), &node()).await.unwrap());
    match pg.destroy(&svc("lollipop"), "lollipop").await.unwrap_err() {
        Error::CommandFailed { message, .. } => assert_eq!(message, "Cannot delete linked service"),
        other => panic!("{other:?}"),
    }
    exec.verify().unwrap();
}

#[tokio::test]
async fn import_sends_the_dump_on_stdin() {
    let exec = Arc::new(
        ScriptedExecutor::new()
            .expect_ok(["postgres:import", "lollipop"], "")
            .with_stdin(b"PGDMP".to_vec()),
    );
    let dokku = client(&exec, &["postgres"]);
    dokku
        .service(PG)
        .import(&svc("lollipop"), b"PGDMP".to_vec())
        .await
        .unwrap();
    exec.verify().unwrap();
}

// Keeps PluginInfo in scope for readers looking for where capabilities come from.
#[allow(dead_code)]
fn _plugin_info(_: PluginInfo) {}

#[test]
fn a_bucket_or_port_that_dokku_would_read_as_a_flag_is_refused() {
    let db = ServiceName::new("lollipop").unwrap();
    let refused = [
        service::backup_command(&PG, &db, "--use-iam", false).err(),
        service::backup_command(&PG, &db, "", false).err(),
        service::backup_schedule_command(&PG, &db, "0 3 * * *", "-b", false).err(),
        service::backup_schedule_command(&PG, &db, "--use-iam", "b", false).err(),
        service::expose_command(&PG, &db, &["--force".to_owned()]).err(),
        service::expose_command(&PG, &db, &["54 32".to_owned()]).err(),
    ];
    for (i, error) in refused.into_iter().enumerate() {
        assert!(
            matches!(error, Some(dokku_core::Error::InvalidArgument { .. })),
            "case {i}: {error:?}"
        );
    }
}
