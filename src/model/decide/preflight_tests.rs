//! The preflight against the real server's fourth-round answers (fixtures/real-1.35/round4,
//! README §1–§2): each expected text is the fixture's `message`, word for word.

use super::*;
use crate::model::pods::cluster_policy::{HpaInfo, HpaMetric, NodeRuntime, QuotaInfo};
use crate::model::pods::slim::SlimPod;
use serde_json::{Value, json};

fn texts(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// lr-01's `lr-container` in namespace `ns`.
fn lr_container() -> LimitRangeInfo {
    LimitRangeInfo {
        namespace: "ns".into(),
        name: "lr-container".into(),
        items: vec![LimitRangeItem {
            kind: "Container".into(),
            max: texts(&[("cpu", "2"), ("memory", "1Gi")]),
            min: texts(&[("cpu", "100m")]),
            max_limit_request_ratio: texts(&[("cpu", "4")]),
            default: texts(&[("cpu", "1"), ("memory", "256Mi")]),
            default_request: texts(&[("cpu", "250m"), ("memory", "64Mi")]),
        }],
    }
}

/// lr-22's `lr-pod`: type Pod, max cpu 2.
fn lr_pod() -> LimitRangeInfo {
    LimitRangeInfo {
        namespace: "ns".into(),
        name: "lr-pod".into(),
        items: vec![LimitRangeItem {
            kind: "Pod".into(),
            max: texts(&[("cpu", "2")]),
            ..Default::default()
        }],
    }
}

/// The fixtures' `q`: hard requests.cpu 1, limits.cpu 2, requests.memory 512Mi, limits.memory
/// 1Gi, pods 10, with `used` as given (`None`: status written without used).
fn quota(used: Option<&[(&str, &str)]>) -> QuotaInfo {
    QuotaInfo {
        namespace: "ns".into(),
        name: "q".into(),
        hard: Some(texts(&[
            ("limits.cpu", "2"),
            ("limits.memory", "1Gi"),
            ("pods", "10"),
            ("requests.cpu", "1"),
            ("requests.memory", "512Mi"),
        ])),
        used: used.map(texts),
    }
}

/// p1 with containers `(name, requests.cpu, limits.cpu)`, memory 128Mi/256Mi, and `status`.
fn pod(containers: &[(&str, &str, &str)], status: Value) -> PodRow {
    let specs: Vec<Value> = containers
        .iter()
        .map(|(n, r, l)| {
            json!({"name": n, "resources": {"requests": {"cpu": r, "memory": "128Mi"},
                "limits": {"cpu": l, "memory": "256Mi"}}})
        })
        .collect();
    let v = json!({
        "metadata": {"name": "p1", "namespace": "ns", "uid": "u1", "generation": 1},
        "spec": {"nodeName": "node-a", "containers": specs},
        "status": status,
    });
    PodRow::from_slim(&serde_json::from_value::<SlimPod>(v).unwrap_or_default())
}

fn p1(request: &str, limit: &str) -> PodRow {
    pod(&[("c1", request, limit)], json!({"phase": "Running"}))
}

/// c1's values with cpu request/limit in millicores (`None` removes the key).
fn cpu(row: &PodRow, request: Option<i64>, limit: Option<i64>) -> ResourceSpec {
    let mut spec = row.containers[0].desired;
    spec.requests.cpu_millis = request;
    spec.limits.cpu_millis = limit;
    spec
}

fn run(policy: &ClusterPolicy, row: &PodRow, spec: &ResourceSpec) -> Preflight {
    let change = Change {
        row,
        container: "c1",
        new_spec: spec,
        usage: None,
    };
    preflight(policy, change, None)
}

fn with_ranges(ranges: Vec<LimitRangeInfo>) -> ClusterPolicy {
    ClusterPolicy {
        limit_ranges: ranges,
        ..Default::default()
    }
}

#[test]
fn limit_range_max_and_ratio_joined_lr04() {
    let row = p1("500m", "1");
    let got = run(
        &with_ranges(vec![lr_container()]),
        &row,
        &cpu(&row, Some(500), Some(3000)),
    );
    assert_eq!(
        got.refusal.as_deref(),
        Some(
            r#"pods "p1" is forbidden: [maximum cpu usage per Container is 2, but limit is 3, cpu max limit to request ratio per Container is 4, but provided ratio is 6.000000]"#
        )
    );
}

#[test]
fn limit_range_min_ratio_max_alone_lr05_lr06_lr08() {
    let policy = with_ranges(vec![lr_container()]);
    let row = p1("500m", "1");
    let cases = [
        (
            50,
            1000,
            "[minimum cpu usage per Container is 100m, but request is 50m, cpu max limit to request ratio per Container is 4, but provided ratio is 20.000000]",
        ),
        (
            125,
            1000,
            "cpu max limit to request ratio per Container is 4, but provided ratio is 8.000000",
        ),
        (
            1000,
            3000,
            "maximum cpu usage per Container is 2, but limit is 3",
        ),
    ];
    for (request, limit, text) in cases {
        let got = run(&policy, &row, &cpu(&row, Some(request), Some(limit)));
        assert_eq!(
            got.refusal,
            Some(format!(r#"pods "p1" is forbidden: {text}"#)),
            "{request}/{limit}"
        );
    }
    // lr-07: within every bound.
    assert_eq!(
        run(&policy, &row, &cpu(&row, Some(600), Some(1500))).refusal,
        None
    );
}

#[test]
fn removed_limit_gets_the_default_back_lr17() {
    let row = p1("500m", "1500m");
    let got = run(
        &with_ranges(vec![lr_container()]),
        &row,
        &cpu(&row, Some(500), None),
    );
    assert_eq!(got.refusal, None);
    assert_eq!(got.effective.limits.cpu_millis, Some(1000));
    assert!(
        got.warnings
            .iter()
            .any(|w| w.contains("default cpu limit 1")),
        "{:?}",
        got.warnings
    );
    // lr-09: a removed request is set to the limit, not to defaultRequest.
    let got = run(
        &with_ranges(vec![lr_container()]),
        &row,
        &cpu(&row, None, Some(1500)),
    );
    assert_eq!(got.effective.requests.cpu_millis, Some(1500));
}

#[test]
fn pod_limit_range_sums_the_containers_lr25() {
    let row = pod(
        &[("c1", "500m", "1"), ("c2", "500m", "1")],
        json!({"phase": "Running"}),
    );
    let policy = with_ranges(vec![lr_pod(), lr_container()]);
    let got = run(&policy, &row, &cpu(&row, Some(500), Some(1500)));
    assert_eq!(
        got.refusal.as_deref(),
        Some(r#"pods "p1" is forbidden: maximum cpu usage per Pod is 2, but limit is 2500m"#)
    );
    // lr-27: a decrease is admitted.
    assert_eq!(
        run(&policy, &row, &cpu(&row, Some(500), Some(800))).refusal,
        None
    );
}

#[test]
fn quota_counts_the_increase_quota10_quota11() {
    let used = [
        ("limits.cpu", "1"),
        ("limits.memory", "256Mi"),
        ("pods", "1"),
        ("requests.cpu", "700m"),
        ("requests.memory", "128Mi"),
    ];
    let policy = ClusterPolicy {
        quotas: vec![quota(Some(&used))],
        ..Default::default()
    };
    let row = p1("700m", "1");
    let got = run(&policy, &row, &cpu(&row, Some(2000), Some(2000)));
    assert_eq!(
        got.refusal.as_deref(),
        Some(
            r#"pods "p1" is forbidden: exceeded quota: q, requested: requests.cpu=1300m, used: requests.cpu=700m, limited: requests.cpu=1"#
        )
    );
    let got = run(&policy, &row, &cpu(&row, Some(2000), Some(3000)));
    assert_eq!(
        got.refusal.as_deref(),
        Some(
            r#"pods "p1" is forbidden: exceeded quota: q, requested: limits.cpu=2,requests.cpu=1300m, used: limits.cpu=1,requests.cpu=700m, limited: limits.cpu=2,requests.cpu=1"#
        )
    );
    // quota-12: a decrease is never charged.
    assert_eq!(
        run(&policy, &row, &cpu(&row, Some(250), Some(1000))).refusal,
        None
    );
}

#[test]
fn quota_usage_is_the_largest_of_desired_allocated_actual_quota16_quota18() {
    // used is at the hard limit: any charge at all would be refused.
    let used = [
        ("limits.cpu", "2"),
        ("limits.memory", "256Mi"),
        ("pods", "1"),
        ("requests.cpu", "1"),
        ("requests.memory", "128Mi"),
    ];
    let policy = ClusterPolicy {
        quotas: vec![quota(Some(&used))],
        ..Default::default()
    };
    let status = |conditions: Value| {
        json!({"phase": "Running", "conditions": conditions, "containerStatuses": [{"name": "c1",
            "allocatedResources": {"cpu": "900m", "memory": "128Mi"},
            "resources": {"requests": {"cpu": "500m", "memory": "128Mi"}, "limits": {"cpu": "2", "memory": "256Mi"}}}]})
    };
    let row = pod(&[("c1", "400m", "2")], status(json!([])));
    assert_eq!(
        run(&policy, &row, &cpu(&row, Some(800), Some(2000))).refusal,
        None
    );
    let got = run(&policy, &row, &cpu(&row, Some(1000), Some(2000)));
    assert_eq!(
        got.refusal.as_deref(),
        Some(
            r#"pods "p1" is forbidden: exceeded quota: q, requested: requests.cpu=100m, used: requests.cpu=1, limited: requests.cpu=1"#
        )
    );
    let infeasible = json!([{"type": "PodResizePending", "status": "True", "reason": "Infeasible", "message": "too big"}]);
    let row = pod(&[("c1", "400m", "2")], status(infeasible));
    assert_eq!(
        run(&policy, &row, &cpu(&row, Some(2000), Some(2000))).refusal,
        None
    );
}

#[test]
fn quota_without_used_refuses_even_a_decrease_and_without_status_is_ignored() {
    let row = p1("500m", "1");
    let policy = ClusterPolicy {
        quotas: vec![quota(None)],
        ..Default::default()
    };
    assert_eq!(
        run(&policy, &row, &cpu(&row, Some(250), Some(1000)))
            .refusal
            .as_deref(),
        Some(
            r#"pods "p1" is forbidden: status unknown for quota: q, resources: limits.cpu,limits.memory,pods,requests.cpu,requests.memory"#
        )
    );
    let mut no_status = quota(None);
    no_status.hard = None;
    let policy = ClusterPolicy {
        quotas: vec![no_status],
        ..Default::default()
    };
    assert_eq!(
        run(&policy, &row, &cpu(&row, Some(5000), Some(5000))).refusal,
        None
    );
}

#[test]
fn hpa_on_cpu_utilisation_predicts_the_scale_out() {
    let row = p1("1", "2");
    let policy = ClusterPolicy {
        hpas: vec![HpaInfo {
            namespace: "ns".into(),
            name: "web".into(),
            target_kind: "Deployment".into(),
            target_name: "web".into(),
            min_replicas: 1,
            max_replicas: 10,
            current_replicas: 3,
            metrics: vec![HpaMetric {
                resource: "cpu".into(),
                container: None,
                target_utilization: 70,
                current_utilization: None,
            }],
        }],
        ..Default::default()
    };
    let spec = cpu(&row, Some(215), Some(2000));
    let reading = [(
        "c1".to_string(),
        CpuMem {
            cpu_millis: Some(210),
            memory_bytes: None,
        },
    )];
    let change = Change {
        row: &row,
        container: "c1",
        new_spec: &spec,
        usage: Some(&reading),
    };
    let got = preflight(&policy, change, Some(("Deployment", "web")));
    let effect = got.hpa.first().cloned();
    assert_eq!(effect.as_ref().map(|e| (e.before, e.after)), Some((21, 98)));
    // ceil(3 × 97.7 / 70) = 5.
    assert_eq!(effect.map(|e| e.replicas_after), Some(5));
    // Another workload is not this HPA's business.
    assert!(
        preflight(&policy, change, Some(("Deployment", "api")))
            .hpa
            .is_empty()
    );
}

#[test]
fn old_containerd_is_warned_about() {
    let row = p1("500m", "1");
    let runtime = |v: &str| ClusterPolicy {
        runtimes: vec![NodeRuntime {
            node: "node-a".into(),
            container_runtime_version: v.into(),
            kubelet_version: "v1.35.0".into(),
        }],
        ..Default::default()
    };
    let spec = cpu(&row, Some(600), Some(1000));
    let old = run(&runtime("containerd://1.6.8"), &row, &spec);
    assert!(
        old.warnings
            .iter()
            .any(|w| w.contains("node node-a runs containerd://1.6.8")),
        "{:?}",
        old.warnings
    );
    assert!(
        run(&runtime("containerd://1.6.9"), &row, &spec)
            .warnings
            .is_empty()
    );
    assert!(
        run(&runtime("containerd://2.0.0"), &row, &spec)
            .warnings
            .is_empty()
    );
    assert!(
        run(&runtime("cri-o://1.28.1"), &row, &spec)
            .warnings
            .is_empty()
    );
}
