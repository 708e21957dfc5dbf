//! The nginx proxy (`nginx-vhosts`, simulated): `nginx:report`,
//! `nginx:set`, and the triggers through which every change of an app's
//! domains, ports or lifecycle rebuilds its nginx config.
//!
//! Written from dokku/dokku v0.38.27 `plugins/nginx-vhosts`: `report.go`
//! (the flag map: raw, global and computed per property, only the global
//! ones for `--global`, bare JSON keys), `nginx_vhosts.go` (the computed
//! values and their defaults), `subcommands/set` (bash: the key lists, no
//! app check for keys that may be global), `functions` (`nginx_build_config`)
//! and the trigger scripts (`post-create`, `post-domains-update`,
//! `post-proxy-ports-update`, `proxy-build-config`, `pre-disable-vhost`,
//! `pre-enable-vhost`).
//!
//! The simulator keeps whether an app has an `nginx.conf` in
//! `App::extra["nginx"]["conf"]`; the config itself is not rendered.

use crate::common::properties::{self, Prop};
use crate::common::report::{self, Fields, GoReport, JsonKeys};
use crate::common::{Ctx, Outcome};
use crate::host::SimHost;

/// The nginx properties and their computed defaults (`nginx_vhosts.go`).
const PROPS: &[Prop] = &[
    Prop::triple("access-log-format", "").app_computed_only(),
    Prop::triple("access-log-path", "/var/log/nginx/{app}-access.log").app_computed_only(),
    Prop::triple("bind-address-ipv4", "").app_computed_only(),
    Prop::triple("bind-address-ipv6", "::").app_computed_only(),
    Prop::triple("client-body-timeout", "60s").app_computed_only(),
    Prop::triple("client-header-timeout", "60s").app_computed_only(),
    Prop::triple("client-max-body-size", "1m").app_computed_only(),
    Prop::triple("disable-custom-config", "false").app_computed_only(),
    Prop::triple("error-log-path", "/var/log/nginx/{app}-error.log").app_computed_only(),
    Prop::triple("hsts", "true").app_computed_only(),
    Prop::triple("hsts-include-subdomains", "true").app_computed_only(),
    Prop::triple("hsts-max-age", "15724800").app_computed_only(),
    Prop::triple("hsts-preload", "false").app_computed_only(),
    Prop::triple("keepalive-timeout", "75s").app_computed_only(),
    Prop::triple("lingering-timeout", "5s").app_computed_only(),
    Prop::triple("nginx-conf-sigil-path", "nginx.conf.sigil").app_computed_only(),
    // No default: the install writes a global one only where systemd is
    // missing.
    Prop::triple("nginx-service-command", "").app_computed_only(),
    Prop::triple("proxy-buffer-size", "4k").app_computed_only(),
    Prop::triple("proxy-buffering", "on").app_computed_only(),
    Prop::triple("proxy-buffers", "8 4k").app_computed_only(),
    Prop::triple("proxy-busy-buffers-size", "8k").app_computed_only(),
    Prop::triple("proxy-connect-timeout", "60s").app_computed_only(),
    Prop::triple("proxy-keepalive", "").app_computed_only(),
    Prop::triple("proxy-read-timeout", "60s").app_computed_only(),
    Prop::triple("proxy-send-timeout", "60s").app_computed_only(),
    Prop::triple("send-timeout", "60s").app_computed_only(),
    Prop::triple("underscore-in-headers", "off").app_computed_only(),
    Prop::triple("x-forwarded-for-value", "$remote_addr").app_computed_only(),
    Prop::triple("x-forwarded-port-value", "$server_port").app_computed_only(),
    Prop::triple("x-forwarded-proto-value", "$scheme").app_computed_only(),
    Prop::triple("x-forwarded-ssl", "").app_computed_only(),
];

/// `subcommands/set`'s `VALID_KEYS`, in its order (its error lists them
/// so); every one may also be set globally.
const VALID_KEYS: &[&str] = &[
    "access-log-format",
    "access-log-path",
    "bind-address-ipv4",
    "bind-address-ipv6",
    "client-body-timeout",
    "client-header-timeout",
    "client-max-body-size",
    "disable-custom-config",
    "error-log-path",
    "hsts",
    "hsts-include-subdomains",
    "hsts-preload",
    "hsts-max-age",
    "keepalive-timeout",
    "lingering-timeout",
    "nginx-conf-sigil-path",
    "nginx-service-command",
    "proxy-buffer-size",
    "proxy-buffering",
    "proxy-buffers",
    "proxy-busy-buffers-size",
    "proxy-connect-timeout",
    "proxy-read-timeout",
    "proxy-send-timeout",
    "proxy-keepalive",
    "send-timeout",
    "underscore-in-headers",
    "x-forwarded-for-value",
    "x-forwarded-port-value",
    "x-forwarded-proto-value",
    "x-forwarded-ssl",
];

/// Run an `nginx` subcommand; `None` if it is not one this module knows.
pub fn run(ctx: &mut Ctx<'_>, subcommand: &str, args: &[String]) -> Option<Outcome> {
    match subcommand {
        "nginx:report" => {
            let spec = GoReport::current("nginx-vhosts", "nginx", JsonKeys::Stripped, &collect);
            report::run(ctx, &spec, args);
        }
        "nginx:set" => set(ctx, args),
        _ => return None,
    }
    Some(Outcome::Done(std::mem::take(&mut ctx.out)))
}

/// The plugin's triggers.
pub fn trigger(ctx: &mut Ctx<'_>, name: &str, args: &[String]) {
    let app = args.first().map(String::as_str).unwrap_or("");
    match name {
        "post-create" => {
            if proxy_type(ctx, app) != "nginx"
                || properties::global_value(ctx.host, "nginx", "proxy-status") == "stopped"
            {
                return;
            }
            build_config(ctx, app);
        }
        "post-domains-update" | "post-proxy-ports-update" | "proxy-build-config"
            if proxy_type(ctx, app) == "nginx" =>
        {
            build_config(ctx, app);
        }
        "pre-disable-vhost" | "pre-enable-vhost" => clear_ports(ctx, app, name),
        // The proxy turned on or off: vhosts follow (without a restart of
        // their own), then the app restarts.
        "proxy-enable" | "proxy-disable" => {
            if proxy_type(ctx, app) != "nginx" {
                return;
            }
            let domains = if name == "proxy-enable" {
                "domains-enable"
            } else {
                "domains-disable"
            };
            ctx.trigger(domains, &[app.to_owned(), "false".to_owned()]);
            ctx.trigger("app-restart", &[app.to_owned()]);
        }
        "proxy-clear-config" => {
            let apps = if app == "--all" {
                crate::common::names::dokku_apps(ctx.host)
            } else {
                vec![app.to_owned()]
            };
            for app in apps {
                set_conf(ctx.host, &app, false);
            }
        }
        _ => {}
    }
}

fn collect(host: &SimHost, app: Option<&str>, _format: &str, _flag: Option<&str>) -> Fields {
    let mut fields = properties::report_fields(host, "nginx", "nginx", PROPS, app);
    if app.is_some() {
        // The access log's mtime; the simulated host writes no log.
        fields.insert("--nginx-last-visited-at".to_owned(), String::new());
    }
    fields
}

/// `subcommands/set`: key checks first; the app is only verified for a key
/// that cannot be global (none), so a missing app is accepted.
fn set(ctx: &mut Ctx<'_>, args: &[String]) {
    let app = args.first().map(String::as_str).unwrap_or("");
    let key = args.get(1).map(String::as_str).unwrap_or("");
    let value = args.get(2).map(String::as_str).unwrap_or("");
    if key.is_empty() {
        ctx.out.fail("No key specified");
        return;
    }
    if !VALID_KEYS.contains(&key) {
        ctx.out.fail(&format!(
            "Invalid key specified, valid keys include: {}",
            VALID_KEYS.join(", ")
        ));
        return;
    }
    if key == "proxy-keepalive" && !value.is_empty() && !value.bytes().all(|b| b.is_ascii_digit()) {
        ctx.out
            .fail("Invalid value for proxy-keepalive: must be an integer");
        return;
    }
    properties::announce_property(&mut ctx.out, key, value);
    if app == "--global" || ctx.host.apps.contains_key(app) {
        properties::store(ctx.host, "nginx", app, key, value);
    }
}

/// `plugn trigger proxy-type <app>`.
fn proxy_type(ctx: &mut Ctx<'_>, app: &str) -> String {
    ctx.trigger_capture("proxy-type", &[app.to_owned()])
        .text()
        .to_owned()
}

/// `pre-disable-vhost` / `pre-enable-vhost`: forget the proxy ports that
/// belong to the other mode, and clear a mapping on 80 or 443.
fn clear_ports(ctx: &mut Ctx<'_>, app: &str, name: &str) {
    if proxy_type(ctx, app) != "nginx" {
        return;
    }
    let port = properties::app_value(ctx.host, "proxy", app, "proxy-port");
    let ssl_port = properties::app_value(ctx.host, "proxy", app, "proxy-ssl-port");
    let (clear_port, clear_ssl) = if name == "pre-disable-vhost" {
        (port == "80", ssl_port == "443")
    } else {
        (true, true)
    };
    if clear_port {
        properties::store(ctx.host, "proxy", app, "proxy-port", "");
    }
    if clear_ssl {
        properties::store(ctx.host, "proxy", app, "proxy-ssl-port", "");
    }
    if name == "pre-enable-vhost" {
        properties::store(ctx.host, "ports", app, "map-detected", "");
    }
    let maps = ctx.trigger_capture("ports-get", &[app.to_owned()]);
    if maps
        .text()
        .split_whitespace()
        .any(|m| m.starts_with("http:80:") || m.starts_with("https:443:"))
    {
        ctx.trigger("ports-clear", &[app.to_owned()]);
    }
}

/// `nginx_build_config`: with the proxy enabled, the ports configured
/// (`ports-configure`: a random port for an app without vhosts), the
/// port mappings read (`https` ones skipped without a certificate), one
/// `Configuring <domain>...` line per domain, `Creating <scheme>
/// nginx.conf` and `Reloading nginx`. An app without web listeners (no
/// running web container) is warned about, quietly.
fn build_config(ctx: &mut Ctx<'_>, app: &str) {
    let app_arg = [app.to_owned()];
    let enabled = ctx.trigger_capture("proxy-is-enabled", &app_arg);
    if enabled.text() != "true" {
        ctx.out
            .info1(&format!("Nginx support is disabled for app ({app})"));
        if has_conf(ctx.host, app) {
            ctx.out.info1("Deleting nginx.conf");
            set_conf(ctx.host, app, false);
            if ctx.host.apps.get(app).is_some_and(|a| a.deployed) {
                ctx.out.info1("Reloading nginx after nginx.conf deletion");
            }
        }
        return;
    }
    let ssl = ctx.host.has_cert(app);
    let listeners = web_listeners(ctx.host, app);
    ctx.trigger("ports-configure", &app_arg);
    let mut port_map = Vec::new();
    for map in ctx
        .trigger_capture("ports-get", &app_arg)
        .text()
        .split('\n')
        .filter(|m| !m.is_empty())
    {
        if map.starts_with("https:") && !ssl {
            ctx.out.warn(&format!(
                "Ignoring detected https port mapping without an accompanying ssl certificate ({map})"
            ));
            continue;
        }
        port_map.push(map.to_owned());
    }
    let mut vhosts: Vec<String> = ctx.trigger_capture("domains-list", &app_arg).words();
    if ssl {
        validate_ssl_domains(ctx, app, &vhosts);
    }
    if listeners.is_empty() {
        // dokku_log_warn_quiet.
        if !ctx.out.quiet {
            ctx.out
                .warn(&format!("No web listeners specified for {app}"));
        }
    }
    if listeners.is_empty() && port_map.is_empty() {
        return;
    }
    vhosts.sort();
    vhosts.dedup();
    for vhost in &vhosts {
        ctx.out.log(&format!(
            "-----> Configuring {vhost}...(using built-in template)"
        ));
    }
    let scheme = if ssl { "https" } else { "http" };
    ctx.out.info1(&format!("Creating {scheme} nginx.conf"));
    set_conf(ctx.host, app, true);
    ctx.out.verbose("Reloading nginx");
}

/// `validate_ssl_domains`: when none of the app's domains (its `VHOST`
/// file) is one of the certificate's names (`*` matching one label),
/// say so, with both lists.
fn validate_ssl_domains(ctx: &mut Ctx<'_>, app: &str, vhosts: &[String]) {
    let names: Vec<String> = ctx
        .host
        .cert(app)
        .and_then(|c| c.get("hostnames"))
        .map(|h| h.split_whitespace().map(str::to_owned).collect())
        .unwrap_or_default();
    let matches = |domain: &str, name: &str| {
        let (d, n): (Vec<&str>, Vec<&str>) =
            (domain.split('.').collect(), name.split('.').collect());
        d.len() == n.len()
            && d.iter().zip(&n).all(|(d, n)| {
                n.split('*').count() == 1 && d == n
                    || n.contains('*') && !d.is_empty() && {
                        let (prefix, suffix) = n.split_once('*').unwrap_or((n, ""));
                        d.starts_with(prefix) && d.ends_with(suffix)
                    }
            })
    };
    let app_domains = ctx
        .host
        .apps
        .get(app)
        .map(|a| a.domains.clone())
        .unwrap_or_default();
    if app_domains
        .iter()
        .any(|domain| names.iter().any(|name| matches(domain, name)))
    {
        return;
    }
    ctx.out.info1(&format!(
        "No matching configured domains for {app} found in SSL certificate. Your app will show as insecure in a browser if accessed via SSL"
    ));
    ctx.out
        .info1("Please add appropriate domains via the dokku domains command");
    if !vhosts.is_empty() {
        ctx.out.info1("Configured domains for app:");
    }
    for domain in vhosts {
        ctx.out.log(&format!("=====> {domain}"));
    }
    if !names.is_empty() {
        ctx.out.info1("Domains found in SSL certificate:");
    }
    for name in &names {
        ctx.out.log(&format!("=====> {name}"));
    }
}

/// `network-get-listeners <app> web`: the running web containers.
fn web_listeners(host: &SimHost, app: &str) -> Vec<String> {
    host.apps
        .get(app)
        .map(|a| {
            a.containers
                .iter()
                .filter(|c| {
                    c.process_type == "web" && c.state == crate::host::ContainerState::Running
                })
                .map(|c| format!("{}.{}", c.process_type, c.index))
                .collect()
        })
        .unwrap_or_default()
}

fn has_conf(host: &SimHost, app: &str) -> bool {
    host.apps
        .get(app)
        .and_then(|a| a.extra.get("nginx"))
        .is_some_and(|n| n.contains_key("conf"))
}

fn set_conf(host: &mut SimHost, app: &str, present: bool) {
    if let Some(a) = host.apps.get_mut(app) {
        let entry = a.extra.entry("nginx".to_owned()).or_default();
        if present {
            entry.insert("conf".to_owned(), "1".to_owned());
        } else {
            entry.remove("conf");
        }
    }
}
