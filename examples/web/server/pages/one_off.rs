//! An app's one-off containers (`run:detached`, a cron task's run): what
//! runs, since when, and a way to stop one or all of them. One Dokku
//! invocation (`run:list`), read only for deployers and admins: a one-off
//! command line may carry anything its author typed, like the logs.
//!
//! An admin may also run a command in a new one-off container (`dokku run
//! --no-tty`) and watch its output: admins only, since a command there
//! reads the app's whole environment (`env`), which only an admin may
//! reveal. The command line is split into words as a shell would split it
//! (quotes, backslashes), and never given to a shell here.
//!
//! A stop names a container the list showed; one the list no longer has
//! is refused before anything is sent. Dokku answers a stop of a container
//! that ended meanwhile with exit 0 and no name, and the message says so
//! instead of claiming a stop.

use axum::extract::{Path, State};
use axum::response::Response;
use axum::{Extension, Form};
use dokku::api::run::{RunSpec, RunTarget};
use dokku::model::run::RunContainer;
use dokku::{AppName, Dokku};
use maud::{html, Markup};
use serde::Deserialize;

use super::super::auth::Role;
use super::super::handlers::{app_name, changed, streamed, Outcome};
use super::super::{doing, AppState, Ctx, WebError};
use super::app::{card_empty, card_error};
use super::{form_head, timestamp};

/// The app's one-off containers, or `None` for a viewer (not read).
pub async fn fetch(
    dokku: &Dokku,
    ctx: &Ctx,
    app: &AppName,
) -> Option<dokku::Result<Vec<RunContainer>>> {
    match ctx.can(Role::Deployer) {
        true => Some(dokku.one_off().list(app).await),
        false => None,
    }
}

/// The `#one-off` section.
pub fn section(
    url: &str,
    ctx: &Ctx,
    app: &str,
    containers: &Option<dokku::Result<Vec<RunContainer>>>,
) -> Markup {
    html! {
        section #one-off {
            h2 { "One-off containers" }
            @match containers {
                None => p.muted { "One-off containers are shown to deployers and admins of this app." },
                Some(Err(e)) => (card_error(&format!("read the one-off containers of {app}"), e)),
                Some(Ok(list)) if list.is_empty() => (card_empty(
                    "No one-off containers running.",
                    Some("dokku run:detached starts one; it ends with its command or after its time to live."),
                )),
                Some(Ok(list)) => {
                    ul.settings {
                        @for (i, c) in list.iter().enumerate() {
                            @let id = format!("one-off-stop-{i}");
                            li data-container=(c.name) {
                                code { (c.name) }
                                @if let Some(state) = &c.state {
                                    " " span class={ "badge " (if state == "running" { "s-running" } else { "s-stopped" }) } { (state) }
                                }
                                " " code.long { (c.command) }
                                " " span.muted title=(c.created_at) {
                                    "since " @match c.created() { Some(at) => (timestamp(Some(at))), None => (c.created_at) }
                                }
                                (stop_form(url, ctx, &id, app, Some(&c.name)))
                            }
                        }
                    }
                    @if list.len() > 1 { (stop_form(url, ctx, "one-off-stop-all", app, None)) }
                }
            }
            @if ctx.can(Role::Admin) { (run_form(url, ctx, app)) }
        }
    }
}

/// An admin's form to run a command in a new one-off container, its
/// output streamed below it.
fn run_form(url: &str, ctx: &Ctx, app: &str) -> Markup {
    html! {
        form.inline #run-command method="post" action={ (url) "/run" }
            data-stream="run-output" data-outcome="run-outcome"
            data-confirm={ "Run this command in " (app) "?" }
            data-consequence={ "It runs in a new container of " (app) " with the app's config, as dokku run does, and may change its data. It runs to its end even if you leave this page; stop it from this list." }
            data-ok="Run" {
            (form_head(&ctx.session, "run-command"))
            label { "Command " input name="command" required autocomplete="off" spellcheck="false" placeholder="bin/rails db:migrate"; }
            button.secondary type="submit" { "Run" }
        }
        p #run-outcome .outcome role="status" hidden {}
        pre #run-output .output hidden {}
    }
}

/// The stop button of one container, or of all of them (`None`).
fn stop_form(url: &str, ctx: &Ctx, id: &str, app: &str, container: Option<&str>) -> Markup {
    let (label, consequence) = match container {
        Some(name) => (
            "Stop".to_owned(),
            format!("{name} is stopped and removed: its command ends unfinished."),
        ),
        None => (
            "Stop all".to_owned(),
            format!("Every one-off container of {app} is stopped and removed: their commands end unfinished."),
        ),
    };
    html! {
        form.inline #(id) method="post" action={ (url) "/run/stop" }
            data-confirm={ (label) " " (container.unwrap_or("the one-off containers")) " of " (app) "?" }
            data-consequence=(consequence) data-ok=(label) {
            (form_head(&ctx.session, id))
            @if let Some(name) = container { input type="hidden" name="container" value=(name); }
            button.danger type="submit" { (label) }
        }
    }
}

/// `container=…`: one container's name; none stops them all.
#[derive(Debug, Default, Deserialize)]
pub struct StopForm {
    container: Option<String>,
}

/// `POST /apps/{app}/run/stop`.
pub async fn stop(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(app): Path<String>,
    Form(form): Form<StopForm>,
) -> Result<Response, WebError> {
    let app = app_name(&app)?;
    let running = state
        .dokku
        .one_off()
        .list(&app)
        .await
        .map_err(doing(format!("read the one-off containers of {app}")))?;
    let target = match form
        .container
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
    {
        Some(name) if running.iter().any(|c| c.name == name) => {
            RunTarget::Container(name.to_owned())
        }
        Some(name) => {
            return Err(WebError::BadRequest(format!(
                "{app} has no one-off container {name:?}: reload the page to see what runs."
            )))
        }
        None if running.is_empty() => {
            return Err(WebError::BadRequest(format!(
                "{app} has no one-off containers: nothing to stop."
            )))
        }
        None => RunTarget::App(app.clone()),
    };
    let stopped = state
        .audited(&ctx.session)
        .await?
        .one_off()
        .stop(&target)
        .await
        .map_err(doing(format!("stop the one-off containers of {app}")))?;
    let message = match stopped.is_empty() {
        true => format!("Nothing stopped: the one-off containers of {app} had already ended."),
        false => format!("Stopped {} on {app}.", stopped.join(", ")),
    };
    Ok(changed(&state, &ctx, &app, message))
}

/// `command=…`: a command line.
#[derive(Debug, Deserialize)]
pub struct RunForm {
    command: String,
}

/// `POST /apps/{app}/run`: run the command line in a new one-off
/// container.
pub async fn run(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(app): Path<String>,
    Form(form): Form<RunForm>,
) -> Result<Response, WebError> {
    let app = app_name(&app)?;
    let words = command_words(&form.command)?;
    let dokku = state.audited(&ctx.session).await?;
    run_words(&state, &dokku, &app, words).await
}

/// Run `words` in a new one-off container of `app` with `dokku` (the
/// page's and the API's), streaming what it prints (URL credentials
/// masked) and how it ended.
pub(crate) async fn run_words(
    state: &AppState,
    dokku: &Dokku,
    app: &AppName,
    words: Vec<String>,
) -> Result<Response, WebError> {
    let line = dokku::secret::mask_userinfo(&words.join(" ")).into_owned();
    let command = RunSpec::new(app, words)
        .command()
        .map_err(doing(format!("run a command in {app}")))?;
    let output = dokku
        .stream(&command)
        .await
        .map_err(doing(format!("run `{line}` in {app}")))?;
    let outcome = Outcome {
        done: format!("`{line}` ran in {app} and ended well (exit 0)."),
        failed: format!("`{line}` failed in {app}."),
        app_output: true,
    };
    Ok(streamed(state, app, output, outcome))
}

/// The words of a command line, split as a shell splits them (quotes,
/// backslashes); refused when empty or a quote is left open.
fn command_words(line: &str) -> Result<Vec<String>, WebError> {
    let words = shlex::split(line).ok_or_else(|| {
        WebError::BadRequest("The command has a quote that is never closed.".to_owned())
    })?;
    if words.is_empty() {
        return Err(WebError::BadRequest("Say which command to run.".to_owned()));
    }
    Ok(words)
}
