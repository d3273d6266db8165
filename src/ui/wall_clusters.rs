//! The wall's per-cluster lines (issue #15): with more than one cluster on show, each gets a
//! line with its pods, resizes in progress, Deferred, Infeasible and errors, and whether its
//! data is live or stale (and for how long), so one cluster down is seen without hiding the rest.

use super::cells::state_style;
use crate::app::AppState;
use crate::app::clusters::{ClusterCounts, ClusterStatus, counts};
use crate::model::ResizeState;
use crate::model::events::Connection;
use crate::model::time::format_age;
use crate::theme::Theme;
use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

/// Lines the panel takes: a title line and one per cluster; none with one cluster.
pub fn height(state: &AppState) -> u16 {
    if state.several_clusters() {
        u16::try_from(state.clusters.len() + 1).unwrap_or(u16::MAX)
    } else {
        0
    }
}

/// How fresh one cluster's rows are: live, listing, connecting, or stale since when.
pub fn freshness(cluster: &ClusterStatus, now: DateTime<Utc>) -> (String, bool) {
    match &cluster.connection {
        Connection::Reconnecting {
            attempt,
            error,
            since,
        } => (
            format!(
                "✗ STALE {} · reconnecting (attempt {attempt}): {error}",
                format_age(now - *since)
            ),
            true,
        ),
        _ if cluster.loading.is_some() => ("◌ listing".into(), false),
        Connection::Connecting => ("◌ connecting".into(), false),
        Connection::Connected => ("● live".into(), false),
    }
}

fn cell(text: String, width: usize) -> String {
    let fitted = super::table::fit(&text, u16::try_from(width).unwrap_or(u16::MAX));
    format!("{fitted:<width$} ")
}

fn line<'a>(
    name: &str,
    version: &str,
    figures: &ClusterCounts,
    fresh: (String, bool),
    name_width: usize,
    theme: &Theme,
) -> Line<'a> {
    // Only the figure takes the state's colour, not the padding before it.
    let count = |n: usize, style: Style| {
        let text = crate::model::recommend::thousands(n as u64);
        let pad = " ".repeat(11usize.saturating_sub(text.chars().count()));
        [
            Span::raw(pad),
            Span::styled(text, if n > 0 { style } else { theme.muted }),
            Span::raw(" "),
        ]
    };
    let (text, stale) = fresh;
    let mut spans = vec![
        Span::styled(format!(" {}", cell(name.into(), name_width)), theme.title),
        Span::styled(cell(version.into(), 15), theme.muted),
    ];
    let style = |s: ResizeState| state_style(&s, theme);
    spans.extend(count(figures.pods, theme.title));
    spans.extend(count(figures.in_progress, style(ResizeState::InProgress)));
    spans.extend(count(
        figures.deferred,
        style(ResizeState::Deferred(String::new())),
    ));
    spans.extend(count(
        figures.infeasible,
        style(ResizeState::Infeasible(String::new())),
    ));
    spans.extend(count(
        figures.errors,
        style(ResizeState::Error(String::new())),
    ));
    spans.push(Span::styled(
        format!(" {text}"),
        if stale {
            theme.stale_warning
        } else {
            theme.status_ok
        },
    ));
    Line::from(spans)
}

pub fn render(frame: &mut Frame, area: Rect, state: &AppState, now: DateTime<Utc>, theme: &Theme) {
    if area.height == 0 {
        return;
    }
    let name_width = (state.clusters.iter())
        .map(|c| c.header.context.chars().count())
        .max()
        .unwrap_or(7)
        .clamp(7, 28);
    let title = format!(
        " {}{:<15} {:>11} {:>11} {:>11} {:>11} {:>11}  DATA",
        cell("CLUSTER".into(), name_width),
        "VERSION",
        "PODS",
        "↻ IN PROG",
        "‖ DEFERRED",
        "✗ INFEAS",
        "‼ ERRORS"
    );
    let mut lines = vec![Line::from(Span::styled(title, theme.muted))];
    for (cluster, figures) in state.clusters.iter().zip(counts(state)) {
        lines.push(line(
            &cluster.header.context,
            &cluster.header.server_version,
            &figures,
            freshness(cluster, now),
            name_width,
            theme,
        ));
    }
    frame.render_widget(Paragraph::new(lines).style(theme.base), area);
}
