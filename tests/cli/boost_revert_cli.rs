//! `podsize boost`'s revert end to end: it never overwrites a change made between its claim
//! and its revert (the simulated cluster's latency fault opens that window), `--wait` ends only when the
//! kubelet has applied the original values (read with kubectl as the command exits) and
//! reports a revert that ends in Error with exit 2; containers that restart on resize are
//! refused unless allowed; `--until-ready --max` reverts a pod that never turns Ready.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use super::boost_cli::{annotation, command, desired, json, podsize, ready, setup, setup_with};
use crate::common::sim_http as sim_common;
use std::time::{Duration, Instant};

const KUBECTL: &str = "/usr/bin/kubectl";

fn have_kubectl() -> bool {
    let found = std::path::Path::new(KUBECTL).exists();
    if !found {
        eprintln!("skipping: {KUBECTL} not installed");
    }
    found
}

/// The values the kubelet reports for a container (`status.containerStatuses[].resources`),
/// read with kubectl: (cpu request, memory limit).
async fn applied_with_kubectl(s: &super::boost_cli::Setup, pod: &str, c: &str) -> (String, String) {
    let run = s.kubectl(KUBECTL, &["get", "pod", pod, "-o", "json"]).await;
    assert_eq!(run.code, 0, "{}", run.err);
    let v = run.json();
    let statuses = v["status"]["containerStatuses"].as_array().unwrap();
    let st = statuses.iter().find(|st| st["name"] == c).unwrap();
    let r = &st["resources"];
    (
        r["requests"]["cpu"]
            .as_str()
            .unwrap_or_default()
            .to_string(),
        r["limits"]["memory"]
            .as_str()
            .unwrap_or_default()
            .to_string(),
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn a_kubectl_change_landing_after_the_claim_is_kept() {
    if !have_kubectl() {
        return;
    }
    let s = setup(sim_common::resize_demo()).await;
    let child = command(
        &s,
        &[
            "boost",
            "resize-demo",
            "-c",
            "c2",
            "--cpu",
            "x2",
            "--for",
            "3s",
            "--wait",
            "-o",
            "json",
        ],
    )
    .spawn()
    .unwrap();
    sim_common::eventually("the boost", || {
        let boosted = desired(&s, "resize-demo", "c2")[0] == "200m"
            && annotation(&s, "resize-demo").is_some();
        async move { boosted.then_some(()) }
    })
    .await;
    // From here every answer takes a second, so the revert's requests are slow and a
    // person's change can land while they are on their way.
    s.sim.faults().set_latency(Duration::from_secs(1));
    s.sim.clear_request_log();
    // The revert starts with a read of the pod, then claims it (one latency later). kubectl
    // started as that read is answered lands two latencies later (`replace --raw` is a GET of
    // /version and one PUT): after the claim, before the revert that follows it.
    let pod_path = "/api/v1/namespaces/default/pods/resize-demo";
    sim_common::eventually("the revert's first read", || {
        let read = s
            .sim
            .request_log()
            .iter()
            .any(|r| r.method == "GET" && r.uri == pod_path);
        async move { read.then_some(()) }
    })
    .await;
    let mut pod = s.sim.pod("default", "resize-demo").unwrap();
    pod.metadata.resource_version = None;
    for c in pod.spec.as_mut().unwrap().containers.iter_mut() {
        if c.name == "c2" {
            let requests = c.resources.as_mut().unwrap().requests.as_mut().unwrap();
            requests.insert(
                "cpu".into(),
                k8s_openapi::apimachinery::pkg::api::resource::Quantity("777m".into()),
            );
        }
    }
    let file = s.dir.path().join("manual.json");
    std::fs::write(&file, serde_json::to_vec(&pod).unwrap()).unwrap();
    let uri = "/api/v1/namespaces/default/pods/resize-demo/resize";
    let manual = s
        .kubectl(
            KUBECTL,
            &["replace", "--raw", uri, "-f", file.to_str().unwrap()],
        )
        .await;
    assert_eq!(manual.code, 0, "{}", manual.err);
    assert!(
        annotation(&s, "resize-demo").is_some_and(|a| a.contains("claimedBy")),
        "the change landed after the claim"
    );
    let out = child.wait_with_output().await.unwrap();
    s.sim.faults().set_latency(Duration::ZERO);
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert_eq!(out.status.code(), Some(0), "{stdout}\n{stderr}");
    assert_eq!(
        desired(&s, "resize-demo", "c2")[0],
        "777m",
        "the person's change is kept: {stdout}\n{stderr}"
    );
    let v = json(&stdout);
    assert_eq!(v["outcome"], "StoodDown", "{stdout}");
    assert!(
        v["message"].as_str().unwrap().contains("changed by hand"),
        "{stdout}"
    );
    assert_eq!(annotation(&s, "resize-demo"), None, "the plan is removed");
}

#[tokio::test(flavor = "multi_thread")]
async fn wait_ends_when_the_original_values_are_applied() {
    if !have_kubectl() {
        return;
    }
    // A kubelet that takes 1.5 s to act: a command that ends when the revert is merely
    // accepted ends well before the original values are applied.
    let s = setup_with(Duration::from_millis(1500), sim_common::resize_demo()).await;
    let run = s
        .run(&[
            "boost",
            "resize-demo",
            "-c",
            "c2",
            "--cpu",
            "x2",
            "--for",
            "2s",
            "--wait",
            "-o",
            "json",
        ])
        .await;
    let applied = applied_with_kubectl(&s, "resize-demo", "c2").await;
    assert_eq!(run.code, 0, "{}", run.err);
    assert_eq!(
        applied.0, "100m",
        "applied when the command ended: {}",
        run.err
    );
    let v = run.json();
    assert_eq!(v["outcome"], "Reverted", "{}", run.out);
    assert_eq!(v["revert"]["stage"], "Done", "{}", run.out);
    assert_eq!(desired(&s, "resize-demo", "c2")[0], "100m");
}

#[tokio::test(flavor = "multi_thread")]
async fn wait_exits_2_when_the_revert_ends_in_error() {
    if !have_kubectl() {
        return;
    }
    let pod = sim_common::pod(
        "cache",
        vec![sim_common::container(
            "app",
            &[("cpu", "100m"), ("memory", "128Mi")],
            &[("cpu", "200m"), ("memory", "256Mi")],
            false,
        )],
    );
    let s = setup(pod).await;
    let child = command(
        &s,
        &[
            "boost", "cache", "--memory", "x2", "--for", "3s", "--wait", "-o", "json",
        ],
    )
    .spawn()
    .unwrap();
    sim_common::eventually("the boost", || {
        let boosted = desired(&s, "cache", "app")[3] == "512Mi";
        async move { boosted.then_some(()) }
    })
    .await;
    // The cache grows into its boost: the original 256Mi limit is now below its usage.
    let grow = s
        .kubectl(
            KUBECTL,
            &[
                "annotate",
                "pod",
                "cache",
                "sim.podsize.dev/memory-usage=400Mi",
            ],
        )
        .await;
    assert_eq!(grow.code, 0, "{}", grow.err);
    let out = child.wait_with_output().await.unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stdout}\n{stderr}");
    let v = json(&stdout);
    assert_eq!(v["outcome"], "Failed", "{stdout}");
    assert_eq!(v["revert"]["stage"], "Error", "{stdout}");
    let message = v["message"].as_str().unwrap();
    assert!(
        message.contains("below current usage"),
        "the server's message: {message}"
    );
    assert_eq!(applied_with_kubectl(&s, "cache", "app").await.1, "512Mi");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_restart_container_container_is_refused_without_allow_restart() {
    let pod = sim_common::pod(
        "restarter",
        vec![sim_common::container(
            "app",
            &[("cpu", "100m"), ("memory", "128Mi")],
            &[("cpu", "200m"), ("memory", "256Mi")],
            true,
        )],
    );
    let s = setup(pod).await;
    let before = desired(&s, "restarter", "app");
    let (code, _, err) = podsize(
        &s,
        &[
            "boost",
            "restarter",
            "--memory",
            "x2",
            "--for",
            "1s",
            "--wait",
        ],
    )
    .await;
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("RestartContainer")
            && err.contains("twice")
            && err.contains("--allow-restart"),
        "the reason: {err}"
    );
    assert_eq!(desired(&s, "restarter", "app"), before, "nothing sent");
    assert_eq!(annotation(&s, "restarter"), None);
}

#[tokio::test(flavor = "multi_thread")]
async fn until_ready_max_reverts_a_pod_that_never_turns_ready_at_the_bound() {
    // Far more start-up work than three seconds at any CPU: it never turns Ready in time.
    let mut pod = super::boost_cli::jvm();
    pod.metadata.annotations = Some(
        [(
            simcluster::startup::STARTUP_ANNOTATION.to_string(),
            "100000".to_string(),
        )]
        .into(),
    );
    let s = setup(pod).await;
    let before = desired(&s, "jvm-orders", "app");
    let started = Instant::now();
    let (code, out, err) = podsize(
        &s,
        &[
            "boost",
            "jvm-orders",
            "--cpu",
            "x2",
            "--until-ready",
            "--max",
            "3s",
            "--wait",
            "-o",
            "json",
        ],
    )
    .await;
    assert_eq!(code, 0, "{err}");
    assert_eq!(json(&out)["outcome"], "Reverted", "{out}");
    let took = started.elapsed();
    assert!(
        took >= Duration::from_secs(3) && took < Duration::from_secs(10),
        "reverted at the bound, not before: {took:?}"
    );
    assert!(!ready(&s, "jvm-orders"));
    assert_eq!(desired(&s, "jvm-orders", "app"), before);
    let annotation_text = json(&out)["annotation"].as_str().unwrap().to_string();
    assert!(
        annotation_text.contains("\"untilReady\":true") && annotation_text.contains("deadline"),
        "{annotation_text}"
    );
}
