//! `<plugin>:list`, `:info`, `:links` and `:app-links` of the service plugins.
//!
//! Formats (dokku/dokku-postgres `common-functions`, shared by every
//! official service plugin):
//! - `list`: `=====> Postgres services` (suppressed by `--quiet`) and one
//!   name per line; plugins from before the names-only change printed a
//!   `NAME VERSION STATUS EXPOSED PORTS LINKS` table instead, whose first
//!   column is read. With no services stdout is empty (the warning goes to
//!   stderr).
//! - `info`: `=====> <service> <plugin> service information`, then per field
//!   seven spaces, `printf "%-20s %-25s"` of `Key:` and the value (so short
//!   values carry trailing spaces).
//!   Plugins built on dokku/dokku-datastore (Go) print Dokku's Go report
//!   instead (dokku `plugins/common` `ReportSingleApp`): `=====> <service>
//!   <plugin> information`, keys sorted, `Key:` right-padded to 31, no
//!   trailing spaces, ~45 keys (`custom-env`, `backup-*` …), `links`
//!   comma-joined; the shared report reader ([`report::text`]) takes both,
//!   and `custom-env` is kept secret like the DSN. `--format json` prints the same map as one JSON
//!   object ([`info_json`]).
//! - `info --<field>`: the bare value and a newline.
//! - `links` / `app-links`: one name per line; the Go generation puts a
//!   `=====> <plugin> linked apps for service <s>` (`… linked services for
//!   app <a>`) header first, which is skipped.
//! - `list --format json` (Go generation): a JSON array of names, `null`
//!   or `[]` when there are none ([`list_json`]).
//!
//! The DSN is secret: errors here name lines and keys, never values.

use crate::model::service::{ExposedPort, ScheduledBackup, ServiceInfo, ServiceStatus};
use crate::name::{AppName, ConfigKey, ServiceName};
use crate::parse::report::{self, RawReport};
use crate::parse::{json_array, ParseError};
use crate::secret::SecretString;

const LIST: &str = "service:list";
const INFO: &str = "service:info";
const LINKS: &str = "service:links";
const HEADER: &str = "=====> ";

// Bash joins lists with spaces, the Go generation with commas.
fn list_items(value: &str) -> impl Iterator<Item = &str> {
    value
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|w| !w.is_empty() && *w != "-")
}

fn content_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines()
        .enumerate()
        .map(|(i, l)| (i, l.trim_end()))
        .filter(|(_, l)| !l.trim().is_empty())
}

/// `<plugin>:list`: the service names.
pub fn list(text: &str) -> Result<Vec<ServiceName>, ParseError> {
    let mut names = Vec::new();
    for (index, line) in content_lines(text) {
        if line.starts_with(HEADER) {
            continue;
        }
        let first = line.split_whitespace().next().unwrap_or("");
        // The old table's header row.
        if first == "NAME" && line.contains("STATUS") {
            continue;
        }
        let name = ServiceName::new(first)
            .map_err(|e| ParseError::at(LIST, index, format!("not a service name: {e}")))?;
        names.push(name);
    }
    Ok(names)
}

/// One-name-per-line output of `<plugin>:links`: the linked apps.
pub fn links(text: &str) -> Result<Vec<AppName>, ParseError> {
    content_lines(text)
        .filter(|(_, line)| !line.starts_with(HEADER))
        .map(|(index, line)| {
            AppName::legacy(line.trim())
                .map_err(|e| ParseError::at(LINKS, index, format!("not an app name: {e}")))
        })
        .collect()
}

/// One-name-per-line output of `<plugin>:app-links`: the services.
pub fn app_links(text: &str) -> Result<Vec<ServiceName>, ParseError> {
    content_lines(text)
        .filter(|(_, line)| !line.starts_with(HEADER))
        .map(|(index, line)| {
            ServiceName::new(line.trim())
                .map_err(|e| ParseError::at(LINKS, index, format!("not a service name: {e}")))
        })
        .collect()
}

/// The value `<plugin>:info <service> --<field>` printed: its one line,
/// trailing whitespace removed.
pub fn info_value(text: &str) -> String {
    text.strip_suffix('\n')
        .unwrap_or(text)
        .trim_end()
        .to_owned()
}

/// The `Links` value: app names separated by spaces (bash) or commas (Go),
/// `-` or empty for none.
pub fn linked_apps(value: &str) -> Result<Vec<AppName>, ParseError> {
    list_items(value)
        .map(|w| {
            AppName::legacy(w).map_err(|e| ParseError::new(INFO, format!("not an app name: {e}")))
        })
        .collect()
}

/// The `Exposed ports` value: `5432->12345 ` pairs, `-` or empty for none.
pub fn exposed_ports(value: &str) -> Result<Vec<ExposedPort>, ParseError> {
    list_items(value)
        .map(|pair| {
            let (container, host) = pair.split_once("->").ok_or_else(|| {
                ParseError::new(
                    INFO,
                    format!("exposed port {pair:?} is not container->host"),
                )
            })?;
            let container = container.parse::<u16>().map_err(|_| {
                ParseError::new(INFO, format!("exposed port {container:?} is not a port"))
            })?;
            if host.is_empty() {
                return Err(ParseError::new(INFO, "exposed port without a host side"));
            }
            Ok(ExposedPort {
                container,
                host: host.to_owned(),
            })
        })
        .collect()
}

fn optional(value: &str) -> Option<String> {
    let value = value.trim();
    (!value.is_empty()).then(|| value.to_owned())
}

/// `<plugin>:list --format json` (Go generation): the service names;
/// `null`, `[]` or nothing at all is none.
pub fn list_json(text: &str) -> Result<Vec<ServiceName>, ParseError> {
    json_array::<String>(LIST, text)?
        .iter()
        .map(|n| {
            ServiceName::new(n)
                .map_err(|e| ParseError::new(LIST, format!("not a service name: {e}")))
        })
        .collect()
}

// One field by its key (`exposed-ports`); the error carries only a reason,
// never the value.
fn apply_field(info: &mut ServiceInfo, key: &str, value: &str) -> Result<(), String> {
    match key {
        "dsn" => {
            info.dsn = (!value.is_empty()).then(|| SecretString::new(value));
            return Ok(());
        }
        "custom-env" => {
            info.custom_env = (!value.is_empty()).then(|| SecretString::new(value));
            return Ok(());
        }
        "config-dir" => info.config_dir = optional(value),
        "data-dir" => info.data_dir = optional(value),
        "exposed-ports" => info.exposed_ports = exposed_ports(value).map_err(|e| e.reason)?,
        "id" => info.id = optional(value),
        "internal-ip" => info.internal_ip = optional(value),
        "initial-network" => info.initial_network = optional(value),
        "links" => info.links = linked_apps(value).map_err(|e| e.reason)?,
        "post-create-network" => info.post_create_network = optional(value),
        "post-start-network" => info.post_start_network = optional(value),
        "service" if info.name.is_none() => info.name = ServiceName::new(value.trim()).ok(),
        "service-root" => info.service_root = optional(value),
        "status" => info.status = optional(value).map(|s| ServiceStatus::from_docker(&s)),
        "version" => info.version = optional(value),
        _ => {}
    }
    info.raw.insert(key.to_owned(), value.to_owned());
    Ok(())
}

// The one report block `info` prints, read into a [`ServiceInfo`] named
// by the first word of its header's subject (`lollipop postgres`), if any.
// A field's error names its key, never its value.
fn from_report(reports: Vec<RawReport>) -> Result<ServiceInfo, ParseError> {
    let [report] = <[RawReport; 1]>::try_from(reports).map_err(|all| {
        let found = all.len();
        ParseError::new(INFO, format!("expected one service, found {found}"))
    })?;
    let first = report
        .subject
        .as_deref()
        .and_then(|s| s.split_whitespace().next());
    let mut info = ServiceInfo {
        name: first.and_then(|n| ServiceName::new(n).ok()),
        ..ServiceInfo::default()
    };
    for (key, value) in &report.fields {
        apply_field(&mut info, key, value.trim())
            .map_err(|reason| ParseError::new(INFO, format!("{key}: {reason}")))?;
    }
    Ok(info)
}

/// `<plugin>:info <service>`, either generation's text layout (one
/// `=====> ` block of the shared report form).
pub fn info(text: &str) -> Result<ServiceInfo, ParseError> {
    from_report(report::text(INFO, text)?)
}

/// `<plugin>:info <service> --format json` (Go generation): one object of
/// string values keyed like the flags (`exposed-ports`); a value of another
/// JSON type is read as its text, as in every report.
pub fn info_json(text: &str) -> Result<ServiceInfo, ParseError> {
    from_report(report::json(INFO, text)?)
}

/// The cron line `<plugin>:backup-schedule-cat` printed:
/// `<schedule> dokku <dokku binary> <plugin>:backup <service> <bucket>
/// [--use-iam]` (a schedule is five fields, or one such as `@daily`).
pub fn scheduled_backup(plugin: &str, text: &str) -> Result<ScheduledBackup, ParseError> {
    let bad = |why: &str| ParseError::new("backup-schedule-cat", why.to_owned());
    let words: Vec<&str> = text.split_whitespace().collect();
    let verb = format!("{plugin}:backup");
    let at = words
        .iter()
        .position(|w| *w == verb)
        .ok_or_else(|| bad("no backup command in the cron line"))?;
    let schedule = words
        .get(..at.saturating_sub(2))
        .filter(|s| !s.is_empty() && words.get(at - 2) == Some(&"dokku"))
        .ok_or_else(|| bad("no schedule before `dokku` in the cron line"))?;
    let bucket = words
        .get(at + 2)
        .ok_or_else(|| bad("no bucket in the cron line"))?;
    Ok(ScheduledBackup {
        schedule: schedule.join(" "),
        bucket: (*bucket).to_owned(),
        use_iam: matches!(words.get(at + 3), Some(&"--use-iam" | &"-u")),
    })
}

/// The DSN a `create`, `clone` or `upgrade` printed with its closing
/// `:info` (`       Dsn:  postgres://…`).
pub fn printed_dsn(stdout: &str) -> Option<SecretString> {
    stdout.lines().find_map(|line| {
        let (label, value) = line.trim().split_once(':')?;
        (label.trim() == "Dsn" && !value.trim().is_empty()).then(|| SecretString::new(value.trim()))
    })
}

/// The `<ALIAS>_URL` a `link` set, from the `config:set` output it echoes
/// (`-----> Setting config vars`, then `       DOKKU_POSTGRES_AQUA_URL:  …`).
pub fn linked_env_var(stdout: &str) -> Option<ConfigKey> {
    let mut lines = stdout.lines();
    lines.find(|l| l.trim() == "-----> Setting config vars")?;
    lines.find_map(|line| {
        let (key, _) = line.trim().split_once(':')?;
        key.ends_with("_URL").then(|| ConfigKey::new(key).ok())?
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_scheduled_backup_is_read_from_the_cron_line_the_plugin_wrote() {
        // service_backup_schedule's echo: the flag is empty without IAM,
        // which leaves a trailing space.
        let line = "0 3 * * * dokku /usr/bin/dokku postgres:backup api-db my-backups \n";
        let read = scheduled_backup("postgres", line).unwrap();
        assert_eq!(read.schedule, "0 3 * * *");
        assert_eq!(read.bucket, "my-backups");
        assert!(!read.use_iam);
        let iam = "@daily dokku /usr/local/bin/dokku redis:backup cache b --use-iam\n";
        let read = scheduled_backup("redis", iam).unwrap();
        assert_eq!((read.schedule.as_str(), read.use_iam), ("@daily", true));
        for bad in [
            "",
            "0 3 * * * dokku /usr/bin/dokku postgres:backup api-db",
            "dokku /usr/bin/dokku postgres:backup a b",
            "0 3 * * * root /x postgres:backup a b",
        ] {
            let e = scheduled_backup("postgres", bad).unwrap_err();
            assert!(e.to_string().contains("cron line"), "{bad:?}: {e}");
        }
    }

    #[test]
    fn list_reads_names_and_the_old_table() {
        let names = list("=====> Postgres services\nlollipop\nother_db\n").unwrap();
        assert_eq!(names.len(), 2);
        assert_eq!(names[1].as_str(), "other_db");
        let table = "=====> Postgres services\nNAME      VERSION        STATUS   EXPOSED PORTS  LINKS\nlollipop  postgres:9.6   running  -              -\n";
        assert_eq!(list(table).unwrap()[0].as_str(), "lollipop");
        assert!(list("").unwrap().is_empty());
        assert!(list("bad!name\n").is_err());
    }

    #[test]
    fn info_errors_do_not_quote_values() {
        let err = info("=====> x postgres service information\n       Dsn: postgres://u:hunter2@h/x\nhunter2 garbage\n")
            .unwrap_err();
        assert!(!err.to_string().contains("hunter2"), "{err}");
        // A field's error names its key.
        let err = info("=====> x postgres service information\n       Links:  Bad\n").unwrap_err();
        assert!(err.to_string().contains("links:"), "{err}");
    }

    #[test]
    fn info_wants_exactly_one_service() {
        let two = "=====> a postgres service information\n=====> b postgres service information\n";
        assert!(info(two).is_err());
        assert!(info_json("{}\n{}\n").is_err());
        assert!(info("").is_err() && info_json("").is_err());
        let one = info("=====> x postgres service information\n").unwrap();
        assert_eq!(one.name.as_ref().map(ServiceName::as_str), Some("x"));
        assert_eq!(
            one,
            ServiceInfo {
                name: one.name.clone(),
                ..ServiceInfo::default()
            }
        );
    }

    #[test]
    fn list_json_reads_names_and_nothing_is_none() {
        assert_eq!(list_json("[\"a\",\"b_c\"]\n").unwrap().len(), 2);
        assert!(list_json("").unwrap().is_empty());
        assert!(list_json("{}").is_err());
    }

    #[test]
    fn info_reads_the_go_report_layout_and_hides_custom_env() {
        let text = "=====> lollipop postgres information\n       \
                    Custom env:                    PGUSER=admin;PGPASS=hunter22\n       \
                    Dsn:                           postgres://postgres:pw@dokku-postgres-lollipop:5432/lollipop\n       \
                    Links:                         api\n       \
                    Status:                        running\n";
        let info = info(text).unwrap();
        assert_eq!(
            info.name.as_ref().map(ServiceName::as_str),
            Some("lollipop")
        );
        assert_eq!(info.status, Some(ServiceStatus::Running));
        assert_eq!(info.links.len(), 1);
        assert!(info.custom_env.unwrap().expose().contains("hunter22"));
        assert!(!info.raw.contains_key("custom-env"));
        assert!(!info.raw.contains_key("dsn"));
    }

    #[test]
    fn ports_and_links() {
        assert!(exposed_ports("-").unwrap().is_empty());
        let ports = exposed_ports("5432->127.0.0.1:5432 ").unwrap();
        assert_eq!(ports[0].container, 5432);
        assert_eq!(ports[0].host, "127.0.0.1:5432");
        assert!(exposed_ports("5432").is_err());
        assert_eq!(linked_apps("api staging-api ").unwrap().len(), 2);
        assert!(linked_apps("-").unwrap().is_empty());
        // The Go generation: comma-joined links, empty for none.
        assert_eq!(linked_apps("api,staging-api").unwrap().len(), 2);
        assert!(linked_apps("").unwrap().is_empty());
        assert!(linked_apps("api,Upper").is_err());
        let two = exposed_ports("5432->12345 8080->23456").unwrap();
        assert_eq!((two[1].container, two[1].host.as_str()), (8080, "23456"));
        // Table headers are skipped; a bad name is still an error.
        let apps = links("=====> postgres linked apps for service x\napi\n").unwrap();
        assert_eq!(apps.len(), 1);
        assert!(app_links("=====> postgres linked services for app a\nbad name\n").is_err());
    }
}
