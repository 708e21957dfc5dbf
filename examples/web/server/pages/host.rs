//! The host page: the machine under Dokku, from `dokku report` (kernel,
//! memory in use, each local disk's space and inodes); and the fleet's
//! machines page, every host's at once. One invocation per host, when the
//! page is asked for: Dokku's report also asks Docker and runs a
//! herokuish container, a few seconds on a real host, so the dashboard
//! never reads it on its own. Each reading is kept for that host's
//! dashboard, which names a filling disk.

use axum::extract::State;
use axum::Extension;
use dokku::model::host::{DiskUsage, HostVitals};
use maud::{html, Markup};

use super::super::{AppState, Ctx, WebError};
use super::app::card_error;
use super::{layout, log_time};

/// `GET /host`.
pub async fn page(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
) -> Result<Markup, WebError> {
    let vitals = state.dokku.host().vitals().await;
    let now = std::time::SystemTime::now();
    if let Ok(vitals) = &vitals {
        state.watch.keep_vitals(now, vitals);
    }
    let checked = log_time(now);
    let body = html! {
        h1 { "Host" }
        p.muted { "Read from " code { "dokku report" } " at " (checked) " UTC." }
        @match &vitals {
            Err(e) => (card_error("read the host's vitals", e)),
            Ok(vitals) => (vitals_section(vitals)),
        }
    };
    Ok(layout("Host", &ctx, body))
}

/// `GET /fleet/machines`: the memory and fullest disk of every host whose
/// every app the user may read, one `dokku report` each, all at once.
pub async fn machines(State(state): State<AppState>, Extension(ctx): Extension<Ctx>) -> Markup {
    let read = match super::readable_fleet(&state, &ctx) {
        Some((fleet, hosts)) => Some(fleet.vitals(&hosts).await),
        None => None,
    };
    let now = std::time::SystemTime::now();
    if let Some(Ok(results)) = &read {
        for r in results.iter() {
            if let (Ok(vitals), Some(h)) = (&r.result, ctx.site.host(r.host.as_str())) {
                h.watch.keep_vitals(now, vitals);
            }
        }
    }
    let body = html! {
        h1 { "Machines" }
        @if read.is_some() {
            p.muted { "Read from each host's " code { "dokku report" } " at " (log_time(now)) " UTC." }
        }
        @match read {
            None => p { "You may read no host's machine: that takes a viewer's grant on every app of a host." },
            Some(Err(e)) => p.problem { (e) },
            Some(Ok(results)) => div.scroll { table.machines.cards #machines {
                thead { tr { th { "Host" } th { "Memory in use" } th { "Fullest disk" } th { "Fullest inodes" } } }
                tbody {
                    @for r in results.iter() {
                        tr data-host=(r.host) {
                            th scope="row" {
                                a.host-name href={ (ctx.site.host(r.host.as_str()).map_or("", |h| h.base.as_str())) "/host" } { (r.host) }
                                br; span.muted { (r.target) }
                            }
                            @match &r.result {
                                Err(e) => td colspan="3" {
                                    span.badge.s-crashed.unreachable { "unreachable" } " " span.problem { (e) }
                                },
                                Ok(vitals) => (machine_cells(vitals)),
                            }
                        }
                    }
                }
            } },
        }
    };
    layout("Machines", &ctx, body)
}

/// A host's memory, fullest disk and fullest inodes, as table cells.
fn machine_cells(vitals: &HostVitals) -> Markup {
    let fullest = vitals.disks.iter().max_by_key(|d| d.used_percent);
    let inodes = vitals.inodes.iter().max_by_key(|i| i.used_percent);
    html! {
        td data-label="Memory in use" {
            @match &vitals.memory {
                Some(m) => { (usage(m.used_percent())) " " (m.used_percent()) "% · " (m.in_use_mb()) " of " (m.total_mb) " MiB" }
                None => span.muted { "—" },
            }
        }
        td data-label="Fullest disk" {
            @match fullest { Some(d) => { (share(d)) " · " code.long { (d.mounted_on) } " (" (d.size) ")" } None => span.muted { "—" } }
        }
        td data-label="Fullest inodes" {
            @match inodes { Some(i) => { (share(i)) " · " code.long { (i.mounted_on) } } None => span.muted { "—" } }
        }
    }
}

fn vitals_section(vitals: &HostVitals) -> Markup {
    html! {
        section #memory {
            h2 { "Memory" }
            @match &vitals.memory {
                None => p.muted { "Dokku's report printed no memory." },
                Some(m) => {
                    p {
                        (usage(m.used_percent()))
                        " " (m.in_use_mb()) " of " (m.total_mb) " MiB in use (" (m.used_percent()) "%)"
                    }
                    p.muted { "Swap: " (m.swap_used_mb) " of " (m.swap_total_mb) " MiB." }
                }
            }
        }
        section #disks {
            h2 { "Disks" }
            @if vitals.disks.is_empty() {
                p.muted { "Dokku's report printed no local disk." }
            } @else {
                div.scroll { table {
                    // How full first: on a phone the rest scrolls.
                    thead { tr { th { "Mounted on" } th { "Use" } th { "Inodes" } th.num { "Size" } th.num { "Used" } th.num { "Available" } th { "File system" } } }
                    tbody {
                        @for d in &vitals.disks {
                            @let inodes = vitals.inodes.iter().find(|i| i.mounted_on == d.mounted_on);
                            tr {
                                td { code.long { (d.mounted_on) } }
                                td { (share(d)) }
                                td { @if let Some(i) = inodes { (share(i)) } @else { "—" } }
                                td.num { (d.size) } td.num { (d.used) } td.num { (d.available) }
                                td { code { (d.filesystem) } }
                            }
                        }
                    }
                } }
            }
        }
        @if let Some(uname) = &vitals.uname {
            section #kernel { h2 { "Kernel" } p { code.long { (uname) } } }
        }
    }
}

/// A disk's use: a meter and its percentage, or `-` where df printed one.
fn share(d: &DiskUsage) -> Markup {
    match d.used_percent {
        Some(p) => html! { (usage(p)) " " (p) "%" },
        None => html! { "-" },
    }
}

/// A meter of how full: the browser colours it from 80% (high) and 90%.
fn usage(percent: u8) -> Markup {
    html! {
        meter min="0" max="100" low="80" high="90" optimum="0" value=(percent)
            aria-label={ (percent) "% used" } {}
    }
}
