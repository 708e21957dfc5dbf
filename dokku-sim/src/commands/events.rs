//! The `events` plugin (simulated, `plugins/20_events`): `events:on`,
//! `events:off`, `events:list` and `events`.
//!
//! Written from dokku/dokku v0.38.27 `plugins/20_events/subcommands/*`:
//! the logger is on while `~dokku/.dokkurc/DOKKU_EVENTS` exists;
//! `events:list` prints the plugin's hooks (its symlinks, sorted) in
//! `dokku_col_log_*`'s `printf` columns; `events` tails the events log
//! (recorded: captures-0.38.27-surface.jsonl seq 1286-1290).
//!
//! The log is written by syslog: the plugin's `hook` (linked as each
//! trigger it logs) runs `logger -t dokku-event -i -- "INVOKED:
//! <trigger>( <args> ) NAME=$NAME FINGERPRINT=$FINGERPRINT
//! DOKKU_PID=$DOKKU_PID"` while `DOKKU_EVENTS` is set, and rsyslog's
//! filter sends `dokku-event` lines to `/var/log/dokku/events.log`. The
//! recording host had no syslog (its `events` printed nothing), so the
//! simulator logs only on a host with [`SimHost::syslog`] on. Source-derived
//! and partial: the simulator fires fewer triggers than Dokku (each
//! command module fires the ones it models), so its log has fewer lines;
//! the line layout is rsyslog's traditional format.

use crate::common::{Ctx, Follow, Followed, Outcome};
use crate::host::{syslog_time, SimHost};

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

/// What `events:on` writes: the logger logs from the next command on.
pub fn switch_on(host: &mut SimHost) {
    host.files
        .insert(SWITCH.to_owned(), "export DOKKU_EVENTS=1\n".to_owned());
}

/// Run an `events` subcommand; `None` if it is not one this module knows.
pub fn run(ctx: &mut Ctx<'_>, subcommand: &str, args: &[String]) -> Option<Outcome> {
    match subcommand {
        "events:on" => {
            ctx.out.log("Enabling dokku events logger");
            switch_on(ctx.host);
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
        "events" => {
            let follow = args.first().map(String::as_str) == Some("-t");
            // `tail -F` starts with the last 10 lines, `tail -n 100` shows 100.
            let last = if follow { 10 } else { 100 };
            let lines: Vec<String> = ctx.host.events.tail(last).map(str::to_owned).collect();
            for line in lines {
                ctx.out.log(&line);
            }
            if follow {
                return Some(Outcome::Follow(Follow {
                    initial: std::mem::take(&mut ctx.out),
                    what: Followed::Events {
                        from: ctx.host.events.written(),
                    },
                }));
            }
        }
        _ => return None,
    }
    Some(Outcome::Done(std::mem::take(&mut ctx.out)))
}

/// The plugin's `hook`, linked as every trigger in `HOOKS`: log the
/// call while the logger is on (and a syslog writes the log).
pub fn trigger(ctx: &mut Ctx<'_>, name: &str, args: &[String]) {
    let host = &mut *ctx.host;
    if !(host.syslog && host.files.contains_key(SWITCH)) {
        return;
    }
    if !HOOKS.split_whitespace().any(|hook| hook == name) {
        return;
    }
    // One `dokku` process per invocation: the simulator derives a stable
    // pid from the clock. NAME and FINGERPRINT are the SSH key's, empty
    // for a local command.
    let pid = 1000 + host.now % 30_000;
    let line = format!(
        "{} {} dokku-event[{pid}]: INVOKED: {name}( {} ) NAME= FINGERPRINT= DOKKU_PID={pid}",
        syslog_time(host.now),
        host.hostname,
        args.join(" ")
    );
    host.events.push(line);
}

/// The lines `events -t` prints next: those logged since it last looked.
pub fn follow_lines(host: &SimHost, from: &mut u64) -> Vec<String> {
    let lines = host.events.since(*from).map(str::to_owned).collect();
    *from = host.events.written();
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::{dispatch, follow_lines};
    use crate::scenario;

    fn run(host: &mut SimHost, argv: &[&str]) -> Outcome {
        let argv: Vec<String> = argv.iter().map(|a| (*a).to_owned()).collect();
        dispatch(host, &argv, b"")
    }

    fn printed(host: &mut SimHost, argv: &[&str]) -> String {
        String::from_utf8_lossy(&run(host, argv).into_output().stdout).into_owned()
    }

    #[test]
    fn with_a_syslog_the_logger_records_the_triggers_a_change_fires() {
        let mut host = scenario::demo();
        host.syslog = true;
        run(&mut host, &["events:on"]);
        run(&mut host, &["ps:stop", "blog"]);
        run(
            &mut host,
            &["config:set", "--no-restart", "api", "TOKEN=hunter2"],
        );
        let log = printed(&mut host, &["events"]);
        let lines: Vec<&str> = log.lines().collect();
        assert!(
            lines.iter().any(|l| l.contains("dokku-event[")
                && l.contains("INVOKED: post-stop( blog ) NAME= FINGERPRINT= DOKKU_PID=")),
            "{log}"
        );
        assert!(
            lines
                .iter()
                .any(|l| l.contains("INVOKED: post-config-update( api set TOKEN )")),
            "{log}"
        );
        assert!(!log.contains("hunter2"), "a value reached the event log");
        // A deploy's build: `dokku_build` runs the builder's trigger.
        run(&mut host, &["ps:rebuild", "api"]);
        let log = printed(&mut host, &["events"]);
        assert!(
            log.contains("INVOKED: builder-build( herokuish api /tmp/dokku-"),
            "{log}"
        );
        // The typed reader sees the trigger and its arguments.
        let events = dokku_core::parse::events::lines(&log);
        assert!(events
            .iter()
            .any(|e| e.trigger.as_deref() == Some("post-stop") && e.args == ["blog"]));
    }

    #[test]
    fn without_a_syslog_or_with_the_logger_off_nothing_is_logged() {
        // The recording host: `events:on`, then `events` printed nothing.
        let mut host = scenario::demo();
        host.syslog = false;
        run(&mut host, &["events:on"]);
        run(&mut host, &["ps:stop", "blog"]);
        assert_eq!(printed(&mut host, &["events"]), "");
        // A syslog, but the logger off.
        host.syslog = true;
        run(&mut host, &["events:off"]);
        run(&mut host, &["ps:start", "blog"]);
        assert_eq!(printed(&mut host, &["events"]), "");
    }

    #[test]
    fn a_followed_event_log_prints_only_what_is_logged_after_it_started() {
        let mut host = scenario::demo();
        host.syslog = true;
        run(&mut host, &["events:on"]);
        run(&mut host, &["ps:stop", "blog"]);
        let Outcome::Follow(mut follow) = run(&mut host, &["events", "-t"]) else {
            panic!("events -t does not follow");
        };
        assert!(String::from_utf8_lossy(&follow.initial.stdout).contains("post-stop( blog )"));
        assert!(follow_lines(&host, &mut follow, 0).is_empty());
        run(&mut host, &["ps:stop", "api"]);
        let next = follow_lines(&host, &mut follow, 1);
        assert_eq!(next.len(), 1, "{next:?}");
        assert!(next[0].contains("INVOKED: post-stop( api )"), "{next:?}");
        assert!(follow_lines(&host, &mut follow, 2).is_empty());
    }

    #[test]
    fn the_log_keeps_its_last_lines_and_a_follow_survives_rotation() {
        const KEPT: usize = crate::host::EventLog::KEPT;
        let mut log = crate::host::EventLog::default();
        for n in 0..KEPT + 5 {
            log.push(format!("line {n}"));
        }
        assert_eq!(log.written(), (KEPT + 5) as u64);
        assert_eq!(
            log.tail(1).collect::<Vec<_>>(),
            [format!("line {}", KEPT + 4)]
        );
        let from = log.written() - 2;
        assert_eq!(log.since(from).count(), 2);
        // A reader far behind gets what is still kept.
        assert_eq!(log.since(0).count(), KEPT);
    }
}
