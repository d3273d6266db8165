//! The preflight's look at what fights or hides a resize rather than refusing it: an HPA
//! scaling the pod's workload on the resized resource's utilisation (a smaller request raises
//! utilisation and the HPA scales out: issue 27, "HPA"), and a node runtime that never
//! reports resized values (containerd before 1.6.9, the seed's known issue).

use super::Change;
use crate::model::ground::resources::CpuMem;
use crate::model::pods::cluster_policy::{ClusterPolicy, HpaInfo, HpaMetric};
use crate::model::pods::row::{ContainerKind, PodRow};

/// The HPA tolerance: within 10 % of the target it does not scale (the controller default).
const TOLERANCE: f64 = 0.1;

/// How an HPA would answer the change.
#[derive(Clone, Debug, PartialEq)]
pub struct HpaEffect {
    pub hpa: String,
    pub resource: String,
    /// The container of a `ContainerResource` metric; `None` for the pod's `Resource` metric.
    pub container: Option<String>,
    pub target_utilization: i32,
    /// Utilisation (% of the request the metric measures) now and with the new request.
    pub before: i32,
    pub after: i32,
    pub replicas_before: i32,
    /// What the HPA would move to, were every pod of the workload resized the same way.
    pub replicas_after: i32,
}

impl HpaEffect {
    /// One line for the plan.
    pub fn describe(&self) -> String {
        let of = match &self.container {
            Some(c) => format!(" of container {c}"),
            None => String::new(),
        };
        format!(
            "HPA {} scales on {} utilisation{of} (target {}%): {}% → {}%, replicas {} → {}",
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

/// The request an HPA metric divides by on this pod, as the controller's `calculateRequests`
/// (kubernetes `pkg/controller/podautoscaler/replica_calculator.go`, since 1.34, PR #132430)
/// takes it: for a `Resource` metric on a pod whose pod-level `spec.resources.requests` name
/// the resource, that pod-level request (`usePodLevelRequests`, behind the `PodLevelResources`
/// gate, beta and on by default from 1.34), so a container's new request does not move it;
/// otherwise, as `calculatePodRequestsFromContainers` sums it, the regular containers' and
/// sidecars' requests (plain init containers are not counted), and for a `ContainerResource`
/// metric that container's alone, even on a pod with pod-level requests (a named container
/// takes precedence there). Before 1.34 the controller never read pod-level requests, but
/// there a pod with them cannot be resized at all (resize-api.md §1.3). `changed` is the
/// container being resized with its new request; a container without a request leaves no
/// figure (the controller errors out on it).
fn metric_request(row: &PodRow, metric: &HpaMetric, changed: (&str, Option<i64>)) -> Option<i64> {
    let of = |amounts: &CpuMem| match metric.resource.as_str() {
        "cpu" => amounts.cpu_millis,
        _ => amounts.memory_bytes,
    };
    let pod_level = row.pod_resources.as_ref().and_then(|p| of(&p.requests));
    if let (None, Some(request)) = (&metric.container, pod_level) {
        return (request > 0).then_some(request);
    }
    let mut total = 0i64;
    let measured = row.containers.iter().filter(|c| {
        c.kind != ContainerKind::Init && metric.container.as_ref().is_none_or(|m| *m == c.name)
    });
    for c in measured {
        let value = if c.name == changed.0 {
            changed.1
        } else {
            of(&c.desired.effective_requests())
        };
        total = total.saturating_add(value?);
    }
    (total > 0).then_some(total)
}

/// The use an HPA metric measures on this pod, taken from the pod's reading of
/// metrics.k8s.io (each running container's use now), for an HPA that has not reported its
/// own figure. This is the one figure every command uses, because it is what the HPA itself
/// reads: the controller asks metrics.k8s.io for the pods' use now (metrics-server's last
/// window, seconds to a minute), not a history, so a median or percentile over days is not
/// what it divides by the request. A `Resource` metric is every container of the reading
/// summed (the controller's `getPodMetrics`; a container without the resource leaves the pod
/// out), a `ContainerResource` metric that one container's use. Without a reading there is no
/// figure: an HPA cannot scale on a resource metric without metrics.k8s.io either.
pub fn hpa_metric_use(metric: &HpaMetric, reading: &[(String, CpuMem)]) -> Option<i64> {
    let of = |u: &CpuMem| match metric.resource.as_str() {
        "cpu" => u.cpu_millis,
        _ => u.memory_bytes,
    };
    match &metric.container {
        Some(name) => reading
            .iter()
            .find(|(c, _)| c == name)
            .and_then(|(_, u)| of(u)),
        None if reading.is_empty() => None,
        None => reading
            .iter()
            .try_fold(0i64, |sum, (_, u)| Some(sum.saturating_add(of(u)?))),
    }
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

/// How one metric of `hpa` answers the change, `None` when the metric does not see it (another
/// resource or container) or no figure is known.
fn metric_effect(hpa: &HpaInfo, m: &HpaMetric, change: Change) -> Option<HpaEffect> {
    let new_requests = change.new_spec.effective_requests();
    let new = match m.resource.as_str() {
        "cpu" => new_requests.cpu_millis,
        "memory" => new_requests.memory_bytes,
        _ => return None,
    };
    let old_total = metric_request(change.row, m, ("", None))?;
    let new_total = metric_request(change.row, m, (change.container, new))?;
    if old_total == new_total {
        return None;
    }
    // The HPA's own figure first; podsize's reading only when it has reported none.
    let before = match m.current_utilization {
        Some(u) => f64::from(u),
        None => hpa_metric_use(m, change.usage?)? as f64 * 100.0 / old_total as f64,
    };
    let after = before * old_total as f64 / new_total as f64;
    Some(HpaEffect {
        hpa: hpa.name.clone(),
        resource: m.resource.clone(),
        container: m.container.clone(),
        target_utilization: m.target_utilization,
        before: before.round() as i32,
        after: after.round() as i32,
        replicas_before: hpa.current_replicas,
        replicas_after: desired_replicas(hpa, after, m.target_utilization),
    })
}

/// HPAs targeting `workload` (kind, name) on a resource whose request changes.
pub fn hpa_effects(
    policy: &ClusterPolicy,
    change: Change,
    workload: (&str, &str),
) -> Vec<HpaEffect> {
    let row = change.row;
    policy
        .hpas
        .iter()
        .filter(|h| {
            h.namespace == row.namespace
                && h.target_kind == workload.0
                && h.target_name == workload.1
        })
        .flat_map(|hpa| {
            hpa.metrics
                .iter()
                .filter_map(move |m| metric_effect(hpa, m, change))
        })
        .collect()
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

#[cfg(test)]
#[path = "preflight_hpa_tests.rs"]
mod tests;
