//! The container-based proxies (simulated): `caddy`, `haproxy`,
//! `openresty` and `traefik`: their `:report`, `:set`, `:show-config` and
//! `:labels:*` (`plugins/proxy/command-functions`: one `<label>=<value>`
//! a line in `$DOKKU_LIB_ROOT/config/<proxy>/<app>/labels`, sorted).
//!
//! Written from dokku/dokku v0.38.27 (`plugins/<proxy>-vhosts/report.go`:
//! which properties are global only, their defaults, bare JSON keys;
//! openresty computes its per-app paths for `--global` with the literal
//! app name `--global`) and the recorded output
//! (captures-0.38.27-core.jsonl seq 193-200; captures-0.38.27-surface.jsonl
//! seq 157-161, 206-210, 234-238, 297-301).

use crate::common::properties::{self, BashSet, Prop, PropertyPlugin};
use crate::common::report::JsonKeys;
use crate::common::{Ctx, Outcome};

const LETSENCRYPT_SERVER: &str = "https://acme-v02.api.letsencrypt.org/directory";

/// A global-only property: its global and computed values in every report.
const fn global(key: &'static str, default: &'static str) -> Prop {
    Prop::triple(key, default).global_only()
}

const fn proxy(plugin: &'static str, props: &'static [Prop]) -> PropertyPlugin {
    PropertyPlugin {
        plugin,
        report_type: plugin,
        json_keys: JsonKeys::Stripped,
        props,
    }
}

const PROXIES: &[PropertyPlugin] = &[
    proxy(
        "caddy",
        &[
            global("image", "lucaslorentz/caddy-docker-proxy:2.13"),
            global("letsencrypt-email", ""),
            global("letsencrypt-server", LETSENCRYPT_SERVER),
            global("log-level", "ERROR"),
            global("polling-interval", "5s"),
            Prop::triple("tls-internal", "false"),
        ],
    ),
    proxy(
        "haproxy",
        &[
            global("image", "byjg/easy-haproxy:6.1.1"),
            global("letsencrypt-email", ""),
            global("letsencrypt-server", LETSENCRYPT_SERVER),
            global("log-level", "ERROR"),
            global("refresh-conf", "10"),
        ],
    ),
    proxy(
        "openresty",
        &[
            Prop::triple("access-log-format", ""),
            Prop::triple("access-log-path", "/var/log/nginx/{app}-access.log"),
            global(
                "allowed-letsencrypt-domains-func-base64",
                "cmV0dXJuIHRydWU=",
            ),
            Prop::triple("bind-address-ipv4", ""),
            Prop::triple("bind-address-ipv6", "::"),
            Prop::triple("client-body-timeout", "60s"),
            Prop::triple("client-header-timeout", "60s"),
            Prop::triple("client-max-body-size", "1m"),
            Prop::triple("error-log-path", "/var/log/nginx/{app}-error.log"),
            Prop::triple("hsts", "true"),
            Prop::triple("hsts-include-subdomains", "true"),
            Prop::triple("hsts-max-age", "15724800"),
            Prop::triple("hsts-preload", "false"),
            global("image", "dokku/openresty-docker-proxy:0.12.1"),
            Prop::triple("keepalive-timeout", "75s"),
            global("letsencrypt-email", ""),
            global("letsencrypt-server", LETSENCRYPT_SERVER),
            Prop::triple("lingering-timeout", "5s"),
            global("log-level", "ERROR"),
            Prop::triple("proxy-buffer-size", "4k"),
            Prop::triple("proxy-buffering", "on"),
            Prop::triple("proxy-buffers", "8 4k"),
            Prop::triple("proxy-busy-buffers-size", "8k"),
            Prop::triple("proxy-connect-timeout", "60s"),
            Prop::triple("proxy-read-timeout", "60s"),
            Prop::triple("proxy-send-timeout", "60s"),
            Prop::triple("send-timeout", "60s"),
            Prop::triple("underscore-in-headers", "off"),
            Prop::triple("x-forwarded-for-value", "$remote_addr"),
            Prop::triple("x-forwarded-port-value", "$server_port"),
            Prop::triple("x-forwarded-proto-value", "$scheme"),
            Prop::triple("x-forwarded-ssl", ""),
        ],
    ),
    proxy(
        "traefik",
        &[
            global("api-enabled", "false"),
            global("api-entry-point", ""),
            global("api-entry-point-address", ""),
            global("api-vhost", "traefik.dokku.me"),
            global("basic-auth-password", ""),
            global("basic-auth-username", ""),
            global("challenge-mode", "tls"),
            global("dashboard-enabled", "false"),
            global("dns-provider", ""),
            global("http-entry-point", "http"),
            global("https-entry-point", "https"),
            global("image", "traefik:v3.7.10"),
            global("letsencrypt-email", ""),
            global("letsencrypt-server", LETSENCRYPT_SERVER),
            global("log-level", "ERROR"),
        ],
    ),
];

/// `plugins/<proxy>-vhosts/subcommands/set` (bash): the key checked
/// first, no app verified, the global-only keys refused per app.
const SETS: &[BashSet] = &[
    BashSet {
        plugin: "caddy",
        keys: &[
            "image",
            "letsencrypt-email",
            "letsencrypt-server",
            "log-level",
            "polling-interval",
            "tls-internal",
        ],
        keys_text: "image letsencrypt-email letsencrypt-server log-level polling-interval tls-internal",
        global_only: Some(&[
            "image",
            "letsencrypt-email",
            "letsencrypt-server",
            "log-level",
            "polling-interval",
        ]),
        unset_writes_empty: &[],
    },
    BashSet {
        plugin: "haproxy",
        keys: &[
            "image",
            "log-level",
            "letsencrypt-email",
            "letsencrypt-server",
            "refresh-conf",
        ],
        keys_text: "image log-level letsencrypt-email letsencrypt-server refresh-conf",
        global_only: Some(&[
            "image",
            "log-level",
            "letsencrypt-email",
            "letsencrypt-server",
            "refresh-conf",
        ]),
        unset_writes_empty: &[],
    },
    BashSet {
        plugin: "openresty",
        keys: &[
            "access-log-format",
            "access-log-path",
            "allowed-letsencrypt-domains-func-base64",
            "bind-address-ipv4",
            "bind-address-ipv6",
            "client-body-timeout",
            "client-header-timeout",
            "client-max-body-size",
            "error-log-path",
            "hsts",
            "hsts-include-subdomains",
            "hsts-preload",
            "hsts-max-age",
            "image",
            "keepalive-timeout",
            "log-level",
            "letsencrypt-email",
            "letsencrypt-server",
            "lingering-timeout",
            "proxy-buffer-size",
            "proxy-buffering",
            "proxy-buffers",
            "proxy-busy-buffers-size",
            "proxy-connect-timeout",
            "proxy-read-timeout",
            "send-timeout",
            "proxy-send-timeout",
            "underscore-in-headers",
            "x-forwarded-for-value",
            "x-forwarded-port-value",
            "x-forwarded-proto-value",
            "x-forwarded-ssl",
        ],
        // The message's own list (`proxy-connect-timeout` twice, the
        // proxy-buffer keys missing).
        keys_text: "access-log-format, access-log-path, allowed-letsencrypt-domains-func-base64, bind-address-ipv4, bind-address-ipv6, client-body-timeout, client-header-timeout, client-max-body-size, error-log-path, hsts, hsts-include-subdomains, hsts-preload, hsts-max-age, image, keepalive-timeout, log-level, letsencrypt-email, letsencrypt-server, lingering-timeout, proxy-connect-timeout, proxy-connect-timeout, proxy-read-timeout, proxy-send-timeout, send-timeout, underscore-in-headers, x-forwarded-for-value, x-forwarded-port-value, x-forwarded-proto-value, x-forwarded-ssl",
        global_only: Some(&[
            "allowed-letsencrypt-domains-func-base64",
            "image",
            "log-level",
            "letsencrypt-email",
            "letsencrypt-server",
        ]),
        unset_writes_empty: &[],
    },
    BashSet {
        plugin: "traefik",
        keys: TRAEFIK_KEYS,
        keys_text: "api-enabled api-entry-point api-entry-point-address api-vhost challenge-mode dashboard-enabled basic-auth-username basic-auth-password dns-provider dns-provider-<ENV_VAR> image letsencrypt-email letsencrypt-server log-level http-entry-point https-entry-point",
        global_only: Some(TRAEFIK_KEYS),
        unset_writes_empty: &[],
    },
];

/// traefik's keys, every one global only.
const TRAEFIK_KEYS: &[&str] = &[
    "api-enabled",
    "api-entry-point",
    "api-entry-point-address",
    "api-vhost",
    "challenge-mode",
    "dashboard-enabled",
    "basic-auth-username",
    "basic-auth-password",
    "dns-provider",
    "image",
    "letsencrypt-email",
    "letsencrypt-server",
    "log-level",
    "http-entry-point",
    "https-entry-point",
];

/// Run a proxy subcommand; `None` if it is not one this module knows.
pub fn run(ctx: &mut Ctx<'_>, subcommand: &str, args: &[String]) -> Option<Outcome> {
    let (namespace, verb) = subcommand.split_once(':')?;
    let plugin = *PROXIES.iter().find(|p| p.plugin == namespace)?;
    match verb {
        "report" => plugin.report(ctx, args, None),
        "set" => {
            let set = SETS.iter().find(|set| set.plugin == plugin.plugin)?;
            traefik_dns_provider(ctx, set, args);
        }
        // `fn-is-compose-installed`: the simulated host, like the recorded
        // one, has no docker compose plugin, so the compose file is never
        // rendered.
        "show-config" => ctx
            .out
            .fail("Required docker compose plugin is not installed"),
        "labels:show" => labels_show(ctx, plugin.plugin, args),
        "labels:add" => labels_add(ctx, plugin.plugin, args),
        "labels:remove" => labels_remove(ctx, plugin.plugin, args),
        _ => return None,
    }
    Some(Outcome::Done(std::mem::take(&mut ctx.out)))
}

/// traefik's `dns-provider-<ENV_VAR>` keys are valid too, and global only;
/// every other proxy's `:set` is [`properties::bash_set`].
fn traefik_dns_provider(ctx: &mut Ctx<'_>, set: &BashSet, args: &[String]) {
    let app = args.first().map(String::as_str).unwrap_or("");
    let key = args.get(1).map(String::as_str).unwrap_or("");
    if set.plugin != "traefik" || !key.starts_with("dns-provider-") {
        properties::bash_set(ctx, set, args);
        return;
    }
    if app != "--global" {
        ctx.out
            .fail(&format!("The key '{key}' can only be set globally"));
        return;
    }
    let value = args.get(2).map(String::as_str).unwrap_or("");
    properties::announce_property(&mut ctx.out, key, value);
    properties::store(ctx.host, set.plugin, app, key, value);
}

/// `fn-proxy-get-labels-file-path`.
fn labels_path(proxy: &str, app: &str) -> String {
    format!("/var/lib/dokku/config/{proxy}/{app}/labels")
}

/// The labels file's lines (`sort -u`, blank lines dropped).
fn labels(ctx: &Ctx<'_>, proxy: &str, app: &str) -> Vec<String> {
    ctx.host
        .files
        .get(&labels_path(proxy, app))
        .map(String::as_str)
        .unwrap_or("")
        .lines()
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

fn write_labels(ctx: &mut Ctx<'_>, proxy: &str, app: &str, mut lines: Vec<String>) {
    lines.sort();
    lines.dedup();
    let text: String = lines.iter().map(|l| format!("{l}\n")).collect();
    ctx.host.files.insert(labels_path(proxy, app), text);
}

/// `cmd-proxy-labels-show <proxy> <app> [<label>]`.
fn labels_show(ctx: &mut Ctx<'_>, proxy: &str, args: &[String]) {
    let app = args.first().map(String::as_str).unwrap_or("");
    if !ctx.verify_app_bash(app) {
        return;
    }
    let lines = labels(ctx, proxy, app);
    if let Some(name) = args.get(1).filter(|n| !n.is_empty()) {
        if lines.is_empty() {
            return;
        }
        let prefix = format!("{name}=");
        let values: Vec<&str> = lines
            .iter()
            .filter_map(|l| l.strip_prefix(prefix.as_str()))
            .collect();
        ctx.out.log(&values.join("\n"));
        return;
    }
    if lines.is_empty() {
        if !ctx.out.quiet {
            ctx.out.warn(&format!("No {proxy} labels set for {app}"));
        }
        return;
    }
    ctx.out.info2_quiet(&format!("{app} {proxy} labels"));
    for line in lines.iter().filter(|l| !l.starts_with('#')) {
        ctx.out.verbose(line);
    }
}

/// `cmd-proxy-labels-add <proxy> <app> <label> <value>`.
fn labels_add(ctx: &mut Ctx<'_>, proxy: &str, args: &[String]) {
    let arg = |i: usize| args.get(i).map(String::as_str).unwrap_or("");
    let (app, name, value) = (arg(0), arg(1), arg(2));
    if name.is_empty() {
        ctx.out.fail("Please specify a container label for the app");
        return;
    }
    if value.is_empty() {
        ctx.out
            .fail("Please specify a value for the container label");
        return;
    }
    if !ctx.verify_app_bash(app) {
        return;
    }
    let prefix = format!("{name}=");
    let mut lines: Vec<String> = labels(ctx, proxy, app)
        .into_iter()
        .filter(|l| !l.starts_with(prefix.as_str()))
        .collect();
    lines.push(format!("{name}={value}"));
    write_labels(ctx, proxy, app, lines);
}

/// `cmd-proxy-labels-remove <proxy> <app> <label>`.
fn labels_remove(ctx: &mut Ctx<'_>, proxy: &str, args: &[String]) {
    let arg = |i: usize| args.get(i).map(String::as_str).unwrap_or("");
    let (app, name) = (arg(0), arg(1));
    if name.is_empty() {
        ctx.out.fail("Please specify a container label for the app");
        return;
    }
    if !ctx.verify_app_bash(app) {
        return;
    }
    let lines = labels(ctx, proxy, app);
    if lines.is_empty() {
        return;
    }
    let prefix = format!("{name}=");
    let kept = lines
        .into_iter()
        .filter(|l| !l.starts_with(prefix.as_str()))
        .collect();
    write_labels(ctx, proxy, app, kept);
}
