//! The replicas a dashboard recommendation is shared by (issue #26): the pods of one workload
//! (a Deployment through its ReplicaSets, a StatefulSet, ...) get one recommendation per
//! container, from the figures of all of them, as `podsize recommend` gives.

use super::state::AppState;
use super::view::PodKey;
use crate::model::decide::workload::Workload;
use crate::model::pods::row::ClusterId;
use std::collections::HashMap;
use std::sync::Arc;

/// The pods of one workload the app has (a bare pod alone).
#[derive(Clone, Debug, PartialEq)]
pub struct WorkloadGroup {
    pub cluster: ClusterId,
    pub members: Vec<PodKey>,
    /// Each member's position among the app's pods in key order when the groups were made:
    /// the groups are dropped whenever a pod comes, goes or changes, so a reading reaches its
    /// pods by position instead of searching for each key.
    pub slots: Vec<usize>,
    /// Where the VPA covering the workload sits in its cluster's VPA index, if one does.
    pub vpa: Option<usize>,
}

/// Every pod the app has, grouped by workload.
pub type WorkloadGroups = Vec<WorkloadGroup>;

/// The workload of the pod at `key`, when the app has it.
pub fn workload_of(state: &AppState, key: &PodKey) -> Option<Workload> {
    let pod = state.pods.get(key)?;
    Some(Workload::of_nearest(&pod.name, pod.owner.as_ref()))
}

/// The pods of `key`'s workload the app has, `key` among them (alone for a bare pod). Pods
/// are named after their controller, so only the names from the workload's on are looked at.
pub fn workload_members(state: &AppState, key: &PodKey) -> Vec<PodKey> {
    let Some(workload) = workload_of(state, key) else {
        return vec![key.clone()];
    };
    if workload.kind == "Pod" {
        return vec![key.clone()];
    }
    let from = PodKey::new(key.cluster, &key.namespace, workload.name.as_str());
    let mut members: Vec<PodKey> = state
        .pods
        .range(from..)
        .take_while(|(k, _)| {
            k.cluster == key.cluster
                && k.namespace == key.namespace
                && k.name.starts_with(workload.name.as_str())
        })
        .filter(|(_, pod)| Workload::of_nearest(&pod.name, pod.owner.as_ref()) == workload)
        .map(|(k, _)| k.clone())
        .collect();
    if !members.contains(key) {
        members.push(key.clone());
    }
    members
}

/// The app's pods grouped by workload, as `workload_members` groups them: made once and kept
/// until a pod comes, goes or changes or the VPAs change (a metrics reading every 15 s then
/// walks the groups).
pub fn workload_groups(state: &mut AppState) -> Arc<WorkloadGroups> {
    if let Some(groups) = &state.workload_groups {
        return Arc::clone(groups);
    }
    let mut index: HashMap<(ClusterId, &str, Workload), usize> = HashMap::new();
    let mut groups: WorkloadGroups = Vec::new();
    for (position, (key, pod)) in state.pods.iter().enumerate() {
        let workload = Workload::of_nearest(&pod.name, pod.owner.as_ref());
        // As `workload_members` finds them: a pod not named after its controller stands alone.
        let bare = workload.kind == "Pod" || !pod.name.starts_with(workload.name.as_str());
        let group = || WorkloadGroup {
            cluster: key.cluster,
            members: Vec::new(),
            slots: Vec::new(),
            // Replicas share their owner chain: the first one's VPA is the workload's.
            vpa: state.cluster(key.cluster).vpas.covering_at(pod),
        };
        let slot = if bare {
            groups.push(group());
            groups.len() - 1
        } else {
            *index
                .entry((key.cluster, key.namespace.as_str(), workload))
                .or_insert_with(|| {
                    groups.push(group());
                    groups.len() - 1
                })
        };
        if let Some(group) = groups.get_mut(slot) {
            group.members.push(key.clone());
            group.slots.push(position);
        }
    }
    let groups = Arc::new(groups);
    state.workload_groups = Some(Arc::clone(&groups));
    groups
}
