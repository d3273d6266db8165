//! The node view (`N` or `:nodes`): one row per node with the room the scheduler counts, sorted
//! by free room or pending demand; Enter shows the pod table filtered to the node, Esc goes back.

use super::keymap::{NODES, NodesCommand, lookup};
use super::state::AppState;
use crate::model::decide::node_room::{NodeRoom, NodeSort, missing_room, node_rooms, sort_rooms};
use crate::model::ground::resources::CpuMem;
use crate::model::pods::row::PodKey;
use crossterm::event::KeyEvent;
use std::collections::HashMap;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NodesView {
    /// The cluster whose nodes are shown: the selected pod's when the view opened.
    pub cluster: crate::model::pods::row::ClusterId,
    pub sort: NodeSort,
    pub selected: usize,
    /// The rows on show, computed once per change of pods, nodes, usage or sort (not per frame:
    /// each computation walks every pod of the cluster).
    pub rooms: Vec<NodeRoom>,
    /// Something the rows depend on changed since they were computed.
    pub stale: bool,
}

/// Recomputes the node rows if something they depend on changed; before each draw.
pub fn refresh(state: &mut AppState) {
    let Some(view) = state.nodes_view.as_ref().filter(|v| v.stale) else {
        return;
    };
    let rooms = rooms(state, view);
    if let Some(view) = state.nodes_view.as_mut() {
        view.rooms = rooms;
        view.stale = false;
    }
}

/// Pods, nodes or usage changed: the node rows are recomputed before the next draw.
pub fn changed(state: &mut AppState) {
    if let Some(view) = state.nodes_view.as_mut() {
        view.stale = true;
    }
}

/// Summed usage per pod from the latest metrics reading, where metrics are served.
pub fn usage_by_pod(state: &AppState) -> HashMap<PodKey, CpuMem> {
    let Some(usage) = &state.usage else {
        return HashMap::new();
    };
    usage
        .iter()
        .map(|(key, u)| {
            let sum = u
                .containers
                .iter()
                .fold(CpuMem::ZERO, |s, (_, c)| s.plus(*c));
            (key.clone(), sum)
        })
        .collect()
}

/// The node rows in the view's order. When the table is scoped and the cluster-wide list kept
/// for room is held, requested and free room count every pod of the cluster, and so does what
/// a Deferred resize still misses (the kubelet holds room for every namespace's pods); usage
/// and which resizes are Deferred come from the watched pods.
pub fn rooms(state: &AppState, view: &NodesView) -> Vec<NodeRoom> {
    let cluster = state.cluster(view.cluster);
    let nodes: Vec<_> = cluster.nodes.values().cloned().collect();
    let mut rooms = node_rooms(&nodes, state.pods_of(view.cluster), &usage_by_pod(state));
    if cluster.room.is_every_pod() {
        rooms = rooms
            .into_iter()
            .map(|r| {
                let (requested, pods) = cluster.room.on_node(&r.name);
                let mut r = r.with_every_pod(requested, pods);
                let allocatable = r.allocatable;
                for pending in &mut r.pending {
                    let key = PodKey::new(view.cluster, &pending.namespace, &pending.pod);
                    if let Some(pod) = state.pods.get(&key) {
                        let others = state.others_on_node(pod);
                        pending.missing = missing_room(pod, allocatable, others);
                    }
                }
                r
            })
            .collect();
    }
    let sort = view.sort;
    sort_rooms(&mut rooms, sort);
    rooms
}

pub fn open(state: &mut AppState) {
    let cluster = state.selected_pod().map_or(0, |p| p.cluster);
    state.nodes_view = Some(NodesView {
        cluster,
        stale: true,
        ..NodesView::default()
    });
    state.dirty = true;
}

/// Keys of the node view; true when the view used the key.
pub fn on_key(state: &mut AppState, key: KeyEvent) {
    let Some(mut view) = state.nodes_view.take() else {
        return;
    };
    let count = state.cluster(view.cluster).nodes.len();
    state.dirty = true;
    match lookup(NODES, key) {
        Some(NodesCommand::Down) => {
            view.selected = (view.selected + 1).min(count.saturating_sub(1))
        }
        Some(NodesCommand::Up) => view.selected = view.selected.saturating_sub(1),
        Some(NodesCommand::CycleSort) => {
            view.sort = view.sort.next();
            view.stale = true;
        }
        Some(NodesCommand::ShowPods) => {
            if let Some(room) = rooms(state, &view).get(view.selected) {
                state.filter.text = room.name.clone();
                state.invalidate_index();
                state.set_status(
                    format!("pods on node {} (Esc clears the filter)", room.name),
                    false,
                );
            }
            return;
        }
        Some(NodesCommand::Back) => return,
        Some(NodesCommand::Help) => super::help_view::open(state),
        Some(NodesCommand::Quit) => state.quit = true,
        None => {}
    }
    state.nodes_view = Some(view);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::state::HeaderInfo;
    use crate::app::update::{Action, update};
    use crate::model::decide::node_room::tests::{deferred, node, pod, row};
    use crate::model::pods::events::{ClusterEvent, Scope};
    use crossterm::event::{KeyCode, KeyModifiers};

    fn press(state: &mut AppState, code: KeyCode) {
        let now = chrono::Utc::now();
        update(
            state,
            Action::Key(KeyEvent::new(code, KeyModifiers::NONE)),
            now,
        );
    }

    #[test]
    fn colon_nodes_opens_sorts_and_enter_filters_the_pods_to_the_node() {
        let now = chrono::Utc::now();
        let mut state = AppState::new(HeaderInfo::default(), Scope::default());
        let rows = vec![
            row(pod("a", "quiet", (100, 1), (100, 1), (100, 1))),
            row(pod("b", "busy", (900, 1), (900, 1), (900, 1))),
            row(deferred(pod("w", "waiting", (600, 1), (100, 1), (100, 1)))),
        ];
        update(
            &mut state,
            Action::Cluster(ClusterEvent::pods_reset(rows)),
            now,
        );
        let nodes = vec![
            node("quiet", 1000, 64),
            node("busy", 1000, 64),
            node("waiting", 1000, 64),
        ];
        update(
            &mut state,
            Action::Cluster(ClusterEvent::NodesReset(nodes)),
            now,
        );
        press(&mut state, KeyCode::Char(':'));
        for c in "nodes".chars() {
            press(&mut state, KeyCode::Char(c));
        }
        press(&mut state, KeyCode::Enter);
        let view = state.nodes_view.clone().unwrap_or_default();
        assert!(state.nodes_view.is_some());
        // Fullest first: busy (10% free), waiting (its Deferred 600m counted: 40%), quiet.
        let names: Vec<String> = rooms(&state, &view).into_iter().map(|r| r.name).collect();
        assert_eq!(names, ["busy", "waiting", "quiet"]);
        press(&mut state, KeyCode::Char('s'));
        assert_eq!(
            state.nodes_view.as_ref().map(|v| v.sort),
            Some(NodeSort::PendingDemand)
        );
        press(&mut state, KeyCode::Char('j'));
        press(&mut state, KeyCode::Enter);
        assert!(state.nodes_view.is_none());
        assert_eq!(state.filter.text, "busy");
        state.refresh_index();
        assert_eq!(state.visible().len(), 1);
        press(&mut state, KeyCode::Char('N'));
        press(&mut state, KeyCode::Esc);
        assert!(state.nodes_view.is_none(), "Esc goes back");
    }

    #[test]
    fn rows_are_computed_before_a_draw_after_a_change_not_on_each_key() {
        let now = chrono::Utc::now();
        let mut state = AppState::new(HeaderInfo::default(), Scope::default());
        let rows = vec![row(pod("a", "n1", (100, 1), (100, 1), (100, 1)))];
        let event = ClusterEvent::pods_reset(rows);
        update(&mut state, Action::Cluster(event), now);
        let nodes = vec![node("n1", 1000, 64), node("n2", 1000, 64)];
        update(
            &mut state,
            Action::Cluster(ClusterEvent::NodesReset(nodes)),
            now,
        );
        press(&mut state, KeyCode::Char('N'));
        state.refresh_index();
        let view = state.nodes_view.clone().unwrap_or_default();
        assert!(!view.stale);
        assert_eq!(view.rooms, rooms(&state, &view));
        press(&mut state, KeyCode::Char('j'));
        assert!(
            !state.nodes_view.as_ref().is_some_and(|v| v.stale),
            "moving reuses the rows"
        );
        let node3 = ClusterEvent::NodeApplied(node("n3", 1000, 64));
        update(&mut state, Action::Cluster(node3), now);
        assert!(state.nodes_view.as_ref().is_some_and(|v| v.stale));
        state.refresh_index();
        let count = state.nodes_view.as_ref().map(|v| v.rooms.len());
        assert_eq!(count, Some(3), "a new node shows after the next refresh");
    }
}
