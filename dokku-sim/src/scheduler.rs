//! The scheduler: the one model of how an app's containers change.
//!
//! Every command that (re)deploys an app goes through here: `ps:start`,
//! `ps:restart`, `ps:rebuild`, `ps:scale`, a restart after `config:set`
//! (config's `triggerRestart` runs `release-and-deploy`, which ends in the
//! same deploy), and the rebuild after `apps:rename` and `apps:clone`.
//! So the same change leaves the same containers, state and output
//! whichever command asked for it.
//!
//! Written from `plugins/ps/ps.go` (`Start`, `Stop`, `Restart`,
//! `Rebuild`), `plugins/config/config.go` (`triggerRestart`) and the
//! docker-local scheduler's `scheduler-deploy`. What the scheduler prints
//! while it deploys depends on the app's image, checks and proxy; the
//! simulator prints a short, deterministic stand-in with Dokku's own
//! phrases (`Deploying web (count=1)`, `Running post-deploy`, `Shutting
//! down old containers in 60 seconds`) and changes the containers the way
//! a deploy would.

use crate::common::Ctx;
use crate::host::{container_id, Container, ContainerState};

/// `scheduler-app-status`: `true` if every container runs, `false` if
/// none (or there are none), `mixed` otherwise.
pub fn running_state(containers: &[Container]) -> &'static str {
    let running = containers
        .iter()
        .filter(|c| c.state == ContainerState::Running)
        .count();
    if running == 0 {
        "false"
    } else if running == containers.len() {
        "true"
    } else {
        "mixed"
    }
}

/// A deploy of the running image (the `deploy` trigger): new containers for
/// every process type (or just `only`) as the scale says, the old ones
/// retired. Prints a short stand-in for the scheduler's output.
pub fn deploy(ctx: &mut Ctx<'_>, app_name: &str, only: Option<&str>) {
    let Some(app) = ctx.host.apps.get_mut(app_name) else {
        return;
    };
    if app.scale.is_empty() {
        // generateScalefile on a first deploy: one web process, the other
        // Procfile types at zero (web alone without a Procfile).
        if app.procfile.is_empty() {
            app.scale.insert("web".to_owned(), 1);
        }
        for process_type in &app.procfile {
            app.scale
                .insert(process_type.clone(), u32::from(process_type == "web"));
        }
    }
    app.deploys += 1;
    let deploy_number = app.deploys;
    let selected = |process_type: &str| only.is_none_or(|p| p == process_type);
    let (old, mut containers): (Vec<Container>, Vec<Container>) = app
        .containers
        .drain(..)
        .partition(|c| selected(&c.process_type));
    let mut lines: Vec<(bool, String)> = Vec::new();
    for (process_type, count) in &app.scale {
        if !selected(process_type) || *count == 0 {
            continue;
        }
        lines.push((true, format!("Deploying {process_type} (count={count})")));
        for index in 1..=*count {
            let dyno = format!("{process_type}.{index}");
            lines.push((false, format!("Attempting pre-flight checks ({dyno})")));
            lines.push((false, format!("Waiting for 10 seconds ({dyno})")));
            lines.push((
                false,
                format!("Default container check successful ({dyno})"),
            ));
            containers.push(Container {
                process_type: process_type.clone(),
                index,
                state: ContainerState::Running,
                id: container_id(app_name, process_type, index, deploy_number),
            });
        }
    }
    containers.sort_by(|a, b| (&a.process_type, a.index).cmp(&(&b.process_type, b.index)));
    app.containers = containers;
    app.deployed = true;
    // A deploy sets DOKKU_APP_RESTORE=1 again.
    app.restore = true;
    let urls: Vec<String> = if app.vhost_enabled() {
        app.domains.iter().map(|d| format!("http://{d}")).collect()
    } else {
        Vec::new()
    };
    for (header, line) in lines {
        if header {
            ctx.out.info1(&line);
        } else {
            ctx.out.verbose(&line);
        }
    }
    ctx.out.info1("Running post-deploy");
    if !old.is_empty() {
        ctx.out.info1("Shutting down old containers in 60 seconds");
        for container in &old {
            ctx.out.verbose_quiet(&container.id);
        }
    }
    if only.is_none() && !urls.is_empty() {
        // dokku_log_info2 (not quiet-able), then the URLs.
        ctx.out.log("=====> Application deployed:");
        for url in urls {
            ctx.out.verbose(&url);
        }
    }
}

/// Whether the app is deployed; warns `App <app> has not been deployed`
/// (exit 0) if not.
pub fn deployed_or_warn(ctx: &mut Ctx<'_>, app: &str) -> bool {
    if ctx.host.apps.get(app).is_some_and(|a| a.deployed) {
        return true;
    }
    ctx.out.warn(&format!("App {app} has not been deployed"));
    false
}

/// `ps.Start`: release and deploy unless every container already runs.
pub fn start(ctx: &mut Ctx<'_>, app: &str) -> Result<(), String> {
    if !deployed_or_warn(ctx, app) {
        return Ok(());
    }
    let state = ctx
        .host
        .apps
        .get(app)
        .map_or("false", |a| running_state(&a.containers));
    match state {
        "true" => ctx.out.warn(&format!("App {app} already running")),
        other => {
            if other == "mixed" {
                ctx.out.warn("App is running in mixed mode, releasing");
            } else {
                ctx.out
                    .warn("App has been detected as not running, releasing");
            }
            deploy(ctx, app, None);
        }
    }
    Ok(())
}

/// `ps.Stop`: the containers stop (and stay); DOKKU_APP_RESTORE=0.
pub fn stop(ctx: &mut Ctx<'_>, app: &str) -> Result<(), String> {
    if !deployed_or_warn(ctx, app) {
        return Ok(());
    }
    ctx.out.info1_quiet(&format!("Stopping {app}"));
    if let Some(state) = ctx.host.apps.get_mut(app) {
        for container in &mut state.containers {
            container.state = ContainerState::Exited;
        }
        state.restore = false;
    }
    Ok(())
}

/// `ps.Restart`: a deploy of the running image.
pub fn restart(ctx: &mut Ctx<'_>, app: &str) -> Result<(), String> {
    if deployed_or_warn(ctx, app) {
        deploy(ctx, app, None);
    }
    Ok(())
}

/// `ps.Rebuild` (`receive-app`): build the app again from its source, then
/// deploy. The build lines are the `receive` phases of Dokku's standard
/// flow (`00_dokku-standard`); a real build prints the builder's output.
pub fn rebuild(ctx: &mut Ctx<'_>, app: &str) -> Result<(), String> {
    let (deployed, source) = ctx
        .host
        .apps
        .get(app)
        .map(|a| (a.deployed, a.deploy_source.clone()))
        .unwrap_or_default();
    // A clone has its source's deploy source but was never deployed itself:
    // it can be built. An app with neither has no commit on its deploy
    // branch: git's `receive-app` warns (after an escape that returns the
    // cursor) and fails (`git_build_app`; recording seq 113).
    if !deployed && source.is_empty() {
        let branch = crate::common::properties::first_set([
            ctx.host
                .app_property(app, "git", "deploy-branch")
                .unwrap_or(""),
            ctx.host
                .global_property("git", "deploy-branch")
                .unwrap_or(""),
            "master",
        ]);
        ctx.out.log(&format!(
            "\u{1b}[1G\u{1b}[K-----> WARNING: Cannot build from '{branch}' as there are no commits stored at that branch."
        ));
        ctx.out.code = 1;
        return Ok(());
    }
    build_and_deploy(ctx, app, &source);
    Ok(())
}

/// `receive-app` for a source that is on the host: the builder the source
/// selects (`builder-dockerfile` for an image, `builder-herokuish`
/// otherwise, each printing `Building <app> from …`), the release, and the
/// deploy.
pub fn build_and_deploy(ctx: &mut Ctx<'_>, app: &str, source: &str) {
    let builder = match source {
        "docker-image" | "dockerfile" => "Dockerfile",
        _ => "herokuish",
    };
    ctx.out.info1("Cleaning up...");
    ctx.out.info1(&format!("Building {app} from {builder}"));
    ctx.out.info1(&format!("Releasing {app}..."));
    ctx.out.info1(&format!("Deploying {app}..."));
    deploy(ctx, app, None);
}

/// `triggerRestart` (config): nothing for an app that was never deployed;
/// otherwise `-----> Restarting app <app>` (not quiet-able) and
/// `release-and-deploy`, the same deploy as [`restart`].
pub fn config_restart(ctx: &mut Ctx<'_>, app: &str) {
    if !ctx.host.apps.get(app).is_some_and(|a| a.deployed) {
        return;
    }
    ctx.out.info1(&format!("Restarting app {app}"));
    deploy(ctx, app, None);
}
