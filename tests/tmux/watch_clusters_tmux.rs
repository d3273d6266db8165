//! `podsize watch --all-contexts` end to end in tmux (issue #15): three simulated clusters
//! in one kubeconfig, the wall's per-cluster lines (pods, resizes, freshness), one cluster
//! stopped and shown stale while the others stay live, its recovery, and no mutating request
//! reaching any server.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use common::tmux::Tmux;
use simcluster::SimConfig;
use simcluster::fleet::SimFleet;
use std::time::Duration;

/// The wall's line for `cluster` (it starts with the name, after a space).
fn cluster_line<'a>(screen: &'a str, cluster: &str) -> Option<&'a str> {
    screen
        .lines()
        .find(|l| l.trim_start().starts_with(&format!("{cluster} ")) && l.contains("v1."))
}

#[tokio::test(flavor = "multi_thread")]
async fn watch_all_contexts_shows_every_cluster_and_one_going_stale() {
    let sims = SimFleet::start(
        3,
        SimConfig {
            pods: 30,
            namespaces: 2,
            ..SimConfig::default()
        },
    )
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let kubeconfig = dir.path().join("kubeconfig");
    sims.write_kubeconfig(&kubeconfig).unwrap();
    let cmd = format!(
        "{} --kubeconfig {} watch --all-contexts -A; echo EXIT=$?; sleep 30",
        env!("CARGO_BIN_EXE_podsize"),
        kubeconfig.display()
    );
    let Some(t) = Tmux::start_sized(&cmd, 200, 50) else {
        return;
    };
    let screen = t.wait_for("every cluster live", |s| {
        ["sim-1", "sim-2", "sim-3"]
            .iter()
            .all(|c| cluster_line(s, c).is_some_and(|l| l.contains("● live")))
    });
    assert!(screen.contains("PODSIZE · 3 clusters"), "{screen}");
    // Each line counts its own cluster's pods: 30 each, 90 in the PODS box.
    for c in ["sim-1", "sim-2", "sim-3"] {
        let line = cluster_line(&screen, c).unwrap();
        // name, version, "● live", then the pods.
        let pods: Vec<&str> = line.split_whitespace().collect();
        assert_eq!(pods.get(4), Some(&"30"), "{c}: {line}");
    }
    assert!(screen.contains(" 90 "), "{screen}");
    assert!(
        screen.contains("CLUSTER"),
        "the table names each row's cluster"
    );

    let (_, down) = &sims.clusters()[1];
    down.stop().await;
    let screen = t.wait_for("sim-2 stale", |s| {
        cluster_line(s, "sim-2").is_some_and(|l| l.contains("STALE"))
    });
    assert!(screen.contains("DATA STALE: sim-2"), "{screen}");
    for c in ["sim-1", "sim-3"] {
        assert!(
            cluster_line(&screen, c).is_some_and(|l| l.contains("● live")),
            "{c} stays live:\n{screen}"
        );
    }
    // Its rows stay, as last seen: the PODS box still counts them.
    assert!(screen.contains(" 90 "), "{screen}");

    down.restart().await.unwrap();
    let screen = t.wait_for_within("sim-2 live again", Duration::from_secs(60), |s| {
        cluster_line(s, "sim-2").is_some_and(|l| l.contains("● live"))
    });
    assert!(!screen.contains("DATA STALE"), "{screen}");

    t.keys(&["e", "Space", "b", "m", "q"]);
    t.wait_for("exit", |s| s.contains("EXIT=0"));
    for (name, sim) in sims.clusters() {
        let log = sim.request_log();
        let mutating: Vec<_> = log.iter().filter(|r| r.method != "GET").collect();
        assert!(mutating.is_empty(), "{name}: {mutating:?}");
        assert!(
            log.iter().any(|r| r.uri.contains("pods")),
            "{name} was read"
        );
    }
    sims.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_cluster_down_at_start_joins_with_its_version_once_it_answers() {
    let sims = SimFleet::start(
        2,
        SimConfig {
            pods: 12,
            namespaces: 2,
            minor: 34,
            ..SimConfig::default()
        },
    )
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let kubeconfig = dir.path().join("kubeconfig");
    sims.write_kubeconfig(&kubeconfig).unwrap();
    let (_, late) = &sims.clusters()[1];
    late.stop().await;
    let cmd = format!(
        "{} --kubeconfig {} watch --context sim-1 --context sim-2 -A; echo EXIT=$?; sleep 30",
        env!("CARGO_BIN_EXE_podsize"),
        kubeconfig.display()
    );
    let Some(t) = Tmux::start_sized(&cmd, 200, 50) else {
        return;
    };
    let screen = t.wait_for("sim-1 live, sim-2 down", |s| {
        cluster_line(s, "sim-1").is_some_and(|l| l.contains("● live"))
            && s.lines()
                .any(|l| l.contains("sim-2") && l.contains("version unknown"))
    });
    assert!(
        screen.contains(" 12 "),
        "sim-1's pods are shown meanwhile:\n{screen}"
    );
    late.restart().await.unwrap();
    let screen = t.wait_for_within("sim-2 joins", Duration::from_secs(60), |s| {
        cluster_line(s, "sim-2").is_some_and(|l| l.contains("v1.34") && l.contains("● live"))
    });
    assert!(screen.contains(" 24 "), "both clusters' pods:\n{screen}");
    t.keys(&["q"]);
    t.wait_for("exit", |s| s.contains("EXIT=0"));
}
