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

/// The totals as a person would add them up: every row on show, its pod and container looked
/// up by name.
fn totals_by_hand(s: &AppState) -> crate::model::decide::rightsizing::Totals {
    let mut totals = crate::model::decide::rightsizing::Totals::default();
    for row in s.visible() {
        let verdicts = s
            .rightsizing
            .get(&row.pod)
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        let names: Vec<&str> = match row.container {
            None => verdicts.iter().map(|(n, _)| n.as_str()).collect(),
            Some(i) => (s.pods.get(&row.pod).and_then(|p| p.containers.get(i)))
                .map(|c| vec![c.name.as_str()])
                .unwrap_or_default(),
        };
        for name in names {
            (verdicts.iter().filter(|(n, _)| n == name)).for_each(|(_, v)| totals.add(v));
        }
    }
    totals
}

#[test]
fn the_totals_count_each_container_on_show_once_in_any_order_filter_or_mode() {
    // Two containers a pod, busier in the second: rows of one pod are apart when sorted by
    // over-request, and a filter or per-pod rows change which containers are on show.
    let mut rows = pods(12);
    for (i, row) in rows.iter_mut().enumerate() {
        let mut second = row.containers[0].clone();
        second.name = "sidecar".into();
        second.desired.requests.cpu_millis = Some(50 + 40 * i as i64);
        row.containers.push(second);
    }
    for sort in [SortKey::Name, SortKey::Waste] {
        let mut s = shown(&rows, sort);
        assert_eq!(
            s.rightsizing_totals.judged, 24,
            "every container judged and counted once"
        );
        for (filter, per_pod) in [
            ("", false),
            ("bare-00", false),
            ("sidecar", false),
            ("", true),
        ] {
            s.filter.text = filter.into();
            s.per_pod = per_pod;
            s.index_stale = true;
            s.refresh_index();
            assert_eq!(
                crate::app::rightsizing::totals_of_visible(&s),
                totals_by_hand(&s),
                "sorted by {sort:?}, filter {filter:?}, per pod {per_pod}"
            );
        }
    }
}
