//! The `events` plugin (simulated, `plugins/20_events`): `events:on`,
//! `events:off`, `events:list` and `events`.
//!
//! Written from dokku/dokku v0.38.27 `plugins/20_events/subcommands/*`:
//! the logger is on while `~dokku/.dokkurc/DOKKU_EVENTS` exists;
//! `events:list` prints the plugin's hooks (its symlinks, sorted) in
//! `dokku_col_log_*`'s `printf` columns; `events` tails the events log
//! (recorded: captures-0.38.27-surface.jsonl seq 1286-1290). The simulator
//! writes no events log, so `events` prints nothing.

use crate::common::{Ctx, Outcome};

/// The switch `events:on` writes.
const SWITCH: &str = "/home/dokku/.dokkurc/DOKKU_EVENTS";

/// The triggers the plugin logs (its `hook` symlinks in v0.38.27), in
/// `sort -n` order.
const HOOKS: &str = "\
     app-create app-destroy app-exists app-json-get-content \
     app-json-process-deploy-parallelism app-list app-maybe-create app-restart app-urls \
     builder-build builder-create-dokku-image builder-detect builder-dokku-image \
     builder-get-property builder-herokuish-allowed builder-image-is-cnb \
     builder-image-is-herokuish builder-release buildpack-stack-name \
     caddy-template-source certs-exists certs-force check-deploy checks-get-property \
     config-export config-get config-get-global core-post-deploy core-post-extract \
     cron-entries cron-get-property cron-write dependencies deploy deploy-source-set \
     deployed-app-image-repo deployed-app-image-tag deployed-app-repository \
     docker-args-build docker-args-deploy docker-args-process-build \
     docker-args-process-deploy docker-args-process-run docker-args-run domains-add \
     domains-disable domains-enable domains-list domains-urls domains-vhost-enabled \
     git-deploy-branch git-from-archive git-from-directory git-from-image \
     git-get-property git-has-code git-post-pull git-pre-pull git-revision \
     haproxy-template-source logs-get-property network-build-config network-clear-config \
     network-config-exists network-get-ipaddr network-get-listeners network-get-property \
     network-get-static-listeners network-write-ipaddr network-write-port \
     nginx-app-template-source nginx-dokku-template-source nginx-hostname \
     nginx-pre-reload openresty-template-source ports-clear ports-configure ports-get \
     ports-get-available ports-get-property ports-set-detected post-app-clone \
     post-app-clone-setup post-app-rename post-app-rename-setup post-build-buildpack \
     post-build-dockerfile post-build-lambda post-build-pack post-certs-remove \
     post-certs-update post-config-update post-container-create post-create post-delete \
     post-deploy post-domains-update post-extract post-proxy-ports-update \
     post-release-builder post-release-lambda post-stack-set post-stop \
     pre-build-buildpack pre-build-dockerfile pre-build-lambda pre-build-pack pre-delete \
     pre-deploy pre-disable-vhost pre-enable-vhost pre-receive-app pre-release-buildpack \
     pre-release-dockerfile pre-release-lambda pre-release-pack pre-restore pre-start \
     procfile-exists procfile-get-command proxy-build-config proxy-clear-config \
     proxy-disable proxy-enable proxy-is-enabled proxy-type ps-can-scale ps-current-scale \
     ps-set-scale receive-app receive-branch release-and-deploy report \
     resource-get-property retire-container-failed scheduler-app-status scheduler-deploy \
     scheduler-detect scheduler-enter scheduler-inspect scheduler-is-deployed \
     scheduler-logs scheduler-logs-failed scheduler-post-delete \
     scheduler-post-deploy-process scheduler-post-run scheduler-pre-restore \
     scheduler-register-retired scheduler-retire scheduler-run scheduler-run-list \
     scheduler-run-logs scheduler-run-stop scheduler-stop storage-list \
     traefik-template-source uninstall update user-auth user-auth-app";

/// Run an `events` subcommand; `None` if it is not one this module knows.
pub fn run(ctx: &mut Ctx<'_>, subcommand: &str, _args: &[String]) -> Option<Outcome> {
    match subcommand {
        "events:on" => {
            ctx.out.log("Enabling dokku events logger");
            ctx.host
                .files
                .insert(SWITCH.to_owned(), "export DOKKU_EVENTS=1\n".to_owned());
        }
        "events:off" => {
            ctx.out.log("Disabling dokku events logger");
            ctx.host.files.remove(SWITCH);
        }
        "events:list" => {
            if !ctx.host.files.contains_key(SWITCH) {
                ctx.out.warn("Events logger disabled");
            } else {
                // dokku_col_log_info2_quiet, then dokku_col_log_msg per hook.
                if !ctx.out.quiet {
                    ctx.out.log(&format!(
                        "{:<6} {:<18} {:<25} {:<25} {:<25}",
                        "=====>", "Events currently logged", "", "", ""
                    ));
                }
                for hook in HOOKS.split_whitespace() {
                    ctx.out
                        .log(&format!("{hook:<25} {:<25} {:<25} {:<25}", "", "", ""));
                }
            }
        }
        // `tail -n 100` of the events log, which the simulator never
        // writes.
        "events" => {}
        _ => return None,
    }
    Some(Outcome::Done(std::mem::take(&mut ctx.out)))
}
