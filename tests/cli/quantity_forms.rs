//! Issue #30 point 3: quantities in the server's own form (resize-api.md §7, canonical form).
//! A value the server holds is shown as it holds it, a typed one is sent as typed, and a
//! relative edit computes on the exact value and comes to the next whole millicore (nothing
//! finer than 1m is allowed): `x2` on `100u` is `1m`, not `2m` (doubling the rounded value).
//! kubectl, an independent client, reads back what the server stored.

use crate::common::sim_http as sim;
use simcluster::{SimCluster, SimConfig};
use std::time::Duration;

async fn cluster() -> (SimCluster, tempfile::TempDir, String) {
    let cluster = SimCluster::start(SimConfig {
        kubelet_delay: Duration::from_millis(50),
        ..SimConfig::empty()
    })
    .await
    .unwrap();
    cluster
        .create_pod(sim::pod(
            "odd-forms",
            vec![sim::container(
                "app",
                &[("cpu", "100u"), ("memory", "512M")],
                &[("cpu", "1"), ("memory", "1G")],
                false,
            )],
        ))
        .unwrap();
    let (dir, kubeconfig) = sim::kubeconfig_when_running(&cluster, "odd-forms").await;
    (cluster, dir, kubeconfig)
}

fn stored(cluster: &SimCluster, side: &str, key: &str) -> String {
    let pod = cluster.pod("default", "odd-forms").unwrap();
    let resources = pod.spec.unwrap().containers[0].resources.clone().unwrap();
    let map = if side == "requests" {
        resources.requests
    } else {
        resources.limits
    };
    map.unwrap()[key].0.clone()
}

#[tokio::test(flavor = "multi_thread")]
async fn doubling_a_sub_millicore_request_sends_the_next_whole_millicore() {
    let (cluster, _dir, kubeconfig) = cluster().await;
    let (code, out, err) = sim::run_podsize(
        &kubeconfig,
        &["resize", "odd-forms", "--cpu-request", "x2", "-o", "json"],
    )
    .await;
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let requests = &v["patch"]["spec"]["containers"][0]["resources"]["requests"];
    assert_eq!(requests["cpu"], "1m", "{out}");
    assert!(requests.get("memory").is_none(), "512M is unchanged: {out}");
    assert_eq!(stored(&cluster, "requests", "cpu"), "1m");
    assert_eq!(stored(&cluster, "requests", "memory"), "512M");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_report_shows_values_as_the_server_holds_them_and_sends_them_as_typed() {
    let (cluster, _dir, kubeconfig) = cluster().await;
    let (code, out, err) = sim::run_podsize(
        &kubeconfig,
        &[
            "resize",
            "odd-forms",
            "--memory-request",
            "1G",
            "--memory-limit",
            "x2",
            "--dry-run",
        ],
    )
    .await;
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("cpu request:     100u (unchanged)"), "{out}");
    assert!(out.contains("memory request:  512M → 1G"), "{out}");
    assert!(out.contains("memory limit:    1G → 2G"), "{out}");
    assert!(!out.contains("Ki"), "no value rewritten in Ki: {out}");
    assert!(out.contains(r#""memory":"1G""#), "{out}");
    // A dry run changes nothing.
    assert_eq!(stored(&cluster, "requests", "memory"), "512M");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_boost_keeps_the_typed_form() {
    let (cluster, _dir, kubeconfig) = cluster().await;
    let (code, out, err) = sim::run_podsize(
        &kubeconfig,
        &[
            "boost",
            "odd-forms",
            "--memory",
            "800M",
            "--for",
            "10m",
            "-o",
            "json",
        ],
    )
    .await;
    assert_eq!(code, 0, "{err}");
    // The plan a person reads: both values as the server holds or was told them.
    assert!(err.contains("from cpu 100u/1 memory 512M/1G"), "{err}");
    assert!(err.contains("to   cpu 100u/1 memory 800M/"), "{err}");
    assert!(!err.contains("Ki"), "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let requests = &v["patch"]["spec"]["containers"][0]["resources"]["requests"];
    assert_eq!(requests["memory"], "800M", "{out}");
    assert_eq!(stored(&cluster, "requests", "memory"), "800M");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_boost_is_reverted_to_the_values_in_the_form_the_server_held() {
    let (cluster, _dir, kubeconfig) = cluster().await;
    let (code, out, err) = sim::run_podsize(
        &kubeconfig,
        &[
            "boost",
            "odd-forms",
            "--memory",
            "800M",
            "--for",
            "2s",
            "--wait",
            "-o",
            "json",
        ],
    )
    .await;
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let annotation = v["annotation"].as_str().unwrap_or_default();
    assert!(
        annotation.contains(r#""original":{"cpuRequest":"100u","cpuLimit":"1","memoryRequest":"512M","memoryLimit":"1G"}"#),
        "{annotation}"
    );
    // Put back as it was: 512M and 1G, not 500000Ki and 1000000000; 100u never touched.
    assert_eq!(stored(&cluster, "requests", "memory"), "512M");
    assert_eq!(stored(&cluster, "limits", "memory"), "1G");
    assert_eq!(stored(&cluster, "requests", "cpu"), "100u");
}

#[tokio::test(flavor = "multi_thread")]
async fn get_shows_the_values_as_kubectl_does() {
    let (_cluster, _dir, kubeconfig) = cluster().await;
    let (code, out, err) = sim::run_podsize(&kubeconfig, &["get"]).await;
    assert_eq!(code, 0, "{err}");
    let row = out
        .lines()
        .find(|l| l.contains("odd-forms"))
        .unwrap_or_default();
    assert!(row.contains("100u/100u/100u"), "{out}");
    assert!(row.contains("512M/512M/512M"), "{out}");
    assert!(row.contains("1G/1G"), "{out}");
}
