//! The `resource` plugin (simulated): `resource:report`,
//! `resource:limit`, `resource:reserve`, `resource:limit-clear` and
//! `resource:reserve-clear`.
//!
//! Written from dokku/dokku v0.38.27 `plugins/resource` (properties
//! `<process type>.<limit|reserve>.<resource>`, `_default_` without
//! `--process-type`; the report lists the set properties only, its labels
//! not capitalised) and the recorded output (captures-0.38.27-core.jsonl
//! seq 144-152; captures-0.38.27-surface.jsonl seq 1100-1130). Dokku
//! prints the resources it sets in Go map order, which varies; the
//! simulator prints them in the order of its information listing.

use crate::common::properties;
use crate::common::report::{self, Fields, GoReport, JsonKeys};
use crate::common::{Ctx, Outcome};
use crate::host::SimHost;

/// The resources, in the order `resource:limit <app>` lists them.
const RESOURCES: &[&str] = &[
    "cpu",
    "memory",
    "memory-swap",
    "network",
    "network-ingress",
    "network-egress",
    "nvidia-gpu",
];

/// Run a `resource` subcommand; `None` if it is not one this module knows.
pub fn run(ctx: &mut Ctx<'_>, subcommand: &str, args: &[String]) -> Option<Outcome> {
    match subcommand {
        "resource:report" => {
            let mut spec = GoReport::current(
                "resource",
                "resource",
                JsonKeys::StrippedAndLegacy,
                &collect,
            );
            spec.upper_first = false;
            report::run(ctx, &spec, args);
        }
        "resource:limit" => set(ctx, subcommand, args, "limit", "limits"),
        "resource:reserve" => set(ctx, subcommand, args, "reserve", "reservation"),
        "resource:limit-clear" => clear(ctx, subcommand, args, "limit", "limits"),
        "resource:reserve-clear" => clear(ctx, subcommand, args, "reserve", "reservation"),
        _ => return None,
    }
    Some(Outcome::Done(std::mem::take(&mut ctx.out)))
}

/// Every resource property the app has set.
fn collect(host: &SimHost, app: Option<&str>, _: &str, _: Option<&str>) -> Fields {
    let mut fields = Fields::new();
    if let Some(values) = app
        .and_then(|a| host.apps.get(a))
        .and_then(|a| a.properties.get("resource"))
    {
        for (key, value) in values {
            fields.insert(format!("--resource-{key}"), value.clone());
        }
    }
    fields
}

fn flag_names() -> Vec<String> {
    RESOURCES
        .iter()
        .map(|r| format!("--{r}"))
        .chain(std::iter::once("--process-type".to_owned()))
        .collect()
}

/// The parsed flags, the verified app and the process type a resource
/// command works on (`_default_` without `--process-type`, and the
/// ` (<type>)` its messages then add).
struct Target {
    flags: crate::common::Flags,
    app: String,
    process: String,
    ptype: String,
    suffix: String,
}

fn target(ctx: &mut Ctx<'_>, subcommand: &str, args: &[String], values: &[&str]) -> Option<Target> {
    let flags = ctx.parse_flags(subcommand, args, &[], values, &[])?;
    let app = flags.first();
    if !ctx.verify_app(&app) {
        return None;
    }
    let process = flags.value("--process-type").unwrap_or("").to_owned();
    let (ptype, suffix) = if process.is_empty() {
        ("_default_".to_owned(), String::new())
    } else {
        (process.clone(), format!(" ({process})"))
    };
    Some(Target {
        flags,
        app,
        process,
        ptype,
        suffix,
    })
}

/// `resource:limit` / `resource:reserve`: with resource flags, set them;
/// without, show the process type's values.
fn set(ctx: &mut Ctx<'_>, subcommand: &str, args: &[String], kind: &str, noun: &str) {
    let names = flag_names();
    let values: Vec<&str> = names.iter().map(String::as_str).collect();
    let Some(target) = target(ctx, subcommand, args, &values) else {
        return;
    };
    let Target {
        flags,
        app,
        process,
        ptype,
        suffix,
    } = target;
    let given: Vec<(&str, String)> = RESOURCES
        .iter()
        .filter_map(|r| flags.value(&format!("--{r}")).map(|v| (*r, v.to_owned())))
        .collect();
    if given.is_empty() {
        let scope = if process.is_empty() {
            " [defaults]".to_owned()
        } else {
            suffix
        };
        ctx.out
            .info2_quiet(&format!("resource {noun} {app} information{scope}"));
        for resource in RESOURCES {
            let value = ctx
                .host
                .app_property(&app, "resource", &format!("{ptype}.{kind}.{resource}"))
                .unwrap_or("")
                .to_owned();
            ctx.out.verbose(&format!("{resource}: {value}"));
        }
        return;
    }
    ctx.out
        .info2_quiet(&format!("Setting resource {noun} for {app}{suffix}"));
    for (resource, value) in given {
        // `clear` deletes that one resource (`setResourceType`).
        let (shown, value) = match value.as_str() {
            "clear" => ("cleared", ""),
            other => (other, other),
        };
        ctx.out.verbose(&format!("{resource}: {shown}"));
        properties::store(
            ctx.host,
            "resource",
            &app,
            &format!("{ptype}.{kind}.{resource}"),
            value,
        );
    }
}

/// `resource:limit-clear` / `resource:reserve-clear`.
fn clear(ctx: &mut Ctx<'_>, subcommand: &str, args: &[String], kind: &str, noun: &str) {
    let Some(Target {
        app, ptype, suffix, ..
    }) = target(ctx, subcommand, args, &["--process-type"])
    else {
        return;
    };
    ctx.out
        .info2_quiet(&format!("clearing {app} {noun}{suffix}"));
    if let Some(values) = ctx
        .host
        .apps
        .get_mut(&app)
        .and_then(|a| a.properties.get_mut("resource"))
    {
        let prefix = format!("{ptype}.{kind}.");
        values.retain(|key, _| !key.starts_with(&prefix));
    }
}
