//! The databases page: the services of every installed datastore plugin
//! (postgres, redis …) with status, version and linked apps; create, link,
//! unlink, destroy after typing the name; the DSN revealed, a dump
//! downloaded, and a dump loaded after typing the name, only by admins,
//! each audited (a dump's bytes never stored).
//!
//! Each service says when it is backed up to S3 (the plugin's cron line)
//! or that it is not; admins schedule, unschedule and start backups, set
//! the S3 credentials and the encryption passphrase (sent as secrets).
//!
//! The page costs one `<plugin>:list` per installed plugin, and one
//! `<plugin>:info` and one `<plugin>:backup-schedule-cat` per service, run
//! at once.

use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use dokku::api::service::BackupAuth;
use dokku::model::service::{ScheduledBackup, ServiceInfo, ServicePlugin};
use dokku::{AppName, Capabilities, Chunk, Dokku, OutputStream, SecretString, ServiceName};
use futures_util::future::{join, join_all};
use futures_util::{stream, StreamExt};
use maud::{html, Markup};
use serde::Deserialize;

use super::super::auth::Role;
use super::super::handlers::{app_name, app_url};
use super::super::{doing, AppState, Ctx, WebError};
use super::app::{card_empty, card_error};
use super::{form_head, layout, masked};

/// The plugin named in a URL, if installed.
pub(crate) fn plugin(caps: &Capabilities, name: &str) -> Result<ServicePlugin, WebError> {
    caps.service_plugins()
        .into_iter()
        .find(|p| p.name() == name)
        .ok_or_else(|| WebError::NotFound(format!("datastore plugin {name} on this host")))
}

pub(crate) fn service_name(raw: &str) -> Result<ServiceName, WebError> {
    Ok(ServiceName::new(raw.trim())?)
}

/// The anchor of a service on the databases page (`plugin`: its name).
pub fn anchor(plugin: &str, service: &str) -> String {
    format!("svc-{plugin}-{service}")
}

/// One service as the page shows it.
struct ServiceView {
    name: ServiceName,
    info: dokku::Result<ServiceInfo>,
    backup: dokku::Result<Option<ScheduledBackup>>,
}

/// One plugin's services.
struct PluginServices {
    plugin: ServicePlugin,
    services: dokku::Result<Vec<ServiceView>>,
}

async fn services_of(dokku: &Dokku, plugin: ServicePlugin) -> PluginServices {
    let handler = dokku.service(plugin.clone());
    let services = match handler.list().await {
        Ok(names) => {
            let read = names
                .iter()
                .map(|n| join(handler.info(n), handler.scheduled_backup(n)));
            let read = join_all(read).await;
            Ok(names
                .into_iter()
                .zip(read)
                .map(|(name, (info, backup))| ServiceView { name, info, backup })
                .collect())
        }
        Err(e) => Err(e),
    };
    PluginServices { plugin, services }
}

/// A plugin's services linked to an app, each with its backup schedule.
type LinkedServices = dokku::Result<Vec<(ServiceName, dokku::Result<Option<ScheduledBackup>>)>>;

/// The services of each installed plugin linked to an app, and whether
/// each is backed up (one `<plugin>:app-links` per plugin, then one
/// `<plugin>:backup-schedule-cat` per linked service, at once), for the
/// app page.
pub async fn app_links(
    dokku: &Dokku,
    caps: &Capabilities,
    app: &AppName,
) -> Vec<(ServicePlugin, LinkedServices)> {
    let plugins = caps.service_plugins();
    let links = join_all(plugins.iter().map(|p| async move {
        let services = dokku.service(p.clone());
        let linked = services.app_links(app).await?;
        let backups = join_all(linked.iter().map(|s| services.scheduled_backup(s))).await;
        Ok(linked.into_iter().zip(backups).collect())
    }))
    .await;
    plugins.into_iter().zip(links).collect()
}

/// The app page's section: its linked services, and whether each is
/// backed up.
pub fn app_section(base: &str, links: &[(ServicePlugin, LinkedServices)]) -> Markup {
    html! {
        section #databases {
            h2 { "Databases" }
            @if links.is_empty() { (card_empty("No datastore plugin (postgres, redis …) is installed on this host.", None)) }
            @else if links.iter().all(|(_, s)| s.as_ref().is_ok_and(Vec::is_empty)) {
                (card_empty("No database is linked to this app.", None))
            }
            ul.linked {
                @for (plugin, services) in links {
                    @match services {
                        Err(e) => li { (card_error(&format!("read the {plugin} links"), e)) },
                        Ok(services) => @for (s, backup) in services {
                            li { span.muted { (plugin) } " "
                                a href={ (base) "/databases#" (anchor(plugin.name(), s.as_str())) } { (s) }
                                @match backup {
                                    Ok(Some(b)) => { " " span.muted { "backed up " code { (b.schedule) } } }
                                    Ok(None) => { " " span.badge.s-mixed { "not backed up" } }
                                    Err(_) => {}
                                }
                            }
                        },
                    }
                }
            }
            p { a href={ (base) "/databases" } { "Link a database" } }
        }
    }
}

/// When the service is backed up, or that it is not (`unreadable`: why
/// the plugin could not say).
fn backup_cell(schedule: Option<&ScheduledBackup>, unreadable: Option<&str>) -> Markup {
    html! {
        td.backup data-label="Backups" {
            @match (schedule, unreadable) {
                (Some(b), _) => {
                    code { (b.schedule) } " to " code.long { (b.bucket) }
                    @if b.use_iam { " " span.muted { "(IAM role)" } }
                }
                (None, Some(why)) => span.muted title=(why) { "unknown" },
                (None, None) => span.badge.s-mixed { "none scheduled" },
            }
        }
    }
}

/// The backup forms of a service, for admins: schedule (or change), back
/// up now, unschedule, and the S3 credentials.
fn backup_forms(
    ctx: &Ctx,
    id: &str,
    url: &str,
    name: &ServiceName,
    backup: Option<&ScheduledBackup>,
) -> Markup {
    let bucket = backup.map(|b| b.bucket.as_str());
    let iam = backup.is_some_and(|b| b.use_iam);
    html! {
        details.backups {
            summary { "Backups to S3…" }
            form.inline #(format!("{id}-backup-schedule")) method="post" action={ (url) "/backup-schedule" } {
                (form_head(&ctx.session, &format!("{id}-backup-schedule")))
                span.muted { "Schedule (cron)" }
                input type="text" name="schedule" placeholder="0 3 * * *" value=[backup.map(|b| b.schedule.as_str())] required aria-label="Cron schedule";
                input type="text" name="bucket" placeholder="bucket" value=[bucket] required aria-label="S3 bucket";
                label.check { input type="checkbox" name="use_iam" value="on" checked[iam]; " the host's IAM role" }
                button.secondary type="submit" { @if backup.is_some() { "Change the schedule" } @else { "Schedule backups" } }
            }
            form.inline #(format!("{id}-backup")) method="post" action={ (url) "/backup" }
                data-confirm={ "Back up " (name) " now?" }
                data-consequence="A dump is taken and uploaded to the bucket; it can take a while on a large database."
                data-ok="Back up" {
                (form_head(&ctx.session, &format!("{id}-backup")))
                input type="text" name="bucket" placeholder="bucket" value=[bucket] required aria-label="S3 bucket";
                label.check { input type="checkbox" name="use_iam" value="on" checked[iam]; " the host's IAM role" }
                button.secondary type="submit" { "Back up now" }
            }
            @if backup.is_some() {
                form.inline #(format!("{id}-backup-unschedule")) method="post" action={ (url) "/backup-unschedule" }
                    data-confirm={ "Stop backing up " (name) "?" }
                    data-consequence="Its cron line is removed; backups already in the bucket stay."
                    data-ok="Unschedule" {
                    (form_head(&ctx.session, &format!("{id}-backup-unschedule")))
                    button.danger type="submit" { "Unschedule" }
                }
            }
            form.inline #(format!("{id}-backup-auth")) method="post" action={ (url) "/backup-auth" } {
                (form_head(&ctx.session, &format!("{id}-backup-auth")))
                span.muted { "S3 credentials (kept on the host, never shown)" }
                input type="text" name="access_key_id" placeholder="access key id" required autocomplete="off" aria-label="AWS access key id";
                input type="password" name="secret_access_key" placeholder="secret access key" required autocomplete="off" aria-label="AWS secret access key";
                input type="text" name="region" placeholder="region (optional)" aria-label="Region";
                input type="text" name="signature_version" placeholder="signature version (optional)" aria-label="Signature version";
                input type="text" name="endpoint_url" placeholder="endpoint URL (optional)" aria-label="S3-compatible endpoint URL";
                button.secondary type="submit" { "Save S3 credentials" }
            }
            form.inline #(format!("{id}-backup-encryption")) method="post" action={ (url) "/backup-set-encryption" } {
                (form_head(&ctx.session, &format!("{id}-backup-encryption")))
                span.muted { "Encrypt backups (GPG)" }
                input type="password" name="passphrase" placeholder="passphrase" required autocomplete="new-password" aria-label="Backup passphrase";
                button.secondary type="submit" { "Encrypt backups" }
            }
            form.inline #(format!("{id}-backup-unencrypted")) method="post" action={ (url) "/backup-unset-encryption" }
                data-confirm={ "Stop encrypting the backups of " (name) "?" }
                data-consequence="Backups taken from now on are uploaded unencrypted; those already in the bucket stay as they are."
                data-ok="Stop encrypting" {
                (form_head(&ctx.session, &format!("{id}-backup-unencrypted")))
                button.danger type="submit" { "Stop encrypting" }
            }
        }
    }
}

fn service_row(
    ctx: &Ctx,
    plugin: &ServicePlugin,
    service: &ServiceView,
    apps: &[String],
) -> Markup {
    let ServiceView { name, info, backup } = service;
    let admin = ctx.can(Role::Admin);
    let url = ctx.at(&format!("/databases/{}/{}", plugin.name(), name));
    let id = anchor(plugin.name(), name.as_str());
    let linkable: Vec<&String> = match info {
        Ok(info) => apps
            .iter()
            .filter(|a| !info.links.iter().any(|l| l.as_str() == a.as_str()))
            .collect(),
        Err(_) => apps.iter().collect(),
    };
    html! {
        tr #(id) data-service=(name) {
            th { (name) }
            @match info {
                Err(e) => td colspan="5" { (card_error(&format!("read {name}"), e)) },
                Ok(info) => {
                    td { @match &info.status {
                        Some(s) => span class={ "badge svc-" (s.as_str()) } { (s.as_str()) },
                        None => span.muted { "—" },
                    } }
                    td { (info.version.as_deref().unwrap_or("—")) }
                    td.links {
                        @for app in &info.links {
                            @let unlink = format!("{id}-unlink-{app}");
                            span.link {
                                a.app-name href=(ctx.at(&app_url(app.as_str()))) title=(app) { (app) }
                                @if admin {
                                    form.inline #(unlink) method="post" action={ (url) "/unlink" }
                                        data-confirm={ "Unlink " (name) " from " (app) "?" }
                                        data-consequence={ (app) " loses its connection settings for " (name) " and restarts; the data stays." }
                                        data-ok="Unlink" {
                                        (form_head(&ctx.session, &unlink))
                                        input type="hidden" name="app" value=(app);
                                        button.danger.small type="submit" { "Unlink" }
                                    }
                                }
                            }
                        }
                        @if info.links.is_empty() { span.muted { "not linked" } }
                    }
                    @match backup {
                        Ok(b) => (backup_cell(b.as_ref(), None)),
                        Err(e) => (backup_cell(None, Some(&e.to_string()))),
                    }
                    td.dsn { code.value { (masked()) } }
                }
            }
        }
        @if admin {
            tr.service-actions {
                td colspan="6" { div.svc-actions {
                    @if linkable.is_empty() {
                        span.muted { "Linked to every app." }
                    } @else {
                        form.inline #(format!("{id}-link")) method="post" action={ (url) "/link" } {
                            (form_head(&ctx.session, &format!("{id}-link")))
                            select name="app" aria-label="App to link" required {
                                option value="" selected disabled { "Link to an app…" }
                                @for app in &linkable { option value=(app) { (app) } }
                            }
                            button.secondary type="submit" { "Link" }
                        }
                    }
                    form.inline #(format!("{id}-dsn")) method="post" action={ (url) "/dsn" } data-reveal data-row=(id) {
                        (form_head(&ctx.session, &format!("{id}-dsn")))
                        button.secondary type="submit" { "Reveal DSN" }
                    }
                    form.inline #(format!("{id}-dump")) method="post" action={ (url) "/dump" } data-native {
                        (form_head(&ctx.session, &format!("{id}-dump")))
                        button.secondary type="submit" { "Download a dump" }
                    }
                    (backup_forms(ctx, &id, &url, name, backup.as_ref().ok().and_then(Option::as_ref)))
                    form.inline.destroy #(format!("{id}-import")) method="post" action={ (url) "/import" } data-name=(name) data-upload {
                        (form_head(&ctx.session, &format!("{id}-import")))
                        input type="file" name="dump" required aria-label="Dump file";
                        noscript { span.muted { "(needs JavaScript)" } }
                        input type="text" name="confirm" placeholder={ "type " (name) " to load" } autocomplete="off" required aria-label="Service name to load into";
                        button.danger type="submit" { "Load a dump" }
                    }
                    form.inline.destroy #(format!("{id}-destroy")) method="post" action={ (url) "/destroy" } data-name=(name) {
                        (form_head(&ctx.session, &format!("{id}-destroy")))
                        input type="text" name="confirm" placeholder={ "type " (name) } autocomplete="off" required aria-label="Service name";
                        button.danger type="submit" { "Destroy" }
                    }
                } }
            }
        }
    }
}

/// A service's dump as a file download (the page's and the API's),
/// streamed as Dokku prints it; audited as `<plugin>:export`, whose output
/// (the data) is not kept.
///
/// What Dokku says before the dump's first byte (no such service, a
/// plugin that cannot export) is an error. A failure after it ends the
/// answer with an error, so the connection is cut and the download fails,
/// never passing for a whole file.
pub(crate) async fn dump(
    dokku: &Dokku,
    plugin: &ServicePlugin,
    name: &ServiceName,
) -> Result<Response, WebError> {
    let what = format!("export {name}");
    let command = dokku::api::service::export_command(plugin, name);
    let file = format!("{plugin}-{name}.dump");
    let mut output: OutputStream = dokku.stream(&command).await.map_err(doing(what.clone()))?;
    let failed = |source: dokku::ExecError| dokku::Error::Transport {
        command: command.to_string(),
        source,
    };
    let mut stderr = Vec::new();
    let first = loop {
        let e = match output.next().await {
            Some(Ok(Chunk::Stdout(bytes))) if !bytes.is_empty() => break bytes,
            Some(Ok(Chunk::Stderr(bytes))) => {
                stderr.extend_from_slice(&bytes);
                continue;
            }
            Some(Ok(Chunk::Exit(status))) => {
                let said = dokku::Output::new(status, Vec::new(), stderr);
                dokku::parse::expect_success(&command, said).map_err(doing(what.clone()))?;
                dokku::Error::Parse {
                    command: command.to_string(),
                    source: dokku::parse::ParseError::new("export", "it printed no dump"),
                }
            }
            Some(Ok(_)) => continue,
            Some(Err(source)) => failed(source),
            None => failed(dokku::ExecError::Truncated),
        };
        return Err(doing(what)(e));
    };
    // After the first byte the answer is under way: a failure can only cut
    // it off, and an output that ends without Dokku's exit status is one.
    let cut = |why: String| Err(std::io::Error::other(why));
    let rest = stream::unfold(Some(output), move |output| async move {
        let mut output = output?;
        loop {
            let next = match output.next().await {
                Some(Ok(Chunk::Stdout(bytes))) => Ok(Bytes::from(bytes)),
                Some(Ok(Chunk::Exit(status))) if status.success() => return None,
                Some(Ok(Chunk::Exit(status))) => cut(format!("Dokku ended with {status}")),
                Some(Ok(_)) => continue,
                Some(Err(e)) => cut(e.to_string()),
                None => cut("the export ended without an exit status".to_owned()),
            };
            let more = next.is_ok().then_some(output);
            return Some((next, more));
        }
    });
    let body = stream::once(async move { Ok(Bytes::from(first)) }).chain(rest);
    Ok((
        [
            (header::CONTENT_TYPE, "application/octet-stream".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file}\""),
            ),
        ],
        Body::from_stream(body),
    )
        .into_response())
}

/// Load a dump into a service (`<plugin>:import`) from a request's body
/// (the page's upload and the API's), sent to the host as it arrives,
/// never held whole. An empty body is refused before anything is sent; a
/// body cut off midway stops the import before its input ends, so part of
/// a dump is never loaded as if it were all of it.
pub(crate) async fn load(
    dokku: &Dokku,
    plugin: &ServicePlugin,
    name: &ServiceName,
    body: Body,
) -> Result<(), WebError> {
    let mut chunks = body
        .into_data_stream()
        .map(|chunk| chunk.map(|b| b.to_vec()).map_err(std::io::Error::other));
    let first = loop {
        match chunks.next().await {
            Some(Ok(bytes)) if bytes.is_empty() => continue,
            Some(Ok(bytes)) => break bytes,
            Some(Err(e)) => {
                return Err(WebError::BadRequest(format!(
                    "The dump could not be read: {e}."
                )))
            }
            None => {
                return Err(WebError::BadRequest(
                    "The dump is empty; nothing was sent.".to_owned(),
                ))
            }
        }
    };
    let dump = stream::once(async move { Ok(first) }).chain(chunks);
    let command = dokku::api::service::import_stream_command(plugin, name, dump);
    dokku
        .run(&command)
        .await
        .map_err(doing(format!("import a dump into {name}")))?;
    Ok(())
}

/// Link a service to an app (Dokku sets the URL and restarts the app) and
/// say which variable the app now reads; the page and the API both link
/// through here.
pub(crate) async fn link(
    dokku: &Dokku,
    plugin: &ServicePlugin,
    name: &ServiceName,
    app: &AppName,
) -> Result<String, WebError> {
    let linked = dokku
        .service(plugin.clone())
        .link(name, app, &dokku::api::service::LinkOptions::new())
        .await
        .map_err(doing(format!("link {name} to {app}")))?;
    let to = match linked.env_var {
        Some(var) => format!("{app} as {var}"),
        None => app.to_string(),
    };
    Ok(format!(
        "Linked {name} to {to}; {app} restarted with its connection settings."
    ))
}

/// `POST /databases/{plugin}/{service}/import`: the page's script sends
/// the chosen file as the body (`application/octet-stream`, its token in
/// a header, so the guard passes it on unread) and the typed name in
/// `x-confirm`: a load writes over the service's data, so it needs the
/// name typed, as a destroy does.
pub async fn import(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path((plugin_name, service)): Path<(String, String)>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, WebError> {
    let dokku = state.audited(&ctx.session).await?;
    let caps: Arc<Capabilities> = dokku.capabilities().await?;
    let plugin = plugin(&caps, &plugin_name)?;
    let name = service_name(&service)?;
    // Without the page's script the browser posts the form itself: the
    // file's name, not the file.
    let from_script = headers
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v == "application/octet-stream");
    if !from_script {
        return Err(WebError::BadRequest(format!(
            "Loading a dump needs JavaScript on this page: it sends the file as it is read. \
             Turn JavaScript on, or load it from a shell: \
             cli services {plugin} import {name} --input FILE. Nothing was sent."
        )));
    }
    let typed = headers
        .get("x-confirm")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .trim();
    if typed != name.as_str() {
        return Err(WebError::BadRequest(format!(
            "The name you typed does not match: type {name} exactly to load a dump into it."
        )));
    }
    load(&dokku, &plugin, &name, body).await?;
    let back = format!("/databases#{}", anchor(plugin.name(), name.as_str()));
    Ok(finish(
        &state,
        &ctx,
        &back,
        format!("Loaded the dump into the {plugin} service {name}."),
    ))
}

/// `GET /databases`.
pub async fn page(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
) -> Result<Markup, WebError> {
    let caps = state.dokku.capabilities().await?;
    state.store.ensure_listed(&state.dokku).await?;
    let plugins = caps.service_plugins();
    let all = join_all(plugins.iter().map(|p| services_of(&state.dokku, p.clone()))).await;
    let apps: Vec<String> = state
        .store
        .names()
        .iter()
        .map(ToString::to_string)
        .collect();
    let body = html! {
        h1 { "Databases" }
        @if plugins.is_empty() {
            (card_empty("No datastore plugin (postgres, redis …) is installed on this host.", Some("Install one on the host: dokku plugin:install https://github.com/dokku/dokku-postgres.git")))
        }
        @if ctx.can(Role::Admin) && !plugins.is_empty() {
            form.inline #service-create method="post" action=(ctx.at("/databases")) {
                (form_head(&ctx.session, "service-create"))
                select name="plugin" aria-label="Plugin" {
                    @for p in &plugins { option value=(p.name()) { (p) } }
                }
                input type="text" name="name" placeholder="service-name" required aria-label="Service name";
                input type="text" name="image_version" placeholder="image version (optional)" aria-label="Image version"
                    pattern=(IMAGE_TAG_PATTERN) title="A Docker tag: letters, digits, '_', '.' and '-'";
                button type="submit" { "Create service" }
            }
        }
        @for group in &all {
            section.plugin #(format!("plugin-{}", group.plugin.name())) {
                h2 { (group.plugin) }
                @match &group.services {
                    Err(e) => (card_error(&format!("list the {} services", group.plugin), e)),
                    Ok(services) if services.is_empty() => (card_empty("No services yet.", None)),
                    Ok(services) => div.scroll { table.services.cards {
                        thead { tr { th { "Service" } th { "Status" } th { "Version" } th { "Linked apps" } th { "Backups" } th { "DSN" } } }
                        tbody {
                            @for service in services {
                                (service_row(&ctx, &group.plugin, service, &apps))
                            }
                        }
                    } },
                }
            }
        }
    };
    Ok(layout("Databases", &ctx, body))
}

/// `GET /fleet/databases`: every datastore service of every host the user
/// may read whole, and when each is backed up (dokku-fleet's
/// [`Fleet::backups`](dokku_fleet::Fleet::backups), read when opened).
pub async fn fleet_page(State(state): State<AppState>, Extension(ctx): Extension<Ctx>) -> Markup {
    let read = match super::readable_fleet(&state, &ctx) {
        Some((fleet, hosts)) => Some(fleet.backups(&hosts).await),
        None => None,
    };
    let body = html! {
        h1 { "Databases of every host" }
        @match read {
            None => p { "You may read no host's databases: that takes a viewer's grant on every app of a host." },
            Some(Err(e)) => p.problem { (e) },
            Some(Ok(results)) => {
                @let services: Vec<_> = results.iter().filter_map(|r| r.result.as_ref().ok()).flatten().collect();
                @let none = services.iter().filter(|s| s.schedule.is_none() && s.unreadable.is_none()).count();
                p.refresh #backup-count { (none) " of " (services.len()) " databases have no backup scheduled." }
                div.scroll { table.fleet-databases.cards #fleet-databases {
                    thead { tr { th { "Host" } th { "Plugin" } th { "Service" } th { "Backups" } } }
                    tbody {
                        @for r in results.iter() {
                            @let base = ctx.site.host(r.host.as_str()).map_or("", |h| h.base.as_str());
                            @match &r.result {
                                Err(e) => tr data-host=(r.host) {
                                    th scope="row" { a.host-name href={ (base) "/databases" } { (r.host) } }
                                    td colspan="3" { span.badge.s-crashed.unreachable { "unreachable" } " " span.problem { (e) } }
                                },
                                Ok(services) if services.is_empty() => tr data-host=(r.host) {
                                    th scope="row" { a.host-name href={ (base) "/databases" } { (r.host) } }
                                    td colspan="3" { span.muted { "no datastore service" } }
                                },
                                Ok(services) => @for s in services {
                                    tr data-host=(r.host) data-service=(s.service) {
                                        th scope="row" { a.host-name href={ (base) "/databases" } { (r.host) } }
                                        td data-label="Plugin" { (s.plugin) }
                                        td data-label="Service" {
                                            a href={ (base) "/databases#" (anchor(&s.plugin, s.service.as_str())) } { (s.service) }
                                        }
                                        (backup_cell(s.schedule.as_ref(), s.unreadable.as_deref()))
                                    }
                                },
                            }
                        }
                    }
                } }
            }
        }
    };
    layout("Databases of every host", &ctx, body)
}

/// A Docker tag, checked by the browser before the library checks it again.
const IMAGE_TAG_PATTERN: &str = "[A-Za-z0-9_][A-Za-z0-9_.\\-]{0,127}";

/// `plugin=…&name=…[&image_version=…]`.
#[derive(Debug, Deserialize)]
pub struct CreateForm {
    plugin: String,
    name: String,
    image_version: Option<String>,
}

/// `POST /databases`: create a service.
pub async fn create(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Form(form): Form<CreateForm>,
) -> Result<Response, WebError> {
    let dokku = state.audited(&ctx.session).await?;
    let caps = dokku.capabilities().await?;
    let plugin = plugin(&caps, &form.plugin)?;
    let name = service_name(&form.name)?;
    let mut options = dokku::api::service::CreateOptions::new();
    if let Some(version) = form.image_version.as_deref().map(str::trim) {
        if !version.is_empty() {
            options = options.image_version(dokku::ImageVersion::new(version)?);
        }
    }
    dokku
        .service(plugin.clone())
        .create(&name, &options)
        .await
        .map_err(doing(format!("create the {plugin} service {name}")))?;
    let to = format!("/databases#{}", anchor(plugin.name(), name.as_str()));
    Ok(finish(
        &state,
        &ctx,
        &to,
        format!("Created the {plugin} service {name}."),
    ))
}

fn finish(state: &AppState, ctx: &Ctx, to: &str, message: String) -> Response {
    // Links change apps' config and restart them: the dashboard is stale.
    state.store.mark_list_dirty();
    state.auth.flash(&ctx.token, message);
    Redirect::to(&ctx.at(to)).into_response()
}

/// What each action takes: `app`, `confirm`, a backup's `schedule`,
/// `bucket` and `use_iam`, or the S3 credentials (the key id and secret
/// key are secrets from the moment they are read).
#[derive(Debug, Default, Deserialize)]
pub struct ServiceForm {
    app: Option<String>,
    confirm: Option<String>,
    schedule: Option<String>,
    bucket: Option<String>,
    use_iam: Option<String>,
    access_key_id: Option<SecretString>,
    secret_access_key: Option<SecretString>,
    passphrase: Option<SecretString>,
    region: Option<String>,
    signature_version: Option<String>,
    endpoint_url: Option<String>,
}

/// A form field that must be given (trimmed).
fn required(value: &Option<String>, what: &str) -> Result<String, WebError> {
    super::filled(value).ok_or_else(|| WebError::BadRequest(format!("Give the {what}.")))
}

/// A secret form field that must be given (trimmed).
fn secret(value: &Option<SecretString>, what: &str) -> Result<SecretString, WebError> {
    match value {
        Some(v) if !v.expose().trim().is_empty() => Ok(SecretString::new(v.expose().trim())),
        _ => Err(WebError::BadRequest(format!("Give the {what}."))),
    }
}

impl ServiceForm {
    /// The S3 credentials, and whatever else was given.
    fn backup_auth(&self) -> Result<BackupAuth, WebError> {
        let mut auth = BackupAuth::new(
            secret(&self.access_key_id, "access key id")?,
            secret(&self.secret_access_key, "secret access key")?,
        );
        auth.region = super::filled(&self.region);
        auth.signature_version = super::filled(&self.signature_version);
        auth.endpoint_url = super::filled(&self.endpoint_url);
        Ok(auth)
    }

    fn app(&self) -> Result<AppName, WebError> {
        match super::filled(&self.app) {
            None => Err(WebError::BadRequest("Choose an app.".to_owned())),
            Some(app) => app_name(&app),
        }
    }
}

/// `POST /databases/{plugin}/{service}/{link|unlink|destroy|dsn|dump|
/// backup-schedule|backup-unschedule|backup|backup-auth|
/// backup-set-encryption|backup-unset-encryption}` (`import` is
/// [`import`]).
pub async fn action(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path((plugin_name, service, action)): Path<(String, String, String)>,
    Form(form): Form<ServiceForm>,
) -> Result<Response, WebError> {
    let dokku = state.audited(&ctx.session).await?;
    let caps: Arc<Capabilities> = dokku.capabilities().await?;
    let plugin = plugin(&caps, &plugin_name)?;
    let name = service_name(&service)?;
    let services = dokku.service(plugin.clone());
    let back = format!("/databases#{}", anchor(plugin.name(), name.as_str()));
    let message = match action.as_str() {
        "link" => {
            let app = form.app()?;
            link(&dokku, &plugin, &name, &app).await?
        }
        "unlink" => {
            let app = form.app()?;
            services
                .unlink(&name, &app, false)
                .await
                .map_err(doing(format!("unlink {name} from {app}")))?;
            format!("Unlinked {name} from {app}.")
        }
        "destroy" => {
            let confirm = form.confirm.as_deref().unwrap_or_default().trim();
            if confirm != name.as_str() {
                return Err(WebError::BadRequest(format!(
                    "The name you typed does not match: type {name} exactly to destroy it."
                )));
            }
            services
                .destroy(&name, confirm)
                .await
                .map_err(doing(format!("destroy {name}")))?;
            return Ok(finish(
                &state,
                &ctx,
                "/databases",
                format!("Destroyed the {plugin} service {name}."),
            ));
        }
        "dsn" => {
            // Audited as a `<plugin>:info --dsn` whose output is redacted.
            let dsn = services
                .dsn(&name)
                .await
                .map_err(doing(format!("read the DSN of {name}")))?;
            return Ok((
                [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
                dsn.expose().to_owned(),
            )
                .into_response());
        }
        "dump" => return dump(&dokku, &plugin, &name).await,
        "backup-schedule" => {
            let schedule = required(&form.schedule, "schedule (cron, such as 0 3 * * *)")?;
            let bucket = required(&form.bucket, "bucket")?;
            services
                .backup_schedule(&name, &schedule, &bucket, form.use_iam.is_some())
                .await
                .map_err(doing(format!("schedule backups of {name}")))?;
            format!("Backups of {name} scheduled: {schedule}, to {bucket}.")
        }
        "backup-unschedule" => {
            services
                .backup_unschedule(&name)
                .await
                .map_err(doing(format!("unschedule the backups of {name}")))?;
            format!("Backups of {name} are no longer scheduled.")
        }
        "backup" => {
            let bucket = required(&form.bucket, "bucket")?;
            services
                .backup(&name, &bucket, form.use_iam.is_some())
                .await
                .map_err(doing(format!("back up {name}")))?;
            format!("Backed up {name} to {bucket}.")
        }
        "backup-set-encryption" => {
            let passphrase = secret(&form.passphrase, "passphrase")?;
            services
                .backup_set_encryption(&name, &passphrase)
                .await
                .map_err(doing(format!("encrypt the backups of {name}")))?;
            format!("Backups of {name} are encrypted from now on.")
        }
        "backup-unset-encryption" => {
            services
                .backup_unset_encryption(&name)
                .await
                .map_err(doing(format!("stop encrypting the backups of {name}")))?;
            format!("Backups of {name} are no longer encrypted.")
        }
        "backup-auth" => {
            services
                .backup_auth(&name, &form.backup_auth()?)
                .await
                .map_err(doing(format!("set the S3 credentials of {name}")))?;
            format!("The S3 credentials of {name} are set.")
        }
        other => return Err(WebError::NotFound(format!("action {other} for services"))),
    };
    Ok(finish(&state, &ctx, &back, message))
}
