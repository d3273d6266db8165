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

/// Lines the panel takes: a title line, one per cluster and one under each stale cluster for
/// why (whole: the counts leave no room for it on the cluster's line); none with one cluster.
pub fn height(state: &AppState) -> u16 {
    if state.several_clusters() {
        let stale = (state.clusters.iter())
            .filter(|c| matches!(c.connection, Connection::Reconnecting { .. }))
            .count();
        u16::try_from(state.clusters.len() + 1 + stale).unwrap_or(u16::MAX)
    } else {
        0
    }
}

/// Wrappers of a failed watch's error that say nothing of its cause: a person reads the cause.
const WRAPPERS: [&str; 6] = [
    "failed to perform initial object list",
    "error starting watch",
    "ServiceError",
    "client error (Connect)",
    "client error (SendRequest)",
    "HyperError",
];

/// A failed watch's error as a person reads it: the kube client's wrappers dropped
/// (`failed to perform initial object list: ServiceError: client error (Connect): tcp connect
/// error: Connection refused (os error 111)` → `tcp connect error: Connection refused (os
/// error 111)`), the cause kept whole.
pub fn readable_reason(error: &str) -> String {
    let kept: Vec<&str> = error
        .split(": ")
        .map(str::trim)
        .filter(|part| !part.is_empty() && !WRAPPERS.iter().any(|w| part.starts_with(w)))
        .collect();
    if kept.is_empty() {
        error.trim().to_string()
    } else {
        kept.join(": ")
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
            Some(format!("attempt {attempt}: {}", readable_reason(error))),
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
    Line::from(spans)
}

/// The line under a stale cluster's: why, whole.
fn reason_line<'a>(reason: String, theme: &Theme) -> Line<'a> {
    Line::from(Span::styled(format!("   ↳ {reason}"), theme.stale_warning))
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
        let fresh = freshness(cluster, now);
        let reason = fresh.1.clone();
        lines.push(line(
            &cluster.header.context,
            &cluster.header.server_version,
            &figures,
            fresh,
            &widths,
            theme,
        ));
        lines.extend(reason.map(|r| reason_line(r, theme)));
    }
    frame.render_widget(Paragraph::new(lines).style(theme.base), area);
}

#[cfg(test)]
mod tests {
    use super::readable_reason;

    #[test]
    fn the_reason_reads_as_its_cause() {
        let kube = "failed to perform initial object list: ServiceError: client error (Connect): \
                    tcp connect error: Connection refused (os error 111)";
        assert_eq!(
            readable_reason(kube),
            "tcp connect error: Connection refused (os error 111)"
        );
        assert_eq!(readable_reason("connection refused"), "connection refused");
        assert_eq!(readable_reason("ServiceError: "), "ServiceError:");
        assert_eq!(
            readable_reason("not authorized: Unauthorized (401)"),
            "not authorized: Unauthorized (401)"
        );
    }
}
