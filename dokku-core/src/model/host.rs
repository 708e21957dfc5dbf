//! The host machine's vitals, as Dokku's global `report` prints them first.

use serde::{Deserialize, Serialize};

/// What `dokku report` says of the machine before its tool versions: the
/// kernel, memory (`free -m`) and the local disks (`df -h`, `df -hi`).
/// Sizes are kept as `df` prints them (`252G`); percentages are numbers.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[non_exhaustive]
pub struct HostVitals {
    /// `uname -a`.
    pub uname: Option<String>,
    /// Memory and swap, in MiB.
    pub memory: Option<Memory>,
    /// Space on each local file system.
    pub disks: Vec<DiskUsage>,
    /// Inodes on each local file system (sizes are counts: `16M`).
    pub inodes: Vec<DiskUsage>,
}

/// `free -m`: memory and swap, in MiB.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[non_exhaustive]
pub struct Memory {
    /// Installed.
    pub total_mb: u64,
    /// In use.
    pub used_mb: u64,
    /// Unused.
    pub free_mb: u64,
    /// What programs could still get without swapping (`available`;
    /// `None` from a `free` too old to print it).
    pub available_mb: Option<u64>,
    /// Swap installed.
    pub swap_total_mb: u64,
    /// Swap in use.
    pub swap_used_mb: u64,
}

impl Memory {
    /// What programs cannot get (total less `available`, else `used`),
    /// in MiB: caches the kernel gives back do not count.
    pub fn in_use_mb(&self) -> u64 {
        match self.available_mb {
            Some(available) => self.total_mb.saturating_sub(available),
            None => self.used_mb,
        }
    }

    /// [`Memory::in_use_mb`] as a share of the total, in percent.
    pub fn used_percent(&self) -> u8 {
        percent(self.in_use_mb(), self.total_mb)
    }
}

/// One file system's line of `df -h` (or `df -hi`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[non_exhaustive]
pub struct DiskUsage {
    /// The device (`/dev/vda`).
    pub filesystem: String,
    /// Its size as `df` prints it (`252G`).
    pub size: String,
    /// Used.
    pub used: String,
    /// Left.
    pub available: String,
    /// `Use%` (or `IUse%`); `None` where `df` prints `-`.
    pub used_percent: Option<u8>,
    /// Where it is mounted.
    pub mounted_on: String,
}

fn percent(part: u64, whole: u64) -> u8 {
    match whole {
        0 => 0,
        whole => u8::try_from(part.saturating_mul(100) / whole).unwrap_or(100),
    }
}
