//! `apps` commands (simulated): `apps:list`, `apps:exists`, `apps:create`,
//! `apps:destroy`, `apps:rename`, `apps:clone`, `apps:lock`,
//! `apps:unlock`, `apps:locked`, `apps:report` and `apps:set`.
//!
//! Written from Dokku's Go apps plugin and the shared helpers it calls:
//!
//! - `plugins/apps/subcommands.go` (`CommandList`, `CommandCreate`,
//!   `CommandDestroy`, `CommandRename`, `CommandClone`, `CommandLock`,
//!   `CommandUnlock`, `CommandLocked`) and `plugins/apps/functions.go`
//!   (`createApp`, `destroyApp`): the messages and the order of the checks;
//! - `plugins/common/common.go`: `VerifyAppName` (exit 20 for a missing
//!   app), `IsValidAppName` / `isValidAppNameOld` (the two name rules),
//!   `AskForDestructiveConfirmation` (the `apps:destroy` prompt read with
//!   `fmt.Scanln`), `DokkuApps` (sorted, dot- and upper-case names
//!   skipped);
//! - `plugins/common/properties.go` (`CommandPropertySet`) for `apps:set`,
//!   and dokku PR #8706 (0.38.12) for the global-only
//!   `disable-autocreation`.
//!
//! The app-name checks, the `:report` engine and the property-set logic
//! are `crate::common`'s, as they are `plugins/common`'s in Dokku.

use dokku_core::DokkuVersion;

use crate::common::confirm;
use crate::common::help;
use crate::common::names::{check_new_name, dokku_apps, NO_APP, NO_APPS};
use crate::common::properties::{
    announce_property, property_set_checks, property_target, write_property,
};
use crate::common::report::{self, Fields, GoReport};
use crate::common::versions::{V0_38_12, V0_38_22};
use crate::common::{Ctx, Flags, Outcome};
use crate::host::{App, SimHost};
use crate::out::EXIT_FLAG_ERROR;
use crate::scheduler;

/// Run an `apps` subcommand; `None` if it is not one this module knows.
pub fn run(ctx: &mut Ctx<'_>, subcommand: &str, args: &[String]) -> Option<Outcome> {
    match subcommand {
        "apps" => bare(ctx, args),
        "apps:list" => list(ctx, args),
        "apps:exists" => exists(ctx, args),
        "apps:create" => create(ctx, args),
        "apps:destroy" => destroy(ctx, args),
        "apps:rename" => rename(ctx, args),
        "apps:clone" => clone(ctx, args),
        "apps:lock" => lock(ctx, args),
        "apps:unlock" => unlock(ctx, args),
        "apps:locked" => locked(ctx, args),
        "apps:report" => {
            let spec = GoReport::versioned(ctx.version(), "apps", "app", &report_fields);
            report::run(ctx, &spec, args);
        }
        "apps:set" => set(ctx, args),
        _ => return None,
    }
    Some(Outcome::Done(std::mem::take(&mut ctx.out)))
}

// ---------------------------------------------------------------------------
// `:report` (common.ParseReportArgs + ReportSingleApp)

/// `plugins/apps/report.go`: one app's flags for this host's version, or
/// for `--global` (`None`) only the global property (PR #8706).
fn report_fields(host: &SimHost, app: Option<&str>, _format: &str, _flag: Option<&str>) -> Fields {
    let mut fields = Fields::new();
    if let Some(name) = app {
        let Some(app) = host.apps.get(name) else {
            return fields;
        };
        fields.insert("--app-created-at".into(), app.created_at.to_string());
        fields.insert("--app-deploy-source".into(), app.deploy_source.clone());
        fields.insert(
            "--app-deploy-source-metadata".into(),
            app.deploy_source_metadata.clone(),
        );
        fields.insert("--app-dir".into(), format!("/home/dokku/{name}"));
        fields.insert("--app-locked".into(), app.locked.to_string());
    }
    if host.version >= V0_38_12 {
        fields.insert(
            "--app-global-disable-autocreation".into(),
            global_disable_autocreation(host),
        );
    }
    fields
}

/// The raw global value, empty when unset (the raw/computed convention of
/// PR #8640).
fn global_disable_autocreation(host: &SimHost) -> String {
    host.global_property("apps", "disable-autocreation")
        .unwrap_or("")
        .to_owned()
}

// ---------------------------------------------------------------------------
// Subcommands

/// `dokku apps` (`commands.go`'s `case "apps"`): Go's standard `flag`
/// parses the arguments up to the first positional one, then
/// `CommandList("stdout")`. `-h`/`--help` print the usage (exit 0); any
/// other flag is refused (`flag provided but not defined: -x` on stderr,
/// the usage on stdout, exit 2).
fn bare(ctx: &mut Ctx<'_>, args: &[String]) {
    // The first argument decides: a flag is parsed (and ends the command
    // one way or the other), anything else starts the positionals.
    let flag = args
        .first()
        .filter(|arg| arg.starts_with('-') && arg.len() > 1 && *arg != "--");
    let Some(flag) = flag else {
        list(ctx, &[]);
        return;
    };
    let name = flag.trim_start_matches('-');
    let name = name.split('=').next().unwrap_or(name);
    if name != "h" && name != "help" {
        ctx.out
            .stderr_plain(&format!("flag provided but not defined: -{name}"));
        ctx.out.code = EXIT_FLAG_ERROR;
    }
    if let Some(usage) = help::plugin(ctx.host, "apps") {
        help::usage(&mut ctx.out, usage);
    }
}

/// `apps:list [--format stdout|json]` (`CommandList`).
fn list(ctx: &mut Ctx<'_>, args: &[String]) {
    let values: &[&str] = if ctx.host.version >= V0_38_22 {
        &["--format"]
    } else {
        &[]
    };
    let Some(flags) = ctx.parse_flags("apps:list", args, &[], values, &[]) else {
        return;
    };
    let apps = dokku_apps(ctx.host);
    match flags.value("--format").unwrap_or("stdout") {
        "stdout" => {
            ctx.out.info2_quiet("My Apps");
            if apps.is_empty() {
                // CommandList: `LogWarn(err); return nil`.
                ctx.out.warn(NO_APPS);
                return;
            }
            for app in apps {
                ctx.out.log(&app);
            }
        }
        // PR #8795: a JSON array of names, `[]` when there are none, no
        // header.
        "json" => {
            let mut json = String::from("[");
            for (i, app) in apps.iter().enumerate() {
                if i > 0 {
                    json.push(',');
                }
                report::go_json_str(&mut json, app);
            }
            json.push(']');
            ctx.out.log(&json);
        }
        _ => ctx
            .out
            .fail("Invalid output format specified, supported formats: stdout, json"),
    }
}

/// `apps:exists <app>` (`appExists` = `VerifyAppName`).
fn exists(ctx: &mut Ctx<'_>, args: &[String]) {
    let Some(flags) = ctx.parse_flags("apps:exists", args, &[], &[], &[]) else {
        return;
    };
    let app = flags.first();
    ctx.verify_app(&app);
}

/// `apps:create <app>` (`CommandCreate` → `createApp`).
fn create(ctx: &mut Ctx<'_>, args: &[String]) {
    let Some(flags) = ctx.parse_flags("apps:create", args, &[], &[], &[]) else {
        return;
    };
    let app = flags.first();
    create_app(ctx, &app);
}

/// `createApp`: validate, refuse a taken name, print `Creating`, and run
/// the `post-create` triggers. Returns whether the app was created.
fn create_app(ctx: &mut Ctx<'_>, name: &str) -> bool {
    let version = ctx.version();
    if !check_new_name(&mut ctx.out, version, name) {
        return false;
    }
    if ctx.host.apps.contains_key(name) {
        ctx.out.fail("Name is already taken");
        return false;
    }
    ctx.out.info1_quiet(&format!("Creating {name}..."));
    let created_at = ctx.host.tick(1);
    let app = App {
        created_at,
        // DOKKU_APP_RESTORE unset reads as "restore".
        restore: true,
        ..App::default()
    };
    ctx.host.apps.insert(name.to_owned(), app);
    // Every plugin sets the app up: domains (the vhosts, or vhost support
    // off), the proxy (its config, and a port), …
    ctx.trigger("post-create", &[name.to_owned()]);
    true
}

/// `apps:destroy [--force] <app>` (`CommandDestroy` → `destroyApp`).
fn destroy(ctx: &mut Ctx<'_>, args: &[String]) {
    let Some(flags) = ctx.parse_flags("apps:destroy", args, &["--force"], &[], &[]) else {
        return;
    };
    let app = flags.first();
    if !ctx.verify_app(&app) {
        return;
    }
    // `--force` here or before the subcommand: DOKKU_APPS_FORCE_DELETE=1.
    let forced = flags.has("--force") || ctx.force;
    if !forced && !confirm::ask_for_destructive_confirmation(ctx, &app, "app") {
        return;
    }
    destroy_app(ctx, &app);
}

/// `destroyApp` after confirmation: the message, the plugins' clean-up
/// (`pre-delete`, `post-delete`), Docker's (`DockerCleanup`: `Cleaning
/// up...`) and the scheduler's (`Retiring old containers and images`);
/// then the app and what refers to it are gone.
fn destroy_app(ctx: &mut Ctx<'_>, app: &str) {
    ctx.out
        .info1(&format!("Destroying {app} (including all add-ons)"));
    let app_arg = [app.to_owned()];
    ctx.trigger("pre-delete", &app_arg);
    ctx.trigger("post-delete", &app_arg);
    ctx.out.info1("Cleaning up...");
    ctx.out.info1("Retiring old containers and images");
    ctx.host.apps.remove(app);
    for service in ctx.host.services.values_mut() {
        service.links.retain(|linked| linked != app);
    }
}

/// The two positional names of rename and clone, with their checks
/// (`CommandRename` / `CommandClone`, before the taken-name check).
fn old_and_new(ctx: &mut Ctx<'_>, flags: &Flags) -> Option<(String, String)> {
    let old = flags.first();
    let new = flags.positional.get(1).cloned().unwrap_or_default();
    if old.is_empty() {
        ctx.out.fail(NO_APP);
        return None;
    }
    if new.is_empty() {
        // Sic: Dokku's text.
        ctx.out.fail("Please specify an new app name");
        return None;
    }
    let version = ctx.version();
    if !ctx.verify_app(&old) || !check_new_name(&mut ctx.out, version, &new) {
        return None;
    }
    Some((old, new))
}

/// `apps:rename [--skip-deploy] <old> <new>` (`CommandRename`): create the
/// new app, move the state over (`post-app-rename-setup`), destroy the old
/// one (forced), rebuild unless `--skip-deploy` (`post-app-rename`).
fn rename(ctx: &mut Ctx<'_>, args: &[String]) {
    let Some(flags) = ctx.parse_flags("apps:rename", args, &["--skip-deploy"], &[], &[]) else {
        return;
    };
    let Some((old, new)) = old_and_new(ctx, &flags) else {
        return;
    };
    if ctx.host.apps.contains_key(&new) {
        ctx.out.fail("Name is already taken");
        return;
    }
    ctx.out.info1_quiet(&format!("Renaming {old} to {new}"));
    if !create_app(ctx, &new) {
        return;
    }
    let Some(source) = ctx.host.apps.get(&old).cloned() else {
        return;
    };
    let was_deployed = source.deployed;
    let skip = flags.has("--skip-deploy");
    if let Some(target) = ctx.host.apps.get_mut(&new) {
        let created_at = target.created_at;
        *target = App {
            // The lock file lives in the old app directory: it does not
            // move; the containers are removed with the old app (the
            // `deployed` property moves with the others). The domains
            // plugin moves the VHOST file itself.
            locked: false,
            containers: Vec::new(),
            domains: Vec::new(),
            vhost_file: false,
            // The apps properties (created-at included) are moved, not
            // recreated.
            created_at: if source.created_at == 0 {
                created_at
            } else {
                source.created_at
            },
            ..source
        };
    }
    for service in ctx.host.services.values_mut() {
        for linked in &mut service.links {
            if *linked == old {
                linked.clone_from(&new);
            }
        }
    }
    ctx.trigger("post-app-rename-setup", &[old.clone(), new.clone()]);
    destroy_app(ctx, &old);
    if was_deployed && !skip {
        if let Err(error) = scheduler::rebuild(ctx, &new) {
            ctx.out.fail(&error);
        }
    }
}

/// `apps:clone [--skip-deploy] [--ignore-existing] <old> <new>`
/// (`CommandClone`): a new app with a copy of the old one's settings,
/// rebuilt unless `--skip-deploy` (`post-app-clone`).
fn clone(ctx: &mut Ctx<'_>, args: &[String]) {
    let Some(flags) = ctx.parse_flags(
        "apps:clone",
        args,
        &["--skip-deploy", "--ignore-existing"],
        &[],
        &[],
    ) else {
        return;
    };
    let Some((old, new)) = old_and_new(ctx, &flags) else {
        return;
    };
    if ctx.host.apps.contains_key(&new) {
        if flags.has("--ignore-existing") {
            // A warning, exit 0.
            ctx.out.warn("Name is already taken");
        } else {
            ctx.out.fail("Name is already taken");
        }
        return;
    }
    ctx.out.info1_quiet(&format!("Cloning {old} to {new}"));
    if !create_app(ctx, &new) {
        return;
    }
    let Some(source) = ctx.host.apps.get(&old).cloned() else {
        return;
    };
    if let Some(target) = ctx.host.apps.get_mut(&new) {
        // post-app-clone-setup: the ENV file, every plugin's properties
        // (copied over the ones post-create wrote: `PropertyClone`),
        // process settings and the deploy source; containers, lock and
        // history are the new app's own.
        target.config = source.config.clone();
        for (plugin, values) in &source.properties {
            target
                .properties
                .entry(plugin.clone())
                .or_default()
                .extend(values.clone());
        }
        target.procfile = source.procfile.clone();
        target.scale = source.scale.clone();
        target.formation_in_app_json = source.formation_in_app_json;
        target.deploy_source = source.deploy_source.clone();
        target.deploy_source_metadata = source.deploy_source_metadata.clone();
    }
    ctx.trigger("post-app-clone-setup", &[old.clone(), new.clone()]);
    if source.deployed && !flags.has("--skip-deploy") {
        if let Err(error) = scheduler::rebuild(ctx, &new) {
            ctx.out.fail(&error);
        }
    }
}

/// `apps:lock <app>` (`CommandLock`): creating the lock file again is fine.
fn lock(ctx: &mut Ctx<'_>, args: &[String]) {
    let Some(app) = verified_app(ctx, "apps:lock", args) else {
        return;
    };
    if let Some(state) = ctx.host.apps.get_mut(&app) {
        state.locked = true;
    }
    ctx.out.info1("Deploy lock created");
}

/// `apps:unlock <app>` (`CommandUnlock`).
fn unlock(ctx: &mut Ctx<'_>, args: &[String]) {
    let Some(app) = verified_app(ctx, "apps:unlock", args) else {
        return;
    };
    let was_locked = ctx.host.apps.get(&app).is_some_and(|a| a.locked);
    if !was_locked {
        // os.Remove of a missing lock file fails.
        ctx.out.fail("Unable to remove deploy lock");
        return;
    }
    ctx.out.warn("A deploy may be in progress.");
    ctx.out
        .warn("Removing the app lock will not stop in progress deploys.");
    if let Some(state) = ctx.host.apps.get_mut(&app) {
        state.locked = false;
    }
    ctx.out.info1("Deploy lock removed");
}

/// `apps:locked <app>` (`CommandLocked`): `LogQuiet`, so `--quiet`
/// silences the success line; the exit code is the answer.
fn locked(ctx: &mut Ctx<'_>, args: &[String]) {
    let Some(app) = verified_app(ctx, "apps:locked", args) else {
        return;
    };
    if ctx.host.apps.get(&app).is_some_and(|a| a.locked) {
        ctx.out.log_quiet("Deploy lock exists");
    } else {
        ctx.out.fail("Deploy lock does not exist");
    }
}

/// The properties `apps:set` knows (`plugins/apps/apps.go`
/// `DefaultProperties`), and which of them may be set with `--global`.
fn apps_properties(version: DokkuVersion) -> (&'static [&'static str], &'static [&'static str]) {
    const ALL: &[&str] = &[
        "deploy-source",
        "deploy-source-metadata",
        "disable-autocreation",
    ];
    if version >= V0_38_12 {
        // PR #8706: the vestigial global deploy-source forms are gone.
        (ALL, &["disable-autocreation"])
    } else {
        (ALL, ALL)
    }
}

/// `apps:set [--global] <app> <key> [<value>]` (`CommandPropertySet`).
fn set(ctx: &mut Ctx<'_>, args: &[String]) {
    let Some(flags) = ctx.parse_flags("apps:set", args, &["--global"], &[], &[]) else {
        return;
    };
    let (app, rest) = property_target(&flags);
    let property = rest.first().cloned().unwrap_or_default();
    let value = rest.get(1).cloned().unwrap_or_default();
    let version = ctx.host.version;
    // PR #8706 rejects the per-app form of the global-only property before
    // the generic property checks.
    if version >= V0_38_12 && app != "--global" && property == "disable-autocreation" {
        ctx.out.fail("Property can only be specified globally");
        return;
    }
    let (all, global) = apps_properties(version);
    if !property_set_checks(ctx, &app, &property, all, global) {
        return;
    }
    announce_property(&mut ctx.out, &property, &value);
    if app == "--global" {
        write_property(
            ctx.host.global_properties.entry("apps".into()).or_default(),
            &property,
            &value,
        );
        return;
    }
    let Some(state) = ctx.host.apps.get_mut(&app) else {
        return;
    };
    match property.as_str() {
        "deploy-source" => state.deploy_source = value,
        "deploy-source-metadata" => state.deploy_source_metadata = value,
        _ => write_property(
            state.properties.entry("apps".into()).or_default(),
            &property,
            &value,
        ),
    }
}

/// Parse a subcommand that takes only `<app>` and verify the app.
fn verified_app(ctx: &mut Ctx<'_>, subcommand: &str, args: &[String]) -> Option<String> {
    let flags = ctx.parse_flags(subcommand, args, &[], &[], &[])?;
    let app = flags.first();
    ctx.verify_app(&app).then_some(app)
}
