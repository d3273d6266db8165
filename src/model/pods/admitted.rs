//! What the kubelet counts for the other pods on its node when it decides a resize now, as
//! opposed to what the scheduler counts (`counted.rs`). The kubelet's admission handler sums
//! the requests it has *allocated* to the other pods (resize-api.md §4.8, Deferred: `Node didn't
//! have enough resource: cpu, requested: 1500, used: 1450, capacity: 1930`, where "used" is the
//! other pods' allocation; §2.3: `allocatedResources` are "the requests the kubelet admitted").
//! A neighbour's own Deferred grow has not been allocated, so it takes no room in that sum,
//! while the scheduler keeps counting it at its desired value (§3.4, KEP §Resource Quota).
//! A shrink allocated but not yet applied still holds what runs, as the simulated kubelet
//! (`simcluster/src/kubelet_room.rs`, `held`) counts it.
//!
//! Every "will the kubelet admit this resize now" answer reads from here: the editor's, the
//! boost form's and `podsize resize`'s prediction, the room make-room must free for a Deferred
//! resize, and the room a Deferred resize still misses. "What the node has given away" (the
//! node view's requested column, room for a new pod) stays the scheduler's count.

use super::counted::{containers_total, running_total};
use crate::model::ground::resources::CpuMem;
use crate::model::pods::row::{ContainerRow, PodRow};

fn larger(a: Option<i64>, b: Option<i64>) -> Option<i64> {
    Some(a.unwrap_or(0).max(b.unwrap_or(0)))
}

/// The requests the kubelet holds for one container: what it allocated, or what runs where
/// that is more. The desired values only where it reported neither (a container not started
/// yet, or a kubelet without resize support): then nothing was resized and desired is what it
/// admitted with the pod.
pub fn admitted_container(c: &ContainerRow) -> CpuMem {
    if c.allocated.is_none() && c.actual.is_none() {
        let desired = c.desired.effective_requests();
        return CpuMem {
            cpu_millis: Some(desired.cpu_millis.unwrap_or(0)),
            memory_bytes: Some(desired.memory_bytes.unwrap_or(0)),
        };
    }
    let alloc = c.allocated.unwrap_or_default();
    let actual = c.actual.map(|a| a.requests).unwrap_or_default();
    CpuMem {
        cpu_millis: larger(alloc.cpu_millis, actual.cpu_millis),
        memory_bytes: larger(alloc.memory_bytes, actual.memory_bytes),
    }
}

/// The requests the kubelet holds for a pod when it admits another pod's resize: its
/// containers added up as the scheduler adds them (sidecars summed, a plain init container only
/// when it alone is larger), each at what was admitted; pod-level resources (§1.3, §2.6) at the
/// pod-level allocation where they are set.
pub fn admitted_requests(pod: &PodRow) -> CpuMem {
    let total = containers_total(pod, admitted_container);
    pod_level_admitted(pod).unwrap_or(total)
}

/// Pod-level requests as admitted: `status.allocatedResources` (or `status.resources` where
/// more) when the kubelet reported them (1.35+), else the desired pod-level values, which
/// before 1.35 cannot be resized and so are what was admitted. A resource without a pod-level
/// request falls back to the containers' sum.
fn pod_level_admitted(pod: &PodRow) -> Option<CpuMem> {
    let want = pod.pod_resources?.effective_requests();
    let level = pod.pod_level.as_deref();
    let alloc = level.and_then(|l| l.allocated);
    let actual = level.and_then(|l| l.actual).map(|a| a.requests);
    let held = match (alloc, actual) {
        (None, None) => want,
        (a, b) => {
            let (a, b) = (a.unwrap_or_default(), b.unwrap_or_default());
            CpuMem {
                cpu_millis: larger(a.cpu_millis, b.cpu_millis),
                memory_bytes: larger(a.memory_bytes, b.memory_bytes),
            }
        }
    };
    let sum = running_total(pod, admitted_container);
    let pick = |w: Option<i64>, h: Option<i64>, s: Option<i64>| match w {
        Some(_) => h.or(w),
        None => s,
    };
    Some(CpuMem {
        cpu_millis: pick(want.cpu_millis, held.cpu_millis, sum.cpu_millis),
        memory_bytes: pick(want.memory_bytes, held.memory_bytes, sum.memory_bytes),
    })
}

/// What the kubelet holds for the pods other than `pod` on `pod`'s node that still hold room
/// (finished pods do not): the "used" its admission compares a resize of `pod` with.
pub fn admitted_of_neighbours<'a>(
    pod: &PodRow,
    pods: impl IntoIterator<Item = &'a PodRow>,
) -> CpuMem {
    let Some(node) = &pod.node else {
        return CpuMem::ZERO;
    };
    pods.into_iter()
        .filter(|p| p.cluster == pod.cluster && p.node.as_ref() == Some(node) && p.uid != pod.uid)
        .filter(|p| super::counted::holds_room(p))
        .fold(CpuMem::ZERO, |sum, p| sum.plus(admitted_requests(p)))
}

#[cfg(test)]
#[path = "admitted_tests.rs"]
mod admitted_tests;
