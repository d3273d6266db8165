//! Node accounting of the simulated kubelet, written from resize-api.md, not from podsize's
//! model: a pod holds per container the larger of its allocated and actual requests (a shrink
//! admitted but not yet applied still holds the old amount), and Deferred resizes are retried
//! in the kubelet's order (§4.8, 1.34+): non-increasing first, then priority, QoS, age.

use super::kubelet_pod::total;
use crate::resources::{CpuMem, ResourceSpec};
use k8s_openapi::api::core::v1::Pod;
use std::cmp::Reverse;
use std::collections::BTreeMap;

type Resources = BTreeMap<String, ResourceSpec>;

fn larger(a: Option<i64>, b: Option<i64>) -> Option<i64> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    }
}

/// Requests a pod holds on its node from what the kubelet allocated and what runs.
pub fn held(allocated: &Resources, actual: &Resources) -> CpuMem {
    let merged: Resources = allocated
        .iter()
        .map(|(name, alloc)| {
            let a = alloc.effective_requests();
            let b = actual
                .get(name)
                .map(ResourceSpec::effective_requests)
                .unwrap_or_default();
            let requests = CpuMem {
                cpu_millis: larger(a.cpu_millis, b.cpu_millis),
                memory_bytes: larger(a.memory_bytes, b.memory_bytes),
            };
            let spec = ResourceSpec {
                requests,
                limits: alloc.limits,
            };
            (name.clone(), spec)
        })
        .collect();
    total(&merged)
}

/// Whether the desired values ask for more of any resource than is allocated.
pub fn increases(want: &Resources, allocated: &Resources) -> bool {
    let (w, a) = (total(want), total(allocated));
    w.cpu_millis.unwrap_or(0) > a.cpu_millis.unwrap_or(0)
        || w.memory_bytes.unwrap_or(0) > a.memory_bytes.unwrap_or(0)
}

/// Sort key of a pod waiting for room: smaller goes first.
pub type RetryKey = (bool, Reverse<i32>, u8, String);

/// The kubelet's retry order for a pending resize of `pod`.
pub fn retry_key(pod: &Pod, increasing: bool) -> RetryKey {
    let priority = pod.spec.as_ref().and_then(|s| s.priority).unwrap_or(0);
    let qos = match pod.status.as_ref().and_then(|s| s.qos_class.as_deref()) {
        Some("Guaranteed") => 0,
        Some("Burstable") => 1,
        _ => 2,
    };
    // RFC 3339 timestamps of one format sort by time.
    let created = pod
        .metadata
        .creation_timestamp
        .as_ref()
        .map(|t| t.0.to_string())
        .unwrap_or_default();
    (increasing, Reverse(priority), qos, created)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(cpu: i64) -> ResourceSpec {
        ResourceSpec {
            requests: CpuMem {
                cpu_millis: Some(cpu),
                memory_bytes: Some(1),
            },
            limits: CpuMem::default(),
        }
    }

    #[test]
    fn a_shrink_in_progress_holds_the_old_amount() {
        let alloc = Resources::from([("c".into(), spec(200))]);
        let actual = Resources::from([("c".into(), spec(500))]);
        assert_eq!(held(&alloc, &actual).cpu_millis, Some(500));
        assert_eq!(held(&actual, &alloc).cpu_millis, Some(500));
        assert!(increases(&actual, &alloc));
        assert!(!increases(&alloc, &actual));
    }

    #[test]
    fn non_increasing_then_higher_priority_first() {
        let hi = Pod {
            spec: Some(k8s_openapi::api::core::v1::PodSpec {
                priority: Some(100),
                ..Default::default()
            }),
            ..Default::default()
        };
        let lo = Pod::default();
        let mut keys = [
            retry_key(&lo, true),
            retry_key(&hi, true),
            retry_key(&lo, false),
        ];
        keys.sort();
        assert_eq!(keys[0], retry_key(&lo, false));
        assert_eq!(keys[1], retry_key(&hi, true));
    }
}
