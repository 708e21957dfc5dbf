//! What one simulated invocation prints, built with Dokku's own log helpers.
//!
//! The prefixes are Dokku's (Go: `plugins/common/log.go`; bash:
//! `plugins/common/functions`): `-----> ` (info1) and `=====> ` (info2) and a
//! 7-space indent (verbose) on stdout; ` !     ` on stderr for warnings and
//! failures. The `*_quiet` variants are suppressed by `dokku --quiet`
//! (`DOKKU_QUIET_OUTPUT`), the others are not. Every helper ends its line
//! with one `\n`, as `fmt.Println` and `echo` do.
//!
//! This module is written from Dokku's source, not from dokku-core's parsers:
//! the two must stay independent so a misunderstanding cannot hide in both.

/// Exit code for "app does not exist" (`common.AppDoesNotExist`).
pub const EXIT_APP_MISSING: i32 = 20;
/// Exit code of a pflag parse error (`flag.ExitOnError`).
pub const EXIT_FLAG_ERROR: i32 = 2;

/// The output of one invocation.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Out {
    /// Standard output.
    pub stdout: Vec<u8>,
    /// Standard error.
    pub stderr: Vec<u8>,
    /// Exit code.
    pub code: i32,
    /// `dokku --quiet` was given.
    pub quiet: bool,
    /// The build capture (`exec &> >(tee -a "$LOG" …)`, the entry
    /// script's for `ps:rebuild` and `ps:restart`, and the git plugin's):
    /// from this byte of standard output on, standard error goes to
    /// standard output too, and all of it is the build's log.
    pub capture: Option<usize>,
}

impl Out {
    /// An empty, successful output.
    pub fn new(quiet: bool) -> Self {
        Self {
            quiet,
            ..Self::default()
        }
    }

    /// `dokku_setup_build_capture`'s `exec &> >(tee -a "$LOG" …)`: from
    /// here on standard error goes to standard output, and both to the
    /// build's log.
    pub fn start_capture(&mut self) {
        self.capture = Some(self.stdout.len());
    }

    /// What the build capture has logged so far, if one runs.
    pub fn captured(&self) -> Option<String> {
        let from = self.capture?;
        Some(String::from_utf8_lossy(self.stdout.get(from..)?).into_owned())
    }

    fn stdout_line(&mut self, line: &str) {
        self.stdout.extend_from_slice(line.as_bytes());
        self.stdout.push(b'\n');
    }

    fn stderr_line(&mut self, line: &str) {
        let stream = if self.capture.is_some() {
            &mut self.stdout
        } else {
            &mut self.stderr
        };
        stream.extend_from_slice(line.as_bytes());
        stream.push(b'\n');
    }

    /// Raw bytes on stdout, no newline added (`fmt.Print`).
    pub fn print(&mut self, text: &str) {
        self.stdout.extend_from_slice(text.as_bytes());
    }

    /// `Log`: a plain stdout line.
    pub fn log(&mut self, text: &str) {
        self.stdout_line(text);
    }

    /// `LogQuiet`: a plain stdout line, suppressed by `--quiet`.
    pub fn log_quiet(&mut self, text: &str) {
        if !self.quiet {
            self.stdout_line(text);
        }
    }

    /// `LogInfo1` / `dokku_log_info1`: `-----> text`.
    pub fn info1(&mut self, text: &str) {
        self.stdout_line(&format!("-----> {text}"));
    }

    /// `LogInfo1Quiet`.
    pub fn info1_quiet(&mut self, text: &str) {
        if !self.quiet {
            self.info1(text);
        }
    }

    /// `LogInfo2Quiet`: `=====> text`, suppressed by `--quiet`.
    pub fn info2_quiet(&mut self, text: &str) {
        if !self.quiet {
            self.stdout_line(&format!("=====> {text}"));
        }
    }

    /// `LogVerbose`: seven spaces, then text.
    pub fn verbose(&mut self, text: &str) {
        self.stdout_line(&format!("       {text}"));
    }

    /// `LogVerboseQuiet`.
    pub fn verbose_quiet(&mut self, text: &str) {
        if !self.quiet {
            self.verbose(text);
        }
    }

    /// `LogWarn` / `dokku_log_warn`: ` !     text` on stderr.
    pub fn warn(&mut self, text: &str) {
        self.stderr_line(&format!(" !     {text}"));
    }

    /// A plain stderr line (`LogStderr`).
    pub fn stderr_plain(&mut self, text: &str) {
        self.stderr_line(text);
    }

    /// `LogFail`: ` !     text` on stderr and exit 1.
    pub fn fail(&mut self, text: &str) {
        self.fail_with(text, 1);
    }

    /// `LogFailWithError` for an error that carries an exit code.
    pub fn fail_with(&mut self, text: &str, code: i32) {
        self.warn(text);
        self.code = code;
    }

    /// `App <app> does not exist`, exit 20 (`common.VerifyAppName`).
    pub fn app_missing(&mut self, app: &str) {
        self.fail_with(&format!("App {app} does not exist"), EXIT_APP_MISSING);
    }

    /// A pflag error: `unknown flag: --x`, the usage header, exit 2.
    pub fn unknown_flag(&mut self, subcommand: &str, flag: &str) {
        self.stderr_line(&format!("unknown flag: {flag}"));
        self.stderr_line(&format!("Usage of {subcommand}:"));
        self.code = EXIT_FLAG_ERROR;
    }

    /// Whether the invocation has failed so far.
    pub fn failed(&self) -> bool {
        self.code != 0
    }
}

/// Pad `text` with spaces on the right to `width` bytes (Go's `RightPad`,
/// bash's `printf "%-Ns"`); longer text is left as it is.
pub fn right_pad(text: &str, width: usize) -> String {
    let mut padded = String::with_capacity(width.max(text.len()));
    padded.push_str(text);
    while padded.len() < width {
        padded.push(' ');
    }
    padded
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_and_streams() {
        let mut out = Out::new(false);
        out.info1("Creating a...");
        out.info2_quiet("a app information");
        out.verbose("App dir: x");
        out.warn("careful");
        out.app_missing("ghost");
        assert_eq!(
            String::from_utf8(out.stdout).unwrap(),
            "-----> Creating a...\n=====> a app information\n       App dir: x\n"
        );
        assert_eq!(
            String::from_utf8(out.stderr).unwrap(),
            " !     careful\n !     App ghost does not exist\n"
        );
        assert_eq!(out.code, 20);
    }

    #[test]
    fn quiet_suppresses_only_quiet_helpers() {
        let mut out = Out::new(true);
        out.info2_quiet("header");
        out.log_quiet("hidden");
        out.info1("shown");
        out.verbose("shown too");
        assert_eq!(
            String::from_utf8(out.stdout).unwrap(),
            "-----> shown\n       shown too\n"
        );
    }

    #[test]
    fn padding() {
        assert_eq!(right_pad("web:", 5), "web: ");
        assert_eq!(right_pad("worker:", 5), "worker:");
    }
}
