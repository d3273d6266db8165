//! Which use an HPA metric is judged by (`hpa_metric_use`) and what it is divided by: the
//! pod's containers summed for a `Resource` metric (or the pod-level request, when the pod
//! sets one), one container for `ContainerResource`.

use super::super::{Change, preflight};
use super::*;
use crate::model::ground::resources::ResourceSpec;
use crate::model::pods::slim::SlimPod;
use serde_json::json;

/// Pod `p` in `ns` with two containers: `app` requesting 400m cpu, `log` 100m.
fn two_containers() -> PodRow {
    pod_of(None)
}

/// `two_containers`, with pod-level `spec.resources.requests` when `level` is given.
fn pod_of(level: Option<serde_json::Value>) -> PodRow {
    let c = |name: &str, cpu: &str| json!({"name": name, "resources": {"requests": {"cpu": cpu, "memory": "64Mi"}}});
    let mut v = json!({
        "metadata": {"name": "p", "namespace": "ns", "uid": "u", "generation": 1},
        "spec": {"nodeName": "node-a", "containers": [c("app", "400m"), c("log", "100m")]},
        "status": {"phase": "Running"},
    });
    if let Some(requests) = level {
        v["spec"]["resources"] = json!({ "requests": requests });
    }
    PodRow::from_slim(&serde_json::from_value::<SlimPod>(v).unwrap_or_default())
}

fn cpu_use(millis: i64) -> CpuMem {
    CpuMem {
        cpu_millis: Some(millis),
        memory_bytes: Some(32 << 20),
    }
}

/// app uses 300m, log 200m.
fn reading() -> Vec<(String, CpuMem)> {
    vec![("app".into(), cpu_use(300)), ("log".into(), cpu_use(200))]
}

fn metric(container: Option<&str>) -> HpaMetric {
    HpaMetric {
        resource: "cpu".into(),
        container: container.map(str::to_string),
        target_utilization: 80,
        current_utilization: None,
    }
}

fn policy(metrics: Vec<HpaMetric>) -> ClusterPolicy {
    ClusterPolicy {
        hpas: vec![HpaInfo {
            namespace: "ns".into(),
            name: "web".into(),
            target_kind: "Deployment".into(),
            target_name: "web".into(),
            min_replicas: 1,
            max_replicas: 20,
            current_replicas: 4,
            metrics,
        }],
        ..Default::default()
    }
}

/// app's request to `millis`, the rest as it is.
fn app_to(row: &PodRow, millis: i64) -> ResourceSpec {
    let mut spec = row.containers[0].desired;
    spec.requests.cpu_millis = Some(millis);
    spec
}

fn effects(metrics: Vec<HpaMetric>, reading: &[(String, CpuMem)]) -> Vec<HpaEffect> {
    let row = two_containers();
    let spec = app_to(&row, 200);
    let change = Change {
        row: &row,
        container: "app",
        new_spec: &spec,
        usage: Some(reading),
    };
    preflight(&policy(metrics), change, Some(("Deployment", "web"))).hpa
}

#[test]
fn a_resource_metric_measures_every_container_of_the_pod_and_a_container_metric_one() {
    assert_eq!(hpa_metric_use(&metric(None), &reading()), Some(500));
    assert_eq!(hpa_metric_use(&metric(Some("app")), &reading()), Some(300));
    assert_eq!(hpa_metric_use(&metric(Some("log")), &reading()), Some(200));
    // Memory is read from the same reading.
    let memory = HpaMetric {
        resource: "memory".into(),
        ..metric(None)
    };
    assert_eq!(hpa_metric_use(&memory, &reading()), Some(64 << 20));
}

#[test]
fn no_figure_where_the_hpa_would_have_none() {
    // No reading at all, a container the reading lacks, a container without the resource
    // (the controller leaves such a pod out rather than count it as zero).
    assert_eq!(hpa_metric_use(&metric(None), &[]), None);
    assert_eq!(hpa_metric_use(&metric(Some("gone")), &reading()), None);
    let partial = vec![
        ("app".to_string(), cpu_use(300)),
        (
            "log".to_string(),
            CpuMem {
                cpu_millis: None,
                memory_bytes: Some(1),
            },
        ),
    ];
    assert_eq!(hpa_metric_use(&metric(None), &partial), None);
    assert_eq!(hpa_metric_use(&metric(Some("app")), &partial), Some(300));
}

#[test]
fn a_resource_metric_on_a_two_container_pod_divides_the_sum_by_the_sum() {
    // 500m of 500m is 100 %; app 400m → 200m leaves 300m requested: 167 %.
    // ceil(4 × 166.7 / 80) = 9.
    let got = effects(vec![metric(None)], &reading());
    let e = got.first().expect("the HPA answers");
    assert_eq!((e.before, e.after), (100, 167));
    assert_eq!(e.container, None);
    assert_eq!(e.replicas_after, 9);
}

#[test]
fn a_container_metric_divides_that_containers_use_by_its_own_request() {
    // app: 300m of 400m is 75 %, of 200m 150 %: ceil(4 × 150 / 80) = 8.
    let got = effects(vec![metric(Some("app"))], &reading());
    let e = got.first().expect("the HPA answers");
    assert_eq!((e.before, e.after), (75, 150));
    assert_eq!(e.container.as_deref(), Some("app"));
    assert_eq!(e.replicas_after, 8);
    assert!(
        e.describe().contains("cpu utilisation of container app"),
        "{}",
        e.describe()
    );
    // A metric on the other container does not see app's request change.
    assert!(effects(vec![metric(Some("log"))], &reading()).is_empty());
}

#[test]
fn the_hpas_own_figure_is_preferred_to_the_reading() {
    let reported = HpaMetric {
        current_utilization: Some(40),
        ..metric(None)
    };
    let got = effects(vec![reported.clone()], &reading());
    assert_eq!(got.first().map(|e| (e.before, e.after)), Some((40, 67)));
    // With a figure of its own, the HPA needs no reading.
    assert_eq!(effects(vec![reported], &[]).len(), 1);
    assert!(effects(vec![metric(None)], &[]).is_empty());
}

fn effects_on(row: &PodRow, metrics: Vec<HpaMetric>) -> Vec<HpaEffect> {
    let spec = app_to(row, 200);
    let change = Change {
        row,
        container: "app",
        new_spec: &spec,
        usage: Some(&reading()),
    };
    preflight(&policy(metrics), change, Some(("Deployment", "web"))).hpa
}

#[test]
fn a_resource_metric_on_a_pod_with_a_pod_level_request_divides_by_that_request() {
    let row = pod_of(Some(json!({"cpu": "1", "memory": "256Mi"})));
    assert_eq!(metric_request(&row, &metric(None), ("", None)), Some(1000));
    // A container's new request leaves the pod-level one, so the HPA does not see it.
    assert_eq!(
        metric_request(&row, &metric(None), ("app", Some(200))),
        Some(1000)
    );
    assert!(effects_on(&row, vec![metric(None)]).is_empty());
    // The same pod without pod-level requests: the containers' 500m, and app's change shows.
    let plain = two_containers();
    assert_eq!(metric_request(&plain, &metric(None), ("", None)), Some(500));
    assert_eq!(effects_on(&plain, vec![metric(None)]).len(), 1);
}

#[test]
fn a_resource_the_pod_level_requests_leave_out_is_still_the_containers_sum() {
    // Only cpu at pod level: a memory metric divides by the containers' 64Mi + 64Mi.
    let row = pod_of(Some(json!({"cpu": "1"})));
    let memory = HpaMetric {
        resource: "memory".into(),
        ..metric(None)
    };
    assert_eq!(metric_request(&row, &memory, ("", None)), Some(128 << 20));
    assert_eq!(metric_request(&row, &metric(None), ("", None)), Some(1000));
}

#[test]
fn a_container_metric_on_a_pod_with_pod_level_requests_keeps_its_containers_request() {
    // The container named by the HPA takes precedence over the pod-level request.
    let row = pod_of(Some(json!({"cpu": "1"})));
    let got = effects_on(&row, vec![metric(Some("app"))]);
    let e = got.first().expect("the HPA answers");
    assert_eq!((e.before, e.after, e.replicas_after), (75, 150, 8));
}
