//! What the user sees: aligned tables cut to the terminal's width and
//! colour on a terminal (anstream strips the colour for pipes, `NO_COLOR`
//! and `--no-color`), JSON for scripts, a spinner on stderr for long
//! operations, and one way to write a time: RFC 3339, UTC.

use std::io::{self, IsTerminal, Write};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anstyle::{AnsiColor, Style};
use dokku::parse::logs::format_rfc3339_utc;
use dokku::Command;
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::json;

use crate::error::CliError;

pub const BOLD: Style = Style::new().bold();
pub const DIM: Style = Style::new().dimmed();
pub const GREEN: Style = Style::new().fg_color(Some(anstyle::Color::Ansi(AnsiColor::Green)));
pub const RED: Style = Style::new().fg_color(Some(anstyle::Color::Ansi(AnsiColor::Red)));
pub const YELLOW: Style = Style::new().fg_color(Some(anstyle::Color::Ansi(AnsiColor::Yellow)));
pub const CYAN: Style = Style::new().fg_color(Some(anstyle::Color::Ansi(AnsiColor::Cyan)));
pub const PLAIN: Style = Style::new();

/// Turn colour off for this process (`--no-color`; `NO_COLOR` is read by
/// anstream itself).
pub fn disable_colour() {
    anstream::ColorChoice::Never.write_global();
}

fn colour_off() -> bool {
    anstream::ColorChoice::global() == anstream::ColorChoice::Never
        || std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
}

/// Standard output, colour-aware.
pub fn stdout() -> anstream::AutoStream<io::StdoutLock<'static>> {
    anstream::AutoStream::auto(io::stdout().lock())
}

/// One table cell: text and its style.
pub struct Cell(pub String, pub Style);

impl Cell {
    pub fn plain(text: impl Into<String>) -> Self {
        Cell(text.into(), PLAIN)
    }
}

impl From<String> for Cell {
    fn from(s: String) -> Self {
        Cell::plain(s)
    }
}

impl From<&str> for Cell {
    fn from(s: &str) -> Self {
        Cell::plain(s)
    }
}

/// `yes` in green or `no` dimmed.
pub fn yes_no(on: bool) -> Cell {
    if on {
        Cell("yes".to_owned(), GREEN)
    } else {
        Cell("no".to_owned(), DIM)
    }
}

/// `enabled` in green or `disabled` dimmed.
pub fn enabled(on: bool) -> Cell {
    if on {
        Cell("enabled".to_owned(), GREEN)
    } else {
        Cell("disabled".to_owned(), DIM)
    }
}

/// An app's state in its colour: one word per state, the library's
/// (`AppStatus::as_str`).
pub fn status_cell(status: dokku::model::overview::AppStatus) -> Cell {
    use dokku::model::overview::AppStatus;
    let colour = match status {
        AppStatus::Running => GREEN,
        AppStatus::Stopped | AppStatus::Crashed => RED,
        AppStatus::Mixed | AppStatus::Locked => YELLOW,
        _ => DIM,
    };
    Cell(status.as_str().to_owned(), colour)
}

fn width(s: &str) -> usize {
    s.chars().count()
}

/// The terminal's width, when standard output is one: `COLUMNS`, else
/// what `stty size` says of the controlling terminal.
fn terminal_width() -> Option<usize> {
    if !io::stdout().is_terminal() {
        return None;
    }
    if let Some(columns) = std::env::var("COLUMNS").ok().and_then(|c| c.parse().ok()) {
        return Some(columns);
    }
    let tty = std::fs::File::open("/dev/tty").ok()?;
    let out = std::process::Command::new("stty")
        .arg("size")
        .stdin(tty)
        .stderr(std::process::Stdio::null())
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    let columns = text.split_whitespace().nth(1)?.parse().ok()?;
    (out.status.success() && columns > 0).then_some(columns)
}

/// Shrink the widest columns, one character at a time, until the row
/// (columns and two-space gaps) fits in `max`, but never below `min`.
/// The first column names the row: it gives way last.
fn fit(widths: &mut [usize], min: &[usize], max: usize) {
    let gaps = 2 * widths.len().saturating_sub(1);
    for first in [1, 0] {
        while widths.iter().sum::<usize>() + gaps > max {
            let widest = (first..widths.len())
                .filter(|&i| widths[i] > min[i])
                .max_by_key(|&i| (widths[i], i));
            match widest {
                Some(i) => widths[i] -= 1,
                None => break,
            }
        }
    }
}

/// `text` cut to `max` characters, the last one `…` when cut.
fn clip(text: &str, max: usize) -> String {
    if width(text) <= max {
        return text.to_owned();
    }
    let mut cut: String = text.chars().take(max.saturating_sub(1)).collect();
    cut.push('…');
    cut
}

/// Print rows under bold headers, columns aligned; on a terminal, long
/// cells are cut so that every row fits on one line.
pub fn table(headers: &[&str], rows: &[Vec<Cell>]) -> io::Result<()> {
    let columns = Columns::new(headers, rows, &[]);
    columns.header()?;
    for row in rows {
        columns.row(row)?;
    }
    Ok(())
}

/// A table's columns, fixed before its rows are printed: for rows that
/// arrive one by one (a stream), sized from the rows known beforehand.
pub struct Columns {
    headers: Vec<String>,
    widths: Vec<usize>,
}

impl Columns {
    /// Columns as wide as their widest cell in `rows` (and at least
    /// `at_least[i]`), cut to fit the terminal.
    pub fn new(headers: &[&str], rows: &[Vec<Cell>], at_least: &[usize]) -> Self {
        let mut widths: Vec<usize> = headers
            .iter()
            .enumerate()
            .map(|(i, h)| width(h).max(at_least.get(i).copied().unwrap_or(0)))
            .collect();
        for row in rows {
            for (i, cell) in row.iter().enumerate() {
                if let Some(w) = widths.get_mut(i) {
                    *w = (*w).max(width(&cell.0));
                }
            }
        }
        if let Some(max) = terminal_width() {
            let min: Vec<usize> = headers.iter().map(|h| width(h).max(1)).collect();
            fit(&mut widths, &min, max);
        }
        Columns {
            headers: headers.iter().map(|h| (*h).to_owned()).collect(),
            widths,
        }
    }

    /// The bold header line.
    pub fn header(&self) -> io::Result<()> {
        let mut out = stdout();
        let last = self.headers.len().saturating_sub(1);
        for (i, h) in self.headers.iter().enumerate() {
            let pad = if i == last {
                0
            } else {
                self.widths[i].saturating_sub(width(h)) + 2
            };
            write!(out, "{BOLD}{h}{BOLD:#}{:pad$}", "")?;
        }
        writeln!(out)?;
        out.flush()
    }

    /// One row, its cells cut to their columns.
    pub fn row(&self, row: &[Cell]) -> io::Result<()> {
        let mut out = stdout();
        // No padding after the last non-empty cell: no trailing blanks.
        let end = row.iter().rposition(|c| !c.0.is_empty()).unwrap_or(0);
        for (i, Cell(text, style)) in row.iter().enumerate().take(end + 1) {
            let column = self.widths.get(i).copied().unwrap_or(usize::MAX);
            let text = clip(text, column);
            let pad = if i >= end {
                0
            } else {
                column - width(&text) + 2
            };
            write!(out, "{style}{text}{style:#}{:pad$}", "")?;
        }
        writeln!(out)?;
        out.flush()
    }
}

/// `key: value` lines with the keys aligned.
pub fn pairs(title: &str, rows: &[(&str, Cell)]) -> io::Result<()> {
    let mut out = stdout();
    writeln!(out, "{BOLD}{title}{BOLD:#}")?;
    let w = rows
        .iter()
        .map(|(k, _)| k.chars().count())
        .max()
        .unwrap_or(0);
    for (key, Cell(text, style)) in rows {
        if text.is_empty() {
            writeln!(out, "  {DIM}{key:w$}  -{DIM:#}")?;
        } else {
            writeln!(out, "  {DIM}{key:w$}{DIM:#}  {style}{text}{style:#}")?;
        }
    }
    out.flush()
}

/// Lines of plain text (names, one per line).
pub fn lines(items: &[String]) -> io::Result<()> {
    let mut out = stdout();
    for item in items {
        writeln!(out, "{item}")?;
    }
    out.flush()
}

/// Pretty JSON on stdout.
pub fn json(value: &serde_json::Value) -> io::Result<()> {
    // Rendered first, so a closed pipe surfaces as the io error it is.
    let text = serde_json::to_string_pretty(value).map_err(io::Error::other)?;
    let mut out = io::stdout().lock();
    writeln!(out, "{text}")?;
    out.flush()
}

/// One compact JSON value on its own line (streams of records).
pub fn json_line(value: &serde_json::Value) -> io::Result<()> {
    let text = serde_json::to_string(value).map_err(io::Error::other)?;
    let mut out = io::stdout().lock();
    writeln!(out, "{text}")?;
    out.flush()
}

/// Bytes as they are (a certificate, a completion script), on stdout.
pub fn raw(bytes: &[u8]) -> io::Result<()> {
    let mut out = io::stdout().lock();
    out.write_all(bytes)?;
    out.flush()
}

/// A success line for a change: `✓ created app story`.
pub fn done(message: &str) -> io::Result<()> {
    let mut out = stdout();
    writeln!(out, "{GREEN}✓{GREEN:#} {message}")?;
    out.flush()
}

/// A note on stderr (never mixed into data on stdout).
pub fn note(message: &str) {
    let mut err = anstream::stderr();
    let _ = writeln!(err, "{DIM}{message}{DIM:#}");
}

/// Report a change: a check mark for people; for scripts an object with
/// the command and what Dokku printed.
pub fn finish(
    json_mode: bool,
    verb: &str,
    what: &str,
    command: &Command,
    lines: &[String],
) -> Result<(), CliError> {
    if json_mode {
        json(&finished(verb, what, command, lines))?;
    } else {
        done(&format!("{verb} {what}"))?;
    }
    Ok(())
}

/// Names as a comma-separated list, for messages.
pub fn comma_list<T: AsRef<str>>(names: &[T]) -> String {
    let names: Vec<&str> = names.iter().map(AsRef::as_ref).collect();
    names.join(", ")
}

/// [`finish`] in JSON mode, with more fields: what Dokku told beyond
/// "done" (`extra`, an object).
pub fn finished_with(
    verb: &str,
    what: &str,
    command: &Command,
    lines: &[String],
    extra: serde_json::Value,
) -> Result<(), CliError> {
    let mut answer = finished(verb, what, command, lines);
    if let (Some(answer), serde_json::Value::Object(extra)) = (answer.as_object_mut(), extra) {
        answer.extend(extra);
    }
    Ok(json(&answer)?)
}

/// The JSON object [`finish`] prints.
fn finished(verb: &str, what: &str, command: &Command, lines: &[String]) -> serde_json::Value {
    json!({
        "ok": true,
        "action": verb,
        "target": what,
        "command": command.to_string(),
        "output": lines,
    })
}

/// [`finish`] for a change that printed nothing worth keeping.
pub fn changed(json_mode: bool, verb: &str, what: &str, command: &Command) -> Result<(), CliError> {
    finish(json_mode, verb, what, command, &[])
}

/// A secret for display: `***` unless revealed.
pub fn secret(value: &str, reveal: bool) -> String {
    if reveal {
        value.to_owned()
    } else {
        "***".to_owned()
    }
}

/// Text with the credentials of its URLs as `***` unless revealed.
pub fn secret_userinfo(text: &str, reveal: bool) -> String {
    if reveal {
        text.to_owned()
    } else {
        dokku::secret::mask_userinfo(text).into_owned()
    }
}

/// Whether a person reads standard output (a terminal). Only a person is
/// shown `***` for a hidden value: a program reading a pipe or a file would
/// take the mask for the value, so nothing masked is ever written there.
pub fn read_by_person() -> bool {
    io::stdout().is_terminal()
}

/// The refusal for `what` about to be written masked where a program
/// reads it.
pub fn masked_for_program(what: &str, hint: &str) -> CliError {
    CliError::refused(
        format!(
            "refusing to write {what} as *** into a pipe or a file: a program would read the mask, not the values"
        ),
        hint,
    )
}

/// Refuse to write `what` masked where a program reads it (see
/// [`read_by_person`]); with --reveal the values themselves are written.
pub fn refuse_masked_to_pipe(what: &str, reveal: bool, hint: &str) -> Result<(), CliError> {
    if reveal || read_by_person() {
        return Ok(());
    }
    Err(masked_for_program(what, hint))
}

/// The lines of a command's output as they may be written: masked for a
/// person; where a program reads, a line that would need a mask is left
/// out (and counted), never written with `***`.
pub struct Withheld {
    program: bool,
    count: usize,
}

impl Withheld {
    pub fn new() -> Self {
        Withheld {
            program: !read_by_person(),
            count: 0,
        }
    }

    /// `masked` is `line` with its hidden values masked (unchanged under
    /// --reveal): what a person sees; `None` where a program would read a
    /// mask.
    pub fn keep(&mut self, line: &str, masked: String) -> Option<String> {
        if self.program && masked != line {
            self.count += 1;
            return None;
        }
        Some(masked)
    }

    /// How many lines were left out.
    pub fn count(&self) -> usize {
        self.count
    }

    /// Say on stderr that lines were left out, if any were.
    pub fn note(&self) {
        if self.count > 0 {
            note(&format!(
                "({} line(s) of output held hidden values and were left out of the pipe; pass --reveal to write them)",
                self.count
            ));
        }
    }
}

/// Run `stty <arg>` on the controlling terminal (the crate forbids the
/// unsafe a termios call needs). Whether it took.
pub fn stty(arg: &str) -> bool {
    let Ok(tty) = std::fs::File::open("/dev/tty") else {
        return false;
    };
    std::process::Command::new("stty")
        .arg(arg)
        .stdin(tty)
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// A spinner on stderr (hidden when stderr is not a terminal), with the
/// terminal's echo of control characters off while it shows: otherwise
/// Ctrl-C's `^C` lands next to the spinner's line and, depending on where
/// the cursor was, leaves part of it on the screen after it is cleared.
pub struct Spinner {
    bar: ProgressBar,
    echoctl_off: bool,
}

impl std::ops::Deref for Spinner {
    type Target = ProgressBar;

    fn deref(&self) -> &ProgressBar {
        &self.bar
    }
}

impl Drop for Spinner {
    fn drop(&mut self) {
        if self.echoctl_off {
            stty("echoctl");
        }
    }
}

/// Start a [`Spinner`].
pub fn spinner(message: impl Into<String>) -> Spinner {
    if !io::stderr().is_terminal() {
        return Spinner {
            bar: ProgressBar::hidden(),
            echoctl_off: false,
        };
    }
    let bar = ProgressBar::new_spinner();
    let template = if colour_off() {
        "{spinner} {msg} {elapsed}"
    } else {
        "{spinner:.cyan} {msg} {elapsed:.dim}"
    };
    let style =
        ProgressStyle::with_template(template).unwrap_or_else(|_| ProgressStyle::default_spinner());
    bar.set_style(style);
    bar.set_message(message.into());
    let echoctl_off = stty("-echoctl");
    bar.enable_steady_tick(Duration::from_millis(100));
    Spinner { bar, echoctl_off }
}

/// Stop a spinner after Ctrl-C. With the `^C` echo off there is nothing
/// beside it to wipe; where `stty` could not turn it off, the echo's line
/// is wiped too.
pub fn interrupted(spinner: &Spinner) {
    spinner.finish_and_clear();
    if !spinner.is_hidden() && !spinner.echoctl_off {
        let mut err = io::stderr().lock();
        let _ = write!(err, "\r\x1b[2K");
        let _ = err.flush();
    }
}

/// A time as RFC 3339 (UTC) to the whole second: `2025-01-08T05:20:00Z`.
/// Every time the CLI shows, in tables and in JSON, is written this way.
pub fn time(time: SystemTime) -> String {
    let whole = time
        .duration_since(UNIX_EPOCH)
        .map_or(time, |d| UNIX_EPOCH + Duration::from_secs(d.as_secs()));
    format_rfc3339_utc(whole)
}

/// [`time`] for Unix seconds.
pub fn unix_secs(secs: u64) -> String {
    time(UNIX_EPOCH + Duration::from_secs(secs))
}

/// Unix milliseconds as RFC 3339 (UTC), the milliseconds kept
/// (`2025-01-08T05:20:00.250Z`): for JSON.
pub fn unix_ms(ms: i64) -> String {
    let at = match u64::try_from(ms) {
        Ok(ms) => UNIX_EPOCH + Duration::from_millis(ms),
        Err(_) => UNIX_EPOCH,
    };
    format_rfc3339_utc(at)
}

/// [`time`] for Unix milliseconds (whole seconds): for tables.
pub fn unix_ms_whole(ms: i64) -> String {
    unix_secs(u64::try_from(ms.div_euclid(1000)).unwrap_or(0))
}

/// A duration in ms as `850ms` or `2.4s`.
pub fn duration_ms(ms: i64) -> String {
    if ms < 1000 {
        format!("{ms}ms")
    } else {
        format!("{:.1}s", ms as f64 / 1000.0)
    }
}

/// `in 4d 23h`, `in 3h 5m`, `in 45s`; `2d 0h ago` when negative.
pub fn human_secs(secs: i64) -> String {
    let abs = secs.unsigned_abs();
    let (d, h, m) = (abs / 86_400, abs % 86_400 / 3600, abs % 3600 / 60);
    let text = match (d, h, m) {
        (0, 0, 0) => format!("{abs}s"),
        (0, 0, m) => format!("{m}m"),
        (0, h, m) => format!("{h}h {m}m"),
        (d, h, _) => format!("{d}d {h}h"),
    };
    if secs < 0 {
        format!("{text} ago")
    } else {
        format!("in {text}")
    }
}

/// How long ago something was read: `12s ago`, `5m ago`, `3h 5m ago`.
pub fn age(age: Duration) -> String {
    match age.as_secs() {
        0 => "just now".to_owned(),
        secs => human_secs(-i64::try_from(secs).unwrap_or(i64::MAX)),
    }
}

/// Whole seconds from `now` to `then` (negative when `then` has passed).
pub fn seconds_between(then: SystemTime, now: SystemTime) -> i64 {
    match then.duration_since(now) {
        Ok(d) => i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
        Err(e) => -i64::try_from(e.duration().as_secs()).unwrap_or(i64::MAX),
    }
}

/// An expiry for people: the time and the countdown, coloured by how
/// soon.
pub fn expiry_cell(at: SystemTime, secs_left: i64) -> Cell {
    Cell(
        format!("{} ({})", time(at), human_secs(secs_left)),
        expiry_style(secs_left),
    )
}

/// How many days before its expiry a certificate is worth a warning
/// (yellow in tables, listed by `fleet status`).
pub const EXPIRY_WARNING_DAYS: u64 = 14;

/// Green far from expiry, yellow within [`EXPIRY_WARNING_DAYS`], red once
/// expired.
pub fn expiry_style(secs_left: i64) -> Style {
    const WARNING_SECS: i64 = EXPIRY_WARNING_DAYS as i64 * 86_400;
    match secs_left {
        l if l < 0 => RED,
        l if l < WARNING_SECS => YELLOW,
        _ => GREEN,
    }
}

/// A percentage (`-` for none), coloured by [`fullness`].
pub fn percent(value: Option<u8>) -> Cell {
    let text = value.map_or("-".to_owned(), |p| format!("{p}%"));
    Cell(text, fullness(value))
}

/// How full: red from 90%, yellow from 80% (memory, disks, inodes).
pub fn fullness(percent: Option<u8>) -> anstyle::Style {
    match percent {
        Some(90..) => RED,
        Some(80..) => YELLOW,
        _ => PLAIN,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_rfc3339_utc() {
        assert_eq!(unix_ms_whole(951_782_400_999), "2000-02-29T00:00:00Z");
        assert_eq!(unix_ms(951_782_400_250), "2000-02-29T00:00:00.25Z");
        assert_eq!(
            time(UNIX_EPOCH + Duration::new(1_736_313_600, 5)),
            "2025-01-08T05:20:00Z"
        );
        assert_eq!(unix_secs(1_736_313_600), "2025-01-08T05:20:00Z");
    }

    #[test]
    fn durations_read_like_a_person_says_them() {
        assert_eq!(human_secs(45), "in 45s");
        assert_eq!(human_secs(3 * 3600 + 300), "in 3h 5m");
        assert_eq!(human_secs(4 * 86_400 + 23 * 3600 + 59), "in 4d 23h");
        assert_eq!(human_secs(-2 * 86_400), "2d 0h ago");
    }

    #[test]
    fn the_widest_columns_give_way_to_fit_the_terminal() {
        let mut widths = vec![3, 40, 10];
        fit(&mut widths, &[3, 7, 6], 40);
        assert_eq!(widths.iter().sum::<usize>() + 4, 40);
        assert_eq!(widths[0], 3);
        // The first column keeps its width while the others can give.
        let mut widths = vec![16, 14, 12];
        fit(&mut widths, &[3, 6, 6], 36);
        assert_eq!(widths, [16, 8, 8]);
        fit(&mut widths, &[3, 6, 6], 30);
        assert_eq!(widths, [14, 6, 6]);
        assert_eq!(clip("hello world", 5), "hell…");
        assert_eq!(clip("hi", 5), "hi");
        // Never below the headers.
        let mut narrow = vec![5, 5];
        fit(&mut narrow, &[5, 5], 4);
        assert_eq!(narrow, [5, 5]);
    }
}
