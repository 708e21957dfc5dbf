//! The programs the end-to-end tests run (the `dokku-sim` binary, the
//! `cli` example), built once per test process so that a change is never
//! tested against an older binary.
//!
//! They are built as the README's `cargo test --workspace --all-features`
//! builds the workspace: the test profile, every feature, and an example
//! among the targets (which turns dev-dependencies on). Cargo then resolves
//! the same features, reuses that build's crates and only links the two
//! programs; any other resolution compiles the workspace's crates a second
//! time (minutes on CI). Shared by dokku-ssh's, dokku-fleet's and the
//! CLI's tests (`#[path]`).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// The target directory holding the freshly built `dokku-sim` and
/// `examples/cli` (target/debug/deps/<this test> → target/debug).
pub fn built() -> &'static Path {
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    BUILT.get_or_init(|| {
        let exe = std::env::current_exe().expect("current exe");
        let dir = exe.parent().and_then(Path::parent).expect("target dir");
        // Benches run from target/release: build that profile.
        let profile = match dir.file_name().is_some_and(|n| n == "release") {
            true => "release",
            false => "test",
        };
        let status = Command::new(env!("CARGO"))
            .args(["build", "-q", "--profile", profile, "--workspace"])
            .args(["--all-features", "--bin", "dokku-sim", "--example", "cli"])
            // Any member's directory: cargo finds the workspace from it.
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .status()
            .expect("cargo runs");
        assert!(status.success(), "building dokku-sim and the cli failed");
        dir.to_owned()
    })
}
