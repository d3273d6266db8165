//! The initial list (or a re-list) while it arrives: rows are shown as they are decoded,
//! and nothing claims the table is complete or live until the list has ended.

use super::state::AppState;
use crate::model::PodRow;
use crate::model::events::Connection;
use crate::model::row::PodKey;
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

/// A (re-)list began.
pub fn started(state: &mut AppState) {
    let refreshing = state.synced;
    if !refreshing && !state.pods.is_empty() {
        // A first list that failed half-way: its rows may include pods deleted since.
        state.pods.clear();
        state.pods_changed();
    }
    state.loading = Some(Loading {
        refreshing,
        ..Loading::default()
    });
    state.dirty = true;
}

/// Rows decoded from the list so far. Ignored outside a list (a stale batch from a watch
/// that was replaced).
pub fn batch(state: &mut AppState, rows: Vec<PodRow>) {
    let Some(loading) = state.loading.as_mut() else {
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
        into.insert((row.namespace.clone(), row.name.clone()), row);
    }
    state.dirty = true;
}

/// The list ended: its rows are the whole truth. Returns false outside a list.
pub fn done(state: &mut AppState) -> bool {
    let Some(loading) = state.loading.take() else {
        return false;
    };
    if loading.refreshing {
        state.pods = loading.incoming;
    }
    state.synced = true;
    state.connection = Connection::Connected;
    state.pods_changed();
    true
}

/// The header's pod count: final only once the list has ended.
pub fn pod_count_text(state: &AppState) -> String {
    let total = thousands(state.pods.len());
    match &state.loading {
        None => format!("{total} pods"),
        Some(l) if l.refreshing => {
            format!("{total} pods · refreshing ({} so far…)", thousands(l.seen))
        }
        Some(l) => format!("loading {} pods…", thousands(l.seen)),
    }
}

fn thousands(n: usize) -> String {
    crate::model::recommend::thousands(u64::try_from(n).unwrap_or(u64::MAX))
}
