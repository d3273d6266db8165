//! What the scheduler counts for a pod on its node (resize-api.md §3.4 / KEP §Resource Quota):
//! per container the largest of desired, allocated and actual requests while a resize is in
//! progress, pod-level resources overriding the sum. A resize the kubelet answered Infeasible
//! will not happen, so the scheduler (and `kubectl describe node`) count what the pod was
//! allocated and runs with, not what it asked for: Kubernetes' shared resource helpers
//! (`PodRequests` with status resources) have done so in every version with in-place resize,
//! reading `status.resize` up to 1.32 and the `PodResizePending` condition from 1.33. The rule
//! for what a node has given away (the node view, `podsize nodes`, room for a new pod); whether
//! the kubelet admits a resize now is counted otherwise, in `admitted.rs`.

use crate::model::ground::resources::CpuMem;
use crate::model::pods::row::{ContainerKind, ContainerRow, PodRow};

impl PodRow {
    /// Requests the scheduler counts for this pod on its node.
    pub fn effective_requests(&self) -> CpuMem {
        counted_requests(self)
    }
}

/// The kubelet answered this pod's resize Infeasible (condition or `status.resize`).
pub fn resize_infeasible(pod: &PodRow) -> bool {
    pod.resize.pending.as_ref().is_some_and(|p| p.infeasible)
        || pod.resize.legacy.as_deref() == Some("Infeasible")
}

fn max3(a: Option<i64>, b: Option<i64>, c: Option<i64>) -> i64 {
    a.unwrap_or(0).max(b.unwrap_or(0)).max(c.unwrap_or(0))
}

/// What the scheduler counts for one container: the largest of desired (defaulted from the
/// limit), allocated and actual requests, so room promised to a resize is never given away.
pub fn counted_container(c: &ContainerRow) -> CpuMem {
    counted_container_of(c, false)
}

/// `counted_container`, for a pod whose resize is Infeasible when `infeasible`: then only what
/// was allocated and applied counts (the desired figures, when the kubelet reported neither).
fn counted_container_of(c: &ContainerRow, infeasible: bool) -> CpuMem {
    let reported = c.allocated.is_some() || c.actual.is_some();
    let desired = if infeasible && reported {
        CpuMem::default()
    } else {
        c.desired.effective_requests()
    };
    let alloc = c.allocated.unwrap_or_default();
    let actual = c.actual.map(|a| a.requests).unwrap_or_default();
    CpuMem {
        cpu_millis: Some(max3(
            desired.cpu_millis,
            alloc.cpu_millis,
            actual.cpu_millis,
        )),
        memory_bytes: Some(max3(
            desired.memory_bytes,
            alloc.memory_bytes,
            actual.memory_bytes,
        )),
    }
}

/// What the scheduler counts for a pod: regular and sidecar containers summed (a plain init
/// container counts only when it alone is larger), pod-level resources overriding the sum.
pub fn counted_requests(pod: &PodRow) -> CpuMem {
    let infeasible = resize_infeasible(pod);
    let total = containers_total(pod, |c| counted_container_of(c, infeasible));
    pod_level_counted(pod).unwrap_or(total)
}

/// A pod's containers as both the scheduler and the kubelet add them up, each counted by
/// `count`: regular and sidecar containers summed, a plain init container only when it alone
/// is larger.
pub(super) fn containers_total(pod: &PodRow, count: impl Fn(&ContainerRow) -> CpuMem) -> CpuMem {
    let running = running_total(pod, &count);
    let init = pod
        .containers
        .iter()
        .filter(|c| c.kind == ContainerKind::Init)
        .map(&count)
        .fold(CpuMem::ZERO, |m, c| CpuMem {
            cpu_millis: m.cpu_millis.max(c.cpu_millis),
            memory_bytes: m.memory_bytes.max(c.memory_bytes),
        });
    CpuMem {
        cpu_millis: running.cpu_millis.max(init.cpu_millis),
        memory_bytes: running.memory_bytes.max(init.memory_bytes),
    }
}

/// The regular and sidecar containers of `pod` summed, each counted by `count`.
pub(super) fn running_total(pod: &PodRow, count: impl Fn(&ContainerRow) -> CpuMem) -> CpuMem {
    pod.containers
        .iter()
        .filter(|c| c.kind != ContainerKind::Init)
        .fold(CpuMem::ZERO, |sum, c| sum.plus(count(c)))
}

/// Pod-level resources decide the pod's requests when set (resize-api.md §1.3); the same
/// largest-of-three rule applies to them, falling back to the containers' sum per resource.
fn pod_level_counted(pod: &PodRow) -> Option<CpuMem> {
    let want = pod.pod_resources?.effective_requests();
    let level = pod.pod_level.as_deref();
    let alloc = level.and_then(|l| l.allocated).unwrap_or_default();
    let actual = level
        .and_then(|l| l.actual)
        .map(|a| a.requests)
        .unwrap_or_default();
    // Infeasible: the pod-level figures the kubelet allocated or applied, where it reported any.
    let refused = resize_infeasible(pod);
    let infeasible = refused && (alloc != CpuMem::default() || actual != CpuMem::default());
    let pick = |w: Option<i64>, a: Option<i64>, b: Option<i64>| {
        w.map(|w| max3((!infeasible).then_some(w), a, b))
    };
    let sum = running_total(pod, |c| counted_container_of(c, refused));
    Some(CpuMem {
        cpu_millis: pick(want.cpu_millis, alloc.cpu_millis, actual.cpu_millis).or(sum.cpu_millis),
        memory_bytes: pick(want.memory_bytes, alloc.memory_bytes, actual.memory_bytes)
            .or(sum.memory_bytes),
    })
}

/// The pod still holds room on its node (finished pods do not).
pub fn holds_room(pod: &PodRow) -> bool {
    !matches!(pod.phase.as_str(), "Succeeded" | "Failed")
}

#[cfg(test)]
#[path = "counted_tests.rs"]
mod counted_tests;
