//! Rendering a Dokku argv as the single command line that crosses SSH.
//!
//! SSH has no notion of argv: `ssh dokku@host …` sends one string, and the
//! remote end splits it back into words by its own rules. Those rules are not
//! a shell's, and they differ by subcommand:
//!
//! * For most subcommands Dokku's forced command runs the line through
//!   `xargs -n 1` (GNU findutils, default command coreutils `echo`) and reads
//!   the output back one line per argument. xargs honours quotes, but `echo`
//!   sees every argument on its own, so `-n`, `-e`, `--help` and friends are
//!   eaten or replaced, and a line break inside an argument becomes two
//!   arguments.
//! * For `git-*` / `git:*` subcommands the line is split on whitespace with no
//!   quoting at all, and the words are subject to pathname expansion.
//!
//! Getting this wrong does not fail loudly. When xargs hits an error halfway
//! through the line (an unmatched quote, an over-long argument) it has already
//! echoed the earlier arguments, and Dokku runs the command with that
//! truncated argv. A dropped or merged argument can turn `config:unset app A B`
//! into something else entirely. So this module renders only lines whose
//! round trip is known to be exact, and refuses everything else before a byte
//! is sent: a refusal is cheap, a silently different command is not.
//!
//! Error messages never contain the offending value, only its index and the
//! reason, because arguments are often secrets (`config:set app KEY=…`).

use std::borrow::Cow;
use std::fmt;

/// The longest argument, in bytes, that [`render`] sends in
/// [`RemoteMode::DokkuUser`] through xargs.
///
/// GNU xargs refuses any single argument longer than its command buffer
/// (128 KiB minus the command name and, on some systems, less when the
/// environment is large) and by then has already run the earlier arguments.
/// 100 000 bytes leaves a wide margin under that buffer.
pub const MAX_ARG_BYTES: usize = 100_000;

/// How the remote end turns our line back into argv.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum RemoteMode {
    /// `ssh dokku@host …`: Dokku's forced command re-splits the line (xargs, or whitespace for git commands).
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
    /// The argument contains a carriage return (`\r`).
    CarriageReturn,
    /// The argument is longer than [`MAX_ARG_BYTES`].
    TooLong,
    /// The argument is an option cluster of `echo` (`-n`, `-e`, `-E`, `-neE`, …).
    EchoOption,
    /// The argument is `--help` or `--version`, which `echo` replaces with its own text.
    EchoHelpOrVersion,
    /// The subcommand (argument 0) is empty.
    EmptySubcommand,
    /// The argument is empty, in a git command whose words are split on whitespace.
    GitEmpty,
    /// The argument contains whitespace, in a git command.
    GitWhitespace,
    /// The argument contains a `'` or `"`, in a git command.
    GitQuote,
    /// The argument contains a backslash, in a git command.
    GitBackslash,
    /// The argument contains `*`, `?` or `[`, or an extended glob opener
    /// (`+(`, `@(`, `!(`), in a git command.
    GitGlob,
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const XARGS: &str = "Dokku's SSH command splitting";
        const GIT: &str = "Dokku's whitespace splitting of git commands";
        match self {
            Self::Nul => f.write_str(
                "contains a NUL byte, which no remote command line can carry; \
                 send it on stdin instead",
            ),
            Self::Newline => write!(
                f,
                "contains a newline, which {XARGS} cannot carry; \
                 send it on stdin or base64-encoded instead"
            ),
            Self::CarriageReturn => write!(
                f,
                "contains a carriage return, which {XARGS} may not carry; \
                 send it on stdin or base64-encoded instead"
            ),
            Self::TooLong => write!(
                f,
                "is longer than {MAX_ARG_BYTES} bytes, which {XARGS} cannot carry; \
                 send it on stdin instead"
            ),
            Self::EchoOption => write!(
                f,
                "is an echo option such as -n or -e, which {XARGS} swallows; \
                 use a login shell (RemoteMode::Shell) to send it"
            ),
            Self::EchoHelpOrVersion => write!(
                f,
                "is --help or --version, which {XARGS} replaces with echo's own text; \
                 use a login shell (RemoteMode::Shell) to send it"
            ),
            Self::EmptySubcommand => f.write_str("is an empty subcommand; name a Dokku subcommand"),
            Self::GitEmpty => write!(f, "is empty, which {GIT} drops"),
            Self::GitWhitespace => write!(
                f,
                "contains whitespace, which {GIT} would split into several arguments"
            ),
            Self::GitQuote => write!(f, "contains a quote character, which {GIT} does not honour"),
            Self::GitBackslash => write!(
                f,
                "contains a backslash, which {GIT} may treat as a pattern escape"
            ),
            Self::GitGlob => write!(
                f,
                "contains a glob pattern character, which {GIT} may expand to file names"
            ),
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
}

impl QuoteError {
    /// The argv position the error is about (0 = the subcommand).
    pub fn index(&self) -> usize {
        match self {
            Self::EmptyArgv => 0,
            Self::Unsendable { index, .. } => *index,
        }
    }

    /// The reason, when one argument is at fault.
    pub fn reason(&self) -> Option<Reason> {
        match self {
            Self::EmptyArgv => None,
            Self::Unsendable { reason, .. } => Some(*reason),
        }
    }
}

/// Render `argv` (`argv[0]` is the Dokku subcommand, e.g. "apps:report"; the `dokku` program name is NOT part of argv) as the single command line to send.
///
/// Returns an error, and nothing to send, whenever the remote end could not
/// rebuild exactly `argv` from the line.
pub fn render(argv: &[&str], mode: RemoteMode) -> Result<String, QuoteError> {
    match mode {
        RemoteMode::DokkuUser => {
            let subcommand = argv.first().ok_or(QuoteError::EmptyArgv)?;
            if is_git_subcommand(subcommand) {
                render_git(argv)
            } else {
                render_xargs(argv)
            }
        }
        RemoteMode::Shell { sudo } => render_shell(argv, sudo),
    }
}

/// POSIX-shell quote one word for display (copy-pasteable), quoting only when needed: words made only of `[A-Za-z0-9_./:=@%+,-]` are left bare (but the empty word is `''`), everything else single-quoted with `'` written as `'\''`.
pub fn shell_word(word: &str) -> Cow<'_, str> {
    if word.is_empty() {
        Cow::Borrowed("''")
    } else if word.bytes().all(is_shell_bare) {
        Cow::Borrowed(word)
    } else {
        let mut out = String::with_capacity(word.len() + 2);
        push_single_quoted(&mut out, word);
        Cow::Owned(out)
    }
}

fn unsendable(index: usize, reason: Reason) -> QuoteError {
    QuoteError::Unsendable { index, reason }
}

// Dokku decides on the first whitespace-separated word of the raw line. Our
// non-git lines always start with a quote, so only a bare git word can match.
fn is_git_subcommand(subcommand: &str) -> bool {
    subcommand.starts_with("git-") || subcommand.starts_with("git:")
}

fn is_shell_bare(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"_./:=@%+,-".contains(&b)
}

// `'\''` works for both POSIX sh and GNU xargs: outside quotes both take a
// backslash as escaping the next character, and inside quotes neither gives
// a backslash any meaning.
fn push_single_quoted(out: &mut String, word: &str) {
    out.push('\'');
    for (i, piece) in word.split('\'').enumerate() {
        if i > 0 {
            out.push_str("'\\''");
        }
        out.push_str(piece);
    }
    out.push('\'');
}

// coreutils echo consumes its sole argument as options when it is `-`
// followed only by n, e and E letters.
fn is_echo_option(arg: &str) -> bool {
    arg.strip_prefix('-')
        .is_some_and(|rest| !rest.is_empty() && rest.bytes().all(|b| b"neE".contains(&b)))
}

fn check_xargs_arg(index: usize, arg: &str) -> Result<(), QuoteError> {
    let reason = if index == 0 && arg.is_empty() {
        Reason::EmptySubcommand
    } else if arg.contains('\0') {
        Reason::Nul
    } else if arg.contains('\n') {
        // xargs rejects a newline inside quotes after running the earlier
        // arguments, and readarray would split one outside them.
        Reason::Newline
    } else if arg.contains('\r') {
        // Survives xargs and readarray today, but is the first thing a CRLF
        // conversion or a changed `read` would eat; nothing legitimate needs it.
        Reason::CarriageReturn
    } else if arg.len() > MAX_ARG_BYTES {
        Reason::TooLong
    } else if is_echo_option(arg) {
        Reason::EchoOption
    } else if arg == "--help" || arg == "--version" {
        // echo honours these only as its sole argument, which `-n 1` ensures.
        Reason::EchoHelpOrVersion
    } else {
        return Ok(());
    };
    Err(unsendable(index, reason))
}

fn render_xargs(argv: &[&str]) -> Result<String, QuoteError> {
    for (index, arg) in argv.iter().enumerate() {
        check_xargs_arg(index, arg)?;
    }
    let mut line = String::with_capacity(argv.iter().map(|a| a.len() + 3).sum::<usize>() + 1);
    for (index, arg) in argv.iter().enumerate() {
        if index > 0 {
            line.push(' ');
        }
        push_single_quoted(&mut line, arg);
    }
    // xargs drops an empty final word when the input ends right after it;
    // a blank after it makes xargs emit the word before reaching the end.
    if argv.last().is_some_and(|arg| arg.is_empty()) {
        line.push(' ');
    }
    Ok(line)
}

fn check_git_arg(index: usize, arg: &str) -> Result<(), QuoteError> {
    let reason = if arg.is_empty() {
        Reason::GitEmpty
    } else if arg.contains('\0') {
        Reason::Nul
    } else if arg.chars().any(char::is_whitespace) {
        // Broader than the IFS (space, tab, newline) on purpose: a vertical
        // tab or a Unicode space in an app name is a mistake, not intent.
        Reason::GitWhitespace
    } else if arg.contains(['\'', '"']) {
        Reason::GitQuote
    } else if arg.contains('\\') {
        // bash 5.0 treated an unquoted expansion containing a backslash as a
        // pattern, so its meaning depends on the remote bash version.
        Reason::GitBackslash
    } else if arg.contains(['*', '?', '['])
        || ["+(", "@(", "!("].iter().any(|opener| arg.contains(opener))
    {
        // The split is an unquoted expansion, so pathname expansion applies,
        // and with extglob on so do `+(…)`, `@(…)` and `!(…)`.
        Reason::GitGlob
    } else {
        return Ok(());
    };
    Err(unsendable(index, reason))
}

fn render_git(argv: &[&str]) -> Result<String, QuoteError> {
    for (index, arg) in argv.iter().enumerate() {
        check_git_arg(index, arg)?;
    }
    Ok(argv.join(" "))
}

fn render_shell(argv: &[&str], sudo: bool) -> Result<String, QuoteError> {
    if let Some(index) = argv.iter().position(|arg| arg.contains('\0')) {
        return Err(unsendable(index, Reason::Nul));
    }
    let program = if sudo { "sudo -n dokku" } else { "dokku" };
    let mut line = String::from(program);
    for arg in argv {
        line.push(' ');
        line.push_str(&shell_word(arg));
    }
    Ok(line)
}
