//! The demo's policy scenery (issue 27) over HTTP: on the node whose containerd is older than
//! 1.6.9 a resize is admitted and allocated but never reported as applied — the pod's
//! `resources` keep the old values and `PodResizeInProgress` stays (seed blog, "known
//! issues": "containerd v1.6.9 以下 … 卡在 InProgress … resources 字段永远不会更新"), while
//! the same resize on a current runtime finishes; the LimitRange, quota and HPA of the scene
//! answer as round 4 shows (real-apiserver-facts.md, fourth round).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::sim_common;

use k8s_openapi::api::core::v1::Pod;
use serde_json::{Value, json};
use sim_common::*;
use simcluster::policy_scene::*;
use simcluster::{SimCluster, SimConfig};
use std::time::Duration;

const SMP: Option<&str> = Some("application/strategic-merge-patch+json");

async fn resize(sim: &SimCluster, ns: &str, pod: &str, container: &str, cpu: &str) -> (u16, Value) {
    resize_to(sim, ns, pod, container, json!({"requests":{"cpu":cpu}})).await
}

async fn resize_to(
    sim: &SimCluster,
    ns: &str,
    pod: &str,
    container: &str,
    resources: Value,
) -> (u16, Value) {
    let path = format!("/api/v1/namespaces/{ns}/pods/{pod}/resize");
    let body = json!({"spec":{"containers":[{"name":container,"resources":resources}]}});
    let (code, text) = raw(
        sim.addr(),
        "PATCH",
        &path,
        Some(ADMIN),
        SMP,
        body.to_string().as_bytes(),
    )
    .await;
    (code, serde_json::from_str(&text).unwrap())
}

fn status_cpu(p: &Pod) -> (Option<String>, Option<String>) {
    let cs = p
        .status
        .as_ref()
        .and_then(|s| s.container_statuses.as_ref())
        .and_then(|c| c.first());
    let allocated = cs
        .and_then(|c| c.allocated_resources.as_ref())
        .and_then(|r| r.get("cpu"))
        .map(|q| q.0.clone());
    let actual = cs
        .and_then(|c| c.resources.as_ref())
        .and_then(|r| r.requests.as_ref())
        .and_then(|r| r.get("cpu"))
        .map(|q| q.0.clone());
    (allocated, actual)
}

fn in_progress(p: &Pod) -> bool {
    p.status
        .as_ref()
        .and_then(|s| s.conditions.as_ref())
        .is_some_and(|c| c.iter().any(|c| c.type_ == "PodResizeInProgress"))
}

async fn scene() -> SimCluster {
    let sim = SimCluster::start(SimConfig::empty()).await.unwrap();
    add(&sim);
    for (ns, pod) in [
        (LEGACY_NAMESPACE, LEGACY_POD),
        (HPA_NAMESPACE, HPA_PODS[0]),
        (LIMITED_NAMESPACE, LIMITED_POD),
    ] {
        eventually("pod running", || async { sim.pod(ns, pod).filter(running) }).await;
    }
    sim
}

#[tokio::test]
async fn a_resize_on_the_old_containerd_node_stays_in_progress_with_old_resources() {
    let sim = scene().await;
    let (code, _) = resize(&sim, LEGACY_NAMESPACE, LEGACY_POD, "billing-batch", "700m").await;
    assert_eq!(code, 200);
    let allocated = eventually("allocated", || async {
        let p = sim.pod(LEGACY_NAMESPACE, LEGACY_POD)?;
        (status_cpu(&p).0.as_deref() == Some("700m")).then_some(p)
    })
    .await;
    assert!(in_progress(&allocated));
    // Well past the kubelet's delay: the resize is actuated but never reported.
    tokio::time::sleep(Duration::from_millis(400)).await;
    let p = sim.pod(LEGACY_NAMESPACE, LEGACY_POD).unwrap();
    assert_eq!(
        status_cpu(&p),
        (Some("700m".into()), Some("500m".into())),
        "allocated, never reported"
    );
    assert!(in_progress(&p), "stays InProgress");
    // The same resize where the runtime reports it completes.
    let (code, _) = resize(&sim, HPA_NAMESPACE, HPA_PODS[0], "frontend", "700m").await;
    assert_eq!(code, 200);
    eventually("done on a current runtime", || async {
        let p = sim.pod(HPA_NAMESPACE, HPA_PODS[0])?;
        (status_cpu(&p).1.as_deref() == Some("700m") && !in_progress(&p)).then_some(())
    })
    .await;
}

#[tokio::test]
async fn the_scene_limit_range_quota_and_hpa_answer_as_round_four() {
    let sim = scene().await;
    let limit = json!({"limits":{"cpu":"3"}});
    let (code, body) = resize_to(&sim, LIMITED_NAMESPACE, LIMITED_POD, "reports-api", limit).await;
    assert_eq!(code, 403, "{body}");
    // The issue's own example: the max and the ratio (3 / 500m) in one refusal.
    assert_eq!(
        body["message"],
        format!(
            "pods \"{LIMITED_POD}\" is forbidden: [maximum cpu usage per Container is 2, but limit is 3, cpu max limit to request ratio per Container is 4, but provided ratio is 6.000000]"
        )
    );
    let (code, body) = resize(&sim, QUOTA_NAMESPACE, "etl-runner-0", "etl-runner", "1200m").await;
    assert_eq!(code, 403, "{body}");
    assert_eq!(
        body["message"],
        "pods \"etl-runner-0\" is forbidden: exceeded quota: compute, requested: requests.cpu=300m, used: requests.cpu=1800m, limited: requests.cpu=2"
    );
    let (code, text) = raw(
        sim.addr(),
        "GET",
        &format!("/apis/autoscaling/v2/namespaces/{HPA_NAMESPACE}/horizontalpodautoscalers"),
        Some(ADMIN),
        None,
        b"",
    )
    .await;
    assert_eq!(code, 200);
    let list: Value = serde_json::from_str(&text).unwrap();
    let hpa = &list["items"][0];
    assert_eq!(hpa["spec"]["scaleTargetRef"]["name"], HPA_DEPLOYMENT);
    assert_eq!(hpa["status"]["currentReplicas"], 3);
}
