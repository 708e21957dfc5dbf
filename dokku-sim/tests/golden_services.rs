//! The simulated datastore plugins against every `postgres/` and `redis/`
//! fixture of dokku-core (byte-identical stdout, stderr and exit code in a
//! host whose state is what the fixtures show), and their behaviour across
//! commands: linking sets and unlinking removes the app's URL variable, a
//! linked service cannot be destroyed, a host without the plugin answers
//! "is not a dokku command", and dokku-core's client reads the simulator.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "../../dokku-core/tests/common/mod.rs"]
mod common;

use common::Fixture;
use dokku_core::model::service::{ServicePlugin, ServiceStatus};
use dokku_core::{AppName, Dokku, Error, ServiceName};
use dokku_sim::host::{profiles, App, Plugin, Service, SimHost};
use dokku_sim::{dispatch, SimExecutor};

const PG_DSN: &str =
    "postgres://postgres:5f2b8c1d9e3a47f6b0c2d4e6f8a1b3c5@dokku-postgres-lollipop:5432/lollipop";
const OTHER_DSN: &str =
    "postgres://postgres:0a1b2c3d4e5f60718293a4b5c6d7e8f9@dokku-postgres-other-db:5432/other_db";
const REDIS_DSN: &str = "redis://:8e1f2a3b4c5d6e7f8091a2b3c4d5e6f7@dokku-redis-cache:6379";

fn plugin(name: &str) -> Plugin {
    Plugin {
        name: name.to_owned(),
        version: "1.44.0".to_owned(),
        enabled: true,
        core: false,
        description: format!("dokku {name} service plugin"),
        source_url: format!("https://github.com/dokku/dokku-{name}.git"),
        committish: String::new(),
        branch: "master".to_owned(),
    }
}

fn service(plugin: &str, image: &str, version: &str, dsn: &str, id: &str, ip: &str) -> Service {
    Service {
        plugin: plugin.to_owned(),
        version: version.to_owned(),
        status: "running".to_owned(),
        dsn: dsn.to_owned(),
        image: image.to_owned(),
        id: id.to_owned(),
        internal_ip: ip.to_owned(),
        ..Service::default()
    }
}

/// The host the fixtures were written against.
fn world() -> SimHost {
    let mut host = SimHost::new(profiles::V0_38_27);
    host.plugins.push(plugin("postgres"));
    host.plugins.push(plugin("redis"));
    let mut node = App {
        created_at: host.tick(60),
        restore: true,
        ..App::default()
    };
    node.config.insert("DATABASE_URL".into(), PG_DSN.into());
    node.config.insert("REDIS_URL".into(), REDIS_DSN.into());
    host.apps.insert("node-js-app".into(), node);
    let mut lollipop = service(
        "postgres",
        "postgres",
        "17.2",
        PG_DSN,
        "3f1c2b9e8d7a6f5e4d3c2b1a09f8e7d6c5b4a39281706f5e4d3c2b1a0f9e8d7c",
        "172.17.0.5",
    );
    lollipop.links = vec!["node-js-app".into()];
    host.services.insert("lollipop".into(), lollipop);
    let mut other = service(
        "postgres",
        "postgres",
        "17.2",
        OTHER_DSN,
        "9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d",
        "172.17.0.5",
    );
    other.status = "exited".into();
    other.exposed = vec!["12345".into()];
    host.services.insert("other_db".into(), other);
    let mut cache = service(
        "redis",
        "redis",
        "7.4.1",
        REDIS_DSN,
        "a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90",
        "172.17.0.6",
    );
    cache.links = vec!["node-js-app".into()];
    host.services.insert("cache".into(), cache);
    host
}

fn world_for(fixture: &Fixture) -> SimHost {
    let mut host = world();
    if fixture.path.to_string_lossy() == "postgres/list-empty.txt" {
        host.services.retain(|_, s| s.plugin != "postgres");
    }
    host
}

fn golden(dir: &str) {
    let fixtures = common::in_dir(dir);
    assert!(!fixtures.is_empty(), "no fixtures in {dir}");
    let mut failures = Vec::new();
    for fixture in &fixtures {
        let mut host = world_for(fixture);
        let outcome = dispatch(&mut host, &fixture.argv(), b"");
        let out = outcome.output();
        let mut problems = Vec::new();
        if out.stdout != fixture.stdout.as_bytes() {
            problems.push(format!(
                "stdout:\n expected {:?}\n actual   {:?}",
                fixture.stdout,
                String::from_utf8_lossy(&out.stdout)
            ));
        }
        if out.stderr != fixture.stderr.as_bytes() {
            problems.push(format!(
                "stderr:\n expected {:?}\n actual   {:?}",
                fixture.stderr,
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        if out.code != fixture.exit {
            problems.push(format!("exit: expected {}, got {}", fixture.exit, out.code));
        }
        if !problems.is_empty() {
            failures.push(format!(
                "{}: {}",
                fixture.path.display(),
                problems.join("\n")
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn postgres_fixtures() {
    golden("postgres");
}

#[test]
fn redis_fixtures() {
    golden("redis");
}

fn run(host: &mut SimHost, argv: &[&str]) -> (String, String, i32) {
    let argv: Vec<String> = argv.iter().map(|s| (*s).to_owned()).collect();
    let outcome = dispatch(host, &argv, b"");
    let out = outcome.output();
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        out.code,
    )
}

#[test]
fn without_the_plugin_the_command_is_unknown() {
    let mut host = world();
    host.plugins.retain(|p| p.name != "postgres");
    let (_, stderr, code) = run(&mut host, &["postgres:list"]);
    assert_eq!(code, 1);
    assert!(
        stderr.contains("`postgres:list` is not a dokku command."),
        "{stderr}"
    );
    // A known plugin without an unknown verb is unknown too.
    let (_, stderr, code) = run(&mut world(), &["redis:frobnicate", "cache"]);
    assert_eq!(code, 1);
    assert!(stderr.contains("is not a dokku command"), "{stderr}");
}

#[test]
fn link_sets_and_unlink_removes_the_url() {
    let mut host = world();
    let (_, _, code) = run(&mut host, &["postgres:link", "other_db", "node-js-app"]);
    assert_eq!(code, 0);
    let config = &host.apps["node-js-app"].config;
    // DATABASE_URL is taken by lollipop: the first free alternative alias.
    assert_eq!(config["DOKKU_POSTGRES_AQUA_URL"], OTHER_DSN);
    assert_eq!(config["DATABASE_URL"], PG_DSN);
    assert_eq!(host.services["other_db"].links, ["node-js-app"]);
    let (_, stderr, code) = run(&mut host, &["postgres:link", "other_db", "node-js-app"]);
    assert_eq!(
        (code, stderr.as_str()),
        (1, " !     Already linked as DOKKU_POSTGRES_AQUA_URL\n")
    );

    let (_, _, code) = run(
        &mut host,
        &[
            "postgres:link",
            "other_db",
            "node-js-app",
            "--alias",
            "blue_database",
        ],
    );
    assert_eq!(code, 1, "already linked under another alias");

    let (_, _, code) = run(&mut host, &["postgres:unlink", "lollipop", "node-js-app"]);
    assert_eq!(code, 0);
    assert!(!host.apps["node-js-app"].config.contains_key("DATABASE_URL"));
    assert!(host.services["lollipop"].links.is_empty());
    let (_, _, code) = run(&mut host, &["postgres:linked", "lollipop", "node-js-app"]);
    assert_eq!(code, 1);

    let (_, _, code) = run(
        &mut host,
        &[
            "postgres:link",
            "lollipop",
            "node-js-app",
            "--alias",
            "reporting_url",
            "-q",
            "pool=5",
        ],
    );
    assert_eq!(code, 0);
    assert_eq!(
        host.apps["node-js-app"].config["REPORTING_URL"],
        format!("{PG_DSN}?pool=5")
    );
}

#[test]
fn destroy_needs_no_links_and_a_confirmation() {
    let mut host = world();
    let (_, stderr, code) = run(&mut host, &["postgres:destroy", "lollipop", "--force"]);
    assert_eq!(
        (code, stderr.as_str()),
        (1, " !     Cannot delete linked service\n")
    );
    // Without --force the typed name is read from stdin.
    let argv: Vec<String> = ["postgres:destroy", "other_db"].map(String::from).to_vec();
    let out = dispatch(&mut host, &argv, b"wrong\n").output().clone();
    assert_eq!(out.code, 1);
    assert!(host.services.contains_key("other_db"));
    let out = dispatch(&mut host, &argv, b"other_db\n").output().clone();
    assert_eq!(out.code, 0, "{}", String::from_utf8_lossy(&out.stderr));
    assert!(!host.services.contains_key("other_db"));
    // Destroying an app unlinks it (the plugins' pre-delete trigger).
    let (_, _, code) = run(&mut host, &["--force", "apps:destroy", "node-js-app"]);
    assert_eq!(code, 0);
    assert!(host.services["lollipop"].links.is_empty());
}

#[test]
fn expose_backup_and_lifecycle_change_state() {
    let mut host = world();
    let (stdout, _, code) = run(&mut host, &["postgres:expose", "lollipop", "5433"]);
    assert_eq!(code, 0);
    assert_eq!(
        stdout,
        "-----> Service lollipop exposed on port(s) [container->host]: 5432->5433 \n"
    );
    let (stdout, _, _) = run(&mut host, &["postgres:info", "lollipop", "--exposed-ports"]);
    assert_eq!(stdout, "5432->5433 \n");
    let (_, _, code) = run(&mut host, &["postgres:unexpose", "lollipop"]);
    assert_eq!(code, 0);
    assert!(host.services["lollipop"].exposed.is_empty());

    run(
        &mut host,
        &[
            "postgres:backup-schedule",
            "lollipop",
            "0 3 * * *",
            "bucket",
        ],
    );
    let (stdout, _, code) = run(&mut host, &["postgres:backup-schedule-cat", "lollipop"]);
    assert_eq!(code, 0);
    assert_eq!(
        stdout,
        "0 3 * * * dokku /usr/bin/dokku postgres:backup lollipop bucket \n"
    );
    run(&mut host, &["postgres:backup-unschedule", "lollipop"]);
    let (_, _, code) = run(&mut host, &["postgres:backup-schedule-cat", "lollipop"]);
    assert_eq!(code, 1);

    run(
        &mut host,
        &["postgres:backup-auth", "lollipop", "AKIA", "SECRET"],
    );
    assert_eq!(
        host.services["lollipop"].backup["AWS_SECRET_ACCESS_KEY"],
        "SECRET"
    );
    run(&mut host, &["postgres:backup-deauth", "lollipop"]);
    assert!(host.services["lollipop"].backup.is_empty());

    run(&mut host, &["postgres:stop", "lollipop"]);
    assert_eq!(host.services["lollipop"].status, "exited");
    run(&mut host, &["postgres:start", "lollipop"]);
    assert_eq!(host.services["lollipop"].status, "running");
}

fn node() -> AppName {
    AppName::new("node-js-app").unwrap()
}

#[tokio::test]
async fn the_core_client_reads_and_changes_the_simulator() {
    let exec = SimExecutor::new(world());
    let dokku = Dokku::new(exec);
    let pg = dokku.service(ServicePlugin::Postgres);
    let names = pg.list().await.unwrap();
    assert_eq!(names.len(), 2);
    let info = pg
        .info(&ServiceName::new("lollipop").unwrap())
        .await
        .unwrap();
    assert_eq!(info.status, Some(ServiceStatus::Running));
    assert_eq!(info.dsn.unwrap().expose(), PG_DSN);
    assert_eq!(info.links, vec![node()]);

    let fresh = ServiceName::new("fresh").unwrap();
    pg.create(&fresh, &Default::default()).await.unwrap();
    assert!(pg.exists(&fresh).await.unwrap());
    pg.link(
        &fresh,
        &node(),
        &dokku_core::api::service::LinkOptions::new().alias("FRESH"),
    )
    .await
    .unwrap();
    assert!(pg.linked(&fresh, &node()).await.unwrap());
    assert_eq!(pg.links(&fresh).await.unwrap(), vec![node()]);
    let err = pg.destroy(&fresh, "fresh").await.unwrap_err();
    assert!(matches!(err, Error::CommandFailed { .. }), "{err:?}");
    pg.unlink(&fresh, &node(), false).await.unwrap();
    pg.destroy(&fresh, "fresh").await.unwrap();
    assert!(!pg.exists(&fresh).await.unwrap());

    // A backup schedule, read back typed; none is `None`, not an error;
    // a missing service is still an error.
    let lollipop = ServiceName::new("lollipop").unwrap();
    assert_eq!(pg.scheduled_backup(&lollipop).await.unwrap(), None);
    pg.backup_schedule(&lollipop, "0 3 * * *", "my-backups", true)
        .await
        .unwrap();
    let scheduled = pg.scheduled_backup(&lollipop).await.unwrap().unwrap();
    assert_eq!(
        (
            scheduled.schedule.as_str(),
            scheduled.bucket.as_str(),
            scheduled.use_iam
        ),
        ("0 3 * * *", "my-backups", true)
    );
    let gone = ServiceName::new("gone").unwrap();
    let err = pg.scheduled_backup(&gone).await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::NotFound {
                what: "service",
                ..
            }
        ),
        "{err:?}"
    );

    // mysql is not installed on this host: refused before sending.
    let err = dokku
        .service(ServicePlugin::Mysql)
        .list()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Unsupported { .. }), "{err:?}");
}

#[test]
fn the_demo_lists_both_plugins_and_old_state_files_still_load() {
    let mut demo = dokku_sim::scenario::demo();
    let (stdout, _, code) = run(&mut demo, &["plugin:list"]);
    assert_eq!(code, 0);
    assert!(stdout.contains("postgres"), "{stdout}");
    assert!(stdout.contains("redis"), "{stdout}");
    let (stdout, _, _) = run(&mut demo, &["redis:list"]);
    assert_eq!(stdout, "=====> Redis services\ncache\nsessions\n");
    let (stdout, _, _) = run(&mut demo, &["redis:app-links", "shop"]);
    assert_eq!(stdout, "cache\n");
    // A service saved before the extra fields existed.
    let old = r#"{"plugin":"postgres","version":"17.2","status":"running","links":["api"],"dsn":"postgres://postgres:x@h:5432/d"}"#;
    let service: Service = serde_json::from_str(old).unwrap();
    assert!(service.exposed.is_empty() && service.backup.is_empty() && service.image.is_empty());
}
