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

use common::Fixture;
use dokku_core::api::certs::{self, CsrSubject};
use dokku_core::api::letsencrypt::{self, LetsencryptProperty};
use dokku_core::api::{Scope, Target};
use dokku_core::model::certs::CertPart;
use dokku_core::model::plugin::PluginInfo;
use dokku_core::parse;
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
            "certs:report" => snapshot(&f, &parse::certs::report(&f.stdout, json).unwrap()),
            "letsencrypt:report" => snapshot(&f, &parse::letsencrypt::report(&f.stdout).unwrap()),
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
            "letsencrypt__report-text",
        ]
    );
}

#[test]
fn typed_expiry_and_time_left() {
    let expires = UNIX_EPOCH + Duration::from_secs(1_798_761_600);
    let text =
        parse::certs::report(&Fixture::load("certs/report-text-0.38.txt").stdout, false).unwrap();
    let json =
        parse::certs::report(&Fixture::load("certs/report-json-0.38.txt").stdout, true).unwrap();
    assert_eq!(text.expires_at, Some(expires));
    assert_eq!((json.expires_at, json.enabled), (Some(expires), true));
    assert_eq!(text.hostnames, ["node-js-app.dokku.me", "www.example.com"]);
    assert!(!text.is_ca_verified());
    let day = Duration::from_secs(86_400);
    assert_eq!(text.expires_in(expires - 40 * day), Some(40 * day));
    assert_eq!(text.expires_in(expires + day), None);
    let none = parse::certs::report(
        &Fixture::load("certs/report-text-none-0.38.txt").stdout,
        false,
    )
    .unwrap();
    assert_eq!((none.enabled, none.expires_at), (false, None));

    let le =
        parse::letsencrypt::report(&Fixture::load("letsencrypt/report-text.txt").stdout).unwrap();
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
    let secret = SecretString::new("s3cr3tDEMO");
    let aws = LetsencryptProperty::DnsProviderEnv("AWS_SECRET_ACCESS_KEY".into());
    let c = letsencrypt::set_command(&Scope::Global, &aws, Some(&secret)).unwrap();
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
    let email = letsencrypt::set_command(
        &Scope::App(node()),
        &LetsencryptProperty::Email,
        Some(&SecretString::new("ops@example.com")),
    )
    .unwrap();
    assert_eq!(
        email.expose_argv(),
        ["letsencrypt:set", "node-js-app", "email", "ops@example.com"]
    );
    assert!(!email.output_is_secret());
    let unset =
        letsencrypt::set_command(&Scope::App(node()), &LetsencryptProperty::Graceperiod, None)
            .unwrap();
    assert_eq!(
        unset.expose_argv(),
        ["letsencrypt:set", "node-js-app", "graceperiod"]
    );
    assert!(letsencrypt::set_command(
        &Scope::Global,
        &LetsencryptProperty::DnsProviderEnv("bad name".into()),
        Some(&secret)
    )
    .is_err());
    assert!(letsencrypt::set_command(
        &Scope::Global,
        &LetsencryptProperty::Email,
        Some(&SecretString::new(""))
    )
    .is_err());
    for c in [
        letsencrypt::enable_command(&Target::All).unwrap(),
        letsencrypt::auto_renew_command(None).unwrap(),
        letsencrypt::cron_job_command(true).unwrap(),
    ] {
        assert_eq!(
            c.requirements(),
            [Requirement::Plugin(
                dokku_core::PluginName::new("letsencrypt").unwrap()
            )]
        );
    }
    assert_eq!(
        letsencrypt::enable_command(&Target::All)
            .unwrap()
            .expose_argv(),
        ["letsencrypt:enable", "--all"]
    );
    assert_eq!(
        letsencrypt::cron_job_command(false).unwrap().expose_argv(),
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
    let dokku = Dokku::from_arc(exec.clone()).with_capabilities(with_letsencrypt());
    assert_eq!(dokku.letsencrypt().list().await.unwrap().len(), 1);
    assert!(dokku.letsencrypt().active(&node()).await.unwrap());
    assert!(dokku.letsencrypt().report(&node()).await.unwrap().active);
    assert!(dokku.certs().report(&node()).await.unwrap().enabled);
    let key = dokku.certs().show_key(&node()).await.unwrap();
    assert_eq!(format!("{key:?}"), "SecretString(***)");
    assert_eq!(key.expose(), KEY);
    exec.verify().unwrap();
}
