//! Unit tests of make-room planning.

use super::*;
use crate::model::decide::node_room::tests::{deferred, node, pod, row};
use serde_json::{Value, json};

fn with_priority(mut v: Value, priority: i32) -> Value {
    v["spec"]["priority"] = json!(priority);
    v
}

/// A settled pod: desired = allocated = actual.
pub(super) fn settled(name: &str, cpu: i64, mib: i64, priority: i32) -> PodRow {
    row(with_priority(
        pod(name, "n", (cpu, mib), (cpu, mib), (cpu, mib)),
        priority,
    ))
}

/// Waits on node n (4000m, 8Gi) for 3000m while holding 1000m.
pub(super) fn waiting() -> PodRow {
    row(deferred(pod(
        "w",
        "n",
        (3000, 256),
        (1000, 256),
        (1000, 256),
    )))
}

pub(super) fn floors(list: &[(&str, i64, i64)]) -> HashMap<ContainerKey, CpuMem> {
    list.iter()
        .map(|(pod, cpu, mib)| {
            (
                ("ns".to_string(), pod.to_string(), "c".to_string()),
                CpuMem {
                    cpu_millis: Some(*cpu),
                    memory_bytes: Some(mib << 20),
                },
            )
        })
        .collect()
}

fn plan_for(pods: &[PodRow], floors: &HashMap<ContainerKey, CpuMem>) -> Outcome {
    plan_with(pods, floors, RoomOptions::default())
}

pub(super) fn plan_with(
    pods: &[PodRow],
    floors: &HashMap<ContainerKey, CpuMem>,
    options: RoomOptions,
) -> Outcome {
    let w = pods
        .iter()
        .find(|p| p.name == "w")
        .cloned()
        .unwrap_or_else(waiting);
    let n = node("n", 4000, 8192);
    make_room(&RoomRequest {
        node: &n,
        waiting: &w,
        container: "c",
        pods,
        floors,
        protected: &HashMap::new(),
        server: Server::with_minor(35),
        margin_percent: MARGIN_PERCENT,
        options,
    })
}

pub(super) fn expect_plan(o: Outcome) -> Plan {
    match o {
        Outcome::Plan(p) => p,
        Outcome::NoPlan(why) => panic!("no plan: {why}"),
    }
}

#[test]
fn lower_priority_first_frees_the_missing_room_plus_margin() {
    // Room: 4000 - 1200 - 400 - 400 = 2000 for a pod that needs 3000: 1000m missing.
    let pods = vec![
        waiting(),
        settled("low", 1200, 512, -100),
        settled("same", 400, 512, 0),
        settled("high", 400, 512, 1000),
    ];
    let f = floors(&[("low", 100, 64), ("same", 100, 64), ("high", 10, 64)]);
    let plan = expect_plan(plan_for(&pods, &f));
    assert_eq!(plan.missing.cpu_millis, Some(1000));
    assert_eq!(plan.target.cpu_millis, Some(1100));
    assert!(plan.freed.cpu_millis >= plan.target.cpu_millis);
    assert_eq!(plan.shrinks.len(), 1, "{:?}", plan.shrinks);
    let s = &plan.shrinks[0];
    let c = &s.containers[0];
    assert_eq!(
        (s.pod.as_str(), c.after.requests.cpu_millis),
        ("low", Some(100))
    );
    // Limits and memory stay: only what is missing is taken.
    assert_eq!(c.after.limits, c.before.limits);
    assert_eq!(
        c.after.requests.memory_bytes,
        c.before.requests.memory_bytes
    );
    assert_eq!(s.patch["metadata"]["resourceVersion"], "7");
}

#[test]
fn equal_priority_is_used_only_after_lower_and_never_higher() {
    let pods = vec![
        waiting(),
        settled("low", 800, 512, -100),
        settled("same", 1600, 512, 0),
        settled("high", 100, 512, 1000),
    ];
    let f = floors(&[("low", 400, 64), ("same", 100, 64), ("high", 10, 64)]);
    // Without asking, an equal-priority pod is never a victim.
    match plan_for(&pods, &f) {
        Outcome::NoPlan(why) => assert!(why.contains("--allow-equal-priority"), "{why}"),
        Outcome::Plan(p) => panic!("equal priority taken unasked: {p:?}"),
    }
    let equal = RoomOptions {
        allow_equal_priority: true,
        ..RoomOptions::default()
    };
    let plan = expect_plan(plan_with(&pods, &f, equal));
    let touched: Vec<&str> = plan.shrinks.iter().map(|s| s.pod.as_str()).collect();
    assert_eq!(touched, ["low", "same"]);
    assert_eq!(plan.missing.cpu_millis, Some(1500));
    assert!(plan.freed.cpu_millis.unwrap_or(0) >= 1500);
    assert!(
        plan.shrinks
            .iter()
            .all(|s| s.containers[0].after.requests.cpu_millis >= Some(100))
    );
}

#[test]
fn only_higher_priority_headroom_gives_no_plan() {
    let pods = vec![
        waiting(),
        settled("low", 500, 512, -100),
        settled("high", 1500, 512, 1000),
    ];
    // The low pod uses all it asks for.
    let f = floors(&[("low", 500, 512), ("high", 10, 64)]);
    match plan_for(&pods, &f) {
        Outcome::NoPlan(why) => assert!(
            why.starts_with("only higher-priority pods have headroom"),
            "{why}"
        ),
        Outcome::Plan(p) => panic!("unexpected plan {p:?}"),
    }
}

#[test]
fn never_below_the_floor_and_says_how_much_could_be_freed() {
    let pods = vec![waiting(), settled("low", 2000, 512, -100)];
    let f = floors(&[("low", 1500, 64)]);
    match plan_for(&pods, &f) {
        Outcome::NoPlan(why) => assert!(why.contains("can free only cpu 500m"), "{why}"),
        Outcome::Plan(p) => panic!("unexpected plan {p:?}"),
    }
}

#[test]
fn containers_without_a_floor_are_not_touched() {
    let pods = vec![waiting(), settled("low", 2000, 512, -100)];
    match plan_for(&pods, &HashMap::new()) {
        Outcome::NoPlan(why) => assert!(why.starts_with("no usage figures yet"), "{why}"),
        Outcome::Plan(p) => panic!("unexpected plan {p:?}"),
    }
}

#[test]
fn fewest_pods_most_headroom_first() {
    let pods = vec![
        waiting(),
        settled("small", 600, 512, -100),
        settled("big", 1400, 512, -100),
    ];
    let f = floors(&[("small", 100, 64), ("big", 100, 64)]);
    let plan = expect_plan(plan_for(&pods, &f));
    assert_eq!(plan.pod_count(), 1);
    assert_eq!(plan.shrinks[0].pod, "big");
    // Just enough: 1400 - 1100 (target) = 300, not down to the floor.
    assert_eq!(
        plan.shrinks[0].containers[0].after.requests.cpu_millis,
        Some(300)
    );
}

/// A Guaranteed pod at priority -5 whose container restarts on a CPU resize.
fn guaranteed_restarting() -> PodRow {
    let mut g = pod("g", "n", (1800, 512), (1800, 512), (1800, 512));
    let q = json!({"cpu": "1800m", "memory": "512Mi"});
    g["spec"]["containers"][0]["resources"] = json!({"requests": q, "limits": q});
    g["spec"]["containers"][0]["resizePolicy"] =
        json!([{"resourceName": "cpu", "restartPolicy": "RestartContainer"}]);
    g["status"]["qosClass"] = json!("Guaranteed");
    g["spec"]["priority"] = json!(-5);
    row(g)
}

#[test]
fn guaranteed_and_restarting_victims_only_when_asked_and_keep_their_class() {
    let pods = vec![waiting(), guaranteed_restarting()];
    let f = floors(&[("g", 100, 64)]);
    match plan_for(&pods, &f) {
        Outcome::NoPlan(why) => assert!(why.contains("--allow-guaranteed"), "{why}"),
        Outcome::Plan(p) => panic!("Guaranteed pod taken unasked: {p:?}"),
    }
    let guaranteed = RoomOptions {
        allow_guaranteed: true,
        ..RoomOptions::default()
    };
    match plan_with(&pods, &f, guaranteed) {
        Outcome::NoPlan(why) => assert!(why.contains("--allow-restart"), "{why}"),
        Outcome::Plan(p) => panic!("restarting container taken unasked: {p:?}"),
    }
    let both = RoomOptions {
        allow_restart: true,
        ..guaranteed
    };
    let plan = expect_plan(plan_with(&pods, &f, both));
    let s = &plan.shrinks[0];
    assert!(s.restarts);
    let c = &s.containers[0];
    assert_eq!(c.after.limits.cpu_millis, c.after.requests.cpu_millis);
}

#[test]
fn larger_than_the_node_or_already_fitting_gives_no_plan() {
    let big = row(deferred(pod(
        "w",
        "n",
        (5000, 256),
        (1000, 256),
        (1000, 256),
    )));
    let pods = vec![big];
    match plan_for(&pods, &HashMap::new()) {
        Outcome::NoPlan(why) => assert!(why.contains("more than node n has"), "{why}"),
        Outcome::Plan(p) => panic!("unexpected plan {p:?}"),
    }
    match plan_for(&[waiting()], &HashMap::new()) {
        Outcome::NoPlan(why) => assert!(why.starts_with("nothing to free"), "{why}"),
        Outcome::Plan(p) => panic!("unexpected plan {p:?}"),
    }
}

#[test]
fn floor_prefers_the_recommendation_then_peak_plus_margin() {
    let usage = crate::model::pods::usage::Usage {
        source: crate::model::pods::usage::Source::LiveSamples {
            since: chrono::Utc::now(),
        },
        cpu_percentile: Some(80),
        cpu_p50: Some(50),
        cpu_peak: Some(100),
        memory_peak: Some(200 << 20),
        samples: 3,
        window: chrono::TimeDelta::zero(),
        ..crate::model::pods::usage::Usage::new(crate::model::pods::usage::Source::LiveSamples {
            since: chrono::Utc::now(),
        })
    };
    let f = floor_of(None, Some(&usage), 10);
    assert_eq!((f.cpu_millis, f.memory_bytes), (Some(110), Some(220 << 20)));
    assert_eq!(floor_of(None, None, 10), CpuMem::default());
}

/// The room to free is the kubelet's: another pod's Deferred grow (2500m wished, 500m
/// allocated) takes 500m in its count, so 700m is missing, not the 2700m the scheduler's count
/// of the same node would ask a plan to free.
#[test]
fn another_waiting_grow_takes_only_its_allocation_from_the_room_to_free() {
    let pods = vec![
        waiting(),
        row(with_priority(
            deferred(pod("g", "n", (2500, 256), (500, 256), (500, 256))),
            -100,
        )),
        settled("low", 1200, 512, -100),
    ];
    let plan = expect_plan(plan_for(&pods, &floors(&[("low", 100, 64)])));
    assert_eq!(plan.missing.cpu_millis, Some(700));
    assert_eq!(plan.shrinks.len(), 1, "{:?}", plan.shrinks);
    assert_eq!(plan.shrinks[0].pod, "low");
}

/// A victim whose grow to 3900m the kubelet answered Infeasible holds its 1500m allocation:
/// its shrink is taken from there (freeing what the allocation drops by), not from the 3900m
/// it asked for, which would leave the Infeasible grow in the patch and free nothing.
#[test]
fn an_infeasible_victim_gives_from_what_it_was_allocated() {
    let mut v = with_priority(pod("inf", "n", (3900, 256), (1500, 256), (1500, 256)), -100);
    v["metadata"]["generation"] = json!(2);
    v["status"]["observedGeneration"] = json!(2);
    v["status"]["conditions"] = json!([{"type": "PodResizePending", "status": "True",
        "reason": "Infeasible", "observedGeneration": 2,
        "message": "Node didn't have enough capacity: cpu, requested: 3900, capacity: 4000"}]);
    let pods = vec![waiting(), row(v)];
    let plan = expect_plan(plan_for(&pods, &floors(&[("inf", 100, 64)])));
    assert_eq!(plan.missing.cpu_millis, Some(500));
    let c = &plan.shrinks[0].containers[0];
    let after = c.after.requests.cpu_millis.unwrap_or(0);
    assert!(after <= 1000, "{c:?}");
    assert_eq!(c.freed.cpu_millis, Some(1500 - after));
    // Put back restores what the pod asked for.
    assert_eq!(c.before.requests.cpu_millis, Some(3900));
}
