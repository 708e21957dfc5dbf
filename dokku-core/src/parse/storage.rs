//! `storage:list`, `storage:list-entries`, `storage:info` and
//! `storage:report --global`, text and JSON.
//!
//! Recorded on 0.38.27: `storage:list` text is `-----> <app> volume
//! bind-mounts:` then `host:container` lines, JSON a one-line array of
//! `{entry_name, host_path, container_path}`; the entry commands print
//! pretty-printed JSON over several lines, and text `-----> Storage
//! entries:` with tab-separated `name scheduler host-path` rows,
//! `-----> Storage entry <name>` with `Label: value` rows, and `----->
//! Storage report (global):` with `name scheduler mounted by: a, b` rows
//! (`—` for none). Source: dokku/dokku `plugins/storage/`.

use super::{table, ParseError};
use crate::model::storage::{StorageEntry, StorageEntryUsage, StorageMount};

const LIST: &str = "storage:list";
const ENTRIES: &str = "storage:list-entries";
const INFO: &str = "storage:info";
const GLOBAL: &str = "storage:report";

/// `storage:list` in either format.
pub fn list(stdout: &str) -> Result<Vec<StorageMount>, ParseError> {
    if stdout.trim_start().starts_with('[') {
        return super::json_array(LIST, stdout);
    }
    table::verbose_lines(stdout)
        .into_iter()
        .map(|line| {
            let (host, container) = line
                .trim()
                .split_once(':')
                .ok_or_else(|| ParseError::new(LIST, "expected `host:container` lines"))?;
            Ok(StorageMount {
                entry_name: None,
                host_path: host.to_owned(),
                container_path: container.to_owned(),
            })
        })
        .collect()
}

/// `storage:list-entries` in either format.
pub fn entries(stdout: &str) -> Result<Vec<StorageEntry>, ParseError> {
    if stdout.trim_start().starts_with('[') {
        return super::json_array(ENTRIES, stdout);
    }
    table::verbose_lines(stdout)
        .into_iter()
        .map(|line| {
            let mut cells = line.trim().split('\t');
            let name = cells.next().unwrap_or_default().to_owned();
            let scheduler = cells
                .next()
                .ok_or_else(|| {
                    ParseError::new(ENTRIES, "expected tab-separated name, scheduler, path")
                })?
                .to_owned();
            let host_path = cells.next().filter(|p| !p.is_empty()).map(str::to_owned);
            Ok(StorageEntry {
                name,
                scheduler,
                host_path,
                ..StorageEntry::default()
            })
        })
        .collect()
}

/// `storage:info <name>` in either format.
pub fn info(stdout: &str) -> Result<StorageEntry, ParseError> {
    if stdout.trim_start().starts_with('{') {
        return super::json(INFO, "a storage entry", stdout);
    }
    let name = stdout
        .lines()
        .find_map(|l| l.trim().strip_prefix("-----> Storage entry "))
        .ok_or_else(|| ParseError::new(INFO, "no `-----> Storage entry <name>` line"))?;
    let mut entry = StorageEntry {
        name: name.trim().to_owned(),
        ..StorageEntry::default()
    };
    for (label, value) in table::label_values(INFO, stdout)? {
        let value = Some(value).filter(|v| !v.is_empty());
        match label.as_str() {
            "Scheduler" => entry.scheduler = value.unwrap_or_default(),
            "Host path" => entry.host_path = value,
            "Size" => entry.size = value,
            "Access mode" => entry.access_mode = value,
            "Storage class" => entry.storage_class = value,
            "Namespace" => entry.namespace = value,
            "Chown" => entry.chown = value,
            "Mode" => entry.mode = value,
            "Reclaim policy" => entry.reclaim_policy = value,
            _ => {}
        }
    }
    Ok(entry)
}

/// `storage:report --global` in either format.
pub fn global_report(stdout: &str) -> Result<Vec<StorageEntryUsage>, ParseError> {
    if stdout.trim_start().starts_with('[') {
        return super::json_array(GLOBAL, stdout);
    }
    table::verbose_lines(stdout)
        .into_iter()
        .map(|line| {
            let mut cells = line.trim().splitn(3, '\t');
            let (Some(name), Some(scheduler), Some(mounted)) =
                (cells.next(), cells.next(), cells.next())
            else {
                return Err(ParseError::new(
                    GLOBAL,
                    "expected `name scheduler mounted by: …` rows",
                ));
            };
            let mounted = mounted
                .strip_prefix("mounted by:")
                .ok_or_else(|| ParseError::new(GLOBAL, "expected `mounted by:`"))?
                .trim();
            let mounted_by = if mounted == "—" || mounted.is_empty() {
                Vec::new()
            } else {
                mounted.split(", ").map(str::to_owned).collect()
            };
            Ok(StorageEntryUsage {
                entry: StorageEntry {
                    name: name.to_owned(),
                    scheduler: scheduler.to_owned(),
                    ..StorageEntry::default()
                },
                mounted_by,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    // plugins/storage/commands_entries.go: `mounted by: a, b`, `—` for none.
    #[test]
    fn the_global_text_report_lists_who_mounts_each_entry() {
        let out = "-----> Storage report (global):\n\
                   \x20      cap-vol\tdocker-local\tmounted by: api, web\n\
                   \x20      x\tk3s\tmounted by: —\n";
        let rows = global_report(out).unwrap();
        assert_eq!(rows[0].mounted_by, ["api", "web"]);
        assert!(rows[1].mounted_by.is_empty());
        assert_eq!(rows[1].entry.scheduler, "k3s");
    }
}
