//! `cron:*` results: the report and the task list.

use serde::{Deserialize, Serialize};

use super::Property;
use crate::api::report::typed_report;

typed_report! {
    /// `cron:report` for one app, or `--global`.
    pub struct CronReport for CRON {
        /// Whether the app's tasks are suspended (maintenance mode).
        pub maintenance: Property,
        /// Where task output is mailed (global only).
        pub mailto: Property,
        /// The sender of those mails (global only).
        pub mailfrom: Property,
        /// How many tasks the app's app.json declares.
        pub task_count: Option<u64>,
    }
}

/// One task of `cron:list`.
///
/// The text table prints the maintenance state as `false`, `true (task)`
/// or `true (app)` and has no `app`/`global` columns.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CronTask {
    /// The task id (`cron:run <app> <id>`).
    pub id: String,
    /// The cron schedule (`5 4 * * *`, `@daily`).
    pub schedule: String,
    /// The command, as app.json gives it.
    pub command: String,
    /// `allow`, `forbid` or `replace`.
    pub concurrency_policy: String,
    /// Whether the task is suspended, by itself or with its app.
    pub maintenance: bool,
    /// Suspended by `cron:suspend`.
    pub task_in_maintenance: bool,
    /// Suspended because the app's `maintenance` property is on.
    pub app_in_maintenance: bool,
    /// The app (JSON only).
    pub app: Option<String>,
    /// A global task (`cron:list --global`, JSON only).
    pub global: bool,
}
