//! Issue #30 point 14: a pod that changes in place (status, restarts, a boost) keeps the
//! filter's rows and name widths instead of rebuilding them from every pod. What is kept
//! must still be what a fresh state shows with the same pods: the rows, their order under a
//! sort by a figure, a later Backspace, and the widths the table gives the columns.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use super::filter_setup::{state_of, typed, visible};
use crate::common;
use crate::common::keys::key;
use chrono::Utc;
use crossterm::event::KeyCode;
use podsize::app::{Action, AppState, update};
use podsize::model::ContainerKind;
use podsize::model::PodRow;
use podsize::model::pods::events::ClusterEvent;
use podsize::settings::SortKey;

/// A watch event for `row`, drawn as the event loop draws it.
fn applied(s: &mut AppState, row: PodRow) {
    update(
        s,
        Action::Cluster(ClusterEvent::PodApplied(Box::new(row))),
        Utc::now(),
    );
    s.refresh_index();
}

/// The rows a fresh state of `rows` shows for `text` typed at once.
fn fresh(rows: &[PodRow], sort: SortKey, text: &str) -> AppState {
    let mut s = state_of(rows.to_vec(), sort);
    key(&mut s, KeyCode::Char('/'));
    typed(&mut s, text);
    s
}

fn pod<'a>(rows: &'a mut [PodRow], name: &str) -> &'a mut PodRow {
    rows.iter_mut().find(|r| r.name == name).unwrap()
}

#[test]
fn backspace_after_a_watch_event_shows_the_rows_of_a_fresh_filter() {
    for sort in [SortKey::Name, SortKey::Restarts] {
        let mut rows = common::every_state_rows();
        let mut s = state_of(rows.clone(), sort);
        key(&mut s, KeyCode::Char('/'));
        typed(&mut s, "cat");
        // One pod the filter shows and one it hides change in place between keys.
        for name in ["catalog-deferred", "web-settled"] {
            let row = pod(&mut rows, name);
            row.containers[0].restart_count += 40;
            applied(&mut s, row.clone());
        }
        assert_eq!(visible(&s), visible(&fresh(&rows, sort, "cat")), "{sort:?}");
        for text in ["ca", "c", ""] {
            key(&mut s, KeyCode::Backspace);
            let want = fresh(&rows, sort, text);
            assert_eq!(visible(&s), visible(&want), "{sort:?} back to {text:?}");
            assert_eq!(s.visible_pods(), want.visible_pods());
        }
    }
}

/// Under a sort by restarts a pod whose restarts jump moves to the top at once, filter open,
/// as it would in a fresh state: the kept rows are sorted again, not left in the old order.
#[test]
fn a_pod_changed_in_place_moves_under_a_sort_by_a_figure() {
    let mut rows = common::every_state_rows();
    let mut s = state_of(rows.clone(), SortKey::Restarts);
    key(&mut s, KeyCode::Char('/'));
    typed(&mut s, "c");
    let last = s.visible().last().unwrap().pod.name.clone();
    let row = pod(&mut rows, &last);
    row.containers[0].restart_count += 1000;
    applied(&mut s, row.clone());
    assert_eq!(s.visible()[0].pod.name, last, "moved to the top");
    assert_eq!(visible(&s), visible(&fresh(&rows, SortKey::Restarts, "c")));
    typed(&mut s, "a");
    assert_eq!(visible(&s), visible(&fresh(&rows, SortKey::Restarts, "ca")));
}

/// A boost that starts in place and a container whose kind changes both move the widths
/// the table gives its columns, as they are in a fresh state.
#[test]
fn name_widths_follow_a_boost_and_a_container_kind_changed_in_place() {
    let mut rows = common::every_state_rows();
    for row in &mut rows {
        row.boost = None;
    }
    let mut s = state_of(rows.clone(), SortKey::Name);
    assert_eq!(s.longest.boosted_resize, 0);
    let row = pod(&mut rows, "web-settled");
    row.boost = Some("until ready".into());
    applied(&mut s, row.clone());
    assert!(s.longest.boosted_resize > 0, "room for the boost badge");
    assert_eq!(s.longest, fresh(&rows, SortKey::Name, "").longest);

    let row = pod(&mut rows, "api-error");
    row.containers[0].name = "a-container-name-longer-than-any".into();
    row.containers[0].kind = ContainerKind::Regular;
    applied(&mut s, row.clone());
    let row = pod(&mut rows, "api-error");
    row.containers[0].kind = ContainerKind::Sidecar;
    applied(&mut s, row.clone());
    let want = fresh(&rows, SortKey::Name, "");
    assert_eq!(s.longest, want.longest, "the sidecar label is wider");
    assert_eq!(visible(&s), visible(&want));
}
