//! What the end-to-end benches share: a `podsize sim` process (one cluster or a fleet) with
//! the kubeconfig it wrote, medians, and `/proc` readings of a running podsize.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_podsize");

pub fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

/// Reads a `/proc/PID/status` field in KiB.
pub fn proc_kib(pid: &str, field: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap_or_default()
        .lines()
        .find(|l| l.starts_with(field))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

/// A `podsize sim` process, killed on drop.
pub struct Sim {
    pub child: Child,
    /// The first (or only) cluster's URL (not every bench reads it).
    #[allow(dead_code)]
    pub url: String,
    pub kubeconfig: String,
}

impl Drop for Sim {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// How the sim is started.
#[derive(Clone, Copy)]
pub struct SimShape {
    pub clusters: usize,
    /// Pods per cluster.
    pub pods: usize,
    /// A real server's time per object (`podsize sim --realistic`).
    pub realistic: bool,
    /// metrics.k8s.io served; without it the sim answers as a cluster with no metrics-server.
    pub metrics: bool,
}

/// Starts the sim (seeds 1 … clusters, so a fleet's clusters differ; a node per 100 pods
/// plus four, 20 namespaces) and waits until it says the kubeconfig is written: waiting for
/// the file to exist could read it half written.
pub fn start_sim(shape: SimShape, dir: &Path) -> Sim {
    let SimShape {
        clusters,
        pods,
        realistic,
        metrics,
    } = shape;
    let kubeconfig = dir.join(format!(
        "sim-{clusters}x{pods}-{realistic}-{metrics}.kubeconfig"
    ));
    let kubeconfig = kubeconfig.to_str().unwrap().to_string();
    let mut child = Command::new(BIN)
        .args(["sim", "--clusters", &clusters.to_string()])
        .args(["--pods", &pods.to_string()])
        .args(["--nodes", &(pods / 100 + 4).to_string()])
        .args(["--namespaces", "20", "--kubeconfig-out", &kubeconfig])
        .args(realistic.then_some("--realistic"))
        .args((!metrics).then_some("--no-metrics"))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut url = None;
    loop {
        let line = lines.next().expect("sim output").unwrap();
        if let Some(rest) = line.split("listening on ").nth(1) {
            url.get_or_insert_with(|| rest.trim().to_string());
        }
        if line.starts_with("kubeconfig written to") {
            break;
        }
    }
    std::thread::spawn(move || for _ in lines {});
    Sim {
        child,
        url: url.expect("a listening line"),
        kubeconfig,
    }
}
