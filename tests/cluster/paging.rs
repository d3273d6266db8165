//! Paging moves the view a page at a time, and the selected pod keeps its place on screen
//! when pods arrive above it (as under `--churn`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use chrono::Utc;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use podsize::app::state::HeaderInfo;
use podsize::app::{Action, AppState, update};
use podsize::model::pods::events::{ClusterEvent, Scope};

/// 22 rows (11 pods × 2 containers) on a screen of 5 table rows.
fn state() -> AppState {
    let mut s = AppState::new(HeaderInfo::default(), Scope::default());
    update(
        &mut s,
        Action::Cluster(ClusterEvent::pods_reset(common::every_state_rows())),
        Utc::now(),
    );
    let resize = Action::Resize {
        table_rows: 5,
        help_ends: Default::default(),
    };
    update(&mut s, resize, Utc::now());
    s.refresh_index();
    s
}

fn key(s: &mut AppState, code: KeyCode) {
    update(
        s,
        Action::Key(KeyEvent::new(code, KeyModifiers::NONE)),
        Utc::now(),
    );
    s.refresh_index();
}

/// Where the selection is on screen.
fn screen_row(s: &AppState) -> usize {
    s.selected_index() - s.scroll()
}

#[test]
fn page_down_from_the_top_shows_the_next_page() {
    let mut s = state();
    assert_eq!(s.visible().len(), 22);
    key(&mut s, KeyCode::PageDown);
    assert_eq!(
        (s.scroll(), s.selected_index()),
        (5, 5),
        "a page, not a line"
    );
    key(&mut s, KeyCode::PageDown);
    assert_eq!((s.scroll(), s.selected_index()), (10, 10));
    key(&mut s, KeyCode::PageUp);
    assert_eq!((s.scroll(), s.selected_index()), (5, 5));
    // Near the end the view stops at the last full page; the selection still moves.
    for _ in 0..5 {
        key(&mut s, KeyCode::PageDown);
    }
    assert_eq!((s.scroll(), s.selected_index()), (17, 21));
    key(&mut s, KeyCode::PageUp);
    assert_eq!((s.scroll(), s.selected_index()), (12, 16));
    key(&mut s, KeyCode::Char('g'));
    assert_eq!((s.scroll(), s.selected_index()), (0, 0));
}

#[test]
fn line_moves_scroll_only_at_the_edges() {
    let mut s = state();
    for _ in 0..4 {
        key(&mut s, KeyCode::Down);
    }
    assert_eq!(s.scroll(), 0);
    key(&mut s, KeyCode::Down);
    assert_eq!((s.scroll(), screen_row(&s)), (1, 4));
    key(&mut s, KeyCode::Up);
    assert_eq!((s.scroll(), screen_row(&s)), (1, 3));
}

#[test]
fn the_selected_pod_keeps_its_screen_row_when_pods_arrive_above() {
    let mut s = state();
    key(&mut s, KeyCode::PageDown);
    key(&mut s, KeyCode::Down);
    key(&mut s, KeyCode::Down);
    let chosen = s.selected_pod().unwrap().name.clone();
    let row = screen_row(&s);
    assert_eq!(row, 2);
    for i in 0..3 {
        let mut newcomer = common::fixture_row("real-1.35-none.json");
        newcomer.namespace = "aaa".into();
        newcomer.name = format!("aaa-{i}");
        update(
            &mut s,
            Action::Cluster(ClusterEvent::PodApplied(Box::new(newcomer))),
            Utc::now(),
        );
        s.refresh_index();
        assert_eq!(s.selected_pod().unwrap().name, chosen);
        assert_eq!(
            screen_row(&s),
            row,
            "the selection does not drift on screen"
        );
    }
    // Pods removed above move the view back the same way.
    update(
        &mut s,
        Action::Cluster(ClusterEvent::PodDeleted {
            namespace: "aaa".into(),
            name: "aaa-0".into(),
        }),
        Utc::now(),
    );
    s.refresh_index();
    assert_eq!(s.selected_pod().unwrap().name, chosen);
    assert_eq!(screen_row(&s), row);
}
