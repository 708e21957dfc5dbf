//! Dokku's two `:report` renderers.
//!
//! - Go (`plugins/common/common.go`, `ReportSingleApp`), used by every Go
//!   plugin and, from 0.38.27, by domains: keys sorted; text is a
//!   `=====> <app> <type> information` header (quiet-able) then one
//!   `LogVerbose(RightPad(label + ":", width) + value)` line per key, where
//!   the label is the flag without `--`, `-` and `.` turned into spaces and
//!   the first letter upper-cased, and `width = max(31, longest flag incl.
//!   --)`; JSON is `json.Marshal(map[string]string)` on one line (sorted
//!   keys, Go's HTML escaping), optionally with each `<type>-x` key also
//!   emitted as `x` (late 0.38, `EmitLegacyPrefix`). One info flag prints the
//!   bare value.
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

/// Go's JSON rendering: one compact line. With `strip_prefix`, every
/// `<prefix>-x` key is also emitted as `x` (late 0.38's deprecation window).
pub fn go_json(out: &mut Out, fields: &Fields, strip_prefix: Option<&str>) {
    let mut map: BTreeMap<String, &str> = BTreeMap::new();
    for (flag, value) in fields {
        let key = flag.trim_start_matches("--");
        map.insert(key.to_owned(), value);
        if let Some(prefix) = strip_prefix {
            if let Some(bare) = key.strip_prefix(prefix).and_then(|k| k.strip_prefix('-')) {
                map.insert(bare.to_owned(), value);
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
