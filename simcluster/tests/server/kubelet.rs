//! The simulated kubelet's resize state machine in the 1.31, 1.32 and 1.35 version modes:
//! Done, Deferred → Done once room frees, Infeasible, and (1.34+) Error.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::sim_common;

use k8s_openapi::api::core::v1::Pod;
use serde_json::{Value, json};
use sim_common::*;
use simcluster::kubelet::MEMORY_USAGE_ANNOTATION;
use simcluster::{SimCluster, SimConfig};

const SMP: Option<&str> = Some("application/strategic-merge-patch+json");

/// Sends a resize the way the version mode wants (pod PATCH before 1.32, /resize after).
async fn resize(sim: &SimCluster, name: &str, cpu: &str) -> (u16, Value) {
    let path = if sim.minor() >= 32 {
        format!("/api/v1/namespaces/default/pods/{name}/resize")
    } else {
        format!("/api/v1/namespaces/default/pods/{name}")
    };
    let body = json!({"spec":{"containers":[{"name":"app","resources":{"requests":{"cpu":cpu}}}]}});
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

async fn start(minor: u32) -> SimCluster {
    // One node with 16 cpu; "big" takes 10 of them.
    let sim = SimCluster::start(SimConfig {
        minor,
        ..SimConfig::empty()
    })
    .await
    .unwrap();
    sim.create_pod(pod(
        "big",
        vec![container(
            "app",
            &[("cpu", "10"), ("memory", "1Gi")],
            &[("memory", "2Gi")],
            false,
        )],
    ))
    .unwrap();
    let mut small = pod(
        "small",
        vec![container(
            "app",
            &[("cpu", "2"), ("memory", "256Mi")],
            &[("memory", "512Mi")],
            true,
        )],
    );
    small.metadata.annotations =
        Some([(MEMORY_USAGE_ANNOTATION.to_string(), "300Mi".to_string())].into());
    sim.create_pod(small).unwrap();
    for name in ["big", "small"] {
        eventually("pod running", || async {
            sim.pod("default", name).filter(running)
        })
        .await;
    }
    sim
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

fn allocated_cpu(p: &Pod) -> Option<String> {
    let cs = p.status.as_ref()?.container_statuses.as_ref()?.first()?;
    Some(cs.allocated_resources.as_ref()?.get("cpu")?.0.clone())
}

fn condition(p: &Pod, ty: &str) -> Option<(Option<String>, Option<String>, Option<i64>)> {
    p.status
        .as_ref()?
        .conditions
        .as_ref()?
        .iter()
        .find(|c| c.type_ == ty)
        .map(|c| (c.reason.clone(), c.message.clone(), c.observed_generation))
}

fn legacy(p: &Pod) -> Option<String> {
    p.status.as_ref()?.resize.clone()
}

fn restarts(p: &Pod) -> i32 {
    p.status
        .as_ref()
        .and_then(|s| s.container_statuses.as_ref())
        .map_or(0, |c| c[0].restart_count)
}

async fn wait_pod(sim: &SimCluster, name: &str, what: &str, f: impl Fn(&Pod) -> bool) -> Pod {
    eventually(what, || async { sim.pod("default", name).filter(|p| f(p)) }).await
}

#[tokio::test]
async fn v135_conditions_done_deferred_infeasible_error() {
    let sim = start(35).await;
    // Done.
    let (code, v) = resize(&sim, "small", "3").await;
    assert_eq!(code, 200, "{v}");
    assert_eq!(v["metadata"]["generation"], 2);
    let p = wait_pod(&sim, "small", "resize done", |p| {
        actual_cpu(p).as_deref() == Some("3") && condition(p, "PodResizeInProgress").is_none()
    })
    .await;
    assert_eq!(allocated_cpu(&p).as_deref(), Some("3"));
    assert_eq!(p.status.as_ref().unwrap().observed_generation, Some(2));
    assert_eq!(restarts(&p), 0, "cpu policy NotRequired: no restart");
    // Deferred: 10 + 5 > 16 minus nothing else... 10 + 7 = 17 > 16.
    let (code, _) = resize(&sim, "small", "7").await;
    assert_eq!(code, 200);
    let p = wait_pod(&sim, "small", "deferred", |p| {
        condition(p, "PodResizePending").is_some()
    })
    .await;
    let (reason, message, og) = condition(&p, "PodResizePending").unwrap();
    assert_eq!(reason.as_deref(), Some("Deferred"));
    assert_eq!(
        message.as_deref(),
        Some(
            "Node didn't have enough resource: cpu, requested: 7000, used: 10000, capacity: 16000"
        )
    );
    assert_eq!(og, Some(3));
    assert_eq!(actual_cpu(&p).as_deref(), Some("3"));
    // Room frees: "big" goes away, the deferred resize completes.
    assert!(sim.delete_pod("default", "big"));
    wait_pod(&sim, "small", "deferred then done", |p| {
        actual_cpu(p).as_deref() == Some("7") && condition(p, "PodResizePending").is_none()
    })
    .await;
    // Infeasible.
    let (code, _) = resize(&sim, "small", "20").await;
    assert_eq!(code, 200);
    let p = wait_pod(&sim, "small", "infeasible", |p| {
        condition(p, "PodResizePending").is_some()
    })
    .await;
    let (reason, message, _) = condition(&p, "PodResizePending").unwrap();
    assert_eq!(reason.as_deref(), Some("Infeasible"));
    assert_eq!(
        message.as_deref(),
        Some("Node didn't have enough capacity: cpu, requested: 20000, capacity: 16000")
    );
    // Error: memory limit below usage (300Mi used, limit 256Mi requested).
    let body = json!({"spec":{"containers":[{"name":"app","resources":{"requests":{"cpu":"2","memory":"128Mi"},"limits":{"memory":"256Mi"}}}]}});
    let (code, text) = raw(
        sim.addr(),
        "PATCH",
        "/api/v1/namespaces/default/pods/small/resize",
        Some(ADMIN),
        SMP,
        body.to_string().as_bytes(),
    )
    .await;
    assert_eq!(code, 200, "{text}");
    let p = wait_pod(&sim, "small", "error", |p| {
        condition(p, "PodResizeInProgress").is_some_and(|c| c.0.as_deref() == Some("Error"))
    })
    .await;
    let (_, message, _) = condition(&p, "PodResizeInProgress").unwrap();
    assert_eq!(
        message.as_deref(),
        Some(format!("memory limit ({}) below current usage", 256u64 << 20).as_str())
    );
    assert!(condition(&p, "PodResizePending").is_none());
}

#[tokio::test]
async fn v135_restart_container_policy_bumps_restart_count() {
    let sim = start(35).await;
    let body = json!({"spec":{"containers":[{"name":"app","resources":{"requests":{"memory":"384Mi"},"limits":{"memory":"1Gi"}}}]}});
    let (code, text) = raw(
        sim.addr(),
        "PATCH",
        "/api/v1/namespaces/default/pods/small/resize",
        Some(ADMIN),
        SMP,
        body.to_string().as_bytes(),
    )
    .await;
    assert_eq!(code, 200, "{text}");
    let p = wait_pod(&sim, "small", "restart", |p| restarts(p) == 1).await;
    let cs = &p.status.unwrap().container_statuses.unwrap()[0];
    assert!(cs.last_state.as_ref().unwrap().terminated.is_some());
}

#[tokio::test]
async fn v132_resize_subresource_with_legacy_status() {
    let sim = start(32).await;
    let (code, v) = resize(&sim, "small", "3").await;
    assert_eq!(code, 200, "{v}");
    assert_eq!(v["status"]["resize"], "Proposed");
    assert!(
        v["metadata"]["generation"].is_null(),
        "1.32 does not track generation"
    );
    let p = wait_pod(&sim, "small", "done", |p| {
        actual_cpu(p).as_deref() == Some("3") && legacy(p).is_none()
    })
    .await;
    assert!(
        allocated_cpu(&p).is_none(),
        "1.32 publishes no allocatedResources"
    );
    assert!(
        p.status
            .unwrap()
            .conditions
            .unwrap()
            .iter()
            .all(|c| !c.type_.starts_with("PodResize"))
    );
    resize(&sim, "small", "7").await;
    wait_pod(&sim, "small", "deferred", |p| {
        legacy(p).as_deref() == Some("Deferred")
    })
    .await;
    sim.delete_pod("default", "big");
    wait_pod(&sim, "small", "done after room frees", |p| {
        actual_cpu(p).as_deref() == Some("7") && legacy(p).is_none()
    })
    .await;
    resize(&sim, "small", "20").await;
    wait_pod(&sim, "small", "infeasible", |p| {
        legacy(p).as_deref() == Some("Infeasible")
    })
    .await;
}

#[tokio::test]
async fn v131_resize_through_the_pod() {
    let sim = start(31).await;
    let (code, _) = raw(
        sim.addr(),
        "PATCH",
        "/api/v1/namespaces/default/pods/small/resize",
        Some(ADMIN),
        SMP,
        b"{}",
    )
    .await;
    assert_eq!(code, 404, "no /resize before 1.32");
    let (code, v) = resize(&sim, "small", "3").await;
    assert_eq!(code, 200, "{v}");
    assert_eq!(v["status"]["resize"], "Proposed");
    let p = wait_pod(&sim, "small", "done", |p| {
        actual_cpu(p).as_deref() == Some("3") && legacy(p).is_none()
    })
    .await;
    assert_eq!(allocated_cpu(&p).as_deref(), Some("3"));
    resize(&sim, "small", "7").await;
    wait_pod(&sim, "small", "deferred", |p| {
        legacy(p).as_deref() == Some("Deferred")
    })
    .await;
    sim.delete_pod("default", "big");
    wait_pod(&sim, "small", "done after room frees", |p| {
        actual_cpu(p).as_deref() == Some("7") && legacy(p).is_none()
    })
    .await;
    resize(&sim, "small", "20").await;
    wait_pod(&sim, "small", "infeasible", |p| {
        legacy(p).as_deref() == Some("Infeasible")
    })
    .await;
    // QoS change through the pod uses the pre-1.32 wording (resize-api.md §4.3); the value is the
    // class the update would produce, as kubernetes#131833 shows ("Burstable" for a Guaranteed
    // pod made Burstable), here a Burstable pod stripped to BestEffort.
    let body = json!({"spec":{"containers":[{"name":"app","resources":{"requests":{"cpu":null,"memory":null},"limits":{"memory":null}}}]}});
    let (code, text) = raw(
        sim.addr(),
        "PATCH",
        "/api/v1/namespaces/default/pods/small",
        Some(ADMIN),
        SMP,
        body.to_string().as_bytes(),
    )
    .await;
    assert_eq!(code, 422);
    assert!(
        text.contains("metadata: Invalid value: \\\"BestEffort\\\": Pod QoS is immutable"),
        "{text}"
    );
}

#[tokio::test]
async fn generated_workload_shows_every_state() {
    let sim = SimCluster::start(SimConfig {
        pods: 40,
        nodes: 4,
        namespaces: 4,
        seed: 7,
        ..SimConfig::empty()
    })
    .await
    .unwrap();
    let pods = sim.pods();
    assert_eq!(pods.len(), 40);
    let reasons: Vec<String> = pods
        .iter()
        .flat_map(|p| p.status.iter().flat_map(|s| s.conditions.iter().flatten()))
        .filter(|c| c.type_.starts_with("PodResize"))
        .map(|c| format!("{}:{}", c.type_, c.reason.clone().unwrap_or_default()))
        .collect();
    for want in [
        "PodResizePending:Deferred",
        "PodResizePending:Infeasible",
        "PodResizeInProgress:",
        "PodResizeInProgress:Error",
    ] {
        assert!(
            reasons.iter().any(|r| r == want),
            "missing {want} in {reasons:?}"
        );
    }
    assert!(pods.iter().any(|p| !running(p)), "a not-started pod");
    let qos: std::collections::HashSet<String> = pods
        .iter()
        .filter_map(|p| p.status.as_ref()?.qos_class.clone())
        .collect();
    assert_eq!(qos.len(), 3, "{qos:?}");
    // Same seed, same workload.
    let again = SimCluster::start(SimConfig {
        pods: 40,
        nodes: 4,
        namespaces: 4,
        seed: 7,
        ..SimConfig::empty()
    })
    .await
    .unwrap();
    let names = |s: &SimCluster| {
        s.pods()
            .iter()
            .map(|p| p.metadata.name.clone().unwrap())
            .collect::<Vec<_>>()
    };
    assert_eq!(names(&sim), names(&again));
}

#[tokio::test]
async fn churn_resizes_and_replaces_pods() {
    let sim = SimCluster::start(SimConfig {
        pods: 60,
        nodes: 4,
        namespaces: 3,
        churn: true,
        churn_rate: 400.0,
        ..SimConfig::empty()
    })
    .await
    .unwrap();
    let before: std::collections::HashSet<String> = sim
        .pods()
        .iter()
        .filter_map(|p| p.metadata.uid.clone())
        .collect();
    eventually("autoscaler resizes and replacements", || async {
        let pods = sim.pods();
        let resized = pods.iter().any(|p| p.metadata.generation.unwrap_or(1) > 1);
        let replaced = pods
            .iter()
            .any(|p| !before.contains(p.metadata.uid.as_deref().unwrap_or("")));
        (resized && replaced).then_some(())
    })
    .await;
    assert!(
        sim.request_log().is_empty(),
        "churn works in-process, not over HTTP"
    );
}
