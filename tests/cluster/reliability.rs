//! Watch recovery under faults: after each, the table converges to the server's truth,
//! with no phantom or lost rows, and retries back off instead of looping hot.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::sim_http as sim_common;

use chrono::Utc;
use podsize::app::state::HeaderInfo;
use podsize::app::{Action, AppState, update};
use podsize::cluster::watch::watch_pods;
use podsize::model::pods::events::{ClusterEvent, Connection, Scope};
use podsize::settings::InitialList;
use rand::{Rng, SeedableRng};
use simcluster::{FaultCode, SimCluster, SimConfig};
use std::time::Duration;
use tokio::sync::mpsc::UnboundedReceiver;

/// The watch probe counts per process: run these tests one at a time so one test's watches
/// do not tell the other its connection is back.
static SERIAL: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

struct Table {
    state: AppState,
    rx: UnboundedReceiver<ClusterEvent>,
    task: tokio::task::JoinHandle<()>,
}

impl Table {
    async fn start(sim: &SimCluster, mode: InitialList) -> Self {
        // Built the way podsize builds clients, so the watch probe layer is in place.
        let config = kube::Config::from_custom_kubeconfig(sim.kubeconfig(), &Default::default())
            .await
            .unwrap();
        let client = podsize::cluster::client::build_client(config, false).unwrap();
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
        let task = tokio::spawn(watch_pods(client, Scope::default(), mode, tx));
        Self {
            state: AppState::new(HeaderInfo::default(), Scope::default()),
            rx,
            task,
        }
    }

    fn drain(&mut self) {
        while let Ok(event) = self.rx.try_recv() {
            update(&mut self.state, Action::Cluster(event), Utc::now());
        }
    }

    /// (namespace, name, resourceVersion) of every row.
    fn rows(&self) -> Vec<(String, String, Option<String>)> {
        self.state
            .pods
            .values()
            .map(|p| {
                (
                    p.namespace.clone(),
                    p.name.clone(),
                    p.resource_version.clone(),
                )
            })
            .collect()
    }
}

fn server_rows(sim: &SimCluster) -> Vec<(String, String, Option<String>)> {
    let mut rows: Vec<_> = sim
        .pods()
        .into_iter()
        .map(|p| {
            (
                p.metadata.namespace.unwrap(),
                p.metadata.name.unwrap(),
                p.metadata.resource_version,
            )
        })
        .collect();
    rows.sort();
    rows
}

/// Waits until the table equals the server (names and resourceVersions) for a quiet moment.
async fn converges(table: &mut Table, sim: &SimCluster, what: &str) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        table.drain();
        if table.state.synced()
            && table.rows() == server_rows(sim)
            && table.state.clusters[0].connection == Connection::Connected
        {
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{what}: table never converged\n table: {}\nserver: {}",
            table.rows().len(),
            server_rows(sim).len()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn churn(sim: &SimCluster, rng: &mut rand::rngs::SmallRng, n: usize) {
    for _ in 0..n {
        let pods = sim.pods();
        if rng.random_bool(0.5) && !pods.is_empty() {
            let victim = &pods[rng.random_range(0..pods.len())];
            sim.delete_pod(
                victim.metadata.namespace.as_deref().unwrap(),
                victim.metadata.name.as_deref().unwrap(),
            );
        } else {
            let mut pod = sim_common::resize_demo();
            pod.metadata.name = Some(format!("churn-{}", rng.random::<u32>()));
            let _ = sim.create_pod(pod);
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn twenty_random_faults_end_with_the_servers_state() {
    let _serial = SERIAL.lock().await;
    let sim = SimCluster::start(SimConfig {
        pods: 60,
        namespaces: 3,
        ..SimConfig::empty()
    })
    .await
    .unwrap();
    let mut table = Table::start(&sim, InitialList::Streaming).await;
    converges(&mut table, &sim, "initial list").await;
    let mut rng = rand::rngs::SmallRng::seed_from_u64(7);
    for round in 0..20 {
        let fault = rng.random_range(0..6);
        match fault {
            0 => sim.faults().drop_watches(),
            1 => {
                sim.faults().expire_next_watch();
                sim.faults().drop_watches();
            }
            2 => sim.faults().fail_next(FaultCode::TooManyRequests, 3),
            3 => sim.faults().fail_next(FaultCode::Internal, 3),
            4 => {
                sim.stop().await;
                churn(&sim, &mut rng, 3);
                sim.restart().await.unwrap();
            }
            _ => sim.faults().set_latency(Duration::from_millis(150)),
        }
        // Changes during and after the fault.
        churn(&sim, &mut rng, 2);
        if fault != 4 {
            sim.faults().drop_watches();
        }
        converges(&mut table, &sim, &format!("round {round}, fault {fault}")).await;
        sim.faults().clear();
    }
    table.task.abort();
}

#[tokio::test(flavor = "multi_thread")]
async fn an_outage_is_retried_with_backoff_not_a_hot_loop() {
    let _serial = SERIAL.lock().await;
    let sim = SimCluster::start(SimConfig {
        pods: 10,
        ..SimConfig::empty()
    })
    .await
    .unwrap();
    let mut table = Table::start(&sim, InitialList::Paged).await;
    converges(&mut table, &sim, "initial list").await;
    sim.clear_request_log();
    // Every request fails for 12 s; the watch is cut so the client must retry.
    sim.faults()
        .fail_for(FaultCode::Internal, Duration::from_secs(12));
    sim.faults().drop_watches();
    tokio::time::sleep(Duration::from_secs(3)).await;
    table.drain();
    assert!(
        matches!(
            table.state.clusters[0].connection,
            Connection::Reconnecting { .. }
        ),
        "{:?}",
        table.state.clusters[0].connection
    );
    tokio::time::sleep(Duration::from_secs(9)).await;
    let attempts = sim.request_log().iter().filter(|r| r.status >= 500).count();
    assert!(attempts >= 2, "it kept trying ({attempts})");
    assert!(
        attempts <= 15,
        "backoff: {attempts} failed requests in 12 s is a hot loop"
    );
    sim.faults().clear();
    churn(&sim, &mut rand::rngs::SmallRng::seed_from_u64(1), 4);
    converges(&mut table, &sim, "after the outage").await;
    table.task.abort();
}
