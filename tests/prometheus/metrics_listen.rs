//! `podsize sim --metrics-listen`: the sim's containers' usage at `/metrics` in the Prometheus
//! text format with cAdvisor's names and labels (issue #12). Scraped over HTTP and parsed here;
//! where `prometheus` is installed, a real Prometheus scrapes it and answers a query about it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::sim_http as sim_common;

use simcluster::{SimCluster, SimConfig};
use std::collections::{BTreeMap, BTreeSet};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

type Series = BTreeMap<(String, String), f64>;

/// `name{k="v",...} value` lines → (name, labels) → value; every line must parse.
fn parse(body: &str) -> Series {
    let mut out = Series::new();
    for line in body
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
    {
        let (head, value) = line.rsplit_once(' ').unwrap_or_else(|| panic!("{line}"));
        let (name, labels) = head.split_once('{').unwrap_or_else(|| panic!("{line}"));
        let labels = labels.strip_suffix('}').unwrap_or_else(|| panic!("{line}"));
        let value: f64 = value.parse().unwrap_or_else(|_| panic!("{line}"));
        assert!(value.is_finite() && value >= 0.0, "{line}");
        let keys: BTreeSet<&str> = labels
            .split(',')
            .map(|kv| kv.split_once('=').unwrap().0)
            .collect();
        assert_eq!(
            keys,
            BTreeSet::from(["container", "namespace", "pod"]),
            "{line}"
        );
        out.insert((name.to_string(), labels.to_string()), value);
    }
    out
}

async fn scrape(addr: std::net::SocketAddr) -> String {
    let (code, _head, body) = sim_common::raw_headers(addr, "GET", "/metrics", &[], b"").await;
    assert_eq!(code, 200, "{body}");
    body
}

async fn sim_and_metrics() -> (SimCluster, std::net::SocketAddr) {
    let sim = SimCluster::start(SimConfig {
        pods: 30,
        nodes: 2,
        namespaces: 2,
        ..SimConfig::default()
    })
    .await
    .unwrap();
    let addr =
        simcluster::metrics_listen::serve(sim.api().store.clone(), "127.0.0.1:0".parse().unwrap())
            .await
            .unwrap();
    (sim, addr)
}

#[tokio::test]
async fn metrics_are_parsable_with_cadvisor_names_and_counters_only_grow() {
    let (sim, addr) = sim_and_metrics().await;
    let body = scrape(addr).await;
    assert!(
        body.contains("# TYPE container_cpu_usage_seconds_total counter"),
        "{body}"
    );
    assert!(
        body.contains("# TYPE container_memory_working_set_bytes gauge"),
        "{body}"
    );
    let first = parse(&body);
    let running: usize = sim
        .pods()
        .iter()
        .filter(|p| sim_common::running(p))
        .map(|p| {
            let spec = p.spec.as_ref().unwrap();
            let sidecars = spec.init_containers.iter().flatten();
            spec.containers.len()
                + sidecars
                    .filter(|c| c.restart_policy.as_deref() == Some("Always"))
                    .count()
        })
        .sum();
    let count = |s: &Series, name: &str| s.keys().filter(|(n, _)| n == name).count();
    assert!(running > 0);
    assert_eq!(count(&first, "container_cpu_usage_seconds_total"), running);
    assert_eq!(count(&first, "container_memory_working_set_bytes"), running);
    assert!(
        first
            .iter()
            .any(|((n, _), v)| n.starts_with("container_memory") && *v > 0.0)
    );
    // A counter never goes down between scrapes.
    let second = parse(&scrape(addr).await);
    for ((name, labels), v) in &first {
        if name == "container_cpu_usage_seconds_total" {
            let after = second
                .get(&(name.clone(), labels.clone()))
                .copied()
                .unwrap_or(0.0);
            assert!(after >= *v, "{labels}: {v} → {after}");
        }
    }
}

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test]
async fn a_real_prometheus_scrapes_the_sim() {
    if Command::new("prometheus")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("skipping: prometheus is not installed");
        return;
    }
    let (_sim, addr) = sim_and_metrics().await;
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("prometheus.yml");
    std::fs::write(
        &config,
        format!(
            "global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: sim\n    static_configs:\n      - targets: ['{addr}']\n"
        ),
    )
    .unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let _server = Server(
        Command::new("prometheus")
            .arg(format!("--config.file={}", config.display()))
            .arg(format!(
                "--storage.tsdb.path={}",
                dir.path().join("data").display()
            ))
            .arg(format!("--web.listen-address=127.0.0.1:{port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let prom: std::net::SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
    let want = parse(&scrape(addr).await)
        .keys()
        .filter(|(n, _)| n == "container_memory_working_set_bytes")
        .count();
    let path = "/api/v1/query?query=count(container_memory_working_set_bytes%7Bjob%3D%22sim%22%7D)";
    // Waits (up to 60 s) for Prometheus to start and take its first scrape.
    let mut answer = String::new();
    for _ in 0..120 {
        if tokio::net::TcpStream::connect(prom).await.is_err() {
            tokio::time::sleep(Duration::from_millis(500)).await;
            continue;
        }
        let (code, _h, body) = sim_common::raw_headers(prom, "GET", path, &[], b"").await;
        if code == 200 && body.contains("\"value\"") {
            answer = body;
            break;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    let v: serde_json::Value =
        serde_json::from_str(&answer).unwrap_or_else(|_| panic!("no answer: {answer}"));
    let n: usize = v["data"]["result"][0]["value"][1]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(n, want, "{answer}");
}
