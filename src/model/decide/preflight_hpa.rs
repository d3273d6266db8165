//! The preflight's look at what fights or hides a resize rather than refusing it: an HPA
//! scaling the pod's workload on the resized resource's utilisation (a smaller request raises
//! utilisation and the HPA scales out: issue 27, "HPA"), and a node runtime that never
//! reports resized values (containerd before 1.6.9, the seed's known issue).

use super::Change;
use crate::model::pods::cluster_policy::{ClusterPolicy, HpaInfo};
use crate::model::pods::row::{ContainerKind, PodRow};

/// The HPA tolerance: within 10 % of the target it does not scale (the controller default).
const TOLERANCE: f64 = 0.1;

/// How an HPA would answer the change.
#[derive(Clone, Debug, PartialEq)]
pub struct HpaEffect {
    pub hpa: String,
    pub resource: String,
    pub target_utilization: i32,
    /// Utilisation (% of the pod's request) now and with the new request.
    pub before: i32,
    pub after: i32,
    pub replicas_before: i32,
    /// What the HPA would move to, were every pod of the workload resized the same way.
    pub replicas_after: i32,
}

impl HpaEffect {
    /// One line for the plan.
    pub fn describe(&self) -> String {
        format!(
            "HPA {} scales on {} utilisation (target {}%): {}% → {}%, replicas {} → {}",
            self.hpa,
            self.resource,
            self.target_utilization,
            self.before,
            self.after,
            self.replicas_before,
            self.replicas_after
        )
    }
}

/// The pod's request of `resource` (regular containers and sidecars, as the HPA sums them).
fn pod_request(row: &PodRow, container: &str, new: Option<i64>, resource: &str) -> Option<i64> {
    let mut total = 0i64;
    for c in row
        .containers
        .iter()
        .filter(|c| c.kind != ContainerKind::Init)
    {
        let spec = c.desired.effective_requests();
        let value = match resource {
            "cpu" => spec.cpu_millis,
            _ => spec.memory_bytes,
        };
        let value = if c.name == container { new } else { value };
        total = total.saturating_add(value?);
    }
    (total > 0).then_some(total)
}

/// Replicas the HPA's formula gives: ceil(current × utilisation / target), held within the
/// tolerance and clamped to min..max.
pub fn desired_replicas(hpa: &HpaInfo, utilization: f64, target: i32) -> i32 {
    let current = hpa.current_replicas.max(1);
    let ratio = utilization / f64::from(target.max(1));
    if (ratio - 1.0).abs() <= TOLERANCE {
        return current;
    }
    let wanted = (f64::from(current) * ratio).ceil();
    // The float is a small replica count; the clamp keeps it within i32 whatever it is.
    let wanted = wanted.clamp(0.0, f64::from(i32::MAX)) as i32;
    wanted.clamp(hpa.min_replicas.max(1), hpa.max_replicas.max(1))
}

/// HPAs targeting `workload` (kind, name) on a resource whose request changes.
/// The pod's current use (`change.usage`) stands in when the HPA has no current figure.
pub fn hpa_effects(
    policy: &ClusterPolicy,
    change: Change,
    workload: (&str, &str),
) -> Vec<HpaEffect> {
    let (row, usage) = (change.row, change.usage);
    let new_requests = change.new_spec.effective_requests();
    let mut out = Vec::new();
    let targeting = policy.hpas.iter().filter(|h| {
        h.namespace == row.namespace && h.target_kind == workload.0 && h.target_name == workload.1
    });
    for hpa in targeting {
        for m in &hpa.metrics {
            let (new, used) = match m.resource.as_str() {
                "cpu" => (new_requests.cpu_millis, usage.and_then(|u| u.cpu_millis)),
                "memory" => (
                    new_requests.memory_bytes,
                    usage.and_then(|u| u.memory_bytes),
                ),
                _ => continue,
            };
            let old_total = pod_request(row, "", None, &m.resource);
            let new_total = pod_request(row, change.container, new, &m.resource);
            let (Some(old_total), Some(new_total)) = (old_total, new_total) else {
                continue;
            };
            if old_total == new_total {
                continue;
            }
            let before = match (m.current_utilization, used) {
                (Some(u), _) => f64::from(u),
                (None, Some(used)) => used as f64 * 100.0 / old_total as f64,
                (None, None) => continue,
            };
            let after = before * old_total as f64 / new_total as f64;
            out.push(HpaEffect {
                hpa: hpa.name.clone(),
                resource: m.resource.clone(),
                target_utilization: m.target_utilization,
                before: before.round() as i32,
                after: after.round() as i32,
                replicas_before: hpa.current_replicas,
                replicas_after: desired_replicas(hpa, after, m.target_utilization),
            });
        }
    }
    out
}

/// `containerd://1.6.8` → (1, 6, 8) when the runtime is containerd.
fn containerd_version(text: &str) -> Option<(u32, u32, u32)> {
    let version = text.strip_prefix("containerd://")?;
    let version = version.trim_start_matches('v');
    let mut parts = version.split(|c: char| !c.is_ascii_digit());
    let major = parts.next()?.parse().ok()?;
    let minor = parts.next()?.parse().ok()?;
    let patch = parts.next().and_then(|p| p.parse().ok()).unwrap_or(0);
    Some((major, minor, patch))
}

/// The warning for a pod on a node whose runtime never reports resized values.
pub fn runtime_warning(policy: &ClusterPolicy, row: &PodRow) -> Option<String> {
    let node = row.node.as_deref()?;
    let runtime = policy.runtimes.iter().find(|r| r.node == node)?;
    let version = containerd_version(&runtime.container_runtime_version)?;
    (version < (1, 6, 9)).then(|| {
        format!(
            "warning: node {node} runs {}: containerd before 1.6.9 never reports resized values, so this resize will stay InProgress although it is applied",
            runtime.container_runtime_version
        )
    })
}
