//! What one metrics reading costs the dashboard at 10,000 pods (issue #30 point 15): the
//! metrics.k8s.io answer parsed, applied (each container's history and right-sizing verdict)
//! and a frame drawn, each timed alone over several readings of a simulated cluster with its
//! VPAs; beside them, the answer fetched and read whole, and fetched and read as it arrives
//! (`metrics::fetch`), both over HTTP. The idle target — 0.3 % of a core with a reading every
//! 15 s — leaves 45 ms a reading; `cargo bench --bench scale` measures the whole process idle.
//!
//!     cargo bench --bench metrics_reading
//!     PODSIZE_BENCH_PODS=50000 READINGS=9 cargo bench --bench metrics_reading
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::{TimeDelta, Utc};
use podsize::app::state::HeaderInfo;
use podsize::app::{Action, AppState, update};
use podsize::model::pods::events::{ClusterEvent, Scope};
use podsize::theme::Theme;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use simcluster::{Identity, SimCluster, SimConfig};
use std::time::{Duration, Instant};

/// The share of one core the idle dashboard may use with metrics served, and the poll interval.
const IDLE_TARGET_PERCENT: f64 = 0.3;
const POLL_SECS: f64 = 15.0;

fn knob(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn main() {
    let pods = knob("PODSIZE_BENCH_PODS", 10_000) as usize;
    // One first reading, then whole minutes of four (every workload judged once in each).
    let readings = knob("READINGS", 9).max(3) as usize;
    let rt = tokio::runtime::Runtime::new().unwrap();
    let sim = rt
        .block_on(SimCluster::start(SimConfig {
            pods,
            nodes: (pods / 96).max(2),
            namespaces: 20,
            metrics: true,
            vpa: true,
            ..SimConfig::default()
        }))
        .unwrap();
    let client = rt.block_on(sim.client(Identity::Admin)).unwrap();
    let header = HeaderInfo {
        context: "bench".into(),
        server_version: "v1.35.0".into(),
        minor: Some(35),
        resize_disabled: false,
        rbac_denied: None,
        readonly: false,
    };
    let scope = Scope::default();
    let mut state = AppState::new(header, scope.clone());
    let start = Utc::now();

    // The pods, as the dashboard's first list gives them.
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    rt.block_on(podsize::cluster::list::list_pods(&client, &scope, &tx))
        .unwrap();
    drop(tx);
    let mut rows = Vec::new();
    while let Ok(event) = rx.try_recv() {
        if let ClusterEvent::ListBatch(batch) = event {
            rows.extend(batch);
        }
    }
    let listed = rows.len();
    update(
        &mut state,
        Action::Cluster(ClusterEvent::pods_reset(rows)),
        start,
    );
    // The VPAs and their owners, as the dashboard's VPA source sends them.
    let (vtx, mut vrx) = tokio::sync::mpsc::unbounded_channel();
    let feed = rt.spawn(podsize::cluster::vpa::feed_app(
        client.clone(),
        scope.clone(),
        vtx,
    ));
    let vpas = rt.block_on(async {
        tokio::time::timeout(Duration::from_secs(20), vrx.recv())
            .await
            .ok()
            .flatten()
    });
    let have_vpas = vpas.is_some();
    if let Some(event) = vpas {
        update(&mut state, Action::Cluster(event), start);
    }
    feed.abort();

    let theme = Theme::default();
    let mut terminal = Terminal::new(TestBackend::new(200, 50)).unwrap();
    let (mut parse, mut apply, mut draw) = (Vec::new(), Vec::new(), Vec::new());
    let (mut whole, mut streamed) = (Vec::new(), Vec::new());
    for i in 0..readings {
        // The answer held whole, as the poll read it before it was read as it arrives.
        let t = Instant::now();
        let request = podsize::cluster::metrics::request(&scope).unwrap();
        let body = rt.block_on(client.request_text(request)).unwrap();
        let received = t.elapsed();
        let t = Instant::now();
        let usage = podsize::cluster::metrics::parse_reading(&body).unwrap();
        parse.push(ms(t.elapsed()));
        whole.push(ms(received + t.elapsed()));
        drop(body);
        // The same answer read frame by frame as it arrives, as the poll reads it.
        let t = Instant::now();
        let read = rt
            .block_on(podsize::cluster::metrics::fetch_reading(&client, &scope))
            .unwrap();
        streamed.push(ms(t.elapsed()));
        assert_eq!(read.len(), usage.len(), "both reads give every pod");
        drop(read);
        // Readings 15 s apart, as the poll takes them.
        let now = start + TimeDelta::seconds(15 * (i as i64 + 1));
        let t = Instant::now();
        update(
            &mut state,
            Action::Cluster(ClusterEvent::Usage(Some(usage))),
            now,
        );
        apply.push(ms(t.elapsed()));
        let t = Instant::now();
        state.refresh_index();
        terminal
            .draw(|f| podsize::ui::draw(f, &state, now, &theme))
            .unwrap();
        draw.push(ms(t.elapsed()));
        // Let the simulated kubelet's usage move, as between two real readings.
        std::thread::sleep(Duration::from_millis(300));
    }
    let containers: usize = state.pods.values().map(|p| p.containers.len()).sum();
    let judged: usize = state.rightsizing.values().map(Vec::len).sum();
    println!(
        "{listed} pods, {containers} containers, VPAs {}, {judged} containers judged after {readings} readings",
        if have_vpas { "served" } else { "not served" }
    );
    // The first reading makes every history; the others are the steady state.
    let steady = |v: &[f64]| median(v[1..].to_vec());
    // Every workload is judged again once a minute (every fourth reading): what a reading
    // costs on average is the mean over whole minutes, not the median.
    let mean = |v: &[f64]| v[1..].iter().sum::<f64>() / (v.len() - 1) as f64;
    let (p, a, d) = (steady(&parse), mean(&apply), steady(&draw));
    let budget = IDLE_TARGET_PERCENT / 100.0 * POLL_SECS * 1e3;
    println!("parse one metrics.k8s.io answer:  {p:7.2} ms median");
    println!(
        "fetch it, whole then parsed:      {:7.2} ms median  (HTTP and the sim's answering included)",
        steady(&whole)
    );
    println!(
        "fetch it, read as it arrives:     {:7.2} ms median  (HTTP and the sim's answering included)",
        steady(&streamed)
    );
    println!(
        "apply it (histories, verdicts):   {a:7.2} ms mean    (median {:.2} ms, first reading {:.2} ms)",
        steady(&apply),
        apply[0]
    );
    println!("draw a frame after it (200×50):   {d:7.2} ms median");
    let total = p + a + d;
    println!(
        "one reading in all:               {total:7.2} ms = {:.2} % of a core at one reading per {POLL_SECS} s (target ≤ {IDLE_TARGET_PERCENT} %: {budget:.0} ms) {}",
        total / (POLL_SECS * 1e3) * 100.0,
        if total <= budget { "✓" } else { "✗" }
    );
}
