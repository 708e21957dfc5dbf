//! Plugin properties, as `plugins/common/properties.go` keeps and sets
//! them: `<plugin>:set [--global] <app> <key> [<value>]`
//! (`CommandPropertySet`), a property written per app or globally and
//! deleted when set to nothing.

use std::collections::BTreeMap;

use super::ctx::Ctx;
use super::flags::Flags;
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
