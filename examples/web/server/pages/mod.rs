//! Server-rendered pages (maud: every interpolation is HTML-escaped) and
//! the shared layout. No inline script or style anywhere: the CSP forbids
//! both, so everything lives in the two embedded static files.

pub mod app;
pub mod builds;
pub mod dashboard;
pub mod databases;
pub mod deploys;
pub mod fleet;
pub mod history;
pub mod host;
pub mod login;
pub mod network;
pub mod one_off;
pub mod settings;
pub mod tokens;
pub mod users;

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use dokku::parse::logs::format_rfc3339_utc;
use maud::{html, Markup, PreEscaped, DOCTYPE};

use super::auth::{Role, Session};
use super::fleet::ALL_HOSTS;
use super::problem::Failure;
use super::{AppState, Ctx};

/// The page script (live logs, streamed output, reveal, typed confirm).
pub const APP_JS: &str = include_str!("../static/app.js");
/// The stylesheet.
pub const APP_CSS: &str = include_str!("../static/app.css");

/// The hidden CSRF field every form carries.
pub fn csrf(session: &Session) -> Markup {
    html! { input type="hidden" name="_csrf" value=(session.csrf); }
}

/// The hidden fields of a form with an `id`: the CSRF token, and the id so
/// that a refusal comes back to this form; plus the refusal itself, when
/// the last plain post of this form was refused.
pub fn form_head(session: &Session, id: &str) -> Markup {
    html! {
        (csrf(session))
        input type="hidden" name="_form" value=(id);
        @if let Some(problem) = session.problem.as_ref().filter(|p| p.form.as_deref() == Some(id)) {
            (problem_box(&problem.message, problem.dokku.as_deref()))
        }
    }
}

/// A refusal next to its form: our words, then Dokku's as Dokku's. The page
/// script builds the same markup (`.form-error`).
pub fn problem_box(message: &str, dokku: Option<&str>) -> Markup {
    html! {
        div.form-error role="alert" {
            p { (message) }
            @if let Some(dokku) = dokku {
                p.dokku-said { "Dokku said:" }
                pre.dokku { (dokku) }
            }
        }
    }
}

/// The `<head>`; pages for a session also get the script and the token
/// it sends with its requests.
fn head(title: &str, session: Option<&Session>) -> Markup {
    html! {
        head {
            meta charset="utf-8";
            meta name="viewport" content="width=device-width, initial-scale=1";
            title { (title) }
            link rel="stylesheet" href="/static/app.css";
            @if let Some(session) = session {
                meta name="csrf-token" content=(session.csrf);
                script src="/static/app.js" defer {}
            }
        }
    }
}

/// The header's host switcher: which host the page shows and, with
/// several, a link to the same page on each other host (its apps list when
/// it lacks the app, or from a page of the whole site) and to the fleet page.
fn switcher(ctx: &Ctx) -> Markup {
    let site = &ctx.site;
    html! {
        @if site.multi {
            details.switcher #host-switcher {
                summary aria-label="Switch host" { span.host #current-host { (ctx.host) } }
                ul {
                    li { a href="/fleet" aria-current=[(ctx.host == ALL_HOSTS).then_some("page")] { "Fleet overview" } }
                    // The hosts the user has a grant on.
                    @for host in site.hosts.iter().filter(|h| ctx.user.has_grant_on(&h.name)) {
                        li {
                            // A site page (users, tokens) has no equivalent on a host.
                            @let to = if ctx.host == ALL_HOSTS { format!("{}/", host.base) } else { site.equivalent(host, &ctx.path) };
                            a href=(to) data-host=(host.name)
                                aria-current=[(host.name == ctx.host).then_some("page")] { (host.name) }
                        }
                    }
                }
            }
        } @else {
            span.host #current-host { (ctx.host) }
        }
    }
}

/// A page with the navigation bar for a logged-in session; its title names
/// the page and the host (`api · demo · Dokku`).
pub fn layout(title: &str, ctx: &Ctx, body: Markup) -> Markup {
    let session = &ctx.session;
    let full = format!("{title} · {} · Dokku", ctx.host);
    let host_page = ctx.host != ALL_HOSTS;
    html! {
        (DOCTYPE)
        html lang="en" {
            (head(&full, Some(session)))
            body {
                header.top {
                    a.brand href=(ctx.at("/")) { "Dokku" }
                    (switcher(ctx))
                    nav {
                        @if host_page {
                            a href=(ctx.at("/")) { "Apps" }
                            @if ctx.may(Role::Viewer, None) { a href=(ctx.at("/databases")) { "Databases" } }
                            a href=(ctx.at("/history")) { "History" }
                        }
                        @if ctx.site.multi || !host_page { a href="/fleet" { "Fleet" } }
                        @if ctx.user.is_site_admin() { a href="/notifications" { "Notifications" } }
                        a href="/tokens" { "API tokens" }
                        a href="/sessions" { "Sessions" }
                        @if ctx.user.is_site_admin() { a href="/users" { "Users" } }
                    }
                    form.logout method="post" action="/logout" data-native {
                        (csrf(session))
                        span.role title="Logged in as" { (ctx.user.name) }
                        button.secondary type="submit" id="logout" { "Log out" }
                    }
                }
                main {
                    @if let Some(flash) = &session.flash {
                        p.flash role="status" { (flash) }
                    }
                    // A refusal whose form is not on this page.
                    @if let Some(problem) = session.problem.as_ref().filter(|p| p.form.is_none()) {
                        (problem_box(&problem.message, problem.dokku.as_deref()))
                    }
                    (body)
                }
                (confirm_dialog())
            }
        }
    }
}

/// The one confirmation dialog: the script fills in the question and what
/// will happen from the form's `data-confirm` and `data-consequence`.
fn confirm_dialog() -> Markup {
    html! {
        dialog #confirm aria-labelledby="confirm-title" {
            form method="dialog" {
                h2 #confirm-title {}
                p #confirm-consequence {}
                div.actions {
                    button.secondary type="submit" value="cancel" #confirm-cancel { "Cancel" }
                    button.danger-solid type="submit" value="ok" #confirm-ok { "Confirm" }
                }
            }
        }
    }
}

/// A bare page (login, errors before a session): no navigation.
pub fn bare(title: &str, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            (head(&format!("{title} · Dokku"), None))
            body { main.narrow { (body) } }
        }
    }
}

/// An error without a session (the login form's); the message is escaped
/// like everything else.
pub fn error_page(failure: &Failure) -> Markup {
    bare(
        "Error",
        html! {
            h1 { (heading(failure)) }
            (problem_box(&failure.message, failure.dokku.as_deref()))
            p { a href="/" { "Go to the dashboard" } }
        },
    )
}

fn heading(failure: &Failure) -> &'static str {
    match failure.status.as_u16() {
        404 => "Not found",
        401 => "Please log in",
        403 => "Not allowed",
        _ => "That did not work",
    }
}

/// A page that could not be shown, inside the navigation, with the way
/// back to where it belongs.
pub fn failure_page(failure: &Failure, ctx: &Ctx, back: &str) -> Markup {
    let fleet_page = ctx.host == ALL_HOSTS;
    let back_label = match back {
        _ if fleet_page => "Back to the fleet".to_owned(),
        "/" => "Back to the apps".to_owned(),
        "/databases" => "Back to the databases".to_owned(),
        "/history" => "Back to the history".to_owned(),
        "/host" => "Back to the host".to_owned(),
        other => match super::fleet::app_of(other) {
            Some(app) => format!("Back to {app}"),
            None => format!("Back to {other}"),
        },
    };
    layout(
        heading(failure),
        ctx,
        html! {
            h1 { (heading(failure)) }
            (problem_box(&failure.message, failure.dokku.as_deref()))
            p { a href=(if fleet_page { "/fleet".to_owned() } else { ctx.at(back) }) { (back_label) } }
        },
    )
}

/// How an admin repairs an ENV file Dokku can no longer read: no Dokku
/// command can, so this is a short procedure to run on the host.
pub fn corrupt_config_help(app: Option<&str>, global: bool) -> Markup {
    const GLOBAL_FILE: &str = "/var/lib/dokku/config/--global/ENV";
    let file = app.map_or_else(
        || GLOBAL_FILE.to_owned(),
        |app| format!("/var/lib/dokku/config/{app}/ENV"),
    );
    let check = app.map_or_else(
        || "dokku config:keys --global".to_owned(),
        |app| format!("dokku config:keys {app}"),
    );
    html! {
        div.corrupt-config role="note" {
            h3 { "How to repair it" }
            p {
                "Dokku wrote a value it cannot read back (one ending in a backslash, or in a "
                "double quote that a later change turned into one). Until the file is fixed, "
                "every config change on this environment fails, and so do deploys and restarts "
                "that read it; processes, domains and the other sections still work. No Dokku "
                "command can repair it: an admin does, on the host, as root."
            }
            ol {
                li {
                    "Find the broken line (Dokku before 0.38 keeps the file in /home/dokku/APP/ENV):"
                    pre { "grep -n '\\\\\"$' " (file) }
                    @if global && app.is_some() {
                        "The global file may be the broken one instead: " code { (GLOBAL_FILE) }
                    }
                }
                li {
                    "Delete that line, keeping the file's owner and mode (KEY is the line's key):"
                    pre { "sudo -u dokku sed -i '/^KEY=/d' " (file) }
                }
                li {
                    "Check that Dokku reads the file again:"
                    pre { (check) }
                }
                li {
                    "Set the value again in a form Dokku can store (not ending in a backslash or "
                    "a double quote; base64 if it must), then restart the app. Reload this page."
                }
            }
        }
    }
}

/// `2025-01-07 20:00:00 UTC` for a time, `—` for none.
pub fn timestamp(time: Option<SystemTime>) -> String {
    match time.and_then(|t| t.duration_since(UNIX_EPOCH).ok()) {
        Some(d) => unix_seconds(d.as_secs()),
        None => "—".to_owned(),
    }
}

/// `2025-01-07 20:00:00 UTC` for Unix seconds.
pub fn unix_seconds(seconds: u64) -> String {
    format!(
        "{} UTC",
        log_time(UNIX_EPOCH + Duration::from_secs(seconds))
    )
}

/// A form or query field as given, trimmed; blank is none.
pub fn filled(value: &Option<String>) -> Option<String> {
    value
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
}

/// The dashboard's fleet, and a selection of the hosts whose every app
/// the user may read (a viewer's grant on the whole host): what the fleet
/// pages that read hosts (machines, databases) ask. `None` without a
/// fleet or without such a host.
pub fn readable_fleet<'a>(
    state: &'a AppState,
    ctx: &Ctx,
) -> Option<(&'a dokku_fleet::Fleet, dokku_fleet::Selector)> {
    let names: Vec<dokku_fleet::HostName> = ctx
        .site
        .hosts
        .iter()
        .filter(|h| ctx.user.may(Role::Viewer, &h.name, None))
        .filter_map(|h| dokku_fleet::HostName::new(h.name.as_str()).ok())
        .collect();
    let view = state.site.fleet.as_ref()?;
    (!names.is_empty()).then(|| (view.fleet(), dokku_fleet::Selector::Names(names)))
}

/// `2025-01-07 20:00:00` (UTC, said once above the log) for a log line.
pub fn log_time(time: SystemTime) -> String {
    let iso = format_rfc3339_utc(time);
    // `2025-01-07T20:00:00Z` → `2025-01-07 20:00:00`
    iso.get(..19).unwrap_or(&iso).replacen('T', " ", 1)
}

/// `2025-01-07 20:00:00 UTC` for Unix milliseconds.
pub fn unix_ms(ms: i64) -> String {
    unix_seconds(u64::try_from(ms / 1000).unwrap_or(0))
}

/// An empty marker for places where a value is deliberately not shown.
pub fn masked() -> Markup {
    PreEscaped("&bull;&bull;&bull;&bull;&bull;&bull;&bull;&bull;".to_owned())
}

/// What a confirmation adds for a locked app: Dokku builds it anyway (its
/// deploy lock is a `flock`, which the file `apps:lock` makes does not
/// hold), and the build's end removes the lock.
pub fn lock_note(locked: bool) -> &'static str {
    match locked {
        true => {
            " It is locked (apps:lock): Dokku builds it anyway, and the build removes the lock."
        }
        false => "",
    }
}
