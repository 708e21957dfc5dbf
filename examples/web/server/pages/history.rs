//! The audit history: filters, full-text search, keyset pagination, the
//! hash chain's verify status, and export.

use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Extension;
use dokku_history::{Cursor, Outcome, Query as HistoryQuery, Record, Tamper, Verification};
use maud::{html, Markup};
use serde::Deserialize;
use std::time::Duration;

use super::super::auth::Role;
use super::super::users::User;
use super::super::{AppState, Ctx, WebError};
use super::app::{card_empty, history_rows, outcome_label, urlencode};
use super::layout;

/// The filters, as the form sends them.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct Filters {
    app: Option<String>,
    actor: Option<String>,
    subcommand: Option<String>,
    outcome: Option<String>,
    q: Option<String>,
    after: Option<String>,
    /// The cursors of the pages before this one, newest first
    /// (`t:id,t:id`), so "Newer" can go back.
    trail: Option<String>,
    /// `now`: verify the hash chain again instead of reusing the last result.
    verify: Option<String>,
    /// The host's pages' prefix (from the request, not the query).
    #[serde(skip)]
    base: String,
    /// In a fleet, only this host's records (from the request).
    #[serde(skip)]
    host: Option<String>,
    /// For a user who may not read every app of the host: who, and on
    /// which host; only records of apps they may read are shown.
    #[serde(skip)]
    limited_to: Option<(User, String)>,
}

/// The most pages "Newer" can walk back (the links stay short).
const MAX_TRAIL: usize = 40;

/// Records on a page.
const PAGE: usize = 50;

/// The most rows one page reads to fill itself with the records a limited
/// user may see (or a search's matches on this host).
const SCAN: usize = 1_000;

const OUTCOMES: [Outcome; 5] = [
    Outcome::Ok,
    Outcome::Failed,
    Outcome::Timeout,
    Outcome::TransportError,
    Outcome::Cancelled,
];

impl Filters {
    /// The filters on this request's host: its links under its prefix
    /// and, in a fleet, only its records.
    fn on(mut self, state: &AppState, ctx: &Ctx) -> Self {
        self.base = state.place.base.clone();
        if state.site.multi {
            self.host = Some(state.place.name.clone());
        }
        if !ctx.may(Role::Viewer, None) {
            self.limited_to = Some((ctx.user.clone(), ctx.host.clone()));
        }
        self
    }

    /// Whether a record is this page's: of this host (a search has no
    /// host filter) and, for a user limited to some apps, of one of them.
    fn owns(&self, record: &Record) -> bool {
        self.host
            .as_ref()
            .map_or(true, |host| &record.entry.host == host)
            && self.limited_to.as_ref().map_or(true, |(user, host)| {
                record
                    .entry
                    .app
                    .as_deref()
                    .is_some_and(|app| user.may(Role::Viewer, host, Some(app)))
            })
    }

    fn own(&self, mut records: Vec<Record>) -> Vec<Record> {
        records.retain(|r| self.owns(r));
        records
    }

    /// This request's page: as full as an admin's for a user limited to
    /// some apps (the store reads on past the records they may not see,
    /// up to [`SCAN`] rows).
    async fn read(&self, state: &AppState) -> Result<(Vec<Record>, Option<Cursor>), WebError> {
        if let Some(text) = super::filled(&self.q) {
            let filtered = self.host.is_some() || self.limited_to.is_some();
            let ask = if filtered { SCAN } else { PAGE };
            let mut records = self.own(state.history.search(&text, ask).await?);
            records.truncate(PAGE);
            return Ok((records, None));
        }
        let page = state
            .history
            .query_kept(self.query()?, |r| self.owns(r), SCAN)
            .await?;
        Ok((page.records, page.next))
    }

    fn query(&self) -> Result<HistoryQuery, WebError> {
        let mut query = HistoryQuery::default();
        query.host = self.host.clone();
        query.app = super::filled(&self.app);
        query.actor = super::filled(&self.actor);
        query.subcommand = super::filled(&self.subcommand);
        query.outcome =
            match super::filled(&self.outcome) {
                None => None,
                Some(o) => Some(OUTCOMES.into_iter().find(|x| x.as_str() == o).ok_or_else(
                    || WebError::BadRequest(format!("There is no outcome called {o:?}.")),
                )?),
            };
        query.after = super::filled(&self.after)
            .map(|a| {
                a.parse::<Cursor>().map_err(|_| {
                    WebError::BadRequest(
                        "That page link is broken: start again from the newest records.".to_owned(),
                    )
                })
            })
            .transpose()?;
        query.limit = Some(PAGE);
        Ok(query)
    }

    /// The trail of cursors before this page, newest first.
    fn trail(&self) -> Vec<String> {
        super::filled(&self.trail)
            .map(|t| t.split(',').map(str::to_owned).take(MAX_TRAIL).collect())
            .unwrap_or_default()
    }

    /// The link to the page after `next`, remembering this one.
    fn older(&self, next: &Cursor) -> String {
        let mut trail = self.trail();
        trail.insert(0, super::filled(&self.after).unwrap_or_default());
        trail.truncate(MAX_TRAIL);
        self.page(Some(next.to_string()), &trail.join(","))
    }

    /// The link to the page before this one, if this is not the first.
    fn newer(&self) -> Option<String> {
        super::filled(&self.after)?;
        let mut trail = self.trail();
        let previous = (!trail.is_empty())
            .then(|| trail.remove(0))
            .filter(|c| !c.is_empty());
        Some(self.page(previous, &trail.join(",")))
    }

    fn page(&self, after: Option<String>, trail: &str) -> String {
        let mut link = format!("{}/history?{}", self.base, self.link());
        if let Some(after) = after {
            link.push_str(&format!("&after={}", urlencode(&after)));
        }
        if !trail.is_empty() {
            link.push_str(&format!("&trail={}", urlencode(trail)));
        }
        link
    }

    /// Whether any filter (or a search) is set.
    fn filtered(&self) -> bool {
        !self.link().is_empty()
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
        .filter_map(|(k, v)| super::filled(v).map(|v| format!("{k}={}", urlencode(&v))))
        .collect::<Vec<_>>()
        .join("&")
    }
}

fn verification(
    base: &str,
    v: &Result<(Verification, Duration), dokku_history::HistoryError>,
) -> Markup {
    html! {
        @match v {
            Ok((v, age)) if v.is_intact() => p.verify.ok {
                "Hash chain intact: " (v.rows) " records verified"
                @if v.truncated_before > 0 { " (retention removed records before #" (v.truncated_before) ")" }
                @if age.as_secs() > 0 { ", " (age.as_secs()) " s ago" }
                ". " a href={ (base) "/history?verify=now" } { "Verify now" }
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
    let filters = filters.on(&state, &ctx);
    let text = super::filled(&filters.q);
    let (records, next) = filters.read(&state).await?;
    let fresh = filters.verify.as_deref() == Some("now");
    let verified = state.verification(fresh).await;
    let value = |v: &Option<String>| v.clone().unwrap_or_default();
    let selected = value(&filters.outcome);
    let export = |format: &str| {
        let filters = filters.link();
        if filters.is_empty() {
            ctx.at(&format!("/history/export?format={format}"))
        } else {
            ctx.at(&format!("/history/export?format={format}&{filters}"))
        }
    };
    let body = html! {
        h1 { "History" }
        (verification(&ctx.base, &verified))
        form.filters #history-filters method="get" action=(ctx.at("/history")) {
            input type="search" name="q" value=(value(&filters.q)) placeholder="search: words, a OR b, wei*" aria-label="Search";
            input type="text" name="app" value=(value(&filters.app)) placeholder="app" aria-label="App";
            input type="text" name="actor" value=(value(&filters.actor)) placeholder="who" aria-label="Actor";
            input type="text" name="subcommand" value=(value(&filters.subcommand)) placeholder="apps:create" aria-label="Subcommand";
            select name="outcome" aria-label="Outcome" {
                option value="" { "any outcome" }
                @for o in OUTCOMES { option value=(o.as_str()) selected[selected == o.as_str()] { (outcome_label(o)) } }
            }
            button.secondary type="submit" { "Filter" }
            @if filters.filtered() { a href=(ctx.at("/history")) { "Clear" } }
        }
        @if text.is_some() {
            p.muted {
                "Best 50 matches, newest first. Every word must appear; " code { "OR" }
                " joins alternatives; " code { "wei*" } " matches words that begin with " code { "wei" } "."
            }
        }
        @if records.is_empty() {
            (card_empty(
                if filters.filtered() { "No records match these filters." } else { "Nothing has been recorded yet." },
                filters.filtered().then_some("Change or clear the filters to see more."),
            ))
        } @else {
            (history_rows(&records))
        }
        nav.pager aria-label="Pages" {
            @if let Some(newer) = filters.newer() {
                a rel="prev" href=(ctx.at("/history")) { "⇤ Newest" }
                a rel="prev" href=(newer) { "← Newer" }
            }
            @if let Some(next) = next {
                a.next rel="next" href=(filters.older(&next)) { "Older →" }
            }
        }
        p.export {
            @if filters.filtered() { "Export these records: " } @else { "Export everything: " }
            a href=(export("jsonl")) { "JSON Lines" } " · " a href=(export("csv")) { "CSV" }
        }
    };
    Ok(layout("History", &ctx, body))
}

/// `?format=jsonl|csv` and the page's filters.
#[derive(Debug, Deserialize)]
pub struct ExportParams {
    format: String,
    #[serde(flatten)]
    filters: Filters,
}

/// A CSV cell: quoted when it must be, and prefixed with `'` when a
/// spreadsheet would run it as a formula (as the history store's export).
fn cell(text: &str) -> String {
    let text = if text.starts_with(['=', '+', '-', '@']) {
        format!("'{text}")
    } else {
        text.to_owned()
    };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

/// The records the filters select (all pages, or the search's matches),
/// oldest first.
async fn selected(state: &AppState, filters: &Filters) -> Result<Vec<Record>, WebError> {
    let mut records = match super::filled(&filters.q) {
        Some(text) => filters.own(state.history.search(&text, 10_000).await?),
        None => {
            let mut query = filters.query()?;
            query.after = None;
            query.limit = Some(1000);
            let mut all = Vec::new();
            loop {
                let page = state.history.query(query.clone()).await?;
                all.extend(filters.own(page.records));
                match page.next {
                    Some(next) => query.after = Some(next),
                    None => break,
                }
            }
            all
        }
    };
    records.reverse();
    Ok(records)
}

/// `GET /history/export`: the history as a download; only the records the
/// page's filters select when it has any.
pub async fn export(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Query(params): Query<ExportParams>,
) -> Result<Response, WebError> {
    let (content_type, name) = match params.format.as_str() {
        "jsonl" => ("application/x-ndjson", "history.jsonl"),
        "csv" => ("text/csv; charset=utf-8", "history.csv"),
        other => {
            return Err(WebError::BadRequest(format!(
                "There is no export format {other:?}: use jsonl or csv."
            )))
        }
    };
    let filters = params.filters.on(&state, &ctx);
    let whole = !filters.filtered() && filters.host.is_none() && filters.limited_to.is_none();
    let bytes = match (!whole, params.format.as_str()) {
        (false, "jsonl") => state.history.export_jsonl(Vec::new()).await?,
        (false, _) => state.history.export_csv(Vec::new()).await?,
        (true, "jsonl") => {
            dokku_history::export_records_jsonl(&selected(&state, &filters).await?, Vec::new())?
        }
        (true, _) => {
            dokku_history::export_records_csv(&selected(&state, &filters).await?, Vec::new())?
        }
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
