//! Keeps each container's right-sizing verdict up to date (issue #12): recomputed for a pod when
//! its usage or its spec changes, never per frame, from the best source the app has for it —
//! figures over a long window (Prometheus, VPA) first, then podsize's own live samples.

use super::state::AppState;
use super::view::PodKey;
use crate::model::recommend::Usage;
use crate::model::rightsizing::{Totals, Verdict, judge, recommend_container};
use chrono::{DateTime, Utc};

/// Percentile of CPU usage behind the table's recommendations.
pub const PERCENTILE: u8 = 95;

/// Live samples below this count propose nothing: a minute of readings says too little even for
/// a low-confidence recommendation.
pub const MIN_LIVE_SAMPLES: u64 = 6;

/// The usage the recommendation for `container` of `key` rests on.
pub fn usage_for(
    state: &AppState,
    key: &PodKey,
    container: &str,
    now: DateTime<Utc>,
) -> Option<Usage> {
    let long = state
        .long_usage
        .get(key)
        .and_then(|list| list.iter().find(|(name, _)| name == container))
        .map(|(_, usage)| usage.clone());
    long.or_else(|| {
        let rings = state.usage_history.get(key)?;
        let (_, ring) = rings
            .iter()
            .find(|(name, _)| name == container)
            .filter(|(_, ring)| ring.samples() >= MIN_LIVE_SAMPLES)?;
        // Live samples are labelled by since when they run, not by a window.
        ring.usage(PERCENTILE, now)
    })
}

/// Recomputes the verdicts of one pod's containers.
pub fn refresh_pod(state: &mut AppState, key: &PodKey, now: DateTime<Utc>) {
    let Some(pod) = state.pods.get(key) else {
        state.rightsizing.remove(key);
        return;
    };
    let minor = state.header.minor.unwrap_or(35);
    let verdicts: Vec<(String, Verdict)> = pod
        .containers
        .iter()
        .filter_map(|c| {
            let usage = usage_for(state, key, &c.name, now)?;
            let rec = recommend_container(c, &usage, minor, PERCENTILE);
            Some((c.name.clone(), judge(c, &usage, rec)))
        })
        .collect();
    if verdicts.is_empty() {
        state.rightsizing.remove(key);
    } else {
        state.rightsizing.insert(key.clone(), verdicts);
    }
}

/// The verdict of one container, if it has one.
pub fn verdict<'a>(state: &'a AppState, key: &PodKey, container: &str) -> Option<&'a Verdict> {
    state
        .rightsizing
        .get(key)?
        .iter()
        .find(|(name, _)| name == container)
        .map(|(_, v)| v)
}

/// Totals over the rows on show (each container once, even in per-pod rows).
pub fn totals_of_visible(state: &AppState) -> Totals {
    let mut totals = Totals::default();
    for row in state.visible() {
        let Some(verdicts) = state.rightsizing.get(&row.pod) else {
            continue;
        };
        let Some(pod) = state.pods.get(&row.pod) else {
            continue;
        };
        let names: Vec<&str> = match row.container {
            Some(i) => pod
                .containers
                .get(i)
                .map(|c| c.name.as_str())
                .into_iter()
                .collect(),
            None => pod.containers.iter().map(|c| c.name.as_str()).collect(),
        };
        for (_, v) in verdicts.iter().filter(|(n, _)| names.contains(&n.as_str())) {
            totals.add(v);
        }
    }
    totals
}
