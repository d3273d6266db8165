//! The `/` filter's search keys: one compact lowercase key per table row, all in one
//! contiguous buffer, so a keystroke at 100,000 rows reads a few megabytes in order instead
//! of chasing 400,000 pointers into the store's strings (issue #17). A longer filter checks
//! only the rows the previous one kept.

use crate::model::PodRow;
use std::collections::BTreeMap;

use super::view::{Filter, PodKey, RowRef, Verdicts, build_index_by};
use crate::settings::SortKey;

/// Separates fields and rows. A needle without it cannot match across two fields, so a hit
/// in the buffer is a hit in one field of one row.
const SEP: u8 = 0;

/// Search keys of every row the table could show, in store order (before filter and sort).
#[derive(Debug)]
pub struct SearchIndex {
    per_pod: bool,
    buf: Vec<u8>,
    /// Where each row's key starts in `buf`, plus the end of the buffer.
    starts: Vec<usize>,
    /// The first row of each pod, by store slot, plus the number of rows.
    pod_first: Vec<usize>,
}

/// Lowercased like `str::to_lowercase`, without allocating for the usual ASCII name.
fn push_lower(buf: &mut Vec<u8>, s: &str) {
    if s.is_ascii() {
        buf.extend(s.bytes().map(|b| b.to_ascii_lowercase()));
    } else {
        buf.extend_from_slice(s.to_lowercase().as_bytes());
    }
    buf.push(SEP);
}

/// The fields every row of a pod shares: its cluster (with several on show), namespace,
/// name and node.
fn push_pod(buf: &mut Vec<u8>, pod: &PodRow, clusters: &[String]) {
    if clusters.len() > 1 {
        push_lower(
            buf,
            clusters
                .get(usize::from(pod.cluster))
                .map_or("", String::as_str),
        );
    }
    push_lower(buf, &pod.namespace);
    push_lower(buf, &pod.name);
    push_lower(buf, pod.node.as_deref().unwrap_or(""));
}

/// Whether two versions of one pod (same cluster, namespace and name) have the same search
/// keys and rows: the same node and the same containers in the same order. Most watch events
/// (resize progress, readiness, restarts) change neither. The containers' kinds are compared
/// too: the table's name widths (`name_width_cache`) are kept on the same condition.
pub fn same_search_keys(old: &PodRow, new: &PodRow) -> bool {
    old.node == new.node
        && old.containers.len() == new.containers.len()
        && (old.containers.iter().zip(&new.containers))
            .all(|(a, b)| a.name == b.name && a.kind == b.kind)
}

impl SearchIndex {
    /// Keys for rows per container (a pod row when it has none), or per pod when `per_pod`:
    /// the same rows `view::build_index` makes.
    pub fn build(pods: &BTreeMap<PodKey, PodRow>, per_pod: bool) -> Self {
        Self::build_named(pods, per_pod, &[])
    }

    /// As `build`, with the clusters' context names searchable too (`/prod-eu`).
    pub fn build_named(
        pods: &BTreeMap<PodKey, PodRow>,
        per_pod: bool,
        clusters: &[String],
    ) -> Self {
        let rows: usize = pods.values().map(|p| p.containers.len().max(1)).sum();
        let mut index = Self {
            per_pod,
            buf: Vec::with_capacity(rows * 48),
            starts: Vec::with_capacity(rows + 1),
            pod_first: Vec::with_capacity(pods.len() + 1),
        };
        for pod in pods.values() {
            index.pod_first.push(index.starts.len());
            if per_pod || pod.containers.is_empty() {
                index.starts.push(index.buf.len());
                push_pod(&mut index.buf, pod, clusters);
                for c in &pod.containers {
                    push_lower(&mut index.buf, &c.name);
                }
                continue;
            }
            for c in &pod.containers {
                index.starts.push(index.buf.len());
                push_pod(&mut index.buf, pod, clusters);
                push_lower(&mut index.buf, &c.name);
            }
        }
        index.pod_first.push(index.starts.len());
        index.starts.push(index.buf.len());
        index
    }

    pub fn per_pod(&self) -> bool {
        self.per_pod
    }

    pub fn rows(&self) -> usize {
        self.starts.len() - 1
    }

    /// The row of a pod (store slot) and container, as `build_index` numbers them.
    pub fn row_of(&self, slot: usize, container: Option<usize>) -> Option<usize> {
        let (first, end) = (*self.pod_first.get(slot)?, *self.pod_first.get(slot + 1)?);
        let row = first
            + if self.per_pod {
                0
            } else {
                container.unwrap_or(0)
            };
        (row < end).then_some(row)
    }

    fn key(&self, row: usize) -> &[u8] {
        &self.buf[self.starts[row]..self.starts[row + 1]]
    }

    /// Whether `row` contains the lowercased needle (see `Needle`).
    pub fn row_matches(&self, needle: &Needle, row: usize) -> bool {
        needle.valid && row < self.rows() && needle.found_in(self.key(row))
    }

    /// Every row that contains the needle.
    pub fn scan(&self, needle: &Needle) -> Vec<bool> {
        (0..self.rows())
            .map(|row| self.row_matches(needle, row))
            .collect()
    }
}

/// A filter's text prepared once per keystroke.
pub struct Needle {
    lower: Vec<u8>,
    /// Holds no separator byte (a needle with one can match no name: names are DNS names).
    valid: bool,
}

impl Needle {
    pub fn new(text: &str) -> Self {
        let lower = text.to_lowercase().into_bytes();
        Self {
            valid: !lower.contains(&SEP),
            lower,
        }
    }

    /// Substring search within one short key: `memchr` for the first byte, then a compare.
    /// A general searcher's set-up per call costs more than this at 50 bytes a key, and
    /// the key is already in cache after the first byte's scan.
    fn found_in(&self, key: &[u8]) -> bool {
        let Some((&first, rest)) = self.lower.split_first() else {
            return true;
        };
        memchr::memchr_iter(first, key).any(|i| key[i + 1..].starts_with(rest))
    }
}

/// The filter's search keys, kept until the pods or the row mode change.
#[derive(Debug, Default)]
pub struct FilterCache {
    index: Option<SearchIndex>,
    /// The clusters' context names, searched with several clusters on show.
    clusters: Vec<String>,
    /// What each narrowing took out of the index, newest last: the filter text before it and
    /// the rows removed with their places. A Backspace puts them back by moving them, where a
    /// rebuild would clone every row's names again (issue #30 point 14).
    narrowed: Vec<(String, Vec<(usize, RowRef)>)>,
}

/// `!text` negates; an empty text (alone or after `!`) keeps every row.
fn split(filter: &Filter) -> (bool, &str) {
    match filter.text.strip_prefix('!') {
        Some(rest) => (true, rest),
        None => (false, filter.text.as_str()),
    }
}

impl FilterCache {
    /// The pods changed: slots and keys are out of date.
    pub fn invalidate(&mut self) {
        self.index = None;
        self.narrowed.clear();
    }

    /// The rows were sorted again (pods changed in place under a sort by a figure): the
    /// places the narrowings recorded are out of date, the search keys are not.
    pub fn forget_narrowings(&mut self) {
        self.narrowed.clear();
    }

    /// The clusters on show; the keys are rebuilt when they change.
    pub fn set_clusters(&mut self, names: impl Iterator<Item = String> + Clone) {
        if !names.clone().eq(self.clusters.iter().cloned()) {
            self.clusters = names.collect();
            self.index = None;
            self.narrowed.clear();
        }
    }

    /// Builds the keys ahead of the first typed character (when `/` opens the filter):
    /// building touches every pod's strings, as one key press before this index did.
    pub fn prepare(&mut self, pods: &BTreeMap<PodKey, PodRow>, per_pod: bool) {
        self.get(pods, per_pod);
    }

    fn get(&mut self, pods: &BTreeMap<PodKey, PodRow>, per_pod: bool) -> &SearchIndex {
        if self.index.as_ref().is_none_or(|i| i.per_pod() != per_pod) {
            self.index = None;
        }
        self.index
            .get_or_insert_with(|| SearchIndex::build_named(pods, per_pod, &self.clusters))
    }

    /// The visible rows for `filter`, sorted: what `view::build_index` returns.
    pub fn rebuild(
        &mut self,
        pods: &BTreeMap<PodKey, PodRow>,
        filter: &Filter,
        sort: SortKey,
        per_pod: bool,
        only_namespace: Option<&str>,
        verdicts: &Verdicts,
    ) -> Vec<RowRef> {
        self.narrowed.clear();
        let (negate, text) = split(filter);
        if text.is_empty() {
            return build_index_by(pods, sort, per_pod, only_namespace, verdicts, |_, _, _| {
                true
            });
        }
        let search = self.get(pods, per_pod);
        let hits = search.scan(&Needle::new(text));
        build_index_by(
            pods,
            sort,
            per_pod,
            only_namespace,
            verdicts,
            |slot, _, c| {
                search
                    .row_of(slot, c)
                    .is_some_and(|row| hits[row] != negate)
            },
        )
    }

    /// Removes from `index` (built from the same, unchanged pods) the rows `filter` does not
    /// match, keeping their order: a longer filter only ever removes rows.
    /// `before` is the filter text `index` was made for; what is removed is kept so that
    /// [`FilterCache::widen`] can put it back.
    pub fn narrow(
        &mut self,
        pods: &BTreeMap<PodKey, PodRow>,
        filter: &Filter,
        per_pod: bool,
        index: &mut Vec<RowRef>,
        before: &str,
    ) {
        let (negate, text) = split(filter);
        if text.is_empty() || before == filter.text {
            return;
        }
        let search = self.get(pods, per_pod);
        let needle = Needle::new(text);
        let mut removed = Vec::new();
        let mut kept = Vec::with_capacity(index.len());
        for (place, r) in std::mem::take(index).into_iter().enumerate() {
            let row = search.row_of(r.slot, r.container);
            if row.is_some_and(|i| search.row_matches(&needle, i) != negate) {
                kept.push(r);
            } else {
                removed.push((place, r));
            }
        }
        *index = kept;
        self.narrowed.push((before.to_string(), removed));
    }

    /// Backspace: puts back the rows the narrowings since `filter` took out, in their places,
    /// when `index` came from narrowing `filter` with the same pods. `false` (nothing done)
    /// when there is no such record: the caller rebuilds.
    pub fn widen(&mut self, filter: &Filter, index: &mut Vec<RowRef>) -> bool {
        let Some(depth) = self.narrowed.iter().rposition(|(t, _)| *t == filter.text) else {
            return false;
        };
        for (_, removed) in self.narrowed.drain(depth..).rev() {
            let mut merged = Vec::with_capacity(index.len() + removed.len());
            let mut kept = std::mem::take(index).into_iter();
            for (place, r) in removed {
                while merged.len() < place {
                    match kept.next() {
                        Some(k) => merged.push(k),
                        None => break,
                    }
                }
                merged.push(r);
            }
            merged.extend(kept);
            *index = merged;
        }
        true
    }
}

#[cfg(test)]
#[path = "search_index_tests.rs"]
mod tests;
