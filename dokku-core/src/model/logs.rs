//! `logs` results.

use std::time::SystemTime;

use serde::{Deserialize, Serialize};

use super::Property;
use crate::api::report::typed_report;
use crate::name::{AppName, ProcessType};

/// One line of an app's logs.
///
/// Dokku prefixes each line with Docker's timestamp and the container
/// (`app[web.1]:`) unless `--quiet` was given; lines it did not prefix (quiet
/// mode, or a multi-line message's continuation) have only `message`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogLine {
    /// The app the logs were asked for.
    pub app: AppName,
    /// When Docker received the line (nanosecond precision, UTC).
    pub timestamp: Option<SystemTime>,
    /// The container's process type.
    pub process_type: Option<ProcessType>,
    /// The container's index within its process type.
    pub index: Option<u32>,
    /// The text, ANSI escapes removed.
    pub message: String,
}

impl LogLine {
    /// The container as Dokku names it in the prefix: `web.1`, or `web`
    /// without an index; `None` for an unprefixed line.
    ///
    /// ```
    /// use dokku_core::model::logs::LogLine;
    /// use dokku_core::{AppName, ProcessType};
    /// let line = LogLine {
    ///     app: AppName::new("api")?,
    ///     timestamp: None,
    ///     process_type: Some(ProcessType::new("web")?),
    ///     index: Some(1),
    ///     message: "listening".to_owned(),
    /// };
    /// assert_eq!(line.container().as_deref(), Some("web.1"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn container(&self) -> Option<String> {
        let process = self.process_type.as_ref()?;
        Some(match self.index {
            Some(i) => format!("{process}.{i}"),
            None => process.to_string(),
        })
    }
}

/// `logs:failed` for one app: the output of its failed deploy containers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FailedLogs {
    /// The app.
    pub app: AppName,
    /// The containers' output, line by line.
    pub lines: Vec<String>,
}

typed_report! {
    /// `logs:report` for one app.
    ///
    /// Read from the text report, where Dokku redacts vector sinks to
    /// `<type>://redacted`: a sink URL carries credentials, and this struct (and
    /// its `raw` map) is not secret. Use `Logs::vector_sink` for the real value.
    pub struct LogsReport for LOGS {
        /// Docker's log size limit per container (`10m` by default).
        pub max_size: Property,
        /// The vector sink, redacted.
        pub vector_sink: Property,
        /// The vector sink of cron tasks, redacted.
        pub vector_cron_sink: Property,
        /// The vector image (global only).
        pub vector_image: Property,
        /// Networks the vector container joins (global only).
        pub vector_networks: Property,
        /// The label vector uses for the app name.
        pub app_label_alias: Property,
    }
}
