//! A generated cluster never contradicts itself (issue #25): every pending resize is its node's
//! own verdict, a Deferred one is retried once room frees (resize-api.md §4.8: "Retried when
//! other pods are removed or shrink, and periodically", 1.34's order), and an Infeasible one
//! really exceeds its node.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::sim_common::*;
use k8s_openapi::api::core::v1::Pod;
use simcluster::invariants::{over_admitted, pending, pod_requests};
use simcluster::{SimCluster, SimConfig};
use std::time::Duration;

/// `podsize sim --pods 200`'s cluster: 4 nodes, 4 namespaces, with a quick kubelet.
async fn sim_200() -> SimCluster {
    SimCluster::start(SimConfig {
        nodes: 4,
        pods: 200,
        namespaces: 4,
        kubelet_delay: Duration::from_millis(50),
        ..SimConfig::default()
    })
    .await
    .unwrap()
}

fn cond(p: &Pod, ty: &str) -> Option<String> {
    let c = p.status.as_ref()?.conditions.as_ref()?;
    c.iter()
        .find(|c| c.type_ == ty)
        .map(|c| c.reason.clone().unwrap_or_default())
}

/// §4.8: a Deferred resize "fits the node's capacity but not its current free space", an
/// Infeasible one asks for more than the node's allocatable; the message numbers are that node's.
#[tokio::test]
async fn seeded_pending_states_carry_their_own_nodes_numbers() {
    let sim = sim_200().await;
    let (nodes, pods) = (sim.nodes(), sim.pods());
    let all = pending(&nodes, &pods);
    assert!(all.iter().any(|p| p.reason == "Deferred"), "{all:?}");
    assert!(all.iter().any(|p| p.reason == "Infeasible"), "{all:?}");
    for p in &all {
        let (res, requested, used, capacity) = p.numbers.clone().expect("kubelet message");
        let (need, others, cap) = p.node_numbers;
        assert_eq!(res, "cpu", "{p:?}");
        assert_eq!(
            (requested, capacity),
            (need, cap),
            "{p:?}: not its node's numbers"
        );
        match p.reason.as_str() {
            "Deferred" => {
                assert_eq!(used, Some(others), "{p:?}");
                assert!(need + others > cap && need <= cap, "{p:?} is no Deferred");
            }
            _ => assert!(need > cap, "{p:?} fits its node"),
        }
    }
    assert!(over_admitted(&nodes, &pods).is_empty());
}

/// §4.8: Deferred resizes are "retried when other pods are removed or shrink": freeing room on
/// the seeded Deferred pod's node lets its resize go through InProgress to done.
#[tokio::test]
async fn the_seeded_deferred_resize_goes_through_once_room_frees() {
    let sim = sim_200().await;
    let waiting = pending(&sim.nodes(), &sim.pods())
        .into_iter()
        .find(|p| p.reason == "Deferred")
        .expect("a seeded Deferred resize");
    let (ns, name) = waiting.key.clone();
    let node = sim
        .pod(&ns, &name)
        .unwrap()
        .spec
        .unwrap()
        .node_name
        .unwrap();
    let (need, others, cap) = waiting.node_numbers;
    // Remove other pods there, largest first, until the resize fits.
    let mut others_here: Vec<Pod> = sim
        .pods()
        .into_iter()
        .filter(|p| p.spec.as_ref().and_then(|s| s.node_name.as_deref()) == Some(node.as_str()))
        .filter(|p| p.metadata.name.as_deref() != Some(name.as_str()))
        .collect();
    others_here.sort_by_key(|p| -pod_requests(p, false).cpu_millis.unwrap_or(0));
    let mut freed = 0;
    for p in others_here {
        if need + others - freed <= cap {
            break;
        }
        freed += pod_requests(&p, false).cpu_millis.unwrap_or(0);
        let (pns, pname) = (p.metadata.namespace.unwrap(), p.metadata.name.unwrap());
        assert!(sim.delete_pod(&pns, &pname));
    }
    let done = eventually("the Deferred resize retried and done", || async {
        let p = sim.pod(&ns, &name)?;
        let cs = p
            .status
            .as_ref()?
            .container_statuses
            .as_ref()?
            .first()?
            .clone();
        let want = p.spec.as_ref()?.containers[0].resources.clone()?.requests?;
        let have = cs.resources?.requests?;
        (cond(&p, "PodResizePending").is_none() && have.get("cpu") == want.get("cpu")).then_some(p)
    })
    .await;
    assert!(cond(&done, "PodResizeInProgress").is_none());
}

/// §4.8 "and periodically": room that frees without any pod event (the node's allocatable
/// grows) is found by the periodic retry, within one 30 s period.
#[tokio::test]
async fn deferred_resizes_are_retried_periodically() {
    let sim = SimCluster::start(SimConfig::empty()).await.unwrap();
    for (name, cpu) in [("big", "10"), ("small", "2")] {
        let c = container(
            "app",
            &[("cpu", cpu), ("memory", "256Mi")],
            &[("memory", "512Mi")],
            false,
        );
        sim.create_pod(pod(name, vec![c])).unwrap();
        eventually("running", || async {
            sim.pod("default", name).filter(running)
        })
        .await;
    }
    let body = br#"{"spec":{"containers":[{"name":"app","resources":{"requests":{"cpu":"7"}}}]}}"#;
    let path = "/api/v1/namespaces/default/pods/small/resize";
    let smp = Some("application/strategic-merge-patch+json");
    assert_eq!(
        raw(sim.addr(), "PATCH", path, Some(ADMIN), smp, body)
            .await
            .0,
        200
    );
    eventually("deferred", || async {
        let p = sim.pod("default", "small")?;
        (cond(&p, "PodResizePending").as_deref() == Some("Deferred")).then_some(())
    })
    .await;
    sim.add_node("sim-node-01", 32_000, 64 << 30, true);
    let start = std::time::Instant::now();
    loop {
        let p = sim.pod("default", "small").unwrap();
        if cond(&p, "PodResizePending").is_none() {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(36),
            "not retried within 30 s"
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}
