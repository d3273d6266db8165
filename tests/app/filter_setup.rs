//! The `/` filter tests' shared steps: a state holding given rows under a sort, keys typed
//! into it with the index refreshed after each as the event loop does, and the rows it shows.

pub use crate::common::keys::typed;
use chrono::Utc;
use podsize::app::state::HeaderInfo;
use podsize::app::{Action, AppState, update};
use podsize::model::PodRow;
use podsize::model::pods::events::{ClusterEvent, Scope};
use podsize::settings::SortKey;

/// A state that has listed `rows`, sorted by `sort`.
pub fn state_of(rows: Vec<PodRow>, sort: SortKey) -> AppState {
    let mut s = AppState::new(HeaderInfo::default(), Scope::default());
    update(
        &mut s,
        Action::Cluster(ClusterEvent::pods_reset(rows)),
        Utc::now(),
    );
    s.sort = sort;
    s.invalidate_index();
    s.refresh_index();
    s
}

/// The rows shown: pod name and container index.
pub fn visible(s: &AppState) -> Vec<(String, Option<usize>)> {
    s.visible()
        .iter()
        .map(|r| (r.pod.name.clone(), r.container))
        .collect()
}
