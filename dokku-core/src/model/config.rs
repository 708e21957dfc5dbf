//! `config:*` results, and which values Dokku can store at all.
//!
//! # Values Dokku stores corrupted
//!
//! Dokku keeps an app's environment in one file (`/var/lib/dokku/config/<app>/ENV`,
//! the global one in `…/--global/ENV`), written by `godotenv.Write` and read
//! back by `godotenv.Read` before every config command. Nothing else escapes
//! or checks the values, so whatever the pinned godotenv cannot give back
//! is corrupted on the host, whichever way it was sent (`config:set`,
//! `config:set --encoded` or `config:import`). From Dokku 0.37.8 the config
//! plugin pins godotenv **v1.5.1**, whose writer and reader disagree on
//! exactly three kinds of value (`docs/research/config-values.md` §2.1,
//! checked against 2,000,000 random values):
//!
//! - a value whose **last byte is `\`** is written as `K="…\\"`; the reader
//!   takes the closing quote as escaped and runs on into the next lines, so
//!   every config command on that app (or on every app, for the global
//!   file) fails from then on (` !     unterminated quoted value …` or
//!   ` !     unexpected character … in variable name near …`), and no Dokku
//!   command can repair it: an admin must edit the file;
//! - a value whose **last byte is `"`** comes back with that quote turned
//!   into `\`, and the next write of any key in the same file writes it
//!   back that way, which is the first case;
//! - a value that **parses as a 64-bit integer but is not written
//!   canonically** (`007`, `+5`, `-0`) is stored as the canonical number
//!   (`7`, `5`, `0`).
//!
//! Dokku up to 0.37.7 pinned godotenv **v1.2.0**, and the k3s scheduler
//! still reads the same file with v1.2.0 on every version (its `go.mod`
//! replaces godotenv with v1.2.0). v1.2.0 gives back the three values
//! above, but its line reader cannot read a line over 65,535 bytes (the
//! whole file becomes unreadable) and its comment heuristic cuts some
//! lines that hold a `#` together with quotes. A host's files outlive its
//! Dokku version: a value v1.2.0 stores fine is corrupted after an upgrade
//! to 0.37.8. So [`StoreRules`] refuses the v1.5.1 cases on every host, and
//! adds the v1.2.0 ones where the host has (or may have) a v1.2.0 reader.
//!
//! The rule lives here and only here: every path that sends a config value
//! ([`crate::api::config`]'s builders, and the examples through them)
//! checks it before anything is sent, and the error names the key, never
//! the value.

use std::collections::BTreeMap;
use std::fmt;

use crate::client::{versions, Capabilities};
use crate::error::Error;
use crate::name::ConfigKey;
use crate::secret::SecretString;

/// An app's (or the global) environment: keys in order, values secret.
pub type ConfigVars = BTreeMap<ConfigKey, SecretString>;

/// What `config:unset` (or `config:clear`) did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Unset {
    /// Keys Dokku unset (`-----> Unsetting KEY`).
    pub unset: Vec<crate::name::ConfigKey>,
    /// Keys it skipped because they were not set (`-----> Skipping KEY, it
    /// is not set in the environment`).
    pub skipped: Vec<crate::name::ConfigKey>,
}

/// Why Dokku would not give a config value back as it was sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ValueHazard {
    /// The value ends in a backslash: once stored, the app's whole
    /// environment file is unreadable (godotenv v1.5.1, Dokku ≥ 0.37.8).
    TrailingBackslash,
    /// The value ends in a double quote: it comes back with that quote
    /// turned into a backslash, and the next config change breaks the file
    /// as [`ValueHazard::TrailingBackslash`] does.
    TrailingQuote,
    /// An integer with a sign, leading zeros or `-0`: stored as the
    /// canonical number (`007` comes back as `7`).
    NonCanonicalInteger,
    /// godotenv v1.2.0's comment heuristic would cut the line at a `#`
    /// (Dokku ≤ 0.37.7, and the k3s scheduler's deploys on every version).
    CommentCut,
    /// The line `KEY="value"` is over 65,535 bytes, which godotenv v1.2.0's
    /// line reader cannot read: the whole file becomes unreadable.
    LineTooLong,
}

impl ValueHazard {
    /// What Dokku does to such a value.
    pub fn explanation(self) -> &'static str {
        match self {
            ValueHazard::TrailingBackslash => {
                "it ends in a backslash, which Dokku (0.37.8 and later, godotenv 1.5.1) writes so \
                 that the closing quote reads as escaped: from then on every config command on \
                 this app (or, for --global, on every app) fails until an admin edits the ENV \
                 file on the host"
            }
            ValueHazard::TrailingQuote => {
                "it ends in a double quote, which Dokku (0.37.8 and later, godotenv 1.5.1) gives \
                 back with that quote turned into a backslash; the next config change writes it \
                 back that way, and then every config command on this app (or, for --global, on \
                 every app) fails until an admin edits the ENV file on the host"
            }
            ValueHazard::NonCanonicalInteger => {
                "it is an integer written with a sign, leading zeros or as minus zero, which \
                 Dokku (0.37.8 and later, godotenv 1.5.1) stores as the plain number: the sign \
                 and the zeros are lost"
            }
            ValueHazard::CommentCut => {
                "it holds a '#' together with quotes in a way that godotenv 1.2.0 (Dokku 0.37.7 \
                 and earlier, and the k3s scheduler's deploys on every version) reads as a \
                 comment, cutting the value short"
            }
            ValueHazard::LineTooLong => {
                "with its key it makes an ENV file line over 65,535 bytes, which godotenv 1.2.0 \
                 (Dokku 0.37.7 and earlier, and the k3s scheduler's deploys on every version) \
                 cannot read: the app's whole environment becomes unreadable"
            }
        }
    }

    /// A way around it.
    pub fn workaround(self) -> &'static str {
        match self {
            ValueHazard::TrailingBackslash => {
                "end the value with another character, or store it base64-encoded and decode it \
                 in the application"
            }
            ValueHazard::TrailingQuote => {
                "quote it differently (single quotes, or a character after the closing quote), \
                 or store it base64-encoded and decode it in the application"
            }
            ValueHazard::NonCanonicalInteger => {
                "send the plain number if that is what is meant; if the exact text matters, add \
                 a non-digit (a prefix the application strips) or store it base64-encoded"
            }
            ValueHazard::CommentCut => {
                "avoid '#' next to quotes in this value, or store it base64-encoded and decode \
                 it in the application"
            }
            ValueHazard::LineTooLong => {
                "keep large values out of the environment (a mounted file or a secret store), \
                 or store them compressed"
            }
        }
    }
}

impl fmt::Display for ValueHazard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}; {}", self.explanation(), self.workaround())
    }
}

/// The longest `KEY="value"` line godotenv v1.2.0 reads: its
/// `bufio.Scanner` stops growing its buffer at 64 KiB, and the line and
/// its newline must fit in it.
pub const GODOTENV_1_2_MAX_LINE: usize = 64 * 1024 - 1;

/// Which of Dokku's storage rules apply to a host.
///
/// ```
/// use dokku_core::model::config::{StoreRules, ValueHazard};
/// use dokku_core::ConfigKey;
///
/// let key = ConfigKey::new("GREETING")?;
/// let rules = StoreRules::ANY_HOST;
/// assert_eq!(rules.check(&key, "she said \"hi\""), Err(ValueHazard::TrailingQuote));
/// assert_eq!(rules.check(&key, r"C:\temp\"), Err(ValueHazard::TrailingBackslash));
/// assert_eq!(rules.check(&key, "007"), Err(ValueHazard::NonCanonicalInteger));
/// assert_eq!(rules.check(&key, "she said \"hi\" "), Ok(()));
/// # Ok::<(), dokku_core::NameError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct StoreRules {
    /// Whether the file is (or may be) read by godotenv v1.2.0 too.
    godotenv_1_2: bool,
}

impl StoreRules {
    /// Every rule: for a host whose Dokku version is not known.
    pub const ANY_HOST: Self = Self { godotenv_1_2: true };

    /// The rules of a host that reads its files only with godotenv v1.5.1
    /// (Dokku ≥ 0.37.8 without the k3s scheduler).
    pub const GODOTENV_1_5: Self = Self {
        godotenv_1_2: false,
    };

    /// The rules for this host: godotenv v1.5.1's on every host (a host
    /// that still has v1.2.0 meets them after its next upgrade), plus
    /// v1.2.0's where Dokku is older than 0.37.8 or the `scheduler-k3s`
    /// plugin is installed.
    pub fn for_host(caps: &Capabilities) -> Self {
        Self {
            godotenv_1_2: caps.version < versions::GODOTENV_1_5
                || caps.plugin("scheduler-k3s").is_some(),
        }
    }

    /// Whether godotenv v1.2.0's rules apply.
    pub fn includes_godotenv_1_2(self) -> bool {
        self.godotenv_1_2
    }

    /// Whether Dokku gives `value` back exactly as sent under `key`, and
    /// the environment stays readable.
    pub fn check(self, key: &ConfigKey, value: &str) -> Result<(), ValueHazard> {
        match value.as_bytes().last() {
            Some(b'\\') => return Err(ValueHazard::TrailingBackslash),
            Some(b'"') => return Err(ValueHazard::TrailingQuote),
            _ => {}
        }
        // Go's `strconv.Atoi`: an optional sign and decimal digits within
        // 64 bits; Rust's `i64::from_str` accepts the same strings.
        if let Ok(number) = value.parse::<i64>() {
            if number.to_string() != value {
                return Err(ValueHazard::NonCanonicalInteger);
            }
        }
        if self.godotenv_1_2 {
            let line = quoted_line(key, value);
            if line.len() > GODOTENV_1_2_MAX_LINE {
                return Err(ValueHazard::LineTooLong);
            }
            if godotenv_1_2_cuts_comment(&line) {
                return Err(ValueHazard::CommentCut);
            }
        }
        Ok(())
    }

    /// Check every variable; the error names the first key whose value
    /// Dokku would corrupt (never the value).
    pub fn check_all<'v>(
        self,
        vars: impl IntoIterator<Item = (&'v ConfigKey, &'v SecretString)>,
    ) -> Result<(), Error> {
        for (key, value) in vars {
            self.check(key, value.expose())
                .map_err(|hazard| Error::UnstorableConfigValue {
                    key: key.to_string(),
                    hazard,
                })?;
        }
        Ok(())
    }
}

/// `KEY="<value>"` as godotenv's `Marshal` writes a value it quotes:
/// `doubleQuoteEscape` turns `\`, LF, CR, `"`, `!`, `$` and `` ` `` into
/// backslash escapes (LF and CR as `\n` and `\r`).
fn quoted_line(key: &ConfigKey, value: &str) -> String {
    let mut line = String::with_capacity(key.as_str().len() + value.len() + 3);
    line.push_str(key.as_str());
    line.push_str("=\"");
    for c in value.chars() {
        match c {
            '\\' | '"' | '!' | '$' | '`' => {
                line.push('\\');
                line.push(c);
            }
            '\n' => line.push_str("\\n"),
            '\r' => line.push_str("\\r"),
            c => line.push(c),
        }
    }
    line.push('"');
    line
}

/// godotenv v1.2.0's `parseLine` drops "comments" before anything else:
/// it splits the line at every `#` and keeps a segment only while a
/// segment holding exactly one `"` or exactly one `'` has opened a quote
/// that a later such segment has not closed. Whether that changes `line`.
/// When it does not, the rest of v1.2.0's reader gives the value back.
fn godotenv_1_2_cuts_comment(line: &str) -> bool {
    let mut open = false;
    line.split('#').enumerate().any(|(i, segment)| {
        // A segment with one quote opens or closes a quote, and is kept.
        let quote = segment.matches('"').count() == 1 || segment.matches('\'').count() == 1;
        open ^= quote;
        // Any other segment after the first is dropped unless a quote is open.
        i > 0 && !quote && !open
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> ConfigKey {
        ConfigKey::new("K").unwrap()
    }

    #[test]
    fn the_three_godotenv_1_5_classes_are_refused_on_every_host() {
        for rules in [StoreRules::ANY_HOST, StoreRules::GODOTENV_1_5] {
            let check = |v: &str| rules.check(&key(), v);
            assert_eq!(check("abc\\"), Err(ValueHazard::TrailingBackslash));
            assert_eq!(check("\\"), Err(ValueHazard::TrailingBackslash));
            assert_eq!(check("a\\\""), Err(ValueHazard::TrailingQuote));
            assert_eq!(check("she said \"hi\""), Err(ValueHazard::TrailingQuote));
            assert_eq!(check("\""), Err(ValueHazard::TrailingQuote));
            for int in ["007", "+5", "-0", "00", "0644", "-007"] {
                assert_eq!(check(int), Err(ValueHazard::NonCanonicalInteger), "{int}");
            }
        }
    }

    #[test]
    fn values_godotenv_gives_back_are_accepted() {
        for v in [
            "",
            "5000",
            "-5",
            "0",
            "9223372036854775807",
            "9223372036854775808",
            "1_000",
            " 5",
            "1.5",
            "0x10",
            "\"abc",
            "a\"b",
            "abc\" ",
            "a\\\"b",
            "C:\\path\\to\\file",
            "${HOME} $(id) `id` !",
            "line one\nline two\r\n",
            "it's #1",
            "{\"a\":\"b\"}",
        ] {
            assert_eq!(StoreRules::ANY_HOST.check(&key(), v), Ok(()), "{v:?}");
        }
    }

    #[test]
    fn godotenv_1_2_comment_cuts_are_refused_only_where_it_reads() {
        // The research's probe: `"##` came back as `"#`, `$#'##` as `$#'#`.
        for v in ["\"##", "$#'##", "A\"#\"x!"] {
            assert_eq!(
                StoreRules::ANY_HOST.check(&key(), v),
                Err(ValueHazard::CommentCut),
                "{v:?}"
            );
            assert_eq!(StoreRules::GODOTENV_1_5.check(&key(), v), Ok(()), "{v:?}");
        }
    }

    #[test]
    fn godotenv_1_2_reads_lines_up_to_64_kib() {
        let fits = "x".repeat(GODOTENV_1_2_MAX_LINE - "K=\"\"".len());
        assert_eq!(StoreRules::ANY_HOST.check(&key(), &fits), Ok(()));
        let over = format!("{fits}x");
        assert_eq!(
            StoreRules::ANY_HOST.check(&key(), &over),
            Err(ValueHazard::LineTooLong)
        );
        assert_eq!(StoreRules::GODOTENV_1_5.check(&key(), &over), Ok(()));
    }

    #[test]
    fn the_host_decides_which_reader_applies() {
        let v = |minor, patch| Capabilities::for_version(crate::DokkuVersion::new(0, minor, patch));
        assert!(StoreRules::for_host(&v(37, 7)).includes_godotenv_1_2());
        assert!(!StoreRules::for_host(&v(37, 8)).includes_godotenv_1_2());
        assert!(!StoreRules::for_host(&v(38, 27)).includes_godotenv_1_2());
    }

    #[test]
    fn the_error_names_the_key_and_never_the_value() {
        let vars = [(key(), SecretString::new("hunter2\""))];
        let err = StoreRules::ANY_HOST
            .check_all(vars.iter().map(|(k, v)| (k, v)))
            .unwrap_err();
        let text = err.to_string();
        assert!(text.contains("K"), "{text}");
        assert!(!text.contains("hunter2"), "{text}");
        assert!(text.contains("base64"), "{text}");
    }
}
