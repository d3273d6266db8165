//! Each pod's name widths, measured once per store layout rather than per keystroke: a
//! filter keystroke at 100,000 rows measured every visible row's strings again (reading
//! each one's bytes from all over the heap), a quarter of a keystroke's time (issue #30
//! point 14). The widths of names, nodes and containers change only when the search keys
//! do (`same_search_keys`); which pods are boosted can change with any pod, so that short
//! list is remade whenever a pod changed.

use super::name_widths::{
    BADGE, Longest, label_cells, marked_width, resize_words_cells, text_cells,
};
use super::view::{PodKey, RowRef};
use crate::model::PodRow;
use std::collections::{BTreeMap, BTreeSet};

/// One pod's own name widths, in cells.
#[derive(Clone, Copy, Debug)]
struct PodWidths {
    namespace: u16,
    pod: u16,
    node: u16,
}

/// Name widths by store slot, valid while the store's pods keep their slots and names.
#[derive(Debug, Default)]
pub struct NameWidthCache {
    pods: Vec<PodWidths>,
    /// Where each slot's container widths start in `containers`, plus the end.
    container_first: Vec<usize>,
    containers: Vec<u16>,
    /// Boosted pods' slots with the width of their resize cell's essentials.
    boosted: Vec<(usize, u16)>,
    /// Slots of pods whose resize state carries a message, with its cell's width: a short
    /// list (deferred, infeasible, failed resizes), remade with `boosted`.
    worded: Vec<(usize, u16)>,
}

impl NameWidthCache {
    pub fn build(pods: &BTreeMap<PodKey, PodRow>) -> Self {
        let mut cache = Self {
            pods: Vec::with_capacity(pods.len()),
            container_first: Vec::with_capacity(pods.len() + 1),
            containers: Vec::new(),
            boosted: Vec::new(),
            worded: Vec::new(),
        };
        for pod in pods.values() {
            cache.container_first.push(cache.containers.len());
            cache
                .containers
                .extend(pod.containers.iter().map(label_cells));
            cache.pods.push(PodWidths {
                namespace: text_cells(&pod.namespace),
                pod: text_cells(&pod.name),
                node: pod.node.as_deref().map_or(1, text_cells),
            });
        }
        cache.container_first.push(cache.containers.len());
        cache.refresh_boosted(pods);
        cache
    }

    /// A pod changed in place: which pods are boosted (and their state labels), and their
    /// resize messages, may have too.
    pub fn refresh_boosted(&mut self, pods: &BTreeMap<PodKey, PodRow>) {
        // One walk over the pods for both short lists: this runs at every pod change.
        self.boosted.clear();
        self.worded.clear();
        for (slot, pod) in pods.values().enumerate() {
            if pod.boost.is_some() {
                (self.boosted).push((slot, BADGE + 1 + text_cells(pod.state.label())));
            }
            if let Some(width) = resize_words_cells(pod) {
                self.worded.push((slot, width));
            }
        }
    }

    /// The widest names among the rows of `index` (built from the pods this cache was built
    /// from), and how many pods those rows belong to.
    pub fn measure(&self, index: &[RowRef], marked: &BTreeSet<PodKey>) -> (Longest, usize) {
        let mut longest = Longest::default();
        let mut seen = vec![false; self.pods.len()];
        let mut visible_pods = 0;
        for row in index {
            let Some(widths) = self.pods.get(row.slot) else {
                continue;
            };
            let first = self.container_first.get(row.slot).copied().unwrap_or(0);
            let end = self.container_first.get(row.slot + 1).copied().unwrap_or(0);
            // A pod's own row (`p`) names its container when it has only one.
            let named = match row.container {
                Some(i) => Some(first + i),
                None if end == first + 1 => Some(first),
                None => None,
            };
            if let Some(at) = named.filter(|at| *at < end)
                && let Some(&w) = self.containers.get(at)
            {
                longest.container = longest.container.max(w);
            }
            match seen.get_mut(row.slot) {
                Some(done) if !*done => *done = true,
                _ => continue,
            }
            visible_pods += 1;
            longest.namespace = longest.namespace.max(widths.namespace);
            let pod_width = match marked.is_empty() || !marked.contains(&row.pod) {
                true => widths.pod,
                false => marked_width(&row.pod.name),
            };
            longest.pod = longest.pod.max(pod_width);
            longest.node = longest.node.max(widths.node);
        }
        for &(slot, width) in &self.boosted {
            if seen.get(slot).copied().unwrap_or(false) {
                longest.boosted_resize = longest.boosted_resize.max(width);
            }
        }
        for &(slot, width) in &self.worded {
            if seen.get(slot).copied().unwrap_or(false) {
                longest.resize_words = longest.resize_words.max(width);
            }
        }
        (longest, visible_pods)
    }
}

#[cfg(test)]
#[path = "name_width_cache_tests.rs"]
mod tests;
