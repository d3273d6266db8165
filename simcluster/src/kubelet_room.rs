//! Node accounting of the simulated kubelet, written from resize-api.md, not from podsize's
//! model: a pod holds per container the larger of its allocated and actual requests (a shrink
//! admitted but not yet applied still holds the old amount), counted as the scheduler counts a
//! pod (regular containers and sidecars summed, a plain init container only when it alone is
//! larger, pod-level requests instead of the sum where set, plus the pod overhead); one verdict
//! decides every pending state, seeded or live; and Deferred resizes are retried in the
//! kubelet's order (§4.8, 1.34+): non-increasing first, then priority, QoS, age.

use super::kubelet_pod::{POD_KEY, total};
use super::podutil::spec_of;
use crate::resources::{CpuMem, ResourceSpec};
use k8s_openapi::api::core::v1::Pod;
use std::cmp::Reverse;
use std::collections::BTreeMap;

type Resources = BTreeMap<String, ResourceSpec>;

/// What a pod counts beyond its running containers: the init-container term (the largest plain
/// init container plus the sidecars declared before it) and `spec.overhead`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Extra {
    pub init: CpuMem,
    pub overhead: CpuMem,
}

fn add(a: Option<i64>, b: Option<i64>) -> Option<i64> {
    Some(a.unwrap_or(0) + b.unwrap_or(0))
}

fn plus(a: CpuMem, b: CpuMem) -> CpuMem {
    CpuMem {
        cpu_millis: add(a.cpu_millis, b.cpu_millis),
        memory_bytes: add(a.memory_bytes, b.memory_bytes),
    }
}

/// The init-container term and overhead of `pod`, as the scheduler's `PodRequests` has them.
pub fn extra_of(pod: &Pod) -> Extra {
    let Some(spec) = pod.spec.as_ref() else {
        return Extra::default();
    };
    let mut sidecars = CpuMem::ZERO;
    let mut init = CpuMem::ZERO;
    for c in spec.init_containers.iter().flatten() {
        let r = spec_of(c.resources.as_ref()).effective_requests();
        if c.restart_policy.as_deref() == Some("Always") {
            sidecars = plus(sidecars, r);
        } else {
            let during = plus(sidecars, r);
            init.cpu_millis = init.cpu_millis.max(during.cpu_millis);
            init.memory_bytes = init.memory_bytes.max(during.memory_bytes);
        }
    }
    let overhead = spec_of(Some(&k8s_openapi::api::core::v1::ResourceRequirements {
        requests: spec.overhead.clone(),
        ..Default::default()
    }))
    .requests;
    Extra { init, overhead }
}

/// A pod's requests on its node from per-container values `map`: pod-level requests where set,
/// else the larger of the containers' sum and the init term; plus the overhead.
pub fn counted(map: &Resources, extra: &Extra) -> CpuMem {
    let sum = total(map);
    let own = map
        .get(POD_KEY)
        .map(ResourceSpec::effective_requests)
        .unwrap_or_default();
    let pick = |own: Option<i64>, sum: Option<i64>, init: Option<i64>| match own {
        Some(v) => Some(v),
        None => Some(sum.unwrap_or(0).max(init.unwrap_or(0))),
    };
    let base = CpuMem {
        cpu_millis: pick(own.cpu_millis, sum.cpu_millis, extra.init.cpu_millis),
        memory_bytes: pick(own.memory_bytes, sum.memory_bytes, extra.init.memory_bytes),
    };
    plus(base, extra.overhead)
}

/// What the kubelet decides for a pod needing `need` where the other pods hold `used` of a node
/// with `capacity` (resize-api.md §4.8; the texts are the kubelet's).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    Fits,
    Deferred(String),
    Infeasible(String),
}

pub fn verdict(need: CpuMem, used: CpuMem, capacity: CpuMem) -> Verdict {
    let pairs = [
        ("cpu", need.cpu_millis, used.cpu_millis, capacity.cpu_millis),
        (
            "memory",
            need.memory_bytes,
            used.memory_bytes,
            capacity.memory_bytes,
        ),
    ];
    for (res, n, u, c) in pairs {
        let (n, u, c) = (n.unwrap_or(0), u.unwrap_or(0), c.unwrap_or(i64::MAX / 4));
        if n > c {
            return Verdict::Infeasible(format!(
                "Node didn't have enough capacity: {res}, requested: {n}, capacity: {c}"
            ));
        }
        if n + u > c {
            return Verdict::Deferred(format!(
                "Node didn't have enough resource: {res}, requested: {n}, used: {u}, capacity: {c}"
            ));
        }
    }
    Verdict::Fits
}

fn larger(a: Option<i64>, b: Option<i64>) -> Option<i64> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    }
}

/// Requests a pod holds on its node from what the kubelet allocated and what runs.
pub fn held(allocated: &Resources, actual: &Resources, extra: &Extra) -> CpuMem {
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
    counted(&merged, extra)
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
        let none = Extra::default();
        assert_eq!(held(&alloc, &actual, &none).cpu_millis, Some(500));
        assert_eq!(held(&actual, &alloc, &none).cpu_millis, Some(500));
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

    /// The scheduler's rule (resize-api.md §1.4, §2.6): a plain init container counts when it
    /// alone is larger than the running containers, with the sidecars started before it.
    #[test]
    fn init_containers_and_overhead_count_as_the_scheduler_counts() {
        let pod: Pod = serde_json::from_value(serde_json::json!({"spec": {
            "containers": [{"name": "app", "resources": {"requests": {"cpu": "1"}}}],
            "initContainers": [
                {"name": "side", "restartPolicy": "Always", "resources": {"requests": {"cpu": "500m"}}},
                {"name": "migrate", "resources": {"requests": {"cpu": "3"}}}
            ],
            "overhead": {"cpu": "100m"}
        }}))
        .unwrap_or_default();
        let extra = extra_of(&pod);
        assert_eq!(extra.init.cpu_millis, Some(3500));
        let map = Resources::from([("app".into(), spec(1000)), ("side".into(), spec(500))]);
        assert_eq!(counted(&map, &extra).cpu_millis, Some(3600));
        assert_eq!(
            verdict(counted(&map, &extra), CpuMem::ZERO, spec(3000).requests),
            Verdict::Infeasible(
                "Node didn't have enough capacity: cpu, requested: 3600, capacity: 3000".into()
            )
        );
    }
}
