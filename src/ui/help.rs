//! Help popup, printed from the keymap's tables so it lists exactly what dispatch does. Where
//! the screen is too short for it, it scrolls and its border says how.

use crate::app::AppState;
use crate::app::help_view::{HelpLine, help_lines};
use crate::theme::Theme;
use ratatui::Frame;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

const WIDTH: u16 = 100;

fn line<'a>(help: HelpLine, theme: &Theme) -> Line<'a> {
    match help {
        // The mode's own keys get a line each; other modes, a line per mode.
        HelpLine::Key { keys, help } => Line::from(vec![
            Span::styled(format!("{keys:>14}  "), theme.accent),
            Span::raw(help),
        ]),
        HelpLine::Blank => Line::from(""),
        HelpLine::Mode { name, rows } => {
            let mut spans = vec![Span::styled(format!("{name}: "), theme.title)];
            for (i, (keys, help)) in rows.into_iter().enumerate() {
                if i > 0 {
                    spans.push(Span::styled(" · ", theme.muted));
                }
                spans.push(Span::styled(keys, theme.accent));
                spans.push(Span::raw(format!(" {help}")));
            }
            Line::from(spans)
        }
        HelpLine::Note(text) => Line::from(Span::styled(text, theme.muted)),
    }
}

pub fn render(frame: &mut Frame, area: Rect, state: &AppState, theme: &Theme) {
    let all: Vec<Line> = help_lines(state.wall.is_some())
        .into_iter()
        .map(|l| line(l, theme))
        .collect();
    let inner = usize::from(WIDTH.min(area.width).saturating_sub(2)).max(1);
    let rows_of = |l: &Line| l.width().div_ceil(inner).max(1);
    let total: usize = all.iter().map(rows_of).sum();
    let height = u16::try_from(total + 2)
        .unwrap_or(u16::MAX)
        .min(area.height);
    let room = usize::from(height.saturating_sub(2));
    let above = state.help_scroll.min(all.len().saturating_sub(1));
    let lines: Vec<Line> = all.into_iter().skip(above).collect();
    let below = lines.iter().map(rows_of).sum::<usize>() > room;
    let [vertical] = Layout::vertical([Constraint::Length(height)])
        .flex(Flex::Center)
        .areas(area);
    let [popup] = Layout::horizontal([Constraint::Max(WIDTH)])
        .flex(Flex::Center)
        .areas(vertical);
    frame.render_widget(Clear, popup);
    // The way out and the way on stay on the border, visible when the list is cut short.
    let how = match (above > 0, below) {
        (false, false) => " any key closes this help ".to_string(),
        (false, true) => " ↓ j / PgDn: more · any other key closes ".to_string(),
        (true, true) => " ↓ j / ↑ k: more · any other key closes ".to_string(),
        (true, false) => " ↑ k / g: back up · any other key closes ".to_string(),
    };
    let mut block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border)
        .title(Span::styled(" keys ", theme.title))
        .title_bottom(Span::styled(how, theme.muted))
        .style(theme.popup);
    if above > 0 {
        block = block.title(Span::styled(
            format!(" ↑ {above} lines above "),
            theme.muted,
        ));
    }
    let text = Paragraph::new(lines)
        .block(block)
        .wrap(Wrap { trim: false });
    frame.render_widget(text, popup);
}
