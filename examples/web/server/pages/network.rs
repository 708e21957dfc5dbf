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

use super::super::auth::Role;
use super::super::handlers::{app_name, changed};
use super::super::{doing, AppState, Ctx, WebError};
use super::app::{card_empty, card_error};
use super::{form_head, timestamp};

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
/// page script, which updates it in the same words (`span`) only as often
/// as the words can change: minutes from the last two hours on.
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
    let admin = ctx.can(Role::Admin);
    let active = matches!(&net.letsencrypt, Some(Ok(r)) if r.active);
    html! {
        section #tls {
            h2 { "TLS" }
            @match &net.certs {
                Err(e) => (card_error("read the certificate", e)),
                Ok(certs) if !certs.enabled => (card_empty("No certificate: served over plain HTTP only.", None)),
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
                                " (" (timestamp(Some(entry.expires_at))) ")"
                                @if entry.renewal_due() { " " span.badge.s-crashed { "renewal overdue" } }
                                @else { " · renewal due in " (span(entry.renews_in_secs)) }
                            }
                            (None, Some(at)) => {
                                (countdown(seconds_between(at, net.host_now)))
                                " (" (timestamp(Some(at))) ")"
                            }
                            (None, None) => span.muted { "unknown" },
                        }
                    }
                }
            }
            @match &net.letsencrypt {
                None => p.muted { "The letsencrypt plugin is not installed." },
                Some(Err(e)) => (card_error("read the Let's Encrypt status", e)),
                Some(Ok(le)) => p.le {
                    "Let's Encrypt: " strong { @if le.active { "active" } @else { "not active" } }
                    @if le.active { " · auto-renew " @if le.autorenew { "on" } @else { "off" } }
                    @if let Some(email) = le.email.effective() { " · account " (email) }
                },
            }
            @if admin && net.letsencrypt.is_some() {
                div.actions {
                    form #tls-enable-form method="post" action={ (url) "/tls/enable" } {
                        (form_head(&ctx.session, "tls-enable-form"))
                        button.secondary type="submit" #tls-enable { @if active { "Renew now" } @else { "Enable Let's Encrypt" } }
                    }
                    @if active {
                        form #tls-renew-form method="post" action={ (url) "/tls/renew" } {
                            (form_head(&ctx.session, "tls-renew-form"))
                            button.secondary type="submit" #tls-renew { "Renew if due" }
                        }
                    }
                }
            }
        }
    }
}

/// The ports panel.
pub fn ports_section(url: &str, ctx: &Ctx, app: &str, net: &Network) -> Markup {
    let admin = ctx.can(Role::Admin);
    html! {
        section #ports {
            h2 { "Ports" }
            @match &net.ports {
                Err(e) => (card_error("read the port mappings", e)),
                Ok(report) => {
                    @if report.map.is_empty() {
                        (card_empty("No mappings set.", Some("Dokku uses the ports it detected from the deploy.")))
                    }
                    ul.ports {
                        @for (i, m) in report.map.iter().enumerate() {
                            @let id = format!("port-remove-{i}");
                            li data-mapping=(m) {
                                code { (m.scheme) " " (m.host_port) " → " (m.container_port) }
                                @if admin {
                                    form.inline #(id) method="post" action={ (url) "/ports/remove" }
                                        data-confirm={ "Remove " (m.scheme) " " (m.host_port) " → " (m.container_port) " from " (app) "?" }
                                        data-consequence={ (app) " stops answering on " (m.scheme) " port " (m.host_port) " once the proxy is rebuilt." }
                                        data-ok="Remove" {
                                        (form_head(&ctx.session, &id))
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
                    (form_head(&ctx.session, "ports-add"))
                    select name="scheme" aria-label="Scheme" {
                        @for s in ["http", "https", "tcp", "udp"] { option value=(s) { (s) } }
                    }
                    input type="number" name="host" min="1" max="65535" placeholder="host" required aria-label="Host port";
                    input type="number" name="container" min="1" max="65535" placeholder="container" required aria-label="Container port";
                    button.secondary type="submit" { "Add mapping" }
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
        "enable" => {
            le.enable(&app)
                .await
                .map_err(doing(format!("get a certificate for {app}")))?;
            format!("Requested a Let's Encrypt certificate for {app}.")
        }
        "renew" => {
            le.auto_renew(&app)
                .await
                .map_err(doing(format!("renew the certificate of {app}")))?;
            format!("Renewed the certificate of {app} if it was due.")
        }
        other => return Err(WebError::NotFound(format!("action tls/{other}"))),
    };
    Ok(changed(&state, &ctx, &app, message))
}

/// `scheme=…&host=…&container=…` (add) or `mapping=…` (remove).
#[derive(Debug, Default, Deserialize)]
pub struct PortsForm {
    scheme: Option<String>,
    host: Option<String>,
    container: Option<String>,
    mapping: Option<String>,
}

const PORTS_RULE: &str =
    "A port mapping is a scheme (http, https, tcp or udp) and two ports from 1 to 65535.";

impl PortsForm {
    fn mapping(&self) -> Result<PortMapping, WebError> {
        let text = match (&self.mapping, &self.scheme, &self.host, &self.container) {
            (Some(m), _, _, _) => m.trim().to_owned(),
            (None, Some(s), Some(h), Some(c)) => format!("{}:{}:{}", s.trim(), h.trim(), c.trim()),
            _ => return Err(WebError::BadRequest(PORTS_RULE.to_owned())),
        };
        text.parse()
            .map_err(|_: dokku::Error| WebError::BadRequest(PORTS_RULE.to_owned()))
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
    let adding = match action.as_str() {
        "add" => true,
        "remove" => false,
        other => return Err(WebError::NotFound(format!("action ports/{other}"))),
    };
    let mapping = form.mapping()?;
    // A mapping the app has already (or lacks) changes nothing: say so
    // rather than run, and record, a command that does nothing.
    let has = state
        .dokku
        .ports()
        .report(&app)
        .await
        .map_err(doing(format!("read the port mappings of {app}")))?
        .map
        .contains(&mapping);
    if adding == has {
        return Err(WebError::BadRequest(if adding {
            format!("{app} already maps {mapping}: nothing to add.")
        } else {
            format!("{app} has no mapping {mapping}: nothing to remove.")
        }));
    }
    let mappings = std::slice::from_ref(&mapping);
    let dokku = state.audited(&ctx.session).await?;
    let message = if adding {
        dokku
            .ports()
            .add(&app, mappings)
            .await
            .map_err(doing(format!("add {mapping} to {app}")))?;
        format!("Added the port mapping {mapping} to {app}.")
    } else {
        dokku
            .ports()
            .remove(&app, mappings)
            .await
            .map_err(doing(format!("remove {mapping} from {app}")))?;
        format!("Removed the port mapping {mapping} from {app}.")
    };
    Ok(changed(&state, &ctx, &app, message))
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
