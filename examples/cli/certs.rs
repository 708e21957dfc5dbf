//! `certs …`: an app's own TLS certificate. The PEM files are read only
//! for a real run and sent as a tar on stdin, never as arguments; the
//! private key is printed only with `--reveal`. Expiry is counted on the
//! host's clock.

use std::path::PathBuf;

use clap::{Args, Subcommand};
use dokku::api::certs::{self as api, CsrSubject};
use dokku::api::report::{report_command, ReportTarget};
use dokku::api::Format;
use dokku::catalog::plugins;
use dokku::model::certs::{CertPart, CertsReport};
use dokku::{AppName, Command, Domain, SecretString};
use serde_json::json;

use crate::args;
use crate::error::CliError;
use crate::family::{self, Context, Family, Opts};
use crate::output::{self, Cell, DIM};
use crate::session::{HostClock, Session};

pub const HELP: &str = "Examples:\n  cli --demo certs report api\n  cli --demo certs add api --cert server.crt --key server.key";

#[derive(Debug, Subcommand)]
pub enum CertsCmd {
    /// The app's certificate: hostnames, issuer, expiry.
    #[command(after_help = "Example:\n  cli --demo certs report api")]
    Report {
        #[arg(value_parser = args::app_name)]
        app: Option<AppName>,
    },
    /// Install a certificate and key from PEM files (sent on stdin, never
    /// as arguments).
    #[command(
        after_help = "Example:\n  cli --demo certs add api --cert server.crt --key server.key"
    )]
    Add(CertFiles),
    /// Replace the certificate and key from PEM files.
    #[command(
        after_help = "Example:\n  cli --demo certs update api --cert server.crt --key server.key"
    )]
    Update(CertFiles),
    /// Generate a self-signed certificate for a domain and install it;
    /// prints a certificate signing request for a CA. The subject fields
    /// are answered for openssl (blank unless given).
    #[command(
        after_help = "Examples:\n  cli --demo certs generate api api.example.com\n  cli --demo certs generate api api.example.com --country DE --organization 'Example GmbH'"
    )]
    Generate {
        /// [APP] DOMAIN
        #[arg(value_name = "ARGS", required = true)]
        args: Vec<String>,
        /// Country name, two letters.
        #[arg(long)]
        country: Option<String>,
        /// State or province.
        #[arg(long)]
        state: Option<String>,
        /// Locality (city).
        #[arg(long)]
        locality: Option<String>,
        /// Organization name.
        #[arg(long)]
        organization: Option<String>,
        /// Organizational unit.
        #[arg(long)]
        unit: Option<String>,
        /// Contact email address.
        #[arg(long)]
        email: Option<String>,
    },
    /// Remove the certificate.
    #[command(after_help = "Example:\n  cli --demo certs remove api")]
    Remove {
        #[arg(value_parser = args::app_name)]
        app: Option<AppName>,
    },
    /// Print the certificate, or the key (only with --reveal).
    #[command(
        after_help = "Examples:\n  cli --demo certs show api crt\n  cli --demo certs show api key --reveal"
    )]
    Show {
        /// [APP] crt|key
        #[arg(value_name = "ARGS", required = true)]
        args: Vec<String>,
    },
}

#[derive(Debug, Args)]
pub struct CertFiles {
    #[arg(value_parser = args::app_name)]
    pub app: Option<AppName>,
    /// The certificate (chain), PEM.
    #[arg(long, value_name = "FILE")]
    pub cert: PathBuf,
    /// The private key, PEM.
    #[arg(long, value_name = "FILE")]
    pub key: PathBuf,
}

#[derive(Debug, Clone)]
pub enum Plan {
    Report(AppName),
    /// The files are read when the plan is prepared (never in a dry run).
    Add {
        app: AppName,
        update: bool,
        files: (PathBuf, PathBuf),
        pem: Option<(String, SecretString)>,
    },
    Remove(AppName),
    Show(AppName, CertPart),
    Generate {
        app: AppName,
        domain: Domain,
        subject: CsrSubject,
    },
}

/// What a dry run sends in place of files it does not read (stdin is never
/// shown).
fn unread() -> (String, SecretString) {
    (
        "-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n".to_owned(),
        SecretString::new("-----BEGIN PRIVATE KEY-----\n-----END PRIVATE KEY-----\n"),
    )
}

impl Family for CertsCmd {
    type Plan = Plan;

    fn plan(self, cx: &mut Context) -> Result<Plan, CliError> {
        let add = |cx: &mut Context, files: CertFiles, update| -> Result<Plan, CliError> {
            Ok(Plan::Add {
                app: cx.app(files.app)?,
                update,
                files: (files.cert, files.key),
                pem: None,
            })
        };
        Ok(match self {
            CertsCmd::Report { app } => Plan::Report(cx.app(app)?),
            CertsCmd::Add(files) => add(cx, files, false)?,
            CertsCmd::Update(files) => add(cx, files, true)?,
            CertsCmd::Remove { app } => Plan::Remove(cx.app(app)?),
            CertsCmd::Generate {
                args,
                country,
                state,
                locality,
                organization,
                unit,
                email,
            } => {
                let (app, rest) = cx.split(args, 1, |_| false)?;
                let [name] = family::exactly(
                    rest,
                    "certs generate takes one domain",
                    "`certs generate [APP] DOMAIN`",
                )?;
                let subject = CsrSubject {
                    country: country.unwrap_or_default(),
                    state: state.unwrap_or_default(),
                    locality: locality.unwrap_or_default(),
                    organization: organization.unwrap_or_default(),
                    unit: unit.unwrap_or_default(),
                    common_name: String::new(),
                    email: email.unwrap_or_default(),
                };
                let domain = args::domain(&name)?;
                // Refuse a multi-line field before connecting.
                api::generate_command(&app, Some(&domain), &subject)?;
                Plan::Generate {
                    app,
                    domain,
                    subject,
                }
            }
            CertsCmd::Show { args } => {
                let (app, rest) = cx.split(args, 1, |a| a == "crt" || a == "key")?;
                match rest.as_slice() {
                    [part] if part == "crt" => Plan::Show(app, CertPart::Crt),
                    // Printing `***` for a key would be of no use to
                    // anyone: refused before anything is sent.
                    [part] if part == "key" && !cx.opts.reveal => {
                        return Err(CliError::usage(
                            "the private key is a secret",
                            "pass --reveal to print it",
                        ))
                    }
                    [part] if part == "key" => Plan::Show(app, CertPart::Key),
                    _ => {
                        return Err(CliError::usage(
                            "say which part: crt or key",
                            "`certs show [APP] crt|key`",
                        ))
                    }
                }
            }
        })
    }

    fn commands(plan: &Plan) -> Result<Vec<Command>, CliError> {
        Ok(vec![match plan {
            Plan::Report(app) => report_command(
                &plugins::CERTS,
                &ReportTarget::App(app.clone()),
                Format::Json,
            )?,
            Plan::Add {
                app, update, pem, ..
            } => {
                let (cert, key) = pem.clone().unwrap_or_else(unread);
                api::add_command(*update, app, &cert, &key)?
            }
            Plan::Remove(app) => api::remove_command(app),
            Plan::Show(app, part) => api::show_command(app, *part),
            Plan::Generate {
                app,
                domain,
                subject,
            } => api::generate_command(app, Some(domain), subject)?,
        }])
    }

    fn prepare(plan: Plan, _opts: &Opts) -> Result<Plan, CliError> {
        let Plan::Add {
            app,
            update,
            files,
            pem: None,
        } = plan
        else {
            return Ok(plan);
        };
        let pem = Some(load(&files)?);
        Ok(Plan::Add {
            app,
            update,
            files,
            pem,
        })
    }

    async fn run(plan: Plan, s: &Session) -> Result<(), CliError> {
        let json = s.opts.json;
        match plan {
            Plan::Report(app) => {
                let certs = s.dokku().await?.certs();
                let (report, clock) = tokio::join!(certs.report(&app), s.host_clock());
                report_out(s, &app, &report?, &clock?)
            }
            Plan::Add {
                app,
                update,
                pem,
                files,
            } => {
                let (cert, key) = match pem {
                    Some(pem) => pem,
                    None => load(&files)?,
                };
                let command = api::add_command(update, &app, &cert, &key)?;
                let (doing, done) = if update {
                    ("updating the certificate of", "updated the certificate of")
                } else {
                    ("adding a certificate to", "added a certificate to")
                };
                s.streamed(&command, doing, done, app.as_str()).await
            }
            Plan::Remove(app) => {
                let command = api::remove_command(&app);
                s.streamed(
                    &command,
                    "removing the certificate of",
                    "removed the certificate of",
                    app.as_str(),
                )
                .await
            }
            Plan::Generate {
                app,
                domain,
                subject,
            } => {
                let command = api::generate_command(&app, Some(&domain), &subject)?;
                let what = format!("{app} at {domain}");
                let label = format!("generating a self-signed certificate for {what}");
                let lines = s.stream(&command, &label, &mut str::to_owned).await?;
                // certs:generate leaves an existing certificate alone and
                // still exits 0 (plugins/certs/subcommands/generate).
                if lines
                    .iter()
                    .any(|l| l.ends_with("has an SSL endpoint already defined"))
                {
                    return Err(CliError::failed(
                        format!("{app} has a certificate already; nothing was generated"),
                        format!("remove it first: `cli certs remove {app}`"),
                    ));
                }
                output::finish(
                    json,
                    "generated a self-signed certificate for",
                    &what,
                    &command,
                    &lines,
                )
            }
            Plan::Show(app, CertPart::Crt) => {
                let pem = s.dokku().await?.certs().show_crt(&app).await?;
                if json {
                    return Ok(output::json(&json!({ "app": app.as_str(), "crt": pem }))?);
                }
                Ok(output::raw(pem.as_bytes())?)
            }
            Plan::Show(app, _) => {
                let key = s.dokku().await?.certs().show_key(&app).await?;
                if json {
                    return Ok(output::json(
                        &json!({ "app": app.as_str(), "key": key.expose() }),
                    )?);
                }
                Ok(output::raw(key.expose().as_bytes())?)
            }
        }
    }
}

/// The certificate and key from their files, refused unless PEM (before
/// connecting).
fn load(files: &(PathBuf, PathBuf)) -> Result<(String, SecretString), CliError> {
    let cert = read_pem(&files.0, "certificate")?;
    let key = SecretString::new(read_pem(&files.1, "key")?);
    api::certs_tar(&cert, &key)?;
    Ok((cert, key))
}

fn read_pem(path: &std::path::Path, what: &str) -> Result<String, CliError> {
    std::fs::read_to_string(path).map_err(|e| {
        CliError::usage(
            format!("cannot read the {what} {}: {e}", path.display()),
            "check the path",
        )
    })
}

fn report_out(
    s: &Session,
    app: &AppName,
    report: &CertsReport,
    clock: &HostClock,
) -> Result<(), CliError> {
    if s.opts.json {
        let mut value = json!(report);
        value["expires_at"] = json!(report.expires_at.map(output::time));
        value["starts_at"] = json!(report.starts_at.map(output::time));
        value["expires_in_secs"] = json!(report.expires_at.map(|t| clock.until(t)));
        return Ok(output::json(&value)?);
    }
    let expiry = match report.expires_at {
        Some(t) => output::expiry_cell(t, clock.until(t)),
        None => Cell("-".to_owned(), DIM),
    };
    Ok(output::pairs(
        &format!("app {app}"),
        &[
            ("tls", output::enabled(report.enabled)),
            ("hostnames", Cell::plain(report.hostnames.join(" "))),
            ("expires (UTC)", expiry),
            (
                "issuer",
                Cell::plain(report.issuer.clone().unwrap_or_default()),
            ),
            (
                "subject",
                Cell::plain(report.subject.clone().unwrap_or_default()),
            ),
            (
                "verified",
                Cell::plain(report.verified.clone().unwrap_or_default()),
            ),
        ],
    )?)
}
