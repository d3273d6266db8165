//! The live table against the simulated cluster over real HTTP with the real kube client:
//! a resize moves through the kubelet's states and the app state shows each step.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::sim_http as sim_common;

use chrono::Utc;
use k8s_openapi::api::core::v1::Pod;
use kube::Api;
use kube::api::{Patch, PatchParams};
use podsize::app::state::HeaderInfo;
use podsize::app::{Action, AppState, update};
use podsize::cluster::watch::watch_pods;
use podsize::model::ResizeState;
use podsize::model::pods::events::Scope;
use podsize::settings::InitialList;
use simcluster::{Identity, SimCluster, SimConfig};
use std::time::Duration;
use tokio::sync::mpsc::unbounded_channel;

fn c1_state(state: &AppState) -> Option<(ResizeState, Option<i64>)> {
    let pod = state.pods.get(&podsize::model::pods::row::PodKey::new(
        0,
        "default",
        "resize-demo",
    ))?;
    let c = pod.container("c1")?;
    Some((
        c.state.clone(),
        c.actual.and_then(|a| a.requests.cpu_millis),
    ))
}

#[tokio::test]
async fn a_resize_moves_through_in_progress_to_done_in_the_table() {
    let sim = SimCluster::start(SimConfig {
        kubelet_delay: Duration::from_millis(400),
        ..SimConfig::empty()
    })
    .await
    .unwrap();
    sim.create_pod(sim_common::resize_demo()).unwrap();
    let client = sim.client(Identity::Admin).await.unwrap();
    let (tx, mut rx) = unbounded_channel();
    let watch = tokio::spawn(watch_pods(
        client.clone(),
        Scope::default(),
        InitialList::Streaming,
        tx,
    ));
    let mut state = AppState::new(HeaderInfo::default(), Scope::default());

    let mut seen: Vec<String> = Vec::new();
    let mut patched = false;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        let event = tokio::time::timeout_at(deadline, rx.recv())
            .await
            .expect("the table reached Done in time")
            .expect("watch channel open");
        update(&mut state, Action::Cluster(event), Utc::now());
        let Some((resize, actual_cpu)) = c1_state(&state) else {
            continue;
        };
        if seen.last().map(String::as_str) != Some(resize.name()) {
            seen.push(resize.name().to_string());
        }
        let running = actual_cpu.is_some();
        if !patched && running && resize == ResizeState::None {
            let pods: Api<Pod> = Api::namespaced(client.clone(), "default");
            let patch = serde_json::json!({"spec": {"containers": [
                {"name": "c1", "resources": {"requests": {"cpu": "500m"}}}]}});
            pods.patch_subresource(
                "resize",
                "resize-demo",
                &PatchParams::default(),
                &Patch::Strategic(&patch),
            )
            .await
            .unwrap();
            patched = true;
            seen.clear();
            continue;
        }
        if patched && resize == ResizeState::None && actual_cpu == Some(500) {
            break;
        }
    }
    watch.abort();
    // The kubelet first takes the request, applies it, then reports actual == desired.
    assert!(
        seen.iter().any(|s| s == "InProgress"),
        "steps seen: {seen:?}"
    );
    assert_eq!(
        seen.last().map(String::as_str),
        Some("None"),
        "steps seen: {seen:?}"
    );
    let pod = state
        .pods
        .get(&podsize::model::pods::row::PodKey::new(
            0,
            "default",
            "resize-demo",
        ))
        .unwrap();
    let c1 = pod.container("c1").unwrap();
    assert_eq!(c1.desired.requests.cpu_millis, Some(500));
    assert_eq!(c1.allocated.unwrap().cpu_millis, Some(500));
    assert_eq!(c1.actual.unwrap().requests.cpu_millis, Some(500));
    assert!(
        pod.generation.unwrap() >= 2,
        "the resize bumped the generation"
    );
}

#[tokio::test]
async fn the_table_equals_the_server_after_a_dropped_watch() {
    let sim = SimCluster::start(SimConfig {
        pods: 40,
        ..SimConfig::empty()
    })
    .await
    .unwrap();
    let client = sim.client(Identity::Admin).await.unwrap();
    let (tx, mut rx) = unbounded_channel();
    let watch = tokio::spawn(watch_pods(
        client,
        Scope::default(),
        InitialList::Streaming,
        tx,
    ));
    let mut state = AppState::new(HeaderInfo::default(), Scope::default());
    let apply_until =
        |state: &mut AppState, rx: &mut tokio::sync::mpsc::UnboundedReceiver<_>, want: usize| {
            while let Ok(event) = rx.try_recv() {
                update(state, Action::Cluster(event), Utc::now());
            }
            state.synced() && state.pods.len() == want
        };
    sim_common::eventually("initial list", || {
        let ok = apply_until(&mut state, &mut rx, 40);
        async move { ok.then_some(()) }
    })
    .await;
    // Changes while the watch is cut: a deletion and a new pod.
    let victim = sim.pods()[0].metadata.name.clone().unwrap();
    let victim_ns = sim.pods()[0].metadata.namespace.clone().unwrap();
    sim.faults().drop_watches();
    sim.delete_pod(&victim_ns, &victim);
    sim.create_pod(sim_common::resize_demo()).unwrap();
    sim_common::eventually("table converges", || {
        let ok = apply_until(&mut state, &mut rx, 40)
            && !state
                .pods
                .contains_key(&podsize::model::pods::row::PodKey::new(
                    0,
                    victim_ns.clone(),
                    victim.clone(),
                ))
            && state
                .pods
                .contains_key(&podsize::model::pods::row::PodKey::new(
                    0,
                    "default",
                    "resize-demo",
                ));
        async move { ok.then_some(()) }
    })
    .await;
    watch.abort();
    let mut server: Vec<(String, String)> = sim
        .pods()
        .iter()
        .map(|p| {
            (
                p.metadata.namespace.clone().unwrap(),
                p.metadata.name.clone().unwrap(),
            )
        })
        .collect();
    server.sort();
    let table: Vec<(String, String)> = state
        .pods
        .keys()
        .map(|k| (k.namespace.clone(), k.name.clone()))
        .collect();
    assert_eq!(table, server, "no phantom or lost rows");
}

#[tokio::test]
async fn usage_is_polled_when_metrics_are_served_and_absent_otherwise() {
    use podsize::cluster::metrics::poll_usage;
    use podsize::model::pods::events::ClusterEvent;
    for metrics in [true, false] {
        let sim = SimCluster::start(SimConfig {
            pods: 5,
            metrics,
            ..SimConfig::empty()
        })
        .await
        .unwrap();
        let client = sim.client(Identity::Admin).await.unwrap();
        let (tx, mut rx) = unbounded_channel();
        let task = tokio::spawn(poll_usage(client, Scope::default(), tx));
        let event = tokio::time::timeout(Duration::from_secs(10), rx.recv())
            .await
            .unwrap()
            .unwrap();
        task.abort();
        match event {
            ClusterEvent::Usage(Some(list)) => {
                assert!(metrics, "usage without metrics.k8s.io");
                assert!(!list.is_empty());
                assert!(list.iter().all(|p| p.containers().len() > 0));
            }
            ClusterEvent::Usage(None) => assert!(!metrics, "metrics served but not read"),
            other => panic!("unexpected {other:?}"),
        }
    }
}

#[tokio::test]
async fn a_server_without_streaming_lists_falls_back_to_paged_lists() {
    // 1.33 ships the WatchList gate off: sendInitialEvents is refused with 422.
    let sim = SimCluster::start(SimConfig {
        minor: 33,
        pods: 25,
        ..SimConfig::empty()
    })
    .await
    .unwrap();
    let client = sim.client(Identity::Admin).await.unwrap();
    let (tx, mut rx) = unbounded_channel();
    let watch = tokio::spawn(watch_pods(
        client,
        Scope::default(),
        InitialList::Streaming,
        tx,
    ));
    let mut state = AppState::new(HeaderInfo::default(), Scope::default());
    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    while !state.synced() {
        let event = tokio::time::timeout_at(deadline, rx.recv())
            .await
            .expect("a full list")
            .unwrap();
        update(&mut state, Action::Cluster(event), Utc::now());
    }
    watch.abort();
    assert_eq!(state.pods.len(), 25);
    assert!(
        sim.request_log()
            .iter()
            .any(|r| r.uri.contains("sendInitialEvents=true") && r.status == 422)
    );
    assert!(
        sim.request_log()
            .iter()
            .any(|r| r.uri.contains("limit=500") && r.status == 200),
        "then a paged list"
    );
}

/// `:ns nosuchns` over HTTP: the server says the namespace does not exist, so the app keeps
/// its scope and says so; an existing namespace is switched to.
#[tokio::test]
async fn an_unknown_namespace_is_refused_after_asking_the_server() {
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    use podsize::app::Effect;
    use podsize::cluster::namespaces::namespace_exists;
    let sim = SimCluster::start(SimConfig {
        pods: 6,
        namespaces: 2,
        ..SimConfig::empty()
    })
    .await
    .unwrap();
    let client = sim.client(Identity::Viewer).await.unwrap();
    let mut state = AppState::new(HeaderInfo::default(), Scope::default());
    let real_ns = sim.pods()[0].metadata.namespace.clone().unwrap();
    for (ns, exists) in [("nosuchns", false), (real_ns.as_str(), true)] {
        let mut effects = Vec::new();
        for c in format!(":ns {ns}").chars() {
            let key = KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE);
            effects.extend(update(&mut state, Action::Key(key), Utc::now()));
        }
        let enter = KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE);
        effects.extend(update(&mut state, Action::Key(enter), Utc::now()));
        let [Effect::CheckNamespace(asked)] = effects.as_slice() else {
            panic!("{effects:?}");
        };
        let answer = namespace_exists(&client, asked).await;
        assert_eq!(answer, Ok(exists), "{ns}");
        let action = Action::NamespaceChecked {
            namespace: asked.clone(),
            exists: answer,
        };
        let effects = update(&mut state, action, Utc::now());
        if exists {
            assert_eq!(state.scope.namespace.as_deref(), Some(ns));
            assert!(matches!(effects.as_slice(), [Effect::Rewatch(_)]));
        } else {
            assert_eq!(state.scope, Scope::default(), "the scope stays");
            assert!(effects.is_empty());
            let status = state.status.clone().unwrap();
            assert!(
                status.error && status.text.contains("does not exist"),
                "{status:?}"
            );
        }
    }
}
