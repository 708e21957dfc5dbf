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
    let number = raw.trim_end_matches(|c: char| c.is_ascii_alphabetic());
    let unit = raw.len() - number.len();
    let (whole, fraction) = number.split_once('.').unwrap_or((number, "0"));
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    digits(whole) && digits(fraction) && unit <= 4
}

/// Whether `raw` is a value `resource:limit --<resource>` (or `reserve`)
/// takes: an amount ([`is_amount`]), `clear` (Dokku's word for unsetting
/// that one resource), or for `nvidia-gpu`, `all` (Docker's `--gpus all`).
///
/// ```
/// use dokku_core::model::resource::is_resource_value;
///
/// assert!(is_resource_value("memory", "512m") && is_resource_value("cpu", "clear"));
/// assert!(is_resource_value("nvidia-gpu", "all") && !is_resource_value("cpu", "all"));
/// ```
pub fn is_resource_value(resource: &str, raw: &str) -> bool {
    raw == "clear" || (resource == "nvidia-gpu" && raw == "all") || is_amount(raw)
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
}
