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
//! `verified`). A certificate that is real X.509 (read with [`x509`]) is
//! reported as openssl reads it; anything else (the simulator's own
//! `certs:generate`, or a placeholder PEM) is recorded as self-signed for
//! the app's first domain, valid for 365 days from the simulated clock.
//! Installing one rebuilds the proxy config (`post-certs-update`,
//! `post-domains-update`), which checks the app's domains against the
//! certificate's.

use std::io::Read;

use crate::common::report::{self, GoReport};
use crate::common::report::{Fields, JsonKeys};
use crate::common::{Ctx, Outcome};
use crate::host::{openssl_date, SimHost, SECONDS_PER_DAY};

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
    // `is_file_import`: both paths given, read from the host's files.
    let crt_file = args.get(1).filter(|f| !f.is_empty());
    let key_file = args.get(2).filter(|f| !f.is_empty());
    if let (Some(crt_file), Some(key_file)) = (crt_file, key_file) {
        let Some(crt) = ctx.host.files.get(crt_file).cloned() else {
            ctx.out
                .fail("CRT file specified not found, please check file paths");
            return;
        };
        let Some(key) = ctx.host.files.get(key_file).cloned() else {
            ctx.out
                .fail("KEY file specified not found, please check file paths");
            return;
        };
        set_cert(ctx, app, &crt, &key);
        return;
    }
    // `is_tar_import` (stdin is never a terminal here): an empty archive
    // fails tar's checks, exit 2, nothing printed.
    if ctx.stdin.is_empty() {
        ctx.out.code = 2;
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
    set_cert(ctx, app, &crt, &key);
}

/// `fn-certs-set`: the files installed, then `post-certs-update` and
/// `post-domains-update`.
fn set_cert(ctx: &mut Ctx<'_>, app: &str, crt: &str, key: &str) {
    match x509::read(crt) {
        Some(cert) => {
            if let Some(state) = ctx.host.apps.get_mut(app) {
                let entry = state.extra.entry("certs".to_owned()).or_default();
                entry.clear();
                entry.insert("crt".to_owned(), crt.to_owned());
                entry.insert("key".to_owned(), key.to_owned());
                entry.insert("starts-at".to_owned(), openssl_date(cert.not_before));
                entry.insert("expires-at".to_owned(), openssl_date(cert.not_after));
                entry.insert("subject".to_owned(), cert.subject_rfc2253());
                entry.insert("issuer".to_owned(), cert.issuer_oneline());
                entry.insert("hostnames".to_owned(), cert.hostnames().join(" "));
                let verified = if cert.self_signed() {
                    "self signed"
                } else {
                    "verified by a certificate authority"
                };
                entry.insert("verified".to_owned(), verified.to_owned());
            }
        }
        None => {
            let expires = ctx.host.now + 365 * SECONDS_PER_DAY;
            install(ctx.host, app, crt, key, None, expires);
        }
    }
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
    ctx.trigger("post-certs-update", &[app.to_owned()]);
    ctx.trigger("post-domains-update", &[app.to_owned()]);
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
        ctx.trigger("post-certs-remove", &[app.to_owned()]);
        ctx.trigger("post-domains-update", &[app.to_owned()]);
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

/// Just enough DER to read what openssl prints about a certificate: the
/// subject and issuer names, the validity and the DNS names of the
/// subject-alternative-name extension.
pub mod x509 {
    use base64::Engine;

    /// What a certificate says.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct Cert {
        /// The issuer's attributes, in order: (short name, value).
        pub issuer: Vec<(String, String)>,
        /// The subject's attributes, in order.
        pub subject: Vec<(String, String)>,
        /// `notBefore`, Unix seconds.
        pub not_before: u64,
        /// `notAfter`, Unix seconds.
        pub not_after: u64,
        /// The subject alternative names of type DNS.
        pub dns_names: Vec<String>,
    }

    impl Cert {
        /// `openssl x509 -subject -nameopt RFC2253`: the attributes in
        /// reverse order, `key=value` joined by commas.
        pub fn subject_rfc2253(&self) -> String {
            self.subject
                .iter()
                .rev()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join(",")
        }

        /// `openssl x509 -issuer` (its default one-line form, without the
        /// `issuer=` prefix): `key = value` joined by `, `.
        pub fn issuer_oneline(&self) -> String {
            self.issuer
                .iter()
                .map(|(k, v)| format!("{k} = {v}"))
                .collect::<Vec<_>>()
                .join(", ")
        }

        /// Issued by itself.
        pub fn self_signed(&self) -> bool {
            self.issuer == self.subject
        }

        /// `get_ssl_hostnames`: the subject's CN and the DNS names, sorted,
        /// without duplicates.
        pub fn hostnames(&self) -> Vec<String> {
            let mut names: Vec<String> = self
                .subject
                .iter()
                .filter(|(k, _)| k == "CN")
                .map(|(_, v)| v.clone())
                .chain(self.dns_names.iter().cloned())
                .collect();
            names.sort();
            names.dedup();
            names
        }
    }

    /// One DER element: its tag and contents.
    struct Tlv<'a> {
        tag: u8,
        body: &'a [u8],
    }

    /// The elements of a DER sequence's contents, in order.
    fn elements(mut data: &[u8]) -> Option<Vec<Tlv<'_>>> {
        let mut out = Vec::new();
        while !data.is_empty() {
            let tag = *data.first()?;
            let first = usize::from(*data.get(1)?);
            let (len, header) = if first < 0x80 {
                (first, 2)
            } else {
                let count = first & 0x7f;
                let mut len = 0usize;
                for i in 0..count {
                    len = (len << 8) | usize::from(*data.get(2 + i)?);
                }
                (len, 2 + count)
            };
            let body = data.get(header..header + len)?;
            out.push(Tlv { tag, body });
            data = data.get(header + len..)?;
        }
        Some(out)
    }

    fn short_name(oid: &[u8]) -> String {
        match oid {
            [0x55, 0x04, 0x03] => "CN".to_owned(),
            [0x55, 0x04, 0x06] => "C".to_owned(),
            [0x55, 0x04, 0x07] => "L".to_owned(),
            [0x55, 0x04, 0x08] => "ST".to_owned(),
            [0x55, 0x04, 0x0a] => "O".to_owned(),
            [0x55, 0x04, 0x0b] => "OU".to_owned(),
            other => other
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect::<Vec<_>>()
                .join("."),
        }
    }

    fn name(body: &[u8]) -> Option<Vec<(String, String)>> {
        let mut attributes = Vec::new();
        for set in elements(body)? {
            for pair in elements(set.body)? {
                let parts = elements(pair.body)?;
                let oid = parts.first()?.body;
                let value = String::from_utf8_lossy(parts.get(1)?.body).into_owned();
                attributes.push((short_name(oid), value));
            }
        }
        Some(attributes)
    }

    /// `UTCTime` (`YYMMDDHHMMSSZ`) or `GeneralizedTime`.
    fn time(tlv: &Tlv<'_>) -> Option<u64> {
        let text = std::str::from_utf8(tlv.body).ok()?;
        let (year, rest) = if tlv.tag == 0x17 {
            let yy: u64 = text.get(0..2)?.parse().ok()?;
            (if yy >= 50 { 1900 + yy } else { 2000 + yy }, text.get(2..)?)
        } else {
            (text.get(0..4)?.parse().ok()?, text.get(4..)?)
        };
        let field =
            |range: std::ops::Range<usize>| -> Option<u64> { rest.get(range)?.parse().ok() };
        let (month, day) = (field(0..2)?, field(2..4)?);
        let (hour, minute, second) = (field(4..6)?, field(6..8)?, field(8..10)?);
        let days = crate::host::days_from_civil(year, month, day)?;
        Some(days * 86_400 + hour * 3600 + minute * 60 + second)
    }

    /// Read a PEM certificate; `None` when it is not one.
    pub fn read(pem: &str) -> Option<Cert> {
        let body: String = pem
            .lines()
            .skip_while(|l| !l.starts_with("-----BEGIN CERTIFICATE-----"))
            .skip(1)
            .take_while(|l| !l.starts_with("-----END"))
            .collect();
        let der = base64::engine::general_purpose::STANDARD
            .decode(body)
            .ok()?;
        let certificate = elements(&der)?;
        let parts = elements(certificate.first()?.body)?;
        let tbs = elements(parts.first()?.body)?;
        // An explicit version ([0]) shifts the fields by one.
        let at = usize::from(tbs.first()?.tag == 0xa0);
        let issuer = name(tbs.get(at + 2)?.body)?;
        let validity = elements(tbs.get(at + 3)?.body)?;
        let subject = name(tbs.get(at + 4)?.body)?;
        let mut dns_names = Vec::new();
        if let Some(extensions) = tbs.iter().find(|t| t.tag == 0xa3) {
            for extension in elements(elements(extensions.body)?.first()?.body)? {
                let parts = elements(extension.body)?;
                if parts.first()?.body != [0x55, 0x1d, 0x11] {
                    continue;
                }
                let value = parts.last()?.body;
                for general in elements(elements(value)?.first()?.body)? {
                    if general.tag == 0x82 {
                        dns_names.push(String::from_utf8_lossy(general.body).into_owned());
                    }
                }
            }
        }
        Some(Cert {
            issuer,
            subject,
            not_before: time(validity.first()?)?,
            not_after: time(validity.get(1)?)?,
            dns_names,
        })
    }
}
