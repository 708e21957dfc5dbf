//! `ps:*` results.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize};

use super::{de, Property};
use crate::api::report::typed_report;
use crate::name::ProcessType;
use crate::parse::ParseError;

/// Whether an app's containers are running (`Running:` in `ps:report`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[non_exhaustive]
pub enum RunState {
    /// Every container runs.
    Running,
    /// No container runs.
    Stopped,
    /// Some run, some do not.
    Mixed,
}

/// A container's Docker state (`.State.Status`): an app's, from the
/// `Status <type> <n>:` lines of `ps:report`, or a service's
/// ([`ServiceStatus`](crate::model::service::ServiceStatus)).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[non_exhaustive]
pub enum ContainerState {
    /// `running`.
    Running,
    /// `exited`.
    Exited,
    /// `restarting` (crash loop).
    Restarting,
    /// `paused`.
    Paused,
    /// `created` but never started.
    Created,
    /// `dead`.
    Dead,
    /// `removing`.
    Removing,
    /// Dokku knows the container but Docker could not inspect it.
    Missing,
    /// Anything else Docker reports.
    Other(String),
}

impl ContainerState {
    /// Read Docker's word for the state.
    pub fn from_docker(word: &str) -> Self {
        match word {
            "running" => Self::Running,
            "exited" => Self::Exited,
            "restarting" => Self::Restarting,
            "paused" => Self::Paused,
            "created" => Self::Created,
            "dead" => Self::Dead,
            "removing" => Self::Removing,
            "missing" => Self::Missing,
            other => Self::Other(other.to_owned()),
        }
    }

    /// Restarting, dead or missing: a container in one of these states
    /// makes its app crashed ([`AppStatus::of`](crate::model::overview::AppStatus::of)).
    ///
    /// ```
    /// use dokku_core::model::ps::ContainerState;
    /// assert!(ContainerState::from_docker("restarting").is_crashed());
    /// assert!(!ContainerState::from_docker("exited").is_crashed());
    /// ```
    pub fn is_crashed(&self) -> bool {
        matches!(self, Self::Restarting | Self::Dead | Self::Missing)
    }

    /// Docker's word for the state.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Running => "running",
            Self::Exited => "exited",
            Self::Restarting => "restarting",
            Self::Paused => "paused",
            Self::Created => "created",
            Self::Dead => "dead",
            Self::Removing => "removing",
            Self::Missing => "missing",
            Self::Other(s) => s,
        }
    }
}

impl fmt::Display for ContainerState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One container of an app.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ContainerStatus {
    /// Its process type.
    pub process_type: ProcessType,
    /// Its 1-based index within the process type.
    pub index: u32,
    /// Docker's state.
    pub state: ContainerState,
    /// The short container id.
    pub container_id: Option<String>,
}

typed_report! {
    /// `ps:report` for one app.
    pub struct PsReport for PS then PsReport::containers_from_raw {
        /// Whether the app has been deployed.
        pub deployed: bool,
        /// Number of containers; `None` when Dokku could not ask the scheduler
        /// (it prints `-1`).
        #[serde(deserialize_with = "de::opt_count")]
        pub processes: Option<u32>,
        /// Whether the containers run.
        #[serde(deserialize_with = "run_state")]
        pub running: Option<RunState>,
        /// Whether `ps:scale` may change the formation (false when app.json has
        /// a `formation` key).
        #[serde(default = "de::yes", deserialize_with = "de::flag_default_true")]
        pub can_scale: bool,
        /// Whether the app is started again after a host reboot.
        #[serde(default = "de::yes", deserialize_with = "de::flag_default_true")]
        pub restore: bool,
        /// Docker restart policy (`on-failure:10` by default).
        pub restart_policy: Property,
        /// Procfile location.
        pub procfile_path: Property,
        /// Seconds Docker waits before killing a stopping container (0.36+).
        pub stop_timeout_seconds: Property,
        /// Whether deploys are skipped (0.38.8+).
        pub skip_deploy: Property,
        /// Start command override (0.38.8+).
        pub start_cmd: Property,
        /// Dockerfile start command override (0.38.8+).
        pub dockerfile_start_cmd: Property,
        /// One entry per container, sorted by process type and index.
        #[serde(deserialize_with = "crate::model::de::filled_later")]
        pub containers: Vec<ContainerStatus>,
    }
}

fn run_state<'de, D: Deserializer<'de>>(d: D) -> Result<Option<RunState>, D::Error> {
    match String::deserialize(d)?.as_str() {
        "" => Ok(None),
        "true" => Ok(Some(RunState::Running)),
        "false" => Ok(Some(RunState::Stopped)),
        "mixed" => Ok(Some(RunState::Mixed)),
        _ => Err(serde::de::Error::custom("expected true, false or mixed")),
    }
}

impl PsReport {
    /// Containers are the `status-<type>.<n>` keys, valued `<docker
    /// state> (CID: <id>)`.
    fn containers_from_raw(&mut self) -> Result<(), ParseError> {
        let mut containers = Vec::new();
        for (key, value) in &self.raw {
            if let Some(rest) = key.strip_prefix("status-") {
                containers.push(ContainerStatus::parse(rest, value)?);
            }
        }
        containers.sort_by(|a, b| (&a.process_type, a.index).cmp(&(&b.process_type, b.index)));
        self.containers = containers;
        Ok(())
    }
}

impl ContainerStatus {
    /// One `status-<rest>` key's container. The index is always last and a
    /// process type may itself contain `-`, so the split is at the last
    /// `.` (JSON) or `-` (a text label whose dot was lost).
    fn parse(rest: &str, value: &str) -> Result<Self, ParseError> {
        let bad = |why: String| ParseError::new("ps:report", format!("status-{rest}: {why}"));
        let (kind, index) = rest
            .rsplit_once(['.', '-'])
            .ok_or_else(|| bad("no container index".to_owned()))?;
        let process_type = ProcessType::new(kind).map_err(|e| bad(e.rule.to_string()))?;
        let index = index
            .parse()
            .map_err(|_| bad("the index is not a number".to_owned()))?;
        let (state, container_id) = match value.split_once(" (CID: ") {
            Some((state, cid)) => (state, Some(cid.trim_end_matches(')').to_owned())),
            None => (value, None),
        };
        Ok(Self {
            process_type,
            index,
            state: ContainerState::from_docker(state.trim()),
            container_id: container_id.filter(|c| !c.is_empty()),
        })
    }
}

/// One row of `ps:scale`: how many containers of a process type.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Formation {
    /// The process type.
    pub process_type: ProcessType,
    /// How many containers (JSON may give a numeric string).
    #[serde(deserialize_with = "crate::model::de::count")]
    pub quantity: u32,
}

typed_report! {
    /// `ps:report --global`: the defaults every app inherits.
    pub struct PsGlobalReport for PS {
        /// Docker restart policy.
        pub restart_policy: Property,
        /// Procfile location.
        pub procfile_path: Property,
        /// Seconds Docker waits before killing a stopping container.
        pub stop_timeout_seconds: Property,
        /// Whether deploys are skipped.
        pub skip_deploy: Property,
    }
}
