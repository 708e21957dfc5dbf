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
//! The app-name checks and the `:report` settings per version
//! (`run_report`, over the shared engine in `go_report`) live here and are
//! shared with `ps`, because both plugins go through the same `common`
//! functions in Dokku.

use dokku_core::DokkuVersion;

use super::go_report::{self, Collect, GoReport};
use super::{Ctx, Flags, Outcome};
use crate::host::{App, SimHost};
use crate::out::Out;
use crate::report::{self, Fields, JsonKeys};

/// `--global` is a report scope (PR #8527, shipped in 0.38.0); before, it
/// is just another (invalid) info flag.
const V0_38_0: DokkuVersion = DokkuVersion::new(0, 38, 0);
/// `ReportSingleAppInput` (PR #8691): JSON keys emitted both stripped and
/// with the legacy `<type>-` prefix, and `--format` values validated.
pub(crate) const V0_38_8: DokkuVersion = DokkuVersion::new(0, 38, 8);
/// `apps:report` gains `--app-global-disable-autocreation` and `apps:set`
/// narrows its global properties (PR #8706).
pub(crate) const V0_38_12: DokkuVersion = DokkuVersion::new(0, 38, 12);
/// `apps:list`, `ps:scale` and `plugin:list` accept `--format` (PRs #8795,
/// #8796, #8801).
pub(crate) const V0_38_22: DokkuVersion = DokkuVersion::new(0, 38, 22);

/// `common.NoAppsExist`.
pub(crate) const NO_APPS: &str = "You haven't deployed any applications yet";
/// `IsValidAppName`'s complaint.
pub(crate) const INVALID_NAME: &str = "App name must begin with lowercase alphanumeric character, and cannot include uppercase characters, colons, or underscores";
/// `IsValidAppName` on an empty name.
pub(crate) const NO_APP: &str = "Please specify an app to run the command on";

/// Run an `apps` subcommand; `None` if it is not one this module knows.
pub fn run(ctx: &mut Ctx<'_>, subcommand: &str, args: &[String]) -> Option<Outcome> {
    match subcommand {
        "apps:list" => list(ctx, args),
        "apps:exists" => exists(ctx, args),
        "apps:create" => create(ctx, args),
        "apps:destroy" => destroy(ctx, args),
        "apps:rename" => rename(ctx, args),
        "apps:clone" => clone(ctx, args),
        "apps:lock" => lock(ctx, args),
        "apps:unlock" => unlock(ctx, args),
        "apps:locked" => locked(ctx, args),
        "apps:report" => run_report(ctx, "apps", "app", report_fields, args),
        "apps:set" => set(ctx, args),
        _ => return None,
    }
    Some(Outcome::Done(std::mem::take(&mut ctx.out)))
}

// ---------------------------------------------------------------------------
// App names (plugins/common/common.go)

/// `IsValidAppName` (`^[a-z0-9][^/:_A-Z]*$`) or, with `legacy`,
/// `isValidAppNameOld` (`^[a-z0-9][^/:A-Z]*$`, underscores allowed).
pub(crate) fn name_matches(name: &str, legacy: bool) -> bool {
    let mut chars = name.chars();
    match chars.next() {
        Some(c) if c.is_ascii_lowercase() || c.is_ascii_digit() => {}
        _ => return false,
    }
    // A negated class in Go's RE2 matches any other rune, newlines and
    // non-ASCII included.
    chars.all(|c| !(c == '/' || c == ':' || c.is_ascii_uppercase() || (!legacy && c == '_')))
}

/// `common.IsValidAppName`: the rule for new names. Prints the failure.
pub(crate) fn check_new_name(out: &mut Out, name: &str) -> bool {
    if name.is_empty() {
        out.fail(NO_APP);
        false
    } else if !name_matches(name, false) {
        out.fail(INVALID_NAME);
        false
    } else {
        true
    }
}

/// `common.DokkuApps`: the app directories in `ReadDir` order (sorted by
/// name), without dot-directories and names starting with an upper-case
/// letter.
pub(crate) fn dokku_apps(host: &SimHost) -> Vec<String> {
    host.apps
        .keys()
        .filter(|name| {
            !name.starts_with('.') && !name.chars().next().is_some_and(char::is_uppercase)
        })
        .cloned()
        .collect()
}

// ---------------------------------------------------------------------------
// `:report` (common.ParseReportArgs + ReportSingleApp)

/// `<plugin>:report` of a plugin that is Go in every simulated version
/// (apps, ps): the shared engine with `common`'s behaviour for the host's
/// version. `plugin` names the subcommand, `report_type` heads the report
/// (`app` for apps).
pub(crate) fn run_report(
    ctx: &mut Ctx<'_>,
    plugin: &'static str,
    report_type: &'static str,
    collect: Collect,
    args: &[String],
) {
    let version = ctx.host.version;
    let spec = GoReport {
        plugin,
        report_type,
        global_scope: version >= V0_38_0,
        validate_format: version >= V0_38_8,
        json_keys: if version >= V0_38_8 {
            JsonKeys::StrippedAndLegacy
        } else {
            JsonKeys::Flag
        },
        // `errors.Is(err, common.NoAppsExist)`: a warning, exit 0.
        no_apps_fails: false,
        empty_app_means_all: false,
        dokku_apps: true,
        collect,
    };
    go_report::run(ctx, &spec, args);
}

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

/// `apps:list [--format stdout|json]` (`CommandList`).
fn list(ctx: &mut Ctx<'_>, args: &[String]) {
    let values: &[&str] = if ctx.host.version >= V0_38_22 {
        &["--format"]
    } else {
        &[]
    };
    let Some(flags) = Flags::parse(&mut ctx.out, "apps:list", args, &[], values, &[]) else {
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
    let Some(flags) = Flags::parse(&mut ctx.out, "apps:exists", args, &[], &[], &[]) else {
        return;
    };
    let app = first(&flags);
    ctx.verify_app(&app);
}

/// `apps:create <app>` (`CommandCreate` → `createApp`).
fn create(ctx: &mut Ctx<'_>, args: &[String]) {
    let Some(flags) = Flags::parse(&mut ctx.out, "apps:create", args, &[], &[], &[]) else {
        return;
    };
    let app = first(&flags);
    create_app(ctx, &app);
}

/// `createApp`: validate, refuse a taken name, print `Creating`, and run
/// the `post-create` triggers. Returns whether the app was created.
fn create_app(ctx: &mut Ctx<'_>, name: &str) -> bool {
    if !check_new_name(&mut ctx.out, name) {
        return false;
    }
    if ctx.host.apps.contains_key(name) {
        ctx.out.fail("Name is already taken");
        return false;
    }
    ctx.out.info1_quiet(&format!("Creating {name}..."));
    let created_at = ctx.host.tick(1);
    // domains' post-create (`domains:setup`): with global domains, the app
    // gets `<app>.<global domain>` and vhosts enabled.
    let domains: Vec<String> = ctx
        .host
        .global_domains
        .iter()
        .map(|domain| format!("{name}.{domain}"))
        .collect();
    let app = App {
        created_at,
        // DOKKU_APP_RESTORE unset reads as "restore".
        restore: true,
        vhost_enabled: !domains.is_empty(),
        domains,
        ..App::default()
    };
    ctx.host.apps.insert(name.to_owned(), app);
    true
}

/// `apps:destroy [--force] <app>` (`CommandDestroy` → `destroyApp`).
fn destroy(ctx: &mut Ctx<'_>, args: &[String]) {
    let Some(flags) = Flags::parse(&mut ctx.out, "apps:destroy", args, &["--force"], &[], &[])
    else {
        return;
    };
    let app = first(&flags);
    if !ctx.verify_app(&app) {
        return;
    }
    // `--force` here or before the subcommand: DOKKU_APPS_FORCE_DELETE=1.
    let forced = flags.has("--force") || ctx.force;
    if !forced && !confirm_destruction(ctx, &app) {
        return;
    }
    destroy_app(ctx, &app);
}

/// `common.AskForDestructiveConfirmation(app, "app")`: the warnings, a
/// `> ` prompt without newline, and one token read with `fmt.Scanln`.
fn confirm_destruction(ctx: &mut Ctx<'_>, app: &str) -> bool {
    ctx.out.warn("WARNING: Potentially Destructive Action");
    ctx.out
        .warn(&format!("This command will destroy app {app}."));
    ctx.out.warn(&format!("To proceed, type \"{app}\""));
    ctx.out.print("> ");
    match scanln(ctx.stdin) {
        Ok(answer) if answer == app => true,
        Ok(_) => {
            // LogStderr (no prefix) and os.Exit(1); "test" is in Dokku's text.
            ctx.out
                .stderr_plain("Confirmation did not match test. Aborted.");
            ctx.out.code = 1;
            false
        }
        Err(error) => {
            ctx.out.fail(error);
            false
        }
    }
}

/// Go's `fmt.Scanln(&s)` over stdin: skip blanks, read one token, then
/// demand the end of the line. The errors are Go's texts.
fn scanln(input: &[u8]) -> Result<String, &'static str> {
    // fmt's isSpace table.
    fn is_space(c: char) -> bool {
        matches!(
            c,
            '\t'..='\r'
                | ' '
                | '\u{85}'
                | '\u{a0}'
                | '\u{1680}'
                | '\u{2000}'..='\u{200a}'
                | '\u{2028}'
                | '\u{2029}'
                | '\u{202f}'
                | '\u{205f}'
                | '\u{3000}'
        )
    }
    let text = String::from_utf8_lossy(input);
    let mut chars = text.chars().peekable();
    // SkipSpace: a newline before the token is an error (Scanln), EOF is
    // io.EOF.
    loop {
        match chars.peek() {
            None => return Err("EOF"),
            Some('\n') => return Err("unexpected newline"),
            Some(&c) if is_space(c) => {
                chars.next();
            }
            Some(_) => break,
        }
    }
    let mut token = String::new();
    while let Some(&c) = chars.peek() {
        if is_space(c) {
            break;
        }
        token.push(c);
        chars.next();
    }
    // nlIsEnd: only blanks may follow before the newline or EOF.
    for c in chars {
        if c == '\n' {
            break;
        }
        if !is_space(c) {
            return Err("expected newline");
        }
    }
    Ok(token)
}

/// `destroyApp` after confirmation: the message, then the app and what
/// refers to it are gone.
fn destroy_app(ctx: &mut Ctx<'_>, app: &str) {
    ctx.out
        .info1(&format!("Destroying {app} (including all add-ons)"));
    ctx.host.apps.remove(app);
    for service in ctx.host.services.values_mut() {
        service.links.retain(|linked| linked != app);
    }
}

/// The two positional names of rename and clone, with their checks
/// (`CommandRename` / `CommandClone`, before the taken-name check).
fn old_and_new(ctx: &mut Ctx<'_>, flags: &Flags) -> Option<(String, String)> {
    let old = first(flags);
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
    if !ctx.verify_app(&old) || !check_new_name(&mut ctx.out, &new) {
        return None;
    }
    Some((old, new))
}

/// `apps:rename [--skip-deploy] <old> <new>` (`CommandRename`): create the
/// new app, move the state over (`post-app-rename-setup`), destroy the old
/// one (forced), rebuild unless `--skip-deploy` (`post-app-rename`).
fn rename(ctx: &mut Ctx<'_>, args: &[String]) {
    let Some(flags) = Flags::parse(
        &mut ctx.out,
        "apps:rename",
        args,
        &["--skip-deploy"],
        &[],
        &[],
    ) else {
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
    let global_domains = ctx.host.global_domains.clone();
    let was_deployed = source.deployed;
    let skip = flags.has("--skip-deploy");
    if let Some(target) = ctx.host.apps.get_mut(&new) {
        let created_at = target.created_at;
        *target = App {
            // The lock file lives in the old app directory: it does not
            // move; the containers are removed with the old app (the
            // `deployed` property moves with the others).
            locked: false,
            containers: Vec::new(),
            // Domains derived from the old name follow the new one.
            domains: source
                .domains
                .iter()
                .map(|domain| rename_domain(domain, &old, &new, &global_domains))
                .collect(),
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
    destroy_app(ctx, &old);
    if was_deployed && !skip {
        if let Err(error) = super::ps::rebuild(ctx, &new) {
            ctx.out.fail(&error);
        }
    }
}

/// `<old>.<global domain>` becomes `<new>.<global domain>`; other domains
/// stay.
fn rename_domain(domain: &str, old: &str, new: &str, global_domains: &[String]) -> String {
    for global in global_domains {
        if domain == format!("{old}.{global}") {
            return format!("{new}.{global}");
        }
    }
    domain.to_owned()
}

/// `apps:clone [--skip-deploy] [--ignore-existing] <old> <new>`
/// (`CommandClone`): a new app with a copy of the old one's settings,
/// rebuilt unless `--skip-deploy` (`post-app-clone`).
fn clone(ctx: &mut Ctx<'_>, args: &[String]) {
    let Some(flags) = Flags::parse(
        &mut ctx.out,
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
        // post-app-clone-setup: config, properties, process settings and
        // the deploy source are copied; containers, lock and history are
        // the new app's own.
        target.config = source.config.clone();
        target.properties = source.properties.clone();
        target.extra = source.extra.clone();
        target.procfile = source.procfile.clone();
        target.scale = source.scale.clone();
        target.formation_in_app_json = source.formation_in_app_json;
        target.deploy_source = source.deploy_source.clone();
        target.deploy_source_metadata = source.deploy_source_metadata.clone();
    }
    if source.deployed && !flags.has("--skip-deploy") {
        if let Err(error) = super::ps::rebuild(ctx, &new) {
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
    let Some(flags) = Flags::parse(&mut ctx.out, "apps:set", args, &["--global"], &[], &[]) else {
        return;
    };
    let (app, rest) = property_target(&flags);
    let property = rest.first().cloned().unwrap_or_default();
    let value = rest.get(1).cloned().unwrap_or_default();
    let version = ctx.host.version;
    // PR #8706 rejects the per-app form of the global-only property before
    // the generic property checks.
    if version >= V0_38_12 && app != "--global" && property == "disable-autocreation" {
        ctx.out
            .fail("The key 'disable-autocreation' can only be set globally");
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

/// For `<plugin>:set`: with `--global`, the app is `--global` and every
/// positional is the property and value; without, the first positional is
/// the app.
pub(crate) fn property_target(flags: &Flags) -> (String, Vec<String>) {
    if flags.has("--global") {
        ("--global".to_owned(), flags.positional.clone())
    } else {
        let app = first(flags);
        (app, flags.positional.iter().skip(1).cloned().collect())
    }
}

/// `common.CommandPropertySet`'s checks, in its order: the app (exit 20 or
/// 1), a global-only check, an empty property, an unknown property.
pub(crate) fn property_set_checks(
    ctx: &mut Ctx<'_>,
    app: &str,
    property: &str,
    all: &[&str],
    global: &[&str],
) -> bool {
    if app != "--global" && !ctx.verify_app(app) {
        return false;
    }
    if app == "--global" && !global.contains(&property) {
        ctx.out.fail("Property cannot be specified globally");
        return false;
    }
    if property.is_empty() {
        ctx.out.fail("No property specified");
        return false;
    }
    if !all.contains(&property) {
        let mut valid = all.to_vec();
        valid.sort_unstable();
        ctx.out.fail(&format!(
            "Invalid property specified, valid properties include: {}",
            valid.join(", ")
        ));
        return false;
    }
    true
}

/// `CommandPropertySet`'s message: `Setting <k> to <v>` or `Unsetting <k>`.
pub(crate) fn announce_property(out: &mut Out, property: &str, value: &str) {
    if value.is_empty() {
        out.info2_quiet(&format!("Unsetting {property}"));
    } else {
        out.info2_quiet(&format!("Setting {property} to {value}"));
    }
}

/// `PropertyWrite` or, for an empty value, `PropertyDelete`.
pub(crate) fn write_property(
    store: &mut std::collections::BTreeMap<String, String>,
    property: &str,
    value: &str,
) {
    if value.is_empty() {
        store.remove(property);
    } else {
        store.insert(property.to_owned(), value.to_owned());
    }
}

/// pflag's `args.Arg(0)`: the first positional, or empty.
pub(crate) fn first(flags: &Flags) -> String {
    flags.positional.first().cloned().unwrap_or_default()
}

/// Parse a subcommand that takes only `<app>` and verify the app.
fn verified_app(ctx: &mut Ctx<'_>, subcommand: &str, args: &[String]) -> Option<String> {
    let flags = Flags::parse(&mut ctx.out, subcommand, args, &[], &[], &[])?;
    let app = first(&flags);
    ctx.verify_app(&app).then_some(app)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_rules() {
        assert!(name_matches("node-js-app", false));
        assert!(name_matches("my.dotted.app", false));
        assert!(!name_matches("Node_App", false));
        assert!(!name_matches("-app", false));
        assert!(!name_matches("a_b", false));
        assert!(name_matches("a_b", true));
        assert!(!name_matches("a:b", true));
        assert!(!name_matches("", true));
    }

    #[test]
    fn scanln_like_go() {
        assert_eq!(scanln(b"app\n"), Ok("app".to_owned()));
        assert_eq!(scanln(b"  app  \r\n"), Ok("app".to_owned()));
        assert_eq!(scanln(b"app"), Ok("app".to_owned()));
        assert_eq!(scanln(b""), Err("EOF"));
        assert_eq!(scanln(b"\n"), Err("unexpected newline"));
        assert_eq!(scanln(b"a b\n"), Err("expected newline"));
    }
}
