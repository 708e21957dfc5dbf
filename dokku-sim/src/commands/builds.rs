//! The `builds` plugin (simulated): the build records the entry script's
//! build capture writes, and `builds:report`, `:set`, `:list`, `:info`,
//! `:output`, `:cancel` and `:prune` over them.
//!
//! Written from dokku/dokku v0.38.27: `plugins/common/functions`
//! (`dokku_setup_build_capture`: `builds-record-start` for `ps:rebuild`,
//! `ps:restart` and `git-hook`), `plugins/builds/builds.go` (a record: id,
//! kind by source, pid, times, status; newest first; retention),
//! `subcommands.go` (the list table through `columnize.SimpleFormat`, the
//! JSON list view with `display_status`, `duration` and `log_path`; with no
//! deploy lock, `output` and `cancel` say `App not currently deploying`;
//! `prune` keeps the retention's newest), `set.go` (the retention must be
//! an integer of at least 1), `report.go` (the newest record beside the
//! `retention` triple; `--global` has only the global value) and the
//! recorded output (captures-0.38.27-core.jsonl seq 203, 204;
//! captures-0.38.27-surface.jsonl seq 149-155, 1205-1216).
//!
//! A build id and a pid are random on a real host; the simulator derives
//! them from the app and the clock. A simulated build finishes within its
//! invocation unless a paced deploy is still printing it: that one runs
//! (its process lives, [`note_live`]), shows `running` and its output is
//! followed; any other record left `running` is `abandoned`. On a state
//! directory a build is recorded under the pid of the program printing it
//! (a CLI, the dashboard, the `dokku-sim` program), so another program
//! sees it run while that program lives ([`pid_alive`]), and its
//! `builds:cancel` ends it: the printing program stops at its next look
//! ([`cancelled`]), as Dokku kills the build's process. The log is
//! what the invocation printed from the build capture to the record's
//! end.

use serde::{Deserialize, Serialize};

use crate::common::columnize::columnize;
use crate::common::properties::{self, property_set_checks, Prop, PropertyPlugin};
use crate::common::report::{go_json_str, go_quote, Fields, JsonKeys};
use crate::common::{Ctx, Follow, Followed, Outcome};
use std::collections::{BTreeMap, BTreeSet};

use crate::host::{docker_timestamp, App, Clock, SimHost};

const PLUGIN: PropertyPlugin = PropertyPlugin {
    plugin: "builds",
    report_type: "builds",
    json_keys: JsonKeys::StrippedAndLegacy,
    props: &[Prop::triple("retention", "20").app_computed_only()],
};

/// `DefaultRetention`.
const DEFAULT_RETENTION: usize = 20;

/// One build record (`Build`); times are Unix seconds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Build {
    id: String,
    kind: String,
    pid: u64,
    started_at: u64,
    finished_at: Option<u64>,
    status: String,
    source: String,
    exit_code: Option<i64>,
    /// The build's log file: what its invocation printed from the build
    /// capture until the record was finalized.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    log: Option<String>,
}

/// Run a `builds` subcommand; `None` if it is not one this module knows.
pub fn run(ctx: &mut Ctx<'_>, subcommand: &str, args: &[String]) -> Option<Outcome> {
    let result = match subcommand {
        "builds:report" => {
            PLUGIN.report(ctx, args, Some(&last_build));
            Ok(())
        }
        "builds:set" => set(ctx, args),
        "builds:list" => list(ctx, args),
        "builds:info" => info(ctx, args),
        "builds:output" => match output(ctx, args) {
            Ok(Some(follow)) => return Some(Outcome::Follow(follow)),
            Ok(None) => Ok(()),
            Err(e) => Err(e),
        },
        "builds:cancel" => not_deploying(ctx, args),
        "builds:prune" => prune(ctx, args),
        _ => return None,
    };
    if let Err(Some(message)) = result {
        ctx.out.fail(&message);
    }
    Some(Outcome::Done(std::mem::take(&mut ctx.out)))
}

/// A failure to print (exit 1), or `None` when it was printed already.
type Failed = Option<String>;

/// The plugin's triggers: a build starts (`builds-record-start <app>
/// <source>`) and ends (`builds-record-finish <app> <exit code>`).
pub fn trigger(ctx: &mut Ctx<'_>, name: &str, args: &[String]) {
    let app = args.first().map(String::as_str).unwrap_or("");
    let value = args.get(1).map(String::as_str).unwrap_or("");
    let now = ctx.host.now;
    if !ctx.host.apps.contains_key(app) {
        return;
    }
    let mut list = builds(ctx.host, app);
    match name {
        "builds-record-start" => {
            // The clock and the number of builds so far: two builds in
            // the same simulated second still get different ids.
            let seed = crate::host::container_id(
                app,
                value,
                u32::try_from(list.len()).unwrap_or(u32::MAX),
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
            let pid = 10_000 + u64::from_str_radix(&seed[..4], 16).unwrap_or(0) % 30_000;
            list.insert(
                0,
                Build {
                    id,
                    kind: default_kind(value).to_owned(),
                    pid,
                    started_at: now,
                    finished_at: None,
                    status: "running".to_owned(),
                    source: value.to_owned(),
                    exit_code: None,
                    log: None,
                },
            );
        }
        "builds-record-finish" => {
            let Some(build) = list.iter_mut().find(|b| b.status == "running") else {
                return;
            };
            build.status = if value == "0" { "succeeded" } else { "failed" }.to_owned();
            build.finished_at = Some(now + 1);
            build.exit_code = value.parse().ok();
            build.log = ctx.out.captured();
        }
        _ => return,
    }
    save(ctx.host, app, &list);
}

/// A build that ran before (the demo's): its id, what started it, when,
/// how long it took, how it ended and what it printed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PastBuild<'a> {
    /// The build id.
    pub id: &'a str,
    /// What started it (`git-hook` for a push).
    pub source: &'a str,
    /// When it started (Unix seconds).
    pub started_at: u64,
    /// How long it ran, in seconds.
    pub seconds: u64,
    /// How it ended: `succeeded`, `failed` or `canceled`.
    pub status: &'a str,
    /// Its exit code.
    pub exit_code: i64,
    /// Its log.
    pub log: &'a str,
}

/// Record `build` of `app` among its builds, newest first.
pub fn keep_past(host: &mut SimHost, app: &str, build: &PastBuild<'_>) {
    let mut list = builds(host, app);
    list.push(Build {
        id: build.id.to_owned(),
        kind: default_kind(build.source).to_owned(),
        pid: 10_000 + build.started_at % 30_000,
        started_at: build.started_at,
        finished_at: Some(build.started_at + build.seconds),
        status: build.status.to_owned(),
        source: build.source.to_owned(),
        exit_code: Some(build.exit_code),
        log: Some(build.log.to_owned()),
    });
    list.sort_by_key(|b| std::cmp::Reverse(b.started_at));
    save(host, app, &list);
}

/// `BuildSource.DefaultKind`.
fn default_kind(source: &str) -> &'static str {
    match source {
        "git-hook" | "ps:rebuild" | "git:sync" | "git:from-archive" | "git:from-image"
        | "git:load-image" => "build",
        _ => "deploy",
    }
}

/// A build still being printed over time (by a paced `dokku-sim` process,
/// or an in-process simulator's paced stream): the record is `running`
/// until the output is done, so `builds:cancel` can find and end it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Held {
    app: String,
    id: String,
    finished_at: Option<u64>,
    status: String,
    exit_code: Option<i64>,
    /// Its whole log, which grows on the host as the output is printed.
    log: Option<String>,
}

/// The records a command made (those its apps did not have `before` it,
/// as it found them) put back to `running` while its output is paced,
/// under `pid`: the process printing them, or none (0: the in-process
/// simulator, which no process signal reaches). What they ended as is kept
/// to [`release`] them with, and each app as the command found it for a
/// cancel to put back.
pub fn hold_new(host: &mut SimHost, before: &BTreeMap<String, App>, pid: Option<u64>) -> Vec<Held> {
    let mut held = Vec::new();
    let apps: Vec<String> = host.apps.keys().cloned().collect();
    for app in apps {
        let known: Vec<String> = records(before.get(&app))
            .into_iter()
            .map(|b| b.id)
            .collect();
        let mut list = builds(host, &app);
        for build in &mut list {
            if known.contains(&build.id) {
                continue;
            }
            held.push(Held {
                app: app.clone(),
                id: build.id.clone(),
                finished_at: build.finished_at,
                status: build.status.clone(),
                exit_code: build.exit_code,
                log: build.log.clone(),
            });
            build.status = "running".to_owned();
            build.pid = pid.unwrap_or(0);
            build.finished_at = None;
            build.exit_code = None;
            build.log = build.log.as_ref().map(|_| String::new());
        }
        save(host, &app, &list);
    }
    for app in held_apps(&held) {
        if let Some(state) = before.get(&app) {
            host.before_deploy.insert(app, state.clone());
        }
    }
    held
}

/// The paced output is done: each held record ends as its command ended,
/// unless `builds:cancel` ended it first (Dokku's idempotent finalize:
/// a canceled record stays canceled). On a [`Clock::Wall`] host printing
/// took real time: it ended no earlier than now.
pub fn release(host: &mut SimHost, held: &[Held]) {
    let now = host.catch_up();
    let wall = host.clock == Clock::Wall;
    for h in held {
        let mut list = builds(host, &h.app);
        if let Some(build) = list
            .iter_mut()
            .find(|b| b.id == h.id && b.status == "running")
        {
            build.status = h.status.clone();
            build.finished_at = h
                .finished_at
                .map(|end| if wall { end.max(now) } else { end });
            build.exit_code = h.exit_code;
            build.log.clone_from(&h.log);
        }
        save(host, &h.app, &list);
        host.before_deploy.remove(&h.app);
    }
}

/// A paced deploy has printed `printed` of its `total` pieces: each held
/// record still running shows as much of its log (the same share of its
/// lines), as Dokku's log grows while the build prints (the build
/// capture's `tee -a`). A record `builds:cancel` ended keeps what it had
/// (Dokku's build was killed there); one left running by a reader that
/// went away, too.
pub fn reveal(host: &mut SimHost, held: &[Held], printed: usize, total: usize) {
    for h in held {
        let Some(full) = &h.log else {
            continue;
        };
        let mut list = builds(host, &h.app);
        if let Some(build) = list
            .iter_mut()
            .find(|b| b.id == h.id && b.status == "running")
        {
            let lines: Vec<&str> = full.split_inclusive('\n').collect();
            let shown = (lines.len() * printed)
                .div_ceil(total.max(1))
                .min(lines.len());
            build.log = Some(lines[..shown].concat());
        }
        save(host, &h.app, &list);
    }
}

/// Whether `builds:cancel` ended one of these builds (app and id):
/// another program's, as Dokku kills the process printing it.
pub fn cancelled(host: &SimHost, held: &[(String, String)]) -> bool {
    held.iter().any(|(app, id)| {
        builds(host, app)
            .iter()
            .any(|b| &b.id == id && b.status == "canceled")
    })
}

/// What `builds:cancel` prints when it ends a running build.
pub const KILLING: &str = "-----> Killing app deploy\n";

/// The builds [`hold_new`] held: their apps and ids.
pub fn held_ids(held: &[Held]) -> Vec<(String, String)> {
    held.iter().map(|h| (h.app.clone(), h.id.clone())).collect()
}

/// The apps whose builds [`hold_new`] held.
pub fn held_apps(held: &[Held]) -> Vec<String> {
    let mut apps: Vec<String> = held.iter().map(|h| h.app.clone()).collect();
    apps.dedup();
    apps
}

/// `builds:cancel <app>` (`CommandCancel`, dokku/dokku v0.38.27
/// `plugins/builds/subcommands.go`; source-derived) for a build a paced
/// process is printing: the record is marked `canceled` (exit -1) and the
/// process id returned for the caller to signal (`Killing app deploy`),
/// and the app put back as the deploy found it.
/// `None` when no record of the app runs under a live process (`alive`
/// says), which the plain command then reports.
pub fn cancel_running(host: &mut SimHost, app: &str, alive: impl Fn(u64) -> bool) -> Option<u64> {
    let now = host.now;
    let mut list = builds(host, app);
    let build = list
        .iter_mut()
        .find(|b| b.status == "running" && alive(b.pid))?;
    build.status = "canceled".to_owned();
    build.finished_at = Some(now);
    build.exit_code = Some(-1);
    let pid = build.pid;
    save(host, app, &list);
    undo(host, app);
    Some(pid)
}

/// A build cancelled while it printed leaves its app as the deploy found
/// it, its build records as they are now. Simplification: the simulator
/// applies a deploy when it starts and undoes it here; Dokku changes the
/// app only as the deploy goes on.
fn undo(host: &mut SimHost, app: &str) {
    let Some(mut restored) = host.before_deploy.remove(app) else {
        return;
    };
    match host.apps.get(app).and_then(|a| a.extra.get("builds")) {
        Some(records) => restored.extra.insert("builds".to_owned(), records.clone()),
        None => restored.extra.remove("builds"),
    };
    host.apps.insert(app.to_owned(), restored);
}

/// `FetchBuilds`: newest first.
fn builds(host: &SimHost, app: &str) -> Vec<Build> {
    records(host.apps.get(app))
}

/// An app's records, newest first.
fn records(app: Option<&App>) -> Vec<Build> {
    let mut list: Vec<Build> = app
        .and_then(|a| a.extra.get("builds"))
        .and_then(|b| b.get("records"))
        .map(String::as_str)
        .unwrap_or("")
        .lines()
        .filter_map(|line| serde_json::from_str(line).ok())
        .collect();
    list.sort_by_key(|b| std::cmp::Reverse(b.started_at));
    list
}

fn save(host: &mut SimHost, app: &str, list: &[Build]) {
    let lines: Vec<String> = list
        .iter()
        .filter_map(|b| serde_json::to_string(b).ok())
        .collect();
    if let Some(state) = host.apps.get_mut(app) {
        let extra = state.extra.entry("builds".to_owned()).or_default();
        extra.insert("records".to_owned(), lines.join("\n"));
    }
}

/// `time.RFC3339` of a whole second (also `RFC3339Nano`'s, without a
/// fraction).
fn rfc3339(seconds: u64) -> String {
    let full = docker_timestamp(seconds, 0);
    format!("{}Z", &full[..19])
}

/// Go's `time.Duration.String()` of whole seconds.
fn duration(seconds: u64) -> String {
    let (h, m, s) = (seconds / 3600, seconds % 3600 / 60, seconds % 60);
    match (h, m) {
        (0, 0) => format!("{s}s"),
        (0, _) => format!("{m}m{s}s"),
        _ => format!("{h}h{m}m{s}s"),
    }
}

/// Dokku's `CheckPIDAlive`: a process of this id exists (0 never does).
#[cfg(unix)]
pub fn pid_alive(pid: u64) -> bool {
    use rustix::process::{test_kill_process, Pid};
    i32::try_from(pid)
        .ok()
        .and_then(Pid::from_raw)
        .is_some_and(|pid| test_kill_process(pid).is_ok())
}

/// Dokku's `CheckPIDAlive`: no process is known to live off unix.
#[cfg(not(unix))]
pub fn pid_alive(_: u64) -> bool {
    false
}

/// Note which `running` records' processes live (`alive(app, pid)`, Dokku's
/// `CheckPIDAlive`) for the next `builds:*` command: those a paced deploy
/// is still printing ([`hold_new`]).
pub fn note_live(host: &mut SimHost, alive: impl Fn(&str, u64) -> bool) {
    let apps: Vec<String> = host.apps.keys().cloned().collect();
    let mut live = BTreeSet::new();
    for app in apps {
        for build in builds(host, &app) {
            if build.status == "running" && alive(&app, build.pid) {
                live.insert(build.id);
            }
        }
    }
    host.live_builds = live;
}

impl Build {
    /// `DisplayStatus`: a record still `running` whose process is gone
    /// (not in `live`, [`note_live`]) is `abandoned`.
    fn display_status(&self, live: &BTreeSet<String>) -> &str {
        if self.status == "running" && !live.contains(&self.id) {
            "abandoned"
        } else {
            &self.status
        }
    }

    fn runs(&self, live: &BTreeSet<String>) -> bool {
        self.display_status(live) == "running"
    }

    /// `builds:list`'s `--kind` and `--status` (`matchesKind`,
    /// `matchesStatus`: the shown status); empty matches any.
    fn matches(&self, kind: &str, status: &str, live: &BTreeSet<String>) -> bool {
        (kind.is_empty() || self.kind == kind)
            && (status.is_empty() || self.display_status(live) == status)
    }

    fn duration(&self, now: u64) -> String {
        let end = self.finished_at.unwrap_or(now);
        duration(end.saturating_sub(self.started_at))
    }

    fn log_path(&self, app: &str) -> String {
        format!("/var/lib/dokku/data/builds/{app}/{}.log", self.id)
    }

    /// The list view (`listView`): the record, `display_status`,
    /// `duration` and `log_path`, in `json.Marshal`'s struct order.
    fn json(&self, app: &str, now: u64, live: &BTreeSet<String>) -> String {
        let mut json = String::from("{\"id\":");
        go_json_str(&mut json, &self.id);
        json.push_str(",\"app\":");
        go_json_str(&mut json, app);
        json.push_str(",\"kind\":");
        go_json_str(&mut json, &self.kind);
        json.push_str(&format!(",\"pid\":{}", self.pid));
        json.push_str(&format!(",\"started_at\":\"{}\"", rfc3339(self.started_at)));
        if let Some(finished) = self.finished_at {
            json.push_str(&format!(",\"finished_at\":\"{}\"", rfc3339(finished)));
        }
        json.push_str(",\"status\":");
        go_json_str(&mut json, &self.status);
        json.push_str(",\"source\":");
        go_json_str(&mut json, &self.source);
        if let Some(code) = self.exit_code {
            json.push_str(&format!(",\"exit_code\":{code}"));
        }
        json.push_str(",\"display_status\":");
        go_json_str(&mut json, self.display_status(live));
        json.push_str(&format!(",\"duration\":\"{}\"", self.duration(now)));
        json.push_str(",\"log_path\":");
        go_json_str(&mut json, &self.log_path(app));
        json.push('}');
        json
    }
}

/// The newest record's fields, empty before any.
fn last_build(host: &SimHost, app: Option<&str>, _: &str, _: Option<&str>) -> Fields {
    let mut fields = Fields::new();
    let Some(app) = app else {
        return fields;
    };
    let last = builds(host, app).into_iter().next();
    let field = |f: fn(&Build) -> String| last.as_ref().map(f).unwrap_or_default();
    fields.insert("--build-id".to_owned(), field(|b| b.id.clone()));
    fields.insert("--build-kind".to_owned(), field(|b| b.kind.clone()));
    fields.insert(
        "--build-status".to_owned(),
        last.as_ref()
            .map(|b| b.display_status(&host.live_builds).to_owned())
            .unwrap_or_default(),
    );
    fields.insert("--build-pid".to_owned(), field(|b| b.pid.to_string()));
    fields.insert("--build-source".to_owned(), field(|b| b.source.clone()));
    fields.insert(
        "--build-started-at".to_owned(),
        field(|b| rfc3339(b.started_at)),
    );
    fields.insert(
        "--build-finished-at".to_owned(),
        field(|b| b.finished_at.map(rfc3339).unwrap_or_default()),
    );
    fields.insert(
        "--build-exit-code".to_owned(),
        field(|b| b.exit_code.map(|c| c.to_string()).unwrap_or_default()),
    );
    fields
}

/// `ResolveRetention`: the app's, else the global, else 20.
fn retention(host: &SimHost, app: &str) -> usize {
    let parse = |raw: String| raw.parse::<usize>().ok().filter(|n| *n >= 1);
    parse(properties::app_value(host, "builds", app, "retention"))
        .or_else(|| parse(properties::global_value(host, "builds", "retention")))
        .unwrap_or(DEFAULT_RETENTION)
}

/// `builds:set [--global] <app> <property> [<value>]` (`CommandSet`).
fn set(ctx: &mut Ctx<'_>, args: &[String]) -> Result<(), Failed> {
    let flags = ctx
        .parse_flags("builds:set", args, &["--global"], &[], &[])
        .ok_or(None)?;
    let (app, rest) = properties::property_target(&flags);
    let property = rest.first().cloned().unwrap_or_default();
    let value = rest.get(1).cloned().unwrap_or_default();
    if app != "--global" && !ctx.verify_app(&app) {
        return Err(None);
    }
    if property != "retention" {
        return Err(Some(format!(
            "Invalid property {} (allowed: retention)",
            go_quote(&property)
        )));
    }
    if !value.is_empty() {
        match value.parse::<i64>() {
            Err(_) => {
                return Err(Some(format!(
                    "Invalid retention {}: must be a positive integer",
                    go_quote(&value)
                )));
            }
            Ok(n) if n < 1 => {
                return Err(Some(format!("Invalid retention {n}: must be >= 1")));
            }
            Ok(_) => {}
        }
    }
    if !property_set_checks(ctx, &app, &property, &["retention"], &["retention"]) {
        return Err(None);
    }
    properties::announce_property(&mut ctx.out, &property, &value);
    properties::store(ctx.host, "builds", &app, &property, &value);
    Ok(())
}

/// The `--format` of a builds subcommand: `stdout` or `json`.
fn format(value: Option<&str>) -> Result<&str, Failed> {
    match value.unwrap_or("stdout") {
        "" | "stdout" => Ok("stdout"),
        "json" => Ok("json"),
        _ => Err(Some(
            "Invalid format specified, supported formats: json, stdout".to_owned(),
        )),
    }
}

/// `builds:list [<app>] [--format …] [--kind …] [--status …]`
/// (`CommandList`).
fn list(ctx: &mut Ctx<'_>, args: &[String]) -> Result<(), Failed> {
    let flags = ctx
        .parse_flags(
            "builds:list",
            args,
            &[],
            &["--format", "--kind", "--status"],
            &[],
        )
        .ok_or(None)?;
    let format = format(flags.value("--format"))?;
    let kind = flags.value("--kind").unwrap_or("");
    let status = flags.value("--status").unwrap_or("");
    if !kind.is_empty() && kind != "build" && kind != "deploy" {
        return Err(Some(format!(
            "Invalid --kind value {} (allowed: build, deploy)",
            go_quote(kind)
        )));
    }
    const STATUSES: &[&str] = &["running", "succeeded", "failed", "canceled", "abandoned"];
    if !status.is_empty() && !STATUSES.contains(&status) {
        return Err(Some(format!(
            "Invalid --status value {} (allowed: running, succeeded, failed, canceled, abandoned)",
            go_quote(status)
        )));
    }
    let app = flags.first();
    if app.is_empty() {
        list_all_running(ctx, format, kind, status);
        return Ok(());
    }
    if !ctx.verify_app(&app) {
        return Err(None);
    }
    let live = &ctx.host.live_builds;
    let mut views: Vec<Build> = builds(ctx.host, &app)
        .into_iter()
        .filter(|b| b.matches(kind, status, live))
        .collect();
    let keep = retention(ctx.host, &app);
    if kind.is_empty() && status.is_empty() {
        views.truncate(keep);
    }
    let now = ctx.host.now;
    if format == "json" {
        let items: Vec<String> = views.iter().map(|b| b.json(&app, now, live)).collect();
        ctx.out.log(&format!("[{}]", items.join(",")));
        return Ok(());
    }
    if views.is_empty() {
        ctx.out.log("No builds recorded for this app");
        return Ok(());
    }
    let mut rows = vec![[
        "Build ID", "Kind", "Status", "PID", "Source", "Started", "Duration",
    ]
    .map(str::to_owned)
    .to_vec()];
    for b in &views {
        rows.push(vec![
            b.id.clone(),
            b.kind.clone(),
            b.display_status(live).to_owned(),
            b.pid.to_string(),
            b.source.clone(),
            rfc3339(b.started_at),
            b.duration(now),
        ]);
    }
    ctx.out.log(&columnize(&rows, "", "  "));
    Ok(())
}

/// `builds:list` without an app (`commandListAllRunning`): every app's
/// records stored `running` (a dead process's too), newest first.
fn list_all_running(ctx: &mut Ctx<'_>, format: &str, kind: &str, status: &str) {
    let live = &ctx.host.live_builds;
    let mut views: Vec<(String, Build)> = Vec::new();
    for app in ctx.host.apps.keys() {
        for b in builds(ctx.host, app) {
            if b.status == "running" && b.matches(kind, status, live) {
                views.push((app.clone(), b));
            }
        }
    }
    views.sort_by_key(|(_, b)| std::cmp::Reverse(b.started_at));
    let now = ctx.host.now;
    if format == "json" {
        let items: Vec<String> = views
            .iter()
            .map(|(app, b)| b.json(app, now, live))
            .collect();
        ctx.out.log(&format!("[{}]", items.join(",")));
        return;
    }
    if views.is_empty() {
        ctx.out.log("No builds currently running");
        return;
    }
    let mut rows = vec![["App", "Build ID", "Kind", "PID", "Source", "Started"]
        .map(str::to_owned)
        .to_vec()];
    for (app, b) in &views {
        rows.push(vec![
            app.clone(),
            b.id.clone(),
            b.kind.clone(),
            b.pid.to_string(),
            b.source.clone(),
            rfc3339(b.started_at),
        ]);
    }
    ctx.out.log(&columnize(&rows, "", "  "));
}

/// `builds:info <app> <build-id> [--format stdout|json]` (`CommandInfo`).
fn info(ctx: &mut Ctx<'_>, args: &[String]) -> Result<(), Failed> {
    let flags = ctx
        .parse_flags("builds:info", args, &[], &["--format"], &[])
        .ok_or(None)?;
    let format = format(flags.value("--format"))?;
    let app = flags.first();
    if !ctx.verify_app(&app) {
        return Err(None);
    }
    let id = flags.positional.get(1).cloned().unwrap_or_default();
    if id.is_empty() {
        return Err(Some("Please specify a build id".to_owned()));
    }
    let Some(b) = builds(ctx.host, &app).into_iter().find(|b| b.id == id) else {
        return Err(Some(format!("No build record found for {app}/{id}")));
    };
    let now = ctx.host.now;
    if format == "json" {
        ctx.out.log(&b.json(&app, now, &ctx.host.live_builds));
        return Ok(());
    }
    let mut rows = vec![
        ("Build ID:", b.id.clone()),
        ("App:", app.clone()),
        ("Kind:", b.kind.clone()),
        (
            "Status:",
            b.display_status(&ctx.host.live_builds).to_owned(),
        ),
        ("PID:", b.pid.to_string()),
        ("Source:", b.source.clone()),
        ("Started:", rfc3339(b.started_at)),
    ];
    if let Some(finished) = b.finished_at {
        rows.push(("Finished:", rfc3339(finished)));
    }
    rows.push(("Duration:", b.duration(now)));
    if let Some(code) = b.exit_code {
        rows.push(("Exit Code:", code.to_string()));
    }
    rows.push(("Log:", b.log_path(&app)));
    let rows: Vec<Vec<String>> = rows
        .into_iter()
        .map(|(label, value)| vec![label.to_owned(), value])
        .collect();
    ctx.out.log(&columnize(&rows, "", "  "));
    Ok(())
}

/// `builds:cancel <app>` with nothing to end: what ends a build a paced
/// deploy prints is its caller's (the executor's, the `dokku-sim`
/// program's), which knows the process.
fn not_deploying(ctx: &mut Ctx<'_>, args: &[String]) -> Result<(), Failed> {
    let flags = ctx
        .parse_flags("builds:cancel", args, &[], &[], &[])
        .ok_or(None)?;
    let app = flags.first();
    if !ctx.verify_app(&app) {
        return Err(None);
    }
    ctx.out.info1("App not currently deploying");
    Ok(())
}

/// How many lines a followed build's output starts with (`tail -n 1000`).
const TAIL_LINES: usize = 1000;

/// `builds:output <app> [<id>|current]` (`CommandOutput`): the current
/// build is the app's running one (Dokku reads its id from the deploy
/// lock); with none, `App not currently deploying`. A running build whose
/// process lives is followed (`tail -n 1000 -f`: its last 1000 lines, then
/// what is added, never ending, even after the build ends); any other
/// build's output is its log as it is (`cat`). Simplifications: a build's
/// log is what its invocation printed until its record was finalized (a
/// paced deploy's whole log is there before its lines are printed), and
/// a build without one (or an unknown id, which Dokku looks up in
/// journald) prints nothing.
fn output(ctx: &mut Ctx<'_>, args: &[String]) -> Result<Option<Follow>, Failed> {
    let flags = ctx
        .parse_flags("builds:output", args, &[], &[], &[])
        .ok_or(None)?;
    let app = flags.first();
    if !ctx.verify_app(&app) {
        return Err(None);
    }
    let id = flags.positional.get(1).map(String::as_str).unwrap_or("");
    let live = &ctx.host.live_builds;
    let list = builds(ctx.host, &app);
    let build = if id.is_empty() || id == "current" {
        let Some(build) = list.into_iter().find(|b| b.runs(live)) else {
            ctx.out.info1("App not currently deploying");
            return Ok(None);
        };
        build
    } else {
        let Some(build) = list.into_iter().find(|b| b.id == id) else {
            return Ok(None);
        };
        build
    };
    let log = build.log.clone().unwrap_or_default();
    if !build.runs(live) {
        ctx.out.print(&log);
        return Ok(None);
    }
    let lines: Vec<&str> = log.lines().collect();
    for line in &lines[lines.len().saturating_sub(TAIL_LINES)..] {
        ctx.out.print(&format!("{line}\n"));
    }
    Ok(Some(Follow {
        initial: std::mem::take(&mut ctx.out),
        what: Followed::Build {
            app,
            id: build.id,
            from: lines.len(),
        },
    }))
}

/// A followed build's lines added to its log since `from` (none in the
/// simulator, whose logs are whole when written).
pub fn follow_lines(host: &SimHost, app: &str, id: &str, from: &mut usize) -> Vec<String> {
    let log = builds(host, app)
        .into_iter()
        .find(|b| b.id == id)
        .and_then(|b| b.log)
        .unwrap_or_default();
    let lines: Vec<String> = log.lines().skip(*from).map(str::to_owned).collect();
    *from += lines.len();
    lines
}

/// `builds:prune <app>|--all-apps` (`PruneAppBuilds`): abandoned records
/// reaped, the retention's newest kept.
fn prune(ctx: &mut Ctx<'_>, args: &[String]) -> Result<(), Failed> {
    let flags = ctx
        .parse_flags("builds:prune", args, &["--all-apps"], &[], &[])
        .ok_or(None)?;
    let apps = if flags.has("--all-apps") {
        let apps = crate::common::names::dokku_apps(ctx.host);
        if apps.is_empty() {
            ctx.out.warn(crate::common::names::NO_APPS);
            return Ok(());
        }
        apps
    } else {
        let app = flags.first();
        if !ctx.verify_app(&app) {
            return Err(None);
        }
        vec![app]
    };
    let now = ctx.host.now;
    for app in apps {
        let mut list = builds(ctx.host, &app);
        // ReapAbandonedBuilds: failed, exit -1, finished now.
        for build in list.iter_mut().filter(|b| b.status == "running") {
            build.status = "failed".to_owned();
            build.finished_at = Some(now);
            build.exit_code = Some(-1);
        }
        list.truncate(retention(ctx.host, &app));
        save(ctx.host, &app, &list);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_like_go() {
        assert_eq!(duration(0), "0s");
        assert_eq!(duration(62), "1m2s");
        assert_eq!(duration(3_723), "1h2m3s");
        assert_eq!(rfc3339(1_798_761_600), "2027-01-01T00:00:00Z");
    }

    #[test]
    fn a_build_printed_on_a_wall_clock_ends_when_its_output_did() {
        let run = |host: &mut SimHost, line: &str| {
            let argv: Vec<String> = line.split(' ').map(str::to_owned).collect();
            crate::dispatch(host, &argv, b"").into_output().code
        };
        for clock in [Clock::Fixed, Clock::Wall] {
            // Built in 2025 on a fixed clock, printed until now.
            let mut host = SimHost::new(crate::host::profiles::V0_38_27);
            host.images.insert("nginx:1.26".to_owned());
            assert_eq!(run(&mut host, "apps:create api"), 0);
            let before = host.apps.clone();
            assert_eq!(run(&mut host, "git:from-image api nginx:1.26"), 0);
            let held = hold_new(&mut host, &before, Some(1));
            let built = held[0].finished_at.unwrap();
            host.clock = clock;
            let printed = crate::host::wall_seconds();
            release(&mut host, &held);
            let ended = builds(&host, "api")[0].finished_at.unwrap();
            match clock {
                Clock::Fixed => assert_eq!(ended, built),
                Clock::Wall => assert!(ended >= printed && built < printed, "{ended}"),
            }
        }
    }
}
