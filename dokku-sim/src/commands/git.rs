//! The `git` plugin (simulated): `git:report` and `git:set`.
//!
//! Written from dokku/dokku v0.38.27 `plugins/git/report.go` (the archive
//! limits are global only; `--git-sha` is `git rev-parse HEAD` in the
//! app's repository, literally `HEAD` before the first push;
//! `--git-rev-env-var` defaults to `GIT_REV`) and the recorded output
//! (captures-0.38.27-core.jsonl seq 169, 170, 211).

use crate::common::properties::{self, BashSet, Prop, PropertyPlugin};
use crate::common::report::{Fields, JsonKeys};
use crate::common::{Ctx, Outcome};
use crate::host::SimHost;

const PLUGIN: PropertyPlugin = PropertyPlugin {
    plugin: "git",
    report_type: "git",
    json_keys: JsonKeys::Stripped,
    props: &[
        Prop::triple("archive-max-files", "10000").global_only(),
        Prop::triple("archive-max-size", "1073741824").global_only(),
        Prop::triple("deploy-branch", "master"),
        Prop::triple("keep-git-dir", "false"),
        Prop::raw_only("source-image"),
    ],
};

/// `subcommands/set`: bash, the app verified first; unsetting
/// `rev-env-var` writes it empty.
const SET: BashSet = BashSet {
    plugin: "git",
    keys: &[
        "archive-max-files",
        "archive-max-size",
        "deploy-branch",
        "keep-git-dir",
        "rev-env-var",
        "source-image",
    ],
    keys_text: "archive-max-files, archive-max-size, deploy-branch, keep-git-dir, rev-env-var, source-image",
    global_only: None,
    unset_writes_empty: &["rev-env-var"],
};

/// Run a `git` subcommand; `None` if it is not one this module knows.
pub fn run(ctx: &mut Ctx<'_>, subcommand: &str, args: &[String]) -> Option<Outcome> {
    match subcommand {
        "git:report" => PLUGIN.report(ctx, args, Some(&repository)),
        "git:set" => properties::bash_set(ctx, &SET, args),
        _ => return None,
    }
    Some(Outcome::Done(std::mem::take(&mut ctx.out)))
}

/// What the app's repository says: the revision, when the deploy branch
/// last moved, and the revision's env var name.
fn repository(host: &SimHost, app: Option<&str>, _: &str, _: Option<&str>) -> Fields {
    let mut fields = Fields::new();
    let Some(name) = app else {
        return fields;
    };
    let Some(state) = host.apps.get(name) else {
        return fields;
    };
    let pushed = state.deployed && state.deploy_source == "git";
    let sha = if pushed {
        state.deploy_source_metadata.clone()
    } else {
        "HEAD".to_owned()
    };
    let updated = if pushed {
        state.created_at.to_string()
    } else {
        String::new()
    };
    let rev_env_var = host
        .app_property(name, "git", "rev-env-var")
        .unwrap_or("GIT_REV")
        .to_owned();
    fields.insert("--git-sha".to_owned(), sha);
    fields.insert("--git-last-updated-at".to_owned(), updated);
    fields.insert("--git-rev-env-var".to_owned(), rev_env_var);
    fields
}
