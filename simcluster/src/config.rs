//! What a simulated cluster is built from: its version, size, seed and which optional parts of
//! the API it serves. Kept apart from `SimCluster` so the long list of knobs and their defaults
//! reads on its own.

use crate::workload;
use std::net::SocketAddr;
use std::time::Duration;

/// How to build a simulated cluster.
#[derive(Clone, Debug)]
pub struct SimConfig {
    /// Kubernetes minor version to behave like (27..=37).
    pub minor: u32,
    /// Number of nodes.
    pub nodes: usize,
    /// Number of generated pods.
    pub pods: usize,
    /// Number of namespaces (the first is `default`).
    pub namespaces: usize,
    /// Seed of the workload generator.
    pub seed: u64,
    /// How long the simulated kubelet waits before acting on a change.
    pub kubelet_delay: Duration,
    /// Create/delete pods and resize them as an autoscaler would.
    pub churn: bool,
    /// Churn actions per second.
    pub churn_rate: f64,
    /// Serve metrics.k8s.io PodMetrics.
    pub metrics: bool,
    /// Address to listen on (port 0 = random).
    pub listen: SocketAddr,
    /// Interval between watch bookmarks.
    pub bookmark_interval: Duration,
    /// Events kept for watch resumption; older resourceVersions get 410 Expired.
    pub history: usize,
    /// Feature gate `InPlacePodVerticalScaling` (on by default; off imitates a cluster that has
    /// in-place resize disabled: no `pods/resize` from 1.32, resource changes refused).
    pub resize_feature: bool,
    /// Serve HTTPS with a self-signed certificate (needed by kubectl, which sends bearer
    /// tokens only over TLS); the kubeconfig then carries the certificate as its CA.
    pub tls: bool,
    /// 1.35's alpha gate `InPlacePodLevelResourcesVerticalScaling` (off by default there, as on
    /// a real 1.35; beta and on from 1.36 whatever this says).
    pub pod_level_resize: bool,
    /// Serve VerticalPodAutoscalers (autoscaling.k8s.io/v1) for part of the Deployments.
    pub vpa: bool,
    /// Spend server time per object as a real apiserver does (`pacing.rs`); off by default so
    /// tests pay nothing unless they ask.
    pub realistic: bool,
    /// Prefix of the generated nodes' names (`sim-node` gives `sim-node-01`…); a fleet gives
    /// each cluster its own, so a wall of clusters does not repeat the same node names.
    pub node_prefix: String,
}

impl Default for SimConfig {
    fn default() -> Self {
        Self {
            minor: 35,
            nodes: 8,
            pods: 200,
            namespaces: 6,
            seed: 1,
            kubelet_delay: Duration::from_secs(1),
            churn: false,
            churn_rate: 5.0,
            metrics: true,
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            // A real server bookmarks long watches about once a minute.
            bookmark_interval: Duration::from_secs(60),
            history: 10_000,
            tls: false,
            resize_feature: true,
            pod_level_resize: false,
            vpa: false,
            realistic: false,
            node_prefix: workload::NODE_PREFIX.into(),
        }
    }
}

impl SimConfig {
    /// One node (16 cpu, 64Gi), namespace `default`, no pods, fast kubelet: for tests.
    pub fn empty() -> Self {
        Self {
            nodes: 1,
            pods: 0,
            namespaces: 1,
            kubelet_delay: Duration::from_millis(20),
            metrics: false,
            bookmark_interval: Duration::from_millis(200),
            ..Self::default()
        }
    }
}
