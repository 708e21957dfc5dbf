//! What a simulated invocation costs: the measured cost model of a real
//! Dokku, used by [`SimExecutor`](crate::SimExecutor) (its
//! [`Latency::Dokku`](crate::Latency::Dokku)) and by the `dokku-sim`
//! binary (`DOKKU_SIM_COST=measured`); and the pacing of a deploy's
//! output ([`deploy_command`], [`paced_lines`]), which a real Dokku prints
//! line by line over seconds or minutes.

use std::time::Duration;

/// What one invocation costs a real Dokku host.
///
/// Measured on Dokku 0.38.27 (2 cores, issue 19): `version` 0.05 s; the
/// all-apps `apps:report` 0.17 s at 100 apps, `domains:report` about
/// 0.17 s per app and `ps:report` about 0.8 s per app (it fires plugin
/// triggers and inspects containers). Other plugins' all-apps reports were
/// not measured; [`Cost::MEASURED`] charges them like `domains:report`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cost {
    /// Every invocation: Dokku's start-up.
    pub floor: Duration,
    /// The cost of one app's block in a report (of every app, or of one),
    /// by subcommand.
    pub per_app: &'static [(&'static str, Duration)],
    /// The same, for a report not listed in `per_app`.
    pub per_app_other: Duration,
    /// Every cost divided by this (1: as measured), for tests and demos
    /// that keep the shape but not the wait.
    pub speedup: u32,
}

impl Cost {
    /// The costs measured on a real Dokku 0.38.27.
    pub const MEASURED: Cost = Cost {
        floor: Duration::from_millis(50),
        per_app: &[
            ("ps:report", Duration::from_millis(800)),
            ("apps:report", Duration::from_micros(1200)),
            ("domains:report", Duration::from_millis(170)),
        ],
        per_app_other: Duration::from_millis(170),
        speedup: 1,
    };

    /// These costs, `speedup` times faster.
    pub fn faster(self, speedup: u32) -> Self {
        Self {
            speedup: speedup.max(1),
            ..self
        }
    }

    /// The floor, sped up.
    pub fn floor_cost(&self) -> Duration {
        self.floor / self.speedup.max(1)
    }

    /// One app's block in `subcommand`'s report of every app, sped up.
    pub fn app_cost(&self, subcommand: &str) -> Duration {
        let cost = self
            .per_app
            .iter()
            .find(|(s, _)| *s == subcommand)
            .map_or(self.per_app_other, |(_, d)| *d);
        cost / self.speedup.max(1)
    }
}

/// Whether `argv` is a report of every app: `<plugin>:report` alone.
pub fn all_apps_report(argv: &[String]) -> Option<&str> {
    match argv {
        [subcommand] if subcommand.ends_with(":report") => Some(subcommand),
        _ => None,
    }
}

/// The report `argv` asks of one app (`ps:report api`, with or without
/// `--format json` or an info flag): Dokku computes that app's whole
/// report, so it costs one app's block.
pub fn one_app_report(argv: &[String]) -> Option<&str> {
    match argv {
        [subcommand, app, ..] if subcommand.ends_with(":report") && !app.starts_with("--") => {
            Some(subcommand)
        }
        _ => None,
    }
}

/// Whether `argv` builds or deploys an app (after Dokku's leading global
/// flags): `git:sync`, `git:from-image`, `git:from-archive`,
/// `git:load-image`, `ps:rebuild`, `ps:restart`, `ps:start`, `ps:scale`,
/// and `git-hook` (a push's build).
/// Their output is what a paced simulator spreads over time.
pub fn deploy_command(argv: &[String]) -> bool {
    const DEPLOYS: &[&str] = &[
        "git:sync",
        "git:from-image",
        "git:from-archive",
        "git:load-image",
        "ps:rebuild",
        "ps:restart",
        "ps:start",
        "ps:scale",
        // The pre-receive hook's deploy of a `git push`.
        "git-hook",
    ];
    crate::entry::shift_leading(argv)
        .first()
        .is_some_and(|subcommand| DEPLOYS.contains(&subcommand.as_str()))
}

/// Output split into its lines, each with its `\n` (a last line without
/// one is kept as it is): what a paced deploy delivers one at a time.
pub fn paced_lines(stdout: &[u8]) -> Vec<Vec<u8>> {
    stdout
        .split_inclusive(|b| *b == b'\n')
        .map(<[u8]>::to_vec)
        .collect()
}

/// How long `argv` takes to print `stdout` when deploys are paced at
/// `per_line` after each line (Dokku prints a line, then works until the
/// next); zero for a command that is not a deploy.
pub fn pacing_cost(argv: &[String], stdout: &[u8], per_line: Duration) -> Duration {
    if per_line.is_zero() || !deploy_command(argv) {
        return Duration::ZERO;
    }
    per_line * u32::try_from(paced_lines(stdout).len()).unwrap_or(u32::MAX)
}

/// A report's stdout split before each `=====> ` header: one block per app.
pub fn app_blocks(stdout: &[u8]) -> Vec<Vec<u8>> {
    let mut blocks: Vec<Vec<u8>> = Vec::new();
    for line in stdout.split_inclusive(|b| *b == b'\n') {
        if line.starts_with(b"=====> ") || blocks.is_empty() {
            blocks.push(Vec::new());
        }
        if let Some(block) = blocks.last_mut() {
            block.extend_from_slice(line);
        }
    }
    blocks
}
