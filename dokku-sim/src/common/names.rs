//! App names, as `plugins/common/common.go` checks and lists them.

use dokku_core::DokkuVersion;

use super::versions::V0_38_2;
use crate::host::SimHost;
use crate::out::Out;

/// `common.NoAppsExist`.
pub const NO_APPS: &str = "You haven't deployed any applications yet";
/// `IsValidAppName` on an empty name.
pub const NO_APP: &str = "Please specify an app to run the command on";

/// `IsValidAppName`'s complaint on a Dokku `version`.
pub fn invalid_name(version: DokkuVersion) -> &'static str {
    if version >= V0_38_2 {
        "App name must begin with lowercase alphanumeric character, and may only contain lowercase alphanumerics, dots, and hyphens"
    } else {
        "App name must begin with lowercase alphanumeric character, and cannot include uppercase characters, colons, or underscores"
    }
}

/// `IsValidAppName` or, with `legacy`, the rule for names created before
/// it (`IsValidAppNameOld`), on a Dokku `version`: from 0.38.2
/// `^[a-z0-9][a-z0-9.-]*$` (legacy: underscores too), before it
/// `^[a-z0-9][^/:_A-Z]*$` (legacy: underscores too).
pub fn name_matches(version: DokkuVersion, name: &str, legacy: bool) -> bool {
    let mut chars = name.chars();
    match chars.next() {
        Some(c) if c.is_ascii_lowercase() || c.is_ascii_digit() => {}
        _ => return false,
    }
    if version >= V0_38_2 {
        return chars.all(|c| {
            c.is_ascii_lowercase()
                || c.is_ascii_digit()
                || c == '.'
                || c == '-'
                || (legacy && c == '_')
        });
    }
    // A negated class in Go's RE2 matches any other rune, newlines and
    // non-ASCII included.
    chars.all(|c| !(c == '/' || c == ':' || c.is_ascii_uppercase() || (!legacy && c == '_')))
}

/// `common.IsValidAppName`: the rule for new names. Prints the failure.
pub fn check_new_name(out: &mut Out, version: DokkuVersion, name: &str) -> bool {
    if name.is_empty() {
        out.fail(NO_APP);
        false
    } else if !name_matches(version, name, false) {
        out.fail(invalid_name(version));
        false
    } else {
        true
    }
}

/// `common.DokkuApps`: the app directories in `ReadDir` order (sorted by
/// name), without dot-directories and names starting with an upper-case
/// letter.
pub fn dokku_apps(host: &SimHost) -> Vec<String> {
    host.apps
        .keys()
        .filter(|name| {
            !name.starts_with('.') && !name.chars().next().is_some_and(char::is_uppercase)
        })
        .cloned()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::host::profiles::{V0_35_20, V0_38_27};

    #[test]
    fn name_rules_per_version() {
        for version in [V0_35_20, V0_38_27] {
            assert!(name_matches(version, "node-js-app", false));
            assert!(name_matches(version, "my.dotted.app", false));
            assert!(!name_matches(version, "Node_App", false));
            assert!(!name_matches(version, "-app", false));
            assert!(!name_matches(version, "a_b", false));
            assert!(name_matches(version, "a_b", true));
            assert!(!name_matches(version, "a:b", true));
            assert!(!name_matches(version, "", true));
        }
        // 0.38.2 narrowed the rule to letters, digits, dots and hyphens.
        assert!(name_matches(V0_35_20, "a+b", false));
        assert!(!name_matches(V0_38_27, "a+b", false));
        assert!(!name_matches(V0_38_27, "a+b", true));
    }
}
