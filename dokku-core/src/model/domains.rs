//! `domains:report` results.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::api::report::Report;
use crate::catalog::{plugins, Plugin};
use crate::name::AppName;
use crate::parse::report::RawReport;
use crate::parse::ParseError;

/// `domains:report` for one app.
///
/// Domains are kept as Dokku printed them rather than as [`Domain`]s: a
/// report must show what the host has, including names Dokku accepted under
/// a looser rule than ours.
///
/// [`Domain`]: crate::Domain
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all(deserialize = "kebab-case"))]
pub struct DomainsReport {
    /// The app, when known.
    #[serde(skip_deserializing)]
    pub app: Option<AppName>,
    /// Whether virtual hosts are enabled for the app.
    pub app_enabled: bool,
    /// The app's domains.
    pub app_vhosts: Vec<String>,
    /// The global settings, as this report shows them.
    #[serde(skip_deserializing)]
    pub global: GlobalDomains,
    /// Every key Dokku printed.
    #[serde(skip_deserializing)]
    pub raw: BTreeMap<String, String>,
}

/// The global domains (`domains:report --global`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all(deserialize = "kebab-case"))]
pub struct GlobalDomains {
    /// Whether a global domain is configured.
    #[serde(rename(deserialize = "global-enabled"))]
    pub enabled: bool,
    /// The global domains (apps get `<app>.<domain>`).
    #[serde(rename(deserialize = "global-vhosts"))]
    pub vhosts: Vec<String>,
}

impl Report for DomainsReport {
    fn plugin() -> &'static Plugin {
        &plugins::DOMAINS
    }

    /// The global part is read from the same keys (not `#[serde(flatten)]`,
    /// which would hand it serde's buffered strings instead of Dokku's).
    fn attach(&mut self, app: Option<AppName>, raw: RawReport) -> Result<(), ParseError> {
        self.global = GlobalDomains::from_raw(raw.clone())?;
        self.app = app;
        self.raw = raw.fields;
        Ok(())
    }
}

impl Report for GlobalDomains {
    fn plugin() -> &'static Plugin {
        &plugins::DOMAINS
    }

    fn attach(&mut self, _app: Option<AppName>, _raw: RawReport) -> Result<(), ParseError> {
        Ok(())
    }
}
