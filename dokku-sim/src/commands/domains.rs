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
//! State: `App::domains` is the app's `VHOST` file, `App::vhost_enabled`
//! mirrors the app's `NO_VHOST` config var (kept in step), and
//! `SimHost::global_domains` is `$DOKKU_ROOT/VHOST`.

use crate::common::report::{self, GoReport};
use crate::common::report::{bash_row, Fields, JsonKeys};
use crate::common::{Ctx, Outcome};
use crate::host::{profiles, SimHost};
use crate::out::Out;

/// Run a `domains` subcommand; `None` if it is not one this module knows.
pub fn run(ctx: &mut Ctx<'_>, subcommand: &str, args: &[String]) -> Option<Outcome> {
    match subcommand {
        "domains" => deprecated_default(ctx, args),
        "domains:report" => report(ctx, args),
        "domains:add" => add(ctx, subcommand, args),
        "domains:set" => set(ctx, subcommand, args),
        "domains:remove" => remove(ctx, subcommand, args),
        "domains:clear" => clear(ctx, args),
        "domains:reset" => reset(ctx, args),
        "domains:enable" => enable(ctx, args),
        "domains:disable" => disable(ctx, args),
        "domains:add-global" => add_global(ctx, subcommand, args),
        "domains:set-global" => set_global(ctx, subcommand, args),
        "domains:remove-global" => remove_global(ctx, subcommand, args),
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

/// `domains_setup`, which `apps:create` runs (the domains plugin's
/// `post-create` trigger) and `domains:clear`/`domains:reset` run again:
/// without a `VHOST` file, write the default vhosts (`<app>.<global
/// vhost>` per global vhost), or if there are none disable the app's vhost
/// support quietly.
pub fn setup_app_domains(ctx: &mut Ctx<'_>, app: &str) {
    let has_vhost_file = ctx
        .host
        .apps
        .get(app)
        .is_some_and(|a| !a.domains.is_empty());
    if has_vhost_file {
        return;
    }
    let defaults = default_vhosts(ctx.host, app);
    if defaults.is_empty() {
        ctx.out
            .info2_quiet("Global server virtual host not set, disabling app vhost...");
        set_no_vhost(ctx, app, "1", false);
    } else {
        ctx.out.info1("Creating new app virtual host file...");
        if let Some(a) = ctx.host.apps.get_mut(app) {
            a.domains = defaults;
        }
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

/// `config_set [--no-restart] <app> NO_VHOST=<value>` as the domains
/// plugin runs it, with `DOKKU_QUIET_OUTPUT=1`: the `Setting config vars`
/// block is silenced, the restart (not quiet-able) is not.
fn set_no_vhost(ctx: &mut Ctx<'_>, app: &str, value: &str, restart: bool) {
    let mut args = Vec::new();
    if !restart {
        args.push("--no-restart".to_owned());
    }
    args.push(app.to_owned());
    args.push(format!("NO_VHOST={value}"));
    ctx.call_quiet("config:set", &args);
}

/// The checks every app subcommand script starts with: `$2` (the app)
/// and, where domains are required, `$3`.
fn app_and_domains<'a>(
    ctx: &mut Ctx<'_>,
    subcommand: &str,
    args: &'a [String],
    need_domains: bool,
) -> Option<(&'a str, &'a [String])> {
    let (app, domains) = match args.split_first() {
        Some((app, rest)) if !app.is_empty() => (app.as_str(), rest),
        _ => {
            ctx.out.fail("Please specify an app to run the command on");
            return None;
        }
    };
    if need_domains && domains.first().is_none_or(|d| d.is_empty()) {
        ctx.out.fail(&format!(
            "Please specify a domain name. Usage: dokku {subcommand} {app} <domain> [<domain> ...]"
        ));
        return None;
    }
    if !ctx.verify_app(app) {
        return None;
    }
    Some((app, domains))
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

/// `domains_enable <app> --no-restart`, which `domains_add`/`domains_set`
/// run when vhost support is off. Dokku's bash there also overwrites the
/// `VHOST` file with the default vhosts, dropping the domains it just
/// added; the simulator keeps them and only turns vhost support back on.
fn reenable_quietly(ctx: &mut Ctx<'_>, app: &str) {
    if ctx.host.apps.get(app).is_some_and(|a| !a.vhost_enabled) {
        set_no_vhost(ctx, app, "0", false);
    }
}

// `domains_add`. `grep -x` without `-q` prints the matching line, so an
// already-present domain is echoed on stdout before the Skipping line.
// The `post-domains-update` trigger (the proxy rebuilding its config) is
// not simulated.
fn add(ctx: &mut Ctx<'_>, subcommand: &str, args: &[String]) {
    let Some((app, domains)) = app_and_domains(ctx, subcommand, args, true) else {
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
            ctx.out.log(domain);
            ctx.out
                .info1(&format!("Skipping: {domain} already added to {app}"));
        } else {
            a.domains.push(domain.clone());
            ctx.out.info1(&format!("Added {domain} to {app}"));
        }
    }
    ctx.host.tick(1);
    reenable_quietly(ctx, app);
}

// `domains_set`: the file becomes `echo "$*" | tr " " "\n"`.
fn set(ctx: &mut Ctx<'_>, subcommand: &str, args: &[String]) {
    let Some((app, domains)) = app_and_domains(ctx, subcommand, args, true) else {
        return;
    };
    if !validate_all(&mut ctx.out, domains) {
        return;
    }
    if let Some(a) = ctx.host.apps.get_mut(app) {
        a.domains = domains.to_vec();
    }
    ctx.out
        .info1(&format!("Set {} for {app}", domains.join(" ")));
    ctx.host.tick(1);
    reenable_quietly(ctx, app);
}

// `domains_remove`: no validation, one line per argument whether or not
// it was there. Dokku deletes with `sed "\|^$DOMAIN\$|d"`, a regex; the
// simulator removes exact matches.
fn remove(ctx: &mut Ctx<'_>, subcommand: &str, args: &[String]) {
    let Some((app, domains)) = app_and_domains(ctx, subcommand, args, true) else {
        return;
    };
    for domain in domains {
        if let Some(a) = ctx.host.apps.get_mut(app) {
            a.domains.retain(|d| d != domain);
        }
        ctx.out.info1(&format!("Removed {domain} from {app}"));
    }
    ctx.host.tick(1);
}

// `subcommands/clear`: remove `VHOST`, `domains_setup`, then the message.
fn clear(ctx: &mut Ctx<'_>, args: &[String]) {
    let Some((app, _)) = app_and_domains(ctx, "domains:clear", args, false) else {
        return;
    };
    if let Some(a) = ctx.host.apps.get_mut(app) {
        a.domains.clear();
    }
    setup_app_domains(ctx, app);
    ctx.host.tick(1);
    ctx.out.info1(&format!("Cleared domains in {app}"));
}

// `subcommands/reset`: like clear, with a quiet-able message.
fn reset(ctx: &mut Ctx<'_>, args: &[String]) {
    let Some((app, _)) = app_and_domains(ctx, "domains:reset", args, false) else {
        return;
    };
    if let Some(a) = ctx.host.apps.get_mut(app) {
        a.domains.clear();
    }
    setup_app_domains(ctx, app);
    ctx.host.tick(1);
    ctx.out.info1_quiet(&format!("Reset domains for {app}"));
}

// `domains_enable` without `--no-restart`: the default vhosts, then
// `NO_VHOST=0` through config, which restarts the app.
fn enable(ctx: &mut Ctx<'_>, args: &[String]) {
    let Some((app, _)) = app_and_domains(ctx, "domains:enable", args, false) else {
        return;
    };
    if ctx.host.apps.get(app).is_some_and(|a| a.vhost_enabled) {
        ctx.out.info1(&format!(
            "Domains (VHOST) support is already enabled for app ({app})"
        ));
        return;
    }
    let defaults = default_vhosts(ctx.host, app);
    if !defaults.is_empty() {
        if let Some(a) = ctx.host.apps.get_mut(app) {
            a.domains = defaults;
        }
    }
    set_no_vhost(ctx, app, "0", true);
}

// `domains_disable` → `disable_app_vhost`: the `VHOST` file was just
// touched, so the "disabled" line always prints; then `NO_VHOST=1`
// through config, which restarts the app.
fn disable(ctx: &mut Ctx<'_>, args: &[String]) {
    let Some((app, _)) = app_and_domains(ctx, "domains:disable", args, false) else {
        return;
    };
    if ctx.host.apps.get(app).is_some_and(|a| !a.vhost_enabled) {
        ctx.out.info1(&format!(
            "Domains (VHOST) support is already disabled for app ({app})"
        ));
        return;
    }
    ctx.out.info1("App virtual host support disabled");
    if let Some(a) = ctx.host.apps.get_mut(app) {
        a.domains.clear();
    }
    set_no_vhost(ctx, app, "1", true);
}

fn global_domains_given(ctx: &mut Ctx<'_>, subcommand: &str, args: &[String]) -> bool {
    if args.first().is_none_or(|d| d.is_empty()) {
        ctx.out.fail(&format!(
            "Please specify a domain name. Usage: dokku {subcommand} <domain> [<domain> ...]"
        ));
        return false;
    }
    true
}

// `domains_add_global` (here `grep -q`: nothing echoed).
fn add_global(ctx: &mut Ctx<'_>, subcommand: &str, args: &[String]) {
    if !global_domains_given(ctx, subcommand, args) || !validate_all(&mut ctx.out, args) {
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

fn set_global(ctx: &mut Ctx<'_>, subcommand: &str, args: &[String]) {
    if !global_domains_given(ctx, subcommand, args) || !validate_all(&mut ctx.out, args) {
        return;
    }
    ctx.host.global_domains = args.to_vec();
    ctx.out.info1(&format!("Set {}", args.join(" ")));
    ctx.host.tick(1);
}

fn remove_global(ctx: &mut Ctx<'_>, subcommand: &str, args: &[String]) {
    if !global_domains_given(ctx, subcommand, args) {
        return;
    }
    for domain in args {
        ctx.host.global_domains.retain(|d| d != domain);
        ctx.out.info1(&format!("Removed {domain}"));
    }
    ctx.host.tick(1);
}

// `subcommands/default`: the pre-report listing, deprecated.
fn deprecated_default(ctx: &mut Ctx<'_>, args: &[String]) {
    ctx.out.warn("Deprecated: Please use domains:report");
    if global_vhost_enabled(ctx.host) {
        ctx.out.info2_quiet("Global Domain Name");
        for domain in &ctx.host.global_domains {
            ctx.out.log(domain);
        }
    }
    let app = args.first().map(String::as_str).unwrap_or("");
    if app.is_empty() || app == "--global" || !ctx.verify_app(app) {
        return;
    }
    let Some(a) = ctx.host.apps.get(app) else {
        return;
    };
    if a.domains.is_empty() {
        ctx.out.fail(&format!("No domain names set for {app}"));
        return;
    }
    ctx.out.info2_quiet(&format!("{app} Domain Names"));
    // `get_app_domains` prints nothing while vhost support is off.
    if a.vhost_enabled {
        for domain in &a.domains {
            ctx.out.log(domain);
        }
    }
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
            collect: collect_go,
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
            a.vhost_enabled.to_string(),
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
        rows.push(("--domains-app-enabled", a.vhost_enabled.to_string()));
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
