//! `events` lines and `events:list`.

use serde::{Deserialize, Serialize};

/// One line of Dokku's event log (`dokku events`), as syslog wrote it:
/// `Jul  3 16:09:48 host dokku[127630]: INVOKED: pre-deploy( app ) …`
/// (or with an RFC 3339 timestamp, as newer rsyslog writes). Parts that
/// are not there are `None`; `line` is always the whole line.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct EventLine {
    /// The whole line.
    pub line: String,
    /// The syslog timestamp, as written.
    pub timestamp: Option<String>,
    /// The host name.
    pub host: Option<String>,
    /// The syslog tag (`dokku`, `dokku-event`).
    pub tag: Option<String>,
    /// The logging process id.
    pub pid: Option<u32>,
    /// The trigger invoked (`pre-deploy`).
    pub trigger: Option<String>,
    /// Its arguments, split on spaces.
    pub args: Vec<String>,
    /// The message after `<tag>[<pid>]: `.
    pub message: String,
}
