//! The CPU manager policy of a node's kubelet, for the preflight (issue 27 point 4): read from
//! the kubelet's `configz` through `nodes/NAME/proxy` where RBAC allows (`nodes/proxy` get),
//! else learnt from an earlier answer on that node — a pod there whose resize the kubelet
//! refused as Infeasible with the static-policy text.

use super::wire::WirePod;
use crate::model::PodRow;
use crate::model::decide::preflight::learnt_from_infeasible;
use crate::model::pods::cluster_policy::NodeCpuManager;
use kube::api::ListParams;
use kube::{Api, Client};
use serde_json::Value;

/// `kubeletconfig.cpuManagerPolicy` of the node's configz.
pub async fn from_configz(client: &Client, node: &str) -> Result<NodeCpuManager, kube::Error> {
    let request = http::Request::get(format!("/api/v1/nodes/{node}/proxy/configz"))
        .body(Vec::new())
        .map_err(|e| kube::Error::BuildRequest(kube::core::request::Error::BuildRequest(e)))?;
    let config: Value = client.request(request).await?;
    let policy = config["kubeletconfig"]["cpuManagerPolicy"]
        .as_str()
        .unwrap_or("none");
    Ok(NodeCpuManager {
        node: node.to_string(),
        static_policy: policy.eq_ignore_ascii_case("static"),
        source: "the kubelet's configz".into(),
    })
}

/// The node's CPU manager, when known: configz first, then the pods on the node. `None` when
/// neither tells (configz refused and no pod refused there yet).
pub async fn read_cpu_manager(client: &Client, node: &str) -> Option<NodeCpuManager> {
    match from_configz(client, node).await {
        Ok(manager) => return Some(manager),
        Err(e) => tracing::debug!(
            node,
            error = %super::client::one_line(&e),
            "configz not readable; looking for an earlier Infeasible answer"
        ),
    }
    let params = ListParams::default().fields(&format!("spec.nodeName={node}"));
    let pods = Api::<WirePod>::all(client.clone())
        .list(&params)
        .await
        .ok()?;
    let rows: Vec<PodRow> = pods
        .items
        .iter()
        .map(|p| PodRow::from_slim(&p.pod))
        .collect();
    learnt_from_infeasible(node, &rows)
}
