//! The generic shape of every `:report` command, text and JSON.
//!
//! All Dokku reports are flat key → string maps. The text form prints one
//! block per app:
//!
//! ```text
//! =====> node-js-app app information
//!        App created at:                1700000000
//!        App deploy source:             git
//! ```
//!
//! where the label is the JSON key with `-` turned into spaces and the first
//! letter upper-cased (Go: `plugins/common/report.go`; bash: the
//! `printf "%-30s %-25s"` in each plugin's `report` subcommand, which pads
//! values with trailing spaces). The JSON form (`--format json`) is one object
//! per app, one per line, with the same keys and string values.
//!
//! Both forms are read into the same [`RawReport`], so typed reports are built
//! once from a map and a key a newer Dokku adds is kept, not lost.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::ParseError;

/// The `=====> ` prefix of `dokku_log_info2` headers.
pub const HEADER_PREFIX: &str = "=====> ";
/// The 7-space indent of `dokku_log_verbose` lines.
pub const VERBOSE_INDENT: &str = "       ";

/// One report block: the app (or other subject) it is about, when the
/// output names it, and its fields by JSON key.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RawReport {
    /// The first word of the text header (usually the app name); `None` for
    /// JSON output, which does not name the app.
    pub subject: Option<String>,
    /// Fields by key (`app-deploy-source`), values as Dokku printed them.
    pub fields: BTreeMap<String, String>,
}

impl RawReport {
    /// The value of a key, if present.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.fields.get(key).map(String::as_str)
    }
}

/// Turn a text label (`App deploy source`) back into its key
/// (`app-deploy-source`).
pub fn label_to_key(label: &str) -> String {
    let mut key = String::with_capacity(label.len());
    for (i, c) in label.trim().chars().enumerate() {
        match c {
            ' ' => key.push('-'),
            c if i == 0 => key.extend(c.to_lowercase()),
            c => key.push(c),
        }
    }
    key
}

/// Parse text reports: one or more `=====> … information` blocks.
///
/// Lines before the first header that are blank are ignored; anything else
/// that is neither a header nor an indented `Label: value` line is an error
/// naming the line.
pub fn text(what: &'static str, output: &str) -> Result<Vec<RawReport>, ParseError> {
    let mut reports: Vec<RawReport> = Vec::new();
    for (index, line) in output.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        if let Some(header) = line.strip_prefix(HEADER_PREFIX) {
            let subject = header_subject(header);
            reports.push(RawReport {
                subject,
                fields: BTreeMap::new(),
            });
            continue;
        }
        let Some(body) = line.strip_prefix(VERBOSE_INDENT) else {
            return Err(ParseError::at(
                what,
                index,
                "expected a `=====> ` header or a 7-space indented `Label: value` line",
            ));
        };
        let Some(report) = reports.last_mut() else {
            return Err(ParseError::at(
                what,
                index,
                "a field line before any header",
            ));
        };
        let Some((label, value)) = body.split_once(':') else {
            return Err(ParseError::at(what, index, "a field line without `:`"));
        };
        if label.trim().is_empty() {
            return Err(ParseError::at(
                what,
                index,
                "a field line with an empty label",
            ));
        }
        report
            .fields
            .insert(label_to_key(label), value.trim().to_owned());
    }
    if reports.is_empty() {
        return Err(ParseError::new(what, "no report header found"));
    }
    Ok(reports)
}

/// The app (or `global`) a `<subject> <plugin> information` header is
/// about. Everything before the plugin word, not just the first word:
/// names that already exist may hold spaces (Dokku's rule for existing
/// apps is `^[a-z0-9][^/:A-Z]*$`).
fn header_subject(header: &str) -> Option<String> {
    let header = header.trim();
    let subject = header
        .strip_suffix(" information")
        .and_then(|rest| rest.rsplit_once(' '))
        .map(|(subject, _plugin)| subject.trim())
        .filter(|s| !s.is_empty());
    subject
        .or_else(|| header.split_whitespace().next())
        .map(str::to_owned)
}

/// Parse JSON reports: one object per non-empty line. Values should be
/// strings; numbers, booleans and null are kept as their JSON text (null as
/// empty) so a newer Dokku changing a type does not lose the field.
pub fn json(what: &'static str, output: &str) -> Result<Vec<RawReport>, ParseError> {
    let mut reports = Vec::new();
    for (index, line) in output.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let map: BTreeMap<String, serde_json::Value> = serde_json::from_str(line)
            .map_err(|e| ParseError::at(what, index, format!("not a JSON object: {e}")))?;
        let fields = map.into_iter().map(|(k, v)| (k, json_text(v))).collect();
        reports.push(RawReport {
            subject: None,
            fields,
        });
    }
    if reports.is_empty() {
        return Err(ParseError::new(what, "no JSON object found"));
    }
    Ok(reports)
}

/// A JSON report value as the text Dokku would print: a string as it is,
/// null as empty, anything else as its JSON text.
pub(crate) fn json_text(value: serde_json::Value) -> String {
    match value {
        serde_json::Value::String(s) => s,
        serde_json::Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// Parse exactly one report, text or JSON.
pub fn single(
    what: &'static str,
    output: &str,
    json_format: bool,
) -> Result<RawReport, ParseError> {
    let mut reports = if json_format {
        json(what, output)?
    } else {
        text(what, output)?
    };
    match reports.len() {
        1 => Ok(reports.remove(0)),
        n => Err(ParseError::new(
            what,
            format!("expected one report, found {n}"),
        )),
    }
}

/// The bare value an info flag prints (`<plugin>:report <app> --<key>`),
/// without the newline Dokku adds.
pub fn info_flag(stdout: &str) -> &str {
    stdout.strip_suffix('\n').unwrap_or(stdout)
}

/// Read a Dokku boolean (`true`/`false`; empty is `None`).
pub fn parse_bool(what: &'static str, key: &str, value: &str) -> Result<Option<bool>, ParseError> {
    match value {
        "" => Ok(None),
        "true" => Ok(Some(true)),
        "false" => Ok(Some(false)),
        other => Err(ParseError::new(
            what,
            format!("{key}: expected true or false, found {other:?}"),
        )),
    }
}

/// Read an unsigned number (empty is `None`).
pub fn parse_u64(what: &'static str, key: &str, value: &str) -> Result<Option<u64>, ParseError> {
    if value.is_empty() {
        return Ok(None);
    }
    value
        .parse()
        .map(Some)
        .map_err(|_| ParseError::new(what, format!("{key}: expected a number, found {value:?}")))
}

/// An empty string as `None`.
pub fn non_empty(value: Option<&str>) -> Option<String> {
    value.filter(|v| !v.is_empty()).map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_become_keys() {
        assert_eq!(label_to_key("App deploy source"), "app-deploy-source");
        assert_eq!(
            label_to_key("Ps computed restart policy "),
            "ps-computed-restart-policy"
        );
    }

    #[test]
    fn text_blocks() {
        let out = "=====> a app information\n       App dir:                       /home/dokku/a \n       App locked:                    false\n=====> b app information\n       App dir:  /home/dokku/b\n";
        let r = text("apps:report", out).unwrap();
        assert_eq!(r.len(), 2);
        assert_eq!(r[0].subject.as_deref(), Some("a"));
        assert_eq!(r[0].get("app-dir"), Some("/home/dokku/a"));
        assert_eq!(r[1].get("app-dir"), Some("/home/dokku/b"));
    }

    #[test]
    fn values_may_contain_colons() {
        let r = text("x", "=====> a x information\n       Url:  http://a:80\n").unwrap();
        let spaced = text("x", "=====> my old app x information\n       Url:  u\n").unwrap();
        assert_eq!(spaced[0].subject.as_deref(), Some("my old app"));
        assert_eq!(r[0].get("url"), Some("http://a:80"));
    }

    #[test]
    fn errors_name_the_line() {
        let e = text("x", "=====> a x information\ngarbage\n").unwrap_err();
        assert_eq!(e.line, Some(2));
        let e = json("x", "{\"a\":\"b\"}\n[1]\n").unwrap_err();
        assert_eq!(e.line, Some(2));
    }
}
