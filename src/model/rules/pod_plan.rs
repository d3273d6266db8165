//! A resize of pod-level `spec.resources` (resize-api.md §1.3): new pod-level requests and
//! limits, the strategic merge patch `{"spec":{"resources":{...}}}` for `pods/NAME/resize`, the
//! local checks (request ≤ limit, no removal, QoS unchanged) and the version's refusal.

use crate::model::ground::quantity::{cpu_canonical, memory_canonical};
use crate::model::ground::resources::{CpuMem, ResourceSpec};
use crate::model::pods::events::NodeInfo;
use crate::model::pods::qos::{QosClass, pod_level_qos_class};
use crate::model::pods::row::{ContainerKind, PodRow, RunState};
use crate::model::rules::patch::pod_level_patch;
use crate::model::rules::plan::{Edits, Field, PlanError, Prediction, predict_requests};
use crate::model::rules::server::{Server, unresizable_reasons};
use serde_json::Value;

/// A worked-out pod-level resize.
#[derive(Clone, Debug, PartialEq)]
pub struct PodLevelPlan {
    pub namespace: String,
    pub pod: String,
    pub new_spec: ResourceSpec,
    pub patch: Value,
    pub changed: bool,
    pub qos_before: QosClass,
    pub qos_after: QosClass,
    pub prediction: Prediction,
    pub errors: Vec<PlanError>,
}

impl PodLevelPlan {
    pub fn is_sendable(&self) -> bool {
        self.errors.is_empty() && self.changed
    }

    pub fn target_description(&self) -> String {
        format!("pods/{}/resize (pod-level resources)", self.pod)
    }
}

/// The requests the scheduler counts with pod-level `spec`: its own where set, else the sum
/// of the containers' (init containers aside).
fn pod_requests(pod: &PodRow, spec: &ResourceSpec) -> CpuMem {
    let own = spec.effective_requests();
    let sum = pod
        .containers
        .iter()
        .filter(|c| c.kind != ContainerKind::Init)
        .fold(CpuMem::ZERO, |s, c| s.plus(c.desired.effective_requests()));
    CpuMem {
        cpu_millis: own.cpu_millis.or(sum.cpu_millis),
        memory_bytes: own.memory_bytes.or(sum.memory_bytes),
    }
}

fn whole(message: impl Into<String>) -> PlanError {
    PlanError {
        field: Field::Whole,
        message: message.into(),
    }
}

fn local_checks(old: &ResourceSpec, new: &ResourceSpec) -> Vec<PlanError> {
    let mut errors = Vec::new();
    let pairs = [
        (
            "cpu",
            Field::CpuRequest,
            Field::CpuLimit,
            old.requests.cpu_millis,
            new.requests.cpu_millis,
            old.limits.cpu_millis,
            new.limits.cpu_millis,
            cpu_canonical as fn(i64) -> String,
        ),
        (
            "memory",
            Field::MemoryRequest,
            Field::MemoryLimit,
            old.requests.memory_bytes,
            new.requests.memory_bytes,
            old.limits.memory_bytes,
            new.limits.memory_bytes,
            memory_canonical,
        ),
    ];
    for (key, req_field, lim_field, old_req, req, old_lim, lim, text) in pairs {
        if let (Some(r), Some(l)) = (req, lim)
            && r > l
        {
            errors.push(PlanError {
                field: req_field,
                message: format!(
                    "spec.resources.requests: Invalid value: {:?}: must be less than or equal to {key} limit of {}",
                    text(r),
                    text(l)
                ),
            });
        }
        if old_req.is_some() && req.is_none() {
            errors.push(PlanError {
                field: req_field,
                message: format!("pod-level {key} request cannot be removed"),
            });
        }
        if old_lim.is_some() && lim.is_none() {
            errors.push(PlanError {
                field: lim_field,
                message: format!("pod-level {key} limit cannot be removed"),
            });
        }
    }
    errors
}

/// Works out a resize of `pod`'s pod-level resources to `edits` for `server`; `others` is the
/// sum of the requests of the other pods on its node.
pub fn plan_pod_level(
    pod: &PodRow,
    edits: Edits,
    server: impl Into<Server>,
    node: Option<&NodeInfo>,
    others: CpuMem,
) -> PodLevelPlan {
    let server = server.into();
    let mut errors = Vec::new();
    let old = pod.pod_resources.unwrap_or_default();
    let new_spec = edits.spec();
    if pod.pod_resources.is_none() {
        errors.push(whole(format!(
            "pod {} has no pod-level resources (spec.resources)",
            pod.name
        )));
    }
    if server.minor < 32 {
        errors.push(whole(
            "pod-level resources cannot be resized in place before Kubernetes 1.35",
        ));
    }
    errors.extend(
        unresizable_reasons(pod, ContainerKind::Regular, RunState::Running, &server)
            .into_iter()
            .map(whole),
    );
    errors.extend(local_checks(&old, &new_spec));
    let qos_before = pod.qos.unwrap_or_else(|| pod_level_qos_class(&old));
    let qos_after = pod_level_qos_class(&new_spec);
    if qos_before != qos_after {
        errors.push(whole(format!(
            "spec: Invalid value: {:?}: Pod QOS Class may not change as a result of resizing",
            qos_before.as_str()
        )));
    }
    let changed = new_spec != old;
    if !changed && errors.is_empty() {
        errors.push(whole(
            "nothing to change: the values equal the desired ones",
        ));
    }
    let prediction = node.map_or(Prediction::Unknown, |n| {
        predict_requests(pod_requests(pod, &new_spec), n, others)
    });
    PodLevelPlan {
        namespace: pod.namespace.clone(),
        pod: pod.name.clone(),
        new_spec,
        patch: pod_level_patch(&new_spec, &old),
        changed,
        qos_before,
        qos_after,
        prediction,
        errors,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::pods::slim::SlimPod;
    use serde_json::json;

    fn pod() -> PodRow {
        let pod = serde_json::json!({
            "metadata": {"name": "p", "namespace": "ns"},
            "spec": {"resources": {"requests": {"cpu": "1", "memory": "1Gi"},
                                   "limits": {"cpu": "2", "memory": "2Gi"}},
                     "containers": [{"name": "c"}]},
            "status": {"qosClass": "Burstable", "containerStatuses": [
                {"name": "c", "state": {"running": {}}, "resources": {}}]},
        });
        PodRow::from_slim(&serde_json::from_value::<SlimPod>(pod).unwrap_or_default())
    }

    fn edits(p: &PodRow) -> Edits {
        Edits::from_spec(&p.pod_resources.unwrap_or_default())
    }

    #[test]
    fn patch_names_only_the_changed_pod_level_keys() {
        let p = pod();
        let mut e = edits(&p);
        e.cpu_limit = Some(3000);
        let plan = plan_pod_level(&p, e, 36, None, CpuMem::ZERO);
        assert!(plan.is_sendable(), "{:?}", plan.errors);
        assert_eq!(
            plan.patch,
            json!({"spec": {"resources": {"limits": {"cpu": "3"}}}})
        );
    }

    #[test]
    fn refused_with_the_real_text_on_1_32_to_1_34() {
        let p = pod();
        let mut e = edits(&p);
        e.cpu_limit = Some(3000);
        for minor in 32..=34 {
            let plan = plan_pod_level(&p, e, minor, None, CpuMem::ZERO);
            assert!(!plan.is_sendable());
            assert!(
                plan.errors
                    .iter()
                    .any(|e| e.message == "pods with pod-level resources cannot be resized")
            );
        }
        // 1.35: the gate cannot be known; the plan is sent and the server answers.
        assert!(plan_pod_level(&p, e, 35, None, CpuMem::ZERO).is_sendable());
    }

    #[test]
    fn local_checks_catch_request_above_limit_removal_and_qos_change() {
        let p = pod();
        let mut e = edits(&p);
        e.cpu_request = Some(3000);
        let plan = plan_pod_level(&p, e, 36, None, CpuMem::ZERO);
        assert!(plan.errors.iter().any(|e| {
            e.field == Field::CpuRequest
                && e.message
                    .contains("must be less than or equal to cpu limit of 2")
        }));
        let mut e = edits(&p);
        e.memory_limit = None;
        let plan = plan_pod_level(&p, e, 36, None, CpuMem::ZERO);
        assert!(plan.errors.iter().any(|e| e.field == Field::MemoryLimit));
        let mut e = edits(&p);
        e.cpu_request = Some(2000);
        e.memory_request = Some(2 << 30);
        let plan = plan_pod_level(&p, e, 36, None, CpuMem::ZERO);
        assert_eq!(plan.qos_after, QosClass::Guaranteed);
        assert!(
            plan.errors
                .iter()
                .any(|e| e.message.contains("Pod QOS Class"))
        );
    }
}
