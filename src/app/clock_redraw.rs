//! What the clock tick redraws: only a time on screen that would read differently — every
//! second while seconds are shown (a young pod's age, a stale-data counter), else once a minute.
//!
//! Whether young pods are on screen is worked out once per index build and scroll position,
//! not at every tick: at 10,000 pods a tick looked up the hundred rows around the selection in
//! the pod store each second, a tenth of the idle dashboard's CPU with metrics served.

use super::state::AppState;
use crate::model::pods::events::Connection;
use chrono::{DateTime, TimeDelta, Utc};

/// A pod shows its age in seconds for this long after it was created.
const YOUNG: TimeDelta = TimeDelta::seconds(120);

/// Until when the rows around the selection show an age in seconds, for one index build and
/// one stretch of rows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct YoungRows {
    index_build: u64,
    start: usize,
    window: usize,
    /// The youngest row's creation plus `YOUNG`; `None` when no row has a creation time.
    until: Option<DateTime<Utc>>,
}

/// Marks the screen dirty when the clock it shows has moved.
pub fn redraw_if_time_shown_changed(state: &mut AppState, now: DateTime<Utc>) {
    let reconnecting =
        (state.clusters.iter()).any(|c| matches!(c.connection, Connection::Reconnecting { .. }));
    let shows_seconds = reconnecting || young_rows_until(state).is_some_and(|t| now < t);
    let key = if shows_seconds {
        now.timestamp()
    } else {
        now.timestamp() / 60 * 60
    };
    if key != state.time_shown {
        state.time_shown = key;
        state.dirty = true;
    }
}

/// Until when some row near the selection (two screens' worth around it) is young.
fn young_rows_until(state: &mut AppState) -> Option<DateTime<Utc>> {
    let window = state.page_rows.max(1) * 2;
    let start = state.selected_index().saturating_sub(window / 2);
    let index_build = state.index_builds;
    if let Some(cached) = state.young_rows
        && (cached.index_build, cached.start, cached.window) == (index_build, start, window)
    {
        return cached.until;
    }
    let until = (state.visible().iter().skip(start).take(window))
        .filter_map(|r| state.pods.get(&r.pod)?.created)
        .max()
        .map(|created| created + YOUNG);
    state.young_rows = Some(YoungRows {
        index_build,
        start,
        window,
        until,
    });
    until
}
