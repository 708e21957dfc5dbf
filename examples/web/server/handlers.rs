//! The actions: every mutation and every reveal runs through
//! [`AppState::audited`], so it leaves a history record with the session's
//! role as actor. Long-running commands stream Dokku's output back as it
//! comes (the page shows it live); the rest redirect with a flash message.

use std::convert::Infallible;

use axum::body::{Body, Bytes};
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use dokku::{AppName, Chunk, ConfigKey, Domain, OutputStream, ProcessType, SecretString};
use futures_util::{stream, Stream, StreamExt};
use serde::Deserialize;

use super::{AppState, Ctx, WebError};

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

/// A Dokku error from an action on `app`: its page leads back to the app.
fn on_app(app: &AppName) -> impl FnOnce(dokku::Error) -> WebError + '_ {
    move |e| WebError::AppDokku(Box::new((app.clone(), e)))
}

fn bad(e: impl std::fmt::Display) -> WebError {
    WebError::BadRequest(e.to_string())
}

/// Redirect with a message for the next page.
fn done(state: &AppState, ctx: &Ctx, to: &str, message: String) -> Response {
    state.auth.flash(&ctx.token, message);
    Redirect::to(to).into_response()
}

/// After a change to an app: forget the snapshot, back to the app's page.
pub fn changed(state: &AppState, ctx: &Ctx, app: &AppName, message: String) -> Response {
    state.cache.invalidate();
    done(state, ctx, &app_url(app.as_str()), message)
}

/// Dokku's output as a plain-text body, ending with the exit status. The
/// snapshot is invalidated again at the end: the command changed the host
/// while it ran.
fn streamed(state: &AppState, output: OutputStream) -> Response {
    let state = state.clone();
    state.cache.invalidate();
    // Whole lines only, so a godotenv error (a deploy or restart reading a
    // corrupt ENV prints one) can be cut before the stored values it quotes.
    let mut partial: Vec<u8> = Vec::new();
    let mut lines = move |bytes: Vec<u8>, flush: bool| -> Bytes {
        partial.extend_from_slice(&bytes);
        let end = if flush {
            partial.len()
        } else {
            partial
                .iter()
                .rposition(|&b| b == b'\n')
                .map_or(0, |i| i + 1)
        };
        let whole: Vec<u8> = partial.drain(..end).collect();
        let text = String::from_utf8_lossy(&whole);
        Bytes::from(dokku::parse::config::redact_env_read_errors(&text).into_owned())
    };
    let body = output
        .map(move |chunk| {
            Ok::<_, Infallible>(match chunk {
                Ok(Chunk::Stdout(b) | Chunk::Stderr(b)) => lines(b, false),
                Ok(Chunk::Exit(status)) => {
                    let rest = lines(Vec::new(), true);
                    let mut out = rest.to_vec();
                    out.extend_from_slice(format!("\n[{status}]\n").as_bytes());
                    Bytes::from(out)
                }
                Err(e) => Bytes::from(format!("\n[error: {e}]\n")),
            })
        })
        .chain(stream::once(async move {
            state.cache.invalidate();
            Ok(Bytes::new())
        }));
    (
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        Body::from_stream(body),
    )
        .into_response()
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
    let app = AppName::new(form.name.trim()).map_err(bad)?;
    let dokku = state.audited(&ctx.session).await?;
    dokku.apps().create(&app).await?;
    Ok(changed(&state, &ctx, &app, format!("created {app}")))
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
    let to = AppName::new(form.new_name.trim()).map_err(bad)?;
    let dokku = state.audited(&ctx.session).await?;
    dokku.apps().rename(&app, &to).send().await?;
    state.cache.invalidate();
    Ok(done(
        &state,
        &ctx,
        &app_url(to.as_str()),
        format!("renamed {app} to {to}"),
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
    let dokku = state.audited(&ctx.session).await?;
    dokku.apps().destroy(&app, form.confirm.trim()).await?;
    state.cache.invalidate();
    Ok(done(&state, &ctx, "/", format!("destroyed {app}")))
}

/// Start, stop, restart or rebuild, streaming Dokku's output.
pub async fn ps_action(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path((app, action)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let app = app_name(&app)?;
    let dokku = state.audited(&ctx.session).await?;
    let ps = dokku.ps();
    let action = match action.as_str() {
        "start" => ps.start(&app),
        "stop" => ps.stop(&app),
        "restart" => ps.restart(&app),
        "rebuild" => ps.rebuild(&app),
        other => return Err(WebError::NotFound(format!("action {other}"))),
    };
    let output = action.stream().await?;
    Ok(streamed(&state, output))
}

/// Set the formation (`web=2&worker=1`), streaming the deploy.
pub async fn scale(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(app): Path<String>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let app = app_name(&app)?;
    let dokku = state.audited(&ctx.session).await?;
    let mut scale = dokku.ps().scale(&app);
    for (process, quantity) in form.iter().filter(|(k, _)| k != "_csrf") {
        let process = ProcessType::new(process).map_err(bad)?;
        let quantity: u32 = quantity
            .trim()
            .parse()
            .ok()
            .filter(|n| *n <= 100)
            .ok_or_else(|| bad(format!("{process}: a count from 0 to 100")))?;
        scale = scale.process(process, quantity);
    }
    let output = scale.stream().await?;
    Ok(streamed(&state, output))
}

/// `key=…&value=…[&no_restart=on]`.
#[derive(Debug, Deserialize)]
pub struct ConfigForm {
    key: String,
    value: String,
    no_restart: Option<String>,
}

/// Set one config var.
pub async fn config_set(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(app): Path<String>,
    Form(form): Form<ConfigForm>,
) -> Result<Response, WebError> {
    let app = app_name(&app)?;
    let key = ConfigKey::new(form.key.trim()).map_err(bad)?;
    let dokku = state.audited(&ctx.session).await?;
    let mut set = dokku
        .config()
        .set(&app)
        .var(key.clone(), SecretString::new(form.value));
    if form.no_restart.is_some() {
        set = set.no_restart();
    }
    set.send().await.map_err(on_app(&app))?;
    Ok(changed(&state, &ctx, &app, format!("set {key}")))
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
            errors.push(format!("line {}: no '='", n + 1));
            continue;
        };
        let key = match ConfigKey::new(key.trim()) {
            Ok(key) => key,
            Err(e) => {
                errors.push(format!("line {}: {e}", n + 1));
                continue;
            }
        };
        vars.push((key, SecretString::new(unquote(value.trim()))));
    }
    match (errors.is_empty(), vars.is_empty()) {
        (false, _) => Err(errors.join("; ")),
        (true, true) => Err("no KEY=value lines".to_owned()),
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
    set.send().await.map_err(on_app(&app))?;
    Ok(changed(
        &state,
        &ctx,
        &app,
        format!("set {count} variables"),
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
    let key = ConfigKey::new(form.key.trim()).map_err(bad)?;
    let dokku = state.audited(&ctx.session).await?;
    dokku
        .config()
        .unset(&app)
        .key(key.clone())
        .send()
        .await
        .map_err(on_app(&app))?;
    Ok(changed(&state, &ctx, &app, format!("unset {key}")))
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
    let key = ConfigKey::new(form.key.trim()).map_err(bad)?;
    let dokku = state.audited(&ctx.session).await?;
    let value = dokku
        .config()
        .get(&app, &key)
        .await
        .map_err(on_app(&app))?
        .ok_or_else(|| WebError::NotFound(format!("config var {key}")))?;
    Ok((
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        value.expose().to_owned(),
    )
        .into_response())
}

/// `domain=…`.
#[derive(Debug, Deserialize)]
pub struct DomainForm {
    domain: String,
}

/// Add (`/domains/add`) or remove (`/domains/remove`) a domain.
pub async fn domain(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path((app, verb)): Path<(String, String)>,
    Form(form): Form<DomainForm>,
) -> Result<Response, WebError> {
    let app = app_name(&app)?;
    let domain = Domain::new(form.domain.trim()).map_err(bad)?;
    let domains = std::slice::from_ref(&domain);
    let dokku = state.audited(&ctx.session).await?;
    let done = match verb.as_str() {
        "add" => dokku.domains().add(&app, domains).await.map(|()| "added"),
        "remove" => dokku
            .domains()
            .remove(&app, domains)
            .await
            .map(|()| "removed"),
        other => return Err(WebError::NotFound(format!("domains/{other}"))),
    }?;
    Ok(changed(&state, &ctx, &app, format!("{done} {domain}")))
}

/// `?n=100&process=web`.
#[derive(Debug, Default, Deserialize)]
pub struct LogParams {
    /// How many past lines.
    pub n: Option<u32>,
    /// Only this process type.
    pub process: Option<String>,
}

impl LogParams {
    /// The line count, capped at Dokku's retained 1000.
    pub fn lines(&self) -> u32 {
        self.n.unwrap_or(100).clamp(1, 1000)
    }

    /// The process filter, if any.
    pub fn process_type(&self) -> Result<Option<ProcessType>, WebError> {
        self.process
            .as_deref()
            .filter(|p| !p.is_empty())
            .map(ProcessType::new)
            .transpose()
            .map_err(bad)
    }
}

/// A log line as the page's script receives it.
pub fn line_json(line: &dokku::model::logs::LogLine) -> String {
    serde_json::json!({
        "t": super::pages::timestamp(line.timestamp),
        "p": line.process_type.as_ref().map(|p| match line.index {
            Some(i) => format!("{p}.{i}"),
            None => p.to_string(),
        }),
        "m": line.message,
    })
    .to_string()
}

/// Follow an app's logs as server-sent events: the last `n` lines, then
/// new ones as they come. Dropping the connection stops `logs --tail`.
pub async fn logs_stream(
    State(state): State<AppState>,
    Path(app): Path<String>,
    Query(params): Query<LogParams>,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, WebError> {
    let app = app_name(&app)?;
    let mut query = state.dokku.logs().app(&app).num(params.lines());
    if let Some(process) = params.process_type()? {
        query = query.process(process);
    }
    let lines = query.follow().await?;
    let events = lines.map(|line| {
        Ok(match line {
            Ok(line) => Event::default().event("line").data(line_json(&line)),
            Err(e) => Event::default()
                .event("failure")
                .data(serde_json::Value::String(e.to_string()).to_string()),
        })
    });
    Ok(Sse::new(events).keep_alive(KeepAlive::default()))
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
