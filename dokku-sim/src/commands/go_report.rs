//! The Go `:report` subcommand, one engine for every plugin simulated with
//! it: apps and ps (Go in every version), domains (Go from 0.38.27, PR
//! #8804) and logs.
//!
//! Written from `plugins/common/common.go` and the plugins' `CommandReport`:
//!
//! - `common.ParseReportArgs`: `--format` takes the next argument (without
//!   a bounds check), every other `--x` is the info flag, at most one;
//! - `CommandReport` (e.g. `plugins/apps/subcommands.go`): `--global`
//!   (0.38, PR #8527), one app, or every app of `common.DokkuApps`,
//!   stopping at the first error;
//! - `common.ReportSingleApp`: the `--format` checks, then JSON, one info
//!   flag's bare value, or the text block.
//!
//! The encodings themselves are [`crate::report`]'s. Where the plugins
//! differ (by Dokku version, or where the simulator followed a plugin
//! more loosely), [`GoReport`] says so.

use super::apps::{dokku_apps, NO_APPS};
use super::{Ctx, Flags};
use crate::host::SimHost;
use crate::out::EXIT_FLAG_ERROR;
use crate::report::{self, Fields, JsonKeys};

/// The values of one report block: host, app (`None` for `--global`),
/// `--format`, and the info flag asked for. The last two matter where a
/// value depends on them (logs redacts sinks in text reports).
pub(super) type Collect = fn(&SimHost, Option<&str>, &str, Option<&str>) -> Fields;

/// How one plugin's `:report` is built.
pub(super) struct GoReport {
    /// The plugin (`apps`): `ParseReportArgs`' name, `<plugin>:report` in
    /// messages.
    pub(super) plugin: &'static str,
    /// The report type (`app` for apps): the header word and the JSON key
    /// prefix.
    pub(super) report_type: &'static str,
    /// `--global` selects the global report (PR #8527, 0.38.0); otherwise
    /// it is one more (invalid) info flag.
    pub(super) global_scope: bool,
    /// A `--format` other than `stdout` or `json` fails
    /// (`ReportSingleAppInput.Validate`, PR #8691, 0.38.8); otherwise it
    /// falls through to text. apps and ps follow the version; domains and
    /// logs were written from the older `ReportSingleApp` and never
    /// validate here (no fixture pins it).
    pub(super) validate_format: bool,
    /// How JSON keys are named.
    pub(super) json_keys: JsonKeys,
    /// A host without apps fails (exit 1) rather than warns (exit 0):
    /// logs' `CommandReport` returns `DokkuApps`' error, the others check
    /// `errors.Is(err, common.NoAppsExist)`.
    pub(super) no_apps_fails: bool,
    /// An empty app argument (`<plugin>:report ''`) reports every app, as
    /// `CommandReport`'s `len(appName) == 0` does
    /// (`plugins/apps/subcommands.go`): domains and logs. apps and ps
    /// verify the empty name instead (`Please specify an app to run the
    /// command on`), as the simulator always has there.
    pub(super) empty_app_means_all: bool,
    /// "Every app" is `common.DokkuApps` (dot-directories and names
    /// starting with an upper-case letter skipped): apps and ps. domains
    /// and logs go through every app of the host, as the simulator always
    /// has there.
    pub(super) dokku_apps: bool,
    /// The values.
    pub(super) collect: Collect,
}

/// `<plugin>:report [<app>|--global] [<flag>] [--format stdout|json]`.
pub(super) fn run(ctx: &mut Ctx<'_>, spec: &GoReport, args: &[String]) {
    let subcommand = format!("{}:report", spec.plugin);
    // common.ParseReportArgs: `--format` takes the next argv element, every
    // other `--x` is an info flag (so `--format=json` is one, too).
    let mut os_args = Vec::new();
    let mut info_flags = Vec::new();
    let mut global = false;
    let mut i = 0;
    while i < args.len() {
        let arg = &args[i];
        if arg == "--format" {
            if let Some(value) = args.get(i + 1) {
                os_args.push(arg.clone());
                os_args.push(value.clone());
                i += 2;
                continue;
            }
            // Go indexes `arguments[i+1]` unchecked: a runtime panic, which
            // exits 2.
            ctx.out.stderr_plain(&format!(
                "panic: runtime error: index out of range [{}] with length {}",
                i + 1,
                args.len()
            ));
            ctx.out.code = EXIT_FLAG_ERROR;
            return;
        }
        if arg == "--global" && spec.global_scope {
            global = true;
        } else if arg.starts_with("--") {
            info_flags.push(arg.clone());
        } else {
            os_args.push(arg.clone());
        }
        i += 1;
    }
    if info_flags.len() > 1 {
        ctx.out
            .fail(&format!("{subcommand} command allows only a single flag"));
        return;
    }
    let info_flag = info_flags.pop();
    let Some(flags) = Flags::parse(&mut ctx.out, &subcommand, &os_args, &[], &["--format"], &[])
    else {
        return;
    };
    let format = flags.value("--format").unwrap_or("stdout").to_owned();
    let info_flag = info_flag.as_deref();

    if global {
        report_single(ctx, spec, None, &format, info_flag);
        return;
    }
    let app = flags
        .positional
        .first()
        .filter(|app| !(spec.empty_app_means_all && app.is_empty()));
    if let Some(app) = app {
        report_single(ctx, spec, Some(app), &format, info_flag);
        return;
    }
    let apps = if spec.dokku_apps {
        dokku_apps(ctx.host)
    } else {
        ctx.host.apps.keys().cloned().collect()
    };
    if apps.is_empty() {
        if spec.no_apps_fails {
            ctx.out.fail(NO_APPS);
        } else {
            ctx.out.warn(NO_APPS);
        }
        return;
    }
    for app in &apps {
        report_single(ctx, spec, Some(app), &format, info_flag);
        if ctx.out.failed() {
            return;
        }
    }
}

/// `common.ReportSingleApp` for one app, or for `--global` (`None`, not
/// verified).
fn report_single(
    ctx: &mut Ctx<'_>,
    spec: &GoReport,
    app: Option<&str>,
    format: &str,
    info_flag: Option<&str>,
) {
    if let Some(name) = app {
        if !ctx.verify_app(name) {
            return;
        }
    }
    let fields = (spec.collect)(ctx.host, app, format, info_flag);
    if spec.validate_format && format != "stdout" && format != "json" {
        ctx.out.fail("Format must be one of: stdout, json");
        return;
    }
    if format != "stdout" && info_flag.is_some() {
        ctx.out
            .fail("--format flag cannot be specified when specifying an info flag");
        return;
    }
    if format == "json" {
        report::go_json(&mut ctx.out, &fields, spec.report_type, spec.json_keys);
        return;
    }
    match info_flag {
        None => report::go_text(
            &mut ctx.out,
            app.unwrap_or("--global"),
            spec.report_type,
            &fields,
        ),
        // fmt.Println(value): bare, not quiet-able.
        Some(flag) => match fields.get(flag) {
            Some(value) => ctx.out.log(value),
            None => {
                let valid: Vec<&str> = fields.keys().map(String::as_str).collect();
                ctx.out.fail(&format!(
                    "Invalid flag passed, valid flags: {}",
                    valid.join(", ")
                ));
            }
        },
    }
}
