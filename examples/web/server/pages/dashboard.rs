//! The dashboard: every app with its state, processes, domains and deploy
//! source; counts per state; the host's Dokku version and plugins.

use axum::extract::State;
use axum::Extension;
use maud::{html, Markup};

use super::super::data::{status_class, AppRow, Snapshot};
use super::super::handlers::app_url;
use super::super::{AppState, Ctx, WebError};
use super::{csrf, layout};

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

/// The dashboard's body for a snapshot (the bench renders it directly).
pub fn render(snap: &Snapshot, ctx: &Ctx) -> Markup {
    let counts = snap.counts();
    let caps = &snap.capabilities;
    html! {
        h1 { "Apps " span.muted { (snap.apps.len()) } }
        ul.counts {
            @for (status, n) in &counts {
                li class={ "badge " (status_class(*status)) } { (status.as_str()) " " strong { (n) } }
            }
        }
        @if ctx.session.is_admin() {
            form.inline method="post" action="/apps" {
                (csrf(&ctx.session))
                input type="text" name="name" placeholder="new-app-name" required
                    pattern="[a-z0-9][a-z0-9.\\-]*" aria-label="New app name";
                button type="submit" { "Create app" }
            }
        }
        div.scroll {
            table.apps {
                thead { tr { th { "App" } th { "State" } th { "Processes" } th { "Domains" } th { "Deployed from" } } }
                tbody {
                    @for row in &snap.apps {
                        tr data-app=(row.app) {
                            td { a href=(app_url(row.app.as_str())) { (row.app) } }
                            td { span class={ "badge " (status_class(row.status)) } { (row.status.as_str()) } }
                            td { (processes(row)) }
                            td.domains { @for d in &row.domains { span { (d) } " " } }
                            td { (deploy(row)) }
                        }
                    }
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

/// `GET /`.
pub async fn page(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
) -> Result<Markup, WebError> {
    let snap = state.cache.get(&state.dokku).await?;
    Ok(layout("Apps", &ctx.session, render(&snap, &ctx)))
}
