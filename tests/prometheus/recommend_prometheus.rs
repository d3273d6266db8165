//! `podsize recommend` against a real Prometheus (issue #12): the simulated cluster's 14 days
//! of usage history are backfilled with `promtool tsdb create-blocks-from openmetrics`,
//! `prometheus` serves them on loopback, and podsize's figures are checked against the answers
//! the test asks the same server for itself. Skipped, with the reason printed, where the
//! binaries are absent (`.ci/run` installs Debian's `prometheus` package).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use common::prometheus::{free_port, have, one_value, start_prometheus};

use serde_json::Value;
use simcluster::{SimCluster, SimConfig};
use std::process::Command;
use std::time::Duration;

fn recommend_json(kubeconfig: &std::path::Path, extra: &[&str]) -> Vec<Value> {
    let out = Command::new(env!("CARGO_BIN_EXE_podsize"))
        .arg("--kubeconfig")
        .arg(kubeconfig)
        .args(["recommend", "-A", "-o", "json"])
        .args(extra)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "podsize recommend: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice::<Value>(&out.stdout)
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

/// A simulated cluster of `pods` generated pods and a kubeconfig for it in a temp dir.
async fn sim_with_kubeconfig(
    pods: usize,
    nodes: usize,
    namespaces: usize,
) -> (SimCluster, tempfile::TempDir, std::path::PathBuf) {
    let sim = SimCluster::start(SimConfig {
        pods,
        nodes,
        namespaces,
        kubelet_delay: Duration::from_millis(50),
        ..SimConfig::default()
    })
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let kubeconfig = dir.path().join("kubeconfig");
    sim.write_kubeconfig(&kubeconfig).unwrap();
    (sim, dir, kubeconfig)
}

#[tokio::test(flavor = "multi_thread")]
async fn figures_agree_with_prometheus_own_answers() {
    if !have("prometheus") || !have("promtool") {
        eprintln!("skipped: prometheus/promtool not installed (apt-get install prometheus)");
        return;
    }
    let (sim, dir, kubeconfig) = sim_with_kubeconfig(5, 2, 2).await;
    let history = dir.path().join("history.om");
    podsize::commands::sim::write_history(&sim, Duration::from_secs(14 * 86_400), &history)
        .unwrap();
    let (_server, base) = start_prometheus(dir.path(), &history).await;

    let (kc, b) = (kubeconfig.clone(), base.clone());
    let rows = tokio::task::spawn_blocking(move || {
        recommend_json(&kc, &["--prometheus", &b, "--history", "14d"])
    })
    .await
    .unwrap();
    assert!(!rows.is_empty());
    let mut checked = 0;
    for row in &rows {
        let (ns, pod, container) = (
            row["namespace"].as_str().unwrap(),
            row["pod"].as_str().unwrap(),
            row["container"].as_str().unwrap(),
        );
        assert_eq!(
            row["source"]["name"], "prometheus",
            "{ns}/{pod} {container}: {row}"
        );
        assert_eq!(row["source"]["askedWindowSeconds"], 14 * 86_400);
        // The window covered, first to last sample: the written 14 days, less the hour the
        // first sample is read to and a step or two.
        let covered = row["source"]["windowSeconds"].as_i64().unwrap();
        assert!(
            (14 * 86_400 - 4_500..=14 * 86_400).contains(&covered),
            "{covered}: {row}"
        );
        // Figures are per workload: over the pods of the same workload among the rows, and for
        // a Deployment the gone pods of its earlier ReplicaSet the history holds (the sim keeps
        // one: `<deployment>-<hash>-<random>`, generated parts without vowels or dashes).
        let mut pods: std::collections::BTreeSet<String> = rows
            .iter()
            .filter(|r| {
                r["workload"] == row["workload"]
                    && r["namespace"] == ns
                    && r["container"] == container
            })
            .map(|r| r["pod"].as_str().unwrap().to_string())
            .collect();
        if row["workload"]["kind"] == "Deployment" {
            let name = row["workload"]["name"].as_str().unwrap();
            let q = format!(
                r#"count by (pod) (count_over_time(container_memory_working_set_bytes{{namespace="{ns}",pod=~"{name}-[b-z2-9]+-[b-z2-9]{{5}}",container="{container}"}}[14d]))"#
            );
            pods.extend(
                common::prometheus::prom_query(&base, &q)
                    .await
                    .iter()
                    .map(|r| r["metric"]["pod"].as_str().unwrap().to_string()),
            );
        }
        let pods: Vec<String> = pods.into_iter().collect();
        assert_eq!(row["pods"], pods.len(), "{row}");
        let sel = format!(
            r#"{{namespace="{ns}",pod=~"{}",container="{container}"}}"#,
            pods.join("|")
        );
        let p95 = one_value(
            &base,
            &format!(
                "max(quantile_over_time(0.95, rate(container_cpu_usage_seconds_total{sel}[5m])[14d:5m]))"
            ),
        )
        .await;
        let peak = one_value(
            &base,
            &format!("max(max_over_time(container_memory_working_set_bytes{sel}[14d]))"),
        )
        .await;
        let samples = one_value(
            &base,
            &format!("sum(count_over_time(container_memory_working_set_bytes{sel}[14d]))"),
        )
        .await;
        let _ = pod;
        let ours_cpu = row["usage"]["cpuPercentileMillicores"].as_f64().unwrap();
        let ours_mem = row["usage"]["memoryPeakBytes"].as_f64().unwrap();
        // Within rounding (podsize rounds up to whole millicores and bytes), and within the few
        // samples the 14-day window slides by between the two queries.
        assert!(
            (ours_cpu - (p95 * 1000.0).ceil()).abs() <= 1.0 + 0.01 * ours_cpu,
            "{ns}/{pod} {container}: cpu {ours_cpu} vs {p95}"
        );
        assert!(
            (ours_mem - peak).abs() <= 0.01 * peak + 1.0,
            "{ns}/{pod} {container}: memory {ours_mem} vs {peak}"
        );
        let ours_samples = row["source"]["samples"].as_f64().unwrap();
        assert!(
            (ours_samples - samples).abs() <= 3.0 * pods.len() as f64,
            "samples {ours_samples} vs {samples}"
        );
        assert!(
            row["reason"].as_str().unwrap().contains("over 13d of"),
            "{row}"
        );
        checked += 1;
    }
    assert!(
        checked >= 5,
        "every generated container was checked: {checked}"
    );
    // The sim's over-provisioned shape shows up as a shrink.
    assert!(
        rows.iter().any(|r| r["changed"] == true
            && r["recommendation"]["cpu"]["request"]["millicores"].as_i64()
                < r["current"]["cpu"]["request"]["millicores"].as_i64()),
        "some container is over-requested"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn without_prometheus_live_samples_are_labelled_with_their_age_and_count() {
    let (_sim, dir, kubeconfig) = sim_with_kubeconfig(4, 2, 1).await;
    let rows = tokio::task::spawn_blocking(move || {
        let rows = recommend_json(&kubeconfig, &[]);
        drop(dir);
        rows
    })
    .await
    .unwrap();
    let live: Vec<&Value> = rows
        .iter()
        .filter(|r| r["source"]["name"] == "live-samples")
        .collect();
    assert!(!live.is_empty(), "{rows:?}");
    for r in live {
        assert_eq!(r["source"]["lowConfidence"], true);
        // One reading per pod of the workload.
        assert_eq!(r["source"]["samples"], r["pods"], "{r}");
        assert!(r["source"]["since"].as_str().is_some(), "{r}");
        assert!(r["reason"].as_str().unwrap().contains("since "), "{r}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unreachable_prometheus_is_reported_not_fatal() {
    let (_sim, _dir, kubeconfig) = sim_with_kubeconfig(2, 1, 1).await;
    let port = free_port();
    let out = tokio::task::spawn_blocking(move || {
        Command::new(env!("CARGO_BIN_EXE_podsize"))
            .arg("--kubeconfig")
            .arg(&kubeconfig)
            .args([
                "recommend",
                "-A",
                "--prometheus",
                &format!("http://127.0.0.1:{port}"),
            ])
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!(
            "Prometheus at http://127.0.0.1:{port} did not answer"
        )),
        "{stderr}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn resize_recommended_applies_the_recommendation_and_reaches_done() {
    let (sim, _dir, kubeconfig) = sim_with_kubeconfig(6, 2, 1).await;
    let kc = kubeconfig.clone();
    let rows = tokio::task::spawn_blocking(move || recommend_json(&kc, &[]))
        .await
        .unwrap();
    let pick = rows
        .iter()
        .find(|r| r["changed"] == true && r["applicable"] == true)
        .unwrap_or_else(|| panic!("a container to right-size: {rows:?}"))
        .clone();
    let (ns, pod, container) = (
        pick["namespace"].as_str().unwrap().to_string(),
        pick["pod"].as_str().unwrap().to_string(),
        pick["container"].as_str().unwrap().to_string(),
    );
    let kc = kubeconfig.clone();
    let (p, c, n) = (pod.clone(), container.clone(), ns.clone());
    let out = tokio::task::spawn_blocking(move || {
        Command::new(env!("CARGO_BIN_EXE_podsize"))
            .arg("--kubeconfig")
            .arg(&kc)
            .args([
                "resize",
                &p,
                "-n",
                &n,
                "-c",
                &c,
                "--recommended",
                "--wait=30s",
            ])
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("recommendation: "), "{stderr}");
    // The pod now asks for what was recommended (live usage moves, so compare with a tolerance
    // of the rule's own 10 % deadband).
    let client = sim.client(simcluster::Identity::Admin).await.unwrap();
    let row = podsize::cluster::resize::get_row(&client, &ns, &pod)
        .await
        .unwrap();
    let now = row
        .container(&container)
        .unwrap()
        .desired
        .effective_requests();
    // On a sim started seconds ago only raises go ahead (a decrease needs a day of history),
    // so whichever resource the recommendation changes is the one checked.
    let mut changed = 0;
    for (res, unit, value) in [
        ("cpu", "millicores", now.cpu_millis),
        ("memory", "bytes", now.memory_bytes),
    ] {
        let wanted = pick["recommendation"][res]["request"][unit].as_i64();
        let before = pick["current"][res]["request"][unit].as_i64();
        if wanted == before {
            continue;
        }
        changed += 1;
        let (now, wanted) = (value.unwrap(), wanted.unwrap());
        assert!(
            (now - wanted).abs() * 10 <= wanted.max(10),
            "{res} {now} vs recommended {wanted}"
        );
        assert!(Some(now) > before, "{res}: only a raise on one reading");
    }
    assert!(changed > 0, "the request changed: {pick}");
}

/// The dashboard asks the same Prometheus (named by `PODSIZE_PROMETHEUS`, as a config file's
/// `[prometheus] url` would): its REC column and details pane take the 14-day figures, labelled
/// as such, over its own few live samples.
#[tokio::test(flavor = "multi_thread")]
async fn the_dashboard_takes_its_recommendations_from_prometheus() {
    if !have("prometheus") || !have("promtool") {
        eprintln!("skipped: prometheus/promtool not installed (apt-get install prometheus)");
        return;
    }
    let (sim, dir, kubeconfig) = sim_with_kubeconfig(5, 2, 2).await;
    let history = dir.path().join("history.om");
    podsize::commands::sim::write_history(&sim, Duration::from_secs(14 * 86_400), &history)
        .unwrap();
    let (_server, base) = start_prometheus(dir.path(), &history).await;
    let xdg = dir.path().join("xdg");
    let cmd = format!(
        "XDG_CONFIG_HOME={} PODSIZE_PROMETHEUS={base} {} --kubeconfig {} -A; sleep 30",
        xdg.display(),
        env!("CARGO_BIN_EXE_podsize"),
        kubeconfig.display()
    );
    let screen = tokio::task::spawn_blocking(move || {
        let t = common::tmux::Tmux::start_sized(&cmd, 200, 50)?;
        t.wait_for("the REC column", |s| s.contains("REC") && s.contains('▼'));
        // The last row: the first Deployment (default/api) was rolled out halfway through the
        // sim's history, and the dashboard reads its current pods' figures (7 days) alone.
        t.keys(&["G", "d"]);
        Some(t.wait_for("the details pane", |s| s.contains("recommendation (")))
    })
    .await
    .unwrap();
    let Some(screen) = screen else { return };
    assert!(screen.contains("recommendation (prometheus)"), "{screen}");
    assert!(screen.contains("over 13d of"), "{screen}");
}
