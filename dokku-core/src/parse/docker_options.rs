//! `docker-options:list <app> --phase <phase> [--process <type>]`.
//!
//! Recorded on 0.38.27 (not in the help): one option a line, as it was
//! added (`-v /tmp:/tmp` is one line); nothing when there are none.

/// The options, in order.
pub fn list(stdout: &str) -> Vec<String> {
    stdout
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.trim_end().to_owned())
        .collect()
}
