//! Several clusters on one table (issue #15), driven exactly as `podsize watch --all-contexts`
//! drives them: one kubeconfig with a context per simulated cluster, a client per context
//! (read-only), each cluster's watch tasks tagging their events. The table must equal the
//! union of every server's pods; one cluster down leaves the others live and updating; it
//! converges when it comes back; and no mutating request reaches any server.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use common::fleet_wall::{Keys, Wall};
use podsize::model::pods::events::Connection;
use simcluster::fleet::SimFleet;
use simcluster::{SimCluster, SimConfig};
use std::time::Duration;

/// What the servers themselves hold, read from each one's store.
fn union(sims: &SimFleet) -> Keys {
    let mut all = Keys::new();
    for (name, sim) in sims.clusters() {
        for pod in sim.pods() {
            all.insert((
                name.clone(),
                pod.metadata.namespace.unwrap_or_default(),
                pod.metadata.name.unwrap_or_default(),
            ));
        }
    }
    all
}

fn live(w: &Wall, i: usize) -> bool {
    w.state.clusters[i].connection == Connection::Connected && w.state.clusters[i].synced
}

/// Watch requests `sim` answered with success.
fn watches_accepted(sim: &SimCluster) -> usize {
    (sim.request_log().iter())
        .filter(|r| r.uri.contains("watch=true") && r.status == 200)
        .count()
}

fn no_mutation(sim: &SimCluster, name: &str) {
    let log = sim.request_log();
    let mutating: Vec<_> = log.iter().filter(|r| r.method != "GET").collect();
    assert!(
        mutating.is_empty(),
        "{name}: mutating requests: {mutating:?}"
    );
    assert!(
        log.iter().any(|r| r.uri.contains("pods")),
        "{name}: pods were read from it"
    );
}

async fn fleet(n: usize) -> SimFleet {
    SimFleet::start(
        n,
        SimConfig {
            pods: 40,
            namespaces: 3,
            ..SimConfig::default()
        },
    )
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_table_is_the_union_of_every_cluster_and_one_down_leaves_the_others_live() {
    let sims = fleet(3).await;
    let mut wall = Wall::start(&sims).await;
    let want = union(&sims);
    wall.until("every cluster listed", |w| {
        w.state.synced() && w.keys() == union(&sims)
    })
    .await;
    assert_eq!(wall.keys(), want);
    // Same-named pods in two clusters are two rows, each filed under its own cluster.
    assert_eq!(wall.state.pods.len(), want.len());
    let names: Vec<&str> = (wall.state.clusters.iter())
        .map(|c| c.header.context.as_str())
        .collect();
    assert_eq!(names, ["sim-1", "sim-2", "sim-3"]);

    // sim-2 goes away: it turns stale, its rows stay as last seen, the others stay live.
    let (_, down) = &sims.clusters()[1];
    down.stop().await;
    wall.until("sim-2 shown stale", |w| {
        matches!(
            w.state.clusters[1].connection,
            Connection::Reconnecting { .. }
        )
    })
    .await;
    assert!(
        live(&wall, 0) && live(&wall, 2),
        "the other clusters stay live"
    );
    // The other clusters re-opening their watches says nothing about sim-2: it stays stale
    // (each cluster counts the watches its own server accepted).
    for i in [0, 2] {
        let (_, other) = &sims.clusters()[i];
        let before = watches_accepted(other);
        other.faults().drop_watches();
        wall.until("the others re-open their watches", |_| {
            watches_accepted(other) > before
        })
        .await;
    }
    // The reconnect probe looks every 500 ms: over three looks, sim-2 is never shown back.
    let watching = std::time::Instant::now();
    while watching.elapsed() < Duration::from_millis(1600) {
        wall.drain();
        assert!(
            matches!(
                wall.state.clusters[1].connection,
                Connection::Reconnecting { .. }
            ),
            "sim-2 is still down: {:?}",
            wall.state.clusters[1].connection
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let sim2_rows = wall.keys().iter().filter(|k| k.0 == "sim-2").count();
    assert_eq!(sim2_rows, want.iter().filter(|k| k.0 == "sim-2").count());

    // The live clusters keep updating while sim-2 is down.
    let (_, up) = &sims.clusters()[2];
    let victim = up.pods().into_iter().next().unwrap();
    let (ns, name) = (
        victim.metadata.namespace.clone().unwrap(),
        victim.metadata.name.clone().unwrap(),
    );
    assert!(up.delete_pod(&ns, &name));
    let gone = ("sim-3".to_string(), ns, name);
    wall.until("sim-3's deletion shown", |w| !w.keys().contains(&gone))
        .await;

    // While down, sim-2 changes; once back, its rows converge to its new state.
    let (_, back) = &sims.clusters()[1];
    let removed = back.pods().into_iter().next().unwrap();
    back.delete_pod(
        removed.metadata.namespace.as_deref().unwrap(),
        removed.metadata.name.as_deref().unwrap(),
    );
    back.restart().await.unwrap();
    wall.until("sim-2 live again and equal to its server", |w| {
        live(w, 1) && w.keys() == union(&sims)
    })
    .await;
    assert!(live(&wall, 0) && live(&wall, 2));

    for (name, sim) in sims.clusters() {
        no_mutation(sim, name);
    }
    sims.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_cluster_down_at_start_does_not_hold_back_the_others_and_joins_when_it_comes_up() {
    let sims = fleet(2).await;
    let (_, late) = &sims.clusters()[1];
    late.stop().await;
    let mut wall = Wall::start(&sims).await;
    wall.until("sim-1 listed while sim-2 is down", |w| {
        live(w, 0) && w.keys().iter().filter(|k| k.0 == "sim-1").count() == 40
    })
    .await;
    assert!(!wall.state.clusters[1].synced);
    assert_eq!(
        wall.state.clusters[1].header.server_version,
        "version unknown"
    );
    late.restart().await.unwrap();
    wall.until("sim-2 joins", |w| live(w, 1) && w.keys() == union(&sims))
        .await;
    for (name, sim) in sims.clusters() {
        no_mutation(sim, name);
    }
    sims.stop().await;
}
