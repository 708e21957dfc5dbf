//! `domains:report` results.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::name::AppName;

/// `domains:report` for one app.
///
/// Domains are kept as Dokku printed them rather than as [`Domain`]s: a
/// report must show what the host has, including names Dokku accepted under
/// a looser rule than ours.
///
/// [`Domain`]: crate::Domain
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DomainsReport {
    /// The app, when known.
    pub app: Option<AppName>,
    /// Whether virtual hosts are enabled for the app.
    pub app_enabled: bool,
    /// The app's domains.
    pub app_vhosts: Vec<String>,
    /// The global settings, as this report shows them.
    pub global: GlobalDomains,
    /// Every key Dokku printed.
    pub raw: BTreeMap<String, String>,
}

/// The global domains (`domains:report --global`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GlobalDomains {
    /// Whether a global domain is configured.
    pub enabled: bool,
    /// The global domains (apps get `<app>.<domain>`).
    pub vhosts: Vec<String>,
}
