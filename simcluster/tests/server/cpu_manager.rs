//! A node whose kubelet runs the static CPU manager policy: its configz is served through
//! `nodes/NAME/proxy/configz` (RBAC `nodes/proxy` get, which `view` lacks), and a resize that
//! takes a Guaranteed container with whole CPUs to a fraction is Infeasible with the kubelet's
//! text "Resize is infeasible for Guaranteed Pods alongside CPU Manager static policy"
//! (resize-api.md §4.8); whole CPUs are accepted (the node runs the ExclusiveCPUs gate, §4.8).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::sim_common;

use k8s_openapi::api::core::v1::Pod;
use serde_json::{Value, json};
use sim_common::*;
use simcluster::cpu_manager::STATIC_INFEASIBLE;
use simcluster::{SimCluster, SimConfig};

const SMP: Option<&str> = Some("application/strategic-merge-patch+json");

async fn resize(sim: &SimCluster, cpu: &str) -> (u16, Value) {
    let body = json!({"spec":{"containers":[{"name":"app","resources":{
        "requests":{"cpu":cpu}, "limits":{"cpu":cpu}}}]}});
    let path = "/api/v1/namespaces/default/pods/pinned/resize";
    let (code, text) = raw(
        sim.addr(),
        "PATCH",
        path,
        Some(ADMIN),
        SMP,
        body.to_string().as_bytes(),
    )
    .await;
    (code, serde_json::from_str(&text).unwrap())
}

fn pending(p: &Pod) -> Option<(String, String)> {
    let c = p
        .status
        .as_ref()?
        .conditions
        .as_ref()?
        .iter()
        .find(|c| c.type_ == "PodResizePending")?;
    Some((c.reason.clone()?, c.message.clone()?))
}

fn actual_cpu(p: &Pod) -> Option<String> {
    let cs = p.status.as_ref()?.container_statuses.as_ref()?.first()?;
    Some(
        cs.resources
            .as_ref()?
            .requests
            .as_ref()?
            .get("cpu")?
            .0
            .clone(),
    )
}

#[tokio::test]
async fn static_cpu_manager_node_serves_configz_and_refuses_fractions_of_whole_cpus() {
    let sim = SimCluster::start(SimConfig::empty()).await.unwrap();
    sim.add_static_cpu_node("pinned-node", 8000, 16 << 30);
    let (code, v) = raw(
        sim.addr(),
        "GET",
        "/api/v1/nodes/pinned-node/proxy/configz",
        Some(ADMIN),
        None,
        b"",
    )
    .await;
    assert_eq!(code, 200, "{v}");
    let v: Value = serde_json::from_str(&v).unwrap();
    assert_eq!(v["kubeletconfig"]["cpuManagerPolicy"], "static", "{v}");
    let plain = sim
        .nodes()
        .into_iter()
        .filter_map(|n| n.metadata.name)
        .find(|n| n != "pinned-node")
        .unwrap();
    let (code, v) = raw(
        sim.addr(),
        "GET",
        &format!("/api/v1/nodes/{plain}/proxy/configz"),
        Some(ADMIN),
        None,
        b"",
    )
    .await;
    assert_eq!(code, 200, "{v}");
    assert!(v.contains(r#""cpuManagerPolicy":"none""#), "{v}");
    // `view` (plus nodes) has no `nodes/proxy`: 403, as RBAC words it.
    let (code, v) = raw(
        sim.addr(),
        "GET",
        "/api/v1/nodes/pinned-node/proxy/configz",
        Some(VIEWER),
        None,
        b"",
    )
    .await;
    assert_eq!(code, 403, "{v}");
    assert!(v.contains(r#"cannot get resource \"nodes/proxy\""#), "{v}");

    let mut p = pod(
        "pinned",
        vec![container(
            "app",
            &[("cpu", "2"), ("memory", "1Gi")],
            &[("cpu", "2"), ("memory", "1Gi")],
            false,
        )],
    );
    p.spec.as_mut().unwrap().node_name = Some("pinned-node".into());
    sim.create_pod(p).unwrap();
    eventually("running", || async {
        sim.pod("default", "pinned").filter(running)
    })
    .await;
    let (code, v) = resize(&sim, "1500m").await;
    assert_eq!(code, 200, "{v}");
    let p = eventually("infeasible", || async {
        sim.pod("default", "pinned")
            .filter(|p| pending(p).is_some())
    })
    .await;
    assert_eq!(
        pending(&p),
        Some(("Infeasible".to_string(), STATIC_INFEASIBLE.to_string()))
    );
    let (code, v) = resize(&sim, "3").await;
    assert_eq!(code, 200, "{v}");
    eventually("whole cpus applied", || async {
        sim.pod("default", "pinned")
            .filter(|p| pending(p).is_none() && actual_cpu(p).as_deref() == Some("3"))
    })
    .await;
}
