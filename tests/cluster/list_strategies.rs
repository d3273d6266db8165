//! The initial list over HTTP against the simulated cluster: every strategy gives the
//! server's table, the one-LIST strategy shows rows while the body still arrives, falls back
//! to pages when the server refuses an unpaged list, and re-lists the same way after a 410.
//! States are polled; nothing asserts a time (the deadline only stops a hung test).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::Utc;
use podsize::app::state::HeaderInfo;
use podsize::app::{Action, AppState, update};
use podsize::cluster::connector::Connector;
use podsize::cluster::watch::watch_pods;
use podsize::model::PodRow;
use podsize::model::pods::events::Scope;
use podsize::settings::InitialList;
use simcluster::{ADMIN_TOKEN, Identity, SimCluster, SimConfig};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const DEADLINE: Duration = Duration::from_secs(15);

async fn sim(pods: usize) -> SimCluster {
    SimCluster::start(SimConfig {
        pods,
        namespaces: 4,
        metrics: false,
        ..SimConfig::empty()
    })
    .await
    .unwrap()
}

struct Table {
    state: AppState,
    rx: tokio::sync::mpsc::UnboundedReceiver<podsize::model::pods::events::ClusterEvent>,
    task: tokio::task::JoinHandle<()>,
}

impl Table {
    async fn start(sim: &SimCluster, how: InitialList) -> Self {
        let client = sim.client(Identity::Admin).await.unwrap();
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
        let task = tokio::spawn(watch_pods(
            Connector::new(client, None),
            Scope::default(),
            how,
            tx,
        ));
        let state = AppState::new(HeaderInfo::default(), Scope::default());
        Self { state, rx, task }
    }

    /// Applies the next event; false when none came for a while.
    async fn step(&mut self) {
        let wait = tokio::time::timeout(Duration::from_millis(200), self.rx.recv()).await;
        if let Ok(Some(event)) = wait {
            update(&mut self.state, Action::Cluster(event), Utc::now());
        }
    }

    async fn until(&mut self, what: &str, done: impl Fn(&AppState) -> bool) {
        let start = Instant::now();
        while !done(&self.state) {
            assert!(
                start.elapsed() < DEADLINE,
                "timed out waiting for {what}: {:?}",
                self.state.clusters[0].connection
            );
            self.step().await;
        }
    }

    fn rows(&self) -> Vec<PodRow> {
        self.state.pods.values().cloned().collect()
    }
}

impl Drop for Table {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn server_keys(sim: &SimCluster) -> Vec<(String, String)> {
    let mut keys: Vec<_> = sim
        .pods()
        .into_iter()
        .map(|p| (p.metadata.namespace.unwrap(), p.metadata.name.unwrap()))
        .collect();
    keys.sort();
    keys
}

fn table_keys(t: &Table) -> Vec<(String, String)> {
    t.state
        .pods
        .keys()
        .map(|k| (k.namespace.clone(), k.name.clone()))
        .collect()
}

/// GETs of the pod collection that are neither watches nor pages.
fn unpaged_lists(sim: &SimCluster) -> usize {
    sim.request_log()
        .iter()
        .filter(|r| r.method == "GET" && r.uri.starts_with("/api/v1/pods"))
        .filter(|r| !r.uri.contains("watch=") && !r.uri.contains("limit="))
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_strategy_gives_the_servers_table() {
    let sim = sim(1_200).await;
    let mut tables = Vec::new();
    for how in [
        InitialList::List,
        InitialList::Streaming,
        InitialList::Paged,
    ] {
        let mut t = Table::start(&sim, how).await;
        t.until("a full table", |s| s.synced()).await;
        assert_eq!(table_keys(&t), server_keys(&sim), "{how:?}");
        tables.push(t.rows());
    }
    // The simulated kubelet keeps living between the loads (OOM kills, throttling): a pod
    // seen at the same resourceVersion must give the same row whatever the strategy.
    same_versions_same_rows(&tables[0], &tables[1], "list and stream");
    same_versions_same_rows(&tables[0], &tables[2], "list and pages");
    assert_eq!(
        unpaged_lists(&sim),
        1,
        "the list strategy asked once, unpaged"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rows_show_and_the_header_says_loading_before_the_list_has_arrived() {
    let sim = sim(3_000).await;
    sim.faults().pace_lists(Duration::from_millis(3));
    let mut t = Table::start(&sim, InitialList::List).await;
    t.until("some rows of an unfinished list", |s| !s.pods.is_empty())
        .await;
    assert!(!t.state.synced(), "rows came before the end of the list");
    let seen = t.state.pods.len();
    assert!(seen < 3_000, "{seen}");
    let count = podsize::app::loading::pod_count_text(&t.state);
    assert!(
        count.starts_with("loading ") && count.ends_with(" pods…"),
        "{count}"
    );
    t.until("the full table", |s| s.synced()).await;
    assert_eq!(table_keys(&t), server_keys(&sim));
    assert_eq!(
        podsize::app::loading::pod_count_text(&t.state),
        "3,000 pods"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_unpaged_list_falls_back_to_pages() {
    let sim = sim(1_100).await;
    sim.faults().refuse_unpaged_lists(true);
    let mut t = Table::start(&sim, InitialList::List).await;
    t.until("a full table", |s| s.synced()).await;
    assert_eq!(table_keys(&t), server_keys(&sim));
    let log = sim.request_log();
    assert!(
        log.iter()
            .any(|r| r.uri.contains("limit=500") && r.status == 200)
    );
    assert!(
        log.iter()
            .any(|r| !r.uri.contains("limit=") && r.status == 500)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_410_lists_again_the_same_way_and_the_table_follows_the_server() {
    let sim = sim(300).await;
    let mut t = Table::start(&sim, InitialList::List).await;
    t.until("a full table", |s| s.synced()).await;
    assert_eq!(unpaged_lists(&sim), 1);
    let (ns, name) = server_keys(&sim).remove(0);
    sim.faults().expire_next_watch();
    sim.faults().drop_watches();
    assert!(sim.delete_pod(&ns, &name));
    t.until("a second unpaged list", |_| unpaged_lists(&sim) >= 2)
        .await;
    t.until("the table without the deleted pod", |s| {
        s.synced()
            && s.clusters[0].loading.is_none()
            && !s.pods.contains_key(&podsize::model::pods::row::PodKey::new(
                0,
                ns.clone(),
                name.clone(),
            ))
    })
    .await;
    assert_eq!(table_keys(&t), server_keys(&sim));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sim_answers_a_pod_list_with_gzip_when_asked() {
    let sim = sim(50).await;
    let mut conn = tokio::net::TcpStream::connect(sim.addr()).await.unwrap();
    let request = format!(
        "GET /api/v1/pods HTTP/1.1\r\nHost: sim\r\nAuthorization: Bearer {ADMIN_TOKEN}\r\n\
         Accept-Encoding: gzip\r\nConnection: close\r\n\r\n"
    );
    conn.write_all(request.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    conn.read_to_end(&mut answer).await.unwrap();
    let head = String::from_utf8_lossy(&answer[..answer.len().min(400)]).to_lowercase();
    assert!(head.starts_with("http/1.1 200"), "{head}");
    assert!(head.contains("content-encoding: gzip"), "{head}");
}

fn same_versions_same_rows(a: &[PodRow], b: &[PodRow], what: &str) {
    let by_key: std::collections::HashMap<_, _> = b.iter().map(|r| (r.pod_key(), r)).collect();
    let mut compared = 0;
    for row in a {
        let Some(other) = by_key.get(&row.pod_key()) else {
            panic!("{what}: {} missing", row.name);
        };
        if row.resource_version == other.resource_version {
            assert_eq!(row, *other, "{what}");
            compared += 1;
        }
    }
    assert!(
        compared * 10 >= a.len() * 9,
        "{what}: only {compared} of {} comparable",
        a.len()
    );
}
