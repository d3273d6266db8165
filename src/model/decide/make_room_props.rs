//! Victims as preemption picks them: unit tests of the rules, and a property test comparing
//! the chosen set with a brute-force minimum over every set of strictly-lower-priority pods.

use super::tests::{expect_plan, floors, plan_with, settled, waiting};
use super::*;
use crate::model::decide::node_room::tests::{node, pod, row};
use proptest::prelude::*;
use serde_json::json;

fn names(plan: &Plan) -> Vec<&str> {
    plan.shrinks.iter().map(|s| s.pod.as_str()).collect()
}

fn no_plan(o: Outcome) -> String {
    match o {
        Outcome::NoPlan(why) => why,
        Outcome::Plan(p) => panic!("unexpected plan {:?}", names(&p)),
    }
}

#[test]
fn the_lowest_priority_gives_first_even_when_a_higher_one_has_more() {
    // 500m missing (550m with the margin); each could give 650m alone. The old ranking took
    // the first by name; preemption takes the lowest priority.
    let pods = vec![
        waiting(),
        settled("analytics", 750, 512, -1),
        settled("backfill", 750, 512, -10),
    ];
    let f = floors(&[("analytics", 100, 64), ("backfill", 100, 64)]);
    let plan = expect_plan(plan_with(&pods, &f, RoomOptions::default()));
    assert_eq!(names(&plan), ["backfill"]);
}

#[test]
fn a_pod_with_two_giving_containers_gets_one_patch_with_its_resource_version() {
    let mut two = pod("two", "n", (1200, 256), (1200, 256), (1200, 256));
    let q = json!({"cpu": "1200m", "memory": "256Mi"});
    let lim = json!({"cpu": "2", "memory": "1Gi"});
    if let Some(c) = two["spec"]["containers"].as_array_mut() {
        c.push(json!({"name": "d", "resources": {"requests": q, "limits": lim}}));
    }
    if let Some(c) = two["status"]["containerStatuses"].as_array_mut() {
        c.push(
            json!({"name": "d", "state": {"running": {}}, "allocatedResources": q,
                      "resources": {"requests": q, "limits": lim}}),
        );
    }
    two["spec"]["priority"] = json!(-1);
    let mut f = floors(&[("two", 100, 64)]);
    f.insert(
        ("ns".into(), "two".into(), "d".into()),
        CpuMem {
            cpu_millis: Some(100),
            memory_bytes: Some(64 << 20),
        },
    );
    // Room: 4000 - 2400 = 1600 of the 3000 wanted: 1400m missing, 1540m with the margin,
    // more than either container can give alone (1100m each over its floor): both give.
    let pods = vec![waiting(), row(two)];
    let plan = expect_plan(plan_with(&pods, &f, RoomOptions::default()));
    assert_eq!(plan.shrinks.len(), 1, "one shrink per pod");
    let s = &plan.shrinks[0];
    assert_eq!(s.patch["metadata"]["resourceVersion"], "7");
    let patched: Vec<&str> = s.patch["spec"]["containers"]
        .as_array()
        .map(|l| l.iter().filter_map(|c| c["name"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(patched, ["c", "d"], "{}", s.patch);
    assert!(s.freed.cpu_millis >= Some(1540));
}

#[test]
fn daemonset_critical_and_never_annotated_pods_are_never_victims() {
    let mut ds = pod("agent", "n", (1800, 256), (1800, 256), (1800, 256));
    ds["metadata"]["ownerReferences"] =
        json!([{"kind": "DaemonSet", "name": "agent", "controller": true}]);
    ds["spec"]["priority"] = json!(-5);
    let mut never = pod("kept", "n", (1800, 256), (1800, 256), (1800, 256));
    never["metadata"]["annotations"] = json!({"podsize.dev/make-room": "never"});
    never["spec"]["priority"] = json!(-5);
    let f = floors(&[("agent", 100, 64), ("kept", 100, 64), ("crit", 100, 64)]);
    let both = [row(ds), row(never)];
    for protected in both {
        let pods = vec![waiting(), protected.clone()];
        let why = no_plan(plan_with(&pods, &f, RoomOptions::default()));
        assert!(
            why.contains("DaemonSet") || why.contains("make-room: never"),
            "{why}"
        );
    }
    // A critical pod is above the waiting one here; with the waiting pod critical too, it
    // would be equal: it stays out even with --allow-equal-priority.
    let mut w = super::tests::waiting();
    w.priority = Some(2_000_001_000);
    let mut crit = settled("crit", 1800, 256, 2_000_000_000);
    crit.priority = Some(2_000_001_000);
    let all = RoomOptions {
        allow_equal_priority: true,
        allow_guaranteed: true,
        allow_restart: true,
        max_pods: 10,
    };
    let pods = vec![w, crit];
    let why = no_plan(plan_with(&pods, &f, all));
    assert!(why.contains("critical priority"), "{why}");
}

#[test]
fn never_more_than_max_pods() {
    // 2200m missing; four pods of 700m over their floors each: three are not enough.
    let pods: Vec<PodRow> = std::iter::once(waiting())
        .chain((0..4).map(|i| settled(&format!("p{i}"), 800, 256, -1)))
        .collect();
    let f = floors(&[
        ("p0", 100, 64),
        ("p1", 100, 64),
        ("p2", 100, 64),
        ("p3", 100, 64),
    ]);
    let why = no_plan(plan_with(&pods, &f, RoomOptions::default()));
    assert!(
        why.contains("more than 3 pods, the most shrunk at once (podsize make-room --max-pods N"),
        "{why}"
    );
    let four = RoomOptions {
        max_pods: 4,
        ..RoomOptions::default()
    };
    assert_eq!(expect_plan(plan_with(&pods, &f, four)).pod_count(), 4);
}

/// A pod at priority -1 whose pod-level requests (1800m) hold the room, its pod-level status
/// published as a kubelet with the 1.35 gate on does (§2.6).
fn pod_level_victim() -> PodRow {
    let mut v = pod("lvl", "n", (300, 256), (300, 256), (300, 256));
    v["spec"]["priority"] = json!(-1);
    v["spec"]["resources"] = json!({"requests": {"cpu": "1800m", "memory": "512Mi"}, "limits": {"cpu": "3", "memory": "1Gi"}});
    v["status"]["allocatedResources"] = json!({"cpu": "1800m", "memory": "512Mi"});
    row(v)
}

#[test]
fn a_pod_level_victim_on_1_35_with_the_gate_off_gives_nothing_not_its_containers() {
    let mut w = super::tests::waiting();
    w.containers[0].desired.requests.cpu_millis = Some(3000);
    let mut victim = pod_level_victim();
    // No pod-level status: the gate is off, and the server refuses any resize of this pod.
    victim.pod_level = None;
    let pods = vec![w, victim];
    // A floor far below the containers' requests: shrinking them would look like room.
    let f = floors(&[("lvl", 50, 64)]);
    let why = no_plan(plan_with(&pods, &f, RoomOptions::default()));
    assert!(
        why.contains("ns/lvl: its pod-level resources cannot shrink: Pod \"lvl\" is invalid: []: Forbidden: resize of pods with pod-level resources is forbidden when InPlacePodLevelResourcesVerticalScalingEnabled feature gate is disabled"),
        "{why}"
    );
}

#[test]
fn a_pod_level_victim_is_shrunk_at_pod_level_or_left_out_with_the_reason() {
    let mut w = super::tests::waiting();
    // The node counts the pod-level 1800m (not the container's 300m): 800m missing.
    w.containers[0].desired.requests.cpu_millis = Some(3000);
    let pods = vec![w.clone(), pod_level_victim()];
    let f = floors(&[("lvl", 200, 64)]);
    let plan = expect_plan(plan_with(&pods, &f, RoomOptions::default()));
    let s = &plan.shrinks[0];
    assert!(s.containers.is_empty(), "no container shrink: {s:?}");
    let (_, after) = s.pod_level.unwrap_or_default();
    assert!(after.requests.cpu_millis <= Some(1800 - 800));
    assert!(s.patch["spec"]["resources"]["requests"]["cpu"].is_string());
    // 1.34 cannot resize pod-level resources: the pod is left out, and the reason says so.
    let n = node("n", 4000, 8192);
    let old = make_room(&RoomRequest {
        node: &n,
        waiting: &w,
        container: "c",
        pods: &pods,
        floors: &f,
        protected: &HashMap::new(),
        server: Server::with_minor(34),
        margin_percent: MARGIN_PERCENT,
        options: RoomOptions::default(),
    });
    let why = no_plan(old);
    assert!(why.contains("pod-level resources cannot"), "{why}");
}

/// Brute force: over every set of strictly-lower-priority pods of at most `max` members whose
/// headroom covers `need`, the least (highest victim priority, number of victims).
fn brute_force(pods: &[(i32, i64)], mine: i32, need: i64, max: usize) -> Option<(i32, usize)> {
    let mut best: Option<(i32, usize)> = None;
    for mask in 1u32..(1 << pods.len()) {
        let set: Vec<&(i32, i64)> = (0..pods.len())
            .filter(|i| mask & (1 << i) != 0)
            .map(|i| &pods[i])
            .collect();
        if set.len() > max || set.iter().any(|(p, _)| *p >= mine) {
            continue;
        }
        if set.iter().map(|(_, h)| h).sum::<i64>() < need {
            continue;
        }
        let key = (
            set.iter().map(|(p, _)| *p).max().unwrap_or(i32::MIN),
            set.len(),
        );
        if best.is_none_or(|b| key < b) {
            best = Some(key);
        }
    }
    best
}

proptest! {
    #[test]
    fn victims_match_the_brute_force_minimum(
        others in prop::collection::vec((-3i32..=2, 1i64..=30), 1..8),
        max in 1usize..=4,
        equal in any::<bool>(),
    ) {
        // Waiting pod at priority 0 on a 4000m node, holding 1000m, wanting 3000m. Each other
        // pod asks 100m + 50m × k and may give 50m × k (its floor is 100m); memory is roomy.
        let mut pods = vec![waiting()];
        let mut list = Vec::new();
        let mut fl = Vec::new();
        let names: Vec<String> = (0..others.len()).map(|i| format!("p{i}")).collect();
        for (i, (prio, k)) in others.iter().enumerate() {
            pods.push(settled(&names[i], 100 + 50 * k, 16, *prio));
            list.push((*prio, 50 * k));
            fl.push((names[i].as_str(), 100, 1));
        }
        // Room is 4000 - held; the waiting pod wants 3000: it misses held - 1000.
        let held: i64 = list.iter().map(|(_, h)| h + 100).sum();
        let need = held - 1000;
        prop_assume!(need > 0);
        let n = node("n", 4000, 8192);
        let f = floors(&fl);
        let options = RoomOptions { max_pods: max, allow_equal_priority: equal, ..RoomOptions::default() };
        let outcome = make_room(&RoomRequest {
            node: &n, waiting: &pods[0], container: "c", pods: &pods, floors: &f,
            protected: &HashMap::new(), server: Server::with_minor(35), margin_percent: 0, options,
        });
        let mine = if equal { 1 } else { 0 };
        let reference = brute_force(&list, mine, need, max);
        match (&outcome, reference) {
            (Outcome::Plan(plan), Some((top, count))) => {
                let prios: Vec<i32> = plan.shrinks.iter().map(|s| s.priority).collect();
                prop_assert!(prios.iter().all(|p| *p < mine), "{prios:?}");
                prop_assert!(plan.pod_count() <= max);
                prop_assert!(plan.freed.cpu_millis.unwrap_or(0) >= need);
                prop_assert_eq!(prios.iter().copied().max(), Some(top));
                prop_assert_eq!(plan.pod_count(), count);
            }
            (Outcome::NoPlan(_), None) => {}
            (o, r) => prop_assert!(false, "plan {:?} but brute force {:?}", o, r),
        }
    }
}
