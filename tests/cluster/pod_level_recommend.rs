//! `podsize recommend` (without --verify) follows the pod-level gate of 1.35 locally (issue 27
//! point 6, resize-api.md §1.3): the container patch of a pod with pod-level resources is not
//! applicable where the gate is off, with the server's own text (round4 plr-07/08), and is not
//! refused for that reason where the gate is on (the kubelet publishes pod-level status).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::sim_http as sim_common;

use serde_json::{Value, json};
use simcluster::kstatus::{CPU_USAGE_ANNOTATION, MEMORY_USAGE_ANNOTATION};
use simcluster::{SimCluster, SimConfig};
use std::time::Duration;

const GATE_OFF: &str = "Pod \"pl\" is invalid: []: Forbidden: resize of pods with pod-level resources is forbidden when InPlacePodLevelResourcesVerticalScalingEnabled feature gate is disabled";

/// recommend's record for pl's container on a 1.35 sim with the gate as given.
async fn record(gate: bool) -> Value {
    let sim = SimCluster::start(SimConfig {
        minor: 35,
        pod_level_resize: gate,
        metrics: true,
        kubelet_delay: Duration::from_millis(20),
        ..SimConfig::empty()
    })
    .await
    .unwrap();
    // Busy: the container's request grows, so a patch is proposed.
    let pod = json!({
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": "pl", "namespace": "default", "annotations": {
            CPU_USAGE_ANNOTATION: "300m", MEMORY_USAGE_ANNOTATION: "60Mi"}},
        "spec": {
            "resources": {"requests": {"cpu": "800m", "memory": "256Mi"},
                          "limits": {"cpu": "1", "memory": "512Mi"}},
            "containers": [{"name": "app", "image": "registry.example.com/app:1",
                            "resources": {"requests": {"cpu": "100m", "memory": "64Mi"}}}],
        },
    });
    sim.create_pod(serde_json::from_value(pod).unwrap())
        .unwrap();
    let (_dir, kubeconfig) = sim_common::kubeconfig_when_running(&sim, "pl").await;
    let args = ["recommend", "-n", "default", "-o", "json"];
    let (code, out, err) = sim_common::run_podsize(&kubeconfig, &args).await;
    assert_eq!(code, 0, "{err}");
    let all: Value = serde_json::from_str(&out).unwrap();
    all.as_array()
        .unwrap()
        .iter()
        .find(|r| r["pod"] == "pl" && r["container"] == "app")
        .cloned()
        .unwrap()
}

fn errors(r: &Value) -> Vec<String> {
    r["errors"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|e| e.as_str().map(str::to_string))
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_pod_level_pods_container_patch_is_not_applicable_on_1_35_with_the_gate_off() {
    let off = record(false).await;
    assert_eq!(off["changed"], true, "{off:#}");
    assert_eq!(off["applicable"], false, "{off:#}");
    assert!(errors(&off).iter().any(|e| e == GATE_OFF), "{off:#}");
    let on = record(true).await;
    assert_eq!(on["changed"], true, "{on:#}");
    assert!(!errors(&on).iter().any(|e| e == GATE_OFF), "{on:#}");
}
