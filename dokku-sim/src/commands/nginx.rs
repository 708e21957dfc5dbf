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
//! An app's `nginx.conf` is kept in `App::extra["nginx"]["conf"]`, rendered
//! from `templates/nginx.conf.sigil` (`render`) as sigil renders it for
//! `http`/`https` port maps, then `cat -s`; `nginx:show-config` prints it.
//! `nginx:validate-config` finds nothing to clean (the simulated configs
//! are valid) and the access and error logs are empty.
//!
//! `nginx:start`, `nginx:stop` and `nginx:reload` (`command-functions`,
//! `fn-nginx-vhosts-nginx-init-cmd`; derived from source, not recorded:
//! the recording host had no init system) print nothing of Dokku's own and
//! exit 0. What the init system prints itself (systemctl's SysV notices
//! on stderr when enabling or disabling, or the output of a configured
//! `nginx-service-command`) depends on the host and is not simulated.

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
        "nginx:show-config" | "nginx:show-conf" => show_config(ctx, args),
        // `validate_nginx`: `nginx -t` passes, so nothing happens; an app
        // given is not even verified.
        "nginx:validate-config" | "nginx:validate" => {}
        "nginx:access-logs" | "nginx:error-logs" => logs(ctx, subcommand, args),
        // `cmd-nginx-start` / `cmd-nginx-stop`: the global `proxy-status`
        // (new apps get no nginx.conf while it is `stopped`), then the
        // init system's enable+start / stop+disable. `cmd-nginx-reload`:
        // `nginx -t` passes (the simulated configs are valid), then the
        // init system's reload. None of them takes an argument or checks
        // one.
        "nginx:start" => {
            properties::store(ctx.host, "nginx", "--global", "proxy-status", "started")
        }
        "nginx:stop" => properties::store(ctx.host, "nginx", "--global", "proxy-status", "stopped"),
        "nginx:reload" => {}
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
    let conf = render(ctx, app, &port_map, ssl);
    ctx.out.info1(&format!("Creating {scheme} nginx.conf"));
    set_conf_text(ctx.host, app, &conf);
    ctx.out.verbose("Reloading nginx");
}

/// `cmd-nginx-show-config <app>`.
fn show_config(ctx: &mut Ctx<'_>, args: &[String]) {
    let app = args.first().map(String::as_str).unwrap_or("");
    if !ctx.verify_app_bash(app) {
        return;
    }
    if proxy_type(ctx, app) != "nginx" {
        ctx.out
            .fail("This command is only available for apps with the nginx proxy type");
        return;
    }
    let conf = ctx
        .host
        .apps
        .get(app)
        .and_then(|a| a.extra.get("nginx"))
        .and_then(|n| n.get("conf"))
        .cloned();
    match conf {
        Some(conf) => ctx.out.print(&conf),
        None => ctx.out.fail(&format!("No nginx.conf exists for {app}")),
    }
}

/// `nginx_logs`: `tail` of the app's access or error log, which the
/// simulated nginx leaves empty.
fn logs(ctx: &mut Ctx<'_>, subcommand: &str, args: &[String]) {
    let app = args.first().map(String::as_str).unwrap_or("");
    if !ctx.verify_app_bash(app) {
        return;
    }
    let kind = if subcommand == "nginx:access-logs" {
        "access"
    } else {
        "error"
    };
    let prop = PROPS
        .iter()
        .find(|p| p.key == format!("{kind}-log-path"))
        .copied()
        .unwrap_or(Prop::triple("", ""));
    let path = properties::computed_value(ctx.host, "nginx", Some(app), &prop);
    if path == "off" || path == "/dev/null" {
        ctx.out
            .fail(&format!("{kind} logs are disabled for this app"));
    }
}

/// The computed value of an nginx property for `app`.
fn computed(host: &SimHost, app: &str, key: &str) -> String {
    PROPS
        .iter()
        .find(|p| p.key == key)
        .map(|p| properties::computed_value(host, "nginx", Some(app), p))
        .unwrap_or_default()
}

/// `fn-nginx-vhosts-render-template` with the built-in
/// `nginx.conf.sigil`: each `http`/`https` port map a `server` block,
/// one `upstream` per container port when the app has web listeners;
/// sigil leaves the text around every action, `cat -s` squeezes the blank
/// lines.
fn render(ctx: &mut Ctx<'_>, app: &str, port_maps: &[String], ssl: bool) -> String {
    let host = &*ctx.host;
    let v = |key: &str| computed(host, app, key);
    let listeners = web_listeners(host, app);
    let with_listeners = !listeners.is_empty() && host.apps.get(app).is_some_and(|a| a.deployed);
    let server_names = host
        .apps
        .get(app)
        .filter(|a| a.vhost_enabled())
        .map(|a| a.domains.join(" "))
        .unwrap_or_default();
    let ssl_port = host
        .app_property(app, "proxy", "proxy-ssl-port")
        .unwrap_or("")
        .to_owned();
    let (ip4, ip6) = (v("bind-address-ipv4"), v("bind-address-ipv6"));
    let ip4 = if ip4.is_empty() {
        ip4
    } else {
        format!("{ip4}:")
    };
    let mut t = String::new();
    let mut upstream_ports: Vec<String> = Vec::new();
    for map in port_maps {
        let parts: Vec<&str> = map.split(':').collect();
        let scheme = parts.first().copied().unwrap_or("");
        let listen = parts.get(1).copied().unwrap_or("");
        let upstream = parts.get(2).copied().unwrap_or("");
        if !upstream_ports.iter().any(|p| p == upstream) {
            upstream_ports.push(upstream.to_owned());
        }
        // Lines 1-9: the range and the assignments.
        t.push_str("\n\n\n\n\n\n");
        if scheme != "http" && scheme != "https" {
            // The grpc branch renders only with listeners; not simulated.
            t.push('\n');
            continue;
        }
        let is_ssl = scheme == "https";
        let is_redirect = !is_ssl && listen == "80" && ssl;
        t.push_str("\n\n\nserver {\n  ");
        if is_ssl {
            // HTTP2_DIRECTIVE_SUPPORTED: a current nginx.
            t.push_str(&format!(
                "\n  \n  listen      [{ip6}]:{listen} ssl;\n  listen      {ip4}{listen} ssl;\n  http2 on;\n  \n  \n"
            ));
        } else {
            t.push_str(&format!(
                "\n  listen      [{ip6}]:{listen};\n  listen      {ip4}{listen};\n  \n"
            ));
        }
        t.push_str("  \n");
        t.push_str("  ");
        if !server_names.is_empty() {
            t.push_str(&format!("server_name {server_names}; "));
        }
        t.push('\n');
        let (access, format) = (v("access-log-path"), v("access-log-format"));
        let format = if !format.is_empty() && access != "off" {
            format!(" {format}")
        } else {
            String::new()
        };
        t.push_str(&format!(
            "  access_log  {access}{format};\n  error_log   {};\n  underscores_in_headers {};\n\n",
            v("error-log-path"),
            v("underscore-in-headers")
        ));
        t.push_str(&format!(
            "  client_body_timeout {};\n  client_header_timeout {};\n  keepalive_timeout {};\n  lingering_timeout {};\n  send_timeout {};\n\n  ",
            v("client-body-timeout"),
            v("client-header-timeout"),
            v("keepalive-timeout"),
            v("lingering-timeout"),
            v("send-timeout")
        ));
        if is_ssl {
            t.push_str(&format!(
                "\n  ssl_certificate           /home/dokku/{app}/tls/server.crt;\n  ssl_certificate_key       /home/dokku/{app}/tls/server.key;\n  ssl_protocols             TLSv1.2 TLSv1.3;\n  ssl_prefer_server_ciphers off;\n  "
            ));
        }
        t.push_str("\n\n");
        if is_redirect {
            t.push_str(&format!(
                "\n  include /home/dokku/{app}/nginx.conf.d/*.conf;\n  location / {{\n    return 301 https://$host:{ssl_port}$request_uri;\n  }}\n"
            ));
        } else {
            t.push_str("\n  location    / {\n");
            if with_listeners {
                t.push_str("\n\n    gzip on;\n    gzip_min_length  1100;\n    gzip_buffers  4 32k;\n    gzip_types    text/css text/javascript text/xml text/plain text/x-component application/javascript application/x-javascript application/wasm application/json application/graphql-response+json application/xml application/rss+xml font/truetype application/x-font-ttf font/opentype application/vnd.ms-fontobject image/svg+xml;\n    gzip_vary on;\n    gzip_comp_level  6;\n\n");
                t.push_str(&format!("    proxy_pass  http://{app}-{upstream};\n    \n"));
                t.push_str(&format!(
                    "    proxy_http_version 1.1;\n    proxy_connect_timeout {};\n    proxy_read_timeout {};\n    proxy_send_timeout {};\n    proxy_buffer_size {};\n    proxy_buffering {};\n    proxy_buffers {};\n    proxy_busy_buffers_size {};\n",
                    v("proxy-connect-timeout"),
                    v("proxy-read-timeout"),
                    v("proxy-send-timeout"),
                    v("proxy-buffer-size"),
                    v("proxy-buffering"),
                    v("proxy-buffers"),
                    v("proxy-busy-buffers-size")
                ));
                t.push_str(&format!(
                    "    proxy_set_header Upgrade $http_upgrade;\n    proxy_set_header Connection $http_connection;\n    proxy_set_header Host $http_host;\n    proxy_set_header X-Forwarded-For {};\n    proxy_set_header X-Forwarded-Port {};\n    proxy_set_header X-Forwarded-Proto {};\n    proxy_set_header X-Request-Start $msec;\n    ",
                    v("x-forwarded-for-value"),
                    v("x-forwarded-port-value"),
                    v("x-forwarded-proto-value")
                ));
                let forwarded_ssl = v("x-forwarded-ssl");
                if !forwarded_ssl.is_empty() {
                    t.push_str(&format!(
                        "proxy_set_header X-Forwarded-Ssl {forwarded_ssl};"
                    ));
                }
                t.push('\n');
            } else {
                t.push_str("\n    return 502;\n");
            }
            let errors = "/var/lib/dokku/data/nginx-vhosts/dokku-errors";
            t.push_str(&format!(
                "\n  }}\n\n  client_max_body_size {};\n\n  error_page 400 401 402 403 405 406 407 408 409 410 411 412 413 414 415 416 417 418 420 422 423 424 426 428 429 431 444 449 450 451 /400-error.html;\n  location /400-error.html {{\n    root {errors};\n    internal;\n  }}\n\n  error_page 404 /404-error.html;\n  location /404-error.html {{\n    root {errors};\n    internal;\n  }}\n\n  ",
                v("client-max-body-size")
            ));
            if is_ssl {
                t.push_str("\n  error_page 500 501 503 504 505 506 507 508 509 510 511 /500-error.html;\n  ");
            } else {
                t.push_str("\n  error_page 500 501 502 503 504 505 506 507 508 509 510 511 /500-error.html;\n  ");
            }
            t.push_str(&format!(
                "\n  location /500-error.html {{\n    root {errors};\n    internal;\n  }}\n\n  "
            ));
            if is_ssl {
                t.push_str(&format!(
                    "\n  error_page 502 /502-error.html;\n  location /502-error.html {{\n    root {errors};\n    internal;\n  }}\n  "
                ));
            }
            t.push_str(&format!(
                "\n  include /home/dokku/{app}/nginx.conf.d/*.conf;\n"
            ));
        }
        // Line 114's end, 115, and the `else if` branch skipped to line 148.
        t.push_str("\n}\n\n");
    }
    // Lines 149-150, then the upstreams.
    t.push_str("\n\n");
    if with_listeners {
        t.push('\n');
        for port in &upstream_ports {
            t.push_str(&format!("\nupstream {app}-{port} {{\n"));
            let keepalive = v("proxy-keepalive");
            if !keepalive.is_empty() {
                t.push_str(&format!("  keepalive {keepalive};"));
            }
            t.push('\n');
            for listener in &listeners {
                let ip = listener.split(':').next().unwrap_or("");
                t.push_str(&format!("\n\n\n  server {ip}:{port};"));
            }
            t.push_str("\n}\n");
        }
    }
    t.push('\n');
    squeeze_blank_lines(&t)
}

/// `cat -s`: runs of empty lines become one.
fn squeeze_blank_lines(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut previous_empty = false;
    for line in text.split_inclusive('\n') {
        let empty = line == "\n";
        if empty && previous_empty {
            continue;
        }
        previous_empty = empty;
        out.push_str(line);
    }
    out
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

/// `network-get-listeners <app> web`: the running web containers'
/// addresses on the bridge network.
fn web_listeners(host: &SimHost, app: &str) -> Vec<String> {
    host.apps
        .get(app)
        .map(|a| {
            a.containers
                .iter()
                .filter(|c| {
                    c.process_type == "web" && c.state == crate::host::ContainerState::Running
                })
                .map(|c| format!("172.17.0.{}:5000", 2 + c.index))
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

fn set_conf_text(host: &mut SimHost, app: &str, conf: &str) {
    if let Some(a) = host.apps.get_mut(app) {
        a.extra
            .entry("nginx".to_owned())
            .or_default()
            .insert("conf".to_owned(), conf.to_owned());
    }
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
