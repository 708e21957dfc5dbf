//! `services <plugin> …`: datastore services. The DSN (and anything a
//! command prints with a password in it) is masked unless `--reveal`.

use std::io::{IsTerminal, Write};

use std::path::Path;

use dokku::api::service::{self as api, BackupVerb, Lifecycle};
use dokku::model::service::ServicePlugin;
use dokku::model::service::{ServiceInfo, ServiceStatus};
use dokku::{Command, ServiceName};
use futures_util::StreamExt;
use serde_json::json;

use crate::apps::{changed, streamed};
use crate::error::CliError;
use crate::output::{self, Cell, DIM, GREEN, RED, YELLOW};
use crate::plan::{Opts, ServiceAction, ServicesPlan};
use crate::session::{self, Session};

pub fn commands(plan: &ServicesPlan) -> Result<Vec<Command>, CliError> {
    let p = &plan.plugin;
    Ok(vec![match &plan.action {
        ServiceAction::List => api::list_command(p),
        ServiceAction::Info(svc) => api::info_command(p, svc),
        ServiceAction::Create(svc, options) => api::create_command(p, svc, options),
        ServiceAction::Destroy(svc) => api::destroy_command(p, svc, svc.as_str())?,
        ServiceAction::Link(svc, app, options) => api::link_command(p, svc, app, options)?,
        ServiceAction::Unlink(svc, app, no_restart) => {
            api::unlink_command(p, svc, app, *no_restart)
        }
        ServiceAction::Links(svc) => api::links_command(p, svc),
        ServiceAction::AppLinks(app) => api::app_links_command(p, app),
        ServiceAction::Lifecycle(svc, action) => api::lifecycle_command(p, svc, *action),
        ServiceAction::Expose(svc, ports) => api::expose_command(p, svc, ports),
        ServiceAction::Unexpose(svc) => api::unexpose_command(p, svc),
        ServiceAction::Logs(svc, follow) => api::logs_command(p, svc, *follow),
        ServiceAction::Promote(svc, app) => api::promote_command(p, svc, app),
        ServiceAction::Upgrade(svc, options) => api::upgrade_command(p, svc, options),
        ServiceAction::Clone(svc, new, options) => api::clone_command(p, svc, new, options),
        ServiceAction::Export(svc, _) => api::export_command(p, svc),
        ServiceAction::Import(svc, dump, _) => api::import_command(p, svc, dump.clone()),
        ServiceAction::Backup {
            service,
            bucket,
            use_iam,
        } => api::backup_command(p, service, bucket, *use_iam),
        ServiceAction::BackupAuth(svc, auth) => api::backup_auth_command(p, svc, auth)?,
        ServiceAction::BackupSchedule {
            service,
            cron,
            bucket,
            use_iam,
        } => api::backup_schedule_command(p, service, cron, bucket, *use_iam),
        ServiceAction::BackupSetEncryption(svc, passphrase) => {
            api::backup_set_encryption_command(p, svc, passphrase)
        }
        ServiceAction::Backup1(svc, verb) => api::backup_simple_command(p, svc, *verb),
    }])
}

/// A dump is binary: written to a terminal it would garble the screen
/// and be lost. Refused before anything is sent.
pub fn check(plan: &ServicesPlan) -> Result<(), CliError> {
    match &plan.action {
        ServiceAction::Export(svc, None) if std::io::stdout().is_terminal() => {
            Err(CliError::usage(
                "refusing to write a binary dump to the terminal",
                format!(
                    "pass --output FILE, or redirect it: `cli services {} export {svc} > {svc}.dump`",
                    plan.plugin
                ),
            ))
        }
        _ => Ok(()),
    }
}

pub fn confirm(opts: &Opts, plan: &ServicesPlan) -> Result<(), CliError> {
    match &plan.action {
        ServiceAction::Destroy(svc) => session::confirm(
            opts,
            svc.as_str(),
            &format!("destroy the {} service {svc} and its data", plan.plugin),
        ),
        ServiceAction::Import(svc, dump, from) => session::confirm(
            opts,
            svc.as_str(),
            &format!(
                "overwrite the data of the {} service {svc} with the {} bytes from {}",
                plan.plugin,
                dump.len(),
                from.as_ref()
                    .map_or("standard input".to_owned(), |p| p.display().to_string())
            ),
        ),
        _ => Ok(()),
    }
}

fn status_cell(status: Option<&ServiceStatus>) -> Cell {
    match status {
        Some(s) => {
            let style = match s {
                ServiceStatus::Running => GREEN,
                ServiceStatus::Restarting | ServiceStatus::Paused => YELLOW,
                ServiceStatus::Exited | ServiceStatus::Dead | ServiceStatus::Missing => RED,
                _ => DIM,
            };
            Cell(s.as_str().to_owned(), style)
        }
        None => Cell("-".to_owned(), DIM),
    }
}

fn info_json(name: &ServiceName, info: &ServiceInfo, reveal: bool) -> serde_json::Value {
    let mut value = json!(info);
    value["name"] = json!(name.as_str());
    value["dsn"] = json!(info
        .dsn
        .as_ref()
        .map(|d| output::secret(d.expose(), reveal)));
    value
}

fn names(list: &[impl ToString]) -> Vec<String> {
    list.iter().map(ToString::to_string).collect()
}

pub async fn run(s: &Session, plan: ServicesPlan) -> Result<(), CliError> {
    let (json, reveal) = (s.opts.json, s.opts.reveal);
    let handler = s.dokku.service(plan.plugin.clone());
    let plugin = plan.plugin.clone();
    match plan.action {
        ServiceAction::List => {
            let services = handler.list().await?;
            // One `:info` per service, all at once.
            let infos =
                futures_util::future::join_all(services.iter().map(|svc| handler.info(svc)))
                    .await
                    .into_iter()
                    .collect::<Result<Vec<_>, _>>()?;
            if json {
                let rows: Vec<_> = services
                    .iter()
                    .zip(&infos)
                    .map(|(svc, info)| info_json(svc, info, reveal))
                    .collect();
                return Ok(output::json(&json!(rows))?);
            }
            if services.is_empty() {
                output::note(&format!("no {plugin} services"));
                return Ok(());
            }
            let rows: Vec<Vec<Cell>> = services
                .iter()
                .zip(&infos)
                .map(|(svc, info)| {
                    let exposed: Vec<String> = info
                        .exposed_ports
                        .iter()
                        .map(|p| format!("{}->{}", p.container, p.host))
                        .collect();
                    vec![
                        Cell::plain(svc.to_string()),
                        status_cell(info.status.as_ref()),
                        Cell::plain(info.version.clone().unwrap_or_default()),
                        Cell::plain(names(&info.links).join(" ")),
                        Cell::plain(exposed.join(" ")),
                    ]
                })
                .collect();
            Ok(output::table(
                &["SERVICE", "STATUS", "VERSION", "LINKED APPS", "EXPOSED"],
                &rows,
            )?)
        }
        ServiceAction::Info(svc) => {
            let info = handler.info(&svc).await?;
            if json {
                return Ok(output::json(&info_json(&svc, &info, reveal))?);
            }
            let dsn = info
                .dsn
                .as_ref()
                .map(|d| output::secret(d.expose(), reveal))
                .unwrap_or_default();
            let exposed: Vec<String> = info
                .exposed_ports
                .iter()
                .map(|p| format!("{}->{}", p.container, p.host))
                .collect();
            output::pairs(
                &format!("{plugin} service {svc}"),
                &[
                    ("status", status_cell(info.status.as_ref())),
                    (
                        "version",
                        Cell::plain(info.version.clone().unwrap_or_default()),
                    ),
                    ("dsn", Cell::plain(dsn)),
                    ("linked apps", Cell::plain(names(&info.links).join(" "))),
                    ("exposed ports", Cell::plain(exposed.join(" "))),
                    (
                        "internal ip",
                        Cell::plain(info.internal_ip.clone().unwrap_or_default()),
                    ),
                    (
                        "data dir",
                        Cell::plain(info.data_dir.clone().unwrap_or_default()),
                    ),
                ],
            )?;
            if !reveal {
                output::note("(DSN hidden; pass --reveal to show it)");
            }
            Ok(())
        }
        ServiceAction::Create(svc, options) => {
            let command = api::create_command(&plugin, &svc, &options);
            streamed(
                s,
                &command,
                "creating",
                "created",
                &format!("{plugin} service {svc}"),
            )
            .await
        }
        ServiceAction::Destroy(svc) => {
            let command = api::destroy_command(&plugin, &svc, svc.as_str())?;
            streamed(
                s,
                &command,
                "destroying",
                "destroyed",
                &format!("{plugin} service {svc}"),
            )
            .await
        }
        ServiceAction::Link(svc, app, options) => {
            let command = api::link_command(&plugin, &svc, &app, &options)?;
            streamed(s, &command, "linking", "linked", &format!("{svc} to {app}")).await
        }
        ServiceAction::Unlink(svc, app, no_restart) => {
            let command = api::unlink_command(&plugin, &svc, &app, no_restart);
            streamed(
                s,
                &command,
                "unlinking",
                "unlinked",
                &format!("{svc} from {app}"),
            )
            .await
        }
        ServiceAction::Links(svc) => {
            let apps = handler.links(&svc).await?;
            list(json, &names(&apps), &format!("{svc} is linked to no app"))
        }
        ServiceAction::AppLinks(app) => {
            let services = handler.app_links(&app).await?;
            list(
                json,
                &names(&services),
                &format!("{app} is linked to no {plugin} service"),
            )
        }
        ServiceAction::Lifecycle(svc, action) => {
            let command = api::lifecycle_command(&plugin, &svc, action);
            let (doing, done) = match action {
                Lifecycle::Start => ("starting", "started"),
                Lifecycle::Stop => ("stopping", "stopped"),
                Lifecycle::Restart => ("restarting", "restarted"),
                _ => ("pausing", "paused"),
            };
            streamed(s, &command, doing, done, svc.as_str()).await
        }
        ServiceAction::Expose(svc, ports) => {
            handler.expose(&svc, &ports).await?;
            changed(
                json,
                "exposed",
                svc.as_str(),
                &api::expose_command(&plugin, &svc, &ports),
            )
        }
        ServiceAction::Unexpose(svc) => {
            handler.unexpose(&svc).await?;
            changed(
                json,
                "unexposed",
                svc.as_str(),
                &api::unexpose_command(&plugin, &svc),
            )
        }
        ServiceAction::Logs(svc, false) => {
            let text = handler.logs(&svc).await?;
            if json {
                let lines: Vec<&str> = text.lines().collect();
                return Ok(output::json(&json!(lines))?);
            }
            let mut out = output::stdout();
            write!(out, "{text}")?;
            Ok(out.flush()?)
        }
        ServiceAction::Logs(svc, true) => {
            let command = api::logs_command(&plugin, &svc, true);
            let mut out = std::io::stdout();
            follow(
                s,
                &command,
                &format!("following the logs of {svc} (Ctrl-C to stop)"),
                &mut out,
                false,
            )
            .await
            .map(drop)
        }
        ServiceAction::Promote(svc, app) => {
            let command = api::promote_command(&plugin, &svc, &app);
            let what = format!("{svc} on {app}");
            streamed(s, &command, "promoting", "promoted", &what).await
        }
        ServiceAction::Upgrade(svc, options) => {
            let command = api::upgrade_command(&plugin, &svc, &options);
            let what = format!("{plugin} service {svc}");
            streamed(s, &command, "upgrading", "upgraded", &what).await
        }
        ServiceAction::Clone(svc, new, options) => {
            let command = api::clone_command(&plugin, &svc, &new, &options);
            let what = format!("{svc} to {new}");
            streamed(s, &command, "cloning", "cloned", &what).await
        }
        ServiceAction::Export(svc, file) => export(s, &plugin, &svc, file.as_deref()).await,
        ServiceAction::Import(svc, dump, _) => {
            let command = api::import_command(&plugin, &svc, dump);
            let what = format!("{plugin} service {svc}");
            streamed(s, &command, "importing into", "imported into", &what).await
        }
        ServiceAction::Backup {
            service,
            bucket,
            use_iam,
        } => {
            let command = api::backup_command(&plugin, &service, &bucket, use_iam);
            let what = format!("{service} to {bucket}");
            streamed(s, &command, "backing up", "backed up", &what).await
        }
        ServiceAction::BackupAuth(svc, auth) => {
            let command = api::backup_auth_command(&plugin, &svc, &auth)?;
            s.dokku.run(&command).await?;
            changed(
                json,
                "stored the backup credentials of",
                svc.as_str(),
                &command,
            )
        }
        ServiceAction::BackupSchedule {
            service,
            cron,
            bucket,
            use_iam,
        } => {
            let command = api::backup_schedule_command(&plugin, &service, &cron, &bucket, use_iam);
            s.dokku.run(&command).await?;
            let what = format!("backups of {service} at '{cron}' to {bucket}");
            changed(json, "scheduled", &what, &command)
        }
        ServiceAction::BackupSetEncryption(svc, passphrase) => {
            let command = api::backup_set_encryption_command(&plugin, &svc, &passphrase);
            s.dokku.run(&command).await?;
            changed(json, "set the backup passphrase of", svc.as_str(), &command)
        }
        ServiceAction::Backup1(svc, BackupVerb::ScheduleCat) => {
            let line = handler.backup_schedule_cat(&svc).await?;
            if json {
                return Ok(output::json(
                    &json!({ "service": svc.as_str(), "schedule": line }),
                )?);
            }
            Ok(writeln!(output::stdout(), "{line}")?)
        }
        ServiceAction::Backup1(svc, verb) => {
            let command = api::backup_simple_command(&plugin, &svc, verb);
            s.dokku.run(&command).await?;
            let verb = match verb {
                BackupVerb::Deauth => "removed the backup credentials of",
                BackupVerb::Unschedule => "unscheduled the backups of",
                _ => "stopped encrypting the backups of",
            };
            changed(json, verb, svc.as_str(), &command)
        }
    }
}

/// Stream a dump into `file` (through a `.partial` file renamed when the
/// export succeeded, so a failed export leaves no truncated dump behind),
/// or onto standard output.
async fn export(
    s: &Session,
    plugin: &ServicePlugin,
    svc: &ServiceName,
    file: Option<&Path>,
) -> Result<(), CliError> {
    let command = api::export_command(plugin, svc);
    let label = format!("exporting {svc}");
    let Some(path) = file else {
        let mut out = std::io::stdout();
        follow(s, &command, &label, &mut out, true).await?;
        return Ok(());
    };
    let mut partial = path.as_os_str().to_owned();
    partial.push(".partial");
    let partial = std::path::PathBuf::from(partial);
    let mut out = std::io::BufWriter::new(std::fs::File::create(&partial)?);
    let written = match follow(s, &command, &label, &mut out, true).await {
        Ok(n) => out.flush().map(|()| n).map_err(CliError::from),
        Err(e) => Err(e),
    };
    drop(out);
    let written = match written.and_then(|n| Ok(std::fs::rename(&partial, path).map(|()| n)?)) {
        Ok(n) => n,
        Err(e) => {
            let _ = std::fs::remove_file(&partial);
            return Err(e);
        }
    };
    let what = format!("{svc} to {} ({written} bytes)", path.display());
    if s.opts.json {
        return Ok(output::json(&json!({
            "ok": true,
            "action": "exported",
            "target": svc.as_str(),
            "command": command.to_string(),
            "file": path.display().to_string(),
            "bytes": written,
        }))?);
    }
    Ok(output::done(&format!("exported {what}"))?)
}

fn list(json: bool, items: &[String], empty: &str) -> Result<(), CliError> {
    if json {
        return Ok(output::json(&json!(items))?);
    }
    if items.is_empty() {
        output::note(empty);
        return Ok(());
    }
    let mut out = output::stdout();
    for item in items {
        writeln!(out, "{item}")?;
    }
    Ok(())
}

/// Raw output (a followed log, a dump) copied to `out` as it arrives,
/// under a spinner, until the command ends or Ctrl-C; the bytes copied.
async fn follow(
    s: &Session,
    command: &Command,
    label: &str,
    out: &mut dyn Write,
    whole: bool,
) -> Result<u64, CliError> {
    let mut written = 0u64;
    let mut stderr = Vec::new();
    let mut stream = s.dokku.stream(command).await?;
    let bar = output::spinner(label.to_owned());
    loop {
        let chunk = tokio::select! {
            chunk = stream.next() => chunk,
            _ = s.interrupted() => {
                drop(stream);
                output::interrupted(&bar);
                s.settle().await;
                return Err(CliError::Interrupted);
            }
        };
        match chunk {
            Some(Ok(dokku::Chunk::Stdout(bytes))) => {
                bar.suspend(|| out.write_all(&bytes).and_then(|()| out.flush()))?;
                written += bytes.len() as u64;
            }
            Some(Ok(dokku::Chunk::Stderr(bytes))) => {
                bar.suspend(|| std::io::stderr().write_all(&bytes))?;
                stderr.extend_from_slice(&bytes);
            }
            Some(Ok(dokku::Chunk::Exit(status))) => {
                bar.finish_and_clear();
                // Dokku's error is on stderr: it names the failure (and
                // "does not exist" makes exit code 4).
                let output = dokku::Output::new(status, Vec::new(), stderr);
                dokku::parse::expect_success(command, output)?;
                return Ok(written);
            }
            Some(Err(source)) => {
                bar.finish_and_clear();
                return Err(CliError::Dokku(dokku::Error::Transport {
                    command: command.to_string(),
                    source,
                }));
            }
            // A log may end without a status; a dump that does is cut off.
            None if !whole => {
                bar.finish_and_clear();
                return Ok(written);
            }
            None => {
                bar.finish_and_clear();
                return Err(CliError::Dokku(dokku::Error::Transport {
                    command: command.to_string(),
                    source: dokku::ExecError::Truncated,
                }));
            }
        }
    }
}
