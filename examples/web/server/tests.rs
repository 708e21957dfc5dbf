//! Router tests: the whole app over an in-memory simulated Dokku host,
//! driven with `oneshot` (no socket), with a real history store.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{header, HeaderMap, Method, Request, StatusCode};
use axum::Router;
use dokku_history::{HistoryStore, Query};
use dokku_sim::{scenario, SimExecutor};
use http_body_util::BodyExt;
use tower::ServiceExt;

use super::auth::{Auth, Limits, Role};
use super::data::Settings;
use super::users::{Grant, Pattern, User, UserName, Users};
use super::{app, AppState, Options};

pub const ADMIN: &str = "admin-pw";
pub const VIEWER: &str = "viewer-pw";
pub const DEPLOYER: &str = "deployer-pw";
/// The password of `outsider`: admin of `other-app` only.
pub const OUTSIDER: &str = "outsider-pw";

/// The test users: `admin`, `viewer` and `deployer` with their role on
/// every app of every host, and `outsider`, admin of an app that is not on
/// the demo host. Hashed once for every test.
pub fn test_users() -> Vec<User> {
    static USERS: std::sync::OnceLock<Vec<User>> = std::sync::OnceLock::new();
    USERS
        .get_or_init(|| {
            let user = |name: &str, password: &str, apps: &str, role: Role| User {
                name: UserName::parse(name).unwrap(),
                password: super::auth::hash_password(password).unwrap(),
                grants: vec![Grant {
                    hosts: Pattern::any(),
                    apps: Pattern::parse(apps).unwrap(),
                    role,
                }],
            };
            vec![
                user("admin", ADMIN, "*", Role::Admin),
                user("viewer", VIEWER, "*", Role::Viewer),
                user("deployer", DEPLOYER, "*", Role::Deployer),
                user("outsider", OUTSIDER, "other-app", Role::Admin),
            ]
        })
        .clone()
}

/// Passwords and sessions of [`test_users`].
pub fn test_auth(limits: Limits) -> Auth {
    Auth::with_users(Users::in_memory(test_users()), limits)
}

/// The test user a password is of (the harness logs in by password).
pub fn user_of(password: &str) -> &'static str {
    match password {
        VIEWER => "viewer",
        DEPLOYER => "deployer",
        OUTSIDER => "outsider",
        _ => "admin",
    }
}

/// A refresher that may spend all the Dokku time it likes.
pub fn unlimited() -> Settings {
    Settings {
        budget_per_minute: Duration::from_secs(1_000_000),
        ..Settings::default()
    }
}

/// The app, its simulated host and its history, in a temp dir.
pub struct Harness {
    pub router: Router,
    pub state: AppState,
    pub sim: SimExecutor,
    pub history: HistoryStore,
    _dir: tempfile::TempDir,
}

/// A response, read whole.
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl Reply {
    fn is_json(&self) -> bool {
        self.headers
            .get(header::CONTENT_TYPE)
            .is_some_and(|v| v.as_bytes().starts_with(b"application/json"))
    }

    /// The JSON body.
    fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.body))
    }

    /// A streamed action's events: its output, and its ending.
    fn stream(&self) -> (String, serde_json::Value) {
        let mut out = String::new();
        let mut end = serde_json::Value::Null;
        for line in self.body.lines().filter(|l| !l.is_empty()) {
            let event: serde_json::Value = serde_json::from_str(line).unwrap();
            if let Some(text) = event["out"].as_str() {
                out.push_str(text);
            }
            if !event["end"].is_null() {
                end = event["end"].clone();
            }
        }
        (out, end)
    }

    fn location(&self) -> &str {
        self.headers
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }
}

/// A logged-in browser: its session cookie and CSRF token.
#[derive(Clone)]
pub struct Client {
    cookie: String,
    csrf: String,
}

fn set_cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&format!("{name}=")))
        .map(|v| v.split(';').next().unwrap().to_owned())
}

fn hidden_csrf(body: &str) -> String {
    let at = body.find("name=\"_csrf\" value=\"").expect("no csrf field") + 20;
    body[at..at + 64].to_owned()
}

fn form(pairs: &[(&str, &str)]) -> String {
    serde_urlencoded::to_string(pairs).unwrap()
}

impl Harness {
    pub fn new() -> Self {
        Self::with_sim(
            SimExecutor::new(scenario::demo()).with_follow_interval(Duration::from_millis(40)),
        )
    }

    pub fn with_sim(sim: SimExecutor) -> Self {
        Self::with_auth(sim, test_auth(Limits::default()))
    }

    /// The demo host with Dokku's event log off, for counting refreshes
    /// exactly: the log's line for a change a test made arrives when the
    /// follower next reads it, and marks its app again (by design: the
    /// dashboard cannot tell it from a later change's), before or after
    /// the test counts.
    pub fn without_events() -> Self {
        let sim = SimExecutor::new(scenario::demo());
        sim.with_host(|host| dokku_sim::dispatch(host, &["events:off".to_owned()], b""));
        Self::with_sim(sim)
    }

    /// The test users and `extra` ones.
    pub fn with_users(sim: SimExecutor, extra: Vec<User>) -> Self {
        let mut users = test_users();
        users.extend(extra);
        Self::with_auth(
            sim,
            Auth::with_users(Users::in_memory(users), Limits::default()),
        )
    }

    pub fn with_auth(sim: SimExecutor, auth: Auth) -> Self {
        Self::with_auth_and_options(sim, auth, |_| {})
    }

    /// The demo host, its options changed by `change` first.
    pub fn with_options(sim: SimExecutor, change: impl FnOnce(&mut Options)) -> Self {
        Self::with_auth_and_options(sim, test_auth(Limits::default()), change)
    }

    fn with_auth_and_options(
        sim: SimExecutor,
        auth: Auth,
        change: impl FnOnce(&mut Options),
    ) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let history = HistoryStore::open(dir.path().join("history.db")).unwrap();
        let mut options = Options {
            refresh: unlimited(),
            host_label: "sim".to_owned(),
            ..Options::default()
        };
        change(&mut options);
        let state = AppState::new(Arc::new(sim.clone()), history.clone(), auth, options);
        Self {
            router: app(state.clone()),
            state,
            sim,
            history,
            _dir: dir,
        }
    }

    /// The status and headers only (a log stream never ends).
    pub async fn head(&self, c: &Client, path: &str) -> (StatusCode, HeaderMap) {
        let req = Self::request(Method::GET, path, Some(&c.cookie), String::new());
        let res = self.router.clone().oneshot(req).await.unwrap();
        (res.status(), res.headers().clone())
    }

    pub async fn send(&self, req: Request<Body>) -> Reply {
        let res = self.router.clone().oneshot(req).await.unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        let bytes = res.into_body().collect().await.unwrap().to_bytes();
        Reply {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    fn request(method: Method, path: &str, cookie: Option<&str>, body: String) -> Request<Body> {
        let mut req = Request::builder().method(method).uri(path);
        if let Some(c) = cookie {
            req = req.header(header::COOKIE, c);
        }
        req.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .unwrap()
    }

    pub async fn anon_get(&self, path: &str) -> Reply {
        self.send(Self::request(Method::GET, path, None, String::new()))
            .await
    }

    /// One login attempt from `ip`, with a fresh login-form token, as the
    /// test user the password is of.
    pub async fn attempt(&self, password: &str, ip: [u8; 4]) -> Reply {
        self.attempt_as(user_of(password), password, ip).await
    }

    /// One login attempt as `user` from `ip`.
    pub async fn attempt_as(&self, user: &str, password: &str, ip: [u8; 4]) -> Reply {
        self.attempt_from_device(user, password, ip, None).await
    }

    /// The same from a browser holding `device` (a device cookie's value).
    pub async fn attempt_from_device(
        &self,
        user: &str,
        password: &str,
        ip: [u8; 4],
        device: Option<&str>,
    ) -> Reply {
        let page = self.anon_get("/login").await;
        assert_eq!(page.status, StatusCode::OK);
        let mut cookie = set_cookie(&page.headers, "__Host-dokku_login").unwrap();
        if let Some(device) = device {
            cookie.push_str(&format!("; __Host-dokku_device={device}"));
        }
        let mut req = Self::request(
            Method::POST,
            "/login",
            Some(&cookie),
            form(&[
                ("user", user),
                ("password", password),
                ("_csrf", &hidden_csrf(&page.body)),
            ]),
        );
        req.extensions_mut()
            .insert(ConnectInfo(SocketAddr::from((ip, 40000))));
        self.send(req).await
    }

    /// `rows` more records like the newest: one in four of app `mine`,
    /// the others of `other`, each newer than the last.
    pub async fn interleave_history(&self, rows: i64, mine: &str, other: &str) {
        let base = self.history.recent(1).await.unwrap().remove(0).entry;
        let entries = (0..rows)
            .map(|i| {
                let app = if i % 4 == 0 { mine } else { other };
                let mut e = base.clone();
                e.started_at += i + 1;
                e.ended_at = e.started_at;
                e.app = Some(app.to_owned());
                e.argv = vec!["ps:report".to_owned(), app.to_owned()];
                e
            })
            .collect();
        self.history.append_many(entries).await.unwrap();
    }

    /// How many records of `app` the history holds.
    pub async fn records_of(&self, app: &str) -> usize {
        let records = self.history.recent(10_000).await.unwrap();
        records
            .iter()
            .filter(|r| r.entry.app.as_deref() == Some(app))
            .count()
    }

    pub async fn login(&self, password: &str) -> Client {
        self.login_as(user_of(password), password).await
    }

    /// Log in as `user`: its session cookie and CSRF token.
    pub async fn login_as(&self, user: &str, password: &str) -> Client {
        let reply = self.attempt_as(user, password, [127, 0, 0, 1]).await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
        let cookie = set_cookie(&reply.headers, "__Host-dokku_session").unwrap();
        // A fleet's home is its fleet page.
        let home = if self.state.site.multi { "/fleet" } else { "/" };
        let home = self
            .send(Self::request(
                Method::GET,
                home,
                Some(&cookie),
                String::new(),
            ))
            .await;
        assert_eq!(home.status, StatusCode::OK, "{}", home.body);
        let at = home.body.find("name=\"csrf-token\" content=\"").unwrap() + 27;
        Client {
            csrf: home.body[at..at + 64].to_owned(),
            cookie,
        }
    }

    /// A page. The dashboard renders what the refresher has read, so a
    /// dashboard read waits for it to catch up with every change first.
    pub async fn get(&self, c: &Client, path: &str) -> Reply {
        if path == "/" || path.starts_with("/?") {
            self.settled().await;
        }
        self.get_now(c, path).await
    }

    /// Wait until every app is read and no change is pending.
    pub async fn settled(&self) {
        let mut progress = self.state.store.watch();
        progress.wait_for(|p| p.complete()).await.unwrap();
    }

    /// The dashboard's live stream (`/live`) as `c`, once its first
    /// counter is in: the stream and what it sent so far.
    pub async fn live(&self, c: &Client) -> (Body, String) {
        let req = Self::request(Method::GET, "/live", Some(&c.cookie), String::new());
        let res = self.router.clone().oneshot(req).await.unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        let mut body = res.into_body();
        let mut text = String::new();
        read_until(&mut body, &mut text, |t| t.contains("event: progress")).await;
        (body, text)
    }

    /// A reading of Dokku's builds by the host's watch ([`read_builds`]).
    pub async fn read_builds(&self) {
        read_builds(&self.state).await;
    }

    /// A page, at once.
    pub async fn get_now(&self, c: &Client, path: &str) -> Reply {
        self.send(Self::request(
            Method::GET,
            path,
            Some(&c.cookie),
            String::new(),
        ))
        .await
    }

    /// A form POST as the page script sends it (asking for JSON), with the
    /// session's CSRF token. Its `{ok: true, to}` answer is shown as the
    /// 303 to `to` that a plain form gets, so one assertion reads both;
    /// refusals keep their status and JSON body.
    pub async fn post(&self, c: &Client, path: &str, pairs: &[(&str, &str)]) -> Reply {
        let mut pairs = pairs.to_vec();
        pairs.push(("_csrf", &c.csrf));
        let mut req = Self::request(Method::POST, path, Some(&c.cookie), form(&pairs));
        req.headers_mut()
            .insert(header::ACCEPT, "application/json".parse().unwrap());
        let mut reply = self.send(req).await;
        if reply.status == StatusCode::OK && reply.is_json() {
            let answer: serde_json::Value = serde_json::from_str(&reply.body).unwrap();
            if answer["ok"] == true {
                reply.status = StatusCode::SEE_OTHER;
                let to = answer["to"].as_str().unwrap().parse().unwrap();
                reply.headers.insert(header::LOCATION, to);
            }
        }
        reply
    }

    /// A form POST the plain way (a browser without the page script).
    pub async fn post_plain(&self, c: &Client, path: &str, pairs: &[(&str, &str)]) -> Reply {
        let mut pairs = pairs.to_vec();
        pairs.push(("_csrf", &c.csrf));
        self.send(Self::request(
            Method::POST,
            path,
            Some(&c.cookie),
            form(&pairs),
        ))
        .await
    }

    /// A form POST with no CSRF token at all.
    pub async fn post_raw(&self, c: &Client, path: &str, pairs: &[(&str, &str)]) -> Reply {
        self.send(Self::request(
            Method::POST,
            path,
            Some(&c.cookie),
            form(pairs),
        ))
        .await
    }

    fn has_app(&self, name: &str) -> bool {
        self.sim.with_host(|h| h.apps.contains_key(name))
    }
}

/// Read a stream into `text` until `done` says it has what is wanted.
///
/// The deadline (two minutes) only turns a broken run, whose awaited
/// event never comes, into a failure instead of a hang.
async fn read_until(body: &mut Body, text: &mut String, done: impl Fn(&str) -> bool) {
    let read = async {
        while !done(text) {
            if let Ok(data) = body.frame().await.unwrap().unwrap().into_data() {
                text.push_str(&String::from_utf8_lossy(&data));
            }
        }
    };
    if tokio::time::timeout(Duration::from_secs(120), read)
        .await
        .is_err()
    {
        panic!("the awaited event never came; read so far:\n{text}");
    }
}

/// A concrete path for a route of the table: every `{param}` filled with
/// a value that exists on the demo host.
fn sample(path: &str) -> String {
    if path == "/history/export" {
        return "/history/export?format=csv".to_owned();
    }
    // A build of api the demo host recorded.
    path.replace("/builds/{id}", "/builds/mx7c9k2f4q8wz1")
        .replace("{host}", "sim")
        .replace("{app}", "api")
        .replace("{key}", "DATABASE_URL")
        .replace("{domain}", "api.dokku.me")
        .replace("{id}", "0123456789abcdef")
        .replace("{user}", "viewer")
        .replace("{action}", "stop")
        .replace("{verb}", "remove")
        .replace("{plugin}", "postgres")
        .replace("{service}", "api-db")
}

/// Every state-changing route of the table a browser session uses (the
/// API's take a bearer token: [`api::sweep`]), as concrete paths.
fn mutations() -> Vec<String> {
    super::routes::table()
        .iter()
        .filter(|r| !r.is_read() && r.path != "/login")
        .filter(|r| !matches!(r.access, super::routes::Access::Api(_)))
        .map(|r| sample(r.path))
        .collect()
}

/// Nothing the sweeps sent reached the host.
fn untouched(h: &Harness) {
    assert!(
        h.has_app("blog") && h.has_app("api"),
        "a refused request ran"
    );
    let scale = h.sim.with_host(|host| host.apps["api"].scale["web"]);
    assert_eq!(scale, 2, "a refused request ran");
}

#[tokio::test]
async fn every_route_in_the_table_is_guarded_by_session_csrf_and_role() {
    sweep(&Harness::new(), "").await;
}

#[tokio::test]
async fn every_route_of_every_fleet_host_is_guarded_by_session_csrf_and_role() {
    // Host routes under /h/eu-1, site routes once: the same sweep.
    let (h, _) = fleet_harness(Vec::new());
    sweep(&h, "/h/eu-1").await;
}

/// Every route of the table, at its path (a host's under `base`): it
/// answers, and it is guarded by session, CSRF token and role.
async fn sweep(h: &Harness, base: &str) {
    use super::routes::{Access, Scope};
    let table = super::routes::table();
    let sample = |route: &super::routes::Route| match route.scope {
        Scope::Host => format!("{base}{}", sample(route.path)),
        Scope::Site => sample(route.path),
    };
    let cookie_routes = |r: &&super::routes::Route| !matches!(r.access, Access::Api(_));
    // The table is the router: each route answers, none falls through.
    let admin = h.login(ADMIN).await;
    for route in table
        .iter()
        .filter(cookie_routes)
        .filter(|r| r.is_read() && r.access != Access::Public)
    {
        let (status, _) = h.head(&admin, &sample(route)).await;
        assert!(status.is_success(), "{route:?}: {status}");
    }
    let other = h.login(ADMIN).await;
    let swapped = Client {
        cookie: admin.cookie.clone(),
        csrf: other.csrf.clone(),
    };
    for route in table
        .iter()
        .filter(cookie_routes)
        .filter(|r| r.access != Access::Public)
    {
        let path = sample(route);
        let anon = Harness::request(route.method.clone(), &path, None, String::new());
        let r = h.send(anon).await;
        assert_eq!(
            r.status,
            StatusCode::SEE_OTHER,
            "{route:?} without a session"
        );
        assert!(r.location().starts_with("/login"), "{route:?}");
        if route.is_read() {
            continue;
        }
        let r = h.post(&swapped, &path, &[]).await;
        assert_eq!(
            r.status,
            StatusCode::FORBIDDEN,
            "{route:?} without its CSRF token"
        );
    }
    untouched(h);
    // Nothing ran, so nothing was recorded.
    assert!(h.history.recent(10).await.unwrap().is_empty());
    // The API's routes: bearer tokens only, each checked against its role.
    api::sweep(h, if base.is_empty() { "sim" } else { "eu-1" }).await;
}

const PAGES: [&str; 8] = [
    "/",
    "/databases",
    "/apps/api",
    "/apps/sandbox",
    "/history",
    "/history?q=apps",
    "/history/export?format=csv",
    "/apps/api/logs?n=1",
];

#[tokio::test]
async fn every_page_but_login_needs_a_session() {
    let h = Harness::new();
    for path in PAGES {
        let reply = h.anon_get(path).await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "{path}");
        // To the login page, and back here afterwards.
        let next = super::pages::app::urlencode(path);
        let login = if path == "/" {
            "/login".to_owned()
        } else {
            format!("/login?next={next}")
        };
        assert_eq!(reply.location(), login, "{path}");
    }
    for path in mutations() {
        let mut req = Harness::request(Method::POST, &path, None, String::new());
        req.headers_mut()
            .insert(header::ACCEPT, "application/json".parse().unwrap());
        let reply = h.send(req).await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{path}");
        assert!(reply.json()["login"]
            .as_str()
            .unwrap()
            .starts_with("/login"));
    }
    untouched(&h);
    // A made-up cookie is no session.
    let forged = Harness::request(
        Method::GET,
        "/",
        Some("__Host-dokku_session=00ff"),
        String::new(),
    );
    assert_eq!(h.send(forged).await.status, StatusCode::SEE_OTHER);
    assert_eq!(h.anon_get("/login").await.status, StatusCode::OK);
    assert_eq!(h.anon_get("/static/app.js").await.status, StatusCode::OK);
    assert_eq!(h.anon_get("/static/app.css").await.status, StatusCode::OK);
}

#[tokio::test]
async fn responses_carry_strict_security_headers_and_no_inline_script() {
    let h = Harness::new();
    let admin = h.login(ADMIN).await;
    for path in ["/", "/apps/api", "/history", "/apps/metrics"] {
        let reply = h.get(&admin, path).await;
        assert_eq!(reply.status, StatusCode::OK, "{path}: {}", reply.body);
        let header = |name: &str| reply.headers.get(name).unwrap().to_str().unwrap();
        let csp = header("content-security-policy");
        assert!(csp.contains("default-src 'self'"), "{csp}");
        assert!(csp.contains("frame-ancestors 'none'"));
        assert!(!csp.contains("unsafe-inline"));
        assert_eq!(header("x-frame-options"), "DENY");
        assert_eq!(header("referrer-policy"), "no-referrer");
        assert_eq!(header("x-content-type-options"), "nosniff");
        assert_eq!(header("cache-control"), "no-store");
        // Inline script or style would be blocked by the CSP anyway.
        for tag in reply.body.split("<script").skip(1) {
            assert!(tag.starts_with(" src=\"/static/"), "{path}: inline script");
        }
        assert!(!reply.body.contains(" style="), "{path}");
        assert!(!reply.body.contains(" onclick="), "{path}");
        // Nothing loaded or posted elsewhere, and nothing linked elsewhere
        // (a buildpack's URL is shown as text) but the app's own URL, as
        // Dokku gives it, opened in a tab that cannot reach back.
        for attribute in ["src=\"http", "action=\"http", "url(http"] {
            assert!(!reply.body.contains(attribute), "{path}: {attribute}");
        }
        for link in reply.body.split("href=\"http").skip(1) {
            let tag = link.split('>').next().unwrap_or_default();
            assert!(
                tag.contains("target=\"_blank\" rel=\"noopener noreferrer\""),
                "{path}: a link elsewhere: {tag}"
            );
        }
        assert!(
            reply.body.matches("href=\"http").count() <= 1,
            "{path}: more than the app's URL linked"
        );
    }
    let login = h.anon_get("/login").await;
    let cookie = login.headers.get(header::SET_COOKIE).unwrap();
    let cookie = cookie.to_str().unwrap();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"));
    assert!(cookie.contains("Secure"));
}

#[tokio::test]
async fn login_checks_password_form_token_and_rate_limit() {
    let h = Harness::new();
    let wrong = h.attempt_as("nobody", "nope", [10, 0, 0, 7]).await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert!(wrong.body.contains("Wrong user name or password"));

    // Without the login form's cookie, the token in the form proves nothing.
    let page = h.anon_get("/login").await;
    let no_cookie = Harness::request(
        Method::POST,
        "/login",
        None,
        form(&[
            ("user", "admin"),
            ("password", ADMIN),
            ("_csrf", &hidden_csrf(&page.body)),
        ]),
    );
    assert_eq!(h.send(no_cookie).await.status, StatusCode::FORBIDDEN);

    // Four more failures from the same address: five in the window.
    for _ in 0..4 {
        let r = h.attempt_as("nobody", "nope", [10, 0, 0, 7]).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    }
    // The sixth attempt is refused, even with the right password.
    let sixth = h.attempt(ADMIN, [10, 0, 0, 7]).await;
    assert_eq!(sixth.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(sixth.headers.get(header::RETRY_AFTER).unwrap(), "900");
    assert!(sixth.headers.get(header::SET_COOKIE).is_some());
    assert!(set_cookie(&sixth.headers, "__Host-dokku_session").is_none());
    // Another address is not affected.
    let other = h.attempt(ADMIN, [10, 0, 0, 8]).await;
    assert_eq!(other.status, StatusCode::SEE_OTHER);
    let session = other
        .headers
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap())
        .find(|v| v.starts_with("__Host-dokku_session="))
        .unwrap();
    for attribute in ["; Path=/", "; HttpOnly", "; SameSite=Strict", "; Secure"] {
        assert!(session.contains(attribute), "{session}");
    }
    assert!(!session.contains("Domain="), "{session}");
}

#[tokio::test]
async fn state_changes_need_the_sessions_csrf_token() {
    let h = Harness::new();
    let admin = h.login(ADMIN).await;
    let missing = h
        .post_raw(&admin, "/apps", &[("name", "csrf-missing")])
        .await;
    // A plain form without the token goes back to its page, refused.
    assert_eq!(missing.status, StatusCode::SEE_OTHER);
    assert_eq!(missing.location(), "/");
    assert!(h.get(&admin, "/").await.body.contains("out of date"));
    let wrong = h
        .post_raw(
            &admin,
            "/apps",
            &[("name", "csrf-wrong"), ("_csrf", &"0".repeat(64))],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::SEE_OTHER);
    // Another session's token is wrong too.
    let other = h.login(ADMIN).await;
    let swapped = Client {
        cookie: admin.cookie.clone(),
        csrf: other.csrf.clone(),
    };
    for path in mutations() {
        let r = h.post(&swapped, &path, &[]).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{path}");
    }
    assert!(!h.has_app("csrf-missing") && !h.has_app("csrf-wrong"));
    assert!(h.has_app("blog"));
    // Logout needs it as well.
    let r = h.post_raw(&admin, "/logout", &[]).await;
    assert_eq!(
        h.state.auth.session_count(),
        2,
        "logged out without a token"
    );
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    // The header form (what the page script sends) works.
    let req = Request::builder()
        .method(Method::POST)
        .uri("/apps")
        .header(header::COOKIE, &admin.cookie)
        .header("x-csrf-token", &admin.csrf)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from("name=by-header"))
        .unwrap();
    assert_eq!(h.send(req).await.status, StatusCode::SEE_OTHER);
    assert!(h.has_app("by-header"));
}

#[tokio::test]
async fn viewers_read_but_cannot_change_or_reveal() {
    let h = Harness::new();
    let viewer = h.login(VIEWER).await;
    for path in ["/", "/apps/api", "/history"] {
        let r = h.get(&viewer, path).await;
        assert_eq!(r.status, StatusCode::OK, "{path}");
        assert!(!r.body.contains("Reveal"), "{path}");
        assert!(!r.body.contains("Destroy"), "{path}");
        assert!(!r.body.contains("Create app"), "{path}");
    }
    // Logging out, revoking one's own session and one's own API tokens
    // are anyone's.
    let theirs =
        |p: &&String| *p != "/logout" && !p.starts_with("/tokens") && !p.starts_with("/sessions/");
    for path in mutations().iter().filter(theirs) {
        let r = h.post(&viewer, path, &[]).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{path}");
    }
    assert!(h.has_app("blog") && !h.has_app("made-by-test"));
    let scale = h.sim.with_host(|host| host.apps["api"].scale["web"]);
    assert_eq!(scale, 2);
    // Nothing ran, so nothing was recorded.
    assert!(h.history.recent(10).await.unwrap().is_empty());
    // Viewers may log out.
    let out = h.post(&viewer, "/logout", &[]).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
}

/// Long config values of the demo host: these must never reach a viewer.
fn secrets(h: &Harness) -> Vec<String> {
    h.sim.with_host(|host| {
        let mut values: Vec<String> = host
            .apps
            .values()
            .flat_map(|a| a.config.values().cloned())
            .chain(host.services.values().map(|s| s.dsn.clone()))
            .filter(|v| v.len() >= 16)
            .collect();
        // Multi-line values: each line on its own too.
        let lines: Vec<String> = values
            .iter()
            .flat_map(|v| v.lines().map(str::to_owned))
            .filter(|l| l.len() >= 16)
            .collect();
        values.extend(lines);
        values
    })
}

#[tokio::test]
async fn secrets_never_reach_a_viewer() {
    let h = Harness::new();
    // A secret in every app's config, besides the demo's own.
    h.sim.with_host(|host| {
        for (name, app) in host.apps.iter_mut() {
            app.config.insert(
                "SEEDED_SECRET".to_owned(),
                format!("seeded-secret-of-{name}-7f3a9c"),
            );
        }
    });
    let admin = h.login(ADMIN).await;
    // History with secrets in play: a set and two reveals.
    let set = h
        .post(
            &admin,
            "/apps/api/config",
            &[("key", "API_TOKEN"), ("value", "tok_live_verysecret_0042")],
        )
        .await;
    assert_eq!(set.status, StatusCode::SEE_OTHER);
    for (app, key) in [("shop", "STRIPE_SECRET_KEY"), ("api", "API_TOKEN")] {
        let r = h
            .post(
                &admin,
                &format!("/apps/{app}/config/reveal"),
                &[("key", key)],
            )
            .await;
        assert_eq!(r.status, StatusCode::OK);
        assert_eq!(r.headers.get(header::CACHE_CONTROL).unwrap(), "no-store");
    }
    let mut secrets = secrets(&h);
    assert!(secrets.iter().any(|s| s == "tok_live_verysecret_0042"));
    assert!(secrets.iter().any(|s| s.starts_with("sk_live_")));
    secrets.sort();
    secrets.dedup();

    let viewer = h.login(VIEWER).await;
    let apps: Vec<String> = h.sim.with_host(|host| host.apps.keys().cloned().collect());
    let mut paths: Vec<String> = apps.iter().map(|a| super::handlers::app_url(a)).collect();
    paths.extend(
        [
            "/",
            "/databases",
            "/history",
            "/history?q=API_TOKEN",
            "/history?q=config",
            "/history?subcommand=config:get",
            "/history/export?format=jsonl",
            "/history/export?format=csv",
        ]
        .map(str::to_owned),
    );
    assert!(secrets
        .iter()
        .any(|s| s.starts_with("seeded-secret-of-api")));
    // And every page of the route table, for every app: a viewer may read
    // them (the logs are a deployer's: refused, and scanned all the same).
    let mut every: Vec<(String, bool)> = paths.iter().map(|p| (p.clone(), true)).collect();
    let table = super::routes::table();
    // `/live` is a stream that does not end: its rows are the dashboard's
    // (read above), and the live tests follow it. The API's routes take a
    // token, not a session: its sweep scans what a viewer's token reads.
    for route in table.iter().filter(|r| {
        r.is_read()
            && r.access != super::routes::Access::Public
            && !matches!(r.access, super::routes::Access::Api(_))
            && r.path != "/live"
    }) {
        let readable = route.access.needs() <= Some(Role::Viewer);
        for app in &apps {
            let path = sample(route.path).replace("/apps/api", &super::handlers::app_url(app));
            if !every.iter().any(|(p, _)| *p == path) {
                every.push((path, readable));
            }
        }
    }
    for (path, readable) in &every {
        let r = h.get(&viewer, path).await;
        match readable {
            true => assert!(r.status.is_success(), "{path}: {}", r.body),
            false => assert_eq!(r.status, StatusCode::FORBIDDEN, "{path}: {}", r.body),
        }
        for secret in &secrets {
            assert!(!r.body.contains(secret.as_str()), "{path} shows {secret:?}");
        }
    }
    // The admin's pages mask values too; only the reveal shows one.
    for path in &paths {
        let r = h.get(&admin, path).await;
        for secret in &secrets {
            assert!(!r.body.contains(secret.as_str()), "{path} shows {secret:?}");
        }
    }
}

// Dokku lists legacy names like this one (no '/', ':', capitals or
// spaces); it breaks out of an attribute and opens a script if unescaped.
const EVIL_APP: &str = "x\"onmouseover=\"alert(1)\"<script>alert(2)<";
const EVIL_ESCAPED: &str = "x&quot;onmouseover=&quot;alert(1)&quot;&lt;script&gt;alert(2)&lt;";

#[tokio::test]
async fn html_in_app_names_and_log_lines_is_escaped() {
    let h = Harness::new();
    h.sim.with_host(|host| {
        // Dokku 0.38.2 and later refuse such a name in every command
        // (`^[a-z0-9][a-z0-9.-]*$`; recorded on 0.38.27); an older host,
        // whose rule only excludes `/`, `:`, `_` and upper case, lists it.
        host.version = dokku_sim::host::profiles::V0_35_20;
        let mut app = host.apps["blog"].clone();
        app.config.clear();
        host.apps.insert(EVIL_APP.to_owned(), app);
        let api = host.apps.get_mut("api").unwrap();
        dokku_sim::commands::logs::set_container_log(
            api,
            "web.1",
            "2030-01-07T20:00:00.000000000Z <script>alert(\"log\")</script>",
        );
    });
    let admin = h.login(ADMIN).await;
    let home = h.get(&admin, "/").await;
    assert_eq!(home.status, StatusCode::OK, "{}", home.body);
    assert!(
        !home.body.contains("<script>alert(2)"),
        "raw app name in the page"
    );
    assert!(
        !home.body.contains("\"onmouseover"),
        "raw app name in an attribute"
    );
    assert!(home.body.contains(&format!("data-app=\"{EVIL_ESCAPED}\"")));
    assert!(home.body.contains(&format!(">{EVIL_ESCAPED}</a>")));
    assert!(home
        .body
        .contains("/apps/x%22onmouseover%3D%22alert%281%29%22%3Cscript%3Ealert%282%29%3C"));

    let url = super::handlers::app_url(EVIL_APP);
    let page = h.get(&admin, &url).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(!page.body.contains("<script>alert(2)"));
    assert!(!page.body.contains("\"onmouseover"));
    assert!(page.body.contains(&format!(">{EVIL_ESCAPED}</h1>")));

    let api = h.get(&admin, "/apps/api?n=1000&process=web").await;
    assert_eq!(api.status, StatusCode::OK);
    assert!(
        !api.body.contains("<script>alert"),
        "raw log line in the page"
    );
    assert!(api
        .body
        .contains("&lt;script&gt;alert(&quot;log&quot;)&lt;/script&gt;"));

    // Actions on it work, and redirect to an encoded URL.
    let r = h
        .post(&admin, &format!("{url}/destroy"), &[("confirm", EVIL_APP)])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(!h.has_app(EVIL_APP));
}

#[tokio::test]
async fn pages_show_the_host() {
    let h = Harness::new();
    let admin = h.login(ADMIN).await;
    let home = h.get(&admin, "/").await;
    for app in dokku_sim::scenario::demo_states().keys() {
        assert!(home.body.contains(&format!("data-app=\"{app}\"")), "{app}");
    }
    let row = |app: &str| {
        let at = home.body.find(&format!("data-app=\"{app}\"")).unwrap();
        home.body[at..].split("</tr>").next().unwrap().to_owned()
    };
    assert!(row("api").contains("s-running") && row("api").contains("web 2/2"));
    assert!(row("staging-api").contains("s-stopped"));
    assert!(row("metrics").contains("s-crashed"));
    assert!(row("landing").contains("s-locked"));
    assert!(row("sandbox").contains("s-never"));
    assert!(row("docs.example.com").contains("nginx:1.27-alpine"));
    assert!(row("shop").contains("www.shop.example.com"));
    assert!(home.body.contains("running <strong id=\"count-running\">"));
    assert!(home.body.contains("Dokku 0.38.27"));
    assert!(home.body.contains("postgres"));

    for app in dokku_sim::scenario::demo_states().keys() {
        let r = h.get(&admin, &super::handlers::app_url(app)).await;
        assert_eq!(r.status, StatusCode::OK, "{app}: {}", r.body);
    }
    let api = h.get(&admin, "/apps/api").await;
    for needle in [
        "name=\"worker\"",
        "NODE_ENV",
        "JWT_PUBLIC_KEY",
        "api.example.com",
        "class=\"l\"",
    ] {
        assert!(api.body.contains(needle), "{needle}");
    }
    assert!(!api.body.contains("production"), "a config value shown");
    let filtered = h.get(&admin, "/apps/api?n=5&process=worker").await;
    assert_eq!(filtered.body.matches("class=\"l\"").count(), 5);
    let logs = &filtered.body[filtered.body.find("id=\"logs\"").unwrap()..];
    assert!(logs.contains("worker.1") && !logs.contains("web.1"));
    assert!(h.get(&admin, "/apps/sandbox").await.body.contains("error"));
    assert_eq!(
        h.get(&admin, "/apps/does-not-exist").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        h.get(&admin, "/nowhere").await.status,
        StatusCode::NOT_FOUND
    );
}

/// An app destroyed or renamed away (`Store::forget`, which both
/// handlers call) leaves the dashboard's view at once, before the apps
/// are listed again: no `.await` here, so the refresher cannot list them
/// in between.
#[tokio::test]
async fn a_forgotten_app_leaves_the_view_before_the_apps_are_listed_again() {
    let h = Harness::new();
    h.settled().await;
    let store = &h.state.store;
    let listed = |app: &str| store.view().lines.iter().any(|l| l.app.as_str() == app);
    assert!(listed("sandbox") && listed("blog"));
    store.forget(&dokku::AppName::new("sandbox").unwrap());
    assert!(!listed("sandbox") && listed("blog"));
    assert!(!store.view().lines.is_empty());
}

#[tokio::test]
async fn app_lifecycle_is_audited_as_the_web_admin() {
    let h = Harness::new();
    let admin = h.login(ADMIN).await;
    let r = h.post(&admin, "/apps", &[("name", "fresh")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.location(), "/apps/fresh");
    assert!(h.has_app("fresh"));
    let page = h.get(&admin, "/apps/fresh").await;
    assert!(page.body.contains("Created fresh."), "no flash message");
    assert!(!h
        .get(&admin, "/apps/fresh")
        .await
        .body
        .contains("Created fresh."));
    let home = h.get(&admin, "/").await;
    assert!(home.body.contains("data-app=\"fresh\""), "stale dashboard");

    let bad = h.post(&admin, "/apps", &[("name", "Bad Name")]).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    let taken = h.post(&admin, "/apps", &[("name", "api")]).await;
    assert_eq!(taken.status, StatusCode::CONFLICT);

    let r = h
        .post(&admin, "/apps/fresh/rename", &[("new_name", "fresh2")])
        .await;
    assert_eq!(r.location(), "/apps/fresh2");
    assert!(h.has_app("fresh2") && !h.has_app("fresh"));

    let r = h
        .post(&admin, "/apps/fresh2/destroy", &[("confirm", "fresh")])
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(h.has_app("fresh2"), "destroyed without the right name");
    let r = h
        .post(&admin, "/apps/fresh2/destroy", &[("confirm", "fresh2")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(!h.has_app("fresh2"));

    let records = h.history.recent(10).await.unwrap();
    let subcommands: Vec<&str> = records
        .iter()
        .map(|r| r.entry.subcommand.as_str())
        .collect();
    for s in ["apps:create", "apps:rename", "apps:destroy"] {
        assert!(
            subcommands.contains(&s),
            "{s} not recorded: {subcommands:?}"
        );
    }
    for r in &records {
        assert_eq!(r.entry.actor, "admin");
        assert_eq!(r.entry.source, dokku_history::Source::Web);
        assert_eq!(r.entry.host, "sim");
    }
}

#[tokio::test]
async fn process_actions_and_scaling_stream_dokku_output() {
    let h = Harness::new();
    let admin = h.login(ADMIN).await;
    let r = h.post(&admin, "/apps/staging-api/ps/start", &[]).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.headers[header::CONTENT_TYPE], "application/x-ndjson");
    let (output, end) = r.stream();
    assert!(output.contains("-----> "), "Dokku's output: {output}");
    // The ending in words, not a raw exit status.
    assert_eq!(end["ok"], true, "{}", r.body);
    assert_eq!(end["message"], "Started staging-api.");
    let home = h.get(&admin, "/").await;
    let at = home.body.find("data-app=\"staging-api\"").unwrap();
    assert!(home.body[at..at + 200].contains("s-running"));

    for action in ["stop", "restart", "rebuild"] {
        let r = h
            .post(&admin, &format!("/apps/blog/ps/{action}"), &[])
            .await;
        assert_eq!(r.stream().1["ok"], true, "{action}: {}", r.body);
    }
    assert_eq!(
        h.post(&admin, "/apps/blog/ps/explode", &[]).await.status,
        StatusCode::NOT_FOUND
    );
    // An app never deployed: Dokku warns and exits 0, and the ending says
    // nothing was done rather than "Stopped".
    let r = h.post(&admin, "/apps", &[("name", "fresh")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let end = h.post(&admin, "/apps/fresh/ps/stop", &[]).await.stream().1;
    assert_eq!(end["ok"], true);
    assert_eq!(
        end["message"],
        "Nothing was done: fresh has not been deployed yet."
    );

    let r = h
        .post(
            &admin,
            "/apps/api/scale",
            &[("web", "3"), ("worker", "0"), ("clock", "1")],
        )
        .await;
    let end = r.stream().1;
    assert_eq!(
        end["message"], "Scaled api: web=3, worker=0, clock=1.",
        "{}",
        r.body
    );
    let scale = h.sim.with_host(|host| host.apps["api"].scale.clone());
    assert_eq!((scale["web"], scale["worker"]), (3, 0));
    let home = h.get(&admin, "/").await;
    assert!(home.body.contains("web 3/3"));
    let bad = h.post(&admin, "/apps/api/scale", &[("web", "lots")]).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    let records = h.history.recent(20).await.unwrap();
    assert!(records.iter().any(|r| r.entry.subcommand == "ps:scale"));
    assert!(records.iter().any(|r| r.entry.subcommand == "ps:start"));
}

#[tokio::test]
async fn a_config_value_dokku_would_corrupt_is_refused_by_key_with_a_way_back() {
    let h = Harness::new();
    let admin = h.login(ADMIN).await;
    let before = h.sim.with_host(|host| host.apps["api"].config.clone());
    let records_before = h.history.recent(100).await.unwrap().len();
    for (path, pairs) in [
        (
            "/apps/api/config",
            vec![("key", "GREETING"), ("value", "she said \"hi\"")],
        ),
        (
            "/apps/api/config/bulk",
            vec![("env", "OK_ONE=fine\nWIN_PATH=\"C:\\\\temp\\\\\"\n")],
        ),
        (
            "/apps/api/config",
            vec![("key", "ZIP_CODE"), ("value", "007")],
        ),
    ] {
        let r = h.post(&admin, path, &pairs).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{path}: {}", r.body);
        let key = if path.ends_with("bulk") {
            "WIN_PATH"
        } else {
            pairs[0].1
        };
        let message = r.json()["message"].as_str().unwrap().to_owned();
        assert!(
            message.contains(&format!("the value of {key}")),
            "{message}"
        );
        assert!(message.contains("Nothing was sent"), "{message}");
        assert!(message.contains("base64"), "a way around: {message}");
        for secret in ["she said", "temp", "007"] {
            assert!(!r.body.contains(secret), "{secret:?} echoed: {}", r.body);
        }
        // Posted the plain way, it goes back to its form with the problem.
        let plain = h.post_plain(&admin, path, &pairs).await;
        assert_eq!(plain.status, StatusCode::SEE_OTHER);
        assert!(plain.location().starts_with("/apps/api"), "a way back");
    }
    // Nothing reached the host: no config change, no audit record.
    assert_eq!(
        h.sim.with_host(|host| host.apps["api"].config.clone()),
        before
    );
    assert_eq!(h.history.recent(100).await.unwrap().len(), records_before);
}

#[tokio::test]
async fn a_corrupt_stored_environment_shows_how_to_repair_it_and_leaks_nothing() {
    let h = Harness::new();
    let admin = h.login(ADMIN).await;
    // Break the app's ENV the way a real host gets broken, past the SDK's
    // check: the value Dokku mangles, then any other write.
    h.sim.with_host(|host| {
        for argv in [
            ["config:set", "--no-restart", "api", "MSG=she said \"hi\""],
            ["config:set", "--no-restart", "api", "ZZ_OTHER=x"],
        ] {
            let argv: Vec<String> = argv.iter().map(|a| (*a).to_owned()).collect();
            let out = dokku_sim::dispatch(host, &argv, b"");
            assert_eq!(out.output().code, 0);
        }
    });

    let page = h.get(&admin, "/apps/api").await;
    assert_eq!(
        page.status,
        StatusCode::OK,
        "the rest of the page still works"
    );
    assert!(page.body.contains("is corrupt"), "{}", page.body);
    assert!(page.body.contains("How to repair it"), "{}", page.body);
    assert!(
        page.body.contains("/var/lib/dokku/config/api/ENV"),
        "{}",
        page.body
    );
    assert!(page.body.contains("dokku config:keys api"), "{}", page.body);
    assert!(
        page.body.contains("Processes"),
        "other sections still shown"
    );

    let r = h
        .post(
            &admin,
            "/apps/api/config",
            &[("key", "NEW_KEY"), ("value", "fine")],
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert!(r.body.contains("How to repair it"), "{}", r.body);
    let reveal = h
        .post(&admin, "/apps/api/config/reveal", &[("key", "NODE_ENV")])
        .await;
    assert_eq!(reveal.status, StatusCode::CONFLICT, "not a missing key");

    // Dokku's message quotes stored values; none reach a page or the audit.
    let secrets: Vec<String> = h
        .sim
        .with_host(|host| host.apps["api"].config.values().cloned().collect());
    for body in [&page.body, &r.body, &reveal.body] {
        for secret in secrets.iter().filter(|s| s.len() >= 6) {
            assert!(!body.contains(secret.as_str()), "{secret:?} shown");
        }
        assert!(!body.contains("she said"), "the broken value shown");
    }
    for record in h.history.recent(50).await.unwrap() {
        let row = format!("{:?}", record.entry);
        assert!(!row.contains("she said"), "{row}");
    }
}

#[tokio::test]
async fn config_and_domains_change_and_reveals_are_audited() {
    let h = Harness::new();
    let admin = h.login(ADMIN).await;
    let r = h
        .post(
            &admin,
            "/apps/api/config",
            &[
                ("key", "NEW_KEY"),
                ("value", "v@lue with spaces"),
                ("no_restart", "on"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let config = |k: &str| {
        h.sim
            .with_host(|host| host.apps["api"].config.get(k).cloned())
    };
    assert_eq!(config("NEW_KEY").as_deref(), Some("v@lue with spaces"));
    let page = h.get(&admin, "/apps/api").await;
    assert!(page.body.contains("NEW_KEY") && !page.body.contains("v@lue"));

    let r = h
        .post(
            &admin,
            "/apps/api/config/bulk",
            &[("env", "# pasted\nexport BULK_A=1\nBULK_B=\"two\\nlines\"\n")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(config("BULK_B").as_deref(), Some("two\nlines"));
    let bad = h
        .post(&admin, "/apps/api/config/bulk", &[("env", "bad key=1")])
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);

    let r = h
        .post(&admin, "/apps/api/config/unset", &[("key", "BULK_A")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(config("BULK_A"), None);
    // Unset again, as if someone else got there first: nothing changed,
    // and the page says so.
    let r = h
        .post(&admin, "/apps/api/config/unset", &[("key", "BULK_A")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let page = h.get(&admin, "/apps/api").await;
    assert!(
        page.body
            .contains("BULK_A was not set on api; nothing changed."),
        "{}",
        page.body
    );

    let r = h
        .post(&admin, "/apps/api/config/reveal", &[("key", "NEW_KEY")])
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.body, "v@lue with spaces");
    let missing = h
        .post(&admin, "/apps/api/config/reveal", &[("key", "NOPE")])
        .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);

    let mut q = Query::default();
    q.subcommand = Some("config:get".to_owned());
    let reveals = h.history.query(q).await.unwrap().records;
    assert_eq!(reveals.len(), 2, "each reveal is one record");
    assert!(reveals.iter().all(|r| r.entry.actor == "admin"));
    for r in h.history.recent(50).await.unwrap() {
        let row = format!("{:?}", r.entry);
        assert!(!row.contains("v@lue"), "a secret in the history: {row}");
    }

    let r = h
        .post(
            &admin,
            "/apps/api/domains/add",
            &[("domain", "new.example.com")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let domains = || h.sim.with_host(|host| host.apps["api"].domains.clone());
    assert!(domains().contains(&"new.example.com".to_owned()));
    assert!(h.get(&admin, "/").await.body.contains("new.example.com"));
    let r = h
        .post(
            &admin,
            "/apps/api/domains/remove",
            &[("domain", "new.example.com")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(!domains().contains(&"new.example.com".to_owned()));
    let bad = h
        .post(
            &admin,
            "/apps/api/domains/add",
            &[("domain", "not a domain")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
}

/// The first `count` log lines a log stream sends (server-sent events,
/// `event: line`); the 60 s deadline only turns a hang into a failure.
pub async fn log_events(h: &Harness, req: Request<Body>, count: usize) -> Vec<serde_json::Value> {
    let res = h.router.clone().oneshot(req).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()[header::CONTENT_TYPE], "text/event-stream");
    let mut body = res.into_body();
    let mut text = String::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    while text.matches("event: line").count() < count {
        let frame = tokio::time::timeout_at(deadline, body.frame())
            .await
            .expect("no new log lines within 60 s")
            .unwrap()
            .unwrap();
        if let Ok(data) = frame.into_data() {
            text.push_str(&String::from_utf8_lossy(&data));
        }
    }
    text.lines()
        .filter_map(|l| l.strip_prefix("data: "))
        .map(|d| serde_json::from_str(d).unwrap())
        .collect()
}

#[tokio::test]
async fn logs_follow_as_server_sent_events() {
    let h = Harness::new();
    let admin = h.login(ADMIN).await;
    let req = Harness::request(
        Method::GET,
        "/apps/api/logs?n=2&process=web",
        Some(&admin.cookie),
        String::new(),
    );
    // Two past lines per web container (2), then new ones as they come.
    let lines = log_events(&h, req, 8).await;
    assert!(lines.len() >= 8);
    assert!(lines
        .iter()
        .all(|l| l["p"].as_str().unwrap().starts_with("web.")));
    let bad = h.get(&admin, "/apps/api/logs?process=no%20such").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn history_filters_searches_pages_verifies_and_exports() {
    let h = Harness::new();
    let admin = h.login(ADMIN).await;
    for i in 0..3 {
        let d = format!("d{i}.example.com");
        h.post(&admin, "/apps/blog/domains/add", &[("domain", &d)])
            .await;
    }
    h.post(
        &admin,
        "/apps/api/config",
        &[("key", "FINDME"), ("value", "x")],
    )
    .await;
    // Enough records for two pages.
    let template = h.history.recent(1).await.unwrap().remove(0).entry;
    let filler: Vec<_> = (0..60)
        .map(|i| {
            let mut e = template.clone();
            e.started_at += i + 1;
            e.ended_at = e.started_at;
            e.app = Some("queue".to_owned());
            e
        })
        .collect();
    h.history.append_many(filler).await.unwrap();

    let page = h.get(&admin, "/history").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("Hash chain intact: 64 records"),
        "{}",
        page.body
    );
    assert_eq!(page.body.matches("<tr>").count(), 1 + 50);
    // Each row says how long it took with its unit (a phone's card has no
    // column header to say it).
    assert_eq!(page.body.matches(" ms</td>").count(), 50);
    let next = older_link(&page.body).unwrap();
    let older = h.get(&admin, &next).await;
    assert_eq!(older.status, StatusCode::OK, "{next}");
    assert_eq!(older.body.matches("<tr>").count(), 1 + 14);

    let blog = h.get(&admin, "/history?app=blog").await;
    assert_eq!(blog.body.matches("domains:add").count(), 3);
    let search = h.get(&admin, "/history?q=FINDME").await;
    // The value went on stdin; the audit row keeps the key it set.
    assert!(search.body.contains("config:import"), "{}", search.body);
    assert!(!search.body.contains("domains:add "));
    let failed = h.get(&admin, "/history?outcome=failed").await;
    assert_eq!(failed.body.matches("<tr>").count(), 0);
    assert!(failed.body.contains("No records match these filters."));
    let bad = h.get(&admin, "/history?outcome=bogus").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);

    let jsonl = h.get(&admin, "/history/export?format=jsonl").await;
    assert_eq!(jsonl.body.lines().count(), 64);
    for line in jsonl.body.lines() {
        serde_json::from_str::<serde_json::Value>(line).unwrap();
    }
    assert!(jsonl.headers[header::CONTENT_DISPOSITION]
        .to_str()
        .unwrap()
        .contains("attachment"));
    let csv = h.get(&admin, "/history/export?format=csv").await;
    assert_eq!(csv.body.lines().count(), 65);
    assert_eq!(
        h.get(&admin, "/history/export?format=xml").await.status,
        StatusCode::BAD_REQUEST
    );
}

#[tokio::test]
async fn logout_revokes_the_session() {
    let h = Harness::new();
    let admin = h.login(ADMIN).await;
    assert_eq!(h.state.auth.session_count(), 1);
    let r = h.post(&admin, "/logout", &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.location(), "/login");
    let cleared = set_cookie(&r.headers, "__Host-dokku_session").unwrap();
    assert_eq!(cleared, "__Host-dokku_session=");
    assert_eq!(h.state.auth.session_count(), 0);
    // The old cookie, replayed, is worthless.
    let again = h.get(&admin, "/").await;
    assert_eq!(again.status, StatusCode::SEE_OTHER);
    let post = h.post(&admin, "/apps", &[("name", "after-logout")]).await;
    assert_eq!(post.status, StatusCode::UNAUTHORIZED);
    let plain = h
        .post_plain(&admin, "/apps", &[("name", "after-logout")])
        .await;
    assert_eq!(plain.location(), "/login");
    assert!(!h.has_app("after-logout"));
}

#[tokio::test]
async fn databases_are_listed_created_linked_and_destroyed() {
    let h = Harness::new();
    let admin = h.login(ADMIN).await;
    let page = h.get(&admin, "/databases").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    for id in [
        "plugin-postgres",
        "plugin-redis",
        "svc-postgres-api-db",
        "svc-postgres-shop-db",
        "svc-redis-cache",
        "svc-redis-sessions",
    ] {
        assert!(page.body.contains(&format!("id=\"{id}\"")), "{id}");
    }
    let api_db = row(&page.body, "svc-postgres-api-db");
    assert!(
        api_db.contains("running") && api_db.contains("17.2"),
        "{api_db}"
    );
    assert!(api_db.contains("/apps/api") && api_db.contains("/apps/staging-api"));
    assert!(row(&page.body, "svc-redis-sessions").contains("not linked"));
    for dsn in h.sim.with_host(|host| {
        host.services
            .values()
            .map(|s| s.dsn.clone())
            .collect::<Vec<_>>()
    }) {
        assert!(!page.body.contains(&dsn), "a DSN on the page");
    }

    // Create, link: the link shows on the databases page and the app's.
    let r = h
        .post(
            &admin,
            "/databases",
            &[
                ("plugin", "postgres"),
                ("name", "e2e-db"),
                ("image_version", ""),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.location(), "/databases#svc-postgres-e2e-db");
    assert!(h.sim.with_host(|host| host.services.contains_key("e2e-db")));
    let r = h
        .post(
            &admin,
            "/databases/postgres/e2e-db/link",
            &[("app", "blog")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let links = || {
        h.sim
            .with_host(|host| host.services["e2e-db"].links.clone())
    };
    assert_eq!(links(), ["blog"]);
    let page = h.get(&admin, "/databases").await;
    // The flash names the variable Dokku chose, read from its output.
    assert!(
        page.body.contains("Linked e2e-db to blog as DATABASE_URL;"),
        "{}",
        page.body
    );
    assert!(row(&page.body, "svc-postgres-e2e-db").contains("/apps/blog"));
    let blog = h.get(&admin, "/apps/blog").await;
    let at = blog.body.find("id=\"databases\"").unwrap();
    let section = blog.body[at..].split("</section>").next().unwrap();
    assert!(section.contains("#svc-postgres-e2e-db"), "{section}");
    assert!(
        blog.body.contains("DATABASE_URL"),
        "the link set no config var"
    );

    // The DSN: admins only, each reveal one audited record, redacted.
    let dsn = h.post(&admin, "/databases/postgres/e2e-db/dsn", &[]).await;
    let expected = h.sim.with_host(|host| host.services["e2e-db"].dsn.clone());
    assert_eq!(dsn.body, expected);
    let records = h.history.recent(20).await.unwrap();
    let reveal = records
        .iter()
        .find(|r| r.entry.subcommand == "postgres:info")
        .expect("the reveal was not recorded");
    assert_eq!(reveal.entry.actor, "admin");
    for r in &records {
        assert!(
            !format!("{:?}", r.entry).contains(&expected),
            "a DSN in the history"
        );
    }

    // Destroy: refused while linked, and without the typed name.
    let r = h
        .post(
            &admin,
            "/databases/postgres/e2e-db/destroy",
            &[("confirm", "e2e-db")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("linked"), "{}", r.body);
    let r = h
        .post(
            &admin,
            "/databases/postgres/e2e-db/unlink",
            &[("app", "blog")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(links().is_empty());
    let r = h
        .post(
            &admin,
            "/databases/postgres/e2e-db/destroy",
            &[("confirm", "e2e")],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let r = h
        .post(
            &admin,
            "/databases/postgres/e2e-db/destroy",
            &[("confirm", "e2e-db")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(!h.sim.with_host(|host| host.services.contains_key("e2e-db")));

    // Plugins the host lacks, bad names, unknown actions.
    let r = h
        .post(&admin, "/databases", &[("plugin", "mysql"), ("name", "x")])
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = h
        .post(
            &admin,
            "/databases",
            &[("plugin", "postgres"), ("name", "Bad Name")],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let r = h
        .post(&admin, "/databases/postgres/api-db/explode", &[])
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);

    // Viewers see the services but no forms.
    let viewer = h.login(VIEWER).await;
    let page = h.get(&viewer, "/databases").await;
    assert!(page.body.contains("svc-postgres-api-db"));
    assert!(!page.body.contains("Reveal DSN") && !page.body.contains("Create service"));
}

/// The table row whose id is `id`.
fn row(body: &str, id: &str) -> String {
    let at = body.find(&format!("id=\"{id}\"")).unwrap();
    body[at..].split("</tr>").next().unwrap().to_owned()
}

/// Every viewer sees which databases are backed up (the plugin's cron
/// line: when, to which bucket) and which are not; an admin schedules,
/// starts and unschedules backups and sets the S3 credentials, which are
/// sent as secrets and never recorded.
#[tokio::test]
async fn databases_say_whether_they_are_backed_up_and_admins_schedule_backups() {
    let h = Harness::new();
    let viewer = h.login(VIEWER).await;
    let page = h.get(&viewer, "/databases").await.body;
    let shop_db = row(&page, "svc-postgres-shop-db");
    assert!(
        shop_db.contains("<code>0 3 * * *</code> to <code class=\"long\">acme-db-backups</code>"),
        "{shop_db}"
    );
    assert!(row(&page, "svc-postgres-api-db").contains("none scheduled"));
    // Each app's page says it of the databases linked to it.
    let databases = |body: &str| {
        let at = body.find("id=\"databases\"").unwrap();
        body[at..].split("</section>").next().unwrap().to_owned()
    };
    let shop = databases(&h.get(&viewer, "/apps/shop").await.body);
    assert!(
        shop.contains("shop-db</a> <span class=\"muted\">backed up <code>0 3 * * *</code>"),
        "{shop}"
    );
    let api = databases(&h.get(&viewer, "/apps/api").await.body);
    assert!(
        api.contains("api-db</a> <span class=\"badge s-mixed\">not backed up"),
        "{api}"
    );
    assert!(
        !page.contains("Backups to S3"),
        "a viewer is offered the forms"
    );
    let r = h
        .post(&viewer, "/databases/postgres/api-db/backup-unschedule", &[])
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);

    let admin = h.login(ADMIN).await;
    let schedule = |h: &Harness| {
        h.sim
            .with_host(|host| host.services["api-db"].backup.get("SCHEDULE").cloned())
    };
    let r = h
        .post(
            &admin,
            "/databases/postgres/api-db/backup-schedule",
            &[("schedule", "30 2 * * *"), ("bucket", "api-backups")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(
        schedule(&h).as_deref(),
        Some("30 2 * * * dokku /usr/bin/dokku postgres:backup api-db api-backups ")
    );
    let page = h.get(&admin, "/databases").await.body;
    assert!(page.contains("Backups of api-db scheduled: 30 2 * * *, to api-backups."));
    assert!(row(&page, "svc-postgres-api-db").contains("<code>30 2 * * *</code>"));

    // Without credentials Dokku refuses a backup, in its words.
    let now = [("bucket", "api-backups")];
    let r = h
        .post(&admin, "/databases/postgres/api-db/backup", &now)
        .await;
    assert!(
        r.status.is_client_error() || r.status.is_server_error(),
        "{}",
        r.body
    );
    assert!(
        r.body.contains("Missing AWS_ACCESS_KEY_ID file"),
        "{}",
        r.body
    );
    let r = h
        .post(
            &admin,
            "/databases/postgres/api-db/backup-auth",
            &[("access_key_id", "AKIA"), ("secret_access_key", " ")],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert!(r.body.contains("Give the secret access key."), "{}", r.body);
    let r = h
        .post(
            &admin,
            "/databases/postgres/api-db/backup-auth",
            &[
                ("access_key_id", "AKIAAPI"),
                ("secret_access_key", "ap1-s3cret"),
                ("region", "eu-west-1"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let kept = h
        .sim
        .with_host(|host| host.services["api-db"].backup.clone());
    assert_eq!(kept["AWS_SECRET_ACCESS_KEY"], "ap1-s3cret");
    assert_eq!(kept["AWS_DEFAULT_REGION"], "eu-west-1");
    let r = h
        .post(&admin, "/databases/postgres/api-db/backup", &now)
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let records = h.history.recent(20).await.unwrap();
    assert!(records
        .iter()
        .any(|r| r.entry.argv == ["postgres:backup", "api-db", "api-backups"]));
    for r in &records {
        let entry = format!("{:?}", r.entry);
        assert!(
            !entry.contains("ap1-s3cret") && !entry.contains("AKIAAPI"),
            "{entry}"
        );
    }

    // An encryption passphrase: a secret, never recorded; Dokku keeps
    // the first until it is unset.
    let encrypt = "/databases/postgres/api-db/backup-set-encryption";
    let r = h
        .post(&admin, encrypt, &[("passphrase", "gpg-p4ssphrase")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let key = || {
        h.sim.with_host(|host| {
            host.services["api-db"]
                .backup
                .get("ENCRYPTION_KEY")
                .cloned()
        })
    };
    assert_eq!(key().as_deref(), Some("gpg-p4ssphrase"));
    let r = h.post(&admin, encrypt, &[("passphrase", "another")]).await;
    assert!(r.body.contains("File exists"), "{}", r.body);
    assert_eq!(key().as_deref(), Some("gpg-p4ssphrase"));
    let r = h
        .post(
            &admin,
            "/databases/postgres/api-db/backup-unset-encryption",
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(key(), None);
    for r in h.history.recent(50).await.unwrap() {
        let entry = format!("{:?}", r.entry);
        assert!(
            !entry.contains("gpg-p4ssphrase") && !entry.contains("another"),
            "{entry}"
        );
    }

    let r = h
        .post(&admin, "/databases/postgres/api-db/backup-unschedule", &[])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(schedule(&h), None);
    let page = h.get(&admin, "/databases").await.body;
    assert!(row(&page, "svc-postgres-api-db").contains("none scheduled"));
}

/// An admin downloads a service's dump: the file as Dokku printed it,
/// audited without its bytes; a missing service says so by its form;
/// viewers are refused.
#[tokio::test]
async fn an_admin_downloads_a_dump_audited_without_its_bytes() {
    let h = Harness::new();
    let admin = h.login(ADMIN).await;
    let page = h.get(&admin, "/databases").await;
    assert!(page.body.contains("Download a dump"), "{}", page.body);
    let r = h
        .post_plain(&admin, "/databases/postgres/api-db/dump", &[])
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.headers[header::CONTENT_TYPE], "application/octet-stream");
    assert_eq!(
        r.headers[header::CONTENT_DISPOSITION],
        "attachment; filename=\"postgres-api-db.dump\""
    );
    assert_eq!(r.body, "PGDMP\u{0}api-db\u{0}");
    let export = record_of(&h, "postgres:export").await;
    assert_eq!(export.entry.actor, "admin");
    assert_eq!(export.entry.outcome, dokku_history::Outcome::Ok);
    assert!(
        !format!("{:?}", export.entry).contains("PGDMP"),
        "a dump's bytes in the history"
    );

    let r = h.post(&admin, "/databases/postgres/no-db/dump", &[]).await;
    assert_ne!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.headers.get(header::CONTENT_DISPOSITION).is_none());
    assert!(r.body.contains("no-db"), "{}", r.body);

    viewer_refused(&h, "/databases/postgres/api-db/dump", &[]).await;
    let viewer = h.login(VIEWER).await;
    let page = h.get(&viewer, "/databases").await;
    assert!(!page.body.contains("Download a dump"));
}

/// An admin loads a dump from the page: the file streams to the host
/// unbuffered (larger than any form), only after the service's name is
/// typed, never empty, audited without its bytes; no token, no load.
#[tokio::test]
async fn an_admin_loads_a_dump_after_typing_the_name() {
    let h = Harness::new();
    let admin = h.login(ADMIN).await;
    let page = h.get(&admin, "/databases").await;
    assert!(page.body.contains("Load a dump"), "{}", page.body);
    let upload = |who: &Client, token: Option<&str>, typed: &str, dump: Vec<u8>| {
        let mut req = Request::builder()
            .method(Method::POST)
            .uri("/databases/postgres/api-db/import")
            .header(header::COOKIE, &who.cookie)
            .header(header::CONTENT_TYPE, "application/octet-stream")
            .header(header::ACCEPT, "application/json")
            .header("x-confirm", typed);
        if let Some(token) = token {
            req = req.header("x-csrf-token", token);
        }
        h.send(req.body(Body::from(dump)).unwrap())
    };
    let imports = || records_of(&h, "postgres:import");
    let dump = || {
        let mut dump = b"PGDMP-restored-data".to_vec();
        dump.resize(4 * crate::server::BODY_LIMIT, b'.');
        dump
    };
    // Refused before anything is sent.
    let r = upload(&admin, Some(&admin.csrf), "api", dump()).await;
    assert!(refused(&r, StatusCode::BAD_REQUEST).contains("type api-db exactly"));
    let r = upload(&admin, Some(&admin.csrf), "api-db", Vec::new()).await;
    assert!(refused(&r, StatusCode::BAD_REQUEST).contains("empty"));
    let r = upload(&admin, None, "api-db", dump()).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    let viewer = h.login(VIEWER).await;
    let r = upload(&viewer, Some(&viewer.csrf), "api-db", dump()).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    // Without the page's script the form posts the file's name only: said
    // so, rather than that the typed name does not match.
    let form = [("confirm", "api-db"), ("dump", "api-db.dump")];
    let r = h
        .post(&admin, "/databases/postgres/api-db/import", &form)
        .await;
    let said = refused(&r, StatusCode::BAD_REQUEST);
    assert!(said.contains("needs JavaScript"), "{said}");
    assert!(
        said.contains("cli services postgres import api-db"),
        "{said}"
    );
    assert!(imports().await.is_empty(), "a refused dump was sent");
    // Four times the forms' limit: streamed, never buffered against it.
    let r = upload(&admin, Some(&admin.csrf), " api-db ", dump()).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["ok"], true, "{}", r.body);
    let import = record_of(&h, "postgres:import").await;
    assert_eq!(import.entry.actor, "admin");
    assert_eq!(import.entry.outcome, dokku_history::Outcome::Ok);
    assert!(!format!("{:?}", import.entry).contains("restored-data"));
    // A form over the limit is still refused whole.
    let big = "x".repeat(2 * crate::server::BODY_LIMIT);
    let r = h.post(&admin, "/databases", &[("name", &big)]).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", r.body);
}

/// A host whose export prints part of a dump, then fails (`exit`: with
/// that status; `None`: the output just ends, as when a connection drops).
#[derive(Debug, Clone)]
struct FailingExport {
    sim: SimExecutor,
    exit: Option<i32>,
}

#[async_trait::async_trait]
impl dokku::Executor for FailingExport {
    async fn run(&self, command: &dokku::Command) -> Result<dokku::Output, dokku::ExecError> {
        dokku::Executor::run(&self.sim, command).await
    }
    async fn stream(
        &self,
        command: &dokku::Command,
    ) -> Result<dokku::OutputStream, dokku::ExecError> {
        if command.subcommand() != "postgres:export" {
            return dokku::Executor::stream(&self.sim, command).await;
        }
        let mut chunks = vec![
            Ok(dokku::Chunk::Stdout(b"PGDMP partial".to_vec())),
            Ok(dokku::Chunk::Stderr(
                b"pg_dump: error: connection lost\n".to_vec(),
            )),
        ];
        if let Some(code) = self.exit {
            chunks.push(Ok(dokku::Chunk::Exit(dokku::ExitStatus::code(code))));
        }
        Ok(Box::pin(futures_util::stream::iter(chunks)))
    }
}

/// A dump that fails after its first bytes, or whose output just ends, is
/// never a whole file: the answer ends with an error (the browser shows a
/// failed download).
#[tokio::test]
async fn a_dump_that_fails_midway_is_cut_off_not_passed_off_as_whole() {
    for exit in [Some(1), None] {
        let sim = SimExecutor::new(scenario::demo());
        let host = FailingExport {
            sim: sim.clone(),
            exit,
        };
        let h = custom(sim, Arc::new(host), None, |o| o.refresh = idle());
        let admin = h.login(ADMIN).await;
        let pairs = [("_csrf", admin.csrf.as_str())];
        let req = Harness::request(
            Method::POST,
            "/databases/postgres/api-db/dump",
            Some(&admin.cookie),
            form(&pairs),
        );
        let res = h.router.clone().oneshot(req).await.unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        let body = res.into_body().collect().await;
        assert!(
            body.is_err(),
            "exit {exit:?}: a failed export read as a whole file"
        );
    }
}

fn section(body: &str, id: &str) -> String {
    let at = body
        .find(&format!("<section id=\"{id}\""))
        .unwrap_or_else(|| panic!("no #{id}"));
    body[at..].split("</section>").next().unwrap().to_owned()
}

#[tokio::test]
async fn tls_panel_shows_expiry_on_the_hosts_clock_and_enables_and_renews() {
    let h = Harness::new();
    let admin = h.login(ADMIN).await;
    let api = section(&h.get(&admin, "/apps/api").await.body, "tls");
    assert!(api.contains("expires in 61 days"), "{api}");
    assert!(api.contains("renewal due in 31 days"), "{api}");
    assert!(api.contains("<strong>active</strong>"), "{api}");
    assert!(api.contains("Renew now") && api.contains("Renew if due"));
    let blog = section(&h.get(&admin, "/apps/blog").await.body, "tls");
    assert!(
        blog.contains("expires in 5 days") && blog.contains("renewal overdue"),
        "{blog}"
    );
    // A certificate of its own: the countdown still uses the host's clock.
    let docs = section(&h.get(&admin, "/apps/docs.example.com").await.body, "tls");
    assert!(docs.contains("expires in 200 days"), "{docs}");
    assert!(docs.contains("not active"), "{docs}");
    let metrics = section(&h.get(&admin, "/apps/metrics").await.body, "tls");
    assert!(
        metrics.contains("No certificate") && metrics.contains("Enable Let"),
        "{metrics}"
    );

    let r = h.post(&admin, "/apps/metrics/tls/enable", &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let metrics = h.get(&admin, "/apps/metrics").await.body;
    assert!(metrics.contains("Requested a Let"), "no flash");
    let tls = section(&metrics, "tls");
    assert!(tls.contains("<strong>active</strong>"), "{tls}");
    // 90 days from issue, and the simulated clock ticked since.
    assert!(tls.contains("expires in 89 days"), "{tls}");

    let r = h.post(&admin, "/apps/blog/tls/renew", &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let blog = section(&h.get(&admin, "/apps/blog").await.body, "tls");
    assert!(!blog.contains("renewal overdue"), "not renewed: {blog}");
    assert_eq!(
        h.post(&admin, "/apps/blog/tls/explode", &[]).await.status,
        StatusCode::NOT_FOUND
    );
    let records = h.history.recent(10).await.unwrap();
    for s in ["letsencrypt:enable", "letsencrypt:auto-renew"] {
        assert!(
            records
                .iter()
                .any(|r| r.entry.subcommand == s && r.entry.actor == "admin"),
            "{s} not recorded"
        );
    }

    // Without the plugin the panel says so and offers no action.
    let mut host = scenario::demo();
    host.plugins.retain(|p| p.name != "letsencrypt");
    let h = Harness::with_sim(SimExecutor::new(host));
    let admin = h.login(ADMIN).await;
    let api = section(&h.get(&admin, "/apps/api").await.body, "tls");
    assert!(api.contains("letsencrypt plugin is not installed"), "{api}");
    assert!(!api.contains("Renew"));
    assert!(api.contains("verified by a certificate authority"), "{api}");
}

#[tokio::test]
async fn ports_panel_lists_adds_and_removes_mappings() {
    let h = Harness::new();
    let admin = h.login(ADMIN).await;
    let ports = section(&h.get(&admin, "/apps/metrics").await.body, "ports");
    assert!(ports.contains("data-mapping=\"http:9090:9090\""), "{ports}");
    assert!(ports.contains("http 80 → 5000"), "{ports}");
    let map = || {
        h.sim
            .with_host(|host| {
                host.app_property("metrics", "ports", "map")
                    .map(str::to_owned)
            })
            .unwrap_or_default()
    };
    let r = h
        .post(
            &admin,
            "/apps/metrics/ports/add",
            &[("scheme", "https"), ("host", "8443"), ("container", "5000")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(map().contains("https:8443:5000"), "{}", map());
    let ports = section(&h.get(&admin, "/apps/metrics").await.body, "ports");
    assert!(
        ports.contains("data-mapping=\"https:8443:5000\""),
        "{ports}"
    );

    let r = h
        .post(
            &admin,
            "/apps/metrics/ports/remove",
            &[("mapping", "http:9090:9090")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(!map().contains("9090"), "{}", map());
    for bad in [
        vec![("scheme", "http"), ("host", "0"), ("container", "5000")],
        vec![("scheme", "HTTP"), ("host", "80"), ("container", "5000")],
        vec![("mapping", "http:80")],
        vec![],
    ] {
        let r = h.post(&admin, "/apps/metrics/ports/add", &bad).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{bad:?}");
    }
    let records = h.history.recent(10).await.unwrap();
    assert!(records.iter().any(|r| r.entry.subcommand == "ports:add"));
    assert!(records.iter().any(|r| r.entry.subcommand == "ports:remove"));

    let viewer = h.login(VIEWER).await;
    let ports = section(&h.get(&viewer, "/apps/metrics").await.body, "ports");
    assert!(ports.contains("https 8443 → 5000") && !ports.contains("Add mapping"));
}

/// The number in "Hash chain intact: N records verified".
fn verified_rows(body: &str) -> u64 {
    let at = body.find("Hash chain intact: ").expect("no verify status") + 19;
    body[at..]
        .split_whitespace()
        .next()
        .and_then(|n| n.parse().ok())
        .expect("a row count")
}

#[tokio::test]
async fn history_reuses_one_verification_until_asked_to_verify_now() {
    let h = Harness::new();
    let admin = h.login(ADMIN).await;
    let r = h.post(&admin, "/apps", &[("name", "one")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let first = verified_rows(&h.get(&admin, "/history").await.body);
    assert!(first >= 1);

    let r = h.post(&admin, "/apps", &[("name", "two")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    // Within the TTL the page shows the kept result (the new row is listed,
    // but not yet counted as verified) …
    let page = h.get(&admin, "/history").await;
    assert!(page.body.contains("apps:create two"), "{}", page.body);
    assert_eq!(verified_rows(&page.body), first);
    assert!(page.body.contains("href=\"/history?verify=now\""));
    // … and "Verify now" reads the whole chain again.
    let fresh = verified_rows(&h.get(&admin, "/history?verify=now").await.body);
    assert!(fresh > first, "{fresh} <= {first}");
}

/// A harness whose clock the test moves by hand.
fn harness_with_clock() -> (Harness, impl Fn(Duration)) {
    let (clock, advance) = super::auth::tests::manual_clock();
    let dir = tempfile::tempdir().unwrap();
    let history = HistoryStore::open(dir.path().join("history.db")).unwrap();
    let limits = Limits {
        idle: Duration::from_secs(600),
        ..Limits::default()
    };
    let auth = test_auth(limits).with_clock(clock);
    let sim = SimExecutor::new(scenario::demo()).with_follow_interval(Duration::from_millis(40));
    let options = Options {
        refresh: unlimited(),
        host_label: "sim".to_owned(),
        ..Options::default()
    };
    let state = AppState::new(Arc::new(sim.clone()), history.clone(), auth, options);
    let h = Harness {
        router: app(state.clone()),
        state,
        sim,
        history,
        _dir: dir,
    };
    (h, advance)
}

#[tokio::test]
async fn an_expired_session_sends_in_page_requests_to_log_in_and_back() {
    let (h, advance) = harness_with_clock();
    let admin = h.login(ADMIN).await;
    advance(Duration::from_secs(601));
    // The page script's requests: 401 with where to log in, never a page.
    for path in [
        "/apps/api/ps/stop",
        "/apps/api/config/reveal",
        "/apps/api/scale",
    ] {
        let r = h
            .post(&admin, path, &[("key", "NODE_ENV"), ("web", "1")])
            .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{path}");
        assert!(r.is_json(), "{path}: {}", r.body);
        assert!(!r.body.contains("<!DOCTYPE"), "{path}");
        assert_eq!(r.json()["login"], "/login?next=%2Fapps%2Fapi");
    }
    // A page: the login form, which leads back after logging in.
    let r = h.get(&admin, "/apps/api?n=5").await;
    assert_eq!(r.location(), "/login?next=%2Fapps%2Fapi%3Fn%3D5");
    let form = h.anon_get("/login?next=%2Fapps%2Fapi%23logs").await;
    assert!(form.body.contains("name=\"next\" value=\"/apps/api#logs\""));
    // Only paths on this site.
    let evil = h.anon_get("/login?next=%2F%2Fevil.example").await;
    assert!(!evil.body.contains("evil.example"));
    assert_eq!(h.sim.with_host(|host| host.apps["api"].scale["web"]), 2);
}

#[tokio::test]
async fn a_refused_streamed_form_answers_with_a_sentence_not_an_error_page() {
    let h = Harness::new();
    let admin = h.login(ADMIN).await;
    for bad in ["-1", "999999999999", "abc", "1.5", ""] {
        let r = h.post(&admin, "/apps/api/scale", &[("web", bad)]).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{bad}");
        let message = r.json()["message"].as_str().unwrap().to_owned();
        assert!(
            message.contains("whole number of containers from 0 to 100"),
            "{message}"
        );
    }
    assert_eq!(h.sim.with_host(|host| host.apps["api"].scale["web"]), 2);
    assert!(h.history.recent(10).await.unwrap().is_empty());
}

#[tokio::test]
async fn refusals_are_sentences_next_to_their_form_without_internals() {
    let h = Harness::new();
    let admin = h.login(ADMIN).await;
    let r = h.post(&admin, "/apps", &[("name", "my app")]).await;
    let message = r.json()["message"].as_str().unwrap().to_owned();
    assert_eq!(
        message,
        "App name cannot contain a space: use a-z, 0-9, '.' or '-'."
    );
    let r = h.post(&admin, "/apps", &[("name", "api")]).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(!r.body.contains("apps:create"), "{}", r.body);
    // Dokku's own words, shown as Dokku's.
    let r = h
        .post(
            &admin,
            "/databases/postgres/api-db/destroy",
            &[("confirm", "api-db")],
        )
        .await;
    let answer = r.json();
    assert_eq!(answer["message"], "Dokku could not destroy api-db.");
    assert!(
        answer["dokku"].as_str().unwrap().contains("linked"),
        "{answer}"
    );
    assert!(!r.body.contains("`dokku"), "{}", r.body);
    // Posted the plain way: back to the form (never left at the POST URL),
    // the problem shown at that form on the app's page.
    let r = h
        .post_plain(
            &admin,
            "/apps/api/domains/add",
            &[("domain", "not a domain"), ("_form", "domain-add")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.location(), "/apps/api#domain-add");
    let page = h.get(&admin, "/apps/api").await.body;
    let at = page.find("id=\"domain-add\"").unwrap();
    assert!(
        page[at..].contains("class=\"form-error\""),
        "not at its form"
    );
    assert!(page.contains("Domain cannot contain a space"));
    // A page that cannot be shown keeps the navigation and leads back.
    let missing = h.get(&admin, "/apps/nope").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert!(missing.body.contains("There is no app called nope."));
    assert!(
        missing.body.contains("href=\"/databases\""),
        "no navigation"
    );
}

#[tokio::test]
async fn logout_and_expiry_close_the_sessions_log_streams() {
    let (h, advance) = harness_with_clock();
    for end in ["logout", "expiry"] {
        let admin = h.login(ADMIN).await;
        let req = Harness::request(
            Method::GET,
            "/apps/api/logs?n=1",
            Some(&admin.cookie),
            String::new(),
        );
        let res = h.router.clone().oneshot(req).await.unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        let mut body = res.into_body();
        let mut text = String::new();
        // The stream is live …
        while !text.contains("event: line") {
            let frame = body.frame().await.unwrap().unwrap();
            if let Ok(data) = frame.into_data() {
                text.push_str(&String::from_utf8_lossy(&data));
            }
        }
        if end == "logout" {
            h.post(&admin, "/logout", &[]).await;
        } else {
            advance(Duration::from_secs(601));
            h.state.auth.sweep();
        }
        // … and ends with the session: an `end` event, then nothing.
        let mut rest = String::new();
        while let Some(frame) = body.frame().await {
            if let Ok(data) = frame.unwrap().into_data() {
                rest.push_str(&String::from_utf8_lossy(&data));
            }
        }
        assert!(rest.contains("event: end"), "{end}: {rest}");
    }
}

#[tokio::test]
async fn new_app_names_must_be_hostnames_and_long_ones_do_not_widen_the_page() {
    let h = Harness::new();
    let admin = h.login(ADMIN).await;
    let long = "a".repeat(80);
    let r = h.post(&admin, "/apps", &[("name", &long)]).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.json()["message"].as_str().unwrap().contains("1 to 63"));
    assert!(!h.has_app(&long));
    // One Dokku listed from before is cut with an ellipsis, named in full.
    h.sim.with_host(|host| {
        let app = host.apps["blog"].clone();
        host.apps.insert(long.clone(), app);
    });
    h.state.store.mark_list_dirty();
    let home = h.get(&admin, "/").await.body;
    assert!(home.contains(&format!(
        "class=\"app-name\" href=\"/apps/{long}\" title=\"{long}\""
    )));
    let page = h.get(&admin, &format!("/apps/{long}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page
        .body
        .contains(&format!("class=\"app-title\" title=\"{long}\"")));
}

#[tokio::test]
async fn an_image_version_that_is_no_docker_tag_is_refused_before_anything_is_sent() {
    let h = Harness::new();
    let admin = h.login(ADMIN).await;
    for bad in ["17.2; rm -rf /", "<b>x</b>"] {
        let r = h
            .post(
                &admin,
                "/databases",
                &[
                    ("plugin", "postgres"),
                    ("name", "tagged"),
                    ("image_version", bad),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{bad}");
        assert!(r.json()["message"]
            .as_str()
            .unwrap()
            .starts_with("Image version"));
    }
    assert!(!h.sim.with_host(|host| host.services.contains_key("tagged")));
    assert!(h.history.recent(10).await.unwrap().is_empty());
}

#[tokio::test]
async fn a_form_over_the_size_limit_is_refused_in_the_page_with_the_limit() {
    let h = Harness::new();
    let admin = h.login(ADMIN).await;
    let env = "A=".to_owned() + &"x".repeat(300 * 1024);
    let r = h
        .post(&admin, "/apps/api/config/bulk", &[("env", &env)])
        .await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    let message = r.json()["message"].as_str().unwrap().to_owned();
    assert!(message.contains("the limit is 256 KB"), "{message}");
    let plain = h
        .post_plain(&admin, "/apps/api/config/bulk", &[("env", &env)])
        .await;
    assert_eq!(plain.location(), "/apps/api");
    assert!(h
        .get(&admin, "/apps/api")
        .await
        .body
        .contains("the limit is 256 KB"));
}

#[tokio::test]
async fn dashboards_on_two_ports_keep_their_own_sessions() {
    let on = |port: &str| {
        let mut h = Harness::new();
        let mut options = h.state.options.clone();
        options.cookie_scope = port.to_owned();
        let auth = test_auth(Limits::default());
        h.state = AppState::new(Arc::new(h.sim.clone()), h.history.clone(), auth, options);
        h.router = app(h.state.clone());
        h
    };
    let (a, b) = (on("3001"), on("3002"));
    assert_ne!(a.state.cookie_name(), b.state.cookie_name());
    // One browser's cookie jar: cookies ignore ports, names keep them apart.
    let mut jar: std::collections::BTreeMap<String, String> = Default::default();
    for h in [&a, &b] {
        let page = h.anon_get("/login").await;
        let login = set_cookie(&page.headers, &h.state.scoped_cookie("dokku_login")).unwrap();
        let mut req = Harness::request(
            Method::POST,
            "/login",
            Some(&login),
            form(&[
                ("user", "admin"),
                ("password", ADMIN),
                ("_csrf", &hidden_csrf(&page.body)),
            ]),
        );
        req.extensions_mut()
            .insert(ConnectInfo(SocketAddr::from(([127, 0, 0, 1], 40000))));
        let r = h.send(req).await;
        let cookie = set_cookie(&r.headers, &h.state.cookie_name()).unwrap();
        let (name, value) = cookie.split_once('=').unwrap();
        jar.insert(name.to_owned(), value.to_owned());
    }
    let header: Vec<String> = jar.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let header = header.join("; ");
    for h in [&a, &b] {
        let req = Harness::request(Method::GET, "/", Some(&header), String::new());
        assert_eq!(h.send(req).await.status, StatusCode::OK, "logged out");
    }
    // Logging out of one clears only its own cookie; the other stays in.
    let page = a
        .send(Harness::request(
            Method::GET,
            "/",
            Some(&header),
            String::new(),
        ))
        .await;
    let at = page.body.find("name=\"csrf-token\" content=\"").unwrap() + 27;
    let csrf = &page.body[at..at + 64];
    let out = a
        .send(Harness::request(
            Method::POST,
            "/logout",
            Some(&header),
            form(&[("_csrf", csrf)]),
        ))
        .await;
    let cleared = out
        .headers
        .get(header::SET_COOKIE)
        .unwrap()
        .to_str()
        .unwrap();
    assert!(
        cleared.starts_with(&format!("{}=;", a.state.cookie_name())),
        "{cleared}"
    );
    let req = Harness::request(Method::GET, "/", Some(&header), String::new());
    assert_eq!(a.send(req).await.status, StatusCode::SEE_OTHER);
    let req = Harness::request(Method::GET, "/", Some(&header), String::new());
    assert_eq!(
        b.send(req).await.status,
        StatusCode::OK,
        "logged out by the other"
    );
}

#[tokio::test]
async fn logs_show_the_last_lines_in_all_by_time_and_streams_resume_after_them() {
    let h = Harness::new();
    let admin = h.login(ADMIN).await;
    let page = h.get(&admin, "/apps/api?n=10").await.body;
    let keys: Vec<&str> = page
        .split("class=\"l\" data-k=\"")
        .skip(1)
        .map(|s| s.split('"').next().unwrap())
        .collect();
    // Ten lines in all (not ten per container), oldest first.
    assert_eq!(keys.len(), 10);
    assert!(keys.windows(2).all(|w| w[0] <= w[1]), "{keys:?}");
    let download = h.get(&admin, "/apps/api/logs/download?n=10").await;
    assert_eq!(download.body.lines().count(), 10);
    assert!(download.headers[header::CONTENT_DISPOSITION]
        .to_str()
        .unwrap()
        .contains("api.log"));
}

#[tokio::test]
async fn changes_that_change_nothing_are_refused_and_not_recorded() {
    let h = Harness::new();
    let admin = h.login(ADMIN).await;
    let r = h
        .post(&admin, "/apps/api/rename", &[("new_name", "api")])
        .await;
    assert_eq!(
        r.json()["message"],
        "The app is already called api: type the new name."
    );
    let r = h
        .post(
            &admin,
            "/apps/api/domains/add",
            &[("domain", "api.example.com")],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.json()["message"]
        .as_str()
        .unwrap()
        .contains("already a domain of api"));
    let r = h
        .post(
            &admin,
            "/apps/metrics/ports/add",
            &[("scheme", "http"), ("host", "9090"), ("container", "9090")],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(
        h.history.recent(10).await.unwrap().is_empty(),
        "recorded a no-op"
    );
}

#[tokio::test]
async fn the_dashboard_finds_filters_and_pages_many_apps_crashed_first() {
    let mut host = scenario::demo();
    let template = host.apps["api"].clone();
    for i in 0..500 {
        let name = format!("app-{i:03}");
        let mut app = template.clone();
        app.domains = vec![format!("{name}.dokku.me")];
        app.converge(&name);
        host.apps.insert(name, app);
    }
    let h = Harness::with_sim(SimExecutor::new(host));
    let admin = h.login(ADMIN).await;
    let home = h.get(&admin, "/").await.body;
    assert_eq!(home.matches("<tr data-app=").count(), 50);
    let first = home.find("<tr data-app=").unwrap();
    assert!(
        home[first..].starts_with("<tr data-app=\"metrics\""),
        "crashed first"
    );
    assert!(home.contains("Page 1 of 11"));
    // app-420 … app-429.
    let found = h.get(&admin, "/?q=app-42").await.body;
    assert_eq!(found.matches("<tr data-app=").count(), 10);
    let stopped = h.get(&admin, "/?state=stopped").await.body;
    assert!(stopped.contains("data-app=\"staging-api\""));
    assert!(!stopped.contains("data-app=\"app-001\""));
    let last = h.get(&admin, "/?page=11").await.body;
    assert!(last.contains("rel=\"prev\""));
    assert!(h
        .get(&admin, "/?q=zzz")
        .await
        .body
        .contains("No app matches."));
}

#[tokio::test]
async fn the_dashboard_filters_the_apps_whose_last_deploy_failed() {
    let h = Harness::new();
    let admin = h.login(ADMIN).await;
    // No failed deploy known yet: the filter is hidden (shown live once
    // there is one).
    let home = h.get(&admin, "/").await.body;
    assert!(
        home.contains(
            "<li data-mark hidden><a class=\"badge s-crashed\" href=\"/?state=deploy-failed\""
        ),
        "{home}"
    );
    // The builds read: api's last push failed (the demo's).
    h.read_builds().await;
    let home = h.get(&admin, "/").await.body;
    assert!(
        home.contains("<li data-mark><a class=\"badge s-crashed\" href=\"/?state=deploy-failed\"")
            && home.contains("<strong id=\"count-deploy-failed\">1</strong>"),
        "{home}"
    );
    let failed = h.get(&admin, "/?state=deploy-failed").await.body;
    assert_eq!(failed.matches("<tr data-app=").count(), 1, "{failed}");
    assert!(failed.contains("<tr data-app=\"api\""), "{failed}");
    assert!(
        failed.contains("<input type=\"hidden\" name=\"state\" value=\"deploy-failed\">"),
        "the search keeps the filter: {failed}"
    );
    let none = h.get(&admin, "/?state=deploy-failed&q=blog").await.body;
    assert!(none.contains("No app matches."), "{none}");
    // The live count follows.
    let (_, live) = h.live(&admin).await;
    assert!(live.contains("\"deploy-failed\":1"), "{live}");
    // Someone who may not see api is not told of it.
    let outsider = h.login(OUTSIDER).await;
    let home = h.get(&outsider, "/").await.body;
    assert!(
        !home.contains("deploy failed</a>")
            && home.contains("<strong id=\"count-deploy-failed\">0</strong>"),
        "{home}"
    );
    let (_, live) = h.live(&outsider).await;
    assert!(live.contains("\"deploy-failed\":0"), "{live}");
}

/// A reading of Dokku's builds by a host's watch, as the dashboard's
/// builds watcher makes once a minute.
pub(crate) async fn read_builds(state: &AppState) {
    let reports = state
        .dokku
        .report::<dokku::model::builds::BuildsReport>()
        .all()
        .await
        .unwrap();
    let watch = &state.watch;
    watch.on_builds(watch.builds_mark(), reports);
    watch.missed_pushes(&state.dokku).await;
}

#[tokio::test]
async fn the_dashboard_says_when_dokkus_event_log_is_off_and_an_admin_turns_it_on() {
    let sim = SimExecutor::new(scenario::demo());
    sim.with_host(|host| dokku_sim::dispatch(host, &["events:off".to_owned()], b""));
    // Rows fresh for an hour: only a mark has an app read again.
    let h = Harness::with_options(sim, |o| o.refresh.refresh_after = Duration::from_secs(3600));
    let mut known = h.state.store.event_log_changes();
    known.wait_for(|on| *on == Some(false)).await.unwrap();
    let shown = "<div class=\"muted\" id=\"event-log-off\">Dokku's event log is off";
    let hidden = "<div class=\"muted\" id=\"event-log-off\" hidden>";
    let viewer = h.login(VIEWER).await;
    let home = h.get(&viewer, "/").await.body;
    assert!(
        home.contains(shown) && !home.contains("action=\"/events\""),
        "{home}"
    );
    let admin = h.login(ADMIN).await;
    let home = h.get(&admin, "/").await.body;
    assert!(home.contains("action=\"/events\""), "{home}");
    // A viewer may not switch it.
    let r = h.post(&viewer, "/events", &[]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // An open dashboard hides the notice once the logger is on.
    let (mut live, mut text) = h.live(&viewer).await;
    let r = h.post(&admin, "/events", &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    read_until(&mut live, &mut text, |t| {
        t.contains("event: event-log\ndata: {\"on\":true}")
    })
    .await;
    let logged = h.sim.with_host(|host| {
        let out = dokku_sim::dispatch(host, &["events:list".to_owned()], b"").into_output();
        String::from_utf8_lossy(&out.stdout).into_owned()
    });
    assert!(logged.contains("builder-build"), "{logged}");
    assert!(h
        .history
        .recent(1)
        .await
        .unwrap()
        .iter()
        .any(|r| r.entry.subcommand == "events:on"));
    // The page it leads to says so, not the notice.
    let home = h.get(&admin, "/").await.body;
    assert!(
        home.contains("Dokku's event log is on") && home.contains(hidden),
        "{home}"
    );
    // And the log is followed at once, not at the next recheck five
    // minutes on (the guard fails the test long before): a change made on
    // the host itself has its app read again.
    let mut updates = h.state.store.subscribe();
    h.sim.with_host(|host| {
        dokku_sim::dispatch(host, &["ps:stop".to_owned(), "shop".to_owned()], b"")
    });
    let shop_read = async {
        loop {
            if let Ok(crate::common::snapshot::Update::Row(row)) = updates.recv().await {
                if row.app.as_str() == "shop"
                    && row.status == dokku::model::overview::AppStatus::Stopped
                {
                    break;
                }
            }
        }
    };
    tokio::time::timeout(Duration::from_secs(120), shop_read)
        .await
        .expect("the event log followed at once");
}

/// A push held after its first line: api's build runs until the gate
/// opens and the deploy is read to its end. Its id.
async fn held_push(
    sim: &SimExecutor,
) -> (dokku_sim::Gate, dokku::api::deploy::DeployStream, String) {
    use dokku::api::deploy::DeploySpec;
    use futures_util::StreamExt;
    sim.with_host(|host| host.images.insert("ghcr.io/acme/api:v9".to_owned()));
    let gate = sim.gate_deploys();
    let dokku = dokku::Dokku::new(sim.clone());
    let app = dokku::AppName::new("api").unwrap();
    let spec = DeploySpec::image(&app, "ghcr.io/acme/api:v9").unwrap();
    let mut deploy = dokku.deploys().stream(&spec).await.unwrap();
    deploy.next().await.unwrap().unwrap();
    let id = dokku
        .builds()
        .last(&app)
        .await
        .unwrap()
        .unwrap()
        .build_id
        .unwrap();
    (gate, deploy, id)
}

#[tokio::test]
async fn the_dashboard_marks_an_app_being_deployed_until_its_build_ends() {
    use futures_util::StreamExt;
    // No event log and rows fresh for an hour: nothing but the builds
    // readings sends api's row again.
    let sim = SimExecutor::new(scenario::demo());
    sim.with_host(|host| dokku_sim::dispatch(host, &["events:off".to_owned()], b""));
    let h = Harness::with_options(sim, |o| o.refresh.refresh_after = Duration::from_secs(3600));
    let viewer = h.login(VIEWER).await;
    let mark = "<a class=\"badge s-mixed deploying\" href=\"/apps/api/builds\"";
    let row_of = |home: &str| {
        let row = &home[home.find("<tr data-app=\"api\"").unwrap()..];
        row[..row.find("</tr>").unwrap()].to_owned()
    };
    let (mut live, mut text) = h.live(&viewer).await;
    let (gate, mut deploy, _) = held_push(&h.sim).await;
    // Not before the builds are read: the mark is the watcher's reading.
    let home = h.get(&viewer, "/").await.body;
    assert!(!home.contains(mark), "{home}");
    h.read_builds().await;
    let home = h.get(&viewer, "/").await.body;
    assert_eq!(home.matches("deploying</a>").count(), 1, "{home}");
    assert!(row_of(&home).contains(mark), "{home}");
    // Beside the state counts, a filter for them (a paged host's
    // deploying app may be on another page).
    assert!(
        home.contains("<li data-mark><a class=\"badge s-mixed\" href=\"/?state=deploying\"")
            && home.contains("<strong id=\"count-deploying\">1</strong>"),
        "{home}"
    );
    let only = h.get(&viewer, "/?state=deploying").await.body;
    assert_eq!(only.matches("<tr data-app=").count(), 1, "{only}");
    assert!(only.contains("<tr data-app=\"api\""), "{only}");
    // The live dashboard sends api's row again, marked.
    let api_row = "event: row\ndata: {\"app\":\"api\"";
    read_until(&mut live, &mut text, |t| t.contains(api_row)).await;
    let sent = &text[text.find(api_row).unwrap()..];
    assert!(sent.contains("deploying</a>"), "{text}");
    // The counts follow.
    read_until(&mut live, &mut text, |t| t.contains("\"deploying\":1")).await;
    // The build ends: the next reading drops the mark, live too.
    gate.open();
    while deploy.next().await.is_some() {}
    h.read_builds().await;
    let home = h.get(&viewer, "/").await.body;
    assert!(!home.contains("deploying</a>"), "{home}");
    read_until(&mut live, &mut text, |t| t.matches(api_row).count() == 2).await;
    let sent = &text[text.rfind(api_row).unwrap()..];
    let sent = &sent[..sent.find("\n\n").unwrap()];
    assert!(!sent.contains("deploying</a>"), "{text}");
}

#[tokio::test]
async fn pages_are_titled_with_the_host_and_history_reads_like_people_talk() {
    let h = Harness::new();
    let admin = h.login(ADMIN).await;
    assert!(h
        .get(&admin, "/apps/api")
        .await
        .body
        .contains("<title>api · sim · Dokku</title>"));
    h.post(
        &admin,
        "/apps/api/domains/add",
        &[("domain", "w1.example.com")],
    )
    .await;
    h.post(
        &admin,
        "/apps/blog/domains/add",
        &[("domain", "w2.example.com")],
    )
    .await;
    let history = h.get(&admin, "/history").await.body;
    assert!(history.contains(" UTC</td>"), "no zone");
    assert!(history.contains(">transport error</option>"));
    let either = h
        .get(&admin, "/history?q=w1.example.com+OR+w2.example.com")
        .await
        .body;
    assert_eq!(either.matches("domains:add").count(), 2, "{either}");
    // A trailing * matches word beginnings: both domains:add rows.
    let stem = h.get(&admin, "/history?q=domains:ad*").await.body;
    assert_eq!(stem.matches("domains:add").count(), 2, "{stem}");
    let export = h
        .get(&admin, "/history/export?format=jsonl&app=blog")
        .await
        .body;
    assert_eq!(export.lines().count(), 1, "{export}");
    let page = h.get(&admin, "/history?app=blog").await.body;
    assert!(page.contains("Export these records"));
    assert!(page.contains("href=\"/history/export?format=csv&amp;app=blog\""));
    let empty = h.get(&admin, "/history?app=nothing-here").await.body;
    assert!(empty.contains("No records match these filters."));
}

#[tokio::test]
async fn viewers_see_counts_not_inputs_and_links_offer_only_unlinked_apps() {
    let h = Harness::new();
    let viewer = h.login(VIEWER).await;
    let page = h.get(&viewer, "/apps/api").await.body;
    assert!(!page.contains("type=\"number\" min=\"0\""), "a scale input");
    assert!(page.contains("2 wanted"));
    let admin = h.login(ADMIN).await;
    let page = h.get(&admin, "/databases").await.body;
    let at = page.find("id=\"svc-postgres-api-db-link\"").unwrap();
    let select = page[at..].split("</select>").next().unwrap();
    assert!(
        select.contains("option value=\"\" selected disabled"),
        "{select}"
    );
    assert!(
        !select.contains("value=\"api\""),
        "offers a linked app: {select}"
    );
    assert!(select.contains("value=\"blog\""));
}

type Boxed<'c, T> = std::pin::Pin<Box<dyn std::future::Future<Output = T> + Send + 'c>>;

/// A harness over `executor`, with `options` changed and the clock given.
fn custom(
    sim: SimExecutor,
    executor: Arc<dyn dokku::Executor>,
    clock: Option<super::auth::Clock>,
    change: impl FnOnce(&mut Options),
) -> Harness {
    let dir = tempfile::tempdir().unwrap();
    let history = HistoryStore::open(dir.path().join("history.db")).unwrap();
    let limits = Limits {
        idle: Duration::from_secs(3600),
        ..Limits::default()
    };
    let mut auth = test_auth(limits);
    if let Some(clock) = clock {
        auth = auth.with_clock(clock);
    }
    let mut options = Options {
        refresh: unlimited(),
        host_label: "sim".to_owned(),
        ..Options::default()
    };
    change(&mut options);
    let state = AppState::new(executor, history.clone(), auth, options);
    Harness {
        router: app(state.clone()),
        state,
        sim,
        history,
        _dir: dir,
    }
}

/// A refresher that never spends Dokku time on its own (a mutation's
/// refresh still runs).
fn idle() -> Settings {
    Settings {
        budget_per_minute: Duration::ZERO,
        ..Settings::default()
    }
}

fn demo_apps(sim: &SimExecutor) -> usize {
    sim.with_host(|host| host.apps.len())
}

#[tokio::test]
async fn the_first_paint_comes_from_the_saved_snapshot_without_asking_dokku() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("dashboard-sim.json");
    {
        let sim = SimExecutor::new(scenario::demo());
        let h = custom(sim.clone(), Arc::new(sim), None, |o| {
            o.snapshot_file = Some(file.clone());
        });
        h.settled().await;
    }
    assert!(file.exists(), "no snapshot was written");

    // A restarted dashboard, on a host it must not ask.
    let sim = SimExecutor::new(scenario::demo());
    let watched = Watched::new(sim.clone(), None);
    let h = custom(sim.clone(), Arc::new(watched.clone()), None, |o| {
        o.snapshot_file = Some(file.clone());
        o.refresh = idle();
    });
    let admin = h.login(ADMIN).await;
    let home = h.get_now(&admin, "/").await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(home.body.contains("data-app=\"api\""), "{}", home.body);
    assert!(home.body.contains("checked just now"), "{}", home.body);
    assert_eq!(
        home.body.matches("<tr data-app=").count(),
        demo_apps(&sim),
        "every app from the snapshot"
    );
    // The follow of Dokku's event log starts with the dashboard, whether
    // or not anyone loads a page; nothing else may reach the host.
    let asked: Vec<String> = watched
        .seen()
        .into_iter()
        .filter(|c| c != "events:list" && c != "events")
        .collect();
    assert_eq!(asked, Vec::<String>::new(), "asked the host");
    assert!(h.state.store.jobs().is_empty());
}

#[tokio::test]
async fn a_corrupt_snapshot_file_is_ignored_and_the_page_says_refreshing() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("dashboard-sim.json");
    std::fs::write(&file, b"{\"version\": 1, \"rows\": [{\"app\": ").unwrap();
    let sim = SimExecutor::new(scenario::demo());
    let h = custom(sim.clone(), Arc::new(sim.clone()), None, |o| {
        o.snapshot_file = Some(file.clone());
        o.refresh = idle();
    });
    let admin = h.login(ADMIN).await;
    let home = h.get_now(&admin, "/").await;
    assert_eq!(home.status, StatusCode::OK);
    let n = demo_apps(&sim);
    assert!(
        home.body.contains(&format!("refreshing 0/{n}")),
        "{}",
        home.body
    );
    // Every app is listed, none read yet.
    assert_eq!(home.body.matches("refreshing…").count(), n);
    assert_eq!(h.state.store.jobs(), vec![super::data::Job::List]);
}

#[tokio::test]
async fn a_mutation_refreshes_its_app_first_once_with_its_own_reports() {
    let h = Harness::without_events();
    let admin = h.login(ADMIN).await;
    h.settled().await;
    let mut trail = super::data::TrailWatch::new("sim");
    assert!(trail
        .look(&h.state.store, &h.history)
        .await
        .unwrap()
        .is_empty());
    let before = h.state.store.jobs().len();
    let r = h
        .post(
            &admin,
            "/apps/api/domains/add",
            &[("domain", "new.example.com")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    h.settled().await;
    // The trail shows the change after the dashboard read the app: that
    // read began after the record, so the app is not read again (however
    // the trail's look and the read interleave).
    assert!(trail
        .look(&h.state.store, &h.history)
        .await
        .unwrap()
        .is_empty());
    h.settled().await;
    let api = dokku::AppName::new("api").unwrap();
    assert_eq!(
        h.state.store.jobs()[before..],
        [super::data::Job::App(api.clone())],
        "only the changed app, once, with per-app reports"
    );
    let row = h.state.store.row(&api).unwrap();
    assert!(row.row.domains.contains(&"new.example.com".to_owned()));
    assert!(h.get(&admin, "/").await.body.contains("new.example.com"));
}

/// The demo on a clock the test moves, with 3 s of Dokku time a minute,
/// an admin logged in and the first read done.
async fn on_a_budget() -> (Harness, impl Fn(Duration), Client) {
    let (clock, advance) = super::auth::tests::manual_clock();
    let sim = SimExecutor::new(scenario::demo());
    let h = custom(sim.clone(), Arc::new(sim), Some(clock), |o| {
        o.refresh = Settings {
            budget_per_minute: Duration::from_secs(3),
            ..Settings::default()
        };
    });
    let admin = h.login(ADMIN).await;
    h.settled().await;
    (h, advance, admin)
}

#[tokio::test]
async fn the_budget_stops_refreshes_when_spent_and_they_resume_as_time_passes() {
    let (h, advance, admin) = on_a_budget().await;
    // Ten seconds of Dokku time spent; a minute later every app is stale.
    h.state.store.charge(Duration::from_secs(10));
    advance(Duration::from_secs(61));
    let mut waiting = h.state.store.waiting();
    waiting.borrow_and_update();
    let jobs = h.state.store.jobs().len();
    h.state.store.nudge();
    waiting.changed().await.unwrap();
    waiting.wait_for(Option::is_some).await.unwrap();
    assert_eq!(h.state.store.jobs().len(), jobs, "refreshed over budget");
    let home = h.get_now(&admin, "/").await;
    assert!(home.body.contains("refreshing 0/"), "{}", home.body);
    // Spent more than a minute ago: it leaves the last minute's count,
    // but the budget it overdrew is still being paid back.
    assert!(
        home.body
            .contains("host time spent: 0.0 s in the last minute (budget 3 s)"),
        "{}",
        home.body
    );
    // Paid back at 3 s a minute: refreshes resume.
    advance(Duration::from_secs(80));
    h.state.store.announce();
    h.state.store.nudge();
    h.settled().await;
    assert!(h.state.store.jobs().len() > jobs);
}

#[tokio::test]
async fn keeping_the_view_fresh_never_spends_more_at_once_than_the_budget_has() {
    let (h, advance, _admin) = on_a_budget().await;
    let apps = h.state.store.names().len();
    assert!(apps > 6, "{apps}");
    // An app's reports cost a second, their all-apps form as much per
    // app: a report of every app would spend the budget several times.
    h.state
        .store
        .measured(Duration::from_secs(1), Duration::from_secs(1));
    advance(Duration::from_secs(61));
    let jobs = h.state.store.jobs().len();
    h.state.store.announce();
    h.state.store.nudge();
    h.settled().await;
    let done = h.state.store.jobs()[jobs..].to_vec();
    // Not the all-apps reports (eleven seconds against three), but the
    // apps one at a time, as many at once as the budget has time for (the
    // clock stands still here, so nothing is charged and all are read).
    assert!(!done.contains(&super::data::Job::All), "{done:?}");
    let apps_read = done
        .iter()
        .filter(|j| matches!(j, super::data::Job::App(_)))
        .count();
    assert_eq!(apps_read, apps, "{done:?}");
}

#[tokio::test]
async fn a_report_stream_cut_halfway_keeps_the_apps_read_and_leaves_the_rest_stale() {
    let sim = SimExecutor::new(scenario::demo());
    let h = custom(sim.clone(), Arc::new(sim.clone()), None, |o| {
        o.refresh = idle();
    });
    let admin = h.login(ADMIN).await;
    let dokku = &h.state.dokku;
    dokku.capabilities().await.unwrap();
    h.state.store.ensure_listed(dokku).await.unwrap();
    let command = dokku::api::report::report_command(
        &dokku::catalog::plugins::PS,
        &dokku::api::report::ReportTarget::All,
        dokku::api::Format::Text,
    )
    .unwrap();
    let full = dokku.run(&command).await.unwrap().stdout.len();
    sim.inject(dokku_sim::Fault::CutStream {
        after_bytes: full / 2,
    });
    assert!(h.state.store.refresh_all(dokku).await.is_err());
    let view = h.state.store.view();
    let read = view.lines.iter().filter(|l| l.kept.is_some()).count();
    let n = demo_apps(&sim);
    assert!(read > 0 && read < n, "{read} of {n} read");
    let home = h.get_now(&admin, "/").await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(
        home.body.contains(&format!("refreshing {read}/{n}")),
        "{}",
        home.body
    );
    assert_eq!(home.body.matches("refreshing…").count(), n - read);
}

#[tokio::test]
async fn live_rows_follow_changes_and_end_with_the_session() {
    let h = Harness::new();
    for (who, password) in [("admin", ADMIN), ("viewer", VIEWER)] {
        let admin = h.login(ADMIN).await;
        let watcher = h.login(password).await;
        h.settled().await;
        let (mut body, mut text) = h.live(&watcher).await;
        let domain = format!("{who}.example.com");
        let r = h
            .post(&admin, "/apps/api/domains/add", &[("domain", &domain)])
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        read_until(&mut body, &mut text, |t| {
            t.contains("event: row") && t.contains(&domain)
        })
        .await;
        assert!(text.contains("data-app=\\\"api\\\""), "{text}");
        h.post(&watcher, "/logout", &[]).await;
        let mut rest = String::new();
        while let Some(frame) = body.frame().await {
            if let Ok(data) = frame.unwrap().into_data() {
                rest.push_str(&String::from_utf8_lossy(&data));
            }
        }
        assert!(rest.contains("event: end"), "{who}: {rest}");
    }
}

#[tokio::test]
async fn a_change_made_during_a_full_refresh_is_read_without_waiting_for_it() {
    use super::data::{Job, Update};
    // A host slower than any clock: its reports of every app are held at
    // the simulator's gate until the test opens it.
    let sim = SimExecutor::new(scenario::demo());
    let reports = sim.gate_reports();
    let h = custom(sim.clone(), Arc::new(sim), None, |_| {});
    let mut updates = h.state.store.subscribe();
    let admin = h.login(ADMIN).await;
    // The full refresh is under way, and held. (No event says it started:
    // the loop waits for a condition; its deadline only turns a hang into
    // a failure.)
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    while !h.state.store.jobs().contains(&Job::All) {
        assert!(tokio::time::Instant::now() < deadline, "no full refresh");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let last = dokku::AppName::new("staging-api").unwrap();
    let r = h
        .post(
            &admin,
            "/apps/staging-api/domains/add",
            &[("domain", "late.example.com")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    // The changed app's row is read while the full refresh still waits
    // for the host.
    let read = async {
        loop {
            if let Update::Row(row) = updates.recv().await.unwrap() {
                if row.app == last && row.domains.contains(&"late.example.com".to_owned()) {
                    break;
                }
            }
        }
    };
    tokio::time::timeout_at(deadline, read)
        .await
        .expect("the change waited for the full refresh");
    assert!(!h.state.store.jobs().contains(&Job::AllDone));
    reports.open();
    h.settled().await;
    let jobs = h.state.store.jobs();
    let at = |job: &Job| jobs.iter().position(|j| j == job).unwrap();
    assert!(
        at(&Job::All) < at(&Job::App(last.clone())) && at(&Job::App(last)) < at(&Job::AllDone),
        "{jobs:?}"
    );
}

#[tokio::test]
async fn an_app_someone_is_viewing_is_refreshed_before_the_other_stale_ones() {
    use super::data::Job;
    let (clock, advance) = super::auth::tests::manual_clock();
    let sim = SimExecutor::new(scenario::demo());
    let h = custom(sim.clone(), Arc::new(sim), Some(clock), |_| {});
    let admin = h.login(ADMIN).await;
    h.settled().await;
    let before = h.state.store.jobs().len();
    // A minute on, every app is stale; someone opens one of them.
    advance(Duration::from_secs(61));
    h.state.store.announce();
    let page = h.get_now(&admin, "/apps/shop").await;
    assert_eq!(page.status, StatusCode::OK);
    h.settled().await;
    let jobs = h.state.store.jobs()[before..].to_vec();
    let shop = Job::App(dokku::AppName::new("shop").unwrap());
    let first = jobs.iter().find(|j| !matches!(j, Job::List));
    assert_eq!(first, Some(&shop), "{jobs:?}");
}

#[tokio::test]
async fn a_build_dokkus_event_log_announces_is_marked_without_waiting_for_the_minute() {
    // The builds watcher reads at start, then not for an hour; Dokku's
    // event log is on (the demo's).
    let sim = SimExecutor::new(scenario::demo()).with_follow_interval(Duration::from_millis(40));
    let h = Harness::with_options(sim, |o| o.builds_every = Some(Duration::from_secs(3600)));
    let viewer = h.login(VIEWER).await;
    let (mut live, mut text) = h.live(&viewer).await;
    // A push starts: its `builder-build` line wakes the watcher, whose
    // reading marks api, and the live dashboard sends its row.
    let (gate, _deploy, _) = held_push(&h.sim).await;
    read_until(&mut live, &mut text, |t| {
        t.split("event: row\n")
            .any(|e| e.starts_with("data: {\"app\":\"api\"") && e.contains("deploying</a>"))
    })
    .await;
    gate.open();
}

#[tokio::test(start_paused = true)]
async fn the_builds_are_read_every_ten_seconds_while_one_runs_and_every_minute_after() {
    use super::notifications::{watch, HostWatch, Notifications};
    use futures_util::StreamExt;
    let sim = SimExecutor::new(scenario::demo());
    let (gate, mut deploy, id) = held_push(&sim).await;
    let watched = Watched::new(sim, None);
    let seen = Arc::clone(&watched.seen);
    let reads = move || {
        let seen = seen.lock().unwrap();
        seen.iter().filter(|s| *s == "builds:report").count()
    };
    let host_watch = Arc::new(HostWatch::default());
    let store = super::data::Store::new(crate::common::Clock::system(), Settings::default(), None);
    let watcher = tokio::spawn(watch(
        Arc::new(Notifications::in_memory(
            crate::common::notify::tokio_sleep(),
        )),
        Arc::clone(&host_watch),
        Arc::new(store),
        dokku::Dokku::new(watched),
        "sim".to_owned(),
        std::time::SystemTime::now,
        Some(Duration::from_secs(60)),
    ));
    let api = dokku::AppName::new("api").unwrap();
    // The paused clock moves only when every task waits on it: each
    // reading is made at its instant, before the test wakes.
    let start = tokio::time::Instant::now();
    let at = |secs: u64| tokio::time::sleep_until(start + Duration::from_secs(secs));
    at(1).await;
    assert_eq!((reads(), host_watch.building(&api)), (1, Some(id.clone())));
    // While it runs: again ten seconds on.
    at(11).await;
    assert_eq!(reads(), 2);
    gate.open();
    while deploy.next().await.is_some() {}
    at(21).await;
    assert_eq!((reads(), host_watch.building(&api)), (3, None));
    // Nothing runs: a minute until the next.
    at(79).await;
    assert_eq!(reads(), 3);
    at(81).await;
    assert_eq!(reads(), 4);
    watcher.abort();
}

#[tokio::test]
async fn a_push_that_ended_unseen_under_a_later_one_is_still_told() {
    use super::notifications::{HostWatch, Push};
    use dokku::model::builds::{BuildStatus, BuildsReport};
    use dokku_sim::commands::builds::{keep_past, PastBuild};
    let h = Harness::new();
    let watch = HostWatch::default();
    let api = dokku::AppName::new("api").unwrap();
    let running = |id: &str| BuildsReport {
        app: Some(api.clone()),
        build_id: Some(id.to_owned()),
        build_status: Some(BuildStatus::Running),
        build_source: Some("git-hook".to_owned()),
        ..BuildsReport::default()
    };
    let read = |reports: Vec<BuildsReport>| watch.on_builds(watch.builds_mark(), reports).ended;
    let ended = |id: &'static str, source: &'static str, status: &'static str, exit_code| {
        h.sim.with_host(|host| {
            let build = PastBuild {
                id,
                source,
                started_at: host.now - 30,
                seconds: 20,
                status,
                exit_code,
                log: "-----> Building api\n",
            };
            keep_past(host, "api", &build);
        });
    };
    // The first reading (nothing is news), then a push seen running.
    assert!(read(Vec::new()).is_empty());
    assert!(read(vec![running("mx7cfirstpush0")]).is_empty());
    assert_eq!(watch.building(&api).as_deref(), Some("mx7cfirstpush0"));
    // It fails, and before the next reading another push starts: the
    // reading sees only the second; the first is read by its id and told.
    ended("mx7cfirstpush0", "git-hook", "failed", 1);
    assert!(read(vec![running("mx7csecondpush")]).is_empty());
    let news = watch.missed_pushes(&h.state.dokku).await;
    let failed = Push {
        app: api.clone(),
        id: "mx7cfirstpush0".to_owned(),
        succeeded: false,
        exit_code: Some(1),
    };
    assert_eq!(news, [failed]);
    // Once.
    assert!(read(vec![running("mx7csecondpush")]).is_empty());
    assert!(watch.missed_pushes(&h.state.dokku).await.is_empty());
    // A missed build that was cancelled, or not a push, is not told.
    ended("mx7csecondpush", "git-hook", "canceled", -1);
    assert!(read(vec![running("mx7cthirdbuild")]).is_empty());
    ended("mx7cthirdbuild", "ps:rebuild", "failed", 1);
    assert!(read(vec![running("mx7cfourthpush")]).is_empty());
    assert!(watch.missed_pushes(&h.state.dokku).await.is_empty());
}

#[test]
fn a_build_newly_seen_running_is_a_deploy_started_told_once() {
    use super::notifications::{HostWatch, Started};
    use dokku::model::builds::{BuildStatus, BuildsReport};
    let watch = HostWatch::default();
    let api = dokku::AppName::new("api").unwrap();
    let running = |id: &str, source: &str| BuildsReport {
        app: Some(api.clone()),
        build_id: Some(id.to_owned()),
        build_status: Some(BuildStatus::Running),
        build_source: Some(source.to_owned()),
        ..BuildsReport::default()
    };
    let read = |reports: Vec<BuildsReport>| watch.on_builds(watch.builds_mark(), reports).started;
    // Running at the first reading: it started before the dashboard looked.
    assert!(read(vec![running("mx7cfirstpush0", "git-hook")]).is_empty());
    assert!(read(vec![running("mx7cfirstpush0", "git-hook")]).is_empty());
    // Another build of the app: started, told once.
    let started = read(vec![running("mx7crebuild001", "ps:rebuild")]);
    let rebuild = Started {
        app: api.clone(),
        source: "ps:rebuild".to_owned(),
    };
    assert_eq!(started, [rebuild]);
    assert!(read(vec![running("mx7crebuild001", "ps:rebuild")]).is_empty());
    // Nothing runs, then a push: started.
    assert!(read(Vec::new()).is_empty());
    assert_eq!(read(vec![running("mx7cnextpush01", "git-hook")]).len(), 1);
}

#[tokio::test]
async fn a_deploy_started_is_posted_to_the_webhooks_that_asked_for_it() {
    let receiver = crate::common::notify::receiver::Receiver::start(&[204]).await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("notifications.json");
    // Dokku's event log on (the demo's) wakes the builds watcher, which
    // reads at start and then not for an hour.
    let sim = SimExecutor::new(scenario::demo()).with_follow_interval(Duration::from_millis(40));
    let h = custom(sim.clone(), Arc::new(sim), None, move |o| {
        o.notifications = Arc::new(
            super::notifications::Notifications::open(file, crate::common::notify::tokio_sleep())
                .unwrap(),
        );
        o.builds_every = Some(Duration::from_secs(3600));
    });
    let admin = h.login(ADMIN).await;
    let page = h.get(&admin, "/notifications").await.body;
    assert!(
        page.contains(r#"name="deploy_started" value="on">"#),
        "off by default: {page}"
    );
    let form = [("url", receiver.url.as_str()), ("deploy_started", "on")];
    let r = h.post(&admin, "/notifications", &form).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    // A reading before the push, so the push is not the first one's.
    read_builds(&h.state).await;
    // A deploy another program starts is told as it starts.
    let (gate, _deploy, _) = held_push(&h.sim).await;
    let got = receiver.wait_for(1).await;
    assert_eq!(
        got[0].2["text"], "[sim] api: deploy started (git:from-image)",
        "{got:?}"
    );
    gate.open();
}

/// An executor that notes the subcommand of each command it is asked to
/// run, and answers one subcommand (if any) as a host without its plugin.
#[derive(Debug, Clone)]
struct Watched {
    inner: SimExecutor,
    missing: Option<&'static str>,
    seen: Arc<std::sync::Mutex<Vec<String>>>,
}

impl Watched {
    fn new(inner: SimExecutor, missing: Option<&'static str>) -> Self {
        Self {
            inner,
            missing,
            seen: Arc::default(),
        }
    }

    /// The subcommands asked for so far, in order.
    fn seen(&self) -> Vec<String> {
        self.seen.lock().unwrap().clone()
    }
}

// `Executor` is an async_trait; this is its desugared form.
impl dokku::Executor for Watched {
    fn run<'a, 'b, 'c>(
        &'a self,
        command: &'b dokku::Command,
    ) -> Boxed<'c, Result<dokku::Output, dokku::ExecError>>
    where
        'a: 'c,
        'b: 'c,
        Self: 'c,
    {
        let sub = command.subcommand().to_owned();
        self.seen.lock().unwrap().push(sub.clone());
        if self.missing == Some(sub.as_str()) {
            let said = format!(
                " !     `{sub}` is not a dokku command.\n !     See `dokku help` for a list of available commands.\n"
            );
            let output = dokku::Output::new(dokku::ExitStatus::code(1), Vec::new(), said);
            return Box::pin(async move { Ok(output) });
        }
        dokku::Executor::run(&self.inner, command)
    }

    fn stream<'a, 'b, 'c>(
        &'a self,
        command: &'b dokku::Command,
    ) -> Boxed<'c, Result<dokku::OutputStream, dokku::ExecError>>
    where
        'a: 'c,
        'b: 'c,
        Self: 'c,
    {
        self.seen
            .lock()
            .unwrap()
            .push(command.subcommand().to_owned());
        dokku::Executor::stream(&self.inner, command)
    }
}

/// The settings panels' ids, as the page links them.
fn settings_panels() -> impl Iterator<Item = &'static str> {
    super::pages::settings::SECTIONS
        .into_iter()
        .map(|(id, _)| id)
}

#[tokio::test]
async fn settings_panels_show_each_apps_limits_mounts_checks_cron_build_options_and_network() {
    let h = Harness::new();
    let admin = h.login(ADMIN).await;
    let page = |app: &'static str| {
        let h = &h;
        let admin = admin.clone();
        async move { h.get(&admin, &format!("/apps/{app}")).await.body }
    };
    let api = page("api").await;
    let shop = page("shop").await;
    let blog = page("blog").await;
    let metrics = page("metrics").await;
    let queue = page("queue").await;
    for id in settings_panels() {
        assert!(api.contains(&format!("href=\"#{id}\"")), "no link to #{id}");
    }

    let resources = section(&api, "resources");
    assert!(
        resources.contains("data-resource=\"limit:_default_\""),
        "{resources}"
    );
    assert!(resources.contains("<strong>app-wide</strong> <span class=\"muted\">limit</span>"));
    assert!(
        resources.contains("cpu <code>2</code>") && resources.contains("memory <code>1g</code>")
    );
    assert!(
        resources.contains("reservation</span> <span class=\"setting\">memory <code>512m</code>")
    );
    let resources = section(&shop, "resources");
    assert!(
        resources.contains("<strong>worker</strong>") && resources.contains("cpu <code>0.5</code>")
    );
    assert!(section(&blog, "resources").contains("No limits or reservations"));

    let storage = section(&shop, "storage");
    assert!(
        storage.contains(
            "storage entry shop-uploads</code> → <code class=\"long\">/app/public/uploads"
        ),
        "{storage}"
    );
    let storage = section(&blog, "storage");
    assert!(
        storage.contains(
            "/var/lib/dokku/data/storage/blog-content</code> → <code class=\"long\">/app/content"
        ),
        "{storage}"
    );
    assert!(section(&api, "storage").contains("No mounts"));

    assert!(section(&api, "checks").contains("<dd>30 s</dd>"));
    assert!(section(&metrics, "checks").contains("<dt>Checks skipped</dt><dd>worker</dd>"));
    assert!(section(&queue, "checks").contains("<dt>Checks off</dt><dd>every process type</dd>"));

    let cron = section(&api, "cron");
    assert!(
        cron.contains(
            "<code>@daily</code> <code class=\"long\">node scripts/cleanup-sessions.js</code>"
        ),
        "{cron}"
    );
    assert_eq!(cron.matches(">Suspend</button>").count(), 2, "{cron}");
    let cron = section(&shop, "cron");
    assert!(
        cron.contains("bin/rails orders:expire") && cron.contains(">suspended</span>"),
        "{cron}"
    );
    assert!(cron.contains(">Resume</button>"), "{cron}");
    assert!(section(&blog, "cron").contains("No cron tasks."));

    let build = section(&shop, "build");
    let ruby = build.find("heroku-buildpack-ruby").expect("ruby listed");
    let node = build
        .find("heroku-buildpack-nodejs")
        .expect("nodejs listed");
    assert!(ruby < node, "buildpacks out of order: {build}");
    assert!(section(&metrics, "build").contains("<dt>Builder</dt><dd><code>dockerfile</code>"));
    assert!(section(&blog, "build").contains("<dt>Build directory</dt><dd><code>site</code>"));

    assert!(section(&api, "docker-options")
        .contains("<dt>Deploy</dt><dd><code class=\"long\">--ulimit nofile=65536:65536</code>"));
    let options = section(&shop, "docker-options");
    assert!(
        options.contains(
            "<dt>Build</dt><dd><code class=\"long\">--build-arg RAILS_ENV=production</code>"
        ),
        "{options}"
    );
    assert!(
        options.contains("<dt>Deploy (worker)</dt><dd><code class=\"long\">--shm-size 256m</code>"),
        "{options}"
    );

    assert!(
        section(&api, "network").contains("<dt>Attached after deploy</dt><dd><code>backend</code>")
    );
    assert!(section(&metrics, "network").contains("<dt>All interfaces</dt><dd>bound</dd>"));

    // A viewer sees every panel and none of the forms.
    let viewer = h.login(VIEWER).await;
    let shop = h.get(&viewer, "/apps/shop").await.body;
    for id in settings_panels() {
        let panel = section(&shop, id);
        assert!(
            !panel.contains("<form"),
            "#{id} offers a viewer a form: {panel}"
        );
    }
    assert!(section(&shop, "resources").contains("cpu <code>0.5</code>"));
}

#[tokio::test]
async fn settings_panels_cost_one_invocation_each_and_a_failing_one_says_so_alone() {
    let sim = SimExecutor::new(scenario::demo());
    let watched = Watched::new(sim.clone(), Some("cron:list"));
    let h = custom(sim, Arc::new(watched.clone()), None, |o| o.refresh = idle());
    let admin = h.login(ADMIN).await;
    let before = watched.seen().len();
    let page = h.get(&admin, "/apps/api").await;
    assert_eq!(page.status, StatusCode::OK);
    let seen = watched.seen().split_off(before);
    for sub in [
        "resource:report",
        "storage:report",
        "checks:report",
        "cron:list",
        "builder:report",
        "buildpacks:report",
        "docker-options:report",
        "network:report",
    ] {
        let n = seen.iter().filter(|s| *s == sub).count();
        assert_eq!(n, 1, "{sub} ran {n} times: {seen:?}");
    }
    let cron = section(&page.body, "cron");
    assert!(cron.contains("class=\"form-error\""), "{cron}");
    assert!(
        cron.contains("This host has no cron:list command"),
        "{cron}"
    );
    // The other panels and the rest of the page are there as usual.
    assert!(section(&page.body, "resources").contains("cpu <code>2</code>"));
    assert!(section(&page.body, "build").contains("heroku-buildpack-nodejs"));
    assert!(section(&page.body, "processes").contains("worker"));
    assert!(!section(&page.body, "network").contains("form-error"));
}

/// The subcommands of the history's records and their actors, newest first.
async fn recorded(h: &Harness) -> Vec<(String, String)> {
    h.history
        .recent(50)
        .await
        .unwrap()
        .iter()
        .map(|r| (r.entry.subcommand.clone(), r.entry.actor.clone()))
        .collect()
}

/// The `message` of a refusal with this status.
fn refused(r: &Reply, status: StatusCode) -> String {
    assert_eq!(r.status, status, "{}", r.body);
    r.json()["message"].as_str().unwrap().to_owned()
}

/// A viewer's post of this form is refused.
async fn viewer_refused(h: &Harness, path: &str, pairs: &[(&str, &str)]) {
    let viewer = h.login(VIEWER).await;
    let r = h.post(&viewer, path, pairs).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{path} for a viewer");
}

/// The value of the first hidden field called `name` in `html`.
fn hidden(html: &str, name: &str) -> String {
    let key = format!("name=\"{name}\" value=\"");
    let at = html
        .find(&key)
        .unwrap_or_else(|| panic!("no {name} in {html}"))
        + key.len();
    html[at..].split('"').next().unwrap().to_owned()
}

#[tokio::test]
async fn resource_limits_are_set_and_cleared_from_the_panel_and_audited() {
    let h = Harness::new();
    let admin = h.login(ADMIN).await;
    let set = |pairs: Vec<(&'static str, &'static str)>| {
        let (h, admin) = (&h, admin.clone());
        async move { h.post(&admin, "/apps/blog/resources/set", &pairs).await }
    };
    let r = set(vec![
        ("kind", "limit"),
        ("resource", "memory"),
        ("amount", "512m"),
    ])
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.location(), "/apps/blog");
    let r = set(vec![
        ("kind", "reserve"),
        ("resource", "cpu"),
        ("amount", "0.5"),
        ("process", "web"),
    ])
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = h.get(&admin, "/apps/blog").await.body;
    assert!(
        page.contains("Set the reservation cpu 0.5 on the web processes of blog"),
        "no flash"
    );
    let panel = section(&page, "resources");
    assert!(
        panel.contains("data-resource=\"limit:_default_\""),
        "{panel}"
    );
    assert!(panel.contains("memory <code>512m</code>"), "{panel}");
    assert!(
        panel.contains("data-resource=\"reserve:web\"") && panel.contains("cpu <code>0.5</code>")
    );
    let records = recorded(&h).await;
    for s in ["resource:limit", "resource:reserve"] {
        assert!(
            records.contains(&(s.to_owned(), "admin".to_owned())),
            "{records:?}"
        );
    }

    // Refused before anything is sent, next to the form: an amount that
    // is none, a resource Dokku lacks, a process type that is no name, the
    // value the app already has.
    // Changes only: the check reads the app's scheduler (recorded as read).
    let changes = |records: Vec<(String, String)>| {
        records
            .iter()
            .filter(|(s, _)| s.starts_with("resource:"))
            .count()
    };
    let before = changes(recorded(&h).await);
    let r = set(vec![
        ("kind", "limit"),
        ("resource", "memory"),
        ("amount", "lots"),
    ])
    .await;
    assert!(refused(&r, StatusCode::BAD_REQUEST).contains("\"lots\" is not an amount"));
    // An amount another scheduler would take but blog's (docker-local)
    // would break on at the next deploy: Dokku makes `1G` `1Gm`.
    let r = set(vec![
        ("kind", "limit"),
        ("resource", "memory"),
        ("amount", "1G"),
    ])
    .await;
    let said = refused(&r, StatusCode::BAD_REQUEST);
    assert!(
        said.contains("\"1G\" is not a memory amount the docker-local scheduler takes")
            && said.contains("1Gm")
            && said.ends_with("Nothing was changed."),
        "{said}"
    );
    let r = set(vec![
        ("kind", "limit"),
        ("resource", "disk"),
        ("amount", "1g"),
    ])
    .await;
    assert!(refused(&r, StatusCode::BAD_REQUEST).starts_with("Choose a resource"));
    let r = set(vec![
        ("kind", "limit"),
        ("resource", "cpu"),
        ("amount", "1"),
        ("process", "we b"),
    ])
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let r = set(vec![
        ("kind", "limit"),
        ("resource", "memory"),
        ("amount", "512m"),
    ])
    .await;
    assert!(refused(&r, StatusCode::BAD_REQUEST).contains("already has the limit memory 512m"));
    assert_eq!(
        changes(recorded(&h).await),
        before,
        "a refused change was recorded"
    );
    let r = h
        .post_plain(
            &admin,
            "/apps/blog/resources/set",
            &[
                ("kind", "limit"),
                ("resource", "cpu"),
                ("amount", "two"),
                ("_form", "resource-set"),
            ],
        )
        .await;
    assert_eq!(r.location(), "/apps/blog#resource-set");
    let page = h.get(&admin, "/apps/blog").await.body;
    let form = &page[page.find("id=\"resource-set\"").unwrap()..];
    let form = form.split("</form>").next().unwrap();
    assert!(form.contains("class=\"form-error\""), "not at its form");
    assert!(form.contains("&quot;two&quot; is not an amount"), "{form}");

    // One resource cleared (Dokku's `clear`), the others kept; clearing
    // what is not set sends nothing.
    let r = set(vec![
        ("kind", "limit"),
        ("resource", "cpu"),
        ("amount", "1"),
    ])
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = set(vec![
        ("kind", "limit"),
        ("resource", "memory"),
        ("amount", "clear"),
    ])
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = h.get(&admin, "/apps/blog").await.body;
    assert!(
        page.contains("Cleared the limit memory of blog"),
        "no flash"
    );
    let panel = section(&page, "resources");
    assert!(
        panel.contains("cpu <code>1</code>") && !panel.contains("memory <code>512m</code>"),
        "{panel}"
    );
    let r = set(vec![
        ("kind", "limit"),
        ("resource", "memory"),
        ("amount", "clear"),
    ])
    .await;
    assert!(refused(&r, StatusCode::BAD_REQUEST).contains("no limit memory set: nothing to clear"));

    // Clearing: the app-wide limits go, the web reservation stays.
    let r = h
        .post(
            &admin,
            "/apps/blog/resources/clear",
            &[("kind", "limit"), ("process", "_default_")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let panel = section(&h.get(&admin, "/apps/blog").await.body, "resources");
    assert!(
        !panel.contains("limit:_default_") && panel.contains("reserve:web"),
        "{panel}"
    );
    assert_eq!(recorded(&h).await[0].0, "resource:limit-clear");
    let r = h
        .post(
            &admin,
            "/apps/blog/resources/clear",
            &[("kind", "limit"), ("process", "")],
        )
        .await;
    assert!(refused(&r, StatusCode::BAD_REQUEST).contains("has no limits set: nothing to clear"));

    // A viewer changes nothing.
    let limit = [("kind", "limit"), ("resource", "cpu"), ("amount", "1")];
    viewer_refused(&h, "/apps/blog/resources/set", &limit).await;
    let clear = [("kind", "reserve"), ("process", "web")];
    viewer_refused(&h, "/apps/blog/resources/clear", &clear).await;
    let panel = section(&h.get(&admin, "/apps/blog").await.body, "resources");
    assert!(panel.contains("reserve:web") && !panel.contains("cpu <code>1</code>"));
}

#[tokio::test]
async fn storage_mounts_are_added_and_removed_from_the_panel_and_audited() {
    let h = Harness::new();
    let admin = h.login(ADMIN).await;
    let mount = |host: &'static str, container: &'static str| {
        let (h, admin) = (&h, admin.clone());
        async move {
            h.post(
                &admin,
                "/apps/api/storage/mount",
                &[("host", host), ("container", container)],
            )
            .await
        }
    };
    let r = mount("/var/lib/dokku/data/storage/api-data", "/app/data").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let panel = section(&h.get(&admin, "/apps/api").await.body, "storage");
    assert!(
        panel.contains(
            "/var/lib/dokku/data/storage/api-data</code> → <code class=\"long\">/app/data"
        ),
        "{panel}"
    );
    assert_eq!(
        recorded(&h).await[0],
        ("storage:mount".to_owned(), "admin".to_owned())
    );

    let before = recorded(&h).await.len();
    let r = mount("/srv/other", "/app/data").await;
    assert!(refused(&r, StatusCode::BAD_REQUEST)
        .contains("already mounts /var/lib/dokku/data/storage/api-data at /app/data"));
    let r = mount("relative/dir", "/app/x").await;
    assert!(refused(&r, StatusCode::BAD_REQUEST).starts_with("The host path is an absolute path"));
    let r = mount("/srv/x", "app/x").await;
    assert!(
        refused(&r, StatusCode::BAD_REQUEST).starts_with("The container path is an absolute path")
    );
    let r = mount("/srv/a:b", "/app/x").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        recorded(&h).await.len(),
        before,
        "a refused change was recorded"
    );

    // Unmount the host path just mounted, and shop's named entry.
    let entry = hidden(&panel, "entry");
    assert!(entry.starts_with("legacy-"), "{entry}");
    let r = h
        .post(
            &admin,
            "/apps/api/storage/unmount",
            &[("entry", entry.as_str()), ("container", "/app/data")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(section(&h.get(&admin, "/apps/api").await.body, "storage").contains("No mounts"));
    let shop_uploads = [
        ("entry", "shop-uploads"),
        ("container", "/app/public/uploads"),
    ];
    let r = h
        .post(&admin, "/apps/shop/storage/unmount", &shop_uploads)
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(section(&h.get(&admin, "/apps/shop").await.body, "storage").contains("No mounts"));
    let unmounts = recorded(&h)
        .await
        .iter()
        .filter(|(s, _)| s == "storage:unmount")
        .count();
    assert_eq!(unmounts, 2);
    let r = h
        .post(&admin, "/apps/shop/storage/unmount", &shop_uploads)
        .await;
    assert!(refused(&r, StatusCode::BAD_REQUEST).contains("nothing to unmount"));

    let elsewhere = [("host", "/srv/x"), ("container", "/app/x")];
    viewer_refused(&h, "/apps/blog/storage/mount", &elsewhere).await;
    let blog = section(&h.get(&admin, "/apps/blog").await.body, "storage");
    assert!(blog.contains("blog-content") && !blog.contains("/srv/x"));
}

#[tokio::test]
async fn cron_tasks_are_suspended_and_resumed_from_the_panel_and_audited() {
    let h = Harness::new();
    let admin = h.login(ADMIN).await;
    let api = dokku::AppName::new("api").unwrap();
    let tasks = h.state.dokku.cron().list(&api).await.unwrap();
    let daily = tasks.iter().find(|t| t.schedule == "@daily").unwrap();
    let id = [("id", daily.id.as_str())];
    let r = h.post(&admin, "/apps/api/cron/suspend", &id).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = h.get(&admin, "/apps/api").await.body;
    assert!(page.contains("Suspended node scripts/cleanup-sessions.js (@daily) on api."));
    let cron = section(&page, "cron");
    let row = &cron[cron.find(&format!("data-task=\"{}\"", daily.id)).unwrap()..];
    let row = row.split("</li>").next().unwrap();
    assert!(
        row.contains(">suspended</span>") && row.contains(">Resume</button>"),
        "{row}"
    );
    assert_eq!(
        cron.matches(">Suspend</button>").count(),
        1,
        "the other task changed"
    );
    assert_eq!(
        recorded(&h).await[0],
        ("cron:suspend".to_owned(), "admin".to_owned())
    );

    let before = recorded(&h).await.len();
    let r = h.post(&admin, "/apps/api/cron/suspend", &id).await;
    assert!(refused(&r, StatusCode::BAD_REQUEST).contains("already suspended"));
    let r = h
        .post(&admin, "/apps/api/cron/resume", &[("id", "nosuchtask")])
        .await;
    assert!(refused(&r, StatusCode::BAD_REQUEST).contains("api has no cron task \"nosuchtask\""));
    assert_eq!(
        recorded(&h).await.len(),
        before,
        "a refused change was recorded"
    );

    // shop's task is suspended on the demo host: resume it.
    let shop = section(&h.get(&admin, "/apps/shop").await.body, "cron");
    let id = hidden(&shop, "id");
    let r = h
        .post(&admin, "/apps/shop/cron/resume", &[("id", id.as_str())])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let shop = section(&h.get(&admin, "/apps/shop").await.body, "cron");
    assert!(
        !shop.contains(">suspended</span>") && shop.contains(">Suspend</button>"),
        "{shop}"
    );
    assert_eq!(recorded(&h).await[0].0, "cron:resume");

    viewer_refused(&h, "/apps/shop/cron/suspend", &[("id", id.as_str())]).await;
    let shop = section(&h.get(&admin, "/apps/shop").await.body, "cron");
    assert!(!shop.contains(">suspended</span>"));
}

#[tokio::test]
async fn the_app_page_links_the_apps_main_url_as_dokku_gives_it() {
    let h = Harness::new();
    let viewer = h.login(VIEWER).await;
    // Dokku's `url`: https with a certificate (blog), else http.
    for (app, url) in [
        ("blog", "https://blog.dokku.me"),
        ("staging-api", "http://staging-api.dokku.me"),
    ] {
        let page = h.get(&viewer, &format!("/apps/{app}")).await.body;
        let overview = page.split("id=\"overview\"").nth(1).unwrap();
        let overview = overview.split("</dl>").next().unwrap();
        assert!(
            overview.contains(&format!(
                "<a class=\"long\" href=\"{url}\" target=\"_blank\" rel=\"noopener noreferrer\">{url}</a>"
            )),
            "{app}: {overview}"
        );
    }
    // A host that cannot answer `url`: the overview says so, with Dokku's
    // words on hover, and the rest of the page is there.
    let sim = SimExecutor::new(scenario::demo());
    let watched = Watched::new(sim.clone(), Some("url"));
    let h = custom(sim, Arc::new(watched), None, |o| o.refresh = idle());
    let admin = h.login(ADMIN).await;
    let page = h.get(&admin, "/apps/api").await;
    assert_eq!(page.status, StatusCode::OK);
    let url = page.body.split("id=\"app-url\"").nth(1).unwrap();
    let url = url.split("</dd>").next().unwrap();
    assert!(
        url.contains("title=\"") && url.contains(">could not be read</span>"),
        "{url}"
    );
    assert!(section(&page.body, "processes").contains("worker"));
}

#[tokio::test]
async fn one_off_containers_are_listed_for_deployers_and_stopped_one_or_all() {
    let h = Harness::new();
    let deployer = h.login(DEPLOYER).await;
    // The demo left one running on shop; a viewer sees that they exist,
    // not their command lines.
    let shop = section(&h.get(&deployer, "/apps/shop").await.body, "one-off");
    assert!(
        shop.contains("/exec bin/rails orders:backfill") && shop.contains(">Stop</button>"),
        "{shop}"
    );
    // Docker's timestamp, written as the dashboard writes times; the
    // original on hover.
    assert!(
        shop.contains(r#"title="2025-01-08 05:20:02 +0000 UTC">since 2025-01-08 05:20:02 UTC<"#),
        "{shop}"
    );
    assert!(
        !shop.contains("Stop all"),
        "one container, one button: {shop}"
    );
    let viewer = h.login(VIEWER).await;
    let seen = section(&h.get(&viewer, "/apps/shop").await.body, "one-off");
    assert!(
        !seen.contains("orders:backfill") && seen.contains("shown to deployers"),
        "{seen}"
    );
    assert!(
        section(&h.get(&deployer, "/apps/blog").await.body, "one-off")
            .contains("No one-off containers running.")
    );

    // One stopped by name; the list comes back without it.
    let name = hidden(&shop, "container");
    let by_name = [("container", name.as_str())];
    let r = h.post(&deployer, "/apps/shop/run/stop", &by_name).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = h.get(&deployer, "/apps/shop").await.body;
    assert!(page.contains(&format!("Stopped {name} on shop.")), "{page}");
    assert!(section(&page, "one-off").contains("No one-off containers running."));
    assert_eq!(
        recorded(&h).await[0],
        ("run:stop".to_owned(), "deployer".to_owned())
    );

    // A name the list no longer has, or nothing left to stop: refused
    // before anything is sent.
    let before = recorded(&h).await.len();
    let r = h.post(&deployer, "/apps/shop/run/stop", &by_name).await;
    assert!(refused(&r, StatusCode::BAD_REQUEST)
        .contains(&format!("shop has no one-off container \"{name}\"")));
    let r = h.post(&deployer, "/apps/shop/run/stop", &[]).await;
    assert!(refused(&r, StatusCode::BAD_REQUEST)
        .contains("shop has no one-off containers: nothing to stop."));
    assert_eq!(
        recorded(&h).await.len(),
        before,
        "a refused stop was recorded"
    );

    // Two running: "Stop all" stops both in one command.
    let api = dokku::AppName::new("api").unwrap();
    for command in ["node scripts/migrate.js", "node scripts/reindex.js"] {
        let spec = dokku::api::run::RunSpec::new(&api, command.split(' '));
        h.state.dokku.one_off().detached(&spec).await.unwrap();
    }
    let api_section = section(&h.get(&deployer, "/apps/api").await.body, "one-off");
    assert_eq!(
        api_section.matches(">Stop</button>").count(),
        2,
        "{api_section}"
    );
    assert!(api_section.contains(">Stop all</button>"), "{api_section}");
    let r = h.post(&deployer, "/apps/api/run/stop", &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = h.get(&deployer, "/apps/api").await.body;
    assert!(page.contains("Stopped api.run."), "{page}");
    assert!(section(&page, "one-off").contains("No one-off containers running."));
    assert!(h.state.dokku.one_off().list(&api).await.unwrap().is_empty());

    h.state
        .dokku
        .one_off()
        .detached(&dokku::api::run::RunSpec::new(&api, ["sleep"]))
        .await
        .unwrap();
    viewer_refused(&h, "/apps/api/run/stop", &[]).await;
    assert_eq!(h.state.dokku.one_off().list(&api).await.unwrap().len(), 1);
}

#[tokio::test]
async fn viewers_read_every_build_dokku_recorded_and_deployers_its_output() {
    let h = Harness::new();
    // The demo's last push of api failed: its page says so, and that
    // Dokku's builds have the pushes the releases lack.
    let deployer = h.login(DEPLOYER).await;
    let app = h.get(&deployer, "/apps/api").await.body;
    assert!(app.contains("builds, above, include a git push"), "{app}");
    assert!(
        app.contains(
            "last build: <span class=\"badge s-crashed\">failed</span> <code>git-hook</code>"
        ) && app.contains("<a href=\"/apps/api/builds/mx7cb81p0d3hv6\">its output</a>"),
        "{app}"
    );
    // A build the dashboard did not start (as a git push's would be), whose
    // log names a repository with its credentials.
    h.sim.with_host(|host| {
        let argv = ["ps:rebuild".to_owned(), "api".to_owned()];
        assert_eq!(dokku_sim::dispatch(host, &argv, b"").output().code, 0);
        let records = host
            .apps
            .get_mut("api")
            .unwrap()
            .extra
            .get_mut("builds")
            .unwrap();
        let kept = records.get_mut("records").unwrap();
        *kept = kept.replace(
            "Releasing api...",
            "Releasing api from https://bob:hunter2@git.example.com/api.git",
        );
    });
    // Then the rebuild is the last.
    let app = h.get(&deployer, "/apps/api").await.body;
    assert!(
        app.contains(
            "last build: <span class=\"badge s-running\">succeeded</span> <code>ps:rebuild</code>"
        ),
        "{app}"
    );
    assert!(app.contains("<a href=\"/apps/api/builds\">"), "{app}");
    let page = h.get(&deployer, "/apps/api/builds").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let at = page.body.find("data-build=\"").unwrap() + 12;
    let id = &page.body[at..at + page.body[at..].find('"').unwrap()];
    assert!(
        page.body.contains("<code>ps:rebuild</code>"),
        "{}",
        page.body
    );
    assert!(page.body.contains("s-running\">succeeded"), "{}", page.body);

    let build = h.get(&deployer, &format!("/apps/api/builds/{id}")).await;
    assert_eq!(build.status, StatusCode::OK, "{}", build.body);
    assert!(
        build.body.contains("-----&gt; Building api from herokuish"),
        "{}",
        build.body
    );
    assert!(
        build
            .body
            .contains("Releasing api from https://bob:***@git.example.com/api.git")
            && !build.body.contains("hunter2"),
        "{}",
        build.body
    );
    let unknown = h.get(&deployer, "/apps/api/builds/nope").await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND, "{}", unknown.body);

    // A viewer sees the builds (as the releases), not their output (as
    // the logs).
    let viewer = h.login(VIEWER).await;
    let app = h.get(&viewer, "/apps/api").await.body;
    assert!(
        app.contains("last build: <span class=\"badge s-running\">succeeded</span>")
            && app.contains("<a href=\"/apps/api/builds\">")
            && !app.contains("its output"),
        "{app}"
    );
    let page = h.get(&viewer, "/apps/api/builds").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(
        page.body.contains(&format!("<code>{id}</code>"))
            && !page.body.contains("/apps/api/builds/"),
        "{}",
        page.body
    );
    let output = h.get(&viewer, &format!("/apps/api/builds/{id}")).await;
    assert_eq!(output.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_running_build_s_page_follows_its_output_until_it_ends() {
    use futures_util::StreamExt;
    let h = Harness::new();
    let (gate, mut deploy, id) = held_push(&h.sim).await;

    let deployer = h.login(DEPLOYER).await;
    // The app page offers to follow it.
    let app_page = h.get_now(&deployer, "/apps/api").await.body;
    assert!(
        app_page.contains(&format!("<a href=\"/apps/api/builds/{id}\">follow it</a>")),
        "{app_page}"
    );
    let page = h.get(&deployer, &format!("/apps/api/builds/{id}")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let follow = format!("/apps/api/builds/{id}/follow");
    assert!(
        page.body.contains("badge s-mixed\">running")
            && page.body.contains(&format!("data-follow=\"{follow}\""))
            && page.body.contains(
                "<noscript><p class=\"muted\">Without JavaScript nothing is followed: reload"
            )
            && page.body.contains("<dt>Running for</dt>")
            && !page.body.contains("<dt>Took</dt>"),
        "{}",
        page.body
    );
    // Its log so far comes at once: what has been printed.
    let req = Harness::request(Method::GET, &follow, Some(&deployer.cookie), String::new());
    let res = h.router.clone().oneshot(req).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let mut body = res.into_body();
    let mut text = String::new();
    read_until(&mut body, &mut text, |t| t.contains("event: line")).await;
    // The build ends: the rest of its log comes, then the end (at the
    // stream's next check).
    gate.open();
    while deploy.next().await.is_some() {}
    read_until(&mut body, &mut text, |t| t.contains("event: end")).await;
    // Each line once, none lost between following and the end.
    assert!(
        text.matches("Deploying api via").count() == 1 && !text.contains("event: failure"),
        "{text}"
    );
    // The page now shows how it ended, and its whole log.
    let page = h.get(&deployer, &format!("/apps/api/builds/{id}")).await;
    assert!(
        page.body.contains("s-running\">succeeded")
            && !page.body.contains("data-follow")
            && page.body.contains("<dt>Took</dt>"),
        "{}",
        page.body
    );
    // A viewer follows nothing.
    let viewer = h.login(VIEWER).await;
    assert_eq!(h.get(&viewer, &follow).await.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn deploys_stream_live_list_as_releases_and_roll_back_after_the_plan_shown() {
    let h = Harness::new();
    let admin = h.login(ADMIN).await;
    for image in ["ghcr.io/acme/api:v1", "ghcr.io/acme/api:v2"] {
        let r = h
            .post(&admin, "/apps/api/deploy", &[("image", image)])
            .await;
        assert_eq!(r.headers[header::CONTENT_TYPE], "application/x-ndjson");
        let (output, end) = r.stream();
        assert!(
            output.contains("-----> Building api from Dockerfile"),
            "{output}"
        );
        assert!(r.body.contains(r#"{"phase":"deploy"}"#), "{}", r.body);
        assert_eq!(end["ok"], true, "{}", r.body);
        assert_eq!(
            end["message"],
            "Deployed api: it answers at http://api.dokku.me."
        );
    }
    let page = h.get_now(&admin, "/apps/api").await;
    let deploys = section(&page.body, "deploys");
    assert!(deploys.contains("image ghcr.io/acme/api:v2"), "{deploys}");
    // The plan is on the page: from v2 back to v1, and the command.
    assert!(deploys.contains("Roll back to release"), "{deploys}");
    assert!(
        deploys.contains("dokku git:from-image api ghcr.io/acme/api:v1"),
        "{deploys}"
    );
    let to = h
        .history
        .releases(&dokku::AppName::new("api").unwrap(), None, 10)
        .await
        .unwrap()[1]
        .record_id
        .to_string();
    assert!(
        deploys.contains(&format!(r#"name="to" value="{to}""#)),
        "{deploys}"
    );
    // The release's number says it is one (a phone's card has no header).
    assert!(deploys.contains(&format!("<td>#{to}</td>")), "{deploys}");

    let r = h.post(&admin, "/apps/api/rollback", &[("to", &to)]).await;
    assert_eq!(r.stream().1["ok"], true, "{}", r.body);
    let running = h
        .sim
        .with_host(|host| host.apps["api"].deploy_source_metadata.clone());
    assert_eq!(running, "ghcr.io/acme/api:v1");
    let newest = &h.history.recent(1).await.unwrap()[0];
    assert_eq!(newest.entry.subcommand, "git:from-image");
    assert_eq!(
        newest.entry.correlation_id.as_deref(),
        Some(format!("rollback:{to}").as_str())
    );
    assert_eq!(newest.entry.actor, "admin");
    let page = h.get_now(&admin, "/apps/api").await;
    assert!(section(&page.body, "deploys").contains(&format!("rollback to #{to}")));
}

/// `apps:lock` does not stop a build (Dokku's builds take the lock with
/// `flock`, which the file alone does not hold) and the build removes the
/// lock: a locked app's deploy and rebuild confirmations say so before
/// they run, and afterwards the app is no longer shown locked.
#[tokio::test]
async fn a_locked_apps_deploy_or_rebuild_says_first_that_dokku_builds_it_anyway_and_unlocks_it() {
    let h = Harness::new();
    let admin = h.login(ADMIN).await;
    let note = "It is locked (apps:lock): Dokku builds it anyway, and the build removes the lock.";
    let page = h.get_now(&admin, "/apps/landing").await;
    for part in ["deploys", "processes"] {
        assert!(
            section(&page.body, part).contains(note),
            "{part}: {}",
            page.body
        );
    }
    let page = h.get_now(&admin, "/apps/api").await;
    assert!(!page.body.contains(note));
    let r = h
        .post(&admin, "/apps/landing/deploy", &[("image", "nginx:1.27")])
        .await;
    assert_eq!(r.stream().1["ok"], true, "{}", r.body);
    let page = h.get_now(&admin, "/apps/landing").await;
    assert!(!section(&page.body, "deploys").contains(note));
    assert!(
        page.body.contains("<dt>Deploy lock</dt><dd>free"),
        "{}",
        page.body
    );
}

/// The tab closed mid-deploy (the answer dropped unread): the deploy is
/// not abandoned half-done. It runs to its end and is recorded as it
/// ended, and the app runs the new image.
#[tokio::test]
async fn a_deploy_runs_to_its_end_when_the_page_goes_away() {
    let h = Harness::new();
    let admin = h.login(ADMIN).await;
    let image = "ghcr.io/acme/api:v2";
    let pairs = [("image", image), ("_csrf", admin.csrf.as_str())];
    let req = Harness::request(
        Method::POST,
        "/apps/api/deploy",
        Some(&admin.cookie),
        form(&pairs),
    );
    let res = h.router.clone().oneshot(req).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()[header::CONTENT_TYPE], "application/x-ndjson");
    drop(res);
    // Nobody reads the answer now; the deploy's record comes when it ends.
    let record = record_of(&h, "git:from-image").await;
    assert_eq!(
        record.entry.outcome,
        dokku_history::Outcome::Ok,
        "{record:?}"
    );
    let running = h
        .sim
        .with_host(|host| host.apps["api"].deploy_source_metadata.clone());
    assert_eq!(running, image);
}

#[tokio::test]
async fn a_handler_that_panics_is_answered_as_a_failure_not_a_dropped_connection() {
    async fn boom() -> &'static str {
        panic!("a handler's bug")
    }
    let app = Router::new()
        .route("/boom", axum::routing::get(boom).post(boom))
        .layer(axum::middleware::from_fn(super::run_to_the_end));
    for method in [Method::GET, Method::POST] {
        let request = Request::builder()
            .method(method.clone())
            .uri("/boom")
            .body(Body::empty())
            .unwrap();
        let res = app.clone().oneshot(request).await.unwrap();
        assert_eq!(res.status(), StatusCode::INTERNAL_SERVER_ERROR, "{method}");
        // The guard renders it as a page or the API's error object.
        let failure = res.extensions().get::<super::problem::Failure>();
        let message = failure.map(|f| f.message.as_str()).unwrap_or_default();
        assert!(
            message.contains("its log says why"),
            "{method}: {message:?}"
        );
        let body = res.into_body().collect().await.unwrap().to_bytes();
        assert!(!String::from_utf8_lossy(&body).contains("a handler's bug"));
    }
}

/// Every recorded run of `subcommand`, newest first.
async fn records_of(h: &Harness, subcommand: &str) -> Vec<dokku_history::Record> {
    let recent = h.history.recent(1000).await.unwrap();
    recent
        .into_iter()
        .filter(|r| r.entry.subcommand == subcommand)
        .collect()
}

/// The newest record of `subcommand`, once there is one: what a command
/// nobody waits for leaves when it ends. The deadline only turns a hang
/// into a failure.
async fn record_of(h: &Harness, subcommand: &str) -> dokku_history::Record {
    let mut appended = h.history.appended();
    tokio::time::timeout(Duration::from_secs(60), async {
        loop {
            let recent = h.history.recent(5).await.unwrap();
            if let Some(r) = recent
                .into_iter()
                .find(|r| r.entry.subcommand == subcommand)
            {
                return r;
            }
            appended.changed().await.unwrap();
        }
    })
    .await
    .unwrap_or_else(|_| panic!("{subcommand} was never recorded"))
}

/// An executor that holds one subcommand, once it has started, until the
/// test lets it go.
#[derive(Debug, Clone)]
struct Held {
    inner: SimExecutor,
    subcommand: &'static str,
    started: Arc<tokio::sync::Notify>,
    release: Arc<tokio::sync::Notify>,
}

#[async_trait::async_trait]
impl dokku::Executor for Held {
    async fn run(&self, command: &dokku::Command) -> Result<dokku::Output, dokku::ExecError> {
        if command.subcommand() == self.subcommand {
            self.started.notify_one();
            self.release.notified().await;
        }
        dokku::Executor::run(&self.inner, command).await
    }
    async fn stream(
        &self,
        command: &dokku::Command,
    ) -> Result<dokku::OutputStream, dokku::ExecError> {
        dokku::Executor::stream(&self.inner, command).await
    }
}

/// The tab closed while a change was in flight (the request's future
/// dropped, as hyper drops it when the connection closes): the change is
/// not abandoned half-done. It runs to its end and is recorded.
#[tokio::test]
async fn a_change_runs_to_its_end_when_the_page_goes_away() {
    let sim = SimExecutor::new(scenario::demo());
    let held = Held {
        inner: sim.clone(),
        subcommand: "config:import",
        started: Arc::default(),
        release: Arc::default(),
    };
    let h = custom(sim, Arc::new(held.clone()), None, |o| o.refresh = idle());
    let admin = h.login(ADMIN).await;
    let pairs = [
        ("key", "FEATURE_FLAG"),
        ("value", "on"),
        ("no_restart", "1"),
        ("_csrf", admin.csrf.as_str()),
    ];
    let req = Harness::request(
        Method::POST,
        "/apps/api/config",
        Some(&admin.cookie),
        form(&pairs),
    );
    let request = h.router.clone().oneshot(req);
    tokio::select! {
        r = request => {
            let r = r.unwrap();
            let status = r.status();
            let body = r.into_body().collect().await.unwrap().to_bytes();
            panic!("the request ended while config:import was held: {status} {}", String::from_utf8_lossy(&body));
        }
        () = held.started.notified() => {}
    }
    // The request is gone; only now may config:import go on.
    held.release.notify_one();
    let record = record_of(&h, "config:import").await;
    assert_eq!(
        record.entry.outcome,
        dokku_history::Outcome::Ok,
        "{record:?}"
    );
    let set = h
        .sim
        .with_host(|host| host.apps["api"].config.get("FEATURE_FLAG").cloned());
    assert_eq!(set.as_deref(), Some("on"));
}

#[tokio::test]
async fn a_deploy_that_fails_or_cannot_be_reproduced_says_why_in_words() {
    let h = Harness::new();
    let admin = h.login(ADMIN).await;
    let r = h
        .post(
            &admin,
            "/apps/api/deploy",
            &[("image", "ghcr.io/acme/none:1")],
        )
        .await;
    let end = r.stream().1;
    assert_eq!(end["ok"], false);
    assert_eq!(
        end["message"],
        "The deploy of api failed in its source phase (exit 1): Failed to pull image: ghcr.io/acme/none:1."
    );
    for bad in [
        vec![],
        vec![("image", "nginx:1.27"), ("repo", "https://x/y.git")],
        vec![("image", "--force")],
    ] {
        let before = h.history.recent(100).await.unwrap().len();
        let r = h.post(&admin, "/apps/api/deploy", &bad).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{bad:?}: {}", r.body);
        assert_eq!(
            h.history.recent(100).await.unwrap().len(),
            before,
            "{bad:?} sent something"
        );
    }
    // Nothing succeeded yet: no plan on the page, and a forged one is refused.
    let page = h.get_now(&admin, "/apps/api").await;
    assert!(
        section(&page.body, "deploys").contains("no successful deploy"),
        "{}",
        page.body
    );
    let r = h.post(&admin, "/apps/api/rollback", &[("to", "1")]).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("Nothing was sent"), "{}", r.body);
}

#[tokio::test]
async fn a_change_another_program_records_in_the_trail_is_refreshed_first() {
    let h = Harness::without_events();
    h.settled().await;
    let mut watch = super::data::TrailWatch::new("sim");
    // The first look only sets where to start.
    assert!(watch
        .look(&h.state.store, &h.history)
        .await
        .unwrap()
        .is_empty());
    // A CLI on this machine changes an app; its record is in the trail.
    let cli = dokku::Dokku::new(
        dokku_history::Audited::new(h.sim.clone(), h.history.clone())
            .source(dokku_history::Source::Cli)
            .host("sim"),
    );
    let blog = dokku::AppName::new("blog").unwrap();
    cli.ps().stop(&blog).send().await.unwrap();
    // Another host's change and a read are not this dashboard's business.
    let elsewhere = dokku::Dokku::new(
        dokku_history::Audited::new(h.sim.clone(), h.history.clone()).host("elsewhere"),
    );
    elsewhere
        .ps()
        .restart(dokku::AppName::new("api").unwrap())
        .send()
        .await
        .unwrap();
    cli.ps()
        .report(&dokku::AppName::new("shop").unwrap())
        .await
        .unwrap();

    let before = h.state.store.jobs().len();
    let marked = watch.look(&h.state.store, &h.history).await.unwrap();
    assert_eq!(
        marked.into_iter().collect::<Vec<_>>(),
        std::slice::from_ref(&blog)
    );
    h.settled().await;
    assert_eq!(
        h.state.store.jobs()[before..],
        [super::data::Job::App(blog.clone())],
        "the changed app, read with its own reports"
    );
    let row = h.state.store.row(&blog).unwrap();
    assert_eq!(row.row.status, super::data::AppStatus::Stopped);
    // Looked at once: the same records are not marked again.
    assert!(watch
        .look(&h.state.store, &h.history)
        .await
        .unwrap()
        .is_empty());
}

/// A host that refuses every command, as an unreachable one does.
#[derive(Debug)]
struct Unreachable;

#[async_trait::async_trait]
impl dokku::Executor for Unreachable {
    async fn run(&self, _: &dokku::Command) -> Result<dokku::Output, dokku::ExecError> {
        Err(dokku::ExecError::Connect {
            host: "down.example".to_owned(),
            reason: "connection refused".to_owned(),
        })
    }
    async fn stream(&self, _: &dokku::Command) -> Result<dokku::OutputStream, dokku::ExecError> {
        Err(dokku::ExecError::Connect {
            host: "down.example".to_owned(),
            reason: "connection refused".to_owned(),
        })
    }
}

/// A host that never answers.
#[derive(Debug)]
struct Hung;

#[async_trait::async_trait]
impl dokku::Executor for Hung {
    async fn run(&self, _: &dokku::Command) -> Result<dokku::Output, dokku::ExecError> {
        std::future::pending().await
    }
    async fn stream(&self, _: &dokku::Command) -> Result<dokku::OutputStream, dokku::ExecError> {
        std::future::pending().await
    }
}

fn extra_host(name: &str, executor: Arc<dyn dokku::Executor>) -> super::fleet::HostSpec {
    super::fleet::HostSpec {
        name: dokku_fleet::HostName::new(name).unwrap(),
        target: format!("dokku@{name}.example"),
        labels: Default::default(),
        executor,
        snapshot_file: None,
        clock: None,
    }
}

/// The demo fleet (eu-1, legacy, us-1) and `extra` hosts behind one
/// dashboard; the harness's own state and sim are eu-1's. Also every demo
/// host's sim, by name.
fn fleet_harness(
    extra: Vec<super::fleet::HostSpec>,
) -> (Harness, std::collections::BTreeMap<String, SimExecutor>) {
    let dir = tempfile::tempdir().unwrap();
    let history = HistoryStore::open(dir.path().join("history.db")).unwrap();
    let auth = test_auth(Limits::default());
    let mut sims = std::collections::BTreeMap::new();
    let demo = dokku_fleet::demo::hosts().into_iter().map(|demo| {
        let sim = SimExecutor::new(demo.host.clone());
        sims.insert(demo.name.to_string(), sim.clone());
        let executor: Arc<dyn dokku::Executor> = Arc::new(sim);
        (demo, executor)
    });
    let mut hosts = super::fleet::demo_hosts(demo.collect(), |_| None);
    hosts.extend(extra);
    let options = Options {
        refresh: unlimited(),
        ..Options::default()
    };
    let states = AppState::fleet(hosts, history.clone(), auth, options);
    let state = states
        .iter()
        .find(|s| s.place.name == "eu-1")
        .unwrap()
        .clone();
    let h = Harness {
        router: super::fleet_app(&states),
        state,
        sim: sims["eu-1"].clone(),
        history,
        _dir: dir,
    };
    (h, sims)
}

/// Every host's snapshot complete.
async fn all_settled(h: &Harness) {
    for host in &h.state.site.hosts {
        let mut progress = host.store.watch();
        progress.wait_for(|p| p.complete()).await.unwrap();
    }
}

/// The fleet status, once its first reading is in.
async fn fleet_read(h: &Harness) {
    let view = h.state.site.fleet.as_ref().unwrap();
    view.watch().wait_for(Option::is_some).await.unwrap();
}

/// A reading of Dokku's builds by `host`'s watch, as its builds watcher
/// makes once a minute.
async fn fleet_read_builds(h: &Harness, sim: &SimExecutor, host: &str) {
    let watch = &h.state.site.host(host).unwrap().watch;
    let reports = dokku::Dokku::new(sim.clone())
        .report::<dokku::model::builds::BuildsReport>()
        .all()
        .await
        .unwrap();
    watch.on_builds(watch.builds_mark(), reports);
}

fn host_row(body: &str, host: &str) -> String {
    let at = body
        .find(&format!("<tr data-host=\"{host}\""))
        .unwrap_or_else(|| panic!("no row for {host}"));
    body[at..].split("</tr>").next().unwrap().to_owned()
}

#[tokio::test]
async fn the_fleet_page_shows_versions_failing_apps_expiring_certificates_and_unreachable_hosts() {
    let (h, _) = fleet_harness(vec![extra_host("down", Arc::new(Unreachable))]);
    let admin = h.login(ADMIN).await;
    fleet_read(&h).await;
    let page = h.get(&admin, "/fleet").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page
        .body
        .contains("<span class=\"host\" id=\"current-host\">all hosts</span>"));

    let eu = host_row(&page.body, "eu-1");
    assert!(
        eu.contains("Dokku 0.38.27") && !eu.contains("behind"),
        "{eu}"
    );
    assert!(
        eu.contains("href=\"/h/eu-1/apps/blog#tls\">blog</a> in 5 days"),
        "{eu}"
    );
    assert!(
        !eu.contains("shop"),
        "a certificate 44 days away is not expiring: {eu}"
    );

    let us = host_row(&page.body, "us-1");
    assert!(
        us.contains("Dokku 0.35.20") && us.contains("behind"),
        "{us}"
    );
    assert!(us.contains("href=\"/h/us-1/apps/metrics\""), "{us}");
    assert!(us.contains("s-crashed\">crashed"), "{us}");

    let legacy = host_row(&page.body, "legacy");
    assert!(
        legacy.contains("href=\"/h/legacy/apps/staging-api\""),
        "{legacy}"
    );
    assert!(legacy.contains("s-stopped\">stopped"), "{legacy}");

    let down = host_row(&page.body, "down");
    assert!(
        down.contains("unreachable") && down.contains("connection refused"),
        "{down}"
    );
    assert!(page.body.contains("1 unreachable"));

    // The failing app's link leads to its page on its host.
    let metrics = h.get(&admin, "/h/us-1/apps/metrics").await;
    assert_eq!(metrics.status, StatusCode::OK, "{}", metrics.body);
    assert!(metrics.body.contains("id=\"current-host\">us-1</span>"));
}

/// Every page reached by following the links of the pages from `start`,
/// each asserted to answer (a redirect is followed), and every form of
/// those pages asserted to post to a route of the table, which `may`
/// (whether the user may use a route of this access) must allow.
async fn crawl(
    h: &Harness,
    c: &Client,
    start: &str,
    may: impl Fn(super::routes::Access) -> bool,
) -> std::collections::BTreeSet<String> {
    let mut seen = std::collections::BTreeSet::new();
    let mut forms = std::collections::BTreeMap::new();
    let mut queue = vec![(start.to_owned(), start.to_owned())];
    while let Some((path, from)) = queue.pop() {
        if !seen.insert(path.clone()) {
            continue;
        }
        let page = h.get_now(c, &path).await;
        if page.status == StatusCode::SEE_OTHER {
            queue.push((page.location().to_owned(), path.clone()));
            continue;
        }
        assert_eq!(
            page.status,
            StatusCode::OK,
            "{path}, linked from {from}: {}",
            page.body
        );
        let html = page.body.contains("<!DOCTYPE html>");
        let attribute = |tag: &str, name: &str| {
            let at = tag.find(&format!(" {name}=\""))? + name.len() + 3;
            Some(tag[at..at + tag[at..].find('"')?].replace("&amp;", "&"))
        };
        for link in page.body.split("href=\"").skip(1).filter(|_| html) {
            let link = link[..link.find('"').unwrap()].replace("&amp;", "&");
            let link = link.split('#').next().unwrap().to_owned();
            if link.starts_with('/') && !link.starts_with("/static/") && !seen.contains(&link) {
                queue.push((link, path.clone()));
            }
        }
        for form in page.body.split("<form").skip(1).filter(|_| html) {
            let tag = &form[..form.find('>').unwrap()];
            if let (Some("post"), Some(action)) = (
                attribute(tag, "method").as_deref(),
                attribute(tag, "action"),
            ) {
                forms.entry(action).or_insert_with(|| path.clone());
            }
        }
    }
    let table = super::routes::table();
    for (action, page) in forms {
        let path = action.split('?').next().unwrap();
        // A host's page posts to `/h/{host}/…`, which its router sees as `/…`.
        let path = match path.strip_prefix("/h/") {
            Some(rest) => &rest[rest.find('/').unwrap()..],
            None => path,
        };
        let words: Vec<&str> = path.split('/').collect();
        let route = table.iter().find(|r| {
            let pattern: Vec<&str> = r.path.split('/').collect();
            r.method == axum::http::Method::POST
                && pattern.len() == words.len()
                && pattern
                    .iter()
                    .zip(&words)
                    .all(|(p, w)| p == w || p.starts_with('{'))
        });
        let route = route.unwrap_or_else(|| {
            panic!("the form on {page} posts to {action}, which no route takes")
        });
        assert!(
            may(route.access),
            "the form on {page} posts to {action}, which needs {:?}",
            route.access
        );
    }
    seen
}

#[tokio::test]
async fn every_link_on_every_page_leads_to_a_page() {
    use super::routes::Access::{Deploy, Public, Read, Session};
    // Nobody is shown a link they may not follow, or a form they may not send.
    let viewer = |a| matches!(a, Public | Session | Read);
    let deployer = |a| viewer(a) || a == Deploy;

    let h = Harness::new();
    let admin = h.login(ADMIN).await;
    h.settled().await;
    let seen = crawl(&h, &admin, "/", |_| true).await;
    for page in ["/users", "/sessions", "/host", "/apps/api", "/databases"] {
        assert!(seen.contains(page), "{page} not reached: {seen:?}");
    }
    let users: [(&str, &dyn Fn(_) -> bool); 3] = [
        (VIEWER, &viewer),
        (DEPLOYER, &deployer),
        (OUTSIDER, &viewer),
    ];
    for (user, may) in users {
        let client = h.login(user).await;
        let seen = crawl(&h, &client, "/", may).await;
        assert!(
            seen.contains("/sessions") && !seen.contains("/users"),
            "{user}: {seen:?}"
        );
    }

    let (h, _) = fleet_harness(Vec::new());
    let admin = h.login(ADMIN).await;
    all_settled(&h).await;
    fleet_read(&h).await;
    let seen = crawl(&h, &admin, "/fleet", |_| true).await;
    for page in [
        "/users",
        "/sessions",
        "/h/us-1/host",
        "/h/legacy/apps/staging-api",
    ] {
        assert!(seen.contains(page), "{page} not reached: {seen:?}");
    }
    for user in [VIEWER, OUTSIDER] {
        let client = h.login(user).await;
        crawl(&h, &client, "/fleet", viewer).await;
    }
    // A page not found leads back to its host's apps, not to itself.
    let gone = h.get_now(&admin, "/h/us-1/apps/gone").await;
    assert_eq!(gone.status, StatusCode::NOT_FOUND);
    assert!(
        gone.body
            .contains("<a href=\"/h/us-1/\">Back to the apps</a>"),
        "{}",
        gone.body
    );
}

#[tokio::test]
async fn the_fleet_page_names_the_apps_whose_last_deploy_failed() {
    let (h, sims) = fleet_harness(Vec::new());
    let admin = h.login(ADMIN).await;
    fleet_read(&h).await;
    // eu-1's builds read: api's last push failed (the demo's).
    fleet_read_builds(&h, &sims["eu-1"], "eu-1").await;
    let page = h.get(&admin, "/fleet").await;
    let row = host_row(&page.body, "eu-1");
    assert!(
        row.contains(
            "<a class=\"badge s-crashed deploy-failed\" href=\"/h/eu-1/apps/api#deploys\""
        ),
        "{row}"
    );
    assert!(
        page.body.contains(" · 1 app whose last deploy failed · "),
        "{}",
        page.body
    );
    assert!(!host_row(&page.body, "us-1").contains("deploy failed"));
    // Someone who may not see api is not told of it.
    let outsider = h.login(OUTSIDER).await;
    let page = h.get(&outsider, "/fleet").await;
    assert!(!page.body.contains("deploy failed"), "{}", page.body);
}

#[tokio::test]
async fn the_fleet_page_names_the_apps_being_deployed() {
    use futures_util::StreamExt;
    let (h, sims) = fleet_harness(Vec::new());
    let admin = h.login(ADMIN).await;
    fleet_read(&h).await;
    let (gate, mut deploy, _) = held_push(&sims["eu-1"]).await;
    fleet_read_builds(&h, &sims["eu-1"], "eu-1").await;
    let page = h.get(&admin, "/fleet").await;
    let row = host_row(&page.body, "eu-1");
    assert!(
        row.contains("<a class=\"badge s-mixed deploying\" href=\"/h/eu-1/apps/api/builds\""),
        "{row}"
    );
    assert!(
        page.body.contains(" · 1 app being deployed · "),
        "{}",
        page.body
    );
    assert!(!host_row(&page.body, "us-1").contains("deploying"));
    // Someone who may not see api is not told of it.
    let outsider = h.login(OUTSIDER).await;
    let page = h.get(&outsider, "/fleet").await;
    assert!(!page.body.contains("deploying"), "{}", page.body);
    // Once it ended, the next reading drops it.
    gate.open();
    while deploy.next().await.is_some() {}
    fleet_read_builds(&h, &sims["eu-1"], "eu-1").await;
    let page = h.get(&admin, "/fleet").await;
    assert!(!page.body.contains("being deployed"), "{}", page.body);
}

#[tokio::test]
async fn the_fleet_page_never_waits_on_a_host() {
    let (h, _) = fleet_harness(vec![extra_host("hung", Arc::new(Hung))]);
    let admin = h.login(ADMIN).await;
    // The first reading waits on the hung host (until its timeout); the
    // page answers at once, saying so, and reloads itself.
    let page = h.get(&admin, "/fleet").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Reading 4 hosts"), "{}", page.body);
    assert!(page.body.contains("data-reload=\"2\""));
}

#[tokio::test]
async fn host_pages_are_scoped_to_their_host_and_switching_keeps_the_page() {
    let (h, sims) = fleet_harness(Vec::new());
    let admin = h.login(ADMIN).await;
    all_settled(&h).await;
    let us = h.get_now(&admin, "/h/us-1/").await;
    assert_eq!(us.status, StatusCode::OK, "{}", us.body);
    assert!(us.body.contains("data-app=\"metrics\"") && !us.body.contains("data-app=\"blog\""));
    assert!(us.body.contains("data-live=\"/h/us-1/live\""));
    let eu = h.get_now(&admin, "/h/eu-1").await;
    assert!(eu.body.contains("data-app=\"blog\"") && !eu.body.contains("data-app=\"metrics\""));
    assert!(eu.body.contains("href=\"/h/eu-1/apps/blog\""));
    assert_eq!(
        h.get_now(&admin, "/h/eu-1/apps/metrics").await.status,
        StatusCode::NOT_FOUND
    );

    // The switcher: the same app on a host that has it, else its apps.
    let api = h.get_now(&admin, "/h/eu-1/apps/api").await.body;
    assert!(api.contains("id=\"current-host\">eu-1</span>"));
    assert!(
        api.contains("<a href=\"/h/us-1/apps/api\" data-host=\"us-1\""),
        "{api}"
    );
    assert!(
        api.contains("<a href=\"/h/legacy/\" data-host=\"legacy\""),
        "{api}"
    );
    let dbs = h.get_now(&admin, "/h/legacy/databases").await.body;
    assert!(dbs.contains("<a href=\"/h/us-1/databases\" data-host=\"us-1\""));
    assert!(dbs.contains("<title>Databases · legacy · Dokku</title>"));

    // Unknown hosts, and host pages outside a host, are not found.
    for path in ["/h/nope/", "/h/nope/apps/api", "/apps/api", "/databases"] {
        let r = h.get_now(&admin, path).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}");
    }
    let home = h.get_now(&admin, "/").await;
    assert_eq!(
        (home.status, home.location()),
        (StatusCode::SEE_OTHER, "/fleet")
    );
    // Not logged in: to the login page, and back to the host's page.
    let anon = h.anon_get("/h/us-1/apps/metrics").await;
    assert_eq!(anon.location(), "/login?next=%2Fh%2Fus-1%2Fapps%2Fmetrics");

    // A change lands on its host only, is recorded with its name, and
    // answers with that host's page.
    let r = h.post(&admin, "/h/legacy/apps", &[("name", "fresh")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.location(), "/h/legacy/apps/fresh");
    assert!(sims["legacy"].with_host(|host| host.apps.contains_key("fresh")));
    assert!(!sims["eu-1"].with_host(|host| host.apps.contains_key("fresh")));
    let recorded = h.history.recent(1).await.unwrap();
    assert_eq!(recorded[0].entry.host, "legacy");
    // Each host's history shows its own records.
    let history = |host: &str| format!("/h/{host}/history");
    assert!(h
        .get_now(&admin, &history("legacy"))
        .await
        .body
        .contains("fresh"));
    assert!(!h
        .get_now(&admin, &history("eu-1"))
        .await
        .body
        .contains("fresh"));
    // A refused form comes back to its page on its host.
    let r = h
        .post_plain(&admin, "/h/us-1/apps/api/rename", &[("new_name", "api")])
        .await;
    assert_eq!(r.location(), "/h/us-1/apps/api");
}

#[tokio::test]
async fn a_change_made_on_the_host_itself_is_refreshed_first_from_dokkus_event_log() {
    let h = Harness::new();
    h.settled().await;
    let mut updates = h.state.store.subscribe();
    let before = h.state.store.jobs().len();
    // Someone on the host stops an app: no audit record, only Dokku's
    // event log (the demo host logs events) knows.
    let blog = dokku::AppName::new("blog").unwrap();
    h.sim.with_host(|host| {
        dokku_sim::dispatch(host, &["ps:stop".to_owned(), "blog".to_owned()], b"")
    });
    let row = tokio::time::timeout(Duration::from_secs(60), async {
        loop {
            match updates.recv().await {
                Ok(super::data::Update::Row(row)) if row.app == blog => break row,
                Ok(_) | Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {}
                Err(e) => panic!("the store closed: {e}"),
            }
        }
    })
    .await
    .expect("the app stopped on the host was never refreshed");
    assert_eq!(row.status, super::data::AppStatus::Stopped);
    assert_eq!(
        h.state.store.jobs()[before..],
        [super::data::Job::App(blog)],
        "only the changed app, read with its own reports"
    );
}

#[test]
fn an_event_marks_the_apps_its_trigger_names() {
    let store = super::data::Store::new(
        crate::common::Clock::system(),
        super::data::Settings::default(),
        None,
    );
    let event = |line: &str| dokku::parse::events::line(line);
    let marked = |line: &str| {
        super::data::mark_event(&store, &event(line))
            .into_iter()
            .map(|a| a.to_string())
            .collect::<Vec<_>>()
    };
    let prefix = "Dec  3 21:59:00 dokku-sim dokku-event[1000]: INVOKED:";
    let suffix = "NAME= FINGERPRINT= DOKKU_PID=1000";
    assert_eq!(
        marked(&format!("{prefix} post-stop( blog ) {suffix}")),
        ["blog"]
    );
    assert_eq!(
        marked(&format!("{prefix} post-app-rename( old new ) {suffix}")),
        ["old", "new"]
    );
    // Reads, global changes and other programs' lines mark nothing.
    assert!(marked(&format!("{prefix} config-get( blog KEY ) {suffix}")).is_empty());
    assert!(marked(&format!(
        "{prefix} post-config-update( --global set KEY ) {suffix}"
    ))
    .is_empty());
    assert!(marked("Dec  3 21:59:00 dokku-sim sshd[12]: Accepted publickey").is_empty());
}

/// The harness with its notification settings kept in a file of a temp
/// dir (kept alive by the caller).
fn with_notifications() -> (Harness, tempfile::TempDir, std::path::PathBuf) {
    let sim = SimExecutor::new(scenario::demo()).with_follow_interval(Duration::from_millis(40));
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("notifications.json");
    let kept = file.clone();
    let h = custom(sim.clone(), Arc::new(sim), None, move |o| {
        o.notifications = Arc::new(
            super::notifications::Notifications::open(kept, crate::common::notify::tokio_sleep())
                .unwrap(),
        );
    });
    (h, dir, file)
}

#[tokio::test]
async fn notification_settings_keep_the_webhook_a_secret_in_a_private_file() {
    let (h, _dir, file) = with_notifications();
    let admin = h.login(ADMIN).await;
    let url = "http://127.0.0.1:9/hooks/T000/s3cr3t-t0ken";
    let r = h
        .post(
            &admin,
            "/notifications",
            &[
                ("url", url),
                ("deploy_failed", "on"),
                ("certificate_days", "7"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = h.get_now(&admin, "/notifications").await;
    let hook = section(&page.body, "webhook-0");
    assert!(
        hook.contains("Posting to <strong>127.0.0.1:9</strong>"),
        "{hook}"
    );
    assert!(!page.body.contains("s3cr3t"), "the page shows the secret");
    assert!(
        hook.contains(r#"name="deploy_failed" value="on" checked"#),
        "{hook}"
    );
    assert!(!hook.contains(r#"name="deploy_succeeded" value="on" checked"#));
    assert!(
        hook.contains(r#"name="disk_filling" value="on">"#),
        "{hook}"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode();
        assert_eq!(
            mode & 0o777,
            0o600,
            "the settings file is readable by others"
        );
    }
    // Saved again with no URL typed: the webhook is kept.
    let r = h
        .post(
            &admin,
            "/notifications",
            &[("hook", "0"), ("app_crashed", "on")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let hooks = || h.state.site.notifications.settings().webhooks;
    assert_eq!(hooks().len(), 1);
    assert!(hooks()[0].subscriptions.app_crashed);
    // A URL with a password, or without a scheme, is refused: nothing
    // changes.
    for bad in ["http://u:p@relay/x", "relay/x"] {
        let r = h.post(&admin, "/notifications", &[("url", bad)]).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{bad}: {}", r.body);
        assert!(
            !r.body.contains(bad),
            "the refusal repeats the URL: {}",
            r.body
        );
    }
    assert_eq!(hooks().len(), 1);
    assert_eq!(hooks()[0].url.destination(), "127.0.0.1:9");
    // A restarted dashboard reads them back.
    let again = super::notifications::Notifications::open(
        file.clone(),
        crate::common::notify::tokio_sleep(),
    )
    .unwrap()
    .settings();
    let read = again.webhooks[0].subscriptions;
    assert!(read.app_crashed && !read.deploy_failed && !read.disk_filling);
    assert_eq!(again.certificate_days, 7);
    // A file from before several webhooks is read as its one webhook (and
    // from before disk events, with them on, their default); without a
    // URL, as none.
    let older = tempfile::tempdir().unwrap();
    let old_file = older.path().join("notifications.json");
    let read_old = |url: &str| {
        std::fs::write(
            &old_file,
            format!(r#"{{"url":{url},"deploy_failed":true,"deploy_succeeded":false,"certificate_expiring":true,"app_crashed":false,"certificate_days":21}}"#),
        )
        .unwrap();
        super::notifications::Notifications::open(
            old_file.clone(),
            crate::common::notify::tokio_sleep(),
        )
        .unwrap()
        .settings()
    };
    let old = read_old(r#""https://hooks.slack.com/services/T0/B0/x""#);
    assert_eq!(old.webhooks.len(), 1);
    let s = old.webhooks[0].subscriptions;
    assert!(s.disk_filling && s.deploy_failed && !s.app_crashed);
    assert_eq!(old.certificate_days, 21);
    assert!(read_old("null").webhooks.is_empty());
    // Slack's webhooks are https: taken as a second webhook, with its own
    // events, and shown as their host only.
    let slack = "https://hooks.slack.com/services/T0/B0/s3cr3t-sl4ck";
    let r = h
        .post(
            &admin,
            "/notifications",
            &[("url", slack), ("deploy_succeeded", "on")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = h.get_now(&admin, "/notifications").await.body;
    let second = section(&page, "webhook-1");
    assert!(
        second.contains("Posting to <strong>hooks.slack.com</strong>"),
        "{page}"
    );
    assert!(second.contains(r#"name="deploy_succeeded" value="on" checked"#));
    assert!(!page.contains("s3cr3t-sl4ck"), "{page}");
    assert_eq!(hooks().len(), 2);
    // Removing the first leaves the second; a form from an older page
    // naming a webhook no longer there changes nothing.
    let remove = [("hook", "0"), ("clear", "on")];
    let r = h.post(&admin, "/notifications", &remove).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(hooks().len(), 1);
    assert_eq!(hooks()[0].url.destination(), "hooks.slack.com");
    let r = h
        .post(&admin, "/notifications", &[("hook", "1"), ("clear", "on")])
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
    assert_eq!(hooks().len(), 1);
    // Viewers do not get the page.
    let viewer = h.login(VIEWER).await;
    assert_eq!(
        h.get_now(&viewer, "/notifications").await.status,
        StatusCode::FORBIDDEN
    );
}

/// Each webhook gets the events ticked for it and only those, all of
/// them at once; a webhook's test button posts to it alone.
#[tokio::test]
async fn each_webhook_gets_only_the_events_ticked_for_it() {
    use crate::common::notify::receiver::Receiver;
    use dokku::notify::NotifyEvent;
    let deploys = Receiver::start(&[204]).await;
    let crashes = Receiver::start(&[204]).await;
    let (h, _dir, _) = with_notifications();
    let admin = h.login(ADMIN).await;
    for (url, event) in [
        (deploys.url.as_str(), "deploy_succeeded"),
        (crashes.url.as_str(), "app_crashed"),
    ] {
        let r = h
            .post(&admin, "/notifications", &[("url", url), (event, "on")])
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    }
    let notifications = &h.state.site.notifications;
    let app = dokku::AppName::new("api").unwrap();
    let host = "sim".to_owned();
    let succeeded = NotifyEvent::DeploySucceeded {
        host: host.clone(),
        app: app.clone(),
        urls: Vec::new(),
    };
    let crashed = NotifyEvent::AppCrashed {
        host: host.clone(),
        app: app.clone(),
        process_type: "worker".to_owned(),
        running: 0,
        expected: 2,
    };
    let expiring = NotifyEvent::CertificateExpiring {
        host,
        app,
        days_left: 3,
    };
    assert_eq!(notifications.send(&succeeded).await, Ok(1));
    assert_eq!(notifications.send(&crashed).await, Ok(1));
    assert_eq!(notifications.send(&expiring).await, Ok(0));
    let told = |r: &Receiver| {
        r.received()
            .iter()
            .map(|(_, _, body)| body["text"].as_str().unwrap().to_owned())
            .collect::<Vec<_>>()
    };
    assert_eq!(told(&deploys), [succeeded.text()]);
    assert_eq!(told(&crashes), [crashed.text()]);
    let r = h
        .post(&admin, "/notifications/test", &[("hook", "1")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!((told(&deploys).len(), told(&crashes).len()), (1, 2));
}

/// A settings file that cannot be used stops the dashboard at start with
/// what is wrong and where (started anyway, it would tell nobody, and its
/// next save would replace the file); the file is left as it was, and
/// the message never shows the webhook's URL.
#[test]
fn a_spoiled_notification_settings_file_is_refused_at_start_and_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("notifications.json");
    let fields = r#""deploy_failed":true,"deploy_succeeded":false,"certificate_expiring":true,"app_crashed":true,"certificate_days":14"#;
    for (spoiled, says) in [
        ("{\"url\": ".to_owned(), "is not valid"),
        (
            format!(r#"{{"url":"ftp://hooks.example/s3cr3t",{fields}}}"#),
            "holds a webhook URL that cannot be used",
        ),
    ] {
        std::fs::write(&file, &spoiled).unwrap();
        let refused = super::notifications::Notifications::open(
            file.clone(),
            crate::common::notify::tokio_sleep(),
        )
        .unwrap_err();
        assert!(refused.contains(&file.display().to_string()), "{refused}");
        assert!(refused.contains(says), "{refused}");
        assert!(!refused.contains("s3cr3t"), "{refused}");
        assert_eq!(std::fs::read_to_string(&file).unwrap(), spoiled);
    }
    std::fs::remove_file(&file).unwrap();
    let none =
        super::notifications::Notifications::open(file, crate::common::notify::tokio_sleep())
            .unwrap();
    assert!(none.settings().webhooks.is_empty());
}

/// Two dashboards of one machine (two ports, one history directory) share
/// the notification settings file: each sees the other's change, and a
/// change is made to what the file holds now, under its lock; a file
/// spoiled meanwhile is neither used nor written over.
#[test]
fn two_dashboards_share_their_notification_settings() {
    use super::notifications::{Notifications, Webhook};
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("notifications.json");
    let open = || Notifications::open(file.clone(), crate::common::notify::tokio_sleep()).unwrap();
    let (one, two) = (open(), open());
    let add = |n: &Notifications, url: &str| {
        n.change(|s| {
            assert!(!crate::common::lock_is_free(&file), "changed unlocked");
            s.webhooks.push(Webhook {
                url: dokku::notify::WebhookUrl::parse(url).unwrap(),
                subscriptions: dokku::notify::Subscriptions::default(),
            });
            Ok(())
        })
    };
    let hosts = |n: &Notifications| -> Vec<String> {
        let settings = n.settings();
        settings
            .webhooks
            .iter()
            .map(|w| w.url.destination().to_owned())
            .collect()
    };
    add(&one, "https://hooks.slack.com/services/T0/B0/one").unwrap();
    assert_eq!(hosts(&two), ["hooks.slack.com"]);
    add(&two, "https://discord.com/api/webhooks/1/two").unwrap();
    assert_eq!(hosts(&one), ["hooks.slack.com", "discord.com"]);
    // Spoiled by hand: the settings read before stay in use, and no change
    // is written over it.
    std::fs::write(&file, "{ not json").unwrap();
    assert_eq!(hosts(&one).len(), 2);
    let refused = add(&one, "https://hooks.slack.com/services/T0/B0/three").unwrap_err();
    assert!(
        matches!(&refused, super::WebError::Storage(why) if why.contains("notifications.json")),
        "{refused:?}"
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "{ not json");
}

/// `web --webhook-ca FILE`: the dashboard's webhooks trust a private CA
/// beside Mozilla's roots; without it, the same webhook gets nothing.
#[tokio::test]
async fn the_dashboards_webhooks_trust_the_private_ca_they_were_given() {
    use super::notifications::{Notifications, Settings, Webhook};
    use crate::common::notify::{receiver::Receiver, roots_with, tokio_sleep};
    let (receiver, _, pem) = Receiver::start_tls(&[204]).await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("ca.pem");
    std::fs::write(&file, pem).unwrap();
    let settings = Settings {
        webhooks: vec![Webhook {
            url: dokku::notify::WebhookUrl::parse(&receiver.url).unwrap(),
            subscriptions: dokku::notify::Subscriptions::default(),
        }],
        ..Settings::default()
    };
    let event = dokku::notify::NotifyEvent::DiskFilling {
        host: "sim".into(),
        mounted_on: "/".into(),
        used_percent: 95,
        inodes: false,
    };
    // Never retried here: a failed attempt is final at once.
    let once: crate::common::notify::Sleep = Arc::new(|_| Box::pin(async {}));
    let without = Notifications::in_memory(once);
    without
        .change(|kept| {
            *kept = settings.clone();
            Ok(())
        })
        .unwrap();
    assert!(without.send(&event).await.is_err());
    assert!(receiver.received().is_empty());
    let with = Notifications::in_memory(tokio_sleep()).with_roots(roots_with(&file).unwrap());
    with.change(|kept| {
        *kept = settings;
        Ok(())
    })
    .unwrap();
    assert_eq!(with.send(&event).await, Ok(1));
    assert_eq!(receiver.wait_for(1).await.len(), 1);
}

#[tokio::test]
async fn a_failed_deploy_is_posted_once_and_marked_on_the_dashboard_until_one_succeeds() {
    let receiver = crate::common::notify::receiver::Receiver::start(&[204]).await;
    let (h, _dir, _) = with_notifications();
    let admin = h.login(ADMIN).await;
    let r = h
        .post(
            &admin,
            "/notifications",
            &[
                ("url", receiver.url.as_str()),
                ("deploy_failed", "on"),
                ("deploy_succeeded", "on"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    // The test button posts one event.
    let r = h.post(&admin, "/notifications/test", &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(receiver.wait_for(1).await.len(), 1);

    h.sim
        .fail_next_deploy("api", dokku_sim::DeployFailure::Build);
    let r = h
        .post(
            &admin,
            "/apps/api/deploy",
            &[("image", "ghcr.io/acme/api:v1")],
        )
        .await;
    assert_eq!(r.stream().1["ok"], false, "{}", r.body);
    let got = receiver.wait_for(2).await;
    let text = got[1].2["text"].as_str().unwrap().to_owned();
    assert!(
        text.starts_with("[sim] api: deploy failed in its build phase"),
        "{text}"
    );
    assert_eq!(got[1].2["content"], got[1].2["text"]);
    let home = h.get_now(&admin, "/").await;
    let row = home
        .body
        .split("<tr data-app=\"api\"")
        .nth(1)
        .and_then(|rest| rest.split("</tr>").next())
        .unwrap();
    assert!(row.contains("deploy failed"), "{row}");
    assert!(!home
        .body
        .split("<tr data-app=\"blog\"")
        .nth(1)
        .unwrap()
        .split("</tr>")
        .next()
        .unwrap()
        .contains("deploy failed"));

    let r = h
        .post(
            &admin,
            "/apps/api/deploy",
            &[("image", "ghcr.io/acme/api:v2")],
        )
        .await;
    assert_eq!(r.stream().1["ok"], true, "{}", r.body);
    let got = receiver.wait_for(3).await;
    assert_eq!(got.len(), 3, "one POST per event: {got:?}");
    assert!(got[2].2["text"]
        .as_str()
        .unwrap()
        .starts_with("[sim] api: deployed"));
    let home = h.get_now(&admin, "/").await;
    assert!(
        !home.body.contains("deploy failed</a>"),
        "the mark stayed after a success"
    );
    // The webhook's secret path reached neither the history nor a page.
    for record in h.history.recent(1000).await.unwrap() {
        let line = serde_json::to_string(&record.entry).unwrap();
        assert!(!line.contains("s3cr3t"), "{line}");
    }
}

#[tokio::test]
async fn a_process_that_crashes_is_posted_once() {
    let receiver = crate::common::notify::receiver::Receiver::start(&[204]).await;
    let (h, _dir, _) = with_notifications();
    h.settled().await;
    let admin = h.login(ADMIN).await;
    let r = h
        .post(
            &admin,
            "/notifications",
            &[("url", receiver.url.as_str()), ("app_crashed", "on")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    // blog's web container falls into Docker's restart loop on the host.
    h.sim.with_host(|host| {
        let blog = host.apps.get_mut("blog").unwrap();
        for container in &mut blog.containers {
            container.state = dokku_sim::host::ContainerState::Restarting;
        }
    });
    let blog = dokku::AppName::new("blog").unwrap();
    h.state.store.mark_dirty(&blog);
    h.state.store.nudge();
    let got = receiver.wait_for(1).await;
    assert_eq!(got[0].2["text"], "[sim] blog: web is down (0 of 1 running)");
    // Read again, still down: not told twice. The watcher takes rows in
    // order, so once a later crash (shop's) is told, blog's second read
    // was seen.
    h.state.store.mark_dirty(&blog);
    h.state.store.nudge();
    h.settled().await;
    h.sim.with_host(|host| {
        let shop = host.apps.get_mut("shop").unwrap();
        for container in &mut shop.containers {
            container.state = dokku_sim::host::ContainerState::Restarting;
        }
    });
    let shop = dokku::AppName::new("shop").unwrap();
    h.state.store.mark_dirty(&shop);
    h.state.store.nudge();
    let got = receiver.wait_for(2).await;
    let texts: Vec<&str> = got.iter().filter_map(|r| r.2["text"].as_str()).collect();
    assert_eq!(texts.len(), 2, "{texts:?}");
    assert!(texts[1].starts_with("[sim] shop: "), "{texts:?}");
}

#[tokio::test]
async fn a_push_is_told_once_a_failed_one_marked_and_a_later_deploy_decides() {
    use dokku_sim::commands::builds::{keep_past, PastBuild};
    let h = Harness::new();
    let watch = super::notifications::HostWatch::default();
    let api = dokku::AppName::new("api").unwrap();
    let reports = || async {
        let report = h.state.dokku.report::<dokku::model::builds::BuildsReport>();
        report.all().await.unwrap()
    };
    let read = || async { watch.on_builds(watch.builds_mark(), reports().await).ended };
    // A push of api that ended `ago` seconds before now.
    let pushed = |id: &str, ago: u64, exit_code: i64, log: &str| {
        h.sim.with_host(|host| {
            let push = PastBuild {
                id,
                source: "git-hook",
                started_at: host.now - ago,
                seconds: ago / 2,
                status: match exit_code {
                    0 => "succeeded",
                    -1 => "canceled",
                    _ => "failed",
                },
                exit_code,
                log,
            };
            keep_past(host, "api", &push);
        })
    };
    // The first reading marks the demo's failed push, and tells nothing:
    // it failed before the dashboard looked.
    assert!(read().await.is_empty());
    assert!(watch.last_deploy_failed(&api));
    // A push that fails since is news, once: a failed deploy with the
    // phase and Dokku's words from its log.
    pushed(
        "mx7czq0newpush",
        60,
        1,
        "-----> Building api from herokuish\n !     Failure while building the app\n",
    );
    let news = read().await;
    assert_eq!(news.len(), 1, "{news:?}");
    assert_eq!(
        (news[0].app.as_str(), news[0].id.as_str(), news[0].succeeded),
        ("api", "mx7czq0newpush", false)
    );
    let event = super::notifications::push_event(&h.state.dokku, "sim", &news[0]).await;
    assert_eq!(
        event.map(|e| e.text()).as_deref(),
        Some(
            "[sim] api: deploy failed in its build phase (exit 1): Failure while building the app"
        )
    );
    assert!(read().await.is_empty(), "told twice");
    assert!(watch.last_deploy_failed(&api));
    // The next push works: news too, and the mark goes.
    pushed(
        "mx7czq1okpush1",
        30,
        0,
        "-----> Building api from herokuish\n",
    );
    let news = read().await;
    assert_eq!(news.len(), 1, "{news:?}");
    assert!(news[0].succeeded && !watch.last_deploy_failed(&api));
    let event = super::notifications::push_event(&h.state.dokku, "sim", &news[0]).await;
    let text = event.map(|e| e.text()).unwrap_or_default();
    assert!(
        text.starts_with("[sim] api: deployed") && text.contains("api.dokku.me"),
        "{text}"
    );
    // A push cancelled while it built says nothing of the code: neither
    // told nor marked (as a cancel in the trail).
    pushed(
        "mx7czq1cancel1",
        20,
        -1,
        "-----> Building api from herokuish\n",
    );
    assert!(read().await.is_empty());
    assert!(!watch.last_deploy_failed(&api));
    // Then one more failed push, for what follows: Dokku's words are a
    // godotenv error, whose quoted values never reach a webhook.
    pushed(
        "mx7czq2badpush",
        10,
        1,
        " !     error: unexpected character \"-\" in variable name near \"SECRET=hunter2-value\"\n",
    );
    let news = read().await;
    assert_eq!(news.len(), 1);
    assert!(watch.last_deploy_failed(&api));
    let event = super::notifications::push_event(&h.state.dokku, "sim", &news[0]).await;
    let text = event.map(|e| e.text()).unwrap_or_default();
    assert!(
        text.contains("unexpected character") && !text.contains("hunter2"),
        "{text}"
    );

    // A deploy through the SDK that succeeds clears the mark, even against
    // a reading begun before it.
    let before = (watch.builds_mark(), reports().await);
    let cli = dokku::Dokku::new(
        dokku_history::Audited::new(h.sim.clone(), h.history.clone()).host("sim"),
    );
    let spec = dokku::api::deploy::DeploySpec::image(&api, "ghcr.io/acme/api:v2").unwrap();
    cli.run(&spec.command().unwrap()).await.unwrap();
    let records = h.history.recent(5).await.unwrap();
    watch.on_records("sim", &records);
    assert!(!watch.last_deploy_failed(&api));
    assert!(watch.on_builds(before.0, before.1).ended.is_empty());
    assert!(
        !watch.last_deploy_failed(&api),
        "a stale reading marked api"
    );
    assert!(read().await.is_empty());
    assert!(!watch.last_deploy_failed(&api));
}

#[tokio::test]
async fn the_deploy_marks_start_from_each_apps_last_deploy_and_a_cancel_changes_none() {
    let dir = tempfile::tempdir().unwrap();
    let history = HistoryStore::open(dir.path().join("history.db")).unwrap();
    let record = |at: i64, argv: &[&str], outcome: dokku_history::Outcome| dokku_history::Entry {
        started_at: at,
        ended_at: at + 3_000,
        host: "eu-1".to_owned(),
        target: None,
        actor: "alice".to_owned(),
        source: dokku_history::Source::Web,
        correlation_id: None,
        parent_id: None,
        subcommand: argv[0].to_owned(),
        app: Some(argv[1].to_owned()),
        argv: argv.iter().map(|a| (*a).to_owned()).collect(),
        mutating: true,
        outcome,
        exit_code: Some(i32::from(outcome != dokku_history::Outcome::Ok)),
        stdout: String::new(),
        stdout_len: 0,
        stderr: String::new(),
        stderr_len: 0,
        error: None,
    };
    use dokku_history::Outcome::{Failed, Ok};
    for entry in [
        record(1_000, &["git:from-image", "shop", "acme/shop:1"], Ok),
        // Cancelled while it ran: says nothing about the code.
        record(10_000, &["git:from-image", "shop", "acme/shop:2"], Failed),
        record(11_000, &["builds:cancel", "shop"], Ok),
        record(20_000, &["git:from-image", "blog", "acme/blog:1"], Ok),
        record(30_000, &["git:from-image", "blog", "acme/blog:2"], Failed),
        // Another host's failure marks nothing here.
        {
            let mut other = record(40_000, &["git:from-image", "api", "acme/api:1"], Failed);
            other.host = "us-1".to_owned();
            other
        },
    ] {
        history.append(entry).await.unwrap();
    }
    let watch = super::notifications::HostWatch::default();
    watch.load(&history, "eu-1").await;
    let app = |name: &str| dokku::AppName::new(name).unwrap();
    assert!(
        !watch.last_deploy_failed(&app("shop")),
        "a cancel marked shop"
    );
    assert!(watch.last_deploy_failed(&app("blog")));
    assert!(!watch.last_deploy_failed(&app("api")));
}

#[test]
fn an_expiring_certificate_is_told_once_per_day_left_and_only_within_the_window() {
    let watch = super::notifications::HostWatch::default();
    let api = dokku::AppName::new("api").unwrap();
    let blog = dokku::AppName::new("blog").unwrap();
    let told = |certs: Vec<(dokku::AppName, i64)>| {
        watch
            .on_certificates("eu-1", certs, 14)
            .iter()
            .map(dokku::notify::NotifyEvent::text)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        told(vec![(api.clone(), 5), (blog.clone(), 40)]),
        ["[eu-1] api: the TLS certificate expires in 5 days"]
    );
    assert!(told(vec![(api.clone(), 5)]).is_empty(), "told twice");
    assert_eq!(
        told(vec![(api, -1)]),
        ["[eu-1] api: the TLS certificate expired 1 day ago"]
    );
}

/// Make the simulated host's disk `space` full and its inodes `inodes`
/// used (`df`'s percentages).
fn fill_disk(h: &Harness, space: &str, inodes: &str) {
    h.sim.with_host(|host| {
        let disk = &mut host.machine.disks[0];
        disk.space[3] = space.to_owned();
        disk.inodes[3] = inodes.to_owned();
    })
}

/// An admin sets how full a disk must be to be told (50% at the least); a
/// settings file from before it could be set reads the default, 90%.
#[tokio::test]
async fn the_disks_are_told_from_the_percentage_an_admin_set() {
    let (h, _dir, file) = with_notifications();
    let admin = h.login(ADMIN).await;
    let notifications = &h.state.site.notifications;
    assert_eq!(notifications.settings().disk_percent, 90);
    let r = h
        .post(&admin, "/notifications", &[("disk_percent", "85")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(notifications.settings().disk_percent, 85);
    assert_eq!(notifications.settings().certificate_days, 14, "untouched");
    let page = h.get(&admin, "/notifications").await.body;
    assert!(
        page.contains("name=\"disk_percent\" min=\"50\" max=\"100\" value=\"85\""),
        "{page}"
    );
    assert!(page.contains("disks 85% full or more"), "{page}");
    // The watcher tells from it: a disk 87% full is news at 85%, not at 90%.
    fill_disk(&h, "87%", "10%");
    let vitals = h.state.dokku.host().vitals().await.unwrap();
    let watch = super::notifications::HostWatch::default();
    assert!(watch.on_vitals("sim", &vitals, 90).is_empty());
    let told = watch.on_vitals("sim", &vitals, notifications.settings().disk_percent);
    assert_eq!(told.len(), 1, "{told:?}");
    // Too low a percentage is raised to the least.
    h.post(&admin, "/notifications", &[("disk_percent", "10")])
        .await;
    assert_eq!(notifications.settings().disk_percent, 50);
    let saved: serde_json::Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    assert_eq!(saved["disk_percent"], 50);
    // A file from before: the default.
    std::fs::write(&file, r#"{"webhooks":[],"certificate_days":7}"#).unwrap();
    assert_eq!(notifications.settings().disk_percent, 90);
    assert_eq!(notifications.settings().certificate_days, 7);
}

/// A host's disk filling up is told once per percentage, space and inodes
/// alike, and again when it fills up after it was freed.
#[tokio::test]
async fn a_filling_disk_is_told_once_per_percentage_and_again_after_it_was_freed() {
    let h = Harness::new();
    let watch = super::notifications::HostWatch::default();
    let set = |space: &str, inodes: &str| fill_disk(&h, space, inodes);
    let told = || async {
        let vitals = h.state.dokku.host().vitals().await.unwrap();
        watch
            .on_vitals("sim", &vitals, super::notifications::DISK_FULL_PERCENT)
            .iter()
            .map(dokku::notify::NotifyEvent::text)
            .collect::<Vec<_>>()
    };
    assert!(told().await.is_empty(), "the demo's disk is 40% full");
    set("91%", "95%");
    assert_eq!(
        told().await,
        [
            "[sim] the disk at / is 91% full",
            "[sim] the disk at / has 95% of its inodes used"
        ]
    );
    assert!(told().await.is_empty(), "told twice");
    set("93%", "95%");
    assert_eq!(told().await, ["[sim] the disk at / is 93% full"]);
    set("60%", "95%");
    assert!(told().await.is_empty());
    set("90%", "95%");
    assert_eq!(told().await, ["[sim] the disk at / is 90% full"]);
}

// ---- Users, grants and sessions -------------------------------------------

/// Who did what: each record's actor and command line, newest first.
async fn actions(h: &Harness) -> Vec<(String, String)> {
    h.history
        .recent(100)
        .await
        .unwrap()
        .iter()
        .map(|r| (r.entry.actor.clone(), r.entry.argv.join(" ")))
        .collect()
}

/// A user with the given grants (`(hosts, apps, role)`).
fn user_with(name: &str, password: &str, grants: &[(&str, &str, Role)]) -> User {
    User {
        name: UserName::parse(name).unwrap(),
        password: super::auth::hash_password(password).unwrap(),
        grants: grants
            .iter()
            .map(|(hosts, apps, role)| Grant {
                hosts: Pattern::parse(hosts).unwrap(),
                apps: Pattern::parse(apps).unwrap(),
                role: *role,
            })
            .collect(),
    }
}

/// A new user `name` (password `<name>-pw`) with `grants`, logged in.
async fn new_user_logged_in(h: &Harness, name: &str, grants: &[(&str, &str, Role)]) -> Client {
    let password = format!("{name}-pw");
    let user = user_with(name, &password, grants);
    h.state
        .auth
        .users()
        .change(|all| {
            all.insert(user.name.clone(), user);
            Ok(())
        })
        .unwrap();
    h.login_as(name, &password).await
}

/// What each test user may use, by a route's access: written out here,
/// not derived from the code under test.
fn expected(user: &str, access: super::routes::Access) -> bool {
    use super::routes::Access::*;
    match (user, access) {
        (_, Public | Session) => true,
        ("admin", _) => true,
        ("deployer", Read | Deploy) => true,
        ("viewer", Read) => true,
        // `outsider` is admin of other-app only: nothing on this host.
        _ => false,
    }
}

/// Every route of the table × viewer, deployer, admin and a user with a
/// grant on another app only: allowed or refused as its access says. A
/// read of an app the user has no role on is not found (404), any other
/// refusal is forbidden (403). Allowed actions are sent for an app that does not
/// exist (`ghost`), so nothing changes; refused ones for `api`.
async fn grants_sweep(h: &Harness, base: &str) {
    use super::routes::{Access, Scope};
    let table = super::routes::table();
    let at = |route: &super::routes::Route, path: String| match route.scope {
        Scope::Host => format!("{base}{path}"),
        Scope::Site => path,
    };
    let ghost = |path: &str| {
        sample(path)
            .replace("/apps/api", "/apps/ghost")
            .replace("api-db", "ghost-db")
            .replace("/users/viewer", "/users/ghost")
    };
    let mut checked = 0;
    for (name, password) in [
        ("viewer", VIEWER),
        ("deployer", DEPLOYER),
        ("admin", ADMIN),
        ("outsider", OUTSIDER),
    ] {
        let c = h.login(password).await;
        // The API's routes take a token, not a session: `api::sweep`.
        for route in table
            .iter()
            .filter(|r| r.access != Access::Public && !matches!(r.access, Access::Api(_)))
        {
            let allowed = expected(name, route.access);
            let has_app = route.path.contains("{app}");
            let what = format!("{route:?} as {name}");
            if route.is_read() {
                let (status, _) = h.head(&c, &at(route, sample(route.path))).await;
                // Only a user with no role at all on the app is told
                // it is not found.
                let unknown = has_app && name == "outsider";
                match (allowed, unknown) {
                    (true, _) => assert!(status.is_success(), "{what}: {status}"),
                    (false, true) => assert_eq!(status, StatusCode::NOT_FOUND, "{what}"),
                    (false, false) => assert_eq!(status, StatusCode::FORBIDDEN, "{what}"),
                }
            } else if route.path == "/logout" {
                // Anyone's (the logout test); not in the middle of a sweep.
                continue;
            } else if allowed {
                let r = h.post(&c, &at(route, ghost(route.path)), &[]).await;
                assert_ne!(r.status, StatusCode::FORBIDDEN, "{what}: {}", r.body);
                assert!(!r.location().starts_with("/login"), "{what}");
            } else {
                let r = h.post(&c, &at(route, sample(route.path)), &[]).await;
                assert_eq!(r.status, StatusCode::FORBIDDEN, "{what}: {}", r.body);
                assert!(r.body.contains("Your grants do not allow this"), "{what}");
            }
            checked += 1;
        }
    }
    // Every guarded route of a session but logging out, for each of the
    // four users.
    let guarded = table
        .iter()
        .filter(|r| r.access != Access::Public && !matches!(r.access, Access::Api(_)))
        .count();
    assert_eq!(checked, 4 * (guarded - 1));
    untouched(h);
}

#[tokio::test]
async fn every_route_allows_exactly_the_roles_its_access_names() {
    grants_sweep(&Harness::new(), "").await;
}

#[tokio::test]
async fn every_route_of_a_fleet_host_allows_exactly_the_roles_its_access_names() {
    let (h, _) = fleet_harness(Vec::new());
    grants_sweep(&h, "/h/eu-1").await;
}

#[tokio::test]
async fn an_app_a_user_may_not_read_is_not_found_like_one_that_does_not_exist() {
    let h = Harness::new();
    let outsider = h.login(OUTSIDER).await;
    let hidden = h.get(&outsider, "/apps/api").await;
    let missing = h.get(&outsider, "/apps/nope").await;
    assert_eq!(hidden.status, StatusCode::NOT_FOUND);
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert!(hidden.body.contains("There is no app called api."));
    assert_eq!(
        hidden.body.replace("api", "X"),
        missing.body.replace("nope", "X")
    );
    // An action on it is forbidden whether or not it exists.
    for app in ["api", "nope"] {
        let r = h
            .post(&outsider, &format!("/apps/{app}/ps/restart"), &[])
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{app}");
        assert_eq!(
            r.json()["message"],
            format!("Your grants do not allow this: this needs deployer on {app}.")
        );
    }
}

/// The demo host with two teams' apps.
fn teams_sim() -> SimExecutor {
    let sim = SimExecutor::new(scenario::demo()).with_follow_interval(Duration::from_millis(40));
    sim.with_host(|host| {
        let app = host.apps["blog"].clone();
        for name in ["team-a-web", "team-a-worker", "team-b-web"] {
            host.apps.insert(name.to_owned(), app.clone());
        }
    });
    sim
}

#[tokio::test]
async fn a_team_deployer_sees_and_reaches_only_their_teams_apps() {
    let alice = user_with("alice", "alice-pw", &[("*", "team-a-*", Role::Deployer)]);
    let h = Harness::with_users(teams_sim(), vec![alice]);
    let admin = h.login(ADMIN).await;
    // Something in the history of each team's app.
    for app in ["team-a-web", "team-b-web"] {
        let r = h
            .post(
                &admin,
                &format!("/apps/{app}/domains/add"),
                &[("domain", &format!("{app}.example.com"))],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    }
    let alice = h.login_as("alice", "alice-pw").await;
    let home = h.get(&alice, "/").await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(home.body.contains("team-a-web") && home.body.contains("team-a-worker"));
    for hidden in ["team-b-web", "\"/apps/api\"", "\"/apps/blog\""] {
        assert!(!home.body.contains(hidden), "the dashboard shows {hidden}");
    }
    assert!(
        home.body.contains("count-all\">2<"),
        "the counts are of alice's apps"
    );
    assert!(
        !home.body.contains("Create app"),
        "alice cannot create apps"
    );
    // Not reachable by URL, nor findable by search.
    assert_eq!(
        h.get(&alice, "/apps/team-b-web").await.status,
        StatusCode::NOT_FOUND
    );
    assert!(!h
        .get(&alice, "/?q=team-b")
        .await
        .body
        .contains("team-b-web"));
    assert_eq!(
        h.get(&alice, "/databases").await.status,
        StatusCode::FORBIDDEN
    );
    // The history: only her apps' records.
    for path in [
        "/history",
        "/history?q=domains",
        "/history/export?format=csv",
    ] {
        let r = h.get(&alice, path).await;
        assert_eq!(r.status, StatusCode::OK, "{path}");
        assert!(r.body.contains("team-a-web"), "{path}: {}", r.body);
        assert!(!r.body.contains("team-b-web"), "{path} shows team b");
    }
    // The fleet page counts only her apps.
    let fleet = h.get(&alice, "/fleet").await;
    assert!(!fleet.body.contains("team-b-web"));
    // The live rows: only hers.
    let (mut body, mut text) = h.live(&alice).await;
    for app in ["team-b-web", "team-a-web"] {
        let r = h
            .post(
                &admin,
                &format!("/apps/{app}/domains/add"),
                &[("domain", &format!("{app}.example.org"))],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
    }
    read_until(&mut body, &mut text, |t| {
        t.contains("event: row") && t.contains("team-a-web.example.org")
    })
    .await;
    assert!(!text.contains("team-b-web"), "a live row of team b: {text}");
    assert!(text.contains("\"total\":2"), "{text}");
    // Her own apps: she deploys and restarts, as herself in the history.
    let r = h.post(&alice, "/apps/team-a-web/ps/restart", &[]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(
        h.post(&alice, "/apps/team-b-web/ps/restart", &[])
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        h.post(&alice, "/apps/team-a-web/config/reveal", &[("key", "X")])
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let recorded = actions(&h).await;
    assert!(
        recorded
            .iter()
            .any(|(actor, cmd)| actor == "alice" && cmd.contains("ps:restart team-a-web")),
        "{recorded:?}"
    );
    assert!(!recorded
        .iter()
        .any(|(actor, _)| actor == "deployer" || actor == "viewer"));
}

/// The link to the next (older) page of a history page.
fn older_link(body: &str) -> Option<String> {
    let at = body.find("rel=\"next\" href=\"")? + 17;
    Some(body[at..].split('"').next()?.replace("&amp;", "&"))
}

#[tokio::test]
async fn a_user_limited_to_some_apps_gets_full_history_pages_of_them() {
    let alice = user_with("alice", "alice-pw", &[("*", "team-a-*", Role::Deployer)]);
    let h = Harness::with_users(teams_sim(), vec![alice]);
    let admin = h.login(ADMIN).await;
    h.post(&admin, "/apps/team-b-web/ps/restart", &[]).await;
    // 60 of team a's records among 180 of team b's.
    h.interleave_history(240, "team-a-web", "team-b-web").await;

    let alice = h.login_as("alice", "alice-pw").await;
    let first = h.get(&alice, "/history").await;
    assert_eq!(first.status, StatusCode::OK);
    assert!(!first.body.contains("team-b-web"));
    assert_eq!(first.body.matches("<tr>").count(), 1 + 50, "a full page");
    let next = older_link(&first.body).expect("an older page");
    let second = h.get(&alice, &next).await;
    assert_eq!(second.status, StatusCode::OK, "{next}");
    assert!(!second.body.contains("team-b-web"));
    assert_eq!(h.records_of("team-a-web").await, 60);
    assert_eq!(second.body.matches("<tr>").count(), 1 + 10, "the rest");
    assert_eq!(older_link(&second.body), None);
}

#[tokio::test]
async fn failed_logins_are_audited_by_name_and_limited_per_account() {
    let (h, advance) = harness_with_clock();
    // The deployer logged in from this browser before.
    let earlier = h.attempt(DEPLOYER, [10, 9, 0, 1]).await;
    assert_eq!(earlier.status, StatusCode::SEE_OTHER);
    let device = set_cookie(&earlier.headers, "__Host-dokku_device").unwrap();
    let device = device.trim_start_matches("__Host-dokku_device=").to_owned();
    assert_eq!(device.len(), 64, "a 32-byte token: {device}");
    assert!(earlier.headers.get_all(header::SET_COOKIE).iter().any(|v| v
        .to_str()
        .unwrap()
        .contains("dokku_device=")
        && v.to_str()
            .unwrap()
            .contains("HttpOnly; SameSite=Strict; Max-Age=2592000; Secure")));
    // Five wrong passwords for deployer, each from another address: no
    // address reaches its limit, the account does.
    for n in 1..=5u8 {
        let r = h
            .attempt_as("deployer", "wrong-guess-secret", [10, 1, 0, n])
            .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    }
    let r = h.attempt_as("deployer", DEPLOYER, [10, 2, 0, 1]).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.body);
    // From the deployer's own browser the account is not locked out.
    let r = h
        .attempt_from_device("deployer", DEPLOYER, [10, 2, 0, 1], Some(&device))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    // Another account from that address is not limited.
    assert_eq!(
        h.attempt(VIEWER, [10, 2, 0, 1]).await.status,
        StatusCode::SEE_OTHER
    );
    // A password typed into the name field is not written down.
    h.attempt_as("Hunter2 typed-in-the-name-field", "x", [10, 3, 0, 1])
        .await;
    advance(Duration::from_secs(15 * 60 + 1));
    assert_eq!(
        h.attempt(DEPLOYER, [10, 2, 0, 1]).await.status,
        StatusCode::SEE_OTHER
    );

    let records = h.history.recent(50).await.unwrap();
    let logins: Vec<_> = records
        .iter()
        .filter(|r| r.entry.subcommand == "web:login")
        .collect();
    // Five wrong, one limited, one unnamed; no record of the good ones.
    assert_eq!(logins.len(), 7, "{logins:?}");
    assert!(logins
        .iter()
        .all(|r| r.entry.outcome == dokku_history::Outcome::Failed));
    assert_eq!(
        logins
            .iter()
            .filter(|r| r.entry.actor == "deployer")
            .count(),
        6
    );
    assert!(logins.iter().any(|r| r.entry.actor == "(not a user name)"));
    assert!(logins.iter().any(|r| r
        .entry
        .error
        .as_deref()
        .is_some_and(|e| e.contains("too many failures"))));
    let all = serde_json::to_string(&records).unwrap();
    for secret in [
        "wrong-guess-secret",
        DEPLOYER,
        VIEWER,
        "Hunter2",
        "typed-in-the-name-field",
    ] {
        assert!(!all.contains(secret), "the history holds {secret:?}");
    }
    // The history page shows them to an admin.
    let admin = h.login(ADMIN).await;
    let page = h.get(&admin, "/history?subcommand=web:login").await;
    assert!(page.body.contains("web:login deployer"), "{}", page.body);
}

fn token_of(c: &Client) -> String {
    c.cookie.split_once('=').unwrap().1.to_owned()
}

#[tokio::test]
async fn sessions_are_listed_to_their_user_and_admins_and_revoking_one_ends_its_streams() {
    let h = Harness::new();
    let admin = h.login(ADMIN).await;
    let viewer = h.login(VIEWER).await;
    let viewer_too = h.login(VIEWER).await;
    let id_of = |c: &Client| h.state.auth.session(&token_of(c)).unwrap().id;
    let (admin_id, viewer_id, other_id) = (id_of(&admin), id_of(&viewer), id_of(&viewer_too));

    // A viewer sees their own sessions only; an admin sees everyone's.
    let mine = h.get(&viewer, "/sessions").await;
    assert_eq!(mine.status, StatusCode::OK);
    assert!(mine.body.contains(&viewer_id) && mine.body.contains(&other_id));
    assert!(!mine.body.contains(&admin_id));
    assert!(mine.body.contains("(this one)"));
    let all = h.get(&admin, "/sessions").await;
    for id in [&admin_id, &viewer_id, &other_id] {
        assert!(all.body.contains(id.as_str()));
    }
    // Nobody's token is on the page.
    assert!(!all.body.contains(&token_of(&viewer)));
    // A viewer cannot revoke an admin's session (it is not found).
    let r = h
        .post(&viewer, &format!("/sessions/{admin_id}/revoke"), &[])
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(h.state.auth.session(&token_of(&admin)).is_some());

    // Revoking ends the session and its open streams.
    let stream = tokio::spawn(h.state.auth.ended(&token_of(&viewer_too)));
    let r = h
        .post(&admin, &format!("/sessions/{other_id}/revoke"), &[])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    stream.await.unwrap();
    let gone = h.get(&viewer_too, "/").await;
    assert_eq!(gone.status, StatusCode::SEE_OTHER);
    assert!(gone.location().starts_with("/login"));
    // One's own: back to the login page.
    let r = h
        .post(&viewer, &format!("/sessions/{viewer_id}/revoke"), &[])
        .await;
    assert_eq!(r.location(), "/login");
    assert!(h.state.auth.session(&token_of(&viewer)).is_none());
    let recorded = actions(&h).await;
    assert!(
        recorded
            .iter()
            .any(|(actor, cmd)| actor == "admin" && cmd.starts_with("web:sessions:revoke viewer")),
        "{recorded:?}"
    );
}

#[tokio::test]
async fn admins_add_grant_reset_and_delete_users_and_each_change_is_audited() {
    let h = Harness::new();
    let admin = h.login(ADMIN).await;
    let deployer = h.login(DEPLOYER).await;
    // Only an admin of everything manages users.
    assert_eq!(
        h.get(&deployer, "/users").await.status,
        StatusCode::FORBIDDEN
    );
    let r = h
        .post(
            &deployer,
            "/users",
            &[
                ("name", "mallory"),
                ("password", "pw"),
                ("grants", "admin * *"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(h.state.auth.users().get("mallory").is_none());

    let r = h
        .post(
            &admin,
            "/users",
            &[
                ("name", "carol"),
                ("password", "carol-pw-1"),
                ("grants", "viewer * api"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = h.get(&admin, "/users").await;
    assert!(page.body.contains("carol") && page.body.contains("viewer * api"));
    assert!(!page.body.contains("carol-pw-1") && !page.body.contains("$argon2"));
    // Bad input is refused in words.
    let r = h
        .post(
            &admin,
            "/users",
            &[("name", "Carol Two"), ("password", "x")],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.json()["message"].as_str().unwrap().contains("lower-case"));
    let r = h
        .post(&admin, "/users/carol/grants", &[("grants", "owner * *")])
        .await;
    assert!(r.json()["message"].as_str().unwrap().contains("not a role"));
    let r = h
        .post(&admin, "/users", &[("name", "carol"), ("password", "x")])
        .await;
    assert!(r.json()["message"].as_str().unwrap().contains("already"));

    let carol = h.login_as("carol", "carol-pw-1").await;
    assert_eq!(h.get(&carol, "/apps/api").await.status, StatusCode::OK);
    assert_eq!(
        h.get(&carol, "/apps/blog").await.status,
        StatusCode::NOT_FOUND
    );
    // New grants apply at once.
    let r = h
        .post(
            &admin,
            "/users/carol/grants",
            &[("grants", "viewer * blog\n")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        h.get(&carol, "/apps/api").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(h.get(&carol, "/apps/blog").await.status, StatusCode::OK);
    // A new password ends her sessions; the old one no longer works.
    let r = h
        .post(
            &admin,
            "/users/carol/password",
            &[("password", "carol-pw-2")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        h.get(&carol, "/apps/blog").await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        h.attempt_as("carol", "carol-pw-1", [127, 0, 0, 2])
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    let carol = h.login_as("carol", "carol-pw-2").await;
    // Deleting ends her sessions too.
    let r = h.post(&admin, "/users/carol/delete", &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(h.get(&carol, "/").await.status, StatusCode::SEE_OTHER);
    assert!(h.state.auth.users().get("carol").is_none());
    // The last admin of everything cannot be removed.
    let r = h.post(&admin, "/users/admin/delete", &[]).await;
    assert!(r.json()["message"].as_str().unwrap().contains("no admin"));

    let recorded = actions(&h).await;
    for change in [
        "web:users:add carol",
        "web:users:grants carol viewer * blog",
        "web:users:password carol",
        "web:users:delete carol",
    ] {
        assert!(
            recorded
                .iter()
                .any(|(actor, cmd)| actor == "admin" && cmd == change),
            "{change}: {recorded:?}"
        );
    }
    let all = serde_json::to_string(&h.history.recent(100).await.unwrap()).unwrap();
    for secret in ["carol-pw-1", "carol-pw-2", "$argon2"] {
        assert!(!all.contains(secret));
    }
}

#[tokio::test]
async fn the_fleet_page_shows_a_limited_user_only_their_hosts_and_apps() {
    let (h, _) = fleet_harness(Vec::new());
    let uma = new_user_logged_in(
        &h,
        "uma",
        &[
            ("us-1", "other-*", Role::Viewer),
            ("legacy", "*", Role::Viewer),
        ],
    )
    .await;
    all_settled(&h).await;
    fleet_read(&h).await;
    let page = h.get(&uma, "/fleet").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    // No grant on eu-1: not shown, nor offered by the host switcher.
    assert!(!page.body.contains("data-host=\"eu-1\""), "{}", page.body);
    assert!(page.body.contains("data-host=\"legacy\">legacy</a>"));
    // On us-1 only other-* apps: the crashed metrics is not hers.
    let us = host_row(&page.body, "us-1");
    assert!(!us.contains("metrics") && !us.contains("crashed"), "{us}");
    // Every app of legacy: as an admin sees it.
    let legacy = host_row(&page.body, "legacy");
    assert!(
        legacy.contains("href=\"/h/legacy/apps/staging-api\""),
        "{legacy}"
    );
    assert_eq!(
        h.get(&uma, "/h/us-1/apps/metrics").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        h.get(&uma, "/h/legacy/apps/staging-api").await.status,
        StatusCode::OK
    );
}

/// The machines page reads every host the user may read whole at once
/// (memory, fullest disk, fullest inodes; an unreachable host says why);
/// its readings then name a filling disk on the fleet page and on that
/// host's dashboard. A user with a grant on some apps of a host only is
/// not shown its machine.
#[tokio::test]
async fn the_machines_page_reads_every_hosts_memory_and_disks_and_the_fleet_page_names_a_filling_one(
) {
    let (h, _) = fleet_harness(vec![extra_host("down", Arc::new(Unreachable))]);
    let admin = h.login(ADMIN).await;
    fleet_read(&h).await;
    let fleet = h.get(&admin, "/fleet").await.body;
    assert!(fleet.contains("href=\"/fleet/machines\""), "{fleet}");
    assert!(
        !fleet.contains("badge disk"),
        "named before anything was read"
    );

    let page = h.get(&admin, "/fleet/machines").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let legacy = host_row(&page.body, "legacy");
    assert!(legacy.contains("href=\"/h/legacy/host\""), "{legacy}");
    assert!(legacy.contains("value=\"92\""), "{legacy}");
    assert!(
        legacy.contains("92% · <code class=\"long\">/</code>"),
        "{legacy}"
    );
    assert!(legacy.contains("85% · "), "{legacy}");
    let eu = host_row(&page.body, "eu-1");
    assert!(eu.contains(" MiB") && !eu.contains("unreachable"), "{eu}");
    let down = host_row(&page.body, "down");
    assert!(
        down.contains("unreachable") && down.contains("connection refused"),
        "{down}"
    );

    let fleet = h.get(&admin, "/fleet").await.body;
    let legacy = host_row(&fleet, "legacy");
    assert!(
        legacy.contains("href=\"/h/legacy/host\"") && legacy.contains("disk / 92% full"),
        "{legacy}"
    );
    assert!(legacy.contains("badge disk s-crashed"), "{legacy}");
    assert!(!host_row(&fleet, "eu-1").contains("badge disk"), "{fleet}");
    let dashboard = h.get_now(&admin, "/h/legacy/").await.body;
    assert!(
        dashboard.contains("The disk at / is 92% full"),
        "{dashboard}"
    );

    let uma = new_user_logged_in(&h, "uma", &[("us-1", "other-*", Role::Viewer)]).await;
    let page = h.get(&uma, "/fleet/machines").await.body;
    assert!(page.contains("You may read no host's machine"), "{page}");
    assert!(
        !page.contains("<tr data-host=") && !page.contains("Read from"),
        "{page}"
    );
}

/// The fleet's databases page reads every host the user may read whole
/// at once: each datastore service and when it is backed up, how many
/// are not, and why an unreachable host could not say.
#[tokio::test]
async fn the_fleet_databases_page_names_every_database_and_whether_it_is_backed_up() {
    let (h, _) = fleet_harness(vec![extra_host("down", Arc::new(Unreachable))]);
    let admin = h.login(ADMIN).await;
    fleet_read(&h).await;
    let fleet = h.get(&admin, "/fleet").await.body;
    assert!(fleet.contains("href=\"/fleet/databases\""), "{fleet}");
    let page = h.get(&admin, "/fleet/databases").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let service = |host: &str, service: &str| {
        let at = page
            .body
            .find(&format!("data-host=\"{host}\" data-service=\"{service}\""))
            .unwrap_or_else(|| panic!("no {host} {service}"));
        page.body[at..].split("</tr>").next().unwrap().to_owned()
    };
    let shop = service("legacy", "shop-db");
    assert!(shop.contains("<code>0 3 * * *</code> to"), "{shop}");
    assert!(
        shop.contains("href=\"/h/legacy/databases#svc-postgres-shop-db\""),
        "{shop}"
    );
    assert!(service("eu-1", "api-db").contains("none scheduled"));
    assert!(service("us-1", "sessions").contains("none scheduled"));
    assert!(
        page.body
            .contains("7 of 10 databases have no backup scheduled."),
        "{}",
        page.body
    );
    let down = host_row(&page.body, "down");
    assert!(
        down.contains("unreachable") && down.contains("connection refused"),
        "{down}"
    );

    let uma = new_user_logged_in(&h, "uma", &[("us-1", "other-*", Role::Viewer)]).await;
    let page = h.get(&uma, "/fleet/databases").await.body;
    assert!(page.contains("You may read no host's databases"), "{page}");
    assert!(!page.contains("<tr data-host="), "{page}");
}

mod api;

#[tokio::test]
async fn a_deployer_cancels_a_running_build_from_the_app_page_and_it_is_audited() {
    let h = Harness::new();
    let deployer = h.login(DEPLOYER).await;
    let page = h.get_now(&deployer, "/apps/api").await;
    assert!(
        section(&page.body, "deploys").contains(r#"action="/apps/api/deploy/cancel""#),
        "{}",
        page.body
    );
    let r = h.post(&deployer, "/apps/api/deploy/cancel", &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.location(), "/apps/api");
    let newest = &h.history.recent(1).await.unwrap()[0];
    assert_eq!(newest.entry.argv, ["builds:cancel", "api"]);
    assert_eq!(newest.entry.actor, "deployer");
    // A viewer sees no cancel button.
    let viewer = h.login(VIEWER).await;
    let page = h.get_now(&viewer, "/apps/api").await;
    assert!(!page.body.contains("deploy/cancel"));
}

/// `web user reset-password` while the dashboard runs: the dashboard
/// reads the users file as it is now, so the new password works at once,
/// the old one and every session it opened end, and the dashboard's own
/// next change to the users keeps the reset. A user who sets their own
/// password on the users page stays signed in there.
#[tokio::test]
async fn a_password_reset_beside_a_running_dashboard_takes_effect_at_once_and_is_kept() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("web-users.json");
    let (users, _) = Users::open(&file, || Ok(test_users())).unwrap();
    let h = Harness::with_auth(
        SimExecutor::new(scenario::demo()),
        Auth::with_users(users, Limits::default()),
    );
    let admin = h.login(ADMIN).await;
    let viewer = h.login(VIEWER).await;

    let new = crate::reset_password(&file, "admin").unwrap();
    assert_eq!(h.get(&admin, "/").await.status, StatusCode::SEE_OTHER);
    assert_eq!(h.get(&viewer, "/").await.status, StatusCode::OK);
    assert_eq!(
        h.attempt_as("admin", ADMIN, [127, 0, 0, 2]).await.status,
        StatusCode::UNAUTHORIZED
    );
    let admin = h.login_as("admin", &new).await;
    let other = h.login_as("admin", &new).await;

    // The dashboard's own change is made to the file as it is now.
    let r = h
        .post(
            &admin,
            "/users/viewer/grants",
            &[("grants", "viewer * api")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let (on_disk, _) = Users::open(&file, || panic!("bootstrapped over a file")).unwrap();
    let on_disk = Auth::with_users(on_disk, Limits::default());
    let ip = std::net::IpAddr::from([127, 0, 0, 3]);
    assert!(matches!(
        on_disk.login(ip, "admin", &new),
        Ok(super::auth::Login::Ok(_))
    ));

    // Their own new password: this session goes on, the other one ends.
    let r = h
        .post(
            &admin,
            "/users/admin/password",
            &[("password", "admin-pw-3")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(h.get(&admin, "/").await.status, StatusCode::OK);
    assert_eq!(h.get(&other, "/").await.status, StatusCode::SEE_OTHER);
}

/// The overview's deploy lock: a deployer takes and releases it after a
/// confirmation that says what it does (and does not do); a viewer sees
/// only its state; each change is in the trail as the deployer's.
#[tokio::test]
async fn a_deployer_takes_and_releases_the_deploy_lock_from_the_app_page() {
    let h = Harness::new();
    let deployer = h.login(DEPLOYER).await;
    let api = dokku::AppName::new("api").unwrap();
    let overview = |body: &str| {
        let at = body.find("id=\"overview\"").unwrap();
        body[at..].split("</dl>").next().unwrap().to_owned()
    };

    let page = overview(&h.get_now(&deployer, "/apps/api").await.body);
    assert!(page.contains("<dt>Deploy lock</dt><dd>free"), "{page}");
    assert!(page.contains("/apps/api/lock/lock") && page.contains("Dokku itself still builds it"));
    let r = h.post(&deployer, "/apps/api/lock/lock", &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(h.state.dokku.apps().locked(&api).await.unwrap());
    let page = overview(&h.get_now(&deployer, "/apps/api").await.body);
    assert!(
        page.contains("<dt>Deploy lock</dt><dd>held") && page.contains("/apps/api/lock/unlock")
    );

    let viewer = h.login(VIEWER).await;
    let seen = overview(&h.get_now(&viewer, "/apps/api").await.body);
    assert!(seen.contains("held") && !seen.contains("<form"), "{seen}");
    let r = h.post(&viewer, "/apps/api/lock/unlock", &[]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = h.post(&deployer, "/apps/api/lock/smash", &[]).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(h.state.dokku.apps().locked(&api).await.unwrap());

    let r = h.post(&deployer, "/apps/api/lock/unlock", &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(!h.state.dokku.apps().locked(&api).await.unwrap());
    let recorded = actions(&h).await;
    for change in ["apps:lock api", "apps:unlock api"] {
        assert!(
            recorded
                .iter()
                .any(|(who, cmd)| who == "deployer" && cmd == change),
            "{change}: {recorded:?}"
        );
    }
}

/// The host page: a viewer reads the machine's memory in use (caches the
/// kernel gives back not counted), each disk's space and inodes with a
/// meter, and the kernel, from one `dokku report`; the dashboard links it.
#[tokio::test]
async fn a_viewer_reads_the_hosts_memory_and_disks_on_the_host_page() {
    let h = Harness::new();
    let viewer = h.login(VIEWER).await;
    let home = h.get_now(&viewer, "/").await.body;
    assert!(home.contains("href=\"/host\""), "{home}");

    let page = h.get_now(&viewer, "/host").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let body = page.body;
    assert!(body.contains("1708 of 3915 MiB in use (43%)"), "{body}");
    assert!(body.contains("Swap: 96 of 2047 MiB."), "{body}");
    let disks = &body[body.find("id=\"disks\"").unwrap()..];
    assert!(disks.contains("<code>/dev/vda1</code>"), "{disks}");
    assert!(disks.contains("value=\"40\""), "{disks}");
    assert!(disks.contains("<td class=\"num\">78G</td>"), "{disks}");
    assert!(body.contains("id=\"kernel\""), "{body}");
}

/// The app page lists each container with Docker's state as `ps:report`
/// gives it now: a crash-looping worker is red, with a link to its process
/// type's logs for whoever may read them; a viewer sees the states only.
#[tokio::test]
async fn the_app_page_shows_each_containers_state_and_links_a_crashed_ones_logs() {
    let h = Harness::new();
    let containers = |body: &str| {
        let at = body.find("id=\"containers\"").unwrap();
        body[at..].split("</ul>").next().unwrap().to_owned()
    };
    let deployer = h.login(DEPLOYER).await;
    let page = containers(&h.get_now(&deployer, "/apps/metrics").await.body);
    assert!(
        page.contains("<code>web.1</code> <span class=\"badge s-running\">running</span>"),
        "{page}"
    );
    for n in [1, 2] {
        let worker =
            format!("<code>worker.{n}</code> <span class=\"badge s-crashed\">restarting</span>");
        assert!(page.contains(&worker), "{page}");
    }
    assert_eq!(
        page.matches("href=\"?process=worker#logs\"").count(),
        2,
        "{page}"
    );
    assert!(!page.contains("process=web"), "{page}");

    let viewer = h.login(VIEWER).await;
    let seen = containers(&h.get_now(&viewer, "/apps/metrics").await.body);
    assert!(seen.contains("s-crashed\">restarting"), "{seen}");
    assert!(!seen.contains("#logs"), "{seen}");

    // Stopped: every container exited, grey.
    let stopped = containers(&h.get_now(&viewer, "/apps/staging-api").await.body);
    assert!(stopped.contains("s-stopped\">exited"), "{stopped}");
    assert!(!stopped.contains("s-running"), "{stopped}");
}

/// The process panel's main button follows the app's state: Start for a
/// stopped app, Restart for a running or crash-looping one.
#[tokio::test]
async fn the_main_process_action_is_start_when_stopped_and_restart_when_running_or_crashed() {
    let h = Harness::new();
    let deployer = h.login(DEPLOYER).await;
    for (app, main) in [
        ("staging-api", "start"),
        ("api", "restart"),
        ("metrics", "restart"),
    ] {
        let body = h.get_now(&deployer, &format!("/apps/{app}")).await.body;
        let primary: Vec<&str> = ["start", "restart", "stop", "rebuild"]
            .into_iter()
            .filter(|action| {
                let form = &body[body.find(&format!("id=\"ps-{action}\"")).unwrap()..];
                let button = form.split("</form>").next().unwrap();
                button.contains("class=\"primary\"")
            })
            .collect();
        assert_eq!(primary, [main], "{app}");
    }
}

/// An admin runs a command in a new one-off container from the app page
/// and reads its output as it comes: the line is split into words as a
/// shell would split it (never run by one here), recorded as the admin's,
/// and refused before anything is sent when it cannot be split or is
/// empty. Deployers and viewers have no such form and are refused.
#[tokio::test]
async fn an_admin_runs_a_command_in_a_one_off_container_and_reads_its_output() {
    let h = Harness::new();
    let admin = h.login(ADMIN).await;
    let page = h.get_now(&admin, "/apps/api").await.body;
    assert!(page.contains("id=\"run-command\""), "{page}");

    let r = h
        .post(
            &admin,
            "/apps/api/run",
            &[("command", "worker --queue 'low priority'")],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let (out, end) = r.stream();
    assert!(
        out.contains("Found 'worker' in Procfile, running that command"),
        "{out}"
    );
    assert_eq!(end["ok"], true, "{end}");
    assert_eq!(
        end["message"],
        "`worker --queue low priority` ran in api and ended well (exit 0)."
    );
    let recorded = h.history.recent(1).await.unwrap();
    assert_eq!(recorded[0].entry.actor, "admin");
    assert_eq!(
        recorded[0].entry.argv,
        [
            "run",
            "--no-tty",
            "api",
            "worker",
            "--queue",
            "low priority"
        ]
    );

    // An app never deployed has no image: Dokku's refusal, in words.
    let (out, end) = h
        .post(&admin, "/apps/sandbox/run", &[("command", "ls")])
        .await
        .stream();
    assert_eq!(end["ok"], false, "{end}");
    assert!(
        out.contains("App image (dokku/sandbox:latest) not found"),
        "{out}"
    );
    assert!(end["message"]
        .as_str()
        .unwrap()
        .starts_with("`ls` failed in sandbox."));

    let before = h.history.recent(100).await.unwrap().len();
    for (command, why) in [
        ("echo 'open", "a quote that is never closed"),
        ("   ", "Say which command to run"),
    ] {
        let r = h
            .post(&admin, "/apps/api/run", &[("command", command)])
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{command}: {}", r.body);
        assert!(r.body.contains(why), "{command}: {}", r.body);
    }
    let deployer = h.login(DEPLOYER).await;
    assert!(!h
        .get_now(&deployer, "/apps/api")
        .await
        .body
        .contains("run-command"));
    let r = h
        .post(&deployer, "/apps/api/run", &[("command", "env")])
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(
        h.history.recent(100).await.unwrap().len(),
        before,
        "something was sent"
    );
}

/// Credentials in a URL that Dokku prints while a change streams (a git
/// repository's token, what a one-off command's `env` prints) never reach
/// the page, even when a line arrives in pieces.
#[tokio::test]
async fn credentials_in_urls_dokku_prints_are_masked_in_streamed_output() {
    let h = Harness::new();
    let admin = h.login(ADMIN).await;
    let repo = "https://bob:hunter2@git.nowhere.example/acme/api.git";
    let r = h
        .post(
            &admin,
            "/apps/api/deploy",
            &[("repo", repo), ("reference", "main")],
        )
        .await;
    let (out, end) = r.stream();
    assert_eq!(end["ok"], false, "{end}");
    assert!(out.contains("https://bob:***@git.nowhere.example"), "{out}");
    assert!(!r.body.contains("hunter2"), "{}", r.body);

    let body = streamed_body(
        &h,
        vec![
            b"DATABASE_URL=postgres://api:s3cret@db:5432/api\nREDIS_URL=redis://:hun".to_vec(),
            b"ter2@redis:6379\n".to_vec(),
        ],
    )
    .await;
    assert!(body.contains("postgres://api:***@db:5432/api"), "{body}");
    assert!(
        !body.contains("s3cret") && !body.contains("hunter2") && !body.contains(":hun"),
        "{body}"
    );
    assert!(body.contains("redis://:***@redis:6379"), "{body}");
}

/// The JSON lines a streamed one-off command answers when it prints
/// `stdout` (chunk by chunk) and exits 0.
async fn streamed_body(h: &Harness, stdout: Vec<Vec<u8>>) -> String {
    streamed_as(h, stdout, true).await
}

/// A line saying the app was never deployed means "nothing was done" in
/// Dokku's answer to a process action (it warns and exits 0), and nothing
/// special in a one-off command's own output.
#[tokio::test]
async fn only_dokku_saying_an_app_was_never_deployed_means_nothing_was_done() {
    let h = Harness::new();
    let said = vec![b" !     App api has not been deployed\n".to_vec()];
    let end = |body: String| {
        let last = body.lines().last().unwrap().to_owned();
        serde_json::from_str::<serde_json::Value>(&last).unwrap()["end"]["message"].clone()
    };
    assert_eq!(
        end(streamed_as(&h, said.clone(), false).await),
        "Nothing was done: api has not been deployed yet."
    );
    assert_eq!(end(streamed_as(&h, said, true).await), "Ran.");
}

/// [`streamed_body`], the output Dokku's (`app_output: false`) or the
/// app's own.
async fn streamed_as(h: &Harness, stdout: Vec<Vec<u8>>, app_output: bool) -> String {
    use dokku::exec::{Chunk, ExitStatus, OutputStream};
    let chunks = stdout
        .into_iter()
        .map(|bytes| Ok(Chunk::Stdout(bytes)))
        .chain([Ok(Chunk::Exit(ExitStatus::from(Some(0))))]);
    let output: OutputStream = Box::pin(futures_util::stream::iter(chunks));
    let outcome = super::handlers::Outcome {
        done: "Ran.".to_owned(),
        failed: "Failed.".to_owned(),
        app_output,
    };
    let app = dokku::AppName::new("api").unwrap();
    let response = super::handlers::streamed(&h.state, &app, output, outcome);
    let body = response.into_body().collect().await.unwrap().to_bytes();
    String::from_utf8(body.to_vec()).unwrap()
}

/// A command printing without a newline (a binary dump, a progress bar
/// drawn with `\r`) is shown in pieces as it comes, never held whole; a
/// godotenv error cut short that way still hides the rest of its line,
/// the stored values it quotes.
#[tokio::test]
async fn output_without_newlines_is_shown_in_bounded_pieces_and_hides_what_must_be() {
    let h = Harness::new();
    let piece = "é".repeat(32 * 1024 + 1).into_bytes(); // 2-byte characters
    let body = streamed_body(&h, vec![piece.clone(); 48]).await;
    let shown: Vec<String> = body
        .lines()
        .filter_map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["out"]
                .as_str()
                .map(str::to_owned)
        })
        .collect();
    assert!(shown.len() > 1, "held whole");
    assert!(shown.iter().all(|s| s.len() <= 1024 * 1024 + piece.len()));
    assert_eq!(
        shown.concat().into_bytes(),
        piece.repeat(48),
        "changed or lost"
    );

    let error = b"error: unexpected character \"-\" in variable name near \"SECRET=".to_vec();
    let values = b"s3cret ".repeat(200_000); // 1.4 MB: the rest of the file
    let mut chunks = vec![error];
    chunks.extend(values.chunks(64 * 1024).map(<[u8]>::to_vec));
    chunks.push(b"\"\n-----> after it\n".to_vec());
    let body = streamed_body(&h, chunks).await;
    assert!(!body.contains("s3cret"), "a stored value shown");
    assert!(body.contains("[stored values hidden]"), "{body}");
    assert!(body.contains("-----> after it"), "{body}");
}

/// Once the host's disks were read (the host page, or the disk watcher),
/// a disk 80% full or more is named at the top of the dashboard, red from
/// 90%, linked to the host page; below that, nothing is said.
#[tokio::test]
async fn the_dashboard_names_a_filling_disk_as_last_read() {
    let h = Harness::new();
    let viewer = h.login(VIEWER).await;
    let warning = |body: &str| {
        body.find("class=\"disk-warning")
            .map(|at| body[at..].split("</p>").next().unwrap().to_owned())
    };
    let set = |space: &str, inodes: &str| fill_disk(&h, space, inodes);
    set("92%", "9%");
    let home = h.get_now(&viewer, "/").await.body;
    assert_eq!(warning(&home), None, "said before anything was read");
    h.get_now(&viewer, "/host").await;
    let said = warning(&h.get_now(&viewer, "/").await.body).unwrap();
    assert!(said.starts_with("class=\"disk-warning bad\""), "{said}");
    assert!(
        said.contains("href=\"/host\">The disk at / is 92% full</a>"),
        "{said}"
    );
    assert!(said.contains("(read "), "{said}");

    set("40%", "85%");
    h.get_now(&viewer, "/host").await;
    let said = warning(&h.get_now(&viewer, "/").await.body).unwrap();
    assert!(said.starts_with("class=\"disk-warning warn\""), "{said}");
    assert!(
        said.contains("The disk at / has 85% of its inodes used"),
        "{said}"
    );

    set("40%", "9%");
    h.get_now(&viewer, "/host").await;
    assert_eq!(warning(&h.get_now(&viewer, "/").await.body), None);
}
