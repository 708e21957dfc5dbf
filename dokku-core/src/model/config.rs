//! `config:*` results.

use std::collections::BTreeMap;

use crate::name::ConfigKey;
use crate::secret::SecretString;

/// An app's (or the global) environment: keys in order, values secret.
pub type ConfigVars = BTreeMap<ConfigKey, SecretString>;
