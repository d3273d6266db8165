//! The dashboard over two clusters in tmux (issue #15): a pod of the same name in both, edited
//! in one, is patched on that cluster's server only; `:ctx` then switches the set.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;
use crate::common::sim_http as sim_common;

use common::tmux::Tmux;
use simcluster::SimConfig;
use simcluster::fleet::SimFleet;
use std::time::Duration;

fn cpu_request(sim: &simcluster::SimCluster) -> Option<String> {
    let pod = sim.pod("default", "resize-demo")?;
    let c1 = pod.spec?.containers.into_iter().find(|c| c.name == "c1")?;
    Some(c1.resources?.requests?.get("cpu")?.0.clone())
}

#[tokio::test(flavor = "multi_thread")]
async fn an_edit_goes_to_its_own_pods_cluster_and_ctx_switches_the_set() {
    let sims = SimFleet::start(
        2,
        SimConfig {
            pods: 6,
            namespaces: 2,
            kubelet_delay: Duration::from_millis(200),
            ..SimConfig::default()
        },
    )
    .await
    .unwrap();
    for (name, sim) in sims.clusters() {
        // On a node that supports resize (the generated last node does not).
        let mut pod = sim_common::resize_demo();
        pod.spec.as_mut().unwrap().node_name = Some(format!("{name}-node-01"));
        sim.create_pod(pod).unwrap();
    }
    let dir = tempfile::tempdir().unwrap();
    let kubeconfig = dir.path().join("kubeconfig");
    sims.write_kubeconfig(&kubeconfig).unwrap();
    let cmd = format!(
        "{} --kubeconfig {} --all-contexts -n default; echo EXIT=$?; sleep 30",
        env!("CARGO_BIN_EXE_podsize"),
        kubeconfig.display()
    );
    let Some(t) = Tmux::start_sized(&cmd, 200, 50) else {
        return;
    };
    t.wait_for("both clusters live", |s| {
        s.contains("ctx sim-1 v1.35.0  ● live") && s.contains("ctx sim-2 v1.35.0  ● live")
    });
    t.keys(&["/"]);
    t.literal("resize-demo");
    t.keys(&["Enter"]);
    // Four rows: c1 and c2 of each cluster's resize-demo, sim-1's first.
    let rows = |s: &str| {
        s.lines()
            .filter(|l| l.contains("resize-demo") && l.starts_with("sim-"))
            .count()
    };
    t.wait_for("the two pods' rows", |s| rows(s) == 4);
    // From the top: the selection follows its row when the other cluster's rows arrive
    // above it, so where it is depends on which cluster listed first.
    t.keys(&["g", "j", "j", "e"]);
    t.wait_for("editor", |s| s.contains("resize default/resize-demo"));
    t.literal("300m");
    t.keys(&["Enter"]);
    t.wait_for("the patch to confirm", |s| {
        s.contains(r#""requests":{"cpu":"300m"}"#)
    });
    t.keys(&["Enter"]);
    t.wait_for("the resize accepted", |s| s.contains("accepted"));
    let (one, two) = (&sims.clusters()[0].1, &sims.clusters()[1].1);
    assert_eq!(
        cpu_request(two).as_deref(),
        Some("300m"),
        "sim-2's pod changed"
    );
    assert_eq!(
        cpu_request(one).as_deref(),
        Some("250m"),
        "sim-1's pod did not"
    );
    let patches = |sim: &simcluster::SimCluster| {
        (sim.request_log().into_iter())
            .filter(|r| r.method == "PATCH")
            .count()
    };
    assert_eq!(patches(one), 0, "nothing was sent to sim-1");
    assert!(patches(two) >= 1);

    // The resize is followed to its end, whose word stays in the status line until the next
    // key: Esc clears it, and `:` goes once it has.
    t.wait_for("the resize done", |s| s.contains(": done after"));
    t.escape_until("the message cleared", |s| !s.contains(": done after"));
    t.keys(&[":"]);
    t.literal("ctx sim-1");
    t.keys(&["Enter"]);
    let screen = t.wait_for("only sim-1", |s| {
        s.contains("switched to context sim-1") || s.contains("ctx sim-1  v1.35.0")
    });
    assert!(!screen.contains("sim-2"), "{screen}");
    t.keys(&["q"]);
    t.wait_for("exit", |s| s.contains("EXIT=0"));
    sims.stop().await;
}
