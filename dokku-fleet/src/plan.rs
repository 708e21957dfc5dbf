//! Fleet actions: a plan first, then its execution, only by handing the
//! plan back.
//!
//! [`Fleet::plan`] turns a selection and commands (typed builders' `Command`
//! values, or `Command::new` for a raw argv) into a [`Plan`]: which hosts,
//! which commands, printable as the exact Dokku command lines (secrets as
//! `***`) for a dry run. Nothing is sent. [`Fleet::execute`] takes the plan
//! by value, so what runs is what was shown and confirmed; a plan made by
//! another fleet is refused.
//!
//! On each host the commands run in order and stop at the first failure
//! (the rest are reported as not run). Hosts run independently, within the
//! fleet's concurrency; a host's timeout bounds connecting, not the
//! commands (a deploy must not be cut short; each command's own timeout
//! class still applies). Nothing is retried when it mutates: the client
//! never re-sends a mutating command, and neither does the fleet.

use std::fmt;
use std::sync::{Arc, Weak};

use dokku_core::{Command, Output};

use crate::error::FleetError;
use crate::fleet::{Deadline, Fleet, FleetHost, FleetResults, HostFailure, HostStream, Inner};
use crate::name::{HostName, Selector};

/// Hosts × commands, to show before anything runs.
#[must_use = "a plan does nothing until it is passed to Fleet::execute"]
pub struct Plan {
    // The fleet that made it; a weak handle keeps its allocation, so no
    // other fleet can ever be mistaken for it.
    fleet: Weak<Inner>,
    selector: Selector,
    hosts: Vec<(HostName, String)>,
    commands: Vec<Command>,
}

impl fmt::Debug for Plan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Plan")
            .field("selector", &self.selector)
            .field("hosts", &self.hosts)
            .field("commands", &self.commands)
            .finish_non_exhaustive()
    }
}

impl Plan {
    /// The hosts, with where each is reached.
    pub fn hosts(&self) -> impl Iterator<Item = (&HostName, &str)> {
        self.hosts.iter().map(|(h, t)| (h, t.as_str()))
    }

    /// The commands every host runs, in order.
    pub fn commands(&self) -> &[Command] {
        &self.commands
    }

    /// Whether any command changes state.
    pub fn is_mutating(&self) -> bool {
        self.commands.iter().any(Command::is_mutating)
    }

    /// The selection it was made from.
    pub fn selector(&self) -> &Selector {
        &self.selector
    }

    /// One line per host and command: `eu-1 (dokku@eu-1.example.com): dokku
    /// ps:restart api`, secrets as `***`.
    pub fn lines(&self) -> Vec<String> {
        let mut lines = Vec::with_capacity(self.hosts.len() * self.commands.len());
        for (host, target) in &self.hosts {
            for command in &self.commands {
                lines.push(format!("{host} ({target}): {command}"));
            }
        }
        lines
    }
}

impl fmt::Display for Plan {
    /// A header (how many commands on how many hosts, whether they change
    /// anything), then [`Plan::lines`].
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let change = if self.is_mutating() {
            "changes state"
        } else {
            "reads only"
        };
        writeln!(
            f,
            "{} command(s) on {} host(s) ({}), selected by {}:",
            self.commands.len(),
            self.hosts.len(),
            change,
            self.selector
        )?;
        for line in self.lines() {
            writeln!(f, "  {line}")?;
        }
        Ok(())
    }
}

/// How one planned command went on one host.
#[derive(Debug)]
#[non_exhaustive]
pub enum StepOutcome {
    /// It exited 0.
    Done(Output),
    /// It exited non-zero; Dokku's output says why.
    Failed(Output),
    /// It could not be run, or its end was not heard (then, if it mutates,
    /// whether it took effect is unknown); it was not retried.
    Error(FleetError),
    /// An earlier command on this host did not succeed, so this one was
    /// not sent.
    NotRun,
}

impl StepOutcome {
    /// Whether it ran and exited 0.
    pub fn is_done(&self) -> bool {
        matches!(self, StepOutcome::Done(_))
    }
}

/// One planned command on one host, and how it went.
#[derive(Debug)]
#[non_exhaustive]
pub struct Step {
    /// The command line, secrets as `***`.
    pub command: String,
    /// How it went.
    pub outcome: StepOutcome,
}

impl Fleet {
    /// Plan `commands` on the selected hosts. Nothing is sent; print the
    /// plan, and pass it to [`Fleet::execute`] once confirmed.
    ///
    /// ```no_run
    /// # async fn demo(fleet: dokku_fleet::Fleet) -> Result<(), Box<dyn std::error::Error>> {
    /// use dokku_core::api::ps::{action_command, Action};
    /// use dokku_core::api::Target;
    /// use dokku_core::{AppName, Command};
    /// let restart = action_command(Action::Restart, &Target::App(AppName::new("api")?), None, None)?;
    /// let plan = fleet.plan(
    ///     &dokku_fleet::Selector::parse("env=prod")?,
    ///     [restart, Command::new("proxy:build-config").arg("api")],
    /// )?;
    /// print!("{plan}");
    /// // … ask a person …
    /// for host in fleet.execute(plan).await? {
    ///     println!("{}: {:?}", host.host, host.result.map(|steps| steps.len()));
    /// }
    /// # Ok(()) }
    /// ```
    pub fn plan(
        &self,
        selector: &Selector,
        commands: impl IntoIterator<Item = Command>,
    ) -> Result<Plan, FleetError> {
        let commands: Vec<Command> = commands.into_iter().collect();
        if commands.is_empty() {
            return Err(FleetError::EmptyPlan);
        }
        let hosts = self
            .slots(selector)?
            .into_iter()
            .map(|s| (s.name.clone(), s.target.clone()))
            .collect();
        Ok(Plan {
            fleet: self.identity(),
            selector: selector.clone(),
            hosts,
            commands,
        })
    }

    /// Run a plan made by this fleet: on each host its commands in order,
    /// stopping at the first that does not succeed. Results in the fleet's
    /// order.
    pub async fn execute(&self, plan: Plan) -> Result<FleetResults<Vec<Step>>, FleetError> {
        Ok(self.execute_stream(plan)?.collect().await)
    }

    /// [`Fleet::execute`], each host's steps as soon as it finishes.
    pub fn execute_stream(&self, plan: Plan) -> Result<HostStream<Vec<Step>>, FleetError> {
        if !self.is(&plan.fleet) {
            return Err(FleetError::ForeignPlan);
        }
        let names = plan.hosts.iter().map(|(h, _)| h.clone()).collect();
        let commands = Arc::new(plan.commands);
        self.fan_out(
            &Selector::Names(names),
            Deadline::ConnectOnly,
            move |host: FleetHost| {
                let commands = Arc::clone(&commands);
                async move { Ok::<_, HostFailure>(run_steps(&host, &commands).await) }
            },
        )
    }
}

async fn run_steps(host: &FleetHost, commands: &[Command]) -> Vec<Step> {
    let mut steps = Vec::with_capacity(commands.len());
    let mut stopped = false;
    for command in commands {
        let line = command.to_string();
        let outcome = if stopped {
            StepOutcome::NotRun
        } else {
            match host.dokku().execute(command).await {
                Ok(output) if output.status.success() => StepOutcome::Done(output),
                Ok(output) => StepOutcome::Failed(output),
                Err(error) => StepOutcome::Error(FleetError::from_dokku(
                    host.name(),
                    host.target(),
                    None,
                    error,
                )),
            }
        };
        stopped = stopped || !outcome.is_done();
        steps.push(Step {
            command: line,
            outcome,
        });
    }
    steps
}
