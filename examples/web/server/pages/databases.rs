//! The databases page: the services of every installed datastore plugin
//! (postgres, redis …) with status, version and linked apps; create, link,
//! unlink, destroy after typing the name; the DSN revealed only to admins,
//! each reveal audited.
//!
//! The page costs one `<plugin>:list` per installed plugin and one
//! `<plugin>:info` per service, run at once.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use dokku::model::service::{ServiceInfo, ServicePlugin};
use dokku::{AppName, Capabilities, Dokku, ServiceName};
use futures_util::future::join_all;
use maud::{html, Markup};
use serde::Deserialize;

use super::super::handlers::{app_name, app_url};
use super::super::{AppState, Ctx, WebError};
use super::{csrf, layout, masked};

/// The installed, enabled datastore plugins this crate knows.
pub fn installed(caps: &Capabilities) -> Vec<ServicePlugin> {
    ServicePlugin::known()
        .into_iter()
        .filter(|p| caps.plugin(p.name()).is_some())
        .collect()
}

/// The plugin named in a URL, if installed.
fn plugin(caps: &Capabilities, name: &str) -> Result<ServicePlugin, WebError> {
    installed(caps)
        .into_iter()
        .find(|p| p.name() == name)
        .ok_or_else(|| WebError::NotFound(format!("datastore plugin {name}")))
}

fn service_name(raw: &str) -> Result<ServiceName, WebError> {
    ServiceName::new(raw.trim()).map_err(|e| WebError::BadRequest(e.to_string()))
}

/// The anchor of a service on the databases page.
pub fn anchor(plugin: &ServicePlugin, service: &str) -> String {
    format!("svc-{}-{service}", plugin.name())
}

/// One plugin's services with their info.
struct PluginServices {
    plugin: ServicePlugin,
    services: dokku::Result<Vec<(ServiceName, dokku::Result<ServiceInfo>)>>,
}

async fn services_of(dokku: &Dokku, plugin: ServicePlugin) -> PluginServices {
    let handler = dokku.service(plugin.clone());
    let services = match handler.list().await {
        Ok(names) => {
            let infos = join_all(names.iter().map(|n| handler.info(n))).await;
            Ok(names.into_iter().zip(infos).collect())
        }
        Err(e) => Err(e),
    };
    PluginServices { plugin, services }
}

/// The services of each installed plugin linked to an app (one
/// `<plugin>:app-links` per plugin, at once), for the app page.
pub async fn app_links(
    dokku: &Dokku,
    caps: &Capabilities,
    app: &AppName,
) -> Vec<(ServicePlugin, dokku::Result<Vec<ServiceName>>)> {
    let plugins = installed(caps);
    let links = join_all(
        plugins
            .iter()
            .map(|p| async move { dokku.service(p.clone()).app_links(app).await }),
    )
    .await;
    plugins.into_iter().zip(links).collect()
}

/// The app page's section: its linked services.
pub fn app_section(links: &[(ServicePlugin, dokku::Result<Vec<ServiceName>>)]) -> Markup {
    html! {
        section #databases {
            h2 { "Databases" }
            @if links.is_empty() { p.muted { "No datastore plugin installed." } }
            ul.linked {
                @for (plugin, services) in links {
                    @match services {
                        Err(e) => li.error { (plugin) ": " (e) },
                        Ok(services) => @for s in services {
                            li { span.muted { (plugin) } " "
                                a href={ "/databases#" (anchor(plugin, s.as_str())) } { (s) } }
                        },
                    }
                }
            }
            p { a href="/databases" { "Link a database" } }
        }
    }
}

fn service_row(
    ctx: &Ctx,
    plugin: &ServicePlugin,
    name: &ServiceName,
    info: &dokku::Result<ServiceInfo>,
    apps: &[String],
) -> Markup {
    let admin = ctx.session.is_admin();
    let url = format!("/databases/{}/{}", plugin.name(), name);
    html! {
        tr #(anchor(plugin, name.as_str())) data-service=(name) {
            th { (name) }
            @match info {
                Err(e) => td colspan="4" { span.error { (e) } },
                Ok(info) => {
                    td { @match &info.status {
                        Some(s) => span class={ "badge svc-" (s.as_str()) } { (s.as_str()) },
                        None => span.muted { "—" },
                    } }
                    td { (info.version.as_deref().unwrap_or("—")) }
                    td.links {
                        @for app in &info.links {
                            span.link {
                                a href=(app_url(app.as_str())) { (app) }
                                @if admin {
                                    form.inline method="post" action={ (url) "/unlink" } {
                                        (csrf(&ctx.session))
                                        input type="hidden" name="app" value=(app);
                                        button.danger.small type="submit" { "Unlink" }
                                    }
                                }
                            }
                        }
                        @if info.links.is_empty() { span.muted { "not linked" } }
                    }
                    td { code.value { (masked()) } }
                }
            }
        }
        @if admin {
            tr.service-actions {
                td colspan="5" { div.svc-actions {
                    form.inline method="post" action={ (url) "/link" } {
                        (csrf(&ctx.session))
                        select name="app" aria-label="App to link" {
                            @for app in apps { option value=(app) { (app) } }
                        }
                        button type="submit" { "Link" }
                    }
                    form.inline method="post" action={ (url) "/dsn" } data-reveal data-row=(anchor(plugin, name.as_str())) {
                        (csrf(&ctx.session))
                        button type="submit" { "Reveal DSN" }
                    }
                    form.inline.destroy method="post" action={ (url) "/destroy" } data-name=(name) {
                        (csrf(&ctx.session))
                        input type="text" name="confirm" placeholder={ "type " (name) } autocomplete="off" required aria-label="Service name";
                        button.danger type="submit" { "Destroy" }
                    }
                } }
            }
        }
    }
}

/// `GET /databases`.
pub async fn page(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
) -> Result<Markup, WebError> {
    let snap = state.cache.get(&state.dokku).await?;
    let plugins = installed(&snap.capabilities);
    let all = join_all(plugins.iter().map(|p| services_of(&state.dokku, p.clone()))).await;
    let apps: Vec<String> = snap.apps.iter().map(|a| a.app.to_string()).collect();
    let body = html! {
        h1 { "Databases" }
        @if plugins.is_empty() {
            p.muted { "No datastore plugin (postgres, redis …) is installed on this host." }
        }
        @if ctx.session.is_admin() && !plugins.is_empty() {
            form.inline #service-create method="post" action="/databases" {
                (csrf(&ctx.session))
                select name="plugin" aria-label="Plugin" {
                    @for p in &plugins { option value=(p.name()) { (p) } }
                }
                input type="text" name="name" placeholder="service-name" required aria-label="Service name";
                input type="text" name="image_version" placeholder="image version (optional)" aria-label="Image version";
                button type="submit" { "Create service" }
            }
        }
        @for group in &all {
            section.plugin #(format!("plugin-{}", group.plugin.name())) {
                h2 { (group.plugin) }
                @match &group.services {
                    Err(e) => p.error { (e) },
                    Ok(services) if services.is_empty() => p.muted { "No services." },
                    Ok(services) => div.scroll { table.services {
                        thead { tr { th { "Service" } th { "Status" } th { "Version" } th { "Linked apps" } th { "DSN" } } }
                        tbody {
                            @for (name, info) in services {
                                (service_row(&ctx, &group.plugin, name, info, &apps))
                            }
                        }
                    } },
                }
            }
        }
    };
    Ok(layout("Databases", &ctx.session, body))
}

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
            let version = dokku::ImageVersion::new(version)
                .map_err(|e| WebError::BadRequest(e.to_string()))?;
            options = options.image_version(version);
        }
    }
    dokku
        .service(plugin.clone())
        .create(&name, &options)
        .await?;
    let to = format!("/databases#{}", anchor(&plugin, name.as_str()));
    Ok(finish(
        &state,
        &ctx,
        &to,
        format!("created {plugin} {name}"),
    ))
}

fn finish(state: &AppState, ctx: &Ctx, to: &str, message: String) -> Response {
    // Links change apps' config and restart them: the dashboard is stale.
    state.cache.invalidate();
    state.auth.flash(&ctx.token, message);
    Redirect::to(to).into_response()
}

/// `app=…` or `confirm=…`, by action.
#[derive(Debug, Default, Deserialize)]
pub struct ServiceForm {
    app: Option<String>,
    confirm: Option<String>,
}

impl ServiceForm {
    fn app(&self) -> Result<AppName, WebError> {
        app_name(self.app.as_deref().unwrap_or_default())
    }
}

/// `POST /databases/{plugin}/{service}/{link|unlink|destroy|dsn}`.
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
    let back = format!("/databases#{}", anchor(&plugin, name.as_str()));
    let message = match action.as_str() {
        "link" => {
            let app = form.app()?;
            let options = dokku::api::service::LinkOptions::new();
            services.link(&name, &app, &options).await?;
            format!("linked {name} to {app}")
        }
        "unlink" => {
            let app = form.app()?;
            services.unlink(&name, &app, false).await?;
            format!("unlinked {name} from {app}")
        }
        "destroy" => {
            let confirm = form.confirm.as_deref().unwrap_or_default().trim();
            services.destroy(&name, confirm).await?;
            return Ok(finish(
                &state,
                &ctx,
                "/databases",
                format!("destroyed {plugin} {name}"),
            ));
        }
        "dsn" => {
            // Audited as a `<plugin>:info --dsn` whose output is redacted.
            let dsn = services.dsn(&name).await?;
            return Ok((
                [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
                dsn.expose().to_owned(),
            )
                .into_response());
        }
        other => return Err(WebError::NotFound(format!("service action {other}"))),
    };
    Ok(finish(&state, &ctx, &back, message))
}
