//! The first-minute walk (issue #30, second round): a `/` filter that matches nothing left an
//! empty table under "0 pods · filter: checkout-api" and no word of what to do. The table
//! says nothing matches and how to get the rows back.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use super::filter_setup::{state_of, typed};
use crate::common;
use crate::common::keys::key;
use crate::common::screen::{render, text};
use crossterm::event::KeyCode;
use podsize::settings::SortKey;
use podsize::theme::Theme;

#[test]
fn a_filter_matching_nothing_says_so_and_how_to_clear_it() {
    let mut s = state_of(common::every_state_rows(), SortKey::default());
    key(&mut s, KeyCode::Char('/'));
    typed(&mut s, "checkout-api");
    key(&mut s, KeyCode::Enter);
    assert!(s.visible().is_empty());
    let screen = text(&render(&s, 80, 24, &Theme::default()));
    let hint = "no row matches \"checkout-api\" · Esc clears the filter";
    assert!(screen.contains(hint), "{screen}");
    // Rows shown: no such line.
    key(&mut s, KeyCode::Esc);
    s.refresh_index();
    assert!(!s.visible().is_empty());
    let screen = text(&render(&s, 80, 24, &Theme::default()));
    assert!(!screen.contains("no row matches"), "{screen}");
}
