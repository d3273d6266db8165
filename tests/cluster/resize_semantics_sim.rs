//! Resize semantics against the simulated cluster over HTTP with the real kube client, in the
//! version each rule belongs to (issue #19 points 1–3, issue #20 point 3).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::sim_http as sim_common;

use podsize::cluster::capabilities::Capabilities;
use podsize::cluster::resize::{get_row, send};
use podsize::model::ground::resources::CpuMem;
use podsize::model::pods::tracking::{Stage, Tracker};
use podsize::model::rules::plan::{Edits, ResizePlan, plan_resize};
use podsize::model::{PodRow, ResizeState};
use simcluster::{Identity, SimCluster, SimConfig};
use std::time::Duration;

/// A sim of `1.minor` with one node, a pod `big` holding 10 of its 16 cpus, and `twoc`.
async fn crowded_sim(minor: u32) -> (SimCluster, kube::Client, Capabilities) {
    let sim = SimCluster::start(SimConfig {
        minor,
        kubelet_delay: Duration::from_millis(50),
        ..SimConfig::empty()
    })
    .await
    .unwrap();
    sim.create_pod(sim_common::pod(
        "big",
        vec![sim_common::container(
            "big",
            &[("cpu", "10"), ("memory", "1Gi")],
            &[("cpu", "12"), ("memory", "2Gi")],
            false,
        )],
    ))
    .unwrap();
    let mut twoc = sim_common::resize_demo();
    twoc.metadata.name = Some("twoc".into());
    sim.create_pod(twoc).unwrap();
    let client = sim.client(Identity::Admin).await.unwrap();
    let caps = Capabilities::detect(&client).await.unwrap();
    (sim, client, caps)
}

async fn settled(client: &kube::Client, name: &str) -> PodRow {
    sim_common::eventually("pod settled", || async {
        let row = get_row(client, "default", name).await.ok()?;
        row.containers
            .iter()
            .all(|c| c.state == ResizeState::None && c.actual.is_some())
            .then_some(row)
    })
    .await
}

fn plan(row: &PodRow, container: &str, minor: u32, change: impl FnOnce(&mut Edits)) -> ResizePlan {
    let mut edits = Edits::from_spec(&row.container(container).unwrap().desired);
    change(&mut edits);
    let plan = plan_resize(row, container, edits, minor, None, CpuMem::default());
    assert!(plan.is_sendable(), "{:?}", plan.errors);
    plan
}

/// Sends the plan and follows it until `until` holds for its stage.
async fn send_and_follow(
    client: &kube::Client,
    caps: &Capabilities,
    plan: &ResizePlan,
    until: fn(&Stage) -> bool,
) -> Tracker {
    let accepted = send(client, caps, plan, false).await.unwrap();
    let start = Tracker::new(
        &accepted.row,
        &plan.container,
        accepted.generation,
        0,
        chrono::Utc::now(),
    );
    sim_common::eventually("the tracker's stage", || {
        let client = client.clone();
        let mut t = start.clone();
        async move {
            let row = get_row(&client, "default", &t.pod).await.ok()?;
            t.observe(&row, chrono::Utc::now());
            until(&t.stage).then_some(t)
        }
    })
    .await
}

/// Sends the plan and follows it for a while after the kubelet answered; the last stage seen.
async fn stage_after_answer(
    client: &kube::Client,
    caps: &Capabilities,
    plan: &ResizePlan,
) -> Stage {
    let mut t = send_and_follow(client, caps, plan, |s| {
        !matches!(s, Stage::Submitted | Stage::Observed)
    })
    .await;
    // Give a wrong early "done" the chance to show, then read the stage again.
    tokio::time::sleep(Duration::from_millis(400)).await;
    let row = get_row(client, "default", &t.pod).await.unwrap();
    t.observe(&row, chrono::Utc::now());
    t.stage
}

#[tokio::test]
async fn an_unchanged_container_is_not_done_while_its_pod_is_deferred() {
    // resize-api.md §2.2/§4.8: the pending condition covers the whole pod. Issue #19.1 saw
    // `resize twoc -c c2 --cpu-limit 1 --wait` print "done after 0s" while c1 was Deferred.
    let (_sim, client, caps) = crowded_sim(35).await;
    let row = settled(&client, "twoc").await;
    let grow = plan(&row, "c1", 35, |e| {
        e.cpu_request = Some(8_000);
        e.cpu_limit = Some(8_000);
    });
    send_and_follow(&client, &caps, &grow, |s| matches!(s, Stage::Deferred(_))).await;
    let row = get_row(&client, "default", "twoc").await.unwrap();
    assert!(matches!(
        row.container("c2").unwrap().state,
        ResizeState::Deferred(_)
    ));
    let limit_only = plan(&row, "c2", 35, |e| e.cpu_limit = Some(1_000));
    let stage = stage_after_answer(&client, &caps, &limit_only).await;
    assert!(matches!(stage, Stage::Deferred(_)), "{stage:?}");
}

#[tokio::test]
async fn a_feasible_request_after_an_infeasible_one_is_done_on_133() {
    // 1.33 publishes no observedGeneration (resize-api.md §2.7): the previous request's
    // Infeasible must not be taken as the answer to the next one (issue #19.2).
    let (_sim, client, caps) = crowded_sim(33).await;
    let row = settled(&client, "twoc").await;
    let huge = plan(&row, "c1", 33, |e| {
        e.cpu_request = Some(64_000);
        e.cpu_limit = Some(64_000);
    });
    send_and_follow(&client, &caps, &huge, |s| matches!(s, Stage::Infeasible(_))).await;
    let row = get_row(&client, "default", "twoc").await.unwrap();
    let feasible = plan(&row, "c1", 33, |e| {
        e.cpu_request = Some(500);
        e.cpu_limit = Some(1_000);
    });
    let done = send_and_follow(&client, &caps, &feasible, Stage::is_final).await;
    assert_eq!(done.stage, Stage::Done);
}

#[tokio::test]
async fn a_stale_pending_condition_is_not_shown_for_a_newer_request_on_135() {
    // §5.2/§5.3: a PodResizePending whose observedGeneration is older than the pod's generation
    // answers an older request; the pod the server returns for a new one is "submitted".
    let (_sim, client, caps) = crowded_sim(35).await;
    let row = settled(&client, "twoc").await;
    let huge = plan(&row, "c1", 35, |e| {
        e.cpu_request = Some(64_000);
        e.cpu_limit = Some(64_000);
    });
    send_and_follow(&client, &caps, &huge, |s| matches!(s, Stage::Infeasible(_))).await;
    let row = get_row(&client, "default", "twoc").await.unwrap();
    let feasible = plan(&row, "c1", 35, |e| {
        e.cpu_request = Some(500);
        e.cpu_limit = Some(1_000);
    });
    let accepted = send(&client, &caps, &feasible, false).await.unwrap();
    assert!(
        accepted.row.resize.pending.is_some(),
        "the old condition is still there"
    );
    assert_eq!(accepted.row.state, ResizeState::Submitted);
}

#[tokio::test]
async fn reverting_a_deferred_resize_finishes() {
    // Issue #20.3: `--cpu-request 40 --cpu-limit 40` (Deferred), then back to the old values,
    // timed out "submitted, waiting for the kubelet" though nothing was left to do.
    let (_sim, client, caps) = crowded_sim(35).await;
    let before = settled(&client, "twoc").await;
    let original = before.container("c1").unwrap().desired;
    let grow = plan(&before, "c1", 35, |e| {
        e.cpu_request = Some(8_000);
        e.cpu_limit = Some(8_000);
    });
    send_and_follow(&client, &caps, &grow, |s| matches!(s, Stage::Deferred(_))).await;
    let row = get_row(&client, "default", "twoc").await.unwrap();
    let revert = plan(&row, "c1", 35, |e| *e = Edits::from_spec(&original));
    let done = send_and_follow(&client, &caps, &revert, Stage::is_final).await;
    assert_eq!(done.stage, Stage::Done);
    // The kubelet also drops its pending condition, as a real one does.
    let row = sim_common::eventually("pending condition cleared", || async {
        let row = get_row(&client, "default", "twoc").await.ok()?;
        row.resize.pending.is_none().then_some(row)
    })
    .await;
    assert_eq!(row.state, ResizeState::None);
    assert_eq!(row.observed_generation, row.generation);
}

#[tokio::test]
async fn a_memory_limit_decrease_with_restart_container_goes_through_on_133() {
    // resize-api.md §4.5: 1.33 refuses memory-limit decreases unless the memory policy is
    // RestartContainer; with it, the resize is accepted and the container restarts.
    let sim = SimCluster::start(SimConfig {
        minor: 33,
        kubelet_delay: Duration::from_millis(50),
        ..SimConfig::empty()
    })
    .await
    .unwrap();
    sim.create_pod(sim_common::pod(
        "restarts",
        vec![sim_common::container(
            "app",
            &[("cpu", "100m"), ("memory", "128Mi")],
            &[("cpu", "500m"), ("memory", "512Mi")],
            true,
        )],
    ))
    .unwrap();
    let client = sim.client(Identity::Admin).await.unwrap();
    let caps = Capabilities::detect(&client).await.unwrap();
    let row = settled(&client, "restarts").await;
    let shrink = plan(&row, "app", 33, |e| e.memory_limit = Some(256 << 20));
    assert!(shrink.restarts);
    let done = send_and_follow(&client, &caps, &shrink, Stage::is_final).await;
    assert_eq!(done.stage, Stage::Done);
    let row = get_row(&client, "default", "restarts").await.unwrap();
    assert_eq!(row.container("app").unwrap().restart_count, 1);
}

#[tokio::test]
async fn a_132_plus_server_without_pods_resize_has_resize_disabled() {
    // resize-api.md §5.1: a 1.32+ server without `pods/resize` has the feature disabled; the
    // subresource is registered only with the gate on (§3.1), and a pod update that changes
    // resources is refused on 1.32+ in every case (§4.1). Issue #19.6.
    let sim = SimCluster::start(SimConfig {
        minor: 33,
        resize_feature: false,
        kubelet_delay: Duration::from_millis(50),
        ..SimConfig::empty()
    })
    .await
    .unwrap();
    sim.create_pod(sim_common::resize_demo()).unwrap();
    let client = sim.client(Identity::Admin).await.unwrap();
    let caps = Capabilities::detect(&client).await.unwrap();
    assert!(!caps.resize_subresource, "discovery lists no pods/resize");
    let row = sim_common::eventually("pod running", || async {
        let row = get_row(&client, "default", "resize-demo").await.ok()?;
        row.containers
            .iter()
            .all(|c| c.actual.is_some())
            .then_some(row)
    })
    .await;
    let mut edits = Edits::from_spec(&row.container("c1").unwrap().desired);
    edits.cpu_request = Some(500);
    let plan = plan_resize(&row, "c1", edits, caps.server(), None, CpuMem::default());
    assert!(!plan.is_sendable());
    assert!(
        plan.errors[0]
            .message
            .starts_with("in-place resize is disabled on this cluster"),
        "{:?}",
        plan.errors
    );
    // The server agrees: /resize is not there, and patching the pod itself is refused.
    let base = sim.addr();
    let patch =
        br#"{"spec":{"containers":[{"name":"c1","resources":{"requests":{"cpu":"500m"}}}]}}"#;
    let (code, _) = sim_common::raw(
        base,
        "PATCH",
        "/api/v1/namespaces/default/pods/resize-demo/resize",
        Some(sim_common::ADMIN),
        Some("application/strategic-merge-patch+json"),
        patch,
    )
    .await;
    assert_eq!(code, 404);
    let (code, body) = sim_common::raw(
        base,
        "PATCH",
        "/api/v1/namespaces/default/pods/resize-demo",
        Some(sim_common::ADMIN),
        Some("application/strategic-merge-patch+json"),
        patch,
    )
    .await;
    assert_eq!(code, 422, "{body}");
    assert!(
        body.contains("pod updates may not change fields other than"),
        "{body}"
    );
}
