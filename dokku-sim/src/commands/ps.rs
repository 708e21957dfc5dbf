//! `ps` commands (simulated).

use super::{Ctx, Outcome};

/// Run a `ps` subcommand; `None` if it is not one this module knows.
pub fn run(_ctx: &mut Ctx<'_>, _subcommand: &str, _args: &[String]) -> Option<Outcome> {
    None
}
