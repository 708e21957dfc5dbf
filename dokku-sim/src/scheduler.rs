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

//!
//! A deploy can be made to fail at a chosen phase
//! ([`SimHost::fail_next_deploy`](crate::SimHost::fail_next_deploy)); what
//! it then prints is [`DeployFailure`]'s.

use serde::{Deserialize, Serialize};

use crate::common::Ctx;
use crate::host::{container_id, Container, ContainerState};

/// Where a deploy fails, and so what Dokku prints when it does. Every
/// failure exits 1 and its build record ends `failed`.
///
/// The lines are Dokku v0.38.27's (certainty: source-derived, no
/// recording of a failed build yet); the app's own output inside them
/// (the build step, the task command, the crash) is illustrative.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum DeployFailure {
    /// The builder fails (`plugins/common/functions` `dokku_build`): the
    /// builder's own words (a Dockerfile step's error; herokuish's
    /// `Failure attaching to container during app build` after the
    /// buildpack's), then `Removing invalid image tag dokku/<app>:latest`
    /// (or `Retagging old image <id> as …` for an app deployed before)
    /// and `dokku_log_fail "App build failed"`. Nothing is deployed.
    Build,
    /// The Procfile's `release` task fails (`plugins/app-json`
    /// `executeScript`, run by `post-release-builder`): `Checking for
    /// release task`, the task's output between `Start of`/`End of <app>
    /// release task (<id>) output`, then `Execution of release task
    /// failed: <command>` (`LogFailWithError`). Nothing is deployed.
    Release,
    /// The new web container fails its checks
    /// (`plugins/scheduler-docker-local/check-deploy`): the healthchecker's
    /// `Failure in name='default': container state is not running` (its
    /// format from `tests/unit/checks.bats`; inferred for the default
    /// check), `Could not start due to 1 failed checks (web.1)` and the
    /// container's output. The old containers keep running (zero
    /// downtime); the crash is what `logs:failed` shows.
    Healthcheck,
    /// The `app.json` `postdeploy` task fails after the new containers
    /// took the traffic (`post-deploy` trigger): `Checking for postdeploy
    /// task`, its output, `Execution of postdeploy task failed:
    /// <command>`. The new containers run; Dokku never retires the old
    /// ones (`scheduler-deploy` stops at the failed trigger), which the
    /// simulator does not keep.
    PostDeploy,
}

impl DeployFailure {
    /// Every failure, in the order of the phases.
    pub const ALL: [DeployFailure; 4] = [
        DeployFailure::Build,
        DeployFailure::Release,
        DeployFailure::Healthcheck,
        DeployFailure::PostDeploy,
    ];

    /// Its name: `build`, `release`, `healthcheck`, `post-deploy`.
    pub fn as_str(self) -> &'static str {
        match self {
            DeployFailure::Build => "build",
            DeployFailure::Release => "release",
            DeployFailure::Healthcheck => "healthcheck",
            DeployFailure::PostDeploy => "post-deploy",
        }
    }
}

/// Illustrative: the Procfile's release command that fails.
const RELEASE_TASK: &str = "./release.sh";
/// Illustrative: the `app.json` postdeploy command that fails.
const POSTDEPLOY_TASK: &str = "./postdeploy.sh";

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
    let fault = ctx.host.take_deploy_fault(
        app_name,
        &[DeployFailure::Healthcheck, DeployFailure::PostDeploy],
    );
    let Some(app) = ctx.host.apps.get_mut(app_name) else {
        return;
    };
    if app.scale.is_empty() {
        // generateScalefile on a first deploy: one web process, the other
        // Procfile types at zero (web alone without a Procfile).
        if app.procfile.is_empty() {
            app.scale.insert("web".to_owned(), 1);
        }
        for process_type in app.process_types() {
            let quantity = u32::from(process_type == "web");
            app.scale.insert(process_type, quantity);
        }
    }
    if fault == Some(DeployFailure::Healthcheck) {
        healthcheck_failed(ctx, app_name, only);
        return;
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
    if fault == Some(DeployFailure::PostDeploy) {
        task_failed(
            ctx,
            app_name,
            "postdeploy",
            POSTDEPLOY_TASK,
            &["./postdeploy.sh: line 3: psql: command not found"],
        );
        return;
    }
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
    // `core-post-deploy`, then `post-deploy APP PORT IP IMAGE_TAG`: the
    // simulator has no listener port, IP or tag to pass (source-derived,
    // arguments partial).
    let app = vec![app_name.to_owned()];
    ctx.trigger("core-post-deploy", &app);
    ctx.trigger("post-deploy", &app);
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
    // ps.Stop: `post-stop APP` after the scheduler stopped it.
    ctx.trigger("post-stop", &[app.to_owned()]);
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
        release_deploy_lock(ctx, app);
        return Ok(());
    }
    build_and_deploy(ctx, app, &source);
    Ok(())
}

/// The end of `git_receive_app`, whatever the build did: the build ran
/// under the app's deploy lock file, which `flock -n` takes whether or not
/// `apps:lock` created the file (nothing holds it), and whose release
/// deletes it. So a build of an app locked with `apps:lock` goes ahead
/// and leaves it unlocked. (Dokku v0.38.27 `plugins/git/functions`
/// `git_receive_app`, `plugins/common/functions` `acquire_advisory_lock`
/// and `release_advisory_lock`: read from source, not recorded.)
fn release_deploy_lock(ctx: &mut Ctx<'_>, app: &str) {
    if let Some(state) = ctx.host.apps.get_mut(app) {
        state.locked = false;
    }
}

/// `receive-app` for a source that is on the host: the builder (`pack`
/// when `builder:set APP selected pack`, `builder-dockerfile` for an
/// image or `selected dockerfile`, `builder-herokuish` otherwise), its
/// lines, the release, and the deploy; then the deploy lock's release,
/// which removes a lock `apps:lock` made, whatever the build did.
///
/// Dokku's own lines are source-derived (v0.38.27 `builder-*/builder-build`:
/// `Building <app> from herokuish` or from the buildpacks `stack`, and
/// pack's `Building <app> from cnb stack <builder>...` with
/// `DOKKU_CNB_BUILDER`'s default `heroku/builder:24`). What the builder
/// itself prints between them is illustrative: herokuish's closing
/// `Discovering process types`, and pack's lifecycle phase headers.
pub fn build_and_deploy(ctx: &mut Ctx<'_>, app: &str, source: &str) {
    build_under_lock(ctx, app, source);
    release_deploy_lock(ctx, app);
}

fn build_under_lock(ctx: &mut Ctx<'_>, app: &str, source: &str) {
    let builder = Builder::of(ctx.host, app, source);
    let fault = ctx
        .host
        .take_deploy_fault(app, &[DeployFailure::Build, DeployFailure::Release]);
    ctx.out.info1("Cleaning up...");
    // `buildpack-stack-name`: the app's buildpacks stack, else the global.
    let stack = ctx
        .host
        .app_property(app, "buildpacks", "stack")
        .filter(|s| !s.is_empty())
        .or_else(|| ctx.host.global_property("buildpacks", "stack"))
        .filter(|s| !s.is_empty())
        .map(str::to_owned);
    // `dokku_build`: the builder's plugin builds (and prints the line
    // below); the events plugin logs the trigger, the first sign of a
    // build in Dokku's event log.
    let work_dir = ctx.temp_dir("git_build_app_repo");
    ctx.trigger(
        "builder-build",
        &[builder.word().to_owned(), app.to_owned(), work_dir],
    );
    let announced = match (builder, &stack) {
        (Builder::Dockerfile, _) => format!("Building {app} from Dockerfile"),
        (Builder::Herokuish, Some(stack)) => format!("Building {app} from {stack}"),
        (Builder::Herokuish, None) => format!("Building {app} from herokuish"),
        (Builder::Pack, stack) => format!(
            "Building {app} from cnb stack {}...",
            stack.as_deref().unwrap_or("heroku/builder:24")
        ),
    };
    ctx.out.info1(&announced);
    if fault == Some(DeployFailure::Build) {
        build_failed(ctx, app, builder);
        return;
    }
    let process_types = ctx
        .host
        .apps
        .get(app)
        .map(|a| a.process_types().join(", "))
        .filter(|types| !types.is_empty())
        .unwrap_or_else(|| "web".to_owned());
    match builder {
        Builder::Herokuish => {
            ctx.out.info1("Discovering process types");
            ctx.out
                .verbose(&format!("Procfile declares types -> {process_types}"));
        }
        Builder::Pack => {
            for phase in [
                "DETECTING",
                "ANALYZING",
                "RESTORING",
                "BUILDING",
                "EXPORTING",
            ] {
                ctx.out.log(&format!("===> {phase}"));
            }
            ctx.out
                .log(&format!("Successfully built image 'dokku/{app}:latest'"));
        }
        Builder::Dockerfile => {}
    }
    ctx.out.info1(&format!("Releasing {app}..."));
    if fault == Some(DeployFailure::Release) {
        ctx.out.info1("Checking for predeploy task");
        ctx.out.verbose("No predeploy task found, skipping");
        task_failed(
            ctx,
            app,
            "release",
            RELEASE_TASK,
            &[
                "Running migrations...",
                "Error: connect ECONNREFUSED 10.0.0.12:5432",
            ],
        );
        return;
    }
    // `release_and_deploy` (`plugins/common/functions`, since the
    // scheduler plugin; source-derived: no recording has a deploy).
    let scheduler = app_scheduler(ctx.host, app);
    ctx.out
        .info1(&format!("Deploying {app} via the {scheduler} scheduler..."));
    deploy(ctx, app, None);
}

/// `get_app_scheduler`: the app's `scheduler:set selected`, else the
/// global one, else `docker-local`.
fn app_scheduler<'a>(host: &'a crate::SimHost, app: &str) -> &'a str {
    host.app_property(app, "scheduler", "selected")
        .filter(|s| !s.is_empty())
        .or_else(|| host.global_property("scheduler", "selected"))
        .filter(|s| !s.is_empty())
        .unwrap_or("docker-local")
}

/// Whether `app`'s image was built by herokuish (`is_image_herokuish_based`):
/// `run` then prefixes the command with herokuish's `/exec`.
pub fn image_is_herokuish(host: &crate::SimHost, app: &str) -> bool {
    let source = host.apps.get(app).map_or("", |a| a.deploy_source.as_str());
    Builder::of(host, app, source) == Builder::Herokuish
}

/// The builder a build runs with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Builder {
    Herokuish,
    Dockerfile,
    Pack,
}

impl Builder {
    fn of(host: &crate::SimHost, app: &str, source: &str) -> Self {
        let selected = host
            .app_property(app, "builder", "selected")
            .filter(|s| !s.is_empty())
            .or_else(|| host.global_property("builder", "selected"))
            .unwrap_or("");
        match (selected, source) {
            ("pack", _) => Builder::Pack,
            ("dockerfile", _) | (_, "docker-image" | "dockerfile") => Builder::Dockerfile,
            _ => Builder::Herokuish,
        }
    }

    /// Its `IMAGE_SOURCE_TYPE`.
    fn word(self) -> &'static str {
        match self {
            Builder::Herokuish => "herokuish",
            Builder::Dockerfile => "dockerfile",
            Builder::Pack => "pack",
        }
    }
}

/// `dokku_build` when the builder failed: the builder's words, the image
/// tag undone, `App build failed` (exit 1, no deploy).
fn build_failed(ctx: &mut Ctx<'_>, app: &str, builder: Builder) {
    match builder {
        Builder::Dockerfile => {
            // BuildKit's failure line for a failing step (illustrative step).
            ctx.out.log("#6 [2/3] RUN ./build.sh");
            ctx.out.log("#6 0.412 ./build.sh: line 4: npm: not found");
            ctx.out.log("#6 ERROR: process \"/bin/sh -c ./build.sh\" did not complete successfully: exit code: 127");
            ctx.out.log("ERROR: failed to solve: process \"/bin/sh -c ./build.sh\" did not complete successfully: exit code: 127");
        }
        Builder::Pack => {
            // pack's lifecycle failing detection (illustrative).
            ctx.out.log("===> DETECTING");
            ctx.out.log("ERROR: No buildpack groups passed detection.");
            ctx.out
                .log("ERROR: failed to build: executing lifecycle: failed with status code: 20");
        }
        Builder::Herokuish => {
            // herokuish's detection failing, then builder-herokuish's warning.
            ctx.out.info1("Unable to select a buildpack");
            ctx.out
                .warn("Failure attaching to container during app build");
        }
    }
    let image = format!("dokku/{app}:latest");
    let released = ctx.host.apps.get(app).is_some_and(|a| a.deployed);
    if released {
        let old = container_id(app, "release", 0, 0);
        let short = old.get(..12).unwrap_or(&old);
        ctx.out
            .warn(&format!("Retagging old image {short} as {image}"));
    } else {
        ctx.out.warn(&format!("Removing invalid image tag {image}"));
    }
    ctx.out.fail("App build failed");
}

/// `executeScript` when the task's container exits non-zero: its output,
/// then `LogFailWithError`; `release_and_deploy` ends with its `echo`.
fn task_failed(ctx: &mut Ctx<'_>, app: &str, phase: &str, command: &str, output: &[&str]) {
    ctx.out.info1(&format!("Checking for {phase} task"));
    let source = if phase == "release" {
        "Procfile"
    } else {
        "app.json"
    };
    ctx.out.verbose(&format!(
        "Executing {phase} task from {source} in ephemeral container: {command}"
    ));
    let deploys = ctx.host.apps.get(app).map_or(0, |a| a.deploys);
    let id = container_id(app, phase, 1, deploys + 1);
    let short = id.get(..9).unwrap_or(&id);
    ctx.out
        .info2_quiet(&format!("Start of {app} {phase} task ({short}) output"));
    for line in output {
        ctx.out.verbose_quiet(line);
    }
    ctx.out
        .info2_quiet(&format!("End of {app} {phase} task ({short}) output"));
    ctx.out
        .fail(&format!("Execution of {phase} task failed: {command}"));
    ctx.out.log("");
}

/// `check-deploy` failing for the first new container: the web one (the
/// scheduler deploys it first), else the first process type deployed.
/// The old containers stay; the new one is kept for `logs:failed`.
fn healthcheck_failed(ctx: &mut Ctx<'_>, app_name: &str, only: Option<&str>) {
    let Some(app) = ctx.host.apps.get_mut(app_name) else {
        return;
    };
    let selected = |process_type: &str| only.is_none_or(|p| p == process_type);
    let deployed: Vec<(&String, &u32)> = app
        .scale
        .iter()
        .filter(|(p, count)| selected(p) && **count > 0)
        .collect();
    let first = deployed
        .iter()
        .find(|(p, _)| *p == "web")
        .or_else(|| deployed.first());
    let Some((process_type, count)) = first.map(|(p, c)| ((*p).clone(), **c)) else {
        return;
    };
    let dyno = format!("{process_type}.1");
    let id = container_id(app_name, &process_type, 1, app.deploys + 1);
    let crash = [
        "node:internal/modules/cjs/loader:1228".to_owned(),
        "Error: Cannot find module '/app/server.js'".to_owned(),
    ];
    app.failed_logs = crash.to_vec();
    ctx.out
        .info1(&format!("Deploying {process_type} (count={count})"));
    ctx.out
        .verbose(&format!("Attempting pre-flight checks ({dyno})"));
    ctx.out.verbose(&format!("Waiting for 10 seconds ({dyno})"));
    ctx.out
        .verbose("Failure in name='default': container state is not running");
    ctx.out
        .warn(&format!("Could not start due to 1 failed checks ({dyno})"));
    // checks_check_deploy_cleanup, the RETURN trap: the container's output.
    let short = id.get(..12).unwrap_or(&id);
    ctx.out.info2_quiet(&format!(
        "Start of {app_name} container output ({short} {dyno})"
    ));
    for line in &crash {
        ctx.out.verbose_quiet(line);
    }
    ctx.out.info2_quiet(&format!(
        "End of {app_name} container output ({short} {dyno})"
    ));
    ctx.out.log("");
    ctx.out.code = 1;
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
