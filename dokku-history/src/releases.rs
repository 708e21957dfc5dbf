//! One deploy history per app, and the plan to roll it back.
//!
//! A release is an audited deploy (`git:sync --build`, `git:from-image`,
//! `git:from-archive`, `ps:rebuild`, and a `git push` made with
//! dokku-core's `Deploys::push`, which the audit records through
//! `Executor::observe`): who started it, from where, when,
//! how long, how it ended. Dokku's own build records
//! ([`BuildRecord`], `builds:list`) are joined to them by source and time,
//! so a release also carries Dokku's build id and status.
//!
//! A rollback redeploys an earlier successful release by the means Dokku
//! offers for its source: an image by `git:from-image`, a synced commit by
//! `git:sync --build` of the same repository and commit, an archive by
//! downloading the same URL. What cannot be reproduced is refused before
//! anything is sent, with the reason: an archive sent on stdin (never
//! kept), a sync of a branch (it may have moved) or of a repository whose
//! credentials the trail masked, a push (its local repository is not
//! kept; the refusal names the commit to push again), a deploy the trail
//! never saw.
//! A rollback's commands are recorded with the correlation id
//! `rollback:<record id>` ([`RollbackPlan::correlation`]), which is how a
//! later history knows it was one.

use dokku_core::api::deploy::DeploySpec;
use dokku_core::model::apps::AppReport;
use dokku_core::model::builds::{BuildRecord, BuildStatus};
use dokku_core::model::deploy::{ArchiveType, DeploySource};
use dokku_core::AppName;
use serde::Serialize;

use crate::error::HistoryError;
use crate::record::{Outcome, Record, Source};

/// The correlation id prefix that marks a rollback's commands.
pub const ROLLBACK: &str = "rollback:";

/// Milliseconds of clock difference allowed between the trail and the
/// host when joining a build record to a release.
const CLOCK_SLACK_MS: i64 = 5_000;

/// One audited deploy of an app.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[non_exhaustive]
pub struct Release {
    /// The audit record's id.
    pub record_id: i64,
    /// The app.
    pub app: String,
    /// The host's name in the trail.
    pub host: String,
    /// Where the code came from.
    pub source: DeploySource,
    /// Who started it.
    pub actor: String,
    /// From which tool.
    pub origin: Source,
    /// When it started (Unix ms).
    pub started_at: i64,
    /// When it ended (Unix ms).
    pub ended_at: i64,
    /// How it ended.
    pub outcome: Outcome,
    /// Dokku's exit code.
    pub exit_code: Option<i32>,
    /// The release this one rolled back to, when it was a rollback.
    pub rollback_of: Option<i64>,
    /// Dokku's build record for it, when one matched.
    pub build: Option<BuildRecord>,
}

impl Release {
    /// How long it took, in milliseconds.
    pub fn duration_ms(&self) -> i64 {
        (self.ended_at - self.started_at).max(0)
    }

    /// Whether it succeeded.
    pub fn succeeded(&self) -> bool {
        self.outcome == Outcome::Ok
    }
}

/// The subcommands that deploy, with the `builds:list` source Dokku
/// records for each.
pub const DEPLOYS: &[&str] = &[
    "git:sync",
    "git:from-image",
    "git:from-archive",
    "ps:rebuild",
    // A `git push` (dokku-core's `Deploys::push`, recorded as
    // `git-receive-pack APP REFSPEC [--force] [COMMIT]`).
    "git-receive-pack",
];

/// The release a record is, if it is a deploy of one app. A push git
/// found nothing to send for (its last word `Everything up-to-date`, as
/// dokku-core reads [`Unchanged`](dokku_core::model::deploy::DeployOutcome::Unchanged))
/// deployed nothing: not a release.
pub fn release_of(record: &Record) -> Option<Release> {
    let entry = &record.entry;
    if !DEPLOYS.contains(&entry.subcommand.as_str()) {
        return None;
    }
    let last_said = entry.stderr.lines().rev().find(|l| !l.trim().is_empty());
    if entry.subcommand == "git-receive-pack"
        && last_said.map(str::trim) == Some("Everything up-to-date")
    {
        return None;
    }
    let app = entry.app.clone()?;
    let args: &[String] = match entry.argv.split_first() {
        Some((first, rest)) if *first == entry.subcommand => rest,
        _ => &entry.argv,
    };
    let source = source_of(&entry.subcommand, args, &app)?;
    let rollback_of = entry
        .correlation_id
        .as_deref()
        .and_then(|c| c.strip_prefix(ROLLBACK))
        // `rollback:<id>`, then whatever else the caller correlates by
        // (the API's `token:<id>`) after a space.
        .and_then(|rest| rest.split(' ').next())
        .and_then(|id| id.parse().ok());
    Some(Release {
        record_id: record.id,
        app,
        host: entry.host.clone(),
        source,
        actor: entry.actor.clone(),
        origin: entry.source,
        started_at: entry.started_at,
        ended_at: entry.ended_at,
        outcome: entry.outcome,
        exit_code: entry.exit_code,
        rollback_of,
        build: None,
    })
}

/// Read a deploy's source back from its arguments (flags and their values
/// skipped, the app's own name dropped). `git:sync` without `--build`
/// only fetches: not a release.
fn source_of(subcommand: &str, args: &[String], app: &str) -> Option<DeploySource> {
    let mut positional = Vec::new();
    let mut build = false;
    let mut archive_type = ArchiveType::default();
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--build" | "--build-if-changes" => build = true,
            "--archive-type" => {
                archive_type = args.next().and_then(|t| ArchiveType::parse(t))?;
            }
            "--build-dir" => {
                args.next();
            }
            "--" => positional.push("--"),
            flag if flag.starts_with("--") => {}
            value => positional.push(value),
        }
    }
    let mut rest = positional.into_iter().skip_while(|a| *a == app);
    Some(match subcommand {
        "git:sync" if build => DeploySource::GitSync {
            repository: rest.next()?.to_owned(),
            reference: rest.next().map(str::to_owned),
        },
        "git:from-image" => DeploySource::Image {
            image: rest.next()?.to_owned(),
        },
        "git:from-archive" => DeploySource::Archive {
            url: rest.next().filter(|u| *u != "--").map(str::to_owned),
            archive_type,
        },
        "ps:rebuild" => DeploySource::Rebuild,
        "git-receive-pack" => {
            let refspec = rest.next()?;
            let (source, branch) = match refspec.split_once(':') {
                Some((source, target)) => (
                    source,
                    Some(target.strip_prefix("refs/heads/").unwrap_or(target)),
                ),
                None => (refspec, None),
            };
            DeploySource::GitPush {
                source: source.to_owned(),
                branch: branch.map(str::to_owned),
                commit: rest.next().map(str::to_owned),
            }
        }
        _ => return None,
    })
}

/// The releases among `records` (newest first, as queries return them).
/// A deploy that failed while a `builds:cancel` of its app ran (Dokku
/// killed it: no exit code, or git's refusal for a push) is `Cancelled`.
pub fn releases(records: &[Record]) -> Vec<Release> {
    let cancels: Vec<&crate::record::Entry> = records
        .iter()
        .map(|r| &r.entry)
        .filter(|e| e.subcommand == "builds:cancel" && e.outcome == Outcome::Ok)
        .collect();
    records
        .iter()
        .filter_map(release_of)
        .map(|mut release| {
            let cancelled = cancels.iter().any(|c| {
                c.app.as_deref() == Some(release.app.as_str())
                    && c.host == release.host
                    && (release.started_at..=release.ended_at).contains(&c.started_at)
            });
            if cancelled && release.outcome == Outcome::Failed {
                release.outcome = Outcome::Cancelled;
            }
            release
        })
        .collect()
}

/// Join Dokku's build records (newest first, as `builds:list` gives them)
/// to the releases (newest first): each release takes the newest unclaimed
/// build of the same source that did not start after the release ended;
/// a failed release whose build Dokku shows `canceled` is `Cancelled`.
/// Joined by order rather than exact times, since the host's clock is not
/// the trail's (a simulated host has its own); a build Dokku started for a
/// deploy the trail never saw can therefore be joined to an older release
/// of the same source when that release's own build was pruned.
pub fn attach_builds(releases: &mut [Release], builds: &[BuildRecord]) {
    let mut claimed = vec![false; builds.len()];
    for release in releases.iter_mut() {
        let subcommand = match &release.source {
            DeploySource::GitSync { .. } => "git:sync",
            DeploySource::Image { .. } => "git:from-image",
            DeploySource::Archive { .. } => "git:from-archive",
            // Dokku's record of a push is its pre-receive hook's.
            DeploySource::GitPush { .. } => "git-hook",
            // A rebuild, and any source a newer SDK adds.
            _ => "ps:rebuild",
        };
        let latest = release.ended_at + CLOCK_SLACK_MS;
        let found = builds.iter().enumerate().position(|(i, build)| {
            !claimed[i]
                && build.source == subcommand
                && started_ms(build).is_some_and(|t| t <= latest)
        });
        if let Some(i) = found {
            claimed[i] = true;
            // Dokku's record says a failed deploy was cancelled.
            let status = builds[i].shown_status();
            if release.outcome == Outcome::Failed && status == Some(&BuildStatus::Canceled) {
                release.outcome = Outcome::Cancelled;
            }
            release.build = Some(builds[i].clone());
        }
    }
}

fn started_ms(build: &BuildRecord) -> Option<i64> {
    let time = dokku_core::parse::logs::rfc3339_utc(&build.started_at)?;
    let since = time.duration_since(std::time::UNIX_EPOCH).ok()?;
    i64::try_from(since.as_millis()).ok()
}

/// What a rollback will do: which release is running, which one comes
/// back, and the deploy that brings it back.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RollbackPlan {
    /// The release running now (the newest successful one).
    pub from: Release,
    /// The code it runs: its own source, or for a rebuild the source of
    /// the release it rebuilt (`None` when the trail does not have it).
    pub running: Option<DeploySource>,
    /// The release that will run again.
    pub to: Release,
    /// The deploy that reproduces it.
    pub spec: DeploySpec,
}

impl RollbackPlan {
    /// The correlation id to record the rollback's commands under (a
    /// caller may add its own after a space).
    pub fn correlation(&self) -> String {
        format!("{ROLLBACK}{}", self.to.record_id)
    }

    /// Check the plan against what the host says the app runs (its
    /// `apps:report`), before anything is sent: a host running something
    /// this history did not deploy (a `git push`, another tool's deploy)
    /// would not be undone by the rollback.
    ///
    /// # Errors
    ///
    /// [`HistoryError::RollbackRefused`] naming what runs.
    pub fn check_host(&self, report: &AppReport) -> Result<(), HistoryError> {
        let Some(running) = &self.running else {
            return Ok(());
        };
        let source = report.deploy_source.as_deref().unwrap_or_default();
        let metadata = report.deploy_source_metadata.as_deref().unwrap_or_default();
        if runs_on_host(running, source, metadata) {
            return Ok(());
        }
        Err(HistoryError::RollbackRefused {
            app: self.from.app.clone(),
            reason: format!(
                "it runs {source} {metadata}, not release #{} ({running}): it was deployed \
                 outside this history, so the rollback would not undo what runs",
                self.from.record_id
            ),
        })
    }
}

/// Plan a rollback of `app` from its releases (newest first): to `to` (a
/// release's record id) or, by default, to the newest earlier successful
/// release whose code differs from what runs now. A rebuild runs the code
/// of the release before it, so it is never a target by itself.
///
/// # Errors
///
/// [`HistoryError::RollbackRefused`] saying why: no successful release,
/// no earlier one with different code, `to` unknown or failed, or a source
/// that cannot be reproduced.
pub fn plan_rollback(
    app: &AppName,
    releases: &[Release],
    to: Option<i64>,
) -> Result<RollbackPlan, HistoryError> {
    let refuse = |reason: String| HistoryError::RollbackRefused {
        app: app.to_string(),
        reason,
    };
    let ok: Vec<&Release> = releases
        .iter()
        .filter(|r| r.app == app.as_str() && r.succeeded())
        .collect();
    let from = *ok
        .first()
        .ok_or_else(|| refuse("the history has no successful deploy of it".to_owned()))?;
    // What code a successful release runs: its own source, or for a
    // rebuild the source of the successful release before it.
    let code_of = |index: usize| {
        ok[index..]
            .iter()
            .map(|r| &r.source)
            .find(|s| **s != DeploySource::Rebuild)
    };
    let running = code_of(0);
    let target = match to {
        Some(id) => {
            let release = releases
                .iter()
                .find(|r| r.record_id == id && r.app == app.as_str())
                .ok_or_else(|| refuse(format!("release {id} is not in its history")))?;
            if !release.succeeded() {
                return Err(refuse(format!("release {id} did not succeed")));
            }
            if release.record_id == from.record_id {
                return Err(refuse(format!("release {id} is the one running now")));
            }
            release
        }
        None => ok
            .iter()
            .enumerate()
            .skip(1)
            .find(|(i, r)| r.source != DeploySource::Rebuild && code_of(*i) != running)
            .map(|(_, r)| *r)
            .ok_or_else(|| {
                refuse("no earlier successful release runs different code".to_owned())
            })?,
    };
    let spec = reproduce(app, &target.source).map_err(|reason| {
        refuse(format!(
            "release {} cannot be reproduced: {reason}",
            target.record_id
        ))
    })?;
    Ok(RollbackPlan {
        from: from.clone(),
        running: running.cloned(),
        to: target.clone(),
        spec,
    })
}

/// The deploy that builds `source` again, or why there is none.
fn reproduce(app: &AppName, source: &DeploySource) -> Result<DeploySpec, String> {
    let invalid = |e: dokku_core::Error| format!("its recorded source is not valid: {e}");
    match source {
        DeploySource::Image { image } => DeploySpec::image(app, image).map_err(invalid),
        DeploySource::GitSync {
            repository,
            reference,
        } => {
            if repository.contains("***") {
                return Err("the history masked the repository's credentials".to_owned());
            }
            let Some(reference) = reference else {
                return Err("the sync named no commit, and its branch may have moved".to_owned());
            };
            let is_commit = (7..=40).contains(&reference.len())
                && reference.bytes().all(|b| b.is_ascii_hexdigit());
            if !is_commit {
                return Err(format!(
                    "it synced '{reference}', a branch or tag that may have moved"
                ));
            }
            DeploySpec::git_sync(app, repository)
                .and_then(|spec| spec.reference(reference))
                .map_err(invalid)
        }
        DeploySource::Archive {
            url: Some(url),
            archive_type,
        } => DeploySpec::archive_url(app, url, *archive_type).map_err(invalid),
        DeploySource::Archive { url: None, .. } => {
            Err("its archive was sent on stdin and was not kept".to_owned())
        }
        DeploySource::GitPush { commit, .. } => Err(match commit {
            Some(commit) => format!(
                "it was a git push from a local repository the history does not keep; push {commit} again from it"
            ),
            None => "it was a git push from a local repository the history does not keep".to_owned(),
        }),
        // A rebuild, and any source a newer SDK adds.
        _ => Err(
            "a rebuild runs the code of the release before it; roll back to that one".to_owned(),
        ),
    }
}

impl crate::HistoryStore {
    /// The newest `limit` releases of `app` (on `host`, when given), newest
    /// first, read from the trail's deploys page by page.
    ///
    /// # Errors
    ///
    /// The store's errors.
    pub async fn releases(
        &self,
        app: &AppName,
        host: Option<&str>,
        limit: usize,
    ) -> Result<Vec<Release>, HistoryError> {
        let mut found = Vec::new();
        self.each_deploy_page(Some(app), host, |page| {
            found.extend(page);
            found.len() < limit
        })
        .await?;
        found.truncate(limit);
        Ok(found)
    }

    /// The newest release of each of `apps` on `host` that has one, read
    /// in one pass over the host's deploys (newest first) that stops once
    /// every app has its release: one query for a whole host's apps
    /// rather than one per app.
    ///
    /// # Errors
    ///
    /// The store's errors.
    pub async fn latest_releases(
        &self,
        host: &str,
        apps: &[AppName],
    ) -> Result<Vec<Release>, HistoryError> {
        let mut wanted: std::collections::BTreeSet<&str> =
            apps.iter().map(AppName::as_str).collect();
        let mut found = Vec::new();
        self.each_deploy_page(None, Some(host), |page| {
            for release in page {
                if wanted.remove(release.app.as_str()) {
                    found.push(release);
                }
            }
            !wanted.is_empty()
        })
        .await?;
        Ok(found)
    }

    /// Hand the releases of each page of the trail's deploy records (and
    /// the cancels that mark them) to `more`, newest first, while it asks
    /// for more and the trail has them.
    async fn each_deploy_page(
        &self,
        app: Option<&AppName>,
        host: Option<&str>,
        mut more: impl FnMut(Vec<Release>) -> bool,
    ) -> Result<(), HistoryError> {
        let mut after = None;
        loop {
            let mut query = deploys_query(app, host);
            query.after = after;
            query.limit = Some(200);
            let page = self.query(query).await?;
            let wants_more = more(releases(&page.records));
            match page.next {
                Some(next) if wants_more => after = Some(next),
                _ => return Ok(()),
            }
        }
    }
}

/// The records [`releases`] reads: the deploys (of `app`, on `host`,
/// when given) and the `builds:cancel`s that mark some of them
/// cancelled, newest first.
pub fn deploys_query(app: Option<&AppName>, host: Option<&str>) -> crate::Query {
    crate::Query {
        app: app.map(ToString::to_string),
        host: host.map(str::to_owned),
        subcommands: DEPLOYS
            .iter()
            .chain(&["builds:cancel"])
            .map(|s| (*s).to_owned())
            .collect(),
        ..crate::Query::default()
    }
}

/// Whether the host's record of the app's deploy (`apps:report`'s deploy
/// source and its metadata, as Dokku's `deploy-source-set` trigger writes
/// them: `docker-image` and the image, `git-sync` and `<repo>#<sha>`, the
/// archive type and its URL) agrees with `source`. A rebuild keeps
/// whatever was there, so it agrees with anything.
pub fn runs_on_host(source: &DeploySource, deploy_source: &str, metadata: &str) -> bool {
    match source {
        DeploySource::Image { image } => deploy_source == "docker-image" && metadata == image,
        DeploySource::GitSync { repository, .. } => {
            // The trail keeps the URL with its credentials masked.
            let shown = dokku_core::secret::mask_userinfo(metadata);
            deploy_source == "git-sync"
                && (metadata.starts_with(repository.as_str())
                    || shown.starts_with(repository.as_str()))
        }
        DeploySource::Archive { url, archive_type } => {
            deploy_source == archive_type.as_str() && metadata == url.as_deref().unwrap_or("--")
        }
        // `cmd-git-hook`'s `deploy-source-set APP git-push NEWREV`.
        DeploySource::GitPush { commit, .. } => {
            deploy_source == "git-push"
                && match commit {
                    Some(commit) => commit == metadata,
                    None => true,
                }
        }
        _ => true,
    }
}
