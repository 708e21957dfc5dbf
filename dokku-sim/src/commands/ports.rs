//! `ports` commands (simulated): `ports:report`, `ports:list`,
//! `ports:add/set/remove/clear`, and the pre-0.31 `proxy:ports*` forms
//! (dispatched here from `proxy`).
//!
//! Written from dokku/dokku `plugins/ports` (Go): `subcommands.go`
//! (`CommandAdd` … `No port mapping specified`), `functions.go`
//! (`parsePortMapString`, `setPortMaps` with `reusesSchemeHostPort`,
//! `removePortMaps`, `listAppPortMaps` with `ryanuber/columnize`) and
//! `report.go` (`--ports-map`, `--ports-map-detected`; nothing for
//! `--global`).
//!
//! State: the app's `ports` / `map` property, a space-separated, sorted
//! list, as `common.PropertyListWrite` keeps it; `map-detected`, what a
//! deploy detected; and the proxy plugin's `proxy-port` /
//! `proxy-ssl-port`, which `ports-configure` initialises (a random high
//! port for an app without vhosts). Every change ends in
//! `post-proxy-ports-update`, where the proxy rebuilds its config.

use crate::common::columnize::columnize;
use crate::common::properties;
use crate::common::report::{self, Fields, GoReport, JsonKeys};
use crate::common::{Ctx, Outcome};
use crate::host::SimHost;

/// Run a `ports` subcommand; `None` if it is not one this module knows.
pub fn run(ctx: &mut Ctx<'_>, subcommand: &str, args: &[String]) -> Option<Outcome> {
    match subcommand {
        "ports:report" => {
            let spec = GoReport::current("ports", "ports", JsonKeys::StrippedAndLegacy, &collect);
            report::run(ctx, &spec, args);
        }
        "ports:list" | "proxy:ports" => list(ctx, args),
        "ports:add" | "proxy:ports-add" => change(ctx, Change::Add, args),
        "ports:set" | "proxy:ports-set" => change(ctx, Change::Set, args),
        "ports:remove" | "proxy:ports-remove" => change(ctx, Change::Remove, args),
        "ports:clear" | "proxy:ports-clear" => {
            let app = args.first().map(String::as_str).unwrap_or("");
            if ctx.verify_app(app) {
                clear_ports(ctx.host, app);
                ports_updated(ctx, app, "clear");
            }
        }
        _ => return None,
    }
    Some(Outcome::Done(std::mem::take(&mut ctx.out)))
}

/// The plugin's triggers (`plugins/ports/triggers.go`).
pub fn trigger(ctx: &mut Ctx<'_>, name: &str, args: &[String]) {
    let app = args.first().map(String::as_str).unwrap_or("");
    match name {
        "ports-configure" => {
            initialize_proxy_port(ctx, app);
            initialize_proxy_ssl_port(ctx, app);
        }
        // `TriggerPortsGet`: the app's mappings, else the detected ones,
        // one a line.
        "ports-get" => {
            let mut maps = app_map(ctx.host, app);
            if maps.is_empty() {
                maps = detected_map(ctx.host, app);
            }
            for map in unique(maps) {
                ctx.out.log(&map);
            }
        }
        "ports-clear" => clear_ports(ctx.host, app),
        _ => {}
    }
}

/// `post-proxy-ports-update <app> <action>`: the proxy rebuilds its config.
fn ports_updated(ctx: &mut Ctx<'_>, app: &str, action: &str) {
    ctx.trigger(
        "post-proxy-ports-update",
        &[app.to_owned(), action.to_owned()],
    );
}

/// `clearPorts`: the `map` and `map-detected` properties deleted.
fn clear_ports(host: &mut SimHost, app: &str) {
    properties::store(host, "ports", app, "map", "");
    properties::store(host, "ports", app, "map-detected", "");
    host.tick(1);
}

/// The app's own mappings, as stored.
pub fn app_map(host: &SimHost, app: &str) -> Vec<String> {
    host.app_property(app, "ports", "map")
        .map(|v| v.split_whitespace().map(str::to_owned).collect())
        .unwrap_or_default()
}

/// A port property of the proxy plugin as an integer (`strconv.Atoi`,
/// 0 when unset or not a number).
fn proxy_port(host: &SimHost, app: &str, key: &str) -> u32 {
    let value = if app == "--global" {
        properties::global_value(host, "proxy", key)
    } else {
        properties::app_value(host, "proxy", app, key)
    };
    value.parse().unwrap_or(0)
}

/// `getComputedProxyPort` / `getComputedProxySSLPort`.
fn computed_port(host: &SimHost, app: &str, key: &str) -> u32 {
    match proxy_port(host, app, key) {
        0 => proxy_port(host, "--global", key),
        port => port,
    }
}

/// `getDetectedPortMaps`: what a deploy detected (`map-detected`), else
/// `http:<proxy port, or 80>:5000`; with a certificate, `https` on the
/// proxy SSL port (or 443) beside every `http:80` mapping, or every `http`
/// mapping made `https` when there is none.
pub fn detected_map(host: &SimHost, app: &str) -> Vec<String> {
    let mut maps: Vec<(String, u32, u32)> = host
        .app_property(app, "ports", "map-detected")
        .map(|v| v.split_whitespace().filter_map(split_map).collect())
        .unwrap_or_default();
    if maps.is_empty() {
        let port = match computed_port(host, app, "proxy-port") {
            0 => 80,
            port => port,
        };
        maps.push(("http".to_owned(), port, 5000));
    }
    if host.has_cert(app) {
        let ssl_port = match computed_port(host, app, "proxy-ssl-port") {
            0 => 443,
            port => port,
        };
        let http80: Vec<u32> = maps
            .iter()
            .filter(|(scheme, host_port, _)| scheme == "http" && *host_port == 80)
            .map(|(_, _, container)| *container)
            .collect();
        if http80.is_empty() {
            for map in &mut maps {
                if map.0 == "http" {
                    map.0 = "https".to_owned();
                }
            }
        }
        for container in http80 {
            maps.push(("https".to_owned(), ssl_port, container));
        }
    }
    maps.into_iter()
        .map(|(scheme, host_port, container)| format!("{scheme}:{host_port}:{container}"))
        .collect()
}

fn split_map(text: &str) -> Option<(String, u32, u32)> {
    let mut parts = text.splitn(3, ':');
    let scheme = parts.next()?.to_owned();
    let host = parts.next()?.parse().ok()?;
    let container = parts.next()?.parse().ok()?;
    Some((scheme, host, container))
}

/// `uniquePortMaps`: the first mapping of each `scheme:host-port`.
fn unique(maps: Vec<String>) -> Vec<String> {
    let mut seen = std::collections::BTreeSet::new();
    maps.into_iter()
        .filter(|m| {
            let key = m.rsplit_once(':').map_or(m.as_str(), |(k, _)| k).to_owned();
            seen.insert(key)
        })
        .collect()
}

/// `json.Marshal([]PortMap)`: `null` for none.
fn maps_json(maps: &[String]) -> String {
    if maps.is_empty() {
        return "null".to_owned();
    }
    let items: Vec<String> = maps
        .iter()
        .filter_map(|m| split_map(m))
        .map(|(scheme, host_port, container)| {
            let mut json =
                format!("{{\"container_port\":{container},\"host_port\":{host_port},\"scheme\":");
            report::go_json_str(&mut json, &scheme);
            json.push('}');
            json
        })
        .collect();
    format!("[{}]", items.join(","))
}

/// `initializeProxyPort`: an app without a proxy port gets the global one
/// (vhosts on) or, announced, a random free high port (vhosts off); 80
/// when that is 0.
fn initialize_proxy_port(ctx: &mut Ctx<'_>, app: &str) {
    if proxy_port(ctx.host, app, "proxy-port") != 0 {
        return;
    }
    let vhosts = ctx.trigger("domains-vhost-enabled", &[app.to_owned()]) == 0;
    let mut port = if vhosts {
        proxy_port(ctx.host, "--global", "proxy-port")
    } else {
        ctx.out
            .info1("No port set, setting to random open high port");
        let port = available_port(ctx.host, app);
        ctx.out.info1(&format!("Random port {port}"));
        port
    };
    if port == 0 {
        port = 80;
    }
    properties::store(ctx.host, "proxy", app, "proxy-port", &port.to_string());
}

/// `initializeProxySSLPort`: only for an app with a certificate.
fn initialize_proxy_ssl_port(ctx: &mut Ctx<'_>, app: &str) {
    if proxy_port(ctx.host, app, "proxy-ssl-port") != 0 || !ctx.host.has_cert(app) {
        return;
    }
    let mut port = match proxy_port(ctx.host, "--global", "proxy-ssl-port") {
        0 => 443,
        port => port,
    };
    if ctx.trigger("domains-vhost-enabled", &[app.to_owned()]) != 0 {
        ctx.out
            .info1("No ssl port set, setting to random open high port");
        port = available_port(ctx.host, app);
    }
    properties::store(ctx.host, "proxy", app, "proxy-ssl-port", &port.to_string());
}

/// `getAvailablePort`: the kernel's choice of a free port; simulated as a
/// deterministic port in Linux's ephemeral range (32768–60999), from the
/// app and the clock.
fn available_port(host: &SimHost, app: &str) -> u32 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in app.bytes().chain(host.now.to_le_bytes()) {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    32_768 + u32::try_from(hash % 28_232).unwrap_or(0)
}

fn write_map(host: &mut SimHost, app: &str, map: &[String]) {
    let mut sorted = map.to_vec();
    sorted.sort();
    properties::store(host, "ports", app, "map", &sorted.join(" "));
    host.tick(1);
}

fn collect(host: &SimHost, app: Option<&str>, _format: &str, _flag: Option<&str>) -> Fields {
    let mut fields = Fields::new();
    if let Some(app) = app {
        let map = app_map(host, app);
        let detected = detected_map(host, app);
        fields.insert("--ports-map".to_owned(), map.join(" "));
        fields.insert("--ports-map-json".to_owned(), maps_json(&map));
        fields.insert("--ports-map-detected".to_owned(), detected.join(" "));
        fields.insert("--ports-map-detected-json".to_owned(), maps_json(&detected));
    }
    fields
}

fn list(ctx: &mut Ctx<'_>, args: &[String]) {
    let app = args.first().map(String::as_str).unwrap_or("");
    if !ctx.verify_app(app) {
        return;
    }
    let map = app_map(ctx.host, app);
    if map.is_empty() {
        ctx.out.fail("No port mappings configured for app");
        return;
    }
    let mut lines: Vec<String> = Vec::new();
    if !ctx.out.quiet {
        lines.push("-----> scheme:host port:container port".to_owned());
    }
    lines.extend(map);
    lines.sort();
    ctx.out.info1_quiet(&format!("Port mappings for {app}"));
    let rows: Vec<Vec<String>> = lines
        .iter()
        .map(|l| l.split(':').map(str::to_owned).collect())
        .collect();
    let text = columnize(&rows, "    ", "  ");
    ctx.out.log(text.strip_suffix('\n').unwrap_or(&text));
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Change {
    Add,
    Set,
    Remove,
}

/// One parsed mapping: `scheme:host:container`, or a bare host port
/// (scheme `__internal__`, which `ports:remove` reads as "every mapping on
/// this host port").
struct PortMap {
    scheme: String,
    host: u32,
    container: u32,
}

impl PortMap {
    fn internal(&self) -> bool {
        self.scheme == "__internal__"
    }

    fn text(&self) -> String {
        format!("{}:{}:{}", self.scheme, self.host, self.container)
    }
}

/// `strconv.Atoi`'s error text.
fn atoi(text: &str) -> Result<u32, String> {
    let digits = text.strip_prefix(['+', '-']).unwrap_or(text);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("strconv.Atoi: parsing {text:?}: invalid syntax"));
    }
    if text.starts_with('-') {
        // Negative numbers parse, then fail the range check; 0 stands in.
        return Ok(0);
    }
    digits
        .parse()
        .map_err(|_| format!("strconv.Atoi: parsing {text:?}: value out of range"))
}

/// `parsePortMapString` on the arguments joined by spaces.
fn parse_maps(args: &[String]) -> Result<Vec<PortMap>, String> {
    let joined = args.join(" ");
    let mut maps: Vec<PortMap> = Vec::new();
    for v in joined.trim().split(' ') {
        let parts: Vec<&str> = v.splitn(3, ':').collect();
        let in_range = |n: u32| n > 0 && n < 65536;
        if parts.len() == 1 {
            let host = atoi(v).map_err(|e| format!("Invalid port map {v} [err={e}]"))?;
            if !in_range(host) {
                return Err(format!("Invalid port map {v} [hostPort={host}]"));
            }
            maps.push(PortMap {
                scheme: "__internal__".to_owned(),
                host,
                container: 0,
            });
            continue;
        }
        if parts.len() != 3 {
            return Err(format!("Invalid port map {v} [len={}]", parts.len()));
        }
        let host = atoi(parts[1]).map_err(|e| format!("Invalid port map {v} [err={e}]"))?;
        let container = atoi(parts[2]).map_err(|e| format!("Invalid port map {v} [err={e}]"))?;
        if !in_range(host) {
            return Err(format!("Invalid port map {v} [hostPort={host}]"));
        }
        if !in_range(container) {
            return Err(format!("Invalid port map {v} [containerPort={container}]"));
        }
        maps.push(PortMap {
            scheme: parts[0].to_owned(),
            host,
            container,
        });
    }
    // uniquePortMaps
    let mut seen = std::collections::BTreeSet::new();
    maps.retain(|m| seen.insert(m.text()));
    Ok(maps)
}

fn change(ctx: &mut Ctx<'_>, change: Change, args: &[String]) {
    let app = args.first().map(String::as_str).unwrap_or("");
    if !ctx.verify_app(app) {
        return;
    }
    let given = &args[1..];
    if given.is_empty() {
        ctx.out.fail("No port mapping specified");
        return;
    }
    let maps = match parse_maps(given) {
        Ok(maps) => maps,
        Err(e) => {
            ctx.out.fail(&e);
            return;
        }
    };
    let current = app_map(ctx.host, app);
    let next: Vec<String> = match change {
        Change::Add => {
            let mut all = current;
            for m in maps.iter().filter(|m| !m.internal()) {
                if !all.contains(&m.text()) {
                    all.push(m.text());
                }
            }
            all
        }
        Change::Set => maps
            .iter()
            .filter(|m| !m.internal())
            .map(PortMap::text)
            .collect(),
        Change::Remove => {
            let by_port: Vec<u32> = maps
                .iter()
                .filter(|m| m.internal())
                .map(|m| m.host)
                .collect();
            let exact: Vec<String> = maps
                .iter()
                .filter(|m| !m.internal())
                .map(PortMap::text)
                .collect();
            current
                .into_iter()
                .filter(|m| {
                    let host = m.split(':').nth(1).and_then(|p| p.parse::<u32>().ok());
                    !exact.contains(m) && !host.is_some_and(|h| by_port.contains(&h))
                })
                .collect()
        }
    };
    if change != Change::Remove || !next.is_empty() {
        // reusesSchemeHostPort
        let mut seen = std::collections::BTreeSet::new();
        for m in &next {
            let key = m.rsplit_once(':').map_or(m.as_str(), |(k, _)| k);
            if !seen.insert(key.to_owned()) {
                ctx.out.fail(&format!(
                    "Error validating port mappings: The same scheme:host-port is being reused: {key}"
                ));
                return;
            }
        }
    }
    write_map(ctx.host, app, &next);
    let action = match change {
        Change::Add => "add",
        Change::Set => "set",
        Change::Remove => "remove",
    };
    ports_updated(ctx, app, action);
}
