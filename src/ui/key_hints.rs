//! The key-hint footer: the keys a person needs first in the view on show, so nothing has to
//! be guessed before `?`. Where the screen is narrow, the hints give way from the middle: the
//! way to the help and the way out were the first cut off at 80 columns, and they stay.

use crate::app::AppState;
use crate::app::state::InputMode;
use crate::theme::Theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

/// Shown last and never dropped.
const ALWAYS: [&str; 2] = ["? help", "q quit"];

/// The hints for the view and mode on show, most needed first, and whether [`ALWAYS`] follows.
fn hint_list(state: &AppState) -> (Vec<String>, bool) {
    let owned = |hints: &[&str]| hints.iter().map(|h| (*h).to_string()).collect::<Vec<_>>();
    if state.nodes_view.is_some() {
        return (
            owned(&["↑↓ move", "Enter its pods", "s sort", "Esc back"]),
            true,
        );
    }
    match state.input {
        InputMode::Filter(_) => (owned(&["Enter keeps the filter", "Esc clears it"]), false),
        InputMode::Command(_) => (owned(&["Enter runs the command", "Esc cancels"]), false),
        InputMode::Normal if state.marked.is_empty() => (
            owned(&[
                "e edit",
                "Space mark",
                "/ filter",
                "s sort",
                "p per pod",
                "d details",
                "N nodes",
                ": command",
            ]),
            true,
        ),
        InputMode::Normal => {
            let mut hints = vec![format!("e edit the {} marked", state.marked.len())];
            hints.extend(owned(&[
                "R right-size them",
                "Space mark",
                "Esc clear marks",
            ]));
            (hints, true)
        }
    }
}

/// The footer's text in `width` columns: the view's hints, as many as fit after the first,
/// then the help and quit keys.
pub fn hints(state: &AppState, width: usize) -> String {
    let (mut hints, always) = hint_list(state);
    let join = |hints: &[String]| {
        let mut all: Vec<&str> = hints.iter().map(String::as_str).collect();
        if always {
            all.extend(ALWAYS);
        }
        format!(" {}", all.join(" · "))
    };
    while hints.len() > 1 && Span::raw(join(&hints)).width() > width {
        hints.pop();
    }
    join(&hints)
}

/// Most rows a status message takes in the footer; the table keeps the rest.
const MESSAGE_ROWS: u16 = 3;

/// A status message too long for the header's second line: the footer shows it instead of
/// the hints while it lasts.
fn footer_message(state: &AppState, width: u16) -> Option<&crate::app::state::StatusMessage> {
    (state.status.as_ref()).filter(|_| !super::header::message_fits(state, usize::from(width)))
}

/// Rows the footer takes in `width` columns: one for the hints, or as many as its message
/// needs word-wrapped (up to [`MESSAGE_ROWS`]), so a reason reads whole, not cut mid-word.
pub fn rows(state: &AppState, width: u16) -> u16 {
    footer_message(state, width).map_or(1, |msg| {
        let line = Line::from(format!(" {}", msg.text));
        super::popup::rows(&[line], width).clamp(1, MESSAGE_ROWS)
    })
}

pub fn render(frame: &mut Frame, area: Rect, state: &AppState, theme: &Theme) {
    if let Some(msg) = footer_message(state, area.width) {
        let style = match msg.error {
            true => theme.status_error,
            false => theme.status_ok,
        };
        let text = Line::from(Span::styled(format!(" {}", msg.text), style));
        frame.render_widget(
            Paragraph::new(text)
                .wrap(Wrap { trim: false })
                .style(theme.base),
            area,
        );
        return;
    }
    let text = super::table::fit(&hints(state, usize::from(area.width)), area.width);
    frame.render_widget(
        Paragraph::new(Line::from(Span::styled(text, theme.muted))).style(theme.base),
        area,
    );
}
