//! Notifications, sans-IO: what happened ([`NotifyEvent`]), the JSON a
//! Slack- or Discord-compatible webhook takes ([`webhook_body`]), how a
//! failed delivery is retried ([`RetryPolicy`], [`deliver`]), and the
//! [`Notifier`] trait a sender implements. No HTTP client lives here: a
//! sender brings its own (the examples' is in `examples/common/notify.rs`).
//!
//! A webhook URL carries its credential in its path (Slack's
//! `https://hooks.slack.com/services/T…/B…/<token>`, Discord's
//! `…/webhooks/<id>/<token>`): whoever has it can post. So it is a
//! [`WebhookUrl`], which never prints: `Debug` and `Display` show `***`,
//! errors name only its host ([`WebhookUrl::destination`]), and a sender
//! scrubs it from any text it did not write itself ([`WebhookUrl::scrub`]).
//!
//! ```
//! use std::time::Duration;
//! use dokku_core::notify::{webhook_body, NotifyEvent, RetryPolicy, WebhookUrl};
//! use dokku_core::model::deploy::DeployPhase;
//! use dokku_core::AppName;
//!
//! let event = NotifyEvent::DeployFailed {
//!     host: "prod".into(),
//!     app: AppName::new("api")?,
//!     phase: DeployPhase::Build,
//!     exit_code: Some(1),
//!     message: "App build failed".into(),
//! };
//! let body = webhook_body(&event);
//! assert_eq!(body["text"], "[prod] api: deploy failed in its build phase (exit 1): App build failed");
//! assert_eq!(body["content"], body["text"]);
//!
//! let policy = RetryPolicy::default();
//! assert_eq!(policy.delay_after(1), Some(Duration::from_secs(1)));
//! assert_eq!(policy.delay_after(2), Some(Duration::from_secs(2)));
//! assert_eq!(policy.delay_after(5), None);
//!
//! let url = WebhookUrl::parse("https://hooks.slack.com/services/T0/B0/s3cr3t")?;
//! assert_eq!(format!("{url} {url:?}"), "*** WebhookUrl(***)");
//! assert_eq!(url.destination(), "hooks.slack.com");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::fmt;
use std::future::Future;
use std::time::Duration;

use async_trait::async_trait;
use serde::Serialize;

use crate::model::deploy::{DeployOutcome, DeployPhase};
use crate::model::host::{DiskUsage, HostVitals};
use crate::name::AppName;
use crate::secret::SecretString;

/// Something worth telling a person about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
#[non_exhaustive]
pub enum NotifyEvent {
    /// A deploy ended in failure.
    DeployFailed {
        /// The host's label.
        host: String,
        /// The app.
        app: AppName,
        /// The phase that failed.
        phase: DeployPhase,
        /// Dokku's exit code.
        exit_code: Option<i32>,
        /// Dokku's own words.
        message: String,
    },
    /// A deploy started: Dokku is building the app (notified only when
    /// asked for: [`Subscriptions::deploy_started`]).
    DeployStarted {
        /// The host's label.
        host: String,
        /// The app.
        app: AppName,
        /// What started it, in Dokku's words (a build record's `source`:
        /// `git-hook` for a `git push`, `git:from-image`, `ps:rebuild` …).
        source: String,
    },
    /// A deploy succeeded (notified only when asked for:
    /// [`Subscriptions::deploy_succeeded`]).
    DeploySucceeded {
        /// The host's label.
        host: String,
        /// The app.
        app: AppName,
        /// Where it answers.
        urls: Vec<String>,
    },
    /// An app's TLS certificate expires soon (or has expired).
    CertificateExpiring {
        /// The host's label.
        host: String,
        /// The app.
        app: AppName,
        /// Whole days left; negative once expired.
        days_left: i64,
    },
    /// A process that should run does not.
    AppCrashed {
        /// The host's label.
        host: String,
        /// The app.
        app: AppName,
        /// Its process type (`web`, `worker` …).
        process_type: String,
        /// Containers running.
        running: u32,
        /// Containers the scale asks for.
        expected: u32,
    },
    /// A local file system's space (or its inodes) is nearly used up.
    DiskFilling {
        /// The host's label.
        host: String,
        /// Where the file system is mounted (`/`).
        mounted_on: String,
        /// How much is used, in percent.
        used_percent: u8,
        /// Its inodes (`df -i`), not its space.
        inodes: bool,
    },
}

/// Which kind of event, for filters and settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum EventKind {
    /// [`NotifyEvent::DeployStarted`].
    DeployStarted,
    /// [`NotifyEvent::DeployFailed`].
    DeployFailed,
    /// [`NotifyEvent::DeploySucceeded`].
    DeploySucceeded,
    /// [`NotifyEvent::CertificateExpiring`].
    CertificateExpiring,
    /// [`NotifyEvent::AppCrashed`].
    AppCrashed,
    /// [`NotifyEvent::DiskFilling`].
    DiskFilling,
}

impl NotifyEvent {
    /// The event a deploy's outcome is worth, if any: a success or a
    /// failure; a cancel was asked for by someone who knows.
    pub fn from_deploy(host: &str, app: &AppName, outcome: &DeployOutcome) -> Option<Self> {
        match outcome {
            DeployOutcome::Succeeded { urls } => Some(Self::DeploySucceeded {
                host: host.to_owned(),
                app: app.clone(),
                urls: urls.clone(),
            }),
            DeployOutcome::Failed {
                phase,
                exit_code,
                message,
            } => Some(Self::DeployFailed {
                host: host.to_owned(),
                app: app.clone(),
                phase: *phase,
                exit_code: *exit_code,
                message: message.clone(),
            }),
            _ => None,
        }
    }

    /// A certificate with `days_left` is worth an event when that is
    /// within `within_days` (an expired one always is).
    pub fn certificate(
        host: &str,
        app: &AppName,
        days_left: i64,
        within_days: u32,
    ) -> Option<Self> {
        (days_left <= i64::from(within_days)).then(|| Self::CertificateExpiring {
            host: host.to_owned(),
            app: app.clone(),
            days_left,
        })
    }

    /// A process type with fewer containers running than the scale asks
    /// for has crashed (a stopped app asks for none: not a crash).
    pub fn crashed(
        host: &str,
        app: &AppName,
        process_type: &str,
        running: u32,
        expected: u32,
    ) -> Option<Self> {
        (running < expected).then(|| Self::AppCrashed {
            host: host.to_owned(),
            app: app.clone(),
            process_type: process_type.to_owned(),
            running,
            expected,
        })
    }

    /// The events a host's vitals are worth: each local file system whose
    /// space or inodes are `threshold` percent used or more.
    ///
    /// ```
    /// use dokku_core::model::host::HostVitals;
    /// use dokku_core::notify::NotifyEvent;
    ///
    /// let vitals: HostVitals = serde_json::from_value(serde_json::json!({
    ///     "uname": null, "memory": null, "inodes": [],
    ///     "disks": [{"filesystem": "/dev/vda1", "size": "20G", "used": "18G",
    ///                "available": "1.6G", "used_percent": 92, "mounted_on": "/"}],
    /// }))?;
    /// let events = NotifyEvent::disks_filling("prod", &vitals, 90);
    /// assert_eq!(events[0].text(), "[prod] the disk at / is 92% full");
    /// assert!(NotifyEvent::disks_filling("prod", &vitals, 95).is_empty());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn disks_filling(host: &str, vitals: &HostVitals, threshold: u8) -> Vec<Self> {
        let full = |disks: &[DiskUsage], inodes: bool| -> Vec<Self> {
            disks
                .iter()
                .filter_map(|d| {
                    let used_percent = d.used_percent.filter(|p| *p >= threshold)?;
                    Some(Self::DiskFilling {
                        host: host.to_owned(),
                        mounted_on: d.mounted_on.clone(),
                        used_percent,
                        inodes,
                    })
                })
                .collect()
        };
        let mut events = full(&vitals.disks, false);
        events.extend(full(&vitals.inodes, true));
        events
    }

    /// Its kind.
    pub fn kind(&self) -> EventKind {
        match self {
            Self::DeployStarted { .. } => EventKind::DeployStarted,
            Self::DeployFailed { .. } => EventKind::DeployFailed,
            Self::DeploySucceeded { .. } => EventKind::DeploySucceeded,
            Self::CertificateExpiring { .. } => EventKind::CertificateExpiring,
            Self::AppCrashed { .. } => EventKind::AppCrashed,
            Self::DiskFilling { .. } => EventKind::DiskFilling,
        }
    }

    /// The app it is about (`None`: the host itself, a disk).
    pub fn app(&self) -> Option<&AppName> {
        match self {
            Self::DeployStarted { app, .. }
            | Self::DeployFailed { app, .. }
            | Self::DeploySucceeded { app, .. }
            | Self::CertificateExpiring { app, .. }
            | Self::AppCrashed { app, .. } => Some(app),
            Self::DiskFilling { .. } => None,
        }
    }

    /// One line for a person: `[host] app: what happened`.
    ///
    /// ```
    /// use dokku_core::notify::NotifyEvent;
    /// use dokku_core::AppName;
    ///
    /// let started = |source: &str| NotifyEvent::DeployStarted {
    ///     host: "prod".into(),
    ///     app: AppName::new("api").unwrap(),
    ///     source: source.into(),
    /// };
    /// assert_eq!(started("git-hook").text(), "[prod] api: deploy started by a git push");
    /// assert_eq!(started("ps:rebuild").text(), "[prod] api: deploy started (ps:rebuild)");
    /// ```
    pub fn text(&self) -> String {
        match self {
            Self::DeployStarted { host, app, source } => match source.as_str() {
                "git-hook" => format!("[{host}] {app}: deploy started by a git push"),
                source => format!("[{host}] {app}: deploy started ({source})"),
            },
            Self::DeployFailed {
                host,
                app,
                phase,
                exit_code,
                message,
            } => {
                let outcome = DeployOutcome::Failed {
                    phase: *phase,
                    exit_code: *exit_code,
                    message: message.clone(),
                };
                format!("[{host}] {app}: deploy {outcome}")
            }
            Self::DeploySucceeded { host, app, urls } => match urls.first() {
                Some(url) => format!("[{host}] {app}: deployed, at {url}"),
                None => format!("[{host}] {app}: deployed"),
            },
            Self::CertificateExpiring {
                host,
                app,
                days_left,
            } => match days_left {
                -1 => format!("[{host}] {app}: the TLS certificate expired 1 day ago"),
                d if *d < 0 => format!(
                    "[{host}] {app}: the TLS certificate expired {} days ago",
                    -d
                ),
                0 => format!("[{host}] {app}: the TLS certificate expires today"),
                1 => format!("[{host}] {app}: the TLS certificate expires in 1 day"),
                d => format!("[{host}] {app}: the TLS certificate expires in {d} days"),
            },
            Self::AppCrashed {
                host,
                app,
                process_type,
                running,
                expected,
            } => {
                format!("[{host}] {app}: {process_type} is down ({running} of {expected} running)")
            }
            Self::DiskFilling {
                host,
                mounted_on,
                used_percent,
                inodes: false,
            } => format!("[{host}] the disk at {mounted_on} is {used_percent}% full"),
            Self::DiskFilling {
                host,
                mounted_on,
                used_percent,
                inodes: true,
            } => {
                format!("[{host}] the disk at {mounted_on} has {used_percent}% of its inodes used")
            }
        }
    }
}

/// Which events are sent. Deploy starts and successes are opt-in (they
/// are the common case and would drown the rest); the others are on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Subscriptions {
    /// Deploys that started.
    pub deploy_started: bool,
    /// Deploys that failed.
    pub deploy_failed: bool,
    /// Deploys that succeeded.
    pub deploy_succeeded: bool,
    /// Certificates expiring within the window.
    pub certificate_expiring: bool,
    /// Processes down that should run.
    pub app_crashed: bool,
    /// Local disks (space or inodes) nearly full.
    pub disk_filling: bool,
}

impl Default for Subscriptions {
    fn default() -> Self {
        Self {
            deploy_started: false,
            deploy_failed: true,
            deploy_succeeded: false,
            certificate_expiring: true,
            app_crashed: true,
            disk_filling: true,
        }
    }
}

impl Subscriptions {
    /// Whether `event` is sent.
    pub fn wants(&self, event: &NotifyEvent) -> bool {
        match event.kind() {
            EventKind::DeployStarted => self.deploy_started,
            EventKind::DeployFailed => self.deploy_failed,
            EventKind::DeploySucceeded => self.deploy_succeeded,
            EventKind::CertificateExpiring => self.certificate_expiring,
            EventKind::AppCrashed => self.app_crashed,
            EventKind::DiskFilling => self.disk_filling,
        }
    }
}

/// Discord refuses a `content` longer than this many characters.
pub const MAX_CONTENT_CHARS: usize = 2000;

/// The JSON body of a webhook POST that Slack (`text`) and Discord
/// (`content`) both take: the event's line in each, cut to
/// [`MAX_CONTENT_CHARS`] characters.
pub fn webhook_body(event: &NotifyEvent) -> serde_json::Value {
    let mut text = event.text();
    if let Some((cut, _)) = text.char_indices().nth(MAX_CONTENT_CHARS - 1) {
        text.truncate(cut);
        text.push('…');
    }
    serde_json::json!({ "text": text, "content": text })
}

/// How a failed delivery is retried: the first retry `first_delay` after
/// the first attempt, each next one `factor` times later, never more than
/// `max_delay`, and at most `max_attempts` attempts in all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// The wait after the first failed attempt.
    pub first_delay: Duration,
    /// Each next wait is this many times the one before.
    pub factor: u32,
    /// The longest wait.
    pub max_delay: Duration,
    /// Attempts in all, the first included (at least 1).
    pub max_attempts: u32,
}

impl Default for RetryPolicy {
    /// 1 s, 2 s, 4 s, 8 s: five attempts within 15 s.
    fn default() -> Self {
        Self {
            first_delay: Duration::from_secs(1),
            factor: 2,
            max_delay: Duration::from_secs(30),
            max_attempts: 5,
        }
    }
}

impl RetryPolicy {
    /// The wait after failed attempt `attempt` (1 is the first) before the
    /// next one; `None` when it was the last.
    pub fn delay_after(&self, attempt: u32) -> Option<Duration> {
        if attempt == 0 || attempt >= self.max_attempts.max(1) {
            return None;
        }
        let mut delay = self.first_delay;
        for _ in 1..attempt {
            delay = delay.saturating_mul(self.factor.max(1));
            if delay >= self.max_delay {
                break;
            }
        }
        Some(delay.min(self.max_delay))
    }
}

/// What an HTTP status says about a delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delivery {
    /// Delivered (2xx).
    Delivered,
    /// Worth trying again: 408, 429 and 5xx.
    Retry,
    /// Refused for good: any other status (a deleted webhook answers 404;
    /// a malformed body 400), so retrying would only repeat it.
    Refused,
}

impl Delivery {
    /// The verdict on `status`.
    pub fn of(status: u16) -> Self {
        match status {
            200..=299 => Self::Delivered,
            408 | 429 | 500..=599 => Self::Retry,
            _ => Self::Refused,
        }
    }
}

/// A notification could not be sent. Never holds the URL: only its host.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum NotifyError {
    /// The URL given is not a webhook URL this can post to.
    #[error("the webhook URL is not valid: {reason}")]
    InvalidUrl {
        /// What is wrong with it (never the URL).
        reason: &'static str,
    },
    /// The webhook answered with an HTTP error.
    #[error("the webhook at {destination} answered HTTP {status} (after {attempts} attempt(s))")]
    Rejected {
        /// The URL's host.
        destination: String,
        /// The last status.
        status: u16,
        /// Attempts made.
        attempts: u32,
    },
    /// The webhook could not be reached.
    #[error(
        "the webhook at {destination} could not be reached (after {attempts} attempt(s)): {reason}"
    )]
    Unreachable {
        /// The URL's host.
        destination: String,
        /// The last failure, the URL scrubbed from it.
        reason: String,
        /// Attempts made.
        attempts: u32,
    },
}

/// A webhook's URL: a secret (its path is the credential). `http://` or
/// `https://`, a host, no spaces.
#[derive(Clone, PartialEq, Eq)]
pub struct WebhookUrl(SecretString);

impl WebhookUrl {
    /// Check and wrap a URL.
    ///
    /// # Errors
    ///
    /// [`NotifyError::InvalidUrl`], saying why without repeating it.
    pub fn parse(url: &str) -> Result<Self, NotifyError> {
        let invalid = |reason| Err(NotifyError::InvalidUrl { reason });
        let Some(rest) = url
            .strip_prefix("https://")
            .or_else(|| url.strip_prefix("http://"))
        else {
            return invalid("it must start with https:// or http://");
        };
        if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return invalid("it contains spaces or control characters");
        }
        let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
        if authority.is_empty() || authority.contains('@') {
            return invalid("it needs a host (and no user:password@)");
        }
        Ok(Self(SecretString::new(url)))
    }

    /// The URL itself: for the one place that sends to it.
    pub fn expose(&self) -> &str {
        self.0.expose()
    }

    /// Its host (and port): what errors and logs may name.
    pub fn destination(&self) -> &str {
        let url = self.0.expose();
        let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
        rest.split(['/', '?', '#']).next().unwrap_or(rest)
    }

    /// Whether it is `https://`.
    pub fn is_https(&self) -> bool {
        self.0.expose().starts_with("https://")
    }

    /// `text` with the URL, and its path alone, replaced by `***`: for
    /// messages from an HTTP client, which may quote what it was sent to.
    pub fn scrub(&self, text: &str) -> String {
        let url = self.0.expose();
        let path = url
            .split_once("://")
            .and_then(|(_, rest)| rest.find('/').map(|i| &rest[i..]))
            .filter(|p| p.len() > 1);
        let text = text.replace(url, "***");
        match path {
            Some(path) => text.replace(path, "/***"),
            None => text,
        }
    }
}

impl fmt::Debug for WebhookUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("WebhookUrl(***)")
    }
}

impl fmt::Display for WebhookUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// Sends events somewhere. Implementations retry as they see fit
/// ([`deliver`] does it by a [`RetryPolicy`]) and never put a secret in
/// their errors.
#[async_trait]
pub trait Notifier: Send + Sync {
    /// Send one event.
    ///
    /// # Errors
    ///
    /// [`NotifyError`] when it could not be delivered.
    async fn notify(&self, event: &NotifyEvent) -> Result<(), NotifyError>;
}

/// One attempt's result, as [`deliver`]'s `attempt` reports it: the HTTP
/// status, or why no status came (the URL already scrubbed).
pub type AttemptResult = Result<u16, String>;

/// Deliver by `policy`: call `attempt` (with its number, from 1) until a
/// status says delivered or refused, sleeping with `sleep` between
/// attempts (a test passes a sleep that returns at once and records the
/// waits). Returns the attempts it took.
///
/// # Errors
///
/// [`NotifyError::Rejected`] for a refusing status, or a retryable one
/// when the attempts ran out; [`NotifyError::Unreachable`] when the last
/// attempt got no status. Both name `destination`, nothing more.
pub async fn deliver<A, AF, S, SF>(
    policy: &RetryPolicy,
    destination: &str,
    mut attempt: A,
    mut sleep: S,
) -> Result<u32, NotifyError>
where
    A: FnMut(u32) -> AF,
    AF: Future<Output = AttemptResult>,
    S: FnMut(Duration) -> SF,
    SF: Future<Output = ()>,
{
    let mut number = 1;
    loop {
        let result = attempt(number).await;
        let failure = match result {
            Ok(status) => match Delivery::of(status) {
                Delivery::Delivered => return Ok(number),
                Delivery::Refused => {
                    return Err(NotifyError::Rejected {
                        destination: destination.to_owned(),
                        status,
                        attempts: number,
                    })
                }
                Delivery::Retry => NotifyError::Rejected {
                    destination: destination.to_owned(),
                    status,
                    attempts: number,
                },
            },
            Err(reason) => NotifyError::Unreachable {
                destination: destination.to_owned(),
                reason,
                attempts: number,
            },
        };
        let Some(delay) = policy.delay_after(number) else {
            return Err(failure);
        };
        tracing::warn!(destination, attempt = number, ?delay, error = %failure, "webhook delivery failed; retrying");
        sleep(delay).await;
        number += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn app() -> AppName {
        AppName::new("api").unwrap_or_else(|e| unreachable!("{e}"))
    }

    #[test]
    fn the_delays_double_up_to_the_cap_and_stop_at_the_last_attempt() {
        let policy = RetryPolicy {
            first_delay: Duration::from_millis(500),
            factor: 3,
            max_delay: Duration::from_secs(5),
            max_attempts: 6,
        };
        let delays: Vec<Option<Duration>> = (0..=7).map(|n| policy.delay_after(n)).collect();
        assert_eq!(
            delays,
            [
                None,
                Some(Duration::from_millis(500)),
                Some(Duration::from_millis(1500)),
                Some(Duration::from_millis(4500)),
                Some(Duration::from_secs(5)),
                Some(Duration::from_secs(5)),
                None,
                None,
            ]
        );
        let once = RetryPolicy {
            max_attempts: 1,
            ..policy
        };
        assert_eq!(once.delay_after(1), None);
        // A huge attempt number saturates instead of overflowing.
        let many = RetryPolicy {
            max_attempts: u32::MAX,
            ..policy
        };
        assert_eq!(many.delay_after(4_000_000), Some(Duration::from_secs(5)));
    }

    #[test]
    fn statuses_deliver_retry_or_refuse() {
        assert_eq!(Delivery::of(204), Delivery::Delivered);
        for retry in [408, 429, 500, 502, 503] {
            assert_eq!(Delivery::of(retry), Delivery::Retry, "{retry}");
        }
        for refused in [301, 400, 401, 403, 404] {
            assert_eq!(Delivery::of(refused), Delivery::Refused, "{refused}");
        }
    }

    #[test]
    fn each_event_reads_as_one_line_in_both_fields() {
        let events = [
            NotifyEvent::from_deploy(
                "prod",
                &app(),
                &DeployOutcome::Succeeded {
                    urls: vec!["https://api.example.com".into()],
                },
            ),
            NotifyEvent::certificate("prod", &app(), 3, 14),
            NotifyEvent::certificate("prod", &app(), -2, 14),
            NotifyEvent::crashed("prod", &app(), "worker", 0, 2),
            Some(NotifyEvent::DiskFilling {
                host: "prod".into(),
                mounted_on: "/var/lib/docker".into(),
                used_percent: 95,
                inodes: true,
            }),
        ];
        let texts: Vec<String> = events
            .iter()
            .map(|e| {
                let body = webhook_body(e.as_ref().unwrap_or_else(|| unreachable!()));
                assert_eq!(body["text"], body["content"]);
                body["text"].as_str().unwrap_or_default().to_owned()
            })
            .collect();
        assert_eq!(
            texts,
            [
                "[prod] api: deployed, at https://api.example.com",
                "[prod] api: the TLS certificate expires in 3 days",
                "[prod] api: the TLS certificate expired 2 days ago",
                "[prod] api: worker is down (0 of 2 running)",
                "[prod] the disk at /var/lib/docker has 95% of its inodes used",
            ]
        );
    }

    #[test]
    fn only_events_past_their_threshold_exist_and_successes_are_opt_in() {
        assert_eq!(NotifyEvent::certificate("h", &app(), 15, 14), None);
        assert_eq!(NotifyEvent::crashed("h", &app(), "web", 1, 1), None);
        assert_eq!(NotifyEvent::crashed("h", &app(), "web", 0, 0), None);
        assert_eq!(
            NotifyEvent::from_deploy(
                "h",
                &app(),
                &DeployOutcome::Cancelled {
                    phase: DeployPhase::Build
                }
            ),
            None
        );
        let ok = NotifyEvent::from_deploy("h", &app(), &DeployOutcome::Succeeded { urls: vec![] });
        let ok = ok.unwrap_or_else(|| unreachable!());
        assert!(!Subscriptions::default().wants(&ok));
        let opted = Subscriptions {
            deploy_succeeded: true,
            ..Subscriptions::default()
        };
        assert!(opted.wants(&ok));
        // A start is opt-in too.
        let started = NotifyEvent::DeployStarted {
            host: "h".into(),
            app: app(),
            source: "git-hook".into(),
        };
        assert!(!Subscriptions::default().wants(&started));
        let opted = Subscriptions {
            deploy_started: true,
            ..Subscriptions::default()
        };
        assert!(opted.wants(&started) && !opted.wants(&ok));
    }

    #[test]
    fn a_long_message_is_cut_for_discord() {
        let event = NotifyEvent::DeployFailed {
            host: "h".into(),
            app: app(),
            phase: DeployPhase::Build,
            exit_code: None,
            message: "é".repeat(3000),
        };
        let body = webhook_body(&event);
        let text = body["content"].as_str().unwrap_or_default();
        assert_eq!(text.chars().count(), MAX_CONTENT_CHARS);
        assert!(text.ends_with('…'));
    }

    #[test]
    fn a_webhook_url_never_prints_and_errors_name_only_its_host() {
        let url = "https://hooks.slack.com/services/T000/B000/XXXXsecretXXXX";
        let hook = WebhookUrl::parse(url).unwrap_or_else(|e| unreachable!("{e}"));
        assert_eq!(format!("{hook}"), "***");
        assert_eq!(format!("{hook:?}"), "WebhookUrl(***)");
        assert_eq!(hook.destination(), "hooks.slack.com");
        assert_eq!(
            hook.scrub(&format!(
                "error sending to {url}: reset; path /services/T000/B000/XXXXsecretXXXX"
            )),
            "error sending to ***: reset; path /***"
        );
        for bad in [
            "ftp://x/y",
            "https://",
            "https://user:pw@host/x",
            "https://host/a b",
            "hooks.slack.com/services/T000/B000/XXXXsecretXXXX",
        ] {
            let err = WebhookUrl::parse(bad)
                .err()
                .unwrap_or_else(|| unreachable!("{bad}"));
            assert!(!err.to_string().contains("secret"), "{err}");
            assert!(!err.to_string().contains("pw"), "{err}");
        }
    }

    #[tokio::test]
    async fn deliver_retries_by_the_policy_then_names_only_the_host() {
        let policy = RetryPolicy::default();
        let mut waits = Vec::new();
        let mut statuses = vec![Ok(500), Err("reset".to_owned()), Ok(204)].into_iter();
        let attempts = deliver(
            &policy,
            "hooks.example",
            |_| std::future::ready(statuses.next().unwrap_or(Ok(599))),
            |d| {
                waits.push(d);
                std::future::ready(())
            },
        )
        .await;
        assert_eq!(attempts, Ok(3));
        assert_eq!(waits, [Duration::from_secs(1), Duration::from_secs(2)]);

        let refused = deliver(
            &policy,
            "hooks.example",
            |_| std::future::ready(Ok(404)),
            |_| std::future::ready(()),
        )
        .await;
        assert_eq!(
            refused,
            Err(NotifyError::Rejected {
                destination: "hooks.example".into(),
                status: 404,
                attempts: 1
            })
        );
        let mut waits = 0;
        let down = deliver(
            &policy,
            "hooks.example",
            |_| std::future::ready(Err("connection refused".to_owned())),
            |_| {
                waits += 1;
                std::future::ready(())
            },
        )
        .await;
        assert_eq!(waits, 4);
        assert_eq!(
            down.err().map(|e| e.to_string()).unwrap_or_default(),
            "the webhook at hooks.example could not be reached (after 5 attempt(s)): connection refused"
        );
    }
}
