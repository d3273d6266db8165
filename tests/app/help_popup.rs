//! Help at 80×24 and 60×20 (issue #30): the `?` overlay was cut off at `Esc clear filter…`
//! with no way on; it now scrolls and its border says how. A key-hint line is always on
//! show, `r` says which keys resize, the `:` help names `nodes`, and `?` works in `watch`.

use crate::common;
use crate::common::keys::key_at;

use common::screen::{admin_header, now, render, text};
use crossterm::event::KeyCode;
use podsize::app::{Action, AppState, update};
use podsize::model::pods::events::{ClusterEvent, Scope};
use podsize::theme::Theme;

fn state() -> AppState {
    let mut s = AppState::new(admin_header(), Scope::default());
    let event = ClusterEvent::pods_reset(common::every_state_rows());
    update(&mut s, Action::Cluster(event), now());
    s.refresh_index();
    s
}

/// The help's last line.
const LAST: &str = "columns: spec = desired";

#[test]
fn help_scrolls_to_its_end_at_80x24_and_60x20_and_says_how() {
    for (width, height) in [(80, 24), (60, 20)] {
        let mut s = state();
        key_at(&mut s, KeyCode::Char('?'), now());
        let first = text(&render(&s, width, height, &Theme::default()));
        assert!(
            !first.contains(LAST),
            "{width}x{height}: all fits?\n{first}"
        );
        assert!(
            first.contains("j / PgDn: more"),
            "{width}x{height}\n{first}"
        );
        let mut screen = first.clone();
        for _ in 0..60 {
            key_at(&mut s, KeyCode::Char('j'), now());
            screen = text(&render(&s, width, height, &Theme::default()));
            if screen.contains(LAST) {
                break;
            }
        }
        assert!(
            screen.contains(LAST),
            "{width}x{height}: never reached\n{screen}"
        );
        assert!(screen.contains("lines above"), "{width}x{height}\n{screen}");
        assert!(s.show_help);
        key_at(&mut s, KeyCode::Char('g'), now());
        assert_eq!(text(&render(&s, width, height, &Theme::default())), first);
        // Any other key closes it, and does nothing else.
        key_at(&mut s, KeyCode::Char('q'), now());
        assert!(!s.show_help && !s.quit);
    }
}

#[test]
fn a_key_hint_line_shows_at_80_columns() {
    let mut s = state();
    let screen = text(&render(&s, 80, 24, &Theme::default()));
    let last = screen.lines().last().unwrap();
    assert!(
        last.starts_with(" e edit · Space mark · / filter"),
        "{screen}"
    );
    key_at(&mut s, KeyCode::Char(' '), now());
    let screen = text(&render(&s, 80, 24, &Theme::default()));
    assert!(
        screen
            .lines()
            .last()
            .unwrap()
            .contains("e edit the 1 marked"),
        "{screen}"
    );
}

#[test]
fn r_names_the_keys_that_resize() {
    let mut s = state();
    key_at(&mut s, KeyCode::Char('r'), now());
    let said = s
        .status
        .as_ref()
        .map(|m| m.text.clone())
        .unwrap_or_default();
    assert!(
        said.contains("e edits") && said.contains("R right-sizes"),
        "{said:?}"
    );
    key_at(&mut s, KeyCode::Char('z'), now());
    let said = s
        .status
        .as_ref()
        .map(|m| m.text.clone())
        .unwrap_or_default();
    assert!(said.contains("? lists every key"), "{said:?}");
}

#[test]
fn the_command_line_help_names_nodes() {
    let mut s = state();
    key_at(&mut s, KeyCode::Char(':'), now());
    let screen = text(&render(&s, 120, 24, &Theme::default()));
    assert!(screen.lines().nth(1).unwrap().contains("nodes"), "{screen}");
    let table = podsize::app::keymap::help_sections().remove(0).1;
    let colon = table.iter().find(|(keys, _)| keys == ":").unwrap();
    assert!(colon.1.contains("nodes"), "{colon:?}");
}

#[test]
fn question_mark_opens_help_on_the_wall() {
    let mut s = state();
    s.wall = Some(podsize::app::wall::Wall::new(
        chrono::TimeDelta::seconds(10),
        false,
        false,
    ));
    key_at(&mut s, KeyCode::Char('?'), now());
    assert!(s.show_help);
    let screen = text(&render(&s, 100, 40, &Theme::default()));
    assert!(screen.contains("next page now"), "{screen}");
    assert!(
        !screen.contains("edit the selected"),
        "table keys on the wall:\n{screen}"
    );
    key_at(&mut s, KeyCode::Char('x'), now());
    assert!(!s.show_help && !s.quit);
}

/// Pressing `j` past the end left the scroll beyond what the popup shows: `k` then did
/// nothing for a few presses. The terminal's size comes with `Action::Resize`, and the scroll
/// stops where the popup's last line is at its foot.
#[test]
fn k_moves_help_at_once_after_any_number_of_j() {
    for (width, height) in [(80, 24), (60, 20), (120, 40)] {
        let mut s = state();
        let resize = Action::Resize {
            table_rows: podsize::ui::table_rows(height, false),
            help_ends: podsize::ui::help::ends(width, height),
        };
        update(&mut s, resize, now());
        key_at(&mut s, KeyCode::Char('?'), now());
        for _ in 0..60 {
            key_at(&mut s, KeyCode::Char('j'), now());
        }
        let end = text(&render(&s, width, height, &Theme::default()));
        assert!(end.contains(LAST), "{width}x{height}\n{end}");
        key_at(&mut s, KeyCode::Char('k'), now());
        let up = text(&render(&s, width, height, &Theme::default()));
        assert_ne!(up, end, "{width}x{height}: k did nothing");
        key_at(&mut s, KeyCode::Char('j'), now());
        let back = text(&render(&s, width, height, &Theme::default()));
        assert_eq!(back, end, "{width}x{height}");
    }
}
