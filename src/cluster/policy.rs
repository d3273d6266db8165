//! Reads the preflight's `ClusterPolicy` for one namespace and node: LimitRanges,
//! ResourceQuotas with status, HPAs (`autoscaling/v2`) and the node's `nodeInfo`. A command
//! reads them once, just before planning (a one-shot CLI has nothing to keep current); what
//! RBAC or the server does not allow is named in `unreadable`, so the plan says what was not
//! checked instead of passing silently.

use crate::model::pods::cluster_policy::{
    ClusterPolicy, HpaInfo, HpaMetric, LimitRangeInfo, LimitRangeItem, NodeRuntime, QuotaInfo,
    ResourceTexts,
};
use k8s_openapi::api::autoscaling::v2::HorizontalPodAutoscaler;
use k8s_openapi::api::core::v1::{LimitRange, Node, ResourceQuota};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use kube::api::ListParams;
use kube::{Api, Client};
use std::collections::BTreeMap;

fn texts(list: Option<&BTreeMap<String, Quantity>>) -> ResourceTexts {
    list.into_iter()
        .flatten()
        .map(|(k, v)| (k.clone(), v.0.clone()))
        .collect()
}

pub(crate) fn limit_range(lr: &LimitRange, ns: &str) -> LimitRangeInfo {
    let items = lr.spec.iter().flat_map(|s| s.limits.iter());
    LimitRangeInfo {
        namespace: ns.to_string(),
        name: lr.metadata.name.clone().unwrap_or_default(),
        items: items
            .map(|i| LimitRangeItem {
                kind: i.type_.clone(),
                min: texts(i.min.as_ref()),
                max: texts(i.max.as_ref()),
                default: texts(i.default.as_ref()),
                default_request: texts(i.default_request.as_ref()),
                max_limit_request_ratio: texts(i.max_limit_request_ratio.as_ref()),
            })
            .collect(),
    }
}

pub(crate) fn quota(q: &ResourceQuota, ns: &str) -> QuotaInfo {
    let status = q.status.as_ref();
    QuotaInfo {
        namespace: ns.to_string(),
        name: q.metadata.name.clone().unwrap_or_default(),
        hard: status.and_then(|s| s.hard.as_ref()).map(|h| texts(Some(h))),
        used: status.and_then(|s| s.used.as_ref()).map(|u| texts(Some(u))),
    }
}

pub(crate) fn hpa(h: &HorizontalPodAutoscaler, ns: &str) -> Option<HpaInfo> {
    let spec = &h.spec;
    let status = h.status.as_ref();
    // Keyed by (resource, container): a `ContainerResource` metric's figure is that
    // container's, never the pod's `Resource` figure for the same resource.
    let current: BTreeMap<(String, Option<String>), i32> = status
        .and_then(|s| s.current_metrics.as_ref())
        .into_iter()
        .flatten()
        .filter_map(|m| match (&m.resource, &m.container_resource) {
            (Some(r), _) => Some(((r.name.clone(), None), r.current.average_utilization?)),
            (None, Some(c)) => Some((
                (c.name.clone(), Some(c.container.clone())),
                c.current.average_utilization?,
            )),
            (None, None) => None,
        })
        .collect();
    let metrics = spec
        .metrics
        .iter()
        .flatten()
        .filter_map(|m| {
            let (resource, container, target) = match (&m.resource, &m.container_resource) {
                (Some(r), _) => (r.name.clone(), None, &r.target),
                (None, Some(c)) => (c.name.clone(), Some(c.container.clone()), &c.target),
                (None, None) => return None,
            };
            let key = (resource, container);
            Some(HpaMetric {
                target_utilization: target.average_utilization?,
                current_utilization: current.get(&key).copied(),
                resource: key.0,
                container: key.1,
            })
        })
        .collect();
    Some(HpaInfo {
        namespace: ns.to_string(),
        name: h.metadata.name.clone().unwrap_or_default(),
        target_kind: spec.scale_target_ref.kind.clone(),
        target_name: spec.scale_target_ref.name.clone(),
        min_replicas: spec.min_replicas.unwrap_or(1),
        max_replicas: spec.max_replicas,
        current_replicas: status.and_then(|s| s.current_replicas).unwrap_or(0),
        metrics,
    })
}

/// "limitranges in namespace ns: <the server's one line>", for `unreadable`.
fn unreadable(what: &str, ns: &str, e: &kube::Error) -> String {
    format!(
        "{what} in namespace {ns}: {}",
        crate::cluster::client::one_line(e)
    )
}

/// What the preflight needs for a change to a pod in `ns` on `node`.
pub async fn read_policy(client: &Client, ns: &str, node: Option<&str>) -> ClusterPolicy {
    let mut policy = ClusterPolicy::default();
    let params = ListParams::default();
    match Api::<LimitRange>::namespaced(client.clone(), ns)
        .list(&params)
        .await
    {
        Ok(list) => policy.limit_ranges = list.items.iter().map(|l| limit_range(l, ns)).collect(),
        Err(e) => policy.unreadable.push(unreadable("limitranges", ns, &e)),
    }
    match Api::<ResourceQuota>::namespaced(client.clone(), ns)
        .list(&params)
        .await
    {
        Ok(list) => policy.quotas = list.items.iter().map(|q| quota(q, ns)).collect(),
        Err(e) => policy.unreadable.push(unreadable("resourcequotas", ns, &e)),
    }
    let hpas = Api::<HorizontalPodAutoscaler>::namespaced(client.clone(), ns);
    match hpas.list(&params).await {
        Ok(list) => policy.hpas = list.items.iter().filter_map(|h| hpa(h, ns)).collect(),
        Err(e) => policy
            .unreadable
            .push(unreadable("horizontalpodautoscalers", ns, &e)),
    }
    if let Some(node) = node {
        policy
            .cpu_managers
            .extend(super::cpu_manager::read_cpu_manager(client, node).await);
        match Api::<Node>::all(client.clone()).get(node).await {
            Ok(n) => policy.runtimes.extend(node_runtime(&n)),
            Err(e) => policy.unreadable.push(format!(
                "node {node}: {}",
                crate::cluster::client::one_line(&e)
            )),
        }
    }
    policy
}

/// `status.nodeInfo` of a node, when reported.
pub fn node_runtime(node: &Node) -> Option<NodeRuntime> {
    let info = node.status.as_ref()?.node_info.as_ref()?;
    Some(NodeRuntime {
        node: node.metadata.name.clone().unwrap_or_default(),
        container_runtime_version: info.container_runtime_version.clone(),
        kubelet_version: info.kubelet_version.clone(),
    })
}
