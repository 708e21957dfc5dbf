//! `certs:report` results.

use std::time::{Duration, SystemTime};

use super::de;
use crate::api::report::typed_report;

typed_report! {
    /// `certs:report` for one app: the TLS certificate Dokku serves for it.
    pub struct CertsReport for CERTS {
        /// Whether the app has a certificate and key (`server.crt`/`server.key`).
        pub enabled: bool,
        /// The app's `tls` directory on the host.
        pub dir: Option<String>,
        /// Hostnames the certificate covers (subject CN and DNS SANs).
        pub hostnames: Vec<String>,
        /// `Not After`, when Dokku printed one we could read.
        #[serde(deserialize_with = "de::opt_openssl_time")]
        #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
        pub expires_at: Option<SystemTime>,
        /// `Not Before`, when Dokku printed one we could read.
        #[serde(deserialize_with = "de::opt_openssl_time")]
        #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
        pub starts_at: Option<SystemTime>,
        /// The issuer, as openssl prints it.
        pub issuer: Option<String>,
        /// The subject, `; `-joined.
        pub subject: Option<String>,
        /// `verified by a certificate authority` or `self signed`.
        pub verified: Option<String>,
    }
}

impl CertsReport {
    /// Whether a certificate authority vouches for the certificate.
    pub fn is_ca_verified(&self) -> bool {
        self.verified.as_deref() == Some("verified by a certificate authority")
    }

    /// Time left before expiry at `now`; `None` when already expired or
    /// the expiry is unknown.
    pub fn expires_in(&self, now: SystemTime) -> Option<Duration> {
        self.expires_at?.duration_since(now).ok()
    }
}

/// Which file `certs:show` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CertPart {
    /// `server.crt`, public.
    Crt,
    /// `server.key`, the private key: a secret.
    Key,
}

impl CertPart {
    /// Dokku's word for it.
    pub fn as_str(self) -> &'static str {
        match self {
            CertPart::Crt => "crt",
            CertPart::Key => "key",
        }
    }
}
