//! The env file library Dokku's config plugin stores every environment
//! with, `github.com/joho/godotenv`, simulated: its writer (`Marshal`,
//! `Write`) and its reader (`Parse`/`Read`), in the two versions Dokku
//! pins. Written from godotenv's own source (tags `v1.5.1`, commit
//! `3fc4292b`, and `v1.2.0`, commit `a79fa1e5`: `godotenv.go`,
//! `parser.go`), not from dokku-core: the two must not share a
//! misunderstanding of which values survive.
//!
//! - Dokku ≥ 0.37.8 (`plugins/config/go.mod`, commit `81d42b287`) pins
//!   **v1.5.1**: integers are written unquoted and canonical, everything
//!   else double-quoted with `doubleQuoteEscape`; the reader works on the
//!   whole file, and its closing-quote scan does not count backslashes.
//! - Dokku ≤ 0.37.7 pins **v1.2.0**: every value quoted, no trailing
//!   newline; a line reader (`bufio.Scanner`, 64 KiB lines at most) with
//!   a comment heuristic that cuts some lines holding `#` and quotes.
//!
//! The simulated host keeps, per environment, the map Dokku last wrote;
//! the file is always what `Write` makes of it, and every read goes
//! through the reader here, so what comes back, and what fails, is what
//! Dokku's own round trip gives.

use std::collections::BTreeMap;

use super::report::go_quote;

/// The characters `doubleQuoteEscape` escapes, in its order.
const DOUBLE_QUOTE_SPECIAL: [char; 7] = ['\\', '\n', '\r', '"', '!', '$', '`'];

/// Which godotenv a host's config plugin uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Godotenv {
    /// v1.2.0 (Dokku ≤ 0.37.7).
    V1_2,
    /// v1.5.1 (Dokku ≥ 0.37.8).
    V1_5,
}

impl Godotenv {
    /// The version a Dokku release pins.
    pub fn of(version: dokku_core::DokkuVersion) -> Self {
        if version >= dokku_core::DokkuVersion::new(0, 37, 8) {
            Godotenv::V1_5
        } else {
            Godotenv::V1_2
        }
    }

    /// `Marshal`: one line per key, sorted as whole strings, joined by
    /// newlines (no final newline).
    pub fn marshal(self, env: &BTreeMap<String, String>) -> String {
        let mut lines: Vec<String> = env
            .iter()
            .map(|(k, v)| match (self, go_atoi(v)) {
                // v1.5.1: `if d, err := strconv.Atoi(v); err == nil` →
                // `%s=%d`.
                (Godotenv::V1_5, Some(d)) => format!("{k}={d}"),
                _ => format!("{k}=\"{}\"", double_quote_escape(v)),
            })
            .collect();
        lines.sort();
        lines.join("\n")
    }

    /// `Write`'s file contents: v1.5.1 adds a final newline, v1.2.0 does
    /// not.
    pub fn file(self, env: &BTreeMap<String, String>) -> String {
        let mut text = self.marshal(env);
        if self == Godotenv::V1_5 {
            text.push('\n');
        }
        text
    }

    /// `Read`/`Parse`/`Unmarshal`: the map, or godotenv's error text.
    pub fn parse(self, src: &str) -> Result<BTreeMap<String, String>, String> {
        match self {
            Godotenv::V1_5 => parse_1_5(src),
            Godotenv::V1_2 => parse_1_2(src),
        }
    }
}

/// Go's `strconv.Atoi` on a 64-bit host: an optional sign and decimal
/// digits within 64 bits (the fast path and `ParseInt(s, 10, 0)` agree).
fn go_atoi(s: &str) -> Option<i64> {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let negative = s.starts_with('-');
    let mut value: i128 = 0;
    for b in digits.bytes() {
        value = value * 10 + i128::from(b - b'0');
        if value > i128::from(i64::MAX) + 1 {
            return None;
        }
    }
    let value = if negative { -value } else { value };
    i64::try_from(value).ok()
}

/// `doubleQuoteEscape`: each special character replaced in turn over the
/// whole string, backslash first, so no replacement is escaped again.
fn double_quote_escape(value: &str) -> String {
    let mut line = value.to_owned();
    for c in DOUBLE_QUOTE_SPECIAL {
        let replacement = match c {
            '\n' => "\\n".to_owned(),
            '\r' => "\\r".to_owned(),
            c => format!("\\{c}"),
        };
        line = line.replace(c, &replacement);
    }
    line
}

// ------------------------------------------------------------ v1.5.1

/// `isSpace`: a space but not a line break (on a rune, or on a byte read
/// as a Latin-1 rune).
fn is_space(c: char) -> bool {
    matches!(
        c,
        '\t' | '\u{0b}' | '\u{0c}' | '\r' | ' ' | '\u{85}' | '\u{a0}'
    )
}

/// `parseBytes`.
fn parse_1_5(src: &str) -> Result<BTreeMap<String, String>, String> {
    let src = src.replace("\r\n", "\n");
    let mut out = BTreeMap::new();
    let mut cutset: &str = &src;
    while let Some(start) = statement_start(cutset) {
        let (key, left) = locate_key_name(start)?;
        let (value, left) = extract_var_value(left, &out)?;
        out.insert(key, value);
        cutset = left;
    }
    Ok(out)
}

/// `getStatementStart`: skip blanks (Go's `unicode.IsSpace`) and comment
/// lines; `None` at the end of the input.
fn statement_start(src: &str) -> Option<&str> {
    let pos = src.find(|c: char| !c.is_whitespace())?;
    let src = &src[pos..];
    if !src.starts_with('#') {
        return Some(src);
    }
    let newline = src.find('\n')?;
    statement_start(&src[newline..])
}

/// `locateKeyName`: the key (letters, digits, `_`, `.`, blanks skipped)
/// up to `=` or `:`. It reads bytes, each taken as a Latin-1 rune.
fn locate_key_name(src: &str) -> Result<(String, &str), String> {
    let mut src = src.trim_start_matches(is_space);
    if let Some(trimmed) = src.strip_prefix("export") {
        if trimmed.starts_with(is_space) {
            src = trimmed.trim_start_matches(is_space);
        }
    }
    let mut key = "";
    let mut offset = 0;
    for (i, &byte) in src.as_bytes().iter().enumerate() {
        let rune = char::from(byte);
        if is_space(rune) {
            continue;
        }
        match byte {
            b'=' | b':' => {
                key = &src[..i];
                offset = i + 1;
                break;
            }
            b'_' => {}
            _ if rune.is_alphabetic() || rune.is_numeric() || rune == '.' => {}
            _ => {
                return Err(format!(
                    "unexpected character {} in variable name near {}",
                    go_quote(&rune.to_string()),
                    go_quote(src)
                ));
            }
        }
    }
    if src.is_empty() {
        return Err("zero length string".to_owned());
    }
    let key = key.trim_end_matches(char::is_whitespace).to_owned();
    Ok((key, src[offset..].trim_start_matches(is_space)))
}

/// `extractVarValue`.
fn extract_var_value<'s>(
    src: &'s str,
    vars: &BTreeMap<String, String>,
) -> Result<(String, &'s str), String> {
    let quote = match src.as_bytes().first() {
        Some(&q @ (b'"' | b'\'')) => q,
        _ => return Ok(unquoted_value(src, vars)),
    };
    let bytes = src.as_bytes();
    for i in 1..bytes.len() {
        if bytes[i] != quote || bytes[i - 1] == b'\\' {
            continue;
        }
        let q = char::from(quote);
        let value = src[..i].trim_end_matches(q).trim_start_matches(q);
        let value = if quote == b'"' {
            expand_variables(&expand_escapes(value), vars)
        } else {
            value.to_owned()
        };
        return Ok((value, &src[i + 1..]));
    }
    let end = src.find('\n').unwrap_or(src.len());
    Err(format!("unterminated quoted value {}", &src[..end]))
}

/// An unquoted value: to the end of the line, a ` #` comment cut off,
/// `isSpace` trimmed, variables expanded.
fn unquoted_value<'s>(src: &'s str, vars: &BTreeMap<String, String>) -> (String, &'s str) {
    let end_of_line = src.find(['\n', '\r']).unwrap_or(src.len());
    if end_of_line == 0 && src.is_empty() {
        return (String::new(), "");
    }
    let line: Vec<char> = src[..end_of_line].chars().collect();
    let mut end_of_var = line.len();
    if end_of_var == 0 {
        return (String::new(), &src[end_of_line..]);
    }
    for i in (1..end_of_var).rev() {
        if line[i] == '#' && is_space(line[i - 1]) {
            end_of_var = i;
            break;
        }
    }
    let text: String = line[..end_of_var].iter().collect();
    (
        expand_variables(text.trim_matches(is_space), vars),
        &src[end_of_line..],
    )
}

/// `expandEscapes`: `\n` and `\r` (any backslash and a character other
/// than a newline, `\\.`), then `\\([^$])` → the character.
fn expand_escapes(value: &str) -> String {
    let mut first = String::with_capacity(value.len());
    let mut chars = value.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, chars.peek().copied()) {
            ('\\', Some(next)) if next != '\n' => {
                chars.next();
                match next {
                    'n' => first.push('\n'),
                    'r' => first.push('\r'),
                    other => {
                        first.push('\\');
                        first.push(other);
                    }
                }
            }
            (c, _) => first.push(c),
        }
    }
    let mut out = String::with_capacity(first.len());
    let mut chars = first.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, chars.peek().copied()) {
            ('\\', Some(next)) if next != '$' => {
                chars.next();
                out.push(next);
            }
            (c, _) => out.push(c),
        }
    }
    out
}

/// `expandVariables` with `(\\)?(\$)(\()?\{?([A-Z0-9_]+)?\}?`: `\$…` keeps
/// the text without the backslash; `$NAME`/`${NAME}` becomes the value of
/// an earlier key (empty if none); anything else stays.
fn expand_variables(value: &str, vars: &BTreeMap<String, String>) -> String {
    let bytes = value.as_bytes();
    let mut out = String::with_capacity(value.len());
    let mut i = 0;
    let mut copied = 0;
    while i < bytes.len() {
        let escaped = bytes[i] == b'\\' && bytes.get(i + 1) == Some(&b'$');
        if !escaped && bytes[i] != b'$' {
            i += 1;
            continue;
        }
        let start = i;
        let mut j = if escaped { i + 2 } else { i + 1 };
        if bytes.get(j) == Some(&b'(') {
            j += 1;
        }
        if bytes.get(j) == Some(&b'{') {
            j += 1;
        }
        let name_start = j;
        while bytes
            .get(j)
            .is_some_and(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || *b == b'_')
        {
            j += 1;
        }
        let name = &value[name_start..j];
        if bytes.get(j) == Some(&b'}') {
            j += 1;
        }
        out.push_str(&value[copied..start]);
        if escaped {
            out.push_str(&value[start + 1..j]);
        } else if !name.is_empty() {
            out.push_str(vars.get(name).map(String::as_str).unwrap_or(""));
        } else {
            out.push_str(&value[start..j]);
        }
        i = j;
        copied = j;
    }
    out.push_str(&value[copied..]);
    out
}

// ------------------------------------------------------------ v1.2.0

/// `bufio.Scanner`'s default limit: a line and its newline must fit in a
/// buffer that stops growing at 64 KiB.
const SCANNER_MAX_TOKEN: usize = 64 * 1024;

/// v1.2.0 `Parse`: `bufio.Scanner` lines (a final `\r` dropped), blank and
/// `#` lines skipped, `parseLine` on the rest.
fn parse_1_2(src: &str) -> Result<BTreeMap<String, String>, String> {
    let mut lines = Vec::new();
    for piece in src.split_inclusive('\n') {
        let line = piece.strip_suffix('\n').unwrap_or(piece);
        if line.len() >= SCANNER_MAX_TOKEN {
            return Err("bufio.Scanner: token too long".to_owned());
        }
        lines.push(line.strip_suffix('\r').unwrap_or(line));
    }
    let mut env = BTreeMap::new();
    for line in lines {
        let trimmed = line.trim_matches([' ', '\n', '\t']);
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let (key, value) = parse_line_1_2(line)?;
        env.insert(key, value);
    }
    Ok(env)
}

/// v1.2.0 `parseLine`.
fn parse_line_1_2(line: &str) -> Result<(String, String), String> {
    if line.is_empty() {
        return Err("zero length string".to_owned());
    }
    let mut line = line.to_owned();
    if line.contains('#') {
        // "ditch the comments (but keep quoted hashes)".
        let mut open = false;
        let mut kept: Vec<&str> = Vec::new();
        for segment in line.split('#') {
            if segment.matches('"').count() == 1 || segment.matches('\'').count() == 1 {
                if open {
                    open = false;
                    kept.push(segment);
                } else {
                    open = true;
                }
            }
            if kept.is_empty() || open {
                kept.push(segment);
            }
        }
        line = kept.join("#");
    }
    let first_equals = line.find('=');
    let first_colon = line.find(':');
    let separator = match (first_colon, first_equals) {
        (Some(colon), Some(equals)) if colon < equals => ':',
        (Some(_), None) => ':',
        _ => '=',
    };
    let Some((key, value)) = line.split_once(separator) else {
        return Err("Can't separate key from value".to_owned());
    };
    let key = key.strip_prefix("export").unwrap_or(key).trim_matches(' ');
    Ok((key.to_owned(), parse_value_1_2(value)))
}

/// v1.2.0 `parseValue`: spaces trimmed; a value wrapped in matching quotes
/// loses them and its escapes (`\n`, `\r`, `\x` → `x`).
fn parse_value_1_2(value: &str) -> String {
    let value = value.trim_matches(' ');
    let bytes = value.as_bytes();
    let quoted = bytes.len() > 1
        && bytes.first() == bytes.last()
        && matches!(bytes.first(), Some(b'"' | b'\''));
    if !quoted {
        return value.to_owned();
    }
    let inner = &value[1..value.len() - 1];
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, chars.peek().copied()) {
            ('\\', Some(next)) if next != '\n' => {
                chars.next();
                match next {
                    'n' => out.push('\n'),
                    'r' => out.push('\r'),
                    other => out.push(other),
                }
            }
            (c, _) => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    fn round_trip(g: Godotenv, pairs: &[(&str, &str)]) -> Result<BTreeMap<String, String>, String> {
        g.parse(&g.file(&env(pairs)))
    }

    #[test]
    fn v1_5_writes_integers_bare_and_canonical() {
        let e = env(&[("A", "1"), ("B", "two words"), ("C", "007"), ("D", "+5")]);
        assert_eq!(Godotenv::V1_5.marshal(&e), "A=1\nB=\"two words\"\nC=7\nD=5");
        assert_eq!(
            Godotenv::V1_2.marshal(&e),
            "A=\"1\"\nB=\"two words\"\nC=\"007\"\nD=\"+5\""
        );
        assert_eq!(go_atoi("9223372036854775808"), None);
        assert_eq!(go_atoi("-9223372036854775808"), Some(i64::MIN));
        assert_eq!(go_atoi("-"), None);
    }

    #[test]
    fn the_field_report_reproduces() {
        // config:set MSG='she said "hi"', then another write.
        let first = round_trip(Godotenv::V1_5, &[("MSG", "she said \"hi\"")]).unwrap();
        assert_eq!(first["MSG"], "she said \"hi\\");
        let mut again = first.clone();
        again.insert("B".into(), "x".into());
        let text = Godotenv::V1_5.file(&again);
        assert_eq!(
            Godotenv::V1_5.parse(&text).unwrap_err(),
            "unterminated quoted value \"she said \\\"hi\\\\\""
        );
    }

    #[test]
    fn a_following_value_is_quoted_in_the_error() {
        let err = round_trip(
            Godotenv::V1_5,
            &[("A", "abc\\"), ("NEXT", "lima"), ("OTHER", "x")],
        )
        .unwrap_err();
        assert_eq!(
            err,
            "unexpected character \"\\\"\" in variable name near \"lima\\\"\\nOTHER=\\\"x\\\"\\n\""
        );
    }

    #[test]
    fn a_url_after_a_broken_value_parses_into_garbage() {
        let got = round_trip(
            Godotenv::V1_5,
            &[("A", "abc\\"), ("DATABASE_URL", "postgres://u:p@h:5432/db")],
        )
        .unwrap();
        assert_eq!(
            got,
            env(&[
                ("A", "abc\\\"\nDATABASE_URL="),
                ("postgres", "//u:p@h:5432/db\""),
            ])
        );
    }

    #[test]
    fn ordinary_values_round_trip_in_both_versions() {
        let pairs = [
            ("A", "line one\nline two\r\n"),
            ("B", "${HOME} $(id) `id` ! \\$x \\n"),
            ("C", "it's #1"),
            ("D", "\"abc"),
            ("E", ""),
            ("F", "C:\\path\\to\\file"),
            ("G", "  x\t"),
        ];
        for g in [Godotenv::V1_2, Godotenv::V1_5] {
            assert_eq!(round_trip(g, &pairs).unwrap(), env(&pairs), "{g:?}");
        }
    }

    #[test]
    fn v1_2_cuts_comments_and_long_lines() {
        assert_eq!(
            round_trip(Godotenv::V1_2, &[("K", "\"##")]).unwrap()["K"],
            "\"#"
        );
        assert_eq!(
            round_trip(Godotenv::V1_2, &[("K", "$#'##")]).unwrap()["K"],
            "$#'#"
        );
        let fits = "x".repeat(SCANNER_MAX_TOKEN - 1 - "K=\"\"".len());
        assert!(round_trip(Godotenv::V1_2, &[("K", &fits)]).is_ok());
        let over = format!("{fits}x");
        assert_eq!(
            round_trip(Godotenv::V1_2, &[("K", &over)]).unwrap_err(),
            "bufio.Scanner: token too long"
        );
        assert!(round_trip(Godotenv::V1_5, &[("K", &over)]).is_ok());
    }

    #[test]
    fn the_recorded_json_into_envfile_error() {
        // Surface recording seq 1243: JSON piped into the envfile format.
        assert_eq!(
            Godotenv::V1_5.parse("{\"JSONKEY\":\"v\"}").unwrap_err(),
            "unexpected character \"{\" in variable name near \"{\\\"JSONKEY\\\":\\\"v\\\"}\""
        );
    }
}
