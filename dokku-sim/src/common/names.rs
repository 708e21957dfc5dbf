//! App names, as `plugins/common/common.go` checks and lists them.

use crate::host::SimHost;
use crate::out::Out;

/// `common.NoAppsExist`.
pub const NO_APPS: &str = "You haven't deployed any applications yet";
/// `IsValidAppName`'s complaint.
pub const INVALID_NAME: &str = "App name must begin with lowercase alphanumeric character, and cannot include uppercase characters, colons, or underscores";
/// `IsValidAppName` on an empty name.
pub const NO_APP: &str = "Please specify an app to run the command on";

/// `IsValidAppName` (`^[a-z0-9][^/:_A-Z]*$`) or, with `legacy`,
/// `isValidAppNameOld` (`^[a-z0-9][^/:A-Z]*$`, underscores allowed).
pub fn name_matches(name: &str, legacy: bool) -> bool {
    let mut chars = name.chars();
    match chars.next() {
        Some(c) if c.is_ascii_lowercase() || c.is_ascii_digit() => {}
        _ => return false,
    }
    // A negated class in Go's RE2 matches any other rune, newlines and
    // non-ASCII included.
    chars.all(|c| !(c == '/' || c == ':' || c.is_ascii_uppercase() || (!legacy && c == '_')))
}

/// `common.IsValidAppName`: the rule for new names. Prints the failure.
pub fn check_new_name(out: &mut Out, name: &str) -> bool {
    if name.is_empty() {
        out.fail(NO_APP);
        false
    } else if !name_matches(name, false) {
        out.fail(INVALID_NAME);
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

    #[test]
    fn name_rules() {
        assert!(name_matches("node-js-app", false));
        assert!(name_matches("my.dotted.app", false));
        assert!(!name_matches("Node_App", false));
        assert!(!name_matches("-app", false));
        assert!(!name_matches("a_b", false));
        assert!(name_matches("a_b", true));
        assert!(!name_matches("a:b", true));
        assert!(!name_matches("", true));
    }
}
