//! The Dokku releases where something the simulator prints changed.
//!
//! One constant per change, named for the release that shipped it and
//! documented with the change, so a version check reads as the fact it
//! encodes. The versions the simulator imitates as a whole are
//! [`crate::host::profiles`].

use dokku_core::DokkuVersion;

/// The ports plugin (0.31.0): before it, port mappings were part of the
/// proxy plugin (`proxy:ports*`, `--proxy-port-map`).
pub const V0_31_0: DokkuVersion = DokkuVersion::new(0, 31, 0);
/// ps `stop-timeout-seconds` (PR #7577, merged after the 0.35 series).
pub const V0_36_0: DokkuVersion = DokkuVersion::new(0, 36, 0);
/// `--global` is a report scope (PR #8527, shipped in 0.38.0); before, it
/// is just another (invalid) info flag.
pub const V0_38_0: DokkuVersion = DokkuVersion::new(0, 38, 0);
/// App names must be `^[a-z0-9][a-z0-9.-]*$` (before: anything but
/// `/`, `:`, `_` and upper case after the first character), with a new
/// message.
pub const V0_38_2: DokkuVersion = DokkuVersion::new(0, 38, 2);
/// `--stop-timeout-seconds` renamed `--ps-stop-timeout-seconds`, with
/// global and computed twins (PR #8679).
pub const V0_38_7: DokkuVersion = DokkuVersion::new(0, 38, 7);
/// `ReportSingleAppInput` (PR #8691): JSON keys emitted both stripped and
/// with the legacy `<type>-` prefix, and `--format` values validated; the
/// ps properties' raw/global/computed triples (PRs #8640, #8689, #8696).
pub const V0_38_8: DokkuVersion = DokkuVersion::new(0, 38, 8);
/// `apps:report` gains `--app-global-disable-autocreation` and `apps:set`
/// narrows its global properties (PR #8706).
pub const V0_38_12: DokkuVersion = DokkuVersion::new(0, 38, 12);
/// `apps:list`, `ps:scale` and `plugin:list` accept `--format` (PRs #8795,
/// #8796, #8801).
pub const V0_38_22: DokkuVersion = DokkuVersion::new(0, 38, 22);
/// `domains:report` and `logs:report` in Go with `--global` (PR #8804),
/// and the other 0.38.27 changes the recordings show.
pub const V0_38_27: DokkuVersion = DokkuVersion::new(0, 38, 27);
