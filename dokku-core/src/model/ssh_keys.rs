//! `ssh-keys:list` rows.

use serde::{Deserialize, Serialize};

/// One authorized key (`ssh-keys:list`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SshKey {
    /// Its fingerprint (`SHA256:…`).
    pub fingerprint: String,
    /// The name it was added under.
    pub name: String,
    /// The sshd options its `authorized_keys` line carries
    /// (`no-agent-forwarding,no-user-rc,…`).
    pub allowed_keys: Option<String>,
    /// The public key itself (JSON only).
    pub public_key: Option<String>,
}
