//! `letsencrypt` commands (simulated), present only when the host has the
//! dokku-letsencrypt plugin: `letsencrypt:report`, `:list`, `:active`,
//! `:enable`, `:disable`, `:auto-renew`, `:cleanup`, `:revoke`, `:set`,
//! `:cron-job`.
//!
//! Written from dokku/dokku-letsencrypt `command-functions` (the `cmd-*`
//! functions) and `internal-functions` (`fn-letsencrypt-*`: computed
//! values, `format-timediff`, `list-apps-with-expiry`, `enable`). The
//! ACME exchange itself (lego in Docker, nginx reloads) is not simulated:
//! `enable` prints the plugin's own progress lines and installs a
//! certificate issued by "Let's Encrypt", valid for 90 days.
//!
//! `letsencrypt:report --format json` follows `cmd-letsencrypt-report`
//! at dokku-letsencrypt 081b8e8b (the flag map filtered to `global-*` rows
//! for `--global`, an info flag with `--format json` refused, one object
//! per app without one) and `tests/letsencrypt_report.bats` (unprefixed
//! keys). The helper that prints the object (`fn-letsencrypt-report-emit-
//! json`) was not readable; the simulator prints what jq's compact output
//! of the rows in order would be, every value a string, one line per
//! object: inferred, not confirmed byte for byte.
//!
//! State: `App::extra["letsencrypt"]` (`active`, `expires-at` in Unix
//! seconds), the served certificate in `App::extra["certs"]` (see
//! [`super::certs`]), the `letsencrypt` properties per app and global, and
//! the renewal cron job as the global `letsencrypt-cron`/`autorenew`
//! property.

use crate::common::report::{bash_row, jq_json_str};
use crate::common::{Ctx, Outcome};
use crate::host::{date_time, SimHost};

const DEFAULT_GRACEPERIOD: u64 = 60 * 60 * 24 * 30;
const DEFAULT_SERVER: &str = "https://acme-v02.api.letsencrypt.org/directory";
const STAGING_SERVER: &str = "https://acme-staging-v02.api.letsencrypt.org/directory";
const ISSUER: &str = "C = US, O = Let's Encrypt, CN = R11";
const VALID_KEYS: &[&str] = &[
    "dns-provider",
    "email",
    "graceperiod",
    "server",
    "lego-docker-args",
];

/// Run a `letsencrypt` subcommand; `None` if the plugin is not installed or
/// the subcommand is not one this module knows.
pub fn run(ctx: &mut Ctx<'_>, subcommand: &str, args: &[String]) -> Option<Outcome> {
    let installed = ctx
        .host
        .plugins
        .iter()
        .any(|p| p.name == "letsencrypt" && p.enabled);
    if !installed {
        return None;
    }
    match subcommand {
        "letsencrypt:report" => report(ctx, args),
        "letsencrypt:list" | "letsencrypt:ls" => list(ctx),
        "letsencrypt:active" => {
            let app = args.first().map(String::as_str).unwrap_or("");
            if ctx.verify_app(app) {
                let active = is_active(ctx.host, app);
                ctx.out.log(&active.to_string());
            }
        }
        "letsencrypt:enable" => match args.first().map(String::as_str) {
            Some("--all") => {
                for app in crate::common::names::dokku_apps(ctx.host) {
                    if !enable(ctx, &app) {
                        break;
                    }
                }
            }
            app => {
                enable(ctx, app.unwrap_or(""));
            }
        },
        "letsencrypt:disable" => disable(ctx, args),
        "letsencrypt:auto-renew" => auto_renew(ctx, args),
        "letsencrypt:cleanup" => cleanup(ctx, args),
        "letsencrypt:revoke" => revoke(ctx, args),
        "letsencrypt:set" => set(ctx, args),
        "letsencrypt:cron-job" => cron_job(ctx, args),
        _ => return None,
    }
    Some(Outcome::Done(std::mem::take(&mut ctx.out)))
}

fn app_value(host: &SimHost, app: &str, key: &str) -> String {
    host.app_property(app, "letsencrypt", key)
        .unwrap_or("")
        .to_owned()
}

fn global_value(host: &SimHost, key: &str) -> String {
    host.global_property("letsencrypt", key)
        .unwrap_or("")
        .to_owned()
}

fn computed(host: &SimHost, app: &str, key: &str) -> String {
    let value = app_value(host, app, key);
    if value.is_empty() {
        global_value(host, key)
    } else {
        value
    }
}

fn graceperiod(host: &SimHost, app: &str) -> u64 {
    computed(host, app, "graceperiod")
        .parse()
        .unwrap_or(DEFAULT_GRACEPERIOD)
}

fn computed_graceperiod(host: &SimHost, app: &str) -> String {
    let value = computed(host, app, "graceperiod");
    if value.is_empty() {
        DEFAULT_GRACEPERIOD.to_string()
    } else {
        value
    }
}

fn computed_server(host: &SimHost, app: &str) -> String {
    match computed(host, app, "server").as_str() {
        "" | "default" => DEFAULT_SERVER.to_owned(),
        "staging" => STAGING_SERVER.to_owned(),
        other => other.to_owned(),
    }
}

/// `fn-letsencrypt-is-active`: the app serves the certificate letsencrypt
/// issued.
pub fn is_active(host: &SimHost, app: &str) -> bool {
    host.has_cert(app)
        && host
            .apps
            .get(app)
            .and_then(|a| a.extra.get("letsencrypt"))
            .is_some_and(|l| l.get("active").is_some_and(|v| v == "true"))
}

/// The letsencrypt certificate's expiry (Unix seconds), if active.
pub fn expiry(host: &SimHost, app: &str) -> Option<u64> {
    if !is_active(host, app) {
        return None;
    }
    host.apps
        .get(app)?
        .extra
        .get("letsencrypt")?
        .get("expires-at")?
        .parse()
        .ok()
}

fn autorenew(host: &SimHost) -> bool {
    host.global_property("letsencrypt-cron", "autorenew") == Some("true")
}

/// `fn-letsencrypt-format-timediff`.
pub fn format_timediff(td: i64) -> String {
    let negative = td < 0;
    let mut rest = td.unsigned_abs();
    let days = rest / 86_400;
    rest %= 86_400;
    let hours = rest / 3_600;
    rest %= 3_600;
    let minutes = rest / 60;
    let secs = rest % 60;
    let parts: Vec<String> = [(days, "d"), (hours, "h"), (minutes, "m"), (secs, "s")]
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, unit)| format!("{n}{unit}"))
        .collect();
    let text = parts.join(", ");
    if negative {
        format!("{text} ago")
    } else {
        text
    }
}

/// (app, expiry, graceperiod, time to expiry, time to renewal) for every
/// active app: `fn-letsencrypt-list-apps-with-expiry`.
fn apps_with_expiry(host: &SimHost) -> Vec<(String, u64, i64, i64)> {
    let now = i64::try_from(host.now).unwrap_or(i64::MAX);
    crate::common::names::dokku_apps(host)
        .into_iter()
        .filter_map(|app| {
            let expiry = expiry(host, &app)?;
            let exp = i64::try_from(expiry).ok()?;
            let grace = i64::try_from(graceperiod(host, &app)).ok()?;
            Some((app, expiry, exp - now, exp - grace - now))
        })
        .collect()
}

fn flag_map(host: &SimHost, app: &str) -> Vec<(String, String)> {
    let expiration = expiry(host, app).map(|e| e.to_string()).unwrap_or_default();
    let mut flags = vec![
        ("active".to_owned(), is_active(host, app).to_string()),
        ("autorenew".to_owned(), autorenew(host).to_string()),
    ];
    let triple = |flags: &mut Vec<(String, String)>, key: &str, computed: String| {
        flags.push((format!("computed-{key}"), computed));
        flags.push((format!("global-{key}"), global_value(host, key)));
        flags.push((key.to_owned(), app_value(host, app, key)));
    };
    triple(
        &mut flags,
        "dns-provider",
        computed(host, app, "dns-provider"),
    );
    triple(&mut flags, "email", computed(host, app, "email"));
    flags.push(("expiration".to_owned(), expiration));
    triple(&mut flags, "graceperiod", computed_graceperiod(host, app));
    triple(
        &mut flags,
        "lego-docker-args",
        computed(host, app, "lego-docker-args"),
    );
    triple(&mut flags, "server", computed_server(host, app));
    flags
        .into_iter()
        .map(|(k, v)| (format!("--letsencrypt-{k}"), v))
        .collect()
}

/// `jq -c`'s rendering of the report rows as one object: keys in row
/// order without the `--letsencrypt-` prefix, every value a string.
fn json_object(flags: &[(String, String)]) -> String {
    let mut json = String::from("{");
    for (i, (flag, value)) in flags.iter().enumerate() {
        if i > 0 {
            json.push(',');
        }
        jq_json_str(&mut json, flag.trim_start_matches("--letsencrypt-"));
        json.push(':');
        jq_json_str(&mut json, value);
    }
    json.push('}');
    json
}

fn report(ctx: &mut Ctx<'_>, args: &[String]) {
    let mut app = String::new();
    let mut info_flag = String::new();
    let mut global = false;
    let mut format = "stdout".to_owned();
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        if arg == "--global" {
            global = true;
        } else if arg == "--format" {
            format = args.next().cloned().unwrap_or_default();
        } else if arg.starts_with("--") {
            info_flag = arg.clone();
        } else if app.is_empty() {
            app = arg.clone();
        }
    }
    let apps = if global {
        vec!["--global".to_owned()]
    } else if app.is_empty() {
        crate::common::names::dokku_apps(ctx.host)
    } else {
        vec![app]
    };
    for app in apps {
        if app != "--global" && !ctx.verify_app(&app) {
            return;
        }
        let mut flags = flag_map(ctx.host, &app);
        if app == "--global" {
            // Only the global rows: `--global --format json` has no other
            // key (tests/letsencrypt_report.bats), and the filter runs
            // before the format is chosen.
            flags.retain(|(k, _)| k.starts_with("--letsencrypt-global-"));
        }
        if format == "json" {
            if !info_flag.is_empty() {
                return ctx
                    .out
                    .fail("--format flag cannot be specified when specifying an info flag");
            }
            let line = json_object(&flags);
            ctx.out.log(&line);
            continue;
        }
        if info_flag.is_empty() {
            let subject = if app == "--global" {
                "global"
            } else {
                app.as_str()
            };
            ctx.out
                .info2_quiet(&format!("{subject} letsencrypt information"));
            for (flag, value) in &flags {
                let words = flag.trim_start_matches("--").replace('-', " ");
                let mut chars = words.chars();
                let label: String = match chars.next() {
                    Some(first) => first.to_uppercase().chain(chars).collect(),
                    None => String::new(),
                };
                bash_row(&mut ctx.out, &label, value);
            }
            continue;
        }
        match flags.iter().find(|(k, _)| *k == info_flag) {
            Some((_, value)) if !value.is_empty() => ctx.out.log(value),
            Some(_) => return ctx.out.fail("not deployed"),
            None => {
                let valid: String = flags.iter().map(|(k, _)| format!(" {k}")).collect();
                return ctx
                    .out
                    .fail(&format!("Invalid flag passed, valid flags:{valid}"));
            }
        }
    }
}

/// `dokku_log_info2`: `=====> text`, not quiet-able.
fn info2(out: &mut crate::out::Out, text: &str) {
    out.log(&format!("=====> {text}"));
}

fn col(text: &str, width: usize) -> String {
    format!("{text:<width$}")
}

fn list(ctx: &mut Ctx<'_>) {
    if !ctx.out.quiet {
        ctx.out.log(&format!(
            "{} {} {} {} {}",
            col("----->", 6),
            col("App name", 18),
            col("Certificate Expiry", 25),
            col("Time before expiry", 25),
            col("Time before renewal", 25)
        ));
    }
    let mut rows = apps_with_expiry(ctx.host);
    rows.sort_by_key(|(_, expiry, _, _)| *expiry);
    for (app, expiry, to_expiry, to_renewal) in rows {
        ctx.out.log(&format!(
            "{} {} {} {}",
            col(&app, 25),
            col(&date_time(expiry), 25),
            col(&format_timediff(to_expiry), 25),
            col(&format_timediff(to_renewal), 25)
        ));
    }
}

/// Give an app a certificate letsencrypt issued, expiring at `expires`
/// (Unix seconds): what a successful `letsencrypt:enable` leaves behind.
pub fn issue(host: &mut SimHost, app: &str, expires: u64) {
    let crt = format!(
        "-----BEGIN CERTIFICATE-----\nLETSENCRYPT{app}{expires}\n-----END CERTIFICATE-----\n"
    );
    let key = format!(
        "-----BEGIN PRIVATE KEY-----\nLETSENCRYPT{app}{expires}\n-----END PRIVATE KEY-----\n"
    );
    host.install_cert(app, &crt, &key, Some(ISSUER), expires);
    if let Some(a) = host.apps.get_mut(app) {
        let le = a.extra.entry("letsencrypt".to_owned()).or_default();
        le.insert("active".to_owned(), "true".to_owned());
        le.insert("expires-at".to_owned(), expires.to_string());
    }
}

/// `fn-letsencrypt-enable`; false when it failed.
fn enable(ctx: &mut Ctx<'_>, app: &str) -> bool {
    if !ctx.verify_app(app) {
        return false;
    }
    let domains = ctx
        .host
        .apps
        .get(app)
        .map(|a| a.domains.clone())
        .unwrap_or_default();
    if domains.is_empty() {
        ctx.out.warn(&format!("No domains detected for {app}"));
        ctx.out.code = 1;
        return false;
    }
    info2(&mut ctx.out, &format!("Enabling letsencrypt for {app}"));
    if !check_email(ctx, app) {
        return false;
    }
    ctx.out.info1(&format!("Enabling ACME proxy for {app}..."));
    ctx.out
        .info1(&format!("Getting letsencrypt certificate for {app}..."));
    for domain in &domains {
        ctx.out
            .stderr_plain(&format!("        - Domain '{domain}'"));
    }
    ctx.out.info1("Certificate retrieved successfully.");
    let expires = ctx.host.now + 90 * 86_400;
    issue(ctx.host, app, expires);
    ctx.out.info1(&format!("Disabling ACME proxy for {app}..."));
    ctx.out.info1("Done");
    ctx.host.tick(1);
    true
}

fn check_email(ctx: &mut Ctx<'_>, app: &str) -> bool {
    if !computed(ctx.host, app, "email").is_empty() {
        return true;
    }
    ctx.out
        .warn("ERROR: Cannot request a certificate without an e-mail address!");
    ctx.out.warn("  please provide your e-mail address using");
    ctx.out
        .warn(&format!("  dokku letsencrypt:set {app} email <e-mail>"));
    ctx.out.code = 1;
    false
}

fn disable(ctx: &mut Ctx<'_>, args: &[String]) {
    let app = args.first().map(String::as_str).unwrap_or("");
    if !ctx.verify_app(app) {
        return;
    }
    ctx.out.info1("Disabling letsencrypt for app");
    ctx.out
        .verbose(&format!("Removing letsencrypt files for {app}"));
    ctx.out
        .verbose(&format!("Removing SSL endpoint from {app}"));
    if let Some(a) = ctx.host.apps.get_mut(app) {
        a.extra.remove("letsencrypt");
        a.extra.remove("certs");
    }
    ctx.out.info1("Done");
    ctx.host.tick(1);
}

fn auto_renew(ctx: &mut Ctx<'_>, args: &[String]) {
    match args.first().map(String::as_str) {
        None | Some("") => {
            info2(&mut ctx.out, "Auto-renewing all apps...");
            let mut rows = apps_with_expiry(ctx.host);
            rows.sort_by_key(|(_, _, _, to_renewal)| *to_renewal);
            let mut failed = false;
            for (app, _, _, to_renewal) in rows {
                if to_renewal < 0 {
                    ctx.out.info1(&format!("{app} needs renewal"));
                    failed |= !enable(ctx, &app);
                    ctx.out.code = 0;
                } else {
                    let left = format_timediff(to_renewal);
                    ctx.out
                        .verbose(&format!("{app} still has {left} days left before renewal"));
                }
            }
            info2(&mut ctx.out, "Finished auto-renewal");
            if failed {
                ctx.out
                    .fail("One or more apps failed to have their certificates renewed");
            }
        }
        Some(app) => {
            if !ctx.verify_app(app) {
                return;
            }
            if !is_active(ctx.host, app) {
                ctx.out.info1(&format!("Letsencrypt not enabled for {app}"));
                return;
            }
            let now = i64::try_from(ctx.host.now).unwrap_or(i64::MAX);
            let exp = expiry(ctx.host, app)
                .and_then(|e| i64::try_from(e).ok())
                .unwrap_or(0);
            let grace = i64::try_from(graceperiod(ctx.host, app)).unwrap_or(0);
            let to_renewal = exp - grace - now;
            if to_renewal < 0 {
                info2(&mut ctx.out, &format!("Auto-renew {app}..."));
                enable(ctx, app);
            } else {
                let left = format_timediff(to_renewal);
                ctx.out
                    .verbose(&format!("{app} still has {left} left before renewal"));
            }
        }
    }
}

fn cleanup(ctx: &mut Ctx<'_>, args: &[String]) {
    let app = args.first().map(String::as_str).unwrap_or("");
    if !ctx.verify_app(app) {
        return;
    }
    let Some(expires) = expiry(ctx.host, app) else {
        ctx.out
            .warn("Cannot resolve the 'current' certificate directory!");
        ctx.out.code = 1;
        return;
    };
    info2(
        &mut ctx.out,
        &format!("Cleaning up stale certificate directories for {app}"),
    );
    // A stand-in for the config hash directory name (sha1 in the plugin).
    ctx.out.info1(&format!(
        "  - current config hash {:040x}",
        u128::from(expires)
    ));
}

fn revoke(ctx: &mut Ctx<'_>, args: &[String]) {
    let app = args.first().map(String::as_str).unwrap_or("");
    if !ctx.verify_app(app) {
        return;
    }
    info2(
        &mut ctx.out,
        &format!("Revoke letsencrypt certificate from {app}..."),
    );
    if !check_email(ctx, app) {
        return;
    }
    ctx.out
        .info1(&format!("Revoking letsencrypt certificate for {app}..."));
    ctx.out.info1("Certificate revoked successfully.");
    if let Some(a) = ctx.host.apps.get_mut(app) {
        a.extra.remove("certs");
        if let Some(le) = a.extra.get_mut("letsencrypt") {
            le.insert("active".to_owned(), "false".to_owned());
        }
    }
    ctx.out.info1(&format!("Removing SSL endpoint from {app}"));
    ctx.out.info1("Done");
    ctx.host.tick(1);
}

fn set(ctx: &mut Ctx<'_>, args: &[String]) {
    let target = args.first().map(String::as_str).unwrap_or("");
    if target != "--global" && !ctx.verify_app(target) {
        return;
    }
    let key = args.get(1).map(String::as_str).unwrap_or("");
    let value = args.get(2).map(String::as_str).unwrap_or("");
    if key.is_empty() {
        return ctx.out.fail("No key specified");
    }
    if !VALID_KEYS.contains(&key) && !key.starts_with("dns-provider-") {
        return ctx.out.fail(
            "Invalid key specified, valid keys include: dns-provider, dns-provider-*, email, graceperiod, server, lego-docker-args",
        );
    }
    let props = if target == "--global" {
        ctx.host
            .global_properties
            .entry("letsencrypt".to_owned())
            .or_default()
    } else {
        match ctx.host.apps.get_mut(target) {
            Some(a) => a.properties.entry("letsencrypt".to_owned()).or_default(),
            None => return,
        }
    };
    if value.is_empty() {
        props.remove(key);
        ctx.out.info2_quiet(&format!("Unsetting {key}"));
    } else {
        props.insert(key.to_owned(), value.to_owned());
        ctx.out.info2_quiet(&format!("Setting {key} to {value}"));
    }
    ctx.host.tick(1);
}

fn cron_job(ctx: &mut Ctx<'_>, args: &[String]) {
    let cron = ctx
        .host
        .global_properties
        .entry("letsencrypt-cron".to_owned())
        .or_default();
    match args.first().map(String::as_str) {
        Some("--add") => {
            cron.insert("autorenew".to_owned(), "true".to_owned());
            ctx.out.info1("Added cron job to dokku's crontab.");
        }
        Some("--remove") => {
            cron.remove("autorenew");
            ctx.out.info1("Removed cron job from dokku's crontab.");
        }
        _ => ctx
            .out
            .verbose("Specify --add or --remove to modify the cron-job"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timediffs() {
        assert_eq!(format_timediff(40 * 86_400), "40d");
        assert_eq!(format_timediff(-(86_400 + 61)), "1d, 1m, 1s ago");
        assert_eq!(format_timediff(0), "");
    }
}
