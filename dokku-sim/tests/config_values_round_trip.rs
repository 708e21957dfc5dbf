//! The evidence for dokku-core's storage rule ([`StoreRules`]): over
//! arbitrary values, a value the SDK accepts comes back exactly through the
//! simulator's model of Dokku's store-and-read (godotenv's writer and
//! reader, as Dokku pins them), also after a later write of another key;
//! and a value it refuses would not have. On Dokku 0.38.27 (godotenv
//! v1.5.1) the two are equivalent; on 0.35.20 (v1.2.0) the SDK also
//! refuses what breaks after the upgrade to 0.37.8, so there a refusal
//! means "corrupted on this host, or on the same host upgraded".
//!
//! The simulator's godotenv model is its own code, written from godotenv's
//! source; the rule is dokku-core's. Neither calls the other.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;

use base64::Engine as _;
use dokku_core::model::config::{StoreRules, ValueHazard};
use dokku_core::{AppName, Capabilities, ConfigKey, Dokku, DokkuVersion, Error, SecretString};
use dokku_sim::host::{profiles, SimHost};
use dokku_sim::{dispatch, SimExecutor};
use proptest::prelude::*;

const APP: &str = "values";

fn host(version: DokkuVersion, others: &BTreeMap<String, String>) -> SimHost {
    let mut host = SimHost::new(version);
    let out = dispatch(&mut host, &["apps:create".to_owned(), APP.to_owned()], b"");
    assert_eq!(out.output().code, 0);
    host.apps.get_mut(APP).unwrap().config = others.clone();
    host
}

fn run(host: &mut SimHost, argv: &[&str]) -> (i32, String) {
    let argv: Vec<String> = argv.iter().map(|a| (*a).to_owned()).collect();
    let out = dispatch(host, &argv, b"");
    let out = out.output();
    (out.code, String::from_utf8_lossy(&out.stdout).into_owned())
}

/// What `config:export --format json` reads back, or `None` if it fails.
fn read_back(host: &mut SimHost) -> Option<BTreeMap<String, String>> {
    let (code, stdout) = run(host, &["config:export", "--format", "json", APP]);
    (code == 0).then(|| serde_json::from_str(&stdout).unwrap())
}

/// Store `value` under `key` past every check of the SDK (`config:set
/// --encoded`, exact on the wire), read it back, write another key, read
/// it back again: whether Dokku gave the value (and every other key) back
/// exactly both times.
fn survives(
    version: DokkuVersion,
    others: &BTreeMap<String, String>,
    key: &str,
    value: &str,
) -> bool {
    let mut host = host(version, others);
    let encoded = base64::engine::general_purpose::STANDARD.encode(value);
    let (code, _) = run(
        &mut host,
        &[
            "config:set",
            "--encoded",
            "--no-restart",
            APP,
            &format!("{key}={encoded}"),
        ],
    );
    if code != 0 {
        return false;
    }
    let mut expected = others.clone();
    expected.insert(key.to_owned(), value.to_owned());
    if read_back(&mut host).as_ref() != Some(&expected) {
        return false;
    }
    // Stage two: any later write rewrites every value from what was read.
    let (code, _) = run(&mut host, &["config:set", "--no-restart", APP, "LATER=x"]);
    expected.insert("LATER".to_owned(), "x".to_owned());
    code == 0 && read_back(&mut host).as_ref() == Some(&expected)
}

/// The same value through the SDK: `config().set()` (config:import with
/// JSON on stdin on 0.38.27, config:set --encoded on 0.35.20), then the
/// typed export. `Err` is the SDK's refusal.
fn through_the_sdk(
    version: DokkuVersion,
    others: &BTreeMap<String, String>,
    key: &ConfigKey,
    value: &str,
) -> Result<bool, ValueHazard> {
    let sim = SimExecutor::new(host(version, others));
    let dokku = Dokku::new(sim).with_capabilities(Capabilities::for_version(version));
    let app = AppName::new(APP).unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        match dokku
            .config()
            .set(&app)
            .var(key.clone(), SecretString::new(value))
            .no_restart()
            .send()
            .await
        {
            Err(Error::UnstorableConfigValue { key: named, hazard }) => {
                assert_eq!(named, key.as_str());
                return Err(hazard);
            }
            Err(other) => panic!("{other:?}"),
            Ok(()) => {}
        }
        let vars = dokku.config().export(&app).await.unwrap();
        Ok(vars.get(key).map(|v| v.expose()) == Some(value))
    })
}

/// Values from the characters that matter to godotenv (quotes,
/// backslashes, `$`, `#`, newlines, `=`/`:`, spaces), numbers in every
/// spelling, and arbitrary Unicode.
fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => proptest::collection::vec(
            prop_oneof![
                Just("\\"), Just("\""), Just("'"), Just("$"), Just("#"), Just("!"), Just("`"),
                Just("\n"), Just("\r"), Just("\t"), Just(" "), Just("="), Just(":"), Just("{"),
                Just("}"), Just("("), Just("n"), Just("r"), Just("a"), Just("Z"), Just("_"),
                Just("0"), Just("7"), Just("+"), Just("-"), Just("."), Just("é"), Just("\u{a0}"),
                Just("\u{85}"), Just("export "), Just("\0"),
            ],
            0..12,
        )
        .prop_map(|parts| parts.concat()),
        2 => "[+-]?[0-9]{1,20}",
        // Ending in a backslash or a quote, after anything.
        1 => ("[a-z \"\\\\]{0,6}", prop_oneof![Just("\\"), Just("\"")])
            .prop_map(|(a, b)| a + b),
        // `#` among quotes: what godotenv v1.2.0's comment heuristic cuts.
        2 => "[#\"' a$\\\\]{1,10}",
        2 => "[#\"' a]{1,10}[a ]",
        1 => any::<String>(),
    ]
}

/// Other keys already set, with values Dokku stores intact.
fn others() -> impl Strategy<Value = BTreeMap<String, String>> {
    proptest::collection::btree_map(
        prop_oneof![
            Just("AAA"),
            Just("MID"),
            Just("ZZZ"),
            Just("K_2"),
            Just("URL")
        ],
        prop_oneof![
            Just("postgres://u:p@h:5432/db"),
            Just("lima"),
            Just("5"),
            Just("two words"),
            Just("multi\nline"),
            Just("it's \"quoted\" here"),
        ],
        0..4,
    )
    .prop_map(|m| {
        m.into_iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect()
    })
}

fn key() -> impl Strategy<Value = &'static str> {
    prop_oneof![Just("A"), Just("KEY"), Just("MSG"), Just("ZZZZ")]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn on_0_38_27_accepted_is_exactly_what_dokku_gives_back(
        key in key(),
        value in value(),
        others in others(),
    ) {
        let config_key = ConfigKey::new(key).unwrap();
        let accepted = StoreRules::GODOTENV_1_5.check(&config_key, &value).is_ok();
        let survives = survives(profiles::V0_38_27, &others, key, &value);
        prop_assert_eq!(accepted, survives, "value {:?}", value);
        match through_the_sdk(profiles::V0_38_27, &others, &config_key, &value) {
            Ok(exact) => prop_assert!(accepted && exact, "value {:?}", value),
            Err(_) => prop_assert!(!accepted, "value {:?}", value),
        }
    }

    #[test]
    fn on_0_35_20_accepted_survives_here_and_after_the_upgrade(
        key in key(),
        value in value(),
        others in others(),
    ) {
        let config_key = ConfigKey::new(key).unwrap();
        let rules = StoreRules::for_host(&Capabilities::for_version(profiles::V0_35_20));
        let here = survives(profiles::V0_35_20, &others, key, &value);
        let upgraded = survives(profiles::V0_38_27, &others, key, &value);
        match rules.check(&config_key, &value) {
            Ok(()) => prop_assert!(here && upgraded, "value {:?}", value),
            // The godotenv v1.2.0 rules are exact for v1.2.0 …
            Err(ValueHazard::CommentCut | ValueHazard::LineTooLong) => {
                prop_assert!(!here, "value {:?}", value);
            }
            // … the others are what the upgrade breaks.
            Err(_) => prop_assert!(!upgraded, "value {:?}", value),
        }
        let sdk = through_the_sdk(profiles::V0_35_20, &others, &config_key, &value);
        prop_assert_eq!(sdk.is_ok(), rules.check(&config_key, &value).is_ok());
        if let Ok(exact) = sdk {
            prop_assert!(exact, "value {:?}", value);
        }
    }
}

#[test]
fn the_line_length_limit_of_godotenv_1_2_is_where_the_rule_puts_it() {
    let key = ConfigKey::new("K").unwrap();
    let rules = StoreRules::for_host(&Capabilities::for_version(profiles::V0_35_20));
    let none = BTreeMap::new();
    // `K="…"`: three bytes of line around the value.
    for len in [65_530, 65_532, 65_533] {
        let value = "x".repeat(len);
        let line = len + 4;
        assert_eq!(
            rules.check(&key, &value).is_ok(),
            survives(profiles::V0_35_20, &none, "K", &value),
            "a {line}-byte line"
        );
    }
    // On 0.35.20 an unreadable file reads as empty (the reader's error was
    // dropped before 0.37.0): the next write loses every other key.
    let mut others = BTreeMap::new();
    others.insert("KEEP".to_owned(), "me".to_owned());
    assert!(!survives(
        profiles::V0_35_20,
        &others,
        "K",
        &"x".repeat(70_000)
    ));
}
