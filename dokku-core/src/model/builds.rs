//! `builds:*` results (Dokku 0.38+): the report, the list and one build.

use serde::{Deserialize, Serialize};

use super::Property;
use crate::api::report::typed_report;

/// A build's status, as Dokku's builds plugin words it
/// (`plugins/builds/builds.go`): in `builds:report`'s `build-status`,
/// `builds:list` and `builds:info`. Serialized as Dokku's word.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(from = "String", into = "String")]
#[non_exhaustive]
pub enum BuildStatus {
    /// It runs (a stored `running` may outlive its process: see
    /// [`BuildStatus::Abandoned`]).
    Running,
    /// It ended with exit code 0.
    Succeeded,
    /// It ended with another exit code.
    Failed,
    /// It was cancelled (`builds:cancel`, or by a newer deploy).
    Canceled,
    /// Recorded as running, its process gone (a shown status).
    Abandoned,
    /// A word this SDK does not know, as printed.
    Other(String),
}

impl BuildStatus {
    /// Dokku's word for it.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Running => "running",
            Self::Succeeded => "succeeded",
            Self::Failed => "failed",
            Self::Canceled => "canceled",
            Self::Abandoned => "abandoned",
            Self::Other(word) => word,
        }
    }

    /// Whether the build ended and did not do its work: it neither runs,
    /// succeeded nor was cancelled. A word this SDK does not know counts
    /// as a failure, so that a status a newer Dokku adds is looked at
    /// rather than passed over.
    pub fn is_failure(&self) -> bool {
        !matches!(self, Self::Running | Self::Succeeded | Self::Canceled)
    }
}

impl From<String> for BuildStatus {
    fn from(word: String) -> Self {
        match word.as_str() {
            "running" => Self::Running,
            "succeeded" => Self::Succeeded,
            "failed" => Self::Failed,
            "canceled" => Self::Canceled,
            "abandoned" => Self::Abandoned,
            _ => Self::Other(word),
        }
    }
}

impl From<BuildStatus> for String {
    fn from(status: BuildStatus) -> Self {
        match status {
            BuildStatus::Other(word) => word,
            known => known.as_str().to_owned(),
        }
    }
}

impl std::fmt::Display for BuildStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

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
        /// Its status as Dokku shows it (`reportBuildStatus` prints
        /// `DisplayStatus`: a running record whose process is gone is
        /// `abandoned`).
        #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
        pub build_status: Option<BuildStatus>,
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
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub status: Option<BuildStatus>,
    /// The status to show: the stored one, or `abandoned`.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub display_status: Option<BuildStatus>,
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

impl BuildRecord {
    /// The status to show a person: `display_status`, else the stored one.
    pub fn shown_status(&self) -> Option<&BuildStatus> {
        self.display_status.as_ref().or(self.status.as_ref())
    }

    /// Whether it runs, as shown (a `running` record whose process is
    /// gone is `abandoned`, not running).
    pub fn is_running(&self) -> bool {
        self.shown_status() == Some(&BuildStatus::Running)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_build_status_is_dokkus_word_known_or_not() {
        for word in [
            "running",
            "succeeded",
            "failed",
            "canceled",
            "abandoned",
            "queued",
        ] {
            let status = BuildStatus::from(word.to_owned());
            assert_eq!(status.as_str(), word);
            assert_eq!(String::from(status.clone()), word);
            let json = serde_json::to_string(&status).unwrap();
            assert_eq!(json, format!("\"{word}\""));
            assert_eq!(serde_json::from_str::<BuildStatus>(&json).unwrap(), status);
        }
        assert_eq!(
            BuildStatus::from("queued".to_owned()),
            BuildStatus::Other("queued".to_owned())
        );
    }

    #[test]
    fn failed_abandoned_and_unknown_builds_are_failures() {
        let failure = |word: &str| BuildStatus::from(word.to_owned()).is_failure();
        assert!(failure("failed") && failure("abandoned") && failure("queued"));
        assert!(!failure("running") && !failure("succeeded") && !failure("canceled"));
    }

    #[test]
    fn the_shown_status_is_dokkus_display_status_else_the_stored_one() {
        let mut record = BuildRecord {
            status: Some(BuildStatus::Running),
            ..BuildRecord::default()
        };
        assert_eq!(record.shown_status(), Some(&BuildStatus::Running));
        record.display_status = Some(BuildStatus::Abandoned);
        assert_eq!(record.shown_status(), Some(&BuildStatus::Abandoned));
    }
}
