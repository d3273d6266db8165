//! The kubelet admits a resize that asks for no more than the pod holds, even on a node whose
//! pods together ask for more than it has: only growth is predicted Deferred.

use super::*;
use crate::model::pods::slim::SlimPod;

/// A running pod holding 1 cpu (desired = allocated = actual).
fn holding_one_cpu() -> PodRow {
    let q = serde_json::json!({"cpu": "1", "memory": "256Mi"});
    let pod = serde_json::json!({
        "metadata": {"name": "p", "namespace": "ns"},
        "spec": {"nodeName": "n", "containers": [{"name": "c", "resources": {"requests": q}}]},
        "status": {"phase": "Running", "qosClass": "Burstable", "containerStatuses": [
            {"name": "c", "state": {"running": {}}, "allocatedResources": q,
             "resources": {"requests": q}}]},
    });
    PodRow::from_slim(&serde_json::from_value::<SlimPod>(pod).unwrap_or_default())
}

#[test]
fn a_decrease_on_an_over_committed_node_is_predicted_admitted_growth_deferred() {
    let p = holding_one_cpu();
    let n = NodeInfo {
        name: "n".into(),
        allocatable: CpuMem {
            cpu_millis: Some(4000),
            memory_bytes: Some(8 << 30),
        },
    };
    // The others already count 3500m: 500m free for a pod holding 1000m.
    let others = CpuMem {
        cpu_millis: Some(3500),
        memory_bytes: Some(0),
    };
    let mut edits = Edits::from_spec(&p.containers[0].desired);
    edits.cpu_request = Some(800);
    let down = plan_resize(&p, "c", edits, 35, Some(&n), others);
    assert_eq!(down.prediction, Prediction::FitsNow);
    edits.cpu_request = Some(1200);
    let up = plan_resize(&p, "c", edits, 35, Some(&n), others);
    assert!(
        matches!(up.prediction, Prediction::Deferred { .. }),
        "{:?}",
        up.prediction
    );
}
