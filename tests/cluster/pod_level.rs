//! Pod-level resources (resize-api.md §1.3, §2.6) over real HTTP against the simulated cluster:
//! shown and resized to Done on 1.35 (alpha gate on), 1.36 and 1.37; refused locally with the
//! real text on 1.32–1.34 with nothing sent; on 1.35 with the gate off, the server's message.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::sim_http as sim_common;

use serde_json::{Value, json};
use simcluster::{SimCluster, SimConfig};
use std::time::Duration;

struct Setup {
    sim: SimCluster,
    _dir: tempfile::TempDir,
    kubeconfig: String,
}

const GATE_OFF: &str = "resize of pods with pod-level resources is forbidden when InPlacePodLevelResourcesVerticalScalingEnabled feature gate is disabled";

async fn setup(minor: u32, gate: bool) -> Setup {
    let sim = SimCluster::start(SimConfig {
        minor,
        pod_level_resize: gate,
        kubelet_delay: Duration::from_millis(50),
        ..SimConfig::empty()
    })
    .await
    .unwrap();
    let pod = json!({
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": "pl", "namespace": "default"},
        "spec": {
            "resources": {"requests": {"cpu": "500m", "memory": "256Mi"},
                          "limits": {"cpu": "1", "memory": "512Mi"}},
            "containers": [{"name": "app", "image": "registry.example.com/app:1",
                            "resources": {"requests": {"cpu": "100m", "memory": "64Mi"}}}],
        },
    });
    sim.create_pod(serde_json::from_value(pod).unwrap())
        .unwrap();
    let (dir, kubeconfig) = sim_common::kubeconfig_when_running(&sim, "pl").await;
    Setup {
        sim,
        _dir: dir,
        kubeconfig,
    }
}

async fn podsize(s: &Setup, args: &[&str]) -> (i32, String, String) {
    sim_common::run_podsize(&s.kubeconfig, args).await
}

const RESIZE: &[&str] = &[
    "resize",
    "pl",
    "--pod-level",
    "--cpu-limit",
    "2",
    "--wait",
    "10s",
    "-o",
    "json",
];

async fn pod_resources(s: &Setup) -> Value {
    let (code, out, err) = podsize(s, &["get", "-o", "json"]).await;
    assert_eq!(code, 0, "{err}");
    let rows: Value = serde_json::from_str(&out).unwrap();
    rows[0]["podResources"].clone()
}

fn patches(s: &Setup) -> Vec<(String, u16)> {
    s.sim
        .request_log()
        .into_iter()
        .filter(|r| r.method == "PATCH")
        .map(|r| (r.uri, r.status))
        .collect()
}

async fn resized_to_done(minor: u32, gate: bool) {
    let s = setup(minor, gate).await;
    let before = pod_resources(&s).await;
    assert_eq!(
        before["cpu"]["limit"]["desired"]["quantity"], "1",
        "{before}"
    );
    assert_eq!(before["cpu"]["request"]["desired"]["quantity"], "500m");
    assert_eq!(before["cpu"]["request"]["allocated"]["quantity"], "500m");
    assert_eq!(before["cpu"]["limit"]["actual"]["quantity"], "1");
    assert_eq!(before["state"], "None");
    let (code, out, err) = podsize(&s, RESIZE).await;
    assert_eq!(code, 0, "1.{minor}: {err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["outcome"], "Done", "1.{minor}: {out}");
    assert_eq!(
        v["patch"],
        json!({"spec": {"resources": {"limits": {"cpu": "2"}}}})
    );
    assert!(
        patches(&s)
            .iter()
            .any(|(uri, status)| uri.contains("/pods/pl/resize") && *status == 200),
        "{:?}",
        patches(&s)
    );
    let after = pod_resources(&s).await;
    assert_eq!(after["cpu"]["limit"]["desired"]["quantity"], "2", "{after}");
    assert_eq!(after["cpu"]["limit"]["actual"]["quantity"], "2", "{after}");
    assert_eq!(after["state"], "None");
    let stored = s.sim.pod("default", "pl").unwrap();
    let status = stored.status.unwrap();
    assert_eq!(status.resources.unwrap().limits.unwrap()["cpu"].0, "2");
}

#[tokio::test(flavor = "multi_thread")]
async fn resized_to_done_on_1_35_with_the_gate_on() {
    resized_to_done(35, true).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn resized_to_done_on_1_36() {
    resized_to_done(36, false).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn resized_to_done_on_1_37() {
    resized_to_done(37, false).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn refused_locally_on_1_32_to_1_34_and_nothing_sent() {
    for minor in 32..=34 {
        let s = setup(minor, false).await;
        let shown = pod_resources(&s).await;
        assert_eq!(shown["cpu"]["limit"]["desired"]["quantity"], "1", "{shown}");
        // No pod-level status before 1.35 (§2.6).
        assert_eq!(shown["cpu"]["limit"]["actual"], Value::Null);
        let (code, _, err) = podsize(&s, RESIZE).await;
        assert_eq!(code, 1, "1.{minor}: {err}");
        assert!(
            err.contains("not sent: pods with pod-level resources cannot be resized"),
            "1.{minor}: {err}"
        );
        assert!(patches(&s).is_empty(), "1.{minor}: {:?}", patches(&s));
        // A container resize of such a pod is refused the same way.
        let (code, _, err) = podsize(&s, &["resize", "pl", "--cpu-request", "200m"]).await;
        assert_eq!(code, 1, "{err}");
        assert!(err.contains("pods with pod-level resources cannot be resized"));
        assert!(patches(&s).is_empty());
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn gate_off_on_1_35_shows_the_servers_message_verbatim() {
    let s = setup(35, false).await;
    let (code, _, err) = podsize(&s, RESIZE).await;
    assert_eq!(code, 1, "{err}");
    assert!(err.contains(GATE_OFF), "{err}");
    let sent = patches(&s);
    assert!(
        sent.iter()
            .any(|(uri, status)| uri.contains("/pods/pl/resize") && *status == 422),
        "{sent:?}"
    );
    assert!(sent.iter().all(|(_, status)| *status == 422), "{sent:?}");
    let desired = pod_resources(&s).await;
    assert_eq!(desired["cpu"]["limit"]["desired"]["quantity"], "1");
}

#[tokio::test(flavor = "multi_thread")]
async fn generated_workload_has_pod_level_pods_from_1_34() {
    for (minor, expected) in [(33, false), (34, true), (36, true)] {
        let sim = SimCluster::start(SimConfig {
            minor,
            pods: 40,
            ..SimConfig::default()
        })
        .await
        .unwrap();
        let has = sim
            .pods()
            .iter()
            .any(|p| p.spec.as_ref().is_some_and(|s| s.resources.is_some()));
        assert_eq!(has, expected, "1.{minor}");
    }
}
