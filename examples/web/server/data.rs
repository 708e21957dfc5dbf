//! The dashboard's view of the host: the snapshot and refresher it shares
//! with the CLI ([`crate::common::snapshot`]), and how the page shows a
//! row's state.

pub use crate::common::snapshot::*;

/// The CSS class of a status badge.
pub fn status_class(status: AppStatus) -> &'static str {
    match status {
        AppStatus::Running => "s-running",
        AppStatus::Mixed => "s-mixed",
        AppStatus::Crashed => "s-crashed",
        AppStatus::Stopped => "s-stopped",
        AppStatus::NeverDeployed => "s-never",
        _ => "s-locked",
    }
}
