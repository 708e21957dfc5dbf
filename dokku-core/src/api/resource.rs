//! `resource:*`: CPU, memory and network limits and reservations, per app
//! or per process type. The report is generic
//! (`dokku.report::<ResourceReport>()`).
//!
//! Recorded on 0.38.27: values are stored as given (`--memory abc` is
//! accepted) and only the next deploy fails on one the scheduler cannot
//! read, so [`Resources::set`] checks them against the app's scheduler
//! first; without resource flags `resource:limit`/`reserve` print the
//! current values; an unknown flag is Go's usage text, exit 2.

use crate::client::Dokku;
use crate::command::Command;
use crate::error::{Error, Result};
use crate::model::resource::{
    is_resource_value_for, reading_scheduler, resource_units, ResourceSettings, ResourceValues,
};
use crate::model::scheduler::SchedulerReport;
use crate::name::{AppName, ProcessType};
use crate::parse::{self, context};

/// Limits or reservations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ResourceKind {
    /// `resource:limit`: the most a container may use.
    Limit,
    /// `resource:reserve`: what is set aside for it.
    Reserve,
}

impl ResourceKind {
    fn verb(self) -> &'static str {
        match self {
            Self::Limit => "resource:limit",
            Self::Reserve => "resource:reserve",
        }
    }

    fn clear_verb(self) -> &'static str {
        match self {
            Self::Limit => "resource:limit-clear",
            Self::Reserve => "resource:reserve-clear",
        }
    }
}

fn scoped(mut command: Command, app: &AppName, process: Option<&ProcessType>) -> Command {
    command = command.about_app(app);
    if let Some(process) = process {
        command = command.arg("--process-type").arg(process);
    }
    command
}

/// `resource:<limit|reserve> [--process-type T] --<resource> <value>… <app>`.
///
/// ```
/// use dokku_core::api::resource::{set_command, ResourceKind};
/// use dokku_core::model::resource::ResourceValues;
/// use dokku_core::AppName;
///
/// let mut values = ResourceValues::default();
/// values.set("memory", "512m");
/// let command = set_command(ResourceKind::Limit, &AppName::new("api")?, None, &values)?;
/// assert_eq!(command.to_string(), "dokku resource:limit --memory 512m api");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// [`Error::InvalidArgument`] for no values (that would print them instead)
/// or a value that is not one word.
pub fn set_command(
    kind: ResourceKind,
    app: &AppName,
    process: Option<&ProcessType>,
    values: &ResourceValues,
) -> Result<Command> {
    if values.is_empty() {
        return Err(Error::InvalidArgument {
            what: kind.verb(),
            reason: "no resource given".to_owned(),
        });
    }
    let mut command = scoped(Command::write(kind.verb()), app, process);
    for (resource, value) in values.iter() {
        let resource = super::word(kind.verb(), "resource name", resource)?;
        let value = super::word(kind.verb(), "resource value", value)?;
        command = command.arg(format!("--{resource}")).arg(value);
    }
    Ok(command.arg(app))
}

/// `resource:<limit|reserve> [--process-type T] <app>`: show the values.
pub fn show_command(kind: ResourceKind, app: &AppName, process: Option<&ProcessType>) -> Command {
    scoped(Command::read(kind.verb()), app, process).arg(app)
}

/// `resource:<limit|reserve>-clear [--process-type T] <app>`.
pub fn clear_command(kind: ResourceKind, app: &AppName, process: Option<&ProcessType>) -> Command {
    scoped(Command::write(kind.clear_verb()), app, process).arg(app)
}

/// Handler for `resource:*`; see [`Dokku::resources`].
#[derive(Debug, Clone, Copy)]
pub struct Resources<'a> {
    dokku: &'a Dokku,
}

impl Dokku {
    /// Handler for resource limits and reservations.
    pub fn resources(&self) -> Resources<'_> {
        Resources { dokku: self }
    }
}

impl Resources<'_> {
    /// Set limits (or reservations) of the app or one process type; the
    /// resources not given are left as they are. Takes effect on the
    /// next deploy. The amounts are first [checked](Self::check) against
    /// the app's scheduler, since Dokku stores any value and only the
    /// next deploy fails on one the scheduler cannot read.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// use dokku_core::api::resource::ResourceKind;
    /// use dokku_core::model::resource::ResourceValues;
    /// let mut values = ResourceValues::default();
    /// values.set("cpu", "1.5");
    /// values.set("memory", "512m");
    /// dokku.resources().set(ResourceKind::Limit, &dokku_core::AppName::new("api")?, None, &values).await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] (nothing sent), [`Error::AppNotFound`] and
    /// the other command errors.
    pub async fn set(
        self,
        kind: ResourceKind,
        app: &AppName,
        process: Option<&ProcessType>,
        values: &ResourceValues,
    ) -> Result<()> {
        let command = set_command(kind, app, process, values)?;
        self.check(kind, app, process, values).await?;
        self.dokku.run(&command).await.map(drop)
    }

    /// Refuse an amount the scheduler that reads it would refuse at the
    /// app's next deploy (one `scheduler:report`; nothing is changed):
    /// docker-local turns memory `1G` into `1Gm`, k3s reads Kubernetes
    /// quantities, and the build container's limits are Docker's whatever
    /// the scheduler ([`is_resource_value_for`], [`reading_scheduler`]).
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// use dokku_core::api::resource::ResourceKind;
    /// use dokku_core::model::resource::ResourceValues;
    /// let mut values = ResourceValues::default();
    /// values.set("memory", "1G");
    /// let api = dokku_core::AppName::new("api")?;
    /// if let Err(refused) = dokku.resources().check(ResourceKind::Limit, &api, None, &values).await {
    ///     println!("{refused}");
    /// }
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] naming the value, the resource, the
    /// scheduler and what it takes; [`Error::AppNotFound`] and the other
    /// errors of reading the scheduler report.
    pub async fn check(
        self,
        kind: ResourceKind,
        app: &AppName,
        process: Option<&ProcessType>,
        values: &ResourceValues,
    ) -> Result<()> {
        let report = self.dokku.report::<SchedulerReport>().app(app).await?;
        let process = process.map(ProcessType::as_str);
        let scheduler = reading_scheduler(report.selected.effective(), process);
        match values
            .iter()
            .find(|(resource, value)| !is_resource_value_for(scheduler, resource, value))
        {
            None => Ok(()),
            Some((resource, value)) => {
                let on = scheduler.unwrap_or_default();
                let who = match scheduler {
                    Some(on) => format!("the {on} scheduler"),
                    None => "either of Dokku's schedulers".to_owned(),
                };
                Err(Error::InvalidArgument {
                    what: kind.verb(),
                    reason: format!(
                        "{value:?} is not a {resource} amount {who} takes: give {}",
                        resource_units(on, resource)
                    ),
                })
            }
        }
    }

    /// The limits (or reservations) of the app (`None`: the app-wide
    /// defaults) or one process type.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// use dokku_core::api::resource::ResourceKind;
    /// let limits = dokku.resources().get(ResourceKind::Limit, &dokku_core::AppName::new("api")?, None).await?;
    /// println!("{:?}", limits.values.memory);
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::AppNotFound`], [`Error::Parse`] and transport errors.
    pub async fn get(
        self,
        kind: ResourceKind,
        app: &AppName,
        process: Option<&ProcessType>,
    ) -> Result<ResourceSettings> {
        let command = show_command(kind, app, process);
        let output = self.dokku.run(&command).await?;
        context(&command, parse::resource::settings(&output.stdout_lossy()))
    }

    /// Clear the limits (or reservations) of the app or one process type.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// use dokku_core::api::resource::ResourceKind;
    /// dokku.resources().clear(ResourceKind::Reserve, &dokku_core::AppName::new("api")?, None).await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::AppNotFound`] and the other command errors.
    pub async fn clear(
        self,
        kind: ResourceKind,
        app: &AppName,
        process: Option<&ProcessType>,
    ) -> Result<()> {
        self.dokku
            .run(&clear_command(kind, app, process))
            .await
            .map(drop)
    }
}
