//! `builder:report` and the `builder-*` reports.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::Property;
use crate::api::report::report_of;
use crate::name::AppName;

/// `builder:report` for one app, or `--global`: which builder builds it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all(deserialize = "kebab-case"))]
pub struct BuilderReport {
    /// The app, when known (`None` for `--global`).
    #[serde(skip_deserializing)]
    pub app: Option<AppName>,
    /// The builder chosen (`dockerfile`, `herokuish`, `pack` …); empty:
    /// detected on each build.
    pub selected: Property,
    /// The builder Dokku detected on the last build.
    pub detected: Property,
    /// The subdirectory of the repository to build.
    pub build_dir: Property,
    /// Whether build containers are kept after the build.
    pub skip_cleanup: Property,
    /// Every key Dokku printed.
    #[serde(skip_deserializing)]
    pub raw: BTreeMap<String, String>,
}

report_of!(BuilderReport, BUILDER);

/// A `builder-*` report with one file path property.
macro_rules! path_report {
    ($(#[$doc:meta])* $name:ident, $plugin:ident, $field:ident, $field_doc:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
        #[serde(default, rename_all(deserialize = "kebab-case"))]
        pub struct $name {
            /// The app, when known (`None` for `--global`).
            #[serde(skip_deserializing)]
            pub app: Option<AppName>,
            #[doc = $field_doc]
            pub $field: Property,
            /// Every key Dokku printed.
            #[serde(skip_deserializing)]
            pub raw: BTreeMap<String, String>,
        }

        report_of!($name, $plugin);
    };
}

path_report!(
    /// `builder-dockerfile:report`.
    BuilderDockerfileReport,
    BUILDER_DOCKERFILE,
    dockerfile_path,
    "The Dockerfile to build (`Dockerfile`)."
);
path_report!(
    /// `builder-herokuish:report`.
    BuilderHerokuishReport,
    BUILDER_HEROKUISH,
    allowed,
    "Whether herokuish may build on this architecture (`true`, `false`)."
);
path_report!(
    /// `builder-lambda:report` (0.28+).
    BuilderLambdaReport,
    BUILDER_LAMBDA,
    lambdayml_path,
    "The `lambda.yml` to read."
);
path_report!(
    /// `builder-nixpacks:report` (0.32+).
    BuilderNixpacksReport,
    BUILDER_NIXPACKS,
    nixpackstoml_path,
    "The `nixpacks.toml` to read."
);
path_report!(
    /// `builder-pack:report`.
    BuilderPackReport,
    BUILDER_PACK,
    projecttoml_path,
    "The `project.toml` to read."
);
path_report!(
    /// `builder-railpack:report` (0.37+).
    BuilderRailpackReport,
    BUILDER_RAILPACK,
    railpackjson_path,
    "The `railpack.json` to read."
);
