//! `certs …` and `letsencrypt …`: TLS. Private keys are sent on stdin and
//! shown only with `--reveal`; DNS provider credentials are secret values.

use std::io::Write;
use std::time::SystemTime;

use dokku::api::certs as certs_api;
use dokku::api::letsencrypt as le_api;
use dokku::api::properties::set_command;
use dokku::api::report::{report_command, ReportTarget};
use dokku::api::{Format, Scope, Target};
use dokku::catalog::plugins;
use dokku::model::certs::{CertPart, CertsReport};
use dokku::model::letsencrypt::LetsencryptReport;
use dokku::parse::logs::format_rfc3339_utc;
use dokku::Command;
use serde_json::json;

use crate::apps::{changed, finish, streamed};
use crate::error::CliError;
use crate::output::{self, Cell, DIM, GREEN, RED, YELLOW};
use crate::plan::{CertsPlan, LetsencryptPlan, Opts};
use crate::session::{self, Session};

/// `4d 23h`, `3h 5m`, `45s`; `expired 2d ago` style when negative.
pub fn human_secs(secs: i64) -> String {
    let abs = secs.unsigned_abs();
    let (d, h, m) = (abs / 86_400, abs % 86_400 / 3600, abs % 3600 / 60);
    let text = match (d, h, m) {
        (0, 0, 0) => format!("{abs}s"),
        (0, 0, m) => format!("{m}m"),
        (0, h, m) => format!("{h}h {m}m"),
        (d, h, _) => format!("{d}d {h}h"),
    };
    if secs < 0 {
        format!("{text} ago")
    } else {
        format!("in {text}")
    }
}

fn seconds_until(time: SystemTime) -> i64 {
    match time.duration_since(SystemTime::now()) {
        Ok(d) => i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
        Err(e) => -i64::try_from(e.duration().as_secs()).unwrap_or(i64::MAX),
    }
}

fn time_json(time: Option<SystemTime>) -> serde_json::Value {
    json!(time.map(format_rfc3339_utc))
}

pub fn certs_commands(plan: &CertsPlan) -> Result<Vec<Command>, CliError> {
    Ok(vec![match plan {
        CertsPlan::Report(app) => report_command(
            &plugins::CERTS,
            &ReportTarget::App(app.clone()),
            Format::Json,
        )?,
        CertsPlan::Add {
            app,
            update,
            cert,
            key,
        } => certs_api::add_command(*update, app, cert, key)?,
        CertsPlan::Remove(app) => certs_api::remove_command(app),
        CertsPlan::Show(app, part) => certs_api::show_command(app, *part),
        CertsPlan::Generate {
            app,
            domain,
            subject,
        } => certs_api::generate_command(app, Some(domain), subject)?,
    }])
}

/// Reading the private key is refused without `--reveal`, before anything
/// is sent: printing `***` for a key would be of no use to anyone.
pub fn certs_check(opts: &Opts, plan: &CertsPlan) -> Result<(), CliError> {
    match plan {
        CertsPlan::Show(_, CertPart::Key) if !opts.reveal => Err(CliError::usage(
            "the private key is a secret",
            "pass --reveal to print it",
        )),
        _ => Ok(()),
    }
}

fn certs_json(report: &CertsReport) -> serde_json::Value {
    let mut value = json!(report);
    value["expires_at"] = time_json(report.expires_at);
    value["starts_at"] = time_json(report.starts_at);
    value["expires_in_secs"] = json!(report.expires_at.map(seconds_until));
    value
}

pub async fn certs(s: &Session, plan: CertsPlan) -> Result<(), CliError> {
    let json = s.opts.json;
    match plan {
        CertsPlan::Report(app) => {
            let report = s.dokku.certs().report(&app).await?;
            if json {
                return Ok(output::json(&certs_json(&report))?);
            }
            let expiry = match report.expires_at {
                Some(t) => {
                    let left = seconds_until(t);
                    let style = match left {
                        l if l < 0 => RED,
                        l if l < 14 * 86_400 => YELLOW,
                        _ => GREEN,
                    };
                    Cell(
                        format!("{} ({})", output::seconds(t), human_secs(left)),
                        style,
                    )
                }
                None => Cell("-".to_owned(), DIM),
            };
            Ok(output::pairs(
                &format!("app {app}"),
                &[
                    (
                        "tls",
                        if report.enabled {
                            Cell("enabled".to_owned(), GREEN)
                        } else {
                            Cell("disabled".to_owned(), DIM)
                        },
                    ),
                    ("hostnames", Cell::plain(report.hostnames.join(" "))),
                    ("expires", expiry),
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
        CertsPlan::Add {
            app,
            update,
            cert,
            key,
        } => {
            let command = certs_api::add_command(update, &app, &cert, &key)?;
            let (doing, done) = if update {
                ("updating the certificate of", "updated the certificate of")
            } else {
                ("adding a certificate to", "added a certificate to")
            };
            streamed(s, &command, doing, done, app.as_str()).await
        }
        CertsPlan::Remove(app) => {
            let command = certs_api::remove_command(&app);
            streamed(
                s,
                &command,
                "removing the certificate of",
                "removed the certificate of",
                app.as_str(),
            )
            .await
        }
        CertsPlan::Generate {
            app,
            domain,
            subject,
        } => {
            let command = certs_api::generate_command(&app, Some(&domain), &subject)?;
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
            finish(
                json,
                "generated a self-signed certificate for",
                &what,
                &command,
                &lines,
            )
        }
        CertsPlan::Show(app, CertPart::Crt) => {
            let pem = s.dokku.certs().show_crt(&app).await?;
            if json {
                return Ok(output::json(&json!({ "app": app.as_str(), "crt": pem }))?);
            }
            Ok(write!(std::io::stdout(), "{pem}")?)
        }
        CertsPlan::Show(app, _) => {
            let key = s.dokku.certs().show_key(&app).await?;
            if json {
                return Ok(output::json(
                    &json!({ "app": app.as_str(), "key": key.expose() }),
                )?);
            }
            Ok(write!(std::io::stdout(), "{}", key.expose())?)
        }
    }
}

pub fn letsencrypt_commands(plan: &LetsencryptPlan) -> Result<Vec<Command>, CliError> {
    Ok(vec![match plan {
        LetsencryptPlan::List => le_api::list_command(),
        LetsencryptPlan::Report(Scope::App(app)) => report_command(
            &plugins::LETSENCRYPT,
            &ReportTarget::App(app.clone()),
            Format::Json,
        )?,
        LetsencryptPlan::Report(_) => {
            report_command(&plugins::LETSENCRYPT, &ReportTarget::Global, Format::Json)?
        }
        LetsencryptPlan::Active(app) => le_api::active_command(app),
        LetsencryptPlan::Enable(target) => le_api::enable_command(target),
        LetsencryptPlan::Disable(app) => le_api::disable_command(app),
        LetsencryptPlan::AutoRenew(app) => le_api::auto_renew_command(app.as_ref()),
        LetsencryptPlan::Cleanup(app) => le_api::cleanup_command(app),
        LetsencryptPlan::Revoke(app) => le_api::revoke_command(app),
        LetsencryptPlan::Set { scope, key, value } => set_command(
            &plugins::LETSENCRYPT,
            scope,
            key,
            value.as_ref().map(|v| v.expose()),
        )?,
        LetsencryptPlan::CronJob(add) => le_api::cron_job_command(*add),
    }])
}

pub fn letsencrypt_confirm(opts: &Opts, plan: &LetsencryptPlan) -> Result<(), CliError> {
    match plan {
        LetsencryptPlan::Revoke(app) => session::confirm(
            opts,
            app.as_str(),
            &format!("revoke the Let's Encrypt certificate of {app}"),
        ),
        _ => Ok(()),
    }
}

fn le_report_json(report: &LetsencryptReport) -> serde_json::Value {
    let mut value = json!(report);
    value["expiration"] = time_json(report.expiration);
    value
}

pub async fn letsencrypt(s: &Session, plan: LetsencryptPlan) -> Result<(), CliError> {
    let json = s.opts.json;
    let le = s.dokku.letsencrypt();
    match plan {
        LetsencryptPlan::List => {
            let entries = le.list().await?;
            if json {
                let rows: Vec<_> = entries
                    .iter()
                    .map(|e| {
                        json!({
                            "app": e.app.as_str(),
                            "expires_at": format_rfc3339_utc(e.expires_at),
                            "expires_in_secs": e.expires_in_secs,
                            "renews_in_secs": e.renews_in_secs,
                            "renewal_due": e.renewal_due(),
                        })
                    })
                    .collect();
                return Ok(output::json(&json!(rows))?);
            }
            if entries.is_empty() {
                output::note("no Let's Encrypt certificates");
                return Ok(());
            }
            let rows: Vec<Vec<Cell>> = entries
                .iter()
                .map(|e| {
                    let expiry_style = if e.expires_in_secs < 0 {
                        RED
                    } else if e.expires_in_secs < 14 * 86_400 {
                        YELLOW
                    } else {
                        GREEN
                    };
                    vec![
                        Cell::plain(e.app.to_string()),
                        Cell::plain(output::seconds(e.expires_at)),
                        Cell(human_secs(e.expires_in_secs), expiry_style),
                        if e.renewal_due() {
                            Cell("due now".to_owned(), YELLOW)
                        } else {
                            Cell::plain(human_secs(e.renews_in_secs))
                        },
                    ]
                })
                .collect();
            Ok(output::table(
                &["APP", "EXPIRES (UTC)", "EXPIRY", "RENEWAL"],
                &rows,
            )?)
        }
        LetsencryptPlan::Report(scope) => {
            let (title, report) = match &scope {
                Scope::App(app) => (format!("app {app}"), le.report(app).await?),
                _ => (
                    "global letsencrypt settings".to_owned(),
                    le.report_global().await?,
                ),
            };
            if json {
                return Ok(output::json(&le_report_json(&report))?);
            }
            let expiry = report
                .expiration
                .map(|t| format!("{} ({})", output::seconds(t), human_secs(seconds_until(t))))
                .unwrap_or_default();
            Ok(output::pairs(
                &title,
                &[
                    ("active", Cell::plain(report.active.to_string())),
                    ("auto-renew", Cell::plain(report.autorenew.to_string())),
                    ("expires", Cell::plain(expiry)),
                    (
                        "email",
                        Cell::plain(report.email.effective().unwrap_or_default()),
                    ),
                    (
                        "server",
                        Cell::plain(report.server.effective().unwrap_or_default()),
                    ),
                    (
                        "grace period",
                        Cell::plain(report.graceperiod.effective().unwrap_or_default()),
                    ),
                    (
                        "dns provider",
                        Cell::plain(report.dns_provider.effective().unwrap_or_default()),
                    ),
                ],
            )?)
        }
        LetsencryptPlan::Active(app) => {
            let active = le.active(&app).await?;
            if json {
                return Ok(output::json(
                    &json!({ "app": app.as_str(), "active": active }),
                )?);
            }
            Ok(writeln!(output::stdout(), "{active}")?)
        }
        LetsencryptPlan::Enable(target) => {
            let command = le_api::enable_command(&target);
            let who = match &target {
                Target::App(app) => app.to_string(),
                _ => "every app".to_owned(),
            };
            streamed(
                s,
                &command,
                "getting a certificate for",
                "enabled Let's Encrypt for",
                &who,
            )
            .await
        }
        LetsencryptPlan::Disable(app) => {
            let command = le_api::disable_command(&app);
            streamed(
                s,
                &command,
                "disabling Let's Encrypt for",
                "disabled Let's Encrypt for",
                app.as_str(),
            )
            .await
        }
        LetsencryptPlan::AutoRenew(app) => {
            let command = le_api::auto_renew_command(app.as_ref());
            let who = app.map_or("every app".to_owned(), |a| a.to_string());
            streamed(
                s,
                &command,
                "renewing what is due for",
                "renewed what was due for",
                &who,
            )
            .await
        }
        LetsencryptPlan::Cleanup(app) => {
            let command = le_api::cleanup_command(&app);
            streamed(s, &command, "cleaning up", "cleaned up", app.as_str()).await
        }
        LetsencryptPlan::Revoke(app) => {
            let command = le_api::revoke_command(&app);
            streamed(
                s,
                &command,
                "revoking the certificate of",
                "revoked the certificate of",
                app.as_str(),
            )
            .await
        }
        LetsencryptPlan::Set { scope, key, value } => {
            let command = set_command(
                &plugins::LETSENCRYPT,
                &scope,
                &key,
                value.as_ref().map(|v| v.expose()),
            )?;
            s.dokku.run(&command).await?;
            let who = match &scope {
                Scope::App(app) => app.to_string(),
                _ => "--global".to_owned(),
            };
            let verb = if value.is_some() { "set" } else { "unset" };
            changed(json, verb, &format!("{key} on {who}"), &command)
        }
        LetsencryptPlan::CronJob(add) => {
            let command = le_api::cron_job_command(add);
            s.dokku.run(&command).await?;
            let verb = if add { "added" } else { "removed" };
            changed(json, verb, "the renewal cron job", &command)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::human_secs;

    #[test]
    fn durations_read_like_a_person_says_them() {
        assert_eq!(human_secs(45), "in 45s");
        assert_eq!(human_secs(3 * 3600 + 300), "in 3h 5m");
        assert_eq!(human_secs(4 * 86_400 + 23 * 3600 + 59), "in 4d 23h");
        assert_eq!(human_secs(-2 * 86_400), "2d 0h ago");
    }
}
