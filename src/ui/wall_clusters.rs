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
/// Titles of the counts, and their shorter forms where the screen is too narrow for the rest.
const COUNT_TITLES: [&str; 5] = ["PODS", "↻ PROG", "‖ DEFER", "✗ INFEAS", "‼ ERRORS"];
const NARROW_TITLES: [&str; 5] = ["PODS", "↻ PROG", "‖ DEF", "✗ INF", "‼ ERR"];
const NARROW_COUNT_WIDTH: usize = 6;

fn cell(text: String, width: usize) -> String {
    let fitted = super::table::fit(&text, u16::try_from(width).unwrap_or(u16::MAX));
    format!("{fitted:<width$} ")
}

/// The cells' widths: names and versions as long as the longest (versions to `version
/// unknown`), so the freshness and the counts fit in 80 columns. Narrower, the version goes
/// (the header has it) and the counts take shorter titles, so every count stays at 60.
struct Widths {
    name: usize,
    /// 0: no version column.
    version: usize,
    count: usize,
}

impl Widths {
    fn of(state: &AppState, width: usize) -> Self {
        let longest = |f: fn(&ClusterStatus) -> &str| {
            (state.clusters.iter())
                .map(|c| f(c).chars().count())
                .max()
                .unwrap_or(0)
        };
        let name = longest(|c| &c.header.context).clamp(7, 28);
        let version = longest(|c| &c.header.server_version).clamp(7, 15);
        let full = Widths {
            name,
            version,
            count: COUNT_WIDTH,
        };
        if full.total() <= width {
            return full;
        }
        let narrow = Widths {
            name,
            version: 0,
            count: NARROW_COUNT_WIDTH,
        };
        let over = narrow.total().saturating_sub(width);
        Widths {
            name: name.saturating_sub(over).max(4),
            ..narrow
        }
    }

    /// Columns a line takes: a space, each cell with the space after it.
    fn total(&self) -> usize {
        let version = if self.version > 0 {
            self.version + 1
        } else {
            0
        };
        1 + self.name + 1 + version + FRESH_WIDTH + 1 + 5 * (self.count + 1)
    }

    fn titles(&self) -> [&'static str; 5] {
        match self.count < COUNT_WIDTH {
            true => NARROW_TITLES,
            false => COUNT_TITLES,
        }
    }
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
        let pad = " ".repeat(widths.count.saturating_sub(text.chars().count()));
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
    let mut spans = vec![Span::styled(
        format!(" {}", cell(name.into(), widths.name)),
        theme.title,
    )];
    if widths.version > 0 {
        spans.push(Span::styled(
            cell(version.into(), widths.version),
            theme.muted,
        ));
    }
    spans.push(Span::styled(cell(short, FRESH_WIDTH), fresh_style));
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
    let widths = Widths::of(state, usize::from(area.width));
    let mut title = format!(" {}", cell("CLUSTER".into(), widths.name));
    if widths.version > 0 {
        title.push_str(&cell("VERSION".into(), widths.version));
    }
    title.push_str(&cell("DATA".into(), FRESH_WIDTH));
    let titles: Vec<String> = (widths.titles().iter())
        .map(|t| format!("{t:>w$}", w = widths.count))
        .collect();
    title.push_str(&titles.join(" "));
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
