//! Key bindings. Each input mode has one table; dispatch looks keys up in it and the help
//! popup prints it, so a key cannot act without being listed.

mod tables;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
pub use tables::*;

/// One key as a table lists it: a code and whether Ctrl is held. Shift is part of the
/// code (`G`, Shift-Tab), so it is not compared.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Key {
    pub code: KeyCode,
    pub ctrl: bool,
}

impl Key {
    pub const fn char(c: char) -> Self {
        Self::code(KeyCode::Char(c))
    }

    pub const fn ctrl(c: char) -> Self {
        Self {
            code: KeyCode::Char(c),
            ctrl: true,
        }
    }

    pub const fn code(code: KeyCode) -> Self {
        Self { code, ctrl: false }
    }

    pub fn of(event: KeyEvent) -> Self {
        Self {
            code: event.code,
            ctrl: event.modifiers.contains(KeyModifiers::CONTROL),
        }
    }

    /// The name printed by the help popup.
    pub fn label(&self) -> String {
        let base = match self.code {
            KeyCode::Char(' ') => "Space".to_string(),
            KeyCode::Char(c) => c.to_string(),
            KeyCode::Up => "↑".to_string(),
            KeyCode::Down => "↓".to_string(),
            KeyCode::Left => "←".to_string(),
            KeyCode::Right => "→".to_string(),
            KeyCode::PageUp => "PgUp".to_string(),
            KeyCode::PageDown => "PgDn".to_string(),
            KeyCode::BackTab => "Shift-Tab".to_string(),
            KeyCode::Delete => "Del".to_string(),
            other => format!("{other:?}"),
        };
        if self.ctrl {
            format!("Ctrl-{base}")
        } else {
            base
        }
    }
}

pub struct Binding<C: 'static> {
    pub keys: &'static [Key],
    pub command: C,
    pub help: &'static str,
}

impl<C> Binding<C> {
    /// `j / ↓`: every key of the binding, as help shows them.
    pub fn keys_label(&self) -> String {
        let labels: Vec<String> = self.keys.iter().map(Key::label).collect();
        labels.join(" / ")
    }
}

/// The command a table binds to this key.
pub fn lookup<C: Copy>(table: &[Binding<C>], event: KeyEvent) -> Option<C> {
    let key = Key::of(event);
    table
        .iter()
        .find(|b| b.keys.contains(&key))
        .map(|b| b.command)
}

/// One mode's bindings as help prints them: keys label and meaning.
pub fn help_rows<C>(table: &[Binding<C>]) -> Vec<(String, &'static str)> {
    table.iter().map(|b| (b.keys_label(), b.help)).collect()
}

/// Every mode's bindings, table view first, in the order help shows them.
pub fn help_sections() -> Vec<(&'static str, Vec<(String, &'static str)>)> {
    vec![
        ("table", help_rows(BINDINGS)),
        ("anywhere", help_rows(GLOBAL)),
        ("filter (/)", help_rows(FILTER)),
        ("command line (:)", help_rows(COMMAND_LINE)),
        ("text fields", help_rows(LINE_EDIT)),
        ("editor", help_rows(EDITOR)),
        ("node view (N)", help_rows(NODES)),
        ("make room (m)", help_rows(MAKE_ROOM)),
        ("wall display", help_rows(WALL)),
    ]
}

/// Maps a key of the table view to its command.
pub fn command_for(key: KeyEvent) -> Option<Command> {
    lookup(BINDINGS, key)
}

#[cfg(test)]
mod tests;
