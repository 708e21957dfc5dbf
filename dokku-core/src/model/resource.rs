//! `resource:*` results: limits and reservations per process type.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::api::report::typed_report;
use crate::parse::ParseError;

/// The process type Dokku files app-wide resource settings under.
pub const DEFAULT_PROCESS: &str = "_default_";

/// The resources Dokku 0.38 limits and reserves (`resource:limit --<name>`),
/// in the order it prints them.
pub const RESOURCES: &[&str] = &[
    "cpu",
    "memory",
    "memory-swap",
    "network",
    "network-ingress",
    "network-egress",
    "nvidia-gpu",
];

/// Whether `raw` reads as an amount Docker takes for a resource: a number
/// (`2`, `0.5`) with an optional unit of up to four letters (`512m`, `1g`,
/// `100mbit`). Dokku stores whatever `resource:limit` is given and the
/// deploy fails on it later, so programs check first.
///
/// ```
/// use dokku_core::model::resource::is_amount;
///
/// assert!(is_amount("512m") && is_amount("0.5"));
/// assert!(!is_amount("lots") && !is_amount("1 g"));
/// ```
pub fn is_amount(raw: &str) -> bool {
    let (number, unit) = number_and_unit(raw);
    is_decimal(number) && unit.len() <= 4
}

/// `raw` split before its trailing letters: `("512", "Mi")`.
fn number_and_unit(raw: &str) -> (&str, &str) {
    let number = raw.trim_end_matches(|c: char| c.is_ascii_alphabetic());
    (number, &raw[number.len()..])
}

/// Whether `raw` is a value `resource:limit --<resource>` (or `reserve`)
/// takes on a host whose scheduler is not known: one of Dokku's
/// schedulers can use it ([`is_resource_value_for`] either).
///
/// ```
/// use dokku_core::model::resource::is_resource_value;
///
/// assert!(is_resource_value("memory", "512m") && is_resource_value("cpu", "clear"));
/// assert!(is_resource_value("memory", "512Mi") && is_resource_value("cpu", "500m"));
/// assert!(is_resource_value("nvidia-gpu", "all") && !is_resource_value("cpu", "all"));
/// assert!(!is_resource_value("memory", "12zb") && !is_resource_value("cpu", "2x"));
/// ```
pub fn is_resource_value(resource: &str, raw: &str) -> bool {
    is_resource_value_for(None, resource, raw)
}

/// Whether `raw` is a value `resource:limit --<resource>` (or `reserve`)
/// takes for an app on `scheduler` (`scheduler:report`'s selected one;
/// `None`: either of Dokku's). Dokku stores any value and the next deploy
/// fails on it ("the meaning of a value and its units are specific to the
/// scheduler"). `clear` (unset that one resource) always; for
/// `nvidia-gpu` also `all` (Docker's `--gpus all`). On `docker-local` the
/// CPUs are a number (`--cpus`) and memory what Docker takes once Dokku
/// added `m` to a value without one of its units (`512`, `512m`, `1.5g`,
/// `512MB`; not `1G`, which becomes `1Gm`); on `k3s` both are Kubernetes
/// quantities (`500m`, `512Mi`, `1G`). The others are an [`is_amount`],
/// as on any other scheduler.
///
/// ```
/// use dokku_core::model::resource::is_resource_value_for;
///
/// let docker = Some("docker-local");
/// assert!(is_resource_value_for(docker, "memory", "1g"));
/// assert!(!is_resource_value_for(docker, "memory", "1G"));
/// assert!(is_resource_value_for(Some("k3s"), "memory", "1G"));
/// assert!(is_resource_value_for(None, "memory", "1G"));
/// ```
pub fn is_resource_value_for(scheduler: Option<&str>, resource: &str, raw: &str) -> bool {
    if raw == "clear" || (resource == "nvidia-gpu" && raw == "all") {
        return true;
    }
    let docker = || match resource {
        "cpu" => is_decimal(raw),
        "memory" => is_docker_size(&with_dokkus_memory_unit(raw)),
        "memory-swap" => is_docker_size(raw),
        _ => is_amount(raw),
    };
    let k3s = || match resource {
        "cpu" | "memory" | "memory-swap" => is_quantity(raw),
        _ => is_amount(raw),
    };
    match scheduler {
        Some("docker-local") => docker(),
        Some("k3s") => k3s(),
        None => docker() || k3s(),
        Some(_) => is_amount(raw),
    }
}

/// The process type whose limits Dokku applies to the build container
/// (0.38+), not to a running process.
pub const BUILD_PROCESS: &str = "build";

/// The scheduler whose reading a value set for `process` must pass: the
/// build container's limits (`--process-type build`) are Docker's
/// whatever the app's `scheduler` (the build runs on the host's Docker),
/// every other process type's are the app's scheduler's.
///
/// ```
/// use dokku_core::model::resource::reading_scheduler;
///
/// assert_eq!(reading_scheduler(Some("k3s"), Some("build")), Some("docker-local"));
/// assert_eq!(reading_scheduler(Some("k3s"), Some("web")), Some("k3s"));
/// ```
pub fn reading_scheduler<'a>(scheduler: Option<&'a str>, process: Option<&str>) -> Option<&'a str> {
    match process {
        Some(BUILD_PROCESS) => Some("docker-local"),
        _ => scheduler,
    }
}

/// What `scheduler` takes for `resource`, in words, for a person whose
/// value [`is_resource_value_for`] refused (only docker-local's and k3s'
/// readings refuse more than [`is_resource_value`]).
///
/// ```
/// use dokku_core::model::resource::resource_units;
///
/// assert!(resource_units("docker-local", "memory").contains("1G would become 1Gm"));
/// ```
pub fn resource_units(scheduler: &str, resource: &str) -> &'static str {
    match (scheduler, resource) {
        ("k3s", "cpu") => "a Kubernetes quantity of CPUs, like 0.5 or 500m",
        ("k3s", _) => "a Kubernetes quantity, like 512Mi or 1Gi",
        (_, "cpu") => "a number of CPUs, like 0.5 or 2",
        _ => {
            "a number with b, k, m or g (or KB, MB, GB), like 512m or 1g; \
             Dokku adds m to any other, so 1G would become 1Gm"
        }
    }
}

/// `2`, `0.5`: digits, and at most one point between digits.
fn is_decimal(raw: &str) -> bool {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    match raw.split_once('.') {
        Some((whole, fraction)) => digits(whole) && digits(fraction),
        None => digits(raw),
    }
}

/// A Kubernetes quantity as k3s reads a resource: a decimal with an
/// optional SI (`m`, `k`, `M`, `G` …) or binary (`Ki`, `Mi`, `Gi` …)
/// suffix.
fn is_quantity(raw: &str) -> bool {
    const SUFFIXES: &[&str] = &[
        "", "n", "u", "m", "k", "M", "G", "T", "P", "E", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei",
    ];
    let (number, unit) = number_and_unit(raw);
    is_decimal(number) && SUFFIXES.contains(&unit)
}

/// A memory value as the docker-local scheduler passes it: Dokku adds `m`
/// when it does not end in one of its units (`512` is `512m`).
fn with_dokkus_memory_unit(raw: &str) -> String {
    const DOKKUS: &[&str] = &["b", "k", "m", "g", "KB", "MB", "GB", "B"];
    match DOKKUS.iter().any(|unit| raw.ends_with(unit)) {
        true => raw.to_owned(),
        false => format!("{raw}m"),
    }
}

/// A size Docker reads (`--memory`): a decimal, then at most a unit letter
/// (`b k m g t p`, either case), an `i` and a `b`.
fn is_docker_size(raw: &str) -> bool {
    let (number, unit) = number_and_unit(raw);
    let mut unit = unit.chars().peekable();
    unit.next_if(|c| "kKmMgGtTpP".contains(*c));
    unit.next_if(|c| "iI".contains(*c));
    unit.next_if(|c| "bB".contains(*c));
    is_decimal(number) && unit.next().is_none()
}

/// The resources Dokku limits or reserves, as it prints them (`None`:
/// not set). Values are Docker's (`512m`, `1.5`); Dokku does not check
/// them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[non_exhaustive]
pub struct ResourceValues {
    /// CPUs (`--cpus`).
    pub cpu: Option<String>,
    /// Memory (`512m`, `1g`).
    pub memory: Option<String>,
    /// Memory plus swap.
    pub memory_swap: Option<String>,
    /// Network bandwidth.
    pub network: Option<String>,
    /// Ingress bandwidth.
    pub network_ingress: Option<String>,
    /// Egress bandwidth.
    pub network_egress: Option<String>,
    /// NVIDIA GPUs.
    pub nvidia_gpu: Option<String>,
    /// Resources this SDK does not know yet, by Dokku's name.
    pub other: BTreeMap<String, String>,
}

impl ResourceValues {
    /// Set one resource by Dokku's name (`memory-swap`); an empty value
    /// is unset.
    pub fn set(&mut self, resource: &str, value: &str) {
        let value = (!value.is_empty()).then(|| value.to_owned());
        match resource {
            "cpu" => self.cpu = value,
            "memory" => self.memory = value,
            "memory-swap" => self.memory_swap = value,
            "network" => self.network = value,
            "network-ingress" => self.network_ingress = value,
            "network-egress" => self.network_egress = value,
            "nvidia-gpu" => self.nvidia_gpu = value,
            other => {
                if let Some(value) = value {
                    self.other.insert(other.to_owned(), value);
                }
            }
        }
    }

    /// Every set resource as `(Dokku's name, value)`, in Dokku's order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        [
            ("cpu", &self.cpu),
            ("memory", &self.memory),
            ("memory-swap", &self.memory_swap),
            ("network", &self.network),
            ("network-ingress", &self.network_ingress),
            ("network-egress", &self.network_egress),
            ("nvidia-gpu", &self.nvidia_gpu),
        ]
        .into_iter()
        .filter_map(|(name, value)| Some((name, value.as_deref()?)))
        .chain(self.other.iter().map(|(k, v)| (k.as_str(), v.as_str())))
    }

    /// Whether nothing is set.
    pub fn is_empty(&self) -> bool {
        self.iter().next().is_none()
    }
}

typed_report! {
    /// `resource:report` for one app: limits and reservations by process
    /// type ([`DEFAULT_PROCESS`] for app-wide ones). Keys are
    /// `<process>.<limit|reserve>.<resource>`; an app without settings
    /// prints none (text: the header alone).
    #[non_exhaustive]
    pub struct ResourceReport for RESOURCE then ResourceReport::values_from_raw {
        /// Limits, by process type.
        #[serde(deserialize_with = "crate::model::de::filled_later")]
        pub limits: BTreeMap<String, ResourceValues>,
        /// Reservations, by process type.
        #[serde(deserialize_with = "crate::model::de::filled_later")]
        pub reservations: BTreeMap<String, ResourceValues>,
    }
}

impl ResourceReport {
    /// Limits and reservations from the `<process>.<limit|reserve>.<resource>` keys.
    fn values_from_raw(&mut self) -> Result<(), ParseError> {
        for (key, value) in &self.raw {
            let key = key.strip_prefix("resource-").unwrap_or(key);
            let mut parts = key.splitn(3, '.');
            let (Some(process), Some(kind), Some(resource)) =
                (parts.next(), parts.next(), parts.next())
            else {
                return Err(ParseError::new(
                    "resource:report",
                    format!("{key}: expected <process>.<limit|reserve>.<resource>"),
                ));
            };
            let map = match kind {
                "limit" => &mut self.limits,
                "reserve" => &mut self.reservations,
                _ => {
                    return Err(ParseError::new(
                        "resource:report",
                        format!("{key}: expected limit or reserve"),
                    ))
                }
            };
            map.entry(process.to_owned())
                .or_default()
                .set(resource, value);
        }
        Ok(())
    }
}

/// What `resource:limit <app>` or `resource:reserve <app>` without
/// resource flags prints: the values of one process type (`None`: the
/// app-wide `[defaults]`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ResourceSettings {
    /// The process type, or `None` for the app-wide defaults.
    pub process_type: Option<String>,
    /// The values.
    pub values: ResourceValues,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_numbers_with_an_optional_short_unit() {
        for ok in ["2", "0.5", "512m", "1g", "100mbit"] {
            assert!(is_amount(ok), "{ok}");
        }
        for bad in ["", "m", "1.", ".5", "-1", "1 g", "1gigabyte", "abc", "1,5"] {
            assert!(!is_amount(bad), "{bad}");
        }
    }

    #[test]
    fn a_resource_value_is_an_amount_clear_or_all_gpus() {
        for resource in RESOURCES {
            assert!(is_resource_value(resource, "2"), "{resource}");
            assert!(is_resource_value(resource, "clear"), "{resource}");
            assert!(!is_resource_value(resource, "Clear"), "{resource}");
            assert!(!is_resource_value(resource, "lots"), "{resource}");
        }
        assert!(is_resource_value("nvidia-gpu", "all"));
        assert!(!is_resource_value("memory", "all"));
    }

    #[test]
    fn cpus_and_memory_are_amounts_a_scheduler_of_dokkus_can_use() {
        // docker-local (`--cpus`, `--memory` once Dokku added its `m`) or
        // k3s (a Kubernetes quantity).
        let cases: &[(&str, &[&str], &[&str])] = &[
            (
                "cpu",
                &["1", "0.5", "2", "500m", "1500m"],
                &["2x", "1g", "0.5cpu", "1.", "-1", "1 ", "half"],
            ),
            (
                "memory",
                &[
                    "512", "512m", "1g", "1.5g", "512MB", "1GB", "100B", "512Mi", "2Gi", "1G", "4k",
                ],
                // `12zb`: no such unit; `1K`, `1t`, `1.5T`: Dokku adds `m`
                // (`1Km`) and k3s reads no lowercase `t` or `K`.
                &["12zb", "1K", "1t", "1gigabyte", "1 g", "m", "1..5g"],
            ),
            (
                "memory-swap",
                &["1024", "1g", "2048m", "1Gi"],
                &["1x", "lots", "1gb2"],
            ),
        ];
        for (resource, ok, bad) in cases {
            for value in *ok {
                assert!(is_resource_value(resource, value), "{resource} {value}");
            }
            for value in *bad {
                assert!(!is_resource_value(resource, value), "{resource} {value}");
            }
        }
        // The rest stay as loose as Dokku's documentation: any amount.
        assert!(is_resource_value("network-ingress", "100mbit"));
        // Known, the scheduler's reading alone.
        let docker = Some("docker-local");
        for (resource, value, on_docker, on_k3s) in [
            ("memory", "1G", false, true),
            ("memory", "512", true, true),
            ("memory", "512Mi", false, true),
            ("memory", "1gb", true, false),
            ("cpu", "500m", false, true),
            ("cpu", "0.5", true, true),
        ] {
            assert_eq!(
                is_resource_value_for(docker, resource, value),
                on_docker,
                "{value}"
            );
            assert_eq!(
                is_resource_value_for(Some("k3s"), resource, value),
                on_k3s,
                "{value}"
            );
        }
        assert!(is_resource_value_for(Some("nomad"), "memory", "1G"));
    }
}
