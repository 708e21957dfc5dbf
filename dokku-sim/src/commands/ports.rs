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
//! list, as `common.PropertyListWrite` keeps it. The detected map is what
//! a deploy would find: `http:80:5000` for a deployed app, plus
//! `https:443:5000` when it has a certificate.

use crate::common::columnize::columnize;
use crate::common::report::{self, GoReport};
use crate::common::report::{Fields, JsonKeys};
use crate::common::{Ctx, Outcome};
use crate::host::SimHost;

/// Run a `ports` subcommand; `None` if it is not one this module knows.
pub fn run(ctx: &mut Ctx<'_>, subcommand: &str, args: &[String]) -> Option<Outcome> {
    match subcommand {
        "ports:report" => {
            let spec = GoReport {
                plugin: "ports",
                report_type: "ports",
                global_scope: true,
                validate_format: true,
                json_keys: JsonKeys::StrippedAndLegacy,
                no_apps_fails: true,
                empty_app_means_all: true,
                dokku_apps: true,
                upper_first: true,
                collect,
            };
            report::run(ctx, &spec, args);
        }
        "ports:list" | "proxy:ports" => list(ctx, args),
        "ports:add" | "proxy:ports-add" => change(ctx, Change::Add, args),
        "ports:set" | "proxy:ports-set" => change(ctx, Change::Set, args),
        "ports:remove" | "proxy:ports-remove" => change(ctx, Change::Remove, args),
        "ports:clear" | "proxy:ports-clear" => {
            let app = args.first().map(String::as_str).unwrap_or("");
            if ctx.verify_app(app) {
                write_map(ctx.host, app, &[]);
            }
        }
        _ => return None,
    }
    Some(Outcome::Done(std::mem::take(&mut ctx.out)))
}

/// The app's own mappings, as stored.
pub fn app_map(host: &SimHost, app: &str) -> Vec<String> {
    host.app_property(app, "ports", "map")
        .map(|v| v.split_whitespace().map(str::to_owned).collect())
        .unwrap_or_default()
}

/// What a deploy of the app would detect.
pub fn detected_map(host: &SimHost, app: &str) -> Vec<String> {
    let Some(a) = host.apps.get(app) else {
        return Vec::new();
    };
    if !a.deployed {
        return Vec::new();
    }
    let mut map = vec!["http:80:5000".to_owned()];
    if host.has_cert(app) {
        map.push("https:443:5000".to_owned());
    }
    map
}

fn write_map(host: &mut SimHost, app: &str, map: &[String]) {
    if let Some(a) = host.apps.get_mut(app) {
        let props = a.properties.entry("ports".to_owned()).or_default();
        if map.is_empty() {
            props.remove("map");
        } else {
            let mut sorted = map.to_vec();
            sorted.sort();
            props.insert("map".to_owned(), sorted.join(" "));
        }
    }
    host.tick(1);
}

fn collect(host: &SimHost, app: Option<&str>, _format: &str, _flag: Option<&str>) -> Fields {
    let mut fields = Fields::new();
    if let Some(app) = app {
        fields.insert("--ports-map".to_owned(), app_map(host, app).join(" "));
        fields.insert(
            "--ports-map-detected".to_owned(),
            detected_map(host, app).join(" "),
        );
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
}
