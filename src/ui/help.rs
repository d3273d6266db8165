//! Help popup, printed from the keymap's tables so it lists exactly what dispatch does.

use crate::app::keymap::help_sections;
use crate::theme::Theme;
use ratatui::Frame;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

const WIDTH: u16 = 100;

pub fn render(frame: &mut Frame, area: Rect, theme: &Theme) {
    let mut sections = help_sections().into_iter();
    let mut lines: Vec<Line> = Vec::new();
    // The table view's keys get a line each; other modes, a line per mode, to fit 80×24.
    if let Some((_, rows)) = sections.next() {
        for (keys, help) in rows {
            lines.push(Line::from(vec![
                Span::styled(format!("{keys:>14}  "), theme.accent),
                Span::raw(help),
            ]));
        }
    }
    lines.push(Line::from(""));
    for (mode, rows) in sections {
        let mut spans = vec![Span::styled(format!("{mode}: "), theme.title)];
        for (i, (keys, help)) in rows.into_iter().enumerate() {
            if i > 0 {
                spans.push(Span::styled(" · ", theme.muted));
            }
            spans.push(Span::styled(keys, theme.accent));
            spans.push(Span::raw(format!(" {help}")));
        }
        lines.push(Line::from(spans));
    }
    lines.push(Line::from(Span::styled(
        "columns: spec = desired · alloc = allocated by the kubelet · actual = applied by the runtime",
        theme.muted,
    )));
    let inner = usize::from(WIDTH.min(area.width).saturating_sub(2)).max(1);
    let rows: usize = lines.iter().map(|l| l.width().div_ceil(inner).max(1)).sum();
    let height = u16::try_from(rows + 2).unwrap_or(u16::MAX);
    let [vertical] = Layout::vertical([Constraint::Length(height)])
        .flex(Flex::Center)
        .areas(area);
    let [popup] = Layout::horizontal([Constraint::Max(WIDTH)])
        .flex(Flex::Center)
        .areas(vertical);
    frame.render_widget(Clear, popup);
    // The way out stays on the border, visible even when the list is cut short.
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border)
        .title(Span::styled(" keys ", theme.title))
        .title_bottom(Span::styled(" any key closes this help ", theme.muted))
        .style(theme.popup);
    let text = Paragraph::new(lines)
        .block(block)
        .wrap(Wrap { trim: false });
    frame.render_widget(text, popup);
}
