//! Resizes against the simulated cluster over HTTP with the real kube client, in the
//! 1.31 (patch the pod, status.resize), 1.32 (/resize, no allocatedResources) and 1.35 modes.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::sim_http as sim_common;

use podsize::cluster::capabilities::Capabilities;
use podsize::cluster::resize::{dry_run_then_send, get_row, send};
use podsize::model::ground::resources::{CpuMem, ResourceSpec};
use podsize::model::pods::qos::QosClass;
use podsize::model::pods::tracking::{Stage, Tracker};
use podsize::model::rules::plan::{Edits, Prediction, ResizePlan, plan_resize};
use podsize::model::{PodRow, ResizeState};
use serde_json::{Value, json};
use simcluster::{Identity, SimCluster, SimConfig};
use std::time::Duration;

async fn sim(minor: u32) -> (SimCluster, kube::Client, Capabilities) {
    let sim = SimCluster::start(SimConfig {
        minor,
        kubelet_delay: Duration::from_millis(50),
        ..SimConfig::empty()
    })
    .await
    .unwrap();
    sim.create_pod(sim_common::resize_demo()).unwrap();
    let client = sim.client(Identity::Admin).await.unwrap();
    let caps = Capabilities::detect(&client).await.unwrap();
    (sim, client, caps)
}

async fn running_row(client: &kube::Client, name: &str) -> PodRow {
    sim_common::eventually("pod running", || async {
        let row = get_row(client, "default", name).await.ok()?;
        row.containers
            .iter()
            .all(|c| c.state == ResizeState::None && c.actual.is_some())
            .then_some(row)
    })
    .await
}

fn plan_for(
    row: &PodRow,
    container: &str,
    change: impl FnOnce(&mut Edits),
    minor: u32,
) -> ResizePlan {
    let mut edits = Edits::from_spec(&row.container(container).unwrap().desired);
    change(&mut edits);
    plan_resize(row, container, edits, minor, None, CpuMem::default())
}

/// Polls the pod until the tracker reaches a final stage.
async fn track(client: &kube::Client, mut tracker: Tracker) -> Tracker {
    sim_common::eventually("a final stage", || {
        let client = client.clone();
        let mut t = tracker.clone();
        async move {
            let row = get_row(&client, "default", &t.pod).await.ok()?;
            t.observe(&row, chrono::Utc::now());
            t.stage.is_final().then_some(t)
        }
    })
    .await
    .clone_into(&mut tracker);
    tracker
}

#[tokio::test]
async fn a_resize_reaches_done_in_every_mode() {
    for minor in [31, 32, 35] {
        let (_sim, client, caps) = sim(minor).await;
        assert_eq!(
            caps.resize_subresource,
            minor >= 32,
            "discovery in 1.{minor}"
        );
        let row = running_row(&client, "resize-demo").await;
        let plan = plan_for(&row, "c1", |e| e.cpu_request = Some(500), minor);
        assert!(plan.is_sendable(), "1.{minor}: {:?}", plan.errors);
        let accepted = dry_run_then_send(&client, &caps, &plan).await.unwrap();
        assert_eq!(
            accepted
                .row
                .container("c1")
                .unwrap()
                .desired
                .requests
                .cpu_millis,
            Some(500)
        );
        let tracker = Tracker::new(
            &accepted.row,
            "c1",
            accepted.generation,
            0,
            chrono::Utc::now(),
        );
        let done = track(&client, tracker).await;
        assert_eq!(done.stage, Stage::Done, "1.{minor}");
        let row = get_row(&client, "default", "resize-demo").await.unwrap();
        let c1 = row.container("c1").unwrap();
        assert_eq!(
            c1.actual.unwrap().requests.cpu_millis,
            Some(500),
            "1.{minor}: actual == desired"
        );
        assert_eq!(c1.state, ResizeState::None);
        if minor == 32 {
            assert!(
                c1.allocated.is_none(),
                "1.32 publishes no allocatedResources"
            );
        }
    }
}

#[tokio::test]
async fn a_too_large_resize_ends_infeasible_with_its_message() {
    for minor in [31, 32, 35] {
        let (_sim, client, caps) = sim(minor).await;
        let row = running_row(&client, "resize-demo").await;
        let plan = plan_for(
            &row,
            "c1",
            |e| {
                e.cpu_request = Some(64_000);
                e.cpu_limit = Some(64_000);
            },
            minor,
        );
        let accepted = send(&client, &caps, &plan, false).await.unwrap();
        let tracker = Tracker::new(
            &accepted.row,
            "c1",
            accepted.generation,
            0,
            chrono::Utc::now(),
        );
        let end = track(&client, tracker).await;
        match &end.stage {
            Stage::Infeasible(message) if minor >= 33 => {
                assert!(message.contains("cpu"), "{message}")
            }
            Stage::Infeasible(_) => {} // status.resize carries no message
            other => panic!("1.{minor}: {other:?}"),
        }
    }
}

#[tokio::test]
async fn a_deferred_resize_completes_after_another_pod_shrinks() {
    for minor in [31, 32, 35] {
        deferred_then_done(minor).await;
    }
}

async fn deferred_then_done(minor: u32) {
    let (sim, client, caps) = sim(minor).await;
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
    running_row(&client, "big").await;
    let row = running_row(&client, "resize-demo").await;
    let plan = plan_for(
        &row,
        "c1",
        |e| {
            e.cpu_request = Some(8_000);
            e.cpu_limit = Some(8_000);
        },
        minor,
    );
    let accepted = send(&client, &caps, &plan, false).await.unwrap();
    let mut tracker = Tracker::new(
        &accepted.row,
        "c1",
        accepted.generation,
        0,
        chrono::Utc::now(),
    );
    sim_common::eventually("deferred", || {
        let client = client.clone();
        let mut t = tracker.clone();
        async move {
            let row = get_row(&client, "default", "resize-demo").await.ok()?;
            t.observe(&row, chrono::Utc::now());
            matches!(t.stage, Stage::Deferred(_)).then_some(t)
        }
    })
    .await
    .clone_into(&mut tracker);
    let Stage::Deferred(message) = &tracker.stage else {
        unreachable!()
    };
    if minor >= 33 {
        assert!(message.contains("cpu"), "{message}");
    }
    // Shrink the big pod: room frees and the kubelet retries.
    let big = get_row(&client, "default", "big").await.unwrap();
    let shrink = plan_for(&big, "big", |e| e.cpu_request = Some(2_000), minor);
    send(&client, &caps, &shrink, false).await.unwrap();
    let done = track(&client, tracker).await;
    assert_eq!(done.stage, Stage::Done);
}

#[tokio::test]
async fn client_rules_send_nothing() {
    let (sim, client, _caps) = sim(35).await;
    let row = running_row(&client, "resize-demo").await;
    sim.clear_request_log();
    type Change = Box<dyn Fn(&mut Edits)>;
    let rules: Vec<(&str, Change)> = vec![
        (
            "must be less than or equal to cpu limit",
            Box::new(|e: &mut Edits| e.cpu_request = Some(2_000)),
        ),
        (
            "must be greater than or equal to 0",
            Box::new(|e: &mut Edits| e.memory_request = Some(-1)),
        ),
        (
            "resource limits cannot be removed",
            Box::new(|e: &mut Edits| e.cpu_limit = None),
        ),
        (
            "resource requests cannot be removed",
            Box::new(|e: &mut Edits| {
                e.cpu_request = None;
                e.cpu_limit = None;
            }),
        ),
        ("nothing to change", Box::new(|_: &mut Edits| {})),
    ];
    for (message, change) in rules {
        let plan = plan_for(&row, "c1", change, 35);
        assert!(!plan.is_sendable());
        assert!(
            plan.errors.iter().any(|e| e.message.contains(message)),
            "{message}: {:?}",
            plan.errors
        );
    }
    let mutating: Vec<_> = sim
        .request_log()
        .into_iter()
        .filter(|r| r.method != "GET")
        .collect();
    assert!(
        mutating.is_empty(),
        "no request left for refused plans: {mutating:?}"
    );
}

fn fixture_message(name: &str) -> String {
    let path = format!(
        "{}/../shared/fixtures/real-1.35/errors/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    match std::fs::read_to_string(&path) {
        Ok(text) => serde_json::from_str::<Value>(&text).unwrap()["message"]
            .as_str()
            .unwrap()
            .to_string(),
        Err(_) => String::new(),
    }
}

fn raw_plan(pod: &str, patch: Value) -> ResizePlan {
    ResizePlan {
        cluster: 0,
        namespace: "default".into(),
        pod: pod.into(),
        container: "c1".into(),
        new_spec: ResourceSpec::default(),
        new_exact: Default::default(),
        patch,
        changed: true,
        restarts: false,
        qos_before: QosClass::Burstable,
        qos_after: QosClass::Burstable,
        prediction: Prediction::Unknown,
        errors: Vec::new(),
        to_subresource: true,
    }
}

fn c(name: &str, resources: Value) -> Value {
    json!({"spec": {"containers": [{"name": name, "resources": resources}]}})
}

#[tokio::test]
async fn server_errors_are_shown_verbatim_and_change_nothing() {
    let (sim, client, caps) = sim(35).await;
    running_row(&client, "resize-demo").await;
    let before = sim.pod("default", "resize-demo").unwrap();
    let cases = [
        (
            "request-above-limit.json",
            "resize-demo",
            c("c1", json!({"requests": {"cpu": "2"}})),
            422,
        ),
        (
            "negative.json",
            "resize-demo",
            c("c1", json!({"requests": {"cpu": "-1"}})),
            422,
        ),
        (
            "other-resource.json",
            "resize-demo",
            c("c1", json!({"requests": {"ephemeral-storage": "1Gi"}})),
            422,
        ),
        (
            "malformed-quantity.json",
            "resize-demo",
            c("c1", json!({"requests": {"cpu": "abc"}})),
            422,
        ),
        (
            "not-found.json",
            "nope",
            c("c1", json!({"requests": {"cpu": "300m"}})),
            404,
        ),
        (
            "stale-resourceversion.json",
            "resize-demo",
            json!({"metadata": {"resourceVersion": "1"}, "spec": {"containers": [{"name": "c1", "resources": {"requests": {"cpu": "300m"}}}]}}),
            409,
        ),
    ];
    for (fixture, pod, patch, code) in cases {
        let err = send(&client, &caps, &raw_plan(pod, patch), false)
            .await
            .unwrap_err();
        assert_eq!(err.code, Some(code), "{fixture}");
        let want = fixture_message(fixture);
        if !want.is_empty() {
            assert_eq!(err.message, want, "{fixture}");
        }
    }
    let qos = json!({"spec": {"containers": [
        {"name": "c1", "resources": {"requests": {"cpu": "1", "memory": "256Mi"}}},
        {"name": "c2", "resources": {"requests": {"cpu": "500m", "memory": "128Mi"}}}]}});
    let err = send(&client, &caps, &raw_plan("resize-demo", qos), false)
        .await
        .unwrap_err();
    assert!(
        err.message
            .contains("Pod QOS Class may not change as a result of resizing"),
        "{}",
        err.message
    );
    let remove = c("c2", json!({"limits": {"cpu": null}}));
    let err = send(&client, &caps, &raw_plan("resize-demo", remove), false)
        .await
        .unwrap_err();
    assert!(
        err.message.contains("resource limits cannot be removed"),
        "{}",
        err.message
    );
    // Through the pod itself on a 1.32+ server: the apiserver refuses resource changes there.
    let old_way = Capabilities {
        resize_subresource: false,
        ..caps.clone()
    };
    let err = send(
        &client,
        &old_way,
        &raw_plan("resize-demo", c("c1", json!({"requests": {"cpu": "300m"}}))),
        false,
    )
    .await
    .unwrap_err();
    assert!(err.message.starts_with("Pod \"resize-demo\" is invalid: spec: Forbidden: pod updates may not change fields other than"), "{}", err.message);

    let after = sim.pod("default", "resize-demo").unwrap();
    assert_eq!(
        after.metadata.generation, before.metadata.generation,
        "nothing changed"
    );
    assert_eq!(after.spec, before.spec);
}

#[tokio::test]
async fn the_viewer_gets_the_rbac_message() {
    let (sim, admin, caps) = sim(35).await;
    let row = running_row(&admin, "resize-demo").await;
    let viewer = sim.client(Identity::Viewer).await.unwrap();
    let plan = plan_for(&row, "c1", |e| e.cpu_request = Some(300), 35);
    let err = dry_run_then_send(&viewer, &caps, &plan).await.unwrap_err();
    assert_eq!(err.code, Some(403));
    assert_eq!(
        err.message,
        "pods \"resize-demo\" is forbidden: User \"viewer\" cannot patch resource \"pods/resize\" in API group \"\" in the namespace \"default\""
    );
}

#[tokio::test]
async fn read_only_client_refuses_before_the_network() {
    let (sim, _admin, caps) = sim(35).await;
    let admin = sim.client(Identity::Admin).await.unwrap();
    let row = running_row(&admin, "resize-demo").await;
    let config = kube::Config::from_custom_kubeconfig(sim.kubeconfig(), &Default::default())
        .await
        .unwrap();
    let readonly = podsize::cluster::client::build_client(config, true).unwrap();
    sim.clear_request_log();
    let plan = plan_for(&row, "c1", |e| e.cpu_request = Some(300), 35);
    let err = dry_run_then_send(&readonly, &caps, &plan)
        .await
        .unwrap_err();
    assert!(
        err.message.contains("read-only mode is on"),
        "{}",
        err.message
    );
    assert!(
        sim.request_log().iter().all(|r| r.method == "GET"),
        "nothing mutating reached the server"
    );
    // GETs still work.
    get_row(&readonly, "default", "resize-demo").await.unwrap();
}
