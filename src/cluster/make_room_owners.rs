//! An owner's word on make-room: a workload whose pod template carries
//! `podsize.dev/make-room: never` protects its pods even when they were created before the
//! annotation was added (a pod copies its template's annotations only when it is created).

use crate::model::PodRow;
use crate::model::pods::slim::MAKE_ROOM_ANNOTATION;
use kube::api::{ApiResource, DynamicObject, GroupVersionKind};
use kube::{Api, Client};
use std::collections::HashMap;

fn resource_of(kind: &str) -> Option<ApiResource> {
    let (group, version) = match kind {
        "ReplicaSet" | "StatefulSet" | "DaemonSet" | "Deployment" => ("apps", "v1"),
        "Job" => ("batch", "v1"),
        _ => return None,
    };
    Some(ApiResource::from_gvk(&GroupVersionKind::gvk(
        group, version, kind,
    )))
}

/// The pods of `pods` whose owner's template says `never`, with the reason. An owner that
/// cannot be read protects nothing: the pod's own annotation still does.
pub async fn protected_by_owner(
    client: &Client,
    pods: &[PodRow],
) -> HashMap<(String, String), String> {
    let mut verdicts: HashMap<(String, String, String), bool> = HashMap::new();
    let mut out = HashMap::new();
    for pod in pods {
        let Some(owner) = &pod.owner else { continue };
        let Some(ar) = resource_of(&owner.kind) else {
            continue;
        };
        let key = (
            pod.namespace.clone(),
            owner.kind.clone(),
            owner.name.clone(),
        );
        let never = match verdicts.get(&key) {
            Some(v) => *v,
            None => {
                let api: Api<DynamicObject> =
                    Api::namespaced_with(client.clone(), &pod.namespace, &ar);
                let v = api.get(&owner.name).await.ok().is_some_and(|o| {
                    o.data["spec"]["template"]["metadata"]["annotations"][MAKE_ROOM_ANNOTATION]
                        .as_str()
                        .is_some_and(|t| t.trim() == "never")
                });
                verdicts.insert(key, v);
                v
            }
        };
        if never {
            out.insert(
                (pod.namespace.clone(), pod.name.clone()),
                format!(
                    "its {} {}'s template is annotated {MAKE_ROOM_ANNOTATION}: never",
                    owner.kind, owner.name
                ),
            );
        }
    }
    out
}
