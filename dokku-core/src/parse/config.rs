//! Parsers for `config:export --format json`, `config:get` and `config:keys`.
//!
//! Established from dokku/dokku `plugins/config` (`Env.JSONString`:
//! `encoding/json` of a sorted map, one line; `config:get` prints the value
//! and a newline, and exits 1 with no output for a missing key; `config:keys`
//! prints one sorted key per line). `config:export --format json` exists on
//! every Dokku this crate supports, so there is no text path to maintain.
//!
//! Values are secrets: no error message here quotes one.

use std::collections::BTreeMap;

use super::ParseError;
use crate::model::config::{ConfigVars, Unset};
use crate::name::ConfigKey;
use crate::secret::SecretString;

/// `config:export --format json`.
pub fn export_json(stdout: &str) -> Result<ConfigVars, ParseError> {
    const WHAT: &str = "config:export";
    // Parse into plain strings first: the secret type is not involved in
    // error messages, and serde_json's errors name positions, not values.
    let map: BTreeMap<String, String> = serde_json::from_str(stdout.trim()).map_err(|e| {
        ParseError::new(
            WHAT,
            format!(
                "not a JSON object of strings (line {}, column {})",
                e.line(),
                e.column()
            ),
        )
    })?;
    map.into_iter()
        .map(|(k, v)| {
            let key = ConfigKey::new(&k)
                .map_err(|e| ParseError::new(WHAT, format!("key {k:?}: {}", e.rule)))?;
            Ok((key, SecretString::new(v)))
        })
        .collect()
}

/// `config:get`: the value, without the newline Dokku adds.
pub fn get(stdout: &str) -> SecretString {
    let value = stdout.strip_suffix('\n').unwrap_or(stdout);
    SecretString::new(value)
}

/// `config:keys`: one key per line.
pub fn keys(stdout: &str) -> Result<Vec<ConfigKey>, ParseError> {
    stdout
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(index, line)| {
            ConfigKey::new(line.trim())
                .map_err(|e| ParseError::at("config:keys", index, e.to_string()))
        })
        .collect()
}

/// `config:unset`/`config:clear`: the `-----> Unsetting KEY` and
/// `-----> Skipping KEY, it is not set in the environment` lines
/// (`plugins/config` `UnsetMany`); the restart's output after them is
/// ignored.
pub fn unset(stdout: &str) -> Result<Unset, ParseError> {
    let mut done = Unset::default();
    for (index, line) in stdout.lines().enumerate() {
        let (list, key) = if let Some(key) = line.strip_prefix("-----> Unsetting ") {
            (&mut done.unset, key)
        } else if let Some(rest) = line.strip_prefix("-----> Skipping ") {
            match rest.strip_suffix(", it is not set in the environment") {
                Some(key) => (&mut done.skipped, key),
                None => continue,
            }
        } else {
            continue;
        };
        let key = ConfigKey::new(key.trim())
            .map_err(|e| ParseError::at("config:unset", index, e.to_string()))?;
        list.push(key);
    }
    Ok(done)
}
