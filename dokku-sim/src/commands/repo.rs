//! The `repo` plugin (simulated): `repo:gc` and `repo:purge-cache`.
//!
//! Written from dokku/dokku v0.38.27 `plugins/repo` (`subcommands.go`:
//! the app verified, then `git gc` of its repository or `docker volume rm
//! -f cache-<app>`, both silent) and the recorded output
//! (captures-0.38.27-surface.jsonl seq 1096-1099).

use crate::common::{Ctx, Outcome};

/// Run a `repo` subcommand; `None` if it is not one this module knows.
pub fn run(ctx: &mut Ctx<'_>, subcommand: &str, args: &[String]) -> Option<Outcome> {
    match subcommand {
        "repo:gc" | "repo:purge-cache" => {
            if let Some(flags) = ctx.parse_flags(subcommand, args, &[], &[], &[]) {
                // Nothing to print once the app is verified.
                ctx.verify_app(&flags.first());
            }
        }
        _ => return None,
    }
    Some(Outcome::Done(std::mem::take(&mut ctx.out)))
}
