//! `docker-options:report` results.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::api::report::typed_report;
use crate::parse::ParseError;

/// A Dokku phase docker options apply to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[non_exhaustive]
pub enum Phase {
    /// `docker build`.
    Build,
    /// The app's containers.
    Deploy,
    /// `dokku run` containers.
    Run,
}

impl Phase {
    /// Dokku's word for it.
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::Build => "build",
            Phase::Deploy => "deploy",
            Phase::Run => "run",
        }
    }

    /// Every phase, in Dokku's order.
    pub const ALL: [Phase; 3] = [Phase::Build, Phase::Deploy, Phase::Run];
}

/// The options of one phase (or, for deploy, of one process type).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[non_exhaustive]
pub struct PhaseOptions {
    /// The options joined by spaces, as Dokku passes them to docker.
    pub joined: String,
    /// Each option as it was added (`-v /tmp:/tmp` is one option): JSON
    /// reports only (the `*-list` arrays); `None` from text, where the
    /// joined form cannot be split back.
    pub options: Option<Vec<String>>,
}

typed_report! {
    /// `docker-options:report` for one app.
    ///
    /// JSON keys: `build`, `deploy`, `run` (joined), `build-list` … (arrays),
    /// and `deploy.<process>`/`deploy.<process>-list` for options added with
    /// `--process`; text labels lose the dot (`Docker options deploy web`),
    /// restored by the catalog's template. `--global` has no keys.
    #[non_exhaustive]
    pub struct DockerOptionsReport for DOCKER_OPTIONS then DockerOptionsReport::phases_from_raw {
        /// Options of the build phase.
        #[serde(deserialize_with = "crate::model::de::filled_later")]
        pub build: PhaseOptions,
        /// Options of the deploy phase, every process type.
        #[serde(deserialize_with = "crate::model::de::filled_later")]
        pub deploy: PhaseOptions,
        /// Options of `dokku run` containers.
        #[serde(deserialize_with = "crate::model::de::filled_later")]
        pub run: PhaseOptions,
        /// Deploy options of one process type (`--process`), by process type.
        #[serde(deserialize_with = "crate::model::de::filled_later")]
        pub deploy_by_process: BTreeMap<String, PhaseOptions>,
    }
}

impl DockerOptionsReport {
    /// The phases from their joined and `*-list` keys.
    fn phases_from_raw(&mut self) -> Result<(), ParseError> {
        let raw = &self.raw;
        let bare = |key: &str| -> Option<&str> {
            raw.get(key)
                .or_else(|| raw.get(&format!("docker-options-{key}")))
                .map(String::as_str)
        };
        let phase = |key: &str| -> Result<PhaseOptions, ParseError> {
            let options = match bare(&format!("{key}-list")) {
                None => None,
                Some(list) => Some(serde_json::from_str::<Vec<String>>(list).map_err(|_| {
                    ParseError::new(
                        "docker-options:report",
                        format!("{key}-list: expected an array of strings"),
                    )
                })?),
            };
            Ok(PhaseOptions {
                joined: bare(key).unwrap_or_default().to_owned(),
                options,
            })
        };
        self.build = phase("build")?;
        self.deploy = phase("deploy")?;
        self.run = phase("run")?;
        let mut by_process = BTreeMap::new();
        for key in raw.keys() {
            let key = key.strip_prefix("docker-options-").unwrap_or(key);
            let Some(rest) = key.strip_prefix("deploy.") else {
                continue;
            };
            // `deploy.<p>-list` is the list of `deploy.<p>` when that key
            // exists; otherwise the process type itself ends in `-list`.
            let process = rest
                .strip_suffix("-list")
                .filter(|base| bare(&format!("deploy.{base}")).is_some())
                .unwrap_or(rest);
            if !by_process.contains_key(process) {
                by_process.insert(process.to_owned(), phase(&format!("deploy.{process}"))?);
            }
        }
        self.deploy_by_process = by_process;
        Ok(())
    }
}
