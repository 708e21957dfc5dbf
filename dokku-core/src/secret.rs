//! Secrets as a type.
//!
//! Config values, passwords, tokens and DSNs are [`SecretString`]. The only
//! way to read one is [`SecretString::expose`], which executors call when they
//! put the value on the wire. `Debug` and `Display` print `***`, there is no
//! `Serialize`, and the memory is zeroed on drop, so a secret that ends up in a
//! log line, an error message or the history database is a bug you can grep
//! for (`expose(`), not an accident.

use std::borrow::Cow;
use std::fmt;

use zeroize::Zeroize;

/// A string that must not be logged, displayed or stored.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct SecretString(String);

impl SecretString {
    /// Wrap a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The secret value. Call this only where the value must leave the
    /// process (the wire) or be shown on an explicit user request.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Length in bytes; safe to log.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether the secret is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl Drop for SecretString {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl fmt::Debug for SecretString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretString(***)")
    }
}

impl fmt::Display for SecretString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl From<String> for SecretString {
    fn from(value: String) -> Self {
        Self(value)
    }
}

impl From<&str> for SecretString {
    fn from(value: &str) -> Self {
        Self(value.to_owned())
    }
}

impl<'de> serde::Deserialize<'de> for SecretString {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(Self)
    }
}

/// Bytes that must not be logged or displayed (a `config:bundle` archive).
#[derive(Clone, Default, PartialEq, Eq)]
pub struct SecretBytes(Vec<u8>);

impl SecretBytes {
    /// Wrap secret bytes.
    pub fn new(bytes: Vec<u8>) -> Self {
        Self(bytes)
    }

    /// The bytes. Call this only where they must leave the process.
    pub fn expose(&self) -> &[u8] {
        &self.0
    }

    /// Length in bytes; safe to log.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are no bytes.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl Drop for SecretBytes {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl fmt::Debug for SecretBytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SecretBytes({} bytes)", self.0.len())
    }
}

/// Mask the credentials in every `scheme://user:password@host` in `text`:
/// the password always, and for web schemes (`http`, `https`) a bare user
/// too, since there it is usually a token (`https://ghp_…@github.com`).
/// An `ssh://git@host` user is a login name and stays.
pub fn mask_userinfo(text: &str) -> Cow<'_, str> {
    if !text.contains("://") {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("://") {
        let (before, after) = rest.split_at(at + 3);
        out.push_str(before);
        let scheme = before[..before.len() - 3]
            .rsplit(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')))
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        // The authority ends at the first '/', '?', '#', whitespace or quote.
        let end = after
            .find(|c: char| matches!(c, '/' | '?' | '#' | '"' | '\'' | '`') || c.is_whitespace())
            .unwrap_or(after.len());
        let authority = &after[..end];
        match authority.rfind('@') {
            Some(at_sign) => {
                let userinfo = &authority[..at_sign];
                match userinfo.find(':') {
                    Some(colon) => {
                        out.push_str(&userinfo[..colon]);
                        out.push_str(":***");
                    }
                    None if scheme == "http" || scheme == "https" => out.push_str("***"),
                    None => out.push_str(userinfo),
                }
                out.push_str(&authority[at_sign..]);
            }
            None => out.push_str(authority),
        }
        rest = &after[end..];
    }
    out.push_str(rest);
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn userinfo_is_masked_anywhere() {
        assert_eq!(
            mask_userinfo("DATABASE_URL=postgres://app:s3cret@db:5432/x and https://tok:x-oauth@github.com/a.git"),
            "DATABASE_URL=postgres://app:***@db:5432/x and https://tok:***@github.com/a.git"
        );
        assert_eq!(
            mask_userinfo("https://github.com/a.git"),
            "https://github.com/a.git"
        );
        assert_eq!(mask_userinfo("ssh://git@host/x"), "ssh://git@host/x");
        assert_eq!(
            mask_userinfo("git:sync app https://ghp_tok3n@github.com/a.git"),
            "git:sync app https://***@github.com/a.git"
        );
        assert_eq!(mask_userinfo("redis://:pw@h:6379"), "redis://:***@h:6379");
        assert_eq!(mask_userinfo("no urls"), "no urls");
    }

    #[test]
    fn never_printed() {
        let s = SecretString::new("hunter2");
        assert_eq!(format!("{s}"), "***");
        assert_eq!(format!("{s:?}"), "SecretString(***)");
        assert_eq!(format!("{:?}", Some(&s)), "Some(SecretString(***))");
        assert_eq!(s.expose(), "hunter2");
        assert_eq!(s.len(), 7);
    }
}
