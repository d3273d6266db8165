use super::*;
use crate::app::line_edit::LineEdit;

/// Every key a test can think of: printable ASCII with and without Ctrl, and the named keys.
fn universe() -> Vec<KeyEvent> {
    let named = [
        KeyCode::Enter,
        KeyCode::Esc,
        KeyCode::Tab,
        KeyCode::BackTab,
        KeyCode::Backspace,
        KeyCode::Delete,
        KeyCode::Insert,
        KeyCode::Up,
        KeyCode::Down,
        KeyCode::Left,
        KeyCode::Right,
        KeyCode::Home,
        KeyCode::End,
        KeyCode::PageUp,
        KeyCode::PageDown,
        KeyCode::F(1),
    ];
    let codes = (' '..='~').map(KeyCode::Char).chain(named);
    codes
        .flat_map(|code| {
            [KeyModifiers::NONE, KeyModifiers::CONTROL].map(|m| KeyEvent::new(code, m))
        })
        .collect()
}

/// The help section of this mode lists the key among its rows.
fn listed(mode: &str, key: KeyEvent) -> bool {
    let label = Key::of(key).label();
    help_sections()
        .into_iter()
        .filter(|(name, _)| *name == mode)
        .flat_map(|(_, rows)| rows)
        .any(|(keys, _)| keys.split(" / ").any(|k| k == label))
}

#[test]
fn every_dispatched_key_is_listed_in_its_modes_help() {
    for key in universe() {
        let checks = [
            ("table", command_for(key).is_some()),
            ("anywhere", lookup(GLOBAL, key).is_some()),
            ("filter (/)", lookup(FILTER, key).is_some()),
            ("command line (:)", lookup(COMMAND_LINE, key).is_some()),
            ("editor", lookup(EDITOR, key).is_some()),
            ("wall display", lookup(WALL, key).is_some()),
            ("node view (N)", lookup(NODES, key).is_some()),
            ("make room (m)", lookup(MAKE_ROOM, key).is_some()),
        ];
        for (mode, dispatched) in checks {
            assert!(!dispatched || listed(mode, key), "{mode}: {key:?}");
        }
    }
}

#[test]
fn text_fields_act_only_on_listed_keys_and_plain_characters() {
    for key in universe() {
        let typed = matches!(key.code, KeyCode::Char(_)) && !Key::of(key).ctrl;
        let mut line = LineEdit::new("ab cd");
        if line.handle(key) && !typed {
            assert!(listed("text fields", key), "{key:?}");
        }
    }
}

#[test]
fn no_key_is_bound_twice_in_one_mode() {
    for (mode, rows) in help_sections() {
        let mut seen = std::collections::HashSet::new();
        for (keys, _) in rows {
            for k in keys.split(" / ") {
                assert!(seen.insert(k.to_string()), "{mode}: {k} twice");
            }
        }
    }
}

#[test]
fn labels_name_keys_as_people_read_them() {
    assert_eq!(Key::char(' ').label(), "Space");
    assert_eq!(Key::code(KeyCode::Enter).label(), "Enter");
    assert_eq!(Key::ctrl('f').label(), "Ctrl-f");
    assert_eq!(BINDINGS[0].keys_label(), "j / ↓");
}
