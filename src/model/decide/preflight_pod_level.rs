//! Pod-level resources and the 1.35 gate (issue 27 point 6, resize-api.md §1.3): on 1.35 a pod
//! with pod-level `spec.resources` can be resized only with the alpha gate
//! `InPlacePodLevelResourcesVerticalScaling`, off by default, and without it every resize of
//! such a pod is refused, container-level ones included (round4 plr-07/plr-08). A kubelet with
//! the gate publishes the pod-level status fields (§2.6), so a pod with pod-level resources
//! and none of them is taken to be on a cluster with the gate off.

use crate::model::pods::row::PodRow;

/// The server's words for it (round4 plr-07).
pub const POD_LEVEL_GATE_OFF: &str = "resize of pods with pod-level resources is forbidden when InPlacePodLevelResourcesVerticalScalingEnabled feature gate is disabled";

/// The server's refusal of any resize of `pod` on a 1.`minor` server, when the gate is off.
pub fn pod_level_gate_refusal(pod: &PodRow, minor: u32) -> Option<String> {
    if minor != 35 || pod.pod_resources.is_none() {
        return None;
    }
    let published = pod
        .pod_level
        .as_deref()
        .is_some_and(|l| l.allocated.is_some() || l.actual.is_some());
    (!published).then(|| {
        format!(
            "Pod {:?} is invalid: []: Forbidden: {POD_LEVEL_GATE_OFF}",
            pod.name
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::pods::slim::SlimPod;
    use serde_json::json;

    fn pod(level: bool, status: serde_json::Value) -> PodRow {
        let mut spec = json!({"containers": [{"name": "app",
            "resources": {"requests": {"cpu": "100m", "memory": "64Mi"}}}]});
        if level {
            spec["resources"] = json!({"requests": {"cpu": "500m", "memory": "256Mi"}});
        }
        let v = json!({"metadata": {"name": "pl", "namespace": "ns", "uid": "u"},
            "spec": spec, "status": status});
        PodRow::from_slim(&serde_json::from_value::<SlimPod>(v).unwrap_or_default())
    }

    #[test]
    fn only_1_35_without_pod_level_status_is_taken_as_the_gate_off() {
        let bare = pod(true, json!({"phase": "Running"}));
        let text = pod_level_gate_refusal(&bare, 35).expect("gate off");
        assert_eq!(
            text,
            format!("Pod \"pl\" is invalid: []: Forbidden: {POD_LEVEL_GATE_OFF}")
        );
        // 1.36 has the gate on by default; 1.32–1.34 refuse by the version rule instead.
        assert_eq!(pod_level_gate_refusal(&bare, 36), None);
        assert_eq!(pod_level_gate_refusal(&bare, 34), None);
        assert_eq!(pod_level_gate_refusal(&pod(false, json!({})), 35), None);
        let published = pod(
            true,
            json!({"phase": "Running", "allocatedResources": {"cpu": "500m", "memory": "256Mi"}}),
        );
        assert_eq!(pod_level_gate_refusal(&published, 35), None);
    }
}
