//! One line of editable text with a cursor, shared by every text input (editor fields, the `/`
//! filter, the `:` command line) so the same keys work everywhere: Left/Right, Home/End
//! (Ctrl-A/Ctrl-E), Backspace/Delete, Ctrl-U (to the start), Ctrl-W (the word before),
//! as `keymap::LINE_EDIT` lists them.

use super::keymap::{LINE_EDIT, LineEditCommand, lookup};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LineEdit {
    text: String,
    /// Cursor position in characters (not bytes), 0..=len.
    cursor: usize,
}

impl LineEdit {
    /// The text with the cursor at its end.
    pub fn new(text: impl Into<String>) -> Self {
        let text = text.into();
        let cursor = text.chars().count();
        Self { text, cursor }
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    /// Cursor position in characters.
    pub fn cursor(&self) -> usize {
        self.cursor
    }

    /// The text before and after the cursor, for drawing it.
    pub fn split_at_cursor(&self) -> (&str, &str) {
        self.text.split_at(self.byte_at(self.cursor))
    }

    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    pub fn clear(&mut self) {
        self.text.clear();
        self.cursor = 0;
    }

    fn byte_at(&self, chars: usize) -> usize {
        self.text
            .char_indices()
            .nth(chars)
            .map_or(self.text.len(), |(i, _)| i)
    }

    fn len(&self) -> usize {
        self.text.chars().count()
    }

    pub fn insert(&mut self, c: char) {
        let at = self.byte_at(self.cursor);
        self.text.insert(at, c);
        self.cursor += 1;
    }

    /// Removes the characters between two cursor positions (`from` ≤ `to`).
    fn remove(&mut self, from: usize, to: usize) {
        let (start, end) = (self.byte_at(from), self.byte_at(to));
        self.text.replace_range(start..end, "");
        self.cursor = from;
    }

    /// Where the word before the cursor starts (spaces before it are part of the deletion).
    fn word_start(&self) -> usize {
        let before: Vec<char> = self.text.chars().take(self.cursor).collect();
        let mut i = before.len();
        while i > 0 && before[i - 1].is_whitespace() {
            i -= 1;
        }
        while i > 0 && !before[i - 1].is_whitespace() {
            i -= 1;
        }
        i
    }

    /// Applies one key; returns whether it was a line-editing key (text or cursor may have moved).
    pub fn handle(&mut self, key: KeyEvent) -> bool {
        let Some(command) = lookup(LINE_EDIT, key) else {
            // Anything else typed without Ctrl is text.
            return match key.code {
                KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) => {
                    self.insert(c);
                    true
                }
                _ => false,
            };
        };
        match command {
            LineEditCommand::Start => self.cursor = 0,
            LineEditCommand::End => self.cursor = self.len(),
            LineEditCommand::Left => self.cursor = self.cursor.saturating_sub(1),
            LineEditCommand::Right => self.cursor = (self.cursor + 1).min(self.len()),
            LineEditCommand::DeleteToStart => self.remove(0, self.cursor),
            LineEditCommand::DeleteWord => self.remove(self.word_start(), self.cursor),
            LineEditCommand::Backspace if self.cursor > 0 => {
                self.remove(self.cursor - 1, self.cursor)
            }
            LineEditCommand::Delete if self.cursor < self.len() => {
                self.remove(self.cursor, self.cursor + 1)
            }
            LineEditCommand::Backspace | LineEditCommand::Delete => {}
        }
        true
    }
}

/// A field filled in for the user (the editor's values, the boost form's `x2`): the first
/// typed character replaces it, as a selected field does elsewhere, while a cursor key or
/// Backspace first keeps it for editing in place. Shared by every pre-filled form so they
/// answer the same keys the same way.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Prefilled {
    /// The next typed character replaces the field.
    pub replace_next: bool,
}

impl Prefilled {
    /// The field's value was just put in for the user (on opening, on focus, on a reset).
    pub fn armed() -> Self {
        Self { replace_next: true }
    }

    /// Applies one key to `field`; returns whether it was a line-editing key. A key that is
    /// not leaves the field as it was.
    pub fn handle(&mut self, field: &mut LineEdit, key: KeyEvent) -> bool {
        let plain_char =
            matches!(key.code, KeyCode::Char(_)) && !key.modifiers.contains(KeyModifiers::CONTROL);
        let before = field.clone();
        if self.replace_next && plain_char {
            field.clear();
        }
        if !field.handle(key) {
            *field = before;
            return false;
        }
        self.replace_next = false;
        true
    }
}

impl AsRef<str> for LineEdit {
    fn as_ref(&self) -> &str {
        &self.text
    }
}

impl PartialEq<str> for LineEdit {
    fn eq(&self, other: &str) -> bool {
        self.text == other
    }
}

impl PartialEq<&str> for LineEdit {
    fn eq(&self, other: &&str) -> bool {
        self.text == *other
    }
}

impl PartialEq<String> for LineEdit {
    fn eq(&self, other: &String) -> bool {
        &self.text == other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn press(line: &mut LineEdit, code: KeyCode) -> bool {
        line.handle(KeyEvent::new(code, KeyModifiers::NONE))
    }

    fn ctrl(line: &mut LineEdit, c: char) -> bool {
        line.handle(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))
    }

    #[test]
    fn typing_inserts_at_the_cursor() {
        let mut line = LineEdit::new("50m");
        press(&mut line, KeyCode::Home);
        press(&mut line, KeyCode::Char('2'));
        assert_eq!(line.text(), "250m");
        press(&mut line, KeyCode::End);
        press(&mut line, KeyCode::Left);
        press(&mut line, KeyCode::Backspace);
        assert_eq!(line.text(), "25m");
        assert_eq!(line.split_at_cursor(), ("25", "m"));
        press(&mut line, KeyCode::Delete);
        assert_eq!(line.text(), "25");
        press(&mut line, KeyCode::Right);
        press(&mut line, KeyCode::Right);
        assert_eq!(line.cursor(), 2, "the cursor stays inside the text");
    }

    #[test]
    fn ctrl_u_deletes_to_the_start_and_ctrl_w_the_word_before() {
        let mut line = LineEdit::new("ns  payments-prod");
        assert!(ctrl(&mut line, 'w'));
        assert_eq!(line.text(), "ns  ");
        press(&mut line, KeyCode::Char('x'));
        press(&mut line, KeyCode::Left);
        assert!(ctrl(&mut line, 'u'));
        assert_eq!((line.text(), line.cursor()), ("x", 0));
        assert!(ctrl(&mut line, 'e'));
        assert_eq!(line.cursor(), 1);
        assert!(ctrl(&mut line, 'a'));
        assert_eq!(line.cursor(), 0);
    }

    #[test]
    fn ctrl_w_takes_the_spaces_and_the_word_before_them() {
        let mut line = LineEdit::new("sort cpu  ");
        ctrl(&mut line, 'w');
        assert_eq!(line.text(), "sort ");
    }

    #[test]
    fn multibyte_text_moves_by_characters() {
        let mut line = LineEdit::new("×2");
        press(&mut line, KeyCode::Left);
        press(&mut line, KeyCode::Left);
        press(&mut line, KeyCode::Delete);
        assert_eq!(line.text(), "2");
        press(&mut line, KeyCode::Backspace);
        assert_eq!(line.text(), "2", "nothing before the cursor");
    }

    #[test]
    fn a_prefilled_field_is_replaced_by_typing_and_kept_by_a_cursor_key() {
        let mut line = LineEdit::new("x2");
        let mut prefilled = Prefilled::armed();
        let key = |c| KeyEvent::new(c, KeyModifiers::NONE);
        assert!(!prefilled.handle(&mut line, key(KeyCode::Enter)));
        assert_eq!(
            line.text(),
            "x2",
            "a key that is not editing changes nothing"
        );
        assert!(prefilled.handle(&mut line, key(KeyCode::Char('3'))));
        prefilled.handle(&mut line, key(KeyCode::Char('m')));
        assert_eq!(line.text(), "3m");
        let (mut line, mut prefilled) = (LineEdit::new("x2"), Prefilled::armed());
        prefilled.handle(&mut line, key(KeyCode::Home));
        prefilled.handle(&mut line, key(KeyCode::Char('1')));
        assert_eq!(line.text(), "1x2");
    }

    #[test]
    fn other_keys_are_left_to_the_caller() {
        let mut line = LineEdit::new("a");
        assert!(!press(&mut line, KeyCode::Enter));
        assert!(!press(&mut line, KeyCode::Tab));
        assert!(!ctrl(&mut line, 'c'));
        assert_eq!(line, "a");
    }
}
