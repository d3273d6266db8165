//! A demo node where make-room has work to do: `sim-node-tight` (4 cpu, 8Gi) holds pods of
//! every priority, and a `high` pod's growth from 1 to 2.5 cpu is Deferred until lower-priority
//! pods there give way. Usage is pinned by annotation so the plan is the same every run.

use super::SimCluster;
use super::api::{Body, Target};
use super::kstatus::{CPU_USAGE_ANNOTATION, MEMORY_USAGE_ANNOTATION};
use super::patch::PatchKind;
use k8s_openapi::api::core::v1::{Container, Pod, PodSpec, ResourceRequirements};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use std::collections::BTreeMap;
use std::time::Duration;

pub const NODE: &str = "sim-node-tight";
pub const NAMESPACE: &str = "shop";
/// The pod whose resize waits for room.
pub const WAITING_POD: &str = "checkout-api-0";
pub const WAITING_CONTAINER: &str = "checkout-api";

/// (name, class, cpu request, memory request, cpu usage, memory usage).
const PODS: &[(&str, &str, &str, &str, &str, &str)] = &[
    (WAITING_POD, "high", "1", "1Gi", "900m", "700Mi"),
    (
        "report-batch-0",
        "batch-low",
        "1200m",
        "1Gi",
        "150m",
        "300Mi",
    ),
    ("search-indexer-0", "", "800m", "1Gi", "200m", "400Mi"),
    ("payments-api-0", "high", "800m", "1Gi", "100m", "300Mi"),
];

fn quantities(cpu: &str, memory: &str) -> BTreeMap<String, Quantity> {
    BTreeMap::from([
        ("cpu".to_string(), Quantity(cpu.to_string())),
        ("memory".to_string(), Quantity(memory.to_string())),
    ])
}

fn scene_pod(name: &str, class: &str, cpu: &str, memory: &str, usage: (&str, &str)) -> Pod {
    let app = name.trim_end_matches("-0");
    let mut pod = Pod {
        spec: Some(PodSpec {
            node_name: Some(NODE.into()),
            priority_class_name: (!class.is_empty()).then(|| class.to_string()),
            containers: vec![Container {
                name: app.into(),
                image: Some(format!("registry.example.com/shop/{app}:v1.4.2")),
                resources: Some(ResourceRequirements {
                    requests: Some(quantities(cpu, memory)),
                    limits: Some(quantities("3", "2Gi")),
                    ..Default::default()
                }),
                ..Default::default()
            }],
            ..Default::default()
        }),
        ..Default::default()
    };
    pod.metadata.name = Some(name.into());
    pod.metadata.namespace = Some(NAMESPACE.into());
    pod.metadata.labels = Some(BTreeMap::from([("app".to_string(), app.to_string())]));
    pod.metadata.annotations = Some(BTreeMap::from([
        (CPU_USAGE_ANNOTATION.to_string(), usage.0.to_string()),
        (MEMORY_USAGE_ANNOTATION.to_string(), usage.1.to_string()),
    ]));
    pod
}

/// Adds the node and its pods, then (once the waiting pod runs) asks for its growth.
pub fn add(sim: &SimCluster) {
    sim.add_node(NODE, 4000, 8 << 30, true);
    for (name, class, cpu, memory, ucpu, umem) in PODS {
        let _ = sim.create_pod(scene_pod(name, class, cpu, memory, (ucpu, umem)));
    }
}

/// The growth patch: 1 → 2.5 cpu, which the node cannot give while the others hold theirs.
pub fn grow_waiting(sim: &SimCluster) -> bool {
    let body = format!(
        r#"{{"spec":{{"containers":[{{"name":"{WAITING_CONTAINER}","resources":{{"requests":{{"cpu":"2500m"}}}}}}]}}}}"#
    );
    sim.api()
        .write_pod(
            NAMESPACE,
            WAITING_POD,
            Target::Resize,
            Body::Patch(PatchKind::Strategic, body.as_bytes()),
            false,
            "kubectl-patch",
        )
        .is_ok()
}

/// Waits (up to ~10 s) until the waiting pod has started, then sends its growth.
pub async fn start_waiting_resize(sim: &SimCluster) {
    for _ in 0..200 {
        let started = sim.pod(NAMESPACE, WAITING_POD).is_some_and(|p| {
            p.status
                .and_then(|s| s.container_statuses)
                .is_some_and(|c| !c.is_empty())
        });
        if started {
            grow_waiting(sim);
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
