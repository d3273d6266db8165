//! `podsize recommend --sample DURATION` against the simulated cluster over real HTTP (issue
//! #26): without Prometheus, metrics.k8s.io is read for that long and the shrink gate
//! (`rightsizing.min_history`, here its smallest, 1m, in a config file) weighs the window the readings cover.
//! One reading or 20s of readings offers no decrease; 65s of readings does,
//! for the workloads whose pods together gave the gate's 100 samples.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::sim_http::{kubeconfig_of, run_podsize};
use serde_json::Value;
use simcluster::{SimCluster, SimConfig};
use std::time::Duration;

fn request(row: &Value, resource: &str, unit: &str) -> Option<i64> {
    row[resource]["request"][unit].as_i64()
}

/// A patch that lowers some request: what the gate holds back on thin evidence.
fn decrease_offered(row: &Value) -> bool {
    !row["patch"].is_null()
        && [("cpu", "millicores"), ("memory", "bytes")]
            .iter()
            .any(|(res, unit)| {
                match (
                    request(&row["current"], res, unit),
                    request(&row["recommendation"], res, unit),
                ) {
                    (Some(now), Some(new)) => new < now,
                    _ => false,
                }
            })
}

async fn recommend(kubeconfig: &str, config: &str, extra: &[&str]) -> Vec<Value> {
    let mut args = vec!["--config", config, "recommend", "-A", "-o", "json"];
    args.extend_from_slice(extra);
    let (code, stdout, stderr) = run_podsize(kubeconfig, &args).await;
    assert_eq!(code, 0, "{stderr}");
    // stderr is not a terminal here: no progress line.
    assert!(!stderr.contains("sampling"), "{stderr}");
    serde_json::from_str(&stdout).unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn sampling_opens_the_gate_only_once_the_window_covers_it() {
    let sim = SimCluster::start(SimConfig {
        pods: 60,
        nodes: 4,
        namespaces: 1,
        kubelet_delay: Duration::from_millis(20),
        ..SimConfig::default()
    })
    .await
    .unwrap();
    let (dir, kubeconfig) = kubeconfig_of(&sim);
    let config = dir.path().join("config.toml");
    std::fs::write(&config, "[rightsizing]\nmin_history = \"1m\"\n").unwrap();
    let config = config.to_str().unwrap().to_string();

    // One reading: a zero window, no decrease anywhere.
    let once = recommend(&kubeconfig, &config, &[]).await;
    assert!(once.len() > 20, "{}", once.len());
    for row in &once {
        assert_ne!(row["history"]["enoughToShrink"], true, "{row}");
        assert!(!decrease_offered(row), "{row}");
    }

    // 20s of readings: a window, but shorter than the minute the gate asks for.
    let short = recommend(&kubeconfig, &config, &["--sample", "20s"]).await;
    for row in short.iter().filter(|r| !r["history"].is_null()) {
        let covered = row["history"]["coveredSeconds"].as_i64().unwrap();
        assert!((18..=21).contains(&covered), "{row}");
        assert_eq!(row["history"]["neededSeconds"], 60, "{row}");
        assert_eq!(row["history"]["enoughToShrink"], false, "{row}");
        assert!(!decrease_offered(row), "{row}");
    }

    // 65s of readings: the gate opens where the window and the samples suffice, and only there.
    let long = recommend(&kubeconfig, &config, &["--sample", "65s"]).await;
    let (mut open, mut decreases) = (0, 0);
    for row in long.iter().filter(|r| !r["history"].is_null()) {
        let h = &row["history"];
        let (covered, samples) = (
            h["coveredSeconds"].as_i64().unwrap(),
            h["samples"].as_u64().unwrap(),
        );
        assert_eq!(row["source"]["name"], "live-samples", "{row}");
        assert_eq!(row["source"]["windowSeconds"], covered, "{row}");
        // The first to the last reading of a pod that was there throughout: about 65s.
        assert!((63..=67).contains(&covered), "{row}");
        // The reason names the window and the count (a container without requests gets no
        // figures to name: the rule proposes no request for it).
        let reason = row["reason"].as_str().unwrap();
        if !reason.contains("cpu: no request to adjust") {
            assert!(reason.contains(&format!("{samples} samples")), "{reason}");
            assert!(
                reason.contains(&format!("over {covered}s since ")),
                "{reason}"
            );
        }
        if samples >= 100 {
            assert_eq!(h["enoughToShrink"], true, "{row}");
            open += 1;
        } else {
            assert_eq!(h["enoughToShrink"], false, "{row}");
            assert!(!decrease_offered(row), "{row}");
        }
        if decrease_offered(row) {
            decreases += 1;
        }
    }
    assert!(open > 0, "no workload gathered 100 samples: {long:?}");
    assert!(decreases > 0, "the gate opened but no decrease was offered");
}
