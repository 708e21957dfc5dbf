//! The dashboard as a library: [`app`] builds the whole router from an
//! [`AppState`], so tests and the bench drive it without a socket.
//!
//! Request flow: security headers on every response; [`guard`] lets only
//! the login page and the static assets through without a session, checks
//! the CSRF token on every state-changing request and keeps viewers to
//! reads; handlers run Dokku commands, mutations through an [`Audited`]
//! executor whose actor is the session's role.

// The binary, its tests and the bench each use a part.
#![allow(dead_code)]

pub mod auth;
pub mod data;
pub mod handlers;
pub mod pages;

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use dokku::{Dokku, Executor};
use dokku_history::{Audited, HistoryError, HistoryStore, Source, Verification};
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::set_header::SetResponseHeaderLayer;

use auth::{Auth, Session};
use data::SnapshotCache;

/// The largest request body accepted (a pasted .env file fits).
pub const BODY_LIMIT: usize = 256 * 1024;

/// Settings that are not secrets.
#[derive(Debug, Clone)]
pub struct Options {
    /// Mark the session cookie `Secure` (and name it `__Host-…`).
    pub secure_cookie: bool,
    /// How long a dashboard snapshot is reused.
    pub snapshot_ttl: Duration,
    /// The host's name in history records.
    pub host_label: String,
    /// How long the history page reuses a hash-chain verification. A full
    /// verify reads every record (about 1.5 s at a million), so page loads
    /// share one result; "Verify now" forces a fresh one.
    pub verify_ttl: Duration,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            secure_cookie: true,
            snapshot_ttl: Duration::from_secs(3),
            host_label: "local".to_owned(),
            verify_ttl: Duration::from_secs(60),
        }
    }
}

/// Everything the handlers share.
#[derive(Debug)]
pub struct Inner {
    /// The executor (unaudited; reads go through [`Inner::dokku`]).
    pub executor: Arc<dyn Executor>,
    /// A client for reads, with the host's capabilities cached.
    pub dokku: Dokku,
    /// The audit history.
    pub history: HistoryStore,
    /// Passwords and sessions.
    pub auth: Auth,
    /// The dashboard snapshot.
    pub cache: SnapshotCache,
    /// The last hash-chain verification and when it finished. The async
    /// mutex makes concurrent page loads wait for one verify, not run many.
    pub verified: tokio::sync::Mutex<Option<(Instant, Verification)>>,
    /// Settings.
    pub options: Options,
}

/// The router's state; cheap to clone.
#[derive(Debug, Clone)]
pub struct AppState(pub Arc<Inner>);

impl std::ops::Deref for AppState {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}

impl AppState {
    /// State over an executor, a history store and the passwords.
    pub fn new(
        executor: Arc<dyn Executor>,
        history: HistoryStore,
        auth: Auth,
        options: Options,
    ) -> Self {
        Self(Arc::new(Inner {
            dokku: Dokku::from_arc(Arc::clone(&executor)),
            executor,
            history,
            auth,
            cache: SnapshotCache::new(options.snapshot_ttl),
            verified: tokio::sync::Mutex::new(None),
            options,
        }))
    }

    /// A client whose every command is recorded in the history, with the
    /// session's role as actor and `web` as source.
    pub async fn audited(&self, session: &Session) -> Result<Dokku, WebError> {
        let caps = self.dokku.capabilities().await?;
        let audited = Audited::new(Arc::clone(&self.executor), self.history.clone())
            .actor(session.role.as_str())
            .source(Source::Web)
            .host(self.options.host_label.clone());
        Ok(Dokku::new(audited).with_capabilities((*caps).clone()))
    }

    /// The history's hash-chain verification, reused for
    /// `options.verify_ttl` unless `fresh`; with its age. Failures are not
    /// kept, so the next load tries again.
    pub async fn verification(
        &self,
        fresh: bool,
    ) -> Result<(Verification, Duration), HistoryError> {
        let mut kept = self.verified.lock().await;
        if let Some((at, v)) = kept.as_ref() {
            if !fresh && at.elapsed() < self.options.verify_ttl {
                return Ok((v.clone(), at.elapsed()));
            }
        }
        let v = self.history.verify().await?;
        *kept = Some((Instant::now(), v.clone()));
        Ok((v, Duration::ZERO))
    }

    /// The session cookie's name: `__Host-` binds a Secure cookie to this
    /// exact origin (no Domain, Path=/).
    pub fn cookie_name(&self) -> &'static str {
        if self.options.secure_cookie {
            "__Host-dokku_session"
        } else {
            "dokku_session"
        }
    }

    /// The `Set-Cookie` value for a session token (`None`: clear it).
    pub fn session_cookie(&self, token: Option<&str>) -> String {
        let secure = if self.options.secure_cookie {
            "; Secure"
        } else {
            ""
        };
        match token {
            Some(t) => format!(
                "{}={t}; Path=/; HttpOnly; SameSite=Strict{secure}",
                self.cookie_name()
            ),
            None => format!(
                "{}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0{secure}",
                self.cookie_name()
            ),
        }
    }
}

/// What a request failed with, as the person sees it.
#[derive(Debug)]
pub enum WebError {
    /// A Dokku command failed.
    Dokku(dokku::Error),
    /// A Dokku command about one app failed: the page says what to do and
    /// leads back to the app.
    AppDokku(Box<(dokku::AppName, dokku::Error)>),
    /// The history store failed.
    History(HistoryError),
    /// No such page or app.
    NotFound(String),
    /// The input was refused before anything was sent.
    BadRequest(String),
}

impl From<dokku::Error> for WebError {
    fn from(e: dokku::Error) -> Self {
        WebError::Dokku(e)
    }
}

impl From<HistoryError> for WebError {
    fn from(e: HistoryError) -> Self {
        WebError::History(e)
    }
}

impl WebError {
    /// The Dokku error behind this one, if any.
    fn dokku(&self) -> Option<&dokku::Error> {
        match self {
            WebError::Dokku(e) => Some(e),
            WebError::AppDokku(failure) => Some(&failure.1),
            _ => None,
        }
    }

    fn status(&self) -> StatusCode {
        if let Some(e) = self.dokku() {
            return match e {
                dokku::Error::AppNotFound { .. } => StatusCode::NOT_FOUND,
                dokku::Error::AppExists { .. } | dokku::Error::CorruptConfig { .. } => {
                    StatusCode::CONFLICT
                }
                dokku::Error::InvalidArgument { .. }
                | dokku::Error::UnstorableConfigValue { .. } => StatusCode::BAD_REQUEST,
                dokku::Error::CommandFailed { .. } | dokku::Error::AppNotDeployed { .. } => {
                    StatusCode::UNPROCESSABLE_ENTITY
                }
                _ => StatusCode::BAD_GATEWAY,
            };
        }
        match self {
            WebError::Dokku(_) | WebError::AppDokku(_) => StatusCode::BAD_GATEWAY,
            WebError::History(_) => StatusCode::INTERNAL_SERVER_ERROR,
            WebError::NotFound(_) => StatusCode::NOT_FOUND,
            WebError::BadRequest(_) => StatusCode::BAD_REQUEST,
        }
    }

    /// The message shown (escaped by the template).
    pub fn message(&self) -> String {
        match self {
            WebError::Dokku(e) => e.to_string(),
            WebError::AppDokku(failure) => failure.1.to_string(),
            WebError::History(e) => format!("history: {e}"),
            WebError::NotFound(what) => format!("not found: {what}"),
            WebError::BadRequest(why) => why.clone(),
        }
    }
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        let page = match &self {
            WebError::AppDokku(failure) => pages::app_error_page(
                &self.message(),
                failure.0.as_str(),
                &handlers::app_url(failure.0.as_str()),
                &failure.1,
            ),
            _ => pages::error_page(&self.message()),
        };
        (self.status(), page).into_response()
    }
}

/// A refusal that carries no detail (401, 403, 429).
pub fn refuse(status: StatusCode, why: &str) -> Response {
    (status, pages::error_page(why)).into_response()
}

/// The logged-in session and its cookie token, for handlers.
#[derive(Debug, Clone)]
pub struct Ctx {
    /// The cookie token (to log out or leave a flash message).
    pub token: String,
    /// The session.
    pub session: Session,
}

/// A cookie's value from the request.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
}

/// The client's address (all clients share one bucket when there is no
/// socket, as in router tests). Forwarded headers are not trusted.
pub fn client_ip(req_extensions: &axum::http::Extensions) -> IpAddr {
    req_extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(IpAddr::from([0, 0, 0, 0]), |c| c.0.ip())
}

/// The CSRF token of a form body (`_csrf=…`).
pub fn form_csrf(body: &[u8]) -> Option<String> {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(body)
        .unwrap_or_default()
        .into_iter()
        .find(|(k, _)| k == "_csrf")
        .map(|(_, v)| v)
}

fn is_read(method: &Method) -> bool {
    method == Method::GET || method == Method::HEAD
}

/// Sessions, CSRF and roles, in front of every route.
pub async fn guard(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let path = req.uri().path();
    if path == "/login" || path == "/favicon.ico" || path.starts_with("/static/") {
        return next.run(req).await;
    }
    let token = cookie(req.headers(), state.cookie_name());
    let found = token
        .as_deref()
        .and_then(|t| state.auth.session(t))
        .zip(token);
    let Some((session, token)) = found else {
        return if is_read(req.method()) {
            Redirect::to("/login").into_response()
        } else {
            refuse(StatusCode::UNAUTHORIZED, "log in first")
        };
    };
    let mut req = if is_read(req.method()) {
        req
    } else {
        let (parts, body) = req.into_parts();
        let Ok(bytes) = axum::body::to_bytes(body, BODY_LIMIT).await else {
            return refuse(StatusCode::PAYLOAD_TOO_LARGE, "request too large");
        };
        let sent = parts
            .headers
            .get("x-csrf-token")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
            .or_else(|| form_csrf(&bytes));
        if !sent.is_some_and(|t| auth::same(&t, &session.csrf)) {
            return refuse(StatusCode::FORBIDDEN, "missing or wrong CSRF token");
        }
        if !session.is_admin() && parts.uri.path() != "/logout" {
            return refuse(StatusCode::FORBIDDEN, "viewers cannot change anything");
        }
        Request::from_parts(parts, Body::from(bytes))
    };
    req.extensions_mut().insert(Ctx { token, session });
    next.run(req).await
}

async fn app_js() -> Response {
    asset("text/javascript; charset=utf-8", pages::APP_JS)
}

async fn app_css() -> Response {
    asset("text/css; charset=utf-8", pages::APP_CSS)
}

fn asset(content_type: &'static str, body: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        body,
    )
        .into_response()
}

/// The Content-Security-Policy: only this origin's scripts and styles, no
/// inline script, no framing, forms only to this origin.
pub const CSP: &str = "default-src 'self'; base-uri 'none'; form-action 'self'; \
                       frame-ancestors 'none'; object-src 'none'";

/// The whole dashboard.
pub fn app(state: AppState) -> Router {
    let headers = [
        (header::CONTENT_SECURITY_POLICY, CSP),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::REFERRER_POLICY, "no-referrer"),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (
            header::HeaderName::from_static("cross-origin-opener-policy"),
            "same-origin",
        ),
    ];
    let mut router = Router::new()
        .route("/", get(pages::dashboard::page))
        .route("/login", get(pages::login::form).post(pages::login::submit))
        .route("/logout", post(pages::login::logout))
        .route("/apps", post(handlers::create))
        .route("/apps/{app}", get(pages::app::page))
        .route("/apps/{app}/rename", post(handlers::rename))
        .route("/apps/{app}/destroy", post(handlers::destroy))
        .route("/apps/{app}/ps/{action}", post(handlers::ps_action))
        .route("/apps/{app}/scale", post(handlers::scale))
        .route("/apps/{app}/config", post(handlers::config_set))
        .route("/apps/{app}/config/bulk", post(handlers::config_bulk))
        .route("/apps/{app}/config/unset", post(handlers::config_unset))
        .route("/apps/{app}/config/reveal", post(handlers::config_reveal))
        .route("/apps/{app}/domains/{verb}", post(handlers::domain))
        .route("/apps/{app}/logs", get(handlers::logs_stream))
        .route("/apps/{app}/tls/{action}", post(pages::network::tls))
        .route("/apps/{app}/ports/{action}", post(pages::network::ports))
        .route(
            "/databases",
            get(pages::databases::page).post(pages::databases::create),
        )
        .route(
            "/databases/{plugin}/{service}/{action}",
            post(pages::databases::action),
        )
        .route("/history", get(pages::history::page))
        .route("/history/export", get(pages::history::export))
        .route("/static/app.js", get(app_js))
        .route("/static/app.css", get(app_css))
        // Browsers ask for it on every site; no icon, and no redirect to
        // the login page either.
        .route("/favicon.ico", get(|| async { StatusCode::NO_CONTENT }))
        .fallback(|| async { WebError::NotFound("this page".to_owned()) })
        .layer(middleware::from_fn_with_state(state.clone(), guard))
        .layer(RequestBodyLimitLayer::new(BODY_LIMIT))
        // Pages may show secrets (a revealed value, the history): nothing
        // is cached unless a handler says otherwise (the static assets).
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ));
    for (name, value) in headers {
        router = router.layer(SetResponseHeaderLayer::overriding(
            name,
            HeaderValue::from_static(value),
        ));
    }
    router.with_state(state)
}

#[cfg(test)]
mod tests;
