//! `ssh-keys:list`, text and JSON.
//!
//! Recorded on 0.38.27 (sshcommand's `list`): text is one line per key,
//! `<fingerprint> NAME="<name>" SSHCOMMAND_ALLOWED_KEYS="<options>"`; JSON
//! an array of `{"fingerprint", "name", "SSHCOMMAND_ALLOWED_KEYS",
//! "public-key"}` (with or without spaces). A name that matches no key is
//! exit 1 with no output in text, `[]` in JSON.

use serde::Deserialize;

use super::ParseError;
use crate::model::ssh_keys::SshKey;

const WHAT: &str = "ssh-keys:list";

/// `ssh-keys:list` in either format.
pub fn list(stdout: &str) -> Result<Vec<SshKey>, ParseError> {
    if stdout.trim_start().starts_with('[') {
        return Ok(super::json_array::<JsonKey>(WHAT, stdout)?
            .into_iter()
            .map(|k| SshKey {
                fingerprint: k.fingerprint,
                name: k.name,
                allowed_keys: k.allowed.filter(|a| !a.is_empty()),
                public_key: k.public_key.filter(|p| !p.is_empty()),
            })
            .collect());
    }
    stdout
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(index, line)| {
            text_line(line)
                .ok_or_else(|| ParseError::at(WHAT, index, "expected `<fingerprint> NAME=\"…\"`"))
        })
        .collect()
}

#[derive(Deserialize)]
struct JsonKey {
    fingerprint: String,
    #[serde(default)]
    name: String,
    #[serde(default, rename = "SSHCOMMAND_ALLOWED_KEYS")]
    allowed: Option<String>,
    #[serde(default, rename = "public-key")]
    public_key: Option<String>,
}

fn text_line(line: &str) -> Option<SshKey> {
    let (fingerprint, mut rest) = line.trim().split_once(' ')?;
    let mut key = SshKey {
        fingerprint: fingerprint.to_owned(),
        ..SshKey::default()
    };
    let mut named = false;
    loop {
        rest = rest.trim_start();
        if rest.is_empty() {
            break;
        }
        let (name, after) = rest.split_once("=\"")?;
        let (value, after) = after.split_once('"')?;
        match name {
            "NAME" => {
                key.name = value.to_owned();
                named = true;
            }
            "SSHCOMMAND_ALLOWED_KEYS" => key.allowed_keys = Some(value.to_owned()),
            _ => {}
        }
        rest = after;
    }
    named.then_some(key)
}
