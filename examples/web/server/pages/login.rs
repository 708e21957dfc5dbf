//! Login and logout.
//!
//! The login form has its own CSRF token (a SameSite=Strict cookie echoed
//! in the form), so another site cannot log a browser into this dashboard
//! either. Password checks (argon2, deliberately slow) run off the async
//! threads.

use axum::body::Bytes;
use axum::extract::{Query, Request, State};
use axum::http::{header, StatusCode};
use axum::response::{AppendHeaders, IntoResponse, Redirect, Response};
use axum::Extension;
use maud::{html, Markup};

use super::super::auth::{self, Login, DEVICE_LIFETIME};
use super::super::users::UserName;
use super::super::{client_ip, cookie, local_path, refuse, AppState, Ctx, BODY_LIMIT};
use super::bare;

fn login_cookie_name(state: &AppState) -> String {
    state.scoped_cookie("dokku_login")
}

fn login_cookie(state: &AppState, token: Option<&str>) -> String {
    let age = token.map_or(0, |_| 900);
    state.cookie_header(&login_cookie_name(state), token.unwrap_or(""), Some(age))
}

/// The browser's device cookie (see [`auth::Auth::login_from`]).
fn device_cookie_name(state: &AppState) -> String {
    state.scoped_cookie("dokku_device")
}

fn form_page(token: &str, problem: Option<&str>, next: Option<&str>, user: &str) -> Markup {
    bare(
        "Log in",
        html! {
            h1 { "Dokku" }
            @if let Some(problem) = problem {
                p.error role="alert" { (problem) }
            }
            @if next.is_some() && problem.is_none() {
                p.muted { "Log in to continue where you were." }
            }
            form.login method="post" action="/login" {
                input type="hidden" name="_csrf" value=(token);
                @if let Some(next) = next {
                    input type="hidden" name="next" value=(next);
                }
                label for="user" { "User" }
                input #user type="text" name="user" value=(user) autocomplete="username" autocapitalize="none" spellcheck="false" required autofocus[user.is_empty()];
                label for="password" { "Password" }
                input #password type="password" name="password" autocomplete="current-password" required autofocus[!user.is_empty()];
                button type="submit" { "Log in" }
            }
        },
    )
}

/// The login form. An existing login token is kept: a second request for
/// the page (the browser's favicon fetch, redirected here, or another tab)
/// must not invalidate the form already shown.
fn fresh_form(
    state: &AppState,
    existing: Option<String>,
    status: StatusCode,
    problem: Option<&str>,
    next: Option<&str>,
    user: &str,
) -> Response {
    let existing = existing.filter(|t| t.len() == 64 && t.bytes().all(|b| b.is_ascii_hexdigit()));
    let Some(token) = existing.or_else(|| auth::random_hex(32).ok()) else {
        return refuse(StatusCode::INTERNAL_SERVER_ERROR, "no randomness");
    };
    (
        status,
        [(header::SET_COOKIE, login_cookie(state, Some(&token)))],
        form_page(&token, problem, next, user),
    )
        .into_response()
}

/// `?next=/apps/api#logs`: where to go after logging in.
#[derive(Debug, Default, serde::Deserialize)]
pub struct NextParam {
    next: Option<String>,
}

/// The login form (or where it leads, for a live session).
pub async fn form(
    State(state): State<AppState>,
    Query(params): Query<NextParam>,
    req: Request,
) -> Response {
    let next = params.next.as_deref().and_then(local_path);
    let live = cookie(req.headers(), &state.cookie_name())
        .and_then(|t| state.auth.session(&t))
        .is_some();
    if live {
        return Redirect::to(next.unwrap_or("/")).into_response();
    }
    let existing = cookie(req.headers(), &login_cookie_name(&state));
    fresh_form(&state, existing, StatusCode::OK, None, next, "")
}

/// `GET /session`: 204 while the session lives (the guard answers 401
/// otherwise); the page script asks when a stream stops.
pub async fn alive() -> StatusCode {
    StatusCode::NO_CONTENT
}

#[derive(serde::Deserialize)]
struct LoginForm {
    #[serde(default)]
    user: String,
    password: String,
    #[serde(rename = "_csrf")]
    csrf: String,
    next: Option<String>,
}

/// Check the password: 403 without the form's token, 429 when the
/// address has failed too often, 401 for a wrong password.
pub async fn submit(State(state): State<AppState>, req: Request) -> Response {
    let ip = client_ip(req.extensions());
    let expected = cookie(req.headers(), &login_cookie_name(&state));
    let device = cookie(req.headers(), &device_cookie_name(&state));
    let body: Bytes = match axum::body::to_bytes(req.into_body(), BODY_LIMIT).await {
        Ok(b) => b,
        Err(_) => {
            return refuse(
                StatusCode::PAYLOAD_TOO_LARGE,
                "That was not a password: the form was far too large.",
            )
        }
    };
    let Ok(form) = serde_urlencoded::from_bytes::<LoginForm>(&body) else {
        return refuse(
            StatusCode::BAD_REQUEST,
            "Enter your user name and password.",
        );
    };
    if !expected.as_ref().is_some_and(|e| auth::same(e, &form.csrf)) {
        tracing::warn!(%ip, "login refused: the form's token did not match");
        return refuse(
            StatusCode::FORBIDDEN,
            "The login form had expired: open it again and log in.",
        );
    }
    let next = form.next.as_deref().and_then(local_path).map(str::to_owned);
    let checker = state.clone();
    let (user, password) = (form.user.trim().to_owned(), form.password);
    let name = user.clone();
    let outcome = tokio::task::spawn_blocking(move || {
        checker
            .auth
            .login_from(ip, &name, &password, device.as_deref())
    })
    .await;
    // Only a name that could be a user's is written down: a password
    // typed into the name field is not kept.
    let shown =
        UserName::parse(&user).map_or_else(|_| "(not a user name)".to_owned(), |n| n.to_string());
    match &outcome {
        Ok(Ok(Login::Ok(_))) => tracing::info!(%ip, user = %shown, "login"),
        Ok(Ok(Login::Denied)) => {
            tracing::warn!(%ip, user = %shown, "login failed: wrong user name or password");
            state
                .record_failed_login(&shown, ip, "wrong user name or password")
                .await;
        }
        Ok(Ok(Login::Limited)) => {
            tracing::warn!(%ip, user = %shown, "login refused: too many failures");
            state
                .record_failed_login(&shown, ip, "too many failures")
                .await;
        }
        Ok(Err(e)) => tracing::error!(%ip, error = %e, "login check failed"),
        Err(e) => tracing::error!(%ip, error = %e, "login check failed"),
    }
    match outcome {
        Ok(Ok(Login::Ok(token))) => {
            // This browser is now one the user logs in from.
            let device = match state.auth.trust_device(&shown) {
                Ok(device) => device,
                Err(e) => return refuse(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string()),
            };
            let remembered = DEVICE_LIFETIME.as_secs();
            (
                StatusCode::SEE_OTHER,
                AppendHeaders([
                    (header::LOCATION, next.unwrap_or_else(|| "/".to_owned())),
                    (header::SET_COOKIE, state.session_cookie(Some(&token))),
                    (header::SET_COOKIE, login_cookie(&state, None)),
                    (
                        header::SET_COOKIE,
                        state.cookie_header(&device_cookie_name(&state), &device, Some(remembered)),
                    ),
                ]),
            )
                .into_response()
        }
        Ok(Ok(Login::Denied)) => fresh_form(
            &state,
            expected,
            StatusCode::UNAUTHORIZED,
            Some("Wrong user name or password."),
            next.as_deref(),
            shown_back(&user),
        ),
        Ok(Ok(Login::Limited)) => {
            let mut response = fresh_form(
                &state,
                expected,
                StatusCode::TOO_MANY_REQUESTS,
                Some("Too many failed attempts from your address or for this user; try again in 15 minutes."),
                next.as_deref(),
                shown_back(&user),
            );
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, header::HeaderValue::from_static("900"));
            response
        }
        Ok(Err(e)) => refuse(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string()),
        Err(_) => refuse(StatusCode::INTERNAL_SERVER_ERROR, "login check failed"),
    }
}

/// The name typed, back in the form after a refusal: only a name that
/// could be a user's (not a password typed into the wrong field).
fn shown_back(user: &str) -> &str {
    if UserName::parse(user).is_ok() {
        user
    } else {
        ""
    }
}

/// End the session: its token is revoked on the server, the cookie cleared.
pub async fn logout(State(state): State<AppState>, Extension(ctx): Extension<Ctx>) -> Response {
    state.auth.logout(&ctx.token);
    tracing::info!(user = %ctx.user.name, "logout");
    (
        StatusCode::SEE_OTHER,
        [
            (header::LOCATION, "/login".to_owned()),
            (header::SET_COOKIE, state.session_cookie(None)),
        ],
    )
        .into_response()
}
