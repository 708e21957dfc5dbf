//! Typed results: reports, list rows, log lines.
//!
//! Every report keeps the raw key → value map beside its typed fields
//! (`raw`), so a key that a newer Dokku adds is never lost, and a field we
//! type wrongly can still be read as Dokku printed it. Reports are `Eq`, so
//! "what the host has" can be diffed against "what we want".

pub mod apps;
pub mod certs;
pub mod config;
pub mod domains;
pub mod letsencrypt;
pub mod logs;
pub mod plugin;
pub mod ports;
pub mod proxy;
pub mod ps;
pub mod service;

use serde::{Deserialize, Serialize};

use crate::parse::report::{non_empty, RawReport};

/// A Dokku 0.38 property triple: the app's own value, the global default,
/// and the value in effect (`computed`).
///
/// Older Dokku versions print only some of the three; missing or empty ones
/// are `None`. Before 0.38.6 Dokku printed the *effective* value under the
/// plain key (`ps-restart-policy: on-failure:10` on a fresh app), which
/// lands in `app`; [`Property::effective`] is right on every version.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Property {
    /// Set on the app itself.
    pub app: Option<String>,
    /// Set globally.
    pub global: Option<String>,
    /// What Dokku uses: the app value, else the global one, else the default.
    pub computed: Option<String>,
}

impl Property {
    /// Read `<plugin>-<name>`, `<plugin>-global-<name>` and
    /// `<plugin>-computed-<name>` from a report, or their unprefixed forms
    /// (`global-<name>` …), which late 0.38 JSON prints beside the prefixed
    /// ones and some earlier versions printed alone.
    pub fn read(raw: &RawReport, plugin: &str, name: &str) -> Self {
        let get = |key: String| {
            non_empty(
                raw.get(&format!("{plugin}-{key}"))
                    .or_else(|| raw.get(&key)),
            )
        };
        Self {
            app: get(name.to_owned()),
            global: get(format!("global-{name}")),
            computed: get(format!("computed-{name}")),
        }
    }

    /// The value in effect: computed, else the app's, else the global one.
    pub fn effective(&self) -> Option<&str> {
        self.computed
            .as_deref()
            .or(self.app.as_deref())
            .or(self.global.as_deref())
    }
}
