//! The seeded demo host.

use crate::host::{profiles, SimHost};

/// The demo host: about a dozen apps in varied states.
pub fn demo() -> SimHost {
    SimHost::new(profiles::V0_38_27)
}
