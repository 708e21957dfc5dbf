//! `logs` commands (simulated).

use super::{Ctx, Follow, Outcome};
use crate::host::SimHost;

/// Run a `logs` subcommand; `None` if it is not one this module knows.
pub fn run(_ctx: &mut Ctx<'_>, _subcommand: &str, _args: &[String]) -> Option<Outcome> {
    None
}

/// The lines a followed log prints at its `tick`-th interval (without
/// newlines).
pub fn follow_lines(_host: &SimHost, _follow: &Follow, _tick: u64) -> Vec<String> {
    Vec::new()
}
