//! Plugin properties, as `plugins/common/properties.go` keeps and sets
//! them: `<plugin>:set [--global] <app> <key> [<value>]`
//! (`CommandPropertySet`), a property written per app or globally and
//! deleted when set to nothing.

use std::collections::BTreeMap;

use super::ctx::Ctx;
use super::flags::Flags;
use super::report::{self, Collect, Fields, GoReport, JsonKeys};
use crate::host::SimHost;
use crate::out::Out;

/// For `<plugin>:set`: with `--global`, the app is `--global` and every
/// positional is the property and value; without, the first positional is
/// the app.
pub fn property_target(flags: &Flags) -> (String, Vec<String>) {
    if flags.has("--global") {
        ("--global".to_owned(), flags.positional.clone())
    } else {
        let app = flags.first();
        (app, flags.positional.iter().skip(1).cloned().collect())
    }
}

/// `common.CommandPropertySet`'s checks, in its order: the app (exit 20 or
/// 1), a global-only check, an empty property, an unknown property.
pub fn property_set_checks(
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
pub fn announce_property(out: &mut Out, property: &str, value: &str) {
    if value.is_empty() {
        out.info2_quiet(&format!("Unsetting {property}"));
    } else {
        out.info2_quiet(&format!("Setting {property} to {value}"));
    }
}

/// `PropertyWrite` or, for an empty value, `PropertyDelete`.
pub fn write_property(store: &mut BTreeMap<String, String>, property: &str, value: &str) {
    if value.is_empty() {
        store.remove(property);
    } else {
        store.insert(property.to_owned(), value.to_owned());
    }
}

/// How one property shows in a plugin's `:report` (the `report.go` flag
/// maps of Dokku's Go plugins and `fn-plugin-property-*` of the bash
/// ones): its raw value per app, the global value, and the computed one
/// (the app's, else the global, else the default).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Prop {
    /// The property (`client-max-body-size`).
    pub key: &'static str,
    /// The computed value when neither the app nor the host sets one;
    /// `{app}` stands for the app (`--global` in the global report).
    pub default: &'static str,
    /// `--<type>-<key>`: the app's raw value (app reports only).
    pub raw: bool,
    /// `--<type>-global-<key>`: the global value.
    pub global: bool,
    /// `--<type>-computed-<key>` in app reports.
    pub computed: bool,
    /// `--<type>-computed-<key>` in the `--global` report too (the global
    /// value, else the default).
    pub computed_in_global: bool,
}

impl Prop {
    /// The usual triple, all three in app reports, global and computed in
    /// the global one.
    pub const fn triple(key: &'static str, default: &'static str) -> Self {
        Self {
            key,
            default,
            raw: true,
            global: true,
            computed: true,
            computed_in_global: true,
        }
    }

    /// A property without a global value: raw and computed, app reports
    /// only.
    pub const fn app(key: &'static str, default: &'static str) -> Self {
        Self {
            key,
            default,
            raw: true,
            global: false,
            computed: true,
            computed_in_global: false,
        }
    }

    /// Only the raw app value.
    pub const fn raw_only(key: &'static str) -> Self {
        Self {
            key,
            default: "",
            raw: true,
            global: false,
            computed: false,
            computed_in_global: false,
        }
    }

    /// Without the computed value in the global report.
    pub const fn app_computed_only(mut self) -> Self {
        self.computed_in_global = false;
        self
    }

    /// Without the raw app value (a global-only property).
    pub const fn global_only(mut self) -> Self {
        self.raw = false;
        self
    }
}

/// The raw value of `plugin`'s `key` for `app` (`PropertyGet`), empty when
/// unset.
pub fn app_value(host: &SimHost, plugin: &str, app: &str, key: &str) -> String {
    host.app_property(app, plugin, key).unwrap_or("").to_owned()
}

/// The global value of `plugin`'s `key`, empty when unset.
pub fn global_value(host: &SimHost, plugin: &str, key: &str) -> String {
    host.global_property(plugin, key).unwrap_or("").to_owned()
}

/// The first non-empty of the values, else empty.
pub fn first_set<'a>(values: impl IntoIterator<Item = &'a str>) -> String {
    values
        .into_iter()
        .find(|v| !v.is_empty())
        .unwrap_or("")
        .to_owned()
}

/// The computed value of a property: the app's, else the global one,
/// else the default (with `{app}` replaced).
pub fn computed_value(host: &SimHost, plugin: &str, app: Option<&str>, prop: &Prop) -> String {
    // A global-only property's app value (a bash `:set` writes one) is
    // not read.
    let raw = app
        .filter(|_| prop.raw)
        .map(|a| app_value(host, plugin, a, prop.key));
    let global = if prop.global {
        global_value(host, plugin, prop.key)
    } else {
        String::new()
    };
    let default = prop.default.replace("{app}", app.unwrap_or("--global"));
    first_set([raw.as_deref().unwrap_or(""), &global, &default])
}

/// The report fields of `props` for `app` (`None`: the `--global`
/// report), flags named `--<report_type>-…`, values from `plugin`'s
/// properties.
pub fn report_fields(
    host: &SimHost,
    plugin: &str,
    report_type: &str,
    props: &[Prop],
    app: Option<&str>,
) -> Fields {
    let mut fields = Fields::new();
    for prop in props {
        let key = prop.key;
        if prop.raw {
            if let Some(name) = app {
                fields.insert(
                    format!("--{report_type}-{key}"),
                    app_value(host, plugin, name, key),
                );
            }
        }
        if prop.global {
            fields.insert(
                format!("--{report_type}-global-{key}"),
                global_value(host, plugin, key),
            );
        }
        let computed = match app {
            Some(_) => prop.computed,
            None => prop.computed_in_global,
        };
        if computed {
            fields.insert(
                format!("--{report_type}-computed-{key}"),
                computed_value(host, plugin, app, prop),
            );
        }
    }
    fields
}

/// One field of an app's report read straight from a property (`flag` ←
/// `plugin`'s `key`, `default` when unset); nothing for `--global`.
pub fn app_field(
    host: &SimHost,
    app: Option<&str>,
    flag: &str,
    plugin: &str,
    key: &str,
    default: &str,
) -> Fields {
    let mut fields = Fields::new();
    if let Some(app) = app {
        let value = host.app_property(app, plugin, key).unwrap_or(default);
        fields.insert(flag.to_owned(), value.to_owned());
    }
    fields
}

/// Write (or, for an empty value, delete) `plugin`'s `key` for `app` or,
/// for `--global`, globally.
pub fn store(host: &mut SimHost, plugin: &str, app: &str, key: &str, value: &str) {
    let map = if app == "--global" {
        host.global_properties.entry(plugin.to_owned()).or_default()
    } else {
        match host.apps.get_mut(app) {
            Some(a) => a.properties.entry(plugin.to_owned()).or_default(),
            None => return,
        }
    };
    write_property(map, key, value);
}

/// `<plugin>:set [--global] <app> <key> [<value>]` of a Go plugin
/// (`CommandPropertySet`): `all` are the valid properties (the global ones
/// count too), `global` those settable with `--global`.
pub fn command_set(
    ctx: &mut Ctx<'_>,
    subcommand: &str,
    plugin: &str,
    args: &[String],
    all: &[&str],
    global: &[&str],
) {
    let Some(flags) = ctx.parse_flags(subcommand, args, &["--global"], &[], &[]) else {
        return;
    };
    let (app, rest) = property_target(&flags);
    let property = rest.first().cloned().unwrap_or_default();
    let value = rest.get(1).cloned().unwrap_or_default();
    let mut valid: Vec<&str> = all.to_vec();
    for key in global {
        if !valid.contains(key) {
            valid.push(key);
        }
    }
    if !property_set_checks(ctx, &app, &property, &valid, global) {
        return;
    }
    announce_property(&mut ctx.out, &property, &value);
    store(ctx.host, plugin, &app, &property, &value);
}

/// A plugin whose report is its properties (most of Dokku's Go plugins):
/// `<plugin>:report` and `<plugin>:set` from one table.
#[derive(Debug, Clone, Copy)]
pub struct PropertyPlugin {
    /// The subcommand namespace and the properties' plugin (`builder`).
    pub plugin: &'static str,
    /// The report type: flags are `--<type>-…`.
    pub report_type: &'static str,
    /// How JSON keys are named.
    pub json_keys: JsonKeys,
    /// The properties.
    pub props: &'static [Prop],
}

impl PropertyPlugin {
    /// The report fields of `app` (`None`: `--global`).
    pub fn fields(&self, host: &SimHost, app: Option<&str>) -> Fields {
        report_fields(host, self.plugin, self.report_type, self.props, app)
    }

    /// `<plugin>:report`, with `extra` fields beside the properties.
    pub fn report(&self, ctx: &mut Ctx<'_>, args: &[String], extra: Option<Collect<'_>>) {
        let collect = |host: &SimHost, app: Option<&str>, format: &str, flag: Option<&str>| {
            let mut fields = self.fields(host, app);
            if let Some(extra) = extra {
                fields.extend(extra(host, app, format, flag));
            }
            fields
        };
        let spec = GoReport::current(self.plugin, self.report_type, self.json_keys, &collect);
        report::run(ctx, &spec, args);
    }

    /// `<plugin>:set` over the table: properties with an app value may be
    /// set per app, those with a global value with `--global`.
    pub fn set(&self, ctx: &mut Ctx<'_>, args: &[String]) {
        let all: Vec<&str> = self
            .props
            .iter()
            .filter(|p| p.raw || p.global)
            .map(|p| p.key)
            .collect();
        let global: Vec<&str> = self
            .props
            .iter()
            .filter(|p| p.global)
            .map(|p| p.key)
            .collect();
        let subcommand = format!("{}:set", self.plugin);
        command_set(ctx, &subcommand, self.plugin, args, &all, &global);
    }
}

/// How a bash plugin's `cmd-<plugin>-set <app>|--global <key> [<value>]`
/// (`subcommands/set`) checks its arguments and writes the property
/// (`fn-plugin-property-write`, or `fn-plugin-property-delete` for an
/// empty value).
#[derive(Debug, Clone, Copy)]
pub struct BashSet {
    /// The properties' plugin.
    pub plugin: &'static str,
    /// `VALID_KEYS`.
    pub keys: &'static [&'static str],
    /// The key list as the plugin's failure message spells it.
    pub keys_text: &'static str,
    /// `None`: `[[ "$APP" == "--global" ]] || verify_app_name "$APP"`
    /// before anything, and every key may be set per app or globally.
    /// `Some(global_only)`, the proxy plugins: the key is checked first,
    /// the app is never verified (every key is in `GLOBAL_KEYS`), and the
    /// keys listed may only be set with `--global`.
    pub global_only: Option<&'static [&'static str]>,
    /// Keys whose unset writes an empty value instead of deleting it
    /// (`rev-env-var` in git and checks).
    pub unset_writes_empty: &'static [&'static str],
}

/// A bash plugin's `:set`.
pub fn bash_set(ctx: &mut Ctx<'_>, spec: &BashSet, args: &[String]) {
    let app = args.first().map(String::as_str).unwrap_or("");
    let key = args.get(1).map(String::as_str).unwrap_or("");
    let value = args.get(2).map(String::as_str).unwrap_or("");
    if spec.global_only.is_none() && app != "--global" && !ctx.verify_app_bash(app) {
        return;
    }
    if key.is_empty() {
        ctx.out.fail("No key specified");
        return;
    }
    if !spec.keys.contains(&key) {
        ctx.out.fail(&format!(
            "Invalid key specified, valid keys include: {}",
            spec.keys_text
        ));
        return;
    }
    if spec.global_only.is_some_and(|keys| keys.contains(&key)) && app != "--global" {
        ctx.out
            .fail(&format!("The key '{key}' can only be set globally"));
        return;
    }
    announce_property(&mut ctx.out, key, value);
    if value.is_empty() && spec.unset_writes_empty.contains(&key) {
        let map = if app == "--global" {
            Some(
                ctx.host
                    .global_properties
                    .entry(spec.plugin.to_owned())
                    .or_default(),
            )
        } else {
            ctx.host
                .apps
                .get_mut(app)
                .map(|a| a.properties.entry(spec.plugin.to_owned()).or_default())
        };
        if let Some(map) = map {
            map.insert(key.to_owned(), String::new());
        }
        return;
    }
    store(ctx.host, spec.plugin, app, key, value);
}
