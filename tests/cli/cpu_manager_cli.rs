//! The static CPU manager (issue 27 point 4, resize-api.md §4.8) against the sim's node whose
//! kubelet runs it, learnt from its configz: `podsize resize` refuses a fraction of a CPU for
//! a Guaranteed container with whole CPUs before sending, saying why (the kubelet's own
//! Infeasible text, which the sim answers for the same patch), and `recommend` rounds such a
//! container's cpu up to whole CPUs with the reason.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::sim_cli::SimCli;
use serde_json::Value;
use simcluster::SimConfig;
use simcluster::cpu_manager::STATIC_INFEASIBLE;
use simcluster::kstatus::{CPU_USAGE_ANNOTATION, MEMORY_USAGE_ANNOTATION};
use simcluster::testkit::{container, pod, running};
use std::time::Duration;

async fn pinned_cluster() -> SimCli {
    let cli = SimCli::start(SimConfig {
        metrics: true,
        kubelet_delay: Duration::from_millis(20),
        ..SimConfig::empty()
    })
    .await;
    cli.sim.add_static_cpu_node("pinned-node", 8000, 16 << 30);
    let mut p = pod(
        "pinned",
        vec![container(
            "app",
            &[("cpu", "2"), ("memory", "1Gi")],
            &[("cpu", "2"), ("memory", "1Gi")],
            false,
        )],
    );
    p.spec.as_mut().unwrap().node_name = Some("pinned-node".into());
    // Busy: the recommendation grows it to a fraction above 2 CPUs.
    p.metadata.annotations = Some(
        [
            (CPU_USAGE_ANNOTATION.to_string(), "1950m".to_string()),
            (MEMORY_USAGE_ANNOTATION.to_string(), "500Mi".to_string()),
        ]
        .into(),
    );
    cli.sim.create_pod(p).unwrap();
    for _ in 0..200 {
        if cli
            .sim
            .pod("default", "pinned")
            .is_some_and(|p| running(&p))
        {
            return cli;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("pinned never ran");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_fraction_of_whole_cpus_is_refused_before_sending_and_whole_cpus_are_sent() {
    let cli = pinned_cluster().await;
    cli.sim.clear_request_log();
    let run = cli
        .run(&[
            "resize",
            "pinned",
            "-c",
            "app",
            "--cpu-request",
            "1500m",
            "--cpu-limit",
            "1500m",
        ])
        .await;
    assert_eq!(run.code, 1, "{}\n{}", run.out, run.err);
    assert!(
        run.err.contains("not sent: node pinned-node runs the static CPU manager policy (from the kubelet's configz)"),
        "{}",
        run.err
    );
    assert!(run.err.contains(STATIC_INFEASIBLE), "{}", run.err);
    let patches: Vec<_> = cli
        .sim
        .request_log()
        .into_iter()
        .filter(|r| r.method == "PATCH")
        .map(|r| r.uri)
        .collect();
    assert!(patches.is_empty(), "podsize sent {patches:?}");
    let run = cli
        .run(&[
            "resize",
            "pinned",
            "-c",
            "app",
            "--cpu-request",
            "3",
            "--cpu-limit",
            "3",
        ])
        .await;
    assert_eq!(run.code, 0, "{}\n{}", run.out, run.err);
}

#[tokio::test(flavor = "multi_thread")]
async fn recommend_rounds_a_pinned_container_up_to_whole_cpus_with_the_reason() {
    let cli = pinned_cluster().await;
    let (run, json) = cli
        .json(&["recommend", "-n", "default", "-o", "json"])
        .await;
    assert_eq!(run.code, 0, "{}", run.err);
    let record = json
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["pod"] == "pinned")
        .cloned()
        .unwrap_or(Value::Null);
    let cpu = record["recommendation"]["cpu"]["request"]["millicores"].as_i64();
    assert!(cpu.is_some_and(|m| m > 2000 && m % 1000 == 0), "{record:#}");
    assert_eq!(
        record["recommendation"]["cpu"]["limit"]["millicores"].as_i64(),
        cpu,
        "{record:#}"
    );
    let reason = record["reason"].as_str().unwrap_or_default();
    assert!(
        reason.contains(
            "cpu rounded up to whole CPUs: node pinned-node runs the static CPU manager policy"
        ),
        "{record:#}"
    );
    assert_eq!(record["applicable"], true, "{record:#}");
}
