//! The simulated kubelet's side of pod-level resources (resize-api.md §1.3, §2.6): the pod-level
//! values ride along in the kubelet's per-container maps under a key no container name can have,
//! count instead of the containers' sum where set, and are published as `status.resources` and
//! `status.allocatedResources` where the server version (and 1.35's alpha gate) has them.

use super::podutil::{requirements, spec_of};
use crate::resources::{CpuMem, ResourceSpec};
use k8s_openapi::api::core::v1::{Pod, PodStatus, ResourceRequirements};
use std::collections::BTreeMap;

/// Key of the pod-level entry: brackets never appear in a container name (a DNS label).
pub const POD_KEY: &str = "[pod]";

/// Pod-level `spec.resources` of `pod`, when it sets cpu or memory.
pub fn pod_level(pod: &Pod) -> Option<ResourceSpec> {
    let spec = spec_of(pod.spec.as_ref()?.resources.as_ref());
    (!spec.requests.is_empty() || !spec.limits.is_empty()).then_some(spec)
}

/// Adds the pod-level entry of `pod` to a per-container map.
pub fn with_pod_level(
    mut map: BTreeMap<String, ResourceSpec>,
    pod: &Pod,
) -> BTreeMap<String, ResourceSpec> {
    if let Some(spec) = pod_level(pod) {
        map.insert(POD_KEY.to_string(), spec);
    }
    map
}

/// Requests of a pod as the node counts them: pod-level requests where set, else the sum of
/// the containers' effective requests.
pub fn total(map: &BTreeMap<String, ResourceSpec>) -> CpuMem {
    let mut sum = CpuMem {
        cpu_millis: Some(0),
        memory_bytes: Some(0),
    };
    for (_, r) in map.iter().filter(|(k, _)| k.as_str() != POD_KEY) {
        let r = r.effective_requests();
        sum.cpu_millis = sum.cpu_millis.map(|v| v + r.cpu_millis.unwrap_or(0));
        sum.memory_bytes = sum.memory_bytes.map(|v| v + r.memory_bytes.unwrap_or(0));
    }
    let own = map
        .get(POD_KEY)
        .map(ResourceSpec::effective_requests)
        .unwrap_or_default();
    CpuMem {
        cpu_millis: own.cpu_millis.or(sum.cpu_millis),
        memory_bytes: own.memory_bytes.or(sum.memory_bytes),
    }
}

/// The pod-level (allocated, actual) a started pod's status reports, falling back to `want`.
pub fn from_status(pod: &Pod, want: &ResourceSpec) -> (ResourceSpec, ResourceSpec) {
    let st = pod.status.as_ref();
    let actual = st
        .and_then(|s| s.resources.as_ref())
        .map_or(*want, |r| spec_of(Some(r)));
    let allocated = st
        .and_then(|s| s.allocated_resources.as_ref())
        .map_or(actual, |m| ResourceSpec {
            requests: spec_of(Some(&ResourceRequirements {
                requests: Some(m.clone()),
                ..Default::default()
            }))
            .requests,
            limits: actual.limits,
        });
    (allocated, actual)
}

/// Writes pod-level `status.allocatedResources` (from `allocated`) and, when `actual` is given,
/// `status.resources`, if `publish` (1.35+ with the gate).
pub fn write_status(
    st: &mut PodStatus,
    map: &BTreeMap<String, ResourceSpec>,
    actual: bool,
    publish: bool,
) {
    let Some(spec) = map.get(POD_KEY).filter(|_| publish) else {
        return;
    };
    let req = requirements(spec);
    st.allocated_resources = req.requests.clone();
    if actual {
        st.resources = Some(req);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(cpu_req: Option<i64>, cpu_lim: Option<i64>) -> ResourceSpec {
        ResourceSpec {
            requests: CpuMem {
                cpu_millis: cpu_req,
                memory_bytes: None,
            },
            limits: CpuMem {
                cpu_millis: cpu_lim,
                memory_bytes: None,
            },
        }
    }

    #[test]
    fn pod_level_requests_replace_the_container_sum_where_set() {
        let mut map = BTreeMap::new();
        map.insert("a".to_string(), spec(Some(100), None));
        map.insert("b".to_string(), spec(Some(200), None));
        assert_eq!(total(&map).cpu_millis, Some(300));
        map.insert(POD_KEY.to_string(), spec(Some(1000), Some(2000)));
        assert_eq!(total(&map).cpu_millis, Some(1000));
        assert_eq!(total(&map).memory_bytes, Some(0));
    }
}
