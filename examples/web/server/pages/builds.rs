//! An app's builds as Dokku recorded them (`builds:list`, Dokku 0.38+):
//! every build and deploy, a git push or another tool's included, and how
//! each ended; and one build's output, the log Dokku kept of it
//! (`builds:output <app> <id>`). The dashboard's own releases (who, with a
//! rollback) are on the app page; these are Dokku's, whoever started them.
//!
//! The list is a viewer's, like the releases; the output a deployer's,
//! like the logs: a build prints whatever the app's build prints. Its
//! output is shown as a deploy's is (URL credentials masked, a corrupt
//! ENV file's quoted values cut), at most its newest [`OUTPUT_KEPT`]
//! characters; a build still running is followed as it is written
//! ([`follow`]) and the page shows its end when it comes.

use std::collections::VecDeque;
use std::convert::Infallible;

use axum::extract::{Path, State};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::Extension;
use dokku::api::builds::{BuildFilter, BUILDS};
use dokku::model::builds::{BuildRecord, BuildStatus};
use dokku::AppName;
use futures_util::{Stream, StreamExt};
use maud::{html, Markup};

use super::super::auth::Role;
use super::super::handlers::{app_name, app_url, failure_event, fit_to_show, until_ended};
use super::super::{doing, AppState, Ctx, WebError};
use super::app::card_empty;
use super::{layout, timestamp};

/// At most this many characters of a build's output are shown, the
/// newest (as a streamed output keeps on the page).
pub const OUTPUT_KEPT: usize = 2_000_000;

/// `GET /apps/{app}/builds`.
pub async fn list(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(app): Path<String>,
) -> Result<Markup, WebError> {
    let app = app_name(&app)?;
    let caps = state.dokku.capabilities().await?;
    let url = ctx.at(&app_url(app.as_str()));
    let title = format!("Builds of {app}");
    let body = if caps.version < BUILDS {
        html! {
            h1 { (title) }
            (card_empty(
                &format!("Dokku records builds from 0.38 on; this host runs {}.", caps.version),
                Some("The dashboard's own deploys are on the app page."),
            ))
        }
    } else {
        let builds = state
            .dokku
            .builds()
            .list(&app, &BuildFilter::default())
            .await
            .map_err(doing(format!("read the builds of {app}")))?;
        html! {
            h1 { "Builds of " a href=(url) { (app) } }
            p.muted {
                "Every build and deploy Dokku recorded for " (app) ", whoever started it (a git push, the CLI, this dashboard), newest first."
            }
            @if builds.is_empty() {
                (card_empty("Dokku has recorded no builds of this app yet.", None))
            } @else {
                (table(&url, ctx.can(Role::Deployer), &builds))
            }
        }
    };
    Ok(layout(&title, &ctx, body))
}

/// The builds, each linked to its output for a deployer (the output is
/// like the logs, which are a deployer's).
fn table(url: &str, deployer: bool, builds: &[BuildRecord]) -> Markup {
    html! {
        div.scroll {
            table.builds.cards {
                thead { tr { th { "Build" } th { "Kind" } th { "Source" } th { "Status" } th { "Started" } th { "Duration" } th { "Exit" } } }
                tbody {
                    @for b in builds {
                        tr data-build=(b.id) {
                            td {
                                @if deployer { a href={ (url) "/builds/" (b.id) } { code { (b.id) } } }
                                @else { code { (b.id) } }
                            }
                            td data-label="Kind" { (b.kind) }
                            td data-label="Source" { code { (b.source) } }
                            td { (status(b)) }
                            td data-label="Started" { (utc(&b.started_at)) }
                            td data-label="Duration" { (b.duration.as_deref().unwrap_or("—")) }
                            td data-label="Exit" { (b.exit_code.map_or("—".to_owned(), |c| c.to_string())) }
                        }
                    }
                }
            }
        }
    }
}

/// The status Dokku shows, as a badge.
fn status(build: &BuildRecord) -> Markup {
    match build.shown_status() {
        Some(shown) => status_badge(shown),
        None => html! { span class="badge s-stopped" { "unknown" } },
    }
}

/// A build status (`succeeded`, `failed` …) as a badge.
pub fn status_badge(shown: &BuildStatus) -> Markup {
    let class = match shown {
        BuildStatus::Succeeded => "s-running",
        BuildStatus::Running => "s-mixed",
        failed if failed.is_failure() => "s-crashed",
        _ => "s-stopped",
    };
    html! { span class={ "badge " (class) } { (shown) } }
}

/// `2026-12-03 10:29:39 UTC` of Dokku's RFC 3339 time (nanoseconds and all).
pub fn utc(rfc3339: &str) -> String {
    timestamp(dokku::parse::logs::rfc3339_utc(rfc3339))
}

/// `GET /apps/{app}/builds/{id}`.
pub async fn output(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path((app, id)): Path<(String, String)>,
) -> Result<Markup, WebError> {
    let app = app_name(&app)?;
    let (build, shown) = read(&state.dokku, &app, &id).await?;
    let url = ctx.at(&app_url(app.as_str()));
    let body = html! {
        h1 { "Build " code { (build.id) } " of " a href=(url) { (app) } }
        dl.facts {
            dt { "Kind" } dd { (build.kind) }
            dt { "Source" } dd { code { (build.source) } }
            dt { "Status" } dd { (status(&build)) }
            dt { "Started" } dd { (utc(&build.started_at)) }
            @if let Some(finished) = &build.finished_at { dt { "Finished" } dd { (utc(finished)) } }
            // Dokku's duration of a running build is how long it has run.
            @if let Some(took) = &build.duration {
                dt { @if build.finished_at.is_some() { "Took" } @else { "Running for" } }
                dd { (took) }
            }
            @if let Some(code) = build.exit_code { dt { "Exit code" } dd { (code) } }
        }
        @match shown {
            // Followed as it is written; the page reloads when it ends.
            None => {
                p.muted #build-follow role="status" { "Running: its output is followed as it is written; this page shows the build's end when it comes." }
                noscript { p.muted { "Without JavaScript nothing is followed: reload this page once the build has ended to read its output." } }
                pre #build-output.output data-follow={ (url) "/builds/" (build.id) "/follow" } {}
            }
            Some(Shown { text, dropped }) => {
                @if text.is_empty() {
                    (card_empty("Dokku kept no output of this build.", None))
                } @else {
                    pre #build-output.output {
                        @if dropped > 0 { em.dropped { "… " (dropped) " earlier lines not shown\n" } }
                        (text)
                    }
                }
            }
        }
        p { a href={ (url) "/builds" } { "All builds of " (app) } }
    };
    Ok(layout(&format!("Build {} of {app}", build.id), &ctx, body))
}

/// `GET /apps/{app}/builds/{id}/follow`: [`follow_events`], until the
/// session ends.
pub async fn follow(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path((app, id)): Path<(String, String)>,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, WebError> {
    let app = app_name(&app)?;
    let ended = state.auth.ended(&ctx.token);
    let events = follow_events(&state.dokku, &app, &id, ended).await?;
    Ok(Sse::new(events).keep_alive(KeepAlive::default()))
}

/// A build's output as server-sent events, read with `dokku` (the page's
/// and the API's): `line` (a line made fit to show, as a JSON string) as
/// they are written, `failure` (why following stopped), then `end` when
/// the build ends or `ended` resolves. A build that has ended sends its
/// log.
pub async fn follow_events(
    dokku: &dokku::Dokku,
    app: &AppName,
    id: &str,
    ended: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<impl Stream<Item = Result<Event, Infallible>>, WebError> {
    let lines = dokku
        .builds()
        .follow(app, id, crate::common::build_checks())
        .await
        .map_err(doing(format!("follow build {id} of {app}")))?;
    let events = lines.map(|line| {
        Ok(match line {
            Ok(line) => Event::default()
                .event("line")
                .data(serde_json::Value::String(fit_to_show(&line)).to_string()),
            Err(e) => failure_event(&e),
        })
    });
    Ok(until_ended(events, ended))
}

/// A build's output as the page shows it.
pub struct Shown {
    /// The newest lines, at most [`OUTPUT_KEPT`] characters, made fit for
    /// a screen.
    pub text: String,
    /// How many lines before them are not shown.
    pub dropped: usize,
}

/// Build `id` of `app` (`builds:info`) and, unless it still runs, its
/// output (the page's and the API's).
pub async fn read(
    dokku: &dokku::Dokku,
    app: &AppName,
    id: &str,
) -> Result<(BuildRecord, Option<Shown>), WebError> {
    let build = dokku
        .builds()
        .info(app, id)
        .await
        .map_err(doing(format!("read build {id} of {app}")))?;
    let shown = match build.is_running() {
        true => None,
        false => Some(read_output(dokku, app, &build.id).await?),
    };
    Ok((build, shown))
}

/// `builds:output <app> <id>` read to its end, keeping the newest lines.
async fn read_output(dokku: &dokku::Dokku, app: &AppName, id: &str) -> Result<Shown, WebError> {
    let fail = || doing(format!("read the output of build {id} of {app}"));
    let mut lines = dokku.builds().output(app, Some(id)).await.map_err(fail())?;
    let mut kept: VecDeque<String> = VecDeque::new();
    let (mut chars, mut dropped) = (0, 0);
    while let Some(line) = lines.next().await {
        let line = line.map_err(fail())?;
        let line = fit_to_show(&line);
        chars += line.len() + 1;
        kept.push_back(line);
        while chars > OUTPUT_KEPT && kept.len() > 1 {
            chars -= kept.pop_front().map_or(0, |l| l.len() + 1);
            dropped += 1;
        }
    }
    let mut text = String::with_capacity(chars);
    for line in kept {
        text.push_str(&line);
        text.push('\n');
    }
    Ok(Shown { text, dropped })
}
