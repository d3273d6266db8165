//! Issue #30 point 14: a Backspace in the `/` filter puts back the rows the deleted key took
//! out instead of rebuilding the sorted index; the rows must be those a fresh filter shows.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use chrono::Utc;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use podsize::app::state::HeaderInfo;
use podsize::app::{Action, AppState, update};
use podsize::model::pods::events::{ClusterEvent, Scope};

fn key(s: &mut AppState, code: KeyCode) {
    update(
        s,
        Action::Key(KeyEvent::new(code, KeyModifiers::NONE)),
        Utc::now(),
    );
    s.refresh_index();
}

fn state() -> AppState {
    let mut s = AppState::new(HeaderInfo::default(), Scope::default());
    update(
        &mut s,
        Action::Cluster(ClusterEvent::pods_reset(common::every_state_rows())),
        Utc::now(),
    );
    s.refresh_index();
    s
}

fn visible(s: &AppState) -> Vec<(String, Option<usize>)> {
    s.visible()
        .iter()
        .map(|r| (r.pod.name.clone(), r.container))
        .collect()
}

/// The rows a fresh state shows for `text` typed at once.
fn fresh(text: &str) -> Vec<(String, Option<usize>)> {
    let mut s = state();
    key(&mut s, KeyCode::Char('/'));
    for c in text.chars() {
        key(&mut s, KeyCode::Char(c));
    }
    visible(&s)
}

#[test]
fn backspace_shows_the_rows_of_the_shorter_filter() {
    let mut s = state();
    let all = visible(&s);
    key(&mut s, KeyCode::Char('/'));
    let text = "catalog-d";
    for c in text.chars() {
        key(&mut s, KeyCode::Char(c));
    }
    assert!(visible(&s).len() < all.len(), "the filter narrows");
    let mut typed = text.to_string();
    while typed.pop().is_some() {
        key(&mut s, KeyCode::Backspace);
        assert_eq!(visible(&s), fresh(&typed), "after Backspace to {typed:?}");
    }
    assert_eq!(visible(&s), all);
}
