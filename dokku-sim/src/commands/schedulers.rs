//! The scheduler selection plugins (simulated): `scheduler` and
//! `scheduler-docker-local` (alias `docker-local`): `:report` and `:set`.
//!
//! Written from dokku/dokku v0.38.27 (`plugins/scheduler/report.go`,
//! `plugins/scheduler-docker-local/report.go`) and the recorded output
//! (captures-0.38.27-core.jsonl seq 173, 174, 201, 202, 214, 215).

use crate::common::properties::{self, BashSet, Prop, PropertyPlugin};
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

/// `plugins/scheduler-docker-local/subcommands/set`: bash, the app
/// verified first.
const DOCKER_LOCAL_SET: BashSet = BashSet {
    plugin: "scheduler-docker-local",
    keys: &["init-process", "parallel-schedule-count"],
    keys_text: "init-process, parallel-schedule-count",
    global_only: None,
    unset_writes_empty: &[],
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
        "set" if plugin.plugin == DOCKER_LOCAL.plugin => {
            properties::bash_set(ctx, &DOCKER_LOCAL_SET, args);
        }
        "set" => plugin.set(ctx, args),
        _ => return None,
    }
    Some(Outcome::Done(std::mem::take(&mut ctx.out)))
}
