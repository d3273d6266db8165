//! Derives each container's and the pod's `ResizeState` from a projected row.
//! Precedence follows resize-api.md §5.2: conditions (1.33+), then the legacy
//! `status.resize` field, then a comparison of desired, allocated and actual.

use super::resize_state::ResizeState;
use super::resources::CpuMem;
use super::row::{ContainerKind, ContainerRow, PodRow, RunState};

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

fn container_state(c: &ContainerRow, pod: &PodRow) -> ResizeState {
    if c.run_state == RunState::NoStatus {
        return ResizeState::NotStarted;
    }
    let alloc_differs = allocation_differs(c);
    let actual_differs = actuation_differs(c);
    let waits_for_allocation = alloc_differs.unwrap_or(actual_differs == Some(true));
    let differs = alloc_differs == Some(true) || actual_differs == Some(true);

    if waits_for_allocation && let Some(state) = pod.resize.pending_state() {
        return state;
    }
    if differs {
        if let Some(state) = pod.resize.in_progress_state() {
            return state;
        }
        if let Some(state) = pod.resize.legacy_state() {
            return state;
        }
    }
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

/// Fills `state` on every container and on the pod.
pub fn derive_states(row: &mut PodRow) {
    let states: Vec<ResizeState> = row
        .containers
        .iter()
        .map(|c| container_state(c, row))
        .collect();
    for (container, state) in row.containers.iter_mut().zip(states) {
        container.state = state;
    }
    let most_severe = row
        .containers
        .iter()
        .map(|c| &c.state)
        .max_by_key(|s| s.severity())
        .cloned()
        .unwrap_or(ResizeState::None);
    // A condition that no container explains still belongs to the pod.
    let unexplained = [row.resize.pending_state(), row.resize.in_progress_state()]
        .into_iter()
        .flatten()
        .max_by_key(|s| s.severity());
    row.state = match unexplained {
        Some(cond) if cond.severity() > most_severe.severity() => cond,
        _ => most_severe,
    };
}
