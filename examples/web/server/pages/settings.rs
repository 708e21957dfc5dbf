//! An app's settings at a glance: resource limits and reservations,
//! storage mounts, zero-downtime checks, cron tasks, builder and
//! buildpacks, docker options and network. Read-only panels, with the
//! changes an admin makes most: set or clear a limit, mount or unmount a
//! directory, suspend or resume a cron task.
//!
//! One Dokku invocation per panel, all at once (`resource:report`,
//! `storage:report`, `checks:report`, `cron:list`, `builder:report`,
//! `buildpacks:report`, `docker-options:report`, `network:report`). A panel
//! whose command fails (a plugin missing, Dokku refusing) says so in that
//! panel; the others and the page are shown as usual.
//!
//! Like the ports panel, a change that would change nothing (a limit the
//! app has, a mount it has or lacks, a task already suspended) is refused
//! before anything is sent, so nothing is recorded as if it happened.

use axum::extract::{Path, State};
use axum::response::Response;
use axum::{Extension, Form};
use dokku::api::report::Report;
use dokku::api::resource::ResourceKind;
use dokku::model::builder::BuilderReport;
use dokku::model::buildpacks::BuildpacksReport;
use dokku::model::checks::{ChecksReport, ProcessSelection};
use dokku::model::cron::CronTask;
use dokku::model::docker_options::{DockerOptionsReport, PhaseOptions};
use dokku::model::network::NetworkReport;
use dokku::model::resource::{
    is_resource_value, ResourceReport, ResourceValues, DEFAULT_PROCESS, RESOURCES,
};
use dokku::model::storage::{StorageAttachment, StorageReport};
use dokku::model::Property;
use dokku::{AppName, Dokku, ProcessType};
use maud::{html, Markup};
use serde::Deserialize;

use super::super::auth::Role;
use super::super::handlers::{app_name, changed};
use super::super::{doing, AppState, Ctx, WebError};
use super::app::{card_empty, card_error};
use super::form_head;

/// What the settings panels show, each read on its own.
pub struct Panels {
    resources: dokku::Result<ResourceReport>,
    storage: dokku::Result<StorageReport>,
    checks: dokku::Result<ChecksReport>,
    cron: dokku::Result<Vec<CronTask>>,
    builder: dokku::Result<BuilderReport>,
    buildpacks: dokku::Result<BuildpacksReport>,
    docker_options: dokku::Result<DockerOptionsReport>,
    network: dokku::Result<NetworkReport>,
}

/// One app's typed report.
async fn report<R: Report>(dokku: &Dokku, app: &AppName) -> dokku::Result<R> {
    dokku.report::<R>().app(app).await
}

/// Read every panel's data, one invocation each, all at once.
pub async fn fetch(dokku: &Dokku, app: &AppName) -> Panels {
    let (resources, storage, checks, cron, builder, buildpacks, docker_options, network) = tokio::join!(
        report(dokku, app),
        report(dokku, app),
        report(dokku, app),
        dokku.cron().list(app),
        report(dokku, app),
        report(dokku, app),
        report(dokku, app),
        report(dokku, app),
    );
    Panels {
        resources,
        storage,
        checks,
        cron,
        builder,
        buildpacks,
        docker_options,
        network,
    }
}

/// The panels' ids and titles, in page order, for the section links.
pub const SECTIONS: [(&str, &str); 7] = [
    ("resources", "Resources"),
    ("storage", "Storage"),
    ("checks", "Checks"),
    ("cron", "Cron"),
    ("build", "Build"),
    ("docker-options", "Docker options"),
    ("network", "Network"),
];

/// Every panel, in page order.
pub fn sections(url: &str, ctx: &Ctx, app: &str, panels: &Panels) -> Markup {
    html! {
        (resources_section(url, ctx, app, &panels.resources))
        (storage_section(url, ctx, app, &panels.storage))
        (checks_section(&panels.checks))
        (cron_section(url, ctx, app, &panels.cron))
        (build_section(&panels.builder, &panels.buildpacks))
        (docker_options_section(&panels.docker_options))
        (network_section(&panels.network))
    }
}

/// `app-wide` for Dokku's `_default_`, else the process type.
fn scope_label(process: &str) -> &str {
    match process {
        DEFAULT_PROCESS => "app-wide",
        other => other,
    }
}

/// The form's word for a kind (`limit`, `reserve`).
fn kind_word(kind: ResourceKind) -> &'static str {
    match kind {
        ResourceKind::Reserve => "reserve",
        _ => "limit",
    }
}

/// A kind as people say it (`limit`, `reservation`).
fn kind_noun(kind: ResourceKind) -> &'static str {
    match kind {
        ResourceKind::Reserve => "reservation",
        _ => "limit",
    }
}

/// `cpu 2 · memory 1g`.
fn values(values: &ResourceValues) -> Markup {
    html! {
        @for (i, (resource, value)) in values.iter().enumerate() {
            @if i > 0 { " · " }
            span.setting { (resource) " " code { (value) } }
        }
    }
}

fn resources_section(
    url: &str,
    ctx: &Ctx,
    app: &str,
    report: &dokku::Result<ResourceReport>,
) -> Markup {
    let admin = ctx.can(Role::Admin);
    html! {
        section #resources {
            h2 { "Resources " span.muted.small { "effective on the next deploy" } }
            @match report {
                Err(e) => (card_error(&format!("read the resource limits of {app}"), e)),
                Ok(report) => {
                    @let groups: Vec<(ResourceKind, &String, &ResourceValues)> = report
                        .limits.iter().map(|(p, v)| (ResourceKind::Limit, p, v))
                        .chain(report.reservations.iter().map(|(p, v)| (ResourceKind::Reserve, p, v)))
                        .filter(|(_, _, v)| !v.is_empty())
                        .collect();
                    @if groups.is_empty() {
                        (card_empty("No limits or reservations: containers may use what the host has.", admin.then_some("Set one below.")))
                    }
                    ul.settings {
                        @for (i, (kind, process, set)) in groups.iter().enumerate() {
                            @let word = kind_word(*kind);
                            @let noun = kind_noun(*kind);
                            @let id = format!("resource-clear-{i}");
                            li data-resource={ (word) ":" (process) } {
                                strong { (scope_label(process)) } " " span.muted { (noun) } " " (values(set))
                                @if admin {
                                    form.inline #(id) method="post" action={ (url) "/resources/clear" }
                                        data-confirm={ "Clear the " (noun) "s of " (app) " (" (scope_label(process)) ")?" }
                                        data-consequence=(match kind {
                                            ResourceKind::Reserve => "From the next deploy nothing is set aside for these containers.",
                                            _ => "From the next deploy these containers may use as much as the host has.",
                                        })
                                        data-ok="Clear" {
                                        (form_head(&ctx.session, &id))
                                        input type="hidden" name="kind" value=(word);
                                        input type="hidden" name="process" value=(process);
                                        button.danger type="submit" { "Clear" }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            @if admin {
                form.inline #resource-set method="post" action={ (url) "/resources/set" } {
                    (form_head(&ctx.session, "resource-set"))
                    select name="kind" aria-label="Limit or reservation" {
                        option value="limit" { "limit" }
                        option value="reserve" { "reservation" }
                    }
                    select name="resource" aria-label="Resource" {
                        @for r in RESOURCES { option value=(r) { (r) } }
                    }
                    input type="text" name="amount" placeholder="512m" required aria-label="Amount"
                        pattern="[0-9]+(\\.[0-9]+)?[A-Za-z]{0,4}" title="A number with an optional unit: 0.5, 2, 512m, 1g";
                    input type="text" name="process" placeholder="process type (all)" aria-label="Process type";
                    button.secondary type="submit" { "Set" }
                }
            }
        }
    }
}

/// Where an attachment's data lives: its host path, or its named entry.
fn source(a: &StorageAttachment) -> String {
    match (a.entry_name.starts_with("legacy-"), a.host_path.is_empty()) {
        (false, _) => format!("storage entry {}", a.entry_name),
        (true, false) => a.host_path.clone(),
        (true, true) => a.entry_name.clone(),
    }
}

fn storage_section(
    url: &str,
    ctx: &Ctx,
    app: &str,
    report: &dokku::Result<StorageReport>,
) -> Markup {
    let admin = ctx.can(Role::Admin);
    html! {
        section #storage {
            h2 { "Storage " span.muted.small { "effective on the next deploy" } }
            @match report {
                Err(e) => (card_error(&format!("read the mounts of {app}"), e)),
                Ok(report) => {
                    @if report.attachments.is_empty() {
                        (card_empty("No mounts: the app's files live and die with its containers.", admin.then_some("Mount a host directory below.")))
                    }
                    ul.settings {
                        @for (i, a) in report.attachments.iter().enumerate() {
                            @let id = format!("storage-unmount-{i}");
                            @let from = source(a);
                            li data-mount=(a.container_path) {
                                code.long { (from) } " → " code.long { (a.container_path) }
                                span.muted {
                                    @if !a.phases.is_empty() { " " (a.phases.join(", ")) }
                                    @if a.process_type != DEFAULT_PROCESS && !a.process_type.is_empty() { " · " (a.process_type) " only" }
                                    @if a.readonly { " · read-only" }
                                }
                                @if admin {
                                    form.inline #(id) method="post" action={ (url) "/storage/unmount" }
                                        data-confirm={ "Unmount " (a.container_path) " from " (app) "?" }
                                        data-consequence={ "From the next deploy " (app) " no longer sees " (from) " there; the data itself stays on the host." }
                                        data-ok="Unmount" {
                                        (form_head(&ctx.session, &id))
                                        input type="hidden" name="entry" value=(a.entry_name);
                                        input type="hidden" name="container" value=(a.container_path);
                                        button.danger type="submit" { "Unmount" }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            @if admin {
                form.inline #storage-mount method="post" action={ (url) "/storage/mount" } {
                    (form_head(&ctx.session, "storage-mount"))
                    input type="text" name="host" placeholder="/var/lib/dokku/data/storage/NAME" required aria-label="Host path";
                    input type="text" name="container" placeholder="/app/storage" required aria-label="Container path";
                    button.secondary type="submit" { "Mount" }
                }
            }
        }
    }
}

/// `every process type`, `none`, `web, worker`.
fn selection(s: &ProcessSelection) -> String {
    match s {
        ProcessSelection::All => "every process type".to_owned(),
        ProcessSelection::Some(types) if !types.is_empty() => types.join(", "),
        _ => "none".to_owned(),
    }
}

fn checks_section(report: &dokku::Result<ChecksReport>) -> Markup {
    html! {
        section #checks {
            h2 { "Checks" }
            @match report {
                Err(e) => (card_error("read the zero-downtime checks", e)),
                Ok(report) => dl.facts {
                    dt { "Checks off" } dd { (selection(&report.disabled)) }
                    dt { "Checks skipped" } dd { (selection(&report.skipped)) }
                    dt { "Old containers retire after" }
                    dd { @match report.wait_to_retire.effective() { Some(s) => { (s) " s" }, None => "60 s (Dokku's default)" } }
                },
            }
        }
    }
}

fn cron_section(url: &str, ctx: &Ctx, app: &str, tasks: &dokku::Result<Vec<CronTask>>) -> Markup {
    let admin = ctx.can(Role::Admin);
    html! {
        section #cron {
            h2 { "Cron tasks" }
            @match tasks {
                Err(e) => (card_error(&format!("read the cron tasks of {app}"), e)),
                Ok(tasks) if tasks.is_empty() => (card_empty(
                    "No cron tasks.",
                    Some("They come from the \"cron\" list of the deployed app.json."),
                )),
                Ok(tasks) => ul.settings {
                    @for t in tasks {
                        @let (verb, label) = if t.task_in_maintenance { ("resume", "Resume") } else { ("suspend", "Suspend") };
                        @let id = format!("cron-{verb}-{}", t.id);
                        li data-task=(t.id) {
                            code { (t.schedule) } " " code.long { (t.command) }
                            @if t.task_in_maintenance { " " span.badge.s-stopped { "suspended" } }
                            @else if t.app_in_maintenance { " " span.badge.s-stopped { "suspended with the app" } }
                            @if admin {
                                form.inline #(id) method="post" action={ (url) "/cron/" (verb) }
                                    data-confirm=[(verb == "suspend").then(|| format!("Suspend this task of {app}?"))]
                                    data-consequence=[(verb == "suspend").then(|| format!("{} stops running on its schedule ({}) until it is resumed.", t.command, t.schedule))]
                                    data-ok=(label) {
                                    (form_head(&ctx.session, &id))
                                    input type="hidden" name="id" value=(t.id);
                                    button.secondary type="submit" { (label) }
                                }
                            }
                        }
                    }
                },
            }
        }
    }
}

/// A property's value, or what Dokku does without one.
fn property(p: &Property, unset: &str) -> Markup {
    html! {
        @match p.effective() {
            Some(v) => code { (v) },
            None => span.muted { (unset) },
        }
    }
}

fn build_section(
    builder: &dokku::Result<BuilderReport>,
    buildpacks: &dokku::Result<BuildpacksReport>,
) -> Markup {
    html! {
        section #build {
            h2 { "Builder and buildpacks" }
            @match builder {
                Err(e) => (card_error("read the builder", e)),
                Ok(b) => dl.facts {
                    dt { "Builder" }
                    dd {
                        @match (b.selected.effective(), b.detected.effective()) {
                            (Some(s), _) => code { (s) },
                            (None, Some(d)) => { code { (d) } span.muted { " (detected)" } },
                            (None, None) => span.muted { "detected on each build" },
                        }
                    }
                    dt { "Build directory" } dd { (property(&b.build_dir, "the repository's root")) }
                },
            }
            @match buildpacks {
                Err(e) => (card_error("read the buildpacks", e)),
                Ok(bp) if bp.list.is_empty() => p.muted { "No buildpacks set: the builder detects them." },
                Ok(bp) => {
                    ol.buildpacks {
                        @for b in &bp.list { li { code.long { (b) } } }
                    }
                    @if let Some(stack) = bp.stack.effective() { p.muted { "Stack " code.long { (stack) } } }
                },
            }
        }
    }
}

fn phase_options(options: &PhaseOptions) -> Markup {
    let each: Vec<&str> = match &options.options {
        Some(list) => list.iter().map(String::as_str).collect(),
        None if options.joined.trim().is_empty() => Vec::new(),
        None => vec![options.joined.as_str()],
    };
    html! {
        @if each.is_empty() { span.muted { "none" } }
        @for (i, o) in each.iter().enumerate() {
            @if i > 0 { " " }
            code.long { (o) }
        }
    }
}

fn docker_options_section(report: &dokku::Result<DockerOptionsReport>) -> Markup {
    html! {
        section #docker-options {
            h2 { "Docker options" }
            @match report {
                Err(e) => (card_error("read the docker options", e)),
                Ok(r) => dl.facts {
                    dt { "Build" } dd { (phase_options(&r.build)) }
                    dt { "Deploy" } dd { (phase_options(&r.deploy)) }
                    @for (process, options) in &r.deploy_by_process {
                        dt { "Deploy (" (process) ")" } dd { (phase_options(options)) }
                    }
                    dt { "Run" } dd { (phase_options(&r.run)) }
                },
            }
        }
    }
}

fn network_section(report: &dokku::Result<NetworkReport>) -> Markup {
    html! {
        section #network {
            h2 { "Network" }
            @match report {
                Err(e) => (card_error("read the network settings", e)),
                Ok(r) => dl.facts {
                    dt { "Starts on" } dd { (property(&r.initial_network, "the default bridge")) }
                    dt { "Attached after create" } dd { (property(&r.attach_post_create, "none")) }
                    dt { "Attached after deploy" } dd { (property(&r.attach_post_deploy, "none")) }
                    dt { "All interfaces" }
                    dd { @if r.bind_all_interfaces.effective() == Some("true") { "bound" } @else { span.muted { "no" } } }
                    @if let Some(tld) = r.tld.effective() { dt { "TLD" } dd { code { (tld) } } }
                    dt { "Listening on" }
                    dd {
                        @if r.web_listeners.is_empty() { span.muted { "no web containers" } }
                        @for l in &r.web_listeners { code { (l) } " " }
                    }
                },
            }
        }
    }
}

/// `kind=limit|reserve&resource=…&amount=…&process=…` (set) or
/// `kind=…&process=…` (clear).
#[derive(Debug, Default, Deserialize)]
pub struct ResourceForm {
    kind: Option<String>,
    resource: Option<String>,
    amount: Option<String>,
    process: Option<String>,
}

impl ResourceForm {
    fn kind(&self) -> Result<ResourceKind, WebError> {
        match self.kind.as_deref() {
            Some("limit") => Ok(ResourceKind::Limit),
            Some("reserve") => Ok(ResourceKind::Reserve),
            _ => Err(WebError::BadRequest(
                "Choose a limit or a reservation.".to_owned(),
            )),
        }
    }

    /// The process type (`None`: app-wide).
    fn process(&self) -> Result<Option<ProcessType>, WebError> {
        match self.process.as_deref().map(str::trim) {
            None | Some("" | DEFAULT_PROCESS) => Ok(None),
            Some(p) => Ok(Some(ProcessType::new(p)?)),
        }
    }
}

/// The values set now for a kind and scope.
fn current(
    report: &ResourceReport,
    kind: ResourceKind,
    process: Option<&ProcessType>,
) -> ResourceValues {
    let map = match kind {
        ResourceKind::Reserve => &report.reservations,
        _ => &report.limits,
    };
    let key = process.map_or(DEFAULT_PROCESS, ProcessType::as_str);
    map.get(key).cloned().unwrap_or_default()
}

/// `POST /apps/{app}/resources/{set|clear}`: `resource:limit` or
/// `resource:reserve` of one resource, or `resource:<kind>-clear`, for the
/// app or one process type.
pub async fn resources(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path((app, action)): Path<(String, String)>,
    Form(form): Form<ResourceForm>,
) -> Result<Response, WebError> {
    let app = app_name(&app)?;
    let setting = match action.as_str() {
        "set" => true,
        "clear" => false,
        other => return Err(WebError::NotFound(format!("action resources/{other}"))),
    };
    let kind = form.kind()?;
    let word = kind_noun(kind);
    let process = form.process()?;
    let scope = match &process {
        Some(p) => format!("the {p} processes of {app}"),
        None => app.to_string(),
    };
    let mut wanted = ResourceValues::default();
    if setting {
        let resource = form.resource.as_deref().unwrap_or_default().trim();
        if !RESOURCES.contains(&resource) {
            return Err(WebError::BadRequest(format!(
                "Choose a resource: {}.",
                RESOURCES.join(", ")
            )));
        }
        let amount = form.amount.as_deref().unwrap_or_default().trim();
        if !is_resource_value(resource, amount) {
            return Err(WebError::BadRequest(format!(
                "{amount:?} is not an amount: enter a number with an optional unit, \
                 like 0.5, 2, 512m or 1g. Nothing was changed."
            )));
        }
        wanted.set(resource, amount);
    }
    let now = report::<ResourceReport>(&state.dokku, &app)
        .await
        .map_err(doing(format!("read the resource limits of {app}")))?;
    let now = current(&now, kind, process.as_ref());
    let dokku = state.audited(&ctx.session).await?;
    let message = if setting {
        let Some((resource, amount)) = wanted.iter().next() else {
            return Err(WebError::BadRequest("Choose a resource.".to_owned()));
        };
        let message = if amount == "clear" {
            // Dokku's word for unsetting this one resource.
            if !now.iter().any(|(r, _)| r == resource) {
                return Err(WebError::BadRequest(format!(
                    "{scope} has no {word} {resource} set: nothing to clear."
                )));
            }
            format!("Cleared the {word} {resource} of {scope} (effective on the next deploy).")
        } else {
            if now.iter().any(|(r, v)| r == resource && v == amount) {
                return Err(WebError::BadRequest(format!(
                    "{scope} already has the {word} {resource} {amount}: nothing to change."
                )));
            }
            format!("Set the {word} {resource} {amount} on {scope} (effective on the next deploy).")
        };
        dokku
            .resources()
            .set(kind, &app, process.as_ref(), &wanted)
            .await
            .map_err(doing(format!("set the {word} {resource} on {scope}")))?;
        message
    } else {
        if now.is_empty() {
            return Err(WebError::BadRequest(format!(
                "{scope} has no {word}s set: nothing to clear."
            )));
        }
        dokku
            .resources()
            .clear(kind, &app, process.as_ref())
            .await
            .map_err(doing(format!("clear the {word}s of {scope}")))?;
        format!("Cleared the {word}s of {scope} (effective on the next deploy).")
    };
    Ok(changed(&state, &ctx, &app, message))
}

/// `host=…&container=…` (mount) or `entry=…&container=…` (unmount).
#[derive(Debug, Default, Deserialize)]
pub struct StorageForm {
    host: Option<String>,
    entry: Option<String>,
    container: Option<String>,
}

const HOST_RULE: &str = "The host path is an absolute path (/var/lib/dokku/data/storage/NAME) \
     or a Docker volume name (two or more letters, digits, '_', '.' or '-').";
const CONTAINER_RULE: &str =
    "The container path is an absolute path inside the container, like /app/storage.";

/// Dokku's rule for the host side of `storage:mount`: an absolute path, or
/// a Docker volume name; neither with `:` or spaces.
fn host_path(raw: &str) -> Result<&str, WebError> {
    let path = raw.trim();
    let plain = !path.is_empty() && !path.contains(':') && !path.chars().any(char::is_whitespace);
    let volume = path.len() >= 2
        && path.starts_with(|c: char| c.is_ascii_alphanumeric())
        && path
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'));
    match plain && (path.starts_with('/') || volume) {
        true => Ok(path),
        false => Err(WebError::BadRequest(HOST_RULE.to_owned())),
    }
}

/// An absolute path in the container, without `:` or spaces.
fn container_path(raw: &str) -> Result<&str, WebError> {
    let path = raw.trim();
    let ok = path.len() > 1
        && path.starts_with('/')
        && !path.contains(':')
        && !path.chars().any(char::is_whitespace);
    match ok {
        true => Ok(path),
        false => Err(WebError::BadRequest(CONTAINER_RULE.to_owned())),
    }
}

/// `POST /apps/{app}/storage/{mount|unmount}`: bind-mount a host path, or
/// remove one of the app's mounts (a host path's or a named entry's).
pub async fn storage(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path((app, action)): Path<(String, String)>,
    Form(form): Form<StorageForm>,
) -> Result<Response, WebError> {
    let app = app_name(&app)?;
    let mounting = match action.as_str() {
        "mount" => true,
        "unmount" => false,
        other => return Err(WebError::NotFound(format!("action storage/{other}"))),
    };
    let container = container_path(form.container.as_deref().unwrap_or_default())?;
    let host = match mounting {
        true => host_path(form.host.as_deref().unwrap_or_default())?,
        false => "",
    };
    let report = report::<StorageReport>(&state.dokku, &app)
        .await
        .map_err(doing(format!("read the mounts of {app}")))?;
    let dokku = state.audited(&ctx.session).await?;
    let message = if mounting {
        if let Some(a) = report
            .attachments
            .iter()
            .find(|a| a.container_path == container)
        {
            return Err(WebError::BadRequest(format!(
                "{app} already mounts {} at {container}: unmount it first.",
                source(a)
            )));
        }
        dokku
            .storage()
            .mount(&app, host, container)
            .await
            .map_err(doing(format!("mount {host} in {app}")))?;
        format!("Mounted {host} at {container} in {app} (effective on the next deploy).")
    } else {
        let entry = form.entry.as_deref().unwrap_or_default().trim();
        let Some(a) = report
            .attachments
            .iter()
            .find(|a| a.entry_name == entry && a.container_path == container)
        else {
            return Err(WebError::BadRequest(format!(
                "{app} has no such mount at {container}: nothing to unmount."
            )));
        };
        let storage = dokku.storage();
        let unmounted = match a.entry_name.starts_with("legacy-") {
            true => storage.unmount(&app, &a.host_path, container).await,
            false => storage.unmount_entry(&app, entry, Some(container)).await,
        };
        unmounted.map_err(doing(format!("unmount {container} from {app}")))?;
        format!("Unmounted {} from {container} in {app} (effective on the next deploy); its data stays on the host.", source(a))
    };
    Ok(changed(&state, &ctx, &app, message))
}

/// `id=…`: a cron task's id, as `cron:list` prints it.
#[derive(Debug, Default, Deserialize)]
pub struct CronForm {
    id: Option<String>,
}

/// `POST /apps/{app}/cron/{suspend|resume}`.
pub async fn cron(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path((app, action)): Path<(String, String)>,
    Form(form): Form<CronForm>,
) -> Result<Response, WebError> {
    let app = app_name(&app)?;
    let suspending = match action.as_str() {
        "suspend" => true,
        "resume" => false,
        other => return Err(WebError::NotFound(format!("action cron/{other}"))),
    };
    let id = form.id.as_deref().unwrap_or_default().trim();
    let tasks = state
        .dokku
        .cron()
        .list(&app)
        .await
        .map_err(doing(format!("read the cron tasks of {app}")))?;
    let Some(task) = tasks.iter().find(|t| t.id == id) else {
        return Err(WebError::BadRequest(format!(
            "{app} has no cron task {id:?}: reload the page to see its tasks."
        )));
    };
    if task.task_in_maintenance == suspending {
        return Err(WebError::BadRequest(format!(
            "The task {} of {app} is already {}: nothing to change.",
            task.command,
            if suspending {
                "suspended"
            } else {
                "running on its schedule"
            }
        )));
    }
    let dokku = state.audited(&ctx.session).await?;
    let cron = dokku.cron();
    let message = if suspending {
        cron.suspend(&app, id)
            .await
            .map_err(doing(format!("suspend the task {} of {app}", task.command)))?;
        format!("Suspended {} ({}) on {app}.", task.command, task.schedule)
    } else {
        cron.resume(&app, id)
            .await
            .map_err(doing(format!("resume the task {} of {app}", task.command)))?;
        format!("Resumed {} ({}) on {app}.", task.command, task.schedule)
    };
    Ok(changed(&state, &ctx, &app, message))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mount_paths_follow_dokkus_rules_before_anything_is_sent() {
        assert!(host_path("/var/lib/dokku/data/storage/api").is_ok());
        assert!(host_path("api-data").is_ok());
        for bad in ["", "a", "relative/path", "/a:b", "/with space", "-x"] {
            assert!(host_path(bad).is_err(), "{bad:?}");
        }
        assert!(container_path("/app/storage").is_ok());
        for bad in ["", "/", "app/storage", "/a:b", "/with space"] {
            assert!(container_path(bad).is_err(), "{bad:?}");
        }
    }
}
