//! Widgets that only read `&AppState`. Nothing here changes state or does I/O.

pub mod boost;
mod boost_form;
pub mod cells;
pub mod columns;
mod details;
mod editor;
mod editor_batch;
mod header;
mod header_fit;
pub mod help;
mod key_hints;
mod nodes;
mod nodes_compact;
mod popup;
pub mod table;
pub mod wall;
pub mod wall_clusters;

use crate::app::AppState;
use crate::theme::Theme;
use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout};

/// Rows of table content for a terminal of `height` lines (header, pane, borders and the
/// key-hint footer removed).
pub fn table_rows(height: u16, show_details: bool) -> usize {
    let details = if show_details { height / 3 } else { 0 };
    usize::from(height.saturating_sub(2 + details + 3 + 1))
}

/// Draws the whole screen.
pub fn draw(frame: &mut Frame, state: &AppState, now: DateTime<Utc>, theme: &Theme) {
    if state.wall.is_some() {
        return wall::draw(frame, state, now, theme);
    }
    let area = frame.area();
    frame.render_widget(ratatui::widgets::Block::default().style(theme.base), area);
    let details_height = if state.show_details {
        area.height / 3
    } else {
        0
    };
    let [head, body, details, hints] = Layout::vertical([
        Constraint::Length(2),
        Constraint::Min(0),
        Constraint::Length(details_height),
        Constraint::Length(key_hints::rows(state, area.width)),
    ])
    .areas(area);
    key_hints::render(frame, hints, state, theme);
    header::render(frame, head, state, now, theme);
    if state.nodes_view.is_some() {
        nodes::render(frame, body, state, theme);
    } else {
        table::render(frame, body, state, now, theme);
    }
    if state.show_details {
        details::render(frame, details, state, theme);
    }
    if state.editor.is_some() {
        editor::render(frame, area, state, theme);
    }
    if state.boost_form.is_some() {
        boost_form::render(frame, area, state, now, theme);
    }
    if state.make_room.is_some() {
        nodes::render_make_room(frame, area, state, theme);
    }
    if state.show_help {
        help::render(frame, area, state, theme);
    }
}
