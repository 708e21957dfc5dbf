//! `logs` commands (simulated): `logs` (with `-t` following), `logs:failed`,
//! `logs:report` and `logs:set`.
//!
//! Written from Dokku's source: `plugins/logs/src/commands/commands.go`
//! (the `logs` pflag set and help), `plugins/logs/subcommands.go`
//! (`CommandDefault`, `CommandFailed`, `CommandReport`, `CommandSet`),
//! `plugins/logs/set.go` (`validateSetValue`), `plugins/logs/report.go`
//! (the flags per version, sink redaction), `plugins/logs/functions.go`
//! (`GetFailedLogs`, `SinkValueToConfig`), `plugins/common/properties.go`
//! (`CommandPropertySet`), `plugins/common` (`RunCommandAgainstAllApps
//! Serially`, `ReportSingleApp`, `CommandUsage`), and the docker-local
//! scheduler's `scheduler-logs` and `scheduler-logs-failed` triggers.
//!
//! # Log content
//!
//! Docker's log of a container is state the simulator does not have, so
//! it is made up, deterministically: each container has an endless
//! sequence of lines (a boot line, then per process type a small set of
//! templates filled from a hash of app, container and line number), line
//! `k` stamped `created_at + 30·k` seconds (nanoseconds from the hash).
//! What `logs` shows are the lines stamped up to `SimHost::now` (at most
//! the last 1000), so the same state prints the same lines, and advancing
//! the clock makes new lines appear. A container's log can instead be
//! given explicitly, as Docker's `logs -t` text (`<RFC3339Nano> <message>`
//! lines), in `App::extra["logs"]["<type>.<index>"]` (see
//! [`set_container_log`]); following such a log continues with generated
//! lines after its last timestamp.

use crate::common::help;
use crate::common::report::{self, GoReport};
use crate::common::report::{Fields, JsonKeys};
use crate::common::{Ctx, Follow, Followed, Outcome};
use crate::host::{days_from_civil, docker_timestamp, profiles, wall_seconds, App, Clock, SimHost};
use crate::out::{Out, EXIT_FLAG_ERROR};

/// Seconds between two generated lines of one container.
const STEP: u64 = 30;
/// How many generated lines a container keeps.
const RETAINED: u64 = 1000;
/// The colours `scheduler-logs` cycles through, by container position.
const COLORS: [u8; 5] = [36, 33, 32, 35, 31];
/// Where `logs:set … vector-sink` says it writes (`$DOKKU_LIB_ROOT`).
const VECTOR_CONFIG: &str = "/var/lib/dokku/data/logs/vector.json";
/// The default vector image (`getComputedVectorImage`'s fallback: the
/// `FROM` of `plugins/logs/Dockerfile`), per version: 0.38.27's is
/// recorded (captures-0.38.27-core.jsonl seq 177).
fn vector_image(host: &SimHost) -> &'static str {
    if host.version >= profiles::V0_38_27 {
        "timberio/vector:0.57.0-debian"
    } else {
        "timberio/vector:0.47.0-debian"
    }
}

/// `logs.AppLabelAlias`, the default app label alias (both versions).
const APP_LABEL_ALIAS: &str = "com.dokku.app-name";

/// Run a `logs` subcommand; `None` if it is not one this module knows.
pub fn run(ctx: &mut Ctx<'_>, subcommand: &str, args: &[String]) -> Option<Outcome> {
    match subcommand {
        "logs" => return Some(default(ctx, args)),
        "logs:failed" => failed(ctx, args),
        // `CommandVectorLogs`: the simulated host runs no vector container
        // (`logs:vector-start` is not simulated).
        "logs:vector-logs" => {
            let flags = ctx.parse_flags("logs:vector-logs", args, &["--tail"], &["--num"], &[]);
            if flags.is_some() {
                ctx.out.fail("Vector container does not exist");
            }
        }
        "logs:report" => report(ctx, args),
        "logs:set" => set(ctx, args),
        _ => return None,
    }
    Some(Outcome::Done(std::mem::take(&mut ctx.out)))
}

/// Give a container an explicit log: Docker's `logs -t` text, one
/// `<RFC3339Nano timestamp> <message>` per line. It replaces the generated
/// log of that container (`dyno` is `<type>.<index>`, e.g. `web.1`).
pub fn set_container_log(app: &mut App, dyno: &str, text: &str) {
    app.extra
        .entry("logs".to_owned())
        .or_default()
        .insert(dyno.to_owned(), text.to_owned());
}

/// The lines a followed log of `app` prints at its `tick`-th interval
/// (without newlines): the next line of every followed container, in the
/// order `logs` printed them. Nothing once the app is gone or undeployed.
pub fn follow_lines(
    host: &SimHost,
    app_name: &str,
    process: Option<&str>,
    quiet: bool,
    tick: u64,
) -> Vec<String> {
    let Some(app) = host.apps.get(app_name) else {
        return Vec::new();
    };
    if !app.deployed {
        return Vec::new();
    }
    containers(app, process)
        .iter()
        .enumerate()
        .map(|(position, dyno)| {
            let line = next_line(host, app_name, app, dyno, tick);
            render(&line, dyno, position, quiet)
        })
        .collect()
}

// ---------------------------------------------------------------- logs

/// One container, as `scheduler-logs` finds it: `CONTAINER.<type>.<n>`.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Dyno {
    process_type: String,
    index: u32,
}

impl Dyno {
    fn name(&self) -> String {
        format!("{}.{}", self.process_type, self.index)
    }
}

/// One log line: Docker's timestamp and the message.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Line {
    timestamp: String,
    message: String,
}

/// The app's containers (for one process type, if given) in glob order:
/// bash sorts `CONTAINER.*` by name, so `web.10` comes before `web.2`.
fn containers(app: &App, process: Option<&str>) -> Vec<Dyno> {
    let mut dynos: Vec<Dyno> = app
        .containers
        .iter()
        .filter(|c| process.is_none_or(|p| p == c.process_type))
        .map(|c| Dyno {
            process_type: c.process_type.clone(),
            index: c.index,
        })
        .collect();
    dynos.sort_by_key(Dyno::name);
    dynos.dedup();
    dynos
}

/// `sed -r 's/^([^Z]+Z )/\x1b[<C>m\1app[<dyno>]:\x1b[0m /'` over
/// `docker logs -t`; `--quiet` is plain `docker logs`: the message alone.
fn render(line: &Line, dyno: &Dyno, position: usize, quiet: bool) -> String {
    if quiet {
        return line.message.clone();
    }
    let color = COLORS[position % COLORS.len()];
    format!(
        "\x1b[{color}m{} app[{}]:\x1b[0m {}",
        line.timestamp,
        dyno.name(),
        line.message
    )
}

fn explicit_log<'a>(app: &'a App, dyno: &Dyno) -> Option<&'a str> {
    app.extra
        .get("logs")
        .and_then(|logs| logs.get(&dyno.name()))
        .map(String::as_str)
}

fn parse_explicit(text: &str) -> Vec<Line> {
    text.lines()
        .map(|l| match l.split_once(' ') {
            Some((timestamp, message)) => Line {
                timestamp: timestamp.to_owned(),
                message: message.to_owned(),
            },
            None => Line {
                timestamp: l.to_owned(),
                message: String::new(),
            },
        })
        .collect()
}

/// The last `num` lines of a container (`docker logs --tail <num>`; a
/// negative number is all of them).
fn history(host: &SimHost, app_name: &str, app: &App, dyno: &Dyno, num: i64) -> Vec<Line> {
    let take = |len: u64| -> u64 {
        if num < 0 {
            len
        } else {
            len.min(num.unsigned_abs())
        }
    };
    if let Some(text) = explicit_log(app, dyno) {
        let lines = parse_explicit(text);
        let keep = usize::try_from(take(lines.len() as u64)).unwrap_or(0);
        return lines[lines.len() - keep..].to_vec();
    }
    let anchor = app.created_at.min(host.now);
    let last = (host.now - anchor) / STEP;
    let first = last.saturating_sub(RETAINED - 1);
    let count = take(last - first + 1);
    (last + 1 - count..=last)
        .map(|k| generated(app_name, dyno, k, anchor + k * STEP))
        .collect()
}

/// The line a follow prints for a container at its `tick`-th interval:
/// the log's next line, stamped at its place `STEP`s on, or on a
/// [`Clock::Wall`] host when it is printed (a follow prints what the app
/// writes now, never lines from the future).
fn next_line(host: &SimHost, app_name: &str, app: &App, dyno: &Dyno, tick: u64) -> Line {
    let (k, at) = match explicit_log(app, dyno) {
        Some(text) => {
            let lines = parse_explicit(text);
            let after = lines
                .last()
                .and_then(|l| parse_seconds(&l.timestamp))
                .unwrap_or(host.now);
            (lines.len() as u64 + tick, after + (tick + 1) * STEP)
        }
        None => {
            let anchor = app.created_at.min(host.now);
            let k = (host.now - anchor) / STEP + 1 + tick;
            (k, anchor + k * STEP)
        }
    };
    let at = match host.clock {
        Clock::Fixed => at,
        Clock::Wall => wall_seconds(),
    };
    generated(app_name, dyno, k, at)
}

fn hash(app: &str, dyno: &Dyno, k: u64) -> u64 {
    // FNV-1a: stable across runs and platforms.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in app
        .bytes()
        .chain([0])
        .chain(dyno.process_type.bytes())
        .chain(dyno.index.to_le_bytes())
        .chain(k.to_le_bytes())
    {
        h ^= u64::from(byte);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// Line `k` of a container's made-up log, stamped `seconds`.
fn generated(app_name: &str, dyno: &Dyno, k: u64, seconds: u64) -> Line {
    let h = hash(app_name, dyno, k);
    let message = match (dyno.process_type.as_str(), k) {
        ("web", 0) => "Server listening on port 5000".to_owned(),
        ("web", _) => {
            const ROUTES: [&str; 6] = [
                "GET / 200",
                "GET /health 200",
                "GET /api/items 200",
                "POST /api/items 201",
                "GET /static/app.js 304",
                "GET /favicon.ico 404",
            ];
            let route = ROUTES[usize::try_from(h % 6).unwrap_or(0)];
            format!(
                "{route} {}.{:03} ms - {}",
                (h >> 8) % 250,
                (h >> 16) % 1000,
                (h >> 32) % 4096
            )
        }
        ("worker", 0) => "worker booted, polling queue default".to_owned(),
        ("worker", _) => format!("processed {} jobs", (h >> 8) % 12),
        (other, 0) => format!("{other} process started"),
        (other, _) => format!("{other}: tick {k}"),
    };
    Line {
        timestamp: docker_timestamp(seconds, u32::try_from(h % 1_000_000_000).unwrap_or(0)),
        message,
    }
}

/// The Unix seconds of a `YYYY-MM-DDTHH:MM:SS…Z` timestamp.
fn parse_seconds(timestamp: &str) -> Option<u64> {
    let field =
        |range: std::ops::Range<usize>| -> Option<u64> { timestamp.get(range)?.parse().ok() };
    let days = days_from_civil(field(0..4)?, field(5..7)?, field(8..10)?)?;
    Some(days * 86_400 + field(11..13)? * 3600 + field(14..16)? * 60 + field(17..19)?)
}

/// pflag's short flags for `logs`, and whether each takes a value.
const SHORT: [(char, &str, bool); 5] = [
    ('h', "--help", false),
    ('n', "--num", true),
    ('p', "--ps", true),
    ('t', "--tail", false),
    ('q', "--quiet", false),
];

/// Rewrite pflag's short forms (`-tq`, `-n5`, `-n=5`, `-n 5`) into the
/// long ones [`Flags::parse`] knows. `Err` is pflag's message for an
/// unknown shorthand.
fn expand_short(args: &[String]) -> Result<Vec<String>, String> {
    let mut expanded = Vec::with_capacity(args.len());
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        if arg == "--" {
            expanded.push(arg.clone());
            expanded.extend(iter.by_ref().cloned());
            break;
        }
        if arg.starts_with("--") {
            expanded.push(arg.clone());
            // A long value flag's value may itself start with `-`.
            if (arg == "--num" || arg == "--ps") && !arg.contains('=') {
                if let Some(value) = iter.next() {
                    expanded.push(value.clone());
                }
            }
            continue;
        }
        let Some(cluster) = arg.strip_prefix('-').filter(|c| !c.is_empty()) else {
            expanded.push(arg.clone());
            continue;
        };
        for (pos, c) in cluster.char_indices() {
            let Some((_, long, takes_value)) = SHORT.iter().find(|(s, _, _)| *s == c) else {
                return Err(format!("unknown shorthand flag: '{c}' in {arg}"));
            };
            expanded.push((*long).to_owned());
            if *takes_value {
                let rest = &cluster[pos + c.len_utf8()..];
                let rest = rest.strip_prefix('=').unwrap_or(rest);
                if !rest.is_empty() {
                    expanded.push(rest.to_owned());
                } else if let Some(value) = iter.next() {
                    expanded.push(value.clone());
                }
                break;
            }
        }
    }
    Ok(expanded)
}

fn flag_error(out: &mut Out, message: &str) {
    out.stderr_plain(message);
    out.stderr_plain("Usage of logs:");
    out.code = EXIT_FLAG_ERROR;
}

// `CommandDefault` and the docker-local `scheduler-logs` trigger.
fn default(ctx: &mut Ctx<'_>, args: &[String]) -> Outcome {
    let done = |ctx: &mut Ctx<'_>| Outcome::Done(std::mem::take(&mut ctx.out));
    let args = match expand_short(args) {
        Ok(args) => args,
        Err(message) => {
            flag_error(&mut ctx.out, &message);
            return done(ctx);
        }
    };
    let Some(flags) = ctx.parse_flags(
        "logs",
        &args,
        &["--help", "--tail", "--quiet"],
        &["--num", "--ps"],
        &[],
    ) else {
        return done(ctx);
    };
    let num = match flags.value("--num") {
        None => 100,
        Some(text) => match text.parse::<i64>() {
            Ok(n) => n,
            Err(e) => {
                let reason = match e.kind() {
                    std::num::IntErrorKind::PosOverflow | std::num::IntErrorKind::NegOverflow => {
                        "value out of range"
                    }
                    _ => "invalid syntax",
                };
                flag_error(
                    &mut ctx.out,
                    &format!(
                        "invalid argument \"{text}\" for \"-n, --num\" flag: strconv.ParseInt: parsing \"{text}\": {reason}"
                    ),
                );
                return done(ctx);
            }
        },
    };
    if flags.has("--help") {
        if let Some(plugin) = help::plugin(ctx.host, "logs") {
            help::usage(&mut ctx.out, plugin);
        }
        return done(ctx);
    }
    let app_name = flags.positional.first().cloned().unwrap_or_default();
    if !ctx.verify_app(&app_name) {
        return done(ctx);
    }
    let Some(app) = ctx.host.apps.get(&app_name) else {
        return done(ctx);
    };
    if !app.deployed {
        ctx.out
            .fail(&format!("App {app_name} has not been deployed"));
        return done(ctx);
    }
    let process = flags
        .value("--ps")
        .filter(|p| !p.is_empty())
        .map(str::to_owned);
    let quiet = flags.has("--quiet");
    let dynos = containers(app, process.as_deref());
    // No container file matches: the trigger exits 0 without a word,
    // also when following.
    if dynos.is_empty() {
        return done(ctx);
    }
    // The containers' `docker logs` run in parallel; the simulator prints
    // them one container after the other, in glob order.
    for (position, dyno) in dynos.iter().enumerate() {
        for line in history(ctx.host, &app_name, app, dyno, num) {
            ctx.out.log(&render(&line, dyno, position, quiet));
        }
    }
    if flags.has("--tail") {
        return Outcome::Follow(Follow {
            initial: std::mem::take(&mut ctx.out),
            what: Followed::Logs {
                app: app_name,
                process,
                quiet,
            },
        });
    }
    done(ctx)
}

// ---------------------------------------------------------- logs:failed

// `CommandFailed`: one app, or `--all` (also assumed, with a warning,
// when no app is given) through `RunCommandAgainstAllAppsSerially`.
fn failed(ctx: &mut Ctx<'_>, args: &[String]) {
    let Some(flags) = ctx.parse_flags("logs:failed", args, &["--all"], &[], &[]) else {
        return;
    };
    let app = flags.positional.first().cloned().unwrap_or_default();
    if !flags.has("--all") && !app.is_empty() {
        if ctx.verify_app(&app) {
            failed_logs(ctx, &app);
        }
        return;
    }
    if !flags.has("--all") {
        ctx.out
            .warn("Deprecated: logs:failed specified without app, assuming --all");
    }
    let apps: Vec<String> = ctx.host.apps.keys().cloned().collect();
    if apps.is_empty() {
        ctx.out.warn("You haven't deployed any applications yet");
        return;
    }
    for app in &apps {
        ctx.out
            .info1(&format!("Running logs:failed against app {app}"));
        failed_logs(ctx, app);
    }
}

// `GetFailedLogs` + `scheduler-logs-failed`: the raw `docker logs` of the
// failed containers that still exist.
fn failed_logs(ctx: &mut Ctx<'_>, app: &str) {
    ctx.out.info2_quiet(&format!("{app} failed deploy logs"));
    let lines = ctx
        .host
        .apps
        .get(app)
        .map(|a| a.failed_logs.clone())
        .unwrap_or_default();
    if lines.is_empty() {
        ctx.out.warn("No failed containers found");
        return;
    }
    for line in &lines {
        ctx.out.log(line);
    }
}

// ---------------------------------------------------------- logs:report

fn report(ctx: &mut Ctx<'_>, args: &[String]) {
    let current = ctx.host.version >= profiles::V0_38_27;
    let spec = GoReport {
        plugin: "logs",
        report_type: "logs",
        global_scope: current,
        validate_format: false,
        json_keys: if current {
            JsonKeys::StrippedAndLegacy
        } else {
            JsonKeys::Flag
        },
        // `CommandReport` returns `DokkuApps`' error.
        no_apps_fails: true,
        empty_app_means_all: true,
        dokku_apps: false,
        upper_first: true,
        collect: if current {
            &collect_current
        } else {
            &collect_0_35
        },
        json: None,
    };
    report::run(ctx, &spec, args);
}

/// A property of the app, or for `None` (`--global`) the global one, as
/// `common.PropertyGet("logs", <app|--global>, …)` reads it.
fn property(host: &SimHost, app: Option<&str>, name: &str) -> String {
    match app {
        Some(app) => host.app_property(app, "logs", name),
        None => host.global_property("logs", name),
    }
    .unwrap_or("")
    .to_owned()
}

fn global_property(host: &SimHost, name: &str) -> String {
    host.global_property("logs", name).unwrap_or("").to_owned()
}

fn first_set(values: &[String]) -> String {
    values
        .iter()
        .find(|v| !v.is_empty())
        .cloned()
        .unwrap_or_default()
}

/// `redactedSink`: a text report shows only a sink's type, unless that
/// exact flag was asked for.
fn redacted(value: String, exact_flag: &str, format: &str, info_flag: Option<&str>) -> String {
    if value.is_empty() || format != "stdout" || info_flag == Some(exact_flag) {
        return value;
    }
    match sink_type(&value) {
        Some(kind) => format!("{kind}://redacted"),
        None => String::new(),
    }
}

/// The sink type `SinkValueToConfig` derives: the URL scheme (Go's
/// `url.Parse` lower-cases it) with `-` as `_`; `None` where Go's parser
/// fails (a scheme-less first segment with a colon, `:` first).
fn sink_type(value: &str) -> Option<String> {
    let value = match value.split_once("://") {
        Some((scheme, rest)) => format!("{}://{rest}", scheme.replace('_', "-")),
        None => value.to_owned(),
    };
    let no_scheme = |v: &str| {
        let first_segment = v.split('/').next().unwrap_or("");
        (!first_segment.contains(':')).then(String::new)
    };
    for (i, c) in value.char_indices() {
        if c.is_ascii_alphabetic() {
            continue;
        }
        if c.is_ascii_digit() || c == '+' || c == '-' || c == '.' {
            if i == 0 {
                return no_scheme(&value);
            }
            continue;
        }
        if c == ':' {
            if i == 0 {
                return None;
            }
            return Some(value[..i].to_lowercase().replace('-', "_"));
        }
        return no_scheme(&value);
    }
    no_scheme(&value)
}

// `plugins/logs/report.go` as of 0.38.27 (with `vector-cron-sink`).
fn collect_current(
    host: &SimHost,
    app: Option<&str>,
    format: &str,
    info_flag: Option<&str>,
) -> Fields {
    let sink = |value: String, flag: &str| redacted(value, flag, format, info_flag);
    let app_label_alias = property(host, app, "app-label-alias");
    let max_size = property(host, app, "max-size");
    let vector_sink = sink(property(host, app, "vector-sink"), "--logs-vector-sink");
    let vector_cron_sink = sink(
        property(host, app, "vector-cron-sink"),
        "--logs-vector-cron-sink",
    );
    let global_app_label_alias = global_property(host, "app-label-alias");
    let global_max_size = global_property(host, "max-size");
    let global_vector_sink = sink(
        global_property(host, "vector-sink"),
        "--logs-global-vector-sink",
    );
    let global_vector_cron_sink = sink(
        global_property(host, "vector-cron-sink"),
        "--logs-global-vector-cron-sink",
    );
    let global_vector_image = global_property(host, "vector-image");
    let global_vector_networks = global_property(host, "vector-networks");

    let mut fields = Fields::new();
    let mut put = |flag: &str, value: String| {
        fields.insert(flag.to_owned(), value);
    };
    put(
        "--logs-computed-app-label-alias",
        first_set(&[
            app_label_alias.clone(),
            global_app_label_alias.clone(),
            APP_LABEL_ALIAS.to_owned(),
        ]),
    );
    put(
        "--logs-computed-max-size",
        first_set(&[max_size.clone(), global_max_size.clone(), "10m".to_owned()]),
    );
    put(
        "--logs-computed-vector-cron-sink",
        first_set(&[vector_cron_sink.clone(), global_vector_cron_sink.clone()]),
    );
    put(
        "--logs-computed-vector-image",
        first_set(&[global_vector_image.clone(), vector_image(host).to_owned()]),
    );
    put(
        "--logs-computed-vector-networks",
        global_vector_networks.clone(),
    );
    put(
        "--logs-computed-vector-sink",
        first_set(&[vector_sink.clone(), global_vector_sink.clone()]),
    );
    put("--logs-global-app-label-alias", global_app_label_alias);
    put("--logs-global-max-size", global_max_size);
    put("--logs-global-vector-cron-sink", global_vector_cron_sink);
    put("--logs-global-vector-image", global_vector_image);
    put("--logs-global-vector-networks", global_vector_networks);
    put("--logs-global-vector-sink", global_vector_sink);
    if app.is_some() {
        put("--logs-app-label-alias", app_label_alias);
        put("--logs-max-size", max_size);
        put("--logs-vector-cron-sink", vector_cron_sink);
        put("--logs-vector-sink", vector_sink);
    }
    fields
}

// `plugins/logs/report.go` before 0.38 (global defaults shown in the
// global columns, `--logs-vector-global-image`, prefixed JSON keys).
fn collect_0_35(
    host: &SimHost,
    app: Option<&str>,
    format: &str,
    info_flag: Option<&str>,
) -> Fields {
    let global_app_label_alias = first_set(&[
        global_property(host, "app-label-alias"),
        APP_LABEL_ALIAS.to_owned(),
    ]);
    let global_max_size = first_set(&[global_property(host, "max-size"), "10m".to_owned()]);
    let app_label_alias = property(host, app, "app-label-alias");
    let max_size = property(host, app, "max-size");
    let mut fields = Fields::new();
    let mut put = |flag: &str, value: String| {
        fields.insert(flag.to_owned(), value);
    };
    put(
        "--logs-computed-app-label-alias",
        first_set(&[app_label_alias.clone(), global_app_label_alias.clone()]),
    );
    put(
        "--logs-computed-max-size",
        first_set(&[max_size.clone(), global_max_size.clone()]),
    );
    put("--logs-global-app-label-alias", global_app_label_alias);
    put("--logs-global-max-size", global_max_size);
    put(
        "--logs-global-vector-sink",
        redacted(
            global_property(host, "vector-sink"),
            "--logs-global-vector-sink",
            format,
            info_flag,
        ),
    );
    put("--logs-app-label-alias", app_label_alias);
    put("--logs-max-size", max_size);
    put(
        "--logs-vector-global-image",
        first_set(&[
            global_property(host, "vector-image"),
            vector_image(host).to_owned(),
        ]),
    );
    put(
        "--logs-vector-sink",
        redacted(
            property(host, app, "vector-sink"),
            "--logs-vector-sink",
            format,
            info_flag,
        ),
    );
    fields
}

// ------------------------------------------------------------- logs:set

/// The properties `logs:set` knows (`DefaultProperties`), every one also
/// settable globally (`GlobalProperties`).
fn properties(host: &SimHost) -> &'static [&'static str] {
    if host.version >= profiles::V0_38_27 {
        &[
            "app-label-alias",
            "max-size",
            "vector-cron-sink",
            "vector-image",
            "vector-networks",
            "vector-sink",
        ]
    } else {
        &["app-label-alias", "max-size", "vector-image", "vector-sink"]
    }
}

/// `validateSetValue` (`plugins/logs/set.go`).
fn validate_value(host: &SimHost, app: &str, property: &str, value: &str) -> Result<(), String> {
    let current = host.version >= profiles::V0_38_27;
    match property {
        "max-size" => validate_max_size(value),
        "vector-image" if app != "--global" => {
            Err("vector-image may only be set globally with --global".to_owned())
        }
        "vector-networks" if current => {
            if app != "--global" {
                return Err("vector-networks may only be set globally with --global".to_owned());
            }
            if value.is_empty() {
                return Ok(());
            }
            for name in value.split(',').map(str::trim) {
                if name.is_empty() {
                    return Err(
                        "Invalid vector-networks value, empty entry in comma-separated list"
                            .to_owned(),
                    );
                }
                if name == "bridge" {
                    return Err("Invalid vector-networks value, \"bridge\" is not a valid entry for vector-networks".to_owned());
                }
            }
            Ok(())
        }
        "vector-sink" => validate_sink(value),
        "vector-cron-sink" if current => validate_sink(value),
        _ => Ok(()),
    }
}

fn validate_max_size(value: &str) -> Result<(), String> {
    if value.is_empty() || value == "unlimited" {
        return Ok(());
    }
    let Some(number) = value
        .strip_suffix('k')
        .or_else(|| value.strip_suffix('m'))
        .or_else(|| value.strip_suffix('g'))
    else {
        return Err("Invalid max-size unit measure, value must end in any of [k, m, g]".to_owned());
    };
    if number.is_empty() {
        return Err(
            "Invalid max-size value, must be a number followed by a unit of measure [k, m, g]"
                .to_owned(),
        );
    }
    match number.parse::<i64>() {
        Ok(_) => Ok(()),
        Err(e) => {
            let reason = match e.kind() {
                std::num::IntErrorKind::PosOverflow | std::num::IntErrorKind::NegOverflow => {
                    "value out of range"
                }
                _ => "invalid syntax",
            };
            Err(format!(
                "Invalid max-size value, unable to convert number to int: strconv.Atoi: parsing \"{number}\": {reason}"
            ))
        }
    }
}

// `SinkValueToConfig`'s checks that the simulator can make: Go's URL
// parser failing, and the forbidden `sinks` option.
fn validate_sink(value: &str) -> Result<(), String> {
    if value.is_empty() {
        return Ok(());
    }
    if sink_type(value).is_none() {
        return Err(format!("parse \"{value}\": missing protocol scheme"));
    }
    let query = value.split_once('?').map(|(_, q)| q).unwrap_or("");
    if query.split('&').any(|pair| {
        pair.split_once('=')
            .is_some_and(|(k, v)| k == "sinks" && !v.is_empty())
    }) {
        return Err("Invalid option sinks".to_owned());
    }
    // `qson.ToJSON` of the query (a leading `&` dropped): every parameter
    // must be `key=value`, so an empty query fails too.
    let query = query.strip_prefix('&').unwrap_or(query);
    if query.split('&').any(|pair| !pair.contains('=')) {
        return Err("qson: invalid url query param provided".to_owned());
    }
    Ok(())
}

// `CommandSet`: `validateSetValue`, then `common.CommandPropertySet`.
fn set(ctx: &mut Ctx<'_>, args: &[String]) {
    let Some(flags) = ctx.parse_flags("logs:set", args, &["--global"], &[], &[]) else {
        return;
    };
    let arg = |i: usize| flags.positional.get(i).cloned().unwrap_or_default();
    let (app, property, value) = if flags.has("--global") {
        ("--global".to_owned(), arg(0), arg(1))
    } else {
        (arg(0), arg(1), arg(2))
    };
    if let Err(message) = validate_value(ctx.host, &app, &property, &value) {
        ctx.out.fail(&message);
        return;
    }
    let global = app == "--global";
    if !global && !ctx.verify_app(&app) {
        return;
    }
    let known = properties(ctx.host);
    if global && !known.contains(&property.as_str()) {
        ctx.out.fail("Property cannot be specified globally");
        return;
    }
    if property.is_empty() {
        ctx.out.fail("No property specified");
        return;
    }
    if !known.contains(&property.as_str()) {
        ctx.out.fail(&format!(
            "Invalid property specified, valid properties include: {}",
            known.join(", ")
        ));
        return;
    }
    let store = if global {
        Some(&mut ctx.host.global_properties)
    } else {
        ctx.host.apps.get_mut(&app).map(|a| &mut a.properties)
    };
    if let Some(store) = store {
        let logs = store.entry("logs".to_owned()).or_default();
        if value.is_empty() {
            logs.remove(&property);
        } else {
            logs.insert(property.clone(), value.clone());
        }
    }
    if value.is_empty() {
        ctx.out.info2_quiet(&format!("Unsetting {property}"));
    } else {
        ctx.out
            .info2_quiet(&format!("Setting {property} to {value}"));
    }
    ctx.host.tick(1);
    // CommandSet's `vectorProperties` (`vector-cron-sink` joined them in
    // 0.38.27, with the property).
    let vector = match property.as_str() {
        "app-label-alias" | "vector-sink" => true,
        "vector-cron-sink" => ctx.host.version >= profiles::V0_38_27,
        _ => false,
    };
    if vector {
        ctx.out
            .verbose_quiet(&format!("Writing updated vector config to {VECTOR_CONFIG}"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_round_trip() {
        assert_eq!(docker_timestamp(0, 5), "1970-01-01T00:00:00.000000005Z");
        assert_eq!(
            docker_timestamp(1_786_353_302, 418_263_912),
            "2026-08-10T09:15:02.418263912Z"
        );
        assert_eq!(
            parse_seconds("2026-08-10T09:15:02.418263912Z"),
            Some(1_786_353_302)
        );
        assert_eq!(
            docker_timestamp(951_782_400, 0),
            "2000-02-29T00:00:00.000000000Z"
        );
        assert_eq!(parse_seconds("garbage"), None);
    }

    #[test]
    fn a_followed_line_is_stamped_on_the_log_grid_or_when_printed_on_a_wall_clock() {
        for host in [
            crate::scenario::demo(),
            crate::scenario::live_demo_for(profiles::V0_38_27),
        ] {
            let app = host.apps["blog"].clone();
            let dyno = containers(&app, None)[0].clone();
            let before = wall_seconds();
            let line = next_line(&host, "blog", &app, &dyno, 5);
            let at = parse_seconds(&line.timestamp).unwrap_or(0);
            match host.clock {
                // Five lines on from the last one logged by now.
                Clock::Fixed => assert!(at > host.now + 5 * STEP, "{line:?}"),
                Clock::Wall => assert!(at >= before && at <= wall_seconds(), "{line:?}"),
            }
        }
    }

    #[test]
    fn short_flags_expand_like_pflag() {
        let args = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        assert_eq!(
            expand_short(&args(&["-tq", "-n5", "app", "-p", "web"])).unwrap(),
            args(&["--tail", "--quiet", "--num", "5", "app", "--ps", "web"])
        );
        assert_eq!(
            expand_short(&args(&["-n", "-10", "--num", "-3", "-n=7"])).unwrap(),
            args(&["--num", "-10", "--num", "-3", "--num", "7"])
        );
        assert_eq!(
            expand_short(&args(&["-x"])).unwrap_err(),
            "unknown shorthand flag: 'x' in -x"
        );
    }

    #[test]
    fn sink_types() {
        assert_eq!(
            sink_type("datadog_logs://?api_key=x").as_deref(),
            Some("datadog_logs")
        );
        assert_eq!(sink_type("HTTP://x").as_deref(), Some("http"));
        assert_eq!(sink_type("console").as_deref(), Some(""));
        assert_eq!(sink_type("://x"), None);
    }

    #[test]
    fn max_sizes() {
        assert!(validate_max_size("10m").is_ok());
        assert!(validate_max_size("unlimited").is_ok());
        assert!(validate_max_size("10").is_err());
        assert!(validate_max_size("m").is_err());
        assert!(validate_max_size("xm")
            .unwrap_err()
            .ends_with("parsing \"x\": invalid syntax"));
    }
}
