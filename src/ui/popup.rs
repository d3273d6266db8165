//! The frame every form popup shares (resize editor, boost form): centred, at most 110 cells
//! wide, `height` rows tall (capped by the screen), cleared, bordered and titled; and the rows
//! their word-wrapped lines take, so a form can keep its keys in sight on a small screen.

use crate::theme::Theme;
use ratatui::Frame;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
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

/// Rows the lines take when word-wrapped to `width`, as the paragraph will wrap them.
pub fn rows(lines: &[Line], width: u16) -> u16 {
    let width = usize::from(width.max(1));
    let total: usize = lines
        .iter()
        .map(|line| {
            let text: String = line.spans.iter().map(|s| s.content.as_ref()).collect();
            wrapped_rows(&text, width)
        })
        .sum();
    u16::try_from(total).unwrap_or(u16::MAX)
}

/// Greedy word wrap: a word that does not fit moves to the next row, a longer one is broken.
fn wrapped_rows(text: &str, width: usize) -> usize {
    let (mut rows, mut col) = (1, 0);
    for word in text.split(' ') {
        let w = word.chars().count();
        let need = if col == 0 { w } else { col + 1 + w };
        if need <= width {
            col = need;
        } else {
            if col > 0 {
                rows += 1;
            }
            col = w;
            while col > width {
                rows += 1;
                col -= width;
            }
        }
    }
    rows
}

/// `lines` cut to `room` rows of `width` columns, the last kept row saying how many lines
/// were left out: a cut body otherwise ended mid-list with nothing to say more was there.
pub fn cut_to<'a>(lines: Vec<Line<'a>>, width: u16, room: u16, style: Style) -> Vec<Line<'a>> {
    if rows(&lines, width) <= room {
        return lines;
    }
    let total = lines.len();
    let mut kept = Vec::new();
    let mut used = 0;
    for line in lines {
        let need = rows(std::slice::from_ref(&line), width);
        // One row stays for the note.
        if used + need + 1 > room {
            break;
        }
        used += need;
        kept.push(line);
    }
    let hidden = total - kept.len();
    kept.push(Line::from(Span::styled(
        format!(
            "… {hidden} more line{} below: a taller terminal shows them",
            if hidden == 1 { "" } else { "s" }
        ),
        style,
    )));
    kept
}
