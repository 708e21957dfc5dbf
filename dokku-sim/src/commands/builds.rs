//! The `builds` plugin (simulated): `builds:report` and `builds:set`, and
//! the build records the entry script's build capture writes.
//!
//! Written from dokku/dokku v0.38.27: `plugins/common/functions`
//! (`dokku_setup_build_capture`: `builds-generate-id`,
//! `builds-record-start` for `ps:rebuild`, `ps:restart` and `git-hook`),
//! `plugins/builds/report.go` (the last build's fields beside the
//! `retention` triple; `--global` has only the global value) and the
//! recorded output (captures-0.38.27-core.jsonl seq 203, 204). A build
//! id is random on a real host; the simulator derives it, the pid and the
//! times from the app and the clock.

use crate::common::properties::{Prop, PropertyPlugin};
use crate::common::report::{Fields, JsonKeys};
use crate::common::{Ctx, Outcome};
use crate::host::{docker_timestamp, SimHost};

const PLUGIN: PropertyPlugin = PropertyPlugin {
    plugin: "builds",
    report_type: "builds",
    json_keys: JsonKeys::StrippedAndLegacy,
    props: &[Prop::triple("retention", "20").app_computed_only()],
};

/// The fields of a build record, as `builds:report` names them.
const RECORD: &[&str] = &[
    "exit-code",
    "finished-at",
    "id",
    "kind",
    "pid",
    "source",
    "started-at",
    "status",
];

/// Run a `builds` subcommand; `None` if it is not one this module knows.
pub fn run(ctx: &mut Ctx<'_>, subcommand: &str, args: &[String]) -> Option<Outcome> {
    match subcommand {
        "builds:report" => PLUGIN.report(ctx, args, Some(&last_build)),
        "builds:set" => PLUGIN.set(ctx, args),
        _ => return None,
    }
    Some(Outcome::Done(std::mem::take(&mut ctx.out)))
}

/// The plugin's triggers: a build starts (`builds-record-start <app>
/// <source>`) and ends (`builds-record-finish <app> <exit code>`).
pub fn trigger(ctx: &mut Ctx<'_>, name: &str, args: &[String]) {
    let app = args.first().map(String::as_str).unwrap_or("");
    let value = args.get(1).map(String::as_str).unwrap_or("");
    let now = ctx.host.now;
    let Some(state) = ctx.host.apps.get_mut(app) else {
        return;
    };
    match name {
        "builds-record-start" => {
            let seed = crate::host::container_id(
                app,
                value,
                0,
                u32::try_from(now % 1_000_000).unwrap_or(0),
            );
            let id: String = seed
                .bytes()
                .take(14)
                .map(|b| {
                    let n = b % 36;
                    char::from(if n < 10 { b'0' + n } else { b'a' + n - 10 })
                })
                .collect();
            let pid = 1_000 + u64::from_str_radix(&seed[..4], 16).unwrap_or(0) % 30_000;
            let record = state.extra.entry("builds".to_owned()).or_default();
            record.clear();
            record.insert("id".to_owned(), id);
            record.insert("kind".to_owned(), "build".to_owned());
            record.insert("pid".to_owned(), pid.to_string());
            record.insert("source".to_owned(), value.to_owned());
            record.insert("started-at".to_owned(), rfc3339(now));
            record.insert("status".to_owned(), "running".to_owned());
        }
        "builds-record-finish" => {
            let record = state.extra.entry("builds".to_owned()).or_default();
            let status = if value == "0" { "succeeded" } else { "failed" };
            record.insert("exit-code".to_owned(), value.to_owned());
            record.insert("finished-at".to_owned(), rfc3339(now + 1));
            record.insert("status".to_owned(), status.to_owned());
        }
        _ => {}
    }
}

/// `2006-01-02T15:04:05Z`.
fn rfc3339(seconds: u64) -> String {
    let full = docker_timestamp(seconds, 0);
    format!("{}Z", &full[..19])
}

/// The last build's fields, empty before any.
fn last_build(host: &SimHost, app: Option<&str>, _: &str, _: Option<&str>) -> Fields {
    let mut fields = Fields::new();
    let Some(app) = app else {
        return fields;
    };
    let record = host.apps.get(app).and_then(|a| a.extra.get("builds"));
    for key in RECORD {
        let value = record
            .and_then(|r| r.get(*key))
            .cloned()
            .unwrap_or_default();
        fields.insert(format!("--build-{key}"), value);
    }
    fields
}
