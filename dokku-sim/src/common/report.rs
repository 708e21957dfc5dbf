//! Dokku's `:report` subcommand: one engine for every plugin whose report
//! the simulator builds, and Dokku's two renderers.
//!
//! The engine is written from `plugins/common/common.go` and the plugins'
//! `CommandReport`:
//!
//! - `common.ParseReportArgs`: `--format` takes the next argument (without
//!   a bounds check), every other `--x` is the info flag, at most one;
//! - `CommandReport` (e.g. `plugins/apps/subcommands.go`): `--global`
//!   (0.38, PR #8527), one app, or every app of `common.DokkuApps`,
//!   stopping at the first error;
//! - `common.ReportSingleApp`: the `--format` checks, then JSON, one info
//!   flag's bare value, or the text block.
//!
//! Where the plugins differ (by Dokku version, or where the simulator
//! followed a plugin more loosely), [`GoReport`] says so.
//!
//! The renderers:
//!
//! - Go (`ReportSingleApp`): keys sorted; text is a `=====> <app> <type>
//!   information` header (quiet-able) then one `LogVerbose(RightPad(label +
//!   ":", width) + value)` line per key, where the label is the flag
//!   without `--`, `-` and `.` turned into spaces (and, for most plugins,
//!   the first letter upper-cased), and `width = max(31, longest flag incl.
//!   --)`; JSON is `json.Marshal(map[string]string)` on one line (sorted
//!   keys, Go's HTML escaping), its keys named per [`JsonKeys`]. One info
//!   flag prints the bare value.
//! - bash (domains before 0.38.27): rows in the plugin's own order, each
//!   `dokku_log_verbose "$(printf "%-30s %-25s" "<Label>:" "<value>")"`, so
//!   values carry trailing spaces.

use std::collections::BTreeMap;

use dokku_core::DokkuVersion;

use super::ctx::Ctx;
use super::names::{dokku_apps, NO_APPS};
use super::versions::{V0_38_0, V0_38_8};
use crate::host::SimHost;
use crate::out::{right_pad, Out, EXIT_FLAG_ERROR};

/// One report: flag (with `--`) → value.
pub type Fields = BTreeMap<String, String>;

/// The label Dokku prints for a flag: `--ps-can-scale` → `Ps can scale`,
/// `--status-web.1` → `Status web 1`.
pub fn label(flag: &str) -> String {
    upper_first(&plain_label(flag))
}

/// The label without the upper-cased first letter
/// (`UppercaseFirstCharacter: false`, resource's report).
pub fn plain_label(flag: &str) -> String {
    flag.trim_start_matches("--").replace(['-', '.'], " ")
}

/// `common.UcFirst`.
fn upper_first(words: &str) -> String {
    let mut chars = words.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Go's text rendering of one report block; `upper` is
/// `UppercaseFirstCharacter`.
pub fn go_text(out: &mut Out, subject: &str, report_type: &str, fields: &Fields, upper: bool) {
    out.info2_quiet(&format!("{subject} {report_type} information"));
    let width = fields.keys().map(String::len).max().unwrap_or(0).max(31);
    for (flag, value) in fields {
        let text = if upper {
            label(flag)
        } else {
            plain_label(flag)
        };
        let label = format!("{text}:");
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
    /// `EmitLegacyPrefix: false`), a flag without that prefix without
    /// `--`: domains from 0.38.27 (PR #8804), certs, checks, git, the
    /// builder-* and proxy-vhost plugins.
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
            JsonKeys::Stripped => {
                let stripped = flag.strip_prefix(&type_prefix).unwrap_or(key);
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

/// Append one string as jq writes it: `"` and `\\` escaped, control
/// characters (and DEL) as their short escape or `\u00xx`; `/`, `<`, `>`
/// and `&` left alone (unlike Go).
pub fn jq_json_str(json: &mut String, text: &str) {
    json.push('"');
    for c in text.chars() {
        match c {
            '"' => json.push_str("\\\""),
            '\\' => json.push_str("\\\\"),
            '\n' => json.push_str("\\n"),
            '\r' => json.push_str("\\r"),
            '\t' => json.push_str("\\t"),
            '\u{8}' => json.push_str("\\b"),
            '\u{c}' => json.push_str("\\f"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                json.push_str(&format!("\\u{:04x}", c as u32));
            }
            c => json.push(c),
        }
    }
    json.push('"');
}

/// Append one Go-encoded JSON string (`encoding/json` since Go 1.22,
/// which writes `\b` and `\f` short; Dokku 0.38.27's plugins are built
/// with Go 1.26, per their `go.mod`).
pub fn go_json_str(json: &mut String, text: &str) {
    json.push('"');
    for c in text.chars() {
        match c {
            '"' => json.push_str("\\\""),
            '\\' => json.push_str("\\\\"),
            '\n' => json.push_str("\\n"),
            '\r' => json.push_str("\\r"),
            '\t' => json.push_str("\\t"),
            '\u{8}' => json.push_str("\\b"),
            '\u{c}' => json.push_str("\\f"),
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

/// Go's `strconv.Quote` (`%q` of a string): `"` and `\` escaped, printable
/// runes as they are, `\a \b \f \n \r \t \v`, other control bytes as
/// `\xNN`, other unprintable runes as `\uNNNN`/`\UNNNNNNNN`. Printable is
/// Go's `strconv.IsPrint`; the simulator knows its exceptions (controls,
/// spaces other than U+0020, format characters, private use,
/// noncharacters) but not which code points are unassigned, which it
/// treats as printable.
pub fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            '\u{07}' => out.push_str("\\a"),
            '\u{08}' => out.push_str("\\b"),
            '\u{0c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{0b}' => out.push_str("\\v"),
            c if go_is_print(c) => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c if (c as u32) < 0x10000 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push_str(&format!("\\U{:08x}", c as u32)),
        }
    }
    out.push('"');
    out
}

fn go_is_print(c: char) -> bool {
    if c == ' ' {
        return true;
    }
    let u = c as u32;
    let format = matches!(
        u,
        0xad | 0x600..=0x605
            | 0x61c
            | 0x6dd
            | 0x70f
            | 0x890..=0x891
            | 0x8e2
            | 0x180e
            | 0x200b..=0x200f
            | 0x202a..=0x202e
            | 0x2060..=0x2064
            | 0x2066..=0x206f
            | 0xfeff
            | 0xfff9..=0xfffb
            | 0x110bd
            | 0x110cd
            | 0x13430..=0x1343f
            | 0x1bca0..=0x1bca3
            | 0x1d173..=0x1d17a
            | 0xe0001
            | 0xe0020..=0xe007f
    );
    let private = matches!(u, 0xe000..=0xf8ff | 0xf0000..=0xffffd | 0x100000..=0x10fffd);
    let noncharacter = matches!(u, 0xfdd0..=0xfdef) || (u & 0xfffe) == 0xfffe;
    !(c.is_control() || c.is_whitespace() || format || private || noncharacter)
}

/// bash's `printf "%-30s %-25s"` report row.
pub fn bash_row(out: &mut Out, label: &str, value: &str) {
    out.verbose(&format!(
        "{} {}",
        right_pad(&format!("{label}:"), 30),
        right_pad(value, 25)
    ));
}

/// The values of one report block: host, app (`None` for `--global`),
/// `--format`, and the info flag asked for. The last two matter where a
/// value depends on them (logs redacts sinks in text reports).
pub type Collect<'a> = &'a dyn Fn(&SimHost, Option<&str>, &str, Option<&str>) -> Fields;

/// A plugin's own JSON rendering of one report (host, app or `None` for
/// `--global`).
pub type RenderJson<'a> = &'a dyn Fn(&SimHost, Option<&str>) -> String;

/// How one plugin's `:report` is built.
pub struct GoReport<'a> {
    /// The plugin (`apps`): `ParseReportArgs`' name, `<plugin>:report` in
    /// messages.
    pub plugin: &'static str,
    /// The report type (`app` for apps): the header word and the JSON key
    /// prefix.
    pub report_type: &'static str,
    /// `--global` selects the global report (PR #8527, 0.38.0); otherwise
    /// it is one more (invalid) info flag.
    pub global_scope: bool,
    /// A `--format` other than `stdout` or `json` fails
    /// (`ReportSingleAppInput.Validate`, PR #8691, 0.38.8); otherwise it
    /// falls through to text. apps and ps follow the version; domains and
    /// logs were written from the older `ReportSingleApp` and never
    /// validate here (no fixture pins it).
    pub validate_format: bool,
    /// How JSON keys are named.
    pub json_keys: JsonKeys,
    /// A host without apps fails (exit 1) rather than warns (exit 0):
    /// logs' `CommandReport` returns `DokkuApps`' error, the others check
    /// `errors.Is(err, common.NoAppsExist)`.
    pub no_apps_fails: bool,
    /// An empty app argument (`<plugin>:report ''`) reports every app, as
    /// `CommandReport`'s `len(appName) == 0` does
    /// (`plugins/apps/subcommands.go`): domains and logs. apps and ps
    /// verify the empty name instead (`Please specify an app to run the
    /// command on`), as the simulator always has there.
    pub empty_app_means_all: bool,
    /// "Every app" is `common.DokkuApps` (dot-directories and names
    /// starting with an upper-case letter skipped): apps and ps. domains
    /// and logs go through every app of the host, as the simulator always
    /// has there.
    pub dokku_apps: bool,
    /// Labels start with an upper-case letter (`UppercaseFirstCharacter`;
    /// resource's report keeps them as they are).
    pub upper_first: bool,
    /// The values.
    pub collect: Collect<'a>,
    /// A JSON rendering of the plugin's own instead of the string map
    /// (docker-options adds arrays).
    pub json: Option<RenderJson<'a>>,
}

impl<'a> GoReport<'a> {
    /// A report of a plugin that is Go in every simulated version (apps,
    /// ps), with `common`'s behaviour for the host's `version`: `--global`
    /// from 0.38.0, validated `--format` and legacy-prefixed JSON keys from
    /// 0.38.8, a warning without apps, an empty app verified rather than
    /// read as every app.
    pub fn versioned(
        version: DokkuVersion,
        plugin: &'static str,
        report_type: &'static str,
        collect: Collect<'a>,
    ) -> Self {
        Self {
            plugin,
            report_type,
            global_scope: version >= V0_38_0,
            validate_format: version >= V0_38_8,
            json_keys: if version >= V0_38_8 {
                JsonKeys::StrippedAndLegacy
            } else {
                JsonKeys::Flag
            },
            // `errors.Is(err, common.NoAppsExist)`: a warning, exit 0.
            no_apps_fails: false,
            empty_app_means_all: false,
            dokku_apps: true,
            upper_first: true,
            collect,
            json: None,
        }
    }

    /// A report as Dokku 0.38.27's `common` builds it for a Go plugin:
    /// `--global` scope, validated `--format`, upper-cased labels, every
    /// app of `DokkuApps` (a warning when there is none), an empty app
    /// argument meaning every app.
    pub fn current(
        plugin: &'static str,
        report_type: &'static str,
        json_keys: JsonKeys,
        collect: Collect<'a>,
    ) -> Self {
        Self {
            plugin,
            report_type,
            global_scope: true,
            validate_format: true,
            json_keys,
            no_apps_fails: false,
            empty_app_means_all: true,
            dokku_apps: true,
            upper_first: true,
            collect,
            json: None,
        }
    }
}

/// `<plugin>:report [<app>|--global] [<flag>] [--format stdout|json]`.
pub fn run(ctx: &mut Ctx<'_>, spec: &GoReport, args: &[String]) {
    let subcommand = format!("{}:report", spec.plugin);
    // common.ParseReportArgs: `--format` takes the next argv element, every
    // other `--x` is an info flag (so `--format=json` is one, too).
    let mut os_args = Vec::new();
    let mut info_flags = Vec::new();
    let mut global = false;
    let mut i = 0;
    while i < args.len() {
        let arg = &args[i];
        if arg == "--format" {
            if let Some(value) = args.get(i + 1) {
                os_args.push(arg.clone());
                os_args.push(value.clone());
                i += 2;
                continue;
            }
            // Go indexes `arguments[i+1]` unchecked: a runtime panic, which
            // exits 2.
            ctx.out.stderr_plain(&format!(
                "panic: runtime error: index out of range [{}] with length {}",
                i + 1,
                args.len()
            ));
            ctx.out.code = EXIT_FLAG_ERROR;
            return;
        }
        if arg == "--global" && spec.global_scope {
            global = true;
        } else if arg.starts_with("--") {
            info_flags.push(arg.clone());
        } else {
            os_args.push(arg.clone());
        }
        i += 1;
    }
    if info_flags.len() > 1 {
        // ParseReportArgs' "allows only a single flag" error is dropped:
        // `if flagErr == nil { … }` in every plugin's `report` case, so
        // nothing is printed and the exit code is 0 (recorded:
        // captures-0.38.27-surface.jsonl seq 305).
        return;
    }
    let info_flag = info_flags.pop();
    let Some(flags) = ctx.parse_flags(&subcommand, &os_args, &[], &["--format"], &[]) else {
        return;
    };
    let format = flags.value("--format").unwrap_or("stdout").to_owned();
    let info_flag = info_flag.as_deref();

    if global {
        report_single(ctx, spec, None, &format, info_flag);
        return;
    }
    let app = flags
        .positional
        .first()
        .filter(|app| !(spec.empty_app_means_all && app.is_empty()));
    if let Some(app) = app {
        report_single(ctx, spec, Some(app), &format, info_flag);
        return;
    }
    let apps = if spec.dokku_apps {
        dokku_apps(ctx.host)
    } else {
        ctx.host.apps.keys().cloned().collect()
    };
    if apps.is_empty() {
        if spec.no_apps_fails {
            ctx.out.fail(NO_APPS);
        } else {
            ctx.out.warn(NO_APPS);
        }
        return;
    }
    for app in &apps {
        report_single(ctx, spec, Some(app), &format, info_flag);
        if ctx.out.failed() {
            return;
        }
    }
}

/// `common.ReportSingleApp` for one app, or for `--global` (`None`, not
/// verified).
fn report_single(
    ctx: &mut Ctx<'_>,
    spec: &GoReport,
    app: Option<&str>,
    format: &str,
    info_flag: Option<&str>,
) {
    if let Some(name) = app {
        if !ctx.verify_app(name) {
            return;
        }
    }
    let fields = (spec.collect)(ctx.host, app, format, info_flag);
    if spec.validate_format && format != "stdout" && format != "json" {
        // `ReportSingleAppInput.Validate`: the format as Go's %q quotes it.
        let mut quoted = String::new();
        go_json_str(&mut quoted, format);
        ctx.out
            .fail(&format!("Format must be \"stdout\" or \"json\": {quoted}"));
        return;
    }
    if format != "stdout" && info_flag.is_some() {
        ctx.out
            .fail("--format flag cannot be specified when specifying an info flag");
        return;
    }
    if format == "json" {
        match spec.json {
            Some(render) => {
                let json = render(ctx.host, app);
                ctx.out.log(&json);
            }
            None => go_json(&mut ctx.out, &fields, spec.report_type, spec.json_keys),
        }
        return;
    }
    match info_flag {
        None => go_text(
            &mut ctx.out,
            app.unwrap_or("--global"),
            spec.report_type,
            &fields,
            spec.upper_first,
        ),
        // fmt.Println(value): bare, not quiet-able.
        Some(flag) => match fields.get(flag) {
            Some(value) => ctx.out.log(value),
            None => {
                let valid: Vec<&str> = fields.keys().map(String::as_str).collect();
                ctx.out.fail(&format!(
                    "Invalid flag passed, valid flags: {}",
                    valid.join(", ")
                ));
            }
        },
    }
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
    fn go_quote_is_strconv_quote() {
        assert_eq!(go_quote("cap-vol"), "\"cap-vol\"");
        assert_eq!(go_quote("\u{7}\u{8}\u{c}\u{b}"), "\"\\a\\b\\f\\v\"");
        assert_eq!(
            go_quote("a\"b\\c\nd\te\u{1}\u{a0}é☕"),
            "\"a\\\"b\\\\c\\nd\\te\\x01\\u00a0é☕\""
        );
        assert_eq!(go_quote("\u{7f}\u{85}\u{feff}"), "\"\\x7f\\u0085\\ufeff\"");
    }

    #[test]
    fn go_json_escapes_like_go() {
        let mut m = BTreeMap::new();
        m.insert("b".to_owned(), "x&y<z>\n\"".to_owned());
        m.insert("a".to_owned(), "ü".to_owned());
        m.insert("c".to_owned(), "\u{8}\u{c}\u{1}".to_owned());
        assert_eq!(
            go_json_string(&m),
            r#"{"a":"ü","b":"x\u0026y\u003cz\u003e\n\"","c":"\b\f\u0001"}"#
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
            "{\"can-scale\":\"true\",\"deployed\":\"false\"}\n"
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
        go_text(&mut out, "a", "app", &f, true);
        assert_eq!(
            String::from_utf8(out.stdout).unwrap(),
            "=====> a app information\n       App dir:                       /home/dokku/a\n       App locked:                    \n"
        );
    }
}
