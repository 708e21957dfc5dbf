//! `checks:report` results.

use serde::{Deserialize, Deserializer, Serialize};

use super::Property;
use crate::api::report::typed_report;

/// Which process types a checks setting covers, as `checks:report` prints
/// it (`none`, `_all_`, or a comma-separated list).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[non_exhaustive]
pub enum ProcessSelection {
    /// No process type (`none`).
    #[default]
    None,
    /// Every process type (`_all_`).
    All,
    /// These process types.
    Some(Vec<String>),
}

impl ProcessSelection {
    /// Read Dokku's form.
    pub fn parse(text: &str) -> Self {
        match text.trim() {
            "" | "none" => Self::None,
            "_all_" => Self::All,
            list => Self::Some(
                list.split(',')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned)
                    .collect(),
            ),
        }
    }

    /// Whether it covers this process type.
    pub fn covers(&self, process_type: &str) -> bool {
        match self {
            Self::None => false,
            Self::All => true,
            Self::Some(types) => types.iter().any(|t| t == process_type),
        }
    }
}

fn selection<'de, D: Deserializer<'de>>(d: D) -> Result<ProcessSelection, D::Error> {
    Ok(ProcessSelection::parse(&String::deserialize(d)?))
}

typed_report! {
    /// `checks:report` for one app, or `--global`.
    pub struct ChecksReport for CHECKS {
        /// Process types deployed without zero-downtime checks (`checks:disable`).
        #[serde(rename(deserialize = "disabled-list"), deserialize_with = "selection")]
        pub disabled: ProcessSelection,
        /// Process types whose checks are skipped (`checks:skip`).
        #[serde(rename(deserialize = "skipped-list"), deserialize_with = "selection")]
        pub skipped: ProcessSelection,
        /// Seconds old containers live on after a deploy (60 by default).
        pub wait_to_retire: Property,
    }
}
