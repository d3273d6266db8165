//! Unit tests of the scheduler's counting rule and the node rows.

use super::*;
use crate::model::pods::slim::SlimPod;
use serde_json::{Value, json};

/// A running one-container pod on `node`: desired, allocated and actual cpu (millicores) and
/// memory (MiB) requests; limits twice the desired.
pub(crate) fn pod(
    name: &str,
    node: &str,
    desired: (i64, i64),
    alloc: (i64, i64),
    actual: (i64, i64),
) -> Value {
    let q =
        |(cpu, mib): (i64, i64)| json!({"cpu": format!("{cpu}m"), "memory": format!("{mib}Mi")});
    json!({
        "metadata": {"name": name, "namespace": "ns", "uid": name, "resourceVersion": "7", "generation": 1},
        "spec": {"nodeName": node, "priority": 0, "containers": [{"name": "c",
            "resources": {"requests": q(desired), "limits": q((desired.0 * 2, desired.1 * 2))}}]},
        // Ready: right-sizing counts only a Ready pod's readings (issue #26).
        "status": {"phase": "Running", "qosClass": "Burstable", "observedGeneration": 1,
            "conditions": [{"type": "Ready", "status": "True"}],
            "containerStatuses": [{"name": "c", "state": {"running": {}},
                "allocatedResources": q(alloc),
                "resources": {"requests": q(actual), "limits": q((desired.0 * 2, desired.1 * 2))}}]},
    })
}

pub(crate) fn deferred(mut v: Value) -> Value {
    v["metadata"]["generation"] = json!(2);
    v["status"]["observedGeneration"] = json!(2);
    v["status"]["conditions"] = json!([{"type": "Ready", "status": "True"},
        {"type": "PodResizePending", "status": "True", "reason": "Deferred",
        "observedGeneration": 2,
        "message": "Node didn't have enough resource: cpu, requested: 3000, used: 2000, capacity: 4000"}]);
    v
}

pub(crate) fn row(v: Value) -> PodRow {
    PodRow::from_slim(&serde_json::from_value::<SlimPod>(v).unwrap_or_default())
}

pub(crate) fn node(name: &str, cpu: i64, mib: i64) -> NodeInfo {
    NodeInfo {
        name: name.into(),
        allocatable: CpuMem {
            cpu_millis: Some(cpu),
            memory_bytes: Some(mib << 20),
        },
    }
}

#[test]
fn counts_the_largest_of_desired_allocated_and_actual() {
    // Shrink admitted but not yet applied: actual still holds the old, larger value.
    let shrinking = row(pod("a", "n", (200, 100), (200, 100), (500, 300)));
    assert_eq!(counted_requests(&shrinking).cpu_millis, Some(500));
    assert_eq!(counted_requests(&shrinking).memory_bytes, Some(300 << 20));
    // Growth not yet admitted: desired counts.
    let growing = row(pod("b", "n", (800, 100), (400, 100), (400, 100)));
    assert_eq!(counted_requests(&growing).cpu_millis, Some(800));
}

#[test]
fn node_row_sums_counted_requests_and_reports_deferred_missing_room() {
    let pods = vec![
        row(pod("a", "n", (1000, 512), (1000, 512), (1000, 512))),
        row(deferred(pod(
            "w",
            "n",
            (3000, 256),
            (1000, 256),
            (1000, 256),
        ))),
        row(pod("elsewhere", "m", (1000, 1), (1000, 1), (1000, 1))),
    ];
    let room = node_room(&node("n", 3500, 4096), &pods, &HashMap::new());
    assert_eq!(room.pods, 2);
    assert_eq!(room.requested.cpu_millis, Some(4000));
    assert_eq!(room.free.cpu_millis, Some(-500));
    assert_eq!(room.pending.len(), 1);
    let p = &room.pending[0];
    assert_eq!(p.wants.cpu_millis, Some(2000));
    // 3500 allocatable - 1000 held by "a" = 2500 room for a pod that needs 3000.
    assert_eq!(p.missing.cpu_millis, Some(500));
    assert_eq!(p.missing.memory_bytes, Some(0));
    assert!(room.usage.is_none());
}

#[test]
fn finished_pods_hold_no_room_and_usage_sums_where_known() {
    let mut done = pod("done", "n", (1000, 1), (1000, 1), (1000, 1));
    done["status"]["phase"] = json!("Succeeded");
    let pods = vec![row(done), row(pod("a", "n", (100, 1), (100, 1), (100, 1)))];
    let usage = HashMap::from([(
        crate::model::pods::row::PodKey::new(0, "ns", "a"),
        CpuMem {
            cpu_millis: Some(30),
            memory_bytes: Some(5),
        },
    )]);
    let room = node_room(&node("n", 1000, 64), &pods, &usage);
    assert_eq!((room.pods, room.requested.cpu_millis), (1, Some(100)));
    assert_eq!(room.usage.and_then(|u| u.cpu_millis), Some(30));
}

#[test]
fn sorts_fullest_first_or_by_pending_demand() {
    let pods = vec![
        row(pod("a", "full", (900, 1), (900, 1), (900, 1))),
        row(deferred(pod("w", "waiting", (600, 1), (100, 1), (100, 1)))),
        row(pod("b", "waiting", (500, 1), (500, 1), (500, 1))),
    ];
    let nodes = [
        node("empty", 1000, 64),
        node("full", 1000, 64),
        node("waiting", 1000, 64),
    ];
    let mut rooms = node_rooms(&nodes, &pods, &HashMap::new());
    sort_rooms(&mut rooms, NodeSort::FreeRoom);
    let names: Vec<&str> = rooms.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, ["waiting", "full", "empty"]);
    sort_rooms(&mut rooms, NodeSort::PendingDemand);
    assert_eq!(rooms[0].name, "waiting");
    assert_eq!(rooms[0].pending_missing().cpu_millis, Some(100));
}

#[test]
fn the_editors_prediction_counts_neighbours_as_the_kubelet_admits() {
    let me = row(pod("me", "n", (100, 1), (100, 1), (100, 1)));
    let shrinking = row(pod("a", "n", (200, 100), (200, 100), (500, 300)));
    let others = crate::model::pods::admitted::admitted_of_neighbours(&me, [&me, &shrinking]);
    assert_eq!(others, admitted_requests(&shrinking));
    assert_eq!(others.cpu_millis, Some(500));
    // The same figure as what a Deferred resize of `me` would miss against.
    assert_eq!(others_of([&me, &shrinking], &me), others);
}

#[test]
fn a_deferred_resize_misses_room_against_the_allocations_not_the_neighbours_wishes() {
    // Node of 1000m: `w` waits to grow 100m → 600m; `g` also waits, 300m → 800m. The kubelet
    // holds 100m + 300m, so `w` misses nothing: it is admitted on the next retry. The
    // scheduler still counts both grows, 1400m, and the node row shows that.
    let pods = vec![
        row(deferred(pod("w", "n", (600, 1), (100, 1), (100, 1)))),
        row(deferred(pod("g", "n", (800, 1), (300, 1), (300, 1)))),
    ];
    let room = node_room(&node("n", 1000, 64), &pods, &HashMap::new());
    assert_eq!(room.requested.cpu_millis, Some(1400));
    let w = room
        .pending
        .iter()
        .find(|p| p.pod == "w")
        .expect("w pending");
    assert_eq!(w.missing.cpu_millis, Some(0));
    // `g` needs 800m next to w's 100m: 900m of 1000m fits too.
    let g = room
        .pending
        .iter()
        .find(|p| p.pod == "g")
        .expect("g pending");
    assert_eq!(g.missing.cpu_millis, Some(0));
    // Counted the scheduler's way each would have missed room (600 + 800 > 1000).
    assert!(600 + counted_requests(&pods[1]).cpu_millis.unwrap_or(0) > 1000);
}
