//! The simulated cluster's realistic slow mode (src/sim/pacing.rs) over real HTTP: off unless
//! asked, and when on, a LIST, a page and a streaming list each take at least the server
//! time calibrated on a real 1.35 server (real-apiserver-facts.md, "Speed of the list paths":
//! 0.47–0.58 s for a gzip LIST of 10,001 pods, 0.87 s for the streaming list, ~2.4 s in pages
//! of 500), with the same content as without it. Only lower bounds: sleeps never end early,
//! so these cannot fail on a slow machine; nothing bounds a time from above.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::sim_common;

use k8s_openapi::api::core::v1::Pod;
use kube::Api;
use kube::api::ListParams;
use sim_common::{ADMIN, next_line, watch_lines};
use simcluster::pacing::ListPath;
use simcluster::{Identity, SimCluster, SimConfig};
use std::time::{Duration, Instant};

const PODS: usize = 1_200;

async fn sim(realistic: bool) -> SimCluster {
    SimCluster::start(SimConfig {
        pods: PODS,
        namespaces: 4,
        metrics: false,
        realistic,
        ..SimConfig::empty()
    })
    .await
    .unwrap()
}

async fn names(sim: &SimCluster, params: &ListParams) -> (Vec<String>, Duration) {
    let api: Api<Pod> = Api::all(sim.client(Identity::Admin).await.unwrap());
    let start = Instant::now();
    let list = api.list(params).await.unwrap();
    let elapsed = start.elapsed();
    let names = list
        .items
        .into_iter()
        .filter_map(|p| p.metadata.name)
        .collect();
    (names, elapsed)
}

/// Whether `elapsed` reached `floor`; the pacer does not sleep for the last millisecond.
fn at_least(elapsed: Duration, floor: Duration) -> bool {
    elapsed + Duration::from_millis(1) >= floor
}

#[test]
fn tests_pay_nothing_unless_they_ask() {
    assert!(!SimConfig::default().realistic);
    assert!(!SimConfig::empty().realistic);
}

#[tokio::test]
async fn realistic_lists_take_the_calibrated_server_time_and_keep_their_content() {
    let (fast, slow) = (sim(false).await, sim(true).await);
    assert!(slow.faults().realistic() && !fast.faults().realistic());
    let all = ListParams::default();
    let (want, _) = names(&fast, &all).await;
    assert!(want.len() >= PODS, "{} pods", want.len());
    let (got, elapsed) = names(&slow, &all).await;
    assert_eq!(got, want, "pacing changes timing only");
    // Whether or not the client asked for gzip, the cheaper path is the floor.
    let floor = ListPath::ListGzip.server_time(want.len());
    assert!(at_least(elapsed, floor), "{elapsed:?} < {floor:?}");

    let (page, elapsed) = names(&slow, &ListParams::default().limit(500)).await;
    assert_eq!(page[..], want[..500]);
    let floor = ListPath::Page.server_time(500);
    assert!(at_least(elapsed, floor), "page: {elapsed:?} < {floor:?}");
}

#[tokio::test]
async fn a_realistic_streaming_list_takes_the_watch_event_time() {
    let slow = sim(true).await;
    let path = "/api/v1/pods?watch=1&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true";
    let start = Instant::now();
    let mut rx = watch_lines(slow.addr(), path, ADMIN).await;
    let mut added = 0;
    while let Some(line) = next_line(&mut rx).await {
        if line.contains("\"type\":\"ADDED\"") {
            added += 1;
        } else if line.contains("initial-events-end") {
            break;
        }
    }
    let elapsed = start.elapsed();
    assert!(added >= PODS, "{added} initial events");
    let floor = ListPath::WatchEvents.server_time(added);
    assert!(at_least(elapsed, floor), "{elapsed:?} < {floor:?}");
}
