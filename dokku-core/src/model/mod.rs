//! Typed results: reports, list rows, log lines.
//!
//! Every report keeps the raw key → value map beside its typed fields
//! (`raw`), so a key that a newer Dokku adds is never lost, and a field we
//! type wrongly can still be read as Dokku printed it. Reports are `Eq`, so
//! "what the host has" can be diffed against "what we want".

pub mod app_json;
pub mod apps;
pub mod builder;
pub mod buildpacks;
pub mod builds;
pub mod certs;
pub mod checks;
pub mod community;
pub mod config;
pub mod cron;
pub mod de;
pub mod deploy;
pub mod docker_options;
pub mod domains;
pub mod events;
pub mod git;
pub mod host;
pub mod letsencrypt;
pub mod logs;
pub mod network;
pub mod overview;
pub mod plugin;
pub mod ports;
pub mod proxies;
pub mod proxy;
pub mod ps;
pub mod registry;
pub mod resource;
pub mod run;
pub mod scheduler;
pub mod service;
pub mod ssh_keys;
pub mod storage;

use serde::{Deserialize, Serialize};

/// A Dokku 0.38 property triple: the app's own value, the global default,
/// and the value in effect (`computed`).
///
/// Older Dokku versions print only some of the three; missing or empty ones
/// are `None`. Before 0.38.6 Dokku printed the *effective* value under the
/// plain key (`ps-restart-policy: on-failure:10` on a fresh app), which
/// lands in `app`; [`Property::effective`] is right on every version.
///
/// Deserialized from the object the report decoder folds the three keys
/// into, or from a plain string (a report that prints only the app's
/// value).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Property {
    /// Set on the app itself.
    pub app: Option<String>,
    /// Set globally.
    pub global: Option<String>,
    /// What Dokku uses: the app value, else the global one, else the default.
    pub computed: Option<String>,
}

impl<'de> Deserialize<'de> for Property {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        struct Parts {
            app: Option<String>,
            global: Option<String>,
            computed: Option<String>,
        }
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Form {
            Text(String),
            Parts(Parts),
        }
        let non_empty = |v: Option<String>| v.filter(|v| !v.is_empty());
        Ok(match Form::deserialize(d)? {
            Form::Text(app) => Property {
                app: non_empty(Some(app)),
                ..Property::default()
            },
            Form::Parts(p) => Property {
                app: non_empty(p.app),
                global: non_empty(p.global),
                computed: non_empty(p.computed),
            },
        })
    }
}

impl Property {
    /// The value in effect: computed, else the app's, else the global one.
    pub fn effective(&self) -> Option<&str> {
        self.computed
            .as_deref()
            .or(self.app.as_deref())
            .or(self.global.as_deref())
    }
}
