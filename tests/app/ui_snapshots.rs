//! Whole-screen snapshots of the table for a fixture cluster with every resize state,
//! plus style checks where colour carries meaning.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;
use crate::common::screen::now;

use podsize::app::state::HeaderInfo;
use podsize::app::{Action, AppState, update};
use podsize::model::pods::events::{ClusterEvent, Scope};
use podsize::theme::Theme;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;

fn state() -> AppState {
    let header = HeaderInfo {
        context: "sim-admin".into(),
        server_version: "v1.35.0".into(),
        minor: Some(35),
        resize_disabled: false,
        rbac_denied: None,
        readonly: false,
    };
    let mut s = AppState::new(header, Scope::default());
    update(
        &mut s,
        Action::Cluster(ClusterEvent::pods_reset(common::every_state_rows())),
        now(),
    );
    s.refresh_index();
    s
}

fn render(s: &AppState, width: u16, height: u16, theme: &Theme) -> Buffer {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal
        .draw(|f| podsize::ui::draw(f, s, now(), theme))
        .unwrap();
    terminal.backend().buffer().clone()
}

fn text(buffer: &Buffer) -> String {
    let area = buffer.area;
    (0..area.height)
        .map(|y| {
            (0..area.width)
                .map(|x| buffer[(x, y)].symbol())
                .collect::<String>()
                .trim_end()
                .to_string()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Finds the first cell of the table body (below the header and column titles) where `needle` starts.
fn find(buffer: &Buffer, needle: &str) -> Option<(u16, u16)> {
    let lines = text(buffer);
    for (y, line) in lines.lines().enumerate().skip(5) {
        if let Some(byte) = line.find(needle) {
            let x = line[..byte].chars().count();
            return Some((x as u16, y as u16));
        }
    }
    None
}

#[test]
fn table_80x24() {
    let s = state();
    insta::assert_snapshot!(text(&render(&s, 80, 24, &Theme::default())));
}

#[test]
fn table_200x50() {
    let s = state();
    insta::assert_snapshot!(text(&render(&s, 200, 50, &Theme::default())));
}

#[test]
fn table_200x50_with_details_of_a_deferred_pod() {
    let mut s = state();
    s.show_details = true;
    let i = s
        .visible()
        .iter()
        .position(|r| r.pod.name == "catalog-deferred")
        .unwrap();
    s.select(i);
    let screen = text(&render(&s, 200, 50, &Theme::default()));
    assert!(screen.contains(
        "PodResizePending Deferred: Node didn't have enough resource: cpu, requested: 500"
    ));
    insta::assert_snapshot!(screen);
}

#[test]
fn resize_states_carry_their_theme_colour() {
    let theme = Theme::default();
    let mut s = state();
    s.select(usize::MAX); // the last row, which shows none of the states under test
    let buffer = render(&s, 200, 50, &theme);
    for (label, style) in [
        ("‖ deferred", theme.resize_deferred),
        ("✗ infeasible", theme.resize_infeasible),
        ("↻ in progress", theme.resize_in_progress),
        ("‼ error", theme.resize_error),
        ("↑ submitted", theme.resize_proposed),
        ("⊘ unsupported", theme.resize_unsupported),
    ] {
        let (x, y) = find(&buffer, label).unwrap_or_else(|| panic!("{label} not on screen"));
        let cell = &buffer[(x, y)];
        assert_eq!(cell.fg, style.fg.unwrap_or(cell.fg), "colour of {label}");
        assert_eq!(
            cell.bg,
            style.bg.unwrap_or(cell.bg),
            "background of {label}"
        );
    }
}

#[test]
fn values_that_differ_from_desired_are_highlighted() {
    let theme = Theme::default();
    let mut s = state();
    // Only the deferred pod's admin-ui container: desired cpu 500m, allocated 250m.
    s.filter.text = "catalog-deferred".into();
    s.invalidate_index();
    s.refresh_index();
    s.select(1); // keep the row under test unselected, so its own styles show
    let buffer = render(&s, 200, 50, &theme);
    let (x, y) = find(&buffer, " 500m│ 250m│ 250m").expect("cpu request cell");
    let allocated = &buffer[(x + 6, y)];
    assert_eq!(allocated.symbol(), " ");
    let allocated_digit = &buffer[(x + 7, y)];
    assert_eq!(allocated_digit.symbol(), "2");
    assert_eq!(allocated_digit.fg, theme.diff.fg.unwrap());
    let desired_digit = &buffer[(x + 1, y)];
    assert_ne!(desired_digit.fg, theme.diff.fg.unwrap());
}

#[test]
fn states_are_told_apart_without_colour() {
    let mono = Theme::builtin("mono").unwrap();
    let screen = text(&render(&state(), 200, 50, &mono));
    for label in [
        "‖ deferred",
        "✗ infeasible",
        "↻ in progress",
        "‼ error",
        "✓ ok",
    ] {
        assert!(screen.contains(label), "{label}");
    }
}

#[test]
fn tiny_terminals_do_not_panic() {
    let s = state();
    for (w, h) in [(1, 1), (20, 5), (10, 3), (80, 4), (3, 40)] {
        render(&s, w, h, &Theme::default());
    }
    let mut with_help = state();
    with_help.show_help = true;
    with_help.show_details = true;
    for (w, h) in [(1, 1), (20, 5), (80, 24)] {
        render(&with_help, w, h, &Theme::default());
    }
}

#[test]
fn help_lists_every_binding() {
    let mut s = state();
    s.show_help = true;
    // As wide as the popup, so no table text shows beside it.
    let screen = text(&render(&s, 100, 50, &Theme::default()));
    // Long lines wrap inside the popup: read it as one run of words.
    let words: Vec<&str> = screen
        .split(|c: char| c.is_whitespace() || c == '│')
        .filter(|w| !w.is_empty())
        .collect();
    let flat = words.join(" ");
    for (_, rows) in podsize::app::keymap::help_sections() {
        for (keys, help) in rows {
            assert!(flat.contains(&keys), "{keys}");
            assert!(flat.contains(help), "{help}\n{screen}");
        }
    }
}

#[test]
fn question_mark_shows_the_edit_and_mark_keys() {
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    let mut s = state();
    let key = KeyEvent::new(KeyCode::Char('?'), KeyModifiers::NONE);
    update(&mut s, Action::Key(key), now());
    let screen = text(&render(&s, 80, 24, &Theme::default()));
    for line in ["e / Enter  edit", "Space  mark"] {
        assert!(screen.contains(line), "{line} missing:\n{screen}");
    }
    assert!(screen.contains("any other key closes"), "{screen}");
}

#[test]
fn usage_column_appears_with_metrics() {
    use podsize::model::ground::resources::CpuMem;
    use podsize::model::pods::events::PodUsage;
    let mut s = state();
    assert!(!text(&render(&s, 250, 70, &Theme::default())).contains("USAGE"));
    let usage = vec![
        PodUsage {
            namespace: "shop".into(),
            name: "web-settled".into(),
            containers: vec![(
                "admin-ui".into(),
                CpuMem {
                    cpu_millis: Some(420),
                    memory_bytes: Some(300 << 20),
                },
            )],
        },
        PodUsage {
            namespace: "platform".into(),
            name: "catalog-deferred".into(),
            containers: vec![(
                "admin-ui".into(),
                CpuMem {
                    cpu_millis: Some(5),
                    memory_bytes: Some(12 << 20),
                },
            )],
        },
    ];
    update(
        &mut s,
        Action::Cluster(ClusterEvent::Usage(Some(usage.into()))),
        now(),
    );
    s.refresh_index();
    let screen = text(&render(&s, 250, 70, &Theme::default()));
    assert!(screen.contains("USAGE"));
    assert!(screen.contains("420m│ 300Mi"), "{screen}");
    // The cpu│mem separator lines up from row to row, whatever the widths of the values.
    let bar_column = |needle: &str| {
        let line = screen.lines().find(|l| l.contains(needle)).unwrap();
        let usage = line.rfind('│').unwrap();
        line[..usage].chars().count()
    };
    assert_eq!(bar_column("300Mi"), bar_column("12Mi"), "{screen}");
    insta::assert_snapshot!(screen);
}

/// The wall clock shows local time: mask it so snapshots do not depend on the time zone.
fn mask_clock(screen: &str) -> String {
    screen
        .lines()
        .map(|line| match line.rfind(':') {
            Some(i) if i >= 5 && line.starts_with(" PODSIZE") => {
                format!("{} HH:MM:SS", &line[..i - 5].trim_end())
            }
            _ => line.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn wall_state() -> AppState {
    let mut s = state();
    s.clusters[0].header.readonly = true;
    s.wall = Some(podsize::app::wall::Wall::new(
        chrono::TimeDelta::seconds(10),
        false,
        false,
    ));
    s.sort = podsize::settings::SortKey::ResizeState;
    s.invalidate_index();
    s.refresh_index();
    s
}

#[test]
fn wall_160x45() {
    let screen = mask_clock(&text(&render(
        &wall_state(),
        160,
        45,
        &Theme::builtin("high-contrast").unwrap(),
    )));
    assert!(screen.contains("READ-ONLY"));
    assert!(screen.contains("page 1/1"));
    insta::assert_snapshot!(screen);
}

#[test]
fn wall_250x70_stale() {
    let mut s = wall_state();
    let since = now() - chrono::TimeDelta::seconds(95);
    s.clusters[0].connection = podsize::model::pods::events::Connection::Reconnecting {
        attempt: 4,
        error: "connection refused".into(),
        since,
    };
    let theme = Theme::builtin("high-contrast").unwrap();
    let buffer = render(&s, 250, 70, &theme);
    let screen = mask_clock(&text(&buffer));
    assert!(
        screen.contains("DATA STALE FOR 95s — reconnecting (attempt 4): connection refused"),
        "{screen}"
    );
    insta::assert_snapshot!(screen);
}

#[test]
fn wall_highlights_recent_changes_and_sorts_active_resizes_first() {
    let theme = Theme::builtin("high-contrast").unwrap();
    let mut s = wall_state();
    let first = s.row(&s.visible()[0]).unwrap().1.unwrap().state.clone();
    assert_eq!(first.name(), "Error", "the worst state is first on a wall");
    let key = podsize::model::pods::row::PodKey::new(0, "shop", "web-settled");
    s.wall.as_mut().unwrap().changed.insert(key, now());
    let buffer = render(&s, 250, 70, &theme);
    let lines = text(&buffer);
    let y = lines
        .lines()
        .position(|l| l.contains("web-settled"))
        .unwrap() as u16;
    let x = lines
        .lines()
        .nth(y as usize)
        .unwrap()
        .find("web-settled")
        .unwrap() as u16;
    assert_eq!(buffer[(x, y)].bg, theme.changed_recently.bg.unwrap());
}

/// Opens the editor on catalog-deferred's istio-proxy with CPU and memory request changes
/// typed (the memory change restarts the container: one more warning line).
fn editor_state() -> AppState {
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    use podsize::model::ground::resources::CpuMem;
    use podsize::model::pods::events::NodeInfo;
    let mut s = state();
    let nodes = (1..=3)
        .map(|i| NodeInfo {
            name: format!("node-{i}"),
            allocatable: CpuMem {
                cpu_millis: Some(4000),
                memory_bytes: Some(8 << 30),
            },
        })
        .collect();
    update(
        &mut s,
        Action::Cluster(ClusterEvent::NodesReset(nodes)),
        now(),
    );
    let i = s
        .visible()
        .iter()
        .position(|r| r.pod.name == "catalog-deferred")
        .unwrap();
    s.select(i + 1);
    // Another marked pod adds the batch preview (the batch is the marked pods, the cursor's
    // among them); a long refusal from the server wraps.
    for name in ["api-submitted", "catalog-deferred"] {
        let marked = s.pods.keys().find(|k| k.name == name).cloned().unwrap();
        s.marked.insert(marked);
    }
    let keys = [
        KeyCode::Char('e'),
        KeyCode::Char('x'),
        KeyCode::Char('2'),
        KeyCode::Tab,
        KeyCode::Tab,
        KeyCode::Char('x'),
        KeyCode::Char('2'),
    ];
    for code in keys {
        update(
            &mut s,
            Action::Key(KeyEvent::new(code, KeyModifiers::NONE)),
            now(),
        );
    }
    s.editor.as_mut().unwrap().server_error = Some(
        "Pod \"catalog-deferred\" is invalid: spec.containers[1].resources.requests[memory]: \
         Forbidden: the last attempt was refused, try again"
            .into(),
    );
    s
}

#[test]
fn editor_80x24_shows_its_key_hints_and_review() {
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    let mut s = editor_state();
    let editing = text(&render(&s, 80, 24, &Theme::default()));
    assert!(editing.contains("Esc cancel"), "{editing}");
    update(
        &mut s,
        Action::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)),
        now(),
    );
    let review = text(&render(&s, 80, 24, &Theme::default()));
    assert!(review.contains("Enter send"), "{review}");
    assert!(review.contains("patch (strategic merge"), "{review}");
    insta::assert_snapshot!("editor_80x24_editing", editing);
    insta::assert_snapshot!("editor_80x24_review", review);
}
