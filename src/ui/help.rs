//! Help popup, generated from the keymap so it never disagrees with it.

use crate::app::keymap::BINDINGS;
use crate::theme::Theme;
use ratatui::Frame;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

pub fn render(frame: &mut Frame, area: Rect, theme: &Theme) {
    let mut lines: Vec<Line> = BINDINGS
        .iter()
        .map(|b| {
            Line::from(vec![
                Span::styled(format!("{:>14}  ", b.keys), theme.accent),
                Span::raw(b.help),
            ])
        })
        .collect();
    lines.push(Line::from(""));
    lines.push(Line::from(Span::styled(
        "columns: spec = desired · alloc = allocated by the kubelet · actual = applied by the runtime",
        theme.muted,
    )));
    lines.push(Line::from(Span::styled(
        "any key closes this help",
        theme.muted,
    )));
    let height = u16::try_from(lines.len() + 2).unwrap_or(u16::MAX);
    let [vertical] = Layout::vertical([Constraint::Length(height)])
        .flex(Flex::Center)
        .areas(area);
    let [popup] = Layout::horizontal([Constraint::Max(100)])
        .flex(Flex::Center)
        .areas(vertical);
    frame.render_widget(Clear, popup);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border)
        .title(Span::styled(" keys ", theme.title))
        .style(theme.popup);
    frame.render_widget(Paragraph::new(lines).block(block), popup);
}
