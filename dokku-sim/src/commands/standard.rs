//! The `00_dokku-standard` plugin's commands (simulated): `cleanup`,
//! `url`, `urls`. (`help` is the `dokku` script's, in
//! [`crate::common::help`].)
//!
//! Written from dokku/dokku v0.38.27: `plugins/00_dokku-standard/
//! subcommands/*` and the domains plugin's `domains-urls` trigger, which
//! answers `url` and `urls`.

use crate::common::{Ctx, Outcome};

/// Run a subcommand of the standard plugin; `None` if it is not one of
/// them.
pub fn run(ctx: &mut Ctx<'_>, subcommand: &str, args: &[String]) -> Option<Outcome> {
    match subcommand {
        // `docker_cleanup "$APP" "true"`: forced, so always announced.
        "cleanup" => ctx.out.info1("Cleaning up..."),
        "url" | "urls" => {
            let app = args.first().cloned().unwrap_or_default();
            if ctx.verify_app(&app) {
                ctx.trigger("domains-urls", &[app, subcommand.to_owned()]);
            }
        }
        _ => return None,
    }
    Some(Outcome::Done(std::mem::take(&mut ctx.out)))
}
