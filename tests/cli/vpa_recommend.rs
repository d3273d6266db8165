//! VPAs and ReplicaSets in the simulated cluster, read over real HTTP (issue #12):
//! - `podsize recommend -A -o json` takes a covered container's VPA target as its source and
//!   says so in the reason; a pod whose Deployment has no VPA (or that has no Deployment) falls
//!   back to the other sources. The expected matching is worked out here from the API itself
//!   (pods → ReplicaSet → Deployment → VPA targetRef), not from podsize's code.
//! - kubectl, an independent client, lists the VPAs and ReplicaSets (`get vpa -A`, `get rs -A`).
//! - podsize's VPA watch sees every VPA the sim serves.
//!
//! The sim's ReplicaSets rest on real-apiserver-facts.md (third round: ReplicaSets are served
//! by the API server alone, listed by label, read one by one); its VPA objects follow the CRD
//! (kubernetes/autoscaler vertical-pod-autoscaler/deploy/vpa-v1-crd-gen.yaml), and kubectl's
//! Table of them shows the CRD's printer columns (MODE, CPU, MEM, PROVIDED, AGE).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::sim_http as sim_common;

use k8s_openapi::api::apps::v1::ReplicaSet;
use k8s_openapi::api::core::v1::Pod;
use kube::api::{Api, ApiResource, DynamicObject, ListParams};
use serde_json::Value;
use simcluster::{Identity, SimCluster, SimConfig};
use std::collections::HashMap;
use std::time::Duration;

async fn vpa_sim(tls: bool) -> SimCluster {
    SimCluster::start(SimConfig {
        pods: 80,
        nodes: 4,
        namespaces: 3,
        vpa: true,
        tls,
        kubelet_delay: Duration::from_millis(20),
        ..SimConfig::default()
    })
    .await
    .unwrap()
}

fn vpa_resource() -> ApiResource {
    ApiResource {
        group: "autoscaling.k8s.io".into(),
        version: "v1".into(),
        api_version: "autoscaling.k8s.io/v1".into(),
        kind: "VerticalPodAutoscaler".into(),
        plural: "verticalpodautoscalers".into(),
    }
}

/// `250m` → 250; `1` → 1000 (the sim writes millicores).
fn millis(text: &str) -> i64 {
    match text.strip_suffix('m') {
        Some(m) => m.parse().unwrap(),
        None => text.parse::<i64>().unwrap() * 1000,
    }
}

/// For every pod: the VPA that covers it, found by walking the owner chain through the API.
async fn expected_vpas(client: &kube::Client) -> HashMap<(String, String), (String, Value)> {
    let vpas: Api<DynamicObject> = Api::all_with(client.clone(), &vpa_resource());
    let vpas = vpas.list(&ListParams::default()).await.unwrap().items;
    let sets: Api<ReplicaSet> = Api::all(client.clone());
    let sets = sets.list(&ListParams::default()).await.unwrap().items;
    let pods: Api<Pod> = Api::all(client.clone());
    let mut out = HashMap::new();
    for pod in pods.list(&ListParams::default()).await.unwrap().items {
        let ns = pod.metadata.namespace.clone().unwrap();
        let owner = pod
            .metadata
            .owner_references
            .iter()
            .flatten()
            .find(|o| o.controller == Some(true));
        let Some(owner) = owner.filter(|o| o.kind == "ReplicaSet") else {
            continue;
        };
        let rs = sets.iter().find(|r| {
            r.metadata.namespace.as_deref() == Some(&ns)
                && r.metadata.name.as_deref() == Some(&owner.name)
        });
        let rs = rs.expect("every pod's ReplicaSet is served");
        assert_eq!(
            rs.metadata.uid.as_deref(),
            Some(owner.uid.as_str()),
            "owner uid"
        );
        let deploy = rs
            .metadata
            .owner_references
            .iter()
            .flatten()
            .find(|o| o.kind == "Deployment")
            .unwrap();
        let vpa = vpas.iter().find(|v| {
            v.metadata.namespace.as_deref() == Some(&ns)
                && v.data["spec"]["targetRef"]["kind"] == "Deployment"
                && v.data["spec"]["targetRef"]["name"] == deploy.name.as_str()
        });
        if let Some(v) = vpa {
            let name = v.metadata.name.clone().unwrap();
            out.insert(
                (ns, pod.metadata.name.clone().unwrap()),
                (name, v.data.clone()),
            );
        }
    }
    out
}

#[tokio::test]
async fn recommend_takes_the_vpa_target_and_falls_back_without_one() {
    let sim = vpa_sim(false).await;
    let client = sim.client(Identity::Admin).await.unwrap();
    let (_dir, kubeconfig) = sim_common::kubeconfig_of(&sim);
    let expected = expected_vpas(&client).await;
    let (code, stdout, stderr) =
        sim_common::run_podsize(&kubeconfig, &["recommend", "-A", "-o", "json"]).await;
    assert_eq!(code, 0, "{stderr}");
    let rows: Vec<Value> = serde_json::from_str(&stdout).unwrap();
    let (mut covered, mut fallback, mut with_request) = (0, 0, 0);
    for row in &rows {
        let key = (
            row["namespace"].as_str().unwrap().to_string(),
            row["pod"].as_str().unwrap().to_string(),
        );
        let container = row["container"].as_str().unwrap();
        let rec = expected.get(&key).and_then(|(name, v)| {
            v["status"]["recommendation"]["containerRecommendations"]
                .as_array()
                .unwrap()
                .iter()
                .find(|c| c["containerName"] == container)
                .map(|c| (name, v, c.clone()))
        });
        match rec {
            Some((name, vpa, c)) => {
                covered += 1;
                assert_eq!(row["source"]["name"], "vpa", "{row}");
                assert_eq!(row["source"]["vpa"]["name"], name.as_str(), "{row}");
                assert_eq!(
                    row["vpa"]["updateMode"], vpa["spec"]["updatePolicy"]["updateMode"],
                    "{row}"
                );
                let cpu = millis(c["target"]["cpu"].as_str().unwrap());
                assert_eq!(row["vpa"]["target"]["cpu"]["millicores"], cpu, "{row}");
                let low = millis(c["lowerBound"]["cpu"].as_str().unwrap());
                assert_eq!(row["vpa"]["lowerBound"]["cpu"]["millicores"], low, "{row}");
                let mem: i64 = c["target"]["memory"].as_str().unwrap().parse().unwrap();
                assert_eq!(row["vpa"]["target"]["memory"]["bytes"], mem, "{row}");
                // A resource without a request is left alone (adding one could change the QoS
                // class), and its reason says that instead.
                let reason = row["reason"].as_str().unwrap();
                if !row["current"]["cpu"]["request"].is_null() {
                    with_request += 1;
                    assert!(reason.contains("cpu: VPA target"), "{reason}");
                }
            }
            None => {
                fallback += 1;
                assert_ne!(row["source"]["name"], "vpa", "{row}");
                assert!(row["vpa"].is_null(), "{row}");
                assert!(
                    !row["reason"].as_str().unwrap_or("").contains("VPA"),
                    "{row}"
                );
            }
        }
    }
    assert!(
        covered > 0 && fallback > 0 && with_request > 0,
        "covered {covered} ({with_request} with a cpu request), fallback {fallback}"
    );
}

#[tokio::test]
async fn podsize_watch_sees_every_vpa_and_discovery_lists_the_group() {
    let sim = vpa_sim(false).await;
    let client = sim.client(Identity::Admin).await.unwrap();
    assert!(podsize::cluster::vpa::served(&client).await.unwrap());
    let raw: Api<DynamicObject> = Api::all_with(client.clone(), &vpa_resource());
    let count = raw.list(&ListParams::default()).await.unwrap().items.len();
    assert!(count > 0);
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let task = tokio::spawn(podsize::cluster::vpa::watch(
        client.clone(),
        podsize::model::pods::events::Scope::default(),
        tx,
    ));
    let first = tokio::time::timeout(Duration::from_secs(20), rx.recv())
        .await
        .unwrap()
        .unwrap();
    match first {
        podsize::cluster::vpa::VpaEvent::All(list) => {
            assert_eq!(list.len(), count);
            assert!(
                list.iter()
                    .all(|v| v.target.kind == "Deployment" && !v.containers.is_empty())
            );
        }
        other => panic!("expected the initial list, got {other:?}"),
    }
    task.abort();
    // A cluster without the CRD: discovery does not list the group.
    let plain = SimCluster::start(SimConfig::empty()).await.unwrap();
    let c = plain.client(Identity::Admin).await.unwrap();
    assert!(!podsize::cluster::vpa::served(&c).await.unwrap());
}

#[tokio::test]
async fn kubectl_lists_the_vpas_and_replicasets() {
    const KUBECTL: &str = "/usr/bin/kubectl";
    if !std::path::Path::new(KUBECTL).exists() {
        eprintln!("skipping: {KUBECTL} not installed");
        return;
    }
    let sim = vpa_sim(true).await;
    let (dir, kubeconfig) = sim_common::kubeconfig_of(&sim);
    let client = sim.client(Identity::Admin).await.unwrap();
    let vpas: Api<DynamicObject> = Api::all_with(client.clone(), &vpa_resource());
    let vpas = vpas.list(&ListParams::default()).await.unwrap().items;
    let sets: Api<ReplicaSet> = Api::all(client);
    let sets = sets.list(&ListParams::default()).await.unwrap().items;
    // kubectl runs beside the runtime, which keeps serving the sim meanwhile.
    let run = async |args: &[&str]| {
        let out = tokio::process::Command::new(KUBECTL)
            .arg("--kubeconfig")
            .arg(&kubeconfig)
            .args(args)
            .env("HOME", dir.path())
            .output()
            .await
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr).to_string();
        assert!(out.status.success(), "kubectl {args:?}: {stderr}");
        String::from_utf8_lossy(&out.stdout).to_string()
    };
    let out = run(&["get", "vpa", "-A"]).await;
    assert!(out.starts_with("NAMESPACE"), "{out}");
    assert!(out.contains("MODE"), "{out}");
    for v in &vpas {
        let name = v.metadata.name.as_deref().unwrap();
        let ns = v.metadata.namespace.as_deref().unwrap();
        let mode = v.data["spec"]["updatePolicy"]["updateMode"]
            .as_str()
            .unwrap();
        let line = out.lines().find(|l| {
            let mut cells = l.split_whitespace();
            cells.next() == Some(ns) && cells.next() == Some(name)
        });
        let line = line.unwrap_or_else(|| panic!("{name} missing from:\n{out}"));
        assert_eq!(line.split_whitespace().nth(2), Some(mode), "{line}");
    }
    let out = run(&["get", "rs", "-A"]).await;
    assert_eq!(out.lines().count(), sets.len() + 1, "{out}");
    let one = sets[0].metadata.name.as_deref().unwrap();
    let ns = sets[0].metadata.namespace.as_deref().unwrap();
    let json = run(&["get", "rs", one, "-n", ns, "-o", "json"]).await;
    let rs: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(rs["metadata"]["ownerReferences"][0]["kind"], "Deployment");
}
