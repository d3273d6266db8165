//! `podsize recommend --verify` (issue 27, item 7): for every changed record, `applicable`
//! equals the verdict of a server dry run of the same values, sent here by the test's own
//! client (the recommended values as a strategic merge patch to `pods/NAME/resize`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::sim_http as sim_common;
use k8s_openapi::api::core::v1::Pod;
use kube::Api;
use kube::api::{Patch, PatchParams};
use serde_json::{Map, Value, json};
use simcluster::{Identity, SimCluster, SimConfig};
use std::time::Duration;

/// The record's recommended values for its container, every key that has one.
fn patch_of(row: &Value) -> Value {
    let mut requests = Map::new();
    let mut limits = Map::new();
    for resource in ["cpu", "memory"] {
        let values = &row["recommendation"][resource];
        if let Some(q) = values["request"]["quantity"].as_str() {
            requests.insert(resource.into(), json!(q));
        }
        if let Some(q) = values["limit"]["quantity"].as_str() {
            limits.insert(resource.into(), json!(q));
        }
    }
    json!({"spec": {"containers": [{"name": row["container"], "resources": {"requests": requests, "limits": limits}}]}})
}

/// (accepted, refused) over the changed records of one cluster, each checked against the
/// server's own dry run.
async fn check(minor: u32, pod_level_resize: bool) -> (u32, u32) {
    let sim = SimCluster::start(SimConfig {
        minor,
        pod_level_resize,
        pods: 40,
        nodes: 3,
        namespaces: 2,
        vpa: true,
        kubelet_delay: Duration::from_millis(20),
        ..SimConfig::default()
    })
    .await
    .unwrap();
    let client = sim.client(Identity::Admin).await.unwrap();
    let (dir, kubeconfig) = sim_common::kubeconfig_of(&sim);
    // A sim started seconds ago has no history to shrink on (issue #26's gate): without the
    // gate, decreases are proposed too, so both verdicts of the server occur.
    let config = dir.path().join("config.toml");
    std::fs::write(&config, "[rightsizing]\nmin_history = \"1m\"\n").unwrap();
    let args = [
        "--config",
        config.to_str().unwrap(),
        "recommend",
        "-A",
        "--verify",
        "-o",
        "json",
    ];
    let (code, out, err) = sim_common::run_podsize(&kubeconfig, &args).await;
    assert_eq!(code, 0, "{err}");
    let rows: Vec<Value> = serde_json::from_str(&out).unwrap();
    let (mut accepted, mut refused) = (0, 0);
    let dry = PatchParams {
        dry_run: true,
        ..PatchParams::default()
    };
    for row in rows.iter().filter(|r| r["changed"] == true) {
        let (ns, name) = (
            row["namespace"].as_str().unwrap(),
            row["pod"].as_str().unwrap(),
        );
        let pods = Api::<Pod>::namespaced(client.clone(), ns);
        let pod = pods.get(name).await.unwrap();
        let regular = pod
            .spec
            .unwrap()
            .containers
            .iter()
            .any(|c| row["container"] == c.name.as_str());
        if !regular {
            continue; // a sidecar's patch goes to initContainers; not rebuilt here
        }
        let answer = pods
            .patch_subresource("resize", name, &dry, &Patch::Strategic(patch_of(row)))
            .await;
        assert_eq!(
            row["applicable"],
            answer.is_ok(),
            "1.{minor}: {row}\nserver: {answer:?}"
        );
        if let Err(kube::Error::Api(status)) = &answer {
            assert!(
                row["errors"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|e| e == status.message.as_str()),
                "{row}"
            );
            refused += 1;
        } else {
            accepted += 1;
        }
    }
    assert!(accepted > 0, "1.{minor}: nothing accepted");
    (accepted, refused)
}

// The versions: 1.33, 1.35 with the pod-level gate off, 1.36 with it on.
#[tokio::test(flavor = "multi_thread")]
async fn applicable_is_the_server_dry_runs_verdict() {
    let mut compared = 0;
    for (minor, gate) in [(33, false), (35, false), (36, true)] {
        let (accepted, refused) = check(minor, gate).await;
        compared += accepted + refused;
    }
    // Since the evidence gate (issue #26) a sim started seconds ago gets increases only, which
    // these servers accept; every record's `applicable` is still compared with the server.
    assert!(compared > 0, "no record was compared with the server");
}
