//! Dokku versions, comparable, so commands can be gated on what a host has.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A Dokku release version, `major.minor.patch`.
///
/// Ordered, so `version >= DokkuVersion::new(0, 38, 0)` answers "does this host
/// have JSON reports for bash plugins".
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct DokkuVersion {
    /// Major version (0 for every Dokku release so far).
    pub major: u32,
    /// Minor version.
    pub minor: u32,
    /// Patch version.
    pub patch: u32,
}

impl DokkuVersion {
    /// A version from its parts.
    pub const fn new(major: u32, minor: u32, patch: u32) -> Self {
        Self {
            major,
            minor,
            patch,
        }
    }

    /// Parse the output of `dokku version` (`dokku version 0.38.27`), or a bare
    /// version (`0.38.27`, `v0.38.27`). Anything after the third number that is
    /// not part of it (`-rc1`, ` (build …)`) is ignored.
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
        let digits: &str = patch_word
            .split(|c: char| !c.is_ascii_digit())
            .next()
            .unwrap_or("");
        let patch = digits.parse().ok()?;
        Some(Self::new(major, minor, patch))
    }
}

impl fmt::Display for DokkuVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)
    }
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
}
