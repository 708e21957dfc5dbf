//! The scheduler selection plugins (simulated): `scheduler` and
//! `scheduler-docker-local` (alias `docker-local`): `:report` and `:set`.
//!
//! Written from dokku/dokku v0.38.27 (`plugins/scheduler/report.go`,
//! `plugins/scheduler-docker-local/report.go`) and the recorded output
//! (captures-0.38.27-core.jsonl seq 173, 174, 201, 202, 214, 215).

use crate::common::properties::{Prop, PropertyPlugin};
use crate::common::report::JsonKeys;
use crate::common::{Ctx, Outcome};

const SCHEDULER: PropertyPlugin = PropertyPlugin {
    plugin: "scheduler",
    report_type: "scheduler",
    json_keys: JsonKeys::StrippedAndLegacy,
    props: &[
        Prop::triple("selected", "docker-local"),
        Prop::triple("shell", ""),
    ],
};

const DOCKER_LOCAL: PropertyPlugin = PropertyPlugin {
    plugin: "scheduler-docker-local",
    report_type: "scheduler-docker-local",
    json_keys: JsonKeys::Stripped,
    props: &[
        Prop::triple("init-process", "true"),
        Prop::triple("parallel-schedule-count", "1"),
    ],
};

/// Run a scheduler subcommand; `None` if it is not one this module knows.
pub fn run(ctx: &mut Ctx<'_>, subcommand: &str, args: &[String]) -> Option<Outcome> {
    let (namespace, verb) = subcommand.split_once(':')?;
    let plugin = match namespace {
        "scheduler" => SCHEDULER,
        "scheduler-docker-local" | "docker-local" => DOCKER_LOCAL,
        _ => return None,
    };
    match verb {
        "report" => plugin.report(ctx, args, None),
        "set" => plugin.set(ctx, args),
        _ => return None,
    }
    Some(Outcome::Done(std::mem::take(&mut ctx.out)))
}
