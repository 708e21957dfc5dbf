//! Round-trip tests for `dokku_core::quote`.
//!
//! The renderer is only as trustworthy as our picture of the remote end, so
//! these tests carry their own small models of each re-split (GNU xargs +
//! coreutils echo + bash readarray, bash word splitting for git commands, and
//! a POSIX shell word parser). They share no code with the renderer: a bug in
//! the renderer's idea of quoting cannot hide behind the same bug here.
// A failing test should stop loudly at the line that found the problem.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use dokku_core::quote::{render, shell_word, QuoteError, Reason, RemoteMode, MAX_ARG_BYTES};
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
// Model 2: git commands, `set -- $SSH_ORIGINAL_COMMAND` (unquoted expansion)
// ---------------------------------------------------------------------------

/// bash field splitting with the default IFS, then pathname expansion. Words
/// that could expand depend on the remote file system, so they are errors.
fn whitespace_split(line: &str) -> Result<Vec<String>, String> {
    if line.contains('\0') {
        return Err("NUL cannot be in a shell variable".into());
    }
    let mut words = Vec::new();
    for word in line.split([' ', '\t', '\n']).filter(|w| !w.is_empty()) {
        let extglob = ["?(", "*(", "+(", "@(", "!("]
            .iter()
            .any(|p| word.contains(p));
        if extglob || word.contains(['*', '?', '[']) {
            return Err(format!("word {word:?} may undergo pathname expansion"));
        }
        if word.contains('\\') {
            return Err(format!("word {word:?} is a pattern in bash 5.0"));
        }
        words.push(word.to_owned());
    }
    Ok(words)
}

/// The whole `ssh dokku@host LINE` path: Dokku picks the splitter by the first
/// whitespace-separated word of the raw line. Returns argv without `dokku`.
fn dokku_user_resplit(line: &str) -> Result<Vec<String>, String> {
    let first = line.split([' ', '\t', '\n']).find(|w| !w.is_empty());
    match first {
        Some(w) if w.starts_with("git-") || w.starts_with("git:") => whitespace_split(line),
        _ => xargs_echo_readarray(line),
    }
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
/// renderer: used to show a refused argv really would not have survived.
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

fn assert_round_trips(argv: &[&str]) {
    let line = dokku(argv).unwrap_or_else(|e| panic!("{argv:?} refused: {e}"));
    assert_eq!(dokku_user_resplit(&line), Ok(owned(argv)), "line {line:?}");
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

#[test]
fn model_git_split_does_not_honour_quotes() {
    assert_eq!(
        dokku_user_resplit("git-receive-pack 'a b'"),
        Ok(owned(&["git-receive-pack", "'a", "b'"]))
    );
    assert_eq!(
        dokku_user_resplit("git:from-image  app\timage:1"),
        Ok(owned(&["git:from-image", "app", "image:1"]))
    );
    assert!(dokku_user_resplit("git-upload-pack app*").is_err());
}

// ---------------------------------------------------------------------------
// Renderer unit tests
// ---------------------------------------------------------------------------

#[test]
fn observed_examples_round_trip() {
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
    ] {
        assert_round_trips(&["config:set", "app", arg]);
    }
}

#[test]
fn renders_every_argument_single_quoted() {
    assert_eq!(
        dokku(&["apps:report", "my-app"]).unwrap(),
        "'apps:report' 'my-app'"
    );
    assert_eq!(
        dokku(&["config:set", "app", "A=it's"]).unwrap(),
        r"'config:set' 'app' 'A=it'\''s'"
    );
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
    assert_round_trips(&["config:set", "app", ""]);
    assert_round_trips(&["config:set", "", ""]);
    assert_round_trips(&["config:set", "", "x"]);
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
}

#[test]
fn unsendable_characters_are_refused() {
    assert_eq!(
        refusal(dokku(&["config:set", "app", "A=a\nb"])),
        (2, Reason::Newline)
    );
    assert_eq!(
        refusal(dokku(&["config:set", "app", "A=a\rb"])),
        (2, Reason::CarriageReturn)
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

#[test]
fn long_arguments() {
    let at_limit = "a".repeat(MAX_ARG_BYTES);
    assert_round_trips(&["config:set", "app", &at_limit]);
    let over = "a".repeat(MAX_ARG_BYTES + 1);
    assert_eq!(
        refusal(dokku(&["config:set", "app", &over])),
        (2, Reason::TooLong)
    );
    // Quotes cost line bytes but not xargs buffer bytes.
    let quotes = "'".repeat(MAX_ARG_BYTES);
    assert_round_trips(&["config:set", "app", &quotes]);
}

#[test]
fn git_commands_are_sent_bare() {
    assert_eq!(
        dokku(&["git-receive-pack", "my-app"]).unwrap(),
        "git-receive-pack my-app"
    );
    assert_eq!(
        dokku(&["git:from-image", "app", "registry/img:1.0", "-n"]).unwrap(),
        "git:from-image app registry/img:1.0 -n"
    );
    assert_round_trips(&["git:from-image", "app", "registry/img:1.0", "--help"]);
}

#[test]
fn git_commands_refuse_what_whitespace_splitting_breaks() {
    let git = |arg: &str| refusal(dokku(&["git-receive-pack", arg]));
    assert_eq!(git("a b"), (1, Reason::GitWhitespace));
    assert_eq!(git("'a b'"), (1, Reason::GitWhitespace));
    assert_eq!(git("a\u{a0}b"), (1, Reason::GitWhitespace));
    assert_eq!(git(""), (1, Reason::GitEmpty));
    assert_eq!(git("'app'"), (1, Reason::GitQuote));
    assert_eq!(git("\"app\""), (1, Reason::GitQuote));
    assert_eq!(git(r"a\b"), (1, Reason::GitBackslash));
    for glob in ["*", "a?", "[ab]", "+(a)", "@(a)", "!(a)"] {
        assert_eq!(git(glob), (1, Reason::GitGlob), "{glob:?}");
    }
    assert_eq!(refusal(dokku(&["git-x*", "app"])), (0, Reason::GitGlob));
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
    // The echo and git restrictions are Dokku's forced command, not a shell's.
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
            vec!["config:set".into(), format!("{secret}\r")],
            RemoteMode::DokkuUser,
            "argument 1 contains a carriage return",
        ),
        (
            vec!["config:set".into(), "app".into(), format!("{secret}\0")],
            RemoteMode::Shell { sudo: true },
            "argument 2 contains a NUL",
        ),
        (
            vec!["config:set".into(), "a".into(), secret.repeat(10_000)],
            RemoteMode::DokkuUser,
            "argument 2 is longer than 100000 bytes",
        ),
        (
            vec!["git-receive-pack".into(), format!("{secret} x")],
            RemoteMode::DokkuUser,
            "argument 1 contains whitespace",
        ),
        (
            vec!["git-receive-pack".into(), format!("{secret}*")],
            RemoteMode::DokkuUser,
            "argument 1 contains a glob",
        ),
    ];
    for (argv, mode, expected) in cases {
        let argv: Vec<&str> = argv.iter().map(String::as_str).collect();
        let message = render(&argv, mode).unwrap_err().to_string();
        assert!(message.starts_with(expected), "{message}");
        assert!(!message.contains(secret), "{message}");
        assert!(!message.contains("hunter2"), "{message}");
    }
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

/// Words chosen to hit every rule at least sometimes.
fn nasty_word() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => prop::sample::select(vec![
            "", "-n", "-e", "-E", "-neE", "-nx", "-", "--", "--help", "--version", "-help",
            "'", "\"", "''", "\\", "\\'", "'\\''", "*", "?", "[a]", "+(a)", "$HOME", "`id`",
            "\n", "\r", "\r\n", "\0", " ", "\t", "\u{a0}", "\u{85}", "\u{2028}", "\x0b",
            "git-receive-pack", "git:from-image", "apps:report", "é", "🦀", "a b",
        ])
        .prop_map(str::to_owned),
        4 => "[a-z0-9 \t'\"$`\\\\*?\\[\\]=:.+@!(){}~#;|&<>é🦀-]{0,10}",
        2 => "[-neE]{1,4}",
        1 => "[\0\n\r\x0b\x0c a'\"\\\\]{0,6}",
        2 => any::<String>(),
    ]
}

fn subcommand() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => nasty_word(),
        2 => ("(git-|git:)", nasty_word()).prop_map(|(p, w)| p + &w),
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

/// An argv the non-git path must accept: the refusal list, negated.
fn acceptable_xargs_argv() -> impl Strategy<Value = Vec<String>> {
    let word = || {
        nasty_word().prop_filter("acceptable", |w| {
            let echo_option =
                w.len() > 1 && w.starts_with('-') && w[1..].chars().all(|c| "neE".contains(c));
            let echo_text = matches!(w.as_str(), "--help" | "--version");
            !(w.contains(['\0', '\n', '\r']) || echo_option || echo_text)
        })
    };
    let sub = word().prop_filter("non-git subcommand", |w| {
        !w.is_empty() && !w.starts_with("git-") && !w.starts_with("git:")
    });
    (sub, prop::collection::vec(word(), 0..6))
        .prop_map(|(sub, rest)| std::iter::once(sub).chain(rest).collect())
}

fn strs(argv: &[String]) -> Vec<&str> {
    argv.iter().map(String::as_str).collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(6000))]

    /// No Ok result is ever wrong: whatever render sends comes back as argv.
    #[test]
    fn dokku_user_render_is_exact_or_refused(argv in argv()) {
        if let Ok(line) = render(&strs(&argv), RemoteMode::DokkuUser) {
            prop_assert_eq!(dokku_user_resplit(&line), Ok(argv), "line {:?}", line);
        }
    }

    /// The same property aimed squarely at git subcommands.
    #[test]
    fn git_render_is_exact_or_refused(
        prefix in "(git-|git:)",
        name in nasty_word(),
        rest in prop::collection::vec(nasty_word(), 0..5),
    ) {
        let argv: Vec<String> = std::iter::once(prefix + &name).chain(rest).collect();
        if let Ok(line) = render(&strs(&argv), RemoteMode::DokkuUser) {
            prop_assert_eq!(whitespace_split(&line), Ok(argv), "line {:?}", line);
        }
    }

    /// Every non-git refusal is needed: the obvious quoting of a refused argv
    /// really does come back different, except for two policy refusals: a
    /// carriage return (conservative) and an empty subcommand (never meant).
    #[test]
    fn xargs_refusals_are_needed(
        argv in prop::collection::vec(nasty_word(), 0..7),
    ) {
        let is_git = argv.first().is_some_and(|s| s.starts_with("git-") || s.starts_with("git:"));
        if is_git {
            return Ok(());
        }
        if let Err(e) = render(&strs(&argv), RemoteMode::DokkuUser) {
            let policy = matches!(e.reason(), Some(Reason::CarriageReturn | Reason::EmptySubcommand));
            if !policy {
                let naive = naive_xargs_line(&argv);
                prop_assert_ne!(xargs_echo_readarray(&naive), Ok(argv.clone()), "refused by {}", e);
                let spaced = naive + " ";
                prop_assert_ne!(xargs_echo_readarray(&spaced), Ok(argv), "refused by {}", e);
            }
        }
    }

    /// The refusal list is no broader than the documented rules.
    #[test]
    fn acceptable_argv_is_rendered(argv in acceptable_xargs_argv()) {
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

    let line = prop_oneof![
        4 => prop::collection::vec(nasty_word(), 0..5).prop_map(|w| w.join(" ")),
        2 => argv().prop_map(|a| naive_xargs_line(&a)),
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
}
