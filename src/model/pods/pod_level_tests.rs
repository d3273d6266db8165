//! The pod level as projected and derived: read from the pod's status, its state, and what
//! the node counts for it.

use crate::model::pods::resize_state::ResizeState;
use crate::model::pods::row::PodRow;
use crate::model::pods::slim::SlimPod;
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
