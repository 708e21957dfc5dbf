//! The actions: every mutation and every reveal runs through
//! [`AppState::audited`], so it leaves a history record with the session's
//! role as actor. Long-running commands stream Dokku's output back as it
//! comes (JSON lines the page shows live, ending with the outcome in
//! words); the rest redirect with a flash message. A change that would
//! change nothing (a domain the app has, a name it already has) is refused
//! before anything is sent, so it is not recorded as if it happened.

use std::convert::Infallible;

use axum::body::{Body, Bytes};
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use dokku::model::logs::LogLine;
use dokku::{AppName, Chunk, ConfigKey, Domain, OutputStream, ProcessType, SecretString};
use futures_util::{stream, Stream, StreamExt};
use serde::Deserialize;

use super::problem::name_problem;
use super::{doing, AppState, Ctx, WebError};

/// The percent-encoded path of an app's page (legacy names may hold
/// characters a URL or a `Location` header cannot).
pub fn app_url(name: &str) -> String {
    let mut url = String::from("/apps/");
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            url.push(char::from(b));
        } else {
            url.push_str(&format!("%{b:02X}"));
        }
    }
    url
}

/// An app name from the URL: anything Dokku lists (legacy names too).
pub fn app_name(raw: &str) -> Result<AppName, WebError> {
    AppName::legacy(raw).map_err(|_| WebError::NotFound(format!("app {raw}")))
}

/// Redirect with a message for the next page.
fn done(state: &AppState, ctx: &Ctx, to: &str, message: String) -> Response {
    state.auth.flash(&ctx.token, message);
    Redirect::to(&ctx.at(to)).into_response()
}

/// After a change to an app: refresh its row first, back to its page.
pub fn changed(state: &AppState, ctx: &Ctx, app: &AppName, message: String) -> Response {
    state.store.mark_dirty(app);
    done(state, ctx, &app_url(app.as_str()), message)
}

/// What a streamed action says when it ends, as a person would.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// On exit 0: `Stopped api.`
    pub done: String,
    /// On failure: `Dokku could not stop api.`
    pub failed: String,
    /// The output is the app's own (a one-off command's): a line in it
    /// saying an app was never deployed is the command's, not Dokku's
    /// warning that nothing was done.
    pub app_output: bool,
}

/// One line of a streamed action's answer (JSON Lines).
pub(crate) fn event(value: serde_json::Value) -> Bytes {
    let mut line = value.to_string();
    line.push('\n');
    Bytes::from(line)
}

/// The longest run of output without a newline held back to be shown as
/// a whole line (dokku-core's limit for a streamed line): past it, what
/// came is shown as it is, so a command printing without end cannot fill
/// the dashboard's memory.
const LONGEST_LINE: usize = 1024 * 1024;

/// Streamed output made fit for a screen, in whole lines: a godotenv
/// error (a deploy or restart reading a corrupt ENV prints one) is cut
/// before the stored values it quotes, and credentials in a URL (a
/// one-off command's `env`, a git remote with a token) are masked.
#[derive(Debug, Default)]
struct ShownLines {
    /// Bytes of a line not yet ended.
    held: Vec<u8>,
    /// A godotenv error was shown cut short, and the rest of its line,
    /// still to come, is the stored values it quotes.
    hiding: bool,
}

impl ShownLines {
    /// What `bytes` (joined to what came before) adds to the screen;
    /// with `end`, everything left.
    fn take(&mut self, bytes: &[u8], end: bool) -> String {
        self.held.extend_from_slice(bytes);
        let whole = self
            .held
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        let cut_short = !end && self.held.len() - whole > LONGEST_LINE;
        let upto = if end {
            self.held.len()
        } else if cut_short {
            // Before the last character, which may not have come whole
            // (UTF-8's are at most 4 bytes; bytes that are none are cut
            // anywhere).
            let len = self.held.len();
            (len.saturating_sub(4)..len)
                .rev()
                .find(|&i| self.held[i] & 0xC0 != 0x80)
                .unwrap_or(len)
        } else {
            whole
        };
        let piece: Vec<u8> = self.held.drain(..upto).collect();
        let mut text = String::from_utf8_lossy(&piece).into_owned();
        if self.hiding {
            match text.find('\n') {
                Some(at) => drop(text.drain(..at)),
                None => text.clear(),
            }
            self.hiding = !text.starts_with('\n');
        }
        let last = text.rsplit('\n').next().unwrap_or_default();
        self.hiding |= cut_short && dokku::parse::config::env_read_error(last).is_some();
        fit_to_show(&text)
    }
}

/// Dokku's output made fit to show (a page, a webhook): a godotenv error
/// cut before the stored values it quotes, and credentials in a URL
/// masked.
pub(crate) fn fit_to_show(text: &str) -> String {
    let text = dokku::parse::config::redact_env_read_errors(text);
    dokku::secret::mask_userinfo(&text).into_owned()
}

/// Dokku's output as JSON Lines (`{"out": …}`), ending with the outcome in
/// words (`{"end": {"ok", "message", "status"}}`). The app's row is marked
/// dirty again at the end: the command changed the host while it ran.
pub(crate) fn streamed(
    state: &AppState,
    app: &AppName,
    output: OutputStream,
    outcome: Outcome,
) -> Response {
    let mut lines = ShownLines::default();
    let out = |text: String| -> Bytes {
        if text.is_empty() {
            Bytes::new()
        } else {
            event(serde_json::json!({ "out": text }))
        }
    };
    // Dokku warns that an app was never deployed and exits 0 (`ps:stop`,
    // `ps:start`, `ps:restart`): then nothing was done, and the end says so.
    let subject = app.clone();
    let mut never_deployed = false;
    let body = output.map(move |chunk| {
        let (text, exit) = match chunk {
            Ok(Chunk::Stdout(b) | Chunk::Stderr(b)) => (lines.take(&b, false), None),
            Ok(Chunk::Exit(status)) => (lines.take(&[], true), Some(status)),
            Err(e) => {
                return event(serde_json::json!({
                    "end": {
                        "ok": false,
                        "message": format!("{} The connection to Dokku failed: {e}.", outcome.failed),
                    }
                }))
            }
        };
        never_deployed |=
            !outcome.app_output && dokku::parse::ps::not_deployed(&text).contains(&subject);
        let Some(status) = exit else {
            return out(text);
        };
        let mut bytes = out(text).to_vec();
        let ok = status.success();
        let message = if ok && never_deployed {
            format!("Nothing was done: {subject} has not been deployed yet.")
        } else if ok {
            outcome.done.clone()
        } else {
            format!("{} Dokku ended with {status}.", outcome.failed)
        };
        bytes.extend_from_slice(&event(serde_json::json!({
            "end": { "ok": ok, "message": message, "status": status.to_string() }
        })));
        Bytes::from(bytes)
    });
    json_lines(state, app, body)
}

/// A streamed action's answer: the JSON lines of `body`, with the app's
/// row marked dirty as it starts and again when the body ends (the
/// command changed the host while it ran).
///
/// The action runs to its end even when whoever asked goes away mid-way
/// (the tab closed, a phone asleep, an API client cut off): a deploy or a
/// restart is never abandoned half-done for want of a reader. A task
/// drives `body` to its end and hands each line to the answer while it
/// is still being read.
pub(crate) fn json_lines(
    state: &AppState,
    app: &AppName,
    body: impl Stream<Item = Bytes> + Send + 'static,
) -> Response {
    state.store.mark_dirty(app);
    let (state, app) = (state.clone(), app.clone());
    let (tx, rx) = tokio::sync::mpsc::channel::<Bytes>(64);
    tokio::spawn(async move {
        let mut body = std::pin::pin!(body);
        while let Some(bytes) = body.next().await {
            // Refused at once when nobody reads any more; the action goes on.
            let _ = tx.send(bytes).await;
        }
        // Before the answer ends: whoever reads it to its end sees the row
        // already marked.
        state.store.mark_dirty(&app);
    });
    let body = stream::unfold(rx, |mut rx| async move {
        rx.recv()
            .await
            .map(|bytes| (Ok::<_, Infallible>(bytes), rx))
    });
    (
        [(header::CONTENT_TYPE, "application/x-ndjson")],
        Body::from_stream(body),
    )
        .into_response()
}

/// A new app name, by the library's rule (Dokku's, as a DNS name).
fn new_app_name(raw: &str) -> Result<AppName, WebError> {
    Ok(AppName::new(raw.trim())?)
}

/// `name=…`.
#[derive(Debug, Deserialize)]
pub struct NameForm {
    name: String,
}

/// Create an app.
pub async fn create(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Form(form): Form<NameForm>,
) -> Result<Response, WebError> {
    let app = new_app_name(&form.name)?;
    let dokku = state.audited(&ctx.session).await?;
    dokku
        .apps()
        .create(&app)
        .await
        .map_err(doing(format!("create {app}")))?;
    state.store.mark_list_dirty();
    Ok(changed(&state, &ctx, &app, format!("Created {app}.")))
}

/// `new_name=…`.
#[derive(Debug, Deserialize)]
pub struct RenameForm {
    new_name: String,
}

/// Rename an app.
pub async fn rename(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(app): Path<String>,
    Form(form): Form<RenameForm>,
) -> Result<Response, WebError> {
    let app = app_name(&app)?;
    let to = new_app_name(&form.new_name)?;
    if to == app {
        return Err(WebError::BadRequest(format!(
            "The app is already called {app}: type the new name."
        )));
    }
    let dokku = state.audited(&ctx.session).await?;
    dokku
        .apps()
        .rename(&app, &to)
        .send()
        .await
        .map_err(doing(format!("rename {app} to {to}")))?;
    state.store.forget(&app);
    state.store.mark_dirty(&to);
    Ok(done(
        &state,
        &ctx,
        &app_url(to.as_str()),
        format!("Renamed {app} to {to}."),
    ))
}

/// `confirm=…`: the app's name, typed again.
#[derive(Debug, Deserialize)]
pub struct DestroyForm {
    confirm: String,
}

/// Destroy an app; the typed confirmation must match its name.
pub async fn destroy(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(app): Path<String>,
    Form(form): Form<DestroyForm>,
) -> Result<Response, WebError> {
    let app = app_name(&app)?;
    let typed = form.confirm.trim();
    if typed != app.as_str() {
        return Err(WebError::BadRequest(format!(
            "The name you typed does not match: type {app} exactly to destroy it."
        )));
    }
    let dokku = state.audited(&ctx.session).await?;
    dokku
        .apps()
        .destroy(&app, typed)
        .await
        .map_err(doing(format!("destroy {app}")))?;
    state.store.forget(&app);
    Ok(done(&state, &ctx, "/", format!("Destroyed {app}.")))
}

/// Turn Dokku's event logger on, so the dashboard follows what changes
/// on the host at once (`events:on`).
pub async fn events_on(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
) -> Result<Response, WebError> {
    let dokku = state.audited(&ctx.session).await?;
    dokku
        .events()
        .switch(true)
        .await
        .map_err(doing("turn Dokku's event log on".to_owned()))?;
    state.store.event_log_switched(true);
    Ok(done(
        &state,
        &ctx,
        "/",
        "Dokku's event log is on: the dashboard follows it.".to_owned(),
    ))
}

/// Start, stop, restart or rebuild, streaming Dokku's output.
pub async fn ps_action(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path((app, action)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let app = app_name(&app)?;
    let dokku = state.audited(&ctx.session).await?;
    run_ps(&state, &dokku, &app, &action).await
}

/// Run a process action (`start`, `stop`, `restart`, `rebuild`) with
/// `dokku`, streaming Dokku's output (the page's and the API's).
pub(crate) async fn run_ps(
    state: &AppState,
    dokku: &dokku::Dokku,
    app: &AppName,
    action: &str,
) -> Result<Response, WebError> {
    let ps = dokku.ps();
    let (command, done, verb) = match action {
        "start" => (ps.start(app), format!("Started {app}."), "start"),
        "stop" => (
            ps.stop(app),
            format!("Stopped {app}: it serves nothing until it is started."),
            "stop",
        ),
        "restart" => (ps.restart(app), format!("Restarted {app}."), "restart"),
        "rebuild" => (
            ps.rebuild(app),
            format!("Rebuilt and redeployed {app}."),
            "rebuild",
        ),
        other => return Err(WebError::NotFound(format!("action {other}"))),
    };
    let failed = format!("Dokku could not {verb} {app}.");
    let output = command
        .stream()
        .await
        .map_err(doing(format!("{verb} {app}")))?;
    let outcome = Outcome {
        done,
        failed,
        app_output: false,
    };
    Ok(streamed(state, app, output, outcome))
}

/// `POST /apps/{app}/lock/{verb}` (`lock`, `unlock`): the deploy lock.
pub async fn deploy_lock(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path((app, verb)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let app = app_name(&app)?;
    let dokku = state.audited(&ctx.session).await?;
    let message = set_deploy_lock(&dokku, &app, &verb).await?;
    Ok(changed(&state, &ctx, &app, message))
}

/// Take (`lock`) or release (`unlock`) `app`'s deploy lock with `dokku`
/// (the page's and the API's); what was done, in words.
pub(crate) async fn set_deploy_lock(
    dokku: &dokku::Dokku,
    app: &AppName,
    verb: &str,
) -> Result<String, WebError> {
    let apps = dokku.apps();
    match verb {
        "lock" => {
            apps.lock(app).await.map_err(doing(format!("lock {app}")))?;
            Ok(format!(
                "Locked {app}: deploys from here ask first; Dokku still builds it when asked, \
                 and the build removes the lock."
            ))
        }
        "unlock" => {
            apps.unlock(app)
                .await
                .map_err(doing(format!("unlock {app}")))?;
            Ok(format!("Unlocked {app}."))
        }
        other => Err(WebError::NotFound(format!("action lock/{other}"))),
    }
}

/// The most containers of one process type the form accepts.
pub const MAX_SCALE: u32 = 100;

/// A container count as typed: a whole number from 0 to [`MAX_SCALE`].
pub fn quantity(process: &ProcessType, raw: &str) -> Result<u32, WebError> {
    raw.trim()
        .parse::<u32>()
        .ok()
        .filter(|n| *n <= MAX_SCALE)
        .ok_or_else(|| {
            WebError::BadRequest(format!(
                "{process}: enter a whole number of containers from 0 to {MAX_SCALE} \
                 (not {:?}). Nothing was changed.",
                raw.trim()
            ))
        })
}

/// Set the formation (`web=2&worker=1`), streaming the deploy.
pub async fn scale(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(app): Path<String>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let app = app_name(&app)?;
    let wanted: Vec<(String, String)> = form
        .into_iter()
        .filter(|(k, _)| !k.starts_with('_'))
        .collect();
    let wanted = formation(&wanted)?;
    let dokku = state.audited(&ctx.session).await?;
    run_scale(&state, &dokku, &app, wanted).await
}

/// The process counts asked for (`web` → `2`), checked by the library's
/// names and [`quantity`]; at least one.
pub(crate) fn formation(asked: &[(String, String)]) -> Result<Vec<(ProcessType, u32)>, WebError> {
    let mut wanted = Vec::new();
    for (process, count) in asked {
        let process = ProcessType::new(process)?;
        let count = quantity(&process, count)?;
        wanted.push((process, count));
    }
    if wanted.is_empty() {
        return Err(WebError::BadRequest(
            "Say how many containers of which process type.".to_owned(),
        ));
    }
    Ok(wanted)
}

/// Scale with `dokku`, streaming the deploy (the page's and the API's).
pub(crate) async fn run_scale(
    state: &AppState,
    dokku: &dokku::Dokku,
    app: &AppName,
    wanted: Vec<(ProcessType, u32)>,
) -> Result<Response, WebError> {
    let mut scale = dokku.ps().scale(app);
    let summary: Vec<String> = wanted.iter().map(|(p, n)| format!("{p}={n}")).collect();
    for (process, count) in wanted {
        scale = scale.process(process, count);
    }
    let output = scale
        .stream()
        .await
        .map_err(doing(format!("scale {app}")))?;
    let outcome = Outcome {
        done: format!("Scaled {app}: {}.", summary.join(", ")),
        failed: format!("Dokku could not scale {app}."),
        app_output: false,
    };
    Ok(streamed(state, app, output, outcome))
}

/// `key=…&value=…[&no_restart=on]`.
#[derive(Debug, Deserialize)]
pub struct ConfigForm {
    key: String,
    value: String,
    no_restart: Option<String>,
}

/// A value from a textarea: browsers send its line breaks as CRLF; a
/// pasted PEM key must arrive with the LFs it was written with.
fn from_textarea(value: String) -> String {
    if value.contains('\r') {
        value.replace("\r\n", "\n")
    } else {
        value
    }
}

/// Set one config var.
pub async fn config_set(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(app): Path<String>,
    Form(form): Form<ConfigForm>,
) -> Result<Response, WebError> {
    let app = app_name(&app)?;
    let key = ConfigKey::new(form.key.trim())?;
    let dokku = state.audited(&ctx.session).await?;
    let mut set = dokku
        .config()
        .set(&app)
        .var(key.clone(), SecretString::new(from_textarea(form.value)));
    if form.no_restart.is_some() {
        set = set.no_restart();
    }
    set.send()
        .await
        .map_err(doing(format!("set {key} on {app}")))?;
    Ok(changed(&state, &ctx, &app, format!("Set {key} on {app}.")))
}

/// Parse a `.env` file: `KEY=value`, `export KEY=value`, values optionally
/// in single (literal) or double quotes (`\n`, `\"`, `\\` escapes);
/// blank lines and `#` comments skipped. Errors name lines and keys, never
/// values.
pub fn parse_env(text: &str) -> Result<Vec<(ConfigKey, SecretString)>, String> {
    let mut vars = Vec::new();
    let mut errors = Vec::new();
    for (n, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let line = line.strip_prefix("export ").unwrap_or(line);
        let Some((key, value)) = line.split_once('=') else {
            errors.push(format!("line {} has no '='", n + 1));
            continue;
        };
        let key = match ConfigKey::new(key.trim()) {
            Ok(key) => key,
            Err(e) => {
                errors.push(format!("line {}: {}", n + 1, name_problem(&e)));
                continue;
            }
        };
        vars.push((key, SecretString::new(unquote(value.trim()))));
    }
    match (errors.is_empty(), vars.is_empty()) {
        (false, _) => Err(format!(
            "Nothing was set: {}. Fix those lines and send it again.",
            errors.join("; ").trim_end_matches('.')
        )),
        (true, true) => Err("Paste lines of the form KEY=value.".to_owned()),
        (true, false) => Ok(vars),
    }
}

fn unquote(value: &str) -> String {
    let quoted = |q: char| value.len() >= 2 && value.starts_with(q) && value.ends_with(q);
    if quoted('\'') {
        return value[1..value.len() - 1].to_owned();
    }
    if !quoted('"') {
        return value.to_owned();
    }
    let mut out = String::new();
    let mut chars = value[1..value.len() - 1].chars();
    while let Some(c) = chars.next() {
        match (c, c == '\\') {
            (_, true) => match chars.next() {
                Some('n') => out.push('\n'),
                Some(other) => out.push(other),
                None => out.push('\\'),
            },
            (c, false) => out.push(c),
        }
    }
    out
}

/// `env=…` (a pasted .env file) `[&no_restart=on]`.
#[derive(Debug, Deserialize)]
pub struct BulkForm {
    env: String,
    no_restart: Option<String>,
}

/// Set every var of a pasted .env file in one `config:set`.
pub async fn config_bulk(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(app): Path<String>,
    Form(form): Form<BulkForm>,
) -> Result<Response, WebError> {
    let app = app_name(&app)?;
    let vars = parse_env(&form.env).map_err(WebError::BadRequest)?;
    let count = vars.len();
    let dokku = state.audited(&ctx.session).await?;
    let mut set = dokku.config().set(&app).vars(vars);
    if form.no_restart.is_some() {
        set = set.no_restart();
    }
    set.send()
        .await
        .map_err(doing(format!("set the variables on {app}")))?;
    Ok(changed(
        &state,
        &ctx,
        &app,
        format!("Set {count} variables on {app}."),
    ))
}

/// `key=…`.
#[derive(Debug, Deserialize)]
pub struct KeyForm {
    key: String,
}

/// Unset one config var.
pub async fn config_unset(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(app): Path<String>,
    Form(form): Form<KeyForm>,
) -> Result<Response, WebError> {
    let app = app_name(&app)?;
    let key = ConfigKey::new(form.key.trim())?;
    let dokku = state.audited(&ctx.session).await?;
    let done = dokku
        .config()
        .unset(&app)
        .key(key.clone())
        .send()
        .await
        .map_err(doing(format!("unset {key} on {app}")))?;
    // Someone else may have unset it meanwhile: Dokku skips it then, and
    // restarts nothing.
    let message = if done.skipped.contains(&key) {
        format!("{key} was not set on {app}; nothing changed.")
    } else {
        format!("Unset {key} on {app}; it restarted.")
    };
    Ok(changed(&state, &ctx, &app, message))
}

/// One config value, for an admin, as plain text. The `config:get` is
/// audited (its output redacted in the history); the response is
/// `no-store`.
pub async fn config_reveal(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(app): Path<String>,
    Form(form): Form<KeyForm>,
) -> Result<Response, WebError> {
    let app = app_name(&app)?;
    let dokku = state.audited(&ctx.session).await?;
    let value = reveal(&dokku, &app, &form.key).await?;
    Ok((
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        value.expose().to_owned(),
    )
        .into_response())
}

/// One config value read with `dokku` (an audited client: the reveal is
/// recorded, its output redacted).
pub(crate) async fn reveal(
    dokku: &dokku::Dokku,
    app: &AppName,
    key: &str,
) -> Result<SecretString, WebError> {
    let key = ConfigKey::new(key.trim())?;
    dokku
        .config()
        .get(app, &key)
        .await
        .map_err(doing(format!("read {key} of {app}")))?
        .ok_or_else(|| WebError::NotFound(format!("variable {key} on {app}")))
}

/// `domain=…`.
#[derive(Debug, Deserialize)]
pub struct DomainForm {
    domain: String,
}

/// Add (`/domains/add`) or remove (`/domains/remove`) a domain. Adding one
/// the app has, or removing one it lacks, is refused before anything is
/// sent.
pub async fn domain(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path((app, verb)): Path<(String, String)>,
    Form(form): Form<DomainForm>,
) -> Result<Response, WebError> {
    let app = app_name(&app)?;
    let adding = match verb.as_str() {
        "add" => true,
        "remove" => false,
        other => return Err(WebError::NotFound(format!("action domains/{other}"))),
    };
    let dokku = state.audited(&ctx.session).await?;
    let message = change_domain(&state, &dokku, &app, &form.domain, adding).await?;
    Ok(changed(&state, &ctx, &app, message))
}

/// Add or remove one domain with `dokku`; what was done, in words. Adding
/// one the app has, or removing one it lacks, is refused before anything
/// is sent.
pub(crate) async fn change_domain(
    state: &AppState,
    dokku: &dokku::Dokku,
    app: &AppName,
    domain: &str,
    adding: bool,
) -> Result<String, WebError> {
    let domain = Domain::new(domain.trim())?;
    let has = state
        .dokku
        .domains()
        .report(app)
        .await
        .map_err(doing(format!("read the domains of {app}")))?
        .app_vhosts
        .iter()
        .any(|d| d.eq_ignore_ascii_case(domain.as_str()));
    if adding && has {
        return Err(WebError::BadRequest(format!(
            "{domain} is already a domain of {app}: nothing to add."
        )));
    }
    if !adding && !has {
        return Err(WebError::BadRequest(format!(
            "{domain} is not a domain of {app}: nothing to remove."
        )));
    }
    let domains = std::slice::from_ref(&domain);
    let message = if adding {
        dokku
            .domains()
            .add(app, domains)
            .await
            .map_err(doing(format!("add {domain} to {app}")))?;
        format!("Added {domain} to {app}.")
    } else {
        dokku
            .domains()
            .remove(app, domains)
            .await
            .map_err(doing(format!("remove {domain} from {app}")))?;
        format!("Removed {domain} from {app}.")
    };
    state.store.mark_dirty(app);
    Ok(message)
}

/// `?n=100&process=web&since=…`.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LogParams {
    /// How many past lines, in all (not per container).
    pub n: Option<u32>,
    /// Only this process type.
    pub process: Option<String>,
    /// The page already shows the lines up to this key ([`line_key`]):
    /// send only newer ones, without the past lines.
    pub since: Option<String>,
}

impl LogParams {
    /// The line count, capped at Dokku's retained 1000.
    pub fn lines(&self) -> u32 {
        self.n.unwrap_or(100).clamp(1, 1000)
    }

    /// The process filter, if any.
    pub fn process_type(&self) -> Result<Option<ProcessType>, WebError> {
        Ok(self
            .process
            .as_deref()
            .filter(|p| !p.is_empty())
            .map(ProcessType::new)
            .transpose()?)
    }
}

/// A line's place in time, as text that sorts like the time: nanoseconds
/// since the epoch, 20 digits (`""` for a line without a time).
pub fn line_key(line: &LogLine) -> String {
    line.timestamp
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(String::new(), |d| format!("{:020}", d.as_nanos()))
}

/// `logs --num N` prints N lines per container, container by container:
/// the last `n` lines in all, oldest first, whatever container they came
/// from (a stable sort keeps each container's own order on a tie).
pub fn last_lines(mut lines: Vec<LogLine>, n: u32) -> Vec<LogLine> {
    lines.sort_by_key(line_key);
    let n = usize::try_from(n).unwrap_or(usize::MAX);
    let skip = lines.len().saturating_sub(n);
    lines.split_off(skip)
}

/// The last `n` lines of an app (all containers, by time).
pub async fn recent_logs(
    state: &AppState,
    app: &AppName,
    params: &LogParams,
) -> Result<Vec<LogLine>, WebError> {
    let mut query = state.dokku.logs().app(app).num(params.lines());
    if let Some(process) = params.process_type()? {
        query = query.process(process);
    }
    let lines = query
        .fetch()
        .await
        .map_err(doing(format!("read the logs of {app}")))?;
    Ok(last_lines(lines, params.lines()))
}

/// A log line as the page's script receives it.
pub fn line_json(line: &LogLine) -> String {
    serde_json::json!({
        "k": line_key(line),
        "t": line.timestamp.map(super::pages::log_time).unwrap_or_default(),
        "p": line.container(),
        "m": line.message,
    })
    .to_string()
}

/// Follow an app's logs as server-sent events: the last `n` lines in all
/// (by time), then new ones as they come; with `since`, only lines newer
/// than what the page shows. Dropping the connection stops `logs --tail`;
/// so does the end of the session (logout, expiry): an `end` event says so.
pub async fn logs_stream(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(app): Path<String>,
    Query(params): Query<LogParams>,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, WebError> {
    let app = app_name(&app)?;
    let ended = state.auth.ended(&ctx.token);
    let events = follow(&state, &state.dokku, &app, &params, ended).await?;
    Ok(Sse::new(events).keep_alive(KeepAlive::default()))
}

/// An app's logs as server-sent events (`line`, `failure`, then `end`
/// when `ended` resolves), read with `dokku`: the page's and the API's.
pub(crate) async fn follow(
    state: &AppState,
    dokku: &dokku::Dokku,
    app: &AppName,
    params: &LogParams,
    ended: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<impl Stream<Item = Result<Event, Infallible>>, WebError> {
    let since = params.since.clone().filter(|s| !s.is_empty());
    let past = match since {
        Some(_) => Vec::new(),
        None => recent_logs(state, app, params).await?,
    };
    let after = since
        .or_else(|| past.last().map(line_key))
        .unwrap_or_default();
    let mut query = dokku.logs().app(app).num(params.lines());
    if let Some(process) = params.process_type()? {
        query = query.process(process);
    }
    let lines = query
        .follow()
        .await
        .map_err(doing(format!("follow the logs of {app}")))?;
    let line_event = |line: &LogLine| Event::default().event("line").data(line_json(line));
    let past: Vec<Result<Event, Infallible>> = past.iter().map(|l| Ok(line_event(l))).collect();
    let live = lines.filter_map(move |line| {
        let event = match line {
            // `logs -t` repeats the past lines first: only newer ones.
            Ok(line) if line_key(&line) <= after && !after.is_empty() => None,
            Ok(line) => Some(line_event(&line)),
            Err(e) => Some(failure_event(&e)),
        };
        std::future::ready(event.map(Ok))
    });
    Ok(until_ended(stream::iter(past).chain(live), ended))
}

/// A server-sent `failure` event: why a followed stream stopped, as a
/// JSON string (the page scripts show it).
pub fn failure_event(why: &impl std::fmt::Display) -> Event {
    Event::default()
        .event("failure")
        .data(serde_json::Value::String(why.to_string()).to_string())
}

/// `events` until they end or `ended` resolves (the session ended), then
/// the `end` event the page scripts wait for.
pub fn until_ended(
    events: impl Stream<Item = Result<Event, Infallible>>,
    ended: impl std::future::Future<Output = ()>,
) -> impl Stream<Item = Result<Event, Infallible>> {
    events.take_until(ended).chain(stream::once(async {
        Ok(Event::default().event("end").data("{}"))
    }))
}

/// `GET /apps/{app}/logs/download?n=…&process=…`: the last lines as a
/// text file.
pub async fn logs_download(
    State(state): State<AppState>,
    Path(app): Path<String>,
    Query(params): Query<LogParams>,
) -> Result<Response, WebError> {
    let app = app_name(&app)?;
    let lines = recent_logs(&state, &app, &params).await?;
    let mut text = String::new();
    for line in &lines {
        let time = line
            .timestamp
            .map(dokku::parse::logs::format_rfc3339_utc)
            .unwrap_or_default();
        let process = line.container().unwrap_or_default();
        text.push_str(&format!("{time} {process} {}\n", line.message));
    }
    let name: String = app
        .as_str()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '.' {
                c
            } else {
                '_'
            }
        })
        .collect();
    Ok((
        [
            (header::CONTENT_TYPE, "text/plain; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}.log\""),
            ),
        ],
        text,
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_files_parse_with_quotes_comments_and_export() {
        let vars =
            parse_env("# comment\n\nexport A=1\nB = \"two words\"\nC='lit\\n'\nD=\"x\\ny\"\nE=\n")
                .unwrap();
        let got: Vec<(String, String)> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.expose().to_owned()))
            .collect();
        assert_eq!(
            got,
            [
                ("A", "1"),
                ("B", "two words"),
                ("C", "lit\\n"),
                ("D", "x\ny"),
                ("E", "")
            ]
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
        );
        let err = parse_env("GOOD=1\nnot a line\nBAD KEY=secretvalue").unwrap_err();
        assert!(err.contains("line 2") && err.contains("line 3"), "{err}");
        assert!(err.contains("cannot contain a space"), "{err}");
        assert!(!err.contains("byte"), "{err}");
        assert!(!err.contains("secretvalue"));
        assert!(parse_env("# only comments").is_err());
    }

    #[test]
    fn app_urls_encode_what_a_path_cannot_hold() {
        assert_eq!(app_url("docs.example.com"), "/apps/docs.example.com");
        assert_eq!(app_url("old_intranet"), "/apps/old_intranet");
        assert_eq!(app_url("a<b c>"), "/apps/a%3Cb%20c%3E");
    }
}
