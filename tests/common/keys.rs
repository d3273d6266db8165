//! A key pressed into the app as the event loop presses it: the update, then the visible rows'
//! index refreshed before anything reads them.

use chrono::{DateTime, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use podsize::app::{Action, AppState, Effect, update};

/// Presses `code` (no modifier) now; returns what the app asks to be done.
pub fn key(s: &mut AppState, code: KeyCode) -> Vec<Effect> {
    key_at(s, code, Utc::now())
}

/// Presses `code` (no modifier) at `now`: for states built on a fixed clock.
pub fn key_at(s: &mut AppState, code: KeyCode, now: DateTime<Utc>) -> Vec<Effect> {
    let effects = update(s, Action::Key(KeyEvent::new(code, KeyModifiers::NONE)), now);
    s.refresh_index();
    effects
}

/// Types `text` one key at a time, now.
pub fn typed(s: &mut AppState, text: &str) {
    for c in text.chars() {
        key(s, KeyCode::Char(c));
    }
}

/// Types `text` one key at a time at `now`: for states built on a fixed clock.
pub fn typed_at(s: &mut AppState, text: &str, now: DateTime<Utc>) {
    for c in text.chars() {
        key_at(s, KeyCode::Char(c), now);
    }
}
