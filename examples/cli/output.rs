//! What the user sees: aligned tables and colour on a terminal (anstream
//! strips the colour for pipes and `NO_COLOR`), JSON for scripts, a spinner
//! on stderr for long operations.

use std::io::{self, IsTerminal, Write};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use dokku::parse::logs::format_rfc3339_utc;

use anstyle::{AnsiColor, Style};
use indicatif::{ProgressBar, ProgressStyle};

pub const BOLD: Style = Style::new().bold();
pub const DIM: Style = Style::new().dimmed();
pub const GREEN: Style = Style::new().fg_color(Some(anstyle::Color::Ansi(AnsiColor::Green)));
pub const RED: Style = Style::new().fg_color(Some(anstyle::Color::Ansi(AnsiColor::Red)));
pub const YELLOW: Style = Style::new().fg_color(Some(anstyle::Color::Ansi(AnsiColor::Yellow)));
pub const CYAN: Style = Style::new().fg_color(Some(anstyle::Color::Ansi(AnsiColor::Cyan)));
pub const PLAIN: Style = Style::new();

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

/// Print rows under bold headers, columns aligned.
pub fn table(headers: &[&str], rows: &[Vec<Cell>]) -> io::Result<()> {
    let width = |s: &str| s.chars().count();
    let mut widths: Vec<usize> = headers.iter().map(|h| width(h)).collect();
    for row in rows {
        for (i, cell) in row.iter().enumerate() {
            if let Some(w) = widths.get_mut(i) {
                *w = (*w).max(width(&cell.0));
            }
        }
    }
    let mut out = stdout();
    let last = headers.len().saturating_sub(1);
    for (i, h) in headers.iter().enumerate() {
        let pad = if i == last {
            0
        } else {
            widths[i] - width(h) + 2
        };
        write!(out, "{BOLD}{h}{BOLD:#}{:pad$}", "")?;
    }
    writeln!(out)?;
    for row in rows {
        // No padding after the last non-empty cell: no trailing blanks.
        let end = row.iter().rposition(|c| !c.0.is_empty()).unwrap_or(0);
        for (i, Cell(text, style)) in row.iter().enumerate().take(end + 1) {
            let pad = if i >= end {
                0
            } else {
                widths[i] - width(text) + 2
            };
            write!(out, "{style}{text}{style:#}{:pad$}", "")?;
        }
        writeln!(out)?;
    }
    out.flush()
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

/// A secret for display: `***` unless revealed.
pub fn secret(value: &str, reveal: bool) -> String {
    if reveal {
        value.to_owned()
    } else {
        "***".to_owned()
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
    let style = ProgressStyle::with_template("{spinner:.cyan} {msg} {elapsed:.dim}")
        .unwrap_or_else(|_| ProgressStyle::default_spinner());
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

/// Unix milliseconds as `2025-01-08 05:20:00` (UTC, whole seconds).
pub fn timestamp_ms(ms: i64) -> String {
    let secs = u64::try_from(ms.div_euclid(1000)).unwrap_or(0);
    seconds(UNIX_EPOCH + Duration::from_secs(secs))
        .trim_end_matches('Z')
        .replacen('T', " ", 1)
}

/// A time as RFC 3339 (UTC) to the whole second: `2025-01-08T05:20:00Z`.
pub fn seconds(time: SystemTime) -> String {
    let whole = time
        .duration_since(UNIX_EPOCH)
        .map_or(time, |d| UNIX_EPOCH + Duration::from_secs(d.as_secs()));
    format_rfc3339_utc(whole)
}

/// A duration in ms as `850ms` or `2.4s`.
pub fn duration_ms(ms: i64) -> String {
    if ms < 1000 {
        format!("{ms}ms")
    } else {
        format!("{:.1}s", ms as f64 / 1000.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn history_times_are_whole_utc_seconds() {
        assert_eq!(timestamp_ms(951_782_400_999), "2000-02-29 00:00:00");
        assert_eq!(
            seconds(UNIX_EPOCH + Duration::new(1_736_313_600, 5)),
            "2025-01-08T05:20:00Z"
        );
    }
}
