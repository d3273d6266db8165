//! The generated demo cluster agrees with itself over HTTP: an Error pod's usage (as
//! metrics.k8s.io reports it) is above the limit its message names, and no pod on a node
//! without resize support shows a resize state.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use k8s_openapi::api::core::v1::{Node, Pod};
use kube::Api;
use kube::api::ListParams;
use podsize::model::ground::quantity::Quantity;
use simcluster::kubelet::NO_RESIZE_LABEL;
use simcluster::{Identity, SimCluster, SimConfig};
use std::collections::{BTreeSet, HashMap};

async fn check(nodes: usize, pods: usize) {
    let sim = SimCluster::start(SimConfig {
        nodes,
        pods,
        ..SimConfig::default()
    })
    .await
    .unwrap();
    let client = sim.client(Identity::Admin).await.unwrap();
    let all_pods = Api::<Pod>::all(client.clone())
        .list(&ListParams::default())
        .await
        .unwrap();
    let no_support: BTreeSet<String> = Api::<Node>::all(client.clone())
        .list(&ListParams::default())
        .await
        .unwrap()
        .items
        .into_iter()
        .filter(|n| {
            n.metadata
                .labels
                .as_ref()
                .is_some_and(|l| l.contains_key(NO_RESIZE_LABEL))
        })
        .filter_map(|n| n.metadata.name)
        .collect();
    let request = http::Request::get("/apis/metrics.k8s.io/v1beta1/pods")
        .body(Vec::new())
        .unwrap();
    let metrics: serde_json::Value = client.request(request).await.unwrap();
    let mut usage: HashMap<(String, String), i64> = HashMap::new();
    for item in metrics["items"].as_array().unwrap() {
        let (ns, name) = (&item["metadata"]["namespace"], &item["metadata"]["name"]);
        let first = &item["containers"][0]["usage"]["memory"];
        let bytes = Quantity::parse(first.as_str().unwrap()).unwrap().units();
        usage.insert(
            (ns.as_str().unwrap().into(), name.as_str().unwrap().into()),
            bytes,
        );
    }
    let mut errors = 0;
    let mut resizing = 0;
    for pod in &all_pods.items {
        let key = (
            pod.metadata.namespace.clone().unwrap(),
            pod.metadata.name.clone().unwrap(),
        );
        let node = pod.spec.as_ref().and_then(|s| s.node_name.clone());
        let conditions = pod.status.as_ref().and_then(|s| s.conditions.clone());
        for c in conditions.iter().flatten() {
            if !c.type_.starts_with("PodResize") {
                continue;
            }
            resizing += 1;
            assert!(
                node.as_ref().is_none_or(|n| !no_support.contains(n)),
                "{key:?} shows {:?} on {node:?}, a node without resize support",
                c.reason
            );
            let message = c.message.clone().unwrap_or_default();
            if c.reason.as_deref() == Some("Error")
                && let Some(limit) = message
                    .strip_prefix("memory limit (")
                    .and_then(|m| m.split(')').next())
            {
                errors += 1;
                let limit = Quantity::parse(limit).unwrap().units();
                let used = usage[&key];
                assert!(used > limit, "{key:?}: '{message}' but usage is {used}");
            }
        }
    }
    assert!(errors >= 1 && resizing >= 3, "the demo seeds resize states");
}

#[tokio::test]
async fn the_demo_cluster_is_consistent() {
    check(SimConfig::default().nodes, 120).await;
}

#[tokio::test]
async fn four_nodes_put_no_resize_state_on_the_unsupported_node() {
    check(4, 40).await;
}
