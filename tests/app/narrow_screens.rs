//! What an operator trips over at 80×24 and 60×20 (issue #30, by hand): each test holds a
//! screen where a figure, a key or the state of the data ran off the edge.

use crate::common;

use common::screen::{admin_header, now, render, text};
use podsize::app::{Action, AppState, update};
use podsize::model::pods::events::{ClusterEvent, Connection, Scope};
use podsize::theme::Theme;

/// The kube client's error for a refused connection, as the watch reports it.
const REFUSED: &str = "failed to perform initial object list: ServiceError: client error \
                       (Connect): tcp connect error: Connection refused (os error 111)";

fn state() -> AppState {
    let mut s = AppState::new(admin_header(), Scope::default());
    let event = ClusterEvent::pods_reset(common::every_state_rows());
    update(&mut s, Action::Cluster(event), now());
    s.refresh_index();
    s
}

fn screen(s: &AppState, width: u16, height: u16) -> String {
    text(&render(s, width, height, &Theme::default()))
}

#[test]
fn a_lost_watch_shows_in_the_header_at_every_width() {
    let mut s = state();
    let lost = Connection::Reconnecting {
        attempt: 4,
        error: REFUSED.into(),
        since: now() - chrono::TimeDelta::seconds(80),
    };
    update(
        &mut s,
        Action::Cluster(ClusterEvent::Connection(lost)),
        now(),
    );
    for (width, height) in [(60, 20), (80, 24), (120, 30)] {
        let screen = screen(&s, width, height);
        let first = screen.lines().next().unwrap();
        for part in ["ctx sim-admin", "11 pods", "✗ reconnecting", "stale 80s"] {
            assert!(first.contains(part), "{width}: {part:?} in\n{screen}");
        }
    }
    // Wide enough, the cause reads whole, without the client's wrappers.
    let screen = screen(&s, 200, 30);
    let first = screen.lines().next().unwrap();
    assert!(
        first.contains("(attempt 4, stale 80s): tcp connect error: Connection refused"),
        "{screen}"
    );
    assert!(
        first.contains("v1.35.0") && !first.contains("ServiceError"),
        "{screen}"
    );
}

fn key(s: &mut AppState, code: crossterm::event::KeyCode) {
    let event = crossterm::event::KeyEvent::new(code, crossterm::event::KeyModifiers::NONE);
    update(s, Action::Key(event), now());
    s.refresh_index();
}

/// The first row of a running pod with no resize pending, selected.
fn select_a_quiet_container(s: &mut AppState) {
    let i = (s.visible().iter())
        .position(|r| r.pod.name == "web-settled")
        .unwrap();
    s.select(i);
}

#[test]
fn the_boost_review_keeps_its_keys_and_reads_its_time_at_80x24_and_60x20() {
    for (width, height) in [(80, 24), (60, 20)] {
        let mut s = state();
        select_a_quiet_container(&mut s);
        key(&mut s, crossterm::event::KeyCode::Char('b'));
        let form = screen(&s, width, height);
        assert!(form.contains("Enter review · Esc cancel"), "{form}");
        // A time of day, not `2026-12-07T09:42:15.850396541+00:00`.
        let back = form
            .lines()
            .find(|l| l.contains("back to the original values at"))
            .unwrap_or_else(|| panic!("{form}"));
        assert!(!back.contains("+00:00") && !back.contains('T'), "{form}");
        key(&mut s, crossterm::event::KeyCode::Enter);
        let review = screen(&s, width, height);
        assert!(review.contains("\"cpu\""), "the patch:\n{review}");
        // The popup's rows joined, so a hint wrapped over two rows reads as one.
        let keys = (review.lines())
            .map(|l| l.trim_end().trim_end_matches('│').trim_end())
            .collect::<Vec<_>>()
            .join(" ")
            .replace(" │", " ");
        for part in ["Enter sends (dry run first)", "any other key goes back"] {
            assert!(
                keys.contains(part),
                "{width}x{height}: {part:?} in\n{review}"
            );
        }
    }
}

#[test]
fn the_key_hints_keep_help_and_quit_at_80_and_60_columns() {
    let mut s = state();
    for (width, height) in [(80, 24), (60, 20)] {
        let screen = screen(&s, width, height);
        let last = screen.lines().last().unwrap();
        assert!(last.starts_with(" e edit · Space mark"), "{screen}");
        assert!(last.ends_with(" · ? help · q quit"), "{screen}");
    }
    key(&mut s, crossterm::event::KeyCode::Char(' '));
    let screen = screen(&s, 80, 24);
    let last = screen.lines().last().unwrap();
    assert!(
        last.starts_with(" e edit the 1 marked · R right-size them"),
        "{screen}"
    );
    assert!(last.ends_with(" · ? help · q quit"), "{screen}");
    // Wide, every hint is there.
    let screen = self::screen(&state(), 200, 30);
    assert!(
        screen.ends_with("N nodes · : command · ? help · q quit"),
        "{screen}"
    );
}
