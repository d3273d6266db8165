//! The wall-display layout: a large header with a clock, prominent counters, a staleness
//! banner while disconnected, and the table paging by itself with a page indicator.

use super::cells::state_style;
use crate::app::AppState;
use crate::model::ResizeState;
use crate::model::ground::time::format_age;
use crate::model::pods::events::Connection;
use crate::theme::Theme;
use chrono::{DateTime, Local, Utc};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

fn header(frame: &mut Frame, area: Rect, state: &AppState, now: DateTime<Utc>, theme: &Theme) {
    let scope = match state.wall.as_ref().and_then(|w| w.namespace.as_deref()) {
        Some(ns) => format!("namespace {ns} (rotating)"),
        None => state.scope.describe(),
    };
    // Minutes only: a wall display should not redraw every second to show the time.
    let clock = now.with_timezone(&Local).format("%H:%M").to_string();
    let left = match state.clusters.as_slice() {
        [one] => format!(
            " PODSIZE · {} · {} · {} ",
            one.header.context, scope, one.header.server_version
        ),
        several => format!(" PODSIZE · {} clusters · {scope} ", several.len()),
    };
    let pad = usize::from(area.width).saturating_sub(left.chars().count() + clock.len() + 2);
    let line = Line::from(vec![
        Span::styled(left, theme.header),
        Span::styled(" ".repeat(pad), theme.header),
        Span::styled(format!(" {clock} "), theme.header),
    ]);
    let block = Block::default()
        .borders(Borders::BOTTOM)
        .border_style(theme.border);
    frame.render_widget(
        Paragraph::new(vec![
            line,
            Line::from(Span::styled(" READ-ONLY", theme.readonly_banner)),
        ])
        .block(block),
        area,
    );
}

fn counters(frame: &mut Frame, area: Rect, state: &AppState, theme: &Theme) {
    let counts = state.state_counts();
    let n = |name: &str| counts.get(name).copied().unwrap_or(0);
    let in_flight = n("InProgress") + n("Submitted") + n("Proposed");
    // Each label with a shorter form for a tile too narrow for it (at 60 columns).
    let boxes = [
        (["PODS", "PODS"], state.pods.len(), theme.title),
        (
            ["↻ IN PROGRESS", "↻ PROG"],
            in_flight,
            state_style(&ResizeState::InProgress, theme),
        ),
        (
            ["‖ DEFERRED", "‖ DEFER"],
            n("Deferred"),
            state_style(&ResizeState::Deferred(String::new()), theme),
        ),
        (
            ["✗ INFEASIBLE", "✗ INFEAS"],
            n("Infeasible"),
            state_style(&ResizeState::Infeasible(String::new()), theme),
        ),
        (
            ["‼ ERRORS", "‼ ERRORS"],
            n("Error"),
            state_style(&ResizeState::Error(String::new()), theme),
        ),
    ];
    let areas = Layout::horizontal([Constraint::Ratio(1, 5); 5]).split(area);
    for (([long, short], count, style), cell) in boxes.into_iter().zip(areas.iter()) {
        let inner = usize::from(cell.width.saturating_sub(2));
        let label = if long.chars().count() <= inner {
            long
        } else {
            short
        };
        let text = vec![
            Line::from(Span::styled(format!("{count}"), style)),
            Line::from(Span::styled(label, theme.muted)),
        ];
        let block = Block::default()
            .borders(Borders::ALL)
            .border_style(theme.border);
        frame.render_widget(Paragraph::new(text).block(block).centered(), *cell);
    }
}

/// The stale-data banner text, when a watch is disconnected: with several clusters, which
/// ones (their lines above say why) and whether any other is live.
pub fn stale_text(state: &AppState, now: DateTime<Utc>) -> Option<String> {
    if let [one] = state.clusters.as_slice() {
        return match &one.connection {
            Connection::Reconnecting {
                attempt,
                error,
                since,
            } => Some(format!(
                " ⚠ DATA STALE FOR {} — reconnecting (attempt {attempt}): {} ",
                format_age(now - *since),
                super::wall_clusters::readable_reason(error)
            )),
            _ => None,
        };
    }
    let stale: Vec<String> = (state.clusters.iter())
        .filter_map(|c| match &c.connection {
            Connection::Reconnecting { since, .. } => Some(format!(
                "{} for {}",
                c.header.context,
                format_age(now - *since)
            )),
            _ => None,
        })
        .collect();
    // Said of the clusters as they are: none may be live.
    let rest = match stale.len() {
        0 => return None,
        n if n == state.clusters.len() => "no cluster is live",
        _ => "rows as last seen; the other clusters are live",
    };
    Some(format!(" ⚠ DATA STALE: {} — {rest} ", stale.join(", ")))
}

fn footer(frame: &mut Frame, area: Rect, state: &AppState, rows: usize, theme: &Theme) {
    let Some(wall) = &state.wall else { return };
    let pages = state.visible().len().div_ceil(rows.max(1)).max(1);
    let mut spans = vec![Span::styled(
        format!(
            " page {}/{pages} · {} rows ",
            wall.page + 1,
            state.visible().len()
        ),
        theme.accent,
    )];
    if let Some(status) = &state.status {
        spans.push(Span::styled(
            status.text.clone(),
            if status.error {
                theme.status_error
            } else {
                theme.status_ok
            },
        ));
    }
    let keys = if wall.no_input {
        "  Ctrl-C quits"
    } else {
        "  q quits"
    };
    spans.push(Span::styled(keys, theme.muted));
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// Rows of table content on a wall display of `height` lines, with `cluster_lines` of
/// per-cluster figures.
pub fn table_rows(height: u16, stale: bool, cluster_lines: u16) -> usize {
    let banner = if stale { 1 } else { 0 };
    usize::from(height.saturating_sub(2 + 4 + banner + 1 + 3 + cluster_lines))
}

pub fn draw(frame: &mut Frame, state: &AppState, now: DateTime<Utc>, theme: &Theme) {
    let area = frame.area();
    frame.render_widget(Block::default().style(theme.base), area);
    let stale = stale_text(state, now);
    let banner_height = u16::from(stale.is_some());
    let [head, counts, clusters, banner, body, foot] = Layout::vertical([
        Constraint::Length(3),
        Constraint::Length(4),
        Constraint::Length(super::wall_clusters::height(state)),
        Constraint::Length(banner_height),
        Constraint::Min(0),
        Constraint::Length(1),
    ])
    .areas(area);
    header(frame, head, state, now, theme);
    counters(frame, counts, state, theme);
    super::wall_clusters::render(frame, clusters, state, now, theme);
    if let Some(text) = stale {
        frame.render_widget(
            Paragraph::new(Span::styled(text, theme.stale_warning)).style(theme.stale_warning),
            banner,
        );
    }
    super::table::render(frame, body, state, now, theme);
    footer(
        frame,
        foot,
        state,
        usize::from(body.height.saturating_sub(3)),
        theme,
    );
    // Over everything, the footer too.
    if state.show_help {
        super::help::render(frame, area, state, theme);
    }
}
