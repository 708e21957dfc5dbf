//! `git push` to the simulator: `git-receive-pack 'APP'` served the way
//! Dokku's git plugin serves it (dokku/dokku v0.38.27; certainty of each
//! step noted).
//!
//! 1. The entry script sees a first word containing `git` and re-runs
//!    itself on the raw line split on whitespace, so the app arrives with
//!    its quotes: `'APP'` (`dokku`, source-derived; [`dokku_sim::entry`]).
//! 2. `cmd-git-glob` (`plugins/git/internal-functions`, source-derived)
//!    strips unescaped `'`, turns `\'` into `'` and drops a leading `/`;
//!    checks the name; for `git-receive-pack` of an app without a
//!    repository (`$DOKKU_ROOT/APP/refs` missing) creates the app if it
//!    does not exist (`app-maybe-create`) and runs `fn-git-create-hook`:
//!    `git init -q --bare` and a `hooks/pre-receive` of
//!    `cat | DOKKU_ROOT=… dokku git-hook APP`.
//! 3. It then runs `git-shell -c "git-receive-pack '$APP_PATH'"`. The
//!    simulator runs `git receive-pack PATH` directly, which is what
//!    git-shell's whitelist runs for that line (an argv, no shell).
//! 4. receive-pack runs the hook with `<old> <new> <ref>` lines on stdin;
//!    the hook's output reaches the client over the sideband as `remote: `
//!    lines (git's behaviour), and a non-zero exit rejects the push.
//!
//! The repository lives at `<state dir>/repos/APP` (Dokku's
//! `$DOKKU_ROOT/APP`), and the hook runs this very program with the same
//! state directory, so the push's build is the simulator's deploy of the
//! pushed commit ([`dokku_sim::commands`]'s `git-hook`).

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use dokku_sim::commands;
use dokku_sim::entry::{Globals, Invocation};
use dokku_sim::StateDir;

/// `cmd-git-glob`'s app name: unescaped `'` removed, `\'` made `'`, one
/// leading `/` dropped (an `ssh://` URL's path).
pub fn app_of(raw: &str) -> String {
    // perl -pe "s/(?<!\\)'//g"
    let mut unquoted = String::new();
    let mut previous = None;
    for c in raw.chars() {
        if c == '\'' && previous != Some('\\') {
            previous = Some(c);
            continue;
        }
        unquoted.push(c);
        previous = Some(c);
    }
    // sed "s/\\'/'/g"; sed 's/^\///g'
    let unescaped = unquoted.replace("\\'", "'");
    unescaped
        .strip_prefix('/')
        .map_or(unescaped.clone(), str::to_owned)
}

/// Where the app's bare repository lives.
fn repo_dir(state_dir: &Path, app: &str) -> PathBuf {
    state_dir.join("repos").join(app)
}

/// A word for the hook script, in single quotes.
fn sh_quote(word: &str) -> String {
    format!("'{}'", word.replace('\'', r"'\''"))
}

/// Serve `git-receive-pack 'APP'`: stdin and stdout are git's protocol,
/// so nothing but git writes to stdout; errors go to stderr.
pub fn receive_pack(
    state: &StateDir,
    state_dir: &Path,
    invocation: &Invocation,
) -> Result<i32, String> {
    let raw = invocation.args.get(1).map_or("", String::as_str);
    let app = app_of(raw);
    // `plugn trigger app-exists || is_valid_app_name`, then
    // `app-maybe-create` (the apps plugin's `apps:create`, which checks
    // the name the same way).
    let refused = state
        .update(|host| {
            if host.apps.contains_key(&app) {
                return None;
            }
            let create =
                Invocation::new(&["apps:create".to_owned(), app.clone()], Globals::default());
            let outcome = commands::run(host, &create, &[]);
            let out = outcome.output();
            (out.code != 0).then(|| {
                let mut text = out.stdout.clone();
                text.extend_from_slice(&out.stderr);
                (out.code, text)
            })
        })
        .map_err(|e| e.to_string())?;
    if let Some((code, text)) = refused {
        let _ = std::io::stderr().write_all(&text);
        return Ok(code);
    }
    let state_dir = fs::canonicalize(state_dir).map_err(|e| format!("state directory: {e}"))?;
    let repo = repo_dir(&state_dir, &app);
    if !repo.join("refs").is_dir() {
        create_hook(&repo, &state_dir, &app)?;
    }
    let status = Command::new("git")
        .arg("receive-pack")
        .arg(&repo)
        // The entry script's `export -n SSH_ORIGINAL_COMMAND`: the hook's
        // `dokku git-hook` is a local invocation, not another SSH one.
        .env_remove("SSH_ORIGINAL_COMMAND")
        .stdin(Stdio::inherit())
        .stdout(Stdio::inherit())
        .stderr(Stdio::inherit())
        .status()
        .map_err(|e| format!("running git receive-pack: {e}"))?;
    Ok(status.code().unwrap_or(1))
}

/// `fn-git-create-hook`: the bare repository and its pre-receive hook,
/// Dokku's script with this program in place of `dokku` and the state
/// directory in place of `DOKKU_ROOT`.
fn create_hook(repo: &Path, state_dir: &Path, app: &str) -> Result<(), String> {
    fs::create_dir_all(repo).map_err(|e| format!("creating {}: {e}", repo.display()))?;
    let init = Command::new("git")
        .args(["init", "-q", "--bare"])
        .arg(repo)
        .stdout(Stdio::null())
        .status()
        .map_err(|e| format!("running git init: {e}"))?;
    if !init.success() {
        return Err(format!("git init --bare {} failed", repo.display()));
    }
    let program = std::env::current_exe().map_err(|e| format!("locating dokku-sim: {e}"))?;
    let path_text = |path: &Path| {
        path.to_str()
            .map(sh_quote)
            .ok_or_else(|| format!("{} is not UTF-8", path.display()))
    };
    let hook = format!(
        "#!/usr/bin/env bash\nset -e\nset -o pipefail\n\ncat | DOKKU_SIM_STATE={} {} git-hook {}\n",
        path_text(state_dir)?,
        path_text(&program)?,
        sh_quote(app),
    );
    let path = repo.join("hooks").join("pre-receive");
    fs::create_dir_all(repo.join("hooks")).map_err(|e| format!("creating hooks: {e}"))?;
    fs::write(&path, hook).map_err(|e| format!("writing {}: {e}", path.display()))?;
    let mut permissions = fs::metadata(&path)
        .map_err(|e| format!("reading {}: {e}", path.display()))?
        .permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut permissions, 0o755);
    fs::set_permissions(&path, permissions).map_err(|e| format!("chmod {}: {e}", path.display()))
}

/// The hook's stdin with the simulator's builder hint: `dockerfile` after
/// a line whose new commit has a `Dockerfile` at its root (what
/// `builder-detect` finds; receive-pack runs the hook inside the
/// repository, with the pushed objects reachable through its quarantine
/// environment).
pub fn detect_builders(stdin: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(stdin);
    let mut out = String::new();
    for line in text.lines() {
        out.push_str(line);
        let new = line.split_whitespace().nth(1).unwrap_or("");
        let has_dockerfile = !new.is_empty()
            && !new.starts_with('-')
            && Command::new("git")
                .args(["cat-file", "-e"])
                .arg(format!("{new}:Dockerfile"))
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|s| s.success());
        if has_dockerfile {
            out.push_str(" dockerfile");
        }
        out.push('\n');
    }
    out.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_app_is_read_back_as_cmd_git_glob_reads_it() {
        assert_eq!(app_of("'api'"), "api");
        assert_eq!(app_of("'/api'"), "api");
        assert_eq!(app_of("api"), "api");
        assert_eq!(app_of(r"'it\'s'"), "it's");
    }

    #[test]
    fn hook_words_are_single_quoted() {
        assert_eq!(sh_quote("/a b/it's"), r"'/a b/it'\''s'");
    }
}
