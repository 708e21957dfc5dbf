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

/// An error from an action on one app: the message, what to do about it
/// where there is something to say, and the way back to the app.
pub fn app_error_page(message: &str, app: &str, app_href: &str, error: &dokku::Error) -> Markup {
    let heading = match error {
        dokku::Error::UnstorableConfigValue { .. } => "Not sent: Dokku cannot store this value",
        dokku::Error::CorruptConfig { .. } => "This environment needs a repair on the host",
        _ => "Something went wrong",
    };
    bare(
        "Error",
        html! {
            h1 { (heading) }
            p.error { (message) }
            @if let dokku::Error::UnstorableConfigValue { .. } = error {
                p { "Nothing was sent to the host; the app's config is unchanged." }
            }
            @if let dokku::Error::CorruptConfig { app, global, .. } = error {
                (corrupt_config_help(app.as_deref(), *global))
            }
            p { a href={ (app_href) "#config" } { "Back to " (app) } " · " a href="/" { "All apps" } }
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
