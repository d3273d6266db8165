//! Pod QoS class, computed as the apiserver does from cpu and memory only.

use super::resources::ResourceSpec;
use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum QosClass {
    Guaranteed,
    Burstable,
    BestEffort,
}

impl QosClass {
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Guaranteed => "Guaranteed",
            Self::Burstable => "Burstable",
            Self::BestEffort => "BestEffort",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "Guaranteed" => Some(Self::Guaranteed),
            "Burstable" => Some(Self::Burstable),
            "BestEffort" => Some(Self::BestEffort),
            _ => None,
        }
    }
}

impl fmt::Display for QosClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// QoS of a pod from the resources of all its containers (init containers included).
/// Requests missing where a limit is set count as equal to the limit (apiserver defaulting).
pub fn qos_class<'a>(containers: impl IntoIterator<Item = &'a ResourceSpec>) -> QosClass {
    let mut any_set = false;
    let mut all_guaranteed = true;
    for spec in containers {
        let requests = spec.effective_requests();
        let limits = spec.limits;
        if !requests.is_empty() || !limits.is_empty() {
            any_set = true;
        }
        let cpu_ok = limits.cpu_millis.is_some() && requests.cpu_millis == limits.cpu_millis;
        let mem_ok = limits.memory_bytes.is_some() && requests.memory_bytes == limits.memory_bytes;
        if !(cpu_ok && mem_ok) {
            all_guaranteed = false;
        }
    }
    if !any_set {
        QosClass::BestEffort
    } else if all_guaranteed {
        QosClass::Guaranteed
    } else {
        QosClass::Burstable
    }
}
