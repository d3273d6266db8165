//! The frame every form popup shares (resize editor, boost form): centred, at most 110 cells
//! wide, `height` rows tall (capped by the screen), cleared, bordered and titled.

use crate::theme::Theme;
use ratatui::Frame;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::text::Span;
use ratatui::widgets::{Block, Borders, Clear};

/// Widest a form popup grows.
pub const WIDTH: u16 = 110;

/// Draws the popup's frame and returns the area inside its border.
pub fn open(frame: &mut Frame, area: Rect, height: u16, title: String, theme: &Theme) -> Rect {
    let [vertical] = Layout::vertical([Constraint::Length(height.min(area.height))])
        .flex(Flex::Center)
        .areas(area);
    let [popup] = Layout::horizontal([Constraint::Max(WIDTH)])
        .flex(Flex::Center)
        .areas(vertical);
    frame.render_widget(Clear, popup);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border)
        .title(Span::styled(title, theme.title))
        .style(theme.popup);
    let inner = block.inner(popup);
    frame.render_widget(block, popup);
    inner
}
