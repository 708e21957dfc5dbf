//! The builder plugins (simulated): `builder`, the `builder-*` plugins
//! (dockerfile, herokuish, lambda, nixpacks, pack, railpack) and
//! `buildpacks`: their `:report` and `:set`.
//!
//! Written from dokku/dokku v0.38.27 (`plugins/builder/report.go`,
//! `plugins/builder-*/report.go`, `plugins/buildpacks/report.go`: which
//! keys exist per app and `--global`, their defaults, the JSON key naming)
//! and the recorded output (captures-0.38.27-core.jsonl seq 171, 172,
//! 183-190, 212, 213; captures-0.38.27-surface.jsonl seq 94-147).

use crate::common::properties::{self, BashSet, Prop, PropertyPlugin};
use crate::common::report::{Collect, Fields, JsonKeys};
use crate::common::{Ctx, Outcome};
use crate::host::SimHost;

const BUILDER: PropertyPlugin = PropertyPlugin {
    plugin: "builder",
    report_type: "builder",
    json_keys: JsonKeys::StrippedAndLegacy,
    props: &[
        Prop::triple("build-dir", "").app_computed_only(),
        // What the last build detected (nothing before a build); settable.
        Prop::raw_only("detected"),
        Prop::triple("selected", "").app_computed_only(),
        Prop::triple("skip-cleanup", "false"),
    ],
};

/// One `builder-<name>` plugin: its one path property and default.
const fn builder(plugin: &'static str, props: &'static [Prop]) -> PropertyPlugin {
    PropertyPlugin {
        plugin,
        report_type: plugin,
        json_keys: JsonKeys::Stripped,
        props,
    }
}

const BUILDERS: &[PropertyPlugin] = &[
    builder(
        "builder-dockerfile",
        &[Prop::triple("dockerfile-path", "Dockerfile")],
    ),
    builder("builder-herokuish", &[Prop::triple("allowed", "true")]),
    builder(
        "builder-lambda",
        &[Prop::triple("lambdayml-path", "lambda.yml")],
    ),
    builder(
        "builder-nixpacks",
        &[Prop::triple("nixpackstoml-path", "nixpacks.toml")],
    ),
    builder(
        "builder-pack",
        &[Prop::triple("projecttoml-path", "project.toml")],
    ),
    builder(
        "builder-railpack",
        &[Prop::triple("railpackjson-path", "railpack.json")],
    ),
];

/// The `builder-*` plugins' bash `:set` (`plugins/builder-*/subcommands/
/// set`): the app verified first, one key each, `--global` allowed.
const fn bash_set(plugin: &'static str, keys: &'static [&'static str]) -> BashSet {
    BashSet {
        plugin,
        keys,
        keys_text: match keys.first() {
            Some(key) => key,
            None => "",
        },
        global_only: None,
        unset_writes_empty: &[],
    }
}

const BUILDER_SETS: &[BashSet] = &[
    bash_set("builder-dockerfile", &["dockerfile-path"]),
    bash_set("builder-herokuish", &["allowed"]),
    bash_set("builder-lambda", &["lambdayml-path"]),
    bash_set("builder-nixpacks", &["nixpackstoml-path"]),
    bash_set("builder-pack", &["projecttoml-path"]),
    bash_set("builder-railpack", &["railpackjson-path"]),
];

const BUILDPACKS: PropertyPlugin = PropertyPlugin {
    plugin: "buildpacks",
    report_type: "buildpacks",
    json_keys: JsonKeys::StrippedAndLegacy,
    props: &[Prop::triple("stack", "gliderlabs/herokuish:latest-24").app_computed_only()],
};

/// Run a builder subcommand; `None` if it is not one this module knows.
pub fn run(ctx: &mut Ctx<'_>, subcommand: &str, args: &[String]) -> Option<Outcome> {
    let (namespace, verb) = subcommand.split_once(':')?;
    let plugin = match namespace {
        "builder" => BUILDER,
        "buildpacks" => BUILDPACKS,
        // The aliases of the entry script (`dockerfile:report` …).
        other => *BUILDERS
            .iter()
            .find(|b| b.plugin == other || b.plugin.strip_prefix("builder-") == Some(other))?,
    };
    match verb {
        "report" => {
            let extra: Collect<'_> = match namespace {
                "buildpacks" => &buildpacks_extra,
                _ => &no_extra,
            };
            plugin.report(ctx, args, Some(extra));
        }
        "set" if namespace != "buildpacks" => {
            match BUILDER_SETS.iter().find(|set| set.plugin == plugin.plugin) {
                Some(set) => properties::bash_set(ctx, set, args),
                None => plugin.set(ctx, args),
            }
        }
        "set-property" if namespace == "buildpacks" => plugin.set(ctx, args),
        _ if namespace == "buildpacks" => {
            let result = match verb {
                "add" => buildpacks_add(ctx, args),
                "clear" => buildpacks_clear(ctx, args),
                "detect" => buildpacks_detect(ctx, args),
                "list" => buildpacks_list(ctx, args),
                "remove" => buildpacks_remove(ctx, args),
                "set" => buildpacks_set(ctx, args),
                _ => return None,
            };
            if let Err(Some(message)) = result {
                ctx.out.fail(&message);
            }
        }
        _ => return None,
    }
    Some(Outcome::Done(std::mem::take(&mut ctx.out)))
}

fn no_extra(_: &SimHost, _: Option<&str>, _: &str, _: Option<&str>) -> Fields {
    Fields::new()
}

/// `--buildpacks-list`: the app's buildpacks, comma-separated.
fn buildpacks_extra(host: &SimHost, app: Option<&str>, _: &str, _: Option<&str>) -> Fields {
    let mut fields = Fields::new();
    if let Some(app) = app {
        fields.insert(
            "--buildpacks-list".to_owned(),
            buildpacks(host, app).join(","),
        );
    }
    fields
}

// ---------------------------------------------------------------------------
// The buildpack list (`plugins/buildpacks/subcommands.go`, the property
// list `buildpacks` written through `common.PropertyList*`).

/// A failure to print (exit 1), or `None` when it was printed already.
type Failed = Option<String>;

/// The app's buildpacks, one a line.
fn buildpacks(host: &SimHost, app: &str) -> Vec<String> {
    host.app_property(app, "buildpacks", "buildpacks")
        .unwrap_or("")
        .split_whitespace()
        .map(str::to_owned)
        .collect()
}

fn save_buildpacks(host: &mut SimHost, app: &str, list: &[String]) {
    properties::store(host, "buildpacks", app, "buildpacks", &list.join("\n"));
}

/// `validBuildpackURL`: `<owner>/<name>` becomes the GitHub URL of
/// `heroku-buildpack-<name>` (`heroku-community` is `heroku`); a URL
/// `(http|https|git)(://|@)host[/:]owner/rest` is kept.
fn buildpack_url(buildpack: &str) -> Result<String, Failed> {
    if buildpack.is_empty() {
        return Err(Some("Must specify a buildpack url or reference".to_owned()));
    }
    let word = |s: &str| {
        !s.is_empty()
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    };
    if let Some((owner, name)) = buildpack.split_once('/') {
        if word(owner) && word(name) {
            let owner = if owner == "heroku-community" {
                "heroku"
            } else {
                owner
            };
            return Ok(format!(
                "https://github.com/{owner}/heroku-buildpack-{name}.git"
            ));
        }
    }
    let rest = ["https://", "http://", "git://", "https@", "http@", "git@"]
        .iter()
        .find_map(|prefix| buildpack.strip_prefix(prefix));
    let valid = rest.is_some_and(|rest| {
        let Some(at) = rest.find(['/', ':']) else {
            return false;
        };
        let (host, path) = (&rest[..at], &rest[at + 1..]);
        let Some((owner, repo)) = path.split_once('/') else {
            return false;
        };
        !host.is_empty() && !owner.is_empty() && !owner.contains(':') && !repo.is_empty()
    });
    if valid {
        Ok(buildpack.to_owned())
    } else {
        Err(Some(format!("Invalid buildpack specified: {buildpack}")))
    }
}

fn buildpacks_flags(
    ctx: &mut Ctx<'_>,
    set: &str,
    args: &[String],
    bools: &[&str],
) -> Result<(crate::common::Flags, usize), Failed> {
    let flags = ctx
        .parse_flags(set, args, bools, &["--index"], &[])
        .ok_or(None)?;
    let index = match flags.value("--index") {
        None => 0,
        Some(text) => text.parse::<usize>().map_err(|_| {
            Some(format!(
                "invalid argument \"{text}\" for \"--index\" flag: strconv.ParseInt: parsing \"{text}\": invalid syntax"
            ))
        })?,
    };
    Ok((flags, index))
}

/// `buildpacks:add [--index N] <app> <buildpack>` (`PropertyListAdd`:
/// inserted before the N-th, else appended).
fn buildpacks_add(ctx: &mut Ctx<'_>, args: &[String]) -> Result<(), Failed> {
    let (flags, index) = buildpacks_flags(ctx, "buildpacks:add", args, &[])?;
    let app = flags.first();
    if !ctx.verify_app(&app) {
        return Err(None);
    }
    let url = buildpack_url(flags.positional.get(1).map_or("", String::as_str))?;
    let current = buildpacks(ctx.host, &app);
    let mut list = Vec::new();
    for (i, line) in current.iter().enumerate() {
        if index != 0 && i == index - 1 {
            list.push(url.clone());
        }
        list.push(line.clone());
    }
    if index == 0 || index > current.len() {
        list.push(url);
    }
    save_buildpacks(ctx.host, &app, &list);
    Ok(())
}

/// `buildpacks:clear <app>`.
fn buildpacks_clear(ctx: &mut Ctx<'_>, args: &[String]) -> Result<(), Failed> {
    let (flags, _) = buildpacks_flags(ctx, "buildpacks:clear", args, &[])?;
    let app = flags.first();
    if !ctx.verify_app(&app) {
        return Err(None);
    }
    save_buildpacks(ctx.host, &app, &[]);
    Ok(())
}

/// `buildpacks:detect <app>`: the app's bare repository is checked out
/// first, which fails before anything was pushed; detection itself runs
/// herokuish in a container, which the simulator does not.
fn buildpacks_detect(ctx: &mut Ctx<'_>, args: &[String]) -> Result<(), Failed> {
    let flags = ctx
        .parse_flags("buildpacks:detect", args, &[], &["--branch"], &[])
        .ok_or(None)?;
    let app = flags.first();
    if !ctx.verify_app(&app) {
        return Err(None);
    }
    let pushed = ctx
        .host
        .apps
        .get(&app)
        .is_some_and(|a| a.deployed && super::git::from_git(&a.deploy_source));
    if !pushed {
        return Err(Some(
            "Unable to checkout bare git repository: fatal: You are on a branch yet to be born"
                .to_owned(),
        ));
    }
    Ok(())
}

/// `buildpacks:list <app>`.
fn buildpacks_list(ctx: &mut Ctx<'_>, args: &[String]) -> Result<(), Failed> {
    let (flags, _) = buildpacks_flags(ctx, "buildpacks:list", args, &[])?;
    let app = flags.first();
    if !ctx.verify_app(&app) {
        return Err(None);
    }
    ctx.out.info1_quiet(&format!("{app} buildpack urls"));
    for buildpack in buildpacks(ctx.host, &app) {
        ctx.out.verbose(&buildpack);
    }
    Ok(())
}

/// `buildpacks:remove [--index N] <app> [<buildpack>]`: every entry equal
/// to it removed.
fn buildpacks_remove(ctx: &mut Ctx<'_>, args: &[String]) -> Result<(), Failed> {
    let (flags, index) = buildpacks_flags(ctx, "buildpacks:remove", args, &[])?;
    let app = flags.first();
    if !ctx.verify_app(&app) {
        return Err(None);
    }
    let given = flags.positional.get(1).cloned().unwrap_or_default();
    if index != 0 && !given.is_empty() {
        return Err(Some(
            "Please choose either index or Buildpack, but not both".to_owned(),
        ));
    }
    if index == 0 && given.is_empty() {
        return Err(Some(
            "Must specify a buildpack to remove, either by index or URL".to_owned(),
        ));
    }
    let url = if index == 0 {
        buildpack_url(&given)?
    } else {
        given
    };
    let list = buildpacks(ctx.host, &app);
    if list.is_empty() {
        return Err(Some(format!(
            "No buildpacks were found, next release on {app} will detect buildpack normally"
        )));
    }
    let buildpack = if index != 0 {
        list.get(index - 1)
            .cloned()
            .ok_or_else(|| Some("Index not found".to_owned()))?
    } else if list.contains(&url) {
        url
    } else {
        return Err(Some("Value not found".to_owned()));
    };
    ctx.out.info1_quiet(&format!("Removing {buildpack}"));
    let kept: Vec<String> = list.into_iter().filter(|b| *b != buildpack).collect();
    save_buildpacks(ctx.host, &app, &kept);
    Ok(())
}

/// `buildpacks:set [--index N] [--replace] <app> <buildpack>…`
/// (`PropertyListSet`: the N-th replaced, appended past the end).
fn buildpacks_set(ctx: &mut Ctx<'_>, args: &[String]) -> Result<(), Failed> {
    let (flags, index) = buildpacks_flags(ctx, "buildpacks:set", args, &["--replace"])?;
    let app = flags.first();
    if !ctx.verify_app(&app) {
        return Err(None);
    }
    let given: Vec<String> = flags.positional.iter().skip(1).cloned().collect();
    if flags.has("--replace") {
        if index != 0 {
            return Err(Some(
                "The --index flag cannot be used with --replace".to_owned(),
            ));
        }
        if given.is_empty() {
            return Err(Some("Must specify at least one buildpack, use buildpacks:clear to remove all buildpacks".to_owned()));
        }
        let urls = given
            .iter()
            .map(|b| buildpack_url(b))
            .collect::<Result<Vec<_>, _>>()?;
        save_buildpacks(ctx.host, &app, &urls);
        return Ok(());
    }
    if given.len() > 1 {
        return Err(Some(
            "Setting multiple buildpacks requires the --replace flag".to_owned(),
        ));
    }
    let Some(first) = given.first() else {
        return Err(Some("Must specify a buildpack".to_owned()));
    };
    let url = buildpack_url(first)?;
    let index = index.saturating_sub(1);
    let mut list = buildpacks(ctx.host, &app);
    match list.get_mut(index) {
        Some(slot) => *slot = url,
        None => list.push(url),
    }
    save_buildpacks(ctx.host, &app, &list);
    Ok(())
}
