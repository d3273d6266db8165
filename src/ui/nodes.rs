//! The node view and the make-room overlay. Both only read state.

use crate::app::AppState;
use crate::app::nodes_make_room::overlay_text;
use crate::model::decide::make_room::Outcome;
use crate::model::decide::node_room::NodeRoom;
use crate::model::ground::figures::{cpu_figure, memory_figure};
use crate::theme::Theme;
use ratatui::Frame;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

const BAR: usize = 12;

/// `███░░░` for `part` of `all`.
fn bar(part: Option<i64>, all: Option<i64>) -> String {
    let filled = match (part, all) {
        (Some(p), Some(a)) if a > 0 => {
            let cells = (p.max(0) as u128 * BAR as u128).div_ceil(a as u128);
            (cells as usize).min(BAR)
        }
        _ => 0,
    };
    format!("{}{}", "█".repeat(filled), "░".repeat(BAR - filled))
}

pub(super) fn cpu(v: Option<i64>) -> String {
    v.map_or("-".into(), cpu_figure)
}

pub(super) fn mem(v: Option<i64>) -> String {
    v.map_or("-".into(), memory_figure)
}

fn room_line<'a>(r: &NodeRoom, selected: bool, theme: &Theme) -> Line<'a> {
    let style = if selected {
        theme.selected
    } else {
        Style::default()
    };
    let full = |free: Option<i64>| free.is_some_and(|f| f < 0);
    let bar_style = |free| {
        if full(free) {
            theme.resize_deferred
        } else {
            theme.accent
        }
    };
    let m = r.pending_missing();
    let pending = match r.pending.len() {
        0 => "-".to_string(),
        n => format!(
            "{n} waiting, missing cpu {} mem {}",
            cpu(m.cpu_millis),
            mem(m.memory_bytes)
        ),
    };
    let usage = r.usage.map_or("-".to_string(), |u| {
        format!("{}/{}", cpu(u.cpu_millis), mem(u.memory_bytes))
    });
    Line::from(vec![
        Span::styled(format!("{:<20} ", r.name), style),
        Span::styled(
            bar(r.requested.cpu_millis, r.allocatable.cpu_millis),
            bar_style(r.free.cpu_millis),
        ),
        Span::styled(
            format!(
                " {:>7}/{:<7} free {:>7} ",
                cpu(r.requested.cpu_millis),
                cpu(r.allocatable.cpu_millis),
                cpu(r.free.cpu_millis)
            ),
            style,
        ),
        Span::styled(
            bar(r.requested.memory_bytes, r.allocatable.memory_bytes),
            bar_style(r.free.memory_bytes),
        ),
        Span::styled(
            format!(
                " {:>8}/{:<8} free {:>8} ",
                mem(r.requested.memory_bytes),
                mem(r.allocatable.memory_bytes),
                mem(r.free.memory_bytes)
            ),
            style,
        ),
        Span::styled(format!("{:>4} pods  used {:<16} ", r.pods, usage), style),
        Span::styled(
            pending,
            if r.pending.is_empty() {
                theme.muted
            } else {
                theme.resize_deferred
            },
        ),
    ])
}

/// The node view in the table's place.
pub fn render(frame: &mut Frame, area: Rect, state: &AppState, theme: &Theme) {
    let Some(view) = &state.nodes_view else {
        return;
    };
    let rooms = &view.rooms;
    let inner = usize::from(area.width.saturating_sub(2));
    let compact = inner < super::nodes_compact::FULL_WIDTH;
    let narrow = inner < super::nodes_compact::NARROW_WIDTH;
    // Widths follow `room_line`: name 21, bar 12, cpu figures 30, bar 12, memory figures 33.
    let heading = Line::from(Span::styled(
        format!(
            "{:<21}{:<12}{:<30}{:<12}{:<33}{:<32}DEFERRED",
            "NODE",
            "CPU",
            " requested/allocatable",
            "MEMORY",
            " requested/allocatable",
            " PODS  USAGE"
        ),
        theme.column_header,
    ));
    let heading = if compact {
        super::nodes_compact::heading(narrow, theme)
    } else {
        heading
    };
    let visible = usize::from(area.height.saturating_sub(3)).max(1);
    let first = view.selected.saturating_sub(visible - 1);
    let mut lines = vec![heading];
    lines.extend(
        rooms
            .iter()
            .enumerate()
            .skip(first)
            .take(visible)
            .map(|(i, r)| {
                if compact {
                    super::nodes_compact::line(r, i == view.selected, narrow, theme)
                } else {
                    room_line(r, i == view.selected, theme)
                }
            }),
    );
    let title = format!(
        " nodes ({}) · sorted by {} · s sort · Enter pods on node · Esc back ",
        rooms.len(),
        view.sort.label()
    );
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border)
        .title(Span::styled(title, theme.title));
    frame.render_widget(Paragraph::new(lines).block(block), area);
}

/// The make-room plan over the table.
pub fn render_make_room(frame: &mut Frame, area: Rect, state: &AppState, theme: &Theme) {
    let Some(overlay) = &state.make_room else {
        return;
    };
    let mut lines: Vec<Line> = match overlay_text(&overlay.outcome) {
        Ok(plan) => plan.into_iter().map(Line::from).collect(),
        Err(no_plan) => vec![Line::from(Span::styled(no_plan, theme.status_error))],
    };
    let footer = match (&overlay.outcome, overlay.sent, &overlay.result) {
        (_, _, Some((text, error))) => {
            lines.push(Line::from(Span::styled(
                text.clone(),
                if *error {
                    theme.status_error
                } else {
                    theme.status_ok
                },
            )));
            " Esc closes "
        }
        (Outcome::Plan(_), true, None) => " sending: dry run of every shrink first… ",
        (Outcome::Plan(_), false, None) => {
            " Enter/y sends the batch (dry run first) · Esc/n closes "
        }
        (Outcome::NoPlan(_), _, None) => " Esc closes ",
    };
    let width = area.width.min(110);
    let inner = width.saturating_sub(2).max(1);
    // Counted as the paragraph wraps them, by words: counted by characters, the last words
    // of a sentence fell below the border.
    let height = super::popup::rows(&lines, inner)
        .saturating_add(2)
        .min(area.height);
    let lines = super::popup::cut_to(lines, inner, height.saturating_sub(2), theme.muted);
    let [vertical] = Layout::vertical([Constraint::Length(height)])
        .flex(Flex::Center)
        .areas(area);
    let [popup] = Layout::horizontal([Constraint::Length(width)])
        .flex(Flex::Center)
        .areas(vertical);
    frame.render_widget(Clear, popup);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border)
        .title(Span::styled(" make room ", theme.title))
        .title_bottom(Span::styled(footer, theme.muted))
        .style(theme.popup);
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(Wrap { trim: false }),
        popup,
    );
}
