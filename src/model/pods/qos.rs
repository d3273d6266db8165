//! Pod QoS class, computed as the apiserver does from cpu and memory only.

use crate::model::ground::resources::{CpuMem, ResourceSpec};
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

/// QoS of a pod from the resources of all its containers (init containers included), as
/// upstream `ComputePodQOS` does: only cpu and memory quantities above zero count; requests
/// missing where a limit is set count as equal to the limit (apiserver defaulting); sums over
/// the containers decide Guaranteed.
pub fn qos_class<'a>(containers: impl IntoIterator<Item = &'a ResourceSpec>) -> QosClass {
    let mut requests = Sums::default();
    let mut limits = Sums::default();
    let mut every_container_limits_both = true;
    for spec in containers {
        requests.add(spec.effective_requests());
        let limited = limits.add(spec.limits);
        if !(limited.cpu && limited.memory) {
            every_container_limits_both = false;
        }
    }
    classify(requests, limits, every_container_limits_both)
}

/// QoS of a pod whose pod-level `spec.resources` are set: they alone decide (§1.3).
pub fn pod_level_qos_class(pod: &ResourceSpec) -> QosClass {
    let mut requests = Sums::default();
    let mut limits = Sums::default();
    requests.add(pod.effective_requests());
    let limited = limits.add(pod.limits);
    classify(requests, limits, limited.cpu && limited.memory)
}

/// The QoS of a pod from its containers, or from its pod-level resources when they are set.
pub fn pod_qos_class<'a>(
    pod_level: Option<&ResourceSpec>,
    containers: impl IntoIterator<Item = &'a ResourceSpec>,
) -> QosClass {
    match pod_level {
        Some(pod) => pod_level_qos_class(pod),
        None => qos_class(containers),
    }
}

/// Per-resource sums of the quantities above zero; `None` where no positive quantity was seen.
#[derive(Default)]
struct Sums {
    cpu: Option<i64>,
    memory: Option<i64>,
}

struct Seen {
    cpu: bool,
    memory: bool,
}

impl Sums {
    fn add(&mut self, values: CpuMem) -> Seen {
        fn add_one(sum: &mut Option<i64>, value: Option<i64>) -> bool {
            match value.filter(|v| *v > 0) {
                Some(v) => {
                    *sum = Some(sum.unwrap_or(0).saturating_add(v));
                    true
                }
                None => false,
            }
        }
        Seen {
            cpu: add_one(&mut self.cpu, values.cpu_millis),
            memory: add_one(&mut self.memory, values.memory_bytes),
        }
    }

    fn is_empty(&self) -> bool {
        self.cpu.is_none() && self.memory.is_none()
    }
}

fn classify(requests: Sums, limits: Sums, every_container_limits_both: bool) -> QosClass {
    if requests.is_empty() && limits.is_empty() {
        return QosClass::BestEffort;
    }
    let matches = |req: Option<i64>, lim: Option<i64>| req.is_none() || req == lim;
    let guaranteed = every_container_limits_both
        && matches(requests.cpu, limits.cpu)
        && matches(requests.memory, limits.memory)
        && requests.cpu.is_some() == limits.cpu.is_some()
        && requests.memory.is_some() == limits.memory.is_some();
    if guaranteed {
        QosClass::Guaranteed
    } else {
        QosClass::Burstable
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(req: (Option<i64>, Option<i64>), lim: (Option<i64>, Option<i64>)) -> ResourceSpec {
        ResourceSpec {
            requests: CpuMem {
                cpu_millis: req.0,
                memory_bytes: req.1,
            },
            limits: CpuMem {
                cpu_millis: lim.0,
                memory_bytes: lim.1,
            },
        }
    }

    #[test]
    fn zero_quantities_do_not_count() {
        // real-apiserver-facts.md, third round: requests {cpu: "0", memory: "0"} is BestEffort.
        let zero = spec((Some(0), Some(0)), (None, None));
        assert_eq!(qos_class([&zero]), QosClass::BestEffort);
        let some = spec((Some(100), Some(0)), (None, None));
        assert_eq!(qos_class([&some]), QosClass::Burstable);
    }

    #[test]
    fn guaranteed_needs_both_limits_everywhere() {
        let g = spec((Some(500), Some(64)), (Some(500), Some(64)));
        let cpu_only = spec((None, None), (Some(100), None));
        assert_eq!(qos_class([&g]), QosClass::Guaranteed);
        assert_eq!(qos_class([&g, &cpu_only]), QosClass::Burstable);
        // A limit alone defaults the request to it.
        let limits_only = spec((None, None), (Some(1000), Some(128)));
        assert_eq!(qos_class([&limits_only]), QosClass::Guaranteed);
        assert_eq!(
            qos_class([&spec((None, None), (None, None))]),
            QosClass::BestEffort
        );
    }

    #[test]
    fn pod_level_resources_decide_when_set() {
        let burstable_container = spec((Some(100), None), (None, None));
        let pod = spec((Some(1000), Some(256)), (Some(1000), Some(256)));
        assert_eq!(
            pod_qos_class(Some(&pod), [&burstable_container]),
            QosClass::Guaranteed
        );
        let pod = spec((Some(500), Some(256)), (Some(1000), Some(256)));
        assert_eq!(
            pod_qos_class(Some(&pod), [&burstable_container]),
            QosClass::Burstable
        );
        assert_eq!(
            pod_qos_class(None, [&burstable_container]),
            QosClass::Burstable
        );
    }
}
