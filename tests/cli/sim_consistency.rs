//! Issue #25: the clusters `podsize sim` and `podsize demo` show never contradict themselves,
//! checked on what a client reads over HTTP while they churn (invariants from resize-api.md
//! §2.3–2.4 and §4.8, computed by `simcluster::invariants`, not by the kubelet): no node holds
//! more than its allocatable, no memory reading above the limit a container has, and no
//! Deferred or Infeasible resize whose node says otherwise — message numbers that are not the
//! node's, or a Deferred one that fits — for longer than the kubelet's 30 s retry period.
//! And the podsize side: `podsize nodes` on a fresh `podsize sim --pods 200` shows no
//! Deferred resize "room enough now", and `podsize make-room` unblocks the seeded one.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::sim_process::start_sim;
use k8s_openapi::api::core::v1::{Node, Pod};
use kube::api::{Api, ListParams};
use simcluster::invariants::{over_admitted, pending};
use simcluster::rules::quantity::Quantity;
use simcluster::{SimCluster, SimConfig};
use std::collections::HashMap;
use std::process::Command;
use std::time::{Duration, Instant};

/// The retry period plus the kubelet's delay and a read's worth of slack.
const GRACE: Duration = Duration::from_secs(36);

async fn client_of(kubeconfig: &str) -> kube::Client {
    let kc = kube::config::Kubeconfig::read_from(kubeconfig).unwrap();
    let config = kube::Config::from_custom_kubeconfig(kc, &Default::default())
        .await
        .unwrap();
    kube::Client::try_from(config).unwrap()
}

fn bytes(q: &str) -> i128 {
    Quantity::parse(q).unwrap().nanos() / 1_000_000_000
}

/// Every invariant on one read of the cluster; `since` remembers when each soft violation
/// (one the kubelet may take up to a retry period to resolve) was first seen.
async fn check(client: &kube::Client, since: &mut HashMap<String, Instant>, now: Instant) {
    let lp = ListParams::default();
    let nodes: Vec<Node> = Api::all(client.clone()).list(&lp).await.unwrap().items;
    let pods: Vec<Pod> = Api::all(client.clone()).list(&lp).await.unwrap().items;
    let over = over_admitted(&nodes, &pods);
    assert!(over.is_empty(), "nodes over-admitted: {over:?}");
    let request = http::Request::get("/apis/metrics.k8s.io/v1beta1/pods")
        .body(Vec::new())
        .unwrap();
    let metrics: serde_json::Value = client.request(request).await.unwrap();
    let limits: HashMap<(String, String), i128> = pods
        .iter()
        .flat_map(|p| {
            // Pod names repeat across namespaces (StatefulSets): key by both.
            let name = format!("{:?}/{:?}", p.metadata.namespace, p.metadata.name);
            let st = p
                .status
                .iter()
                .flat_map(|s| s.container_statuses.iter().flatten());
            st.filter_map(move |c| {
                let l = c.resources.as_ref()?.limits.as_ref()?.get("memory")?;
                Some(((name.clone(), c.name.clone()), bytes(&l.0)))
            })
        })
        .collect();
    for item in metrics["items"].as_array().unwrap() {
        let (ns, name) = (&item["metadata"]["namespace"], &item["metadata"]["name"]);
        let pod = format!("{:?}/{:?}", ns.as_str(), name.as_str());
        for c in item["containers"].as_array().unwrap() {
            let name = c["name"].as_str().unwrap().to_string();
            let used = bytes(c["usage"]["memory"].as_str().unwrap());
            if let Some(limit) = limits.get(&(pod.clone(), name.clone())) {
                assert!(
                    used <= *limit,
                    "{pod}/{name} uses {used} above its limit {limit}"
                );
            }
        }
    }
    let mut seen = Vec::new();
    for p in pending(&nodes, &pods) {
        let (need, others, cap) = p.node_numbers;
        let mut problems = Vec::new();
        if p.fits_now {
            problems.push(format!("{} fits its node now", p.reason));
        }
        if let Some((_, requested, used, capacity)) = &p.numbers {
            let own = (*requested, *used, *capacity);
            let node = (need, (p.reason == "Deferred").then_some(others), cap);
            if own != node {
                problems.push(format!("message {own:?}, node {node:?}"));
            }
        }
        for problem in problems {
            let key = format!("{:?}: '{}': {problem}", p.key, p.message);
            let first = *since.entry(key.clone()).or_insert(now);
            assert!(now - first < GRACE, "for {:?}: {key}", now - first);
            seen.push(key);
        }
    }
    since.retain(|k, _| seen.contains(k));
}

async fn churn_and_check(client: kube::Client, run_for: Duration) {
    let (start, mut since) = (Instant::now(), HashMap::new());
    while start.elapsed() < run_for {
        check(&client, &mut since, Instant::now()).await;
        tokio::time::sleep(Duration::from_secs(3)).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn demo_and_a_2000_pod_sim_stay_consistent_through_a_minute_of_churn() {
    // The demo's cluster as `podsize demo` builds it (commands/demo.rs), churning.
    let demo = SimCluster::start(SimConfig {
        nodes: 4,
        pods: 60,
        namespaces: 4,
        churn: true,
        vpa: true,
        pod_level_resize: true,
        ..SimConfig::default()
    })
    .await
    .unwrap();
    let _ = demo.create_pod(simcluster::startup::demo_pod());
    simcluster::priority_scene::add(&demo);
    simcluster::policy_scene::add(&demo);
    simcluster::priority_scene::start_waiting_resize(&demo).await;
    let demo_client = demo.client(simcluster::Identity::Admin).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (_sim, kc) = start_sim(dir.path(), &["--pods", "2000", "--churn"]);
    let big = client_of(&kc).await;
    let run_for = Duration::from_secs(60);
    tokio::join!(
        churn_and_check(demo_client, run_for),
        churn_and_check(big, run_for)
    );
}

fn podsize(kc: &str, args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_podsize"))
        .args(["--kubeconfig", kc])
        .args(args)
        .output()
        .unwrap();
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    (out.status.success(), text(&out.stdout), text(&out.stderr))
}

/// §4.8: a Deferred resize the kubelet holds really lacks room (it retries when room frees), so
/// `podsize nodes` never says "room enough now" once a retry period has passed; and the room
/// make-room finds among lower-priority pods lets the seeded Deferred resize through.
#[tokio::test(flavor = "multi_thread")]
async fn nodes_shows_no_stale_deferred_and_make_room_unblocks_the_seeded_one() {
    let dir = tempfile::tempdir().unwrap();
    let (_sim, kc) = start_sim(dir.path(), &["--pods", "200"]);
    tokio::time::sleep(Duration::from_secs(40)).await;
    let (ok, table, err) = podsize(&kc, &["nodes"]);
    assert!(ok, "{err}");
    assert!(!table.contains("room enough now"), "{table}");
    let (ok, json, err) = podsize(&kc, &["nodes", "-o", "json"]);
    assert!(ok, "{err}");
    let rooms: serde_json::Value = serde_json::from_str(&json).unwrap();
    let waiting = rooms["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| r["pendingResizes"].as_array().unwrap().clone())
        .next()
        .unwrap_or_else(|| panic!("the seeded Deferred resize: {table}"));
    let (ns, pod) = (
        waiting["namespace"].as_str().unwrap(),
        waiting["pod"].as_str().unwrap(),
    );
    let (ok, out, err) = podsize(
        &kc,
        &[
            "make-room",
            pod,
            "-n",
            ns,
            "--yes",
            "--min-history",
            "0s",
            "-o",
            "json",
        ],
    );
    assert!(ok, "{err}\n{out}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["outcome"], "Done", "{out}\n{err}");
    let (_, table, _) = podsize(&kc, &["nodes"]);
    assert!(!table.contains(pod), "{table}");
}
