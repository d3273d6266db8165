//! The pod table. Only the rows on screen are built.

use super::cells::{Resource, limits_cell, pod_totals, requests_cell};
use super::columns::{Column, fit_columns};
use crate::app::AppState;
use crate::model::time::format_age;
use crate::model::{ContainerKind, ContainerRow, PodRow};
use crate::theme::Theme;
use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Block, Borders, Cell, Row, Table, TableState};

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

fn header_row(cols: &[Column], theme: &Theme) -> Row<'static> {
    Row::new(cols.iter().map(|c| {
        let (top, bottom) = c.title();
        Cell::from(Text::from(vec![Line::from(top), Line::from(bottom)]))
    }))
    .height(2)
    .style(theme.column_header)
}

fn container_name(c: &ContainerRow) -> String {
    match c.kind {
        ContainerKind::Regular => c.name.clone(),
        ContainerKind::Sidecar => format!("{} (sidecar)", c.name),
        ContainerKind::Init => format!("{} (init)", c.name),
    }
}

fn usage_cell(state: &AppState, pod: &PodRow, container: Option<&ContainerRow>) -> String {
    let Some(usage) = state
        .usage
        .as_ref()
        .and_then(|u| u.get(&(pod.namespace.clone(), pod.name.clone())))
    else {
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

fn cell<'a>(
    col: Column,
    state: &AppState,
    pod: &'a PodRow,
    c: &ContainerRow,
    per_container: Option<&ContainerRow>,
    now: DateTime<Utc>,
    theme: &Theme,
) -> Cell<'a> {
    match col {
        Column::Namespace => Cell::from(pod.namespace.as_str()),
        Column::Pod
            if state
                .marked
                .contains(&(pod.namespace.clone(), pod.name.clone())) =>
        {
            Cell::from(Span::styled(format!("● {}", pod.name), theme.marked))
        }
        Column::Pod => Cell::from(pod.name.as_str()),
        Column::Container => Cell::from(container_name(c)),
        Column::CpuRequest => Cell::from(requests_cell(c, Resource::Cpu, theme)),
        Column::CpuLimit => Cell::from(limits_cell(c, Resource::Cpu, theme)),
        Column::MemoryRequest => Cell::from(requests_cell(c, Resource::Memory, theme)),
        Column::MemoryLimit => Cell::from(limits_cell(c, Resource::Memory, theme)),
        Column::Resize => {
            let state = if per_container.is_some() {
                &c.state
            } else {
                &pod.state
            };
            let container = per_container.map(|_| c.name.as_str());
            Cell::from(super::boost::resize_cell(pod, container, state, now, theme))
        }
        Column::Restarts => Cell::from(format!("{:>8}", c.restart_count)),
        Column::Age => Cell::from(pod.created.map(|t| format_age(now - t)).unwrap_or_default()),
        Column::Node => Cell::from(pod.node.as_deref().unwrap_or("-")),
        Column::Usage => Cell::from(usage_cell(state, pod, per_container)),
    }
}

pub fn render(frame: &mut Frame, area: Rect, state: &AppState, now: DateTime<Utc>, theme: &Theme) {
    let show_ns = state.scope.namespace.is_none();
    let cols = fit_columns(area.width, show_ns, state.usage.is_some());
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
                    totals = pod_totals(&pod.containers);
                    &totals
                }
            };
            let row = Row::new(
                cols.iter()
                    .map(|col| cell(*col, state, pod, c, container, now, theme)),
            );
            let key = (pod.namespace.clone(), pod.name.clone());
            match &state.wall {
                Some(wall) if wall.recently_changed(&key, now) => row.style(theme.changed_recently),
                _ => row,
            }
        });
    let widths: Vec<Constraint> = super::columns::allocate_widths(&cols, area.width)
        .into_iter()
        .map(Constraint::Length)
        .collect();
    let title = format!(
        " pods ({}) · sort: {}{} ",
        state.visible().len(),
        state.sort.label(),
        if state.filter.text.is_empty() {
            String::new()
        } else {
            format!(" · filter: {}", state.filter.text)
        }
    );
    let table = Table::new(rows, widths)
        .header(header_row(&cols, theme))
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
}
