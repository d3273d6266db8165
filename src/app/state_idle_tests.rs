//! Issue #30 point 15: a metrics reading every 15 s costs only what it changes. Sorted by
//! anything but the verdicts, new verdicts move the totals, not the rows or their order, so
//! the table is not rebuilt and re-sorted for them; sorted by the verdicts, it is.

use super::AppState;
use crate::app::test_readings::reading;
use crate::app::{Action, update};
use crate::model::PodRow;
use crate::model::pods::events::ClusterEvent;
use crate::settings::SortKey;
use chrono::{DateTime, TimeDelta, Utc};

fn t0() -> DateTime<Utc> {
    DateTime::from_timestamp(1_800_000_000, 0).unwrap_or_default()
}

fn pods(n: usize) -> Vec<PodRow> {
    let text = include_str!("../../tests/fixtures/pods/real-1.35-none.json");
    let slim: crate::model::SlimPod = serde_json::from_str(text).unwrap_or_default();
    let row = PodRow::from_slim(&slim);
    (0..n)
        .map(|i| PodRow {
            name: format!("bare-{i:03}"),
            // Bare pods: each its own workload, so each reading moves each pod's figures.
            owner: None,
            ..row.clone()
        })
        .collect()
}

/// A state with `rows` on show, drawn once, after enough readings for recommendations.
fn shown(rows: &[PodRow], sort: SortKey) -> AppState {
    let mut s = AppState::new(Default::default(), Default::default());
    s.sort = sort;
    update(
        &mut s,
        Action::Cluster(ClusterEvent::pods_reset(rows.to_vec())),
        t0(),
    );
    for i in 0..8 {
        let at = t0() + TimeDelta::seconds(15 * i);
        update(&mut s, Action::Cluster(reading(rows, 10)), at);
    }
    s.refresh_index();
    s.dirty = false;
    s
}

#[test]
fn a_reading_sums_the_totals_again_without_rebuilding_the_table() {
    let rows = pods(30);
    let mut s = shown(&rows, SortKey::Name);
    assert!(!s.rightsizing.is_empty(), "the readings give verdicts");
    let before = s.rightsizing_totals;
    let index = s.visible().to_vec();
    // Busier now: every verdict and so the totals move.
    let at = t0() + TimeDelta::minutes(3);
    update(&mut s, Action::Cluster(reading(&rows, 400)), at);
    assert!(s.dirty, "the usage column and the totals change on screen");
    assert!(!s.index_stale, "the rows and their order did not change");
    s.refresh_index();
    assert_eq!(s.visible(), &index[..]);
    assert_ne!(
        s.rightsizing_totals, before,
        "the totals follow the verdicts"
    );
    assert_eq!(
        s.rightsizing_totals,
        crate::app::rightsizing::totals_of_visible(&s)
    );
}

#[test]
fn sorted_by_the_verdicts_a_reading_rebuilds_the_order() {
    let rows = pods(30);
    for sort in [SortKey::Waste, SortKey::Risk] {
        let mut s = shown(&rows, sort);
        let at = t0() + TimeDelta::minutes(3);
        update(&mut s, Action::Cluster(reading(&rows, 400)), at);
        assert!(s.index_stale, "{sort:?}: the order follows the verdicts");
    }
}
