//! `checks:enable`, `disable`, `skip` and `run`: zero-downtime checks per
//! process type. `wait-to-retire` and the report are generic.
//!
//! Recorded on 0.38.27: without process types they apply to the whole
//! app (`-----> Disabling zero downtime for app (<app>)`); with them, to a
//! comma-separated list. `checks:run` on an app that never deployed
//! fails (` !     Invalid container index specified`).

use crate::client::Dokku;
use crate::command::Command;
use crate::error::Result;
use crate::name::{AppName, ProcessType};

/// A checks action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ChecksAction {
    /// `checks:enable`: zero-downtime deploys (the default).
    Enable,
    /// `checks:disable`: stop old containers first (downtime).
    Disable,
    /// `checks:skip`: deploy without waiting for checks.
    Skip,
    /// `checks:run`: run the checks against running containers now.
    Run,
}

impl ChecksAction {
    /// The Dokku subcommand.
    pub fn subcommand(self) -> &'static str {
        match self {
            Self::Enable => "checks:enable",
            Self::Disable => "checks:disable",
            Self::Skip => "checks:skip",
            Self::Run => "checks:run",
        }
    }
}

/// `checks:<action> <app> [<type>,<type>…]` (no types: every process type).
pub fn action_command(action: ChecksAction, app: &AppName, types: &[ProcessType]) -> Command {
    let command = match action {
        ChecksAction::Run => Command::read(action.subcommand()).long_running(),
        _ => Command::write(action.subcommand()),
    }
    .app_arg(app);
    if types.is_empty() {
        command
    } else {
        let list: Vec<&str> = types.iter().map(ProcessType::as_str).collect();
        command.arg(list.join(","))
    }
}

/// Handler for `checks:*`; see [`Dokku::checks`].
#[derive(Debug, Clone, Copy)]
pub struct Checks<'a> {
    dokku: &'a Dokku,
}

impl Dokku {
    /// Handler for zero-downtime checks.
    pub fn checks(&self) -> Checks<'_> {
        Checks { dokku: self }
    }
}

impl Checks<'_> {
    /// Run `action` for these process types (none: the whole app).
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// use dokku_core::api::checks::ChecksAction;
    /// use dokku_core::{AppName, ProcessType};
    /// let app = AppName::new("api")?;
    /// dokku.checks().apply(ChecksAction::Disable, &app, &[ProcessType::new("worker")?]).await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::AppNotFound`](crate::Error::AppNotFound), and for
    /// [`ChecksAction::Run`] on an app without running containers
    /// [`Error::CommandFailed`](crate::Error::CommandFailed).
    pub async fn apply(
        self,
        action: ChecksAction,
        app: &AppName,
        types: &[ProcessType],
    ) -> Result<()> {
        self.dokku
            .run(&action_command(action, app, types))
            .await
            .map(drop)
    }
}
