//! An app's TLS panel (the certificate Dokku serves, Let's Encrypt status,
//! an expiry countdown; enable and renew) and ports panel (the proxy's
//! port mappings; add and remove).
//!
//! Countdowns run on the host's clock: `letsencrypt:list` says how long
//! each certificate has left as the host computes it, so the host's "now"
//! is known even when it differs from this machine's (the simulated demo
//! host lives in 2025). Without a listed certificate this machine's clock
//! is used.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::extract::{Path, State};
use axum::response::Response;
use axum::{Extension, Form};
use dokku::model::certs::CertsReport;
use dokku::model::letsencrypt::{LetsencryptListEntry, LetsencryptReport};
use dokku::model::ports::{PortMapping, PortsReport};
use dokku::{AppName, Capabilities, Dokku};
use maud::{html, Markup};
use serde::Deserialize;

use super::super::handlers::{app_name, changed};
use super::super::{AppState, Ctx, WebError};
use super::{csrf, timestamp};

/// What the TLS and ports panels show.
pub struct Network {
    certs: dokku::Result<CertsReport>,
    /// `None`: the letsencrypt plugin is not installed.
    letsencrypt: Option<dokku::Result<LetsencryptReport>>,
    listed: Option<LetsencryptListEntry>,
    host_now: SystemTime,
    ports: dokku::Result<PortsReport>,
}

/// Whether the host has the letsencrypt plugin.
fn has_letsencrypt(caps: &Capabilities) -> bool {
    caps.plugin("letsencrypt").is_some()
}

/// Read the panels' data: `certs:report`, `ports:report`, and with the
/// plugin `letsencrypt:report` and `letsencrypt:list`, all at once.
pub async fn fetch(dokku: &Dokku, caps: &Capabilities, app: &AppName) -> Network {
    let letsencrypt = has_letsencrypt(caps);
    let (certs, ports, report, list) = tokio::join!(
        dokku.certs().report(app),
        dokku.ports().report(app),
        async {
            match letsencrypt {
                true => Some(dokku.letsencrypt().report(app).await),
                false => None,
            }
        },
        async {
            match letsencrypt {
                true => dokku.letsencrypt().list().await.ok(),
                false => None,
            }
        },
    );
    let list = list.unwrap_or_default();
    let host_now = list
        .first()
        .and_then(|e| shift(e.expires_at, -e.expires_in_secs))
        .unwrap_or_else(SystemTime::now);
    Network {
        certs,
        letsencrypt: report,
        listed: list.into_iter().find(|e| &e.app == app),
        host_now,
        ports,
    }
}

fn shift(time: SystemTime, secs: i64) -> Option<SystemTime> {
    let by = Duration::from_secs(secs.unsigned_abs());
    match secs >= 0 {
        true => time.checked_add(by),
        false => time.checked_sub(by),
    }
}

/// `61 days`, `5 hours`, `12 minutes` for a span in seconds (sign ignored).
pub fn span(secs: i64) -> String {
    let s = secs.unsigned_abs();
    let (n, unit) = match s {
        s if s >= 2 * 86_400 => (s / 86_400, "days"),
        s if s >= 2 * 3_600 => (s / 3_600, "hours"),
        s if s >= 120 => (s / 60, "minutes"),
        s => (s, "seconds"),
    };
    format!("{n} {unit}")
}

/// "expires in 61 days" / "expired 3 days ago", with the seconds for the
/// page script's live countdown.
fn countdown(secs: i64) -> Markup {
    html! {
        @if secs >= 0 {
            span.countdown data-seconds=(secs) { "expires in " (span(secs)) }
        } @else {
            span.countdown.expired data-seconds=(secs) { "expired " (span(secs)) " ago" }
        }
    }
}

fn seconds_between(later: SystemTime, earlier: SystemTime) -> i64 {
    let secs = |t: SystemTime| {
        t.duration_since(UNIX_EPOCH)
            .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
            .unwrap_or(0)
    };
    secs(later) - secs(earlier)
}

/// The TLS panel.
pub fn tls_section(url: &str, ctx: &Ctx, net: &Network) -> Markup {
    let admin = ctx.session.is_admin();
    let active = matches!(&net.letsencrypt, Some(Ok(r)) if r.active);
    html! {
        section #tls {
            h2 { "TLS" }
            @match &net.certs {
                Err(e) => p.error { (e) },
                Ok(certs) if !certs.enabled => p.muted { "No certificate: served over plain HTTP only." },
                Ok(certs) => dl.facts {
                    dt { "Certificate" }
                    dd {
                        @if certs.is_ca_verified() { "verified by a certificate authority" }
                        @else { (certs.verified.as_deref().unwrap_or("unverified")) }
                    }
                    @if let Some(issuer) = &certs.issuer { dt { "Issuer" } dd { (issuer) } }
                    @if !certs.hostnames.is_empty() {
                        dt { "Hostnames" } dd { @for h in &certs.hostnames { code { (h) } " " } }
                    }
                    dt { "Expiry" }
                    dd.expiry {
                        @match (&net.listed, certs.expires_at) {
                            (Some(entry), _) => {
                                (countdown(entry.expires_in_secs))
                                " (" (timestamp(Some(entry.expires_at))) " UTC)"
                                @if entry.renewal_due() { " " span.badge.s-crashed { "renewal overdue" } }
                                @else { " · renewal due in " (span(entry.renews_in_secs)) }
                            }
                            (None, Some(at)) => {
                                (countdown(seconds_between(at, net.host_now)))
                                " (" (timestamp(Some(at))) " UTC)"
                            }
                            (None, None) => span.muted { "unknown" },
                        }
                    }
                }
            }
            @match &net.letsencrypt {
                None => p.muted { "The letsencrypt plugin is not installed." },
                Some(Err(e)) => p.error { (e) },
                Some(Ok(le)) => p.le {
                    "Let's Encrypt: " strong { @if le.active { "active" } @else { "not active" } }
                    @if le.active { " · auto-renew " @if le.autorenew { "on" } @else { "off" } }
                    @if let Some(email) = le.email.effective() { " · account " (email) }
                },
            }
            @if admin && net.letsencrypt.is_some() {
                div.actions {
                    form method="post" action={ (url) "/tls/enable" } {
                        (csrf(&ctx.session))
                        button type="submit" #tls-enable { @if active { "Renew now" } @else { "Enable Let's Encrypt" } }
                    }
                    @if active {
                        form method="post" action={ (url) "/tls/renew" } {
                            (csrf(&ctx.session))
                            button type="submit" #tls-renew { "Renew if due" }
                        }
                    }
                }
            }
        }
    }
}

/// The ports panel.
pub fn ports_section(url: &str, ctx: &Ctx, net: &Network) -> Markup {
    let admin = ctx.session.is_admin();
    html! {
        section #ports {
            h2 { "Ports" }
            @match &net.ports {
                Err(e) => p.error { (e) },
                Ok(report) => {
                    @if report.map.is_empty() {
                        p.muted { "No mappings set." }
                    }
                    ul.ports {
                        @for m in &report.map {
                            li data-mapping=(m) {
                                code { (m.scheme) " " (m.host_port) " → " (m.container_port) }
                                @if admin {
                                    form.inline method="post" action={ (url) "/ports/remove" } {
                                        (csrf(&ctx.session))
                                        input type="hidden" name="mapping" value=(m);
                                        button.danger type="submit" { "Remove" }
                                    }
                                }
                            }
                        }
                    }
                    @if !report.detected.is_empty() {
                        p.muted {
                            "Detected from the deploy"
                            @if !report.map.is_empty() { " (unused while mappings are set)" }
                            ": " @for m in &report.detected { code { (m) } " " }
                        }
                    }
                }
            }
            @if admin {
                form.inline #ports-add method="post" action={ (url) "/ports/add" } {
                    (csrf(&ctx.session))
                    select name="scheme" aria-label="Scheme" {
                        @for s in ["http", "https", "tcp", "udp"] { option value=(s) { (s) } }
                    }
                    input type="number" name="host" min="1" max="65535" placeholder="host" required aria-label="Host port";
                    input type="number" name="container" min="1" max="65535" placeholder="container" required aria-label="Container port";
                    button type="submit" { "Add mapping" }
                }
            }
        }
    }
}

/// `POST /apps/{app}/tls/{enable|renew}`: `letsencrypt:enable` (issue or
/// renew now) or `letsencrypt:auto-renew` (renew only if due).
pub async fn tls(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path((app, action)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let app = app_name(&app)?;
    let dokku = state.audited(&ctx.session).await?;
    let le = dokku.letsencrypt();
    let message = match action.as_str() {
        "enable" => le
            .enable(&app)
            .await
            .map(|()| "requested a Let's Encrypt certificate"),
        "renew" => le
            .auto_renew(&app)
            .await
            .map(|()| "renewed the certificate if it was due"),
        other => return Err(WebError::NotFound(format!("tls/{other}"))),
    }?;
    Ok(changed(&state, &ctx, &app, format!("{message} for {app}")))
}

/// `scheme=…&host=…&container=…` (add) or `mapping=…` (remove).
#[derive(Debug, Default, Deserialize)]
pub struct PortsForm {
    scheme: Option<String>,
    host: Option<String>,
    container: Option<String>,
    mapping: Option<String>,
}

impl PortsForm {
    fn mapping(&self) -> Result<PortMapping, WebError> {
        let text = match (&self.mapping, &self.scheme, &self.host, &self.container) {
            (Some(m), _, _, _) => m.trim().to_owned(),
            (None, Some(s), Some(h), Some(c)) => format!("{}:{}:{}", s.trim(), h.trim(), c.trim()),
            _ => return Err(WebError::BadRequest("a scheme and two ports".to_owned())),
        };
        text.parse()
            .map_err(|e: dokku::Error| WebError::BadRequest(e.to_string()))
    }
}

/// `POST /apps/{app}/ports/{add|remove}`.
pub async fn ports(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path((app, action)): Path<(String, String)>,
    Form(form): Form<PortsForm>,
) -> Result<Response, WebError> {
    let app = app_name(&app)?;
    let mapping = form.mapping()?;
    let mappings = std::slice::from_ref(&mapping);
    let dokku = state.audited(&ctx.session).await?;
    let done = match action.as_str() {
        "add" => dokku.ports().add(&app, mappings).await.map(|()| "added"),
        "remove" => dokku
            .ports()
            .remove(&app, mappings)
            .await
            .map(|()| "removed"),
        other => return Err(WebError::NotFound(format!("ports/{other}"))),
    }?;
    Ok(changed(
        &state,
        &ctx,
        &app,
        format!("{done} port mapping {mapping}"),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_read_like_a_person_would_say_them() {
        assert_eq!(span(61 * 86_400 + 5), "61 days");
        assert_eq!(span(-3 * 86_400), "3 days");
        assert_eq!(span(36 * 3_600), "36 hours");
        assert_eq!(span(300), "5 minutes");
        assert_eq!(span(42), "42 seconds");
        let t = UNIX_EPOCH + Duration::from_secs(1_000);
        assert_eq!(shift(t, -400), Some(UNIX_EPOCH + Duration::from_secs(600)));
        assert_eq!(seconds_between(t, UNIX_EPOCH), 1_000);
    }
}
