//! `run:list`, text and JSON; the names `run:detached` and `run:stop`
//! print.
//!
//! From dokku/dokku `plugins/scheduler-docker-local/scheduler-run-list`:
//! text is `=====> <app> run containers` then Docker's `table
//! {{.Names}}\t{{.Command}}\t{{.RunningFor}}` (`NAMES  COMMAND  CREATED`),
//! JSON an array of `{name, state, command, created_at}` (jq over `docker
//! container ls`). Recorded only without a Docker daemon (none listed).

use std::time::{Duration, SystemTime};

use super::{table, ParseError};
use crate::model::run::RunContainer;

const WHAT: &str = "run:list";

/// `run:list` in either format.
pub fn list(stdout: &str) -> Result<Vec<RunContainer>, ParseError> {
    if stdout.trim_start().starts_with('[') {
        return super::json_array(WHAT, stdout);
    }
    table::columns(WHAT, stdout, &["NAMES", "COMMAND", "CREATED"], &[])?
        .into_iter()
        .map(|cells| {
            let [name, command, created_at] = <[String; 3]>::try_from(cells)
                .map_err(|_| ParseError::new(WHAT, "expected three columns"))?;
            Ok(RunContainer {
                name,
                state: None,
                command,
                created_at,
            })
        })
        .collect()
}

/// Docker's `CreatedAt`, the JSON layout's `created_at`: Go's
/// `time.Time.String()` in the Docker client's zone (`2025-01-08 05:20:02
/// +0000 UTC`, `2025-01-08 06:20:02 +0100 CET`; fractional seconds, if any,
/// dropped), as a time. `None` for anything else, such as the text
/// layout's `2 minutes ago`.
pub fn docker_created(text: &str) -> Option<SystemTime> {
    let mut parts = text.split_whitespace();
    let (date, clock, offset) = (parts.next()?, parts.next()?, parts.next()?);
    // A zone abbreviation may follow the offset, and nothing else.
    if parts.nth(1).is_some() {
        return None;
    }
    let (clock, fraction) = clock.split_once('.').unwrap_or((clock, "0"));
    let (sign, hhmm) = offset.split_at_checked(1)?;
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(fraction) || hhmm.len() != 4 || !digits(hhmm) {
        return None;
    }
    let local = super::certs::date_time(&format!("{date} {clock}"))?;
    let hours: u64 = hhmm.get(..2)?.parse().ok()?;
    let minutes: u64 = hhmm.get(2..)?.parse().ok()?;
    let shift = Duration::from_secs(hours * 3600 + minutes * 60);
    match sign {
        "+" => local.checked_sub(shift),
        "-" => local.checked_add(shift),
        _ => None,
    }
}

/// The container `run:detached` started: the last line of its stdout
/// (`docker container inspect --format {{.Name}}`). Lines before it are
/// Dokku's, e.g. `-----> Found 'worker' in Procfile, running that command`
/// when the command's first word is a Procfile process type
/// (`scheduler-run`, Dokku v0.38.27).
///
/// # Errors
///
/// A [`ParseError`] when stdout has no line.
pub fn detached(stdout: &str) -> Result<String, ParseError> {
    stdout
        .lines()
        .map(str::trim)
        .rfind(|line| !line.is_empty())
        .map(str::to_owned)
        .ok_or_else(|| ParseError::new("run:detached", "no container name in the output"))
}

/// `run:stop`'s stdout: the name of each container `docker container
/// stop` stopped (`<app>.run.<n>`, a line each); Dokku's "No run
/// containers exist" and anything else is not one.
pub fn stopped(stdout: &str) -> Vec<String> {
    stdout
        .lines()
        .map(str::trim)
        .filter(|line| {
            line.rsplit_once(".run.").is_some_and(|(app, n)| {
                !app.is_empty() && !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit())
            })
        })
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dockers_created_at_is_read_in_its_zone() {
        use std::time::UNIX_EPOCH;
        let at =
            |s: &str| docker_created(s).map(|t| t.duration_since(UNIX_EPOCH).unwrap().as_secs());
        // 2025-01-08 05:20:02 UTC
        let utc = Some(1_736_313_602);
        assert_eq!(at("2025-01-08 05:20:02 +0000 UTC"), utc);
        assert_eq!(at("2025-01-08 06:20:02 +0100 CET"), utc);
        assert_eq!(at("2025-01-07 23:50:02.123456789 -0530 X"), utc);
        assert_eq!(at("2025-01-08 05:20:02 +0000"), utc);
        for words in [
            "2 minutes ago",
            "About an hour ago",
            "",
            "2025-01-08 05:20:02",
            "2025-01-08 05:20:02 0000 UTC",
            "2025-01-08 05:20:02 +000 UTC",
            "2025-01-08 05:20:02. +0000 UTC",
            "2025-01-08 05:20:02 +0000 UTC extra",
            "2025-13-08 05:20:02 +0000 UTC",
        ] {
            assert_eq!(at(words), None, "{words:?}");
        }
    }

    #[test]
    fn the_detached_container_is_the_last_line_after_dokkus_own() {
        assert_eq!(detached("api.run.2817\n").unwrap(), "api.run.2817");
        let procfile = "-----> Found 'worker' in Procfile, running that command\napi.run.2817\n";
        assert_eq!(detached(procfile).unwrap(), "api.run.2817");
        assert!(detached("\n").is_err());
    }

    // Docker's `table {{.Names}}\t{{.Command}}\t{{.RunningFor}}`, and jq's JSON.
    #[test]
    fn docker_table_and_json_rows_are_read() {
        let text = "=====> api run containers\n\
                    NAMES        COMMAND                   CREATED\n\
                    api.run.123  \"/exec rake db:migrate\"   2 minutes ago\n";
        let rows = list(text).unwrap();
        assert_eq!(rows[0].name, "api.run.123");
        assert_eq!(rows[0].command, "\"/exec rake db:migrate\"");
        assert_eq!(rows[0].created_at, "2 minutes ago");
        let json = r#"[{"name":"api.run.1","state":"running","command":"\"ls\"","created_at":"2024-01-01 00:00:00 +0000 UTC"}]"#;
        assert_eq!(list(json).unwrap()[0].state.as_deref(), Some("running"));
    }

    // scheduler-run-stop: `docker container stop` prints each name; none
    // to stop prints Dokku's line (recorded: surface seq 1224).
    #[test]
    fn the_containers_run_stop_stopped_are_its_name_lines() {
        assert_eq!(
            stopped("api.run.123\napi.run.7\n"),
            ["api.run.123", "api.run.7"]
        );
        assert!(stopped("No run containers exist\n").is_empty());
        assert!(stopped("").is_empty());
        assert!(stopped("api.run.\n.run.1\napi.web.1\n").is_empty());
    }
}
