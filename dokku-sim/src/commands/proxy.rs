//! `proxy` commands (simulated): `proxy:report`, `proxy:set`,
//! `proxy:enable/disable`, `proxy:build-config/clear-config`; the
//! pre-0.31 `proxy:ports*` are the ports module's.
//!
//! Written from dokku/dokku `plugins/proxy` (Go): `report.go` (the flag
//! maps, per app and `--global`), `functions.go` (computed values: the
//! app's property, else the global one; type defaults to `nginx`,
//! disabled to `false`), `subcommands.go` (`CommandSet`: `Please specify
//! a proxy type`, the port-mapping warning).
//!
//! Hosts before 0.31 also report `--proxy-port-map` (the ports plugin
//! did not exist yet).
//!
//! State: the `proxy` properties `type`, `disabled`, `proxy-port`,
//! `proxy-ssl-port`, per app and global. The enable/disable messages are
//! the bash plugin's (`Enabling proxy for app (<app>)`); no fixture pins
//! them for the Go plugin.

use crate::common::report::{self, GoReport};
use crate::common::report::{Fields, JsonKeys};
use crate::common::{Ctx, Outcome};
use crate::host::SimHost;

/// Run a `proxy` subcommand; `None` if it is not one this module knows.
pub fn run(ctx: &mut Ctx<'_>, subcommand: &str, args: &[String]) -> Option<Outcome> {
    match subcommand {
        "proxy:report" => {
            let spec = GoReport {
                plugin: "proxy",
                report_type: "proxy",
                global_scope: true,
                validate_format: true,
                json_keys: JsonKeys::StrippedAndLegacy,
                no_apps_fails: false,
                empty_app_means_all: true,
                dokku_apps: true,
                upper_first: true,
                collect,
            };
            report::run(ctx, &spec, args);
        }
        "proxy:set" => set(ctx, args),
        "proxy:enable" | "proxy:disable" | "proxy:build-config" | "proxy:clear-config" => {
            action(ctx, subcommand, args);
        }
        _ => return None,
    }
    Some(Outcome::Done(std::mem::take(&mut ctx.out)))
}

fn app_value(host: &SimHost, app: Option<&str>, property: &str) -> String {
    app.and_then(|a| host.app_property(a, "proxy", property))
        .unwrap_or("")
        .to_owned()
}

fn global_value(host: &SimHost, property: &str) -> String {
    host.global_property("proxy", property)
        .unwrap_or("")
        .to_owned()
}

/// The proxy type in effect for an app.
pub fn computed_type(host: &SimHost, app: Option<&str>) -> String {
    let mut value = app_value(host, app, "type");
    if value.is_empty() {
        value = global_value(host, "type");
    }
    if value.is_empty() {
        value = "nginx".to_owned();
    }
    value
}

/// Whether the proxy is enabled for an app.
pub fn enabled(host: &SimHost, app: &str) -> bool {
    app_value(host, Some(app), "disabled") != "true"
}

fn collect(host: &SimHost, app: Option<&str>, _format: &str, _flag: Option<&str>) -> Fields {
    let mut fields = Fields::new();
    let mut put = |flag: &str, value: String| {
        fields.insert(format!("--proxy-{flag}"), value);
    };
    for property in ["proxy-port", "proxy-ssl-port"] {
        let own = app_value(host, app, property);
        let global = global_value(host, property);
        let computed = if own.is_empty() {
            global.clone()
        } else {
            own.clone()
        };
        put(&format!("computed-{property}"), computed);
        put(&format!("global-{property}"), global);
        if app.is_some() {
            put(property, own);
        }
    }
    put("computed-type", computed_type(host, app));
    put("global-type", global_value(host, "type"));
    if let Some(name) = app {
        put("type", app_value(host, app, "type"));
        let disabled = app_value(host, app, "disabled");
        let computed = if disabled.is_empty() {
            "false".to_owned()
        } else {
            disabled.clone()
        };
        put("disabled", disabled);
        put("computed-disabled", computed);
        put("enabled", enabled(host, name).to_string());
        // Before the ports plugin (0.31.0) the mappings were part of the
        // proxy report.
        if host.version < dokku_core::DokkuVersion::new(0, 31, 0) {
            // The ports plugin's `map` property, space-separated.
            put(
                "port-map",
                host.app_property(name, "ports", "map")
                    .unwrap_or("")
                    .to_owned(),
            );
        }
    }
    fields
}

fn set(ctx: &mut Ctx<'_>, args: &[String]) {
    let target = args.first().map(String::as_str).unwrap_or("");
    let global = target == "--global";
    if !global && !ctx.verify_app(target) {
        return;
    }
    let proxy_type = args.get(1).map(String::as_str).unwrap_or("");
    if proxy_type.len() < 2 {
        ctx.out.fail("Please specify a proxy type");
        return;
    }
    if proxy_type.contains(':') {
        ctx.out
            .warn("Detected potential port mapping instead of proxy type");
        ctx.out
            .fail("Consider using ports:set command or specifying a valid proxy");
        return;
    }
    let props = if global {
        ctx.host
            .global_properties
            .entry("proxy".to_owned())
            .or_default()
    } else {
        match ctx.host.apps.get_mut(target) {
            Some(a) => a.properties.entry("proxy".to_owned()).or_default(),
            None => return,
        }
    };
    props.insert("type".to_owned(), proxy_type.to_owned());
    ctx.host.tick(1);
}

fn action(ctx: &mut Ctx<'_>, subcommand: &str, args: &[String]) {
    let mut apps = Vec::new();
    let mut all = false;
    for arg in args {
        match arg.as_str() {
            "--all" => all = true,
            "--parallel" => {}
            a if a.starts_with("--") => {
                ctx.out.unknown_flag(subcommand, a);
                return;
            }
            a => apps.push(a.to_owned()),
        }
    }
    let targets: Vec<String> = if all {
        crate::common::names::dokku_apps(ctx.host)
    } else {
        let app = apps.first().cloned().unwrap_or_default();
        if !ctx.verify_app(&app) {
            return;
        }
        vec![app]
    };
    for app in targets {
        match subcommand {
            "proxy:enable" => {
                ctx.out.info1(&format!("Enabling proxy for app ({app})"));
                set_disabled(ctx.host, &app, None);
            }
            "proxy:disable" => {
                ctx.out.info1(&format!("Disabling proxy for app ({app})"));
                set_disabled(ctx.host, &app, Some("true"));
            }
            _ => {}
        }
    }
}

fn set_disabled(host: &mut SimHost, app: &str, value: Option<&str>) {
    if let Some(a) = host.apps.get_mut(app) {
        let props = a.properties.entry("proxy".to_owned()).or_default();
        match value {
            Some(v) => props.insert("disabled".to_owned(), v.to_owned()),
            None => props.remove("disabled"),
        };
    }
    host.tick(1);
}
