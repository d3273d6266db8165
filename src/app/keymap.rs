//! Key bindings: one table drives both dispatch and the help screen.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Command {
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    StartFilter,
    StartCommand,
    CycleSort,
    TogglePerPod,
    ToggleDetails,
    Help,
    Edit,
    ToggleMark,
    Escape,
    Quit,
}

pub struct Binding {
    pub keys: &'static str,
    pub command: Command,
    pub help: &'static str,
}

/// Every binding of the table view, in help order.
pub const BINDINGS: &[Binding] = &[
    Binding {
        keys: "j / ↓",
        command: Command::Down,
        help: "next row",
    },
    Binding {
        keys: "k / ↑",
        command: Command::Up,
        help: "previous row",
    },
    Binding {
        keys: "PgDn / Ctrl-f",
        command: Command::PageDown,
        help: "next page",
    },
    Binding {
        keys: "PgUp / Ctrl-b",
        command: Command::PageUp,
        help: "previous page",
    },
    Binding {
        keys: "g / Home",
        command: Command::Top,
        help: "first row",
    },
    Binding {
        keys: "G / End",
        command: Command::Bottom,
        help: "last row",
    },
    Binding {
        keys: "/",
        command: Command::StartFilter,
        help: "filter namespace/pod/container/node (!text negates)",
    },
    Binding {
        keys: ":",
        command: Command::StartCommand,
        help: "command: ns NAME | ns all | ctx NAME | sort KEY",
    },
    Binding {
        keys: "s",
        command: Command::CycleSort,
        help: "cycle sort: name, state, cpu, memory, restarts, age",
    },
    Binding {
        keys: "p",
        command: Command::TogglePerPod,
        help: "one row per pod / per container",
    },
    Binding {
        keys: "d",
        command: Command::ToggleDetails,
        help: "details pane of the selected pod",
    },
    Binding {
        keys: "?",
        command: Command::Help,
        help: "this help",
    },
    Binding {
        keys: "Esc",
        command: Command::Escape,
        help: "close / clear filter",
    },
    Binding {
        keys: "q / Ctrl-c",
        command: Command::Quit,
        help: "quit",
    },
];

/// Maps a key of the table view to its command.
pub fn command_for(key: KeyEvent) -> Option<Command> {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    Some(match key.code {
        KeyCode::Char('c') if ctrl => Command::Quit,
        KeyCode::Char('f') if ctrl => Command::PageDown,
        KeyCode::Char('b') if ctrl => Command::PageUp,
        KeyCode::Char('j') | KeyCode::Down => Command::Down,
        KeyCode::Char('k') | KeyCode::Up => Command::Up,
        KeyCode::PageDown => Command::PageDown,
        KeyCode::PageUp => Command::PageUp,
        KeyCode::Char('g') | KeyCode::Home => Command::Top,
        KeyCode::Char('G') | KeyCode::End => Command::Bottom,
        KeyCode::Char('/') => Command::StartFilter,
        KeyCode::Char(':') => Command::StartCommand,
        KeyCode::Char('s') => Command::CycleSort,
        KeyCode::Char('p') => Command::TogglePerPod,
        KeyCode::Char('d') => Command::ToggleDetails,
        KeyCode::Char('?') => Command::Help,
        KeyCode::Char('e') | KeyCode::Enter => Command::Edit,
        KeyCode::Char(' ') => Command::ToggleMark,
        KeyCode::Esc => Command::Escape,
        KeyCode::Char('q') => Command::Quit,
        _ => return None,
    })
}
