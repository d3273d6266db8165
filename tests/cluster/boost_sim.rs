//! The simulated start-up workload: a pod annotated `sim.podsize.dev/startup-cpu-seconds`
//! starts with its Ready condition False and turns Ready once it has had that much CPU time,
//! so more CPU means an earlier Ready (the pod conditions Ready/ContainersReady are the ones
//! a real kubelet sets from readiness, resize-api.md status shapes).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::sim_http as sim_common;

use simcluster::startup::STARTUP_ANNOTATION;
use simcluster::{SimCluster, SimConfig};
use std::time::Duration;

fn starting(name: &str, cpu_limit: &str) -> k8s_openapi::api::core::v1::Pod {
    let mut p = sim_common::pod(
        name,
        vec![sim_common::container(
            "app",
            &[("cpu", "100m"), ("memory", "64Mi")],
            &[("cpu", cpu_limit), ("memory", "128Mi")],
            false,
        )],
    );
    p.metadata.annotations = Some([(STARTUP_ANNOTATION.to_string(), "2".to_string())].into());
    p
}

fn ready(sim: &SimCluster, name: &str) -> bool {
    sim.pod("default", name)
        .and_then(|p| p.status)
        .and_then(|s| s.conditions)
        .is_some_and(|c| c.iter().any(|c| c.type_ == "Ready" && c.status == "True"))
}

#[tokio::test(flavor = "multi_thread")]
async fn more_cpu_makes_a_starting_pod_ready_sooner() {
    let sim = SimCluster::start(SimConfig {
        kubelet_delay: Duration::from_millis(20),
        ..SimConfig::empty()
    })
    .await
    .unwrap();
    sim.create_pod(starting("slow", "250m")).unwrap();
    sim.create_pod(starting("fast", "4")).unwrap();
    sim_common::eventually("both running", || {
        let up = ["slow", "fast"].iter().all(|n| {
            sim.pod("default", n)
                .is_some_and(|p| sim_common::running(&p))
        });
        async move { up.then_some(()) }
    })
    .await;
    assert!(
        !ready(&sim, "slow") && !ready(&sim, "fast"),
        "start-up pods start not Ready"
    );
    sim_common::eventually("the fast pod Ready", || {
        let r = ready(&sim, "fast");
        async move { r.then_some(()) }
    })
    .await;
    // 2 CPU-seconds: 0.5 s at 4 CPUs, 8 s at 250m.
    assert!(
        !ready(&sim, "slow"),
        "the pod with less CPU is still starting"
    );
    let pod = sim.pod("default", "fast").unwrap();
    let statuses = pod.status.unwrap().container_statuses.unwrap();
    assert!(statuses.iter().all(|c| c.ready), "containers are ready too");
}
