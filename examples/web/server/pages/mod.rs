//! Server-rendered pages (maud: every interpolation is HTML-escaped) and
//! the shared layout. No inline script or style anywhere: the CSP forbids
//! both, so everything lives in the two embedded static files.

pub mod app;
pub mod dashboard;
pub mod databases;
pub mod history;
pub mod login;
pub mod network;

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use dokku::parse::logs::format_rfc3339_utc;
use maud::{html, Markup, PreEscaped, DOCTYPE};

use super::auth::Session;

/// The page script (live logs, streamed output, reveal, typed confirm).
pub const APP_JS: &str = include_str!("../static/app.js");
/// The stylesheet.
pub const APP_CSS: &str = include_str!("../static/app.css");

/// The hidden CSRF field every form carries.
pub fn csrf(session: &Session) -> Markup {
    html! { input type="hidden" name="_csrf" value=(session.csrf); }
}

/// The `<head>`; pages for a session also get the script and the token
/// it sends with its requests.
fn head(title: &str, session: Option<&Session>) -> Markup {
    html! {
        head {
            meta charset="utf-8";
            meta name="viewport" content="width=device-width, initial-scale=1";
            title { (title) " · Dokku" }
            link rel="stylesheet" href="/static/app.css";
            @if let Some(session) = session {
                meta name="csrf-token" content=(session.csrf);
                script src="/static/app.js" defer {}
            }
        }
    }
}

/// A page with the navigation bar for a logged-in session.
pub fn layout(title: &str, session: &Session, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            (head(title, Some(session)))
            body {
                header.top {
                    a.brand href="/" { "Dokku" }
                    nav {
                        a href="/" { "Apps" }
                        a href="/databases" { "Databases" }
                        a href="/history" { "History" }
                    }
                    form.logout method="post" action="/logout" {
                        (csrf(session))
                        span.role { (session.role.as_str()) }
                        button type="submit" id="logout" { "Log out" }
                    }
                }
                main {
                    @if let Some(flash) = &session.flash {
                        p.flash role="status" { (flash) }
                    }
                    (body)
                }
            }
        }
    }
}

/// A bare page (login, errors): no navigation, no session.
pub fn bare(title: &str, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            (head(title, None))
            body { main.narrow { (body) } }
        }
    }
}

/// An error page; the message is escaped like everything else.
pub fn error_page(message: &str) -> Markup {
    bare(
        "Error",
        html! {
            h1 { "Something went wrong" }
            p.error { (message) }
            p { a href="/" { "Back to the apps" } }
        },
    )
}

/// `2025-01-07 20:00:00` (UTC) for a time, `—` for none.
pub fn timestamp(time: Option<SystemTime>) -> String {
    match time.and_then(|t| t.duration_since(UNIX_EPOCH).ok()) {
        Some(d) => unix_seconds(d.as_secs()),
        None => "—".to_owned(),
    }
}

/// `2025-01-07 20:00:00` (UTC) for Unix seconds.
pub fn unix_seconds(seconds: u64) -> String {
    let iso = format_rfc3339_utc(UNIX_EPOCH + Duration::from_secs(seconds));
    // `2025-01-07T20:00:00Z` → `2025-01-07 20:00:00`
    iso.get(..19).unwrap_or(&iso).replacen('T', " ", 1)
}

/// `2025-01-07 20:00:00` (UTC) for Unix milliseconds.
pub fn unix_ms(ms: i64) -> String {
    unix_seconds(u64::try_from(ms / 1000).unwrap_or(0))
}

/// An empty marker for places where a value is deliberately not shown.
pub fn masked() -> Markup {
    PreEscaped("&bull;&bull;&bull;&bull;&bull;&bull;&bull;&bull;".to_owned())
}
