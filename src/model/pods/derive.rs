//! Derives each container's and the pod's `ResizeState` from a projected row.
//! Precedence follows resize-api.md §5.2: conditions (1.33+), then the legacy
//! `status.resize` field, then a comparison of desired, allocated and actual.
//!
//! A resize is atomic (§4.8): the kubelet accepts or defers all of a pod's changes together, so
//! a pod-level answer (condition or `status.resize`) covers every container taking part in the
//! resize, and the pod's state is always the most severe of its containers' — one derivation
//! for the container view, the pod view and the header counters.

use crate::model::ground::resources::CpuMem;
use crate::model::pods::resize_state::{PendingResize, ResizeState};
use crate::model::pods::row::{ContainerKind, ContainerRow, PodRow, RunState};

/// Desired requests differ from what the kubelet allocated (`None`: not published, e.g. 1.32).
fn allocation_differs(c: &ContainerRow) -> Option<bool> {
    c.allocated
        .map(|alloc| !same_cpu_mem(alloc, c.desired.effective_requests()))
}

/// Desired requests/limits differ from what the runtime applied (`None`: not reported).
fn actuation_differs(c: &ContainerRow) -> Option<bool> {
    c.actual.map(|actual| {
        !same_cpu_mem(actual.requests, c.desired.effective_requests())
            || !same_cpu_mem(actual.limits, c.desired.limits)
    })
}

/// Compares only the keys podsize can resize. A side that omits a key the other has differs.
fn same_cpu_mem(a: CpuMem, b: CpuMem) -> bool {
    a.cpu_millis == b.cpu_millis && a.memory_bytes == b.memory_bytes
}

/// The pending condition, unless it answers an older request than the pod's newest
/// (its observedGeneration is below the pod's generation: §5.2, §5.3).
pub fn current_pending(pod: &PodRow) -> Option<&PendingResize> {
    pod.resize.pending.as_ref().filter(|p| {
        !matches!(
            (p.observed_generation, pod.generation),
            (Some(observed), Some(generation)) if observed < generation
        )
    })
}

/// The pod-level answer of the kubelet that covers every container in the resize.
fn pod_level_state(pod: &PodRow) -> Option<ResizeState> {
    let pending = current_pending(pod).map(|p| {
        if p.infeasible {
            ResizeState::Infeasible(p.message.clone())
        } else {
            ResizeState::Deferred(p.message.clone())
        }
    });
    // Both conditions can be present (a newer request deferred while an older one is applied):
    // the one needing more attention wins.
    let conditions = [pending, pod.resize.in_progress_state()]
        .into_iter()
        .flatten()
        .max_by_key(ResizeState::severity);
    conditions.or_else(|| pod.resize.legacy_state())
}

/// A plain init container that is not running takes no part in a resize.
fn takes_part(c: &ContainerRow) -> bool {
    c.kind != ContainerKind::Init || c.run_state == RunState::Running
}

fn container_state(c: &ContainerRow, pod: &PodRow, pod_level: Option<&ResizeState>) -> ResizeState {
    if c.run_state == RunState::NoStatus {
        return ResizeState::NotStarted;
    }
    if let Some(state) = pod_level.filter(|_| takes_part(c)) {
        return state.clone();
    }
    let alloc_differs = allocation_differs(c);
    let actual_differs = actuation_differs(c);
    let differs = alloc_differs == Some(true) || actual_differs == Some(true);
    let running = c.run_state == RunState::Running;
    if running && c.actual.is_none() && c.kind != ContainerKind::Init {
        return ResizeState::Unsupported;
    }
    if !differs {
        return ResizeState::None;
    }
    let kubelet_behind = matches!(
        (pod.generation, pod.observed_generation),
        (Some(g), Some(o)) if o < g
    );
    if kubelet_behind || alloc_differs == Some(true) {
        return ResizeState::Submitted;
    }
    // Allocated matches desired, only actual differs.
    let kubelet_caught_up = matches!(
        (pod.generation, pod.observed_generation),
        (Some(g), Some(o)) if o >= g
    );
    if kubelet_caught_up {
        ResizeState::Applied
    } else {
        ResizeState::InProgress
    }
}

/// The pod level's state: the pod's own answer when there is one, else desired against
/// allocated and actual (§5.2 C).
fn state_of_pod_level(row: &PodRow, pod_answer: Option<&ResizeState>) -> Option<ResizeState> {
    let desired = row.pod_resources?;
    let level = row.pod_level.as_deref()?;
    if row
        .containers
        .iter()
        .all(|c| c.run_state == RunState::NoStatus)
    {
        return Some(ResizeState::NotStarted);
    }
    if let Some(answer) = pod_answer {
        return Some(answer.clone());
    }
    let want = desired.effective_requests();
    let alloc_differs = level.allocated.is_some_and(|a| !same_cpu_mem(a, want));
    let actual_differs = level.actual.is_some_and(|a| {
        !same_cpu_mem(a.requests, want) || !same_cpu_mem(a.limits, desired.limits)
    });
    if !alloc_differs && !actual_differs {
        return Some(ResizeState::None);
    }
    let state = match (row.generation, row.observed_generation) {
        (Some(g), Some(o)) if o < g => ResizeState::Submitted,
        _ if alloc_differs => ResizeState::Submitted,
        (Some(_), Some(_)) => ResizeState::Applied,
        _ => ResizeState::InProgress,
    };
    Some(state)
}

/// Fills `state` on every container and on the pod.
pub(super) fn derive_states(row: &mut PodRow) {
    let pod_level = pod_level_state(row);
    let states: Vec<ResizeState> = row
        .containers
        .iter()
        .map(|c| container_state(c, row, pod_level.as_ref()))
        .collect();
    for (container, state) in row.containers.iter_mut().zip(states) {
        container.state = state;
    }
    let level_state = state_of_pod_level(row, pod_level.as_ref());
    if let (Some(level), Some(state)) = (row.pod_level.as_deref_mut(), level_state.clone()) {
        level.state = state;
    }
    let most_severe = row
        .containers
        .iter()
        .map(|c| &c.state)
        .chain(level_state.as_ref())
        .max_by_key(|s| s.severity())
        .cloned();
    // A pod without containers that take part can still carry the kubelet's answer.
    row.state = match (most_severe, pod_level) {
        (Some(state), _) => state,
        (None, Some(state)) => state,
        (None, None) => ResizeState::None,
    };
}

impl PodRow {
    /// Derives the resize states again after fields were changed in place.
    pub fn refresh_states(&mut self) {
        derive_states(self);
    }
}
