//! How clients reach a simulated cluster: the kubeconfig it writes (an admin and a viewer
//! context, the CA when serving TLS) and kube clients built from it.

use crate::{ADMIN_TOKEN, Identity, SimCluster, SimError, VIEWER_TOKEN};

impl SimCluster {
    /// A kubeconfig with contexts `sim-admin` (current) and `sim-viewer`.
    pub fn kubeconfig(&self) -> kube::config::Kubeconfig {
        let cluster = self.kubeconfig_cluster();
        let value = serde_json::json!({
            "apiVersion": "v1", "kind": "Config", "current-context": "sim-admin",
            "clusters": [{"name": "podsize-sim", "cluster": cluster}],
            "users": [
                {"name": "admin", "user": {"token": ADMIN_TOKEN}},
                {"name": "viewer", "user": {"token": VIEWER_TOKEN}}
            ],
            "contexts": [
                {"name": "sim-admin", "context": {"cluster": "podsize-sim", "user": "admin", "namespace": "default"}},
                {"name": "sim-viewer", "context": {"cluster": "podsize-sim", "user": "viewer", "namespace": "default"}}
            ]
        });
        serde_json::from_value(value).unwrap_or_default()
    }

    /// The kubeconfig `cluster` entry: server URL, and the CA when serving TLS.
    pub(crate) fn kubeconfig_cluster(&self) -> serde_json::Value {
        let mut cluster = serde_json::json!({"server": self.url()});
        if let (Some(tls), Some(map)) = (self.tls(), cluster.as_object_mut()) {
            map.insert(
                "certificate-authority-data".into(),
                serde_json::json!(tls.ca_data()),
            );
        }
        cluster
    }

    /// Writes the kubeconfig as YAML.
    pub fn write_kubeconfig(&self, path: impl AsRef<std::path::Path>) -> std::io::Result<()> {
        let text = serde_yaml::to_string(&self.kubeconfig()).map_err(std::io::Error::other)?;
        std::fs::write(path, text)
    }

    /// A kube client acting as `identity`.
    pub async fn client(&self, identity: Identity) -> Result<kube::Client, SimError> {
        let options = kube::config::KubeConfigOptions {
            context: Some(identity.context().into()),
            ..Default::default()
        };
        let config = kube::Config::from_custom_kubeconfig(self.kubeconfig(), &options)
            .await
            .map_err(|e| SimError::Client(e.to_string()))?;
        kube::Client::try_from(config).map_err(|e| SimError::Client(e.to_string()))
    }
}
