//! `builds:list` and `builds:info`, text and JSON (Dokku 0.38+).
//!
//! From dokku/dokku `plugins/builds/subcommands.go`: for one app the text
//! is a columnize table `Build ID | Kind | Status | PID | Source | Started
//! | Duration` (or `No builds recorded for this app`), for every app `App
//! | Build ID | Kind | PID | Source | Started` of the running builds (or
//! `No builds currently running`); JSON an array of the build records
//! with `display_status`, `duration` and `log_path`. `builds:info` text is
//! `Label:  value` rows.

use serde::Deserialize;

use super::{table, ParseError};
use crate::model::builds::{BuildRecord, BuildStatus};

const LIST: &str = "builds:list";
const INFO: &str = "builds:info";

/// `builds:list` in either format, for one app or every app.
pub fn list(stdout: &str) -> Result<Vec<BuildRecord>, ParseError> {
    if stdout.trim_start().starts_with('[') {
        return Ok(super::json_array::<JsonBuild>(LIST, stdout)?
            .into_iter()
            .map(JsonBuild::into_record)
            .collect());
    }
    let all_apps = stdout.trim_start().starts_with("App ");
    let empty = [
        "No builds recorded for this app",
        "No builds currently running",
    ];
    if all_apps {
        let headers = ["App", "Build ID", "Kind", "PID", "Source", "Started"];
        table::columns(LIST, stdout, &headers, &empty)?
            .into_iter()
            .map(|c| {
                let [app, id, kind, pid, source, started] = <[String; 6]>::try_from(c)
                    .map_err(|_| ParseError::new(LIST, "expected six columns"))?;
                Ok(BuildRecord {
                    id,
                    app: Some(app),
                    kind,
                    display_status: Some(BuildStatus::Running),
                    pid: pid_of(&pid)?,
                    source,
                    started_at: started,
                    ..BuildRecord::default()
                })
            })
            .collect()
    } else {
        let headers = [
            "Build ID", "Kind", "Status", "PID", "Source", "Started", "Duration",
        ];
        table::columns(LIST, stdout, &headers, &empty)?
            .into_iter()
            .map(|c| {
                let [id, kind, status, pid, source, started, duration] = <[String; 7]>::try_from(c)
                    .map_err(|_| ParseError::new(LIST, "expected seven columns"))?;
                Ok(BuildRecord {
                    id,
                    kind,
                    display_status: Some(status.into()),
                    pid: pid_of(&pid)?,
                    source,
                    started_at: started,
                    duration: Some(duration),
                    ..BuildRecord::default()
                })
            })
            .collect()
    }
}

fn pid_of(text: &str) -> Result<Option<u64>, ParseError> {
    match text {
        "" | "0" => Ok(None),
        n => n
            .parse()
            .map(Some)
            .map_err(|_| ParseError::new(LIST, "PID: expected a number")),
    }
}

#[derive(Deserialize)]
struct JsonBuild {
    id: String,
    #[serde(default)]
    app: Option<String>,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    pid: Option<u64>,
    #[serde(default)]
    started_at: String,
    #[serde(default)]
    finished_at: Option<String>,
    #[serde(default)]
    status: Option<BuildStatus>,
    #[serde(default)]
    source: String,
    #[serde(default)]
    exit_code: Option<i64>,
    #[serde(default)]
    display_status: Option<BuildStatus>,
    #[serde(default)]
    duration: Option<String>,
    #[serde(default)]
    log_path: Option<String>,
}

impl JsonBuild {
    fn into_record(self) -> BuildRecord {
        BuildRecord {
            id: self.id,
            app: self.app,
            kind: self.kind,
            status: self.status,
            display_status: self.display_status,
            pid: self.pid.filter(|p| *p != 0),
            source: self.source,
            started_at: self.started_at,
            finished_at: self.finished_at,
            duration: self.duration,
            exit_code: self.exit_code,
            log_path: self.log_path,
        }
    }
}

/// `builds:info <app> <id>` in either format.
pub fn info(stdout: &str) -> Result<BuildRecord, ParseError> {
    if stdout.trim_start().starts_with('{') {
        return super::json(INFO, "a build record", stdout).map(JsonBuild::into_record);
    }
    let mut record = BuildRecord::default();
    for (label, value) in table::label_values(INFO, stdout)? {
        let opt = || (!value.is_empty()).then(|| value.clone());
        match label.as_str() {
            "Build ID" => record.id.clone_from(&value),
            "App" => record.app = opt(),
            "Kind" => record.kind.clone_from(&value),
            "Status" => record.display_status = opt().map(BuildStatus::from),
            "PID" => record.pid = pid_of(&value)?,
            "Source" => record.source.clone_from(&value),
            "Started" => record.started_at.clone_from(&value),
            "Finished" => record.finished_at = opt(),
            "Duration" => record.duration = opt(),
            "Exit Code" => {
                record.exit_code = Some(
                    value
                        .parse()
                        .map_err(|_| ParseError::new(INFO, "Exit Code: expected a number"))?,
                );
            }
            "Log" => record.log_path = opt(),
            _ => {}
        }
    }
    if record.id.is_empty() {
        return Err(ParseError::new(INFO, "no `Build ID:` line"));
    }
    Ok(record)
}

#[cfg(test)]
mod tests {
    use super::*;

    // plugins/builds/subcommands.go: the running builds of every app, and
    // `builds:info`'s `Label:|value` rows through columnize.
    #[test]
    fn the_all_apps_table_and_info_rows_are_read() {
        let all = "App  Build ID        Kind    PID    Source      Started\n\
                   api  mx7exqmjqicslv  deploy  30416  ps:restart  2026-12-03T10:29:39Z\n";
        let rows = list(all).unwrap();
        assert_eq!(rows[0].app.as_deref(), Some("api"));
        assert_eq!(rows[0].pid, Some(30416));
        assert!(list("No builds currently running\n").unwrap().is_empty());
        let text = "Build ID:   mx7\nApp:        api\nKind:       build\nStatus:     failed\n\
                    PID:        12\nSource:     git:sync\nStarted:    2026-12-03T10:29:39Z\n\
                    Finished:   2026-12-03T10:30:39Z\nDuration:   1m0s\nExit Code:  1\n\
                    Log:        /x.log\n";
        let record = info(text).unwrap();
        assert_eq!(record.exit_code, Some(1));
        assert_eq!(record.finished_at.as_deref(), Some("2026-12-03T10:30:39Z"));
        assert_eq!(record.log_path.as_deref(), Some("/x.log"));
    }
}
