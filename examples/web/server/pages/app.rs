//! One app: overview, processes (scale, start/stop/restart/rebuild with
//! live output), config (masked; admins reveal one value at a time),
//! domains, TLS, ports, linked databases, live logs, its history, and
//! rename/destroy.
//!
//! The page costs a few Dokku invocations run at once (`ps:scale`,
//! `config:keys`, `logs --num`, `certs:report`, `ports:report`,
//! `letsencrypt:report` and `:list`, one `<plugin>:app-links` per datastore
//! plugin); the rest comes from the cached snapshot.
//! A section whose command fails shows the error instead of failing the
//! whole page.

use axum::extract::{Path, Query, State};
use axum::Extension;
use dokku::model::logs::LogLine;
use dokku_history::{Query as HistoryQuery, Record};
use maud::{html, Markup};

use super::super::data::{status_class, AppRow};
use super::super::handlers::{app_name, app_url, LogParams};
use super::super::{AppState, Ctx, WebError};
use super::dashboard::{deploy, processes};
use super::{csrf, layout, masked, unix_ms, unix_seconds};

fn failed(e: &impl std::fmt::Display) -> Markup {
    html! { p.error { (e) } }
}

fn overview(row: &AppRow) -> Markup {
    html! {
        dl.facts {
            dt { "State" } dd { span class={ "badge " (status_class(row.status)) } { (row.status.as_str()) } }
            dt { "Processes" } dd { (processes(row)) }
            dt { "Deployed from" } dd { (deploy(row)) }
            dt { "Created" } dd { @match row.created_at { Some(t) => (unix_seconds(t)), None => "—" } }
            dt { "Deploy lock" } dd { @if row.locked { "held" } @else { "free" } }
        }
    }
}

fn process_section(
    url: &str,
    ctx: &Ctx,
    formation: &dokku::Result<Vec<dokku::model::ps::Formation>>,
) -> Markup {
    let admin = ctx.session.is_admin();
    html! {
        section #processes {
            h2 { "Processes" }
            @match formation {
                Err(e) => (failed(e)),
                Ok(formation) if formation.is_empty() => p.muted { "No process types yet (deploy first)." },
                Ok(formation) => {
                    form.scale method="post" action={ (url) "/scale" } data-stream="ps-output" {
                        (csrf(&ctx.session))
                        @for f in formation {
                            label {
                                (f.process_type) " "
                                input type="number" min="0" max="100" name=(f.process_type)
                                    value=(f.quantity) disabled[!admin];
                            }
                        }
                        @if admin { button type="submit" { "Scale" } }
                    }
                }
            }
            @if admin {
                div.actions {
                    @for action in ["start", "stop", "restart", "rebuild"] {
                        form method="post" action={ (url) "/ps/" (action) } data-stream="ps-output" {
                            (csrf(&ctx.session))
                            button type="submit" class={ "act-" (action) } { (action) }
                        }
                    }
                }
                pre #ps-output .output hidden {}
            }
        }
    }
}

fn config_section(url: &str, ctx: &Ctx, keys: &dokku::Result<Vec<dokku::ConfigKey>>) -> Markup {
    let admin = ctx.session.is_admin();
    html! {
        section #config {
            h2 { "Config" }
            @match keys {
                Err(e @ dokku::Error::CorruptConfig { app, global, .. }) => {
                    p.error { (e) }
                    (super::corrupt_config_help(app.as_deref(), *global))
                }
                Err(e) => (failed(e)),
                Ok(keys) => {
                    @if keys.is_empty() { p.muted { "No variables." } }
                    div.scroll { table.config { tbody {
                        @for key in keys {
                            tr data-key=(key) {
                                th { code { (key) } }
                                td { code.value { (masked()) } }
                                @if admin {
                                    td.row-actions {
                                        form method="post" action={ (url) "/config/reveal" } data-reveal {
                                            (csrf(&ctx.session))
                                            input type="hidden" name="key" value=(key);
                                            button type="submit" { "Reveal" }
                                        }
                                        form method="post" action={ (url) "/config/unset" } {
                                            (csrf(&ctx.session))
                                            input type="hidden" name="key" value=(key);
                                            button.danger type="submit" { "Unset" }
                                        }
                                    }
                                }
                            }
                        }
                    } } }
                }
            }
            @if admin {
                form.stack #config-set method="post" action={ (url) "/config" } {
                    (csrf(&ctx.session))
                    input type="text" name="key" placeholder="KEY" required aria-label="Key";
                    input type="text" name="value" placeholder="value" aria-label="Value" autocomplete="off";
                    label { input type="checkbox" name="no_restart"; " don't restart" }
                    button type="submit" { "Set" }
                }
                details {
                    summary { "Paste a .env file" }
                    form.stack method="post" action={ (url) "/config/bulk" } {
                        (csrf(&ctx.session))
                        textarea name="env" rows="6" placeholder="KEY=value" aria-label=".env contents" {}
                        label { input type="checkbox" name="no_restart"; " don't restart" }
                        button type="submit" { "Set all" }
                    }
                }
            }
        }
    }
}

fn domains_section(url: &str, ctx: &Ctx, row: &AppRow) -> Markup {
    let admin = ctx.session.is_admin();
    html! {
        section #domains {
            h2 { "Domains" }
            ul.domains {
                @for d in &row.domains {
                    li {
                        code { (d) }
                        @if admin {
                            form.inline method="post" action={ (url) "/domains/remove" } {
                                (csrf(&ctx.session))
                                input type="hidden" name="domain" value=(d);
                                button.danger type="submit" { "Remove" }
                            }
                        }
                    }
                }
            }
            @if admin {
                form.inline method="post" action={ (url) "/domains/add" } {
                    (csrf(&ctx.session))
                    input type="text" name="domain" placeholder="www.example.com" required aria-label="Domain";
                    button type="submit" { "Add domain" }
                }
            }
        }
    }
}

/// One log line as the page (and the script) draws it.
pub fn log_line(line: &LogLine) -> Markup {
    html! {
        div.l {
            span.t { (super::timestamp(line.timestamp)) }
            " "
            span.p {
                @if let Some(p) = &line.process_type { (p) @if let Some(i) = line.index { "." (i) } }
            }
            " "
            span.m { (line.message) }
        }
    }
}

fn logs_section(
    url: &str,
    params: &LogParams,
    formation: &dokku::Result<Vec<dokku::model::ps::Formation>>,
    lines: &dokku::Result<Vec<LogLine>>,
) -> Markup {
    let selected = params.process.clone().unwrap_or_default();
    html! {
        section #logs {
            h2 { "Logs" }
            form.inline.log-controls method="get" action=(url) {
                label { "Last " input #log-n type="number" name="n" min="1" max="1000" value=(params.lines()); " lines" }
                select #log-process name="process" aria-label="Process type" {
                    option value="" selected[selected.is_empty()] { "all processes" }
                    @if let Ok(formation) = formation {
                        @for f in formation {
                            option value=(f.process_type) selected[selected == f.process_type.as_str()] { (f.process_type) }
                        }
                    }
                }
                button type="submit" { "Show" }
                label { input #log-follow type="checkbox" checked; " follow" }
                button #log-pause type="button" { "Pause" }
            }
            @match lines {
                Err(e) => (failed(e)),
                Ok(lines) => {
                    div #log .log data-src={ (url) "/logs" } {
                        @for line in lines { (log_line(line)) }
                    }
                }
            }
        }
    }
}

/// The app's recent history records.
pub fn history_rows(records: &[Record]) -> Markup {
    html! {
        div.scroll { table.history {
            thead { tr { th { "When" } th { "Who" } th { "Command" } th { "Outcome" } th { "ms" } } }
            tbody {
                @for r in records {
                    tr {
                        td { (unix_ms(r.entry.started_at)) }
                        td { (r.entry.actor) " " span.muted { (r.entry.source.as_str()) } }
                        td { code { (r.entry.argv.join(" ")) } }
                        td { span class={ "outcome o-" (r.entry.outcome.as_str()) } { (r.entry.outcome.as_str()) } }
                        td.num { (r.entry.duration_ms()) }
                    }
                }
            }
        } }
    }
}

fn danger_section(url: &str, ctx: &Ctx, name: &str) -> Markup {
    html! {
        section #danger {
            h2 { "Rename or destroy" }
            form.inline method="post" action={ (url) "/rename" } {
                (csrf(&ctx.session))
                input type="text" name="new_name" placeholder="new name" required aria-label="New name";
                button type="submit" { "Rename" }
            }
            form.inline.destroy method="post" action={ (url) "/destroy" } data-name=(name) {
                (csrf(&ctx.session))
                label { "Type " code { (name) } " to destroy it: "
                    input #destroy-confirm type="text" name="confirm" autocomplete="off" required;
                }
                button.danger #destroy type="submit" { "Destroy" }
            }
        }
    }
}

/// `GET /apps/{app}`.
pub async fn page(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(name): Path<String>,
    Query(params): Query<LogParams>,
) -> Result<Markup, WebError> {
    let app = app_name(&name)?;
    let snap = state.cache.get(&state.dokku).await?;
    let row = snap
        .app(app.as_str())
        .ok_or_else(|| WebError::NotFound(format!("app {app}")))?;
    let mut logs = state.dokku.logs().app(&app).num(params.lines());
    if let Some(process) = params.process_type()? {
        logs = logs.process(process);
    }
    let mut history = HistoryQuery::default();
    history.app = Some(app.to_string());
    history.limit = Some(20);
    let (formation, keys, lines, records, services, network) = tokio::join!(
        state.dokku.ps().scale_report(&app),
        state.dokku.config().keys(&app),
        logs.fetch(),
        state.history.query(history),
        super::databases::app_links(&state.dokku, &snap.capabilities, &app),
        super::network::fetch(&state.dokku, &snap.capabilities, &app),
    );
    let url = app_url(app.as_str());
    let body = html! {
        h1 { (app) }
        nav.sections {
            a href="#processes" { "Processes" } a href="#config" { "Config" } a href="#domains" { "Domains" }
            a href="#tls" { "TLS" } a href="#ports" { "Ports" }
            a href="#databases" { "Databases" } a href="#logs" { "Logs" } a href="#history" { "History" }
        }
        (overview(row))
        (process_section(&url, &ctx, &formation))
        (config_section(&url, &ctx, &keys))
        (domains_section(&url, &ctx, row))
        (super::network::tls_section(&url, &ctx, &network))
        (super::network::ports_section(&url, &ctx, &network))
        (super::databases::app_section(&services))
        (logs_section(&url, &params, &formation, &lines))
        section #history {
            h2 { "History" }
            @match records {
                Ok(page) => (history_rows(&page.records)),
                Err(e) => (failed(&e)),
            }
            p { a href={ "/history?app=" (urlencode(app.as_str())) } { "All of this app's history" } }
        }
        @if ctx.session.is_admin() { (danger_section(&url, &ctx, app.as_str())) }
    };
    Ok(layout(app.as_str(), &ctx.session, body))
}

/// Percent-encode a query value.
pub fn urlencode(value: &str) -> String {
    serde_urlencoded::to_string([("", value)])
        .map(|s| s.trim_start_matches('=').to_owned())
        .unwrap_or_default()
}
