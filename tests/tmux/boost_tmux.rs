//! Boosts in the terminal UI, end to end in tmux against the simulated cluster: `podsize watch`
//! shows a due boost and never reverts it; the (writable) dashboard reverts it by itself.
//! Skipped (with a printed reason) when tmux is not installed.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;
use crate::common::sim_http as sim_common;

use common::tmux::Tmux;
use simcluster::{SimCluster, SimConfig};
use std::time::Duration;

fn c2_cpu_request(sim: &SimCluster) -> String {
    let pod = sim.pod("default", "resize-demo").unwrap();
    let c = pod
        .spec
        .unwrap()
        .containers
        .into_iter()
        .find(|c| c.name == "c2")
        .unwrap();
    c.resources.unwrap().requests.unwrap()["cpu"].0.clone()
}

fn boosted(sim: &SimCluster) -> bool {
    sim.pod("default", "resize-demo")
        .and_then(|p| p.metadata.annotations)
        .is_some_and(|a| a.contains_key("podsize.dev/boost"))
}

#[tokio::test(flavor = "multi_thread")]
async fn watch_shows_a_due_boost_and_only_the_dashboard_reverts_it() {
    let sim = SimCluster::start(SimConfig {
        kubelet_delay: Duration::from_millis(50),
        ..SimConfig::empty()
    })
    .await
    .unwrap();
    sim.create_pod(sim_common::resize_demo()).unwrap();
    let (_dir, kubeconfig) = sim_common::kubeconfig_when_running(&sim, "resize-demo").await;
    let bin = env!("CARGO_BIN_EXE_podsize");
    if std::process::Command::new("tmux")
        .arg("-V")
        .output()
        .is_err()
    {
        eprintln!("skipped: tmux is not installed");
        return;
    }
    let args = [
        "boost",
        "resize-demo",
        "-c",
        "c2",
        "--cpu",
        "x2",
        "--for",
        "3s",
    ];
    let (code, _, err) = sim_common::run_podsize(&kubeconfig, &args).await;
    assert_eq!(code, 0, "{err}");
    assert_eq!(c2_cpu_request(&sim), "200m");

    sim.clear_request_log();
    let watch = format!("{bin} --kubeconfig {kubeconfig} -n default watch; sleep 30");
    let Some(t) = Tmux::start(&watch) else { return };
    t.wait_for("the boost badge in watch", |s| s.contains("⇡ boost"));
    // Well past the deadline the read-only wall still only shows it.
    tokio::time::sleep(Duration::from_secs(4)).await;
    let mutating: Vec<_> = sim
        .request_log()
        .into_iter()
        .filter(|r| r.method != "GET")
        .collect();
    assert!(mutating.is_empty(), "watch sent {mutating:?}");
    assert!(boosted(&sim), "watch never reverts");
    assert_eq!(c2_cpu_request(&sim), "200m");
    drop(t);

    let dash = format!("{bin} --kubeconfig {kubeconfig} -n default; sleep 30");
    let Some(t) = Tmux::start(&dash) else { return };
    let screen = t.wait_for("the dashboard's revert", |s| s.contains("reverted to"));
    assert!(screen.contains("resize-demo"), "{screen}");
    sim_common::eventually("the original values", || {
        let done = c2_cpu_request(&sim) == "100m" && !boosted(&sim);
        async move { done.then_some(()) }
    })
    .await;
    t.keys(&["q"]);
}

#[test]
fn demo_boosts_a_starting_jvm_with_b_and_reverts_it_when_ready() {
    let bin = env!("CARGO_BIN_EXE_podsize");
    let cmd =
        format!("{bin} demo --pods 20 --seed 3 --kubelet-delay 200ms; echo EXIT=$?; sleep 30");
    // 160 columns with the REC column: the resize cell is narrow, so the badge takes its
    // short form and is never cut.
    let Some(t) = Tmux::start_sized(&cmd, 160, 45) else {
        return;
    };
    t.wait_for("rows", |s| s.contains("● live") && s.contains("jvm-orders"));
    t.keys(&["/"]);
    t.literal("jvm-orders");
    t.keys(&["Enter"]);
    t.wait_for("the filter", |s| s.contains("filter: jvm-orders"));
    t.keys(&["b"]);
    let screen = t.wait_for("the boost form", |s| s.contains("boost default/jvm-orders"));
    assert!(
        screen.contains("when the pod is Ready"),
        "a starting pod defaults to until ready:\n{screen}"
    );
    t.keys(&["BSpace", "BSpace"]);
    t.literal("1");
    let screen = t.wait_for("the plan", |s| s.contains("to   cpu 1/2 "));
    assert!(screen.contains("from cpu 250m/500m"), "{screen}");
    assert!(screen.contains("prediction: fits the node now"), "{screen}");
    t.keys(&["Enter"]);
    t.wait_for("the exact patch", |s| {
        s.contains(r#""requests":{"cpu":"1"}"#)
    });
    t.keys(&["Enter"]);
    let screen = t.wait_for("the badge", |s| {
        s.contains("⇡ boost until ready") || s.contains("⇡ until ready ")
    });
    let row = screen.lines().find(|l| l.contains("⇡")).unwrap();
    assert!(!row.contains("⇡ boost until re…"), "{row}");
    // 60 CPU-seconds at a 2-CPU limit: Ready in about half a minute, then reverted by itself.
    let screen = t.wait_for_within("the revert", Duration::from_secs(120), |s| {
        s.contains("reverted to cpu 250m/500m")
    });
    assert!(
        !screen.contains("⇡ boost") && !screen.contains("⇡ until"),
        "{screen}"
    );
    t.keys(&["q"]);
    t.wait_for("exit", |s| s.contains("EXIT=0"));
}

/// A `boost --wait` beside a running (writable) dashboard: whichever claims the due revert
/// first does it, the other learns of it from its watch, and the command ends within 5 s of
/// its deadline with the original values applied.
#[tokio::test(flavor = "multi_thread")]
async fn boost_wait_beside_a_dashboard_ends_within_5s_of_its_deadline() {
    let sim = SimCluster::start(SimConfig {
        kubelet_delay: Duration::from_millis(50),
        ..SimConfig::empty()
    })
    .await
    .unwrap();
    sim.create_pod(sim_common::resize_demo()).unwrap();
    let (_dir, kubeconfig) = sim_common::kubeconfig_when_running(&sim, "resize-demo").await;
    let bin = env!("CARGO_BIN_EXE_podsize");
    let dash = format!("{bin} --kubeconfig {kubeconfig} -n default; sleep 30");
    let Some(t) = Tmux::start(&dash) else { return };
    t.wait_for("the dashboard's rows", |s| s.contains("resize-demo"));
    let args = [
        "boost",
        "resize-demo",
        "-c",
        "c2",
        "--cpu",
        "x2",
        "--for",
        "4s",
        "--wait",
        "-o",
        "json",
    ];
    let (code, out, err) = sim_common::run_podsize(&kubeconfig, &args).await;
    let ended = chrono::Utc::now();
    assert_eq!(code, 0, "{out}\n{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["outcome"], "Reverted", "{out}");
    let plan: serde_json::Value = serde_json::from_str(v["annotation"].as_str().unwrap()).unwrap();
    let deadline =
        chrono::DateTime::parse_from_rfc3339(plan["deadline"].as_str().unwrap()).unwrap();
    let late = ended.signed_duration_since(deadline);
    assert!(
        late < chrono::TimeDelta::seconds(5),
        "ended {late} after its deadline: {err}"
    );
    assert_eq!(c2_cpu_request(&sim), "100m");
    assert!(!boosted(&sim));
    t.keys(&["q"]);
}
