//! `run:*` results.

use std::time::SystemTime;

use serde::{Deserialize, Serialize};

/// One one-off container of `run:list`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct RunContainer {
    /// The container name (`<app>.run.<n>`).
    pub name: String,
    /// Docker's state (`running`, `exited`; JSON only).
    pub state: Option<String>,
    /// The command it runs, as Docker prints it (quoted).
    pub command: String,
    /// When it was created (JSON: Docker's timestamp; text: `2 minutes ago`).
    pub created_at: String,
}

impl RunContainer {
    /// When it was created: [`RunContainer::created_at`] read as Docker's
    /// timestamp, in its zone. `None` when Dokku gave words instead (the
    /// text layout's `2 minutes ago`).
    ///
    /// ```
    /// use std::time::{Duration, UNIX_EPOCH};
    /// use dokku_core::model::run::RunContainer;
    ///
    /// let mut c = RunContainer::default();
    /// c.created_at = "2025-01-08 06:20:02 +0100 CET".to_owned();
    /// assert_eq!(c.created(), Some(UNIX_EPOCH + Duration::from_secs(1_736_313_602)));
    /// c.created_at = "2 minutes ago".to_owned();
    /// assert_eq!(c.created(), None);
    /// ```
    pub fn created(&self) -> Option<SystemTime> {
        crate::parse::run::docker_created(&self.created_at)
    }
}
