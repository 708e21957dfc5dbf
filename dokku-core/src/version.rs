//! Dokku versions, comparable, so commands can be gated on what a host has.

use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A Dokku release version, `major.minor.patch`, and whatever `version`
/// printed after the numbers.
///
/// Ordered on the numbers alone, so `version >= DokkuVersion::new(0, 38, 0)`
/// answers "does this host have JSON reports for bash plugins". A source
/// install prints a `git describe` suffix (`dokku version
/// v0.38.27-5-g33896f5`): it is kept ([`DokkuVersion::suffix`], shown by
/// `Display`) but does not take part in comparisons or equality.
#[derive(Clone, Copy)]
pub struct DokkuVersion {
    /// Major version (0 for every Dokku release so far).
    pub major: u32,
    /// Minor version.
    pub minor: u32,
    /// Patch version.
    pub patch: u32,
    suffix: Suffix,
}

/// The text after the numbers, kept inline so versions stay `Copy`.
#[derive(Clone, Copy)]
struct Suffix {
    len: u8,
    bytes: [u8; Suffix::MAX],
}

impl Suffix {
    /// Longer suffixes are cut at a character boundary (a describe suffix
    /// is `-<commits>-g<sha>`, under this); small enough that errors holding
    /// a version stay small.
    const MAX: usize = 23;
    const NONE: Suffix = Suffix {
        len: 0,
        bytes: [0; Suffix::MAX],
    };

    fn new(text: &str) -> Self {
        let mut end = text.len().min(Self::MAX);
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        let mut bytes = [0; Self::MAX];
        bytes[..end].copy_from_slice(&text.as_bytes()[..end]);
        Self {
            len: u8::try_from(end).unwrap_or(0),
            bytes,
        }
    }

    fn as_str(&self) -> &str {
        std::str::from_utf8(&self.bytes[..usize::from(self.len)]).unwrap_or("")
    }
}

impl DokkuVersion {
    /// `0.0.0`: "every version", where a plugin has had a thing from the
    /// start.
    pub const ANY: DokkuVersion = DokkuVersion::new(0, 0, 0);

    /// A version from its parts.
    pub const fn new(major: u32, minor: u32, patch: u32) -> Self {
        Self {
            major,
            minor,
            patch,
            suffix: Suffix::NONE,
        }
    }

    /// What `version` printed after the numbers (`-5-g33896f5`, `-rc1`),
    /// if anything.
    pub fn suffix(&self) -> Option<&str> {
        Some(self.suffix.as_str()).filter(|s| !s.is_empty())
    }

    /// Parse the output of `dokku version` (`dokku version 0.38.27`), or a
    /// bare version (`0.38.27`, `v0.38.27`, `v0.38.27-5-g33896f5`). What
    /// follows the third number in the same word is kept as the suffix.
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        let word = text
            .strip_prefix("dokku version ")
            .unwrap_or(text)
            .split_whitespace()
            .next()?;
        let word = word.strip_prefix('v').unwrap_or(word);
        let mut parts = word.splitn(3, '.');
        let major = parts.next()?.parse().ok()?;
        let minor = parts.next()?.parse().ok()?;
        let patch_word = parts.next()?;
        let digits_end = patch_word
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(patch_word.len());
        let patch = patch_word[..digits_end].parse().ok()?;
        Some(Self {
            suffix: Suffix::new(&patch_word[digits_end..]),
            ..Self::new(major, minor, patch)
        })
    }

    /// A plugin's declared version (`plugin:list`): `1.45.0`, `v1.45`,
    /// `1.45.0-rc1`; missing parts are 0.
    pub fn parse_plugin(text: &str) -> Option<Self> {
        let text = text.trim().trim_start_matches('v');
        let core = text.split(['-', '+']).next()?;
        let mut parts = core.split('.');
        let major = parts.next()?.parse().ok()?;
        let minor = parts.next().map_or(Some(0), |p| p.parse().ok())?;
        let patch = parts.next().map_or(Some(0), |p| p.parse().ok())?;
        Some(Self::new(major, minor, patch))
    }

    fn numbers(&self) -> (u32, u32, u32) {
        (self.major, self.minor, self.patch)
    }
}

impl PartialEq for DokkuVersion {
    fn eq(&self, other: &Self) -> bool {
        self.numbers() == other.numbers()
    }
}

impl Eq for DokkuVersion {}

impl PartialOrd for DokkuVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for DokkuVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        self.numbers().cmp(&other.numbers())
    }
}

impl Hash for DokkuVersion {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.numbers().hash(state);
    }
}

impl fmt::Debug for DokkuVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DokkuVersion({self})")
    }
}

impl fmt::Display for DokkuVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}.{}.{}{}",
            self.major,
            self.minor,
            self.patch,
            self.suffix.as_str()
        )
    }
}

/// Stored as `{"major", "minor", "patch"}` plus `"suffix"` when there is one.
impl Serialize for DokkuVersion {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        Stored {
            major: self.major,
            minor: self.minor,
            patch: self.patch,
            suffix: self.suffix().map(str::to_owned),
        }
        .serialize(s)
    }
}

impl<'de> Deserialize<'de> for DokkuVersion {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let stored = Stored::deserialize(d)?;
        Ok(Self {
            suffix: Suffix::new(stored.suffix.as_deref().unwrap_or("")),
            ..Self::new(stored.major, stored.minor, stored.patch)
        })
    }
}

#[derive(Serialize, Deserialize)]
struct Stored {
    major: u32,
    minor: u32,
    patch: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    suffix: Option<String>,
}

/// The text was not a Dokku version.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a Dokku version: {0:?}")]
pub struct VersionError(pub String);

impl FromStr for DokkuVersion {
    type Err = VersionError;
    fn from_str(s: &str) -> Result<Self, VersionError> {
        Self::parse(s).ok_or_else(|| VersionError(s.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_orders() {
        let v = DokkuVersion::parse("dokku version 0.38.27\n").unwrap();
        assert_eq!(v, DokkuVersion::new(0, 38, 27));
        assert_eq!(
            DokkuVersion::parse("v0.35.20").unwrap().to_string(),
            "0.35.20"
        );
        assert_eq!(
            DokkuVersion::parse("0.30.0-rc1").unwrap(),
            DokkuVersion::new(0, 30, 0)
        );
        assert!(DokkuVersion::new(0, 38, 0) > DokkuVersion::new(0, 35, 20));
        assert!(DokkuVersion::new(0, 38, 12) > DokkuVersion::new(0, 38, 9));
        assert!(DokkuVersion::parse("master").is_none());
        assert!(DokkuVersion::parse("").is_none());
    }

    #[test]
    fn a_source_install_keeps_its_describe_suffix_but_compares_on_numbers() {
        let v = DokkuVersion::parse("dokku version v0.38.27-5-g33896f5\n").unwrap();
        assert_eq!(v.suffix(), Some("-5-g33896f5"));
        assert_eq!(v.to_string(), "0.38.27-5-g33896f5");
        assert_eq!(v, DokkuVersion::new(0, 38, 27));
        assert!(v >= DokkuVersion::new(0, 38, 22));
        assert_eq!(DokkuVersion::new(0, 38, 27).suffix(), None);
        let json = serde_json::to_string(&v).unwrap();
        let back: DokkuVersion = serde_json::from_str(&json).unwrap();
        assert_eq!(back.suffix(), Some("-5-g33896f5"));
        let plain = serde_json::to_string(&DokkuVersion::new(0, 35, 20)).unwrap();
        assert_eq!(plain, r#"{"major":0,"minor":35,"patch":20}"#);
    }
}
