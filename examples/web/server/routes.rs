//! Every route, declared once: its method, path and who may use it.
//!
//! [`table`] is the only place a route is added. The router is built from it
//! ([`super::app`]), the guard reads each request's access from it, and the
//! security tests sweep it: a route added later is covered by the session,
//! CSRF and viewer checks without anyone remembering to list it.
//!
//! A route is a host's ([`Scope::Host`]: its apps, databases, history) or
//! the site's ([`Scope::Site`]: logging in, the assets, the fleet page,
//! and the JSON API, whose paths name their host: `/api/v1/hosts/{host}/…`).
//! With one host every route is served at its path; with several, a
//! host's routes are served under `/h/{host}` for each host
//! ([`super::fleet_app`]) and the site's once.

use axum::handler::Handler;
use axum::http::{Method, StatusCode};
use axum::routing::{on, MethodFilter, MethodRouter};

use super::api::doc::{self, Doc, SchemaFn};
use super::auth::Role;
use super::{api, handlers, pages, AppState};

/// Who may use a route: what [`super::guard`] checks, with
/// [`super::users::User::role_for`] for the route's host and its `{app}`
/// (a route without `{app}` is a host-level one, see the rule there).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone: the login page and the static assets.
    Public,
    /// Any logged-in user: logging out, the session check, and pages that
    /// show each user only what they may see (the dashboard, its live
    /// rows, the fleet page, the history, the sessions page).
    Session,
    /// [`Role::Viewer`] or more on the app (or the host).
    Read,
    /// [`Role::Deployer`] or more: deploy, roll back, restart, scale, logs.
    Deploy,
    /// [`Role::Admin`] on the app (or the host): secrets, config,
    /// destroy, domains, TLS, ports, settings, databases, new apps.
    Admin,
    /// The JSON API: a bearer token (never a cookie) that
    /// [`api::allowed`] lets do what needs this role on the path's host
    /// and app.
    Api(Role),
    /// Admin on every app of every host: managing users, the
    /// dashboard-wide notification settings.
    Users,
}

impl Access {
    /// The role a route needs, and for which host: `None` for
    /// [`Access::Public`] and [`Access::Session`] (no role needed).
    pub fn needs(self) -> Option<Role> {
        match self {
            Access::Public | Access::Session => None,
            Access::Read => Some(Role::Viewer),
            Access::Deploy => Some(Role::Deployer),
            Access::Admin | Access::Users => Some(Role::Admin),
            Access::Api(role) => Some(role),
        }
    }
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
    /// What the OpenAPI document says of it (the API's routes).
    pub doc: Option<Doc>,
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
        doc: None,
    }
}

/// The answer of an API route: a JSON type.
fn json<T: utoipa::ToSchema>() -> (SchemaFn, &'static str) {
    (doc::schema_of::<T>, "application/json")
}

/// An answer streamed as JSON lines (Dokku's output, then the outcome).
fn lines() -> (SchemaFn, &'static str) {
    (doc::any, "application/x-ndjson")
}

/// An API route: served once (its path names the host), guarded by a
/// bearer token that may do what needs `need`, documented by `summary`,
/// its JSON `body` and its answer.
fn api<H, T>(
    method: Method,
    path: &'static str,
    need: Role,
    handler: H,
    summary: &'static str,
    body: Option<SchemaFn>,
    (response, content): (SchemaFn, &'static str),
) -> Route
where
    H: Handler<T, AppState>,
    T: 'static,
{
    Route {
        doc: Some(Doc {
            summary,
            need: Some(need),
            body,
            query: None,
            response,
            content,
        }),
        ..route(method, path, Access::Api(need), handler).site()
    }
}

impl Route {
    /// The same API route, its query parameters documented from `T`.
    fn query<T: utoipa::IntoParams>(mut self) -> Self {
        if let Some(doc) = self.doc.as_mut() {
            doc.query = Some(doc::query::<T>);
        }
        self
    }
}

/// The API's routes, under `/api/v1`.
fn api_table() -> Vec<Route> {
    use api::*;
    use Role::{Admin, Deployer, Viewer};
    let (get, post, delete) = (Method::GET, Method::POST, Method::DELETE);
    vec![
        api(
            get.clone(),
            "/api/v1/hosts",
            Viewer,
            hosts,
            "The hosts the token may see, with version and reachability",
            None,
            json::<HostList>(),
        ),
        api(
            get.clone(),
            "/api/v1/hosts/{host}",
            Viewer,
            host,
            "One host's version and reachability",
            None,
            json::<HostInfo>(),
        ),
        api(
            get.clone(),
            "/api/v1/hosts/{host}/vitals",
            Viewer,
            vitals,
            "The host machine's kernel, memory and disks (dokku report, read now)",
            None,
            json::<dokku::model::host::HostVitals>(),
        ),
        api(
            get.clone(),
            "/api/v1/hosts/{host}/apps",
            Viewer,
            apps,
            "The apps the token may see, with their overview",
            None,
            json::<AppList>(),
        ),
        api(
            get.clone(),
            "/api/v1/hosts/{host}/apps/{app}",
            Viewer,
            api::app,
            "One app's overview, report and URLs",
            None,
            json::<AppDetail>(),
        ),
        api(
            get.clone(),
            "/api/v1/hosts/{host}/apps/{app}/config",
            Viewer,
            config_keys,
            "An app's config keys (no values)",
            None,
            json::<ConfigKeys>(),
        ),
        api(
            get.clone(),
            "/api/v1/hosts/{host}/apps/{app}/config/{key}",
            Admin,
            config_reveal,
            "One config value (audited)",
            None,
            json::<ConfigValue>(),
        ),
        api(
            get.clone(),
            "/api/v1/hosts/{host}/apps/{app}/ps",
            Viewer,
            ps,
            "An app's formation and containers",
            None,
            json::<PsInfo>(),
        ),
        api(
            post.clone(),
            "/api/v1/hosts/{host}/apps/{app}/ps/{action}",
            Deployer,
            api::ps_action,
            "Start, stop, restart or rebuild an app (streamed)",
            None,
            lines(),
        )
        .query::<api::PsActionParams>(),
        api(
            post.clone(),
            "/api/v1/hosts/{host}/apps/{app}/scale",
            Deployer,
            api::scale,
            "Scale an app's processes (streamed)",
            Some(doc::schema_of::<ScaleBody>),
            lines(),
        ),
        api(
            post.clone(),
            "/api/v1/hosts/{host}/apps/{app}/run",
            Admin,
            api::run,
            "Run a command in a new one-off container (dokku run; streamed)",
            Some(doc::schema_of::<RunBody>),
            lines(),
        ),
        api(
            get.clone(),
            "/api/v1/hosts/{host}/apps/{app}/domains",
            Viewer,
            domains,
            "An app's domains",
            None,
            json::<Domains>(),
        ),
        api(
            post.clone(),
            "/api/v1/hosts/{host}/apps/{app}/domains",
            Admin,
            domain_add,
            "Add a domain",
            Some(doc::schema_of::<DomainBody>),
            json::<Done>(),
        ),
        api(
            delete.clone(),
            "/api/v1/hosts/{host}/apps/{app}/domains/{domain}",
            Admin,
            domain_remove,
            "Remove a domain",
            None,
            json::<Done>(),
        ),
        api(
            post.clone(),
            "/api/v1/hosts/{host}/apps/{app}/lock",
            Deployer,
            api::deploy_lock,
            "Take the deploy lock (apps:lock)",
            None,
            json::<Done>(),
        ),
        api(
            delete.clone(),
            "/api/v1/hosts/{host}/apps/{app}/lock",
            Deployer,
            api::deploy_lock,
            "Release the deploy lock (apps:unlock)",
            None,
            json::<Done>(),
        ),
        api(
            get.clone(),
            "/api/v1/hosts/{host}/apps/{app}/logs",
            Deployer,
            logs,
            "An app's last log lines",
            None,
            json::<Logs>(),
        )
        .query::<handlers::LogParams>(),
        api(
            get.clone(),
            "/api/v1/hosts/{host}/apps/{app}/logs/follow",
            Deployer,
            logs_follow,
            "Follow an app's logs (server-sent events)",
            None,
            (doc::any, "text/event-stream"),
        )
        .query::<handlers::LogParams>(),
        api(
            get.clone(),
            "/api/v1/hosts/{host}/apps/{app}/builds",
            Viewer,
            builds,
            "Dokku's build records of an app",
            None,
            json::<Builds>(),
        ),
        api(
            get.clone(),
            "/api/v1/hosts/{host}/apps/{app}/builds/{id}",
            Deployer,
            api::build_output,
            "One build Dokku recorded, and its output",
            None,
            json::<api::BuildOutput>(),
        ),
        api(
            get.clone(),
            "/api/v1/hosts/{host}/apps/{app}/builds/{id}/follow",
            Deployer,
            api::build_follow,
            "Follow a build's output until it ends (server-sent events)",
            None,
            (doc::any, "text/event-stream"),
        ),
        api(
            post.clone(),
            "/api/v1/hosts/{host}/apps/{app}/deploys",
            Deployer,
            api::deploy,
            "Deploy an image or a git repository at a ref (streamed)",
            Some(doc::schema_of::<DeployBody>),
            lines(),
        ),
        api(
            post.clone(),
            "/api/v1/hosts/{host}/apps/{app}/builds/cancel",
            Deployer,
            build_cancel,
            "Cancel an app's running build",
            None,
            json::<Done>(),
        ),
        api(
            get.clone(),
            "/api/v1/hosts/{host}/apps/{app}/rollback",
            Deployer,
            rollback_plan,
            "What a rollback would do, or why there is none",
            None,
            json::<RollbackView>(),
        )
        .query::<RollbackParams>(),
        api(
            post.clone(),
            "/api/v1/hosts/{host}/apps/{app}/rollback",
            Deployer,
            api::rollback,
            "Roll back to the release a plan named (streamed)",
            Some(doc::schema_of::<RollbackBody>),
            lines(),
        ),
        api(
            get.clone(),
            "/api/v1/hosts/{host}/apps/{app}/releases",
            Viewer,
            releases,
            "An app's releases, from the audit trail",
            None,
            json::<Releases>(),
        ),
        api(
            get.clone(),
            "/api/v1/hosts/{host}/services",
            Viewer,
            services,
            "The datastore services",
            None,
            json::<ServiceList>(),
        ),
        api(
            get.clone(),
            "/api/v1/hosts/{host}/services/{plugin}/{service}",
            Viewer,
            service,
            "One service's info (no DSN) and backup schedule",
            None,
            json::<ServiceDetail>(),
        ),
        api(
            get.clone(),
            "/api/v1/hosts/{host}/services/{plugin}/{service}/dump",
            Admin,
            service_dump,
            "A service's dump, streamed (audited; a failure midway cuts the answer off)",
            None,
            (doc::any, "application/octet-stream"),
        ),
        api(
            Method::PUT,
            "/api/v1/hosts/{host}/services/{plugin}/{service}/dump",
            Admin,
            service_import,
            "Load a dump (the body, sent as it arrives; audited without it) into a service",
            None,
            json::<Done>(),
        ),
        api(
            post.clone(),
            "/api/v1/hosts/{host}/services/{plugin}/{service}/links/{app}",
            Admin,
            service_link,
            "Link a service to an app",
            None,
            json::<Done>(),
        ),
        api(
            delete,
            "/api/v1/hosts/{host}/services/{plugin}/{service}/links/{app}",
            Admin,
            service_unlink,
            "Unlink a service from an app",
            None,
            json::<Done>(),
        ),
        api(
            get.clone(),
            "/api/v1/hosts/{host}/history",
            Viewer,
            history,
            "The host's audit records the token may see",
            None,
            json::<HistoryPage>(),
        )
        .query::<HistoryParams>(),
        api(
            get,
            "/api/v1/hosts/{host}/history/verify",
            Viewer,
            verify,
            "Verify the audit trail's hash chain",
            None,
            json::<Verified>(),
        ),
    ]
}

/// The whole dashboard.
pub fn table() -> Vec<Route> {
    use Access::{Admin, Deploy, Public, Read, Session, Users};
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
        // Every host's memory and fullest disk, read when asked for (each
        // host's `dokku report`), for the hosts the user may read whole.
        route(
            get.clone(),
            "/fleet/machines",
            Session,
            pages::host::machines,
        )
        .site(),
        // Every host's datastore services and their backups, read when
        // asked for, for the hosts the user may read whole.
        route(
            get.clone(),
            "/fleet/databases",
            Session,
            pages::databases::fleet_page,
        )
        .site(),
        // The webhook and which events go to it, for every host.
        route(
            get.clone(),
            "/notifications",
            Users,
            super::notifications::page,
        )
        .site(),
        route(
            post.clone(),
            "/notifications",
            Users,
            super::notifications::save,
        )
        .site(),
        route(
            post.clone(),
            "/notifications/test",
            Users,
            super::notifications::test,
        )
        .site(),
        route(post.clone(), "/apps", Admin, handlers::create),
        // Turn Dokku's event logger on (the dashboard says when it is off).
        route(post.clone(), "/events", Admin, handlers::events_on),
        route(get.clone(), "/apps/{app}", Read, pages::app::page),
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
            Deploy,
            handlers::ps_action,
        ),
        route(post.clone(), "/apps/{app}/scale", Deploy, handlers::scale),
        route(post.clone(), "/apps/{app}/run", Admin, pages::one_off::run),
        route(
            post.clone(),
            "/apps/{app}/run/stop",
            Deploy,
            pages::one_off::stop,
        ),
        route(
            post.clone(),
            "/apps/{app}/deploy",
            Deploy,
            pages::deploys::deploy,
        ),
        route(
            post.clone(),
            "/apps/{app}/deploy/cancel",
            Deploy,
            pages::deploys::cancel,
        ),
        route(
            post.clone(),
            "/apps/{app}/rollback",
            Deploy,
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
            post.clone(),
            "/apps/{app}/lock/{verb}",
            Deploy,
            handlers::deploy_lock,
        ),
        route(
            get.clone(),
            "/apps/{app}/logs",
            Deploy,
            handlers::logs_stream,
        ),
        route(
            get.clone(),
            "/apps/{app}/logs/download",
            Deploy,
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
        route(get.clone(), "/apps/{app}/builds", Read, pages::builds::list),
        route(
            get.clone(),
            "/apps/{app}/builds/{id}",
            Deploy,
            pages::builds::output,
        ),
        route(
            get.clone(),
            "/apps/{app}/builds/{id}/follow",
            Deploy,
            pages::builds::follow,
        ),
        route(get.clone(), "/host", Read, pages::host::page),
        route(get.clone(), "/databases", Read, pages::databases::page),
        route(post.clone(), "/databases", Admin, pages::databases::create),
        route(
            post.clone(),
            "/databases/{plugin}/{service}/import",
            Admin,
            pages::databases::import,
        ),
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
        // Live sessions: one's own (an admin of everything: everyone's),
        // and revoking one.
        route(get.clone(), "/sessions", Session, pages::users::sessions).site(),
        route(
            post.clone(),
            "/sessions/{id}/revoke",
            Session,
            pages::users::revoke,
        )
        .site(),
        // Users and their grants.
        route(get.clone(), "/users", Users, pages::users::page).site(),
        route(post.clone(), "/users", Users, pages::users::add).site(),
        route(
            post.clone(),
            "/users/{user}/password",
            Users,
            pages::users::password,
        )
        .site(),
        route(
            post.clone(),
            "/users/{user}/grants",
            Users,
            pages::users::grants,
        )
        .site(),
        route(
            post.clone(),
            "/users/{user}/delete",
            Users,
            pages::users::delete,
        )
        .site(),
        route(get.clone(), "/static/app.js", Public, super::app_js).site(),
        route(get.clone(), "/static/app.css", Public, super::app_css).site(),
        // Browsers ask for it on every site; no icon, and no redirect to
        // the login page either.
        route(get.clone(), "/favicon.ico", Public, || async {
            StatusCode::NO_CONTENT
        })
        .site(),
        // API tokens: made, listed and revoked by a logged-in person.
        route(get.clone(), "/tokens", Session, pages::tokens::page).site(),
        route(post.clone(), "/tokens", Session, pages::tokens::create).site(),
        route(post, "/tokens/{id}/revoke", Session, pages::tokens::revoke).site(),
        // The API's own description, built from this table.
        route(get, "/api/v1/openapi.json", Public, api::openapi_json).site(),
    ]
    .into_iter()
    .chain(api_table())
    .collect()
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
