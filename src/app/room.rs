//! Node room as the app counts it: from every pod of the cluster when the table is scoped
//! (a cluster-wide watch kept for room alone), else from the watched rows, which then are
//! every pod. Where the cluster-wide list is refused the prediction says it counts the scope
//! only, instead of promising room other namespaces' pods already hold.

use super::state::AppState;
use crate::model::PodRow;
use crate::model::ground::resources::CpuMem;
use crate::model::pods::events::{ClusterEvent, NodeInfo};
use crate::model::pods::room_pods::RoomSource;
use crate::model::pods::row::ClusterId;

/// Takes a node-room event of `cluster`; any other event is handed back.
pub(super) fn on_room_event(
    state: &mut AppState,
    cluster: ClusterId,
    event: ClusterEvent,
) -> Option<ClusterEvent> {
    let editor_node = state.editor.as_ref().and_then(|e| {
        let key = super::view::PodKey::new(e.cluster, &e.namespace, &e.pod);
        (e.cluster == cluster).then(|| state.pods.get(&key)?.node.clone())?
    });
    let status = state.cluster_mut(cluster)?;
    let room = &mut status.room;
    // Whether the open editor's prediction may have moved.
    let moved = match event {
        ClusterEvent::RoomReset(pods) => {
            room.reset(pods);
            true
        }
        ClusterEvent::RoomApplied(pod) => {
            let here = editor_node.is_some() && pod.node == editor_node;
            room.apply(pod);
            // A pod that left the editor's node is seen by the next re-plan; a pod arriving
            // there changes the room now.
            here
        }
        ClusterEvent::RoomDeleted { namespace, name } => {
            room.delete(&namespace, &name);
            true
        }
        ClusterEvent::RoomRefused(why) => {
            room.refused(why);
            true
        }
        other => return Some(other),
    };
    super::nodes::changed(state);
    if moved && state.editor.is_some() {
        state.replan_editor();
    }
    None
}

impl AppState {
    /// What the kubelet holds for the other pods on `pod`'s node, which a resize of `pod` is
    /// admitted against (`admitted.rs`): every pod of the cluster when the cluster-wide room
    /// list is held, else the watched rows.
    pub fn others_on_node(&self, pod: &PodRow) -> CpuMem {
        let room = &self.cluster(pod.cluster).room;
        match (&pod.node, room.is_every_pod()) {
            (Some(node), true) => room.others_on(node, &pod.namespace, &pod.name),
            _ => {
                crate::model::pods::admitted::admitted_of_neighbours(pod, self.pods_of(pod.cluster))
            }
        }
    }

    /// The node's free room (allocatable less every counted pod there), as `podsize nodes`
    /// counts it; `None` when the node is not known.
    pub fn node_free(&self, cluster: ClusterId, node: &str) -> Option<CpuMem> {
        let status = self.cluster(cluster);
        let info: &NodeInfo = status.nodes.get(node)?;
        let used = if status.room.is_every_pod() {
            status.room.on_node(node).0
        } else {
            self.pods_of(cluster)
                .filter(|p| p.node.as_deref() == Some(node))
                .filter(|p| crate::model::pods::counted::holds_room(p))
                .fold(CpuMem::ZERO, |s, p| s.plus(p.effective_requests()))
        };
        Some(info.allocatable.minus(used))
    }

    /// Why node room of `cluster` may be short of pods: the cluster-wide list was refused
    /// and the table is scoped. Shown with every prediction.
    pub fn room_caveat(&self, cluster: ClusterId) -> Option<String> {
        match &self.cluster(cluster).room.source {
            RoomSource::ScopeOnly(why) => Some(format!(
                "node room counted from {} only (pods of other namespaces not readable: {why})",
                self.scope.describe()
            )),
            _ => None,
        }
    }
}
