//! A real Prometheus for tests: a simulated cluster's usage history backfilled with
//! `promtool tsdb create-blocks-from openmetrics` and served on loopback, and queries of it
//! made by the test itself (the answers podsize's are checked against).

use serde_json::Value;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

pub fn have(binary: &str) -> bool {
    Command::new(binary)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Kills the Prometheus server when the test ends, however it ends.
pub struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

pub async fn prom_query(base: &str, promql: &str) -> Vec<Value> {
    let client = kube::Client::try_from(kube::Config::new(base.parse().unwrap())).unwrap();
    let encoded: String = promql
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect();
    let req = http::Request::get(format!("/api/v1/query?query={encoded}"))
        .body(Vec::new())
        .unwrap();
    let text = client.request_text(req).await.unwrap();
    let answer: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(answer["status"], "success", "{text}");
    answer["data"]["result"].as_array().unwrap().clone()
}

/// The single value of a query that selects one series.
pub async fn one_value(base: &str, promql: &str) -> f64 {
    let result = prom_query(base, promql).await;
    assert_eq!(result.len(), 1, "{promql}: {result:?}");
    result[0]["value"][1].as_str().unwrap().parse().unwrap()
}

pub async fn start_prometheus(
    dir: &std::path::Path,
    history: &std::path::Path,
) -> (Server, String) {
    let data = dir.join("data");
    let out = Command::new("promtool")
        .args(["tsdb", "create-blocks-from", "openmetrics"])
        .arg(history)
        .arg(&data)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "promtool: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let config = dir.join("prometheus.yml");
    std::fs::write(&config, "global:\n  scrape_interval: 1m\n").unwrap();
    let port = free_port();
    let child = Command::new("prometheus")
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
        .unwrap();
    let server = Server(child);
    let base = format!("http://127.0.0.1:{port}");
    let client = kube::Client::try_from(kube::Config::new(base.parse().unwrap())).unwrap();
    for _ in 0..120 {
        let ready = http::Request::get("/-/ready").body(Vec::new()).unwrap();
        if client.request_text(ready).await.is_ok() {
            return (server, base);
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    panic!("prometheus did not become ready");
}
