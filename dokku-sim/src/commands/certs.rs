//! `certs` commands (simulated): `certs:report`, `certs:add`,
//! `certs:update`, `certs:generate`, `certs:remove`, `certs:show`.
//!
//! Written from dokku/dokku `plugins/certs`: `subcommands/add` (`update`
//! is a link to it: a tar archive on stdin, `tar xvf -` listing its
//! members, exactly one `.crt` and one `.key`), `subcommands/show`,
//! `subcommands/remove`, `subcommands/generate` and `report.go` (report
//! type `ssl`; the simulator uses the Go renderer on every version).
//!
//! State: the app's `certs` entry of `App::extra`: `crt`, `key` (the PEM
//! files) and what openssl would read from the certificate (`starts-at`,
//! `expires-at` in openssl's date form, `issuer`, `subject`, `hostnames`,
//! `verified`). The simulator does not parse X.509: an added or generated
//! certificate is recorded as self-signed for the app's first domain,
//! valid for 365 days from the simulated clock.

use std::io::Read;

use crate::common::report::{self, GoReport};
use crate::common::report::{Fields, JsonKeys};
use crate::common::{Ctx, Outcome};
use crate::host::{SimHost, SECONDS_PER_DAY};

/// Run a `certs` subcommand; `None` if it is not one this module knows.
pub fn run(ctx: &mut Ctx<'_>, subcommand: &str, args: &[String]) -> Option<Outcome> {
    match subcommand {
        "certs:report" => {
            let spec = GoReport {
                plugin: "certs",
                report_type: "ssl",
                global_scope: true,
                validate_format: true,
                json_keys: JsonKeys::Stripped,
                no_apps_fails: false,
                empty_app_means_all: true,
                dokku_apps: true,
                upper_first: true,
                collect: &collect,
                json: None,
            };
            report::run(ctx, &spec, args);
        }
        "certs:add" | "certs:update" => add(ctx, args),
        "certs:show" => show(ctx, args),
        "certs:remove" => remove(ctx, args),
        "certs:generate" => generate(ctx, args),
        _ => return None,
    }
    Some(Outcome::Done(std::mem::take(&mut ctx.out)))
}

/// Install a certificate on an app ([`SimHost::install_cert`]).
pub fn install(
    host: &mut SimHost,
    app: &str,
    crt: &str,
    key: &str,
    issued_by_ca: Option<&str>,
    expires_at: u64,
) {
    host.install_cert(app, crt, key, issued_by_ca, expires_at);
}

fn collect(host: &SimHost, app: Option<&str>, _format: &str, _flag: Option<&str>) -> Fields {
    let mut fields = Fields::new();
    let Some(app) = app else {
        return fields;
    };
    let enabled = host.has_cert(app);
    fields.insert("--ssl-dir".to_owned(), format!("/home/dokku/{app}/tls"));
    fields.insert("--ssl-enabled".to_owned(), enabled.to_string());
    for key in [
        "expires-at",
        "hostnames",
        "issuer",
        "starts-at",
        "subject",
        "verified",
    ] {
        let value = if enabled {
            host.cert(app)
                .and_then(|c| c.get(key))
                .cloned()
                .unwrap_or_default()
        } else {
            String::new()
        };
        fields.insert(format!("--ssl-{key}"), value);
    }
    fields
}

/// The app argument, as bash plugins check it.
fn app_arg<'a>(ctx: &mut Ctx<'_>, args: &'a [String]) -> Option<&'a str> {
    let app = args.first().map(String::as_str).unwrap_or("");
    if app.is_empty() {
        ctx.out.fail("Please specify an app to run the command on");
        return None;
    }
    ctx.verify_app(app).then_some(app)
}

fn add(ctx: &mut Ctx<'_>, args: &[String]) {
    let Some(app) = app_arg(ctx, args) else {
        return;
    };
    // File arguments name paths on the host, which the simulator has not.
    if args.len() >= 3 {
        ctx.out
            .fail("CRT file specified not found, please check file paths");
        return;
    }
    if ctx.stdin.is_empty() {
        ctx.out
            .fail("Tar archive containing server.crt and server.key expected on stdin");
        return;
    }
    let mut files: Vec<(String, String)> = Vec::new();
    let mut archive = tar::Archive::new(ctx.stdin);
    let entries = match archive.entries() {
        Ok(entries) => entries,
        Err(_) => {
            tar_failure(ctx);
            return;
        }
    };
    for entry in entries {
        let Ok(mut entry) = entry else {
            tar_failure(ctx);
            return;
        };
        let name = entry
            .path()
            .map(|p| p.to_string_lossy().into_owned())
            .unwrap_or_default();
        let mut body = String::new();
        if entry.read_to_string(&mut body).is_err() {
            tar_failure(ctx);
            return;
        }
        ctx.out.log(&name);
        let base = name.rsplit('/').next().unwrap_or("");
        if entry.header().entry_type().is_file() && !base.starts_with('.') {
            files.push((name, body));
        }
    }
    let pick = |ext: &str| -> Result<String, &'static str> {
        let found: Vec<&(String, String)> =
            files.iter().filter(|(n, _)| n.ends_with(ext)).collect();
        match found.len() {
            0 => Err("missing"),
            1 => Ok(found[0].1.clone()),
            _ => Err("more"),
        }
    };
    let crt = match pick(".crt") {
        Ok(c) => c,
        Err("missing") => return ctx.out.fail("Tar archive is missing .crt file"),
        Err(_) => return ctx.out.fail("Tar archive contains more than one .crt file"),
    };
    let key = match pick(".key") {
        Ok(k) => k,
        Err("missing") => return ctx.out.fail("Tar archive is missing .key file"),
        Err(_) => return ctx.out.fail("Tar archive contains more than one .key file"),
    };
    let expires = ctx.host.now + 365 * SECONDS_PER_DAY;
    install(ctx.host, app, &crt, &key, None, expires);
    if let Some(le) = ctx
        .host
        .apps
        .get_mut(app)
        .and_then(|a| a.extra.get_mut("letsencrypt"))
    {
        // The served certificate is no longer the one letsencrypt issued.
        le.insert("active".to_owned(), "false".to_owned());
    }
    ctx.host.tick(1);
}

// GNU tar on something that is not an archive; `set -e` exits with tar's 2.
fn tar_failure(ctx: &mut Ctx<'_>) {
    ctx.out
        .stderr_plain("tar: This does not look like a tar archive");
    ctx.out
        .stderr_plain("tar: Exiting with failure status due to previous errors");
    ctx.out.code = 2;
}

fn show(ctx: &mut Ctx<'_>, args: &[String]) {
    let Some(app) = app_arg(ctx, args) else {
        return;
    };
    let part = args.get(1).map(String::as_str).unwrap_or("");
    if part != "key" && part != "crt" {
        ctx.out.fail("specify either 'key' or 'crt'");
        return;
    }
    if !ctx.host.has_cert(app) {
        ctx.out
            .fail(&format!("{app} doesn't have an SSL endpoint defined"));
        return;
    }
    let text = ctx
        .host
        .cert(app)
        .and_then(|c| c.get(part))
        .cloned()
        .unwrap_or_default();
    ctx.out.print(&text);
}

fn remove(ctx: &mut Ctx<'_>, args: &[String]) {
    let Some(app) = app_arg(ctx, args) else {
        return;
    };
    let removed = ctx
        .host
        .apps
        .get_mut(app)
        .and_then(|a| a.extra.remove("certs"))
        .is_some();
    if removed {
        ctx.out.info1(&format!("Removing SSL endpoint from {app}"));
        if let Some(le) = ctx
            .host
            .apps
            .get_mut(app)
            .and_then(|a| a.extra.get_mut("letsencrypt"))
        {
            le.insert("active".to_owned(), "false".to_owned());
        }
        ctx.host.tick(1);
    } else {
        ctx.out.fail("An app-specific SSL endpoint is not defined");
    }
}

fn generate(ctx: &mut Ctx<'_>, args: &[String]) {
    let Some(app) = app_arg(ctx, args) else {
        return;
    };
    let domain = args.get(1).cloned().unwrap_or_default();
    if ctx.host.has_cert(app) {
        ctx.out
            .info1(&format!("{app} has an SSL endpoint already defined"));
        return;
    }
    ctx.out.info1("Installing certificate and key...");
    if !domain.is_empty() {
        if let Some(a) = ctx.host.apps.get_mut(app) {
            if !a.domains.contains(&domain) {
                a.domains.push(domain.clone());
            }
        }
    }
    let crt = format!("-----BEGIN CERTIFICATE-----\nSIMULATED{app}\n-----END CERTIFICATE-----\n");
    let key = format!("-----BEGIN PRIVATE KEY-----\nSIMULATED{app}\n-----END PRIVATE KEY-----\n");
    let expires = ctx.host.now + 365 * SECONDS_PER_DAY;
    install(ctx.host, app, &crt, &key, None, expires);
    ctx.out
        .info1("The following is a certificate signing request that can be used");
    ctx.out.info1(&format!(
        "to generate an 'officially' signed SSL certificate for {app} at {domain}"
    ));
    ctx.out.info1("by a CA of your choosing.");
    ctx.out.print(&format!(
        "-----BEGIN CERTIFICATE REQUEST-----\nSIMULATED{app}\n-----END CERTIFICATE REQUEST-----\n"
    ));
    ctx.host.tick(1);
}
