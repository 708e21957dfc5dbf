//! `buildpacks:list`.
//!
//! Recorded on 0.38.27: `-----> <app> buildpack urls` then one URL a line
//! (7-space indent); the header alone when there are none.

/// The buildpack URLs, in order.
pub fn list(stdout: &str) -> Vec<String> {
    super::table::verbose_lines(stdout)
        .into_iter()
        .map(|l| l.trim().to_owned())
        .collect()
}
