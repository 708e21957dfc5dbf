//! The `config`, `domains` and `logs` handlers through the `Dokku` client,
//! against a [`ScriptedExecutor`]: the exact argv each method sends on Dokku
//! 0.38.27 and 0.35.20, the metadata of the commands behind them (mutating,
//! timeout class, secret output, redaction), what is refused before anything
//! is sent, that config values never reach an error, how failures are
//! classified, and that a followed log yields what a snapshot would.
#![cfg(feature = "test-util")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::sync::Arc;

use common::Fixture;
use dokku_core::api::config::{
    clear_command, export_command, get_command, import_command, keys_command, set_command,
    set_command_for, unset_command,
};
use dokku_core::api::domains::{app_command, global_command, DomainsVerb, GlobalVerb};
use dokku_core::api::logs::{failed_command, logs_command, LogOptions};
use dokku_core::api::report::{report_command, ReportTarget};
use dokku_core::api::{Format, Scope, Target};
use dokku_core::catalog::plugins;
use dokku_core::client::versions;
use dokku_core::model::domains::GlobalDomains;
use dokku_core::testing::ScriptedExecutor;
use dokku_core::{
    AppName, Capabilities, Chunk, ConfigKey, Dokku, DokkuVersion, Domain, Error, ExecError,
    ExitStatus, Output, ProcessType, Requirement, SecretString, TimeoutClass,
};
use futures_util::StreamExt;

const V38: DokkuVersion = DokkuVersion::new(0, 38, 27);
const V35: DokkuVersion = DokkuVersion::new(0, 35, 20);

const TLS_CERT: &str =
    "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIU\n-----END CERTIFICATE-----";
const GREETING: &str = "Grüße aus Köln, 世界 ☕";
// Standard base64 with padding, computed independently (Python's
// base64.b64encode) rather than with the crate the code under test uses.
const TLS_CERT_B64: &str = "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUJzekNDQVZtZ0F3SUJBZ0lVCi0tLS0tRU5EIENFUlRJRklDQVRFLS0tLS0=";
const GREETING_B64: &str = "R3LDvMOfZSBhdXMgS8O2bG4sIOS4lueVjCDimJU=";
const PRODUCTION_B64: &str = "cHJvZHVjdGlvbg==";
const SECRET: &str = "s3cret value -n 'x'";
const SECRET_B64: &str = "czNjcmV0IHZhbHVlIC1uICd4Jw==";

fn app() -> AppName {
    AppName::new("node-js-app").unwrap()
}

fn key(name: &str) -> ConfigKey {
    ConfigKey::new(name).unwrap()
}

fn domain(name: &str) -> Domain {
    Domain::new(name).unwrap()
}

/// A client on this script for a host of this version; the script is kept
/// to `verify()` it afterwards.
fn client(version: DokkuVersion, script: ScriptedExecutor) -> (Dokku, Arc<ScriptedExecutor>) {
    let exec = Arc::new(script);
    let dokku = Dokku::new(Arc::clone(&exec)).with_capabilities(Capabilities::for_version(version));
    (dokku, exec)
}

fn fixture(path: &str) -> Output {
    Fixture::load(path).output()
}

fn failure(code: i32, stderr: &str) -> Output {
    Output::new(ExitStatus::code(code), "", stderr)
}

// ---------------------------------------------------------------- config

#[tokio::test]
async fn config_export_app_global_and_merged() {
    let (dokku, exec) = client(
        V38,
        ScriptedExecutor::new()
            .expect(
                ["config:export", "node-js-app", "--format", "json"],
                fixture("config/export-json.txt"),
            )
            .expect_ok(
                ["config:export", "--global", "--format", "json"],
                "{\"CURL_CONNECT_TIMEOUT\":\"90\",\"CURL_TIMEOUT\":\"600\"}\n",
            )
            .expect_ok(
                [
                    "config:export",
                    "node-js-app",
                    "--merged",
                    "--format",
                    "json",
                ],
                "{\"CURL_TIMEOUT\":\"600\",\"NODE_ENV\":\"production\"}\n",
            ),
    );
    let vars = dokku.config().export(&app()).await.unwrap();
    assert_eq!(vars.len(), 5);
    assert_eq!(vars[&key("GREETING")].expose(), GREETING);
    assert_eq!(vars[&key("TLS_CERT")].expose(), TLS_CERT);

    let global = dokku.config().export(Scope::Global).await.unwrap();
    assert_eq!(global[&key("CURL_TIMEOUT")].expose(), "600");

    let merged = dokku.config().export_merged(&app()).await.unwrap();
    assert_eq!(
        merged.keys().map(ConfigKey::as_str).collect::<Vec<_>>(),
        ["CURL_TIMEOUT", "NODE_ENV"]
    );
    exec.verify().unwrap();
}

#[tokio::test]
async fn config_get_value_missing_key_and_missing_app() {
    let (dokku, exec) = client(
        V38,
        ScriptedExecutor::new()
            .expect(
                ["config:get", "node-js-app", "GREETING"],
                fixture("config/get.txt"),
            )
            .expect(
                ["config:get", "node-js-app", "TLS_CERT"],
                fixture("config/get-multiline.txt"),
            )
            .expect(
                ["config:get", "--global", "CURL_TIMEOUT"],
                fixture("config/get-global.txt"),
            )
            .expect(
                ["config:get", "node-js-app", "MISSING_KEY"],
                fixture("config/get-missing.txt"),
            )
            // Exit 1 and silence is also what an unreadable file gives:
            // config:keys tells them apart.
            .expect(["config:keys", "node-js-app"], fixture("config/keys.txt"))
            .expect(
                ["config:get", "missing-app", "GREETING"],
                failure(20, " !     App missing-app does not exist\n"),
            )
            // Exit 1 *with* a message is a failure, not "not set".
            .expect(
                ["config:get", "node-js-app", "GREETING"],
                failure(1, " !     Unexpected argument(s): [GREETING]\n"),
            ),
    );
    let config = dokku.config();
    let value = config.get(&app(), &key("GREETING")).await.unwrap();
    assert_eq!(value.unwrap().expose(), GREETING);
    let value = config.get(&app(), &key("TLS_CERT")).await.unwrap();
    assert_eq!(value.unwrap().expose(), TLS_CERT);
    let value = config
        .get(Scope::Global, &key("CURL_TIMEOUT"))
        .await
        .unwrap();
    assert_eq!(value.unwrap().expose(), "600");

    let missing = Fixture::load("config/get-missing.txt");
    assert_eq!(
        (
            missing.exit,
            missing.stdout.as_str(),
            missing.stderr.as_str()
        ),
        (1, "", "")
    );
    assert!(config
        .get(&app(), &key("MISSING_KEY"))
        .await
        .unwrap()
        .is_none());

    let ghost = AppName::new("missing-app").unwrap();
    let err = config.get(&ghost, &key("GREETING")).await.unwrap_err();
    assert!(
        matches!(&err, Error::AppNotFound { app, .. } if app == "missing-app"),
        "{err:?}"
    );

    let err = config.get(&app(), &key("GREETING")).await.unwrap_err();
    match err {
        Error::CommandFailed {
            status, message, ..
        } => {
            assert_eq!(status, ExitStatus::code(1));
            assert_eq!(message, "Unexpected argument(s): [GREETING]");
        }
        other => panic!("{other:?}"),
    }
    exec.verify().unwrap();
}

#[tokio::test]
async fn config_keys_app_and_global() {
    let (dokku, exec) = client(
        V38,
        ScriptedExecutor::new()
            .expect(["config:keys", "node-js-app"], fixture("config/keys.txt"))
            .expect_ok(
                ["config:keys", "--global"],
                "CURL_CONNECT_TIMEOUT\nCURL_TIMEOUT\n",
            ),
    );
    let keys = dokku.config().keys(&app()).await.unwrap();
    assert_eq!(
        keys.iter().map(ConfigKey::as_str).collect::<Vec<_>>(),
        ["DATABASE_URL", "GREETING", "NODE_ENV", "SLOGAN", "TLS_CERT"]
    );
    let keys = dokku.config().keys(Scope::Global).await.unwrap();
    assert_eq!(keys, [key("CURL_CONNECT_TIMEOUT"), key("CURL_TIMEOUT")]);
    exec.verify().unwrap();
}

/// `dokku --quiet config:import --format json [flags] <scope> -`.
fn import_argv(flags: &[&str], scope: &str) -> Vec<String> {
    let mut argv = vec!["--quiet", "config:import", "--format", "json"];
    argv.extend_from_slice(flags);
    argv.extend([scope, "-"]);
    argv.into_iter().map(str::to_owned).collect()
}

#[tokio::test]
async fn config_set_sends_the_values_as_json_on_stdin_where_the_host_has_config_import() {
    // The JSON is written out here by hand, not with the serializer the
    // code under test uses: keys sorted, UTF-8 as is, `\n` escaped.
    let (dokku, exec) = client(
        V38,
        ScriptedExecutor::new()
            .expect_ok(import_argv(&["--no-restart"], "node-js-app"), "")
            .with_stdin(format!(
                "{{\"GREETING\":\"{GREETING}\",\"NODE_ENV\":\"production\"}}"
            ))
            .expect_ok(
                import_argv(&[], "node-js-app"),
                "-----> Restarting app node-js-app\n",
            )
            .with_stdin(
                "{\"TLS_CERT\":\"-----BEGIN CERTIFICATE-----\\nMIIBszCCAVmgAwIBAgIU\\n-----END CERTIFICATE-----\"}",
            )
            .expect_ok(import_argv(&["--global"], "-").into_iter().take(6), "")
            .with_stdin("{\"CURL_TIMEOUT\":\"900\"}")
            .expect(
                import_argv(&[], "missing-app"),
                failure(20, " !     App missing-app does not exist\n"),
            ),
    );
    dokku
        .config()
        .set(&app())
        .var(key("NODE_ENV"), "production")
        .var(key("GREETING"), GREETING)
        .no_restart()
        .send()
        .await
        .unwrap();
    dokku
        .config()
        .set(&app())
        .vars([(key("TLS_CERT"), SecretString::new(TLS_CERT))])
        .send()
        .await
        .unwrap();
    dokku
        .config()
        .set(Scope::Global)
        .var(key("CURL_TIMEOUT"), "900")
        .send()
        .await
        .unwrap();
    let ghost = AppName::new("missing-app").unwrap();
    let err = dokku
        .config()
        .set(&ghost)
        .var(key("NODE_ENV"), "production")
        .send()
        .await
        .unwrap_err();
    assert!(err.is_not_found(), "{err:?}");
    exec.verify().unwrap();
}

#[tokio::test]
async fn config_set_sends_base64_values_before_config_import() {
    let (dokku, exec) = client(
        V35,
        ScriptedExecutor::new()
            .expect(
                [
                    "config:set".to_owned(),
                    "--encoded".to_owned(),
                    "--no-restart".to_owned(),
                    "node-js-app".to_owned(),
                    format!("NODE_ENV={PRODUCTION_B64}"),
                    format!("GREETING={GREETING_B64}"),
                ],
                fixture("config/set.txt"),
            )
            .expect_ok(
                [
                    "config:set".to_owned(),
                    "--encoded".to_owned(),
                    "node-js-app".to_owned(),
                    format!("TLS_CERT={TLS_CERT_B64}"),
                ],
                "-----> Setting config vars\n       TLS_CERT:  -----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIU\n-----END CERTIFICATE-----\n-----> Restarting app node-js-app\n",
            )
            .expect(
                ["config:set", "--encoded", "--global", "CURL_TIMEOUT=OTAw"],
                fixture("config/set-global.txt"),
            )
            .expect(
                ["config:set", "--encoded", "missing-app", "NODE_ENV=cHJvZHVjdGlvbg=="],
                fixture("config/set-missing-app.txt"),
            ),
    );
    dokku
        .config()
        .set(&app())
        .var(key("NODE_ENV"), "production")
        .var(key("GREETING"), GREETING)
        .no_restart()
        .send()
        .await
        .unwrap();
    dokku
        .config()
        .set(&app())
        .vars([(key("TLS_CERT"), SecretString::new(TLS_CERT))])
        .send()
        .await
        .unwrap();
    dokku
        .config()
        .set(Scope::Global)
        .var(key("CURL_TIMEOUT"), "900")
        .send()
        .await
        .unwrap();
    let ghost = AppName::new("missing-app").unwrap();
    let err = dokku
        .config()
        .set(&ghost)
        .var(key("NODE_ENV"), "production")
        .send()
        .await
        .unwrap_err();
    assert!(err.is_not_found(), "{err:?}");
    exec.verify().unwrap();

    // The multi-line value goes on the wire exactly as in the fixture,
    // which Dokku decoded back to the certificate.
    let wire = Fixture::load("config/set-encoded-multiline.txt").argv();
    let ours = set_command(
        &Scope::from(&app()),
        &[(key("TLS_CERT"), TLS_CERT.into())],
        true,
    )
    .unwrap();
    assert_eq!(
        ours.expose_argv().last().copied(),
        wire.last().map(String::as_str)
    );
}

#[tokio::test]
async fn config_set_can_stream_the_restart() {
    let restart = "-----> Restarting app node-js-app\n";
    let (dokku, exec) = client(
        V38,
        ScriptedExecutor::new()
            .expect_ok(import_argv(&[], "node-js-app"), restart)
            .with_stdin("{\"NODE_ENV\":\"production\"}"),
    );
    let chunks: Vec<_> = dokku
        .config()
        .set(&app())
        .var(key("NODE_ENV"), "production")
        .stream()
        .await
        .unwrap()
        .map(Result::unwrap)
        .collect()
        .await;
    assert_eq!(
        chunks,
        [
            Chunk::Stdout(restart.as_bytes().to_vec()),
            Chunk::Exit(ExitStatus::code(0))
        ]
    );
    exec.verify().unwrap();
}

#[tokio::test]
async fn config_import_replaces_and_is_refused_before_0_37() {
    let (dokku, exec) = client(
        V38,
        ScriptedExecutor::new()
            .expect_ok(
                import_argv(&["--no-restart", "--replace"], "node-js-app"),
                "",
            )
            .with_stdin("{\"A\":\"1\",\"B\":\"two words\"}"),
    );
    dokku
        .config()
        .import(&app())
        .var(key("B"), "two words")
        .var(key("A"), "1")
        .replace()
        .no_restart()
        .send()
        .await
        .unwrap();
    exec.verify().unwrap();

    // Dokku 0.35.20 has no config:import: refused, nothing sent.
    let (dokku, exec) = client(V35, ScriptedExecutor::new());
    let err = dokku
        .config()
        .import(&app())
        .var(key("A"), "1")
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Unsupported { needs: Requirement::Version(v), .. } if *v == versions::CONFIG_IMPORT),
        "{err:?}"
    );
    exec.verify().unwrap();
}

#[tokio::test]
async fn values_dokku_would_corrupt_are_refused_before_anything_is_sent() {
    // (value, on 0.38.27, on 0.35.20)
    let cases: &[(&str, bool)] = &[
        ("she said \"hi\"", true),
        ("C:\\temp\\", true),
        ("007", true),
        ("+5", true),
        ("-0", true),
        // godotenv 1.2.0 only: refused on 0.35.20 (and wherever the k3s
        // scheduler reads the file), taken on 0.38.27.
        ("\"##", false),
    ];
    for (value, on_every_host) in cases {
        for version in [V38, V35] {
            let (dokku, exec) = client(version, ScriptedExecutor::new());
            let result = dokku
                .config()
                .set(&app())
                .var(key("OK"), "fine")
                .var(key("MSG"), *value)
                .send()
                .await;
            let refused = *on_every_host || version == V35;
            if !refused {
                // Nothing scripted: the attempt to send is the failure.
                assert!(exec.verify().is_err(), "{value:?} on {version}");
                continue;
            }
            let err = result.unwrap_err();
            match &err {
                Error::UnstorableConfigValue { key, .. } => assert_eq!(key, "MSG"),
                other => panic!("{value:?} on {version}: {other:?}"),
            }
            let text = err.to_string();
            assert!(text.contains("MSG"), "{text}");
            assert!(!text.contains(value), "{value:?} leaked: {text}");
            exec.verify().unwrap();
        }
    }
    // The pure builders refuse what any host would corrupt.
    let vars = [(key("MSG"), SecretString::new("x\\"))];
    assert!(matches!(
        set_command(&Scope::Global, &vars, true),
        Err(Error::UnstorableConfigValue { .. })
    ));
    assert!(matches!(
        import_command(&Scope::Global, &vars, true, false),
        Err(Error::UnstorableConfigValue { .. })
    ));
}

#[tokio::test]
async fn config_unset_and_clear() {
    let (dokku, exec) = client(
        V38,
        ScriptedExecutor::new()
            .expect(
                [
                    "config:unset",
                    "--no-restart",
                    "node-js-app",
                    "SLOGAN",
                    "MISSING_KEY",
                ],
                fixture("config/unset.txt"),
            )
            .expect_ok(
                ["config:unset", "node-js-app", "SLOGAN"],
                "-----> Unsetting SLOGAN\n-----> Restarting app node-js-app\n",
            )
            .expect_ok(["config:unset", "--global", "A", "B"], "")
            .expect_ok(["config:clear", "node-js-app"], "")
            .expect_ok(["config:clear", "--no-restart", "node-js-app"], "")
            .expect_ok(["config:clear", "--global"], "")
            .expect_ok(["config:clear", "--no-restart", "--global"], ""),
    );
    let config = dokku.config();
    config
        .unset(&app())
        .key(key("SLOGAN"))
        .key(key("MISSING_KEY"))
        .no_restart()
        .send()
        .await
        .unwrap();
    config
        .unset(&app())
        .key(key("SLOGAN"))
        .send()
        .await
        .unwrap();
    config
        .unset(Scope::Global)
        .keys([key("A"), key("B")])
        .send()
        .await
        .unwrap();
    config.clear(&app(), false).await.unwrap();
    config.clear(&app(), true).await.unwrap();
    config.clear(Scope::Global, false).await.unwrap();
    config.clear(Scope::Global, true).await.unwrap();
    exec.verify().unwrap();
}

// --------------------------------------------------------------- domains

#[tokio::test]
async fn domains_app_and_global_changes() {
    let (dokku, exec) = client(
        V38,
        ScriptedExecutor::new()
            .expect_ok(
                ["domains:add", "node-js-app", "www.example.com", "*.example.org"],
                "-----> Added www.example.com to node-js-app\n-----> Added *.example.org to node-js-app\n",
            )
            .expect_ok(["domains:set", "node-js-app", "www.example.com"], "")
            .expect_ok(["domains:remove", "node-js-app", "www.example.com"], "")
            .expect_ok(["domains:clear", "node-js-app"], "")
            .expect_ok(["domains:enable", "node-js-app"], "")
            .expect_ok(["domains:disable", "node-js-app"], "")
            .expect_ok(["domains:add-global", "dokku.me", "example.net"], "")
            .expect_ok(["domains:set-global", "dokku.me"], "")
            .expect_ok(["domains:remove-global", "example.net"], "")
            .expect_ok(["domains:clear-global"], "")
            .expect(
                ["domains:add", "node-js-app", "www.example.com"],
                fixture("domains/add-invalid.txt"),
            ),
    );
    let d = dokku.domains();
    // Domains are folded to lower case before they are sent.
    d.add(
        &app(),
        &[domain("WWW.Example.com"), domain("*.example.org")],
    )
    .await
    .unwrap();
    d.set(&app(), &[domain("www.example.com")]).await.unwrap();
    d.remove(&app(), &[domain("www.example.com")])
        .await
        .unwrap();
    d.clear(&app()).await.unwrap();
    d.enable(&app()).await.unwrap();
    d.disable(&app()).await.unwrap();
    d.add_global(&[domain("dokku.me"), domain("example.net")])
        .await
        .unwrap();
    d.set_global(&[domain("dokku.me")]).await.unwrap();
    d.remove_global(&[domain("example.net")]).await.unwrap();
    d.clear_global().await.unwrap();
    // Dokku's own refusal comes back as a failure with its message.
    match d
        .add(&app(), &[domain("www.example.com")])
        .await
        .unwrap_err()
    {
        Error::CommandFailed {
            status, message, ..
        } => {
            assert_eq!(status, ExitStatus::code(1));
            assert_eq!(message, "http://www.example.com is invalid. exiting...");
        }
        other => panic!("{other:?}"),
    }
    exec.verify().unwrap();
}

#[tokio::test]
async fn domains_report_is_json_on_0_38_and_text_on_0_35() {
    let expected_global = GlobalDomains {
        enabled: true,
        vhosts: vec!["dokku.me".into()],
    };
    let (dokku, exec) = client(
        V38,
        ScriptedExecutor::new()
            .expect(
                ["domains:report", "node-js-app", "--format", "json"],
                fixture("domains/report-json-0.38.txt"),
            )
            .expect(
                ["domains:report", "--global", "--format", "json"],
                fixture("domains/report-global-json-0.38.txt"),
            ),
    );
    let json = dokku.domains().report(&app()).await.unwrap();
    // JSON does not name the app; the handler does.
    assert_eq!(json.app, Some(app()));
    assert!(json.app_enabled);
    assert_eq!(json.app_vhosts, ["node-js-app.dokku.me", "www.example.com"]);
    assert_eq!(json.global, expected_global);
    assert_eq!(
        dokku.domains().report_global().await.unwrap(),
        expected_global
    );
    exec.verify().unwrap();

    let (dokku, exec) = client(
        V35,
        ScriptedExecutor::new()
            .expect(
                ["domains:report", "node-js-app"],
                fixture("domains/report-text-0.35.txt"),
            )
            .expect(
                ["domains:report", "--global"],
                fixture("domains/report-global-0.35.txt"),
            ),
    );
    let text = dokku.domains().report(&app()).await.unwrap();
    assert_eq!(text.app, json.app);
    assert_eq!(text.app_enabled, json.app_enabled);
    assert_eq!(text.app_vhosts, json.app_vhosts);
    assert_eq!(text.global, json.global);
    assert_eq!(
        dokku.domains().report_global().await.unwrap(),
        expected_global
    );
    exec.verify().unwrap();
}

#[tokio::test]
async fn domains_report_all_is_one_text_invocation_on_both_versions() {
    for version in [V38, V35] {
        let (dokku, exec) = client(
            version,
            ScriptedExecutor::new()
                .expect(
                    ["domains:report"],
                    fixture("domains/report-text-0.38-all.txt"),
                )
                .expect(
                    ["domains:report"],
                    fixture("domains/report-no-apps-0.38.txt"),
                ),
        );
        let all = dokku.domains().report_all().await.unwrap();
        let apps: Vec<_> = all
            .iter()
            .map(|r| r.app.as_ref().unwrap().as_str())
            .collect();
        assert_eq!(apps, ["node-js-app", "python-app"]);
        assert!(!all[1].app_enabled);
        assert!(dokku.domains().report_all().await.unwrap().is_empty());
        exec.verify().unwrap();
    }
}

#[tokio::test]
async fn domains_report_of_a_missing_app_is_app_not_found() {
    for (version, argv, path) in [
        (
            V38,
            &["domains:report", "missing-app", "--format", "json"][..],
            "domains/report-missing-app-0.38.txt",
        ),
        (
            V35,
            &["domains:report", "missing-app"][..],
            "domains/report-missing-app-0.35.txt",
        ),
    ] {
        let (dokku, exec) = client(
            version,
            ScriptedExecutor::new().expect(argv.iter().copied(), fixture(path)),
        );
        let ghost = AppName::new("missing-app").unwrap();
        let err = dokku.domains().report(&ghost).await.unwrap_err();
        assert!(
            matches!(&err, Error::AppNotFound { app, .. } if app == "missing-app"),
            "{err:?}"
        );
        exec.verify().unwrap();
    }
}

// ------------------------------------------------------------------ logs

#[tokio::test]
async fn logs_fetch_argv_and_lines() {
    let web = ProcessType::web();
    let (dokku, exec) = client(
        V38,
        ScriptedExecutor::new()
            .expect(
                [
                    "logs",
                    "node-js-app",
                    "--num",
                    "50",
                    "--ps",
                    "web",
                    "--quiet",
                ],
                fixture("logs/logs-quiet.txt"),
            )
            .expect(["logs", "node-js-app"], fixture("logs/logs-snapshot.txt"))
            .expect(
                ["logs", "node-js-app", "--ps", "release"],
                fixture("logs/logs-ps-no-containers.txt"),
            ),
    );
    let quiet = dokku
        .logs()
        .app(&app())
        .num(50)
        .process(web.clone())
        .quiet()
        .fetch()
        .await
        .unwrap();
    assert_eq!(quiet.len(), 3);
    assert!(quiet
        .iter()
        .all(|l| l.timestamp.is_none() && l.process_type.is_none() && l.index.is_none()));

    let lines = dokku.logs().app(&app()).fetch().await.unwrap();
    assert_eq!(lines.len(), 3);
    assert!(lines.iter().all(|l| l.process_type.as_ref() == Some(&web)));
    assert_eq!(lines[1].message, "Server listening on port 5000");

    let none = dokku
        .logs()
        .app(&app())
        .process(ProcessType::new("release").unwrap())
        .fetch()
        .await
        .unwrap();
    assert!(none.is_empty());
    exec.verify().unwrap();
}

#[tokio::test]
async fn logs_failed_for_one_app_and_all() {
    let (dokku, exec) = client(
        V38,
        ScriptedExecutor::new()
            .expect(
                ["logs:failed", "node-js-app"],
                fixture("logs/logs-failed.txt"),
            )
            .expect(
                ["logs:failed", "--all"],
                fixture("logs/logs-failed-none.txt"),
            ),
    );
    let failed = dokku.logs().failed(&app()).await.unwrap();
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0].app, app());
    assert_eq!(failed[0].lines[1], "Error: Cannot find module 'express'");
    let none = dokku.logs().failed(Target::All).await.unwrap();
    // The header alone (and the " !     No failed containers found" warning)
    // means nothing failed: apps without lines are left out.
    assert!(none.is_empty(), "{none:?}");
    exec.verify().unwrap();
}

#[tokio::test]
async fn logs_of_undeployed_and_missing_apps_are_classified() {
    let python = AppName::new("python-app").unwrap();
    let ghost = AppName::new("missing-app").unwrap();
    let (dokku, exec) = client(
        V38,
        ScriptedExecutor::new()
            .expect(
                ["logs", "python-app"],
                fixture("logs/logs-not-deployed.txt"),
            )
            .expect(
                ["logs", "missing-app"],
                fixture("logs/logs-missing-app.txt"),
            ),
    );
    let err = dokku.logs().app(&python).fetch().await.unwrap_err();
    assert!(
        matches!(&err, Error::AppNotDeployed { app, .. } if app == "python-app"),
        "{err:?}"
    );
    let err = dokku.logs().app(&ghost).fetch().await.unwrap_err();
    assert!(
        matches!(&err, Error::AppNotFound { app, .. } if app == "missing-app"),
        "{err:?}"
    );
    exec.verify().unwrap();
}

#[tokio::test]
async fn following_logs_yields_what_a_snapshot_yields() {
    let multi = fixture("logs/logs-multi-process.txt");
    let (dokku, exec) = client(
        V38,
        ScriptedExecutor::new()
            .expect(["logs", "node-js-app"], multi.clone())
            .expect(["logs", "node-js-app", "--tail"], multi)
            .expect(
                [
                    "logs",
                    "node-js-app",
                    "--num",
                    "2",
                    "--ps",
                    "worker",
                    "--tail",
                ],
                fixture("logs/logs-ps.txt"),
            ),
    );
    let fetched = dokku.logs().app(&app()).fetch().await.unwrap();
    let followed: Vec<_> = dokku
        .logs()
        .app(&app())
        .follow()
        .await
        .unwrap()
        .map(Result::unwrap)
        .collect()
        .await;
    assert_eq!(followed, fetched);
    let kinds: Vec<_> = followed
        .iter()
        .map(|l| l.process_type.as_ref().unwrap().as_str())
        .collect();
    assert_eq!(kinds, ["web", "web", "worker", "worker"]);

    let worker: Vec<_> = dokku
        .logs()
        .app(&app())
        .num(2)
        .process(ProcessType::new("worker").unwrap())
        .follow()
        .await
        .unwrap()
        .collect()
        .await;
    assert_eq!(worker.len(), 2);
    exec.verify().unwrap();
}

#[tokio::test]
async fn a_failing_follow_ends_with_the_classified_error() {
    let python = AppName::new("python-app").unwrap();
    let multi = Fixture::load("logs/logs-multi-process.txt");
    let (dokku, exec) = client(
        V38,
        ScriptedExecutor::new()
            .expect(
                ["logs", "python-app", "--tail"],
                fixture("logs/logs-not-deployed.txt"),
            )
            .expect(
                ["logs", "node-js-app", "--tail"],
                Output::new(
                    ExitStatus::code(1),
                    multi.stdout.as_bytes(),
                    " !     Error response from daemon: No such container: 4f1c\n",
                ),
            ),
    );
    let items: Vec<_> = dokku
        .logs()
        .app(&python)
        .follow()
        .await
        .unwrap()
        .collect()
        .await;
    assert_eq!(items.len(), 1);
    let err = items.into_iter().next().unwrap().unwrap_err();
    assert!(
        matches!(&err, Error::AppNotDeployed { app, .. } if app == "python-app"),
        "{err:?}"
    );

    let mut items: Vec<_> = dokku
        .logs()
        .app(&app())
        .follow()
        .await
        .unwrap()
        .collect()
        .await;
    assert_eq!(items.len(), 5);
    match items.pop().unwrap().unwrap_err() {
        Error::CommandFailed {
            status, message, ..
        } => {
            assert_eq!(status, ExitStatus::code(1));
            assert_eq!(
                message,
                "Error response from daemon: No such container: 4f1c"
            );
        }
        other => panic!("{other:?}"),
    }
    assert!(items.iter().all(Result::is_ok));
    exec.verify().unwrap();
}

// ------------------------------------------------------- command metadata

#[test]
fn config_command_metadata() {
    let app_scope = Scope::from(&app());
    let vars = [(key("TOKEN"), SecretString::new(SECRET))];

    for merged in [false, true] {
        for scope in [&app_scope, &Scope::Global] {
            let c = export_command(scope, merged);
            assert!(!c.is_mutating());
            assert_eq!(c.timeout_class(), TimeoutClass::Bounded);
            assert!(c.output_is_secret(), "{c}");
            assert!(c.requirements().is_empty());
        }
    }
    assert_eq!(
        export_command(&Scope::Global, true).redacted_argv(),
        ["config:export", "--global", "--merged", "--format", "json"]
    );

    let get = get_command(&app_scope, &key("TOKEN"));
    assert!(!get.is_mutating() && get.output_is_secret());
    assert_eq!(get.timeout_class(), TimeoutClass::Bounded);
    let keys = keys_command(&app_scope, true);
    assert!(!keys.is_mutating() && !keys.output_is_secret());
    assert_eq!(
        keys.redacted_argv(),
        ["config:keys", "node-js-app", "--merged"]
    );

    // Changing an app's config restarts it unless told not to; the global
    // config restarts nothing.
    for (scope, no_restart, class) in [
        (&app_scope, false, TimeoutClass::LongRunning),
        (&app_scope, true, TimeoutClass::Bounded),
        (&Scope::Global, false, TimeoutClass::Bounded),
        (&Scope::Global, true, TimeoutClass::Bounded),
    ] {
        let set = set_command(scope, &vars, no_restart).unwrap();
        assert!(set.is_mutating());
        assert!(set.output_is_secret(), "config:set echoes the values");
        assert_eq!(set.timeout_class(), class, "{set}");
        let import = import_command(scope, &vars, no_restart, false).unwrap();
        assert!(import.is_mutating() && import.is_quiet());
        assert!(import.output_is_secret(), "config:import echoes the values");
        assert_eq!(import.timeout_class(), class, "{import}");
        assert_eq!(
            import.requirements(),
            [Requirement::Version(versions::CONFIG_IMPORT)]
        );
        let unset = unset_command(scope, &[key("TOKEN")], no_restart);
        assert!(unset.is_mutating());
        assert_eq!(unset.timeout_class(), class, "{unset}");
        let clear = clear_command(scope, no_restart);
        assert!(clear.is_mutating());
        assert_eq!(clear.timeout_class(), class, "{clear}");
    }
    assert_eq!(
        set_command(&app_scope, &vars, false).unwrap().app(),
        Some(&app())
    );
    assert_eq!(
        set_command(&Scope::Global, &vars, false).unwrap().app(),
        None
    );
}

#[tokio::test]
async fn config_set_never_shows_the_value_or_its_base64() {
    let vars = [
        (key("TOKEN"), SecretString::new(SECRET)),
        (key("TLS_CERT"), TLS_CERT.into()),
    ];
    let set = set_command(&Scope::from(&app()), &vars, true).unwrap();
    assert_eq!(
        set.expose_argv(),
        [
            "config:set".to_owned(),
            "--encoded".to_owned(),
            "--no-restart".to_owned(),
            "node-js-app".to_owned(),
            format!("TOKEN={SECRET_B64}"),
            format!("TLS_CERT={TLS_CERT_B64}"),
        ]
    );
    assert_eq!(
        set.to_string(),
        "dokku config:set --encoded --no-restart node-js-app TOKEN=*** TLS_CERT=***"
    );
    assert_eq!(
        set.redacted_argv(),
        [
            "config:set",
            "--encoded",
            "--no-restart",
            "node-js-app",
            "TOKEN=***",
            "TLS_CERT=***"
        ]
    );
    assert!(set.has_secrets());

    // On a host with config:import no value is in the argv at all.
    let import = set_command_for(
        &Capabilities::for_version(V38),
        &Scope::from(&app()),
        &vars,
        true,
    )
    .unwrap();
    assert_eq!(
        import.expose_argv(),
        [
            "--quiet",
            "config:import",
            "--format",
            "json",
            "--no-restart",
            "node-js-app",
            "-"
        ]
    );
    assert_eq!(
        import.to_string(),
        "dokku --quiet config:import --format json --no-restart node-js-app -"
    );
    assert!(!import.has_secrets());

    for command in [&set, &import] {
        let shown = [
            command.to_string(),
            format!("{command:?}"),
            command.redacted_argv().join(" "),
        ];
        for text in &shown {
            for needle in [SECRET, SECRET_B64, "s3cret", "MIIB", TLS_CERT_B64] {
                assert!(!text.contains(needle), "{needle:?} in {text}");
            }
        }
    }

    // The builder behind the handler makes the same commands.
    for (version, expected) in [(V35, &set), (V38, &import)] {
        let (dokku, exec) = client(version, ScriptedExecutor::new());
        let built = dokku
            .config()
            .set(&app())
            .var(key("TOKEN"), SECRET)
            .var(key("TLS_CERT"), TLS_CERT)
            .no_restart()
            .command()
            .await
            .unwrap();
        assert_eq!(&built, expected);
        exec.verify().unwrap();
    }
}

#[test]
fn domains_command_metadata() {
    let d = [domain("www.example.com")];
    for verb in [DomainsVerb::Add, DomainsVerb::Set, DomainsVerb::Remove] {
        let c = app_command(verb, &app(), &d).unwrap();
        assert!(c.is_mutating());
        assert_eq!(c.app(), Some(&app()));
        assert_eq!(
            c.redacted_argv(),
            [verb.subcommand(), "node-js-app", "www.example.com"]
        );
        assert!(!c.has_secrets() && !c.output_is_secret());
    }
    for verb in [
        DomainsVerb::Clear,
        DomainsVerb::Enable,
        DomainsVerb::Disable,
    ] {
        let c = app_command(verb, &app(), &[]).unwrap();
        assert!(c.is_mutating());
        assert_eq!(c.redacted_argv(), [verb.subcommand(), "node-js-app"]);
    }
    for verb in [GlobalVerb::Add, GlobalVerb::Set, GlobalVerb::Remove] {
        let c = global_command(verb, &d).unwrap();
        assert!(c.is_mutating());
        assert_eq!(c.app(), None);
        assert_eq!(c.redacted_argv(), [verb.subcommand(), "www.example.com"]);
    }
    assert!(global_command(GlobalVerb::Clear, &[])
        .unwrap()
        .is_mutating());

    let domains = &plugins::DOMAINS;
    let json = report_command(domains, &ReportTarget::App(app()), Format::Json).unwrap();
    assert!(!json.is_mutating());
    assert_eq!(json.timeout_class(), TimeoutClass::Bounded);
    assert_eq!(
        json.requirements(),
        [Requirement::Version(versions::JSON_REPORTS)]
    );
    let text = report_command(domains, &ReportTarget::App(app()), Format::Text).unwrap();
    assert!(text.requirements().is_empty());
    assert_eq!(text.redacted_argv(), ["domains:report", "node-js-app"]);
    assert_eq!(
        report_command(domains, &ReportTarget::Global, Format::Json)
            .unwrap()
            .redacted_argv(),
        ["domains:report", "--global", "--format", "json"]
    );
    // Dokku 0.35's bash domains:report already special-cased --global
    // (fixture domains/report-global-0.35.txt): no version needed.
    assert!(report_command(domains, &ReportTarget::Global, Format::Text)
        .unwrap()
        .requirements()
        .is_empty());
    let all = report_command(domains, &ReportTarget::All, Format::Text).unwrap();
    assert!(!all.is_mutating() && all.requirements().is_empty());
}

#[test]
fn logs_command_metadata() {
    let options = LogOptions {
        num: Some(5),
        process: Some(ProcessType::web()),
        quiet: false,
    };
    let snapshot = logs_command(&app(), &options, false);
    assert!(!snapshot.is_mutating());
    assert_eq!(snapshot.timeout_class(), TimeoutClass::Bounded);
    assert_eq!(
        snapshot.redacted_argv(),
        ["logs", "node-js-app", "--num", "5", "--ps", "web"]
    );
    let follow = logs_command(&app(), &LogOptions::default(), true);
    assert!(!follow.is_mutating());
    assert_eq!(follow.timeout_class(), TimeoutClass::Follow);
    assert_eq!(follow.redacted_argv(), ["logs", "node-js-app", "--tail"]);
    assert_eq!(follow.app(), Some(&app()));

    let failed = failed_command(&Target::All);
    assert!(!failed.is_mutating());
    assert_eq!(failed.timeout_class(), TimeoutClass::Bounded);
    assert_eq!(failed.redacted_argv(), ["logs:failed", "--all"]);
    assert_eq!(failed_command(&Target::from(&app())).app(), Some(&app()));

    // The handler's builder makes the same commands.
    let (dokku, exec) = client(V38, ScriptedExecutor::new());
    let query = dokku.logs().app(&app()).num(5).process(ProcessType::web());
    assert_eq!(query.command(false), snapshot);
    assert_eq!(query.command(true).timeout_class(), TimeoutClass::Follow);
    exec.verify().unwrap();
}

// ------------------------------------------------------------- refusals

#[tokio::test]
async fn empty_or_misplaced_arguments_are_refused_before_sending() {
    // No expectations: any command sent would be a problem for verify().
    let (dokku, exec) = client(V38, ScriptedExecutor::new());
    let invalid = |r: Result<(), Error>, what: &str| match r {
        Err(Error::InvalidArgument { what: w, .. }) => assert_eq!(w, what),
        other => panic!("{what}: {other:?}"),
    };
    invalid(dokku.config().set(&app()).send().await, "config:set");
    invalid(
        dokku.config().set(Scope::Global).no_restart().send().await,
        "config:set",
    );
    invalid(
        dokku.config().unset(&app()).send().await.map(drop),
        "config:unset",
    );
    invalid(
        dokku.config().unset(Scope::Global).send().await.map(drop),
        "config:unset",
    );
    invalid(dokku.domains().add(&app(), &[]).await, "domains:add");
    invalid(dokku.domains().set(&app(), &[]).await, "domains:set");
    invalid(dokku.domains().remove(&app(), &[]).await, "domains:remove");
    invalid(dokku.domains().add_global(&[]).await, "domains:add-global");
    invalid(dokku.domains().set_global(&[]).await, "domains:set-global");
    invalid(
        dokku.domains().remove_global(&[]).await,
        "domains:remove-global",
    );
    let stream = dokku.config().set(&app()).stream().await;
    assert!(matches!(stream, Err(Error::InvalidArgument { .. })));
    exec.verify().unwrap();

    // Commands that take no domains refuse some (the handlers cannot pass
    // them; the pure builders can).
    let d = [domain("www.example.com")];
    for verb in [
        DomainsVerb::Clear,
        DomainsVerb::Enable,
        DomainsVerb::Disable,
    ] {
        let err = app_command(verb, &app(), &d).unwrap_err();
        assert!(
            matches!(err, Error::InvalidArgument { .. }),
            "{verb:?}: {err:?}"
        );
    }
    let err = global_command(GlobalVerb::Clear, &d).unwrap_err();
    assert!(
        matches!(
            err,
            Error::InvalidArgument {
                what: "domains:clear-global",
                ..
            }
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn json_reports_are_refused_on_a_host_too_old_for_them() {
    // Building the JSON form by hand for a 0.35 host: the client refuses it.
    let (dokku, exec) = client(V35, ScriptedExecutor::new());
    let err = dokku
        .run(&report_command(&plugins::DOMAINS, &ReportTarget::App(app()), Format::Json).unwrap())
        .await
        .unwrap_err();
    match err {
        Error::Unsupported { needs, version, .. } => {
            assert_eq!(needs, Requirement::Version(versions::JSON_REPORTS));
            assert_eq!(version, V35);
        }
        other => panic!("{other:?}"),
    }
    exec.verify().unwrap();
}

// --------------------------------------------------------------- secrets

fn assert_hidden(err: &Error) {
    let shown = [err.to_string(), format!("{err:?}"), format!("{err:#?}")];
    for text in &shown {
        for needle in [SECRET, SECRET_B64, "s3cret"] {
            assert!(!text.contains(needle), "{needle:?} leaked: {text}");
        }
    }
}

#[tokio::test]
async fn a_failed_config_set_does_not_reveal_the_value() {
    let encoded: Vec<String> = [
        "config:set".to_owned(),
        "--encoded".to_owned(),
        "--no-restart".to_owned(),
        "node-js-app".to_owned(),
        format!("TOKEN={SECRET_B64}"),
    ]
    .into();
    let imported = import_argv(&["--no-restart"], "node-js-app");
    for (version, argv, line) in [
        (
            V35,
            encoded,
            "dokku config:set --encoded --no-restart node-js-app TOKEN=***",
        ),
        (
            V38,
            imported,
            "dokku --quiet config:import --format json --no-restart node-js-app -",
        ),
    ] {
        let (dokku, exec) = client(
            version,
            ScriptedExecutor::new()
                .expect(argv.clone(), failure(1, " !     Invalid key name\n"))
                // Dokku echoed the value on stdout, then the restart failed.
                .expect(
                    argv.clone(),
                    Output::new(
                        ExitStatus::code(1),
                        format!(
                            "-----> Setting config var TOKEN={SECRET}\n-----> Setting config vars\n       TOKEN:  {SECRET}\n-----> Restarting app node-js-app\n"
                        ),
                        "",
                    ),
                )
                // A dropped connection: not retried (the command mutates).
                .expect_error(argv, || ExecError::Disconnected {
                    host: "dokku.example.com".to_owned(),
                }),
        );
        let set = || {
            dokku
                .config()
                .set(&app())
                .var(key("TOKEN"), SECRET)
                .no_restart()
                .send()
        };

        let err = set().await.unwrap_err();
        match &err {
            Error::CommandFailed {
                command, message, ..
            } => {
                assert_eq!(message, "Invalid key name");
                assert_eq!(command, line);
            }
            other => panic!("{other:?}"),
        }
        assert_hidden(&err);

        let err = set().await.unwrap_err();
        match &err {
            Error::CommandFailed { stdout, .. } => assert!(stdout.is_empty()),
            other => panic!("{other:?}"),
        }
        assert_hidden(&err);

        let err = set().await.unwrap_err();
        assert!(matches!(err, Error::Transport { .. }), "{err:?}");
        assert_hidden(&err);
        exec.verify().unwrap();
    }
}

#[tokio::test]
async fn a_failed_config_read_does_not_reveal_values() {
    let (dokku, exec) = client(
        V38,
        ScriptedExecutor::new()
            .expect(
                ["config:export", "node-js-app", "--format", "json"],
                Output::new(
                    ExitStatus::code(1),
                    format!("{{\"TOKEN\":\"{SECRET}\"}}\n"),
                    "",
                ),
            )
            // Exit 0 but not JSON: the parse error names a position only.
            .expect_ok(
                ["config:export", "node-js-app", "--format", "json"],
                &format!("TOKEN={SECRET}\n"),
            )
            .expect(
                ["config:get", "node-js-app", "TOKEN"],
                Output::new(ExitStatus::code(2), format!("{SECRET}\n"), ""),
            ),
    );
    let err = dokku.config().export(&app()).await.unwrap_err();
    assert_hidden(&err);
    let err = dokku.config().export(&app()).await.unwrap_err();
    assert!(matches!(err, Error::Parse { .. }), "{err:?}");
    assert_hidden(&err);
    let err = dokku.config().get(&app(), &key("TOKEN")).await.unwrap_err();
    assert_hidden(&err);
    exec.verify().unwrap();
}

// ------------------------------------------------- a corrupt stored env

#[tokio::test]
async fn an_unreadable_stored_environment_is_a_typed_error_that_quotes_no_value() {
    let unterminated = fixture("config/export-corrupt-unterminated.txt");
    let unexpected = fixture("config/keys-corrupt.txt");
    let (dokku, exec) = client(
        V38,
        ScriptedExecutor::new()
            .expect(
                ["config:export", "node-js-app", "--format", "json"],
                unterminated.clone(),
            )
            .expect(["config:keys", "node-js-app"], unexpected.clone())
            .expect(
                ["config:export", "--global", "--format", "json"],
                unterminated.clone(),
            )
            .expect(
                [
                    "config:export",
                    "node-js-app",
                    "--merged",
                    "--format",
                    "json",
                ],
                unexpected.clone(),
            )
            .expect(import_argv(&["--no-restart"], "node-js-app"), unterminated)
            .with_stdin("{\"B\":\"y\"}")
            // config:get cannot tell: it exits 1 silently, and the
            // follow-up config:keys says why.
            .expect(
                ["config:get", "node-js-app", "OTHER"],
                fixture("config/get-corrupt.txt"),
            )
            .expect(["config:keys", "node-js-app"], unexpected),
    );
    let config = dokku.config();
    let errors = [
        config.export(&app()).await.unwrap_err(),
        config.keys(&app()).await.unwrap_err(),
        config.export(Scope::Global).await.unwrap_err(),
        config.export_merged(&app()).await.unwrap_err(),
        config
            .set(&app())
            .var(key("B"), "y")
            .no_restart()
            .send()
            .await
            .unwrap_err(),
        config.get(&app(), &key("OTHER")).await.unwrap_err(),
    ];
    let node = Some("node-js-app".to_owned());
    let scopes = [
        (node.clone(), false),
        (node.clone(), false),
        (None, true),
        (node.clone(), true),
        (node.clone(), false),
        (node.clone(), false),
    ];
    for (err, want) in errors.iter().zip(scopes) {
        match err {
            Error::CorruptConfig {
                app,
                global,
                problem,
                ..
            } => {
                assert_eq!((app.clone(), *global), want);
                assert!(
                    problem.starts_with("unterminated quoted value")
                        || problem.starts_with("unexpected character"),
                    "{problem}"
                );
            }
            other => panic!("{other:?}"),
        }
        let shown = [err.to_string(), format!("{err:?}")];
        for text in &shown {
            // The stored values the messages quoted.
            for needle in ["she said", "lima", "omega", "OTHER=", "hi\\"] {
                assert!(!text.contains(needle), "{needle:?} leaked: {text}");
            }
        }
        assert!(err.to_string().contains("admin"), "{err}");
    }
    exec.verify().unwrap();
}

#[tokio::test]
async fn an_envfile_import_error_is_about_the_input_and_is_redacted() {
    // Recorded (surface seq 1243): the input quoted in the error. It is not
    // a corrupt stored environment; the message still must not leak.
    let cmd = dokku_core::Command::write("config:import")
        .args(["--no-restart", "node-js-app", "-"])
        .stdin(b"{\"JSONKEY\":\"v\"}".to_vec());
    let err =
        dokku_core::parse::expect_success(&cmd, fixture("config/import-envfile-json-input.txt"))
            .unwrap_err();
    match &err {
        Error::CommandFailed { message, .. } => {
            assert_eq!(message, "unexpected character [stored values hidden]");
        }
        other => panic!("{other:?}"),
    }
    assert!(!format!("{err:?}").contains("JSONKEY"));
}
