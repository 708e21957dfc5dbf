//! A property the catalog marks secret is redacted wherever its command is
//! shown, and the command's echo of it is secret output; the catalog
//! decides, not the caller.
//!
//! `<plugin>:set (<app>|--global) <key> <value>` sends a secret property's
//! value as a secret argument (`***` in `redacted_argv()`, `Display` and
//! `Debug`, exposed only on the wire), and marks the output secret because
//! Dokku echoes what it set. A plain property of the same plugin stays
//! visible; unsetting a secret property sends nothing secret; a raw argv
//! typed by a person is marked exactly as the handler's command is.
//!
//! These use the catalogued plugins (logs' vector sinks, letsencrypt's
//! `dns-provider-*` credentials, and every secret property in the
//! catalog). A plugin of one's own cannot be described from outside
//! dokku-core yet: `catalog::Plugin` is `#[non_exhaustive]` and has no
//! public constructor.
#![cfg(feature = "test-util")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use dokku_core::api::Scope;
use dokku_core::catalog::{self, plugins, ValueKind};
use dokku_core::model::logs::LogsReport;
use dokku_core::testing::ScriptedExecutor;
use dokku_core::{AppName, Command, Dokku};

const SINK: &str = "datadog_logs://?api_key=s3cr3tkey&site=datadoghq.eu";

/// A client for pure builders; it never runs anything.
fn offline() -> Dokku {
    Dokku::new(ScriptedExecutor::new())
}

fn app() -> AppName {
    AppName::new("node-js-app").unwrap()
}

/// The secret is nowhere but on the wire.
fn assert_hidden(command: &Command, secret: &str) {
    assert!(command.has_secrets(), "{command}");
    assert!(!command.to_string().contains(secret), "{command}");
    assert!(
        command.redacted_argv().iter().all(|a| !a.contains(secret)),
        "{:?}",
        command.redacted_argv()
    );
    assert!(!format!("{command:?}").contains(secret));
    assert!(command.expose_argv().contains(&secret));
    assert!(command.output_is_secret(), "{command}: the echo is secret");
}

#[test]
fn a_secret_property_value_is_redacted_and_its_echo_is_secret() {
    let dokku = offline();
    let logs = dokku.properties(&plugins::LOGS);
    let set = logs
        .command(&Scope::App(app()), "vector-sink", Some(SINK))
        .unwrap();
    assert_eq!(
        set.redacted_argv(),
        ["logs:set", "node-js-app", "vector-sink", "***"]
    );
    assert_eq!(
        set.to_string(),
        "dokku logs:set node-js-app vector-sink ***"
    );
    assert_eq!(
        set.expose_argv(),
        ["logs:set", "node-js-app", "vector-sink", SINK]
    );
    assert!(set.is_mutating());
    assert_hidden(&set, SINK);

    let global = logs
        .command(&Scope::Global, "vector-cron-sink", Some(SINK))
        .unwrap();
    assert_eq!(
        global.to_string(),
        "dokku logs:set --global vector-cron-sink ***"
    );
    assert_hidden(&global, SINK);
}

#[test]
fn a_plain_property_of_the_same_plugin_stays_visible() {
    let dokku = offline();
    let set = dokku
        .properties(&plugins::LOGS)
        .command(&Scope::App(app()), "max-size", Some("50m"))
        .unwrap();
    assert_eq!(
        set.redacted_argv(),
        ["logs:set", "node-js-app", "max-size", "50m"]
    );
    assert!(!set.has_secrets());
    assert!(!set.output_is_secret());
}

#[test]
fn a_secret_key_prefix_covers_every_key_under_it_but_not_the_bare_key() {
    let dokku = offline();
    let le = dokku.properties(&plugins::LETSENCRYPT);
    let credential = le
        .command(
            &Scope::Global,
            "dns-provider-AWS_SECRET_ACCESS_KEY",
            Some("wJalrXUtnFEMI"),
        )
        .unwrap();
    assert_eq!(
        credential.redacted_argv(),
        [
            "letsencrypt:set",
            "--global",
            "dns-provider-AWS_SECRET_ACCESS_KEY",
            "***"
        ]
    );
    assert_hidden(&credential, "wJalrXUtnFEMI");

    // `dns-provider` names the provider: not a credential.
    let provider = le
        .command(&Scope::Global, "dns-provider", Some("route53"))
        .unwrap();
    assert_eq!(provider.redacted_argv()[3], "route53");
    assert!(!provider.has_secrets() && !provider.output_is_secret());
}

#[test]
fn unsetting_a_secret_property_sends_nothing_secret() {
    let dokku = offline();
    let unset = dokku
        .properties(&plugins::LOGS)
        .command(&Scope::App(app()), "vector-sink", None)
        .unwrap();
    assert_eq!(
        unset.redacted_argv(),
        ["logs:set", "node-js-app", "vector-sink"]
    );
    assert!(!unset.has_secrets());
    assert!(!unset.output_is_secret());
}

#[test]
fn a_raw_argv_is_marked_as_the_handler_marks_it() {
    let dokku = offline();
    let built = dokku
        .properties(&plugins::LOGS)
        .command(&Scope::App(app()), "vector-sink", Some(SINK))
        .unwrap();
    let raw = Command::new("logs:set").args(["node-js-app", "vector-sink", SINK]);
    assert_eq!(raw.redacted_argv(), built.redacted_argv());
    assert_eq!(raw.to_string(), built.to_string());
    assert_eq!(raw.expose_argv(), built.expose_argv());
    assert_hidden(&raw, SINK);
}

#[test]
fn reading_a_secret_property_by_its_info_flag_is_secret_output() {
    let dokku = offline();
    let reports = dokku.report::<LogsReport>();
    let sink = reports
        .flag_command(&Scope::App(app()), "logs-vector-sink")
        .unwrap();
    assert!(sink.output_is_secret() && !sink.is_mutating());
    // Its global and computed values too, prefixed or bare.
    for key in [
        "logs-global-vector-sink",
        "logs-computed-vector-cron-sink",
        "global-vector-sink",
    ] {
        let flag = reports.flag_command(&Scope::Global, key).unwrap();
        assert!(flag.output_is_secret(), "{key}");
    }
    let size = reports
        .flag_command(&Scope::App(app()), "logs-max-size")
        .unwrap();
    assert!(!size.output_is_secret());
}

#[test]
fn every_secret_property_in_the_catalog_is_redacted() {
    let dokku = offline();
    let mut checked = Vec::new();
    for plugin in catalog::CATALOG {
        for (n, property) in plugin.properties.iter().enumerate() {
            if !property.secret {
                continue;
            }
            let key = match property.key.strip_suffix('*') {
                Some(prefix) => format!("{prefix}SOME_CREDENTIAL"),
                None => property.key.to_owned(),
            };
            let secret = format!("s3cr3t-{}-{n}", plugin.name);
            let value = match property.kind {
                ValueKind::Text => secret.clone(),
                other => panic!("{}:{key} is secret but {other:?}", plugin.name),
            };
            let scope = if property.allows(true) {
                Scope::Global
            } else {
                Scope::App(app())
            };
            let set = dokku
                .properties(plugin)
                .command(&scope, &key, Some(&value))
                .unwrap_or_else(|e| panic!("{}:{key}: {e}", plugin.name));
            assert_eq!(
                set.subcommand(),
                format!("{}:{}", plugin.name, plugin.set_verb)
            );
            assert_eq!(set.redacted_argv().last().map(String::as_str), Some("***"));
            assert_hidden(&set, &secret);
            checked.push(format!("{}:{}", plugin.name, property.key));
        }
    }
    checked.sort();
    assert_eq!(
        checked,
        [
            "letsencrypt:dns-provider-*",
            "logs:vector-cron-sink",
            "logs:vector-sink",
            "scheduler-k3s:token",
            "traefik:basic-auth-password",
            "traefik:dns-provider-*"
        ]
    );
}
