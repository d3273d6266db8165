//! What else in a cluster decides whether a resize lands and stays (design §8 "Preflight"):
//! LimitRanges, ResourceQuotas with their status, HPAs and the nodes' runtimes. Plain data,
//! filled by the cluster side and read by the pure preflight; quantities are kept as the
//! server's text so the preflight can print them exactly as the server's refusals do.

use std::collections::BTreeMap;

/// Resource name → quantity text, as in a LimitRange or a quota.
pub type ResourceTexts = BTreeMap<String, String>;

/// One `spec.limits[]` item of a LimitRange.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LimitRangeItem {
    /// `Container` or `Pod` (other types do not concern a resize).
    pub kind: String,
    pub min: ResourceTexts,
    pub max: ResourceTexts,
    pub default: ResourceTexts,
    pub default_request: ResourceTexts,
    pub max_limit_request_ratio: ResourceTexts,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LimitRangeInfo {
    pub namespace: String,
    pub name: String,
    pub items: Vec<LimitRangeItem>,
}

/// A ResourceQuota as admission reads it: only its status counts (round4 §2).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct QuotaInfo {
    pub namespace: String,
    pub name: String,
    /// `status.hard`; `None` when the quota has no status yet (then it is ignored).
    pub hard: Option<ResourceTexts>,
    /// `status.used`; `None` (or a missing key) refuses every pod write.
    pub used: Option<ResourceTexts>,
}

/// One `Resource` or `ContainerResource` metric of an HPA scaling on utilisation.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HpaMetric {
    /// `cpu` or `memory`.
    pub resource: String,
    /// The container a `ContainerResource` metric measures; `None` for a `Resource` metric,
    /// which measures the whole pod (its containers summed).
    pub container: Option<String>,
    pub target_utilization: i32,
    /// From `status.currentMetrics`, when the controller has reported it.
    pub current_utilization: Option<i32>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HpaInfo {
    pub namespace: String,
    pub name: String,
    /// `spec.scaleTargetRef`.
    pub target_kind: String,
    pub target_name: String,
    pub min_replicas: i32,
    pub max_replicas: i32,
    pub current_replicas: i32,
    pub metrics: Vec<HpaMetric>,
}

/// `status.nodeInfo` of a node, the part that says how it resizes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NodeRuntime {
    pub node: String,
    /// e.g. `containerd://1.6.8`.
    pub container_runtime_version: String,
    pub kubelet_version: String,
}

/// How a node's kubelet runs the CPU manager, and how podsize knows it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NodeCpuManager {
    pub node: String,
    /// `cpuManagerPolicy: static`: Guaranteed containers with whole CPUs get exclusive CPUs.
    pub static_policy: bool,
    /// Where this was learnt: `configz`, or the pod whose resize the kubelet refused.
    pub source: String,
}

/// Everything the preflight reads of one cluster.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ClusterPolicy {
    pub limit_ranges: Vec<LimitRangeInfo>,
    pub quotas: Vec<QuotaInfo>,
    pub hpas: Vec<HpaInfo>,
    pub runtimes: Vec<NodeRuntime>,
    /// The CPU manager policy of the nodes read (configz, else an earlier Infeasible answer).
    pub cpu_managers: Vec<NodeCpuManager>,
    /// What could not be read and why (usually RBAC): the plan says so instead of staying
    /// silent, since an unread LimitRange can still refuse the resize.
    pub unreadable: Vec<String>,
}

/// One cluster's policy as the dashboard keeps it (sent by the cluster side after each
/// change): the preflight's inputs, plus the ReplicaSet owners of the namespaces that have
/// HPAs, so a pod's workload (the Deployment above its ReplicaSet) can be matched to an HPA.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PolicySnapshot {
    pub policy: ClusterPolicy,
    /// (namespace, ReplicaSet, its controller).
    pub rs_owners: Vec<(String, String, crate::model::pods::row::Owner)>,
}
