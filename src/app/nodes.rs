//! The node view (`N` or `:nodes`): one row per node with the room the scheduler counts, sorted
//! by free room or pending demand; Enter shows the pod table filtered to the node, Esc goes back.

use super::keymap::{NODES, NodesCommand, lookup};
use super::state::AppState;
use crate::model::node_room::{NodeRoom, NodeSort, node_rooms, sort_rooms};
use crate::model::resources::CpuMem;
use crate::model::row::PodKey;
use crossterm::event::KeyEvent;
use std::collections::HashMap;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NodesView {
    pub sort: NodeSort,
    pub selected: usize,
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

/// The node rows in the view's order. Computed from the watched pods: with a namespace scope,
/// pods of other namespaces are not counted (the header says which scope is shown).
pub fn rooms(state: &AppState, sort: NodeSort) -> Vec<NodeRoom> {
    let nodes: Vec<_> = state.nodes.values().cloned().collect();
    let mut rooms = node_rooms(&nodes, state.pods.values(), &usage_by_pod(state));
    sort_rooms(&mut rooms, sort);
    rooms
}

pub fn open(state: &mut AppState) {
    state.nodes_view = Some(NodesView::default());
    state.dirty = true;
}

/// Keys of the node view; true when the view used the key.
pub fn on_key(state: &mut AppState, key: KeyEvent) {
    let Some(mut view) = state.nodes_view.take() else {
        return;
    };
    let count = state.nodes.len();
    state.dirty = true;
    match lookup(NODES, key) {
        Some(NodesCommand::Down) => {
            view.selected = (view.selected + 1).min(count.saturating_sub(1))
        }
        Some(NodesCommand::Up) => view.selected = view.selected.saturating_sub(1),
        Some(NodesCommand::CycleSort) => view.sort = view.sort.next(),
        Some(NodesCommand::ShowPods) => {
            if let Some(room) = rooms(state, view.sort).get(view.selected) {
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
        Some(NodesCommand::Help) => state.show_help = true,
        Some(NodesCommand::Quit) => state.quit = true,
        None => {}
    }
    state.nodes_view = Some(view);
}
