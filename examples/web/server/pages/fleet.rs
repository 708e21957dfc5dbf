//! The fleet page: one row per host with the facts of `cli fleet status`
//! — its Dokku version, its apps by state, the apps that should run and do
//! not (each a link to its page on that host), its certificates expiring
//! soon — or why the host could not be read. It shows the kept reading
//! with its age and never waits on a host ([`super::super::fleet`]); the
//! page reloads itself to follow new readings.

use std::time::{Duration, SystemTime};

use axum::extract::State;
use axum::Extension;
use dokku::AppName;
use maud::{html, Markup};

use super::super::auth::Role;
use super::super::data::status_class;
use super::super::fleet::{FleetStatus, HostStatus, SiteHost};
use super::super::handlers::app_url;
use super::super::notifications::Marked;
use super::super::{AppState, Ctx};
use super::dashboard::ago;
use super::{layout, log_time};

/// Seconds before the page reloads while the first reading is on its way.
const PENDING_RELOAD: u64 = 2;

/// `in 5 days`, `in 3 hours`, `expired 2 days ago`.
fn expiry(at: SystemTime, now: SystemTime) -> String {
    const DAY: u64 = 24 * 3600;
    match at.duration_since(now) {
        Ok(left) if left.as_secs() >= DAY => format!("in {} days", left.as_secs() / DAY),
        Ok(left) => format!("in {} hours", left.as_secs() / 3600),
        Err(e) => format!("expired {}", ago(e.duration())),
    }
}

// The headers of the two columns whose values ("none", "none soon") need
// them on a phone too, where each row is a card.
const FAILING: &str = "Failing";
const EXPIRING: &str = "Certificates expiring";

/// A host's disk 80% full or more, as last read (its host page, the
/// machines page, the disk watcher), for whoever may read the host.
fn disk_badge(host: &SiteHost, ctx: &Ctx) -> Option<Markup> {
    if !ctx.user.may(Role::Viewer, &host.name, None) {
        return None;
    }
    let disk = host.watch.filling_disk(&host.name)?;
    let class = if disk.is_full() {
        "s-crashed"
    } else {
        "s-mixed"
    };
    Some(html! {
        a class={ "badge disk " (class) } href={ (host.base) "/host" } title={ "read " (log_time(disk.read_at)) " UTC" } {
            @if disk.inodes { "inodes of " (disk.mounted_on) " " (disk.used_percent) "% used" }
            @else { "disk " (disk.mounted_on) " " (disk.used_percent) "% full" }
        }
    })
}

fn host_row(row: &HostStatus, host: Option<&SiteHost>, marked: &Marked, ctx: &Ctx) -> Markup {
    let base = host.map_or("", |h| h.base.as_str());
    let home = format!("{base}/");
    html! {
        tr data-host=(row.name) {
            th scope="row" {
                a.host-name href=(home) { (row.name) }
                br; span.muted { (row.target) }
                @if let Some(badge) = host.and_then(|h| disk_badge(h, ctx)) { br; (badge) }
            }
            @if let Some(problem) = &row.problem {
                @if row.version.is_none() && row.states.is_empty() {
                    td colspan="4" {
                        span.badge.s-crashed.unreachable { "unreachable" }
                        " " span.problem { (problem) }
                    }
                } @else {
                    (facts(row, base, marked))
                }
            } @else {
                (facts(row, base, marked))
            }
        }
    }
}

fn facts(row: &HostStatus, base: &str, marked: &Marked) -> Markup {
    let failed = &marked.failed;
    let deploy_failed = |app: &AppName| {
        html! { @if failed.contains(app) { " " (super::dashboard::deploy_failed(base, app)) } }
    };
    let running_but_failed = failed
        .iter()
        .filter(|a| !row.failing.iter().any(|f| &f.app == *a));
    html! {
        td.version {
            @match row.version {
                Some(v) => { "Dokku " (v) @if row.behind { " " span.badge.s-mixed { "behind" } } }
                None => span.muted { "—" },
            }
        }
        td.states {
            @if row.states.is_empty() { span.muted { "no apps" } }
            @for (status, n) in &row.states {
                span class={ "badge " (status_class(*status)) } { (status.as_str()) " " strong { (n) } } " "
            }
            @for app in &marked.deploying {
                br;
                a.app-name href={ (base) (app_url(app.as_str())) } title=(app) { (app) }
                " " (super::dashboard::deploying(base, app))
            }
        }
        td.failing data-label=(FAILING) {
            @if row.failing.is_empty() && failed.is_empty() { span.muted { "none" } } @else {
            ul {
                @for app in &row.failing {
                    li {
                        a.app-name href={ (base) (app_url(app.app.as_str())) } title=(app.app) { (app.app) }
                        " " span class={ "badge " (status_class(app.status)) } { (app.status.as_str()) }
                        (deploy_failed(&app.app))
                    }
                }
                @for app in running_but_failed {
                    li {
                        a.app-name href={ (base) (app_url(app.as_str())) } title=(app) { (app) }
                        (deploy_failed(app))
                    }
                }
            } }
        }
        td.certs data-label=(EXPIRING) {
            @if row.expiring.is_empty() { span.muted { "none soon" } } @else {
            ul {
                @for cert in &row.expiring {
                    li {
                        a href={ (base) (app_url(cert.app.as_str())) "#tls" } { (cert.app) }
                        " " (expiry(cert.expires_at, row.now))
                    }
                }
            } }
            @if let Some(problem) = &row.problem { p.problem { (problem) } }
        }
    }
}

/// `1 app`, `2 apps`.
fn apps(n: usize) -> String {
    match n {
        1 => "1 app".to_owned(),
        n => format!("{n} apps"),
    }
}

fn render(status: &FleetStatus, age: Duration, ctx: &Ctx) -> Markup {
    let down = status
        .hosts
        .iter()
        .filter(|h| h.version.is_none() && h.problem.is_some())
        .count();
    let failing: usize = status.hosts.iter().map(|h| h.failing.len()).sum();
    // Each host's marks, read once for its row and the counts.
    let rows: Vec<(&HostStatus, Option<&SiteHost>, Marked)> = status
        .hosts
        .iter()
        .map(|h| {
            let host = ctx.site.host(h.name.as_str());
            let marked = host.map_or_else(Marked::default, |host| {
                host.watch.marked(&ctx.user, &host.name)
            });
            (h, host, marked)
        })
        .collect();
    let failed: usize = rows.iter().map(|(_, _, m)| m.failed.len()).sum();
    let deploying: usize = rows.iter().map(|(_, _, m)| m.deploying.len()).sum();
    html! {
        p.refresh #fleet-age aria-live="polite" {
            (status.hosts.len()) " hosts · " (apps(failing)) " not running · "
            @if failed > 0 { (apps(failed)) " whose last deploy failed · " }
            @if deploying > 0 { (apps(deploying)) " being deployed · " }
            @if down > 0 { strong { (down) " unreachable" } " · " }
            "read " (ago(age)) " · "
            a href="/fleet/machines" { "memory and disks" } " · "
            a href="/fleet/databases" { "database backups" }
        }
        div.scroll {
            table.fleet.cards #fleet {
                thead { tr { th { "Host" } th { "Version" } th { "Apps by state" } th { (FAILING) } th { (EXPIRING) } } }
                tbody {
                    @for (row, host, marked) in &rows {
                        (host_row(row, *host, marked, ctx))
                    }
                }
            }
        }
    }
}

/// `GET /fleet`: the kept fleet status with its age; a new reading starts
/// in the background when it is old, and the page reloads to show it.
/// The fleet as `ctx`'s user may see it: only hosts they have a grant
/// on; on a host where they may not read every app, only their apps (the
/// counts by state from that host's kept rows of those apps).
fn for_user(mut status: FleetStatus, ctx: &Ctx) -> FleetStatus {
    status
        .hosts
        .retain(|h| ctx.user.has_grant_on(h.name.as_str()));
    for host in &mut status.hosts {
        let name = host.name.to_string();
        if ctx.user.may(Role::Viewer, &name, None) {
            continue;
        }
        let sees = |app: &str| ctx.user.may(Role::Viewer, &name, Some(app));
        host.failing.retain(|a| sees(a.app.as_str()));
        host.expiring.retain(|c| sees(c.app.as_str()));
        host.states = match ctx.site.host(&name) {
            Some(site) => {
                let mut view = site.store.view();
                view.lines.retain(|l| sees(l.app.as_str()));
                view.counts().into_iter().filter(|(_, n)| *n > 0).collect()
            }
            None => Default::default(),
        };
    }
    status
}

pub async fn page(State(state): State<AppState>, Extension(ctx): Extension<Ctx>) -> Markup {
    let view = state.site.fleet.as_ref();
    let current = view
        .and_then(|v| v.current())
        .map(|(status, age)| (for_user((*status).clone(), &ctx), age));
    let reload = match (&current, view) {
        (Some(_), Some(v)) => v.ttl.as_secs().max(1),
        _ => PENDING_RELOAD,
    };
    let body = html! {
        h1 { "Fleet" }
        div #fleet-status data-reload=(reload) {
            @match (&current, view) {
                (Some((status, age)), _) => (render(status, *age, &ctx)),
                (None, Some(v)) => p.refresh { "Reading " (v.fleet().host_names().len()) " hosts…" },
                (None, None) => p { "This dashboard has no fleet to read." },
            }
        }
    };
    layout("Fleet", &ctx, body)
}
