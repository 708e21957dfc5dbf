//! Validated names: apps, process types, domains, config keys, services, plugins.
//!
//! Every name that reaches Dokku's command line passes through one of these
//! newtypes first. Validating at the edge means a handler can never send an
//! argument that Dokku would misread as a flag (no name may start with `-`), and
//! a user gets "which rule failed" before anything crosses the wire instead of a
//! confusing Dokku error after it.
//!
//! Each newtype has a private field, `FromStr`/`TryFrom<String>`/`TryFrom<&str>`,
//! a validating `Deserialize`, `Serialize`, `Display` and `AsRef<str>`.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Which rule a name broke.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum NameRule {
    /// The name was empty.
    Empty,
    /// The name was longer than `max` bytes.
    TooLong {
        /// The limit.
        max: usize,
    },
    /// The first character is not allowed there.
    BadFirstChar {
        /// The character.
        ch: char,
        /// What is allowed in that position.
        allowed: &'static str,
    },
    /// A character is not allowed at all.
    BadChar {
        /// The character.
        ch: char,
        /// Its byte offset.
        at: usize,
        /// What is allowed.
        allowed: &'static str,
    },
    /// The last character is not allowed there.
    BadLastChar {
        /// The character.
        ch: char,
        /// What is allowed in that position.
        allowed: &'static str,
    },
    /// A domain label (between dots) is empty or longer than 63 bytes.
    BadLabel {
        /// The 1-based label position.
        label: usize,
    },
}

impl fmt::Display for NameRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NameRule::Empty => f.write_str("it is empty"),
            NameRule::TooLong { max } => write!(f, "it is longer than {max} bytes"),
            NameRule::BadFirstChar { ch, allowed } => {
                write!(
                    f,
                    "it starts with {ch:?}; the first character must be {allowed}"
                )
            }
            NameRule::BadChar { ch, at, allowed } => {
                write!(
                    f,
                    "character {ch:?} at byte {at} is not allowed; use {allowed}"
                )
            }
            NameRule::BadLastChar { ch, allowed } => {
                write!(
                    f,
                    "it ends with {ch:?}; the last character must be {allowed}"
                )
            }
            NameRule::BadLabel { label } => write!(
                f,
                "label {label} is empty or longer than 63 bytes (labels are the parts between dots)"
            ),
        }
    }
}

/// A string was not a valid name of some kind.
///
/// The offending value is kept (names are not secrets) so the message can say
/// exactly what was wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid {kind} {value:?}: {rule}")]
#[non_exhaustive]
pub struct NameError {
    /// What kind of name it was meant to be, e.g. "app name".
    pub kind: &'static str,
    /// The rejected input.
    pub value: String,
    /// The rule it broke.
    pub rule: NameRule,
}

/// The shape of one kind of name: allowed first, middle and last characters.
struct Rule {
    kind: &'static str,
    max: usize,
    first: fn(char) -> bool,
    first_allowed: &'static str,
    rest: fn(char) -> bool,
    rest_allowed: &'static str,
    last: fn(char) -> bool,
    last_allowed: &'static str,
}

impl Rule {
    fn check(&self, value: &str) -> Result<(), NameError> {
        let fail = |rule| NameError {
            kind: self.kind,
            value: value.to_owned(),
            rule,
        };
        let mut chars = value.char_indices();
        let Some((_, first)) = chars.next() else {
            return Err(fail(NameRule::Empty));
        };
        if value.len() > self.max {
            return Err(fail(NameRule::TooLong { max: self.max }));
        }
        if !(self.first)(first) {
            return Err(fail(NameRule::BadFirstChar {
                ch: first,
                allowed: self.first_allowed,
            }));
        }
        for (at, ch) in chars {
            if !(self.rest)(ch) {
                return Err(fail(NameRule::BadChar {
                    ch,
                    at,
                    allowed: self.rest_allowed,
                }));
            }
        }
        match value.chars().last() {
            Some(last) if !(self.last)(last) => Err(fail(NameRule::BadLastChar {
                ch: last,
                allowed: self.last_allowed,
            })),
            _ => Ok(()),
        }
    }
}

fn lower_or_digit(c: char) -> bool {
    c.is_ascii_lowercase() || c.is_ascii_digit()
}
fn alnum(c: char) -> bool {
    c.is_ascii_alphanumeric()
}
fn any(_: char) -> bool {
    true
}

macro_rules! name_type {
    ($(#[$doc:meta])* $name:ident, $kind:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(String);

        impl $name {
            /// The name as a string slice.
            pub fn as_str(&self) -> &str {
                &self.0
            }
            /// The name as an owned string.
            pub fn into_string(self) -> String {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        /// A string in an OpenAPI document.
        #[cfg(feature = "openapi")]
        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                utoipa::openapi::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::schema::Type::String)
                    .description(Some(concat!("A Dokku ", $kind, ".")))
                    .into()
            }
        }

        #[cfg(feature = "openapi")]
        impl utoipa::ToSchema for $name {}

        impl FromStr for $name {
            type Err = NameError;
            fn from_str(s: &str) -> Result<Self, NameError> {
                Self::new(s)
            }
        }

        impl TryFrom<&str> for $name {
            type Error = NameError;
            fn try_from(s: &str) -> Result<Self, NameError> {
                Self::new(s)
            }
        }

        impl TryFrom<String> for $name {
            type Error = NameError;
            fn try_from(s: String) -> Result<Self, NameError> {
                Self::new(&s)
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(&self.0)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let raw = String::deserialize(d)?;
                Self::deserialize_from(raw).map_err(serde::de::Error::custom)
            }
        }
    };
}

// Dokku (plugins/common/functions `is_valid_app_name`, and the Go
// `IsValidAppName` in plugins/common/common.go, v0.38.27) accepts
// `^[a-z0-9][a-z0-9.-]*$` for new apps, with no length limit. But the name
// becomes a hostname: `get_default_vhosts` (plugins/domains/functions)
// serves `<app>.<global vhost>`, or the name itself when it holds a dot. So
// a new name must also be a valid DNS name: at most 253 bytes, and every
// dot-separated label 1 to 63 bytes ([`APP_LABEL_MAX`]). Otherwise Dokku
// creates an app whose default vhost no resolver accepts.
const APP_RULE: Rule = Rule {
    kind: "app name",
    max: APP_NAME_MAX,
    first: lower_or_digit,
    first_allowed: "a-z or 0-9",
    rest: |c| lower_or_digit(c) || c == '.' || c == '-',
    rest_allowed: "a-z, 0-9, '.' or '-'",
    last: any,
    last_allowed: "",
};

// What Dokku itself accepts for an existing app (`isValidAppNameOld` in
// plugins/common/common.go: `^[a-z0-9][^/:A-Z]*$`). Apps created before
// Dokku tightened its rule may contain `_` (or other characters); Dokku
// still lists and operates on them, so reading its output must not fail on
// them. The first character still rules out a name read as a flag.
const LEGACY_APP_RULE: Rule = Rule {
    kind: "app name",
    max: 200,
    first: lower_or_digit,
    first_allowed: "a-z or 0-9",
    rest: |c| !(c == '/' || c == ':' || c.is_ascii_uppercase()),
    rest_allowed: "any character but '/', ':' and A-Z",
    last: any,
    last_allowed: "",
};

name_type!(
    /// A Dokku app name.
    ///
    /// [`AppName::new`] applies the rule Dokku uses for creating apps,
    /// `^[a-z0-9][a-z0-9.-]*$`. [`AppName::legacy`] accepts what Dokku
    /// accepts for existing apps (`_` and more), for apps that older Dokku
    /// versions created and still lists.
    AppName,
    "app name"
);

/// The longest app name [`AppName::new`] accepts: a DNS name's 253 bytes.
pub const APP_NAME_MAX: usize = 253;

/// The longest dot-separated part of an app name [`AppName::new`] accepts:
/// one DNS label.
pub const APP_LABEL_MAX: usize = 63;

/// Each dot-separated label of a new app name: 1 to 63 bytes.
fn check_app_labels(name: &str) -> Result<(), NameError> {
    for (index, label) in name.split('.').enumerate() {
        if label.is_empty() || label.len() > APP_LABEL_MAX {
            return Err(NameError {
                kind: "app name",
                value: name.to_owned(),
                rule: NameRule::BadLabel { label: index + 1 },
            });
        }
    }
    Ok(())
}

impl AppName {
    /// Validate a name by Dokku's app-creation rule `^[a-z0-9][a-z0-9.-]*$`,
    /// as a DNS name: at most 253 bytes, each dot-separated label 1 to 63
    /// bytes (the name becomes the app's default hostname).
    pub fn new(name: &str) -> Result<Self, NameError> {
        APP_RULE.check(name)?;
        check_app_labels(name)?;
        Ok(Self(name.to_owned()))
    }

    /// Validate a name Dokku lists, by Dokku's rule for existing apps
    /// `^[a-z0-9][^/:A-Z]*$` (old apps may contain `_` and more).
    pub fn legacy(name: &str) -> Result<Self, NameError> {
        LEGACY_APP_RULE.check(name)?;
        Ok(Self(name.to_owned()))
    }

    /// Whether [`AppName::new`] accepts this name (Dokku's creation rule
    /// and the DNS limits).
    pub fn is_creatable(&self) -> bool {
        APP_RULE.check(&self.0).is_ok() && check_app_labels(&self.0).is_ok()
    }

    // Reports and lists come from Dokku itself, so accept what Dokku accepts.
    fn deserialize_from(raw: String) -> Result<Self, NameError> {
        LEGACY_APP_RULE.check(&raw)?;
        Ok(Self(raw))
    }
}

// Procfile process types: procfile-util accepts `[A-Za-z0-9_-]+`; Dokku uses
// them in container names, so a leading '-' would also read as a flag.
const PROCESS_RULE: Rule = Rule {
    kind: "process type",
    max: 63,
    first: alnum,
    first_allowed: "a letter or a digit",
    rest: |c| alnum(c) || c == '_' || c == '-',
    rest_allowed: "letters, digits, '_' or '-'",
    last: any,
    last_allowed: "",
};

name_type!(
    /// A Procfile process type such as `web` or `worker`.
    ProcessType,
    "process type"
);

impl ProcessType {
    /// Validate a process type: a letter or digit, then letters, digits, `_` or `-`.
    pub fn new(name: &str) -> Result<Self, NameError> {
        PROCESS_RULE.check(name)?;
        Ok(Self(name.to_owned()))
    }

    /// The `web` process type.
    pub fn web() -> Self {
        Self("web".to_owned())
    }

    fn deserialize_from(raw: String) -> Result<Self, NameError> {
        Self::new(&raw)
    }
}

// config:set rejects keys that are not shell identifiers (plugins/config:
// `^[a-zA-Z_][a-zA-Z0-9_]*$`), because the values end up in an env file.
const CONFIG_KEY_RULE: Rule = Rule {
    kind: "config key",
    max: 1024,
    first: |c| c.is_ascii_alphabetic() || c == '_',
    first_allowed: "a letter or '_'",
    rest: |c| c.is_ascii_alphanumeric() || c == '_',
    rest_allowed: "letters, digits or '_'",
    last: any,
    last_allowed: "",
};

name_type!(
    /// An environment variable name that `config:set` accepts.
    ConfigKey,
    "config key"
);

impl ConfigKey {
    /// Validate a key: `^[A-Za-z_][A-Za-z0-9_]*$`.
    pub fn new(name: &str) -> Result<Self, NameError> {
        CONFIG_KEY_RULE.check(name)?;
        Ok(Self(name.to_owned()))
    }

    fn deserialize_from(raw: String) -> Result<Self, NameError> {
        Self::new(&raw)
    }
}

// Datastore plugins (dokku-postgres and friends, `verify_service_name`) allow
// letters, digits, '_' and '-'; we also refuse a leading '-' so a name can
// never be read as a flag.
const SERVICE_RULE: Rule = Rule {
    kind: "service name",
    max: 200,
    first: alnum,
    first_allowed: "a letter or a digit",
    rest: |c| alnum(c) || c == '_' || c == '-',
    rest_allowed: "letters, digits, '_' or '-'",
    last: any,
    last_allowed: "",
};

name_type!(
    /// A datastore service name, as used by `postgres:create` and friends.
    ServiceName,
    "service name"
);

impl ServiceName {
    /// Validate a service name: a letter or digit, then letters, digits, `_` or `-`.
    pub fn new(name: &str) -> Result<Self, NameError> {
        SERVICE_RULE.check(name)?;
        Ok(Self(name.to_owned()))
    }

    fn deserialize_from(raw: String) -> Result<Self, NameError> {
        Self::new(&raw)
    }
}

// Plugin names are directory names under /var/lib/dokku/plugins, e.g.
// `postgres`, `letsencrypt`, `00_dokku-standard`.
const PLUGIN_RULE: Rule = Rule {
    kind: "plugin name",
    max: 200,
    first: alnum,
    first_allowed: "a letter or a digit",
    rest: |c| alnum(c) || c == '_' || c == '-' || c == '.',
    rest_allowed: "letters, digits, '_', '-' or '.'",
    last: any,
    last_allowed: "",
};

name_type!(
    /// A Dokku plugin name such as `postgres` or `letsencrypt`.
    PluginName,
    "plugin name"
);

impl PluginName {
    /// Validate a plugin name: a letter or digit, then letters, digits, `_`, `-` or `.`.
    pub fn new(name: &str) -> Result<Self, NameError> {
        PLUGIN_RULE.check(name)?;
        Ok(Self(name.to_owned()))
    }

    /// A name this crate spells itself (`postgres`), known to be valid.
    pub(crate) fn trusted(name: &str) -> Self {
        debug_assert!(PLUGIN_RULE.check(name).is_ok());
        Self(name.to_owned())
    }

    fn deserialize_from(raw: String) -> Result<Self, NameError> {
        Self::new(&raw)
    }
}

// A Docker image tag (the reference grammar of distribution/reference,
// which Docker and the datastore plugins' `--image-version` use):
// `[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}`. Nothing a shell, an HTML page or
// Dokku's argument parser reads specially survives it, and no tag starts
// with '-', so none reads as a flag.
const IMAGE_TAG_RULE: Rule = Rule {
    kind: "image version",
    max: 128,
    first: |c| alnum(c) || c == '_',
    first_allowed: "a letter, a digit or '_'",
    rest: |c| alnum(c) || c == '_' || c == '.' || c == '-',
    rest_allowed: "letters, digits, '_', '.' or '-'",
    last: any,
    last_allowed: "",
};

name_type!(
    /// A Docker image tag such as `17.2` or `7.4.2-alpine`, for a
    /// datastore's `--image-version`.
    ImageVersion,
    "image version"
);

impl ImageVersion {
    /// Validate a tag by Docker's grammar: a letter, digit or `_`, then up
    /// to 127 letters, digits, `_`, `.` or `-`.
    pub fn new(tag: &str) -> Result<Self, NameError> {
        IMAGE_TAG_RULE.check(tag)?;
        Ok(Self(tag.to_owned()))
    }

    fn deserialize_from(raw: String) -> Result<Self, NameError> {
        Self::new(&raw)
    }
}

// One DNS label: letters, digits and '-', not at either end (RFC 1123).
const LABEL_RULE: Rule = Rule {
    kind: "domain",
    max: 63,
    first: alnum,
    first_allowed: "a letter or a digit",
    rest: |c| alnum(c) || c == '-',
    rest_allowed: "letters, digits or '-'",
    last: alnum,
    last_allowed: "a letter or a digit",
};

name_type!(
    /// A hostname for `domains:*`, optionally a wildcard (`*.example.com`).
    ///
    /// Stored lower-case: DNS names are case-insensitive, and Dokku compares
    /// them as strings.
    Domain,
    "domain"
);

impl Domain {
    /// Validate a hostname (RFC 1123 labels, at most 253 bytes), optionally
    /// starting with `*.`. Upper-case letters are folded to lower case.
    pub fn new(name: &str) -> Result<Self, NameError> {
        let lower = name.to_ascii_lowercase();
        let fail = |rule| NameError {
            kind: "domain",
            value: name.to_owned(),
            rule,
        };
        if lower.is_empty() {
            return Err(fail(NameRule::Empty));
        }
        if lower.len() > 253 {
            return Err(fail(NameRule::TooLong { max: 253 }));
        }
        let labels = lower.strip_prefix("*.").unwrap_or(&lower);
        let offset = lower.len() - labels.len();
        let mut at = offset;
        for (index, label) in labels.split('.').enumerate() {
            if label.is_empty() || label.len() > 63 {
                return Err(fail(NameRule::BadLabel { label: index + 1 }));
            }
            if let Err(e) = LABEL_RULE.check(label) {
                // Report the offset within the whole name, not the label.
                let rule = match e.rule {
                    NameRule::BadChar { ch, at: i, allowed } => NameRule::BadChar {
                        ch,
                        at: at + i,
                        allowed,
                    },
                    other => other,
                };
                return Err(fail(rule));
            }
            at += label.len() + 1;
        }
        Ok(Self(lower))
    }

    /// Whether this is a wildcard domain (`*.example.com`).
    pub fn is_wildcard(&self) -> bool {
        self.0.starts_with("*.")
    }

    fn deserialize_from(raw: String) -> Result<Self, NameError> {
        Self::new(&raw)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn app_names_follow_the_create_rule() {
        for ok in ["a", "node-js-app", "my.dotted.app", "0app", "a-"] {
            assert!(AppName::new(ok).is_ok(), "{ok}");
        }
        for bad in ["", "-a", ".a", "App", "a_b", "a b", "a/b", "ä"] {
            assert!(AppName::new(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn app_names_are_dns_names_because_they_become_hostnames() {
        let label = "a".repeat(63);
        assert!(AppName::new(&label).is_ok());
        assert!(AppName::new(&format!("{label}.{label}")).is_ok());
        let e = AppName::new(&"a".repeat(64)).unwrap_err();
        assert_eq!(e.rule, NameRule::BadLabel { label: 1 });
        assert!(e.to_string().contains("longer than 63 bytes"), "{e}");
        let e = AppName::new(&format!("ok.{}", "b".repeat(80))).unwrap_err();
        assert_eq!(e.rule, NameRule::BadLabel { label: 2 });
        // An empty label is no hostname either.
        for bad in ["a..b", "a."] {
            assert!(AppName::new(bad).is_err(), "{bad}");
        }
        let long = [label.as_str(); 4].join(".");
        assert_eq!(long.len(), 255);
        let e = AppName::new(&long).unwrap_err();
        assert_eq!(e.rule, NameRule::TooLong { max: 253 });
        // Dokku still lists (and operates on) longer names made before.
        let old = AppName::legacy(&"a".repeat(80)).unwrap();
        assert!(!old.is_creatable());
    }

    #[test]
    fn legacy_names_are_what_dokku_lists() {
        let legacy = AppName::legacy("old_app").unwrap();
        assert!(!legacy.is_creatable());
        assert!(AppName::legacy("my+app").is_ok());
        assert!(AppName::legacy("_old").is_err());
        assert!(AppName::legacy("-flag").is_err());
        assert!(AppName::legacy("a/b").is_err());
        assert!(AppName::legacy("a:b").is_err());
        assert!(AppName::legacy("aB").is_err());
    }

    #[test]
    fn errors_say_which_rule_failed() {
        let e = AppName::new("Bad").unwrap_err();
        assert_eq!(e.kind, "app name");
        assert!(matches!(e.rule, NameRule::BadFirstChar { ch: 'B', .. }));
        assert_eq!(
            e.to_string(),
            "invalid app name \"Bad\": it starts with 'B'; the first character must be a-z or 0-9"
        );
        let e = AppName::new("ab_c").unwrap_err();
        assert!(matches!(e.rule, NameRule::BadChar { ch: '_', at: 2, .. }));
    }

    #[test]
    fn domains() {
        assert_eq!(
            Domain::new("WWW.Example.com").unwrap().as_str(),
            "www.example.com"
        );
        assert!(Domain::new("*.example.com").unwrap().is_wildcard());
        assert!(Domain::new("localhost").is_ok());
        let e = Domain::new("a..b").unwrap_err();
        assert_eq!(e.rule, NameRule::BadLabel { label: 2 });
        let e = Domain::new("ex-.com").unwrap_err();
        assert!(matches!(e.rule, NameRule::BadLastChar { ch: '-', .. }));
        let e = Domain::new("ab.c_d").unwrap_err();
        assert!(matches!(e.rule, NameRule::BadChar { ch: '_', at: 4, .. }));
        assert!(Domain::new("-a.com").is_err());
        assert!(Domain::new(&"a".repeat(64)).is_err());
        assert!(Domain::new("*.*.a").is_err());
    }

    #[test]
    fn image_versions_are_docker_tags() {
        for ok in ["17.2", "7.4.2-alpine", "latest", "_x", &"a".repeat(128)] {
            assert!(ImageVersion::new(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "17.2; rm -rf /",
            "<b>x</b>",
            "-rf",
            ".17",
            "a b",
            "17:2",
            &"a".repeat(129),
        ] {
            assert!(ImageVersion::new(bad).is_err(), "{bad}");
        }
        let e = ImageVersion::new("17.2; rm -rf /").unwrap_err();
        assert_eq!(e.kind, "image version");
        assert!(matches!(e.rule, NameRule::BadChar { ch: ';', .. }));
    }

    #[test]
    fn config_keys_are_shell_identifiers() {
        for ok in ["A", "_A", "DATABASE_URL", "a1"] {
            assert!(ConfigKey::new(ok).is_ok(), "{ok}");
        }
        for bad in ["", "1A", "A-B", "A B", "A=B", "-A"] {
            assert!(ConfigKey::new(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn deserialize_validates() {
        let ok: AppName = serde_json::from_str("\"legacy_app\"").unwrap();
        assert_eq!(ok.as_str(), "legacy_app");
        let err = serde_json::from_str::<ProcessType>("\"-web\"").unwrap_err();
        assert!(err.to_string().contains("invalid process type"));
    }
}
