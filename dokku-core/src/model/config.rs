//! `config:*` results.

use std::collections::BTreeMap;

use crate::name::ConfigKey;
use crate::secret::SecretString;

/// An app's (or the global) environment: keys in order, values secret.
pub type ConfigVars = BTreeMap<ConfigKey, SecretString>;

/// What `config:unset` (or `config:clear`) did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Unset {
    /// Keys Dokku unset (`-----> Unsetting KEY`).
    pub unset: Vec<crate::name::ConfigKey>,
    /// Keys it skipped because they were not set (`-----> Skipping KEY, it
    /// is not set in the environment`).
    pub skipped: Vec<crate::name::ConfigKey>,
}
