//! `domains:report` results.

use serde::{Deserialize, Serialize};

use crate::api::report::{typed_report, Report};
use crate::catalog::{plugins, Plugin};
use crate::name::AppName;
use crate::parse::report::RawReport;
use crate::parse::ParseError;

typed_report! {
    /// `domains:report` for one app.
    ///
    /// Domains are kept as Dokku printed them rather than as [`Domain`]s: a
    /// report must show what the host has, including names Dokku accepted under
    /// a looser rule than ours.
    ///
    /// [`Domain`]: crate::Domain
    pub struct DomainsReport for DOMAINS then DomainsReport::global_from_raw {
        /// Whether virtual hosts are enabled for the app.
        pub app_enabled: bool,
        /// The app's domains.
        pub app_vhosts: Vec<String>,
        /// The global settings, as this report shows them.
        #[serde(deserialize_with = "crate::model::de::filled_later")]
        pub global: GlobalDomains,
    }
}

impl DomainsReport {
    /// The global part is read from the same keys (not `#[serde(flatten)]`,
    /// which would hand it serde's buffered strings instead of Dokku's).
    fn global_from_raw(&mut self) -> Result<(), ParseError> {
        let raw = RawReport {
            subject: None,
            fields: self.raw.clone(),
        };
        self.global = GlobalDomains::from_raw(raw)?;
        Ok(())
    }
}

/// The global domains (`domains:report --global`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, rename_all(deserialize = "kebab-case"))]
pub struct GlobalDomains {
    /// Whether a global domain is configured.
    #[serde(rename(deserialize = "global-enabled"))]
    pub enabled: bool,
    /// The global domains (apps get `<app>.<domain>`).
    #[serde(rename(deserialize = "global-vhosts"))]
    pub vhosts: Vec<String>,
}

impl Report for GlobalDomains {
    fn plugin() -> &'static Plugin {
        &plugins::DOMAINS
    }

    fn attach(&mut self, _app: Option<AppName>, _raw: RawReport) -> Result<(), ParseError> {
        Ok(())
    }
}
