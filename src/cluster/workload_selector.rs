//! The label selector of a pod's workload, so that start-up boosts can follow the pods its
//! next rollouts create (the dashboard's `B`). A Deployment's pods are found through their
//! ReplicaSet: its selector is the Deployment's plus `pod-template-hash`, which differs per
//! rollout and is therefore left out.

use k8s_openapi::api::apps::v1::ReplicaSet;
use k8s_openapi::api::core::v1::Pod;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use kube::{Api, Client};

/// The label the Deployment controller adds to each ReplicaSet's selector.
const TEMPLATE_HASH: &str = "pod-template-hash";

/// `LabelSelector` as `-l` text (`app=orders,tier in (web,api),!canary`), leaving out `skip`.
pub fn selector_text(sel: &LabelSelector, skip: &str) -> String {
    let mut parts: Vec<String> = sel
        .match_labels
        .iter()
        .flatten()
        .filter(|(k, _)| k.as_str() != skip)
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    for e in sel.match_expressions.iter().flatten() {
        if e.key == skip {
            continue;
        }
        let values = e.values.clone().unwrap_or_default().join(",");
        parts.push(match e.operator.as_str() {
            "In" => format!("{} in ({values})", e.key),
            "NotIn" => format!("{} notin ({values})", e.key),
            "DoesNotExist" => format!("!{}", e.key),
            _ => e.key.clone(),
        });
    }
    parts.join(",")
}

/// (what the workload is, its selector) for the pod `namespace/name`.
pub async fn workload_selector(
    client: &Client,
    namespace: &str,
    name: &str,
) -> Result<(String, String), String> {
    let pods: Api<Pod> = Api::namespaced(client.clone(), namespace);
    let pod = pods
        .get(name)
        .await
        .map_err(|e| super::client::one_line(&e))?;
    let owner = pod
        .metadata
        .owner_references
        .iter()
        .flatten()
        .find(|o| o.controller == Some(true))
        .ok_or_else(|| format!("pod {name} has no workload: boost it with b"))?;
    if owner.kind != "ReplicaSet" {
        return Err(format!(
            // The dashboard puts "start-up boosts: " before this: the reason does not repeat it.
            "the dashboard follows Deployments and ReplicaSets; for {} {} run podsize boost -l SELECTOR --until-ready --watch",
            owner.kind, owner.name
        ));
    }
    let sets: Api<ReplicaSet> = Api::namespaced(client.clone(), namespace);
    let rs = sets
        .get(&owner.name)
        .await
        .map_err(|e| super::client::one_line(&e))?;
    let selector = selector_text(&rs.spec.selector, TEMPLATE_HASH);
    if selector.is_empty() {
        return Err(format!(
            "ReplicaSet {} has no selector to follow",
            owner.name
        ));
    }
    let what = rs
        .metadata
        .owner_references
        .iter()
        .flatten()
        .find(|o| o.controller == Some(true))
        .map_or_else(
            || format!("ReplicaSet {}", owner.name),
            |d| format!("{} {}", d.kind, d.name),
        );
    Ok((what, selector))
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelectorRequirement;

    #[test]
    fn the_rollout_hash_is_left_out_of_the_selector() {
        let sel = LabelSelector {
            match_labels: Some(
                [
                    ("app".to_string(), "orders".to_string()),
                    (TEMPLATE_HASH.to_string(), "7f9c6".to_string()),
                ]
                .into(),
            ),
            match_expressions: Some(vec![
                LabelSelectorRequirement {
                    key: "tier".into(),
                    operator: "In".into(),
                    values: Some(vec!["web".into(), "api".into()]),
                },
                LabelSelectorRequirement {
                    key: "canary".into(),
                    operator: "DoesNotExist".into(),
                    values: None,
                },
            ]),
        };
        assert_eq!(
            selector_text(&sel, TEMPLATE_HASH),
            "app=orders,tier in (web,api),!canary"
        );
    }
}
