//! The dashboard at 80×24 and 60×20 as an operator walked through it (issue #30): the node
//! view keeps each node's pods and waiting resizes on screen at 60 columns, and a lost server
//! shows in the header at 80 columns (it was cut off there: the dashboard looked live) until
//! the dashboard recovers, leaving the terminal as it found it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use common::tmux::Tmux;
use simcluster::{SimCluster, SimConfig};
use std::time::Duration;

#[test]
fn node_view_at_60x20_keeps_pods_and_waiting_resizes() {
    let bin = env!("CARGO_BIN_EXE_podsize");
    let cmd = format!("{bin} demo --pods 40 --seed 7; echo EXIT=$?; sleep 30");
    let Some(t) = Tmux::start_sized(&cmd, 60, 20) else {
        return;
    };
    t.wait_for("rows", |s| {
        s.contains(" pods · sort:") && s.contains("✓ ok")
    });
    t.keys(&["N"]);
    let screen = t.wait_for("the node view", |s| s.contains("sim-node-tight"));
    let heading = (screen.lines())
        .find(|l| l.contains("NODE"))
        .unwrap_or_default();
    for title in ["CPU free", "MEM free", "PODS", "WAITING"] {
        assert!(heading.contains(title), "{title}:\n{screen}");
    }
    // A node with a resize waiting for CPU reads whole, to its pods and what is missing.
    let waiting = (screen.lines())
        .find(|l| l.contains(": cpu "))
        .unwrap_or_else(|| panic!("{screen}"));
    assert!(waiting.trim_end().ends_with('│'), "{screen}");
    assert!(
        screen.lines().last().unwrap().ends_with("? help · q quit"),
        "{screen}"
    );
    t.escape_until("back to the pod table", |s| {
        s.lines().last().is_some_and(|l| l.contains("e edit"))
    });
    t.keys(&["q"]);
    let screen = t.wait_for("exit", |s| s.contains("EXIT="));
    assert!(screen.contains("EXIT=0"), "{screen}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_lost_server_shows_at_80_columns_and_the_dashboard_recovers() {
    let sim = SimCluster::start(SimConfig {
        pods: 8,
        namespaces: 2,
        ..SimConfig::empty()
    })
    .await
    .unwrap();
    let (_dir, kubeconfig) = common::sim_http::kubeconfig_of(&sim);
    let bin = env!("CARGO_BIN_EXE_podsize");
    let cmd = format!("{bin} --kubeconfig {kubeconfig} -A; echo EXIT=$?; stty -a; sleep 60");
    let Some(t) = Tmux::start_sized(&cmd, 80, 24) else {
        return;
    };
    t.wait_for("live rows", |s| s.contains("● live") && s.contains("✓ ok"));
    sim.stop().await;
    let screen = t.wait_for("the lost server", |s| {
        s.lines()
            .next()
            .unwrap_or_default()
            .contains("✗ reconnecting, stale")
    });
    assert!(!screen.contains("● live"), "{screen}");
    sim.restart().await.unwrap();
    t.wait_for_within("recovery", Duration::from_secs(60), |s| {
        let first = s.lines().next().unwrap_or_default();
        first.contains("● live") && !first.contains("reconnecting")
    });
    t.keys(&["q"]);
    let screen = t.wait_for("exit", |s| s.contains("EXIT=") && s.contains("speed"));
    assert!(screen.contains("EXIT=0"), "{screen}");
    // Raw mode is left: the line discipline echoes and reads lines again.
    assert!(
        screen.contains(" icanon") && screen.contains(" echo "),
        "{screen}"
    );
}
