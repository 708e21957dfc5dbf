//! Reading a deploy's output line by line: which phase a header starts,
//! the URLs of a finished deploy, and Dokku's own words when it fails.
//!
//! Pure: [`DeployTracker`] is fed lines and an exit status and never does
//! I/O, so the same rules serve a live stream and a recorded one.

use std::borrow::Cow;

use crate::exec::ExitStatus;
use crate::model::deploy::{DeployOutcome, DeployPhase};

/// `dokku_log_info1` headers, by what they start (dokku/dokku v0.38.27;
/// certainty: source-derived, the first five also recorded). Matched as
/// prefixes of the text after `-----> `.
const HEADERS: &[(&str, DeployPhase)] = &[
    ("Cloning ", DeployPhase::Source),
    ("Fetching ", DeployPhase::Source),
    ("Downloading ", DeployPhase::Source),
    ("Generating build context", DeployPhase::Source),
    ("Pulling image", DeployPhase::Source),
    ("Force pulling image", DeployPhase::Source),
    ("Image exists on host", DeployPhase::Source),
    ("Updating git repository", DeployPhase::Source),
    ("Cleaning up", DeployPhase::Build),
    ("Building ", DeployPhase::Build),
    ("Adding BUILD_ENV", DeployPhase::Build),
    ("Releasing ", DeployPhase::Release),
    ("Checking for predeploy task", DeployPhase::Release),
    ("Checking for release task", DeployPhase::Release),
    ("Deploying ", DeployPhase::Deploy),
    ("Running pre-flight checks", DeployPhase::Deploy),
    ("Running post-deploy", DeployPhase::PostDeploy),
    ("Checking for postdeploy task", DeployPhase::PostDeploy),
    ("Renaming containers", DeployPhase::PostDeploy),
    ("Shutting down old containers", DeployPhase::PostDeploy),
];

/// The header of a successful deploy's last lines (`dokku_log_info2`).
const DEPLOYED: &str = "=====> Application deployed:";
/// `dokku_log_info1`'s prefix.
const INFO1: &str = "-----> ";
/// `dokku_log_fail`/`dokku_log_warn`'s prefix.
const FAIL: &str = " !     ";
/// `dokku_log_verbose`'s indentation.
const VERBOSE: &str = "       ";

/// A line without the terminal cursor codes Dokku's log functions put in
/// front of some headers (`ESC[1G ESC[K`, recorded on `ps:rebuild`).
pub fn strip_cursor_codes(line: &str) -> Cow<'_, str> {
    if !line.contains('\u{1b}') {
        return Cow::Borrowed(line);
    }
    let mut out = String::with_capacity(line.len());
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' && chars.peek() == Some(&'[') {
            chars.next();
            // Parameters and intermediates, then one final byte (@ to ~).
            for c in chars.by_ref() {
                if ('@'..='~').contains(&c) {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// The phase a line starts, if it is a header that starts one.
pub fn phase_of(line: &str) -> Option<DeployPhase> {
    if line.starts_with(DEPLOYED) {
        return Some(DeployPhase::Deployed);
    }
    let header = line.strip_prefix(INFO1)?;
    HEADERS
        .iter()
        .find(|(prefix, _)| header.starts_with(prefix))
        .map(|(_, phase)| *phase)
}

/// What has been seen of a deploy so far; [`DeployTracker::finish`] turns
/// it into the outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeployTracker {
    phase: DeployPhase,
    urls: Vec<String>,
    failure: Option<String>,
    warning: Option<String>,
    last: Option<String>,
    lines: usize,
}

impl Default for DeployTracker {
    fn default() -> Self {
        Self {
            phase: DeployPhase::Starting,
            urls: Vec::new(),
            failure: None,
            warning: None,
            last: None,
            lines: 0,
        }
    }
}

impl DeployTracker {
    /// A tracker that has seen nothing.
    pub fn new() -> Self {
        Self::default()
    }

    /// The phase running now.
    pub fn phase(&self) -> DeployPhase {
        self.phase
    }

    /// How many lines have been seen.
    pub fn lines(&self) -> usize {
        self.lines
    }

    /// Whether Dokku printed a failure (` !     `) line.
    pub fn said_failure(&self) -> bool {
        self.failure.is_some()
    }

    /// Take one line (cursor codes already stripped); returns the phase it
    /// starts when it starts a new one.
    pub fn line(&mut self, line: &str) -> Option<DeployPhase> {
        self.lines += 1;
        if !line.trim().is_empty() {
            self.last = Some(line.trim().to_owned());
        }
        if let Some(message) = line.strip_prefix(FAIL) {
            self.failure = Some(message.trim().to_owned());
        } else if let Some(warning) = line
            .strip_prefix(INFO1)
            .filter(|h| h.starts_with("WARNING:"))
        {
            self.warning = Some(warning.trim().to_owned());
        }
        if self.phase == DeployPhase::Deployed {
            if let Some(url) = line.strip_prefix(VERBOSE) {
                let url = url.trim();
                if !url.is_empty() {
                    self.urls.push(url.to_owned());
                }
            }
            return None;
        }
        let phase = phase_of(line)?;
        if phase == self.phase {
            return None;
        }
        self.phase = phase;
        Some(phase)
    }

    /// How the deploy ended, given Dokku's exit status: an exit code of its
    /// own is a success or a failure; no code, or 128 + SIGINT/SIGKILL/
    /// SIGTERM (what `builds:cancel` sends its process group, certainty:
    /// source-derived), is a cancel.
    pub fn finish(self, status: ExitStatus) -> DeployOutcome {
        match status.as_code() {
            Some(0) => DeployOutcome::Succeeded { urls: self.urls },
            None | Some(130 | 137 | 143) => DeployOutcome::Cancelled { phase: self.phase },
            Some(code) => DeployOutcome::Failed {
                phase: self.phase,
                exit_code: Some(code),
                message: self
                    .failure
                    .or(self.warning)
                    .or(self.last)
                    .unwrap_or_else(|| format!("Dokku exited with code {code} and said nothing")),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn replay(output: &str, code: i32) -> (Vec<DeployPhase>, DeployOutcome) {
        let mut tracker = DeployTracker::new();
        let phases = output
            .lines()
            .filter_map(|line| tracker.line(&strip_cursor_codes(line)))
            .collect();
        (phases, tracker.finish(ExitStatus::code(code)))
    }

    #[test]
    fn a_git_sync_that_cannot_reach_its_remote_fails_in_the_source_phase_with_gits_words() {
        // captures-0.38.27-surface.jsonl seq 999.
        let (phases, outcome) = replay(
            "-----> Cloning cap-misc from https://cap-host.invalid/repo.git#\n\
             Cloning into '/tmp/dokku-26036-fn-git-clone.Sqg4hc'...\n\
             fatal: unable to access 'https://cap-host.invalid/repo.git/': Could not resolve host: cap-host.invalid\n",
            128,
        );
        assert_eq!(phases, [DeployPhase::Source]);
        assert_eq!(
            outcome,
            DeployOutcome::Failed {
                phase: DeployPhase::Source,
                exit_code: Some(128),
                message: "fatal: unable to access 'https://cap-host.invalid/repo.git/': \
                          Could not resolve host: cap-host.invalid"
                    .into(),
            }
        );
    }

    #[test]
    fn an_image_that_cannot_be_pulled_fails_with_dokkus_failure_line() {
        // captures-0.38.27-surface.jsonl seq 1002.
        let (phases, outcome) = replay(
            "-----> Generating build context\n-----> Pulling image\n\
             Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?\n \
             !     Failed to pull image: nginx:alpine\n",
            1,
        );
        assert_eq!(phases, [DeployPhase::Source]);
        let DeployOutcome::Failed { message, .. } = outcome else {
            unreachable!("a non-zero exit is a failure: {outcome:?}");
        };
        assert_eq!(message, "Failed to pull image: nginx:alpine");
    }

    #[test]
    fn a_rebuild_with_nothing_to_build_fails_before_any_phase_with_dokkus_warning() {
        // captures-0.38.27-core.jsonl seq 112: the header starts with cursor codes.
        let (phases, outcome) = replay(
            "\u{1b}[1G\u{1b}[K-----> WARNING: Cannot build from 'master' as there are no commits stored at that branch.\n",
            1,
        );
        assert!(phases.is_empty());
        assert_eq!(
            outcome,
            DeployOutcome::Failed {
                phase: DeployPhase::Starting,
                exit_code: Some(1),
                message: "WARNING: Cannot build from 'master' as there are no commits stored at that branch."
                    .into(),
            }
        );
    }

    #[test]
    fn a_full_deploy_walks_every_phase_and_keeps_its_urls() {
        let (phases, outcome) = replay(
            "-----> Cleaning up...\n-----> Building api from herokuish\n-----> Releasing api...\n\
             -----> Checking for predeploy task\n-----> Deploying api via the docker-local scheduler...\n\
             -----> Deploying web (count=1)\n       Attempting pre-flight checks (web.1)\n\
             -----> Running post-deploy\n-----> Renaming containers\n\
             =====> Application deployed:\n       http://api.example.com\n       https://api.example.com\n",
            0,
        );
        assert_eq!(
            phases,
            [
                DeployPhase::Build,
                DeployPhase::Release,
                DeployPhase::Deploy,
                DeployPhase::PostDeploy,
                DeployPhase::Deployed
            ]
        );
        assert_eq!(
            outcome,
            DeployOutcome::Succeeded {
                urls: vec![
                    "http://api.example.com".into(),
                    "https://api.example.com".into()
                ]
            }
        );
    }

    #[test]
    fn a_deploy_ended_by_a_signal_is_cancelled_in_the_phase_it_reached() {
        let mut tracker = DeployTracker::new();
        tracker.line("-----> Building api from Dockerfile");
        assert_eq!(
            tracker.clone().finish(ExitStatus::unknown()),
            DeployOutcome::Cancelled {
                phase: DeployPhase::Build
            }
        );
        assert_eq!(
            tracker.finish(ExitStatus::code(143)),
            DeployOutcome::Cancelled {
                phase: DeployPhase::Build
            }
        );
    }

    #[test]
    fn a_silent_failure_still_says_what_happened() {
        let (_, outcome) = replay("", 2);
        let DeployOutcome::Failed { message, .. } = outcome else {
            unreachable!("a non-zero exit is a failure: {outcome:?}");
        };
        assert_eq!(message, "Dokku exited with code 2 and said nothing");
    }

    #[test]
    fn cursor_codes_are_removed_and_plain_text_is_left_alone() {
        assert_eq!(strip_cursor_codes("\u{1b}[1G\u{1b}[K-----> x"), "-----> x");
        assert!(matches!(
            strip_cursor_codes("plain"),
            Cow::Borrowed("plain")
        ));
        assert_eq!(strip_cursor_codes("a\u{1b}[31mred\u{1b}[0m"), "ared");
        assert_eq!(strip_cursor_codes("cut \u{1b}["), "cut ");
    }
}
