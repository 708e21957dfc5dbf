//! Dokku's second split of `SSH_ORIGINAL_COMMAND`, done the way Dokku does it.
//!
//! Behind `ssh dokku@host`, the `dokku` script re-runs itself on the raw
//! line split again ([`crate::entry`] decides which way): plain whitespace
//! splitting with globbing off when its first word contains `git` (quotes
//! not honoured), and otherwise `printf '%s' "$SSH_ORIGINAL_COMMAND" |
//! xargs -n 1` read back one line per argument (`readarray -t`). Rather
//! than re-implement xargs and echo, this runs the same pipeline, so the
//! simulator splits exactly as a real host does — including its sharp
//! edges (`-n` vanishing, `--help` expanding, newlines splitting arguments).

use std::process::{Command, Stdio};

use crate::Error;

/// `$0 $SSH_ORIGINAL_COMMAND` under `set -f`: the line split on bash's
/// default IFS (space, tab, newline), no quote removal, no globbing.
pub fn whitespace(line: &str) -> Vec<String> {
    line.split([' ', '\t', '\n'])
        .filter(|word| !word.is_empty())
        .map(str::to_owned)
        .collect()
}

/// `readarray -t < <(printf '%s' "$SSH_ORIGINAL_COMMAND" | xargs -n 1)`.
pub fn xargs(line: &str) -> Result<Vec<String>, Error> {
    let output = Command::new("bash")
        .args(["-c", r#"printf '%s' "$1" | xargs -n 1"#, "dokku-sim", line])
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .map_err(Error::Split)?;
    // xargs' exit status is not checked by Dokku either: whatever it echoed
    // before failing becomes the argv.
    Ok(readarray(&String::from_utf8_lossy(&output.stdout)))
}

/// `readarray -t`: one element per line; a final newline ends the last
/// line rather than starting an empty one.
fn readarray(text: &str) -> Vec<String> {
    if text.is_empty() {
        return Vec::new();
    }
    let text = text.strip_suffix('\n').unwrap_or(text);
    text.split('\n').map(str::to_owned).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_words_survive() {
        let argv = xargs(r#"config:set app 'hello world' "x y" 'it'\''s' '$HOME'"#).unwrap();
        assert_eq!(
            argv,
            ["config:set", "app", "hello world", "x y", "it's", "$HOME"]
        );
    }

    #[test]
    fn echo_options_vanish_as_on_a_real_host() {
        // `echo -n` prints nothing at all; `echo -e` prints an empty line.
        let argv = xargs("apps:report -n app").unwrap();
        assert_eq!(argv, ["apps:report", "app"]);
        let argv = xargs("apps:report -e app").unwrap();
        assert_eq!(argv, ["apps:report", "", "app"]);
    }

    #[test]
    fn the_git_path_splits_on_whitespace_only() {
        let argv = whitespace("git:from-image app\t'a b' *");
        assert_eq!(argv, ["git:from-image", "app", "'a", "b'", "*"]);
    }

    #[test]
    fn readarray_shapes() {
        assert!(readarray("").is_empty());
        assert_eq!(readarray("a\n\nb\n"), ["a", "", "b"]);
        assert_eq!(readarray("a"), ["a"]);
    }
}
