//! The audit history: filters, full-text search, keyset pagination, the
//! hash chain's verify status, and export.

use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Extension;
use dokku_history::{Cursor, Outcome, Query as HistoryQuery, Tamper, Verification};
use maud::{html, Markup};
use serde::Deserialize;
use std::time::Duration;

use super::super::{AppState, Ctx, WebError};
use super::app::{history_rows, urlencode};
use super::layout;

/// The filters, as the form sends them.
#[derive(Debug, Default, Deserialize)]
pub struct Filters {
    app: Option<String>,
    actor: Option<String>,
    subcommand: Option<String>,
    outcome: Option<String>,
    q: Option<String>,
    after: Option<String>,
    /// `now`: verify the hash chain again instead of reusing the last result.
    verify: Option<String>,
}

const OUTCOMES: [Outcome; 5] = [
    Outcome::Ok,
    Outcome::Failed,
    Outcome::Timeout,
    Outcome::TransportError,
    Outcome::Cancelled,
];

fn non_empty(v: &Option<String>) -> Option<String> {
    v.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

impl Filters {
    fn query(&self) -> Result<HistoryQuery, WebError> {
        let mut query = HistoryQuery::default();
        query.app = non_empty(&self.app);
        query.actor = non_empty(&self.actor);
        query.subcommand = non_empty(&self.subcommand);
        query.outcome = match non_empty(&self.outcome) {
            None => None,
            Some(o) => Some(
                OUTCOMES
                    .into_iter()
                    .find(|x| x.as_str() == o)
                    .ok_or_else(|| WebError::BadRequest(format!("no outcome {o}")))?,
            ),
        };
        query.after = non_empty(&self.after)
            .map(|a| {
                let (t, id) = a.split_once(':')?;
                Some(Cursor {
                    started_at: t.parse().ok()?,
                    id: id.parse().ok()?,
                })
            })
            .map(|c| c.ok_or_else(|| WebError::BadRequest("a bad page cursor".to_owned())))
            .transpose()?;
        query.limit = Some(50);
        Ok(query)
    }

    /// The filters as a query string, without the cursor.
    fn link(&self) -> String {
        [
            ("app", &self.app),
            ("actor", &self.actor),
            ("subcommand", &self.subcommand),
            ("outcome", &self.outcome),
            ("q", &self.q),
        ]
        .iter()
        .filter_map(|(k, v)| non_empty(v).map(|v| format!("{k}={}", urlencode(&v))))
        .collect::<Vec<_>>()
        .join("&")
    }
}

fn verification(v: &Result<(Verification, Duration), dokku_history::HistoryError>) -> Markup {
    html! {
        @match v {
            Ok((v, age)) if v.is_intact() => p.verify.ok {
                "Hash chain intact: " (v.rows) " records verified"
                @if v.truncated_before > 0 { " (retention removed records before #" (v.truncated_before) ")" }
                @if age.as_secs() > 0 { ", " (age.as_secs()) " s ago" }
                ". " a href="/history?verify=now" { "Verify now" }
            },
            Ok((v, _)) => p.verify.bad {
                "Hash chain broken: "
                @match &v.problem {
                    Some(Tamper::Altered { id }) => { "record #" (id) " was altered." }
                    Some(Tamper::Broken { id }) => { "records before #" (id) " were removed." }
                    Some(Tamper::HeadMissing { expected_head }) => { "the newest records (up to #" (expected_head) ") were removed." }
                    _ => { "see `verify`." }
                }
            },
            Err(e) => p.verify.bad { "Could not verify: " (e) },
        }
    }
}

/// `GET /history`.
pub async fn page(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Query(filters): Query<Filters>,
) -> Result<Markup, WebError> {
    let search = non_empty(&filters.q);
    let (records, next) = match &search {
        Some(text) => (state.history.search(text, 50).await?, None),
        None => {
            let page = state.history.query(filters.query()?).await?;
            (page.records, page.next)
        }
    };
    let fresh = filters.verify.as_deref() == Some("now");
    let verified = state.verification(fresh).await;
    let value = |v: &Option<String>| v.clone().unwrap_or_default();
    let selected = value(&filters.outcome);
    let body = html! {
        h1 { "History" }
        (verification(&verified))
        form.filters method="get" action="/history" {
            input type="search" name="q" value=(value(&filters.q)) placeholder="search commands and output" aria-label="Search";
            input type="text" name="app" value=(value(&filters.app)) placeholder="app" aria-label="App";
            input type="text" name="actor" value=(value(&filters.actor)) placeholder="who" aria-label="Actor";
            input type="text" name="subcommand" value=(value(&filters.subcommand)) placeholder="apps:create" aria-label="Subcommand";
            select name="outcome" aria-label="Outcome" {
                option value="" { "any outcome" }
                @for o in OUTCOMES { option value=(o.as_str()) selected[selected == o.as_str()] { (o.as_str()) } }
            }
            button type="submit" { "Filter" }
        }
        @if search.is_some() { p.muted { "Best 50 matches, newest first." } }
        (history_rows(&records))
        @if let Some(next) = next {
            p { a.next href={ "/history?" (filters.link()) "&after=" (next.started_at) ":" (next.id) } { "Older →" } }
        }
        p.export {
            "Export everything: " a href="/history/export?format=jsonl" { "JSON Lines" } " · " a href="/history/export?format=csv" { "CSV" }
        }
    };
    Ok(layout("History", &ctx.session, body))
}

/// `?format=jsonl|csv`.
#[derive(Debug, Deserialize)]
pub struct ExportParams {
    format: String,
}

/// `GET /history/export`: the whole history as a download.
pub async fn export(
    State(state): State<AppState>,
    Query(params): Query<ExportParams>,
) -> Result<Response, WebError> {
    let (bytes, content_type, name) = match params.format.as_str() {
        "jsonl" => (
            state.history.export_jsonl(Vec::new()).await?,
            "application/x-ndjson",
            "history.jsonl",
        ),
        "csv" => (
            state.history.export_csv(Vec::new()).await?,
            "text/csv; charset=utf-8",
            "history.csv",
        ),
        other => return Err(WebError::BadRequest(format!("no export format {other}"))),
    };
    Ok((
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        bytes,
    )
        .into_response())
}
