//! Header bar: where we are, what the cluster says, how fresh the data is.

use super::header_fit::{self, Part};
use crate::app::AppState;
use crate::app::clusters::ClusterStatus;
use crate::app::state::InputMode;
use crate::model::ground::time::format_age;
use crate::model::pods::events::Connection;
use crate::theme::Theme;
use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

/// One cluster's connection as the header shows it.
pub fn connection_span(
    cluster: &ClusterStatus,
    now: DateTime<Utc>,
    theme: &Theme,
) -> Span<'static> {
    // While connected the watch is live, so the data is current: no ticking age to redraw.
    match &cluster.connection {
        Connection::Connecting | Connection::Connected if cluster.loading.is_some() => {
            Span::styled(" ◌ listing ".to_string(), theme.muted)
        }
        Connection::Connecting => Span::styled(" ◌ connecting ".to_string(), theme.muted),
        Connection::Connected => Span::styled(" ● live ".to_string(), theme.status_ok),
        Connection::Reconnecting {
            attempt,
            error,
            since,
        } => Span::styled(
            format!(
                " ✗ reconnecting (attempt {attempt}, stale {}): {} ",
                format_age(now - *since),
                super::wall_clusters::readable_reason(error)
            ),
            theme.stale_warning,
        ),
    }
}

/// [`connection_span`] in a few words, for a narrow screen: that the data is stale and since
/// when stays; the attempt and the error give way.
fn connection_short(cluster: &ClusterStatus, now: DateTime<Utc>, theme: &Theme) -> Span<'static> {
    match &cluster.connection {
        Connection::Reconnecting { since, .. } => Span::styled(
            format!(" ✗ reconnecting, stale {} ", format_age(now - *since)),
            theme.stale_warning,
        ),
        _ => connection_span(cluster, now, theme),
    }
}

/// `↻ in progress 2  ‖ deferred 1 ...` for the states worth a look; `compact`, the symbols
/// only (`↻ 2  ‖ 1`), as the RESIZE column shows them beside their words.
fn counts_line(state: &AppState, compact: bool) -> String {
    let counts = state.state_counts();
    let mut parts = Vec::new();
    for (name, label) in [
        ("InProgress", "↻ in progress"),
        ("Submitted", "↑ submitted"),
        ("Proposed", "↑ proposed"),
        ("Deferred", "‖ deferred"),
        ("Infeasible", "✗ infeasible"),
        ("Error", "‼ error"),
    ] {
        if let Some(n) = counts.get(name) {
            let label = match compact {
                true => label.split(' ').next().unwrap_or(label),
                false => label,
            };
            parts.push(format!("{label} {n}"));
        }
    }
    // Counts of a list still arriving are not final: say so.
    let partial = state.loading();
    match (parts.is_empty(), partial, compact) {
        (true, false, _) => "no resize pending".into(),
        (true, true, _) => "none pending so far (list incomplete)".into(),
        (false, false, _) => parts.join("  "),
        (false, true, false) => format!("{} so far (list incomplete)", parts.join("  ")),
        (false, true, true) => format!("{} so far", parts.join("  ")),
    }
}

/// The counts in words where they fit with `then` (a message) after them, else in symbols.
fn counts_fitting(state: &AppState, then: usize, width: usize) -> String {
    let long = counts_line(state, false);
    match long.chars().count() + then <= width {
        true => long,
        false => counts_line(state, true),
    }
}

/// Whether the status message fits after the counts (in symbols if need be) in `width`
/// columns; a longer one is shown in the footer, whole.
pub fn message_fits(state: &AppState, width: usize) -> bool {
    state.status.as_ref().is_none_or(|m| {
        counts_line(state, true).chars().count() + 3 + m.text.chars().count() <= width
    })
}

/// "▼ over-requested 34.2 cpu · 120Gi  ▲ under-requested 500m cpu" over the rows on show;
/// `None` until some container has a recommendation.
pub fn totals_text(totals: &crate::model::decide::rightsizing::Totals) -> Option<String> {
    totals_in(totals, ["▼ over-requested", "▲ under-requested"])
}

/// [`totals_text`] in at most `room` columns: the labels shorten before a figure loses its
/// unit, then a side goes whole (the under-requested first); `None` when not even one fits.
pub fn totals_fitting(
    totals: &crate::model::decide::rightsizing::Totals,
    room: usize,
) -> Option<String> {
    let fits = |text: &String| text.chars().count() <= room;
    let long = totals_text(totals)?;
    if fits(&long) {
        return Some(long);
    }
    let sides = sides_in(totals, ["▼ over", "▲ under"])?;
    if fits(&sides.join("  ")) {
        return Some(sides.join("  "));
    }
    sides.into_iter().find(fits)
}

fn totals_in(
    totals: &crate::model::decide::rightsizing::Totals,
    labels: [&str; 2],
) -> Option<String> {
    sides_in(totals, labels).map(|sides| sides.join("  "))
}

/// Each side with a figure worth naming, or the one sentence that says none is.
fn sides_in(
    totals: &crate::model::decide::rightsizing::Totals,
    labels: [&str; 2],
) -> Option<Vec<String>> {
    use crate::model::ground::figures::{cpu_figure, memory_figure};
    if totals.judged == 0 {
        return None;
    }
    let side = |label: &str, a: crate::model::decide::rightsizing::Amount| {
        // Only the resources that are off are named; less than 100m or 1Mi is no news.
        let mut parts = Vec::new();
        if a.cpu_millis >= 100 {
            parts.push(format!("{} cpu", cpu_figure(a.cpu_millis)));
        }
        if a.memory_bytes >= 1 << 20 {
            parts.push(memory_figure(a.memory_bytes));
        }
        (!parts.is_empty()).then(|| format!("{label} {}", parts.join(" · ")))
    };
    let sides: Vec<String> = [side(labels[0], totals.over), side(labels[1], totals.under)]
        .into_iter()
        .flatten()
        .collect();
    Some(if sides.is_empty() {
        vec!["requests fit their usage".to_string()]
    } else {
        sides
    })
}

/// "ctx prod-eu ● live  ctx prod-us ✗ reconnecting …": each cluster with its connection.
fn clusters_spans(
    state: &AppState,
    now: DateTime<Utc>,
    theme: &Theme,
    room: usize,
) -> Vec<Span<'static>> {
    let mut spans = Vec::new();
    for cluster in &state.clusters {
        spans.push(Span::styled(
            format!(
                " ctx {} {} ",
                cluster.header.context, cluster.header.server_version
            ),
            theme.header,
        ));
        spans.push(connection_span(cluster, now, theme));
    }
    let width: usize = spans.iter().map(|s| s.content.chars().count()).sum();
    if width <= room {
        return spans;
    }
    // Too narrow for every cluster's version and connection: a mark each, so none is cut off
    // (the wall and `:ctx` name the rest).
    let marks = state.clusters.len() * 3;
    let names: usize = (state.clusters.iter())
        .map(|c| c.header.context.chars().count())
        .sum();
    // Still too wide: each name is cut to an equal share, marked with `…`.
    let share = match names + marks <= room {
        true => usize::MAX,
        false => (room.saturating_sub(marks) / state.clusters.len()).max(2),
    };
    let mut compact = Vec::new();
    for cluster in &state.clusters {
        let (mark, style) = match &cluster.connection {
            Connection::Reconnecting { .. } => ("✗", theme.stale_warning),
            Connection::Connected if cluster.loading.is_none() => ("●", theme.status_ok),
            _ => ("◌", theme.muted),
        };
        let width = u16::try_from(share).unwrap_or(u16::MAX);
        compact.push(Span::styled(
            format!(" {} ", super::table::fit(&cluster.header.context, width)),
            theme.header,
        ));
        compact.push(Span::styled(mark.to_string(), style));
    }
    compact
}

pub fn render(frame: &mut Frame, area: Rect, state: &AppState, now: DateTime<Utc>, theme: &Theme) {
    let h = &state.clusters[0].header;
    let several = state.several_clusters();
    // Where a screen is narrow, the name of the program goes first, then the version, then
    // the scope; the context, the pod count, read-only and the connection always stay.
    let mut first = vec![Part::optional(0, Span::styled(" podsize ", theme.header))];
    if !several {
        first.push(Part::kept(Span::styled(
            format!(" ctx {} ", h.context),
            theme.header,
        )));
        first.push(Part::optional(
            1,
            Span::styled(format!(" {} ", h.server_version), theme.header),
        ));
    }
    first.push(Part::optional(
        2,
        Span::styled(format!(" {} ", state.scope.describe()), theme.header),
    ));
    first.push(Part::kept(Span::styled(
        format!(" {} ", crate::app::loading::pod_count_text(state)),
        theme.header,
    )));
    let denied = state
        .clusters
        .iter()
        .any(|c| c.header.rbac_denied.is_some());
    if state.readonly() {
        first.push(Part::kept(Span::styled(
            " READ-ONLY ",
            theme.readonly_banner,
        )));
    } else if denied {
        first.push(Part::kept(Span::styled(
            " read-only (RBAC) ",
            theme.readonly_banner,
        )));
    }
    let width = usize::from(area.width);
    let first = if several {
        let mut spans: Vec<Span> = first.into_iter().map(|p| p.span).collect();
        let used: usize = spans.iter().map(|s| s.content.chars().count()).sum();
        spans.extend(clusters_spans(
            state,
            now,
            theme,
            width.saturating_sub(used),
        ));
        spans
    } else {
        let cluster = &state.clusters[0];
        let mut short = first.clone();
        let mut long = first;
        long.push(Part::kept(connection_span(cluster, now, theme)));
        let long_width: usize = long.iter().map(|p| p.span.width()).sum();
        if long_width <= width {
            long.into_iter().map(|p| p.span).collect()
        } else {
            short.push(Part::kept(connection_short(cluster, now, theme)));
            header_fit::fit(short, width)
        }
    };
    let second = match &state.input {
        InputMode::Filter(line) => Line::from(vec![
            Span::styled("/", theme.accent),
            Span::styled(with_cursor(line), theme.input),
            Span::styled("  Enter keep · Esc clear", theme.muted),
        ]),
        InputMode::Command(line) => {
            let typed = with_cursor(line);
            // Narrow, the same commands in fewer columns: cut, `nodes` and `q` went first.
            let long = "  ns NAME · ns all · ctx NAME… · ctx all · sort KEY · nodes · q";
            let short = "  ns NAME|all · ctx NAME…|all · sort KEY · nodes · q";
            let fits = 1 + typed.chars().count() + long.chars().count() <= usize::from(area.width);
            Line::from(vec![
                Span::styled(":", theme.accent),
                Span::styled(typed, theme.input),
                Span::styled(if fits { long } else { short }, theme.muted),
            ])
        }
        // The counts always show; a message (for a few seconds) comes after them.
        InputMode::Normal => {
            let width = usize::from(area.width);
            // Too long to follow the counts: the footer shows it instead, and this line is
            // laid out as if there were none (counts in words where they fit, `? help`).
            let status = (state.status.as_ref()).filter(|_| message_fits(state, width));
            let message = status.map(|m| m.text.chars().count() + 3);
            let counts = counts_fitting(state, message.unwrap_or(0), width);
            let room = width.saturating_sub(counts.chars().count() + 3);
            let mut spans = vec![Span::styled(counts, theme.accent)];
            match status {
                Some(msg) => spans.push(Span::styled(
                    format!("   {}", msg.text),
                    if msg.error {
                        theme.status_error
                    } else {
                        theme.status_ok
                    },
                )),
                None => {
                    // Columns left after the counts, each part taking three for its gap.
                    let mut left = room + 3;
                    if let Some(totals) = totals_fitting(&state.rightsizing_totals, room) {
                        left = left.saturating_sub(totals.chars().count() + 3);
                        spans.push(Span::styled(format!("   {totals}"), theme.muted));
                    }
                    // The footer names it too: here only where it fits whole.
                    if left >= "   ? help".len() {
                        spans.push(Span::styled("   ? help", theme.muted));
                    }
                }
            }
            Line::from(spans)
        }
    };
    let text = vec![Line::from(first).style(theme.header), second];
    frame.render_widget(Paragraph::new(text).style(theme.base), area);
}

/// The text with a bar where the cursor is.
fn with_cursor(line: &crate::app::line_edit::LineEdit) -> String {
    let (before, after) = line.split_at_cursor();
    format!("{before}▏{after}")
}
