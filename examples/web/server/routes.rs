//! Every route, declared once: its method, path and who may use it.
//!
//! [`table`] is the only place a route is added. The router is built from it
//! ([`super::app`]), the guard reads each request's access from it, and the
//! security tests sweep it: a route added later is covered by the session,
//! CSRF and viewer checks without anyone remembering to list it.
//!
//! A route is a host's ([`Scope::Host`]: its apps, databases, history) or
//! the site's ([`Scope::Site`]: logging in, the assets, the fleet page).
//! With one host every route is served at its path; with several, a
//! host's routes are served under `/h/{host}` for each host
//! ([`super::fleet_app`]) and the site's once.

use axum::handler::Handler;
use axum::http::{Method, StatusCode};
use axum::routing::{on, MethodFilter, MethodRouter};

use super::{handlers, pages, AppState};

/// Who may use a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone: the login page and the static assets.
    Public,
    /// Any logged-in role, viewers included: reads, and logging out.
    Session,
    /// Admins only: every change and every reveal of a secret.
    Admin,
}

/// Whose page a route is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// One host's: under `/h/{host}` when the dashboard shows several.
    Host,
    /// The whole dashboard's: the same whichever host is shown.
    Site,
}

/// One route.
pub struct Route {
    /// The method.
    pub method: Method,
    /// The path, with `{param}`s as axum writes them.
    pub path: &'static str,
    /// Who may use it.
    pub access: Access,
    /// Whose page it is.
    pub scope: Scope,
    /// The handler.
    pub handler: MethodRouter<AppState>,
}

impl std::fmt::Debug for Route {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {} ({:?})", self.method, self.path, self.access)
    }
}

impl Route {
    /// Whether the request changes something (and so needs a CSRF token).
    pub fn is_read(&self) -> bool {
        self.method == Method::GET || self.method == Method::HEAD
    }

    /// The same route, served once for the whole dashboard.
    fn site(self) -> Self {
        Self {
            scope: Scope::Site,
            ..self
        }
    }
}

fn route<H, T>(method: Method, path: &'static str, access: Access, handler: H) -> Route
where
    H: Handler<T, AppState>,
    T: 'static,
{
    // Every method used below is one axum filters on.
    let filter = MethodFilter::try_from(method.clone()).unwrap_or(MethodFilter::GET);
    Route {
        method,
        path,
        access,
        scope: Scope::Host,
        handler: on(filter, handler),
    }
}

/// The whole dashboard.
pub fn table() -> Vec<Route> {
    use Access::{Admin, Public, Session};
    let (get, post) = (Method::GET, Method::POST);
    vec![
        route(get.clone(), "/", Session, pages::dashboard::page),
        // The dashboard's rows as they are read (server-sent events).
        route(get.clone(), "/live", Session, pages::dashboard::live),
        route(get.clone(), "/login", Public, pages::login::form).site(),
        route(post.clone(), "/login", Public, pages::login::submit).site(),
        route(post.clone(), "/logout", Session, pages::login::logout).site(),
        route(get.clone(), "/session", Session, pages::login::alive).site(),
        // Every host's version, apps by state, failing apps and expiring
        // certificates (dokku-fleet's queries), kept fresh in the background.
        route(get.clone(), "/fleet", Session, pages::fleet::page).site(),
        route(post.clone(), "/apps", Admin, handlers::create),
        route(get.clone(), "/apps/{app}", Session, pages::app::page),
        route(post.clone(), "/apps/{app}/rename", Admin, handlers::rename),
        route(
            post.clone(),
            "/apps/{app}/destroy",
            Admin,
            handlers::destroy,
        ),
        route(
            post.clone(),
            "/apps/{app}/ps/{action}",
            Admin,
            handlers::ps_action,
        ),
        route(post.clone(), "/apps/{app}/scale", Admin, handlers::scale),
        route(
            post.clone(),
            "/apps/{app}/deploy",
            Admin,
            pages::deploys::deploy,
        ),
        route(
            post.clone(),
            "/apps/{app}/rollback",
            Admin,
            pages::deploys::rollback_action,
        ),
        route(
            post.clone(),
            "/apps/{app}/config",
            Admin,
            handlers::config_set,
        ),
        route(
            post.clone(),
            "/apps/{app}/config/bulk",
            Admin,
            handlers::config_bulk,
        ),
        route(
            post.clone(),
            "/apps/{app}/config/unset",
            Admin,
            handlers::config_unset,
        ),
        route(
            post.clone(),
            "/apps/{app}/config/reveal",
            Admin,
            handlers::config_reveal,
        ),
        route(
            post.clone(),
            "/apps/{app}/domains/{verb}",
            Admin,
            handlers::domain,
        ),
        route(
            get.clone(),
            "/apps/{app}/logs",
            Session,
            handlers::logs_stream,
        ),
        route(
            get.clone(),
            "/apps/{app}/logs/download",
            Session,
            handlers::logs_download,
        ),
        route(
            post.clone(),
            "/apps/{app}/tls/{action}",
            Admin,
            pages::network::tls,
        ),
        route(
            post.clone(),
            "/apps/{app}/ports/{action}",
            Admin,
            pages::network::ports,
        ),
        route(
            post.clone(),
            "/apps/{app}/resources/{action}",
            Admin,
            pages::settings::resources,
        ),
        route(
            post.clone(),
            "/apps/{app}/storage/{action}",
            Admin,
            pages::settings::storage,
        ),
        route(
            post.clone(),
            "/apps/{app}/cron/{action}",
            Admin,
            pages::settings::cron,
        ),
        route(get.clone(), "/databases", Session, pages::databases::page),
        route(post.clone(), "/databases", Admin, pages::databases::create),
        route(
            post.clone(),
            "/databases/{plugin}/{service}/{action}",
            Admin,
            pages::databases::action,
        ),
        route(get.clone(), "/history", Session, pages::history::page),
        route(
            get.clone(),
            "/history/export",
            Session,
            pages::history::export,
        ),
        route(get.clone(), "/static/app.js", Public, super::app_js).site(),
        route(get.clone(), "/static/app.css", Public, super::app_css).site(),
        // Browsers ask for it on every site; no icon, and no redirect to
        // the login page either.
        route(get, "/favicon.ico", Public, || async {
            StatusCode::NO_CONTENT
        })
        .site(),
    ]
}

/// The route a request matched (by axum's matched path), if any.
pub fn find<'a>(table: &'a [Route], method: &Method, matched: &str) -> Option<&'a Route> {
    let method = if method == Method::HEAD {
        &Method::GET
    } else {
        method
    };
    table
        .iter()
        .find(|r| r.path == matched && r.method == method)
}
