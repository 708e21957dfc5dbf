//! `ps:*` results.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use super::Property;
use crate::name::{AppName, ProcessType};

/// Whether an app's containers are running (`Running:` in `ps:report`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub enum RunState {
    /// Every container runs.
    Running,
    /// No container runs.
    Stopped,
    /// Some run, some do not.
    Mixed,
}

/// A container's Docker state, from `Status <type> <n>:` lines.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
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
}

impl fmt::Display for ContainerState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Running => "running",
            Self::Exited => "exited",
            Self::Restarting => "restarting",
            Self::Paused => "paused",
            Self::Created => "created",
            Self::Dead => "dead",
            Self::Removing => "removing",
            Self::Missing => "missing",
            Self::Other(s) => s,
        })
    }
}

/// One container of an app.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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

/// `ps:report` for one app.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PsReport {
    /// The app, when known.
    pub app: Option<AppName>,
    /// Whether the app has been deployed.
    pub deployed: bool,
    /// Number of containers; `None` when Dokku could not ask the scheduler
    /// (it prints `-1`).
    pub processes: Option<u32>,
    /// Whether the containers run.
    pub running: Option<RunState>,
    /// Whether `ps:scale` may change the formation (false when app.json has
    /// a `formation` key).
    pub can_scale: bool,
    /// Whether the app is started again after a host reboot.
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
    pub containers: Vec<ContainerStatus>,
    /// Every key Dokku printed.
    pub raw: BTreeMap<String, String>,
}

/// One row of `ps:scale`: how many containers of a process type.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Formation {
    /// The process type.
    pub process_type: ProcessType,
    /// How many containers.
    pub quantity: u32,
}

/// `ps:report --global`: the defaults every app inherits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PsGlobalReport {
    /// Docker restart policy.
    pub restart_policy: Property,
    /// Procfile location.
    pub procfile_path: Property,
    /// Seconds Docker waits before killing a stopping container.
    pub stop_timeout_seconds: Property,
    /// Whether deploys are skipped.
    pub skip_deploy: Property,
    /// Every key Dokku printed.
    pub raw: BTreeMap<String, String>,
}
