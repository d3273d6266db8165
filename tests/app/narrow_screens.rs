//! What an operator tripped over using the dashboard by hand at 80×24 and 60×20 (issue #30):
//! each test holds a screen where a figure, a key or the state of the data ran off the edge,
//! or where a program's word showed instead of a person's.

use crate::common;
use crate::common::keys::key_at;

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
        key_at(&mut s, crossterm::event::KeyCode::Char('b'), now());
        let form = screen(&s, width, height);
        assert!(form.contains("Enter review · Esc cancel"), "{form}");
        // A time of day, not `2026-12-07T09:42:15.850396541+00:00`.
        let back = form
            .lines()
            .find(|l| l.contains("back to the original values at"))
            .unwrap_or_else(|| panic!("{form}"));
        assert!(!back.contains("+00:00") && !back.contains('T'), "{form}");
        key_at(&mut s, crossterm::event::KeyCode::Enter, now());
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
    key_at(&mut s, crossterm::event::KeyCode::Char(' '), now());
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

/// The header's second line: the counts, then a message or the totals.
fn second_line(s: &AppState, width: u16) -> String {
    screen(s, width, 24).lines().nth(1).unwrap().to_string()
}

#[test]
fn every_count_and_a_whole_message_fit_the_second_line_at_80_columns() {
    let mut s = state();
    // In words they take 85 columns: in symbols, every one shows.
    let line = second_line(&s, 80);
    for count in ["↻ 2", "↑ 1", "‖ 1", "✗ 1", "‼ 1"] {
        assert!(line.contains(count), "{count:?} in {line:?}");
    }
    assert!(second_line(&s, 120).contains("‼ error 1"));
    key_at(&mut s, crossterm::event::KeyCode::Char(':'), now());
    for c in "help".chars() {
        key_at(&mut s, crossterm::event::KeyCode::Char(c), now());
    }
    key_at(&mut s, crossterm::event::KeyCode::Enter, now());
    let message = "unknown command \"help\": try ns, ctx, sort, nodes or q";
    let line = second_line(&s, 160);
    assert!(
        line.starts_with("↻ in progress 2") && line.ends_with(message),
        "{line:?}"
    );
    let line = second_line(&s, 100);
    assert!(
        line.starts_with("↻ 2") && line.ends_with(message),
        "{line:?}"
    );
    // Too long to follow the counts at 80 columns: the footer has it whole, for a while.
    let screen = screen(&s, 80, 24);
    let line = screen.lines().nth(1).unwrap();
    assert!(
        line.starts_with("↻ 2") && !line.contains("unknown"),
        "{line:?}"
    );
    assert_eq!(screen.lines().last().unwrap(), format!(" {message}"));
}

#[test]
fn the_totals_show_a_side_whole_or_not_at_all() {
    use podsize::model::decide::rightsizing::{Amount, Totals};
    let mut s = state();
    s.rightsizing_totals = Totals {
        over: Amount {
            cpu_millis: 1_980,
            memory_bytes: 1_804_000_000,
        },
        under: Amount {
            cpu_millis: 2_950,
            memory_bytes: 2_061_584_302,
        },
        judged: 12,
    };
    let wide = second_line(&s, 200);
    assert!(
        wide.contains("▼ over-requested 1.98 cpu · 1.68Gi  ▲ under-requested 2.95 cpu · 1.92Gi"),
        "{wide:?}"
    );
    for width in [60, 80, 100, 120] {
        let line = second_line(&s, width);
        // Each side whole or absent: never a figure without its unit.
        for side in ["▼ over 1.98 cpu · 1.68Gi", "▲ under 2.95 cpu · 1.92Gi"] {
            let label = &side[..side.find(' ').unwrap()];
            assert!(
                !line.contains(label) || line.contains(side) || wide.contains(&line[..]),
                "{width}: {side:?} in {line:?}"
            );
        }
    }
    assert!(second_line(&s, 120).contains("▼ over 1.98 cpu · 1.68Gi"));
}

#[test]
fn make_room_on_a_pod_with_nothing_waiting_says_so_in_words() {
    let mut s = state();
    select_a_quiet_container(&mut s);
    key_at(&mut s, crossterm::event::KeyCode::Char('m'), now());
    // Narrow, its last words fell below the border: rows were counted by characters.
    for (width, height) in [(80, 24), (60, 20), (50, 20)] {
        let screen = screen(&s, width, height);
        let popup = popup_rows(&screen)
            .iter()
            .map(|r| r.trim())
            .collect::<Vec<_>>()
            .join(" ");
        assert!(
            popup.contains("is not deferred (no resize pending)"),
            "{width}x{height}:\n{screen}"
        );
        assert!(!popup.contains("state: None"), "{screen}");
    }
}

/// The popup's rows: the text between its side borders.
fn popup_rows(screen: &str) -> Vec<String> {
    (screen.lines())
        .filter_map(|l| l.strip_prefix('│'))
        .map(|l| l.trim_end().trim_end_matches('│').to_string())
        .collect()
}

#[test]
fn help_descriptions_continue_under_themselves_and_its_end_fills_the_popup() {
    for (width, height) in [(80, 24), (60, 20)] {
        let mut s = state();
        key_at(&mut s, crossterm::event::KeyCode::Char('?'), now());
        let first = screen(&s, width, height);
        let rows = popup_rows(&first);
        let boosts = (rows.iter())
            .position(|r| r.contains("B  start-up boosts"))
            .unwrap_or_else(|| panic!("{first}"));
        // The description's next row is indented past the keys: `x2 CPU` is not a key.
        let next = &rows[boosts + 1];
        assert!(
            next.starts_with(&" ".repeat(16)) && !next.trim().is_empty(),
            "{width}: {next:?}\n{first}"
        );
        for row in &rows {
            let keys_column = row.chars().take(16).collect::<String>();
            assert!(
                keys_column.ends_with("  ") || row.chars().count() < 16,
                "{width}: a row with text in the keys' column: {row:?}\n{first}"
            );
        }
        // Scrolled past its end, the popup still shows a page, the last line at its foot.
        for _ in 0..80 {
            key_at(&mut s, crossterm::event::KeyCode::Char('j'), now());
        }
        let end = screen(&s, width, height);
        let rows = popup_rows(&end);
        assert!(
            rows.last().unwrap().contains("by the runtime")
                || rows.last().unwrap().contains("actual"),
            "{end}"
        );
        let filled = rows.iter().filter(|r| !r.trim().is_empty()).count();
        assert!(
            filled > rows.len() / 2,
            "{width}: a near-empty page:\n{end}"
        );
    }
}

#[test]
fn an_editor_too_tall_for_the_screen_says_what_it_left_out() {
    let mut s = state();
    for _ in 0..s.visible().len() {
        key_at(&mut s, crossterm::event::KeyCode::Char(' '), now());
    }
    assert!(s.marked.len() > 8);
    select_a_quiet_container(&mut s);
    key_at(&mut s, crossterm::event::KeyCode::Char('e'), now());
    for c in "x2".chars() {
        key_at(&mut s, crossterm::event::KeyCode::Char(c), now());
    }
    let tall = screen(&s, 200, 60);
    assert!(!tall.contains("more line"), "{tall}");
    for (width, height) in [(80, 24), (60, 20)] {
        let screen = screen(&s, width, height);
        let rows = popup_rows(&screen);
        let note = (rows.iter())
            .position(|r| r.contains("more lines below: a taller terminal shows them"))
            .unwrap_or_else(|| panic!("{width}x{height}:\n{screen}"));
        // Under the note: blank rows, then the keys.
        let keys = (rows.iter())
            .position(|r| r.starts_with("quantity, +25%"))
            .unwrap_or_else(|| panic!("{screen}"));
        assert!(keys > note + 1, "{screen}");
        assert!(
            rows[note + 1..keys].iter().all(|r| r.trim().is_empty()),
            "{screen}"
        );
    }
}

#[test]
fn a_batch_whose_other_pods_are_all_left_out_says_so() {
    let mut s = state();
    select_a_quiet_container(&mut s);
    let edited = s.selected_pod().unwrap().clone();
    let container = edited.containers[0].name.clone();
    let other = (s.pods.values())
        .find(|p| p.containers.iter().all(|c| c.name != container))
        .unwrap()
        .pod_key();
    s.marked.insert(edited.pod_key());
    s.marked.insert(other);
    key_at(&mut s, crossterm::event::KeyCode::Char('e'), now());
    for c in "x2".chars() {
        key_at(&mut s, crossterm::event::KeyCode::Char(c), now());
    }
    let screen = screen(&s, 120, 40);
    assert!(
        screen.contains("batch: the other marked pods are left out:"),
        "{screen}"
    );
    assert!(!screen.contains("0 more marked pods"), "{screen}");
    assert!(
        screen.contains(&format!("no container named \"{container}\"")),
        "{screen}"
    );
}

#[test]
fn details_too_long_for_the_pane_say_what_they_left_out() {
    let mut s = state();
    let i = (s.visible().iter())
        .position(|r| r.pod.name == "shipper-sidecar")
        .unwrap();
    s.select(i);
    key_at(&mut s, crossterm::event::KeyCode::Char('d'), now());
    let screen = screen(&s, 80, 24);
    let pane: Vec<&str> = (screen.lines())
        .skip_while(|l| !l.contains(" details "))
        .collect();
    assert!(pane[0].contains("details"), "{screen}");
    // Four containers do not fit in seven rows; the last row says so.
    let note = pane[pane.len() - 2];
    assert!(
        note.starts_with("… ") && note.ends_with("more lines below: a taller terminal shows them"),
        "{screen}"
    );
    let tall = self::screen(&s, 200, 60);
    assert!(!tall.contains("more lines below"), "{tall}");
}

#[test]
fn the_command_line_names_every_command_at_60_columns() {
    let mut s = state();
    key_at(&mut s, crossterm::event::KeyCode::Char(':'), now());
    let line = second_line(&s, 60);
    assert!(line.ends_with("sort KEY · nodes · q"), "{line:?}");
    assert!(
        line.contains("ns NAME") && line.contains("ctx NAME…"),
        "{line:?}"
    );
    let wide = second_line(&s, 120);
    assert!(wide.ends_with("ns NAME · ns all · ctx NAME… · ctx all · sort KEY · nodes · q"));
}

/// The first-minute walk (issue #30, second round): `R` at 80 columns answered "nothing to
/// right-size: payments-api-0/payments-api: not enough history to shri…", the reason cut
/// mid-word. A message longer than the footer takes the rows it needs (up to three), whole.
#[test]
fn a_message_longer_than_the_footer_wraps_whole_instead_of_being_cut() {
    let mut s = state();
    let message = "nothing to right-size: payments-api-0/payments-api: not enough history to \
                   shrink (covers 3m of 24h, 62 of 100 samples)";
    s.set_status(message, false);
    let screen = screen(&s, 80, 24);
    assert_eq!(screen.lines().count(), 24, "{screen}");
    let footer: Vec<&str> = screen.lines().rev().take(2).collect();
    let joined = format!("{} {}", footer[1].trim(), footer[0].trim());
    assert_eq!(joined, message, "{screen}");
    assert!(!screen.contains("shri…"), "{screen}");
    // A short one keeps the one footer row, and the hints come back once it is gone.
    s.set_status("sorted by cpu", false);
    let screen = self::screen(&s, 80, 24);
    assert!(
        screen.lines().rev().nth(1).unwrap().contains('│'),
        "{screen}"
    );
    s.status = None;
    let screen = self::screen(&s, 80, 24);
    assert!(
        screen.lines().last().unwrap().contains("? help · q quit"),
        "{screen}"
    );
}

/// The walk again: with `R`'s long answer in the footer, the header's counts still shrank
/// to symbols ("‖ 1") to leave room for a message that was not there. They stay in words
/// where words fit, with the way to the help the footer no longer shows.
#[test]
fn a_message_in_the_footer_leaves_the_counts_in_words() {
    let mut s = state();
    let words = second_line(&s, 100);
    assert!(words.starts_with("↻ in progress 2"), "{words:?}");
    s.set_status("x".repeat(120), false);
    let line = second_line(&s, 100);
    assert!(line.starts_with("↻ in progress 2"), "{line:?}");
    assert!(line.ends_with("? help"), "{line:?}");
    assert!(
        !line.contains("xxx"),
        "the message is in the footer: {line:?}"
    );
}
