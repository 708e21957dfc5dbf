//! The host page: the machine under Dokku, from `dokku report` (kernel,
//! memory in use, each local disk's space and inodes). One invocation,
//! when the page is asked for: Dokku's report also asks Docker and runs a
//! herokuish container, a few seconds on a real host, so the dashboard
//! never reads it on its own.

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
