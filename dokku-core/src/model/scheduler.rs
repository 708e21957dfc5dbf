//! `scheduler:report`, `scheduler-docker-local:report` and the
//! scheduler-k3s results.

use serde::{Deserialize, Serialize};

use super::Property;
use crate::api::report::{any_secret_set, typed_report};
use crate::catalog::plugins;
use crate::parse::ParseError;

typed_report! {
    /// `scheduler:report` for one app, or `--global`.
    pub struct SchedulerReport for SCHEDULER {
        /// The scheduler (`docker-local` by default).
        pub selected: Property,
        /// The shell `enter` and `run` start (`/bin/bash`).
        pub shell: Property,
    }
}

typed_report! {
    /// `scheduler-docker-local:report` for one app, or `--global`.
    pub struct SchedulerDockerLocalReport for SCHEDULER_DOCKER_LOCAL {
        /// Whether containers run with `--init`.
        pub init_process: Property,
        /// How many containers are started at once.
        pub parallel_schedule_count: Property,
    }
}

typed_report! {
    /// `scheduler-k3s:report` for one app, or `--global` (from Dokku's source:
    /// not recorded).
    ///
    /// The global JSON report prints the cluster join token: the typed report
    /// says only whether one is set, and the raw map holds `***` in its place.
    pub struct SchedulerK3sReport for SCHEDULER_K3S then SchedulerK3sReport::token_from_raw {
        /// cert-manager issuer kind.
        pub cert_issuer_kind: Property,
        /// cert-manager issuer name.
        pub cert_issuer_name: Property,
        /// How long a deploy may take.
        pub deploy_timeout: Property,
        /// The image pull secret.
        pub image_pull_secrets: Property,
        /// The ingress class (global).
        pub ingress_class: Property,
        /// The kubeconfig context (global).
        pub kube_context: Property,
        /// The kubeconfig file (global).
        pub kubeconfig_path: Property,
        /// The app's kustomize root.
        pub kustomize_root_path: Property,
        /// The Let's Encrypt email (production).
        pub letsencrypt_email_prod: Property,
        /// The Let's Encrypt email (staging).
        pub letsencrypt_email_stag: Property,
        /// `prod` or `stag`.
        pub letsencrypt_server: Property,
        /// The Kubernetes namespace.
        pub namespace: Property,
        /// The network interface k3s uses (global).
        pub network_interface: Property,
        /// The node-sysctls image (global).
        pub node_sysctls_image: Property,
        /// The node-sysctls pause image (global).
        pub node_sysctls_pause_image: Property,
        /// Whether a failed deploy rolls back.
        pub rollback_on_failure: Property,
        /// The size of `/dev/shm`.
        pub shm_size: Property,
        /// Whether the cluster token is set (its value is not kept).
        #[serde(deserialize_with = "crate::model::de::filled_later")]
        pub token_set: bool,
    }
}

impl SchedulerK3sReport {
    /// Whether the (already redacted) token is set; the text form masks it
    /// as `*******`.
    fn token_from_raw(&mut self) -> Result<(), ParseError> {
        self.token_set = any_secret_set(&plugins::SCHEDULER_K3S, &self.raw)
            || self.raw.values().any(|v| v == "*******");
        Ok(())
    }
}

/// One node of `scheduler-k3s:cluster:list` (Go's `Node`, keys in Go's
/// field names in JSON).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct K3sNode {
    /// The node's name.
    #[serde(rename = "Name")]
    pub name: String,
    /// Whether it is ready.
    #[serde(rename = "Ready")]
    pub ready: bool,
    /// Its roles (`control-plane`, `master` …).
    #[serde(rename = "Roles", deserialize_with = "null_list")]
    pub roles: Vec<String>,
    /// The k3s version.
    #[serde(rename = "Version")]
    pub version: String,
    /// The host it was added from (JSON only).
    #[serde(rename = "RemoteHost")]
    pub remote_host: String,
}

fn null_list<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    Ok(Option::<Vec<String>>::deserialize(d)?.unwrap_or_default())
}
