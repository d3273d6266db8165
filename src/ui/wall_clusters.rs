//! The wall's per-cluster lines (issue #15): with more than one cluster on show, each gets a
//! line with its pods, resizes in progress, Deferred, Infeasible and errors, and whether its
//! data is live or stale (and for how long), so one cluster down is seen without hiding the rest.

use super::cells::state_style;
use crate::app::AppState;
use crate::app::clusters::{ClusterCounts, ClusterStatus, counts};
use crate::model::ResizeState;
use crate::model::ground::time::format_age;
use crate::model::pods::events::Connection;
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

/// How fresh one cluster's rows are, short (live, listing, connecting, stale for how long),
/// and why when stale.
pub fn freshness(cluster: &ClusterStatus, now: DateTime<Utc>) -> (String, Option<String>) {
    match &cluster.connection {
        Connection::Reconnecting {
            attempt,
            error,
            since,
        } => (
            format!("✗ STALE {}", format_age(now - *since)),
            Some(format!("reconnecting (attempt {attempt}): {error}")),
        ),
        _ if cluster.loading.is_some() => ("◌ listing".into(), None),
        Connection::Connecting => ("◌ connecting".into(), None),
        Connection::Connected => ("● live".into(), None),
    }
}

/// Width of the short freshness cell: `✗ STALE 59m59s`.
const FRESH_WIDTH: usize = 14;
/// Width of each count and of its title (`‖ DEFER`): five fit beside the rest in 80 columns.
const COUNT_WIDTH: usize = 8;

fn cell(text: String, width: usize) -> String {
    let fitted = super::table::fit(&text, u16::try_from(width).unwrap_or(u16::MAX));
    format!("{fitted:<width$} ")
}

/// The cells' widths: names and versions as long as the longest (versions to `version
/// unknown`), so the freshness and the counts fit in 80 columns.
struct Widths {
    name: usize,
    version: usize,
}

fn line<'a>(
    name: &str,
    version: &str,
    figures: &ClusterCounts,
    fresh: (String, Option<String>),
    widths: &Widths,
    theme: &Theme,
) -> Line<'a> {
    // Only the figure takes the state's colour, not the padding before it.
    let count = |n: usize, style: Style| {
        let text = crate::model::decide::recommend::thousands(n as u64);
        let pad = " ".repeat(COUNT_WIDTH.saturating_sub(text.chars().count()));
        [
            Span::raw(pad),
            Span::styled(text, if n > 0 { style } else { theme.muted }),
            Span::raw(" "),
        ]
    };
    let (short, reason) = fresh;
    let fresh_style = match reason {
        Some(_) => theme.stale_warning,
        None => theme.status_ok,
    };
    let mut spans = vec![
        Span::styled(format!(" {}", cell(name.into(), widths.name)), theme.title),
        Span::styled(cell(version.into(), widths.version), theme.muted),
        Span::styled(cell(short, FRESH_WIDTH), fresh_style),
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
    if let Some(reason) = reason {
        spans.push(Span::styled(format!(" {reason}"), theme.stale_warning));
    }
    Line::from(spans)
}

pub fn render(frame: &mut Frame, area: Rect, state: &AppState, now: DateTime<Utc>, theme: &Theme) {
    if area.height == 0 {
        return;
    }
    let longest = |f: fn(&ClusterStatus) -> &str| {
        (state.clusters.iter())
            .map(|c| f(c).chars().count())
            .max()
            .unwrap_or(0)
    };
    let widths = Widths {
        name: longest(|c| &c.header.context).clamp(7, 28),
        version: longest(|c| &c.header.server_version).clamp(7, 15),
    };
    let title = format!(
        " {}{}{}{:>w$} {:>w$} {:>w$} {:>w$} {:>w$}",
        cell("CLUSTER".into(), widths.name),
        cell("VERSION".into(), widths.version),
        cell("DATA".into(), FRESH_WIDTH),
        "PODS",
        "↻ PROG",
        "‖ DEFER",
        "✗ INFEAS",
        "‼ ERRORS",
        w = COUNT_WIDTH
    );
    let mut lines = vec![Line::from(Span::styled(title, theme.muted))];
    for (cluster, figures) in state.clusters.iter().zip(counts(state)) {
        lines.push(line(
            &cluster.header.context,
            &cluster.header.server_version,
            &figures,
            freshness(cluster, now),
            &widths,
            theme,
        ));
    }
    frame.render_widget(Paragraph::new(lines).style(theme.base), area);
}
