//! What went wrong, said the way a person would: our sentence, and Dokku's
//! own words (shown as Dokku's) when Dokku refused something. No command
//! lines, byte offsets or Rust type names reach a page.

use axum::http::StatusCode;
use dokku::name::NameRule;
use dokku::NameError;

use super::WebError;

/// A failure, ready to show next to the form that caused it, as JSON for
/// the page script, or as a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// The HTTP status.
    pub status: StatusCode,
    /// What went wrong, for people.
    pub message: String,
    /// What Dokku itself said, if it refused the command.
    pub dokku: Option<String>,
}

impl Failure {
    /// A failure with our words only.
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        Self {
            status,
            message: message.into(),
            dokku: None,
        }
    }

    /// The JSON the page script reads: `{ok: false, message, dokku}`.
    pub fn json(&self) -> serde_json::Value {
        serde_json::json!({
            "ok": false,
            "message": self.message,
            "dokku": self.dokku,
        })
    }
}

/// `a space`, `'/'`.
fn describe(ch: char) -> String {
    match ch {
        ' ' => "a space".to_owned(),
        '\t' => "a tab".to_owned(),
        '\n' | '\r' => "a line break".to_owned(),
        c if c.is_uppercase() => format!("upper-case letters ({c:?})"),
        c => format!("{c:?}"),
    }
}

/// `App name`, from `app name`.
fn capitalised(kind: &str) -> String {
    let mut chars = kind.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect::<String>()
    })
}

/// A name that broke a rule, as a sentence: which rule, in words.
pub fn name_problem(e: &NameError) -> String {
    let kind = capitalised(e.kind);
    match &e.rule {
        NameRule::Empty => {
            let article = if e.kind.starts_with(['a', 'e', 'i', 'o', 'u']) {
                "an"
            } else {
                "a"
            };
            format!("Enter {article} {}.", e.kind)
        }
        NameRule::TooLong { max } => {
            format!("{kind} can be at most {max} characters long.")
        }
        NameRule::BadFirstChar { ch, allowed } => {
            format!("{kind} must start with {allowed}, not {}.", describe(*ch))
        }
        NameRule::BadChar { ch, allowed, .. } => {
            format!("{kind} cannot contain {}: use {allowed}.", describe(*ch))
        }
        NameRule::BadLastChar { ch, allowed } => {
            format!("{kind} must end with {allowed}, not {}.", describe(*ch))
        }
        NameRule::BadLabel { .. } if e.kind == "app name" => format!(
            "{kind} becomes a hostname, so each part between dots must be 1 to {} characters long.",
            dokku::name::APP_LABEL_MAX
        ),
        NameRule::BadLabel { .. } => {
            format!("{kind}: each part between dots must be 1 to 63 characters long.")
        }
        other => format!("{kind} is not valid: {other}."),
    }
}

/// `Dokku could not link api-db to api.`, or a generic sentence.
fn could_not(doing: Option<&str>) -> String {
    match doing {
        Some(doing) => format!("Dokku could not {doing}."),
        None => "Dokku could not do that.".to_owned(),
    }
}

/// A Dokku error, optionally about `doing` something.
pub fn dokku_failure(e: &dokku::Error, doing: Option<&str>) -> Failure {
    use dokku::Error as E;
    let (status, message, dokku) = match e {
        E::AppNotFound { app, .. } => (
            StatusCode::NOT_FOUND,
            format!("There is no app called {app}."),
            None,
        ),
        E::NotFound { what, name, .. } => (
            StatusCode::NOT_FOUND,
            format!("There is no {what} called {name}."),
            None,
        ),
        E::AppExists { app, .. } => (
            StatusCode::CONFLICT,
            format!("There is already an app called {app}: choose another name."),
            None,
        ),
        E::AppNotDeployed { app, .. } => (
            StatusCode::UNPROCESSABLE_ENTITY,
            format!("{app} has not been deployed yet: push code to it first."),
            None,
        ),
        E::UnstorableConfigValue { key, hazard } => (
            StatusCode::BAD_REQUEST,
            format!(
                "Not sent: Dokku cannot store the value of {key} intact ({hazard}). \
                 Nothing was sent to the host; the app's config is unchanged."
            ),
            None,
        ),
        E::CorruptConfig { app, problem, .. } => (
            StatusCode::CONFLICT,
            format!(
                "The stored environment of {} is corrupt: Dokku cannot read it ({problem}), so \
                 every config change fails until an admin repairs it on the host. How to repair \
                 it is shown in the Config section of the app's page.",
                app.as_deref().unwrap_or("the host (global)")
            ),
            None,
        ),
        // Refused by the SDK before anything was sent.
        E::InvalidArgument { reason, .. } => (
            StatusCode::BAD_REQUEST,
            format!("{} Nothing was changed.", sentence(reason)),
            None,
        ),
        E::CommandFailed { message, .. } => (
            StatusCode::UNPROCESSABLE_ENTITY,
            could_not(doing),
            Some(message.trim().to_owned()).filter(|m| !m.is_empty()),
        ),
        E::Unsupported { needs, version, .. } => (
            StatusCode::NOT_IMPLEMENTED,
            format!("This host cannot do that: it needs {needs}, and runs Dokku {version}."),
            None,
        ),
        E::NotADokkuCommand { subcommand, .. } => (
            StatusCode::NOT_IMPLEMENTED,
            format!("This host has no {subcommand} command (is the plugin installed?)."),
            None,
        ),
        E::Transport { source, .. } => (
            StatusCode::BAD_GATEWAY,
            format!(
                "{} The Dokku host did not answer: {source}.",
                could_not(doing)
            ),
            None,
        ),
        E::Parse { .. } => (
            StatusCode::BAD_GATEWAY,
            format!(
                "{} The dashboard could not read Dokku's answer.",
                could_not(doing)
            ),
            None,
        ),
        _ => (StatusCode::BAD_GATEWAY, could_not(doing), None),
    };
    Failure {
        status,
        message,
        dokku,
    }
}

/// A library message as a sentence: capital first letter, final stop.
pub fn sentence(text: &str) -> String {
    let mut out = capitalised(text.trim());
    if !out.ends_with(['.', '!', '?']) {
        out.push('.');
    }
    out
}

impl WebError {
    /// How this error reads to a person.
    pub fn failure(&self) -> Failure {
        match self {
            WebError::Dokku(e) => dokku_failure(e, None),
            WebError::Doing(failure) => dokku_failure(&failure.1, Some(&failure.0)),
            WebError::History(e) => Failure::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                format!("The audit history could not be read: {e}."),
            ),
            WebError::NotFound(what) => {
                Failure::new(StatusCode::NOT_FOUND, format!("There is no {what}."))
            }
            WebError::BadRequest(why) => Failure::new(StatusCode::BAD_REQUEST, why.clone()),
            WebError::Name(e) => Failure::new(StatusCode::BAD_REQUEST, name_problem(e)),
            WebError::Storage(why) => {
                Failure::new(StatusCode::INTERNAL_SERVER_ERROR, sentence(why))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn name_problems_say_the_rule_in_words_without_offsets() {
        let e = dokku::AppName::new("my app").unwrap_err();
        let text = name_problem(&e);
        assert_eq!(
            text,
            "App name cannot contain a space: use a-z, 0-9, '.' or '-'."
        );
        assert!(!text.contains("byte"));
        let e = dokku::AppName::new(&"a".repeat(80)).unwrap_err();
        assert!(name_problem(&e).contains("1 to 63 characters"));
        let e = dokku::AppName::new("").unwrap_err();
        assert_eq!(name_problem(&e), "Enter an app name.");
    }

    #[test]
    fn dokku_refusals_keep_dokkus_words_and_drop_the_command_line() {
        let e = dokku::Error::CommandFailed {
            command: "dokku postgres:link api-db api".to_owned(),
            status: dokku::ExitStatus::code(1),
            message: "Already linked as DATABASE_URL".to_owned(),
            stdout: String::new(),
            stderr: String::new(),
        };
        let f = dokku_failure(&e, Some("link api-db to api"));
        assert_eq!(f.message, "Dokku could not link api-db to api.");
        assert_eq!(f.dokku.as_deref(), Some("Already linked as DATABASE_URL"));
        assert!(!format!("{f:?}").contains("dokku postgres:link"));
        let e = dokku::Error::AppExists {
            app: "api".to_owned(),
            command: "dokku apps:create api".to_owned(),
        };
        let f = dokku_failure(&e, None);
        assert!(!f.message.contains("apps:create"), "{}", f.message);
    }
}
