//! One app: overview, processes (scale, start/stop/restart/rebuild with
//! live output), one-off containers (see [`super::one_off`]), deploys (from
//! an image or a git repository, the releases, a rollback: see
//! [`super::deploys`]), config (masked; admins reveal one value at a time),
//! domains, TLS, ports, its settings (resources, storage, checks, cron,
//! build, docker options, network), linked databases, live logs, its
//! history, and rename/destroy.
//!
//! The page costs a few Dokku invocations run at once (`url`, `ps:scale`,
//! `run:list` for deployers, `config:keys`, `logs --num`, `certs:report`,
//! `ports:report`, `letsencrypt:report` and `:list`, one
//! `<plugin>:app-links` per datastore plugin and then one
//! `<plugin>:backup-schedule-cat` per linked service, and one per settings panel:
//! see [`super::settings`]); the rest comes from the dashboard's kept row
//! (read afresh when a mutation changed the app).
//! A section whose command fails says so in words (Dokku's own shown as
//! Dokku's) instead of failing the whole page.
//!
//! Actions that interrupt the app (stop, rebuild, restart, unset, removing
//! a domain or port, unlinking) carry `data-confirm`: the page script asks
//! first, naming the app and what will happen.

use axum::extract::{Path, Query, State};
use axum::Extension;
use dokku::model::logs::LogLine;
use dokku::model::ps::{ContainerState, PsReport};
use dokku_history::{Outcome, Query as HistoryQuery, Record};
use maud::{html, Markup};

use super::super::auth::Role;
use super::super::data::{status_class, AppRow, AppStatus};
use super::super::handlers::{app_name, app_url, line_key, recent_logs, LogParams, MAX_SCALE};
use super::super::problem::dokku_failure;
use super::super::{AppState, Ctx, WebError};
use super::dashboard::{deploy, processes, NEW_APP_PATTERN};
use super::{form_head, layout, lock_note, log_time, masked, problem_box, unix_ms, unix_seconds};

/// A section's data could not be read: the sentence, and Dokku's words.
pub fn card_error(what: &str, e: &dokku::Error) -> Markup {
    let failure = dokku_failure(e, Some(what));
    html! { div.card-state.card-error { (problem_box(&failure.message, failure.dokku.as_deref())) } }
}

/// A section with nothing to show, and what to do about it.
pub fn card_empty(text: &str, hint: Option<&str>) -> Markup {
    html! {
        div.card-state.empty {
            p { (text) }
            @if let Some(hint) = hint { p.muted { (hint) } }
        }
    }
}

/// The app's main URL as a link: only an `http(s)` one, opened in a new tab
/// that cannot reach back to the dashboard.
fn url_link(url: &dokku::Result<Option<String>>) -> Markup {
    html! {
        @match url {
            Ok(Some(url)) if url.starts_with("http://") || url.starts_with("https://") => {
                a.long href=(url) target="_blank" rel="noopener noreferrer" { (url) }
            }
            Ok(Some(url)) => code.long { (url) },
            Ok(None) => span.muted { "none" },
            Err(e) => span.muted title=(dokku_failure(e, Some("read the app's URL")).message) { "could not be read" },
        }
    }
}

fn overview(
    url: &str,
    ctx: &Ctx,
    row: &AppRow,
    main_url: &dokku::Result<Option<String>>,
) -> Markup {
    html! {
        dl.facts #overview data-refresh {
            dt { "State" } dd { span class={ "badge " (status_class(row.status)) } { (row.status.as_str()) } }
            dt { "URL" } dd #app-url { (url_link(main_url)) }
            dt { "Processes" } dd { (processes(row)) }
            dt { "Deployed from" } dd { (deploy(row)) }
            dt { "Created" } dd { @match row.created_at { Some(t) => (unix_seconds(t)), None => "—" } }
            dt { "Deploy lock" } dd {
                @if row.locked { "held" } @else { "free" }
                @if ctx.can(Role::Deployer) { (lock_button(url, ctx, row)) }
            }
        }
    }
}

/// Take or release the deploy lock, after saying what it does: Dokku 0.38
/// builds a locked app anyway (its builds `flock` the file, which
/// `apps:lock` only creates) and the build removes the lock.
fn lock_button(url: &str, ctx: &Ctx, row: &AppRow) -> Markup {
    let app = row.app.as_str();
    let (verb, label, consequence) = match row.locked {
        true => (
            "unlock",
            "Unlock",
            format!(
                "The lock file is removed: {app} shows unlocked, and the dashboard, the CLI and \
                 the API deploy it without asking. A build already running goes on."
            ),
        ),
        false => (
            "lock",
            "Lock",
            format!(
                "{app} shows locked: the dashboard asks before deploying it, and the CLI and the \
                 API refuse to unless told to ignore the lock. Dokku itself still builds it when \
                 asked, and the build removes the lock."
            ),
        ),
    };
    let id = format!("lock-{verb}");
    html! {
        form.inline #(id) method="post" action={ (url) "/lock/" (verb) }
            data-confirm={ (label) " " (app) "?" } data-consequence=(consequence) data-ok=(label) {
            (form_head(&ctx.session, &id))
            button.secondary.small type="submit" { (label) }
        }
    }
}

/// A process action's button: its label, what the confirmation says (none
/// for start; a rebuild's says the app is locked), and whether it is the
/// page's main action in the app's state.
fn ps_button(action: &str, app: &str, row: &AppRow) -> (String, Option<String>, bool) {
    let label = match action {
        "start" => "Start",
        "stop" => "Stop",
        "restart" => "Restart",
        _ => "Rebuild",
    }
    .to_owned();
    let consequence = match action {
        "stop" => Some(format!(
            "Every container of {app} stops: it serves nothing until it is started again."
        )),
        "restart" => Some(format!(
            "Every container of {app} restarts: requests may fail while they come back."
        )),
        "rebuild" => Some(format!(
            "{app} is built again from its last source and redeployed: this takes a while, \
             and a failed build leaves the running containers as they are.{}",
            lock_note(row.locked)
        )),
        _ => None,
    };
    // A crash-looping app runs containers too: restarting it is the try.
    let up = matches!(
        row.status,
        AppStatus::Running | AppStatus::Mixed | AppStatus::Crashed
    );
    let primary = match action {
        "start" => !up,
        "restart" => up,
        _ => false,
    };
    (label, consequence, primary)
}

/// The app's containers as `ps:report` gives them now: each one's Docker
/// state (a crashed one red, with a link to its process type's logs for
/// whoever may read logs) and id.
fn containers(ctx: &Ctx, app: &str, ps: &dokku::Result<PsReport>) -> Markup {
    let logs = ctx.can(Role::Deployer);
    html! {
        div #containers data-refresh {
            @match ps {
                Err(e) => (card_error(&format!("read the containers of {app}"), e)),
                Ok(report) if report.containers.is_empty() => {},
                Ok(report) => ul.containers aria-label="Containers" {
                    @for c in &report.containers {
                        li {
                            code { (c.process_type) "." (c.index) } " "
                            span.badge.(container_class(&c.state)) { (c.state) }
                            @if let Some(id) = &c.container_id { " " code.muted title="Container id" { (id) } }
                            @if logs && c.state.is_crashed() {
                                " " a href={ "?process=" (urlencode(c.process_type.as_str())) "#logs" } { "its logs" }
                            }
                        }
                    }
                },
            }
        }
    }
}

/// A container's Docker state, coloured as an app's: crashed (restarting,
/// dead, missing), running, stopped (exited, created, paused) or unknown.
fn container_class(state: &ContainerState) -> &'static str {
    match state {
        s if s.is_crashed() => "s-crashed",
        ContainerState::Running => "s-running",
        ContainerState::Exited | ContainerState::Created | ContainerState::Paused => "s-stopped",
        _ => "s-unknown",
    }
}

fn process_section(
    url: &str,
    ctx: &Ctx,
    row: &AppRow,
    formation: &dokku::Result<Vec<dokku::model::ps::Formation>>,
    ps: &dokku::Result<PsReport>,
) -> Markup {
    // Process actions and scaling are a deployer's.
    let admin = ctx.can(Role::Deployer);
    let app = row.app.as_str();
    html! {
        section #processes {
            h2 { "Processes" }
            div #process-controls data-refresh {
                @match formation {
                    Err(e) => (card_error(&format!("read the processes of {app}"), e)),
                    Ok(formation) if formation.is_empty() => (card_empty(
                        "No process types yet.",
                        Some("They appear after the first deploy (git push)."),
                    )),
                    Ok(formation) if !admin => {
                        ul.formation {
                            @for f in formation {
                                li { strong { (f.process_type) } " " (f.quantity) " wanted" }
                            }
                        }
                    }
                    Ok(formation) => {
                        form.scale #scale method="post" action={ (url) "/scale" } data-stream="ps-output" {
                            (form_head(&ctx.session, "scale"))
                            @for f in formation {
                                label {
                                    (f.process_type) " "
                                    input type="number" min="0" max=(MAX_SCALE) step="1" inputmode="numeric"
                                        name=(f.process_type) value=(f.quantity) required;
                                }
                            }
                            button.secondary type="submit" { "Scale" }
                        }
                    }
                }
                @if admin {
                    div.actions {
                        @for action in ["start", "restart", "stop", "rebuild"] {
                            @let (label, consequence, primary) = ps_button(action, app, row);
                            @let id = format!("ps-{action}");
                            form #(id) method="post" action={ (url) "/ps/" (action) } data-stream="ps-output"
                                data-confirm=[consequence.as_ref().map(|_| format!("{label} {app}?"))]
                                data-consequence=[consequence.as_deref()]
                                data-ok=(label) {
                                (form_head(&ctx.session, &id))
                                button type="submit"
                                    class=(if primary { "primary" } else if consequence.is_some() && action != "restart" { "danger" } else { "secondary" }) {
                                    (label)
                                }
                            }
                        }
                    }
                }
            }
            (containers(ctx, app, ps))
            @if admin {
                p #ps-outcome .outcome role="status" hidden {}
                pre #ps-output .output hidden {}
            }
        }
    }
}

fn config_section(
    url: &str,
    ctx: &Ctx,
    app: &str,
    keys: &dokku::Result<Vec<dokku::ConfigKey>>,
) -> Markup {
    let admin = ctx.can(Role::Admin);
    html! {
        section #config {
            h2 { "Config" }
            @match keys {
                Err(e @ dokku::Error::CorruptConfig { app, global, .. }) => {
                    (card_error("read the config", e))
                    (super::corrupt_config_help(app.as_deref(), *global))
                }
                Err(e) => (card_error(&format!("read the config of {app}"), e)),
                Ok(keys) => {
                    @if keys.is_empty() { (card_empty("No variables yet.", admin.then_some("Set one below, or paste a .env file."))) }
                    @else {
                        table.config.cards {
                            tbody {
                                @for key in keys {
                                    @let unset = format!("unset-{key}");
                                    tr data-key=(key) {
                                        th { code { (key) } }
                                        td.value-cell { code.value { (masked()) } }
                                        @if admin {
                                            td.row-actions {
                                                form method="post" action={ (url) "/config/reveal" } data-reveal {
                                                    (form_head(&ctx.session, &format!("reveal-{key}")))
                                                    input type="hidden" name="key" value=(key);
                                                    button.secondary type="submit" { "Reveal" }
                                                }
                                                form #(unset) method="post" action={ (url) "/config/unset" }
                                                    data-confirm={ "Unset " (key) " on " (app) "?" }
                                                    data-consequence={ (app) " restarts without " (key) "; its processes may fail if they need it." }
                                                    data-ok="Unset" {
                                                    (form_head(&ctx.session, &unset))
                                                    input type="hidden" name="key" value=(key);
                                                    button.danger type="submit" { "Unset" }
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            @if admin {
                form.stack #config-set method="post" action={ (url) "/config" } {
                    (form_head(&ctx.session, "config-set"))
                    input type="text" name="key" placeholder="KEY" required aria-label="Key"
                        pattern="[A-Za-z_][A-Za-z0-9_]*" title="Letters, digits and '_', not starting with a digit";
                    textarea name="value" rows="1" placeholder="value (several lines, like a PEM key, are kept)" aria-label="Value" autocomplete="off" spellcheck="false" {}
                    label { input type="checkbox" name="no_restart"; " don't restart" }
                    button type="submit" { "Set" }
                }
                details {
                    summary { "Paste a .env file" }
                    form.stack #config-bulk method="post" action={ (url) "/config/bulk" } {
                        (form_head(&ctx.session, "config-bulk"))
                        textarea name="env" rows="6" placeholder="KEY=value" aria-label=".env contents" spellcheck="false" {}
                        label { input type="checkbox" name="no_restart"; " don't restart" }
                        button type="submit" { "Set all" }
                    }
                }
            }
        }
    }
}

fn domains_section(url: &str, ctx: &Ctx, row: &AppRow) -> Markup {
    let admin = ctx.can(Role::Admin);
    let app = row.app.as_str();
    html! {
        section #domains {
            h2 { "Domains" }
            @if row.domains.is_empty() { (card_empty("No domains: the app is not reachable by name.", admin.then_some("Add one below."))) }
            ul.domains {
                @for (i, d) in row.domains.iter().enumerate() {
                    @let id = format!("domain-remove-{i}");
                    li {
                        code.long { (d) }
                        @if admin {
                            form.inline #(id) method="post" action={ (url) "/domains/remove" }
                                data-confirm={ "Remove " (d) " from " (app) "?" }
                                data-consequence={ "Requests to " (d) " stop reaching " (app) " once the proxy is rebuilt." }
                                data-ok="Remove" {
                                (form_head(&ctx.session, &id))
                                input type="hidden" name="domain" value=(d);
                                button.danger type="submit" { "Remove" }
                            }
                        }
                    }
                }
            }
            @if admin {
                form.inline #domain-add method="post" action={ (url) "/domains/add" } {
                    (form_head(&ctx.session, "domain-add"))
                    input type="text" name="domain" placeholder="www.example.com" required aria-label="Domain";
                    button.secondary type="submit" { "Add domain" }
                }
            }
        }
    }
}

/// One log line as the page (and the script) draws it.
pub fn log_line(line: &LogLine) -> Markup {
    html! {
        div.l data-k=(line_key(line)) {
            span.t { (line.timestamp.map(log_time).unwrap_or_default()) }
            " "
            span.p {
                @if let Some(container) = line.container() { (container) }
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
    lines: &Option<Result<Vec<LogLine>, WebError>>,
) -> Markup {
    let lines = match lines {
        None => {
            return html! {
                section #logs {
                    h2 { "Logs" }
                    p.muted { "Logs are shown to deployers and admins of this app." }
                }
            }
        }
        // No controls for logs that cannot be read (an app never deployed).
        Some(Err(e)) => return html! { section #logs { h2 { "Logs" } (card_error_web(e)) } },
        Some(Ok(lines)) => lines,
    };
    let selected = params.process.clone().unwrap_or_default();
    let download = {
        let mut pairs = vec![("n", params.lines().to_string())];
        if !selected.is_empty() {
            pairs.push(("process", selected.clone()));
        }
        format!(
            "{url}/logs/download?{}",
            serde_urlencoded::to_string(&pairs).unwrap_or_default()
        )
    };
    html! {
        section #logs {
            h2 { "Logs " span.muted.small { "times in UTC, oldest first" } }
            form.inline.log-controls method="get" action={ (url) "#logs" } {
                label { "Last " input #log-n type="number" name="n" min="1" max="1000" value=(params.lines()); " lines" }
                select #log-process name="process" aria-label="Process type" {
                    option value="" selected[selected.is_empty()] { "all processes" }
                    @if let Ok(formation) = formation {
                        @for f in formation {
                            option value=(f.process_type) selected[selected == f.process_type.as_str()] { (f.process_type) }
                        }
                    }
                }
                button.secondary #log-show type="submit" { "Show" }
                input #log-search type="search" placeholder="Find in these lines" aria-label="Find in the log";
                label { input #log-follow type="checkbox" checked; " follow" }
                label { input #log-wrap type="checkbox" checked; " wrap" }
                button.secondary #log-pause type="button" { "Pause" }
                a.button.secondary #log-download href=(download) download { "Download" }
            }
            @if lines.is_empty() { p.muted #log-empty { "No log lines yet." } }
            div #log .log.wrap data-src={ (url) "/logs" } data-since=(lines.last().map(line_key).unwrap_or_default()) {
                @for line in lines { (log_line(line)) }
            }
            p #log-status .muted role="status" {}
        }
    }
}

pub fn card_error_web(e: &WebError) -> Markup {
    let failure = e.failure();
    html! { div.card-state.card-error { (problem_box(&failure.message, failure.dokku.as_deref())) } }
}

/// An outcome as people say it (`transport error`, not `transport_error`).
pub fn outcome_label(outcome: Outcome) -> String {
    outcome.to_string().replace('_', " ")
}

/// The app's recent history records.
pub fn history_rows(records: &[Record]) -> Markup {
    html! {
        table.history.cards {
            thead { tr { th { "When" } th { "Who" } th { "Command" } th { "Outcome" } th.num { "Took" } } }
            tbody {
                @for r in records {
                    tr {
                        td.when { (unix_ms(r.entry.started_at)) }
                        td { (r.entry.actor) " " span.muted { (r.entry.source.as_str()) } }
                        td.command { code { (r.entry.argv.join(" ")) } }
                        td { span class={ "outcome o-" (r.entry.outcome.as_str()) } { (outcome_label(r.entry.outcome)) } }
                        td.num { (r.entry.duration_ms()) " ms" }
                    }
                }
            }
        }
    }
}

fn danger_section(url: &str, ctx: &Ctx, name: &str) -> Markup {
    html! {
        section #danger {
            h2 { "Rename or destroy" }
            form.inline #rename method="post" action={ (url) "/rename" } {
                (form_head(&ctx.session, "rename"))
                input type="text" name="new_name" placeholder="new name" required aria-label="New name"
                    maxlength=(dokku::name::APP_NAME_MAX) pattern=(NEW_APP_PATTERN)
                    title="Lower-case letters, digits, '-' and '.'; at most 63 between dots";
                button.secondary type="submit" { "Rename" }
            }
            form.inline.destroy #destroy-form method="post" action={ (url) "/destroy" } data-name=(name) {
                (form_head(&ctx.session, "destroy-form"))
                label { "Type " code.long { (name) } " to destroy it and everything it holds: "
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
    state.store.mark_viewed(&app);
    // The kept row, unless a mutation changed the app or it was never read:
    // then its own per-app reports, now.
    let row = match state.store.fresh_row(&app) {
        Some(row) => row,
        None => match state.store.fetch_app(&state.dokku, &app).await {
            Ok(row) => row,
            Err(dokku::Error::AppNotFound { .. }) => {
                return Err(WebError::NotFound(format!("app called {app}")))
            }
            Err(e) => return Err(e.into()),
        },
    };
    let row = row.as_ref();
    let caps = state.dokku.capabilities().await?;
    let mut history = HistoryQuery::default();
    history.app = Some(app.to_string());
    history.limit = Some(20);
    let (
        main_url,
        (formation, ps),
        one_off,
        keys,
        lines,
        records,
        services,
        network,
        settings,
        deploys,
    ) = tokio::join!(
        state.dokku.apps().url(&app),
        async {
            tokio::join!(
                state.dokku.ps().scale_report(&app),
                state.dokku.ps().report(&app)
            )
        },
        super::one_off::fetch(&state.dokku, &ctx, &app),
        state.dokku.config().keys(&app),
        // Logs are a deployer's (they may hold anything an app prints).
        async {
            match ctx.can(Role::Deployer) {
                true => Some(recent_logs(&state, &app, &params).await),
                false => None,
            }
        },
        state.history.query(history),
        super::databases::app_links(&state.dokku, &caps, &app),
        super::network::fetch(&state.dokku, &caps, &app),
        super::settings::fetch(&state.dokku, &app),
        super::deploys::fetch(&state, &caps, &app),
    );
    let url = ctx.at(&app_url(app.as_str()));
    let body = html! {
        h1.app-title title=(app) { (app) }
        nav.sections {
            a href="#processes" { "Processes" } a href="#one-off" { "One-off" } a href="#deploys" { "Deploys" } a href="#config" { "Config" } a href="#domains" { "Domains" }
            a href="#tls" { "TLS" } a href="#ports" { "Ports" }
            @for (id, title) in super::settings::SECTIONS { a href={ "#" (id) } { (title) } }
            a href="#databases" { "Databases" } a href="#logs" { "Logs" } a href="#history" { "History" }
        }
        (overview(&url, &ctx, row, &main_url))
        (process_section(&url, &ctx, row, &formation, &ps))
        (super::one_off::section(&url, &ctx, app.as_str(), &one_off))
        (super::deploys::section(&url, &ctx, row, &deploys))
        (config_section(&url, &ctx, app.as_str(), &keys))
        (domains_section(&url, &ctx, row))
        (super::network::tls_section(&url, &ctx, &network))
        (super::network::ports_section(&url, &ctx, app.as_str(), &network))
        (super::settings::sections(&url, &ctx, app.as_str(), &settings))
        (super::databases::app_section(&ctx.base, &services))
        (logs_section(&url, &params, &formation, &lines))
        section #history data-refresh {
            h2 { "History" }
            @match records {
                Ok(page) if page.records.is_empty() => (card_empty("Nothing recorded for this app yet.", None)),
                Ok(page) => (history_rows(&page.records)),
                Err(e) => (card_error_web(&WebError::History(e))),
            }
            p { a href={ (ctx.at("/history")) "?app=" (urlencode(app.as_str())) } { "All of this app's history" } }
        }
        @if ctx.can(Role::Admin) { (danger_section(&url, &ctx, app.as_str())) }
    };
    Ok(layout(app.as_str(), &ctx, body))
}

/// Percent-encode a query value.
pub fn urlencode(value: &str) -> String {
    serde_urlencoded::to_string([("", value)])
        .map(|s| s.trim_start_matches('=').to_owned())
        .unwrap_or_default()
}
