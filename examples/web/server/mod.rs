//! The dashboard as a library: [`app`] builds the whole router from an
//! [`AppState`], so tests and the bench drive it without a socket.
//!
//! Request flow: security headers on every response; [`guard`] reads each
//! route's access from the one route table ([`routes::table`]): only public
//! routes pass without a session, every state-changing request needs the
//! session's CSRF token, and the user's role for the route's host and
//! `{app}` ([`users::User::role_for`]) must reach what the route needs.
//! Handlers run Dokku commands, mutations through an [`Audited`] executor
//! whose actor is the user's name.
//!
//! Forms are answered two ways. The page script sends `Accept:
//! application/json` and gets `{ok, to}` or `{ok: false, message, dokku}`
//! (shown next to the form, the input kept); a plain form post is
//! redirected: to the next page with a flash message, or back to the form's
//! page with the problem shown at the form. No request ever ends on a bare
//! error document.

// The binary, its tests and the bench each use a part.
#![allow(dead_code)]

pub mod api;
pub mod auth;
pub mod data;
pub mod fleet;
pub mod handlers;
pub mod notifications;
pub mod pages;
pub mod problem;
pub mod routes;
pub mod users;

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::rejection::RawPathParamsRejection;
use axum::extract::{MatchedPath, RawPathParams};

use axum::body::Body;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Router;
use dokku::{Dokku, Executor};
use dokku_history::{Audited, HistoryError, HistoryStore, Outcome, Source, Verification};
use tower_http::set_header::SetResponseHeaderLayer;

use auth::{Auth, Problem, Role, Session};
use data::{Settings, Store};
use fleet::{FleetView, HostSpec, Place, Site, SiteHost};
use problem::Failure;
use routes::{Access, Route, Scope};
use users::User;

/// The largest request body accepted (a pasted .env file fits).
pub const BODY_LIMIT: usize = 256 * 1024;

/// Settings that are not secrets.
#[derive(Debug, Clone)]
pub struct Options {
    /// Mark the session cookie `Secure` (and name it `__Host-…`).
    pub secure_cookie: bool,
    /// How the dashboard's refresher spends Dokku's time.
    pub refresh: Settings,
    /// Where the dashboard's snapshot is kept (none: in memory only).
    pub snapshot_file: Option<std::path::PathBuf>,
    /// The host's name in history records.
    pub host_label: String,
    /// How long the history page reuses a hash-chain verification. A full
    /// verify reads every record (about 1.5 s at a million), so page loads
    /// share one result; "Verify now" forces a fresh one.
    pub verify_ttl: Duration,
    /// Set into the cookie names, so dashboards on other ports of the same
    /// host (a browser sends every port the same cookies) keep their own
    /// sessions: the listening port. Empty: no suffix.
    pub cookie_scope: String,
    /// How long the fleet page shows a fleet status before reading a new
    /// one (in the background).
    pub fleet_ttl: Duration,
    /// The webhook and which events go to it (one for every host).
    pub notifications: Arc<notifications::Notifications>,
    /// The host's clock when it is not this machine's (a simulated host's
    /// fixed time), for certificate expiry.
    pub host_clock: Option<std::time::SystemTime>,
    /// The API's bearer tokens (shared by every host).
    pub tokens: Arc<api::tokens::Tokens>,
    /// How often each host's builds are read for pushes, from start
    /// ([`notifications::BUILDS_EVERY`]); `None`, the default: never (a
    /// test reads them itself when it wants).
    pub builds_every: Option<Duration>,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            secure_cookie: true,
            refresh: Settings::default(),
            snapshot_file: None,
            host_label: "local".to_owned(),
            verify_ttl: Duration::from_secs(60),
            cookie_scope: String::new(),
            fleet_ttl: Duration::from_secs(30),
            notifications: Arc::new(notifications::Notifications::in_memory(
                crate::common::notify::tokio_sleep(),
            )),
            host_clock: None,
            tokens: Arc::new(api::tokens::Tokens::in_memory()),
            builds_every: None,
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
    /// Passwords and sessions (one set for every host).
    pub auth: Arc<Auth>,
    /// The dashboard's snapshot, kept fresh by [`data::refresher`].
    pub store: Arc<Store>,
    /// The refresher and the trail watcher (ended with the state).
    tasks: Vec<tokio::task::JoinHandle<()>>,
    /// The last hash-chain verification and when it finished. The async
    /// mutex makes concurrent page loads wait for one verify, not run many.
    pub verified: tokio::sync::Mutex<Option<(Instant, Verification)>>,
    /// Settings.
    pub options: Options,
    /// Which host this is, and where its pages live.
    pub place: Place,
    /// Every host of the dashboard, and the fleet status.
    pub site: Arc<Site>,
    /// What this host's notifications have told, and the apps whose last
    /// deploy failed.
    pub watch: Arc<notifications::HostWatch>,
}

impl Drop for Inner {
    fn drop(&mut self) {
        for task in self.tasks.drain(..) {
            task.abort();
        }
    }
}

/// How often the dashboard looks in the audit trail for changes other
/// programs made.
const TRAIL_EVERY: Duration = Duration::from_secs(2);

/// The time on a host: its fixed clock (a simulated host), else this
/// machine's.
fn host_clock(fixed: Option<std::time::SystemTime>) -> impl Fn() -> std::time::SystemTime {
    move || fixed.unwrap_or_else(std::time::SystemTime::now)
}

/// How often the dashboard asks again whether Dokku's event logger is on
/// (and follows it again after the follow ended).
const EVENTS_RECHECK: Duration = Duration::from_secs(300);

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
    /// State over one host's executor, a history store and the passwords:
    /// the dashboard of that host, its pages at their paths.
    pub fn new(
        executor: Arc<dyn Executor>,
        history: HistoryStore,
        auth: Auth,
        options: Options,
    ) -> Self {
        let label = options.host_label.clone();
        let specs: Vec<HostSpec> = fleet::host_name_for(&label)
            .into_iter()
            .map(|name| HostSpec {
                name,
                target: label.clone(),
                labels: dokku_fleet::Labels::default(),
                executor: Arc::clone(&executor),
                snapshot_file: options.snapshot_file.clone(),
                clock: None,
            })
            .collect();
        let site = Arc::new(Self::site(&specs, &auth, &options, false));
        let place = Place {
            name: label,
            base: String::new(),
        };
        Self::host(
            executor,
            site.hosts.first(),
            history,
            Arc::new(auth),
            options,
            place,
            Arc::clone(&site),
        )
    }

    /// State for each of several hosts (a fleet): each with its own
    /// client, snapshot and refresher, its pages under `/h/{name}`; one
    /// history, one set of sessions, one fleet status. Serve them with
    /// [`fleet_app`].
    pub fn fleet(
        mut hosts: Vec<HostSpec>,
        history: HistoryStore,
        auth: Auth,
        options: Options,
    ) -> Vec<Self> {
        // The fleet's order (by name) is the switcher's.
        hosts.sort_by(|a, b| a.name.cmp(&b.name));
        let site = Arc::new(Self::site(&hosts, &auth, &options, true));
        let auth = Arc::new(auth);
        hosts
            .into_iter()
            .zip(&site.hosts)
            .map(|(spec, at)| {
                let options = Options {
                    host_label: spec.name.to_string(),
                    snapshot_file: spec.snapshot_file.clone(),
                    host_clock: spec.clock,
                    ..options.clone()
                };
                let place = Place {
                    name: spec.name.to_string(),
                    base: at.base.clone(),
                };
                Self::host(
                    spec.executor,
                    Some(at),
                    history.clone(),
                    Arc::clone(&auth),
                    options,
                    place,
                    Arc::clone(&site),
                )
            })
            .collect()
    }

    /// The hosts' snapshots and the fleet status over their executors.
    fn site(hosts: &[HostSpec], auth: &Auth, options: &Options, multi: bool) -> Site {
        let clock = auth.clock().clone();
        let site_hosts = hosts
            .iter()
            .map(|spec| SiteHost {
                name: spec.name.to_string(),
                base: if multi {
                    format!("/h/{}", spec.name)
                } else {
                    String::new()
                },
                store: Arc::new(Store::new(
                    clock.clone(),
                    options.refresh.clone(),
                    spec.snapshot_file.clone(),
                )),
                watch: Arc::default(),
            })
            .collect();
        let mut builder = dokku_fleet::Fleet::builder();
        for spec in hosts {
            builder = builder.executor(
                spec.name.clone(),
                spec.target.clone(),
                spec.labels.clone(),
                Arc::clone(&spec.executor),
            );
        }
        let fleet = builder.build().ok().map(|fleet| {
            let clocks = hosts
                .iter()
                .filter_map(|h| Some((h.name.clone(), h.clock?)))
                .collect();
            Arc::new(FleetView::new(fleet, clocks, clock, options.fleet_ttl))
        });
        if let Some(view) = fleet.as_ref().filter(|_| multi) {
            // The first reading starts now, so the fleet page rarely waits
            // (a single host's starts when its fleet page is first shown).
            view.start();
        }
        Site {
            hosts: site_hosts,
            multi,
            fleet,
            notifications: Arc::clone(&options.notifications),
        }
    }

    /// One host's state, with its snapshot and watch from `at` (made
    /// here without one); its refresher starts when there is a runtime.
    fn host(
        executor: Arc<dyn Executor>,
        at: Option<&SiteHost>,
        history: HistoryStore,
        auth: Arc<Auth>,
        options: Options,
        place: Place,
        site: Arc<Site>,
    ) -> Self {
        let dokku = Dokku::from_arc(Arc::clone(&executor));
        let watch = at.map(|h| Arc::clone(&h.watch)).unwrap_or_default();
        let store = at.map(|h| Arc::clone(&h.store)).unwrap_or_else(|| {
            Arc::new(Store::new(
                auth.clock().clone(),
                options.refresh.clone(),
                options.snapshot_file.clone(),
            ))
        });
        // What this dashboard records and then reads is not read again
        // when the trail shows it.
        store.follow_trail(history.appended());
        // One refresher per host, a look at the trail every two seconds
        // for what other programs changed on it, and a follow of Dokku's
        // event log for what changed on the host, when there is a runtime
        // to run them.
        let tasks = match tokio::runtime::Handle::try_current() {
            Ok(rt) => vec![
                rt.spawn(data::refresher(Arc::clone(&store), dokku.clone())),
                rt.spawn(notifications::watch_trail(
                    Arc::clone(&site.notifications),
                    Arc::clone(&watch),
                    Arc::clone(&store),
                    history.clone(),
                    options.host_label.clone(),
                    TRAIL_EVERY,
                )),
                rt.spawn(notifications::watch(
                    Arc::clone(&site.notifications),
                    Arc::clone(&watch),
                    Arc::clone(&store),
                    dokku.clone(),
                    options.host_label.clone(),
                    host_clock(options.host_clock),
                    options.builds_every,
                )),
                rt.spawn({
                    let watch = Arc::clone(&watch);
                    data::watch_events(
                        Arc::clone(&store),
                        dokku.clone(),
                        EVENTS_RECHECK,
                        move |e| {
                            watch.on_event(e);
                        },
                    )
                }),
            ],
            Err(_) => Vec::new(),
        };
        Self(Arc::new(Inner {
            dokku,
            executor,
            history,
            auth,
            store,
            tasks,
            verified: tokio::sync::Mutex::new(None),
            options,
            place,
            site,
            watch,
        }))
    }

    /// The state the fleet's own pages (login, the fleet page) are served
    /// with: the first host's clients, no refresher of its own, the header
    /// saying [`fleet::ALL_HOSTS`].
    fn site_level(&self) -> Self {
        Self(Arc::new(Inner {
            dokku: self.dokku.clone(),
            executor: Arc::clone(&self.executor),
            history: self.history.clone(),
            auth: Arc::clone(&self.auth),
            store: Arc::clone(&self.store),
            tasks: Vec::new(),
            verified: tokio::sync::Mutex::new(None),
            options: self.options.clone(),
            place: Place {
                name: fleet::ALL_HOSTS.to_owned(),
                base: String::new(),
            },
            site: Arc::clone(&self.site),
            watch: Arc::clone(&self.watch),
        }))
    }

    /// A client whose every command is recorded in the history, with the
    /// session's user as actor and `web` as source.
    pub async fn audited(&self, session: &Session) -> Result<Dokku, WebError> {
        self.audited_correlated(session, None).await
    }

    /// [`AppState::audited`], its commands recorded under `correlation`
    /// (a rollback's `rollback:<id>`).
    pub async fn audited_correlated(
        &self,
        session: &Session,
        correlation: Option<&str>,
    ) -> Result<Dokku, WebError> {
        self.audited_as(session.user.as_str(), Source::Web, correlation)
            .await
    }

    /// A client whose every command is recorded with `actor`, `source`
    /// and `correlation` (the API's: a token's owner, `api`, `token:<id>`).
    pub async fn audited_as(
        &self,
        actor: &str,
        source: Source,
        correlation: Option<&str>,
    ) -> Result<Dokku, WebError> {
        let caps = self.dokku.capabilities().await?;
        let mut audited = Audited::new(Arc::clone(&self.executor), self.history.clone())
            .actor(actor)
            .source(source)
            .host(self.options.host_label.clone());
        if let Some(id) = correlation {
            audited = audited.correlation(id);
        }
        Ok(Dokku::new(audited).with_capabilities((*caps).clone()))
    }

    /// Record something the dashboard did itself, not a Dokku command (a
    /// failed login, a user added): a `web:…` record on this host, by
    /// `actor`, from the web.
    pub async fn record(
        &self,
        actor: &str,
        argv: Vec<String>,
        mutating: bool,
        outcome: Outcome,
        error: Option<String>,
    ) -> Result<i64, HistoryError> {
        self.append_own(actor, Source::Web, None, argv, mutating, outcome, error)
            .await
    }

    /// Record one call of the JSON API (`api:call METHOD PATH`), by the
    /// token's owner under `correlation` (`token:<id>`).
    pub async fn record_as(
        &self,
        actor: &str,
        source: Source,
        correlation: Option<&str>,
        argv: Vec<String>,
        outcome: Outcome,
        error: Option<String>,
    ) -> Result<i64, HistoryError> {
        self.append_own(actor, source, correlation, argv, false, outcome, error)
            .await
    }

    #[allow(clippy::too_many_arguments)]
    async fn append_own(
        &self,
        actor: &str,
        source: Source,
        correlation: Option<&str>,
        argv: Vec<String>,
        mutating: bool,
        outcome: Outcome,
        error: Option<String>,
    ) -> Result<i64, HistoryError> {
        let entry = dokku_history::Entry {
            correlation_id: correlation.map(str::to_owned),
            mutating,
            outcome,
            error,
            ..own_entry(&self.options.host_label, actor, source, argv)
        };
        self.history.append(entry).await
    }

    /// Record a failed login (`web:login`, failed) for the name tried,
    /// never the password. A record that cannot be written is logged: the
    /// login was refused either way.
    pub async fn record_failed_login(&self, user: &str, ip: IpAddr, why: &str) {
        let argv = vec!["web:login".to_owned(), user.to_owned()];
        let error = Some(format!("{why} (from {ip})"));
        if let Err(e) = self.record(user, argv, false, Outcome::Failed, error).await {
            tracing::error!(error = %e, "recording a failed login failed");
        }
    }

    /// The history's hash-chain verification, reused for
    /// `options.verify_ttl` unless `fresh`; with its age. Failures are not
    /// kept, so the next load tries again.
    pub async fn verification(
        &self,
        fresh: bool,
    ) -> Result<(Verification, Duration), HistoryError> {
        let mut kept = self.verified.lock().await;
        let now = self.auth.clock().now();
        if let Some((at, v)) = kept.as_ref() {
            let age = now.saturating_duration_since(*at);
            if !fresh && age < self.options.verify_ttl {
                return Ok((v.clone(), age));
            }
        }
        let v = self.history.verify().await?;
        *kept = Some((self.auth.clock().now(), v.clone()));
        Ok((v, Duration::ZERO))
    }

    /// A cookie's name: `__Host-` binds a Secure cookie to this exact host
    /// (no Domain, Path=/); the scope (the port) keeps dashboards on other
    /// ports of that host apart, since cookies ignore ports.
    pub fn scoped_cookie(&self, base: &str) -> String {
        let prefix = if self.options.secure_cookie {
            "__Host-"
        } else {
            ""
        };
        match self.options.cookie_scope.as_str() {
            "" => format!("{prefix}{base}"),
            scope => format!("{prefix}{base}_{scope}"),
        }
    }

    /// The session cookie's name.
    pub fn cookie_name(&self) -> String {
        self.scoped_cookie("dokku_session")
    }

    /// The `Set-Cookie` value for a session token (`None`: clear it).
    pub fn session_cookie(&self, token: Option<&str>) -> String {
        match token {
            Some(t) => self.cookie_header(&self.cookie_name(), t, None),
            None => self.cookie_header(&self.cookie_name(), "", Some(0)),
        }
    }

    /// A `Set-Cookie` value: for the whole site, HttpOnly,
    /// SameSite=Strict, Secure when served so; kept `max_age` seconds
    /// (`None`: until the browser closes).
    pub fn cookie_header(&self, name: &str, value: &str, max_age: Option<u64>) -> String {
        let age = max_age
            .map(|a| format!("; Max-Age={a}"))
            .unwrap_or_default();
        let secure = if self.options.secure_cookie {
            "; Secure"
        } else {
            ""
        };
        format!("{name}={value}; Path=/; HttpOnly; SameSite=Strict{age}{secure}")
    }
}

/// What a request failed with; [`WebError::failure`] says it for people.
#[derive(Debug)]
pub enum WebError {
    /// A Dokku command failed.
    Dokku(dokku::Error),
    /// A Dokku command failed while doing something (`link api-db to api`).
    Doing(Box<(String, dokku::Error)>),
    /// The history store failed.
    History(HistoryError),
    /// No such page, app or action (`app api`).
    NotFound(String),
    /// The input was refused before anything was sent.
    BadRequest(String),
    /// A name was refused before anything was sent.
    Name(dokku::NameError),
    /// One of the dashboard's own files could not be written (what, and
    /// why).
    Storage(String),
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

impl From<dokku::NameError> for WebError {
    fn from(e: dokku::NameError) -> Self {
        WebError::Name(e)
    }
}

/// `.map_err(doing("link api-db to api"))`: a Dokku error with what was
/// being done, for the message.
pub fn doing(what: impl Into<String>) -> impl FnOnce(dokku::Error) -> WebError {
    let what = what.into();
    move |e| WebError::Doing(Box::new((what, e)))
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        self.failure().into_response()
    }
}

/// A failure becomes what the request can show ([`guard`] turns it into
/// JSON, a redirect back to the form, or a page with the navigation): the
/// response carries it for that.
impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        let mut response = (self.status, pages::error_page(&self)).into_response();
        response.extensions_mut().insert(self);
        response
    }
}

/// A refusal outside a session (the login form's).
pub fn refuse(status: StatusCode, why: &str) -> Response {
    Failure::new(status, why).into_response()
}

/// The logged-in session and its cookie token, for handlers.
#[derive(Debug, Clone)]
pub struct Ctx {
    /// The cookie token (to log out or leave a flash message).
    pub token: String,
    /// The session.
    pub session: Session,
    /// The session's user, as the users file says now (grants changed
    /// while logged in apply at the next request).
    pub user: User,
    /// The route's `{app}`, if it has one.
    pub app: Option<String>,
    /// What the page shows, for its header and title: the host's name
    /// (its label with one host), or [`fleet::ALL_HOSTS`].
    pub host: String,
    /// The prefix of this host's pages (empty with one host).
    pub base: String,
    /// The request's host-relative path (for the host switcher).
    pub path: String,
    /// Every host of the dashboard.
    pub site: Arc<Site>,
}

impl Ctx {
    /// The user's role for an app of this page's host (`None`: the host
    /// itself): [`User::role_for`].
    pub fn role(&self, app: Option<&str>) -> Option<Role> {
        self.user.role_for(&self.host, app)
    }

    /// Whether the user has at least `need` for this route's app (on a
    /// page without one: for the host itself).
    pub fn can(&self, need: Role) -> bool {
        self.may(need, self.app.as_deref())
    }

    /// Whether the user has at least `need` for an app of this page's
    /// host (`None`: the host itself).
    pub fn may(&self, need: Role, app: Option<&str>) -> bool {
        self.user.may(need, &self.host, app)
    }

    /// A host-relative path on this page's host (`/apps/api` →
    /// `/h/eu-1/apps/api` in a fleet).
    pub fn at(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
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

/// A form field (`_csrf`, `_form`) of a form body.
pub fn form_field(body: &[u8], name: &str) -> Option<String> {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(body)
        .unwrap_or_default()
        .into_iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v)
}

/// Whether the page script sent the request (it asks for JSON answers).
pub fn from_script(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("application/json"))
}

/// A path that stays on this site (`/apps/api#config`), for `next` and
/// redirects: no `//host`, no `/\host`, no scheme, no control characters.
pub fn local_path(raw: &str) -> Option<&str> {
    let ok = raw.starts_with('/')
        && !raw.starts_with("//")
        && !raw.starts_with("/\\")
        && !raw.chars().any(|c| c.is_control());
    ok.then_some(raw)
}

/// The page a form on `path` lives on: the app's page for an app's
/// actions, the page of the same name for the databases', history's,
/// host's, users' and sessions' own, else the dashboard.
pub fn page_of(path: &str) -> String {
    let mut parts = path.trim_start_matches('/').split('/');
    match (parts.next(), parts.next()) {
        (Some("apps"), Some(app)) if !app.is_empty() => format!("/apps/{app}"),
        (Some("databases"), _) => "/databases".to_owned(),
        (Some("history"), _) => "/history".to_owned(),
        (Some("host"), _) => "/host".to_owned(),
        (Some("users"), _) => "/users".to_owned(),
        (Some("sessions"), _) => "/sessions".to_owned(),
        _ => "/".to_owned(),
    }
}

/// `/login?next=…`.
pub fn login_url(next: &str) -> String {
    match next {
        "/" | "" => "/login".to_owned(),
        next => format!("/login?next={}", pages::app::urlencode(next)),
    }
}

/// An id the page gave a form (`config-set`): letters, digits and `-`.
fn form_id(raw: Option<String>) -> Option<String> {
    raw.filter(|id| {
        !id.is_empty()
            && id.len() <= 200
            && id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    })
}

/// The JSON answer to the page script.
fn json(status: StatusCode, value: serde_json::Value) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        value.to_string(),
    )
        .into_response()
}

/// What the guard knows of a request once it has let it through.
struct Seen {
    path: String,
    read: bool,
    script: bool,
    form: Option<String>,
}

/// The guard's view of the routes: method, path and access of each; and
/// every host by name, for the API's routes.
#[derive(Clone)]
pub struct Guard {
    state: AppState,
    routes: Arc<Vec<(Method, &'static str, Access)>>,
    hosts: Arc<std::collections::BTreeMap<String, AppState>>,
}

/// Sessions, CSRF and roles in front of every route, by the route table;
/// and the answer to a form, by who sent it (see the module docs).
pub async fn guard(
    State(guard): State<Guard>,
    params: Result<RawPathParams, RawPathParamsRejection>,
    req: Request,
    next: Next,
) -> Response {
    let state = &guard.state;
    let matched = req
        .extensions()
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_owned());
    let method = req.method().clone();
    let read = method == Method::GET || method == Method::HEAD;
    let access = matched.as_deref().map_or(Access::Session, |m| {
        guard
            .routes
            .iter()
            .find(|(rm, rp, _)| *rp == m && (*rm == method || (read && *rm == Method::GET)))
            .map_or(Access::Session, |(_, _, a)| *a)
    });
    if let Access::Api(need) = access {
        let hosts = Arc::clone(&guard.hosts);
        return api::guard(hosts, &state.options.tokens, need, req, next).await;
    }
    if access == Access::Public {
        return next.run(req).await;
    }
    let path = req.uri().path().to_owned();
    if path.starts_with("/api/") {
        // No such API call (or not with this method): the API answers in
        // JSON, and never sends anyone to the login page.
        return api::ApiError::new(
            StatusCode::NOT_FOUND,
            "not_found",
            "There is no such API call: see /api/v1/openapi.json.",
        )
        .into_response();
    }
    let script = from_script(req.headers());
    let token = cookie(req.headers(), &state.cookie_name());
    let found = token
        .as_deref()
        .and_then(|t| state.auth.session(t))
        .zip(token);
    // A deleted user's sessions end with it, and a user's sessions with
    // the password they logged in with.
    let found = found.and_then(
        |(session, token)| match state.auth.users().get(&session.user) {
            Some(user) if session.signed_in_with(&user) => Some((session, token, user)),
            _ => {
                state.auth.logout(&token);
                None
            }
        },
    );
    let Some((session, token, user)) = found else {
        // Back to where the person was, after logging in.
        let next = if read {
            req.uri()
                .path_and_query()
                .map_or("/".to_owned(), |p| p.as_str().to_owned())
        } else {
            page_of(&path)
        };
        let next = state.place.at(&next);
        let login = login_url(&next);
        return if script {
            let mut body = Failure::new(
                StatusCode::UNAUTHORIZED,
                "Your session has ended: log in again.",
            )
            .json();
            body["login"] = serde_json::Value::String(login);
            json(StatusCode::UNAUTHORIZED, body)
        } else {
            Redirect::to(&login).into_response()
        };
    };
    let params = params.ok();
    let app = params.as_ref().and_then(|p| {
        p.iter()
            .find(|(k, _)| *k == "app")
            .map(|(_, v)| v.to_owned())
    });
    let ctx = Ctx {
        token,
        session,
        user,
        app,
        host: state.place.name.clone(),
        base: state.place.base.clone(),
        path: path.clone(),
        site: Arc::clone(&state.site),
    };
    let mut seen = Seen {
        path,
        read,
        script,
        form: None,
    };
    let mut req = req;
    if !read {
        let (parts, body) = req.into_parts();
        let length = parts
            .headers
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok());
        let too_large = |sent: Option<u64>| {
            let sent = sent.map_or(String::new(), |n| {
                format!(" ({} KB were sent)", n.div_ceil(1024))
            });
            Failure::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                format!(
                    "This form is too large for the dashboard{sent}: the limit is {} KB. \
                     Send a long .env file in parts.",
                    BODY_LIMIT / 1024
                ),
            )
        };
        let header_token = parts
            .headers
            .get("x-csrf-token")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        // A file the page's script sends (a dump to load) goes to its
        // handler as it arrives, never buffered here: its token is in the
        // header. Any other body is a form, read whole up to the limit.
        let file = parts
            .headers
            .get(header::CONTENT_TYPE)
            .is_some_and(|v| v == "application/octet-stream");
        let (sent, body) = if file {
            (header_token, body)
        } else {
            if length.is_some_and(|n| n > BODY_LIMIT as u64) {
                return answer(state, &ctx, &seen, too_large(length).into_response());
            }
            let Ok(bytes) = axum::body::to_bytes(body, BODY_LIMIT).await else {
                return answer(state, &ctx, &seen, too_large(length).into_response());
            };
            seen.form = form_id(form_field(&bytes, "_form"));
            let sent = header_token.or_else(|| form_field(&bytes, "_csrf"));
            (sent, Body::from(bytes))
        };
        if !sent.is_some_and(|t| auth::same(&t, &ctx.session.csrf)) {
            let refused = Failure::new(
                StatusCode::FORBIDDEN,
                "This page was out of date (its security token did not match): \
                 it has been reloaded, try again.",
            );
            return answer(state, &ctx, &seen, refused.into_response());
        }
        req = Request::from_parts(parts, body);
    }
    if let Some(refused) = refusal(&ctx, access, read) {
        return answer(state, &ctx, &seen, refused);
    }
    req.extensions_mut().insert(ctx.clone());
    let response = next.run(req).await;
    answer(state, &ctx, &seen, response)
}

/// Whether the user's grants allow a route ([`routes::Access`]), the one
/// place it is decided: `None` lets the request through. The role is
/// [`User::role_for`] this host and the route's `{app}` (none: the host
/// itself); user management asks for the whole dashboard
/// ([`users::SITE`]).
///
/// A page of an app the user has no role for at all is not found, the
/// same answer as an app that does not exist, so the refusal does not say
/// which apps exist. Anything else not allowed is forbidden (403), before
/// the handler looks for the app.
fn refusal(ctx: &Ctx, access: Access, read: bool) -> Option<Response> {
    let need = access.needs()?;
    let app = ctx.app.as_deref();
    let host = if access == Access::Users {
        users::SITE
    } else {
        ctx.host.as_str()
    };
    let role = ctx.user.role_for(host, app);
    if role.is_some_and(|r| r >= need) {
        return None;
    }
    if let (Some(app), None, true) = (app, role, read) {
        // The words of the app page's own "no such app".
        return Some(WebError::NotFound(format!("app called {app}")).into_response());
    }
    let what = match access {
        Access::Users => "managing users needs admin on every app of every host".to_owned(),
        _ => match app {
            Some(app) => format!("this needs {} on {app}", need.as_str()),
            None => format!("this needs {} on every app of this host", need.as_str()),
        },
    };
    let refused = Failure::new(
        StatusCode::FORBIDDEN,
        format!("Your grants do not allow this: {what}."),
    );
    Some(refused.into_response())
}

/// The answer to a request that reached (or was refused at) a handler:
/// JSON for the page script, a redirect for a plain form, a page with the
/// navigation for a read.
fn answer(state: &AppState, ctx: &Ctx, seen: &Seen, mut response: Response) -> Response {
    let failure = response.extensions_mut().remove::<Failure>();
    match (failure, seen.read, seen.script) {
        (Some(failure), _, true) => json(failure.status, failure.json()),
        (Some(failure), true, false) => {
            // A page not found, or not allowed, is no page to go back to.
            let back = match failure.status {
                StatusCode::NOT_FOUND | StatusCode::FORBIDDEN => "/".to_owned(),
                _ => page_of(&seen.path),
            };
            (failure.status, pages::failure_page(&failure, ctx, &back)).into_response()
        }
        (Some(failure), false, false) => {
            state.auth.problem(
                &ctx.token,
                Problem {
                    form: seen.form.clone(),
                    message: failure.message,
                    dokku: failure.dokku,
                },
            );
            let anchor = seen
                .form
                .as_deref()
                .map_or(String::new(), |f| format!("#{f}"));
            Redirect::to(&format!("{}{anchor}", ctx.at(&page_of(&seen.path)))).into_response()
        }
        (None, false, true) if response.status().is_redirection() => {
            let to = response
                .headers()
                .get(header::LOCATION)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("/")
                .to_owned();
            let mut answer = json(StatusCode::OK, serde_json::json!({ "ok": true, "to": to }));
            // A login or logout sets its cookie whoever asked.
            for cookie in response.headers().get_all(header::SET_COOKIE) {
                answer
                    .headers_mut()
                    .append(header::SET_COOKIE, cookie.clone());
            }
            answer
        }
        (None, _, _) => response,
    }
}

/// `GET /static/app.js`.
pub async fn app_js() -> Response {
    asset("text/javascript; charset=utf-8", pages::APP_JS)
}

/// `GET /static/app.css`.
pub async fn app_css() -> Response {
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

/// One host's dashboard, every route of [`routes::table`] at its path.
pub fn app(state: AppState) -> Router {
    let name = state
        .site
        .hosts
        .first()
        .map_or_else(|| state.place.name.clone(), |h| h.name.clone());
    let hosts = Arc::new(std::iter::once((name, state.clone())).collect());
    router(state, hosts, |_| true)
}

/// The dashboard of several hosts ([`AppState::fleet`]): each host's
/// routes under `/h/{host}` (served by that host's own router, the prefix
/// taken off), the site's routes once; `/` goes to the fleet page. An
/// unknown host is not found, like any other unknown page.
pub fn fleet_app(hosts: &[AppState]) -> Router {
    let Some(first) = hosts.first() else {
        return Router::new();
    };
    let states: Arc<std::collections::BTreeMap<String, AppState>> = Arc::new(
        hosts
            .iter()
            .map(|h| (h.place.name.clone(), h.clone()))
            .collect(),
    );
    let site = router(first.site_level(), Arc::clone(&states), |r| {
        r.scope == Scope::Site
    });
    let by_name: Arc<std::collections::BTreeMap<String, Router>> = Arc::new(
        hosts
            .iter()
            .map(|h| {
                let routes = router(h.clone(), Arc::clone(&states), |r| r.scope == Scope::Host);
                (h.place.name.clone(), routes)
            })
            .collect(),
    );
    let dispatch = tower::service_fn(move |req: Request| {
        let (site, by_name) = (site.clone(), Arc::clone(&by_name));
        async move { Ok::<_, std::convert::Infallible>(dispatch(&site, &by_name, req).await) }
    });
    Router::new().fallback_service(dispatch)
}

/// Route a fleet request: `/h/{host}/rest` to that host's router as
/// `/rest`; anything else to the site's.
async fn dispatch(
    site: &Router,
    hosts: &std::collections::BTreeMap<String, Router>,
    mut req: Request,
) -> Response {
    use tower::ServiceExt;
    let path = req.uri().path().to_owned();
    if path == "/" {
        return Redirect::to("/fleet").into_response();
    }
    if let Some(rest) = path.strip_prefix("/h/") {
        let (name, tail) = rest.split_once('/').unwrap_or((rest, ""));
        if let Some(router) = hosts.get(name) {
            let inner = match req.uri().query() {
                Some(q) => format!("/{tail}?{q}"),
                None => format!("/{tail}"),
            };
            if let Ok(uri) = inner.parse::<axum::http::Uri>() {
                *req.uri_mut() = uri;
                return router.clone().oneshot(req).await.into_response();
            }
        }
    }
    site.clone().oneshot(req).await.into_response()
}

/// A router of the table's routes that `keep` keeps, with the guard and
/// the security headers.
fn router(
    state: AppState,
    hosts: Arc<std::collections::BTreeMap<String, AppState>>,
    keep: impl Fn(&Route) -> bool,
) -> Router {
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
    let table: Vec<Route> = routes::table().into_iter().filter(|r| keep(r)).collect();
    let guard_state = Guard {
        state: state.clone(),
        routes: Arc::new(
            table
                .iter()
                .map(|r: &Route| (r.method.clone(), r.path, r.access))
                .collect(),
        ),
        hosts,
    };
    let mut router = Router::new();
    for route in table {
        router = router.route(route.path, route.handler);
    }
    let mut router = router
        .fallback(|| async { WebError::NotFound("such page".to_owned()) })
        .layer(middleware::from_fn(run_to_the_end))
        .layer(middleware::from_fn_with_state(guard_state, guard))
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

/// A request that may change the host (any method but GET, HEAD and
/// OPTIONS) runs to its end even when whoever sent it goes away mid-way.
/// Hyper drops a request's future when its connection closes, and with it
/// the Dokku command in flight (the restart after a `config:set`, a
/// destroy): cancelled and left half-done on the host. So its handler runs
/// in a task of its own, and the answer is dropped if nobody waits for it.
/// (A streamed answer goes on the same way: [`handlers::json_lines`].)
///
/// A handler that fails outright (a panic: there are none today) is
/// answered with the error page, or the API's error object, like any other
/// failure ([`guard`] renders it): never a dropped connection or Rust's
/// message.
async fn run_to_the_end(req: Request, next: Next) -> Response {
    use futures_util::FutureExt;
    let (method, path) = (req.method().clone(), req.uri().path().to_owned());
    let answered = if method.is_safe() {
        std::panic::AssertUnwindSafe(next.run(req))
            .catch_unwind()
            .await
            .map_err(|_| "it panicked".to_owned())
    } else {
        tokio::spawn(next.run(req)).await.map_err(|e| e.to_string())
    };
    answered.unwrap_or_else(|error| {
        tracing::error!(%method, %path, %error, "a request's handler failed");
        Failure::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "The dashboard failed while doing this; its log says why.",
        )
        .into_response()
    })
}

/// The record of something the dashboard did itself rather than a Dokku
/// command (`argv[0]` is its `web:…` name): at once, on `host`'s trail,
/// a change that went well. Also what `web user …` and `web token …`
/// record.
pub fn own_entry(
    host: &str,
    actor: &str,
    source: Source,
    argv: Vec<String>,
) -> dokku_history::Entry {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX));
    dokku_history::Entry {
        started_at: now,
        ended_at: now,
        host: host.to_owned(),
        target: None,
        actor: actor.to_owned(),
        source,
        correlation_id: None,
        parent_id: None,
        subcommand: argv.first().cloned().unwrap_or_default(),
        app: None,
        argv,
        mutating: true,
        outcome: Outcome::Ok,
        exit_code: None,
        stdout: String::new(),
        stdout_len: 0,
        stderr: String::new(),
        stderr_len: 0,
        error: None,
    }
}

#[cfg(test)]
pub(crate) mod tests;
