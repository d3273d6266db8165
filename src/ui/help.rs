//! Help popup, printed from the keymap's tables so it lists exactly what dispatch does. Where
//! the screen is too short for it, it scrolls and its border says how. A description too long
//! for the popup continues under itself, not under the keys, where its words (`x2 CPU…`)
//! read as keys.

use crate::app::AppState;
use crate::app::help_view::{HelpEnds, HelpLine, help_lines};
use crate::theme::Theme;
use ratatui::Frame;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

const WIDTH: u16 = 100;
/// Columns of the keys before a description.
const KEYS: usize = 16;

/// The spans word-wrapped to `width` columns, each row after the first indented by `indent`.
fn wrap(spans: Vec<Span<'static>>, width: usize, indent: usize) -> Vec<Line<'static>> {
    let mut rows: Vec<Vec<Span<'static>>> = vec![Vec::new()];
    let mut used = 0;
    for span in spans {
        let style: Style = span.style;
        // Each word keeps the space after it, so rows join as they were written.
        for word in span.content.split_inclusive(' ') {
            let mut word = word.to_string();
            let seen = Span::raw(word.trim_end()).width();
            if used > indent && used + seen > width {
                rows.push(vec![Span::raw(" ".repeat(indent))]);
                used = indent;
            }
            // A word longer than a whole row is broken.
            while used + Span::raw(word.trim_end()).width() > width && word.chars().count() > 1 {
                let room = width.saturating_sub(used).max(1);
                let head: String = word.chars().take(room).collect();
                word = word.chars().skip(room).collect();
                if let Some(row) = rows.last_mut() {
                    row.push(Span::styled(head, style));
                }
                rows.push(vec![Span::raw(" ".repeat(indent))]);
                used = indent;
            }
            used += Span::raw(word.as_str()).width();
            if let Some(row) = rows.last_mut() {
                row.push(Span::styled(word, style));
            }
        }
    }
    rows.into_iter().map(Line::from).collect()
}

/// One line of help as the rows it takes in `width` columns: a key's description continues
/// under itself, another mode's line two columns in.
fn rows(help: HelpLine, width: usize, theme: &Theme) -> Vec<Line<'static>> {
    let indent = match help {
        HelpLine::Key { .. } => KEYS,
        _ => 2,
    };
    wrap(line(help, theme).spans, width, indent)
}

fn line(help: HelpLine, theme: &Theme) -> Line<'static> {
    match help {
        // The mode's own keys get a line each; other modes, a line per mode.
        HelpLine::Key { keys, help } => Line::from(vec![
            Span::styled(format!("{keys:>w$}  ", w = KEYS - 2), theme.accent),
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

/// Each help line as the rows it takes in a popup on `area`, and the popup's height.
fn laid_out(wall: bool, area: Rect, theme: &Theme) -> (Vec<Vec<Line<'static>>>, u16) {
    let inner = usize::from(WIDTH.min(area.width).saturating_sub(2)).max(1);
    let all: Vec<Vec<Line>> = help_lines(wall)
        .into_iter()
        .map(|l| rows(l, inner, theme))
        .collect();
    let total: usize = all.iter().map(Vec::len).sum();
    let height = u16::try_from(total + 2)
        .unwrap_or(u16::MAX)
        .min(area.height);
    (all, height)
}

/// The first line on show when the last one is at the popup's foot: scrolled further, the
/// popup would show less than it has room for.
fn last_page(all: &[Vec<Line>], height: u16) -> usize {
    let room = usize::from(height.saturating_sub(2));
    let mut last_page = all.len();
    let mut rows_below = 0;
    while last_page > 0 && rows_below + all[last_page - 1].len() <= room {
        last_page -= 1;
        rows_below += all[last_page].len();
    }
    last_page
}

/// How far help scrolls on a terminal of `width`×`height`, for the app to clamp its scroll
/// to (it cannot know how the lines wrap).
pub fn ends(width: u16, height: u16) -> HelpEnds {
    let area = Rect::new(0, 0, width, height);
    let end = |wall| {
        let (all, height) = laid_out(wall, area, &Theme::default());
        last_page(&all, height)
    };
    HelpEnds {
        table: end(false),
        wall: end(true),
    }
}

pub fn render(frame: &mut Frame, area: Rect, state: &AppState, theme: &Theme) {
    let (all, height) = laid_out(state.wall.is_some(), area, theme);
    let room = usize::from(height.saturating_sub(2));
    let above = state.help_scroll.min(last_page(&all, height));
    let lines: Vec<Line> = all.into_iter().skip(above).flatten().collect();
    let below = lines.len() > room;
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
    let text = Paragraph::new(lines).block(block);
    frame.render_widget(text, popup);
}
