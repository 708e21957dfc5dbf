//! Round-trip tests for `dokku_core::quote`.
//!
//! The renderer is only as trustworthy as our picture of the remote end, so
//! these tests carry their own small models of the whole SSH path (DESIGN
//! §8): the login shell's unquoted split with pathname expansion, Dokku's
//! `parse_args` and leading-flag shift, its unanchored git test, the second
//! split (GNU xargs + coreutils echo + bash readarray, or bash word
//! splitting), the line limit, and a POSIX shell word parser for
//! `RemoteMode::Shell`. They share no code with the renderer: a bug in the
//! renderer's idea of quoting cannot hide behind the same bug here. The same
//! properties run through a real sshd in `dokku-ssh/tests/argv_over_ssh.rs`.
// A failing test should stop loudly at the line that found the problem.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use dokku_core::quote::{render, shell_word, QuoteError, Reason, RemoteMode, MAX_LINE_BYTES};
use proptest::prelude::*;

// ---------------------------------------------------------------------------
// Model 1: `printf '%s' "$SSH_ORIGINAL_COMMAND" | xargs -n 1` | readarray -t
// ---------------------------------------------------------------------------

/// GNU xargs 4.9 refuses an argument that does not fit its 128 KiB command
/// buffer together with `/bin/echo` and the terminating NUL.
const XARGS_MAX_ARG: usize = 131_072 - "/bin/echo".len() - 1 - 1;

const ECHO_HELP: &str = "Usage: /bin/echo [SHORT-OPTION]... [STRING]...\n  or:  /bin/echo LONG-OPTION\nEcho the STRING(s) to standard output.\n";
const ECHO_VERSION: &str =
    "echo (GNU coreutils) 9.1\nCopyright (C) 2022 Free Software Foundation, Inc.\n";

/// GNU xargs' tokenizer (findutils `read_line`), default (non `-0`) mode.
fn xargs_tokens(input: &str) -> Result<Vec<String>, String> {
    #[derive(Clone, Copy)]
    enum State {
        Space,
        Norm,
        Quote(char),
        Backslash,
    }
    // C `isspace` / `isblank` in the C locale; bytes >= 0x80 are neither,
    // and UTF-8 encodes non-ASCII chars with such bytes only.
    let is_space = |c: char| matches!(c, ' ' | '\t' | '\n' | '\x0b' | '\x0c' | '\r');
    let is_blank = |c: char| matches!(c, ' ' | '\t');

    let mut args = Vec::new();
    let mut word = String::new();
    let mut state = State::Space;
    for c in input.chars() {
        if let State::Space = state {
            if is_space(c) {
                continue;
            }
            state = State::Norm;
        }
        match state {
            State::Norm => {
                // Reaching NORM means something (maybe just `''`) was read.
                if c == '\n' || is_blank(c) {
                    args.push(std::mem::take(&mut word));
                    state = State::Space;
                    continue;
                }
                match c {
                    '\\' => {
                        state = State::Backslash;
                        continue;
                    }
                    '\'' | '"' => {
                        state = State::Quote(c);
                        continue;
                    }
                    _ => {}
                }
            }
            State::Quote(q) => {
                if c == '\n' {
                    return Err("unmatched quote".into());
                }
                if c == q {
                    state = State::Norm;
                    continue;
                }
            }
            State::Backslash => state = State::Norm,
            State::Space => unreachable!(),
        }
        word.push(c);
        if word.len() > XARGS_MAX_ARG {
            return Err("argument line too long".into());
        }
    }
    // At end of input xargs looks at the last word's content before its
    // state: an empty one is dropped silently, even an open quote, so a
    // trailing `''` vanishes (observed) and so does a lone trailing `'`.
    if word.is_empty() {
        return Ok(args);
    }
    if let State::Quote(_) = state {
        return Err("unmatched quote".into());
    }
    args.push(word);
    Ok(args)
}

/// coreutils `echo` run with exactly one argument (what `xargs -n 1` does),
/// POSIXLY_CORRECT unset.
fn echo_one(arg: &str) -> String {
    match arg {
        "--help" => return ECHO_HELP.to_owned(),
        "--version" => return ECHO_VERSION.to_owned(),
        _ => {}
    }
    let cluster = arg
        .strip_prefix('-')
        .filter(|rest| !rest.is_empty() && rest.chars().all(|c| matches!(c, 'n' | 'e' | 'E')));
    match cluster {
        Some(opts) if opts.contains('n') => String::new(),
        Some(_) => "\n".to_owned(),
        None => format!("{arg}\n"),
    }
}

/// bash `readarray -t`.
fn readarray(mut text: &str) -> Vec<String> {
    let mut lines = Vec::new();
    while !text.is_empty() {
        match text.find('\n') {
            Some(i) => {
                lines.push(text[..i].to_owned());
                text = &text[i + 1..];
            }
            None => {
                lines.push(text.to_owned());
                text = "";
            }
        }
    }
    lines
}

/// Dokku's non-git path: `readarray -t ARGS < <(printf '%s' "$LINE" | xargs -n 1)`.
fn xargs_echo_readarray(line: &str) -> Result<Vec<String>, String> {
    if line.contains('\0') {
        return Err("NUL cannot be in a shell variable".into());
    }
    let tokens = xargs_tokens(line)?;
    let output = if tokens.is_empty() {
        // Without -r, xargs runs the command once with no arguments.
        "\n".to_owned()
    } else {
        tokens.iter().map(|t| echo_one(t)).collect()
    };
    Ok(readarray(&output))
}

// ---------------------------------------------------------------------------
// Model 2: the whole `ssh dokku@host LINE` path
// ---------------------------------------------------------------------------

/// What Dokku's `parse_args` exports (DOKKU_APP_NAME, DOKKU_TRACE,
/// DOKKU_APPS_FORCE_DELETE, DOKKU_QUIET_OUTPUT, DOKKU_GLOBAL_FLAGS).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Env {
    app: String,
    trace: bool,
    force: bool,
    quiet: bool,
    flags: String,
}

fn parse_args(words: &[String], env: &mut Env) {
    let mut flags = Vec::new();
    let mut iter = words.iter().peekable();
    while let Some(word) = iter.next() {
        if word.starts_with("--") {
            flags.push(word.clone());
        }
        match word.as_str() {
            "--quiet" => env.quiet = true,
            "--trace" => env.trace = true,
            "--force" => env.force = true,
            "--app" => env.app = iter.next().cloned().unwrap_or_default(),
            _ => {}
        }
    }
    if env.flags.is_empty() {
        env.flags = flags.join(" ");
    }
}

/// The script's loop that shifts leading `--word`s (and `--app X`) off.
fn shift_leading(mut words: Vec<String>) -> Vec<String> {
    if !words.first().is_some_and(|w| w.starts_with("--")) {
        return words;
    }
    let original = words.clone();
    let mut iter = original.iter();
    while let Some(word) = iter.next() {
        if word == "--version" {
            continue;
        } else if word == "--app" {
            if words.len() >= 2 {
                words.drain(..2);
                iter.next();
            }
        } else if word.starts_with("--") {
            words.remove(0);
        } else {
            break;
        }
    }
    words
}

/// What one run of the script dispatches: `$@` after the shift, and the
/// exported globals.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Arrival {
    argv: Vec<String>,
    env: Env,
}

/// `dokku ARGV` run locally: the reference every SSH line must match.
fn local(argv: &[String]) -> Arrival {
    let mut env = Env::default();
    parse_args(argv, &mut env);
    Arrival {
        argv: shift_leading(argv.to_vec()),
        env,
    }
}

/// The login shell's `dokku $SSH_ORIGINAL_COMMAND`: split on space, tab and
/// newline, quotes meaning nothing, then pathname expansion. A word with a
/// glob character expands to whatever matches in Dokku's home directory;
/// the model can only call that unknowable, except for a word that starts
/// with `'`: Dokku creates no file whose name starts with a quote, so such a
/// pattern matches nothing and stays as it is (bash's default, no nullglob).
fn first_split(line: &str) -> Result<Vec<String>, String> {
    let mut words = Vec::new();
    for word in line.split([' ', '\t', '\n']).filter(|w| !w.is_empty()) {
        let extglob = ["?(", "*(", "+(", "@(", "!("]
            .iter()
            .any(|p| word.contains(p));
        if (extglob || word.contains(['*', '?', '['])) && !word.starts_with('\'') {
            return Err(format!("word {word:?} may undergo pathname expansion"));
        }
        words.push(word.to_owned());
    }
    Ok(words)
}

/// bash word splitting with globbing off (`set -f`): the git path.
fn whitespace_split(line: &str) -> Vec<String> {
    line.split([' ', '\t', '\n'])
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

/// sshd exports the line as `SSH_ORIGINAL_COMMAND=<line>`; Linux refuses to
/// exec with an environment string over 131,072 bytes (with its NUL).
fn fits_the_environment(line: &str) -> bool {
    "SSH_ORIGINAL_COMMAND=".len() + line.len() < 131_072
}

/// The whole path: the script runs on the first split, then itself again
/// on the second split of the raw line, inheriting what the first run
/// exported. Returns what the second run dispatches.
fn over_ssh(line: &str) -> Result<Arrival, String> {
    if line.contains('\0') {
        return Err("NUL cannot be in a command line".into());
    }
    if !fits_the_environment(line) {
        return Err("Argument list too long".into());
    }
    let words = first_split(line)?;
    let outer = {
        let mut env = Env::default();
        parse_args(&words, &mut env);
        Arrival {
            argv: shift_leading(words),
            env,
        }
    };
    let git = outer.argv.first().is_some_and(|w| w.contains("git"));
    let argv = if git {
        whitespace_split(line)
    } else {
        xargs_echo_readarray(line)?
    };
    let mut env = outer.env;
    parse_args(&argv, &mut env);
    Ok(Arrival {
        argv: shift_leading(argv),
        env,
    })
}

// ---------------------------------------------------------------------------
// Model 3: a POSIX shell parsing a simple command line
// ---------------------------------------------------------------------------

/// Words of a simple command made of literal text, single quotes, double
/// quotes and backslashes. Anything the shell would expand or treat as syntax
/// outside quotes is an error rather than a guess.
fn posix_sh_words(line: &str) -> Result<Vec<String>, String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\0' => return Err("NUL cannot be in a command line".into()),
            '\n' => return Err("an unquoted newline ends the command".into()),
            ' ' | '\t' => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            '\'' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(q) => word.push(q),
                        None => return Err("unterminated single quote".into()),
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => match chars.next() {
                            Some(e @ ('$' | '`' | '"' | '\\')) => word.push(e),
                            Some('\n') => {}
                            Some(other) => {
                                word.push('\\');
                                word.push(other);
                            }
                            None => return Err("unterminated double quote".into()),
                        },
                        Some('$' | '`') => return Err("expansion inside double quotes".into()),
                        Some(q) => word.push(q),
                        None => return Err("unterminated double quote".into()),
                    }
                }
            }
            '\\' => match chars.next() {
                Some('\n') => {}
                Some(e) => {
                    in_word = true;
                    word.push(e);
                }
                None => return Err("trailing backslash".into()),
            },
            '|' | '&' | ';' | '<' | '>' | '(' | ')' | '$' | '`' | '*' | '?' | '[' | '{' | '}'
            | '~' | '#' | '!' => return Err(format!("unquoted special character {c:?}")),
            other => {
                in_word = true;
                word.push(other);
            }
        }
    }
    if in_word {
        words.push(word);
    }
    Ok(words)
}

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

fn owned(argv: &[&str]) -> Vec<String> {
    argv.iter().map(|s| (*s).to_owned()).collect()
}

/// The obvious quoting with no refusals, written independently of the
/// renderer: every argument single-quoted, `'` as `'\''`.
fn naive_xargs_line(argv: &[String]) -> String {
    let quoted: Vec<String> = argv
        .iter()
        .map(|a| format!("'{}'", a.replace('\'', r"'\''")))
        .collect();
    quoted.join(" ")
}

fn refusal(result: Result<String, QuoteError>) -> (usize, Reason) {
    match result {
        Ok(line) => panic!("expected a refusal, got {line:?}"),
        Err(e) => (e.index(), e.reason().expect("an argument-level error")),
    }
}

fn dokku(argv: &[&str]) -> Result<String, QuoteError> {
    render(argv, RemoteMode::DokkuUser)
}

fn assert_arrives(argv: &[&str]) {
    let line = dokku(argv).unwrap_or_else(|e| panic!("{argv:?} refused: {e}"));
    assert_eq!(over_ssh(&line), Ok(local(&owned(argv))), "line {line:?}");
}

// ---------------------------------------------------------------------------
// The models agree with what was observed on a real Dokku host
// ---------------------------------------------------------------------------

#[test]
fn model_matches_observed_xargs_quoting() {
    let cases: &[(&str, &[&str])] = &[
        ("'hello world'", &["hello world"]),
        ("\"x y\"", &["x y"]),
        (r"'it'\''s'", &["it's"]),
        ("\"a'b\"", &["a'b"]),
        ("'c\"d'", &["c\"d"]),
        ("'$HOME'", &["$HOME"]),
        ("'`id`'", &["`id`"]),
        ("'*'", &["*"]),
        ("'a\tb'", &["a\tb"]),
        ("'héllo wörld ✓'", &["héllo wörld ✓"]),
        (r"'a\b'", &[r"a\b"]),
        (r"a\ b", &["a b"]),
        (r"'a'\ '/*'\ 'b'", &["a /* b"]),
        ("'gi''t:report'", &["git:report"]),
        ("a '' b", &["a", "", "b"]),
        ("a ''", &["a"]),
        ("a '' ", &["a", ""]),
        ("a -n b", &["a", "b"]),
        ("a -e b", &["a", "", "b"]),
        ("a -neE b", &["a", "b"]),
        ("a -E b", &["a", "", "b"]),
    ];
    for (line, argv) in cases {
        assert_eq!(xargs_echo_readarray(line), Ok(owned(argv)), "line {line:?}");
    }
}

#[test]
fn model_matches_observed_xargs_failures() {
    // A newline inside quotes is an xargs error; outside it splits.
    assert!(xargs_echo_readarray("'a\nb'").is_err());
    assert!(xargs_echo_readarray("\"a\nb\"").is_err());
    assert_eq!(xargs_echo_readarray("a\\\nb"), Ok(owned(&["a", "b"])));
    // --help and --version become several lines of echo's text.
    assert!(xargs_echo_readarray("--help").is_ok_and(|v| v.len() > 1));
    assert!(xargs_echo_readarray("'--version'").is_ok_and(|v| v.len() > 1));
    // Over-long arguments cannot survive.
    let long = format!("'{}'", "a".repeat(XARGS_MAX_ARG + 1));
    assert!(xargs_echo_readarray(&long).is_err());
}

/// The failures the issue found against a real Dokku, minimised, each
/// reproduced by the model on the ordinary quoting: this is what the
/// renderer must not do.
#[test]
fn model_reproduces_the_observed_failures_of_ordinary_quoting() {
    let naive = |argv: &[&str]| over_ssh(&naive_xargs_line(&owned(argv)));
    // A change aimed at one app lands on another.
    let hijack = naive(&["config:set", "app", "K=v --app victim x"]).unwrap();
    assert_eq!(hijack.env.app, "victim");
    // A value mentioning --trace or --force turns them on.
    assert!(
        naive(&["run", "app", "rake --trace db:migrate"])
            .unwrap()
            .env
            .trace
    );
    assert!(naive(&["run", "app", "x --force y"]).unwrap().env.force);
    // A first word containing `git` takes the whitespace path.
    assert_eq!(naive(&["git"]).unwrap().argv, ["'git'"]);
    assert_eq!(
        naive(&["legit", "a b"]).unwrap().argv,
        ["'legit'", "'a", "b'"]
    );
    // A bare glob word is expanded by the login shell.
    assert!(naive(&["x", "a /*/*/*/*/* b"]).is_err());
    // 14 arguments of 10,000 bytes are over the environment's limit.
    let big = "a".repeat(10_000);
    let mut argv = vec!["config:set"];
    argv.extend(std::iter::repeat_n(big.as_str(), 14));
    assert_eq!(naive(&argv), Err("Argument list too long".to_owned()));
}

#[test]
fn model_parse_args_and_shift_follow_the_script() {
    let arrival = local(&owned(&[
        "--quiet",
        "--app",
        "blog",
        "ps:report",
        "--force",
    ]));
    assert_eq!(arrival.argv, ["ps:report", "--force"]);
    assert_eq!(arrival.env.app, "blog");
    assert!(arrival.env.quiet && arrival.env.force && !arrival.env.trace);
    assert_eq!(arrival.env.flags, "--quiet --app --force");
    // --version is skipped, not shifted, so the next shift removes it.
    assert_eq!(
        local(&owned(&["--version", "--quiet", "apps:list"])).argv,
        ["--quiet", "apps:list"]
    );
}

// ---------------------------------------------------------------------------
// Renderer unit tests
// ---------------------------------------------------------------------------

#[test]
fn observed_examples_arrive() {
    for arg in [
        "hello world",
        "x y",
        "it's",
        "a'b",
        "c\"d",
        "$HOME",
        "`id`",
        "*",
        "a\tb",
        "\t",
        " ",
        "  two  ",
        "a\rb",
        "\x0b\x0c",
        "héllo wörld ✓ 🦀",
        r"a\b",
        "\\",
        "'",
        "''",
        "-",
        "--",
        "-x",
        "-nx",
        "--helpme",
        "KEY=value with spaces",
        "K=v --app victim x",
        "rake --trace db:migrate",
        "a --force b --quiet c --label=x --anything",
        "a /*/*/*/*/* b",
        "? [a] *.txt +(x)",
        "legit digital gitgit",
    ] {
        assert_arrives(&["config:set", "app", arg]);
    }
}

#[test]
fn git_in_any_subcommand_arrives_through_the_xargs_path() {
    for argv in [
        &["git"][..],
        &["git:report", "app"],
        &["git:set", "app", "deploy-branch", "main"],
        &["git-receive-pack", "app"],
        &["legit", "a b"],
        &["digital:x", "'quoted'", "", "*"],
        &["git:from-image", "app", "registry/img:1.0", "-x", ""],
    ] {
        assert_arrives(argv);
    }
    assert_eq!(
        dokku(&["git:report", "app"]).unwrap(),
        "'gi''t:report' 'app'"
    );
}

#[test]
fn every_word_of_the_first_split_starts_with_a_quote_and_holds_no_git() {
    let line = dokku(&["config:set", "a pp", "K=v --app x", "\tgit  ", ""]).unwrap();
    assert_eq!(
        line,
        "'config:set' 'a'\\ 'pp' 'K=v'\\ '--app'\\ 'x' ''\\\t'gi''t'\\ ''\\ '' '' "
    );
    for word in line.split([' ', '\t']).filter(|w| !w.is_empty()) {
        assert!(word.starts_with('\''), "{word:?} in {line:?}");
        assert!(!word.contains("git"), "{word:?} in {line:?}");
    }
}

#[test]
fn empty_arguments_survive() {
    assert_eq!(
        dokku(&["config:set", "app", ""]).unwrap(),
        "'config:set' 'app' '' "
    );
    assert_eq!(
        dokku(&["config:set", "", "x"]).unwrap(),
        "'config:set' '' 'x'"
    );
    assert_arrives(&["config:set", "app", ""]);
    assert_arrives(&["config:set", "", ""]);
    assert_arrives(&["config:set", "", "x"]);
}

#[test]
fn echo_words_are_refused() {
    for word in ["-n", "-e", "-E", "-neE", "-nnn", "-Ee"] {
        assert_eq!(
            refusal(dokku(&["apps:report", "app", word])),
            (2, Reason::EchoOption)
        );
    }
    assert_eq!(refusal(dokku(&["--help"])), (0, Reason::EchoHelpOrVersion));
    assert_eq!(
        refusal(dokku(&["apps:list", "--version"])),
        (1, Reason::EchoHelpOrVersion)
    );
    assert_eq!(refusal(dokku(&["-n"])), (0, Reason::EchoOption));
    assert_eq!(
        refusal(dokku(&["git:from-image", "app", "-n"])),
        (2, Reason::EchoOption)
    );
}

#[test]
fn unsendable_characters_are_refused() {
    assert_eq!(
        refusal(dokku(&["config:set", "app", "A=a\nb"])),
        (2, Reason::Newline)
    );
    assert_eq!(refusal(dokku(&["config:set", "a\0"])), (1, Reason::Nul));
    assert_eq!(
        refusal(render(&["x", "\0"], RemoteMode::Shell { sudo: false })),
        (1, Reason::Nul)
    );
    assert_eq!(
        refusal(dokku(&["git-receive-pack", "a\0"])),
        (1, Reason::Nul)
    );
}

#[test]
fn empty_subcommand_and_empty_argv_are_refused() {
    assert_eq!(dokku(&[]), Err(QuoteError::EmptyArgv));
    assert_eq!(refusal(dokku(&[""])), (0, Reason::EmptySubcommand));
    assert_eq!(refusal(dokku(&["", "x"])), (0, Reason::EmptySubcommand));
}

/// `'config:set' 'app' '…'` costs 22 bytes around the value.
const FRAME: usize = "'config:set' 'app' ''".len();

#[test]
fn a_line_up_to_the_limit_is_sent_and_one_byte_more_is_refused() {
    assert_eq!(MAX_LINE_BYTES, 131_050);
    let at_limit = "a".repeat(MAX_LINE_BYTES - FRAME);
    assert_eq!(
        dokku(&["config:set", "app", &at_limit]).unwrap().len(),
        MAX_LINE_BYTES
    );
    assert_arrives(&["config:set", "app", &at_limit]);
    let over = "a".repeat(MAX_LINE_BYTES - FRAME + 1);
    let err = dokku(&["config:set", "app", &over]).unwrap_err();
    assert_eq!(
        err,
        QuoteError::LineTooLong {
            bytes: MAX_LINE_BYTES + 1,
            longest: 2
        }
    );
    assert_eq!(err.index(), 2);
    // The model agrees that the line one byte longer cannot be exec'd.
    let raw = format!("'config:set' 'app' '{over}'");
    assert_eq!(over_ssh(&raw), Err("Argument list too long".to_owned()));
    // Many arguments count together, and escaping counts too.
    let tenk = "a".repeat(10_000);
    let mut argv = vec!["config:set"];
    argv.extend(std::iter::repeat_n(tenk.as_str(), 14));
    assert!(matches!(dokku(&argv), Err(QuoteError::LineTooLong { .. })));
    let spaces = " ".repeat(40_000);
    assert!(matches!(
        dokku(&["config:set", "app", &spaces]),
        Err(QuoteError::LineTooLong { .. })
    ));
    // The shell mode has the same bound (the `-c` argument of the shell).
    let shell = render(
        &["config:set", "app", &over],
        RemoteMode::Shell { sudo: false },
    );
    assert!(matches!(shell, Err(QuoteError::LineTooLong { .. })));
}

#[test]
fn shell_mode() {
    assert_eq!(
        render(
            &["apps:report", "my-app"],
            RemoteMode::Shell { sudo: false }
        )
        .unwrap(),
        "dokku apps:report my-app"
    );
    assert_eq!(
        render(
            &["config:set", "app", "A=it's\nok"],
            RemoteMode::Shell { sudo: true }
        )
        .unwrap(),
        "sudo -n dokku config:set app 'A=it'\\''s\nok'"
    );
    // The echo restrictions are Dokku's forced command, not a shell's.
    assert_eq!(
        render(
            &["apps:list", "--help", "-n", ""],
            RemoteMode::Shell { sudo: false }
        )
        .unwrap(),
        "dokku apps:list --help -n ''"
    );
}

#[test]
fn shell_word_examples() {
    assert_eq!(shell_word(""), "''");
    assert_eq!(shell_word("apps:report"), "apps:report");
    assert_eq!(shell_word("a=b,c@d%e+f/g.h_-1"), "a=b,c@d%e+f/g.h_-1");
    assert_eq!(shell_word("it's"), r"'it'\''s'");
    assert_eq!(shell_word("~"), "'~'");
    assert_eq!(shell_word("héllo"), "'héllo'");
    assert!(matches!(shell_word("bare"), std::borrow::Cow::Borrowed(_)));
}

#[test]
fn messages_name_the_index_and_never_the_value() {
    let secret = "hunter2-S3CR3T";
    let cases: Vec<(Vec<String>, RemoteMode, &str)> = vec![
        (
            vec!["config:set".into(), "app".into(), format!("K={secret}\n")],
            RemoteMode::DokkuUser,
            "argument 2 contains a newline",
        ),
        (
            vec!["config:set".into(), "app".into(), format!("{secret}\0")],
            RemoteMode::Shell { sudo: true },
            "argument 2 contains a NUL",
        ),
        (
            vec!["config:set".into(), "a".into(), secret.repeat(10_000)],
            RemoteMode::DokkuUser,
            "the command line would be 140019 bytes, over the 131050",
        ),
    ];
    for (argv, mode, expected) in cases {
        let argv: Vec<&str> = argv.iter().map(String::as_str).collect();
        let message = render(&argv, mode).unwrap_err().to_string();
        assert!(message.starts_with(expected), "{message}");
        assert!(!message.contains(secret), "{message}");
        assert!(!message.contains("hunter2"), "{message}");
    }
    let message = dokku(&["config:set", "a", &secret.repeat(10_000)])
        .unwrap_err()
        .to_string();
    assert!(message.contains("argument 2 is the longest"), "{message}");
    let message = dokku(&["x", "y", "-n"]).unwrap_err().to_string();
    assert!(
        message.starts_with("argument 2 is an echo option"),
        "{message}"
    );
    assert_eq!(
        dokku(&["config:set", "app", "a\nb"])
            .unwrap_err()
            .to_string(),
        "argument 2 contains a newline, which Dokku's SSH command splitting cannot carry; \
         send it on stdin or base64-encoded instead"
    );
    assert!(QuoteError::EmptyArgv.to_string().contains("argument 0"));
}

// ---------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------

/// Words chosen to hit every rule at least sometimes: Dokku's global flags
/// inside and around arguments, globs, `git` anywhere, every character
/// class.
fn nasty_word() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => prop::sample::select(vec![
            "", "-n", "-e", "-E", "-neE", "-nx", "-", "--", "--help", "--version", "-help",
            "'", "\"", "''", "\\", "\\'", "'\\''", "*", "?", "[a]", "+(a)", "$HOME", "`id`",
            "\n", "\r", "\r\n", "\0", " ", "\t", "\u{a0}", "\u{85}", "\u{2028}", "\x0b",
            "git-receive-pack", "git:from-image", "apps:report", "é", "🦀", "a b",
            "--app", "--trace", "--force", "--quiet", "--label=x", "--anything",
            "x --app victim y", " --trace ", "\t--force\t", "a --quiet", "--label=a b",
            "/*/*/*", "a /* b", "legit", "digital", "gitgit",
        ])
        .prop_map(str::to_owned),
        4 => "[a-z0-9 \t'\"$`\\\\*?\\[\\]=:.+@!(){}~#;|&<>é🦀-]{0,10}",
        3 => ("[ \t]{0,2}", prop::sample::select(vec!["--app", "--trace", "--force", "--quiet", "--label=l", "--x", "git", "*", "?", "[", "/*"]), "[ \t]{0,2}[a-z]{0,3}")
            .prop_map(|(a, b, c)| format!("{a}{b}{c}")),
        2 => "[-neE]{1,4}",
        1 => "[\0\n\r\x0b\x0c a'\"\\\\]{0,6}",
        2 => any::<String>(),
    ]
}

fn subcommand() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => nasty_word(),
        2 => ("[a-z]{0,3}", "(git|git-|git:)", nasty_word()).prop_map(|(a, p, w)| a + &p + &w),
        1 => prop::sample::select(vec!["apps:report", "config:set", "git-receive-pack"])
            .prop_map(str::to_owned),
    ]
}

fn argv() -> impl Strategy<Value = Vec<String>> {
    (
        prop::option::weighted(0.97, subcommand()),
        prop::collection::vec(nasty_word(), 0..6),
    )
        .prop_map(|(sub, rest)| sub.into_iter().chain(rest).collect())
}

/// An argv the renderer must accept: the refusal list, negated.
fn acceptable_argv() -> impl Strategy<Value = Vec<String>> {
    let word = || {
        nasty_word().prop_filter("acceptable", |w| {
            let echo_option =
                w.len() > 1 && w.starts_with('-') && w[1..].chars().all(|c| "neE".contains(c));
            let echo_text = matches!(w.as_str(), "--help" | "--version");
            !(w.contains(['\0', '\n']) || echo_option || echo_text)
        })
    };
    let sub = word().prop_filter("a subcommand", |w| !w.is_empty());
    (sub, prop::collection::vec(word(), 0..6))
        .prop_map(|(sub, rest)| std::iter::once(sub).chain(rest).collect())
}

fn strs(argv: &[String]) -> Vec<&str> {
    argv.iter().map(String::as_str).collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(6000))]

    /// No Ok result is ever wrong: whatever render sends, Dokku dispatches
    /// exactly what `dokku ARGV` would run locally, global flags included.
    #[test]
    fn dokku_user_render_arrives_as_run_locally_or_is_refused(argv in argv()) {
        if let Ok(line) = render(&strs(&argv), RemoteMode::DokkuUser) {
            prop_assert_eq!(over_ssh(&line), Ok(local(&argv)), "line {:?}", line);
        }
    }

    /// Arguments that are not themselves flags set no global flag, however
    /// many flag words they contain.
    #[test]
    fn words_inside_arguments_set_no_global_flag(
        argv in acceptable_argv().prop_map(|argv| {
            // No argument is itself a flag word.
            argv.into_iter()
                .map(|w| if w.starts_with("--") { format!("x{w}") } else { w })
                .collect::<Vec<_>>()
        }),
    ) {
        let line = render(&strs(&argv), RemoteMode::DokkuUser).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let arrival = over_ssh(&line).map_err(TestCaseError::fail)?;
        prop_assert_eq!(arrival.env, Env::default(), "line {:?}", line);
        prop_assert_eq!(arrival.argv, argv);
    }

    /// Every refusal is needed: the obvious quoting of a refused argv really
    /// does come back different, except for an empty subcommand (policy:
    /// never meant) and a line over the limit (proved on its own above).
    #[test]
    fn refusals_are_needed(argv in prop::collection::vec(nasty_word(), 0..7)) {
        if let Err(e) = render(&strs(&argv), RemoteMode::DokkuUser) {
            let policy = matches!(e, QuoteError::LineTooLong { .. })
                || e.reason() == Some(Reason::EmptySubcommand);
            if !policy {
                let naive = naive_xargs_line(&argv);
                let xargs = |line: &str| xargs_echo_readarray(line);
                prop_assert_ne!(xargs(&naive), Ok(argv.clone()), "refused by {}", e);
                let spaced = naive + " ";
                prop_assert_ne!(xargs(&spaced), Ok(argv), "refused by {}", e);
            }
        }
    }

    /// The refusal list is no broader than the documented rules.
    #[test]
    fn acceptable_argv_is_rendered(argv in acceptable_argv()) {
        let line = render(&strs(&argv), RemoteMode::DokkuUser);
        prop_assert!(line.is_ok(), "{:?}", line);
    }

    /// Shell mode refuses NUL and nothing else, and a POSIX shell gets argv back.
    #[test]
    fn shell_render_round_trips(argv in argv(), sudo in any::<bool>()) {
        let rendered = render(&strs(&argv), RemoteMode::Shell { sudo });
        if argv.iter().any(|a| a.contains('\0')) {
            prop_assert!(rendered.is_err());
        } else {
            let line = rendered.map_err(|e| TestCaseError::fail(e.to_string()))?;
            let prefix: &[&str] = if sudo { &["sudo", "-n", "dokku"] } else { &["dokku"] };
            let expected: Vec<String> = owned(prefix).into_iter().chain(argv).collect();
            prop_assert_eq!(posix_sh_words(&line), Ok(expected), "line {:?}", line);
        }
    }

    /// shell_word output is one shell word equal to the input, bare when safe.
    #[test]
    fn shell_word_round_trips(word in nasty_word()) {
        prop_assume!(!word.contains('\0'));
        let quoted = shell_word(&word);
        prop_assert_eq!(posix_sh_words(&quoted), Ok(vec![word.clone()]), "quoted {:?}", quoted);
        let bare_ok = !word.is_empty()
            && word.chars().all(|c| c.is_ascii_alphanumeric() || "_./:=@%+,-".contains(c));
        prop_assert_eq!(quoted == word.as_str(), bare_ok);
    }
}

// ---------------------------------------------------------------------------
// The models against the real programs (needs bash, GNU xargs, coreutils, sh)
// ---------------------------------------------------------------------------

/// Checks the models themselves against the real tools on this machine
/// (bash, GNU xargs, coreutils echo, sh): a model that drifted from the real
/// pipeline would make every property above meaningless. Bounded to a few
/// hundred cases because each one spawns three processes.
#[test]
fn models_agree_with_real_tools() {
    use proptest::test_runner::{Config, TestRunner};
    use std::process::Command;

    const PIPELINE: &str = r#"tmp=$(mktemp) || exit 99
printf '%s' "$1" | xargs -n 1 >"$tmp" 2>/dev/null; rc=$?
readarray -t ARGS <"$tmp"; rm -f "$tmp"
printf '%s\0' "$rc" "${#ARGS[@]}" "${ARGS[@]}""#;
    let real_xargs = |line: &str| -> Result<Vec<String>, String> {
        let out = Command::new("bash")
            .args(["-c", PIPELINE, "_", line])
            .output()
            .expect("bash runs");
        let text = String::from_utf8(out.stdout).expect("utf-8");
        let mut fields: Vec<String> = text.split('\0').map(str::to_owned).collect();
        fields.pop(); // after the final NUL
        let rc = fields.remove(0);
        let _count = fields.remove(0);
        if rc == "0" {
            Ok(fields)
        } else {
            Err(format!("xargs exit {rc}"))
        }
    };
    let real_sh = |shell: &str, line: &str| -> Result<Vec<String>, String> {
        let out = Command::new(shell)
            .args([
                "-c",
                r#"eval "set -- $1"; printf '%s\0' "$#" "$@""#,
                "_",
                line,
            ])
            .output()
            .expect("sh runs");
        let text = String::from_utf8(out.stdout).expect("utf-8");
        let mut fields: Vec<String> = text.split('\0').map(str::to_owned).collect();
        fields.pop(); // after the final NUL
        fields.remove(0); // the count, so that no words is not one empty word
        Ok(fields)
    };

    // The login shell's unquoted split, in an empty directory (no file
    // can match a pattern, as in Dokku's home for a word starting with `'`).
    let empty_dir = std::env::temp_dir().join(format!("quote-first-split-{}", std::process::id()));
    std::fs::create_dir_all(&empty_dir).expect("a scratch directory");
    let real_first_split = |line: &str| -> Vec<String> {
        let out = Command::new("bash")
            .args([
                "-c",
                r#"cd "$2" && set -- $1 && printf '%s\0' "$#" "$@""#,
                "_",
                line,
            ])
            .arg(&empty_dir)
            .output()
            .expect("bash runs");
        let text = String::from_utf8(out.stdout).expect("utf-8");
        let mut fields: Vec<String> = text.split('\0').map(str::to_owned).collect();
        fields.pop();
        fields.remove(0);
        fields
    };

    let line = prop_oneof![
        4 => prop::collection::vec(nasty_word(), 0..5).prop_map(|w| w.join(" ")),
        2 => argv().prop_map(|a| naive_xargs_line(&a)),
        2 => argv().prop_filter_map("refused", |a| render(&strs(&a), RemoteMode::DokkuUser).ok()),
        2 => argv().prop_filter_map("has NUL", |a| {
            render(&strs(&a), RemoteMode::Shell { sudo: false }).ok()
        }),
        2 => "[ a'\"\\\\\t\n\r\x0b-neE]{0,12}",
    ];
    let mut runner = TestRunner::new(Config::with_cases(200));
    runner
        .run(&line, |line| {
            prop_assume!(!line.contains('\0'));
            let model = xargs_echo_readarray(&line);
            let real = real_xargs(&line);
            let first_line = |text: &str| text.lines().next().unwrap_or_default().to_owned();
            let stand_in = |v: &Vec<String>| {
                v.contains(&first_line(ECHO_HELP)) || v.contains(&first_line(ECHO_VERSION))
            };
            match &model {
                // The model's help and version texts are abridged stand-ins.
                Ok(v) if stand_in(v) => {
                    prop_assert!(
                        real.is_ok_and(|r| r.len() >= v.len()),
                        "xargs on {:?}",
                        line
                    );
                }
                Ok(v) => prop_assert_eq!(Ok(v.clone()), real, "xargs on {:?}", line),
                // xargs may have run earlier arguments before failing; the
                // model calls that a failure, as Dokku would get a wrong argv.
                Err(_) => prop_assert!(real.is_err(), "xargs on {:?}: {:?}", line, real),
            }
            if let Ok(words) = first_split(&line) {
                prop_assert_eq!(words, real_first_split(&line), "first split of {:?}", line);
            }
            if let Ok(words) = posix_sh_words(&line) {
                for shell in ["sh", "bash"] {
                    prop_assert_eq!(
                        Ok(words.clone()),
                        real_sh(shell, &line),
                        "{} on {:?}",
                        shell,
                        line
                    );
                }
            }
            Ok(())
        })
        .expect("models agree with the real tools");
    let _ = std::fs::remove_dir(&empty_dir);
}
