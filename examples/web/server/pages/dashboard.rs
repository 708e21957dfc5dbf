//! The dashboard: every app with its state, processes, domains and deploy
//! source; counts per state; the host's Dokku version and plugins.

use axum::extract::{Query, State};
use axum::Extension;
use maud::{html, Markup};
use serde::Deserialize;

use super::super::data::{status_class, AppRow, AppStatus, Snapshot};
use super::super::handlers::app_url;
use super::super::{AppState, Ctx, WebError};
use super::{form_head, layout};

/// `web 2/2 · worker 1/1`.
pub fn processes(row: &AppRow) -> Markup {
    html! {
        @if row.processes.is_empty() { span.muted { "—" } }
        @for (kind, count) in &row.processes {
            span class=(if count.running < count.total { "proc short" } else { "proc" }) {
                (kind) " " (count.running) "/" (count.total)
            }
        }
    }
}

/// The deploy source with a short sha or the image.
pub fn deploy(row: &AppRow) -> Markup {
    html! {
        @match (&row.deploy_source, &row.deploy_source_metadata) {
            (Some(source), Some(detail)) if source == "git" => {
                (source) " " code { (detail.get(..7).unwrap_or(detail)) }
            }
            (Some(source), Some(detail)) => { (source) " " code { (detail) } }
            (Some(source), None) => { (source) }
            (None, _) => { span.muted { "—" } }
        }
    }
}

/// `?q=…&state=crashed&page=2`: the dashboard's search, state filter and
/// page.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct AppFilter {
    /// Part of the name or of a domain.
    pub q: Option<String>,
    /// One state (`crashed`, `never-deployed` …).
    pub state: Option<String>,
    /// The page, from 1.
    pub page: Option<usize>,
}

/// Apps per page: a host with 500 apps stays quick to load and to read.
pub const PAGE_SIZE: usize = 50;

/// The order a person needs: what is broken first (crashed, then mixed,
/// locked, stopped), then by name.
fn urgency(status: AppStatus) -> u8 {
    match status {
        AppStatus::Crashed => 0,
        AppStatus::Mixed => 1,
        AppStatus::Locked => 2,
        AppStatus::Stopped => 3,
        AppStatus::Running => 4,
        _ => 5,
    }
}

/// A state's word in a URL (`never-deployed`).
pub fn state_slug(status: AppStatus) -> String {
    status.as_str().replace(' ', "-")
}

impl AppFilter {
    fn query(&self) -> String {
        self.q
            .as_deref()
            .map(str::trim)
            .unwrap_or_default()
            .to_lowercase()
    }

    fn status(&self) -> Option<AppStatus> {
        let wanted = self.state.as_deref().filter(|s| !s.is_empty())?;
        AppStatus::ALL
            .into_iter()
            .find(|s| state_slug(*s) == wanted)
    }

    /// The apps that match, most urgent first, and how many matched.
    pub fn apply<'a>(&self, apps: &'a [AppRow]) -> (Vec<&'a AppRow>, usize) {
        let q = self.query();
        let status = self.status();
        let mut rows: Vec<&AppRow> = apps
            .iter()
            .filter(|a| status.map_or(true, |s| a.status == s))
            .filter(|a| {
                q.is_empty()
                    || a.app.as_str().contains(&q)
                    || a.domains.iter().any(|d| d.contains(&q))
            })
            .collect();
        rows.sort_by(|a, b| {
            urgency(a.status)
                .cmp(&urgency(b.status))
                .then_with(|| a.app.cmp(&b.app))
        });
        let total = rows.len();
        let pages = total.div_ceil(PAGE_SIZE).max(1);
        let page = self.page.unwrap_or(1).clamp(1, pages);
        let rows = rows
            .into_iter()
            .skip((page - 1) * PAGE_SIZE)
            .take(PAGE_SIZE)
            .collect();
        (rows, total)
    }

    /// This filter's link to another page.
    fn link(&self, page: usize) -> String {
        let mut pairs: Vec<(&str, String)> = Vec::new();
        if !self.query().is_empty() {
            pairs.push(("q", self.query()));
        }
        if let Some(status) = self.status() {
            pairs.push(("state", state_slug(status)));
        }
        if page > 1 {
            pairs.push(("page", page.to_string()));
        }
        match serde_urlencoded::to_string(&pairs) {
            Ok(q) if !q.is_empty() => format!("/?{q}"),
            _ => "/".to_owned(),
        }
    }

    /// The same filter on another state (`None`: all).
    fn with_state(&self, status: Option<AppStatus>) -> String {
        Self {
            state: status.map(state_slug),
            page: None,
            ..self.clone()
        }
        .link(1)
    }
}

/// An app's name as a link, cut with an ellipsis when long (the full name
/// is its title).
pub fn app_link(app: &dokku::AppName) -> Markup {
    html! {
        a.app-name href=(app_url(app.as_str())) title=(app) { (app) }
    }
}

/// The dashboard's body for a snapshot (the bench renders it directly).
pub fn render(snap: &Snapshot, ctx: &Ctx, filter: &AppFilter) -> Markup {
    let counts = snap.counts();
    let caps = &snap.capabilities;
    let (rows, total) = filter.apply(&snap.apps);
    let pages = total.div_ceil(PAGE_SIZE).max(1);
    let page = filter.page.unwrap_or(1).clamp(1, pages);
    let current = filter.status();
    html! {
        h1 { "Apps " span.muted { (snap.apps.len()) } }
        ul.counts aria-label="Filter by state" {
            li { a.badge.all href=(filter.with_state(None)) aria-current=[current.is_none().then_some("true")] { "all " strong { (snap.apps.len()) } } }
            @for (status, n) in &counts {
                li {
                    a class={ "badge " (status_class(*status)) }
                        href=(filter.with_state(Some(*status)))
                        aria-current=[(current == Some(*status)).then_some("true")] {
                        (status.as_str()) " " strong { (n) }
                    }
                }
            }
        }
        div.toolbar {
            form.inline.search #app-search method="get" action="/" role="search" {
                @if let Some(status) = current { input type="hidden" name="state" value=(state_slug(status)); }
                input type="search" name="q" value=(filter.query()) placeholder="Find an app or domain" aria-label="Find an app or domain";
                button.secondary type="submit" { "Find" }
            }
            @if ctx.session.is_admin() {
                form.inline #app-create method="post" action="/apps" {
                    (form_head(&ctx.session, "app-create"))
                    input type="text" name="name" placeholder="new-app-name" required
                        maxlength=(dokku::name::APP_NAME_MAX)
                        pattern=(NEW_APP_PATTERN)
                        title="Lower-case letters, digits, '-' and '.'; at most 63 between dots"
                        aria-label="New app name";
                    button type="submit" { "Create app" }
                }
            }
        }
        @if rows.is_empty() {
            div.empty {
                @if snap.apps.is_empty() { p { "No apps yet." } @if ctx.session.is_admin() { p { "Create one above, then push code to it with git." } } }
                @else { p { "No app matches." } p { a href="/" { "Show all apps" } } }
            }
        } @else {
            div.scroll {
                table.apps {
                    thead { tr { th { "App" } th { "State" } th { "Processes" } th { "Domains" } th { "Deployed from" } } }
                    tbody {
                        @for row in &rows {
                            tr data-app=(row.app) {
                                td.name { (app_link(&row.app)) }
                                td { span class={ "badge " (status_class(row.status)) } { (row.status.as_str()) } }
                                td { (processes(row)) }
                                td.domains { @for d in &row.domains { span title=(d) { (d) } " " } }
                                td { (deploy(row)) }
                            }
                        }
                    }
                }
            }
            @if pages > 1 {
                nav.pager aria-label="Pages" {
                    @if page > 1 { a rel="prev" href=(filter.link(page - 1)) { "← Previous" } }
                    span { "Page " (page) " of " (pages) " · " (total) " apps" }
                    @if page < pages { a rel="next" href=(filter.link(page + 1)) { "Next →" } }
                }
            }
        }
        footer.host {
            p { "Dokku " (caps.version) " · fetched in " (snap.took.as_millis()) " ms" }
            details {
                summary { (caps.plugins.len()) " plugins" }
                ul.plugins {
                    @for p in &caps.plugins {
                        li { (p.name.as_str()) " " span.muted { (p.version) } @if !p.enabled { " (disabled)" } }
                    }
                }
            }
        }
    }
}

/// What the browser checks before a new name is sent (the server checks
/// the library's rule again): Dokku's rule with DNS label lengths.
pub const NEW_APP_PATTERN: &str = "[a-z0-9][a-z0-9\\-]{0,62}(\\.[a-z0-9\\-]{1,63})*";

/// `GET /`.
pub async fn page(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Query(filter): Query<AppFilter>,
) -> Result<Markup, WebError> {
    let snap = state.cache.get(&state.dokku).await?;
    Ok(layout("Apps", &ctx, render(&snap, &ctx, &filter)))
}
