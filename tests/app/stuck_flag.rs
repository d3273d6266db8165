//! Issue #30 point 2: a resize stuck in progress was flagged only when this podsize had sent
//! it (`checkout-7qx75…` was `PodResizeInProgress` from 22:28 and still a plain `↻ in progress`
//! at 22:44). The table now flags any resize applying for longer than `stuck_after`, from the
//! `PodResizeInProgress` condition's lastTransitionTime (real 1.35 fixture).

use crate::common::{self, screen};
use chrono::{DateTime, TimeDelta, Utc};
use podsize::app::{Action, AppState, update};
use podsize::model::pods::events::{ClusterEvent, Scope};
use podsize::theme::Theme;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

/// The fixture's `PodResizeInProgress` lastTransitionTime.
fn in_progress_since() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-28T03:17:50Z")
        .unwrap()
        .with_timezone(&Utc)
}

fn screen_at(now: DateTime<Utc>, stuck_after: TimeDelta) -> String {
    let mut s = AppState::new(screen::admin_header(), Scope::default());
    s.stuck_after = stuck_after;
    let row = common::fixture_row("real-1.35-inprogress.json");
    update(
        &mut s,
        Action::Cluster(ClusterEvent::pods_reset([row])),
        now,
    );
    s.refresh_index();
    let mut terminal = Terminal::new(TestBackend::new(200, 20)).unwrap();
    terminal
        .draw(|f| podsize::ui::draw(f, &s, now, &Theme::default()))
        .unwrap();
    screen::text(terminal.backend().buffer())
}

#[test]
fn a_resize_in_progress_longer_than_stuck_after_is_flagged_whoever_sent_it() {
    let late = screen_at(
        in_progress_since() + TimeDelta::minutes(16),
        TimeDelta::minutes(2),
    );
    assert!(late.contains("⧗ stuck 16m in progress"), "{late}");
    let early = screen_at(
        in_progress_since() + TimeDelta::minutes(1),
        TimeDelta::minutes(2),
    );
    assert!(!early.contains("stuck"), "{early}");
    assert!(early.contains("↻ in progress"), "{early}");
    // The threshold is the config's `stuck_after`, not a fixed two minutes.
    let patient = screen_at(
        in_progress_since() + TimeDelta::minutes(16),
        TimeDelta::minutes(30),
    );
    assert!(!patient.contains("stuck"), "{patient}");
}

/// The stuck message is said once per tracked resize: re-set on every tick it never expired.
#[test]
fn the_stuck_message_is_said_once_and_expires() {
    use podsize::model::pods::tracking::Tracker;
    let t0 = in_progress_since();
    let mut s = AppState::new(screen::admin_header(), Scope::default());
    let row = common::fixture_row("real-1.35-inprogress.json");
    let container = row.containers[0].name.clone();
    s.trackers.push(Tracker::new(&row, &container, None, 0, t0));
    update(&mut s, Action::Cluster(ClusterEvent::pods_reset([row])), t0);
    let at = |seconds: i64| t0 + TimeDelta::minutes(3) + TimeDelta::seconds(seconds);
    update(&mut s, Action::Tick, at(0));
    let said = s
        .status
        .as_ref()
        .map(|m| m.text.clone())
        .unwrap_or_default();
    assert!(said.contains("possibly stuck"), "{said:?}");
    for second in 1..=30 {
        update(&mut s, Action::Tick, at(second));
    }
    assert!(s.status.is_none(), "still shown: {:?}", s.status);
}
