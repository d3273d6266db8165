//! Demo scenery for what else decides whether a resize lands (issue 27, real-apiserver-facts.md
//! fourth round): a node whose old containerd never reports resized values, a namespace with
//! a LimitRange (container max and `maxLimitRequestRatio`), one close to its ResourceQuota on
//! `requests.cpu`, and a Deployment under an `autoscaling/v2` HPA scaling on CPU utilisation.
//! Objects are stored as their controllers would have left them (the quota's `status.used`
//! summed from its pods, the HPA's status from its pods' pinned usage); pods' usage is pinned
//! by annotation so the scene reads the same every run.

use super::SimCluster;
use super::hpa::HorizontalPodAutoscaler;
use super::kstatus::{CPU_USAGE_ANNOTATION, MEMORY_USAGE_ANNOTATION};
use k8s_openapi::api::apps::v1::{Deployment, DeploymentSpec};
use k8s_openapi::api::core::v1::{
    Container, LimitRange, LimitRangeItem, LimitRangeSpec, Node, Pod, PodSpec, PodTemplateSpec,
    ResourceQuota, ResourceQuotaSpec, ResourceQuotaStatus, ResourceRequirements,
};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta, OwnerReference};
use serde_json::json;
use std::collections::BTreeMap;

/// The node whose runtime predates containerd 1.6.9 (the seed blog's known issue).
pub const OLD_RUNTIME_NODE: &str = "sim-node-legacy";
pub const OLD_RUNTIME: &str = "containerd://1.6.4";
pub const LEGACY_NAMESPACE: &str = "legacy";
pub const LEGACY_POD: &str = "billing-batch-0";
/// The namespace with a LimitRange: container max cpu 2 / memory 2Gi, cpu limit ≤ 4 × request.
pub const LIMITED_NAMESPACE: &str = "reports";
pub const LIMIT_RANGE: &str = "container-limits";
pub const LIMITED_POD: &str = "reports-api-0";
/// The namespace using 1800m of its 2-cpu `requests.cpu` quota.
pub const QUOTA_NAMESPACE: &str = "analytics";
pub const QUOTA: &str = "compute";
/// The Deployment under the HPA: three pods of 1 cpu each using 210m (21 % of 70 % target).
pub const HPA_NAMESPACE: &str = "storefront";
pub const HPA_DEPLOYMENT: &str = "frontend";
const HPA_TEMPLATE_HASH: &str = "6d8f7c9b5d";
pub const HPA_PODS: [&str; 3] = [
    "frontend-6d8f7c9b5d-4xk2p",
    "frontend-6d8f7c9b5d-9qmzt",
    "frontend-6d8f7c9b5d-h7wbc",
];

fn quantities(pairs: &[(&str, &str)]) -> BTreeMap<String, Quantity> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), Quantity(v.to_string())))
        .collect()
}

/// One container `app` with requests and limits (cpu, memory) and pinned usage.
fn pod(
    ns: &str,
    name: &str,
    app: &str,
    req: (&str, &str),
    lim: (&str, &str),
    usage: (&str, &str),
) -> Pod {
    let mut pod = Pod {
        spec: Some(PodSpec {
            containers: vec![Container {
                name: app.into(),
                image: Some(format!("registry.example.com/{ns}/{app}:v2.3.1")),
                resources: Some(ResourceRequirements {
                    requests: Some(quantities(&[("cpu", req.0), ("memory", req.1)])),
                    limits: Some(quantities(&[("cpu", lim.0), ("memory", lim.1)])),
                    ..Default::default()
                }),
                ..Default::default()
            }],
            ..Default::default()
        }),
        ..Default::default()
    };
    // The scene shows what else refuses a resize, so its pods go where a resize can be sent
    // at all (the kubelet of a node without in-place resize would mark every one unsupported).
    if let Some(spec) = pod.spec.as_mut() {
        spec.affinity = Some(crate::startup::away_from_nodes_without_resize());
    }
    pod.metadata.name = Some(name.into());
    pod.metadata.namespace = Some(ns.into());
    pod.metadata.labels = Some(BTreeMap::from([("app".to_string(), app.to_string())]));
    pod.metadata.annotations = Some(BTreeMap::from([
        (CPU_USAGE_ANNOTATION.to_string(), usage.0.to_string()),
        (MEMORY_USAGE_ANNOTATION.to_string(), usage.1.to_string()),
    ]));
    pod
}

fn meta(ns: &str, name: &str) -> ObjectMeta {
    ObjectMeta {
        name: Some(name.into()),
        namespace: Some(ns.into()),
        uid: Some(super::api::make_uid(name.len() as u64, 0x27)),
        creation_timestamp: Some(super::podutil::now()),
        ..Default::default()
    }
}

/// A small node (so the scheduler prefers others) reporting an old containerd, with one pod.
fn old_runtime_node(sim: &SimCluster) {
    sim.add_node(OLD_RUNTIME_NODE, 2000, 4 << 30, true);
    let store = &sim.api().store;
    if let Some(entry) = store.get::<Node>("", OLD_RUNTIME_NODE) {
        let mut node = (*entry.obj).clone();
        if let Some(info) = node.status.as_mut().and_then(|s| s.node_info.as_mut()) {
            info.container_runtime_version = OLD_RUNTIME.into();
        }
        store.upsert(node);
    }
    let mut p = pod(
        LEGACY_NAMESPACE,
        LEGACY_POD,
        "billing-batch",
        ("500m", "512Mi"),
        ("1", "1Gi"),
        ("300m", "300Mi"),
    );
    if let Some(spec) = p.spec.as_mut() {
        spec.node_name = Some(OLD_RUNTIME_NODE.into());
    }
    let _ = sim.create_pod(p);
}

fn limit_range(sim: &SimCluster) {
    let item = LimitRangeItem {
        type_: "Container".into(),
        max: Some(quantities(&[("cpu", "2"), ("memory", "2Gi")])),
        max_limit_request_ratio: Some(quantities(&[("cpu", "4")])),
        ..Default::default()
    };
    sim.api().store.upsert(LimitRange {
        metadata: meta(LIMITED_NAMESPACE, LIMIT_RANGE),
        spec: Some(LimitRangeSpec { limits: vec![item] }),
    });
    for (name, app) in [
        (LIMITED_POD, "reports-api"),
        ("reports-worker-0", "reports-worker"),
    ] {
        let p = pod(
            LIMITED_NAMESPACE,
            name,
            app,
            ("500m", "256Mi"),
            ("1", "512Mi"),
            ("200m", "180Mi"),
        );
        let _ = sim.create_pod(p);
    }
}

fn quota(sim: &SimCluster) {
    for name in ["etl-runner-0", "dashboard-api-0"] {
        let app = name.trim_end_matches("-0");
        let p = pod(
            QUOTA_NAMESPACE,
            name,
            app,
            ("900m", "512Mi"),
            ("1500m", "1Gi"),
            ("400m", "300Mi"),
        );
        let _ = sim.create_pod(p);
    }
    let hard = quantities(&[("requests.cpu", "2")]);
    sim.api().store.upsert(ResourceQuota {
        metadata: meta(QUOTA_NAMESPACE, QUOTA),
        spec: Some(ResourceQuotaSpec {
            hard: Some(hard.clone()),
            ..Default::default()
        }),
        // The quota controller's count of the two pods above.
        status: Some(ResourceQuotaStatus {
            hard: Some(hard),
            used: Some(quantities(&[("requests.cpu", "1800m")])),
        }),
    });
}

fn hpa(sim: &SimCluster) {
    let rs = format!("{HPA_DEPLOYMENT}-{HPA_TEMPLATE_HASH}");
    let labels = BTreeMap::from([
        ("app".to_string(), HPA_DEPLOYMENT.to_string()),
        (
            "pod-template-hash".to_string(),
            HPA_TEMPLATE_HASH.to_string(),
        ),
    ]);
    let mut template = None;
    for name in HPA_PODS {
        let mut p = pod(
            HPA_NAMESPACE,
            name,
            HPA_DEPLOYMENT,
            ("1", "512Mi"),
            ("2", "1Gi"),
            ("210m", "260Mi"),
        );
        p.metadata.labels = Some(labels.clone());
        p.metadata.owner_references = Some(vec![OwnerReference {
            api_version: "apps/v1".into(),
            kind: "ReplicaSet".into(),
            name: rs.clone(),
            uid: super::api::make_uid(0x27, 0x5e),
            controller: Some(true),
            block_owner_deletion: Some(true),
        }]);
        template.get_or_insert_with(|| p.spec.clone());
        let _ = sim.create_pod(p);
    }
    let store = &sim.api().store;
    super::replicasets::populate(store);
    store.upsert(Deployment {
        metadata: ObjectMeta {
            uid: Some(super::replicasets::deployment_uid(
                HPA_NAMESPACE,
                HPA_DEPLOYMENT,
            )),
            labels: Some(BTreeMap::from([(
                "app".to_string(),
                HPA_DEPLOYMENT.to_string(),
            )])),
            generation: Some(1),
            ..meta(HPA_NAMESPACE, HPA_DEPLOYMENT)
        },
        spec: DeploymentSpec {
            replicas: Some(3),
            selector: LabelSelector {
                match_labels: Some(BTreeMap::from([(
                    "app".to_string(),
                    HPA_DEPLOYMENT.to_string(),
                )])),
                ..Default::default()
            },
            template: PodTemplateSpec {
                metadata: Some(ObjectMeta {
                    labels: Some(BTreeMap::from([(
                        "app".to_string(),
                        HPA_DEPLOYMENT.to_string(),
                    )])),
                    ..Default::default()
                }),
                spec: template.flatten(),
            },
            ..Default::default()
        },
        status: None,
    });
    // The HPA controller's last look: 210m of a 1-cpu request is 21 % against a 70 % target,
    // within its bounds, so it keeps the three replicas.
    store.upsert(HorizontalPodAutoscaler {
        api_version: "autoscaling/v2".into(),
        kind: "HorizontalPodAutoscaler".into(),
        metadata: meta(HPA_NAMESPACE, HPA_DEPLOYMENT),
        spec: json!({
            "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": HPA_DEPLOYMENT},
            "minReplicas": 3, "maxReplicas": 10,
            "metrics": [{"type": "Resource", "resource": {"name": "cpu",
                "target": {"type": "Utilization", "averageUtilization": 70}}}],
        }),
        status: json!({
            "currentReplicas": 3, "desiredReplicas": 3,
            "currentMetrics": [{"type": "Resource", "resource": {"name": "cpu",
                "current": {"averageUtilization": 21, "averageValue": "210m"}}}],
        }),
    });
}

/// Adds the whole scene.
pub fn add(sim: &SimCluster) {
    old_runtime_node(sim);
    limit_range(sim);
    quota(sim);
    hpa(sim);
}
