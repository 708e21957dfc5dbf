//! The `trace` plugin (simulated): `trace:on` and `trace:off`.
//!
//! Written from dokku/dokku v0.38.27 `plugins/trace/subcommands/*`: trace
//! mode is on while `~dokku/.dokkurc/DOKKU_TRACE` exists, and the `dokku`
//! script then runs every command under `set -x` (as `--trace` does for
//! one) (recorded: captures-0.38.27-surface.jsonl seq 1291-1295).

use crate::common::{Ctx, Outcome};

/// The switch `trace:on` writes; [`crate::commands::run()`] reads it.
pub const SWITCH: &str = "/home/dokku/.dokkurc/DOKKU_TRACE";

/// Run a `trace` subcommand; `None` if it is not one this module knows.
pub fn run(ctx: &mut Ctx<'_>, subcommand: &str, _args: &[String]) -> Option<Outcome> {
    match subcommand {
        "trace:on" => {
            ctx.out.info1("Enabling trace mode");
            ctx.host
                .files
                .insert(SWITCH.to_owned(), "export DOKKU_TRACE=1\n".to_owned());
        }
        "trace:off" => {
            ctx.out.info1("Disabling trace mode");
            ctx.host.files.remove(SWITCH);
        }
        _ => return None,
    }
    Some(Outcome::Done(std::mem::take(&mut ctx.out)))
}
