//! `letsencrypt:*` results (the dokku-letsencrypt plugin).

use std::time::SystemTime;

use serde::{Deserialize, Serialize};

use super::{de, Property};
use crate::api::report::typed_report;
use crate::name::AppName;

typed_report! {
    /// `letsencrypt:report` for one app (or `--global`).
    pub struct LetsencryptReport for LETSENCRYPT {
        /// The app serves the certificate letsencrypt issued.
        pub active: bool,
        /// The renewal cron job is installed (`letsencrypt:cron-job --add`).
        pub autorenew: bool,
        /// The DNS-01 provider (lego's name), if any.
        pub dns_provider: Property,
        /// The ACME account e-mail.
        pub email: Property,
        /// When the certificate expires.
        #[serde(deserialize_with = "de::opt_unix_time")]
        #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
        pub expiration: Option<SystemTime>,
        /// Seconds before expiry at which a renewal is due (default 30 days).
        pub graceperiod: Property,
        /// `lego-docker-args`: extra arguments the plugin appends to lego's
        /// command line (the name of `lego-args` before the plugin renamed it).
        pub lego_docker_args: Property,
        /// `lego-args`: extra arguments for lego's command line (newer plugins;
        /// empty when the report has no such key).
        pub lego_args: Property,
        /// `lego-docker-options`: extra `docker run` options for the lego
        /// container (newer plugins; empty when the report has no such key).
        pub lego_docker_options: Property,
        /// The ACME directory URL.
        pub server: Property,
    }
}

/// One row of `letsencrypt:list`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LetsencryptListEntry {
    /// The app.
    pub app: AppName,
    /// When its certificate expires (the host's `%F %T`, read as UTC).
    pub expires_at: SystemTime,
    /// Seconds until expiry; negative once expired.
    pub expires_in_secs: i64,
    /// Seconds until a renewal is due; negative when overdue.
    pub renews_in_secs: i64,
}

impl LetsencryptListEntry {
    /// Whether `letsencrypt:auto-renew` would renew it now.
    pub fn renewal_due(&self) -> bool {
        self.renews_in_secs < 0
    }
}
