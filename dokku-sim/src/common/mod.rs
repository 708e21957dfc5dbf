//! What every simulated plugin shares, as Dokku's `plugins/common` is
//! shared by every Dokku plugin: the invocation context and the way
//! plugins reach each other ([`ctx`]), the confirmation before destroying
//! ([`confirm`]), pflag ([`flags`]), app names
//! ([`names`]), every plugin's help ([`help`]), a Procfile command as
//! `procfile-util` expands it ([`procfile`]), the `:report` engine
//! ([`report`]), the property-set logic ([`properties`]), `columnize`
//! ([`columnize`]) and the releases where output changed ([`versions`]).
//!
//! Everything here is written from Dokku's source and recordings, never
//! from dokku-core: the simulator keeps its own description of Dokku.

pub mod columnize;
pub mod confirm;
pub mod ctx;
pub mod flags;
pub mod godotenv;
pub mod help;
pub mod names;
pub mod procfile;
pub mod properties;
pub mod report;
pub mod versions;

pub use ctx::{Captured, Ctx, Follow, Followed, Outcome, Plugins};
pub use flags::Flags;
