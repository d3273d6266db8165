//! Time of `podsize recommend -A -o json` at 10,000 pods against a real Prometheus backfilled
//! with the simulated cluster's usage history (issue #12), the backfill done as
//! tests/recommend_prometheus.rs does it (`promtool tsdb create-blocks-from openmetrics`).
//! Prints the median next to its target (5 s). Needs `prometheus` and `promtool`.
//!
//!     cargo bench --bench recommend
//!
//! Knobs (environment): PODSIZE_BENCH_PODS (10000), PODSIZE_BENCH_HISTORY_HOURS (336 = 14 d),
//! PODSIZE_BENCH_STEP_SECS (60; at most 150 so `rate(...[5m])` has two samples), RUNS (3).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use simcluster::{SimCluster, SimConfig};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_podsize");
const TARGET_SECS: f64 = 5.0;

fn knob(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn have(binary: &str) -> bool {
    Command::new(binary)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

fn load() -> String {
    std::fs::read_to_string("/proc/loadavg").unwrap_or_default()
}

fn backfill(sim: &SimCluster, dir: &std::path::Path, hours: u64, step: u64) -> std::path::PathBuf {
    let history = dir.join("history.om");
    let t = Instant::now();
    let mut out = std::io::BufWriter::new(std::fs::File::create(&history).unwrap());
    let end = chrono::Utc::now().timestamp() - step as i64;
    simcluster::usage_history::write_openmetrics(
        &sim.api().store,
        (hours * 3600) as i64,
        step as i64,
        end,
        &mut out,
    )
    .unwrap();
    std::io::Write::flush(&mut out).unwrap();
    drop(out);
    let size = std::fs::metadata(&history).map(|m| m.len()).unwrap_or(0);
    println!(
        "history written: {:.1} MB in {:.1} s",
        size as f64 / 1e6,
        t.elapsed().as_secs_f64()
    );
    let data = dir.join("data");
    let t = Instant::now();
    let status = Command::new("promtool")
        .args(["tsdb", "create-blocks-from", "openmetrics"])
        .arg(&history)
        .arg(&data)
        .stdout(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success(), "promtool failed");
    println!("promtool backfill: {:.1} s", t.elapsed().as_secs_f64());
    let _ = std::fs::remove_file(&history);
    data
}

fn start_prometheus(dir: &std::path::Path, data: &std::path::Path) -> (Server, String) {
    let config = dir.join("prometheus.yml");
    std::fs::write(&config, "global:\n  scrape_interval: 1m\n").unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let server = Server(
        Command::new("prometheus")
            .arg(format!("--config.file={}", config.display()))
            .arg(format!("--storage.tsdb.path={}", data.display()))
            .arg(format!("--web.listen-address=127.0.0.1:{port}"))
            .arg("--storage.tsdb.retention.time=30d")
            // The backfilled history stops when it was written, minutes before the queries; a live
            // Prometheus keeps scraping, so its running containers always have a sample within the
            // 5-minute lookback. A longer lookback stands for those minutes of scraping.
            .arg("--query.lookback-delta=30m")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let addr = format!("127.0.0.1:{port}");
    for _ in 0..240 {
        if std::net::TcpStream::connect(&addr).is_ok() {
            let ready = Command::new("curl")
                .args(["-sf", &format!("http://{addr}/-/ready")])
                .output();
            if ready.is_ok_and(|o| o.status.success()) {
                return (server, format!("http://{addr}"));
            }
        }
        std::thread::sleep(Duration::from_millis(500));
    }
    panic!("prometheus did not become ready");
}

fn one_run(kubeconfig: &std::path::Path, prom: &str, hours: u64) -> (f64, usize) {
    let log = kubeconfig.with_file_name("recommend.log");
    let _ = std::fs::remove_file(&log);
    let t = Instant::now();
    let out = Command::new(BIN)
        .arg("--kubeconfig")
        .arg(kubeconfig)
        .arg("--log-file")
        .arg(&log)
        .args(["recommend", "-A", "-o", "json", "--prometheus", prom])
        .args(["--history", &format!("{hours}h")])
        .output()
        .unwrap();
    let secs = t.elapsed().as_secs_f64();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    let from_prom = rows
        .iter()
        .filter(|r| r["source"]["name"] == "prometheus")
        .count();
    println!(
        "  run: {secs:.2} s, {} containers, {from_prom} from prometheus",
        rows.len()
    );
    // Where the time went, from podsize's own log: each phase and each query's answer time.
    for line in std::fs::read_to_string(&log).unwrap_or_default().lines() {
        if let Some(at) = line.find("elapsed_ms") {
            let short: String = line[at..].chars().take(150).collect();
            println!("    {short}");
        }
    }
    (secs, rows.len())
}

/// Each of the ten queries `recommend -A` sends, timed alone (three times, median), so a slow
/// one shows apart from the load of the others running beside it.
fn each_query_alone(prom: &str, hours: u64) {
    let q = podsize::cluster::prometheus::queries(
        &podsize::model::pods::events::Scope::default(),
        chrono::TimeDelta::hours(hours as i64),
        95,
    );
    let all = [
        ("cpu_percentile", &q.cpu_percentile),
        ("cpu_peak", &q.cpu_peak),
        ("memory_peak", &q.memory_peak),
        ("samples", &q.samples),
        ("first_sample", &q.first_sample),
        ("last_sample", &q.last_sample),
        ("cfs_periods", &q.cfs_periods),
        ("cfs_throttled", &q.cfs_throttled),
        ("oom_events", &q.oom_events),
        ("oom_terminated", &q.oom_terminated),
    ];
    println!("each query alone (median of 3):");
    for (name, promql) in all {
        let mut times: Vec<f64> = (0..3)
            .map(|_| {
                let t = Instant::now();
                let out = Command::new("curl")
                    .args(["-sf", "-o", "/dev/null", "--data-urlencode"])
                    .arg(format!("query={promql}"))
                    .arg(format!("{prom}/api/v1/query"))
                    .status()
                    .unwrap();
                assert!(out.success(), "{name} failed");
                t.elapsed().as_secs_f64()
            })
            .collect();
        times.sort_by(f64::total_cmp);
        println!("  {name:16} {:.2} s", times[1]);
    }
}

fn main() {
    if !have("prometheus") || !have("promtool") {
        println!("skipped: prometheus/promtool not installed (apt-get install prometheus)");
        return;
    }
    let pods = knob("PODSIZE_BENCH_PODS", 10_000) as usize;
    let hours = knob("PODSIZE_BENCH_HISTORY_HOURS", 336);
    let step = knob("PODSIZE_BENCH_STEP_SECS", 60).min(150);
    let runs = knob("RUNS", 3).max(1);
    let rt = tokio::runtime::Runtime::new().unwrap();
    let sim = rt
        .block_on(SimCluster::start(SimConfig {
            pods,
            nodes: (pods / 250).max(2),
            namespaces: 20,
            ..SimConfig::default()
        }))
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let kubeconfig = dir.path().join("kubeconfig");
    sim.write_kubeconfig(&kubeconfig).unwrap();
    println!(
        "{pods} pods, {hours} h of history every {step} s; load before: {}",
        load().trim()
    );
    let data = backfill(&sim, dir.path(), hours, step);
    let (_server, prom) = start_prometheus(dir.path(), &data);
    let mut times: Vec<f64> = (0..runs)
        .map(|_| one_run(&kubeconfig, &prom, hours).0)
        .collect();
    times.sort_by(f64::total_cmp);
    each_query_alone(&prom, hours);
    let median = times[times.len() / 2];
    let ok = if median <= TARGET_SECS { "✓" } else { "✗" };
    let hold = knob("PODSIZE_BENCH_HOLD_SECS", 0);
    if hold > 0 {
        println!(
            "holding {hold} s: --kubeconfig {} --prometheus {prom}",
            kubeconfig.display()
        );
        std::thread::sleep(Duration::from_secs(hold));
    }
    println!(
        "podsize recommend -A -o json at {pods} pods: median {median:.2} s (target ≤ {TARGET_SECS} s) {ok}; load after: {}",
        load().trim()
    );
}
