//! Resize validation of the simulated apiserver over real HTTP, case by case against the real
//! server's observations (real-apiserver-facts.md) and resize-api.md. The simulator answers
//! from its own rules (`sim::rules`), not from podsize's model.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::sim_common;

use k8s_openapi::api::core::v1::{Container, PodOS, ResourceRequirements};
use serde_json::{Value, json};
use sim_common::*;
use simcluster::{SimCluster, SimConfig};

const SMP: Option<&str> = Some("application/strategic-merge-patch+json");
const MERGE: Option<&str> = Some("application/merge-patch+json");

async fn cluster(minor: u32) -> SimCluster {
    SimCluster::start(SimConfig {
        minor,
        ..SimConfig::empty()
    })
    .await
    .unwrap()
}

async fn resize(sim: &SimCluster, pod: &str, kind: Option<&str>, body: Value) -> (u16, Value) {
    let path = format!("/api/v1/namespaces/default/pods/{pod}/resize");
    let (code, text) = raw(
        sim.addr(),
        "PATCH",
        &path,
        Some(ADMIN),
        kind,
        body.to_string().as_bytes(),
    )
    .await;
    (
        code,
        serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON: {text}")),
    )
}

fn image(name: &str) -> String {
    format!("registry.example.com/{name}:v1")
}

/// Facts "More observations", Error order: a merge patch replacing a container's resources
/// lists requests removed, limits removed, then `only cpu and memory resources are mutable`
/// (here the dropped resizePolicy).
#[tokio::test]
async fn merge_patch_errors_come_in_the_servers_order() {
    let sim = cluster(35).await;
    let c = container(
        "c1",
        &[("cpu", "250m"), ("memory", "128Mi")],
        &[("cpu", "1"), ("memory", "256Mi")],
        true,
    );
    sim.create_pod(pod("ordered", vec![c])).unwrap();
    let body = json!({"spec":{"containers":[{"name":"c1","image":image("c1"),"resources":{"requests":{"cpu":"250m"}}}]}});
    let (code, v) = resize(&sim, "ordered", MERGE, body).await;
    assert_eq!(code, 422, "{v}");
    assert_eq!(
        v["message"],
        "Pod \"ordered\" is invalid: [spec.containers[0].resources.requests: Forbidden: resource requests cannot be removed, spec.containers[0].resources.limits: Forbidden: resource limits cannot be removed, spec: Forbidden: only cpu and memory resources are mutable]"
    );
    let fields: Vec<&str> = v["details"]["causes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["field"].as_str().unwrap())
        .collect();
    assert_eq!(
        fields,
        [
            "spec.containers[0].resources.requests",
            "spec.containers[0].resources.limits",
            "spec"
        ]
    );
}

/// Facts "Third round": reordered containers give one cause per container.
#[tokio::test]
async fn reordered_containers_give_one_cause_each() {
    let sim = cluster(35).await;
    sim.create_pod(resize_demo()).unwrap();
    // Same resources as stored, so only the order differs (e2e "reorder containers").
    let stored = serde_json::to_value(resize_demo()).unwrap();
    let c = |n: &str| {
        let i = usize::from(n == "c2");
        json!({"name": n, "image": image(n), "resources": stored["spec"]["containers"][i]["resources"]})
    };
    let (code, v) = resize(
        &sim,
        "resize-demo",
        MERGE,
        json!({"spec":{"containers":[c("c2"), c("c1")]}}),
    )
    .await;
    assert_eq!(code, 422, "{v}");
    assert_eq!(
        v["message"],
        "Pod \"resize-demo\" is invalid: [spec.containers[0].name: Forbidden: containers may not be renamed or reordered on resize, spec.containers[1].name: Forbidden: containers may not be renamed or reordered on resize]"
    );
}

fn cpu_patch(name: &str, cpu: &str) -> Value {
    json!({"spec":{"containers":[{"name": name,"resources":{"requests":{"cpu": cpu}}}]}})
}

/// Facts "Third round" and resize-api.md §4.7: windows and static pods cannot be resized; the
/// error sits at apimachinery's root path `[]`.
#[tokio::test]
async fn windows_and_static_pods_cannot_be_resized() {
    let sim = cluster(35).await;
    let mut w = resize_demo();
    w.metadata.name = Some("win".into());
    w.spec.as_mut().unwrap().os = Some(PodOS {
        name: "windows".into(),
    });
    sim.create_pod(w).unwrap();
    let mut m = resize_demo();
    m.metadata.name = Some("mirror".into());
    m.metadata.annotations =
        Some([("kubernetes.io/config.mirror".to_string(), "abc".to_string())].into());
    sim.create_pod(m).unwrap();
    for (pod, text) in [
        ("win", "windows pods cannot be resized"),
        ("mirror", "static pods cannot be resized"),
    ] {
        let (code, v) = resize(&sim, pod, SMP, cpu_patch("c1", "300m")).await;
        assert_eq!(code, 422, "{v}");
        assert_eq!(
            v["message"],
            format!("Pod \"{pod}\" is invalid: []: Forbidden: {text}")
        );
        assert_eq!(v["details"]["causes"][0]["field"], "[]");
    }
}

fn pod_level() -> k8s_openapi::api::core::v1::Pod {
    let mut p = pod("plr", vec![container("c1", &[], &[], false)]);
    let q = |v: &str| k8s_openapi::apimachinery::pkg::api::resource::Quantity(v.into());
    p.spec.as_mut().unwrap().resources = Some(ResourceRequirements {
        requests: Some(
            [
                ("cpu".to_string(), q("500m")),
                ("memory".to_string(), q("128Mi")),
            ]
            .into(),
        ),
        limits: Some(
            [
                ("cpu".to_string(), q("1")),
                ("memory".to_string(), q("256Mi")),
            ]
            .into(),
        ),
        ..Default::default()
    });
    p
}

/// resize-api.md §1.3 and facts "Third round": pods with pod-level resources cannot be resized
/// on 1.32–1.34, are refused behind the off-by-default alpha gate on 1.35, and resize on 1.36+.
#[tokio::test]
async fn pod_level_resources_per_version() {
    for (minor, want) in [
        (34, Some("pods with pod-level resources cannot be resized")),
        (
            35,
            Some(
                "resize of pods with pod-level resources is forbidden when InPlacePodLevelResourcesVerticalScalingEnabled feature gate is disabled",
            ),
        ),
        (36, None),
    ] {
        let sim = cluster(minor).await;
        sim.create_pod(pod_level()).unwrap();
        let body = json!({"spec":{"resources":{"requests":{"cpu":"600m"}}}});
        let (code, v) = resize(&sim, "plr", SMP, body).await;
        match want {
            Some(text) => {
                assert_eq!(code, 422, "1.{minor}: {v}");
                assert_eq!(
                    v["message"],
                    format!("Pod \"plr\" is invalid: []: Forbidden: {text}"),
                    "1.{minor}"
                );
            }
            None => {
                assert_eq!(code, 200, "1.{minor}: {v}");
                assert_eq!(v["spec"]["resources"]["requests"]["cpu"], "600m");
            }
        }
    }
}

fn with_init(sidecar: bool) -> k8s_openapi::api::core::v1::Pod {
    let mut p = resize_demo();
    p.metadata.name = Some("init".into());
    let init = Container {
        restart_policy: sidecar.then(|| "Always".to_string()),
        ..container("init", &[("cpu", "100m")], &[], false)
    };
    p.spec.as_mut().unwrap().init_containers = Some(vec![init]);
    p
}

/// Facts "Third round": a non-sidecar init container cannot be resized (up to 1.35), a sidecar
/// may change only cpu and memory.
#[tokio::test]
async fn init_and_sidecar_containers() {
    for (sidecar, body, text) in [
        (
            false,
            json!({"spec":{"initContainers":[{"name":"init","resources":{"requests":{"cpu":"200m"}}}]}}),
            "resources for non-sidecar init containers are immutable",
        ),
        (
            true,
            json!({"spec":{"initContainers":[{"name":"init","resources":{"requests":{"ephemeral-storage":"1Gi"}}}]}}),
            "only cpu and memory resources for sidecar containers are mutable",
        ),
    ] {
        let sim = cluster(35).await;
        sim.create_pod(with_init(sidecar)).unwrap();
        let (code, v) = resize(&sim, "init", SMP, body).await;
        assert_eq!(code, 422, "{v}");
        assert_eq!(
            v["message"],
            format!("Pod \"init\" is invalid: spec: Forbidden: {text}")
        );
    }
    // A sidecar's cpu may change.
    let sim = cluster(35).await;
    sim.create_pod(with_init(true)).unwrap();
    let body = json!({"spec":{"initContainers":[{"name":"init","resources":{"requests":{"cpu":"200m"}}}]}});
    let (code, v) = resize(&sim, "init", SMP, body).await;
    assert_eq!(code, 200, "{v}");
}

/// Facts "Third round": QoS counts only quantities above zero, so a pod requesting cpu "0"
/// and memory "0" is BestEffort and resizing it to 100m changes its class.
#[tokio::test]
async fn zero_requests_are_best_effort() {
    let sim = cluster(35).await;
    let p = sim
        .create_pod(pod(
            "zero",
            vec![container(
                "c1",
                &[("cpu", "0"), ("memory", "0")],
                &[],
                false,
            )],
        ))
        .unwrap();
    assert_eq!(p.status.unwrap().qos_class.as_deref(), Some("BestEffort"));
    let (code, v) = resize(&sim, "zero", SMP, cpu_patch("c1", "100m")).await;
    assert_eq!(code, 422, "{v}");
    assert_eq!(
        v["message"],
        "Pod \"zero\" is invalid: spec: Invalid value: \"BestEffort\": Pod QOS Class may not change as a result of resizing"
    );
}

/// Facts "Third round": quantities already canonical for their suffix family are stored as
/// sent, others are rewritten; `1e3m` is not a quantity.
#[tokio::test]
async fn quantities_are_stored_as_the_server_stores_them() {
    let sim = cluster(35).await;
    sim.create_pod(resize_demo()).unwrap();
    let body = json!({"spec":{"containers":[{"name":"c1","resources":{"requests":{"cpu":"+500m","memory":"+128Mi"},"limits":{"cpu":"1e0","memory":"512M"}}}]}});
    let (code, v) = resize(&sim, "resize-demo", SMP, body).await;
    assert_eq!(code, 200, "{v}");
    let r = &v["spec"]["containers"][0]["resources"];
    assert_eq!(r["requests"]["cpu"], "+500m");
    assert_eq!(r["requests"]["memory"], "128Mi");
    assert_eq!(r["limits"]["cpu"], "1e0");
    assert_eq!(r["limits"]["memory"], "512M");
    let (code, v) = resize(&sim, "resize-demo", SMP, cpu_patch("c1", "1e3m")).await;
    assert_eq!(code, 422, "{v}");
    assert_eq!(v["details"]["causes"][0]["field"], "patch");
}
