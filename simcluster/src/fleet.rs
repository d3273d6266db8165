//! Several simulated clusters at once, for a multi-cluster wall: `sim-1`, `sim-2`, … each with
//! its own workload, server and certificate, and one kubeconfig with a context per cluster.

use super::{ADMIN_TOKEN, SimCluster, SimConfig, SimError};
use kube::config::Kubeconfig;

/// Running simulated clusters, named `sim-1` … `sim-N`; each stops when the fleet is dropped.
pub struct SimFleet {
    clusters: Vec<(String, SimCluster)>,
}

/// The name of the `i`-th cluster of a fleet (1-based), also its kubeconfig context.
pub fn cluster_name(i: usize) -> String {
    format!("sim-{i}")
}

/// The configuration of the `i`-th cluster (1-based): its own seed, port and node names.
pub fn member_config(base: &SimConfig, i: usize) -> Result<SimConfig, SimError> {
    let offset = i.saturating_sub(1);
    let mut listen = base.listen;
    if listen.port() != 0 {
        let port = u16::try_from(usize::from(listen.port()) + offset)
            .map_err(|_| SimError::Config(format!("no port {} + {offset}", listen.port())))?;
        listen.set_port(port);
    }
    Ok(SimConfig {
        seed: base.seed.wrapping_add(offset as u64),
        listen,
        node_prefix: format!("{}-node", cluster_name(i)),
        ..base.clone()
    })
}

impl SimFleet {
    /// Starts `n` clusters from `base` (see `member_config`). For one cluster alone,
    /// `SimCluster::start` keeps the single-cluster names (`sim-node-01`, `sim-admin`).
    pub async fn start(n: usize, base: SimConfig) -> Result<SimFleet, SimError> {
        if n == 0 {
            return Err(SimError::Config(
                "a fleet needs at least one cluster".into(),
            ));
        }
        let mut clusters = Vec::with_capacity(n);
        for i in 1..=n {
            // On failure the clusters started so far are dropped, which stops them.
            let cluster = SimCluster::start(member_config(&base, i)?).await?;
            clusters.push((cluster_name(i), cluster));
        }
        Ok(SimFleet { clusters })
    }

    /// Every cluster with its name, in order.
    pub fn clusters(&self) -> &[(String, SimCluster)] {
        &self.clusters
    }

    /// The cluster named `name`.
    pub fn get(&self, name: &str) -> Option<&SimCluster> {
        self.clusters
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, c)| c)
    }

    /// The clusters' names, in order.
    pub fn names(&self) -> Vec<&str> {
        self.clusters.iter().map(|(n, _)| n.as_str()).collect()
    }

    /// Stops serving HTTP on every cluster.
    pub async fn stop(&self) {
        for (_, cluster) in &self.clusters {
            cluster.stop().await;
        }
    }

    /// One kubeconfig with a context per cluster (see `merged_kubeconfig`).
    pub fn kubeconfig(&self) -> Kubeconfig {
        let members: Vec<(&str, &SimCluster)> =
            self.clusters.iter().map(|(n, c)| (n.as_str(), c)).collect();
        merged_kubeconfig(&members)
    }

    /// Writes `kubeconfig()` as YAML.
    pub fn write_kubeconfig(&self, path: impl AsRef<std::path::Path>) -> std::io::Result<()> {
        let text = serde_yaml::to_string(&self.kubeconfig()).map_err(std::io::Error::other)?;
        std::fs::write(path, text)
    }
}

/// A kubeconfig with one admin context per cluster, named as given, each with its own cluster
/// entry (server, CA); the first is current. No viewer contexts: listing every context then
/// reaches each cluster exactly once.
pub fn merged_kubeconfig(clusters: &[(&str, &SimCluster)]) -> Kubeconfig {
    let entries: Vec<serde_json::Value> = clusters
        .iter()
        .map(|(name, c)| serde_json::json!({"name": name, "cluster": c.kubeconfig_cluster()}))
        .collect();
    let contexts: Vec<serde_json::Value> = clusters
        .iter()
        .map(|(name, _)| {
            serde_json::json!({"name": name, "context": {"cluster": name, "user": "admin", "namespace": "default"}})
        })
        .collect();
    let current = clusters.first().map(|(name, _)| *name).unwrap_or_default();
    let value = serde_json::json!({
        "apiVersion": "v1", "kind": "Config", "current-context": current,
        "clusters": entries,
        "users": [{"name": "admin", "user": {"token": ADMIN_TOKEN}}],
        "contexts": contexts,
    });
    serde_json::from_value(value).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::SocketAddr;

    #[test]
    fn members_get_their_own_seed_port_and_node_names() {
        let base = SimConfig {
            seed: 7,
            listen: SocketAddr::from(([127, 0, 0, 1], 8000)),
            ..SimConfig::default()
        };
        let third = member_config(&base, 3).unwrap();
        assert_eq!(third.seed, 9);
        assert_eq!(third.listen.port(), 8002);
        assert_eq!(third.node_prefix, "sim-3-node");
        let first = member_config(&base, 1).unwrap();
        assert_eq!((first.seed, first.listen.port()), (7, 8000));
    }

    #[test]
    fn port_zero_stays_zero_and_overflow_is_refused() {
        let any = member_config(&SimConfig::default(), 5).unwrap();
        assert_eq!(any.listen.port(), 0);
        let high = SimConfig {
            listen: SocketAddr::from(([127, 0, 0, 1], 65535)),
            ..SimConfig::default()
        };
        assert!(matches!(member_config(&high, 2), Err(SimError::Config(_))));
    }
}
