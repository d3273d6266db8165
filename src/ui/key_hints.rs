//! The key-hint footer: the keys a person needs first in the view on show, so nothing has to
//! be guessed before `?`. Where the screen is narrow, the hints give way from the middle: the
//! way to the help and the way out were the first cut off at 80 columns, and they stay.

use crate::app::AppState;
use crate::app::state::InputMode;
use crate::theme::Theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

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

pub fn render(frame: &mut Frame, area: Rect, state: &AppState, theme: &Theme) {
    // A message too long for the header's second line takes this one while it shows.
    let (text, style) = match &state.status {
        Some(msg) if !super::header::message_fits(state, usize::from(area.width)) => (
            format!(" {}", msg.text),
            match msg.error {
                true => theme.status_error,
                false => theme.status_ok,
            },
        ),
        _ => (hints(state, usize::from(area.width)), theme.muted),
    };
    let text = super::table::fit(&text, area.width);
    frame.render_widget(
        Paragraph::new(Line::from(Span::styled(text, style))).style(theme.base),
        area,
    );
}
