//! `registry:report` results.

use super::Property;
use crate::api::report::typed_report;

typed_report! {
    /// `registry:report` for one app, or `--global`.
    pub struct RegistryReport for REGISTRY {
        /// The image repository (app only; `dokku/<app>` computed).
        pub image_repo: Property,
        /// A template for the repository (`{{ .AppName }}`).
        pub image_repo_template: Property,
        /// Extra tags pushed with each release.
        pub push_extra_tags: Property,
        /// Whether images are pushed on release.
        pub push_on_release: Property,
        /// The registry server.
        pub server: Property,
        /// The tag of the last pushed image.
        pub tag_version: Option<String>,
    }
}
