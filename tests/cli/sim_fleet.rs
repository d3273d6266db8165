//! Several simulated clusters from one command (`podsize sim --clusters N`) and in process
//! (`SimFleet`): one kubeconfig with a context per cluster, each reaching its own server.
//! kubectl is the independent client; its part is skipped with a reason when it is absent.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::sim_process::{self, KUBECTL, SimProcess};
use k8s_openapi::api::core::v1::Pod;
use kube::api::{Api, ListParams};
use kube::config::KubeConfigOptions;
use serde_json::Value;
use simcluster::fleet::{SimFleet, merged_kubeconfig};
use simcluster::{SimCluster, SimConfig};
use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

fn podsize(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_podsize"))
        .args(args)
        .output()
        .unwrap()
}

/// kubectl's stdout; its failure fails the test.
fn kubectl(kubeconfig: &Path, args: &[&str]) -> String {
    let out = sim_process::kubectl(kubeconfig, args);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "kubectl {args:?}: {stderr}");
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn kubectl_reaches_each_cluster_of_the_fleet_through_its_own_context() {
    if !Path::new(KUBECTL).exists() {
        eprintln!("skipping: {KUBECTL} not installed");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let kc = dir.path().join("fleet.kubeconfig");
    let kc_text = kc.to_str().unwrap();
    let sim = SimProcess::start(
        &[
            "sim",
            "--clusters",
            "3",
            "--pods",
            "40",
            "--nodes",
            "2",
            "--kubeconfig-out",
            kc_text,
        ],
        dir.path(),
    );
    let lines = &sim.lines;
    assert_eq!(
        lines.last().unwrap(),
        &format!("kubeconfig written to {kc_text} (contexts sim-1, sim-2, sim-3)")
    );
    // "simulated cluster sim-N v1.35 listening on URL", one line per cluster, in order.
    let urls: Vec<String> = (1..=3)
        .map(|i| {
            let prefix = format!("simulated cluster sim-{i} v1.35 listening on ");
            let line = lines.iter().find(|l| l.starts_with(&prefix));
            line.unwrap_or_else(|| panic!("no {prefix:?} in {lines:?}"))[prefix.len()..].into()
        })
        .collect();
    assert_eq!(urls.iter().collect::<BTreeSet<_>>().len(), 3, "{urls:?}");

    let contexts = kubectl(&kc, &["config", "get-contexts", "-o", "name"]);
    assert_eq!(
        contexts.lines().collect::<Vec<_>>(),
        ["sim-1", "sim-2", "sim-3"]
    );

    let mut name_sets = Vec::new();
    let mut uids = Vec::new();
    for (i, url) in urls.iter().enumerate() {
        let ctx = format!("sim-{}", i + 1);
        let server = kubectl(
            &kc,
            &[
                "config",
                "view",
                "--minify",
                "--context",
                &ctx,
                "-o",
                "jsonpath={.clusters[0].cluster.server}",
            ],
        );
        assert_eq!(&server, url, "{ctx}");
        let list: Value = serde_json::from_str(&kubectl(
            &kc,
            &["--context", &ctx, "get", "pods", "-A", "-o", "json"],
        ))
        .unwrap();
        let items = list["items"].as_array().unwrap();
        assert_eq!(items.len(), 40, "{ctx}");
        // Each cluster names its nodes after itself, so a pod shows which server answered.
        let node_prefix = format!("{ctx}-node-");
        for pod in items {
            let node = pod["spec"]["nodeName"].as_str().unwrap_or_default();
            assert!(node.starts_with(&node_prefix), "{ctx}: pod on {node}");
        }
        let names: BTreeSet<String> = items
            .iter()
            .map(|p| format!("{}/{}", p["metadata"]["namespace"], p["metadata"]["name"]))
            .collect();
        name_sets.push(names);
        uids.extend(
            items
                .iter()
                .map(|p| p["metadata"]["uid"].as_str().unwrap().to_string()),
        );
    }
    assert_ne!(name_sets[0], name_sets[1]);
    assert_ne!(name_sets[1], name_sets[2]);
    // Real uids are random: no two pods of the fleet share one, across clusters too.
    assert_eq!(uids.iter().collect::<BTreeSet<_>>().len(), 120, "{uids:?}");
}

#[test]
fn a_cluster_count_outside_1_to_16_is_refused() {
    for n in ["0", "99", "many"] {
        let out = podsize(&["sim", "--clusters", n]);
        assert!(!out.status.success(), "--clusters {n}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains(&format!("invalid value '{n}' for '--clusters <N>'")),
            "--clusters {n}: {err}"
        );
    }
    let err = String::from_utf8_lossy(&podsize(&["sim", "--clusters", "99"]).stderr).to_string();
    assert!(err.contains("99 is not in 1..=16"), "{err}");
}

#[test]
fn one_clusters_usage_is_refused_for_a_fleet() {
    let out = podsize(&["sim", "--clusters", "2", "--metrics-listen", "127.0.0.1:0"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(
        err.contains("--metrics-listen serves one cluster's usage"),
        "{err}"
    );
}

async fn client(kubeconfig: &kube::config::Kubeconfig, context: &str) -> kube::Client {
    let options = KubeConfigOptions {
        context: Some(context.into()),
        ..Default::default()
    };
    let config = kube::Config::from_custom_kubeconfig(kubeconfig.clone(), &options)
        .await
        .unwrap();
    kube::Client::try_from(config).unwrap()
}

/// Keys that stay fixed while a kubelet updates a pod's status.
fn keys(pods: impl IntoIterator<Item = Pod>) -> BTreeSet<(String, String, String)> {
    pods.into_iter()
        .map(|p| {
            let m = p.metadata;
            (
                m.namespace.unwrap_or_default(),
                m.name.unwrap_or_default(),
                m.uid.unwrap_or_default(),
            )
        })
        .collect()
}

async fn listed(client: &kube::Client) -> kube::Result<Vec<Pod>> {
    let pods: Api<Pod> = Api::all(client.clone());
    Ok(pods.list(&ListParams::default()).await?.items)
}

#[tokio::test]
async fn each_fleet_context_lists_its_own_clusters_pods_and_survives_the_others_stop() {
    let base = SimConfig {
        pods: 12,
        nodes: 2,
        namespaces: 3,
        ..SimConfig::empty()
    };
    let fleet = SimFleet::start(2, base).await.unwrap();
    assert_eq!(fleet.names(), ["sim-1", "sim-2"]);
    let kubeconfig = fleet.kubeconfig();
    assert_eq!(kubeconfig.current_context.as_deref(), Some("sim-1"));
    let contexts: Vec<&str> = kubeconfig
        .contexts
        .iter()
        .map(|c| c.name.as_str())
        .collect();
    assert_eq!(contexts, ["sim-1", "sim-2"], "no viewer contexts");

    let mut clients = Vec::new();
    for (name, sim) in fleet.clusters() {
        let client = client(&kubeconfig, name).await;
        let over_http = keys(listed(&client).await.unwrap());
        assert_eq!(over_http.len(), 12, "{name}");
        assert_eq!(over_http, keys(sim.pods()), "{name}");
        clients.push(client);
    }
    assert_ne!(
        keys(fleet.clusters()[0].1.pods()),
        keys(fleet.clusters()[1].1.pods())
    );

    fleet.get("sim-1").unwrap().stop().await;
    assert!(listed(&clients[0]).await.is_err(), "sim-1 still serves");
    let sim2 = fleet.get("sim-2").unwrap();
    assert_eq!(keys(listed(&clients[1]).await.unwrap()), keys(sim2.pods()));
    assert!(fleet.get("sim-3").is_none());
    fleet.stop().await;
}

#[tokio::test]
async fn a_merged_kubeconfig_joins_clusters_of_different_versions_and_schemes() {
    let old = SimCluster::start(SimConfig {
        minor: 32,
        tls: true,
        ..SimConfig::empty()
    })
    .await
    .unwrap();
    let new = SimCluster::start(SimConfig::empty()).await.unwrap();
    let kubeconfig = merged_kubeconfig(&[("old", &old), ("new", &new)]);
    assert_eq!(kubeconfig.current_context.as_deref(), Some("old"));
    for (context, sim, minor) in [("old", &old, "32"), ("new", &new, "35")] {
        let entry = kubeconfig
            .clusters
            .iter()
            .find(|c| c.name == context)
            .unwrap();
        let cluster = entry.cluster.as_ref().unwrap();
        assert_eq!(cluster.server.as_deref(), Some(sim.url().as_str()));
        // Only the TLS cluster carries its certificate; the client trusts it through the file.
        assert_eq!(
            cluster.certificate_authority_data.is_some(),
            sim.ca_pem().is_some()
        );
        let version = client(&kubeconfig, context)
            .await
            .apiserver_version()
            .await
            .unwrap();
        assert_eq!(version.minor, minor, "{context}");
    }
}
