//! Real and constructed pod JSON for every status shape from 1.27 to 1.37,
//! projected into rows, with the derived resize state asserted.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use podsize::model::pods::row::{ContainerKind, RestartPolicy, RunState};
use podsize::model::{PodRow, ResizeState, SlimPod};

fn row(file: &str) -> PodRow {
    let path = format!("{}/tests/fixtures/pods/{file}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap();
    let pod: SlimPod = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{file}: {e}"));
    PodRow::from_slim(&pod)
}

fn states(row: &PodRow) -> Vec<(&str, &str)> {
    row.containers
        .iter()
        .map(|c| (c.name.as_str(), c.state.name()))
        .collect()
}

#[test]
fn settled_pod_shows_no_resize() {
    let r = row("real-1.35-none.json");
    assert_eq!(r.state, ResizeState::None);
    let c = &r.containers[0];
    assert_eq!(c.desired.requests.cpu_millis, Some(1000));
    assert_eq!(c.desired.limits.memory_bytes, Some(512 << 20));
    assert_eq!(c.allocated.unwrap().cpu_millis, Some(1000));
    assert_eq!(c.actual.unwrap().limits.cpu_millis, Some(1000));
    assert_eq!(c.run_state, RunState::Running);
    assert_eq!(r.qos.unwrap().as_str(), "Guaranteed");
}

#[test]
fn a_deferred_condition_covers_every_container_of_the_pod() {
    // The resize is atomic (resize-api.md §4.8): istio-proxy waits with admin-ui.
    let r = row("real-1.35-deferred.json");
    assert_eq!(
        states(&r),
        [("admin-ui", "Deferred"), ("istio-proxy", "Deferred")]
    );
    assert_eq!(
        r.state.message(),
        Some("Node didn't have enough resource: cpu, requested: 500, used: 15550, capacity: 16000")
    );
    let c = r.container("admin-ui").unwrap();
    assert_eq!(c.desired.requests.cpu_millis, Some(500));
    assert_eq!(c.allocated.unwrap().cpu_millis, Some(250));
    assert_eq!(c.actual.unwrap().limits.cpu_millis, Some(1000));
    assert_eq!(c.policy.memory, RestartPolicy::RestartContainer);
    assert_eq!(c.policy.cpu, RestartPolicy::NotRequired);
    assert_eq!(r.owner.as_ref().unwrap().kind, "ReplicaSet");
    assert_eq!(r.generation, Some(2));
    assert_eq!(r.observed_generation, Some(2));
    assert!(r.created.is_some());
}

#[test]
fn infeasible_condition() {
    let r = row("real-1.35-infeasible.json");
    assert_eq!(
        states(&r),
        [("admin-ui", "Infeasible"), ("istio-proxy", "Infeasible")]
    );
    assert!(r.state.message().unwrap().contains("capacity: 16000"));
    assert_eq!(
        r.container("admin-ui").unwrap().desired.requests.cpu_millis,
        Some(24_000)
    );
}

#[test]
fn in_progress_condition() {
    let r = row("real-1.35-inprogress.json");
    assert_eq!(r.state, ResizeState::InProgress);
    let c = &r.containers[0];
    assert_eq!(c.allocated.unwrap().cpu_millis, Some(200));
    assert_eq!(c.actual.unwrap().requests.cpu_millis, Some(100));
}

#[test]
fn kubelet_behind_with_equal_values_is_settled() {
    // generation 18, observedGeneration 12, but every value matches.
    let r = row("real-1.35-resize-demo.json");
    assert_eq!(r.state, ResizeState::None);
    assert_eq!(r.containers.len(), 2);
}

#[test]
fn legacy_status_resize_values() {
    for (file, want) in [
        ("v1.31-proposed.json", "Proposed"),
        ("v1.31-inprogress.json", "InProgress"),
        ("v1.31-deferred.json", "Deferred"),
        ("v1.31-infeasible.json", "Infeasible"),
        ("v1.31-unknown-value.json", "Unknown"),
    ] {
        let r = row(file);
        assert_eq!(states(&r)[0], ("admin-ui", want), "{file}");
        // status.resize is the pod's: it covers every container.
        assert_eq!(states(&r)[1], ("istio-proxy", want), "{file}");
        assert_eq!(r.state.name(), want, "{file}");
    }
}

#[test]
fn v132_without_allocated_resources_compares_actual() {
    let r = row("v1.32-proposed-no-allocated.json");
    assert!(r.containers[0].allocated.is_none());
    assert_eq!(
        states(&r),
        [("admin-ui", "Proposed"), ("istio-proxy", "Proposed")]
    );
    assert_eq!(
        row("v1.32-inprogress-no-allocated.json").state,
        ResizeState::InProgress
    );
    // Nothing reported, actual differs, no generation: the kubelet is still applying.
    assert_eq!(
        row("v1.32-pending-no-status.json").state,
        ResizeState::InProgress
    );
}

#[test]
fn both_conditions_are_kept() {
    let r = row("v1.35-both-conditions.json");
    assert!(r.resize.pending.is_some());
    assert!(r.resize.in_progress.is_some());
    assert_eq!(
        states(&r),
        [("admin-ui", "InProgress"), ("istio-proxy", "InProgress")]
    );
    // The pending condition (observedGeneration 2) answers an older request than generation 3
    // (§5.2), so the in-progress one is the pod's state; both are kept for the details pane.
    assert!(r.resize.pending_state().is_some());
    assert_eq!(r.state.name(), "InProgress");
}

#[test]
fn in_progress_error_carries_the_message() {
    let r = row("v1.35-error.json");
    assert_eq!(
        r.containers[0].state,
        ResizeState::Error("memory limit (67108864) below current usage (104857600)".into())
    );
    assert_eq!(r.state.name(), "Error");
}

#[test]
fn submitted_until_the_kubelet_observes_the_generation() {
    let r = row("v1.35-submitted.json");
    assert_eq!(
        states(&r),
        [("admin-ui", "Submitted"), ("istio-proxy", "None")]
    );
}

#[test]
fn statuses_are_matched_by_name_not_position() {
    let a = row("real-1.35-deferred.json");
    let b = row("v1.35-statuses-reordered.json");
    assert_eq!(a.containers, b.containers);
    assert_eq!(
        b.container("istio-proxy")
            .unwrap()
            .allocated
            .unwrap()
            .cpu_millis,
        Some(100)
    );
}

#[test]
fn sidecars_and_init_containers_are_shown() {
    let r = row("v1.35-sidecar.json");
    let kinds: Vec<_> = r
        .containers
        .iter()
        .map(|c| (c.name.as_str(), c.kind))
        .collect();
    assert_eq!(
        kinds,
        [
            ("migrate", ContainerKind::Init),
            ("log-shipper", ContainerKind::Sidecar),
            ("admin-ui", ContainerKind::Regular),
            ("istio-proxy", ContainerKind::Regular),
        ]
    );
    let sidecar = r.container("log-shipper").unwrap();
    assert_eq!(sidecar.state, ResizeState::InProgress);
    assert_eq!(sidecar.restart_count, 1);
    assert_eq!(
        r.container("migrate").unwrap().run_state,
        RunState::Terminated
    );
    // A finished init container takes no part; the running containers share the pod's resize.
    assert_eq!(r.container("migrate").unwrap().state, ResizeState::None);
    assert_eq!(
        r.container("admin-ui").unwrap().state,
        ResizeState::InProgress
    );
}

#[test]
fn containers_not_started() {
    let r = row("v1.35-not-started.json");
    assert!(
        r.containers
            .iter()
            .all(|c| c.state == ResizeState::NotStarted)
    );
    assert_eq!(r.phase, "Pending");
    assert!(r.node.is_none());
}

#[test]
fn node_without_resize_support() {
    let r = row("v1.35-node-unsupported.json");
    assert!(
        r.containers
            .iter()
            .all(|c| c.state == ResizeState::Unsupported)
    );
}

#[test]
fn runtime_rounding_after_the_kubelet_caught_up_is_applied() {
    let r = row("v1.35-applied-rounded.json");
    assert_eq!(
        states(&r),
        [("admin-ui", "Applied"), ("istio-proxy", "None")]
    );
}

#[test]
fn missing_and_null_fields_never_fail() {
    for file in [
        "missing-everything.json",
        "missing-status.json",
        "nulls.json",
    ] {
        let r = row(file);
        assert!(
            r.state.severity() <= ResizeState::NotStarted.severity(),
            "{file}"
        );
    }
    let bare = row("missing-status.json");
    assert_eq!(bare.containers[0].state, ResizeState::NotStarted);
    assert_eq!(bare.phase, "Unknown");
}

#[test]
fn malformed_quantities_are_reported_not_fatal() {
    let r = row("malformed-quantity.json");
    let c = &r.containers[0];
    assert_eq!(c.desired.requests.cpu_millis, None);
    assert_eq!(
        c.desired.requests.memory_bytes,
        Some(512),
        "JSON numbers are quantities too"
    );
    assert_eq!(c.problems.len(), 2, "{:?}", c.problems);
    assert!(c.problems[0].contains("lots"));
}

#[test]
fn full_pod_and_slim_pod_project_identically() {
    let path = format!(
        "{}/tests/fixtures/pods/real-1.35-deferred.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(path).unwrap();
    let full: k8s_openapi::api::core::v1::Pod = serde_json::from_str(&text).unwrap();
    let via_full = PodRow::from_slim(&SlimPod::from_pod(&full).unwrap());
    let direct = PodRow::from_slim(&serde_json::from_str(&text).unwrap());
    assert_eq!(via_full, direct);
}
