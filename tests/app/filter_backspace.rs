//! Issue #30 point 14: a Backspace in the `/` filter puts back the rows the deleted key took
//! out instead of rebuilding the sorted index; the rows must be those a fresh filter shows.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use super::filter_setup::{state_of, typed, visible};
use crate::common;
use crate::common::keys::key;
use crossterm::event::KeyCode;
use podsize::app::AppState;
use podsize::settings::SortKey;

fn state() -> AppState {
    state_of(common::every_state_rows(), SortKey::default())
}

/// The rows a fresh state shows for `text` typed at once.
fn fresh(text: &str) -> Vec<(String, Option<usize>)> {
    let mut s = state();
    key(&mut s, KeyCode::Char('/'));
    typed(&mut s, text);
    visible(&s)
}

#[test]
fn backspace_shows_the_rows_of_the_shorter_filter() {
    let mut s = state();
    let all = visible(&s);
    key(&mut s, KeyCode::Char('/'));
    let text = "catalog-d";
    typed(&mut s, text);
    assert!(visible(&s).len() < all.len(), "the filter narrows");
    let mut typed = text.to_string();
    while typed.pop().is_some() {
        key(&mut s, KeyCode::Backspace);
        assert_eq!(visible(&s), fresh(&typed), "after Backspace to {typed:?}");
    }
    assert_eq!(visible(&s), all);
}
