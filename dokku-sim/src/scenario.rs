//! The seeded demo host: a dozen apps in the states a real host has.
//!
//! What an admin sees first when they start an example with `--demo`, and
//! what tests use when they want "a busy host": apps deployed with several
//! process types, stopped, crash-looping, locked mid-deploy, never deployed,
//! a dotted and a legacy name; config with multi-line and unicode values;
//! domains; TLS on some apps; two postgres services linked to apps; and
//! each plugin's settings as an admin makes them ([`SETTINGS`]): resource
//! limits, storage, cron tasks in `app.json` (one suspended), buildpacks,
//! checks, docker options, a network, nginx settings, a registry, a builder,
//! and a detached one-off container.

use std::collections::BTreeMap;

use dokku_core::DokkuVersion;

use crate::commands::builds::PastBuild;
use crate::host::{
    profiles, App, Clock, ContainerState, Plugin, ProcfileEntry, Service, SimHost, SshKey,
    SECONDS_PER_DAY,
};

/// The demo host on current Dokku.
pub fn demo() -> SimHost {
    demo_for(profiles::V0_38_27)
}

/// The demo host imitating another Dokku version.
pub fn demo_for(version: DokkuVersion) -> SimHost {
    demo_from(SimHost::new(version))
}

/// The demo host of `version` on this machine's clock ([`Clock::Wall`]):
/// its story (apps made, builds, certificates) told as if it began a day
/// ago, its clock then following the wall clock, as a demo a person uses
/// should: dates are today's, a build started now runs for real seconds.
pub fn live_demo_for(version: DokkuVersion) -> SimHost {
    let mut start = SimHost::new(version);
    let now = crate::host::wall_seconds();
    start.now = (now - now % 3_600).saturating_sub(SECONDS_PER_DAY);
    let mut host = demo_from(start);
    host.clock = Clock::Wall;
    host.catch_up();
    host
}

/// The demo story told on `host`, an empty host, from its clock on.
fn demo_from(mut host: SimHost) -> SimHost {
    // 0.22.0: after 0.20.4, so `letsencrypt:report --format json` exists
    // and the typed client reads one app's and the global report as JSON.
    host.plugins.push(plugin(
        "letsencrypt",
        "0.22.0",
        "Automated installation of let's encrypt TLS certificates",
        "https://github.com/dokku/dokku-letsencrypt.git",
    ));
    host.plugins.push(plugin(
        "postgres",
        "1.41.0",
        "dokku postgres service plugin",
        "https://github.com/dokku/dokku-postgres.git",
    ));
    host.plugins.push(plugin(
        "redis",
        "1.40.0",
        "dokku redis service plugin",
        "https://github.com/dokku/dokku-redis.git",
    ));
    host.plugins.sort_by(|a, b| a.name.cmp(&b.name));
    // A host with a syslog and the event logger on, so a dashboard can
    // follow what changes (`events -t`).
    host.syslog = true;
    crate::commands::events::switch_on(&mut host);
    host.global_domains = vec!["dokku.me".to_owned()];
    host.global_config
        .insert("CURL_CONNECT_TIMEOUT".to_owned(), "90".to_owned());
    host.global_config
        .insert("CURL_TIMEOUT".to_owned(), "600".to_owned());

    // The Procfile, then how many of each process type run.
    let deployed = |host: &mut SimHost, name: &str, sha: &str, procfile: &str, scale: &[u32]| {
        let created_at = host.tick(3_600);
        let procfile = ProcfileEntry::parse(procfile);
        let mut app = App {
            created_at,
            deploy_source: "git".to_owned(),
            deploy_source_metadata: sha.to_owned(),
            deployed: true,
            scale: procfile
                .iter()
                .zip(scale)
                .map(|(e, n)| (e.process_type.clone(), *n))
                .collect(),
            procfile,
            restore: true,
            domains: vec![format!("{name}.dokku.me")],
            ..App::default()
        };
        app.converge(name);
        host.apps.insert(name.to_owned(), app);
    };

    deployed(
        &mut host,
        "api",
        "4f9d2c1b8a7e6d5c4b3a29180f7e6d5c4b3a2918",
        "web: node server.js\nworker: node worker.js\nclock: node clock.js",
        &[2, 1, 1],
    );
    deployed(
        &mut host,
        "blog",
        "a1b2c3d4e5f60718293a4b5c6d7e8f9012345678",
        "web: hugo server --bind 0.0.0.0 --disableLiveReload",
        &[1],
    );
    deployed(
        &mut host,
        "shop",
        "cd7b8afccb202f222e7dc7b427553e71ba5ddafd",
        "web: bundle exec puma -p $PORT -C config/puma.rb\nworker: bundle exec sidekiq",
        &[3, 2],
    );
    deployed(
        &mut host,
        "docs.example.com",
        "0badc0ffee0ddf00d1234567890abcdef1234567",
        "web: nginx -g 'daemon off;'",
        &[1],
    );
    deployed(
        &mut host,
        "metrics",
        "feedface00112233445566778899aabbccddeeff",
        "web: ./metrics serve\nworker: ./metrics collect",
        &[1, 2],
    );
    deployed(
        &mut host,
        "old_intranet",
        "1111111111222222222233333333334444444444",
        "web: php-fpm",
        &[1],
    );
    deployed(
        &mut host,
        "queue",
        "2222222222333333333344444444445555555555",
        "worker: python -m queue.worker",
        &[2],
    );
    deployed(
        &mut host,
        "staging-api",
        "3333333333444444444455555555556666666666",
        "web: node server.js\nworker: node worker.js",
        &[1, 1],
    );
    deployed(
        &mut host,
        "landing",
        "4444444444555555555566666666667777777777",
        "web: npm start",
        &[1],
    );

    // A Docker image deploy instead of git.
    if let Some(app) = host.apps.get_mut("docs.example.com") {
        app.deploy_source = "docker-image".to_owned();
        app.deploy_source_metadata = "nginx:1.27-alpine".to_owned();
        app.domains.push("docs.example.com".to_owned());
    }
    // Stopped by an admin: containers kept, exited.
    if let Some(app) = host.apps.get_mut("staging-api") {
        for c in &mut app.containers {
            c.state = ContainerState::Exited;
        }
    }
    // Crash-looping worker: Docker keeps restarting it.
    if let Some(app) = host.apps.get_mut("metrics") {
        for c in app
            .containers
            .iter_mut()
            .filter(|c| c.process_type == "worker")
        {
            c.state = ContainerState::Restarting;
        }
        app.failed_logs = vec![
            "Error: connect ECONNREFUSED 10.0.0.12:6379".to_owned(),
            "    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1595:16)".to_owned(),
        ];
    }
    // Locked mid-deploy.
    if let Some(app) = host.apps.get_mut("landing") {
        app.locked = true;
    }
    // Custom restart policy and a longer stop timeout.
    if let Some(app) = host.apps.get_mut("queue") {
        let ps = app.properties.entry("ps".to_owned()).or_default();
        ps.insert("restart-policy".to_owned(), "always".to_owned());
        ps.insert("stop-timeout-seconds".to_owned(), "120".to_owned());
    }

    // Created but never deployed.
    for name in ["new-service", "sandbox"] {
        let created_at = host.tick(600);
        host.apps.insert(
            name.to_owned(),
            App {
                created_at,
                restore: true,
                domains: vec![format!("{name}.dokku.me")],
                ..App::default()
            },
        );
    }

    config(
        &mut host,
        "api",
        &[
            ("NODE_ENV", "production"),
            ("LOG_LEVEL", "info"),
            ("GREETING", "Grüße aus Köln, 世界 ☕"),
            (
                "JWT_PUBLIC_KEY",
                "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE8n7tK2Q\n-----END PUBLIC KEY-----",
            ),
        ],
    );
    config(
        &mut host,
        "shop",
        &[
            ("NODE_ENV", "production"),
            ("STRIPE_SECRET_KEY", "sk_live_51Hdemo0nlyN0tReal"),
            ("CURRENCY", "EUR"),
        ],
    );
    config(
        &mut host,
        "blog",
        &[
            ("HUGO_ENV", "production"),
            ("BASE_URL", "https://blog.example.com"),
        ],
    );
    config(
        &mut host,
        "metrics",
        &[("REDIS_URL", "redis://10.0.0.12:6379/0")],
    );

    for (app, domain) in [
        ("api", "api.example.com"),
        ("shop", "shop.example.com"),
        ("shop", "www.shop.example.com"),
        ("blog", "blog.example.com"),
    ] {
        if let Some(a) = host.apps.get_mut(app) {
            a.domains.push(domain.to_owned());
        }
    }

    // TLS through letsencrypt on the public apps; blog's certificate
    // expires in 5 days (its renewal is overdue), the others are fine.
    // docs.example.com has a self-signed certificate of its own.
    host.global_properties
        .entry("letsencrypt".to_owned())
        .or_default()
        .insert("email".to_owned(), "ops@example.com".to_owned());
    host.global_properties
        .entry("letsencrypt-cron".to_owned())
        .or_default()
        .insert("autorenew".to_owned(), "true".to_owned());
    let now = host.now;
    for (app, days_left) in [("api", 61u64), ("shop", 44), ("blog", 5)] {
        crate::commands::letsencrypt::issue(&mut host, app, now + days_left * 86_400);
        if let Some(a) = host.apps.get_mut(app) {
            a.properties
                .entry("ports".to_owned())
                .or_default()
                .insert("map".to_owned(), "http:80:5000 https:443:5000".to_owned());
        }
    }
    host.install_cert(
        "docs.example.com",
        "-----BEGIN CERTIFICATE-----\nDEMOselfSignedDocs\n-----END CERTIFICATE-----\n",
        "-----BEGIN PRIVATE KEY-----\nDEMOnotARealKey\n-----END PRIVATE KEY-----\n",
        None,
        now + 200 * 86_400,
    );
    // A metrics endpoint on its own port, and a worker-only app on TCP.
    for (app, map) in [
        ("metrics", "http:80:5000 http:9090:9090"),
        ("queue", "tcp:5672:5672"),
    ] {
        if let Some(a) = host.apps.get_mut(app) {
            a.properties
                .entry("ports".to_owned())
                .or_default()
                .insert("map".to_owned(), map.to_owned());
        }
    }

    // api's pushes as Dokku recorded them: the one that runs, soon after
    // it was made, and a later one whose build failed (the running
    // containers stayed).
    let made = host.apps.get("api").map_or(now, |a| a.created_at);
    for build in [
        PastBuild {
            id: "mx7c9k2f4q8wz1",
            source: "git-hook",
            started_at: made + 120,
            seconds: 74,
            status: "succeeded",
            exit_code: 0,
            log: API_BUILD_OK,
        },
        PastBuild {
            id: "mx7cb81p0d3hv6",
            source: "git-hook",
            started_at: now - 1_800,
            seconds: 41,
            status: "failed",
            exit_code: 1,
            log: API_BUILD_FAILED,
        },
    ] {
        crate::commands::builds::keep_past(&mut host, "api", &build);
    }

    postgres(&mut host, "api-db", &["api", "staging-api"], "17.2");
    postgres(&mut host, "shop-db", &["shop"], "16.6");
    // shop-db is backed up to S3 every night; api-db is not backed up.
    if let Some(s) = host.services.get_mut("shop-db") {
        for (key, value) in [
            ("AWS_ACCESS_KEY_ID", "AKIADEMO0000000000"),
            ("AWS_SECRET_ACCESS_KEY", "demo-secret-access-key"),
            (
                "SCHEDULE",
                "0 3 * * * dokku /usr/bin/dokku postgres:backup shop-db acme-db-backups ",
            ),
        ] {
            s.backup.insert(key.to_owned(), value.to_owned());
        }
    }
    redis(&mut host, "cache", &["api", "shop"], "7.4.1");
    redis(&mut host, "sessions", &[], "7.2.5");
    if let Some(s) = host.services.get_mut("sessions") {
        s.status = "exited".to_owned();
    }

    host.ssh_keys.push(SshKey {
        name: "admin".to_owned(),
        fingerprint: "SHA256:Qx5gGmE3b7zY0mN2u8c1p4r6t9vW0yZ2aB4dF6hJ8kL".to_owned(),
        public_key: String::new(),
    });

    // Cron tasks come from the deployed image's app.json.
    for (app, json) in APP_JSON {
        if let Some(a) = host.apps.get_mut(*app) {
            a.extra
                .entry(crate::commands::cron::APP_JSON.0.to_owned())
                .or_default()
                .insert(
                    crate::commands::cron::APP_JSON.1.to_owned(),
                    (*json).to_owned(),
                );
        }
    }
    // The plugins' settings, made as an admin makes them (as root on the
    // server); the clock is left where the rest of the demo put it.
    let now = host.now;
    for line in SETTINGS {
        let argv: Vec<String> = line.split(' ').map(str::to_owned).collect();
        crate::commands::dispatch_as(&mut host, &argv, b"", crate::entry::User::Root);
    }
    host.now = now;
    // Images an admin deploys with `git:from-image`, on the host so the
    // demo (which has no network) can deploy and roll back between them.
    host.images.extend(
        [
            "nginx:1.26",
            "nginx:1.27",
            "ghcr.io/acme/api:v1",
            "ghcr.io/acme/api:v2",
        ]
        .map(str::to_owned),
    );
    host
}

/// The `app.json` of the demo apps that schedule cron tasks.
const APP_JSON: &[(&str, &str)] = &[
    (
        "api",
        r#"{"cron":[{"command":"node scripts/cleanup-sessions.js","schedule":"@daily"},{"command":"node scripts/weekly-report.js","schedule":"0 6 * * 1"}]}"#,
    ),
    (
        "shop",
        r#"{"cron":[{"command":"bin/rails orders:expire","schedule":"*/15 * * * *","concurrency_policy":"forbid"}]}"#,
    ),
];

/// The demo's plugin settings, one `dokku` command a line (arguments
/// separated by single spaces).
pub const SETTINGS: &[&str] = &[
    // resource
    "resource:limit --cpu 2 --memory 1g api",
    "resource:reserve --memory 512m api",
    "resource:limit --process-type web --memory 512m shop",
    "resource:limit --process-type worker --cpu 0.5 --memory 256m shop",
    "resource:limit --memory 256m queue",
    // storage: a named entry and a host directory
    "storage:create shop-uploads",
    "storage:mount shop shop-uploads --container-dir /app/public/uploads",
    "storage:ensure-directory blog-content",
    "storage:mount blog /var/lib/dokku/data/storage/blog-content:/app/content",
    // cron: shop's order expiry is suspended (the id is Dokku's, base36 of
    // `shop===bin/rails orders:expire===*/15 * * * *`)
    "cron:suspend shop 4d4835j48aq252eiqc5ko7yp2y57u1uyg00rvixj5mn77kwj03dpq4u4wrln83j96ri8tm",
    // buildpacks
    "buildpacks:add api heroku/nodejs",
    "buildpacks:add shop heroku/ruby",
    "buildpacks:add shop heroku/nodejs",
    // builder
    "builder:set metrics selected dockerfile",
    "builder-dockerfile:set metrics dockerfile-path docker/Dockerfile.prod",
    "builder:set blog build-dir site",
    // checks
    "checks:set api wait-to-retire 30",
    "checks:skip metrics worker",
    "checks:disable queue",
    // docker-options
    "docker-options:add api deploy --ulimit nofile=65536:65536",
    "docker-options:add shop build --build-arg RAILS_ENV=production",
    "docker-options:add --process worker shop deploy --shm-size 256m",
    // network
    "network:create backend",
    "network:set api attach-post-deploy backend",
    "network:set shop attach-post-deploy backend",
    "network:set metrics bind-all-interfaces true",
    // nginx
    "nginx:set shop client-max-body-size 20m",
    "nginx:set api proxy-read-timeout 120s",
    "nginx:set api hsts-max-age 31536000",
    // registry
    "registry:set api server ghcr.io",
    "registry:set api image-repo example/api",
    "registry:set api push-on-release true",
    // scheduler and logs
    "scheduler-docker-local:set shop parallel-schedule-count 2",
    "logs:set shop max-size 50m",
    // git
    "git:set blog deploy-branch main",
    // a one-off container left running (`run:list shop`)
    "run:detached shop bin/rails orders:backfill",
];

fn plugin(name: &str, version: &str, description: &str, source: &str) -> Plugin {
    Plugin {
        name: name.to_owned(),
        version: version.to_owned(),
        enabled: true,
        core: false,
        description: description.to_owned(),
        source_url: source.to_owned(),
        committish: "7c0e5d1b2a9f4e3d8c6b5a4f3e2d1c0b9a8f7e6d".to_owned(),
        branch: "master".to_owned(),
    }
}

fn config(host: &mut SimHost, app: &str, vars: &[(&str, &str)]) {
    if let Some(a) = host.apps.get_mut(app) {
        for (k, v) in vars {
            a.config.insert((*k).to_owned(), (*v).to_owned());
        }
    }
}

fn postgres(host: &mut SimHost, name: &str, links: &[&str], version: &str) {
    let db = name.replace('-', "_");
    let dsn = format!(
        "postgres://postgres:{}@dokku-postgres-{name}:5432/{db}",
        demo_password(name)
    );
    for app in links {
        config(host, app, &[("DATABASE_URL", dsn.as_str())]);
    }
    host.services.insert(
        name.to_owned(),
        Service {
            plugin: "postgres".to_owned(),
            version: version.to_owned(),
            status: "running".to_owned(),
            links: links.iter().map(|s| (*s).to_owned()).collect(),
            dsn,
            image: "postgres".to_owned(),
            internal_ip: demo_ip(name),
            ..Service::default()
        },
    );
}

fn redis(host: &mut SimHost, name: &str, links: &[&str], version: &str) {
    let dsn = format!("redis://:{}@dokku-redis-{name}:6379", demo_password(name));
    for app in links {
        config(host, app, &[("REDIS_URL", dsn.as_str())]);
    }
    host.services.insert(
        name.to_owned(),
        Service {
            plugin: "redis".to_owned(),
            version: version.to_owned(),
            status: "running".to_owned(),
            links: links.iter().map(|s| (*s).to_owned()).collect(),
            dsn,
            image: "redis".to_owned(),
            internal_ip: demo_ip(name),
            ..Service::default()
        },
    );
}

// A stable bridge address per service.
fn demo_ip(name: &str) -> String {
    format!("172.17.0.{}", 10 + name.len() % 200)
}

// Deterministic, obviously fake passwords.
fn demo_password(name: &str) -> String {
    let mut sum: u32 = 7;
    for b in name.bytes() {
        sum = sum.wrapping_mul(31).wrapping_add(u32::from(b));
    }
    format!("demo{sum:08x}")
}

/// The log of api's push that runs (herokuish's words).
const API_BUILD_OK: &str = "-----> Cleaning up...
-----> Building api from herokuish
-----> Adding BUILD_ENV to build environment...
-----> Node.js app detected
-----> Installing dependencies
       Installing node modules (package-lock.json)
       added 412 packages in 18s
-----> Build succeeded!
-----> Discovering process types
       Procfile declares types -> web, worker, clock
-----> Releasing api...
-----> Checking for predeploy task
       No predeploy task found, skipping
-----> Deploying api via the docker-local scheduler...
-----> Deploying web (count=2)
       Attempting pre-flight checks (web.1)
       Default container check successful (web.1)
-----> Running post-deploy
=====> Application deployed:
       https://api.dokku.me
";

/// The log of api's later push, whose build failed.
const API_BUILD_FAILED: &str = "-----> Cleaning up...
-----> Building api from herokuish
-----> Adding BUILD_ENV to build environment...
-----> Node.js app detected
-----> Installing dependencies
       Installing node modules (package-lock.json)
       npm ERR! code ERESOLVE
       npm ERR! ERESOLVE unable to resolve dependency tree
       npm ERR! Found: react@18.3.1
       npm ERR! Could not resolve dependency: peer react@\"^19.0.0\" from react-dom@19.0.0
-----> Build failed
 !     Failure during app build
 !     Failure while building the app
";

/// The demo apps by state, for tests that want one of each.
pub fn demo_states() -> BTreeMap<&'static str, &'static str> {
    BTreeMap::from([
        ("api", "running: web, worker, clock"),
        ("shop", "running: web x3, worker x2"),
        (
            "docs.example.com",
            "running, deployed from an image, dotted name",
        ),
        ("metrics", "worker crash-looping (restarting)"),
        ("staging-api", "stopped"),
        ("landing", "locked mid-deploy"),
        ("queue", "custom restart policy"),
        ("old_intranet", "legacy name with an underscore"),
        ("new-service", "never deployed"),
        ("sandbox", "never deployed"),
        ("blog", "running, TLS"),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_has_every_state() {
        let host = demo();
        assert!(host.apps.len() >= 11);
        for name in demo_states().keys() {
            assert!(host.apps.contains_key(*name), "{name}");
        }
        assert!(host.apps["staging-api"]
            .containers
            .iter()
            .all(|c| c.state == ContainerState::Exited));
        assert!(host.apps["metrics"]
            .containers
            .iter()
            .any(|c| c.state == ContainerState::Restarting));
        assert!(host.apps["landing"].locked);
        assert!(!host.apps["sandbox"].deployed);
        assert!(host.apps["api"].config["JWT_PUBLIC_KEY"].contains('\n'));
        assert_eq!(host.services.len(), 4);
        assert!(host.apps["shop"].config["REDIS_URL"].starts_with("redis://"));
        assert!(crate::commands::letsencrypt::is_active(&host, "blog"));
        assert!(host.has_cert("docs.example.com"));
        assert!(!crate::commands::letsencrypt::is_active(
            &host,
            "docs.example.com"
        ));
        assert!(!host.has_cert("sandbox"));
        assert!(host.apps["shop"].config["DATABASE_URL"].starts_with("postgres://"));
        // Deterministic: two builds are identical.
        assert_eq!(demo(), demo());
    }

    #[test]
    fn the_live_demo_tells_its_story_over_the_last_day_and_keeps_this_machines_time() {
        let before = crate::host::wall_seconds();
        let mut host = live_demo_for(profiles::V0_38_27);
        assert_eq!(host.clock, Clock::Wall);
        assert!(host.now >= before);
        for (name, app) in &host.apps {
            assert!(
                app.created_at < before && app.created_at + 2 * SECONDS_PER_DAY > before,
                "{name} made at {}, not in the day before {before}",
                app.created_at
            );
        }
        // The story as the fixed demo tells it: blog's certificate runs out
        // in five days.
        let blog = crate::commands::letsencrypt::expiry(&host, "blog").unwrap_or(0);
        assert_eq!((blog - host.now).div_ceil(SECONDS_PER_DAY), 5);
        // A command later finds the clock no earlier than this machine's.
        host.now -= SECONDS_PER_DAY;
        let argv = ["apps:list".to_owned()];
        let checked = crate::host::wall_seconds();
        assert_eq!(
            crate::commands::dispatch(&mut host, &argv, b"")
                .into_output()
                .code,
            0
        );
        assert!(host.now >= checked);
    }

    #[test]
    fn every_demo_setting_is_accepted_and_shows_in_its_report() {
        // Each setting succeeds on the demo host as it was before them.
        let mut host = demo();
        for line in SETTINGS {
            let argv: Vec<String> = line.split(' ').map(str::to_owned).collect();
            let out = crate::commands::dispatch_as(&mut host, &argv, b"", crate::entry::User::Root)
                .into_output();
            // A second run only meets what the first one made.
            let repeat_refused = line.starts_with("network:create")
                || line.starts_with("storage:mount")
                || line.starts_with("buildpacks:add");
            assert!(out.code == 0 || repeat_refused, "{line}: {out:?}");
        }
        let mut host = demo();
        let report = |host: &mut SimHost, line: &str| {
            let argv: Vec<String> = line.split(' ').map(str::to_owned).collect();
            let out = crate::commands::dispatch(host, &argv, b"").into_output();
            assert_eq!(out.code, 0, "{line}");
            String::from_utf8(out.stdout).unwrap_or_default()
        };
        // (command, a piece of what it prints)
        let shown: &[(&str, &str)] = &[
            ("resource:report api --resource-_default_.limit.cpu", "2\n"),
            ("storage:list shop", "/app/public/uploads"),
            ("cron:list api", "@daily"),
            ("cron:report shop --cron-task-count", "1\n"),
            ("cron:list shop", "true (task)"),
            ("buildpacks:list shop", "heroku-buildpack-ruby"),
            ("builder:report metrics --builder-selected", "dockerfile\n"),
            ("checks:report api --checks-wait-to-retire", "30\n"),
            (
                "docker-options:report api --docker-options-deploy",
                "--ulimit",
            ),
            ("network:list", "backend"),
            ("nginx:report shop --nginx-client-max-body-size", "20m\n"),
            (
                "registry:report api --registry-computed-server",
                "ghcr.io/\n",
            ),
            ("run:list shop", "\"/exec bin/rails orders:backfill\""),
        ];
        for (line, piece) in shown {
            let out = report(&mut host, line);
            assert!(out.contains(piece), "{line}: {out:?}");
        }
    }
}
