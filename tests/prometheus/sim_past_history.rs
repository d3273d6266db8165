//! The simulated cluster's own history carries a past (issue #26, Build 8): a Deployment rolled
//! out halfway through the window, whose earlier ReplicaSet's pods are gone from the cluster but
//! not from the history, and a few containers OOM-killed once (`container_oom_events_total`).
//! Backfilled into a real Prometheus, `podsize recommend` counts the gone pods in the
//! Deployment's figures — checked against the server's own answers over both ReplicaSets'
//! pods — and an OOM-killed container gets no memory decrease.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use common::prometheus::{have, one_value, prom_query, start_prometheus};
use k8s_openapi::api::core::v1::Pod;
use serde_json::Value;
use simcluster::{SimCluster, SimConfig};
use std::collections::BTreeSet;
use std::process::Command;
use std::time::Duration;

const WINDOW: &str = "3d";

fn recommend_json(kubeconfig: &std::path::Path, prometheus: &str) -> Vec<Value> {
    let out = Command::new(env!("CARGO_BIN_EXE_podsize"))
        .arg("--kubeconfig")
        .arg(kubeconfig)
        .args(["recommend", "-A", "-o", "json", "--history", WINDOW])
        .args(["--prometheus", prometheus])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "podsize recommend: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The pod names in the history of `selector`, by Prometheus.
async fn pods_in_history(base: &str, selector: &str) -> BTreeSet<String> {
    let q = format!(
        "count by (pod) (count_over_time(container_memory_working_set_bytes{selector}[{WINDOW}]))"
    );
    prom_query(base, &q)
        .await
        .iter()
        .map(|r| r["metric"]["pod"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_sims_own_history_counts_a_past_replica_sets_gone_pods() {
    if !have("prometheus") || !have("promtool") {
        eprintln!("skipped: prometheus/promtool not installed (apt-get install prometheus)");
        return;
    }
    let sim = SimCluster::start(SimConfig {
        pods: 24,
        nodes: 3,
        namespaces: 1,
        kubelet_delay: Duration::from_millis(50),
        ..SimConfig::default()
    })
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let kubeconfig = dir.path().join("kubeconfig");
    sim.write_kubeconfig(&kubeconfig).unwrap();
    let history = dir.path().join("history.om");
    podsize::commands::sim::write_history(&sim, Duration::from_secs(3 * 86_400), &history).unwrap();
    let (_server, base) = start_prometheus(dir.path(), &history).await;
    let now: BTreeSet<String> = sim
        .api()
        .store
        .all::<Pod>(None)
        .iter()
        .filter_map(|p| p.metadata.name.clone())
        .collect();

    let (kc, b) = (kubeconfig.clone(), base.clone());
    let rows = tokio::task::spawn_blocking(move || recommend_json(&kc, &b))
        .await
        .unwrap();
    // The Deployment with gone pods in the history, found from Prometheus's side.
    let mut checked = 0;
    for row in rows
        .iter()
        .filter(|r| r["workload"]["kind"] == "Deployment")
    {
        let (ns, name, container) = (
            row["namespace"].as_str().unwrap(),
            row["workload"]["name"].as_str().unwrap(),
            row["container"].as_str().unwrap(),
        );
        // `<deployment>-<hash>-<random>`: generated parts have no vowels, no dashes.
        let sel = format!(
            r#"{{namespace="{ns}",pod=~"{name}-[b-z2-9]+-[b-z2-9]{{5}}",container="{container}"}}"#
        );
        let pods = pods_in_history(&base, &sel).await;
        let gone: Vec<&String> = pods.iter().filter(|p| !now.contains(*p)).collect();
        if gone.is_empty() {
            continue;
        }
        assert_eq!(row["pods"], pods.len(), "gone {gone:?}: {row}");
        let peak = one_value(
            &base,
            &format!("max(max_over_time(container_memory_working_set_bytes{sel}[{WINDOW}]))"),
        )
        .await;
        let samples = one_value(
            &base,
            &format!("sum(count_over_time(container_memory_working_set_bytes{sel}[{WINDOW}]))"),
        )
        .await;
        let ours_mem = row["usage"]["memoryPeakBytes"].as_f64().unwrap();
        assert!(
            (ours_mem - peak).abs() <= 0.01 * peak + 1.0,
            "{ours_mem} vs {peak}: {row}"
        );
        let ours_samples = row["source"]["samples"].as_f64().unwrap();
        assert!(
            (ours_samples - samples).abs() <= 3.0 * pods.len() as f64,
            "{ours_samples} vs {samples}"
        );
        // The current pods came halfway through: the window reaches back to the gone ones.
        let covered = row["history"]["coveredSeconds"].as_i64().unwrap();
        assert!(covered > 2 * 86_400, "{row}");
        checked += 1;
    }
    assert!(
        checked > 0,
        "no Deployment with gone pods in the history: {rows:?}"
    );

    // OOM kills in the sim's history: those containers get no memory decrease.
    let killed = prom_query(
        &base,
        &format!("max_over_time(container_oom_events_total[{WINDOW}]) > 0"),
    )
    .await;
    assert!(!killed.is_empty(), "some container was OOM-killed");
    let mut oom_rows = 0;
    for k in &killed {
        let (pod, container) = (
            k["metric"]["pod"].as_str().unwrap(),
            k["metric"]["container"].as_str().unwrap(),
        );
        let Some(row) = rows
            .iter()
            .find(|r| r["pod"] == pod && r["container"] == container)
        else {
            continue; // a gone pod's
        };
        assert!(row["usage"]["oomKills"].as_u64().unwrap() >= 1, "{row}");
        let (now, new) = (
            row["current"]["memory"]["request"]["bytes"].as_i64(),
            row["recommendation"]["memory"]["request"]["bytes"].as_i64(),
        );
        assert!(new >= now, "no memory decrease after an OOM kill: {row}");
        oom_rows += 1;
    }
    assert!(oom_rows > 0, "{killed:?}");
}
