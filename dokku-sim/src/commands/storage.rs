//! The `storage` plugin (simulated): storage entries and the apps that
//! mount them.
//!
//! Written from dokku/dokku v0.38.27 `plugins/storage`:
//!
//! - `entry.go`: an entry (`storage:create`, or the `legacy-<first 10 hex
//!   digits of sha1(host path)>` entry a `host:container` mount registers;
//!   a Docker volume name is hashed as `vol:<name>`), its validation and
//!   its JSON (`json.MarshalIndent`, fields in struct order, empty ones
//!   left out);
//! - `attachment.go`: an app's attachments (entry, container path,
//!   phases, process type, mount options), one JSON object a line in the
//!   app's `storage` property `mounts`, listed per phase sorted by entry
//!   and container path;
//! - `subcommands.go`, `commands_entries.go`, `commands_metadata.go`: the
//!   subcommands, their messages and the order of their checks;
//! - `report.go`: the app report (`-v` arguments per phase, one
//!   `attachment.<n>.*` group per attachment) and the global one (every
//!   entry and the apps mounting it, pretty-printed in JSON);
//! - `triggers.go`: attachments move with `apps:rename`, are copied by
//!   `apps:clone` and go with `apps:destroy` (the app's properties); the
//!   entries stay.
//!
//! Recorded: captures-0.38.27-core.jsonl seq 153-160;
//! captures-0.38.27-surface.jsonl seq 289-295, 1141-1188, 1341-1343.
//! `storage:exec` runs a container, which the simulator does not: an
//! existing entry's exec prints nothing.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use sha1::{Digest, Sha1};

use crate::common::confirm;
use crate::common::properties;
use crate::common::report::{self, go_json_str, go_quote, Fields, GoReport, JsonKeys};
use crate::common::{Ctx, Outcome};
use crate::host::{SimHost, StorageEntry};

/// `GetStorageDirectory()`.
const STORAGE_DIR: &str = "/var/lib/dokku/data/storage";
const DOCKER_LOCAL: &str = "docker-local";
const K3S: &str = "k3s";
/// `DefaultProcessType`: every process type.
const DEFAULT_PROCESS_TYPE: &str = "_default_";
const PHASE_DEPLOY: &str = "deploy";
const PHASE_RUN: &str = "run";
/// `SchemaVersion`.
const SCHEMA_VERSION: u32 = 1;
/// `SettableProperties`, in the order the error lists them.
const SETTABLE: &[&str] = &[
    "access-mode",
    "chown",
    "mode",
    "namespace",
    "reclaim-policy",
    "size",
    "storage-class-name",
];

/// A failed subcommand: the message `LogFailWithError` prints (exit 1), or
/// nothing more when the failure was printed already (a missing app).
type Failed = Option<String>;

fn fail(message: impl Into<String>) -> Failed {
    Some(message.into())
}

/// Run a `storage` subcommand; `None` if it is not one this module knows.
pub fn run(ctx: &mut Ctx<'_>, subcommand: &str, args: &[String]) -> Option<Outcome> {
    let result = match subcommand {
        "storage:report" => report(ctx, args),
        "storage:list" => list(ctx, args),
        "storage:mount" => mount(ctx, args),
        "storage:unmount" => unmount(ctx, args),
        "storage:ensure-directory" => ensure_directory(ctx, args),
        "storage:create" => create(ctx, args),
        "storage:destroy" => destroy(ctx, args),
        "storage:info" => info(ctx, args),
        "storage:list-entries" => list_entries(ctx, args),
        "storage:set" => set(ctx, args),
        "storage:labels:set" => metadata_set(ctx, args, &LABELS),
        "storage:annotations:set" => metadata_set(ctx, args, &ANNOTATIONS),
        "storage:labels:report" => metadata_report(ctx, args, &LABELS),
        "storage:annotations:report" => metadata_report(ctx, args, &ANNOTATIONS),
        "storage:migrate" => migrate(ctx, args),
        "storage:exec" => exec(ctx, args),
        "storage:wait" => wait(ctx, args),
        _ => return None,
    };
    if let Err(Some(message)) = result {
        ctx.out.fail(&message);
    }
    Some(Outcome::Done(std::mem::take(&mut ctx.out)))
}

// ---------------------------------------------------------------------------
// Entries and attachments

/// One attachment: how an app mounts an entry (`Attachment`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Attachment {
    entry_name: String,
    container_path: String,
    phases: Vec<String>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    process_type: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    subpath: String,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    readonly: bool,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    volume_options: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    volume_chown: String,
}

impl Attachment {
    /// `Attachment.Validate`.
    fn validate(&self) -> Result<(), Failed> {
        if self.entry_name.is_empty() {
            return Err(fail("attachment is missing entry name"));
        }
        if self.container_path.is_empty() {
            return Err(fail("attachment is missing container path"));
        }
        if !self.container_path.starts_with('/') {
            return Err(fail(format!(
                "attachment container path {} must be absolute",
                go_quote(&self.container_path)
            )));
        }
        if self.phases.is_empty() {
            return Err(fail("attachment must specify at least one phase"));
        }
        for phase in &self.phases {
            if phase != PHASE_DEPLOY && phase != PHASE_RUN {
                return Err(fail(format!(
                    "attachment phase {} is not supported (must be \"deploy\" or \"run\")",
                    go_quote(phase)
                )));
            }
        }
        Ok(())
    }

    /// The same (entry, container path, process type) tuple.
    fn same_mount(&self, other: &Attachment) -> bool {
        self.entry_name == other.entry_name
            && self.container_path == other.container_path
            && self.process_type == other.process_type
    }
}

/// `LoadAttachments`: the app's attachments in the order they were added.
fn attachments(host: &SimHost, app: &str) -> Vec<Attachment> {
    host.app_property(app, "storage", "mounts")
        .unwrap_or("")
        .lines()
        .filter(|line| !line.trim().is_empty())
        .filter_map(|line| serde_json::from_str(line).ok())
        .collect()
}

/// `SaveAttachments`.
fn save_attachments(host: &mut SimHost, app: &str, list: &[Attachment]) {
    let lines: Vec<String> = list
        .iter()
        .filter_map(|a| serde_json::to_string(a).ok())
        .collect();
    properties::store(host, "storage", app, "mounts", &lines.join("\n"));
}

/// `AttachmentsForPhase`: sorted by entry, then container path.
fn attachments_for_phase(host: &SimHost, app: &str, phase: &str) -> Vec<Attachment> {
    let mut list: Vec<Attachment> = attachments(host, app)
        .into_iter()
        .filter(|a| a.phases.iter().any(|p| p == phase))
        .collect();
    list.sort_by(|a, b| {
        (&a.entry_name, &a.container_path).cmp(&(&b.entry_name, &b.container_path))
    });
    list
}

/// `AppsUsingEntry`: the apps of `DokkuApps` with an attachment of the
/// entry, sorted; `None` when the host has no apps at all (Go's nil).
fn apps_using(host: &SimHost, name: &str) -> Option<Vec<String>> {
    let apps = crate::common::names::dokku_apps(host);
    if apps.is_empty() {
        return None;
    }
    Some(
        apps.into_iter()
            .filter(|app| attachments(host, app).iter().any(|a| a.entry_name == name))
            .collect(),
    )
}

/// One row of `storage:list` (`StorageListEntry`): an attachment with its
/// entry's host path (the entry's name when it has none).
struct ListRow {
    entry_name: String,
    host_path: String,
    container_path: String,
    readonly: bool,
    volume_options: String,
}

/// `ListAppMountEntries`.
fn list_rows(host: &SimHost, app: &str, phase: &str) -> Vec<ListRow> {
    attachments_for_phase(host, app, phase)
        .into_iter()
        .filter_map(|a| {
            let entry = host.storage_entries.get(&a.entry_name)?;
            Some(ListRow {
                entry_name: entry.name.clone(),
                host_path: host_token(entry),
                container_path: a.container_path,
                readonly: a.readonly,
                volume_options: a.volume_options,
            })
        })
        .collect()
}

fn host_token(entry: &StorageEntry) -> String {
    if entry.host_path.is_empty() {
        entry.name.clone()
    } else {
        entry.host_path.clone()
    }
}

/// `formatStorageListEntry`: `host:container[:ro,<options>]`.
fn colon_form(row: &ListRow) -> String {
    let options = match (row.readonly, row.volume_options.is_empty()) {
        (true, false) => format!("ro,{}", row.volume_options),
        (true, true) => "ro".to_owned(),
        (false, false) => row.volume_options.clone(),
        (false, true) => String::new(),
    };
    if options.is_empty() {
        format!("{}:{}", row.host_path, row.container_path)
    } else {
        format!("{}:{}:{options}", row.host_path, row.container_path)
    }
}

/// `GetBindMountsForDisplay`: `-v <colon form>` per attachment of the
/// phase.
fn bind_mounts(host: &SimHost, app: &str, phase: &str) -> String {
    list_rows(host, app, phase)
        .iter()
        .map(|row| format!("-v {}", colon_form(row)))
        .collect::<Vec<_>>()
        .join(" ")
}

/// `ParseMountPath`: host, container, and the options with `ro` hoisted.
struct MountPath {
    host: String,
    container: String,
    readonly: bool,
    options: String,
}

fn parse_mount_path(mount: &str) -> MountPath {
    let mut parts = mount.splitn(3, ':');
    let host = parts.next().unwrap_or("").to_owned();
    let container = parts.next().unwrap_or("").to_owned();
    let mut readonly = false;
    let mut options = Vec::new();
    if let Some(rest) = parts.next().filter(|r| !r.is_empty()) {
        for token in rest.split(',') {
            if token == "ro" {
                readonly = true;
            } else {
                options.push(token);
            }
        }
    }
    MountPath {
        host,
        container,
        readonly,
        options: options.join(","),
    }
}

/// `VerifyPaths`: `^/.*:/` for a host path, `^[a-zA-Z0-9][a-zA-Z0-9_.-]+:/`
/// for a volume name.
fn verify_paths(mount: &str) -> Result<(), Failed> {
    if let Some(rest) = mount.strip_prefix('/') {
        if rest.contains(":/") {
            return Ok(());
        }
        return Err(fail(
            "Storage path must be two valid paths divided by colon.",
        ));
    }
    let volume_ok = mount.split_once(":/").is_some_and(|(name, _)| {
        let mut chars = name.chars();
        chars.next().is_some_and(|c| c.is_ascii_alphanumeric())
            && name.len() >= 2
            && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
    });
    if volume_ok {
        Ok(())
    } else {
        Err(fail("Volume name must be two characters or more. Volume name must not contain invalid characters. Storage path must be two valid paths divided by colon."))
    }
}

/// `LegacyMountToEntry`.
fn legacy_entry(mount: &str) -> StorageEntry {
    let host = parse_mount_path(mount).host;
    let input = if host.starts_with('/') {
        host.clone()
    } else {
        format!("vol:{host}")
    };
    let digest = Sha1::digest(input.as_bytes());
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    StorageEntry {
        name: format!("legacy-{}", &hex[..10]),
        scheduler: DOCKER_LOCAL.to_owned(),
        host_path: host,
        ..StorageEntry::default()
    }
}

fn default_host_path(name: &str) -> String {
    format!("{STORAGE_DIR}/{name}")
}

/// `ValidateEntryName`.
fn validate_name(name: &str, allow_legacy: bool) -> Result<(), Failed> {
    if name.is_empty() {
        return Err(fail("storage entry name is required"));
    }
    if name.len() > 45 {
        return Err(fail(format!(
            "storage entry name {} is too long (max 45 characters); helm release names cap our budget",
            go_quote(name)
        )));
    }
    let bytes = name.as_bytes();
    let label = bytes
        .iter()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'-')
        && bytes.first().is_some_and(|b| *b != b'-')
        && bytes.last().is_some_and(|b| *b != b'-');
    if !label {
        return Err(fail(format!(
            "storage entry name {} must be a DNS-1123 label (lowercase letters, digits, and dashes; cannot start or end with a dash)",
            go_quote(name)
        )));
    }
    if !allow_legacy && name.starts_with("legacy-") {
        return Err(fail(format!(
            "storage entry name {} must not start with reserved prefix \"legacy-\"",
            go_quote(name)
        )));
    }
    Ok(())
}

/// `NormalizeDirectoryMode`: three or four octal digits, as four.
fn normalize_mode(mode: &str) -> Result<String, Failed> {
    if mode.is_empty() {
        return Ok(String::new());
    }
    let octal = (3..=4).contains(&mode.len()) && mode.bytes().all(|b| (b'0'..=b'7').contains(&b));
    if !octal {
        return Err(fail(format!(
            "Unsupported directory mode {}. Value must be a 3 or 4 digit octal mode, such as 0755",
            go_quote(mode)
        )));
    }
    Ok(if mode.len() == 3 {
        format!("0{mode}")
    } else {
        mode.to_owned()
    })
}

/// `Entry.Validate`.
fn validate_entry(e: &StorageEntry) -> Result<(), Failed> {
    validate_name(&e.name, e.name.starts_with("legacy-"))?;
    let name = go_quote(&e.name);
    if e.scheduler != DOCKER_LOCAL && e.scheduler != K3S {
        return Err(fail(format!(
            "storage entry {name} has unsupported scheduler {} (supported: docker-local, k3s)",
            go_quote(&e.scheduler)
        )));
    }
    if !e.reclaim_policy.is_empty() && e.reclaim_policy != "Retain" && e.reclaim_policy != "Delete"
    {
        return Err(fail(format!(
            "storage entry {name} has unsupported reclaim policy {}",
            go_quote(&e.reclaim_policy)
        )));
    }
    if e.scheduler == DOCKER_LOCAL {
        if e.host_path.is_empty() {
            return Err(fail(format!(
                "storage entry {name} (docker-local) is missing host_path"
            )));
        }
        let volume = {
            let mut chars = e.host_path.chars();
            chars.next().is_some_and(|c| c.is_ascii_alphanumeric())
                && e.host_path.len() >= 2
                && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
        };
        if !e.host_path.starts_with('/') && !volume {
            return Err(fail(format!(
                "storage entry {name} host_path must be an absolute path or a docker named volume token, got {}",
                go_quote(&e.host_path)
            )));
        }
        for (value, flag) in [
            (&e.size, "--size"),
            (&e.storage_class, "--storage-class-name"),
            (&e.access_mode, "--access-mode"),
        ] {
            if !value.is_empty() {
                return Err(fail(format!(
                    "storage entry {name} (docker-local) does not accept {flag}"
                )));
            }
        }
        normalize_mode(&e.mode)?;
        let default = default_host_path(&e.name);
        if e.reclaim_policy == "Delete" && e.host_path != default {
            return Err(fail(format!(
                "storage entry {name} (docker-local) only accepts --reclaim-policy Delete on the default host path ({default})"
            )));
        }
    } else {
        if e.size.is_empty() {
            return Err(fail(format!("storage entry {name} (k3s) requires --size")));
        }
        if !e.storage_class.is_empty() && !e.host_path.is_empty() {
            return Err(fail(format!("storage entry {name} (k3s) cannot set both --storage-class-name and a host path; the cluster provisions class-backed volumes")));
        }
        const MODES: &[&str] = &[
            "ReadWriteOnce",
            "ReadOnlyMany",
            "ReadWriteMany",
            "ReadWriteOncePod",
        ];
        if !e.access_mode.is_empty() && !MODES.contains(&e.access_mode.as_str()) {
            return Err(fail(format!(
                "storage entry {name} has unsupported access mode {}",
                go_quote(&e.access_mode)
            )));
        }
        if !e.host_path.is_empty() && !e.host_path.starts_with('/') {
            return Err(fail(format!(
                "storage entry {name} host_path must be absolute, got {}",
                go_quote(&e.host_path)
            )));
        }
        if !e.mode.is_empty() {
            return Err(fail(format!(
                "storage entry {name} (k3s) does not accept --mode"
            )));
        }
    }
    Ok(())
}

fn load(host: &SimHost, name: &str) -> Result<StorageEntry, Failed> {
    host.storage_entries
        .get(name)
        .cloned()
        .ok_or_else(|| fail(format!("storage entry {} does not exist", go_quote(name))))
}

/// `json.MarshalIndent(entry, indent, "  ")`: struct order, empty fields
/// left out; `indent` starts every line but the first.
fn entry_json(e: &StorageEntry, indent: &str) -> String {
    let inner = format!("{indent}  ");
    let mut fields: Vec<String> = Vec::new();
    let mut string = |key: &str, value: &str, always: bool| {
        if always || !value.is_empty() {
            let mut field = format!("{inner}\"{key}\": ");
            go_json_str(&mut field, value);
            fields.push(field);
        }
    };
    string("name", &e.name, true);
    string("scheduler", &e.scheduler, true);
    string("host_path", &e.host_path, false);
    string("size", &e.size, false);
    string("access_mode", &e.access_mode, false);
    string("storage_class", &e.storage_class, false);
    string("namespace", &e.namespace, false);
    string("chown", &e.chown, false);
    string("mode", &e.mode, false);
    string("reclaim_policy", &e.reclaim_policy, false);
    for (key, map) in [("annotations", &e.annotations), ("labels", &e.labels)] {
        if map.is_empty() {
            continue;
        }
        let pairs: Vec<String> = map
            .iter()
            .map(|(k, v)| {
                let mut pair = format!("{inner}  ");
                go_json_str(&mut pair, k);
                pair.push_str(": ");
                go_json_str(&mut pair, v);
                pair
            })
            .collect();
        fields.push(format!(
            "{inner}\"{key}\": {{\n{}\n{inner}}}",
            pairs.join(",\n")
        ));
    }
    fields.push(format!("{inner}\"schema_version\": {SCHEMA_VERSION}"));
    format!("{{\n{}\n{indent}}}", fields.join(",\n"))
}

// ---------------------------------------------------------------------------
// Reports

/// `storage:report`: `--global` is the entries' report, anything else
/// `common`'s report of the apps.
fn report(ctx: &mut Ctx<'_>, args: &[String]) -> Result<(), Failed> {
    let mut global = false;
    let mut format = "stdout".to_owned();
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        match arg.as_str() {
            "--format" => format = iter.next().cloned().unwrap_or_default(),
            "--global" => global = true,
            _ => {}
        }
    }
    if global {
        report_global(ctx, &format);
        return Ok(());
    }
    let spec = GoReport::current("storage", "storage", JsonKeys::StrippedAndLegacy, &collect);
    report::run(ctx, &spec, args);
    Ok(())
}

/// `ReportSingleApp`'s flags for one app.
fn collect(host: &SimHost, app: Option<&str>, _: &str, _: Option<&str>) -> Fields {
    let mut fields = Fields::new();
    let Some(app) = app else {
        return fields;
    };
    for phase in ["build", PHASE_DEPLOY, PHASE_RUN] {
        fields.insert(
            format!("--storage-{phase}-mounts"),
            bind_mounts(host, app, phase),
        );
    }
    let mut index = 0;
    for attachment in attachments(host, app) {
        let Some(entry) = host.storage_entries.get(&attachment.entry_name) else {
            continue;
        };
        index += 1;
        let mut put = |key: &str, value: String| {
            fields.insert(format!("--storage-attachment.{index}.{key}"), value);
        };
        put("entry-name", attachment.entry_name.clone());
        put("host-path", host_token(entry));
        put("container-path", attachment.container_path.clone());
        put("phases", attachment.phases.join(","));
        put("process-type", attachment.process_type.clone());
        put("subpath", attachment.subpath.clone());
        put("readonly", attachment.readonly.to_string());
        put("volume-options", attachment.volume_options.clone());
        put("volume-chown", attachment.volume_chown.clone());
    }
    fields
}

/// `CommandReportGlobal`: every entry and the apps mounting it.
fn report_global(ctx: &mut Ctx<'_>, format: &str) {
    let rows: Vec<(StorageEntry, Option<Vec<String>>)> = ctx
        .host
        .storage_entries
        .values()
        .map(|entry| (entry.clone(), apps_using(ctx.host, &entry.name)))
        .collect();
    if format == "json" {
        if rows.is_empty() {
            ctx.out.log("[]");
            return;
        }
        let items: Vec<String> = rows
            .iter()
            .map(|(entry, using)| {
                let mounted = match using {
                    None => "null".to_owned(),
                    Some(apps) if apps.is_empty() => "[]".to_owned(),
                    Some(apps) => {
                        let names: Vec<String> = apps
                            .iter()
                            .map(|app| {
                                let mut name = String::from("      ");
                                go_json_str(&mut name, app);
                                name
                            })
                            .collect();
                        format!("[\n{}\n    ]", names.join(",\n"))
                    }
                };
                format!(
                    "  {{\n    \"entry\": {},\n    \"mounted_by\": {mounted}\n  }}",
                    entry_json(entry, "    ")
                )
            })
            .collect();
        ctx.out.log(&format!("[\n{}\n]", items.join(",\n")));
        return;
    }
    if rows.is_empty() {
        ctx.out.info1_quiet("No storage entries registered");
        return;
    }
    ctx.out.info1_quiet("Storage report (global):");
    for (entry, using) in rows {
        let using = using.unwrap_or_default();
        let mounted = if using.is_empty() {
            "—".to_owned()
        } else {
            using.join(", ")
        };
        ctx.out.verbose(&format!(
            "{}\t{}\tmounted by: {mounted}",
            entry.name, entry.scheduler
        ));
    }
}

// ---------------------------------------------------------------------------
// Mounts

/// `storage:list <app> [--format text|json]` (`CommandList`): the deploy
/// phase's mounts.
fn list(ctx: &mut Ctx<'_>, args: &[String]) -> Result<(), Failed> {
    let flags = ctx
        .parse_flags("storage:list", args, &[], &["--format"], &[])
        .ok_or(None)?;
    let app = flags.first();
    if !ctx.verify_app(&app) {
        return Err(None);
    }
    let format = flags.value("--format").unwrap_or("text");
    if format != "text" && format != "json" {
        return Err(fail("Invalid --format value specified"));
    }
    let rows = list_rows(ctx.host, &app, PHASE_DEPLOY);
    if format == "json" {
        let items: Vec<String> = rows
            .iter()
            .map(|row| {
                let mut item = String::from("{");
                if !row.entry_name.is_empty() {
                    item.push_str("\"entry_name\":");
                    go_json_str(&mut item, &row.entry_name);
                    item.push(',');
                }
                item.push_str("\"host_path\":");
                go_json_str(&mut item, &row.host_path);
                item.push_str(",\"container_path\":");
                go_json_str(&mut item, &row.container_path);
                if row.readonly {
                    item.push_str(",\"readonly\":true");
                }
                if !row.volume_options.is_empty() {
                    item.push_str(",\"volume_options\":");
                    go_json_str(&mut item, &row.volume_options);
                }
                item.push('}');
                item
            })
            .collect();
        ctx.out.log(&format!("[{}]", items.join(",")));
        return Ok(());
    }
    ctx.out.info1_quiet(&format!("{app} volume bind-mounts:"));
    for row in &rows {
        if ctx.out.quiet {
            ctx.out.log(&colon_form(row));
        } else {
            ctx.out.verbose(&colon_form(row));
        }
    }
    Ok(())
}

/// `storage:mount <app> <host:container[:options]>` or `storage:mount
/// <app> <entry> --container-dir <path> [--phase …] [--process-type …]
/// [--volume-*]` (`CommandMount`).
fn mount(ctx: &mut Ctx<'_>, args: &[String]) -> Result<(), Failed> {
    let flags = ctx
        .parse_flags(
            "storage:mount",
            args,
            &["--volume-readonly"],
            &[
                "--container-dir",
                "--phase",
                "--process-type",
                "--volume-subpath",
                "--volume-chown",
                "--volume-options",
            ],
            &[],
        )
        .ok_or(None)?;
    let app = flags.first();
    if !ctx.verify_app(&app) {
        return Err(None);
    }
    let name_or_path = flags.positional.get(1).cloned().unwrap_or_default();
    if name_or_path.contains(':') {
        return mount_legacy(ctx, &app, &name_or_path);
    }
    let Some(entry) = ctx.host.storage_entries.get(&name_or_path).cloned() else {
        return Err(fail(format!(
            "storage entry {} does not exist; create it first with `dokku storage:create`",
            go_quote(&name_or_path)
        )));
    };
    let container = flags.value("--container-dir").unwrap_or("").to_owned();
    if container.is_empty() {
        return Err(fail(
            "--container-dir is required when mounting a named storage entry",
        ));
    }
    // pflag's StringSlice: every occurrence, each split on commas.
    let mut phases: Vec<String> = flags
        .values
        .iter()
        .filter(|(flag, _)| flag == "--phase")
        .flat_map(|(_, value)| value.split(','))
        .map(str::to_owned)
        .collect();
    if phases.is_empty() {
        phases = vec![PHASE_DEPLOY.to_owned(), PHASE_RUN.to_owned()];
    }
    let process_type = match flags.value("--process-type").unwrap_or("") {
        "" => DEFAULT_PROCESS_TYPE.to_owned(),
        other => other.to_owned(),
    };
    let attachment = Attachment {
        entry_name: entry.name.clone(),
        container_path: container.clone(),
        phases,
        process_type,
        subpath: flags.value("--volume-subpath").unwrap_or("").to_owned(),
        readonly: flags.has("--volume-readonly"),
        volume_options: flags.value("--volume-options").unwrap_or("").to_owned(),
        volume_chown: flags.value("--volume-chown").unwrap_or("").to_owned(),
    };
    attachment.validate()?;
    // UpsertAttachment: the same tuple is updated in place.
    let mut list = attachments(ctx.host, &app);
    let created = match list.iter_mut().find(|a| a.same_mount(&attachment)) {
        Some(existing) => {
            *existing = attachment;
            false
        }
        None => {
            list.push(attachment);
            true
        }
    };
    save_attachments(ctx.host, &app, &list);
    let name = &entry.name;
    if created {
        ctx.out.info1(&format!(
            "Storage entry {name} mounted at {container} on {app}"
        ));
    } else {
        ctx.out.info1(&format!(
            "Storage entry {name} mount at {container} on {app} updated"
        ));
    }
    Ok(())
}

/// `mountLegacyColon`: the legacy entry (registered once) and an
/// attachment for both phases.
fn mount_legacy(ctx: &mut Ctx<'_>, app: &str, mount: &str) -> Result<(), Failed> {
    verify_paths(mount)?;
    let parsed = parse_mount_path(mount);
    if parsed.container.is_empty() {
        return Err(fail(
            "Storage path must be two valid paths divided by colon.",
        ));
    }
    let entry = legacy_entry(mount);
    let attachment = Attachment {
        entry_name: entry.name.clone(),
        container_path: parsed.container,
        phases: vec![PHASE_DEPLOY.to_owned(), PHASE_RUN.to_owned()],
        process_type: DEFAULT_PROCESS_TYPE.to_owned(),
        subpath: String::new(),
        readonly: parsed.readonly,
        volume_options: parsed.options,
        volume_chown: String::new(),
    };
    ctx.host
        .storage_entries
        .entry(entry.name.clone())
        .or_insert(entry);
    attachment.validate()?;
    let mut list = attachments(ctx.host, app);
    if list.iter().any(|a| a.same_mount(&attachment)) {
        return Err(fail("Mount path already exists."));
    }
    list.push(attachment);
    save_attachments(ctx.host, app, &list);
    Ok(())
}

/// `storage:unmount <app> <host:container>` or `<entry> [--container-dir
/// <path>]` (`CommandUnmount` → `RemoveAttachment`).
fn unmount(ctx: &mut Ctx<'_>, args: &[String]) -> Result<(), Failed> {
    let flags = ctx
        .parse_flags("storage:unmount", args, &[], &["--container-dir"], &[])
        .ok_or(None)?;
    let app = flags.first();
    if !ctx.verify_app(&app) {
        return Err(None);
    }
    let name_or_path = flags.positional.get(1).cloned().unwrap_or_default();
    if name_or_path.contains(':') {
        verify_paths(&name_or_path)?;
        let parsed = parse_mount_path(&name_or_path);
        if parsed.container.is_empty() {
            return Err(fail(
                "Storage path must be two valid paths divided by colon.",
            ));
        }
        let entry = legacy_entry(&name_or_path);
        return remove_attachment(ctx.host, &app, &entry.name, &parsed.container)
            .map_err(|_| fail("Mount path does not exist."));
    }
    let container = flags.value("--container-dir").unwrap_or("").to_owned();
    remove_attachment(ctx.host, &app, &name_or_path, &container)
}

/// `RemoveAttachment`: the attachments of the entry (at the container
/// path, when given); more than one without a path is refused.
fn remove_attachment(
    host: &mut SimHost,
    app: &str,
    entry: &str,
    container: &str,
) -> Result<(), Failed> {
    let (matches, keep): (Vec<Attachment>, Vec<Attachment>) =
        attachments(host, app).into_iter().partition(|a| {
            a.entry_name == entry && (container.is_empty() || a.container_path == container)
        });
    let (entry_q, app_q) = (go_quote(entry), go_quote(app));
    if matches.is_empty() {
        return Err(fail(if container.is_empty() {
            format!("storage entry {entry_q} is not mounted on app {app_q}")
        } else {
            format!(
                "storage entry {entry_q} is not mounted at {} on app {app_q}",
                go_quote(container)
            )
        }));
    }
    if matches.len() > 1 && container.is_empty() {
        let mut paths: Vec<&str> = matches.iter().map(|a| a.container_path.as_str()).collect();
        paths.sort_unstable();
        return Err(fail(format!(
            "storage entry {entry_q} is mounted at multiple paths on app {app_q} ({}); pass --container-dir to disambiguate",
            paths.join(", ")
        )));
    }
    save_attachments(host, app, &keep);
    Ok(())
}

/// `storage:migrate <app>|--all`: the `-v` docker options of the deploy
/// and run phases become legacy entries and attachments (`migrateApp`).
fn migrate(ctx: &mut Ctx<'_>, args: &[String]) -> Result<(), Failed> {
    let flags = ctx
        .parse_flags("storage:migrate", args, &["--all"], &[], &[])
        .ok_or(None)?;
    let app = flags.first();
    let all = flags.has("--all");
    if all && !app.is_empty() {
        return Err(fail(
            "storage:migrate accepts either an app name or --all, not both",
        ));
    }
    if !all && app.is_empty() {
        return Err(fail("storage:migrate requires an app name (or --all)"));
    }
    if all {
        let apps = crate::common::names::dokku_apps(ctx.host);
        if apps.is_empty() {
            return Ok(());
        }
        for app in &apps {
            migrate_app(ctx.host, app)?;
        }
        ctx.out.info1(&format!("Re-migrated {} app(s)", apps.len()));
        return Ok(());
    }
    if !ctx.verify_app(&app) {
        return Err(None);
    }
    migrate_app(ctx.host, &app)?;
    ctx.out.info1(&format!("Re-migrated {app}"));
    Ok(())
}

/// `migrateApp`: each `-v <mount>` of the deploy and run phases (the
/// docker-options plugin's properties) moves into an attachment.
fn migrate_app(host: &mut SimHost, app: &str) -> Result<(), Failed> {
    let options = |host: &SimHost, phase: &str| -> Vec<String> {
        host.app_property(app, "docker-options", phase)
            .unwrap_or("")
            .lines()
            .filter_map(|line| line.strip_prefix("-v ").map(str::to_owned))
            .collect()
    };
    let mut phase_map: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for phase in [PHASE_DEPLOY, PHASE_RUN] {
        for mount in options(host, phase) {
            let phases = phase_map.entry(mount).or_default();
            if !phases.iter().any(|p| p == phase) {
                phases.push(phase.to_owned());
            }
        }
    }
    if phase_map.is_empty() {
        return Ok(());
    }
    for (mount, phases) in phase_map {
        let parsed = parse_mount_path(&mount);
        let entry = legacy_entry(&mount);
        if let Some(existing) = host.storage_entries.get(&entry.name) {
            if existing.host_path != entry.host_path || existing.scheduler != entry.scheduler {
                return Err(fail(format!(
                    "storage migration failed for app {}: legacy entry {} already exists with conflicting fields",
                    go_quote(app),
                    go_quote(&entry.name)
                )));
            }
        } else {
            host.storage_entries
                .insert(entry.name.clone(), entry.clone());
        }
        if parsed.container.is_empty() {
            continue;
        }
        let attachment = Attachment {
            entry_name: entry.name,
            container_path: parsed.container,
            phases: phases.clone(),
            process_type: DEFAULT_PROCESS_TYPE.to_owned(),
            subpath: String::new(),
            readonly: parsed.readonly,
            volume_options: parsed.options,
            volume_chown: String::new(),
        };
        let mut list = attachments(host, app);
        if !list.iter().any(|a| a.same_mount(&attachment)) {
            list.push(attachment);
            save_attachments(host, app, &list);
        }
        let option = format!("-v {mount}");
        for phase in &phases {
            let kept: Vec<String> = host
                .app_property(app, "docker-options", phase)
                .unwrap_or("")
                .lines()
                .filter(|line| *line != option)
                .map(str::to_owned)
                .collect();
            properties::store(host, "docker-options", app, phase, &kept.join("\n"));
        }
    }
    properties::store(host, "storage", app, "legacy-mounts-migrated", "true");
    Ok(())
}

// ---------------------------------------------------------------------------
// Entries

/// `storage:ensure-directory [--chown <who>] <directory>` (deprecated).
fn ensure_directory(ctx: &mut Ctx<'_>, args: &[String]) -> Result<(), Failed> {
    let flags = ctx
        .parse_flags("storage:ensure-directory", args, &[], &["--chown"], &[])
        .ok_or(None)?;
    ctx.out
        .warn("Deprecated: please use 'storage:create' instead of 'storage:ensure-directory'");
    let directory = flags.first();
    if directory.is_empty() {
        return Err(fail("Please specify a directory to create"));
    }
    if !directory
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    {
        return Err(fail(
            "Directory can only contain the following set of characters: [A-Za-z0-9_-]",
        ));
    }
    let chown = chown_id(ctx, flags.value("--chown").unwrap_or("herokuish"))?;
    let path = default_host_path(&directory);
    ctx.out.info1(&format!("Ensuring {path} exists"));
    ctx.host.storage_dirs.insert(path);
    if let Some(id) = chown {
        ctx.out
            .verbose_quiet(&format!("Setting directory ownership to {id}:{id}"));
    }
    ctx.out.verbose_quiet("Directory ready for mounting");
    Ok(())
}

/// `ResolveChownID`: the numeric id of a `--chown` value, `None` for
/// `false` (the simulated Docker has no user namespaces).
fn chown_id(ctx: &mut Ctx<'_>, chown: &str) -> Result<Option<String>, Failed> {
    Ok(Some(match chown {
        "herokuish" => "32767".to_owned(),
        "heroku" => "1000".to_owned(),
        "packeto" => {
            ctx.out.verbose("Detected deprecated chown flag 'packeto'. Using 'paketo' instead. Please update your configuration.");
            "2000".to_owned()
        }
        "paketo" => "2000".to_owned(),
        "root" => "0".to_owned(),
        "false" => return Ok(None),
        other => match other.parse::<u16>() {
            Ok(id) => id.to_string(),
            Err(_) => return Err(fail("Unsupported chown permissions")),
        },
    }))
}

/// `requireDefaultHostPath`.
fn require_default_host_path(entry: &StorageEntry, flag: &str) -> Result<(), Failed> {
    let default = default_host_path(&entry.name);
    if entry.host_path == default {
        return Ok(());
    }
    Err(fail(format!(
        "{flag} is only supported when the storage entry uses the default host path ({default}); omit {flag} and manage {} manually",
        entry.host_path
    )))
}

/// `ensureDockerLocalPath`: the host directory created if missing, then
/// its mode and owner applied.
fn ensure_docker_local_path(ctx: &mut Ctx<'_>, entry: &StorageEntry) -> Result<(), Failed> {
    let wants_chown = !entry.chown.is_empty() && entry.chown != "false";
    if wants_chown {
        require_default_host_path(entry, "--chown")?;
    }
    if !entry.mode.is_empty() {
        require_default_host_path(entry, "--mode")?;
    }
    if !entry.host_path.starts_with('/') {
        return Ok(());
    }
    if ctx.host.storage_dirs.insert(entry.host_path.clone()) {
        ctx.out.verbose(&format!("Created {}", entry.host_path));
    }
    if !entry.mode.is_empty() {
        ctx.out
            .verbose(&format!("Setting directory mode to {}", entry.mode));
    }
    if wants_chown {
        if let Some(id) = chown_id(ctx, &entry.chown)? {
            ctx.out
                .verbose(&format!("Setting directory ownership to {id}:{id}"));
        }
    }
    Ok(())
}

/// pflag's `StringSlice` of `key=value` pairs (`parseKVPairs`).
fn kv_pairs(
    flags: &crate::common::Flags,
    flag: &str,
) -> Result<Option<BTreeMap<String, String>>, Failed> {
    let pairs: Vec<&str> = flags
        .values
        .iter()
        .filter(|(f, _)| f == flag)
        .flat_map(|(_, v)| v.split(','))
        .collect();
    if pairs.is_empty() {
        return Ok(None);
    }
    let mut map = BTreeMap::new();
    for pair in pairs {
        match pair.find('=') {
            Some(at) if at > 0 => {
                map.insert(pair[..at].to_owned(), pair[at + 1..].to_owned());
            }
            _ => return Err(fail(format!("expected key=value, got {}", go_quote(pair)))),
        }
    }
    Ok(Some(map))
}

/// `storage:create <name> [<path>] [flags]` (`CommandCreate`).
fn create(ctx: &mut Ctx<'_>, args: &[String]) -> Result<(), Failed> {
    let flags = ctx
        .parse_flags(
            "storage:create",
            args,
            &[],
            &[
                "--scheduler",
                "--size",
                "--access-mode",
                "--storage-class-name",
                "--namespace",
                "--chown",
                "--mode",
                "--reclaim-policy",
                "--annotation",
                "--label",
            ],
            &[],
        )
        .ok_or(None)?;
    let name = flags.first();
    let path = flags.positional.get(1).cloned().unwrap_or_default();
    let annotations = kv_pairs(&flags, "--annotation")?.unwrap_or_default();
    let labels = kv_pairs(&flags, "--label")?.unwrap_or_default();
    validate_name(&name, false)?;
    let value = |flag: &str| flags.value(flag).unwrap_or("").to_owned();
    let scheduler = match value("--scheduler").as_str() {
        "" => DOCKER_LOCAL.to_owned(),
        other => other.to_owned(),
    };
    let host_path = if scheduler == DOCKER_LOCAL && path.is_empty() {
        default_host_path(&name)
    } else {
        path
    };
    let entry = StorageEntry {
        name: name.clone(),
        scheduler: scheduler.clone(),
        host_path,
        size: value("--size"),
        access_mode: value("--access-mode"),
        storage_class: value("--storage-class-name"),
        namespace: value("--namespace"),
        chown: value("--chown"),
        mode: normalize_mode(&value("--mode"))?,
        reclaim_policy: value("--reclaim-policy"),
        annotations,
        labels,
    };
    validate_entry(&entry)?;
    if let Some(existing) = ctx.host.storage_entries.get(&name) {
        if existing.scheduler != entry.scheduler {
            return Err(fail(format!(
                "storage entry {} already exists with scheduler {}; refusing to redefine",
                go_quote(&name),
                go_quote(&existing.scheduler)
            )));
        }
        ctx.out.info1_quiet(&format!(
            "Storage entry {name} already exists, leaving in place"
        ));
    }
    if scheduler == DOCKER_LOCAL {
        ensure_docker_local_path(ctx, &entry)?;
    }
    ctx.host.storage_entries.insert(name.clone(), entry);
    ctx.out.info1(&format!("Storage entry {name} created"));
    Ok(())
}

/// `storage:destroy <name> [--force] [--destroy-host-dir]`
/// (`CommandDestroy`).
fn destroy(ctx: &mut Ctx<'_>, args: &[String]) -> Result<(), Failed> {
    let flags = ctx
        .parse_flags(
            "storage:destroy",
            args,
            &["--force", "--destroy-host-dir"],
            &[],
            &[],
        )
        .ok_or(None)?;
    let name = flags.first();
    if name.is_empty() {
        return Err(fail("storage entry name is required"));
    }
    let entry = load(ctx.host, &name)?;
    let using = apps_using(ctx.host, &name).unwrap_or_default();
    if !using.is_empty() {
        return Err(fail(format!(
            "storage entry {} is still mounted by app(s): {}",
            go_quote(&name),
            using.join(", ")
        )));
    }
    let destroy_host_dir = flags.has("--destroy-host-dir");
    if destroy_host_dir && entry.scheduler != DOCKER_LOCAL {
        return Err(fail(format!(
            "--destroy-host-dir only applies to docker-local storage entries; {} is scheduler {} and follows --reclaim-policy",
            go_quote(&name),
            go_quote(&entry.scheduler)
        )));
    }
    let mut remove_host_dir = false;
    if entry.scheduler == DOCKER_LOCAL && (destroy_host_dir || entry.reclaim_policy == "Delete") {
        match require_default_host_path(&entry, "--destroy-host-dir") {
            Ok(()) => remove_host_dir = true,
            Err(error) if destroy_host_dir => return Err(error),
            Err(_) => ctx.out.warn(&format!(
                "Leaving {} in place; reclaim policy Delete only removes the default host path",
                entry.host_path
            )),
        }
    }
    let force = flags.has("--force") || ctx.force;
    if !force {
        if remove_host_dir {
            ctx.out.warn(&format!(
                "Storage entry {name} is backed by {}, which will be removed along with its contents.",
                entry.host_path
            ));
        }
        if !confirm::ask_for_destructive_confirmation(ctx, &name, "storage entry") {
            return Err(None);
        }
    }
    if remove_host_dir {
        ctx.host.storage_dirs.remove(&entry.host_path);
        ctx.out.verbose(&format!("Removed {}", entry.host_path));
    }
    ctx.host.storage_entries.remove(&name);
    ctx.out.info1(&format!("Storage entry {name} destroyed"));
    Ok(())
}

/// `storage:info <name> [--format text|json]` (`CommandInfo`).
fn info(ctx: &mut Ctx<'_>, args: &[String]) -> Result<(), Failed> {
    let flags = ctx
        .parse_flags("storage:info", args, &[], &["--format"], &[])
        .ok_or(None)?;
    let name = flags.first();
    if name.is_empty() {
        return Err(fail("storage entry name is required"));
    }
    let entry = load(ctx.host, &name)?;
    if flags.value("--format") == Some("json") {
        ctx.out.log(&entry_json(&entry, ""));
        return Ok(());
    }
    ctx.out
        .info1_quiet(&format!("Storage entry {}", entry.name));
    ctx.out
        .verbose(&format!("Scheduler:        {}", entry.scheduler));
    for (label, value) in [
        ("Host path:        ", &entry.host_path),
        ("Size:             ", &entry.size),
        ("Access mode:      ", &entry.access_mode),
        ("Storage class:    ", &entry.storage_class),
        ("Namespace:        ", &entry.namespace),
        ("Chown:            ", &entry.chown),
        ("Mode:             ", &entry.mode),
        ("Reclaim policy:   ", &entry.reclaim_policy),
    ] {
        if !value.is_empty() {
            ctx.out.verbose(&format!("{label}{value}"));
        }
    }
    Ok(())
}

/// `storage:list-entries [--scheduler s] [--format text|json]`.
fn list_entries(ctx: &mut Ctx<'_>, args: &[String]) -> Result<(), Failed> {
    let flags = ctx
        .parse_flags(
            "storage:list-entries",
            args,
            &[],
            &["--scheduler", "--format"],
            &[],
        )
        .ok_or(None)?;
    let scheduler = flags.value("--scheduler").unwrap_or("");
    let entries: Vec<&StorageEntry> = ctx
        .host
        .storage_entries
        .values()
        .filter(|e| scheduler.is_empty() || e.scheduler == scheduler)
        .collect();
    if flags.value("--format") == Some("json") {
        let text = if entries.is_empty() {
            "[]".to_owned()
        } else {
            let items: Vec<String> = entries
                .iter()
                .map(|e| format!("  {}", entry_json(e, "  ")))
                .collect();
            format!("[\n{}\n]", items.join(",\n"))
        };
        ctx.out.log(&text);
        return Ok(());
    }
    if entries.is_empty() {
        ctx.out.info1_quiet("No storage entries registered");
        return Ok(());
    }
    let lines: Vec<String> = entries
        .iter()
        .map(|e| format!("{}\t{}\t{}", e.name, e.scheduler, e.host_path))
        .collect();
    ctx.out.info1_quiet("Storage entries:");
    for line in lines {
        ctx.out.verbose(&line);
    }
    Ok(())
}

/// `storage:set <name> <property> [<value>]`, or the deprecated flags
/// (`CommandSet`).
fn set(ctx: &mut Ctx<'_>, args: &[String]) -> Result<(), Failed> {
    let value_flags: Vec<String> = SETTABLE.iter().map(|p| format!("--{p}")).collect();
    let mut values: Vec<&str> = value_flags.iter().map(String::as_str).collect();
    values.extend(["--annotation", "--label"]);
    let flags = ctx
        .parse_flags("storage:set", args, &[], &values, &[])
        .ok_or(None)?;
    let name = flags.first();
    let property = flags.positional.get(1).cloned().unwrap_or_default();
    let mut changes: Vec<(String, String)> = SETTABLE
        .iter()
        .filter_map(|p| {
            flags
                .value(&format!("--{p}"))
                .map(|v| ((*p).to_owned(), v.to_owned()))
        })
        .collect();
    let annotations = kv_pairs(&flags, "--annotation")?;
    let labels = kv_pairs(&flags, "--label")?;
    let map_flags = flags
        .values
        .iter()
        .any(|(f, _)| f == "--annotation" || f == "--label");
    let used_flags = !changes.is_empty() || map_flags;
    if !property.is_empty() && used_flags {
        return Err(fail(
            "storage:set accepts either a property and a value or flags, not both",
        ));
    }
    if property.is_empty() && !used_flags {
        return Err(fail("No property specified"));
    }
    if used_flags {
        if !changes.is_empty() {
            ctx.out.warn(
                "Deprecated: please use 'storage:set <name> <property> [<value>]' instead of flags",
            );
        }
        if map_flags {
            ctx.out.warn("Deprecated: please use 'storage:annotations:set' and 'storage:labels:set' instead of --annotation and --label");
        }
    } else {
        let value = flags.positional.get(2).cloned().unwrap_or_default();
        changes.push((property, value));
    }
    let mut entry = load(ctx.host, &name)?;
    let mut touches_directory = false;
    for (property, value) in &changes {
        match property.as_str() {
            "access-mode" if *value != entry.access_mode => {
                return Err(fail(
                    "storage:set cannot change access-mode in place; recreate the entry",
                ));
            }
            "storage-class-name" if *value != entry.storage_class => {
                return Err(fail(
                    "storage:set cannot change storage-class-name in place; recreate the entry",
                ));
            }
            "access-mode" | "storage-class-name" => {}
            "size" => entry.size.clone_from(value),
            "namespace" => entry.namespace.clone_from(value),
            "chown" => entry.chown.clone_from(value),
            "mode" => entry.mode = normalize_mode(value)?,
            "reclaim-policy" => entry.reclaim_policy.clone_from(value),
            _ => {
                return Err(fail(format!(
                    "Invalid property specified, valid properties include: {}",
                    SETTABLE.join(", ")
                )));
            }
        }
        touches_directory |= property == "chown" || property == "mode";
    }
    if let Some(map) = annotations {
        entry.annotations = map;
    }
    if let Some(map) = labels {
        entry.labels = map;
    }
    validate_entry(&entry)?;
    ctx.host
        .storage_entries
        .insert(entry.name.clone(), entry.clone());
    if entry.scheduler == DOCKER_LOCAL && touches_directory {
        ensure_docker_local_path(ctx, &entry)?;
    }
    ctx.out
        .info1(&format!("Storage entry {} updated", entry.name));
    Ok(())
}

/// One of an entry's metadata maps (`entryMapField`).
struct MetadataField {
    /// `annotations` or `labels`.
    name: &'static str,
    singular: &'static str,
    report_type: &'static str,
    row_label: &'static str,
    get: fn(&StorageEntry) -> &BTreeMap<String, String>,
    get_mut: fn(&mut StorageEntry) -> &mut BTreeMap<String, String>,
}

const ANNOTATIONS: MetadataField = MetadataField {
    name: "annotations",
    singular: "annotation",
    report_type: "storage-annotations",
    row_label: "Annotation",
    get: |e| &e.annotations,
    get_mut: |e| &mut e.annotations,
};

const LABELS: MetadataField = MetadataField {
    name: "labels",
    singular: "label",
    report_type: "storage-labels",
    row_label: "Label",
    get: |e| &e.labels,
    get_mut: |e| &mut e.labels,
};

/// `storage:<labels|annotations>:set <name> <key> [<value>]`
/// (`setEntryMapKey`).
fn metadata_set(ctx: &mut Ctx<'_>, args: &[String], field: &MetadataField) -> Result<(), Failed> {
    let set = format!("storage:{}:set", field.name);
    let flags = ctx.parse_flags(&set, args, &[], &[], &[]).ok_or(None)?;
    let name = flags.first();
    let key = flags.positional.get(1).cloned().unwrap_or_default();
    let value = flags.positional.get(2).cloned().unwrap_or_default();
    if name.is_empty() {
        return Err(fail("storage entry name is required"));
    }
    if key.is_empty() {
        return Err(fail(format!("No {} key specified", field.singular)));
    }
    let mut entry = load(ctx.host, &name)?;
    let singular = field.singular;
    if value.is_empty() {
        (field.get_mut)(&mut entry).remove(&key);
        ctx.out.info2_quiet(&format!("Unsetting {singular} {key}"));
    } else {
        (field.get_mut)(&mut entry).insert(key.clone(), value.clone());
        ctx.out
            .info2_quiet(&format!("Setting {singular} {key} to {value}"));
    }
    validate_entry(&entry)?;
    ctx.host.storage_entries.insert(name, entry);
    Ok(())
}

/// `storage:<labels|annotations>:report [<name>] [<flag>] [--format
/// stdout|json]` (`reportEntryMap`).
fn metadata_report(
    ctx: &mut Ctx<'_>,
    args: &[String],
    field: &MetadataField,
) -> Result<(), Failed> {
    // common.ParseReportArgs: `--format` takes the next argument, any
    // other `--x` is the info flag.
    let mut format = "stdout".to_owned();
    let mut info_flags = Vec::new();
    let mut name = String::new();
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        if arg == "--format" {
            format = iter.next().cloned().unwrap_or_default();
        } else if arg.starts_with("--") && arg != "--global" {
            info_flags.push(arg.clone());
        } else if name.is_empty() {
            name.clone_from(arg);
        }
    }
    // Here the error of ParseReportArgs("storage", …) is returned.
    if info_flags.len() > 1 {
        return Err(fail("storage:report command allows only a single flag"));
    }
    let info_flag = info_flags.pop().unwrap_or_default();
    if format != "stdout" && format != "text" && format != "json" {
        return Err(fail(format!("Invalid format: {format}")));
    }
    if format == "json" && !info_flag.is_empty() {
        return Err(fail(
            "--format flag cannot be specified when specifying an info flag",
        ));
    }
    if !name.is_empty() {
        let entry = load(ctx.host, &name)?;
        return render_metadata(ctx, field, &entry, &format, &info_flag);
    }
    if !info_flag.is_empty() {
        return Err(fail(format!(
            "storage:{}:report requires a storage entry name when an info flag is specified",
            field.name
        )));
    }
    let entries: Vec<StorageEntry> = ctx.host.storage_entries.values().cloned().collect();
    if entries.is_empty() {
        ctx.out.info1_quiet("No storage entries registered");
        return Ok(());
    }
    for entry in &entries {
        render_metadata(ctx, field, entry, &format, "")?;
    }
    Ok(())
}

/// `renderEntryMap`: keys verbatim, sorted.
fn render_metadata(
    ctx: &mut Ctx<'_>,
    field: &MetadataField,
    entry: &StorageEntry,
    format: &str,
    info_flag: &str,
) -> Result<(), Failed> {
    let values = (field.get)(entry);
    if !info_flag.is_empty() {
        let prefix = format!("--{}.", field.report_type);
        if let Some(value) = info_flag
            .strip_prefix(&prefix)
            .and_then(|key| values.get(key))
        {
            ctx.out.log(value);
            return Ok(());
        }
        let valid: Vec<String> = values.keys().map(|k| format!("{prefix}{k}")).collect();
        return Err(fail(format!(
            "Invalid flag passed, valid flags: {}",
            valid.join(", ")
        )));
    }
    if format == "json" {
        ctx.out.log(&report::go_json_string(values));
        return Ok(());
    }
    ctx.out
        .info2_quiet(&format!("{} {} information", entry.name, field.name));
    let labels: Vec<(String, &String)> = values
        .iter()
        .map(|(k, v)| (format!("{} {k}:", field.row_label), v))
        .collect();
    let width = labels
        .iter()
        .map(|(l, _)| l.len())
        .max()
        .unwrap_or(0)
        .max(31);
    for (label, value) in labels {
        ctx.out
            .verbose(&format!("{}{value}", crate::out::right_pad(&label, width)));
    }
    Ok(())
}

/// `storage:exec <name> [-- <cmd>…]`: the entry must exist; the container
/// it would run is not simulated.
fn exec(ctx: &mut Ctx<'_>, args: &[String]) -> Result<(), Failed> {
    let flags = ctx
        .parse_flags("storage:exec", args, &[], &["--image", "--as-user"], &[])
        .ok_or(None)?;
    let Some(name) = flags.positional.first() else {
        return Err(fail("storage:exec requires a storage entry name"));
    };
    load(ctx.host, name)?;
    Ok(())
}

/// `storage:wait <name>`: a docker-local entry is ready once its host
/// directory exists.
fn wait(ctx: &mut Ctx<'_>, args: &[String]) -> Result<(), Failed> {
    let flags = ctx
        .parse_flags("storage:wait", args, &[], &[], &[])
        .ok_or(None)?;
    let name = flags.first();
    let entry = load(ctx.host, &name)?;
    if entry.scheduler != K3S {
        let present =
            entry.host_path.is_empty() || ctx.host.storage_dirs.contains(&entry.host_path);
        if !present {
            return Err(fail(format!(
                "storage entry {} host path {} is not present",
                go_quote(&name),
                entry.host_path
            )));
        }
        return Ok(());
    }
    // No k3s cluster answers `storage-status`.
    Err(fail(format!(
        "storage entry {} is , not Bound",
        go_quote(&name)
    )))
}
