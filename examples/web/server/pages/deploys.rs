//! An app's deploys: deploy from an image or a git repository with the
//! build output live, the releases the history recorded (who, what, when,
//! how it ended, Dokku's build), and a rollback shown as a plan that needs
//! confirmation.
//!
//! The releases and the rollback plan come from the audit trail
//! (`dokku_history::releases`), read alongside the page's other sections;
//! On a host that records builds (0.38+) a deployer also sees Dokku's
//! newest build of the app, whoever started it (one `builds:report <app>`,
//! read with the rest of the page), linked to its output and to every
//! build ([`super::builds`]); `cli releases` joins the records to the
//! releases.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use dokku::api::builds::BUILDS;
use dokku::api::deploy::DeploySpec;
use dokku::model::apps::AppReport;
use dokku::model::builds::{BuildStatus, BuildsReport};
use dokku::model::deploy::{DeployEvent, DeployOutcome};
use dokku::model::overview::AppOverview;
use dokku::{AppName, Capabilities};
use dokku_history::releases::{plan_rollback, Release, RollbackPlan};
use dokku_history::HistoryError;
use futures_util::StreamExt;
use maud::{html, Markup};
use serde::Deserialize;

use super::super::auth::Role;
use super::super::handlers::{app_name, app_url, event, json_lines};
use super::super::{doing, AppState, Ctx, WebError};
use super::app::{card_empty, card_error, card_error_web};
use super::{form_head, lock_note, unix_ms};

/// How many releases the page lists.
const SHOWN: usize = 10;

/// What the section shows: the releases, and the rollback plan or why
/// there is none.
pub struct Deploys {
    releases: Result<Vec<Release>, WebError>,
    /// Dokku's newest build of the app (none yet: `Ok(None)`), on a host
    /// that records builds (0.38+); `None` when not read.
    last_build: Option<dokku::Result<Option<BuildsReport>>>,
}

/// Read the app's releases from the history, and on a host that records
/// builds Dokku's newest one (`builds:report <app>`).
pub async fn fetch(state: &AppState, caps: &Capabilities, app: &AppName) -> Deploys {
    let last_build = async {
        match caps.version >= BUILDS {
            true => Some(state.dokku.builds().last(app).await),
            false => None,
        }
    };
    let releases = state
        .history
        .releases(app, Some(&state.options.host_label), 200);
    let (releases, last_build) = tokio::join!(releases, last_build);
    Deploys {
        releases: releases.map_err(WebError::History),
        last_build,
    }
}

/// The section on the app page.
pub fn section(url: &str, ctx: &Ctx, row: &AppOverview, deploys: &Deploys) -> Markup {
    // Deploying and rolling back are a deployer's.
    let admin = ctx.can(Role::Deployer);
    let app = &row.app;
    let locked = lock_note(row.locked);
    html! {
        section #deploys {
            h2 { "Deploys" }
            @if admin {
                form #deploy.inline method="post" action={ (url) "/deploy" } data-stream="deploy-output" data-outcome="deploy-outcome"
                    data-confirm={ "Deploy " (app) "?" }
                    data-consequence={ (app) " is built from the source given and redeployed; a failed build leaves the running containers as they are." (locked) }
                    data-ok="Deploy" {
                    (form_head(&ctx.session, "deploy"))
                    label { "Image " input type="text" name="image" placeholder="nginx:1.27" autocomplete="off"; }
                    span.muted { "or" }
                    label { "Git repository " input type="url" name="repo" placeholder="https://github.com/acme/api.git" autocomplete="off"; }
                    label { "Ref " input type="text" name="reference" placeholder="main or a commit" autocomplete="off"; }
                    button type="submit" { "Deploy" }
                }
                p #deploy-outcome .outcome role="status" hidden {}
                pre #deploy-output.output hidden {}
                // Any running build of the app, started here or elsewhere
                // (Dokku's builds:cancel; nothing when none runs).
                form #deploy-cancel method="post" action={ (url) "/deploy/cancel" }
                    data-confirm={ "Cancel the running build of " (app) "?" }
                    data-consequence="Dokku stops the build; the running containers stay as they are."
                    data-ok="Cancel the build" {
                    (form_head(&ctx.session, "deploy-cancel"))
                    button.secondary type="submit" { "Cancel a running build" }
                }
            }
            @if let Some(last) = &deploys.last_build {
                (last_build(url, admin, last))
            }
            // Refreshed after a deploy; the output above stays.
            div #releases data-refresh {
                @match &deploys.releases {
                    Err(e) => (card_error_web(e)),
                    Ok(releases) if releases.is_empty() => (card_empty(
                        "No deploys recorded for this app yet.",
                        Some(match deploys.last_build {
                            // Dokku's builds, shown above, have the pushes.
                            Some(_) => "Deploys made here or with the CLI appear here; Dokku's builds, above, include a git push.",
                            None => "Deploys made here or with the CLI appear here; a git push does not go through the dashboard.",
                        }),
                    )),
                    Ok(releases) => {
                        (release_table(releases))
                        @if admin { (rollback(url, ctx, app, releases, locked)) }
                    }
                }
            }
        }
    }
}

/// Dokku's newest build of the app, whoever started it (a failed push
/// shows here), with links to every build and (for a deployer, as the
/// logs are) its output.
fn last_build(url: &str, deployer: bool, last: &dokku::Result<Option<BuildsReport>>) -> Markup {
    html! {
        @match last {
            Err(e) => (card_error("read Dokku's last build", e)),
            Ok(report) => p #last-build {
                @match report {
                    Some(report) => {
                        "Dokku's last build: "
                        @if let Some(status) = &report.build_status { (super::builds::status_badge(status)) " " }
                        @if let Some(source) = &report.build_source { code { (source) } " " }
                        @if let Some(started) = &report.build_started_at { time { (super::builds::utc(started)) } " · " }
                        @if let (true, Some(id)) = (deployer, &report.build_id) {
                            a href={ (url) "/builds/" (id) } {
                                @if report.build_status == Some(BuildStatus::Running) { "follow it" } @else { "its output" }
                            }
                            " · "
                        }
                    }
                    None => { "Dokku has recorded no build of this app yet. " }
                }
                a href={ (url) "/builds" } { "every build Dokku recorded" }
            }
        }
    }
}

fn release_table(releases: &[Release]) -> Markup {
    html! {
        div.scroll {
            // One card per release on a phone (app.css): nothing scrolls sideways.
            table.releases.cards {
                thead { tr { th { "#" } th { "Started" } th { "Who" } th { "Source" } th { "Outcome" } th { "Took" } } }
                tbody {
                    @for r in releases.iter().take(SHOWN) {
                        tr {
                            td { "#" (r.record_id) }
                            td { (unix_ms(r.started_at)) }
                            td { (r.actor) " (" (r.origin.as_str()) ")" }
                            td {
                                code { (r.source.to_string()) }
                                @if let Some(to) = r.rollback_of { " " span.badge { "rollback to #" (to) } }
                            }
                            td { span class={ "badge " (outcome_class(r)) } { (r.outcome.as_str()) } }
                            td { (format!("{:.1} s", r.duration_ms() as f64 / 1000.0)) }
                        }
                    }
                }
            }
        }
    }
}

fn outcome_class(release: &Release) -> &'static str {
    match release.outcome.as_str() {
        "ok" => "s-running",
        "cancelled" => "s-mixed",
        _ => "s-crashed",
    }
}

fn rollback(url: &str, ctx: &Ctx, app: &AppName, releases: &[Release], locked: &str) -> Markup {
    match plan_rollback(app, releases, None) {
        Ok(plan) => {
            let consequence = format!(
                "{app} runs release #{} ({}). Release #{} ({}) is built and deployed again with `{}`.{locked}",
                plan.from.record_id,
                plan.from.source,
                plan.to.record_id,
                plan.to.source,
                plan.spec.command().map(|c| c.to_string()).unwrap_or_default(),
            );
            html! {
                form #rollback method="post" action={ (url) "/rollback" } data-stream="deploy-output" data-outcome="deploy-outcome"
                    data-confirm={ "Roll " (app) " back to release #" (plan.to.record_id) "?" }
                    data-consequence=(consequence) data-ok="Roll back" {
                    (form_head(&ctx.session, "rollback"))
                    input type="hidden" name="to" value=(plan.to.record_id);
                    p { "Roll back to release #" (plan.to.record_id) ": " code { (plan.to.source.to_string()) } }
                    button.secondary type="submit" { "Roll back" }
                }
            }
        }
        Err(e) => html! { p.muted #rollback-none { (e.to_string()) "." } },
    }
}

/// `POST /apps/{app}/deploy`: `image=…`, or `repo=…` (and `reference=…`).
#[derive(Debug, Deserialize)]
pub struct DeployForm {
    #[serde(default)]
    image: String,
    #[serde(default)]
    repo: String,
    #[serde(default)]
    reference: String,
}

pub async fn deploy(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(app): Path<String>,
    Form(form): Form<DeployForm>,
) -> Result<Response, WebError> {
    let app = app_name(&app)?;
    let spec = deploy_spec(&app, &form.image, &form.repo, &form.reference)?;
    let dokku = state.audited(&ctx.session).await?;
    run(&state, &dokku, &app, &spec, "Deployed").await
}

/// Cancel the app's running build (`builds:cancel`), whoever started it.
pub async fn cancel(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(app): Path<String>,
) -> Result<Response, WebError> {
    let app = app_name(&app)?;
    let dokku = state.audited(&ctx.session).await?;
    let message = cancel_build(&state, &dokku, &app).await?;
    state.auth.flash(&ctx.token, message);
    Ok(Redirect::to(&ctx.at(&app_url(app.as_str()))).into_response())
}

/// `builds:cancel` of `app` (the page's and the API's): what it did, in
/// words.
pub(crate) async fn cancel_build(
    state: &AppState,
    dokku: &dokku::Dokku,
    app: &AppName,
) -> Result<String, WebError> {
    dokku
        .builds()
        .cancel(app)
        .await
        .map_err(doing(format!("cancel the running build of {app}")))?;
    state.store.mark_dirty(app);
    Ok(format!(
        "Asked Dokku to cancel the running build of {app}, if one was running."
    ))
}

/// What to deploy: an image, or a git repository at an optional
/// reference (the page's form and the API's body), checked by the library.
pub(crate) fn deploy_spec(
    app: &AppName,
    image: &str,
    repo: &str,
    reference: &str,
) -> Result<DeploySpec, WebError> {
    let (image, repo, reference) = (image.trim(), repo.trim(), reference.trim());
    Ok(match (image.is_empty(), repo.is_empty()) {
        (false, true) => DeploySpec::image(app, image)?,
        (true, false) => {
            let spec = DeploySpec::git_sync(app, repo)?;
            if reference.is_empty() {
                spec
            } else {
                spec.reference(reference)?
            }
        }
        _ => {
            return Err(WebError::BadRequest(
                "Give either an image or a git repository to deploy. Nothing was sent.".to_owned(),
            ))
        }
    })
}

/// `POST /apps/{app}/rollback` with `to=<record id>`: the plan the page
/// showed, refused if the history or the host changed since.
#[derive(Debug, Deserialize)]
pub struct RollbackForm {
    to: i64,
}

pub async fn rollback_action(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(app): Path<String>,
    Form(form): Form<RollbackForm>,
) -> Result<Response, WebError> {
    let app = app_name(&app)?;
    let plan = rollback_plan(&state, &app, Some(form.to)).await?;
    let dokku = state
        .audited_correlated(&ctx.session, Some(&plan.correlation()))
        .await?;
    run(&state, &dokku, &app, &plan.spec, "Rolled back").await
}

/// The rollback of `app` (to release `to`, or the default target), planned
/// from this host's releases and checked against what the host runs:
/// refused, saying why, before anything is sent (the page's and the
/// API's).
pub(crate) async fn rollback_plan(
    state: &AppState,
    app: &AppName,
    to: Option<i64>,
) -> Result<RollbackPlan, WebError> {
    let releases = state
        .history
        .releases(app, Some(&state.options.host_label), 200)
        .await?;
    let refused = |e: HistoryError| WebError::BadRequest(format!("{e}. Nothing was sent."));
    let plan = plan_rollback(app, &releases, to).map_err(refused)?;
    if plan.running.is_some() {
        let report = state
            .dokku
            .report::<AppReport>()
            .app(app)
            .await
            .map_err(doing(format!("read what {app} runs")))?;
        plan.check_host(&report).map_err(refused)?;
    }
    Ok(plan)
}

/// Stream a deploy as the page's JSON lines: `{"out": line}`, `{"phase":
/// name}`, then `{"end": {ok, message}}`.
pub(crate) async fn run(
    state: &AppState,
    dokku: &dokku::Dokku,
    app: &AppName,
    spec: &DeploySpec,
    done: &str,
) -> Result<Response, WebError> {
    let events = dokku
        .deploys()
        .stream(spec)
        .await
        .map_err(doing(format!("deploy {app}")))?;
    let (name, done) = (app.clone(), done.to_owned());
    let body = events.map(move |item| {
            let app = &name;
            let value = match item {
                Ok(DeployEvent::Line { text, .. }) => serde_json::json!({ "out": format!("{text}\n") }),
                Ok(DeployEvent::Phase { phase }) => serde_json::json!({ "phase": phase }),
                Ok(DeployEvent::Finished { outcome }) => {
                    let (ok, message) = match &outcome {
                        DeployOutcome::Succeeded { urls } => (
                            true,
                            match urls.first() {
                                Some(url) => format!("{done} {app}: it answers at {url}."),
                                None => format!("{done} {app}."),
                            },
                        ),
                        other => (false, format!("The deploy of {app} {other}.")),
                    };
                    serde_json::json!({ "end": { "ok": ok, "message": message } })
                }
                Ok(_) => return Bytes::new(),
                Err(e) => serde_json::json!({
                    "end": { "ok": false, "message": format!("The deploy of {app} could not be followed: {e}.") }
                }),
            };
            event(value)
    });
    Ok(json_lines(state, app, body))
}
