//! The dashboard opened on one namespace counts every pod on a node for its prediction (issue
//! 27: it said "free cpu 38300m" where `podsize nodes` said 9850m): the app fed by the scoped
//! pod watch, the node watch and the cluster-wide room watch over real HTTP predicts the same
//! free room for a node as `podsize nodes -o json`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::sim_cli::SimCli;
use chrono::Utc;
use k8s_openapi::api::core::v1::Pod;
use kube::Api;
use kube::api::ListParams;
use podsize::app::state::HeaderInfo;
use podsize::app::{Action, AppState, update};
use podsize::cluster::room_watch::watch_room;
use podsize::cluster::watch::{watch_nodes, watch_pods};
use podsize::model::pods::admitted::admitted_of_neighbours;
use podsize::model::pods::events::Scope;
use podsize::model::pods::row::PodKey;
use podsize::settings::InitialList;
use simcluster::{Identity, SimConfig};
use std::collections::BTreeMap;
use std::time::Duration;
use tokio::sync::mpsc::unbounded_channel;

/// A node with pods of more than one namespace on it, one of those namespaces and one of its
/// pods there.
async fn shared_node(pods: &Api<Pod>) -> (String, String, String) {
    let list = pods.list(&ListParams::default()).await.unwrap();
    let mut by_node: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    for p in &list.items {
        let (Some(node), Some(ns), Some(name)) = (
            p.spec.as_ref().and_then(|s| s.node_name.clone()),
            p.metadata.namespace.clone(),
            p.metadata.name.clone(),
        ) else {
            continue;
        };
        by_node.entry(node).or_default().push((ns, name));
    }
    by_node
        .into_iter()
        .find_map(|(node, here)| {
            let (ns, name) = here.first()?.clone();
            here.iter()
                .any(|(other, _)| *other != ns)
                .then_some((node, ns, name))
        })
        .expect("a node with pods of two namespaces")
}

#[tokio::test(flavor = "multi_thread")]
async fn a_namespace_scoped_dashboard_predicts_the_free_room_podsize_nodes_shows() {
    let cli = SimCli::start(SimConfig {
        tls: true,
        pods: 40,
        nodes: 2,
        namespaces: 4,
        ..SimConfig::empty()
    })
    .await;
    let client = cli.sim.client(Identity::Admin).await.unwrap();
    let (node, ns, name) = shared_node(&Api::all(client.clone())).await;
    let scope = Scope {
        namespace: Some(ns.clone()),
        label_selector: None,
    };
    let (tx, mut rx) = unbounded_channel();
    let tasks = [
        tokio::spawn(watch_pods(
            client.clone(),
            scope.clone(),
            InitialList::Paged,
            tx.clone(),
        )),
        tokio::spawn(watch_nodes(client.clone(), tx.clone())),
        tokio::spawn(watch_room(client.clone(), tx)),
    ];
    let mut state = AppState::new(HeaderInfo::default(), scope);
    let key = PodKey::new(0, &ns, &name);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while !(state.cluster(0).synced
        && state.cluster(0).room.is_every_pod()
        && state.cluster(0).nodes.contains_key(&node)
        && state.pods.contains_key(&key))
    {
        let event = tokio::time::timeout_at(deadline, rx.recv())
            .await
            .expect("pods, nodes and room listed in time")
            .unwrap();
        update(&mut state, Action::Cluster(event), Utc::now());
    }
    // Settle on the newest of each watch before comparing with a fresh `podsize nodes`.
    while let Ok(Some(event)) = tokio::time::timeout(Duration::from_millis(300), rx.recv()).await {
        update(&mut state, Action::Cluster(event), Utc::now());
    }
    let (run, json) = cli.json(&["nodes", "-o", "json"]).await;
    for t in tasks {
        t.abort();
    }
    assert_eq!(run.code, 0, "{}", run.err);
    let listed = json["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["name"] == node.as_str())
        .unwrap()
        .clone();
    let free = state.node_free(0, &node).unwrap();
    assert_eq!(
        free.cpu_millis,
        listed["free"]["cpuMillis"].as_i64(),
        "{listed}"
    );
    assert_eq!(
        free.memory_bytes,
        listed["free"]["memoryBytes"].as_i64(),
        "{listed}"
    );

    // The editor's room for the pod is the node's free room plus what the pod itself holds:
    // no resize waits in this scene, so the kubelet's count (the editor's) and the
    // scheduler's (`podsize nodes`) agree.
    let pod = &state.pods[&key];
    let context = state.plan_context(pod);
    let editor_free = context
        .node
        .unwrap()
        .allocatable
        .minus(context.others_on_node);
    let own = pod.effective_requests();
    assert_eq!(
        editor_free.cpu_millis,
        listed["free"]["cpuMillis"]
            .as_i64()
            .map(|f| f + own.cpu_millis.unwrap()),
        "{listed}"
    );
    // What the scoped table alone counts is more room than the node has: the case this fixes.
    let scoped = admitted_of_neighbours(pod, state.pods_of(0));
    assert!(
        scoped.cpu_millis < context.others_on_node.cpu_millis,
        "the other namespaces' pods on {node} take cpu: {scoped:?} vs {:?}",
        context.others_on_node
    );
}
