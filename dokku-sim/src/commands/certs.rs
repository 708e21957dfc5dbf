//! `certs` commands (simulated). State: the app's `certs` entry of
//! `App::extra` (`crt`, `key`, `expires-at`, `subject`, …).

use crate::host::SimHost;

/// Whether the app has a TLS certificate (its own, or one letsencrypt
/// issued).
pub fn has_cert(host: &SimHost, app: &str) -> bool {
    host.apps.get(app).is_some_and(|a| {
        a.extra.get("certs").is_some_and(|c| c.contains_key("crt"))
            || a.extra
                .get("letsencrypt")
                .is_some_and(|l| l.get("active").is_some_and(|v| v == "true"))
    })
}
