//! The visible order of rows: filter and sort as an index over the store, never a copy of rows.

use crate::model::PodRow;
use crate::model::decide::rightsizing::Verdict;
use crate::settings::SortKey;
use std::collections::BTreeMap;

pub use crate::model::pods::row::PodKey;

/// One line of the table: a pod, and a container index when rows are per container.
#[derive(Clone, Debug)]
pub struct RowRef {
    pub pod: PodKey,
    pub container: Option<usize>,
    /// The pod's position in the store when the index was built: lets a narrowing filter
    /// reach the pod without a map lookup while the store is unchanged.
    pub slot: usize,
}

impl PartialEq for RowRef {
    /// Same pod and container, wherever it sits in the store.
    fn eq(&self, other: &Self) -> bool {
        self.pod == other.pod && self.container == other.container
    }
}

impl Eq for RowRef {}

impl std::hash::Hash for RowRef {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.pod.hash(state);
        self.container.hash(state);
    }
}

/// `/` filter: substring over namespace, pod, container and node; a leading `!` negates.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Filter {
    pub text: String,
}

/// A filter prepared once per index build: no allocation per row.
pub struct Matcher {
    negate: bool,
    /// The needle lowercased once. Namespace, pod, container and node names are lowercase DNS
    /// names (apiserver validation), so a plain substring search is a case-insensitive one.
    /// The searcher is built once: setting one up per field would dominate at 100,000 rows.
    finder: memchr::memmem::Finder<'static>,
    empty: bool,
}

impl Matcher {
    pub fn new(filter: &Filter) -> Self {
        let (negate, text) = match filter.text.strip_prefix('!') {
            Some(rest) => (true, rest),
            None => (false, filter.text.as_str()),
        };
        let needle = text.to_lowercase();
        Self {
            negate,
            empty: needle.is_empty(),
            finder: memchr::memmem::Finder::new(needle.as_bytes()).into_owned(),
        }
    }

    pub fn matches(&self, pod: &PodRow, container: Option<usize>) -> bool {
        if self.empty {
            return true;
        }
        // Names from a real server are lowercase; anything else is lowercased here, as the
        // search index does, so both give the same answer.
        let hit = |s: &str| {
            if s.bytes().all(|b| b.is_ascii() && !b.is_ascii_uppercase()) {
                self.finder.find(s.as_bytes()).is_some()
            } else {
                self.finder.find(s.to_lowercase().as_bytes()).is_some()
            }
        };
        let container_hit = match container {
            Some(i) => pod.containers.get(i).is_some_and(|c| hit(&c.name)),
            None => pod.containers.iter().any(|c| hit(&c.name)),
        };
        let found = hit(&pod.name)
            || hit(&pod.namespace)
            || container_hit
            || pod.node.as_deref().is_some_and(hit);
        found != self.negate
    }
}

/// Each pod's right-sizing verdicts, by container name (see `app::rightsizing`).
pub type Verdicts = crate::model::PodMap<Vec<(String, Verdict)>>;

fn verdict_sum(
    verdicts: Option<&Vec<(String, Verdict)>>,
    pod: &PodRow,
    container: Option<usize>,
    f: fn(&Verdict) -> i64,
) -> i64 {
    let Some(verdicts) = verdicts else {
        return 0;
    };
    let wanted = container
        .and_then(|i| pod.containers.get(i))
        .map(|c| c.name.as_str());
    verdicts
        .iter()
        .filter(|(name, _)| wanted.is_none_or(|w| w == name))
        .map(|(_, v)| f(v))
        .fold(0i64, i64::saturating_add)
}

fn sort_value(
    key: SortKey,
    pod: &PodRow,
    container: Option<usize>,
    verdicts: Option<&Vec<(String, Verdict)>>,
) -> i64 {
    let containers = match container {
        Some(i) => pod.containers.get(i..=i).unwrap_or(&[]),
        None => &pod.containers[..],
    };
    let sum = |f: &dyn Fn(&crate::model::ContainerRow) -> Option<i64>| -> i64 {
        containers
            .iter()
            .filter_map(f)
            .fold(0i64, i64::saturating_add)
    };
    // Larger first: values are negated (saturating, so absurd input cannot overflow).
    let descending = match key {
        SortKey::Name => 0,
        SortKey::ResizeState => i64::from(match container {
            Some(i) => pod.containers.get(i).map_or(0, |c| c.state.severity()),
            None => pod.state.severity(),
        }),
        SortKey::CpuDesired => sum(&|c| c.desired.requests.cpu_millis),
        SortKey::CpuActual => sum(&|c| c.actual.and_then(|a| a.requests.cpu_millis)),
        SortKey::MemoryDesired => sum(&|c| c.desired.requests.memory_bytes),
        SortKey::MemoryActual => sum(&|c| c.actual.and_then(|a| a.requests.memory_bytes)),
        SortKey::Restarts => sum(&|c| Some(i64::from(c.restart_count))),
        // Newest first.
        SortKey::Age => pod.created.map_or(0, |t| t.timestamp()),
        SortKey::Waste => verdict_sum(verdicts, pod, container, Verdict::waste),
        SortKey::Risk => verdict_sum(verdicts, pod, container, |v| v.risk),
    };
    descending.saturating_neg()
}

/// Rebuilds the visible index. Called once per batch of changes, not per frame.
pub fn build_index(
    pods: &BTreeMap<PodKey, PodRow>,
    filter: &Filter,
    sort: SortKey,
    per_pod: bool,
    only_namespace: Option<&str>,
    verdicts: &Verdicts,
) -> Vec<RowRef> {
    let matcher = Matcher::new(filter);
    build_index_by(
        pods,
        sort,
        per_pod,
        only_namespace,
        verdicts,
        |_, pod, c| matcher.matches(pod, c),
    )
}

/// `build_index` with the filter decided by `keep(slot, pod, container)`, e.g. from a
/// search index's hits.
pub fn build_index_by(
    pods: &BTreeMap<PodKey, PodRow>,
    sort: SortKey,
    per_pod: bool,
    only_namespace: Option<&str>,
    verdicts: &Verdicts,
    keep: impl Fn(usize, &PodRow, Option<usize>) -> bool,
) -> Vec<RowRef> {
    let mut keyed: Vec<(i64, RowRef)> = Vec::with_capacity(pods.len());
    let by_verdict = matches!(sort, SortKey::Waste | SortKey::Risk);
    let mut push = |slot: usize, key: &PodKey, pod: &PodRow, container: Option<usize>| {
        if keep(slot, pod, container) {
            let pod_verdicts = if by_verdict { verdicts.get(key) } else { None };
            let value = sort_value(sort, pod, container, pod_verdicts);
            keyed.push((
                value,
                RowRef {
                    pod: key.clone(),
                    container,
                    slot,
                },
            ));
        }
    };
    for (slot, (key, pod)) in pods.iter().enumerate() {
        if only_namespace.is_some_and(|ns| ns != key.namespace) {
            continue;
        }
        if per_pod || pod.containers.is_empty() {
            push(slot, key, pod, None);
        } else {
            for i in 0..pod.containers.len() {
                push(slot, key, pod, Some(i));
            }
        }
    }
    // Stable sort over a name-ordered map: ties stay in namespace/name/container order.
    keyed.sort_by_key(|(value, _)| *value);
    keyed.into_iter().map(|(_, r)| r).collect()
}

/// Sorts `index` again after pods changed in place (the same rows, new values): the order
/// `build_index_by` gives, without cloning every row's key again. Ties fall back to store
/// order, as the stable sort over the name-ordered store does.
pub fn resort(
    index: &mut [RowRef],
    pods: &BTreeMap<PodKey, PodRow>,
    sort: SortKey,
    verdicts: &Verdicts,
) {
    if sort == SortKey::Name {
        return;
    }
    let by_slot: Vec<(&PodKey, &PodRow)> = pods.iter().collect();
    let by_verdict = matches!(sort, SortKey::Waste | SortKey::Risk);
    index.sort_by_cached_key(|r| {
        let value = by_slot.get(r.slot).map_or(0, |&(key, pod)| {
            let pod_verdicts = if by_verdict { verdicts.get(key) } else { None };
            sort_value(sort, pod, r.container, pod_verdicts)
        });
        (value, r.slot, r.container)
    });
}
