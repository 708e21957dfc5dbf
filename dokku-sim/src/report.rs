//! Dokku's two `:report` renderers.
//!
//! - Go (`plugins/common/common.go`, `ReportSingleApp`), used by every Go
//!   plugin and, from 0.38.27, by domains: keys sorted; text is a
//!   `=====> <app> <type> information` header (quiet-able) then one
//!   `LogVerbose(RightPad(label + ":", width) + value)` line per key, where
//!   the label is the flag without `--`, `-` and `.` turned into spaces and
//!   the first letter upper-cased, and `width = max(31, longest flag incl.
//!   --)`; JSON is `json.Marshal(map[string]string)` on one line (sorted
//!   keys, Go's HTML escaping), its keys named per [`JsonKeys`]. One info
//!   flag prints the bare value. The argument handling and the loop over
//!   apps around it are in `commands::go_report`.
//! - bash (domains before 0.38.27): rows in the plugin's own order, each
//!   `dokku_log_verbose "$(printf "%-30s %-25s" "<Label>:" "<value>")"`, so
//!   values carry trailing spaces.

use std::collections::BTreeMap;

use crate::out::{right_pad, Out};

/// One report: flag (with `--`) → value.
pub type Fields = BTreeMap<String, String>;

/// The label Dokku prints for a flag: `--ps-can-scale` → `Ps can scale`,
/// `--status-web.1` → `Status web 1`.
pub fn label(flag: &str) -> String {
    let words = flag.trim_start_matches("--").replace(['-', '.'], " ");
    let mut chars = words.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Go's text rendering of one report block.
pub fn go_text(out: &mut Out, subject: &str, report_type: &str, fields: &Fields) {
    out.info2_quiet(&format!("{subject} {report_type} information"));
    let width = fields.keys().map(String::len).max().unwrap_or(0).max(31);
    for (flag, value) in fields {
        let label = format!("{}:", label(flag));
        out.verbose(&format!("{}{value}", right_pad(&label, width)));
    }
}

/// How a Go `:report` names its JSON keys (`ReportSingleApp`'s
/// `TrimPrefix`, later `ReportSingleAppInput.EmitLegacyPrefix`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JsonKeys {
    /// The flag without `--` (`TrimPrefix: false`): apps and ps before
    /// 0.38.8, logs before 0.38.27.
    Flag,
    /// The flag without `--<type>-` (`TrimPrefix: true`,
    /// `EmitLegacyPrefix: false`): domains from 0.38.27 (PR #8804).
    Stripped,
    /// The flag without `--`, and each `<type>-x` key also as `x`
    /// (`EmitLegacyPrefix: true`, PR #8691, 0.38's deprecation window):
    /// apps and ps from 0.38.8, logs from 0.38.27.
    StrippedAndLegacy,
}

/// Go's JSON rendering of one report: one compact line, keys named per
/// `keys` for a report of type `report_type`.
pub fn go_json(out: &mut Out, fields: &Fields, report_type: &str, keys: JsonKeys) {
    let type_prefix = format!("--{report_type}-");
    let mut map: BTreeMap<String, &str> = BTreeMap::new();
    for (flag, value) in fields {
        let key = flag.trim_start_matches("--");
        match keys {
            JsonKeys::Flag => {
                map.insert(key.to_owned(), value);
            }
            // strings.TrimPrefix: a flag without the prefix keeps its `--`.
            JsonKeys::Stripped => {
                let stripped = flag.strip_prefix(&type_prefix).unwrap_or(flag);
                map.insert(stripped.to_owned(), value);
            }
            JsonKeys::StrippedAndLegacy => {
                map.insert(key.to_owned(), value);
                let bare = key
                    .strip_prefix(report_type)
                    .and_then(|k| k.strip_prefix('-'));
                if let Some(bare) = bare {
                    map.insert(bare.to_owned(), value);
                }
            }
        }
    }
    out.log(&go_json_string(&map));
}

/// `encoding/json` of a string map: sorted keys, and `<`, `>`, `&`, U+2028
/// and U+2029 escaped as Go does by default.
pub fn go_json_string<V: AsRef<str>>(map: &BTreeMap<String, V>) -> String {
    let mut json = String::from("{");
    for (i, (key, value)) in map.iter().enumerate() {
        if i > 0 {
            json.push(',');
        }
        go_json_str(&mut json, key);
        json.push(':');
        go_json_str(&mut json, value.as_ref());
    }
    json.push('}');
    json
}

/// Append one Go-encoded JSON string.
pub fn go_json_str(json: &mut String, text: &str) {
    json.push('"');
    for c in text.chars() {
        match c {
            '"' => json.push_str("\\\""),
            '\\' => json.push_str("\\\\"),
            '\n' => json.push_str("\\n"),
            '\r' => json.push_str("\\r"),
            '\t' => json.push_str("\\t"),
            '<' => json.push_str("\\u003c"),
            '>' => json.push_str("\\u003e"),
            '&' => json.push_str("\\u0026"),
            '\u{2028}' => json.push_str("\\u2028"),
            '\u{2029}' => json.push_str("\\u2029"),
            c if (c as u32) < 0x20 => json.push_str(&format!("\\u{:04x}", c as u32)),
            c => json.push(c),
        }
    }
    json.push('"');
}

/// bash's `printf "%-30s %-25s"` report row.
pub fn bash_row(out: &mut Out, label: &str, value: &str) {
    out.verbose(&format!(
        "{} {}",
        right_pad(&format!("{label}:"), 30),
        right_pad(value, 25)
    ));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels() {
        assert_eq!(label("--ps-can-scale"), "Ps can scale");
        assert_eq!(label("--status-web.1"), "Status web 1");
        assert_eq!(label("--app-dir"), "App dir");
    }

    #[test]
    fn go_json_escapes_like_go() {
        let mut m = BTreeMap::new();
        m.insert("b".to_owned(), "x&y<z>\n\"".to_owned());
        m.insert("a".to_owned(), "ü".to_owned());
        assert_eq!(
            go_json_string(&m),
            r#"{"a":"ü","b":"x\u0026y\u003cz\u003e\n\""}"#
        );
    }

    #[test]
    fn json_keys_per_naming() {
        let mut f = Fields::new();
        f.insert("--ps-can-scale".into(), "true".into());
        f.insert("--deployed".into(), "false".into());
        let json = |keys| {
            let mut out = Out::new(false);
            go_json(&mut out, &f, "ps", keys);
            String::from_utf8(out.stdout).unwrap()
        };
        assert_eq!(
            json(JsonKeys::Flag),
            "{\"deployed\":\"false\",\"ps-can-scale\":\"true\"}\n"
        );
        assert_eq!(
            json(JsonKeys::Stripped),
            "{\"--deployed\":\"false\",\"can-scale\":\"true\"}\n"
        );
        assert_eq!(
            json(JsonKeys::StrippedAndLegacy),
            "{\"can-scale\":\"true\",\"deployed\":\"false\",\"ps-can-scale\":\"true\"}\n"
        );
    }

    #[test]
    fn go_text_pads_to_the_longest_flag() {
        let mut out = Out::new(false);
        let mut f = Fields::new();
        f.insert("--app-dir".into(), "/home/dokku/a".into());
        f.insert("--app-locked".into(), "".into());
        go_text(&mut out, "a", "app", &f);
        assert_eq!(
            String::from_utf8(out.stdout).unwrap(),
            "=====> a app information\n       App dir:                       /home/dokku/a\n       App locked:                    \n"
        );
    }
}
