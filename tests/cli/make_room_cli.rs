//! `podsize make-room` against the simulated cluster over real HTTP: a node filled so that a
//! resize is Deferred; the plan touches only lower- or equal-priority pods, frees at least the
//! missing room, is applied, and the Deferred resize reaches Done. With headroom only in
//! higher-priority pods there is no plan, the reason says so, and nothing is sent.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;
use crate::common::make_room_scene as make_room_common;

use common::sim_cli::SimCli;
use make_room_common::{Spec, fill, grow_until_deferred, pending_reason};
use simcluster::{Identity, SimCluster, SimConfig};
use std::time::Duration;

async fn cli() -> SimCli {
    SimCli::start(SimConfig {
        metrics: true,
        kubelet_delay: Duration::from_millis(40),
        ..SimConfig::empty()
    })
    .await
}

fn cpu_request(sim: &SimCluster, pod: &str) -> String {
    let p = sim.pod("default", pod).unwrap();
    let c = &p.spec.unwrap().containers[0];
    c.resources.as_ref().unwrap().requests.as_ref().unwrap()["cpu"]
        .0
        .clone()
}

fn actual_cpu(sim: &SimCluster, pod: &str) -> Option<String> {
    let st = sim.pod("default", pod)?.status?.container_statuses?;
    Some(
        st[0].resources.as_ref()?.requests.as_ref()?["cpu"]
            .0
            .clone(),
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn plan_shrinks_lower_priority_pods_and_the_deferred_resize_completes() {
    let cli = cli().await;
    let sim = &cli.sim;
    // 1000 + 1200 + 800 + 800 = 3800 of 4000m; web's growth to 2500m misses 1300m.
    fill(
        sim,
        &[
            Spec {
                name: "web",
                class: "high",
                cpu: "1",
                usage: "900m",
            },
            Spec {
                name: "batch",
                class: "batch-low",
                cpu: "1200m",
                usage: "100m",
            },
            Spec {
                name: "indexer",
                class: "",
                cpu: "800m",
                usage: "100m",
            },
            Spec {
                name: "peer",
                class: "high",
                cpu: "800m",
                usage: "50m",
            },
        ],
    )
    .await;
    let client = sim.client(Identity::Admin).await.unwrap();
    grow_until_deferred(sim, &client, "web", "2500m").await;
    let args = [
        "make-room",
        "--min-history",
        "0s",
        "web",
        "-c",
        "web",
        "-n",
        "default",
        "--yes",
        "-o",
        "json",
    ];
    let (run, v) = cli.json(&args).await;
    let (out, err) = (&run.out, &run.err);
    assert_eq!(run.code, 0, "{err}\n{out}");
    assert_eq!(v["outcome"], "Done", "{out}");
    let plan = &v["plan"];
    assert_eq!(plan["missing"]["cpuMillis"], 1300, "{out}");
    assert!(
        plan["freed"]["cpuMillis"].as_i64().unwrap() >= 1300,
        "{out}"
    );
    let shrinks = plan["shrinks"].as_array().unwrap();
    let touched: Vec<&str> = shrinks.iter().map(|s| s["pod"].as_str().unwrap()).collect();
    // Lower priority first (batch-low, then no class); the equal-priority peer is not needed.
    assert_eq!(touched, ["batch", "indexer"], "{out}");
    assert!(
        shrinks
            .iter()
            .all(|s| s["priority"].as_i64().unwrap() < 100_000)
    );
    // Never below observed usage plus margin (100m + 10%).
    for s in shrinks {
        let after = &s["containers"][0]["after"]["cpuMillis"];
        assert!(after.as_i64().unwrap() >= 110, "{s}");
        assert!(s["patch"]["metadata"]["resourceVersion"].is_string(), "{s}");
    }
    assert!(err.contains("make room on node tight"), "{err}");
    // The cluster agrees: the waiting resize is applied and nothing waits any more.
    assert_eq!(actual_cpu(sim, "web").as_deref(), Some("2500m"));
    assert_eq!(pending_reason(sim, "web"), None);
    assert_eq!(cpu_request(sim, "peer"), "800m");
    assert_ne!(cpu_request(sim, "batch"), "1200m");
}

#[tokio::test(flavor = "multi_thread")]
async fn only_higher_priority_headroom_gives_no_plan_and_sends_nothing() {
    let cli = cli().await;
    let sim = &cli.sim;
    fill(
        sim,
        &[
            Spec {
                name: "job",
                class: "batch-low",
                cpu: "1",
                usage: "900m",
            },
            // The only lower-or-equal pod uses all it asks for.
            Spec {
                name: "other-job",
                class: "batch-low",
                cpu: "1",
                usage: "1",
            },
            Spec {
                name: "api",
                class: "high",
                cpu: "1800m",
                usage: "100m",
            },
        ],
    )
    .await;
    let client = sim.client(Identity::Admin).await.unwrap();
    grow_until_deferred(sim, &client, "job", "2").await;
    sim.clear_request_log();
    let args = [
        "make-room",
        "job",
        "--min-history",
        "0s",
        "-n",
        "default",
        "--yes",
        "-o",
        "json",
    ];
    let (run, v) = cli.json(&args).await;
    let (out, err) = (&run.out, &run.err);
    assert_eq!(run.code, 1, "{err}\n{out}");
    assert_eq!(v["outcome"], "NoPlan");
    let why = v["message"].as_str().unwrap();
    assert!(
        why.starts_with("only higher-priority pods have headroom"),
        "{why}"
    );
    assert!(
        err.contains("only higher-priority pods have headroom"),
        "{err}"
    );
    let writes: Vec<_> = sim
        .request_log()
        .into_iter()
        .filter(|r| r.method == "PATCH" || r.method == "PUT")
        .collect();
    assert!(writes.is_empty(), "{writes:?}");
    assert_eq!(pending_reason(sim, "job").as_deref(), Some("Deferred"));
}

#[tokio::test(flavor = "multi_thread")]
async fn without_a_terminal_or_yes_nothing_is_sent() {
    let cli = cli().await;
    let sim = &cli.sim;
    fill(
        sim,
        &[
            Spec {
                name: "web",
                class: "high",
                cpu: "1",
                usage: "900m",
            },
            Spec {
                name: "batch",
                class: "batch-low",
                cpu: "2500m",
                usage: "100m",
            },
        ],
    )
    .await;
    let client = sim.client(Identity::Admin).await.unwrap();
    grow_until_deferred(sim, &client, "web", "2").await;
    let run = cli
        .run(&["make-room", "web", "--min-history", "0s", "-n", "default"])
        .await;
    let err = &run.err;
    assert_eq!(run.code, 1, "{err}");
    assert!(err.contains("confirm with --yes"), "{err}");
    assert!(
        err.contains("shrink default/batch (priority -10)"),
        "the plan is shown first: {err}"
    );
    assert_eq!(cpu_request(sim, "batch"), "2500m");
}
