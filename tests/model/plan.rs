//! Resize plans: the patch sent, and every client-side rule with its message.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use podsize::model::ground::resources::CpuMem;
use podsize::model::pods::events::NodeInfo;
use podsize::model::pods::qos::QosClass;
use podsize::model::pods::row::RestartPolicy;
use podsize::model::rules::plan::{Edits, Field, Prediction, plan_resize};
use serde_json::json;

fn edits_of(file: &str, container: &str) -> (podsize::model::PodRow, Edits) {
    let pod = common::fixture_row(file);
    let edits = Edits::from_spec(&pod.container(container).unwrap().desired);
    (pod, edits)
}

#[test]
fn raising_a_cpu_request_patches_only_that_key() {
    let (pod, mut e) = edits_of("real-1.35-deferred.json", "istio-proxy");
    e.cpu_request = Some(300);
    let plan = plan_resize(&pod, "istio-proxy", e, 35, None, CpuMem::default());
    assert!(plan.is_sendable(), "{:?}", plan.errors);
    assert_eq!(
        plan.patch,
        json!({"spec": {"containers": [{"name": "istio-proxy", "resources": {"requests": {"cpu": "300m"}}}]}})
    );
    assert_eq!(plan.qos_before, QosClass::Burstable);
    assert_eq!(plan.qos_after, QosClass::Burstable);
    assert!(!plan.restarts, "cpu policy is NotRequired");
}

#[test]
fn memory_change_with_restart_policy_warns() {
    let (pod, mut e) = edits_of("real-1.35-deferred.json", "istio-proxy");
    e.memory_request = Some(200 << 20);
    let plan = plan_resize(&pod, "istio-proxy", e, 35, None, CpuMem::default());
    assert!(plan.restarts, "memory policy is RestartContainer");
    assert_eq!(
        plan.patch["spec"]["containers"][0]["resources"]["requests"]["memory"],
        "200Mi"
    );
}

#[test]
fn request_above_limit_is_refused_with_the_server_text() {
    let (pod, mut e) = edits_of("real-1.35-deferred.json", "istio-proxy");
    e.cpu_request = Some(2000);
    let plan = plan_resize(&pod, "istio-proxy", e, 35, None, CpuMem::default());
    assert!(!plan.is_sendable());
    let err = &plan.errors[0];
    assert_eq!(err.field, Field::CpuRequest);
    assert!(
        err.message
            .contains("must be less than or equal to cpu limit of 500m"),
        "{}",
        err.message
    );
}

#[test]
fn qos_change_is_refused() {
    let (pod, mut e) = edits_of("real-1.35-none.json", "admin-ui");
    e.cpu_request = Some(500);
    let plan = plan_resize(&pod, "admin-ui", e, 35, None, CpuMem::default());
    assert_eq!(plan.qos_before, QosClass::Guaranteed);
    assert_eq!(plan.qos_after, QosClass::Burstable);
    assert!(
        plan.errors.iter().any(|e| e
            .message
            .contains("Pod QOS Class may not change as a result of resizing")),
        "{:?}",
        plan.errors
    );
}

#[test]
fn removing_a_limit_is_refused() {
    let (pod, mut e) = edits_of("real-1.35-deferred.json", "admin-ui");
    e.memory_limit = None;
    let plan = plan_resize(&pod, "admin-ui", e, 35, None, CpuMem::default());
    assert!(
        plan.errors
            .iter()
            .any(|e| e.message.contains("resource limits cannot be removed")),
        "{:?}",
        plan.errors
    );
}

#[test]
fn negative_values_are_refused() {
    let (pod, mut e) = edits_of("real-1.35-deferred.json", "admin-ui");
    e.cpu_request = Some(-100);
    let plan = plan_resize(&pod, "admin-ui", e, 35, None, CpuMem::default());
    assert!(
        plan.errors
            .iter()
            .any(|e| e.message.contains("must be greater than or equal to 0")),
        "{:?}",
        plan.errors
    );
}

#[test]
fn memory_limit_decrease_only_refused_on_1_33_without_restart_policy() {
    let (mut pod, mut e) = edits_of("real-1.35-deferred.json", "admin-ui");
    for c in &mut pod.containers {
        c.policy.memory = RestartPolicy::NotRequired;
    }
    e.memory_limit = Some(200 << 20);
    let on_133 = plan_resize(&pod, "admin-ui", e, 33, None, CpuMem::default());
    assert!(!on_133.is_sendable(), "1.33 forbids it");
    assert!(
        on_133.errors.iter().any(|e| e.field == Field::MemoryLimit),
        "{:?}",
        on_133.errors
    );
    let on_135 = plan_resize(&pod, "admin-ui", e, 35, None, CpuMem::default());
    assert!(on_135.is_sendable(), "1.34+ allows it: {:?}", on_135.errors);
}

#[test]
fn unchanged_values_are_not_sent() {
    let (pod, e) = edits_of("real-1.35-deferred.json", "admin-ui");
    let plan = plan_resize(&pod, "admin-ui", e, 35, None, CpuMem::default());
    assert!(!plan.is_sendable());
    assert!(plan.errors[0].message.contains("nothing to change"));
}

#[test]
fn sidecars_are_patched_as_init_containers_and_init_containers_refused() {
    let (pod, mut e) = edits_of("v1.35-sidecar.json", "log-shipper");
    e.cpu_request = Some(150);
    let plan = plan_resize(&pod, "log-shipper", e, 35, None, CpuMem::default());
    assert!(plan.is_sendable(), "{:?}", plan.errors);
    assert_eq!(
        plan.patch["spec"]["initContainers"][0]["name"],
        "log-shipper"
    );
    let old = plan_resize(&pod, "log-shipper", e, 32, None, CpuMem::default());
    assert!(!old.is_sendable(), "sidecars resize from 1.33");
    let (pod, mut e) = edits_of("v1.35-sidecar.json", "migrate");
    e.cpu_request = Some(100);
    assert!(!plan_resize(&pod, "migrate", e, 35, None, CpuMem::default()).is_sendable());
}

#[test]
fn predictions_from_node_room() {
    let (pod, mut e) = edits_of("real-1.35-deferred.json", "istio-proxy");
    let node = NodeInfo {
        name: "n".into(),
        allocatable: CpuMem {
            cpu_millis: Some(4000),
            memory_bytes: Some(8 << 30),
        },
    };
    e.cpu_request = Some(200);
    let others = CpuMem {
        cpu_millis: Some(1000),
        memory_bytes: Some(1 << 30),
    };
    assert_eq!(
        plan_resize(&pod, "istio-proxy", e, 35, Some(&node), others).prediction,
        Prediction::FitsNow
    );
    let busy = CpuMem {
        cpu_millis: Some(3500),
        memory_bytes: Some(1 << 30),
    };
    assert!(matches!(
        plan_resize(&pod, "istio-proxy", e, 35, Some(&node), busy).prediction,
        Prediction::Deferred { .. }
    ));
    e.cpu_request = Some(4500);
    e.cpu_limit = Some(5000);
    assert!(matches!(
        plan_resize(&pod, "istio-proxy", e, 35, Some(&node), others).prediction,
        Prediction::Infeasible { .. }
    ));
    assert_eq!(
        plan_resize(&pod, "istio-proxy", e, 35, None, others).prediction,
        Prediction::Unknown
    );
}

#[test]
fn nodes_without_resize_support_are_refused_from_1_32() {
    let (pod, mut e) = edits_of("v1.35-node-unsupported.json", "admin-ui");
    e.cpu_request = Some(600);
    let plan = plan_resize(&pod, "admin-ui", e, 35, None, CpuMem::default());
    assert!(plan.errors.iter().any(|e| e.message == "spec: Forbidden: Pod running on node without support for resize"), "{:?}", plan.errors);
}
