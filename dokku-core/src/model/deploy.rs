//! A deploy as it happens: the lines Dokku prints, the phases they mark,
//! and how it ended.
//!
//! Dokku prints a deploy as a run of `----->` headers (`dokku_log_info1`),
//! indented detail lines, ` !     ` failures and, at the end, `=====>
//! Application deployed:` followed by the app's URLs. Which header starts
//! which [`DeployPhase`] is read from dokku/dokku v0.38.27's builders,
//! `00_dokku-standard`, the docker-local scheduler and `ps` (certainty:
//! source-derived); the early headers and failures of `git:sync`,
//! `git:from-archive`, `git:from-image` and `ps:rebuild` are recorded
//! (captures-0.38.27-surface.jsonl seq 999–1002, -core seq 112).

use std::fmt;

use serde::{Deserialize, Serialize};

/// Where a deploy's code comes from: what a rollback needs to build the
/// same release again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "kebab-case")]
#[non_exhaustive]
pub enum DeploySource {
    /// `git:sync <app> <repository> [<ref>] --build`.
    GitSync {
        /// The repository URL (credentials in it are masked wherever it is
        /// shown).
        repository: String,
        /// The branch, tag or commit, if one was named.
        reference: Option<String>,
    },
    /// `git:from-image <app> <image>`.
    Image {
        /// The image reference, e.g. `nginx:1.27` or `repo@sha256:…`.
        image: String,
    },
    /// `git:from-archive <app> <url>`, or an archive sent on stdin (`url`
    /// is then `None`).
    Archive {
        /// Where Dokku downloads it from.
        url: Option<String>,
        /// Its format (`--archive-type`).
        archive_type: ArchiveType,
    },
    /// `ps:rebuild <app>`: the app's current source, built again.
    Rebuild,
    /// `git push` of a local repository: what was pushed and to which
    /// branch (the commit itself is what Dokku reports afterwards as the
    /// app's `deploy_source_metadata`).
    GitPush {
        /// The local ref pushed (`HEAD`, a branch, a tag or a commit).
        source: String,
        /// The app's branch it was pushed to, if one was named.
        branch: Option<String>,
        /// The commit `source` named when it was pushed, if it resolved.
        commit: Option<String>,
    },
}

/// How a person reads it: `image nginx:1.27`, `git <repo> <ref>`,
/// `archive <url>`, `archive (uploaded)`, `rebuild`.
impl fmt::Display for DeploySource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DeploySource::Image { image } => write!(f, "image {image}"),
            DeploySource::GitSync {
                repository,
                reference: Some(reference),
            } => write!(f, "git {repository} {reference}"),
            DeploySource::GitSync { repository, .. } => write!(f, "git {repository}"),
            DeploySource::Archive { url: Some(url), .. } => write!(f, "archive {url}"),
            DeploySource::Archive { url: None, .. } => f.write_str("archive (uploaded)"),
            DeploySource::Rebuild => f.write_str("rebuild"),
            DeploySource::GitPush {
                source,
                branch,
                commit,
            } => {
                write!(f, "push {source}")?;
                if let Some(commit) = commit {
                    write!(f, " ({})", commit.get(..12).unwrap_or(commit))?;
                }
                match branch {
                    Some(branch) => write!(f, " to {branch}"),
                    None => Ok(()),
                }
            }
        }
    }
}

/// The archive formats `git:from-archive --archive-type` accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[non_exhaustive]
pub enum ArchiveType {
    /// A tar file (Dokku's default).
    #[default]
    #[serde(rename = "tar")]
    Tar,
    /// A gzipped tar file.
    #[serde(rename = "tar.gz")]
    TarGz,
    /// A zip file.
    #[serde(rename = "zip")]
    Zip,
}

impl ArchiveType {
    /// Dokku's name for it.
    pub fn as_str(self) -> &'static str {
        match self {
            ArchiveType::Tar => "tar",
            ArchiveType::TarGz => "tar.gz",
            ArchiveType::Zip => "zip",
        }
    }

    /// The type Dokku calls `name`.
    pub fn parse(name: &str) -> Option<Self> {
        Some(match name {
            "tar" => ArchiveType::Tar,
            "tar.gz" => ArchiveType::TarGz,
            "zip" => ArchiveType::Zip,
            _ => return None,
        })
    }
}

/// The stage of a deploy a line belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum DeployPhase {
    /// Nothing has announced a phase yet.
    Starting,
    /// Getting the code: cloning or fetching a repository, downloading an
    /// archive, pulling an image, generating the build context.
    Source,
    /// The builder at work (`Building <app> from herokuish`, `Cleaning up...`).
    Build,
    /// The release and the predeploy/release tasks of `app.json`.
    Release,
    /// New containers started and checked (`Deploying web (count=1)`,
    /// pre-flight checks).
    Deploy,
    /// After the containers: proxy configuration, renaming, postdeploy
    /// task, retiring old containers.
    PostDeploy,
    /// `=====> Application deployed:` was printed.
    Deployed,
}

impl DeployPhase {
    /// A short lower-case name: `source`, `build`, `post-deploy` …
    pub fn as_str(self) -> &'static str {
        match self {
            DeployPhase::Starting => "starting",
            DeployPhase::Source => "source",
            DeployPhase::Build => "build",
            DeployPhase::Release => "release",
            DeployPhase::Deploy => "deploy",
            DeployPhase::PostDeploy => "post-deploy",
            DeployPhase::Deployed => "deployed",
        }
    }
}

impl fmt::Display for DeployPhase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which output stream a line came on. A deploy's build output is merged
/// onto stdout by Dokku's build capture; stderr carries what is said before
/// it starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum OutputStreamKind {
    /// Standard output.
    Stdout,
    /// Standard error.
    Stderr,
}

/// One thing that happened during a deploy, in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "kebab-case")]
#[non_exhaustive]
pub enum DeployEvent {
    /// A line of output, with terminal cursor codes removed and
    /// credentials in URLs masked.
    Line {
        /// Which stream it came on.
        stream: OutputStreamKind,
        /// The text, without its newline.
        text: String,
    },
    /// The line just yielded started a new phase.
    Phase {
        /// The phase now running.
        phase: DeployPhase,
    },
    /// The deploy is over; always the last event.
    Finished {
        /// How it ended.
        outcome: DeployOutcome,
    },
}

/// How a deploy ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "kebab-case")]
#[non_exhaustive]
pub enum DeployOutcome {
    /// Dokku exited 0.
    Succeeded {
        /// The URLs printed under `Application deployed:` (none for an app
        /// without a proxy or domains).
        urls: Vec<String>,
    },
    /// Dokku exited non-zero.
    Failed {
        /// The phase that was running.
        phase: DeployPhase,
        /// Dokku's exit code (`None` when there was none, or for a `git push`,
        /// where git reports its own).
        exit_code: Option<i32>,
        /// Dokku's own words: the last ` !     ` line, else the last warning,
        /// else the last line printed.
        message: String,
    },
    /// The deploy was killed (`builds:cancel` signals its process group):
    /// it ended by a signal rather than an exit code of its own.
    Cancelled {
        /// The phase that was running.
        phase: DeployPhase,
    },
    /// Nothing was deployed: a `git push` of what the app's repository
    /// already had (git's `Everything up-to-date`; Dokku's hook never
    /// ran). The app runs what it ran before.
    Unchanged,
}

/// What happened, to follow "the deploy of APP": `succeeded`, `failed in
/// its build phase (exit 1): App build failed`, `was cancelled in its
/// build phase`, `deployed nothing: …`.
///
/// ```
/// use dokku_core::model::deploy::{DeployOutcome, DeployPhase};
///
/// let failed = DeployOutcome::Failed {
///     phase: DeployPhase::Build,
///     exit_code: Some(1),
///     message: "App build failed".to_owned(),
/// };
/// assert_eq!(failed.to_string(), "failed in its build phase (exit 1): App build failed");
/// ```
impl fmt::Display for DeployOutcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DeployOutcome::Succeeded { urls } => match urls.first() {
                Some(url) => write!(f, "succeeded: it answers at {url}"),
                None => f.write_str("succeeded"),
            },
            DeployOutcome::Failed {
                phase,
                exit_code,
                message,
            } => {
                write!(f, "failed in its {phase} phase")?;
                if let Some(code) = exit_code {
                    write!(f, " (exit {code})")?;
                }
                write!(f, ": {message}")
            }
            DeployOutcome::Cancelled { phase } => write!(f, "was cancelled in its {phase} phase"),
            DeployOutcome::Unchanged => {
                f.write_str("deployed nothing: the app's repository already had what was pushed")
            }
        }
    }
}

impl DeployOutcome {
    /// Whether the deploy succeeded (a push that deployed nothing,
    /// [`DeployOutcome::Unchanged`], did not fail either).
    pub fn succeeded(&self) -> bool {
        matches!(self, DeployOutcome::Succeeded { .. })
    }
}
