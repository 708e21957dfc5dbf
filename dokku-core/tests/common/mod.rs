//! Shared helpers for the integration tests: the fixture loader.
//!
//! A fixture (`tests/fixtures/<plugin>/<case>.txt`) records one Dokku
//! invocation: `# key: value` header lines (`dokku`, `source`, `command`,
//! `exit`, `certainty`, and optional extras such as `argv`, `stdin` (a JSON
//! string), `note`, `encoding`, `same-in`, `stdout-trailing-newline`), then a `--- stdout`
//! line, the stdout lines, a `--- stderr` line and the stderr lines. Every
//! line of a section ends with `\n`, except that `# stdout-trailing-newline:
//! false` removes the final `\n` of stdout.
//!
//! Use it from a test file with `mod common;`.
// Not every test file uses every helper; and clippy.toml's allow-*-in-tests
// covers `#[test]` functions only, not helpers like these.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use dokku_core::api::report::Report;
use dokku_core::parse::ParseError;
use dokku_core::{DokkuVersion, ExitStatus, Output};

const STDOUT_MARKER: &str = "--- stdout";
const STDERR_MARKER: &str = "--- stderr";

/// One recorded Dokku invocation.
#[derive(Clone, PartialEq, Eq)]
pub struct Fixture {
    /// Path relative to `tests/fixtures`, e.g. `apps/report-json-0.38.txt`.
    pub path: PathBuf,
    /// The Dokku version the fixture was established for (`# dokku:`).
    pub dokku: Option<DokkuVersion>,
    /// The command line after `dokku` (`# command:`).
    pub command: String,
    /// The exit code (`# exit:`).
    pub exit: i32,
    /// Every header, by key (including the ones above).
    pub headers: BTreeMap<String, String>,
    /// Standard output, exactly as Dokku printed it.
    pub stdout: String,
    /// Standard error, exactly as Dokku printed it.
    pub stderr: String,
}

// Debug without the (possibly long) sections: enough to say which fixture.
impl fmt::Debug for Fixture {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Fixture")
            .field("path", &self.path)
            .field("command", &self.command)
            .field("exit", &self.exit)
            .finish_non_exhaustive()
    }
}

/// dokku-core's `tests/fixtures`. Other crates' tests include this module
/// with `#[path]` (dokku-sim's golden tests compare against the same files),
/// so the path is found from the workspace layout, not the calling crate.
pub fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join("dokku-core")
        .join("tests")
        .join("fixtures")
}

/// Every fixture file under `tests/fixtures`, relative to it, sorted.
pub fn all_paths() -> Vec<PathBuf> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<PathBuf>) {
        let entries =
            std::fs::read_dir(dir).unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()));
        for entry in entries {
            let path = entry
                .unwrap_or_else(|e| panic!("cannot read an entry of {}: {e}", dir.display()))
                .path();
            if path.is_dir() {
                walk(root, &path, out);
            } else if path.extension().is_some_and(|e| e == "txt") {
                let relative = path
                    .strip_prefix(root)
                    .unwrap_or_else(|_| panic!("{} is outside the fixtures", path.display()));
                out.push(relative.to_path_buf());
            }
        }
    }
    let root = fixtures_dir();
    let mut out = Vec::new();
    walk(&root, &root, &mut out);
    out.sort();
    out
}

/// The one report in a `:report` command's output, read through the
/// generic path (`R::from_output`, which tells text from JSON itself);
/// an error if there are none or several. `json` says which form the
/// output is meant to be in, and is checked, so a fixture filed under the
/// wrong form cannot pass unnoticed.
pub fn one_report<R: Report>(stdout: &str, json: bool) -> Result<R, ParseError> {
    assert_eq!(
        stdout.trim_start().starts_with('{'),
        json,
        "expected a {} report",
        if json { "JSON" } else { "text" }
    );
    let mut reports = R::from_output(stdout)?;
    match reports.len() {
        1 => Ok(reports.remove(0)),
        n => Err(ParseError::new(
            "report",
            format!("expected one report, found {n}"),
        )),
    }
}

/// A parse result's error, if it names a line, must name one of `input`'s
/// (and its Display must not panic): for the never-panic property tests.
pub fn line_in_range<T>(what: &str, input: &str, result: Result<T, ParseError>) {
    if let Err(e) = result {
        if let Some(line) = e.line {
            let lines = input.lines().count();
            assert!(
                (1..=lines).contains(&line),
                "{what}: error names line {line} of {lines}: {e}"
            );
        }
        let _ = e.to_string();
    }
}

/// Every fixture under `tests/fixtures` (all plugins), sorted by path.
/// Panics naming every fixture that cannot be read.
pub fn all() -> Vec<Fixture> {
    let mut fixtures = Vec::new();
    let mut problems = Vec::new();
    for path in all_paths() {
        match Fixture::try_load(&path) {
            Ok(f) => fixtures.push(f),
            Err(e) => problems.push(e),
        }
    }
    assert!(
        problems.is_empty(),
        "bad fixtures:\n{}",
        problems.join("\n")
    );
    fixtures
}

/// Every fixture of one plugin directory (`apps`, `ps` …), sorted by path.
pub fn in_dir(dir: &str) -> Vec<Fixture> {
    all()
        .into_iter()
        .filter(|f| f.path.starts_with(dir))
        .collect()
}

impl Fixture {
    /// Load `tests/fixtures/<relative>`; panics with the reason if it is
    /// malformed.
    pub fn load(relative: impl AsRef<Path>) -> Self {
        Self::try_load(relative).unwrap_or_else(|e| panic!("{e}"))
    }

    /// Load `tests/fixtures/<relative>`, or say what is wrong with it.
    pub fn try_load(relative: impl AsRef<Path>) -> Result<Self, String> {
        let relative = relative.as_ref();
        let full = fixtures_dir().join(relative);
        let text = std::fs::read_to_string(&full)
            .map_err(|e| format!("{}: cannot read: {e}", relative.display()))?;
        Self::parse(relative, &text).map_err(|e| format!("{}: {e}", relative.display()))
    }

    /// Parse fixture text; `path` is only recorded.
    pub fn parse(path: impl Into<PathBuf>, text: &str) -> Result<Self, String> {
        let mut headers = BTreeMap::new();
        let mut lines = text.split_inclusive('\n');
        // Headers, up to `--- stdout`.
        loop {
            let line = lines
                .next()
                .ok_or_else(|| format!("no `{STDOUT_MARKER}` line"))?;
            let line = line.strip_suffix('\n').unwrap_or(line);
            if line == STDOUT_MARKER {
                break;
            }
            let header = line
                .strip_prefix("# ")
                .ok_or_else(|| format!("expected a `# key: value` header, found {line:?}"))?;
            let (key, value) = header
                .split_once(':')
                .ok_or_else(|| format!("header without `:`: {line:?}"))?;
            let key = key.trim();
            if key.is_empty() || key.contains(char::is_whitespace) {
                return Err(format!("bad header key in {line:?}"));
            }
            if headers
                .insert(key.to_owned(), value.trim().to_owned())
                .is_some()
            {
                return Err(format!("header `{key}` given twice"));
            }
        }
        // Stdout lines, up to `--- stderr`; the rest is stderr.
        let mut stdout = String::new();
        let mut found_stderr = false;
        for line in lines.by_ref() {
            if line.strip_suffix('\n').unwrap_or(line) == STDERR_MARKER {
                found_stderr = true;
                break;
            }
            stdout.push_str(line);
            if !line.ends_with('\n') {
                stdout.push('\n');
            }
        }
        if !found_stderr {
            return Err(format!("no `{STDERR_MARKER}` line"));
        }
        let mut stderr = String::new();
        for line in lines {
            stderr.push_str(line);
            if !line.ends_with('\n') {
                stderr.push('\n');
            }
        }
        if let Some(flag) = headers.get("stdout-trailing-newline") {
            match flag.split_whitespace().next() {
                Some("false") => {
                    if stdout.pop() != Some('\n') {
                        return Err(
                            "stdout-trailing-newline: false, but stdout is empty".to_owned()
                        );
                    }
                }
                Some("true") => {}
                _ => {
                    return Err(format!(
                        "stdout-trailing-newline: {flag:?} is not a boolean"
                    ))
                }
            }
        }

        let dokku = headers.get("dokku").and_then(|v| DokkuVersion::parse(v));
        let command = headers.get("command").cloned().unwrap_or_default();
        let exit = match headers.get("exit") {
            Some(v) => v
                .parse()
                .map_err(|_| format!("exit: {v:?} is not an integer"))?,
            None => return Err("no `# exit:` header".to_owned()),
        };
        Ok(Self {
            path: path.into(),
            dokku,
            command,
            exit,
            headers,
            stdout,
            stderr,
        })
    }

    /// A header's value.
    pub fn header(&self, key: &str) -> Option<&str> {
        self.headers.get(key).map(String::as_str)
    }

    /// The fixture's file name without `.txt` (`report-json-0.38`).
    pub fn stem(&self) -> String {
        self.path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default()
    }

    /// The plugin directory (`apps`, `ps` …).
    pub fn dir(&self) -> String {
        self.path
            .parent()
            .map(|p| p.to_string_lossy().into_owned())
            .unwrap_or_default()
    }

    /// `<dir>__<stem>`, usable as a snapshot name.
    pub fn snapshot_name(&self) -> String {
        format!("{}__{}", self.dir(), self.stem())
    }

    /// The recorded invocation as an executor would return it.
    pub fn output(&self) -> Output {
        Output::new(
            ExitStatus::code(self.exit),
            self.stdout.as_bytes(),
            self.stderr.as_bytes(),
        )
    }

    /// The argv after `dokku`: the `# argv:` header (a JSON array of
    /// strings) when present, else the command split on whitespace.
    pub fn argv(&self) -> Vec<String> {
        match self.header("argv") {
            Some(json) => serde_json::from_str(json).unwrap_or_else(|e| {
                panic!(
                    "{}: argv header is not a JSON array of strings: {e}",
                    self.path.display()
                )
            }),
            None => self.command.split_whitespace().map(str::to_owned).collect(),
        }
    }

    /// Standard input: the `# stdin:` header (a JSON string), else empty.
    pub fn stdin(&self) -> Vec<u8> {
        match self.header("stdin") {
            Some(json) => serde_json::from_str::<String>(json)
                .unwrap_or_else(|e| {
                    panic!(
                        "{}: stdin header is not a JSON string: {e}",
                        self.path.display()
                    )
                })
                .into_bytes(),
            None => Vec::new(),
        }
    }

    /// The dokku version, which every fixture must state.
    pub fn version(&self) -> DokkuVersion {
        self.dokku
            .unwrap_or_else(|| panic!("{}: no parsable `# dokku:` header", self.path.display()))
    }
}
