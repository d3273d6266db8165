//! The static CPU manager (issue 27 point 4, resize-api.md §4.8): on a node whose kubelet runs
//! `cpuManagerPolicy: static`, a Guaranteed container with whole CPUs holds exclusive CPUs, and
//! the kubelet answers a resize to a fraction of a CPU with Infeasible ("Resize is infeasible
//! for Guaranteed Pods alongside CPU Manager static policy"). Such a container is offered whole
//! CPUs only: a typed fraction is refused before sending, a recommendation rounded up.

use crate::model::ground::resources::ResourceSpec;
use crate::model::pods::cluster_policy::{ClusterPolicy, NodeCpuManager};
use crate::model::pods::qos::{QosClass, qos_class};
use crate::model::pods::resize_state::ResizeState;
use crate::model::pods::row::PodRow;

/// The kubelet's Infeasible text for this case (resize-api.md §4.8).
pub const STATIC_POLICY_INFEASIBLE: &str =
    "Resize is infeasible for Guaranteed Pods alongside CPU Manager static policy";

fn whole(millis: Option<i64>) -> bool {
    millis.is_some_and(|m| m > 0 && m % 1000 == 0)
}

fn guaranteed(row: &PodRow) -> bool {
    let qos = row
        .qos
        .unwrap_or_else(|| qos_class(row.containers.iter().map(|c| &c.desired)));
    qos == QosClass::Guaranteed
}

/// The node's static CPU manager as learnt from an earlier answer: a pod on it whose resize
/// the kubelet refused with the static-policy text (when configz is not readable).
pub fn learnt_from_infeasible<'a>(
    node: &str,
    pods_on_node: impl IntoIterator<Item = &'a PodRow>,
) -> Option<NodeCpuManager> {
    pods_on_node
        .into_iter()
        .filter(|p| p.node.as_deref() == Some(node))
        .find(|p| {
            // The condition itself, even when a newer request superseded it: the node's
            // policy does not change with the pod's generation.
            let condition = p.resize.pending.as_ref().is_some_and(|r| {
                r.infeasible && r.message.contains(STATIC_POLICY_INFEASIBLE)
            });
            let state = std::iter::once(&p.state)
                .chain(p.containers.iter().map(|c| &c.state))
                .any(|s| matches!(s, ResizeState::Infeasible(m) if m.contains(STATIC_POLICY_INFEASIBLE)));
            condition || state
        })
        .map(|p| NodeCpuManager {
            node: node.to_string(),
            static_policy: true,
            source: format!("pod {}/{} was refused as Infeasible", p.namespace, p.name),
        })
}

/// Why `container` of `row` is offered whole CPUs only, when it is: its node runs the static
/// policy, the pod is Guaranteed and the container holds whole CPUs now.
pub fn whole_cpus_only(policy: &ClusterPolicy, row: &PodRow, container: &str) -> Option<String> {
    let node = row.node.as_deref()?;
    let manager = policy
        .cpu_managers
        .iter()
        .find(|m| m.node == node && m.static_policy)?;
    let c = row.container(container)?;
    (guaranteed(row) && whole(c.desired.effective_requests().cpu_millis)).then(|| {
        format!(
            "node {node} runs the static CPU manager policy (from {}): container {container} of \
             this Guaranteed pod holds whole CPUs, so only whole CPUs are accepted; a fraction \
             is answered Infeasible: {STATIC_POLICY_INFEASIBLE}",
            manager.source
        )
    })
}

/// The refusal of a change to a fraction of a CPU where only whole CPUs are accepted.
pub fn cpu_manager_refusal(
    policy: &ClusterPolicy,
    row: &PodRow,
    container: &str,
    new_spec: &ResourceSpec,
) -> Option<String> {
    let why = whole_cpus_only(policy, row, container)?;
    let requests = new_spec.effective_requests().cpu_millis;
    let fraction = |v: Option<i64>| v.is_some_and(|m| m % 1000 != 0);
    (fraction(requests) || fraction(new_spec.limits.cpu_millis)).then_some(why)
}

/// Rounds a fractional CPU request and limit up to whole CPUs (at least one).
pub fn to_whole_cpus(spec: &ResourceSpec) -> ResourceSpec {
    let up = |v: Option<i64>| v.map(|m| (m.max(1) + 999) / 1000 * 1000);
    let mut out = *spec;
    out.requests.cpu_millis = up(spec.requests.cpu_millis);
    out.limits.cpu_millis = up(spec.limits.cpu_millis);
    out
}

#[cfg(test)]
#[path = "preflight_cpu_tests.rs"]
mod tests;
