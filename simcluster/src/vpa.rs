//! VerticalPodAutoscalers (`autoscaling.k8s.io/v1`, a CRD on a real cluster) for part of the
//! generated Deployments, with recommendations computed from the same simulated usage the
//! sim's history and metrics come from. Field names follow the VPA CRD
//! (kubernetes/autoscaler vertical-pod-autoscaler/deploy/vpa-v1-crd-gen.yaml):
//! `spec.targetRef {apiVersion, kind, name}`, `spec.updatePolicy.updateMode`,
//! `status.recommendation.containerRecommendations[] {containerName, target, lowerBound,
//! upperBound, uncappedTarget}`, `status.conditions[]`.

use super::api::make_uid;
use super::store::Store;
use super::usage_history::{Baseline, Shape, hash, usage_at};
use k8s_openapi::NamespaceResourceScope;
use k8s_openapi::api::apps::v1::ReplicaSet;
use k8s_openapi::api::core::v1::{Container, Pod};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use std::borrow::Cow;
use std::collections::BTreeMap;

/// A stored VPA: typed metadata, spec and status kept as JSON in the CRD's shape.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VerticalPodAutoscaler {
    pub api_version: String,
    pub kind: String,
    pub metadata: ObjectMeta,
    pub spec: Value,
    #[serde(default, skip_serializing_if = "Value::is_null")]
    pub status: Value,
}

impl kube::Resource for VerticalPodAutoscaler {
    type DynamicType = ();
    type Scope = NamespaceResourceScope;
    fn kind(_: &()) -> Cow<'_, str> {
        "VerticalPodAutoscaler".into()
    }
    fn group(_: &()) -> Cow<'_, str> {
        "autoscaling.k8s.io".into()
    }
    fn version(_: &()) -> Cow<'_, str> {
        "v1".into()
    }
    fn plural(_: &()) -> Cow<'_, str> {
        "verticalpodautoscalers".into()
    }
    fn meta(&self) -> &ObjectMeta {
        &self.metadata
    }
    fn meta_mut(&mut self) -> &mut ObjectMeta {
        &mut self.metadata
    }
}

/// The CRD's update modes, in the order the generated VPAs cycle through them.
pub const UPDATE_MODES: [&str; 5] = ["Off", "Initial", "Recreate", "InPlaceOrRecreate", "Auto"];

/// Two Deployments in three get a VPA; the rest fall back to other usage sources.
pub fn has_vpa(namespace: &str, deployment: &str) -> bool {
    hash(&[namespace, deployment, "vpa"]) % 3 != 2
}

/// The update mode of the VPA of `namespace/deployment`.
pub fn update_mode(namespace: &str, deployment: &str) -> &'static str {
    UPDATE_MODES[((hash(&[namespace, deployment, "vpa"]) >> 8) % 5) as usize]
}

/// The name of the VPA targeting a Deployment: not the Deployment's own name, so a client has
/// to follow `spec.targetRef`.
pub fn vpa_name(deployment: &str) -> String {
    format!("{deployment}-vpa")
}

/// Window the recommender looks back over, and its sample step (seconds).
const WINDOW: i64 = 8 * 86_400;
const STEP: i64 = 600;

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted.get(i).copied().unwrap_or(0.0)
}

fn cpu_text(cores: f64) -> String {
    format!("{}m", (cores * 1000.0).ceil().max(1.0) as i64)
}

fn memory_text(bytes: f64) -> String {
    format!("{}", bytes.ceil().max(1.0) as i64)
}

fn resources(cpu: f64, memory: f64) -> Value {
    json!({"cpu": cpu_text(cpu), "memory": memory_text(memory)})
}

/// One container's recommendation, from its simulated usage: target = p90 CPU and peak memory
/// plus the recommender's 15 % margin; bounds from p50 and twice the peak.
fn container_recommendation(ns: &str, pod: &str, c: &Container) -> Value {
    let shape = Shape::of(ns, pod, &c.name);
    let seed = hash(&[ns, pod, &c.name]);
    let base = Baseline::of(c);
    let (mut cpu, mut mem): (Vec<f64>, Vec<f64>) = (0..=WINDOW / STEP)
        .map(|i| usage_at(shape, base, seed, i * STEP, WINDOW))
        .unzip();
    cpu.sort_by(f64::total_cmp);
    mem.sort_by(f64::total_cmp);
    let target = resources(percentile(&cpu, 0.9) * 1.15, percentile(&mem, 1.0) * 1.15);
    json!({
        "containerName": c.name,
        "target": target,
        "lowerBound": resources(percentile(&cpu, 0.5), percentile(&mem, 0.5)),
        "upperBound": resources(percentile(&cpu, 1.0) * 2.0, percentile(&mem, 1.0) * 2.0),
        "uncappedTarget": target,
    })
}

fn new_vpa(ns: &str, deployment: &str, pod: &Pod) -> VerticalPodAutoscaler {
    let name = pod.metadata.name.as_deref().unwrap_or("");
    let spec = pod.spec.as_ref();
    let sidecars = spec
        .and_then(|s| s.init_containers.as_ref())
        .into_iter()
        .flatten()
        .filter(|c| c.restart_policy.as_deref() == Some("Always"));
    let recs: Vec<Value> = spec
        .into_iter()
        .flat_map(|s| s.containers.iter())
        .chain(sidecars)
        .map(|c| container_recommendation(ns, name, c))
        .collect();
    let h = hash(&[ns, deployment, "vpa-uid"]);
    VerticalPodAutoscaler {
        api_version: "autoscaling.k8s.io/v1".into(),
        kind: "VerticalPodAutoscaler".into(),
        metadata: ObjectMeta {
            name: Some(vpa_name(deployment)),
            namespace: Some(ns.to_string()),
            uid: Some(make_uid(h, h >> 3)),
            generation: Some(1),
            creation_timestamp: pod.metadata.creation_timestamp.clone(),
            ..Default::default()
        },
        spec: json!({
            "targetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": deployment},
            "updatePolicy": {"updateMode": update_mode(ns, deployment)},
            "resourcePolicy": {"containerPolicies": [{"containerName": "*", "controlledResources": ["cpu", "memory"]}]},
        }),
        status: json!({
            "conditions": [{"type": "RecommendationProvided", "status": "True",
                "lastTransitionTime": pod.metadata.creation_timestamp}],
            "recommendation": {"containerRecommendations": recs},
        }),
    }
}

/// The Deployment owning a ReplicaSet, from the stored ReplicaSet's ownerReferences.
fn deployment_of(rs: &ReplicaSet) -> Option<&str> {
    rs.metadata
        .owner_references
        .iter()
        .flatten()
        .find(|o| o.kind == "Deployment" && o.controller == Some(true))
        .map(|o| o.name.as_str())
}

/// Stores a VPA for part of the Deployments behind the stored ReplicaSets (call after
/// `replicasets::populate`); recommendations come from the first pod found of each.
pub fn populate(store: &Store) -> usize {
    let mut first_pod: BTreeMap<(String, String), std::sync::Arc<Pod>> = BTreeMap::new();
    for pod in store.all::<Pod>(None) {
        let ns = pod.metadata.namespace.clone().unwrap_or_default();
        let owner = pod
            .metadata
            .owner_references
            .iter()
            .flatten()
            .find(|o| o.kind == "ReplicaSet" && o.controller == Some(true));
        let Some(rs) = owner.and_then(|o| store.get::<ReplicaSet>(&ns, &o.name)) else {
            continue;
        };
        let Some(deployment) = deployment_of(&rs.obj) else {
            continue;
        };
        if has_vpa(&ns, deployment) {
            first_pod.entry((ns, deployment.to_string())).or_insert(pod);
        }
    }
    let n = first_pod.len();
    for ((ns, deployment), pod) in first_pod {
        store.upsert(new_vpa(&ns, &deployment, &pod));
    }
    n
}

/// `GET /apis/autoscaling.k8s.io/v1` resources, as the CRDs register them.
pub fn discovery_resources() -> Vec<Value> {
    const CRUD: [&str; 8] = [
        "delete",
        "deletecollection",
        "get",
        "list",
        "patch",
        "create",
        "update",
        "watch",
    ];
    vec![
        json!({"name": "verticalpodautoscalercheckpoints", "singularName": "verticalpodautoscalercheckpoint",
            "namespaced": true, "kind": "VerticalPodAutoscalerCheckpoint", "verbs": CRUD, "shortNames": ["vpacheckpoint"]}),
        json!({"name": "verticalpodautoscalers", "singularName": "verticalpodautoscaler",
            "namespaced": true, "kind": "VerticalPodAutoscaler", "verbs": CRUD, "shortNames": ["vpa"]}),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modes_cover_the_crd_enum_and_some_deployments_have_none() {
        let names: Vec<String> = (0..200).map(|i| format!("app{i}")).collect();
        let modes: std::collections::BTreeSet<&str> =
            names.iter().map(|n| update_mode("ns", n)).collect();
        assert_eq!(modes.len(), UPDATE_MODES.len());
        let with = names.iter().filter(|n| has_vpa("ns", n)).count();
        assert!(with > 100 && with < 180, "{with}");
    }
}
