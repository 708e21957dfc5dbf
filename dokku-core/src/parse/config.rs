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
    // Dokku's reader may announce keys it dropped before the JSON.
    let json = stdout
        .lines()
        .filter(|l| !l.starts_with("-----> Deleting invalid key "))
        .collect::<Vec<_>>()
        .join("\n");
    // Parse into plain strings first: the secret type is not involved in
    // error messages, and serde_json's errors name positions, not values.
    let map: BTreeMap<String, String> = super::json(WHAT, "a JSON object of strings", &json)?;
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
    SecretString::new(super::report::info_flag(stdout))
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

/// What godotenv's reader says when Dokku can no longer read a stored
/// environment (`docs/research/config-values.md` §3): godotenv v1.5.1's
/// `unterminated quoted value <the raw value>` and `unexpected character
/// <c> in variable name near <the rest of the file>`, and v1.2.0's
/// `bufio.Scanner: token too long`. Dokku prints the message alone after
/// ` !     ` (`LogFailWithError`), or wrapped (`Unable to load old
/// environment: <msg>` from `apps:clone` and `apps:rename`).
const ENV_READ_ERRORS: &[(&str, &str)] = &[
    (
        "unterminated quoted value",
        "unterminated quoted value; Dokku's message quotes the stored value, not shown here",
    ),
    (
        "unexpected character",
        "unexpected character in a variable name; Dokku's message quotes the rest of the file, \
         not shown here",
    ),
    (
        "bufio.Scanner: token too long",
        "a line longer than 64 KiB, which godotenv 1.2.0 cannot read",
    ),
];

/// Whether one line of stderr is a godotenv read error: the line up to
/// its message, the message's kind (its entry's needle) and what to say
/// about it. `unexpected character` only counts with the `in variable
/// name near` that follows it, so an ordinary message that happens to
/// contain the words is left alone.
fn env_read_error_at(line: &str) -> Option<(&str, &'static str, &'static str)> {
    ENV_READ_ERRORS.iter().find_map(|(needle, problem)| {
        let at = line.find(needle)?;
        let rest = &line[at..];
        let matches = *needle != "unexpected character" || rest.contains(" in variable name near ");
        matches.then_some((&line[..at], *needle, *problem))
    })
}

/// If `stderr` says Dokku could not read a stored environment file: what
/// it said, without the values it quoted.
pub fn env_read_error(stderr: &str) -> Option<&'static str> {
    stderr
        .lines()
        .find_map(env_read_error_at)
        .map(|(_, _, problem)| problem)
}

/// `text` with every godotenv read error cut after its kind: both
/// messages quote stored values (the second one the whole rest of the
/// file), which must not reach a log, a terminal or an audit store.
pub fn redact_env_read_errors(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.lines().any(|l| env_read_error_at(l).is_some()) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    for piece in text.split_inclusive('\n') {
        let (line, end) = match piece.strip_suffix('\n') {
            Some(line) => (line, "\n"),
            None => (piece, ""),
        };
        match env_read_error_at(line) {
            Some((before, kind, _)) => {
                out.push_str(before);
                out.push_str(kind);
                if kind != "bufio.Scanner: token too long" {
                    out.push_str(" [stored values hidden]");
                }
            }
            None => out.push_str(line),
        }
        out.push_str(end);
    }
    std::borrow::Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const UNTERMINATED: &str = " !     unterminated quoted value \"she said \\\"hi\\\\\"\n";
    const UNEXPECTED: &str = " !     unexpected character \"\\\"\" in variable name near \"lima\\\"\\nOTHER=\\\"s3cret\\\"\\n\"\n";

    #[test]
    fn godotenv_read_errors_are_recognised_and_their_values_cut() {
        assert!(env_read_error(UNTERMINATED).is_some());
        assert!(env_read_error(UNEXPECTED).is_some());
        assert!(env_read_error(" !     bufio.Scanner: token too long\n").is_some());
        assert!(env_read_error(" !     App x does not exist\n").is_none());
        assert!(env_read_error("unexpected character in my app\n").is_none());
        let red = redact_env_read_errors(UNTERMINATED);
        assert_eq!(
            red,
            " !     unterminated quoted value [stored values hidden]\n"
        );
        let red = redact_env_read_errors(UNEXPECTED);
        assert_eq!(red, " !     unexpected character [stored values hidden]\n");
        assert!(!red.contains("s3cret"));
        let wrapped =
            "-----> x\n !     Unable to load old environment: unterminated quoted value \"pw\\\\\"";
        assert_eq!(
            redact_env_read_errors(wrapped),
            "-----> x\n !     Unable to load old environment: unterminated quoted value [stored values hidden]"
        );
        assert_eq!(redact_env_read_errors("plain\n"), "plain\n");
    }

    #[test]
    fn export_reads_past_deleted_invalid_keys() {
        let out = "-----> Deleting invalid key host.name from config for api\n{\"A\":\"1\"}\n";
        assert_eq!(export_json(out).unwrap().len(), 1);
    }
}
