//! Right-sizing that deserves trust, against the simulated cluster over real HTTP (issue #26):
//! - no recommendation, whatever its source, is below what kubectl reads from metrics.k8s.io;
//! - a VPA target far below use (the demo's `7m`/`16Mi` case) is shown and not applied:
//!   `resize --recommended` refuses with the reason and the pod is left as it was;
//! - a sim started seconds ago has one reading per container: no decrease patch is offered,
//!   and the JSON says what history it has and what a decrease needs.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::sim_http::{kubeconfig_of, run_podsize};

use k8s_openapi::api::core::v1::Pod;
use kube::api::Api;
use serde_json::{Value, json};
use simcluster::{Identity, SimCluster, SimConfig};
use std::collections::HashMap;
use std::time::Duration;

const KUBECTL: &str = "/usr/bin/kubectl";

async fn sim() -> (SimCluster, tempfile::TempDir, String) {
    let sim = SimCluster::start(SimConfig {
        pods: 60,
        nodes: 4,
        namespaces: 3,
        vpa: true,
        // kubectl authenticates with the token the TLS kubeconfig carries.
        tls: true,
        kubelet_delay: Duration::from_millis(20),
        ..SimConfig::default()
    })
    .await
    .unwrap();
    let (dir, path) = kubeconfig_of(&sim);
    (sim, dir, path)
}

/// metrics.k8s.io quantities: `123456789n`, `250m`, `2` cores; `1234Ki`, `12Mi`, bytes.
fn quantity(text: &str) -> f64 {
    let units = [
        ("n", 1e-9),
        ("u", 1e-6),
        ("m", 1e-3),
        ("Ki", 1024.0),
        ("Mi", 1024.0 * 1024.0),
        ("Gi", 1024.0 * 1024.0 * 1024.0),
    ];
    for (suffix, scale) in units {
        if let Some(n) = text.strip_suffix(suffix) {
            return n.parse::<f64>().unwrap() * scale;
        }
    }
    text.parse().unwrap()
}

/// What each container uses now as kubectl reads it: (millicores, bytes) per (ns, pod, c).
async fn kubectl_usage(
    kubeconfig: &str,
    home: &std::path::Path,
) -> HashMap<(String, String, String), (f64, f64)> {
    let out = tokio::process::Command::new(KUBECTL)
        .args(["--kubeconfig", kubeconfig])
        .args(["get", "--raw", "/apis/metrics.k8s.io/v1beta1/pods"])
        .env("HOME", home)
        .output()
        .await
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let list: Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut found = HashMap::new();
    for item in list["items"].as_array().unwrap() {
        let ns = item["metadata"]["namespace"].as_str().unwrap();
        let pod = item["metadata"]["name"].as_str().unwrap();
        for c in item["containers"].as_array().unwrap() {
            let key = (ns.into(), pod.into(), c["name"].as_str().unwrap().into());
            let cpu = quantity(c["usage"]["cpu"].as_str().unwrap()) * 1000.0;
            let mem = quantity(c["usage"]["memory"].as_str().unwrap());
            found.insert(key, (cpu, mem));
        }
    }
    found
}

fn request(row: &Value, resource: &str, unit: &str) -> Option<f64> {
    row[resource]["request"][unit].as_f64()
}

#[tokio::test(flavor = "multi_thread")]
async fn no_recommendation_is_below_use_and_a_vpa_target_below_it_is_refused() {
    if !std::path::Path::new(KUBECTL).exists() {
        eprintln!("skipping: {KUBECTL} not installed");
        return;
    }
    let (sim, dir, kubeconfig) = sim().await;
    let admin = sim.client(Identity::Admin).await.unwrap();
    // One VPA's target becomes the demo's case: far below what its pods use.
    let store = &sim.api().store;
    let mut vpa = (*store.all::<simcluster::vpa::VerticalPodAutoscaler>(None)[0]).clone();
    let deployment = vpa.spec["targetRef"]["name"].as_str().unwrap().to_string();
    let ns = vpa.metadata.namespace.clone().unwrap();
    for c in vpa.status["recommendation"]["containerRecommendations"]
        .as_array_mut()
        .unwrap()
    {
        c["target"] = json!({"cpu": "7m", "memory": "16Mi"});
    }
    store.upsert(vpa);
    let before = kubectl_usage(&kubeconfig, dir.path()).await;
    let (code, stdout, stderr) = run_podsize(&kubeconfig, &["recommend", "-A", "-o", "json"]).await;
    assert_eq!(code, 0, "{stderr}");
    let after = kubectl_usage(&kubeconfig, dir.path()).await;
    let rows: Vec<Value> = serde_json::from_str(&stdout).unwrap();
    let (mut checked, mut below_vpa) = (0, Vec::new());
    for row in &rows {
        let key = (
            row["namespace"].as_str().unwrap().to_string(),
            row["pod"].as_str().unwrap().to_string(),
            row["container"].as_str().unwrap().to_string(),
        );
        let (Some(a), Some(b)) = (before.get(&key), after.get(&key)) else {
            continue;
        };
        // Usage moves between the reads: the lower of kubectl's two readings is the bar.
        let (cpu, mem) = (a.0.min(b.0), a.1.min(b.1));
        let rec = &row["recommendation"];
        for (res, unit, used) in [("cpu", "millicores", cpu), ("memory", "bytes", mem)] {
            if request(&row["current"], res, unit).is_some_and(|r| r > 0.0) {
                let new = request(rec, res, unit).unwrap();
                assert!(
                    new >= used.floor(),
                    "{key:?} {res}: {new} < use {used}: {row}"
                );
                checked += 1;
            }
        }
        if row["vpa"]["targetRef"]["name"] == deployment.as_str() && row["namespace"] == ns.as_str()
        {
            below_vpa.push(row.clone());
        }
    }
    assert!(checked > 20, "{checked}");
    // The VPA below use: shown, not applied, and `resize --recommended` sends nothing.
    let row = below_vpa
        .iter()
        .find(|r| r["patch"].is_null())
        .unwrap_or_else(|| {
            panic!("a container of {deployment} with nothing to send: {below_vpa:?}")
        });
    let reason = row["reason"].as_str().unwrap();
    assert!(
        reason.contains("VPA target 16Mi is below the observed peak"),
        "{reason}"
    );
    let (pod, container) = (
        row["pod"].as_str().unwrap(),
        row["container"].as_str().unwrap(),
    );
    let pods: Api<Pod> = Api::namespaced(admin, &ns);
    let spec_before = pods.get(pod).await.unwrap().spec;
    let args = [
        "resize",
        pod,
        "-n",
        &ns,
        "-c",
        container,
        "--recommended",
        "--wait=5s",
    ];
    let (code, _, stderr) = run_podsize(&kubeconfig, &args).await;
    assert_ne!(code, 0, "{stderr}");
    assert!(stderr.contains("not sent"), "{stderr}");
    assert!(
        stderr.contains("VPA target 16Mi is below the observed peak"),
        "{stderr}"
    );
    assert_eq!(
        pods.get(pod).await.unwrap().spec,
        spec_before,
        "nothing was sent"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_sim_started_seconds_ago_gets_no_decrease_patch() {
    let (_sim, _dir, kubeconfig) = sim().await;
    let (code, stdout, stderr) = run_podsize(&kubeconfig, &["recommend", "-A", "-o", "json"]).await;
    assert_eq!(code, 0, "{stderr}");
    let rows: Vec<Value> = serde_json::from_str(&stdout).unwrap();
    let mut held = 0;
    for row in &rows {
        for (res, unit) in [("cpu", "millicores"), ("memory", "bytes")] {
            let (now, new) = (
                request(&row["current"], res, unit),
                request(&row["recommendation"], res, unit),
            );
            if let (Some(now), Some(new)) = (now, new) {
                assert!(new >= now, "a decrease was offered: {row}");
            }
        }
        // A held decrease with nothing else to change offers no patch (a raise of the other
        // resource may still go ahead on one reading).
        if row["held"] == true && row["changed"] == false {
            held += 1;
            assert_eq!(row["applicable"], false, "{row}");
            assert!(row["patch"].is_null(), "{row}");
            let h = &row["history"];
            assert_eq!(h["neededSeconds"], 86_400, "{row}");
            assert_eq!(h["neededSamples"], 100, "{row}");
            assert_eq!(h["enoughToShrink"], false, "{row}");
            assert!(h["samples"].as_u64().unwrap() < 100, "{row}");
            let reason = row["reason"].as_str().unwrap();
            assert!(
                reason.contains("not enough history to shrink (covers "),
                "{reason}"
            );
        }
    }
    // The sim's over-provisioned containers want less: they are the ones held.
    assert!(held > 0, "{rows:?}");
}
