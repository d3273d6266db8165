//! The pod table. Only the rows on screen are built.

use super::cells::{Resource, limits_cell, pod_figures, requests_cell};
use super::columns::{Column, Figures, Shown, fit_columns};
use crate::app::AppState;
use crate::app::name_widths::{MARK, container_label};
use crate::model::decide::recommend::thousands;
use crate::model::ground::time::format_age;
use crate::model::pods::events::Connection;
use crate::model::pods::tracking::stuck_for;
use crate::model::{ContainerRow, PodRow};
use crate::theme::Theme;
use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Block, Borders, Cell, Row, Table, TableState};

/// Before a stale cluster's name on each of its rows.
pub const STALE_MARK: &str = "✗ ";

/// First visible row: the app's scroll position, moved only if the selection would be off a
/// screen of `visible_rows` or rows would be left empty below the last one (the app's page
/// size can differ from the screen's, e.g. for a frame after a terminal resize).
pub fn scroll_offset(scroll: usize, selected: usize, visible_rows: usize, rows: usize) -> usize {
    let visible_rows = visible_rows.max(1);
    scroll
        .min(rows.saturating_sub(visible_rows))
        .min(selected)
        .max((selected + 1).saturating_sub(visible_rows))
}

fn header_row(cols: &[Column], figures: Figures, theme: &Theme) -> Row<'static> {
    Row::new(cols.iter().map(|c| {
        let (top, bottom) = c.title_in(figures);
        Cell::from(Text::from(vec![Line::from(top), Line::from(bottom)]))
    }))
    .height(2)
    .style(theme.column_header)
}

/// `text` cut to `width` cells; a cut always ends in `…` so it never passes for a whole value.
pub fn fit(text: &str, width: u16) -> String {
    let width = usize::from(width);
    if Span::raw(text).width() <= width {
        return text.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for ch in text.chars() {
        let w = Span::raw(ch.to_string()).width();
        if used + w + 1 > width {
            break;
        }
        out.push(ch);
        used += w;
    }
    if width > 0 {
        out.push('…');
    }
    out
}

/// The REC cell: the recommended requests with ▼ (over-requested) / ▲ (under-requested).
fn recommendation_cell<'a>(
    state: &AppState,
    pod: &PodRow,
    container: Option<&ContainerRow>,
    theme: &Theme,
) -> Line<'a> {
    use crate::model::decide::rightsizing::{Direction, Verdict, proposed_requests};
    use crate::model::ground::resources::CpuMem;
    let key = pod.pod_key();
    let named: Vec<_> = state
        .rightsizing
        .get(&key)
        .into_iter()
        .flatten()
        .filter(|(name, _)| container.is_none_or(|c| &c.name == name))
        .collect();
    let verdicts: Vec<_> = named.iter().map(|(_, v)| v).collect();
    if verdicts.is_empty() {
        return Line::from(Span::styled(format!("{:>6}│{:>7}", "-", "-"), theme.muted));
    }
    // A pod row sums its containers; its marker follows the sum's direction. A resource no
    // container requests stays `-`: the rule never adds a request.
    let sum =
        |f: &dyn Fn(&crate::model::decide::rightsizing::Verdict) -> (Option<i64>, Direction)| {
            let mut total: Option<i64> = None;
            let mut direction = Direction::Fits;
            for v in &verdicts {
                let (value, d) = f(v);
                if let Some(value) = value {
                    total = Some(total.unwrap_or(0).saturating_add(value));
                }
                if d != Direction::Fits {
                    direction = d;
                }
            }
            (total, direction)
        };
    let (cpu, cpu_dir) = sum(&|v| (proposed_requests(v).cpu_millis, v.cpu));
    let (mem, mem_dir) = sum(&|v| (proposed_requests(v).memory_bytes, v.memory));
    let (cpu_text, mem_text) = super::cells::usage_text(cpu, mem);
    // A decrease held back (too little history, throttling, an OOM kill) proposes today's
    // value: it reads `held`, never as a figure to shrink to.
    let held = |value: fn(&CpuMem) -> Option<i64>, dir: fn(&Verdict) -> Direction| {
        let over: Vec<_> = named
            .iter()
            .filter(|(_, v)| dir(v) == Direction::Over)
            .collect();
        !over.is_empty()
            && over.iter().all(|(name, v)| {
                let now = pod.containers.iter().find(|c| &c.name == name);
                now.is_some_and(|c| {
                    value(&c.desired.effective_requests()) == value(&proposed_requests(v))
                })
            })
    };
    let cpu_text = if held(|r| r.cpu_millis, |v| v.cpu) {
        "held".to_string()
    } else {
        cpu_text
    };
    let mem_text = if held(|r| r.memory_bytes, |v| v.memory) {
        "held".to_string()
    } else {
        mem_text
    };
    let style = |d: Direction| match d {
        Direction::Over => theme.over_requested,
        Direction::Under => theme.under_requested,
        Direction::Fits => theme.muted,
    };
    Line::from(vec![
        Span::styled(format!("{}{cpu_text:>5}", cpu_dir.marker()), style(cpu_dir)),
        Span::raw("│"),
        Span::styled(format!("{}{mem_text:>6}", mem_dir.marker()), style(mem_dir)),
    ])
}

fn usage_cell(state: &AppState, pod: &PodRow, container: Option<&ContainerRow>) -> String {
    let Some(usage) = state.usage.as_ref().and_then(|u| u.get(&pod.pod_key())) else {
        return format!("{:>5}│{:>6}", "-", "-");
    };
    let (cpu, mem) = usage
        .containers
        .iter()
        .filter(|(name, _)| container.is_none_or(|c| &c.name == name))
        .fold((0, 0), |(c, m), (_, u)| {
            (
                c + u.cpu_millis.unwrap_or(0),
                m + u.memory_bytes.unwrap_or(0),
            )
        });
    // Fixed widths so the column lines up like the spec│alloc│actual cells.
    let (cpu, mem) = super::cells::usage_text(Some(cpu), Some(mem));
    format!("{cpu:>5}│{mem:>6}")
}

#[allow(clippy::too_many_arguments)]
fn cell<'a>(
    col: Column,
    width: u16,
    state: &AppState,
    pod: &'a PodRow,
    c: &ContainerRow,
    per_container: Option<&ContainerRow>,
    figures: Figures,
    now: DateTime<Utc>,
    theme: &Theme,
) -> Cell<'a> {
    match col {
        Column::Cluster => {
            let cluster = state.cluster(pod.cluster);
            // Stale rows say so in text too: without colour a red background is nothing.
            let (text, style) = match cluster.connection {
                Connection::Reconnecting { .. } => (
                    format!("{STALE_MARK}{}", cluster.header.context),
                    theme.stale_warning,
                ),
                _ if cluster.live() => (cluster.header.context.clone(), theme.muted),
                _ => (cluster.header.context.clone(), theme.stale_warning),
            };
            Cell::from(Span::styled(fit(&text, width), style))
        }
        Column::Namespace => Cell::from(fit(&pod.namespace, width)),
        Column::Pod if state.marked.contains(&pod.pod_key()) => Cell::from(Span::styled(
            fit(&format!("{MARK}{}", pod.name), width),
            theme.marked,
        )),
        Column::Pod => Cell::from(fit(&pod.name, width)),
        Column::Container => Cell::from(fit(&container_label(c), width)),
        Column::CpuRequest => Cell::from(requests_cell(c, Resource::Cpu, figures, theme)),
        Column::CpuLimit => Cell::from(limits_cell(c, Resource::Cpu, theme)),
        Column::MemoryRequest => Cell::from(requests_cell(c, Resource::Memory, figures, theme)),
        Column::MemoryLimit => Cell::from(limits_cell(c, Resource::Memory, theme)),
        Column::Resize => {
            let resize = if per_container.is_some() {
                &c.state
            } else {
                &pod.state
            };
            let container = per_container.map(|_| c.name.as_str());
            let stuck = stuck_for(pod, resize, now, state.stuck_after);
            Cell::from(super::boost::resize_cell(
                pod, container, resize, stuck, width, now, theme,
            ))
        }
        Column::Restarts => Cell::from(format!("{:>8}", c.restart_count)),
        Column::Age => Cell::from(pod.created.map(|t| format_age(now - t)).unwrap_or_default()),
        Column::Node => Cell::from(fit(pod.node.as_deref().unwrap_or("-"), width)),
        Column::Usage => Cell::from(usage_cell(state, pod, per_container)),
        Column::Recommendation => Cell::from(recommendation_cell(state, pod, per_container, theme)),
    }
}

/// "1,204 rows · 300 pods": rows are containers unless the table shows one row per pod.
fn rows_text(state: &AppState) -> String {
    let rows = state.visible().len();
    let plural = |n: usize, one: &str, many: &str| {
        let word = if n == 1 { one } else { many };
        format!("{} {word}", thousands(u64::try_from(n).unwrap_or(u64::MAX)))
    };
    let pods = state.visible_pods();
    if state.per_pod || rows == pods {
        plural(pods, "pod", "pods")
    } else {
        format!(
            "{} · {}",
            plural(rows, "row", "rows"),
            plural(pods, "pod", "pods")
        )
    }
}

pub fn render(frame: &mut Frame, area: Rect, state: &AppState, now: DateTime<Utc>, theme: &Theme) {
    // The config file's `columns` hides the others before fitting; their room goes to the rest.
    let shown = Shown {
        only: state.columns.as_deref(),
        cluster: state.several_clusters(),
        namespace: state.scope.namespace.is_none(),
        usage: state.usage.is_some(),
        recommendation: !state.rightsizing.is_empty(),
    };
    let fitted = fit_columns(area.width, shown, &state.longest);
    let widths = super::columns::allocate_widths(&fitted, area.width, &state.longest);
    let (cols, figures) = (&fitted.columns, fitted.figures);
    let visible_rows = usize::from(area.height.saturating_sub(3));
    // A wall display pages by itself and has no cursor.
    let offset = match &state.wall {
        Some(wall) => wall.page * visible_rows,
        None => scroll_offset(
            state.scroll(),
            state.selected_index(),
            visible_rows,
            state.visible().len(),
        ),
    };
    let rows = state
        .visible()
        .iter()
        .skip(offset)
        .take(visible_rows)
        .filter_map(|r| state.row(r))
        .map(|(pod, container)| {
            let totals;
            let c = match container {
                Some(c) => c,
                None => {
                    totals = pod_figures(pod);
                    &totals
                }
            };
            let row = Row::new(
                cols.iter()
                    .zip(&widths)
                    .map(|(col, w)| cell(*col, *w, state, pod, c, container, figures, now, theme)),
            );
            let key = pod.pod_key();
            match &state.wall {
                Some(wall) if wall.recently_changed(&key, now) => row.style(theme.changed_recently),
                _ => row,
            }
        });
    let constraints: Vec<Constraint> = widths.iter().copied().map(Constraint::Length).collect();
    let title = format!(
        " {} · sort: {}{} ",
        rows_text(state),
        state.sort.label(),
        if state.filter.text.is_empty() {
            String::new()
        } else {
            format!(" · filter: {}", state.filter.text)
        }
    );
    let table = Table::new(rows, constraints)
        .header(header_row(cols, figures, theme))
        .row_highlight_style(theme.selected)
        .style(theme.base)
        .block(
            Block::default()
                .borders(Borders::TOP)
                .border_style(theme.border)
                .title(Span::styled(title, theme.title)),
        );
    let mut table_state = TableState::default().with_selected(
        (!state.visible().is_empty() && state.wall.is_none())
            .then(|| state.selected_index().saturating_sub(offset)),
    );
    frame.render_stateful_widget(table, area, &mut table_state);
    if let Some(why) = why_empty(state) {
        empty_note(frame, area, &why, theme);
    }
}

/// Why the table shows no row, with the way to rows, where a person could be stuck: a filter
/// matching nothing (Esc clears it, as the help says), or a namespace with no pods once its
/// list is in (`podsize -n shop` on a cluster without `shop`).
fn why_empty(state: &AppState) -> Option<String> {
    if !state.visible().is_empty() || state.wall.is_some() {
        return None;
    }
    if !state.filter.text.is_empty() {
        let filter = &state.filter.text;
        return Some(format!("no row matches {filter:?} · Esc clears the filter"));
    }
    let namespace = state.scope.namespace.as_ref()?;
    (state.synced() && state.pods.is_empty())
        .then(|| format!("no pods in namespace {namespace:?} · :ns all shows every namespace"))
}

/// `why` under the column titles of an empty table, instead of blank rows.
fn empty_note(frame: &mut Frame, area: Rect, why: &str, theme: &Theme) {
    if area.height < 4 {
        return;
    }
    let line = Rect {
        y: area.y + 3,
        height: 1,
        ..area
    };
    frame.render_widget(Span::styled(fit(why, area.width), theme.muted), line);
}

#[cfg(test)]
mod tests {
    use super::fit;

    #[test]
    fn a_cut_value_ends_in_an_ellipsis_and_fits() {
        assert_eq!(fit("bench-node-12", 13), "bench-node-12");
        assert_eq!(fit("bench-node-12", 8), "bench-n…");
        assert_eq!(fit("bench-node-12", 1), "…");
        assert_eq!(fit("abc", 0), "");
        assert_eq!(fit("ü-wide-名前", 6), "ü-wid…");
    }
}
