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

use serde::de::value::MapDeserializer;
use serde::de::{DeserializeOwned, IntoDeserializer};
use serde::{Deserialize, Serialize};

use super::ParseError;
use crate::catalog::{undot, PropertySpec, ReportSpec};

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
/// naming the line. Labels become keys with `-` for spaces, so a key that
/// had dots (`status-web.1`) needs [`text_with`] and its plugin's
/// templates.
pub fn text(what: &'static str, output: &str) -> Result<Vec<RawReport>, ParseError> {
    text_with(what, output, &[])
}

/// [`text`], restoring dotted keys by the report's templates
/// ([`ReportSpec::dotted`]).
pub fn text_with(
    what: &'static str,
    output: &str,
    dotted: &[&str],
) -> Result<Vec<RawReport>, ParseError> {
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
            .insert(undot(dotted, &label_to_key(label)), value.trim().to_owned());
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

/// Parse JSON reports: one object after another (Go prints one per line;
/// a plugin may pretty-print it). Values should be strings; numbers,
/// booleans and null are kept as their JSON text (null as empty) so a newer
/// Dokku changing a type does not lose the field.
pub fn json(what: &'static str, output: &str) -> Result<Vec<RawReport>, ParseError> {
    let mut reports = Vec::new();
    let objects = serde_json::Deserializer::from_str(output)
        .into_iter::<BTreeMap<String, serde_json::Value>>();
    for object in objects {
        // serde's message may quote the value; say only where.
        // serde counts the end of input as the next line: cap it.
        let last = output.lines().count().saturating_sub(1);
        let map = object.map_err(|e| {
            ParseError::at(
                what,
                e.line().saturating_sub(1).min(last),
                format!("not a JSON object (column {})", e.column()),
            )
        })?;
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

/// Read one or more reports printed in the form asked for, or in the other
/// one: a plugin that ignores `--format json` answers in text, and that
/// answer is read rather than refused.
pub fn any(
    what: &'static str,
    output: &str,
    spec: &ReportSpec,
) -> Result<Vec<RawReport>, ParseError> {
    if output.trim_start().starts_with('{') {
        json(what, output)
    } else {
        text_with(what, output, spec.dotted)
    }
}

/// Decode a typed report from a raw one, generically.
///
/// The fields are first put in one shape whatever Dokku printed: the
/// plugin's prefix cut off (late 0.38 JSON prints `dir` and `app-dir`,
/// text only the prefixed label), and each of the plugin's properties `K`
/// that has a `global-K` or `computed-K` folded with them into one object
/// (`{"app", "global", "computed"}`, empty values absent) that a
/// [`Property`](crate::model::Property) field reads. Then serde decodes
/// `R`; an error names the key and what was expected, never the value.
pub fn decode<R: DeserializeOwned>(
    what: &'static str,
    spec: &ReportSpec,
    properties: &[PropertySpec],
    raw: &RawReport,
) -> Result<R, ParseError> {
    // Borrowed throughout: a report of every app decodes hundreds of maps.
    let mut fields: BTreeMap<&str, &str> = BTreeMap::new();
    for (key, value) in &raw.fields {
        let key = unprefixed(spec.prefix, properties, key);
        fields.entry(key).or_insert(value);
    }
    let mut entries: Vec<(&str, Field<'_>)> = Vec::with_capacity(fields.len());
    let mut folded: Vec<&str> = Vec::new();
    let mut name = String::with_capacity(64);
    for property in properties {
        let key = property.key;
        // (present, non-empty value) of `<prefix><key>`, one buffer reused.
        let mut part = |prefix: &str| {
            name.clear();
            name.push_str(prefix);
            name.push_str(key);
            let value = fields.get(name.as_str()).copied();
            (value.is_some(), value.filter(|v| !v.is_empty()))
        };
        let (has_global, global) = part("global-");
        let (has_computed, computed) = part("computed-");
        let present = has_global || has_computed;
        // A report that prints only the app's value keeps it a string.
        if key.ends_with('*') || !present {
            continue;
        }
        let app = fields.get(key).copied().filter(|v| !v.is_empty());
        entries.push((
            key,
            Field::Property {
                app,
                global,
                computed,
            },
        ));
        folded.push(key);
    }
    entries.extend(
        fields
            .iter()
            .filter(|(key, _)| !folded.contains(key))
            .map(|(key, value)| (*key, Field::Text(value))),
    );
    // Decode without path tracking; only a failure is decoded again with
    // it, to name the key.
    let map = || MapDeserializer::<_, serde::de::value::Error>::new(entries.iter().copied());
    R::deserialize(map()).or_else(|_| {
        serde_path_to_error::deserialize(map()).map_err(|e| {
            let key = e.path().to_string();
            ParseError::new(what, format!("{key}: {}", e.into_inner()))
        })
    })
}

/// A report key without the plugin's prefix (`ps-restart-policy` →
/// `restart-policy`). A bare key that itself starts with the prefix keeps
/// it when it names a property and the cut one would not: nginx's JSON
/// prints `nginx-conf-sigil-path` bare (its prefixed form is
/// `nginx-nginx-conf-sigil-path`).
pub(crate) fn unprefixed<'k>(prefix: &str, properties: &[PropertySpec], key: &'k str) -> &'k str {
    let Some(cut) = key.strip_prefix(prefix).and_then(|k| k.strip_prefix('-')) else {
        return key;
    };
    let names = |k: &str| {
        let k = k
            .strip_prefix("global-")
            .or_else(|| k.strip_prefix("computed-"))
            .unwrap_or(k);
        properties.iter().any(|p| p.matches(k))
    };
    if !names(cut) && names(key) {
        key
    } else {
        cut
    }
}

/// One value of a normalised report: Dokku's string, or a property's
/// app, global and computed values folded into a map.
#[derive(Clone, Copy)]
enum Field<'a> {
    Text(&'a str),
    Property {
        app: Option<&'a str>,
        global: Option<&'a str>,
        computed: Option<&'a str>,
    },
}

impl<'de> IntoDeserializer<'de, serde::de::value::Error> for Field<'de> {
    type Deserializer = FieldDeserializer<'de>;

    fn into_deserializer(self) -> Self::Deserializer {
        FieldDeserializer(self)
    }
}

/// Deserializes a [`Field`]: a borrowed string, or a map of the present
/// parts.
///
/// A report field is a plain Rust type and this reads Dokku's strings into
/// it: `bool` from `true`/`false` (empty is `false`), integers from their
/// digits, `Option<T>` is `None` for the empty string, and `Vec<String>` is
/// the whitespace-separated words. Its errors say what was expected and
/// never the value (a report may show a credential).
pub(crate) struct FieldDeserializer<'a>(Field<'a>);

/// One report value as the decoder reads it (for the helpers' tests).
#[cfg(test)]
pub(crate) fn text_field(text: &str) -> FieldDeserializer<'_> {
    FieldDeserializer(Field::Text(text))
}

type DeError = serde::de::value::Error;

impl<'de> FieldDeserializer<'de> {
    /// The string, for a type that is read from one.
    fn text(&self, expected: &str) -> Result<&'de str, DeError> {
        match self.0 {
            Field::Text(text) => Ok(text),
            Field::Property { .. } => Err(serde::de::Error::custom(format!(
                "expected {expected}, found a property's app/global/computed values"
            ))),
        }
    }
}

/// `deserialize_<int>` methods that parse the string as that integer.
macro_rules! integers {
    ($($method:ident $visit:ident $ty:ty),*) => {$(
        fn $method<V: serde::de::Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
            let number = self.text("a whole number")?.parse::<$ty>();
            visitor.$visit(number.map_err(|_| {
                serde::de::Error::custom(concat!("expected a whole number (", stringify!($ty), ")"))
            })?)
        }
    )*};
}

impl<'de> serde::Deserializer<'de> for FieldDeserializer<'de> {
    type Error = DeError;

    fn deserialize_any<V: serde::de::Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        match self.0 {
            Field::Text(text) => visitor.visit_borrowed_str(text),
            Field::Property {
                app,
                global,
                computed,
            } => {
                let parts = [("app", app), ("global", global), ("computed", computed)]
                    .into_iter()
                    .filter_map(|(name, value)| Some((name, value?)));
                visitor.visit_map(MapDeserializer::new(parts))
            }
        }
    }

    fn deserialize_bool<V: serde::de::Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        match self.text("true or false")? {
            "true" => visitor.visit_bool(true),
            "false" | "" => visitor.visit_bool(false),
            _ => Err(serde::de::Error::custom("expected true or false")),
        }
    }

    fn deserialize_option<V: serde::de::Visitor<'de>>(
        self,
        visitor: V,
    ) -> Result<V::Value, DeError> {
        match self.0 {
            Field::Text("") => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_seq<V: serde::de::Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        let words = self.text("words")?.split_whitespace();
        visitor.visit_seq(serde::de::value::SeqDeserializer::new(words))
    }

    integers! {
        deserialize_u8 visit_u8 u8, deserialize_u16 visit_u16 u16,
        deserialize_u32 visit_u32 u32, deserialize_u64 visit_u64 u64,
        deserialize_i8 visit_i8 i8, deserialize_i16 visit_i16 i16,
        deserialize_i32 visit_i32 i32, deserialize_i64 visit_i64 i64
    }

    serde::forward_to_deserialize_any! {
        i128 u128 f32 f64 char str string bytes byte_buf unit unit_struct
        newtype_struct tuple tuple_struct map struct enum identifier ignored_any
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
        _ => Err(ParseError::new(
            what,
            format!("{key}: expected true or false"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_rust_types_read_dokku_strings() {
        #[derive(Deserialize, Debug, PartialEq)]
        struct Typed {
            on: bool,
            off: bool,
            unset: bool,
            count: u32,
            signed: Option<i64>,
            empty: Option<String>,
            words: Vec<String>,
        }
        let fields = [
            ("on", "true"),
            ("off", "false"),
            ("unset", ""),
            ("count", "42"),
            ("signed", "-1"),
            ("empty", ""),
            ("words", " a  b "),
        ];
        let map = MapDeserializer::<_, serde::de::value::Error>::new(
            fields.into_iter().map(|(k, v)| (k, Field::Text(v))),
        );
        let typed = Typed::deserialize(map).unwrap();
        assert_eq!(
            typed,
            Typed {
                on: true,
                off: false,
                unset: false,
                count: 42,
                signed: Some(-1),
                empty: None,
                words: vec!["a".into(), "b".into()],
            }
        );
    }

    #[test]
    fn a_value_that_does_not_fit_is_named_by_type_never_shown() {
        let bool_err = bool::deserialize(text_field("hunter2")).unwrap_err();
        let int_err = u64::deserialize(text_field("s3cret")).unwrap_err();
        assert_eq!(bool_err.to_string(), "expected true or false");
        assert_eq!(int_err.to_string(), "expected a whole number (u64)");
    }

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
