//! ReplicaSets (`apps/v1`) owning the generated pods, each owned in turn by a Deployment, so a
//! client can follow a pod's owner chain as on a real cluster (real-apiserver-facts.md, third
//! round: ReplicaSets are served by the API server alone). Deployments themselves are not
//! served; only the reference to them is.

use super::api::make_uid;
use super::store::{Entry, Kind, Store, Stored};
use super::tables::human_age;
use k8s_openapi::api::apps::v1::{ReplicaSet, ReplicaSetSpec, ReplicaSetStatus};
use k8s_openapi::api::core::v1::{Pod, PodTemplateSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta, OwnerReference};
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// The ReplicaSet that controls `pod`, as its ownerReferences name it.
fn controller_rs(pod: &Pod) -> Option<&OwnerReference> {
    pod.metadata
        .owner_references
        .iter()
        .flatten()
        .find(|o| o.kind == "ReplicaSet" && o.controller == Some(true))
}

/// A Deployment names its ReplicaSets `DEPLOYMENT-HASH`, HASH being the pod-template-hash.
fn deployment_name(rs: &str, pod: &Pod) -> String {
    let hash = pod
        .metadata
        .labels
        .as_ref()
        .and_then(|l| l.get("pod-template-hash"));
    match hash.and_then(|h| rs.strip_suffix(h.as_str())) {
        Some(prefix) => prefix.trim_end_matches('-').to_string(),
        None => rs.to_string(),
    }
}

/// The uid of the (not served) Deployment `namespace/name`: stable, so every ReplicaSet of it
/// names the same owner.
pub fn deployment_uid(namespace: &str, name: &str) -> String {
    let h = super::usage_history::hash(&[namespace, name, "Deployment"]);
    make_uid(h, h >> 7)
}

fn selector_labels(pod: &Pod) -> BTreeMap<String, String> {
    let labels = pod.metadata.labels.clone().unwrap_or_default();
    labels
        .into_iter()
        .filter(|(k, _)| k == "app" || k == "pod-template-hash")
        .collect()
}

fn new_rs(pod: &Pod, owner: &OwnerReference, ns: &str) -> ReplicaSet {
    let deployment = deployment_name(&owner.name, pod);
    let labels = selector_labels(pod);
    let mut template_spec = pod.spec.clone().unwrap_or_default();
    template_spec.node_name = None;
    ReplicaSet {
        metadata: ObjectMeta {
            name: Some(owner.name.clone()),
            namespace: Some(ns.to_string()),
            uid: Some(owner.uid.clone()),
            labels: Some(labels.clone()),
            creation_timestamp: pod.metadata.creation_timestamp.clone(),
            generation: Some(1),
            owner_references: Some(vec![OwnerReference {
                api_version: "apps/v1".into(),
                kind: "Deployment".into(),
                uid: deployment_uid(ns, &deployment),
                name: deployment,
                controller: Some(true),
                block_owner_deletion: Some(true),
            }]),
            ..Default::default()
        },
        spec: ReplicaSetSpec {
            replicas: Some(0),
            selector: LabelSelector {
                match_labels: Some(labels.clone()),
                ..Default::default()
            },
            template: Some(PodTemplateSpec {
                metadata: Some(ObjectMeta {
                    labels: Some(labels),
                    ..Default::default()
                }),
                spec: Some(template_spec),
            }),
            ..Default::default()
        },
        status: Some(ReplicaSetStatus {
            observed_generation: Some(1),
            ..Default::default()
        }),
    }
}

fn count_pod(rs: &mut ReplicaSet) {
    let n = rs.spec.replicas.unwrap_or(0) + 1;
    rs.spec.replicas = Some(n);
    if let Some(st) = rs.status.as_mut() {
        st.replicas = n;
        st.ready_replicas = Some(n);
        st.available_replicas = Some(n);
        st.fully_labeled_replicas = Some(n);
    }
}

/// Stores one ReplicaSet for each ReplicaSet the stored pods name as their controller.
pub fn populate(store: &Store) -> usize {
    let mut sets: BTreeMap<(String, String), ReplicaSet> = BTreeMap::new();
    for pod in store.all::<Pod>(None) {
        let (Some(ns), Some(owner)) = (pod.metadata.namespace.as_deref(), controller_rs(&pod))
        else {
            continue;
        };
        let rs = sets
            .entry((ns.to_string(), owner.name.clone()))
            .or_insert_with(|| new_rs(&pod, owner, ns));
        count_pod(rs);
    }
    let n = sets.len();
    for rs in sets.into_values() {
        store.upsert(rs);
    }
    n
}

/// Stores the ReplicaSet a newly created `pod` names, when it is not there yet (a churned pod
/// of a new rollout).
pub fn adopt(store: &Store, pod: &Pod) {
    let (Some(ns), Some(owner)) = (pod.metadata.namespace.as_deref(), controller_rs(pod)) else {
        return;
    };
    if store.get::<ReplicaSet>(ns, &owner.name).is_none() {
        let mut rs = new_rs(pod, owner, ns);
        count_pod(&mut rs);
        store.upsert(rs);
    }
}

fn column(name: &str, format: &str, description: &str) -> Value {
    json!({"name": name, "type": "string", "format": format, "description": description, "priority": 0})
}

fn age_of(meta: &ObjectMeta) -> String {
    meta.creation_timestamp.as_ref().map_or_else(
        || "<unknown>".to_string(),
        |t| human_age(super::podutil::now().0.as_second() - t.0.as_second()),
    )
}

fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => "<none>".into(),
        other => other.to_string(),
    }
}

/// Columns and rows of a Table of ReplicaSets (as the server prints them) or of VPAs (the
/// CRD's additionalPrinterColumns: Mode, CPU, Mem, Provided, Age).
pub fn table_parts<T: Stored>(kind: Kind, items: &[Entry<T>]) -> (Value, Vec<Value>) {
    let objects = items.iter().filter_map(|e| {
        let v = serde_json::from_slice::<Value>(&e.json).ok()?;
        Some((age_of(e.obj.meta()), v))
    });
    let columns = if kind == Kind::Vpa {
        json!([
            column("Name", "name", "Name"),
            column("Mode", "", ".spec.updatePolicy.updateMode"),
            column("CPU", "", "target cpu"),
            column("Mem", "", "target memory"),
            column("Provided", "", "RecommendationProvided"),
            column("Age", "date", "creationTimestamp")
        ])
    } else {
        json!([
            column("Name", "name", "Name must be unique within a namespace."),
            column("Desired", "", "Number of desired pods."),
            column("Current", "", "Number of actual replicas."),
            column("Ready", "", "Number of ready replicas."),
            column("Age", "", "CreationTimestamp")
        ])
    };
    let rows = objects
        .map(|(age, v)| {
            let name = text(&v["metadata"]["name"]);
            let cells = if kind == Kind::Vpa {
                let target = &v["status"]["recommendation"]["containerRecommendations"][0]["target"];
                json!([name, text(&v["spec"]["updatePolicy"]["updateMode"]), text(&target["cpu"]),
                    text(&target["memory"]), text(&v["status"]["conditions"][0]["status"]), age])
            } else {
                json!([name, v["spec"]["replicas"], v["status"]["replicas"], v["status"]["readyReplicas"], age])
            };
            let meta = v["metadata"].clone();
            json!({"cells": cells, "object": {"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1", "metadata": meta}})
        })
        .collect();
    (columns, rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pod(name: &str, rs: &str, hash: &str) -> Pod {
        Pod {
            metadata: ObjectMeta {
                name: Some(name.into()),
                namespace: Some("shop".into()),
                labels: Some(BTreeMap::from([
                    ("app".to_string(), "web".to_string()),
                    ("pod-template-hash".to_string(), hash.to_string()),
                ])),
                owner_references: Some(vec![OwnerReference {
                    api_version: "apps/v1".into(),
                    kind: "ReplicaSet".into(),
                    name: rs.into(),
                    uid: format!("uid-{rs}"),
                    controller: Some(true),
                    block_owner_deletion: Some(true),
                }]),
                ..Default::default()
            },
            ..Default::default()
        }
    }

    #[test]
    fn replicasets_count_their_pods_and_name_their_deployment() {
        let store = Store::new(100, 1);
        store.upsert(pod("web-7d9f-a", "web-7d9f", "7d9f"));
        store.upsert(pod("web-7d9f-b", "web-7d9f", "7d9f"));
        assert_eq!(populate(&store), 1);
        let rs = store.get::<ReplicaSet>("shop", "web-7d9f").expect("stored");
        assert_eq!(rs.obj.spec.replicas, Some(2));
        assert_eq!(rs.obj.metadata.uid.as_deref(), Some("uid-web-7d9f"));
        let owner = &rs.obj.metadata.owner_references.as_ref().expect("owned")[0];
        assert_eq!(
            (owner.kind.as_str(), owner.name.as_str()),
            ("Deployment", "web")
        );
        assert_eq!(owner.uid, deployment_uid("shop", "web"));
        // A churned pod of a new rollout brings its ReplicaSet along, same Deployment.
        adopt(&store, &pod("web-55aa-c", "web-55aa", "55aa"));
        let new = store
            .get::<ReplicaSet>("shop", "web-55aa")
            .expect("adopted");
        let owner = &new.obj.metadata.owner_references.as_ref().expect("owned")[0];
        assert_eq!(owner.uid, deployment_uid("shop", "web"));
    }
}
