//! `builds:*` results (Dokku 0.38+): the report, the list and one build.

use serde::{Deserialize, Serialize};

use super::Property;
use crate::api::report::typed_report;

typed_report! {
    /// `builds:report` for one app, or `--global`: the last build and how many
    /// are kept.
    pub struct BuildsReport for BUILDS {
        /// How many build records are kept (20 by default).
        pub retention: Property,
        /// The last build's id.
        pub build_id: Option<String>,
        /// `build` or `deploy`.
        pub build_kind: Option<String>,
        /// Its recorded status (`running`, `succeeded`, `failed`, `canceled`).
        pub build_status: Option<String>,
        /// What started it (`git:sync`, `ps:rebuild` …).
        pub build_source: Option<String>,
        /// The process id of the build.
        pub build_pid: Option<u64>,
        /// Its exit code (`-1`: killed or abandoned).
        pub build_exit_code: Option<i64>,
        /// When it started (RFC 3339).
        pub build_started_at: Option<String>,
        /// When it finished (RFC 3339).
        pub build_finished_at: Option<String>,
    }
}

/// One build record: a row of `builds:list`, or `builds:info`.
///
/// The text table has fewer columns than the JSON: fields it does not
/// print are `None`. `display_status` is what a person should see: a
/// record Dokku still has as `running` whose process is gone is
/// `abandoned` there, while `status` keeps the stored word.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[non_exhaustive]
pub struct BuildRecord {
    /// The build id.
    pub id: String,
    /// The app (JSON, the all-apps table and `builds:info`).
    pub app: Option<String>,
    /// `build` or `deploy`.
    pub kind: String,
    /// The stored status (JSON only).
    pub status: Option<String>,
    /// The status to show (`running`, `succeeded`, `failed`, `canceled`,
    /// `abandoned`).
    pub display_status: Option<String>,
    /// The build's process id.
    pub pid: Option<u64>,
    /// What started it (`git:sync`, `ps:restart` …).
    pub source: String,
    /// When it started (RFC 3339; the JSON has nanoseconds).
    pub started_at: String,
    /// When it finished.
    pub finished_at: Option<String>,
    /// How long it ran (Go's duration format: `1m2s`).
    pub duration: Option<String>,
    /// Its exit code.
    pub exit_code: Option<i64>,
    /// Where its output is kept on the host.
    pub log_path: Option<String>,
}
