//! `history …`: read the local audit trail. Nothing here talks to a host.

use std::io::Write;

use dokku_history::{HistoryStore, Outcome, Record, Tamper};
use serde_json::json;

use crate::cli::HistoryFormat;
use crate::error::CliError;
use crate::output::{self, Cell, DIM, GREEN, RED, YELLOW};
use crate::plan::{HistoryPlan, Opts};

fn outcome_cell(outcome: Outcome) -> Cell {
    let style = match outcome {
        Outcome::Ok => GREEN,
        Outcome::Failed => RED,
        _ => YELLOW,
    };
    Cell(outcome.to_string(), style)
}

fn records_table(records: &[Record]) -> std::io::Result<()> {
    let rows: Vec<Vec<Cell>> = records
        .iter()
        .map(|r| {
            let e = &r.entry;
            vec![
                Cell::plain(r.id.to_string()),
                Cell(output::timestamp_ms(e.started_at), DIM),
                Cell::plain(e.actor.clone()),
                Cell::plain(e.host.clone()),
                outcome_cell(e.outcome),
                Cell::plain(output::duration_ms(e.duration_ms())),
                Cell::plain(e.argv.join(" ")),
            ]
        })
        .collect();
    output::table(
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
    )
}

fn records(opts: &Opts, records: &[Record]) -> Result<(), CliError> {
    if opts.json {
        output::json(&json!(records))?;
    } else if records.is_empty() {
        output::note("no matching records");
    } else {
        records_table(records)?;
    }
    Ok(())
}

pub async fn run(store: &HistoryStore, opts: &Opts, plan: HistoryPlan) -> Result<(), CliError> {
    match plan {
        HistoryPlan::List(query) => records(opts, &store.query(query).await?.records),
        HistoryPlan::Search { text, limit } => records(opts, &store.search(&text, limit).await?),
        HistoryPlan::Show(id) => {
            let Some(record) = store.get(id).await? else {
                return Err(CliError::NotFound {
                    message: format!("no history record {id}"),
                    hint: "`cli history list` shows the record ids".to_owned(),
                });
            };
            if opts.json {
                return Ok(output::json(&json!(record))?);
            }
            let e = &record.entry;
            output::pairs(
                &format!("record {id}"),
                &[
                    (
                        "command",
                        Cell::plain(format!("dokku {}", e.argv.join(" "))),
                    ),
                    ("app", Cell::plain(e.app.clone().unwrap_or_default())),
                    ("host", Cell::plain(e.host.clone())),
                    ("actor", Cell::plain(e.actor.clone())),
                    ("source", Cell::plain(e.source.as_str())),
                    ("started", Cell::plain(output::timestamp_ms(e.started_at))),
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
        HistoryPlan::Stats => {
            let stats = store.stats().await?;
            if opts.json {
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
        HistoryPlan::Verify => {
            let v = store.verify().await?;
            let problem = v.problem.as_ref().map(|p| match p {
                Tamper::Altered { id } => format!("record {id} was altered"),
                Tamper::Broken { id } => format!("records before {id} were removed or altered"),
                Tamper::HeadMissing { expected_head } => {
                    format!("the newest records (up to {expected_head}) were removed")
                }
                other => format!("{other:?}"),
            });
            if opts.json {
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
        HistoryPlan::Export { format, output } => {
            let sink: Box<dyn Write + Send> = match &output {
                Some(path) => Box::new(std::io::BufWriter::new(std::fs::File::create(path)?)),
                None => Box::new(std::io::stdout()),
            };
            let mut sink = match format {
                HistoryFormat::Jsonl => store.export_jsonl(sink).await?,
                HistoryFormat::Csv => store.export_csv(sink).await?,
            };
            sink.flush()?;
            if let Some(path) = output {
                output::note(&format!("wrote {}", path.display()));
            }
            Ok(())
        }
        HistoryPlan::Migrate { from } => migrate(store, opts, &from).await,
    }
}

/// `history migrate`: the file's trail, verified, into the shared store.
async fn migrate(to: &HistoryStore, opts: &Opts, from: &std::path::Path) -> Result<(), CliError> {
    if to.path().is_some() {
        return Err(CliError::failed(
            "history migrate copies into a PostgreSQL history".to_owned(),
            "pass --history postgres://… (or set DOKKU_HISTORY_URL)",
        ));
    }
    if !from.is_file() {
        return Err(CliError::NotFound {
            message: format!("no history file at {}", from.display()),
            hint: "name it with --history-db PATH".to_owned(),
        });
    }
    let source = HistoryStore::open(from)?;
    let moved = dokku_history::migrate_trail(&source, to).await?;
    if opts.json {
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
