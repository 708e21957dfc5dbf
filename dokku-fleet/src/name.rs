//! Host names, labels and selections.
//!
//! A host's name is its key in the registry and its name in the audit
//! trail, so it is validated like a DNS label: short, lower case, no
//! spaces. A selection picks hosts by name, by labels (`env=prod,region=eu`:
//! every pair must match) or all of them.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use serde::Serialize;

use crate::error::FleetError;

/// A host's name in the registry and the audit trail: 1–63 characters of
/// `a-z`, `0-9`, `-`, `_`, `.`, starting with a letter or digit.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct HostName(String);

impl HostName {
    /// Validate a name.
    pub fn new(name: impl Into<String>) -> Result<Self, FleetError> {
        let name = name.into();
        let reason = if name.is_empty() {
            Some("it is empty")
        } else if name.len() > 63 {
            Some("it is longer than 63 characters")
        } else if !name.starts_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit()) {
            Some("it must start with a lower-case letter or a digit")
        } else if !name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "-_.".contains(c))
        {
            Some("only a-z, 0-9, '-', '_' and '.' are allowed")
        } else {
            None
        };
        match reason {
            Some(reason) => Err(FleetError::InvalidName { name, reason }),
            None => Ok(Self(name)),
        }
    }

    /// A name known to be valid (a literal in this crate).
    pub(crate) fn unchecked(name: &'static str) -> Self {
        Self(name.to_owned())
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for HostName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for HostName {
    type Err = FleetError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::new(s)
    }
}

impl AsRef<str> for HostName {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

// Ordering, equality and hashing are the string's, so maps keyed by host
// name can be indexed by `&str`.
impl std::borrow::Borrow<str> for HostName {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl PartialEq<str> for HostName {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for HostName {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

/// A host's labels (`env=prod`, `region=eu`).
pub type Labels = BTreeMap<String, String>;

/// Whether a label key or value is usable: 1–63 characters of letters,
/// digits, `-`, `_`, `.`, `/`.
pub(crate) fn label_word_problem(word: &str) -> Option<&'static str> {
    if word.is_empty() {
        Some("a label key or value cannot be empty")
    } else if word.len() > 63 {
        Some("a label key or value is at most 63 characters")
    } else if !word
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "-_./".contains(c))
    {
        Some("a label key or value has only letters, digits, '-', '_', '.' and '/'")
    } else {
        None
    }
}

/// Every `key=value` pair must match (`env=prod,region=eu`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct LabelSelector(Vec<(String, String)>);

impl LabelSelector {
    /// Parse `key=value[,key=value…]`.
    pub fn parse(text: &str) -> Result<Self, FleetError> {
        let bad = |reason: &str| FleetError::InvalidSelection {
            selection: text.to_owned(),
            reason: reason.to_owned(),
        };
        let mut pairs = Vec::new();
        for part in text.split(',').map(str::trim) {
            let Some((key, value)) = part.split_once('=') else {
                return Err(bad(&format!("{part:?} is not key=value")));
            };
            let (key, value) = (key.trim(), value.trim());
            if let Some(reason) = label_word_problem(key).or_else(|| label_word_problem(value)) {
                return Err(bad(&format!("{part:?}: {reason}")));
            }
            pairs.push((key.to_owned(), value.to_owned()));
        }
        Ok(Self(pairs))
    }

    /// Whether these labels match every pair.
    pub fn matches(&self, labels: &Labels) -> bool {
        self.0
            .iter()
            .all(|(k, v)| labels.get(k).is_some_and(|have| have == v))
    }
}

impl fmt::Display for LabelSelector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, (k, v)) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            write!(f, "{k}={v}")?;
        }
        Ok(())
    }
}

/// Which hosts an operation goes to.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Selector {
    /// Every host of the fleet.
    All,
    /// These hosts, by name; naming a host the fleet lacks is an error.
    Names(Vec<HostName>),
    /// Hosts whose labels match.
    Labels(LabelSelector),
}

impl Selector {
    /// Parse a selection as a person types it: `all` (or `*`), labels
    /// (`env=prod,region=eu`), or names (`eu-1,us-2`).
    pub fn parse(text: &str) -> Result<Self, FleetError> {
        let trimmed = text.trim();
        if trimmed == "all" || trimmed == "*" {
            Ok(Selector::All)
        } else if trimmed.contains('=') {
            LabelSelector::parse(trimmed).map(Selector::Labels)
        } else {
            trimmed
                .split(',')
                .map(|n| {
                    HostName::new(n.trim()).map_err(|e| FleetError::InvalidSelection {
                        selection: text.to_owned(),
                        reason: e.to_string(),
                    })
                })
                .collect::<Result<Vec<_>, _>>()
                .map(Selector::Names)
        }
    }

    /// These hosts by name.
    pub fn names<I, S>(names: I) -> Result<Self, FleetError>
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        names
            .into_iter()
            .map(HostName::new)
            .collect::<Result<Vec<_>, _>>()
            .map(Selector::Names)
    }

    /// Hosts whose labels match `key=value[,key=value…]`.
    pub fn labels(expression: &str) -> Result<Self, FleetError> {
        LabelSelector::parse(expression).map(Selector::Labels)
    }
}

impl fmt::Display for Selector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Selector::All => f.write_str("all"),
            Selector::Names(names) => {
                for (i, n) in names.iter().enumerate() {
                    if i > 0 {
                        f.write_str(",")?;
                    }
                    f.write_str(n.as_str())?;
                }
                Ok(())
            }
            Selector::Labels(labels) => fmt::Display::fmt(labels, f),
        }
    }
}

impl FromStr for Selector {
    type Err = FleetError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_names_follow_one_rule() {
        assert!(HostName::new("prod-eu.1").is_ok());
        assert!(HostName::new("db_2").is_ok());
        for bad in ["", "-x", "Prod", "a b", "a/b", &"x".repeat(64)] {
            assert!(HostName::new(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn a_selection_is_all_labels_or_names() {
        assert_eq!(Selector::parse("all").unwrap(), Selector::All);
        let labels = Selector::parse("env=prod, region=eu").unwrap();
        let Selector::Labels(l) = &labels else {
            panic!("{labels:?}")
        };
        let mut host = Labels::new();
        host.insert("env".into(), "prod".into());
        assert!(!l.matches(&host));
        host.insert("region".into(), "eu".into());
        assert!(l.matches(&host));
        assert_eq!(labels.to_string(), "env=prod,region=eu");
        assert_eq!(
            Selector::parse("a,b").unwrap(),
            Selector::names(["a", "b"]).unwrap()
        );
        assert!(Selector::parse("env=").is_err());
        assert!(Selector::parse("env=prod,eu").is_err());
        assert!(Selector::parse("Bad Name").is_err());
    }
}
