//! Property tests for the validated names: each validator agrees with the
//! rule as Dokku writes it (a regex, checked here with the `regex` crate, not
//! with the validator's own code), and display/parse round-trips.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::HashMap;
use std::sync::{LazyLock, Mutex};

use dokku_core::{AppName, ConfigKey, Domain, ImageVersion, PluginName, ProcessType, ServiceName};
use proptest::prelude::*;
use regex::Regex;

/// Short strings over an alphabet that hits every rule's edges.
fn candidate() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-Z0-9._*: /-]{0,12}",
        "[a-z0-9][a-z0-9.-]{0,10}",
        "[a-z0-9][a-z0-9._-]{0,10}",
        "[A-Za-z_][A-Za-z0-9_]{0,10}",
        "(\\*\\.)?([a-z0-9-]{1,5}\\.){0,3}[a-z0-9-]{1,5}",
        any::<String>().prop_map(|s| s.chars().take(12).collect()),
    ]
}

/// `pattern` compiled once per run rather than once per case (compiling
/// was most of this file's run time).
fn rule(pattern: &str) -> Regex {
    static RULES: LazyLock<Mutex<HashMap<String, Regex>>> = LazyLock::new(Default::default);
    let mut rules = RULES.lock().unwrap();
    rules
        .entry(pattern.to_owned())
        .or_insert_with(|| Regex::new(pattern).unwrap())
        .clone()
}

fn agrees(pattern: &str, s: &str, accepted: bool) -> Result<(), TestCaseError> {
    prop_assert_eq!(
        accepted,
        rule(pattern).is_match(s),
        "rule {} on {:?}",
        pattern,
        s
    );
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// Dokku's create rule, and the name is a DNS name (it becomes the
    /// app's default hostname): labels of 1 to 63 bytes, 253 in all.
    #[test]
    fn app_names_follow_dokkus_create_rule_as_dns_names(s in candidate()) {
        let dokku = rule(r"^[a-z0-9][a-z0-9.-]*$").is_match(&s);
        let dns = rule(r"^[a-z0-9-]{1,63}(\.[a-z0-9-]{1,63})*$").is_match(&s)
            && s.len() <= 253;
        prop_assert_eq!(AppName::new(&s).is_ok(), dokku && dns, "{:?}", s);
    }

    #[test]
    fn long_app_name_labels_are_refused(n in 1usize..130, dotted in any::<bool>()) {
        let label = "a".repeat(n);
        let name = if dotted { format!("app.{label}") } else { label };
        prop_assert_eq!(AppName::new(&name).is_ok(), n <= 63, "{:?}", name);
    }

    #[test]
    fn image_versions_are_docker_tags(s in candidate()) {
        agrees(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$", &s, ImageVersion::new(&s).is_ok())?;
    }

    #[test]
    fn legacy_app_names_follow_dokkus_rule_for_existing_apps(s in candidate()) {
        agrees(r"^[a-z0-9][^/:A-Z]*$", &s, AppName::legacy(&s).is_ok())?;
    }

    #[test]
    fn config_keys_are_shell_identifiers(s in candidate()) {
        agrees(r"^[A-Za-z_][A-Za-z0-9_]*$", &s, ConfigKey::new(&s).is_ok())?;
    }

    #[test]
    fn process_types(s in candidate()) {
        agrees(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$", &s, ProcessType::new(&s).is_ok())?;
    }

    #[test]
    fn service_names(s in candidate()) {
        agrees(r"^[A-Za-z0-9][A-Za-z0-9_-]*$", &s, ServiceName::new(&s).is_ok())?;
    }

    #[test]
    fn plugin_names(s in candidate()) {
        agrees(r"^[A-Za-z0-9][A-Za-z0-9._-]*$", &s, PluginName::new(&s).is_ok())?;
    }

    #[test]
    fn domains_are_rfc1123_hostnames(s in candidate()) {
        let label = r"[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?";
        let rule = format!(r"^(\*\.)?({label}\.)*{label}$");
        let lower = s.to_ascii_lowercase();
        let accepted = Domain::new(&s).is_ok();
        agrees(&rule, &lower, accepted && lower.len() <= 253)?;
    }

    #[test]
    fn display_and_parse_round_trip(s in candidate()) {
        if let Ok(name) = AppName::legacy(&s) {
            let shown = format!("{name}");
            prop_assert_eq!(AppName::legacy(&shown).unwrap(), name.clone());
            let json = serde_json::to_string(&name).unwrap();
            prop_assert_eq!(serde_json::from_str::<AppName>(&json).unwrap(), name);
        }
        if let Ok(key) = s.parse::<ConfigKey>() {
            prop_assert_eq!(key.to_string().parse::<ConfigKey>().unwrap(), key);
        }
        if let Ok(domain) = Domain::new(&s) {
            prop_assert_eq!(Domain::new(domain.as_str()).unwrap(), domain);
        }
        if let Ok(p) = ProcessType::try_from(s.clone()) {
            prop_assert_eq!(ProcessType::try_from(p.as_ref()).unwrap(), p);
        }
    }

    #[test]
    fn no_valid_name_can_be_read_as_a_flag(s in candidate()) {
        for ok in [
            AppName::legacy(&s).is_ok(),
            ProcessType::new(&s).is_ok(),
            ConfigKey::new(&s).is_ok(),
            ServiceName::new(&s).is_ok(),
            PluginName::new(&s).is_ok(),
            Domain::new(&s).is_ok(),
        ] {
            prop_assert!(!ok || !s.starts_with('-'));
        }
    }
}
