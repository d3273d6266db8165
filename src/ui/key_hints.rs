//! The key-hint footer: the keys a person needs first in the view on show, so nothing has to
//! be guessed before `?`. Cut at the screen's edge; the help lists the rest.

use crate::app::AppState;
use crate::app::state::InputMode;
use crate::theme::Theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

/// The hints for the view and mode on show, most needed first.
pub fn hints(state: &AppState) -> String {
    if state.nodes_view.is_some() {
        return " ↑↓ move · Enter its pods · s sort · Esc back · ? help · q quit".into();
    }
    match state.input {
        InputMode::Filter(_) => " Enter keeps the filter · Esc clears it".into(),
        InputMode::Command(_) => " Enter runs the command · Esc cancels".into(),
        InputMode::Normal if state.marked.is_empty() => {
            " e edit · Space mark · / filter · s sort · p per pod · d details · N nodes · : command · ? help · q quit"
                .into()
        }
        InputMode::Normal => format!(
            " e edit the {} marked · R right-size them · Space mark · Esc clear marks · ? help · q quit",
            state.marked.len()
        ),
    }
}

pub fn render(frame: &mut Frame, area: Rect, state: &AppState, theme: &Theme) {
    let text = super::table::fit(&hints(state), area.width);
    frame.render_widget(
        Paragraph::new(Line::from(Span::styled(text, theme.muted))).style(theme.base),
        area,
    );
}
