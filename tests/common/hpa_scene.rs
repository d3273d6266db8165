//! A Deployment's pod of two containers under an HPA that has reported no utilisation of its
//! own (issues 26/27, "one HPA prediction whichever command asks"): a `Resource` metric and a
//! `ContainerResource` metric on cpu, use pinned so every reading is the same.

use k8s_openapi::api::autoscaling::v2::HorizontalPodAutoscaler;
use kube::Api;
use kube::api::PostParams;
use serde_json::{Value, json};
use simcluster::kstatus::{CPU_USAGE_ANNOTATION, MEMORY_USAGE_ANNOTATION};
use simcluster::{Identity, SimCluster, SimConfig};

pub const POD: &str = "web-5f6d7c8b9a-x2k4p";
/// Each container uses 150m (the annotation pins every container of the pod).
pub const USE_MILLIS: f64 = 150.0;
/// app requests 100m, log 200m.
pub const APP_MILLIS: f64 = 100.0;
pub const POD_MILLIS: f64 = 300.0;

/// `web-…` of Deployment `web` (through ReplicaSet `web-5f6d7c8b9a`): containers `app` and
/// `log`, use pinned.
pub async fn cluster() -> (SimCluster, tempfile::TempDir, String) {
    let sim = SimCluster::start(SimConfig {
        metrics: true,
        ..SimConfig::empty()
    })
    .await
    .unwrap();
    let container = |name: &str, cpu: &str| {
        json!({"name": name, "image": "registry.example.com/web:1",
            "resources": {"requests": {"cpu": cpu, "memory": "64Mi"}}})
    };
    let pod = json!({
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": POD, "namespace": "default",
            "labels": {"app": "web", "pod-template-hash": "5f6d7c8b9a"},
            "annotations": {CPU_USAGE_ANNOTATION: "150m", MEMORY_USAGE_ANNOTATION: "40Mi"},
            "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet",
                "name": "web-5f6d7c8b9a", "uid": "7d1c0b7e-0000-4000-8000-00000000002a",
                "controller": true, "blockOwnerDeletion": true}]},
        "spec": {"containers": [container("app", "100m"), container("log", "200m")]},
    });
    sim.create_pod(serde_json::from_value(pod).unwrap())
        .unwrap();
    // The ReplicaSet the pod names, owned by Deployment `web`, as a controller leaves it.
    simcluster::replicasets::populate(&sim.api().store);
    let hpa: HorizontalPodAutoscaler = serde_json::from_value(json!({
        "metadata": {"name": "web", "namespace": "default"},
        "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"},
            "minReplicas": 1, "maxReplicas": 100, "metrics": [
                {"type": "Resource", "resource": {"name": "cpu",
                    "target": {"type": "Utilization", "averageUtilization": 70}}},
                {"type": "ContainerResource", "containerResource": {"name": "cpu", "container": "app",
                    "target": {"type": "Utilization", "averageUtilization": 70}}}]}
    }))
    .unwrap();
    let client = sim.client(Identity::Admin).await.unwrap();
    let hpas = Api::<HorizontalPodAutoscaler>::namespaced(client, "default");
    let mut hpa = hpas.create(&PostParams::default(), &hpa).await.unwrap();
    // Replicas counted, but no utilisation reported yet: podsize's own reading decides.
    hpa.status =
        serde_json::from_value(json!({"currentReplicas": 3, "desiredReplicas": 3})).unwrap();
    hpas.replace_status("web", &PostParams::default(), &hpa)
        .await
        .unwrap();
    let (dir, kubeconfig) = super::sim_http::kubeconfig_when_running(&sim, POD).await;
    (sim, dir, kubeconfig)
}

/// `HpaEffect::describe` of one of recommend's `hpa` entries.
pub fn line(e: &Value) -> String {
    let of = match e["container"].as_str() {
        Some(c) => format!(" of container {c}"),
        None => String::new(),
    };
    format!(
        "HPA {} scales on {} utilisation{of} (target {}%): {}% → {}%, replicas {} → {}",
        e["name"].as_str().unwrap(),
        e["resource"].as_str().unwrap(),
        e["targetUtilization"],
        e["utilizationBefore"],
        e["utilizationAfter"],
        e["replicasBefore"],
        e["replicasAfter"],
    )
}

/// `recommend -o json`'s record for container app, and the cpu request it recommends.
pub async fn recommended_app(kubeconfig: &str) -> (Value, f64) {
    let args = ["recommend", "-n", "default", "-o", "json"];
    let (code, out, err) = super::sim_http::run_podsize(kubeconfig, &args).await;
    assert_eq!(code, 0, "{err}");
    let all: Value = serde_json::from_str(&out).unwrap();
    let record = all
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["pod"] == POD && r["container"] == "app")
        .cloned()
        .unwrap();
    let new = record["recommendation"]["cpu"]["request"]["millicores"]
        .as_f64()
        .unwrap_or_else(|| panic!("a cpu request for app: {record:#}"));
    (record, new)
}
