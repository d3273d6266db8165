//! Start-up boosts for a rollout, end to end: `podsize boost -l … --until-ready --max 1m
//! --watch` runs beside a simulated cluster while kubectl creates start-up pods (they burn
//! CPU-seconds at the rate of the CPU they actually have before turning Ready). Each matching
//! pod is boosted within seconds of its creation, turns Ready sooner than an unboosted twin,
//! and goes back to its template values; one that never turns Ready is reverted at the bound;
//! and a stopped watch leaves no boost behind.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use super::boost_cli::{BOOST, Setup, annotation, desired, ready};
use crate::common::sim_cli::SimCli;
use crate::common::sim_http as sim_common;
use simcluster::SimConfig;
use std::time::{Duration, Instant};

const KUBECTL: &str = "/usr/bin/kubectl";

/// A start-up pod as a rollout would create it: `work` CPU-seconds before Ready, cpu
/// 250m/500m (so 2 CPU-seconds take four seconds unboosted).
fn startup_pod(name: &str, app: &str, work: &str) -> serde_json::Value {
    serde_json::json!({
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {
            "name": name, "namespace": "default", "labels": { "app": app },
            "annotations": { simcluster::startup::STARTUP_ANNOTATION: work },
        },
        "spec": { "containers": [{
            "name": "app", "image": "registry.example.com/orders-jvm:21",
            "resources": {
                "requests": { "cpu": "250m", "memory": "256Mi" },
                "limits": { "cpu": "500m", "memory": "512Mi" },
            },
        }]},
    })
}

/// Creates `pods` with one `kubectl create -f` (as a rollout's ReplicaSet creates them).
async fn kubectl_create(s: &Setup, file: &str, pods: Vec<serde_json::Value>) {
    let list = serde_json::json!({ "apiVersion": "v1", "kind": "List", "items": pods });
    let path = s.dir.path().join(file);
    std::fs::write(&path, serde_json::to_vec(&list).unwrap()).unwrap();
    let run = s
        // The sim serves no OpenAPI schema in the form kubectl validates against.
        .kubectl(
            KUBECTL,
            &["create", "--validate=false", "-f", path.to_str().unwrap()],
        )
        .await;
    assert_eq!(run.code, 0, "{}", run.err);
}

/// Starts the watch and waits until its pod watch is open on the server.
async fn start_watch(s: &Setup, max: &str) -> tokio::process::Child {
    let args = [
        "-n",
        "default",
        "boost",
        "-l",
        "app=orders",
        "--cpu",
        "x4",
        "--until-ready",
        "--max",
        max,
        "--watch",
        "-o",
        "json",
    ];
    let child = s.command(&args).spawn().unwrap();
    sim_common::eventually("the watch", || {
        let open = s.sim.request_log().iter().any(|r| {
            r.method == "GET" && r.uri.contains("watch") && r.uri.contains("labelSelector")
        });
        async move { open.then_some(()) }
    })
    .await;
    child
}

/// Stops the watch as a terminal or a pod's shutdown would (SIGTERM); its stdout lines.
async fn stop(child: tokio::process::Child) -> Vec<serde_json::Value> {
    let pid = child.id().unwrap().to_string();
    let killed = std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap();
    assert!(killed.success());
    let out = tokio::time::timeout(Duration::from_secs(20), child.wait_with_output())
        .await
        .expect("the watch stops")
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

fn events_of(lines: &[serde_json::Value], pod: &str) -> Vec<String> {
    lines
        .iter()
        .filter(|l| l["pod"] == pod)
        .map(|l| l["event"].as_str().unwrap_or_default().to_string())
        .collect()
}

async fn wait_until(what: &str, within: Duration, mut f: impl FnMut() -> bool) -> Instant {
    let end = Instant::now() + within;
    loop {
        if f() {
            return Instant::now();
        }
        assert!(Instant::now() < end, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_rollout_s_pods_are_boosted_as_they_start_and_reverted_at_ready_or_the_bound() {
    if !std::path::Path::new(KUBECTL).exists() {
        eprintln!("skipping: {KUBECTL} not installed");
        return;
    }
    // TLS: kubectl sends its token only there.
    let s = SimCli::start(SimConfig {
        tls: true,
        ..SimConfig::empty()
    })
    .await;
    let child = start_watch(&s, "1m").await;
    // The watch is re-established after a dropped connection: pods created after it count.
    s.sim.faults().drop_watches();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let created = Instant::now();
    kubectl_create(
        &s,
        "rollout.json",
        vec![
            startup_pod("orders-7f9c-a", "orders", "2"),
            startup_pod("orders-7f9c-stuck", "orders", "100000"),
            // The same start-up, not matched by the selector: never boosted.
            startup_pod("twin-7f9c-a", "twin", "2"),
        ],
    )
    .await;
    // The plan is written first, then the resize: boosted once both are on the pod.
    let boosted = wait_until("the boost", Duration::from_secs(5), || {
        ["orders-7f9c-a", "orders-7f9c-stuck"].iter().all(|pod| {
            annotation(&s, pod).is_some() && desired(&s, pod, "app")[0] == "1" // x4 of 250m
        })
    })
    .await;
    assert!(boosted - created < Duration::from_secs(5));
    let boosted_ready = wait_until("Ready", Duration::from_secs(20), || {
        ready(&s, "orders-7f9c-a")
    })
    .await;
    let twin_ready = wait_until("the twin", Duration::from_secs(20), || {
        ready(&s, "twin-7f9c-a")
    })
    .await;
    assert!(
        boosted_ready + Duration::from_secs(1) < twin_ready,
        "boosted Ready after {:?}, the twin after {:?}",
        boosted_ready - created,
        twin_ready - created
    );
    let template = ["250m", "500m", "256Mi", "512Mi"].map(String::from);
    wait_until("the revert at Ready", Duration::from_secs(10), || {
        desired(&s, "orders-7f9c-a", "app") == template && annotation(&s, "orders-7f9c-a").is_none()
    })
    .await;
    assert_eq!(desired(&s, "twin-7f9c-a", "app"), template, "never boosted");
    assert!(annotation(&s, "twin-7f9c-a").is_none());
    // The pod that never turns Ready keeps its boost until the bound, then loses it.
    assert!(annotation(&s, "orders-7f9c-stuck").is_some());
    let reverted = wait_until("the revert at the bound", Duration::from_secs(75), || {
        desired(&s, "orders-7f9c-stuck", "app") == template
            && annotation(&s, "orders-7f9c-stuck").is_none()
    })
    .await;
    assert!(
        reverted - boosted >= Duration::from_secs(55),
        "at the bound, not before: {:?}",
        reverted - boosted
    );
    assert!(!ready(&s, "orders-7f9c-stuck"));
    let lines = stop(child).await;
    assert_eq!(events_of(&lines, "orders-7f9c-a"), ["boosted", "reverted"]);
    assert_eq!(
        events_of(&lines, "orders-7f9c-stuck"),
        ["boosted", "reverted"]
    );
    assert!(events_of(&lines, "twin-7f9c-a").is_empty(), "{lines:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_stopped_watch_leaves_no_boost_behind() {
    if !std::path::Path::new(KUBECTL).exists() {
        eprintln!("skipping: {KUBECTL} not installed");
        return;
    }
    // TLS: kubectl sends its token only there.
    let s = SimCli::start(SimConfig {
        tls: true,
        ..SimConfig::empty()
    })
    .await;
    let child = start_watch(&s, "10m").await;
    let mut two = startup_pod("orders-two", "orders", "100000");
    two["spec"]["containers"]
        .as_array_mut()
        .unwrap()
        .push(startup_pod("x", "x", "1")["spec"]["containers"][0].clone());
    two["spec"]["containers"][1]["name"] = "sidecar".into();
    kubectl_create(
        &s,
        "pods.json",
        vec![startup_pod("orders-slow", "orders", "100000"), two],
    )
    .await;
    wait_until("the boost", Duration::from_secs(5), || {
        annotation(&s, "orders-slow").is_some()
    })
    .await;
    let lines = stop(child).await;
    let template = ["250m", "500m", "256Mi", "512Mi"].map(String::from);
    assert_eq!(desired(&s, "orders-slow", "app"), template);
    assert!(annotation(&s, "orders-slow").is_none(), "{BOOST} removed");
    assert_eq!(events_of(&lines, "orders-slow"), ["boosted", "reverted"]);
    let skipped = lines.iter().find(|l| l["pod"] == "orders-two").unwrap();
    assert_eq!(skipped["event"], "skipped", "{skipped}");
    assert!(
        skipped["message"].as_str().unwrap().contains("-c"),
        "two containers and no -c: {skipped}"
    );
    assert!(annotation(&s, "orders-two").is_none());
}
