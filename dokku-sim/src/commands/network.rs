//! The `network` plugin (simulated): `network:report`, `:set`, `:list`,
//! `:exists`, `:info`, `:create`, `:destroy`, `:rebuild` and
//! `:rebuildall`.
//!
//! Written from dokku/dokku v0.38.27 `plugins/network` (`report.go`: the
//! property triples, the web listeners (the static one, else the web
//! containers'); `subcommands.go`: the messages, Docker's errors passed
//! on, `network:set`'s attach lists joined by commas and checked;
//! `functions.go`: `getNetworks` reads `docker network ls`, a network is
//! dokku-managed by its `com.dokku.network-name` label, and every
//! `CreatedAt` is parsed from one constant string) and the recorded output
//! (captures-0.38.27-core.jsonl seq 138-143; captures-0.38.27-surface.jsonl
//! seq 219-225, 356-367, 1016-1031).
//!
//! The networks are the host's ([`crate::host::SimHost::networks`]):
//! Docker's `bridge`, `host` and `none`, and those `network:create` made.
//! Go lists them in map order, which varies; the simulator sorts them.

use crate::common::confirm;
use crate::common::properties::{self, property_set_checks, Prop, PropertyPlugin};
use crate::common::report::{go_json_str, Fields, JsonKeys};
use crate::common::{Ctx, Outcome};
use crate::host::{container_id, Network, SimHost};
use crate::out::right_pad;

const PLUGIN: PropertyPlugin = PropertyPlugin {
    plugin: "network",
    report_type: "network",
    json_keys: JsonKeys::StrippedAndLegacy,
    props: &[
        Prop::triple("attach-post-create", ""),
        Prop::triple("attach-post-deploy", ""),
        Prop::triple("bind-all-interfaces", "false"),
        Prop::triple("initial-network", ""),
        Prop::triple("tld", ""),
        Prop::raw_only("static-web-listener"),
    ],
};

/// What every `CreatedAt` reads (`getNetworks` parses a constant).
const CREATED_AT: &str = "2024-02-25T01:55:24.275184461Z";

/// Run a `network` subcommand; `None` if it is not one this module knows.
pub fn run(ctx: &mut Ctx<'_>, subcommand: &str, args: &[String]) -> Option<Outcome> {
    let result = match subcommand {
        "network:report" => {
            PLUGIN.report(ctx, args, Some(&listeners));
            Ok(())
        }
        "network:set" => set(ctx, args),
        "network:list" => list(ctx, args),
        "network:exists" => exists(ctx, args),
        "network:info" => info(ctx, args),
        "network:create" => create(ctx, args),
        "network:destroy" => destroy(ctx, args),
        "network:rebuild" => {
            let app = args.first().cloned().unwrap_or_default();
            rebuild(ctx, &app);
            Ok(())
        }
        "network:rebuildall" => {
            let apps = crate::common::names::dokku_apps(ctx.host);
            if apps.is_empty() {
                ctx.out.warn(crate::common::names::NO_APPS);
            }
            for app in apps {
                rebuild(ctx, &app);
            }
            Ok(())
        }
        _ => return None,
    };
    if let Err(Some(message)) = result {
        ctx.out.fail(&message);
    }
    Some(Outcome::Done(std::mem::take(&mut ctx.out)))
}

/// A failure to print (exit 1), or `None` when it was printed already.
type Failed = Option<String>;

/// `--network-web-listeners`: the static web listener, else the running
/// web containers' addresses (none before a deploy).
fn listeners(host: &SimHost, app: Option<&str>, _: &str, _: Option<&str>) -> Fields {
    let mut fields = Fields::new();
    let Some(name) = app else {
        return fields;
    };
    let fixed = properties::app_value(host, "network", name, "static-web-listener");
    let listeners = if fixed.is_empty() {
        host.apps
            .get(name)
            .map(|a| {
                a.containers
                    .iter()
                    .filter(|c| c.process_type == "web")
                    .map(|c| format!("172.17.0.{}:5000", 2 + c.index))
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .unwrap_or_default()
    } else {
        fixed
    };
    fields.insert("--network-web-listeners".to_owned(), listeners);
    fields
}

/// `network:set [--global] <app> <property> [<value>…]` (`CommandSet`).
fn set(ctx: &mut Ctx<'_>, args: &[String]) -> Result<(), Failed> {
    let flags = ctx
        .parse_flags("network:set", args, &["--global"], &[], &[])
        .ok_or(None)?;
    let (app, rest) = properties::property_target(&flags);
    let property = rest.first().cloned().unwrap_or_default();
    let values: Vec<String> = rest.iter().skip(1).cloned().collect();
    let mut value = values.first().cloned().unwrap_or_default();
    if app != "--global" && !ctx.verify_app(&app) {
        return Err(None);
    }
    if property == "attach-post-create" || property == "attach-post-deploy" {
        let other = if property == "attach-post-create" {
            "attach-post-deploy"
        } else {
            "attach-post-create"
        };
        let scope = (app != "--global").then_some(app.as_str());
        let other =
            properties::computed_value(ctx.host, "network", scope, &Prop::triple(other, ""));
        for network in &values {
            if network == "host" || network == "bridge" {
                return Err(Some(format!(
                    "Invalid network name specified for attach: {network}"
                )));
            }
            if !network.is_empty() && *network == other {
                return Err(Some(format!(
                    "Network name already associated with this app: {network}"
                )));
            }
        }
        value = values.join(",");
    }
    let all = [
        "attach-post-create",
        "attach-post-deploy",
        "bind-all-interfaces",
        "initial-network",
        "static-web-listener",
        "tld",
    ];
    let global = [
        "attach-post-create",
        "attach-post-deploy",
        "bind-all-interfaces",
        "initial-network",
        "tld",
    ];
    if !property_set_checks(ctx, &app, &property, &all, &global) {
        return Err(None);
    }
    properties::announce_property(&mut ctx.out, &property, &value);
    properties::store(ctx.host, "network", &app, &property, &value);
    Ok(())
}

/// `network:list [--format text|json] [--dokku-managed]`.
fn list(ctx: &mut Ctx<'_>, args: &[String]) -> Result<(), Failed> {
    let flags = ctx
        .parse_flags(
            "network:list",
            args,
            &["--dokku-managed"],
            &["--format"],
            &[],
        )
        .ok_or(None)?;
    let managed_only = flags.has("--dokku-managed");
    let networks: Vec<(&String, &Network)> = ctx
        .host
        .networks
        .iter()
        .filter(|(_, n)| !managed_only || n.dokku_managed)
        .collect();
    if flags.value("--format") == Some("json") {
        let items: Vec<String> = networks.iter().map(|(name, n)| json(name, n)).collect();
        let text = format!("[{}]", items.join(","));
        ctx.out.log(&text);
        return Ok(());
    }
    let names: Vec<String> = networks.iter().map(|(name, _)| (*name).clone()).collect();
    ctx.out.info2_quiet("Networks");
    for name in names {
        ctx.out.log(&name);
    }
    Ok(())
}

/// `json.Marshal(DockerNetwork)`.
fn json(name: &str, network: &Network) -> String {
    let mut json = format!(
        "{{\"CreatedAt\":\"{CREATED_AT}\",\"DokkuManaged\":{}",
        network.dokku_managed
    );
    json.push_str(",\"Driver\":");
    go_json_str(&mut json, &network.driver);
    json.push_str(",\"ID\":");
    go_json_str(&mut json, &network.id);
    json.push_str(",\"Internal\":false,\"IPv6\":false,\"Labels\":{");
    if network.dokku_managed {
        json.push_str("\"com.dokku.network-name\":");
        go_json_str(&mut json, name);
    }
    json.push_str("},\"Name\":");
    go_json_str(&mut json, name);
    json.push_str(",\"Scope\":");
    go_json_str(&mut json, &network.scope);
    json.push('}');
    json
}

/// `network:exists <network>`.
fn exists(ctx: &mut Ctx<'_>, args: &[String]) -> Result<(), Failed> {
    let name = args.first().cloned().unwrap_or_default();
    if name.is_empty() {
        return Err(Some("No network name specified".to_owned()));
    }
    if !ctx.host.networks.contains_key(&name) {
        return Err(Some("Network does not exist".to_owned()));
    }
    ctx.out.info1_quiet("Network exists");
    Ok(())
}

/// `network:info <network> [--format text|json]`.
fn info(ctx: &mut Ctx<'_>, args: &[String]) -> Result<(), Failed> {
    let flags = ctx
        .parse_flags("network:info", args, &[], &["--format"], &[])
        .ok_or(None)?;
    let name = flags.first();
    if name.is_empty() {
        return Err(Some("No network name specified".to_owned()));
    }
    let format = flags.value("--format").unwrap_or("text");
    if format != "json" && format != "text" {
        return Err(Some(
            "Invalid format specified, use either text or json".to_owned(),
        ));
    }
    let Some(network) = ctx.host.networks.get(&name).cloned() else {
        return Err(Some("Network does not exist".to_owned()));
    };
    if format == "json" {
        ctx.out.log(&json(&name, &network));
        return Ok(());
    }
    ctx.out.info2_quiet(&format!("{name} network information"));
    for (label, value) in [
        ("ID:", network.id.clone()),
        ("Name:", name.clone()),
        ("Driver:", network.driver.clone()),
        ("Scope:", network.scope.clone()),
        ("Dokku managed:", network.dokku_managed.to_string()),
    ] {
        ctx.out.verbose(&format!("{}{value}", right_pad(label, 16)));
    }
    Ok(())
}

/// `network:create <network>`: `docker network create --attachable
/// --label com.dokku.network-name=<network> <network>`.
fn create(ctx: &mut Ctx<'_>, args: &[String]) -> Result<(), Failed> {
    let name = args.first().cloned().unwrap_or_default();
    ctx.out.info1_quiet(&format!("Creating network {name}"));
    if name.is_empty() {
        return Err(Some(
            "Unable to create network: Error response from daemon: network name cannot be empty\n"
                .to_owned(),
        ));
    }
    if ctx.host.networks.contains_key(&name) {
        return Err(Some(format!(
            "Unable to create network: Error response from daemon: network with name {name} already exists\n"
        )));
    }
    let network = Network {
        id: container_id(
            &name,
            "network",
            0,
            u32::try_from(ctx.host.now % 1_000_000).unwrap_or(0),
        ),
        driver: "bridge".to_owned(),
        scope: "local".to_owned(),
        dokku_managed: true,
    };
    ctx.host.networks.insert(name, network);
    ctx.host.tick(1);
    Ok(())
}

/// `network:destroy [--force] <network>`: confirmed, then `docker network
/// rm`.
fn destroy(ctx: &mut Ctx<'_>, args: &[String]) -> Result<(), Failed> {
    let flags = ctx
        .parse_flags("network:destroy", args, &["--force"], &[], &[])
        .ok_or(None)?;
    let name = flags.first();
    let force = flags.has("--force") || ctx.force;
    if !force && !confirm::ask_for_destructive_confirmation(ctx, &name, "network") {
        return Err(None);
    }
    ctx.out.info1_quiet(&format!("Destroying network {name}"));
    match ctx.host.networks.get(&name) {
        None => Err(Some(format!(
            "Unable to destroy network: Error response from daemon: No such network: {name}\n"
        ))),
        Some(network) if !network.dokku_managed => Err(Some(format!(
            "Unable to destroy network: Error response from daemon: {name} is a pre-defined network and cannot be removed\n"
        ))),
        Some(_) => {
            ctx.host.networks.remove(&name);
            Ok(())
        }
    }
}

/// `BuildConfig`: a deployed app on docker-local without a static web
/// listener gets its containers' addresses written again.
fn rebuild(ctx: &mut Ctx<'_>, app: &str) {
    let Some(state) = ctx.host.apps.get(app) else {
        return;
    };
    let has_containers = state.scale.values().any(|n| *n > 0);
    let fixed = !properties::app_value(ctx.host, "network", app, "static-web-listener").is_empty();
    if !state.deployed || fixed || !has_containers {
        return;
    }
    ctx.out.info1(&format!(
        "Ensuring network configuration is in sync for {app}"
    ));
}
