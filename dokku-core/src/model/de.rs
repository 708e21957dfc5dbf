//! serde helpers for the report values a plain Rust type cannot read on
//! its own.
//!
//! The report decoder already reads Dokku's strings into `bool`, integers,
//! `Option<T>` (empty is `None`) and `Vec<String>` (whitespace-separated);
//! these are for the rest, as `#[serde(deserialize_with = "…")]` on typed
//! report fields (see [`crate::api::report`]). Their errors say what was
//! expected, never the value (a report may show a credential); the decoder
//! adds the key.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::de::{Deserialize, Deserializer, Error};

use crate::model::ports::PortMapping;

/// A field no Dokku key fills (`app`, `raw`, what a report's hook
/// derives): a key of its name is read and dropped, and the field starts
/// at its default. It stands where `#[serde(skip_deserializing)]` would,
/// which would also leave the field out of OpenAPI schemas (the `openapi`
/// feature), though it is serialized.
pub fn filled_later<'de, D: Deserializer<'de>, T: Default>(d: D) -> Result<T, D::Error> {
    serde::de::IgnoredAny::deserialize(d)?;
    Ok(T::default())
}

/// `true`: the default of a setting that is on unless Dokku says otherwise.
pub fn yes() -> bool {
    true
}

/// A string that JSON may give as `null` or `""` for none (`plugin:list`'s
/// `source_url`): both are `None`.
pub fn non_empty<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(Option::<String>::deserialize(d)?.filter(|s| !s.is_empty()))
}

/// `"true"`/`"false"`; empty is `true` (a default-on setting).
pub fn flag_default_true<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    Ok(Option::<bool>::deserialize(d)?.unwrap_or(true))
}

/// A count JSON may give as a number or a numeric string (`ps:scale`'s
/// `quantity`).
pub fn count<'de, D: Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
    #[derive(serde::Deserialize)]
    #[serde(untagged)]
    enum Count {
        Number(u32),
        Text(String),
    }
    match Count::deserialize(d)? {
        Count::Number(n) => Ok(n),
        Count::Text(text) => text
            .parse()
            .map_err(|_| D::Error::custom("expected a count")),
    }
}

/// A count that Dokku prints as `-1` when it could not ask (`ps:report`'s
/// `processes`); empty and `-1` are `None`.
pub fn opt_count<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u32>, D::Error> {
    Option::<i64>::deserialize(d)?
        .filter(|n| *n != -1)
        .map(|n| u32::try_from(n).map_err(|_| D::Error::custom("expected a count or -1")))
        .transpose()
}

/// Comma-separated items, blanks dropped.
pub fn comma_list<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    Ok(String::deserialize(d)?
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect())
}

/// Unix seconds; empty is `None`.
pub fn opt_unix_time<'de, D: Deserializer<'de>>(d: D) -> Result<Option<SystemTime>, D::Error> {
    Option::<u64>::deserialize(d)?
        .map(|seconds| {
            UNIX_EPOCH
                .checked_add(Duration::from_secs(seconds))
                .ok_or_else(|| D::Error::custom("expected Unix seconds"))
        })
        .transpose()
}

/// openssl's `notAfter` form (`Jan  1 00:00:00 2027 GMT`); empty is `None`.
pub fn opt_openssl_time<'de, D: Deserializer<'de>>(d: D) -> Result<Option<SystemTime>, D::Error> {
    Option::<String>::deserialize(d)?
        .map(|value| {
            crate::parse::certs::openssl_date(&value)
                .ok_or_else(|| D::Error::custom("expected an openssl date"))
        })
        .transpose()
}

/// Space-separated `scheme:host:container` port mappings.
pub fn port_maps<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<PortMapping>, D::Error> {
    Vec::<String>::deserialize(d)?
        .iter()
        .map(|m| {
            m.parse::<PortMapping>()
                .map_err(|_| D::Error::custom("expected scheme:host-port:container-port mappings"))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::report::text_field as de;

    #[test]
    fn the_helpers_read_dokku_strings() {
        assert!(flag_default_true(de("")).unwrap());
        assert!(!flag_default_true(de("false")).unwrap());
        assert_eq!(opt_count(de("-1")).unwrap(), None);
        assert_eq!(opt_count(de("")).unwrap(), None);
        assert_eq!(opt_count(de("3")).unwrap(), Some(3));
        assert_eq!(comma_list(de("a,b,")).unwrap(), ["a", "b"]);
        assert_eq!(opt_unix_time(de("")).unwrap(), None);
        assert_eq!(
            opt_unix_time(de("60")).unwrap(),
            Some(UNIX_EPOCH + Duration::from_secs(60))
        );
        assert_eq!(
            port_maps(de(" http:80:5000  https:443:5000 "))
                .unwrap()
                .len(),
            2
        );
    }

    #[test]
    fn errors_never_carry_the_value() {
        for err in [
            flag_default_true(de("hunter2")).unwrap_err(),
            opt_count(de("s3cret")).unwrap_err(),
            opt_unix_time(de("s3cret")).unwrap_err(),
            opt_openssl_time(de("s3cret")).unwrap_err(),
            port_maps(de("s3cret")).unwrap_err(),
        ] {
            let err = err.to_string();
            assert!(!err.contains("hunter2") && !err.contains("s3cret"), "{err}");
        }
    }
}
