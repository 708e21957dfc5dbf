//! `run` and `enter` (simulated) on apps that were never deployed.
//!
//! Written from dokku/dokku v0.38.27 `plugins/run` and `plugins/enter`
//! (the scheduler's image check: ` !     App image (dokku/<app>:latest) not
//! found`; `enter`'s `App <app> has not been deployed`) and the recorded
//! output (captures-0.38.27-core.jsonl seq 222, 223). A deployed app's
//! containers are not simulated beyond their state, so running a command
//! in one prints what Docker prints without a terminal.

use crate::common::{Ctx, Outcome};

/// Run `run` or `enter`; `None` for anything else.
pub fn run(ctx: &mut Ctx<'_>, subcommand: &str, args: &[String]) -> Option<Outcome> {
    let app = args.first().cloned().unwrap_or_default();
    match subcommand {
        "run" | "run:detached" | "enter" => {
            if !ctx.verify_app(&app) {
                return Some(Outcome::Done(std::mem::take(&mut ctx.out)));
            }
            let deployed = ctx.host.apps.get(&app).is_some_and(|a| a.deployed);
            if !deployed {
                if subcommand == "enter" {
                    ctx.out.fail(&format!("App {app} has not been deployed"));
                } else {
                    ctx.out
                        .fail(&format!("App image (dokku/{app}:latest) not found"));
                }
            } else {
                ctx.out.stderr_plain("the input device is not a TTY");
                ctx.out.code = 1;
            }
        }
        _ => return None,
    }
    Some(Outcome::Done(std::mem::take(&mut ctx.out)))
}
