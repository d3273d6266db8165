//! Cell contents of the pod table: desired, allocated and actual side by side,
//! with values that differ from desired marked for highlighting.

use crate::model::ContainerRow;
use crate::model::quantity::{cpu_human, memory_human};
use crate::model::resources::{CpuMem, ResourceSpec};
use crate::theme::Theme;
use ratatui::style::Style;
use ratatui::text::{Line, Span};

#[derive(Clone, Copy)]
pub enum Resource {
    Cpu,
    Memory,
}

fn pick(values: CpuMem, resource: Resource) -> Option<i64> {
    match resource {
        Resource::Cpu => values.cpu_millis,
        Resource::Memory => values.memory_bytes,
    }
}

fn text(value: Option<i64>, resource: Resource) -> String {
    match (value, resource) {
        (None, _) => "-".into(),
        (Some(v), Resource::Cpu) => cpu_human(v),
        (Some(v), Resource::Memory) => memory_human(v),
    }
}

/// Usage as the table and the details pane both show it (`12m`, `68Mi`): one formatter, so
/// the two never disagree on units.
pub fn usage_text(cpu_millis: Option<i64>, memory_bytes: Option<i64>) -> (String, String) {
    (
        text(cpu_millis, Resource::Cpu),
        text(memory_bytes, Resource::Memory),
    )
}

/// One `spec│alloc│actual` cell; allocated and actual are highlighted where they differ from spec.
/// `width` is the width of each value.
pub fn side_by_side<'a>(
    desired: Option<i64>,
    others: &[Option<Option<i64>>],
    resource: Resource,
    width: usize,
    theme: &Theme,
) -> Line<'a> {
    let mut spans = vec![Span::raw(format!("{:>width$}", text(desired, resource)))];
    for other in others {
        spans.push(Span::styled("│", theme.border));
        // Outer None: the server does not report this value at all.
        let (shown, style) = match other {
            None => ("·".to_string(), theme.muted),
            Some(v) if *v != desired => (text(*v, resource), theme.diff),
            Some(v) => (text(*v, resource), Style::default()),
        };
        spans.push(Span::styled(format!("{shown:>width$}"), style));
    }
    Line::from(spans)
}

/// `spec│alloc│actual` requests of a container.
pub fn requests_cell<'a>(c: &ContainerRow, resource: Resource, theme: &Theme) -> Line<'a> {
    let width = match resource {
        Resource::Cpu => 5,
        Resource::Memory => 6,
    };
    let desired = pick(c.desired.effective_requests(), resource);
    let allocated = c.allocated.map(|a| pick(a, resource));
    let actual = c.actual.map(|a| pick(a.requests, resource));
    side_by_side(desired, &[allocated, actual], resource, width, theme)
}

/// `spec│actual` limits of a container.
pub fn limits_cell<'a>(c: &ContainerRow, resource: Resource, theme: &Theme) -> Line<'a> {
    let width = match resource {
        Resource::Cpu => 5,
        Resource::Memory => 6,
    };
    let desired = pick(c.desired.limits, resource);
    let actual = c.actual.map(|a: ResourceSpec| pick(a.limits, resource));
    side_by_side(desired, &[actual], resource, width, theme)
}

/// Sums over a pod's containers, for one-row-per-pod mode.
pub fn pod_totals(containers: &[ContainerRow]) -> ContainerRow {
    fn add_spec(a: ResourceSpec, b: ResourceSpec) -> ResourceSpec {
        ResourceSpec {
            requests: a.requests.plus(b.requests),
            limits: a.limits.plus(b.limits),
        }
    }
    let mut total = ContainerRow {
        name: format!("{} containers", containers.len()),
        kind: crate::model::ContainerKind::Regular,
        desired: ResourceSpec::default(),
        allocated: None,
        actual: None,
        policy: Default::default(),
        restart_count: 0,
        run_state: crate::model::row::RunState::Running,
        state: crate::model::ResizeState::None,
        problems: Vec::new(),
        server_texts: None,
        oom_killed: false,
    };
    for c in containers {
        let desired = ResourceSpec {
            requests: c.desired.effective_requests(),
            limits: c.desired.limits,
        };
        total.desired = add_spec(total.desired, desired);
        total.allocated = match (total.allocated, c.allocated) {
            (None, None) => None,
            (a, b) => Some(a.unwrap_or_default().plus(b.unwrap_or_default())),
        };
        total.actual = match (total.actual, c.actual) {
            (None, None) => None,
            (a, b) => Some(add_spec(a.unwrap_or_default(), b.unwrap_or_default())),
        };
        total.restart_count = total.restart_count.saturating_add(c.restart_count);
    }
    total
}

/// Style of a resize state.
pub fn state_style(state: &crate::model::ResizeState, theme: &Theme) -> Style {
    use crate::model::ResizeState as S;
    match state {
        S::None | S::Applied => theme.resize_done,
        S::NotStarted => theme.muted,
        S::Unsupported => theme.resize_unsupported,
        S::Submitted | S::Proposed => theme.resize_proposed,
        S::InProgress => theme.resize_in_progress,
        S::Deferred(_) => theme.resize_deferred,
        S::Infeasible(_) => theme.resize_infeasible,
        S::Error(_) | S::Unknown(_) => theme.resize_error,
    }
}

/// `‖ deferred: Node didn't have…` — the label plus the start of the message.
pub fn state_text(state: &crate::model::ResizeState) -> String {
    match state.message().filter(|m| !m.is_empty()) {
        Some(message) => format!("{}: {message}", state.label()),
        None => state.label().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usage_is_in_human_units_not_raw_ki() {
        let (cpu, mem) = usage_text(Some(12), Some(71_303_168));
        assert_eq!((cpu.as_str(), mem.as_str()), ("12m", "68Mi"));
        assert_eq!(usage_text(Some(1500), Some(102_400 * 1024)).1, "100Mi");
        assert_eq!(usage_text(None, None), ("-".to_string(), "-".to_string()));
    }
}
