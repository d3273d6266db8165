//! A metrics reading taken in one pass (issue #30 point 15): each pod's current figure is its
//! last reading's, a pod left out of a reading has none, and the verdicts judged workload by
//! workload from cached groups are those of judging each pod's workload afresh.

use super::*;
use crate::app::test_readings::reading;
use crate::app::{Action, update};
use crate::model::PodRow;
use crate::model::decide::evidence::Gate;
use crate::model::decide::vpa::{TargetRef, Vpa, VpaContainer, VpaSnapshot};
use crate::model::pods::events::ClusterEvent;
use crate::model::pods::row::Owner;
use chrono::TimeDelta;

fn t0() -> DateTime<Utc> {
    DateTime::from_timestamp(1_800_000_000, 0).unwrap_or_default()
}

fn owner(kind: &str, name: &str) -> Owner {
    Owner {
        kind: kind.into(),
        name: name.into(),
    }
}

/// Two replicas of Deployment `web` (two ReplicaSets) and a bare pod, all Ready.
fn pods() -> Vec<PodRow> {
    let text = include_str!("../../tests/fixtures/pods/real-1.35-none.json");
    let slim: crate::model::SlimPod = serde_json::from_str(text).unwrap_or_default();
    let row = PodRow::from_slim(&slim);
    [
        ("web-7d9fc-x2k4q", Some(owner("ReplicaSet", "web-7d9fc"))),
        ("web-5b8d7-b8m2z", Some(owner("ReplicaSet", "web-5b8d7"))),
        ("bare", None),
    ]
    .into_iter()
    .map(|(name, owner)| PodRow {
        namespace: "shop".into(),
        name: name.into(),
        owner,
        ready: true,
        ..row.clone()
    })
    .collect()
}

fn state(rows: &[PodRow]) -> AppState {
    let mut s = AppState::new(Default::default(), Default::default());
    s.rightsizing_policy.gate = Gate {
        min_history: TimeDelta::minutes(1),
        min_samples: 3,
    };
    update(
        &mut s,
        Action::Cluster(ClusterEvent::pods_reset(rows.to_vec())),
        t0(),
    );
    s
}

fn at(i: i64) -> DateTime<Utc> {
    t0() + TimeDelta::seconds(15 * i)
}

#[test]
fn a_pod_left_out_of_a_reading_has_no_current_figure() {
    let rows = pods();
    let mut s = state(&rows);
    update(&mut s, Action::Cluster(reading(&rows, 100)), at(1));
    update(&mut s, Action::Cluster(reading(&rows[..2], 200)), at(2));
    let usage = s.usage.as_ref().unwrap();
    assert_eq!(usage.len(), 2);
    let web = usage.get(&rows[0].pod_key()).unwrap();
    assert_eq!(web.containers[0].1.cpu_millis, Some(200));
    assert!(usage.get(&rows[2].pod_key()).is_none());
    // Its history stays: the pod is still there, only this reading missed it.
    assert!(s.usage_history.contains_key(&rows[2].pod_key()));
    // A cluster that stops serving metrics takes the column with it.
    update(&mut s, Action::Cluster(ClusterEvent::Usage(None)), at(3));
    assert!(s.usage.is_none());
}

#[test]
fn verdicts_of_a_reading_are_those_of_judging_each_workload_afresh() {
    let rows = pods();
    // The ninth reading is a minute after the fifth: every workload is judged again at it.
    let read = || {
        let mut s = state(&rows);
        for i in 1..=9 {
            update(&mut s, Action::Cluster(reading(&rows, 40 + 17 * i)), at(i));
        }
        s
    };
    let (s, mut fresh) = (read(), read());
    assert_eq!(s.rightsizing.len(), 3);
    fresh.rightsizing.clear();
    for row in &rows {
        crate::app::rightsizing::refresh_pod(&mut fresh, &row.pod_key(), at(9));
    }
    assert_eq!(fresh.rightsizing, s.rightsizing);
    // The two replicas share one workload's figures: twice the pods of the bare one.
    let pods_behind = |key: &PodKey| s.rightsizing[key][0].1.evidence.pods;
    assert_eq!(pods_behind(&rows[0].pod_key()), 2);
    assert_eq!(pods_behind(&rows[2].pod_key()), 1);
}

#[test]
fn a_vpa_list_that_comes_after_the_readings_is_used_by_the_next_one() {
    let rows = pods();
    let mut s = state(&rows);
    for i in 1..8 {
        update(&mut s, Action::Cluster(reading(&rows, 100)), at(i));
    }
    let key = rows[0].pod_key();
    let container = rows[0].containers[0].name.clone();
    let source = |s: &AppState| s.rightsizing[&key][0].1.recommendation.source.name();
    assert_eq!(source(&s), "live-samples");
    let snapshot = VpaSnapshot {
        vpas: vec![Vpa {
            namespace: "shop".into(),
            name: "web".into(),
            target: TargetRef {
                api_version: "apps/v1".into(),
                kind: "Deployment".into(),
                name: "web".into(),
            },
            update_mode: "Off".into(),
            containers: vec![VpaContainer {
                name: container,
                target: CpuMem {
                    cpu_millis: Some(600),
                    memory_bytes: Some(300 << 20),
                },
                ..Default::default()
            }],
        }],
        rs_owners: vec![
            (
                "shop".into(),
                "web-7d9fc".into(),
                owner("Deployment", "web"),
            ),
            (
                "shop".into(),
                "web-5b8d7".into(),
                owner("Deployment", "web"),
            ),
        ],
    };
    update(
        &mut s,
        Action::Cluster(ClusterEvent::Vpas(Box::new(snapshot))),
        at(8),
    );
    update(&mut s, Action::Cluster(reading(&rows, 100)), at(9));
    assert_eq!(source(&s), "vpa");
    let bare = &s.rightsizing[&rows[2].pod_key()][0].1;
    assert_eq!(bare.recommendation.source.name(), "live-samples");
}

#[test]
fn a_reading_in_any_order_records_each_ready_pod_and_only_those() {
    // The reading is matched with the pods in one ordered walk: an answer in reverse order,
    // with a pod the app does not have and a pod not yet Ready, must still reach each pod.
    let mut rows = pods();
    rows[1].ready = false;
    let mut s = state(&rows);
    let stranger = PodRow {
        name: "aaa-not-listed".into(),
        ..rows[0].clone()
    };
    let mut listed = vec![
        rows[2].clone(),
        stranger.clone(),
        rows[1].clone(),
        rows[0].clone(),
    ];
    for i in 1..=3 {
        update(&mut s, Action::Cluster(reading(&listed, 100 * i)), at(i));
        listed.rotate_left(1);
    }
    let samples =
        |row: &PodRow| (s.usage_history.get(&row.pod_key())).map(|rings| rings[0].1.samples());
    assert_eq!(samples(&rows[0]), Some(3));
    assert_eq!(samples(&rows[2]), Some(3));
    assert_eq!(
        samples(&rows[1]),
        None,
        "a pod not Ready gathers no history"
    );
    assert_eq!(
        samples(&stranger),
        None,
        "a pod the app does not have gathers none"
    );
    // Every listed pod has its current figure, the stranger's included.
    assert_eq!(s.usage.as_ref().map(LiveUsages::len), Some(4));
}

/// The live samples behind the first container's verdict of `key`, if it has one.
fn samples_behind(s: &AppState, key: &PodKey) -> Option<u64> {
    Some(s.rightsizing.get(key)?.first()?.1.evidence.samples)
}

#[test]
fn a_reading_judges_every_workload_again_once_a_minute_and_a_pod_with_enough_samples_at_once() {
    let rows = pods();
    let key = rows[2].pod_key();
    let mut s = state(&rows);
    let mut seen = Vec::new();
    for i in 1..=10 {
        update(&mut s, Action::Cluster(reading(&rows, 100 + i)), at(i));
        seen.push(samples_behind(&s, &key));
    }
    let min = crate::app::rightsizing::MIN_LIVE_SAMPLES;
    assert_eq!(min, 6, "the readings below are counted for six samples");
    // No verdict before six samples; judged at the sixth (enough now), held through the
    // seventh and eighth, judged again at the ninth (a minute after the fifth, the last full
    // judging), held at the tenth.
    assert_eq!(
        seen,
        [
            None,
            None,
            None,
            None,
            None,
            Some(6),
            Some(6),
            Some(6),
            Some(9),
            Some(9)
        ]
    );
    assert_eq!(s.cluster(0).judged_at, Some(at(9)));
    // The selected pod is judged at every reading: its details show its samples beside it.
    s.refresh_index(); // as the draw does
    let selected = s.selected_pod().map(PodRow::pod_key);
    let selected = selected.unwrap_or_else(|| unreachable!("a row is selected"));
    // A pod of another workload (the bare pod is its own; the web replicas share one).
    let other = if selected == key {
        rows[0].pod_key()
    } else {
        key
    };
    let before = (samples_behind(&s, &selected), samples_behind(&s, &other));
    update(&mut s, Action::Cluster(reading(&rows, 300)), at(11));
    assert!(
        samples_behind(&s, &selected) > before.0,
        "the selected pod is judged"
    );
    assert_eq!(
        samples_behind(&s, &other),
        before.1,
        "the others wait for the minute"
    );
}

#[test]
fn r_and_capital_r_judge_from_the_latest_reading() {
    let rows = pods();
    let key = rows[2].pod_key();
    let mut s = state(&rows);
    for i in 1..=7 {
        update(&mut s, Action::Cluster(reading(&rows, 100 + i)), at(i));
    }
    assert_eq!(
        samples_behind(&s, &key),
        Some(6),
        "the table's verdict is a reading old"
    );
    let container = rows[2].containers[0].name.clone();
    s.editor = crate::app::editor::EditorState::open(&rows[2], &container);
    crate::app::rightsizing::fill_editor(&mut s, at(7));
    assert_eq!(
        samples_behind(&s, &key),
        Some(7),
        "`r` judged it again first"
    );
    update(&mut s, Action::Cluster(reading(&rows, 200)), at(8));
    s.editor = None;
    s.marked.insert(key.clone());
    crate::app::rightsizing::open_rightsizing(&mut s, at(8));
    assert_eq!(
        samples_behind(&s, &key),
        Some(8),
        "`R` judged it again first"
    );
}

#[test]
fn a_pod_selected_with_the_details_open_is_judged_from_the_latest_reading() {
    let rows = pods();
    let mut s = state(&rows);
    s.show_details = true;
    for i in 1..=7 {
        update(&mut s, Action::Cluster(reading(&rows, 100 + i)), at(i));
    }
    // The readings came before any draw: nothing selected was judged after the sixth.
    let stale: Vec<Option<u64>> = rows
        .iter()
        .map(|r| samples_behind(&s, &r.pod_key()))
        .collect();
    assert!(stale.contains(&Some(6)), "{stale:?}");
    s.refresh_index(); // as the draw does
    for _ in 0..rows.len() {
        let key = s.selected_pod().map(PodRow::pod_key);
        let key = key.unwrap_or_else(|| unreachable!("a row is selected"));
        let down = crossterm::event::KeyEvent::from(crossterm::event::KeyCode::Down);
        update(&mut s, Action::Key(down), at(7));
        // Moving on judged the pod now selected; the one before was judged when selected.
        let now_selected = s.selected_pod().map(PodRow::pod_key);
        let fresh = now_selected.as_ref().and_then(|k| samples_behind(&s, k));
        let pods_behind = |k: &PodKey| s.rightsizing[k][0].1.evidence.pods as u64;
        if let Some(selected) = &now_selected {
            assert_eq!(fresh, Some(7 * pods_behind(selected)), "{selected:?}");
        }
        assert!(samples_behind(&s, &key).is_some());
    }
}
