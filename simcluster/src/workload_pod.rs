//! Generated pods with pod-level resources (resize-api.md §1.3, 1.34+ modes): pod-level requests
//! are the containers' sum, pod-level limits twice that (at least the containers' own limits),
//! so the pod is Burstable and its pod-level limits can be resized.

use super::podutil::{requirements, spec_of};
use crate::resources::{CpuMem, ResourceSpec};
use k8s_openapi::api::core::v1::Pod;

/// Whether the generator gives the `index`th pod pod-level resources on server `1.minor`.
pub fn wants_pod_level(minor: u32, index: usize) -> bool {
    minor >= 34 && index % 10 == 9 && index < 60
}

/// Adds pod-level `spec.resources` to `pod`, derived from its containers.
pub fn add_pod_level(pod: &mut Pod) {
    let Some(spec) = pod.spec.as_mut() else {
        return;
    };
    let mut requests = CpuMem::ZERO;
    let mut limits = CpuMem::ZERO;
    for c in &spec.containers {
        let r = spec_of(c.resources.as_ref());
        let own = r.effective_requests();
        let add = |a: Option<i64>, b: Option<i64>| Some(a.unwrap_or(0) + b.unwrap_or(0));
        requests.cpu_millis = add(requests.cpu_millis, own.cpu_millis);
        requests.memory_bytes = add(requests.memory_bytes, own.memory_bytes);
        limits.cpu_millis = limits.cpu_millis.max(r.limits.cpu_millis);
        limits.memory_bytes = limits.memory_bytes.max(r.limits.memory_bytes);
    }
    let cpu = requests.cpu_millis.unwrap_or(0).max(100);
    let memory = requests.memory_bytes.unwrap_or(0).max(128 << 20);
    let pod_level = ResourceSpec {
        requests: CpuMem {
            cpu_millis: Some(cpu),
            memory_bytes: Some(memory),
        },
        limits: CpuMem {
            cpu_millis: Some((cpu * 2).max(limits.cpu_millis.unwrap_or(0))),
            memory_bytes: Some((memory * 2).max(limits.memory_bytes.unwrap_or(0))),
        },
    };
    spec.resources = Some(requirements(&pod_level));
}
