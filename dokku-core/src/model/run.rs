//! `run:*` results.

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
