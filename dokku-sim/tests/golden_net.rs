//! The simulator against every `ports`, `proxy`, `certs` and `letsencrypt`
//! fixture of dokku-core:
//! byte-identical stdout, stderr and exit code, in a host whose state is
//! what the fixtures show; plus behaviour across commands.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "../../dokku-core/tests/common/mod.rs"]
mod common;

use common::Fixture;
use dokku_core::SecretString;
use dokku_sim::commands::{certs, letsencrypt};
use dokku_sim::dispatch;
use dokku_sim::host::{profiles, App, Plugin, ProcfileEntry, SimHost};

const CRT: &str = "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUDEMOdemoDEMOdemoDEMOdemoDEMOdemo\n-----END CERTIFICATE-----\n";
const KEY: &str = "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wFAKEfakeFAKE\n-----END PRIVATE KEY-----\n";
/// 2027-01-01T00:00:00Z.
const EXPIRES: u64 = 1_798_761_600;

/// The host the fixtures were written against: node-js-app deployed with
/// two port mappings, python-app never deployed, on caddy, proxy off,
/// proxy port 8080.
fn world() -> SimHost {
    let mut host = SimHost::new(profiles::V0_38_27);
    host.global_domains = vec!["dokku.me".into()];
    let mut node = App {
        created_at: host.tick(60),
        deploy_source: "git".into(),
        deploy_source_metadata: "4f9d2c1b8a7e6d5c4b3a29180f7e6d5c4b3a2918".into(),
        deployed: true,
        procfile: ProcfileEntry::parse("web: npm start"),
        scale: [("web".to_owned(), 1)].into(),
        restore: true,
        domains: vec!["node-js-app.dokku.me".into(), "www.example.com".into()],
        ..App::default()
    };
    node.converge("node-js-app");
    node.properties
        .entry("ports".into())
        .or_default()
        .insert("map".into(), "http:8080:5000 http:80:5000".into());
    host.apps.insert("node-js-app".into(), node);
    let mut python = App {
        created_at: host.tick(60),
        restore: true,
        ..App::default()
    };
    let proxy = python.properties.entry("proxy".into()).or_default();
    proxy.insert("type".into(), "caddy".into());
    proxy.insert("disabled".into(), "true".into());
    proxy.insert("proxy-port".into(), "8080".into());
    host.apps.insert("python-app".into(), python);
    host
}

/// The world, adjusted where one fixture shows a different state.
fn world_for(fixture: &Fixture) -> SimHost {
    let mut host = world();
    if fixture.dir() == "certs" {
        // A self-signed certificate made on 2026-01-01, valid for a year.
        host.now = EXPIRES - 365 * 86_400;
        certs::install(&mut host, "node-js-app", CRT, KEY, None, EXPIRES);
    }
    if fixture.dir() == "letsencrypt"
        && fixture.header("note") != Some("host without the letsencrypt plugin")
    {
        with_letsencrypt(&mut host);
    }
    host
}

/// The letsencrypt plugin, a global e-mail and the renewal cron job;
/// node-js-app serves a letsencrypt certificate expiring on 2027-01-01,
/// 40 days from the host's clock.
fn with_letsencrypt(host: &mut SimHost) {
    host.plugins.push(Plugin {
        name: "letsencrypt".into(),
        version: "0.22.0".into(),
        enabled: true,
        core: false,
        description: "Automated installation of let's encrypt TLS certificates".into(),
        source_url: "https://github.com/dokku/dokku-letsencrypt.git".into(),
        committish: String::new(),
        branch: "master".into(),
    });
    host.now = EXPIRES - 40 * 86_400;
    letsencrypt::issue(host, "node-js-app", EXPIRES);
    host.global_properties
        .entry("letsencrypt".into())
        .or_default()
        .insert("email".into(), "admin@example.com".into());
    run(host, &["letsencrypt:cron-job", "--add"]);
}

/// What a fixture's command reads on stdin (see its `# note:`).
fn stdin_for(fixture: &Fixture) -> Vec<u8> {
    match fixture.path.to_string_lossy().as_ref() {
        "certs/add-tar.txt" => dokku_core::api::certs::certs_tar(CRT, &SecretString::new(KEY))
            .unwrap()
            .expose()
            .to_vec(),
        "certs/add-tar-no-key.txt" => {
            let mut builder = tar::Builder::new(Vec::new());
            let mut header = tar::Header::new_ustar();
            header.set_size(CRT.len() as u64);
            header.set_mode(0o600);
            builder
                .append_data(&mut header, "server.crt", CRT.as_bytes())
                .unwrap();
            builder.into_inner().unwrap()
        }
        _ => Vec::new(),
    }
}

fn run(host: &mut SimHost, argv: &[&str]) -> (String, String, i32) {
    run_with(host, argv, b"")
}

fn run_with(host: &mut SimHost, argv: &[&str], stdin: &[u8]) -> (String, String, i32) {
    let argv: Vec<String> = argv.iter().map(|s| (*s).to_owned()).collect();
    let outcome = dispatch(host, &argv, stdin);
    let out = outcome.output();
    (
        String::from_utf8(out.stdout.clone()).unwrap(),
        String::from_utf8(out.stderr.clone()).unwrap(),
        out.code,
    )
}

/// Fixtures (dokku-core's, derived from Dokku's source) that a recording
/// of a real Dokku contradicts; the recording wins (DESIGN §8).
const CONTRADICTED_BY_RECORDINGS: &[(&str, &str)] = &[(
    "certs/remove.txt",
    "certs:remove rebuilds the proxy config after removing the endpoint \
     (`post-domains-update`: captures-0.38.27-surface.jsonl seq 1282)",
)];

fn golden(dir: &str) {
    let fixtures = common::in_dir(dir);
    assert!(fixtures.len() >= 5, "too few fixtures in {dir}");
    let mut failures = Vec::new();
    for fixture in &fixtures {
        let contradicted = CONTRADICTED_BY_RECORDINGS
            .iter()
            .any(|(path, _)| fixture.path.ends_with(path));
        if contradicted {
            continue;
        }
        let mut host = world_for(fixture);
        let owned = fixture.argv();
        let argv: Vec<&str> = owned.iter().map(String::as_str).collect();
        let (stdout, stderr, code) = run_with(&mut host, &argv, &stdin_for(fixture));
        if (stdout.as_str(), stderr.as_str(), code)
            != (
                fixture.stdout.as_str(),
                fixture.stderr.as_str(),
                fixture.exit,
            )
        {
            failures.push(format!(
                "{}:\n expected {:?} {:?} {}\n actual   {stdout:?} {stderr:?} {code}",
                fixture.path.display(),
                fixture.stdout,
                fixture.stderr,
                fixture.exit
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn ports_fixtures() {
    golden("ports");
}

#[test]
fn proxy_fixtures() {
    golden("proxy");
}

#[test]
fn certs_fixtures() {
    golden("certs");
}

#[test]
fn letsencrypt_fixtures() {
    golden("letsencrypt");
}

#[test]
fn letsencrypt_enable_renew_and_disable() {
    let mut host = world();
    with_letsencrypt(&mut host);
    // Without an e-mail address nothing is requested.
    run(&mut host, &["letsencrypt:set", "--global", "email"]);
    let (_, err, code) = run(&mut host, &["letsencrypt:enable", "python-app"]);
    assert_eq!(code, 1, "{err}");
    host.apps.get_mut("python-app").unwrap().domains = vec!["py.example.com".into()];
    let (_, err, code) = run(&mut host, &["letsencrypt:enable", "python-app"]);
    assert_eq!(code, 1);
    assert!(
        err.contains("Cannot request a certificate without an e-mail address"),
        "{err}"
    );
    run(
        &mut host,
        &["letsencrypt:set", "python-app", "email", "py@example.com"],
    );
    let (out, _, code) = run(&mut host, &["letsencrypt:enable", "python-app"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.ends_with("-----> Done\n"), "{out}");
    assert_eq!(
        run(&mut host, &["letsencrypt:active", "python-app"]).0,
        "true\n"
    );
    assert_eq!(
        run(&mut host, &["certs:report", "python-app", "--ssl-verified"]).0,
        "verified by a certificate authority\n"
    );
    // 85 days later python-app is due, node-js-app long expired.
    host.now += 85 * 86_400;
    let (out, _, _) = run(&mut host, &["letsencrypt:list"]);
    let row = |name: &str| {
        out.lines()
            .find(|l| l.starts_with(name))
            .unwrap_or("")
            .to_owned()
    };
    assert!(
        row("node-js-app").contains("45d, ") && row("node-js-app").contains(" ago"),
        "{out}"
    );
    assert!(row("python-app").contains("4d, 23h"), "{out}");
    // node-js-app has no e-mail address any more: its renewal fails, the
    // others still run, and the whole command fails.
    let (out, err, code) = run(&mut host, &["letsencrypt:auto-renew"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("-----> python-app needs renewal\n"), "{out}");
    assert!(out.contains("=====> Finished auto-renewal\n"), "{out}");
    assert!(
        err.ends_with(" !     One or more apps failed to have their certificates renewed\n"),
        "{err}"
    );
    let (out, _, _) = run(&mut host, &["letsencrypt:auto-renew", "python-app"]);
    assert!(out.contains("python-app still has 59d, 23h, 59m"), "{out}");
    run(&mut host, &["letsencrypt:disable", "python-app"]);
    assert_eq!(
        run(&mut host, &["letsencrypt:active", "python-app"]).0,
        "false\n"
    );
    assert_eq!(
        run(&mut host, &["certs:report", "python-app", "--ssl-enabled"]).0,
        "false\n"
    );
}

#[test]
fn certs_add_show_remove_round_trip() {
    let mut host = world();
    let tar = stdin_for(&Fixture::load("certs/add-tar.txt"));
    let (out, _, code) = run_with(&mut host, &["certs:add", "node-js-app"], &tar);
    // tar's listing, then `post-domains-update` rebuilds the proxy config
    // (recorded, captures-0.38.27-surface.jsonl seq 1276).
    assert_eq!(
        (out.as_str(), code),
        ("server.crt\nserver.key\n-----> Configuring node-js-app.dokku.me...(using built-in template)\n-----> Configuring www.example.com...(using built-in template)\n-----> Creating https nginx.conf\n       Reloading nginx\n", 0)
    );
    assert_eq!(run(&mut host, &["certs:show", "node-js-app", "key"]).0, KEY);
    assert_eq!(
        run(&mut host, &["certs:report", "node-js-app", "--ssl-enabled"]).0,
        "true\n"
    );
    // A certificate makes the deploy detect https too.
    assert_eq!(
        run(
            &mut host,
            &["ports:report", "node-js-app", "--ports-map-detected"]
        )
        .0,
        "http:80:5000 https:443:5000\n"
    );
    let (_, _, code) = run_with(&mut host, &["certs:add", "node-js-app"], b"not a tar");
    assert_ne!(code, 0);
    run(&mut host, &["certs:remove", "node-js-app"]);
    assert_eq!(
        run(&mut host, &["certs:report", "node-js-app", "--ssl-enabled"]).0,
        "false\n"
    );
    let (out, _, code) = run(
        &mut host,
        &["certs:generate", "node-js-app", "secure.example.com"],
    );
    assert_eq!(code, 0);
    assert!(
        out.starts_with("-----> Installing certificate and key...\n"),
        "{out}"
    );
    assert!(out.contains("BEGIN CERTIFICATE REQUEST"));
    assert_eq!(
        run(
            &mut host,
            &["certs:report", "node-js-app", "--ssl-verified"]
        )
        .0,
        "self signed\n"
    );
}

#[test]
fn ports_add_set_remove_clear_change_the_report() {
    let mut host = world();
    let map = |host: &mut SimHost| run(host, &["ports:report", "python-app", "--ports-map"]).0;
    assert_eq!(map(&mut host), "\n");
    run(
        &mut host,
        &["ports:add", "python-app", "https:443:5000", "http:80:5000"],
    );
    assert_eq!(map(&mut host), "http:80:5000 https:443:5000\n");
    // A bare host port removes every mapping on it.
    run(&mut host, &["ports:remove", "python-app", "443"]);
    assert_eq!(map(&mut host), "http:80:5000\n");
    run(&mut host, &["ports:set", "python-app", "tcp:2222:22"]);
    assert_eq!(map(&mut host), "tcp:2222:22\n");
    let (_, err, code) = run(&mut host, &["ports:add", "python-app", "tcp:2222:23"]);
    assert_eq!(code, 1, "{err}");
    run(&mut host, &["ports:clear", "python-app"]);
    assert_eq!(map(&mut host), "\n");
    let (_, err, code) = run(&mut host, &["ports:add", "python-app", "http:0:5000"]);
    assert_eq!(
        (err.as_str(), code),
        (" !     Invalid port map http:0:5000 [hostPort=0]\n", 1)
    );
    // The pre-0.31 names are gone from 0.38.27's proxy plugin (recorded,
    // captures-0.38.27-surface.jsonl seq 1043).
    let (_, err, code) = run(
        &mut host,
        &["proxy:ports-add", "python-app", "http:81:5000"],
    );
    assert_eq!(
        (err.as_str(), code),
        (" !     Invalid plugin subcommand call: ports-add\n", 1)
    );
    assert_eq!(map(&mut host), "\n");
}

#[test]
fn proxy_set_enable_disable() {
    let mut host = world();
    let flag = |host: &mut SimHost, f: &str| run(host, &["proxy:report", "node-js-app", f]).0;
    run(&mut host, &["proxy:set", "--global", "traefik"]);
    assert_eq!(flag(&mut host, "--proxy-computed-type"), "traefik\n");
    run(&mut host, &["proxy:set", "node-js-app", "haproxy"]);
    assert_eq!(flag(&mut host, "--proxy-computed-type"), "haproxy\n");
    // The Go plugin's message names no app (recorded, surface seq 1040);
    // haproxy is not nginx, so nothing else happens.
    let (out, _, code) = run(&mut host, &["proxy:disable", "node-js-app"]);
    assert_eq!(
        (out.as_str(), code),
        ("-----> Disabling proxy for app\n", 0)
    );
    assert_eq!(flag(&mut host, "--proxy-enabled"), "false\n");
    run(&mut host, &["proxy:enable", "--all"]);
    assert_eq!(flag(&mut host, "--proxy-enabled"), "true\n");
    let (_, err, code) = run(&mut host, &["proxy:set", "node-js-app", "http:80:5000"]);
    assert_eq!(code, 1);
    assert!(err.contains("Consider using ports:set"), "{err}");
}

#[tokio::test]
async fn the_typed_client_reads_the_demo_tls_and_ports() {
    use dokku_core::model::ports::PortMapping;
    use dokku_core::{AppName, Dokku};
    let dokku = Dokku::new(dokku_sim::SimExecutor::new(dokku_sim::scenario::demo()));
    let name = |n: &str| AppName::new(n).unwrap();
    // Sorted by expiry: blog first, its renewal overdue.
    let list = dokku.letsencrypt().list().await.unwrap();
    let apps: Vec<String> = list.iter().map(|e| e.app.to_string()).collect();
    assert_eq!(apps, ["blog", "shop", "api"]);
    assert!(list[0].renewal_due() && !list[1].renewal_due());
    assert!(list[0].expires_in_secs > 4 * 86_400 && list[0].expires_in_secs <= 5 * 86_400);
    let api = dokku.certs().report(&name("api")).await.unwrap();
    assert!(api.enabled && api.is_ca_verified());
    let docs = dokku
        .certs()
        .report(&name("docs.example.com"))
        .await
        .unwrap();
    assert!(docs.enabled && !docs.is_ca_verified());
    assert!(!dokku
        .letsencrypt()
        .active(&name("docs.example.com"))
        .await
        .unwrap());
    assert!(
        !dokku
            .certs()
            .report(&name("sandbox"))
            .await
            .unwrap()
            .enabled
    );
    let queue = dokku.ports().report(&name("queue")).await.unwrap();
    assert_eq!(queue.map, ["tcp:5672:5672".parse::<PortMapping>().unwrap()]);
    let listed = dokku.ports().list(&name("api")).await.unwrap();
    assert_eq!(
        listed,
        [PortMapping::http(80, 5000), PortMapping::https(443, 5000)]
    );
    assert_eq!(
        dokku.proxy().report(&name("api")).await.unwrap().enabled,
        Some(true)
    );
    // The demo's dokku-letsencrypt (0.22.0) has `--format json`: the
    // report is read from JSON, whose keys have no `letsencrypt-` prefix.
    let le = dokku.letsencrypt().report(&name("blog")).await.unwrap();
    assert_eq!(le.email.global.as_deref(), Some("ops@example.com"));
    assert_eq!(le.app, Some(name("blog")));
    assert!(le.active && le.autorenew && le.expiration.is_some());
    assert!(le.raw.contains_key("computed-email"), "{:?}", le.raw);
    let global = dokku.letsencrypt().report_global().await.unwrap();
    assert_eq!(global.email.global.as_deref(), Some("ops@example.com"));
    assert!(global.raw.keys().all(|k| k.starts_with("global-")));
    // Every app's report stays text (the JSON objects do not name apps).
    let all = dokku.letsencrypt().report_all().await.unwrap();
    assert!(all.iter().any(|r| r.app == Some(name("blog")) && r.active));
}

#[test]
fn letsencrypt_json_report_escapes_and_refuses_info_flags() {
    let mut host = world();
    with_letsencrypt(&mut host);
    run(
        &mut host,
        &[
            "letsencrypt:set",
            "node-js-app",
            "lego-docker-args",
            "--dns.resolvers \"1.1.1.1\"\t/x",
        ],
    );
    let (out, _, code) = run(
        &mut host,
        &["letsencrypt:report", "node-js-app", "--format", "json"],
    );
    assert_eq!(code, 0);
    assert_eq!(out.lines().count(), 1);
    assert!(
        out.contains(r#""lego-docker-args":"--dns.resolvers \"1.1.1.1\"\t/x""#),
        "{out}"
    );
    let parsed: serde_json::Map<String, serde_json::Value> = serde_json::from_str(&out).unwrap();
    assert!(parsed.values().all(serde_json::Value::is_string));
    assert_eq!(
        parsed["computed-lego-docker-args"],
        "--dns.resolvers \"1.1.1.1\"\t/x"
    );
    // The info flag is refused in JSON, before and after --format.
    for argv in [
        [
            "letsencrypt:report",
            "node-js-app",
            "--format",
            "json",
            "--letsencrypt-email",
        ],
        [
            "letsencrypt:report",
            "node-js-app",
            "--letsencrypt-email",
            "--format",
            "json",
        ],
    ] {
        let (out, err, code) = run(&mut host, &argv);
        assert_eq!((out.as_str(), code), ("", 1));
        assert!(err.contains("--format flag cannot be specified when specifying an info flag"));
    }
    // A missing app is reported first.
    let (_, err, code) = run(
        &mut host,
        &[
            "letsencrypt:report",
            "ghost",
            "--format",
            "json",
            "--letsencrypt-email",
        ],
    );
    assert_eq!(code, 20);
    assert!(err.contains("App ghost does not exist"), "{err}");
    // The text --global report shows the same global rows as the JSON.
    let (text, _, _) = run(&mut host, &["letsencrypt:report", "--global"]);
    assert_eq!(text.lines().count(), 6, "{text}");
    assert!(text
        .lines()
        .skip(1)
        .all(|l| l.contains("Letsencrypt global ")));
}
