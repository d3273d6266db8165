//! The initial list (or a re-list) while it arrives: rows are shown as they are decoded,
//! and nothing claims the table is complete or live until the list has ended.

use super::state::AppState;
use crate::model::PodRow;
use crate::model::pods::events::Connection;
use crate::model::pods::row::{ClusterId, PodKey};
use std::collections::BTreeMap;

/// A list in progress.
#[derive(Debug, Default)]
pub struct Loading {
    /// Items decoded so far.
    pub seen: usize,
    /// A complete table was shown before this list: it stays, marked as refreshing, until
    /// the new list has ended (so a re-list never shows a half-empty table).
    pub refreshing: bool,
    incoming: BTreeMap<PodKey, PodRow>,
}

/// A (re-)list of `cluster` began.
pub fn started(state: &mut AppState, cluster: ClusterId) {
    let Some(status) = state.cluster_mut(cluster) else {
        return;
    };
    let refreshing = status.synced;
    status.loading = Some(Loading {
        refreshing,
        ..Loading::default()
    });
    if !refreshing {
        // A first list that failed half-way: its rows may include pods deleted since.
        super::clusters::replace_pods(&mut state.pods, cluster, BTreeMap::new());
        state.pods_changed();
    }
    state.dirty = true;
}

/// Rows decoded from the list so far. Ignored outside a list (a stale batch from a watch
/// that was replaced).
pub fn batch(state: &mut AppState, cluster: ClusterId, rows: Vec<PodRow>) {
    let Some(loading) = state
        .clusters
        .get_mut(usize::from(cluster))
        .and_then(|c| c.loading.as_mut())
    else {
        return;
    };
    loading.seen += rows.len();
    let into = if loading.refreshing {
        &mut loading.incoming
    } else {
        state.pods_changed();
        &mut state.pods
    };
    for row in rows {
        let (key, row) = super::clusters::adopt(row, cluster);
        into.insert(key, row);
    }
    state.dirty = true;
}

/// The list ended: its rows are the whole truth. Returns false outside a list.
pub fn done(state: &mut AppState, cluster: ClusterId) -> bool {
    let Some(status) = state.cluster_mut(cluster) else {
        return false;
    };
    let Some(loading) = status.loading.take() else {
        return false;
    };
    status.synced = true;
    status.connection = Connection::Connected;
    if loading.refreshing {
        super::clusters::replace_pods(&mut state.pods, cluster, loading.incoming);
    }
    state.pods_changed();
    true
}

/// The header's pod count: final only once every list has ended.
pub fn pod_count_text(state: &AppState) -> String {
    let total = thousands(state.pods.len());
    let lists = state.clusters.iter().filter_map(|c| c.loading.as_ref());
    let (mut seen, mut refreshing, mut first) = (0, false, false);
    for l in lists {
        seen += l.seen;
        refreshing |= l.refreshing;
        first |= !l.refreshing;
    }
    match (refreshing, first) {
        (false, false) => format!("{total} pods"),
        (true, false) => format!("{total} pods · refreshing ({} so far…)", thousands(seen)),
        _ if state.several_clusters() => format!("{total} pods · loading {}…", thousands(seen)),
        _ => format!("loading {} pods…", thousands(seen)),
    }
}

/// One cluster's pod count for its line of the wall header.
pub fn cluster_count_text(status: &super::clusters::ClusterStatus, pods: usize) -> String {
    match &status.loading {
        None => format!("{} pods", thousands(pods)),
        Some(l) if l.refreshing => format!("{} pods · refreshing", thousands(pods)),
        Some(l) => format!("loading {}…", thousands(l.seen)),
    }
}

fn thousands(n: usize) -> String {
    crate::model::decide::recommend::thousands(u64::try_from(n).unwrap_or(u64::MAX))
}
