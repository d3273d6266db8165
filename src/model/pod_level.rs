//! Pod-level resources (resize-api.md §1.3, §2.6): what the kubelet allocated and applied for
//! the pod as a whole, and the pod level's resize state. A resize is atomic (§4.8): the pod's
//! conditions answer for the pod level as for its containers.

use super::resize_state::ResizeState;
use super::resources::{CpuMem, ResourceSpec};
use super::row::{PodRow, RunState, read_resources, read_spec};
use super::slim::SlimPod;

/// Pod-level status next to the desired `PodRow::pod_resources`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PodLevel {
    /// `status.allocatedResources` (requests only; 1.35+).
    pub allocated: Option<CpuMem>,
    /// `status.resources` (1.35+; `None` before, or when the node does not report it).
    pub actual: Option<ResourceSpec>,
    pub state: ResizeState,
}

impl Default for PodLevel {
    fn default() -> Self {
        Self {
            allocated: None,
            actual: None,
            state: ResizeState::None,
        }
    }
}

/// Reads the pod-level status of a pod that has pod-level resources (`has_spec`).
pub fn read(pod: &SlimPod, has_spec: bool) -> Option<Box<PodLevel>> {
    if !has_spec {
        return None;
    }
    let mut problems = Vec::new();
    let allocated = pod
        .status
        .allocated_resources
        .as_ref()
        .map(|raw| read_resources(Some(raw), &mut problems));
    let actual = pod
        .status
        .resources
        .as_ref()
        .map(|r| read_spec(Some(r), &mut problems));
    Some(Box::new(PodLevel {
        allocated,
        actual,
        state: ResizeState::None,
    }))
}

/// The pod's requests as the node counts them: pod-level requests (the larger of desired and
/// allocated) where set, else `containers`, the containers' sum.
pub fn counted_requests(row: &PodRow, containers: CpuMem) -> CpuMem {
    let Some(desired) = row.pod_resources else {
        return containers;
    };
    let want = desired.effective_requests();
    let alloc = row.pod_level.as_deref().and_then(|l| l.allocated);
    let pick = |want: Option<i64>, alloc: Option<i64>, sum: Option<i64>| {
        want.map(|w| w.max(alloc.unwrap_or(0))).or(sum)
    };
    CpuMem {
        cpu_millis: pick(
            want.cpu_millis,
            alloc.and_then(|a| a.cpu_millis),
            containers.cpu_millis,
        ),
        memory_bytes: pick(
            want.memory_bytes,
            alloc.and_then(|a| a.memory_bytes),
            containers.memory_bytes,
        ),
    }
}

fn same(a: CpuMem, b: CpuMem) -> bool {
    a.cpu_millis == b.cpu_millis && a.memory_bytes == b.memory_bytes
}

/// The pod level's state: the pod's own answer when there is one, else desired against
/// allocated and actual (§5.2 C).
pub fn state(row: &PodRow, pod_answer: Option<&ResizeState>) -> Option<ResizeState> {
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
    let alloc_differs = level.allocated.is_some_and(|a| !same(a, want));
    let actual_differs = level
        .actual
        .is_some_and(|a| !same(a.requests, want) || !same(a.limits, desired.limits));
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn row(status: serde_json::Value) -> PodRow {
        let pod = json!({
            "metadata": {"name": "p", "namespace": "ns", "generation": 2},
            "spec": {"resources": {"requests": {"cpu": "1", "memory": "1Gi"},
                                   "limits": {"cpu": "2", "memory": "1Gi"}},
                     "containers": [{"name": "c"}]},
            "status": status,
        });
        let slim: SlimPod = serde_json::from_value(pod).unwrap_or_default();
        PodRow::from_slim(&slim)
    }

    fn running(extra: serde_json::Value) -> serde_json::Value {
        let mut status = json!({
            "phase": "Running", "observedGeneration": 2,
            "containerStatuses": [{"name": "c", "state": {"running": {}},
                                   "resources": {}}],
        });
        if let (Some(s), Some(e)) = (status.as_object_mut(), extra.as_object()) {
            s.extend(e.clone());
        }
        status
    }

    #[test]
    fn reads_pod_level_status() {
        let r = row(running(json!({
            "allocatedResources": {"cpu": "1", "memory": "1Gi"},
            "resources": {"requests": {"cpu": "1", "memory": "1Gi"},
                          "limits": {"cpu": "2", "memory": "1Gi"}},
        })));
        let level = r.pod_level.as_deref().expect("pod level");
        assert_eq!(level.allocated.and_then(|a| a.cpu_millis), Some(1000));
        assert_eq!(level.actual.and_then(|a| a.limits.cpu_millis), Some(2000));
        assert_eq!(level.state, ResizeState::None);
    }

    #[test]
    fn allocation_behind_is_submitted_and_actual_behind_is_applied_when_caught_up() {
        let r = row(running(
            json!({"allocatedResources": {"cpu": "500m", "memory": "1Gi"}}),
        ));
        assert_eq!(r.pod_level.map(|l| l.state), Some(ResizeState::Submitted));
        assert_eq!(r.state, ResizeState::Submitted);
        let r = row(running(json!({
            "allocatedResources": {"cpu": "1", "memory": "1Gi"},
            "resources": {"requests": {"cpu": "1", "memory": "1Gi"},
                          "limits": {"cpu": "1", "memory": "1Gi"}},
        })));
        assert_eq!(r.pod_level.map(|l| l.state), Some(ResizeState::Applied));
    }

    #[test]
    fn pod_level_requests_are_what_the_node_counts() {
        let r = row(running(
            json!({"allocatedResources": {"cpu": "1500m", "memory": "1Gi"}}),
        ));
        let counted = r.effective_requests();
        assert_eq!(counted.cpu_millis, Some(1500));
        assert_eq!(counted.memory_bytes, Some(1 << 30));
    }

    #[test]
    fn pod_conditions_cover_the_pod_level() {
        let r = row(running(json!({"conditions": [{"type": "PodResizePending",
            "status": "True", "reason": "Deferred", "message": "no room",
            "observedGeneration": 2}]})));
        assert_eq!(
            r.pod_level.map(|l| l.state),
            Some(ResizeState::Deferred("no room".into()))
        );
    }

    #[test]
    fn no_status_published_means_nothing_to_compare() {
        let r = row(running(json!({})));
        assert_eq!(r.pod_level.map(|l| l.state), Some(ResizeState::None));
        let plain = PodRow::from_slim(&SlimPod::default());
        assert!(plain.pod_level.is_none());
    }
}
