//! API tokens: a logged-in person makes one (scoped to some hosts, some
//! apps and at most their own role, with an expiry), sees it once, lists
//! their tokens and revokes them. Only the token's hash is kept.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use dokku_history::Outcome;
use maud::{html, Markup};
use serde::Deserialize;

use super::super::api::tokens::{TokenRecord, TokenScope};
use super::super::auth::Role;
use super::super::{AppState, Ctx, WebError};
use super::app::card_empty;
use super::{form_head, layout, unix_seconds};

/// The longest a token may live, in days.
pub const MAX_DAYS: u64 = 365;

fn list(ctx: &Ctx, tokens: &[TokenRecord], now: u64) -> Markup {
    html! {
        @if tokens.is_empty() { (card_empty("No API tokens yet.", None)) }
        @else {
            div.scroll { table.tokens.cards {
                thead { tr { th { "Id" } th { "Label" } th { "Hosts" } th { "Apps" } th { "Role" } th { "Expires" } th { "State" } th {} } }
                tbody {
                    @for t in tokens {
                        tr #(format!("token-{}", t.id)) {
                            td { code { (t.id) } }
                            td { (t.label) }
                            td data-label="Hosts" { (t.scope.hosts.join(" ")) }
                            td data-label="Apps" { (t.scope.apps.join(" ")) }
                            td data-label="Role" { (t.scope.role.as_str()) }
                            td data-label="Expires" { (unix_seconds(t.expires_at)) }
                            td {
                                @if t.revoked_at.is_some() { "revoked" }
                                @else if t.is_live(now) { "live" }
                                @else { "expired" }
                            }
                            td {
                                @if t.revoked_at.is_none() {
                                    form.inline method="post" action={ "/tokens/" (t.id) "/revoke" } data-native
                                        data-confirm={ "Revoke token " (t.id) "?" }
                                        data-consequence="Programs using it are refused from now on." {
                                        (form_head(&ctx.session, &format!("revoke-{}", t.id)))
                                        button.danger type="submit" { "Revoke" }
                                    }
                                }
                            }
                        }
                    }
                }
            } }
        }
    }
}

fn page_body(state: &AppState, ctx: &Ctx, shown: Option<(&str, &TokenRecord)>) -> Markup {
    let owner = ctx.user.highest_role();
    let tokens = state.options.tokens.list(Some(ctx.session.user.as_str()));
    let now = state.options.tokens.clock().now();
    let body = html! {
        h1 { "API tokens" }
        @if let Some((token, record)) = shown {
            section.new-token #new-token {
                p.flash role="status" { "Token " code { (record.id) } " made. Copy it now: it is not shown again." }
                pre.token #token-value { (token) }
            }
        }
        p.muted { "A token lets a program call the JSON API (" a href="/api/v1/openapi.json" { "/api/v1" } ") as you, within the hosts, apps and role you give it. Send it as " code { "Authorization: Bearer dkr_…" } "." }
        form #token-create method="post" action="/tokens" data-native {
            (form_head(&ctx.session, "token-create"))
            input type="text" name="label" placeholder="what it is for (ci-deploy)" required aria-label="Label";
            input type="text" name="hosts" value="*" aria-label="Hosts" title="Host name patterns, * for any";
            input type="text" name="apps" value="*" aria-label="Apps" title="App name patterns, * for any";
            select name="role" aria-label="Role" {
                @for role in Role::ALL.into_iter().filter(|r| Some(*r) <= owner) {
                    option value=(role.as_str()) selected[role == Role::Viewer] { (role.as_str()) }
                }
            }
            input type="number" name="days" value="30" min="1" max=(MAX_DAYS) aria-label="Days until it expires";
            button type="submit" { "Make token" }
        }
        (list(ctx, &tokens, now))
    };
    layout("API tokens", ctx, body)
}

/// `GET /tokens`.
pub async fn page(State(state): State<AppState>, Extension(ctx): Extension<Ctx>) -> Markup {
    page_body(&state, &ctx, None)
}

/// `label=…&hosts=…&apps=…&role=…&days=…`.
#[derive(Debug, Deserialize)]
pub struct CreateForm {
    label: String,
    #[serde(default)]
    hosts: String,
    #[serde(default)]
    apps: String,
    role: String,
    days: String,
}

/// Patterns as typed: separated by spaces or commas; `*` for any.
fn patterns(raw: &str, what: &str) -> Result<Vec<String>, WebError> {
    let list: Vec<String> = raw
        .split([' ', ',', '\n', '\t'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(str::to_owned)
        .collect();
    let valid = |p: &String| {
        p.len() <= 100
            && p.bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'*' | b'-' | b'.' | b'_'))
    };
    if list.is_empty() {
        return Err(WebError::BadRequest(format!(
            "Name the {what} the token may reach (* for all)."
        )));
    }
    if let Some(bad) = list.iter().find(|p| !valid(p)) {
        return Err(WebError::BadRequest(format!(
            "{bad:?} is not a pattern of {what}: use letters, digits, '-', '.', '_' and '*'."
        )));
    }
    Ok(list)
}

/// What a person asked a token to be, checked: at most their own role.
pub fn scope_of(owner: Role, hosts: &str, apps: &str, role: &str) -> Result<TokenScope, WebError> {
    let role = Role::parse(role.trim())
        .ok_or_else(|| WebError::BadRequest("Choose viewer, deployer or admin.".to_owned()))?;
    if role > owner {
        return Err(WebError::BadRequest(format!(
            "A token can do at most what you can: you are {}, not {}.",
            owner.as_str(),
            role.as_str()
        )));
    }
    Ok(TokenScope {
        hosts: patterns(hosts, "hosts")?,
        apps: patterns(apps, "apps")?,
        role,
    })
}

/// What the trail records of a token made (here or by `web token
/// create`): `web:tokens:create ID` with its scope, label and life, as
/// the command's flags; never the token.
pub fn created_argv(record: &TokenRecord) -> Vec<String> {
    let scope = &record.scope;
    let days = record.expires_at.saturating_sub(record.created_at) / 86_400;
    [
        "web:tokens:create",
        &record.id,
        "--owner",
        &record.owner,
        "--role",
        scope.role.as_str(),
        "--hosts",
        &scope.hosts.join(","),
        "--apps",
        &scope.apps.join(","),
        "--days",
        &days.to_string(),
        "--label",
        &record.label,
    ]
    .map(str::to_owned)
    .to_vec()
}

/// `POST /tokens`: make a token and show it, once.
pub async fn create(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Form(form): Form<CreateForm>,
) -> Result<Response, WebError> {
    let Some(owner) = ctx.user.highest_role() else {
        return Err(WebError::BadRequest(
            "You have no grant to give a token: ask an admin for one.".to_owned(),
        ));
    };
    let scope = scope_of(owner, &form.hosts, &form.apps, &form.role)?;
    let label = form.label.trim();
    if label.is_empty() || label.len() > 100 {
        return Err(WebError::BadRequest(
            "Say what the token is for, in at most 100 characters.".to_owned(),
        ));
    }
    let days = form
        .days
        .trim()
        .parse::<u64>()
        .ok()
        .filter(|d| (1..=MAX_DAYS).contains(d))
        .ok_or_else(|| {
            WebError::BadRequest(format!(
                "A token lives 1 to {MAX_DAYS} days: enter a whole number."
            ))
        })?;
    // Nothing is made that the trail cannot record.
    state.history.check_writable().await?;
    let (token, record) = state
        .options
        .tokens
        .create(&ctx.session.user, label, scope, days * 86_400)
        .map_err(|e| WebError::BadRequest(format!("The token could not be kept: {e}.")))?;
    tracing::info!(token = %record.id, owner = %record.owner, "api token made");
    let argv = created_argv(&record);
    state
        .record(&ctx.session.user, argv, true, Outcome::Ok, None)
        .await?;
    Ok(page_body(&state, &ctx, Some((&token, &record))).into_response())
}

/// `POST /tokens/{id}/revoke`.
pub async fn revoke(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let owner = ctx.session.user.as_str();
    state.history.check_writable().await?;
    let found = state
        .options
        .tokens
        .revoke(Some(owner), &id)
        .map_err(|e| WebError::BadRequest(format!("The token could not be revoked: {e}.")))?;
    if !found {
        return Err(WebError::NotFound(format!("token {id} of yours")));
    }
    tracing::info!(token = %id, owner, "api token revoked");
    let argv = vec!["web:tokens:revoke".to_owned(), id.clone()];
    state.record(owner, argv, true, Outcome::Ok, None).await?;
    state.auth.flash(&ctx.token, format!("Revoked token {id}."));
    Ok(Redirect::to("/tokens").into_response())
}
