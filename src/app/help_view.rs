//! The help popup's content and its scrolling: the lines come from the keymap's tables (so help
//! lists exactly what dispatch does) and the popup scrolls a line at a time, since at 80×24 and
//! below it cannot show them all.

use super::keymap::{Binding, Key, help_rows, help_sections};
use super::state::AppState;
use crossterm::event::{KeyCode, KeyEvent};

/// One line of help before it is wrapped to the popup's width.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HelpLine {
    /// A key of the mode help opened in, on a line of its own.
    Key {
        keys: String,
        help: &'static str,
    },
    Blank,
    /// Another mode's keys, on one line.
    Mode {
        name: &'static str,
        rows: Vec<(String, &'static str)>,
    },
    Note(&'static str),
}

const COLUMNS_NOTE: &str =
    "columns: spec = desired · alloc = allocated by the kubelet · actual = applied by the runtime";

/// The help's lines: the wall display's keys when on the wall, else the table's first, then
/// every other mode's.
pub fn help_lines(wall: bool) -> Vec<HelpLine> {
    let sections = help_sections();
    let lead = if wall {
        help_rows(super::keymap::WALL)
    } else {
        sections[0].1.clone()
    };
    let mut lines: Vec<HelpLine> = (lead.into_iter())
        .map(|(keys, help)| HelpLine::Key { keys, help })
        .collect();
    lines.push(HelpLine::Blank);
    let others = sections
        .into_iter()
        .skip(1)
        .filter(|(name, _)| !wall || *name == "anywhere");
    lines.extend(others.map(|(name, rows)| HelpLine::Mode { name, rows }));
    lines.push(HelpLine::Note(COLUMNS_NOTE));
    lines
}

/// Keys of the help popup; any other key closes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HelpCommand {
    Down,
    Up,
    PageDown,
    PageUp,
    Top,
}

pub const HELP_KEYS: &[Binding<HelpCommand>] = &[
    Binding {
        keys: &[Key::char('j'), Key::code(KeyCode::Down)],
        command: HelpCommand::Down,
        help: "scroll down",
    },
    Binding {
        keys: &[Key::char('k'), Key::code(KeyCode::Up)],
        command: HelpCommand::Up,
        help: "scroll up",
    },
    Binding {
        keys: &[Key::code(KeyCode::PageDown), Key::char(' ')],
        command: HelpCommand::PageDown,
        help: "a page down",
    },
    Binding {
        keys: &[Key::code(KeyCode::PageUp)],
        command: HelpCommand::PageUp,
        help: "a page up",
    },
    Binding {
        keys: &[Key::char('g'), Key::code(KeyCode::Home)],
        command: HelpCommand::Top,
        help: "back to the top",
    },
];

/// How far help can scroll at the terminal's size: the first line on show when its last line
/// is at the popup's foot, on the table and on the wall. Only the draw knows how the lines
/// wrap, so it works these out and they come with `Action::Resize`; unknown, help scrolls
/// by its logical lines.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HelpEnds {
    pub table: usize,
    pub wall: usize,
}

impl HelpEnds {
    /// The end on the wall display or on the table.
    pub fn of(self, wall: bool) -> usize {
        if wall { self.wall } else { self.table }
    }
}

impl Default for HelpEnds {
    fn default() -> Self {
        Self {
            table: usize::MAX,
            wall: usize::MAX,
        }
    }
}

/// A key while help is open: scrolls it, or closes it. Clamped to the end the popup can show,
/// so `k` after any number of `j` moves at once.
pub fn on_key(state: &mut AppState, key: KeyEvent) {
    let wall = state.wall.is_some();
    let last = help_lines(wall)
        .len()
        .saturating_sub(1)
        .min(state.help_ends.of(wall));
    let page = state.page_rows.max(1);
    let at = state.help_scroll;
    state.help_scroll = match super::keymap::lookup(HELP_KEYS, key) {
        Some(HelpCommand::Down) => at + 1,
        Some(HelpCommand::Up) => at.saturating_sub(1),
        Some(HelpCommand::PageDown) => at + page,
        Some(HelpCommand::PageUp) => at.saturating_sub(page),
        Some(HelpCommand::Top) => 0,
        None => {
            state.show_help = false;
            0
        }
    }
    .min(last);
    state.dirty = true;
}

/// Opens help at its top.
pub fn open(state: &mut AppState) {
    state.show_help = true;
    state.help_scroll = 0;
    state.dirty = true;
}
