//! `certs` and `letsencrypt`: the parsers on every fixture (typed results
//! snapshotted), the argv and stdin each handler sends, the secrets that
//! never reach argv or display (the private key, DNS provider
//! credentials), and the plugin gate that answers `Unsupported` on a host
//! without dokku-letsencrypt.
#![cfg(feature = "test-util")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::io::Read;
use std::sync::Arc;
use std::time::{Duration, UNIX_EPOCH};

use common::{one_report, Fixture};
use dokku_core::api::certs::{self, CsrSubject};
use dokku_core::api::letsencrypt;
use dokku_core::api::report::{report_command, Report, ReportTarget};
use dokku_core::api::{Scope, Target};
use dokku_core::catalog::{plugins, JsonSince};
use dokku_core::model::certs::{CertPart, CertsReport};
use dokku_core::model::letsencrypt::LetsencryptReport;
use dokku_core::model::plugin::PluginInfo;
use dokku_core::parse::{self, ParseError};
use dokku_core::testing::ScriptedExecutor;
use dokku_core::{
    AppName, Capabilities, Dokku, DokkuVersion, Domain, Error, Requirement, SecretString,
};

const V038: DokkuVersion = DokkuVersion::new(0, 38, 27);
const CRT: &str = "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUDEMOdemoDEMOdemoDEMOdemoDEMOdemo\n-----END CERTIFICATE-----\n";
const KEY: &str = "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wFAKEfakeFAKE\n-----END PRIVATE KEY-----\n";

fn node() -> AppName {
    AppName::new("node-js-app").unwrap()
}

fn with_letsencrypt() -> Capabilities {
    let plugins = parse::plugin::list(&Fixture::load("plugin/list-json-0.38.txt").stdout).unwrap();
    let mut caps = Capabilities::for_version(V038);
    caps.plugins = plugins;
    let mut le: PluginInfo = caps.plugins[0].clone();
    le.name = dokku_core::PluginName::new("letsencrypt").unwrap();
    le.enabled = true;
    caps.plugins.push(le);
    caps
}

/// A pure builder needs a client; this one never runs anything.
fn offline() -> Dokku {
    Dokku::new(ScriptedExecutor::new())
}

/// One `letsencrypt:report --format json` object, as the JSON reader and
/// the generic decoder read it: anything but exactly one object is an error.
fn report_json(stdout: &str) -> Result<LetsencryptReport, ParseError> {
    let mut raws = parse::report::json("letsencrypt:report", stdout)?;
    match raws.len() {
        1 => LetsencryptReport::from_raw(raws.remove(0)),
        more => Err(ParseError::new(
            "letsencrypt:report",
            format!("expected one report, found {more}"),
        )),
    }
}

fn snapshot(f: &Fixture, value: &dyn std::fmt::Debug) {
    let mut settings = insta::Settings::clone_current();
    settings.set_description(format!("dokku {} ({})", f.command, f.path.display()));
    settings.set_omit_expression(true);
    settings.bind(|| insta::assert_debug_snapshot!(f.snapshot_name(), value));
}

// `SystemTime`'s Debug (in the snapshots) is `tv_sec`/`tv_nsec` on unix only.
#[cfg(unix)]
#[test]
fn every_successful_report_and_list_fixture_parses() {
    let mut parsed = Vec::new();
    for f in common::in_dir("certs")
        .into_iter()
        .chain(common::in_dir("letsencrypt"))
    {
        let argv = f.argv();
        let json = argv
            .windows(2)
            .any(|w| w[0] == "--format" && w[1] == "json");
        let info_flag = argv
            .iter()
            .skip(2)
            .any(|a| a.starts_with("--") && a != "--format");
        if f.exit != 0 || info_flag {
            continue;
        }
        let sub = argv.iter().find(|a| !a.starts_with("--")).unwrap().clone();
        match sub.as_str() {
            "certs:report" => snapshot(&f, &one_report::<CertsReport>(&f.stdout, json).unwrap()),
            // Every app's JSON is one unnamed object per app: not read.
            "letsencrypt:report" if json && argv.len() == 3 => continue,
            "letsencrypt:report" if json => snapshot(&f, &report_json(&f.stdout).unwrap()),
            "letsencrypt:report" => snapshot(
                &f,
                &one_report::<LetsencryptReport>(&f.stdout, false).unwrap(),
            ),
            "letsencrypt:list" => snapshot(&f, &parse::letsencrypt::list(&f.stdout).unwrap()),
            _ => continue,
        }
        parsed.push(f.snapshot_name());
    }
    parsed.sort();
    assert_eq!(
        parsed,
        [
            "certs__report-json-0.38",
            "certs__report-text-0.38",
            "certs__report-text-none-0.38",
            "letsencrypt__list",
            "letsencrypt__list-quiet",
            "letsencrypt__report-global-json",
            "letsencrypt__report-json",
            "letsencrypt__report-text",
        ]
    );
}

#[test]
fn typed_expiry_and_time_left() {
    let expires = UNIX_EPOCH + Duration::from_secs(1_798_761_600);
    let text: CertsReport =
        one_report(&Fixture::load("certs/report-text-0.38.txt").stdout, false).unwrap();
    let json: CertsReport =
        one_report(&Fixture::load("certs/report-json-0.38.txt").stdout, true).unwrap();
    assert_eq!(text.expires_at, Some(expires));
    assert_eq!((json.expires_at, json.enabled), (Some(expires), true));
    assert_eq!(text.hostnames, ["node-js-app.dokku.me", "www.example.com"]);
    assert!(!text.is_ca_verified());
    let day = Duration::from_secs(86_400);
    assert_eq!(text.expires_in(expires - 40 * day), Some(40 * day));
    assert_eq!(text.expires_in(expires + day), None);
    let none: CertsReport = one_report(
        &Fixture::load("certs/report-text-none-0.38.txt").stdout,
        false,
    )
    .unwrap();
    assert_eq!((none.enabled, none.expires_at), (false, None));

    let le: LetsencryptReport =
        one_report(&Fixture::load("letsencrypt/report-text.txt").stdout, false).unwrap();
    assert!(le.active && le.autorenew);
    assert_eq!(le.expiration, Some(expires));
    assert_eq!(le.email.effective(), Some("admin@example.com"));
    assert_eq!(le.email.app, None);
    assert_eq!(le.graceperiod.effective(), Some("2592000"));
    let list = parse::letsencrypt::list(&Fixture::load("letsencrypt/list.txt").stdout).unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].app, node());
    assert_eq!(list[0].expires_at, expires);
    assert_eq!(
        (list[0].expires_in_secs, list[0].renews_in_secs),
        (40 * 86_400, 10 * 86_400)
    );
    assert!(!list[0].renewal_due());
    let overdue = "app                       2026-01-01 00:00:00       1d, 2h ago                31d, 2h ago              \n";
    let row = &parse::letsencrypt::list(overdue).unwrap()[0];
    assert_eq!(
        (row.expires_in_secs, row.renewal_due()),
        (-(86_400 + 7_200), true)
    );
}

#[test]
fn certs_add_sends_a_tar_on_stdin_and_nothing_secret_in_argv() {
    let key = SecretString::new(KEY);
    let c = certs::add_command(false, &node(), CRT, &key).unwrap();
    assert_eq!(c.expose_argv(), ["certs:add", "node-js-app"]);
    assert!(c.is_mutating());
    assert!(!c.to_string().contains("PRIVATE"));
    assert!(!format!("{c:?}").contains("PRIVATE"));
    let stdin = c.stdin_bytes().unwrap().expose().to_vec();
    let mut archive = tar::Archive::new(stdin.as_slice());
    let mut files = Vec::new();
    for entry in archive.entries().unwrap() {
        let mut entry = entry.unwrap();
        let mut body = String::new();
        entry.read_to_string(&mut body).unwrap();
        files.push((entry.path().unwrap().display().to_string(), body));
    }
    assert_eq!(
        files,
        [
            ("server.crt".to_owned(), CRT.to_owned()),
            ("server.key".to_owned(), KEY.to_owned())
        ]
    );
    assert_eq!(
        certs::add_command(true, &node(), CRT, &key)
            .unwrap()
            .subcommand(),
        "certs:update"
    );
    // Not PEM: refused, and the message does not repeat the key.
    let err = certs::add_command(false, &node(), CRT, &SecretString::new("hunter2")).unwrap_err();
    assert!(matches!(err, Error::InvalidArgument { .. }) && !err.to_string().contains("hunter2"));
    assert!(certs::add_command(false, &node(), "not a cert", &key).is_err());
}

#[test]
fn certs_show_key_is_secret_output_and_generate_answers_openssl() {
    let key = certs::show_command(&node(), CertPart::Key);
    assert_eq!(key.expose_argv(), ["certs:show", "node-js-app", "key"]);
    assert!(key.output_is_secret() && !key.is_mutating());
    assert!(!certs::show_command(&node(), CertPart::Crt).output_is_secret());
    let domain = Domain::new("secure.example.com").unwrap();
    let subject = CsrSubject {
        country: "DE".into(),
        organization: "Example".into(),
        ..CsrSubject::default()
    };
    let g = certs::generate_command(&node(), Some(&domain), &subject).unwrap();
    assert_eq!(
        g.expose_argv(),
        ["certs:generate", "node-js-app", "secure.example.com"]
    );
    assert_eq!(
        String::from_utf8(g.stdin_bytes().unwrap().expose().to_vec()).unwrap(),
        "DE\n.\n.\nExample\n.\nsecure.example.com\n.\n\n\n"
    );
    let bad = CsrSubject {
        email: "a\nb".into(),
        ..CsrSubject::default()
    };
    assert!(certs::generate_command(&node(), None, &bad).is_err());
    assert_eq!(
        certs::remove_command(&node()).expose_argv(),
        ["certs:remove", "node-js-app"]
    );
}

#[test]
fn letsencrypt_set_sends_credentials_as_secrets() {
    let dokku = offline();
    let properties = dokku.properties(&plugins::LETSENCRYPT);
    let secret = "s3cr3tDEMO";
    let c = properties
        .command(
            &Scope::Global,
            "dns-provider-AWS_SECRET_ACCESS_KEY",
            Some(secret),
        )
        .unwrap();
    assert_eq!(
        c.redacted_argv(),
        [
            "letsencrypt:set",
            "--global",
            "dns-provider-AWS_SECRET_ACCESS_KEY",
            "***"
        ]
    );
    assert_eq!(c.expose_argv()[3], "s3cr3tDEMO");
    assert!(c.output_is_secret());
    let email = properties
        .command(&Scope::App(node()), "email", Some("ops@example.com"))
        .unwrap();
    assert_eq!(
        email.expose_argv(),
        ["letsencrypt:set", "node-js-app", "email", "ops@example.com"]
    );
    assert!(!email.output_is_secret());
    let unset = properties
        .command(&Scope::App(node()), "graceperiod", None)
        .unwrap();
    assert_eq!(
        unset.expose_argv(),
        ["letsencrypt:set", "node-js-app", "graceperiod"]
    );
    assert!(properties
        .command(&Scope::Global, "dns-provider-bad name", Some(secret))
        .is_err());
    assert!(properties
        .command(&Scope::Global, "email", Some(""))
        .is_err());
    for c in [
        letsencrypt::enable_command(&Target::All),
        letsencrypt::auto_renew_command(None),
        letsencrypt::cron_job_command(true),
    ] {
        assert_eq!(
            c.requirements(),
            [Requirement::Plugin(
                dokku_core::PluginName::new("letsencrypt").unwrap()
            )]
        );
    }
    assert_eq!(
        letsencrypt::enable_command(&Target::All).expose_argv(),
        ["letsencrypt:enable", "--all"]
    );
    assert_eq!(
        letsencrypt::cron_job_command(false).expose_argv(),
        ["letsencrypt:cron-job", "--remove"]
    );
}

#[tokio::test]
async fn letsencrypt_needs_the_plugin() {
    let exec = Arc::new(ScriptedExecutor::new());
    let dokku = Dokku::from_arc(exec.clone()).with_capabilities(Capabilities::for_version(V038));
    let err = dokku.letsencrypt().list().await.unwrap_err();
    assert!(matches!(err, Error::Unsupported { .. }), "{err}");
    exec.verify().unwrap();

    let exec = Arc::new(
        ScriptedExecutor::new()
            .expect_ok(
                ["letsencrypt:list"],
                &Fixture::load("letsencrypt/list.txt").stdout,
            )
            .expect_ok(["letsencrypt:active", "node-js-app"], "true\n")
            .expect_ok(
                ["letsencrypt:report", "node-js-app"],
                &Fixture::load("letsencrypt/report-text.txt").stdout,
            )
            .expect_ok(
                ["certs:report", "node-js-app", "--format", "json"],
                &Fixture::load("certs/report-json-0.38.txt").stdout,
            )
            .expect_ok(["certs:show", "node-js-app", "key"], KEY),
    );
    // A plugin before `--format json`: the report is read as text.
    let dokku = Dokku::from_arc(exec.clone()).with_capabilities(with_letsencrypt_version("0.20.3"));
    assert_eq!(dokku.letsencrypt().list().await.unwrap().len(), 1);
    assert!(dokku.letsencrypt().active(&node()).await.unwrap());
    assert!(dokku.letsencrypt().report(&node()).await.unwrap().active);
    assert!(dokku.certs().report(&node()).await.unwrap().enabled);
    let key = dokku.certs().show_key(&node()).await.unwrap();
    assert_eq!(format!("{key:?}"), "SecretString(***)");
    assert_eq!(key.expose(), KEY);
    exec.verify().unwrap();
}

fn failure(code: i32, stderr: &str) -> dokku_core::Output {
    dokku_core::Output::new(dokku_core::ExitStatus::code(code), "", stderr)
}

fn with_letsencrypt_version(version: &str) -> Capabilities {
    let mut caps = with_letsencrypt();
    for le in caps
        .plugins
        .iter_mut()
        .filter(|p| p.name.as_str() == "letsencrypt")
    {
        le.version = version.to_owned();
    }
    caps
}

#[test]
fn letsencrypt_json_reads_like_the_text() {
    let text: LetsencryptReport =
        one_report(&Fixture::load("letsencrypt/report-text.txt").stdout, false).unwrap();
    let json = report_json(&Fixture::load("letsencrypt/report-json.txt").stdout).unwrap();
    // The same host: every typed field agrees; only the raw keys differ
    // (`letsencrypt-email` in text, `email` in JSON).
    assert_eq!(
        letsencrypt_typed(&json),
        letsencrypt_typed(&text),
        "{json:?}"
    );
    assert_eq!(json.raw.get("computed-email").unwrap(), "admin@example.com");
    assert!(text.raw.contains_key("letsencrypt-computed-email"));

    let global = report_json(&Fixture::load("letsencrypt/report-global-json.txt").stdout).unwrap();
    assert_eq!(global.email.global.as_deref(), Some("admin@example.com"));
    assert_eq!(
        (global.email.app.as_ref(), global.email.computed.as_ref()),
        (None, None)
    );
    assert!(global.raw.keys().all(|k| k.starts_with("global-")));
    assert!(!global.active && global.expiration.is_none());

    // Laid out over several lines, with a boolean: read the same.
    let pretty =
        "{\n  \"active\": true,\n  \"email\": \"a@example.com\",\n  \"graceperiod\": 86400\n}\n";
    let r = report_json(pretty).unwrap();
    assert!(r.active);
    assert_eq!(r.email.app.as_deref(), Some("a@example.com"));
    assert_eq!(r.graceperiod.app.as_deref(), Some("86400"));
    // Newer plugins' renamed keys land in their own fields.
    let renamed =
        r#"{"lego-args":"--dns.resolvers 1.1.1.1","global-lego-docker-options":"--cpus=1"}"#;
    let r = report_json(renamed).unwrap();
    assert_eq!(r.lego_args.app.as_deref(), Some("--dns.resolvers 1.1.1.1"));
    assert_eq!(r.lego_docker_options.global.as_deref(), Some("--cpus=1"));
    assert_eq!(r.lego_docker_args, Default::default());

    // Every app's JSON is one object per line; each reads on its own.
    let all = Fixture::load("letsencrypt/report-all-json.txt").stdout;
    let each: Vec<_> = all.lines().map(|l| report_json(l).unwrap()).collect();
    assert_eq!(
        each.iter().map(|r| r.active).collect::<Vec<_>>(),
        [true, false]
    );
    // …and the whole output is two reports, in order, not one.
    assert_eq!(
        LetsencryptReport::from_output(&all)
            .unwrap()
            .iter()
            .map(|r| r.active)
            .collect::<Vec<_>>(),
        [true, false]
    );
    assert!(report_json(&all).is_err());
    assert!(report_json("").is_err());
    assert!(report_json("[1]").is_err());
    assert!(report_json(r#"{"active":"maybe"}"#).is_err());
}

// The typed fields, without `raw`.
fn letsencrypt_typed(r: &dokku_core::model::letsencrypt::LetsencryptReport) -> String {
    let mut r = r.clone();
    r.raw.clear();
    r.app = None;
    format!("{r:?}")
}

#[test]
fn letsencrypt_json_from_0_20_4() {
    // The catalog says since which plugin version; a plugin version is read
    // leniently (`v` prefix), and an unreadable one has no JSON.
    let since = match plugins::LETSENCRYPT.report.unwrap().json {
        JsonSince::Plugin(since) => since,
        other => panic!("letsencrypt's JSON is the plugin's, not {other:?}"),
    };
    assert_eq!(since, DokkuVersion::new(0, 20, 4));
    for (version, json) in [
        ("0.20.3", false),
        ("0.20.4", true),
        ("0.22.0", true),
        ("v0.25.1", true),
        ("0.9.4", false),
        ("unknown", false),
    ] {
        let has_json = DokkuVersion::parse_plugin(version).is_some_and(|v| v >= since);
        assert_eq!(has_json, json, "{version}");
    }
    use dokku_core::api::Format;
    let le = &plugins::LETSENCRYPT;
    assert_eq!(
        report_command(le, &ReportTarget::App(node()), Format::Json)
            .unwrap()
            .expose_argv(),
        ["letsencrypt:report", "node-js-app", "--format", "json"]
    );
    assert_eq!(
        report_command(le, &ReportTarget::App(node()), Format::Text)
            .unwrap()
            .expose_argv(),
        ["letsencrypt:report", "node-js-app"]
    );
    let global = report_command(le, &ReportTarget::Global, Format::Json).unwrap();
    assert_eq!(
        global.expose_argv(),
        ["letsencrypt:report", "--global", "--format", "json"]
    );
    // The plugin is the requirement, not a Dokku version.
    assert_eq!(
        global.requirements(),
        [Requirement::Plugin(
            dokku_core::PluginName::new("letsencrypt").unwrap()
        )]
    );
    assert_eq!(
        report_command(le, &ReportTarget::Global, Format::Text)
            .unwrap()
            .expose_argv(),
        ["letsencrypt:report", "--global"]
    );
}

#[tokio::test]
async fn letsencrypt_reports_ask_for_json_by_plugin_version() {
    let text = Fixture::load("letsencrypt/report-text.txt").stdout;
    let json = Fixture::load("letsencrypt/report-json.txt").stdout;
    let global = Fixture::load("letsencrypt/report-global-json.txt").stdout;

    // 0.22.0: JSON for one app and for --global; every app stays text.
    let exec = Arc::new(
        ScriptedExecutor::new()
            .expect_ok(
                ["letsencrypt:report", "node-js-app", "--format", "json"],
                &json,
            )
            .expect_ok(
                ["letsencrypt:report", "--global", "--format", "json"],
                &global,
            )
            .expect_ok(["letsencrypt:report"], &text),
    );
    let dokku = Dokku::from_arc(exec.clone()).with_capabilities(with_letsencrypt_version("0.22.0"));
    let le = dokku.letsencrypt().report(&node()).await.unwrap();
    assert_eq!(le.app, Some(node()));
    assert!(le.active && le.autorenew);
    assert_eq!(le.email.effective(), Some("admin@example.com"));
    let g = dokku.letsencrypt().report_global().await.unwrap();
    assert_eq!(
        (g.app, g.email.global.as_deref()),
        (None, Some("admin@example.com"))
    );
    assert_eq!(dokku.letsencrypt().report_all().await.unwrap().len(), 1);
    exec.verify().unwrap();

    // 0.20.3: text only.
    let exec =
        Arc::new(ScriptedExecutor::new().expect_ok(["letsencrypt:report", "node-js-app"], &text));
    let dokku = Dokku::from_arc(exec.clone()).with_capabilities(with_letsencrypt_version("0.20.3"));
    assert!(dokku.letsencrypt().report(&node()).await.unwrap().active);
    exec.verify().unwrap();

    // A plugin that takes `--format` for an info flag: asked again for text.
    let invalid = Fixture::load("letsencrypt/report-invalid-flag.txt");
    let exec = Arc::new(
        ScriptedExecutor::new()
            .expect(
                ["letsencrypt:report", "node-js-app", "--format", "json"],
                failure(1, &invalid.stderr),
            )
            .expect_ok(["letsencrypt:report", "node-js-app"], &text),
    );
    let dokku = Dokku::from_arc(exec.clone()).with_capabilities(with_letsencrypt_version("0.21.0"));
    assert!(dokku.letsencrypt().report(&node()).await.unwrap().active);
    exec.verify().unwrap();

    // Any other failure is the answer.
    let exec = Arc::new(ScriptedExecutor::new().expect(
        ["letsencrypt:report", "ghost", "--format", "json"],
        failure(20, " !     App ghost does not exist\n"),
    ));
    let dokku = Dokku::from_arc(exec.clone()).with_capabilities(with_letsencrypt_version("0.22.0"));
    let err = dokku
        .letsencrypt()
        .report(&AppName::new("ghost").unwrap())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::AppNotFound { .. }), "{err}");
    exec.verify().unwrap();
}
