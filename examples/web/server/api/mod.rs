//! The HTTP API: JSON under `/api/v1`, for programs, with bearer tokens.
//!
//! Its routes are rows of the one route table ([`super::routes::table`],
//! access [`Access::Api`]), so the router, the guard, the security sweeps
//! and the OpenAPI document ([`openapi`]) all read them from there. A
//! host's resources live under `/api/v1/hosts/{host}/…`, whichever hosts
//! the dashboard shows.
//!
//! Every call carries `Authorization: Bearer dkr_…` and nothing else:
//! cookies are not read, so a browser session cannot be ridden into the
//! API (no CSRF surface), and a token cannot open the pages. [`guard`]
//! checks the token (known, live, within its rate limit) and then asks
//! [`allowed`] — the only place an API call is authorised — whether the
//! token may do what the route needs on that host and app. Every Dokku
//! command a call runs goes through an audited client whose actor is the
//! token's owner and whose correlation is `token:<id>`: the token's id,
//! never the token.
//!
//! Errors are `{"error": {"code": "snake_case", "message": "…"}}` with the
//! status the dashboard would use; the message is the same sentence a
//! person sees in the page, never a command line or a secret.

pub mod tokens;

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::extract::{FromRequestParts, Path, Query, RawPathParams, Request};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::sse::{KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use dokku::model::apps::AppReport;
use dokku::model::host::HostVitals;
use dokku::model::logs::LogLine;
use dokku::model::overview::AppOverview;
use dokku::AppName;
use dokku_history::{BadCursor, Query as HistoryQuery, Source, Tamper};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::auth::Role;
use super::handlers::{self, app_name, LogParams};
use super::pages::{builds, databases, deploys};
use super::users::User;
use super::{AppState, WebError};
use tokens::{Refused, TokenScope};

/// Who is calling: the token's owner and the token's scope.
#[derive(Debug, Clone)]
pub struct ApiCaller {
    /// The token's public id.
    pub token: String,
    /// Who made the token.
    pub owner: String,
    /// The owner as the users file has them now (`None`: deleted, so the
    /// token may do nothing).
    pub user: Option<User>,
    /// What the token may reach.
    pub scope: TokenScope,
}

/// Whether `caller` may do what needs `need` on `host` (on `app`, or on
/// the host as a whole with `None`): the least of what the token's owner
/// may do there and the token's own role, and the host and app within the
/// token's patterns. Every API call is authorised here and nowhere else.
pub fn allowed(caller: &ApiCaller, host: &str, app: Option<&str>, need: Role) -> bool {
    // The owner's grants, read at this call: a grant taken away takes the
    // token's use with it.
    let Some(owner) = caller.user.as_ref().and_then(|u| u.role_for(host, app)) else {
        return false;
    };
    owner.min(caller.scope.role) >= need
        && caller.scope.covers_host(host)
        && app.map_or(true, |app| caller.scope.covers_app(app))
}

/// An API error: `{"error": {"code", "message"}}` with its status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// The HTTP status.
    pub status: StatusCode,
    /// A stable snake_case code programs match on.
    pub code: &'static str,
    /// What went wrong, for people.
    pub message: String,
    /// Dokku's own words, when Dokku refused the command.
    pub dokku: Option<String>,
    /// Seconds to wait (rate limited).
    pub retry_after: Option<u64>,
}

/// The error body, for the OpenAPI document.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    /// The error.
    pub error: ErrorDetail,
}

/// One error.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorDetail {
    /// A stable snake_case code: `unauthenticated`, `invalid_token`,
    /// `token_expired`, `token_revoked`, `rate_limited`, `forbidden`,
    /// `not_found`, `app_not_found`, `invalid_name`, `invalid_request`,
    /// `conflict`, `dokku_refused`, `unsupported`, `host_unreachable`,
    /// `history_unavailable`.
    pub code: String,
    /// What went wrong, in words.
    pub message: String,
    /// Dokku's own words, when Dokku refused the command.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dokku: Option<String>,
}

impl ApiError {
    /// An error with our words.
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            dokku: None,
            retry_after: None,
        }
    }

    fn forbidden() -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            "This token may not do that here: it is outside the token's hosts, apps or role.",
        )
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            error: ErrorDetail {
                code: self.code.to_owned(),
                message: self.message,
                dokku: self.dokku,
            },
        };
        let mut response = (self.status, Json(body)).into_response();
        if self.status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"dokku\""),
            );
        }
        if let Some(wait) = self.retry_after {
            if let Ok(value) = HeaderValue::from_str(&wait.to_string()) {
                response.headers_mut().insert(header::RETRY_AFTER, value);
            }
        }
        response
    }
}

impl From<WebError> for ApiError {
    fn from(e: WebError) -> Self {
        let failure = e.failure();
        let code = match &e {
            WebError::NotFound(_) => "not_found",
            WebError::BadRequest(_) => "invalid_request",
            WebError::Name(_) => "invalid_name",
            WebError::History(_) => "history_unavailable",
            WebError::Storage(_) => "storage_failed",
            WebError::Dokku(e) => dokku_code(e),
            WebError::Doing(d) => dokku_code(&d.1),
        };
        Self {
            status: failure.status,
            code,
            message: failure.message,
            dokku: failure.dokku,
            retry_after: None,
        }
    }
}

impl From<dokku::NameError> for ApiError {
    fn from(e: dokku::NameError) -> Self {
        WebError::Name(e).into()
    }
}

fn dokku_code(e: &dokku::Error) -> &'static str {
    use dokku::Error as E;
    match e {
        E::AppNotFound { .. } => "app_not_found",
        E::NotFound { .. } => "not_found",
        E::AppExists { .. } | E::CorruptConfig { .. } => "conflict",
        E::AppNotDeployed { .. } => "app_not_deployed",
        E::InvalidArgument { .. } | E::UnstorableConfigValue { .. } => "invalid_request",
        E::CommandFailed { .. } => "dokku_refused",
        E::Unsupported { .. } | E::NotADokkuCommand { .. } => "unsupported",
        _ => "host_unreachable",
    }
}

/// What a guarded API request carries to its handler.
#[derive(Debug, Clone)]
pub struct Api {
    /// Who is calling.
    pub caller: ApiCaller,
    /// The host named in the path, and its state.
    pub host: Option<(String, AppState)>,
    /// Every host, by name.
    pub hosts: Arc<BTreeMap<String, AppState>>,
    /// The app named in the path, as sent (checked by [`Api::app`]).
    pub app: Option<String>,
}

impl Api {
    /// The host of a host-scoped route.
    fn host(&self) -> Result<(&str, &AppState), ApiError> {
        self.host
            .as_ref()
            .map(|(n, s)| (n.as_str(), s))
            .ok_or_else(|| ApiError::new(StatusCode::NOT_FOUND, "not_found", "No host was named."))
    }

    /// The host and the app of an app-scoped route, the app's name
    /// checked (an invalid one is an app that is not there).
    fn app(&self) -> Result<(&AppState, AppName), ApiError> {
        let (_, state) = self.host()?;
        let app = self.app.as_deref().ok_or_else(|| {
            ApiError::new(StatusCode::NOT_FOUND, "not_found", "No app was named.")
        })?;
        Ok((state, app_name(app)?))
    }

    /// A client for `state` whose commands are recorded as this token's.
    async fn dokku(&self, state: &AppState) -> Result<dokku::Dokku, ApiError> {
        let correlation = format!("token:{}", self.caller.token);
        Ok(state
            .audited_as(&self.caller.owner, Source::Api, Some(&correlation))
            .await?)
    }

    /// Whether the caller may see `app` on its host.
    fn sees(&self, host: &str, app: &str) -> bool {
        allowed(&self.caller, host, Some(app), Role::Viewer)
    }
}

/// The bearer token of a request, if it sent one.
fn bearer(req: &Request) -> Option<&str> {
    let value = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then_some(token.trim())
}

/// The guard of the API's routes: a live token within its rate limit,
/// then [`allowed`] for the route's `need` on the host and app in the
/// path. No cookie is read.
pub async fn guard(
    hosts: Arc<BTreeMap<String, AppState>>,
    tokens: &tokens::Tokens,
    need: Role,
    req: Request,
    next: Next,
) -> Response {
    let Some(presented) = bearer(&req) else {
        return ApiError::new(
            StatusCode::UNAUTHORIZED,
            "unauthenticated",
            "Send an API token: Authorization: Bearer dkr_…. The API does not read cookies.",
        )
        .into_response();
    };
    let record = match tokens.check(presented) {
        Ok(record) => record,
        Err(refused) => {
            let (code, message, wait) = match refused {
                Refused::Unknown => (
                    "invalid_token",
                    "This is not a token of this dashboard.",
                    None,
                ),
                Refused::Expired => (
                    "token_expired",
                    "This token has expired: make a new one.",
                    None,
                ),
                Refused::Revoked => ("token_revoked", "This token was revoked.", None),
                Refused::Limited(wait) => (
                    "rate_limited",
                    "Too many requests with this token: wait and try again.",
                    Some(wait),
                ),
            };
            let status = if wait.is_some() {
                StatusCode::TOO_MANY_REQUESTS
            } else {
                StatusCode::UNAUTHORIZED
            };
            tracing::info!(outcome = code, "api call refused");
            let mut error = ApiError::new(status, code, message);
            error.retry_after = wait;
            return error.into_response();
        }
    };
    let user = hosts
        .values()
        .next()
        .and_then(|state| state.auth.users().get(&record.owner));
    let caller = ApiCaller {
        token: record.id,
        owner: record.owner,
        user,
        scope: record.scope,
    };
    let (mut parts, body) = req.into_parts();
    let params = RawPathParams::from_request_parts(&mut parts, &())
        .await
        .ok();
    let param = |name: &str| {
        params.as_ref().and_then(|p| {
            p.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_owned())
        })
    };
    let (host, app) = (param("host"), param("app"));
    tracing::info!(
        token = %caller.token,
        owner = %caller.owner,
        method = %parts.method,
        path = %parts.uri.path(),
        "api call"
    );
    let host = match host {
        Some(host) => {
            if !allowed(&caller, &host, app.as_deref(), need) {
                return ApiError::forbidden().into_response();
            }
            let Some(state) = hosts.get(&host) else {
                return ApiError::new(
                    StatusCode::NOT_FOUND,
                    "host_not_found",
                    format!("There is no host called {host}."),
                )
                .into_response();
            };
            Some((host, state.clone()))
        }
        None => None,
    };
    // Every use is audited under the token's id: an `api:call` record
    // (the method and path, never the query or body), besides the records
    // of the Dokku commands the call runs. A host-less call is recorded on
    // the first host.
    let audit = host
        .as_ref()
        .map(|(_, state)| state.clone())
        .or_else(|| hosts.values().next().cloned());
    let (actor, token) = (caller.owner.clone(), caller.token.clone());
    let argv = vec![
        "api:call".to_owned(),
        parts.method.to_string(),
        parts.uri.path().to_owned(),
    ];
    parts.extensions.insert(Api {
        caller,
        host,
        hosts,
        app,
    });
    let response = next.run(Request::from_parts(parts, body)).await;
    if let Some(state) = audit {
        let outcome = if response.status().is_success() {
            dokku_history::Outcome::Ok
        } else {
            dokku_history::Outcome::Failed
        };
        let correlation = format!("token:{token}");
        let error = (!response.status().is_success()).then(|| response.status().to_string());
        if let Err(e) = state
            .record_as(
                &actor,
                Source::Api,
                Some(&correlation),
                argv,
                outcome,
                error,
            )
            .await
        {
            tracing::error!(error = %e, token = %token, "recording an api call failed");
        }
    }
    response
}

/// A JSON answer.
type Answer<T> = Result<Json<T>, ApiError>;

/// One host: where it is reached, its Dokku version, whether it answered.
#[derive(Debug, Serialize, ToSchema)]
pub struct HostInfo {
    /// Its name (in paths).
    pub name: String,
    /// Where it is reached.
    pub target: String,
    /// Its Dokku version, if it answered.
    pub version: Option<String>,
    /// Whether it answered the last reading.
    pub reachable: bool,
    /// Whether it runs an older Dokku than the newest host.
    pub behind: bool,
    /// Why it could not be read.
    pub problem: Option<String>,
    /// Its apps by state.
    pub apps: BTreeMap<String, usize>,
}

/// The hosts the token may see.
#[derive(Debug, Serialize, ToSchema)]
pub struct HostList {
    /// The hosts.
    pub hosts: Vec<HostInfo>,
}

/// The fleet status (the fleet page's reading: the last one, or a new
/// one when there is none yet), as host rows.
async fn host_infos(api: &Api) -> Vec<HostInfo> {
    let Some((_, any)) = api.hosts.iter().next() else {
        return Vec::new();
    };
    let Some(view) = any.site.fleet.clone() else {
        return Vec::new();
    };
    let status = match view.current() {
        Some((status, _)) => status,
        None => view.refresh().await,
    };
    status
        .hosts
        .iter()
        .filter(|h| api.hosts.contains_key(h.name.as_str()))
        .map(|h| HostInfo {
            name: h.name.to_string(),
            target: h.target.clone(),
            version: h.version.map(|v| v.to_string()),
            reachable: h.version.is_some(),
            behind: h.behind,
            problem: h.problem.clone(),
            apps: h
                .states
                .iter()
                .map(|(s, n)| (super::pages::dashboard::state_slug(*s), *n))
                .collect(),
        })
        .collect()
}

/// `GET /api/v1/hosts`.
pub async fn hosts(Extension(api): Extension<Api>) -> Answer<HostList> {
    let hosts = host_infos(&api)
        .await
        .into_iter()
        .filter(|h| allowed(&api.caller, &h.name, None, Role::Viewer))
        .collect();
    Ok(Json(HostList { hosts }))
}

/// `GET /api/v1/hosts/{host}`.
pub async fn host(Extension(api): Extension<Api>) -> Answer<HostInfo> {
    let (name, _) = api.host()?;
    host_infos(&api)
        .await
        .into_iter()
        .find(|h| h.name == name)
        .map(Json)
        .ok_or_else(|| WebError::NotFound(format!("host {name}")).into())
}

/// `GET /api/v1/hosts/{host}/vitals`: the machine under Dokku (kernel,
/// memory, disks) from `dokku report`, read now: one invocation, a few
/// seconds on a real host.
pub async fn vitals(Extension(api): Extension<Api>) -> Answer<HostVitals> {
    let (_, state) = api.host()?;
    let dokku = api.dokku(state).await?;
    Ok(Json(dokku.host().vitals().await.map_err(WebError::from)?))
}

/// One app of the overview.
#[derive(Debug, Serialize, ToSchema)]
pub struct AppItem {
    /// Its name.
    pub name: String,
    /// Its overview row (status, processes, domains, deploy source), once
    /// the dashboard has read it.
    pub overview: Option<AppOverview>,
    /// Whether its last deploy failed, as the dashboard marks it: the
    /// last one the audit trail recorded, or on Dokku 0.38+ Dokku's last
    /// build of it (a `git push` included) as last read. The app runs
    /// the release before it.
    pub deploy_failed: bool,
    /// The id of the build Dokku was running for it at the last builds
    /// reading (0.38+, up to a minute old), `null` when none: follow it
    /// at `…/apps/{app}/builds/{id}/follow`.
    pub building: Option<String>,
}

/// The apps the token may see, from the dashboard's snapshot.
#[derive(Debug, Serialize, ToSchema)]
pub struct AppList {
    /// The apps, by name.
    pub apps: Vec<AppItem>,
    /// Whether every app is read and fresh.
    pub complete: bool,
}

/// `GET /api/v1/hosts/{host}/apps`: the dashboard's snapshot (no Dokku
/// command when it is fresh).
pub async fn apps(Extension(api): Extension<Api>) -> Answer<AppList> {
    let (host, state) = api.host()?;
    state
        .store
        .ensure_listed(&state.dokku)
        .await
        .map_err(WebError::from)?;
    let view = state.store.view();
    let apps = view
        .lines
        .iter()
        .filter(|l| api.sees(host, l.app.as_str()))
        .map(|l| {
            let marks = state.watch.marks(&l.app);
            AppItem {
                name: l.app.to_string(),
                overview: l.kept.as_ref().map(|k| (*k.row).clone()),
                deploy_failed: marks.deploy_failed,
                building: marks.building,
            }
        })
        .collect();
    Ok(Json(AppList {
        apps,
        complete: view.progress.complete(),
    }))
}

/// One app: its overview row, Dokku's `apps:report` and its URLs.
#[derive(Debug, Serialize, ToSchema)]
pub struct AppDetail {
    /// The overview row.
    pub overview: AppOverview,
    /// `apps:report`.
    pub report: AppReport,
    /// Every URL it answers on (Dokku's `urls`, sorted).
    pub urls: Vec<String>,
    /// Dokku's last build of it, whoever started it (a `git push`
    /// included): `builds:report`, on Dokku 0.38+; null on an older host
    /// or for an app never built.
    pub last_build: Option<dokku::model::builds::BuildsReport>,
}

/// `GET /api/v1/hosts/{host}/apps/{app}`.
pub async fn app(Extension(api): Extension<Api>) -> Answer<AppDetail> {
    let (state, app) = api.app()?;
    let dokku = api.dokku(state).await?;
    let overview = match state.store.fresh_row(&app) {
        Some(row) => row,
        None => state
            .store
            .fetch_app(&dokku, &app)
            .await
            .map_err(WebError::from)?,
    };
    let (report, urls, last_build) = tokio::join!(
        async { dokku.report::<AppReport>().app(&app).await },
        dokku.apps().urls(&app),
        dokku.builds().last(&app),
    );
    Ok(Json(AppDetail {
        overview: (*overview).clone(),
        report: report.map_err(WebError::from)?,
        urls: urls.map_err(WebError::from)?,
        last_build: last_build.map_err(WebError::from)?,
    }))
}

/// An app's config keys (never values).
#[derive(Debug, Serialize, ToSchema)]
pub struct ConfigKeys {
    /// The keys.
    pub keys: Vec<String>,
}

/// `GET /api/v1/hosts/{host}/apps/{app}/config`.
pub async fn config_keys(Extension(api): Extension<Api>) -> Answer<ConfigKeys> {
    let (state, app) = api.app()?;
    let keys = api
        .dokku(state)
        .await?
        .config()
        .keys(&app)
        .await
        .map_err(super::doing(format!("read the config keys of {app}")))?;
    Ok(Json(ConfigKeys {
        keys: keys.iter().map(ToString::to_string).collect(),
    }))
}

/// One config value, revealed.
#[derive(Debug, Serialize, ToSchema)]
pub struct ConfigValue {
    /// The key.
    pub key: String,
    /// The value.
    pub value: String,
}

/// `GET /api/v1/hosts/{host}/apps/{app}/config/{key}`: admin only; the
/// `config:get` is recorded as the token's (its output redacted).
pub async fn config_reveal(
    Extension(api): Extension<Api>,
    Path((_, _, key)): Path<(String, String, String)>,
) -> Answer<ConfigValue> {
    let (state, app) = api.app()?;
    let dokku = api.dokku(state).await?;
    let value = handlers::reveal(&dokku, &app, &key).await?;
    Ok(Json(ConfigValue {
        key: key.trim().to_owned(),
        value: value.expose().to_owned(),
    }))
}

/// An app's processes.
#[derive(Debug, Serialize, ToSchema)]
pub struct PsInfo {
    /// `ps:scale`: containers wanted per process type.
    pub formation: Vec<dokku::model::ps::Formation>,
    /// `ps:report`: its containers and their state.
    pub report: dokku::model::ps::PsReport,
}

/// `GET /api/v1/hosts/{host}/apps/{app}/ps`.
pub async fn ps(Extension(api): Extension<Api>) -> Answer<PsInfo> {
    let (state, app) = api.app()?;
    let dokku = api.dokku(state).await?;
    let (formation, report) = tokio::join!(dokku.ps().scale_report(&app), dokku.ps().report(&app));
    Ok(Json(PsInfo {
        formation: formation.map_err(WebError::from)?,
        report: report.map_err(WebError::from)?,
    }))
}

/// `?ignore_lock=true`: rebuild an app locked with `apps:lock` anyway.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PsActionParams {
    /// `rebuild` only: build an app locked with `apps:lock` anyway (Dokku
    /// builds it and removes the lock); without it a locked app is refused
    /// (`409`, `locked`).
    #[serde(default)]
    pub ignore_lock: bool,
}

/// `POST /api/v1/hosts/{host}/apps/{app}/ps/{action}` (`start`, `stop`,
/// `restart`, `rebuild`): Dokku's output as JSON lines, ending with
/// `{"end": {"ok", "message"}}`.
pub async fn ps_action(
    Extension(api): Extension<Api>,
    Path((_, _, action)): Path<(String, String, String)>,
    Query(params): Query<PsActionParams>,
) -> Result<Response, ApiError> {
    let (state, app) = api.app()?;
    let dokku = api.dokku(state).await?;
    if action == "rebuild" && !params.ignore_lock {
        refuse_locked(&dokku, &app, "add ?ignore_lock=true").await?;
    }
    Ok(handlers::run_ps(state, &dokku, &app, &action).await?)
}

/// Containers wanted per process type.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ScaleBody {
    /// `{"web": 2, "worker": 1}`.
    pub processes: BTreeMap<String, u32>,
}

/// `POST /api/v1/hosts/{host}/apps/{app}/scale`: streamed like a process
/// action.
pub async fn scale(
    Extension(api): Extension<Api>,
    body: Result<Json<ScaleBody>, axum::extract::rejection::JsonRejection>,
) -> Result<Response, ApiError> {
    let (state, app) = api.app()?;
    let Json(body) = body.map_err(bad_body)?;
    let asked: Vec<(String, String)> = body
        .processes
        .into_iter()
        .map(|(p, n)| (p, n.to_string()))
        .collect();
    let wanted = handlers::formation(&asked)?;
    let dokku = api.dokku(state).await?;
    Ok(handlers::run_scale(state, &dokku, &app, wanted).await?)
}

/// A command to run in a new one-off container.
#[derive(Debug, Deserialize, ToSchema)]
pub struct RunBody {
    /// The command and its arguments, each word as it is meant
    /// (`["bin/rails", "db:migrate"]`): no shell splits them here.
    pub command: Vec<String>,
}

/// `POST /api/v1/hosts/{host}/apps/{app}/run`: `dokku run --no-tty`,
/// streamed like a process action; an admin's, since the command reads
/// the app's whole environment.
pub async fn run(
    Extension(api): Extension<Api>,
    body: Result<Json<RunBody>, axum::extract::rejection::JsonRejection>,
) -> Result<Response, ApiError> {
    let (state, app) = api.app()?;
    let Json(body) = body.map_err(bad_body)?;
    let dokku = api.dokku(state).await?;
    Ok(super::pages::one_off::run_words(state, &dokku, &app, body.command).await?)
}

fn bad_body(e: axum::extract::rejection::JsonRejection) -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        "invalid_request",
        format!(
            "The request body is not what this call takes: {}",
            e.body_text()
        ),
    )
}

/// An app's domains.
#[derive(Debug, Serialize, ToSchema)]
pub struct Domains {
    /// Whether virtual hosts are on.
    pub enabled: bool,
    /// The app's own domains.
    pub domains: Vec<String>,
}

/// `GET /api/v1/hosts/{host}/apps/{app}/domains`.
pub async fn domains(Extension(api): Extension<Api>) -> Answer<Domains> {
    let (state, app) = api.app()?;
    let report = api
        .dokku(state)
        .await?
        .domains()
        .report(&app)
        .await
        .map_err(super::doing(format!("read the domains of {app}")))?;
    Ok(Json(Domains {
        enabled: report.app_enabled,
        domains: report.app_vhosts,
    }))
}

/// A domain to add.
#[derive(Debug, Deserialize, ToSchema)]
pub struct DomainBody {
    /// The domain (`www.example.com`, `*.example.com`).
    pub domain: String,
}

/// What a change did, in words.
#[derive(Debug, Serialize, ToSchema)]
pub struct Done {
    /// The sentence the dashboard would show.
    pub message: String,
}

/// `POST /api/v1/hosts/{host}/apps/{app}/domains`.
pub async fn domain_add(
    Extension(api): Extension<Api>,
    body: Result<Json<DomainBody>, axum::extract::rejection::JsonRejection>,
) -> Answer<Done> {
    let (state, app) = api.app()?;
    let Json(body) = body.map_err(bad_body)?;
    let dokku = api.dokku(state).await?;
    let message = handlers::change_domain(state, &dokku, &app, &body.domain, true).await?;
    Ok(Json(Done { message }))
}

/// `DELETE /api/v1/hosts/{host}/apps/{app}/domains/{domain}`.
pub async fn domain_remove(
    Extension(api): Extension<Api>,
    Path((_, _, domain)): Path<(String, String, String)>,
) -> Answer<Done> {
    let (state, app) = api.app()?;
    let dokku = api.dokku(state).await?;
    let message = handlers::change_domain(state, &dokku, &app, &domain, false).await?;
    Ok(Json(Done { message }))
}

/// `POST /api/v1/hosts/{host}/apps/{app}/lock` (take the deploy lock) and
/// `DELETE …/lock` (release it).
pub async fn deploy_lock(
    Extension(api): Extension<Api>,
    method: axum::http::Method,
) -> Answer<Done> {
    let (state, app) = api.app()?;
    let dokku = api.dokku(state).await?;
    let verb = match method {
        axum::http::Method::DELETE => "unlock",
        _ => "lock",
    };
    let message = handlers::set_deploy_lock(&dokku, &app, verb).await?;
    state.store.mark_dirty(&app);
    Ok(Json(Done { message }))
}

/// One log line.
#[derive(Debug, Serialize, ToSchema)]
pub struct LogEntry {
    /// When (RFC 3339, UTC), if Dokku said.
    pub time: Option<String>,
    /// The process (`web.1`), if Dokku said.
    pub process: Option<String>,
    /// The line.
    pub message: String,
}

impl From<&LogLine> for LogEntry {
    fn from(line: &LogLine) -> Self {
        Self {
            time: line.timestamp.map(dokku::parse::logs::format_rfc3339_utc),
            process: line.container(),
            message: line.message.clone(),
        }
    }
}

/// An app's last log lines.
#[derive(Debug, Serialize, ToSchema)]
pub struct Logs {
    /// Oldest first.
    pub lines: Vec<LogEntry>,
}

/// `GET /api/v1/hosts/{host}/apps/{app}/logs?n=100&process=web`.
pub async fn logs(Extension(api): Extension<Api>, Query(params): Query<LogParams>) -> Answer<Logs> {
    let (state, app) = api.app()?;
    let lines = handlers::recent_logs(state, &app, &params).await?;
    Ok(Json(Logs {
        lines: lines.iter().map(LogEntry::from).collect(),
    }))
}

/// `GET /api/v1/hosts/{host}/apps/{app}/logs/follow`: server-sent
/// events, `line` (`{"k", "t", "p", "m"}`) as they come, until the client
/// leaves or the token is revoked (an `end` event says so).
pub async fn logs_follow(
    Extension(api): Extension<Api>,
    Query(params): Query<LogParams>,
) -> Result<Response, ApiError> {
    let (state, app) = api.app()?;
    let dokku = api.dokku(state).await?;
    // The stream ends (with an `end` event) when the token is revoked.
    let ended = state.options.tokens.ended(&api.caller.token);
    let events = handlers::follow(state, &dokku, &app, &params, ended).await?;
    Ok(Sse::new(events)
        .keep_alive(KeepAlive::default())
        .into_response())
}

/// One datastore service.
#[derive(Debug, Serialize, ToSchema)]
pub struct ServiceItem {
    /// Its plugin (`postgres`).
    pub plugin: String,
    /// Its name.
    pub name: String,
}

/// The services of every installed datastore plugin.
#[derive(Debug, Serialize, ToSchema)]
pub struct ServiceList {
    /// The services.
    pub services: Vec<ServiceItem>,
}

/// `GET /api/v1/hosts/{host}/services`.
pub async fn services(Extension(api): Extension<Api>) -> Answer<ServiceList> {
    let (_, state) = api.host()?;
    let dokku = api.dokku(state).await?;
    let caps = dokku.capabilities().await.map_err(WebError::from)?;
    let mut services = Vec::new();
    for plugin in caps.service_plugins() {
        let names = dokku
            .service(plugin.clone())
            .list()
            .await
            .map_err(super::doing(format!("list the {plugin} services")))?;
        services.extend(names.into_iter().map(|n| ServiceItem {
            plugin: plugin.name().to_owned(),
            name: n.to_string(),
        }));
    }
    Ok(Json(ServiceList { services }))
}

/// One service's `info` (its DSN and custom environment are never sent)
/// and its backup schedule.
#[derive(Debug, Serialize, ToSchema)]
pub struct ServiceDetail {
    /// Its plugin.
    pub plugin: String,
    /// `<plugin>:info`.
    pub info: dokku::model::service::ServiceInfo,
    /// Its scheduled backup (`<plugin>:backup-schedule-cat`): `null` when
    /// none is scheduled, or when it could not be read.
    pub backup: Option<dokku::model::service::ScheduledBackup>,
    /// Why the backup schedule could not be read (a plugin without
    /// backups); absent when it was read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub backup_unreadable: Option<String>,
}

/// The audited client of the call's host, and the service the path names
/// (its plugin installed there).
async fn service_of(
    api: &Api,
    plugin: &str,
    service: &str,
) -> Result<
    (
        dokku::Dokku,
        dokku::model::service::ServicePlugin,
        dokku::ServiceName,
    ),
    ApiError,
> {
    let (_, state) = api.host()?;
    let dokku = api.dokku(state).await?;
    let caps = dokku.capabilities().await.map_err(WebError::from)?;
    let plugin = databases::plugin(&caps, plugin)?;
    let name = databases::service_name(service)?;
    Ok((dokku, plugin, name))
}

/// `GET /api/v1/hosts/{host}/services/{plugin}/{service}`.
pub async fn service(
    Extension(api): Extension<Api>,
    Path((_, plugin, service)): Path<(String, String, String)>,
) -> Answer<ServiceDetail> {
    let (dokku, plugin, name) = service_of(&api, &plugin, &service).await?;
    let handler = dokku.service(plugin.clone());
    let (info, backup) =
        futures_util::future::join(handler.info(&name), handler.scheduled_backup(&name)).await;
    let info = info.map_err(super::doing(format!("read the {plugin} service {name}")))?;
    let (backup, backup_unreadable) = match backup {
        Ok(backup) => (backup, None),
        Err(e) => (None, Some(e.to_string())),
    };
    Ok(Json(ServiceDetail {
        plugin: plugin.name().to_owned(),
        info,
        backup,
        backup_unreadable,
    }))
}

/// `GET /api/v1/hosts/{host}/services/{plugin}/{service}/dump`: the
/// service's dump as Dokku's export prints it.
pub async fn service_dump(
    Extension(api): Extension<Api>,
    Path((_, plugin, service)): Path<(String, String, String)>,
) -> Result<Response, ApiError> {
    let (dokku, plugin, name) = service_of(&api, &plugin, &service).await?;
    Ok(databases::dump(&dokku, &plugin, &name).await?)
}

/// `PUT /api/v1/hosts/{host}/services/{plugin}/{service}/dump`: load the
/// request's body into the service (`<plugin>:import`), sent to the host as
/// it arrives, never held whole. An empty body is refused before anything
/// is sent; a body cut off midway stops the import before its input ends,
/// so part of a dump is never loaded as if it were all of it.
pub async fn service_import(
    Extension(api): Extension<Api>,
    Path((_, plugin, service)): Path<(String, String, String)>,
    body: axum::body::Body,
) -> Answer<Done> {
    let (dokku, plugin, name) = service_of(&api, &plugin, &service).await?;
    databases::load(&dokku, &plugin, &name, body).await?;
    Ok(Json(Done {
        message: format!("Imported the dump into the {plugin} service {name}."),
    }))
}

/// `POST` (link) or `DELETE` (unlink)
/// `/api/v1/hosts/{host}/services/{plugin}/{service}/links/{app}`.
async fn link_or_unlink(api: &Api, plugin: &str, service: &str, link: bool) -> Answer<Done> {
    let (state, app) = api.app()?;
    let (dokku, plugin, name) = service_of(api, plugin, service).await?;
    let message = if link {
        databases::link(&dokku, &plugin, &name, &app).await?
    } else {
        dokku
            .service(plugin)
            .unlink(&name, &app, false)
            .await
            .map_err(super::doing(format!("unlink {name} from {app}")))?;
        format!("Unlinked {name} from {app}.")
    };
    state.store.mark_dirty(&app);
    Ok(Json(Done { message }))
}

/// `POST /api/v1/hosts/{host}/services/{plugin}/{service}/links/{app}`.
pub async fn service_link(
    Extension(api): Extension<Api>,
    Path((_, plugin, service, _)): Path<(String, String, String, String)>,
) -> Answer<Done> {
    link_or_unlink(&api, &plugin, &service, true).await
}

/// `DELETE /api/v1/hosts/{host}/services/{plugin}/{service}/links/{app}`.
pub async fn service_unlink(
    Extension(api): Extension<Api>,
    Path((_, plugin, service, _)): Path<(String, String, String, String)>,
) -> Answer<Done> {
    link_or_unlink(&api, &plugin, &service, false).await
}

/// Dokku's build records of an app.
#[derive(Debug, Serialize, ToSchema)]
pub struct Builds {
    /// Newest first, as Dokku lists them.
    pub builds: Vec<dokku::model::builds::BuildRecord>,
}

/// `GET /api/v1/hosts/{host}/apps/{app}/builds`.
pub async fn builds(Extension(api): Extension<Api>) -> Answer<Builds> {
    let (state, app) = api.app()?;
    let builds = api
        .dokku(state)
        .await?
        .builds()
        .list(&app, &dokku::api::builds::BuildFilter::default())
        .await
        .map_err(super::doing(format!("list the builds of {app}")))?;
    Ok(Json(Builds { builds }))
}

/// One build Dokku recorded, and its output.
#[derive(Debug, Serialize, ToSchema)]
pub struct BuildOutput {
    /// The record.
    pub build: dokku::model::builds::BuildRecord,
    /// What it printed, as Dokku kept it (URL credentials masked, the
    /// newest lines up to 2,000,000 characters); `null` while it runs
    /// (`…/builds/{id}/follow` follows it).
    pub output: Option<String>,
    /// How many earlier lines `output` leaves out.
    pub dropped_lines: usize,
}

/// `GET /api/v1/hosts/{host}/apps/{app}/builds/{id}`.
pub async fn build_output(
    Extension(api): Extension<Api>,
    Path((_, _, id)): Path<(String, String, String)>,
) -> Answer<BuildOutput> {
    let (state, app) = api.app()?;
    let dokku = api.dokku(state).await?;
    let (build, shown) = builds::read(&dokku, &app, &id).await?;
    Ok(Json(BuildOutput {
        build,
        dropped_lines: shown.as_ref().map_or(0, |s| s.dropped),
        output: shown.map(|s| s.text),
    }))
}

/// `GET /api/v1/hosts/{host}/apps/{app}/builds/{id}/follow`: server-sent
/// events, `line` (a JSON string) as the build writes them, then `end`
/// when it ends or the token is revoked; a build that ended sends its
/// log.
pub async fn build_follow(
    Extension(api): Extension<Api>,
    Path((_, _, id)): Path<(String, String, String)>,
) -> Result<Response, ApiError> {
    let (state, app) = api.app()?;
    let dokku = api.dokku(state).await?;
    let ended = state.options.tokens.ended(&api.caller.token);
    let events = builds::follow_events(&dokku, &app, &id, ended).await?;
    Ok(Sse::new(events)
        .keep_alive(KeepAlive::default())
        .into_response())
}

/// What to deploy: an image, or a git repository at an optional ref.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct DeployBody {
    /// A Docker image (`nginx:1.27`).
    #[serde(default)]
    pub image: String,
    /// A git repository URL.
    #[serde(default)]
    pub repo: String,
    /// A branch, tag or commit of `repo`.
    #[serde(default, rename = "ref")]
    pub reference: String,
    /// Deploy an app locked with `apps:lock` anyway (Dokku builds it and
    /// removes the lock); without it a locked app is refused (`409`,
    /// `locked`).
    #[serde(default)]
    pub ignore_lock: bool,
}

/// `409 locked` when `app` is locked with `apps:lock` (one `apps:locked`):
/// Dokku would build it anyway and remove the lock. `override_with` says
/// how this call asks to go ahead anyway.
async fn refuse_locked(
    dokku: &dokku::Dokku,
    app: &AppName,
    override_with: &str,
) -> Result<(), ApiError> {
    let locked = dokku
        .apps()
        .locked(app)
        .await
        .map_err(super::doing(format!("ask whether {app} is locked")))?;
    match locked {
        false => Ok(()),
        true => Err(ApiError::new(
            StatusCode::CONFLICT,
            "locked",
            format!(
                "{app} is locked (apps:lock); nothing was built. Unlock it, or {override_with}: \
                 Dokku builds a locked app anyway and removes the lock."
            ),
        )),
    }
}

/// The lock override of a deploy's or a rollback's body.
const IGNORE_LOCK_BODY: &str = "send \"ignore_lock\": true";

/// `POST /api/v1/hosts/{host}/apps/{app}/deploys`: the build output as
/// JSON lines (`{"out"}`, `{"phase"}`), ending with `{"end": {"ok",
/// "message"}}`.
pub async fn deploy(
    Extension(api): Extension<Api>,
    body: Result<Json<DeployBody>, axum::extract::rejection::JsonRejection>,
) -> Result<Response, ApiError> {
    let (state, app) = api.app()?;
    let Json(body) = body.map_err(bad_body)?;
    let spec = deploys::deploy_spec(&app, &body.image, &body.repo, &body.reference)?;
    let dokku = api.dokku(state).await?;
    if !body.ignore_lock {
        refuse_locked(&dokku, &app, IGNORE_LOCK_BODY).await?;
    }
    Ok(deploys::run(state, &dokku, &app, &spec, "Deployed").await?)
}

/// `POST /api/v1/hosts/{host}/apps/{app}/builds/cancel`: Dokku's
/// `builds:cancel`, whoever started the build.
pub async fn build_cancel(Extension(api): Extension<Api>) -> Answer<Done> {
    let (state, app) = api.app()?;
    let dokku = api.dokku(state).await?;
    let message = deploys::cancel_build(state, &dokku, &app).await?;
    Ok(Json(Done { message }))
}

/// `?to=<release>`: the release to roll back to (default: the newest
/// earlier successful one running different code).
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RollbackParams {
    /// A release's record id.
    pub to: Option<i64>,
}

/// What a rollback would do, or why there is none.
#[derive(Debug, Default, Serialize, ToSchema)]
pub struct RollbackView {
    /// Why there is no rollback (no earlier successful release, a source
    /// that cannot be reproduced, a host running something else); `None`
    /// when there is a plan.
    pub refused: Option<String>,
    /// The release running now.
    pub from: Option<dokku_history::releases::Release>,
    /// The release that would run again: confirm it by its `record_id`.
    pub to: Option<dokku_history::releases::Release>,
    /// The Dokku command that would bring it back.
    pub command: Option<String>,
}

/// `GET /api/v1/hosts/{host}/apps/{app}/rollback`: the plan, or why
/// there is none.
pub async fn rollback_plan(
    Extension(api): Extension<Api>,
    Query(params): Query<RollbackParams>,
) -> Answer<RollbackView> {
    let (state, app) = api.app()?;
    let plan = match deploys::rollback_plan(state, &app, params.to).await {
        Ok(plan) => plan,
        Err(WebError::BadRequest(reason)) => {
            return Ok(Json(RollbackView {
                refused: Some(reason),
                ..RollbackView::default()
            }))
        }
        Err(e) => return Err(e.into()),
    };
    let command = plan.spec.command().map_err(WebError::from)?.to_string();
    Ok(Json(RollbackView {
        refused: None,
        from: Some(plan.from),
        to: Some(plan.to),
        command: Some(command),
    }))
}

/// The release a rollback brings back, as its plan named it.
#[derive(Debug, Deserialize, ToSchema)]
pub struct RollbackBody {
    /// The plan's `to.record_id`.
    pub to: i64,
    /// Roll back an app locked with `apps:lock` anyway, as a deploy's.
    #[serde(default)]
    pub ignore_lock: bool,
}

/// `POST /api/v1/hosts/{host}/apps/{app}/rollback`: the plan for `to`,
/// checked again, then run like a deploy (streamed) and recorded as a
/// rollback.
pub async fn rollback(
    Extension(api): Extension<Api>,
    body: Result<Json<RollbackBody>, axum::extract::rejection::JsonRejection>,
) -> Result<Response, ApiError> {
    let (state, app) = api.app()?;
    let Json(body) = body.map_err(bad_body)?;
    let plan = deploys::rollback_plan(state, &app, Some(body.to)).await?;
    // Recorded as the rollback it is, and as the token's.
    let correlation = format!("{} token:{}", plan.correlation(), api.caller.token);
    let dokku = state
        .audited_as(&api.caller.owner, Source::Api, Some(&correlation))
        .await?;
    if !body.ignore_lock {
        refuse_locked(&dokku, &app, IGNORE_LOCK_BODY).await?;
    }
    Ok(deploys::run(state, &dokku, &app, &plan.spec, "Rolled back").await?)
}

/// The app's releases, from the audit trail.
#[derive(Debug, Serialize, ToSchema)]
pub struct Releases {
    /// Newest first.
    pub releases: Vec<dokku_history::releases::Release>,
}

/// `GET /api/v1/hosts/{host}/apps/{app}/releases`.
pub async fn releases(Extension(api): Extension<Api>) -> Answer<Releases> {
    let (state, app) = api.app()?;
    let releases = state
        .history
        .releases(&app, Some(&state.options.host_label), 200)
        .await
        .map_err(WebError::from)?;
    Ok(Json(Releases { releases }))
}

/// `?app=…&actor=…&subcommand=…&limit=…`.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct HistoryParams {
    /// Only this app's records.
    pub app: Option<String>,
    /// Only this actor's.
    pub actor: Option<String>,
    /// Only this subcommand's (`apps:create`).
    pub subcommand: Option<String>,
    /// At most this many (default 100, at most 1000).
    pub limit: Option<usize>,
    /// Continue after this: the `next` of the page before.
    pub after: Option<String>,
}

/// Records of the audit trail.
#[derive(Debug, Serialize, ToSchema)]
pub struct HistoryPage {
    /// Newest first; only the apps the token may see.
    pub records: Vec<dokku_history::Record>,
    /// Pass as `after` for the next (older) page; absent on the last.
    pub next: Option<String>,
}

/// `GET /api/v1/hosts/{host}/history`: this host's records the token may
/// see (its apps', and the host's own).
pub async fn history(
    Extension(api): Extension<Api>,
    Query(params): Query<HistoryParams>,
) -> Answer<HistoryPage> {
    let (host, state) = api.host()?;
    let filled = |v: Option<String>| v.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
    let mut query = HistoryQuery::default();
    query.host = Some(state.options.host_label.clone());
    query.app = filled(params.app);
    query.actor = filled(params.actor);
    query.subcommand = filled(params.subcommand);
    query.limit = Some(params.limit.unwrap_or(100).clamp(1, 1000));
    query.after = filled(params.after)
        .map(|a| {
            a.parse()
                .map_err(|e: BadCursor| WebError::BadRequest(e.to_string()))
        })
        .transpose()?;
    // As full a page as an admin's, for a token that sees some apps.
    let visible = |r: &dokku_history::Record| {
        allowed(&api.caller, host, r.entry.app.as_deref(), Role::Viewer)
    };
    let page = state
        .history
        .query_kept(query, visible, 10_000)
        .await
        .map_err(WebError::from)?;
    Ok(Json(HistoryPage {
        records: page.records,
        next: page.next.map(|c| c.to_string()),
    }))
}

/// The hash chain's state.
#[derive(Debug, Serialize, ToSchema)]
pub struct Verified {
    /// Whether the chain is intact.
    pub intact: bool,
    /// Rows checked.
    pub rows: u64,
    /// The first break, in words.
    pub problem: Option<String>,
}

/// `GET /api/v1/hosts/{host}/history/verify`: a fresh verification of the
/// trail's hash chain.
pub async fn verify(Extension(api): Extension<Api>) -> Answer<Verified> {
    let (_, state) = api.host()?;
    let (v, _) = state.verification(true).await.map_err(WebError::from)?;
    let problem = v.problem.as_ref().map(|t| match t {
        Tamper::Altered { id } => format!("record {id} was altered"),
        Tamper::Broken { id } => format!("records before {id} were removed"),
        Tamper::HeadMissing { expected_head } => {
            format!("the newest records (up to {expected_head}) were removed")
        }
        _ => "the chain is broken".to_owned(),
    });
    Ok(Json(Verified {
        intact: v.is_intact(),
        rows: v.rows,
        problem,
    }))
}

/// `GET /api/v1/openapi.json`.
pub async fn openapi_json() -> Response {
    Json(openapi()).into_response()
}

/// The OpenAPI document of every API route of the table, built from the
/// table (method, path, role, summary) and the handlers' types.
pub fn openapi() -> utoipa::openapi::OpenApi {
    use utoipa::openapi::path::{HttpMethod, OperationBuilder, ParameterBuilder, ParameterIn};
    use utoipa::openapi::request_body::RequestBodyBuilder;
    use utoipa::openapi::security::{
        HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme,
    };
    use utoipa::openapi::{
        ComponentsBuilder, ContentBuilder, InfoBuilder, OpenApiBuilder, Paths, Required,
        ResponseBuilder,
    };
    let mut schemas = Vec::new();
    let error = doc::schema_of::<ErrorBody>(&mut schemas);
    let mut paths = Paths::new();
    for route in super::routes::table() {
        let Some(doc) = route.doc.as_ref() else {
            continue;
        };
        let method = match route.method.as_str() {
            "POST" => HttpMethod::Post,
            "DELETE" => HttpMethod::Delete,
            "PUT" => HttpMethod::Put,
            _ => HttpMethod::Get,
        };
        let mut op = OperationBuilder::new()
            .summary(Some(doc.summary))
            .description(
                doc.need
                    .map(|need| format!("Needs the {} role.", need.as_str())),
            )
            .operation_id(Some(format!(
                "{}_{}",
                route.method.as_str().to_ascii_lowercase(),
                route
                    .path
                    .trim_start_matches("/api/v1/")
                    .replace(['/', '{', '}'], "_")
            )));
        for name in doc::params(route.path) {
            op = op.parameter(
                ParameterBuilder::new()
                    .name(name)
                    .parameter_in(ParameterIn::Path)
                    .required(Required::True),
            );
        }
        for parameter in doc.query.map(|query| query()).unwrap_or_default() {
            op = op.parameter(parameter);
        }
        if let Some(body) = doc.body {
            let schema = body(&mut schemas);
            op = op.request_body(Some(
                RequestBodyBuilder::new()
                    .content(
                        "application/json",
                        ContentBuilder::new().schema(Some(schema)).build(),
                    )
                    .required(Some(Required::True))
                    .build(),
            ));
        }
        let answer = (doc.response)(&mut schemas);
        op = op
            .response(
                "200",
                ResponseBuilder::new().description(doc.summary).content(
                    doc.content,
                    ContentBuilder::new().schema(Some(answer)).build(),
                ),
            )
            .response(
                "default",
                ResponseBuilder::new().description("An error").content(
                    "application/json",
                    ContentBuilder::new().schema(Some(error.clone())).build(),
                ),
            );
        if doc.need.is_some() {
            op = op.security(SecurityRequirement::new("bearer", Vec::<String>::new()));
        }
        paths.add_path_operation(route.path, vec![method], op.build());
    }
    let mut components = ComponentsBuilder::new().security_scheme(
        "bearer",
        SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
    );
    for (name, schema) in schemas {
        components = components.schema(name, schema);
    }
    OpenApiBuilder::new()
        .info(
            InfoBuilder::new()
                .title("Dokku dashboard API")
                .version("1")
                .description(Some(
                    "JSON over HTTP for the hosts the dashboard shows. Every call needs \
                     `Authorization: Bearer dkr_…` (a token made on the Tokens page).",
                ))
                .build(),
        )
        .paths(paths)
        .components(Some(components.build()))
        .build()
}

/// What the OpenAPI document says of a route: filled in by the route table.
pub mod doc {
    use utoipa::openapi::schema::Schema;
    use utoipa::openapi::{Ref, RefOr};

    use super::super::auth::Role;

    /// Adds a type's schemas to the list and answers a reference to it.
    pub type SchemaFn = fn(&mut Vec<(String, RefOr<Schema>)>) -> RefOr<Schema>;

    /// One API route's documentation.
    #[derive(Debug, Clone, Copy)]
    pub struct Doc {
        /// What it does.
        pub summary: &'static str,
        /// The role it needs (`None`: public).
        pub need: Option<Role>,
        /// Its JSON body, if any.
        pub body: Option<SchemaFn>,
        /// Its query parameters, if any.
        pub query: Option<fn() -> Vec<utoipa::openapi::path::Parameter>>,
        /// Its answer.
        pub response: SchemaFn,
        /// The answer's content type.
        pub content: &'static str,
    }

    /// `T`'s schema (and those it refers to), by reference.
    pub fn schema_of<T: utoipa::ToSchema>(out: &mut Vec<(String, RefOr<Schema>)>) -> RefOr<Schema> {
        T::schemas(out);
        let name = T::name().into_owned();
        if !out.iter().any(|(n, _)| *n == name) {
            out.push((name.clone(), T::schema()));
        }
        RefOr::Ref(Ref::from_schema_name(name))
    }

    /// Any JSON (the OpenAPI document itself).
    pub fn any(_: &mut Vec<(String, RefOr<Schema>)>) -> RefOr<Schema> {
        RefOr::T(Schema::Object(utoipa::openapi::schema::Object::new()))
    }

    /// `T`'s fields as query parameters.
    pub fn query<T: utoipa::IntoParams>() -> Vec<utoipa::openapi::path::Parameter> {
        T::into_params(|| None)
    }

    /// The `{param}`s of a path, in order.
    pub fn params(path: &str) -> Vec<&str> {
        path.split('/')
            .filter_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn caller(owner: &str, hosts: &[&str], apps: &[&str], role: Role) -> ApiCaller {
        let owner_role = match owner {
            "admin" => Some(Role::Admin),
            "viewer" => Some(Role::Viewer),
            _ => None,
        };
        let user = owner_role.map(|role| User {
            name: super::super::users::UserName::parse(owner).unwrap(),
            password: String::new(),
            grants: vec![super::super::users::Grant::everywhere(role)],
        });
        ApiCaller {
            token: "t1".to_owned(),
            owner: owner.to_owned(),
            user,
            scope: TokenScope {
                hosts: hosts.iter().map(|s| (*s).to_owned()).collect(),
                apps: apps.iter().map(|s| (*s).to_owned()).collect(),
                role,
            },
        }
    }

    #[test]
    fn a_token_allows_the_least_of_its_role_and_its_owners_within_its_patterns() {
        let c = caller("admin", &["eu-*"], &["api*"], Role::Deployer);
        assert!(allowed(&c, "eu-1", Some("api"), Role::Deployer));
        assert!(allowed(&c, "eu-1", Some("api-staging"), Role::Viewer));
        assert!(
            !allowed(&c, "eu-1", Some("api"), Role::Admin),
            "above the token's role"
        );
        assert!(
            !allowed(&c, "us-1", Some("api"), Role::Viewer),
            "another host"
        );
        assert!(
            !allowed(&c, "eu-1", Some("blog"), Role::Viewer),
            "another app"
        );
        assert!(allowed(&c, "eu-1", None, Role::Viewer), "the host itself");
        // A viewer's admin-role token is still a viewer's.
        let v = caller("viewer", &["*"], &["*"], Role::Admin);
        assert!(allowed(&v, "eu-1", Some("api"), Role::Viewer));
        assert!(!allowed(&v, "eu-1", Some("api"), Role::Deployer));
        // An owner the users file no longer has may do nothing.
        let nobody = caller("mallory", &["*"], &["*"], Role::Admin);
        assert!(!allowed(&nobody, "eu-1", Some("api"), Role::Viewer));
    }
}
