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
        "set" => match BUILDER_SETS.iter().find(|set| set.plugin == plugin.plugin) {
            Some(set) => properties::bash_set(ctx, set, args),
            None => plugin.set(ctx, args),
        },
        "set-property" if namespace == "buildpacks" => plugin.set(ctx, args),
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
        let list = host
            .app_property(app, "buildpacks", "buildpacks")
            .unwrap_or("")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(",");
        fields.insert("--buildpacks-list".to_owned(), list);
    }
    fields
}
