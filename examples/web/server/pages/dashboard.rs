//! The dashboard: every app with its state, processes, domains and deploy
//! source, each row with its age; counts per state; how far the refresh
//! has come and the Dokku time it spent; the host's Dokku version and
//! plugins. It renders at once from the kept snapshot ([`super::super::data`]);
//! [`live`] sends each row again as the refresher reads it, and when the
//! host's watch marks it otherwise (deploying, deploy failed).

use std::collections::{BTreeMap, VecDeque};
use std::convert::Infallible;
use std::time::Duration;

use axum::extract::{Query, State};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::Extension;
use dokku::Capabilities;
use futures_util::{stream, Stream, StreamExt};
use maud::{html, Markup};
use serde::Deserialize;

use super::super::auth::Role;
use super::super::data::{status_class, AppRow, AppStatus, Line, Progress, Update, View};
use super::super::handlers::{app_url, until_ended};
use super::super::notifications::{HostWatch, Marked, Marks};
use super::super::{AppState, Ctx, WebError};
use super::{form_head, layout, log_time};

/// `web 2/2 · worker 1/1`.
pub fn processes(row: &AppRow) -> Markup {
    html! {
        @if row.processes.is_empty() { span.muted { "—" } }
        @for (kind, count) in &row.processes {
            span class=(if count.running < count.total { "proc short" } else { "proc" }) {
                (kind) " " (count.running) "/" (count.total)
            }
        }
    }
}

/// The deploy source with a short sha or the image.
pub fn deploy(row: &AppRow) -> Markup {
    html! {
        @match (&row.deploy_source, &row.deploy_source_metadata) {
            (Some(source), Some(detail)) if source == "git" => {
                (source) " " code { (detail.get(..7).unwrap_or(detail)) }
            }
            (Some(source), Some(detail)) => { (source) " " code { (detail) } }
            (Some(source), None) => { (source) }
            (None, _) => { span.muted { "—" } }
        }
    }
}

/// `?q=…&state=crashed&page=2`: the dashboard's search, state filter and
/// page.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct AppFilter {
    /// Part of the name or of a domain.
    pub q: Option<String>,
    /// One state (`crashed`, `never-deployed` …), [`DEPLOY_FAILED`] or
    /// [`DEPLOYING`].
    pub state: Option<String>,
    /// The page, from 1.
    pub page: Option<usize>,
    /// The host's pages' prefix (set from the request, not the query).
    #[serde(skip)]
    pub base: String,
}

/// Apps per page: a host with 500 apps stays quick to load and to read.
pub const PAGE_SIZE: usize = 50;

/// The order a person needs: what is broken first (crashed, then mixed,
/// locked, stopped), then by name.
fn urgency(status: AppStatus) -> u8 {
    match status {
        AppStatus::Crashed => 0,
        AppStatus::Mixed => 1,
        AppStatus::Locked => 2,
        AppStatus::Stopped => 3,
        AppStatus::Running => 4,
        _ => 5,
    }
}

/// A state's word in a URL (`never-deployed`).
pub fn state_slug(status: AppStatus) -> String {
    status.as_str().replace(' ', "-")
}

/// The filter's word for the apps whose last deploy failed: beside the
/// states, though not one (a failed deploy leaves the app running what
/// it ran).
pub const DEPLOY_FAILED: &str = "deploy-failed";

/// The filter's word for the apps being deployed (at the last builds
/// reading), beside the states likewise.
pub const DEPLOYING: &str = "deploying";

/// What a count badge filters on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Wanted {
    State(AppStatus),
    DeployFailed,
    Deploying,
}

impl Wanted {
    fn slug(self) -> String {
        match self {
            Self::State(status) => state_slug(status),
            Self::DeployFailed => DEPLOY_FAILED.to_owned(),
            Self::Deploying => DEPLOYING.to_owned(),
        }
    }
}

impl AppFilter {
    fn query(&self) -> String {
        self.q
            .as_deref()
            .map(str::trim)
            .unwrap_or_default()
            .to_lowercase()
    }

    fn wanted(&self) -> Option<Wanted> {
        let wanted = self.state.as_deref().filter(|s| !s.is_empty())?;
        match wanted {
            DEPLOY_FAILED => return Some(Wanted::DeployFailed),
            DEPLOYING => return Some(Wanted::Deploying),
            _ => {}
        }
        AppStatus::ALL
            .into_iter()
            .find(|s| state_slug(*s) == wanted)
            .map(Wanted::State)
    }

    /// The apps that match, most urgent first (apps not read yet last),
    /// and how many matched; `marked`: the host watch's marks.
    pub fn apply<'a>(&self, lines: &'a [Line], marked: &Marked) -> (Vec<&'a Line>, usize) {
        let q = self.query();
        let wanted = self.wanted();
        fn row(l: &Line) -> Option<&AppRow> {
            l.kept.as_ref().map(|k| k.row.as_ref())
        }
        let mut rows: Vec<&Line> = lines
            .iter()
            .filter(|l| match wanted {
                None => true,
                Some(Wanted::State(s)) => row(l).is_some_and(|r| r.status == s),
                Some(Wanted::DeployFailed) => marked.failed.contains(&l.app),
                Some(Wanted::Deploying) => marked.deploying.contains(&l.app),
            })
            .filter(|l| {
                q.is_empty()
                    || l.app.as_str().contains(&q)
                    || row(l).is_some_and(|r| r.domains.iter().any(|d| d.contains(&q)))
            })
            .collect();
        let rank = |l: &Line| row(l).map_or(6, |r| urgency(r.status));
        rows.sort_by(|a, b| rank(a).cmp(&rank(b)).then_with(|| a.app.cmp(&b.app)));
        let total = rows.len();
        let pages = total.div_ceil(PAGE_SIZE).max(1);
        let page = self.page.unwrap_or(1).clamp(1, pages);
        let rows = rows
            .into_iter()
            .skip((page - 1) * PAGE_SIZE)
            .take(PAGE_SIZE)
            .collect();
        (rows, total)
    }

    /// This filter's link to another page.
    fn link(&self, page: usize) -> String {
        let mut pairs: Vec<(&str, String)> = Vec::new();
        if !self.query().is_empty() {
            pairs.push(("q", self.query()));
        }
        if let Some(wanted) = self.wanted() {
            pairs.push(("state", wanted.slug()));
        }
        if page > 1 {
            pairs.push(("page", page.to_string()));
        }
        match serde_urlencoded::to_string(&pairs) {
            Ok(q) if !q.is_empty() => format!("{}/?{q}", self.base),
            _ => format!("{}/", self.base),
        }
    }

    /// The same filter on another state (`None`: all).
    fn with(&self, wanted: Option<Wanted>) -> String {
        Self {
            state: wanted.map(Wanted::slug),
            page: None,
            ..self.clone()
        }
        .link(1)
    }
}

/// An app's name as a link, cut with an ellipsis when long (the full name
/// is its title).
pub fn app_link(base: &str, app: &dokku::AppName) -> Markup {
    html! {
        a.app-name href={ (base) (app_url(app.as_str())) } title=(app) { (app) }
    }
}

/// How long ago, as people say it: `just now`, `12 s ago`, `3 min ago`.
pub fn ago(age: Duration) -> String {
    let s = age.as_secs();
    match s {
        0..=4 => "just now".to_owned(),
        5..=59 => format!("{s} s ago"),
        60..=3599 => format!("{} min ago", s / 60),
        3600..=86_399 => format!("{} h ago", s / 3600),
        _ => format!("{} days ago", s / 86_400),
    }
}

/// `refreshing 40/100`, or `100/100 fresh` once every app is.
pub fn progress_text(p: &Progress) -> String {
    if p.complete() {
        format!("{}/{} fresh", p.fresh, p.total)
    } else {
        format!("refreshing {}/{}", p.fresh, p.total)
    }
}

/// `host time spent: 1.2 s in the last minute (budget 3 s)`.
pub fn spent_text(spent: Duration, budget: Duration) -> String {
    format!(
        "host time spent: {:.1} s in the last minute (budget {} s)",
        spent.as_secs_f64(),
        budget.as_secs_f64()
    )
}

/// The mark of an app whose last deploy failed, linking to its deploys
/// (the dashboard's rows, the fleet page).
pub fn deploy_failed(base: &str, app: &dokku::AppName) -> Markup {
    html! {
        a.badge.s-crashed.deploy-failed href={ (base) (app_url(app.as_str())) "#deploys" }
            title="The app's last deploy or build failed; it runs the release before it." { "deploy failed" }
    }
}

/// The mark of an app Dokku was building or deploying at the last builds
/// reading, linking to its builds (where a deployer follows the running
/// one).
pub fn deploying(base: &str, app: &dokku::AppName) -> Markup {
    html! {
        a.badge.s-mixed.deploying href={ (base) (app_url(app.as_str())) "/builds" }
            title="Dokku is building or deploying the app (as of the last builds reading, up to a minute ago)." { "deploying" }
    }
}

/// One app's row; an app not read yet shows its name and `refreshing…`.
/// The live dashboard sends the same markup when the row is read again.
///
/// An app whose last deploy (or Dokku's last build of it, a push's
/// included) failed says so beside its state, as does one being deployed.
pub fn row_html(
    base: &str,
    app: &dokku::AppName,
    row: Option<&AppRow>,
    age: Option<Duration>,
    watch: &HostWatch,
) -> Markup {
    html! {
        tr data-app=(app) {
            td.name { (app_link(base, app)) }
            @match row {
                Some(row) => {
                    td {
                        span class={ "badge " (status_class(row.status)) } { (row.status.as_str()) }
                        @let marks = watch.marks(app);
                        @if marks.deploy_failed { " " (deploy_failed(base, app)) }
                        @if marks.building.is_some() { " " (deploying(base, app)) }
                    }
                    td { (processes(row)) }
                    td.domains { @for d in &row.domains { span title=(d) { (d) } " " } }
                    td { (deploy(row)) }
                }
                None => {
                    td { span.badge.s-unknown { "unknown" } }
                    td { span.muted { "—" } }
                    td.domains { span.muted { "—" } }
                    td { span.muted { "—" } }
                }
            }
            td.checked {
                @match age {
                    Some(age) => { span.muted { "checked " (ago(age)) } }
                    None => { span.muted { "refreshing…" } }
                }
            }
        }
    }
}

/// The dashboard's body for a view (the bench renders it directly).
pub fn render(
    view: &View,
    caps: Option<&Capabilities>,
    ctx: &Ctx,
    filter: &AppFilter,
    watch: &HostWatch,
) -> Markup {
    let counts = view.counts();
    let marked = watch.marked(&ctx.user, &ctx.host);
    let (rows, total) = filter.apply(&view.lines, &marked);
    let pages = total.div_ceil(PAGE_SIZE).max(1);
    let page = filter.page.unwrap_or(1).clamp(1, pages);
    let current = filter.wanted();
    let all = view.lines.len();
    // The host page is for those who may read every app of the host.
    let host_page = ctx.may(Role::Viewer, None).then(|| ctx.at("/host"));
    html! {
        h1 { "Apps " span.muted { (all) } }
        div.refresh #refresh aria-live="polite" {
            span #refresh-progress data-live=(ctx.at("/live")) data-fresh=(view.progress.fresh) data-total=(view.progress.total) { (progress_text(&view.progress)) }
            " · "
            span #refresh-spent { (spent_text(view.spent, view.budget)) }
            @if let Some(problem) = &view.problem {
                " · " span.problem { "last refresh failed: " (problem) }
            }
        }
        // Shown while Dokku's event logger is off (the live stream shows
        // and hides it).
        div.muted #event-log-off hidden[view.event_log != Some(false)] {
            "Dokku's event log is off: what changes on the host outside this dashboard (a "
            code { "git push" } ", a " code { "dokku" } " command) shows as each app is read again, a build up to a minute late."
            @if ctx.can(Role::Admin) {
                " "
                form.inline method="post" action=(ctx.at("/events")) {
                    (form_head(&ctx.session, "events-on"))
                    button.secondary type="submit" { "Turn it on" }
                }
            }
        }
        @if let Some(disk) = watch.filling_disk(&ctx.host) {
            p.disk-warning.(if disk.is_full() { "bad" } else { "warn" }) role="status" {
                a href=[host_page.as_deref()] {
                    "The disk at " (disk.mounted_on)
                    @if disk.inodes { " has " (disk.used_percent) "% of its inodes used" } @else { " is " (disk.used_percent) "% full" }
                }
                span.muted { " (read " (log_time(disk.read_at)) " UTC)" }
            }
        }
        ul.counts aria-label="Filter by state" {
            li { a.badge.all href=(filter.with(None)) aria-current=[current.is_none().then_some("true")] { "all " strong #count-all { (all) } } }
            @for (status, n) in &counts {
                li {
                    a class={ "badge " (status_class(*status)) }
                        href=(filter.with(Some(Wanted::State(*status))))
                        aria-current=[(current == Some(Wanted::State(*status))).then_some("true")] {
                        (status.as_str()) " " strong id=(format!("count-{}", state_slug(*status))) { (n) }
                    }
                }
            }
            // The watch's marks, shown while some app has one (the live
            // counts show and hide them).
            @for (wanted, class, words, title, n) in [
                (Wanted::DeployFailed, "s-crashed", "deploy failed", "Apps whose last deploy or build failed; they run the release before it.", marked.failed.len()),
                (Wanted::Deploying, "s-mixed", "deploying", "Apps Dokku was building or deploying at the last builds reading.", marked.deploying.len()),
            ] {
                li data-mark hidden[n == 0 && current != Some(wanted)] {
                    a class={ "badge " (class) } href=(filter.with(Some(wanted))) title=(title)
                        aria-current=[(current == Some(wanted)).then_some("true")] {
                        (words) " " strong id={ "count-" (wanted.slug()) } { (n) }
                    }
                }
            }
        }
        div.toolbar {
            form.inline.search #app-search method="get" action=(ctx.at("/")) role="search" {
                @if let Some(wanted) = current { input type="hidden" name="state" value=(wanted.slug()); }
                input type="search" name="q" value=(filter.query()) placeholder="Find an app or domain" aria-label="Find an app or domain";
                button.secondary type="submit" { "Find" }
            }
            @if ctx.can(Role::Admin) {
                form.inline #app-create method="post" action=(ctx.at("/apps")) {
                    (form_head(&ctx.session, "app-create"))
                    input type="text" name="name" placeholder="new-app-name" required
                        maxlength=(dokku::name::APP_NAME_MAX)
                        pattern=(NEW_APP_PATTERN)
                        title="Lower-case letters, digits, '-' and '.'; at most 63 between dots"
                        aria-label="New app name";
                    button type="submit" { "Create app" }
                }
            }
        }
        @if rows.is_empty() {
            div.empty {
                @if view.lines.is_empty() { p { "No apps yet." } @if ctx.can(Role::Admin) { p { "Create one above, then push code to it with git." } } }
                @else { p { "No app matches." } p { a href=(ctx.at("/")) { "Show all apps" } } }
            }
        } @else {
            div.scroll {
                table.apps #apps data-live=(ctx.at("/live")) {
                    thead { tr { th { "App" } th { "State" } th { "Processes" } th { "Domains" } th { "Deployed from" } th { "Checked" } } }
                    tbody {
                        @for line in &rows {
                            (row_html(
                                &ctx.base,
                                &line.app,
                                line.kept.as_ref().map(|k| k.row.as_ref()),
                                line.kept.as_ref().map(|k| view.now.saturating_duration_since(k.checked)),
                                watch,
                            ))
                        }
                    }
                }
            }
            @if pages > 1 {
                nav.pager aria-label="Pages" {
                    @if page > 1 { a rel="prev" href=(filter.link(page - 1)) { "← Previous" } }
                    span { "Page " (page) " of " (pages) " · " (total) " apps" }
                    @if page < pages { a rel="next" href=(filter.link(page + 1)) { "Next →" } }
                }
            }
        }
        footer.host {
            @if let Some(caps) = caps {
                p {
                    "Dokku " (caps.version)
                    @if let Some(host_page) = &host_page { " · " a href=(host_page) { "Memory and disks" } }
                }
                details {
                    summary { (caps.plugins.len()) " plugins" }
                    ul.plugins {
                        @for p in &caps.plugins {
                            li { (p.name.as_str()) " " span.muted { (p.version) } @if !p.enabled { " (disabled)" } }
                        }
                    }
                }
            }
        }
    }
}

/// What the browser checks before a new name is sent (the server checks
/// the library's rule again): Dokku's rule with DNS label lengths.
pub const NEW_APP_PATTERN: &str = "[a-z0-9][a-z0-9\\-]{0,62}(\\.[a-z0-9\\-]{1,63})*";

/// `GET /`: at once, from the kept snapshot. With none yet, only the app
/// list is read (`apps:list`, cheap) and every row says `refreshing…`.
pub async fn page(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Query(mut filter): Query<AppFilter>,
) -> Result<Markup, WebError> {
    filter.base = ctx.base.clone();
    if state.store.view().lines.is_empty() {
        state.store.ensure_listed(&state.dokku).await?;
    }
    let view = visible(
        state.store.view(),
        &ctx,
        state.options.refresh.refresh_after,
    );
    let caps = state.dokku.cached_capabilities().await;
    Ok(layout(
        "Apps",
        &ctx,
        render(&view, caps.as_deref(), &ctx, &filter, &state.watch),
    ))
}

/// The view with only the apps the user may see: their counts, and for
/// a user limited to some apps the progress over theirs (`fresh`: read
/// within `refresh_after` and not changed since), so neither tells how
/// many apps the host has.
pub fn visible(mut view: View, ctx: &Ctx, refresh_after: Duration) -> View {
    if ctx.may(Role::Viewer, None) {
        return view;
    }
    view.lines
        .retain(|l| ctx.may(Role::Viewer, Some(l.app.as_str())));
    let now = view.now;
    let fresh = |l: &Line| {
        !l.changed
            && l.kept
                .as_ref()
                .is_some_and(|k| now.saturating_duration_since(k.checked) < refresh_after)
    };
    view.progress = Progress {
        fresh: view.lines.iter().filter(|l| fresh(l)).count(),
        total: view.lines.len(),
        listed: view.progress.listed,
        dirty: view.lines.iter().filter(|l| l.changed).count(),
    };
    view
}

/// What a live dashboard has to send: the store's updates, the watch's
/// readings (`None` once the watch is gone), the marks each app's row was
/// last sent with, and the events waiting to go.
struct Live {
    updates: tokio::sync::broadcast::Receiver<Update>,
    marks: Option<tokio::sync::watch::Receiver<u64>>,
    /// Whether Dokku's event logger is on (the notice shows while off).
    event_log: Option<tokio::sync::watch::Receiver<Option<bool>>>,
    shown: BTreeMap<dokku::AppName, Marks>,
    pending: VecDeque<Event>,
}

/// A server-sent event with a JSON body.
fn event(name: &str, data: &serde_json::Value) -> Event {
    Event::default().event(name).data(data.to_string())
}

/// The counter, the host time and the counts (`count-<state>` elements,
/// [`DEPLOY_FAILED`]'s and [`DEPLOYING`]'s too), which change as rows do.
fn progress_event(
    progress: &Progress,
    spent: Duration,
    budget: Duration,
    counts: &BTreeMap<AppStatus, usize>,
    marked: &Marked,
) -> Event {
    let mut counts: serde_json::Map<String, serde_json::Value> = counts
        .iter()
        .map(|(status, n)| (state_slug(*status), (*n).into()))
        .collect();
    counts.insert(DEPLOY_FAILED.to_owned(), marked.failed.len().into());
    counts.insert(DEPLOYING.to_owned(), marked.deploying.len().into());
    event(
        "progress",
        &serde_json::json!({
            "fresh": progress.fresh,
            "total": progress.total,
            "text": progress_text(progress),
            "spent": spent_text(spent, budget),
            "counts": counts,
        }),
    )
}

/// `GET /live`: the dashboard's rows as the refresher reads them, and
/// again when the host's watch marks them otherwise (`row`: the app and
/// its row's HTML), and the counter (`progress`); it ends with the
/// session.
pub async fn live(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    // Subscribed before the view is taken: nothing falls between.
    let updates = state.store.subscribe();
    let marks = state.watch.marks_changed();
    let event_log = state.store.event_log_changes();
    let refresh_after = state.options.refresh.refresh_after;
    let view = visible(state.store.view(), &ctx, refresh_after);
    let budget = view.budget;
    let first = progress_event(
        &view.progress,
        view.spent,
        budget,
        &view.counts(),
        &state.watch.marked(&ctx.user, &ctx.host),
    );
    let live = Live {
        updates,
        marks: Some(marks),
        event_log: Some(event_log),
        shown: view
            .lines
            .iter()
            .map(|l| (l.app.clone(), state.watch.marks(&l.app)))
            .collect(),
        pending: VecDeque::new(),
    };
    let store = std::sync::Arc::clone(&state.store);
    let watch = std::sync::Arc::clone(&state.watch);
    let base = ctx.base.clone();
    // Only the rows and counts of apps the user may see.
    let ctx = std::sync::Arc::new(ctx);
    let every_app = ctx.may(Role::Viewer, None);
    let token = ctx.token.clone();
    let row_event = {
        let store = std::sync::Arc::clone(&store);
        let watch = std::sync::Arc::clone(&watch);
        move |row: &AppRow| {
            let age = store
                .row(&row.app)
                .map(|k| store.clock().now().saturating_duration_since(k.checked));
            let html = row_html(&base, &row.app, Some(row), age, &watch).into_string();
            event(
                "row",
                &serde_json::json!({ "app": row.app.as_str(), "html": html }),
            )
        }
    };
    let rows = stream::unfold(live, move |mut live| {
        let store = std::sync::Arc::clone(&store);
        let watch = std::sync::Arc::clone(&watch);
        let ctx = std::sync::Arc::clone(&ctx);
        let row_event = row_event.clone();
        async move {
            loop {
                if let Some(event) = live.pending.pop_front() {
                    return Some((Ok(event), live));
                }
                let marks = async {
                    match live.marks.as_mut() {
                        Some(marks) => marks.changed().await.is_ok(),
                        None => std::future::pending().await,
                    }
                };
                let logging = async {
                    match live.event_log.as_mut() {
                        Some(log) => log.changed().await.ok().map(|()| *log.borrow()),
                        None => std::future::pending().await,
                    }
                };
                tokio::select! {
                    update = live.updates.recv() => match update {
                        Ok(Update::Row(row)) if !ctx.may(Role::Viewer, Some(row.app.as_str())) => {}
                        Ok(Update::Row(row)) => {
                            live.shown.insert(row.app.clone(), watch.marks(&row.app));
                            return Some((Ok(row_event(&row)), live));
                        }
                        Ok(Update::Progress(progress, spent)) => {
                            let (progress, counts) = match every_app {
                                true => (progress, store.counts()),
                                false => {
                                    let view = visible(store.view(), &ctx, refresh_after);
                                    (view.progress, view.counts())
                                }
                            };
                            let marked = watch.marked(&ctx.user, &ctx.host);
                            let event = progress_event(&progress, spent, budget, &counts, &marked);
                            return Some((Ok(event), live));
                        }
                        // A slow reader missed some: the next ones still come.
                        Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {}
                        Err(tokio::sync::broadcast::error::RecvError::Closed) => return None,
                    },
                    logging = logging => match logging {
                        // The notice shows while the logger is off.
                        Some(on) => {
                            let on = serde_json::json!({ "on": on });
                            return Some((Ok(event("event-log", &on)), live));
                        }
                        None => live.event_log = None,
                    },
                    open = marks => {
                        if !open {
                            live.marks = None;
                            continue;
                        }
                        // The rows whose marks changed, then the counts.
                        let view = visible(store.view(), &ctx, refresh_after);
                        for line in &view.lines {
                            let now = watch.marks(&line.app);
                            if live.shown.get(&line.app) == Some(&now) {
                                continue;
                            }
                            live.shown.insert(line.app.clone(), now);
                            if let Some(kept) = &line.kept {
                                live.pending.push_back(row_event(&kept.row));
                            }
                        }
                        if !live.pending.is_empty() {
                            let marked = watch.marked(&ctx.user, &ctx.host);
                            let counts = view.counts();
                            let event = progress_event(&view.progress, view.spent, budget, &counts, &marked);
                            live.pending.push_back(event);
                        }
                    }
                }
            }
        }
    });
    let ended = state.auth.ended(&token);
    let events = until_ended(stream::once(async move { Ok(first) }).chain(rows), ended);
    Sse::new(events).keep_alive(KeepAlive::default())
}
