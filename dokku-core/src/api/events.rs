//! `events`, `events:list`, `events:on`, `events:off`: Dokku's event log.
//!
//! The log can hold a command's arguments (the `user-auth` trigger logs
//! every SSH command), so `events` counts as secret output (catalog).
//! Recorded on 0.38.27: with the logger off `events:list` prints only the
//! warning ` !     Events logger disabled` (exit 0); an empty log prints
//! nothing.

use crate::api::lines::{self, LineStream};
use crate::client::Dokku;
use crate::command::{Command, TimeoutClass};
use crate::error::Result;
use crate::model::events::EventLine;
use crate::parse;

/// `events [-t]`.
pub fn events_command(follow: bool) -> Command {
    let command = Command::read("events");
    if follow {
        command.arg("-t").timeout(TimeoutClass::Follow)
    } else {
        command
    }
}

/// `events:list`.
pub fn list_command() -> Command {
    Command::read("events:list")
}

/// `events:on` (`on: false`: `events:off`).
pub fn switch_command(on: bool) -> Command {
    Command::write(if on { "events:on" } else { "events:off" })
}

/// Handler for `events:*`; see [`Dokku::events`].
#[derive(Debug, Clone, Copy)]
pub struct Events<'a> {
    dokku: &'a Dokku,
}

impl Dokku {
    /// Handler for the event log.
    pub fn events(&self) -> Events<'_> {
        Events { dokku: self }
    }
}

impl Events<'_> {
    /// The last 100 events.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// for event in dokku.events().recent().await? {
    ///     println!("{:?} {:?}", event.trigger, event.args);
    /// }
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// The command errors.
    pub async fn recent(self) -> Result<Vec<EventLine>> {
        let output = self.dokku.run(&events_command(false)).await?;
        Ok(parse::events::lines(&output.stdout_lossy()))
    }

    /// The last events, then every new one until the stream is dropped.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// use futures_util::StreamExt;
    /// let mut events = dokku.events().follow().await?;
    /// while let Some(event) = events.next().await {
    ///     println!("{:?}", event?.trigger);
    /// }
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// Transport errors; a failure at the end is the stream's last item.
    pub async fn follow(self) -> Result<LineStream<EventLine>> {
        let command = events_command(true);
        let inner = self.dokku.stream(&command).await?;
        Ok(lines::line_stream(command, inner, parse::events::line))
    }

    /// The triggers being logged (none while the logger is off).
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// let logging = !dokku.events().list().await?.is_empty();
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// The command errors.
    pub async fn list(self) -> Result<Vec<String>> {
        let output = self.dokku.run(&list_command()).await?;
        Ok(parse::events::list(&output.stdout_lossy()))
    }

    /// Turn the event logger on (`true`) or off.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// dokku.events().switch(true).await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// The command errors.
    pub async fn switch(self, on: bool) -> Result<()> {
        self.dokku.run(&switch_command(on)).await.map(drop)
    }
}
