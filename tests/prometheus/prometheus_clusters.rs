//! Right-sizing on a wall of several clusters (issues #12 and #15): each cluster's
//! recommendations read that cluster's own Prometheus, named per kubeconfig context under
//! `[prometheus.contexts]`. Two simulated clusters, each with a real Prometheus serving its own
//! backfilled history; the figures the dashboard's state holds for every pod must equal what
//! that pod's cluster's Prometheus answers the test itself. Skipped, with the reason printed,
//! where the binaries are absent (`.ci/run` installs Debian's `prometheus` package).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use common::fleet_wall::Wall;
use common::prometheus::{have, one_value, start_prometheus};
use podsize::config::{Prefs, PromAddress};
use podsize::model::decide::recommend::Source;
use simcluster::SimConfig;
use simcluster::fleet::SimFleet;
use std::time::Duration;

const HISTORY: Duration = Duration::from_secs(86_400);

async fn two_clusters() -> SimFleet {
    SimFleet::start(
        2,
        SimConfig {
            pods: 4,
            nodes: 2,
            namespaces: 2,
            ..SimConfig::default()
        },
    )
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn each_cluster_reads_the_prometheus_its_context_names() {
    if !have("prometheus") || !have("promtool") {
        eprintln!("skipped: prometheus/promtool not installed (apt-get install prometheus)");
        return;
    }
    let sims = two_clusters().await;
    let dir = tempfile::tempdir().unwrap();
    let mut servers = Vec::new();
    let mut contexts = Vec::new();
    for (name, sim) in sims.clusters() {
        let own = dir.path().join(name);
        std::fs::create_dir_all(&own).unwrap();
        let history = own.join("history.om");
        podsize::commands::sim::write_history(sim, HISTORY, &history).unwrap();
        let (server, base) = start_prometheus(&own, &history).await;
        contexts.push((name.clone(), PromAddress::Url(base.clone())));
        servers.push((server, base));
    }
    let prefs = Prefs {
        prometheus_contexts: contexts,
        history: HISTORY,
        ..Prefs::default()
    };
    let mut wall = Wall::start_with(&sims, prefs).await;
    assert_eq!(wall.fleet.prometheus_notice(&wall.opts), None);
    let pods_of = |i: usize| sims.clusters()[i].1.pods().len();
    let (first, second) = (pods_of(0), pods_of(1));
    wall.until("Prometheus figures for every pod of both clusters", |w| {
        let count = |i: u16| {
            (w.state.long_usage.keys())
                .filter(|k| k.cluster == i)
                .count()
        };
        // At least every pod: the history also holds a rolled-out Deployment's gone pods.
        count(0) >= first && count(1) >= second
    })
    .await;

    let mut checked = [0, 0];
    for (key, containers) in &wall.state.long_usage {
        let cluster = usize::from(key.cluster);
        let base = &servers[cluster].1;
        for (container, usage) in containers {
            assert!(
                matches!(usage.source, Source::Prometheus { .. }),
                "{key:?} {container}: {:?}",
                usage.source
            );
            let sel = format!(
                r#"{{namespace="{}",pod="{}",container="{container}"}}"#,
                key.namespace, key.name
            );
            let peak = one_value(
                base,
                &format!("max_over_time(container_memory_working_set_bytes{sel}[1d])"),
            )
            .await;
            let ours = usage.memory_peak.unwrap() as f64;
            assert!(
                (ours - peak).abs() <= 0.01 * peak + 1.0,
                "{key:?} {container}: memory {ours} vs its own cluster's {peak}"
            );
            checked[cluster] += 1;
        }
    }
    assert!(checked[0] >= first && checked[1] >= second, "{checked:?}");
    // The pods of one cluster are not in the other's Prometheus: the figures above can only
    // have come from the server the context names.
    let (ns, pod) = {
        let key = (wall.state.long_usage.keys())
            .find(|k| k.cluster == 1)
            .unwrap();
        (key.namespace.clone(), key.name.clone())
    };
    let other = common::prometheus::prom_query(
        &servers[0].1,
        &format!(r#"container_memory_working_set_bytes{{namespace="{ns}",pod="{pod}"}}"#),
    )
    .await;
    assert!(
        other.is_empty(),
        "{pod} of sim-2 found in sim-1's: {other:?}"
    );
}

/// A Prometheus URL names one cluster's: with two on show it is read for neither unless the
/// context is listed, and the wall says which clusters fall back to live samples.
#[tokio::test(flavor = "multi_thread")]
async fn a_url_is_not_read_for_several_clusters_and_the_wall_says_so() {
    let sims = two_clusters().await;
    let prefs = Prefs {
        // Nothing listens here: a query sent to it would come back as an error status.
        prometheus: Some(PromAddress::Url(format!(
            "http://127.0.0.1:{}",
            common::prometheus::free_port()
        ))),
        ..Prefs::default()
    };
    let mut wall = Wall::start_with(&sims, prefs).await;
    assert_eq!(
        wall.fleet.prometheus_notice(&wall.opts).as_deref(),
        Some(
            "Prometheus URL read for one cluster only: name each context under \
             [prometheus.contexts] (live samples for sim-1, sim-2)"
        )
    );
    wall.until("both clusters synced", |w| w.state.synced())
        .await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    wall.drain();
    assert!(wall.state.long_usage.is_empty());
    let status = wall.state.status.as_ref().map(|s| s.text.clone());
    assert!(
        !status.as_deref().unwrap_or("").contains("Prometheus"),
        "{status:?}"
    );
}
