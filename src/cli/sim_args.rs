//! Options of `podsize demo` and `podsize sim`: the simulated cluster to build, and for `sim`
//! how it is served and what it writes out. Apart from the commands that talk to a real cluster.

use super::parse_duration_arg;
use clap::Args;
use std::path::PathBuf;
use std::time::Duration;

/// Options of the simulated cluster, shared by `demo` and `sim`.
#[derive(Debug, Args, Clone)]
pub struct SimOptions {
    /// Kubernetes minor version to imitate (27 to 37), e.g. 1.35 or 35.
    #[arg(long = "k8s-version", value_name = "VERSION", default_value = "1.35", value_parser = parse_minor)]
    pub minor: u32,
    /// Number of simulated nodes.
    #[arg(long, default_value_t = 4)]
    pub nodes: usize,
    /// Number of pods to generate.
    #[arg(long, default_value_t = 60)]
    pub pods: usize,
    /// Number of namespaces to spread the pods over.
    #[arg(long, default_value_t = 4)]
    pub namespaces: usize,
    /// Seed of the workload generator (same seed, same cluster).
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Create and delete pods and resize some now and then, like a live cluster.
    #[arg(long)]
    pub churn: bool,
    /// Delay before the simulated kubelet acts on a resize (e.g. 1s, 500ms).
    #[arg(long, default_value = "1s", value_parser = parse_duration_arg)]
    pub kubelet_delay: Duration,
    /// Take a real apiserver's time per object for lists and initial watch events
    /// (calibrated on a 1.35 server; for benchmarks).
    #[arg(long)]
    pub realistic: bool,
    /// Number of simulated clusters (1 to 16): `sim-1` … `sim-N`, each with its own pods
    /// (seeds SEED … SEED+N-1), nodes and port.
    #[arg(long, value_name = "N", default_value_t = 1, value_parser = clap::value_parser!(u16).range(1..=16))]
    pub clusters: u16,
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    #[command(flatten)]
    pub sim: SimOptions,
}

#[derive(Debug, Args)]
pub struct SimArgs {
    #[command(flatten)]
    pub sim: SimOptions,
    /// Address to listen on (port 0 picks a free one); with --clusters, cluster i listens on
    /// PORT+i-1.
    #[arg(long, default_value = "127.0.0.1:0")]
    pub listen: std::net::SocketAddr,
    /// Write a kubeconfig with `sim-admin` and `sim-viewer` contexts to this file (with
    /// --clusters above 1: one admin context per cluster, `sim-1` … `sim-N`).
    #[arg(long, value_name = "FILE")]
    pub kubeconfig_out: Option<PathBuf>,
    /// Serve plain HTTP instead of HTTPS with a fresh self-signed certificate (kubectl sends
    /// bearer tokens only over HTTPS, so keep the default for kubectl).
    #[arg(long)]
    pub plain_http: bool,
    /// Write this much synthetic usage history of the generated pods (e.g. 14d) to
    /// --openmetrics-out, for `promtool tsdb create-blocks-from openmetrics`.
    #[arg(long, value_name = "DURATION", value_parser = parse_duration_arg, requires = "openmetrics_out")]
    pub usage_history: Option<Duration>,
    /// The OpenMetrics file the usage history is written to (cAdvisor metric and label names);
    /// one cluster's, so refused with --clusters above 1.
    #[arg(long, value_name = "FILE", requires = "usage_history")]
    pub openmetrics_out: Option<PathBuf>,
    /// Serve the containers' usage counters at http://ADDR/metrics in the Prometheus text
    /// format (cAdvisor names and labels), for a real Prometheus to scrape; one cluster's, so
    /// refused with --clusters above 1.
    #[arg(long, value_name = "ADDR")]
    pub metrics_listen: Option<std::net::SocketAddr>,
    /// Serve no metrics.k8s.io, like a cluster without metrics-server: the group is not listed
    /// and its paths answer 404.
    #[arg(long)]
    pub no_metrics: bool,
}

fn parse_minor(text: &str) -> Result<u32, String> {
    let minor = text.strip_prefix("1.").unwrap_or(text);
    match minor.parse::<u32>() {
        Ok(m) if (27..=37).contains(&m) => Ok(m),
        _ => Err(format!("unsupported version {text:?}: use 1.27 to 1.37")),
    }
}
