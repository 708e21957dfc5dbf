//! Users and sessions: the users page (admins of everything: add a user,
//! set a password, set or remove grants, delete a user; each change
//! recorded in the history as `web:users:…` by the admin) and the sessions
//! page (one's own live sessions, an admin of everything sees everyone's;
//! revoking one ends it and closes its streams).

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use dokku_history::Outcome;
use maud::{html, Markup};
use serde::Deserialize;

use super::super::auth;
use super::super::users::{Grant, User, UserError, UserName};
use super::super::{AppState, Ctx, WebError};
use super::dashboard::ago;
use super::{form_head, layout};

impl From<UserError> for WebError {
    fn from(e: UserError) -> Self {
        WebError::BadRequest(e.0)
    }
}

fn bad(e: auth::AuthError) -> WebError {
    WebError::BadRequest(e.0)
}

/// Back to a page with a message.
fn done(state: &AppState, ctx: &Ctx, to: &str, message: String) -> Response {
    state.auth.flash(&ctx.token, message);
    Redirect::to(to).into_response()
}

/// Refuse a change the history could not record (as `Audited` does,
/// failing closed), before anything changes.
async fn recordable(state: &AppState) -> Result<(), WebError> {
    state.history.check_writable().await?;
    Ok(())
}

/// Record a change to the users, by the admin who made it.
async fn record(state: &AppState, ctx: &Ctx, argv: Vec<String>) -> Result<(), WebError> {
    state
        .record(ctx.user.name.as_str(), argv, true, Outcome::Ok, None)
        .await?;
    Ok(())
}

/// A password's hash, off the async threads (argon2 is slow on purpose).
async fn hashed(password: String) -> Result<String, WebError> {
    tokio::task::spawn_blocking(move || auth::hash_password(&password))
        .await
        .map_err(|_| WebError::BadRequest("The password could not be hashed.".to_owned()))?
        .map_err(bad)
}

fn grants_text(user: &User) -> String {
    user.grants
        .iter()
        .map(Grant::line)
        .collect::<Vec<_>>()
        .join("\n")
}

fn user_row(ctx: &Ctx, user: &User) -> Markup {
    let name = user.name.as_str();
    let url = format!("/users/{name}");
    html! {
        tr data-user=(name) {
            th scope="row" { (name) }
            td {
                form #(format!("grants-{name}")) method="post" action={ (url) "/grants" } {
                    (form_head(&ctx.session, &format!("grants-{name}")))
                    textarea name="grants" rows="3" aria-label={ "Grants of " (name) } { (grants_text(user)) }
                    button.secondary type="submit" { "Set grants" }
                }
            }
            td {
                form #(format!("password-{name}")) method="post" action={ (url) "/password" } {
                    (form_head(&ctx.session, &format!("password-{name}")))
                    input type="password" name="password" autocomplete="new-password" required aria-label={ "New password for " (name) };
                    button.secondary type="submit" { "Set password" }
                }
                form #(format!("delete-{name}")) method="post" action={ (url) "/delete" }
                    data-confirm={ "Delete " (name) "?" }
                    data-consequence={ (name) " can no longer log in; their sessions end now." }
                    data-ok="Delete" {
                    (form_head(&ctx.session, &format!("delete-{name}")))
                    button.danger type="submit" { "Delete" }
                }
            }
        }
    }
}

/// `GET /users`.
pub async fn page(State(state): State<AppState>, Extension(ctx): Extension<Ctx>) -> Markup {
    let users = state.auth.users().list();
    let body = html! {
        h1 { "Users " span.muted { (users.len()) } }
        p.muted {
            "A grant is a line: the role (viewer, deployer or admin), the hosts (* or a host's name) "
            "and the apps (*, an app's name, or a name with *, as in team-a-*). "
            "Creating apps, databases and a host's whole history need a grant on every app (*) of the host; "
            "managing users needs admin * *."
        }
        div.scroll {
            table.users #users {
                thead { tr { th { "User" } th { "Grants" } th { "Password" } } }
                tbody { @for user in &users { (user_row(&ctx, user)) } }
            }
        }
        h2 { "Add a user" }
        form #user-add method="post" action="/users" {
            (form_head(&ctx.session, "user-add"))
            label for="new-user" { "Name" }
            input #new-user type="text" name="name" required autocomplete="off" maxlength="32";
            label for="new-password" { "Password" }
            input #new-password type="password" name="password" required autocomplete="new-password";
            label for="new-grants" { "Grants" }
            textarea #new-grants name="grants" rows="3" placeholder="deployer * team-a-*" {}
            button type="submit" { "Add user" }
        }
    };
    layout("Users", &ctx, body)
}

/// The add-a-user form.
#[derive(Debug, Deserialize)]
pub struct AddForm {
    name: String,
    password: String,
    #[serde(default)]
    grants: String,
}

/// `POST /users`.
pub async fn add(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Form(form): Form<AddForm>,
) -> Result<Response, WebError> {
    let name = UserName::parse(form.name.trim())?;
    recordable(&state).await?;
    let grants = Grant::parse_lines(&form.grants)?;
    let password = hashed(form.password).await?;
    let user = User {
        name: name.clone(),
        password,
        grants,
    };
    state.auth.users().change(|all| {
        if all.contains_key(&name) {
            return Err(UserError(format!("There is already a user called {name}.")));
        }
        all.insert(name.clone(), user);
        Ok(())
    })?;
    record(
        &state,
        &ctx,
        vec!["web:users:add".to_owned(), name.to_string()],
    )
    .await?;
    Ok(done(&state, &ctx, "/users", format!("Added {name}.")))
}

/// A user named in the path, who must exist.
fn existing(state: &AppState, raw: &str) -> Result<UserName, WebError> {
    UserName::parse(raw)
        .ok()
        .filter(|n| state.auth.users().get(n.as_str()).is_some())
        .ok_or_else(|| WebError::NotFound(format!("user called {raw}")))
}

/// The set-password form.
#[derive(Debug, Deserialize)]
pub struct PasswordForm {
    password: String,
}

/// `POST /users/{user}/password`: the user's other sessions end.
pub async fn password(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(user): Path<String>,
    Form(form): Form<PasswordForm>,
) -> Result<Response, WebError> {
    let name = existing(&state, &user)?;
    recordable(&state).await?;
    let password = hashed(form.password).await?;
    state.auth.users().change(|all| {
        let user = all
            .get_mut(&name)
            .ok_or_else(|| UserError(format!("There is no user called {name}.")))?;
        user.password = password.clone();
        Ok(())
    })?;
    if ctx.session.user == name.as_str() {
        state.auth.signed_in_again(&ctx.session.id, &password);
    }
    for session in state.auth.sessions() {
        if session.user == name.as_str() && session.id != ctx.session.id {
            state.auth.revoke(&session.id);
        }
    }
    record(
        &state,
        &ctx,
        vec!["web:users:password".to_owned(), name.to_string()],
    )
    .await?;
    Ok(done(
        &state,
        &ctx,
        "/users",
        format!("Set a new password for {name}; their other sessions ended."),
    ))
}

/// The set-grants form: one grant a line.
#[derive(Debug, Deserialize)]
pub struct GrantsForm {
    #[serde(default)]
    grants: String,
}

/// `POST /users/{user}/grants`: the user's grants become the lines sent
/// (a line removed is a grant removed). They apply at the user's next
/// request.
pub async fn grants(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(user): Path<String>,
    Form(form): Form<GrantsForm>,
) -> Result<Response, WebError> {
    let name = existing(&state, &user)?;
    recordable(&state).await?;
    let grants = Grant::parse_lines(&form.grants)?;
    let lines: Vec<String> = grants.iter().map(Grant::line).collect();
    state.auth.users().change(|all| {
        let user = all
            .get_mut(&name)
            .ok_or_else(|| UserError(format!("There is no user called {name}.")))?;
        user.grants = grants;
        Ok(())
    })?;
    let mut argv = vec!["web:users:grants".to_owned(), name.to_string()];
    argv.extend(lines);
    record(&state, &ctx, argv).await?;
    Ok(done(
        &state,
        &ctx,
        "/users",
        format!("Set the grants of {name}."),
    ))
}

/// `POST /users/{user}/delete`: the user's sessions end.
pub async fn delete(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(user): Path<String>,
) -> Result<Response, WebError> {
    let name = existing(&state, &user)?;
    recordable(&state).await?;
    state.auth.users().change(|all| {
        all.remove(&name);
        Ok(())
    })?;
    state.auth.end_sessions_of(name.as_str());
    record(
        &state,
        &ctx,
        vec!["web:users:delete".to_owned(), name.to_string()],
    )
    .await?;
    Ok(done(&state, &ctx, "/users", format!("Deleted {name}.")))
}

/// Whether `ctx`'s user may see and revoke a session of `owner`: their
/// own, or anyone's for an admin of everything.
fn may_manage(ctx: &Ctx, owner: &str) -> bool {
    owner == ctx.user.name.as_str() || ctx.user.is_site_admin()
}

/// `GET /sessions`.
pub async fn sessions(State(state): State<AppState>, Extension(ctx): Extension<Ctx>) -> Markup {
    let shown: Vec<_> = state
        .auth
        .sessions()
        .into_iter()
        .filter(|s| may_manage(&ctx, &s.user))
        .collect();
    let body = html! {
        h1 { "Sessions " span.muted { (shown.len()) } }
        @if ctx.user.is_site_admin() { p.muted { "Everyone's live sessions." } }
        @else { p.muted { "Your live sessions." } }
        div.scroll {
            table.sessions #sessions {
                thead { tr { th { "User" } th { "From" } th { "Logged in" } th { "Last used" } th {} } }
                tbody {
                    @for s in &shown {
                        tr data-session=(s.id) {
                            th scope="row" { (s.user) @if s.id == ctx.session.id { " " span.muted { "(this one)" } } }
                            td { (s.ip) }
                            td { (ago(s.age)) }
                            td { (ago(s.idle)) }
                            td {
                                form #(format!("revoke-{}", s.id)) method="post" action={ "/sessions/" (s.id) "/revoke" } {
                                    (form_head(&ctx.session, &format!("revoke-{}", s.id)))
                                    button.secondary type="submit" { "Revoke" }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    layout("Sessions", &ctx, body)
}

/// `POST /sessions/{id}/revoke`: the session ends and its streams close.
/// Someone else's session (unless an admin of everything) is not found,
/// like one that does not exist.
pub async fn revoke(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let found = state
        .auth
        .sessions()
        .into_iter()
        .find(|s| s.id == id && may_manage(&ctx, &s.user))
        .ok_or_else(|| WebError::NotFound("such session".to_owned()))?;
    recordable(&state).await?;
    state.auth.revoke(&found.id);
    record(
        &state,
        &ctx,
        vec![
            "web:sessions:revoke".to_owned(),
            found.user.clone(),
            found.id.clone(),
        ],
    )
    .await?;
    if found.id == ctx.session.id {
        return Ok(Redirect::to("/login").into_response());
    }
    Ok(done(
        &state,
        &ctx,
        "/sessions",
        format!("Ended a session of {}.", found.user),
    ))
}
