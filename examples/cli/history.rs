//! `history …`: read the local audit trail. Nothing here talks to a host.
//! Times are RFC 3339 (UTC) in tables and JSON; `--since` takes a
//! duration, a date, an RFC 3339 time or Unix milliseconds.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use clap::{Args, Subcommand, ValueEnum};
use dokku::Command;
use dokku_history::{HistoryStore, Outcome, Query, Record, Tamper};
use serde_json::json;

use crate::args::BadArg;
use crate::error::CliError;
use crate::family::{Context, Family};
use crate::output::{self, Cell, DIM, GREEN, RED, YELLOW};
use crate::session::Session;

pub const HELP: &str = "Examples:\n  cli history list --app api --since 1d\n  cli history list --since 2026-12-01\n  cli history show 42\n  cli history search destroy\n  cli history export --format csv -o audit.csv";

#[derive(Debug, Subcommand)]
pub enum HistoryCmd {
    /// Recorded commands, newest first.
    #[command(
        after_help = "Examples:\n  cli history list\n  cli history list --app api --outcome failed --since 2d\n  cli history list --since 2026-12-01T08:00:00+01:00\n  cli history list --json --limit 500"
    )]
    List(HistoryFilter),
    /// One record in full (output redacted).
    #[command(after_help = "Example:\n  cli history show 42")]
    Show { id: i64 },
    /// Full-text search over command lines and errors: every word must
    /// appear; OR between words gives alternatives; wei* matches words
    /// that begin with wei.
    #[command(
        after_help = "Examples:\n  cli history search apps:destroy\n  cli history search destroy OR rename\n  cli history search 'wei*'"
    )]
    Search {
        #[arg(required = true)]
        words: Vec<String>,
        #[arg(long, default_value_t = 50)]
        limit: usize,
    },
    /// Count, failure rate and durations per Dokku subcommand.
    #[command(after_help = "Example:\n  cli history stats")]
    Stats,
    /// Check the hash chain: name the first altered or removed record.
    #[command(after_help = "Example:\n  cli history verify")]
    Verify,
    /// Every record, oldest first, as JSON Lines or CSV (the audit store's
    /// archive format: times in Unix milliseconds).
    #[command(
        after_help = "Examples:\n  cli history export > audit.jsonl\n  cli history export --format csv -o audit.csv"
    )]
    Export {
        #[arg(long, value_enum, default_value = "jsonl")]
        format: HistoryFormat,
        /// Write here instead of standard output.
        #[arg(long, short = 'o', value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Copy the local history file (--history-db) into the empty shared
    /// PostgreSQL history (--history), then verify its chain there.
    #[command(
        after_help = "Example:\n  DOKKU_HISTORY_URL=postgres://audit@db/audit cli history migrate"
    )]
    Migrate,
}

#[derive(Debug, Args)]
pub struct HistoryFilter {
    /// Only commands about this app (default: all apps; --app works too).
    #[arg(value_name = "APP")]
    pub only_app: Option<String>,
    /// Only commands by this user.
    #[arg(long)]
    pub actor: Option<String>,
    /// Only commands run on this host (`demo`, `local`, `dokku@host`).
    #[arg(long = "on-host", value_name = "HOST")]
    pub on_host: Option<String>,
    /// Only this Dokku subcommand (`apps:destroy`).
    #[arg(long)]
    pub subcommand: Option<String>,
    /// Only this outcome.
    #[arg(long, value_enum)]
    pub outcome: Option<OutcomeArg>,
    /// Only newer than this: `30m`, `12h`, `7d`, a date (`2026-12-01`, UTC),
    /// an RFC 3339 time, or Unix milliseconds.
    #[arg(long, value_parser = since)]
    pub since: Option<Since>,
    /// At most this many records.
    #[arg(long, default_value_t = 50)]
    pub limit: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutcomeArg {
    Ok,
    Failed,
    Timeout,
    TransportError,
    Cancelled,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum HistoryFormat {
    /// One JSON object per line.
    Jsonl,
    /// Comma-separated values (formula cells neutralised).
    Csv,
}

/// `--since`: a moment, or a span before now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Since {
    /// Unix milliseconds.
    At(i64),
    /// This many milliseconds ago.
    Ago(i64),
}

impl Since {
    fn ms(self, now_ms: i64) -> i64 {
        match self {
            Since::At(ms) => ms,
            Since::Ago(ms) => now_ms - ms,
        }
    }
}

/// `30m`, `12h`, `7d`, `45s`, `2w` ago; `2026-12-01` (midnight UTC);
/// `2026-12-01T08:00:00Z` or with an offset (`+01:00`); Unix milliseconds.
pub fn since(raw: &str) -> Result<Since, BadArg> {
    let bad = || BadArg {
        message: format!("--since {raw:?} is not a duration, a date or a time"),
        hint: "use 30m, 12h, 7d, a date (2026-12-01), an RFC 3339 time (2026-12-01T08:00:00Z) \
               or Unix milliseconds"
            .to_owned(),
    };
    if let Ok(ms) = raw.parse::<i64>() {
        return Ok(Since::At(ms));
    }
    let unit_ms = match raw.chars().last() {
        Some('s') => 1_000,
        Some('m') => 60_000,
        Some('h') => 3_600_000,
        Some('d') => 86_400_000,
        Some('w') => 7 * 86_400_000,
        _ => 0,
    };
    if unit_ms > 0 {
        if let Ok(n) = raw[..raw.len() - 1].parse::<i64>() {
            return Ok(Since::Ago(n.saturating_mul(unit_ms)));
        }
    }
    rfc3339_ms(raw).map(Since::At).ok_or_else(bad)
}

/// A date or an RFC 3339 time as Unix milliseconds.
fn rfc3339_ms(raw: &str) -> Option<i64> {
    let raw = raw.trim();
    let full = if raw.len() == 10 {
        format!("{raw}T00:00:00Z")
    } else {
        raw.replacen(['t', ' '], "T", 1).replace('z', "Z")
    };
    // An offset east of UTC is subtracted, west added.
    let (utc, offset_secs) = match full.strip_suffix('Z') {
        Some(_) => (full.clone(), 0),
        None => {
            let split = full.len().checked_sub(6)?;
            let (time, offset) = (full.get(..split)?, full.get(split..)?);
            let sign = match offset.as_bytes().first()? {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            let (h, m) = offset.get(1..)?.split_once(':')?;
            let (h, m): (i64, i64) = (h.parse().ok()?, m.parse().ok()?);
            if h > 23 || m > 59 || offset.len() != 6 {
                return None;
            }
            (format!("{time}Z"), sign * (h * 3600 + m * 60))
        }
    };
    let at = dokku::parse::logs::rfc3339_utc(&utc)?;
    let ms = i64::try_from(at.duration_since(std::time::UNIX_EPOCH).ok()?.as_millis()).ok()?;
    Some(ms - offset_secs * 1000)
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

#[derive(Debug, Clone)]
pub enum Plan {
    List(Query),
    Show(i64),
    Search {
        text: String,
        limit: usize,
    },
    Stats,
    Verify,
    Export {
        format: HistoryFormat,
        output: Option<PathBuf>,
    },
    Migrate,
}

impl Family for HistoryCmd {
    type Plan = Plan;
    const REMOTE: bool = false;

    fn plan(self, cx: &mut Context) -> Result<Plan, CliError> {
        Ok(match self {
            HistoryCmd::List(HistoryFilter {
                only_app,
                actor,
                on_host,
                subcommand,
                outcome,
                since,
                limit,
            }) => {
                let mut query = Query::default();
                query.app = only_app.or_else(|| cx.app_flag().map(ToString::to_string));
                query.actor = actor;
                query.host = on_host;
                query.subcommand = subcommand;
                query.outcome = outcome.map(|o| match o {
                    OutcomeArg::Ok => Outcome::Ok,
                    OutcomeArg::Failed => Outcome::Failed,
                    OutcomeArg::Timeout => Outcome::Timeout,
                    OutcomeArg::TransportError => Outcome::TransportError,
                    OutcomeArg::Cancelled => Outcome::Cancelled,
                });
                query.since_ms = since.map(|s| s.ms(now_ms()));
                query.limit = Some(limit.max(1));
                Plan::List(query)
            }
            HistoryCmd::Show { id } => Plan::Show(id),
            HistoryCmd::Search { words, limit } => Plan::Search {
                text: words.join(" "),
                limit: limit.max(1),
            },
            HistoryCmd::Stats => Plan::Stats,
            HistoryCmd::Verify => Plan::Verify,
            HistoryCmd::Export { format, output } => Plan::Export { format, output },
            HistoryCmd::Migrate => Plan::Migrate,
        })
    }

    fn commands(_: &Plan) -> Result<Vec<Command>, CliError> {
        Ok(Vec::new())
    }

    async fn run(plan: Plan, s: &Session) -> Result<(), CliError> {
        let store = s.store().await?;
        let json = s.opts.json;
        match plan {
            Plan::List(query) => records(json, &store.query(query).await?.records),
            Plan::Search { text, limit } => records(json, &store.search(&text, limit).await?),
            Plan::Show(id) => {
                let Some(record) = store.get(id).await? else {
                    return Err(CliError::not_found(
                        format!("no history record {id}"),
                        "`cli history list` shows the record ids",
                    ));
                };
                if json {
                    return Ok(output::json(&record_json(&record))?);
                }
                show(&record)
            }
            Plan::Stats => stats(json, &store).await,
            Plan::Verify => {
                let v = store.verify().await?;
                let problem = v.problem.as_ref().map(|p| match p {
                    Tamper::Altered { id } => format!("record {id} was altered"),
                    Tamper::Broken { id } => format!("records before {id} were removed or altered"),
                    Tamper::HeadMissing { expected_head } => {
                        format!("the newest records (up to {expected_head}) were removed")
                    }
                    other => format!("{other:?}"),
                });
                if json {
                    output::json(&json!({
                        "intact": v.is_intact(),
                        "rows": v.rows,
                        "truncated_before": v.truncated_before,
                        "problem": problem,
                    }))?;
                } else if v.is_intact() {
                    output::done(&format!("{} records, hash chain intact", v.rows))?;
                }
                match problem {
                    None => Ok(()),
                    Some(problem) => Err(CliError::failed(
                        format!("the history was tampered with: {problem}"),
                        "compare with an earlier export (`cli history export`)",
                    )),
                }
            }
            Plan::Export { format, output } => {
                // The store reports a failed write as text; whether it was
                // a closed pipe is kept here, to end quietly.
                let closed = Arc::new(AtomicBool::new(false));
                let sink: Box<dyn Write + Send> = match &output {
                    Some(path) => Box::new(std::io::BufWriter::new(std::fs::File::create(path)?)),
                    None => Box::new(std::io::stdout()),
                };
                let sink = PipeWatch {
                    inner: sink,
                    closed: closed.clone(),
                };
                let exported = match format {
                    HistoryFormat::Jsonl => store.export_jsonl(sink).await,
                    HistoryFormat::Csv => store.export_csv(sink).await,
                };
                let flushed = exported.map_err(CliError::from).and_then(|mut sink| {
                    sink.flush()?;
                    Ok(())
                });
                if flushed.is_err() && closed.load(Ordering::Relaxed) {
                    return Err(std::io::Error::from(std::io::ErrorKind::BrokenPipe).into());
                }
                flushed?;
                if let Some(path) = output {
                    output::note(&format!("wrote {}", path.display()));
                }
                Ok(())
            }
            Plan::Migrate => migrate(&store, json, &s.history_file()?).await,
        }
    }
}

/// `history migrate`: the file's trail, verified, into the shared store.
async fn migrate(to: &HistoryStore, json: bool, from: &Path) -> Result<(), CliError> {
    if to.path().is_some() {
        return Err(CliError::failed(
            "history migrate copies into a PostgreSQL history".to_owned(),
            "pass --history postgres://… (or set DOKKU_HISTORY_URL)",
        ));
    }
    if !from.is_file() {
        return Err(CliError::not_found(
            format!("no history file at {}", from.display()),
            "name it with --history-db PATH",
        ));
    }
    let source = HistoryStore::open(from)?;
    let moved = dokku_history::migrate_trail(&source, to).await?;
    if json {
        return Ok(output::json(&json!({
            "from": from.display().to_string(),
            "to": to.location(),
            "rows": moved.rows,
            "truncated_before": moved.truncated_before,
            "head_id": moved.head_id,
            "intact": true,
        }))?);
    }
    Ok(output::done(&format!(
        "{} records copied from {} to {}, hash chain intact",
        moved.rows,
        from.display(),
        to.location()
    ))?)
}

/// A writer that remembers whether its reader went away.
struct PipeWatch {
    inner: Box<dyn Write + Send>,
    closed: Arc<AtomicBool>,
}

impl PipeWatch {
    fn watch<T>(&self, result: std::io::Result<T>) -> std::io::Result<T> {
        if let Err(e) = &result {
            if e.kind() == std::io::ErrorKind::BrokenPipe {
                self.closed.store(true, Ordering::Relaxed);
            }
        }
        result
    }
}

impl Write for PipeWatch {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let result = self.inner.write(buf);
        self.watch(result)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        let result = self.inner.flush();
        self.watch(result)
    }
}

/// A record as JSON, its times RFC 3339 (UTC, milliseconds kept).
fn record_json(record: &Record) -> serde_json::Value {
    let mut value = json!(record);
    value["started_at"] = json!(output::unix_ms(record.entry.started_at));
    value["ended_at"] = json!(output::unix_ms(record.entry.ended_at));
    value["duration_ms"] = json!(record.entry.duration_ms());
    value
}

fn outcome_cell(outcome: Outcome) -> Cell {
    let style = match outcome {
        Outcome::Ok => GREEN,
        Outcome::Failed => RED,
        _ => YELLOW,
    };
    Cell(outcome.to_string(), style)
}

fn records(json: bool, records: &[Record]) -> Result<(), CliError> {
    if json {
        let rows: Vec<_> = records.iter().map(record_json).collect();
        output::json(&json!(rows))?;
        return Ok(());
    }
    if records.is_empty() {
        output::note("no matching records");
        return Ok(());
    }
    let rows: Vec<Vec<Cell>> = records
        .iter()
        .map(|r| {
            let e = &r.entry;
            vec![
                Cell::plain(r.id.to_string()),
                Cell(output::unix_ms_whole(e.started_at), DIM),
                Cell::plain(e.actor.clone()),
                Cell::plain(e.host.clone()),
                outcome_cell(e.outcome),
                Cell::plain(output::duration_ms(e.duration_ms())),
                Cell::plain(e.argv.join(" ")),
            ]
        })
        .collect();
    Ok(output::table(
        &[
            "ID",
            "STARTED (UTC)",
            "ACTOR",
            "HOST",
            "OUTCOME",
            "TOOK",
            "COMMAND",
        ],
        &rows,
    )?)
}

fn show(record: &Record) -> Result<(), CliError> {
    let e = &record.entry;
    output::pairs(
        &format!("record {}", record.id),
        &[
            (
                "command",
                Cell::plain(format!("dokku {}", e.argv.join(" "))),
            ),
            ("app", Cell::plain(e.app.clone().unwrap_or_default())),
            ("host", Cell::plain(e.host.clone())),
            ("actor", Cell::plain(e.actor.clone())),
            ("source", Cell::plain(e.source.as_str())),
            (
                "started (UTC)",
                Cell::plain(output::unix_ms_whole(e.started_at)),
            ),
            ("took", Cell::plain(output::duration_ms(e.duration_ms()))),
            ("outcome", outcome_cell(e.outcome)),
            (
                "exit code",
                Cell::plain(e.exit_code.map(|c| c.to_string()).unwrap_or_default()),
            ),
            ("changes state", Cell::plain(e.mutating.to_string())),
            ("error", Cell::plain(e.error.clone().unwrap_or_default())),
            ("hash", Cell(record.hash.clone(), DIM)),
        ],
    )?;
    let mut out = output::stdout();
    for (name, text, len) in [
        ("stdout", &e.stdout, e.stdout_len),
        ("stderr", &e.stderr, e.stderr_len),
    ] {
        if len > 0 {
            writeln!(out, "\n{DIM}{name} ({len} bytes, redacted):{DIM:#}")?;
            writeln!(out, "{}", text.trim_end())?;
        }
    }
    Ok(())
}

async fn stats(json: bool, store: &dokku_history::HistoryStore) -> Result<(), CliError> {
    let stats = store.stats().await?;
    if json {
        let rows: Vec<_> = stats
            .iter()
            .map(|s| {
                json!({
                    "subcommand": s.subcommand,
                    "count": s.count,
                    "failures": s.failures,
                    "failure_rate": s.failure_rate,
                    "p50_ms": s.p50_ms,
                    "p95_ms": s.p95_ms,
                })
            })
            .collect();
        return Ok(output::json(&json!(rows))?);
    }
    let rows: Vec<Vec<Cell>> = stats
        .iter()
        .map(|s| {
            vec![
                Cell::plain(s.subcommand.clone()),
                Cell::plain(s.count.to_string()),
                if s.failures > 0 {
                    Cell(format!("{:.0}%", s.failure_rate * 100.0), RED)
                } else {
                    Cell("0%".to_owned(), DIM)
                },
                Cell::plain(output::duration_ms(s.p50_ms)),
                Cell::plain(output::duration_ms(s.p95_ms)),
            ]
        })
        .collect();
    Ok(output::table(
        &["SUBCOMMAND", "COUNT", "FAILED", "P50", "P95"],
        &rows,
    )?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn since_takes_durations_dates_times_and_milliseconds() {
        assert_eq!(since("90s").unwrap().ms(100_000), 10_000);
        assert_eq!(since("2h").unwrap().ms(10_000_000), 10_000_000 - 7_200_000);
        assert_eq!(
            since("1700000000000").unwrap(),
            Since::At(1_700_000_000_000)
        );
        assert_eq!(since("2026-12-01").unwrap(), Since::At(1_796_083_200_000));
        assert_eq!(
            since("2026-12-01T00:00:00Z").unwrap(),
            Since::At(1_796_083_200_000)
        );
        assert_eq!(
            since("2026-12-01T01:30:00+01:30").unwrap(),
            Since::At(1_796_083_200_000)
        );
        assert_eq!(
            since("2026-11-30T19:00:00-05:00").unwrap(),
            Since::At(1_796_083_200_000)
        );
        assert_eq!(
            since("2026-12-01T00:00:00.5Z").unwrap(),
            Since::At(1_796_083_200_500)
        );
        for bad in ["yesterday", "", "2026-13-01", "2026-12-01T25:00:00Z", "h"] {
            assert!(since(bad).is_err(), "{bad}");
        }
    }
}
