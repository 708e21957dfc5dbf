//! `builder:report` and the `builder-*` reports.

use super::Property;
use crate::api::report::typed_report;

typed_report! {
    /// `builder:report` for one app, or `--global`: which builder builds it.
    pub struct BuilderReport for BUILDER {
        /// The builder chosen (`dockerfile`, `herokuish`, `pack` …); empty:
        /// detected on each build.
        pub selected: Property,
        /// The builder Dokku detected on the last build.
        pub detected: Property,
        /// The subdirectory of the repository to build.
        pub build_dir: Property,
        /// Whether build containers are kept after the build.
        pub skip_cleanup: Property,
    }
}

typed_report! {
    /// `builder-dockerfile:report`.
    pub struct BuilderDockerfileReport for BUILDER_DOCKERFILE {
        /// The Dockerfile to build (`Dockerfile`).
        pub dockerfile_path: Property,
    }
}

typed_report! {
    /// `builder-herokuish:report`.
    pub struct BuilderHerokuishReport for BUILDER_HEROKUISH {
        /// Whether herokuish may build on this architecture (`true`, `false`).
        pub allowed: Property,
    }
}

typed_report! {
    /// `builder-lambda:report` (0.28+).
    pub struct BuilderLambdaReport for BUILDER_LAMBDA {
        /// The `lambda.yml` to read.
        pub lambdayml_path: Property,
    }
}

typed_report! {
    /// `builder-nixpacks:report` (0.32+).
    pub struct BuilderNixpacksReport for BUILDER_NIXPACKS {
        /// The `nixpacks.toml` to read.
        pub nixpackstoml_path: Property,
    }
}

typed_report! {
    /// `builder-pack:report`.
    pub struct BuilderPackReport for BUILDER_PACK {
        /// The `project.toml` to read.
        pub projecttoml_path: Property,
    }
}

typed_report! {
    /// `builder-railpack:report` (0.37+).
    pub struct BuilderRailpackReport for BUILDER_RAILPACK {
        /// The `railpack.json` to read.
        pub railpackjson_path: Property,
    }
}
