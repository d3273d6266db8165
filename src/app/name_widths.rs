//! How wide the name columns' values are among the rows on show, measured when the visible
//! order is rebuilt (not per frame), so the table can give names the room they need.

use super::view::{PodKey, RowRef};
use crate::model::{ContainerKind, ContainerRow, PodRow};
use std::collections::{BTreeMap, BTreeSet};

/// The widest value of each name column, in cells.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Longest {
    pub cluster: u16,
    pub namespace: u16,
    pub pod: u16,
    pub container: u16,
    pub node: u16,
    /// The resize cell's essentials on a boosted pod: the badge and the state label after it
    /// (0 when no row shown is boosted), so neither is cut to make room for names.
    pub boosted_resize: u16,
    /// The widest resize cell's words (state and the kubelet's message, `‖ deferred: Node
    /// didn't have enough…`) among rows on show, when wider than the bare state labels; the
    /// table gives them room before names grow (0 when no row shown has a message).
    pub resize_words: u16,
}

/// The widest boost badge (`⇡ boost until ready`; a countdown is never wider).
pub const BADGE: u16 = 19;

/// The width of a pod's widest resize cell (`cells::state_text` of the pod's or a container's
/// state: the label, then `: ` and the message), or `None` when none has a message.
pub fn resize_words_cells(pod: &PodRow) -> Option<u16> {
    let words = |state: &crate::model::ResizeState| {
        let message = state.message().filter(|m| !m.is_empty())?;
        Some(cells(state.label()) + 2 + cells(message))
    };
    std::iter::once(&pod.state)
        .chain(pod.containers.iter().map(|c| &c.state))
        .filter_map(words)
        .max()
}

/// The container as the table names it: kind in brackets for init containers and sidecars.
pub fn container_label(c: &ContainerRow) -> String {
    match c.kind {
        ContainerKind::Regular => c.name.clone(),
        ContainerKind::Sidecar => format!("{} (sidecar)", c.name),
        ContainerKind::Init => format!("{} (init)", c.name),
    }
}

/// The width of `container_label(c)`, without building it.
pub fn label_cells(c: &ContainerRow) -> u16 {
    let suffix = match c.kind {
        ContainerKind::Regular => 0,
        ContainerKind::Sidecar => " (sidecar)".len(),
        ContainerKind::Init => " (init)".len(),
    };
    cells(&c.name).saturating_add(u16::try_from(suffix).unwrap_or(0))
}

/// Prefix of a marked pod's name in the table.
pub const MARK: &str = "● ";

/// A name's width in cells.
pub fn text_cells(text: &str) -> u16 {
    cells(text)
}

fn cells(text: &str) -> u16 {
    // Kubernetes names are DNS labels: one cell per character (a byte, for the usual ASCII).
    let count = if text.is_ascii() {
        text.len()
    } else {
        text.chars().count()
    };
    u16::try_from(count).unwrap_or(u16::MAX)
}

/// A marked pod's name width in the table.
pub fn marked_width(pod: &str) -> u16 {
    cells(MARK) + cells(pod)
}

/// Measures the rows of `index`, just built from `pods`: each row's store slot names its pod,
/// so no row looks its pod up by key (a keystroke at 100,000 rows measured them all through
/// the map, 20 ms), and each pod's own fields are measured once.
pub fn measure(
    index: &[RowRef],
    pods: &BTreeMap<PodKey, PodRow>,
    marked: &BTreeSet<PodKey>,
) -> Longest {
    let by_slot: Vec<(&PodKey, &PodRow)> = pods.iter().collect();
    let mut measured = vec![false; by_slot.len()];
    let mut longest = Longest::default();
    for row in index {
        // The index was built from these pods just now (`refresh_index`), so its slots hold.
        let Some(&(key, pod)) = by_slot.get(row.slot) else {
            continue;
        };
        // A pod's own row (`p`) names its container when it has only one.
        let named = match (row.container, pod.containers.as_slice()) {
            (Some(i), _) => pod.containers.get(i),
            (None, [one]) => Some(one),
            (None, _) => None,
        };
        if let Some(c) = named {
            longest.container = longest.container.max(label_cells(c));
        }
        match measured.get_mut(row.slot) {
            Some(done) if !*done => *done = true,
            _ => continue,
        }
        longest.namespace = longest.namespace.max(cells(&pod.namespace));
        let pod_width = if marked.contains(key) {
            marked_width(&pod.name)
        } else {
            cells(&pod.name)
        };
        longest.pod = longest.pod.max(pod_width);
        longest.node = longest.node.max(pod.node.as_deref().map_or(1, cells));
        if pod.boost.is_some() {
            let cell = BADGE + 1 + cells(pod.state.label());
            longest.boosted_resize = longest.boosted_resize.max(cell);
        }
        if let Some(words) = resize_words_cells(pod) {
            longest.resize_words = longest.resize_words.max(words);
        }
    }
    longest
}
