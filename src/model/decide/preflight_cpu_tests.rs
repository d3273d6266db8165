//! Whole CPUs only under the static CPU manager (resize-api.md §4.8).

use super::super::{Change, preflight};
use super::*;
use crate::model::pods::slim::SlimPod;
use serde_json::json;

/// A pod on node-a with one container `app` of cpu `cpu` (request = limit when `guaranteed`),
/// memory 1Gi, and the given pod-level resize condition.
fn pod(cpu: &str, guaranteed: bool, pending: Option<&str>) -> PodRow {
    let limit = if guaranteed { cpu } else { "4" };
    let conditions: Vec<_> = pending
        .map(|m| json!({"type": "PodResizePending", "status": "True", "reason": "Infeasible", "message": m}))
        .into_iter()
        .collect();
    let v = json!({
        "metadata": {"name": "p", "namespace": "ns", "uid": "u", "generation": 2},
        "spec": {"nodeName": "node-a", "containers": [{"name": "app", "resources": {
            "requests": {"cpu": cpu, "memory": "1Gi"}, "limits": {"cpu": limit, "memory": "1Gi"}}}]},
        "status": {"phase": "Running", "qosClass": if guaranteed { "Guaranteed" } else { "Burstable" },
            "conditions": conditions},
    });
    PodRow::from_slim(&serde_json::from_value::<SlimPod>(v).unwrap_or_default())
}

fn static_node() -> ClusterPolicy {
    ClusterPolicy {
        cpu_managers: vec![NodeCpuManager {
            node: "node-a".into(),
            static_policy: true,
            source: "configz".into(),
        }],
        ..Default::default()
    }
}

fn cpu_to(row: &PodRow, millis: i64) -> ResourceSpec {
    let mut spec = row.containers[0].desired;
    spec.requests.cpu_millis = Some(millis);
    spec.limits.cpu_millis = Some(millis);
    spec
}

fn refusal(policy: &ClusterPolicy, row: &PodRow, millis: i64) -> Option<String> {
    let spec = cpu_to(row, millis);
    let change = Change {
        row,
        container: "app",
        new_spec: &spec,
        usage: None,
    };
    preflight(policy, change, None).refusal
}

#[test]
fn a_fraction_of_whole_cpus_is_refused_with_the_kubelets_reason() {
    let row = pod("2", true, None);
    let text = refusal(&static_node(), &row, 1500).expect("refused");
    assert!(
        text.contains("node node-a runs the static CPU manager policy"),
        "{text}"
    );
    assert!(text.ends_with(STATIC_POLICY_INFEASIBLE), "{text}");
    assert_eq!(refusal(&static_node(), &row, 3000), None);
    // Elsewhere, or without the static policy known, a fraction is fine.
    assert_eq!(refusal(&ClusterPolicy::default(), &row, 1500), None);
}

#[test]
fn only_guaranteed_pods_with_whole_cpus_are_held_to_whole_cpus() {
    let policy = static_node();
    assert_eq!(refusal(&policy, &pod("2", false, None), 1500), None);
    assert_eq!(refusal(&policy, &pod("500m", true, None), 700), None);
    assert!(whole_cpus_only(&policy, &pod("2", true, None), "app").is_some());
}

#[test]
fn the_policy_is_learnt_from_an_earlier_infeasible_answer_on_the_node() {
    let refused = pod("2", true, Some(STATIC_POLICY_INFEASIBLE));
    let other = pod("1", false, Some("Node didn't have enough capacity: cpu"));
    let learnt = learnt_from_infeasible("node-a", [&other, &refused]).expect("learnt");
    assert!(learnt.static_policy);
    assert!(learnt.source.contains("pod ns/p"), "{}", learnt.source);
    assert_eq!(learnt_from_infeasible("node-a", [&other]), None);
    assert_eq!(learnt_from_infeasible("node-b", [&refused]), None);
}

#[test]
fn rounding_goes_up_to_whole_cpus() {
    let spec = to_whole_cpus(&cpu_to(&pod("2", true, None), 1200));
    assert_eq!(spec.requests.cpu_millis, Some(2000));
    assert_eq!(spec.limits.cpu_millis, Some(2000));
    assert_eq!(
        to_whole_cpus(&cpu_to(&pod("2", true, None), 1))
            .requests
            .cpu_millis,
        Some(1000)
    );
    assert_eq!(
        to_whole_cpus(&cpu_to(&pod("2", true, None), 3000))
            .requests
            .cpu_millis,
        Some(3000)
    );
}
