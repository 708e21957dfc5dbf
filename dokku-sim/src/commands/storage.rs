//! The `storage` plugin (simulated): `storage:report`, `storage:list`,
//! `storage:mount` and `storage:unmount` of `host:container` bind mounts,
//! and `storage:ensure-directory`.
//!
//! Written from dokku/dokku v0.38.27 `plugins/storage` (`report.go`: the
//! `-v` arguments per phase and one `attachment.<n>.*` group per mount;
//! `subcommands.go`; `entry.go`: a `host:container` mount registers the
//! legacy entry `legacy-<first 10 hex digits of sha1(host path)>`) and
//! the recorded output (captures-0.38.27-core.jsonl seq 153-160;
//! captures-0.38.27-surface.jsonl seq 1141-1152). Named entries
//! (`storage:create`, `--container-dir`) are not simulated.
//!
//! State: the app's `storage` property `mounts`, one `host:container` a
//! line.

use sha1::{Digest, Sha1};

use crate::common::properties;
use crate::common::report::{self, go_json_str, Fields, GoReport, JsonKeys};
use crate::common::{Ctx, Outcome};
use crate::host::SimHost;

/// Run a `storage` subcommand; `None` if it is not one this module knows.
pub fn run(ctx: &mut Ctx<'_>, subcommand: &str, args: &[String]) -> Option<Outcome> {
    match subcommand {
        "storage:report" => {
            let spec =
                GoReport::current("storage", "storage", JsonKeys::StrippedAndLegacy, &collect);
            report::run(ctx, &spec, args);
        }
        "storage:list" => list(ctx, args),
        "storage:mount" => mount(ctx, args, true),
        "storage:unmount" => mount(ctx, args, false),
        "storage:ensure-directory" => ensure_directory(ctx, args),
        _ => return None,
    }
    Some(Outcome::Done(std::mem::take(&mut ctx.out)))
}

fn mounts(host: &SimHost, app: &str) -> Vec<(String, String)> {
    host.app_property(app, "storage", "mounts")
        .unwrap_or("")
        .lines()
        .filter_map(|m| m.split_once(':'))
        .map(|(h, c)| (h.to_owned(), c.to_owned()))
        .collect()
}

/// `legacy-` and the first ten hex digits of the host path's SHA-1.
fn legacy_entry(host_path: &str) -> String {
    let digest = Sha1::digest(host_path.as_bytes());
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    format!("legacy-{}", &hex[..10])
}

fn collect(host: &SimHost, app: Option<&str>, _: &str, _: Option<&str>) -> Fields {
    let mut fields = Fields::new();
    let Some(app) = app else {
        return fields;
    };
    let mounts = mounts(host, app);
    let volumes: Vec<String> = mounts.iter().map(|(h, c)| format!("-v {h}:{c}")).collect();
    fields.insert("--storage-build-mounts".to_owned(), String::new());
    fields.insert("--storage-deploy-mounts".to_owned(), volumes.join(" "));
    fields.insert("--storage-run-mounts".to_owned(), volumes.join(" "));
    for (i, (host_path, container)) in mounts.iter().enumerate() {
        let n = i + 1;
        let mut put = |key: &str, value: &str| {
            fields.insert(format!("--storage-attachment.{n}.{key}"), value.to_owned());
        };
        put("container-path", container);
        put("entry-name", &legacy_entry(host_path));
        put("host-path", host_path);
        put("phases", "deploy,run");
        put("process-type", "_default_");
        put("readonly", "false");
        put("subpath", "");
        put("volume-chown", "");
        put("volume-options", "");
    }
    fields
}

/// `storage:list <app> [--format stdout|json]`.
fn list(ctx: &mut Ctx<'_>, args: &[String]) {
    let Some(flags) = ctx.parse_flags("storage:list", args, &[], &["--format"], &[]) else {
        return;
    };
    let app = flags.first();
    if !ctx.verify_app(&app) {
        return;
    }
    let mounts = mounts(ctx.host, &app);
    if flags.value("--format") == Some("json") {
        let items: Vec<String> = mounts
            .iter()
            .map(|(host_path, container)| {
                let mut item = String::from("{\"entry_name\":");
                go_json_str(&mut item, &legacy_entry(host_path));
                item.push_str(",\"host_path\":");
                go_json_str(&mut item, host_path);
                item.push_str(",\"container_path\":");
                go_json_str(&mut item, container);
                item.push('}');
                item
            })
            .collect();
        ctx.out.log(&format!("[{}]", items.join(",")));
        return;
    }
    ctx.out.info1(&format!("{app} volume bind-mounts:"));
    for (host_path, container) in mounts {
        ctx.out.verbose(&format!("{host_path}:{container}"));
    }
}

/// `storage:mount <app> <host>:<container>` / `storage:unmount`.
fn mount(ctx: &mut Ctx<'_>, args: &[String], add: bool) {
    let app = args.first().cloned().unwrap_or_default();
    if !ctx.verify_app(&app) {
        return;
    }
    let spec = args.get(1).cloned().unwrap_or_default();
    let Some((host_path, container)) = spec.split_once(':') else {
        ctx.out.fail(&format!(
            "storage entry \"{spec}\" does not exist; create it first with `dokku storage:create`"
        ));
        return;
    };
    let mut current = mounts(ctx.host, &app);
    let entry = (host_path.to_owned(), container.to_owned());
    let exists = current.contains(&entry);
    if add && exists {
        ctx.out.fail("Mount path already exists.");
        return;
    }
    if !add && !exists {
        ctx.out.fail("Mount path does not exist.");
        return;
    }
    if add {
        current.push(entry);
    } else {
        current.retain(|m| *m != entry);
    }
    let value: Vec<String> = current.iter().map(|(h, c)| format!("{h}:{c}")).collect();
    properties::store(ctx.host, "storage", &app, "mounts", &value.join("\n"));
}

/// `storage:ensure-directory [--chown <who>] <directory>` (deprecated).
fn ensure_directory(ctx: &mut Ctx<'_>, args: &[String]) {
    let Some(flags) = ctx.parse_flags("storage:ensure-directory", args, &[], &["--chown"], &[])
    else {
        return;
    };
    ctx.out
        .warn("Deprecated: please use 'storage:create' instead of 'storage:ensure-directory'");
    let directory = flags.first();
    if directory.is_empty()
        || !directory
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    {
        ctx.out
            .fail("Directory can only contain the following set of characters: [A-Za-z0-9_-]");
        return;
    }
    let chown = match flags.value("--chown").unwrap_or("herokuish") {
        "herokuish" => Some("32767".to_owned()),
        "heroku" => Some("1000".to_owned()),
        "paketo" | "packeto" => Some("2000".to_owned()),
        "root" => Some("0".to_owned()),
        "false" => None,
        other => match other.parse::<u16>() {
            Ok(id) => Some(id.to_string()),
            Err(_) => {
                ctx.out.fail("Unsupported chown permissions");
                return;
            }
        },
    };
    ctx.out.info1(&format!(
        "Ensuring /var/lib/dokku/data/storage/{directory} exists"
    ));
    if let Some(id) = chown {
        ctx.out
            .verbose_quiet(&format!("Setting directory ownership to {id}:{id}"));
    }
    ctx.out.verbose_quiet("Directory ready for mounting");
}
