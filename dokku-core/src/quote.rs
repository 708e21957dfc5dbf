//! Rendering a Dokku argv as the single command line that crosses SSH.
//!
//! SSH has no notion of argv: `ssh dokku@host …` sends one string, and the
//! remote end splits it back into words. Behind Dokku's `dokku` user it is
//! split **twice** (DESIGN §8, each rule cited there):
//!
//! 1. sshcommand's forced command runs `dokku $SSH_ORIGINAL_COMMAND`
//!    unquoted, so the login shell splits the line on spaces, tabs and
//!    newlines (quotes mean nothing here) and pathname-expands every word.
//! 2. Dokku's `parse_args` reads those words: a word `--app` makes the next
//!    word the app of the whole invocation, `--trace` traces every argument
//!    (secrets included) to stderr, `--force` skips confirmations,
//!    `--quiet` silences output, any other `--word` joins
//!    `DOKKU_GLOBAL_FLAGS`.
//! 3. If that first word contains `git` anywhere (`[[ $1 =~ git-* ]]` is an
//!    unanchored regex) the raw line is split again on whitespace, quotes
//!    not honoured; otherwise it is re-split by
//!    `printf '%s' "$SSH_ORIGINAL_COMMAND" | xargs -n 1` read back one line
//!    per argument. Only this second split becomes the command's argv.
//! 4. The line travels in the `SSH_ORIGINAL_COMMAND` environment variable,
//!    which the kernel bounds at 128 KiB with its name.
//!
//! So an argument like `K=v --app victim` quoted the ordinary way (`'K=v
//! --app victim'`) survives step 3 but not step 1: its middle word is a bare
//! `--app`, and the change lands on another app. This module renders every
//! argument so that **every word of the first split begins with a quote**
//! (a space or tab inside an argument is written `'\ '`, closing the quote,
//! escaping the blank for xargs, and reopening the quote), and so that **no
//! word contains `git`** (written `gi''t`). Then no word of step 1 is a flag,
//! a pattern that can match (it would need a file in Dokku's home whose name
//! starts with `'`), or a git marker, and step 3 always takes the xargs path,
//! which hands back exactly the argv we meant, git subcommands included.
//!
//! What still cannot survive is refused before a byte is sent: a NUL or a
//! line feed anywhere, a word that `echo` (run by xargs once per argument)
//! would eat or replace, and a line over [`MAX_LINE_BYTES`]. A refusal is
//! cheap; a silently different command is not. Error messages name the
//! argument's index and the rule, never its value, because arguments are
//! often secrets (`config:set app KEY=…`).

use std::borrow::Cow;
use std::fmt;

/// The longest command line, in bytes, that [`render`] produces.
///
/// sshd hands the line to the forced command as `SSH_ORIGINAL_COMMAND=<line>`
/// in the environment, and Linux refuses to exec a program with any single
/// environment string longer than 131,072 bytes (`MAX_ARG_STRLEN`, counting
/// the name, the `=` and the final NUL): a longer line never reaches Dokku
/// (`Argument list too long`). The same bound holds for the `-c` argument of
/// a login shell in [`RemoteMode::Shell`].
pub const MAX_LINE_BYTES: usize = 131_072 - "SSH_ORIGINAL_COMMAND=".len() - 1;

/// How the remote end turns our line back into argv.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum RemoteMode {
    /// `ssh dokku@host …`: sshcommand's forced command and Dokku's entry
    /// script split the line twice (see the module docs).
    #[default]
    DokkuUser,
    /// A login shell (POSIX sh) runs the line; the program is `dokku`, optionally behind `sudo -n`.
    Shell {
        /// Run `sudo -n dokku …` instead of `dokku …`. `-n` makes sudo fail
        /// rather than wait for a password prompt nobody can answer.
        sudo: bool,
    },
}

/// Why one argument cannot be carried to the remote end intact.
///
/// Its [`Display`](fmt::Display) completes a sentence that starts with
/// "argument N ".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Reason {
    /// The argument contains a NUL byte, which no command line can carry.
    Nul,
    /// The argument contains a line feed (`\n`).
    Newline,
    /// The argument is an option cluster of `echo` (`-n`, `-e`, `-E`, `-neE`, …).
    EchoOption,
    /// The argument is `--help` or `--version`, which `echo` replaces with its own text.
    EchoHelpOrVersion,
    /// The subcommand (argument 0) is empty.
    EmptySubcommand,
}

const SPLIT: &str = "Dokku's SSH command splitting";

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Nul => f.write_str(
                "contains a NUL byte, which no remote command line can carry; \
                 send it on stdin instead",
            ),
            Self::Newline => write!(
                f,
                "contains a newline, which {SPLIT} cannot carry; \
                 send it on stdin or base64-encoded instead"
            ),
            Self::EchoOption => write!(
                f,
                "is an echo option such as -n or -e, which {SPLIT} swallows; \
                 use a login shell (RemoteMode::Shell) to send it"
            ),
            Self::EchoHelpOrVersion => write!(
                f,
                "is --help or --version, which {SPLIT} replaces with echo's own text; \
                 use a login shell (RemoteMode::Shell) to send it"
            ),
            Self::EmptySubcommand => f.write_str("is an empty subcommand; name a Dokku subcommand"),
        }
    }
}

/// Why an argv cannot be rendered for the remote. Nothing is sent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum QuoteError {
    /// There is no subcommand at all. Over SSH an empty command line would
    /// open an interactive session instead of running anything.
    #[error(
        "argument 0 is missing: the argument list is empty, so there is no Dokku subcommand to run"
    )]
    EmptyArgv,
    /// The argument at `index` (0 = the subcommand) cannot be carried intact.
    #[error("argument {index} {reason}")]
    Unsendable {
        /// Position in argv; 0 is the subcommand.
        index: usize,
        /// What is wrong with it.
        reason: Reason,
    },
    /// The rendered line is longer than [`MAX_LINE_BYTES`].
    #[error(
        "the command line would be {bytes} bytes, over the {MAX_LINE_BYTES} that {SPLIT} \
         can carry (argument {longest} is the longest); send large values on stdin instead"
    )]
    LineTooLong {
        /// The length the line would have had.
        bytes: usize,
        /// The longest argument's position in argv (0 = the subcommand).
        longest: usize,
    },
}

impl QuoteError {
    /// The argv position the error is about (0 = the subcommand); for a
    /// line that is too long, the longest argument.
    pub fn index(&self) -> usize {
        match self {
            Self::EmptyArgv => 0,
            Self::Unsendable { index, .. } => *index,
            Self::LineTooLong { longest, .. } => *longest,
        }
    }

    /// The reason, when one argument is at fault.
    pub fn reason(&self) -> Option<Reason> {
        match self {
            Self::EmptyArgv | Self::LineTooLong { .. } => None,
            Self::Unsendable { reason, .. } => Some(*reason),
        }
    }
}

/// Render `argv` (`argv[0]` is the Dokku subcommand, e.g. "apps:report", or a global flag before it such as `--quiet`; the `dokku` program name is NOT part of argv) as the single command line to send.
///
/// Returns an error, and nothing to send, whenever the remote end could not
/// rebuild exactly `argv` from the line.
pub fn render(argv: &[&str], mode: RemoteMode) -> Result<String, QuoteError> {
    let line = match mode {
        RemoteMode::DokkuUser => render_dokku_user(argv)?,
        RemoteMode::Shell { sudo } => render_shell(argv, sudo)?,
    };
    if line.len() > MAX_LINE_BYTES {
        let longest = argv
            .iter()
            .enumerate()
            .max_by_key(|(_, arg)| arg.len())
            .map_or(0, |(index, _)| index);
        return Err(QuoteError::LineTooLong {
            bytes: line.len(),
            longest,
        });
    }
    Ok(line)
}

/// POSIX-shell quote one word for display (copy-pasteable), quoting only when needed: words made only of `[A-Za-z0-9_./:=@%+,-]` are left bare (but the empty word is `''`), everything else single-quoted with `'` written as `'\''`.
pub fn shell_word(word: &str) -> Cow<'_, str> {
    if word.is_empty() {
        Cow::Borrowed("''")
    } else if word.bytes().all(is_shell_bare) {
        Cow::Borrowed(word)
    } else {
        let mut out = String::with_capacity(word.len() + 2);
        out.push('\'');
        push_quoted_body(&mut out, word, |_| false);
        out.push('\'');
        Cow::Owned(out)
    }
}

fn is_shell_bare(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"_./:=@%+,-".contains(&b)
}

/// The inside of a single-quoted word: `'` becomes `'\''`, and every
/// character `escape_blank` picks leaves the quote, is backslash-escaped and
/// reopens it (`'\ '`). POSIX sh and GNU xargs agree on both: outside quotes
/// a backslash escapes the next character, inside quotes nothing does.
fn push_quoted_body(out: &mut String, word: &str, escape_blank: impl Fn(char) -> bool) {
    for c in word.chars() {
        if c == '\'' {
            out.push_str("'\\''");
        } else if escape_blank(c) {
            out.push('\'');
            out.push('\\');
            out.push(c);
            out.push('\'');
        } else {
            out.push(c);
        }
    }
}

// coreutils echo consumes its sole argument as options when it is `-`
// followed only by n, e and E letters.
fn is_echo_option(arg: &str) -> bool {
    arg.strip_prefix('-')
        .is_some_and(|rest| !rest.is_empty() && rest.bytes().all(|b| b"neE".contains(&b)))
}

fn check_dokku_user_arg(index: usize, arg: &str) -> Result<(), QuoteError> {
    let reason = if index == 0 && arg.is_empty() {
        Reason::EmptySubcommand
    } else if arg.contains('\0') {
        Reason::Nul
    } else if arg.contains('\n') {
        // The first split breaks the word there, xargs rejects a newline
        // inside quotes after running the earlier arguments, and readarray
        // would split one outside them.
        Reason::Newline
    } else if is_echo_option(arg) {
        Reason::EchoOption
    } else if arg == "--help" || arg == "--version" {
        // echo honours these only as its sole argument, which `-n 1` ensures.
        Reason::EchoHelpOrVersion
    } else {
        return Ok(());
    };
    Err(QuoteError::Unsendable { index, reason })
}

/// The blanks of both splits: the login shell's IFS (space, tab, newline;
/// newlines are refused) and xargs' separators (space, tab).
fn is_split_blank(c: char) -> bool {
    c == ' ' || c == '\t'
}

fn render_dokku_user(argv: &[&str]) -> Result<String, QuoteError> {
    if argv.is_empty() {
        return Err(QuoteError::EmptyArgv);
    }
    for (index, arg) in argv.iter().enumerate() {
        check_dokku_user_arg(index, arg)?;
    }
    let mut line = String::with_capacity(argv.iter().map(|a| a.len() + 3).sum::<usize>() + 1);
    for (index, arg) in argv.iter().enumerate() {
        if index > 0 {
            line.push(' ');
        }
        line.push('\'');
        // `gi''t`: xargs joins it back to `git`, and the first split's words
        // never contain `git`, so Dokku never takes its whitespace path.
        let mut rest = *arg;
        while let Some(at) = rest.find("git") {
            push_quoted_body(&mut line, &rest[..at + 2], is_split_blank);
            line.push_str("''");
            rest = &rest[at + 2..];
        }
        push_quoted_body(&mut line, rest, is_split_blank);
        line.push('\'');
    }
    // xargs drops an empty final word when the input ends right after it;
    // a blank after it makes xargs emit the word before reaching the end.
    if argv.last().is_some_and(|arg| arg.is_empty()) {
        line.push(' ');
    }
    Ok(line)
}

fn render_shell(argv: &[&str], sudo: bool) -> Result<String, QuoteError> {
    if let Some(index) = argv.iter().position(|arg| arg.contains('\0')) {
        return Err(QuoteError::Unsendable {
            index,
            reason: Reason::Nul,
        });
    }
    let program = if sudo { "sudo -n dokku" } else { "dokku" };
    let mut line = String::from(program);
    for arg in argv {
        line.push(' ');
        line.push_str(&shell_word(arg));
    }
    Ok(line)
}
