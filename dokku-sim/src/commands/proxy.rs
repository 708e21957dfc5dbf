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
//! `proxy-ssl-port`, per app and global. Enabling, disabling and
//! (re)building hand over to the proxy implementation through the
//! `proxy-enable`, `proxy-disable`, `proxy-build-config` and
//! `proxy-clear-config` triggers; the proxy plugin answers `proxy-type`
//! and `proxy-is-enabled`.

use crate::common::properties;
use crate::common::report::{self, Fields, GoReport, JsonKeys};
use crate::common::{Ctx, Outcome};
use crate::host::SimHost;

/// Run a `proxy` subcommand; `None` if it is not one this module knows.
pub fn run(ctx: &mut Ctx<'_>, subcommand: &str, args: &[String]) -> Option<Outcome> {
    match subcommand {
        "proxy:report" => {
            let spec = GoReport::current("proxy", "proxy", JsonKeys::StrippedAndLegacy, &collect);
            report::run(ctx, &spec, args);
        }
        "proxy:set" => set(ctx, args),
        "proxy:enable" | "proxy:disable" | "proxy:build-config" | "proxy:clear-config" => {
            action(ctx, subcommand, args);
        }
        // The 0.31 port commands still have their `subcommands/` files,
        // but the Go binary no longer knows them (`default` of its
        // switch).
        "proxy:ports" | "proxy:ports-add" | "proxy:ports-clear" | "proxy:ports-remove"
        | "proxy:ports-set" => {
            let name = subcommand.trim_start_matches("proxy:");
            ctx.out
                .fail(&format!("Invalid plugin subcommand call: {name}"));
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

/// `proxy:set [--global] <app> <key> [<value>]` (`CommandSet`): a name
/// that is no property, without a value, is the legacy form of `type
/// <name>` (any name is accepted); then `CommandPropertySet`.
fn set(ctx: &mut Ctx<'_>, args: &[String]) {
    let Some(flags) = ctx.parse_flags("proxy:set", args, &["--global"], &[], &[]) else {
        return;
    };
    let (app, rest) = properties::property_target(&flags);
    let mut property = rest.first().cloned().unwrap_or_default();
    let mut value = rest.get(1).cloned().unwrap_or_default();
    if !PROPERTIES.contains(&property.as_str()) && value.is_empty() {
        if property.contains(':') {
            ctx.out
                .warn("Detected potential port mapping instead of proxy type");
            ctx.out
                .fail("Consider using ports:set command or specifying a valid proxy");
            return;
        }
        value = std::mem::replace(&mut property, "type".to_owned());
    }
    if !properties::property_set_checks(ctx, &app, &property, PROPERTIES, GLOBAL_PROPERTIES) {
        return;
    }
    properties::announce_property(&mut ctx.out, &property, &value);
    properties::store(ctx.host, "proxy", &app, &property, &value);
    ctx.host.tick(1);
}

/// The proxy properties (`proxy.go` `DefaultProperties`).
const PROPERTIES: &[&str] = &["disabled", "proxy-port", "proxy-ssl-port", "type"];
/// The ones settable globally (`GlobalProperties`).
const GLOBAL_PROPERTIES: &[&str] = &["proxy-port", "proxy-ssl-port", "type"];

/// The plugin's triggers.
pub fn trigger(ctx: &mut Ctx<'_>, name: &str, args: &[String]) {
    let app = args.first().map(String::as_str).unwrap_or("");
    match name {
        "proxy-type" => {
            let proxy_type = computed_type(ctx.host, Some(app));
            ctx.out.log(&proxy_type);
        }
        "proxy-is-enabled" => {
            let enabled = enabled(ctx.host, app);
            ctx.out.log(&enabled.to_string());
        }
        _ => {}
    }
}

/// `proxy:enable`, `proxy:disable`, `proxy:build-config`,
/// `proxy:clear-config` (`[--parallel N] [--all|<app>]`).
fn action(ctx: &mut Ctx<'_>, subcommand: &str, args: &[String]) {
    let values: &[&str] = if subcommand == "proxy:clear-config" {
        &[]
    } else {
        &["--parallel"]
    };
    let Some(flags) = ctx.parse_flags(subcommand, args, &["--all"], values, &[]) else {
        return;
    };
    let targets: Vec<String> = if flags.has("--all") {
        crate::common::names::dokku_apps(ctx.host)
    } else {
        let app = flags.first();
        if !ctx.verify_app(&app) {
            return;
        }
        vec![app]
    };
    for app in targets {
        let app_arg = [app.clone()];
        // `Enable` / `Disable`: (enabling, the note when it already is, the
        // message, the `disabled` property written, the trigger).
        let toggle = match subcommand {
            "proxy:enable" => Some((
                true,
                "Proxy is already enabled for app",
                "Enabling proxy for app",
                "",
                "proxy-enable",
            )),
            "proxy:disable" => Some((
                false,
                "Proxy is already disable for app",
                "Disabling proxy for app",
                "true",
                "proxy-disable",
            )),
            _ => None,
        };
        if let Some((enable, already, note, disabled, trigger)) = toggle {
            if enabled(ctx.host, &app) == enable {
                ctx.out.info1(already);
                continue;
            }
            ctx.out.info1(note);
            properties::store(ctx.host, "proxy", &app, "disabled", disabled);
            ctx.host.tick(1);
            ctx.trigger(trigger, &app_arg);
            continue;
        }
        match subcommand {
            "proxy:build-config" => {
                ctx.trigger("proxy-build-config", &app_arg);
            }
            _ => {
                ctx.trigger("proxy-clear-config", &app_arg);
            }
        }
    }
}
