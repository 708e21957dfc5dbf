//! `services <plugin> …`: datastore services. The DSN (and anything a
//! command prints with a password in it) is masked unless `--reveal`.

use std::io::Write;

use dokku::api::service::{self as api, Lifecycle};
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
    }])
}

pub fn confirm(opts: &Opts, plan: &ServicesPlan) -> Result<(), CliError> {
    match &plan.action {
        ServiceAction::Destroy(svc) => session::confirm(
            opts,
            svc.as_str(),
            &format!("destroy the {} service {svc} and its data", plan.plugin),
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
            follow(
                s,
                &command,
                &format!("following the logs of {svc} (Ctrl-C to stop)"),
            )
            .await
        }
    }
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

/// A followed service log: raw lines under a spinner until Ctrl-C.
async fn follow(s: &Session, command: &Command, label: &str) -> Result<(), CliError> {
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
                bar.suspend(|| {
                    let mut out = std::io::stdout().lock();
                    out.write_all(&bytes).and_then(|()| out.flush())
                })?;
            }
            Some(Ok(dokku::Chunk::Stderr(bytes))) => {
                bar.suspend(|| std::io::stderr().write_all(&bytes))?;
            }
            Some(Ok(dokku::Chunk::Exit(status))) => {
                bar.finish_and_clear();
                let output = dokku::Output::new(status, Vec::new(), Vec::new());
                dokku::parse::expect_success(command, output)?;
                return Ok(());
            }
            Some(Err(source)) => {
                bar.finish_and_clear();
                return Err(CliError::Dokku(dokku::Error::Transport {
                    command: command.to_string(),
                    source,
                }));
            }
            None => {
                bar.finish_and_clear();
                return Ok(());
            }
        }
    }
}
