//! Reconnecting after the server went away, came back with a new certificate, was never up
//! at start, or refuses the credentials. The watch task is driven exactly as the dashboard
//! drives it: a client rebuilt from the kubeconfig file when failures persist.
//! Deadlines are generous (20 s); the measured recovery time is reported, not asserted.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::Utc;
use podsize::app::state::HeaderInfo;
use podsize::app::{Action, AppState, update};
use podsize::cli::CommonArgs;
use podsize::cluster::client::{build_client, load_config};
use podsize::cluster::connector::Connector;
use podsize::cluster::retry::RetryPolicy;
use podsize::cluster::watch::watch_pods;
use podsize::model::pods::events::{ClusterEvent, Connection, Scope};
use podsize::settings::InitialList;
use simcluster::{ADMIN_TOKEN, SimCluster, SimConfig};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use tokio::sync::mpsc::UnboundedReceiver;

/// The watch probe counts accepted watches per process: one test at a time.
static SERIAL: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

const DEADLINE: Duration = Duration::from_secs(20);

struct Table {
    state: AppState,
    rx: UnboundedReceiver<ClusterEvent>,
    /// Every connection state the watch reported, in order.
    connections: Vec<Connection>,
    task: tokio::task::JoinHandle<()>,
}

impl Table {
    async fn start(kubeconfig: &Path, policy: RetryPolicy) -> Self {
        let common = CommonArgs {
            kubeconfig: Some(kubeconfig.to_path_buf()),
            ..Default::default()
        };
        let (config, target) = load_config(&common).await.unwrap();
        let client = build_client(config, false).unwrap();
        let conn = Connector::from_kubeconfig(client, &common)
            .for_server(&target.server)
            .with_policy(policy);
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
        let task = tokio::spawn(watch_pods(conn, Scope::default(), InitialList::Paged, tx));
        Self {
            state: AppState::new(HeaderInfo::default(), Scope::default()),
            rx,
            connections: Vec::new(),
            task,
        }
    }

    fn drain(&mut self) {
        while let Ok(event) = self.rx.try_recv() {
            if let ClusterEvent::Connection(c) = &event {
                self.connections.push(c.clone());
            }
            update(&mut self.state, Action::Cluster(event), Utc::now());
        }
    }

    fn names(&self) -> Vec<String> {
        self.state.pods.values().map(|p| p.name.clone()).collect()
    }
}

fn server_names(sim: &SimCluster) -> Vec<String> {
    let mut names: Vec<_> = sim
        .pods()
        .into_iter()
        .map(|p| p.metadata.name.unwrap())
        .collect();
    names.sort();
    names
}

/// Polls until the table is live and equals the server; returns how long that took.
async fn live(table: &mut Table, sim: &SimCluster, what: &str) -> Duration {
    let start = Instant::now();
    loop {
        table.drain();
        let mut names = table.names();
        names.sort();
        if table.state.synced()
            && table.state.clusters[0].connection == Connection::Connected
            && names == server_names(sim)
        {
            return start.elapsed();
        }
        assert!(
            start.elapsed() < DEADLINE,
            "{what}: not live after {DEADLINE:?}: {:?}, {} of {} rows",
            table.state.clusters[0].connection,
            names.len(),
            server_names(sim).len()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn tls_sim(pods: usize) -> SimCluster {
    SimCluster::start(SimConfig {
        pods,
        tls: true,
        ..SimConfig::empty()
    })
    .await
    .unwrap()
}

fn add_pod(sim: &SimCluster, name: &str) {
    let mut pod = k8s_openapi::api::core::v1::Pod::default();
    pod.metadata.name = Some(name.into());
    pod.metadata.namespace = Some("default".into());
    pod.spec = Some(k8s_openapi::api::core::v1::PodSpec {
        containers: vec![k8s_openapi::api::core::v1::Container {
            name: "app".into(),
            image: Some("nginx".into()),
            ..Default::default()
        }],
        ..Default::default()
    });
    sim.create_pod(pod).unwrap();
}

fn kubeconfig_path(dir: &tempfile::TempDir) -> PathBuf {
    dir.path().join("kubeconfig")
}

#[tokio::test(flavor = "multi_thread")]
async fn a_restart_with_a_new_certificate_is_followed_within_seconds() {
    let _serial = SERIAL.lock().await;
    let sim = tls_sim(12).await;
    let dir = tempfile::tempdir().unwrap();
    let path = kubeconfig_path(&dir);
    sim.write_kubeconfig(&path).unwrap();
    let mut table = Table::start(&path, RetryPolicy::default()).await;
    live(&mut table, &sim, "initial list").await;

    let old_ca = sim.ca_pem();
    sim.restart_with_new_certificate().await.unwrap();
    assert_ne!(sim.ca_pem(), old_ca, "the certificate changed");
    // As a rebuilt control plane's installer does: the kubeconfig now names the new CA.
    sim.write_kubeconfig(&path).unwrap();
    add_pod(&sim, "after-restart");
    let took = live(&mut table, &sim, "after the restart").await;
    eprintln!("recovery after a restart with a new certificate: {took:?}");
    // A request that raced onto a connection the old server was still closing may be answered
    // without any failure; either way the table must hold the pod written after the restart.
    if !table
        .connections
        .iter()
        .any(|c| matches!(c, Connection::Reconnecting { .. }))
    {
        eprintln!("note: this run never saw the connection drop");
    }
    assert!(table.names().contains(&"after-restart".to_string()));
    table.task.abort();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_watch_started_while_the_server_is_down_recovers_when_it_comes_up() {
    let _serial = SERIAL.lock().await;
    let sim = tls_sim(8).await;
    let dir = tempfile::tempdir().unwrap();
    let path = kubeconfig_path(&dir);
    sim.write_kubeconfig(&path).unwrap();
    sim.stop().await;
    let mut table = Table::start(&path, RetryPolicy::default()).await;
    // Long enough for the backoff to reach its cap and for several failed attempts.
    let deadline = Instant::now() + DEADLINE;
    loop {
        table.drain();
        if let Connection::Reconnecting { attempt, .. } = table.state.clusters[0].connection
            && attempt >= 4
        {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "{:?}",
            table.state.clusters[0].connection
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    sim.restart().await.unwrap();
    let took = live(&mut table, &sim, "after the server came up").await;
    eprintln!("recovery of a watch started while the server was down: {took:?}");
    table.task.abort();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_refused_token_is_said_plainly_counted_and_aged_until_the_kubeconfig_is_fixed() {
    let _serial = SERIAL.lock().await;
    let sim = tls_sim(5).await;
    let dir = tempfile::tempdir().unwrap();
    let path = kubeconfig_path(&dir);
    sim.write_kubeconfig(&path).unwrap();
    let good = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, good.replace(ADMIN_TOKEN, "wrong-token")).unwrap();
    // The real delay is 30 s; shortened so the count can be seen growing in a test.
    let policy = RetryPolicy {
        unauthorized: Duration::from_millis(700),
        ..RetryPolicy::default()
    };
    let mut table = Table::start(&path, policy).await;
    let deadline = Instant::now() + DEADLINE;
    let failures = loop {
        table.drain();
        let failures: Vec<_> = table
            .connections
            .iter()
            .filter_map(|c| match c {
                Connection::Reconnecting {
                    attempt,
                    error,
                    since,
                } => Some((*attempt, error.clone(), *since)),
                _ => None,
            })
            .collect();
        if failures.len() >= 3 {
            break failures;
        }
        assert!(Instant::now() < deadline, "{:?}", table.connections);
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let attempts: Vec<u32> = failures.iter().map(|f| f.0).collect();
    assert_eq!(attempts[..3], [1, 2, 3], "the attempt count grows");
    for (_, error, since) in &failures {
        assert!(error.starts_with("not authorized: "), "{error}");
        assert!(error.contains("re-reading kubeconfig"), "{error}");
        assert_eq!(*since, failures[0].2, "retries do not reset the stale age");
    }
    // The header's age keeps growing across retries.
    let header_age = |state: &AppState| match &state.clusters[0].connection {
        Connection::Reconnecting { since, .. } => Utc::now() - *since,
        other => panic!("{other:?}"),
    };
    let first_age = header_age(&table.state);
    tokio::time::sleep(Duration::from_millis(1500)).await;
    table.drain();
    assert!(header_age(&table.state) > first_age);
    // A fixed kubeconfig is picked up without restarting podsize.
    std::fs::write(&path, good).unwrap();
    let took = live(&mut table, &sim, "after the kubeconfig was fixed").await;
    eprintln!("recovery after the kubeconfig was fixed: {took:?}");
    table.task.abort();
}
