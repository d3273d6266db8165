//! What the kubelet holds for a pod when it admits a neighbour's resize, against what the
//! scheduler counts for the same pod.

use super::{admitted_of_neighbours, admitted_requests};
use crate::model::pods::counted::counted_requests;
use crate::model::pods::row::PodRow;
use crate::model::pods::slim::SlimPod;
use serde_json::{Value, json};

fn q((cpu, mib): (i64, i64)) -> Value {
    json!({"cpu": format!("{cpu}m"), "memory": format!("{mib}Mi")})
}

/// A running one-container pod on node `n`: desired, allocated and actual requests as
/// (millicores, MiB).
fn pod(name: &str, desired: (i64, i64), alloc: (i64, i64), actual: (i64, i64)) -> Value {
    json!({
        "metadata": {"name": name, "namespace": "ns", "uid": name, "generation": 1},
        "spec": {"nodeName": "n", "containers": [{"name": "c",
            "resources": {"requests": q(desired)}}]},
        "status": {"phase": "Running", "observedGeneration": 1,
            "containerStatuses": [{"name": "c", "state": {"running": {}},
                "allocatedResources": q(alloc), "resources": {"requests": q(actual)}}]},
    })
}

/// `v` with a grow the kubelet deferred (1.33+ condition).
fn deferred(mut v: Value) -> Value {
    v["metadata"]["generation"] = json!(2);
    v["status"]["observedGeneration"] = json!(2);
    v["status"]["conditions"] = json!([{"type": "PodResizePending", "status": "True",
        "reason": "Deferred", "observedGeneration": 2,
        "message": "Node didn't have enough resource: cpu, requested: 600, used: 900, capacity: 1000"}]);
    v
}

fn row(v: Value) -> PodRow {
    PodRow::from_slim(&serde_json::from_value::<SlimPod>(v).unwrap_or_default())
}

#[test]
fn a_neighbours_deferred_grow_counts_at_its_allocation_for_the_kubelet_only() {
    let waiting = row(deferred(pod("w", (600, 64), (100, 32), (100, 32))));
    // The kubelet has allocated 100m and 32Mi: that is what it holds for the pod.
    assert_eq!(admitted_requests(&waiting).cpu_millis, Some(100));
    assert_eq!(admitted_requests(&waiting).memory_bytes, Some(32 << 20));
    // The scheduler keeps the room promised to the grow.
    assert_eq!(counted_requests(&waiting).cpu_millis, Some(600));
    assert_eq!(counted_requests(&waiting).memory_bytes, Some(64 << 20));
}

#[test]
fn a_shrink_allocated_but_not_applied_holds_what_runs() {
    let shrinking = row(pod("s", (200, 100), (200, 100), (500, 300)));
    assert_eq!(admitted_requests(&shrinking).cpu_millis, Some(500));
    assert_eq!(admitted_requests(&shrinking).memory_bytes, Some(300 << 20));
}

#[test]
fn a_container_the_kubelet_reported_nothing_for_counts_its_desired_values() {
    let mut v = pod("new", (250, 64), (0, 0), (0, 0));
    v["status"] = json!({"phase": "Pending"});
    let new = row(v);
    assert_eq!(admitted_requests(&new).cpu_millis, Some(250));
    assert_eq!(admitted_requests(&new).memory_bytes, Some(64 << 20));
}

#[test]
fn a_larger_init_container_counts_as_the_scheduler_adds_it() {
    let mut v = pod("i", (100, 16), (100, 16), (100, 16));
    v["spec"]["initContainers"] = json!([{"name": "migrate",
        "resources": {"requests": q((700, 8))}}]);
    v["status"]["initContainerStatuses"] = json!([{"name": "migrate",
        "state": {"terminated": {"exitCode": 0}},
        "allocatedResources": q((700, 8)), "resources": {"requests": q((700, 8))}}]);
    let p = row(v);
    assert_eq!(admitted_requests(&p).cpu_millis, Some(700));
    assert_eq!(admitted_requests(&p).memory_bytes, Some(16 << 20));
}

#[test]
fn pod_level_requests_count_at_their_pod_level_allocation() {
    // 1.35+: a pod-level grow to 2 CPUs the kubelet deferred; it allocated 1 CPU.
    let mut v = deferred(pod("pl", (100, 64), (100, 64), (100, 64)));
    v["spec"]["resources"] = json!({"requests": {"cpu": "2"}});
    v["status"]["allocatedResources"] = json!({"cpu": "1", "memory": "64Mi"});
    v["status"]["resources"] = json!({"requests": {"cpu": "1"}});
    let p = row(v);
    assert_eq!(admitted_requests(&p).cpu_millis, Some(1000));
    // No pod-level memory request: the containers' sum.
    assert_eq!(admitted_requests(&p).memory_bytes, Some(64 << 20));
    assert_eq!(counted_requests(&p).cpu_millis, Some(2000));
}

#[test]
fn neighbours_are_the_other_pods_on_the_node_that_hold_room() {
    let me = row(pod("me", (100, 1), (100, 1), (100, 1)));
    let growing = row(deferred(pod("g", (900, 1), (300, 1), (300, 1))));
    let mut elsewhere = pod("x", (400, 1), (400, 1), (400, 1));
    elsewhere["spec"]["nodeName"] = json!("other");
    let mut done = pod("d", (800, 1), (800, 1), (800, 1));
    done["status"]["phase"] = json!("Succeeded");
    let pods = [me.clone(), growing, row(elsewhere), row(done)];
    assert_eq!(admitted_of_neighbours(&me, &pods).cpu_millis, Some(300));
}
