//! Issue #30 point 7: after any action its status message hid the counts and the
//! over-requested summary until the next key, even on an idle wall for minutes. Messages now
//! expire (an answer after 5 s, an error after 15 s) and never hide the counts.

use crate::common::{self, screen};
use chrono::TimeDelta;
use podsize::app::{Action, AppState, update};
use podsize::model::pods::events::{ClusterEvent, Scope};
use podsize::theme::Theme;

fn state() -> AppState {
    let mut s = AppState::new(screen::admin_header(), Scope::default());
    update(
        &mut s,
        Action::Cluster(ClusterEvent::pods_reset(common::every_state_rows())),
        screen::now(),
    );
    s.refresh_index();
    s
}

/// The status line: the second line of the screen.
fn status_line(s: &AppState) -> String {
    let text = screen::text(&screen::render(s, 160, 24, &Theme::default()));
    text.lines().nth(1).unwrap_or_default().to_string()
}

#[test]
fn an_answer_goes_after_a_few_seconds_and_an_error_stays_longer() {
    let t0 = screen::now();
    let mut s = state();
    s.set_status("switched to namespace shop", false);
    update(&mut s, Action::Tick, t0);
    update(&mut s, Action::Tick, t0 + TimeDelta::seconds(3));
    assert!(s.status.is_some(), "still shown after 3 s");
    update(&mut s, Action::Tick, t0 + TimeDelta::seconds(6));
    assert!(s.status.is_none(), "an answer is gone after 5 s");
    assert!(s.dirty, "its going redraws the line");

    s.set_status("resize refused: 422 Invalid", true);
    update(&mut s, Action::Tick, t0 + TimeDelta::seconds(10));
    update(&mut s, Action::Tick, t0 + TimeDelta::seconds(20));
    assert!(s.status.is_some(), "an error is still shown after 10 s");
    update(&mut s, Action::Tick, t0 + TimeDelta::seconds(26));
    assert!(s.status.is_none(), "an error is gone after 15 s");
}

#[test]
fn the_counts_stay_while_a_message_shows() {
    let mut s = state();
    let counts = status_line(&s);
    let first = counts.split("   ").next().unwrap_or_default().to_string();
    assert!(first.contains("in progress 2"), "{counts}");
    s.set_status("switched to namespace shop", false);
    let with_message = status_line(&s);
    assert!(with_message.starts_with(&first), "{with_message}");
    assert!(
        with_message.contains("switched to namespace shop"),
        "{with_message}"
    );
}
