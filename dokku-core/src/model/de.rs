//! serde helpers for the values Dokku prints: every report value is a
//! string, with `"true"`/`"false"` for booleans, numbers as text and the
//! empty string for "not set".
//!
//! Used as `#[serde(deserialize_with = "…")]` on typed report fields (see
//! [`crate::api::report`]). Their errors say what was expected, never the value
//! (a report may show a credential); the decoder adds the key.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::de::{Deserialize, Deserializer, Error};

use crate::model::ports::PortMapping;

fn text<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    String::deserialize(d)
}

/// `true`: the default of a setting that is on unless Dokku says otherwise.
pub fn yes() -> bool {
    true
}

/// `"true"`/`"false"`; empty is `false`.
pub fn flag<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    Ok(opt_flag(d)?.unwrap_or(false))
}

/// `"true"`/`"false"`; empty is `true` (a default-on setting).
pub fn flag_default_true<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    Ok(opt_flag(d)?.unwrap_or(true))
}

/// `"true"`/`"false"`; empty is `None`.
pub fn opt_flag<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    match text(d)?.as_str() {
        "" => Ok(None),
        "true" => Ok(Some(true)),
        "false" => Ok(Some(false)),
        _ => Err(D::Error::custom("expected true or false")),
    }
}

/// A non-empty string, else `None`.
pub fn opt_text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    let value = text(d)?;
    Ok((!value.is_empty()).then_some(value))
}

/// A number of type `T`; empty is `None`.
fn opt_number<'de, D: Deserializer<'de>, T: std::str::FromStr>(
    d: D,
) -> Result<Option<T>, D::Error> {
    match text(d)?.as_str() {
        "" => Ok(None),
        number => number
            .parse()
            .map(Some)
            .map_err(|_| D::Error::custom("expected a whole number")),
    }
}

/// An unsigned number; empty is `None`.
pub fn opt_u64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    opt_number(d)
}

/// A count that Dokku prints as `-1` when it could not ask (`ps:report`'s
/// `processes`); empty and `-1` are `None`.
pub fn opt_count<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u32>, D::Error> {
    match text(d)?.as_str() {
        "" | "-1" => Ok(None),
        number => number
            .parse()
            .map(Some)
            .map_err(|_| D::Error::custom("expected a whole number or -1")),
    }
}

/// A signed number (`-1` is an exit code Dokku could not read); empty is
/// `None`.
pub fn opt_i64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    opt_number(d)
}

/// Comma-separated items, blanks dropped.
pub fn comma_list<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    Ok(text(d)?
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect())
}

/// Whitespace-separated words.
pub fn words<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    Ok(text(d)?.split_whitespace().map(str::to_owned).collect())
}

/// Unix seconds; empty is `None`.
pub fn opt_unix_time<'de, D: Deserializer<'de>>(d: D) -> Result<Option<SystemTime>, D::Error> {
    match opt_u64(d)? {
        None => Ok(None),
        Some(seconds) => UNIX_EPOCH
            .checked_add(Duration::from_secs(seconds))
            .map(Some)
            .ok_or_else(|| D::Error::custom("expected Unix seconds")),
    }
}

/// openssl's `notAfter` form (`Jan  1 00:00:00 2027 GMT`); empty is `None`.
pub fn opt_openssl_time<'de, D: Deserializer<'de>>(d: D) -> Result<Option<SystemTime>, D::Error> {
    match text(d)?.as_str() {
        "" => Ok(None),
        value => crate::parse::certs::openssl_date(value)
            .map(Some)
            .ok_or_else(|| D::Error::custom("expected an openssl date")),
    }
}

/// Space-separated `scheme:host:container` port mappings.
pub fn port_maps<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<PortMapping>, D::Error> {
    text(d)?
        .split_whitespace()
        .map(|m| {
            m.parse::<PortMapping>()
                .map_err(|_| D::Error::custom("expected scheme:host-port:container-port mappings"))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::de::value::{Error as ValueError, StrDeserializer};
    use serde::de::IntoDeserializer;

    fn de(value: &str) -> StrDeserializer<'_, ValueError> {
        value.into_deserializer()
    }

    #[test]
    fn flags_and_numbers_read_dokku_strings() {
        assert!(flag(de("true")).unwrap());
        assert!(!flag(de("")).unwrap());
        assert!(flag_default_true(de("")).unwrap());
        assert_eq!(opt_flag(de("")).unwrap(), None);
        assert_eq!(opt_u64(de("42")).unwrap(), Some(42));
        assert_eq!(opt_count(de("-1")).unwrap(), None);
        assert_eq!(words(de(" a  b ")).unwrap(), ["a", "b"]);
        assert_eq!(opt_i64(de("-1")).unwrap(), Some(-1));
        assert_eq!(comma_list(de("a,b,")).unwrap(), ["a", "b"]);
    }

    #[test]
    fn errors_never_carry_the_value() {
        let err = flag(de("hunter2")).unwrap_err().to_string();
        assert!(!err.contains("hunter2"), "{err}");
        let err = opt_u64(de("s3cret")).unwrap_err().to_string();
        assert!(!err.contains("s3cret"), "{err}");
    }
}
