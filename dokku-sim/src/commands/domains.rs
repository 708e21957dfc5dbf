//! `domains` commands (simulated): `domains:report`, the deprecated bare
//! `domains` (`subcommands/default`), `domains:add/set/remove/clear/reset/enable/disable` and
//! `domains:add-global/set-global/remove-global/clear-global`.
//!
//! Written from Dokku's source: the mutations are bash in both simulated
//! versions (`plugins/domains/functions`: `domains_add`, `domains_set`,
//! `domains_remove`, `domains_setup`, `domains_enable`, `domains_disable`,
//! `disable_app_vhost`, `enable_app_vhost`, `get_default_vhosts`,
//! `is_valid_hostname`, the `*_global` functions; `plugins/domains/
//! subcommands/*` for the argument checks). `domains:report` is bash
//! before 0.38.27 (`plugins/domains/internal-functions`,
//! `cmd-domains-report-single`, `printf "%-30s %-25s"`) and Go from
//! 0.38.27 (`plugins/domains/report.go`, PR #8804, with the shared
//! renderer `plugins/common` `ReportSingleApp`, `ParseReportArgs`).
//!
//! State: `App::domains` (and `App::vhost_file`) is the app's `VHOST`
//! file, the app's `NO_VHOST` config var switches vhost support (written
//! through the config plugin, as Dokku's `config_set` does), and
//! `SimHost::global_domains` is `$DOKKU_ROOT/VHOST`. Every change of an
//! app's domains ends in `post-domains-update`, where the proxy rebuilds
//! its config.

use crate::common::names::dokku_apps;
use crate::common::report::{self, GoReport};
use crate::common::report::{bash_row, Fields, JsonKeys};
use crate::common::{Ctx, Outcome};
use crate::host::{profiles, App, SimHost};
use crate::out::Out;

/// Run a `domains` subcommand; `None` if it is not one this module knows.
pub fn run(ctx: &mut Ctx<'_>, subcommand: &str, args: &[String]) -> Option<Outcome> {
    match subcommand {
        "domains:report" => report(ctx, args),
        "domains:add" => add(ctx, args),
        "domains:set" => set(ctx, args),
        "domains:remove" => remove(ctx, args),
        "domains:clear" => clear(ctx, args),
        "domains:reset" => reset(ctx, args),
        "domains:enable" => enable(ctx, args),
        "domains:disable" => disable(ctx, args),
        "domains:add-global" => add_global(ctx, args),
        "domains:set-global" => set_global(ctx, args),
        "domains:remove-global" => remove_global(ctx, args),
        "domains:clear-global" => {
            ctx.out.info1_quiet("Clearing global domains");
            ctx.host.global_domains.clear();
            ctx.host.tick(1);
        }
        _ => return None,
    }
    Some(Outcome::Done(std::mem::take(&mut ctx.out)))
}

/// `is_valid_hostname`: lower-cased, then `^[a-z0-9.*-]*[a-z0-9*-]$`; a
/// lone `_` (nginx's catch-all) is also accepted (since 0.30.4).
pub fn is_valid_hostname(hostname: &str) -> bool {
    let lower = hostname.to_lowercase();
    if lower == "_" {
        return true;
    }
    let allowed_last =
        |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '*' || c == '-';
    let mut chars = lower.chars();
    match chars.next_back() {
        Some(last) if allowed_last(last) => chars.all(|c| allowed_last(c) || c == '.'),
        _ => false,
    }
}

/// The plugin's triggers (`plugins/domains/*` trigger scripts and
/// `src/triggers`).
pub fn trigger(ctx: &mut Ctx<'_>, name: &str, args: &[String]) {
    let first = args.first().map(String::as_str).unwrap_or("");
    let second = args.get(1).map(String::as_str).unwrap_or("");
    match name {
        // `post-create`: the app's vhosts, unless vhost support is off.
        "post-create" => {
            if !vhost_enabled(ctx.host, first) {
                ctx.out
                    .info1("App virtual host support disabled, skipping domain setup");
                return;
            }
            domains_setup(ctx, first);
        }
        // `post-app-clone-setup`: the clone's vhosts are set up afresh,
        // quietly (`DOKKU_QUIET_OUTPUT=1 domains_setup`).
        "post-app-clone-setup" => {
            if let Some(app) = ctx.host.apps.get_mut(second) {
                app.domains.clear();
                app.vhost_file = false;
            }
            let quiet = std::mem::replace(&mut ctx.out.quiet, true);
            domains_setup(ctx, second);
            ctx.out.quiet = quiet;
        }
        // `post-app-rename-setup`: the `VHOST` file is copied, with
        // `<old>.<global vhost>` renamed `<new>.<global vhost>`.
        "post-app-rename-setup" => rename_setup(ctx.host, first, second),
        // `domains-list`: `get_app_domains`, nothing while vhosts are off.
        "domains-list" => {
            let domains = app_domains(ctx.host, first);
            for domain in domains {
                ctx.out.log(&domain);
            }
        }
        "domains-urls" => urls(ctx, first, second),
        // `domains-enable <app> <restart>` / `domains-disable …`, as the
        // proxy plugins call them.
        "domains-enable" => domains_enable(ctx, first, second != "true"),
        "domains-disable" => disable_app_vhost(ctx, first, second != "true"),
        "domains-vhost-enabled" if !vhost_enabled(ctx.host, first) => ctx.out.code = 1,
        _ => {}
    }
}

/// `domains-urls <app> <url|urls>`: the app's URLs, built from its
/// domains (else the global vhosts, else `hostname -f`) and its port
/// mappings (`fn-domains-generate-urls`); `url` keeps the first of the
/// default scheme, `urls` all of them sorted.
fn urls(ctx: &mut Ctx<'_>, app: &str, url_type: &str) {
    let ssl = ctx.host.has_cert(app);
    let (scheme, port) = if ssl {
        ("https", "443")
    } else {
        ("http", "80")
    };
    let app_arg = [app.to_owned()];
    let mut vhosts: Vec<String> = ctx.trigger_capture("domains-list", &app_arg).words();
    if vhosts.is_empty() {
        vhosts = if ctx.host.global_domains.is_empty() {
            vec![ctx.host.hostname.clone()]
        } else {
            ctx.host.global_domains.clone()
        };
    }
    let maps = ctx.trigger_capture("ports-get", &app_arg);
    let proxy = ctx.trigger_capture("proxy-is-enabled", &app_arg);
    let mut urls = Vec::new();
    for vhost in &vhosts {
        if proxy.text() == "false" {
            // The listeners' ports; the simulated containers listen on
            // 5000.
            let listeners = ctx
                .host
                .apps
                .get(app)
                .map(|a| {
                    a.containers
                        .iter()
                        .filter(|c| c.process_type == "web")
                        .count()
                })
                .unwrap_or(0);
            for _ in 0..listeners {
                urls.push(url(scheme, vhost, "5000"));
            }
        } else if !maps.text().is_empty() {
            for map in maps.text().lines() {
                let mut parts = map.split(':');
                let map_scheme = parts.next().unwrap_or("");
                let listen = parts.next().unwrap_or("");
                if !ssl && map_scheme == "https" {
                    continue;
                }
                urls.push(url(map_scheme, vhost, listen));
            }
        } else {
            urls.push(url(scheme, vhost, port));
        }
    }
    if url_type == "url" {
        let prefix = format!("{scheme}://");
        if let Some(first) = urls.iter().find(|u| u.contains(&prefix)) {
            ctx.out.log(first);
        }
        return;
    }
    urls.sort();
    urls.dedup();
    for url in urls {
        ctx.out.log(&url);
    }
}

/// `fn-domains-generate-url`.
fn url(scheme: &str, vhost: &str, port: &str) -> String {
    match port {
        "80" => format!("http://{vhost}"),
        "443" if scheme == "https" => format!("https://{vhost}"),
        _ => format!("{scheme}://{vhost}:{port}"),
    }
}

/// `is_app_vhost_enabled`: `NO_VHOST` is not `1`.
fn vhost_enabled(host: &SimHost, app: &str) -> bool {
    host.apps.get(app).is_none_or(App::vhost_enabled)
}

/// `get_app_domains`: the `VHOST` file while vhost support is on.
fn app_domains(host: &SimHost, app: &str) -> Vec<String> {
    match host.apps.get(app) {
        Some(a) if a.vhost_enabled() => a.domains.clone(),
        _ => Vec::new(),
    }
}

/// Write the app's `VHOST` file (`echo … > VHOST`): it exists afterwards.
fn write_vhosts(host: &mut SimHost, app: &str, domains: Vec<String>) {
    if let Some(a) = host.apps.get_mut(app) {
        a.domains = domains;
        a.vhost_file = true;
    }
}

/// `touch VHOST`.
fn touch_vhosts(host: &mut SimHost, app: &str) {
    if let Some(a) = host.apps.get_mut(app) {
        a.vhost_file = true;
    }
}

/// `rm -f VHOST`.
fn remove_vhosts(host: &mut SimHost, app: &str) {
    if let Some(a) = host.apps.get_mut(app) {
        a.domains.clear();
        a.vhost_file = false;
    }
}

fn rename_setup(host: &mut SimHost, old: &str, new: &str) {
    let Some(source) = host.apps.get(old) else {
        return;
    };
    if !source.has_vhost_file() {
        return;
    }
    let renamed: Vec<String> = source
        .domains
        .iter()
        .map(|domain| {
            host.global_domains
                .iter()
                .find(|global| *domain == format!("{old}.{global}"))
                .map_or_else(|| domain.clone(), |global| format!("{new}.{global}"))
        })
        .collect();
    write_vhosts(host, new, renamed);
}

/// `domains_setup`, which `apps:create` runs (the `post-create` trigger)
/// and `domains:reset`: without a `VHOST` file, write the default vhosts
/// (`<app>.<global vhost>` per global vhost), or if there are none disable
/// the app's vhost support.
fn domains_setup(ctx: &mut Ctx<'_>, app: &str) {
    if ctx.host.apps.get(app).is_some_and(App::has_vhost_file) {
        return;
    }
    let defaults = default_vhosts(ctx.host, app);
    if defaults.is_empty() {
        ctx.out
            .info1_quiet("Global server virtual host not set, disabling app vhost...");
        disable_app_vhost(ctx, app, true);
    } else {
        ctx.out.info1_quiet("Creating new app virtual host file...");
        write_vhosts(ctx.host, app, defaults);
    }
}

/// `get_default_vhosts`: for each global vhost that is not an IP address,
/// `<app>.<vhost>`, or the app name alone when it already has a dot (no
/// `nginx-hostname` trigger is simulated).
fn default_vhosts(host: &SimHost, app: &str) -> Vec<String> {
    if !global_vhost_enabled(host) {
        return Vec::new();
    }
    host.global_domains
        .iter()
        .filter(|vhost| !is_ip(vhost))
        .map(|vhost| {
            let name = app.replacen('/', "-", 1);
            if app.contains('.') {
                name
            } else {
                format!("{name}.{vhost}")
            }
        })
        .collect()
}

// `get_ipv4_regex` / `get_ipv6_regex`, simplified: dotted quads, and
// anything with a colon (no valid hostname has one).
fn is_ip(vhost: &str) -> bool {
    let quads: Vec<&str> = vhost.split('.').collect();
    let ipv4 = quads.len() == 4
        && quads
            .iter()
            .all(|q| (1..=3).contains(&q.len()) && q.bytes().all(|b| b.is_ascii_digit()));
    ipv4 || vhost.contains(':')
}

/// `is_global_vhost_enabled`: some line of `$DOKKU_ROOT/VHOST` is a valid
/// hostname.
fn global_vhost_enabled(host: &SimHost) -> bool {
    host.global_domains.iter().any(|d| is_valid_hostname(d))
}

/// `DOKKU_QUIET_OUTPUT=1 config_set [--no-restart] <app> NO_VHOST=<value>`:
/// the config plugin writes the var; its `Setting config vars` block is
/// silenced, its restart (of a deployed app) is not.
fn set_no_vhost(ctx: &mut Ctx<'_>, app: &str, value: &str, no_restart: bool) {
    let mut args = Vec::new();
    if no_restart {
        args.push("--no-restart".to_owned());
    }
    args.push(app.to_owned());
    args.push(format!("NO_VHOST={value}"));
    ctx.call_quiet("config:set", &args);
}

/// `disable_app_vhost`: the proxy's `pre-disable-vhost`, the `VHOST` file
/// removed (announced when it existed), `NO_VHOST=1`, and with
/// `--no-restart` the proxy config rebuilt (`post-domains-update`).
fn disable_app_vhost(ctx: &mut Ctx<'_>, app: &str, no_restart: bool) {
    ctx.trigger("pre-disable-vhost", &[app.to_owned()]);
    if ctx.host.apps.get(app).is_some_and(App::has_vhost_file) {
        ctx.out.info1("App virtual host support disabled");
        remove_vhosts(ctx.host, app);
    }
    set_no_vhost(ctx, app, "1", no_restart);
    if no_restart {
        ctx.trigger(
            "post-domains-update",
            &[app.to_owned(), "disable".to_owned()],
        );
    }
}

/// `enable_app_vhost`: the proxy's `pre-enable-vhost`, `NO_VHOST=0`, and
/// with `--no-restart` the proxy config rebuilt.
fn enable_app_vhost(ctx: &mut Ctx<'_>, app: &str, no_restart: bool) {
    ctx.trigger("pre-enable-vhost", &[app.to_owned()]);
    set_no_vhost(ctx, app, "0", no_restart);
    if no_restart {
        ctx.trigger(
            "post-domains-update",
            &[app.to_owned(), "enable".to_owned()],
        );
    }
}

/// `domains_enable`: the default vhosts (when there are any) and vhost
/// support on, or a note that it already is.
fn domains_enable(ctx: &mut Ctx<'_>, app: &str, no_restart: bool) {
    let defaults = default_vhosts(ctx.host, app);
    touch_vhosts(ctx.host, app);
    if vhost_enabled(ctx.host, app) {
        ctx.out.info1(&format!(
            "Domains (VHOST) support is already enabled for app ({app})"
        ));
        return;
    }
    if !defaults.is_empty() {
        write_vhosts(ctx.host, app, defaults);
    }
    enable_app_vhost(ctx, app, no_restart);
}

/// `post-domains-update <app> <action> <domains…>`: the proxy rebuilds its
/// config.
fn domains_updated(ctx: &mut Ctx<'_>, app: &str, action: &str, domains: &[String]) {
    let mut args = vec![app.to_owned(), action.to_owned()];
    args.extend(domains.iter().cloned());
    ctx.trigger("post-domains-update", &args);
}

/// The checks of `subcommands/add`, `set` and `remove`: a domain is
/// required (the usage names `$1 $2`, the app and the missing domain),
/// then the app is verified.
fn app_and_domains<'a>(ctx: &mut Ctx<'_>, args: &'a [String]) -> Option<(&'a str, &'a [String])> {
    let app = args.first().map(String::as_str).unwrap_or("");
    let domains = args.get(1..).unwrap_or_default();
    let first = domains.first().map(String::as_str).unwrap_or("");
    if first.is_empty() {
        ctx.out.fail(&format!(
            "Please specify a domain name. Usage: dokku {app} {first} <domain> [<domain> ...]"
        ));
        return None;
    }
    if !ctx.verify_app(app) {
        return None;
    }
    Some((app, domains))
}

/// `verify_app_name "$APP"` of the app-only subcommands.
fn app_only<'a>(ctx: &mut Ctx<'_>, args: &'a [String]) -> Option<&'a str> {
    let app = args.first().map(String::as_str).unwrap_or("");
    ctx.verify_app(app).then_some(app)
}

fn validate_all(out: &mut Out, domains: &[String]) -> bool {
    match domains.iter().find(|d| !is_valid_hostname(d)) {
        Some(bad) => {
            out.fail(&format!("{bad} is invalid. exiting..."));
            false
        }
        None => true,
    }
}

// `domains_add`: validate, append what is new, turn vhost support on if it
// was off (which writes the default vhosts, when there are any, over the
// file), then `post-domains-update`.
fn add(ctx: &mut Ctx<'_>, args: &[String]) {
    let Some((app, domains)) = app_and_domains(ctx, args) else {
        return;
    };
    if !validate_all(&mut ctx.out, domains) {
        return;
    }
    for domain in domains {
        let Some(a) = ctx.host.apps.get_mut(app) else {
            return;
        };
        if a.domains.iter().any(|d| d == domain) {
            ctx.out
                .info1(&format!("Skipping: {domain} already added to {app}"));
        } else {
            a.domains.push(domain.clone());
            a.vhost_file = true;
            ctx.out.info1(&format!("Added {domain} to {app}"));
        }
    }
    ctx.host.tick(1);
    if !vhost_enabled(ctx.host, app) {
        domains_enable(ctx, app, true);
    }
    domains_updated(ctx, app, "add", domains);
}

// `domains_set`: the file becomes `echo "$*" | tr " " "\n"`.
fn set(ctx: &mut Ctx<'_>, args: &[String]) {
    let Some((app, domains)) = app_and_domains(ctx, args) else {
        return;
    };
    touch_vhosts(ctx.host, app);
    if !validate_all(&mut ctx.out, domains) {
        return;
    }
    write_vhosts(ctx.host, app, domains.to_vec());
    ctx.out
        .info1(&format!("Set {} for {app}", domains.join(" ")));
    ctx.host.tick(1);
    if !vhost_enabled(ctx.host, app) {
        domains_enable(ctx, app, true);
    }
    domains_updated(ctx, app, "set", domains);
}

// `domains_remove`: no validation, one line per argument whether or not
// it was there. Dokku deletes with `sed "\|^$DOMAIN\$|d"`, a regex; the
// simulator removes exact matches.
fn remove(ctx: &mut Ctx<'_>, args: &[String]) {
    let Some((app, domains)) = app_and_domains(ctx, args) else {
        return;
    };
    touch_vhosts(ctx.host, app);
    for domain in domains {
        if let Some(a) = ctx.host.apps.get_mut(app) {
            a.domains.retain(|d| d != domain);
        }
        ctx.out.info1(&format!("Removed {domain} from {app}"));
    }
    ctx.host.tick(1);
    domains_updated(ctx, app, "remove", domains);
}

// `fn-domains-clear-app`: remove `VHOST`, rebuild the proxy config, then
// the message. Unlike `domains:reset`, no default vhosts are written.
fn clear_app(ctx: &mut Ctx<'_>, app: &str) {
    remove_vhosts(ctx.host, app);
    ctx.host.tick(1);
    domains_updated(ctx, app, "clear", &[]);
    ctx.out.info1(&format!("Cleared domains in {app}"));
}

// `subcommands/clear`: one app, or `--all` (`dokku_apps`).
fn clear(ctx: &mut Ctx<'_>, args: &[String]) {
    let app = args.first().map(String::as_str).unwrap_or("");
    if app == "--all" {
        for app in dokku_apps(ctx.host) {
            clear_app(ctx, &app);
        }
        return;
    }
    if ctx.verify_app(app) {
        clear_app(ctx, app);
    }
}

// `subcommands/reset`: clear, `domains_setup`, the proxy config rebuilt
// again, then a quiet-able message.
fn reset(ctx: &mut Ctx<'_>, args: &[String]) {
    let Some(app) = app_only(ctx, args) else {
        return;
    };
    clear_app(ctx, app);
    domains_setup(ctx, app);
    domains_updated(ctx, app, "reset", &[]);
    ctx.out.info1_quiet(&format!("Reset domains for {app}"));
}

// `fn-domains-enable` → `domains_enable` without `--no-restart`: the
// default vhosts, then `NO_VHOST=0` through config, which restarts a
// deployed app. `--all` enables every app.
fn enable(ctx: &mut Ctx<'_>, args: &[String]) {
    let app = args.first().map(String::as_str).unwrap_or("");
    if app == "--all" {
        for app in dokku_apps(ctx.host) {
            domains_enable(ctx, &app, false);
        }
        return;
    }
    if ctx.verify_app(app) {
        domains_enable(ctx, app, false);
    }
}

// `fn-domains-disable` → `domains_disable`: the `VHOST` file is touched
// first, so the "disabled" line always prints; then `disable_app_vhost
// --no-restart`.
fn disable(ctx: &mut Ctx<'_>, args: &[String]) {
    let app = args.first().map(String::as_str).unwrap_or("");
    let apps = if app == "--all" {
        dokku_apps(ctx.host)
    } else if ctx.verify_app(app) {
        vec![app.to_owned()]
    } else {
        return;
    };
    for app in apps {
        touch_vhosts(ctx.host, &app);
        if vhost_enabled(ctx.host, &app) {
            disable_app_vhost(ctx, &app, true);
        } else {
            ctx.out.info1(&format!(
                "Domains (VHOST) support is already disabled for app ({app})"
            ));
        }
    }
}

fn global_domains_given(ctx: &mut Ctx<'_>, args: &[String]) -> bool {
    if args.first().is_none_or(|d| d.is_empty()) {
        // `dokku $1`: the command name is no longer in `$1` here.
        let first = args.first().map(String::as_str).unwrap_or("");
        ctx.out.fail(&format!(
            "Please specify a domain name. Usage: dokku {first} <domain> [<domain> ...]"
        ));
        return false;
    }
    true
}

// `domains_add_global`.
fn add_global(ctx: &mut Ctx<'_>, args: &[String]) {
    if !global_domains_given(ctx, args) || !validate_all(&mut ctx.out, args) {
        return;
    }
    for domain in args {
        if ctx.host.global_domains.iter().any(|d| d == domain) {
            ctx.out.info1(&format!("Skipping {domain}: already added"));
        } else {
            ctx.host.global_domains.push(domain.clone());
            ctx.out.info1(&format!("Added {domain}"));
        }
    }
    ctx.host.tick(1);
}

fn set_global(ctx: &mut Ctx<'_>, args: &[String]) {
    if !global_domains_given(ctx, args) || !validate_all(&mut ctx.out, args) {
        return;
    }
    ctx.host.global_domains = args.to_vec();
    ctx.out.info1(&format!("Set {}", args.join(" ")));
    ctx.host.tick(1);
}

fn remove_global(ctx: &mut Ctx<'_>, args: &[String]) {
    if !global_domains_given(ctx, args) {
        return;
    }
    for domain in args {
        ctx.host.global_domains.retain(|d| d != domain);
        ctx.out.info1(&format!("Removed {domain}"));
    }
    ctx.host.tick(1);
}

fn report(ctx: &mut Ctx<'_>, args: &[String]) {
    if ctx.host.version >= profiles::V0_38_27 {
        let spec = GoReport {
            plugin: "domains",
            report_type: "domains",
            // Go only from 0.38.27, long after PR #8527.
            global_scope: true,
            validate_format: false,
            json_keys: JsonKeys::Stripped,
            no_apps_fails: false,
            empty_app_means_all: true,
            dokku_apps: false,
            upper_first: true,
            collect: &collect_go,
            json: None,
        };
        report::run(ctx, &spec, args);
    } else {
        bash_report(ctx, args);
    }
}

// `plugins/domains/report.go`: vhost lists are whitespace-normalised
// (`strings.Fields` joined by one space).
fn collect_go(host: &SimHost, app: Option<&str>, _format: &str, _flag: Option<&str>) -> Fields {
    let global_enabled = global_vhost_enabled(host);
    let mut fields = Fields::new();
    fields.insert(
        "--domains-global-enabled".to_owned(),
        global_enabled.to_string(),
    );
    fields.insert(
        "--domains-global-vhosts".to_owned(),
        if global_enabled {
            host.global_domains.join(" ")
        } else {
            String::new()
        },
    );
    if let Some(a) = app.and_then(|name| host.apps.get(name)) {
        fields.insert(
            "--domains-app-enabled".to_owned(),
            a.vhost_enabled().to_string(),
        );
        fields.insert("--domains-app-vhosts".to_owned(), a.domains.join(" "));
    }
    fields
}

/// The bash report rows, in `flag_map` order; vhost lists come from
/// `tr '\n' ' '`, so each domain is followed by a space.
fn bash_fields(host: &SimHost, app: Option<&str>) -> Vec<(&'static str, String)> {
    let spaced = |list: &[String]| list.iter().map(|d| format!("{d} ")).collect::<String>();
    let global_enabled = global_vhost_enabled(host);
    let mut rows = Vec::new();
    if let Some(a) = app.and_then(|name| host.apps.get(name)) {
        rows.push(("--domains-app-enabled", a.vhost_enabled().to_string()));
        rows.push(("--domains-app-vhosts", spaced(&a.domains)));
    }
    rows.push(("--domains-global-enabled", global_enabled.to_string()));
    rows.push((
        "--domains-global-vhosts",
        if global_enabled {
            spaced(&host.global_domains)
        } else {
            String::new()
        },
    ));
    rows
}

// `cmd-domains-report`: `$2` is the app unless it starts with `--`, in
// which case it is the info flag for every app; `--global` is the global
// report. All apps run through `| tee || true`, so one app's failure
// neither stops the loop nor the exit code. Bash took no `--format`: it
// is an unknown info flag here.
fn bash_report(ctx: &mut Ctx<'_>, args: &[String]) {
    let mut app = args.first().cloned().unwrap_or_default();
    let mut info_flag = args.get(1).cloned().unwrap_or_default();
    if app == "--global" {
        bash_report_single(ctx, None, &info_flag);
        return;
    }
    if app.starts_with("--") {
        info_flag = app;
        app = String::new();
    }
    if !app.is_empty() {
        bash_report_single(ctx, Some(&app), &info_flag);
        return;
    }
    let apps: Vec<String> = ctx.host.apps.keys().cloned().collect();
    if apps.is_empty() {
        // `dokku_apps` fails inside `local X=$(...)`: the message shows,
        // the status is lost.
        ctx.out.warn("You haven't deployed any applications yet");
        return;
    }
    for app in &apps {
        bash_report_single(ctx, Some(app), &info_flag);
        ctx.out.code = 0;
    }
}

fn bash_report_single(ctx: &mut Ctx<'_>, app: Option<&str>, info_flag: &str) {
    if let Some(name) = app {
        if !ctx.verify_app(name) {
            return;
        }
    }
    let rows = bash_fields(ctx.host, app);
    if info_flag.is_empty() {
        let header = match app {
            Some(name) => format!("{name} domains information"),
            None => "Global domains information".to_owned(),
        };
        ctx.out.info2_quiet(&header);
        for (flag, value) in &rows {
            bash_row(&mut ctx.out, &crate::common::report::label(flag), value);
        }
        return;
    }
    match rows.iter().find(|(flag, _)| *flag == info_flag) {
        Some((_, value)) if !value.is_empty() => ctx.out.log(value),
        Some(_) => ctx.out.fail("not deployed"),
        None => {
            let valid: String = rows.iter().map(|(flag, _)| format!(" {flag}")).collect();
            ctx.out
                .fail(&format!("Invalid flag passed, valid flags:{valid}"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostnames() {
        for ok in [
            "example.com",
            "*.example.com",
            "a-b.c",
            "_",
            "EXAMPLE.COM",
            "x",
        ] {
            assert!(is_valid_hostname(ok), "{ok}");
        }
        for bad in [
            "http://www.example.com",
            "a_b.com",
            "example.com.",
            "",
            "a b",
            "a/b",
        ] {
            assert!(!is_valid_hostname(bad), "{bad}");
        }
    }

    #[test]
    fn ips_are_not_default_vhosts() {
        assert!(is_ip("10.0.0.1"));
        assert!(is_ip("::1"));
        assert!(!is_ip("dokku.me"));
    }
}
