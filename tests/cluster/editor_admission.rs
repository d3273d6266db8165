//! The dashboard's resize prediction (the editor's plan from the app's pods, nodes and room
//! watches over real HTTP) next to a neighbour whose grow waits Deferred, against what the
//! simulated kubelet then does with the resize. The walk-through saw `will be Deferred` for a
//! resize the kubelet applied at once: the prediction counted the waiting grow, which the
//! kubelet's admission does not (resize-api.md §4.8, "used" is the other pods' allocation).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::make_room_scene::{Spec, fill, grow_until_deferred, pending_reason, resize};
use crate::common::sim_cli::SimCli;
use crate::common::sim_http::eventually;
use chrono::Utc;
use podsize::app::state::HeaderInfo;
use podsize::app::{Action, AppState, update};
use podsize::cluster::room_watch::watch_room;
use podsize::cluster::watch::{watch_nodes, watch_pods};
use podsize::model::pods::events::{ClusterEvent, Scope};
use podsize::model::pods::row::PodKey;
use podsize::model::rules::plan::{Edits, Prediction, plan_resize};
use podsize::settings::InitialList;
use simcluster::{Identity, SimCluster, SimConfig};
use std::time::Duration;
use tokio::sync::mpsc::{UnboundedReceiver, unbounded_channel};

/// Takes the watches' events until nothing came for 300 ms.
async fn settle(state: &mut AppState, rx: &mut UnboundedReceiver<ClusterEvent>) {
    while let Ok(Some(event)) = tokio::time::timeout(Duration::from_millis(300), rx.recv()).await {
        update(state, Action::Cluster(event), Utc::now());
    }
}

/// The editor's prediction for `pod`'s container (named like the pod) at `cpu_millis`.
fn predict(state: &AppState, pod: &str, cpu_millis: i64) -> Prediction {
    let row = &state.pods[&PodKey::new(0, "default", pod)];
    let mut spec = row.container(pod).unwrap().desired;
    spec.requests.cpu_millis = Some(cpu_millis);
    let ctx = state.plan_context(row);
    let plan = plan_resize(
        row,
        pod,
        Edits::from_spec(&spec),
        ctx.server,
        ctx.node,
        ctx.others_on_node,
    );
    assert!(plan.errors.is_empty(), "{:?}", plan.errors);
    plan.prediction
}

/// Sends the resize the editor would: `pod`'s container to `cpu`.
async fn grow(client: &kube::Client, pod: &str, cpu: &str) {
    let patch = serde_json::json!({"spec": {"containers": [{"name": pod, "resources": {"requests": {"cpu": cpu}}}]}});
    resize(client, pod, patch).await;
}

fn actual_cpu(sim: &SimCluster, pod: &str) -> Option<String> {
    let st = sim.pod("default", pod)?.status?.container_statuses?;
    Some(
        st[0].resources.as_ref()?.requests.as_ref()?["cpu"]
            .0
            .clone(),
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn the_editors_prediction_is_what_the_kubelet_does_next_to_a_deferred_grow() {
    let cli = SimCli::start(SimConfig {
        kubelet_delay: Duration::from_millis(40),
        ..SimConfig::empty()
    })
    .await;
    let sim = &cli.sim;
    // 3 × 1000m of 4000m; hog's grow to 3000m waits: 3000 + 2000 > 4000.
    fill(
        sim,
        &[
            Spec::one_cpu("hog"),
            Spec::one_cpu("api"),
            Spec::one_cpu("side"),
        ],
    )
    .await;
    let client = sim.client(Identity::Admin).await.unwrap();
    grow_until_deferred(sim, &client, "hog", "3000m").await;

    // A namespace-scoped dashboard: the room of the node comes from the cluster-wide list.
    let scope = Scope {
        namespace: Some("default".into()),
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
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while !(state.cluster(0).synced
        && state.cluster(0).room.is_every_pod()
        && state.cluster(0).nodes.contains_key("tight"))
    {
        let event = tokio::time::timeout_at(deadline, rx.recv())
            .await
            .expect("pods, nodes and room listed in time")
            .unwrap();
        update(&mut state, Action::Cluster(event), Utc::now());
    }
    settle(&mut state, &mut rx).await;

    // api to 1500m: the kubelet holds 1000m each for hog and side, and admits it.
    assert_eq!(predict(&state, "api", 1500), Prediction::FitsNow);
    grow(&client, "api", "1500m").await;
    eventually("api applied", || async {
        (actual_cpu(sim, "api").as_deref() == Some("1500m")).then_some(())
    })
    .await;
    assert_eq!(pending_reason(sim, "api"), None);
    settle(&mut state, &mut rx).await;

    // side to 1600m: 1000m + 1500m + 1600m > 4000m; the prediction and the kubelet defer it.
    assert!(
        matches!(predict(&state, "side", 1600), Prediction::Deferred { .. }),
        "{:?}",
        predict(&state, "side", 1600)
    );
    grow(&client, "side", "1600m").await;
    eventually("side deferred", || async {
        (pending_reason(sim, "side").as_deref() == Some("Deferred")).then_some(())
    })
    .await;
    assert_eq!(actual_cpu(sim, "side").as_deref(), Some("1"));
    for t in tasks {
        t.abort();
    }
}
